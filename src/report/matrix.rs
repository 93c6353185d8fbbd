//! `--view matrix`: the grouped results of one dataset arranged with groups
//! (districts, societies) as rows and rules as columns, the pooled total last.
//! A view of the results, shared by the table, markdown and html renderers.

use super::{Report, RuleResult, Status};

/// One dataset's grouped results as a grid.
pub struct Matrix<'a> {
    pub dataset: &'a str,
    /// The rules with grouped results, in pack order (the columns).
    pub rules: Vec<&'a RuleResult>,
    /// One row per group, the pooled total (`group: None`) last.
    pub rows: Vec<MatrixRow<'a>>,
}

impl<'a> Matrix<'a> {
    /// The dataset's title in `lang` and the year checked, for headings.
    pub fn heading(&self, report: &'a Report, lang: crate::Lang) -> (&'a str, Option<i64>) {
        let title = report
            .datasets
            .iter()
            .find(|d| d.name == self.dataset)
            .map_or(self.dataset, |d| d.title.get(lang));
        (title, self.rules.first().and_then(|r| r.period))
    }
}

pub struct MatrixRow<'a> {
    /// The group's name; `None` for the pooled total.
    pub group: Option<&'a str>,
    /// One cell per column: the result for this group, if the rule has one.
    pub cells: Vec<Option<&'a RuleResult>>,
}

/// Is a result part of some matrix (a group's result or a pooled total)?
pub fn in_matrix(r: &RuleResult) -> bool {
    r.group.is_some() || r.pooled
}

/// Every dataset that has grouped results, as a matrix, in report order.
/// Linear in the results: each matrix finds a group's row through an index
/// (20,000 societies made a linear search per result take seconds).
pub fn matrices(report: &Report) -> Vec<Matrix<'_>> {
    let mut out: Vec<Matrix<'_>> = Vec::new();
    // Per matrix: the row of each group.
    let mut row_of: Vec<std::collections::HashMap<Option<&str>, usize>> = Vec::new();
    for r in report.results.iter().filter(|r| in_matrix(r)) {
        let i = match out.iter().position(|m| m.dataset == r.dataset) {
            Some(i) => i,
            None => {
                out.push(Matrix {
                    dataset: &r.dataset,
                    rules: Vec::new(),
                    rows: Vec::new(),
                });
                row_of.push(std::collections::HashMap::new());
                out.len() - 1
            }
        };
        let m = &mut out[i];
        let col = match m.rules.iter().position(|x| x.rule == r.rule) {
            Some(c) => c,
            None => {
                m.rules.push(r);
                for row in &mut m.rows {
                    row.cells.push(None);
                }
                m.rules.len() - 1
            }
        };
        let group = r.group.as_deref();
        let row = *row_of[i].entry(group).or_insert_with(|| {
            m.rows.push(MatrixRow {
                group,
                cells: vec![None; m.rules.len()],
            });
            m.rows.len() - 1
        });
        m.rows[row].cells[col] = Some(r);
    }
    for m in &mut out {
        // The total last, groups in the order they first appeared.
        m.rows.sort_by_key(|row| row.group.is_none());
    }
    out
}

impl Matrix<'_> {
    /// How many cells have each status, for a one-line summary under the grid.
    pub fn count(&self, status: Status) -> usize {
        self.rows
            .iter()
            .flat_map(|r| &r.cells)
            .filter(|c| c.is_some_and(|r| r.status == status))
            .count()
    }
}

/// The short column name: the rule id without its dataset prefix.
pub fn column_name(r: &RuleResult) -> &str {
    r.rule
        .strip_prefix(&r.dataset)
        .and_then(|s| s.strip_prefix('.'))
        .unwrap_or(&r.rule)
}

/// A cell: `✓ 100%`, `✗ 94.3% ↑`, `–`; empty when the rule has no result
/// for the group.
pub fn cell_text(cell: Option<&RuleResult>) -> String {
    let Some(r) = cell else {
        return String::new();
    };
    let mut text = super::status_symbol(r.status).to_string();
    if let (Some(m), false) = (&r.measured, r.status == Status::NotApplicable) {
        let v = super::short_value(m, &r.target);
        if !v.is_empty() {
            text.push(' ');
            text.push_str(&v);
        }
    }
    if let Some(p) = r.previous.as_ref().filter(|p| !p.trend.arrow().is_empty()) {
        text.push(' ');
        text.push_str(p.trend.arrow());
    }
    text
}

/// The legend under a matrix.
pub fn legend(lang: crate::Lang) -> &'static str {
    match lang {
        crate::Lang::Zh => {
            "✓ 通过  ✗ 未达标  ? 无法判定  … 未到期  – 不适用或跳过；↑ 较上年改善  ↓ 下降  → 持平"
        }
        crate::Lang::En => {
            "✓ pass  ✗ fail  ? indeterminate  … pending  – n/a or skipped; ↑ better than the previous year  ↓ worse  → same"
        }
    }
}

/// What a renderer shows in `view`: the matrices (none in list view) and the
/// results listed one by one — in matrix view, those not in a matrix, less
/// rules skipped for want of a file (the summary counts them).
/// Rules skipped for want of a file are left out of the list unless
/// `--all-rules` (the renderer writes one line for them).
pub fn split<'a>(
    report: &'a Report,
    opts: &super::RenderOptions,
) -> (Vec<Matrix<'a>>, Vec<&'a RuleResult>) {
    match opts.view {
        super::View::List => (
            Vec::new(),
            report
                .results
                .iter()
                .filter(|r| opts.all_rules || !no_input(r))
                .collect(),
        ),
        super::View::Matrix => {
            let listed = report
                .results
                .iter()
                .filter(|r| !in_matrix(r) && (opts.all_rules || !no_input(r)))
                .collect();
            (matrices(report), listed)
        }
    }
}

/// Skipped because no file was given for its dataset.
pub fn no_input(r: &RuleResult) -> bool {
    r.status == Status::Skipped && r.reason == Some(super::Reason::NoInput)
}
