//! Scale: the binary, run on large generated rosters, finds exactly the counts
//! the generator reports — per rule, per society, and every data issue.

use assert_cmd::Command;
use serde_json::Value;
use std::fs::File;
use std::io::BufWriter;

#[path = "../benches/support/gen.rs"]
mod gen;

/// Rows per file: large enough for many rows per society and thousands of
/// data issues, small enough for a debug build in CI.
const ROWS: u64 = 200_000;

fn results<'a>(json: &'a Value, rule: &str) -> Vec<&'a Value> {
    json["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["rule"] == rule)
        .collect()
}

fn assert_counts(r: &Value, share: &gen::Share) {
    let (num, den, unknown) = share.expected();
    assert_eq!(r["numerator"], num, "{r}");
    assert_eq!(r["denominator"], den, "{r}");
    assert_eq!(r["unknown"], unknown, "{r}");
}

/// The status a share without scope must have: pass if it holds with every
/// unknown false, fail if not even with every unknown true (`target` = p/q, ≥).
fn share_status(s: &gen::Share, p: u64, q: u64) -> &'static str {
    let n = s.yes + s.no + s.unknown;
    if s.yes * q >= p * n {
        "pass"
    } else if (s.yes + s.unknown) * q < p * n {
        "fail"
    } else {
        "indeterminate"
    }
}

#[test]
fn a_large_generated_roster_gives_exactly_the_generated_counts() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = gen::Config::new(ROWS, 7);
    // About 7% of rows with an unknown cell: more issues than a file lists.
    cfg.frontline_unknown = 40_000;
    cfg.young_unknown = 30_000;
    let create = |name: &str| BufWriter::new(File::create(dir.path().join(name)).unwrap());
    let delegates = gen::generate_delegates(&cfg, create("delegates.csv")).unwrap();
    let council = gen::generate_council(&cfg, create("society_council.csv")).unwrap();

    let out = Command::cargo_bin("reformcheck")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "delegates.csv", "society_council.csv"])
        .args(["--as-of", &cfg.as_of.to_string(), "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();

    let frontline = results(&json, "delegates.frontline");
    assert_eq!(frontline.len(), 1);
    assert_counts(frontline[0], &delegates.frontline);
    assert_eq!(
        frontline[0]["status"],
        share_status(&delegates.frontline, 7, 10)
    );
    let youth = results(&json, "delegates.youth");
    assert_eq!(youth.len(), 1);
    assert_counts(youth[0], &delegates.youth);
    assert_eq!(youth[0]["status"], share_status(&delegates.youth, 1, 3));

    let mut statuses = std::collections::BTreeSet::new();
    for (rule, pick, target) in [
        ("society_council.frontline", 0, (3, 5)),
        ("society_council.standing_frontline", 1, (2, 3)),
        ("society_council.young_middle", 2, (1, 3)),
    ] {
        let got = results(&json, rule);
        assert_eq!(
            got.len(),
            council.societies.len(),
            "{rule}: one result per society"
        );
        for r in got {
            let society = r["group"].as_str().unwrap();
            let c = &council.societies[society];
            let share = [&c.frontline, &c.standing_frontline, &c.young_middle][pick];
            assert_counts(r, share);
            if share.scope_unknown == 0 {
                assert_eq!(r["status"], share_status(share, target.0, target.1), "{r}");
            }
            statuses.insert(r["status"].as_str().unwrap().to_string());
        }
    }
    // The generator spreads societies' shares so that both outcomes occur.
    assert!(
        statuses.contains("pass") && statuses.contains("fail"),
        "{statuses:?}"
    );

    // Every unknown cell is an issue, listed in line order per file. (Random
    // names and birth dates also collide now and then: those rows are
    // reported as duplicates, which the generator does not count.)
    let issues: Vec<&Value> = json["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| !i["message"].as_str().unwrap().contains("重复登记"))
        // The generated file's 性别, 民族, … are headers the pack does not know.
        .filter(|i| {
            !i["message"]
                .as_str()
                .unwrap()
                .contains("不是本数据集认识的列")
        })
        // Some generated flags contradict their unit type (党政机关 but 是).
        .filter(|i| !i["message"].as_str().unwrap().contains("已按填写的"))
        .collect();
    for (dataset, expected) in [
        ("delegates", delegates.issues),
        ("society_council", council.issues),
    ] {
        let lines: Vec<u64> = issues
            .iter()
            .filter(|i| i["dataset"] == dataset)
            .map(|i| i["line"].as_u64().unwrap())
            .collect();
        assert_eq!(lines.len() as u64, expected, "{dataset}");
        assert!(
            lines.windows(2).all(|w| w[0] <= w[1]),
            "{dataset}: in line order"
        );
    }
    assert_eq!(out.status.code(), Some(1), "some societies fail");

    // The table counts every issue and says how many it does not list. Its
    // standard error is a pipe here, so no progress bar is drawn.
    let out = Command::cargo_bin("reformcheck")
        .unwrap()
        .current_dir(dir.path())
        .args([
            "check",
            "delegates.csv",
            "society_council.csv",
            "--lang",
            "en",
        ])
        .args(["--as-of", &cfg.as_of.to_string()])
        .output()
        .unwrap();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let duplicates = json["issues"].as_array().unwrap().len() - issues.len();
    let total = delegates.issues + council.issues + duplicates as u64;
    assert!(
        text.contains(&format!("\n{total} data issues:\n")),
        "{text}"
    );
    let more = total - 20;
    let note = format!("… and {more} more: --all-issues lists them all (so does --format json)");
    assert!(text.contains(&note), "{text}");

    // On a terminal, reading these files takes long enough for a progress
    // bar on standard error; `script` gives the run a terminal. With
    // `--format json` or `--quiet` there is none, terminal or not.
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped the progress-bar check: `script` (util-linux) is not installed");
        return;
    }
    let on_terminal = |args: &str| {
        let command = format!(
            "{} check delegates.csv society_council.csv --as-of {} {args} > /dev/null",
            env!("CARGO_BIN_EXE_reformcheck"),
            cfg.as_of
        );
        let out = std::process::Command::new("script")
            .current_dir(dir.path())
            .args(["-qec", &command, "/dev/null"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let drawn = on_terminal("--format table");
    assert!(
        drawn.contains("delegates.csv") && drawn.contains('%'),
        "no progress bar on a terminal: {drawn:?}"
    );
    for args in ["--format json", "--quiet"] {
        assert_eq!(on_terminal(args).trim(), "", "a progress bar with {args}");
    }
}
