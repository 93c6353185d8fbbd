//! Chinese first: errors, parse errors, help and the man page follow
//! `--lang` (errors: Chinese by default; help: `LANG` when `--lang` is not
//! given) — a clerk never meets an English-only message (issue 10.10).

mod common;

use common::{reformcheck, write};

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Runs with `LANG` set; returns (code, stdout, stderr).
fn run_with(lang: &str, args: &[&str]) -> (i32, String, String) {
    let out = reformcheck()
        .env("LANG", lang)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn common_errors_reach_a_chinese_user_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let roster = write(&dir, "delegates.csv", "姓名,是否基层一线\n张三,是\n");
    let broken = write(&dir, "broken.yaml", "plan: [unclosed\n");
    let bad_rule = write(
        &dir,
        "bad.yaml",
        &std::fs::read_to_string("rules/taizhou-2017.yaml")
            .unwrap()
            .replacen("dataset: delegates", "dataset: people", 1),
    );
    let cases: [(&[&str], &str, &str); 7] = [
        (
            &["check", "nosuchfile.csv"],
            "找不到这个文件",
            "no such file",
        ),
        (
            &["check", &roster, "--as-of", "2017-02-30"],
            "不是有效日期",
            "not a date",
        ),
        (
            &["check", &roster, "--explain", "nosuch.rule"],
            "没有这条规则",
            "no such rule",
        ),
        (
            &["check", &roster, "--rules", &broken],
            "不是有效的 YAML",
            "invalid rule pack",
        ),
        (
            &["check", &roster, "--rules", &bad_rule],
            "没有数据集“people”",
            "unknown dataset `people`",
        ),
        (
            &["check", &roster, "--formt", "json"],
            "不认识的参数“--formt”",
            "unexpected argument",
        ),
        (
            &["chek", &roster],
            "没有子命令“chek”",
            "unrecognized subcommand",
        ),
    ];
    for (args, zh, en) in cases {
        // English locale, no --lang: errors are still Chinese.
        let (code, out, err) = run_with("C.UTF-8", args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(err.starts_with("错误："), "{args:?}: {err}");
        let first = err.lines().next().unwrap();
        assert!(has_chinese(first) && first.contains(zh), "{args:?}: {err}");
        assert!(!err.contains("error:"), "{args:?}: {err}");
        // --lang en: English.
        let mut with_en = args.to_vec();
        with_en.extend(["--lang", "en"]);
        let (code, _, err) = run_with("zh_CN.UTF-8", &with_en);
        assert_eq!(code, 2, "{with_en:?}: {err}");
        assert!(
            err.starts_with("error:") && err.contains(en),
            "{with_en:?}: {err}"
        );
    }
}

#[test]
fn help_and_man_page_follow_lang_then_the_locale() {
    let (code, zh, _) = run_with("C.UTF-8", &["check", "--help", "--lang", "zh"]);
    assert_eq!(code, 0);
    assert!(zh.starts_with("按规则包的每条规则检查输入文件"), "{zh}");
    assert!(
        zh.contains("用法：") && zh.contains("显示帮助") && zh.contains("基准日期"),
        "{zh}"
    );
    assert!(
        !zh.contains("Print help") && !zh.contains("Possible values"),
        "{zh}"
    );
    let (_, from_locale, _) = run_with("zh_CN.UTF-8", &["--help"]);
    assert!(
        from_locale.contains("按改革方案的量化目标检查名册和统计表"),
        "{from_locale}"
    );
    let (_, en, _) = run_with("en_US.UTF-8", &["check", "--help"]);
    assert!(
        en.contains("Usage: reformcheck check") && en.contains("Print help"),
        "{en}"
    );
    let (_, en, _) = run_with("zh_CN.UTF-8", &["template", "--help", "--lang", "en"]);
    assert!(en.contains("Usage: reformcheck template"), "{en}");
    let (_, man, _) = run_with("zh_CN.UTF-8", &["man"]);
    assert!(
        man.contains(".SH 名称") && man.contains("显示帮助"),
        "{man}"
    );
    let (_, man, _) = run_with("C", &["man"]);
    assert!(man.contains(".SH NAME") && man.contains("Print help"));
    let (code, man, _) = run_with("C", &["man", "--lang", "zh"]);
    assert_eq!(code, 0);
    assert!(
        man.contains(".SH 名称") && man.contains("显示帮助"),
        "{man}"
    );
    let (_, man, _) = run_with("zh_CN.UTF-8", &["man", "--lang", "en"]);
    assert!(man.contains(".SH NAME"));
}
