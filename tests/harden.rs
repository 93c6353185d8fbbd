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

/// A roster as an office saves it: BOM, a title row, a blank line, a cell
/// that spans two lines, a bad date, a repeated person; `nl` ends each line.
fn office_roster(nl: &str) -> String {
    [
        "\u{feff}2025年代表名单",
        "",
        "姓名,出生日期,单位类型,备注",
        "张三,1980-13-45,企业,",
        &format!("李四,1980-01-01,党政机关,\"两行{nl}备注\""),
        "王五,1970-01-01,党政机关,",
        "赵六,1990-01-01,企业,",
        "王五,1970-01-01,党政机关,",
    ]
    .join(nl)
        + nl
}

#[test]
fn line_numbers_are_physical_for_lf_crlf_and_cr() {
    // #10.1: CRLF files were off by one (and CR-only files all line 1).
    let dir = tempfile::tempdir().unwrap();
    for (name, nl) in [("lf", "\n"), ("crlf", "\r\n"), ("cr", "\r")] {
        let text = office_roster(nl);
        // The fixture really has the line ends it is named after.
        assert_eq!(text.matches(nl).count(), 9, "{name}");
        let path = write(&dir, &format!("{name}.csv"), text.as_bytes());
        let (code, json, err) = check(&[
            &format!("delegates={path}"),
            "--explain",
            "delegates.frontline",
        ]);
        assert_eq!(code, 1, "{name}: {err}");
        let found: Vec<(u64, String)> = issues(&json).into_iter().map(|i| (i.0, i.1)).collect();
        assert_eq!(
            found,
            // The 备注 header is not the pack's: an issue on the header's line.
            [
                (3, "备注".to_string()),
                (4, "出生日期".to_string()),
                (9, "姓名".to_string())
            ],
            "{name}: {json}"
        );
        let dup = &issues(&json)[2].3;
        assert!(dup.contains("与第 7 行"), "{name}: {dup}");
        let rows: Vec<u64> = result(&json, "delegates.frontline", None)["explanation"]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["line"].as_u64().unwrap())
            .collect();
        assert_eq!(rows, [5, 7, 9], "{name}");
    }
}

#[test]
fn a_quote_never_closed_is_an_error_naming_its_line() {
    // #14.8: `"见附件` in a 备注 cell swallowed the rest of the file, which
    // then passed on the rows before it.
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("姓名,出生日期,单位类型,备注\r\n张三,1980-01-01,企业,\"见附件\r\n");
    for i in 0..20 {
        text += &format!("李{i},1960-01-01,党政机关,\r\n");
    }
    let path = write(&dir, "delegates.csv", &text);
    let (code, out, err) = run(&["check", &path, "--as-of", "2026-01-01"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        err.contains("delegates.csv：第 2 行的英文双引号 \" 直到文件末尾都没有配对"),
        "{err}"
    );
    let (code, _, err) = run(&["check", &path, "--lang", "en"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("delegates.csv: line 2: the double quote \" opened there is never closed"),
        "{err}"
    );
}

#[test]
fn a_row_with_more_cells_than_headers_counts_as_unknown() {
    // #10.6: `泰州,是` was an unquoted comma in the unit's name; the row's
    // front-line cell read `是` from the wrong column and passed.
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        &dir,
        "delegates.csv",
        "姓名,出生日期,工作单位,是否基层一线\r\n\
         张三,1980-01-01,泰州,是,否\r\n\
         李四,1980-01-01,泰州市科协,否\r\n\
         王五,1980-01-01,某公司,是\r\n",
    );
    let (code, json, err) = check(&[&path]);
    assert_eq!(code, 1, "{err}");
    let r = result(&json, "delegates.frontline", None);
    assert_eq!(
        (
            &r["numerator"],
            &r["denominator"],
            &r["unknown"],
            &r["status"]
        ),
        (
            &Value::from(1),
            &Value::from(3),
            &Value::from(1),
            &Value::from("fail")
        )
    );
    let found = issues(&json);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0, found[0].1.as_str()), (2, "第 5 列起"));
    assert!(found[0].3.contains("本行各项均按未知处理"), "{found:?}");
}

#[test]
fn a_number_of_200000_digits_is_an_issue_at_once() {
    // #14.6: reading it as an exact number took minutes.
    let dir = tempfile::tempdir().unwrap();
    let long = "9".repeat(200_000);
    let path = write(
        &dir,
        "districts.csv",
        &format!(
            "市（区）,年度,常住人口,财政科普经费（元）\r\n甲区,2025,{long},3000000\r\n乙区,2025,1000000,{}.5\r\n",
            "1".repeat(61)
        ),
    );
    let started = std::time::Instant::now();
    let (_, json, err) = check(&[&path]);
    assert!(started.elapsed().as_secs() < 20, "{err}");
    let found = issues(&json);
    let digits: Vec<_> = found
        .iter()
        .filter(|i| i.3.starts_with("数字位数过多"))
        .map(|i| (i.0, i.1.as_str(), i.3.as_str()))
        .collect();
    assert_eq!(
        digits,
        [
            (
                2,
                "常住人口",
                "数字位数过多（200000 位，最多 60 位），按未知处理：请检查是否误粘贴"
            ),
            (
                3,
                "财政科普经费（元）",
                "数字位数过多（62 位，最多 60 位），按未知处理：请检查是否误粘贴"
            ),
        ],
        "{found:?}"
    );
    // The value is shown cut short, not 200,000 digits.
    assert!(json.to_string().len() < 40_000);
}

#[test]
fn an_excel_serial_in_a_date_column_says_which_date_it_is() {
    // #14.20: 29221 was "not a date" with no hint.
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        &dir,
        "delegates.csv",
        "姓名,出生日期,单位类型\r\n张三,29221,企业\r\n",
    );
    let (_, json, _) = check(&[&path]);
    let found = issues(&json);
    assert_eq!(
        found,
        [(
            2,
            "出生日期".to_string(),
            "29221".to_string(),
            "看起来是 Excel 的日期序号（对应 1980-01-01）：日期在 CSV 中被存成了数字，按未知处理。\
             请在 Excel 中把该列设为日期格式后重新另存为 CSV，或直接写成 1980-01-01"
                .to_string()
        )]
    );
}

#[test]
fn a_year_written_with_nian_is_the_year() {
    // #14.20: `2024年` in the year column was an issue and the row left out.
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        &dir,
        "districts.csv",
        "市（区）,年度,乡镇（街道）数,已建科协组织的乡镇（街道）数\r\n\
         甲区,2024年,10,10\r\n乙区,2024 年度,8,7\r\n",
    );
    let (_, json, err) = check(&[&path]);
    assert!(issues(&json).is_empty(), "{json}");
    let total = result(&json, "districts.township_coverage", Some("total"));
    assert_eq!(
        (&total["numerator"], &total["denominator"]),
        (&Value::from(17), &Value::from(18)),
        "{err}"
    );
    assert_eq!(total["year"], 2024);
}

#[test]
fn binding_mistakes_get_plain_messages() {
    let dir = tempfile::tempdir().unwrap();
    // #14.20: `delegates=` without a path.
    let (code, _, err) = run(&["check", "delegates="]);
    assert_eq!(code, 2);
    assert!(
        err.contains("“delegates=”没有给出文件：请在 = 后写上文件路径，如 delegates=代表名单.csv"),
        "{err}"
    );
    // An upper-case `Delegates.CSV` in a folder binds to delegates.
    write(
        &dir,
        "Delegates.CSV",
        "姓名,出生日期,单位类型\r\n张三,1960-01-01,企业\r\n",
    );
    let folder = dir.path().display().to_string();
    let (code, json, err) = check(&[&folder]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(result(&json, "delegates.frontline", None)["numerator"], 1);
    // `--year` where no file has years.
    let (code, out, err) = run(&["check", &folder, "--year", "2024"]);
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("--year 2024：所给文件"), "{err}");
    assert!(err.contains("（delegates）没有年度列"), "{err}");
    assert!(err.contains("请去掉 --year"), "{err}");
}

#[test]
fn tab_and_semicolon_separated_files_are_read_with_a_notice() {
    // #14.20: such a file had one column, no key, exit 2.
    let dir = tempfile::tempdir().unwrap();
    for (name, sep, word) in [("tab", "\t", "制表符分隔"), ("semi", ";", "分号分隔")] {
        let text = format!(
            "代表名单\r\n姓名{sep}出生日期{sep}单位类型\r\n张三{sep}1960-01-01{sep}企业\r\n\
             李四{sep}1990-01-01{sep}党政机关\r\n王五{sep}1991-01-01{sep}\"高校,研究\"\r\n"
        );
        let path = write(&dir, &format!("{name}.csv"), &text);
        let (code, json, err) = check(&[&format!("delegates={path}")]);
        assert_eq!(code, 1, "{name}: {err}");
        let youth = result(&json, "delegates.youth", None);
        assert_eq!(
            (&youth["numerator"], &youth["denominator"]),
            (&Value::from(2), &Value::from(3))
        );
        let found = issues(&json);
        assert_eq!(found.len(), 2, "{name}: {found:?}");
        assert_eq!((found[0].0, found[0].1.as_str()), (2, ""));
        assert!(
            found[0]
                .3
                .starts_with(&format!("提示：此文件是{word}的文本")),
            "{found:?}"
        );
        // `高校,研究` is one (unknown) unit type, not two cells.
        assert_eq!((found[1].0, found[1].2.as_str()), (5, ""), "{found:?}");
    }
}

#[test]
fn utf16_without_a_bom_is_read() {
    // #14.20: it was "not valid UTF-8" at its first zero byte.
    let dir = tempfile::tempdir().unwrap();
    let text = "姓名,出生日期,单位类型\r\n张三,1960-01-01,企业\r\n李四,1990-13-01,企业\r\n";
    for (name, bytes) in [
        (
            "le",
            text.encode_utf16()
                .flat_map(|u| u.to_le_bytes())
                .collect::<Vec<u8>>(),
        ),
        (
            "be",
            text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect(),
        ),
    ] {
        let path = write(&dir, &format!("{name}.csv"), &bytes);
        let (code, json, err) = check(&[&format!("delegates={path}")]);
        assert_eq!(code, 1, "{name}: {err}");
        let found = issues(&json);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].0, found[0].1.as_str(), found[0].2.as_str()),
            (3, "出生日期", "1990-13-01")
        );
        let (_, out, _) = run(&["validate", &format!("delegates={path}")]);
        assert!(
            out.contains(&format!("UTF-16{} (no BOM)", name.to_uppercase())),
            "{out}"
        );
    }
}

#[test]
fn a_far_deadline_in_a_pack_is_rejected() {
    // #14.20: `9000年内` was printed as +11017-03-24.
    let dir = tempfile::tempdir().unwrap();
    let pack = std::fs::read_to_string("rules/taizhou-2017.yaml")
        .unwrap()
        .replacen("due: 3年内", "due: 9000年内", 1);
    let path = write(&dir, "pack.yaml", &pack);
    let (code, out, err) = run(&["rules", "--rules", &path]);
    assert_eq!(code, 2, "{out}");
    assert!(
        err.contains("期限“9000年内”为 +11017-03-24，不在 1949 至 2200 年之间，应是笔误"),
        "{err}"
    );
    assert!(!out.contains("+11017"));
}

#[test]
fn errors_mask_ids_and_escape_controls_too() {
    // #14.2/#14.18/#14.19: an error quoting a path or a cell goes through
    // the same filter as reports.
    let dir = tempfile::tempdir().unwrap();
    let name = format!("{}\u{1b}[2J.csv", fake_id("19800512", 7));
    let missing = dir.path().join(&name).display().to_string();
    let (code, _, err) = run(&["check", &format!("delegates={missing}")]);
    assert_eq!(code, 2);
    assert!(!err.contains(&fake_id("19800512", 7)[..15]), "{err}");
    assert!(!err.contains('\u{1b}'), "{err:?}");
    assert!(err.contains("3212**********"), "{err}");
    assert!(err.contains("\\u{1b}[2J.csv"), "{err}");
}
