//! Helpers shared by the CLI test files: run the real binary, parse its JSON,
//! find results, write fixture files.
#![allow(dead_code)] // each test file uses its own subset

use assert_cmd::Command;
use serde_json::Value;

/// The binary, without colour, and not fitted to the terminal of whoever
/// runs the tests (`COLUMNS`).
pub fn reformcheck() -> Command {
    let mut cmd = Command::cargo_bin("reformcheck").unwrap();
    cmd.env("NO_COLOR", "1").env_remove("COLUMNS");
    cmd
}

/// Runs the binary with `args`; returns (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let out = reformcheck().args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Runs `check ARGS --format json`; returns (exit code, parsed JSON).
pub fn check_json(args: &[&str]) -> (i32, Value) {
    let mut all = vec!["check"];
    all.extend(args);
    all.extend(["--format", "json"]);
    let (code, out, err) = run(&all);
    let json = serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {err}"));
    (code, json)
}

/// The one result of `rule` for `group` (`None`: ungrouped; `"total"`: pooled).
pub fn result<'a>(json: &'a Value, rule: &str, group: Option<&str>) -> &'a Value {
    let hits: Vec<&Value> = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["rule"] == rule)
        .filter(|r| match group {
            Some("total") => r["pooled"] == true,
            Some(g) => r["group"] == g,
            None => r["group"].is_null() && r["pooled"] == false,
        })
        .collect();
    assert_eq!(hits.len(), 1, "{rule} {group:?}: {hits:?}");
    hits[0]
}

/// Writes `bytes` to `dir/name`; returns the path as text.
pub fn write<B: AsRef<[u8]> + ?Sized>(dir: &tempfile::TempDir, name: &str, bytes: &B) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes.as_ref()).unwrap();
    path.display().to_string()
}

/// Issues as (line, column, value, message).
pub fn issues(json: &Value) -> Vec<(u64, String, String, String)> {
    json["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["line"].as_u64().unwrap(),
                i["column"].as_str().unwrap().to_string(),
                i["value"].as_str().unwrap().to_string(),
                i["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// One issue as [`issues`] lists it.
pub fn issue(line: u64, column: &str, value: &str, message: &str) -> (u64, String, String, String) {
    (line, column.into(), value.into(), message.into())
}
