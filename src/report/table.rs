//! `--format table`: a report for people, in Chinese or English.

use super::matrix::{self, Matrix};
use super::{
    actual_text, explanation_heading, group_label, previous_text, shortfall_words, Render,
    RenderOptions, Report, RuleResult, Status,
};
use crate::Lang;
use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, Color, ContentArrangement, Table as Grid};
use std::fmt::Write;

pub struct Table;

impl Render for Table {
    fn render(&self, report: &Report, opts: &RenderOptions) -> anyhow::Result<String> {
        super::written(self, report, opts)
    }

    /// Streams the data issues: with `--all-issues` a registry's list is long.
    fn write(
        &self,
        report: &Report,
        opts: &RenderOptions,
        out: &mut dyn std::io::Write,
    ) -> anyhow::Result<()> {
        let mut out = std::io::BufWriter::new(out);
        let head = head(report, opts)?;
        std::io::Write::write_all(&mut out, super::width::fit(&head, opts.width).as_bytes())?;
        super::issues::write(
            &mut out,
            &report.issues,
            opts.lang,
            opts.all_issues,
            opts.width,
        )?;
        std::io::Write::flush(&mut out)?;
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
        "{}（{}）  {}",
        report.plan.title.get(lang),
        report.plan.document,
        if zh {
            format!("基准日期 {}", report.as_of)
        } else {
            format!("as of {}", report.as_of)
        }
    )?;
    report
        .sources_line(lang)
        .map_or(Ok(()), |l| writeln!(out, "{l}"))?;
    let (matrices, listed) = matrix::split(report, opts);
    for m in &matrices {
        write_matrix(&mut out, report, m, opts)?;
    }
    if listed.is_empty() {
    } else if opts.width.is_some_and(|w| w < NARROW) {
        write_blocks(&mut out, &listed, lang)?;
    } else {
        writeln!(out, "{}", list(&listed, opts))?;
    }
    if let Some(line) = super::not_given_line(&super::not_given(report, opts), lang) {
        writeln!(out, "{line}")?;
    }
    write_explanations(&mut out, report, opts)?;
    write_notes(&mut out, report, lang)?;
    let counts = report.counts();
    let not_checked = report.results.iter().filter(|r| r.not_checked()).count();
    let summary: Vec<String> = Status::ALL
        .iter()
        .zip(counts)
        .map(|(s, n)| match (s, not_checked) {
            (Status::Skipped, 1..) if zh => format!("跳过 {n}（其中未检查 {not_checked}）"),
            (Status::Skipped, 1..) => format!("skipped {n} ({not_checked} not checked)"),
            _ => format!("{} {n}", s.label(lang)),
        })
        .collect();
    writeln!(
        out,
        "{}{}",
        if zh { "合计：" } else { "summary: " },
        summary.join(" · ")
    )?;
    Ok(out)
}

/// Skipped because no file was given: left out of the matrix view's list
/// (the summary still counts them).
fn grid(opts: &RenderOptions) -> Grid {
    let mut grid = Grid::new();
    grid.load_style(UTF8_FULL_CONDENSED);
    grid.set_content_arrangement(ContentArrangement::Dynamic);
    if let Some(w) = opts.width.and_then(|w| u16::try_from(w).ok()) {
        grid.set_width(w);
    }
    if opts.color {
        grid.enforce_styling();
    } else {
        grid.force_no_tty();
    }
    grid
}

/// One line per result.
fn list(results: &[&RuleResult], opts: &RenderOptions) -> Grid {
    let lang = opts.lang;
    let mut grid = grid(opts);
    let header = super::list_headings(lang);
    grid.set_header(header);
    for r in results {
        let status = Cell::new(r.status_label(lang));
        let status = if opts.color {
            status.fg(color(r.status))
        } else {
            status
        };
        let mut title = format!("{}\n{}", r.title.get(lang), r.rule);
        title.push_str(super::severity_mark(r.severity, lang));
        grid.add_row(vec![
            status,
            Cell::new(&r.clause),
            Cell::new(title),
            Cell::new(group_label(r, lang)),
            Cell::new(actual_cell(r, lang)),
            Cell::new(super::target_text(r, lang)),
            Cell::new(shortfall_words(r, lang)),
            Cell::new(r.due.map(|d| d.to_string()).unwrap_or_default()),
        ]);
    }
    grid
}

/// The pack's readings of the plan behind the results shown.
fn write_notes(out: &mut String, report: &Report, lang: Lang) -> anyhow::Result<()> {
    let notes = super::notes(report);
    if notes.is_empty() {
        return Ok(());
    }
    writeln!(out, "{}", super::notes_heading(lang))?;
    for r in notes {
        writeln!(out, "  {}", super::note_line(r, lang))?;
    }
    Ok(())
}

/// Below this many cells eight columns squeeze every word into a sliver:
/// results are written as short blocks instead.
const NARROW: usize = 90;

/// One block per result for a narrow terminal:
/// `未达标 · 三(一) 代表大会代表中基层一线科技工作者比例` and indented lines
/// for the rule, the actual value and target, the shortfall, the deadline.
fn write_blocks(out: &mut String, results: &[&RuleResult], lang: Lang) -> anyhow::Result<()> {
    let zh = lang == Lang::Zh;
    let label = |zh_: &'static str, en: &'static str| if zh { zh_ } else { en };
    for r in results {
        let group = group_label(r, lang);
        let group = if group.is_empty() {
            String::new()
        } else {
            format!(" · {group}")
        };
        writeln!(
            out,
            "\n{} · {} {}{group}",
            r.status_label(lang),
            r.clause,
            r.title.get(lang)
        )?;
        writeln!(
            out,
            "  {}{}",
            r.rule,
            super::severity_mark(r.severity, lang)
        )?;
        writeln!(
            out,
            "  {} {}  {} {}",
            label("实际", "actual"),
            actual_text(r, lang),
            label("目标", "target"),
            super::target_text(r, lang)
        )?;
        let prev = previous_text(r, lang);
        if !prev.is_empty() {
            writeln!(out, "  {prev}")?;
        }
        let words = shortfall_words(r, lang);
        if !words.is_empty() {
            writeln!(out, "  {} {words}", label("差距", "shortfall"))?;
        }
        if let Some(due) = r.due {
            writeln!(out, "  {} {due}", label("期限", "due"))?;
        }
    }
    writeln!(out)?;
    Ok(())
}

/// The actual value, with the previous period's under it.
fn actual_cell(r: &RuleResult, lang: Lang) -> String {
    let prev = previous_text(r, lang);
    if prev.is_empty() {
        actual_text(r, lang)
    } else {
        format!("{}\n{prev}", actual_text(r, lang))
    }
}

/// Groups as rows, rules as columns, then a legend naming each column.
fn write_matrix(
    out: &mut String,
    report: &Report,
    m: &Matrix<'_>,
    opts: &RenderOptions,
) -> anyhow::Result<()> {
    let lang = opts.lang;
    let (title, year) = m.heading(report, lang);
    let year = year.map(|y| format!(" {y}")).unwrap_or_default();
    writeln!(out, "\n{title}{year}（{}）", m.dataset)?;
    let mut grid = grid(opts);
    let mut header = vec![Cell::new(match lang {
        Lang::Zh => "分组",
        Lang::En => "group",
    })];
    header.extend(
        m.rules
            .iter()
            .enumerate()
            .map(|(i, r)| Cell::new(format!("{}\n{}", i + 1, matrix::column_name(r)))),
    );
    grid.set_header(header);
    for row in &m.rows {
        let name = match (row.group, lang) {
            (Some(g), _) => g.to_string(),
            (None, Lang::Zh) => "全市合计".into(),
            (None, Lang::En) => "total".into(),
        };
        let mut cells = vec![Cell::new(name)];
        for c in &row.cells {
            let cell = Cell::new(matrix::cell_text(*c));
            cells.push(match (c, opts.color) {
                (Some(r), true) => cell.fg(color(r.status)),
                _ => cell,
            });
        }
        grid.add_row(cells);
    }
    writeln!(out, "{grid}")?;
    writeln!(out, "{}", matrix::legend(lang))?;
    for (i, r) in m.rules.iter().enumerate() {
        writeln!(
            out,
            "  {} {} {} {} {}",
            i + 1,
            r.rule,
            r.clause,
            r.title.get(lang),
            super::target_text(r, lang)
        )?;
    }
    Ok(())
}

/// `--explain` / `--show-failing`: each result's rows, under a heading.
fn write_explanations(
    out: &mut String,
    report: &Report,
    opts: &RenderOptions,
) -> anyhow::Result<()> {
    let lang = opts.lang;
    let zh = lang == Lang::Zh;
    for r in &report.results {
        let Some(x) = r.explanation.as_ref().filter(|x| x.total > 0) else {
            continue;
        };
        writeln!(out, "\n{}", explanation_heading(r, x, lang))?;
        if x.rows.is_empty() {
            continue;
        }
        let mut grid = grid(&RenderOptions {
            color: false,
            ..*opts
        });
        grid.set_header(if zh {
            ["行", "名称", "判定", "依据"]
        } else {
            ["line", "name", "state", "values"]
        });
        for row in &x.rows {
            grid.add_row(vec![
                row.line.to_string(),
                row.name.clone(),
                row.state_label(lang).to_string(),
                row.values_text(lang),
            ]);
        }
        writeln!(out, "{grid}")?;
    }
    Ok(())
}

fn color(s: Status) -> Color {
    match s {
        Status::Pass => Color::Green,
        Status::Fail => Color::Red,
        Status::Indeterminate => Color::Yellow,
        Status::Pending => Color::Cyan,
        Status::Skipped | Status::NotApplicable => Color::DarkGrey,
    }
}
