//! The bodies of the `id_cells` and `unique_sets` fuzz targets
//! (fuzz/bodies/), run on stable Rust: on the inputs that found #14.1 and
//! #14.2, and on random ones through proptest. `cargo fuzz` (nightly) runs
//! the same bodies with coverage guidance.

#[path = "../fuzz/bodies/id_cells.rs"]
mod id_cells;
#[path = "../fuzz/bodies/unique_sets.rs"]
mod unique_sets;

use proptest::prelude::*;
use std::collections::HashMap;

#[test]
fn id_cells_that_panicked_or_leaked() {
    for text in [
        "321200800512001号",
        "32120019800512001号",
        "３２１２００１９８００５１２００１３",
        "\u{1b}[31m321200198005120013\u{7}",
        "11010519491231002x",
        "甲\u{202e}乙",
        "",
        "号号号号号号",
    ] {
        id_cells::run(text);
    }
}

/// Every row whose valid ID number appeared on an earlier row has a
/// duplicate issue naming the first such row.
fn assert_id_repeats_found(data: &[u8]) {
    let json = unique_sets::run(data).expect("a report");
    if data.is_empty() {
        // No rows: an error (exit 2) and no report.
        assert_eq!(json, "");
        return;
    }
    let report: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let issues: Vec<(u64, String)> = report["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["line"].as_u64().unwrap(),
                i["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut first: HashMap<u8, u64> = HashMap::new();
    for (k, row) in data.chunks(3).enumerate() {
        let line = k as u64 + 2;
        let Some(&b) = row.get(2) else { continue };
        if b % 8 < 4 {
            continue;
        }
        match first.get(&(b / 8)) {
            None => {
                first.insert(b / 8, line);
            }
            Some(&f) => {
                let want = format!("与第 {f} 行");
                assert!(
                    issues.iter().any(|(l, m)| *l == line && m.contains(&want)),
                    "line {line} repeats line {f}: {issues:?}"
                );
            }
        }
    }
}

#[test]
fn unique_sets_with_an_early_unknown_key() {
    // #14.1: the first row has a birth date but no ID number (one key);
    // the rows after it have an ID number and a birth date taken from it
    // (two keys each), and the last 12 repeat earlier ID numbers.
    let mut data = vec![1, 1, 0];
    for i in 0..40u8 {
        data.extend([i, 0, 4 + 8 * (i % 30)]);
    }
    data.extend([3, 0, 4 + 8 * 3, 9, 0, 4 + 8 * 29]);
    assert_id_repeats_found(&data);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn id_cells_never_panic_nor_leak(
        text in any::<String>(),
        digits in "[0-9]{14,18}[0-9xX号年]?",
        wide in "[0-9０-９]{14,20}[xX号]?",
    ) {
        id_cells::run(&text);
        id_cells::run(&digits);
        id_cells::run(&wide);
        id_cells::run(&format!("{text}{wide}{text}"));
    }

}

proptest! {
    // A whole check and validate per case.
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn unique_sets_never_panic_and_find_id_repeats(data in proptest::collection::vec(any::<u8>(), 0..400)) {
        assert_id_repeats_found(&data);
    }
}
