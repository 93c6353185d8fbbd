//! `--format xlsx`: the report as an Excel workbook for offices that file
//! everything in Excel. A results sheet with the CSV report's columns in
//! the plan's clause order, statuses coloured; a data-issues sheet; and a
//! sheet per rule asked for with `--explain`, listing its rows.

use super::{csv, Render, RenderOptions, Report, RuleResult, Status};
use crate::Lang;
use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, Worksheet, XlsxError};

pub struct Xlsx;

impl Render for Xlsx {
    fn render(&self, _: &Report, _: &RenderOptions) -> anyhow::Result<String> {
        anyhow::bail!(crate::tr!(
            "Excel 报告不是文本：请用 -o 报告.xlsx 写入文件",
            "an Excel report is not text: write it with -o report.xlsx"
        ))
    }

    fn render_bytes(&self, report: &Report, opts: &RenderOptions) -> anyhow::Result<Vec<u8>> {
        workbook(report, opts.lang).map_err(|e| {
            anyhow::anyhow!(crate::tr!(
                "无法生成 Excel 报告：{e}",
                "cannot write the Excel report: {e}"
            ))
        })
    }
}

/// Sheet names in the workbook.
pub fn sheet_names(lang: Lang) -> (&'static str, &'static str) {
    match lang {
        Lang::Zh => ("检查结果", "数据问题"),
        Lang::En => ("results", "data issues"),
    }
}

fn workbook(report: &Report, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new()
        .set_bold()
        .set_border_bottom(FormatBorder::Thin);
    let (results_name, issues_name) = sheet_names(lang);

    let ws = book.add_worksheet().set_name(results_name)?;
    header(ws, &csv::HEADER, &bold)?;
    for (i, r) in in_clause_order(&report.results).into_iter().enumerate() {
        let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
        for (c, cell) in csv::record(report, r, lang).iter().enumerate() {
            let col = u16::try_from(c).unwrap_or(u16::MAX);
            if c == STATUS_COLUMN {
                ws.write_string_with_format(row, col, cell, &status_format(r.status))?;
            } else {
                write_cell(ws, row, col, cell)?;
            }
        }
    }
    finish(ws, report.results.len(), csv::HEADER.len())?;

    let ws = book.add_worksheet().set_name(issues_name)?;
    let heads = match lang {
        Lang::Zh => ["数据集", "文件", "行", "列", "值", "问题"],
        Lang::En => ["dataset", "file", "line", "column", "value", "issue"],
    };
    header(ws, &heads, &bold)?;
    for (i, issue) in report.issues.iter().enumerate() {
        let issue = issue.map_err(|e| XlsxError::CustomError(e.to_string()))?;
        let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
        ws.write_string(row, 0, issue.dataset.as_str())?;
        ws.write_string(row, 1, issue.file.as_str())?;
        ws.write_number(row, 2, issue.line as f64)?;
        ws.write_string(row, 3, issue.column.as_str())?;
        ws.write_string(row, 4, issue.value.as_str())?;
        ws.write_string(row, 5, issue.message.as_str())?;
    }
    finish(ws, report.issues.len(), heads.len())?;

    let mut used: Vec<String> = Vec::new();
    for (rule, results) in explained(report) {
        let ws = book.add_worksheet().set_name(sheet_name(rule, &used))?;
        used.push(ws.name());
        let heads = match lang {
            Lang::Zh => ["分组", "文件", "行", "名称", "判定", "依据"],
            Lang::En => ["group", "file", "line", "name", "state", "values"],
        };
        header(ws, &heads, &bold)?;
        let mut row = 1u32;
        for r in results {
            let Some(x) = &r.explanation else { continue };
            for e in &x.rows {
                ws.write_string(row, 0, super::group_label(r, lang))?;
                ws.write_string(row, 1, &x.file)?;
                ws.write_number(row, 2, e.line as f64)?;
                ws.write_string(row, 3, &e.name)?;
                ws.write_string(row, 4, e.state_label(lang))?;
                ws.write_string(row, 5, e.values_text(lang))?;
                row = row.saturating_add(1);
            }
        }
        finish(ws, row as usize - 1, heads.len())?;
    }
    book.save_to_buffer()
}

/// The `status` column of [`csv::HEADER`].
const STATUS_COLUMN: usize = 7;

fn header(ws: &mut Worksheet, heads: &[&str], bold: &Format) -> Result<(), XlsxError> {
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(0, u16::try_from(c).unwrap_or(u16::MAX), *h, bold)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// A filter on the header row and readable column widths.
fn finish(ws: &mut Worksheet, rows: usize, cols: usize) -> Result<(), XlsxError> {
    let last_col = u16::try_from(cols.saturating_sub(1)).unwrap_or(u16::MAX);
    let last_row = u32::try_from(rows).unwrap_or(u32::MAX);
    ws.autofilter(0, 0, last_row, last_col)?;
    ws.autofit();
    Ok(())
}

/// Exact decimals as numbers Excel can sum (when an f64 holds them
/// exactly enough: at most 15 significant digits), everything else as text.
fn write_cell(ws: &mut Worksheet, row: u32, col: u16, cell: &str) -> Result<(), XlsxError> {
    let digits = cell.bytes().filter(u8::is_ascii_digit).count();
    let numeric = !cell.is_empty()
        && digits <= 15
        && cell
            .strip_prefix('-')
            .unwrap_or(cell)
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.')
        && cell.matches('.').count() <= 1
        && !cell.ends_with('.')
        && !cell.starts_with('.');
    match cell.parse::<f64>() {
        Ok(n) if numeric => ws.write_number(row, col, n).map(|_| ()),
        _ => ws.write_string(row, col, cell).map(|_| ()),
    }
}

fn status_format(s: Status) -> Format {
    let (fill, font) = match s {
        Status::Pass => (0xD1F0D9, 0x1A7F37),
        Status::Fail => (0xFFD7D5, 0xCF222E),
        Status::Indeterminate => (0xFFF1C2, 0x9A6700),
        Status::Pending => (0xDDEBFF, 0x0969DA),
        Status::Skipped | Status::NotApplicable => (0xEAEEF2, 0x57606A),
    };
    Format::new()
        .set_background_color(Color::RGB(fill))
        .set_font_color(Color::RGB(font))
        .set_bold()
}

/// Results sorted by the plan's clause numbers (三(一) before 四(一) before
/// 七(一)), keeping the report's order within a clause.
fn in_clause_order(results: &[RuleResult]) -> Vec<&RuleResult> {
    let mut out: Vec<&RuleResult> = results.iter().collect();
    out.sort_by_key(|r| clause_key(&r.clause));
    out
}

/// `七(二)` → (7, 2); unknown forms sort last.
fn clause_key(clause: &str) -> (u32, u32) {
    let (major, minor) = match clause.split_once(['(', '（']) {
        Some((a, b)) => (a, b.trim_end_matches([')', '）'])),
        None => (clause, ""),
    };
    let minor = if minor.is_empty() {
        0
    } else {
        chinese_number(minor)
    };
    (chinese_number(major), minor)
}

/// 一 … 九十九 (and ASCII digits); anything else is `u32::MAX`.
fn chinese_number(s: &str) -> u32 {
    if let Ok(n) = s.trim().parse() {
        return n;
    }
    let digit = |c: char| "零一二三四五六七八九".chars().position(|d| d == c);
    let chars: Vec<char> = s.trim().chars().collect();
    match chars.as_slice() {
        ['十'] => 10,
        [a] => digit(*a).map_or(u32::MAX, |d| d as u32),
        ['十', b] => digit(*b).map_or(u32::MAX, |d| 10 + d as u32),
        [a, '十'] => digit(*a).map_or(u32::MAX, |d| d as u32 * 10),
        [a, '十', b] => match (digit(*a), digit(*b)) {
            (Some(a), Some(b)) => (a * 10 + b) as u32,
            _ => u32::MAX,
        },
        _ => u32::MAX,
    }
}

/// The rules with `--explain` rows, each with its results, in report order.
fn explained(report: &Report) -> Vec<(&str, Vec<&RuleResult>)> {
    let mut out: Vec<(&str, Vec<&RuleResult>)> = Vec::new();
    for r in report
        .results
        .iter()
        .filter(|r| r.explanation.as_ref().is_some_and(|x| !x.rows.is_empty()))
    {
        match out.iter_mut().find(|(id, _)| *id == r.rule) {
            Some((_, v)) => v.push(r),
            None => out.push((&r.rule, vec![r])),
        }
    }
    out
}

/// A rule id as a sheet name: at most 31 characters, none of `[]:*?/\`,
/// not one of `used` (ids cut at 31 characters may meet).
fn sheet_name(rule: &str, used: &[String]) -> String {
    let base: String = rule
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let cut = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    let mut name = cut(&base, 31);
    let mut n = 2;
    while used.iter().any(|u| u.eq_ignore_ascii_case(&name)) {
        let suffix = format!("~{n}");
        name = cut(&base, 31 - suffix.len()) + &suffix;
        n += 1;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clauses_sort_by_their_numbers() {
        assert_eq!(clause_key("三(一)"), (3, 1));
        assert_eq!(clause_key("七（二）"), (7, 2));
        assert_eq!(clause_key("十二(三)"), (12, 3));
        assert_eq!(clause_key("九"), (9, 0));
        assert!(clause_key("三(一)") < clause_key("四(一)"));
        assert!(clause_key("七(二)") < clause_key("八(一)"));
        assert_eq!(clause_key("附件").0, u32::MAX);
        assert_eq!(sheet_name("a/b:c", &[]), "a_b_c");
        let long = "districts.independent_party_group";
        assert_eq!(sheet_name(long, &[]), "districts.independent_party_gro");
        assert_eq!(
            sheet_name(long, &["districts.independent_party_gro".into()]),
            "districts.independent_party_g~2"
        );
    }
}
