//! Where rows come from: a CSV file decoded to UTF-8 as it streams, or a
//! worksheet of an Excel workbook. Both give rows of cells as text, plus what
//! kind of cell Excel stored, so the reader above maps headers and parses
//! cells the same way for both.

use super::encoding::{self, Detected, Forced};
use super::records::{ReadError, Records, Start};
use super::workbook::Sheet;
use anyhow::{anyhow, bail, Context, Result};
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
        /// Records, split on the calling thread or a second one.
        records: Records,
        encoding: Detected,
        /// The field separator: a comma, or a tab or semicolon.
        delimiter: u8,
        /// Bytes after the BOM, if known (not for standard input).
        size: u64,
    },
    Sheet(Box<Sheet>),
}

/// The text ended inside quotes. For a whole file that is the error its
/// message says; for one part of a file read on its own it means only
/// that the part's end was no record boundary: reading goes on from
/// `from`, the start of the record holding the quote.
#[derive(Debug)]
pub struct OpenQuoteAt {
    pub from: Start,
    message: String,
}

impl std::fmt::Display for OpenQuoteAt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for OpenQuoteAt {}

/// What a file holds, by its first bytes rather than its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Content {
    /// A zip archive: an `.xlsx` workbook (or some other zip).
    Zip,
    /// An OLE compound file: an `.xls` workbook.
    Compound,
    /// Anything else, read as CSV text.
    Text,
}

/// Looks at a file's first bytes.
pub fn sniff(path: &Path) -> std::io::Result<Content> {
    let mut head = [0u8; 8];
    let mut f = File::open(path)?;
    let mut n = 0;
    while n < head.len() {
        match f.read(&mut head[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(content_of(&head[..n]))
}

fn content_of(head: &[u8]) -> Content {
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        Content::Zip
    } else if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Content::Compound
    } else {
        Content::Text
    }
}

/// A notice on standard error: the file was read other than its name says,
/// or a hidden sheet was passed over. The report says it too.
fn notice(text: &str) {
    eprintln!("{text}");
}

impl Source {
    /// Opens a CSV file (detecting its encoding) or a workbook's sheet
    /// (`sheet`, or the first one); a CSV file is split into records on a
    /// second thread.
    pub fn open(path: &Path, sheet: Option<&str>, forced: Option<Forced>) -> Result<Source> {
        Source::open_with(path, sheet, forced, 2)
    }

    /// [`Source::open`] for a run on `threads` threads: with one, a CSV
    /// file is split into records on the calling thread, so that
    /// `--threads 1` keeps one core busy, not two.
    pub fn open_with(
        path: &Path,
        sheet: Option<&str>,
        forced: Option<Forced>,
        threads: usize,
    ) -> Result<Source> {
        let inline = threads <= 1;
        if path == Path::new("-") {
            return Source::stdin(forced, inline);
        }
        let file = path.display().to_string();
        let content = sniff(path).map_err(|e| {
            anyhow!(crate::tr!(
                "无法打开 {file}：{e}",
                "cannot open {file}: {e}",
            ))
        })?;
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        match content {
            Content::Zip => {
                if ext != "xlsx" {
                    notice(&crate::tr!(
                        "注意：{file} 其实是 .xlsx 工作簿（不是 .{ext} 文件），按工作簿读取；建议把扩展名改为 .xlsx",
                        "notice: {file} is really an .xlsx workbook (not a .{ext} file) and is read as one; rename it to .xlsx",
                    ));
                }
                let sheet = Sheet::open_xlsx(path, &file, sheet)?;
                return Ok(Source::sheet(sheet, &file));
            }
            Content::Compound => {
                if ext != "xls" {
                    notice(&crate::tr!(
                        "注意：{file} 其实是旧版 .xls 工作簿（不是 .{ext} 文件），按 .xls 读取；建议把扩展名改为 .xls，或在 Excel 中另存为 .xlsx",
                        "notice: {file} is really an old .xls workbook (not a .{ext} file) and is read as one; rename it to .xls or save it as .xlsx in Excel",
                    ));
                }
                let sheet = Sheet::open_xls(path, &file, sheet)?;
                return Ok(Source::sheet(sheet, &file));
            }
            Content::Text if is_workbook(path) => notice(&crate::tr!(
                "注意：{file} 不是 Excel 工作簿，而是文本（CSV）文件，按 CSV 读取；建议把扩展名改为 .csv，或在 Excel 中另存为 .xlsx",
                "notice: {file} is not an Excel workbook but a text (CSV) file, and is read as CSV; rename it to .csv or save it as .xlsx in Excel"
            )),
            Content::Text => {}
        }
        let open = || File::open(path).map(|f| BufReader::with_capacity(256 * 1024, f));
        open().with_context(|| {
            crate::tr!(
                "无法打开 {file}：请确认文件存在且有读取权限",
                "cannot open {file}"
            )
        })?;
        let encoding = encoding::detect(&file, forced, open).map_err(|e| {
            match e.downcast::<std::io::Error>() {
                Ok(io) => anyhow!(crate::tr!(
                    "无法读取 {file}：{io}",
                    "cannot read {file}: {io}"
                )),
                Err(e) => e,
            }
        })?;
        let mut handle = File::open(path).with_context(|| {
            crate::tr!(
                "无法打开 {file}：请确认文件存在且有读取权限",
                "cannot open {file}"
            )
        })?;
        handle
            .seek(SeekFrom::Start(encoding.bom_len()))
            .with_context(|| crate::tr!("无法读取 {file}", "cannot read {file}"))?;
        let size = handle
            .metadata()
            .map_or(0, |m| m.len().saturating_sub(encoding.bom_len()));
        let mut head = vec![0u8; SNIFF_BYTES];
        let n = handle
            .by_ref()
            .take(SNIFF_BYTES as u64)
            .read(&mut head)
            .with_context(|| crate::tr!("无法读取 {file}", "cannot read {file}"))?;
        let delimiter = encoding::sniff_delimiter(&head[..n], encoding);
        handle
            .seek(SeekFrom::Start(encoding.bom_len()))
            .with_context(|| crate::tr!("无法读取 {file}", "cannot read {file}"))?;
        // Buffered by the splitter.
        Source::csv(handle, encoding, delimiter, size, inline)
    }

    /// `NAME=-`: standard input is copied to an unnamed temporary file (in
    /// the system's temporary folder, gone when the run ends), since
    /// detecting its encoding needs a second look at the bytes; a registry
    /// piped in is not held in memory. Read whole into memory only when no
    /// temporary file can be made.
    fn stdin(forced: Option<Forced>, inline: bool) -> Result<Source> {
        let Ok(mut spool) = tempfile::tempfile() else {
            return Source::stdin_in_memory(forced, inline);
        };
        std::io::copy(&mut std::io::stdin().lock(), &mut spool).map_err(|e| {
            anyhow!(crate::tr!(
                "无法读取标准输入，或无法把它暂存到系统临时文件夹（{e}）：请检查临时文件夹所在磁盘的空间，或把数据作为文件给出（NAME=文件.csv）",
                "cannot read standard input or keep it in the system's temporary folder ({e}); \
                 check the free space there, or give the data as a file (NAME=file.csv)"
            ))
        })?;
        let cannot = |e: std::io::Error| {
            anyhow!(crate::tr!(
                "无法读回暂存标准输入的临时文件（{e}）：请检查系统临时文件夹所在磁盘后重试",
                "cannot read back the temporary copy of standard input ({e}); check the disk \
                 of the system's temporary folder and try again"
            ))
        };
        // Each look starts from the beginning (clones share the position).
        let from = |at: u64| -> std::io::Result<File> {
            let mut f = spool.try_clone()?;
            f.seek(SeekFrom::Start(at))?;
            Ok(f)
        };
        let mut first = Vec::with_capacity(8);
        from(0)
            .and_then(|f| f.take(8).read_to_end(&mut first))
            .map_err(cannot)?;
        if content_of(&first) != Content::Text {
            bail!(crate::tr!(
                "标准输入是 Excel 工作簿，不是 CSV 文本：请把工作簿作为文件给出（NAME=文件.xlsx）",
                "standard input holds an Excel workbook, not CSV text: give the workbook as a file (NAME=file.xlsx)"
            ));
        }
        let encoding = encoding::detect("<stdin>", forced, || from(0).map(BufReader::new))?;
        let mut head = Vec::with_capacity(SNIFF_BYTES);
        let size = spool.metadata().map_err(cannot)?.len();
        from(encoding.bom_len())
            .and_then(|f| f.take(SNIFF_BYTES as u64).read_to_end(&mut head))
            .map_err(cannot)?;
        let delimiter = encoding::sniff_delimiter(&head, encoding);
        let start = from(encoding.bom_len()).map_err(cannot)?;
        let size = size.saturating_sub(encoding.bom_len());
        Source::csv(start, encoding, delimiter, size, inline)
    }

    /// Standard input read whole into memory (no temporary file).
    fn stdin_in_memory(forced: Option<Forced>, inline: bool) -> Result<Source> {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .with_context(|| crate::tr!("无法读取标准输入", "cannot read standard input"))?;
        if content_of(&bytes[..bytes.len().min(8)]) != Content::Text {
            bail!(crate::tr!(
                "标准输入是 Excel 工作簿，不是 CSV 文本：请把工作簿作为文件给出（NAME=文件.xlsx）",
                "standard input holds an Excel workbook, not CSV text: give the workbook as a file (NAME=file.xlsx)"
            ));
        }
        let encoding =
            encoding::detect("<stdin>", forced, || Ok(std::io::Cursor::new(&bytes[..])))?;
        let start = usize::try_from(encoding.bom_len())
            .unwrap_or(0)
            .min(bytes.len());
        bytes.drain(..start);
        let size = bytes.len() as u64;
        let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
        let delimiter = encoding::sniff_delimiter(head, encoding);
        Source::csv(
            std::io::Cursor::new(bytes),
            encoding,
            delimiter,
            size,
            inline,
        )
    }

    /// A sheet source, telling on standard error which hidden sheets it
    /// passed over.
    fn sheet(sheet: Sheet, file: &str) -> Source {
        if !sheet.skipped_hidden.is_empty() {
            notice(&crate::tr!(
                "注意：{file} 的隐藏工作表 {} 未读取，读取的是第一张可见的工作表“{}”；要读隐藏的表，请写成 NAME={file}#工作表名",
                "notice: {file}: hidden sheet {} skipped; read the first visible sheet `{}`; to read a hidden one, write NAME={file}#SHEET",
                sheet.skipped_hidden.join("、"),
                sheet.name
            ));
        }
        Source::Sheet(Box::new(sheet))
    }

    /// A CSV source over bytes positioned after any BOM, split into records
    /// on the calling thread (`inline`) or on a second one.
    fn csv<R: Read + Send + 'static>(
        handle: R,
        encoding: Detected,
        delimiter: u8,
        size: u64,
        inline: bool,
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
        let records = match inline {
            true => Records::inline_with(text, Start::default(), delimiter),
            false => Records::spawn_with(text, delimiter).with_context(|| {
                crate::tr!(
                    "无法启动读取文件的线程",
                    "cannot start a thread to read the file"
                )
            })?,
        };
        Ok(Source::Csv {
            records,
            encoding,
            delimiter,
            size,
        })
    }

    /// `len` bytes of a UTF-8 CSV file's text from `start` (a record
    /// start), split into records on the calling thread; line numbers go
    /// on from the start's. `bom` is the length of the file's BOM.
    pub fn csv_part(path: &Path, bom: u64, start: Start, len: u64) -> std::io::Result<Source> {
        let mut handle = File::open(path)?;
        handle.seek(SeekFrom::Start(bom + start.byte))?;
        Ok(Source::Csv {
            records: Records::inline(Box::new(handle.take(len)), start),
            encoding: Detected::Utf8 { bom: bom > 0 },
            delimiter: b',',
            size: len,
        })
    }

    /// For a comma-separated UTF-8 CSV source: where its current record
    /// starts, its BOM's length and the size of its text (the file can be
    /// read in parts). Tab- and semicolon-separated files keep one reader.
    pub fn split_point(&self) -> Option<(Start, u64, u64)> {
        match self {
            Source::Csv {
                records,
                encoding: encoding @ Detected::Utf8 { .. },
                delimiter: b',',
                size,
            } => Some((records.start(), encoding.bom_len(), *size)),
            _ => None,
        }
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
            (Source::Sheet(s), crate::Lang::Zh) if !s.skipped_hidden.is_empty() => format!(
                "工作表 {}（跳过隐藏工作表 {}）",
                s.name,
                s.skipped_hidden.join("、")
            ),
            (Source::Sheet(s), crate::Lang::En) if !s.skipped_hidden.is_empty() => format!(
                "sheet {} (hidden sheet {} skipped)",
                s.name,
                s.skipped_hidden.join(", ")
            ),
            (Source::Sheet(s), crate::Lang::Zh) => format!("工作表 {}", s.name),
            (Source::Sheet(s), crate::Lang::En) => format!("sheet {}", s.name),
        }
    }

    /// The sheet read, for a workbook.
    pub fn sheet_name(&self) -> Option<&str> {
        match self {
            Source::Sheet(s) => Some(&s.name),
            Source::Csv { .. } => None,
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
                ReadError::OpenQuote { line, from } => anyhow::Error::new(OpenQuoteAt {
                    from,
                    message: crate::tr!(
                        "{file}：第 {line} 行的英文双引号 \" 直到文件末尾都没有配对，其后的内容会被当作同一个单元格：\
                         请删除该引号，或在单元格内容末尾补上 \"",
                        "{file}: line {line}: the double quote \" opened there is never closed, so the rest of \
                         the file would be one cell: delete that quote or close it with another \""
                    ),
                }),
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
            Source::Sheet(s) => s.position().0,
        }
    }

    /// The size [`Source::position`] reaches at the end.
    pub fn size(&self) -> u64 {
        match self {
            Source::Csv { size, .. } => *size,
            Source::Sheet(s) => s.position().1,
        }
    }

    /// The 1-based line (CSV) or row number (sheet) of the current row.
    pub fn line(&self) -> u64 {
        match self {
            Source::Csv { records, .. } => records.line(),
            Source::Sheet(s) => s.line(),
        }
    }

    /// Number of cells in the current row.
    pub fn width(&self) -> usize {
        match self {
            Source::Csv { records, .. } => records.len(),
            Source::Sheet(s) => s.width(),
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
            Source::Sheet(s) => s.is_blank(),
        }
    }

    /// The `i`th cell of the current row (empty text past its end).
    pub fn cell(&self, i: usize) -> (CellKind, &str) {
        match self {
            Source::Csv { records, .. } => (CellKind::Text, records.field(i).unwrap_or_default()),
            Source::Sheet(s) => s.cell(i),
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

    /// Calls `f` with the column and trimmed text of every non-empty cell of
    /// the current row, so a row costs its filled cells, not its width.
    pub fn for_each_filled(&self, mut f: impl FnMut(usize, &str)) {
        match self {
            Source::Csv { records, .. } => {
                for i in 0..records.len() {
                    let cell = crate::num::trim(records.field(i).unwrap_or_default());
                    if !cell.is_empty() {
                        f(i, cell);
                    }
                }
            }
            Source::Sheet(s) => s.for_each_filled(|i, t| {
                let cell = crate::num::trim(t);
                if !cell.is_empty() {
                    f(i, cell);
                }
            }),
        }
    }

    /// How many cells of the current row from column `first` on are
    /// filled: a CSV row looks at those cells only, since this runs on
    /// every row.
    pub fn filled_from(&self, first: usize) -> usize {
        match self {
            Source::Csv { records, .. } => (first..records.len())
                .filter(|&i| !crate::num::trim(records.field(i).unwrap_or_default()).is_empty())
                .count(),
            Source::Sheet(_) => {
                let mut n = 0;
                self.for_each_filled(|i, _| n += usize::from(i >= first));
                n
            }
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
