//! Inputs: binding command-line arguments to datasets, and reading a file's
//! rows as typed values, one row at a time.

mod duplicates;
pub mod encoding;
pub mod id;
mod records;
pub mod source;
pub mod value;

use crate::num::Rational;
use crate::pack::schema::ColumnType;
use crate::pack::{ColId, Column, Dataset, Pack};
use crate::report::Issue;
use crate::Lang;
use anyhow::{anyhow, bail, Context, Result};
use chrono::NaiveDate;
use source::{CellKind, Source};
use std::path::{Path, PathBuf};
use value::{Problem, Value};

/// A file bound to a dataset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    pub dataset: usize,
    pub path: PathBuf,
    /// The workbook sheet given as `book.xlsx#Sheet`.
    pub sheet: Option<String>,
}

/// File extensions read as tables: CSV and workbooks.
const TABLE_EXTENSIONS: &[&str] = &["csv", "xlsx", "xls"];

/// Splits `book.xlsx#Sheet` into the workbook and the sheet, unless a file
/// of that exact name exists.
fn split_sheet(arg: &str) -> (PathBuf, Option<String>) {
    if !Path::new(arg).exists() {
        let lower = arg.to_ascii_lowercase();
        for ext in source::WORKBOOK_EXTENSIONS {
            if let Some(i) = lower.find(&format!(".{ext}#")) {
                let cut = i + 1 + ext.len();
                return (PathBuf::from(&arg[..cut]), Some(arg[cut + 1..].to_string()));
            }
        }
    }
    (PathBuf::from(arg), None)
}

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
        if b.path == Path::new("-") {
            if let Some(prev) = out.iter().find(|p| p.path == Path::new("-")) {
                bail!(
                    "standard input is given for both `{}` and `{}`: it can feed one dataset",
                    pack.datasets[prev.dataset].name,
                    pack.datasets[b.dataset].name
                );
            }
        }
        out.push(b);
        Ok(())
    };
    for arg in args {
        if arg == "-" {
            bail!("`-` alone cannot tell which dataset standard input is: write NAME=-, e.g. delegates=-");
        }
        if let Some((name, path)) = arg.split_once('=') {
            if !Path::new(arg).exists() {
                let dataset = pack.dataset(name).ok_or_else(|| {
                    anyhow!(
                        "unknown dataset `{name}` in `{arg}` (datasets: {})",
                        names()
                    )
                })?;
                let (path, sheet) = split_sheet(path);
                add(
                    Binding {
                        dataset,
                        path,
                        sheet,
                    },
                    &mut out,
                )?;
                continue;
            }
        }
        let (path, sheet) = split_sheet(arg);
        if path.is_dir() {
            let mut found = Vec::new();
            let entries = std::fs::read_dir(&path)
                .with_context(|| format!("cannot read directory {}", path.display()))?;
            for entry in entries {
                let p = entry?.path();
                if let Some(dataset) = dataset_of(&p, pack) {
                    found.push(Binding {
                        dataset,
                        path: p,
                        sheet: None,
                    });
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
                    anyhow!(crate::tr!(
                        "{}：找不到这个文件或文件夹，请检查文件名和路径",
                        "{}: no such file or directory",
                        path.display()
                    ))
                }
            })?;
            add(
                Binding {
                    dataset,
                    path,
                    sheet,
                },
                &mut out,
            )?;
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

/// Cells longer than this many characters are shown cut short in reports.
const SHOWN_CHARS: usize = 80;

/// `text` itself, or its first characters and how long it was.
fn clip(text: &str) -> String {
    match text.char_indices().nth(SHOWN_CHARS) {
        None => text.to_string(),
        Some((end, _)) => format!("{}… ({} chars)", &text[..end], text.chars().count()),
    }
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

/// Splits a normalized header `name(unit)` into its name and unit.
fn split_unit(h: &str) -> Option<(&str, &str)> {
    let inner = h.strip_suffix(')')?;
    let open = inner.rfind('(')?;
    Some((&inner[..open], &inner[open + 1..]))
        .filter(|(base, unit)| !base.is_empty() && !unit.is_empty())
}

/// How a file header matches a column: not at all, with a scale factor from
/// its unit (`None` = 1), or by name but with a unit the pack does not know.
enum HeaderMatch {
    No,
    Yes(Option<Rational>),
    UnknownUnit(String),
}

fn match_header(col: &Column, norm: &str) -> HeaderMatch {
    let factor = |unit: &str| {
        col.units
            .iter()
            .find(|(u, _)| u == unit)
            .map(|(_, f)| f.clone())
    };
    let scale = |f: Rational| (f != crate::num::int(1)).then_some(f);
    let names = || {
        std::iter::once(&col.name)
            .chain(&col.headers)
            .map(|h| normalize_header(h))
    };
    if names().any(|n| n == norm) {
        let f = split_unit(norm).and_then(|(_, u)| factor(u));
        return HeaderMatch::Yes(f.and_then(scale));
    }
    let Some((base, unit)) = split_unit(norm) else {
        return HeaderMatch::No;
    };
    if col.units.is_empty() {
        return HeaderMatch::No;
    }
    // The pack's own headers may carry a unit too (`财政科普经费（元）`).
    let base_matches = names().any(|n| {
        n == base || split_unit(&n).is_some_and(|(b, u)| b == base && factor(u).is_some())
    });
    match (base_matches, factor(unit)) {
        (false, _) => HeaderMatch::No,
        (true, Some(f)) => HeaderMatch::Yes(scale(f)),
        (true, None) => HeaderMatch::UnknownUnit(unit.to_string()),
    }
}

/// Settings for reading input files.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    pub lang: Lang,
    /// Reference date: a value whose `valid_until` is before it has expired.
    pub as_of: NaiveDate,
    /// `--encoding`: read every CSV file in this encoding.
    pub encoding: Option<encoding::Forced>,
    /// `--sheet`: the sheet of workbooks bound without `#SHEET`.
    pub sheet: Option<String>,
}

/// How many non-empty rows may stand above the header row (titles, notes).
const HEADER_SEARCH_ROWS: usize = 20;

/// One parsed row: a value or unknown (`None`) per dataset column.
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
    /// How the file was read: its encoding, or the sheet.
    pub format: String,
    /// Dataset column → field index in the file.
    fields: Vec<Option<usize>>,
    /// Dataset column → factor from the header's unit (`万元`).
    scale: Vec<Option<Rational>>,
    /// Columns whose cells are parsed.
    parsed: Vec<bool>,
    /// The same, as a list.
    parse_order: Vec<ColId>,
    /// Columns a rule reads (and the key and period): an empty cell is an issue.
    needed: Vec<bool>,
    /// The `unique` column sets present in the file.
    duplicates: duplicates::Duplicates,
    source: Source,
    opts: ReadOptions,
}

impl<'p> DatasetReader<'p> {
    /// Opens the file, finds its header row (below any title rows) and maps
    /// it to the dataset's columns. A missing key column is an error.
    pub fn open(dataset: &'p Dataset, binding: &Binding, opts: &ReadOptions) -> Result<Self> {
        let path = &binding.path;
        let file = match &binding.sheet {
            _ if path == Path::new("-") => "<stdin>".to_string(),
            Some(s) => format!("{}#{s}", path.display()),
            None => path.display().to_string(),
        };
        let sheet = binding.sheet.as_deref().or(opts.sheet.as_deref());
        let mut source = Source::open(path, sheet, opts.encoding)?;
        let mut first_row: Option<Vec<String>> = None;
        let mut looked = 0;
        let (headers, fields, scale) = loop {
            if !source.advance(&file)? {
                match first_row {
                    None => bail!(
                        "{file}: the file is empty: it needs a header row and at least one data row"
                    ),
                    Some(_) => break (Vec::new(), Vec::new(), Vec::new()),
                }
            }
            if source.is_blank() {
                continue;
            }
            let texts = source.texts();
            let (fields, scale, errors) = map_headers(dataset, &texts);
            if fields[dataset.key].is_some() {
                if let Some(e) = errors.into_iter().next() {
                    bail!("{file}: {e}");
                }
                source.mark_header();
                break (texts, fields, scale);
            }
            first_row.get_or_insert(texts);
            looked += 1;
            if looked >= HEADER_SEARCH_ROWS {
                break (Vec::new(), Vec::new(), Vec::new());
            }
        };
        if fields.is_empty() {
            let key = &dataset.columns[dataset.key];
            bail!(
                "{file}: no `{}` column ({}), which every {} file needs; headers found: {}",
                key.name,
                key.headers.join(" / "),
                dataset.name,
                masked_row(&first_row.unwrap_or_default())
            );
        }
        let n = dataset.columns.len();
        let mut reader = DatasetReader {
            dataset,
            format: source.describe(opts.lang),
            file,
            headers: headers
                .into_iter()
                .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
                .collect(),
            fields,
            scale,
            parsed: vec![false; n],
            parse_order: Vec::new(),
            needed: vec![false; n],
            duplicates: duplicates::Duplicates::default(),
            source,
            opts: opts.clone(),
        };
        if let Some(p) = dataset.period {
            if reader.fields[p].is_none() {
                bail!(
                    "{}: no `{}` column ({}), which tells the year of each row; headers found: {}",
                    reader.file,
                    dataset.columns[p].name,
                    dataset.columns[p].headers.join(" / "),
                    masked_row(&reader.headers)
                );
            }
        }
        let mut always = vec![dataset.key];
        always.extend(dataset.period);
        reader.use_columns(&always);
        // Duplicate checks run on every column set the file has.
        for set in &dataset.unique {
            if set.iter().all(|c| reader.has(*c)) {
                reader.parse_columns(set);
                reader.duplicates.add_set(set.clone());
            }
        }
        Ok(reader)
    }

    /// How far reading has got, in the units of [`DatasetReader::size`].
    pub fn position(&self) -> u64 {
        self.source.position()
    }

    /// The size of the input for progress: bytes of a CSV file (0 for
    /// standard input), rows of a sheet.
    pub fn size(&self) -> u64 {
        self.source.size()
    }

    /// Is the column in the file, or derivable from one that is?
    pub fn has(&self, col: ColId) -> bool {
        self.fields[col].is_some()
            || self.dataset.columns[col]
                .derive
                .as_ref()
                .is_some_and(|d| self.fields[d.from].is_some())
    }

    /// Is the column itself in the file (not only derivable)?
    pub fn in_file(&self, col: ColId) -> bool {
        self.fields[col].is_some()
    }

    /// The header a column has in this file (or its canonical name).
    pub fn header(&self, col: ColId) -> String {
        match self.fields[col] {
            Some(i) => self.headers[i].clone(),
            // Not in the file: the header an office would add for it.
            None => {
                let c = &self.dataset.columns[col];
                c.headers.first().unwrap_or(&c.name).clone()
            }
        }
    }

    /// The text of a column's cell in the current row, as it may be shown:
    /// ID numbers masked.
    pub fn raw(&self, col: ColId) -> String {
        let text = self.fields[col]
            .map(|i| self.source.cell(i).1.trim().to_string())
            .unwrap_or_default();
        shown(self.dataset, col, text)
    }

    /// Marks columns rules read: their cells are parsed and an empty one is
    /// an issue. Columns they derive from are parsed too.
    pub fn use_columns(&mut self, cols: &[ColId]) {
        for &c in cols {
            self.needed[c] = true;
        }
        self.parse_columns(cols);
    }

    /// Marks every column the file has for parsing (for `validate`).
    pub fn use_all_present(&mut self) {
        let present: Vec<ColId> = (0..self.fields.len())
            .filter(|c| self.fields[*c].is_some())
            .collect();
        self.parse_columns(&present);
    }

    /// Parses these columns (and what they derive from or expire by) without
    /// making empty cells an issue.
    fn parse_columns(&mut self, cols: &[ColId]) {
        for &c in cols {
            self.parsed[c] = true;
            let column = &self.dataset.columns[c];
            if let Some(d) = &column.derive {
                self.parsed[d.from] = true;
            }
            if let Some(m) = column.at_most {
                self.parsed[m] = true;
            }
            if let Some(v) = column.valid_until {
                self.parsed[v] = true;
            }
        }
        self.parse_order = (0..self.parsed.len()).filter(|c| self.parsed[*c]).collect();
    }

    /// Reads the next data row into `row`, adding an issue for every parsed
    /// cell that is unreadable and every needed cell that is empty. Returns
    /// false at the end, having added an issue for every row that repeats
    /// an earlier one (known only then; callers sort the issues by line).
    pub fn next_row(&mut self, row: &mut Row, issues: &mut Vec<Issue>) -> Result<bool> {
        loop {
            if !self.source.advance(&self.file)? {
                issues.extend(self.duplicate_issues());
                return Ok(false);
            }
            if !self.source.is_blank() && !self.repeats_header() {
                break;
            }
        }
        row.line = self.source.line();
        // The row is reused: every parsed column is overwritten below (text
        // in place) and the others stay `None`, so reading a row allocates
        // nothing.
        if row.values.len() != self.dataset.columns.len() {
            row.values.clear();
            row.values.resize(self.dataset.columns.len(), None);
        }
        let columns = &self.dataset.columns;
        let mut problems: Vec<(ColId, String, Problem)> = Vec::new();
        for &c in &self.parse_order {
            let column = &columns[c];
            let (kind, text) = match self.fields[c] {
                Some(i) => self.source.cell(i),
                None => (CellKind::Text, ""),
            };
            let text = crate::num::trim(text);
            if kind == CellKind::Error {
                row.values[c] = None;
                problems.push((c, text.to_string(), Problem::ExcelError));
                continue;
            }
            if kind == CellKind::Number && column.kind == ColumnType::IdNumber {
                row.values[c] = None;
                problems.push((c, text.to_string(), Problem::IdNumeric));
                continue;
            }
            let text = match (text.is_empty(), &column.empty) {
                (true, Some(default)) => default.as_str(),
                _ => text,
            };
            let scale = self.scale[c].as_ref();
            if let Err(p) = value::parse_into(column.kind, text, scale, &mut row.values[c]) {
                problems.push((c, text.to_string(), p));
            }
        }
        let extra = self.extra_cells();
        self.derive(row, &mut problems);
        self.expire(row, &mut problems);
        self.bound(row, &mut problems);
        self.duplicates(row);
        for (c, raw, problem) in problems {
            if problem == Problem::Empty && !self.needed[c] {
                continue;
            }
            let value = shown(self.dataset, c, raw);
            issues.push(Issue {
                dataset: self.dataset.name.clone(),
                file: self.file.clone(),
                line: row.line,
                column: self.header(c),
                value,
                message: problem.message(self.opts.lang),
            });
        }
        if let Some((first, count)) = extra {
            issues.push(Issue {
                dataset: self.dataset.name.clone(),
                file: self.file.clone(),
                line: row.line,
                column: match self.opts.lang {
                    crate::Lang::Zh => format!("第 {} 列起", first + 1),
                    crate::Lang::En => format!("column {} on", first + 1),
                },
                value: String::new(),
                message: Problem::ExtraCells { count }.message(self.opts.lang),
            });
        }
        Ok(true)
    }

    /// Filled cells to the right of the header row's last column: they belong
    /// to no column and are ignored, which the report must say.
    fn extra_cells(&self) -> Option<(usize, usize)> {
        let width = self.headers.len();
        let mut filled = 0;
        for i in width..self.source.width() {
            if !crate::num::trim(self.source.cell(i).1).is_empty() {
                filled += 1;
            }
        }
        (filled > 0).then_some((width, filled))
    }

    /// A copy of the header row among the data (printed rosters repeat it
    /// on every page) is skipped.
    fn repeats_header(&self) -> bool {
        let Some(k) = self.fields[self.dataset.key] else {
            return false;
        };
        if crate::num::trim(self.source.cell(k).1) != self.headers[k] {
            return false;
        }
        for i in 0..self.source.width() {
            let cell = crate::num::trim(self.source.cell(i).1);
            if !cell.is_empty() && self.headers.get(i).map(String::as_str) != Some(cell) {
                return false;
            }
        }
        true
    }

    /// Fills derived columns: a bool from its source's value lists, a birth
    /// date from the ID number (also checking one against the other).
    fn derive(&self, row: &mut Row, problems: &mut Vec<(ColId, String, Problem)>) {
        for (c, column) in self.dataset.columns.iter().enumerate() {
            let Some(d) = &column.derive else { continue };
            // Without the source column in the file, the cell stands alone.
            if !self.parsed[c] || self.fields[d.from].is_none() {
                continue;
            }
            let own = problems.iter().position(|p| p.0 == c);
            let own_empty = own.is_some_and(|i| problems[i].2 == Problem::Empty);
            let source_bad = problems
                .iter()
                .any(|p| p.0 == d.from && p.2 != Problem::Empty);
            if column.kind == ColumnType::Date {
                let Some(Value::Text(number)) = row.values[d.from].clone() else {
                    // No usable ID number: the date stands alone. An empty date
                    // is explained by the ID column's own issue, if it has one.
                    if own_empty && source_bad {
                        problems.retain(|p| p.0 != c);
                    } else if own_empty {
                        self.underivable(c, d.from, String::new(), problems);
                    }
                    continue;
                };
                let Ok(id) = id::parse(&number) else { continue };
                let from_id = crate::date::PartialDate {
                    year: chrono::Datelike::year(&id.birth),
                    month: chrono::Datelike::month(&id.birth),
                    day: Some(chrono::Datelike::day(&id.birth)),
                };
                let own_problem = own.map(|i| problems[i].2.clone());
                match (&row.values[c], own_problem) {
                    (None, Some(Problem::Empty)) => {
                        problems.retain(|p| p.0 != c);
                        row.values[c] = Some(Value::Date(from_id));
                    }
                    // The ID number settles `1975.1`: January or October.
                    (None, Some(Problem::AmbiguousMonth { year }))
                        if year == from_id.year && [1, 10].contains(&from_id.month) =>
                    {
                        problems.retain(|p| p.0 != c);
                        row.values[c] = Some(Value::Date(from_id));
                    }
                    (Some(Value::Date(given)), _) => {
                        let agrees = given.year == from_id.year
                            && given.month == from_id.month
                            && given.day.is_none_or(|day| Some(day) == from_id.day);
                        if agrees {
                            // The ID number gives the day a month-only date lacks.
                            row.values[c] = Some(Value::Date(from_id));
                        } else {
                            row.values[c] = None;
                            let raw = self.raw(c);
                            problems.push((
                                c,
                                raw,
                                Problem::BirthConflict {
                                    id: id::mask(&number),
                                    id_birth: id.birth.to_string(),
                                },
                            ));
                        }
                    }
                    _ => {}
                }
                continue;
            }
            // A bool from a text column's value.
            if row.values[c].is_some() || (own.is_some() && !own_empty) {
                continue;
            }
            problems.retain(|p| p.0 != c);
            // The lists are half-width already.
            let derived = match &row.values[d.from] {
                Some(Value::Text(t)) => {
                    let from = crate::num::halfwidth_cow(t);
                    let is = |list: &[String]| list.iter().any(|v| *v == *from);
                    if from.is_empty() {
                        Err(String::new())
                    } else if is(&d.when_true) {
                        Ok(true)
                    } else if is(&d.when_false) {
                        Ok(false)
                    } else {
                        Err(from.into_owned())
                    }
                }
                _ => Err(String::new()),
            };
            match derived {
                Ok(b) => row.values[c] = Some(Value::Bool(b)),
                Err(from) => self.underivable(c, d.from, from, problems),
            }
        }
    }

    fn underivable(
        &self,
        c: ColId,
        from: ColId,
        value: String,
        problems: &mut Vec<(ColId, String, Problem)>,
    ) {
        problems.retain(|p| p.0 != c);
        if !self.needed[c] {
            return;
        }
        problems.push((
            c,
            String::new(),
            Problem::Underivable {
                from: self.header(from),
                value,
            },
        ));
    }

    /// A value whose `valid_until` date is before `--as-of` counts as an
    /// empty cell (a rating past its expiry is no rating).
    /// A value above its `at_most` column (12 townships with an association
    /// out of 10) cannot be right: it becomes unknown, with an issue.
    fn bound(&self, row: &mut Row, problems: &mut Vec<(ColId, String, Problem)>) {
        for (c, column) in self.dataset.columns.iter().enumerate() {
            let Some(m) = column.at_most else { continue };
            if !self.parsed[c] {
                continue;
            }
            if let (Some(Value::Num(v)), Some(Value::Num(max))) = (&row.values[c], &row.values[m]) {
                if v > max {
                    problems.push((
                        c,
                        self.raw(c),
                        Problem::AboveBound {
                            column: self.header(m),
                            value: self.raw(m),
                        },
                    ));
                    row.values[c] = None;
                }
            }
        }
    }

    fn expire(&self, row: &mut Row, problems: &mut Vec<(ColId, String, Problem)>) {
        for (c, column) in self.dataset.columns.iter().enumerate() {
            let Some(until) = column.valid_until else {
                continue;
            };
            if !self.parsed[c] || row.values[c].is_none() {
                continue;
            }
            match &row.values[until] {
                Some(Value::Date(d)) if d.range().1 < self.opts.as_of => {
                    let empty = column
                        .empty
                        .as_deref()
                        .and_then(|e| value::parse(column.kind, e).ok());
                    if empty.is_none() {
                        problems.push((
                            c,
                            self.raw(c),
                            Problem::Expired {
                                until: self.raw(until),
                            },
                        ));
                    }
                    row.values[c] = empty;
                }
                // An unreadable expiry date: whether the value holds is unknown.
                None if problems
                    .iter()
                    .any(|p| p.0 == until && p.2 != Problem::Empty) =>
                {
                    row.values[c] = None;
                }
                _ => {}
            }
        }
    }

    /// Notes the row's keys for the duplicate check.
    fn duplicates(&mut self, row: &Row) {
        let dataset = self.dataset;
        let source = &self.source;
        self.duplicates.note(
            &row.values,
            row.line,
            // As many rows as the file's size says, at the first rows' length.
            |rows| source.size().saturating_mul(rows) / source.position().max(1),
            |c, v| shown(dataset, c, value_text(v)),
        );
    }

    /// At the end of the file: an issue for every row whose values in a
    /// `unique` column set equal an earlier row's, once per earlier row.
    fn duplicate_issues(&mut self) -> Vec<Issue> {
        let dataset = self.dataset;
        let found = self
            .duplicates
            .finish(|c, v| shown(dataset, c, value_text(v)));
        found
            .into_iter()
            .map(|d| {
                let columns = d
                    .cols
                    .iter()
                    .map(|c| self.header(*c))
                    .collect::<Vec<_>>()
                    .join(match self.opts.lang {
                        Lang::Zh => "、",
                        Lang::En => ", ",
                    });
                Issue {
                    dataset: dataset.name.clone(),
                    file: self.file.clone(),
                    line: d.line,
                    column: self.header(d.cols[0]),
                    value: d.shown,
                    message: Problem::Duplicate {
                        line: d.first,
                        columns,
                    }
                    .message(self.opts.lang),
                }
            })
            .collect()
    }
}

/// A cell as reports show it: ID numbers masked — also one that turns up in
/// another column — and a huge cell cut short.
fn shown(dataset: &Dataset, col: ColId, text: String) -> String {
    if dataset.columns[col].kind == ColumnType::IdNumber {
        id::mask(&text)
    } else {
        clip(&id::mask_ids_in(&text))
    }
}

/// A row for an error message: a file without a header row shows a data row,
/// which may hold an ID number.
fn masked_row(cells: &[String]) -> String {
    cells
        .iter()
        .map(|c| id::mask_ids_in(c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Maps a header row to the dataset's columns; also returns problems that
/// matter only if this is the header row (a column given twice, an unknown unit).
fn map_headers(
    dataset: &Dataset,
    headers: &[String],
) -> (Vec<Option<usize>>, Vec<Option<Rational>>, Vec<String>) {
    let n = dataset.columns.len();
    let mut fields: Vec<Option<usize>> = vec![None; n];
    let (mut scale, mut errors) = (vec![None; n], Vec::new());
    for (i, h) in headers.iter().enumerate() {
        let norm = normalize_header(h);
        if norm.is_empty() {
            continue;
        }
        for (c, column) in dataset.columns.iter().enumerate() {
            match match_header(column, &norm) {
                HeaderMatch::No => continue,
                HeaderMatch::UnknownUnit(unit) => {
                    let known: Vec<&str> = column.units.iter().map(|(u, _)| u.as_str()).collect();
                    errors.push(format!(
                        "column `{}`: unit `{unit}` is not one the rule pack knows for `{}` ({}): \
                         convert the values and use one of those units in the header",
                        h.trim(),
                        column.name,
                        known.join(", ")
                    ));
                }
                HeaderMatch::Yes(f) => {
                    if let Some(prev) = fields[c] {
                        errors.push(format!(
                            "columns `{}` and `{}` both mean `{}`: keep one",
                            headers[prev].trim(),
                            h.trim(),
                            column.name
                        ));
                    }
                    fields[c] = Some(i);
                    scale[c] = f;
                }
            }
            break;
        }
    }
    (fields, scale, errors)
}

/// A value for people: `1980-05-12`, `1980-05`, `是`, `12`.
fn value_text(v: Option<&Value>) -> String {
    match v {
        None => String::new(),
        Some(Value::Text(t)) => t.clone(),
        Some(Value::Bool(b)) => if *b { "是" } else { "否" }.into(),
        Some(Value::Num(n)) => crate::num::exact_text(n),
        Some(Value::Date(d)) => match d.day {
            Some(day) => format!("{:04}-{:02}-{day:02}", d.year, d.month),
            None => format!("{:04}-{:02}", d.year, d.month),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sheet_follows_the_workbook_after_a_hash() {
        assert_eq!(
            split_sheet("名单.xlsx#代表 名单"),
            (PathBuf::from("名单.xlsx"), Some("代表 名单".to_string()))
        );
        assert_eq!(
            split_sheet("dir/Book.XLS#Sheet#2"),
            (PathBuf::from("dir/Book.XLS"), Some("Sheet#2".to_string()))
        );
        assert_eq!(split_sheet("a#b.csv"), (PathBuf::from("a#b.csv"), None));
        assert_eq!(split_sheet("名单.xlsx"), (PathBuf::from("名单.xlsx"), None));
    }

    #[test]
    fn headers_with_units_match_and_scale() {
        let pack = Pack::embedded().unwrap();
        let districts = &pack.datasets[pack.dataset("districts").unwrap()];
        let headers: Vec<String> = [
            "市（区）",
            "常住人口（万人）",
            "财政科普经费（元）",
            "财政科普经费 (万元)",
        ]
        .map(String::from)
        .to_vec();
        let (fields, scale, errors) = map_headers(districts, &headers);
        let col = |n: &str| districts.columns.iter().position(|c| c.name == n).unwrap();
        assert_eq!(fields[col("district")], Some(0));
        assert_eq!(fields[col("population")], Some(1));
        assert_eq!(scale[col("population")], Some(crate::num::int(10_000)));
        // Two headers for one column: an error once this is the header row.
        assert_eq!(fields[col("popsci_funding")], Some(3));
        assert_eq!(
            errors,
            ["columns `财政科普经费（元）` and `财政科普经费 (万元)` both mean `popsci_funding`: keep one"]
        );
    }
}
