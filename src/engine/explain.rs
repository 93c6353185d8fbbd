//! Explanations (`--explain RULE`, `--show-failing N`): the rows that do not
//! meet a rule's condition or are unknown, so an office knows whom to
//! replace. Each (period, group) keeps at most `limit` rows and a count, so
//! memory does not grow with the file; rules nobody asked about have no
//! [`Explainer`] and cost one branch per row.

use super::condition::Truth;
use super::Acc;
use crate::input::value::Value;
use crate::input::{DatasetReader, Row};
use crate::pack::{ColId, Condition, Dataset, Measure, Rule};
use crate::privacy::shown;
use crate::report::{ExplainRow, Explanation};
use crate::Lang;
use chrono::NaiveDate;
use std::collections::HashMap;

/// Which rules list their rows, and how many rows per result.
#[derive(Clone, Debug, Default)]
pub struct ExplainOptions {
    /// Rule ids given with `--explain`.
    pub rules: Vec<String>,
    /// `--show-failing`: every rule.
    pub all: bool,
    /// Rows kept per result.
    pub limit: usize,
}

impl ExplainOptions {
    pub fn wants(&self, rule: &str) -> bool {
        self.all || self.rules.iter().any(|r| r == rule)
    }
}

use super::Key;

/// Bounded lists of one rule's rows, per (period, group).
#[derive(Clone)]
pub(super) struct Explainer {
    limit: usize,
    /// The row's name: the `name` column if the dataset has one, else the key.
    name: ColId,
    key: ColId,
    /// Columns that decide the rule, shown with each row.
    show: Vec<ColId>,
    /// Columns read as ages, shown with the age on `--as-of`.
    ages: Vec<ColId>,
    lists: HashMap<Key, Explanation>,
}

impl Explainer {
    pub(super) fn new(
        rule: &Rule,
        dataset: &Dataset,
        reader: &DatasetReader<'_>,
        limit: usize,
    ) -> Self {
        let name = dataset
            .columns
            .iter()
            .position(|c| c.name == "name")
            .unwrap_or(dataset.key);
        let mut show = Vec::new();
        for c in rule.columns() {
            if let Some(d) = &dataset.columns[c].derive {
                show.push(c);
                show.push(d.from);
            } else {
                show.push(c);
            }
        }
        let mut seen = Vec::new();
        show.retain(|c| {
            let keep = !seen.contains(c)
                && Some(*c) != rule.group_by
                && *c != name
                && *c != dataset.key
                && reader.in_file(*c);
            seen.push(*c);
            keep
        });
        let mut ages = Vec::new();
        if let Some(s) = &rule.scope {
            age_columns(s, &mut ages);
        }
        if let Measure::Share(c) = &rule.measure {
            age_columns(c, &mut ages);
        }
        Explainer {
            limit,
            name,
            key: dataset.key,
            show,
            ages,
            lists: HashMap::new(),
        }
    }

    /// Notes the row if it does not meet the rule or is unknown. `acc` is the
    /// group's accumulator before this row is added (distinct values need it).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn note(
        &mut self,
        rule: &Rule,
        key: Key,
        acc: Option<&Acc>,
        scope: Truth,
        cond: Truth,
        row: &Row,
        reader: &DatasetReader<'_>,
        as_of: NaiveDate,
        lang: Lang,
    ) {
        let Some(unknown) = row_state(rule, acc, scope, cond, &row.values) else {
            return;
        };
        let list = self.lists.entry(key).or_default();
        list.total += 1;
        if list.rows.len() >= self.limit {
            return;
        }
        let mut name = reader.raw(self.name);
        if name.is_empty() {
            name = reader.raw(self.key);
        }
        let values = self
            .show
            .iter()
            .map(|&c| {
                let mut v = reader.raw(c);
                if let (true, Some(Value::Date(b))) = (self.ages.contains(&c), &row.values[c]) {
                    let (young, old) = crate::date::age_range(b, as_of);
                    let age = if young == old {
                        young.to_string()
                    } else {
                        format!("{young}–{old}")
                    };
                    v.push_str(&match lang {
                        Lang::Zh => format!("（{age}岁）"),
                        Lang::En => format!(" (age {age})"),
                    });
                }
                (reader.header(c), shown(&v).into_owned())
            })
            .collect();
        list.rows.push(ExplainRow {
            line: row.line,
            name: shown(&name).into_owned(),
            unknown,
            values,
        });
    }

    /// Adds the lists of a later part of the file, whose keys are `key(k)`
    /// here: counts add up, rows are kept up to the limit, earlier first.
    pub(super) fn absorb(&mut self, later: Explainer, key: impl Fn(Key) -> Key) {
        for (k, x) in later.lists {
            let list = self.lists.entry(key(k)).or_default();
            list.total += x.total;
            let room = self.limit.saturating_sub(list.rows.len());
            list.rows.extend(x.rows.into_iter().take(room));
        }
    }

    /// The list of one (period, group), with the file it came from.
    pub(super) fn take(&mut self, key: &Key, file: &str) -> Explanation {
        let mut x = self.lists.remove(key).unwrap_or_default();
        x.file = file.to_string();
        x
    }

    /// The rows of several (period, group) lists as one, in file order and
    /// within the limit ("每年" rules span every year of a group).
    pub(super) fn take_all(&mut self, keys: &[Key], file: &str) -> Explanation {
        let mut out = Explanation {
            file: file.to_string(),
            ..Explanation::default()
        };
        for key in keys {
            let x = self.lists.remove(key).unwrap_or_default();
            out.total += x.total;
            out.rows.extend(x.rows);
        }
        out.rows.sort_by_key(|r| r.line);
        out.rows.truncate(self.limit);
        out
    }
}

fn age_columns(c: &Condition, out: &mut Vec<ColId>) {
    match c {
        Condition::Age { column, .. } => out.push(*column),
        Condition::All(cs) | Condition::Any(cs) => cs.iter().for_each(|c| age_columns(c, out)),
        Condition::Not(c) => age_columns(c, out),
        _ => {}
    }
}

/// `None`: the row meets the rule (or has nothing to measure); `Some(false)`:
/// it does not; `Some(true)`: unknown. A ratio or rate row is judged by its
/// own value against the target (a district that falls short); a distinct
/// row fails when an earlier row of the group had its value.
fn row_state(
    rule: &Rule,
    acc: Option<&Acc>,
    scope: Truth,
    cond: Truth,
    values: &[Option<Value>],
) -> Option<bool> {
    use num_traits::Zero;
    if let Measure::Share(_) = rule.measure {
        return match (scope, cond) {
            (_, Truth::False) => Some(false),
            (Truth::True, Truth::True) => None,
            _ => Some(true),
        };
    }
    if scope == Truth::Unknown {
        return Some(true);
    }
    let num = |c: ColId| match &values[c] {
        Some(Value::Num(n)) => Some(n),
        _ => None,
    };
    match &rule.measure {
        Measure::Share(_) => None,
        Measure::Ratio {
            numerator,
            denominator,
        } => match (num(*numerator), num(*denominator)) {
            (Some(_), Some(d)) if d.is_zero() => None,
            (Some(n), Some(d)) => (!rule.target.holds(&(n / d))).then_some(false),
            _ => Some(true),
        },
        Measure::Weighted { value, weight } => match (num(*value), num(*weight)) {
            (Some(_), Some(w)) if w.is_zero() => None,
            (Some(r), Some(_)) => (!rule.target.holds(r)).then_some(false),
            _ => Some(true),
        },
        Measure::Distinct(c) => match (&values[*c], acc) {
            (None, _) => Some(true),
            (Some(v), Some(Acc::Distinct(d))) if d.seen(v) => Some(false),
            _ => None,
        },
    }
}
