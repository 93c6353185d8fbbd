//! `--format table`: a report for people, in Chinese or English.

use super::{shortfall_words, Kind, Render, RenderOptions, Report, RuleResult, Status};
use crate::num;
use crate::target::Style;
use crate::Lang;
use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, Color, ContentArrangement, Table as Grid};
use std::fmt::Write;

pub struct Table;

/// How many data issues the table lists before summarising the rest.
const ISSUES_SHOWN: usize = 20;

impl Render for Table {
    fn render(&self, report: &Report, opts: &RenderOptions) -> anyhow::Result<String> {
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
        let mut grid = Grid::new();
        grid.load_style(UTF8_FULL_CONDENSED);
        grid.set_content_arrangement(ContentArrangement::Dynamic);
        if opts.color {
            grid.enforce_styling();
        } else {
            grid.force_no_tty();
        }
        let header = if zh {
            [
                "状态", "条款", "指标", "分组", "实际", "目标", "差距", "期限",
            ]
        } else {
            [
                "status",
                "clause",
                "target of",
                "group",
                "actual",
                "target",
                "shortfall",
                "due",
            ]
        };
        grid.set_header(header);
        for r in &report.results {
            let status = Cell::new(r.status.label(lang));
            let status = if opts.color {
                status.fg(color(r.status))
            } else {
                status
            };
            let mut title = format!("{}\n{}", r.title.get(lang), r.rule);
            if r.severity == crate::pack::schema::Severity::Warning {
                title.push_str(if zh { "（提示）" } else { " (warning)" });
            }
            grid.add_row(vec![
                status,
                Cell::new(&r.clause),
                Cell::new(title),
                Cell::new(group(r, lang)),
                Cell::new(actual(r, lang)),
                Cell::new(r.target.to_string()),
                Cell::new(shortfall_words(r, lang)),
                Cell::new(r.due.map(|d| d.to_string()).unwrap_or_default()),
            ]);
        }
        writeln!(out, "{grid}")?;
        let counts = report.counts();
        let summary: Vec<String> = Status::ALL
            .iter()
            .zip(counts)
            .map(|(s, n)| format!("{} {n}", s.label(lang)))
            .collect();
        writeln!(
            out,
            "{}{}",
            if zh { "合计：" } else { "summary: " },
            summary.join(" · ")
        )?;
        if !report.issues.is_empty() {
            let total = report.issues.len() as u64 + report.issues_omitted;
            writeln!(
                out,
                "\n{}",
                if zh {
                    format!("数据问题 {total} 处：")
                } else {
                    format!("{total} data issues:")
                }
            )?;
            for i in report.issues.iter().take(ISSUES_SHOWN) {
                let value = if i.value.is_empty() {
                    String::new()
                } else {
                    format!(" “{}”", i.value)
                };
                writeln!(
                    out,
                    "  {}:{} [{}]{value} {}",
                    i.file, i.line, i.column, i.message
                )?;
            }
            let more = total - report.issues.len().min(ISSUES_SHOWN) as u64;
            if more > 0 && report.issues_omitted == 0 {
                writeln!(
                    out,
                    "  {}",
                    if zh {
                        format!("……另有 {more} 处，用 --format json 查看全部")
                    } else {
                        format!("… and {more} more; --format json lists them all")
                    }
                )?;
            } else if more > 0 {
                let cap = crate::engine::MAX_ISSUES_PER_FILE;
                writeln!(
                    out,
                    "  {}",
                    if zh {
                        format!("……另有 {more} 处；--format json 列出每个文件的前 {cap} 处")
                    } else {
                        format!(
                            "… and {more} more; --format json lists the first {cap} of each file"
                        )
                    }
                )?;
            }
        }
        Ok(out)
    }
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

fn group(r: &RuleResult, lang: Lang) -> String {
    match (&r.group, r.pooled, lang) {
        (Some(g), _, _) => g.clone(),
        (None, true, Lang::Zh) => "全市合计".into(),
        (None, true, Lang::En) => "total".into(),
        (None, false, _) => String::new(),
    }
}

/// `206/300 = 68.67%`, `3.01 (3612345.67 / 1200000)`, or why nothing was measured.
pub(super) fn actual(r: &RuleResult, lang: Lang) -> String {
    let Some(m) = &r.measured else {
        return r
            .reason
            .as_ref()
            .map(|why| why.text(lang, &r.dataset))
            .unwrap_or_default();
    };
    if let (Some(why), Status::NotApplicable) = (&r.reason, r.status) {
        return why.text(lang, &r.dataset);
    }
    let n = num::exact_text(&m.numerator);
    let d = num::exact_text(&m.denominator);
    let mut text = match (m.ratio(), m.kind, r.target.style) {
        (None, _, _) => format!("{n}/{d}"),
        (Some(x), Kind::Weighted, _) => format!("{}%", num::short_text(&(x * num::int(100)), 2)),
        (Some(x), _, Style::Percent | Style::Fraction) => {
            format!("{n}/{d} = {}%", num::short_text(&(x * num::int(100)), 2))
        }
        (Some(x), _, Style::Plain) => format!("{} ({n} / {d})", num::round_text(&x, 2)),
    };
    if m.unknown > 0 {
        text.push_str(&match lang {
            Lang::Zh => format!("，未知 {}", m.unknown),
            Lang::En => format!(", {} unknown", m.unknown),
        });
    }
    text
}
