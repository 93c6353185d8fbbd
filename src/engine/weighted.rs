//! Weighted rate: Σ(rate × weight) / Σ weight (population-weighted literacy).

use crate::input::value::Value;
use crate::num::Rational;
use crate::report::{Kind, Measured};
use num_traits::{One, Zero};

/// Rates lie in [0, 1] and weights are ≥ 0. Rows with an unknown weight can
/// pull the pooled rate anywhere towards their own rate, so only the lowest
/// and highest such rate matter.
#[derive(Clone, Debug, Default)]
pub struct Weighted {
    /// Σ rate × weight over rows with both known.
    sum: Rational,
    /// Σ weight over rows with both known.
    weight: Rational,
    /// Σ weight over rows whose rate is unknown.
    weight_rate_unknown: Rational,
    /// Lowest / highest possible rate among rows whose weight is unknown.
    low: Option<Rational>,
    high: Option<Rational>,
    unknown: u64,
    rows: u64,
}

impl Weighted {
    /// Sums computed elsewhere (a warehouse): Σ rate × weight and Σ weight
    /// over rows with both known, Σ weight of rows whose rate is unknown, the
    /// lowest and highest possible rate among the other rows, and counts.
    pub fn from_parts(
        (sum, weight, weight_rate_unknown): (Rational, Rational, Rational),
        (low, high): (Option<Rational>, Option<Rational>),
        unknown: u64,
        rows: u64,
    ) -> Weighted {
        Weighted {
            sum,
            weight,
            weight_rate_unknown,
            low,
            high,
            unknown,
            rows,
        }
    }

    pub fn add(&mut self, certain: bool, rate: &Option<Value>, weight: &Option<Value>) {
        self.rows += 1;
        let rate = match rate {
            Some(Value::Num(r)) => Some(r),
            _ => None,
        };
        match (certain, rate, weight) {
            (true, Some(r), Some(Value::Num(w))) => {
                self.sum += r * w;
                self.weight += w;
            }
            (true, None, Some(Value::Num(w))) => {
                self.weight_rate_unknown += w;
                self.unknown += 1;
            }
            _ => {
                let (lo, hi) = match rate {
                    Some(r) => (r.clone(), r.clone()),
                    None => (Rational::zero(), Rational::one()),
                };
                self.low = Some(self.low.take().map_or(lo.clone(), |l| l.min(lo)));
                self.high = Some(self.high.take().map_or(hi.clone(), |h| h.max(hi)));
                self.unknown += 1;
            }
        }
    }

    /// Adds the sums, counts and extreme rates of the same group's rows in
    /// a later part of the file.
    pub fn absorb(&mut self, later: &Weighted) {
        self.sum += &later.sum;
        self.weight += &later.weight;
        self.weight_rate_unknown += &later.weight_rate_unknown;
        let pick = |a: Option<Rational>, b: &Option<Rational>, low: bool| match (a, b) {
            (Some(a), Some(b)) => Some(if (*b < a) == low { b.clone() } else { a }),
            (a, b) => a.or_else(|| b.clone()),
        };
        self.low = pick(self.low.take(), &later.low, true);
        self.high = pick(self.high.take(), &later.high, false);
        self.unknown += later.unknown;
        self.rows += later.rows;
    }

    pub fn finish(&self) -> Measured {
        let base = &self.weight + &self.weight_rate_unknown;
        let (mut min, mut max) = if base.is_zero() {
            (None, None)
        } else {
            (
                Some(&self.sum / &base),
                Some((&self.sum + &self.weight_rate_unknown) / &base),
            )
        };
        if let Some(lo) = &self.low {
            min = Some(min.map_or(lo.clone(), |m| m.min(lo.clone())));
        }
        if let Some(hi) = &self.high {
            max = Some(max.map_or(hi.clone(), |m| m.max(hi.clone())));
        }
        Measured {
            kind: Kind::Weighted,
            numerator: self.sum.clone(),
            denominator: self.weight.clone(),
            unknown: self.unknown,
            empty: min.is_none(),
            min: min.unwrap_or_else(Rational::zero),
            max: Some(max.unwrap_or_else(Rational::one)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::num::{int, parse_number};

    fn rate(s: &str) -> Option<Value> {
        Some(Value::Num(parse_number(s).unwrap()))
    }

    fn w(n: i64) -> Option<Value> {
        Some(Value::Num(int(n)))
    }

    #[test]
    fn population_weighted_exactly() {
        let mut a = Weighted::default();
        a.add(true, &rate("10%"), &w(100));
        a.add(true, &rate("20%"), &w(300));
        let m = a.finish();
        assert_eq!(m.numerator, int(70));
        assert_eq!(m.denominator, int(400));
        assert_eq!(m.min, Rational::new(7.into(), 40.into()));
        assert_eq!(m.max, Some(m.min.clone()));
    }

    #[test]
    fn unknown_rate_spans_zero_to_one_of_its_weight() {
        let mut a = Weighted::default();
        a.add(true, &rate("20%"), &w(100));
        a.add(true, &None, &w(100));
        let m = a.finish();
        assert_eq!(m.min, Rational::new(1.into(), 10.into()));
        assert_eq!(m.max, Some(Rational::new(6.into(), 10.into())));
    }

    #[test]
    fn unknown_weight_pulls_towards_its_rate() {
        let mut a = Weighted::default();
        a.add(true, &rate("20%"), &w(100));
        a.add(true, &rate("10%"), &None);
        let m = a.finish();
        assert_eq!(m.min, Rational::new(1.into(), 10.into()));
        assert_eq!(m.max, Some(Rational::new(2.into(), 10.into())));
    }
}
