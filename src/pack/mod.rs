//! Rule packs: load the YAML, check what it means, and compile it into the
//! form the engine runs (columns resolved to indices, targets parsed).

pub mod schema;

use crate::date;
use crate::num::Rational;
use crate::target::Target;
use anyhow::{anyhow, Result};
use chrono::NaiveDate;
use schema::{
    Baseline, ColumnType, ConditionDef, JudgedOn, MeasureDef, Name, PackFile, Severity, Text,
};
use serde_saphyr::{Budget, Location};
use std::collections::HashSet;

/// The Taizhou pack, embedded so the tool works without any file.
pub const EMBEDDED: &str = include_str!("../../rules/taizhou-2017.yaml");
/// The name errors in the embedded pack are reported under.
pub const EMBEDDED_NAME: &str = "rules/taizhou-2017.yaml (embedded)";

/// Normalises a header for matching: trimmed, full-width forms folded to
/// half-width (so `（` = `(`), inner spaces removed, ASCII lower-cased.
pub fn normalize_header(h: &str) -> String {
    crate::num::halfwidth(h.trim_start_matches('\u{feff}'))
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

/// Index of a column within its dataset.
pub type ColId = usize;

#[derive(Debug)]
pub struct Pack {
    pub id: String,
    pub title: Text,
    pub document: String,
    pub date: Option<NaiveDate>,
    pub datasets: Vec<Dataset>,
    pub rules: Vec<Rule>,
}

#[derive(Debug)]
pub struct Dataset {
    pub name: String,
    pub title: Text,
    pub key: ColId,
    pub period: Option<ColId>,
    pub columns: Vec<Column>,
    /// Column sets identifying one row; equal rows are duplicates.
    pub unique: Vec<Vec<ColId>>,
}

#[derive(Debug)]
pub struct Column {
    pub name: String,
    pub kind: ColumnType,
    pub headers: Vec<String>,
    pub empty: Option<String>,
    pub derive: Option<Derive>,
    /// Header units (normalized, e.g. `万元`) and the factor they scale by.
    pub units: Vec<(String, Rational)>,
    /// The date column the value expires on.
    pub valid_until: Option<ColId>,
    pub example: Option<String>,
    /// The column this value may not exceed in the same row.
    pub at_most: Option<ColId>,
    /// Other spellings of a text value (folded by [`normalize_header`]) and
    /// the value each stands for: `民营企业` → `企业`.
    pub synonyms: Vec<(String, String)>,
    /// A birth date (a rule reads an age from it): one after `--as-of` is
    /// impossible.
    pub birth: bool,
}

impl Column {
    /// The value a text cell stands for, if it is a synonym of another.
    pub fn synonym(&self, text: &str) -> Option<&str> {
        // Most cells are spelled as the pack spells them.
        if self.synonyms.is_empty() || self.synonyms.iter().any(|(_, v)| v == text) {
            return None;
        }
        // Read on every row: most texts are folded already.
        let folded = match crate::num::is_folded(text) {
            true => std::borrow::Cow::Borrowed(text),
            false => std::borrow::Cow::Owned(normalize_header(text)),
        };
        self.synonyms
            .iter()
            .find(|(s, _)| *s == *folded)
            .map(|(_, v)| v.as_str())
    }

    /// Adds a synonym; a later one for the same spelling replaces it.
    pub fn add_synonym(&mut self, spelling: &str, value: &str) {
        let folded = normalize_header(spelling);
        self.synonyms.retain(|(s, _)| *s != folded);
        self.synonyms.push((folded, value.to_string()));
    }
}

/// The values a text column's cell may take when a bool column derives from
/// it (`企业`, `高校`, … `党政机关`): empty if none does.
pub fn accepted_values(columns: &[Column], col: ColId) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    let lists = columns
        .iter()
        .filter_map(|c| c.derive.as_ref())
        .filter(|d| d.from == col)
        .flat_map(|d| d.when_true.iter().chain(&d.when_false));
    for v in lists {
        if !out.contains(&v.as_str()) {
            out.push(v);
        }
    }
    out
}

/// Is `value` one a synonym of column `col` may stand for? Any value, unless
/// a bool column derives from `col`: then one of its lists' values. The error
/// lists the accepted ones.
pub fn check_value(columns: &[Column], col: ColId, value: &str) -> Result<(), String> {
    let accepted = accepted_values(columns, col);
    if accepted.is_empty() || accepted.contains(&crate::num::halfwidth(value).as_str()) {
        Ok(())
    } else {
        Err(accepted.join("、"))
    }
}

#[derive(Debug)]
pub struct Derive {
    pub from: ColId,
    /// For a bool derived from text: values meaning true and false, in
    /// half-width forms (cells are compared after the same mapping). Empty
    /// for a date derived from an ID number.
    pub when_true: Vec<String>,
    pub when_false: Vec<String>,
}

#[derive(Debug)]
pub struct Rule {
    pub id: String,
    pub clause: String,
    pub title: Text,
    pub quote: String,
    pub note: Option<Text>,
    pub dataset: usize,
    /// The plan's modal word, if the sentence has one.
    pub binding: Option<String>,
    pub severity: Severity,
    pub judged_on: JudgedOn,
    /// Groups the rule does not hold, and why.
    pub not_for: Option<(Vec<String>, Text)>,
    pub every_period: bool,
    pub baseline: Option<Baseline>,
    pub scope: Option<Condition>,
    pub group_by: Option<ColId>,
    pub total: bool,
    pub measure: Measure,
    pub target: Target,
    pub due: Option<NaiveDate>,
    pub unit: Option<Text>,
    pub advice: Option<Text>,
}

/// Modal words that bind (severity `error`).
pub const BINDING_WORDS: &[&str] = &["应", "确保", "要", "必须"];
/// Modal words of aspiration (severity `warning`): 推进 is read like 推动.
pub const ASPIRATION_WORDS: &[&str] = &["力争", "一般应", "普遍", "指导", "推动", "推进", "主要"];

/// The severity a modal word gives, or `None` for a word the pack does not know.
pub fn severity_of(word: &str) -> Option<Severity> {
    if BINDING_WORDS.contains(&word) {
        Some(Severity::Error)
    } else if ASPIRATION_WORDS.contains(&word) {
        Some(Severity::Warning)
    } else {
        None
    }
}

/// Sort key of a clause such as `三(一)` or `九（三）`: the chapter and item
/// numbers, so that reports follow the plan (三 … 九) whatever the pack's order.
/// A clause in another form sorts after all others.
pub fn clause_key(clause: &str) -> (u32, u32) {
    let digit = |c: char| {
        "一二三四五六七八九十"
            .chars()
            .position(|d| d == c)
            .map(|i| i as u32 + 1)
    };
    let mut chars = clause.chars();
    let Some(chapter) = chars.next().and_then(digit) else {
        return (u32::MAX, u32::MAX);
    };
    let item = chars
        .find_map(|c| digit(c).or_else(|| c.to_digit(10)))
        .unwrap_or(0);
    (chapter, item)
}

#[derive(Debug)]
pub enum Measure {
    Share(Condition),
    Ratio {
        numerator: ColId,
        denominator: ColId,
    },
    Weighted {
        value: ColId,
        weight: ColId,
    },
    Distinct(ColId),
}

#[derive(Debug)]
pub enum Condition {
    Flag(ColId),
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    OneOf { column: ColId, values: Vec<String> },
    Compare { column: ColId, target: Target },
    Age { column: ColId, target: Target },
    BornOnOrAfter { column: ColId, date: NaiveDate },
}

impl Condition {
    /// Columns read as birth dates (ages).
    fn birth_columns(&self, out: &mut Vec<ColId>) {
        match self {
            Condition::Age { column: c, .. } | Condition::BornOnOrAfter { column: c, .. } => {
                out.push(*c)
            }
            Condition::All(cs) | Condition::Any(cs) => cs.iter().for_each(|c| c.birth_columns(out)),
            Condition::Not(c) => c.birth_columns(out),
            _ => {}
        }
    }

    fn columns(&self, out: &mut Vec<ColId>) {
        match self {
            Condition::Flag(c)
            | Condition::OneOf { column: c, .. }
            | Condition::Compare { column: c, .. }
            | Condition::Age { column: c, .. }
            | Condition::BornOnOrAfter { column: c, .. } => out.push(*c),
            Condition::All(cs) | Condition::Any(cs) => cs.iter().for_each(|c| c.columns(out)),
            Condition::Not(c) => c.columns(out),
        }
    }
}

impl Rule {
    /// Every column this rule reads, in first-use order, without repeats.
    pub fn columns(&self) -> Vec<ColId> {
        let mut out = Vec::new();
        if let Some(scope) = &self.scope {
            scope.columns(&mut out);
        }
        if let Some(g) = self.group_by {
            out.push(g);
        }
        match &self.measure {
            Measure::Share(c) => c.columns(&mut out),
            Measure::Ratio {
                numerator,
                denominator,
            } => out.extend([*numerator, *denominator]),
            Measure::Weighted { value, weight } => out.extend([*value, *weight]),
            Measure::Distinct(c) => out.push(*c),
        }
        let mut seen = HashSet::new();
        out.retain(|c| seen.insert(*c));
        out
    }
}

impl Pack {
    /// The embedded Taizhou pack.
    pub fn embedded() -> Result<Pack> {
        Pack::parse(EMBEDDED, EMBEDDED_NAME)
    }

    /// Reads a pack file, or the embedded pack when `path` is `None`.
    pub fn load(path: Option<&std::path::Path>) -> Result<Pack> {
        match path {
            None => Pack::embedded(),
            Some(p) => {
                let bytes = std::fs::read(p).map_err(|e| {
                    anyhow!(crate::tr!(
                        "无法读取规则包 {}：{e}，请检查文件名和路径",
                        "cannot read rule pack {}: {e}; check the file name and path",
                        p.display()
                    ))
                })?;
                let text = String::from_utf8(bytes).map_err(|e| {
                    anyhow!(crate::tr!(
                        "规则包 {} 不是 UTF-8 编码（第一个错误字节在第 {} 字节处）：请另存为 UTF-8",
                        "rule pack {} is not UTF-8 (first bad byte at offset {}): save it as UTF-8",
                        p.display(),
                        e.utf8_error().valid_up_to()
                    ))
                })?;
                Pack::parse(&text, &p.display().to_string())
            }
        }
    }

    /// Parses and validates pack text; `name` labels error messages.
    pub fn parse(text: &str, name: &str) -> Result<Pack> {
        // Explicit budgets: an alias bomb or deep nesting fails fast.
        let mut budget = Budget::default();
        budget.max_depth = 64;
        budget.max_aliases = 1_000;
        budget.max_anchors = 1_000;
        budget.max_nodes = 200_000;
        budget.max_total_scalar_bytes = 16 * 1024 * 1024;
        budget.max_documents = 1;
        let options = serde_saphyr::options! { budget: Some(budget) };
        let file: PackFile = serde_saphyr::from_str_with_options(text, options).map_err(|e| {
            let detail = e.to_string().replace("<input>", name);
            anyhow!(crate::tr!(
                "规则包 {name} 不是有效的 YAML，请按下面指出的行列修改（YAML 解析器的说明）：\n{}",
                "invalid rule pack {name}:\n{}",
                // The parser's own "error:" would read as a second error.
                detail.strip_prefix("error: ").unwrap_or(&detail)
            ))
        })?;
        Compiler { name }.compile(file)
    }

    pub fn dataset(&self, name: &str) -> Option<usize> {
        self.datasets.iter().position(|d| d.name == name)
    }
}

struct Compiler<'a> {
    name: &'a str,
}

/// A validation error tied to a place in the pack.
struct Located {
    at: Location,
    rule: Option<String>,
    message: String,
}

impl Compiler<'_> {
    fn err(&self, e: Located) -> anyhow::Error {
        let (line, column) = (e.at.line(), e.at.column());
        match crate::i18n::lang() {
            crate::Lang::Zh => {
                let rule = e.rule.map(|r| format!("规则“{r}”：")).unwrap_or_default();
                anyhow!(
                    "规则包 {}:{line}:{column}（第 {line} 行第 {column} 列）有误：{rule}{}",
                    self.name,
                    e.message
                )
            }
            crate::Lang::En => {
                let rule = e.rule.map(|r| format!(" rule `{r}`:")).unwrap_or_default();
                anyhow!(
                    "invalid rule pack {}:{line}:{column}:{rule} {}",
                    self.name,
                    e.message
                )
            }
        }
    }

    fn compile(&self, file: PackFile) -> Result<Pack> {
        let date = match &file.plan.date {
            None => None,
            Some(d) => Some(date::parse_full_date(&d.value).ok_or_else(|| {
                self.err(Located {
                    at: d.referenced,
                    rule: None,
                    message: crate::tr!(
                        "方案日期“{}”不是 2017-03-24 这样的日期",
                        "plan date `{}` is not a date like 2017-03-24",
                        d.value
                    ),
                })
            })?),
        };
        let mut datasets = Vec::new();
        for (name, def) in &file.datasets {
            datasets.push(self.dataset(name, def)?);
        }
        let mut rules = Vec::new();
        let mut ids = HashSet::new();
        for def in &file.rules {
            let rule = self.rule(def, &datasets, date).map_err(|e| self.err(e))?;
            if !ids.insert(rule.id.clone()) {
                return Err(self.err(Located {
                    at: def.id.referenced,
                    rule: Some(rule.id),
                    message: crate::tr!(
                        "规则编号重复，每条规则的编号必须唯一",
                        "this rule id is used twice; ids must be unique"
                    ),
                }));
            }
            rules.push(rule);
        }
        for rule in &rules {
            let mut births = Vec::new();
            for c in rule.scope.iter().chain(match &rule.measure {
                Measure::Share(c) => Some(c),
                _ => None,
            }) {
                c.birth_columns(&mut births);
            }
            for b in births {
                datasets[rule.dataset].columns[b].birth = true;
            }
        }
        // Reports list rules in the plan's clause order (stable within a clause).
        rules.sort_by_key(|r| clause_key(&r.clause));
        Ok(Pack {
            id: file.plan.id,
            title: file.plan.title,
            document: file.plan.document,
            date,
            datasets,
            rules,
        })
    }

    fn dataset(&self, name: &str, def: &schema::DatasetDef) -> Result<Dataset> {
        let names: Vec<&String> = def.columns.keys().collect();
        let find = |n: &Name| -> Result<ColId> {
            names.iter().position(|c| **c == n.value).ok_or_else(|| {
                self.err(Located {
                    at: n.referenced,
                    rule: None,
                    message: crate::tr!(
                        "数据集“{name}”没有列“{}”（已有的列：{}）",
                        "dataset `{name}` has no column `{}` (columns: {})",
                        n.value,
                        join(&names)
                    ),
                })
            })
        };
        let mut columns = Vec::new();
        for (col, c) in &def.columns {
            let at = |n: &Name, message: String| {
                self.err(Located {
                    at: n.referenced,
                    rule: None,
                    message: crate::tr!(
                        "数据集“{name}”的列“{col}”：{message}",
                        "dataset `{name}`, column `{col}`: {message}"
                    ),
                })
            };
            let derive = match &c.derive {
                None => None,
                Some(d) => {
                    let from = find(&d.from)?;
                    let source = def.columns[from].kind;
                    let lists = !d.when_true.is_empty() || !d.when_false.is_empty();
                    match (c.kind, source) {
                        (ColumnType::Bool, ColumnType::Text) => {}
                        (ColumnType::Date, ColumnType::IdNumber) if !lists => {}
                        (ColumnType::Date, ColumnType::IdNumber) => {
                            return Err(at(
                                &d.from,
                                crate::tr!(
                                    "由身份证号推出的日期不能写 when_true/when_false",
                                    "a date derived from an ID number takes no when_true/when_false"
                                ),
                            ))
                        }
                        _ => {
                            return Err(at(
                                &d.from,
                                crate::tr!(
                                    "不能从“{1}”（{2}）推出 {0} 列：bool 列由 text 列推出，\
                                         date 列由 id_number 列推出",
                                    "cannot derive a {0} column from `{1}` ({2}): a bool derives \
                                         from a text column, a date from an id_number column",
                                    type_name(c.kind),
                                    d.from.value,
                                    type_name(source)
                                ),
                            ))
                        }
                    }
                    Some(Derive {
                        from,
                        when_true: d
                            .when_true
                            .iter()
                            .map(|v| crate::num::halfwidth(v))
                            .collect(),
                        when_false: d
                            .when_false
                            .iter()
                            .map(|v| crate::num::halfwidth(v))
                            .collect(),
                    })
                }
            };
            let mut units = Vec::new();
            if let Some(u) = &c.units {
                let fail = |message: String| {
                    self.err(Located {
                        at: u.referenced,
                        rule: None,
                        message: crate::tr!(
                            "数据集“{name}”的列“{col}”：{message}",
                            "dataset `{name}`, column `{col}`: {message}"
                        ),
                    })
                };
                if !matches!(c.kind, ColumnType::Int | ColumnType::Number) {
                    return Err(fail(crate::tr!(
                        "`units` 只能用于 int 和 number 列，不能用于 {}",
                        "`units` applies to int and number columns, not {}",
                        type_name(c.kind)
                    )));
                }
                for (unit, factor) in &u.value {
                    let f = crate::num::parse_number(factor)
                        .filter(|f| f > &crate::num::int(0))
                        .ok_or_else(|| {
                            fail(crate::tr!(
                                "单位“{unit}”：倍数“{factor}”不是正数",
                                "unit `{unit}`: factor `{factor}` is not a positive number"
                            ))
                        })?;
                    units.push((normalize_header(unit), f));
                }
            }
            let valid_until = match &c.valid_until {
                None => None,
                Some(v) => {
                    let i = find(v)?;
                    if def.columns[i].kind != ColumnType::Date {
                        return Err(at(
                            v,
                            crate::tr!(
                                "`valid_until` 必须是日期列，“{}”不是",
                                "`valid_until` must name a date column; `{}` is not",
                                v.value
                            ),
                        ));
                    }
                    Some(i)
                }
            };
            let at_most = match &c.at_most {
                None => None,
                Some(m) => {
                    let i = find(m)?;
                    let numeric = |k: ColumnType| NUMERIC.contains(&k);
                    if !numeric(c.kind) || !numeric(def.columns[i].kind) {
                        return Err(at(
                            m,
                            crate::tr!(
                                "`at_most` 比较数值，“{col}”和“{}”都必须是数值列",
                                "`at_most` compares numbers; `{col}` and `{}` must both be numeric",
                                m.value
                            ),
                        ));
                    }
                    Some(i)
                }
            };
            columns.push(Column {
                name: col.clone(),
                kind: c.kind,
                headers: c.headers.clone(),
                empty: c.empty.clone(),
                derive,
                units,
                valid_until,
                example: c.example.clone(),
                at_most,
                synonyms: Vec::new(),
                birth: false,
            });
        }
        for (col, (col_name, c)) in def.columns.iter().enumerate() {
            let Some(syn) = &c.synonyms else { continue };
            let fail = |message: String| {
                self.err(Located {
                    at: syn.referenced,
                    rule: None,
                    message: format!("dataset `{name}`, column `{col_name}`: {message}"),
                })
            };
            if c.kind != ColumnType::Text {
                return Err(fail(format!(
                    "`synonyms` applies to text columns, not {}",
                    type_name(c.kind)
                )));
            }
            for (spelling, value) in &syn.value {
                if let Err(accepted) = check_value(&columns, col, value) {
                    return Err(fail(format!(
                        "synonym `{spelling}` stands for `{value}`, which is not an accepted value ({accepted})"
                    )));
                }
                columns[col].add_synonym(spelling, value);
            }
        }
        let mut unique = Vec::new();
        for set in &def.unique {
            let cols = set.iter().map(&find).collect::<Result<Vec<_>>>()?;
            if !cols.is_empty() {
                unique.push(cols);
            }
        }
        Ok(Dataset {
            name: name.to_string(),
            title: def.title.clone(),
            key: find(&def.key)?,
            period: def.period.as_ref().map(find).transpose()?,
            columns,
            unique,
        })
    }

    fn rule(
        &self,
        def: &schema::RuleDef,
        datasets: &[Dataset],
        plan_date: Option<NaiveDate>,
    ) -> std::result::Result<Rule, Located> {
        let id = def.id.value.clone();
        let fail = |at: Location, message: String| Located {
            at,
            rule: Some(id.clone()),
            message,
        };
        let ds_index = datasets
            .iter()
            .position(|d| d.name == def.dataset.value)
            .ok_or_else(|| {
                let known: Vec<&String> = datasets.iter().map(|d| &d.name).collect();
                fail(
                    def.dataset.referenced,
                    crate::tr!(
                        "没有数据集“{}”（已有的数据集：{}）",
                        "unknown dataset `{}` (datasets: {})",
                        def.dataset.value,
                        join(&known)
                    ),
                )
            })?;
        let ds = &datasets[ds_index];
        let cx = RuleCx {
            ds,
            id: &id,
            plan_date,
        };
        let target = match def.baseline {
            None => Target::parse(&def.target.value),
            Some(Baseline::Previous) => baseline_target(&def.target.value),
        }
        .map_err(|m| fail(def.target.referenced, m))?;
        let severity = match (&def.binding, &def.severity) {
            (None, None) => Severity::Error,
            (None, Some(s)) => s.value,
            (Some(word), explicit) => {
                let implied = severity_of(&word.value).ok_or_else(|| {
                    fail(
                        word.referenced,
                        format!(
                            "`binding: {}` is not a modal word the pack knows: binding {};                              aspiration {}",
                            word.value,
                            BINDING_WORDS.join("、"),
                            ASPIRATION_WORDS.join("、")
                        ),
                    )
                })?;
                if !def.quote.contains(&word.value) {
                    return Err(fail(
                        word.referenced,
                        format!(
                            "`binding: {}` does not occur in the rule's quote",
                            word.value
                        ),
                    ));
                }
                match explicit {
                    Some(s) if s.value != implied => {
                        return Err(fail(
                            s.referenced,
                            format!(
                                "`severity: {}` contradicts `binding: {}` (which means {})",
                                s.value.as_str(),
                                word.value,
                                implied.as_str()
                            ),
                        ))
                    }
                    _ => implied,
                }
            }
        };
        if def.judged_on == JudgedOn::Total && !def.total {
            return Err(fail(
                def.id.referenced,
                "`judged_on: total` needs `total: true` (the figure the target is judged on)"
                    .into(),
            ));
        }
        if def.every_period && !matches!(def.measure, MeasureDef::Share(_)) {
            return Err(fail(
                def.id.referenced,
                "`every_period: true` counts periods: the measure must be `share`".into(),
            ));
        }
        if def.every_period && ds.period.is_none() {
            return Err(fail(
                def.id.referenced,
                format!(
                    "`every_period: true` needs a dataset with a `period` column; `{}` has none",
                    ds.name
                ),
            ));
        }
        if def.baseline.is_some() && !matches!(def.measure, MeasureDef::Share(_)) {
            return Err(fail(
                def.id.referenced,
                "`baseline: previous` compares shares: the measure must be `share`".into(),
            ));
        }
        let due = match &def.due {
            None => None,
            Some(d) => {
                Some(date::parse_due(&d.value, plan_date).map_err(|m| fail(d.referenced, m))?)
            }
        };
        let measure = match &def.measure {
            MeasureDef::Share(c) => Measure::Share(cx.condition(c)?),
            MeasureDef::Ratio {
                numerator,
                denominator,
            } => Measure::Ratio {
                numerator: cx.column(numerator, NUMERIC)?,
                denominator: cx.column(denominator, NUMERIC)?,
            },
            MeasureDef::Weighted { value, weight } => Measure::Weighted {
                value: cx.column(value, &[ColumnType::Rate])?,
                weight: cx.column(weight, NUMERIC)?,
            },
            MeasureDef::Distinct(c) => Measure::Distinct(cx.column(c, ANY)?),
        };
        if def.total && def.group_by.is_none() {
            return Err(fail(
                def.id.referenced,
                crate::tr!(
                    "`total: true` 需要同时写 `group_by`",
                    "`total: true` needs `group_by`"
                ),
            ));
        }
        Ok(Rule {
            clause: def.clause.clone(),
            title: def.title.clone(),
            quote: def.quote.clone(),
            note: def.note.clone().map(Text::from),
            dataset: ds_index,
            binding: def.binding.as_ref().map(|b| b.value.clone()),
            severity,
            judged_on: def.judged_on,
            not_for: def
                .not_for
                .as_ref()
                .map(|n| (n.groups.clone(), n.reason.clone())),
            every_period: def.every_period,
            baseline: def.baseline,
            scope: def.scope.as_ref().map(|c| cx.condition(c)).transpose()?,
            group_by: def
                .group_by
                .as_ref()
                .map(|g| cx.column(g, ANY))
                .transpose()?,
            total: def.total,
            measure,
            target,
            due,
            unit: def.unit.clone(),
            advice: def.advice.clone(),
            id,
        })
    }
}

/// The comparison of a `baseline: previous` rule (`超过上届`, `不低于上届`,
/// `>`); its value is filled in from the previous roster at check time.
fn baseline_target(text: &str) -> std::result::Result<Target, String> {
    let s: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let words = s.trim_end_matches("上届");
    let op = match words {
        "超过" | "高于" | ">" => crate::target::Op::Gt,
        "不低于" | "不少于" | ">=" | "≥" => crate::target::Op::Ge,
        _ => {
            return Err(format!(
                "with `baseline: previous` the target is a comparison with the previous \
                 roster: write `超过上届` or `不低于上届`, not `{text}`"
            ))
        }
    };
    Ok(Target {
        op,
        value: crate::num::int(0),
        style: crate::target::Style::Percent,
        written: "上届".into(),
    })
}

/// The pack's name for a column type.
pub fn type_name(t: ColumnType) -> &'static str {
    match t {
        ColumnType::Text => "text",
        ColumnType::Bool => "bool",
        ColumnType::Date => "date",
        ColumnType::Int => "int",
        ColumnType::Number => "number",
        ColumnType::Rate => "rate",
        ColumnType::Rating => "rating",
        ColumnType::IdNumber => "id_number",
    }
}

/// Every type a rule may read: ID numbers are personal data and only feed
/// birth dates and duplicate checks, never a rule (or a group name).
const ANY: &[ColumnType] = &ColumnType::READABLE;
const NUMERIC: &[ColumnType] = &[
    ColumnType::Int,
    ColumnType::Number,
    ColumnType::Rate,
    ColumnType::Rating,
];

/// What a rule's columns are resolved against.
struct RuleCx<'a> {
    ds: &'a Dataset,
    id: &'a str,
    plan_date: Option<NaiveDate>,
}

impl RuleCx<'_> {
    fn fail(&self, at: Location, message: String) -> Located {
        Located {
            at,
            rule: Some(self.id.to_string()),
            message,
        }
    }

    fn column(&self, n: &Name, types: &[ColumnType]) -> std::result::Result<ColId, Located> {
        let (i, col) = self
            .ds
            .columns
            .iter()
            .enumerate()
            .find(|(_, c)| c.name == n.value)
            .ok_or_else(|| {
                let names: Vec<&String> = self.ds.columns.iter().map(|c| &c.name).collect();
                self.fail(
                    n.referenced,
                    crate::tr!(
                        "数据集“{1}”中没有列“{0}”（已有的列：{2}）",
                        "unknown column `{0}` in dataset `{1}` (columns: {2})",
                        n.value,
                        self.ds.name,
                        join(&names)
                    ),
                )
            })?;
        if !types.contains(&col.kind) {
            return Err(self.fail(
                n.referenced,
                crate::tr!(
                    "列“{}”是 {} 类型，这个计量方式或条件不能使用",
                    "column `{}` is of type {}, which this measure or condition cannot use",
                    n.value,
                    type_name(col.kind)
                ),
            ));
        }
        Ok(i)
    }

    fn target(&self, t: &serde_saphyr::Spanned<String>) -> std::result::Result<Target, Located> {
        Target::parse(&t.value).map_err(|m| self.fail(t.referenced, m))
    }

    fn condition(&self, c: &ConditionDef) -> std::result::Result<Condition, Located> {
        Ok(match c {
            ConditionDef::Flag(n) => Condition::Flag(self.column(n, &[ColumnType::Bool])?),
            ConditionDef::All(cs) => Condition::All(self.conditions(cs)?),
            ConditionDef::Any(cs) => Condition::Any(self.conditions(cs)?),
            ConditionDef::Not(c) => Condition::Not(Box::new(self.condition(c)?)),
            ConditionDef::OneOf { column, values } => Condition::OneOf {
                column: self.column(column, &[ColumnType::Text])?,
                values: values.clone(),
            },
            ConditionDef::Compare { column, target } => Condition::Compare {
                column: self.column(column, NUMERIC)?,
                target: self.target(target)?,
            },
            ConditionDef::Age { column, target } => Condition::Age {
                column: self.column(column, &[ColumnType::Date])?,
                target: self.target(target)?,
            },
            ConditionDef::BornOnOrAfter { column, date } => Condition::BornOnOrAfter {
                column: self.column(column, &[ColumnType::Date])?,
                date: date::parse_due(&date.value, self.plan_date)
                    .ok()
                    .filter(|_| date::parse_full_date(&date.value).is_some())
                    .ok_or_else(|| {
                        self.fail(
                            date.referenced,
                            crate::tr!(
                                "“{}”不是 1972-07-01 这样的日期",
                                "`{}` is not a date like 1972-07-01",
                                date.value
                            ),
                        )
                    })?,
            },
        })
    }

    fn conditions(&self, cs: &[ConditionDef]) -> std::result::Result<Vec<Condition>, Located> {
        cs.iter().map(|c| self.condition(c)).collect()
    }
}

fn join(names: &[&String]) -> String {
    names
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: &str = include_str!("../../plan/taizhou-kx-reform-2017.txt");

    #[test]
    fn embedded_pack_has_the_contract_rules() {
        let pack = Pack::embedded().unwrap();
        assert_eq!(pack.rules.len(), 35);
        assert_eq!(pack.date, NaiveDate::from_ymd_opt(2017, 3, 24));
        let names: Vec<&str> = pack.datasets.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "delegates",
                "committee",
                "society_delegates",
                "society_council",
                "societies",
                "districts",
                "city"
            ]
        );
        let link = pack
            .rules
            .iter()
            .find(|r| r.id == "societies.upper_lower_link")
            .unwrap();
        assert_eq!(link.due, NaiveDate::from_ymd_opt(2020, 3, 24));
        for r in &pack.rules {
            assert!(
                r.id.starts_with(&format!("{}.", pack.datasets[r.dataset].name)),
                "{}",
                r.id
            );
        }
        for id in [
            "districts.kx_head_in_congress",
            "societies.decoupled",
            "delegates.frontline_growth",
            "city.annual_report",
            "city.popsci_funding",
            "city.science_museum_plate",
            "city.function_transfer_group",
            "city.maker_alliance",
            "city.advisory_committee",
            "city.university_federation",
            "city.party_committee",
        ] {
            assert!(pack.rules.iter().any(|r| r.id == id), "{id} missing");
        }
    }

    fn rule<'p>(pack: &'p Pack, id: &str) -> &'p Rule {
        pack.rules.iter().find(|r| r.id == id).unwrap()
    }

    #[test]
    fn severity_follows_the_plans_modal_word() {
        let pack = Pack::embedded().unwrap();
        let expect = [
            ("societies.member_growth", Some("力争"), Severity::Warning),
            (
                "districts.above_scale_coverage",
                Some("力争"),
                Severity::Warning,
            ),
            ("districts.hitech_coverage", Some("力争"), Severity::Warning),
            (
                "society_council.young_middle",
                Some("一般应"),
                Severity::Warning,
            ),
            ("societies.party_branch", Some("普遍"), Severity::Warning),
            (
                "societies.supervisory_board",
                Some("指导"),
                Severity::Warning,
            ),
            ("societies.two_reforms", Some("推动"), Severity::Warning),
            ("societies.decoupled", Some("推进"), Severity::Warning),
            (
                "committee.vice_chair_fields",
                Some("主要"),
                Severity::Warning,
            ),
            ("society_council.frontline", Some("应"), Severity::Error),
            ("districts.popsci_funding", Some("确保"), Severity::Error),
            ("societies.upper_lower_link", Some("要"), Severity::Error),
            ("delegates.frontline", None, Severity::Error),
        ];
        for (id, word, severity) in expect {
            let r = rule(&pack, id);
            assert_eq!((r.binding.as_deref(), r.severity), (word, severity), "{id}");
        }
        // Every aspiration word gives a warning, every binding word an error.
        for r in &pack.rules {
            if let Some(w) = &r.binding {
                assert_eq!(Some(r.severity), severity_of(w), "{}", r.id);
                assert!(r.quote.contains(w.as_str()), "{}", r.id);
            }
        }
    }

    #[test]
    fn every_rule_has_a_unit_and_new_readings() {
        let pack = Pack::embedded().unwrap();
        for r in &pack.rules {
            assert!(r.unit.is_some(), "{} has no unit", r.id);
        }
        let literacy = rule(&pack, "districts.science_literacy");
        assert_eq!(literacy.judged_on, JudgedOn::Total);
        assert!(!rule(&pack, "districts.popsci_funding").total);
        let (groups, _) = rule(&pack, "districts.independent_party_group")
            .not_for
            .as_ref()
            .unwrap();
        assert!(groups.iter().any(|g| g == "医药高新区"));
        assert!(rule(&pack, "districts.annual_report").every_period);
        assert!(rule(&pack, "city.annual_report").every_period);
        assert_eq!(
            rule(&pack, "delegates.frontline_growth").baseline,
            Some(Baseline::Previous)
        );
        let link = rule(&pack, "societies.upper_lower_link");
        let mut cols = Vec::new();
        link.scope.as_ref().unwrap().columns(&mut cols);
        let names: Vec<&str> = cols
            .iter()
            .map(|c| pack.datasets[link.dataset].columns[*c].name.as_str())
            .collect();
        assert_eq!(names, ["level", "rating"]);
    }

    #[test]
    fn rules_are_listed_in_the_plans_clause_order() {
        assert_eq!(clause_key("三(一)"), (3, 1));
        assert_eq!(clause_key("九（三）"), (9, 3));
        assert_eq!(clause_key("十"), (10, 0));
        assert_eq!(clause_key("x"), (u32::MAX, u32::MAX));
        let pack = Pack::embedded().unwrap();
        let keys: Vec<(u32, u32)> = pack.rules.iter().map(|r| clause_key(&r.clause)).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        // The pack writes 九(二)'s society rules before 八(一); the plan order wins.
        let pos = |id: &str| pack.rules.iter().position(|r| r.id == id).unwrap();
        assert!(pos("districts.independent_party_group") < pos("societies.party_branch"));
        assert!(pos("districts.science_literacy") < pos("society_delegates.frontline"));
    }

    #[test]
    fn binding_words_are_checked() {
        let base = pack_measuring("{flag: ok}", "{flag: ok}");
        let with =
            |extra: &str| base.replace("    dataset: p\n", &format!("    dataset: p\n{extra}"));
        let err = |text: String| format!("{:#}", Pack::parse(&text, "t.yaml").unwrap_err());
        let e = err(with("    binding: 希望\n"));
        assert!(e.contains("`binding: 希望` is not a modal word"), "{e}");
        let e = err(with("    binding: 力争\n"));
        assert!(e.contains("does not occur in the rule's quote"), "{e}");
        let text = with("    binding: 力争\n").replace("quote: q", "quote: 力争q");
        let pack = Pack::parse(&text, "t.yaml").unwrap();
        assert_eq!(pack.rules[0].severity, Severity::Warning);
        let e =
            err(with("    binding: 力争\n    severity: error\n")
                .replace("quote: q", "quote: 力争q"));
        assert!(e.contains("contradicts `binding: 力争`"), "{e}");
        let e = err(with("    every_period: true\n"));
        assert!(e.contains("needs a dataset with a `period` column"), "{e}");
        let e = err(with("    baseline: previous\n"));
        assert!(e.contains("超过上届"), "{e}");
    }

    #[test]
    fn every_rule_quotes_the_plan_verbatim() {
        // The text after 九(四) repeats sentences and is not part of the plan proper.
        let body = &PLAN[..PLAN.find("## 三、加强基层科协组织建设").unwrap()];
        for r in &Pack::embedded().unwrap().rules {
            assert!(
                body.contains(&r.quote),
                "{}: quote not found in the plan: {}",
                r.id,
                r.quote
            );
        }
    }

    /// A minimal valid pack whose only rule has this scope and condition.
    fn pack_measuring(scope: &str, condition: &str) -> String {
        format!(
            "plan: {{id: t, title: {{zh: t}}, document: d}}\n\
             datasets:\n  p:\n    title: {{zh: p}}\n    key: n\n    columns:\n      \
             n: {{type: text}}\n      ok: {{type: bool}}\n\
             rules:\n  - id: p.ok\n    clause: x\n    title: {{zh: t}}\n    quote: q\n    \
             dataset: p\n    scope: {scope}\n    measure: {{share: {condition}}}\n    target: 全部\n"
        )
    }

    /// A pack whose dataset has column `x` defined as `x` (line 10), this
    /// `unique` (line 6) and a rule measuring `measure`.
    fn pack_with_column(x: &str, unique: &str, measure: &str) -> String {
        format!(
            "plan: {{id: t, title: {{zh: t}}, document: d}}\n\
             datasets:\n  p:\n    title: {{zh: p}}\n    key: n\n    unique: {unique}\n    \
             columns:\n      n: {{type: text}}\n      ok: {{type: bool}}\n      x: {x}\n      \
             d: {{type: date}}\n\
             rules:\n  - id: p.ok\n    clause: x\n    title: {{zh: t}}\n    quote: q\n    \
             dataset: p\n    measure: {{share: {measure}}}\n    target: 全部\n"
        )
    }

    fn pack_error(x: &str, unique: &str, measure: &str) -> String {
        let text = pack_with_column(x, unique, measure);
        crate::i18n::with_lang(crate::Lang::En, || {
            format!("{:#}", Pack::parse(&text, "t.yaml").unwrap_err())
        })
    }

    #[test]
    fn new_column_options_compile() {
        let text = pack_with_column(
            "{type: number, units: {元: 1, 万元: 10000, 千元: \"1000\"}, example: \"12.5\"}",
            "[[n], [n, d]]",
            "{flag: ok}",
        );
        let pack = Pack::parse(&text, "t.yaml").unwrap();
        let ds = &pack.datasets[0];
        assert_eq!(ds.unique, vec![vec![0], vec![0, 3]]);
        let x = &ds.columns[2];
        assert_eq!(
            x.units,
            vec![
                ("元".to_string(), crate::num::int(1)),
                ("万元".to_string(), crate::num::int(10_000)),
                ("千元".to_string(), crate::num::int(1_000)),
            ]
        );
        assert_eq!(x.example.as_deref(), Some("12.5"));
        let rated = pack_with_column(
            "{type: rating, empty: \"0\", valid_until: d}",
            "[]",
            "{flag: ok}",
        );
        assert_eq!(
            Pack::parse(&rated, "t.yaml").unwrap().datasets[0].columns[2].valid_until,
            Some(3)
        );
        let id = pack_with_column("{type: id_number}", "[[x]]", "{flag: ok}")
            .replace("d: {type: date}", "d: {type: date, derive: {from: x}}");
        let pack = Pack::parse(&id, "t.yaml").unwrap();
        assert_eq!(pack.datasets[0].columns[3].derive.as_ref().unwrap().from, 2);
    }

    /// `t.yaml:LINE:COL` of `needle` in line 10, the `x` column's line.
    fn at_x(x: &str, needle: &str) -> String {
        let line = format!("      x: {x}");
        format!(
            "t.yaml:10:{}",
            line[..line.find(needle).unwrap()].chars().count() + 1
        )
    }

    #[test]
    fn misused_column_options_name_their_place() {
        let x = "{type: text, units: {万元: 10000}}";
        assert_eq!(
            pack_error(x, "[]", "{flag: ok}"),
            format!(
                "invalid rule pack {}: dataset `p`, column `x`: `units` applies to int \
                 and number columns, not text",
                at_x(x, "{万元")
            )
        );
        let x = "{type: int, units: {万人: 很多}}";
        assert_eq!(
            pack_error(x, "[]", "{flag: ok}"),
            format!(
                "invalid rule pack {}: dataset `p`, column `x`: unit `万人`: factor `很多` \
                 is not a positive number",
                at_x(x, "{万人")
            )
        );
        let x = "{type: rating, valid_until: n}";
        assert_eq!(
            pack_error(x, "[]", "{flag: ok}"),
            format!(
                "invalid rule pack {}: dataset `p`, column `x`: `valid_until` must name \
                 a date column; `n` is not",
                at_x(x, "n}")
            )
        );
        let x = "{type: date, derive: {from: n}}";
        assert_eq!(
            pack_error(x, "[]", "{flag: ok}"),
            format!(
                "invalid rule pack {}: dataset `p`, column `x`: cannot derive a date \
                 column from `n` (text): a bool derives from a text column, a date from an \
                 id_number column",
                at_x(x, "n}")
            )
        );
        let e = pack_error("{type: text}", "[[n, nobody]]", "{flag: ok}");
        let col = "    unique: [[n, ".chars().count() + 1;
        assert!(
            e.starts_with(&format!(
                "invalid rule pack t.yaml:6:{col}: dataset `p` has no column `nobody`"
            )),
            "{e}"
        );
        // ID numbers are personal data: no rule may read (or group by) them.
        let e = pack_error(
            "{type: id_number}",
            "[]",
            "{one_of: {column: x, values: [a]}}",
        );
        assert!(
            e.contains("rule `p.ok`: column `x` is of type id_number, which this measure or condition cannot use"),
            "{e}"
        );
        let e = pack_error("{type: int, unit: {万人: 10000}}", "[]", "{flag: ok}");
        assert!(
            e.contains("unknown field `unit`") && e.contains("line 10"),
            "{e}"
        );
    }

    #[test]
    fn small_valid_pack_parses() {
        let text = pack_measuring("{flag: ok}", "{flag: ok}");
        assert_eq!(Pack::parse(&text, "t.yaml").unwrap().rules.len(), 1);
    }

    #[test]
    fn alias_bombs_are_stopped_by_the_budget() {
        // Each level repeats the one before ten times: 10^9 conditions if expanded.
        let mut anchors = String::from("{all: [&c0 {flag: ok}");
        for i in 1..10 {
            let prev = i - 1;
            anchors.push_str(&format!(
                ", &c{i} {{all: [{}]}}",
                vec![format!("*c{prev}"); 10].join(", ")
            ));
        }
        anchors.push_str("]}");
        let text = pack_measuring(&anchors, "{flag: ok}");
        let err = format!("{:#}", Pack::parse(&text, "bomb.yaml").unwrap_err());
        assert!(err.contains("bomb.yaml") && err.contains("budget"), "{err}");
    }

    #[test]
    fn deep_nesting_is_stopped_by_the_budget() {
        let deep = format!(
            "{}{{flag: ok}}{}",
            "{not: ".repeat(5_000),
            "}".repeat(5_000)
        );
        let text = pack_measuring("{flag: ok}", &deep);
        let err = format!("{:#}", Pack::parse(&text, "deep.yaml").unwrap_err());
        assert!(err.contains("deep.yaml") && err.contains("depth"), "{err}");
    }
}
