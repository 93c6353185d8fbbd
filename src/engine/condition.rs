//! Three-valued evaluation of conditions on one row.

use crate::date;
use crate::input::value::Value;
use crate::pack::Condition;
use crate::target::Verdict;
use chrono::NaiveDate;

/// True, false or unknown (a cell was empty or unreadable).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Truth {
    True,
    False,
    Unknown,
}

impl Truth {
    fn from_bool(b: bool) -> Truth {
        if b {
            Truth::True
        } else {
            Truth::False
        }
    }

    fn from_verdict(v: Verdict) -> Truth {
        match v {
            Verdict::Pass => Truth::True,
            Verdict::Fail => Truth::False,
            Verdict::Indeterminate => Truth::Unknown,
        }
    }
}

/// Evaluates `cond` on a row's values; `as_of` is the reference date for ages.
pub fn eval(cond: &Condition, values: &[Option<Value>], as_of: NaiveDate) -> Truth {
    match cond {
        Condition::Flag(c) => match &values[*c] {
            Some(Value::Bool(b)) => Truth::from_bool(*b),
            _ => Truth::Unknown,
        },
        Condition::All(cs) => {
            let mut out = Truth::True;
            for c in cs {
                match eval(c, values, as_of) {
                    Truth::False => return Truth::False,
                    Truth::Unknown => out = Truth::Unknown,
                    Truth::True => {}
                }
            }
            out
        }
        Condition::Any(cs) => {
            let mut out = Truth::False;
            for c in cs {
                match eval(c, values, as_of) {
                    Truth::True => return Truth::True,
                    Truth::Unknown => out = Truth::Unknown,
                    Truth::False => {}
                }
            }
            out
        }
        Condition::Not(c) => match eval(c, values, as_of) {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        },
        Condition::OneOf {
            column,
            values: allowed,
        } => match &values[*column] {
            Some(Value::Text(t)) => Truth::from_bool(allowed.iter().any(|a| a == t)),
            _ => Truth::Unknown,
        },
        Condition::Compare { column, target } => match &values[*column] {
            Some(Value::Num(n)) => Truth::from_bool(target.holds(n)),
            _ => Truth::Unknown,
        },
        Condition::Age { column, target } => match &values[*column] {
            Some(Value::Date(b)) => {
                let (young, old) = date::age_range(b, as_of);
                Truth::from_verdict(target.verdict_int(young, old))
            }
            _ => Truth::Unknown,
        },
        Condition::BornOnOrAfter {
            column,
            date: cutoff,
        } => match &values[*column] {
            Some(Value::Date(b)) => {
                let (earliest, latest) = b.range();
                if earliest >= *cutoff {
                    Truth::True
                } else if latest < *cutoff {
                    Truth::False
                } else {
                    Truth::Unknown
                }
            }
            _ => Truth::Unknown,
        },
    }
}

/// Collects columns whose value was read but could not decide `cond` (a
/// month-only birth date on the month of the cutoff birthday).
pub fn undecided(
    cond: &Condition,
    values: &[Option<Value>],
    as_of: NaiveDate,
    out: &mut Vec<usize>,
) {
    match cond {
        Condition::All(cs) | Condition::Any(cs) => {
            cs.iter().for_each(|c| undecided(c, values, as_of, out))
        }
        Condition::Not(c) => undecided(c, values, as_of, out),
        Condition::Age { column, .. } | Condition::BornOnOrAfter { column, .. }
            if values[*column].is_some()
                && eval(cond, values, as_of) == Truth::Unknown
                && !out.contains(column) =>
        {
            out.push(*column);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::PartialDate;
    use crate::target::Target;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn born(y: i32, m: u32, d: Option<u32>) -> Vec<Option<Value>> {
        vec![Some(Value::Date(PartialDate {
            year: y,
            month: m,
            day: d,
        }))]
    }

    fn youth() -> Condition {
        Condition::Age {
            column: 0,
            target: Target::parse("45岁以下").unwrap(),
        }
    }

    #[test]
    fn the_46th_birthday_is_still_45() {
        let on = day(2026, 5, 12);
        assert_eq!(eval(&youth(), &born(1980, 5, Some(12)), on), Truth::True);
        assert_eq!(eval(&youth(), &born(1980, 5, Some(11)), on), Truth::False);
        assert_eq!(eval(&youth(), &born(1980, 5, Some(13)), on), Truth::True);
    }

    #[test]
    fn month_only_dates_are_unknown_only_when_the_day_matters() {
        let on = day(2026, 5, 12);
        assert_eq!(eval(&youth(), &born(1980, 5, None), on), Truth::Unknown);
        assert_eq!(eval(&youth(), &born(1980, 4, None), on), Truth::False);
        assert_eq!(eval(&youth(), &born(1980, 6, None), on), Truth::True);
        let mut out = Vec::new();
        undecided(&youth(), &born(1980, 5, None), on, &mut out);
        assert_eq!(out, vec![0]);
    }

    #[test]
    fn explicit_birth_date_cutoff() {
        let cond = Condition::BornOnOrAfter {
            column: 0,
            date: day(1972, 7, 1),
        };
        let on = day(2017, 6, 30);
        assert_eq!(eval(&cond, &born(1972, 7, Some(1)), on), Truth::True);
        assert_eq!(eval(&cond, &born(1972, 6, Some(30)), on), Truth::False);
        assert_eq!(eval(&cond, &born(1972, 7, None), on), Truth::True);
        assert_eq!(eval(&cond, &born(1972, 6, None), on), Truth::False);
    }

    #[test]
    fn three_valued_and_or() {
        let vals = vec![Some(Value::Bool(true)), None, Some(Value::Bool(false))];
        let all = |a, b| Condition::All(vec![Condition::Flag(a), Condition::Flag(b)]);
        let any = |a, b| Condition::Any(vec![Condition::Flag(a), Condition::Flag(b)]);
        assert_eq!(eval(&all(0, 1), &vals, day(2020, 1, 1)), Truth::Unknown);
        assert_eq!(eval(&all(1, 2), &vals, day(2020, 1, 1)), Truth::False);
        assert_eq!(eval(&any(0, 1), &vals, day(2020, 1, 1)), Truth::True);
        assert_eq!(eval(&any(1, 2), &vals, day(2020, 1, 1)), Truth::Unknown);
    }
}
