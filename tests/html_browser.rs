//! Proves the HTML report renders in a real browser: headless Chromium
//! (Debian's `chromium`) loads the file, takes a screenshot and prints it to
//! PDF. Skipped, saying so, where Chromium is not installed — except under
//! CI (`CI` set), where `.ci/browser.sh` installs it and a missing browser
//! is a failure, not a silent pass.
//!
//! The screenshot is kept as `target/screenshots/report.png` for a person to
//! look at.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

fn find_chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

/// Runs Chromium headless on `page` with `extra` flags; returns its stdout.
/// A fresh profile each time, no network services, at most 90 seconds.
/// `--no-sandbox`: CI runs as root, where Chromium refuses its sandbox.
fn chromium(bin: &Path, page: &Path, extra: &[&str]) -> Vec<u8> {
    let profile = tempfile::tempdir().unwrap();
    let profile = profile.path();
    let mut child = std::process::Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--no-default-browser-check",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    // Read while it runs: the DOM is larger than a pipe's buffer.
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut out).map(|_| out)
    });
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "chromium exited with {status}");
            return reader.join().unwrap().unwrap();
        }
        if start.elapsed() > Duration::from_secs(90) {
            child.kill().ok();
            child.wait().ok();
            panic!("chromium did not finish within 90 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn html_report_renders_in_headless_chromium() {
    let Some(bin) = find_chromium() else {
        assert!(
            std::env::var_os("CI").is_none_or(|v| v.is_empty()),
            "CI is set but chromium is not installed: .ci/browser.sh installs it"
        );
        eprintln!(
            "SKIPPED html_report_renders_in_headless_chromium: chromium is not installed \
             (Debian: apt-get install chromium)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let report = |name: &str, view: &str| {
        let page = dir.path().join(name);
        let status = Command::cargo_bin("reformcheck")
            .unwrap()
            .args(["check", "examples/taizhou-2017", "--as-of", "2026-11-28"])
            .args(["--view", view, "--show-failing", "3", "--quiet"])
            .arg("--output")
            .arg(&page)
            .output()
            .unwrap()
            .status;
        assert_eq!(status.code(), Some(1));
        page
    };
    let page = report("report.html", "list");
    let matrix = report("matrix.html", "matrix");

    // The DOM Chromium built: every bar and table made it through the parser.
    for page in [&page, &matrix] {
        let html = std::fs::read_to_string(page).unwrap();
        let dom = String::from_utf8(chromium(&bin, page, &["--dump-dom"])).unwrap();
        assert!(dom.contains("<h1>改革目标达标检查报告</h1>"), "{dom}");
        assert_eq!(dom.matches("<svg").count(), html.matches("<svg").count());
        assert_eq!(dom.matches("<rect").count(), html.matches("<rect").count());
        assert_eq!(
            dom.matches("<table").count(),
            html.matches("<table").count()
        );
        assert!(dom.matches("<svg").count() > 100);
    }
    let dom = String::from_utf8(chromium(&bin, &matrix, &["--dump-dom"])).unwrap();
    assert_eq!(dom.matches("<table class=\"matrix\">").count(), 4);

    // A screenshot at A4 proportions, with the bars drawn in their colours.
    let shot = dir.path().join("report.png");
    chromium(
        &bin,
        &page,
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1240,1754",
            "--hide-scrollbars",
        ],
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (1240, 1754));
    let step = info.color_type.samples();
    let pixels = |rgb: [u8; 3]| {
        buf[..info.buffer_size()]
            .chunks(step)
            .filter(|p| p[..3] == rgb)
            .count()
    };
    // The first screen holds the summary and the first clause's bars: their
    // grey track (a colour only bars use), pass-green and fail-red fills.
    assert!(pixels([0xea, 0xee, 0xf2]) > 1000, "no bar tracks drawn");
    assert!(pixels([0x1a, 0x7f, 0x37]) > 1000, "no pass-green pixels");
    assert!(pixels([0xcf, 0x22, 0x2e]) > 1000, "no fail-red pixels");
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("screenshots");
    std::fs::create_dir_all(&keep).unwrap();
    std::fs::copy(&shot, keep.join("report.png")).unwrap();

    // Printed: A4 pages (595 × 842 pt).
    let pdf = dir.path().join("report.pdf");
    chromium(
        &bin,
        &page,
        &[
            &format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer",
        ],
    );
    let pdf = std::fs::read(pdf).unwrap();
    let text = String::from_utf8_lossy(&pdf);
    let pages = text.matches("/MediaBox [0 0 594.95996 841.91998]").count();
    assert!(pages >= 5, "expected A4 pages, found {pages}");
    assert_eq!(text.matches("/MediaBox").count(), pages, "every page is A4");
}
