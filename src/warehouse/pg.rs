//! `check --db`: the aggregates query over a PostgreSQL connection, after
//! checking that every table and column is there (so a missing one is named
//! plainly), plus data issues as counts per column with sample keys and
//! duplicate groups.

use super::sql::{self, Source, COLUMNS};
use super::{aggregates, Dialect, Tables};
use crate::engine::CheckOptions;
use crate::pack::schema::ColumnType;
use crate::pack::Pack;
use crate::report::{Issue, Report};
use crate::tr;
use anyhow::{anyhow, bail, Result};
use postgres::config::Host;
use postgres::{Client, Config, NoTls};
use std::time::Duration;

/// Sample keys listed per issue.
const SAMPLES: i64 = 5;
/// Duplicate groups listed per key set.
const DUPLICATE_GROUPS: i64 = 20;

/// The connection as it may be shown: without the password.
fn describe(cfg: &Config) -> String {
    let host = match cfg.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(Host::Unix(p)) => p.display().to_string(),
        None => "localhost".into(),
    };
    let port = cfg.get_ports().first().copied().unwrap_or(5432);
    let user = cfg.get_user().map(|u| format!("{u}@")).unwrap_or_default();
    let db = cfg.get_dbname().unwrap_or("");
    format!("postgresql://{user}{host}:{port}/{db}")
}

/// An error text with the password (if any) blanked out.
fn redact(text: String, password: Option<&[u8]>) -> String {
    match password.map(String::from_utf8_lossy) {
        Some(p) if !p.is_empty() => text.replace(p.as_ref(), "***"),
        _ => text,
    }
}

/// What may be a password in a connection string that did not parse: the
/// text after `password=`, or between `user:` and `@` in a URL.
fn password_in(url: &str) -> Option<String> {
    if let Some(i) = url.find("password=") {
        let rest = &url[i + "password=".len()..];
        let end = rest.find([' ', '&']).unwrap_or(rest.len());
        return Some(rest[..end].trim_matches('\'').to_string());
    }
    let rest = url.split_once("://")?.1;
    let userinfo = rest.split_once('@')?.0;
    Some(userinfo.split_once(':')?.1.to_string())
}

/// Connects; errors name the server, never the password.
pub fn connect(url: &str) -> Result<(Client, String)> {
    let mut cfg: Config = url.parse().map_err(|e: postgres::Error| {
        anyhow!(tr!(
            "--db：连接串无效（{}）：请写成 postgresql://用户@主机:端口/数据库 或 host=/套接字目录 dbname=数据库",
            "--db: not a valid connection string ({}): write postgresql://USER@HOST:PORT/DATABASE or host=/socket/dir dbname=DATABASE",
            redact(e.to_string(), password_in(url).as_deref().map(str::as_bytes))
        ))
    })?;
    if cfg.get_connect_timeout().is_none() {
        cfg.connect_timeout(Duration::from_secs(10));
    }
    let shown = describe(&cfg);
    let password = cfg.get_password().map(<[u8]>::to_vec);
    let client = cfg.connect(NoTls).map_err(|e| {
        let mut text = e.to_string();
        if let Some(src) = std::error::Error::source(&e) {
            text = format!("{text}: {src}");
        }
        anyhow!(tr!(
            "--db：无法连接数据库 {}（{}）：请检查主机、端口、用户名和密码，以及服务器是否在运行",
            "--db: cannot connect to {} ({}): check host, port, user and password, and that the server is running",
            shown,
            redact(text, password.as_deref())
        ))
    })?;
    Ok((client, shown))
}

/// The columns a table has, or an error naming the missing table.
fn table_columns(client: &mut Client, table: &str, server: &str) -> Result<Vec<String>> {
    let quoted = Dialect::Postgres.table(table);
    let row = client
        .query_one("SELECT to_regclass($1)::oid", &[&quoted])
        .map_err(|e| query_error(e, server))?;
    let oid: Option<u32> = row.get(0);
    let Some(oid) = oid else {
        bail!(tr!(
            "{}：没有表 {}：请用 --table 数据集=模式.表名 指定",
            "{}: there is no table {}: name it with --table DATASET=SCHEMA.TABLE",
            server,
            table
        ));
    };
    let rows = client
        .query(
            "SELECT attname::text FROM pg_attribute WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped",
            &[&oid],
        )
        .map_err(|e| query_error(e, server))?;
    Ok(rows.iter().map(|r| r.get::<_, String>(0)).collect())
}

fn query_error(e: postgres::Error, server: &str) -> anyhow::Error {
    let detail = e
        .as_db_error()
        .map(|d| d.message().to_string())
        .unwrap_or_else(|| e.to_string());
    anyhow!(tr!(
        "{}：查询失败：{}",
        "{}: the query failed: {}",
        server,
        detail
    ))
}

/// `check --db`: connects, checks tables and columns, runs the query and
/// the issue queries, and builds the report.
pub fn check(pack: &Pack, url: &str, tables: &Tables, opts: &CheckOptions) -> Result<Report> {
    let (mut client, server) = connect(url)?;
    let mut sources = Vec::new();
    for (d, table) in &tables.tables {
        let dataset = &pack.datasets[*d];
        let present = match table_columns(&mut client, table, &server) {
            Ok(p) => p,
            // Without --table, the pack's datasets are looked for under their
            // own names, and the absent ones are skipped as files not given.
            Err(_) if !tables.explicit => continue,
            Err(e) => return Err(e),
        };
        let missing: Vec<String> = sql::required_columns(pack, *d)
            .into_iter()
            .map(|c| dataset.columns[c].name.clone())
            .filter(|c| !present.contains(c))
            .collect();
        if !missing.is_empty() {
            bail!(tr!(
                "{}：表 {} 缺少列 {}（数据集 {} 的规则要读取）：请添加这些列，列名用规范名称（reformcheck template {} --lang en 列出）",
                "{}: table {} has no column {} (the rules of dataset {} read it): add it under its canonical name (reformcheck template {} --lang en lists them)",
                server,
                table,
                missing.join(", "),
                dataset.name,
                dataset.name
            ));
        }
        sources.push(Source {
            dataset: *d,
            table: table.clone(),
            present: Some(present),
            pack,
        });
    }
    let query = sql::aggregates_query(pack, &sources, opts.as_of, Dialect::Postgres);
    let rows = client
        .query(query.as_str(), &[])
        .map_err(|e| query_error(e, &server))?;
    let records: Vec<aggregates::Record> = rows
        .iter()
        .map(|r| {
            (0..COLUMNS.len())
                .map(|i| r.get::<_, Option<String>>(i))
                .collect()
        })
        .collect();
    let mut issues = Vec::new();
    for src in &sources {
        issues.extend(column_issues(&mut client, pack, src, opts, &server)?);
        issues.extend(duplicate_issues(&mut client, pack, src, opts, &server)?);
    }
    let queried: Vec<(usize, String)> = sources
        .iter()
        .map(|s| (s.dataset, s.table.clone()))
        .collect();
    aggregates::report(
        pack,
        &records,
        &queried,
        opts,
        issues,
        &aggregates::Origin { name: &server },
    )
}

/// Per column a rule reads: how many cells are empty, how many are filled but
/// unusable (not a value of its type, expired, above its bound), with the
/// keys of the first rows.
fn column_issues(
    client: &mut Client,
    pack: &Pack,
    src: &Source<'_>,
    opts: &CheckOptions,
    server: &str,
) -> Result<Vec<Issue>> {
    let dataset = &pack.datasets[src.dataset];
    let d = Dialect::Postgres;
    let key = format!("\"t_{}\"", dataset.columns[dataset.key].name);
    let mut parts = Vec::new();
    let mut checked = Vec::new();
    for c in sql::required_columns(pack, src.dataset) {
        let col = &dataset.columns[c];
        let t = d.ident(&format!("t_{}", col.name));
        let v = if col.kind == ColumnType::Date {
            d.ident(&format!("vlo_{}", col.name))
        } else {
            d.ident(&format!("v_{}", col.name))
        };
        let empty = format!("{v} IS NULL AND {t} IS NULL");
        let bad = format!("{v} IS NULL AND {t} IS NOT NULL");
        for (kind, cond) in [("empty", empty), ("bad", bad)] {
            parts.push(format!(
                "count(*) FILTER (WHERE {cond}), (array_agg({key} ORDER BY {key}) FILTER (WHERE {cond}))[1:{SAMPLES}]::text[]"
            ));
            checked.push((c, kind));
        }
    }
    for (c, test) in sql::undecided(pack, src, opts.as_of, d) {
        parts.push(format!(
            "count(*) FILTER (WHERE {test}), (array_agg({key} ORDER BY {key}) FILTER (WHERE {test}))[1:{SAMPLES}]::text[]"
        ));
        checked.push((c, "undecided"));
    }
    if parts.is_empty() {
        return Ok(Vec::new());
    }
    let with = sql::with_clause(pack, src, opts.as_of, d);
    let query = format!(
        "{with}\nSELECT {} FROM \"rc_{}_v\"",
        parts.join(", "),
        dataset.name
    );
    let row = client
        .query_one(query.as_str(), &[])
        .map_err(|e| query_error(e, server))?;
    let mut out = Vec::new();
    for (i, (c, kind)) in checked.iter().enumerate() {
        let n: i64 = row.get(2 * i);
        if n == 0 {
            continue;
        }
        let samples: Option<Vec<Option<String>>> = row.get(2 * i + 1);
        let samples: Vec<String> = samples
            .unwrap_or_default()
            .into_iter()
            .map(|s| s.unwrap_or_else(|| "∅".into()))
            .collect();
        let col = &dataset.columns[*c];
        let message = match (*kind, opts.lang) {
            ("empty", crate::Lang::Zh) => format!("{n} 行为空，按未知处理：请填写"),
            ("empty", crate::Lang::En) => {
                format!("{n} rows are empty and count as unknown: fill them in")
            }
            ("undecided", crate::Lang::Zh) => format!(
                "{n} 行只填到月份，是否满足年龄条件取决于具体日期，按未知处理：请补全到日"
            ),
            ("undecided", crate::Lang::En) => format!(
                "{n} rows give the month only, and whether the age condition holds depends on the day, so they count as unknown: add the day"
            ),
            (_, crate::Lang::Zh) => format!(
                "{n} 行的值无法使用（不是该类型的值、已过期或超过上限），按未知处理：请改正"
            ),
            (_, crate::Lang::En) => format!(
                "{n} rows hold a value that cannot be used (not of the column's type, expired, or above its bound) and count as unknown: correct them"
            ),
        };
        out.push(Issue {
            dataset: dataset.name.clone().into(),
            file: src.table.clone().into(),
            line: 0,
            column: col.name.clone().into(),
            value: samples.join(", ").into(),
            message: message.into(),
        });
    }
    Ok(out)
}

/// Rows that repeat each other on one of the dataset's `unique` column sets
/// (all present and filled), as `GROUP BY … HAVING count(*) > 1`.
fn duplicate_issues(
    client: &mut Client,
    pack: &Pack,
    src: &Source<'_>,
    opts: &CheckOptions,
    server: &str,
) -> Result<Vec<Issue>> {
    let dataset = &pack.datasets[src.dataset];
    let d = Dialect::Postgres;
    let present = src.present.clone().unwrap_or_default();
    let mut out = Vec::new();
    for set in &dataset.unique {
        let names: Vec<&str> = set
            .iter()
            .map(|c| dataset.columns[*c].name.as_str())
            .collect();
        if !names.iter().all(|n| present.iter().any(|p| p == n)) {
            continue;
        }
        let exprs: Vec<String> = names
            .iter()
            .map(|n| format!("NULLIF(trim(CAST({} AS TEXT)), '')", d.ident(n)))
            .collect();
        let query = format!(
            "SELECT concat_ws(' / ', {cols}), count(*) FROM {table} WHERE {filled} \
             GROUP BY {cols} HAVING count(*) > 1 ORDER BY 1 LIMIT {DUPLICATE_GROUPS}",
            cols = exprs.join(", "),
            table = d.table(&src.table),
            filled = exprs
                .iter()
                .map(|e| format!("{e} IS NOT NULL"))
                .collect::<Vec<_>>()
                .join(" AND "),
        );
        let rows = client
            .query(query.as_str(), &[])
            .map_err(|e| query_error(e, server))?;
        for r in rows {
            let key: String = r.get(0);
            let n: i64 = r.get(1);
            let id_column = set
                .iter()
                .any(|c| dataset.columns[*c].kind == ColumnType::IdNumber);
            out.push(Issue {
                dataset: dataset.name.clone().into(),
                file: src.table.clone().into(),
                line: 0,
                column: names.join("+").into(),
                value: if id_column {
                    crate::input::id::mask(&key)
                } else {
                    key
                }
                .into(),
                message: match opts.lang {
                    crate::Lang::Zh => format!("{n} 行重复登记：请核对后删除多余的行").into(),
                    crate::Lang::En => {
                        format!("listed {n} times: check and delete the extra rows").into()
                    }
                },
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_found_to_be_blanked() {
        assert_eq!(
            password_in("postgresql://u:s3cret@h/db").as_deref(),
            Some("s3cret")
        );
        assert_eq!(
            password_in("host=h password=s3cret dbname=x").as_deref(),
            Some("s3cret")
        );
        assert_eq!(password_in("host=h dbname=x"), None);
        assert_eq!(
            redact("bad s3cret here".into(), Some(b"s3cret")),
            "bad *** here"
        );
    }
}
