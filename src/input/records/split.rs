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
    /// Records longer than this go to the old reader ([`RECORD_BYTES`];
    /// less in tests, to try it on short records).
    record_bytes: usize,
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
            record_bytes: RECORD_BYTES,
        }
    }

    /// Moves to the next record; false at the end of the text. After the
    /// end or an error there is no current record (line 0, no fields).
    pub(super) fn next(&mut self) -> Result<bool, ReadError> {
        let next = self.advance();
        if !matches!(next, Ok(true)) {
            self.slow_record = false;
            self.fields.clear();
            self.long.clear();
            self.line = 0;
            self.from = Start::default();
        }
        next
    }

    fn advance(&mut self) -> Result<bool, ReadError> {
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
        // Most records hold no quote before their line break: every field
        // is plain, and the record is split at its separators in one go.
        let rest = &s[i..];
        if let Some(k) = memchr::memchr3(b'\n', b'\r', b'"', rest) {
            if rest[k] != b'"' {
                split_plain(&rest[..k], i, d, &mut self.fields);
                self.line = line;
                self.from = self.at;
                self.at.breaks = breaks + 1;
                self.at.after_cr = rest[k] == b'\r';
                return Scan::Record(i + k + 1);
            }
        }
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
        if self.text.len() >= self.record_bytes {
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
            // Up to the last whole character, in one fast check; a read
            // mostly ends inside a character.
            let whole = &bytes[..whole_chars(bytes)];
            if let (false, Ok(text)) = (whole.is_empty(), simdutf8::basic::from_utf8(whole)) {
                self.text.push_str(text);
                self.rpos += text.len();
                return Ok(true);
            }
            // Not UTF-8, or no whole character: where and why.
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
                    simdutf8::basic::from_utf8(&bytes[..upto]).unwrap_or_default()
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

/// The length of the longest prefix of `bytes` that does not end inside
/// a character: all of it unless it ends with the lead byte of a character
/// and fewer continuation bytes than that character has.
fn whole_chars(bytes: &[u8]) -> usize {
    let n = bytes.len();
    for back in 1..=n.min(4) {
        let b = bytes[n - back];
        if b & 0xC0 == 0x80 {
            continue;
        }
        let width = match b {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => 1,
        };
        return if width > back { n - back } else { n };
    }
    n
}

/// Splits a record without quotes or line breaks, `bytes` at `offset` of
/// the text, at every `d`: eight bytes at a time, each word's separators
/// found as a mask of the bytes equal to `d`.
fn split_plain(bytes: &[u8], offset: usize, d: u8, fields: &mut Vec<Field>) {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let pattern = u64::from_ne_bytes([d; 8]);
    let mut push = |start: usize, end: usize| {
        fields.push(Field {
            start: (offset + start) as u32,
            end: (offset + end) as u32,
        })
    };
    let mut start = 0;
    let mut words = bytes.chunks_exact(8);
    let mut base = 0;
    for word in &mut words {
        let x = u64::from_le_bytes(word.try_into().unwrap_or_default()) ^ pattern;
        // The high bit of each byte of `x` that is zero (no carries across
        // bytes: each byte's low seven bits plus 0x7F stay within it).
        let mut zeros = !(((x & LOW7) + LOW7) | x) & !LOW7;
        while zeros != 0 {
            let at = base + (zeros.trailing_zeros() / 8) as usize;
            push(start, at);
            start = at + 1;
            zeros &= zeros - 1;
        }
        base += 8;
    }
    for (j, &b) in words.remainder().iter().enumerate() {
        if b == d {
            push(start, base + j);
            start = base + j + 1;
        }
    }
    push(start, bytes.len());
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

#[cfg(test)]
mod tests {
    use super::super::Records;
    use super::*;
    use proptest::prelude::*;

    /// A record as a test compares it: line, where it starts, fields and
    /// the lengths of cells past the cap.
    type Got = (u64, Start, Vec<String>, Vec<Option<u64>>);

    /// Hands out `bytes` in reads of the given sizes (cycled), so that reads
    /// end inside CRLFs, quoted fields and characters.
    struct Chunked {
        bytes: Vec<u8>,
        at: usize,
        sizes: Vec<usize>,
        k: usize,
    }

    impl Read for Chunked {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let size = self.sizes[self.k % self.sizes.len()].max(1);
            self.k += 1;
            let n = size.min(buf.len()).min(self.bytes.len() - self.at);
            buf[..n].copy_from_slice(&self.bytes[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    fn chunked(bytes: &[u8], sizes: &[usize]) -> Box<dyn Read + Send> {
        Box::new(Chunked {
            bytes: bytes.to_vec(),
            at: 0,
            sizes: sizes.to_vec(),
            k: 0,
        })
    }

    /// Every record, then how reading ended (None: at the end).
    fn collect(
        mut next: impl FnMut() -> Result<Option<Got>, ReadError>,
    ) -> (Vec<Got>, Option<String>) {
        let mut got = Vec::new();
        loop {
            match next() {
                Ok(Some(r)) => got.push(r),
                Ok(None) => return (got, None),
                Err(e) => return (got, Some(format!("{e:?}"))),
            }
        }
    }

    /// The reader this splitter replaced: csv_core and [`Lines`], record
    /// by record, as `Filler` ran them.
    fn reference(bytes: &[u8], delimiter: u8) -> (Vec<Got>, Option<String>) {
        let mut input = std::io::BufReader::with_capacity(7, bytes);
        let mut core = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
        let mut lines = Lines {
            delimiter,
            ..Lines::default()
        };
        let mut byte = 0;
        collect(|| {
            let from = Start {
                byte,
                breaks: lines.breaks,
                after_cr: lines.after_cr,
            };
            let mut batch = Batch::default();
            let mut used = 0;
            let (more, consumed) = read_record(
                &mut core, &mut lines, &mut input, &mut batch, &mut used,
            )
            .map_err(|e| match e {
                ReadError::OpenQuote { line, .. } => ReadError::OpenQuote { line, from },
                e => e,
            })?;
            byte += consumed;
            if !more {
                return Ok(None);
            }
            let fields = batch.nends;
            batch.spans.push(Span {
                start: 0,
                first: 0,
                fields,
                line: lines.record,
                from,
            });
            check_text(&mut batch, used)?;
            let mut start = 0;
            let mut texts = Vec::new();
            for &end in &batch.ends[..fields] {
                texts.push(batch.text[start..end].to_string());
                start = end;
            }
            let long = (0..fields)
                .map(|i| batch.long.iter().find(|l| l.field == i).map(|l| l.bytes))
                .collect();
            Ok(Some((lines.record, from, texts, long)))
        })
    }

    fn split(
        bytes: &[u8],
        delimiter: u8,
        sizes: &[usize],
        record_bytes: usize,
    ) -> (Vec<Got>, Option<String>) {
        let mut s = Splitter::new(chunked(bytes, sizes), Start::default(), delimiter);
        s.record_bytes = record_bytes;
        collect(|| {
            if !s.next()? {
                return Ok(None);
            }
            let fields = (0..s.len())
                .map(|i| s.field(i).unwrap().to_string())
                .collect();
            let long = (0..s.len()).map(|i| s.too_long(i)).collect();
            Ok(Some((s.line(), s.start(), fields, long)))
        })
    }

    /// Through [`Records`], on a second thread (batches) or this one.
    fn records(
        bytes: &[u8],
        delimiter: u8,
        sizes: &[usize],
        thread: bool,
    ) -> (Vec<Got>, Option<String>) {
        let source = chunked(bytes, sizes);
        let mut r = match thread {
            true => Records::spawn_with(source, delimiter).unwrap(),
            false => Records::inline_with(source, Start::default(), delimiter),
        };
        collect(|| {
            if !r.advance()? {
                return Ok(None);
            }
            let fields = (0..r.len())
                .map(|i| r.field(i).unwrap().to_string())
                .collect();
            let long = (0..r.len()).map(|i| r.too_long(i)).collect();
            Ok(Some((r.line(), r.start(), fields, long)))
        })
    }

    fn same_as_reference(bytes: &[u8], delimiter: u8, sizes: &[usize]) {
        let want = reference(bytes, delimiter);
        let shown = String::from_utf8_lossy(bytes);
        for record_bytes in [RECORD_BYTES, 5] {
            assert_eq!(
                split(bytes, delimiter, sizes, record_bytes),
                want,
                "{shown:?} {sizes:?} {record_bytes}"
            );
        }
        for thread in [false, true] {
            assert_eq!(
                records(bytes, delimiter, sizes, thread),
                want,
                "{shown:?} {sizes:?} thread {thread}"
            );
        }
    }

    /// Bytes that matter to the grammar, a three-byte character, a byte
    /// that is never UTF-8 and plain letters.
    const PIECES: &[&[u8]] = &[
        b"a",
        b"b",
        b"\"",
        b",",
        b"\r",
        b"\n",
        b"\r\n",
        b";",
        b"\t",
        "是".as_bytes(),
        b"\xff",
        b" ",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn splits_as_csv_core_with_physical_lines(
            pieces in proptest::collection::vec(0..PIECES.len(), 0..60),
            utf8_only in any::<bool>(),
            sizes in proptest::collection::vec(1usize..9, 1..4),
            delimiter in prop::sample::select(vec![b',', b';', b'\t']),
        ) {
            let bytes: Vec<u8> = pieces
                .iter()
                .filter(|&&p| !utf8_only || PIECES[p] != b"\xff")
                .flat_map(|&p| PIECES[p].iter().copied())
                .collect();
            same_as_reference(&bytes, delimiter, &sizes);
        }
    }

    #[test]
    fn plain_records_split_at_every_separator() {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for len in 0..40 {
            for _ in 0..50 {
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        b",;ab\xe6\x98\xaf\x80\x7f\x2c\xac"[(seed % 11) as usize]
                    })
                    .collect();
                let mut fields = Vec::new();
                split_plain(&bytes, 3, b',', &mut fields);
                let got: Vec<(usize, usize)> = fields
                    .iter()
                    .map(|f| (f.start as usize - 3, f.end as usize - 3))
                    .collect();
                let mut want = Vec::new();
                let mut start = 0;
                for part in bytes.split(|&b| b == b',') {
                    want.push((start, start + part.len()));
                    start += part.len() + 1;
                }
                assert_eq!(got, want, "{bytes:?}");
            }
        }
    }

    #[test]
    fn after_the_end_or_an_error_there_is_no_current_record() {
        for (text, error) in [(&b"a,b\n"[..], false), (b"a,b\n\"c", true)] {
            let mut r = Records::inline(chunked(text, &[2]), Start::default());
            assert!(r.advance().unwrap());
            assert_eq!((r.line(), r.len()), (1, 2));
            assert_eq!(r.advance().is_err(), error);
            assert_eq!(
                (r.line(), r.len(), r.field(0), r.start()),
                (0, 0, None, Start::default())
            );
            assert!(!r.advance().unwrap());
        }
    }

    #[test]
    fn whole_characters_end_before_a_cut_one() {
        let shi = "是".as_bytes();
        assert_eq!(whole_chars(b""), 0);
        assert_eq!(whole_chars(b"ab"), 2);
        assert_eq!(whole_chars(shi), 3);
        assert_eq!(whole_chars(&shi[..1]), 0);
        assert_eq!(whole_chars(&[b'a', shi[0], shi[1]]), 1);
        assert_eq!(whole_chars("a😀".as_bytes()), 5);
        assert_eq!(whole_chars(&"a😀".as_bytes()[..4]), 1);
        assert_eq!(whole_chars("é".as_bytes()), 2);
        // Not UTF-8 at all: left whole, for the check to find.
        assert_eq!(whole_chars(b"a\x80\x80\x80\x80"), 5);
    }

    #[test]
    fn lf_crlf_lone_cr_blank_lines_and_quoted_breaks() {
        for nl in ["\n", "\r\n", "\r"] {
            let text = format!(
                "title{nl}{nl}h1,h2{nl}a,\"two{nl}lines\"{nl}b,1{nl}{nl}{nl}\"c{nl}{nl}x\",2{nl}d,3"
            );
            for sizes in [&[1][..], &[2, 3], &[1000]] {
                same_as_reference(text.as_bytes(), b',', sizes);
            }
            let (got, end) = split(text.as_bytes(), b',', &[1], RECORD_BYTES);
            assert_eq!(end, None);
            let lines: Vec<u64> = got.iter().map(|g| g.0).collect();
            assert_eq!(lines, [1, 3, 4, 6, 9, 12], "{nl:?}");
            assert_eq!(got[4].2, ["c{nl}{nl}x".replace("{nl}", nl), "2".into()]);
        }
    }

    #[test]
    fn escaped_quotes_and_text_after_a_closing_quote_are_unescaped() {
        let text = b"\"a\"\"b\",\"x\"y\"z\",\"\",\"q\"\"\"\n\"end\"";
        let (got, end) = split(text, b',', &[3], RECORD_BYTES);
        assert_eq!(end, None);
        assert_eq!(got[0].2, ["a\"b", "xy\"z\"", "", "q\""]);
        assert_eq!((got[1].0, got[1].2.clone()), (2, vec!["end".to_string()]));
        same_as_reference(text, b',', &[1]);
    }

    #[test]
    fn a_quote_never_closed_names_its_line_and_the_record_start() {
        let text = "姓名,备注\r\n张三,\"见附件\r\n李四,x\r\n";
        for sizes in [&[1][..], &[4096]] {
            let (got, end) = split(text.as_bytes(), b',', sizes, RECORD_BYTES);
            assert_eq!(got.len(), 1);
            let from = Start {
                byte: "姓名,备注\r".len() as u64,
                breaks: 1,
                after_cr: true,
            };
            assert_eq!(
                end,
                Some(format!("{:?}", ReadError::OpenQuote { line: 2, from }))
            );
        }
        same_as_reference(text.as_bytes(), b',', &[2]);
    }

    #[test]
    fn bytes_that_are_not_utf8_name_line_and_column() {
        for text in [
            &b"a,b\r\nc,d\xff,e\r\nf\n"[..],
            b"a\nb,\"x\ny\xe6\x98\",z\n",
            // A character cut short at the end of the file.
            b"a\nb,c\xe6\x98",
            // Cut by a separator.
            b"a\n\xe6\x98,\xaf\n",
        ] {
            for sizes in [&[1][..], &[2, 5], &[4096]] {
                same_as_reference(text, b',', sizes);
            }
        }
        let (got, end) = split(b"a,b\r\nc,d\xff,e\r\nf\n", b',', &[1], RECORD_BYTES);
        assert_eq!(got.len(), 1);
        assert_eq!(end.as_deref(), Some("NotUtf8 { line: 2, column: 2 }"));
    }

    #[test]
    fn reads_that_end_inside_a_crlf_a_quoted_field_or_a_character_change_nothing() {
        let text = "序号,姓名\r\n1,\"张\r\n三\"\r\n2,李四\r\n\r\n3,\"王\"\"五\"\r\n".as_bytes();
        let whole = split(text, b',', &[4096], RECORD_BYTES);
        assert_eq!(whole.1, None);
        assert_eq!(
            whole
                .0
                .iter()
                .map(|g| (g.0, g.2.join("|")))
                .collect::<Vec<_>>(),
            [
                (1, "序号|姓名".to_string()),
                (2, "1|张\r\n三".into()),
                (4, "2|李四".into()),
                (6, "3|王\"五".into())
            ]
        );
        for size in 1..text.len() {
            assert_eq!(
                split(text, b',', &[size], RECORD_BYTES),
                whole,
                "reads of {size}"
            );
        }
        same_as_reference(text, b',', &[1, 2, 3]);
    }

    #[test]
    fn cells_over_the_cap_are_cut_on_both_paths() {
        let huge = "是".repeat(MAX_CELL_BYTES / 3 + 10);
        let text = format!(
            "x,{huge},y\n\"{huge}\"\"\"\n{}\n",
            "c".repeat(MAX_CELL_BYTES + 1)
        );
        let (got, end) = split(text.as_bytes(), b',', &[65536], RECORD_BYTES);
        assert_eq!(end, None);
        let cut = MAX_CELL_BYTES - MAX_CELL_BYTES % 3;
        assert_eq!(got[0].2[1].len(), cut);
        assert_eq!(got[0].3, [None, Some(huge.len() as u64), None]);
        assert_eq!(got[1].3, [Some(huge.len() as u64 + 1)]);
        assert_eq!(got[2].3, [Some(MAX_CELL_BYTES as u64 + 1)]);
        assert_eq!(got[2].2[0].len(), MAX_CELL_BYTES);
        // The old reader, for records longer than the buffer, agrees.
        assert_eq!(
            split(text.as_bytes(), b',', &[65536], 1000),
            (got.clone(), None)
        );
        assert_eq!(reference(text.as_bytes(), b','), (got, None));
    }

    #[test]
    fn the_state_after_a_slow_record_goes_on_right() {
        // A record read by csv_core ends after its `\r`; the `\n` after it
        // is the next record's blank line, as on the fast path.
        let text = b"aaaaaaaaaa,b\r\nc\r\n\r\nd";
        same_as_reference(text, b',', &[3]);
        let (got, _) = split(text, b',', &[3], 4);
        assert_eq!(got.iter().map(|g| g.0).collect::<Vec<_>>(), [1, 2, 4]);
    }
}
