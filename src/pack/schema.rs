//! The rule-pack file format, as deserialized from YAML.
//!
//! Every struct rejects unknown keys, so a typo in a pack is an error with a
//! line and column instead of a silently ignored setting. The README's
//! "Rule-pack format" section documents each field.

use indexmap::IndexMap;
use serde::Deserialize;
use serde_saphyr::Spanned;

/// A name in the pack with the place it was written, for error messages.
pub type Name = Spanned<String>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackFile {
    pub plan: PlanDef,
    pub datasets: IndexMap<String, DatasetDef>,
    pub rules: Vec<RuleDef>,
}

/// Text in Chinese with an optional English rendering.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub zh: String,
    #[serde(default)]
    pub en: Option<String>,
}

impl Text {
    /// The text in `lang`, falling back to Chinese.
    pub fn get(&self, lang: crate::Lang) -> &str {
        match (lang, &self.en) {
            (crate::Lang::En, Some(en)) => en,
            _ => &self.zh,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanDef {
    /// Short machine id (`taizhou-2017`).
    pub id: String,
    pub title: Text,
    /// Document number (`泰办发〔2017〕22号`).
    pub document: String,
    /// Date of issue; `N年内` deadlines count from it.
    #[serde(default)]
    pub date: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetDef {
    pub title: Text,
    /// The column every file of this dataset must have.
    pub key: Name,
    /// A column holding the period (year) of a multi-year file.
    #[serde(default)]
    pub period: Option<Name>,
    pub columns: IndexMap<String, ColumnDef>,
    /// Column sets that identify one row (one person): two rows equal in
    /// all columns of a set are reported as duplicates.
    #[serde(default)]
    pub unique: Vec<Vec<Name>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnDef {
    #[serde(rename = "type")]
    pub kind: ColumnType,
    /// Headers accepted besides the canonical name.
    #[serde(default)]
    pub headers: Vec<String>,
    /// What an empty cell means (e.g. `0` for "not rated"); without it an
    /// empty cell is unknown.
    #[serde(default)]
    pub empty: Option<String>,
    /// Derives the value from another column when this cell is empty: a
    /// bool from a text column's value lists, a date from an ID number.
    #[serde(default)]
    pub derive: Option<DeriveDef>,
    /// Units a header may carry in parentheses and the factor each scales
    /// cells by (`财政科普经费（万元）` with `万元: 10000`); int and number only.
    #[serde(default)]
    pub units: Option<Spanned<IndexMap<String, String>>>,
    /// A date column until which the cell holds (a rating's expiry): when
    /// that date is before `--as-of`, the cell counts as empty.
    #[serde(default)]
    pub valid_until: Option<Name>,
    /// The value `reformcheck template` puts in its example row.
    #[serde(default)]
    pub example: Option<String>,
    /// A numeric column this value cannot exceed in the same row (townships
    /// with an association ≤ townships); a larger value is a data issue and
    /// counts as unknown.
    #[serde(default)]
    pub at_most: Option<Name>,
    /// Other spellings of a text column's values and the value each means
    /// (`民营企业: 企业`); cells are compared after folding width, spaces and case.
    #[serde(default)]
    pub synonyms: Option<Spanned<IndexMap<String, String>>>,
}

/// How cells of a column are read.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    /// Any text.
    Text,
    /// 是/否, Y/N, true/false, 1/0, √/×.
    Bool,
    /// A date, possibly month-only.
    Date,
    /// A whole number ≥ 0 (counts).
    Int,
    /// A decimal ≥ 0 (amounts).
    Number,
    /// A share: `15%` or `0.15`, between 0 and 1.
    Rate,
    /// An evaluation grade `1A`–`5A` (`AAA`, `3A级`), read as 1–5.
    Rating,
    /// A citizen ID number (公民身份号码), checked and never shown unmasked.
    #[serde(rename = "id_number")]
    IdNumber,
}

impl ColumnType {
    /// Every type a rule may read (all but `id_number`).
    pub const READABLE: [ColumnType; 7] = [
        ColumnType::Text,
        ColumnType::Bool,
        ColumnType::Date,
        ColumnType::Int,
        ColumnType::Number,
        ColumnType::Rate,
        ColumnType::Rating,
    ];
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeriveDef {
    pub from: Name,
    #[serde(default)]
    pub when_true: Vec<String>,
    #[serde(default)]
    pub when_false: Vec<String>,
}

/// How much an unmet result weighs: `error` fails the run, `warning` is an
/// aspiration (reported, never exit 1 by default), `info` a figure shown for
/// reference only (a district's share of a city-wide target), never exit 1.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    #[default]
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// Text in Chinese only (a plain string) or in both languages.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum TextDef {
    Plain(String),
    Both(Text),
}

impl From<TextDef> for Text {
    fn from(t: TextDef) -> Text {
        match t {
            TextDef::Plain(zh) => Text { zh, en: None },
            TextDef::Both(t) => t,
        }
    }
}

/// Whose figure a grouped rule's target is (`judged_on`).
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum JudgedOn {
    /// Every group is held to the target (and the pooled total, if any).
    #[default]
    Each,
    /// Only the pooled total (the city figure) is held; per-group results are
    /// shown for reference with severity `info`.
    Total,
}

/// Groups a rule is not addressed to (`not_for`), and why.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotForDef {
    /// Group names (as written in the group column) the rule does not hold.
    pub groups: Vec<String>,
    pub reason: Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    pub id: Name,
    /// The plan's clause number (`三(一)`).
    pub clause: String,
    pub title: Text,
    /// The plan's sentence this rule comes from, verbatim.
    pub quote: String,
    /// How the pack reads the sentence where it is not literal.
    #[serde(default)]
    pub note: Option<TextDef>,
    pub dataset: Name,
    /// The plan's modal word (应, 确保, 力争, 一般应 …); decides the severity.
    #[serde(default)]
    pub binding: Option<Spanned<String>>,
    /// Explicit severity; must agree with `binding` when both are given.
    #[serde(default)]
    pub severity: Option<Spanned<Severity>>,
    /// With `group_by` and `total`: whose figure the target is.
    #[serde(default)]
    pub judged_on: JudgedOn,
    /// Groups the rule is not addressed to: `not_applicable` there.
    #[serde(default)]
    pub not_for: Option<NotForDef>,
    /// A period rule ("每年"): every period in the file from the plan's year
    /// up to the one checked must meet the target.
    #[serde(default)]
    pub every_period: bool,
    /// `previous`: the target's value is this measure on the previous
    /// roster (`--previous DATASET=FILE` or a number); the target gives the
    /// comparison only (`超过上届`).
    #[serde(default)]
    pub baseline: Option<Baseline>,
    /// Only rows meeting this condition are measured.
    #[serde(default)]
    pub scope: Option<ConditionDef>,
    /// Evaluate once per value of this column.
    #[serde(default)]
    pub group_by: Option<Name>,
    /// With `group_by`: also report the pooled total over all groups.
    #[serde(default)]
    pub total: bool,
    pub measure: MeasureDef,
    pub target: Spanned<String>,
    #[serde(default)]
    pub due: Option<Spanned<String>>,
    /// What one unit of the numerator is, for shortfall wording
    /// (`名基层一线代表`, `front-line delegates`).
    #[serde(default)]
    pub unit: Option<Text>,
    /// Shortfall advice replacing the default wording; `{n}` is the
    /// numerator shortfall (`需将 {n} 名兼职副主席换为其他行业领域人选`).
    #[serde(default)]
    pub advice: Option<Text>,
}

/// What a rule's target value is compared with.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Baseline {
    /// The same measure on the previous congress's roster.
    Previous,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureDef {
    /// Share of rows meeting a condition.
    Share(ConditionDef),
    /// Σ numerator column / Σ denominator column.
    Ratio { numerator: Name, denominator: Name },
    /// Σ(value × weight) / Σ weight, e.g. a population-weighted rate.
    Weighted { value: Name, weight: Name },
    /// Number of distinct values of a column / number of rows.
    Distinct(Name),
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConditionDef {
    /// A boolean column is true.
    Flag(Name),
    /// Every condition holds.
    All(Vec<ConditionDef>),
    /// At least one condition holds.
    Any(Vec<ConditionDef>),
    /// The condition does not hold.
    Not(Box<ConditionDef>),
    /// A text column has one of the values.
    OneOf { column: Name, values: Vec<String> },
    /// A numeric column meets a target (`>= 3`, `3以上`).
    Compare {
        column: Name,
        target: Spanned<String>,
    },
    /// The 周岁 age on the reference date meets a target (`45岁以下`).
    Age {
        column: Name,
        target: Spanned<String>,
    },
    /// Born on or after a date (election notices: "1972年7月1日以后出生").
    BornOnOrAfter { column: Name, date: Spanned<String> },
}
