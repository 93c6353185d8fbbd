//! Distinct values of a column among the rows in scope
//! (part-time vice chairs from different fields).

use super::condition::Truth;
use crate::input::value::Value;
use crate::num::{count, Rational};
use crate::report::{Kind, Measured};
use num_traits::{One, Zero};
use std::collections::HashSet;

#[derive(Clone, Debug, Default)]
pub struct Distinct {
    seen: HashSet<String>,
    rows: u64,
    unknown: u64,
    scope_unknown: u64,
}

impl Distinct {
    pub fn add(&mut self, scope: Truth, value: &Option<Value>) {
        match (scope, value) {
            (Truth::False, _) => {}
            (Truth::Unknown, _) => self.scope_unknown += 1,
            (Truth::True, Some(v)) => {
                self.rows += 1;
                self.seen.insert(key(v));
            }
            (Truth::True, None) => {
                self.rows += 1;
                self.unknown += 1;
            }
        }
    }

    /// Has an earlier row in scope had this value? (For explanations.)
    pub fn seen(&self, value: &Value) -> bool {
        self.seen.contains(&key(value))
    }

    /// [`Distinct::seen`] for a value as [`key_of`] gives it.
    pub fn seen_key(&self, key: &str) -> bool {
        self.seen.contains(key)
    }

    /// Adds the same group's rows in a later part of the file: their
    /// values join these (a value both have counts once).
    pub fn absorb(&mut self, later: Distinct) {
        self.seen.extend(later.seen);
        self.rows += later.rows;
        self.unknown += later.unknown;
        self.scope_unknown += later.scope_unknown;
    }

    pub fn finish(&self) -> Measured {
        measure(
            self.seen.len() as u64,
            self.rows,
            self.unknown,
            self.scope_unknown,
        )
    }
}

/// The measured range from `d` distinct known values among `rows` rows in
/// scope, `unknown` of them without a value, and `scope_unknown` rows that
/// may be in scope (also the warehouse path's entry).
pub fn measure(d: u64, rows: u64, unknown: u64, scope_unknown: u64) -> Measured {
    // Fewest distinct: unknown values repeat known ones, and every row
    // that may be in scope is in it as a repeat.
    let min_distinct = if d == 0 && unknown > 0 { 1 } else { d };
    let min_den = rows + scope_unknown;
    let min = if min_den == 0 {
        Rational::zero()
    } else {
        Rational::new(min_distinct.into(), min_den.into())
    };
    let max = if rows == 0 {
        Rational::one()
    } else {
        Rational::new((d + unknown).into(), rows.into())
    };
    Measured {
        kind: Kind::Distinct,
        numerator: count(d),
        denominator: count(rows),
        unknown: unknown + scope_unknown,
        min,
        max: Some(max),
        empty: min_den == 0,
    }
}

/// A value as distinct values are compared (a part's explanations keep it).
pub fn key_of(v: &Value) -> String {
    key(v)
}

fn key(v: &Value) -> String {
    match v {
        // Folded as group names are: width, spaces and case do not differ.
        Value::Text(t) => crate::pack::normalize_header(t),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Option<Value> {
        Some(Value::Text(s.into()))
    }

    #[test]
    fn repeated_field_fails_full_distinctness() {
        let mut d = Distinct::default();
        for f in ["生物医药", "船舶", "生物医药", "信息"] {
            d.add(Truth::True, &t(f));
        }
        let m = d.finish();
        assert_eq!((m.numerator, m.denominator), (count(3), count(4)));
        assert_eq!(m.max, Some(Rational::new(3.into(), 4.into())));
    }

    #[test]
    fn unknown_field_may_or_may_not_repeat() {
        let mut d = Distinct::default();
        d.add(Truth::True, &t("船舶"));
        d.add(Truth::True, &None);
        let m = d.finish();
        assert_eq!(m.min, Rational::new(1.into(), 2.into()));
        assert_eq!(m.max, Some(Rational::one()));
    }
}
