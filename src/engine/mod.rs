//! Evaluation: one streaming pass per input file updates an accumulator per
//! rule, period and group; the results are decided at the end.

pub mod condition;
pub(crate) mod distinct;
mod evaluate;
mod explain;
pub(crate) mod groups;
mod periods;
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
    DatasetInfo, Issues, Measured, PlanInfo, Previous, Reason, Report, RuleResult, Status, Trend,
};
use crate::target::{Op, Target, Verdict};
use crate::Lang;
use anyhow::{bail, Result};
use chrono::{Datelike, NaiveDate};
use condition::Truth;
use indexmap::IndexMap;
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
    /// The previous congress's rosters or shares (`--previous`), for rules
    /// with `baseline: previous`.
    pub previous: Vec<PreviousInput>,
    /// `--threads`: threads reading each CSV file.
    pub threads: usize,
    /// The size of the parts a file is read in on several threads.
    pub part_bytes: u64,
}

/// One `--previous DATASET=…`: a previous roster, or the share itself.
#[derive(Clone, Debug)]
pub struct PreviousInput {
    pub dataset: usize,
    pub source: PreviousSource,
}

#[derive(Clone, Debug)]
pub enum PreviousSource {
    File(Binding),
    Share(crate::num::Rational),
}

/// The range a baseline rule's previous share may take (equal ends when exact).
type Range = (crate::num::Rational, crate::num::Rational);

impl CheckOptions {
    /// How input files are read in this run.
    pub fn read_options(&self) -> crate::input::ReadOptions {
        crate::input::ReadOptions {
            lang: self.lang,
            as_of: self.as_of,
            encoding: self.encoding,
            sheet: self.sheet.clone(),
            threads: self.threads,
            part_bytes: self.part_bytes,
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

/// `--year` picks a year of the datasets that have one; given for files
/// none of which has years, it would be ignored without a word.
fn year_applies(pack: &Pack, bindings: &[Binding], year: i64) -> Result<()> {
    if bindings.is_empty()
        || bindings
            .iter()
            .any(|b| pack.datasets[b.dataset].period.is_some())
    {
        return Ok(());
    }
    let given: Vec<String> = bindings
        .iter()
        .map(|b| format!("{}（{}）", b.path.display(), pack.datasets[b.dataset].name))
        .collect();
    let yearly: Vec<&str> = pack
        .datasets
        .iter()
        .filter(|d| d.period.is_some())
        .map(|d| d.name.as_str())
        .collect();
    bail!(crate::tr!(
        "--year {year}：所给文件 {}没有年度列，--year 只用于按年度填报的统计表（{}）：请去掉 --year",
        "--year {year}: the files given ({}) have no year column; --year picks a year of yearly statistics ({}) only: leave it out",
        given.join("、"),
        yearly.join(", ")
    ))
}

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
    if let Some(year) = opts.year {
        year_applies(pack, bindings, year)?;
    }
    let mut results = Vec::new();
    let mut issues = Issues::new();
    let mut sources = vec![None; pack.datasets.len()];
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
                let baselines = baselines(pack, d, &rules, opts, &mut issues)?;
                let reader = DatasetReader::open(dataset, binding, &opts.read_options())?;
                sources[d] = Some(crate::report::SourceInfo {
                    dataset: dataset.name.clone(),
                    file: binding.path.display().to_string(),
                    sheet: reader.sheet_name(),
                });
                progress.start(&reader.file, reader.size());
                let checked = check_dataset(
                    pack,
                    &rules,
                    reader,
                    opts,
                    &mut issues,
                    progress,
                    Some(&baselines),
                );
                progress.finish();
                results.extend(checked?);
            }
        }
    }
    Ok(report(pack, opts, sources, results, issues))
}

/// The report of a run, files or warehouse: results in the plan's clause
/// order across datasets (the pack's rules are sorted by clause), each
/// dataset with where it was read from (`sources`, in the pack's order).
pub(crate) fn report(
    pack: &Pack,
    opts: &CheckOptions,
    sources: Vec<Option<crate::report::SourceInfo>>,
    mut results: Vec<RuleResult>,
    issues: Issues,
) -> Report {
    results.sort_by_key(|r| pack.rules.iter().position(|x| x.id == r.rule));
    Report {
        plan: PlanInfo {
            id: pack.id.clone(),
            title: pack.title.clone(),
            document: pack.document.clone(),
        },
        as_of: opts.as_of,
        datasets: pack
            .datasets
            .iter()
            .zip(sources)
            .map(|(d, source)| DatasetInfo {
                name: d.name.clone(),
                title: d.title.clone(),
                source,
            })
            .collect(),
        results,
        issues,
    }
}

/// The previous share of each `baseline: previous` rule of dataset `d`
/// that `--previous` gives: read from the previous roster (its data issues
/// join the run's) or taken as given.
pub(crate) fn baselines(
    pack: &Pack,
    d: usize,
    rules: &[&Rule],
    opts: &CheckOptions,
    issues: &mut Issues,
) -> Result<Vec<(String, Range)>> {
    let wanted: Vec<&Rule> = rules
        .iter()
        .copied()
        .filter(|r| r.baseline.is_some())
        .collect();
    let Some(previous) = opts.previous.iter().find(|p| p.dataset == d) else {
        return Ok(Vec::new());
    };
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    match &previous.source {
        PreviousSource::Share(x) => Ok(wanted
            .iter()
            .map(|r| (r.id.clone(), (x.clone(), x.clone())))
            .collect()),
        PreviousSource::File(binding) => {
            let reader = DatasetReader::open(&pack.datasets[d], binding, &opts.read_options())?;
            let measured = check_dataset(pack, &wanted, reader, opts, issues, &NoProgress, None)?;
            Ok(measured
                .into_iter()
                .filter_map(|r| {
                    let m = r.measured.filter(|m| !m.empty)?;
                    let hi = m.max.unwrap_or_else(|| m.min.clone());
                    Some((r.rule, (m.min, hi)))
                })
                .collect())
        }
    }
}

/// An accumulator's (period, group): group `None` is the ungrouped result or
/// the pooled total, `Some(i)` the file's i-th group name.
pub(crate) type Key = (Option<i64>, Option<usize>);

/// A rule's accumulators by (period, group), in the order first met.
pub(crate) type Accs = IndexMap<Key, Acc, Hasher>;

/// Looked up for every row and rule: a fast hash (foldhash, randomly seeded)
/// instead of the standard SipHash.
type Hasher = foldhash::fast::RandomState;

pub(crate) enum Acc {
    Share(share::Share),
    Ratio(ratio::Ratio),
    Weighted(weighted::Weighted),
    Distinct(distinct::Distinct),
    /// Measured elsewhere (a warehouse's distinct counts).
    Counted(Measured),
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

    /// What rows of unknown scope leave open (shares only).
    fn doubt(&self) -> Doubt {
        match self {
            Acc::Share(a) => Doubt {
                may_be_empty: a.may_be_empty(),
                worst_denominator: a.worst_denominator(),
            },
            _ => Doubt::default(),
        }
    }

    /// Adds another period's counts (every-year rules; shares only).
    fn merge(&mut self, other: &Acc) {
        if let (Acc::Share(a), Acc::Share(b)) = (self, other) {
            a.merge(b);
        }
    }

    /// Adds the same (period, group)'s rows from a later part of the file.
    fn absorb(&mut self, later: Acc) {
        match (self, later) {
            (Acc::Share(a), Acc::Share(b)) => a.merge(&b),
            (Acc::Ratio(a), Acc::Ratio(b)) => a.absorb(&b),
            (Acc::Weighted(a), Acc::Weighted(b)) => a.absorb(&b),
            (Acc::Distinct(a), Acc::Distinct(b)) => a.absorb(b),
            // Files have no counted accumulators (warehouses only).
            _ => {}
        }
    }

    fn finish(&self) -> Measured {
        match self {
            Acc::Share(a) => a.finish(),
            Acc::Ratio(a) => a.finish(),
            Acc::Weighted(a) => a.finish(),
            Acc::Distinct(a) => a.finish(),
            Acc::Counted(m) => m.clone(),
        }
    }
}

fn check_dataset(
    pack: &Pack,
    rules: &[&Rule],
    mut reader: DatasetReader<'_>,
    opts: &CheckOptions,
    issues: &mut Issues,
    progress: &dyn Progress,
    // `None`: measure only (a previous roster); else the baselines known.
    baselines: Option<&[(String, Range)]>,
) -> Result<Vec<RuleResult>> {
    let dataset = reader.dataset;
    let mut skipped = Vec::new();
    let mut eval = evaluate::RowEval {
        pack,
        dataset,
        rules: Vec::new(),
        explain: Vec::new(),
        opts,
        month_only: undecided_message(opts.lang).into(),
    };
    for rule in rules {
        let cols = rule.columns();
        let missing: Vec<String> = cols
            .iter()
            .filter(|c| !reader.has(**c))
            .map(|c| reader.describe_missing(*c))
            .collect();
        if missing.is_empty() {
            reader.use_columns(&cols);
            let explain = opts
                .explain
                .wants(&rule.id)
                .then(|| explain::Explainer::new(rule, dataset, &reader, opts.explain.limit));
            eval.rules.push(rule);
            eval.explain.push(explain);
        } else {
            skipped.push((rule, missing));
        }
    }

    let first_issue = issues.mark();
    let state = read_rows(&eval, &mut reader, issues, progress)?;
    reader.duplicates_read()?;
    issues.sort_by_line_from(first_issue);
    let evaluate::PartState {
        accs,
        explain,
        groups,
        periods,
        by_year,
        rows,
        ..
    } = state;
    if rows == 0 {
        let (file, name) = (&reader.file, &dataset.name);
        bail!(crate::tr!(
            "{file}：没有数据行，只有表头：请给出至少有一行数据的文件，或不提供 {name} 数据集以跳过其规则",
            "{file}: no rows: the file has a header but no data; give a file with at least one row, \
             or leave the {name} dataset out to skip its rules"
        ));
    }
    let period = match (dataset.period, opts.year) {
        (None, _) => None,
        (Some(_), Some(y)) => {
            if !periods.contains(&Some(y)) {
                let (file, found) = (&reader.file, years(&periods));
                bail!(crate::tr!(
                    "{file}：没有 {y} 年的数据（文件中的年度：{found}）：请用 --year 选其中一年",
                    "{file}: no rows for year {y} (years found: {found}): pick one of them with --year"
                ));
            }
            Some(y)
        }
        (Some(p), None) => {
            match by_year.choose(i64::from(opts.as_of.year()), &reader, p, opts.lang) {
                (Some(y), passed_over) => {
                    issues.extend(passed_over);
                    Some(y)
                }
                (None, _) => {
                    let (file, header) = (&reader.file, reader.header(p));
                    bail!(crate::tr!(
                        "{file}：没有一行的“{header}”可以读出：请填写每一行的年度",
                        "{file}: no row has a readable `{header}`: fill in the year of each row"
                    ))
                }
            }
        }
    };

    // The period before the one checked, for trends.
    let previous = period.and_then(|p| periods.range(..Some(p)).next_back().copied().flatten());
    let mut out = Vec::new();
    let file = &reader.file;
    for ((rule, accs), mut explain) in eval.rules.iter().zip(&accs).zip(explain) {
        let explain = &mut explain;
        out.extend(rule_results(
            pack,
            rule,
            accs,
            &groups,
            (period, previous),
            opts,
            baselines,
            &mut |keys: &[Key], every: bool| {
                let x = explain.as_mut()?;
                Some(if every {
                    x.take_all(keys, file)
                } else {
                    x.take(keys.first()?, file)
                })
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

/// Evaluates every row of the file, in parts on `--threads` threads when it
/// can be read in parts (each part's state merged in file order), else in
/// one pass on this thread: the same state and issues either way.
fn read_rows(
    eval: &evaluate::RowEval<'_>,
    reader: &mut DatasetReader<'_>,
    issues: &mut Issues,
    progress: &dyn Progress,
) -> Result<evaluate::PartState> {
    let mut state = eval.state();
    let mut shown = 0;
    let merge = |_: &DatasetReader<'_>, part: evaluate::PartState, position| {
        let merged = part.merge_into(&mut state, eval);
        if state.rows / PROGRESS_EVERY > shown {
            shown = state.rows / PROGRESS_EVERY;
            progress.advance(position);
        }
        Ok(merged)
    };
    if reader.evaluate_in_parts(eval, issues, merge)?.is_some() {
        return Ok(state);
    }
    let mut row = Row::default();
    // A row's issues go into the store as the next row is read.
    while reader.next_row(&mut row, issues.buffer())? {
        eval.add_row(&mut state, &row, reader, issues.buffer());
        if state.rows.is_multiple_of(PROGRESS_EVERY) {
            progress.advance(reader.position());
        }
    }
    Ok(state)
}

/// The rows listed for the (period, group) keys of a result, if any were
/// asked for; `true` for a "每年" rule, whose keys span its years.
pub(crate) type ExplainFn<'a> = dyn FnMut(&[Key], bool) -> Option<crate::report::Explanation> + 'a;

/// One rule's results from its accumulators: every group of the period
/// checked (with its previous period for the trend), the pooled total last,
/// or `not_applicable` when there is nothing; "每年" rules over their years,
/// groups the pack does not address as `not_applicable`, baseline rules
/// against the previous share or `skipped`. The one place where measured
/// values become statuses, shared by the file and the warehouse paths.
/// `baselines` is `None` when only measuring (a previous roster).
#[allow(clippy::too_many_arguments)]
pub(crate) fn rule_results(
    pack: &Pack,
    rule: &Rule,
    accs: &Accs,
    groups: &groups::Groups,
    (period, previous): (Option<i64>, Option<i64>),
    opts: &CheckOptions,
    baselines: Option<&[(String, Range)]>,
    explain: &mut ExplainFn<'_>,
) -> Vec<RuleResult> {
    let mut out = Vec::new();
    if let (Some(b), Some(_)) = (baselines, rule.baseline) {
        if !b.iter().any(|(id, _)| *id == rule.id) {
            out.push(unmeasured(
                pack,
                rule,
                Status::Skipped,
                Reason::NoPrevious,
                period,
            ));
            return out;
        }
    }
    if rule.every_period && baselines.is_some() {
        let first_period = pack.date.map(|d| i64::from(d.year()));
        let results = every_period(
            pack,
            rule,
            accs,
            groups,
            (period, first_period),
            opts,
            explain,
        );
        if results.is_empty() {
            out.push(unmeasured(
                pack,
                rule,
                Status::NotApplicable,
                Reason::NothingToMeasure,
                period,
            ));
        }
        out.extend(results);
        return out;
    }
    let mut any = false;
    let mut pooled = None;
    for ((p, group), acc) in accs {
        if *p != period {
            continue;
        }
        any = true;
        let name = match named(pack, rule, groups, *group, period) {
            Ok(name) => name,
            Err(not_addressed) => {
                out.push(*not_addressed);
                continue;
            }
        };
        let target = baseline_of(rule, baselines);
        let mut result = decide(
            pack,
            rule,
            name,
            acc.finish(),
            period,
            opts,
            acc.doubt(),
            &target,
        );
        if let Some(prev) = previous {
            if let Some(acc) = accs.get(&(Some(prev), *group)) {
                result.previous = Some(previous_result(pack, rule, &result, acc, prev, opts));
            }
        }
        result.explanation = explain(&[(*p, *group)], false);
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

/// A group's name as reports print it (IDs masked, terminal controls
/// escaped), or the not-applicable result when the rule does not hold it.
fn named(
    pack: &Pack,
    rule: &Rule,
    groups: &groups::Groups,
    group: Option<usize>,
    period: Option<i64>,
) -> Result<Option<String>, Box<RuleResult>> {
    let raw = group.and_then(|g| groups.name(g));
    let name = raw.map(|g| crate::privacy::shown(g).into_owned());
    match not_addressed(rule, raw.map(String::as_str)) {
        None => Ok(name),
        Some(why) => {
            let mut result = unmeasured(pack, rule, Status::NotApplicable, why, period);
            result.group = name;
            Err(Box::new(result))
        }
    }
}

/// Why a rule does not hold `group`, if the pack says it does not.
fn not_addressed(rule: &Rule, group: Option<&str>) -> Option<Reason> {
    let (names, why) = rule.not_for.as_ref()?;
    let group = group?;
    names
        .iter()
        .any(|n| n == group)
        .then(|| Reason::NotAddressed(why.clone()))
}

/// The target a result is decided against: the rule's, or for a baseline
/// rule its comparison with the previous share (both ends of its range).
fn baseline_of(rule: &Rule, baselines: Option<&[(String, Range)]>) -> Targets {
    let found = baselines.and_then(|b| b.iter().find(|(id, _)| *id == rule.id));
    match (rule.baseline, found) {
        (Some(_), Some((_, (lo, hi)))) => {
            let at = |v: &crate::num::Rational| Target {
                value: v.clone(),
                written: format!(
                    "{}%",
                    crate::num::short_text(&(v * crate::num::int(100)), 2)
                ),
                ..rule.target.clone()
            };
            Targets {
                strict: at(hi),
                loose: at(lo),
            }
        }
        _ => Targets {
            strict: rule.target.clone(),
            loose: rule.target.clone(),
        },
    }
}

/// What rows whose scope is unknown leave open: whether one filling leaves
/// nothing to measure, and the denominator if each that fails is in scope.
#[derive(Clone, Copy, Debug, Default)]
struct Doubt {
    may_be_empty: bool,
    worst_denominator: Option<u64>,
}

/// A target known exactly (`strict == loose`) or, for a previous share with
/// unknown cells, its hardest and easiest values: pass needs the hardest,
/// fail misses even the easiest.
struct Targets {
    strict: Target,
    loose: Target,
}

/// A "每年" rule: each group's periods from the plan's year up to the one
/// checked, merged; the periods that did not (or may not) meet the target
/// are named.
fn every_period(
    pack: &Pack,
    rule: &Rule,
    accs: &Accs,
    groups: &groups::Groups,
    (period, first): (Option<i64>, Option<i64>),
    opts: &CheckOptions,
    explain: &mut ExplainFn<'_>,
) -> Vec<RuleResult> {
    let in_range = |p: &Option<i64>| {
        p.is_some_and(|p| first.is_none_or(|f| p >= f) && period.is_none_or(|c| p <= c))
    };
    let mut order: Vec<Option<usize>> = Vec::new();
    for (p, g) in accs.keys() {
        if in_range(p) && !order.contains(g) && !(g.is_none() && rule.group_by.is_some()) {
            order.push(*g);
        }
    }
    let mut out = Vec::new();
    for g in order {
        let name = match named(pack, rule, groups, g, period) {
            Ok(name) => name,
            Err(not_addressed) => {
                out.push(*not_addressed);
                continue;
            }
        };
        let mut years: Vec<(i64, &Acc)> = accs
            .iter()
            .filter(|((p, k), _)| *k == g && in_range(p))
            .filter_map(|((p, _), a)| p.map(|p| (p, a)))
            .collect();
        years.sort_by_key(|(p, _)| *p);
        let mut merged = Acc::new(rule, pack);
        let (mut unmet, mut unknown) = (Vec::new(), Vec::new());
        for (p, acc) in &years {
            merged.merge(acc);
            let m = acc.finish();
            match rule.target.verdict(&m.min, m.max.as_ref()) {
                _ if m.empty => {}
                Verdict::Fail => unmet.push(*p),
                Verdict::Indeterminate => unknown.push(*p),
                Verdict::Pass => {}
            }
        }
        let targets = baseline_of(rule, None);
        let mut result = decide(
            pack,
            rule,
            name,
            merged.finish(),
            period,
            opts,
            merged.doubt(),
            &targets,
        );
        result.periods_unmet = unmet;
        result.periods_unknown = unknown;
        let keys: Vec<Key> = years.iter().map(|(p, _)| (Some(*p), g)).collect();
        result.explanation = explain(&keys, true);
        out.push(result);
    }
    out
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

/// Decides status and shortfall from the measured range.
///
/// A result whose unknown cells might put every row out of scope is
/// indeterminate only if some filling fails: not applicable is no failure,
/// so "pass or not applicable" is a pass. The shortfall counts rows of
/// unknown scope that fail as in scope, so that making it guarantees a pass.
#[allow(clippy::too_many_arguments)]
fn decide(
    pack: &Pack,
    rule: &Rule,
    group: Option<String>,
    m: Measured,
    period: Option<i64>,
    opts: &CheckOptions,
    doubt: Doubt,
    targets: &Targets,
) -> RuleResult {
    let mut result = unmeasured(pack, rule, Status::Pass, Reason::NothingToMeasure, period);
    result.reason = None;
    // A city-wide target: each group's figure is for reference only.
    if rule.judged_on == crate::pack::schema::JudgedOn::Total && group.is_some() {
        result.severity = crate::pack::schema::Severity::Info;
    }
    result.group = group;
    result.target = targets.strict.clone();
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
    let verdict = match (
        targets.strict.verdict(&m.min, m.max.as_ref()),
        targets.loose.verdict(&m.min, m.max.as_ref()),
    ) {
        (Verdict::Pass, _) => Verdict::Pass,
        (_, Verdict::Fail) if doubt.may_be_empty => Verdict::Indeterminate,
        (_, Verdict::Fail) => Verdict::Fail,
        _ => Verdict::Indeterminate,
    };
    result.status = match verdict {
        Verdict::Pass => Status::Pass,
        _ if not_yet_due(rule.due, period, opts.as_of) => Status::Pending,
        Verdict::Fail => Status::Fail,
        Verdict::Indeterminate => Status::Indeterminate,
    };
    if verdict != Verdict::Pass {
        // Pessimistic: rows of unknown scope that fail count as in scope.
        let worst = doubt.worst_denominator.map(|d| Measured {
            denominator: crate::num::count(d),
            ..m.clone()
        });
        result.shortfall = shortfall::compute(&targets.strict, worst.as_ref().unwrap_or(&m));
    }
    result.measured = Some(m);
    result
}

/// Is an unmet result still only pending? A dataset with periods (years)
/// is judged by its period: due when the period ends on or after the due
/// date, whatever `--as-of`. `--as-of` decides for undated rosters only.
fn not_yet_due(due: Option<NaiveDate>, period: Option<i64>, as_of: NaiveDate) -> bool {
    let Some(due) = due else { return false };
    match period {
        Some(year) => i32::try_from(year)
            .ok()
            .and_then(|y| NaiveDate::from_ymd_opt(y, 12, 31))
            .is_some_and(|end| end < due),
        None => as_of <= due,
    }
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
        note: rule.note.clone(),
        binding: rule.binding.clone(),
        advice: rule.advice.clone(),
        periods_unmet: Vec::new(),
        periods_unknown: Vec::new(),
        previous: None,
        explanation: None,
    }
}

/// The same rule and group one period earlier, and which way it moved.
fn previous_result(
    pack: &Pack,
    rule: &Rule,
    now: &RuleResult,
    acc: &Acc,
    period: i64,
    opts: &CheckOptions,
) -> Previous {
    let measured = acc.finish();
    let then = decide(
        pack,
        rule,
        now.group.clone(),
        measured.clone(),
        Some(period),
        opts,
        acc.doubt(),
        &baseline_of(rule, None),
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
    fn dated_results_are_due_by_the_end_of_their_year() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        let due = Some(d(2020, 12, 31));
        // A year ending on the due date is due, whatever --as-of says.
        assert!(!not_yet_due(due, Some(2020), d(2020, 6, 30)));
        assert!(!not_yet_due(due, Some(2024), d(2020, 6, 30)));
        // A year ending before it is pending, even long after it.
        assert!(not_yet_due(due, Some(2019), d(2026, 11, 28)));
        // Undated rosters: --as-of decides, the due date itself still pending.
        assert!(not_yet_due(due, None, d(2020, 12, 31)));
        assert!(!not_yet_due(due, None, d(2021, 1, 1)));
        assert!(!not_yet_due(None, Some(2019), d(2019, 1, 1)));
        assert!(!not_yet_due(due, Some(i64::MAX), d(2019, 1, 1)));
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
