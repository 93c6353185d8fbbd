//! Where rows come from: a CSV file decoded to UTF-8 as it streams, or a
//! worksheet of an Excel workbook. Both give rows of cells as text, plus what
//! kind of cell Excel stored, so the reader above maps headers and parses
//! cells the same way for both.

use super::encoding::{self, Detected, Forced};
use super::records::{ReadError, Records};
use anyhow::{anyhow, bail, Context, Result};
use calamine::{Data, Range, Reader};
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

/// What a cell held in the workbook; every CSV cell is `Text`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellKind {
    Text,
    /// A number cell: in an ID column it has lost digits.
    Number,
    /// A date-formatted cell, given as `YYYY-MM-DD`.
    Date,
    /// An Excel error value (`#N/A`, `#DIV/0!`).
    Error,
}

/// Bytes of a CSV file's start looked at for its field separator.
const SNIFF_BYTES: usize = 64 * 1024;

/// File extensions read as workbooks.
pub const WORKBOOK_EXTENSIONS: &[&str] = &["xlsx", "xls"];

pub fn is_workbook(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| WORKBOOK_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// A stream of rows.
pub enum Source {
    Csv {
        /// Records split on a second thread.
        records: Records,
        encoding: Detected,
        /// The field separator: a comma, or a tab or semicolon.
        delimiter: u8,
        /// Bytes after the BOM, if known (not for standard input).
        size: u64,
    },
    Sheet(Box<Sheet>),
}

/// One worksheet, read whole (a workbook is never larger than Excel's
/// 1,048,576 rows) and handed out row by row.
pub struct Sheet {
    pub name: String,
    range: Range<Data>,
    /// Relative index of the next row.
    next: usize,
    /// The current row.
    cells: Vec<(CellKind, String)>,
    line: u64,
    merges: Vec<calamine::Dimensions>,
    /// Row → (column, row of the merged region's top-left cell), for regions
    /// below the header row.
    fill: HashMap<u32, Vec<(u32, u32)>>,
}

impl Source {
    /// Opens a CSV file (detecting its encoding) or a workbook's sheet
    /// (`sheet`, or the first one).
    pub fn open(path: &Path, sheet: Option<&str>, forced: Option<Forced>) -> Result<Source> {
        if path == Path::new("-") {
            return Source::stdin(forced);
        }
        let file = path.display().to_string();
        if is_workbook(path) {
            return Ok(Source::Sheet(Box::new(Sheet::open(path, sheet)?)));
        }
        let open = || File::open(path).map(|f| BufReader::with_capacity(256 * 1024, f));
        open().with_context(|| format!("cannot open {file}"))?;
        let encoding = encoding::detect(&file, forced, open).map_err(|e| {
            match e.downcast::<std::io::Error>() {
                Ok(io) => anyhow!("cannot read {file}: {io}"),
                Err(e) => e,
            }
        })?;
        let mut handle = File::open(path).with_context(|| format!("cannot open {file}"))?;
        handle
            .seek(SeekFrom::Start(encoding.bom_len()))
            .with_context(|| format!("cannot read {file}"))?;
        let size = handle
            .metadata()
            .map_or(0, |m| m.len().saturating_sub(encoding.bom_len()));
        let mut head = vec![0u8; SNIFF_BYTES];
        let n = handle
            .by_ref()
            .take(SNIFF_BYTES as u64)
            .read(&mut head)
            .with_context(|| format!("cannot read {file}"))?;
        let delimiter = encoding::sniff_delimiter(&head[..n], encoding);
        handle
            .seek(SeekFrom::Start(encoding.bom_len()))
            .with_context(|| format!("cannot read {file}"))?;
        // Buffered by the reading thread.
        Source::csv(handle, encoding, delimiter, size)
    }

    /// `NAME=-`: standard input is read whole, since detecting its encoding
    /// needs a second look at the bytes.
    fn stdin(forced: Option<Forced>) -> Result<Source> {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .context("cannot read standard input")?;
        let encoding =
            encoding::detect("<stdin>", forced, || Ok(std::io::Cursor::new(&bytes[..])))?;
        let start = usize::try_from(encoding.bom_len())
            .unwrap_or(0)
            .min(bytes.len());
        bytes.drain(..start);
        let size = bytes.len() as u64;
        let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
        let delimiter = encoding::sniff_delimiter(head, encoding);
        Source::csv(std::io::Cursor::new(bytes), encoding, delimiter, size)
    }

    /// A CSV source over bytes positioned after any BOM.
    fn csv<R: Read + Send + 'static>(
        handle: R,
        encoding: Detected,
        delimiter: u8,
        size: u64,
    ) -> Result<Source> {
        let text: Box<dyn Read + Send> = match encoding {
            // Already UTF-8: no transcoding on the hot path.
            Detected::Utf8 { .. } => Box::new(handle),
            other => Box::new(
                encoding_rs_io::DecodeReaderBytesBuilder::new()
                    .encoding(Some(other.encoding()))
                    .bom_sniffing(false)
                    .build(handle),
            ),
        };
        let records = Records::spawn_with(text, delimiter)
            .context("cannot start a thread to read the file")?;
        Ok(Source::Csv {
            records,
            encoding,
            delimiter,
            size,
        })
    }

    /// How the file was read, for people: `GB18030`, `sheet 名单`.
    pub fn describe(&self, lang: crate::Lang) -> String {
        match (self, lang) {
            // A separator other than the comma is named: the file was
            // read as the clerk saved it, and the report says so.
            (
                Source::Csv {
                    encoding,
                    delimiter,
                    ..
                },
                lang,
            ) => match encoding::delimiter_name(*delimiter, lang) {
                Some(d) => format!("{}, {d}", encoding.name()),
                None => encoding.name().to_string(),
            },
            (Source::Sheet(s), crate::Lang::Zh) => format!("工作表 {}", s.name),
            (Source::Sheet(s), crate::Lang::En) => format!("sheet {}", s.name),
        }
    }

    /// Moves to the next row; false at the end.
    pub fn advance(&mut self, file: &str) -> Result<bool> {
        match self {
            Source::Csv { records, .. } => records.advance().map_err(|e| match e {
                ReadError::Io(e) => anyhow!(crate::tr!("无法读取 {file}：{e}", "cannot read {file}: {e}")),
                ReadError::NotUtf8 { line, column } => anyhow!(crate::tr!(
                    "{file}：第 {line} 行第 {column} 列不是有效的 UTF-8 文字（文件开头是）：请改正或删除该字符，\
                     或把文件重新另存为“CSV UTF-8”（若文件是 GBK 编码，请加 --encoding gb18030）",
                    "{file}: line {line}, column {column}: not valid UTF-8 text, though the start of \
                     the file is: fix or delete that character, or save the file again as CSV UTF-8 \
                     (if the file is GBK, read it with --encoding gb18030)"
                )),
                ReadError::OpenQuote { line } => anyhow!(crate::tr!(
                    "{file}：第 {line} 行的英文双引号 \" 直到文件末尾都没有配对，其后的内容会被当作同一个单元格：\
                     请删除该引号，或在单元格内容末尾补上 \"",
                    "{file}: line {line}: the double quote \" opened there is never closed, so the rest of \
                     the file would be one cell: delete that quote or close it with another \""
                )),
                ReadError::Stopped => anyhow!(crate::tr!(
                    "{file}：读取 CSV 的线程意外停止",
                    "{file}: cannot read CSV: the thread reading the file stopped unexpectedly"
                )),
            }),
            Source::Sheet(s) => Ok(s.advance()),
        }
    }

    /// How far into the file reading has got, in bytes (of the text after
    /// decoding, for CSV; rows for a sheet), for progress.
    pub fn position(&self) -> u64 {
        match self {
            Source::Csv { records, .. } => records.byte(),
            Source::Sheet(s) => s.next as u64,
        }
    }

    /// The size [`Source::position`] reaches at the end.
    pub fn size(&self) -> u64 {
        match self {
            Source::Csv { size, .. } => *size,
            Source::Sheet(s) => s.range.height() as u64,
        }
    }

    /// The 1-based line (CSV) or row number (sheet) of the current row.
    pub fn line(&self) -> u64 {
        match self {
            Source::Csv { records, .. } => records.line(),
            Source::Sheet(s) => s.line,
        }
    }

    /// Number of cells in the current row.
    pub fn width(&self) -> usize {
        match self {
            Source::Csv { records, .. } => records.len(),
            Source::Sheet(s) => s.cells.len(),
        }
    }

    /// True when every cell of the current row is empty or blank.
    pub fn is_blank(&self) -> bool {
        match self {
            Source::Csv { records, .. } => (0..records.len()).all(|i| {
                records
                    .field(i)
                    .is_none_or(|f| crate::num::trim(f).is_empty())
            }),
            Source::Sheet(s) => s.cells.iter().all(|(_, t)| t.trim().is_empty()),
        }
    }

    /// The `i`th cell of the current row (empty text past its end).
    pub fn cell(&self, i: usize) -> (CellKind, &str) {
        match self {
            Source::Csv { records, .. } => (CellKind::Text, records.field(i).unwrap_or_default()),
            Source::Sheet(s) => s
                .cells
                .get(i)
                .map_or((CellKind::Text, ""), |(k, t)| (*k, t.as_str())),
        }
    }

    /// The field separator of a CSV file.
    pub fn delimiter(&self) -> Option<u8> {
        match self {
            Source::Csv { delimiter, .. } => Some(*delimiter),
            Source::Sheet(_) => None,
        }
    }

    /// The length in bytes of cell `i` if it was longer than a cell may be
    /// (then [`Source::cell`] gives its start only).
    pub fn too_long(&self, i: usize) -> Option<u64> {
        match self {
            Source::Csv { records, .. } => records.too_long(i),
            Source::Sheet(_) => None,
        }
    }

    /// Every cell of the current row as text.
    pub fn texts(&self) -> Vec<String> {
        (0..self.width())
            .map(|i| self.cell(i).1.to_string())
            .collect()
    }

    /// Marks the current row as the header row: merged regions below it are
    /// filled down from their top-left cell.
    pub fn mark_header(&mut self) {
        if let Source::Sheet(s) = self {
            s.mark_header();
        }
    }
}

impl Sheet {
    fn open(path: &Path, sheet: Option<&str>) -> Result<Sheet> {
        let file = path.display().to_string();
        let mut book = calamine::open_workbook_auto(path)
            .map_err(|e| anyhow!("{file}: cannot read the workbook: {e}"))?;
        let names = book.sheet_names();
        let name = match sheet {
            Some(s) if names.iter().any(|n| n == s) => s.to_string(),
            Some(s) => bail!(
                "{file}: no sheet `{s}` (sheets: {}): write NAME={file}#SHEET or --sheet SHEET with one of them",
                names.join(", ")
            ),
            None => names
                .first()
                .cloned()
                .ok_or_else(|| anyhow!("{file}: the workbook has no sheets"))?,
        };
        let range = book
            .worksheet_range(&name)
            .map_err(|e| anyhow!("{file}: cannot read sheet `{name}`: {e}"))?;
        // Merged regions; a workbook whose merge list cannot be read is still
        // read, just without filling merged cells.
        let merges = match &mut book {
            calamine::Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(&name).unwrap_or_default(),
            calamine::Sheets::Xls(x) => x.merge_cells_by_sheet_name(&name).unwrap_or_default(),
            _ => Vec::new(),
        };
        Ok(Sheet {
            name,
            range,
            next: 0,
            cells: Vec::new(),
            line: 0,
            merges,
            fill: HashMap::new(),
        })
    }

    fn advance(&mut self) -> bool {
        let Some((row0, col0)) = self.range.start() else {
            return false;
        };
        if self.next >= self.range.height() {
            return false;
        }
        let r = self.next;
        self.next += 1;
        let abs_row = row0 + r as u32;
        self.line = u64::from(abs_row) + 1;
        // Cells are indexed from column A, so positions match the header row.
        let width = col0 as usize + self.range.width();
        self.cells.clear();
        self.cells.resize(width, (CellKind::Text, String::new()));
        for c in 0..self.range.width() {
            if let Some(d) = self.range.get((r, c)) {
                self.cells[col0 as usize + c] = cell_text(d);
            }
        }
        if let Some(fills) = self.fill.get(&abs_row) {
            for &(col, from_row) in fills {
                let slot = &mut self.cells[col as usize];
                if slot.1.is_empty() {
                    if let Some(d) = self.range.get_value((from_row, col)) {
                        *slot = cell_text(d);
                    }
                }
            }
        }
        true
    }

    /// A cell merged over several rows stands for each of them (a society's
    /// name merged down its council members). Only the region's first column
    /// is filled, so a cell merged across columns is not copied sideways.
    fn mark_header(&mut self) {
        let header = self.line.saturating_sub(1) as u32;
        self.fill.clear();
        for m in &self.merges {
            if m.start.0 <= header {
                continue;
            }
            for row in m.start.0 + 1..=m.end.0 {
                self.fill
                    .entry(row)
                    .or_default()
                    .push((m.start.1, m.start.0));
            }
        }
    }
}

/// A workbook cell as text, with what kind of cell it was.
fn cell_text(d: &Data) -> (CellKind, String) {
    match d {
        Data::Empty => (CellKind::Text, String::new()),
        Data::String(s) => (CellKind::Text, s.clone()),
        Data::Int(i) => (CellKind::Number, i.to_string()),
        Data::Float(f) => (CellKind::Number, number_text(*f)),
        Data::Bool(b) => (CellKind::Text, if *b { "TRUE" } else { "FALSE" }.into()),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, day, ..) = dt.to_ymd_hms_milli();
            (CellKind::Date, format!("{y:04}-{m:02}-{day:02}"))
        }
        Data::DateTime(dt) => (CellKind::Number, number_text(dt.as_f64())),
        Data::DateTimeIso(s) => (
            CellKind::Date,
            s.split('T').next().unwrap_or_default().to_string(),
        ),
        Data::DurationIso(s) => (CellKind::Text, s.clone()),
        Data::Error(e) => (CellKind::Error, e.to_string()),
    }
}

/// A number as Excel shows it: at most 15 significant digits (all Excel
/// keeps), no exponent, no trailing zeros — so 1975.1 stays `1975.1` and a
/// formula's 0.30000000000000004 reads as `0.3`.
pub fn number_text(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    if f == 0.0 {
        return "0".into();
    }
    let sci = format!("{f:.14e}");
    let Some((mantissa, exp)) = sci.split_once('e') else {
        return f.to_string();
    };
    let exp: i64 = exp.parse().unwrap_or(0);
    let (neg, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    // value = 0.d1d2d3… × 10^(exp+1)
    let point = exp + 1;
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-point) as usize));
        out.push_str(digits);
    } else if point as usize >= digits.len() {
        out.push_str(digits);
        out.extend(std::iter::repeat_n('0', point as usize - digits.len()));
    } else {
        out.push_str(&digits[..point as usize]);
        out.push('.');
        out.push_str(&digits[point as usize..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_excel_shows_them() {
        assert_eq!(number_text(1975.1), "1975.1");
        assert_eq!(number_text(1975.03), "1975.03");
        assert_eq!(number_text(197503.0), "197503");
        assert_eq!(number_text(0.1 + 0.2), "0.3");
        assert_eq!(number_text(0.153), "0.153");
        assert_eq!(number_text(1200000.5), "1200000.5");
        assert_eq!(number_text(-2.5), "-2.5");
        assert_eq!(number_text(0.000015), "0.000015");
        assert_eq!(number_text(0.0), "0");
        // An 18-digit ID number typed into a number cell: the last digits are gone.
        assert_eq!(number_text(321200198005120013.0), "321200198005120000");
    }
}
