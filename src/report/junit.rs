//! `--format junit`: JUnit XML for CI dashboards. One `<testsuite>` per
//! dataset, one `<testcase>` per rule and group (classname = rule id).
//! `fail` and `indeterminate` are failures whose message says by how much;
//! `pending`, `skipped` and `not_applicable` are skipped with the reason.

use super::{
    actual_text, group_label, previous_text, shortfall_words, Render, RenderOptions, Report,
    RuleResult, Status,
};
use crate::Lang;
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;
use std::io;

pub struct Junit;

/// Replaces characters XML 1.0 forbids even when escaped (control
/// characters other than tab and newlines) with U+FFFD.
pub fn xml_safe(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => '\u{fffd}',
            c => c,
        })
        .collect()
}

fn counts(results: &[&RuleResult]) -> [(&'static str, String); 4] {
    let failures = results.iter().filter(|r| failed(r)).count();
    let skipped = results
        .iter()
        .filter(|r| !failed(r) && r.status != Status::Pass)
        .count();
    [
        ("tests", results.len().to_string()),
        ("failures", failures.to_string()),
        ("errors", "0".to_string()),
        ("skipped", skipped.to_string()),
    ]
}

/// The lines that describe a result: actual, target, shortfall, due, previous.
fn details(r: &RuleResult, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut lines = vec![
        format!(
            "{}: {}",
            if zh { "状态" } else { "status" },
            r.status.label(lang)
        ),
        format!(
            "{}: {}",
            if zh { "实际" } else { "actual" },
            actual_text(r, lang)
        ),
        format!(
            "{}: {}",
            if zh { "目标" } else { "target" },
            super::target_text(r, lang)
        ),
    ];
    if let Some(note) = &r.note {
        lines.push(format!(
            "{}: {}",
            if zh { "说明" } else { "reading" },
            note.get(lang)
        ));
    }
    let words = shortfall_words(r, lang);
    if !words.is_empty() {
        lines.push(format!(
            "{}: {words}",
            if zh { "差距" } else { "shortfall" }
        ));
    }
    if let Some(due) = r.due {
        lines.push(format!("{}: {due}", if zh { "期限" } else { "due" }));
    }
    let prev = previous_text(r, lang);
    if !prev.is_empty() {
        lines.push(prev);
    }
    if let Some(x) = r.explanation.as_ref().filter(|x| x.total > 0) {
        lines.push(super::explanation_heading(r, x, lang));
        for row in &x.rows {
            lines.push(format!(
                "  {}:{} {} [{}] {}",
                x.file,
                row.line,
                row.name,
                row.state_label(lang),
                row.values_text(lang)
            ));
        }
    }
    xml_safe(&lines.join("\n"))
}

fn testcase<W: io::Write>(w: &mut Writer<W>, r: &RuleResult, lang: Lang) -> io::Result<()> {
    let group = group_label(r, lang);
    let mut name = format!("{} {}", r.clause, r.title.get(lang));
    if !group.is_empty() {
        name.push_str(&format!(" [{group}]"));
    }
    let name = xml_safe(&name);
    let classname = xml_safe(&r.rule);
    let detail = details(r, lang);
    let message = xml_safe(&{
        let words = shortfall_words(r, lang);
        let mut m = format!(
            "{}: {} ({})",
            r.status.label(lang),
            actual_text(r, lang),
            r.target
        );
        if !words.is_empty() {
            m.push_str(&format!("; {words}"));
        }
        m
    });
    w.create_element("testcase")
        .with_attributes([
            ("name", name.as_str()),
            ("classname", classname.as_str()),
            ("time", "0"),
        ])
        .write_inner_content(|w| {
            match r.status {
                _ if failed(r) => {
                    let kind = if r.not_checked() {
                        "not_checked"
                    } else {
                        r.status.as_str()
                    };
                    w.create_element("failure")
                        .with_attributes([("type", kind), ("message", message.as_str())])
                        .write_text_content(BytesText::new(&detail))?;
                }
                Status::Fail
                | Status::Indeterminate
                | Status::Pending
                | Status::Skipped
                | Status::NotApplicable => {
                    let why = match (&r.reason, r.status) {
                        (Some(why), _) => why.text(lang, &r.dataset),
                        (None, _) => message.clone(),
                    };
                    w.create_element("skipped")
                        .with_attribute(("message", xml_safe(&why).as_str()))
                        .write_empty()?;
                }
                Status::Pass => {}
            }
            if !failed(r) {
                w.create_element("system-out")
                    .write_text_content(BytesText::new(&detail))?;
            }
            Ok(())
        })?;
    Ok(())
}

/// A failure for CI dashboards: fail, indeterminate, or not checked
/// although the data were given (a missing column; exit 1 too).
fn failed(r: &RuleResult) -> bool {
    matches!(r.status, Status::Fail | Status::Indeterminate) || r.not_checked()
}

impl Render for Junit {
    fn render(&self, report: &Report, opts: &RenderOptions) -> anyhow::Result<String> {
        let lang = opts.lang;
        let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        let all: Vec<&RuleResult> = report.results.iter().collect();
        let suite_name = xml_safe(&format!(
            "{}（{}）",
            report.plan.title.get(lang),
            report.plan.document
        ));
        let mut top = vec![("name", suite_name)];
        top.extend(counts(&all).map(|(k, v)| (k, v)));
        w.create_element("testsuites")
            .with_attributes(top.iter().map(|(k, v)| (*k, v.as_str())))
            .write_inner_content(|w| {
                let mut datasets: Vec<&str> = Vec::new();
                for r in &report.results {
                    if !datasets.contains(&r.dataset.as_str()) {
                        datasets.push(&r.dataset);
                    }
                }
                for d in datasets {
                    let results: Vec<&RuleResult> =
                        report.results.iter().filter(|r| r.dataset == d).collect();
                    let mut attrs = vec![("name", xml_safe(d))];
                    attrs.extend(counts(&results).map(|(k, v)| (k, v)));
                    w.create_element("testsuite")
                        .with_attributes(attrs.iter().map(|(k, v)| (*k, v.as_str())))
                        .write_inner_content(|w| {
                            w.create_element("properties").write_inner_content(|w| {
                                w.create_element("property")
                                    .with_attributes([
                                        ("name", "as_of"),
                                        ("value", report.as_of.to_string().as_str()),
                                    ])
                                    .write_empty()?;
                                let (file, sheet) = report.source_of(d);
                                for (name, value) in
                                    [("source_file", file), ("source_sheet", sheet)]
                                        .into_iter()
                                        .filter(|(_, v)| !v.is_empty())
                                {
                                    w.create_element("property")
                                        .with_attributes([
                                            ("name", name),
                                            ("value", value.as_str()),
                                        ])
                                        .write_empty()?;
                                }
                                Ok(())
                            })?;
                            for r in &results {
                                testcase(w, r, lang)?;
                            }
                            Ok(())
                        })?;
                }
                Ok(())
            })?;
        let mut text = String::from_utf8(w.into_inner())?;
        text.push('\n');
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::xml_safe;

    #[test]
    fn control_characters_become_replacement_characters() {
        assert_eq!(xml_safe("a\u{1}b\tc\n"), "a\u{fffd}b\tc\n");
    }
}
