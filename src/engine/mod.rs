//! Evaluation: one streaming pass per input file updates an accumulator per
//! rule, period and group; the results are decided at the end.

pub mod condition;
pub(crate) mod distinct;
mod explain;
/// Public for the micro-benchmarks in benches/.
pub mod ratio;
pub mod share;
mod shortfall;
pub(crate) mod weighted;

#[cfg(test)]
mod properties;

use crate::input::value::Value;
use crate::input::{Binding, DatasetReader, Row};
use crate::pack::schema::ColumnType;
use crate::pack::{Measure, Pack, Rule};
use crate::report::{
    DatasetInfo, Issue, Measured, PlanInfo, Previous, Reason, Report, RuleResult, Status, Trend,
};
use crate::target::{Op, Target, Verdict};
use crate::Lang;
use anyhow::{bail, Result};
use chrono::NaiveDate;
use condition::{eval, Truth};
use indexmap::{IndexMap, IndexSet};
use num_traits::ToPrimitive;
use std::collections::BTreeSet;

pub use explain::ExplainOptions;

/// Settings of one `check` run.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// Reference date for ages and deadlines.
    pub as_of: NaiveDate,
    /// Period (year) of multi-year datasets to check; the latest if `None`.
    pub year: Option<i64>,
    pub lang: Lang,
    /// Which rules list the rows that do not meet them.
    pub explain: ExplainOptions,
    /// `--encoding` and `--sheet`.
    pub encoding: Option<crate::input::encoding::Forced>,
    pub sheet: Option<String>,
}

impl CheckOptions {
    /// How input files are read in this run.
    pub fn read_options(&self) -> crate::input::ReadOptions {
        crate::input::ReadOptions {
            lang: self.lang,
            as_of: self.as_of,
            encoding: self.encoding,
            sheet: self.sheet.clone(),
        }
    }
}

/// Told how far reading has got, so that a caller can show progress
/// (evaluation itself never prints).
pub trait Progress {
    /// A file is about to be read; `total` is its size in [`Progress::advance`]'s units.
    fn start(&self, _file: &str, _total: u64) {}
    /// This much of the current file has been read.
    fn advance(&self, _done: u64) {}
    /// The current file has been read (or reading it failed).
    fn finish(&self) {}
}

/// No progress reporting.
pub struct NoProgress;

impl Progress for NoProgress {}

/// Rows between two progress reports.
const PROGRESS_EVERY: u64 = 1 << 16;

/// Checks every rule of `pack` against the bound files.
pub fn check(pack: &Pack, bindings: &[Binding], opts: &CheckOptions) -> Result<Report> {
    check_with_progress(pack, bindings, opts, &NoProgress)
}

/// [`check`], telling `progress` how far each file has been read.
pub fn check_with_progress(
    pack: &Pack,
    bindings: &[Binding],
    opts: &CheckOptions,
    progress: &dyn Progress,
) -> Result<Report> {
    let mut results = Vec::new();
    let mut issues = Vec::new();
    for (d, dataset) in pack.datasets.iter().enumerate() {
        let rules: Vec<&Rule> = pack.rules.iter().filter(|r| r.dataset == d).collect();
        if rules.is_empty() {
            continue;
        }
        match bindings.iter().find(|b| b.dataset == d) {
            None => {
                for rule in rules {
                    results.push(unmeasured(
                        pack,
                        rule,
                        Status::Skipped,
                        Reason::NoInput,
                        None,
                    ));
                }
            }
            Some(binding) => {
                let reader = DatasetReader::open(dataset, binding, &opts.read_options())?;
                progress.start(&reader.file, reader.size());
                let checked = check_dataset(pack, &rules, reader, opts, &mut issues, progress);
                progress.finish();
                results.extend(checked?);
            }
        }
    }
    Ok(Report {
        plan: PlanInfo {
            id: pack.id.clone(),
            title: pack.title.clone(),
            document: pack.document.clone(),
        },
        as_of: opts.as_of,
        datasets: pack
            .datasets
            .iter()
            .map(|d| DatasetInfo {
                name: d.name.clone(),
                title: d.title.clone(),
            })
            .collect(),
        results,
        issues,
    })
}

/// An accumulator's (period, group): group `None` is the ungrouped result or
/// the pooled total, `Some(i)` the file's i-th group name.
type Key = (Option<i64>, Option<usize>);

/// Looked up for every row and rule: a fast hash (foldhash, randomly seeded)
/// instead of the standard SipHash.
type Hasher = foldhash::fast::RandomState;

/// Per-rule state: accumulators keyed by (period, group).
struct RuleState<'p> {
    rule: &'p Rule,
    accs: IndexMap<Key, Acc, Hasher>,
    /// Only for rules whose rows were asked for.
    explain: Option<explain::Explainer>,
}

pub(crate) enum Acc {
    Share(share::Share),
    Ratio(ratio::Ratio),
    Weighted(weighted::Weighted),
    Distinct(distinct::Distinct),
}

impl Acc {
    fn new(rule: &Rule, pack: &Pack) -> Acc {
        match &rule.measure {
            Measure::Share(_) => Acc::Share(Default::default()),
            Measure::Ratio { numerator, .. } => {
                let kind = pack.datasets[rule.dataset].columns[*numerator].kind;
                Acc::Ratio(ratio::Ratio::new(kind == ColumnType::Int))
            }
            Measure::Weighted { .. } => Acc::Weighted(Default::default()),
            Measure::Distinct(_) => Acc::Distinct(Default::default()),
        }
    }

    /// Adds a row; `cond` is the share condition's value, computed by the caller.
    fn add(&mut self, rule: &Rule, scope: Truth, cond: Truth, values: &[Option<Value>]) {
        let certain = scope == Truth::True;
        match (self, &rule.measure) {
            (Acc::Share(a), Measure::Share(_)) => a.add(scope, cond),
            (
                Acc::Ratio(a),
                Measure::Ratio {
                    numerator,
                    denominator,
                },
            ) => a.add(certain, &values[*numerator], &values[*denominator]),
            (Acc::Weighted(a), Measure::Weighted { value, weight }) => {
                a.add(certain, &values[*value], &values[*weight])
            }
            (Acc::Distinct(a), Measure::Distinct(c)) => a.add(scope, &values[*c]),
            _ => {}
        }
    }

    fn finish(&self) -> Measured {
        match self {
            Acc::Share(a) => a.finish(),
            Acc::Ratio(a) => a.finish(),
            Acc::Weighted(a) => a.finish(),
            Acc::Distinct(a) => a.finish(),
        }
    }
}

fn check_dataset(
    pack: &Pack,
    rules: &[&Rule],
    mut reader: DatasetReader<'_>,
    opts: &CheckOptions,
    issues: &mut Vec<Issue>,
    progress: &dyn Progress,
) -> Result<Vec<RuleResult>> {
    let dataset = reader.dataset;
    let mut skipped = Vec::new();
    let mut states = Vec::new();
    for rule in rules {
        let cols = rule.columns();
        let missing: Vec<String> = cols
            .iter()
            .filter(|c| !reader.has(**c))
            .map(|c| describe_column(&dataset.columns[*c]))
            .collect();
        if missing.is_empty() {
            reader.use_columns(&cols);
            let explain = opts
                .explain
                .wants(&rule.id)
                .then(|| explain::Explainer::new(rule, dataset, &reader, opts.explain.limit));
            states.push(RuleState {
                rule,
                accs: IndexMap::default(),
                explain,
            });
        } else {
            skipped.push((rule, missing));
        }
    }

    let first_issue = issues.len();
    let mut row = Row::default();
    let mut periods = BTreeSet::new();
    let mut rows = 0u64;
    // Group names, each stored once; accumulators refer to them by index.
    let mut groups: IndexSet<String, Hasher> = IndexSet::default();
    // This row's group per group-by column, looked up once per row.
    let mut row_groups: Vec<(usize, Option<usize>)> = Vec::new();
    while reader.next_row(&mut row, issues)? {
        rows += 1;
        if rows.is_multiple_of(PROGRESS_EVERY) {
            progress.advance(reader.position());
        }
        let period = match dataset.period {
            None => None,
            Some(p) => match row.values[p].as_ref() {
                Some(Value::Num(n)) => match n.to_integer().to_i64() {
                    Some(y) if (1000..=9999).contains(&y) => Some(y),
                    _ => {
                        issues.push(Issue {
                            dataset: dataset.name.clone(),
                            file: reader.file.clone(),
                            line: row.line,
                            column: reader.header(p),
                            value: reader.raw(p),
                            message: match opts.lang {
                                Lang::Zh => "不是有效年份，本行未计入：请填写四位年份，如 2025".into(),
                                Lang::En => "not a year, so the row is left out: write a four-digit year such as 2025".into(),
                            },
                        });
                        continue;
                    }
                },
                // Empty or unreadable: already reported by the reader; the row has no year.
                _ => continue,
            },
        };
        if period.is_some() {
            periods.insert(period);
        }
        let mut undecided = Vec::new();
        row_groups.clear();
        for state in &mut states {
            let rule = state.rule;
            let scope = match &rule.scope {
                None => Truth::True,
                Some(c) => eval(c, &row.values, opts.as_of),
            };
            if scope == Truth::False {
                continue;
            }
            let cond = match &rule.measure {
                Measure::Share(c) => eval(c, &row.values, opts.as_of),
                _ => Truth::True,
            };
            if scope == Truth::Unknown || cond == Truth::Unknown {
                note_undecided(rule, &row.values, opts.as_of, &mut undecided);
            }
            // The row counts for its group and the pooled total, or, for an
            // ungrouped rule, for the one result.
            let keys: [Option<Option<usize>>; 2] = match rule.group_by {
                None => [Some(None), None],
                Some(g) => {
                    let group = group_of(g, &row.values, &mut groups, &mut row_groups);
                    [group.map(Some), rule.total.then_some(None)]
                }
            };
            for key in keys.into_iter().flatten() {
                let k = (period, key);
                if let Some(x) = &mut state.explain {
                    let acc = state.accs.get(&k);
                    x.note(
                        rule, k, acc, scope, cond, &row, &reader, opts.as_of, opts.lang,
                    );
                }
                state
                    .accs
                    .entry(k)
                    .or_insert_with(|| Acc::new(rule, pack))
                    .add(rule, scope, cond, &row.values);
            }
        }
        for c in undecided {
            issues.push(Issue {
                dataset: dataset.name.clone(),
                file: reader.file.clone(),
                line: row.line,
                column: reader.header(c),
                value: reader.raw(c),
                message: undecided_message(opts.lang),
            });
        }
    }
    issues[first_issue..].sort_by_key(|i| i.line);
    if rows == 0 {
        bail!(
            "{}: no rows: the file has a header but no data; give a file with at least one row, \
             or leave the {} dataset out to skip its rules",
            reader.file,
            dataset.name
        );
    }
    let year_header = dataset.period.map(|p| reader.header(p)).unwrap_or_default();
    let period = choose_period(dataset, &periods, opts.year, &reader.file, &year_header)?;
    let previous = previous_period(&periods, period);
    let mut out = Vec::new();
    for state in &mut states {
        // Group indices become names: the warehouse path has names only.
        let measured: Measurements = state
            .accs
            .iter()
            .map(|((p, g), acc)| {
                let name = g.and_then(|g| groups.get_index(g)).cloned();
                ((*p, name), acc.finish())
            })
            .collect();
        let explain = &mut state.explain;
        let file = &reader.file;
        out.extend(rule_results(
            pack,
            state.rule,
            &measured,
            period,
            previous,
            opts,
            &mut |p, name| {
                let x = explain.as_mut()?;
                let g = match name {
                    None => None,
                    Some(n) => Some(groups.get_index_of(n)?),
                };
                Some(x.take(&(p, g), file))
            },
        ));
    }
    for (rule, missing) in skipped {
        out.push(unmeasured(
            pack,
            rule,
            Status::Skipped,
            Reason::MissingColumns(missing),
            period,
        ));
    }
    // Keep the pack's rule order.
    out.sort_by_key(|r| pack.rules.iter().position(|x| x.id == r.rule));
    Ok(out)
}

/// One rule's measured values by (period, group name); group `None` is the
/// ungrouped result or the pooled total. Files and warehouses both end here.
pub type Measurements = IndexMap<(Option<i64>, Option<String>), Measured>;

/// Which period of a dataset is checked: none for a dataset without a period
/// column, else `--year` (which must occur) or the latest found.
pub(crate) fn choose_period(
    dataset: &crate::pack::Dataset,
    periods: &BTreeSet<Option<i64>>,
    year: Option<i64>,
    source: &str,
    year_header: &str,
) -> Result<Option<i64>> {
    Ok(match (dataset.period, year) {
        (None, _) => None,
        (Some(_), Some(y)) => {
            if !periods.contains(&Some(y)) {
                bail!(
                    "{source}: no rows for year {y} (years found: {}): pick one of them with --year",
                    years(periods)
                );
            }
            Some(y)
        }
        (Some(_), None) => match periods.iter().next_back() {
            Some(latest) => *latest,
            None => bail!(
                "{source}: no row has a readable `{year_header}`: fill in the year of each row"
            ),
        },
    })
}

/// The period before the one checked, for trends.
pub(crate) fn previous_period(periods: &BTreeSet<Option<i64>>, period: Option<i64>) -> Option<i64> {
    period.and_then(|p| periods.range(..Some(p)).next_back().copied().flatten())
}

/// The rows listed for a (period, group name), if any were asked for.
pub(crate) type ExplainFn<'a> =
    dyn FnMut(Option<i64>, Option<&str>) -> Option<crate::report::Explanation> + 'a;

/// One rule's results from its measured values: every group of the period
/// checked (with its previous period for the trend), the pooled total last,
/// or `not_applicable` when there is nothing. The one place where measured
/// values become statuses, shared by the file and the warehouse paths;
/// `explain` gives the listed rows of a (period, group), if any.
pub(crate) fn rule_results(
    pack: &Pack,
    rule: &Rule,
    measured: &Measurements,
    period: Option<i64>,
    previous: Option<i64>,
    opts: &CheckOptions,
    explain: &mut ExplainFn<'_>,
) -> Vec<RuleResult> {
    let mut out = Vec::new();
    let mut any = false;
    let mut pooled = None;
    for ((p, group), m) in measured {
        if *p != period {
            continue;
        }
        any = true;
        let mut result = decide(pack, rule, group.clone(), m.clone(), period, opts);
        if let Some(prev) = previous {
            if let Some(then) = measured.get(&(Some(prev), group.clone())) {
                result.previous = Some(previous_result(pack, rule, &result, then, prev, opts));
            }
        }
        result.explanation = explain(*p, group.as_deref());
        if group.is_none() && rule.group_by.is_some() {
            pooled = Some(result);
        } else {
            out.push(result);
        }
    }
    if let Some(mut p) = pooled {
        p.pooled = true;
        out.push(p);
    }
    if !any {
        out.push(unmeasured(
            pack,
            rule,
            Status::NotApplicable,
            Reason::NothingToMeasure,
            period,
        ));
    }
    out
}

/// The index of the row's group in the `group_by` column `g` (`None` if the
/// cell is unknown), interning a new name; looked up once per row and column
/// (`row_groups`), however many rules group by it.
fn group_of(
    g: usize,
    values: &[Option<Value>],
    groups: &mut IndexSet<String, Hasher>,
    row_groups: &mut Vec<(usize, Option<usize>)>,
) -> Option<usize> {
    if let Some(&(_, group)) = row_groups.iter().find(|(c, _)| *c == g) {
        return group;
    }
    let group = match &values[g] {
        Some(Value::Text(name)) => Some(match groups.get_index_of(name) {
            Some(i) => i,
            None => groups.insert_full(name.clone()).0,
        }),
        _ => None,
    };
    row_groups.push((g, group));
    group
}

/// Records columns whose value was read but does not decide a condition
/// (month-only birth dates), so they can be reported as issues.
fn note_undecided(rule: &Rule, values: &[Option<Value>], as_of: NaiveDate, out: &mut Vec<usize>) {
    if let Some(c) = &rule.scope {
        condition::undecided(c, values, as_of, out);
    }
    if let Measure::Share(c) = &rule.measure {
        condition::undecided(c, values, as_of, out);
    }
}

fn undecided_message(lang: Lang) -> String {
    match lang {
        Lang::Zh => "只填到月份，是否满足年龄条件取决于具体日期，按未知处理：请补全到日".into(),
        Lang::En => "month only: whether the age condition holds depends on the day, so it counts as unknown; add the day".into(),
    }
}

pub(crate) fn years(periods: &BTreeSet<Option<i64>>) -> String {
    periods
        .iter()
        .flatten()
        .map(|y| y.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn describe_column(c: &crate::pack::Column) -> String {
    match c.headers.first() {
        Some(h) => format!("{} ({h})", c.name),
        None => c.name.clone(),
    }
}

/// Decides status and shortfall from the measured range.
fn decide(
    pack: &Pack,
    rule: &Rule,
    group: Option<String>,
    m: Measured,
    period: Option<i64>,
    opts: &CheckOptions,
) -> RuleResult {
    let mut result = unmeasured(pack, rule, Status::Pass, Reason::NothingToMeasure, period);
    result.reason = None;
    result.group = group;
    if m.empty {
        result.status = Status::NotApplicable;
        result.reason = Some(
            if m.unknown == 0
                && m.denominator == crate::num::int(0)
                && matches!(m.kind, crate::report::Kind::Ratio { .. })
            {
                Reason::ZeroDenominator
            } else {
                Reason::NothingToMeasure
            },
        );
        result.measured = Some(m);
        return result;
    }
    let verdict = rule.target.verdict(&m.min, m.max.as_ref());
    result.status = match verdict {
        Verdict::Pass => Status::Pass,
        _ if rule.due.is_some_and(|due| opts.as_of <= due) => Status::Pending,
        Verdict::Fail => Status::Fail,
        Verdict::Indeterminate => Status::Indeterminate,
    };
    if verdict != Verdict::Pass {
        result.shortfall = shortfall::compute(&rule.target, &m);
    }
    result.measured = Some(m);
    result
}

/// A result without measurements (skipped, or nothing to measure).
pub(crate) fn unmeasured(
    pack: &Pack,
    rule: &Rule,
    status: Status,
    reason: Reason,
    period: Option<i64>,
) -> RuleResult {
    RuleResult {
        rule: rule.id.clone(),
        clause: rule.clause.clone(),
        title: rule.title.clone(),
        dataset: pack.datasets[rule.dataset].name.clone(),
        group: None,
        pooled: false,
        period,
        status,
        severity: rule.severity,
        target: rule.target.clone(),
        measured: None,
        shortfall: None,
        due: rule.due,
        reason: Some(reason),
        unit: rule.unit.clone(),
        quote: rule.quote.clone(),
        previous: None,
        explanation: None,
    }
}

/// The same rule and group one period earlier, and which way it moved.
fn previous_result(
    pack: &Pack,
    rule: &Rule,
    now: &RuleResult,
    measured: &Measured,
    period: i64,
    opts: &CheckOptions,
) -> Previous {
    let measured = measured.clone();
    let then = decide(
        pack,
        rule,
        now.group.clone(),
        measured.clone(),
        Some(period),
        opts,
    );
    let trend = match &now.measured {
        Some(m) => trend(&rule.target, m, &measured),
        None => Trend::Unknown,
    };
    Previous {
        period,
        status: then.status,
        measured,
        trend,
    }
}

/// Compares the ranges of possible values now and then: improved only if
/// every value now possible is nearer to meeting the target than every value
/// possible then; `unknown` when the ranges overlap.
fn trend(target: &Target, now: &Measured, then: &Measured) -> Trend {
    use num_traits::Signed;
    use std::cmp::Ordering;
    if now.empty || then.empty {
        return Trend::Unknown;
    }
    let v = &target.value;
    let exact = |m: &Measured| m.max.as_ref() == Some(&m.min);
    let both_exact = exact(now) && exact(then);
    if target.op == Op::Eq && both_exact {
        let (a, b) = ((&now.min - v).abs(), (&then.min - v).abs());
        return match a.cmp(&b) {
            Ordering::Equal => Trend::Unchanged,
            Ordering::Less => Trend::Improved,
            Ordering::Greater => Trend::Declined,
        };
    }
    let below = |m: &Measured| m.max.as_ref().is_some_and(|x| x <= v);
    let above = |m: &Measured| m.min >= *v;
    // Up is better for lower bounds, down for upper bounds; an exact target
    // is a lower bound below it and an upper bound above it.
    let up = match target.op {
        Op::Ge | Op::Gt => true,
        Op::Le | Op::Lt => false,
        Op::Eq if below(now) && below(then) => true,
        Op::Eq if above(now) && above(then) => false,
        Op::Eq => return Trend::Unknown,
    };
    // `max: None` is unbounded above.
    let rose = then.max.as_ref().is_some_and(|t| *t < now.min);
    let fell = now.max.as_ref().is_some_and(|n| *n < then.min);
    match (rose, fell) {
        (true, _) if up => Trend::Improved,
        (true, _) => Trend::Declined,
        (_, true) if up => Trend::Declined,
        (_, true) => Trend::Improved,
        _ if both_exact => Trend::Unchanged,
        _ => Trend::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::num::{int, Rational};
    use crate::report::Kind;

    fn exact(n: i64, d: i64) -> Measured {
        let x = Rational::new(n.into(), d.into());
        Measured {
            kind: Kind::Ratio { integral: true },
            numerator: int(n),
            denominator: int(d),
            unknown: 0,
            min: x.clone(),
            max: Some(x),
            empty: false,
        }
    }

    fn range(min: (i64, i64), max: Option<(i64, i64)>) -> Measured {
        let r = |(n, d): (i64, i64)| Rational::new(n.into(), d.into());
        Measured {
            unknown: 1,
            min: r(min),
            max: max.map(r),
            ..exact(min.0, min.1)
        }
    }

    fn t(s: &str) -> Target {
        Target::parse(s).unwrap()
    }

    #[test]
    fn trend_follows_the_direction_of_the_target() {
        assert_eq!(
            trend(&t(">= 50%"), &exact(6, 10), &exact(5, 10)),
            Trend::Improved
        );
        assert_eq!(
            trend(&t(">= 50%"), &exact(4, 10), &exact(5, 10)),
            Trend::Declined
        );
        assert_eq!(
            trend(&t(">= 50%"), &exact(5, 10), &exact(1, 2)),
            Trend::Unchanged
        );
        // An upper bound: lower is better.
        assert_eq!(
            trend(&t("<= 10%"), &exact(1, 20), &exact(1, 10)),
            Trend::Improved
        );
        assert_eq!(
            trend(&t("< 10%"), &exact(2, 10), &exact(1, 10)),
            Trend::Declined
        );
        // = 100%: nearer is better, from either side.
        assert_eq!(
            trend(&t("全部"), &exact(33, 35), &exact(31, 35)),
            Trend::Improved
        );
        assert_eq!(
            trend(&t("全部"), &exact(0, 1), &exact(1, 1)),
            Trend::Declined
        );
        assert_eq!(
            trend(&t("= 1/2"), &exact(6, 10), &exact(3, 10)),
            Trend::Improved
        );
    }

    #[test]
    fn trend_with_unknown_cells_compares_ranges() {
        let target = t(">= 50%");
        // Now somewhere in 6/10..7/10, then exactly 5/10: improved whatever the unknowns.
        assert_eq!(
            trend(&target, &range((6, 10), Some((7, 10))), &exact(5, 10)),
            Trend::Improved
        );
        // Overlapping ranges cannot be compared.
        assert_eq!(
            trend(&target, &range((4, 10), Some((6, 10))), &exact(5, 10)),
            Trend::Unknown
        );
        // An unbounded range (unknown numerator) above a lower value then.
        assert_eq!(
            trend(&target, &range((6, 10), None), &exact(5, 10)),
            Trend::Improved
        );
        assert_eq!(
            trend(&target, &exact(5, 10), &range((6, 10), None)),
            Trend::Declined
        );
        // = 100% with unknowns on both sides of the target: unknown.
        assert_eq!(
            trend(&t("全部"), &range((9, 10), None), &exact(8, 10)),
            Trend::Unknown
        );
        let mut empty = exact(0, 1);
        empty.empty = true;
        assert_eq!(trend(&target, &exact(5, 10), &empty), Trend::Unknown);
    }
}
