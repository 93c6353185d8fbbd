//! The least change that meets an unmet target (DESIGN.md, "Shortfall").
//!
//! Computed pessimistically: unknown cells count as not qualifying, so the
//! shortfall is what guarantees a pass once made.

use crate::num::{above, ceil, Rational};
use crate::report::{Kind, Measured, Shortfall};
use crate::target::{Op, Target};
use num_bigint::BigInt;
use num_traits::{One, Signed, Zero};

pub fn compute(target: &Target, m: &Measured) -> Option<Shortfall> {
    let (k, n) = (&m.numerator, &m.denominator);
    let v = &target.value;
    let needed = v * n;
    let integral = matches!(
        m.kind,
        Kind::Share | Kind::Distinct | Kind::Ratio { integral: true }
    );
    let numerator = if integral {
        let whole = match target.op {
            // `= 1/3` of 10 rows: no whole count of them is exactly a third.
            Op::Eq if !needed.is_integer() => return Some(unreachable_by_numerator(target, m)),
            Op::Ge | Op::Eq => ceil(&needed),
            Op::Gt => above(&needed),
            Op::Le => needed.floor().to_integer(),
            Op::Lt => ceil(&needed) - BigInt::one(),
        };
        let x = Rational::from_integer(whole) - k;
        // Replacing rows cannot raise a share above the whole.
        let capped = matches!(m.kind, Kind::Share | Kind::Distinct) && x > (n - k);
        (!capped).then_some(x)
    } else {
        Some(&needed - k)
    };
    // Already met in this direction: no change needed. An exact target
    // (`= 1/3`) is unmet in either direction, so it may need fewer.
    let numerator = numerator.map(|x| {
        if target.op == Op::Eq {
            x
        } else if target.op.is_lower_bound() {
            x.max(Rational::zero())
        } else {
            x.min(Rational::zero())
        }
    });
    let add = match (m.kind, target.op) {
        (Kind::Share, Op::Eq) => exact_add(target, m),
        (Kind::Share, Op::Ge | Op::Gt) if v < &Rational::one() => {
            // (k + y) / (n + y) meets v  ⇔  y (1 − v) ≥ v·n − k.
            let y = (&needed - k) / (Rational::one() - v);
            let y = if target.op == Op::Ge {
                ceil(&y)
            } else {
                above(&y)
            };
            Some(y.max(BigInt::zero()))
        }
        _ => None,
    };
    let needs_change = numerator.as_ref().is_none_or(|x| !x.is_zero())
        || add.as_ref().is_some_and(|y| y.is_positive());
    needs_change.then_some(Shortfall { numerator, add })
}

/// Members to add (all qualifying) so that a share equals `= v` exactly:
/// (k + y) / (n + y) = v, with y a whole number ≥ 0; `None` if there is none.
fn exact_add(target: &Target, m: &Measured) -> Option<BigInt> {
    let v = &target.value;
    if v >= &Rational::one() {
        return None;
    }
    let y = (v * &m.denominator - &m.numerator) / (Rational::one() - v);
    (y.is_integer() && !y.is_negative()).then(|| y.to_integer())
}

/// An exact target no whole numerator meets with the denominator fixed:
/// only adding members may reach it.
fn unreachable_by_numerator(target: &Target, m: &Measured) -> Shortfall {
    let add = match m.kind {
        Kind::Share => exact_add(target, m),
        _ => None,
    };
    Shortfall {
        numerator: None,
        add,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::num::{count, int};

    fn share(k: u64, n: u64) -> Measured {
        Measured {
            kind: Kind::Share,
            numerator: count(k),
            denominator: count(n),
            unknown: 0,
            min: Rational::new(k.into(), n.into()),
            max: Some(Rational::new(k.into(), n.into())),
            empty: false,
        }
    }

    #[test]
    fn an_exact_target_that_fails_has_a_shortfall() {
        // #14.20: `= 1/3` failed with no shortfall when above the target.
        assert_eq!(sf("= 1/3", &share(5, 9)), (Some(int(-2)), None));
        assert_eq!(sf("= 1/3", &share(2, 9)), (Some(int(1)), None));
        // 10 rows: no count is a third; adding 2 of 4 qualifying makes 4/12.
        assert_eq!(sf("= 1/3", &share(2, 10)), (None, Some(BigInt::from(2))));
        assert_eq!(sf("= 1/3", &share(5, 10)), (None, None));
        assert!(compute(&Target::parse("= 1/3").unwrap(), &share(3, 9)).is_none());
        // = 100% as before.
        assert_eq!(sf("= 100%", &share(7, 9)), (Some(int(2)), None));
    }

    fn sf(target: &str, m: &Measured) -> (Option<Rational>, Option<BigInt>) {
        let s = compute(&Target::parse(target).unwrap(), m).unwrap();
        (s.numerator, s.add)
    }

    #[test]
    fn roster_share_replace_or_add() {
        // 206 of 300 front-line: replace 4 (210/300 = 70%) or add 14 (220/314 ≥ 70%).
        assert_eq!(
            sf("70%以上", &share(206, 300)),
            (Some(int(4)), Some(14.into()))
        );
        // 13/314... one fewer added does not reach: 219/313 < 70%.
        assert!(Rational::new(219.into(), 313.into()) < Rational::new(7.into(), 10.into()));
    }

    #[test]
    fn strict_half_needs_one_more_than_half() {
        assert_eq!(
            sf("超过1/2", &share(12, 24)),
            (Some(int(1)), Some(1.into()))
        );
    }

    #[test]
    fn full_coverage_cannot_be_reached_by_adding() {
        assert_eq!(sf("全部", &share(4, 6)), (Some(int(2)), None));
    }

    #[test]
    fn met_targets_have_no_shortfall() {
        let t = Target::parse("不少于1/3").unwrap();
        assert_eq!(compute(&t, &share(100, 300)), None);
    }

    #[test]
    fn per_capita_funding_is_exact_yuan() {
        let m = Measured {
            kind: Kind::Ratio { integral: false },
            numerator: crate::num::parse_decimal("1199999.99").unwrap(),
            denominator: int(400000),
            unknown: 0,
            min: Rational::zero(),
            max: None,
            empty: false,
        };
        assert_eq!(sf("3元以上", &m).0, crate::num::parse_decimal("0.01"));
    }

    #[test]
    fn coverage_counts_round_up() {
        let m = Measured {
            kind: Kind::Ratio { integral: true },
            numerator: int(270),
            denominator: int(611),
            unknown: 0,
            min: Rational::zero(),
            max: None,
            empty: false,
        };
        assert_eq!(sf("50%以上", &m).0, Some(int(36)));
    }
}
