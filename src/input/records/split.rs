//! CSV records split in one pass over the text, fields borrowed from the
//! read buffer.
//!
//! The bytes read are checked to be UTF-8 a chunk at a time and appended to
//! one text buffer; a record is then found with a search for the next
//! separator or line break per field (quotes matter only at a field's
//! start), counting physical line breaks as it goes. A field is a range of
//! that buffer: only a quoted field holding `""` (or text after its closing
//! quote) is copied, unescaped. Nothing is copied per record.
//!
//! What this does not handle itself — a record longer than the buffer (a
//! pasted document), bytes that are not UTF-8 — goes to the record reader
//! this replaced (`csv_core` with [`Lines`]), for that record only, so such
//! files read exactly as before: the same cells, the same errors.

use super::{check_text, read_record, Batch, Lines, ReadError, Span, Start, MAX_CELL_BYTES};
use std::io::{BufRead, Read};

/// Bytes read from the source at a time.
const READ_BYTES: usize = 256 * 1024;
/// The longest record split here; a longer one is read by the old reader,
/// which keeps only [`MAX_CELL_BYTES`] of each cell.
const RECORD_BYTES: usize = 1024 * 1024;
/// Marks a field end that is in `unescaped` rather than in `text`.
const UNESCAPED: u32 = 1 << 31;

/// One field of the current record: `text[start..end]`, or
/// `unescaped[start..end]` with [`UNESCAPED`] set in `start`.
#[derive(Clone, Copy, Debug)]
struct Field {
    start: u32,
    end: u32,
}

/// How far a search for a record got.
enum Scan {
    /// A record: it and what comes before it end at this offset.
    Record(usize),
    /// Only blank lines up to the end of the text.
    End,
    /// The text ends before the record does.
    More,
    /// The text ends inside the quoted field opened on this line.
    OpenQuote(u64),
}

/// The records of a text, one at a time.
pub(super) struct Splitter {
    input: Box<dyn Read + Send>,
    /// Read but not yet checked and appended to `text`: `raw[rpos..rend]`.
    raw: Vec<u8>,
    rpos: usize,
    rend: usize,
    /// The source has no more bytes.
    eof: bool,
    /// A read failed: said once the text before it is used up.
    failed: Option<std::io::Error>,
    /// Checked text; `text[tpos..]` is not consumed yet.
    text: String,
    tpos: usize,
    delimiter: u8,
    /// At `tpos`: where a record may start.
    at: Start,
    /// The current record.
    line: u64,
    from: Start,
    fields: Vec<Field>,
    unescaped: String,
    /// Fields of the current record cut at [`MAX_CELL_BYTES`]: (index, length).
    long: Vec<(usize, u64)>,
    /// The current record was read by the old reader, into `slow`.
    slow_record: bool,
    slow: Box<Batch>,
}

impl Splitter {
    pub(super) fn new(input: Box<dyn Read + Send>, start: Start, delimiter: u8) -> Splitter {
        Splitter {
            input,
            raw: Vec::new(),
            rpos: 0,
            rend: 0,
            eof: false,
            failed: None,
            text: String::new(),
            tpos: 0,
            delimiter,
            at: start,
            line: 0,
            from: start,
            fields: Vec::new(),
            unescaped: String::new(),
            long: Vec::new(),
            slow_record: false,
            slow: Box::default(),
        }
    }

    /// Moves to the next record; false at the end of the text.
    pub(super) fn next(&mut self) -> Result<bool, ReadError> {
        self.slow_record = false;
        loop {
            let eof = self.eof && self.rpos == self.rend && self.failed.is_none();
            match self.scan(eof) {
                Scan::Record(end) => {
                    self.consume_to(end);
                    self.cap_cells();
                    return Ok(true);
                }
                Scan::End => {
                    self.consume_to(self.text.len());
                    self.fields.clear();
                    return Ok(false);
                }
                Scan::OpenQuote(line) => {
                    return Err(ReadError::OpenQuote {
                        line,
                        from: self.at,
                    })
                }
                Scan::More => {}
            }
            if !self.refill()? {
                // A record longer than the buffer, or bytes that are not
                // UTF-8: read the way it was before.
                return self.read_slow();
            }
        }
    }

    /// Consumes the text up to `end` (after a record or blank lines).
    fn consume_to(&mut self, end: usize) {
        self.at.byte += (end - self.tpos) as u64;
        self.tpos = end;
    }

    /// Finds the record (after any blank lines) at `tpos`, filling `fields`
    /// and counting line breaks into `at` once it is whole.
    fn scan(&mut self, eof: bool) -> Scan {
        let s = self.text.as_bytes();
        let d = self.delimiter;
        let mut i = self.tpos;
        let mut breaks = self.at.breaks;
        let mut after_cr = self.at.after_cr;
        // Blank lines.
        while i < s.len() && matches!(s[i], b'\r' | b'\n') {
            breaks += u64::from(s[i] == b'\r' || !after_cr);
            after_cr = s[i] == b'\r';
            i += 1;
        }
        if i == s.len() {
            return if eof { Scan::End } else { Scan::More };
        }
        let line = breaks + 1;
        self.fields.clear();
        self.unescaped.clear();
        loop {
            // At the start of a field.
            if s.get(i) == Some(&b'"') {
                let quoted = quoted(&self.text, &mut self.unescaped, d, i, eof);
                let Some((field, next, quoted_breaks)) = quoted else {
                    if !eof {
                        return Scan::More;
                    }
                    // `breaks` counts those before the quote.
                    return Scan::OpenQuote(breaks + 1);
                };
                breaks += quoted_breaks;
                self.fields.push(field);
                i = next;
            } else {
                let rest = &s[i..];
                let k = memchr::memchr3(d, b'\n', b'\r', rest).unwrap_or(rest.len());
                self.fields.push(Field {
                    start: i as u32,
                    end: (i + k) as u32,
                });
                i += k;
            }
            // After a field: a separator, a line break, or the end.
            match s.get(i) {
                Some(&b) if b == d => i += 1,
                Some(&b) => {
                    // A line break (a quoted field ends only at one of these).
                    breaks += 1;
                    self.line = line;
                    self.from = self.at;
                    self.at.breaks = breaks;
                    self.at.after_cr = b == b'\r';
                    return Scan::Record(i + 1);
                }
                None if eof => {
                    self.line = line;
                    self.from = self.at;
                    self.at.breaks = breaks;
                    self.at.after_cr = false;
                    return Scan::Record(i);
                }
                None => return Scan::More,
            }
            if i == s.len() && !eof {
                return Scan::More;
            }
        }
    }

    /// Cuts cells longer than [`MAX_CELL_BYTES`] at a character boundary
    /// and notes how long they were.
    fn cap_cells(&mut self) {
        self.long.clear();
        for k in 0..self.fields.len() {
            let f = self.fields[k];
            let len = (f.end - (f.start & !UNESCAPED)) as usize;
            if len > MAX_CELL_BYTES {
                let text = self.get(f).unwrap_or_default();
                let mut keep = MAX_CELL_BYTES;
                while !text.is_char_boundary(keep) {
                    keep -= 1;
                }
                self.fields[k].end = (f.start & !UNESCAPED) + keep as u32;
                self.long.push((k, len as u64));
            }
        }
    }

    fn get(&self, f: Field) -> Option<&str> {
        if f.start & UNESCAPED != 0 {
            self.unescaped
                .get((f.start & !UNESCAPED) as usize..f.end as usize)
        } else {
            self.text.get(f.start as usize..f.end as usize)
        }
    }

    /// Reads more text. False when the record at `tpos` must be read by the
    /// old reader: it is longer than [`RECORD_BYTES`], or the bytes that
    /// follow are not UTF-8 (or end inside a character).
    fn refill(&mut self) -> Result<bool, ReadError> {
        // Keep only the unconsumed text, at the front.
        if self.tpos > 0 {
            self.text.drain(..self.tpos);
            self.tpos = 0;
        }
        if self.text.len() >= RECORD_BYTES {
            return Ok(false);
        }
        loop {
            if self.rpos == self.rend {
                if let Some(e) = self.failed.take() {
                    // The record cut short by the error is left out.
                    return Err(ReadError::Io(e));
                }
                if self.eof {
                    // Only here when the text ended without a record end
                    // and `scan` was not told: tell it now.
                    return Ok(true);
                }
                self.read_more();
                continue;
            }
            let bytes = &self.raw[self.rpos..self.rend];
            let valid = match simdutf8::compat::from_utf8(bytes) {
                Ok(text) => text,
                Err(e) => {
                    let upto = e.valid_up_to();
                    // Only a character cut by the end of the read is fine.
                    if upto == 0 && (e.error_len().is_some() || self.eof || self.failed.is_some()) {
                        return Ok(false);
                    }
                    if upto == 0 {
                        // Move the start of the character to the front and
                        // read the rest of it.
                        self.raw.copy_within(self.rpos..self.rend, 0);
                        self.rend -= self.rpos;
                        self.rpos = 0;
                        self.read_more();
                        continue;
                    }
                    std::str::from_utf8(&bytes[..upto]).unwrap_or_default()
                }
            };
            self.text.push_str(valid);
            self.rpos += valid.len();
            return Ok(true);
        }
    }

    /// Reads from the source into `raw[rend..]`; an error is kept for when
    /// the bytes before it are used up.
    fn read_more(&mut self) {
        if self.raw.len() < READ_BYTES {
            self.raw.resize(READ_BYTES, 0);
        }
        if self.rpos == self.rend {
            (self.rpos, self.rend) = (0, 0);
        }
        loop {
            match self.input.read(&mut self.raw[self.rend..]) {
                Ok(0) => self.eof = true,
                Ok(n) => self.rend += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => self.failed = Some(e),
            }
            return;
        }
    }

    /// Reads the record at `tpos` with csv_core, as before this splitter.
    fn read_slow(&mut self) -> Result<bool, ReadError> {
        let mut lines = Lines {
            breaks: self.at.breaks,
            after_cr: self.at.after_cr,
            delimiter: self.delimiter,
            ..Lines::default()
        };
        let mut core = csv_core::ReaderBuilder::new()
            .delimiter(self.delimiter)
            .build();
        let from = self.at;
        let mut batch = std::mem::take(&mut self.slow);
        batch.clear();
        let mut used = 0;
        let read = read_record(&mut core, &mut lines, self, &mut batch, &mut used);
        let result = match read {
            Ok((more, consumed)) => {
                self.at = Start {
                    byte: from.byte + consumed,
                    breaks: lines.breaks,
                    after_cr: lines.after_cr,
                };
                if more {
                    batch.spans.push(Span {
                        start: 0,
                        first: 0,
                        fields: batch.nends,
                        line: lines.record,
                        from,
                    });
                }
                match check_text(&mut batch, used) {
                    Ok(()) if more => {
                        self.slow_record = true;
                        self.line = lines.record;
                        self.from = from;
                        Ok(true)
                    }
                    Ok(()) => Ok(false),
                    Err(e) => Err(e),
                }
            }
            Err(ReadError::OpenQuote { line, .. }) => Err(ReadError::OpenQuote { line, from }),
            Err(e) => Err(e),
        };
        self.slow = batch;
        result
    }

    /// 1-based line of the current record.
    pub(super) fn line(&self) -> u64 {
        self.line
    }

    /// Where the current record (and blank lines before it) starts.
    pub(super) fn start(&self) -> Start {
        self.from
    }

    pub(super) fn len(&self) -> usize {
        if self.slow_record {
            self.slow.nends
        } else {
            self.fields.len()
        }
    }

    pub(super) fn field(&self, i: usize) -> Option<&str> {
        if self.slow_record {
            let end = *self.slow.ends[..self.slow.nends].get(i)?;
            let start = if i == 0 { 0 } else { self.slow.ends[i - 1] };
            return self.slow.text.get(start..end);
        }
        self.get(*self.fields.get(i)?)
    }

    pub(super) fn too_long(&self, i: usize) -> Option<u64> {
        if self.slow_record {
            return self
                .slow
                .long
                .iter()
                .find(|l| l.field == i)
                .map(|l| l.bytes);
        }
        self.long.iter().find(|l| l.0 == i).map(|l| l.1)
    }
}

/// The quoted field whose quote is at `q`: the field, where it ends
/// (at a separator, a line break or the end of the text) and the line
/// breaks in it. None if the text ends before the field does (on
/// `eof`, only when the quote is never closed).
fn quoted(
    text: &str,
    unescaped: &mut String,
    d: u8,
    q: usize,
    eof: bool,
) -> Option<(Field, usize, u64)> {
    let s = text.as_bytes();
    let start = q + 1;
    let mut j = start;
    // Set once the field is not one slice of the text.
    let mut copy: Option<String> = None;
    loop {
        let close = j + memchr::memchr(b'"', &s[j..])?;
        match s.get(close + 1) {
            // An escaped quote: the field goes on.
            Some(b'"') => {
                let out = copy.get_or_insert_with(String::new);
                out.push_str(&text[j..=close]);
                j = close + 2;
            }
            Some(&b) if b == d || b == b'\n' || b == b'\r' => {
                let breaks = count_breaks(&s[start..close]);
                let field = match copy {
                    None => Field {
                        start: start as u32,
                        end: close as u32,
                    },
                    Some(mut out) => {
                        out.push_str(&text[j..close]);
                        push_unescaped(unescaped, &out)
                    }
                };
                return Some((field, close + 1, breaks));
            }
            None if !eof => return None,
            // Closed at the very end of the text, or followed by more
            // text, which csv_core keeps as part of the field (`"a"b`
            // is `ab`) up to the next separator or line break.
            _ => {
                let after = close + 1;
                let rest = &s[after..];
                let k = memchr::memchr3(d, b'\n', b'\r', rest).unwrap_or(rest.len());
                if after + k == s.len() && !eof {
                    return None;
                }
                let breaks = count_breaks(&s[start..close]);
                let mut out = copy.unwrap_or_default();
                out.push_str(&text[j..close]);
                out.push_str(&text[after..after + k]);
                return Some((push_unescaped(unescaped, &out), after + k, breaks));
            }
        }
    }
}

/// Appends an unescaped field to `unescaped`.
fn push_unescaped(unescaped: &mut String, field: &str) -> Field {
    let start = unescaped.len();
    unescaped.push_str(field);
    Field {
        start: start as u32 | UNESCAPED,
        end: unescaped.len() as u32,
    }
}

/// Line breaks in `bytes`: `\n`, `\r\n` and a lone `\r` each one.
fn count_breaks(bytes: &[u8]) -> u64 {
    let mut n = 0;
    let mut after_cr = false;
    for &b in bytes {
        n += u64::from(b == b'\r' || (b == b'\n' && !after_cr));
        after_cr = b == b'\r';
    }
    n
}

/// The old reader reads on from the unconsumed text, then the bytes not
/// yet checked, then the source.
impl Read for Splitter {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = {
            let avail = self.fill_buf()?;
            let n = avail.len().min(buf.len());
            buf[..n].copy_from_slice(&avail[..n]);
            n
        };
        BufRead::consume(self, n);
        Ok(n)
    }
}

impl BufRead for Splitter {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.tpos < self.text.len() {
            return Ok(&self.text.as_bytes()[self.tpos..]);
        }
        if self.rpos == self.rend && !self.eof {
            if let Some(e) = self.failed.take() {
                return Err(e);
            }
            // Errors are kept in `failed` by `read`.
            self.read_more();
            if let Some(e) = self.failed.take() {
                if self.rpos == self.rend {
                    return Err(e);
                }
                self.failed = Some(e);
            }
        }
        Ok(&self.raw[self.rpos..self.rend])
    }

    fn consume(&mut self, amt: usize) {
        // Counted into `at` by `read_slow`, not here.
        if self.tpos < self.text.len() {
            self.tpos += amt;
        } else {
            self.rpos += amt;
        }
    }
}
