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

    /// Could every row be out of scope? True when no row is in scope for
    /// certain but some may be: one filling leaves nothing to measure.
    pub fn may_be_empty(&self) -> bool {
        self.t + self.f + self.u == 0 && self.st + self.sf + self.su > 0
    }

    /// The denominator when every row of unknown scope that fails (or may
    /// fail) is in scope: what a pessimistic shortfall counts against.
    /// `None` when no such row changes it.
    pub fn worst_denominator(&self) -> Option<u64> {
        (self.sf + self.su > 0).then_some(self.t + self.f + self.u + self.sf + self.su)
    }

    /// Adds the counts of another accumulator (another period of the same group).
    pub fn merge(&mut self, other: &Share) {
        self.t += other.t;
        self.f += other.f;
        self.u += other.u;
        self.st += other.st;
        self.sf += other.sf;
        self.su += other.su;
    }

    pub fn finish(&self) -> Measured {
        let n = self.t + self.f + self.u;
        // Fewest qualifying: unknown conditions false; scope-unknown rows that
        // fail (or may fail) included, those that meet it excluded. Over the
        // fillings that leave something to measure: when only rows that meet
        // it may be in scope, every such filling measures 100%.
        let min_den = n + self.sf + self.su;
        let min = if min_den == 0 && self.st > 0 {
            Rational::one()
        } else if min_den == 0 {
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
    fn a_met_row_of_unknown_scope_measures_full() {
        // A society whose rating is unreadable but which is linked up and down:
        // in scope it meets the target, out of scope there is nothing to measure.
        let mut s = Share::default();
        s.add(Truth::Unknown, Truth::True);
        let m = s.finish();
        assert_eq!((m.min.clone(), m.max.clone()), (r(1, 1), Some(r(1, 1))));
        assert!(s.may_be_empty() && !m.empty);
        let mut failing = Share::default();
        failing.add(Truth::Unknown, Truth::False);
        let m = failing.finish();
        assert_eq!((m.min.clone(), m.max.clone()), (r(0, 1), Some(r(1, 1))));
        let mut certain = Share::default();
        certain.add(Truth::True, Truth::False);
        certain.add(Truth::Unknown, Truth::True);
        assert!(!certain.may_be_empty());
        assert_eq!(failing.worst_denominator(), Some(1));
        assert_eq!(s.worst_denominator(), None);
        certain.merge(&s);
        assert_eq!(certain.finish().unknown, 2);
    }

    #[test]
    fn nothing_in_scope_is_empty() {
        let mut s = Share::default();
        s.add(Truth::False, Truth::True);
        assert!(s.finish().empty);
    }
}
