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
//! it wrong is evaluated again knowing the earlier parts' groups. Only an
//! `--explain` list of a `distinct` rule, which depends on every earlier
//! row's value, cannot be kept per part: such a run is evaluated in file
//! order on one thread (see [`RowEval::per_part`]).

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

    /// Can the file's parts be evaluated on their own threads? Not when a
    /// `distinct` rule's rows are listed: whether a row repeats a value
    /// depends on every earlier row of its group.
    pub fn per_part(&self) -> bool {
        !self
            .rules
            .iter()
            .zip(&self.explain)
            .any(|(r, x)| x.is_some() && matches!(r.measure, Measure::Distinct(_)))
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
            let mut again = eval.state();
            again.known = Some(global.groups.clone());
            return Merged::Again(again);
        }
        let remap = global.groups.absorb(&self.groups);
        let key = |(p, g): super::Key| (p, g.map(|i| remap[i]));
        let parts = self.accs.into_iter().zip(self.explain);
        for (r, (accs, explain)) in parts.enumerate() {
            for (k, acc) in accs {
                match global.accs[r].entry(key(k)) {
                    indexmap::map::Entry::Occupied(mut e) => e.get_mut().absorb(acc),
                    indexmap::map::Entry::Vacant(e) => {
                        e.insert(acc);
                    }
                }
            }
            if let (Some(g), Some(x)) = (&mut global.explain[r], explain) {
                g.absorb(x, key);
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
        self.state()
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
