//! A file's rows evaluated: each row adds to its rules' accumulators, the
//! group and period tables, `--explain` lists and the row's issues.
//!
//! The same steps run on one thread over the whole file, or on each part of
//! a file read in parts (`--threads`), each part with a [`PartState`] of its
//! own; the parts' states are then merged in file order
//! ([`PartState::merge_into`]), which gives exactly what one pass gives:
//! groups and accumulators keep the order they were first met in (a part's
//! are met after every earlier part's), group names keep their first
//! spelling, counts and sums add up, distinct values are united, lists keep
//! their first rows. What one part cannot know alone is settled there:
//! whether a group the pack leaves out (`not_for`) is one, which depends on
//! the group's first spelling in the file, is checked, and a part that got
//! it wrong is evaluated again knowing the earlier parts' groups; and
//! whether a row of a `distinct` rule whose value its part met first
//! repeats an earlier part's value, which decides if `--explain` lists it.

use super::condition::{eval, Truth};
use super::{explain, groups, note_undecided, periods, Acc, Accs, CheckOptions};
use crate::input::value::Value;
use crate::input::{DatasetReader, Merged, PartEval, Row};
use crate::pack::{Dataset, Measure, Pack, Rule};
use crate::report::issues::Text;
use crate::report::Issue;
use crate::Lang;
use num_traits::ToPrimitive;
use std::collections::BTreeSet;

/// What evaluating a row needs, the same for every part of a file.
pub(super) struct RowEval<'a> {
    pub pack: &'a Pack,
    pub dataset: &'a Dataset,
    /// The rules whose columns the file has.
    pub rules: Vec<&'a Rule>,
    /// Per rule: its (empty) lists of rows, if they were asked for.
    pub explain: Vec<Option<explain::Explainer>>,
    pub opts: &'a CheckOptions,
    /// One text shared by every month-only date's issue.
    pub month_only: Text,
}

/// The running state of a file's rows, or of one part's.
#[derive(Default)]
pub(super) struct PartState {
    /// Per rule: accumulators by (period, group), in the order first met.
    pub accs: Vec<Accs>,
    pub explain: Vec<Option<explain::Explainer>>,
    /// Group names, each stored once; accumulators refer to them by index.
    pub groups: groups::Groups,
    pub periods: BTreeSet<Option<i64>>,
    pub by_year: periods::Years,
    pub rows: u64,
    /// For a part evaluated again: the groups of the parts before it, whose
    /// first spellings decide `not_for`.
    known: Option<groups::Groups>,
    /// This row's group per group-by column, looked up once per row.
    row_groups: Vec<(usize, Option<usize>)>,
    /// Columns of this row whose month-only dates leave a rule undecided.
    undecided: Vec<usize>,
}

impl RowEval<'_> {
    /// A state before the first row.
    pub fn state(&self) -> PartState {
        PartState {
            accs: self.rules.iter().map(|_| Accs::default()).collect(),
            explain: self.explain.clone(),
            ..PartState::default()
        }
    }

    /// A state before the first row of a part of the file, which is merged
    /// into the state of the parts before it.
    pub fn part_state(&self) -> PartState {
        PartState {
            explain: (self.rules.iter().zip(&self.explain))
                .map(|(rule, x)| x.as_ref().map(|x| x.for_part(rule)))
                .collect(),
            ..self.state()
        }
    }

    /// Adds one row (see the loop it came from: `check_dataset`).
    pub fn add_row(
        &self,
        state: &mut PartState,
        row: &Row,
        reader: &DatasetReader<'_>,
        issues: &mut Vec<Issue>,
    ) {
        let (dataset, opts) = (self.dataset, self.opts);
        state.rows += 1;
        let Some(period) = self.period(row, reader, issues) else {
            return;
        };
        if let (Some(y), Some(p)) = (period, dataset.period) {
            state.periods.insert(period);
            let key = match &row.values[dataset.key] {
                Some(Value::Text(k)) => Some(k.as_str()),
                _ => None,
            };
            state.by_year.note(y, key, row.line);
            if y > i64::from(chrono::Datelike::year(&opts.as_of)) && opts.year != Some(y) {
                issues.push(periods::future_year(
                    reader, p, row.line, y, opts.as_of, opts.lang,
                ));
            }
        }
        state.undecided.clear();
        state.row_groups.clear();
        for (r, rule) in self.rules.iter().enumerate() {
            self.add_to_rule(state, r, rule, period, row, reader);
        }
        for &c in &state.undecided {
            issues.push(reader.issue(row.line, c, reader.raw(c), self.month_only.clone()));
        }
    }

    /// The row's period: `Some(None)` in a dataset without periods, `None`
    /// when the row has no readable year (and is left out).
    fn period(
        &self,
        row: &Row,
        reader: &DatasetReader<'_>,
        issues: &mut Vec<Issue>,
    ) -> Option<Option<i64>> {
        let Some(p) = self.dataset.period else {
            return Some(None);
        };
        match row.values[p].as_ref() {
            Some(Value::Num(n)) => match n.to_integer().to_i64() {
                Some(y) if (1000..=9999).contains(&y) => Some(Some(y)),
                _ => {
                    issues.push(reader.issue(
                        row.line,
                        p,
                        reader.raw(p),
                        match self.opts.lang {
                            Lang::Zh => {
                                "不是有效年份，本行未计入：请填写四位年份，如 2025".into()
                            }
                            Lang::En => {
                                "not a year, so the row is left out: write a four-digit year such as 2025".into()
                            }
                        },
                    ));
                    None
                }
            },
            // Empty or unreadable: already reported by the reader; the row has no year.
            _ => None,
        }
    }

    /// Adds the row to rule `r`'s accumulators (and list).
    fn add_to_rule(
        &self,
        state: &mut PartState,
        r: usize,
        rule: &Rule,
        period: Option<i64>,
        row: &Row,
        reader: &DatasetReader<'_>,
    ) {
        let as_of = self.opts.as_of;
        let scope = match &rule.scope {
            None => Truth::True,
            Some(c) => eval(c, &row.values, as_of),
        };
        if scope == Truth::False {
            return;
        }
        let cond = match &rule.measure {
            Measure::Share(c) => eval(c, &row.values, as_of),
            _ => Truth::True,
        };
        if scope == Truth::Unknown || cond == Truth::Unknown {
            note_undecided(rule, &row.values, as_of, &mut state.undecided);
        }
        // The row counts for its group and the pooled total, or, for an
        // ungrouped rule, for the one result.
        let keys: [Option<Option<usize>>; 2] = match rule.group_by {
            None => [Some(None), None],
            Some(g) => {
                let group = state.group_of(g, &row.values);
                if let (Some(i), Some((names, _))) = (group, &rule.not_for) {
                    if state.shown_name(i).is_some_and(|n| names.contains(n)) {
                        // Not addressed: listed (not applicable), never counted.
                        state.accs[r]
                            .entry((period, Some(i)))
                            .or_insert_with(|| Acc::new(rule, self.pack));
                        return;
                    }
                }
                [group.map(Some), rule.total.then_some(None)]
            }
        };
        for key in keys.into_iter().flatten() {
            let k = (period, key);
            let accs = &mut state.accs[r];
            if let Some(x) = &mut state.explain[r] {
                let (opts, acc) = (self.opts, accs.get(&k));
                x.note(
                    rule, k, acc, scope, cond, row, reader, opts.as_of, opts.lang,
                );
            }
            accs.entry(k)
                .or_insert_with(|| Acc::new(rule, self.pack))
                .add(rule, scope, cond, &row.values);
        }
    }
}

impl PartState {
    /// The index of the row's group in the `group_by` column `g` (`None` if
    /// the cell is unknown), interning a new name; looked up once per row
    /// and column, however many rules group by it.
    fn group_of(&mut self, g: usize, values: &[Option<Value>]) -> Option<usize> {
        if let Some(&(_, group)) = self.row_groups.iter().find(|(c, _)| *c == g) {
            return group;
        }
        let group = match &values[g] {
            Some(Value::Text(name)) => Some(self.groups.intern(name)),
            _ => None,
        };
        self.row_groups.push((g, group));
        group
    }

    /// How group `i` is shown: its first spelling in the file, which an
    /// earlier part may have had (`known`).
    fn shown_name(&self, i: usize) -> Option<&String> {
        let known = self.known.as_ref().and_then(|k| {
            let folded = self.groups.folded(i)?;
            k.name(k.index_of_folded(folded)?)
        });
        known.or_else(|| self.groups.name(i))
    }

    /// Merges a part's state into the state of the parts before it, or
    /// says the part must be evaluated again from the state returned: a
    /// group the pack leaves out was decided on a spelling other than its
    /// first in the file.
    pub fn merge_into(self, global: &mut PartState, eval: &RowEval<'_>) -> Merged<PartState> {
        if self.not_for_differs(global, eval) {
            let mut again = eval.part_state();
            again.known = Some(global.groups.clone());
            return Merged::Again(again);
        }
        let remap = global.groups.absorb(&self.groups);
        let key = |(p, g): super::Key| (p, g.map(|i| remap[i]));
        let parts = self.accs.into_iter().zip(self.explain);
        for (r, (accs, explain)) in parts.enumerate() {
            // Lists first: a `distinct` row repeats a value if the parts
            // before this one had it.
            if let (Some(g), Some(x)) = (&mut global.explain[r], explain) {
                let before = &global.accs[r];
                g.absorb(x, key, |k, value| match before.get(&k) {
                    Some(Acc::Distinct(d)) => d.seen_key(value),
                    _ => false,
                });
            }
            for (k, acc) in accs {
                match global.accs[r].entry(key(k)) {
                    indexmap::map::Entry::Occupied(mut e) => e.get_mut().absorb(acc),
                    indexmap::map::Entry::Vacant(e) => {
                        e.insert(acc);
                    }
                }
            }
        }
        global.periods.extend(self.periods);
        global.by_year.absorb(self.by_year);
        global.rows += self.rows;
        Merged::Done
    }

    /// Would a group of this part be decided differently on `not_for` by
    /// its first spelling in the file than by its first in this part?
    fn not_for_differs(&self, global: &PartState, eval: &RowEval<'_>) -> bool {
        let lists: Vec<&Vec<String>> = eval
            .rules
            .iter()
            .filter(|r| r.group_by.is_some())
            .filter_map(|r| r.not_for.as_ref().map(|(names, _)| names))
            .collect();
        if lists.is_empty() {
            return false;
        }
        (0..self.groups.len()).any(|i| {
            let here = self.shown_name(i);
            let first = self
                .groups
                .folded(i)
                .and_then(|f| global.groups.index_of_folded(f))
                .and_then(|g| global.groups.name(g))
                .or(here);
            here != first
                && lists.iter().any(|names| {
                    here.is_some_and(|n| names.contains(n))
                        != first.is_some_and(|n| names.contains(n))
                })
        })
    }
}

impl PartEval for RowEval<'_> {
    type State = PartState;

    fn start(&self) -> PartState {
        self.part_state()
    }

    fn row(
        &self,
        state: &mut PartState,
        row: &Row,
        reader: &DatasetReader<'_>,
        issues: &mut Vec<Issue>,
    ) {
        self.add_row(state, row, reader, issues);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ExplainOptions;
    use crate::input::Binding;
    use chrono::NaiveDate;

    fn options() -> CheckOptions {
        CheckOptions {
            as_of: NaiveDate::from_ymd_opt(2025, 6, 30).unwrap(),
            year: None,
            lang: Lang::Zh,
            // Every rule lists two rows per result.
            explain: ExplainOptions {
                rules: Vec::new(),
                all: true,
                limit: 2,
            },
            encoding: None,
            sheet: None,
            previous: Vec::new(),
            threads: 1,
            part_bytes: crate::input::PART_BYTES,
        }
    }

    /// Everything a state holds, as text: per rule its (period, group
    /// name) keys in order with what they measure and list, the groups,
    /// periods, years and rows.
    fn summary(eval: &RowEval<'_>, mut state: PartState) -> (String, periods::Years) {
        let mut out = String::new();
        for (r, accs) in state.accs.iter().enumerate() {
            out += &format!("{}\n", eval.rules[r].id);
            for (&(p, g), acc) in accs {
                let name = g.and_then(|g| state.groups.name(g));
                let list = state.explain[r].as_mut().map(|x| x.take(&(p, g), "f"));
                out += &format!("  {p:?} {name:?} {:?} {list:?}\n", acc.finish());
            }
        }
        let names: Vec<_> = (0..state.groups.len())
            .map(|i| state.groups.name(i))
            .collect();
        out += &format!("{names:?} {:?} {}", state.periods, state.rows);
        (out, state.by_year)
    }

    /// Evaluates the rows of `text` as dataset `dataset` in one pass, and
    /// cut in two at every row, the halves' states merged: the same state
    /// and issues each time.
    fn halves_are_one_pass(dataset: &str, text: &str) {
        let pack = Pack::embedded().unwrap();
        let opts = options();
        let d = pack
            .datasets
            .iter()
            .position(|x| x.name == dataset)
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("{dataset}.csv"));
        std::fs::write(&path, text).unwrap();
        let binding = Binding {
            dataset: d,
            path,
            sheet: None,
        };
        let open = || DatasetReader::open(&pack.datasets[d], &binding, &opts.read_options());
        let mut reader = open().unwrap();
        let mut eval = RowEval {
            pack: &pack,
            dataset: &pack.datasets[d],
            rules: Vec::new(),
            explain: Vec::new(),
            opts: &opts,
            month_only: "month only".into(),
        };
        for rule in pack.rules.iter().filter(|r| r.dataset == d) {
            reader.use_columns(&rule.columns());
            let x = explain::Explainer::new(rule, eval.dataset, &reader, 2);
            eval.rules.push(rule);
            eval.explain.push(Some(x));
        }
        // Rows `from..to` of the file (counted from 0) into `state`.
        let evaluate = |state: &mut PartState, range: std::ops::Range<usize>| {
            let mut reader = open().unwrap();
            for rule in &eval.rules {
                reader.use_columns(&rule.columns());
            }
            let (mut row, mut issues, mut n) = (Row::default(), Vec::new(), 0);
            while reader.next_row(&mut row, &mut Vec::new()).unwrap() {
                if range.contains(&n) {
                    eval.add_row(state, &row, &reader, &mut issues);
                }
                n += 1;
            }
            let issues: Vec<String> = issues.iter().map(|i| format!("{i:?}")).collect();
            (issues, n)
        };
        let mut one = eval.state();
        let (issues, rows) = evaluate(&mut one, 0..usize::MAX);
        assert!(rows > 5);
        let one = summary(&eval, one);
        for cut in 0..=rows {
            let (mut first, mut second) = (eval.state(), eval.part_state());
            let (mut cut_issues, _) = evaluate(&mut first, 0..cut);
            let (mut later, _) = evaluate(&mut second, cut..usize::MAX);
            if let Merged::Again(mut again) = second.merge_into(&mut first, &eval) {
                (later, _) = evaluate(&mut again, cut..usize::MAX);
                assert!(matches!(again.merge_into(&mut first, &eval), Merged::Done));
            }
            cut_issues.extend(later);
            assert_eq!(cut_issues, issues, "cut at row {cut}");
            let merged = summary(&eval, first);
            assert!(
                merged.0 == one.0,
                "cut at row {cut}:\n{}\n---\n{}",
                merged.0,
                one.0
            );
            assert_eq!(merged.1, one.1, "cut at row {cut}");
        }
    }

    #[test]
    fn halves_of_statistics_merge_to_one_pass() {
        // Shares, ratios and weighted rates by district and year; groups
        // spelled differently, met first on either side of the cut; a
        // group the pack leaves out whose first spelling is not left out;
        // a row of no district (counted in the total only).
        let text = "市（区）,年度,独立建制,设立党组,乡镇（街道）数,已建科协组织的乡镇（街道）数,\
                    常住人口,财政科普经费（元）,公民具备科学素质比例,听取科协工作汇报\n\
                    海陵区,2023,是,否,10,8,500000,1500000,12.5%,是\n\
                    医药 高新区,2023,是,是,5,5,,200000,,否\n\
                    高港区,2023,,是,8,8,300000,900000,14%,是\n\
                    海 陵区,2024,是,是,10,9,510000,1600000,,是\n\
                    医药高新区,2024,是,是,5,4,200000,,16%,是\n\
                    新区,2052,是,是,1,1,1,1,1%,是\n\
                    高港区,2024,否,是,8,7,,1000000,15.5%,否\n\
                    ,2024,是,否,4,4,50000,100000,13%,是\n\
                    新区,2024,是,是,3,2,100000,300000,11%,\n\
                    市本级,2024,是,是,3,2,100000,300000,11%,是\n";
        halves_are_one_pass("districts", text);
        // The other way round: left out by its first spelling.
        halves_are_one_pass(
            "districts",
            &text
                .replace("医药 高新区", "医药高新区x")
                .replace("医药高新区,", "医药 高新区,")
                .replace("医药高新区x", "医药高新区"),
        );
    }

    #[test]
    fn halves_of_distinct_values_merge_to_one_pass() {
        let text = "姓名,出生日期,是否常委,是否兼职副主席,行业领域,是否基层一线\n\
                    甲,1970-01-01,是,是,电子信息,是\n\
                    乙,1971-01-01,否,是,船舶,否\n\
                    丙,1972-01-01,是,,船舶,是\n\
                    丁,1973-01-01,是,是,电子 信息,\n\
                    戊,1974-01-01,否,是,,是\n\
                    己,1975-01-01,是,是,新材料,否\n\
                    甲,1970-01-01,是,是,船舶,是\n";
        halves_are_one_pass("committee", text);
    }
}
