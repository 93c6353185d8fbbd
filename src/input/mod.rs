//! Inputs: binding command-line arguments to datasets, and reading a file's
//! rows as typed values, one row at a time.

mod records;
pub mod value;

use crate::pack::{ColId, Dataset, Pack};
use crate::report::Issue;
use anyhow::{anyhow, bail, Context, Result};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use value::{Problem, Value};

/// A file bound to a dataset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    pub dataset: usize,
    pub path: PathBuf,
}

/// File extensions read as CSV.
const TABLE_EXTENSIONS: &[&str] = &["csv"];

/// Resolves `NAME=PATH`, bare `PATH` (file stem = dataset) and directories.
pub fn bind(args: &[String], pack: &Pack) -> Result<Vec<Binding>> {
    let names = || {
        pack.datasets
            .iter()
            .map(|d| d.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out: Vec<Binding> = Vec::new();
    let add = |b: Binding, out: &mut Vec<Binding>| -> Result<()> {
        if let Some(prev) = out.iter().find(|p| p.dataset == b.dataset) {
            bail!(
                "dataset `{}` is given twice ({} and {}): give one file per dataset",
                pack.datasets[b.dataset].name,
                prev.path.display(),
                b.path.display()
            );
        }
        out.push(b);
        Ok(())
    };
    for arg in args {
        if let Some((name, path)) = arg.split_once('=') {
            if !Path::new(arg).exists() {
                let dataset = pack.dataset(name).ok_or_else(|| {
                    anyhow!(
                        "unknown dataset `{name}` in `{arg}` (datasets: {})",
                        names()
                    )
                })?;
                add(
                    Binding {
                        dataset,
                        path: PathBuf::from(path),
                    },
                    &mut out,
                )?;
                continue;
            }
        }
        let path = PathBuf::from(arg);
        if path.is_dir() {
            let mut found = Vec::new();
            let entries = std::fs::read_dir(&path)
                .with_context(|| format!("cannot read directory {}", path.display()))?;
            for entry in entries {
                let p = entry?.path();
                if let Some(dataset) = dataset_of(&p, pack) {
                    found.push(Binding { dataset, path: p });
                }
            }
            if found.is_empty() {
                bail!(
                    "{} holds no dataset file: name files after a dataset ({}), e.g. delegates.csv",
                    path.display(),
                    names()
                );
            }
            found.sort_by(|a, b| a.path.cmp(&b.path));
            for b in found {
                add(b, &mut out)?;
            }
        } else {
            let dataset = dataset_of(&path, pack).ok_or_else(|| {
                if path.exists() {
                    anyhow!(
                        "cannot tell which dataset {} is: its name is not a dataset name; \
                         write NAME={arg} with NAME one of {}",
                        path.display(),
                        names()
                    )
                } else {
                    anyhow!("{}: no such file or directory", path.display())
                }
            })?;
            add(Binding { dataset, path }, &mut out)?;
        }
    }
    Ok(out)
}

fn dataset_of(path: &Path, pack: &Pack) -> Option<usize> {
    let ext = path.extension()?.to_str()?.to_lowercase();
    if !TABLE_EXTENSIONS.contains(&ext.as_str()) {
        return None;
    }
    pack.dataset(path.file_stem()?.to_str()?)
}

/// Normalises a header for matching: trimmed, full-width forms folded to
/// half-width (so `（` = `(`), inner spaces removed, ASCII lower-cased.
pub fn normalize_header(h: &str) -> String {
    crate::num::halfwidth(h.trim_start_matches('\u{feff}'))
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

/// One parsed row: a value or unknown (`None`) per dataset column. Reused
/// from row to row of one file.
#[derive(Debug, Default)]
pub struct Row {
    pub line: u64,
    pub values: Vec<Option<Value>>,
}

/// Reads one dataset's file row by row.
pub struct DatasetReader<'p> {
    pub dataset: &'p Dataset,
    pub file: String,
    pub headers: Vec<String>,
    /// Dataset column → field index in the file.
    fields: Vec<Option<usize>>,
    used: Vec<bool>,
    reader: records::Records,
    record: csv::ByteRecord,
    /// The record's text, when the reading thread checked its UTF-8.
    text: String,
    utf8: records::Utf8,
    lang: crate::Lang,
    /// How many more issues to list; the rest are only counted.
    issue_room: usize,
    issues_omitted: u64,
}

impl<'p> DatasetReader<'p> {
    /// Opens the file, reads its header row and maps it to the dataset's
    /// columns. A missing key column is an error.
    pub fn open(dataset: &'p Dataset, path: &Path, lang: crate::Lang) -> Result<Self> {
        let file = path.display().to_string();
        let handle = File::open(path).with_context(|| format!("cannot open {file}"))?;
        let source: Box<dyn Read + Send> = Box::new(BufReader::with_capacity(256 * 1024, handle));
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(source);
        let mut record = csv::ByteRecord::new();
        let headers = loop {
            let more = reader
                .read_byte_record(&mut record)
                .map_err(|e| csv_error(&file, e))?;
            if !more {
                bail!("{file}: the file is empty: it needs a header row and at least one data row");
            }
            let fields = decode(&file, &record)?;
            if fields.iter().any(|f| !f.trim().is_empty()) {
                break fields;
            }
        };
        let mut fields = vec![None; dataset.columns.len()];
        for (i, h) in headers.iter().enumerate() {
            let norm = normalize_header(h);
            if norm.is_empty() {
                continue;
            }
            let hit = dataset.columns.iter().position(|c| {
                normalize_header(&c.name) == norm
                    || c.headers.iter().any(|a| normalize_header(a) == norm)
            });
            if let Some(c) = hit {
                if let Some(prev) = fields[c] {
                    bail!(
                        "{file}: columns `{}` and `{}` both mean `{}`: keep one",
                        headers[prev],
                        h,
                        dataset.columns[c].name
                    );
                }
                fields[c] = Some(i);
            }
        }
        let key = &dataset.columns[dataset.key];
        if fields[dataset.key].is_none() {
            bail!(
                "{file}: no `{}` column ({}), which every {} file needs; headers found: {}",
                key.name,
                key.headers.join(" / "),
                dataset.name,
                headers.join(", ")
            );
        }
        let mut used = vec![false; dataset.columns.len()];
        used[dataset.key] = true;
        if let Some(p) = dataset.period {
            if fields[p].is_none() {
                bail!(
                    "{file}: no `{}` column ({}), which tells the year of each row; headers found: {}",
                    dataset.columns[p].name,
                    dataset.columns[p].headers.join(" / "),
                    headers.join(", ")
                );
            }
            used[p] = true;
        }
        let reader = records::Records::spawn(reader)
            .with_context(|| format!("{file}: cannot start a thread to read the file"))?;
        Ok(DatasetReader {
            dataset,
            file,
            headers: headers
                .into_iter()
                .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
                .collect(),
            fields,
            used,
            reader,
            record,
            text: String::new(),
            utf8: records::Utf8::Unchecked,
            lang,
            issue_room: usize::MAX,
            issues_omitted: 0,
        })
    }

    /// Is the column in the file, or derivable from one that is?
    pub fn has(&self, col: ColId) -> bool {
        self.fields[col].is_some()
            || self.dataset.columns[col]
                .derive
                .as_ref()
                .is_some_and(|d| self.fields[d.from].is_some())
    }

    /// The header a column has in this file (or its canonical name).
    pub fn header(&self, col: ColId) -> String {
        match self.fields[col] {
            Some(i) => self.headers[i].clone(),
            None => self.dataset.columns[col].name.clone(),
        }
    }

    /// The raw text of a column's cell in the current row.
    pub fn raw(&self, col: ColId) -> String {
        self.fields[col]
            .and_then(|i| self.record.get(i))
            .map(|b| String::from_utf8_lossy(b).trim().to_string())
            .unwrap_or_default()
    }

    /// Lists at most `room` more data issues and only counts the rest, so
    /// that a file full of empty cells costs neither memory nor time.
    pub fn limit_issues(&mut self, room: usize) {
        self.issue_room = room;
    }

    /// Data issues counted but not listed because of [`Self::limit_issues`].
    pub fn issues_omitted(&self) -> u64 {
        self.issues_omitted
    }

    /// How far into the file reading has got, in bytes (for progress).
    pub fn byte_offset(&self) -> u64 {
        self.record.position().map_or(0, |p| p.byte())
    }

    /// Marks columns to read; cells of other columns are not parsed.
    pub fn use_columns(&mut self, cols: &[ColId]) {
        for &c in cols {
            self.used[c] = true;
            if let Some(d) = &self.dataset.columns[c].derive {
                self.used[d.from] = true;
            }
        }
    }

    /// Reads the next data row into `row`, adding an issue for every used
    /// cell that is empty or unreadable. Returns false at the end.
    pub fn next_row(&mut self, row: &mut Row, issues: &mut Vec<Issue>) -> Result<bool> {
        loop {
            let more = self
                .reader
                .read(&mut self.record, &mut self.text, &mut self.utf8)
                .map_err(|e| csv_error(&self.file, e))?;
            if !more {
                return Ok(false);
            }
            if self
                .record
                .iter()
                .all(|f| f.iter().all(u8::is_ascii_whitespace))
            {
                continue;
            }
            break;
        }
        row.line = self.record.position().map_or(0, |p| p.line());
        // The row is reused: every used column's value is overwritten below
        // (text in place) and the others stay `None`, so no row allocates.
        if row.values.len() != self.dataset.columns.len() {
            row.values.clear();
            row.values.resize(self.dataset.columns.len(), None);
        }
        let mut problems: Vec<(ColId, String, Problem)> = Vec::new();
        // One UTF-8 check for the whole record instead of one per cell, on
        // this thread if the reading thread had no time for it.
        let whole = match self.utf8 {
            records::Utf8::Valid => Some(self.text.as_str()),
            records::Utf8::Invalid => None,
            records::Utf8::Unchecked => simdutf8::basic::from_utf8(self.record.as_slice()).ok(),
        };
        for (c, column) in self.dataset.columns.iter().enumerate() {
            if !self.used[c] {
                continue;
            }
            let raw = match self.fields[c] {
                Some(i) => self.cell(i, whole)?,
                None => "",
            };
            let raw = if raw.is_empty() {
                column.empty.as_deref().unwrap_or_default()
            } else {
                raw
            };
            match value::parse_into(column.kind, raw, &mut row.values[c]) {
                Ok(()) => {}
                Err(Problem::Empty) if column.derive.is_some() => {}
                Err(p) => problems.push((c, raw.to_string(), p)),
            }
        }
        // Derived columns, after the columns they derive from are read.
        for (c, column) in self.dataset.columns.iter().enumerate() {
            let Some(d) = &column.derive else { continue };
            if !self.used[c] || row.values[c].is_some() || problems.iter().any(|p| p.0 == c) {
                continue;
            }
            let from = match &row.values[d.from] {
                Some(Value::Text(t)) => crate::num::halfwidth_cow(t),
                _ => "".into(),
            };
            let is = |list: &[String]| list.iter().any(|v| *v == *from);
            if !from.is_empty() && is(&d.when_true) {
                row.values[c] = Some(Value::Bool(true));
            } else if !from.is_empty() && is(&d.when_false) {
                row.values[c] = Some(Value::Bool(false));
            } else {
                let from_header = self.header(d.from);
                problems.push((
                    c,
                    String::new(),
                    Problem::Underivable {
                        from: from_header,
                        value: from.into_owned(),
                    },
                ));
            }
        }
        if problems.is_empty() {
            return Ok(true);
        }
        // The derive source's own emptiness is reported through the derived column.
        let derive_sources: Vec<ColId> = self
            .dataset
            .columns
            .iter()
            .filter_map(|c| c.derive.as_ref().map(|d| d.from))
            .collect();
        for (c, raw, problem) in problems {
            if problem == Problem::Empty && derive_sources.contains(&c) && !self.directly_used(c) {
                continue;
            }
            if self.issue_room == 0 {
                self.issues_omitted += 1;
                continue;
            }
            self.issue_room -= 1;
            issues.push(Issue {
                dataset: self.dataset.name.clone(),
                file: self.file.clone(),
                line: row.line,
                column: self.header(c),
                value: raw,
                message: problem.message(self.lang),
            });
        }
        Ok(true)
    }

    fn directly_used(&self, c: ColId) -> bool {
        // A derive source is "directly used" only when it is the key or period.
        c == self.dataset.key || Some(c) == self.dataset.period
    }

    /// Field `i`, trimmed. `whole` is the record as text when all of it is
    /// valid UTF-8; a field that starts and ends on its character boundaries
    /// is then valid too and needs no check of its own.
    fn cell<'a>(&'a self, i: usize, whole: Option<&'a str>) -> Result<&'a str> {
        if let Some(text) = whole.zip(self.record.range(i)).and_then(|(w, r)| w.get(r)) {
            return Ok(crate::num::trim(text));
        }
        match self.record.get(i) {
            None => Ok(""),
            Some(bytes) => std::str::from_utf8(bytes)
                .map(crate::num::trim)
                .map_err(|e| {
                    let pos = self.record.position();
                    anyhow!(
                        "{}: line {}, column {}: not valid UTF-8 (byte offset {}): save the file as UTF-8 CSV",
                        self.file,
                        pos.map_or(0, |p| p.line()),
                        i + 1,
                        pos.map_or(0, |p| p.byte()) + e.valid_up_to() as u64
                    )
                }),
        }
    }
}

fn decode(file: &str, record: &csv::ByteRecord) -> Result<Vec<String>> {
    record
        .iter()
        .enumerate()
        .map(|(i, f)| {
            std::str::from_utf8(f).map(str::to_string).map_err(|e| {
                anyhow!(
                    "{file}: line {}, column {}: not valid UTF-8 (byte offset {}): save the file as UTF-8 CSV",
                    record.position().map_or(0, |p| p.line()),
                    i + 1,
                    record.position().map_or(0, |p| p.byte()) + e.valid_up_to() as u64
                )
            })
        })
        .collect()
}

fn csv_error(file: &str, e: csv::Error) -> anyhow::Error {
    match e.position() {
        Some(p) => anyhow!("{file}: line {}: cannot read CSV: {e}", p.line()),
        None => anyhow!("{file}: cannot read CSV: {e}"),
    }
}
