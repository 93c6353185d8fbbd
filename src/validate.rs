//! `reformcheck validate`: reads every input as `check` would and reports the
//! data issues, without evaluating any target. Exit 0 clean, 1 issues,
//! 2 unusable (an error).

use crate::cli::ValidateArgs;
use crate::input::{self, DatasetReader, ReadOptions};
use crate::report::{issues, Format, Issues};
use crate::{Env, Lang};
use anyhow::{bail, Result};
use serde::Serialize;
use std::fmt::Write;
use std::io::Write as _;

/// What was read from one file.
#[derive(Debug, Serialize)]
pub struct FileReport {
    pub dataset: String,
    pub file: String,
    /// The encoding, or the sheet.
    pub read_as: String,
    pub rows: u64,
    /// Columns some rule reads that the file lacks: those rules are skipped.
    pub missing_columns: Vec<String>,
}

#[derive(Serialize)]
struct Doc<'a> {
    files: &'a [FileReport],
    summary: Summary,
    issues: &'a Issues,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    rows: u64,
    issues: usize,
}

pub fn run(args: ValidateArgs, env: Env, out: &mut dyn std::io::Write) -> Result<u8> {
    let pack = crate::config::load_pack(args.rules.as_deref(), &args.read)?;
    let mut bindings = input::bind(&args.inputs, &pack)?;
    bindings.sort_by_key(|b| b.dataset);
    let read = ReadOptions {
        lang: args.lang,
        as_of: args.as_of.unwrap_or(env.today),
        encoding: args.read.encoding,
        sheet: args.read.sheet.clone(),
        threads: args.read.threads(),
        part_bytes: args.read.part_bytes(),
    };
    let mut files = Vec::new();
    let mut found = Issues::new();
    for b in &bindings {
        let dataset = &pack.datasets[b.dataset];
        let mut reader = DatasetReader::open(dataset, b, &read)?;
        // Empty cells matter where a rule reads them, exactly as in `check`.
        let mut missing: Vec<String> = Vec::new();
        for rule in pack.rules.iter().filter(|r| r.dataset == b.dataset) {
            let cols = rule.columns();
            if cols.iter().all(|c| reader.has(*c)) {
                reader.use_columns(&cols);
            }
            for c in cols.into_iter().filter(|c| !reader.has(*c)) {
                // Names the file's unknown header that is probably it.
                let text = reader.describe_missing(c);
                if !missing.contains(&text) {
                    missing.push(text);
                }
            }
        }
        reader.use_all_present();
        let first_issue = found.mark();
        let rows = reader.read_all(&mut found)?;
        reader.duplicates_read()?;
        // Duplicates come last; the file's issues are listed in line order.
        found.sort_by_line_from(first_issue);
        if rows == 0 {
            bail!(crate::tr!(
                "{}：只有表头没有数据，请给出至少有一行数据的文件",
                "{}: no rows: the file has a header but no data; give a file with at least one row",
                reader.file
            ));
        }
        files.push(FileReport {
            dataset: dataset.name.clone(),
            file: reader.file.clone(),
            read_as: reader.format.clone(),
            rows,
            missing_columns: missing,
        });
    }
    let written = match args.format {
        Format::Json => {
            let doc = Doc {
                files: &files,
                summary: Summary {
                    files: files.len(),
                    rows: files.iter().map(|f| f.rows).sum(),
                    issues: found.len(),
                },
                issues: &found,
            };
            // Streamed: every issue is listed.
            let mut out = std::io::BufWriter::new(&mut *out);
            serde_json::to_writer_pretty(&mut out, &doc)
                .map_err(anyhow::Error::from)
                .and_then(|()| Ok(out.write_all(b"\n")?))
                .and_then(|()| Ok(out.flush()?))
        }
        _ => {
            let mut out = std::io::BufWriter::new(&mut *out);
            let head = table(&files, &found, args.lang)?;
            out.write_all(crate::report::width::fit(&head, env.width).as_bytes())
                .map_err(anyhow::Error::from)
                .and_then(|()| {
                    issues::write(&mut out, &found, args.lang, args.all_issues, env.width)
                })
                .and_then(|()| Ok(out.flush()?))
        }
    };
    crate::ignore_broken_pipe(written)?;
    Ok(u8::from(!found.is_empty()))
}

/// The files read, or that none has issues; the issues follow.
fn table(files: &[FileReport], found: &Issues, lang: Lang) -> Result<String> {
    let zh = lang == Lang::Zh;
    let mut out = String::new();
    for f in files {
        if zh {
            write!(
                out,
                "{} ← {}（{}，{} 行）",
                f.dataset, f.file, f.read_as, f.rows
            )?;
        } else {
            write!(
                out,
                "{} ← {} ({}, {} rows)",
                f.dataset, f.file, f.read_as, f.rows
            )?;
        }
        if !f.missing_columns.is_empty() {
            let cols = f.missing_columns.join(", ");
            if zh {
                write!(out, "；缺少列 {cols}，用到它的规则将跳过")?;
            } else {
                write!(out, "; no column {cols}: rules reading it are skipped")?;
            }
        }
        writeln!(out)?;
    }
    if found.is_empty() {
        writeln!(
            out,
            "{}",
            if zh {
                "\n没有发现数据问题。"
            } else {
                "\nno data issues found."
            }
        )?;
    }
    Ok(out)
}
