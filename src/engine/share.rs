//! Share of rows meeting a condition among the rows in scope.

use super::condition::Truth;
use crate::num::{count, Rational};
use crate::report::{Kind, Measured};
use num_traits::{One, Zero};

/// Counts by (in scope?, meets condition?).
#[derive(Clone, Debug, Default)]
pub struct Share {
    /// In scope for certain: condition true / false / unknown.
    t: u64,
    f: u64,
    u: u64,
    /// Scope unknown: condition true / false / unknown.
    st: u64,
    sf: u64,
    su: u64,
}

impl Share {
    /// Counts computed elsewhere (a warehouse): in scope for certain with the
    /// condition true, false, unknown; then scope unknown, the same three.
    pub fn from_counts([t, f, u, st, sf, su]: [u64; 6]) -> Share {
        Share {
            t,
            f,
            u,
            st,
            sf,
            su,
        }
    }

    pub fn add(&mut self, scope: Truth, cond: Truth) {
        let slot = match (scope, cond) {
            (Truth::True, Truth::True) => &mut self.t,
            (Truth::True, Truth::False) => &mut self.f,
            (Truth::True, Truth::Unknown) => &mut self.u,
            (Truth::Unknown, Truth::True) => &mut self.st,
            (Truth::Unknown, Truth::False) => &mut self.sf,
            (Truth::Unknown, Truth::Unknown) => &mut self.su,
            (Truth::False, _) => return,
        };
        *slot += 1;
    }

    pub fn finish(&self) -> Measured {
        let n = self.t + self.f + self.u;
        // Fewest qualifying: unknown conditions false; scope-unknown rows that
        // fail (or may fail) included, those that meet it excluded.
        let min_den = n + self.sf + self.su;
        let min = if min_den == 0 {
            Rational::zero()
        } else {
            Rational::new(self.t.into(), min_den.into())
        };
        let max_num = self.t + self.u + self.st + self.su;
        let max_den = n + self.st + self.su;
        let max = if max_den == 0 {
            Rational::one()
        } else {
            Rational::new(max_num.into(), max_den.into())
        };
        Measured {
            kind: Kind::Share,
            numerator: count(self.t),
            denominator: count(n),
            unknown: self.u + self.st + self.sf + self.su,
            min,
            max: Some(max),
            empty: n + self.st + self.sf + self.su == 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_bigint::BigInt;

    fn r(a: i64, b: i64) -> Rational {
        Rational::new(BigInt::from(a), BigInt::from(b))
    }

    #[test]
    fn bounds_cover_every_filling() {
        let mut s = Share::default();
        for _ in 0..55 {
            s.add(Truth::True, Truth::True);
        }
        for _ in 0..24 {
            s.add(Truth::True, Truth::False);
        }
        s.add(Truth::True, Truth::Unknown);
        s.add(Truth::False, Truth::True);
        let m = s.finish();
        assert_eq!(
            (m.numerator.clone(), m.denominator.clone(), m.unknown),
            (r(55, 1), r(80, 1), 1)
        );
        assert_eq!(m.min, r(55, 80));
        assert_eq!(m.max, Some(r(56, 80)));
        assert!(!m.empty);
    }

    #[test]
    fn scope_unknown_rows_widen_both_ends() {
        let mut s = Share::default();
        s.add(Truth::True, Truth::True);
        s.add(Truth::True, Truth::False);
        s.add(Truth::Unknown, Truth::True);
        s.add(Truth::Unknown, Truth::False);
        let m = s.finish();
        assert_eq!(m.min, r(1, 3));
        assert_eq!(m.max, Some(r(2, 3)));
        assert_eq!(m.unknown, 2);
    }

    #[test]
    fn nothing_in_scope_is_empty() {
        let mut s = Share::default();
        s.add(Truth::False, Truth::True);
        assert!(s.finish().empty);
    }
}
