//! The adversarial input corpus (tests/fixtures/adversarial/ plus files too
//! large to commit, written here): every case ends in exit 2 with a message
//! that names the file, or in a report whose issues say what is wrong —
//! never a panic, never a silently wrong pass.

mod common;

use common::*;
use predicates::prelude::*;
use serde_json::Value;

const DIR: &str = "tests/fixtures/adversarial";

/// `check DATASET=FILE --format json`: (exit code, report).
fn check(binding: &str) -> (i32, Value) {
    let out = reformcheck()
        .args([
            "check",
            binding,
            "--as-of",
            "2026-01-01",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        out.status.code().unwrap(),
        serde_json::from_slice(&out.stdout).unwrap(),
    )
}

/// (line, column, value) of every issue.
fn issues(json: &Value) -> Vec<(u64, String, String)> {
    json["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["line"].as_u64().unwrap(),
                i["column"].as_str().unwrap().to_string(),
                i["value"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn empty_file() {
    reformcheck()
        .args([
            "check",
            "--lang",
            "en",
            &format!("delegates={DIR}/empty.csv"),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("empty.csv: the file is empty"));
}

#[test]
fn header_only_is_an_empty_dataset() {
    reformcheck()
        .args(["check", &format!("delegates={DIR}/header-only.csv")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("header-only.csv：没有数据行"));
}

#[test]
fn ragged_rows_lose_nothing_silently() {
    let (code, json) = check(&format!("delegates={DIR}/ragged.csv"));
    assert_eq!(
        issues(&json),
        [
            (2, "是否基层一线".into(), "".into()),
            (3, "第 4 列起".into(), "".into()),
            (4, "出生日期".into(), "".into()),
            (4, "是否基层一线".into(), "".into()),
        ]
    );
    assert!(json["issues"][1]["message"]
        .as_str()
        .unwrap()
        .contains("多出 2 个"));
    // 赵六 (高校) is front-line; 张三 and 王五 unknown, and 李四 too: his
    // row has more cells than headers, so none of them is trusted (#10.6).
    let r = result(&json, "delegates.frontline", None);
    assert_eq!(
        (
            r["numerator"].as_u64(),
            r["denominator"].as_u64(),
            r["unknown"].as_u64()
        ),
        (Some(1), Some(4), Some(3))
    );
    assert_eq!(r["status"], "indeterminate");
    assert_eq!(code, 1);
}

#[test]
fn nul_bytes_are_just_unreadable_cells() {
    let (_, json) = check(&format!("committee={DIR}/nul.csv"));
    // Shown escaped, like every control character (#14.19).
    assert_eq!(issues(&json), [(3, "是否基层一线".into(), "\\u{0}".into())]);
    let r = result(&json, "committee.frontline", None);
    assert_eq!(
        (
            r["status"].as_str(),
            r["numerator"].as_u64(),
            r["unknown"].as_u64()
        ),
        (Some("indeterminate"), Some(1), Some(1))
    );
}

#[test]
fn a_20_mb_cell_is_cut_at_the_cap_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("society_delegates.csv");
    let huge = "是".repeat(7_000_000); // 21 MB of UTF-8
    std::fs::write(
        &path,
        format!("学会名称,姓名,是否基层一线\n甲学会,张三,{huge}\n甲学会,李四,是\n"),
    )
    .unwrap();
    let out = reformcheck()
        .args(["check", path.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    // The report itself is about 30 kB (every rule's reading is in it).
    assert!(
        out.stdout.len() < 60_000,
        "the report repeats the huge cell"
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    // Only the start is kept (#14.6); the issue says how long it was.
    let issue = &json["issues"][0];
    let value = issue["value"].as_str().unwrap();
    assert_eq!(value, format!("{}…", "是".repeat(79)));
    assert_eq!(
        (issue["line"].as_u64(), issue["column"].as_str()),
        (Some(2), Some("是否基层一线"))
    );
    let message = issue["message"].as_str().unwrap();
    assert!(
        message.starts_with("单元格过长（21000000 字节"),
        "{message}"
    );
    let r = result(&json, "society_delegates.frontline", Some("甲学会"));
    assert_eq!(
        (r["status"].as_str(), r["unknown"].as_u64()),
        (Some("indeterminate"), Some(1))
    );
}

#[test]
fn a_bad_byte_past_the_checked_start_stops_the_read_at_its_line() {
    // Detection checks the first megabyte; the rest is checked record by
    // record while it is read, so a bad byte further down still stops the
    // check, naming its line and column.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("delegates.csv");
    let mut body = String::from("姓名,是否基层一线\n");
    for i in 0..100_000 {
        body.push_str(&format!("代表{i},是\n"));
    }
    let mut bytes = body.into_bytes();
    assert!(bytes.len() > 1 << 20);
    bytes.extend_from_slice(b"\xd5\xc5\xc8\xfd,\xca\xc7\n");
    std::fs::write(&path, bytes).unwrap();
    reformcheck()
        .args(["check", path.to_str().unwrap(), "--lang", "en"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "delegates.csv: line 100002, column 1: not valid UTF-8 text",
        ))
        .stderr(predicate::str::contains("--encoding gb18030"));
}

#[test]
fn bytes_invalid_in_utf8_and_gb18030() {
    reformcheck()
        .args([
            "check",
            &format!("society_council={DIR}/bad-bytes.csv"),
            "--lang",
            "en",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad-bytes.csv: neither UTF-8 nor GB18030",
        ))
        .stderr(predicate::str::contains("byte offset 15 (line 2)"));
}

#[test]
fn yaml_alias_bomb_and_deep_nesting_hit_the_budget() {
    reformcheck()
        .args(["rules", "--rules", &format!("{DIR}/alias-bomb.yaml")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("alias-bomb.yaml"))
        .stderr(predicate::str::contains("budget breached"));
    reformcheck()
        .args(["rules", "--rules", &format!("{DIR}/deep.yaml")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("deep.yaml"))
        .stderr(predicate::str::contains("budget breached: Depth"));
}

#[test]
fn forty_digit_numbers_stay_exact() {
    let binding = format!("districts={DIR}/forty-digits.csv");
    let out = reformcheck()
        .args(["check", &binding, "--format", "json"])
        .output()
        .unwrap();
    // Written with every digit (the raw text: a JSON parser would round to f64).
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(r#""numerator": 3703703670370370367037037036703703703670.5,"#),
        "{text}"
    );
    assert!(
        text.contains(r#""denominator": 1234567890123456789012345678901234567890,"#),
        "{text}"
    );
    // 3×N + 0.5 yuan for N people is just above 3 yuan each.
    let (_, json) = check(&binding);
    assert_eq!(
        result(&json, "districts.popsci_funding", Some("甲区"))["status"],
        "pass"
    );
}

#[test]
fn negative_counts_are_issues() {
    let (_, json) = check(&format!("districts={DIR}/negative.csv"));
    assert_eq!(
        issues(&json),
        [(2, "已建科协组织的乡镇（街道）数".into(), "-3".into())]
    );
    assert!(json["issues"][0]["message"]
        .as_str()
        .unwrap()
        .contains("不能为负数"));
    let r = result(&json, "districts.township_coverage", Some("甲区"));
    assert_eq!(
        (r["status"].as_str(), r["unknown"].as_u64()),
        (Some("indeterminate"), Some(1))
    );
}

#[test]
fn a_numerator_above_its_denominator_is_an_issue_not_a_pass() {
    let (code, json) = check(&format!("districts={DIR}/over.csv"));
    assert_eq!(
        issues(&json),
        [(2, "已建科协组织的乡镇（街道）数".into(), "12".into())]
    );
    assert!(json["issues"][0]["message"]
        .as_str()
        .unwrap()
        .contains("大于“乡镇（街道）数”（10）"));
    let r = result(&json, "districts.township_coverage", Some("甲区"));
    assert_eq!(
        (r["status"].as_str(), r["unknown"].as_u64()),
        (Some("indeterminate"), Some(1))
    );
    assert_eq!(
        result(&json, "districts.township_coverage", Some("乙区"))["status"],
        "pass"
    );
    assert_eq!(code, 1);
}

#[test]
fn a_scope_with_nobody_in_it_is_not_applicable() {
    let (code, json) = check(&format!("committee={DIR}/no-standing.csv"));
    let r = result(&json, "committee.standing_frontline", None);
    assert_eq!(r["status"], "not_applicable");
    assert_eq!(r["reason"]["code"], "nothing_to_measure");
    assert_eq!(r["numerator"], Value::Null);
    assert_eq!(result(&json, "committee.frontline", None)["status"], "fail");
    assert_eq!(code, 1);
}
