//! Checking data where it lives: the rule pack as SQL (`reformcheck sql`),
//! run over a PostgreSQL connection (`check --db`), or its result read back
//! from a file (`check --aggregates`). Either way the aggregates become the
//! engine's measured values and go through the same decision code as files
//! ([`crate::engine::rule_results`]).

pub mod aggregates;
pub mod pg;
pub mod sql;

use crate::pack::Pack;
use crate::tr;
use anyhow::{bail, Result};

/// SQL dialects the query is written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Dialect {
    /// PostgreSQL and the databases that speak its dialect.
    Postgres,
    /// Spark SQL (and Hive-compatible engines through it).
    Spark,
}

impl Dialect {
    /// A quoted identifier.
    pub fn ident(self, s: &str) -> String {
        match self {
            Dialect::Postgres => format!("\"{}\"", s.replace('"', "\"\"")),
            Dialect::Spark => format!("`{}`", s.replace('`', "``")),
        }
    }

    /// The whitespace trimmed from cells, as a literal (the common characters
    /// of `char::is_whitespace`, written as escapes).
    pub fn spaces(self) -> &'static str {
        match self {
            Dialect::Postgres => "E' \\t\\r\\n\\u3000\\u00A0\\uFEFF'",
            Dialect::Spark => "' \\t\\r\\n\\u3000\\u00A0\\uFEFF'",
        }
    }

    /// Keeps PostgreSQL from inlining a CTE (and repeating its expressions).
    pub fn materialized(self) -> &'static str {
        match self {
            Dialect::Postgres => "MATERIALIZED ",
            Dialect::Spark => "",
        }
    }

    /// A string literal.
    pub fn string(self, s: &str) -> String {
        match self {
            Dialect::Postgres => format!("'{}'", s.replace('\'', "''")),
            Dialect::Spark => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
        }
    }

    pub fn text_type(self) -> &'static str {
        match self {
            Dialect::Postgres => "TEXT",
            Dialect::Spark => "STRING",
        }
    }

    /// Exact numbers: counts and amounts. Spark's DECIMAL holds 38 digits, so
    /// values keep 22 before and 6 after the point (others are unknown).
    pub fn num_type(self) -> &'static str {
        match self {
            Dialect::Postgres => "NUMERIC",
            Dialect::Spark => "DECIMAL(28,6)",
        }
    }

    /// Exact rates in [0, 1]: rate × weight stays within 38 digits in Spark.
    pub fn rate_type(self) -> &'static str {
        match self {
            Dialect::Postgres => "NUMERIC",
            Dialect::Spark => "DECIMAL(9,8)",
        }
    }

    /// 0.01, typed so that a percentage times it stays exact.
    pub fn hundredth(self) -> &'static str {
        match self {
            Dialect::Postgres => "0.01",
            Dialect::Spark => "CAST(0.01 AS DECIMAL(3,2))",
        }
    }

    /// Does `expr` match the regular expression (no backslashes in it)?
    pub fn matches(self, expr: &str, pattern: &str) -> String {
        match self {
            Dialect::Postgres => format!("({expr} ~ {})", self.string(pattern)),
            Dialect::Spark => format!("({expr} RLIKE {})", self.string(pattern)),
        }
    }

    /// Capture group `n` of `pattern` in `expr` (used only where it matches).
    pub fn group(self, expr: &str, pattern: &str, n: usize) -> String {
        match self {
            Dialect::Postgres => format!("(regexp_match({expr}, {}))[{n}]", self.string(pattern)),
            Dialect::Spark => format!("regexp_extract({expr}, {}, {n})", self.string(pattern)),
        }
    }

    /// `schema.table` with each part quoted.
    pub fn table(self, name: &str) -> String {
        name.split('.')
            .map(|p| self.ident(p))
            .collect::<Vec<_>>()
            .join(".")
    }
}

/// `--table DATASET=TABLE` bindings: every dataset given, or, without any,
/// every dataset of the pack under its own name (`explicit` false).
pub struct Tables {
    pub tables: Vec<(usize, String)>,
    pub explicit: bool,
}

impl Tables {
    pub fn parse(pack: &Pack, args: &[String]) -> Result<Tables> {
        let mut tables: Vec<(usize, String)> = Vec::new();
        for a in args {
            let Some((ds, table)) = a.split_once('=') else {
                bail!(tr!(
                    "--table {}：应写成 数据集=表名，例如 --table delegates=kx.delegates",
                    "--table {}: write DATASET=TABLE, e.g. --table delegates=kx.delegates",
                    a
                ));
            };
            let (ds, table) = (ds.trim(), table.trim());
            let Some(d) = pack.dataset(ds) else {
                bail!(tr!(
                    "--table {}：规则包中没有数据集“{}”（可用：{}）",
                    "--table {}: the rule pack has no dataset `{}` (datasets: {})",
                    a,
                    ds,
                    dataset_names(pack)
                ));
            };
            if !valid_table(table) {
                bail!(tr!(
                    "--table {}：表名“{}”无效：请写成 表名 或 模式.表名（不含引号、空格）",
                    "--table {}: `{}` is not a table name: write TABLE or SCHEMA.TABLE (no quotes or spaces)",
                    a,
                    table
                ));
            }
            if tables.iter().any(|(x, _)| *x == d) {
                bail!(tr!(
                    "--table {}：数据集“{}”指定了两次",
                    "--table {}: dataset `{}` is given twice",
                    a,
                    ds
                ));
            }
            tables.push((d, table.to_string()));
        }
        let explicit = !tables.is_empty();
        if !explicit {
            for (d, dataset) in pack.datasets.iter().enumerate() {
                if pack.rules.iter().any(|r| r.dataset == d) {
                    tables.push((d, dataset.name.clone()));
                }
            }
        }
        tables.sort_by_key(|(d, _)| *d);
        Ok(Tables { tables, explicit })
    }
}

fn valid_table(t: &str) -> bool {
    !t.is_empty()
        && t.split('.').count() <= 3
        && t.split('.').all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| !c.is_whitespace() && !c.is_control() && !"\"`'".contains(c))
        })
}

fn dataset_names(pack: &Pack) -> String {
    pack.datasets
        .iter()
        .map(|d| d.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `reformcheck sql`: the aggregates query for every bound dataset.
pub fn query(pack: &Pack, tables: &Tables, as_of: chrono::NaiveDate, d: Dialect) -> String {
    let sources: Vec<sql::Source<'_>> = tables
        .tables
        .iter()
        .map(|(ds, t)| sql::Source {
            dataset: *ds,
            table: t.clone(),
            present: None,
            pack,
        })
        .collect();
    sql::aggregates_query(pack, &sources, as_of, d)
}

/// `reformcheck sql`.
pub fn sql_command(
    args: crate::cli::SqlArgs,
    env: crate::Env,
    out: &mut dyn std::io::Write,
) -> Result<u8> {
    let pack = Pack::load(args.rules.as_deref())?;
    let tables = Tables::parse(&pack, &args.table)?;
    let text = query(
        &pack,
        &tables,
        args.as_of.unwrap_or(env.today),
        args.dialect,
    );
    crate::emit(out, &text)?;
    Ok(0)
}

/// The reference date of a warehouse check: `--as-of`, else the date an
/// aggregates file was computed on (ages in it are fixed to that date).
pub fn as_of(args: &crate::cli::CheckArgs) -> Result<Option<chrono::NaiveDate>> {
    if args.as_of.is_some() {
        return Ok(args.as_of);
    }
    match &args.aggregates {
        Some(path) => Ok(aggregates::as_of_in(&aggregates::read_csv(path)?)),
        None => Ok(None),
    }
}

/// `check --db` or `check --aggregates`.
pub fn check(
    pack: &Pack,
    args: &crate::cli::CheckArgs,
    opts: &crate::engine::CheckOptions,
) -> Result<crate::report::Report> {
    if !args.explain.is_empty() || args.show_failing.is_some() {
        bail!(tr!(
            "--explain 和 --show-failing 需要逐行读取文件，不能与 --db 或 --aggregates 同用：数据库中请用 SQL 查询这些行",
            "--explain and --show-failing list rows read from files; they do not work with --db or --aggregates: query those rows in the database"
        ));
    }
    if let Some(url) = &args.db {
        let tables = Tables::parse(pack, &args.table)?;
        return pg::check(pack, url, &tables, opts);
    }
    let Some(path) = &args.aggregates else {
        bail!(tr!(
            "请指定 --db 或 --aggregates",
            "give --db or --aggregates"
        ));
    };
    let records = aggregates::read_csv(path)?;
    let name = path.display().to_string();
    let queried = aggregates::datasets_in(pack, &records, &name)?;
    aggregates::report(
        pack,
        &records,
        &queried,
        opts,
        Vec::new(),
        &aggregates::Origin { name: &name },
    )
}

#[cfg(test)]
mod tests;
