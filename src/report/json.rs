//! `--format json`: the contract in DESIGN.md. Exact numbers are written as
//! JSON numbers with every digit (`1234567.89`), never through a float.

use super::{Measured, Render, RenderOptions, Report, RuleResult, Status};
use crate::num::{self, Rational};
use serde::Serialize;
use serde_json::value::RawValue;

pub struct Json;

#[derive(Serialize)]
struct Doc<'a> {
    plan: Plan<'a>,
    as_of: String,
    summary: Summary,
    results: Vec<Result<'a>>,
    issues: Vec<Issue<'a>>,
    issues_omitted: u64,
}

#[derive(Serialize)]
struct Plan<'a> {
    id: &'a str,
    title: &'a str,
    document: &'a str,
}

#[derive(Serialize)]
struct Summary {
    pass: usize,
    fail: usize,
    indeterminate: usize,
    pending: usize,
    skipped: usize,
    not_applicable: usize,
}

#[derive(Serialize)]
struct Result<'a> {
    rule: &'a str,
    clause: &'a str,
    title: &'a str,
    dataset: &'a str,
    group: Option<&'a str>,
    pooled: bool,
    year: Option<i64>,
    status: &'static str,
    severity: &'static str,
    target: Target,
    numerator: Option<Box<RawValue>>,
    denominator: Option<Box<RawValue>>,
    unknown: u64,
    ratio: Option<Box<RawValue>>,
    shortfall: Option<Shortfall>,
    due: Option<String>,
    reason: Option<Reason>,
}

#[derive(Serialize)]
struct Target {
    op: &'static str,
    value: String,
    text: String,
}

#[derive(Serialize)]
struct Shortfall {
    numerator: Option<Box<RawValue>>,
    add: Option<Box<RawValue>>,
}

#[derive(Serialize)]
struct Reason {
    code: &'static str,
    text: String,
}

#[derive(Serialize)]
struct Issue<'a> {
    dataset: &'a str,
    file: &'a str,
    line: u64,
    column: &'a str,
    value: &'a str,
    message: &'a str,
}

/// An exact JSON number, or a `"p/q"` string if the decimal does not end.
fn exact(x: &Rational) -> Box<RawValue> {
    let text = num::exact_decimal(x).unwrap_or_else(|| format!("\"{}\"", num::fraction_text(x)));
    raw(text)
}

fn raw(text: String) -> Box<RawValue> {
    RawValue::from_string(text).unwrap_or_else(|_| RawValue::NULL.to_owned())
}

fn result<'a>(r: &'a RuleResult, opts: &RenderOptions) -> Result<'a> {
    let m: Option<&Measured> = r.measured.as_ref();
    Result {
        rule: &r.rule,
        clause: &r.clause,
        title: r.title.get(opts.lang),
        dataset: &r.dataset,
        group: r.group.as_deref(),
        pooled: r.pooled,
        year: r.period,
        status: r.status.as_str(),
        severity: r.severity.as_str(),
        target: Target {
            op: r.target.op.ascii(),
            value: num::fraction_text(&r.target.value),
            text: r.target.to_string(),
        },
        numerator: m.map(|m| exact(&m.numerator)),
        denominator: m.map(|m| exact(&m.denominator)),
        unknown: m.map_or(0, |m| m.unknown),
        ratio: m
            .and_then(|m| m.ratio())
            .map(|x| raw(num::short_text(&x, 6))),
        shortfall: r.shortfall.as_ref().map(|s| Shortfall {
            numerator: s.numerator.as_ref().map(exact),
            add: s.add.as_ref().map(|a| raw(a.to_string())),
        }),
        due: r.due.map(|d| d.to_string()),
        reason: r.reason.as_ref().map(|why| Reason {
            code: why.code(),
            text: why.text(opts.lang, &r.dataset),
        }),
    }
}

impl Render for Json {
    fn render(&self, report: &Report, opts: &RenderOptions) -> anyhow::Result<String> {
        let [pass, fail, indeterminate, pending, skipped, not_applicable] = report.counts();
        debug_assert_eq!(Status::ALL.len(), 6);
        let doc = Doc {
            plan: Plan {
                id: &report.plan.id,
                title: report.plan.title.get(opts.lang),
                document: &report.plan.document,
            },
            as_of: report.as_of.to_string(),
            summary: Summary {
                pass,
                fail,
                indeterminate,
                pending,
                skipped,
                not_applicable,
            },
            results: report.results.iter().map(|r| result(r, opts)).collect(),
            issues: report
                .issues
                .iter()
                .map(|i| Issue {
                    dataset: &i.dataset,
                    file: &i.file,
                    line: i.line,
                    column: &i.column,
                    value: &i.value,
                    message: &i.message,
                })
                .collect(),
            issues_omitted: report.issues_omitted,
        };
        let mut text = serde_json::to_string_pretty(&doc)?;
        text.push('\n');
        Ok(text)
    }
}
