//! Reading a row with the per-column cache of repeated texts
//! (`src/input/steps.rs`) reports what reading without it did.

mod common;
use common::*;

/// A pack whose flag column stands for an empty cell with a padded,
/// unreadable default.
const PACK: &str = "plan: {id: t, title: {zh: 测试}, document: 测试〔2024〕1号, date: 2024-01-01}
datasets:
  people:
    title: {zh: 人员}
    key: name
    columns:
      name: {type: text, headers: [姓名]}
      ok: {type: bool, headers: [合格], empty: \" 待定 \"}
rules:
  - id: people.ok
    clause: 一
    title: {zh: 合格比例}
    quote: 合格
    dataset: people
    measure: {share: {flag: ok}}
    target: 超过1/2
";

#[test]
fn an_empty_cells_default_is_quoted_as_the_pack_writes_it_on_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let pack = write(&dir, "pack.yaml", PACK);
    // The default twice (the second from the cache), and the same text typed.
    let data = write(
        &dir,
        "people.csv",
        "姓名,合格\n甲,\n乙,是\n丙,\n丁, 待定 \n",
    );
    let (code, json) = check_json(&[&data, "--rules", &pack]);
    assert_eq!(code, 1);
    let message = "无法识别的是/否值：请填写 是 或 否";
    assert_eq!(
        issues(&json),
        vec![
            issue(2, "合格", " 待定 ", message),
            issue(4, "合格", " 待定 ", message),
            issue(5, "合格", "待定", message),
        ]
    );
}
