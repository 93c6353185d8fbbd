//! A worksheet read sparsely: only the cells that hold something are kept,
//! so memory follows the real cells, never the sheet's declared extent (one
//! cell at XFD1048576 is one cell, not 17 billion).
//!
//! `.xlsx` is read here with `zip` and `quick-xml`, streaming, because a
//! workbook is a zip of XML that anyone can write: a declared string count
//! is never trusted for a reservation, a part's decompressed size is bounded
//! by the content it yields, a shared string is stored once and borrowed by
//! every cell that uses it, and a cell longer than Excel allows is refused.
//! `.xls` (a fixed grid of at most 65,536 × 256 cells) is read with calamine
//! and turned into the same sparse rows.

use super::source::{number_text, CellKind};
use anyhow::{anyhow, bail, Result};
use quick_xml::events::Event;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

/// The most characters a cell may hold: Excel's own limit, so no cell a
/// clerk typed is refused, and a crafted one cannot make every copy of it
/// cost megabytes.
pub const MAX_CELL_CHARS: usize = 32_767;
/// The same limit in UTF-8 bytes (reading stops there).
const MAX_CELL_BYTES: usize = MAX_CELL_CHARS * 4;
/// The longest run of XML bytes without `<` or `>` (text or one tag): far
/// above any cell, so only padding (a zip of whitespace) reaches it.
const MAX_RUN: u64 = 1 << 20;
/// Decompressed bytes a part may take before it has yielded any content.
const BASE_ALLOWANCE: u64 = 64 << 20;
/// More decompressed bytes allowed per stored cell or string (markup,
/// formulas, styles around it), on top of the text itself.
const PER_ITEM_ALLOWANCE: u64 = 4 << 10;
/// A declared count (`uniqueCount`) reserves at most this many slots.
const MAX_RESERVE: usize = 1 << 16;
/// Excel's last day, 9999-12-31, as a serial (1900 system).
const LAST_SERIAL: f64 = 2_958_466.0;

/// A cell's text: a shared string borrowed by index, or a slice of the
/// sheet's own text.
#[derive(Clone, Copy, Debug)]
enum Text {
    Shared(u32),
    Own { start: usize, len: u32 },
}

#[derive(Clone, Copy, Debug)]
struct Cell {
    col: u32,
    kind: CellKind,
    text: Text,
}

/// One row that holds something: its 0-based row number and where its
/// cells (sorted by column) start in `Sheet::cells`.
#[derive(Clone, Copy, Debug)]
struct Row {
    row: u32,
    start: usize,
}

/// A merged region, 0-based and inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Merge {
    col: u32,
    first: u32,
    last: u32,
}

/// Which sheet was read and why, for the report and notices.
pub struct Chosen {
    pub name: String,
    /// Hidden sheets passed over to reach the first visible one.
    pub skipped_hidden: Vec<String>,
}

/// One worksheet's non-empty cells, handed out row by row.
pub struct Sheet {
    pub name: String,
    pub skipped_hidden: Vec<String>,
    strings: Vec<Box<str>>,
    own: String,
    cells: Vec<Cell>,
    rows: Vec<Row>,
    merges: Vec<Merge>,
    /// Index of the current row in `rows` plus one (0: before the first).
    next: usize,
    /// Merged cells filled down into data rows: row index → (column, value).
    fill: HashMap<usize, Vec<Cell>>,
}

impl Sheet {
    /// Reads sheet `sheet` (or the first visible one) of an `.xlsx` file.
    pub fn open_xlsx(path: &Path, file: &str, sheet: Option<&str>) -> Result<Sheet> {
        let handle = File::open(path).map_err(|e| {
            anyhow!(crate::tr!(
                "无法打开 {file}：{e}",
                "cannot open {file}: {e}",
            ))
        })?;
        let mut zip = zip::ZipArchive::new(BufReader::new(handle)).map_err(|e| damaged(file, e))?;
        let parts = Parts::new(&zip);
        let book = parts
            .find("xl/workbook.xml")
            .ok_or_else(|| damaged(file, "no xl/workbook.xml"))?;
        let (entries, date1904) = read_workbook(&mut zip, &book, file)?;
        let rels = read_rels(&mut zip, &parts, "xl/_rels/workbook.xml.rels", file)?;
        let chosen = choose(
            file,
            sheet,
            entries.iter().map(|e| (e.name.as_str(), e.hidden)),
        )?;
        let entry = entries
            .iter()
            .find(|e| e.name == chosen.name)
            .ok_or_else(|| damaged(file, "sheet vanished"))?;
        let target = rels
            .get(&entry.rel)
            .ok_or_else(|| damaged(file, format!("no part for sheet {}", entry.name)))?;
        let target = match target.strip_prefix('/') {
            Some(abs) => abs.to_string(),
            None => format!("xl/{target}"),
        };
        let sheet_part = parts
            .find(&target)
            .ok_or_else(|| damaged(file, format!("no part {target}")))?;
        let dates = match parts.find("xl/styles.xml") {
            Some(p) => read_styles(&mut zip, &p, file)?,
            None => Vec::new(),
        };
        let strings = match parts.find("xl/sharedStrings.xml") {
            Some(p) => read_strings(&mut zip, &p, file)?,
            None => Vec::new(),
        };
        let mut out = Sheet::empty(chosen, strings);
        let reader = open_part(&mut zip, &sheet_part, file)?;
        out.read_xml(reader, file, &sheet_part, &dates, date1904)?;
        Ok(out)
    }

    /// Reads sheet `sheet` (or the first visible one) of an `.xls` file.
    /// The compound file's sector chains are checked first (a looping chain
    /// makes calamine allocate without end), and a panic inside calamine is
    /// an error about the file, not a crash.
    pub fn open_xls(path: &Path, file: &str, sheet: Option<&str>) -> Result<Sheet> {
        let bytes = std::fs::read(path).map_err(|e| {
            anyhow!(crate::tr!(
                "无法打开 {file}：{e}",
                "cannot open {file}: {e}",
            ))
        })?;
        if let Err(why) = compound::check(&bytes) {
            bail!(xls_error(file, why));
        }
        // calamine's panic message would only confuse: the error says it all.
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            Sheet::read_xls(bytes, file, sheet)
        }));
        std::panic::set_hook(hook);
        read.unwrap_or_else(|_| Err(anyhow!(xls_error(file, "the reader stopped"))))
    }

    fn read_xls(bytes: Vec<u8>, file: &str, sheet: Option<&str>) -> Result<Sheet> {
        use calamine::Reader;
        let mut book = calamine::Xls::new(std::io::Cursor::new(bytes))
            .map_err(|e| anyhow!(xls_error(file, e)))?;
        let meta: Vec<(String, bool)> = book
            .sheets_metadata()
            .iter()
            .filter(|s| s.typ == calamine::SheetType::WorkSheet)
            .map(|s| (s.name.clone(), s.visible != calamine::SheetVisible::Visible))
            .collect();
        let chosen = choose(file, sheet, meta.iter().map(|(n, h)| (n.as_str(), *h)))?;
        let range = book.worksheet_range(&chosen.name).map_err(|e| {
            anyhow!(crate::tr!(
                "{file}：无法读取工作表“{}”（{e}）：请在 Excel 中打开并另存为 .xlsx 后再试",
                "{file}: cannot read sheet `{}` ({e}): open it in Excel and save it as .xlsx, then try again",
                chosen.name
            ))
        })?;
        let merges = book
            .merge_cells_by_sheet_name(&chosen.name)
            .unwrap_or_default();
        let mut out = Sheet::empty(chosen, Vec::new());
        let (row0, col0) = range.start().unwrap_or((0, 0));
        let mut last_row = None;
        for (r, c, d) in range.used_cells() {
            let (row, col) = (row0 + r as u32, col0 + c as u32);
            let (kind, text) = xls_cell(d);
            if text.is_empty() {
                continue;
            }
            if text.chars().count() > MAX_CELL_CHARS {
                bail!(too_long(file, row, col));
            }
            if last_row != Some(row) {
                out.rows.push(Row {
                    row,
                    start: out.cells.len(),
                });
                last_row = Some(row);
            }
            let start = out.own.len();
            out.own.push_str(&text);
            out.cells.push(Cell {
                col,
                kind,
                text: Text::Own {
                    start,
                    len: text.len() as u32,
                },
            });
        }
        out.merges = merges
            .iter()
            .map(|m| Merge {
                col: m.start.1,
                first: m.start.0,
                last: m.end.0,
            })
            .collect();
        Ok(out)
    }

    fn empty(chosen: Chosen, strings: Vec<Box<str>>) -> Sheet {
        Sheet {
            name: chosen.name,
            skipped_hidden: chosen.skipped_hidden,
            strings,
            own: String::new(),
            cells: Vec::new(),
            rows: Vec::new(),
            merges: Vec::new(),
            next: 0,
            fill: HashMap::new(),
        }
    }

    /// Streams a worksheet part, keeping only cells that hold something.
    fn read_xml<R: Read>(
        &mut self,
        mut xml: quick_xml::Reader<BufReader<Guard<R>>>,
        file: &str,
        part: &str,
        dates: &[bool],
        date1904: bool,
    ) -> Result<()> {
        let mut buf = Vec::new();
        let mut row: Option<u32> = None;
        let mut next_col = 0u32;
        // The open cell: column, its `t` and its style.
        let mut cell: Option<(u32, &'static str, usize)> = None;
        let mut value = String::new();
        let mut capture = false;
        let mut long = false;
        let mut in_rph = false;
        let mut row_start = self.cells.len();
        loop {
            buf.clear();
            let event = xml
                .read_event_into(&mut buf)
                .map_err(|e| xml_error(file, part, &e))?;
            let (e, empty) = match event {
                Event::Start(e) => (e, false),
                Event::Empty(e) => (e, true),
                Event::End(e) => {
                    match e.local_name().as_ref() {
                        "v" | "t" => capture = false,
                        "rPh" => in_rph = false,
                        "c" => {
                            if let (Some(r), Some((col, t, s))) = (row, cell.take()) {
                                let is_date = dates.get(s).copied().unwrap_or(false);
                                if let Some(c) =
                                    self.make_cell(col, t, is_date, date1904, &value, long)
                                {
                                    let Some(c) = c else {
                                        bail!(too_long(file, r, col));
                                    };
                                    self.cells.push(c);
                                    let grow = PER_ITEM_ALLOWANCE + value.len() as u64;
                                    xml.get_mut().get_mut().allow(grow);
                                }
                            }
                            capture = false;
                        }
                        "row" => {
                            self.end_row(row, row_start);
                            row_start = self.cells.len();
                            row = None;
                        }
                        _ => {}
                    }
                    continue;
                }
                Event::Text(t) if capture => {
                    push_capped(&mut value, &t.xml10_content(), &mut long);
                    continue;
                }
                Event::CData(t) if capture => {
                    push_capped(&mut value, &t.xml10_content(), &mut long);
                    continue;
                }
                Event::GeneralRef(r) if capture => {
                    let c = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c),
                        _ => entity(&r),
                    };
                    if let Some(c) = c {
                        push_capped(&mut value, c.encode_utf8(&mut [0; 4]), &mut long);
                    }
                    continue;
                }
                Event::Eof => break,
                _ => continue,
            };
            match e.local_name().as_ref() {
                "row" if !empty => {
                    self.end_row(row, row_start);
                    row_start = self.cells.len();
                    let r = attr(&e, "r")
                        .and_then(|v| v.parse::<u32>().ok())
                        .filter(|r| (1..=1_048_576).contains(r))
                        .map_or_else(|| row.map_or(0, |r| r.saturating_add(1)), |r| r - 1);
                    row = Some(r);
                    next_col = 0;
                }
                "c" if row.is_some() => {
                    // One pass, no allocation: every cell comes through here.
                    let (mut col, mut t, mut s) = (None, "n", 0);
                    for a in e.attributes().flatten() {
                        match a.key.local_name().as_ref() {
                            "r" => col = column_of(&a.value),
                            "t" => t = cell_type(&a.value),
                            "s" => s = a.value.parse::<usize>().unwrap_or(0),
                            _ => {}
                        }
                    }
                    let col = col.unwrap_or(next_col);
                    next_col = col.saturating_add(1);
                    if !empty {
                        cell = Some((col, t, s));
                        value.clear();
                        long = false;
                    }
                }
                "v" | "t" if cell.is_some() && !in_rph && !empty => capture = true,
                "rPh" if !empty => in_rph = true,
                "mergeCell" => {
                    if let Some(m) = attr(&e, "ref").and_then(|v| merge_of(&v)) {
                        self.merges.push(m);
                    }
                }
                _ => {}
            }
        }
        self.end_row(row, row_start);
        Ok(())
    }

    /// Closes a row: kept if it holds a cell, its cells sorted by column.
    fn end_row(&mut self, row: Option<u32>, start: usize) {
        let Some(row) = row else { return };
        if self.cells.len() == start || self.rows.last().is_some_and(|r| r.start == start) {
            return;
        }
        self.cells[start..].sort_by_key(|c| c.col);
        self.rows.push(Row { row, start });
    }

    /// A cell from its `t` attribute and text: `None` when it holds
    /// nothing, `Some(None)` when it is longer than a cell may be.
    fn make_cell(
        &mut self,
        col: u32,
        t: &str,
        is_date: bool,
        date1904: bool,
        value: &str,
        long: bool,
    ) -> Option<Option<Cell>> {
        if long {
            return Some(None);
        }
        let own = |sheet: &mut Sheet, kind: CellKind, text: &str| -> Option<Option<Cell>> {
            if text.is_empty() {
                return None;
            }
            if text.chars().count() > MAX_CELL_CHARS {
                return Some(None);
            }
            let start = sheet.own.len();
            sheet.own.push_str(text);
            Some(Some(Cell {
                col,
                kind,
                text: Text::Own {
                    start,
                    len: text.len() as u32,
                },
            }))
        };
        match t {
            "s" => {
                let i = value.trim().parse::<u32>().ok()?;
                let s = self.strings.get(i as usize)?;
                if s.is_empty() {
                    return None;
                }
                if s.as_ref() == OVERSIZE {
                    return Some(None);
                }
                Some(Some(Cell {
                    col,
                    kind: CellKind::Text,
                    text: Text::Shared(i),
                }))
            }
            "str" | "inlineStr" => own(self, CellKind::Text, &unescape_x(value)),
            "b" => own(
                self,
                CellKind::Text,
                if value.trim() == "1" { "TRUE" } else { "FALSE" },
            ),
            "e" => own(self, CellKind::Error, value),
            "d" => {
                let date = value.split('T').next().unwrap_or_default().to_string();
                own(self, CellKind::Date, &date)
            }
            _ => match value.trim().parse::<f64>() {
                Ok(f) if is_date => match serial_date(f, date1904) {
                    Some(d) => own(self, CellKind::Date, &d),
                    // Not a day Excel can show: the number, so it is read
                    // as an unreadable date (an issue, unknown).
                    None => own(self, CellKind::Number, &number_text(f)),
                },
                Ok(f) => own(self, CellKind::Number, &number_text(f)),
                Err(_) => own(self, CellKind::Text, value),
            },
        }
    }

    fn text(&self, t: Text) -> &str {
        match t {
            Text::Shared(i) => self.strings.get(i as usize).map_or("", |s| s),
            Text::Own { start, len } => self.own.get(start..start + len as usize).unwrap_or(""),
        }
    }

    fn row_cells(&self, i: usize) -> &[Cell] {
        let Some(r) = self.rows.get(i) else {
            return &[];
        };
        let end = self.rows.get(i + 1).map_or(self.cells.len(), |n| n.start);
        &self.cells[r.start..end]
    }

    /// Moves to the next row that holds something; false at the end.
    pub fn advance(&mut self) -> bool {
        if self.next >= self.rows.len() {
            self.next = self.rows.len() + 1;
            return false;
        }
        self.next += 1;
        true
    }

    /// Rows handed out so far, and in all (for progress).
    pub fn position(&self) -> (u64, u64) {
        (
            self.next.min(self.rows.len()) as u64,
            self.rows.len() as u64,
        )
    }

    fn current(&self) -> Option<usize> {
        self.next.checked_sub(1).filter(|&i| i < self.rows.len())
    }

    /// The Excel row number of the current row.
    pub fn line(&self) -> u64 {
        self.current()
            .map_or(0, |i| u64::from(self.rows[i].row) + 1)
    }

    /// One past the last filled column of the current row.
    pub fn width(&self) -> usize {
        let Some(i) = self.current() else { return 0 };
        let own = self.row_cells(i).last().map_or(0, |c| c.col as usize + 1);
        let filled = self
            .fill
            .get(&i)
            .and_then(|f| f.iter().map(|c| c.col as usize + 1).max())
            .unwrap_or(0);
        own.max(filled)
    }

    /// The `col`th cell of the current row (empty text when nothing is there).
    pub fn cell(&self, col: usize) -> (CellKind, &str) {
        let Some(i) = self.current() else {
            return (CellKind::Text, "");
        };
        let cells = self.row_cells(i);
        if let Ok(k) = cells.binary_search_by_key(&col, |c| c.col as usize) {
            let c = cells[k];
            return (c.kind, self.text(c.text));
        }
        self.fill
            .get(&i)
            .and_then(|f| f.iter().find(|c| c.col as usize == col))
            .map_or((CellKind::Text, ""), |c| (c.kind, self.text(c.text)))
    }

    /// Calls `f` with every cell the current row holds (its own, then the
    /// merged values filled into it), in no particular order.
    pub fn for_each_filled(&self, mut f: impl FnMut(usize, &str)) {
        let Some(i) = self.current() else { return };
        let cells = self.row_cells(i);
        for c in cells {
            f(c.col as usize, self.text(c.text));
        }
        for c in self.fill.get(&i).into_iter().flatten() {
            if cells.binary_search_by_key(&c.col, |o| o.col).is_err() {
                f(c.col as usize, self.text(c.text));
            }
        }
    }

    /// True when every cell of the current row is blank.
    pub fn is_blank(&self) -> bool {
        let Some(i) = self.current() else { return true };
        self.row_cells(i)
            .iter()
            .all(|c| self.text(c.text).trim().is_empty())
            && self
                .fill
                .get(&i)
                .is_none_or(|f| f.iter().all(|c| self.text(c.text).trim().is_empty()))
    }

    /// A cell merged over several rows stands for each of them (a society's
    /// name merged down its council members). Only regions below the header
    /// row, only their first column, only inside the header's columns and
    /// only in rows that hold data are filled: work and memory follow the
    /// data, never the regions' declared size.
    pub fn mark_header(&mut self) {
        self.fill.clear();
        let Some(h) = self.current() else { return };
        let header_row = self.rows[h].row;
        let header_width = self.width() as u32;
        let mut merges: Vec<Merge> = self
            .merges
            .iter()
            .copied()
            .filter(|m| m.first > header_row && m.col < header_width && m.last > m.first)
            .collect();
        merges.sort_unstable();
        merges.dedup();
        // Regions of one column cannot overlap in Excel; in a crafted file
        // each row takes its value from the first region that covers it.
        let mut covered: Option<(u32, u32)> = None;
        for m in merges {
            let from = match covered {
                Some((col, last)) if col == m.col => m.first.max(last.saturating_add(1)),
                _ => m.first,
            };
            if from > m.last {
                continue;
            }
            covered = Some((m.col, m.last));
            let Some(top) = self.find_cell(m.first, m.col) else {
                continue;
            };
            let start = from.max(m.first + 1);
            let first = self.rows.partition_point(|r| r.row < start);
            for i in first..self.rows.len() {
                if self.rows[i].row > m.last {
                    break;
                }
                self.fill
                    .entry(i)
                    .or_default()
                    .push(Cell { col: m.col, ..top });
            }
        }
    }

    /// The non-empty cell at (row, col), if any.
    fn find_cell(&self, row: u32, col: u32) -> Option<Cell> {
        let i = self.rows.partition_point(|r| r.row < row);
        if self.rows.get(i)?.row != row {
            return None;
        }
        let cells = self.row_cells(i);
        let k = cells.binary_search_by_key(&col, |c| c.col).ok()?;
        Some(cells[k])
    }
}

/// Stands for a shared string longer than a cell may be (XML text cannot
/// hold NUL, so no real string is this).
const OVERSIZE: &str = "\0";

/// Counts a part's decompressed bytes: an error once they pass what the
/// content read so far allows, or once a run without markup is longer than
/// any cell could be.
pub struct Guard<R> {
    inner: R,
    read: u64,
    allowed: u64,
    run: u64,
}

impl<R> Guard<R> {
    fn new(inner: R) -> Self {
        Guard {
            inner,
            read: 0,
            allowed: BASE_ALLOWANCE,
            run: 0,
        }
    }

    /// Real content was read: allow more bytes.
    fn allow(&mut self, bytes: u64) {
        self.allowed = self.allowed.saturating_add(bytes);
    }
}

/// Why a part was refused, carried through quick-xml as an I/O error.
#[derive(Debug)]
struct Bomb {
    run: bool,
}

impl std::fmt::Display for Bomb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.run { "run" } else { "size" })
    }
}

impl std::error::Error for Bomb {}

impl<R: Read> Read for Guard<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let chunk = &buf[..n];
        match chunk.iter().rposition(|&b| b == b'<' || b == b'>') {
            Some(p) => self.run = (n - p - 1) as u64,
            None => self.run += n as u64,
        }
        self.read += n as u64;
        if self.run > MAX_RUN {
            return Err(std::io::Error::other(Bomb { run: true }));
        }
        if self.read > self.allowed {
            return Err(std::io::Error::other(Bomb { run: false }));
        }
        Ok(n)
    }
}

type Zip = zip::ZipArchive<BufReader<File>>;
type Xml<'z> = quick_xml::Reader<BufReader<Guard<zip::read::ZipFile<'z, BufReader<File>>>>>;

/// Part names as stored, found case-insensitively (Excel does not mind case).
struct Parts {
    names: Vec<String>,
}

impl Parts {
    fn new(zip: &Zip) -> Parts {
        Parts {
            names: zip.file_names().flatten().map(|n| n.into_owned()).collect(),
        }
    }

    fn find(&self, name: &str) -> Option<String> {
        let name = name.trim_start_matches('/');
        self.names
            .iter()
            .find(|n| n.replace('\\', "/").eq_ignore_ascii_case(name))
            .cloned()
    }
}

fn open_part<'z>(zip: &'z mut Zip, part: &str, file: &str) -> Result<Xml<'z>> {
    let entry = zip.by_name(part).map_err(|e| damaged(file, e))?;
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(Guard::new(entry)));
    xml.config_mut().check_end_names = false;
    Ok(xml)
}

/// The workbook's sheets in order, and whether dates count from 1904.
struct SheetEntry {
    name: String,
    rel: String,
    hidden: bool,
}

fn read_workbook(zip: &mut Zip, part: &str, file: &str) -> Result<(Vec<SheetEntry>, bool)> {
    let mut xml = open_part(zip, part, file)?;
    let mut buf = Vec::new();
    let mut sheets = Vec::new();
    let mut date1904 = false;
    loop {
        buf.clear();
        match xml
            .read_event_into(&mut buf)
            .map_err(|e| xml_error(file, part, &e))?
        {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "sheet" => {
                    let state = attr(&e, "state").unwrap_or_default();
                    sheets.push(SheetEntry {
                        name: attr(&e, "name").unwrap_or_default(),
                        rel: attr(&e, "id").unwrap_or_default(),
                        hidden: state == "hidden" || state == "veryHidden",
                    });
                    xml.get_mut().get_mut().allow(PER_ITEM_ALLOWANCE);
                }
                "workbookPr" => {
                    date1904 = matches!(attr(&e, "date1904").as_deref(), Some("1" | "true"));
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok((sheets, date1904))
}

/// Relationship id → target.
fn read_rels(
    zip: &mut Zip,
    parts: &Parts,
    name: &str,
    file: &str,
) -> Result<HashMap<String, String>> {
    let Some(part) = parts.find(name) else {
        return Ok(HashMap::new());
    };
    let mut xml = open_part(zip, &part, file)?;
    let mut buf = Vec::new();
    let mut rels = HashMap::new();
    loop {
        buf.clear();
        match xml
            .read_event_into(&mut buf)
            .map_err(|e| xml_error(file, &part, &e))?
        {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Relationship" => {
                if let (Some(id), Some(target)) = (attr(&e, "Id"), attr(&e, "Target")) {
                    rels.insert(id, target);
                    xml.get_mut().get_mut().allow(PER_ITEM_ALLOWANCE);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(rels)
}

/// For each cell style (`s`), whether its number format shows a date.
fn read_styles(zip: &mut Zip, part: &str, file: &str) -> Result<Vec<bool>> {
    let mut xml = open_part(zip, part, file)?;
    let mut buf = Vec::new();
    let mut custom: HashMap<u32, bool> = HashMap::new();
    let mut styles = Vec::new();
    let mut in_xfs = false;
    loop {
        buf.clear();
        match xml
            .read_event_into(&mut buf)
            .map_err(|e| xml_error(file, part, &e))?
        {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "numFmt" => {
                    if let (Some(id), Some(code)) = (
                        attr(&e, "numFmtId").and_then(|v| v.parse().ok()),
                        attr(&e, "formatCode"),
                    ) {
                        custom.insert(id, is_date_format(&code));
                        xml.get_mut().get_mut().allow(PER_ITEM_ALLOWANCE);
                    }
                }
                "cellXfs" => in_xfs = true,
                "xf" if in_xfs => {
                    let id: u32 = attr(&e, "numFmtId")
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0);
                    let date = custom
                        .get(&id)
                        .copied()
                        .unwrap_or(matches!(id, 14..=22 | 27..=36 | 45 | 47 | 50..=58));
                    styles.push(date);
                    xml.get_mut().get_mut().allow(PER_ITEM_ALLOWANCE);
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == "cellXfs" => in_xfs = false,
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(styles)
}

/// Whether a number format shows a date: a `d`, `m` or `y` outside quotes,
/// brackets and escapes in its first section (`[h]:mm` is a duration, not a
/// date; time-only formats are not dates either).
fn is_date_format(code: &str) -> bool {
    let section = code.split(';').next().unwrap_or_default();
    let (mut quoted, mut escaped, mut bracket) = (false, false, false);
    let (mut has_day_or_year, mut has_m, mut has_time) = (false, false, false);
    for c in section.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' | '_' | '*' => escaped = true,
            '"' => quoted = !quoted,
            _ if quoted => {}
            '[' => bracket = true,
            ']' => bracket = false,
            _ if bracket => {}
            'd' | 'D' | 'y' | 'Y' => has_day_or_year = true,
            'm' | 'M' => has_m = true,
            'h' | 'H' | 's' | 'S' => has_time = true,
            _ => {}
        }
    }
    // `h:mm` alone: `m` there means minutes.
    has_day_or_year || (has_m && !has_time)
}

/// The shared strings, each stored once; one longer than a cell may be is
/// kept as [`OVERSIZE`]. The declared count reserves at most [`MAX_RESERVE`].
fn read_strings(zip: &mut Zip, part: &str, file: &str) -> Result<Vec<Box<str>>> {
    let mut xml = open_part(zip, part, file)?;
    let mut buf = Vec::new();
    let mut strings: Vec<Box<str>> = Vec::new();
    let mut value = String::new();
    let (mut in_si, mut capture, mut in_rph, mut long) = (false, false, false, false);
    loop {
        buf.clear();
        match xml
            .read_event_into(&mut buf)
            .map_err(|e| xml_error(file, part, &e))?
        {
            Event::Start(e) => match e.local_name().as_ref() {
                "sst" => {
                    let n = attr(&e, "uniqueCount")
                        .and_then(|v| v.parse::<usize>().ok())
                        .unwrap_or(0);
                    strings.reserve(n.min(MAX_RESERVE));
                }
                "si" => {
                    in_si = true;
                    value.clear();
                    long = false;
                }
                "t" if in_si && !in_rph => capture = true,
                "rPh" => in_rph = true,
                _ => {}
            },
            Event::Empty(e) if e.local_name().as_ref() == "si" => {
                strings.push("".into());
                xml.get_mut().get_mut().allow(PER_ITEM_ALLOWANCE);
            }
            Event::End(e) => match e.local_name().as_ref() {
                "t" => capture = false,
                "rPh" => in_rph = false,
                "si" => {
                    in_si = false;
                    let oversize = long || value.chars().count() > MAX_CELL_CHARS;
                    strings.push(if oversize {
                        OVERSIZE.into()
                    } else {
                        value.as_str().into()
                    });
                    let grow = PER_ITEM_ALLOWANCE + value.len() as u64;
                    xml.get_mut().get_mut().allow(grow);
                }
                _ => {}
            },
            Event::Text(t) if capture => push_capped(&mut value, &t.xml10_content(), &mut long),
            Event::CData(t) if capture => push_capped(&mut value, &t.xml10_content(), &mut long),
            Event::GeneralRef(r) if capture => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => entity(&r),
                };
                if let Some(c) = c {
                    push_capped(&mut value, c.encode_utf8(&mut [0; 4]), &mut long);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(strings)
}

/// Decodes Excel's `_xHHHH_` escapes (`_x000D_` is a carriage return typed
/// into a cell); `_x005F_` escapes the underscore itself.
fn unescape_x(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("_x") {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("_x") {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let code = tail
            .get(2..6)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .filter(|_| tail.as_bytes().get(6) == Some(&b'_'))
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .and_then(char::from_u32);
        match code {
            Some(c) => {
                out.push(c);
                rest = &tail[7..];
            }
            None => {
                out.push_str("_x");
                rest = &tail[2..];
            }
        }
    }
    out.push_str(rest);
    out.into()
}

/// Appends text up to the cell limit; past it, only notes that it overflowed.
fn push_capped(value: &mut String, text: &str, long: &mut bool) {
    if *long || value.len() + text.len() > MAX_CELL_BYTES {
        *long = true;
        return;
    }
    value.push_str(text);
}

/// The five entities XML predefines.
fn entity(r: &quick_xml::events::BytesRef) -> Option<char> {
    match r.xml10_content().as_ref() {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => None,
    }
}

/// An attribute's value by local name (`r:id` is found as `id`).
fn attr(e: &quick_xml::events::BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// A cell's `t` attribute as one of the types read (`n`, a number, unless
/// it says otherwise).
fn cell_type(t: &str) -> &'static str {
    match t {
        "s" => "s",
        "str" => "str",
        "inlineStr" => "inlineStr",
        "b" => "b",
        "e" => "e",
        "d" => "d",
        _ => "n",
    }
}

/// The 0-based column of a reference like `AB12` (Excel's last is XFD).
fn column_of(reference: &str) -> Option<u32> {
    let (mut n, mut len) = (0u32, 0);
    for b in reference
        .bytes()
        .take_while(u8::is_ascii_alphabetic)
        .take(4)
    {
        n = n * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1);
        len += 1;
    }
    if !(1..=3).contains(&len) {
        return None;
    }
    (n <= 16_384).then(|| n - 1)
}

/// The 0-based row of a reference like `AB12`.
fn row_of(reference: &str) -> Option<u32> {
    let digits = reference.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let n: u32 = digits.parse().ok()?;
    (1..=1_048_576).contains(&n).then(|| n - 1)
}

/// A merged region `A2:A9`, by its first column and its rows.
fn merge_of(reference: &str) -> Option<Merge> {
    let (a, b) = reference.split_once(':')?;
    let (first, last) = (row_of(a)?, row_of(b)?);
    Some(Merge {
        col: column_of(a)?,
        first: first.min(last),
        last: first.max(last),
    })
}

/// `A1`-style name of a 0-based cell.
fn cell_name(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut n = col + 1;
    while n > 0 {
        letters.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), row + 1)
}

/// An Excel date serial as `YYYY-MM-DD`, or `None` when no day of Excel's
/// calendar has it (below 1, or after 9999-12-31): such a "date" is a
/// number typed into a date-formatted cell, not a day.
fn serial_date(serial: f64, date1904: bool) -> Option<String> {
    let limit = if date1904 {
        LAST_SERIAL - 1462.0
    } else {
        LAST_SERIAL
    };
    if !(1.0..limit).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    let (base, days) = match (date1904, days) {
        (true, d) => (chrono::NaiveDate::from_ymd_opt(1904, 1, 1)?, d),
        // Excel counts a 29 February 1900 that never was: serial 60.
        (false, 60) => return Some("1900-02-29".into()),
        (false, d) if d < 60 => (chrono::NaiveDate::from_ymd_opt(1899, 12, 31)?, d),
        (false, d) => (chrono::NaiveDate::from_ymd_opt(1899, 12, 30)?, d),
    };
    let date = base.checked_add_signed(chrono::TimeDelta::try_days(days)?)?;
    Some(date.format("%Y-%m-%d").to_string())
}

/// An `.xls` cell as text, with what kind of cell it was.
fn xls_cell(d: &calamine::Data) -> (CellKind, String) {
    use calamine::Data;
    match d {
        Data::Empty => (CellKind::Text, String::new()),
        Data::String(s) => (CellKind::Text, s.clone()),
        Data::Int(i) => (CellKind::Number, i.to_string()),
        Data::Float(f) => (CellKind::Number, number_text(*f)),
        Data::Bool(b) => (CellKind::Text, if *b { "TRUE" } else { "FALSE" }.into()),
        Data::DateTime(dt) if dt.is_datetime() => match serial_date(dt.as_f64(), false) {
            Some(d) => (CellKind::Date, d),
            None => (CellKind::Number, number_text(dt.as_f64())),
        },
        Data::DateTime(dt) => (CellKind::Number, number_text(dt.as_f64())),
        Data::DateTimeIso(s) => (
            CellKind::Date,
            s.split('T').next().unwrap_or_default().to_string(),
        ),
        Data::DurationIso(s) => (CellKind::Text, s.clone()),
        Data::Error(e) => (CellKind::Error, e.to_string()),
    }
}

/// Picks the sheet asked for, or the first visible one.
fn choose<'a>(
    file: &str,
    sheet: Option<&str>,
    sheets: impl Iterator<Item = (&'a str, bool)>,
) -> Result<Chosen> {
    let sheets: Vec<(&str, bool)> = sheets.collect();
    let sep = match crate::i18n::lang() {
        crate::Lang::Zh => "、",
        crate::Lang::En => ", ",
    };
    let names = || sheets.iter().map(|s| s.0).collect::<Vec<_>>().join(sep);
    if let Some(s) = sheet {
        if sheets.iter().any(|(n, _)| *n == s) {
            return Ok(Chosen {
                name: s.to_string(),
                skipped_hidden: Vec::new(),
            });
        }
        bail!(crate::tr!(
            "{file}：没有名为“{s}”的工作表（现有：{}）：请写成 NAME={file}#工作表名 或用 --sheet 指定其中之一",
            "{file}: no sheet `{s}` (sheets: {}): write NAME={file}#SHEET or --sheet SHEET with one of them",
            names()
        ));
    }
    let skipped_hidden: Vec<String> = sheets
        .iter()
        .take_while(|s| s.1)
        .map(|s| s.0.to_string())
        .collect();
    match sheets.iter().find(|s| !s.1) {
        Some((name, _)) => Ok(Chosen {
            name: name.to_string(),
            skipped_hidden,
        }),
        None if sheets.is_empty() => bail!(crate::tr!(
            "{file}：工作簿里没有工作表：请确认选对了文件",
            "{file}: the workbook has no sheets: check that this is the right file"
        )),
        None => bail!(crate::tr!(
            "{file}：所有工作表都是隐藏的（{}）：请用 NAME={file}#工作表名 或 --sheet 指定要读的一张",
            "{file}: every sheet is hidden ({}): name the one to read with NAME={file}#SHEET or --sheet SHEET",
            names()
        )),
    }
}

fn xls_error(file: &str, why: impl std::fmt::Display) -> String {
    crate::tr!(
        "{file}：无法读取工作簿（{why}）：请在 Excel 中打开并另存为 .xlsx 后再试",
        "{file}: cannot read the workbook ({why}): open it in Excel and save it as .xlsx, then try again",
    )
}

fn damaged(file: &str, why: impl std::fmt::Display) -> anyhow::Error {
    anyhow!(crate::tr!(
        "{file}：不是能读取的 .xlsx 工作簿（{why}）：请在 Excel 中打开并另存为 .xlsx 后再试",
        "{file}: not a readable .xlsx workbook ({why}): open it in Excel and save it as .xlsx, then try again",
    ))
}

fn too_long(file: &str, row: u32, col: u32) -> String {
    let cell = cell_name(row, col);
    crate::tr!(
        "{file}：单元格 {cell}（第 {} 行）超过 {} 个字符，超出 Excel 单元格的上限：请删短该单元格后再试",
        "{file}: cell {cell} (row {}) holds more than {} characters, more than an Excel cell can: shorten it and try again",
        u64::from(row) + 1,
        MAX_CELL_CHARS
    )
}

/// A part that cannot be parsed, or that a [`Guard`] stopped.
fn xml_error(file: &str, part: &str, e: &quick_xml::Error) -> anyhow::Error {
    let bomb = match e {
        quick_xml::Error::Io(io) => io
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<Bomb>())
            .map(|b| b.run),
        _ => None,
    };
    match bomb {
        Some(true) => anyhow!(crate::tr!(
            "{file}：{part} 中有超过 1 MiB 的空白或无标记内容，不是 Excel 保存的工作簿（可能已损坏或被构造）：请在 Excel 中打开并另存为 .xlsx 后再试",
            "{file}: {part} holds more than 1 MiB without any markup, which Excel never writes (the file is damaged or crafted): open it in Excel and save it as .xlsx, then try again",
        )),
        Some(false) => anyhow!(crate::tr!(
            "{file}：{part} 解压后远大于其中的实际内容（压缩炸弹？），已停止读取：请在 Excel 中打开并另存为 .xlsx 后再试",
            "{file}: {part} decompresses to far more than the content it holds (a zip bomb?), so reading stopped: open it in Excel and save it as .xlsx, then try again",
        )),
        None => damaged(file, format!("{part}: {e}")),
    }
}

/// The sector chains of an OLE compound file (`.xls`), checked before
/// calamine follows them: calamine follows a chain until it ends, so a chain
/// that loops back on itself grows a buffer without end (a 6 KB file asked
/// for 4 GB), and a chain that points past the allocation table panics.
mod compound {
    const RESERVED: u32 = 0xFFFF_FFFA;
    const DIFSECT: u32 = 0xFFFF_FFFC;
    const END: u32 = 0xFFFF_FFFE;

    fn u32_at(b: &[u8], at: usize) -> u32 {
        b.get(at..at + 4)
            .map_or(END, |s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }

    /// Sector `id`'s bytes (short or empty past the end of the file).
    fn sector(bytes: &[u8], size: usize, id: u32) -> &[u8] {
        let start = (id as usize + 1).saturating_mul(size).min(bytes.len());
        &bytes[start..start.saturating_add(size).min(bytes.len())]
    }

    /// calamine asserts that a table's bytes come in whole 4-byte words.
    fn whole(b: &[u8]) -> Result<&[u8], &'static str> {
        match b.len() % 4 {
            0 => Ok(b),
            _ => Err("the file is cut short"),
        }
    }

    fn words(b: &[u8]) -> impl Iterator<Item = u32> + '_ {
        b.chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
    }

    /// A chain of `table` from `start`: its ids, or why it is broken.
    fn chain(table: &[u32], start: u32) -> Result<Vec<u32>, &'static str> {
        let mut ids = Vec::new();
        let mut id = start;
        while id < RESERVED {
            if id as usize >= table.len() {
                return Err("a sector chain points past the allocation table");
            }
            if ids.len() >= table.len() {
                return Err("a sector chain loops");
            }
            ids.push(id);
            id = table[id as usize];
        }
        Ok(ids)
    }

    /// `Err` names what is broken; files calamine rejects by itself (too
    /// short, wrong signature or sector size) pass, to get its message.
    pub fn check(bytes: &[u8]) -> Result<(), &'static str> {
        if bytes.len() < 512 {
            return Ok(());
        }
        let size = match u16::from_le_bytes([bytes[30], bytes[31]]) {
            9 => 512,
            12 => 4096,
            _ => return Ok(()),
        };
        let maxid = bytes.len() / size;
        // The DIFAT: 109 ids in the header, then a chain of DIFAT sectors.
        let mut difat: Vec<u32> = words(&bytes[76..512]).collect();
        let mut id = u32_at(bytes, 68);
        let mut hops = 0;
        while id < RESERVED {
            hops += 1;
            if hops > maxid + 1 {
                return Err("the sector index loops");
            }
            difat.extend(words(whole(sector(bytes, size, id))?));
            id = difat.pop().unwrap_or(END);
        }
        let fat_sectors: Vec<u32> = difat.into_iter().filter(|&id| id < DIFSECT).collect();
        if fat_sectors.len() > maxid + 1 {
            return Err("the allocation table is larger than the file");
        }
        let mut fat: Vec<u32> = Vec::new();
        for &id in &fat_sectors {
            fat.extend(words(whole(sector(bytes, size, id))?));
        }
        let dirs = chain(&fat, u32_at(bytes, 48))?;
        let entries: Vec<(u32, u64, String)> = dirs
            .iter()
            .flat_map(|&id| sector(bytes, size, id).chunks_exact(128))
            .map(|e| {
                let len = match size {
                    512 => u64::from(u32_at(e, 120)),
                    _ => u32_at(e, 120) as u64 | (u64::from(u32_at(e, 124)) << 32),
                };
                let units: Vec<u16> = e[..64]
                    .chunks_exact(2)
                    .map(|c| u16::from_le_bytes([c[0], c[1]]))
                    .take_while(|&u| u != 0)
                    .collect();
                (u32_at(e, 116), len, String::from_utf16_lossy(&units))
            })
            .collect();
        let mini_len = u32_at(bytes, 64);
        let mini_fat: Vec<u32> = if mini_len > 0 {
            if let Some(root) = entries.first() {
                chain(&fat, root.0)?;
            }
            let mut table = Vec::new();
            for id in chain(&fat, u32_at(bytes, 60))? {
                table.extend_from_slice(sector(bytes, size, id));
            }
            table.truncate((mini_len as usize).saturating_mul(size));
            words(whole(&table)?).collect()
        } else {
            Vec::new()
        };
        for &(start, len, _) in entries.iter().skip(1) {
            if len >= 4096 {
                chain(&fat, start)?;
            } else if mini_len > 0 {
                // Bounded by its length; only an id past the table panics.
                let mut id = start;
                for _ in 0..=len / 64 {
                    if id >= RESERVED {
                        break;
                    }
                    if id as usize >= mini_fat.len() {
                        return Err("a short-stream chain points past its table");
                    }
                    id = mini_fat[id as usize];
                }
            }
        }
        // The workbook stream, as calamine finds it, and its sheets' size.
        let Some(book) = ["Workbook", "Book"]
            .iter()
            .find_map(|n| entries.iter().find(|e| e.2.eq_ignore_ascii_case(n)))
        else {
            return Ok(());
        };
        let (start, len) = (book.0, usize::try_from(book.1).unwrap_or(usize::MAX));
        let mut stream = Vec::new();
        if len >= 4096 {
            for id in chain(&fat, start)? {
                stream.extend_from_slice(sector(bytes, size, id));
            }
        } else if let Some(root) = entries.first() {
            let mut ministream = Vec::new();
            for id in chain(&fat, root.0)? {
                ministream.extend_from_slice(sector(bytes, size, id));
            }
            let mut id = start;
            while id < RESERVED && stream.len() < len {
                let at = (id as usize).saturating_mul(64).min(ministream.len());
                stream.extend_from_slice(&ministream[at..(at + 64).min(ministream.len())]);
                id = mini_fat.get(id as usize).copied().unwrap_or(END);
            }
        }
        stream.truncate(len);
        super::biff::check(&stream)
    }
}

/// The sheets of an `.xls` workbook stream, measured before calamine reads
/// them: calamine reserves a grid of the size each sheet declares (a 4 KB
/// file declared 4 billion rows and asked for 252 GB) and lays every sheet
/// out as a dense grid, so the grids' total area must stay near the number
/// of cells the file really holds.
mod biff {
    /// Above this many grid cells in all (≈ 128 MB of calamine's cells)...
    const MAX_AREA: u64 = 4_000_000;
    /// ...a grid may be at most this many times the cells it holds.
    const MAX_SPARSENESS: u64 = 8;

    /// Records from `at`: (type, data).
    fn records(stream: &[u8], mut at: usize) -> impl Iterator<Item = (u16, &[u8])> {
        std::iter::from_fn(move || {
            let head = stream.get(at..at.checked_add(4)?)?;
            let typ = u16::from_le_bytes([head[0], head[1]]);
            let len = usize::from(u16::from_le_bytes([head[2], head[3]]));
            let data = &stream[at + 4..(at + 4 + len).min(stream.len())];
            at += 4 + len;
            Some((typ, data))
        })
    }

    fn u16_at(d: &[u8], at: usize) -> u64 {
        d.get(at..at + 2)
            .map_or(0, |b| u64::from(u16::from_le_bytes([b[0], b[1]])))
    }

    fn u32_at(d: &[u8], at: usize) -> u64 {
        d.get(at..at + 4).map_or(0, |b| {
            u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        })
    }

    pub fn check(stream: &[u8]) -> Result<(), &'static str> {
        // The sheets' positions, from the globals substream.
        let sheets: Vec<usize> = records(stream, 0)
            .take_while(|(typ, _)| *typ != 0x000A)
            .filter(|(typ, d)| *typ == 0x0085 && d.len() >= 4)
            .map(|(_, d)| u32_at(d, 0) as usize)
            .collect();
        let (mut area, mut cells) = (0u64, 0u64);
        for pos in sheets {
            let (sheet_area, sheet_cells) = measure(stream, pos);
            area = area.saturating_add(sheet_area);
            cells = cells.saturating_add(sheet_cells);
        }
        if area > MAX_AREA && area > cells.saturating_mul(MAX_SPARSENESS) {
            return Err("its sheets declare far more cells than the file holds");
        }
        Ok(())
    }

    /// A sheet's grid (the larger of its declared and its cells' extent)
    /// and the cells it holds, as calamine reads it from `pos`.
    fn measure(stream: &[u8], pos: usize) -> (u64, u64) {
        let (mut declared, mut cells) = (0u64, 0u64);
        let mut extent: Option<(u64, u64, u64, u64)> = None;
        let mut see = |row: u64, first: u64, last: u64| {
            let e = extent.get_or_insert((row, row, first, last));
            *e = (e.0.min(row), e.1.max(row), e.2.min(first), e.3.max(last));
        };
        let (mut depth, mut seen_bof) = (0usize, false);
        for (typ, d) in records(stream, pos) {
            match (typ, depth) {
                (0x0809, _) if seen_bof => depth += 1,
                (0x0809, _) => seen_bof = true,
                (0x000A, 0) => break,
                (0x000A, _) => depth -= 1,
                (_, 1..) => {}
                (0x0200, _) => {
                    let (rows, cols) = match d.len() {
                        10 => (
                            u16_at(d, 2).saturating_sub(u16_at(d, 0)),
                            u16_at(d, 6).saturating_sub(u16_at(d, 4)),
                        ),
                        _ => (
                            u32_at(d, 4).saturating_sub(u32_at(d, 0)),
                            u16_at(d, 10).saturating_sub(u16_at(d, 8)),
                        ),
                    };
                    declared = declared.max((rows + 1).saturating_mul(cols + 1));
                }
                (0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 | 0x0201, _) => {
                    cells += 1;
                    see(u16_at(d, 0), u16_at(d, 2), u16_at(d, 2));
                }
                (0x00BD | 0x00BE, _) if d.len() >= 6 => {
                    let (first, last) = (u16_at(d, 2), u16_at(d, d.len() - 2));
                    cells += last.saturating_sub(first) + 1;
                    see(u16_at(d, 0), first, last.max(first));
                }
                _ => {}
            }
        }
        let spread = extent.map_or(0, |(r0, r1, c0, c1)| (r1 - r0 + 1) * (c1 - c0 + 1));
        (declared.max(spread), cells)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_and_serials() {
        assert_eq!(column_of("A1"), Some(0));
        assert_eq!(column_of("XFD1048576"), Some(16_383));
        assert_eq!(column_of("XFE1"), None);
        assert_eq!(row_of("XFD1048576"), Some(1_048_575));
        assert_eq!(row_of("A1048577"), None);
        assert_eq!(cell_name(1_048_575, 16_383), "XFD1048576");
        assert_eq!(cell_name(6, 27), "AB7");
        assert_eq!(serial_date(29221.0, false).as_deref(), Some("1980-01-01"));
        assert_eq!(serial_date(1.0, false).as_deref(), Some("1900-01-01"));
        assert_eq!(
            serial_date(2_958_465.0, false).as_deref(),
            Some("9999-12-31")
        );
        assert_eq!(serial_date(2_958_466.0, false), None);
        assert_eq!(serial_date(0.999, false), None);
        assert_eq!(serial_date(1e10, false), None);
        assert_eq!(serial_date(-5.0, false), None);
        assert_eq!(serial_date(0.0, true), None);
        assert_eq!(serial_date(1.0, true).as_deref(), Some("1904-01-02"));
    }

    #[test]
    fn excel_escapes() {
        assert_eq!(unescape_x("张三_x000D_"), "张三\r");
        assert_eq!(unescape_x("a_x005F_x000D_b"), "a_x000D_b");
        assert_eq!(unescape_x("_x12_ _xZZZZ_ _x"), "_x12_ _xZZZZ_ _x");
        assert_eq!(unescape_x("甲_x0041_"), "甲A");
    }

    #[test]
    fn date_formats() {
        assert!(is_date_format("yyyy-mm-dd"));
        assert!(is_date_format("yyyy\\-mm\\-dd"));
        assert!(is_date_format("yyyy\"年\"m\"月\"d\"日\""));
        assert!(is_date_format("[$-F800]dddd, mmmm dd, yyyy"));
        assert!(!is_date_format("h:mm"));
        assert!(!is_date_format("[h]:mm:ss"));
        assert!(!is_date_format("0.00"));
        assert!(!is_date_format("#,##0;[Red]-#,##0"));
        assert!(!is_date_format("\"days\" 0"));
        assert!(is_date_format("m/d/yy h:mm"));
    }
}
