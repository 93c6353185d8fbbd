//! A roster with a couple of hundred thousand data issues: the run keeps
//! them in a temporary file (past a few megabytes) and every report that
//! lists them writes them as it reads them back. Each must list exactly
//! the issues one expects, by line, those of one line in the order found
//! (a repeat, found only at the end of the file, after the cell issues of
//! its line), and a report written to a file must be the same bytes as on
//! standard output.

mod common;
use common::{reformcheck, write};
use serde_json::Value;

const ROWS: usize = 240_000;

/// Every even row has an unreadable birth date (a long note, so that the
/// issues take more than the few megabytes kept in memory); every 1000th
/// row from 1001 on repeats the person 500 rows above and has an
/// unreadable 是否基层一线 too.
fn roster() -> String {
    let mut s = String::from("序号,姓名,性别,出生日期,工作单位,单位类型,是否基层一线\n");
    for i in 1..=ROWS {
        let repeat = i > 1000 && i % 1000 == 1;
        let person = if repeat { i - 500 } else { i };
        let birth = if i % 2 == 0 {
            format!("不详（原表填写为第{i}号档案，待人事处核对）")
        } else {
            format!(
                "{}-{:02}-{:02}",
                1960 + person % 40,
                person % 12 + 1,
                person % 28 + 1
            )
        };
        let frontline = if repeat { "待定" } else { "是" };
        s.push_str(&format!(
            "{i},代表{person},男,{birth},单位{},企业,{frontline}\n",
            i % 17
        ));
    }
    s
}

fn run(args: &[&str]) -> Vec<u8> {
    let out = reformcheck().args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn a_report_with_many_issues_lists_each_once_in_line_order() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(&dir, "代表.csv", &roster());
    let input = format!("delegates={file}");
    let base = [
        "check",
        input.as_str(),
        "--as-of",
        "2025-06-30",
        "--threads",
        "2",
    ];
    let with =
        |more: &[&str]| -> Vec<String> { base.iter().chain(more).map(|s| s.to_string()).collect() };
    let args = |v: &Vec<String>| run(&v.iter().map(String::as_str).collect::<Vec<_>>());

    let json_bytes = args(&with(&["--format", "json"]));
    let json: Value = serde_json::from_slice(&json_bytes).unwrap();
    let issues: Vec<(u64, String, String)> = json["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["line"].as_u64().unwrap(),
                i["column"].as_str().unwrap().to_string(),
                i["value"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // The header 性别 is not a column of the pack's; row i is on line i + 1.
    let mut expected = vec![(1, "性别".to_string(), String::new())];
    for i in 1..=ROWS {
        let line = i as u64 + 1;
        if i % 2 == 0 {
            let value = format!("不详（原表填写为第{i}号档案，待人事处核对）");
            expected.push((line, "出生日期".to_string(), value));
        }
        if i > 1000 && i % 1000 == 1 {
            expected.push((line, "是否基层一线".to_string(), "待定".to_string()));
            let p = i - 500;
            let birth = format!("{}-{:02}-{:02}", 1960 + p % 40, p % 12 + 1, p % 28 + 1);
            expected.push((line, "姓名".to_string(), format!("代表{p}, {birth}")));
        }
    }
    assert_eq!(issues.len(), 1 + ROWS / 2 + 2 * 239);
    assert!(issues == expected, "first difference at {:?}", {
        let at = issues.iter().zip(&expected).position(|(a, b)| a != b);
        at.map(|p| (&issues[p], &expected[p]))
    });

    // Markdown lists the same issues in the same order.
    let md = String::from_utf8(args(&with(&["--format", "markdown"]))).unwrap();
    let rows: Vec<(u64, String)> = md
        .lines()
        .skip_while(|l| !l.starts_with("## 数据问题"))
        .skip(4)
        .map(|l| {
            let cells: Vec<&str> = l.split(" | ").collect();
            (cells[1].parse().unwrap(), cells[2].to_string())
        })
        .collect();
    let lines: Vec<(u64, String)> = issues.iter().map(|(l, c, _)| (*l, c.clone())).collect();
    assert_eq!(rows, lines);

    // The table with --all-issues: one heading for the file, then each.
    let table = String::from_utf8(args(&with(&["--all-issues"]))).unwrap();
    assert!(
        table.contains(&format!("代表.csv（{} 处）\n", issues.len())),
        "{table:.2000}"
    );
    let listed = table.lines().filter(|l| l.starts_with("    第 ")).count();
    assert_eq!(listed, issues.len());

    // Written to files: the same bytes as on standard output.
    let out_json = dir.path().join("报告.json").display().to_string();
    let out_md = dir.path().join("报告.md").display().to_string();
    args(&with(&["--quiet", "-o", &out_json, "-o", &out_md]));
    assert!(std::fs::read(&out_json).unwrap() == json_bytes);
    assert!(std::fs::read(&out_md).unwrap() == md.as_bytes());

    // With no temporary folder the keys and issues stay in memory: the
    // same report, byte for byte.
    let missing = dir.path().join("无此目录");
    let out = reformcheck()
        .args(with(&["--format", "json"]))
        .env("TMPDIR", &missing)
        .output()
        .unwrap();
    assert!(
        out.stdout == json_bytes,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Standard input (copied to a temporary file, else read into memory):
    // the same issues.
    let stdin_args = [
        "check",
        "delegates=-",
        "--as-of",
        "2025-06-30",
        "--format",
        "json",
    ];
    let piped = |tmp: Option<&std::path::Path>| {
        let mut cmd = reformcheck();
        cmd.args(stdin_args).write_stdin(roster());
        if let Some(t) = tmp {
            cmd.env("TMPDIR", t);
        }
        cmd.output().unwrap().stdout
    };
    let from_stdin = piped(None);
    let json: Value = serde_json::from_slice(&from_stdin).unwrap();
    assert_eq!(json["issues"].as_array().unwrap().len(), issues.len());
    for (i, (line, column, value)) in json["issues"].as_array().unwrap().iter().zip(&issues) {
        assert_eq!(
            (i["line"].as_u64().unwrap(), &i["column"], &i["value"]),
            (
                *line,
                &Value::from(column.as_str()),
                &Value::from(value.as_str())
            )
        );
        assert_eq!(i["file"], "<stdin>");
    }
    assert!(piped(Some(&missing)) == from_stdin);
}
