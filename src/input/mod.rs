//! Inputs: binding command-line arguments to datasets, and reading a file's
//! rows as typed values, one row at a time.

mod bind;
mod duplicates;
pub mod encoding;
mod headers;
pub mod id;
mod parallel;
pub(crate) mod records;
pub mod source;
mod steps;
mod summary;
pub mod value;
pub mod workbook;

use crate::num::Rational;
use crate::pack::schema::ColumnType;
use crate::pack::{ColId, Dataset};
use crate::report::issues::Text;
use crate::report::Issue;
use crate::Lang;
use anyhow::{bail, Result};
use chrono::{Datelike, NaiveDate};
use source::{CellKind, Source};
use std::path::{Path, PathBuf};
use value::{Problem, Value};

/// Report text in the reader's language (`--lang`), like
/// [`Problem::message`]: `say!(lang, "中文 {x}", "English {x}")`.
macro_rules! say {
    ($lang:expr, $zh:literal, $en:literal $(, $arg:expr)* $(,)?) => {
        match $lang {
            Lang::Zh => format!($zh $(, $arg)*).into(),
            Lang::En => format!($en $(, $arg)*).into(),
        }
    };
}

pub use bind::{bind, Binding};
pub use headers::normalize_header;
pub use parallel::{Merged, PartEval, PartsRead, PART_BYTES};

/// Cells longer than this many characters are shown cut short in reports.
const SHOWN_CHARS: usize = 80;

/// `text` itself, or its first characters and how long it was.
fn clip(text: &str) -> String {
    match text.char_indices().nth(SHOWN_CHARS) {
        None => text.to_string(),
        Some((end, _)) => format!("{}… ({} chars)", &text[..end], text.chars().count()),
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
    /// `--threads`: threads reading a CSV file (1: one reader, as before).
    pub threads: usize,
    /// The size of the parts a file is read in on several threads.
    pub part_bytes: u64,
}

impl ReadOptions {
    /// Threads to read with when `--threads` is not given: one per core.
    pub fn default_threads() -> usize {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
}

/// One parsed row: a value or unknown (`None`) per dataset column.
#[derive(Debug, Default)]
pub struct Row {
    pub line: u64,
    pub values: Vec<Option<Value>>,
}

/// The texts a file's issues share (see `report::issues`).
#[derive(Clone, Default)]
struct IssueTexts {
    dataset: Text,
    file: Text,
    /// Per dataset column: its header as shown.
    columns: Vec<Text>,
    /// Messages made so far, for problems that quote nothing of the row.
    messages: std::collections::HashMap<Problem, Text>,
}

/// At most this many different messages are kept for reuse (a message that
/// quotes a value is made anew once they are).
const SHARED_MESSAGES: usize = 256;

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
    /// Texts every issue of this file repeats, made once.
    texts: IssueTexts,
    /// Said with the first row's issues: how the file was read, when not as
    /// a plain CSV file (a tab- or semicolon-separated one).
    notice: Option<Issue>,
    /// The (first) line of the header row.
    header_line: u64,
    source: Source,
    opts: ReadOptions,
    /// The source stands on a data row not yet handed out.
    pending: bool,
    /// Headers the dataset does not know.
    unknown: Vec<headers::Unknown>,
    /// Issues found before the first row (unknown headers), handed out with it.
    header_issues: Vec<Issue>,
    /// Field index → is it a row-number column (`序号`)?
    row_numbers: Vec<bool>,
    /// Rows holding only a row number: (first line, last line, count).
    numbered_blanks: Option<(u64, u64, u64)>,
    /// The CSV file, if its parts can be read on other threads.
    path: Option<PathBuf>,
    /// The current row's problems; kept so that a row allocates no list.
    problems: Vec<(ColId, String, Problem)>,
    /// What each row takes, made at the first row (see [`steps::Steps`]).
    steps: steps::Steps,
}

/// A reader's settings without its source: readers of parts of its file
/// on other threads are made from it.
#[derive(Clone)]
pub(crate) struct Template<'p> {
    dataset: &'p Dataset,
    file: String,
    headers: Vec<String>,
    format: String,
    fields: Vec<Option<usize>>,
    scale: Vec<Option<Rational>>,
    parsed: Vec<bool>,
    parse_order: Vec<ColId>,
    needed: Vec<bool>,
    opts: ReadOptions,
    unknown: Vec<headers::Unknown>,
    row_numbers: Vec<bool>,
    texts: IssueTexts,
    header_line: u64,
}

impl<'p> Template<'p> {
    fn reader(&self, source: Source) -> DatasetReader<'p> {
        let t = self.clone();
        DatasetReader {
            dataset: t.dataset,
            file: t.file,
            headers: t.headers,
            format: t.format,
            fields: t.fields,
            scale: t.scale,
            parsed: t.parsed,
            parse_order: t.parse_order,
            needed: t.needed,
            duplicates: duplicates::Duplicates::default(),
            source,
            opts: t.opts,
            pending: false,
            unknown: t.unknown,
            header_issues: Vec::new(),
            row_numbers: t.row_numbers,
            texts: t.texts,
            notice: None,
            header_line: t.header_line,
            numbered_blanks: None,
            path: None,
            problems: Vec::new(),
            steps: steps::Steps::default(),
        }
    }
}

impl<'p> DatasetReader<'p> {
    /// The workbook sheet read, if the file is a workbook.
    pub fn sheet_name(&self) -> Option<String> {
        self.source.sheet_name().map(str::to_string)
    }

    /// Opens the file, finds its header row (below any title rows) and maps
    /// it to the dataset's columns. A missing key column is an error.
    pub fn open(dataset: &'p Dataset, binding: &Binding, opts: &ReadOptions) -> Result<Self> {
        let path = &binding.path;
        let file = match &binding.sheet {
            _ if path == Path::new("-") => "<stdin>".to_string(),
            Some(s) => format!("{}#{s}", path.display()),
            None => path.display().to_string(),
        };
        // The name as reports and messages print it.
        let file = crate::privacy::shown(&file).into_owned();
        let sheet = binding.sheet.as_deref().or(opts.sheet.as_deref());
        let mut source = Source::open_with(path, sheet, opts.encoding, opts.threads)?;
        let header_row = headers::find_header_row(&mut source, dataset, &file)?;
        let unknown = headers::unknown_headers(dataset, &header_row);
        let header_line = header_row.lines.iter().copied().min().unwrap_or(1);
        let headers::HeaderRow {
            texts,
            fields,
            scale,
            pending,
            ..
        } = header_row;
        let headers: Vec<String> = texts
            .into_iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
            .collect();
        let row_numbers = headers
            .iter()
            .enumerate()
            .map(|(i, h)| !fields.contains(&Some(i)) && summary::is_row_number_header(h))
            .collect();
        let n = dataset.columns.len();
        let mut reader = DatasetReader {
            dataset,
            // A sheet's name is the file's text too.
            format: crate::privacy::shown(&source.describe(opts.lang)).into_owned(),
            file,
            headers,
            fields,
            scale,
            parsed: vec![false; n],
            parse_order: Vec::new(),
            needed: vec![false; n],
            duplicates: duplicates::Duplicates::default(),
            texts: IssueTexts::default(),
            notice: None,
            header_line,
            source,
            opts: opts.clone(),
            pending,
            unknown,
            header_issues: Vec::new(),
            row_numbers,
            numbered_blanks: None,
            path: (binding.sheet.is_none() && path != Path::new("-")).then(|| path.clone()),
            problems: Vec::new(),
            steps: steps::Steps::default(),
        };
        reader.header_issues = reader.unknown_header_issues();
        if let Some(p) = dataset.period {
            if reader.fields[p].is_none() {
                bail!(crate::tr!(
                    "{}：没有 {} 列（{}），它说明每行是哪一年；找到的表头：{}",
                    "{}: no `{}` column ({}), which tells the year of each row; headers found: {}",
                    reader.file,
                    dataset.columns[p].name,
                    dataset.columns[p].headers.join(" / "),
                    masked_row(&reader.headers)
                ));
            }
        }
        reader.texts = IssueTexts {
            dataset: dataset.name.as_str().into(),
            file: reader.file.as_str().into(),
            columns: (0..n).map(|c| reader.header(c).into()).collect(),
            messages: Default::default(),
        };
        reader.notice = reader.separator_notice();
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

    /// Reads every row for its issues alone (`validate`), in parts on
    /// `--threads` threads when it can; returns how many rows there were.
    pub fn read_all(&mut self, issues: &mut crate::report::Issues) -> Result<u64> {
        /// Rows counted per part.
        struct Count;
        impl PartEval for Count {
            type State = u64;
            fn start(&self) -> u64 {
                0
            }
            fn row(&self, n: &mut u64, _: &Row, _: &DatasetReader<'_>, _: &mut Vec<Issue>) {
                *n += 1;
            }
        }
        let mut rows = 0;
        let count = |_: &Self, n, _| {
            rows += n;
            Ok(Merged::Done)
        };
        if self.evaluate_in_parts(&Count, issues, count)?.is_some() {
            return Ok(rows);
        }
        let mut row = Row::default();
        while self.next_row(&mut row, issues.buffer())? {
            rows += 1;
        }
        Ok(rows)
    }

    fn template(&self) -> Template<'p> {
        Template {
            dataset: self.dataset,
            file: self.file.clone(),
            headers: self.headers.clone(),
            format: self.format.clone(),
            fields: self.fields.clone(),
            scale: self.scale.clone(),
            parsed: self.parsed.clone(),
            parse_order: self.parse_order.clone(),
            needed: self.needed.clone(),
            opts: self.opts.clone(),
            unknown: self.unknown.clone(),
            row_numbers: self.row_numbers.clone(),
            texts: self.texts.clone(),
            header_line: self.header_line,
        }
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

    /// Fails if the duplicate check could not read its keys back from the
    /// temporary file they were written to: repeats may have been missed.
    pub fn duplicates_read(&self) -> Result<()> {
        match self.duplicates.read_error() {
            None => Ok(()),
            Some(e) => bail!(crate::tr!(
                "{}：查重时无法读回临时文件（{}），重复记录可能未找全：请检查系统临时文件夹所在磁盘后重试",
                "{}: the duplicate check could not read back its temporary file ({}), so repeats may \
                 have been missed; check the disk of the system's temporary folder and try again",
                self.file,
                e
            )),
        }
    }

    /// The header a column has in this file (or its canonical name).
    pub fn header(&self, col: ColId) -> String {
        match self.fields[col] {
            Some(i) => crate::privacy::shown(&self.headers[i]).into_owned(),
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
        self.steps = steps::Steps::default();
    }

    /// Reads the next data row into `row`, adding an issue for every parsed
    /// cell that is unreadable and every needed cell that is empty. Returns
    /// false at the end, having added an issue for every row that repeats
    /// an earlier one (known only then; callers sort the issues by line).
    pub fn next_row(&mut self, row: &mut Row, issues: &mut Vec<Issue>) -> Result<bool> {
        if !self.read_row(row, issues)? {
            issues.extend(self.numbered_blanks_issue());
            issues.extend(self.duplicate_issues());
            return Ok(false);
        }
        self.note_duplicates(row);
        Ok(true)
    }

    /// [`DatasetReader::next_row`] but for what depends on earlier rows
    /// (duplicates) and the issues known only at the end: what a reader of
    /// one part of the file does on its own.
    fn read_row(&mut self, row: &mut Row, issues: &mut Vec<Issue>) -> Result<bool> {
        issues.append(&mut self.header_issues);
        loop {
            if std::mem::take(&mut self.pending) {
                // Read while looking for the header row.
            } else if !self.source.advance(&self.file)? {
                return Ok(false);
            }
            if self.source.is_blank() || self.repeats_header() {
                continue;
            }
            if let Some(notice) = self.not_a_record() {
                issues.extend(notice);
                continue;
            }
            break;
        }
        row.line = self.source.line();
        issues.extend(self.notice.take());
        // The row is reused: every parsed column is overwritten below (text
        // in place) and the others stay `None`, so reading a row allocates
        // nothing.
        if row.values.len() != self.dataset.columns.len() {
            row.values.clear();
            row.values.resize(self.dataset.columns.len(), None);
        }
        let columns = &self.dataset.columns;
        if !self.steps.ready {
            self.steps = steps::Steps::new(columns, &self.parsed);
        }
        let mut problems = std::mem::take(&mut self.problems);
        problems.clear();
        for &c in &self.parse_order {
            let column = &columns[c];
            let (kind, text) = match self.fields[c] {
                Some(i) => self.source.cell(i),
                None => (CellKind::Text, ""),
            };
            let text = crate::num::trim(text);
            if let Some(bytes) = self.fields[c].and_then(|i| self.source.too_long(i)) {
                row.values[c] = None;
                // One less than `shown` keeps, so the mark fits.
                let start: String = text.chars().take(SHOWN_CHARS - 1).collect();
                problems.push((c, format!("{start}…"), Problem::TooLong { bytes }));
                continue;
            }
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
            let defaulted = text.is_empty() && column.empty.is_some();
            let text = match (text.is_empty(), &column.empty) {
                (true, Some(default)) => default.as_str(),
                _ => text,
            };
            // `2024年` or `2024年度` in the year column is the year 2024.
            let text = match Some(c) == self.dataset.period {
                true => text
                    .strip_suffix("年度")
                    .or_else(|| text.strip_suffix('年'))
                    .map_or(text, str::trim_end),
                false => text,
            };
            let scale = self.scale[c].as_ref();
            let cache = &mut self.steps.cache[c];
            // The cell is trimmed already; the pack's default may not be.
            let trimmed = match defaulted {
                true => crate::num::trim(text),
                false => text,
            };
            if let Err(p) = cache.read(column, trimmed, scale, &mut row.values[c]) {
                // An empty cell no rule needs is no issue, and only a derived
                // column's own emptiness matters to the steps below: no note
                // of it on every row (an ID column the file lacks).
                let unnoted = p == Problem::Empty && !self.needed[c] && column.derive.is_none();
                if !unnoted {
                    problems.push((c, text.to_string(), p));
                }
            }
        }
        let extra = self.extra_cells();
        let mut lists = std::mem::take(&mut self.steps.lists);
        self.derive(row, &mut problems, &mut lists);
        self.steps.lists = lists;
        self.impossible_births(row, &mut problems);
        self.expire(row, &mut problems);
        self.bound(row, &mut problems);
        // In a CSV file (a sheet has no separators to shift on) more
        // filled cells than headers mean an unquoted comma has shifted the
        // cells after it, so no cell can be trusted to be in its column.
        // All count as unknown; the one issue names the line.
        if extra.is_some() && self.source.delimiter().is_some() {
            row.values.iter_mut().for_each(|v| *v = None);
            problems.clear();
        }
        for (c, raw, problem) in problems.drain(..) {
            if problem == Problem::Empty && !self.needed[c] {
                continue;
            }
            let value = shown(self.dataset, c, raw);
            let message = self.message(&problem);
            issues.push(self.issue(row.line, c, value, message));
        }
        self.problems = problems;
        if let Some((first, count)) = extra {
            let shifted = self.source.delimiter().is_some();
            let message = self.message(&Problem::ExtraCells { count, shifted });
            issues.push(Issue {
                column: match self.opts.lang {
                    crate::Lang::Zh => format!("第 {} 列起", first + 1),
                    crate::Lang::En => format!("column {} on", first + 1),
                }
                .into(),
                ..self.issue(row.line, 0, String::new(), message)
            });
        }
        Ok(true)
    }

    /// The header the file has for a column that a rule needs but the file
    /// lacks: an unknown header closest to it or to the column it derives from.
    pub fn unknown_header_for(&self, col: ColId) -> Option<(&str, String)> {
        let from = self.dataset.columns[col].derive.as_ref().map(|d| d.from);
        self.unknown.iter().find_map(|u| {
            let (c, known) = u.closest.as_ref()?;
            (*c == col || Some(*c) == from).then_some((u.header.as_str(), known.clone()))
        })
    }

    /// A column a rule needs that the file lacks, for a skip reason:
    /// `frontline (是否基层一线)`, naming the file's unknown header that is
    /// probably it.
    pub fn describe_missing(&self, col: ColId) -> String {
        let c = &self.dataset.columns[col];
        let name = match c.headers.first() {
            Some(h) => format!("{} ({h})", c.name),
            None => c.name.clone(),
        };
        match self.unknown_header_for(col) {
            None => name,
            Some((header, known)) => say!(
                self.opts.lang,
                "{}（文件中的“{}”是不是“{}”？可加 --map {}={}）",
                "{} (is the file's `{}` meant as `{}`? add --map {}={})",
                name,
                shown_header(header),
                known,
                shown_header(header),
                known
            ),
        }
    }

    /// One issue per header the dataset does not know, naming the closest
    /// known header; the column is not read.
    fn unknown_header_issues(&self) -> Vec<Issue> {
        self.unknown
            .iter()
            .map(|u| {
                let header = shown_header(&u.header);
                let message: String = match &u.closest {
                    Some((_, known)) => say!(
                        self.opts.lang,
                        "表头“{}”不是本数据集认识的列，本列未读取：是不是“{}”？如果是，请把表头改为“{}”，或加参数 --map {}={}",
                        "header `{}` is not a column of this dataset, so the column is not read: did you mean `{}`? If so, rename the header to `{}` or add --map {}={}",
                        header, known, known, header, known
                    ),
                    None => say!(
                        self.opts.lang,
                        "表头“{}”不是本数据集认识的列，本列未读取；如果它就是某一列，请用 --map {}=列名",
                        "header `{}` is not a column of this dataset, so the column is not read; if it is one of them, add --map {}=COLUMN",
                        header, header
                    ),
                };
                Issue {
                    dataset: self.dataset.name.clone().into(),
                    file: self.file.clone().into(),
                    line: u.line,
                    column: header.into(),
                    value: String::new().into(),
                    message: message.into(),
                }
            })
            .collect()
    }

    /// Is the current row a total, footnote or signature row, or one that
    /// holds only a row number? Such a row is not a record: a total or note
    /// row becomes a notice with its line; row-number-only rows are counted
    /// and reported once, at the end.
    fn not_a_record(&mut self) -> Option<Option<Issue>> {
        // Runs on every row: each cell up to the first that is not a row
        // number is trimmed once, and usually that is the second cell.
        let text = |i: usize| crate::num::trim(self.source.cell(i).1);
        let filled = || (0..self.source.width()).filter(|i| !text(*i).is_empty());
        // A number in the `序号` column, or alone in a column of no meaning.
        let row_number = |i: usize, t: &str| {
            summary::is_row_number(t)
                && (self.row_numbers.get(i).copied().unwrap_or(false)
                    || (!self.fields.contains(&Some(i)) && filled().count() == 1))
        };
        let line = self.source.line();
        let first = (0..self.source.width())
            .map(|i| (i, text(i)))
            .find(|(i, t)| !t.is_empty() && !row_number(*i, t));
        let Some((first, text)) = first else {
            let (first, _, count) = self.numbered_blanks.unwrap_or((line, line, 0));
            self.numbered_blanks = Some((first, line, count + 1));
            return Some(None);
        };
        if summary::is_summary(text) {
            let column = self
                .headers
                .get(first)
                .filter(|h| !h.is_empty())
                .map_or_else(
                    || say!(self.opts.lang, "第 {} 列", "column {}", first + 1),
                    |h| shown_header(h),
                );
            return Some(Some(Issue {
                dataset: self.dataset.name.clone().into(),
                file: self.file.clone().into(),
                line,
                column: column.into(),
                value: clip(&id::mask_ids_in(text)).into(),
                message: say!(
                    self.opts.lang,
                    "合计、注释或签名行，不是记录，未计入",
                    "a total, note or signature row, not a record: left out"
                ),
            }));
        }
        None
    }

    /// The notice for rows that hold nothing but a row number.
    fn numbered_blanks_issue(&mut self) -> Option<Issue> {
        let (first, last, count) = self.numbered_blanks.take()?;
        let column = self
            .row_numbers
            .iter()
            .position(|r| *r)
            .and_then(|i| self.headers.get(i).cloned())
            .unwrap_or_default();
        Some(Issue {
            dataset: self.dataset.name.clone().into(),
            file: self.file.clone().into(),
            line: first,
            column: column.into(),
            value: String::new().into(),
            message: say!(
                self.opts.lang,
                "第 {} 至 {} 行中有 {} 行只填了序号，不是记录，未计入",
                "{2} rows between lines {0} and {1} hold only a row number: not records, left out",
                first,
                last,
                count
            ),
        })
    }

    /// A notice that the file's fields are separated by tabs or semicolons,
    /// on its header line: read as such, but worth knowing.
    fn separator_notice(&self) -> Option<Issue> {
        let d = self.source.delimiter().filter(|d| *d != b',')?;
        let name = encoding::delimiter_name(d, crate::Lang::Zh)?;
        let name_en = encoding::delimiter_name(d, crate::Lang::En)?;
        let message = match self.opts.lang {
            Lang::Zh => format!(
                "提示：此文件是{name}的文本，不是逗号分隔的 CSV，已按{name}读取；若结果不对，请在 Excel 中另存为“CSV UTF-8（逗号分隔）”"
            ),
            Lang::En => format!(
                "notice: this file is {name_en} text, not comma-separated CSV, and was read as such; if the results look wrong, save it from Excel as \"CSV UTF-8 (comma delimited)\""
            ),
        };
        let line = self.header_line;
        Some(Issue {
            column: Text::default(),
            ..self.issue(line, self.dataset.key, String::new(), message.into())
        })
    }

    /// An issue about column `col` on `line`, sharing the texts every issue
    /// of this file repeats.
    pub fn issue(&self, line: u64, col: ColId, value: String, message: Text) -> Issue {
        Issue {
            dataset: self.texts.dataset.clone(),
            file: self.texts.file.clone(),
            line,
            column: self.texts.columns[col].clone(),
            value: value.into(),
            message,
        }
    }

    /// The message for `problem` as it may be shown (it may quote a cell,
    /// such as an unknown unit type), made once per file where it can be.
    fn message(&mut self, problem: &Problem) -> Text {
        if let Some(t) = self.texts.messages.get(problem) {
            return t.clone();
        }
        let text: Text = crate::privacy::shown(&problem.message(self.opts.lang))
            .into_owned()
            .into();
        let repeats = !matches!(problem, Problem::Duplicate { .. });
        if repeats && self.texts.messages.len() < SHARED_MESSAGES {
            self.texts.messages.insert(problem.clone(), text.clone());
        }
        text
    }

    /// Filled cells to the right of the header row's last column: they belong
    /// to no column and are ignored, which the report must say.
    fn extra_cells(&self) -> Option<(usize, usize)> {
        let width = self.headers.len();
        let filled = self.source.filled_from(width);
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
        let mut same = true;
        self.source.for_each_filled(|i, cell| {
            same &= self.headers.get(i).map(String::as_str) == Some(cell);
        });
        same
    }

    /// Fills derived columns: a bool from its source's value lists, a birth
    /// date from the ID number (also checking one against the other).
    fn derive(
        &self,
        row: &mut Row,
        problems: &mut Vec<(ColId, String, Problem)>,
        lists: &mut [steps::ListCache],
    ) {
        for &c in &self.steps.derived {
            let column = &self.dataset.columns[c];
            let Some(d) = &column.derive else { continue };
            // Without the source column in the file, the cell stands alone;
            // an empty one says which unknown header may be that column.
            if self.fields[d.from].is_none() {
                self.hint_source(c, d.from, problems);
                continue;
            }
            let own = problems.iter().position(|p| p.0 == c);
            let own_empty = own.is_some_and(|i| problems[i].2 == Problem::Empty);
            let source_bad = problems
                .iter()
                .any(|p| p.0 == d.from && p.2 != Problem::Empty);
            if column.kind == ColumnType::Date {
                let Some(Value::Text(number)) = &row.values[d.from] else {
                    // No usable ID number: the date stands alone. An empty date
                    // is explained by the ID column's own issue, if it has one.
                    if own_empty && source_bad {
                        problems.retain(|p| p.0 != c);
                    } else if own_empty {
                        self.underivable(c, d.from, String::new(), problems);
                    }
                    continue;
                };
                let Ok(id) = id::parse(number) else { continue };
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
                            // Borrowed, not copied, on every row: masked here only.
                            let masked = match &row.values[d.from] {
                                Some(Value::Text(number)) => id::mask(number),
                                _ => String::new(),
                            };
                            row.values[c] = None;
                            let raw = self.raw(c);
                            problems.push((
                                c,
                                raw,
                                Problem::BirthConflict {
                                    id: masked,
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
            if let Some(Value::Bool(flag)) = row.values[c] {
                self.contradiction(c, d, flag, row, problems, &mut lists[c]);
            }
            if row.values[c].is_some() || (own.is_some() && !own_empty) {
                continue;
            }
            problems.retain(|p| p.0 != c);
            // The lists are half-width already.
            let derived = match &row.values[d.from] {
                Some(Value::Text(t)) if !t.is_empty() => match lists[c].sides(d, t) {
                    (true, _) => Ok(true),
                    (false, true) => Ok(false),
                    (false, false) => Err(crate::num::halfwidth_cow(t).into_owned()),
                },
                _ => Err(String::new()),
            };
            match derived {
                Ok(b) => row.values[c] = Some(Value::Bool(b)),
                Err(from) => self.underivable(c, d.from, from, problems),
            }
        }
    }

    /// A birth date after `--as-of` (a year typed 2080) cannot be: the cell
    /// is unknown, with an issue, rather than someone very young. A month
    /// without a day counts only if its first day is after it.
    fn impossible_births(&self, row: &mut Row, problems: &mut Vec<(ColId, String, Problem)>) {
        for &c in &self.steps.births {
            if let Some(Value::Date(d)) = &row.values[c] {
                // Compared as numbers first: nearly every birth is long before.
                let as_of = &self.opts.as_of;
                let (y, m, day) = (as_of.year(), as_of.month(), as_of.day());
                if (d.year, d.month, d.day.unwrap_or(1)) < (y, m, day) {
                    continue;
                }
                if d.range().0 > self.opts.as_of {
                    // A date from the ID number is shown as that.
                    let raw = match self.raw(c) {
                        r if r.is_empty() => value_text(row.values[c].as_ref()),
                        r => r,
                    };
                    problems.retain(|p| p.0 != c);
                    problems.push((
                        c,
                        raw,
                        Problem::BornAfter {
                            as_of: self.opts.as_of.to_string(),
                        },
                    ));
                    row.values[c] = None;
                }
            }
        }
    }

    /// An empty cell whose column derives from one the file lacks, while the
    /// file has an unknown header that is probably that column (单位类别 for
    /// 单位类型): the issue says so, with the `--map` that reads it.
    fn hint_source(&self, c: ColId, from: ColId, problems: &mut [(ColId, String, Problem)]) {
        let Some(p) = problems
            .iter_mut()
            .find(|p| p.0 == c && p.2 == Problem::Empty)
        else {
            return;
        };
        if let Some((header, known)) = self.unknown_header_for(from) {
            p.2 = Problem::SourceUnread {
                header: shown_header(header),
                known,
            };
        }
    }

    /// An explicit flag the value it derives from contradicts (是否基层一线
    /// 是, 单位类型 党政机关) is an issue; the flag still counts.
    fn contradiction(
        &self,
        c: ColId,
        d: &crate::pack::Derive,
        flag: bool,
        row: &Row,
        problems: &mut Vec<(ColId, String, Problem)>,
        lists: &mut steps::ListCache,
    ) {
        let Some(Value::Text(t)) = &row.values[d.from] else {
            return;
        };
        let (in_true, in_false) = lists.sides(d, t);
        if (flag && in_false) || (!flag && in_true) {
            problems.push((
                c,
                self.raw(c),
                Problem::Contradicts {
                    from: self.header(d.from),
                    value: shown(self.dataset, d.from, t.clone()),
                    flag,
                },
            ));
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
        // The accepted values are listed when a value was there but not one of them.
        let accepted = match value.is_empty() {
            true => Vec::new(),
            false => crate::pack::accepted_values(&self.dataset.columns, from),
        };
        problems.push((
            c,
            String::new(),
            Problem::Underivable {
                from: self.header(from),
                value,
                accepted: accepted.join("、"),
            },
        ));
    }

    /// A value whose `valid_until` date is before `--as-of` counts as an
    /// empty cell (a rating past its expiry is no rating).
    /// A value above its `at_most` column (12 townships with an association
    /// out of 10) cannot be right: it becomes unknown, with an issue.
    fn bound(&self, row: &mut Row, problems: &mut Vec<(ColId, String, Problem)>) {
        for &c in &self.steps.bounded {
            let Some(m) = self.dataset.columns[c].at_most else {
                continue;
            };
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
        for &c in &self.steps.expiring {
            let column = &self.dataset.columns[c];
            let Some(until) = column.valid_until else {
                continue;
            };
            if row.values[c].is_none() {
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
    fn note_duplicates(&mut self, row: &Row) {
        let dataset = self.dataset;
        let source = &self.source;
        self.duplicates.note(
            &row.values,
            row.line,
            // As many rows as the file's size says, at the first rows' length.
            |rows| source.size().saturating_mul(rows) / source.position().max(1),
            |c, text| shown(dataset, c, text.to_string()),
        );
    }

    /// At the end of the file: an issue for every row whose values in a
    /// `unique` column set equal an earlier row's, once per earlier row.
    fn duplicate_issues(&mut self) -> Vec<Issue> {
        let dataset = self.dataset;
        let found = self
            .duplicates
            .finish(|c, text| shown(dataset, c, text.to_string()));
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
                let message = crate::privacy::shown(
                    &Problem::Duplicate {
                        line: d.first,
                        columns,
                    }
                    .message(self.opts.lang),
                )
                .into_owned();
                self.issue(d.line, d.cols[0], d.shown, message.into())
            })
            .collect()
    }
}

/// A cell as reports show it: ID numbers masked — also one that turns up in
/// another column — and a huge cell cut short.
fn shown(dataset: &Dataset, col: ColId, text: String) -> String {
    if dataset.columns[col].kind == ColumnType::IdNumber {
        crate::privacy::shown(&id::mask(&text)).into_owned()
    } else {
        // Masked before it is cut short, so no part of an ID survives the cut.
        crate::privacy::shown(&clip(&id::mask_ids_in(&text))).into_owned()
    }
}

/// A header as reports show it: an ID number typed as a header masked, a
/// long one cut short.
fn shown_header(h: &str) -> String {
    clip(&id::mask_ids_in(h))
}

/// A row for an error message: a file without a header row shows a data row,
/// which may hold an ID number.
fn masked_row(cells: &[String]) -> String {
    cells
        .iter()
        .map(|c| crate::privacy::shown(c).into_owned())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A value for people: `1980-05-12`, `1980-05`, `是`, `12`.
fn value_text(v: Option<&Value>) -> String {
    let mut out = String::new();
    if let Some(v) = v {
        push_value_text(v, &mut out);
    }
    out
}

/// [`value_text`] written onto `out` (for the many keys of a part).
pub(crate) fn push_value_text(v: &Value, out: &mut String) {
    use std::fmt::Write;
    match v {
        Value::Text(t) => out.push_str(t),
        Value::Bool(b) => out.push_str(if *b { "是" } else { "否" }),
        Value::Num(n) => out.push_str(&crate::num::exact_text(n)),
        Value::Date(d) => {
            let start = out.len();
            if !push_date(d, out) {
                out.truncate(start);
                let _ = match d.day {
                    Some(day) => write!(out, "{:04}-{:02}-{day:02}", d.year, d.month),
                    None => write!(out, "{:04}-{:02}", d.year, d.month),
                };
            }
        }
    }
}

/// A date as `{:04}-{:02}-{:02}` writes it, digit by digit (formatting
/// costs more than reading the date did); false if a part is too wide.
fn push_date(d: &crate::date::PartialDate, out: &mut String) -> bool {
    let Ok(year) = u32::try_from(d.year) else {
        return false;
    };
    if !push_digits(out, year, 4) {
        return false;
    }
    out.push('-');
    if !push_digits(out, d.month, 2) {
        return false;
    }
    match d.day {
        None => true,
        Some(day) => {
            out.push('-');
            push_digits(out, day, 2)
        }
    }
}

/// `n` in `width` digits, zero-padded; false if it has more.
fn push_digits(out: &mut String, n: u32, width: u32) -> bool {
    if n >= 10u32.pow(width) {
        return false;
    }
    for k in (0..width).rev() {
        out.push(char::from(b'0' + (n / 10u32.pow(k) % 10) as u8));
    }
    true
}

#[cfg(test)]
mod value_text_tests {
    use super::*;
    use crate::date::PartialDate;

    #[test]
    fn dates_are_written_as_formatting_writes_them() {
        let date = |year, month, day| Value::Date(PartialDate { year, month, day });
        for v in [
            date(1980, 5, Some(12)),
            date(1980, 12, None),
            date(7, 1, Some(1)),
            date(12345, 1, Some(9)),
            date(-5, 3, None),
            date(2000, 100, Some(1)),
            date(2000, 1, Some(123)),
        ] {
            let Value::Date(d) = &v else { unreachable!() };
            let slow = match d.day {
                Some(day) => format!("{:04}-{:02}-{day:02}", d.year, d.month),
                None => format!("{:04}-{:02}", d.year, d.month),
            };
            let mut fast = "前".to_string();
            push_value_text(&v, &mut fast);
            assert_eq!(fast, format!("前{slow}"), "{v:?}");
        }
    }
}
