//! What of a cell may be printed. Every text that comes from an input file
//! (cells, headers, group names, file names) passes through [`shown`] on its
//! way into a report or a message, so two rules hold in every format:
//!
//! - anything that looks like an ID number (a run of 15 or more digits,
//!   half- or full-width, or 17 digits and an X) is masked, wherever in the
//!   file it was typed (a 身份证号 in 单位类型, in a society's name);
//! - characters that steer a terminal or reorder text (ESC, BEL, backspace,
//!   the other C0 and C1 controls, bidi overrides such as U+202E) are shown
//!   escaped (`\u{1b}`), so a cell cannot rewrite the screen or disguise
//!   what the clerk reads.

use std::borrow::Cow;

/// `text` as it may be printed: ID numbers masked, control characters
/// escaped. Borrows when there is nothing to change (most cells). Applying
/// it twice gives the same text as once.
pub fn shown(text: &str) -> Cow<'_, str> {
    shown_keeping(text, false)
}

/// [`shown`] for a message of several lines (an error): line breaks stay.
pub fn shown_multiline(text: &str) -> Cow<'_, str> {
    shown_keeping(text, true)
}

fn shown_keeping(text: &str, newlines: bool) -> Cow<'_, str> {
    let masked = if looks_like_id(text) {
        Cow::Owned(crate::input::id::mask_ids_in(text))
    } else {
        Cow::Borrowed(text)
    };
    let steers = |c: char| steers_terminal(c) && !(newlines && c == '\n');
    if !masked.chars().any(steers) {
        return masked;
    }
    let mut out = String::with_capacity(masked.len() + 8);
    for c in masked.chars() {
        match c {
            _ if !steers(c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            _ => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
        }
    }
    Cow::Owned(out)
}

/// True for a run of 15 or more digits (half- or full-width) in `text`.
fn looks_like_id(text: &str) -> bool {
    let mut run = 0;
    for c in text.chars() {
        if c.is_ascii_digit() || ('０'..='９').contains(&c) {
            run += 1;
            if run >= 15 {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

/// Control characters (C0, DEL, C1), bidi embeddings, overrides, isolates
/// and marks, and the Unicode line and paragraph separators.
fn steers_terminal(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// Replaces the default panic message — which quotes whatever value the
/// panic was about, maybe an ID number — by one with IDs masked and
/// controls escaped. A panic is a bug; the message says so.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let text = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("{}", panic_message(&text, &at));
    }));
}

/// The text of a panic for standard error.
fn panic_message(text: &str, at: &str) -> String {
    let text = shown_multiline(text);
    crate::tr!(
        "内部错误（{at}）：{text}。这是 reformcheck 的缺陷，请把出错的命令报告给维护者（消息中的身份证号已隐去）",
        "internal error ({at}): {text}. This is a bug in reformcheck; please report the command that failed (ID numbers in this message are masked)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_anywhere_are_masked() {
        assert_eq!(shown("企业"), "企业");
        assert!(matches!(shown("泰州市农学会"), Cow::Borrowed(_)));
        assert_eq!(shown("321200198005120013"), "3212**********0013");
        assert_eq!(shown("32120019800512001X"), "3212**********001X");
        assert_eq!(shown("32120019800512001x"), "3212**********001x");
        assert_eq!(shown("321200800512001"), "3212*******2001");
        assert_eq!(
            shown("３２１２００１９８００５１２００１３"),
            "３２１２**********００１３"
        );
        assert_eq!(
            shown("学会321200198005120013分会"),
            "学会3212**********0013分会"
        );
        // 14 digits: a phone or a count, left alone.
        assert_eq!(shown("12345678901234"), "12345678901234");
    }

    #[test]
    fn terminal_controls_are_escaped() {
        assert_eq!(shown("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(
            shown("\u{7}\u{8}\u{7f}\u{9b}"),
            "\\u{7}\\u{8}\\u{7f}\\u{9b}"
        );
        assert_eq!(shown("甲\u{202e}乙"), "甲\\u{202e}乙");
        assert_eq!(shown("\u{2066}x\u{2069}"), "\\u{2066}x\\u{2069}");
        assert_eq!(shown("a\tb\r\nc"), "a\\tb\\r\\nc");
        assert_eq!(shown_multiline("a\nb\u{1b}"), "a\nb\\u{1b}");
        // Both at once; and a second pass changes nothing.
        let once = shown("\u{1b}321200198005120013");
        assert_eq!(once, "\\u{1b}3212**********0013");
        assert_eq!(shown(&once), once);
    }

    #[test]
    fn a_panic_message_masks_the_id_it_quotes() {
        let m = panic_message(
            "byte index 17 is not a char boundary; it is inside '号' of `321200800512001号`",
            "src/input/id.rs:57",
        );
        assert!(m.contains("`3212*******2001号`"), "{m}");
        assert!(!m.contains("321200800512001"), "{m}");
        assert!(m.contains("src/input/id.rs:57"), "{m}");
    }
}
