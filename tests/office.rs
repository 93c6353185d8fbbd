//! Office files as they really arrive: GBK and BOM CSVs, Excel workbooks with
//! title rows and date cells, ID numbers, full-width digits, 万元 units,
//! duplicates — every fixture written here, by the test itself, and every
//! result and message asserted exactly. Also `validate` and `template`.

mod common;

use common::*;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use serde_json::Value;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// Status, numerator, denominator, unknown and shortfall (JSON text).
fn assert_result(r: &Value, status: &str, num: &str, den: &str, unknown: u64, shortfall: &str) {
    assert_eq!(r["status"], status, "{r}");
    assert_eq!(r["numerator"].to_string(), num, "{r}");
    assert_eq!(r["denominator"].to_string(), den, "{r}");
    assert_eq!(r["unknown"], unknown, "{r}");
    let expected: Value = serde_json::from_str(shortfall).unwrap();
    assert_eq!(r["shortfall"], expected, "{r}");
}

// ---- fake ID numbers, with check digits computed here independently ----

/// ISO 7064 MOD 11-2: Σ digit × 2^(17−i) mod 11 → "10X98765432".
fn check_char(first17: &str) -> char {
    let sum: u64 = first17
        .chars()
        .enumerate()
        .map(|(i, c)| u64::from(c.to_digit(10).unwrap()) * (1u64 << (17 - i)) % 11)
        .sum();
    "10X98765432".chars().nth((sum % 11) as usize).unwrap()
}

/// An obviously fake 18-digit number: area 321200 is the city-level code,
/// which no person is given.
fn id18(birth: &str, seq: &str) -> String {
    let first17 = format!("321200{birth}{seq}");
    format!("{first17}{}", check_char(&first17))
}

/// The same number with a wrong check character.
fn bad_check(id: &str) -> String {
    let last = id.chars().last().unwrap();
    let wrong = if last == '0' { '1' } else { '0' };
    format!("{}{wrong}", &id[..17])
}

fn masked(id: &str) -> String {
    format!("{}**********{}", &id[..4], &id[14..])
}

#[test]
fn the_test_ids_have_correct_check_digits() {
    // GB 11643-1999's own example.
    assert_eq!(check_char("11010519491231002"), 'X');
    // Checked with an independent Python computation: Σ = 190, 190 mod 11 = 3 → 9.
    assert_eq!(id18("19800513", "001"), "321200198005130019");
}

// ---- encodings ----

const ROSTER: &str = "泰州市科协代表名单（示例）,,,,\n\
    姓名,出生日期,单位类型,是否基层一线,身份证号\n\
    张　一,１９８０．０５．１２,企业,,\n\
    李二,1975.03,党政机关,Ｎ,\n\
    王三,197503,高校,√,\n\
    赵四,,乡镇（街道）,,ID\n";

#[test]
fn the_same_roster_in_utf8_bom_utf16_and_gbk_gives_identical_results() {
    let dir = tempfile::tempdir().unwrap();
    let text = ROSTER.replace("ID", &id18("19900701", "002"));
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(text.as_bytes());
    let (gbk, _, lossy) = encoding_rs::GBK.encode(&text);
    assert!(!lossy);
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
    let files = [
        ("utf8.csv", text.as_bytes().to_vec(), "UTF-8"),
        ("bom.csv", bom, "UTF-8 (BOM)"),
        ("gbk.csv", gbk.into_owned(), "GB18030"),
        ("utf16.csv", utf16, "UTF-16LE"),
    ];
    let mut reference: Option<Value> = None;
    for (name, bytes, encoding) in files {
        let path = write(&dir, name, &bytes);
        let arg = format!("delegates={path}");
        let (code, json) = check_json(&[&arg, "--as-of", "2026-05-12"]);
        assert_eq!(code, 0, "{name}");
        // 企业, 高校 (√), 乡镇（街道） are front-line, 李二 (Ｎ) is not: 3 of 4.
        assert_result(
            result(&json, "delegates.frontline", None),
            "pass",
            "3",
            "4",
            0,
            "null",
        );
        // 1980-05-12 is 45 on the day of the 46th birthday; the ID number
        // gives 1990-07-01; 1975.03 and 197503 are 51.
        assert_result(
            result(&json, "delegates.youth", None),
            "pass",
            "2",
            "4",
            0,
            "null",
        );
        assert_eq!(json["issues"], Value::Array(vec![]), "{name}");
        match &reference {
            None => reference = Some(json["results"].clone()),
            Some(r) => assert_eq!(&json["results"], r, "{name} differs"),
        }
        let (code, out, _) = run(&["validate", &arg]);
        assert_eq!(code, 0, "{name}: {out}");
        assert!(
            out.starts_with(&format!("delegates ← {path}（{encoding}，4 行）\n")),
            "{out}"
        );
    }
}

#[test]
fn forcing_the_wrong_encoding_fails_with_offset_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let (gbk, _, _) = encoding_rs::GBK.encode("姓名,是否基层一线\n张三,是\n");
    let path = write(&dir, "delegates.csv", &gbk);
    let (code, _, err) = run(&["check", &path, "--encoding", "utf-8", "--lang", "en"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        format!(
            "error: {path}: not valid UTF-8 text (as --encoding says): the first bad byte is at \
             byte offset 0 (line 1); save the file again as CSV UTF-8, or leave out --encoding\n"
        )
    );
    // `gbk` is accepted as a name for GB18030.
    let (code, out, _) = run(&["validate", &path, "--encoding", "gbk"]);
    assert_eq!(
        (code, out.contains("（GB18030，1 行）")),
        (0, true),
        "{out}"
    );
}

#[test]
fn bytes_valid_in_neither_encoding_name_offset_and_line() {
    let dir = tempfile::tempdir().unwrap();
    // GBK text, then a byte that is a GB18030 lead byte without its trail byte.
    let (mut bytes, _, _) = encoding_rs::GBK.encode("姓名,是否基层一线\n张三,是\n");
    let start = bytes.len();
    bytes.to_mut().extend(b"\x81,\xe6\x98\xaf\n");
    let path = write(&dir, "delegates.csv", &bytes);
    let (code, _, err) = run(&["validate", &path, "--lang", "en"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        format!(
            "error: {path}: neither UTF-8 nor GB18030 (GBK) text: the first byte that is not \
             valid GB18030 (GBK) is at byte offset {start} (line 3); fix or delete that \
             character, or save the file again as CSV UTF-8\n"
        )
    );
}

// ---- Excel ----

/// A roster workbook: a merged title row and a note above the headers, date
/// cells, a birth month stored as the number 1975.1, an ID number stored as
/// a number, 单位类型 merged down three rows, and formatted empty rows below.
fn roster_workbook(path: &Path, sheets: &[&str], roster_sheet: &str) {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let center = Format::new().set_bold();
    let border = Format::new().set_border(rust_xlsxwriter::FormatBorder::Thin);
    for &name in sheets {
        let ws = book.add_worksheet();
        ws.set_name(name).unwrap();
        if name != roster_sheet {
            ws.write_string(0, 0, "填表说明：请在下一张表中填写")
                .unwrap();
            continue;
        }
        ws.merge_range(0, 0, 0, 5, "泰州市科协第十次代表大会代表名单", &center)
            .unwrap();
        ws.write_string(1, 0, "填报单位：泰州市科协").unwrap();
        for (c, h) in [
            "序号",
            "姓名",
            "出生年月",
            "身份证号",
            "单位类型",
            "是否基层一线",
        ]
        .iter()
        .enumerate()
        {
            ws.write_string(2, c as u16, *h).unwrap();
        }
        let names = ["张一", "李二", "王三", "赵四", "钱五", "孙六"];
        for (i, n) in names.iter().enumerate() {
            ws.write_number(3 + i as u32, 0, (i + 1) as f64).unwrap();
            ws.write_string(3 + i as u32, 1, *n).unwrap();
        }
        ws.write_datetime_with_format(3, 2, ExcelDateTime::from_ymd(1980, 5, 12).unwrap(), &date)
            .unwrap();
        ws.write_string(4, 2, "1975.03").unwrap();
        ws.write_number(5, 2, 1975.1).unwrap();
        ws.write_string(6, 3, id18("19900701", "002")).unwrap();
        ws.write_number(7, 2, 197503.0).unwrap();
        ws.write_number(7, 3, 321200198005120013.0).unwrap();
        ws.write_datetime_with_format(8, 2, ExcelDateTime::from_ymd(1960, 1, 1).unwrap(), &date)
            .unwrap();
        ws.merge_range(3, 4, 5, 4, "企业", &Format::new()).unwrap();
        ws.write_string(6, 4, "党政机关").unwrap();
        ws.write_string(7, 4, "高校").unwrap();
        ws.write_string(8, 4, "社会组织").unwrap();
        ws.write_string(5, 5, "是").unwrap();
        ws.write_string(8, 5, "否").unwrap();
        for row in 9..14 {
            for col in 0..6 {
                ws.write_blank(row, col, &border).unwrap();
            }
        }
    }
    book.save(path).unwrap();
}

const AMBIGUOUS: &str = "可能是1975年1月，也可能是1975年10月（数字格式会把 1975.10 存成 1975.1），\
    按未知处理：请写成 1975.01 或 1975.10，并把该列设为文本格式";
const NUMERIC_ID: &str = "身份证号存成了数字，Excel 只保留15位，后几位已丢失，未使用：\
    请把该列设为文本格式后重新录入";

#[test]
fn an_excel_roster_with_a_title_row_merged_cells_and_date_cells() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("名单.xlsx");
    roster_workbook(&book, &["代表名单", "说明"], "代表名单");
    let arg = format!("delegates={}", book.display());
    let (code, json) = check_json(&[&arg, "--as-of", "2026-05-12"]);
    // 企业 (merged over 张一, 李二, 王三), 高校 are front-line; 党政机关 and an
    // explicit 否 are not: 4 of 6 < 70%.
    assert_result(
        result(&json, "delegates.frontline", None),
        "fail",
        "4",
        "6",
        0,
        r#"{"numerator":1,"add":1}"#,
    );
    // 45 or younger: 张一 (date cell 1980-05-12) and 赵四 (ID number, 1990);
    // 王三's 1975.1 is January or October, unknown; the others are older.
    assert_result(
        result(&json, "delegates.youth", None),
        "pass",
        "2",
        "6",
        1,
        "null",
    );
    assert_eq!(code, 1);
    // Lines are the workbook's row numbers; the number-cell ID is masked.
    assert_eq!(
        issues(&json),
        vec![
            issue(6, "出生年月", "1975.1", AMBIGUOUS),
            issue(8, "身份证号", "3212**********0000", NUMERIC_ID),
            issue(
                9,
                "是否基层一线",
                "否",
                "填的是“否”，但“单位类型”为“社会组织”，按方案应为“是”：已按填写的“否”计算，请核对"
            ),
        ]
    );
    let file = format!("{}", book.display());
    assert_eq!(json["issues"][0]["file"], file);
}

#[test]
fn a_sheet_is_picked_by_name_or_the_first_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("delegates.xlsx");
    roster_workbook(&book, &["说明", "名单"], "名单");
    let path = book.display().to_string();
    // The first sheet holds only a note: no 姓名 column there.
    let (code, _, err) = run(&["check", "--lang", "en", &path]);
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "delegates.xlsx: no `name` column (姓名 / 代表姓名), which every delegates file needs; \
             headers found: 填表说明：请在下一张表中填写"
        ),
        "{err}"
    );
    let by_suffix = format!("{path}#名单");
    let named = format!("delegates={path}#名单");
    for args in [
        vec!["validate", by_suffix.as_str()],
        vec!["validate", named.as_str()],
        vec!["validate", path.as_str(), "--sheet", "名单"],
    ] {
        let (code, out, err) = run(&args);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(out.contains("（工作表 名单，6 行）"), "{out}");
    }
    let missing = format!("{path}#花名册");
    let (code, _, err) = run(&["check", &missing]);
    assert_eq!(code, 2);
    assert!(
        err.contains("delegates.xlsx：没有名为“花名册”的工作表（现有：说明、名单）：请写成 NAME="),
        "{err}"
    );
}

// ---- ID numbers ----

/// The IDs of the ID-number fixture, in row order.
struct Ids {
    a: String,
    b15: String,
    b18: String,
    c_bad_check: String,
    d_bad_date: String,
    e: String,
    f: String,
    g: String,
}

fn ids() -> Ids {
    let b18 = id18("19800514", "003");
    Ids {
        a: id18("19800513", "001"),
        b15: "321200800514003".to_string(),
        b18,
        c_bad_check: bad_check(&id18("19850101", "004")),
        d_bad_date: id18("19800230", "005"),
        e: id18("19750320", "006"),
        f: id18("19750402", "007"),
        g: id18("19751008", "008"),
    }
}

fn id_roster(dir: &TempDir) -> String {
    let i = ids();
    let text = format!(
        "姓名,出生日期,公民身份号码,是否基层一线\n\
         甲,,{},是\n\
         乙,,{},是\n\
         丙,,{},是\n\
         丁,,{},是\n\
         戊,1975.03,{},是\n\
         己,1975-03-21,{},是\n\
         庚,1975.1,{},是\n\
         辛,,3.21200E+17,是\n\
         壬,,,是\n",
        i.a, i.b15, i.c_bad_check, i.d_bad_date, i.e, i.f, i.g
    );
    write(dir, "delegates.csv", text.as_bytes())
}

#[test]
fn id_numbers_give_birth_dates_and_their_errors_are_issues() {
    let dir = tempfile::tempdir().unwrap();
    let path = id_roster(&dir);
    let i = ids();
    let (code, json) = check_json(&[&path, "--as-of", "2026-05-12"]);
    // 45 or younger on 2026-05-12: 甲 (1980-05-13) and 乙 (15-digit, 1980-05-14).
    // 戊 (1975.03 refined by the ID to 1975-03-20) and 庚 (1975.1 settled by the
    // ID as October) are older. 丙 丁 己 辛 壬 are unknown.
    assert_result(
        result(&json, "delegates.youth", None),
        "indeterminate",
        "2",
        "9",
        5,
        r#"{"numerator":1,"add":2}"#,
    );
    assert_eq!(code, 1);
    assert_eq!(
        issues(&json),
        vec![
            issue(
                4,
                "公民身份号码",
                &masked(&i.c_bad_check),
                "身份证号校验位不符，可能有数字录错：请核对"
            ),
            issue(
                5,
                "公民身份号码",
                &masked(&i.d_bad_date),
                "身份证号中的出生日期不存在：请核对"
            ),
            issue(
                7,
                "出生日期",
                "1975-03-21",
                &format!(
                    "与身份证号 {} 中的出生日期 1975-04-02 不一致，按未知处理：请核对",
                    masked(&i.f)
                )
            ),
            issue(
                9,
                "公民身份号码",
                "3.*******17",
                "身份证号变成了科学计数法，后几位已丢失：请把该列设为文本格式后重新录入"
            ),
            issue(
                10,
                "出生日期",
                "",
                "单元格为空，且“公民身份号码”也为空，无法判断：请填写"
            ),
        ]
    );
}

#[test]
fn no_output_ever_shows_a_whole_id_number() {
    let dir = tempfile::tempdir().unwrap();
    let path = id_roster(&dir);
    let i = ids();
    let whole = [
        &i.a,
        &i.b15,
        &i.b18,
        &i.c_bad_check,
        &i.d_bad_date,
        &i.e,
        &i.f,
        &i.g,
    ];
    // Also the duplicate report, and an Excel number cell.
    let dup = write(
        &dir,
        "committee.csv",
        format!("姓名,身份证号\n甲,{}\n乙,{}\n", i.a, i.a).as_bytes(),
    );
    let book = dir.path().join("society_council.xlsx");
    roster_workbook(&book, &["名单"], "名单");
    let book_arg = format!("delegates={}", book.display());
    let runs: Vec<Vec<&str>> = vec![
        vec!["check", &path, &dup, "--as-of", "2026-05-12"],
        vec![
            "check",
            &path,
            &dup,
            "--as-of",
            "2026-05-12",
            "--lang",
            "en",
        ],
        vec!["check", &path, &dup, "--format", "json", "--all-issues"],
        vec!["validate", &path, &dup, "--all-issues"],
        vec!["validate", &path, &dup, "--format", "json", "--lang", "en"],
        vec!["validate", &book_arg],
    ];
    for args in runs {
        let (_, out, err) = run(&args);
        assert!(!out.is_empty(), "{args:?}");
        for id in whole {
            assert!(!out.contains(id.as_str()), "{args:?} shows {id}:\n{out}");
            assert!(!err.contains(id.as_str()), "{args:?} shows {id}:\n{err}");
            // Not even without its check digit.
            assert!(!out.contains(&id[..14]), "{args:?}:\n{out}");
        }
        assert!(!out.contains("321200198005120000"), "{args:?}:\n{out}");
    }
}

// ---- duplicates ----

#[test]
fn the_same_person_twice_is_an_issue_naming_both_lines() {
    let dir = tempfile::tempdir().unwrap();
    let i = ids();
    let text = format!(
        "姓名,出生日期,身份证号\n\
         甲,,{}\n\
         乙,1980-01-02,\n\
         甲,,321200800513001\n\
         乙,1980-01-02,\n\
         王 五,1990-01-01,\n\
         王五,1990-01-01,\n\
         王五,1990-01-02,\n",
        i.a
    );
    assert_eq!(&i.a[..6], "321200");
    let path = write(&dir, "delegates.csv", text.as_bytes());
    let (code, json) = check_json(&[&path, "--as-of", "2026-05-12"]);
    assert_eq!(
        issues(&json),
        vec![
            // The 15-digit legacy form of the same number: one issue, although
            // name and birth date repeat too.
            issue(
                4,
                "身份证号",
                &masked(&i.a),
                "与第 2 行的身份证号相同，重复登记：请核对后删除其中一行"
            ),
            issue(
                5,
                "姓名",
                "乙, 1980-01-02",
                "与第 3 行的姓名、出生日期相同，重复登记：请核对后删除其中一行"
            ),
            issue(
                7,
                "姓名",
                "王五, 1990-01-01",
                "与第 6 行的姓名、出生日期相同，重复登记：请核对后删除其中一行"
            ),
        ]
    );
    // Duplicates are reported, not removed: all 7 rows count.
    assert_eq!(result(&json, "delegates.youth", None)["denominator"], 7);
    // Without a front-line column delegates.frontline is not checked: exit 1 (issue 10.3).
    assert_eq!(code, 1);
    let (_, out, _) = run(&["validate", &path, "--lang", "en"]);
    assert!(
        out.contains("    line 5 [姓名] \"乙, 1980-01-02\" same 姓名, 出生日期 as line 3: listed twice; check and delete one of the two rows\n"),
        "{out}"
    );
}

#[test]
fn every_repeat_in_a_large_roster_is_found_with_its_first_line() {
    // 30,000 rows (past the first sizing of the duplicate filter and many
    // windows of keys): every 7th row repeats the person of a row about
    // two thirds of the way back; a repeat of a repeat names the first line.
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("姓名,出生日期\n");
    let mut person_of_line = Vec::new();
    let mut expected = Vec::new();
    let mut first = std::collections::HashMap::new();
    for k in 0..30_000u64 {
        let line = k + 2;
        let person = if k % 7 == 6 {
            person_of_line[(k * 2 / 3) as usize]
        } else {
            k
        };
        person_of_line.push(person);
        match first.get(&person) {
            Some(&f) => expected.push((line, f)),
            None => {
                first.insert(person, line);
            }
        }
        text.push_str(&format!("代表{person},{}-01-01\n", 1950 + person % 50));
    }
    let path = write(&dir, "delegates.csv", text.as_bytes());
    let (_, json) = check_json(&[&path, "--as-of", "2026-05-12"]);
    let found: Vec<(u64, u64)> = json["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let message = i["message"].as_str().unwrap();
            let first: u64 = message
                .strip_prefix("与第 ")
                .and_then(|m| m.split(' ').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("{message}"));
            (i["line"].as_u64().unwrap(), first)
        })
        .collect();
    assert!(expected.len() > 4_000, "{}", expected.len());
    assert_eq!(found, expected);
}

// ---- values people type; units in headers ----

#[test]
fn full_width_values_and_units_in_headers_are_read_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let text = "市（区）,年度,乡镇（街道）数,已建科协组织的乡镇（街道）数,常住人口（万人）,\
                财政科普经费（万元）,公民具备科学素质比例,独立建制,设立党组,听取科协工作汇报\n\
                甲区,２０２４,１２,１２,50.0001,150.0003,１５．３％,是,√,Ｙ\n\
                乙区,2024,10,9,20,59.9999,0.15,有,无,×\n";
    let path = write(&dir, "districts.csv", text.as_bytes());
    let (code, json) = check_json(&[&path, "--as-of", "2026-01-01"]);
    assert_eq!(code, 1);
    // 150.0003万元 / 50.0001万人 = 1,500,003 / 500,001 = 3 yuan exactly.
    assert_result(
        result(&json, "districts.popsci_funding", Some("甲区")),
        "pass",
        "1500003",
        "500001",
        0,
        "null",
    );
    assert_result(
        result(&json, "districts.popsci_funding", Some("乙区")),
        "fail",
        "599999",
        "200000",
        0,
        r#"{"numerator":1,"add":null}"#,
    );
    // 各级: each level is held on its own; no pooled funding figure is shown.
    assert!(!json["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["rule"] == "districts.popsci_funding" && r["pooled"] == true));
    assert_result(
        result(&json, "districts.township_coverage", Some("total")),
        "fail",
        "21",
        "22",
        0,
        r#"{"numerator":1,"add":null}"#,
    );
    assert_result(
        result(&json, "districts.township_coverage", Some("甲区")),
        "pass",
        "12",
        "12",
        0,
        "null",
    );
    // 15.3% of 500,001 people and 15% of 200,000.
    let lit = result(&json, "districts.science_literacy", Some("total"));
    assert_eq!(lit["status"], "pass");
    assert_eq!(lit["numerator"].to_string(), "106500.153");
    assert_eq!(lit["denominator"].to_string(), "700001");
    for (rule, a, b) in [
        ("districts.independent_party_group", "pass", "fail"),
        ("districts.annual_report", "pass", "fail"),
    ] {
        assert_eq!(result(&json, rule, Some("甲区"))["status"], a, "{rule}");
        assert_eq!(result(&json, rule, Some("乙区"))["status"], b, "{rule}");
    }
    assert_eq!(json["issues"], Value::Array(vec![]));
}

#[test]
fn an_unknown_unit_in_a_header_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        &dir,
        "districts.csv",
        "市（区）,年度,常住人口（千人）\n甲区,2024,500\n".as_bytes(),
    );
    let (code, _, err) = run(&["check", &path, "--lang", "en"]);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        format!(
            "error: {path}: column `常住人口（千人）`: unit `千人` is not one the rule pack knows \
             for `population` (人, 万人): convert the values and use one of those units in the header\n"
        )
    );
}

#[test]
fn an_expired_rating_counts_as_no_rating() {
    let dir = tempfile::tempdir().unwrap();
    let text = "学会名称,级别,评估等级,评估等级有效期至,上联国家或省级学会,下带县级学会\n\
                甲学会,市级,ＡＡＡ,2020-12-31,是,否\n\
                乙学会,市级,4A级,2023-12-31,是,是\n\
                丙学会,市级,3A,,是,否\n\
                丁学会,市级,5A,2021-01-01,否,否\n";
    let path = write(&dir, "societies.csv", text.as_bytes());
    let status = |as_of: &str, society: &str| -> String {
        let (_, json) = check_json(&[&path, "--as-of", as_of]);
        result(&json, "societies.upper_lower_link", Some(society))["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // On 2021-01-01 甲学会's AAA (valid until 2020-12-31) has expired: it is
    // not rated 3A or above, so the rule does not apply to it.
    let (_, json) = check_json(&[&path, "--as-of", "2021-01-01"]);
    let groups: Vec<&str> = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["rule"] == "societies.upper_lower_link")
        .map(|r| r["group"].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(groups, ["乙学会", "丙学会", "丁学会"]);
    assert_eq!(status("2021-01-01", "乙学会"), "pass");
    assert_eq!(status("2021-01-01", "丙学会"), "fail");
    // Valid through its last day.
    assert_eq!(status("2021-01-01", "丁学会"), "fail");
    // A day earlier the AAA still counts, and 甲学会 is not linked downward.
    assert_eq!(status("2020-12-31", "甲学会"), "fail");
}

// ---- the data-quality report ----

#[test]
fn the_table_lists_the_first_issues_and_all_issues_lists_all() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("姓名,出生日期,是否基层一线\n");
    for n in 0..25 {
        text.push_str(&format!("人{n},1980-13-45,是\n"));
    }
    let path = write(&dir, "delegates.csv", text.as_bytes());
    let (code, out, _) = run(&["check", &path, "--as-of", "2026-05-12"]);
    assert_eq!(code, 1);
    let tail = format!(
        "\n数据问题 25 处：\n  {path}（25 处）\n    第 2 行 [出生日期] “1980-13-45” 无法识别的日期：请写成 1980-05-12 或 1980.05\n"
    );
    assert!(out.contains(&tail), "{out}");
    assert!(out.contains("    第 21 行 [出生日期]"), "{out}");
    assert!(!out.contains("    第 22 行 [出生日期]"), "{out}");
    assert!(out
        .ends_with("  ……另有 5 处未列出：加 --all-issues 列出全部（--format json 也列出全部）\n"));
    let (_, all, _) = run(&["check", &path, "--as-of", "2026-05-12", "--all-issues"]);
    assert!(
        all.ends_with(
            "    第 26 行 [出生日期] “1980-13-45” 无法识别的日期：请写成 1980-05-12 或 1980.05\n"
        ),
        "{all}"
    );
    let (_, json) = check_json(&[&path, "--as-of", "2026-05-12"]);
    assert_eq!(json["issues"].as_array().unwrap().len(), 25);
}

// ---- validate ----

#[test]
fn validate_exits_0_clean_1_with_issues_2_unusable() {
    let dir = tempfile::tempdir().unwrap();
    let clean = write(
        &dir,
        "delegates.csv",
        "姓名,单位类型\n张三,企业\n".as_bytes(),
    );
    let (code, out, _) = run(&["validate", &clean]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        format!(
            "delegates ← {clean}（UTF-8，1 行）；缺少列 birth_date (出生日期)，用到它的规则将跳过\n\n没有发现数据问题。\n"
        )
    );
    let bad = write(
        &dir,
        "committee.csv",
        "姓名,是否常委,行业领域\n张三,也许,电子\n".as_bytes(),
    );
    let (code, out, _) = run(&["validate", &bad, "--format", "json"]);
    assert_eq!(code, 1);
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        json["files"][0],
        serde_json::json!({"dataset": "committee", "file": bad, "read_as": "UTF-8", "rows": 1,
            "missing_columns": ["frontline (是否基层一线)", "vice_chair (是否兼职副主席)"]})
    );
    assert_eq!(
        json["summary"],
        serde_json::json!({"files": 1, "rows": 1, "issues": 1})
    );
    assert_eq!(
        issues(&json),
        vec![issue(
            2,
            "是否常委",
            "也许",
            "无法识别的是/否值：请填写 是 或 否"
        )]
    );
    let unusable = write(&dir, "societies.csv", "名称\n甲\n".as_bytes());
    let (code, _, err) = run(&["validate", "--lang", "en", &unusable]);
    assert_eq!(code, 2);
    assert!(err.contains("no `society` column"), "{err}");
}

// ---- template ----

#[test]
fn template_writes_a_bom_csv_with_headers_and_an_example_row() {
    let out = reformcheck()
        .args(["template", "delegates"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "\u{feff}姓名,出生日期,身份证号,工作单位,单位类型,是否基层一线\n\
         张三,1980-05-12,,泰州市某某科技有限公司,企业,是\n"
    );
    let (_, en, _) = run(&["template", "districts", "--lang", "en"]);
    assert!(
        en.starts_with("\u{feff}district,year,independent,party_group,annual_report,townships,")
    );
    let (code, _, err) = run(&["template", "people"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("没有名为“people”的数据集（可用：delegates, committee"),
        "{err}"
    );
}

#[test]
fn every_template_validates_clean_as_csv_and_as_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    for dataset in [
        "delegates",
        "committee",
        "society_delegates",
        "society_council",
        "societies",
        "districts",
    ] {
        for (ext, extra) in [("csv", None), ("xlsx", Some("--xlsx"))] {
            let file: PathBuf = dir.path().join(format!("{dataset}.{ext}"));
            let f = file.display().to_string();
            let mut args = vec!["template", dataset, "--output", &f];
            args.extend(extra);
            let (code, out, err) = run(&args);
            assert_eq!((code, out), (0, format!("已写入 {f}\n")), "{err}");
            let (code, out, err) = run(&["validate", &f, "--as-of", "2026-01-01"]);
            assert_eq!(code, 0, "{dataset}.{ext}: {out}{err}");
            assert!(out.contains("1 行）"), "{out}");
            let (code, _, err) = run(&["check", &f, "--as-of", "2026-01-01"]);
            assert!(code == 0 || code == 1, "{dataset}.{ext}: {err}");
        }
    }
    // Without --output, .xlsx goes to DATASET.xlsx in the current directory;
    // an untouched template there is replaced (a filled one is not: tests/outputs.rs).
    let out = reformcheck()
        .current_dir(dir.path())
        .args(["template", "delegates", "--xlsx"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "已写入 delegates.xlsx\n"
    );
}

#[test]
fn broken_and_empty_workbooks_are_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    // A zip that is no workbook (a CSV renamed .xlsx is read as CSV: tests/workbook.rs).
    let fake = write(&dir, "delegates.xlsx", b"PK\x03\x04name,frontline\nx,1\n");
    let (code, _, err) = run(&["check", &fake]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with(&format!("错误：{fake}：不是能读取的 .xlsx 工作簿（")),
        "{err}"
    );
    let empty = dir.path().join("committee.xlsx");
    let mut book = Workbook::new();
    book.add_worksheet();
    book.save(&empty).unwrap();
    let (code, _, err) = run(&["check", empty.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("the file is empty: it needs a header row and at least one data row"),
        "{err}"
    );
}

#[test]
fn id_numbers_in_the_wrong_place_are_masked_too() {
    let dir = tempfile::tempdir().unwrap();
    let id = id18("19800513", "001");
    // No header row: the first data row is shown as "headers found".
    let headerless = write(
        &dir,
        "society_council.csv",
        format!("甲学会,张三,{id}\n乙学会,李四,{id}\n").as_bytes(),
    );
    let (code, out, err) = run(&["check", "--lang", "en", &headerless]);
    assert_eq!(code, 2);
    assert!(
        err.ends_with(&format!("headers found: 甲学会, 张三, {}\n", masked(&id))),
        "{err}"
    );
    // An ID number in the birth-date column (columns shifted by one).
    let shifted = write(
        &dir,
        "delegates.csv",
        format!("姓名,出生日期,是否基层一线\n张三,{id},是\n").as_bytes(),
    );
    let (_, json) = check_json(&[&shifted, "--as-of", "2026-05-12"]);
    assert_eq!(json["issues"][0]["value"], masked(&id));
    for text in [out, err, json.to_string()] {
        assert!(!text.contains(&id), "{text}");
    }
}

/// The engine knows nothing of Taizhou: a custom pack uses the same column
/// options — ID numbers, a derived birth date, units, expiry, duplicates.
#[test]
fn a_custom_pack_uses_the_new_column_options() {
    let dir = tempfile::tempdir().unwrap();
    let pack = "plan: {id: t, title: {zh: 测试}, document: 测试〔2024〕1号}\n\
        datasets:\n  staff:\n    title: {zh: 职工}\n    key: name\n    unique: [[idno]]\n    columns:\n      \
        name: {type: text, headers: [姓名]}\n      \
        idno: {type: id_number, headers: [证件号]}\n      \
        born: {type: date, headers: [生日], derive: {from: idno}}\n      \
        pay: {type: number, headers: [工资], units: {千元: 1000}}\n      \
        grade: {type: int, headers: [职级], valid_until: until}\n      \
        until: {type: date, headers: [职级有效期]}\n\
        rules:\n  - id: staff.young\n    clause: 一\n    title: {zh: 青年比例}\n    quote: 青年\n    \
        dataset: staff\n    measure: {share: {age: {column: born, target: 35岁以下}}}\n    target: 超过1/2\n  \
        - id: staff.pay\n    clause: 二\n    title: {zh: 人均}\n    quote: 人均\n    dataset: staff\n    \
        measure: {ratio: {numerator: pay, denominator: grade}}\n    target: \">= 1000\"\n";
    let pack_path = write(&dir, "pack.yaml", pack.as_bytes());
    let a = id18("19950601", "011");
    let b = id18("19700101", "012");
    let data = format!(
        "职工名单\n姓名,证件号,生日,工资（千元）,职级,职级有效期\n\
         甲,{a},,1.5,1,2030-12-31\n\
         姓名,证件号,生日,工资（千元）,职级,职级有效期\n\
         乙,{b},,2.5,2,2020-06\n\
         丙,{a},,0.5,1,\n"
    );
    let data_path = write(&dir, "staff.csv", data.as_bytes());
    let (code, json) = check_json(&[&data_path, "--rules", &pack_path, "--as-of", "2024-07-01"]);
    // 甲 and 丙 (the same number) were born 1995: 2 of 3 are 35 or younger.
    assert_result(
        result(&json, "staff.young", None),
        "pass",
        "2",
        "3",
        0,
        "null",
    );
    // Pay in 千元 × 1000: 1500 + 2500 + 500 yuan. 乙's grade expired in June
    // 2020 and is unknown, so the known grades sum to 2.
    let pay = result(&json, "staff.pay", None);
    assert_eq!(pay["status"], "indeterminate", "{pay}");
    assert_eq!(
        (
            pay["numerator"].to_string(),
            pay["denominator"].to_string(),
            &pay["unknown"]
        ),
        ("4500".to_string(), "2".to_string(), &Value::from(1))
    );
    assert_eq!(
        issues(&json),
        vec![
            // Line 4 repeats the header row (a printed roster) and is skipped.
            issue(
                5,
                "职级",
                "2",
                "已于 2020-06 到期，按未知处理：请填写现行的值"
            ),
            issue(
                6,
                "证件号",
                &masked(&a),
                "与第 3 行的证件号相同，重复登记：请核对后删除其中一行"
            ),
        ]
    );
    assert_eq!(code, 1);
}
