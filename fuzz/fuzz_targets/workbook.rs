//! Workbook bytes (`.xlsx` zip or `.xls` compound file, or anything named
//! so): read by content, every row and cell visited, never a panic, never
//! memory out of proportion to the input (libFuzzer's -rss_limit_mb).
#![no_main]

use libfuzzer_sys::fuzz_target;
use reformcheck::input::source::Source;

fuzz_target!(|data: &[u8]| {
    // Text is read as CSV (the `check` target's ground); a zip or a
    // compound file is named for what it is, so no notice is printed.
    let name = match data {
        [b'P', b'K', ..] => "book.xlsx",
        [0xD0, 0xCF, 0x11, 0xE0, ..] => "book.xls",
        _ => return,
    };
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join(name);
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let Ok(mut source) = Source::open(&path, None, None) else {
        return;
    };
    let mut header = true;
    while let Ok(true) = source.advance(name) {
        let _ = source.line();
        let _ = source.is_blank();
        for i in 0..source.width().min(64) {
            let _ = source.cell(i);
        }
        if header {
            source.mark_header();
            header = false;
        }
    }
});
