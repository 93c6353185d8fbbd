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
