//! Body of the `id_cells` fuzz target, also run on stable Rust by
//! `tests/fuzz_bodies.rs`: any text typed into an ID column is read without
//! a panic (#14.2 sliced `321200800512001号` at byte 17), and what may be
//! printed of it holds no run of 15 digits and no terminal control.

use reformcheck::input::{id, value};
use reformcheck::pack::schema::ColumnType;

pub fn run(text: &str) {
    if let Ok(n) = id::parse(text) {
        assert_eq!(n.normalized.len(), 18);
    }
    let _ = value::parse(ColumnType::IdNumber, text);
    assert_eq!(
        id::mask(text).chars().count(),
        text.trim().chars().count(),
        "masking keeps the length"
    );
    let shown = reformcheck::privacy::shown(text);
    let mut digits = 0;
    for c in shown.chars() {
        if c.is_ascii_digit() || ('０'..='９').contains(&c) {
            digits += 1;
            assert!(digits < 15, "an ID-like run survives in {shown:?}");
        } else {
            digits = 0;
        }
        assert!(!c.is_control(), "a control character survives in {shown:?}");
        assert!(
            !('\u{202a}'..='\u{202e}').contains(&c),
            "a bidi override survives"
        );
    }
    assert_eq!(reformcheck::privacy::shown(&shown), shown, "not idempotent");
}
