//! Property tests: shortfalls are exact, and unknown cells are handled
//! soundly (checked against every way of filling them in).

use super::condition::Truth;
use super::share::Share;
use super::shortfall;
use crate::num::Rational;
use crate::target::{Target, Verdict};
use num_bigint::BigInt;
use num_traits::{One, Zero};
use proptest::prelude::*;

/// Lower-bound targets of every kind: ≥ p/q, > p/q, = 100%.
fn targets() -> impl Strategy<Value = Target> {
    prop_oneof![
        (1u32..100, 1u32..100)
            .prop_map(|(p, q)| (p.min(q), p.max(q)))
            .prop_flat_map(|(p, q)| {
                prop::sample::select(vec![">=", ">"])
                    .prop_map(move |op| Target::parse(&format!("{op} {p}/{q}")).unwrap())
            }),
        Just(Target::all()),
    ]
}

fn share_of(k: u64, n: u64) -> crate::report::Measured {
    let mut s = Share::default();
    for i in 0..n {
        s.add(Truth::True, if i < k { Truth::True } else { Truth::False });
    }
    s.finish()
}

fn holds(t: &Target, k: &BigInt, n: &BigInt) -> bool {
    !n.is_zero() && t.holds(&Rational::new(k.clone(), n.clone()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn shortfall_is_exactly_enough(n in 1u64..400, k_frac in 0.0f64..=1.0, t in targets()) {
        let k = ((n as f64) * k_frac).floor() as u64;
        let m = share_of(k, n);
        let (kb, nb) = (BigInt::from(k), BigInt::from(n));
        let met = holds(&t, &kb, &nb);
        let sf = shortfall::compute(&t, &m);
        prop_assert_eq!(met, sf.is_none(), "k={} n={} t={}", k, n, t);
        let Some(sf) = sf else { return Ok(()) };
        // Replacing x non-qualifying rows by qualifying ones meets it; x − 1 does not.
        match &sf.numerator {
            Some(x) => {
                let x = x.to_integer();
                prop_assert!(x > BigInt::zero() && &kb + &x <= nb);
                prop_assert!(holds(&t, &(&kb + &x), &nb));
                prop_assert!(!holds(&t, &(&kb + &x - 1), &nb));
            }
            None => prop_assert!(!holds(&t, &nb, &nb), "replacing everyone would meet it"),
        }
        // Adding y qualifying rows meets it; y − 1 does not; None only if never.
        match &sf.add {
            Some(y) => {
                prop_assert!(holds(&t, &(&kb + y), &(&nb + y)));
                prop_assert!(*y == BigInt::zero() || !holds(&t, &(&kb + y - 1), &(&nb + y - 1)));
            }
            None => {
                prop_assert!(t.value >= Rational::one(), "only 100% targets cannot be met by adding");
                prop_assert!(!holds(&t, &(&kb + 1000u32), &(&nb + 1000u32)));
            }
        }
    }

    #[test]
    fn unknowns_are_sound_and_indeterminate_is_real(
        rows in prop::collection::vec((0u8..3, 0u8..3), 1..10),
        t in targets(),
    ) {
        let truth = |x: u8| [Truth::True, Truth::False, Truth::Unknown][x as usize];
        // At least one row certainly in scope, so every filling has something to measure.
        let mut rows = rows;
        rows[0].0 = 0;
        let mut s = Share::default();
        for (scope, cond) in &rows {
            s.add(truth(*scope), truth(*cond));
        }
        let m = s.finish();
        let verdict = t.verdict(&m.min, m.max.as_ref());
        // Each unknown is one binary choice; try every filling.
        let unknowns: Vec<(usize, bool)> = rows.iter().enumerate().flat_map(|(i, (sc, c))| {
            let mut v = Vec::new();
            if *sc == 2 { v.push((i, true)); }
            if *c == 2 { v.push((i, false)); }
            v
        }).collect();
        let (mut any_pass, mut any_fail) = (false, false);
        for bits in 0u32..(1 << unknowns.len()) {
            let (mut k, mut n) = (0u64, 0u64);
            for (i, (sc, c)) in rows.iter().enumerate() {
                let pick = |is_scope: bool, v: u8| match v {
                    0 => true,
                    1 => false,
                    _ => {
                        let j = unknowns.iter().position(|u| *u == (i, is_scope)).unwrap_or(0);
                        bits & (1 << j) != 0
                    }
                };
                if *sc == 1 || !pick(true, *sc) { continue; }
                n += 1;
                if pick(false, *c) { k += 1; }
            }
            if holds(&t, &BigInt::from(k), &BigInt::from(n)) { any_pass = true } else { any_fail = true }
        }
        match verdict {
            Verdict::Pass => prop_assert!(!any_fail),
            Verdict::Fail => prop_assert!(!any_pass),
            Verdict::Indeterminate => prop_assert!(any_pass && any_fail),
        }
        let unknown = rows.iter().filter(|(sc, c)| *sc != 1 && (*sc == 2 || *c == 2)).count();
        prop_assert_eq!(m.unknown as usize, unknown);
    }
}
