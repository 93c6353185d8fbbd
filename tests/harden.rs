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

#[test]
fn ids_typed_anywhere_and_terminal_controls_never_reach_any_report() {
    // #14.18, #14.19: an ID number as a society's name and as a unit type,
    // ESC/BEL/backspace/U+202E in names, in every format.
    let dir = tempfile::tempdir().unwrap();
    let id = fake_id("19800512", 1);
    let council = write(
        &dir,
        "society_council.csv",
        &format!(
            "学会名称,姓名,出生日期,是否基层一线\n泰州市{id}学会,张三\u{1b}[2J,1980-01-01,是\n\
             甲\u{202e}会,李\u{8}四,1980-01-01,\u{7}\n"
        ),
    );
    let delegates = write(
        &dir,
        "delegates.csv",
        &format!("姓名,出生日期,单位类型\n王\u{1b}]0;x\u{7}五,1980-01-01,{id}\n"),
    );
    let raw_id = |text: &str| text.contains(&id) || text.contains(&id[..15]);
    let controls = |text: &str| {
        text.chars()
            .any(|c| matches!(c, '\u{1b}' | '\u{7}' | '\u{8}' | '\u{202e}'))
    };
    let outputs: Vec<String> = ["r.html", "r.md", "r.csv", "r.json"]
        .iter()
        .map(|n| dir.path().join(n).display().to_string())
        .collect();
    let mut args = vec![
        "check",
        &council,
        &delegates,
        "--as-of",
        "2026-01-01",
        "--explain",
        "society_council.frontline",
        "--explain",
        "delegates.frontline",
    ];
    for o in &outputs {
        args.extend(["-o", o.as_str()]);
    }
    let (code, table, err) = run(&args);
    assert_eq!(code, 1, "{err}");
    let mut texts = vec![table.clone(), err];
    for o in &outputs {
        texts.push(std::fs::read_to_string(o).unwrap());
    }
    for (i, t) in texts.iter().enumerate() {
        assert!(!raw_id(t), "output {i} leaks the ID: {t}");
        assert!(!controls(t), "output {i} has a raw control: {t:?}");
    }
    // What is printed instead.
    let masked = format!("泰州市{}**********{}学会", &id[..4], &id[14..]);
    assert!(table.contains(&masked), "{table}");
    assert!(table.contains("甲\\u{202e}会"), "{table}");
    assert!(table.contains("王\\u{1b}]0;x\\u{7}五"), "{table}");
    let json: Value = serde_json::from_str(&texts[5]).unwrap();
    let unit = issues(&json)
        .into_iter()
        .find(|i| i.1 == "是否基层一线" && i.0 == 2 && i.3.contains("单位类型"))
        .unwrap_or_else(|| panic!("{json}"));
    assert!(
        unit.3
            .contains(&format!("{}**********{}", &id[..4], &id[14..])),
        "{unit:?}"
    );
}
