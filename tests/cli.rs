//! Runs the real binary on fixture files and checks exact statuses, numbers,
//! shortfalls, messages and exit codes.

mod common;

use common::*;
use predicates::prelude::*;
use serde_json::Value;
use std::path::Path;

const FIXTURES: &str = "tests/fixtures";

/// Asserts status, numerator, denominator and shortfall (as JSON text).
fn assert_result(r: &Value, status: &str, num: &str, den: &str, shortfall: &str) {
    assert_eq!(r["status"], status, "{r}");
    assert_eq!(r["numerator"].to_string(), num, "{r}");
    assert_eq!(r["denominator"].to_string(), den, "{r}");
    let expected: Value = serde_json::from_str(shortfall).unwrap();
    assert_eq!(r["shortfall"], expected, "{r}");
}

fn fixture(name: &str) -> String {
    Path::new(FIXTURES).join(name).display().to_string()
}

#[test]
fn exactly_70_percent_and_exactly_one_third_pass() {
    let (code, json) = check_json(&[&fixture("boundary/delegates.csv"), "--as-of", "2026-05-12"]);
    assert_result(
        result(&json, "delegates.frontline", None),
        "pass",
        "21",
        "30",
        "null",
    );
    // 1980-05-12 is on their 46th birthday: still 45, so 10 of 30 are 45 or younger.
    assert_result(
        result(&json, "delegates.youth", None),
        "pass",
        "10",
        "30",
        "null",
    );
    assert_eq!(
        result(&json, "delegates.youth", None)["target"]["value"],
        "1/3"
    );
    assert_eq!(
        result(&json, "delegates.frontline", None)["target"]["value"],
        "7/10"
    );
    // Every other rule is skipped (no file): nothing failed.
    assert_eq!(code, 0);
}

#[test]
fn the_day_after_the_46th_birthday_breaks_one_third() {
    let (code, json) = check_json(&[&fixture("boundary/delegates.csv"), "--as-of", "2026-05-13"]);
    let youth = result(&json, "delegates.youth", None);
    assert_result(youth, "fail", "9", "30", r#"{"numerator":1,"add":2}"#);
    assert_eq!(youth["ratio"].to_string(), "0.3");
    assert_eq!(code, 1);
}

#[test]
fn three_of_five_and_two_of_three_pass() {
    let (_, json) = check_json(&[
        &fixture("boundary/society_council.csv"),
        "--as-of",
        "2026-05-12",
    ]);
    assert_result(
        result(&json, "society_council.frontline", Some("甲学会")),
        "pass",
        "3",
        "5",
        "null",
    );
    assert_result(
        result(&json, "society_council.frontline", Some("乙学会")),
        "fail",
        "1",
        "3",
        r#"{"numerator":1,"add":2}"#,
    );
    assert_result(
        result(&json, "society_council.standing_frontline", Some("甲学会")),
        "pass",
        "2",
        "3",
        "null",
    );
    assert_result(
        result(&json, "society_council.standing_frontline", Some("乙学会")),
        "fail",
        "1",
        "2",
        r#"{"numerator":1,"add":1}"#,
    );
    assert_result(
        result(&json, "society_council.young_middle", Some("甲学会")),
        "fail",
        "1",
        "5",
        r#"{"numerator":1,"add":1}"#,
    );
    assert_result(
        result(&json, "society_council.young_middle", Some("乙学会")),
        "pass",
        "1",
        "3",
        "null",
    );
}

#[test]
fn pooled_per_capita_is_exactly_three_yuan() {
    // 1172161.97 + 1066542.42 + 761295.61 = 3000000.00 for 1000000 people;
    // summed as floats it is 2999999.9999999995, just below 3.
    let float_sum: f64 = 1172161.97 + 1066542.42 + 761295.61;
    assert!(float_sum / 1_000_000.0 < 3.0);
    // The Taizhou pack shows no pooled funding figure (各级 holds each level);
    // a pack that pools it must pool exactly.
    let dir = tempfile::tempdir().unwrap();
    let pack = std::fs::read_to_string("rules/taizhou-2017.yaml").unwrap().replace(
        "    measure: {ratio: {numerator: popsci_funding, denominator: population}}\n    target: 3元以上\n    due: 到2020年\n    unit: {zh: 元, en: yuan|yuan}\n\n  - id: districts.science_literacy",
        "    total: true\n    measure: {ratio: {numerator: popsci_funding, denominator: population}}\n    target: 3元以上\n    due: 到2020年\n    unit: {zh: 元, en: yuan|yuan}\n\n  - id: districts.science_literacy",
    );
    assert!(pack.contains("    total: true\n    measure: {ratio: {numerator: popsci_funding"));
    let rules = write(&dir, "pooled.yaml", &pack);
    let (_, json) = check_json(&[
        &fixture("boundary/districts.csv"),
        "--as-of",
        "2026-11-28",
        "--rules",
        &rules,
    ]);
    let total = result(&json, "districts.popsci_funding", Some("total"));
    assert_result(total, "pass", "3000000", "1000000", "null");
    assert_eq!(total["ratio"].to_string(), "3");
    assert_result(
        result(&json, "districts.popsci_funding", Some("甲区")),
        "fail",
        "1172161.97",
        "412345",
        r#"{"numerator":64873.03,"add":null}"#,
    );
    assert_result(
        result(&json, "districts.popsci_funding", Some("丙区")),
        "fail",
        "761295.61",
        "300000",
        r#"{"numerator":138704.39,"add":null}"#,
    );
    // Exactly 60% passes; the pooled 18/30 is exactly 60% too.
    assert_result(
        result(&json, "districts.hitech_coverage", Some("乙区")),
        "pass",
        "6",
        "10",
        "null",
    );
    assert_result(
        result(&json, "districts.hitech_coverage", Some("total")),
        "pass",
        "18",
        "30",
        "null",
    );
}

#[test]
fn a_district_without_parks_is_not_applicable() {
    let (_, json) = check_json(&[&fixture("boundary/districts.csv"), "--as-of", "2026-11-28"]);
    let r = result(&json, "districts.park_coverage", Some("甲区"));
    assert_eq!(r["status"], "not_applicable");
    assert_eq!(r["reason"]["code"], "zero_denominator");
    assert_eq!(r["shortfall"], Value::Null);
    assert_result(
        result(&json, "districts.park_coverage", Some("丙区")),
        "fail",
        "1",
        "3",
        r#"{"numerator":2,"add":null}"#,
    );
    assert_result(
        result(&json, "districts.park_coverage", Some("total")),
        "fail",
        "3",
        "5",
        r#"{"numerator":2,"add":null}"#,
    );
}

#[test]
fn missing_columns_skip_rules_and_say_which() {
    let (_, json) = check_json(&[&fixture("boundary/districts.csv"), "--as-of", "2026-11-28"]);
    let r = result(&json, "districts.science_literacy", None);
    assert_eq!(r["status"], "skipped");
    assert_eq!(r["reason"]["code"], "missing_column");
    assert!(
        r["reason"]["text"]
            .as_str()
            .unwrap()
            .contains("science_literacy"),
        "{r}"
    );
    let r = result(&json, "delegates.frontline", None);
    assert_eq!(r["status"], "skipped");
    assert_eq!(r["reason"]["code"], "no_input");
}

#[test]
fn dated_statistics_are_due_by_their_year_not_by_as_of() {
    // 2020 statistics end on 2020-12-31, the due date itself: they are due even
    // when checked on 2020-06-30 (issue 11, item 6; before, --as-of made them pending).
    let (code, json) = check_json(&[&fixture("boundary/districts.csv"), "--as-of", "2020-06-30"]);
    let r = result(&json, "districts.hitech_coverage", Some("甲区"));
    assert_result(r, "fail", "5", "10", r#"{"numerator":1,"add":null}"#);
    assert_eq!(r["due"], "2020-12-31");
    assert_eq!(
        result(&json, "districts.popsci_funding", Some("甲区"))["status"],
        "fail"
    );
    assert_eq!(code, 1);
    // The issue's case: 2024 statistics checked "on" 2020-06-30 are due, not pending.
    let (_, json) = check_json(&[
        "examples/taizhou-2017/districts.csv",
        "--year",
        "2024",
        "--as-of",
        "2020-06-30",
    ]);
    assert_eq!(
        result(&json, "districts.above_scale_coverage", Some("兴化市"))["status"],
        "fail"
    );
    assert_eq!(json["summary"]["pending"], 0);
    // 2019 statistics end before the due date: pending, even long after it.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(fixture("boundary/districts.csv")).unwrap();
    let path = write(&dir, "districts.csv", &text.replace(",2020,", ",2019,"));
    let (code, json) = check_json(&[&path, "--as-of", "2026-11-28"]);
    let r = result(&json, "districts.hitech_coverage", Some("甲区"));
    assert_result(r, "pending", "5", "10", r#"{"numerator":1,"add":null}"#);
    assert_eq!(
        result(&json, "districts.popsci_funding", Some("甲区"))["status"],
        "pending"
    );
    // Park coverage has no deadline: it fails, so the exit code is 1.
    assert_eq!(
        result(&json, "districts.park_coverage", Some("丙区"))["status"],
        "fail"
    );
    assert_eq!(code, 1);
}

#[test]
fn undated_rosters_are_due_by_as_of() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        &dir,
        "societies.csv",
        "学会名称,级别,评估等级,上联国家或省级学会,下带县级学会\n甲学会,市级,4A,是,否\n",
    );
    // 3年内 from 2017-03-24: pending on 2020-03-24 itself, failing the day after.
    let (code, json) = check_json(&[&path, "--as-of", "2020-03-24"]);
    let r = result(&json, "societies.upper_lower_link", Some("甲学会"));
    assert_result(r, "pending", "0", "1", r#"{"numerator":1,"add":null}"#);
    assert_eq!(code, 0);
    let (code, json) = check_json(&[&path, "--as-of", "2020-03-25"]);
    assert_eq!(
        result(&json, "societies.upper_lower_link", Some("甲学会"))["status"],
        "fail"
    );
    assert_eq!(code, 1);
}

#[test]
fn all_passing_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("society_delegates.csv");
    std::fs::write(
        &path,
        "学会名称,姓名,是否基层一线\n甲学会,张三,是\n甲学会,李四,是\n甲学会,王五,否\n",
    )
    .unwrap();
    let (code, json) = check_json(&[path.to_str().unwrap(), "--as-of", "2026-01-01"]);
    assert_result(
        result(&json, "society_delegates.frontline", Some("甲学会")),
        "pass",
        "2",
        "3",
        "null",
    );
    assert_eq!(json["summary"]["pass"], 1);
    assert_eq!(json["summary"]["skipped"], 34);
    assert_eq!(code, 0);
}

#[test]
fn examples_match_the_hand_checked_figures() {
    let (code, json) = check_json(&["examples/taizhou-2017", "--as-of", "2026-11-28"]);
    assert_eq!(code, 1);
    let s = &json["summary"];
    assert_eq!(
        [
            &s["pass"],
            &s["fail"],
            &s["indeterminate"],
            &s["pending"],
            &s["skipped"],
            &s["not_applicable"]
        ]
        .map(|v| v.as_u64().unwrap()),
        [145, 56, 4, 0, 1, 4]
    );
    // share
    let r = result(&json, "delegates.frontline", None);
    assert_result(r, "fail", "206", "300", r#"{"numerator":4,"add":14}"#);
    assert_eq!(r["ratio"].to_string(), "0.686667");
    // share with one unknown cell
    let r = result(&json, "committee.frontline", None);
    assert_result(r, "indeterminate", "55", "80", r#"{"numerator":1,"add":4}"#);
    assert_eq!(r["unknown"], 1);
    // distinct
    assert_result(
        result(&json, "committee.vice_chair_fields", None),
        "fail",
        "5",
        "6",
        r#"{"numerator":1,"add":null}"#,
    );
    assert_eq!(
        result(&json, "committee.vice_chair_fields", None)["severity"],
        "warning"
    );
    // ratio of sums; 各级 holds each level: no pooled "全市合计" of the budgets
    assert!(!json["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["rule"] == "districts.popsci_funding" && r["pooled"] == true));
    assert_result(
        result(&json, "districts.popsci_funding", Some("姜堰区")),
        "fail",
        "2029612.35",
        "688000",
        r#"{"numerator":34387.65,"add":null}"#,
    );
    assert_result(
        result(&json, "districts.popsci_funding", Some("高港区")),
        "pass",
        "1200000",
        "400000",
        "null",
    );
    // weighted rate
    let r = result(&json, "districts.science_literacy", Some("total"));
    assert_eq!(r["status"], "pass");
    assert_eq!(r["denominator"].to_string(), "4959000");
    assert_result(
        result(&json, "districts.science_literacy", Some("兴化市")),
        "fail",
        "150834",
        "1093000",
        r#"{"numerator":13116,"add":null}"#,
    );
    // 全市 target: the districts' figures are for reference only, the city's is judged.
    assert_eq!(
        result(&json, "districts.science_literacy", Some("兴化市"))["severity"],
        "info"
    );
    assert_eq!(
        result(&json, "districts.science_literacy", Some("total"))["severity"],
        "error"
    );
    // strict "> 1/2" at exactly one half fails
    assert_result(
        result(
            &json,
            "society_delegates.frontline",
            Some("泰州市机械工程学会"),
        ),
        "fail",
        "12",
        "24",
        r#"{"numerator":1,"add":1}"#,
    );
    assert_eq!(
        result(&json, "districts.park_coverage", Some("海陵区"))["status"],
        "not_applicable"
    );
    // The month-only 1980年11月 birth date is reported, with its line.
    let issue = json["issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["value"] == "1980年11月")
        .expect("issue for the month-only date");
    assert_eq!(issue["line"], 258);
    assert_eq!(issue["column"], "出生日期");
}

#[test]
fn year_selects_a_period_and_an_absent_year_is_an_error() {
    let (_, json) = check_json(&[
        "examples/taizhou-2017/districts.csv",
        "--as-of",
        "2026-11-28",
        "--year",
        "2024",
    ]);
    assert_eq!(
        result(&json, "districts.popsci_funding", Some("靖江市"))["status"],
        "fail"
    );
    assert_eq!(
        result(&json, "districts.popsci_funding", Some("靖江市"))["year"],
        2024
    );
    reformcheck()
        .args([
            "check",
            "examples/taizhou-2017/districts.csv",
            "--year",
            "2019",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "没有 2019 年的数据（文件中的年度：2024, 2025）：请用 --year 选其中一年",
        ));
}

#[test]
fn table_output_is_readable_in_both_languages() {
    reformcheck()
        .args(["check", "examples/taizhou-2017", "--as-of", "2026-11-28"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "需再增加 4 名基层一线代表（替换），或增补 14 名基层一线代表",
        ))
        .stdout(predicate::str::contains("206/300 = 68.67%"))
        .stdout(predicate::str::contains(
            "合计：通过 145 · 未达标 56 · 无法判定 4",
        ))
        .stdout(predicate::str::contains(
            "  examples/taizhou-2017/committee.csv（3 处）\n    第 25 行 [是否基层一线] “否” 填的是“否”，\
             但“单位类型”为“高校”，按方案应为“是”：已按填写的“否”计算，请核对\n    第 36 行 [是否基层一线] 单元格为空",
        ))
        .stdout(predicate::str::contains("\u{1b}[").not());
    reformcheck()
        .args([
            "check",
            "examples/taizhou-2017",
            "--as-of",
            "2026-11-28",
            "--lang",
            "en",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "needs 4 more front-line delegates (by replacement), or add 14 front-line delegates",
        ))
        .stdout(predicate::str::contains(
            "summary: pass 145 · fail 56 · indeterminate 4",
        ));
}

#[test]
fn rules_lists_all_24_rules() {
    let out = reformcheck()
        .arg("rules")
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let ids = [
        "delegates.frontline",
        "delegates.youth",
        "committee.frontline",
        "committee.standing_frontline",
        "committee.vice_chair_fields",
        "society_delegates.frontline",
        "society_council.frontline",
        "society_council.standing_frontline",
        "society_council.young_middle",
        "societies.member_growth",
        "societies.upper_lower_link",
        "societies.two_reforms",
        "societies.supervisory_board",
        "societies.party_working_group",
        "societies.party_branch",
        "districts.independent_party_group",
        "districts.township_coverage",
        "districts.park_coverage",
        "districts.agri_coverage",
        "districts.above_scale_coverage",
        "districts.hitech_coverage",
        "districts.popsci_funding",
        "districts.science_literacy",
        "districts.annual_report",
    ];
    for id in ids {
        assert!(text.contains(id), "{id} missing");
    }
    assert!(text.contains("2020-03-24"), "3年内 from 2017-03-24");
}

// ---- bad input: exit 2 with file, line, column and what to do ----

#[test]
fn missing_key_column_names_file_column_and_headers() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(&dir, "delegates.csv", "代表,出生日期\n张三,1980-01-01\n");
    reformcheck()
        .args(["check", "--lang", "en", &f])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "delegates.csv: no `name` column (姓名 / 代表姓名)",
        ))
        .stderr(predicate::str::contains("headers found: 代表, 出生日期"));
}

#[test]
fn invalid_date_is_an_issue_with_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        &dir,
        "delegates.csv",
        "姓名,出生日期,单位类型\n张三,1980-13-45,企业\n李四,1990-01-01,企业\n",
    );
    let (code, json) = check_json(&[&f, "--as-of", "2026-01-01"]);
    let issue = &json["issues"][0];
    assert_eq!(issue["line"], 2);
    assert_eq!(issue["column"], "出生日期");
    assert_eq!(issue["value"], "1980-13-45");
    assert!(
        issue["message"].as_str().unwrap().contains("1980-05-12"),
        "{issue}"
    );
    // 1 of 2 young for certain, 1 unknown: ≥ 1/3 holds either way.
    let r = result(&json, "delegates.youth", None);
    assert_eq!(
        (r["status"].as_str(), r["unknown"].as_u64()),
        (Some("pass"), Some(1))
    );
    assert_eq!(code, 0);
}

#[test]
fn broken_yaml_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(&dir, "pack.yaml", "plan:\n  id: x\n  title: [unclosed\n");
    reformcheck()
        .args(["rules", "--rules", &f, "--lang", "en"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid rule pack"))
        .stderr(predicate::str::contains("pack.yaml"))
        .stderr(predicate::str::contains("line 3").or(predicate::str::contains(":3:")));
}

fn pack_with_rule(extra: &str, target: &str) -> String {
    format!(
        "plan: {{id: t, title: {{zh: 测试}}, document: 测试〔2024〕1号, date: 2024-01-01}}\n\
         datasets:\n  people:\n    title: {{zh: 人员}}\n    key: name\n    columns:\n      \
         name: {{type: text, headers: [姓名]}}\n      ok: {{type: bool, headers: [合格]}}\n\
         rules:\n  - id: people.ok\n    clause: 一\n    title: {{zh: 合格比例}}\n    quote: 合格\n    \
         dataset: people\n    measure: {{share: {{flag: ok}}}}\n    target: {target}\n{extra}"
    )
}

#[test]
fn a_valid_custom_pack_runs() {
    let dir = tempfile::tempdir().unwrap();
    let pack = write(&dir, "pack.yaml", &pack_with_rule("", "超过1/2"));
    let data = write(&dir, "people.csv", "姓名,合格\n甲,是\n乙,否\n");
    let out = reformcheck()
        .args(["check", &data, "--rules", &pack, "--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let json: Value = serde_json::from_slice(&out).unwrap();
    assert_result(
        result(&json, "people.ok", None),
        "fail",
        "1",
        "2",
        r#"{"numerator":1,"add":1}"#,
    );
}

#[test]
fn unknown_key_in_pack_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        &dir,
        "pack.yaml",
        &pack_with_rule("    threshold: 3\n", "\">= 70%\""),
    );
    reformcheck()
        .args(["rules", "--rules", &f])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("threshold"))
        .stderr(predicate::str::contains("line 17"));
}

#[test]
fn unreadable_target_names_rule_and_place() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(&dir, "pack.yaml", &pack_with_rule("", "大约七成"));
    reformcheck()
        .args(["rules", "--rules", &f, "--lang", "en"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("pack.yaml:16:"))
        .stderr(predicate::str::contains("rule `people.ok`"))
        .stderr(predicate::str::contains("cannot read target `大约七成`"));
}

#[test]
fn unknown_column_and_duplicate_id_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let text = pack_with_rule("", "\">= 70%\"").replace("flag: ok", "flag: qualified");
    let f = write(&dir, "pack.yaml", &text);
    reformcheck()
        .args(["rules", "--rules", &f, "--lang", "en"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "rule `people.ok`: unknown column `qualified` in dataset `people` (columns: name, ok)",
        ));
    let rule = "  - id: people.ok\n    clause: 一\n    title: {zh: 重复}\n    quote: 合格\n    dataset: people\n    measure: {share: {flag: ok}}\n    target: 全部\n";
    let f = write(&dir, "dup.yaml", &pack_with_rule(rule, "\">= 70%\""));
    reformcheck()
        .args(["rules", "--rules", &f, "--lang", "en"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("dup.yaml:17:"))
        .stderr(predicate::str::contains("used twice"));
}

#[test]
fn duplicate_yaml_keys_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let text = pack_with_rule("    target: 全部\n", "\">= 70%\"");
    let f = write(&dir, "pack.yaml", &text);
    reformcheck()
        .args(["rules", "--rules", &f, "--lang", "en"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid rule pack"))
        .stderr(predicate::str::contains("target"));
}

#[test]
fn empty_and_header_only_files_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(&dir, "delegates.csv", "");
    reformcheck()
        .args(["check", "--lang", "en", &f])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("the file is empty"));
    let f = write(&dir, "committee.csv", "姓名,是否基层一线\n");
    reformcheck()
        .args(["check", &f])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("没有数据行，只有表头"));
}

#[test]
fn invalid_utf8_names_line_and_offset() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("delegates.csv");
    std::fs::write(&p, b"name,frontline\nab\xff\xfe,1\n").unwrap();
    reformcheck()
        .args(["check", p.to_str().unwrap(), "--lang", "en"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "delegates.csv: neither UTF-8 nor GB18030 (GBK) text: the first byte that is not valid \
             UTF-8 is at byte offset 17 (line 2)",
        ));
}

#[test]
fn bad_arguments_exit_2() {
    reformcheck()
        .args(["check", "nosuchfile.csv", "--lang", "en"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no such file"));
    reformcheck()
        .args(["check", "people=x.csv", "--lang", "en"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown dataset `people`"));
    reformcheck()
        .args([
            "check",
            "examples/taizhou-2017/delegates.csv",
            "--as-of",
            "2026-02-30",
            "--lang",
            "en",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a date"));
    let dir = tempfile::tempdir().unwrap();
    let f = write(&dir, "名单.csv", "姓名\n张三\n");
    reformcheck()
        .args(["check", &f, "--lang", "en"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot tell which dataset"));
    let named = format!("delegates={f}");
    reformcheck()
        .args(["check", &named, "--format", "json", "--lang", "en"])
        .assert()
        .code(1); // its columns are missing: not checked (issue 10.3)
}
