//! `--format json`: the contract in DESIGN.md. Exact numbers are written as
//! JSON numbers with every digit (`1234567.89`), never through a float.

use super::{Measured, Render, RenderOptions, Report, RuleResult, Status};
use crate::num::{self, Rational};
use serde::Serialize;
use serde_json::value::RawValue;
use std::io::Write;

pub struct Json;

#[derive(Serialize)]
struct Doc<'a> {
    plan: Plan<'a>,
    as_of: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    sources: Vec<&'a super::SourceInfo>,
    summary: Summary,
    results: Vec<Result<'a>>,
    /// Read back from the store one at a time as they are written: a
    /// registry's millions are never all in memory.
    issues: &'a super::Issues,
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
    /// Skipped although the dataset was given (a missing column): unmet.
    not_checked: usize,
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
    /// False for `skipped`; with a `missing_column` reason (the dataset was
    /// given) such a result counts as unmet for the exit code.
    checked: bool,
    severity: &'static str,
    /// The plan's modal word (应, 力争 …); `null` for a stated figure.
    binding: Option<&'a str>,
    target: Target,
    numerator: Option<Box<RawValue>>,
    denominator: Option<Box<RawValue>>,
    unknown: u64,
    ratio: Option<Box<RawValue>>,
    shortfall: Option<Shortfall>,
    due: Option<String>,
    reason: Option<Reason>,
    /// How the pack reads the plan's sentence.
    note: Option<&'a str>,
    /// "每年" rules: the years that did not (or may not) meet the target.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    years_unmet: Vec<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    years_unknown: Vec<i64>,
    previous: Option<Previous>,
    explanation: Option<Explanation<'a>>,
}

#[derive(Serialize)]
struct Previous {
    year: i64,
    status: &'static str,
    numerator: Box<RawValue>,
    denominator: Box<RawValue>,
    unknown: u64,
    ratio: Option<Box<RawValue>>,
    trend: &'static str,
}

#[derive(Serialize)]
struct Explanation<'a> {
    file: &'a str,
    total: u64,
    shown: usize,
    rows: Vec<ExplainRow<'a>>,
}

#[derive(Serialize)]
struct ExplainRow<'a> {
    line: u64,
    name: &'a str,
    state: &'static str,
    values: indexmap::IndexMap<&'a str, &'a str>,
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
        checked: r.status != Status::Skipped,
        severity: r.severity.as_str(),
        binding: r.binding.as_deref(),
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
            .map(|x| raw(super::ratio_text(&x, &r.target))),
        shortfall: r.shortfall.as_ref().map(|s| Shortfall {
            numerator: s.numerator.as_ref().map(exact),
            add: s.add.as_ref().map(|a| raw(a.to_string())),
        }),
        due: r.due.map(|d| d.to_string()),
        reason: r.reason.as_ref().map(|why| Reason {
            code: why.code(),
            text: why.text(opts.lang, &r.dataset),
        }),
        note: r.note.as_ref().map(|n| n.get(opts.lang)),
        years_unmet: r.periods_unmet.clone(),
        years_unknown: r.periods_unknown.clone(),
        previous: r.previous.as_ref().map(|p| Previous {
            year: p.period,
            status: p.status.as_str(),
            numerator: exact(&p.measured.numerator),
            denominator: exact(&p.measured.denominator),
            unknown: p.measured.unknown,
            ratio: p
                .measured
                .ratio()
                .map(|x| raw(super::ratio_text(&x, &r.target))),
            trend: p.trend.as_str(),
        }),
        explanation: r.explanation.as_ref().map(|x| Explanation {
            file: &x.file,
            total: x.total,
            shown: x.rows.len(),
            rows: x
                .rows
                .iter()
                .map(|row| ExplainRow {
                    line: row.line,
                    name: &row.name,
                    state: if row.unknown { "unknown" } else { "not_met" },
                    values: row
                        .values
                        .iter()
                        .map(|(h, v)| (h.as_str(), v.as_str()))
                        .collect(),
                })
                .collect(),
        }),
    }
}

impl Render for Json {
    fn render(&self, report: &Report, opts: &RenderOptions) -> anyhow::Result<String> {
        super::written(self, report, opts)
    }

    /// Streams: a registry's report may list hundreds of thousands of issues.
    fn write(
        &self,
        report: &Report,
        opts: &RenderOptions,
        out: &mut dyn std::io::Write,
    ) -> anyhow::Result<()> {
        let mut out = std::io::BufWriter::new(out);
        serde_json::to_writer_pretty(&mut out, &doc(report, opts))?;
        out.write_all(b"\n")?;
        out.flush()?;
        Ok(())
    }
}

/// The report as the JSON document serializes it (borrowing, not copying).
fn doc<'a>(report: &'a Report, opts: &RenderOptions) -> Doc<'a> {
    let [pass, fail, indeterminate, pending, skipped, not_applicable] = report.counts();
    debug_assert_eq!(Status::ALL.len(), 6);
    Doc {
        plan: Plan {
            id: &report.plan.id,
            title: report.plan.title.get(opts.lang),
            document: &report.plan.document,
        },
        as_of: report.as_of.to_string(),
        sources: report.sources(),
        summary: Summary {
            pass,
            fail,
            indeterminate,
            pending,
            skipped,
            not_applicable,
            not_checked: report.results.iter().filter(|r| r.not_checked()).count(),
        },
        results: report.results.iter().map(|r| result(r, opts)).collect(),
        issues: &report.issues,
    }
}
