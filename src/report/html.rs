//! `--format html`: one self-contained file for people who read and print
//! the self-assessment: no scripts, no fonts or images to fetch, inline CSS
//! and SVG only, laid out for A4. A summary per clause, then each clause's
//! targets with a bar of actual against target, the shortfall in words, the
//! previous year, the rows asked for with `--explain`, and the data issues.
//!
//! Every text is escaped by maud; floats are used only to draw bars.

use super::matrix::no_input;
use super::matrix::{self, Matrix};
use super::{
    actual_text, explanation_count, group_label, previous_text, shortfall_words, Kind, Measured,
    Render, RenderOptions, Report, RuleResult, Status, View,
};
use crate::num::to_f64;
use crate::target::Style;
use crate::Lang;
use maud::{html, Markup, PreEscaped, DOCTYPE};

pub struct Html;

/// How many data issues are listed before a count of the rest.
const ISSUES_SHOWN: usize = 200;

const CSS: &str = r#"
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: system-ui, "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
       "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif;
       font-size: 10pt; line-height: 1.45; color: #1f2328; margin: 0 auto; padding: 10mm 8mm;
       max-width: 210mm; background: #fff; }
h1 { font-size: 17pt; margin: 0 0 2mm; }
h2 { font-size: 13pt; margin: 7mm 0 2mm; padding-bottom: 1mm; border-bottom: 2px solid #1f2328; }
h3 { font-size: 11pt; margin: 4mm 0 1mm; }
h3 small, .muted { color: #57606a; font-weight: normal; }
p { margin: 1mm 0; }
.meta { color: #57606a; margin-bottom: 4mm; }
.quote { color: #57606a; border-left: 3px solid #d0d7de; padding-left: 3mm; margin: 1mm 0 2mm; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 3mm; }
th, td { text-align: left; vertical-align: top; padding: 1.2mm 1.6mm; border-bottom: 1px solid #d0d7de; }
th { background: #f6f8fa; font-weight: 600; white-space: nowrap; }
thead { display: table-header-group; }
tr, .rule h3 { break-inside: avoid; }
td.num, th.num { text-align: right; white-space: nowrap; }
.c-group { width: 17%; } .c-status { width: 9%; } .c-actual { width: 30%; } .c-prev { width: 20%; }
.st { display: inline-block; padding: 0 1.6mm; border-radius: 2mm; color: #fff; white-space: nowrap; font-size: 9pt; }
.st-pass { background: #1a7f37; } .st-fail { background: #cf222e; }
.st-indeterminate { background: #9a6700; } .st-pending { background: #0969da; }
.st-skipped, .st-not_applicable { background: #6e7781; } .st-not-checked { background: #9a6700; }
.cards { display: flex; flex-wrap: wrap; gap: 2mm; margin: 2mm 0 3mm; }
.card { border: 1px solid #d0d7de; border-radius: 2mm; padding: 1.5mm 3mm; min-width: 24mm; }
.card b { display: block; font-size: 15pt; }
.bar { display: block; }
.actual { white-space: nowrap; }
.small { font-size: 8.5pt; }
.matrix td, .matrix th { text-align: center; white-space: nowrap; }
.matrix td:first-child, .matrix th:first-child { text-align: left; }
.m-pass { color: #1a7f37; } .m-fail { color: #cf222e; font-weight: 600; }
.m-indeterminate { color: #9a6700; } .m-pending { color: #0969da; }
.m-skipped, .m-not_applicable { color: #6e7781; }
footer { margin-top: 8mm; color: #57606a; font-size: 8.5pt; }
@media print { body { padding: 0; max-width: none; } h2 { break-after: avoid; } h3 { break-after: avoid; } }
"#;

fn words(lang: Lang) -> Words {
    match lang {
        Lang::Zh => Words {
            html_lang: "zh-CN",
            report: "改革目标达标检查报告",
            as_of: "基准日期",
            summary: "概况",
            clause: "条款",
            issues: "数据问题",
            group: "分组",
            status: "状态",
            actual: "实际与目标",
            shortfall: "差距",
            previous: "上年",
            target: "目标",
            due: "期限",
            file: "文件",
            line: "行",
            column: "列",
            value: "值",
            problem: "问题",
            name: "名称",
            state: "判定",
            basis: "依据",
            more: "另有",
            more_tail: "处，用 --format json 查看全部",
            overview: "分组总览",
            total: "全市合计",
            generated: "由 reformcheck 生成；数值精确计算，条形图仅供示意。",
        },
        Lang::En => Words {
            html_lang: "en",
            report: "Reform target check",
            as_of: "as of",
            summary: "Summary",
            clause: "clause",
            issues: "Data issues",
            group: "group",
            status: "status",
            actual: "actual vs target",
            shortfall: "shortfall",
            previous: "previous year",
            target: "target",
            due: "due",
            file: "file",
            line: "line",
            column: "column",
            value: "value",
            problem: "issue",
            name: "name",
            state: "state",
            basis: "values",
            more: "and",
            more_tail: "more; --format json lists them all",
            overview: "Overview by group",
            total: "total",
            generated: "Made by reformcheck; figures are exact, bars are only a picture of them.",
        },
    }
}

struct Words {
    html_lang: &'static str,
    report: &'static str,
    as_of: &'static str,
    summary: &'static str,
    clause: &'static str,
    issues: &'static str,
    group: &'static str,
    status: &'static str,
    actual: &'static str,
    shortfall: &'static str,
    previous: &'static str,
    target: &'static str,
    due: &'static str,
    file: &'static str,
    line: &'static str,
    column: &'static str,
    value: &'static str,
    problem: &'static str,
    name: &'static str,
    state: &'static str,
    basis: &'static str,
    more: &'static str,
    more_tail: &'static str,
    overview: &'static str,
    total: &'static str,
    generated: &'static str,
}

fn badge(r: &RuleResult, lang: Lang) -> Markup {
    let s = r.status;
    html! { span class={ "st st-" (s.as_str()) @if r.not_checked() { " st-not-checked" } } { (r.status_label(lang)) } }
}

fn color(s: Status) -> &'static str {
    match s {
        Status::Pass => "#1a7f37",
        Status::Fail => "#cf222e",
        Status::Indeterminate => "#9a6700",
        Status::Pending => "#0969da",
        Status::Skipped | Status::NotApplicable => "#6e7781",
    }
}

/// A horizontal bar: the actual value filled, the range the unknown cells
/// allow shaded, the previous year as a thin grey bar, the target as a line.
/// `actual` is [`actual_text`], computed once per row by the caller.
fn bar(r: &RuleResult, m: &Measured, actual: &str, lang: Lang) -> Markup {
    const W: f64 = 180.0;
    const H: f64 = 18.0;
    let Some(value) = m.ratio().map(|x| to_f64(&x)) else {
        return html! {};
    };
    let target = to_f64(&r.target.value);
    let previous = r
        .previous
        .as_ref()
        .and_then(|p| p.measured.ratio())
        .map(|x| to_f64(&x));
    let percent = m.kind == Kind::Weighted || r.target.style != Style::Plain;
    let top = if percent {
        1f64.max(value).max(target)
    } else {
        value.max(target).max(previous.unwrap_or(0.0)) * 1.25
    };
    let x = |v: f64| {
        if top > 0.0 && v.is_finite() {
            (v / top * W).clamp(0.0, W)
        } else {
            0.0
        }
    };
    let lo = x(to_f64(&m.min));
    let hi = m.max.as_ref().map_or(W, |v| x(to_f64(v)));
    let label = match lang {
        Lang::Zh => format!("实际 {actual}，目标 {}", r.target),
        Lang::En => format!("actual {actual}, target {}", r.target),
    };
    let f = |v: f64| format!("{v:.1}");
    html! {
        svg class="bar" width=(W as u32 + 2) height=(H as u32) viewBox={ "0 0 " (W as u32 + 2) " " (H as u32) } role="img" aria-label=(label) {
            title { (label) }
            rect x="0" y="2" width=(f(W)) height="11" fill="#eaeef2" {}
            @if m.unknown > 0 && hi > lo {
                rect x=(f(lo)) y="2" width=(f(hi - lo)) height="11" fill=(color(r.status)) fill-opacity="0.25" {}
            }
            rect x="0" y="2" width=(f(x(value))) height="11" fill=(color(r.status)) {}
            @if let Some(p) = previous {
                rect x="0" y="14.5" width=(f(x(p))) height="3" fill="#8c959f" {}
            }
            line x1=(f(x(target) + 1.0)) x2=(f(x(target) + 1.0)) y1="0" y2=(H as u32) stroke="#1f2328" stroke-width="2" {}
        }
    }
}

impl Render for Html {
    fn render(&self, report: &Report, opts: &RenderOptions) -> anyhow::Result<String> {
        let lang = opts.lang;
        let w = words(lang);
        let title = format!(
            "{}（{}）",
            report.plan.title.get(lang),
            report.plan.document
        );
        let unchecked = super::not_given(report, opts);
        let first_issues = report.issues.first(ISSUES_SHOWN)?;
        let checked: Vec<&RuleResult> = report
            .results
            .iter()
            .filter(|r| opts.all_rules || !no_input(r))
            .collect();
        // Clauses in pack order, each with its rules in order.
        let mut clauses: Vec<(&str, Vec<Vec<&RuleResult>>)> = Vec::new();
        for r in &checked {
            let i = match clauses.iter().position(|(c, _)| *c == r.clause) {
                Some(i) => i,
                None => {
                    clauses.push((&r.clause, Vec::new()));
                    clauses.len() - 1
                }
            };
            let rules = &mut clauses[i].1;
            match rules.iter_mut().find(|g| g[0].rule == r.rule) {
                Some(g) => g.push(r),
                None => rules.push(vec![r]),
            }
        }
        let counts = report.counts();
        let page = html! {
            (DOCTYPE)
            html lang=(w.html_lang) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (w.report) " · " (title) }
                    style { (PreEscaped(CSS)) }
                }
                body {
                    header {
                        h1 { (w.report) }
                        p.meta { (title) " · " (w.as_of) " " (report.as_of.to_string()) }
                        @if let Some(l) = report.sources_line(opts.lang) { p.meta.sources { (l) } }
                    }
                    section.summary {
                        h2 { (w.summary) }
                        div.cards {
                            @for (s, n) in Status::ALL.iter().zip(counts) {
                                div.card { b style={ "color:" (color(*s)) } { (n) } (s.label(lang)) }
                            }
                            div.card { b { (report.issues.len()) } (w.issues) }
                        }
                        table {
                            thead { tr {
                                th { (w.clause) }
                                @for s in Status::ALL { th.num { (s.label(lang)) } }
                            } }
                            tbody {
                                @for (clause, rules) in &clauses {
                                    tr {
                                        td { (clause) }
                                        @for s in Status::ALL {
                                            @let n = rules.iter().flatten().filter(|r| r.status == s).count();
                                            td.num { @if n > 0 { (n) } }
                                        }
                                    }
                                }
                            }
                        }
                        @if let Some(line) = super::not_given_line(&unchecked, lang) {
                            p.muted.small.not-given { (line) }
                        }
                    }
                    @if opts.view == View::Matrix {
                        @for m in matrix::matrices(report) {
                            (matrix_section(report, &m, lang, &w))
                        }
                    }
                    @for (clause, rules) in &clauses {
                        section.clause {
                            h2 { (w.clause) " " (clause) }
                            @for results in rules {
                                (rule_article(results, lang, &w))
                            }
                        }
                    }
                    @if !report.issues.is_empty() {
                        section.issues {
                            h2 { (w.issues) " (" (report.issues.len()) ")" }
                            table.small {
                                thead { tr { th { (w.file) } th.num { (w.line) } th { (w.column) } th { (w.value) } th { (w.problem) } } }
                                tbody {
                                    @for i in &first_issues {
                                        tr { td { (i.file) } td.num { (i.line) } td { (i.column) } td { (i.value) } td { (i.message) } }
                                    }
                                }
                            }
                            @if report.issues.len() > ISSUES_SHOWN {
                                p.muted { (w.more) " " (report.issues.len() - ISSUES_SHOWN) " " (w.more_tail) }
                            }
                        }
                    }
                    footer { (w.generated) }
                }
            }
        };
        Ok(page.into_string() + "\n")
    }
}

/// One rule: its title, the plan's sentence, then one row per group.
fn rule_article(results: &[&RuleResult], lang: Lang, w: &Words) -> Markup {
    let r0 = results[0];
    let grouped = results.iter().any(|r| r.group.is_some() || r.pooled);
    // Asked once, not per row: a rule may have 20,000 groups.
    let with_previous = results.iter().any(|r| r.previous.is_some());
    html! {
        article.rule {
            h3 {
                (r0.title.get(lang)) " "
                small { (r0.rule) @if r0.severity == crate::pack::schema::Severity::Warning { (super::severity_mark(r0.severity, lang)) } }
            }
            @if !r0.quote.is_empty() { p.quote { "“" (r0.quote) "”" } }
            @if let Some(note) = &r0.note { p.small.note { (super::notes_heading(lang)) "：" (note.get(lang)) } }
            p {
                (w.target) " " strong { (super::target_text(r0, lang)) }
                @if let Some(due) = r0.due { " · " (w.due) " " (due.to_string()) }
            }
            table {
                thead { tr {
                    @if grouped { th.c-group { (w.group) } }
                    th.c-status { (w.status) } th.c-actual { (w.actual) } th { (w.shortfall) }
                    @if with_previous { th.c-prev { (w.previous) } }
                } }
                tbody {
                    @for r in results {
                        tr {
                            @if grouped { td { @if r.pooled { strong { (group_label(r, lang)) } } @else { (group_label(r, lang)) } (super::severity_mark(r.severity, lang).replace("（提示）", "")) } }
                            td { (badge(r, lang)) }
                            td.actual {
                                @let actual = actual_text(r, lang);
                                @if let (Some(m), false) = (&r.measured, r.status == Status::NotApplicable) { (bar(r, m, &actual, lang)) }
                                span.small { (actual) }
                            }
                            td { (shortfall_words(r, lang)) }
                            @if with_previous { td.small { (previous_text(r, lang)) } }
                        }
                    }
                }
            }
            @for r in results {
                @if let Some(x) = &r.explanation {
                    @if x.total > 0 {
                        p.small.muted { (explanation_count(r, x, lang).trim_start_matches(" · ").trim_start_matches("：").trim_start_matches(": ")) }
                        table.small {
                            thead { tr { th.num { (w.line) } th { (w.name) } th { (w.state) } th { (w.basis) } } }
                            tbody {
                                @for row in &x.rows {
                                    tr { td.num { (row.line) } td { (row.name) } td { (row.state_label(lang)) } td { (row.values_text(lang)) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn matrix_section(report: &Report, m: &Matrix<'_>, lang: Lang, w: &Words) -> Markup {
    let (title, year) = m.heading(report, lang);
    html! {
        section.matrix {
            h2 { (w.overview) " · " (title) @if let Some(y) = year { " " (y) } }
            table.matrix {
                thead { tr {
                    th { (w.group) }
                    @for (i, r) in m.rules.iter().enumerate() {
                        th title=(r.title.get(lang)) { (i + 1) }
                    }
                } }
                tbody {
                    @for row in &m.rows {
                        tr {
                            td { @match row.group { Some(g) => (g), None => strong { (w.total) } } }
                            @for c in &row.cells {
                                @match c {
                                    Some(r) => td class={ "m-" (r.status.as_str()) } title=(actual_text(r, lang)) { (matrix::cell_text(Some(r))) },
                                    None => td {},
                                }
                            }
                        }
                    }
                }
            }
            p.small.muted { (matrix::legend(lang)) }
            ol.small {
                @for r in &m.rules {
                    li { (r.title.get(lang)) " " (super::target_text(r, lang)) " · " (r.clause) " · " (r.rule) @if let Some(n) = &r.note { br; span.muted { (n.get(lang)) } } }
                }
            }
        }
    }
}
