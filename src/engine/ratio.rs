//! Ratio of two column sums (coverage, per-capita funding, growth).

use crate::input::value::Value;
use crate::num::Rational;
use crate::report::{Kind, Measured};
use num_traits::Zero;

/// Known sums and counts of unknown cells. Values are ≥ 0 (the reader rejects
/// negatives), so an unknown numerator can only raise the ratio and an
/// unknown denominator only lower it.
#[derive(Clone, Debug)]
pub struct Ratio {
    integral: bool,
    num: Rational,
    den: Rational,
    num_unknown: u64,
    den_unknown: u64,
    rows: u64,
}

impl Ratio {
    pub fn new(integral: bool) -> Ratio {
        Ratio {
            integral,
            num: Rational::zero(),
            den: Rational::zero(),
            num_unknown: 0,
            den_unknown: 0,
            rows: 0,
        }
    }

    /// Sums and counts computed elsewhere (a warehouse).
    pub fn from_sums(
        integral: bool,
        (num, den): (Rational, Rational),
        (num_unknown, den_unknown): (u64, u64),
        rows: u64,
    ) -> Ratio {
        Ratio {
            integral,
            num,
            den,
            num_unknown,
            den_unknown,
            rows,
        }
    }

    /// Adds a row; `certain` is false when the row may be out of scope, which
    /// makes both its cells count as unknown.
    pub fn add(&mut self, certain: bool, num: &Option<Value>, den: &Option<Value>) {
        self.rows += 1;
        match (certain, num) {
            (true, Some(Value::Num(n))) => self.num += n,
            _ => self.num_unknown += 1,
        }
        match (certain, den) {
            (true, Some(Value::Num(d))) => self.den += d,
            _ => self.den_unknown += 1,
        }
    }

    /// Adds the sums and counts of the same group's rows in a later part
    /// of the file.
    pub fn absorb(&mut self, later: &Ratio) {
        self.num += &later.num;
        self.den += &later.den;
        self.num_unknown += later.num_unknown;
        self.den_unknown += later.den_unknown;
        self.rows += later.rows;
    }

    pub fn finish(&self) -> Measured {
        let den_zero = self.den.is_zero();
        let min = if self.den_unknown > 0 || den_zero {
            Rational::zero()
        } else {
            &self.num / &self.den
        };
        let max = if self.num_unknown > 0 || den_zero {
            None
        } else {
            Some(&self.num / &self.den)
        };
        Measured {
            kind: Kind::Ratio {
                integral: self.integral,
            },
            numerator: self.num.clone(),
            denominator: self.den.clone(),
            unknown: self.num_unknown.max(self.den_unknown),
            min,
            max,
            empty: self.rows == 0 || (den_zero && self.den_unknown == 0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::num::int;

    fn v(n: i64) -> Option<Value> {
        Some(Value::Num(int(n)))
    }

    #[test]
    fn sums_pool_exactly() {
        let mut r = Ratio::new(true);
        r.add(true, &v(10), &v(12));
        r.add(true, &v(5), &v(8));
        let m = r.finish();
        assert_eq!((m.numerator, m.denominator), (int(15), int(20)));
        assert_eq!(m.max, Some(Rational::new(3.into(), 4.into())));
    }

    #[test]
    fn unknown_numerator_is_unbounded_above() {
        let mut r = Ratio::new(true);
        r.add(true, &v(10), &v(12));
        r.add(true, &None, &v(8));
        let m = r.finish();
        assert_eq!(m.min, Rational::new(1.into(), 2.into()));
        assert_eq!(m.max, None);
        assert_eq!(m.unknown, 1);
    }

    #[test]
    fn zero_denominator_is_empty() {
        let mut r = Ratio::new(true);
        r.add(true, &v(0), &v(0));
        assert!(r.finish().empty);
    }
}
