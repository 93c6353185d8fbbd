//! One CSV file read on several threads (`--threads`), with results exactly
//! as one reader gives them.
//!
//! The text after the header row is cut into parts at line breaks. Each
//! worker thread reads its parts, splitting records and parsing the cells
//! into rows, with the issues of those rows, and evaluates each row there
//! ([`DatasetReader::evaluate_in_parts`]): every part adds up into a state
//! of its own (for `check`: accumulators, groups, `--explain` lists, years,
//! the row's issues; `validate` only counts rows, [`DatasetReader::read_all`])
//! and hashes its rows' duplicate keys. The merging thread takes the parts
//! in file order, merges their states (see `engine::evaluate`) and notes
//! their keys in the duplicate filter, which is all that depends on what
//! came before.
//!
//! A cut is only a guess at a record boundary: a line break may sit inside
//! a quoted cell that spans lines. Parts are checked in order: a part that
//! starts where it should and ends outside quotes proves the next part
//! starts at a record boundary too. A part that ends inside quotes proves
//! the next cut wrong; then the next part is read again, on the merging
//! thread, from the start of the record holding the quote. Line numbers
//! are counted before reading (every `\n`, `\r\n` and lone `\r` is one
//! line break, inside quotes or not), so every part knows its first line.

use super::duplicates::PartKeys;
use super::records::Start;
use super::source::{OpenQuoteAt, Source};
use super::{DatasetReader, Row, Template};
use crate::pack::ColId;
use crate::report::Issue;
use anyhow::{anyhow, Result};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, SyncSender};

/// The default size of a part: small enough that the parts in flight (two
/// per thread) hold little (their states and duplicate keys), large enough
/// that opening and merging a part costs little.
pub const PART_BYTES: u64 = 256 << 10;

/// How a part ended.
#[derive(Default)]
enum End {
    #[default]
    Done,
    /// Inside quotes: the record holding them starts at `Start`. The error
    /// is the file's if this is its last part.
    OpenQuote(Start, anyhow::Error),
    Failed(anyhow::Error),
}

/// Where the parts are.
struct Plan {
    path: PathBuf,
    bom: u64,
    parts: Vec<(Start, u64)>,
}

impl<'p> DatasetReader<'p> {
    /// The parts of the rest of the file, if it is to be read in parts: a
    /// UTF-8 CSV file (not standard input, not a workbook, not GBK) of at
    /// least three parts, and more than one thread.
    fn parallel_plan(&mut self) -> Result<Option<Plan>> {
        let threads = self.opts.threads.max(1);
        let Some(path) = self.path.clone() else {
            return Ok(None);
        };
        if threads < 2 || self.source.split_point().is_none() {
            return Ok(None);
        }
        // Stand on the first record after the header row: the parts start there.
        if !self.pending {
            if !self.source.advance(&self.file)? {
                return Ok(None);
            }
            self.pending = true;
        }
        let Some((start, bom, size)) = self.source.split_point() else {
            return Ok(None);
        };
        let part_bytes = self.opts.part_bytes.max(1);
        let plan = plan(&path, bom, start, size, part_bytes, threads).map_err(|e| {
            let file = &self.file;
            anyhow!(crate::tr!(
                "无法读取 {file}：{e}",
                "cannot read {file}: {e}"
            ))
        })?;
        // A file of one or two parts is read faster by one reader than
        // by threads that must first be started; it is not planned again.
        if plan.parts.len() < 3 {
            self.path = None;
            return Ok(None);
        }
        Ok(Some(plan))
    }
}

/// Evaluation of rows on the threads that read them
/// ([`DatasetReader::evaluate_in_parts`]): each part's rows go into a state
/// of their own, and the states are merged in file order.
pub trait PartEval: Sync {
    /// What a part's rows add up to.
    type State: Send;
    /// The state of a part before its first row (on the part's thread).
    fn start(&self) -> Self::State;
    /// Adds a row of the part `reader` reads; the row's issues go to
    /// `issues`, after those of reading it.
    fn row(
        &self,
        state: &mut Self::State,
        row: &Row,
        reader: &DatasetReader<'_>,
        issues: &mut Vec<Issue>,
    );
}

/// What merging a part's state did.
pub enum Merged<S> {
    Done,
    /// The part must be evaluated again, on the merging thread, from this
    /// state (one that knows what the parts before it found).
    Again(S),
}

/// A part read and evaluated on a worker thread.
struct Evaluated<S> {
    state: S,
    issues: Vec<Issue>,
    keys: PartKeys,
    blanks: Option<(u64, u64, u64)>,
    end: End,
    /// Where it was read from, and its bytes.
    start: Start,
    bytes: u64,
}

/// What every thread evaluating parts shares.
struct Shared<'a, 'p, E> {
    eval: &'a E,
    template: &'a Template<'p>,
    plan: &'a Plan,
    /// The `unique` column sets.
    sets: &'a [Vec<ColId>],
}

impl<E: PartEval> Shared<'_, '_, E> {
    /// Reads `len` bytes from `start` and evaluates its rows from `state`;
    /// `keys` are buffers for its duplicate keys.
    fn evaluate(
        &self,
        state: E::State,
        mut keys: PartKeys,
        start: Start,
        len: u64,
    ) -> Evaluated<E::State> {
        keys.clear();
        let mut part = Evaluated {
            state,
            issues: Vec::new(),
            keys,
            blanks: None,
            end: End::Done,
            start,
            bytes: len,
        };
        let source = match Source::csv_part(&self.plan.path, self.plan.bom, start, len) {
            Ok(s) => s,
            Err(e) => {
                let file = &self.template.file;
                part.end = End::Failed(anyhow!(crate::tr!(
                    "无法读取 {file}：{e}",
                    "cannot read {file}: {e}"
                )));
                return part;
            }
        };
        let mut reader = self.template.reader(source);
        let mut row = Row::default();
        loop {
            match reader.read_row(&mut row, &mut part.issues) {
                Ok(true) => {
                    part.keys
                        .note(self.sets, &row.values, row.line, super::push_value_text);
                    self.eval
                        .row(&mut part.state, &row, &reader, &mut part.issues);
                }
                Ok(false) => break,
                Err(e) => {
                    part.end = match e.downcast::<OpenQuoteAt>() {
                        Ok(q) => End::OpenQuote(q.from, anyhow::Error::new(q)),
                        Err(e) => End::Failed(e),
                    };
                    break;
                }
            }
        }
        part.blanks = reader.numbered_blanks.take();
        part
    }

    /// A worker: evaluates parts `w`, `w + threads`, … and hands them over
    /// in order, until the last or until nobody takes them; `returned`
    /// brings back the key buffers of parts merged.
    fn work(
        &self,
        w: usize,
        threads: usize,
        tx: &SyncSender<Evaluated<E::State>>,
        returned: &Receiver<PartKeys>,
    ) {
        for k in (w..self.plan.parts.len()).step_by(threads) {
            let (start, len) = self.plan.parts[k];
            let keys = returned.try_recv().unwrap_or_default();
            if tx
                .send(self.evaluate(self.eval.start(), keys, start, len))
                .is_err()
            {
                return;
            }
        }
    }
}

/// How a file was read in parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartsRead {
    pub parts: usize,
    /// Parts read again on the merging thread because their cut was inside
    /// quotes.
    pub reread: usize,
}

impl<'p> DatasetReader<'p> {
    /// Reads and evaluates the rest of the file in parts on `--threads`
    /// threads, if it can be read in parts (a UTF-8 CSV file of three parts
    /// or more); `None`, having read no row, if not. `merge` takes each
    /// part's state in file order, with how far reading has got; the issues
    /// of the parts' rows, then those known at the end (duplicates, rows
    /// holding only a row number), go to `issues`, in the order one reader
    /// gives them.
    pub fn evaluate_in_parts<E: PartEval>(
        &mut self,
        eval: &E,
        // A list, or the report's store (which keeps a million issues on disk).
        issues: &mut impl Extend<Issue>,
        mut merge: impl FnMut(&Self, E::State, u64) -> Result<Merged<E::State>>,
    ) -> Result<Option<PartsRead>> {
        let Some(plan) = self.parallel_plan()? else {
            return Ok(None);
        };
        let mut read = PartsRead {
            parts: plan.parts.len(),
            reread: 0,
        };
        let threads = self.opts.threads.max(1);
        let template = self.template();
        let sets = self.duplicates.set_columns();
        let shared = Shared {
            eval,
            template: &template,
            plan: &plan,
            sets: &sets,
        };
        issues.extend(self.header_issues.drain(..));
        std::thread::scope(|scope| -> Result<()> {
            let shared = &shared;
            let mut workers = Vec::new();
            for w in 0..threads.min(plan.parts.len()) {
                let (tx, rx) = mpsc::sync_channel(1);
                let (back, returned) = mpsc::channel();
                std::thread::Builder::new()
                    .name(format!("part-evaluator-{w}"))
                    .spawn_scoped(scope, move || shared.work(w, threads, &tx, &returned))?;
                workers.push((rx, back));
            }
            let first = plan.parts.first().map_or(0, |p| p.0.byte);
            let (mut resume, mut done) = (None, 0u64);
            for k in 0..plan.parts.len() {
                let (parts, back) = &workers[k % workers.len()];
                let Ok(mut part) = parts.recv() else {
                    // Only if a worker panicked: never a silent end.
                    return Err(anyhow!(crate::tr!(
                        "{}：读取 CSV 的线程意外停止",
                        "{}: cannot read CSV: a thread reading the file stopped unexpectedly",
                        self.file
                    )));
                };
                if let Some(from) = resume.take() {
                    // Cut inside a quoted cell: this part is read again from
                    // the start of the record that holds it, on this thread.
                    let (start, len): (Start, u64) = plan.parts[k];
                    let keys = std::mem::take(&mut part.keys);
                    part = shared.evaluate(eval.start(), keys, from, start.byte + len - from.byte);
                    read.reread += 1;
                }
                match std::mem::take(&mut part.end) {
                    End::OpenQuote(from, _) if k + 1 < plan.parts.len() => resume = Some(from),
                    // At the end of the file, the file's error.
                    End::OpenQuote(_, e) | End::Failed(e) => return Err(e),
                    End::Done => {}
                }
                done += plan.parts[k].1;
                let position = first + done;
                let dataset = self.dataset;
                let size = self.source.size();
                self.duplicates.note_part(
                    &part.keys,
                    // As many rows as the file's size says, at the first rows' length.
                    |rows| size.saturating_mul(rows) / position.max(1),
                    |c, text| super::shown(dataset, c, text.to_string()),
                );
                let (start, bytes) = (part.start, part.bytes);
                if let Merged::Again(state) = merge(self, part.state, position)? {
                    let again = shared.evaluate(state, PartKeys::default(), start, bytes);
                    part.issues = again.issues;
                    // It knows what it needs now: merged at once.
                    if let Merged::Again(_) = merge(self, again.state, position)? {
                        return Err(anyhow!(crate::tr!(
                            "{}：内部错误：分段合并失败，请用 --threads 1 重试",
                            "{}: internal error: parts could not be merged; retry with --threads 1",
                            self.file
                        )));
                    }
                }
                issues.extend(part.issues.drain(..));
                // Its key buffers, for the worker's next part.
                let _ = back.send(part.keys);
                self.numbered_blanks = match (self.numbered_blanks, part.blanks) {
                    (Some((first, _, n)), Some((_, last, m))) => Some((first, last, n + m)),
                    (a, b) => a.or(b),
                };
            }
            Ok(())
        })?;
        issues.extend(self.numbered_blanks_issue());
        issues.extend(self.duplicate_issues());
        Ok(Some(read))
    }
}

/// Cuts the text from `start` to `size` into parts of about `part_bytes`,
/// each ending right after a `\n`, and counts the line breaks before each.
fn plan(
    path: &Path,
    bom: u64,
    start: Start,
    size: u64,
    part_bytes: u64,
    threads: usize,
) -> std::io::Result<Plan> {
    let mut file = File::open(path)?;
    let mut cuts = vec![start.byte];
    let mut buf = vec![0u8; 64 * 1024];
    let mut at = start.byte + part_bytes;
    while at < size {
        // The first `\n` at or after `at`.
        let Some(nl) = find_newline(&mut file, bom + at, &mut buf)? else {
            break;
        };
        let cut = nl - bom + 1;
        if cut >= size {
            break;
        }
        cuts.push(cut);
        at = cut.max(at) + part_bytes;
    }
    cuts.push(size);
    // Line breaks in each part but the last, counted on the threads.
    let ranges: Vec<(u64, u64)> = cuts.windows(2).map(|w| (w[0], w[1])).collect();
    let counts = count_all(path, bom, &ranges, start.after_cr, threads)?;
    let mut parts = Vec::with_capacity(ranges.len());
    let mut from = start;
    for (k, &(a, b)) in ranges.iter().enumerate() {
        parts.push((from, b - a));
        from = Start {
            byte: b,
            breaks: from.breaks + counts[k],
            after_cr: false,
        };
    }
    Ok(Plan {
        path: path.to_path_buf(),
        bom,
        parts,
    })
}

/// The offset of the first `\n` at or after `at`, if any.
fn find_newline(file: &mut File, at: u64, buf: &mut [u8]) -> std::io::Result<Option<u64>> {
    file.seek(SeekFrom::Start(at))?;
    let mut pos = at;
    loop {
        let n = match file.read(buf) {
            Ok(0) => return Ok(None),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if let Some(i) = buf[..n].iter().position(|&b| b == b'\n') {
            return Ok(Some(pos + i as u64));
        }
        pos += n as u64;
    }
}

/// Line breaks in each range, counted on up to `threads` threads.
fn count_all(
    path: &Path,
    bom: u64,
    ranges: &[(u64, u64)],
    after_cr: bool,
    threads: usize,
) -> std::io::Result<Vec<u64>> {
    let per = ranges.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = ranges
            .chunks(per)
            .enumerate()
            .map(|(i, group)| {
                s.spawn(move || -> std::io::Result<Vec<u64>> {
                    let mut file = File::open(path)?;
                    let mut buf = vec![0u8; 1 << 20];
                    group
                        .iter()
                        .enumerate()
                        .map(|(j, &(a, b))| {
                            let first = i == 0 && j == 0;
                            count_range(&mut file, bom + a, b - a, first && after_cr, &mut buf)
                        })
                        .collect()
                })
            })
            .collect();
        let mut out = Vec::with_capacity(ranges.len());
        for h in handles {
            let counts = h
                .join()
                .map_err(|_| std::io::Error::other("a thread counting lines stopped"))??;
            out.extend(counts);
        }
        Ok(out)
    })
}

/// Line breaks in `len` bytes from `at`, as the reader counts them: every
/// `\r`, and every `\n` not right after a `\r`.
fn count_range(
    file: &mut File,
    at: u64,
    len: u64,
    mut after_cr: bool,
    buf: &mut [u8],
) -> std::io::Result<u64> {
    file.seek(SeekFrom::Start(at))?;
    let mut left = len;
    let mut breaks = 0u64;
    while left > 0 {
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = match file.read(&mut buf[..want]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        breaks += count_breaks(&buf[..n], after_cr);
        after_cr = buf[n - 1] == b'\r';
        left -= n as u64;
    }
    Ok(breaks)
}

/// Line breaks in `bytes`; `after_cr`: the byte before them was `\r`.
fn count_breaks(bytes: &[u8], after_cr: bool) -> u64 {
    // Separate simple counts, which the compiler vectorises.
    let lf = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
    if !after_cr && !bytes.contains(&b'\r') {
        return lf;
    }
    let cr = bytes.iter().filter(|&&b| b == b'\r').count() as u64;
    let pairs = bytes.windows(2).filter(|w| w == b"\r\n").count() as u64;
    let first = u64::from(after_cr && bytes.first() == Some(&b'\n'));
    cr + lf - pairs - first
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{bind, ReadOptions};

    /// (line, values) of every row, its issues, and (parts, parts read again).
    type Read = (Vec<(u64, String)>, Vec<Issue>, (usize, usize));

    fn read_all(path: &Path, threads: usize) -> Read {
        let pack = crate::pack::Pack::embedded().unwrap();
        let bindings = bind(&[path.display().to_string()], &pack).unwrap();
        let dataset = &pack.datasets[bindings[0].dataset];
        let opts = ReadOptions {
            lang: crate::Lang::Zh,
            as_of: chrono::NaiveDate::from_ymd_opt(2025, 6, 30).unwrap(),
            encoding: None,
            sheet: None,
            threads,
            part_bytes: 200,
        };
        let mut reader = DatasetReader::open(dataset, &bindings[0], &opts).unwrap();
        let cols: Vec<usize> = (0..dataset.columns.len()).collect();
        reader.use_columns(&cols);
        /// Every row as (line, values and key as shown).
        struct Rows(usize);
        impl PartEval for Rows {
            type State = Vec<(u64, String)>;
            fn start(&self) -> Self::State {
                Vec::new()
            }
            fn row(
                &self,
                rows: &mut Self::State,
                row: &Row,
                r: &DatasetReader<'_>,
                _: &mut Vec<Issue>,
            ) {
                rows.push((row.line, format!("{:?} {}", row.values, r.raw(self.0))));
            }
        }
        let eval = Rows(dataset.key);
        let (mut rows, mut issues) = (Vec::new(), Vec::new());
        let merge = |_: &DatasetReader<'_>, part: Vec<(u64, String)>, _| {
            rows.extend(part);
            Ok(Merged::Done)
        };
        let read = reader.evaluate_in_parts(&eval, &mut issues, merge).unwrap();
        let seen = read.map_or((0, 0), |r| (r.parts, r.reread));
        if read.is_none() {
            let mut row = Row::default();
            while reader.next_row(&mut row, &mut issues).unwrap() {
                eval.row(&mut rows, &row, &reader, &mut Vec::new());
            }
        }
        (rows, issues, seen)
    }

    #[test]
    fn cuts_inside_quoted_cells_are_read_again_from_the_record_start() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("delegates.csv");
        let mut text = String::from("姓名,出生日期,工作单位,单位类型,是否基层一线\r\n");
        for i in 0..300 {
            // Every third unit is a quoted cell of many lines, longer than a part.
            let unit = match i % 3 {
                0 => format!("\"{}\"", "泰州\r\n某厂,\"\"甲\"\"\n".repeat(i % 20)),
                _ => format!("单位{i}"),
            };
            text.push_str(&format!(
                "张{i},1980-01-{:02},{unit},企业,是\r\n",
                i % 28 + 1
            ));
        }
        std::fs::write(&path, &text).unwrap();
        let (one, one_issues, none) = read_all(&path, 1);
        assert_eq!(one.len(), 300);
        assert_eq!(none, (0, 0));
        let (many, many_issues, (parts, reread)) = read_all(&path, 3);
        assert!(
            parts > 20 && reread > 5,
            "{parts} parts, {reread} read again"
        );
        assert_eq!(many, one);
        assert_eq!(many_issues, one_issues);
    }

    #[test]
    fn line_breaks_are_counted_as_the_reader_counts_them() {
        assert_eq!(count_breaks(b"a\nb\n", false), 2);
        assert_eq!(count_breaks(b"a\r\nb\r\n", false), 2);
        assert_eq!(count_breaks(b"a\rb\r", false), 2);
        assert_eq!(count_breaks(b"\na\r\r\n\n", false), 4);
        // A `\n` right after a `\r` that ended the previous piece.
        assert_eq!(count_breaks(b"\nb\n", true), 1);
        assert_eq!(count_breaks(b"", true), 0);
    }
}
