//! Workbooks as an attacker or a careless office makes them: cells at the far
//! corner, lying counts, huge strings, huge merges, zips of whitespace (each
//! run under a 1 GiB memory limit), hidden sheets, files named for another
//! type, date serials no calendar has, and Excel row numbers in issues.
mod common;

use common::*;
use serde_json::Value;
use std::io::Write;

const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;
const NS: &str = r#"xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;

/// A sheet: (name, hidden, sheet XML body inside `<worksheet>`).
struct Part<'a> {
    name: &'a str,
    hidden: bool,
    body: String,
}

/// The parts of a workbook with these sheets, shared strings and styles
/// (style 1 is a date format).
fn parts(sheets: &[Part], strings: &str) -> Vec<(String, Vec<u8>)> {
    let mut book = format!("{HEAD}<workbook {NS}><sheets>");
    let mut rels = format!(
        "{HEAD}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
         <Relationship Id=\"rIdS\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
         <Relationship Id=\"rIdT\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    );
    let mut out = Vec::new();
    for (i, s) in sheets.iter().enumerate() {
        let state = if s.hidden { r#" state="hidden""# } else { "" };
        book += &format!(
            r#"<sheet name="{}" sheetId="{}"{state} r:id="rId{}"/>"#,
            s.name,
            i + 1,
            i + 1
        );
        rels += &format!(
            r#"<Relationship Id="rId{}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{}.xml"/>"#,
            i + 1,
            i + 1
        );
        out.push((
            format!("xl/worksheets/sheet{}.xml", i + 1),
            format!("{HEAD}<worksheet {NS}>{}</worksheet>", s.body).into_bytes(),
        ));
    }
    book += "</sheets></workbook>";
    rels += "</Relationships>";
    out.push(("xl/workbook.xml".into(), book.into_bytes()));
    out.push(("xl/_rels/workbook.xml.rels".into(), rels.into_bytes()));
    out.push((
        "xl/styles.xml".into(),
        format!(
            "{HEAD}<styleSheet {NS}><numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"yyyy\\-mm\\-dd\"/></numFmts>\
             <cellXfs count=\"2\"><xf numFmtId=\"0\"/><xf numFmtId=\"164\" applyNumberFormat=\"1\"/></cellXfs></styleSheet>"
        )
        .into_bytes(),
    ));
    let mut types = format!(
        "{HEAD}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
         <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
         <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
         <Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
         <Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
    );
    for i in 0..sheets.len().max(1) {
        types += &format!(
            "<Override PartName=\"/xl/worksheets/sheet{}.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>",
            i + 1
        );
    }
    if !strings.is_empty() {
        types += "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>";
        out.push(("xl/sharedStrings.xml".into(), strings.as_bytes().to_vec()));
    }
    types += "</Types>";
    out.push(("[Content_Types].xml".into(), types.into_bytes()));
    out.push((
        "_rels/.rels".into(),
        format!(
            "{HEAD}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
             <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"
        )
        .into_bytes(),
    ));
    out
}

/// The parts zipped with deflate, as Excel does.
fn zip(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in parts {
        w.start_file(name.as_str(), opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// An inline-string cell.
fn s(r: &str, text: &str) -> String {
    format!(r#"<c r="{r}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// A delegates roster: header on row 2 under a title row, four delegates
/// (rows 3–6), three of them front-line; `extra` goes into `<sheetData>`
/// after them, `after` after `</sheetData>`.
fn roster(extra: &str, after: &str) -> String {
    let rows = [
        ("张一", "企业", "是"),
        ("李二", "高校", "是"),
        ("王三", "党政机关", "否"),
        ("赵四", "企业", "是"),
    ];
    let mut xml = format!(
        "<sheetData><row r=\"1\">{}</row><row r=\"2\">{}{}{}{}</row>",
        s("A1", "泰州市科协代表名单"),
        s("A2", "姓名"),
        s("B2", "出生日期"),
        s("C2", "单位类型"),
        s("D2", "是否基层一线"),
    );
    for (i, (name, unit, front)) in rows.iter().enumerate() {
        let r = i + 3;
        xml += &format!(
            r#"<row r="{r}">{}<c r="B{r}" s="1"><v>29221</v></c>{}{}</row>"#,
            s(&format!("A{r}"), name),
            s(&format!("C{r}"), unit),
            s(&format!("D{r}"), front),
        );
    }
    xml += extra;
    xml += "</sheetData>";
    xml += after;
    xml
}

fn book(body: String) -> Vec<u8> {
    zip(&parts(
        &[Part {
            name: "名单",
            hidden: false,
            body,
        }],
        "",
    ))
}

/// Runs the real binary under a 1 GiB address-space limit.
fn run_limited(args: &[&str]) -> (i32, String, String) {
    let bin = env!("CARGO_BIN_EXE_reformcheck");
    let mut script = format!("ulimit -v 1048576; exec '{bin}'");
    for a in args {
        script += &format!(" '{a}'");
    }
    let out = std::process::Command::new("sh")
        .args(["-c", &script])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `check delegates=PATH --format json --as-of 2024-06-30` under the limit.
fn check_limited(path: &str) -> (i32, Value, String) {
    let bound = format!("delegates={path}");
    let (code, out, err) =
        run_limited(&["check", &bound, "--format", "json", "--as-of", "2024-06-30"]);
    let json = serde_json::from_str(&out).unwrap_or(Value::Null);
    (code, json, err)
}

fn frontline(json: &Value) -> (i64, i64) {
    let r = result(json, "delegates.frontline", None);
    (
        r["numerator"].as_i64().unwrap(),
        r["denominator"].as_i64().unwrap(),
    )
}

#[test]
fn a_plain_roster_reads_three_of_four_front_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "名单.xlsx", &book(roster("", "")));
    let (code, json, err) = check_limited(&path);
    assert_eq!(code, 0, "{err}");
    assert_eq!(frontline(&json), (3, 4));
    // 1980-01-01 from serial 29221: all four are 44 on 2024-06-30.
    let youth = result(&json, "delegates.youth", None);
    assert_eq!(youth["numerator"], 4);
}

#[test]
fn one_cell_at_the_far_corner_costs_one_cell() {
    let dir = tempfile::tempdir().unwrap();
    let corner = format!(r#"<row r="1048576">{}</row>"#, s("XFD1048576", "x"));
    let path = write(&dir, "名单.xlsx", &book(roster(&corner, "")));
    assert!(std::fs::metadata(&path).unwrap().len() < 4096);
    let (code, json, err) = check_limited(&path);
    assert_eq!(code, 1, "{err}");
    // The corner's row is one more delegate, unknown, whose cell lies
    // outside the header's columns (an issue says so).
    let r = result(&json, "delegates.frontline", None);
    assert_eq!(
        (&r["numerator"], &r["denominator"], &r["unknown"]),
        (&3.into(), &5.into(), &1.into())
    );
    let line = json["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["line"] == 1_048_576)
        .count();
    assert!(line >= 1, "{json}");
}

#[test]
fn a_lying_unique_count_reserves_nothing_huge() {
    let dir = tempfile::tempdir().unwrap();
    let strings = format!(
        r#"{HEAD}<sst {NS} count="4000000000" uniqueCount="4000000000"><si><t>赵四</t></si></sst>"#
    );
    let mut body = roster("", "");
    body = body.replace(&s("A6", "赵四"), r#"<c r="A6" t="s"><v>0</v></c>"#);
    let bytes = zip(&parts(
        &[Part {
            name: "名单",
            hidden: false,
            body,
        }],
        &strings,
    ));
    let path = write(&dir, "名单.xlsx", &bytes);
    let (code, json, err) = check_limited(&path);
    assert_eq!(code, 0, "{err}");
    assert_eq!(frontline(&json), (3, 4));
}

#[test]
fn a_huge_shared_string_in_5000_cells_is_refused_naming_the_cell() {
    let dir = tempfile::tempdir().unwrap();
    let big = "甲".repeat(4 << 20 >> 1);
    let strings = format!(r#"{HEAD}<sst {NS} uniqueCount="1"><si><t>{big}</t></si></sst>"#);
    let mut extra = String::new();
    for r in 7..5007 {
        extra += &format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#);
    }
    let bytes = zip(&parts(
        &[Part {
            name: "名单",
            hidden: false,
            body: roster(&extra, ""),
        }],
        &strings,
    ));
    let path = write(&dir, "名单.xlsx", &bytes);
    let (code, _, err) = check_limited(&path);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(
            "：xl/sharedStrings.xml 中有超过 1 MiB 的空白或无标记内容，不是 Excel 保存的工作簿"
        ),
        "{err}"
    );
}

#[test]
fn a_shared_string_longer_than_a_cell_is_refused_naming_the_cell() {
    let dir = tempfile::tempdir().unwrap();
    let strings = format!(
        r#"{HEAD}<sst {NS} uniqueCount="2"><si><t>赵四</t></si><si><t>{}</t></si></sst>"#,
        "甲".repeat(32_768)
    );
    let exact = format!(
        r#"{HEAD}<sst {NS} uniqueCount="2"><si><t>赵四</t></si><si><t>{}</t></si></sst>"#,
        "甲".repeat(32_767)
    );
    let extra = r#"<row r="7"><c r="A7" t="s"><v>0</v></c><c r="C7" t="s"><v>1</v></c></row>"#;
    for (strings, fits) in [(strings, false), (exact, true)] {
        let bytes = zip(&parts(
            &[Part {
                name: "名单",
                hidden: false,
                body: roster(extra, ""),
            }],
            &strings,
        ));
        let path = write(&dir, "名单.xlsx", &bytes);
        let (code, json, err) = check_limited(&path);
        if fits {
            // Exactly Excel's limit: read, an unknown unit type.
            assert_eq!(code, 1, "{err}");
            let r = result(&json, "delegates.frontline", None);
            assert_eq!((&r["denominator"], &r["unknown"]), (&5.into(), &1.into()));
        } else {
            assert_eq!(code, 2, "{err}");
            assert!(
                err.contains("：单元格 C7（第 7 行）超过 32767 个字符，超出 Excel 单元格的上限：请删短该单元格后再试"),
                "{err}"
            );
        }
    }
}

#[test]
fn a_hundred_merges_down_to_the_last_row_fill_only_the_data_rows() {
    let dir = tempfile::tempdir().unwrap();
    let merges: String = (0..100)
        .map(|_| r#"<mergeCell ref="A3:A1048576"/>"#)
        .collect();
    let after = format!(r#"<mergeCells count="100">{merges}</mergeCells>"#);
    let path = write(&dir, "名单.xlsx", &book(roster("", &after)));
    let started = std::time::Instant::now();
    let (code, json, err) = check_limited(&path);
    assert!(started.elapsed().as_secs() < 10);
    assert_eq!(code, 0, "{err}");
    // Rows 4–6 hold their own names: nothing to fill, four delegates.
    assert_eq!(frontline(&json), (3, 4));
}

#[test]
fn merged_empty_cells_right_of_the_data_do_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    // Rows 3–6 merged across E:H and down F3:F6, right of the header's last column.
    let after =
        r#"<mergeCells count="2"><mergeCell ref="E3:H3"/><mergeCell ref="F3:F6"/></mergeCells>"#;
    let extra = format!(r#"<row r="7">{}<c r="F7"/></row>"#, s("A7", "钱五"));
    let path = write(&dir, "名单.xlsx", &book(roster(&extra, after)));
    let (code, json, err) = check_limited(&path);
    assert_eq!(code, 1, "{err}");
    // 钱五 has no unit type and no flag: unknown.
    let r = result(&json, "delegates.frontline", None);
    assert_eq!(
        (&r["numerator"], &r["denominator"], &r["unknown"]),
        (&3.into(), &5.into(), &1.into())
    );
}

#[test]
fn a_society_merged_down_its_members_fills_each_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut xml = format!(
        "<sheetData><row r=\"1\">{}{}{}</row>",
        s("A1", "学会名称"),
        s("B1", "姓名"),
        s("C1", "是否基层一线")
    );
    for (r, society, name, front) in [
        (2, "甲会", "张一", "是"),
        (3, "", "李二", "否"),
        (4, "乙会", "王三", "是"),
    ] {
        let first = if society.is_empty() {
            String::new()
        } else {
            s(&format!("A{r}"), society)
        };
        xml += &format!(
            r#"<row r="{r}">{first}{}{}</row>"#,
            s(&format!("B{r}"), name),
            s(&format!("C{r}"), front)
        );
    }
    xml += r#"</sheetData><mergeCells count="1"><mergeCell ref="A2:A3"/></mergeCells>"#;
    let path = write(&dir, "会员代表.xlsx", &book(xml));
    let bound = format!("society_delegates={path}");
    let (_, json) = check_json(&[&bound, "--as-of", "2024-06-30"]);
    let jia = result(&json, "society_delegates.frontline", Some("甲会"));
    assert_eq!(
        (&jia["numerator"], &jia["denominator"]),
        (&1.into(), &2.into())
    );
    let yi = result(&json, "society_delegates.frontline", Some("乙会"));
    assert_eq!(
        (&yi["numerator"], &yi["denominator"]),
        (&1.into(), &1.into())
    );
}

/// A deflate bit stream (RFC 1951), written by hand so a test can make a
/// gigabyte of output from a few megabytes without compressing it.
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn new() -> Bits {
        Bits {
            out: Vec::new(),
            acc: 0,
            n: 0,
        }
    }

    /// `len` bits, least significant first.
    fn bits(&mut self, v: u64, len: u32) {
        self.acc |= v << self.n;
        self.n += len;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// A Huffman code, most significant bit first.
    fn code(&mut self, code: u64, len: u32) {
        let mut rev = 0;
        for i in 0..len {
            rev |= ((code >> i) & 1) << (len - 1 - i);
        }
        self.bits(rev, len);
    }

    /// A stored (uncompressed) block, not final.
    fn stored(&mut self, bytes: &[u8]) {
        self.bits(0, 3);
        self.bits(0, self.n.wrapping_neg() % 8);
        self.out.extend((bytes.len() as u16).to_le_bytes());
        self.out.extend((!(bytes.len() as u16)).to_le_bytes());
        self.out.extend(bytes);
    }

    /// A byte with the fixed Huffman code (ASCII only: codes 0–143).
    fn literal(&mut self, b: u8) {
        assert!(b < 144);
        self.code(0x30 + u64::from(b), 8);
    }

    /// 258 copies of the byte before (length code 285, distance code 0).
    fn repeat258(&mut self) {
        self.code(0b1100_0101, 8);
        self.code(0, 5);
    }
}

/// A zip holding one deflated part, with the sizes given (its CRC is left
/// zero: the reader stops long before it would check it).
fn raw_zip(name: &[u8], data: &[u8], size: u32) -> Vec<u8> {
    let mut zip = Vec::new();
    let header = |sig: &[u8], central: bool| {
        let mut h = sig.to_vec();
        if central {
            h.extend(20u16.to_le_bytes());
        }
        h.extend(20u16.to_le_bytes()); // version needed
        h.extend(0u16.to_le_bytes()); // flags
        h.extend(8u16.to_le_bytes()); // deflate
        h.extend([0u8; 4]); // time, date
        h.extend(0u32.to_le_bytes()); // CRC (never reached)
        h.extend((data.len() as u32).to_le_bytes());
        h.extend(size.to_le_bytes());
        h.extend((name.len() as u16).to_le_bytes());
        h.extend(0u16.to_le_bytes());
        if central {
            h.extend([0u8; 10]); // comment len, disk, attrs
            h.extend(0u32.to_le_bytes()); // local header offset
        }
        h.extend(name);
        h
    };
    zip.extend(header(b"PK\x03\x04", false));
    zip.extend(data);
    let cd_start = zip.len() as u32;
    zip.extend(header(b"PK\x01\x02", true));
    let cd_len = zip.len() as u32 - cd_start;
    zip.extend(b"PK\x05\x06");
    zip.extend([0u8; 4]);
    zip.extend(1u16.to_le_bytes());
    zip.extend(1u16.to_le_bytes());
    zip.extend(cd_len.to_le_bytes());
    zip.extend(cd_start.to_le_bytes());
    zip.extend(0u16.to_le_bytes());
    zip
}

/// A zip entry whose deflate stream is one space and then `copies` × 258
/// more, written by hand (fixed Huffman codes): 13 bytes per 2,064 spaces.
fn whitespace_zip(prefix: &str, copies: usize) -> Vec<u8> {
    let mut b = Bits::new();
    // A stored block with the prefix, then one final fixed-Huffman block.
    let p = prefix.as_bytes();
    b.bits(0, 1);
    b.bits(0, 2);
    b.bits(0, 5);
    b.out.extend((p.len() as u16).to_le_bytes());
    b.out.extend((!(p.len() as u16)).to_le_bytes());
    b.out.extend(p);
    b.bits(1, 1);
    b.bits(1, 2);
    b.code(0x30 + u64::from(b' '), 8);
    let pair = |b: &mut Bits| {
        b.code(0b1100_0101, 8); // length 258
        b.code(0, 5); // distance 1
    };
    pair(&mut b); // 3 + 8 + 13 = 24 bits: byte-aligned from here
    assert_eq!(b.n, 0);
    let mut unit = Bits::new();
    for _ in 0..8 {
        pair(&mut unit);
    }
    for _ in 0..(copies - 1) / 8 {
        b.out.extend_from_slice(&unit.out);
    }
    b.code(0, 7); // end of block
    b.bits(0, 7);
    let data = b.out;
    let size = (p.len() + 1 + 258 * (1 + (copies - 1) / 8 * 8)) as u32;
    raw_zip(b"xl/worksheets/sheet1.xml", &data, size)
}

#[test]
fn a_zip_of_whitespace_stops_after_a_mebibyte() {
    // 1.5 GB of spaces inside a cell's value, in a 10 MB file; the other
    // parts are copied in from a small book.
    let copies = 6_000_000;
    let sheet = whitespace_zip(
        &format!(r#"{HEAD}<worksheet {NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>"#),
        copies,
    );
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "名单.xlsx", &patch_sheets(sheet));
    assert!(std::fs::metadata(&path).unwrap().len() < 12 << 20);
    let (code, _, err) = check_limited(&path);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(
            "xl/worksheets/sheet1.xml 中有超过 1 MiB 的空白或无标记内容，不是 Excel 保存的工作簿"
        ),
        "{err}"
    );
}

#[test]
fn markup_without_content_stops_at_64_mib() {
    // `<x/>` and 512 KiB of spaces, 400 times: 200 MB of XML that holds
    // no cell, in a 1.3 MB file. Each run of spaces is under the 1 MiB run
    // limit, so it is the content allowance that stops it.
    let head = format!("{HEAD}<worksheet {NS}><sheetData>");
    let mut b = Bits::new();
    b.stored(head.as_bytes());
    b.bits(1, 1);
    b.bits(1, 2);
    let runs = 512 * 1024 / 258;
    let mut size = head.len();
    for _ in 0..400 {
        for &c in b"<x/> " {
            b.literal(c);
        }
        for _ in 0..runs {
            b.repeat258();
        }
        size += 5 + runs * 258;
    }
    b.code(0, 7);
    b.bits(0, 7);
    let sheet = raw_zip(b"xl/worksheets/sheet1.xml", &b.out, size as u32);
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "名单.xlsx", &patch_sheets(sheet));
    let (code, _, err) = check_limited(&path);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("：xl/worksheets/sheet1.xml 解压后远大于其中的实际内容（压缩炸弹？），已停止读取：请在 Excel 中打开并另存为 .xlsx 后再试"),
        "{err}"
    );
}

/// Rewrites the workbook part so it lists sheet1.
fn patch_sheets(bytes: Vec<u8>) -> Vec<u8> {
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let whole = parts(
        &[Part {
            name: "名单",
            hidden: false,
            body: String::new(),
        }],
        "",
    );
    for i in 0..src.len() {
        let f = src.by_index_raw(i).unwrap();
        if f.name().unwrap() == "xl/worksheets/sheet1.xml" {
            w.raw_copy_file(f).unwrap();
        }
    }
    let opts = zip::write::SimpleFileOptions::default();
    for (name, bytes) in whole {
        if name.starts_with("xl/worksheets/") {
            continue;
        }
        w.start_file(name.as_str(), opts).unwrap();
        w.write_all(&bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// The JSON issues as (line, column, value).
fn issues(json: &Value) -> Vec<(i64, String, String)> {
    json["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["line"].as_i64().unwrap(),
                i["column"].as_str().unwrap().to_string(),
                i["value"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn date_serials_no_calendar_has_are_issues_and_unknown() {
    let dir = tempfile::tempdir().unwrap();
    // Rows 4 and 5: date-formatted cells holding 1e10 and 0.5; row 6 the
    // last day Excel knows, 2958465 = 9999-12-31 (a real date, born after
    // the reference date: not this helper's item).
    let body = roster("", "")
        .replace(
            r#"<c r="B4" s="1"><v>29221</v></c>"#,
            r#"<c r="B4" s="1"><v>10000000000</v></c>"#,
        )
        .replace(
            r#"<c r="B5" s="1"><v>29221</v></c>"#,
            r#"<c r="B5" s="1"><v>0.5</v></c>"#,
        );
    let path = write(&dir, "名单.xlsx", &book(body));
    let (code, json, err) = check_limited(&path);
    // Two of four are 44; the other two are unknown, and 2/4 ≥ 1/3 anyway.
    assert_eq!(code, 0, "{err}");
    let youth = result(&json, "delegates.youth", None);
    assert_eq!(
        (
            &youth["numerator"],
            &youth["denominator"],
            &youth["unknown"]
        ),
        (&2.into(), &4.into(), &2.into())
    );
    assert_eq!(
        issues(&json),
        vec![
            (4, "出生日期".into(), "10000000000".into()),
            (5, "出生日期".into(), "0.5".into()),
        ]
    );
}

#[test]
fn issues_name_the_excel_row_below_title_rows() {
    let dir = tempfile::tempdir().unwrap();
    // Two title rows and a blank row above the header (row 4); the bad
    // date is on Excel row 7; rows 5–6 are fine, row 8 has no flag.
    let mut xml = format!(
        "<sheetData><row r=\"1\">{}</row><row r=\"2\">{}</row><row r=\"4\">{}{}{}</row>",
        s("A1", "泰州市科协第九次代表大会代表名单"),
        s("A2", "（2024年6月）"),
        s("A4", "姓名"),
        s("B4", "出生日期"),
        s("C4", "是否基层一线"),
    );
    for (r, name, date, front) in [
        (5, "张一", "1980-01-01", "是"),
        (6, "李二", "1981-02-02", "是"),
        (7, "王三", "1982-13-45", "否"),
        (8, "赵四", "1983-03-03", ""),
    ] {
        xml += &format!(
            r#"<row r="{r}">{}{}{}</row>"#,
            s(&format!("A{r}"), name),
            s(&format!("B{r}"), date),
            s(&format!("C{r}"), front)
        );
    }
    xml += "</sheetData>";
    let path = write(&dir, "名单.xlsx", &book(xml));
    let bound = format!("delegates={path}");
    let (code, out, err) = run(&[
        "check",
        &bound,
        "--format",
        "json",
        "--as-of",
        "2024-06-30",
        "--explain",
        "delegates.frontline",
    ]);
    assert_eq!(code, 1, "{err}");
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        issues(&json),
        vec![
            (7, "出生日期".into(), "1982-13-45".into()),
            (8, "是否基层一线".into(), String::new()),
        ]
    );
    // --explain lists the rows that do not count, by Excel row.
    let r = result(&json, "delegates.frontline", None);
    let lines: Vec<i64> = r["explanation"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["line"].as_i64().unwrap())
        .collect();
    assert_eq!(lines, vec![7, 8]);
}

#[test]
fn a_hidden_first_sheet_is_skipped_and_said_so() {
    let dir = tempfile::tempdir().unwrap();
    // The hidden sheet holds last term's roster: one delegate, front-line.
    let old = format!(
        "<sheetData><row r=\"1\">{}{}</row><row r=\"2\">{}{}</row></sheetData>",
        s("A1", "姓名"),
        s("B1", "是否基层一线"),
        s("A2", "旧人"),
        s("B2", "是")
    );
    let bytes = zip(&parts(
        &[
            Part {
                name: "上届",
                hidden: true,
                body: old,
            },
            Part {
                name: "名单",
                hidden: false,
                body: roster("", ""),
            },
        ],
        "",
    ));
    let path = write(&dir, "名单.xlsx", &bytes);
    let bound = format!("delegates={path}");
    let (code, out, err) = run(&["check", &bound, "--format", "json", "--as-of", "2024-06-30"]);
    assert_eq!(code, 0, "{err}");
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(frontline(&json), (3, 4));
    assert!(
        err.contains("的隐藏工作表 上届 未读取，读取的是第一张可见的工作表“名单”"),
        "{err}"
    );
    // Asked for by name, the hidden sheet is read.
    let named = format!("delegates={path}#上届");
    let (code, json) = check_json(&[&named, "--as-of", "2024-06-30"]);
    // That sheet has no birth dates: the youth share is not checked (exit 1).
    assert_eq!(code, 1);
    assert_eq!(frontline(&json), (1, 1));
    // Every report names the file and sheet read (here the hidden one asked for).
    assert_eq!(json["sources"][0]["dataset"], "delegates");
    assert_eq!(json["sources"][0]["file"], path.as_str());
    assert_eq!(json["sources"][0]["sheet"], "上届");
    for format in ["table", "markdown", "html"] {
        let (_, out, _) = run(&["check", &bound, "--format", format, "--as-of", "2024-06-30"]);
        assert!(
            out.contains(&format!("数据来源：delegates ← {path}（工作表 名单）")),
            "{format}: {out}"
        );
    }
    let (_, out, _) = run(&["check", &bound, "--format", "csv", "--as-of", "2024-06-30"]);
    let row = out
        .lines()
        .find(|l| l.starts_with("delegates.frontline,"))
        .unwrap();
    assert!(row.ends_with(&format!(",{path},名单")), "{row}");
    assert!(out
        .lines()
        .next()
        .unwrap()
        .ends_with(",source_file,source_sheet"));
    let (_, out, _) = run(&[
        "check",
        &bound,
        "--format",
        "junit",
        "--as-of",
        "2024-06-30",
    ]);
    assert!(
        out.contains(r#"<property name="source_sheet" value="名单"/>"#),
        "{out}"
    );
    assert!(out.contains(&format!(r#"<property name="source_file" value="{path}"/>"#)));
    // validate says which sheet it read.
    let (_, out, _) = run(&["validate", &bound]);
    assert!(out.contains("工作表 名单（跳过隐藏工作表 上届）"), "{out}");
}

#[test]
fn files_are_read_by_what_they_hold_not_their_names() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "姓名,是否基层一线\r\n张一,是\r\n李二,否\r\n";
    // A CSV named .xlsx: read as CSV, with a notice.
    let fake = write(&dir, "名单.xlsx", csv);
    let bound = format!("delegates={fake}");
    let (code, out, err) = run(&["check", &bound, "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(frontline(&json), (1, 2));
    assert!(
        err.contains(
            "名单.xlsx 不是 Excel 工作簿，而是文本（CSV）文件，按 CSV 读取；建议把扩展名改为 .csv"
        ),
        "{err}"
    );
    // A workbook named .csv: read as a workbook, with a notice.
    let book_csv = write(&dir, "代表.csv", &book(roster("", "")));
    let bound = format!("delegates={book_csv}");
    let (code, out, err) = run(&["check", &bound, "--format", "json", "--as-of", "2024-06-30"]);
    assert_eq!(code, 0, "{err}");
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(frontline(&json), (3, 4));
    assert!(
        err.contains(
            "代表.csv 其实是 .xlsx 工作簿（不是 .csv 文件），按工作簿读取；建议把扩展名改为 .xlsx"
        ),
        "{err}"
    );
    // An old .xls (an OLE compound file) named .xlsx: said what it is; this
    // one is damaged, so the error says so and what to do.
    let mut xls = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    xls.extend([0u8; 504]);
    let old = write(&dir, "旧表.xlsx", &xls);
    let bound = format!("delegates={old}");
    let (code, _, err) = run(&["check", &bound, "--lang", "en"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(
            "旧表.xlsx is really an old .xls workbook (not a .xlsx file) and is read as one"
        ),
        "{err}"
    );
    assert!(
        err.contains("旧表.xlsx: cannot read the workbook ("),
        "{err}"
    );
    assert!(
        err.contains("): open it in Excel and save it as .xlsx, then try again"),
        "{err}"
    );
}

/// `tests/fixtures/workbook/roster.xls`, written by xlwt: a hidden first
/// sheet `上届` (one delegate), then `名单` like [`roster`] (title row, header
/// on row 2, four delegates born 1980-01-01 in date cells), with empty
/// merged regions right of the data (E3:H3 and F3:F6).
fn xls_fixture() -> String {
    format!(
        "{}/tests/fixtures/workbook/roster.xls",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn an_xls_with_a_hidden_sheet_and_merges_right_of_the_data() {
    let path = xls_fixture();
    let bound = format!("delegates={path}");
    let (code, out, err) = run(&["check", &bound, "--format", "json", "--as-of", "2024-06-30"]);
    assert_eq!(code, 0, "{err}");
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(frontline(&json), (3, 4));
    assert_eq!(result(&json, "delegates.youth", None)["numerator"], 4);
    assert_eq!(json["issues"], Value::Array(vec![]));
    assert_eq!(json["sources"][0]["sheet"], "名单");
    assert!(
        err.contains("roster.xls 的隐藏工作表 上届 未读取，读取的是第一张可见的工作表“名单”"),
        "{err}"
    );
}

#[test]
fn an_xls_renamed_xlsx_is_read_as_xls_with_a_notice() {
    let dir = tempfile::tempdir().unwrap();
    let renamed = write(&dir, "名单.xlsx", &std::fs::read(xls_fixture()).unwrap());
    let bound = format!("delegates={renamed}");
    let (code, out, err) = run(&["check", &bound, "--format", "json", "--as-of", "2024-06-30"]);
    assert_eq!(code, 0, "{err}");
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(frontline(&json), (3, 4));
    assert!(
        err.contains("名单.xlsx 其实是旧版 .xls 工作簿（不是 .xlsx 文件），按 .xls 读取；建议把扩展名改为 .xls，或在 Excel 中另存为 .xlsx"),
        "{err}"
    );
}

#[test]
fn an_xls_cut_short_is_an_error_not_a_panic() {
    // Found by the `workbook` fuzz target: calamine asserted on a table
    // whose last sector is cut short (exit 101).
    let path = format!(
        "{}/tests/fixtures/workbook/cut-short.xls",
        env!("CARGO_MANIFEST_DIR")
    );
    let (code, _, err) = check_limited(&path);
    assert_eq!(code, 2, "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.contains("cut-short.xls：无法读取工作簿（the file is cut short）：请在 Excel 中打开并另存为 .xlsx 后再试"),
        "{err}"
    );
}

#[test]
fn an_xls_whose_sector_chain_loops_is_refused_not_grown_without_end() {
    // Found by the `workbook` fuzz target: 6 KB that made calamine ask for 4 GB.
    let path = format!(
        "{}/tests/fixtures/workbook/looping-chain.xls",
        env!("CARGO_MANIFEST_DIR")
    );
    let (code, _, err) = check_limited(&path);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("looping-chain.xls：无法读取工作簿（a sector chain loops）：请在 Excel 中打开并另存为 .xlsx 后再试"),
        "{err}"
    );
}

#[test]
fn a_far_cell_in_every_row_costs_its_cells_not_the_width() {
    // 20,000 delegates, each row with a stray cell at XFD: reading used to
    // visit all 16,384 columns of every row.
    let mut xml = format!(
        "<sheetData><row r=\"1\">{}{}</row>",
        s("A1", "姓名"),
        s("B1", "是否基层一线")
    );
    for r in 2..20_002 {
        xml += &format!(
            r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c>{}<c r="XFD{r}"><v>1</v></c></row>"#,
            s(&format!("B{r}"), if r % 4 == 0 { "否" } else { "是" })
        );
    }
    xml += "</sheetData>";
    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "名单.xlsx", &book(xml));
    let started = std::time::Instant::now();
    let (code, json, err) = check_limited(&path);
    let elapsed = started.elapsed();
    // No birth dates: the youth share is not checked (exit 1).
    assert_eq!(code, 1, "{err}");
    assert_eq!(frontline(&json), (15_000, 20_000));
    // Each row's stray cell is an issue on its own row.
    let issues = json["issues"].as_array().unwrap();
    assert_eq!(issues.len(), 20_000);
    assert_eq!(issues[0]["line"], 2);
    assert_eq!(issues[19_999]["line"], 20_001);
    assert!(elapsed.as_secs() < 30, "{elapsed:?}");
}

#[test]
fn xls_sheets_declaring_far_more_cells_than_they_hold_are_refused() {
    // huge-dimensions.xls (a fuzz find): a DIMENSIONS record of 4 billion
    // rows made calamine reserve 252 GB. far-corners.xls (xlwt): four
    // sheets with a cell at IV65536 each, laid out as 4 × 16.7 million cells.
    for name in ["huge-dimensions.xls", "far-corners.xls"] {
        let path = format!(
            "{}/tests/fixtures/workbook/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let (code, _, err) = check_limited(&path);
        assert_eq!(code, 2, "{name}: {err}");
        assert!(
            err.contains(&format!("{name}：无法读取工作簿（its sheets declare far more cells than the file holds）：请在 Excel 中打开并另存为 .xlsx 后再试")),
            "{err}"
        );
    }
}
