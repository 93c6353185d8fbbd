//! A clerk's own roster: headers the pack does not know, total and note rows,
//! contact lines above the table, two-row headers, `--map`, `reformcheck.toml`,
//! value synonyms, binding by headers — each as an office would make it.

mod common;

use common::*;
use serde_json::Value;

fn counts(r: &Value) -> (String, String, String, u64) {
    (
        r["status"].as_str().unwrap().to_string(),
        r["numerator"].to_string(),
        r["denominator"].to_string(),
        r["unknown"].as_u64().unwrap(),
    )
}

fn c(status: &str, num: u64, den: u64, unknown: u64) -> (String, String, String, u64) {
    (status.into(), num.to_string(), den.to_string(), unknown)
}

const UNKNOWN_单位类别: &str = "表头“单位类别”不是本数据集认识的列，本列未读取：是不是“单位类型”？\
如果是，请把表头改为“单位类型”，或加参数 --map 单位类别=单位类型";
const SUMMARY: &str = "合计、注释或签名行，不是记录，未计入";

#[test]
fn an_unknown_header_is_an_issue_with_the_closest_known_one_and_names_the_skip() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        &dir,
        "delegates.csv",
        "姓名,性别,单位类别\n张三,男,企业\n李四,女,党政机关\n",
    );
    let (_, json) = check_json(&[&f, "--as-of", "2024-01-01"]);
    assert_eq!(
        issues(&json),
        vec![
            issue(
                1,
                "性别",
                "",
                "表头“性别”不是本数据集认识的列，本列未读取；如果它就是某一列，请用 --map 性别=列名"
            ),
            issue(1, "单位类别", "", UNKNOWN_单位类别),
        ]
    );
    let r = result(&json, "delegates.frontline", None);
    assert_eq!(r["status"], "skipped");
    let (_, out, _) = run(&["check", &f, "--as-of", "2024-01-01"]);
    assert!(
        out.contains(
            "文件缺少列：frontline (是否基层一线)（文件中的“单位类别”是不是“单位类型”？可加 --map 单位类别=单位类型）"
        ),
        "{out}"
    );
    let (_, out, _) = run(&["check", &f, "--as-of", "2024-01-01", "--lang", "en"]);
    assert!(
        out.contains("frontline (是否基层一线) (is the file's `单位类别` meant as `单位类型`? add --map 单位类别=单位类型)"),
        "{out}"
    );
}

#[test]
fn total_note_and_signature_rows_are_notices_not_records() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        &dir,
        "delegates.csv",
        "序号,姓名,单位类型\n1,张三,企业\n2,注册会计师,企业\n3,李四,党政机关\n,合计,3人\n\
         注：单位类型按统计口径填写,,\n填表人：王五,,\n",
    );
    let (code, json) = check_json(&[&f, "--as-of", "2024-01-01"]);
    assert_eq!(code, 1);
    assert_eq!(
        counts(result(&json, "delegates.frontline", None)),
        c("fail", 2, 3, 0)
    );
    assert_eq!(
        issues(&json),
        vec![
            issue(5, "姓名", "合计", SUMMARY),
            issue(6, "序号", "注：单位类型按统计口径填写", SUMMARY),
            issue(7, "序号", "填表人：王五", SUMMARY),
        ]
    );
}

#[test]
fn pre_numbered_blank_rows_and_a_city_total_are_not_records() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        &dir,
        "delegates.csv",
        "序号,姓名,是否基层一线\n1,张三,是\n2,李四,否\n3,,\n4,,\n5,,\n",
    );
    let (_, json) = check_json(&[&f, "--as-of", "2024-01-01"]);
    assert_eq!(
        counts(result(&json, "delegates.frontline", None)),
        c("fail", 1, 2, 0)
    );
    assert_eq!(
        issues(&json),
        vec![issue(
            4,
            "序号",
            "",
            "第 4 至 6 行中有 3 行只填了序号，不是记录，未计入"
        )]
    );
    let f = write(
        &dir,
        "districts.csv",
        "市（区）,年度,乡镇（街道）数,已建科协组织的乡镇（街道）数\n\
         海陵区,2024,10,10\n高港区,2024,8,8\n全市合计,2024,18,17\n",
    );
    let (code, json) = check_json(&[&f, "--as-of", "2024-12-31"]);
    // The file lacks most columns: those rules are not checked, which is unmet.
    assert_eq!(code, 1);
    let r = result(&json, "districts.township_coverage", Some("total"));
    assert_eq!(counts(r), c("pass", 18, 18, 0));
    assert!(json["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["group"] != "全市合计"));
    assert_eq!(
        issues(&json),
        vec![issue(4, "市（区）", "全市合计", SUMMARY)]
    );
}

#[test]
fn a_contact_line_above_the_table_is_not_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        &dir,
        "delegates.csv",
        "单位,泰州市科协,姓名,王五,电话,0523-86000000\n\
         \n\
         姓名,工作单位,单位类型,是否基层一线\n\
         张三,甲公司,企业,是\n李四,乙局,党政机关,否\n",
    );
    let (code, json) = check_json(&[&f, "--as-of", "2024-01-01"]);
    assert_eq!(code, 1);
    assert_eq!(
        counts(result(&json, "delegates.frontline", None)),
        c("fail", 1, 2, 0)
    );
    assert_eq!(issues(&json), vec![]);
}

#[test]
fn a_two_row_header_sub_row_is_not_a_record() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        &dir,
        "delegates.csv",
        "姓名,单位情况,,\n,工作单位,单位类型,是否基层一线\n张三,甲公司,企业,是\n李四,乙局,党政机关,否\n",
    );
    let (code, json) = check_json(&[&f, "--as-of", "2024-01-01"]);
    assert_eq!(code, 1);
    assert_eq!(
        counts(result(&json, "delegates.frontline", None)),
        c("fail", 1, 2, 0)
    );
    assert_eq!(issues(&json), vec![]);
}

#[test]
fn a_front_line_flag_the_unit_type_contradicts_is_an_issue_and_still_counts() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        &dir,
        "delegates.csv",
        "姓名,单位类型,是否基层一线\n张三,党政机关,是\n李四,企业,否\n王五,企业,是\n赵六,医院,否\n",
    );
    let (_, json) = check_json(&[&f, "--as-of", "2024-01-01"]);
    // The flags win: 张三 and 王五 are front-line.
    assert_eq!(
        counts(result(&json, "delegates.frontline", None)),
        c("fail", 2, 4, 0)
    );
    assert_eq!(
        issues(&json),
        vec![
            issue(
                2,
                "是否基层一线",
                "是",
                "填的是“是”，但“单位类型”为“党政机关”，按方案应为“否”：已按填写的“是”计算，请核对"
            ),
            issue(
                3,
                "是否基层一线",
                "否",
                "填的是“否”，但“单位类型”为“企业”，按方案应为“是”：已按填写的“否”计算，请核对"
            ),
        ]
    );
}

const ACCEPTED: &str = "企业、高校、科研院所、乡镇(街道)、乡镇、街道、社会组织、党政机关";

#[test]
fn the_pack_knows_common_spellings_and_lists_the_accepted_values_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        &dir,
        "delegates.csv",
        "姓名,单位类型\n甲,民营企业\n乙,国有企业\n丙,私营企业\n丁,高等院校\n戊,大 学\n\
         己,研究所\n庚,研究院\n辛,机关\n壬,医院\n",
    );
    let (_, json) = check_json(&[&f, "--as-of", "2024-01-01"]);
    assert_eq!(
        counts(result(&json, "delegates.frontline", None)),
        c("pass", 7, 9, 1)
    );
    assert_eq!(
        issues(&json),
        vec![issue(
            10,
            "是否基层一线",
            "",
            &format!(
                "单元格为空，且“单位类型”为“医院”，不在方案所列类型中，无法判断：\
                 请填写本列，或把“单位类型”改为其中之一：{ACCEPTED}"
            )
        )]
    );
}

/// A roster headed 单位类别, with 民营企业 and 私企.
const CLERK_ROSTER: &str = "姓名,单位类别\n张三,民营企业\n李四,党政机关\n王五,私企\n";

#[test]
fn map_flag_reads_a_header_as_a_column() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(&dir, "delegates.csv", CLERK_ROSTER);
    let (_, json) = check_json(&[&f, "--as-of", "2024-01-01", "--map", "单位类别=单位类型"]);
    let r = result(&json, "delegates.frontline", None);
    assert_eq!(counts(r), c("fail", 1, 3, 1));
    // The canonical name works too; an unknown column is exit 2.
    let (_, json) = check_json(&[&f, "--as-of", "2024-01-01", "--map", "单位类别=unit_type"]);
    assert_eq!(
        counts(result(&json, "delegates.frontline", None)),
        c("fail", 1, 3, 1)
    );
    let (code, _, err) = run(&["check", &f, "--map", "单位类别=单位种类"]);
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "--map 单位类别=单位种类: “单位种类”不是规则包里的列名或表头；可用的有：姓名、"
        ),
        "{err}"
    );
    let (code, _, err) = run(&["check", &f, "--map", "单位类别", "--lang", "en"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--map 单位类别: write HEADER=COLUMN, e.g. --map 单位类别=单位类型"),
        "{err}"
    );
}

#[test]
fn reformcheck_toml_maps_headers_and_values_and_its_errors_name_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir, "delegates.csv", CLERK_ROSTER);
    write(
        &dir,
        "reformcheck.toml",
        "# 本单位的表头和写法\n[headers]\n单位类别 = \"单位类型\"\n\n[values.unit_type]\n私企 = \"企业\"\n",
    );
    let out = reformcheck()
        .current_dir(dir.path())
        .args([
            "check",
            "delegates.csv",
            "--as-of",
            "2024-01-01",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        counts(result(&json, "delegates.frontline", None)),
        c("fail", 2, 3, 0)
    );
    assert_eq!(issues(&json), vec![]);
    // --config names another file; its mistakes are placed exactly.
    for (text, place, message) in [
        (
            "[values.单位类型]\n私企 = \"公司\"\n",
            "bad.toml:2:6",
            format!("“公司”不是“单位类型”可用的值，应为其中之一：{ACCEPTED}"),
        ),
        (
            "[headers]\n  单位类别 = \"单位种类\"\n",
            "bad.toml:2:10",
            "“单位种类”不是规则包里的列名或表头".to_string(),
        ),
        (
            "[headers]\n单位类别 = 单位类型\n",
            "bad.toml:2:8",
            "配置文件写法有误".to_string(),
        ),
        ("[header]\n", "bad.toml:1:2", "配置文件写法有误".to_string()),
    ] {
        let bad = write(&dir, "bad.toml", text);
        let out = reformcheck()
            .current_dir(dir.path())
            .args(["check", "delegates.csv", "--config", &bad])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8(out.stderr).unwrap();
        let bad_place = format!("{}{}", bad.trim_end_matches("bad.toml"), place);
        assert!(err.contains(&bad_place), "{err}");
        assert!(err.contains(&message), "{err}");
    }
}

#[test]
fn a_file_not_named_after_a_dataset_binds_by_its_headers() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        &dir,
        "代表名单.csv",
        "泰州市科协第十次代表大会代表名单\n序号,姓名,出生年月,工作单位,单位类型\n1,张三,1980.05,甲公司,企业\n",
    );
    let (code, out, err) = run(&["check", &f, "--as-of", "2024-01-01", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, format!("{f} → delegates（按表头判断）\n"));
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        counts(result(&json, "delegates.frontline", None)),
        c("pass", 1, 1, 0)
    );
    let (_, _, err) = run(&["check", &f, "--as-of", "2024-01-01", "--lang", "en", "-q"]);
    assert_eq!(err, format!("{f} → delegates (by its headers)\n"));
    // 姓名 and 单位类型 fit delegates and committee alike: exit 2 naming both.
    let f = write(&dir, "名单.csv", "姓名,单位类型\n张三,企业\n");
    let (code, _, err) = run(&["check", &f]);
    assert_eq!(code, 2);
    assert!(
        err.contains("它的表头同样符合 delegates、committee；请写成 数据集=文件，例如 delegates="),
        "{err}"
    );
    // A society roster: its key is 学会名称.
    let f = write(
        &dir,
        "理事.csv",
        "学会名称,姓名,是否常务理事,是否基层一线\n甲学会,张三,是,是\n",
    );
    let (code, _, err) = run(&["check", &f, "-q"]);
    assert_eq!(
        (code, err),
        (0, format!("{f} → society_council（按表头判断）\n"))
    );
}

#[test]
fn a_birth_date_after_as_of_is_an_issue_and_unknown_never_young() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        &dir,
        "delegates.csv",
        "姓名,出生日期,是否基层一线\n张三,2080-05-01,是\n李四,1960-01-01,是\n王五,2024-02,是\n赵六,2024-01-01,是\n",
    );
    let (_, json) = check_json(&[&f, "--as-of", "2024-01-01"]);
    // 2080 and February 2024 are after the election date; 2024-01-01 is the
    // day itself (aged 0, possible).
    assert_eq!(
        counts(result(&json, "delegates.youth", None)),
        c("indeterminate", 1, 4, 2)
    );
    let msg = "出生日期晚于基准日期 2024-01-01，不可能，按未知处理：请核对（多为年份录错）";
    assert_eq!(
        issues(&json),
        vec![
            issue(2, "出生日期", "2080-05-01", msg),
            issue(4, "出生日期", "2024-02", msg),
        ]
    );
}

#[test]
fn group_names_fold_width_spaces_and_case_and_show_the_first_spelling() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        &dir,
        "society_council.csv",
        "学会名称,姓名,是否基层一线\n（甲会）,张三,是\n(甲会),李四,是\n( 甲会 ),王五,否\n\
         乙　会,赵六,是\n乙会,钱七,否\nABC学会,孙八,是\nabc学会,周九,是\n",
    );
    let (_, json) = check_json(&[&f, "--as-of", "2024-01-01"]);
    let groups: Vec<(String, String, String)> = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["rule"] == "society_council.frontline" && r["pooled"] == false)
        .map(|r| {
            (
                r["group"].as_str().unwrap().to_string(),
                r["numerator"].to_string(),
                r["denominator"].to_string(),
            )
        })
        .collect();
    let g = |n: &str, a: u64, b: u64| (n.to_string(), a.to_string(), b.to_string());
    assert_eq!(
        groups,
        vec![g("（甲会）", 2, 3), g("乙　会", 1, 2), g("ABC学会", 2, 2)]
    );
}

#[test]
fn distinct_fields_fold_width_spaces_and_case() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        &dir,
        "committee.csv",
        "姓名,是否兼职副主席,行业领域\n张三,是,生物 医药\n李四,是,生物医药\n王五,是,IT\n赵六,是,ｉｔ\n",
    );
    let (_, json) = check_json(&[&f, "--as-of", "2024-01-01"]);
    let r = result(&json, "committee.vice_chair_fields", None);
    assert_eq!(
        (r["numerator"].to_string(), r["denominator"].to_string()),
        ("2".to_string(), "4".to_string())
    );
}

/// Seven districts' 2024 township figures: 9 of 10 townships covered in each.
fn districts_2024() -> String {
    let mut s = String::from("市（区）,年度,乡镇（街道）数,已建科协组织的乡镇（街道）数\n");
    for d in [
        "海陵区",
        "高港区",
        "姜堰区",
        "兴化市",
        "靖江市",
        "泰兴市",
        "医药高新区",
    ] {
        s.push_str(&format!("{d},2024,10,9\n"));
    }
    s
}

#[test]
fn a_typo_year_after_as_of_is_an_issue_and_not_the_checked_year() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        &dir,
        "districts.csv",
        format!("{}海陵区,2052,10,10\n", districts_2024()).as_str(),
    );
    let (code, json) = check_json(&[&f, "--as-of", "2024-12-31"]);
    assert_eq!(code, 1);
    let total = result(&json, "districts.township_coverage", Some("total"));
    assert_eq!(total["year"], 2024);
    assert_eq!(counts(total), c("fail", 63, 70, 0));
    assert_eq!(
        issues(&json),
        vec![issue(
            9,
            "年度",
            "2052",
            "年度 2052 晚于基准日期 2024-12-31，可能录错：默认不检查这一年；\
             如确是该年数据，请加 --year 2052 或改 --as-of"
        )]
    );
    // Asked for, it is checked, without the issue.
    let (_, json) = check_json(&[&f, "--as-of", "2024-12-31", "--year", "2052"]);
    let total = result(&json, "districts.township_coverage", Some("total"));
    assert_eq!(counts(total), c("pass", 10, 10, 0));
    assert_eq!(issues(&json), vec![]);
}

#[test]
fn a_latest_year_with_a_fraction_of_the_districts_is_passed_over_with_an_issue() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        &dir,
        "districts.csv",
        format!("{}海陵区,2025,10,10\n高港区,2025,8,8\n", districts_2024()).as_str(),
    );
    let (_, json) = check_json(&[&f, "--as-of", "2025-12-31"]);
    let total = result(&json, "districts.township_coverage", Some("total"));
    assert_eq!(total["year"], 2024);
    assert_eq!(counts(total), c("fail", 63, 70, 0));
    assert_eq!(
        issues(&json),
        vec![issue(
            9,
            "年度",
            "2025",
            "2025 年只有 2 个“市（区）”，上一年（2024 年）有 7 个，像是未填完或年份录错：\
             本次检查的是 2024 年；如确要检查 2025 年，请加 --year 2025"
        )]
    );
    // Four of seven is more than half: the latest year is checked.
    let f = write(
        &dir,
        "districts.csv",
        format!(
            "{}海陵区,2025,10,10\n高港区,2025,8,8\n姜堰区,2025,8,8\n兴化市,2025,8,8\n",
            districts_2024()
        )
        .as_str(),
    );
    let (_, json) = check_json(&[&f, "--as-of", "2025-12-31"]);
    let total = result(&json, "districts.township_coverage", Some("total"));
    assert_eq!(total["year"], 2025);
    assert_eq!(issues(&json), vec![]);
}

// ---- a roster made as a clerk would, end to end ----

/// (序号, 姓名, 出生年月, 工作单位, 单位类别, 是否基层一线): ten delegates, seven
/// front-line (four 民营企业, a 高校, a 研究院, a 医院 marked 是), four born
/// after 1979-06-30 (45 or younger on 2024-06-30).
const DELEGATES: [[&str; 6]; 10] = [
    ["1", "张一", "1985.03", "泰州甲科技有限公司", "民营企业", ""],
    ["2", "王二", "1990.11", "泰州乙电子有限公司", "民营企业", ""],
    ["3", "李三", "1970.01", "泰州丙船舶有限公司", "民营企业", ""],
    ["4", "赵四", "1968.05", "泰州丁药业有限公司", "民营企业", ""],
    ["5", "钱五", "1982.07", "泰州学院", "高校", ""],
    ["6", "孙六", "1975.09", "泰州市农业科学研究院", "研究院", ""],
    ["7", "周七", "1960.02", "泰州市人民医院", "医院", "是"],
    ["8", "吴八", "1988.12", "泰州市科学技术局", "党政机关", ""],
    [
        "9",
        "郑九",
        "1965.04",
        "泰州市发展和改革委员会",
        "党政机关",
        "",
    ],
    ["10", "陈十", "1972.08", "泰州市财政局", "党政机关", ""],
];
const HEADER: [&str; 6] = [
    "序号",
    "姓名",
    "出生年月",
    "工作单位",
    "单位类别",
    "是否基层一线",
];
const TITLE: &str = "泰州市科协第十次代表大会代表名单";
const NOTE: &str = "注：单位类别按工作单位性质填写";

/// The roster as CSV (LF): title on line 1, header on 2, delegates on 3–12,
/// 合计 on 13, the note on 14.
fn clerk_csv() -> String {
    let mut s = format!("{TITLE},,,,,\n{}\n", HEADER.join(","));
    for d in DELEGATES {
        s.push_str(&d.join(","));
        s.push('\n');
    }
    s.push_str("合计,10人,,,,\n");
    s.push_str(&format!("{NOTE},,,,,\n"));
    s
}

/// The same roster as an Excel workbook: the title merged across the table.
fn clerk_xlsx(path: &std::path::Path) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("代表名单").unwrap();
    let plain = rust_xlsxwriter::Format::new();
    ws.merge_range(0, 0, 0, 5, TITLE, &plain).unwrap();
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    for (r, d) in DELEGATES.iter().enumerate() {
        let row = r as u32 + 2;
        // 序号 as a number, as Excel's fill handle leaves it.
        ws.write_number(row, 0, (r + 1) as f64).unwrap();
        for (c, v) in d.iter().enumerate().skip(1) {
            if !v.is_empty() {
                ws.write_string(row, c as u16, *v).unwrap();
            }
        }
    }
    ws.write_string(12, 0, "合计").unwrap();
    ws.write_string(12, 1, "10人").unwrap();
    ws.merge_range(13, 0, 13, 5, NOTE, &plain).unwrap();
    book.save(path).unwrap();
}

#[test]
fn a_clerks_roster_as_csv_and_xlsx_gives_the_right_counts_lines_notices_and_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write(&dir, "代表名单.csv", clerk_csv().as_str());
    // As Excel and WPS save CSV on Windows: CRLF line ends, same line numbers.
    let crlf_dir = tempfile::tempdir().unwrap();
    let crlf_text = clerk_csv().replace('\n', "\r\n");
    assert_eq!(
        crlf_text.matches("\r\n").count(),
        clerk_csv().matches('\n').count()
    );
    let crlf = write(&crlf_dir, "代表名单.csv", crlf_text.as_str());
    let xlsx = dir.path().join("代表名单.xlsx");
    clerk_xlsx(&xlsx);
    let xlsx = xlsx.display().to_string();
    let notices = vec![
        issue(13, "序号", "合计", SUMMARY),
        issue(14, "序号", NOTE, SUMMARY),
    ];
    for file in [&csv, &crlf, &xlsx] {
        let bound = format!("delegates={file}");
        // As the clerk first runs it: 单位类别 is not a header the pack knows.
        // Only 周七's 是否基层一线 is filled; the others would come from the
        // unit type, which is not read: unknown.
        let (code, json) = check_json(&[&bound, "--as-of", "2024-06-30"]);
        assert_eq!(code, 1, "{file}");
        assert_eq!(
            counts(result(&json, "delegates.frontline", None)),
            c("indeterminate", 1, 10, 9),
            "{file}"
        );
        assert_eq!(
            counts(result(&json, "delegates.youth", None)),
            c("pass", 4, 10, 0),
            "{file}"
        );
        let mut expected = vec![issue(2, "单位类别", "", UNKNOWN_单位类别)];
        for line in [3, 4, 5, 6, 7, 8, 10, 11, 12] {
            expected.push(issue(
                line,
                "是否基层一线",
                "",
                "单元格为空，按未知处理；“单位类别”列未读取，无法据此判断：\
                 如果它就是“单位类型”，请加 --map 单位类别=单位类型",
            ));
        }
        expected.extend(notices.clone());
        assert_eq!(issues(&json), expected, "{file}");

        // With --map, as the message says: 70% front-line, exactly the target.
        let (code, json) = check_json(&[
            &bound,
            "--as-of",
            "2024-06-30",
            "--map",
            "单位类别=单位类型",
        ]);
        assert_eq!(code, 0, "{file}");
        assert_eq!(
            counts(result(&json, "delegates.frontline", None)),
            c("pass", 7, 10, 0),
            "{file}"
        );
        assert_eq!(issues(&json), notices, "{file}");
    }
    // The file named by its headers, and a config file instead of --map.
    write(
        &dir,
        "reformcheck.toml",
        "[headers]\n单位类别 = \"单位类型\"\n\n[values.单位类型]          # 列名或表头\n民营企业 = \"党政机关\"\n",
    );
    for file in ["代表名单.csv", "代表名单.xlsx"] {
        let out = reformcheck()
            .current_dir(dir.path())
            .args(["check", file, "--as-of", "2024-06-30", "--format", "json"])
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8(out.stderr).unwrap(),
            format!(
                "使用当前文件夹中的配置文件 reformcheck.toml\n{file} → delegates（按表头判断）\n"
            )
        );
        // The office's own synonym overrides the pack's: 3 of 10 front-line.
        assert_eq!(out.status.code(), Some(1), "{file}");
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            counts(result(&json, "delegates.frontline", None)),
            c("fail", 3, 10, 0),
            "{file}"
        );
        assert_eq!(issues(&json), notices, "{file}");
    }
}

#[test]
fn a_first_record_that_happens_to_hold_a_header_word_is_still_a_record() {
    let dir = tempfile::tempdir().unwrap();
    // 常委 is a header of `standing`; here it is 张三's duty, in a column
    // the pack does not know.
    let f = write(
        &dir,
        "committee.csv",
        "姓名,职务,是否基层一线\n张三,常委,是\n李四,委员,否\n",
    );
    let (_, json) = check_json(&[&f, "--as-of", "2024-01-01"]);
    assert_eq!(
        counts(result(&json, "committee.frontline", None)),
        c("fail", 1, 2, 0)
    );
}

#[test]
fn binding_and_header_errors_are_chinese_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(&dir, "a.csv", "姓名\n张三\n");
    let cases: Vec<(Vec<String>, String)> = vec![
        (
            vec!["-".into()],
            "只写 `-` 无法知道标准输入是哪个数据集：请写成 数据集=-，例如 delegates=-".into(),
        ),
        (
            vec!["people=x.csv".into()],
            "`people=x.csv` 中的数据集 people 不存在（数据集：delegates, committee".into(),
        ),
        (
            vec![format!("delegates={a}"), format!("delegates={a}")],
            format!("数据集 delegates 给了两次（{a} 和 {a}）：每个数据集只能给一个文件"),
        ),
        (
            vec![dir.path().display().to_string()],
            "中没有数据集文件：请用数据集名称命名文件".into(),
        ),
    ];
    for (args, message) in cases {
        let mut all = vec!["check"];
        all.extend(args.iter().map(String::as_str));
        let (code, _, err) = run(&all);
        assert_eq!(code, 2, "{args:?}");
        assert!(err.contains(&message), "{err}");
    }
    let f = write(
        &dir,
        "districts.csv",
        "市（区）,年度,常住人口,常住人口（万人）\n甲区,2024,1,1\n",
    );
    let (code, _, err) = run(&["check", &f]);
    assert_eq!(code, 2);
    assert!(
        err.contains("“常住人口”和“常住人口（万人）”两列都是 population：请只保留一列"),
        "{err}"
    );
    let f = write(&dir, "districts.csv", "市（区）,常住人口\n甲区,1\n");
    let (code, _, err) = run(&["check", &f]);
    assert_eq!(code, 2);
    assert!(
        err.contains("：没有 year 列（年度 / 年份），它说明每行是哪一年"),
        "{err}"
    );
}

#[test]
fn a_workbook_with_a_contact_line_and_a_merged_two_row_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("delegates.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    let plain = rust_xlsxwriter::Format::new();
    // Row 1: a contact line; row 2: 姓名 and 是否基层一线 merged down over
    // rows 2–3, 单位情况 merged across; row 3: the sub-headers.
    for (c, t) in ["单位", "泰州市科协", "姓名", "王五", "电话"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *t).unwrap();
    }
    ws.merge_range(1, 0, 2, 0, "姓名", &plain).unwrap();
    ws.merge_range(1, 1, 1, 2, "单位情况", &plain).unwrap();
    ws.merge_range(1, 3, 2, 3, "是否基层一线", &plain).unwrap();
    ws.write_string(2, 1, "工作单位").unwrap();
    ws.write_string(2, 2, "单位类型").unwrap();
    let rows = [
        ["张三", "甲公司", "民营企业", ""],
        ["李四", "乙局", "党政机关", ""],
        ["王五", "丙学院", "高校", ""],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, t) in row.iter().enumerate() {
            if !t.is_empty() {
                ws.write_string(r as u32 + 3, c as u16, *t).unwrap();
            }
        }
    }
    book.save(&path).unwrap();
    let (code, json) = check_json(&[path.to_str().unwrap(), "--as-of", "2024-01-01"]);
    assert_eq!(code, 1);
    assert_eq!(
        counts(result(&json, "delegates.frontline", None)),
        c("fail", 2, 3, 0)
    );
    assert_eq!(issues(&json), vec![]);
}
