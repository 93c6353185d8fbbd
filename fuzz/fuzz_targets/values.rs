//! Every cell and target parser on arbitrary text: must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reformcheck::pack::schema::ColumnType;

fuzz_target!(|text: &str| {
    for kind in ColumnType::READABLE.into_iter().chain([ColumnType::IdNumber]) {
        let _ = reformcheck::input::value::parse(kind, text);
    }
    let _ = reformcheck::target::Target::parse(text);
    let _ = reformcheck::num::parse_number(text);
    let _ = reformcheck::date::parse_date(text);
    let _ = reformcheck::date::parse_due(text, chrono::NaiveDate::from_ymd_opt(2017, 3, 24));
});
