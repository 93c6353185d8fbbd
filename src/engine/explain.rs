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
    /// In a part of a file, for a `distinct` rule: per key, the rows whose
    /// value the part met first. Whether an earlier part had the value (so
    /// that the row repeats it) is known only when the parts are merged.
    pending: Option<HashMap<Key, Vec<Pending>>>,
}

/// A row of a part that repeats a value if an earlier part had it.
#[derive(Clone)]
struct Pending {
    /// The value, as `distinct` compares it.
    value: String,
    /// The row as listed, if it can be among the first `limit` of its list.
    row: Option<ExplainRow>,
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
            pending: None,
        }
    }

    /// The same, empty, for a part of the file (see `pending`).
    pub(super) fn for_part(&self, rule: &Rule) -> Explainer {
        Explainer {
            pending: matches!(rule.measure, Measure::Distinct(_)).then(HashMap::new),
            ..self.clone()
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
            self.note_pending(rule, key, scope, row, reader, as_of, lang);
            return;
        };
        let list = self.lists.entry(key).or_default();
        list.total += 1;
        if list.rows.len() < self.limit {
            let row = self.row(row, reader, as_of, lang, unknown);
            self.lists.entry(key).or_default().rows.push(row);
        }
    }

    /// In a part, a `distinct` row whose value the part has not met before
    /// under `key`: kept for the merge, which knows the earlier parts'.
    #[allow(clippy::too_many_arguments)]
    fn note_pending(
        &mut self,
        rule: &Rule,
        key: Key,
        scope: Truth,
        row: &Row,
        reader: &DatasetReader<'_>,
        as_of: NaiveDate,
        lang: Lang,
    ) {
        let (Some(_), Measure::Distinct(c), Truth::True) = (&self.pending, &rule.measure, scope)
        else {
            return;
        };
        let Some(value) = &row.values[*c] else {
            return;
        };
        let value = super::distinct::key_of(value);
        // Only the first `limit` rows of the part can be listed.
        let listed = self.lists.entry(key).or_default().rows.len();
        let row = (listed < self.limit).then(|| self.row(row, reader, as_of, lang, false));
        if let Some(pending) = &mut self.pending {
            pending.entry(key).or_default().push(Pending { value, row });
        }
    }

    /// A row as listed.
    fn row(
        &self,
        row: &Row,
        reader: &DatasetReader<'_>,
        as_of: NaiveDate,
        lang: Lang,
        unknown: bool,
    ) -> ExplainRow {
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
        ExplainRow {
            line: row.line,
            name: shown(&name).into_owned(),
            unknown,
            values,
        }
    }

    /// Adds the lists of a later part of the file, whose keys are `key(k)`
    /// here: counts add up, rows are kept up to the limit, earlier first.
    /// A part's `distinct` rows whose value `seen(key here, value)` says an
    /// earlier part had are listed too, in their place.
    pub(super) fn absorb(
        &mut self,
        mut later: Explainer,
        key: impl Fn(Key) -> Key,
        seen: impl Fn(Key, &str) -> bool,
    ) {
        for (k, mut x) in later.lists {
            let pending = later.pending.as_mut().and_then(|p| p.remove(&k));
            let repeats: Vec<Pending> = pending
                .unwrap_or_default()
                .into_iter()
                .filter(|p| seen(key(k), &p.value))
                .collect();
            if !repeats.is_empty() {
                x.total += repeats.len() as u64;
                x.rows.extend(repeats.into_iter().filter_map(|p| p.row));
                x.rows.sort_by_key(|r| r.line);
                x.rows.truncate(self.limit);
            }
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
