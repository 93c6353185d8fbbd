//! The plan read as an auditor reads it (issue 11): the pack's readings are
//! shown, binding force follows the plan's word, whose target it is, who is
//! addressed, due dates against the data's period, 每年, indeterminate only
//! when it matters, shortfall wording, plan order and the added targets.

mod common;

use common::*;
use serde_json::{json, Value};

const EXAMPLES: &str = "examples/taizhou-2017";

fn statuses<'a>(json: &'a Value, rule: &str) -> Vec<(Option<&'a str>, &'a str)> {
    json["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["rule"] == rule)
        .map(|r| (r["group"].as_str(), r["status"].as_str().unwrap()))
        .collect()
}

// ---- 1. notes ----

#[test]
fn notes_are_shown_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        &dir,
        "delegates.csv",
        "姓名,出生日期,单位类型,是否基层一线\r\n张三,1980-01-01,企业,\r\n李四,1990-01-01,党政机关,\r\n",
    );
    let note = "年龄按 --as-of（换届选举日）计算周岁；45岁以下含45周岁。";
    let (_, json) = check_json(&[&path, "--as-of", "2026-01-01"]);
    assert_eq!(result(&json, "delegates.youth", None)["note"], note);
    assert_eq!(
        result(&json, "delegates.frontline", None)["note"],
        Value::Null
    );
    for fmt in ["table", "markdown", "csv", "junit", "html"] {
        let (_, out, _) = run(&["check", &path, "--as-of", "2026-01-01", "--format", fmt]);
        assert!(out.contains(note), "{fmt} does not show the note");
    }
    let (_, out, _) = run(&["check", &path, "--as-of", "2026-01-01"]);
    assert!(out.contains("规则说明（本规则包对方案的读法）\n  三(一) delegates.youth：年龄按"));
    // Rules skipped for want of a file do not pad the notes.
    assert!(!out.contains("societies.member_growth："), "{out}");
    let (_, out, _) = run(&["check", &path, "--as-of", "2026-01-01", "--lang", "en"]);
    assert!(out.contains("三(一) delegates.youth: Ages are full years (周岁) on --as-of"));
}

// ---- 2. binding force ----

const SOCIETY_HEADER: &str = "学会名称,级别,评估等级,上年末个人会员数,本年新增个人会员数,\
    上联国家或省级学会,下带县级学会,秘书长职业化,秘书处实体化,设立监事会,理事会党的工作小组,\
    办事机构党支部,与行政机关脱钩\n";

#[test]
fn aspirations_are_warnings_that_never_fail_the_run() {
    let dir = tempfile::tempdir().unwrap();
    // 4% growth (力争 5%), no supervisory board (指导), no branch (普遍), not
    // decoupled (推进): all aspirations. Everything binding is met.
    let path = write(
        &dir,
        "societies.csv",
        &format!("{SOCIETY_HEADER}甲学会,市级,4A,100,4,是,是,是,是,否,是,否,否\n"),
    );
    let (code, json) = check_json(&[&path, "--as-of", "2026-01-01"]);
    for (rule, word) in [
        ("societies.member_growth", "力争"),
        ("societies.supervisory_board", "指导"),
        ("societies.party_branch", "普遍"),
        ("societies.decoupled", "推进"),
    ] {
        let r = result(&json, rule, Some("甲学会"));
        assert_eq!(
            (&r["status"], &r["severity"], &r["binding"]),
            (&json!("fail"), &json!("warning"), &json!(word)),
            "{rule}"
        );
    }
    let link = result(&json, "societies.upper_lower_link", Some("甲学会"));
    assert_eq!(
        (&link["severity"], &link["binding"]),
        (&json!("error"), &json!("要"))
    );
    assert_eq!(code, 0, "aspirations never exit 1 under --fail-on error");
    let (code, _) = check_json(&[&path, "--as-of", "2026-01-01", "--fail-on", "warning"]);
    assert_eq!(code, 1);
    let (_, out, _) = run(&["check", &path, "--as-of", "2026-01-01"]);
    assert!(out.contains("≥ 5%（力争）"), "{out}");
    assert!(out.contains("societies.member_growth（提示）"), "{out}");
    assert!(out.contains("= 100%（要）"), "{out}");
    let (_, out, _) = run(&["check", &path, "--as-of", "2026-01-01", "--lang", "en"]);
    assert!(out.contains("≥ 5% (力争: aspiration)"), "{out}");
}

// ---- 3. whose target ----

#[test]
fn a_city_wide_target_is_judged_on_the_city_figure_only() {
    let dir = tempfile::tempdir().unwrap();
    // 甲区 10% of 100,000; 乙区 20% of 300,000: the city has 17.5%.
    let path = write(
        &dir,
        "districts.csv",
        // Every other column of the dataset is there and meets its target, so
        // that the exit code speaks of science literacy alone.
        "市（区）,年度,独立建制,设立党组,科协负责人参加同级人大常委会,科协负责人参加同级政协常委会,\
         听取科协工作汇报,乡镇（街道）数,已建科协组织的乡镇（街道）数,农技协覆盖的乡镇（街道）数,园区数,\
         已建科协组织的园区数,规模以上工业企业数,已建科协组织的规模以上工业企业数,高新技术企业数,\
         已建科协组织的高新技术企业数,常住人口,财政科普经费（元）,公民具备科学素质比例\n\
         甲区,2021,是,是,是,是,是,10,10,10,2,2,10,10,10,10,100000,300000,10%\n\
         乙区,2021,是,是,是,是,是,10,10,10,2,2,10,10,10,10,300000,900000,20%\n",
    );
    let (code, json) = check_json(&[&path, "--as-of", "2026-01-01"]);
    let a = result(&json, "districts.science_literacy", Some("甲区"));
    assert_eq!(
        (&a["status"], &a["severity"]),
        (&json!("fail"), &json!("info"))
    );
    let city = result(&json, "districts.science_literacy", Some("total"));
    assert_eq!(
        (&city["status"], &city["severity"], &city["numerator"]),
        (&json!("pass"), &json!("error"), &json!(70000))
    );
    assert_eq!(code, 0, "a district's reference figure never fails the run");
    let (code, _) = check_json(&[&path, "--as-of", "2026-01-01", "--fail-on", "warning"]);
    assert_eq!(code, 0, "not even under --fail-on warning");
    let (_, out, _) = run(&["check", &path, "--as-of", "2026-01-01"]);
    assert!(out.contains("districts.science_literacy（参考）"), "{out}");
    assert!(out.contains("需提高 5 个百分点"), "{out}");
}

#[test]
fn each_level_holds_its_own_funding_including_shi_ben_ji() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        &dir,
        "districts.csv",
        "市（区）,年度,常住人口,财政科普经费（元）,乡镇（街道）数,已建科协组织的乡镇（街道）数,独立建制,设立党组\n\
         甲区,2021,100000,300000,5,5,是,是\n\
         医药高新区,2021,50000,100000,2,1,否,否\n\
         市本级,2021,150000,420000,,,,\n",
    );
    let (code, json) = check_json(&[&path, "--as-of", "2026-01-01"]);
    assert_eq!(
        statuses(&json, "districts.popsci_funding"),
        [
            (Some("甲区"), "pass"),
            (Some("医药高新区"), "fail"),
            (Some("市本级"), "fail")
        ]
    );
    // 各级: no pooled "全市合计" of the budgets.
    assert!(!json["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["rule"] == "districts.popsci_funding" && r["pooled"] == true));
    assert_eq!(
        result(&json, "districts.popsci_funding", Some("市本级"))["shortfall"],
        json!({"numerator": 30000, "add": null})
    );
    // 4. 八(一)'s "市(区)…应" does not hold 医药高新区 (nor 市本级), with the reason.
    let zone = result(
        &json,
        "districts.independent_party_group",
        Some("医药高新区"),
    );
    assert_eq!(zone["status"], "not_applicable");
    assert_eq!(zone["reason"]["code"], "not_addressed");
    assert!(zone["reason"]["text"]
        .as_str()
        .unwrap()
        .contains("医药高新区与各市（区）分列"));
    // Township coverage holds every township, the zone's included; 市本级 has none.
    let t = result(&json, "districts.township_coverage", Some("医药高新区"));
    assert_eq!(t["status"], "fail");
    let t = result(&json, "districts.township_coverage", Some("市本级"));
    assert_eq!(
        (&t["status"], &t["reason"]["code"]),
        (&json!("not_applicable"), &json!("not_addressed"))
    );
    let total = result(&json, "districts.township_coverage", Some("total"));
    assert_eq!(
        (&total["numerator"], &total["denominator"]),
        (&json!(6), &json!(7))
    );
    assert_eq!(code, 1);
}

// ---- 5 and 8. scope of 上联下带; indeterminate only when it matters ----

#[test]
fn link_holds_city_level_societies_rated_3a_and_an_unreadable_rating_matters_only_if_unlinked() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        &dir,
        "societies.csv",
        "学会名称,级别,评估等级,上联国家或省级学会,下带县级学会\n\
         县学会,县级,3A,否,否\n\
         市学会,市级,3A,是,否\n\
         已联学会,市级,待评,是,是\n\
         未联学会,市级,待评,是,否\n",
    );
    let (_, json) = check_json(&[&path, "--as-of", "2026-01-01"]);
    assert_eq!(
        statuses(&json, "societies.upper_lower_link"),
        [
            (Some("市学会"), "fail"),
            (Some("已联学会"), "pass"),
            (Some("未联学会"), "indeterminate")
        ]
    );
    let linked = result(&json, "societies.upper_lower_link", Some("已联学会"));
    assert_eq!(linked["unknown"], 1);
    // If it is rated 3A or above it must link down: the shortfall assumes so.
    let unlinked = result(&json, "societies.upper_lower_link", Some("未联学会"));
    assert_eq!(unlinked["shortfall"], json!({"numerator": 1, "add": null}));
    assert!(
        result(&json, "societies.upper_lower_link", Some("市学会"))["note"]
            .as_str()
            .unwrap()
            .contains("评估等级视为有效")
    );
}

// ---- 7. 每年 ----

#[test]
fn every_year_from_the_plans_year_names_the_missing_years() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        &dir,
        "districts.csv",
        "市（区）,年度,听取科协工作汇报\n\
         甲区,2016,否\n甲区,2018,否\n甲区,2019,是\n甲区,2020,否\n\
         乙区,2019,是\n乙区,2020,是\n",
    );
    let (code, json) = check_json(&[&path, "--as-of", "2026-01-01"]);
    let a = result(&json, "districts.annual_report", Some("甲区"));
    // 2016 is before the plan (2017) and is not held.
    assert_eq!(
        (
            &a["status"],
            &a["numerator"],
            &a["denominator"],
            &a["years_unmet"]
        ),
        (&json!("fail"), &json!(1), &json!(3), &json!([2018, 2020]))
    );
    assert_eq!(
        result(&json, "districts.annual_report", Some("乙区"))["status"],
        "pass"
    );
    assert_eq!(code, 1);
    // Up to the year checked only.
    let (_, json) = check_json(&[&path, "--as-of", "2026-01-01", "--year", "2019"]);
    let a = result(&json, "districts.annual_report", Some("甲区"));
    assert_eq!(a["years_unmet"], json!([2018]));
    let (_, out, _) = run(&["check", &path, "--as-of", "2026-01-01"]);
    assert!(out.contains("2018、2020 年未达标"), "{out}");
    let (_, out, _) = run(&["check", &path, "--as-of", "2026-01-01", "--lang", "en"]);
    assert!(out.contains("not met in 2018, 2020"), "{out}");
}

// ---- 9. shortfall wording ----

#[test]
fn shortfalls_say_what_to_do_in_whole_units() {
    let (_, zh, _) = run(&["check", EXAMPLES, "--as-of", "2026-11-28"]);
    for want in [
        "需再增加 4 名基层一线代表（替换），或增补 14 名基层一线代表",
        "需再增加 36 家规上企业建立科协组织",
        "需将 1 名兼职副主席换为其他行业领域的人选",
        "需提高 1.2 个百分点",
        "需再增加 1 个学会实现上联下带",
        "需再增加 1 个学会设立监事会",
        "需成立泰州市青少年科学创客联盟",
    ] {
        assert!(zh.contains(want), "missing {want}");
    }
    assert!(
        !zh.contains("需需") && !zh.contains("需建立科协组织"),
        "doubled 需"
    );
    assert!(
        !zh.contains("名公民"),
        "a survey rate is not a count of citizens"
    );
    // No bare number: every shortfall has its unit.
    for line in zh.lines() {
        let cells: Vec<&str> = line.split('┆').map(str::trim).collect();
        if let Some(words) = cells.get(6) {
            assert!(
                !words.ends_with(|c: char| c.is_ascii_digit()),
                "bare number: {line}"
            );
        }
    }
    let (_, en, _) = run(&["check", EXAMPLES, "--as-of", "2026-11-28", "--lang", "en"]);
    for want in [
        "needs 1 more front-line delegate (by replacement), or add 1 front-line delegate",
        "needs 4 more front-line delegates (by replacement), or add 14 front-line delegates",
        "replace 1 vice chair with someone from another field",
        "needs 1.2 more percentage points",
        "needs 36 more enterprises to organise",
    ] {
        assert!(en.contains(want), "missing {want}");
    }
}

// ---- 10. plan order ----

#[test]
fn every_format_lists_rules_in_the_plans_clause_order() {
    let (_, json) = check_json(&[EXAMPLES, "--as-of", "2026-11-28"]);
    let numeral = |c: char| "一二三四五六七八九十".chars().position(|d| d == c).unwrap();
    let keys: Vec<(usize, usize)> = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let c: Vec<char> = r["clause"].as_str().unwrap().chars().collect();
            (numeral(c[0]), numeral(c[2]))
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    for fmt in ["table", "markdown", "csv", "junit", "html"] {
        let (_, out, _) = run(&["check", EXAMPLES, "--as-of", "2026-11-28", "--format", fmt]);
        let out = out.replace("\\_", "_"); // markdown escapes underscores
        let link = out.find("societies.upper_lower_link").unwrap();
        let growth = out.find("societies.member_growth").unwrap();
        let literacy = out.find("districts.science_literacy").unwrap();
        let branch = out.find("societies.party_branch").unwrap();
        // 四(一) < 七(一) < 九(二) within the societies; JUnit keeps one suite per
        // dataset (in the order of their first rule), the others are one list
        // where 五(一)'s districts rule sits between them.
        assert!(link < growth && growth < branch, "{fmt}");
        if fmt != "junit" {
            assert!(link < literacy && literacy < growth, "{fmt}");
        }
    }
}

// ---- 11-13. added targets ----

#[test]
fn the_city_associations_own_items_are_checked() {
    let city = format!("{EXAMPLES}/city.csv");
    let (code, json) = check_json(&[&city, "--as-of", "2026-11-28"]);
    let annual = result(&json, "city.annual_report", None);
    assert_eq!(
        (
            &annual["status"],
            &annual["years_unmet"],
            &annual["denominator"]
        ),
        (&json!("fail"), &json!([2024]), &json!(4))
    );
    assert_eq!(result(&json, "city.maker_alliance", None)["status"], "fail");
    assert_eq!(
        result(&json, "city.university_federation", None)["status"],
        "pass"
    );
    // 13,500,000 yuan for 4,500,000 people: exactly 3.
    let funding = result(&json, "city.popsci_funding", None);
    assert_eq!(
        (
            &funding["status"],
            &funding["numerator"],
            &funding["denominator"]
        ),
        (&json!("pass"), &json!(13500000), &json!(4500000))
    );
    assert_eq!(code, 1);
    // 2019 ends before 到2020年: pending, long after the due date.
    let (_, json) = check_json(&[&city, "--as-of", "2026-11-28", "--year", "2019"]);
    assert_eq!(
        result(&json, "city.popsci_funding", None)["status"],
        "pending"
    );
    assert_eq!(
        result(&json, "city.science_museum_plate", None)["status"],
        "fail"
    );
    let (_, json) = check_json(&[EXAMPLES, "--as-of", "2026-11-28"]);
    assert_eq!(
        statuses(&json, "districts.kx_head_in_congress")[2..5],
        [
            (Some("医药高新区"), "not_applicable"),
            (Some("姜堰区"), "pass"),
            (Some("兴化市"), "fail")
        ]
    );
    let decoupled = result(&json, "societies.decoupled", Some("泰州市中医药学会"));
    assert_eq!(
        (&decoupled["status"], &decoupled["severity"]),
        (&json!("fail"), &json!("warning"))
    );
}

// ---- 14. against the previous congress ----

#[test]
fn frontline_share_must_grow_over_the_previous_congress() {
    let delegates = format!("{EXAMPLES}/delegates.csv");
    let previous = format!("delegates={EXAMPLES}/previous/delegates.csv");
    // Previous 180/250 = 72%; now 206/300: 217 needed (> 216), or 36 added.
    let (code, json) = check_json(&[&delegates, "--as-of", "2026-11-28", "--previous", &previous]);
    let r = result(&json, "delegates.frontline_growth", None);
    assert_eq!(
        (&r["status"], &r["target"]["op"], &r["target"]["value"]),
        (&json!("fail"), &json!(">"), &json!("18/25"))
    );
    assert_eq!(r["shortfall"], json!({"numerator": 11, "add": 36}));
    assert_eq!(code, 1);
    // Given as a number.
    let (_, json) = check_json(&[
        &delegates,
        "--as-of",
        "2026-11-28",
        "--previous",
        "delegates=65%",
    ]);
    assert_eq!(
        result(&json, "delegates.frontline_growth", None)["status"],
        "pass"
    );
    // Without it: skipped, saying how to give it, and the exit code does not change.
    let (_, json) = check_json(&[&delegates, "--as-of", "2026-11-28"]);
    let r = result(&json, "delegates.frontline_growth", None);
    assert_eq!(
        (&r["status"], &r["reason"]["code"]),
        (&json!("skipped"), &json!("no_previous"))
    );
    // A previous roster with an unknown row: 1/2 to 2/2 then; 3/5 now is above
    // one and below the other.
    let dir = tempfile::tempdir().unwrap();
    let old = write(
        &dir,
        "old.csv",
        "姓名,单位类型,是否基层一线\n甲,企业,\n乙,医院,\n",
    );
    let now = write(
        &dir,
        "delegates.csv",
        "姓名,单位类型\n甲,企业\n乙,企业\n丙,企业\n丁,党政机关\n戊,党政机关\n",
    );
    let (_, json) = check_json(&[
        &now,
        "--as-of",
        "2026-11-28",
        "--previous",
        &format!("delegates={old}"),
    ]);
    assert_eq!(
        result(&json, "delegates.frontline_growth", None)["status"],
        "indeterminate"
    );
    // Mistakes are errors (exit 2) that say what to write.
    let (code, _, err) = run(&["check", &delegates, "--previous", "delegates=很多"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("既不是已有的文件，也不是 0%–100% 之间的比例"),
        "{err}"
    );
    let (code, _, err) = run(&["check", &delegates, "--previous", "nobody=50%"]);
    assert_eq!(code, 2);
    assert!(err.contains("没有名为 nobody 的数据集"), "{err}");
    let (code, _, err) = run(&["check", &delegates, "--previous", "committee=50%"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("committee 数据集没有与上届比较的规则"),
        "{err}"
    );
    let (code, _, err) = run(&[
        "check",
        &delegates,
        "--previous",
        "delegates=60%",
        "--lang",
        "en",
        "--previous",
        "delegates=70%",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("dataset delegates is given twice"), "{err}");
}

#[test]
fn english_counts_are_singular_for_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        &dir,
        "delegates.csv",
        "姓名,单位类型,是否基层一线\n甲,企业,\n乙,企业,\n丙,医院,\n",
    );
    let (_, out, _) = run(&[
        "check",
        &path,
        "--lang",
        "en",
        "--explain",
        "delegates.frontline",
    ]);
    assert!(out.contains("1 data issue:"), "{out}");
    assert!(out.contains(": 1 row not met or unknown ("), "{out}");
    // 2 of 3 front-line (丙 unknown): one to replace or one to add, both singular.
    assert!(
        out.contains(
            "needs 1 more front-line delegate (by replacement), or add 1 front-line delegate"
        ),
        "{out}"
    );
}

/// The previous congress may stand in reformcheck.toml instead of on the
/// command line: a share, or a roster relative to the config file; the
/// command line wins for the same dataset.
#[test]
fn the_previous_congress_can_be_given_in_the_config_file() {
    let delegates = format!("{}/{EXAMPLES}/delegates.csv", env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("old")).unwrap();
    std::fs::copy(
        format!("{EXAMPLES}/previous/delegates.csv"),
        dir.path().join("old/delegates.csv"),
    )
    .unwrap();
    let config = write(
        &dir,
        "office.toml",
        "[previous]\ndelegates = \"old/delegates.csv\"\n",
    );
    // 206/300 now against 180/250 = 72% then: not grown.
    let (code, json) = check_json(&[&delegates, "--as-of", "2026-11-28", "--config", &config]);
    let r = result(&json, "delegates.frontline_growth", None);
    assert_eq!(
        (&r["status"], &r["target"]["value"]),
        (&json!("fail"), &json!("18/25"))
    );
    assert_eq!(code, 1);
    let config = write(&dir, "share.toml", "[previous]\ndelegates = \"65%\"\n");
    let (_, json) = check_json(&[&delegates, "--as-of", "2026-11-28", "--config", &config]);
    let r = result(&json, "delegates.frontline_growth", None);
    assert_eq!(
        (&r["status"], &r["target"]["value"]),
        (&json!("pass"), &json!("13/20"))
    );
    // --previous wins over the file.
    let (_, json) = check_json(&[
        &delegates,
        "--as-of",
        "2026-11-28",
        "--config",
        &config,
        "--previous",
        "delegates=69%",
    ]);
    let r = result(&json, "delegates.frontline_growth", None);
    assert_eq!(
        (&r["status"], &r["target"]["value"]),
        (&json!("fail"), &json!("69/100"))
    );
}
