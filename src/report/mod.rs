//! The result model every renderer reads, and the renderers.
//!
//! Evaluation fills a [`Report`]; it never prints. Each output format is one
//! [`Render`] implementation chosen by [`Format`].

mod json;
mod table;

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
    pub results: Vec<RuleResult>,
    pub issues: Vec<Issue>,
    /// Issues beyond the first `engine::MAX_ISSUES_PER_FILE` of a file:
    /// counted, not listed.
    pub issues_omitted: u64,
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
}

/// A cell that was empty or could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
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
        self.results.iter().any(|r| {
            r.severity == Severity::Error
                && matches!(r.status, Status::Fail | Status::Indeterminate)
        })
    }
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table for people (default).
    Table,
    /// The JSON contract for scripts.
    Json,
}

/// Options every renderer sees.
pub struct RenderOptions {
    pub lang: Lang,
    pub color: bool,
}

/// One output format.
pub trait Render {
    fn render(&self, report: &Report, opts: &RenderOptions) -> anyhow::Result<String>;
}

impl Format {
    pub fn renderer(self) -> Box<dyn Render> {
        match self {
            Format::Table => Box::new(table::Table),
            Format::Json => Box::new(json::Json),
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
