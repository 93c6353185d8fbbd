use super::sql::{birth_interval, yyyymmdd};
use super::*;
use crate::target::Target;
use chrono::NaiveDate;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn age_targets_become_birth_date_intervals() {
    let on = day(2026, 5, 12);
    // 45 or younger: the 46th birthday itself is still 45 (法释〔2006〕1号).
    let t = Target::parse("45岁以下").unwrap();
    assert_eq!(birth_interval(&t, on), Some((19_800_512, 99_991_231)));
    // Older than 45: born on or before 1980-05-11.
    let t = Target::parse("> 45").unwrap();
    assert_eq!(birth_interval(&t, on), Some((10_000_101, 19_800_511)));
    // Exactly 45: on the 45th birthday (1981-05-12) one is still 44.
    let t = Target::parse("= 45").unwrap();
    assert_eq!(birth_interval(&t, on), Some((19_800_512, 19_810_511)));
}

#[test]
fn a_29_february_birthday_falls_on_28_february() {
    // 2004-02-29 turns 18 on 2022-03-01 (the day after 2022-02-28).
    let t = Target::parse(">= 18").unwrap();
    assert_eq!(
        birth_interval(&t, day(2022, 3, 1)).map(|x| x.1),
        Some(20_040_229)
    );
    assert_eq!(
        birth_interval(&t, day(2022, 2, 28)).map(|x| x.1),
        Some(20_040_227)
    );
}

#[test]
fn dates_as_integers() {
    assert_eq!(yyyymmdd(day(1975, 3, 1)), 19_750_301);
}

#[test]
fn literals_and_identifiers_are_quoted_per_dialect() {
    assert_eq!(Dialect::Postgres.string("a'b\\c"), "'a''b\\c'");
    assert_eq!(Dialect::Spark.string("a'b\\c"), "'a\\'b\\\\c'");
    assert_eq!(
        Dialect::Postgres.table("kx.delegates"),
        "\"kx\".\"delegates\""
    );
    assert_eq!(Dialect::Spark.table("kx.delegates"), "`kx`.`delegates`");
}

#[test]
fn table_bindings() {
    let pack = Pack::embedded().unwrap();
    let t = Tables::parse(&pack, &["delegates=kx.dele".into()]).unwrap();
    assert!(t.explicit);
    assert_eq!(
        t.tables,
        vec![(pack.dataset("delegates").unwrap(), "kx.dele".into())]
    );
    assert!(Tables::parse(&pack, &["nosuch=t".into()]).is_err());
    assert!(Tables::parse(&pack, &["delegates".into()]).is_err());
    assert!(Tables::parse(&pack, &["delegates=a b".into()]).is_err());
    let all = Tables::parse(&pack, &[]).unwrap();
    assert!(!all.explicit);
    assert_eq!(all.tables.len(), 7);
}

#[test]
fn one_select_per_rule_group_and_pooled_total() {
    let pack = Pack::embedded().unwrap();
    let tables = Tables::parse(&pack, &[]).unwrap();
    let q = query(&pack, &tables, day(2025, 6, 30), Dialect::Postgres);
    let selects = q.matches("\nUNION ALL\n").count() + 1;
    let rules = pack.rules.len();
    let pooled = pack
        .rules
        .iter()
        .filter(|r| r.group_by.is_some() && r.total)
        .count();
    // One per rule, one more per pooled total, one row count per dataset.
    assert_eq!(selects, rules + pooled + tables.tables.len());
    // Sums never go through floating point.
    for float in ["FLOAT", "DOUBLE", "REAL"] {
        assert!(!q.to_uppercase().contains(float), "{float}");
    }
    let spark = query(&pack, &tables, day(2025, 6, 30), Dialect::Spark);
    assert!(spark.contains("DECIMAL(28,6)") && !spark.contains("NUMERIC"));
}

#[test]
fn exact_decimals_as_databases_print_them() {
    use super::aggregates::parse_exact;
    use crate::num::Rational;
    let r = |a: i64, b: i64| Rational::new(a.into(), b.into());
    assert_eq!(parse_exact("2676431.20"), Some(r(267643120, 100)));
    assert_eq!(parse_exact("0E-8"), Some(r(0, 1)));
    assert_eq!(parse_exact("1.5E+3"), Some(r(1500, 1)));
    assert_eq!(parse_exact("x"), None);
}
