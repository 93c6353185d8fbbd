//! Evaluation: one streaming pass per input file updates an accumulator per
//! rule, period and group; the results are decided at the end.

pub mod condition;
mod distinct;
pub mod ratio;
pub mod share;
mod shortfall;
mod weighted;

use crate::input::value::Value;
use crate::input::{Binding, DatasetReader, Row};
use crate::pack::schema::ColumnType;
use crate::pack::{Measure, Pack, Rule};
use crate::report::{Issue, Measured, PlanInfo, Reason, Report, RuleResult, Status};
use crate::target::Verdict;
use crate::Lang;
use anyhow::{bail, Result};
use chrono::NaiveDate;
use condition::{eval, Truth};
use indexmap::{IndexMap, IndexSet};
use num_traits::ToPrimitive;
use std::collections::BTreeSet;

/// Settings of one `check` run.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// Reference date for ages and deadlines.
    pub as_of: NaiveDate,
    /// Period (year) of multi-year datasets to check; the latest if `None`.
    pub year: Option<i64>,
    pub lang: Lang,
}

/// Data issues listed per file; the rest are only counted, so that memory
/// does not grow with the rows of a file full of empty cells.
pub const MAX_ISSUES_PER_FILE: usize = 10_000;

/// Told how far reading has got, so that a caller can show progress
/// (evaluation itself never prints).
pub trait Progress {
    /// A file of `bytes` bytes is about to be read.
    fn start(&self, _file: &str, _bytes: u64) {}
    /// The first `bytes` bytes of the current file have been read.
    fn advance(&self, _bytes: u64) {}
    /// The current file has been read.
    fn finish(&self) {}
}

/// No progress reporting.
pub struct NoProgress;

impl Progress for NoProgress {}

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
    let mut issues_omitted = 0;
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
                let reader = DatasetReader::open(dataset, &binding.path, opts.lang)?;
                let bytes = std::fs::metadata(&binding.path).map_or(0, |m| m.len());
                progress.start(&reader.file, bytes);
                let mut sink = IssueSink {
                    issues: &mut issues,
                    omitted: &mut issues_omitted,
                };
                let checked = check_dataset(pack, &rules, reader, opts, &mut sink, progress);
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
        results,
        issues,
        issues_omitted,
    })
}

/// Where a file's data issues go: the first [`MAX_ISSUES_PER_FILE`] are
/// kept, the rest counted.
struct IssueSink<'a> {
    issues: &'a mut Vec<Issue>,
    omitted: &'a mut u64,
}

/// Per-rule state: accumulators keyed by (period, group); group `None` is the
/// ungrouped result or the pooled total, `Some(i)` the file's i-th group name.
struct RuleState<'p> {
    rule: &'p Rule,
    accs: IndexMap<(Option<i64>, Option<usize>), Acc, Hasher>,
    /// Without periods, where each key's accumulator is in `accs`: slot 0
    /// for group `None`, slot g + 1 for group g. Saves a hash per row.
    slots: Vec<usize>,
}

impl RuleState<'_> {
    /// The accumulator for (period, group), created on first use.
    fn acc(&mut self, period: Option<i64>, group: Option<usize>, pack: &Pack) -> &mut Acc {
        let slot = period.is_none().then(|| group.map_or(0, |g| g + 1));
        if let Some(&i) = slot.and_then(|k| self.slots.get(k)) {
            if i != usize::MAX {
                return &mut self.accs[i];
            }
        }
        let rule = self.rule;
        let entry = self.accs.entry((period, group));
        let i = entry.index();
        entry.or_insert_with(|| Acc::new(rule, pack));
        if let Some(k) = slot {
            if self.slots.len() <= k {
                self.slots.resize(k + 1, usize::MAX);
            }
            self.slots[k] = i;
        }
        &mut self.accs[i]
    }
}

/// Looked up for every row and rule: a fast hash (foldhash, randomly
/// seeded) instead of the standard SipHash.
type Hasher = foldhash::fast::RandomState;

enum Acc {
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
    sink: &mut IssueSink<'_>,
    progress: &dyn Progress,
) -> Result<Vec<RuleResult>> {
    let issues = &mut *sink.issues;
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
            states.push(RuleState {
                rule,
                accs: IndexMap::default(),
                slots: Vec::new(),
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
    // This row's group index per group-by column, looked up once per row.
    let mut row_groups: Vec<(usize, Option<usize>)> = Vec::new();
    reader.limit_issues(MAX_ISSUES_PER_FILE);
    while reader.next_row(&mut row, issues)? {
        rows += 1;
        if rows.is_multiple_of(65_536) {
            progress.advance(reader.byte_offset());
        }
        let period = match dataset.period {
            None => None,
            Some(p) => match row.values[p].as_ref() {
                Some(Value::Num(n)) => match n.to_integer().to_i64() {
                    Some(y) => Some(y),
                    None => continue,
                },
                _ => continue,
            },
        };
        if period.is_some() {
            periods.insert(period);
        }
        row_groups.clear();
        let mut undecided = Vec::new();
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
                    let group = match row_groups.iter().find(|(c, _)| *c == g) {
                        Some(&(_, group)) => group,
                        None => {
                            let group = match &row.values[g] {
                                Some(Value::Text(name)) => Some(match groups.get_index_of(name) {
                                    Some(i) => i,
                                    None => groups.insert_full(name.clone()).0,
                                }),
                                _ => None,
                            };
                            row_groups.push((g, group));
                            group
                        }
                    };
                    [group.map(Some), rule.total.then_some(None)]
                }
            };
            for key in keys.into_iter().flatten() {
                state
                    .acc(period, key, pack)
                    .add(rule, scope, cond, &row.values);
            }
        }
        for c in undecided {
            if issues.len() - first_issue == MAX_ISSUES_PER_FILE {
                *sink.omitted += 1;
                continue;
            }
            issues.push(Issue {
                dataset: dataset.name.clone(),
                file: reader.file.clone(),
                line: row.line,
                column: reader.header(c),
                value: reader.raw(c),
                message: undecided_message(opts.lang),
            });
            reader.limit_issues(MAX_ISSUES_PER_FILE - (issues.len() - first_issue));
        }
    }
    *sink.omitted += reader.issues_omitted();
    issues[first_issue..].sort_by_key(|i| i.line);
    if rows == 0 {
        bail!(
            "{}: no rows: the file has a header but no data; give a file with at least one row, \
             or leave the {} dataset out to skip its rules",
            reader.file,
            dataset.name
        );
    }
    let period = match (dataset.period, opts.year) {
        (None, _) => None,
        (Some(_), Some(y)) => {
            if !periods.contains(&Some(y)) {
                bail!(
                    "{}: no rows for year {y} (years found: {}): pick one of them with --year",
                    reader.file,
                    years(&periods)
                );
            }
            Some(y)
        }
        (Some(p), None) => match periods.iter().next_back() {
            Some(latest) => *latest,
            None => bail!(
                "{}: no row has a readable `{}`: fill in the year of each row",
                reader.file,
                reader.header(p)
            ),
        },
    };

    let mut out = Vec::new();
    for state in &states {
        let rule = state.rule;
        let mut any = false;
        let mut pooled = None;
        for ((p, group), acc) in &state.accs {
            if *p != period {
                continue;
            }
            any = true;
            let name = group.and_then(|g| groups.get_index(g)).cloned();
            let result = decide(pack, rule, name, acc.finish(), period, opts);
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

fn years(periods: &BTreeSet<Option<i64>>) -> String {
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
fn unmeasured(
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
    }
}
