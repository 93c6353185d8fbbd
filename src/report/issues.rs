//! The data-quality report in text: issues grouped by file, each with its
//! line, column, value as read and what to do. Shared by `check` and `validate`.

use super::Issue;
use crate::Lang;
use std::fmt::Write;

/// How many issues a table lists unless `--all-issues` is given.
pub const SHOWN: usize = 20;

/// Writes the issues section (nothing when there are none); lists the first
/// [`SHOWN`] and a count of the rest unless `all`.
pub fn write(out: &mut String, issues: &[Issue], lang: Lang, all: bool) -> std::fmt::Result {
    if issues.is_empty() {
        return Ok(());
    }
    let zh = lang == Lang::Zh;
    writeln!(
        out,
        "\n{}",
        if zh {
            format!("数据问题 {} 处：", issues.len())
        } else {
            format!("{} data issues:", issues.len())
        }
    )?;
    let limit = if all { issues.len() } else { SHOWN };
    let mut file: Option<&str> = None;
    for i in issues.iter().take(limit) {
        if file != Some(i.file.as_str()) {
            file = Some(&i.file);
            let n = issues.iter().filter(|j| j.file == i.file).count();
            if zh {
                writeln!(out, "  {}（{n} 处）", i.file)?;
            } else {
                writeln!(out, "  {} ({n})", i.file)?;
            }
        }
        let value = match (i.value.is_empty(), zh) {
            (true, _) => String::new(),
            (false, true) => format!(" “{}”", i.value),
            (false, false) => format!(" \"{}\"", i.value),
        };
        // Line 0: a count over a database table (check --db), not one line.
        let at = match (i.line, zh) {
            (0, _) => String::new(),
            (n, true) => format!("第 {n} 行 "),
            (n, false) => format!("line {n} "),
        };
        writeln!(out, "    {at}[{}]{value} {}", i.column, i.message)?;
    }
    if issues.len() > limit {
        let more = issues.len() - limit;
        writeln!(
            out,
            "  {}",
            if zh {
                format!(
                    "……另有 {more} 处未列出：加 --all-issues 列出全部（--format json 也列出全部）"
                )
            } else {
                format!("… and {more} more: --all-issues lists them all (so does --format json)")
            }
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issue(file: &str, line: u64) -> Issue {
        Issue {
            dataset: "d".into(),
            file: file.into(),
            line,
            column: "出生日期".into(),
            value: "1980-13-45".into(),
            message: "无法识别的日期".into(),
        }
    }

    #[test]
    fn grouped_by_file_and_cut_after_the_first_few() {
        let mut issues: Vec<Issue> = (1..=22).map(|l| issue("a.csv", l)).collect();
        issues.push(issue("b.csv", 7));
        let mut text = String::new();
        write(&mut text, &issues, Lang::Zh, false).unwrap();
        assert!(text.starts_with("\n数据问题 23 处：\n  a.csv（22 处）\n    第 1 行 [出生日期] “1980-13-45” 无法识别的日期\n"), "{text}");
        assert!(!text.contains("b.csv"), "{text}");
        assert!(
            text.ends_with(
                "  ……另有 3 处未列出：加 --all-issues 列出全部（--format json 也列出全部）\n"
            ),
            "{text}"
        );
        let mut all = String::new();
        write(&mut all, &issues, Lang::En, true).unwrap();
        assert!(
            all.contains("  b.csv (1)\n    line 7 [出生日期] \"1980-13-45\" 无法识别的日期\n"),
            "{all}"
        );
        assert!(!all.contains("more"), "{all}");
    }
}
