//! Hardening of CSV reading (issues #14 and #10): panics, line numbers,
//! quotes, shifted rows, cell caps, masking and escaping. Each test failed on
//! the code before its fix.

mod common;

use common::*;
use serde_json::Value;

/// `check ARGS --as-of 2026-01-01 --format json`: (exit code, report, stderr).
fn check(args: &[&str]) -> (i32, Value, String) {
    let mut all = vec!["check"];
    all.extend(args);
    all.extend(["--as-of", "2026-01-01", "--format", "json"]);
    let (code, out, err) = run(&all);
    let json = serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {err}"));
    (code, json, err)
}

/// (line, column, value, message) of every issue.
fn issues(json: &Value) -> Vec<(u64, String, String, String)> {
    json["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let s = |k: &str| i[k].as_str().unwrap().to_string();
            (
                i["line"].as_u64().unwrap(),
                s("column"),
                s("value"),
                s("message"),
            )
        })
        .collect()
}

/// A fake 18-digit number: area 321200 (given to no one), check digit right.
fn fake_id(birth: &str, seq: u32) -> String {
    let first17 = format!("321200{birth}{seq:03}");
    let check = reformcheck::input::id::check_digit(&first17).unwrap();
    format!("{first17}{check}")
}

#[test]
fn two_unique_sets_and_an_early_empty_id_do_not_panic() {
    // #14.1: 40 delegates, the first without an ID number, the last a repeat.
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("姓名,出生日期,身份证号,单位类型\n张0,1980-01-01,,企业\n");
    for i in 1..40 {
        text += &format!("张{i},1980-01-01,{},企业\n", fake_id("19800101", i));
    }
    text += &format!("张1,1980-01-01,{},企业\n", fake_id("19800101", 1));
    let path = write(&dir, "delegates.csv", &text);
    for cmd in ["check", "validate"] {
        let (code, out, err) = run(&[cmd, &path, "--as-of", "2026-01-01", "--format", "json"]);
        assert_ne!(code, 101, "{cmd} panicked: {err}");
        assert!(!err.contains("panicked"), "{err}");
        if cmd == "check" {
            let json: Value = serde_json::from_str(&out).unwrap();
            let dups: Vec<_> = issues(&json)
                .into_iter()
                .filter(|i| i.3.contains("与第 3 行"))
                .map(|i| i.0)
                .collect();
            // Line 42 repeats line 3 in both sets: one pair.
            assert_eq!(dups, [42], "{json}");
        }
    }
}

#[test]
fn an_id_cell_with_a_character_after_15_digits_is_an_issue_not_a_panic() {
    // #14.2: 18 bytes, 16 characters: the ID reader sliced inside `号`.
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        &dir,
        "delegates.csv",
        "姓名,身份证号,单位类型\n张三,321200800512001号,企业\n",
    );
    let (code, json, err) = check(&[&path]);
    // Age unknown without a birth date: the youth rule is indeterminate.
    assert_eq!(code, 1, "{err}");
    let found = issues(&json);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0, found[0].1.as_str()), (2, "身份证号"));
    assert!(!json.to_string().contains("321200800512001"), "{json}");
    assert!(!err.contains("321200800512001"), "{err}");
}
