//! The language of messages built far from the report: errors (exit 2) and
//! warnings on standard error. Reports take their language from
//! `RenderOptions`; an error raised deep in a reader has no such option at
//! hand, so the language is set once per run, before any work starts.

use crate::Lang;
use std::sync::atomic::{AtomicBool, Ordering};

static ENGLISH: AtomicBool = AtomicBool::new(false);

/// Sets the language of errors and warnings for the rest of the run.
pub fn set_lang(lang: Lang) {
    ENGLISH.store(lang == Lang::En, Ordering::Relaxed);
}

thread_local! {
    /// A language for this thread only ([`with_lang`]).
    static THREAD: std::cell::Cell<Option<Lang>> = const { std::cell::Cell::new(None) };
}

/// Runs `f` with messages in `lang` on this thread only: unit tests run in
/// parallel threads and must not change each other's language.
pub fn with_lang<T>(lang: Lang, f: impl FnOnce() -> T) -> T {
    let before = THREAD.with(|t| t.replace(Some(lang)));
    let out = f();
    THREAD.with(|t| t.set(before));
    out
}

/// The language of errors and warnings (Chinese unless set otherwise).
pub fn lang() -> Lang {
    if let Some(lang) = THREAD.with(std::cell::Cell::get) {
        return lang;
    }
    if ENGLISH.load(Ordering::Relaxed) {
        Lang::En
    } else {
        Lang::Zh
    }
}

/// The language `LANG`/`LC_ALL`/`LC_MESSAGES` ask for before `--lang` is
/// read: Chinese when it starts with `zh`, English otherwise.
pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Lang {
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|k| var(k).filter(|v| !v.is_empty()));
    match locale {
        Some(v) if v.starts_with("zh") => Lang::Zh,
        Some(_) => Lang::En,
        None => Lang::Zh,
    }
}

/// Formats a message in the language of the run: `tr!("中文 {x}", "English {x}")`.
/// Both are format strings with the same arguments; only one is formatted.
#[macro_export]
macro_rules! tr {
    ($zh:literal, $en:literal $(, $arg:expr)* $(,)?) => {
        match $crate::i18n::lang() {
            $crate::Lang::Zh => format!($zh $(, $arg)*),
            $crate::Lang::En => format!($en $(, $arg)*),
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_picks_the_language() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(from_env(env(&[])), Lang::Zh);
        assert_eq!(from_env(env(&[("LANG", "zh_CN.UTF-8")])), Lang::Zh);
        assert_eq!(from_env(env(&[("LANG", "en_US.UTF-8")])), Lang::En);
        assert_eq!(from_env(env(&[("LANG", "C")])), Lang::En);
        assert_eq!(
            from_env(env(&[("LC_ALL", "zh_TW"), ("LANG", "en_US")])),
            Lang::Zh
        );
    }

    #[test]
    fn tr_formats_one_language() {
        let n = 3;
        set_lang(Lang::Zh);
        assert_eq!(tr!("第 {n} 行", "line {n}"), "第 3 行");
        assert_eq!(tr!("第 {} 行", "line {}", n + 1), "第 4 行");
    }
}
