//! Targets: `>= 70%`, `不少于1/3`, `超过1/2`, `全部` … parsed into an exact
//! comparison.
//!
//! Plan wording follows 民法典 第1259条: 以上/以下/以内/届满 include the number,
//! 不满/超过/以外 exclude it.

use crate::num::{self, Rational};
use num_traits::{One, ToPrimitive};
use std::fmt;

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Ge,
    Gt,
    Le,
    Lt,
    Eq,
}

impl Op {
    /// The ASCII form used in JSON (`>=`).
    pub fn ascii(self) -> &'static str {
        match self {
            Op::Ge => ">=",
            Op::Gt => ">",
            Op::Le => "<=",
            Op::Lt => "<",
            Op::Eq => "=",
        }
    }

    /// The symbol used in tables (`≥`).
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Ge => "≥",
            Op::Gt => ">",
            Op::Le => "≤",
            Op::Lt => "<",
            Op::Eq => "=",
        }
    }

    /// True for targets that ask the value to be large enough.
    pub fn is_lower_bound(self) -> bool {
        matches!(self, Op::Ge | Op::Gt | Op::Eq)
    }
}

/// How the target's number was written, so reports echo the plan's form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Percent,
    Fraction,
    Plain,
}

/// A parsed target: `op value`, exact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub op: Op,
    pub value: Rational,
    pub style: Style,
    /// The number as written (`70%`, `1/3`, `3`).
    pub written: String,
}

/// Three-valued outcome of checking a target against a range of possible values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Fail,
    Indeterminate,
}

impl Target {
    /// Parses a target in symbolic form or in the plan's words.
    pub fn parse(text: &str) -> Result<Target, String> {
        let s: String = num::halfwidth(text)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if s.is_empty() {
            return Err("the target is empty".into());
        }
        if ["全部", "全覆盖", "全面覆盖", "全部覆盖"].contains(&s.as_str()) {
            return Ok(Target::all());
        }
        let (op, rest) = split_op(&s).ok_or_else(|| {
            format!(
                "cannot read target `{text}`: write it as `>= 70%`, `> 1/2`, `<= 45`, \
                 or in the plan's words (`70%以上`, `不少于1/3`, `超过1/2`, `45岁以下`, `全部`)"
            )
        })?;
        let number = strip_units(rest);
        let value = num::parse_number(number)
            .ok_or_else(|| format!("cannot read the number `{rest}` in target `{text}`"))?;
        let style = if number.ends_with('%') {
            Style::Percent
        } else if number.contains('/') {
            Style::Fraction
        } else {
            Style::Plain
        };
        Ok(Target {
            op,
            value,
            style,
            written: number.to_string(),
        })
    }

    /// `= 100%`: every row, full coverage.
    pub fn all() -> Target {
        Target {
            op: Op::Eq,
            value: Rational::one(),
            style: Style::Percent,
            written: "100%".into(),
        }
    }

    /// Does an exact value meet the target?
    pub fn holds(&self, x: &Rational) -> bool {
        match self.op {
            Op::Ge => *x >= self.value,
            Op::Gt => *x > self.value,
            Op::Le => *x <= self.value,
            Op::Lt => *x < self.value,
            Op::Eq => *x == self.value,
        }
    }

    /// Checks every value in `[min, max]` (`max = None`: unbounded): pass if
    /// the target holds for all of them, fail if for none, else indeterminate.
    pub fn verdict(&self, min: &Rational, max: Option<&Rational>) -> Verdict {
        verdict_on(self.op, &self.value, min, max)
    }

    /// [`Target::verdict`] for whole numbers (ages): exact, and without big
    /// numbers when the target is a whole number too, as age targets are.
    pub fn verdict_int(&self, min: i64, max: i64) -> Verdict {
        match self.value.numer().to_i64() {
            Some(v) if self.value.denom().is_one() => verdict_on(self.op, &v, &min, Some(&max)),
            _ => self.verdict(&num::int(min), Some(&num::int(max))),
        }
    }
}

/// The verdict of `op v` over every value in `[min, max]`.
fn verdict_on<T: PartialOrd>(op: Op, v: &T, min: &T, max: Option<&T>) -> Verdict {
    let (all, none) = match (op, max) {
        (Op::Ge, Some(max)) => (min >= v, max < v),
        (Op::Ge, None) => (min >= v, false),
        (Op::Gt, Some(max)) => (min > v, max <= v),
        (Op::Gt, None) => (min > v, false),
        (Op::Le, Some(max)) => (max <= v, min > v),
        (Op::Le, None) => (false, min > v),
        (Op::Lt, Some(max)) => (max < v, min >= v),
        (Op::Lt, None) => (false, min >= v),
        (Op::Eq, Some(max)) => (min == v && max == v, v < min || v > max),
        (Op::Eq, None) => (false, v < min),
    };
    if all {
        Verdict::Pass
    } else if none {
        Verdict::Fail
    } else {
        Verdict::Indeterminate
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.op.symbol(), self.written)
    }
}

/// Words before the number, longest first so `不超过` wins over `超过`.
const PREFIXES: &[(&str, Op)] = &[
    (">=", Op::Ge),
    ("<=", Op::Le),
    ("==", Op::Eq),
    ("≥", Op::Ge),
    ("≤", Op::Le),
    (">", Op::Gt),
    ("<", Op::Lt),
    ("=", Op::Eq),
    ("不少于", Op::Ge),
    ("不低于", Op::Ge),
    ("不小于", Op::Ge),
    ("不超过", Op::Le),
    ("不高于", Op::Le),
    ("不多于", Op::Le),
    ("不大于", Op::Le),
    ("超过", Op::Gt),
    ("高于", Op::Gt),
    ("多于", Op::Gt),
    ("大于", Op::Gt),
    ("不满", Op::Lt),
    ("低于", Op::Lt),
    ("少于", Op::Lt),
    ("小于", Op::Lt),
    ("达到", Op::Ge),
    ("达", Op::Ge),
];

/// Words after the number.
const SUFFIXES: &[(&str, Op)] = &[
    ("及以上", Op::Ge),
    ("以上", Op::Ge),
    ("及以下", Op::Le),
    ("以下", Op::Le),
    ("以内", Op::Le),
    ("届满", Op::Ge),
];

fn split_op(s: &str) -> Option<(Op, &str)> {
    let s = s.strip_prefix('在').unwrap_or(s);
    for (word, op) in PREFIXES {
        if let Some(rest) = s.strip_prefix(word) {
            // `达到3元以上`: the suffix only repeats the direction.
            let rest = SUFFIXES
                .iter()
                .find_map(|(w, o)| rest.strip_suffix(w).filter(|_| o == op))
                .unwrap_or(rest);
            return Some((*op, rest));
        }
    }
    SUFFIXES
        .iter()
        .find_map(|(word, op)| s.strip_suffix(word).map(|rest| (*op, rest)))
}

/// Drops the unit after a number: `3元`, `45岁`, `45周岁`, `10人`.
fn strip_units(s: &str) -> &str {
    const UNITS: &[&str] = &["周岁", "岁", "元/人", "元", "人", "名", "个", "家", "级"];
    UNITS.iter().find_map(|u| s.strip_suffix(u)).unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_bigint::BigInt;

    fn r(a: i64, b: i64) -> Rational {
        Rational::new(BigInt::from(a), BigInt::from(b))
    }

    fn t(text: &str) -> (Op, Rational) {
        let t = Target::parse(text).unwrap();
        (t.op, t.value)
    }

    #[test]
    fn symbolic_forms() {
        assert_eq!(t(">= 70%"), (Op::Ge, r(7, 10)));
        assert_eq!(t("≥70%"), (Op::Ge, r(7, 10)));
        assert_eq!(t("> 1/2"), (Op::Gt, r(1, 2)));
        assert_eq!(t(">= 3"), (Op::Ge, r(3, 1)));
        assert_eq!(t("<= 45"), (Op::Le, r(45, 1)));
        assert_eq!(t("< 2.5"), (Op::Lt, r(5, 2)));
        assert_eq!(t("= 100%"), (Op::Eq, r(1, 1)));
        assert_eq!(t("＞１／２"), (Op::Gt, r(1, 2)));
    }

    #[test]
    fn plan_wording_inclusive_and_exclusive() {
        assert_eq!(t("70%以上"), (Op::Ge, r(7, 10)));
        assert_eq!(t("在 70%以上"), (Op::Ge, r(7, 10)));
        assert_eq!(t("不少于1/3"), (Op::Ge, r(1, 3)));
        assert_eq!(t("不少于 1/3"), (Op::Ge, r(1, 3)));
        assert_eq!(t("不低于15%"), (Op::Ge, r(15, 100)));
        assert_eq!(t("达到15%"), (Op::Ge, r(15, 100)));
        assert_eq!(t("达3元以上"), (Op::Ge, r(3, 1)));
        assert_eq!(t("3元以上"), (Op::Ge, r(3, 1)));
        assert_eq!(t("45岁以下"), (Op::Le, r(45, 1)));
        assert_eq!(t("45周岁以下"), (Op::Le, r(45, 1)));
        assert_eq!(t("3以内"), (Op::Le, r(3, 1)));
        assert_eq!(t("超过1/2"), (Op::Gt, r(1, 2)));
        assert_eq!(t("不满18周岁"), (Op::Lt, r(18, 1)));
        assert_eq!(t("不超过1/2"), (Op::Le, r(1, 2)));
        assert_eq!(t("不高于5%"), (Op::Le, r(5, 100)));
        assert_eq!(t("3/5以上"), (Op::Ge, r(3, 5)));
        assert_eq!(t("2/3以上"), (Op::Ge, r(2, 3)));
        assert_eq!(t("全部"), (Op::Eq, r(1, 1)));
        assert_eq!(t("全覆盖"), (Op::Eq, r(1, 1)));
    }

    #[test]
    fn unreadable_targets_are_errors() {
        assert!(Target::parse("").is_err());
        assert!(Target::parse("大约70%").is_err());
        assert!(Target::parse(">= 七成").is_err());
        assert!(Target::parse("70%").is_err());
    }

    #[test]
    fn display_keeps_the_written_form() {
        assert_eq!(Target::parse("70%以上").unwrap().to_string(), "≥ 70%");
        assert_eq!(Target::parse("不少于1/3").unwrap().to_string(), "≥ 1/3");
        assert_eq!(Target::parse("全部").unwrap().to_string(), "= 100%");
    }

    #[test]
    fn holds_at_the_boundary() {
        let ge = Target::parse("70%以上").unwrap();
        assert!(ge.holds(&r(7, 10)));
        assert!(ge.holds(&r(210, 300)));
        assert!(!ge.holds(&r(209, 300)));
        let gt = Target::parse("超过1/2").unwrap();
        assert!(!gt.holds(&r(1, 2)));
        assert!(gt.holds(&r(51, 100)));
        let third = Target::parse("不少于1/3").unwrap();
        assert!(third.holds(&r(100, 300)));
        assert!(!third.holds(&r(99, 300)));
    }

    #[test]
    fn verdicts_over_ranges() {
        let ge = Target::parse(">= 70%").unwrap();
        assert_eq!(ge.verdict(&r(7, 10), Some(&r(8, 10))), Verdict::Pass);
        assert_eq!(
            ge.verdict(&r(55, 80), Some(&r(56, 80))),
            Verdict::Indeterminate
        );
        assert_eq!(ge.verdict(&r(5, 10), Some(&r(69, 100))), Verdict::Fail);
        assert_eq!(ge.verdict(&r(5, 10), None), Verdict::Indeterminate);
        let le = Target::parse("<= 45").unwrap();
        assert_eq!(le.verdict(&r(46, 1), None), Verdict::Fail);
        assert_eq!(le.verdict(&r(44, 1), None), Verdict::Indeterminate);
        let all = Target::all();
        assert_eq!(all.verdict(&r(1, 1), Some(&r(1, 1))), Verdict::Pass);
        assert_eq!(
            all.verdict(&r(9, 10), Some(&r(1, 1))),
            Verdict::Indeterminate
        );
        assert_eq!(all.verdict(&r(9, 10), Some(&r(9, 10))), Verdict::Fail);
    }

    #[test]
    fn whole_number_verdicts_agree_with_exact_ones() {
        for text in [
            "45岁以下",
            "超过45",
            "<= 45.5",
            "不满45",
            "= 45",
            ">= 1/3",
            "达到45",
        ] {
            let t = Target::parse(text).unwrap();
            for min in 43..=47 {
                for max in min..=48 {
                    assert_eq!(
                        t.verdict_int(min, max),
                        t.verdict(&num::int(min), Some(&num::int(max))),
                        "{text} over [{min}, {max}]"
                    );
                }
            }
        }
    }
}
