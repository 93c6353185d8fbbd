//! Every output format on the example data, pinned by insta snapshots
//! (fixed `--as-of`), and parsed back: JUnit as XML, CSV with the csv crate.

mod common;

use common::*;

const EXAMPLES: &str = "examples/taizhou-2017";
const AS_OF: &str = "2026-11-28";

/// Runs `check` with `args` and returns (exit code, standard output).
fn check(args: &[&str]) -> (i32, String) {
    let out = reformcheck()
        .arg("check")
        .args(args)
        .args(["--as-of", AS_OF])
        .output()
        .unwrap();
    assert!(
        out.status.code() != Some(2),
        "exit 2: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

fn format(fmt: &str) -> String {
    let (code, text) = check(&[EXAMPLES, "--format", fmt]);
    assert_eq!(code, 1, "the example data has failures");
    text
}

#[test]
fn snapshot_table() {
    insta::assert_snapshot!("examples_table", format("table"));
}

#[test]
fn snapshot_json() {
    insta::assert_snapshot!("examples_json", format("json"));
}

#[test]
fn snapshot_csv() {
    insta::assert_snapshot!("examples_csv", format("csv"));
}

#[test]
fn snapshot_markdown() {
    insta::assert_snapshot!("examples_markdown", format("markdown"));
}

#[test]
fn snapshot_junit() {
    insta::assert_snapshot!("examples_junit", format("junit"));
}

#[test]
fn snapshot_html() {
    insta::assert_snapshot!("examples_html", format("html"));
}

/// The district matrix with trends and an explanation, in the three formats
/// that draw it, in both languages.
#[test]
fn snapshot_district_matrix() {
    let districts = format!("{EXAMPLES}/districts.csv");
    for (fmt, lang) in [
        ("table", "zh"),
        ("table", "en"),
        ("markdown", "zh"),
        ("html", "en"),
    ] {
        let (code, text) = check(&[
            &districts,
            "--view",
            "matrix",
            "--format",
            fmt,
            "--lang",
            lang,
            "--explain",
            "districts.township_coverage",
        ]);
        assert_eq!(code, 1);
        insta::assert_snapshot!(format!("districts_matrix_{fmt}_{lang}"), text);
    }
}

#[test]
fn junit_parses_as_xml_with_one_case_per_result() {
    let xml = format("junit");
    let doc = roxmltree::Document::parse(&xml).expect("JUnit output is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("tests"), Some("210"));
    // 56 fail + 4 indeterminate are failures; 4 not_applicable and
    // delegates.frontline_growth (no previous congress given) are skipped.
    assert_eq!(root.attribute("failures"), Some("60"));
    assert_eq!(root.attribute("skipped"), Some("5"));
    assert_eq!(root.attribute("errors"), Some("0"));
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    let names: Vec<&str> = suites.iter().filter_map(|s| s.attribute("name")).collect();
    assert_eq!(
        names,
        [
            // in the plan's clause order of each dataset's first rule
            "delegates",
            "committee",
            "city",
            "societies",
            "districts",
            "society_delegates",
            "society_council"
        ]
    );
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 210);
    let suite_total: usize = suites
        .iter()
        .map(|s| s.attribute("tests").unwrap().parse::<usize>().unwrap())
        .sum();
    assert_eq!(suite_total, 210);

    let frontline = cases
        .iter()
        .find(|c| c.attribute("classname") == Some("delegates.frontline"))
        .unwrap();
    assert_eq!(
        frontline.attribute("name"),
        Some("三(一) 代表大会代表中基层一线科技工作者比例")
    );
    let failure = frontline
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert_eq!(failure.attribute("type"), Some("fail"));
    assert_eq!(
        failure.attribute("message"),
        Some("未达标: 206/300 = 68.67% (≥ 70%); 需再增加 4 名基层一线代表（替换），或增补 14 名基层一线代表")
    );
    assert!(failure
        .text()
        .unwrap()
        .contains("差距: 需再增加 4 名基层一线代表（替换），或增补 14 名"));

    let indeterminate = cases
        .iter()
        .find(|c| c.attribute("classname") == Some("committee.frontline"))
        .unwrap();
    let failure = indeterminate
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert_eq!(failure.attribute("type"), Some("indeterminate"));

    // A district's case names its group; the pooled total says so.
    let xinghua = cases
        .iter()
        .find(|c| {
            c.attribute("classname") == Some("districts.township_coverage")
                && c.attribute("name").unwrap().ends_with("[兴化市]")
        })
        .unwrap();
    let text = xinghua
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap()
        .text()
        .unwrap();
    assert!(text.contains("上年（2024）31/35 = 88.57% ↑ 改善"), "{text}");
    assert!(cases.iter().any(
        |c| c.attribute("classname") == Some("districts.township_coverage")
            && c.attribute("name").unwrap().ends_with("[全市合计]")
    ));
    // Not applicable is skipped with its reason.
    let skipped = cases
        .iter()
        .find(|c| {
            c.attribute("classname") == Some("districts.park_coverage")
                && c.attribute("name").unwrap().ends_with("[海陵区]")
        })
        .unwrap();
    assert_eq!(
        skipped
            .children()
            .find(|n| n.has_tag_name("skipped"))
            .unwrap()
            .attribute("message"),
        Some("分母为0，无可计量对象")
    );
}

#[test]
fn csv_parses_back_with_exact_fields() {
    let text = format("csv");
    let bytes = text.as_bytes();
    assert_eq!(
        &bytes[..3],
        b"\xEF\xBB\xBF",
        "UTF-8 byte-order mark for Excel"
    );
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(headers.len(), 34);
    assert_eq!(
        &headers[30..],
        ["binding", "note", "source_file", "source_sheet"]
    );
    assert_eq!(
        &headers[..8],
        ["rule", "clause", "title", "dataset", "group", "pooled", "year", "status"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 210, "one row per result");
    let field = |row: &csv::StringRecord, name: &str| -> String {
        let i = headers.iter().position(|h| h == name).unwrap();
        row[i].to_string()
    };
    let frontline = rows
        .iter()
        .find(|r| field(r, "rule") == "delegates.frontline")
        .unwrap();
    let want = [
        ("clause", "三(一)"),
        ("title", "代表大会代表中基层一线科技工作者比例"),
        ("group", ""),
        ("pooled", "false"),
        ("status", "fail"),
        ("severity", "error"),
        ("target_op", ">="),
        ("target_value", "7/10"),
        ("target_text", "≥ 70%"),
        ("numerator", "206"),
        ("denominator", "300"),
        ("unknown", "0"),
        ("ratio", "0.686667"),
        ("shortfall_numerator", "4"),
        ("shortfall_add", "14"),
        (
            "shortfall_text",
            "需再增加 4 名基层一线代表（替换），或增补 14 名基层一线代表",
        ),
        ("previous_year", ""),
        ("trend", ""),
        ("failing_rows", ""),
    ];
    for (name, value) in want {
        assert_eq!(field(frontline, name), value, "{name}");
    }
    let xinghua = rows
        .iter()
        .find(|r| field(r, "rule") == "districts.popsci_funding" && field(r, "group") == "兴化市")
        .unwrap();
    let want = [
        ("year", "2025"),
        ("status", "fail"),
        ("numerator", "2524817.9"),
        ("denominator", "1093000"),
        ("target_text", "≥ 3"),
        ("due", "2020-12-31"),
        ("previous_year", "2024"),
        ("previous_status", "fail"),
        ("previous_numerator", "2367148.52"),
        ("previous_denominator", "1101000"),
        ("trend", "improved"),
    ];
    for (name, value) in want {
        assert_eq!(field(xinghua, name), value, "{name}");
    }
    let total = rows
        .iter()
        .find(|r| field(r, "rule") == "districts.township_coverage" && field(r, "pooled") == "true")
        .unwrap();
    assert_eq!(field(total, "group"), "");
    assert_eq!(field(total, "numerator"), "96");
    assert_eq!(field(total, "denominator"), "98");
}

/// A society named like a formula or like markup must come out inert in
/// every format.
#[test]
fn hostile_names_are_neutralised_and_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let council = write(
        &dir,
        "society_council.csv",
        "学会名称,姓名,出生日期,是否基层一线,是否常务理事\n\
         =HYPERLINK(\"http://x\"),甲,1980-01-01,是,是\n\
         -1+2,乙,1980-01-01,否,是\n\
         <script>alert(1)</script>,丙,1980-01-01,是,是\n\
         @SUM(A1) | *b* \u{1},丁,1980-01-01,是,是\n",
    );
    // CSV: formulas get an apostrophe, and parse back exactly.
    let (_, text) = check(&[&council, "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(&text.as_bytes()[3..]);
    let groups: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[4].to_string())
        .filter(|g| !g.is_empty())
        .collect();
    assert!(
        groups.contains(&"'=HYPERLINK(\"http://x\")".to_string()),
        "{groups:?}"
    );
    assert!(groups.contains(&"'-1+2".to_string()), "{groups:?}");
    assert!(groups.contains(&"<script>alert(1)</script>".to_string()));
    // The control character is shown escaped in every format (#14.19).
    assert!(groups.contains(&"'@SUM(A1) | *b* \\u{1}".to_string()));

    // HTML: escaped, no script element.
    let (_, html) = check(&[&council, "--format", "html"]);
    assert!(!html.contains("<script"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));

    // Markdown: the pipe cannot split a cell, the tag is inert.
    let (_, md) = check(&[&council, "--format", "markdown"]);
    assert!(md.contains("@SUM(A1) \\| \\*b\\*"), "{md}");
    assert!(md.contains("\\<script\\>alert(1)\\</script\\>"));

    // JUnit: still well-formed XML (the control character escaped).
    let (_, xml) = check(&[&council, "--format", "junit"]);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed");
    assert!(doc.descendants().any(|n| n
        .attribute("name")
        .is_some_and(|a| a.contains("[<script>alert(1)</script>]"))));
    assert!(xml.contains("@SUM(A1) | *b* \\u{1}"));
}

#[test]
fn html_is_self_contained() {
    let html = format("html");
    for banned in [
        "http:", "https:", "<script", "<link", "<img", "url(", "@import", "src=",
    ] {
        assert!(!html.contains(banned), "the report contains {banned}");
    }
    assert!(html.starts_with("<!DOCTYPE html><html lang=\"zh-CN\">"));
    assert!(html.contains("@page { size: A4;"));
    // One bar per measured result with a value (not the four not-applicable ones,
    // the skipped one, nor the two societies whose rating is unreadable: 0/0).
    assert_eq!(html.matches("<svg").count(), 203);
    assert!(html.contains("aria-label=\"实际 206/300 = 68.67%，目标 ≥ 70%\""));
    assert!(html.contains("需再增加 4 名基层一线代表（替换），或增补 14 名"));
    // The data issues with file and line.
    assert!(html.contains("<td>examples/taizhou-2017/committee.csv</td><td class=\"num\">36</td>"));
    let (_, en) = check(&[EXAMPLES, "--format", "html", "--lang", "en"]);
    assert!(en.starts_with("<!DOCTYPE html><html lang=\"en\">"));
    assert!(en.contains("<h1>Reform target check</h1>"));
}
