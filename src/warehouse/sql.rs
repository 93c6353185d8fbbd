//! The rule pack as one SQL query: per rule, period and group, the counts and
//! exact sums the engine's accumulators would hold after reading the same
//! rows from a file (README, "Checking data where it lives").
//!
//! The query is built from the pack's rule model, per column type, condition
//! and measure kind, so a new rule of an existing kind needs no Rust code.
//! Every column is read as text (`CAST(c AS TEXT)`): a typed BOOLEAN, DATE
//! or NUMERIC column prints in a form the CSV reader accepts, so typed and
//! text columns go through the same conversions, and a value that does not
//! convert is unknown (NULL), as in files. Conditions use SQL's three-valued
//! logic, which is the engine's: NULL is unknown, `AND`/`OR`/`NOT` agree.
//! Ages are turned into birth-date intervals here, in Rust, with the CLI's
//! own 周岁 function, so the database compares dates (as yyyymmdd integers)
//! and never computes an age.

use super::Dialect;
use crate::date;
use crate::input::value::{self, Value};
use crate::num::Rational;
use crate::pack::schema::ColumnType;
use crate::pack::{ColId, Condition, Dataset, Measure, Pack, Rule};
use crate::target::{Op, Target};
use chrono::{Datelike, NaiveDate};
use num_traits::{Signed, ToPrimitive};
use std::fmt::Write as _;

/// The result columns of the aggregates query, in order: the contract that
/// `check --aggregates` reads (README, "The aggregates contract").
pub const COLUMNS: [&str; 23] = [
    "kind",
    "dataset",
    "rule",
    "period",
    "group_name",
    "as_of",
    "rows",
    "cond_true",
    "cond_false",
    "cond_unknown",
    "maybe_true",
    "maybe_false",
    "maybe_unknown",
    "num_sum",
    "den_sum",
    "num_unknown",
    "den_unknown",
    "weight_value_unknown",
    "value_low",
    "value_high",
    "distinct_values",
    "value_unknown",
    "scope_unknown",
];

/// One dataset to query: where it lives, and which of its columns the table
/// has (optional columns — a derive source, an expiry date — are left out
/// when absent, as a file may lack them).
pub struct Source<'p> {
    pub dataset: usize,
    pub table: String,
    /// `None`: assume every column the rules need, and their helpers, exists.
    pub present: Option<Vec<String>>,
    pub pack: &'p Pack,
}

impl Source<'_> {
    fn has(&self, c: ColId) -> bool {
        let name = &self.pack.datasets[self.dataset].columns[c].name;
        self.present
            .as_ref()
            .is_none_or(|p| p.iter().any(|x| x == name))
    }
}

/// Every column a dataset's rules read, with the columns those depend on
/// (a bool's derive source, upper bounds; with `optional`, expiry dates and
/// the ID numbers birth dates derive from, which a table may lack) and the
/// period.
pub fn needed_columns(pack: &Pack, d: usize, optional: bool) -> Vec<ColId> {
    let dataset = &pack.datasets[d];
    let mut out: Vec<ColId> = Vec::new();
    let push = |c: ColId, out: &mut Vec<ColId>| {
        if !out.contains(&c) {
            out.push(c);
        }
    };
    // The key: every file must have it, and issues name rows by it.
    push(dataset.key, &mut out);
    if let Some(p) = dataset.period {
        push(p, &mut out);
    }
    for rule in pack.rules.iter().filter(|r| r.dataset == d) {
        for c in rule.columns() {
            push(c, &mut out);
        }
    }
    // Helpers of helpers: a bound's column may itself have an expiry.
    let mut i = 0;
    while i < out.len() {
        let col = &dataset.columns[out[i]];
        let derive = col
            .derive
            .as_ref()
            .filter(|_| col.kind == ColumnType::Bool || optional)
            .map(|d| d.from);
        let expires = col.valid_until.filter(|_| optional);
        for h in [derive, expires, col.at_most].into_iter().flatten() {
            push(h, &mut out);
        }
        i += 1;
    }
    out
}

/// Columns the rules themselves read (these must exist; helpers may not).
pub fn required_columns(pack: &Pack, d: usize) -> Vec<ColId> {
    let dataset = &pack.datasets[d];
    let mut out: Vec<ColId> = vec![dataset.key];
    out.extend(dataset.period);
    for rule in pack.rules.iter().filter(|r| r.dataset == d) {
        for c in rule.columns() {
            if !out.contains(&c) {
                out.push(c);
            }
        }
    }
    out
}

/// The aggregates query over `sources`, for ages and expiry dates on `as_of`.
pub fn aggregates_query(
    pack: &Pack,
    sources: &[Source<'_>],
    as_of: NaiveDate,
    d: Dialect,
) -> String {
    let mut ctes = Vec::new();
    let mut selects = Vec::new();
    for src in sources {
        let g = Gen {
            d,
            dataset: &pack.datasets[src.dataset],
            src,
            as_of,
        };
        ctes.extend(g.ctes());
        selects.push(g.rows_select());
        for rule in pack.rules.iter().filter(|r| r.dataset == src.dataset) {
            selects.extend(g.rule_selects(rule));
        }
    }
    finish(pack, as_of, &ctes, &selects, d)
}

/// The conversion layers of one dataset (`WITH …` without a final SELECT):
/// its last CTE, `rc_<dataset>_v`, holds the values conditions read.
pub fn with_clause(pack: &Pack, src: &Source<'_>, as_of: NaiveDate, d: Dialect) -> String {
    let g = Gen {
        d,
        dataset: &pack.datasets[src.dataset],
        src,
        as_of,
    };
    format!("WITH\n{}\n", g.ctes().join(",\n"))
}

fn finish(
    pack: &Pack,
    as_of: NaiveDate,
    ctes: &[String],
    selects: &[String],
    d: Dialect,
) -> String {
    let mut sql = String::new();
    let _ = writeln!(
        sql,
        "-- reformcheck {}: aggregates of rule pack {} on {as_of}.\n\
         -- Result columns: README, \"The aggregates contract\".",
        env!("CARGO_PKG_VERSION"),
        pack.id
    );
    if !ctes.is_empty() {
        sql.push_str("WITH\n");
        sql.push_str(&ctes.join(",\n"));
        sql.push('\n');
    }
    sql.push_str(&selects.join("\nUNION ALL\n"));
    // psql runs a statement at its semicolon; spark.sql takes one statement without.
    if d == Dialect::Postgres {
        sql.push(';');
    }
    sql.push('\n');
    sql
}

/// Per date column of an age or birth-date condition: a SQL test for a row
/// whose date was read but whose condition still depends on the day (a
/// month-only date on the month of the cutoff), the rows files report as
/// "month only".
pub fn undecided(
    pack: &Pack,
    src: &Source<'_>,
    as_of: NaiveDate,
    d: Dialect,
) -> Vec<(ColId, String)> {
    let g = Gen {
        d,
        dataset: &pack.datasets[src.dataset],
        src,
        as_of,
    };
    let mut out: Vec<(ColId, String)> = Vec::new();
    fn walk(g: &Gen<'_>, c: &Condition, out: &mut Vec<(ColId, String)>) {
        match c {
            Condition::All(cs) | Condition::Any(cs) => cs.iter().for_each(|c| walk(g, c, out)),
            Condition::Not(c) => walk(g, c, out),
            Condition::Age { column, .. } | Condition::BornOnOrAfter { column, .. } => {
                let test = format!(
                    "({} IS NOT NULL AND {} IS NULL)",
                    g.f("vlo", *column),
                    g.condition(c)
                );
                match out.iter_mut().find(|(x, _)| x == column) {
                    Some((_, t)) => *t = format!("{t} OR {test}"),
                    None => out.push((*column, test)),
                }
            }
            _ => {}
        }
    }
    for rule in pack.rules.iter().filter(|r| r.dataset == src.dataset) {
        if let Some(s) = &rule.scope {
            walk(&g, s, &mut out);
        }
        if let Measure::Share(c) = &rule.measure {
            walk(&g, c, &mut out);
        }
    }
    out
}

/// Builds one dataset's part of the query.
struct Gen<'a> {
    d: Dialect,
    dataset: &'a Dataset,
    src: &'a Source<'a>,
    as_of: NaiveDate,
}

/// Full-width forms (U+FF01–U+FF5E, U+3000, 。) and their half-width ones,
/// as `num::halfwidth` maps them.
fn halfwidth_pairs() -> (String, String) {
    let mut from = String::new();
    let mut to = String::new();
    for c in '\u{FF01}'..='\u{FF5E}' {
        from.push(c);
        to.push(crate::num::halfwidth_char(c));
    }
    from.push('\u{3000}');
    to.push(' ');
    from.push('。');
    to.push('.');
    (from, to)
}

impl Gen<'_> {
    fn q(&self, ident: &str) -> String {
        self.d.ident(ident)
    }

    /// A column's CTE field name with a prefix (`t_name`).
    fn f(&self, prefix: &str, c: ColId) -> String {
        self.q(&format!("{prefix}_{}", self.dataset.columns[c].name))
    }

    fn cte(&self, layer: &str) -> String {
        self.q(&format!("rc_{}_{layer}", self.dataset.name))
    }

    fn lit(&self, s: &str) -> String {
        self.d.string(s)
    }

    fn text(&self) -> &'static str {
        self.d.text_type()
    }

    /// Columns in this query: the needed ones the table has.
    fn columns(&self) -> Vec<ColId> {
        needed_columns(self.src.pack, self.src.dataset, self.src.present.is_some())
            .into_iter()
            .filter(|c| self.src.has(*c))
            .collect()
    }

    fn ctes(&self) -> Vec<String> {
        let cols = self.columns();
        let (fw, hw) = halfwidth_pairs();
        let text = self.text();
        // a: trimmed text (NULL when empty, or the column's `empty` value)
        // and its half-width form.
        let mut a = Vec::new();
        for &c in &cols {
            let col = &self.dataset.columns[c];
            let mut t = format!(
                "NULLIF(trim(BOTH {} FROM CAST({} AS {text})), '')",
                self.d.spaces(),
                self.q(&col.name)
            );
            if let Some(e) = &col.empty {
                t = format!("COALESCE({t}, {})", self.lit(e));
            }
            a.push(format!("{t} AS {}", self.f("t", c)));
            a.push(format!(
                "translate({t}, {}, {}) AS {}",
                self.lit(&fw),
                self.lit(&hw),
                self.f("h", c)
            ));
        }
        // Each layer is computed once (PostgreSQL would otherwise inline
        // a CTE and repeat its expressions wherever a later one names them).
        let mat = self.d.materialized();
        let a = format!(
            "{} AS {mat}(SELECT {} FROM {})",
            self.cte("a"),
            a.join(", "),
            self.d.table(&self.src.table)
        );
        let layer = |name: &str, from: &str, exprs: Vec<String>, mat: &str| {
            let mut all = vec!["*".to_string()];
            all.extend(exprs);
            format!(
                "{} AS {mat}(SELECT {} FROM {})",
                self.cte(name),
                all.join(", "),
                self.cte(from)
            )
        };
        // b: values read from text; c: checked against their type's range
        // (dates split into year, month, day); d: dates as yyyymmdd ranges,
        // bools derived from text; v: expiry and upper bounds applied.
        let b = layer(
            "b",
            "a",
            cols.iter().flat_map(|&c| self.parse(c)).collect(),
            mat,
        );
        let c3 = layer(
            "c",
            "b",
            cols.iter().flat_map(|&c| self.check(c)).collect(),
            mat,
        );
        let d4 = layer(
            "d",
            "c",
            cols.iter().flat_map(|&c| self.settle(c, &cols)).collect(),
            mat,
        );
        let mut v: Vec<String> = cols.iter().flat_map(|&c| self.finalize(c, &cols)).collect();
        if let Some(p) = self.dataset.period {
            let pv = self.f("q", p);
            v.push(format!(
                "CASE WHEN {pv} >= 1000 AND {pv} <= 9999 THEN CAST({pv} AS BIGINT) END AS rc_period"
            ));
        } else {
            v.push("CAST(NULL AS BIGINT) AS rc_period".into());
        }
        let v = layer("v", "d", v, "");
        vec![a, b, c3, d4, v]
    }

    /// A decimal ≥ 0 as the CSV reader accepts it (thousands in groups of
    /// three, `+`, `.5`), within what the dialect's exact type holds.
    fn decimal_pattern(&self) -> &'static str {
        match self.d {
            Dialect::Postgres => "^[+]?([0-9]+|[0-9]{1,3}(,[0-9]{3})+)?([.][0-9]*)?$",
            Dialect::Spark => "^[+]?([0-9]{1,22}|[0-9]{1,3}(,[0-9]{3}){1,6})?([.][0-9]{0,6})?$",
        }
    }

    /// `h` read as a decimal ≥ 0, or NULL.
    fn decimal(&self, h: &str) -> String {
        format!(
            "CASE WHEN {} AND {} THEN CAST(replace({h}, ',', '') AS {}) END",
            self.d.matches(h, self.decimal_pattern()),
            self.d.matches(h, "[0-9]"),
            self.d.num_type()
        )
    }

    fn parse(&self, c: ColId) -> Vec<String> {
        let col = &self.dataset.columns[c];
        let h = self.f("h", c);
        let t = self.f("t", c);
        let p = self.f("p", c);
        match col.kind {
            ColumnType::Text => vec![format!("{t} AS {p}")],
            ColumnType::IdNumber => vec![
                format!("{t} AS {p}"),
                format!("upper(replace({h}, ' ', '')) AS {}", self.f("idn", c)),
            ],
            ColumnType::Bool => {
                let yes = ["是", "y", "yes", "true", "1", "√", "✓", "✔", "有", "t"];
                let no = ["否", "n", "no", "false", "0", "×", "✗", "✘", "x", "无", "f"];
                let list = |xs: &[&str]| {
                    xs.iter()
                        .map(|x| self.lit(x))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                vec![format!(
                    "CASE WHEN lower({h}) IN ({}) THEN TRUE WHEN lower({h}) IN ({}) THEN FALSE END AS {p}",
                    list(&yes),
                    list(&no)
                )]
            }
            ColumnType::Int | ColumnType::Number => vec![format!("{} AS {p}", self.decimal(&h))],
            ColumnType::Rate => {
                let pct = format!("substr({h}, 1, length({h}) - 1)");
                let num = self.d.num_type();
                let v = format!(
                    "CASE WHEN {} AND {} THEN CAST(replace({pct}, ',', '') AS {num}) * {hundredth} \
                     WHEN {} AND {} THEN CAST(replace({h}, ',', '') AS {num}) END",
                    self.d.matches(&h, &format!("{}%$", self.decimal_pattern().trim_end_matches('$'))),
                    self.d.matches(&h, "[0-9]"),
                    self.d.matches(&h, self.decimal_pattern()),
                    self.d.matches(&h, "[0-9]"),
                    hundredth = self.d.hundredth(),
                );
                vec![format!("{v} AS {p}")]
            }
            ColumnType::Rating => {
                let u = format!("trim(TRAILING '级' FROM upper({h}))");
                let v = format!(
                    "CASE WHEN {} THEN length({u}) WHEN {} THEN CAST(substr({u}, 1, length({u}) - 1) AS BIGINT) \
                     WHEN {} THEN CAST({u} AS BIGINT) END",
                    self.d.matches(&u, "^A+$"),
                    self.d.matches(&u, "^[0-9]{1,9}A$"),
                    self.d.matches(&u, "^[0-9]{1,9}$"),
                );
                vec![format!("{v} AS {p}")]
            }
            ColumnType::Date => vec![
                // `1975.1`: January, or October whose 0 a number cell lost.
                format!(
                    "{} AS {}",
                    self.d.matches(&h, "^[0-9]{4}[.]1$"),
                    self.f("amb", c)
                ),
                format!(
                    "translate(trim(TRAILING '日号' FROM {h}), '/.年月', '----') AS {}",
                    self.f("n", c)
                ),
            ],
        }
    }

    /// Layer c: a value within its type's range (whole counts, rates in
    /// [0, 1], ratings up to 5A); dates as year, month and day.
    fn check(&self, c: ColId) -> Vec<String> {
        let col = &self.dataset.columns[c];
        let p = self.f("p", c);
        let q = self.f("q", c);
        match col.kind {
            ColumnType::Int => vec![format!("CASE WHEN {p} = floor({p}) THEN {p} END AS {q}")],
            ColumnType::Rate => vec![format!(
                "CASE WHEN {p} <= 1 THEN CAST({p} AS {}) END AS {q}",
                self.d.rate_type()
            )],
            ColumnType::Rating => vec![format!(
                "CASE WHEN {p} <= 5 THEN CAST({p} AS {}) END AS {q}",
                self.d.num_type()
            )],
            ColumnType::Date => {
                let amb = self.f("amb", c);
                let n = self.f("n", c);
                let full = "^([0-9]{4})-([0-9]{1,4})(-([0-9]{0,4}))?$";
                let digits8 = self.d.matches(&n, "^[0-9]{8}$");
                let digits6 = self.d.matches(&n, "^[0-9]{6}$");
                let parts = self.d.matches(&n, full);
                let int = |e: String| format!("CAST({e} AS BIGINT)");
                let y = format!(
                    "CASE WHEN {amb} THEN NULL WHEN {digits8} OR {digits6} THEN {} WHEN {parts} THEN {} END",
                    int(format!("substr({n}, 1, 4)")),
                    int(self.d.group(&n, full, 1))
                );
                let m = format!(
                    "CASE WHEN {amb} THEN NULL WHEN {digits8} OR {digits6} THEN {} WHEN {parts} THEN {} END",
                    int(format!("substr({n}, 5, 2)")),
                    int(self.d.group(&n, full, 2))
                );
                let day = format!(
                    "CASE WHEN {amb} THEN NULL WHEN {digits8} THEN {} WHEN {digits6} THEN NULL WHEN {parts} THEN {} END",
                    int(format!("substr({n}, 7, 2)")),
                    int(format!("NULLIF({}, '')", self.d.group(&n, full, 4)))
                );
                vec![
                    format!("{y} AS {}", self.f("y", c)),
                    format!("{m} AS {}", self.f("m", c)),
                    format!("{day} AS {}", self.f("d", c)),
                ]
            }
            ColumnType::IdNumber => {
                let n = self.f("idn", c);
                let digit = |i: usize| format!("CAST(substr({n}, {i}, 1) AS BIGINT)");
                let sum = ID_WEIGHTS
                    .iter()
                    .enumerate()
                    .map(|(i, w)| format!("{} * {w}", digit(i + 1)))
                    .collect::<Vec<_>>()
                    .join(" + ");
                // The check digit is worked out only where the digits are there.
                let ok18 = format!(
                    "(CASE WHEN {} THEN substr('10X98765432', CAST(({sum}) % 11 AS INT) + 1, 1) = substr({n}, 18, 1) \
                     ELSE FALSE END)",
                    self.d.matches(&n, "^[0-9]{17}[0-9X]$")
                );
                let ok15 = self.d.matches(&n, "^[0-9]{15}$");
                let part = |at18: usize, at15: usize, len: usize, base: &str| {
                    format!(
                        "CASE WHEN {ok18} THEN CAST(substr({n}, {at18}, {len}) AS BIGINT) \
                         WHEN {ok15} THEN {base}CAST(substr({n}, {at15}, {}) AS BIGINT) END",
                        if base.is_empty() { len } else { 2 }
                    )
                };
                vec![
                    format!("{p} AS {q}"),
                    format!("{} AS {}", part(7, 7, 4, "1900 + "), self.f("iy", c)),
                    format!("{} AS {}", part(11, 9, 2, ""), self.f("im", c)),
                    format!("{} AS {}", part(13, 11, 2, ""), self.f("iday", c)),
                ]
            }
            _ => vec![format!("{p} AS {q}")],
        }
    }

    /// Layer d: date ranges, and bools derived from a text column.
    fn settle(&self, c: ColId, cols: &[ColId]) -> Vec<String> {
        let col = &self.dataset.columns[c];
        match col.kind {
            ColumnType::Date => {
                let (y, m, d) = (self.f("y", c), self.f("m", c), self.f("d", c));
                let dim = days_in_month(&y, &m);
                let valid = valid_date(&y, &m, &d, true);
                vec![
                    format!(
                        "CASE WHEN {valid} THEN {y} * 10000 + {m} * 100 + COALESCE({d}, 1) END AS {}",
                        self.f("lo", c)
                    ),
                    format!(
                        "CASE WHEN {valid} THEN {y} * 10000 + {m} * 100 + COALESCE({d}, {dim}) END AS {}",
                        self.f("hi", c)
                    ),
                ]
            }
            ColumnType::Bool => {
                let p = self.f("q", c);
                let v = match &col.derive {
                    Some(dv) if cols.contains(&dv.from) => {
                        let list = |xs: &[String]| {
                            if xs.is_empty() {
                                "FALSE".to_string()
                            } else {
                                format!(
                                    "{} IN ({})",
                                    self.f("h", dv.from),
                                    xs.iter()
                                        .map(|x| self.lit(x))
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                )
                            }
                        };
                        // The explicit cell when filled, else from the source's value.
                        format!(
                            "CASE WHEN {} IS NOT NULL THEN {p} WHEN {} THEN TRUE WHEN {} THEN FALSE END",
                            self.f("t", c),
                            list(&dv.when_true),
                            list(&dv.when_false)
                        )
                    }
                    _ => p,
                };
                vec![format!("{v} AS {}", self.f("s", c))]
            }
            ColumnType::IdNumber => {
                let (y, m, d) = (self.f("iy", c), self.f("im", c), self.f("iday", c));
                vec![
                    format!("{} AS {}", self.f("q", c), self.f("s", c)),
                    format!(
                        "CASE WHEN {} THEN {y} * 10000 + {m} * 100 + {d} END AS {}",
                        valid_date(&y, &m, &d, false),
                        self.f("ib", c)
                    ),
                ]
            }
            _ => vec![format!("{} AS {}", self.f("q", c), self.f("s", c))],
        }
    }

    /// Layer v: a value past its `valid_until` date is the column's empty
    /// value (or unknown), an unreadable expiry date makes it unknown; a
    /// value above its `at_most` column is unknown.
    fn finalize(&self, c: ColId, cols: &[ColId]) -> Vec<String> {
        let col = &self.dataset.columns[c];
        if col.kind == ColumnType::Date {
            let (lo, hi) = (self.f("lo", c), self.f("hi", c));
            let from_id = col.derive.as_ref().map(|d| d.from).filter(|f| {
                cols.contains(f) && self.dataset.columns[*f].kind == ColumnType::IdNumber
            });
            let Some(id) = from_id else {
                return vec![
                    format!("{lo} AS {}", self.f("vlo", c)),
                    format!("{hi} AS {}", self.f("vhi", c)),
                ];
            };
            // As the reader does: an empty date is the ID number's; one that
            // agrees with it (a month-only one, or `1975.1` for January or
            // October) takes its day; one that disagrees is unknown.
            let ib = self.f("ib", id);
            let (iy, im) = (self.f("iy", id), self.f("im", id));
            let (y, m, d) = (self.f("y", c), self.f("m", c), self.f("d", c));
            let settled = |own: &str| {
                format!(
                    "CASE WHEN {ib} IS NULL THEN {own} WHEN {t} IS NULL THEN {ib} \
                     WHEN {amb} THEN CASE WHEN CAST(substr({n}, 1, 4) AS BIGINT) = {iy} AND {im} IN (1, 10) THEN {ib} END \
                     WHEN {lo} IS NULL THEN NULL \
                     WHEN {y} = {iy} AND {m} = {im} AND ({d} IS NULL OR {d} = {iday}) THEN {ib} END",
                    t = self.f("t", c),
                    amb = self.f("amb", c),
                    n = self.f("n", c),
                    iday = self.f("iday", id),
                )
            };
            return vec![
                format!("{} AS {}", settled(&lo), self.f("vlo", c)),
                format!("{} AS {}", settled(&hi), self.f("vhi", c)),
            ];
        }
        let mut v = self.f("s", c);
        if let Some(u) = col.valid_until.filter(|u| cols.contains(u)) {
            let empty = col
                .empty
                .as_deref()
                .and_then(|e| value::parse(col.kind, e).ok())
                .and_then(|e| self.value_literal(&e))
                .unwrap_or_else(|| "NULL".into());
            v = format!(
                "CASE WHEN {v} IS NULL THEN NULL WHEN {hi} IS NOT NULL AND {hi} < {asof} THEN {empty} \
                 WHEN {hi} IS NULL AND {tu} IS NOT NULL THEN NULL ELSE {v} END",
                hi = self.f("hi", u),
                asof = yyyymmdd(self.as_of),
                tu = self.f("t", u),
            );
        }
        if let Some(m) = col.at_most.filter(|m| cols.contains(m)) {
            v = format!(
                "CASE WHEN {v} > {mv} THEN NULL ELSE {v} END",
                mv = self.bounded(m, cols)
            );
        }
        vec![format!("{v} AS {}", self.f("v", c))]
    }

    /// The bound column's value after its own expiry (not its own bound).
    fn bounded(&self, m: ColId, _cols: &[ColId]) -> String {
        self.f("s", m)
    }

    fn value_literal(&self, v: &Value) -> Option<String> {
        match v {
            Value::Num(n) => Some(format!(
                "CAST({} AS {})",
                decimal_text(n)?,
                self.d.num_type()
            )),
            Value::Bool(b) => Some(if *b { "TRUE" } else { "FALSE" }.into()),
            Value::Text(t) => Some(self.lit(t)),
            Value::Date(_) => None,
        }
    }

    /// Rows per period: which periods exist, and that the table is not empty.
    fn rows_select(&self) -> String {
        let mut cols = self.fixed("rows", None, "rc_period", "CAST(NULL AS TEXT_T)");
        cols.push(format!("CAST(count(*) AS {}) AS rows", self.text()));
        for name in &COLUMNS[7..] {
            cols.push(format!("CAST(NULL AS {}) AS {name}", self.text()));
        }
        let filter = if self.dataset.period.is_some() {
            " WHERE rc_period IS NOT NULL"
        } else {
            ""
        };
        format!(
            "SELECT {} FROM {}{filter} GROUP BY rc_period",
            cols.join(", ").replace("TEXT_T", self.text()),
            self.cte("v")
        )
    }

    /// kind, dataset, rule, period, group_name, as_of.
    fn fixed(&self, kind: &str, rule: Option<&str>, period: &str, group: &str) -> Vec<String> {
        let text = self.text();
        vec![
            format!("{} AS kind", self.lit(kind)),
            format!("{} AS dataset", self.lit(&self.dataset.name)),
            match rule {
                Some(r) => format!("{} AS rule", self.lit(r)),
                None => format!("CAST(NULL AS {text}) AS rule"),
            },
            format!("CAST({period} AS {text}) AS period"),
            format!("{group} AS group_name"),
            format!("{} AS as_of", self.lit(&self.as_of.to_string())),
        ]
    }

    /// The rule's SELECTs: per group (rows whose group is unknown count for
    /// no group), and the pooled total or the one ungrouped result.
    fn rule_selects(&self, rule: &Rule) -> Vec<String> {
        let text = self.text();
        let scope = rule
            .scope
            .as_ref()
            .map(|s| self.condition(s))
            .unwrap_or_else(|| "TRUE".into());
        let cond = match &rule.measure {
            Measure::Share(c) => self.condition(c),
            _ => "TRUE".into(),
        };
        let (x, y) = match &rule.measure {
            Measure::Share(_) => (
                "CAST(NULL AS BIGINT)".to_string(),
                "CAST(NULL AS BIGINT)".to_string(),
            ),
            Measure::Ratio {
                numerator,
                denominator,
            } => (self.f("v", *numerator), self.f("v", *denominator)),
            Measure::Weighted { value, weight } => (self.f("v", *value), self.f("v", *weight)),
            Measure::Distinct(c) => (self.distinct_key(*c), "CAST(NULL AS BIGINT)".to_string()),
        };
        let group = match rule.group_by {
            Some(g)
                if matches!(
                    self.dataset.columns[g].kind,
                    ColumnType::Text | ColumnType::IdNumber
                ) =>
            {
                self.f("v", g)
            }
            _ => format!("CAST(NULL AS {text})"),
        };
        let inner = format!(
            "SELECT rc_period, {group} AS rc_group, {scope} AS rc_s, COALESCE({scope}, FALSE) AS rc_cs, \
             {cond} AS rc_c, {x} AS rc_x, {y} AS rc_y FROM {}",
            self.cte("v")
        );
        let period_filter = if self.dataset.period.is_some() {
            " AND rc_period IS NOT NULL"
        } else {
            ""
        };
        let measures = self.measures(rule);
        // Rows of groups the rule does not address count for no total (as in files).
        let not_addressed = match (&rule.not_for, rule.group_by) {
            (Some((names, _)), Some(_)) if !names.is_empty() => format!(
                " AND (rc_group IS NULL OR rc_group NOT IN ({}))",
                names
                    .iter()
                    .map(|n| self.lit(n))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            _ => String::new(),
        };
        let mut out = Vec::new();
        let mut one = |grouped: bool| {
            let mut cols = self.fixed(
                "rule",
                Some(&rule.id),
                "rc_period",
                if grouped {
                    "rc_group"
                } else {
                    "CAST(NULL AS TEXT_T)"
                },
            );
            cols.extend(measures.iter().cloned());
            let (filter, by) = if grouped {
                (
                    " AND rc_group IS NOT NULL".to_string(),
                    "rc_period, rc_group",
                )
            } else {
                (not_addressed.clone(), "rc_period")
            };
            out.push(format!(
                "SELECT {} FROM ({inner}) rc_r WHERE (rc_s IS NULL OR rc_s){period_filter}{filter} GROUP BY {by}",
                cols.join(", ").replace("TEXT_T", text)
            ));
        };
        match rule.group_by {
            Some(_) => {
                one(true);
                if rule.total {
                    one(false);
                }
            }
            None => one(false),
        }
        out
    }

    /// The aggregate columns from `rows` on, as text.
    fn measures(&self, rule: &Rule) -> Vec<String> {
        let text = self.text();
        let count = |cond: &str| format!("CAST(sum(CASE WHEN {cond} THEN 1 ELSE 0 END) AS {text})");
        let sum = |cond: &str, v: &str| {
            format!("CAST(COALESCE(sum(CASE WHEN {cond} THEN {v} END), 0) AS {text})")
        };
        let null = format!("CAST(NULL AS {text})");
        let mut m: Vec<String> = COLUMNS[6..].iter().map(|_| null.clone()).collect();
        let set = |m: &mut Vec<String>, name: &str, e: String| {
            if let Some(i) = COLUMNS[6..].iter().position(|c| *c == name) {
                m[i] = e;
            }
        };
        match &rule.measure {
            Measure::Share(_) => {
                set(&mut m, "rows", format!("CAST(count(*) AS {text})"));
                set(&mut m, "cond_true", count("rc_s AND rc_c"));
                set(&mut m, "cond_false", count("rc_s AND NOT rc_c"));
                set(&mut m, "cond_unknown", count("rc_s AND rc_c IS NULL"));
                set(&mut m, "maybe_true", count("rc_s IS NULL AND rc_c"));
                set(&mut m, "maybe_false", count("rc_s IS NULL AND NOT rc_c"));
                set(
                    &mut m,
                    "maybe_unknown",
                    count("rc_s IS NULL AND rc_c IS NULL"),
                );
            }
            Measure::Ratio { .. } => {
                set(&mut m, "rows", format!("CAST(count(*) AS {text})"));
                set(&mut m, "num_sum", sum("rc_cs AND rc_x IS NOT NULL", "rc_x"));
                set(&mut m, "den_sum", sum("rc_cs AND rc_y IS NOT NULL", "rc_y"));
                set(
                    &mut m,
                    "num_unknown",
                    count("NOT (rc_cs AND rc_x IS NOT NULL)"),
                );
                set(
                    &mut m,
                    "den_unknown",
                    count("NOT (rc_cs AND rc_y IS NOT NULL)"),
                );
            }
            Measure::Weighted { .. } => {
                let both = "rc_cs AND rc_x IS NOT NULL AND rc_y IS NOT NULL";
                let loose = "NOT (rc_cs AND rc_y IS NOT NULL)";
                set(&mut m, "rows", format!("CAST(count(*) AS {text})"));
                set(&mut m, "num_sum", sum(both, "rc_x * rc_y"));
                set(&mut m, "den_sum", sum(both, "rc_y"));
                set(
                    &mut m,
                    "weight_value_unknown",
                    sum("rc_cs AND rc_x IS NULL AND rc_y IS NOT NULL", "rc_y"),
                );
                set(
                    &mut m,
                    "value_low",
                    format!("CAST(min(CASE WHEN {loose} THEN COALESCE(rc_x, 0) END) AS {text})"),
                );
                set(
                    &mut m,
                    "value_high",
                    format!("CAST(max(CASE WHEN {loose} THEN COALESCE(rc_x, 1) END) AS {text})"),
                );
                set(&mut m, "value_unknown", count(&format!("NOT ({both})")));
            }
            Measure::Distinct(_) => {
                set(&mut m, "rows", count("rc_cs"));
                set(
                    &mut m,
                    "distinct_values",
                    format!(
                        "CAST(count(DISTINCT CASE WHEN rc_cs AND rc_x IS NOT NULL THEN rc_x END) AS {text})"
                    ),
                );
                set(&mut m, "value_unknown", count("rc_cs AND rc_x IS NULL"));
                set(&mut m, "scope_unknown", count("rc_s IS NULL"));
            }
        }
        COLUMNS[6..]
            .iter()
            .zip(m)
            .map(|(name, e)| format!("{e} AS {name}"))
            .collect()
    }

    /// What makes two values of a column equal for `distinct`: text in its
    /// half-width form, other values as themselves.
    fn distinct_key(&self, c: ColId) -> String {
        let col = &self.dataset.columns[c];
        let text = self.text();
        match col.kind {
            ColumnType::Text | ColumnType::IdNumber => {
                let (fw, hw) = halfwidth_pairs();
                format!("translate({}, {}, {})", self.f("v", c), self.lit(&fw), self.lit(&hw))
            }
            ColumnType::Date => format!(
                "CASE WHEN {lo} IS NOT NULL THEN concat(CAST({lo} AS {text}), '-', CAST({hi} AS {text})) END",
                lo = self.f("vlo", c),
                hi = self.f("vhi", c)
            ),
            _ => format!("CAST({} AS {text})", self.f("v", c)),
        }
    }

    /// A condition as a three-valued SQL boolean (NULL: unknown).
    fn condition(&self, cond: &Condition) -> String {
        match cond {
            Condition::Flag(c) => self.f("v", *c),
            Condition::All(cs) if cs.is_empty() => "TRUE".into(),
            Condition::Any(cs) if cs.is_empty() => "FALSE".into(),
            Condition::All(cs) => format!(
                "({})",
                cs.iter()
                    .map(|c| self.condition(c))
                    .collect::<Vec<_>>()
                    .join(" AND ")
            ),
            Condition::Any(cs) => format!(
                "({})",
                cs.iter()
                    .map(|c| self.condition(c))
                    .collect::<Vec<_>>()
                    .join(" OR ")
            ),
            Condition::Not(c) => format!("(NOT {})", self.condition(c)),
            Condition::OneOf { column, values } => {
                if values.is_empty() {
                    return format!(
                        "CASE WHEN {} IS NOT NULL THEN FALSE END",
                        self.f("v", *column)
                    );
                }
                format!(
                    "({} IN ({}))",
                    self.f("v", *column),
                    values
                        .iter()
                        .map(|v| self.lit(v))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
            Condition::Compare { column, target } => compare(&self.f("v", *column), target),
            Condition::Age { column, target } => {
                let interval = birth_interval(target, self.as_of);
                self.in_interval(*column, interval)
            }
            Condition::BornOnOrAfter { column, date } => {
                self.in_interval(*column, Some((yyyymmdd(*date), 99_991_231)))
            }
        }
    }

    /// True when every day a (possibly month-only) date may stand for lies in
    /// `[lo, hi]`, false when none does, else unknown.
    fn in_interval(&self, c: ColId, interval: Option<(i64, i64)>) -> String {
        let (lo, hi) = (self.f("vlo", c), self.f("vhi", c));
        match interval {
            None => format!("CASE WHEN {lo} IS NOT NULL THEN FALSE END"),
            Some((l, u)) => format!(
                "CASE WHEN {lo} IS NULL THEN NULL WHEN {lo} >= {l} AND {hi} <= {u} THEN TRUE \
                 WHEN {hi} < {l} OR {lo} > {u} THEN FALSE END"
            ),
        }
    }
}

/// ID-number check-digit weights (GB 11643-1999).
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// Days in month `m` of year `y` (SQL integers).
fn days_in_month(y: &str, m: &str) -> String {
    format!(
        "CASE WHEN {m} = 2 THEN CASE WHEN ({y} % 4 = 0 AND {y} % 100 <> 0) OR {y} % 400 = 0 \
         THEN 29 ELSE 28 END WHEN {m} IN (4, 6, 9, 11) THEN 30 ELSE 31 END"
    )
}

/// Is `y-m-d` a calendar day (or, with `month_only`, `y-m` with no day)?
fn valid_date(y: &str, m: &str, d: &str, month_only: bool) -> String {
    let day = format!("({d} >= 1 AND {d} <= {})", days_in_month(y, m));
    let day = if month_only {
        format!("({d} IS NULL OR {day})")
    } else {
        day
    };
    format!("({y} >= 1000 AND {y} <= 9999 AND {m} >= 1 AND {m} <= 12 AND {day})")
}

/// `x op target` exactly: `x × denominator op numerator`, integers only.
fn compare(x: &str, target: &Target) -> String {
    let v = &target.value;
    let op = target.op.ascii();
    let op = if op == "=" { "=" } else { op };
    if v.is_integer() {
        format!("({x} {op} {})", v.numer())
    } else {
        format!("({x} * {} {op} {})", v.denom(), v.numer())
    }
}

/// A date as the integer yyyymmdd.
pub fn yyyymmdd(d: NaiveDate) -> i64 {
    i64::from(d.year()) * 10_000 + i64::from(d.month()) * 100 + i64::from(d.day())
}

/// Birth dates (as yyyymmdd, inclusive) of people whose 周岁 age on `as_of`
/// meets `target`, worked out with the CLI's own [`date::age_on`]; `None`
/// when no birth date does. Ages fall as birth dates rise, so the ages that
/// meet a one-sided or exact target are one run of whole numbers, and their
/// birth dates one interval.
pub fn birth_interval(target: &Target, as_of: NaiveDate) -> Option<(i64, i64)> {
    let first = NaiveDate::from_ymd_opt(1000, 1, 1)?;
    let last = NaiveDate::from_ymd_opt(9999, 12, 31)?;
    let age = |b: NaiveDate| date::age_on(b, as_of);
    let (oldest, youngest) = (age(first), age(last));
    let v = &target.value;
    let int = |x: num_bigint::BigInt| x.to_i64();
    let floor = int(v.floor().to_integer())?;
    let ceil = int(v.ceil().to_integer())?;
    let (amin, amax) = match target.op {
        Op::Ge => (ceil, oldest),
        Op::Gt => (floor + 1, oldest),
        Op::Le => (youngest, floor),
        Op::Lt => (youngest, ceil - 1),
        Op::Eq if v.is_integer() => (floor, floor),
        Op::Eq => return None,
    };
    let (amin, amax) = (amin.max(youngest), amax.min(oldest));
    if amin > amax {
        return None;
    }
    // Earliest birth date whose age is ≤ amax; latest whose age is ≥ amin.
    let l = search(first, last, |b| age(b) <= amax);
    let u = search_last(first, last, |b| age(b) >= amin)?;
    let l = l?;
    (l <= u).then(|| (yyyymmdd(l), yyyymmdd(u)))
}

/// The first day in [first, last] where a monotone predicate turns true.
fn search(first: NaiveDate, last: NaiveDate, p: impl Fn(NaiveDate) -> bool) -> Option<NaiveDate> {
    let (mut lo, mut hi) = (first.num_days_from_ce(), last.num_days_from_ce());
    if !p(last) {
        return None;
    }
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if p(NaiveDate::from_num_days_from_ce_opt(mid)?) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    NaiveDate::from_num_days_from_ce_opt(lo)
}

/// The last day in [first, last] where a predicate true then false still holds.
fn search_last(
    first: NaiveDate,
    last: NaiveDate,
    p: impl Fn(NaiveDate) -> bool,
) -> Option<NaiveDate> {
    let (mut lo, mut hi) = (first.num_days_from_ce(), last.num_days_from_ce());
    if !p(first) {
        return None;
    }
    while lo < hi {
        let mid = lo + (hi - lo + 1) / 2;
        if p(NaiveDate::from_num_days_from_ce_opt(mid)?) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    NaiveDate::from_num_days_from_ce_opt(lo)
}

/// A rational with a terminating decimal expansion, written exactly.
fn decimal_text(n: &Rational) -> Option<String> {
    if n.is_negative() {
        return None;
    }
    let mut scale = 0u32;
    let mut x = n.clone();
    while !x.is_integer() {
        x *= crate::num::int(10);
        scale += 1;
        if scale > 30 {
            return None;
        }
    }
    let digits = x.to_integer().to_string();
    if scale == 0 {
        return Some(digits);
    }
    let s = scale as usize;
    let padded = format!("{digits:0>width$}", width = s + 1);
    let (a, b) = padded.split_at(padded.len() - s);
    Some(format!("{a}.{b}"))
}
