//! Property tests on the public building blocks: 周岁 ages against a
//! day-by-day count, and exact comparison against big-integer
//! cross-multiplication.

use chrono::{Datelike, Duration, NaiveDate};
use num_bigint::BigInt;
use num_rational::BigRational;
use proptest::prelude::*;
use reformcheck::date::age_on;
use reformcheck::target::{Op, Target, Verdict};

/// Ages by walking day by day: one more year the day after each birthday
/// (a 29 February birthday is on 28 February in common years).
fn brute_age(birth: NaiveDate, on: NaiveDate) -> i64 {
    let mut age = 0;
    let mut day = birth;
    while day < on {
        day += Duration::days(1);
        let prev = day - Duration::days(1);
        let anniversary = if birth.month() == 2 && birth.day() == 29 {
            let leap = NaiveDate::from_ymd_opt(prev.year(), 2, 29).is_some();
            (prev.month(), prev.day()) == (2, if leap { 29 } else { 28 })
        } else {
            (prev.month(), prev.day()) == (birth.month(), birth.day())
        };
        if anniversary && prev != birth {
            age += 1;
        }
    }
    age
}

fn date_in(from: i32, to: i32) -> impl Strategy<Value = NaiveDate> {
    let start = NaiveDate::from_ymd_opt(from, 1, 1).unwrap();
    let days = (NaiveDate::from_ymd_opt(to, 12, 31).unwrap() - start).num_days();
    (0..=days).prop_map(move |d| start + Duration::days(d))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn age_matches_a_day_by_day_count(birth in date_in(1940, 2010), span in 0i64..(90 * 366)) {
        let on = birth + Duration::days(span);
        prop_assert_eq!(age_on(birth, on), brute_age(birth, on), "born {} on {}", birth, on);
    }

    #[test]
    fn leap_day_births_match_too(year in 1940i32..2010, span in 0i64..(60 * 366)) {
        // Leap years only: 29 February exists.
        let year = year - year.rem_euclid(4);
        prop_assume!(NaiveDate::from_ymd_opt(year, 2, 29).is_some());
        let birth = NaiveDate::from_ymd_opt(year, 2, 29).unwrap();
        let on = birth + Duration::days(span);
        prop_assert_eq!(age_on(birth, on), brute_age(birth, on), "born {} on {}", birth, on);
    }

    #[test]
    fn exact_comparison_agrees_with_cross_multiplication(
        a in any::<i128>(), b in 1i128..i128::MAX, c in any::<i128>(), d in 1i128..i128::MAX,
        op in prop::sample::select(vec![">=", ">", "<=", "<", "="]),
    ) {
        let target = Target::parse(&format!("{op} {c}/{d}")).unwrap();
        let x = BigRational::new(BigInt::from(a), BigInt::from(b));
        // a/b vs c/d with b, d > 0  ⇔  a·d vs c·b.
        let (lhs, rhs) = (BigInt::from(a) * BigInt::from(d), BigInt::from(c) * BigInt::from(b));
        let expected = match target.op {
            Op::Ge => lhs >= rhs,
            Op::Gt => lhs > rhs,
            Op::Le => lhs <= rhs,
            Op::Lt => lhs < rhs,
            Op::Eq => lhs == rhs,
        };
        prop_assert_eq!(target.holds(&x), expected);
        // A single point is never indeterminate.
        let v = target.verdict(&x, Some(&x));
        prop_assert_eq!(v, if expected { Verdict::Pass } else { Verdict::Fail });
    }
}

#[test]
fn brute_force_agrees_on_known_cases() {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    assert_eq!(brute_age(d(1980, 5, 12), d(2026, 5, 12)), 45);
    assert_eq!(brute_age(d(1980, 5, 12), d(2026, 5, 13)), 46);
    assert_eq!(brute_age(d(1980, 2, 29), d(2025, 2, 28)), 44);
    assert_eq!(brute_age(d(1980, 2, 29), d(2025, 3, 1)), 45);
}
