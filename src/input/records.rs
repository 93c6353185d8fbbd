//! CSV records read on a second thread, so that splitting the file into
//! records (the csv crate) runs on one core while the cells are read and
//! evaluated on the other. Checking that a record is UTF-8 goes to whichever
//! thread has time: the reading thread checks a batch when it is ahead (a
//! few batches are waiting), else leaves it to the evaluating thread.
//! Records arrive in order, in batches whose buffers are sent back and
//! reused; at most a few batches are in flight, so memory stays flat.

use csv::ByteRecord;
use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::sync::Arc;
use std::thread;

/// Records per batch: large enough that passing a batch costs little per
/// record, small enough to keep a few batches in cache.
const BATCH: usize = 512;
/// Batches queued between the threads.
const QUEUED: usize = 4;

/// Whether a record's bytes were checked to be UTF-8.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Utf8 {
    /// Not checked: the reading thread left it to the reader of the record.
    #[default]
    Unchecked,
    /// All valid; the text holds the record's fields back to back, so field
    /// `i` is `text[record.range(i)]`.
    Valid,
    /// Not all valid: each cell must be checked on its own.
    Invalid,
}

#[derive(Default)]
struct Slot {
    record: ByteRecord,
    text: String,
    utf8: Utf8,
}

enum Msg {
    /// `records[..len]` are the next records.
    Records(Vec<Slot>, usize),
    Error(csv::Error),
    End,
}

/// The records of a file after its header, in order.
pub struct Records {
    rx: Receiver<Msg>,
    /// Emptied batches go back to the reading thread for reuse.
    back: Sender<Vec<Slot>>,
    batch: Vec<Slot>,
    len: usize,
    next: usize,
    done: bool,
    /// Batches sent and not yet received.
    queued: Arc<AtomicUsize>,
}

impl Records {
    /// Reads the rest of `reader` on a new thread. The thread stops at the
    /// end of the file, at a CSV error, or when `Records` is dropped.
    pub fn spawn(reader: csv::Reader<Box<dyn Read + Send>>) -> std::io::Result<Records> {
        Records::spawn_checking(reader, None)
    }

    /// [`Records::spawn`]; `check` forces the reading thread to check UTF-8
    /// always or never (for tests) instead of when it is ahead.
    fn spawn_checking(
        mut reader: csv::Reader<Box<dyn Read + Send>>,
        check: Option<bool>,
    ) -> std::io::Result<Records> {
        let (tx, rx) = mpsc::sync_channel(QUEUED);
        let (back, returned) = mpsc::channel::<Vec<Slot>>();
        let queued = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&queued);
        // A named thread, so that profiles tell the two halves apart.
        thread::Builder::new()
            .name("csv-reader".into())
            .spawn(move || fill(&mut reader, &tx, &returned, &counter, check))?;
        Ok(Records {
            rx,
            back,
            batch: Vec::new(),
            len: 0,
            next: 0,
            done: false,
            queued,
        })
    }

    /// Moves the next record into `record` and, if its UTF-8 was checked,
    /// says so in `utf8` with its text in `text`; the old buffers are reused
    /// for later records. Returns false at the end of the file.
    pub fn read(
        &mut self,
        record: &mut ByteRecord,
        text: &mut String,
        utf8: &mut Utf8,
    ) -> csv::Result<bool> {
        while self.next == self.len {
            if self.done {
                return Ok(false);
            }
            let used = std::mem::take(&mut self.batch);
            if !used.is_empty() {
                // The reading thread may have stopped already; then the
                // batch is simply dropped.
                let _ = self.back.send(used);
            }
            match self.rx.recv() {
                Ok(Msg::Records(batch, len)) => {
                    self.queued.fetch_sub(1, Ordering::Relaxed);
                    self.batch = batch;
                    self.len = len;
                    self.next = 0;
                }
                Ok(Msg::Error(e)) => {
                    self.done = true;
                    return Err(e);
                }
                Ok(Msg::End) => {
                    self.done = true;
                    return Ok(false);
                }
                // Only if the reading thread panicked: never a silent end.
                Err(mpsc::RecvError) => {
                    self.done = true;
                    return Err(csv::Error::from(std::io::Error::other(
                        "the thread reading the file stopped unexpectedly",
                    )));
                }
            }
        }
        let slot = &mut self.batch[self.next];
        std::mem::swap(record, &mut slot.record);
        std::mem::swap(text, &mut slot.text);
        *utf8 = slot.utf8;
        self.next += 1;
        Ok(true)
    }
}

/// The reading thread: fills batches until the end, an error, or until the
/// receiving side is gone.
fn fill(
    reader: &mut csv::Reader<Box<dyn Read + Send>>,
    tx: &SyncSender<Msg>,
    returned: &Receiver<Vec<Slot>>,
    queued: &AtomicUsize,
    force: Option<bool>,
) {
    let send = |msg: Msg| {
        queued.fetch_add(1, Ordering::Relaxed);
        tx.send(msg).is_ok()
    };
    loop {
        let mut batch = returned.try_recv().unwrap_or_default();
        batch.resize_with(BATCH, Slot::default);
        // Ahead of the evaluating thread: take the UTF-8 checks off it.
        let check = force.unwrap_or_else(|| queued.load(Ordering::Relaxed) >= QUEUED / 2);
        let mut len = 0;
        while len < BATCH {
            let slot = &mut batch[len];
            match reader.read_byte_record(&mut slot.record) {
                Ok(true) => {
                    slot.utf8 = Utf8::Unchecked;
                    if check {
                        // One check for the whole record (SIMD) instead of
                        // one per cell; the text buffer is reused.
                        slot.text.clear();
                        slot.utf8 = match simdutf8::basic::from_utf8(slot.record.as_slice()) {
                            Ok(valid) => {
                                slot.text.push_str(valid);
                                Utf8::Valid
                            }
                            Err(_) => Utf8::Invalid,
                        };
                    }
                    len += 1;
                }
                Ok(false) => break,
                Err(e) => {
                    if len == 0 || send(Msg::Records(batch, len)) {
                        tx.send(Msg::Error(e)).ok();
                    }
                    return;
                }
            }
        }
        if len > 0 && !send(Msg::Records(batch, len)) {
            return;
        }
        if len < BATCH {
            tx.send(Msg::End).ok();
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str) -> Records {
        let source: Box<dyn Read + Send> = Box::new(std::io::Cursor::new(text.as_bytes().to_vec()));
        Records::spawn(
            csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(source),
        )
        .unwrap()
    }

    #[test]
    fn every_record_in_order_with_its_line() {
        let n = BATCH * 3 + 7;
        let text: String = (1..=n).map(|i| format!("{i},x\n")).collect();
        let mut r = records(&text);
        let (mut record, mut text, mut utf8) = (ByteRecord::new(), String::new(), Utf8::Unchecked);
        for i in 1..=n {
            assert!(r.read(&mut record, &mut text, &mut utf8).unwrap());
            assert_eq!(&record[0], i.to_string().as_bytes());
            assert_ne!(utf8, Utf8::Invalid);
            if utf8 == Utf8::Valid {
                assert_eq!(text, format!("{i}x"));
            }
            assert_eq!(record.position().unwrap().line(), i as u64);
        }
        assert!(!r.read(&mut record, &mut text, &mut utf8).unwrap());
        assert!(!r.read(&mut record, &mut text, &mut utf8).unwrap());
    }

    #[test]
    fn exactly_a_batch_and_empty_input_end_cleanly() {
        let text: String = (0..BATCH).map(|i| format!("{i}\n")).collect();
        let mut r = records(&text);
        let (mut record, mut text, mut utf8) = (ByteRecord::new(), String::new(), Utf8::Unchecked);
        let mut count = 0;
        while r.read(&mut record, &mut text, &mut utf8).unwrap() {
            count += 1;
        }
        assert_eq!(count, BATCH);
        assert!(!records("").read(&mut record, &mut text, &mut utf8).unwrap());
    }

    #[test]
    fn checked_records_carry_their_text_and_unchecked_ones_say_so() {
        for (check, want) in [(true, Utf8::Valid), (false, Utf8::Unchecked)] {
            let source: Box<dyn Read + Send> = Box::new("甲,是\n乙,否\n".as_bytes());
            let reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(source);
            let mut r = Records::spawn_checking(reader, Some(check)).unwrap();
            let (mut record, mut text, mut utf8) =
                (ByteRecord::new(), String::new(), Utf8::Invalid);
            for expected in ["甲是", "乙否"] {
                assert!(r.read(&mut record, &mut text, &mut utf8).unwrap());
                assert_eq!(utf8, want);
                if check {
                    assert_eq!(text, expected);
                    assert_eq!(&text[record.range(1).unwrap()], &expected[3..]);
                }
            }
            let source: Box<dyn Read + Send> = Box::new(&b"\xff,a\n"[..]);
            let reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(source);
            let mut r = Records::spawn_checking(reader, Some(check)).unwrap();
            assert!(r.read(&mut record, &mut text, &mut utf8).unwrap());
            assert_eq!(
                utf8,
                if check {
                    Utf8::Invalid
                } else {
                    Utf8::Unchecked
                }
            );
        }
    }

    #[test]
    fn a_record_with_invalid_utf8_has_no_text() {
        let source: Box<dyn Read + Send> = Box::new(&b"\xff,a\nb,c\n"[..]);
        let mut r = Records::spawn(
            csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(source),
        )
        .unwrap();
        let (mut record, mut text, mut utf8) = (ByteRecord::new(), String::new(), Utf8::Unchecked);
        assert!(r.read(&mut record, &mut text, &mut utf8).unwrap());
        assert_eq!(&record[0], &b"\xff"[..]);
        assert_ne!(utf8, Utf8::Valid);
        assert!(r.read(&mut record, &mut text, &mut utf8).unwrap());
        assert_ne!(utf8, Utf8::Invalid);
        if utf8 == Utf8::Valid {
            assert_eq!(text, "bc");
        }
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
        let source: Box<dyn Read + Send> = Box::new(Failing(3));
        let mut r = Records::spawn(
            csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(source),
        )
        .unwrap();
        let (mut record, mut text, mut utf8) = (ByteRecord::new(), String::new(), Utf8::Unchecked);
        for _ in 0..3 {
            assert!(r.read(&mut record, &mut text, &mut utf8).unwrap());
        }
        let e = r.read(&mut record, &mut text, &mut utf8).unwrap_err();
        assert!(e.to_string().contains("disk on fire"), "{e}");
        assert!(!r.read(&mut record, &mut text, &mut utf8).unwrap());
    }

    #[test]
    fn dropping_early_stops_the_thread() {
        // An endless file: the reading thread would wait forever on the full
        // queue if it did not notice that nobody reads any more.
        struct Endless(#[allow(dead_code)] Arc<()>);
        impl Read for Endless {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                buf[..2].copy_from_slice(b"1\n");
                Ok(2)
            }
        }
        let alive = Arc::new(());
        let source: Box<dyn Read + Send> = Box::new(Endless(Arc::clone(&alive)));
        let mut r = Records::spawn(
            csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(source),
        )
        .unwrap();
        let (mut record, mut text, mut utf8) = (ByteRecord::new(), String::new(), Utf8::Unchecked);
        assert!(r.read(&mut record, &mut text, &mut utf8).unwrap());
        drop(r);
        // The thread drops its reader (and our Arc) when it returns.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while Arc::strong_count(&alive) > 1 {
            assert!(
                std::time::Instant::now() < deadline,
                "the reading thread still runs"
            );
            thread::sleep(std::time::Duration::from_millis(5));
        }
    }
}
