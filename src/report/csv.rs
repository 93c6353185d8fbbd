//! `--format csv`: one row per result, UTF-8 with a byte-order mark so
//! Excel reads the Chinese text. Headers are stable English names for
//! scripts; texts follow `--lang`. Cells that a spreadsheet would run as a
//! formula get a leading apostrophe.

use super::{shortfall_words, Render, RenderOptions, Report, RuleResult};
use crate::num;
use crate::Lang;

pub struct Csv;

pub(super) const HEADER: [&str; 34] = [
    "rule",
    "clause",
    "title",
    "dataset",
    "group",
    "pooled",
    "year",
    "status",
    "severity",
    "target_op",
    "target_value",
    "target_text",
    "numerator",
    "denominator",
    "unknown",
    "ratio",
    "shortfall_numerator",
    "shortfall_add",
    "shortfall_text",
    "due",
    "reason_code",
    "reason_text",
    "previous_year",
    "previous_status",
    "previous_numerator",
    "previous_denominator",
    "previous_ratio",
    "trend",
    "failing_rows",
    "failing",
    "binding",
    "note",
    "source_file",
    "source_sheet",
];

/// A plain number as this renderer writes numbers (`-3`, `0.686667`): never
/// a formula, so it keeps its sign.
fn is_number(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    let mut parts = s.splitn(2, '.');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// Neutralises spreadsheet formulas (OWASP "CSV injection"): a cell that
/// starts with `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`.
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') if !is_number(cell) => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

impl Render for Csv {
    fn render(&self, report: &Report, opts: &RenderOptions) -> anyhow::Result<String> {
        let lang = opts.lang;
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        w.write_record(HEADER)?;
        for r in &report.results {
            let record = record(report, r, lang);
            w.write_record(record.iter().map(|c| neutralise(c)))?;
        }
        let body = String::from_utf8(w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?)?;
        Ok(format!("\u{feff}{body}"))
    }
}

/// One result as the CSV report's columns ([`HEADER`]); the Excel report
/// writes the same cells.
pub(super) fn record(report: &Report, r: &RuleResult, lang: Lang) -> [String; 34] {
    let exact = |x: &num::Rational| num::exact_text(x);
    let opt = |x: Option<String>| x.unwrap_or_default();
    let m = r.measured.as_ref();
    let p = r.previous.as_ref();
    let (source_file, source_sheet) = report.source_of(&r.dataset);
    let failing = r.explanation.as_ref().map(|x| {
        x.rows
            .iter()
            .map(|row| {
                format!(
                    "{}:{} {} [{}] {}",
                    x.file,
                    row.line,
                    row.name,
                    row.state_label(lang),
                    row.values_text(lang)
                )
            })
            .collect::<Vec<_>>()
            .join(" | ")
    });
    [
        r.rule.clone(),
        r.clause.clone(),
        r.title.get(lang).to_string(),
        r.dataset.clone(),
        opt(r.group.clone()),
        r.pooled.to_string(),
        opt(r.period.map(|y| y.to_string())),
        r.status.as_str().to_string(),
        r.severity.as_str().to_string(),
        r.target.op.ascii().to_string(),
        num::fraction_text(&r.target.value),
        r.target.to_string(),
        opt(m.map(|m| exact(&m.numerator))),
        opt(m.map(|m| exact(&m.denominator))),
        m.map_or(0, |m| m.unknown).to_string(),
        opt(m
            .and_then(|m| m.ratio())
            .map(|x| super::ratio_text(&x, &r.target))),
        opt(r
            .shortfall
            .as_ref()
            .and_then(|s| s.numerator.as_ref())
            .map(exact)),
        opt(r
            .shortfall
            .as_ref()
            .and_then(|s| s.add.as_ref())
            .map(|a| a.to_string())),
        shortfall_words(r, lang),
        opt(r.due.map(|d| d.to_string())),
        opt(r.reason.as_ref().map(|why| why.code().to_string())),
        opt(r.reason.as_ref().map(|why| why.text(lang, &r.dataset))),
        opt(p.map(|p| p.period.to_string())),
        opt(p.map(|p| p.status.as_str().to_string())),
        opt(p.map(|p| exact(&p.measured.numerator))),
        opt(p.map(|p| exact(&p.measured.denominator))),
        opt(p
            .and_then(|p| p.measured.ratio())
            .map(|x| super::ratio_text(&x, &r.target))),
        opt(p.map(|p| p.trend.as_str().to_string())),
        opt(r.explanation.as_ref().map(|x| x.total.to_string())),
        opt(failing),
        opt(r.binding.clone()),
        opt(r.note.as_ref().map(|n| n.get(lang).to_string())),
        source_file,
        source_sheet,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+1+1"), "'+1+1");
        assert_eq!(neutralise("-1+1"), "'-1+1");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("\tx"), "'\tx");
        assert_eq!(neutralise("\rx"), "'\rx");
        assert_eq!(neutralise("-3"), "-3");
        assert_eq!(neutralise("-0.5"), "-0.5");
        assert_eq!(neutralise("-"), "'-");
        assert_eq!(neutralise("-3."), "'-3.");
        assert_eq!(neutralise("海陵区"), "海陵区");
        assert_eq!(neutralise(""), "");
    }
}
