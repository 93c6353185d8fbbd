//! Files the tool writes never destroy files it reads or a filled roster,
//! and a run writes all of its reports or none (issue 14, items 15-17).

mod common;

use common::{reformcheck, run, write};
use std::path::Path;

fn roster(dir: &tempfile::TempDir) -> String {
    write(
        dir,
        "delegates.csv",
        "姓名,出生日期,是否基层一线\n张三,1990-01-01,是\n李四,1960-01-01,是\n",
    )
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn the_rule_pack_is_never_overwritten_by_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let data = roster(&dir);
    let yaml = std::fs::read_to_string("rules/taizhou-2017.yaml").unwrap();
    let pack = write(&dir, "pack.txt", &yaml);
    let (code, _, err) = run(&[
        "check", &data, "--rules", &pack, "-o", &pack, "--lang", "en",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("this is an input file"), "{err}");
    assert_eq!(std::fs::read_to_string(&pack).unwrap(), yaml);
    // In Chinese too, and through a hard link.
    let link = dir.path().join("link.txt");
    std::fs::hard_link(&pack, &link).unwrap();
    let (code, _, err) = run(&[
        "check",
        &data,
        "--rules",
        &pack,
        "-o",
        link.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("这是输入文件"), "{err}");
    assert_eq!(std::fs::read_to_string(&pack).unwrap(), yaml);
}

#[test]
fn every_output_is_checked_before_any_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let data = roster(&dir);
    std::fs::create_dir(dir.path().join("dir.json")).unwrap();
    let a = dir.path().join("a.json");
    let d = dir.path().join("dir.json");
    let (code, _, err) = run(&[
        "check",
        &data,
        "-o",
        a.to_str().unwrap(),
        "-o",
        d.to_str().unwrap(),
        "--lang",
        "en",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("this is a directory"), "{err}");
    assert!(!a.exists(), "a.json was written although the run failed");
    // A folder that cannot be written: nothing is written either.
    #[cfg(unix)]
    if !is_root() {
        use std::os::unix::fs::PermissionsExt;
        let locked = dir.path().join("locked");
        std::fs::create_dir(&locked).unwrap();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
        let b = locked.join("b.json");
        let (code, _, _) = run(&[
            "check",
            &data,
            "-o",
            a.to_str().unwrap(),
            "-o",
            b.to_str().unwrap(),
        ]);
        assert_eq!(code, 2);
        assert!(!a.exists());
    }
    assert_eq!(names(dir.path()), ["delegates.csv", "dir.json"]);
}

#[cfg(unix)]
fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

#[cfg(unix)]
#[test]
fn a_replaced_report_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = roster(&dir);
    let out = dir.path().join("r.json");
    std::fs::write(&out, "old").unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o640)).unwrap();
    let (code, _, err) = run(&["check", &data, "-o", out.to_str().unwrap(), "-q"]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read_to_string(&out).unwrap().starts_with('{'));
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}

#[cfg(unix)]
#[test]
fn an_interrupted_run_leaves_no_temporary_file() {
    for signal in ["TERM", "INT"] {
        let dir = tempfile::tempdir().unwrap();
        let data = roster(&dir);
        let out = dir.path().join("r.html");
        let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("reformcheck"))
            .args(["check", &data, "-q", "-o", out.to_str().unwrap()])
            .env("REFORMCHECK_TEST_PAUSE_MS", "20000")
            .spawn()
            .unwrap();
        // Wait for the temporary file, then interrupt.
        let start = std::time::Instant::now();
        while !names(dir.path()).iter().any(|n| n.ends_with(".tmp")) {
            assert!(start.elapsed().as_secs() < 20, "no temporary file appeared");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        // The shell's own `kill`: no procps needed.
        let killed = std::process::Command::new("sh")
            .args(["-c", &format!("kill -{signal} {}", child.id())])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = child.wait_with_output().unwrap().status;
        assert_eq!(status.code(), Some(130), "{signal}");
        assert_eq!(names(dir.path()), ["delegates.csv"], "{signal}");
    }
}

#[test]
fn template_refuses_to_overwrite_a_filled_roster() {
    let dir = tempfile::tempdir().unwrap();
    let filled = roster(&dir);
    let before = std::fs::read(&filled).unwrap();
    let (code, _, err) = run(&["template", "delegates", "-o", &filled]);
    assert_eq!(code, 2);
    assert!(
        err.contains("已存在且已填写内容") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(std::fs::read(&filled).unwrap(), before);
    // An untouched template may be written again, --force replaces anything.
    let fresh = dir.path().join("new.csv").display().to_string();
    assert_eq!(run(&["template", "delegates", "-o", &fresh]).0, 0);
    assert_eq!(run(&["template", "delegates", "-o", &fresh]).0, 0);
    assert_eq!(
        run(&["template", "delegates", "-o", &fresh, "--lang", "en"]).0,
        0
    );
    let (code, _, err) = run(&["template", "delegates", "-o", &filled, "--force"]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read_to_string(&filled)
        .unwrap()
        .starts_with("\u{feff}姓名,出生日期"));
    assert_eq!(names(dir.path()), ["delegates.csv", "new.csv"]);
}

#[test]
fn template_refuses_a_filled_workbook_and_replaces_an_untouched_one() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("代表.xlsx").display().to_string();
    assert_eq!(run(&["template", "delegates", "-o", &book]).0, 0);
    assert_eq!(
        run(&["template", "delegates", "-o", &book]).0,
        0,
        "untouched"
    );
    // Fill in a second person.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in [
        "姓名",
        "出生日期",
        "身份证号",
        "工作单位",
        "单位类型",
        "是否基层一线",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "王五").unwrap();
    wb.save(&book).unwrap();
    let before = std::fs::read(&book).unwrap();
    let (code, _, err) = run(&["template", "delegates", "-o", &book, "--lang", "en"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("already exists and has been filled in"),
        "{err}"
    );
    assert_eq!(std::fs::read(&book).unwrap(), before);
}

#[cfg(unix)]
#[test]
fn template_does_not_write_through_a_symlink() {
    let dir = tempfile::tempdir().unwrap();
    let target = write(&dir, "roster.csv", "");
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let (code, _, err) = run(&["template", "delegates", "-o", link.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("符号链接"), "{err}");
    // --force replaces the link itself; the file it pointed to stays empty.
    let (code, _, _) = run(&[
        "template",
        "delegates",
        "-o",
        link.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(code, 0);
    assert_eq!(std::fs::read(&target).unwrap(), b"");
    assert!(!std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn template_takes_the_format_from_the_extension() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("delegates.xlsx");
    let (code, _, err) = run(&["template", "delegates", "-o", book.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        std::fs::read(&book).unwrap().starts_with(b"PK"),
        "a workbook, not CSV"
    );
    let csv = dir.path().join("delegates.csv");
    let (code, _, err) = run(&[
        "template",
        "delegates",
        "--xlsx",
        "-o",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("--xlsx"), "{err}");
    let out = reformcheck()
        .args([
            "template",
            "delegates",
            "-o",
            dir.path().join("t.xls").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn template_workbooks_offer_drop_down_lists() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("delegates.xlsx");
    assert_eq!(
        run(&["template", "delegates", "-o", book.to_str().unwrap()]).0,
        0
    );
    // Data validation lives in the sheet XML: read it from the zip.
    let sheet = sheet_xml(&book);
    // 单位类型 is column E, 是否基层一线 column F.
    assert!(
        sheet.contains(r#"sqref="E2:E1001""#) && sheet.contains("企业,高校,科研院所,乡镇（街道）"),
        "{sheet}"
    );
    assert!(
        sheet.contains(r#"sqref="F2:F1001""#) && sheet.contains("\"是,否\""),
        "{sheet}"
    );
}

/// The first worksheet's XML.
fn sheet_xml(book: &Path) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(book).unwrap()).unwrap();
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

#[test]
fn the_config_file_and_a_previous_roster_are_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let data = roster(&dir);
    let config = write(&dir, "mapping.txt", "[headers]\n单位类别 = \"单位类型\"\n");
    let (code, _, err) = run(&["check", &data, "--config", &config, "-o", &config]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("这是输入文件"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        "[headers]\n单位类别 = \"单位类型\"\n"
    );
    let old = write(&dir, "old.csv", "姓名,是否基层一线\n甲,是\n");
    let previous = format!("delegates={old}");
    let (code, _, err) = run(&["check", &data, "--previous", &previous, "-o", &old]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("这是输入文件"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&old).unwrap(),
        "姓名,是否基层一线\n甲,是\n"
    );
}
