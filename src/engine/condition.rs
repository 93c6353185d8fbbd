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
        Condition::OneOf { column, values: allowed } => match &values[*column] {
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
                let (young, old) = (crate::num::int(young), crate::num::int(old));
                Truth::from_verdict(target.verdict(&young, Some(&old)))
            }
            _ => Truth::Unknown,
        },
        Condition::BornOnOrAfter { column, date: cutoff } => match &values[*column] {
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
