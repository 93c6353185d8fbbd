//! Where a run's data issues are kept until the report is written.
//!
//! A registry with a bad date column has millions of issues, and JSON
//! lists them all: as [`Issue`]s in memory (64 bytes each, more for long
//! values) a million took over 64 MB. Here each is encoded in a few bytes —
//! the line, the texts many issues share as numbers ([`Text`]s kept once),
//! the value inline — and past a few megabytes the encodings go to an
//! unnamed temporary file (in the system's temporary folder, gone when the
//! run ends, also when it fails or is killed). Reports read them back in
//! order, one at a time.
//!
//! A file's issues are listed by line, those of one line in the order they
//! were found (a stable sort), though the reader finds some only at the end
//! (duplicates): between [`Issues::mark`] and [`Issues::sort_by_line_from`]
//! each stretch of encodings is sorted before it is stored, and reading
//! merges the stretches by (line, stretch), which is the same order.

use super::issues::Text;
use super::Issue;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};

/// Encodings gathered in memory before they are stored as one stretch.
const TAIL_BYTES: usize = 1 << 20;
/// Past this many bytes of encodings in memory they go to the file.
const SPILL_BYTES: usize = 4 << 20;
/// At most this many distinct texts are kept once; the rest are written
/// out with each issue (a message naming a line is seldom repeated).
const MAX_TEXTS: usize = 4096;
const MAX_TEXT_BYTES: usize = 1 << 20;
/// Read-ahead shared by the stretches being merged.
const READ_AHEAD: usize = 4 << 20;

/// The data issues of a run, in the order reports list them.
///
/// Readers hand a row's issues over in a `Vec<Issue>`: [`Issues::buffer`]
/// lends one, whose issues are taken into the store at the next access.
#[derive(Default)]
pub struct Issues {
    /// Texts kept once, by number.
    texts: Vec<Text>,
    ids: HashMap<Text, u32, foldhash::fast::RandomState>,
    text_bytes: usize,
    /// Issues handed over as a `Vec` (see above), not yet encoded.
    pending: Vec<Issue>,
    /// Encodings not yet stored as a stretch, and each one's line and start.
    tail: Vec<u8>,
    tail_index: Vec<(u64, usize)>,
    stretches: Vec<Stretch>,
    /// Bytes of encodings held in memory (stretches and tail).
    in_memory: usize,
    file: Option<File>,
    file_len: u64,
    /// The file could not be made or written: everything stays in memory.
    no_file: bool,
    /// Between `mark` and `sort_by_line_from`: stretches are sorted by line.
    sorting: bool,
    /// How many issues each file has, for the report's headings.
    per_file: Vec<(Text, usize)>,
    len: usize,
}

/// Where the issues of one file begin (see [`Issues::mark`]).
#[must_use]
#[derive(Clone, Copy, Debug)]
pub struct Mark {
    stretch: usize,
}

/// Encodings stored together, read back in one go.
struct Stretch {
    place: Place,
    count: usize,
    /// Stretches with the same group are merged by line when read.
    group: Option<usize>,
}

enum Place {
    Memory(Vec<u8>),
    File { start: u64, len: u64 },
}

impl Issues {
    pub fn new() -> Issues {
        Issues::default()
    }

    /// How many issues there are.
    pub fn len(&self) -> usize {
        self.len + self.pending.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn push(&mut self, issue: Issue) {
        self.take_pending();
        self.store(&issue);
    }

    pub fn append(&mut self, issues: &mut Vec<Issue>) {
        self.extend(issues.drain(..));
    }

    /// An empty buffer for a reader to push a row's issues into; they
    /// join the store, in order, at its next use.
    pub fn buffer(&mut self) -> &mut Vec<Issue> {
        self.take_pending();
        &mut self.pending
    }

    /// How many issues name `file`.
    pub fn count_in_file(&self, file: &str) -> usize {
        let stored = self
            .per_file
            .iter()
            .find(|(f, _)| f.as_str() == file)
            .map_or(0, |(_, n)| *n);
        stored + self.pending.iter().filter(|i| i.file == file).count()
    }

    /// Starts a file's issues, which [`Issues::sort_by_line_from`] puts
    /// in line order.
    pub fn mark(&mut self) -> Mark {
        self.take_pending();
        self.cut();
        self.sorting = true;
        Mark {
            stretch: self.stretches.len(),
        }
    }

    /// Lists the issues since `mark` by line, those of one line in the
    /// order they came (as a stable sort would).
    pub fn sort_by_line_from(&mut self, mark: Mark) {
        self.take_pending();
        self.cut();
        self.sorting = false;
        let group = Some(mark.stretch);
        for s in self.stretches.iter_mut().skip(mark.stretch) {
            s.group = group;
        }
    }

    /// Every issue in order. An item is an error only if the temporary
    /// file could not be read back.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            store: self,
            next: 0,
            current: None,
            tail_done: false,
            pending: 0,
        }
    }

    /// The first `n` issues.
    pub fn first(&self, n: usize) -> anyhow::Result<Vec<Issue>> {
        self.iter().take(n).collect()
    }

    /// Encodes the issues handed over as a `Vec`.
    fn take_pending(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let pending = std::mem::take(&mut self.pending);
        for issue in &pending {
            self.store(issue);
        }
        // Keep the buffer's capacity for the next row.
        self.pending = pending;
        self.pending.clear();
    }

    fn store(&mut self, issue: &Issue) {
        let start = self.tail.len();
        write_varint(&mut self.tail, issue.line);
        for text in [&issue.dataset, &issue.file, &issue.column, &issue.message] {
            match self.id(text) {
                Some(id) => write_varint(&mut self.tail, u64::from(id) << 1),
                None => write_bytes(&mut self.tail, text.as_bytes(), 1),
            }
        }
        write_bytes(&mut self.tail, issue.value.as_bytes(), 0);
        self.tail_index.push((issue.line, start));
        self.in_memory += self.tail.len() - start;
        self.len += 1;
        match self.per_file.iter_mut().find(|(f, _)| *f == issue.file) {
            Some((_, n)) => *n += 1,
            None => self.per_file.push((issue.file.clone(), 1)),
        }
        if self.tail.len() >= TAIL_BYTES {
            self.cut();
        }
    }

    /// The number `text` is kept under, if it is kept.
    fn id(&mut self, text: &Text) -> Option<u32> {
        if let Some(id) = self.ids.get(text) {
            return Some(*id);
        }
        if self.texts.len() >= MAX_TEXTS || self.text_bytes + text.len() > MAX_TEXT_BYTES {
            return None;
        }
        let id = u32::try_from(self.texts.len()).ok()?;
        self.texts.push(text.clone());
        self.ids.insert(text.clone(), id);
        self.text_bytes += text.len();
        Some(id)
    }

    /// Stores the tail as a stretch (sorted by line while sorting).
    fn cut(&mut self) {
        if self.tail_index.is_empty() {
            return;
        }
        let count = self.tail_index.len();
        let bytes = if self.sorting {
            let ends: Vec<usize> = self
                .tail_index
                .iter()
                .skip(1)
                .map(|(_, start)| *start)
                .chain([self.tail.len()])
                .collect();
            let mut order: Vec<usize> = (0..count).collect();
            order.sort_by_key(|&i| self.tail_index[i].0);
            let mut sorted = Vec::with_capacity(self.tail.len());
            for i in order {
                sorted.extend_from_slice(&self.tail[self.tail_index[i].1..ends[i]]);
            }
            self.tail.clear();
            sorted
        } else {
            std::mem::take(&mut self.tail)
        };
        self.tail_index.clear();
        self.stretches.push(Stretch {
            place: Place::Memory(bytes),
            count,
            group: None,
        });
        if self.in_memory > SPILL_BYTES {
            self.spill();
        }
    }

    /// Moves the stretches held in memory to the file.
    fn spill(&mut self) {
        for s in &mut self.stretches {
            if self.no_file {
                return;
            }
            let Place::Memory(bytes) = &s.place else {
                continue;
            };
            let file = match &mut self.file {
                Some(f) => Ok(f),
                None => tempfile::tempfile().map(|f| self.file.insert(f)),
            };
            // A stretch partly written is never read: the file's end stays.
            match file.and_then(|f| f.write_all(bytes)) {
                Ok(()) => {
                    let len = bytes.len() as u64;
                    self.in_memory -= bytes.len();
                    s.place = Place::File {
                        start: self.file_len,
                        len,
                    };
                    self.file_len += len;
                }
                Err(_) => self.no_file = true,
            }
        }
    }
}

impl From<Vec<Issue>> for Issues {
    fn from(issues: Vec<Issue>) -> Issues {
        let mut store = Issues::new();
        store.extend(issues);
        store
    }
}

impl Extend<Issue> for Issues {
    fn extend<I: IntoIterator<Item = Issue>>(&mut self, issues: I) {
        self.take_pending();
        for issue in issues {
            self.store(&issue);
        }
    }
}

impl std::fmt::Debug for Issues {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issues").field("len", &self.len()).finish()
    }
}

impl serde::Serialize for Issues {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for issue in self.iter() {
            seq.serialize_element(&issue.map_err(S::Error::custom)?)?;
        }
        seq.end()
    }
}

fn write_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// `bytes` with their length, the length shifted left by one with `tag`.
fn write_bytes(out: &mut Vec<u8>, bytes: &[u8], tag: u64) {
    write_varint(out, (bytes.len() as u64) << 1 | tag);
    out.extend_from_slice(bytes);
}

fn read_varint(r: &mut impl BufRead) -> std::io::Result<u64> {
    let (mut n, mut shift) = (0u64, 0);
    loop {
        let mut b = [0u8];
        r.read_exact(&mut b)?;
        n |= u64::from(b[0] & 0x7F) << shift;
        if b[0] < 0x80 {
            return Ok(n);
        }
        shift += 7;
        if shift > 63 {
            return Err(std::io::Error::other("bad varint"));
        }
    }
}

fn read_string(r: &mut impl BufRead, len: u64) -> std::io::Result<String> {
    let mut bytes = vec![0; usize::try_from(len).map_err(std::io::Error::other)?];
    r.read_exact(&mut bytes)?;
    String::from_utf8(bytes).map_err(std::io::Error::other)
}

/// Reads one issue back.
fn decode(r: &mut impl BufRead, texts: &[Text]) -> std::io::Result<Issue> {
    let line = read_varint(r)?;
    let text = |r: &mut _| -> std::io::Result<Text> {
        let n = read_varint(r)?;
        if n & 1 == 1 {
            return Ok(read_string(r, n >> 1)?.into());
        }
        let id = usize::try_from(n >> 1).map_err(std::io::Error::other)?;
        texts
            .get(id)
            .cloned()
            .ok_or_else(|| std::io::Error::other("bad text number"))
    };
    let (dataset, file, column, message) = (text(r)?, text(r)?, text(r)?, text(r)?);
    let n = read_varint(r)? >> 1;
    // Most values fit in the issue itself: no allocation for them.
    let value = if n <= 24 {
        let mut bytes = [0u8; 24];
        let bytes = &mut bytes[..n as usize];
        r.read_exact(bytes)?;
        compact_str::CompactString::from_utf8(bytes).map_err(std::io::Error::other)?
    } else {
        read_string(r, n)?.into()
    };
    Ok(Issue {
        dataset,
        file,
        line,
        column,
        value,
        message,
    })
}

/// A stretch's bytes, from memory or from its part of the file.
enum Source<'a> {
    Memory(&'a [u8]),
    File { file: &'a File, at: u64, end: u64 },
}

impl Read for Source<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Source::Memory(bytes) => bytes.read(buf),
            Source::File { file, at, end } => {
                let want = usize::try_from(*end - *at)
                    .unwrap_or(usize::MAX)
                    .min(buf.len());
                if want == 0 {
                    return Ok(0);
                }
                // The stretches being merged share the file: seek each time.
                let mut f: &File = file;
                f.seek(SeekFrom::Start(*at))?;
                let n = f.read(&mut buf[..want])?;
                *at += n as u64;
                Ok(n)
            }
        }
    }
}

/// The issues of one stretch, in stored order.
struct Cursor<'a> {
    read: BufReader<Source<'a>>,
    left: usize,
}

impl<'a> Cursor<'a> {
    fn new(store: &'a Issues, s: &'a Stretch, buffer: usize) -> Cursor<'a> {
        let source = match (&s.place, &store.file) {
            (Place::Memory(bytes), _) => Source::Memory(bytes),
            (Place::File { start, len }, Some(file)) => Source::File {
                file,
                at: *start,
                end: start + len,
            },
            // Never: a stretch is in the file only once the file exists.
            (Place::File { .. }, None) => Source::Memory(&[]),
        };
        Cursor {
            read: BufReader::with_capacity(buffer, source),
            left: s.count,
        }
    }

    fn next(&mut self, texts: &[Text]) -> Option<std::io::Result<Issue>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        Some(decode(&mut self.read, texts))
    }
}

/// Reads stretches one after another, or a group of them merged by line.
enum Reading<'a> {
    One(Cursor<'a>),
    /// Each stretch's next issue, and (line, stretch) of those that have
    /// one, smallest first: the smallest line wins, ties to the earlier
    /// stretch.
    Merged {
        heads: Vec<(Cursor<'a>, Option<Issue>)>,
        order: BinaryHeap<Reverse<(u64, usize)>>,
    },
}

/// Every issue of an [`Issues`], in order (see [`Issues::iter`]).
pub struct Iter<'a> {
    store: &'a Issues,
    next: usize,
    current: Option<Reading<'a>>,
    tail_done: bool,
    pending: usize,
}

impl<'a> Iter<'a> {
    /// Starts reading the next stretch (or group), else the tail.
    fn start(&mut self) -> std::io::Result<bool> {
        let store = self.store;
        let stretches = &store.stretches;
        if let Some(s) = stretches.get(self.next) {
            let end = match s.group {
                None => self.next + 1,
                Some(g) => stretches[self.next..]
                    .iter()
                    .position(|t| t.group != Some(g))
                    .map_or(stretches.len(), |p| self.next + p),
            };
            let group = &stretches[self.next..end];
            self.next = end;
            let buffer = (READ_AHEAD / group.len()).clamp(4 << 10, 64 << 10);
            let mut cursors: Vec<_> = group
                .iter()
                .map(|s| Cursor::new(store, s, buffer))
                .collect();
            self.current = Some(if cursors.len() == 1 {
                Reading::One(cursors.remove(0))
            } else {
                let mut heads = Vec::with_capacity(cursors.len());
                let mut order = BinaryHeap::with_capacity(cursors.len());
                for (i, mut c) in cursors.into_iter().enumerate() {
                    let head = c.next(&store.texts).transpose()?;
                    if let Some(h) = &head {
                        order.push(Reverse((h.line, i)));
                    }
                    heads.push((c, head));
                }
                Reading::Merged { heads, order }
            });
            return Ok(true);
        }
        if !self.tail_done {
            self.tail_done = true;
            // Issues not yet cut into a stretch, in the order they came.
            self.current = Some(Reading::One(Cursor {
                read: BufReader::new(Source::Memory(&store.tail)),
                left: store.tail_index.len(),
            }));
            return Ok(true);
        }
        Ok(false)
    }

    fn read(&mut self) -> Option<std::io::Result<Issue>> {
        let texts = &self.store.texts;
        loop {
            match &mut self.current {
                Some(Reading::One(c)) => {
                    if let Some(issue) = c.next(texts) {
                        return Some(issue);
                    }
                }
                Some(Reading::Merged { heads, order }) => {
                    if let Some(Reverse((_, i))) = order.pop() {
                        let (cursor, head) = &mut heads[i];
                        let next = match cursor.next(texts).transpose() {
                            Ok(next) => next,
                            Err(e) => return Some(Err(e)),
                        };
                        if let Some(n) = &next {
                            order.push(Reverse((n.line, i)));
                        }
                        return std::mem::replace(head, next).map(Ok);
                    }
                }
                None => {}
            }
            self.current = None;
            match self.start() {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => return Some(Err(e)),
            }
        }
        let issue = self.store.pending.get(self.pending)?;
        self.pending += 1;
        Some(Ok(issue.clone()))
    }
}

impl Iterator for Iter<'_> {
    type Item = anyhow::Result<Issue>;

    fn next(&mut self) -> Option<Self::Item> {
        self.read().map(|r| {
            r.map_err(|e| {
                anyhow::anyhow!(crate::tr!(
                    "无法读回暂存数据问题的临时文件（{e}）：请检查系统临时文件夹所在磁盘后重试",
                    "cannot read back the temporary file holding the data issues ({e}); check \
                     the disk of the system's temporary folder and try again"
                ))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issue(line: u64, n: usize) -> Issue {
        let shared: [Text; 3] = ["delegates".into(), "代表.csv".into(), "出生日期".into()];
        Issue {
            dataset: shared[0].clone(),
            file: shared[1].clone(),
            line,
            column: shared[2].clone(),
            // Values of every length, short and long.
            value: format!("{n}-{}", "值".repeat(n % 40)).into(),
            // Most messages repeat; some name a line and never do.
            message: if n.is_multiple_of(3) {
                format!("与第 {n} 行重复").into()
            } else {
                "无法识别的日期".into()
            },
        }
    }

    #[test]
    fn a_million_issues_spill_and_come_back_in_stable_line_order() {
        // 400,000 issues in one file, mostly in line order with issues of
        // earlier lines coming late (as a row's rule issues and the
        // duplicates found at the end do), several per line; then issues
        // after the sorted part that stay as they came.
        let mut issues = Vec::new();
        let mut store = Issues::new();
        let before: Vec<Issue> = (0..5).map(|n| issue(1_000 - n, n as usize)).collect();
        store.extend(before.iter().cloned());
        issues.extend(before);
        let mark = store.mark();
        let from = issues.len();
        for n in 0..400_000usize {
            let line = match n % 10 {
                // Late issues of earlier lines.
                7 => (n as u64 / 3).max(2),
                8 => 2,
                _ => 2 + n as u64 / 2,
            };
            let i = issue(line, n);
            if n % 2 == 0 {
                store.push(i.clone());
            } else {
                // Handed over as a reader does.
                store.buffer().push(i.clone());
            }
            issues.push(i);
        }
        store.sort_by_line_from(mark);
        // What the store must give: a stable sort by line of the marked part.
        issues[from..].sort_by_key(|i| i.line);
        let after: Vec<Issue> = (0..3).map(|n| issue(9 - n, n as usize)).collect();
        store.extend(after.iter().cloned());
        issues.extend(after);
        let expected = issues;
        // Spilled: more stretches than one, most of them in the file.
        assert!(
            store.file_len > 4 * SPILL_BYTES as u64,
            "{}",
            store.file_len
        );
        assert!(
            store.in_memory <= SPILL_BYTES + TAIL_BYTES,
            "{}",
            store.in_memory
        );
        assert!(store.stretches.len() > 5, "{}", store.stretches.len());
        assert_eq!(store.len(), expected.len());
        assert_eq!(store.count_in_file("代表.csv"), expected.len());
        let back: Vec<Issue> = store.iter().collect::<anyhow::Result<_>>().unwrap();
        assert_eq!(back.len(), expected.len());
        assert!(back == expected, "first difference at {:?}", {
            back.iter().zip(&expected).position(|(a, b)| a != b)
        });
        // Reading again gives the same.
        assert_eq!(store.first(10).unwrap(), expected[..10]);
    }

    #[test]
    fn a_few_issues_stay_in_memory_in_order() {
        let mut store = Issues::new();
        let mark = store.mark();
        let issues: Vec<Issue> = [5, 3, 3, 9, 2, 3]
            .iter()
            .map(|&l| issue(l, l as usize))
            .collect();
        store.extend(issues.iter().cloned());
        store.sort_by_line_from(mark);
        store.buffer().push(issue(1, 1));
        let lines: Vec<(u64, String)> = store
            .iter()
            .map(|i| i.map(|i| (i.line, i.value.to_string())))
            .collect::<anyhow::Result<_>>()
            .unwrap();
        let expected: Vec<(u64, String)> = [2, 3, 3, 3, 5, 9, 1]
            .iter()
            .map(|&l| (l, issue(l, l as usize).value.to_string()))
            .collect();
        assert_eq!(lines, expected);
        assert!(store.file.is_none());
        assert_eq!((store.len(), store.count_in_file("代表.csv")), (7, 7));
        assert_eq!(store.count_in_file("其他.csv"), 0);
    }
}
