//! CSV records read on a second thread, so that splitting the file into
//! records (the csv crate) and checking their UTF-8 run on one core while
//! the cells are read and evaluated on the other. Records arrive in order,
//! in batches whose buffers are sent back and reused; at most a few batches
//! are in flight, so memory stays flat.

use csv::ByteRecord;
use std::io::Read;
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::thread;

/// Records per batch: large enough that passing a batch costs little per
/// record, small enough to keep a few batches in cache.
const BATCH: usize = 512;
/// Batches queued between the threads.
const QUEUED: usize = 4;

/// A record and, when all of its bytes are valid UTF-8, its text (the
/// fields' bytes back to back, so field `i` is `text[record.range(i)]`).
#[derive(Default)]
struct Slot {
    record: ByteRecord,
    text: Option<String>,
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
}

impl Records {
    /// Reads the rest of `reader` on a new thread. The thread stops at the
    /// end of the file, at a CSV error, or when `Records` is dropped.
    pub fn spawn(mut reader: csv::Reader<Box<dyn Read + Send>>) -> std::io::Result<Records> {
        let (tx, rx) = mpsc::sync_channel(QUEUED);
        let (back, returned) = mpsc::channel::<Vec<Slot>>();
        // A named thread, so that profiles tell the two halves apart.
        thread::Builder::new()
            .name("csv-reader".into())
            .spawn(move || fill(&mut reader, &tx, &returned))?;
        Ok(Records {
            rx,
            back,
            batch: Vec::new(),
            len: 0,
            next: 0,
            done: false,
        })
    }

    /// Moves the next record into `record`, and its text into `text` (`None`
    /// if it is not all valid UTF-8); the old buffers are reused for later
    /// records. Returns false at the end of the file.
    pub fn read(
        &mut self,
        record: &mut ByteRecord,
        text: &mut Option<String>,
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
) {
    loop {
        let mut batch = returned.try_recv().unwrap_or_default();
        batch.resize_with(BATCH, Slot::default);
        let mut len = 0;
        while len < BATCH {
            let slot = &mut batch[len];
            match reader.read_byte_record(&mut slot.record) {
                Ok(true) => {
                    // One check for the whole record (SIMD) instead of one
                    // per cell; the text buffer is reused.
                    let mut text = slot.text.take().unwrap_or_default();
                    if let Ok(valid) = simdutf8::basic::from_utf8(slot.record.as_slice()) {
                        text.clear();
                        text.push_str(valid);
                        slot.text = Some(text);
                    }
                    len += 1;
                }
                Ok(false) => break,
                Err(e) => {
                    if len > 0 && tx.send(Msg::Records(batch, len)).is_err() {
                        return;
                    }
                    let _ = tx.send(Msg::Error(e));
                    return;
                }
            }
        }
        if len > 0 && tx.send(Msg::Records(batch, len)).is_err() {
            return;
        }
        if len < BATCH {
            let _ = tx.send(Msg::End);
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
        let (mut record, mut text) = (ByteRecord::new(), None);
        for i in 1..=n {
            assert!(r.read(&mut record, &mut text).unwrap());
            assert_eq!(&record[0], i.to_string().as_bytes());
            assert_eq!(text.as_deref(), Some(format!("{i}x").as_str()));
            assert_eq!(record.position().unwrap().line(), i as u64);
        }
        assert!(!r.read(&mut record, &mut text).unwrap());
        assert!(!r.read(&mut record, &mut text).unwrap());
    }

    #[test]
    fn exactly_a_batch_and_empty_input_end_cleanly() {
        let text: String = (0..BATCH).map(|i| format!("{i}\n")).collect();
        let mut r = records(&text);
        let (mut record, mut text) = (ByteRecord::new(), None);
        let mut count = 0;
        while r.read(&mut record, &mut text).unwrap() {
            count += 1;
        }
        assert_eq!(count, BATCH);
        assert!(!records("").read(&mut record, &mut text).unwrap());
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
        let (mut record, mut text) = (ByteRecord::new(), None);
        assert!(r.read(&mut record, &mut text).unwrap());
        assert_eq!((&record[0], text.as_deref()), (&b"\xff"[..], None));
        assert!(r.read(&mut record, &mut text).unwrap());
        assert_eq!(text.as_deref(), Some("bc"));
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
        let (mut record, mut text) = (ByteRecord::new(), None);
        for _ in 0..3 {
            assert!(r.read(&mut record, &mut text).unwrap());
        }
        let e = r.read(&mut record, &mut text).unwrap_err();
        assert!(e.to_string().contains("disk on fire"), "{e}");
        assert!(!r.read(&mut record, &mut text).unwrap());
    }

    #[test]
    fn dropping_early_stops_the_thread() {
        let text: String = (0..BATCH * 50).map(|i| format!("{i}\n")).collect();
        let mut r = records(&text);
        let (mut record, mut text) = (ByteRecord::new(), None);
        assert!(r.read(&mut record, &mut text).unwrap());
        drop(r); // the reading thread's next send fails and it returns
    }
}
