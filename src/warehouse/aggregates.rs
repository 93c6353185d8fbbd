//! The aggregates query's result rows → the engine's measured values → the
//! report, through the same decision code as files.

use super::sql::COLUMNS;
use crate::engine::{self, Acc, CheckOptions};
use crate::num::Rational;
use crate::pack::schema::ColumnType;
use crate::pack::{Measure, Pack, Rule};
use crate::report::{Issue, Reason, Report, SourceInfo, Status};
use crate::tr;
use anyhow::{anyhow, bail, Result};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// One result row, its cells in [`COLUMNS`] order (`None`: SQL NULL).
pub type Record = Vec<Option<String>>;

fn cell<'a>(r: &'a Record, name: &str) -> Option<&'a str> {
    let i = COLUMNS.iter().position(|c| *c == name)?;
    r.get(i)?.as_deref().filter(|s| !s.is_empty())
}

/// Where the rows came from, for messages (`connection`, a file name).
pub struct Origin<'a> {
    pub name: &'a str,
}

fn count(r: &Record, name: &str, at: &str) -> Result<u64> {
    match cell(r, name) {
        None => Ok(0),
        Some(s) => s.trim().parse::<u64>().map_err(|_| {
            anyhow!(tr!(
                "{}：列 {} 的值“{}”不是非负整数：聚合结果应由 reformcheck sql 生成的查询得出",
                "{}: column {} holds `{}`, not a whole number ≥ 0: the aggregates must come from the query `reformcheck sql` prints",
                at,
                name,
                s
            ))
        }),
    }
}

/// An exact decimal as databases print it (`123.4500`, `1E+3`, `0E-8`).
pub fn parse_exact(s: &str) -> Option<Rational> {
    let s = s.trim();
    let (mant, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], s[i + 1..].parse::<i32>().ok()?),
        None => (s, 0),
    };
    let m = crate::num::parse_decimal(mant)?;
    let ten = Rational::from_integer(10.into());
    let scale = num_traits::pow::pow(ten, exp.unsigned_abs() as usize);
    Some(if exp >= 0 { m * scale } else { m / scale })
}

fn exact(r: &Record, name: &str, at: &str) -> Result<Option<Rational>> {
    match cell(r, name) {
        None => Ok(None),
        Some(s) => parse_exact(s).map(Some).ok_or_else(|| {
            anyhow!(tr!(
                "{}：列 {} 的值“{}”不是精确的十进制数",
                "{}: column {} holds `{}`, which is not an exact decimal number",
                at,
                name,
                s
            ))
        }),
    }
}

/// A rule row's accumulator: the engine's own, filled with the counts and
/// sums the query computed, so that deciding, every-year merging and doubt
/// about rows of unknown scope work as for files.
fn acc(pack: &Pack, rule: &Rule, r: &Record, at: &str) -> Result<Acc> {
    let zero = || Rational::from_integer(0.into());
    Ok(match &rule.measure {
        Measure::Share(_) => {
            let mut c = [0u64; 6];
            for (i, name) in [
                "cond_true",
                "cond_false",
                "cond_unknown",
                "maybe_true",
                "maybe_false",
                "maybe_unknown",
            ]
            .iter()
            .enumerate()
            {
                c[i] = count(r, name, at)?;
            }
            Acc::Share(engine::share::Share::from_counts(c))
        }
        Measure::Ratio { numerator, .. } => {
            let integral = pack.datasets[rule.dataset].columns[*numerator].kind == ColumnType::Int;
            Acc::Ratio(engine::ratio::Ratio::from_sums(
                integral,
                (
                    exact(r, "num_sum", at)?.unwrap_or_else(zero),
                    exact(r, "den_sum", at)?.unwrap_or_else(zero),
                ),
                (count(r, "num_unknown", at)?, count(r, "den_unknown", at)?),
                count(r, "rows", at)?,
            ))
        }
        Measure::Weighted { .. } => Acc::Weighted(engine::weighted::Weighted::from_parts(
            (
                exact(r, "num_sum", at)?.unwrap_or_else(zero),
                exact(r, "den_sum", at)?.unwrap_or_else(zero),
                exact(r, "weight_value_unknown", at)?.unwrap_or_else(zero),
            ),
            (exact(r, "value_low", at)?, exact(r, "value_high", at)?),
            count(r, "value_unknown", at)?,
            count(r, "rows", at)?,
        )),
        Measure::Distinct(_) => Acc::Counted(engine::distinct::measure(
            count(r, "distinct_values", at)?,
            count(r, "rows", at)?,
            count(r, "value_unknown", at)?,
            count(r, "scope_unknown", at)?,
        )),
    })
}

/// The period checked, as for files: `--year` (which must occur), else the
/// latest year up to `--as-of`'s (a later one is most likely a typo), or the
/// year before when the latest holds fewer than half its rows (unfinished).
fn choose_period(
    dataset: &crate::pack::Dataset,
    rows: &BTreeMap<i64, u64>,
    opts: &CheckOptions,
    table: &str,
) -> Result<Option<i64>> {
    use chrono::Datelike;
    if dataset.period.is_none() {
        return Ok(None);
    }
    if let Some(y) = opts.year {
        if !rows.contains_key(&y) {
            let found = rows
                .keys()
                .map(|y| y.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            bail!(tr!(
                "{table}：没有 {y} 年的数据（表中的年度：{found}）：请用 --year 选其中一年",
                "{table}: no rows for year {y} (years found: {found}): pick one of them with --year"
            ));
        }
        return Ok(Some(y));
    }
    let as_of_year = i64::from(opts.as_of.year());
    let Some((&latest, &n)) = rows
        .range(..=as_of_year)
        .next_back()
        .or_else(|| rows.iter().next_back())
    else {
        return Ok(None);
    };
    Ok(match rows.range(..latest).next_back() {
        Some((&before, &m)) if n * 2 < m => Some(before),
        _ => Some(latest),
    })
}

fn period(r: &Record, at: &str) -> Result<Option<i64>> {
    match cell(r, "period") {
        None => Ok(None),
        Some(p) => p.trim().parse::<i64>().map(Some).map_err(|_| {
            anyhow!(tr!(
                "{}：period 列的值“{}”不是年份",
                "{}: column period holds `{}`, which is not a year",
                at,
                p
            ))
        }),
    }
}

/// The report from the aggregates rows. `queried` lists the datasets the
/// rows cover (with the table or file they came from); the pack's other
/// datasets are skipped as if no file had been given.
pub fn report(
    pack: &Pack,
    records: &[Record],
    queried: &[(usize, String)],
    opts: &CheckOptions,
    issues: Vec<Issue>,
    origin: &Origin<'_>,
) -> Result<Report> {
    let mut issues = crate::report::Issues::from(issues);
    let at = origin.name;
    // The query computed ages and expiry dates on its own date.
    for r in records {
        if let Some(a) = cell(r, "as_of") {
            if crate::date::parse_full_date(a) != Some(opts.as_of) {
                bail!(tr!(
                    "{}：聚合结果按 {} 计算（年龄、有效期），与 --as-of {} 不同：请用 reformcheck sql --as-of {} 重新生成查询，或改用 --as-of {}",
                    "{}: the aggregates were computed on {} (ages, expiry dates), not on --as-of {}: generate the query again with reformcheck sql --as-of {}, or pass --as-of {}",
                    at,
                    a,
                    opts.as_of,
                    opts.as_of,
                    a
                ));
            }
        }
    }
    let mut results = Vec::new();
    for (d, dataset) in pack.datasets.iter().enumerate() {
        let rules: Vec<&Rule> = pack.rules.iter().filter(|r| r.dataset == d).collect();
        if rules.is_empty() {
            continue;
        }
        let Some((_, table)) = queried.iter().find(|(x, _)| *x == d) else {
            for rule in rules {
                results.push(engine::unmeasured(
                    pack,
                    rule,
                    Status::Skipped,
                    Reason::NoInput,
                    None,
                ));
            }
            continue;
        };
        let mine = records
            .iter()
            .filter(|r| cell(r, "dataset") == Some(dataset.name.as_str()));
        let mut periods = BTreeMap::new();
        let mut rows = 0u64;
        for r in mine.clone().filter(|r| cell(r, "kind") == Some("rows")) {
            let n = count(r, "rows", at)?;
            rows += n;
            if n > 0 {
                if let Some(p) = period(r, at)? {
                    *periods.entry(p).or_insert(0) += n;
                }
            }
        }
        if rows == 0 {
            bail!(tr!(
                "{}：没有可读的数据行（表为空，或没有一行的年份可以读取）：请检查表，或不指定 {} 以跳过其规则",
                "{}: no readable rows (the table is empty, or no row has a readable year): check the table, or leave {} out to skip its rules",
                table,
                dataset.name
            ));
        }
        let period_checked = choose_period(dataset, &periods, opts, table)?;
        let previous = period_checked.and_then(|p| periods.range(..p).next_back().map(|(y, _)| *y));
        let baselines = engine::baselines(pack, d, &rules, opts, &mut issues)?;
        for rule in rules {
            let mut groups = engine::groups::Groups::default();
            let mut accs = engine::Accs::default();
            for r in mine.clone().filter(|r| {
                cell(r, "kind") == Some("rule") && cell(r, "rule") == Some(rule.id.as_str())
            }) {
                let group = cell(r, "group_name").map(|g| groups.exact(g));
                accs.insert((period(r, at)?, group), acc(pack, rule, r, at)?);
            }
            results.extend(engine::rule_results(
                pack,
                rule,
                &accs,
                &groups,
                (period_checked, previous),
                opts,
                Some(&baselines),
                &mut |_, _| None,
            ));
        }
    }
    let sources = pack
        .datasets
        .iter()
        .enumerate()
        .map(|(i, d)| {
            queried
                .iter()
                .find(|(x, _)| *x == i)
                .map(|(_, table)| SourceInfo {
                    dataset: d.name.clone(),
                    file: table.clone(),
                    sheet: None,
                })
        })
        .collect();
    Ok(engine::report(pack, opts, sources, results, issues))
}

/// Reads an aggregates CSV (the query's result saved by another engine):
/// a header row naming the contract's columns, in any order; an empty cell
/// or `NULL`/`\N` is SQL NULL.
pub fn read_csv(path: &std::path::Path) -> Result<Vec<Record>> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        anyhow!(tr!(
            "无法读取聚合结果文件 {}：{}",
            "cannot read the aggregates file {}: {}",
            shown,
            e
        ))
    })?;
    let text = String::from_utf8_lossy(&bytes);
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| {
            anyhow!(tr!(
                "{}：表头无法读取：{}",
                "{}: cannot read the header: {}",
                shown,
                e
            ))
        })?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let mut index = Vec::new();
    for c in COLUMNS {
        match headers.iter().position(|h| h == c) {
            Some(i) => index.push(i),
            None => bail!(tr!(
                "{}：缺少列 {}：聚合结果文件的表头应为 reformcheck sql 查询的结果列（{}）",
                "{}: no column {}: the header must name the result columns of the query reformcheck sql prints ({})",
                shown,
                c,
                COLUMNS.join(", ")
            )),
        }
    }
    let mut out = Vec::new();
    for (n, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| {
            anyhow!(tr!(
                "{}：第 {} 行无法读取：{}",
                "{}: line {} cannot be read: {}",
                shown,
                n + 2,
                e
            ))
        })?;
        out.push(
            index
                .iter()
                .map(|&i| {
                    rec.get(i)
                        .map(str::trim)
                        .filter(|s| !s.is_empty() && *s != "NULL" && *s != "\\N")
                        .map(str::to_string)
                })
                .collect(),
        );
    }
    Ok(out)
}

/// The datasets an aggregates file covers, each named after itself.
pub fn datasets_in(pack: &Pack, records: &[Record], file: &str) -> Result<Vec<(usize, String)>> {
    let mut out: Vec<(usize, String)> = Vec::new();
    for r in records {
        let Some(name) = cell(r, "dataset") else {
            continue;
        };
        let Some(d) = pack.dataset(name) else {
            bail!(tr!(
                "{}：规则包中没有数据集“{}”：聚合结果应由同一规则包生成",
                "{}: the rule pack has no dataset `{}`: the aggregates must come from the same rule pack",
                file,
                name
            ));
        };
        if !out.iter().any(|(x, _)| *x == d) {
            out.push((d, format!("{file} ({name})")));
        }
    }
    Ok(out)
}

/// Today's date stands in only when no `--as-of` is given and the file
/// carries none.
pub fn as_of_in(records: &[Record]) -> Option<NaiveDate> {
    records
        .iter()
        .find_map(|r| cell(r, "as_of").and_then(crate::date::parse_full_date))
}
