//! `--format markdown`: the table report as a Markdown document (for wikis,
//! merge requests, issue trackers). Every text from the pack or the input is
//! backslash-escaped (CommonMark), so a cell can neither break the table nor
//! inject markup or HTML.

use super::matrix::{self, Matrix};
use super::{
    actual_text, explanation_heading, group_label, previous_text, shortfall_words, Render,
    RenderOptions, Report, RuleResult, Status, View,
};
use crate::Lang;
use std::fmt::Write;

pub struct Markdown;

/// Backslash-escapes Markdown and HTML punctuation; a line break becomes `<br>`.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '{' | '}' | '#' | '|' | '!' | '~' | '$' | '<'
            | '>' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("<br>"),
            '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

fn row(out: &mut String, cells: &[String]) -> std::fmt::Result {
    writeln!(out, "| {} |", cells.join(" | "))
}

fn header(out: &mut String, cells: &[&str]) -> std::fmt::Result {
    writeln!(out, "| {} |", cells.join(" | "))?;
    writeln!(out, "|{}", "---|".repeat(cells.len()))
}

impl Render for Markdown {
    fn render(&self, report: &Report, opts: &RenderOptions) -> anyhow::Result<String> {
        super::written(self, report, opts)
    }

    /// Streams: the data issues are listed in full, a registry's by the million.
    fn write(
        &self,
        report: &Report,
        opts: &RenderOptions,
        out: &mut dyn std::io::Write,
    ) -> anyhow::Result<()> {
        use std::io::Write as _;
        let mut out = std::io::BufWriter::new(out);
        out.write_all(head(report, opts)?.as_bytes())?;
        write_issues(&mut out, report, opts.lang)?;
        out.flush()?;
        Ok(())
    }
}

/// The report up to its data issues.
fn head(report: &Report, opts: &RenderOptions) -> anyhow::Result<String> {
    let lang = opts.lang;
    let zh = lang == Lang::Zh;
    let mut out = String::new();
    writeln!(
        out,
        "# {}（{}）\n",
        esc(report.plan.title.get(lang)),
        esc(&report.plan.document)
    )?;
    let summary: Vec<String> = Status::ALL
        .iter()
        .zip(report.counts())
        .map(|(s, n)| format!("{} {n}", s.label(lang)))
        .collect();
    writeln!(
        out,
        "{} {} · {}\n",
        if zh { "基准日期" } else { "As of" },
        report.as_of,
        esc(&summary.join(" · "))
    )?;
    report
        .sources_line(lang)
        .map_or(Ok(()), |l| writeln!(out, "{}\n", esc(&l)))?;
    let (matrices, listed) = matrix::split(report, opts);
    for m in &matrices {
        write_matrix(&mut out, report, m, lang)?;
    }
    if !listed.is_empty() {
        if opts.view == View::Matrix {
            writeln!(
                out,
                "## {}\n",
                if zh { "其他指标" } else { "Other targets" }
            )?;
        }
        write_list(&mut out, &listed, lang)?;
    }
    if let Some(line) = super::not_given_line(&super::not_given(report, opts), lang) {
        writeln!(out, "\n{}", esc(&line))?;
    }
    write_explanations(&mut out, report, lang)?;
    let notes = super::notes(report);
    if !notes.is_empty() {
        writeln!(out, "## {}\n", super::notes_heading(lang))?;
        for r in notes {
            writeln!(out, "- {}", esc(&super::note_line(r, lang)))?;
        }
        writeln!(out)?;
    }
    Ok(out)
}

/// The data issues section, written a few rows at a time.
fn write_issues(
    stream: &mut dyn std::io::Write,
    report: &Report,
    lang: Lang,
) -> anyhow::Result<()> {
    let zh = lang == Lang::Zh;
    let mut out = String::new();
    if !report.issues.is_empty() {
        writeln!(
            out,
            "\n## {} ({})\n",
            if zh { "数据问题" } else { "Data issues" },
            report.issues.len()
        )?;
        header(
            &mut out,
            &if zh {
                ["文件", "行", "列", "值", "问题"]
            } else {
                ["file", "line", "column", "value", "issue"]
            },
        )?;
        for i in report.issues.iter() {
            let i = i?;
            if out.len() >= 1 << 16 {
                stream.write_all(out.as_bytes())?;
                out.clear();
            }
            row(
                &mut out,
                &[
                    esc(&i.file),
                    i.line.to_string(),
                    esc(&i.column),
                    esc(&i.value),
                    esc(&i.message),
                ],
            )?;
        }
    }
    stream.write_all(out.as_bytes())?;
    Ok(())
}

fn write_list(out: &mut String, results: &[&RuleResult], lang: Lang) -> anyhow::Result<()> {
    header(out, &super::list_headings(lang))?;
    for r in results {
        let mut title = format!("{} ({})", r.title.get(lang), r.rule);
        title.push_str(super::severity_mark(r.severity, lang));
        let prev = previous_text(r, lang);
        let actual = if prev.is_empty() {
            actual_text(r, lang)
        } else {
            format!("{}\n{prev}", actual_text(r, lang))
        };
        row(
            out,
            &[
                format!(
                    "{} {}",
                    super::status_symbol(r.status),
                    r.status_label(lang)
                ),
                esc(&r.clause),
                esc(&title),
                esc(&group_label(r, lang)),
                esc(&actual),
                esc(&super::target_text(r, lang)),
                esc(&shortfall_words(r, lang)),
                r.due.map(|d| d.to_string()).unwrap_or_default(),
            ],
        )?;
    }
    Ok(())
}

fn write_matrix(
    out: &mut String,
    report: &Report,
    m: &Matrix<'_>,
    lang: Lang,
) -> anyhow::Result<()> {
    let (title, year) = m.heading(report, lang);
    let year = year.map(|y| format!(" {y}")).unwrap_or_default();
    writeln!(out, "## {}{year}\n", esc(title))?;
    let mut cols = vec![match lang {
        Lang::Zh => "分组".to_string(),
        Lang::En => "group".to_string(),
    }];
    cols.extend(
        m.rules
            .iter()
            .enumerate()
            .map(|(i, r)| format!("{} {}", i + 1, esc(matrix::column_name(r)))),
    );
    let refs: Vec<&str> = cols.iter().map(String::as_str).collect();
    header(out, &refs)?;
    for r in &m.rows {
        let mut cells = vec![match (r.group, lang) {
            (Some(g), _) => esc(g),
            (None, Lang::Zh) => "**全市合计**".into(),
            (None, Lang::En) => "**total**".into(),
        }];
        cells.extend(r.cells.iter().map(|c| esc(&matrix::cell_text(*c))));
        row(out, &cells)?;
    }
    writeln!(out, "\n{}\n", esc(matrix::legend(lang)))?;
    for (i, r) in m.rules.iter().enumerate() {
        writeln!(
            out,
            "{}. {} {} {} {}",
            i + 1,
            esc(&r.rule),
            esc(&r.clause),
            esc(r.title.get(lang)),
            esc(&super::target_text(r, lang))
        )?;
    }
    writeln!(out)?;
    Ok(())
}

fn write_explanations(out: &mut String, report: &Report, lang: Lang) -> anyhow::Result<()> {
    let zh = lang == Lang::Zh;
    let mut first = true;
    for r in &report.results {
        let Some(x) = r.explanation.as_ref().filter(|x| x.total > 0) else {
            continue;
        };
        if first {
            writeln!(
                out,
                "\n## {}",
                if zh {
                    "不符合条件或未知的记录"
                } else {
                    "Rows not meeting the condition or unknown"
                }
            )?;
            first = false;
        }
        writeln!(out, "\n### {}\n", esc(&explanation_heading(r, x, lang)))?;
        if x.rows.is_empty() {
            continue;
        }
        header(
            out,
            &if zh {
                ["行", "名称", "判定", "依据"]
            } else {
                ["line", "name", "state", "values"]
            },
        )?;
        for row_ in &x.rows {
            row(
                out,
                &[
                    row_.line.to_string(),
                    esc(&row_.name),
                    row_.state_label(lang).to_string(),
                    esc(&row_.values_text(lang)),
                ],
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn cells_cannot_break_the_table_or_inject_html() {
        assert_eq!(esc("a|b"), "a\\|b");
        assert_eq!(esc("<script>x</script>"), "\\<script\\>x\\</script\\>");
        assert_eq!(esc("&lt;"), "\\&lt;");
        assert_eq!(esc("line1\nline2"), "line1<br>line2");
        assert_eq!(
            esc("vice_chair *x* [l](u)"),
            "vice\\_chair \\*x\\* \\[l\\](u)"
        );
    }
}
