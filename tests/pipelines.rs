//! Explanations, the district matrix, trends, and what pipelines rely on:
//! `--fail-on`, `--quiet`, standard input, `--output`, completions, man page.

mod common;

use common::*;
use serde_json::{json, Value};

const EXAMPLES: &str = "examples/taizhou-2017";
const AS_OF: &str = "2026-11-28";

fn examples(name: &str) -> String {
    format!("{EXAMPLES}/{name}")
}

/// Runs `check` (with the fixed `--as-of`); returns (code, stdout, stderr).
fn check(args: &[&str]) -> (i32, String, String) {
    let out = reformcheck()
        .arg("check")
        .args(args)
        .args(["--as-of", AS_OF])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn check_json(args: &[&str]) -> (i32, Value) {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let (code, out, err) = check(&all);
    let json = serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {err}"));
    (code, json)
}

// ---- explanations ----

#[test]
fn explain_lists_the_rows_that_do_not_qualify() {
    let (_, json) = check_json(&[
        &examples("delegates.csv"),
        "--explain",
        "delegates.frontline",
    ]);
    let x = &result(&json, "delegates.frontline", None)["explanation"];
    // 300 delegates, 206 front-line: 94 are not.
    assert_eq!(x["total"], 94);
    assert_eq!(x["shown"], 94);
    assert_eq!(x["file"], "examples/taizhou-2017/delegates.csv");
    let rows = x["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 94);
    assert_eq!(
        rows[0],
        json!({"line": 6, "name": "陈岚涛", "state": "not_met",
               "values": {"是否基层一线": "", "单位类型": "党政机关"}})
    );
    assert_eq!(rows[1]["line"], 7);
    assert_eq!(rows[1]["name"], "朱健璐");
    assert_eq!(
        rows[4],
        json!({"line": 12, "name": "宋芳健", "state": "not_met",
               "values": {"是否基层一线": "否", "单位类型": "党政机关"}})
    );
    // Rules not asked about carry no explanation.
    assert_eq!(
        result(&json, "delegates.youth", None)["explanation"],
        Value::Null
    );
}

#[test]
fn explain_shows_ages_unknown_rows_and_repeated_fields() {
    let (_, json) = check_json(&[
        EXAMPLES,
        "--explain",
        "delegates.youth",
        "--explain",
        "committee.frontline",
        "--explain",
        "committee.vice_chair_fields",
        "--show-failing",
        "500",
    ]);
    let youth = &result(&json, "delegates.youth", None)["explanation"];
    assert_eq!(youth["total"], 192);
    let rows = youth["rows"].as_array().unwrap();
    assert_eq!(
        rows[0],
        json!({"line": 2, "name": "郭平润", "state": "not_met",
               "values": {"出生日期": "1963-12-13（62岁）"}})
    );
    // A month-only birth date on the cutoff month is unknown.
    let unknown: Vec<&Value> = rows.iter().filter(|r| r["state"] == "unknown").collect();
    assert_eq!(
        unknown,
        [&json!({"line": 258, "name": "顾海飞", "state": "unknown",
                 "values": {"出生日期": "1980年11月（45–46岁）"}})]
    );
    let committee = &result(&json, "committee.frontline", None)["explanation"];
    assert_eq!(committee["total"], 25);
    let unknown: Vec<&Value> = committee["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["state"] == "unknown")
        .collect();
    assert_eq!(
        unknown,
        [&json!({"line": 36, "name": "范勇波", "state": "unknown",
                 "values": {"是否基层一线": "", "单位类型": ""}})]
    );
    // Distinct fields: the vice chair whose field repeats an earlier one.
    assert_eq!(
        result(&json, "committee.vice_chair_fields", None)["explanation"],
        json!({"file": "examples/taizhou-2017/committee.csv", "total": 1, "shown": 1,
               "rows": [{"line": 19, "name": "周霞琴", "state": "not_met",
                         "values": {"是否兼职副主席": "是", "行业领域": "生物医药"}}]})
    );
}

#[test]
fn show_failing_bounds_every_list_and_keeps_the_count() {
    let (_, json) = check_json(&[EXAMPLES, "--show-failing", "2"]);
    for r in json["results"].as_array().unwrap() {
        let x = &r["explanation"];
        // Rules that measured nothing (not applicable, or skipped without the
        // previous congress) have no rows to list.
        assert!(
            x.is_object() || r["status"] == "not_applicable" || r["status"] == "skipped",
            "{r}"
        );
        if x.is_object() {
            assert!(x["rows"].as_array().unwrap().len() <= 2);
            assert_eq!(
                x["shown"].as_u64().unwrap(),
                x["total"].as_u64().unwrap().min(2)
            );
        }
    }
    let x = &result(&json, "delegates.frontline", None)["explanation"];
    assert_eq!(
        (x["total"].as_u64(), x["shown"].as_u64()),
        (Some(94), Some(2))
    );
    // A district row is judged by its own value: 兴化市 has 33 of 35 townships.
    let x = &result(&json, "districts.township_coverage", Some("total"))["explanation"];
    assert_eq!(
        x["rows"],
        json!([{"line": 13, "name": "兴化市", "state": "not_met",
                "values": {"已建科协组织的乡镇（街道）数": "33", "乡镇（街道）数": "35"}}])
    );
    // The society's own name is the group; the member's name is shown.
    let x = &result(
        &json,
        "society_council.frontline",
        Some("泰州市机械工程学会"),
    )["explanation"];
    assert_eq!(x["total"], 9);
    assert_eq!(
        x["rows"][0],
        json!({"line": 31, "name": "张宇强", "state": "not_met", "values": {"是否基层一线": "否"}})
    );
}

#[test]
fn explain_in_the_table() {
    let (code, out, _) = check(&[
        &examples("delegates.csv"),
        "--explain",
        "delegates.frontline",
        "--show-failing",
        "3",
    ]);
    assert_eq!(code, 1);
    assert!(out.contains(
        "delegates.frontline 代表大会代表中基层一线科技工作者比例：94 行不符合或未知，列出前 3 行（examples/taizhou-2017/delegates.csv）"
    ), "{out}");
    assert!(out.contains("│ 6  ┆ 陈岚涛 ┆ 不符合 ┆ 是否基层一线=（空）；单位类型=党政机关 │"));
    assert!(out.contains("│ 9  ┆ 韦舟兰 ┆ 不符合 ┆ 是否基层一线=（空）；单位类型=党政机关 │"));
    assert!(!out.contains("范楠鹏"), "only 3 rows");
}

#[test]
fn explain_an_unknown_rule_is_an_error() {
    let (code, _, err) = check(&[EXAMPLES, "--explain", "delegates.nope", "--lang", "en"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--explain delegates.nope: no such rule"),
        "{err}"
    );
    assert!(
        err.contains("delegates.frontline, delegates.youth"),
        "{err}"
    );
}

#[test]
fn id_numbers_are_masked_in_explanations() {
    let dir = tempfile::tempdir().unwrap();
    let delegates = write(
        &dir,
        "delegates.csv",
        "姓名,出生日期,单位类型,是否基层一线\n\
         32010219800101123X,1960-01-01,党政机关,否\n\
         张三,1990-01-01,企业,是\n",
    );
    let (_, json) = check_json(&[&delegates, "--show-failing", "10"]);
    let x = &result(&json, "delegates.frontline", None)["explanation"];
    assert_eq!(x["rows"][0]["name"], "3201**********123X");
    for fmt in ["table", "json", "csv", "markdown", "junit", "html"] {
        let (_, out, _) = check(&[&delegates, "--show-failing", "10", "--format", fmt]);
        // Markdown escapes the asterisks.
        assert!(
            out.replace('\\', "").contains("3201**********123X"),
            "{fmt}"
        );
        assert!(
            !out.contains("32010219800101123X"),
            "{fmt} leaks the ID number"
        );
    }
}

// ---- district matrix ----

/// The cells of the table row that starts with `name`.
fn matrix_row(out: &str, name: &str) -> Vec<String> {
    let line = out
        .lines()
        .find(|l| l.starts_with(&format!("│ {name} ")))
        .unwrap_or_else(|| panic!("no row {name}:\n{out}"));
    line.trim_matches('│')
        .split('┆')
        .map(|c| c.trim().to_string())
        .collect()
}

#[test]
fn matrix_has_districts_as_rows_and_the_city_total() {
    let (code, out, _) = check(&[&examples("districts.csv"), "--view", "matrix"]);
    assert_eq!(code, 1);
    assert!(out.contains("市（区）年度统计 2025（districts）"), "{out}");
    assert_eq!(
        matrix_row(&out, "兴化市"),
        // Plan order: 五(一) literacy, 八(一) …, 九(一) every year (no trend), 九(三).
        [
            "兴化市",
            "✗ 13.8% ↑",
            "✓ 100% →",
            "✗ 0% ↓",
            "✗ 94.3% ↑",
            "✓ 100% ↑",
            "✓ 100% ↑",
            "✗ 44.2% ↑",
            "✗ 56.1% ↑",
            "✓ 100%",
            "✗ 2.31 ↑"
        ]
    );
    assert_eq!(
        matrix_row(&out, "海陵区")[5],
        "–",
        "no parks: not applicable"
    );
    // 医药高新区 is not held by 八(一)'s 市(区) sentences.
    assert_eq!(matrix_row(&out, "医药高新区")[2..4], ["–", "–"]);
    // 每年: one figure over the years (2024 yes, 2025 no), without a trend.
    assert_eq!(matrix_row(&out, "靖江市")[9], "✗ 50%");
    // No pooled funding figure (各级); the literacy total is the one judged.
    assert_eq!(
        matrix_row(&out, "全市合计"),
        [
            "全市合计",
            "✓ 15.6% ↑",
            "",
            "",
            "✗ 98% ↑",
            "✗ 91.7% ↑",
            "✗ 96.9% ↑",
            "✓ 51% ↑",
            "✓ 61.5% ↑",
            "",
            ""
        ]
    );
    assert!(out.contains(
        "  4 districts.township_coverage 八(一) 乡镇（街道）科协组织覆盖率 = 100%（应）"
    ));
    // Rules without a file are counted, not listed.
    assert!(!out.contains("delegates.frontline"));
    assert!(out.contains("跳过 25"));
}

#[test]
fn matrix_of_the_whole_example_lists_ungrouped_rules_below() {
    let (_, out, _) = check(&[EXAMPLES, "--view", "matrix", "--lang", "en"]);
    for heading in [
        "society congress delegates (society_delegates)",
        "society council members (society_council)",
        "societies (societies)",
        "district statistics 2025 (districts)",
    ] {
        // English titles with the dataset name; the year for multi-year data.
        let want = heading.replace(" (", "（").replace(')', "）");
        assert!(out.contains(&want), "{want}\n{out}");
    }
    let council = &out[out.find("society council members").unwrap()..];
    assert_eq!(
        matrix_row(council, "泰州市农学会")[..4],
        ["泰州市农学会", "✓ 73.3%", "✓ 75%", "✗ 30%"]
    );
    assert!(out.contains("delegates.frontline"));
    assert!(out.contains("committee.vice_chair_fields (warning)"));
}

// ---- trends ----

#[test]
fn district_results_carry_the_previous_year() {
    let (_, json) = check_json(&[&examples("districts.csv")]);
    assert_eq!(
        result(&json, "districts.township_coverage", Some("兴化市"))["previous"],
        json!({"year": 2024, "status": "fail", "numerator": 31, "denominator": 35,
               "unknown": 0, "ratio": 0.885714, "trend": "improved"})
    );
    assert_eq!(
        result(&json, "districts.township_coverage", Some("total"))["previous"],
        json!({"year": 2024, "status": "fail", "numerator": 91, "denominator": 98,
               "unknown": 0, "ratio": 0.928571, "trend": "improved"})
    );
    // 每年: one result over every year, naming the year without a report.
    let jingjiang = result(&json, "districts.annual_report", Some("靖江市"));
    assert_eq!(jingjiang["status"], "fail");
    assert_eq!(jingjiang["years_unmet"], json!([2025]));
    assert_eq!(jingjiang["previous"], Value::Null);
    assert_eq!(
        result(&json, "districts.township_coverage", Some("海陵区"))["previous"]["trend"],
        "unchanged"
    );
    let no_parks = &result(&json, "districts.park_coverage", Some("海陵区"))["previous"];
    assert_eq!(no_parks["trend"], "unknown");
    assert_eq!(no_parks["ratio"], Value::Null);
    let funding = &result(&json, "districts.popsci_funding", Some("高港区"))["previous"];
    assert_eq!(funding["numerator"].to_string(), "1122357.4");
    assert_eq!(funding["denominator"], 398000);
    assert_eq!(funding["trend"], "improved");
    // The earliest year has nothing before it.
    let (_, json) = check_json(&[&examples("districts.csv"), "--year", "2024"]);
    for r in json["results"].as_array().unwrap() {
        assert_eq!(r["previous"], Value::Null, "{r}");
    }
    // Single-period datasets never have one.
    let (_, json) = check_json(&[&examples("delegates.csv")]);
    assert_eq!(
        result(&json, "delegates.frontline", None)["previous"],
        Value::Null
    );
}

#[test]
fn previous_year_in_the_table() {
    let (_, out, _) = check(&[&examples("districts.csv")]);
    assert!(out.contains("上年（2024）31/35 = 88.57% ↑ 改善"), "{out}");
    assert!(out.contains("上年（2024）1/1 = 100% ↓ 下降"));
    let (_, out, _) = check(&[&examples("districts.csv"), "--lang", "en"]);
    assert!(out.contains("2024: 31/35 = 88.57% ↑ improved"));
}

// ---- exit codes ----

#[test]
fn fail_on_chooses_which_results_fail_the_run() {
    let dir = tempfile::tempdir().unwrap();
    // Everything passes except the vice chairs' fields, a warning.
    let committee = write(
        &dir,
        "committee.csv",
        "姓名,出生日期,单位类型,是否基层一线,是否常委,是否兼职副主席,行业领域\n\
         甲,1980-01-01,企业,是,是,是,化工\n\
         乙,1980-01-01,企业,是,是,是,化工\n\
         丙,1980-01-01,企业,是,是,否,医药\n",
    );
    let (_, json) = check_json(&[&committee]);
    assert_eq!(
        result(&json, "committee.vice_chair_fields", None)["status"],
        "fail"
    );
    assert_eq!(result(&json, "committee.frontline", None)["status"], "pass");
    let code = |extra: &[&str]| {
        let mut args = vec![committee.as_str(), "--quiet"];
        args.extend(extra);
        check(&args).0
    };
    assert_eq!(code(&[]), 0, "warnings do not fail by default");
    assert_eq!(code(&["--fail-on", "error"]), 0);
    assert_eq!(code(&["--fail-on", "warning"]), 1);
    assert_eq!(code(&["--fail-on", "never"]), 0);
    // The example data fails errors; `never` still exits 0, bad input still 2.
    assert_eq!(check(&[EXAMPLES, "-q"]).0, 1);
    assert_eq!(check(&[EXAMPLES, "-q", "--fail-on", "never"]).0, 0);
    assert_eq!(check(&["nope.csv", "-q", "--fail-on", "never"]).0, 2);
    assert_eq!(check(&[EXAMPLES, "--fail-on", "sometimes"]).0, 2);
}

#[test]
fn quiet_prints_nothing_but_writes_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("r.json");
    let (code, out, err) = check(&[
        EXAMPLES,
        "--quiet",
        "--output",
        &report.display().to_string(),
    ]);
    assert_eq!((code, out.as_str(), err.as_str()), (1, "", ""));
    let (_, json) = check_json(&[EXAMPLES]);
    let written: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(written, json);
    // Errors still say what is wrong.
    let (code, out, err) = check(&["nope.csv", "--quiet", "--lang", "en"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("nope.csv: no such file or directory"), "{err}");
}

// ---- standard input ----

#[test]
fn a_dataset_can_come_from_standard_input() {
    let file = examples("delegates.csv");
    let (_, from_file) = check_json(&[&file]);
    let out = reformcheck()
        .args(["check", "delegates=-", "--as-of", AS_OF, "--format", "json"])
        .write_stdin(std::fs::read(&file).unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let from_stdin: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(from_stdin["results"], from_file["results"]);
    assert_eq!(from_stdin["issues"][0]["file"], "<stdin>");
    assert_eq!(
        from_stdin["issues"][0]["line"],
        from_file["issues"][0]["line"]
    );
    assert_eq!(
        from_stdin["issues"].as_array().unwrap().len(),
        from_file["issues"].as_array().unwrap().len()
    );

    let out = reformcheck()
        .args(["check", "delegates=-", "--as-of", AS_OF])
        .write_stdin("姓名,出生日期\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("<stdin>：没有数据行"));

    let (code, _, err) = check(&["-", "--lang", "en"]);
    assert_eq!(code, 2);
    assert!(err.contains("write NAME=-"), "{err}");
    let (code, _, err) = check(&["delegates=-", "committee=-", "--lang", "en"]);
    assert_eq!(code, 2);
    assert!(err.contains("standard input is given for both"), "{err}");
}

// ---- --output ----

#[test]
fn several_outputs_in_one_run_each_in_its_format() {
    let dir = tempfile::tempdir().unwrap();
    let names = [
        ("r.txt", "table"),
        ("r.json", "json"),
        ("r.csv", "csv"),
        ("r.md", "markdown"),
        ("r.xml", "junit"),
        ("r.html", "html"),
    ];
    let mut args = vec![EXAMPLES.to_string(), "--format".into(), "json".into()];
    for (name, _) in names {
        args.push("--output".into());
        args.push(dir.path().join(name).display().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, stdout, _) = check(&args);
    assert_eq!(code, 1);
    for (name, fmt) in names {
        let written = std::fs::read_to_string(dir.path().join(name)).unwrap();
        let (_, expected, _) = check(&[EXAMPLES, "--format", fmt]);
        assert_eq!(written, expected, "{name}");
    }
    assert_eq!(
        stdout,
        std::fs::read_to_string(dir.path().join("r.json")).unwrap()
    );
    // Nothing else was left in the directory (no temporary files).
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), names.len());
}

#[test]
fn output_refuses_inputs_and_unknown_extensions() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(examples("delegates.csv")).unwrap();
    let input = write(&dir, "delegates.csv", &text);
    let (code, _, err) = check(&[&input, "--output", &input, "--lang", "en"]);
    assert_eq!(code, 2);
    assert!(err.contains("this is an input file"), "{err}");
    assert_eq!(std::fs::read_to_string(&input).unwrap(), text, "untouched");
    // The input bound through its directory, written another way.
    let other = format!("{}/./delegates.csv", dir.path().display());
    let (code, _, _) = check(&[
        &dir.path().display().to_string(),
        "-o",
        &other,
        "--lang",
        "en",
    ]);
    assert_eq!(code, 2);
    let (code, _, err) = check(&[&input, "--output", "report.pdf", "--lang", "en"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot tell the format from the extension"),
        "{err}"
    );
    let (code, _, err) = check(&[
        &input,
        "--output",
        "/nonexistent-dir/r.json",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("the directory does not exist"), "{err}");
}

// ---- completions and man page ----

#[test]
fn completions_and_man_page_come_from_the_cli_definition() {
    for shell in ["bash", "zsh", "fish"] {
        let out = reformcheck().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("reformcheck"), "{shell}");
        assert!(text.contains("show-failing"), "{shell}");
        assert!(text.contains("fail-on"), "{shell}");
    }
    let out = reformcheck()
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = reformcheck().arg("man").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let man = String::from_utf8(out.stdout).unwrap();
    assert!(man.starts_with(".ie"), "{man}");
    assert!(man.contains(".TH reformcheck 1"));
    assert!(man.contains(".SH \"REFORMCHECK CHECK\""));
    assert!(man.contains("\\fB\\-\\-fail\\-on\\fR"));
    assert!(man.contains("\\fB\\-\\-show\\-failing\\fR"));
    assert!(man.contains(".SH \"REFORMCHECK RULES\""));
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    // `reformcheck check … --format json | head`: the JSON (over a megabyte
    // here, streamed) stops being read after a few bytes.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("delegates.csv");
    let mut body = String::from("姓名,出生日期,是否基层一线\n");
    for i in 0..5_000 {
        body.push_str(&format!("代表{i},1980-01-01,待定\n"));
    }
    std::fs::write(&path, body).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_reformcheck"))
        .args(["check", path.to_str().unwrap(), "--format", "json"])
        .args(["--as-of", AS_OF])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut start = [0u8; 16];
    std::io::Read::read_exact(&mut stdout, &mut start).unwrap();
    assert_eq!(&start[..1], b"{");
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    // Not 2 (an error): 1, since nobody born in 1980 is 45 or younger.
    assert_eq!(out.status.code(), Some(1));
}
