//! CSV records, split on the calling thread or on a second one.
//!
//! [`split`] finds records and fields in one pass over the text, fields
//! borrowed from its buffer. Read on the calling thread (`--threads 1`, and
//! each part of a file read in parts), a record costs no copy at all. Read
//! on a second thread, so that splitting runs on one core while cells are
//! read and evaluated on the other, the fields of many records are copied
//! back to back into one batch, written once by the reading thread and read
//! once by the evaluating one, front to back, so its memory moves between
//! the cores as a stream rather than record by record. Emptied batches are
//! sent back and reused, and at most a few are in flight, so memory stays
//! flat whatever the size of the file.
//!
//! Records the splitter leaves alone (longer than its buffer, or not UTF-8)
//! are read by `csv_core` (the parser inside the csv crate) with [`Lines`]
//! counting physical lines, as all records were before.

mod split;

use csv_core::ReadRecordResult;
use std::io::{BufRead, Read};
use std::ops::Range;
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::thread;

/// A batch ends after this many records or bytes of fields, whichever
/// first: large enough that passing a batch costs little per record, small
/// enough that the batches in flight stay in cache.
const BATCH_RECORDS: usize = 1024;
const BATCH_BYTES: usize = 128 * 1024;
/// Batches queued between the threads.
const QUEUED: usize = 4;
/// The longest cell kept, in bytes of UTF-8. Excel holds at most 32,767
/// characters in a cell (3 bytes each for Chinese); a longer CSV cell is no
/// roster entry but a pasted document, kept only up to here and reported.
pub const MAX_CELL_BYTES: usize = 256 * 1024;
/// Where the rest of a cell past the cap is read and dropped.
const SCRATCH_BYTES: usize = 64 * 1024;

/// Why reading stopped before the end of the file.
#[derive(Debug)]
pub enum ReadError {
    Io(std::io::Error),
    /// A record that is not UTF-8, at this line and 1-based column.
    NotUtf8 {
        line: u64,
        column: usize,
    },
    /// The file ends inside a quoted field: the quote opened on this line
    /// was never closed, and everything after it would be one cell.
    OpenQuote {
        line: u64,
        /// Where the record holding that quote starts: a reader of a part
        /// of the file reads on from here (see `super::parallel`).
        from: Start,
    },
    /// The reading thread stopped without saying why (it panicked).
    Stopped,
}

/// A place in the text where a record may start, with the line count
/// there: a reader of a part of the file starts at one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Start {
    /// Byte offset in the (decoded) text.
    pub byte: u64,
    /// Line breaks before it.
    pub breaks: u64,
    /// The byte before it is `\r` (a `\n` here ends no line).
    pub after_cr: bool,
}

/// Physical lines and quoted fields, followed over the bytes csv_core has
/// consumed. csv_core counts only `\n` and counts a record's CRLF late (a
/// record after CRLF got the line before it), skips blank lines without
/// counting them, and gives no sign that the file ended inside quotes.
/// This follows the same grammar (a quote opens a field only at its start;
/// `""` inside quotes is a quote) and counts `\n`, `\r\n` and a lone `\r`
/// each as one line break.
#[derive(Debug)]
struct Lines {
    /// Line breaks consumed so far.
    breaks: u64,
    /// The last byte was `\r`: a `\n` right after it ends no further line.
    after_cr: bool,
    state: State,
    /// The 1-based line on which the latest record starts.
    record: u64,
    /// The line on which the quoted field now open started.
    quote: u64,
    /// The field separator: a comma, or a tab or semicolon.
    delimiter: u8,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum State {
    /// Before a record: line breaks here are blank lines.
    #[default]
    RecordStart,
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: it closes the field unless another follows.
    QuoteInQuoted,
}

/// Bytes that can change the state inside a field: the rest only continue it.
const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b'\n' as usize] = true;
    t[b'\r' as usize] = true;
    t[b'"' as usize] = true;
    t[b',' as usize] = true;
    t
};

impl Default for Lines {
    fn default() -> Lines {
        Lines {
            breaks: 0,
            after_cr: false,
            state: State::default(),
            record: 0,
            quote: 0,
            delimiter: b',',
        }
    }
}

impl Lines {
    fn feed(&mut self, bytes: &[u8]) {
        let mut i = 0;
        while i < bytes.len() {
            if matches!(self.state, State::Unquoted | State::Quoted) {
                // Inside a field, skip to the next byte that matters: the
                // per-byte steps below would leave the state as it is.
                let rest = &bytes[i..];
                let skip = rest
                    .iter()
                    .position(|&b| SPECIAL[usize::from(b)] || b == self.delimiter)
                    .unwrap_or(rest.len());
                if skip > 0 {
                    self.after_cr = false;
                    i += skip;
                    continue;
                }
            }
            self.step(bytes[i]);
            i += 1;
        }
    }

    fn step(&mut self, b: u8) {
        let line_break = match b {
            b'\n' => {
                self.breaks += u64::from(!self.after_cr);
                self.after_cr = false;
                true
            }
            b'\r' => {
                self.breaks += 1;
                self.after_cr = true;
                true
            }
            _ => {
                self.after_cr = false;
                false
            }
        };
        self.state = match (self.state, b) {
            (State::RecordStart, _) if line_break => State::RecordStart,
            (State::RecordStart | State::FieldStart, _) => {
                if self.state == State::RecordStart {
                    self.record = self.breaks + 1;
                }
                match b {
                    b'"' => {
                        self.quote = self.breaks + 1;
                        State::Quoted
                    }
                    _ if b == self.delimiter => State::FieldStart,
                    _ if line_break => State::RecordStart,
                    _ => State::Unquoted,
                }
            }
            (State::Quoted, b'"') => State::QuoteInQuoted,
            (State::Quoted, _) => State::Quoted,
            (State::QuoteInQuoted, b'"') => State::Quoted,
            (State::QuoteInQuoted | State::Unquoted, _) if b == self.delimiter => State::FieldStart,
            (State::QuoteInQuoted | State::Unquoted, _) if line_break => State::RecordStart,
            (State::QuoteInQuoted | State::Unquoted, _) => State::Unquoted,
        };
    }
}

/// Where one record is in its batch.
#[derive(Clone, Copy, Debug)]
struct Span {
    /// Byte offset of its first field in the batch's text.
    start: usize,
    /// Index of its first field's end in the batch's `ends`.
    first: usize,
    fields: usize,
    line: u64,
    /// Where the record (and any blank lines before it) starts.
    from: Start,
}

impl Span {
    fn ends(&self) -> Range<usize> {
        self.first..self.first + self.fields
    }
}

#[derive(Default)]
struct Batch {
    /// Where csv_core writes the fields; only `[..used]` is this batch's.
    raw: Vec<u8>,
    /// `raw[..used]`, once checked to be UTF-8.
    text: String,
    /// End of each field in `raw` and `text`; only `[..nends]` are this
    /// batch's (the rest is room for csv_core to write into).
    ends: Vec<usize>,
    nends: usize,
    spans: Vec<Span>,
    /// Cells cut at [`MAX_CELL_BYTES`], in file order.
    long: Vec<Long>,
    /// Where the dropped part of a long cell is read.
    scratch: Vec<u8>,
}

/// A cell cut at [`MAX_CELL_BYTES`].
#[derive(Clone, Copy, Debug)]
struct Long {
    /// Index of its record in the batch's `spans`.
    span: usize,
    field: usize,
    /// Its length in the file (after decoding).
    bytes: u64,
}

impl Batch {
    fn clear(&mut self) {
        // A huge cell (a pasted document) should not keep its memory.
        if self.raw.capacity() > 16 * BATCH_BYTES {
            self.raw = Vec::new();
            self.text = String::new();
        }
        self.text.clear();
        self.nends = 0;
        self.spans.clear();
        self.long.clear();
    }
}

enum Msg {
    Batch(Box<Batch>),
    Error(ReadError),
    End,
}

/// The records of a file, in order; one of them is current.
pub struct Records {
    feed: Feed,
    batch: Box<Batch>,
    /// Index of the current record in `batch.spans`, plus one (0: none yet).
    next: usize,
    done: bool,
}

/// Where records come from.
enum Feed {
    /// A reading thread, in batches.
    Thread {
        rx: Receiver<Msg>,
        /// Emptied batches go back to the reading thread for reuse.
        back: Sender<Box<Batch>>,
    },
    /// The calling thread itself: `--threads 1`, or a reader of one part
    /// of a file that already runs on a thread of its own.
    Inline(Box<split::Splitter>),
}

impl Records {
    /// Reads `source` as CSV on a new thread. The thread stops at the end
    /// of the file, at an error, or when `Records` is dropped.
    pub fn spawn(source: Box<dyn Read + Send>) -> std::io::Result<Records> {
        Records::spawn_with(source, b',')
    }

    /// [`Records::spawn`] with fields separated by `delimiter` (a tab, a
    /// semicolon) instead of commas.
    pub fn spawn_with(source: Box<dyn Read + Send>, delimiter: u8) -> std::io::Result<Records> {
        let (tx, rx) = mpsc::sync_channel(QUEUED);
        let (back, returned) = mpsc::channel::<Box<Batch>>();
        // A named thread, so that profiles tell the two halves apart.
        thread::Builder::new()
            .name("csv-reader".into())
            .spawn(move || fill(source, delimiter, &tx, &returned))?;
        Ok(Records::with(Feed::Thread { rx, back }))
    }

    /// Reads `source`, text that starts at `start` of a file, on the
    /// calling thread.
    pub fn inline(source: Box<dyn Read + Send>, start: Start) -> Records {
        Records::inline_with(source, start, b',')
    }

    /// [`Records::inline`] with fields separated by `delimiter`.
    pub fn inline_with(source: Box<dyn Read + Send>, start: Start, delimiter: u8) -> Records {
        Records::with(Feed::Inline(Box::new(split::Splitter::new(
            source, start, delimiter,
        ))))
    }

    fn with(feed: Feed) -> Records {
        Records {
            feed,
            batch: Box::default(),
            next: 0,
            done: false,
        }
    }

    /// Moves to the next record; false at the end of the file.
    pub fn advance(&mut self) -> Result<bool, ReadError> {
        if self.done {
            return Ok(false);
        }
        let (rx, back) = match &mut self.feed {
            Feed::Inline(splitter) => {
                let next = splitter.next();
                self.done = !matches!(next, Ok(true));
                return next;
            }
            Feed::Thread { rx, back } => (rx, back),
        };
        while self.next >= self.batch.spans.len() {
            let used = std::mem::take(&mut self.batch);
            self.next = 0;
            if used.text.capacity() > 0 {
                // The reading thread may have stopped already; then the
                // batch is simply dropped.
                let _ = back.send(used);
            }
            // An error only if the reading thread panicked: never a silent end.
            match rx.recv().unwrap_or(Msg::Error(ReadError::Stopped)) {
                Msg::Batch(batch) => self.batch = batch,
                Msg::Error(e) => {
                    self.done = true;
                    return Err(e);
                }
                Msg::End => {
                    self.done = true;
                    return Ok(false);
                }
            }
        }
        self.next += 1;
        Ok(true)
    }

    fn splitter(&self) -> Option<&split::Splitter> {
        match &self.feed {
            Feed::Inline(s) => Some(s),
            Feed::Thread { .. } => None,
        }
    }

    fn span(&self) -> Option<&Span> {
        self.batch.spans.get(self.next.checked_sub(1)?)
    }

    /// 1-based line of the current record (0 before the first).
    pub fn line(&self) -> u64 {
        match self.splitter() {
            Some(s) => s.line(),
            None => self.span().map_or(0, |s| s.line),
        }
    }

    /// Byte offset of the current record in the (decoded) text.
    pub fn byte(&self) -> u64 {
        self.start().byte
    }

    /// Where the current record starts (the start of the text before the first).
    pub fn start(&self) -> Start {
        match self.splitter() {
            Some(s) => s.start(),
            None => self.span().map_or(Start::default(), |s| s.from),
        }
    }

    /// Number of fields of the current record.
    pub fn len(&self) -> usize {
        match self.splitter() {
            Some(s) => s.len(),
            None => self.span().map_or(0, |s| s.fields),
        }
    }

    /// The length in bytes of field `i` of the current record if it was
    /// longer than [`MAX_CELL_BYTES`] (then [`Records::field`] gives its start).
    pub fn too_long(&self, i: usize) -> Option<u64> {
        if let Some(s) = self.splitter() {
            return s.too_long(i);
        }
        if self.batch.long.is_empty() {
            return None;
        }
        let span = self.next.checked_sub(1)?;
        self.batch
            .long
            .iter()
            .find(|l| l.span == span && l.field == i)
            .map(|l| l.bytes)
    }

    /// Field `i` of the current record.
    #[inline]
    pub fn field(&self, i: usize) -> Option<&str> {
        if let Some(s) = self.splitter() {
            return s.field(i);
        }
        let s = self.span()?;
        if i >= s.fields {
            return None;
        }
        let end = self.batch.ends[s.first + i];
        let start = match i {
            0 => s.start,
            _ => self.batch.ends[s.first + i - 1],
        };
        // Every field end was checked to be a character boundary.
        self.batch.text.get(start..end)
    }
}

/// The reading thread: fills batches until the end, an error, or until the
/// receiving side is gone.
fn fill(
    source: Box<dyn Read + Send>,
    delimiter: u8,
    tx: &SyncSender<Msg>,
    returned: &Receiver<Box<Batch>>,
) {
    let mut splitter = split::Splitter::new(source, Start::default(), delimiter);
    loop {
        let mut batch = returned.try_recv().unwrap_or_default();
        batch.clear();
        let end = fill_batch(&mut splitter, &mut batch);
        if !batch.spans.is_empty() && tx.send(Msg::Batch(batch)).is_err() {
            return;
        }
        if let Some(msg) = end {
            tx.send(msg).ok();
            return;
        }
    }
}

/// Copies records into a cleared batch; how the text ends, if it ends
/// after the batch.
fn fill_batch(splitter: &mut split::Splitter, batch: &mut Batch) -> Option<Msg> {
    while batch.spans.len() < BATCH_RECORDS && batch.text.len() < BATCH_BYTES {
        match splitter.next() {
            Ok(true) => {}
            Ok(false) => return Some(Msg::End),
            Err(e) => return Some(Msg::Error(e)),
        }
        let (first, start) = (batch.nends, batch.text.len());
        let fields = splitter.len();
        batch.ends.truncate(first);
        for i in 0..fields {
            batch.text.push_str(splitter.field(i).unwrap_or_default());
            batch.ends.push(batch.text.len());
            if let Some(bytes) = splitter.too_long(i) {
                batch.long.push(Long {
                    span: batch.spans.len(),
                    field: i,
                    bytes,
                });
            }
        }
        batch.nends = batch.ends.len();
        batch.spans.push(Span {
            start,
            first,
            fields,
            line: splitter.line(),
            from: splitter.start(),
        });
    }
    None
}

/// Reads one record into the batch: its fields into `raw[used..]`, their
/// ends (from the start of `raw`) into `ends[nends..]`. False at the end of
/// the file; also the bytes consumed.
///
/// A cell longer than [`MAX_CELL_BYTES`] is kept only up to that length
/// (at a character boundary) and noted in `batch.long`: the rest of it is
/// read into a small scratch buffer and dropped, so a pasted document of
/// hundreds of megabytes costs no more memory than a full Excel cell.
fn read_record(
    core: &mut csv_core::Reader,
    lines: &mut Lines,
    input: &mut impl BufRead,
    batch: &mut Batch,
    used: &mut usize,
) -> Result<(bool, u64), ReadError> {
    let mut consumed = 0u64;
    let start = *used;
    let first = batch.nends;
    let mut nends = first;
    // csv_core's output position in this record (it counts ends from the
    // record's start), the bytes of that output not kept, and where the
    // current field starts, in csv_core's count and in `raw`.
    let (mut virt, mut dropped) = (0usize, 0usize);
    let (mut field_virt, mut field_start) = (0usize, start);
    // The current field is past the cap: its output goes to `scratch`.
    let mut long = false;
    loop {
        // Room to write into; both buffers only ever grow (by doubling).
        if batch.raw.len() - *used < 256 {
            let len = (batch.raw.len() * 2).max(BATCH_BYTES + 1024);
            batch.raw.resize(len, 0);
        }
        if batch.ends.len() - nends < 16 {
            let len = (batch.ends.len() * 2).max(4 * BATCH_RECORDS);
            batch.ends.resize(len, 0);
        }
        let buf = match input.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ReadError::Io(e)),
        };
        // At the end of the file inside quotes, the rest of the file would
        // be one cell of a last record that passes silently: an error.
        if buf.is_empty() && lines.state == State::Quoted {
            return Err(ReadError::OpenQuote {
                line: lines.quote,
                from: Start::default(),
            });
        }
        let (res, nin, nout, nend) = if long {
            if batch.scratch.is_empty() {
                batch.scratch.resize(SCRATCH_BYTES, 0);
            }
            core.read_record(buf, &mut batch.scratch, &mut batch.ends[nends..])
        } else {
            // Never more than one byte past the cap in the current field.
            let room = MAX_CELL_BYTES + 1 - (*used - field_start);
            let end = batch.raw.len().min(*used + room);
            core.read_record(buf, &mut batch.raw[*used..end], &mut batch.ends[nends..])
        };
        lines.feed(&buf[..nin]);
        input.consume(nin);
        consumed += nin as u64;
        // Output not kept: the long field's, up to its end.
        let skip = match (long, nend) {
            (false, _) => 0,
            (true, 0) => nout,
            (true, _) => batch.ends[nends] - virt,
        };
        if long {
            // The fields after the long one move from scratch into `raw`.
            let keep = nout - skip;
            if batch.raw.len() - *used < keep {
                batch.raw.resize(*used + keep + 256, 0);
            }
            batch.raw[*used..*used + keep].copy_from_slice(&batch.scratch[skip..nout]);
            long = nend == 0;
        }
        dropped += skip;
        let mut written = *used + nout - skip;
        for k in nends..nends + nend {
            let end_virt = batch.ends[k];
            let mut real = start + end_virt - dropped;
            let field_long = real - field_start > MAX_CELL_BYTES;
            if field_long {
                // A whole field past the cap within this output (the output
                // is bounded, so by a byte or so): cut its tail out.
                let keep = field_start + floor_boundary(&batch.raw[field_start..real]);
                batch.raw.copy_within(real..written, keep);
                written -= real - keep;
                dropped += real - keep;
                real = keep;
            }
            if field_long || end_virt - field_virt > real - field_start {
                batch.long.push(Long {
                    span: batch.spans.len(),
                    field: k - first,
                    bytes: (end_virt - field_virt) as u64,
                });
            }
            batch.ends[k] = real;
            (field_virt, field_start) = (end_virt, real);
        }
        *used = written;
        virt += nout;
        nends += nend;
        if !long && *used - field_start > MAX_CELL_BYTES {
            let keep = field_start + floor_boundary(&batch.raw[field_start..*used]);
            dropped += *used - keep;
            *used = keep;
            long = true;
        }
        match res {
            ReadRecordResult::InputEmpty
            | ReadRecordResult::OutputFull
            | ReadRecordResult::OutputEndsFull => continue,
            ReadRecordResult::Record => {
                batch.nends = nends;
                return Ok((true, consumed));
            }
            ReadRecordResult::End => return Ok((false, consumed)),
        }
    }
}

/// The length of `field`'s longest prefix of at most [`MAX_CELL_BYTES`]
/// bytes that ends on a character boundary.
fn floor_boundary(field: &[u8]) -> usize {
    let mut k = MAX_CELL_BYTES.min(field.len());
    // A UTF-8 continuation byte (10xxxxxx) is not where a character starts.
    while k > 0 && k < field.len() && field[k] & 0xC0 == 0x80 {
        k -= 1;
    }
    k
}

/// Checks the batch's fields are UTF-8 — all in one call, plus a check
/// that every field ends on a character boundary (a character split by a
/// comma is valid once the fields are joined) — and copies them to `text`.
/// At the first record that is not, keeps the records before it and says
/// where it is.
fn check_text(batch: &mut Batch, used: usize) -> Result<(), ReadError> {
    let raw = &batch.raw[..used];
    if let Ok(text) = simdutf8::basic::from_utf8(raw) {
        if batch.ends[..batch.nends]
            .iter()
            .all(|&e| text.is_char_boundary(e))
        {
            batch.text.push_str(text);
            return Ok(());
        }
    }
    for (k, span) in batch.spans.iter().enumerate() {
        let mut from = span.start;
        for (column, &end) in batch.ends[span.ends()].iter().enumerate() {
            if std::str::from_utf8(&raw[from..end]).is_err() {
                let bad = ReadError::NotUtf8 {
                    line: span.line,
                    column: column + 1,
                };
                let valid = &raw[..span.start];
                batch.spans.truncate(k);
                // Valid field by field, so valid as a whole.
                batch
                    .text
                    .push_str(std::str::from_utf8(valid).unwrap_or_default());
                return Err(bad);
            }
            from = end;
        }
    }
    // Not reached: fields that are each UTF-8 are UTF-8 joined.
    batch
        .text
        .push_str(std::str::from_utf8(raw).unwrap_or_default());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records_of(source: Box<dyn Read + Send>) -> Records {
        Records::spawn(source).unwrap()
    }

    fn records(text: &str) -> Records {
        records_of(Box::new(std::io::Cursor::new(text.as_bytes().to_vec())))
    }

    #[test]
    fn every_record_in_order_with_its_line_and_fields() {
        let n = BATCH_RECORDS * 3 + 7;
        let text: String = (1..=n).map(|i| format!("{i},甲{i},\"a,b\"\n")).collect();
        let mut r = records(&text);
        for i in 1..=n {
            assert!(r.advance().unwrap());
            assert_eq!(r.len(), 3);
            assert_eq!(r.field(0), Some(i.to_string().as_str()));
            assert_eq!(r.field(1), Some(format!("甲{i}").as_str()));
            assert_eq!(r.field(2), Some("a,b"));
            assert_eq!(r.field(3), None);
            assert_eq!(r.line(), i as u64);
        }
        assert!(!r.advance().unwrap());
        assert!(!r.advance().unwrap());
    }

    #[test]
    fn ragged_records_and_large_ones_keep_their_fields() {
        // Larger than a batch, as large as a cell may be.
        let big = "长".repeat(MAX_CELL_BYTES / 3);
        assert!(big.len() > BATCH_BYTES);
        let text = format!("a\nb,c,d\n{big},e\n,\n");
        let mut r = records(&text);
        let mut got = Vec::new();
        while r.advance().unwrap() {
            got.push(
                (0..r.len())
                    .map(|i| r.field(i).unwrap().to_string())
                    .collect::<Vec<_>>(),
            );
        }
        assert_eq!(
            got,
            vec![
                vec!["a".to_string()],
                vec!["b".into(), "c".into(), "d".into()],
                vec![big.clone(), "e".into()],
                vec![String::new(), String::new()],
            ]
        );
    }

    /// (first field, line) of every record.
    fn lines_of(text: &[u8]) -> Vec<(String, u64)> {
        let mut r = records_of(Box::new(std::io::Cursor::new(text.to_vec())));
        let mut got = Vec::new();
        while r.advance().unwrap() {
            got.push((r.field(0).unwrap().to_string(), r.line()));
        }
        got
    }

    #[test]
    fn lines_skip_ahead_exactly_as_byte_by_byte() {
        // Random text from the bytes that matter, fed whole and one byte at
        // a time (the skipping never applies then): the same lines, for a
        // comma and for a tab or semicolon as the separator.
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for delimiter in [b',', b'\t', b';'] {
            for _ in 0..200 {
                let bytes: Vec<u8> = (0..300)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        b"ab\",\r\n;\t"[(seed % 8) as usize]
                    })
                    .collect();
                let mut whole = Lines {
                    delimiter,
                    ..Lines::default()
                };
                whole.feed(&bytes);
                let mut single = Lines {
                    delimiter,
                    ..Lines::default()
                };
                for b in &bytes {
                    single.feed(std::slice::from_ref(b));
                }
                let key = |l: &Lines| (l.breaks, l.after_cr, l.state, l.record, l.quote);
                assert_eq!(
                    key(&whole),
                    key(&single),
                    "{:?}",
                    String::from_utf8_lossy(&bytes)
                );
            }
        }
    }

    #[test]
    fn lines_are_physical_for_lf_crlf_and_cr_with_blank_lines_and_quoted_breaks() {
        // Regression (#10.1): csv_core gave CRLF records the line before
        // theirs and CR-only files line 1 throughout.
        let want = |pairs: &[(&str, u64)]| -> Vec<(String, u64)> {
            pairs.iter().map(|(f, l)| (f.to_string(), *l)).collect()
        };
        for nl in ["\n", "\r\n", "\r"] {
            let text = format!(
                "title{nl}{nl}h1,h2{nl}a,\"two{nl}lines\"{nl}b,1{nl}{nl}{nl}\"c{nl}{nl}x\",2{nl}d,3"
            );
            assert_eq!(
                lines_of(text.as_bytes()),
                want(&[
                    ("title", 1),
                    ("h1", 3),
                    ("a", 4),
                    ("b", 6),
                    ("c\n\nx".replace("\n", nl).as_str(), 9),
                    ("d", 12),
                ]),
                "{nl:?}"
            );
        }
        // Mixed endings, a quote inside an unquoted field, an escaped quote.
        assert_eq!(
            lines_of(b"a\r\nb 5\"\n\"x\"\"\r\ny\",1\rc\n"),
            want(&[("a", 1), ("b 5\"", 2), ("x\"\r\ny", 3), ("c", 5)])
        );
        // A CRLF split between two reads still ends one line.
        struct Split(Vec<&'static [u8]>);
        impl Read for Split {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                if self.0.is_empty() {
                    return Ok(0);
                }
                let part = self.0.remove(0);
                buf[..part.len()].copy_from_slice(part);
                Ok(part.len())
            }
        }
        let mut r = records_of(Box::new(Split(vec![b"a\r", b"\nb\r", b"\n", b"c\r\n"])));
        let mut got = Vec::new();
        while r.advance().unwrap() {
            got.push(r.line());
        }
        assert_eq!(got, [1, 2, 3]);
    }

    #[test]
    fn the_end_of_the_file_inside_quotes_is_an_error_naming_where_it_opened() {
        // Regression (#14.8): `"见附件` swallowed the rest of the file.
        let text = "姓名,备注\r\n张三,\"见附件\r\n李四,x\r\n王五,y\r\n";
        let mut r = records(text);
        assert!(r.advance().unwrap());
        assert_eq!(r.line(), 1);
        match r.advance() {
            Err(ReadError::OpenQuote { line, from }) => {
                assert_eq!(line, 2);
                assert_eq!(from.byte, "姓名,备注\r".len() as u64);
                assert_eq!((from.breaks, from.after_cr), (1, true));
            }
            other => panic!("{other:?}"),
        }
        assert!(!r.advance().unwrap());
        // Closed at the very end, or an escaped quote: fine.
        assert_eq!(lines_of(b"a,\"x\ny\""), [("a".to_string(), 1)]);
        assert_eq!(lines_of(b"\"a\"\"\""), [("a\"".to_string(), 1)]);
        // A quote inside an unquoted field opens nothing.
        assert_eq!(
            lines_of(b"5\"\n6"),
            [("5\"".to_string(), 1), ("6".to_string(), 2)]
        );
    }

    #[test]
    fn cells_past_the_cap_are_cut_and_noted_and_the_rest_of_the_row_kept() {
        // #14.6: a 1 MB cell is kept to the cap, at a character boundary;
        // the cells after it, and the next rows, are whole.
        let huge = "是".repeat(350_000);
        let just = "a".repeat(MAX_CELL_BYTES);
        let over = "b".repeat(MAX_CELL_BYTES + 1);
        let text = format!(
            "x,{huge},y\n\"{huge}\"\n{just},{over}\nz,\"q\"\"{huge}\",w\n{}\n",
            "c".repeat(3 * MAX_CELL_BYTES)
        );
        let mut r = records(&text);
        assert!(r.advance().unwrap());
        let cell = r.field(1).unwrap();
        assert_eq!(cell.len(), MAX_CELL_BYTES - MAX_CELL_BYTES % 3);
        assert!(cell.chars().all(|c| c == '是'));
        assert_eq!((r.field(0), r.field(2), r.len()), (Some("x"), Some("y"), 3));
        assert_eq!(
            (r.too_long(0), r.too_long(1), r.too_long(2)),
            (None, Some(1_050_000), None)
        );
        assert_eq!(r.line(), 1);
        assert!(r.advance().unwrap());
        assert_eq!((r.len(), r.too_long(0), r.line()), (1, Some(1_050_000), 2));
        assert!(r.advance().unwrap());
        assert_eq!(r.field(0), Some(just.as_str()));
        assert_eq!(r.field(1), Some(&over[..MAX_CELL_BYTES]));
        let bytes = (MAX_CELL_BYTES + 1) as u64;
        assert_eq!((r.too_long(0), r.too_long(1)), (None, Some(bytes)));
        assert!(r.advance().unwrap());
        assert_eq!(
            (r.field(0), r.field(2), r.too_long(1)),
            (Some("z"), Some("w"), Some(1_050_002))
        );
        assert!(r.field(1).unwrap().starts_with("q\"是"));
        assert!(r.advance().unwrap());
        assert_eq!(r.too_long(0), Some(3 * MAX_CELL_BYTES as u64));
        assert_eq!(r.line(), 5);
        assert!(!r.advance().unwrap());
    }

    #[test]
    fn exactly_a_batch_and_empty_input_end_cleanly() {
        let text: String = (0..BATCH_RECORDS).map(|i| format!("{i}\n")).collect();
        let mut r = records(&text);
        let mut count = 0;
        while r.advance().unwrap() {
            count += 1;
        }
        assert_eq!(count, BATCH_RECORDS);
        let mut empty = records("");
        assert!(!empty.advance().unwrap());
        assert_eq!((empty.len(), empty.line(), empty.field(0)), (0, 0, None));
    }

    #[test]
    fn a_record_that_is_not_utf8_stops_reading_after_the_ones_before() {
        let mut r = records_of(Box::new(&b"a,b\nc,\xff\nd,e\n"[..]));
        assert!(r.advance().unwrap());
        assert_eq!(r.field(1), Some("b"));
        match r.advance() {
            Err(ReadError::NotUtf8 { line, column }) => assert_eq!((line, column), (2, 2)),
            other => panic!("{other:?}"),
        }
        assert!(!r.advance().unwrap());
    }

    #[test]
    fn records_before_an_error_come_first() {
        // Quoting errors do not exist in the csv crate's default (lenient)
        // mode, so a reader that fails with an I/O error stands in.
        struct Failing(usize);
        impl Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                if self.0 == 0 {
                    return Err(std::io::Error::other("disk on fire"));
                }
                self.0 -= 1;
                buf[..2].copy_from_slice(b"a\n");
                Ok(2)
            }
        }
        let mut r = records_of(Box::new(Failing(3)));
        for _ in 0..3 {
            assert!(r.advance().unwrap());
        }
        match r.advance() {
            Err(ReadError::Io(e)) => assert!(e.to_string().contains("disk on fire"), "{e}"),
            other => panic!("{other:?}"),
        }
        assert!(!r.advance().unwrap());
    }

    #[test]
    fn a_record_cut_short_by_an_error_is_left_out() {
        struct CutShort(bool);
        impl Read for CutShort {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                if std::mem::replace(&mut self.0, true) {
                    return Err(std::io::Error::other("cable pulled"));
                }
                let text = "甲,是\n乙,\u{5426}".as_bytes();
                // Stop inside the last character of the second record.
                let n = text.len() - 1;
                buf[..n].copy_from_slice(&text[..n]);
                Ok(n)
            }
        }
        let mut r = records_of(Box::new(CutShort(false)));
        assert!(r.advance().unwrap());
        assert_eq!((r.field(0), r.field(1)), (Some("甲"), Some("是")));
        match r.advance() {
            Err(ReadError::Io(e)) => assert!(e.to_string().contains("cable pulled"), "{e}"),
            other => panic!("{other:?}"),
        }
        assert!(!r.advance().unwrap());
    }

    #[test]
    fn dropping_early_stops_the_thread() {
        // An endless file: the reading thread would wait forever on the full
        // queue if it did not notice that nobody reads any more.
        struct Endless(#[allow(dead_code)] std::sync::Arc<()>);
        impl Read for Endless {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                buf[..2].copy_from_slice(b"1\n");
                Ok(2)
            }
        }
        let alive = std::sync::Arc::new(());
        let mut r = records_of(Box::new(Endless(std::sync::Arc::clone(&alive))));
        assert!(r.advance().unwrap());
        drop(r);
        // The thread drops its reader (and our Arc) when it returns.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::sync::Arc::strong_count(&alive) > 1 {
            assert!(
                std::time::Instant::now() < deadline,
                "the reading thread still runs"
            );
            thread::sleep(std::time::Duration::from_millis(5));
        }
    }
}
