//! The result model every renderer reads, and the renderers.
//!
//! Evaluation fills a [`Report`]; it never prints. Each output format is one
//! [`Render`] implementation chosen by [`Format`].

mod csv;
mod html;
pub mod issues;
mod json;
mod junit;
mod markdown;
mod matrix;
mod table;

pub use matrix::{matrices, Matrix};

use crate::num::Rational;
use crate::pack::schema::{Severity, Text};
use crate::target::Target;
use crate::Lang;
use chrono::NaiveDate;
use num_bigint::BigInt;

/// Everything one `check` run found.
#[derive(Debug)]
pub struct Report {
    pub plan: PlanInfo,
    pub as_of: NaiveDate,
    /// The pack's datasets, in pack order (for headings).
    pub datasets: Vec<DatasetInfo>,
    pub results: Vec<RuleResult>,
    pub issues: Vec<Issue>,
}

#[derive(Clone, Debug)]
pub struct DatasetInfo {
    pub name: String,
    pub title: Text,
    /// The file (and sheet) this run read the dataset from, if it was given.
    pub source: Option<SourceInfo>,
}

/// Where a dataset came from: every report names it (a workbook's hidden
/// first sheet is skipped, so the sheet read must be visible in the report).
#[derive(Clone, Debug, serde::Serialize)]
pub struct SourceInfo {
    pub dataset: String,
    pub file: String,
    pub sheet: Option<String>,
}

impl Report {
    /// `数据来源：delegates ← 名单.xlsx（工作表 名单）`, or `None` when no file was read.
    pub fn sources_line(&self, lang: Lang) -> Option<String> {
        let parts: Vec<String> = self
            .datasets
            .iter()
            .filter_map(|d| d.source.as_ref())
            .map(|s| match (&s.sheet, lang) {
                (Some(sheet), Lang::Zh) => format!("{} ← {}（工作表 {sheet}）", s.dataset, s.file),
                (Some(sheet), Lang::En) => format!("{} ← {} (sheet {sheet})", s.dataset, s.file),
                (None, _) => format!("{} ← {}", s.dataset, s.file),
            })
            .collect();
        (!parts.is_empty()).then(|| match lang {
            Lang::Zh => format!("数据来源：{}", parts.join("；")),
            Lang::En => format!("Data from: {}", parts.join("; ")),
        })
    }

    /// Where `dataset` was read from: (file, sheet), empty when not read.
    pub fn source_of(&self, dataset: &str) -> (String, String) {
        self.datasets
            .iter()
            .find(|d| d.name == dataset)
            .and_then(|d| d.source.as_ref())
            .map_or_else(Default::default, |s| {
                (s.file.clone(), s.sheet.clone().unwrap_or_default())
            })
    }

    /// The sources of the datasets read, for the JSON report.
    pub fn sources(&self) -> Vec<&SourceInfo> {
        self.datasets
            .iter()
            .filter_map(|d| d.source.as_ref())
            .collect()
    }
}

#[derive(Debug)]
pub struct PlanInfo {
    pub id: String,
    pub title: Text,
    pub document: String,
}

/// The outcome of one rule for one group (or ungrouped, or the pooled total).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Pass,
    Fail,
    Indeterminate,
    Pending,
    Skipped,
    NotApplicable,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Pass,
        Status::Fail,
        Status::Indeterminate,
        Status::Pending,
        Status::Skipped,
        Status::NotApplicable,
    ];

    /// The contract name (`not_applicable`).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Indeterminate => "indeterminate",
            Status::Pending => "pending",
            Status::Skipped => "skipped",
            Status::NotApplicable => "not_applicable",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Status::Pass, Lang::Zh) => "通过",
            (Status::Fail, Lang::Zh) => "未达标",
            (Status::Indeterminate, Lang::Zh) => "无法判定",
            (Status::Pending, Lang::Zh) => "未到期",
            (Status::Skipped, Lang::Zh) => "跳过",
            (Status::NotApplicable, Lang::Zh) => "不适用",
            (Status::Pass, Lang::En) => "pass",
            (Status::Fail, Lang::En) => "fail",
            (Status::Indeterminate, Lang::En) => "indeterminate",
            (Status::Pending, Lang::En) => "pending",
            (Status::Skipped, Lang::En) => "skipped",
            (Status::NotApplicable, Lang::En) => "n/a",
        }
    }
}

/// What kind of quantity was measured; decides wording and rounding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Rows meeting a condition among rows in scope.
    Share,
    /// Ratio of two column sums; `integral` when the numerator counts things.
    Ratio { integral: bool },
    /// Weighted rate.
    Weighted,
    /// Distinct values among rows.
    Distinct,
}

/// Measured quantities of one result. `numerator`/`denominator` count only
/// what is known; `min`..`max` is the range of the ratio over every way the
/// unknown cells could be filled (`max = None`: unbounded).
#[derive(Clone, Debug)]
pub struct Measured {
    pub kind: Kind,
    pub numerator: Rational,
    pub denominator: Rational,
    pub unknown: u64,
    pub min: Rational,
    pub max: Option<Rational>,
    /// Nothing to measure for certain (no rows, or a zero denominator).
    pub empty: bool,
}

impl Measured {
    /// numerator / denominator, when the denominator is not zero.
    pub fn ratio(&self) -> Option<Rational> {
        use num_traits::Zero;
        (!self.denominator.is_zero()).then(|| &self.numerator / &self.denominator)
    }
}

/// What would meet an unmet target exactly (DESIGN.md, "Shortfall").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shortfall {
    /// Least increase of the numerator with the denominator fixed
    /// (negative for an upper bound: the least decrease); `None` if no
    /// increase can meet the target.
    pub numerator: Option<Rational>,
    /// Least number of qualifying rows to add (shares only).
    pub add: Option<BigInt>,
}

/// Why a rule was skipped or not applicable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// No file was given for the dataset.
    NoInput,
    /// The file lacks columns the rule reads (headers as the pack names them).
    MissingColumns(Vec<String>),
    /// The scope or group has nothing to measure.
    NothingToMeasure,
    /// The denominator is zero (e.g. a district with no parks).
    ZeroDenominator,
}

impl Reason {
    pub fn text(&self, lang: Lang, dataset: &str) -> String {
        match (self, lang) {
            (Reason::NoInput, Lang::Zh) => format!("未提供 {dataset} 数据文件"),
            (Reason::NoInput, Lang::En) => format!("no {dataset} file was given"),
            (Reason::MissingColumns(c), Lang::Zh) => format!("文件缺少列：{}", c.join("、")),
            (Reason::MissingColumns(c), Lang::En) => {
                format!("the file has no column {}", c.join(", "))
            }
            (Reason::NothingToMeasure, Lang::Zh) => "范围内没有可计量的记录".into(),
            (Reason::NothingToMeasure, Lang::En) => "nothing in scope to measure".into(),
            (Reason::ZeroDenominator, Lang::Zh) => "分母为0，无可计量对象".into(),
            (Reason::ZeroDenominator, Lang::En) => {
                "the denominator is zero: nothing to measure".into()
            }
        }
    }

    /// A stable machine-readable code for JSON.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::NoInput => "no_input",
            Reason::MissingColumns(_) => "missing_column",
            Reason::NothingToMeasure => "nothing_to_measure",
            Reason::ZeroDenominator => "zero_denominator",
        }
    }
}

#[derive(Clone, Debug)]
pub struct RuleResult {
    pub rule: String,
    pub clause: String,
    pub title: Text,
    pub dataset: String,
    /// The group's name; `None` for an ungrouped or pooled result.
    pub group: Option<String>,
    /// True for the pooled total over all groups.
    pub pooled: bool,
    /// The period (year) checked, for multi-year datasets.
    pub period: Option<i64>,
    pub status: Status,
    pub severity: Severity,
    pub target: Target,
    pub measured: Option<Measured>,
    pub shortfall: Option<Shortfall>,
    pub due: Option<NaiveDate>,
    pub reason: Option<Reason>,
    pub unit: Option<Text>,
    /// The plan's sentence the rule comes from.
    pub quote: String,
    /// The same rule and group in the previous period of a multi-year file.
    pub previous: Option<Previous>,
    /// Rows that do not meet the condition or are unknown, when asked for
    /// (`--explain`, `--show-failing`).
    pub explanation: Option<Explanation>,
}

/// The result of the same rule and group one period earlier (a trend).
#[derive(Clone, Debug)]
pub struct Previous {
    pub period: i64,
    pub status: Status,
    pub measured: Measured,
    pub trend: Trend,
}

/// Did the value move towards the target since the previous period?
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trend {
    Improved,
    Declined,
    Unchanged,
    /// Unknown cells or nothing to measure leave it open.
    Unknown,
}

impl Trend {
    /// The JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            Trend::Improved => "improved",
            Trend::Declined => "declined",
            Trend::Unchanged => "unchanged",
            Trend::Unknown => "unknown",
        }
    }

    pub fn arrow(self) -> &'static str {
        match self {
            Trend::Improved => "↑",
            Trend::Declined => "↓",
            Trend::Unchanged => "→",
            Trend::Unknown => "",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Trend::Improved, Lang::Zh) => "改善",
            (Trend::Declined, Lang::Zh) => "下降",
            (Trend::Unchanged, Lang::Zh) => "持平",
            (Trend::Unknown, Lang::Zh) => "无法比较",
            (Trend::Improved, Lang::En) => "improved",
            (Trend::Declined, Lang::En) => "declined",
            (Trend::Unchanged, Lang::En) => "unchanged",
            (Trend::Unknown, Lang::En) => "cannot compare",
        }
    }
}

/// The rows behind one result that do not meet its condition or are
/// unknown; the engine keeps at most a fixed number of them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Explanation {
    /// The file the rows are from.
    pub file: String,
    /// How many rows do not meet it or are unknown, kept or not.
    pub total: u64,
    /// The first of them, in file order.
    pub rows: Vec<ExplainRow>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExplainRow {
    pub line: u64,
    /// The row's name (the `name` column, else the key), ID numbers masked.
    pub name: String,
    /// True when the row may or may not meet it (an unknown cell).
    pub unknown: bool,
    /// The cells that decided it: (header in the file, value), ID numbers masked.
    pub values: Vec<(String, String)>,
}

impl ExplainRow {
    /// `单位类型=医院；是否基层一线=（空）`.
    pub fn values_text(&self, lang: Lang) -> String {
        let empty = match lang {
            Lang::Zh => "（空）",
            Lang::En => "(empty)",
        };
        self.values
            .iter()
            .map(|(h, v)| format!("{h}={}", if v.is_empty() { empty } else { v }))
            .collect::<Vec<_>>()
            .join(match lang {
                Lang::Zh => "；",
                Lang::En => "; ",
            })
    }

    pub fn state_label(&self, lang: Lang) -> &'static str {
        match (self.unknown, lang) {
            (false, Lang::Zh) => "不符合",
            (true, Lang::Zh) => "未知",
            (false, Lang::En) => "not met",
            (true, Lang::En) => "unknown",
        }
    }
}

/// A cell that was empty or could not be read, or a duplicated row.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Issue {
    pub dataset: String,
    pub file: String,
    pub line: u64,
    /// The column's header as written in the file.
    pub column: String,
    /// The cell as read.
    pub value: String,
    pub message: String,
}

impl Report {
    /// How many results have each status, in [`Status::ALL`] order.
    pub fn counts(&self) -> [usize; 6] {
        Status::ALL.map(|s| self.results.iter().filter(|r| r.status == s).count())
    }

    /// Exit code 1 when an error-severity result failed or is indeterminate.
    pub fn failed(&self) -> bool {
        self.fails(FailOn::Error)
    }

    /// Does a result that is `fail` or `indeterminate` make the run fail
    /// under `fail_on`?
    pub fn fails(&self, fail_on: FailOn) -> bool {
        self.results.iter().any(|r| {
            matches!(r.status, Status::Fail | Status::Indeterminate)
                && match fail_on {
                    FailOn::Error => r.severity == Severity::Error,
                    FailOn::Warning => true,
                    FailOn::Never => false,
                }
        })
    }
}

/// Which unmet results make exit code 1 (`--fail-on`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// A rule of severity `error` is fail or indeterminate (default).
    #[default]
    Error,
    /// Any rule, warnings included, is fail or indeterminate.
    Warning,
    /// Never: exit 1 is not used (exit 2 still means the check could not run).
    Never,
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table for people (default).
    Table,
    /// The JSON contract for scripts.
    Json,
    /// One row per result, UTF-8 with BOM (opens in Excel).
    Csv,
    /// A Markdown document.
    Markdown,
    /// JUnit XML: one test case per rule and group, for CI dashboards.
    Junit,
    /// One self-contained HTML file, printable on A4.
    Html,
}

/// How results are laid out in table, markdown and html.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum View {
    /// One line per rule and group (default).
    #[default]
    List,
    /// Groups (districts, societies) as rows and rules as columns, with the total.
    Matrix,
}

/// Options every renderer sees.
pub struct RenderOptions {
    pub lang: Lang,
    pub color: bool,
    pub view: View,
    /// List every data issue in the table (`--all-issues`).
    pub all_issues: bool,
}

/// One output format.
pub trait Render {
    fn render(&self, report: &Report, opts: &RenderOptions) -> anyhow::Result<String>;

    /// Writes the report to `out`. A renderer that can stream overrides
    /// this, so that a long report is never held whole in memory.
    fn write(
        &self,
        report: &Report,
        opts: &RenderOptions,
        out: &mut dyn std::io::Write,
    ) -> anyhow::Result<()> {
        out.write_all(self.render(report, opts)?.as_bytes())?;
        out.flush()?;
        Ok(())
    }
}

impl Format {
    pub fn renderer(self) -> Box<dyn Render> {
        match self {
            Format::Table => Box::new(table::Table),
            Format::Json => Box::new(json::Json),
            Format::Csv => Box::new(csv::Csv),
            Format::Markdown => Box::new(markdown::Markdown),
            Format::Junit => Box::new(junit::Junit),
            Format::Html => Box::new(html::Html),
        }
    }

    /// The format a file name asks for, by its extension.
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "txt" => Format::Table,
            "json" => Format::Json,
            "csv" => Format::Csv,
            "md" | "markdown" => Format::Markdown,
            "xml" => Format::Junit,
            "html" | "htm" => Format::Html,
            _ => return None,
        })
    }

    /// The extensions [`Format::from_path`] knows, for error messages.
    pub const EXTENSIONS: &'static str = ".txt (table), .json, .csv, .md, .xml (junit), .html";
}

/// The group column's text: the group, "全市合计" for the pooled total, or empty.
pub fn group_label(r: &RuleResult, lang: Lang) -> String {
    match (&r.group, r.pooled, lang) {
        (Some(g), _, _) => g.clone(),
        (None, true, Lang::Zh) => "全市合计".into(),
        (None, true, Lang::En) => "total".into(),
        (None, false, _) => String::new(),
    }
}

/// `206/300 = 68.67%`, `3.01 (3612345.67 / 1200000)`, or why nothing was measured.
pub fn actual_text(r: &RuleResult, lang: Lang) -> String {
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
    measured_text(m, &r.target, lang)
}

/// A measured value in the target's style, with the unknown count.
pub fn measured_text(m: &Measured, target: &Target, lang: Lang) -> String {
    use crate::num;
    use crate::target::Style;
    let n = num::exact_text(&m.numerator);
    let d = num::exact_text(&m.denominator);
    let mut text = match (m.ratio(), m.kind, target.style) {
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

/// A short value for matrix cells: `94.3%`, `3.42`, or empty.
pub fn short_value(m: &Measured, target: &Target) -> String {
    use crate::num;
    use crate::target::Style;
    match (m.ratio(), m.kind, target.style) {
        (None, _, _) => String::new(),
        (Some(x), Kind::Weighted, _) | (Some(x), _, Style::Percent | Style::Fraction) => {
            format!("{}%", num::short_text(&(x * num::int(100)), 1))
        }
        (Some(x), _, Style::Plain) => num::short_text(&x, 2),
    }
}

/// `上年（2024）31/35 = 88.57% ↑ 改善`, or empty without a previous period.
pub fn previous_text(r: &RuleResult, lang: Lang) -> String {
    let Some(p) = &r.previous else {
        return String::new();
    };
    let value = if p.measured.empty {
        match lang {
            Lang::Zh => "无可计量".to_string(),
            Lang::En => "nothing to measure".to_string(),
        }
    } else {
        measured_text(&p.measured, &r.target, lang)
    };
    let trend = format!("{} {}", p.trend.arrow(), p.trend.label(lang));
    match lang {
        Lang::Zh => format!("上年（{}）{value} {}", p.period, trend.trim()),
        Lang::En => format!("{}: {value} {}", p.period, trend.trim()),
    }
}

/// A one-character mark for matrix cells.
pub fn status_symbol(s: Status) -> &'static str {
    match s {
        Status::Pass => "✓",
        Status::Fail => "✗",
        Status::Indeterminate => "?",
        Status::Pending => "…",
        Status::Skipped | Status::NotApplicable => "–",
    }
}

/// `delegates.frontline 代表大会代表中基层一线科技工作者比例 · 泰州市农学会：
/// 94 行不符合或未知，列出前 20 行（file）`.
pub fn explanation_heading(r: &RuleResult, x: &Explanation, lang: Lang) -> String {
    format!(
        "{} {}{}",
        r.rule,
        r.title.get(lang),
        explanation_count(r, x, lang)
    )
}

/// The group and the counts of an explanation: ` · 泰州市农学会：94 行不符合或
/// 未知，列出前 20 行（file）`.
pub fn explanation_count(r: &RuleResult, x: &Explanation, lang: Lang) -> String {
    let group = group_label(r, lang);
    let group = if group.is_empty() {
        String::new()
    } else {
        format!(" · {group}")
    };
    let shown = x.rows.len() as u64;
    match lang {
        Lang::Zh => {
            let more = if shown < x.total {
                format!("，列出前 {shown} 行")
            } else {
                String::new()
            };
            format!("{group}：{} 行不符合或未知{more}（{}）", x.total, x.file)
        }
        Lang::En => {
            let more = if shown < x.total {
                format!(", first {shown} shown")
            } else {
                String::new()
            };
            format!(
                "{group}: {} rows not met or unknown{more} ({})",
                x.total, x.file
            )
        }
    }
}

/// Words for a shortfall: "需再增加 4 名基层一线代表（或增补 14 名）".
pub fn shortfall_words(r: &RuleResult, lang: Lang) -> String {
    let Some(s) = &r.shortfall else {
        return String::new();
    };
    let unit = r.unit.as_ref().map(|u| u.get(lang).to_string());
    let amount = |x: &Rational| crate::num::exact_text(x);
    let mut out = match (&s.numerator, lang) {
        (None, Lang::Zh) => "仅靠替换无法达到".to_string(),
        (None, Lang::En) => "cannot be met by replacement alone".to_string(),
        (Some(x), Lang::Zh) if x < &Rational::from_integer(0.into()) => {
            format!("需减少 {} {}", amount(&-x), unit.unwrap_or_default())
        }
        (Some(x), Lang::En) if x < &Rational::from_integer(0.into()) => {
            format!("needs {} fewer {}", amount(&-x), unit.unwrap_or_default())
        }
        (Some(x), Lang::Zh) => match (r.measured.as_ref().map(|m| m.kind), unit) {
            (Some(Kind::Share), Some(u)) => format!("需再增加 {} {u}（替换）", amount(x)),
            (_, Some(u)) => format!("需再增加 {} {u}", amount(x)),
            (_, None) => format!("需再增加 {}", amount(x)),
        },
        (Some(x), Lang::En) => match unit {
            Some(u) => format!("needs {} more {u}", amount(x)),
            None => format!("needs {} more", amount(x)),
        },
    };
    if let Some(add) = &s.add {
        out.push_str(&match lang {
            Lang::Zh => format!("，或增补 {add} 名"),
            Lang::En => format!(", or add {add}"),
        });
    }
    out.trim().to_string()
}

/// Column headings of a result list (table, markdown).
pub fn list_headings(lang: Lang) -> [&'static str; 8] {
    match lang {
        Lang::Zh => [
            "状态", "条款", "指标", "分组", "实际", "目标", "差距", "期限",
        ],
        Lang::En => [
            "status",
            "clause",
            "target of",
            "group",
            "actual",
            "target",
            "shortfall",
            "due",
        ],
    }
}
