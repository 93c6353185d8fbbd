//! A whole `check` on an arbitrary file bound to a dataset of the embedded
//! pack, rendered in every format: errors or a report, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reformcheck::{cli::Cli, run, Env};
use clap::Parser;

const DATASETS: [&str; 6] = [
    "delegates",
    "committee",
    "society_delegates",
    "society_council",
    "societies",
    "districts",
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else { return };
    let Ok(dir) = tempfile::tempdir() else { return };
    let name = DATASETS[selector as usize % DATASETS.len()];
    let path = dir.path().join(format!("{name}.csv"));
    if std::fs::write(&path, body).is_err() {
        return;
    }
    let env = Env {
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or_default(),
        color: false,
        progress: false,
        help: reformcheck::Lang::Zh,
        terminal: false,
        width: None,
    };
    for format in ["table", "json"] {
        let args = ["reformcheck", "check", path.to_str().unwrap_or(""), "--format", format];
        if let Ok(cli) = Cli::try_parse_from(args) {
            let _ = run(cli, env, &mut std::io::sink());
        }
    }
});
