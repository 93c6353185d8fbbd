//! The data-quality report in text: issues grouped by file, each with its
//! line, column, value as read and what to do. Shared by `check` and `validate`.
//!
//! Also how issues are stored. Every one is kept, since JSON lists them all,
//! and a registry with a bad date column has millions: stored as five
//! strings each they took about 330 bytes (3M bad dates: 1 GB). Now the
//! dataset, file, column and message are [`Text`]s shared by every issue
//! that says the same (a pointer each), and the value — a date, a number, a
//! name — sits inline in the issue when it is 24 bytes or shorter.

use super::Issues;
use crate::Lang;
use std::fmt::Write;
use std::sync::Arc;

/// A text many issues repeat (a file name, a header, a message): cloning
/// it copies a pointer, not the text. One thin pointer (an `Arc<str>`
/// would be two words), since an issue holds four.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text(Arc<String>);

impl Text {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Text {
    fn default() -> Self {
        Text(Arc::new(String::new()))
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.0.as_str(), f)
    }
}

impl serde::Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text(Arc::new(s.to_string()))
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text(Arc::new(s))
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.0.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.0.as_str() == *other
    }
}

/// How many issues a table lists unless `--all-issues` is given.
pub const SHOWN: usize = 20;

/// Writes the issues section (nothing when there are none); lists the first
/// [`SHOWN`] and a count of the rest unless `all`. Lines are fitted to
/// `width` (see [`super::width::fit`]) and written a few at a time: a
/// registry's list is never held whole.
pub fn write(
    out: &mut dyn std::io::Write,
    issues: &Issues,
    lang: Lang,
    all: bool,
    width: Option<usize>,
) -> anyhow::Result<()> {
    if issues.is_empty() {
        return Ok(());
    }
    let zh = lang == Lang::Zh;
    let mut text = String::new();
    let flush = |text: &mut String, out: &mut dyn std::io::Write| {
        let fitted = super::width::fit(text, width);
        text.clear();
        out.write_all(fitted.as_bytes())
    };
    writeln!(
        text,
        "\n{}",
        if zh {
            format!("数据问题 {} 处：", issues.len())
        } else {
            match issues.len() {
                1 => "1 data issue:".to_string(),
                n => format!("{n} data issues:"),
            }
        }
    )?;
    let limit = if all { issues.len() } else { SHOWN };
    let mut file: Option<Text> = None;
    for i in issues.iter().take(limit) {
        let i = i?;
        if file.as_ref() != Some(&i.file) {
            let n = issues.count_in_file(&i.file);
            if zh {
                writeln!(text, "  {}（{n} 处）", i.file)?;
            } else {
                writeln!(text, "  {} ({n})", i.file)?;
            }
            file = Some(i.file.clone());
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
        writeln!(text, "    {at}[{}]{value} {}", i.column, i.message)?;
        if text.len() >= 1 << 16 {
            flush(&mut text, out)?;
        }
    }
    if issues.len() > limit {
        let more = issues.len() - limit;
        writeln!(
            text,
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
    flush(&mut text, out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Issue;

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
    fn an_issue_is_small_and_shares_its_repeated_texts() {
        // #14.7: five Strings (120 bytes) plus their five heap copies were
        // about 330 bytes an issue; now 64 with no heap copy of its own.
        assert_eq!(std::mem::size_of::<Issue>(), 64);
        let file: Text = "代表名单.csv".into();
        let message: Text = "无法识别的日期".into();
        let issues: Vec<Issue> = (2..5)
            .map(|line| Issue {
                dataset: "delegates".into(),
                file: file.clone(),
                line,
                column: "出生日期".into(),
                value: "1980-13-45".into(),
                message: message.clone(),
            })
            .collect();
        assert!(issues
            .iter()
            .all(|i| Arc::ptr_eq(&i.file.0, &file.0) && Arc::ptr_eq(&i.message.0, &message.0)));
        assert!(!issues[0].value.is_heap_allocated());
        // As JSON: the same fields as plain strings.
        assert_eq!(
            serde_json::to_string(&issues[0]).unwrap(),
            r#"{"dataset":"delegates","file":"代表名单.csv","line":2,"column":"出生日期","value":"1980-13-45","message":"无法识别的日期"}"#
        );
    }

    #[test]
    fn grouped_by_file_and_cut_after_the_first_few() {
        let mut issues: Vec<Issue> = (1..=22).map(|l| issue("a.csv", l)).collect();
        issues.push(issue("b.csv", 7));
        let issues = Issues::from(issues);
        let written = |lang, all| {
            let mut out = Vec::new();
            write(&mut out, &issues, lang, all, None).unwrap();
            String::from_utf8(out).unwrap()
        };
        let text = written(Lang::Zh, false);
        assert!(text.starts_with("\n数据问题 23 处：\n  a.csv（22 处）\n    第 1 行 [出生日期] “1980-13-45” 无法识别的日期\n"), "{text}");
        assert!(!text.contains("b.csv"), "{text}");
        assert!(
            text.ends_with(
                "  ……另有 3 处未列出：加 --all-issues 列出全部（--format json 也列出全部）\n"
            ),
            "{text}"
        );
        let all = written(Lang::En, true);
        assert!(
            all.contains("  b.csv (1)\n    line 7 [出生日期] \"1980-13-45\" 无法识别的日期\n"),
            "{all}"
        );
        assert!(!all.contains("more"), "{all}");
    }
}
