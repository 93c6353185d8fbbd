//! The warehouse path against real servers: the example tables and a
//! generated 200,000-row roster loaded into PostgreSQL (`check --db`) and
//! Spark in local mode (`reformcheck sql --dialect spark` run by pyspark,
//! then `check --aggregates`); for every rule and group, status, numerator,
//! denominator, unknown and shortfall must equal the CSV engine's.
//!
//! `.ci/warehouse.sh` starts the servers and sets RC_PG (a connection
//! string) and RC_SPARK_PYTHON (a Python with pyspark). Without them a test
//! says it skipped; with `CI` set it fails instead.

#[path = "../benches/support/gen.rs"]
mod gen;

use assert_cmd::Command;
use reformcheck::pack::Pack;
use serde_json::Value;
use std::path::{Path, PathBuf};

const EXAMPLES: &str = "examples/taizhou-2017";
const AS_OF: &str = "2025-06-30";
const GENERATED_ROWS: u64 = 200_000;

/// The environment variable, or `None` after saying the test skipped (a
/// failure under CI, where the servers must be there).
fn server(var: &str, what: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => Some(v),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "{var} is not set under CI: .ci/warehouse.sh must start {what}"
            );
            eprintln!("SKIPPED: {var} is not set, so there is no {what} to test against (run .ci/warehouse.sh)");
            None
        }
    }
}

fn reformcheck() -> Command {
    Command::cargo_bin("reformcheck").unwrap()
}

/// Runs `check` with these arguments and returns the JSON report.
fn check_json(args: &[&str]) -> Value {
    let out = reformcheck()
        .arg("check")
        .args(args)
        .args(["--as-of", AS_OF, "--format", "json", "--lang", "en"])
        .output()
        .unwrap();
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// What must agree, per result, keyed by rule, group and pooled.
fn figures(report: &Value) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let key = format!("{} {} {}", r["rule"], r["group"], r["pooled"]);
            let keep = serde_json::json!({
                "status": r["status"],
                "numerator": r["numerator"],
                "denominator": r["denominator"],
                "unknown": r["unknown"],
                "shortfall": r["shortfall"],
                "year": r["year"],
                "reason": r["reason"],
                "severity": r["severity"],
                "target": r["target"],
                "years_unmet": r["years_unmet"],
                "years_unknown": r["years_unknown"],
                "previous": r["previous"],
            });
            (key, keep)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn assert_same(files: &Value, warehouse: &Value, what: &str) {
    let (a, b) = (figures(files), figures(warehouse));
    assert_eq!(
        a.iter().map(|x| &x.0).collect::<Vec<_>>(),
        b.iter().map(|x| &x.0).collect::<Vec<_>>(),
        "{what}: different results"
    );
    for ((k, x), (_, y)) in a.iter().zip(&b) {
        assert_eq!(x, y, "{what}: {k}");
    }
    // Something was measured: not a comparison of two empty reports.
    let measured = a
        .iter()
        .filter(|(_, x)| x["status"] != "skipped" && x["status"] != "not_applicable")
        .count();
    assert!(measured > 0, "{what}: nothing measured");
}

/// A CSV file with the pack's headers → canonical column names and rows
/// (columns the pack does not know are left out).
fn canonical(pack: &Pack, dataset: &str, path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let d = &pack.datasets[pack.dataset(dataset).unwrap()];
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let mapped: Vec<Option<&str>> = headers
        .iter()
        .map(|h| {
            let h = reformcheck::input::normalize_header(h);
            d.columns
                .iter()
                .find(|c| {
                    reformcheck::input::normalize_header(&c.name) == h
                        || c.headers
                            .iter()
                            .any(|x| reformcheck::input::normalize_header(x) == h)
                })
                .map(|c| c.name.as_str())
        })
        .collect();
    let names: Vec<String> = mapped.iter().flatten().map(|s| s.to_string()).collect();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            r.iter()
                .zip(&mapped)
                .filter(|(_, m)| m.is_some())
                .map(|(v, _)| v.to_string())
                .collect()
        })
        .collect();
    (names, rows)
}

fn write_csv(path: &Path, names: &[String], rows: &[Vec<String>]) {
    let mut w = csv::Writer::from_path(path).unwrap();
    w.write_record(names).unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
}

/// A dataset's original file and its copy with canonical headers.
type Files = Vec<(String, PathBuf, PathBuf)>;

/// The example files and a generated roster, as (dataset, CSV file).
struct Data {
    _dir: tempfile::TempDir,
    /// Canonical CSVs per set: "examples", "generated".
    sets: Vec<(&'static str, Files)>,
}

/// The examples, and with `generated` the 200,000-row roster too.
fn data_sets(generated: bool) -> Data {
    let pack = Pack::embedded().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut sets = Vec::new();
    let mut examples = Vec::new();
    for entry in std::fs::read_dir(EXAMPLES).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "csv") {
            let name = path.file_stem().unwrap().to_string_lossy().to_string();
            examples.push((name, path));
        }
    }
    examples.sort();
    let gen_dir = dir.path().join("generated-original");
    std::fs::create_dir_all(&gen_dir).unwrap();
    let rows = if generated { GENERATED_ROWS } else { 0 };
    let cfg = gen::Config::new(rows, 20_170_324);
    let file = |n: &str| std::io::BufWriter::new(std::fs::File::create(gen_dir.join(n)).unwrap());
    gen::generate_delegates(&cfg, file("delegates.csv")).unwrap();
    gen::generate_council(&cfg, file("society_council.csv")).unwrap();
    let generated = vec![
        ("delegates".to_string(), gen_dir.join("delegates.csv")),
        (
            "society_council".to_string(),
            gen_dir.join("society_council.csv"),
        ),
    ];
    let mut all = vec![("examples", examples)];
    if rows > 0 {
        all.push(("generated", generated));
    }
    for (set, files) in all {
        let out = dir.path().join(set);
        std::fs::create_dir_all(&out).unwrap();
        let mut list = Vec::new();
        for (name, original) in files {
            let (names, rows) = canonical(&pack, &name, &original);
            let path = out.join(format!("{name}.csv"));
            write_csv(&path, &names, &rows);
            list.push((name, original, path));
        }
        sets.push((set, list));
    }
    Data { _dir: dir, sets }
}

fn data() -> Data {
    data_sets(true)
}

/// Loads a canonical CSV into `schema.dataset` as TEXT columns.
fn load_pg(client: &mut postgres::Client, schema: &str, dataset: &str, path: &Path) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let names: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let cols: Vec<String> = names.iter().map(|n| format!("\"{n}\" TEXT")).collect();
    client
        .batch_execute(&format!(
            "CREATE SCHEMA IF NOT EXISTS {schema}; DROP TABLE IF EXISTS {schema}.{dataset}; \
             CREATE TABLE {schema}.{dataset} ({});",
            cols.join(", ")
        ))
        .unwrap();
    let mut w = client
        .copy_in(&format!(
            "COPY {schema}.{dataset} FROM STDIN WITH (FORMAT csv, HEADER true)"
        ))
        .unwrap();
    std::io::Write::write_all(&mut w, &std::fs::read(path).unwrap()).unwrap();
    w.finish().unwrap();
}

fn file_args(files: &[(String, PathBuf, PathBuf)]) -> Vec<String> {
    files
        .iter()
        .map(|(n, original, _)| format!("{n}={}", original.display()))
        .collect()
}

fn table_args(schema: &str, files: &[(String, PathBuf, PathBuf)]) -> Vec<String> {
    files
        .iter()
        .flat_map(|(n, _, _)| ["--table".to_string(), format!("{n}={schema}.{n}")])
        .collect()
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
#[ignore = "needs PostgreSQL: .ci/warehouse.sh runs it (cargo test --test warehouse -- --ignored)"]
fn postgres_results_equal_the_files() {
    let Some(url) = server("RC_PG", "PostgreSQL server") else {
        return;
    };
    let data = data();
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    for (set, files) in &data.sets {
        let schema = format!("rc_{set}");
        for (name, _, canonical) in files {
            load_pg(&mut client, &schema, name, canonical);
        }
        let from_files = check_json(&strs(&file_args(files)));
        let mut args = vec!["--db".to_string(), url.clone()];
        args.extend(table_args(&schema, files));
        let from_db = check_json(&strs(&args));
        assert_same(&from_files, &from_db, &format!("PostgreSQL, {set}"));
        if *set == "examples" {
            auditor_readings_reach_the_warehouse(&from_db);
        }
    }
    // With --previous, the baseline rule is decided against the previous
    // roster (read from its file) as with files; without it, skipped.
    let examples = &data.sets[0].1;
    let previous = format!("delegates={EXAMPLES}/previous/delegates.csv");
    for extra in [
        vec!["--previous", previous.as_str()],
        vec!["--previous", "delegates=68.5%"],
    ] {
        let mut args = file_args(examples);
        args.extend(extra.iter().map(|s| s.to_string()));
        let from_files = check_json(&strs(&args));
        let mut args = vec!["--db".to_string(), url.clone()];
        args.extend(table_args("rc_examples", examples));
        args.extend(extra.iter().map(|s| s.to_string()));
        let from_db = check_json(&strs(&args));
        assert_same(&from_files, &from_db, &format!("PostgreSQL, {extra:?}"));
        let growth = from_db["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["rule"] == "delegates.frontline_growth")
            .unwrap();
        assert!(
            growth["status"] == "pass" || growth["status"] == "fail",
            "{growth}"
        );
    }
    // Typed columns (BOOLEAN, DATE, NUMERIC) give the same results as text:
    // the committee rows with a full birth date, and the district statistics.
    let dir = tempfile::tempdir().unwrap();
    let committee = &examples
        .iter()
        .find(|(n, _, _)| n == "committee")
        .unwrap()
        .2;
    let mut reader = csv::Reader::from_path(committee).unwrap();
    let names: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let b = names.iter().position(|n| n == "birth_date").unwrap();
    let iso: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect::<Vec<String>>())
        .filter(|r| r[b].len() == 10 && r[b].as_bytes()[4] == b'-')
        .collect();
    assert!(iso.len() >= 20, "{}", iso.len());
    let full = dir.path().join("committee.csv");
    write_csv(&full, &names, &iso);
    load_pg(&mut client, "rc_typed_src", "committee", &full);
    let bool_of = |c: &str| format!("CASE {c} WHEN '是' THEN TRUE WHEN '否' THEN FALSE END AS {c}");
    client
        .batch_execute(&format!(
            "CREATE SCHEMA IF NOT EXISTS rc_typed;
             DROP TABLE IF EXISTS rc_typed.committee;
             CREATE TABLE rc_typed.committee AS SELECT name, CAST(birth_date AS DATE) AS birth_date,
               unit_type, {}, {}, {}, field FROM rc_typed_src.committee;
             DROP TABLE IF EXISTS rc_typed.districts;
             CREATE TABLE rc_typed.districts AS SELECT district, CAST(year AS INTEGER) AS year, {}, {}, {},
               CAST(townships AS INTEGER) AS townships, CAST(townships_with_kx AS INTEGER) AS townships_with_kx,
               CAST(townships_with_agri AS INTEGER) AS townships_with_agri,
               CAST(parks AS INTEGER) AS parks, CAST(parks_with_kx AS INTEGER) AS parks_with_kx,
               CAST(above_scale AS BIGINT) AS above_scale, CAST(above_scale_with_kx AS BIGINT) AS above_scale_with_kx,
               CAST(hitech AS BIGINT) AS hitech, CAST(hitech_with_kx AS BIGINT) AS hitech_with_kx,
               CAST(population AS BIGINT) AS population, CAST(popsci_funding AS NUMERIC(18,2)) AS popsci_funding,
               science_literacy, {}, {} FROM rc_examples.districts;",
            bool_of("frontline"),
            bool_of("standing"),
            bool_of("vice_chair"),
            bool_of("independent"),
            bool_of("party_group"),
            bool_of("annual_report"),
            bool_of("kx_head_npc"),
            bool_of("kx_head_cppcc"),
        ))
        .unwrap();
    let districts = examples.iter().find(|(n, _, _)| n == "districts").unwrap();
    let typed = vec![
        ("committee".to_string(), full.clone(), full.clone()),
        districts.clone(),
    ];
    let from_files = check_json(&strs(&file_args(&typed)));
    let mut args = vec!["--db".to_string(), url.clone()];
    args.extend(table_args("rc_typed", &typed));
    assert_same(
        &from_files,
        &check_json(&strs(&args)),
        "PostgreSQL, typed columns",
    );
}

/// Issue 11's readings, measured in the database: the city dataset, the new
/// rules, every-year rules naming the year unmet, groups a rule does not
/// address, and district figures of a city-wide target for reference only.
fn auditor_readings_reach_the_warehouse(report: &Value) {
    let find = |rule: &str, group: Option<&str>| -> Value {
        report["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["rule"] == rule && r["group"].as_str() == group)
            .unwrap_or_else(|| panic!("no result {rule} {group:?}"))
            .clone()
    };
    let city = find("city.annual_report", None);
    assert_eq!(
        (
            &city["status"],
            &city["years_unmet"],
            &city["numerator"],
            &city["denominator"]
        ),
        (
            &Value::from("fail"),
            &serde_json::json!([2024]),
            &Value::from(3),
            &Value::from(4)
        )
    );
    for rule in [
        "districts.kx_head_in_congress",
        "societies.decoupled",
        "city.popsci_funding",
    ] {
        let measured = report["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["rule"] == rule)
            .filter(|r| r["status"] == "pass" || r["status"] == "fail")
            .count();
        assert!(measured > 0, "{rule}");
    }
    let zone = find("districts.independent_party_group", Some("医药高新区"));
    assert_eq!(zone["status"], "not_applicable");
    let literacy = find("districts.science_literacy", Some("兴化市"));
    assert_eq!(
        (&literacy["status"], &literacy["severity"]),
        (&Value::from("fail"), &Value::from("info"))
    );
    let total = find("districts.science_literacy", None);
    assert_eq!(
        (&total["status"], &total["severity"]),
        (&Value::from("pass"), &Value::from("error"))
    );
}

/// A 市本级 row (not addressed by the district rules: listed as not
/// applicable and left out of the city totals) and a mistyped future year
/// (never the year checked) give the same results in PostgreSQL as in files.
#[test]
#[ignore = "needs PostgreSQL: .ci/warehouse.sh runs it (cargo test --test warehouse -- --ignored)"]
fn city_level_rows_and_typo_years_agree_with_files() {
    let Some(url) = server("RC_PG", "PostgreSQL server") else {
        return;
    };
    let data = data_sets(false);
    let districts = &data.sets[0]
        .1
        .iter()
        .find(|(n, _, _)| n == "districts")
        .unwrap()
        .2;
    let mut reader = csv::Reader::from_path(districts).unwrap();
    let names: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let mut rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    let (d, y) = (
        names.iter().position(|n| n == "district").unwrap(),
        names.iter().position(|n| n == "year").unwrap(),
    );
    let template = rows.iter().find(|r| r[y] == "2025").unwrap().clone();
    let mut city = template.clone();
    city[d] = "市本级".into();
    rows.push(city);
    let mut typo = template;
    typo[y] = "2052".into();
    rows.push(typo);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("districts.csv");
    write_csv(&path, &names, &rows);
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    load_pg(&mut client, "rc_city_level", "districts", &path);
    let files = vec![("districts".to_string(), path.clone(), path.clone())];
    let from_files = check_json(&strs(&file_args(&files)));
    let mut args = vec!["--db".to_string(), url.clone()];
    args.extend(table_args("rc_city_level", &files));
    let from_db = check_json(&strs(&args));
    assert_same(&from_files, &from_db, "PostgreSQL, 市本级 and 2052");
    let results = from_db["results"].as_array().unwrap();
    let city_level = results
        .iter()
        .find(|r| r["rule"] == "districts.township_coverage" && r["group"] == "市本级")
        .unwrap();
    assert_eq!(
        (&city_level["status"], &city_level["year"]),
        (&Value::from("not_applicable"), &Value::from(2025))
    );
}

/// Runs `check` expecting exit 2; returns standard error.
fn fail(args: &[&str]) -> String {
    let out = reformcheck()
        .arg("check")
        .args(args)
        .args(["--as-of", AS_OF, "--lang", "en"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{args:?}");
    String::from_utf8_lossy(&out.stderr).to_string()
}

#[test]
fn connection_errors_name_the_server_without_the_password() {
    // No server needed: a malformed string, and a closed port.
    let e = fail(&["--db", "postgresql://u:s3cret@host:notaport/db"]);
    assert!(e.contains("not a valid connection string"), "{e}");
    assert!(!e.contains("s3cret"), "{e}");
    let e = fail(&["--db", "postgresql://u:s3cret@127.0.0.1:1/db"]);
    assert!(
        e.contains("cannot connect to postgresql://u@127.0.0.1:1/db"),
        "{e}"
    );
    assert!(!e.contains("s3cret"), "{e}");
    let zh = reformcheck()
        .args(["check", "--db", "postgresql://u:s3cret@127.0.0.1:1/db"])
        .output()
        .unwrap();
    let zh = String::from_utf8_lossy(&zh.stderr);
    assert!(zh.contains("无法连接数据库"), "{zh}");
}

#[test]
#[ignore = "needs PostgreSQL: .ci/warehouse.sh runs it (cargo test --test warehouse -- --ignored)"]
fn a_missing_table_or_column_is_named() {
    let Some(url) = server("RC_PG", "PostgreSQL server") else {
        return;
    };
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client
        .batch_execute(
            "CREATE SCHEMA IF NOT EXISTS rc_err; DROP TABLE IF EXISTS rc_err.delegates;
             CREATE TABLE rc_err.delegates (name TEXT, unit_type TEXT, frontline TEXT);",
        )
        .unwrap();
    let e = fail(&["--db", &url, "--table", "delegates=rc_err.nosuch"]);
    assert!(e.contains("there is no table rc_err.nosuch"), "{e}");
    // The same server as a URL with a percent-encoded socket folder.
    if let Some(socket) = url
        .split(' ')
        .find_map(|kv| kv.strip_prefix("host="))
        .filter(|h| h.starts_with('/'))
    {
        let encoded = socket.replace('/', "%2F");
        let as_url = format!("postgresql://postgres@{encoded}/postgres");
        let e = fail(&["--db", &as_url, "--table", "delegates=rc_err.nosuch"]);
        assert!(e.contains("there is no table rc_err.nosuch"), "{e}");
    }
    let e = fail(&["--db", &url, "--table", "delegates=rc_err.delegates"]);
    assert!(
        e.contains("table rc_err.delegates has no column birth_date"),
        "{e}"
    );
}

#[test]
#[ignore = "needs Spark: .ci/warehouse.sh runs it (cargo test --test warehouse -- --ignored)"]
fn spark_results_equal_the_files() {
    let Some(python) = server("RC_SPARK_PYTHON", "Python with pyspark") else {
        return;
    };
    let data = data();
    let dir = tempfile::tempdir().unwrap();
    // One Spark session for every query: a job list for the script.
    let mut jobs = Vec::new();
    for (set, files) in &data.sets {
        let sql = reformcheck()
            .args(["sql", "--dialect", "spark", "--as-of", AS_OF])
            .args(
                files
                    .iter()
                    .flat_map(|(n, _, _)| ["--table".to_string(), format!("{n}=rc_{set}_{n}")]),
            )
            .output()
            .unwrap();
        assert!(
            sql.status.success(),
            "{}",
            String::from_utf8_lossy(&sql.stderr)
        );
        let sql_path = dir.path().join(format!("{set}.sql"));
        std::fs::write(&sql_path, &sql.stdout).unwrap();
        let out = dir.path().join(format!("{set}-aggregates.csv"));
        let tables: serde_json::Map<String, Value> = files
            .iter()
            .map(|(n, _, c)| {
                (
                    format!("rc_{set}_{n}"),
                    Value::from(c.display().to_string()),
                )
            })
            .collect();
        jobs.push(serde_json::json!({"sql": sql_path, "tables": tables, "out": out}));
    }
    // Typed columns (BOOLEAN, DATE, DECIMAL) read as their text forms.
    let examples = &data.sets[0].1;
    let typed: Files = examples
        .iter()
        .filter(|(n, _, _)| n == "society_council" || n == "districts")
        .cloned()
        .collect();
    let b = |c: &str| format!("CASE {c} WHEN '是' THEN TRUE WHEN '否' THEN FALSE END AS {c}");
    let views = vec![
        format!(
            "CREATE OR REPLACE TEMP VIEW rc_typed_society_council AS SELECT society, name, \
             CASE WHEN birth_date RLIKE '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$' THEN CAST(birth_date AS DATE) END AS birth_date, \
             {}, {} FROM rc_src_society_council \
             WHERE birth_date RLIKE '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$'",
            b("frontline"),
            b("standing")
        ),
        format!(
            "CREATE OR REPLACE TEMP VIEW rc_typed_districts AS SELECT district, CAST(year AS INT) AS year, \
             {}, {}, {}, CAST(townships AS INT) AS townships, CAST(townships_with_kx AS INT) AS townships_with_kx, \
             CAST(townships_with_agri AS INT) AS townships_with_agri, CAST(parks AS INT) AS parks, \
             CAST(parks_with_kx AS INT) AS parks_with_kx, CAST(above_scale AS BIGINT) AS above_scale, \
             CAST(above_scale_with_kx AS BIGINT) AS above_scale_with_kx, CAST(hitech AS BIGINT) AS hitech, \
             CAST(hitech_with_kx AS BIGINT) AS hitech_with_kx, CAST(population AS BIGINT) AS population, \
             CAST(popsci_funding AS DECIMAL(18,2)) AS popsci_funding, science_literacy, {}, {} FROM rc_src_districts",
            b("independent"),
            b("party_group"),
            b("annual_report"),
            b("kx_head_npc"),
            b("kx_head_cppcc")
        ),
    ];
    let sql = reformcheck()
        .args(["sql", "--dialect", "spark", "--as-of", AS_OF])
        .args(["--table", "society_council=rc_typed_society_council"])
        .args(["--table", "districts=rc_typed_districts"])
        .output()
        .unwrap();
    assert!(sql.status.success());
    let sql_path = dir.path().join("typed.sql");
    std::fs::write(&sql_path, &sql.stdout).unwrap();
    let tables: serde_json::Map<String, Value> = typed
        .iter()
        .map(|(n, _, c)| (format!("rc_src_{n}"), Value::from(c.display().to_string())))
        .collect();
    let typed_out = dir.path().join("typed-aggregates.csv");
    jobs.push(
        serde_json::json!({"sql": sql_path, "tables": tables, "views": views, "out": typed_out}),
    );
    // The same rows as files: full birth dates only.
    let council = &typed
        .iter()
        .find(|(n, _, _)| n == "society_council")
        .unwrap()
        .2;
    let mut reader = csv::Reader::from_path(council).unwrap();
    let names: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let bd = names.iter().position(|n| n == "birth_date").unwrap();
    let iso: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect::<Vec<String>>())
        .filter(|r| r[bd].len() == 10 && r[bd].as_bytes()[4] == b'-')
        .collect();
    let council_iso = dir.path().join("society_council.csv");
    write_csv(&council_iso, &names, &iso);
    let typed_files: Files = vec![
        ("society_council".into(), council_iso.clone(), council_iso),
        typed
            .iter()
            .find(|(n, _, _)| n == "districts")
            .unwrap()
            .clone(),
    ];
    let jobs_path = dir.path().join("jobs.json");
    std::fs::write(&jobs_path, serde_json::to_vec(&jobs).unwrap()).unwrap();
    let run = std::process::Command::new(&python)
        .arg("scripts/spark-aggregates.py")
        .arg(&jobs_path)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "spark: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    for (set, files) in &data.sets {
        let from_files = check_json(&strs(&file_args(files)));
        let out = dir.path().join(format!("{set}-aggregates.csv"));
        let from_spark = check_json(&["--aggregates", &out.display().to_string()]);
        assert_same(&from_files, &from_spark, &format!("Spark, {set}"));
    }
    let from_files = check_json(&strs(&file_args(&typed_files)));
    let from_spark = check_json(&["--aggregates", &typed_out.display().to_string()]);
    assert_same(&from_files, &from_spark, "Spark, typed columns");
}

#[test]
#[ignore = "needs PostgreSQL: .ci/warehouse.sh runs it (cargo test --test warehouse -- --ignored)"]
fn psql_runs_the_printed_query_unchanged_and_its_result_reads_back() {
    let Some(url) = server("RC_PG", "PostgreSQL server") else {
        return;
    };
    let psql = std::env::var("RC_PSQL").unwrap_or_else(|_| "psql".into());
    let data = data_sets(false);
    let examples = &data.sets[0].1;
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    for (name, _, canonical) in examples {
        load_pg(&mut client, "rc_psql", name, canonical);
    }
    let dir = tempfile::tempdir().unwrap();
    let sql = reformcheck()
        .args(["sql", "--dialect", "postgres", "--as-of", AS_OF])
        .args(table_args("rc_psql", examples))
        .output()
        .unwrap();
    assert!(sql.status.success());
    let sql_path = dir.path().join("aggregates.sql");
    std::fs::write(&sql_path, &sql.stdout).unwrap();
    let out = std::process::Command::new(&psql)
        .args(["-v", "ON_ERROR_STOP=1", "--csv", "-f"])
        .arg(&sql_path)
        .args(["-d", &url])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "psql: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv_path = dir.path().join("aggregates.csv");
    std::fs::write(&csv_path, &out.stdout).unwrap();
    let from_files = check_json(&strs(&file_args(examples)));
    let from_psql = check_json(&["--aggregates", &csv_path.display().to_string()]);
    assert_same(&from_files, &from_psql, "psql, examples");
}

const HEADER: &str =
    "kind,dataset,rule,period,group_name,as_of,rows,cond_true,cond_false,cond_unknown,\
maybe_true,maybe_false,maybe_unknown,num_sum,den_sum,num_unknown,den_unknown,weight_value_unknown,\
value_low,value_high,distinct_values,value_unknown,scope_unknown";

fn aggregates_file(dir: &Path, lines: &[&str]) -> String {
    let path = dir.join("aggregates.csv");
    std::fs::write(&path, format!("{HEADER}\r\n{}\r\n", lines.join("\r\n"))).unwrap();
    path.display().to_string()
}

#[test]
fn an_aggregates_file_from_another_engine_gives_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let file = aggregates_file(
        dir.path(),
        &[
            "rows,delegates,,,,2025-06-30,300,,,,,,,,,,,,,,,,",
            // 206 of 300 front-line: 4 to replace, or 14 to add, for 70%.
            "rule,delegates,delegates.frontline,,,2025-06-30,300,206,94,0,0,0,0,,,,,,,,,,",
            // 100 of 300 young, 10 unknown: at least 1/3 whatever they are.
            "rule,delegates,delegates.youth,,,2025-06-30,300,100,190,10,0,0,0,,,,,,,,,,",
        ],
    );
    let report = check_json(&["--aggregates", &file]);
    let result = |id: &str| {
        report["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["rule"] == id)
            .unwrap()
            .clone()
    };
    let frontline = result("delegates.frontline");
    assert_eq!(frontline["status"], "fail");
    assert_eq!(frontline["numerator"], 206);
    assert_eq!(frontline["denominator"], 300);
    assert_eq!(
        frontline["shortfall"],
        serde_json::json!({"numerator": 4, "add": 14})
    );
    let youth = result("delegates.youth");
    assert_eq!(youth["status"], "pass");
    assert_eq!(youth["unknown"], 10);
    // Datasets the file does not cover are skipped, as files not given.
    assert_eq!(result("committee.frontline")["status"], "skipped");
    // The query fixed its ages to 2025-06-30; another --as-of is refused.
    let out = reformcheck()
        .args([
            "check",
            "--aggregates",
            &file,
            "--as-of",
            "2024-01-01",
            "--lang",
            "en",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("computed on 2025-06-30"), "{e}");
}

#[test]
fn a_malformed_aggregates_file_or_table_binding_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.csv");
    std::fs::write(&path, "kind,dataset\nrows,delegates\n").unwrap();
    let e = fail(&["--aggregates", &path.display().to_string()]);
    assert!(e.contains("no column rule"), "{e}");
    let zh = reformcheck()
        .args(["check", "--aggregates", &path.display().to_string()])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&zh.stderr).contains("缺少列 rule"));
    let file = aggregates_file(
        dir.path(),
        &[
            "rows,delegates,,,,2025-06-30,300,,,,,,,,,,,,,,,,",
            "rule,delegates,delegates.frontline,,,2025-06-30,300,x,94,0,0,0,0,,,,,,,,,,",
        ],
    );
    let e = fail(&["--aggregates", &file]);
    assert!(e.contains("column cond_true holds `x`"), "{e}");
    let out = reformcheck()
        .args([
            "sql",
            "--dialect",
            "spark",
            "--table",
            "nosuch=t",
            "--lang",
            "en",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no dataset `nosuch`"));
}

#[test]
#[ignore = "needs PostgreSQL: .ci/warehouse.sh runs it (cargo test --test warehouse -- --ignored)"]
fn data_issues_come_back_as_counts_with_sample_keys_and_duplicate_groups() {
    let Some(url) = server("RC_PG", "PostgreSQL server") else {
        return;
    };
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    // On 2025-06-30 someone born in June 1979 is 45 or 46 depending on the day.
    client
        .batch_execute(
            "CREATE SCHEMA IF NOT EXISTS rc_issues; DROP TABLE IF EXISTS rc_issues.delegates;
             CREATE TABLE rc_issues.delegates (name TEXT, birth_date TEXT, unit_type TEXT, frontline TEXT);
             INSERT INTO rc_issues.delegates VALUES
               ('甲', '1979.06', '企业', NULL),
               ('乙', '', '企业', NULL),
               ('丙', '1980-13-01', '企业', NULL),
               ('丁', '1990-01-01', '其他', NULL),
               ('甲', ' 1979.06 ', '企业', NULL),
               ('戊', '1979-06-30', '党政机关', '');",
        )
        .unwrap();
    let report = check_json(&["--db", &url, "--table", "delegates=rc_issues.delegates"]);
    let issues: Vec<(String, String, String)> = report["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["column"].as_str().unwrap().to_string(),
                i["value"].as_str().unwrap().to_string(),
                i["message"]
                    .as_str()
                    .unwrap()
                    .split(' ')
                    .next()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    // In the order the rules read the columns: empty, unusable, month only.
    let expected = [
        ("frontline", "丁", "1"),
        ("birth_date", "乙", "1"),
        ("birth_date", "丙", "1"),
        ("birth_date", "甲, 甲", "2"),
        ("name+birth_date", "甲 / 1979.06", "listed"),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(issues, expected);
    // The usual report in the other formats; no line numbers for counts.
    let table = reformcheck()
        .args([
            "check",
            "--db",
            &url,
            "--table",
            "delegates=rc_issues.delegates",
        ])
        .args(["--as-of", AS_OF])
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(
        table.contains("    [birth_date] “丙” 1 行的值无法使用"),
        "{table}"
    );
    assert!(table.contains("delegates.youth"), "{table}");
    // The month-only pair is unknown for youth; 戊 turns 46 on 2025-07-01.
    let youth = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "delegates.youth")
        .unwrap();
    assert_eq!(youth["numerator"], 2); // 丁 and 戊
    assert_eq!(youth["unknown"], 4); // 甲 twice, 乙, 丙
}

#[test]
#[ignore = "needs PostgreSQL: .ci/warehouse.sh runs it (cargo test --test warehouse -- --ignored)"]
fn without_table_bindings_each_dataset_is_its_own_table_and_absent_ones_are_skipped() {
    let Some(url) = server("RC_PG", "PostgreSQL server") else {
        return;
    };
    let data = data_sets(false);
    let examples = &data.sets[0].1;
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let delegates: Vec<_> = examples
        .iter()
        .filter(|(n, _, _)| n == "delegates")
        .cloned()
        .collect();
    client
        .batch_execute("DROP SCHEMA IF EXISTS rc_default CASCADE")
        .unwrap();
    load_pg(&mut client, "rc_default", "delegates", &delegates[0].2);
    // Unqualified names resolve through the search path.
    let url = format!("{url} options='-c search_path=rc_default'");
    let from_db = check_json(&["--db", &url]);
    let from_files = check_json(&strs(&file_args(&delegates)));
    assert_same(&from_files, &from_db, "PostgreSQL, default tables");
    let skipped = from_db["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "skipped")
        .count();
    let pack = Pack::embedded().unwrap();
    let others = pack
        .rules
        .iter()
        .filter(|r| pack.datasets[r.dataset].name != "delegates")
        .count();
    assert!(others > 0);
    // delegates.frontline_growth needs --previous, as with files.
    let baseline = pack.rules.iter().filter(|r| r.baseline.is_some()).count();
    assert_eq!(baseline, 1);
    assert_eq!(
        skipped,
        others + baseline,
        "every rule but those on delegates, and the baseline rule"
    );
}

/// An 18-digit ID number born on `yyyymmdd`, with its check digit.
fn id_number(yyyymmdd: &str, serial: &str) -> String {
    let first17 = format!("320102{yyyymmdd}{serial}");
    let check = reformcheck::input::id::check_digit(&first17).unwrap();
    format!("{first17}{check}")
}

#[test]
#[ignore = "needs PostgreSQL: .ci/warehouse.sh runs it (cargo test --test warehouse -- --ignored)"]
fn birth_dates_come_from_id_numbers_as_in_files() {
    let Some(url) = server("RC_PG", "PostgreSQL server") else {
        return;
    };
    let bad_check = {
        let good = id_number("19800101", "001");
        let last = if good.ends_with('0') { '1' } else { '0' };
        format!("{}{last}", &good[..17])
    };
    let rows: Vec<[String; 5]> = [
        // Empty date: the ID number's (1980-05-12, young on 2025-06-30).
        ("甲", "", id_number("19800512", "001")),
        // Month only, agreeing: the ID number gives the day (45 on the day).
        ("乙", "1979.06", id_number("19790630", "002")),
        ("丙", "1979.06", id_number("19790615", "003")),
        // `1975.1` is October by the ID number.
        ("丁", "1975.1", id_number("19751003", "004")),
        // Disagreeing: unknown.
        ("戊", "1980-01-01", id_number("19810101", "005")),
        // A wrong check digit: the date stands alone.
        ("己", "1990-01-01", bad_check),
        // 15 digits: born 1985-07-01.
        ("庚", "", "320102850701123".to_string()),
        // Nothing at all: unknown.
        ("辛", "", String::new()),
    ]
    .iter()
    .map(|(n, b, id)| {
        [
            n.to_string(),
            b.to_string(),
            id.clone(),
            "企业".into(),
            String::new(),
        ]
    })
    .collect();
    let names: Vec<String> = ["name", "birth_date", "id_number", "unit_type", "frontline"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("delegates.csv");
    write_csv(
        &path,
        &names,
        &rows.iter().map(|r| r.to_vec()).collect::<Vec<_>>(),
    );
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    load_pg(&mut client, "rc_ids", "delegates", &path);
    let files = vec![("delegates".to_string(), path.clone(), path.clone())];
    let from_files = check_json(&strs(&file_args(&files)));
    let mut args = vec!["--db".to_string(), url.clone()];
    args.extend(table_args("rc_ids", &files));
    let from_db = check_json(&strs(&args));
    assert_same(&from_files, &from_db, "PostgreSQL, ID numbers");
    let youth = from_db["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "delegates.youth")
        .unwrap()
        .clone();
    // 甲, 乙, 己, 庚 young; 丙, 丁 not; 戊, 辛 unknown.
    assert_eq!(youth["numerator"], 4, "{youth}");
    assert_eq!(youth["unknown"], 2, "{youth}");
}
