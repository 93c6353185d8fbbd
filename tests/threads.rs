//! `--threads`: a file read in parts on several threads gives exactly the
//! report one reader gives — results, issues, lines, duplicates, `--explain`
//! lists and group order — for files as offices make them.

mod common;
use common::{reformcheck, run, write};

/// A delegates roster of `rows` rows with line ending `nl`: a title row,
/// quoted cells over two lines, repeats of earlier people (far apart, so
/// across parts), 合计 and note rows, rows with only a row number, a
/// repeated header row, extra cells, and unreadable cells.
fn delegates(rows: usize, nl: &str) -> String {
    let mut s =
        format!("2025年代表名单{nl}序号,姓名,性别,出生日期,工作单位,单位类型,是否基层一线{nl}");
    let types = ["企业", "高校", "党政机关", "科研院所", "其他", ""];
    let flags = ["", "是", "否", "", "待定", "Y"];
    for i in 1..=rows {
        let person = if i % 13 == 0 && i > 400 {
            i - 40 * (i % 7 + 1)
        } else {
            i
        };
        let name = format!("代表{person}");
        let birth = match i % 29 {
            0 => "1980-13-45".to_string(),
            1 => format!("{}.{}", 1960 + person % 40, person % 12 + 1),
            _ => format!(
                "{}-{:02}-{:02}",
                1960 + person % 40,
                person % 12 + 1,
                person % 28 + 1
            ),
        };
        let unit = match i % 11 {
            0 => format!("\"泰州{nl}某厂\"\"一车间\"\""),
            3 => format!("\"海陵区,{nl}{nl}第{i}中学\""),
            _ => format!("单位{}", i % 17),
        };
        let t = types[i % types.len()];
        let f = flags[(i / 3) % flags.len()];
        s.push_str(&format!("{i},{name},男,{birth},{unit},{t},{f}{nl}"));
        match i % 97 {
            0 => s.push_str(&format!(",合计{i},,,,,{nl}")),
            13 => s.push_str(&format!("{},,,,,,{nl}", i + 1)),
            29 => s.push_str(&format!(
                "序号,姓名,性别,出生日期,工作单位,单位类型,是否基层一线{nl}"
            )),
            41 => s.push_str(&format!("{nl}{nl}")),
            57 => s.push_str(&format!(
                "x{i},多{i},男,1970-01-01,单位,企业,是,多出来,的{nl}"
            )),
            _ => {}
        }
    }
    s.push_str(&format!("注：本表由组织部提供{nl}"));
    s
}

/// A society council roster: 9 societies in an order that first sees them
/// at different places, with repeats within a society.
fn council(rows: usize, nl: &str) -> String {
    let mut s = format!("学会名称,姓名,出生日期,是否基层一线,是否常务理事{nl}");
    for i in 1..=rows {
        let society = match (i * 7) % 9 {
            0 => "泰州市 医学会".to_string(),
            4 => "泰州市医学会".to_string(),
            k => format!("泰州市第{k}学会"),
        };
        let person = if i % 31 == 0 { i / 2 } else { i };
        let flag = ["是", "否", "", "是"][i % 4];
        let standing = ["否", "是", "否"][i % 3];
        let note = if i % 23 == 0 {
            format!("\"张{nl}{person}\"")
        } else {
            format!("张{person}")
        };
        s.push_str(&format!(
            "{society},{note},{}-{:02}-01,{flag},{standing}{nl}",
            1950 + person % 50,
            person % 12 + 1
        ));
    }
    s
}

/// `check … --format json` with `threads` threads and small parts.
fn check(files: &[String], threads: &str, part: &str) -> (i32, String) {
    let mut args = vec!["check", "--as-of", "2025-06-30", "--format", "json"];
    args.extend(files.iter().map(String::as_str));
    args.extend([
        "--explain",
        "delegates.frontline",
        "--explain",
        "society_council.frontline",
        "--threads",
        threads,
        "--part-bytes",
        part,
    ]);
    let (code, out, err) = run(&args);
    assert!(!out.is_empty(), "{err}");
    (code, out)
}

fn same_for_every_thread_count(files: &[String]) -> String {
    let (code, one) = check(files, "1", "4096");
    for threads in ["2", "7"] {
        for part in ["300", "4096", "65536"] {
            let (c, out) = check(files, threads, part);
            assert_eq!(c, code, "--threads {threads} --part-bytes {part}");
            assert!(
                out == one,
                "--threads {threads} --part-bytes {part} differs"
            );
        }
    }
    one
}

#[test]
fn reports_are_byte_identical_for_1_2_and_7_threads_with_lf_and_crlf() {
    let dir = tempfile::tempdir().unwrap();
    for nl in ["\n", "\r\n"] {
        let files = [
            write(&dir, "delegates.csv", &delegates(1500, nl)),
            write(&dir, "society_council.csv", &council(1200, nl)),
        ];
        let out = same_for_every_thread_count(&files);
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        let issues = json["issues"].as_array().unwrap();
        // The file really has what the test is about.
        let has = |text: &str| {
            issues
                .iter()
                .filter(|i| i["message"].as_str().unwrap().contains(text))
                .count()
        };
        // Repeats of people hundreds of rows earlier (many parts back),
        // 合计 and note rows, row-number-only rows, in every issue list.
        assert_eq!(
            (has("重复"), has("合计"), has("只填了序号"), issues.len()),
            (39, 13, 1, 1205),
            "{nl:?}"
        );
        let lines: Vec<u64> = issues.iter().map(|i| i["line"].as_u64().unwrap()).collect();
        assert!(
            lines.windows(2).filter(|w| w[0] > w[1]).count() <= 1,
            "two files in line order"
        );
        let explained = &json["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["rule"] == "delegates.frontline")
            .unwrap()["explanation"]["rows"];
        assert!(explained.as_array().unwrap().len() > 10, "{explained}");
    }
}

#[test]
fn a_file_of_lone_cr_line_breaks_and_a_bom_read_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("\u{feff}{}", delegates(400, "\r"));
    let files = [write(&dir, "delegates.csv", &text)];
    same_for_every_thread_count(&files);
    let text = format!("\u{feff}{}", delegates(400, "\n"));
    let files = [write(&dir, "delegates.csv", &text)];
    same_for_every_thread_count(&files);
}

#[test]
fn an_unclosed_quote_and_bad_utf8_are_the_same_errors_with_threads() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = delegates(600, "\n");
    // A quote opened near the end and never closed.
    text.push_str("9999,\"王五,男,1970-01-01,单位,企业,是\n9998,李四,男,1970-01-01,单位,企业,是\n");
    let quote = write(&dir, "delegates.csv", &text);
    // A bad byte past the first megabyte, which detection checks.
    let mut bytes = delegates(30_000, "\n").into_bytes();
    let at = bytes.len() - 2000;
    assert!(at > 1 << 20);
    let nl = at + bytes[at..].iter().position(|&b| b == b'\n').unwrap();
    bytes.splice(nl..nl, b",\xff".iter().copied());
    let other = tempfile::tempdir().unwrap();
    let bad = write(&other, "delegates.csv", &bytes);
    for file in [quote, bad] {
        let args = ["check", "--format", "json", &file];
        let one = run(&[&args[..], &["--threads", "1"]].concat());
        assert_eq!(one.0, 2, "{}", one.2);
        assert!(one.2.contains("行"), "{}", one.2);
        assert!(!one.2.contains("第 1 行"), "{}", one.2);
        for threads in ["2", "7"] {
            let many = run(&[&args[..], &["--threads", threads, "--part-bytes", "1000"]].concat());
            assert_eq!(many, one, "{file} --threads {threads}");
        }
    }
}

#[test]
fn validate_lists_the_same_issues_with_threads() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "delegates.csv", &delegates(800, "\r\n"));
    let args = |t: &'static str| {
        run(&[
            "validate",
            "--format",
            "json",
            "--threads",
            t,
            "--part-bytes",
            "2000",
            &file,
        ])
    };
    let one = args("1");
    assert!(one.1.contains("重复"), "{}", one.2);
    assert_eq!(args("2"), one);
    assert_eq!(args("7"), one);
}

#[test]
fn zero_threads_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "delegates.csv", &delegates(5, "\n"));
    let out = reformcheck()
        .args(["check", &file, "--threads", "0"])
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("“0”不是有效的线程数"), "{err}");
    assert!(err.contains("--threads"), "{err}");
    let out = reformcheck()
        .args(["validate", &file, "--threads", "zero"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("“zero”不是有效的线程数：请写 1 或更大的整数"),
        "{err}"
    );
}

#[test]
fn standard_input_and_gbk_files_are_read_by_one_reader_with_the_same_report() {
    let dir = tempfile::tempdir().unwrap();
    let text = delegates(600, "\r\n");
    let (gbk, _, bad) = encoding_rs::GB18030.encode(&text);
    assert!(!bad && std::str::from_utf8(&gbk).is_err());
    let file = write(&dir, "delegates.csv", &gbk[..]);
    let args = |t: &str| {
        let one = check(std::slice::from_ref(&file), t, "1000");
        let piped = reformcheck()
            .args([
                "check",
                "delegates=-",
                "--as-of",
                "2025-06-30",
                "--format",
                "json",
            ])
            .args([
                "--explain",
                "delegates.frontline",
                "--threads",
                t,
                "--part-bytes",
                "1000",
            ])
            .write_stdin(text.as_bytes())
            .output()
            .unwrap();
        (one, String::from_utf8(piped.stdout).unwrap())
    };
    let (one, piped) = args("1");
    assert!(one.1.contains("重复登记"), "{}", one.1);
    assert!(piped.contains("重复登记"), "{piped}");
    assert_eq!(args("7"), (one, piped));
}

/// `check` with `threads` threads, parts of `part` bytes and `extra` options.
fn check_with(files: &[String], extra: &[&str], threads: &str, part: &str) -> (i32, String) {
    let mut args = vec!["check", "--as-of", "2025-06-30"];
    args.extend(files.iter().map(String::as_str));
    args.extend(extra);
    args.extend(["--threads", threads, "--part-bytes", part]);
    let (code, out, err) = run(&args);
    assert!(!out.is_empty(), "{err}");
    (code, out)
}

/// The report with `extra` options is the same, byte for byte, on 1, 2 and
/// 7 threads with parts of 300 and 4096 bytes; returns it.
fn same_with(files: &[String], extra: &[&str]) -> String {
    let (code, one) = check_with(files, extra, "1", "4096");
    for threads in ["2", "7"] {
        for part in ["300", "4096"] {
            let (c, out) = check_with(files, extra, threads, part);
            assert_eq!(c, code, "{extra:?} --threads {threads} --part-bytes {part}");
            assert!(
                out == one,
                "{extra:?} --threads {threads} --part-bytes {part} differs:\n{out}\n---\n{one}"
            );
        }
    }
    one
}

const DISTRICTS_HEADER: &str = "市（区）,年度,独立建制,设立党组,听取科协工作汇报,\
    乡镇（街道）数,已建科协组织的乡镇（街道）数,农技协覆盖的乡镇（街道）数,园区数,\
    已建科协组织的园区数,常住人口,财政科普经费（元）,公民具备科学素质比例,\
    科协负责人参加同级人大常委会,科协负责人参加同级政协常委会";

/// A districts statistics file over the years 2016–2024, a row per district
/// and year, ~110 bytes a row (so parts of 300 bytes hold two or three):
/// districts first met in different years (so in different parts), in
/// an order that changes every year, two
/// spelled differently in later years, the high-tech zone spelled
/// `zone_first` in its first row and `zone_later` after; a mistyped future
/// year, a year that is not one, a year of one district only (2025, passed
/// over for 2024) and an empty year.
fn districts(nl: &str, zone_first: &str, zone_later: &str) -> String {
    let mut s = format!("{DISTRICTS_HEADER}{nl}");
    let names = [
        "海陵区",
        "高港区",
        "姜堰区",
        "兴化市",
        "靖江市",
        "泰兴市",
        "市本级",
        "ZONE",
        "新区",
    ];
    let mut zone_seen = false;
    for year in 2016..=2024 {
        // A different order each year: the checked year's crosses parts.
        for k in (0..names.len()).map(|j| (j + year as usize) % names.len()) {
            let name = &names[k];
            // District k is met first in year 2016 + k % 4.
            if year < 2016 + (k % 4) as i32 {
                continue;
            }
            let name = match *name {
                "ZONE" if !zone_seen => {
                    zone_seen = true;
                    zone_first
                }
                "ZONE" => zone_later,
                "姜堰区" if year >= 2020 => "姜 堰区",
                "新区" if year >= 2022 => "新　区",
                n => n,
            };
            let i = year as usize * 10 + k;
            let flag = |m: usize| ["是", "否", "是", ""][(i / m) % 4];
            let townships = 10 + i % 7;
            let kx = townships - i % 3;
            let literacy = if i.is_multiple_of(5) {
                String::new()
            } else {
                format!("{}.{}%", 9 + i % 9, i % 10)
            };
            let population = if i.is_multiple_of(13) {
                String::new()
            } else {
                (300_000 + i * 17).to_string()
            };
            let year_text = match (year, k) {
                (2019, 3) => "2052".to_string(),
                (2020, 5) => "99".to_string(),
                (2021, 4) => String::new(),
                (2022, 2) => "2022年".to_string(),
                _ => year.to_string(),
            };
            s.push_str(&format!(
                "{name},{year_text},{},{},{},{townships},{kx},{},{},{},{population},{},{literacy},{},{}{nl}",
                flag(1),
                flag(2),
                flag(3),
                townships - 1,
                4 + i % 3,
                2 + i % 3,
                1_000_000 + i * 31,
                flag(5),
                flag(7),
            ));
        }
    }
    s.push_str(&format!(
        "海陵区,2025,是,是,是,10,10,10,4,4,300000,1200000,12.5%,是,是{nl}"
    ));
    s
}

#[test]
fn statistics_by_year_with_groups_spelled_differently_across_parts_are_the_same() {
    let dir = tempfile::tempdir().unwrap();
    // The zone's first spelling decides whether the pack leaves it out: a
    // later part that meets another spelling first must not decide on it.
    let cases = [
        ("医药 高新区", "医药高新区", false),
        ("医药高新区", "医药　高新区", true),
    ];
    for (nl, (first, later, left_out)) in ["\n", "\r\n"].into_iter().zip(cases) {
        let text = districts(nl, first, later);
        let files = [write(&dir, "districts.csv", &text)];
        for extra in [
            &["--format", "json", "--show-failing", "2"][..],
            &["--format", "csv"][..],
        ] {
            same_with(&files, extra);
        }
        // `--year` checks the year it names, the mistyped one too.
        for year in ["2023", "2052"] {
            same_with(&files, &["--format", "json", "--year", year]);
        }
        let out = same_with(
            &files,
            &[
                "--format",
                "json",
                "--explain",
                "districts.kx_head_in_congress",
            ],
        );
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        // 2025 holds one district of nine: passed over, 2024 checked.
        let zone = common::result(&json, "districts.independent_party_group", Some(first));
        assert_eq!(zone["year"], 2024, "{zone}");
        assert_eq!(
            zone["status"] == "not_applicable",
            left_out,
            "{first} then {later}: {zone}"
        );
        // Groups in the order first met, each with its first spelling.
        let groups: Vec<&str> = json["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["rule"] == "districts.township_coverage" && r["pooled"] == false)
            .map(|r| r["group"].as_str().unwrap())
            .collect();
        assert_eq!(
            groups,
            [
                "新区",
                "海陵区",
                "高港区",
                "姜堰区",
                "兴化市",
                "靖江市",
                "泰兴市",
                "市本级",
                first
            ],
            "{nl:?}"
        );
        let issues = json["issues"].as_array().unwrap();
        let has = |text: &str| {
            issues
                .iter()
                .filter(|i| i["message"].as_str().unwrap().contains(text))
                .count()
        };
        assert_eq!(
            (
                has("晚于基准日期"),
                has("不是有效年份"),
                has("2025 年只有 1 个")
            ),
            (1, 1, 1),
            "{issues:?}"
        );
    }
}

/// A committee roster: vice chairs whose fields repeat across parts
/// (`distinct`), repeats of earlier people, and, after the `at`-th row,
/// a run of blank lines longer than a part and total rows longer than a
/// part each (parts that hold no record at all).
fn committee(rows: usize, nl: &str, at: usize) -> String {
    let mut s = format!("姓名,出生日期,是否常委,是否兼职副主席,行业领域,是否基层一线,单位类型{nl}");
    let fields = [
        "电子信息",
        "生物医药",
        "船舶",
        "电子 信息",
        "新材料",
        "",
        "ＡＢ",
    ];
    for i in 1..=rows {
        let person = if i % 17 == 0 { i / 3 } else { i };
        let vice = ["是", "否", "否", "", "是"][i % 5];
        let field = fields[(i / 5) % fields.len()];
        s.push_str(&format!(
            "委员{person},{}-{:02}-{:02},{},{vice},{field},{},企业{nl}",
            1960 + person % 30,
            person % 12 + 1,
            person % 28 + 1,
            ["是", "否"][i % 2],
            ["是", "否", "否"][i % 3],
        ));
        if i == at {
            s.push_str(&nl.repeat(700));
            for k in 0..3 {
                let note = "本页小计说明".repeat(30);
                s.push_str(&format!(",合计{k}：{note},,,,,{nl}"));
            }
        }
    }
    s
}

#[test]
fn distinct_values_explain_limits_and_parts_without_records_are_the_same() {
    let dir = tempfile::tempdir().unwrap();
    for nl in ["\n", "\r\n"] {
        let files = [write(&dir, "committee.csv", &committee(400, nl, 150))];
        // Distinct fields united across parts; listed rows of a `distinct`
        // rule (a repeat of a value met in an earlier part only).
        for extra in [
            &["--format", "json"][..],
            &[
                "--format",
                "json",
                "--explain",
                "committee.vice_chair_fields",
            ][..],
            &["--format", "json", "--show-failing", "3"][..],
            &["--format", "csv"][..],
        ] {
            same_with(&files, extra);
        }
        let out = same_with(&files, &["--format", "json", "--show-failing", "3"]);
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        let fields = common::result(&json, "committee.vice_chair_fields", None);
        // Counted from how the file was made: vice chairs (`是`), those
        // of unknown field or unknown office, and 5 fields once folded
        // (电子信息 = 电子 信息, ＡＢ).
        let vice = (1..=400).filter(|i| i % 5 == 0 || i % 5 == 4);
        let no_field = vice.clone().filter(|i| (i / 5) % 7 == 5).count();
        let unknown_office = (1..=400).filter(|i| i % 5 == 3).count();
        assert_eq!(
            (
                &fields["numerator"],
                &fields["denominator"],
                &fields["unknown"]
            ),
            (
                &serde_json::json!(5),
                &serde_json::json!(vice.count()),
                &serde_json::json!(no_field + unknown_office)
            ),
            "{fields}"
        );
        let listed = fields["explanation"]["rows"].as_array().unwrap();
        assert_eq!(listed.len(), 3, "{fields}");
        let issues = json["issues"].as_array().unwrap();
        let has = |text: &str| {
            issues
                .iter()
                .filter(|i| i["message"].as_str().unwrap().contains(text))
                .count()
        };
        // A row repeats an earlier one when its person was met before.
        let mut met = std::collections::HashSet::new();
        let repeats = (1..=400)
            .filter(|&i| !met.insert(if i % 17 == 0 { i / 3 } else { i }))
            .count();
        assert_eq!((has("合计"), has("重复")), (3, repeats), "{nl:?}");
        // `validate` reads the parts the same way.
        let validate = |threads: &str| {
            let args = [
                "validate",
                "--format",
                "json",
                &files[0],
                "--threads",
                threads,
            ];
            run(&[&args[..], &["--part-bytes", "300"]].concat())
        };
        let one = validate("1");
        assert!(one.1.contains("重复"), "{}", one.2);
        assert_eq!(validate("2"), one);
        assert_eq!(validate("7"), one);
    }
}

#[test]
fn delegates_with_explain_limits_across_parts_and_csv_reports_are_the_same() {
    let dir = tempfile::tempdir().unwrap();
    // A header the pack does not know (an issue before the first row).
    let text = delegates(700, "\r\n").replacen("是否基层一线\r\n", "是否基层一线,备注栏\r\n", 1);
    let files = [
        write(&dir, "delegates.csv", &text),
        write(&dir, "society_council.csv", &council(600, "\r\n")),
    ];
    // The previous congress's roster, read in parts too.
    let previous = write(&dir, "previous.csv", &delegates(500, "\n"));
    let previous = format!("delegates={previous}");
    for extra in [
        &["--format", "json", "--show-failing", "4"][..],
        &["--format", "csv"][..],
        &["--format", "json", "--previous", &previous][..],
    ] {
        same_with(&files, extra);
    }
    let (_, out) = check_with(&files, &["--format", "json"], "2", "300");
    assert!(out.contains("备注栏"), "the unknown header is reported");
    let (_, out) = check_with(
        &files,
        &["--format", "json", "--previous", &previous],
        "2",
        "300",
    );
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let growth = common::result(&json, "delegates.frontline_growth", None);
    assert!(growth["status"] != "skipped", "{growth}");
}
