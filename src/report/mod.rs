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
mod store;
mod table;
pub mod width;
mod xlsx;

pub use matrix::{matrices, Matrix};
pub use store::{Issues, Mark};

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
    pub issues: Issues,
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
    /// The rule is not addressed to this group (`not_for` in the pack).
    NotAddressed(Text),
    /// A rule measured against the previous roster, which was not given.
    NoPrevious,
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
            (Reason::NotAddressed(why), _) => why.get(lang).to_string(),
            (Reason::NoPrevious, Lang::Zh) => format!(
                "未提供上届数据：用 --previous {dataset}=上届名单.xlsx 或 --previous {dataset}=68.5% 给出"
            ),
            (Reason::NoPrevious, Lang::En) => format!(
                "no previous roster: give it with --previous {dataset}=old.xlsx or --previous {dataset}=68.5%"
            ),
        }
    }

    /// A stable machine-readable code for JSON.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::NoInput => "no_input",
            Reason::MissingColumns(_) => "missing_column",
            Reason::NothingToMeasure => "nothing_to_measure",
            Reason::ZeroDenominator => "zero_denominator",
            Reason::NotAddressed(_) => "not_addressed",
            Reason::NoPrevious => "no_previous",
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
    /// How the pack reads the sentence (shown in every format).
    pub note: Option<Text>,
    /// The plan's modal word (应, 力争 …), if the sentence has one.
    pub binding: Option<String>,
    /// Shortfall advice replacing the default wording (`{n}` = the amount).
    pub advice: Option<Text>,
    /// For "每年" rules: the periods (years) that did not meet the target,
    /// and those that may not have (unknown cells).
    pub periods_unmet: Vec<i64>,
    pub periods_unknown: Vec<i64>,
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
/// A file may have millions: the texts most issues repeat are shared
/// ([`issues::Text`]) and the value is stored inline when short, so one
/// costs 64 bytes (see `report::issues`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Issue {
    pub dataset: issues::Text,
    pub file: issues::Text,
    pub line: u64,
    /// The column's header as written in the file.
    pub column: issues::Text,
    /// The cell as read (as it may be shown).
    pub value: compact_str::CompactString,
    pub message: issues::Text,
}

impl RuleResult {
    /// Its dataset was given but the rule could not be checked (a column
    /// is missing): unmet for the exit code, unlike a rule whose dataset
    /// was not given at all or one measured against a previous roster that
    /// was not given (`--previous` is optional).
    pub fn not_checked(&self) -> bool {
        self.status == Status::Skipped && matches!(self.reason, Some(Reason::MissingColumns(_)))
    }

    /// The status for people: "未检查" for a rule that could not be checked
    /// although its data were given, else the status's own label.
    pub fn status_label(&self, lang: Lang) -> &'static str {
        match (self.not_checked(), lang) {
            (true, Lang::Zh) => "未检查",
            (true, Lang::En) => "not checked",
            (false, _) => self.status.label(lang),
        }
    }
}

/// Rules skipped because no file was given for their dataset: table,
/// markdown and html show them as one line unless `--all-rules`.
pub fn not_given<'a>(report: &'a Report, opts: &RenderOptions) -> Vec<&'a RuleResult> {
    if opts.all_rules {
        return Vec::new();
    }
    report
        .results
        .iter()
        .filter(|r| matrix::no_input(r))
        .collect()
}

/// "未提供数据的 22 项指标未检查（数据集：delegates、committee；--all-rules 逐项列出）".
pub fn not_given_line(results: &[&RuleResult], lang: Lang) -> Option<String> {
    if results.is_empty() {
        return None;
    }
    let mut datasets: Vec<&str> = Vec::new();
    for r in results {
        if !datasets.contains(&r.dataset.as_str()) {
            datasets.push(&r.dataset);
        }
    }
    let n = results.len();
    Some(match lang {
        Lang::Zh => format!(
            "未提供数据的 {n} 项指标未检查（数据集：{}；加 --all-rules 逐项列出）",
            datasets.join("、")
        ),
        Lang::En => format!(
            "{n} targets not checked: no data given (datasets: {}; --all-rules lists them)",
            datasets.join(", ")
        ),
    })
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

    /// Does a result that is `fail` or `indeterminate`, or could not be
    /// checked although its data were given, make the run fail under
    /// `fail_on`?
    pub fn fails(&self, fail_on: FailOn) -> bool {
        self.results.iter().any(|r| {
            (matches!(r.status, Status::Fail | Status::Indeterminate) || r.not_checked())
                && match fail_on {
                    FailOn::Error => r.severity == Severity::Error,
                    // Reference figures (info) never fail a run.
                    FailOn::Warning => r.severity != Severity::Info,
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
    /// An Excel workbook: results, data issues, --explain rows (to a file or a pipe).
    Xlsx,
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
#[derive(Clone, Copy)]
pub struct RenderOptions {
    pub lang: Lang,
    pub color: bool,
    pub view: View,
    /// List every data issue in the table (`--all-issues`).
    pub all_issues: bool,
    /// List rules whose dataset was not given one by one (`--all-rules`)
    /// instead of one line.
    pub all_rules: bool,
    /// The width table output must fit (the terminal's, or `COLUMNS`);
    /// `None` for files.
    pub width: Option<usize>,
}

/// One output format.
pub trait Render {
    fn render(&self, report: &Report, opts: &RenderOptions) -> anyhow::Result<String>;

    /// The report as file contents: the text, or a binary format's bytes.
    fn render_bytes(&self, report: &Report, opts: &RenderOptions) -> anyhow::Result<Vec<u8>> {
        Ok(self.render(report, opts)?.into_bytes())
    }

    /// Writes the report to `out`. A renderer that can stream overrides
    /// this, so that a long report is never held whole in memory.
    fn write(
        &self,
        report: &Report,
        opts: &RenderOptions,
        out: &mut dyn std::io::Write,
    ) -> anyhow::Result<()> {
        out.write_all(&self.render_bytes(report, opts)?)?;
        out.flush()?;
        Ok(())
    }
}

/// [`Render::render`] of a renderer that streams: its `write`, into a string.
fn written(r: &dyn Render, report: &Report, opts: &RenderOptions) -> anyhow::Result<String> {
    let mut out = Vec::new();
    r.write(report, opts, &mut out)?;
    Ok(String::from_utf8(out)?)
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
            Format::Xlsx => Box::new(xlsx::Xlsx),
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
            "xlsx" => Format::Xlsx,
            _ => return None,
        })
    }

    /// The extensions [`Format::from_path`] knows, for error messages.
    pub const EXTENSIONS: &'static str =
        ".txt (table), .json, .csv, .md, .xml (junit), .html, .xlsx";
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
        (Some(x), Kind::Weighted, _) => shown(&x, target, Scale::Percent, 2),
        (Some(x), _, Style::Percent | Style::Fraction) => {
            format!("{n}/{d} = {}", shown(&x, target, Scale::Percent, 2))
        }
        (Some(x), _, Style::Plain) => format!("{} ({n} / {d})", shown(&x, target, Scale::Plain, 2)),
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
    use crate::target::Style;
    match (m.ratio(), m.kind, target.style) {
        (None, _, _) => String::new(),
        (Some(x), Kind::Weighted, _) | (Some(x), _, Style::Percent | Style::Fraction) => {
            shown(&x, target, Scale::Percent, 1)
        }
        (Some(x), _, Style::Plain) => shown(&x, target, Scale::Plain, 2),
    }
}

/// How a ratio is written for people.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// `68.67%` (trailing zeros dropped).
    Percent,
    /// `3.00` (two decimals kept, like money).
    Plain,
}

/// The most digits a displayed value grows to before it is rounded toward
/// the side of the target the exact value is on.
const EXTRA_PLACES: usize = 6;

/// `x` written with `places` decimals, or more where the rounded figure
/// would land on the other side of the target than the exact value (a
/// failing 20999/30000 is `69.997%`, never `70%`; 1500000/500100 is `2.999`,
/// never `3.00`). Only a value exactly equal to a target that no decimal
/// can write (1/3) is written as a fraction.
pub fn shown(x: &Rational, target: &Target, scale: Scale, places: usize) -> String {
    let (factor, suffix) = match scale {
        Scale::Percent => (crate::num::int(100), "%"),
        Scale::Plain => (crate::num::int(1), ""),
    };
    if *x == target.value && decimal_near(x, target, &factor, places).is_none() {
        return crate::num::fraction_text(x);
    }
    let text = decimal_near(x, target, &factor, places)
        .unwrap_or_else(|| directed(x, target, &factor, places + EXTRA_PLACES));
    let text = match scale {
        Scale::Percent => strip_zeros(text),
        Scale::Plain => text,
    };
    format!("{text}{suffix}")
}

/// A ratio for machines (JSON and CSV `ratio`): six decimals, more where six
/// would cross the target, rounded toward the exact value's side at the end.
pub fn ratio_text(x: &Rational, target: &Target) -> String {
    let one = crate::num::int(1);
    let last = if *x == target.value {
        6
    } else {
        6 + EXTRA_PLACES
    };
    strip_zeros(decimal_near(x, target, &one, 6).unwrap_or_else(|| directed(x, target, &one, last)))
}

/// The half-away rounding of `x × factor` with the fewest decimals from
/// `places` on that is on the same side of the target as `x`.
fn decimal_near(x: &Rational, target: &Target, factor: &Rational, places: usize) -> Option<String> {
    let met = target.holds(x);
    (places..=places + EXTRA_PLACES).find_map(|p| {
        let text = crate::num::round_text(&(x * factor), p);
        let back = crate::num::parse_decimal(&text)? / factor;
        (target.holds(&back) == met).then_some(text)
    })
}

/// `x × factor` rounded to `places` decimals toward the side of the target
/// `x` is on: up when a larger figure keeps the verdict, else down.
fn directed(x: &Rational, target: &Target, factor: &Rational, places: usize) -> String {
    use crate::target::Op;
    let scale = Rational::from_integer(BigInt::from(10).pow(places as u32));
    let scaled = x * factor * &scale;
    let met = target.holds(x);
    let up = match target.op {
        Op::Ge | Op::Gt => met,
        Op::Le | Op::Lt => !met,
        Op::Eq => *x > target.value,
    };
    let n = if up { scaled.ceil() } else { scaled.floor() };
    // `n / scale` has exactly `places` decimals: writing it rounds nothing.
    crate::num::round_text(&(n / scale), places)
}

/// `68.670` → `68.67`, `70.00` → `70`.
fn strip_zeros(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
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
                "{group}: {} {} not met or unknown{more} ({})",
                x.total,
                if x.total == 1 { "row" } else { "rows" },
                x.file
            )
        }
    }
}

/// Words for a shortfall: "需再增加 4 名基层一线代表（替换），或增补 14 名基层一线代表".
/// "每年" rules name the years instead; survey rates (weighted) give the gap
/// in percentage points; a rule's `advice` replaces the default wording.
pub fn shortfall_words(r: &RuleResult, lang: Lang) -> String {
    let Some(s) = &r.shortfall else {
        return String::new();
    };
    if !r.periods_unmet.is_empty() || !r.periods_unknown.is_empty() {
        return period_words(r, lang);
    }
    let zero = Rational::from_integer(0.into());
    let amount = |x: &Rational| crate::num::exact_text(x);
    let one = |x: &Rational| *x == Rational::from_integer(1.into());
    let kind = r.measured.as_ref().map(|m| m.kind);
    let mut out = match &s.numerator {
        None => match lang {
            Lang::Zh => "仅靠替换无法达到".to_string(),
            Lang::En => "cannot be met by replacement alone".to_string(),
        },
        Some(x) if x > &zero && kind == Some(Kind::Weighted) => points_words(r, x, lang),
        Some(x) if x > &zero && r.advice.is_some() => {
            let advice = r.advice.as_ref().map(|a| pick(a.get(lang), one(x)));
            advice.unwrap_or_default().replace("{n}", &amount(x))
        }
        Some(x) => {
            let unit = |n: &Rational| unit_words(r, lang, one(n));
            match lang {
                Lang::Zh if x < &zero => format!("需减少 {} {}", amount(&-x), unit(&-x)),
                Lang::En if x < &zero => format!("needs {} fewer {}", amount(&-x), unit(&-x)),
                // A roster share can also be met by adding people: say that
                // the first figure replaces members.
                Lang::Zh if s.add.is_some() => {
                    format!("需再增加 {} {}（替换）", amount(x), unit(x))
                }
                Lang::Zh => format!("需再增加 {} {}", amount(x), unit(x)),
                Lang::En if s.add.is_some() => {
                    format!("needs {} more {} (by replacement)", amount(x), unit(x))
                }
                Lang::En => format!("needs {} more {}", amount(x), unit(x)),
            }
        }
    };
    if let Some(add) = &s.add {
        let unit = unit_words(r, lang, *add == 1.into());
        out.push_str(&match lang {
            Lang::Zh => format!("，或增补 {add} {unit}"),
            Lang::En => format!(", or add {add} {unit}"),
        });
    }
    out.trim().to_string()
}

/// `a|b`: the singular `a` for one, the plural `b` otherwise (English units).
fn pick(text: &str, one: bool) -> String {
    match text.split_once('|') {
        Some((singular, _)) if one => singular.to_string(),
        Some((_, plural)) => plural.to_string(),
        None => text.to_string(),
    }
}

fn unit_words(r: &RuleResult, lang: Lang, one: bool) -> String {
    r.unit
        .as_ref()
        .map(|u| pick(u.get(lang), one))
        .unwrap_or_default()
}

/// A weighted rate's gap in percentage points, rounded up to 0.01 so that
/// raising it by that much meets the target: "需提高 1.2 个百分点".
fn points_words(r: &RuleResult, x: &Rational, lang: Lang) -> String {
    use num_traits::Zero;
    let Some(m) = r.measured.as_ref().filter(|m| !m.denominator.is_zero()) else {
        return String::new();
    };
    let hundredths = (x / &m.denominator * crate::num::int(10_000)).ceil();
    let points = crate::num::exact_text(&(hundredths / crate::num::int(100)));
    match lang {
        Lang::Zh => format!("需提高 {points} 个百分点"),
        Lang::En if points == "1" => "needs 1 more percentage point".to_string(),
        Lang::En => format!("needs {points} more percentage points"),
    }
}

/// "2023、2025 年未达标；2024 年无法判定".
fn period_words(r: &RuleResult, lang: Lang) -> String {
    let list = |ys: &[i64], sep: &str| {
        ys.iter()
            .map(|y| y.to_string())
            .collect::<Vec<_>>()
            .join(sep)
    };
    let mut parts = Vec::new();
    match lang {
        Lang::Zh => {
            if !r.periods_unmet.is_empty() {
                parts.push(format!("{} 年未达标", list(&r.periods_unmet, "、")));
            }
            if !r.periods_unknown.is_empty() {
                parts.push(format!("{} 年无法判定", list(&r.periods_unknown, "、")));
            }
            parts.join("；")
        }
        Lang::En => {
            if !r.periods_unmet.is_empty() {
                parts.push(format!("not met in {}", list(&r.periods_unmet, ", ")));
            }
            if !r.periods_unknown.is_empty() {
                parts.push(format!("undecided in {}", list(&r.periods_unknown, ", ")));
            }
            parts.join("; ")
        }
    }
}

/// The target with the plan's modal word beside it: "≥ 50%（力争）".
pub fn target_text(r: &RuleResult, lang: Lang) -> String {
    let target = r.target.to_string();
    let Some(word) = &r.binding else {
        return target;
    };
    match lang {
        Lang::Zh => format!("{target}（{word}）"),
        Lang::En => {
            // The word's force, not the result's severity (a district's
            // reference figure of a binding city target is still 确保).
            let force = match crate::pack::severity_of(word) {
                Some(Severity::Warning) => "aspiration",
                _ => "binding",
            };
            format!("{target} ({word}: {force})")
        }
    }
}

/// The mark after a rule's title for results that never fail the run:
/// "（提示）" for aspirations, "（参考）" for reference figures.
pub fn severity_mark(severity: Severity, lang: Lang) -> &'static str {
    match (severity, lang) {
        (Severity::Error, _) => "",
        (Severity::Warning, Lang::Zh) => "（提示）",
        (Severity::Warning, Lang::En) => " (warning)",
        (Severity::Info, Lang::Zh) => "（参考）",
        (Severity::Info, Lang::En) => " (reference only)",
    }
}

/// The pack's readings behind the results shown: each rule with a note once,
/// in result (plan) order; rules skipped for want of a file are left out.
pub fn notes(report: &Report) -> Vec<&RuleResult> {
    let mut seen = std::collections::HashSet::new();
    report
        .results
        .iter()
        .filter(|r| r.reason != Some(Reason::NoInput))
        .filter(|r| r.note.is_some() && seen.insert(r.rule.as_str()))
        .collect()
}

/// The heading of the notes section.
pub fn notes_heading(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "规则说明（本规则包对方案的读法）",
        Lang::En => "Readings (how the pack reads the plan)",
    }
}

/// `三(一) society_council.young_middle：方案未界定“中青年”…`.
pub fn note_line(r: &RuleResult, lang: Lang) -> String {
    let note = r.note.as_ref().map(|n| n.get(lang)).unwrap_or_default();
    match lang {
        Lang::Zh => format!("{} {}：{note}", r.clause, r.rule),
        Lang::En => format!("{} {}: {note}", r.clause, r.rule),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn q(a: i64, b: i64) -> Rational {
        Rational::new(a.into(), b.into())
    }

    fn target(text: &str) -> Target {
        Target::parse(text).unwrap()
    }

    #[test]
    fn a_shown_percent_never_crosses_the_target() {
        let t = target(">= 70%");
        // Exactly the target, just below, just above.
        assert_eq!(shown(&q(7, 10), &t, Scale::Percent, 2), "70%");
        assert_eq!(shown(&q(20999, 30000), &t, Scale::Percent, 2), "69.997%");
        // Passing, and shown as the target it meets.
        assert_eq!(shown(&q(21001, 30000), &t, Scale::Percent, 2), "70%");
        // Matrix cells show one decimal.
        assert_eq!(shown(&q(20999, 30000), &t, Scale::Percent, 1), "69.997%");
        assert_eq!(shown(&q(2099, 3000), &t, Scale::Percent, 1), "69.97%");
        assert_eq!(shown(&q(206, 300), &t, Scale::Percent, 2), "68.67%");
        // Far below: rounding more digits would not help, directed rounding does.
        let below = q(7, 10) - q(1, 10_i64.pow(15));
        assert_eq!(shown(&below, &t, Scale::Percent, 2), "69.99999999%");
        // An upper bound: a value just above passes nothing it should not.
        let le = target("<= 70%");
        assert_eq!(shown(&q(21001, 30000), &le, Scale::Percent, 2), "70.003%");
    }

    #[test]
    fn a_shown_amount_never_crosses_the_target() {
        let t = target(">= 3");
        assert_eq!(shown(&q(1_500_000, 500_100), &t, Scale::Plain, 2), "2.999");
        assert_eq!(shown(&q(1_500_000, 500_000), &t, Scale::Plain, 2), "3.00");
        assert_eq!(shown(&q(1_500_001, 500_000), &t, Scale::Plain, 2), "3.00");
        assert_eq!(shown(&q(3_612_345, 1_200_000), &t, Scale::Plain, 2), "3.01");
    }

    #[test]
    fn exactly_one_third_is_written_as_a_fraction() {
        let t = target(">= 1/3");
        assert_eq!(shown(&q(10, 30), &t, Scale::Percent, 2), "1/3");
        assert_eq!(shown(&q(9, 30), &t, Scale::Percent, 2), "30%");
        assert_eq!(shown(&q(11, 30), &t, Scale::Percent, 2), "36.67%");
        // For machines a number: rounded toward the passing side.
        assert_eq!(ratio_text(&q(1, 3), &t), "0.333334");
        assert_eq!(ratio_text(&q(1, 3), &target("> 1/3")), "0.333333");
        assert_eq!(ratio_text(&q(33_333_333, 100_000_000), &t), "0.333333");
        assert_eq!(ratio_text(&q(3_333_335, 10_000_000), &t), "0.333334");
    }

    #[test]
    fn the_machine_ratio_keeps_the_side_too() {
        let t = target(">= 70%");
        assert_eq!(ratio_text(&q(20999, 30000), &t), "0.699967");
        assert_eq!(ratio_text(&q(69_999_999, 100_000_000), &t), "0.69999999");
        assert_eq!(ratio_text(&q(7, 10), &t), "0.7");
        assert_eq!(ratio_text(&q(206, 300), &t), "0.686667");
    }

    /// A report of `groups` societies × 7 rules, as the `societies` dataset gives.
    pub(crate) fn grouped_report(groups: usize) -> Report {
        let text = |t: &str| Text {
            zh: t.to_string(),
            en: None,
        };
        let mut results = Vec::new();
        for rule in 0..7 {
            for g in 0..groups {
                results.push(RuleResult {
                    rule: format!("societies.r{rule}"),
                    clause: format!("七({rule})"),
                    title: text("指标"),
                    dataset: "societies".into(),
                    group: Some(format!("泰州市第{g}学会")),
                    pooled: false,
                    period: None,
                    // Nothing measured: the test times the layout, not
                    // the arithmetic of 140,000 values.
                    status: Status::NotApplicable,
                    severity: Severity::Error,
                    target: target("= 100%"),
                    measured: None,
                    shortfall: None,
                    due: None,
                    reason: Some(Reason::ZeroDenominator),
                    unit: None,
                    quote: String::new(),
                    note: None,
                    binding: None,
                    advice: None,
                    periods_unmet: Vec::new(),
                    periods_unknown: Vec::new(),
                    previous: None,
                    explanation: None,
                });
            }
        }
        Report {
            plan: PlanInfo {
                id: "p".into(),
                title: text("方案"),
                document: "文".into(),
            },
            as_of: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
            datasets: vec![DatasetInfo {
                name: "societies".into(),
                title: text("学会"),
                source: None,
            }],
            results,
            issues: Issues::new(),
        }
    }

    /// 20,000 societies: the matrix and the HTML report are linear in the
    /// groups. A search through every group or result per result (as
    /// before) takes minutes here in a debug build; linear, about a second.
    /// Generous bounds for a loaded machine.
    #[test]
    fn rendering_is_linear_in_groups() {
        let n = 20_000;
        let report = grouped_report(n);
        let start = std::time::Instant::now();
        let m = matrices(&report);
        assert_eq!(m[0].rows.len(), n);
        assert_eq!(m[0].rules.len(), 7);
        let last = format!("泰州市第{}学会", n - 1);
        assert_eq!(m[0].rows[n - 1].group, Some(last.as_str()));
        let matrix_time = start.elapsed();
        let opts = RenderOptions {
            lang: Lang::Zh,
            color: false,
            view: View::Matrix,
            all_issues: false,
            all_rules: false,
            width: None,
        };
        let start = std::time::Instant::now();
        let html = Format::Html.renderer().render(&report, &opts).unwrap();
        let html_time = start.elapsed();
        assert_eq!(html.matches("<tr><td>泰州市第").count(), n * 8);
        assert!(matrix_time.as_secs_f64() < 2.0, "matrix: {matrix_time:?}");
        assert!(html_time.as_secs_f64() < 20.0, "html: {html_time:?}");
    }
}
