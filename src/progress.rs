//! The progress bar drawn on standard error while large files are read:
//! only when standard error is a terminal, never with `--quiet` or
//! `--format json` (see `check` in lib.rs).

use crate::engine::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::cell::RefCell;
use std::time::{Duration, Instant};

/// Files read faster than this show no bar, so small rosters don't flicker.
const DELAY: Duration = Duration::from_millis(500);

/// One bar per file, drawn once reading the file has taken [`DELAY`].
#[derive(Default)]
pub struct Bar {
    current: RefCell<Option<(ProgressBar, Instant)>>,
}

impl Progress for Bar {
    fn start(&self, file: &str, total: u64) {
        let style = ProgressStyle::with_template(
            "{msg} {wide_bar} {percent:>3}% {elapsed_precise} (ETA {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        let bar = ProgressBar::with_draw_target(Some(total.max(1)), ProgressDrawTarget::hidden())
            .with_style(style)
            .with_message(file.to_string());
        *self.current.borrow_mut() = Some((bar, Instant::now()));
    }

    fn advance(&self, done: u64) {
        if let Some((bar, started)) = &*self.current.borrow() {
            if bar.is_hidden() && started.elapsed() >= DELAY {
                bar.set_draw_target(ProgressDrawTarget::stderr());
            }
            // A GBK file's text is longer than the file once decoded.
            bar.set_position(done.min(bar.length().unwrap_or(u64::MAX)));
        }
    }

    fn finish(&self) {
        if let Some((bar, _)) = self.current.borrow_mut().take() {
            bar.finish_and_clear();
        }
    }
}
