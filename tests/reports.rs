//! What the reader of a report sees: exit codes for rules that could not be
//! checked, the one line for datasets not given, and displayed values that
//! never cross the target (issue 10, items 3 and 5).

mod common;

use common::{check_json, result, run, write};

/// A roster with names and the front-line flag but no birth dates: the
/// front-line share is checked, the youth share cannot be.
fn roster_without_birth_dates(dir: &tempfile::TempDir) -> String {
    write(
        dir,
        "delegates.csv",
        "姓名,是否基层一线\r\n张三,是\r\n李四,是\r\n王五,是\r\n",
    )
}

#[test]
fn a_rule_skipped_for_a_missing_column_is_not_checked_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let roster = roster_without_birth_dates(&dir);
    let (code, json) = check_json(&[&roster, "--as-of", "2025-01-01"]);
    assert_eq!(code, 1, "the youth share never ran: not a pass");
    let youth = result(&json, "delegates.youth", None);
    assert_eq!(youth["status"], "skipped");
    assert_eq!(youth["checked"], false);
    assert_eq!(youth["reason"]["code"], "missing_column");
    let frontline = result(&json, "delegates.frontline", None);
    assert_eq!(frontline["status"], "pass");
    assert_eq!(frontline["checked"], true);
    // Rules on datasets not given are skipped too, but never unmet.
    let committee = result(&json, "committee.frontline", None);
    assert_eq!(committee["status"], "skipped");
    assert_eq!(committee["checked"], false);
    assert_eq!(committee["reason"]["code"], "no_input");
    assert_eq!(json["summary"]["skipped"], 34);
    assert_eq!(json["summary"]["not_checked"], 1);
    assert_eq!(json["results"].as_array().unwrap().len(), 35);
    // --fail-on never still exits 0; the table names the rule "未检查".
    let (code, out, _) = run(&[
        "check",
        &roster,
        "--as-of",
        "2025-01-01",
        "--fail-on",
        "never",
    ]);
    assert_eq!(code, 0);
    assert!(out.contains("未检查 ┆"), "{out}");
    assert!(out.contains("跳过 34（其中未检查 1）"), "{out}");
    // JUnit: a failure, for dashboards that do not read the exit code.
    let (_, junit, _) = run(&[
        "check",
        &roster,
        "--as-of",
        "2025-01-01",
        "--format",
        "junit",
    ]);
    assert!(junit.contains(r#"<failure type="not_checked""#), "{junit}");
    assert!(junit.contains(r#"failures="1""#), "{junit}");
}

#[test]
fn rules_without_data_are_one_line_unless_all_rules() {
    let dir = tempfile::tempdir().unwrap();
    let roster = write(
        &dir,
        "delegates.csv",
        "姓名,出生日期,是否基层一线\n张三,1990-01-01,是\n李四,1960-01-01,是\n",
    );
    let (code, out, _) = run(&["check", &roster, "--as-of", "2025-01-01"]);
    assert_eq!(code, 0, "rules whose data were not given never fail a run");
    assert!(
        out.contains("未提供数据的 32 项指标未检查"),
        "one line for the 32 rules: {out}"
    );
    assert!(!out.contains("committee.frontline"), "{out}");
    // No row for a rule without data (the previous-congress rule, skipped
    // for want of --previous, keeps its row: it says what to give).
    assert!(!out.contains("未提供 committee 数据文件"), "{out}");
    let (_, en, _) = run(&["check", &roster, "--as-of", "2025-01-01", "--lang", "en"]);
    assert!(en.contains("32 targets not checked: no data given"), "{en}");
    for format in ["markdown", "html"] {
        let (_, text, _) = run(&[
            "check",
            &roster,
            "--as-of",
            "2025-01-01",
            "--format",
            format,
        ]);
        assert!(text.contains("未提供数据的 32 项指标未检查"), "{format}");
        assert!(!text.contains("committee.frontline"), "{format}: {text}");
    }
    // --all-rules lists each of them; JSON, CSV and JUnit always do.
    let (_, all, _) = run(&["check", &roster, "--as-of", "2025-01-01", "--all-rules"]);
    assert!(all.contains("committee.frontline"), "{all}");
    assert!(!all.contains("未提供数据的"), "{all}");
    for format in ["csv", "junit"] {
        let (_, text, _) = run(&[
            "check",
            &roster,
            "--as-of",
            "2025-01-01",
            "--format",
            format,
        ]);
        assert!(text.contains("districts.annual_report"), "{format}");
    }
}

/// 30000 delegates, `yes` of them front-line (the target is ≥ 70%).
fn roster_of_30000(dir: &tempfile::TempDir, yes: usize) -> String {
    let mut text = String::from("姓名,是否基层一线\n");
    for i in 0..30000 {
        let flag = if i < yes { "是" } else { "否" };
        text.push_str(&format!("代表{i},{flag}\n"));
    }
    write(dir, "delegates.csv", &text)
}

#[test]
fn a_failing_share_is_never_shown_as_the_target() {
    let dir = tempfile::tempdir().unwrap();
    for (yes, status, shown, ratio) in [
        (21000, "pass", "21000/30000 = 70%", "0.7"),
        (20999, "fail", "20999/30000 = 69.997%", "0.699967"),
        (21001, "pass", "21001/30000 = 70%", "0.700033"),
        (20000, "fail", "20000/30000 = 66.67%", "0.666667"),
    ] {
        let roster = roster_of_30000(&dir, yes);
        let (_, json) = check_json(&[&roster, "--as-of", "2025-01-01"]);
        let r = result(&json, "delegates.frontline", None);
        assert_eq!(r["status"], status, "{yes}");
        assert_eq!(r["ratio"].to_string(), ratio, "{yes}");
        for format in ["table", "markdown", "html", "junit"] {
            let (_, text, _) = run(&[
                "check",
                &roster,
                "--as-of",
                "2025-01-01",
                "--format",
                format,
            ]);
            assert!(text.contains(shown), "{yes} {format}: {shown}");
        }
    }
}

/// Matrix cells show one decimal, and still never cross the target.
#[test]
fn a_matrix_cell_is_never_shown_as_the_target() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("学会名称,姓名,是否基层一线\n");
    // 甲学会 3 of 5 = 60% passes ≥ 3/5; 乙学会 2999 of 5000 = 59.98% fails.
    for i in 0..5 {
        text.push_str(&format!(
            "甲学会,理事{i},{}\n",
            if i < 3 { "是" } else { "否" }
        ));
    }
    for i in 0..5000 {
        text.push_str(&format!(
            "乙学会,理事{i},{}\n",
            if i < 2999 { "是" } else { "否" }
        ));
    }
    let council = write(&dir, "society_council.csv", &text);
    let (_, json) = check_json(&[&council, "--as-of", "2025-01-01"]);
    assert_eq!(
        result(&json, "society_council.frontline", Some("乙学会"))["status"],
        "fail"
    );
    let (_, matrix, _) = run(&[
        "check",
        &council,
        "--as-of",
        "2025-01-01",
        "--view",
        "matrix",
    ]);
    assert!(matrix.contains("✓ 60%"), "{matrix}");
    assert!(matrix.contains("✗ 59.98%"), "{matrix}");
}

#[test]
fn a_failing_amount_is_never_shown_as_the_target() {
    let dir = tempfile::tempdir().unwrap();
    let districts = write(
        &dir,
        "districts.csv",
        "市（区）,年度,常住人口,财政科普经费（元）\r\n甲区,2024,500100,\"1,500,000\"\r\n乙区,2024,500000,1500000\r\n",
    );
    let (_, json) = check_json(&[&districts, "--as-of", "2025-01-01"]);
    let a = result(&json, "districts.popsci_funding", Some("甲区"));
    assert_eq!(a["status"], "fail");
    assert_eq!(a["ratio"].to_string(), "2.9994");
    let b = result(&json, "districts.popsci_funding", Some("乙区"));
    assert_eq!(b["status"], "pass");
    assert_eq!(b["ratio"].to_string(), "3");
    let (_, table, _) = run(&["check", &districts, "--as-of", "2025-01-01"]);
    assert!(table.contains("2.999 (1500000 / 500100)"), "{table}");
    assert!(table.contains("3.00 (1500000 / 500000)"), "{table}");
    let (_, csv, _) = run(&[
        "check",
        &districts,
        "--as-of",
        "2025-01-01",
        "--format",
        "csv",
    ]);
    assert!(csv.contains(",2.9994,"), "{csv}");
}

/// The widest line of `text` in terminal cells (CJK characters count two).
fn widest(text: &str) -> usize {
    use unicode_width::UnicodeWidthStr;
    text.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
}

#[test]
fn the_table_fits_the_terminal() {
    for columns in ["60", "100"] {
        let max: usize = columns.parse().unwrap();
        for (view, lang) in [
            ("list", "zh"),
            ("matrix", "zh"),
            ("list", "en"),
            ("matrix", "en"),
        ] {
            let out = common::reformcheck()
                .env("COLUMNS", columns)
                .args(["check", "examples/taizhou-2017", "--as-of", "2026-11-28"])
                .args(["--view", view, "--lang", lang, "--all-issues"])
                .args(["--explain", "delegates.frontline", "--show-failing", "3"])
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(1));
            let text = String::from_utf8(out.stdout).unwrap();
            assert!(
                widest(&text) <= max,
                "COLUMNS={columns} {view} {lang}:\n{text}"
            );
            // Nothing is lost: every result's rule id is still there.
            assert!(text.contains("delegates.frontline"), "{text}");
            assert!(text.contains("206/300"), "{text}");
        }
    }
    // `rules` and `validate` fit too.
    for args in [
        &["rules"][..],
        &[
            "validate",
            "examples/taizhou-2017",
            "--as-of",
            "2026-11-28",
            "--all-issues",
        ][..],
    ] {
        let out = common::reformcheck()
            .env("COLUMNS", "60")
            .args(args)
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(widest(&text) <= 60, "{args:?}:\n{text}");
    }
    // Without COLUMNS a pipe is not limited: the full table, as before.
    let (_, wide, _) = run(&["check", "examples/taizhou-2017", "--as-of", "2026-11-28"]);
    assert!(widest(&wide) > 100);
}

/// The cells of one sheet as text (numbers as Excel shows them).
fn sheet(path: &std::path::Path, name: &str) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto(path).unwrap();
    let range = book.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

#[test]
fn the_excel_report_has_results_issues_and_explained_rows() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("报告.xlsx");
    let (code, _, err) = run(&[
        "check",
        "examples/taizhou-2017",
        "--as-of",
        "2026-11-28",
        "--explain",
        "delegates.frontline",
        "-q",
        "-o",
        book.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{err}");
    {
        use calamine::Reader;
        let b = calamine::open_workbook_auto(&book).unwrap();
        assert_eq!(
            b.sheet_names(),
            ["检查结果", "数据问题", "delegates.frontline"]
        );
    }
    // Results: the CSV report's columns and rows, in clause order.
    let results = sheet(&book, "检查结果");
    let (_, csv, _) = run(&[
        "check",
        "examples/taizhou-2017",
        "--as-of",
        "2026-11-28",
        "--format",
        "csv",
    ]);
    let csv_rows: Vec<Vec<String>> = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    assert_eq!(results[0], csv_rows[0], "same header");
    assert_eq!(results.len(), csv_rows.len(), "one row per result");
    let frontline = results
        .iter()
        .find(|r| r[0] == "delegates.frontline")
        .unwrap();
    let csv_frontline = csv_rows
        .iter()
        .find(|r| r[0] == "delegates.frontline")
        .unwrap();
    assert_eq!(frontline[..16], csv_frontline[..16]);
    assert_eq!(frontline[7], "fail");
    assert_eq!(frontline[12], "206");
    let clauses: Vec<&str> = results[1..].iter().map(|r| r[1].as_str()).collect();
    let first_four = clauses.iter().position(|c| *c == "四(一)").unwrap();
    let last_three = clauses.iter().rposition(|c| *c == "三(一)").unwrap();
    let first_seven = clauses.iter().position(|c| c.starts_with('七')).unwrap();
    let last_nine = clauses.iter().rposition(|c| c.starts_with('九')).unwrap();
    assert!(last_three < first_four && first_four < first_seven && first_seven < last_nine);
    assert_eq!(clauses[0], "三(一)");
    // Data issues, with their lines.
    let issues = sheet(&book, "数据问题");
    assert_eq!(issues.len(), 14);
    assert_eq!(
        issues[1][..4],
        [
            "delegates",
            "examples/taizhou-2017/delegates.csv",
            "19",
            "是否基层一线"
        ]
    );
    // The rows behind delegates.frontline.
    let rows = sheet(&book, "delegates.frontline");
    assert_eq!(rows[0], ["分组", "文件", "行", "名称", "判定", "依据"]);
    assert_eq!(rows.len(), 1 + 94, "every row --explain lists");
    assert_eq!(rows[1][2], "6");
    assert_eq!(rows[1][3], "陈岚涛");
    // Statuses are coloured: the fills of pass and fail are in the styles.
    let styles = {
        use std::io::Read;
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&book).unwrap()).unwrap();
        let mut xml = String::new();
        zip.by_name("xl/styles.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        xml
    };
    assert!(
        styles.contains("FFD1F0D9") && styles.contains("FFFFD7D5"),
        "{styles}"
    );
    // To a pipe with --format xlsx: the same kind of workbook.
    let out = common::reformcheck()
        .args([
            "check",
            "examples/taizhou-2017",
            "--as-of",
            "2026-11-28",
            "--format",
            "xlsx",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.starts_with(b"PK"));
}

/// The Chinese guide's quick start shows exactly what the command prints.
#[test]
fn the_chinese_guide_shows_the_real_output() {
    let guide = std::fs::read_to_string("README.zh-CN.md").unwrap();
    let command = "reformcheck check examples/taizhou-2017/delegates.csv --as-of 2026-11-28";
    let after = &guide[guide.find(command).expect("the command is in the guide")..];
    let start = after.find("```text\n").unwrap() + "```text\n".len();
    let shown = &after[start..start + after[start..].find("```").unwrap()];
    let (code, out, _) = run(&[
        "check",
        "examples/taizhou-2017/delegates.csv",
        "--as-of",
        "2026-11-28",
    ]);
    assert_eq!(code, 1);
    assert_eq!(shown, out);
    // The README keeps CI's test command and the pinned quick start.
    let readme = std::fs::read_to_string("README.md").unwrap();
    assert!(
        readme.contains("cargo run --release -- check examples/taizhou-2017 --as-of 2026-11-28")
    );
    assert!(readme.contains("\ncargo test "));
    assert!(readme.contains("README.zh-CN.md"));
    assert!(std::path::Path::new("docs/report-screenshot.png").is_file());
}

/// An Excel report is not shown on a terminal: the run says to write a file.
#[test]
fn an_excel_report_needs_a_file_on_a_terminal() {
    use clap::Parser;
    let cli = reformcheck::cli::Cli::try_parse_from([
        "reformcheck",
        "check",
        "examples/taizhou-2017",
        "--format",
        "xlsx",
    ])
    .unwrap();
    let env = reformcheck::Env {
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
        color: false,
        progress: false,
        help: reformcheck::Lang::Zh,
        terminal: true,
        width: Some(80),
    };
    let mut out = Vec::new();
    let err = reformcheck::run(cli, env, &mut out)
        .unwrap_err()
        .to_string();
    assert!(err.contains("-o 报告.xlsx"), "{err}");
    assert!(out.is_empty());
}
