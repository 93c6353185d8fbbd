//! Body of the `unique_sets` fuzz target, also run on stable Rust by
//! `tests/fuzz_bodies.rs`: a delegates roster built from the bytes — names,
//! birth dates and ID numbers repeated, empty or malformed — is checked
//! against both of the pack's `unique` sets (#14.1 panicked on an early row
//! whose ID was empty). Never a panic; returns the JSON report of `check`.

use clap::Parser;
use reformcheck::{cli::Cli, run as check, Env};

/// Three bytes a row: name, birth date, ID number.
pub fn roster(data: &[u8]) -> String {
    let mut csv = String::from("姓名,出生日期,身份证号,单位类型\r\n");
    for row in data.chunks(3) {
        let name = format!("张{}", row[0] % 8);
        let date = match row.get(1).map(|b| b % 8) {
            None | Some(0) => String::new(),
            Some(7) => "1980.1".to_string(),
            Some(d) => format!("198{d}-0{d}-1{d}"),
        };
        let id = match row.get(2).map(|b| (b % 8, b / 8)) {
            None | Some((0, _)) => String::new(),
            Some((1, _)) => "321200800512001号".to_string(),
            Some((2, s)) => format!("32120019800512{s:03}"),
            Some((3, _)) => "3.21200198005E+17".to_string(),
            Some((_, s)) => {
                let first17 = format!("32120019800512{s:03}");
                let check = reformcheck::input::id::check_digit(&first17).unwrap_or('0');
                format!("{first17}{check}")
            }
        };
        csv += &format!("{name},{date},{id},企业\r\n");
    }
    csv
}

pub fn run(data: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().ok()?;
    let path = dir.path().join("delegates.csv");
    std::fs::write(&path, roster(data)).ok()?;
    let env = Env {
        today: chrono::NaiveDate::from_ymd_opt(2026, 1, 1)?,
        color: false,
        progress: false,
        help: reformcheck::Lang::Zh,
        terminal: false,
        width: None,
    };
    let mut out = Vec::new();
    for cmd in ["validate", "check"] {
        let args = ["reformcheck", cmd, path.to_str()?, "--format", "json"];
        let cli = Cli::try_parse_from(args).ok()?;
        out.clear();
        let _ = check(cli, env, &mut out);
    }
    String::from_utf8(out).ok()
}
