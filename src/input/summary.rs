//! Rows that are not records: a total row (`合计`), a footnote (`注：…`), a
//! signature line (`填表人：…`), and rows that hold nothing but a row number
//! (a form numbered in advance). Offices put them under their tables; counting
//! them would add people who do not exist.

use crate::pack::normalize_header;

/// Words that start a total row, with anything after them (`合计30人`).
const TOTALS: &[&str] = &["合计", "总计", "小计", "共计", "累计", "总数"];

/// Words that start a footnote or signature line.
const NOTES: &[&str] = &[
    "注",
    "备注",
    "附注",
    "注释",
    "说明",
    "填表说明",
    "填表人",
    "填报人",
    "审核人",
    "制表人",
    "统计人",
    "联系人",
    "负责人",
    "单位负责人",
    "填表日期",
    "填报日期",
    "制表日期",
    "填报单位",
];

/// Headers of a row-number column.
const ROW_NUMBER_HEADERS: &[&str] = &["序号", "序", "编号", "行号", "no", "no.", "#"];

/// Is this the header of a row-number column (`序号`)?
pub(super) fn is_row_number_header(header: &str) -> bool {
    ROW_NUMBER_HEADERS.contains(&normalize_header(header).as_str())
}

/// Is `cell`, the first filled cell of a row, a total, footnote or
/// signature word? A total word may start or end the cell (`合计`,
/// `全市合计`, `甲学会小计`, `合计（人）`); a note word is the whole cell or is followed by
/// punctuation or a digit (`注：`, `注1.`, `备注:`), so that a name that merely
/// begins with the same character is still a record.
pub(super) fn is_summary(cell: &str) -> bool {
    // Checked on every row: most cells (names) start and end with other
    // characters, and need no folding.
    let t = crate::num::trim(cell);
    let (Some(first), Some(last)) = (t.chars().next(), t.chars().next_back()) else {
        return false;
    };
    let starts = matches!(
        first,
        '合' | '总'
            | '小'
            | '共'
            | '累'
            | '全'
            | '注'
            | '备'
            | '附'
            | '说'
            | '填'
            | '审'
            | '制'
            | '统'
            | '联'
            | '负'
            | '单'
    );
    if !starts && !matches!(last, '计' | '数') {
        return false;
    }
    let text = normalize_header(cell);
    if text.is_empty() || text.chars().count() > 200 {
        return false;
    }
    if text == "全市" || text == "全区" {
        return true;
    }
    // `泰州市机械工程学会小计`; a long text ending so is a sentence, not a total.
    let short = text.chars().count() <= 30;
    if TOTALS
        .iter()
        .any(|w| text.starts_with(w) || (short && text.ends_with(w)))
    {
        return true;
    }
    NOTES.iter().any(|w| {
        text.strip_prefix(w)
            .is_some_and(|rest| rest.chars().next().is_none_or(|c| !is_word_char(c)))
    })
}

/// A letter of a word: a CJK character or an ASCII letter.
fn is_word_char(c: char) -> bool {
    c.is_alphabetic()
}

/// Is `cell` a row number (`12`, `12.`)?
pub(super) fn is_row_number(cell: &str) -> bool {
    // Checked on every row: a name, or ASCII digits, is told at once.
    let b = cell.as_bytes();
    match b.first() {
        Some(b'0'..=b'9') if b.iter().all(u8::is_ascii_digit) => return b.len() <= 7,
        Some(b'0'..=b'9' | 0xEF | 0xE3 | 0xC2 | 0xE1 | 0xE2 | 0x09..=0x0D | b' ') => {}
        _ => return false,
    }
    let t = crate::num::halfwidth(crate::num::trim(cell));
    let digits = t.strip_suffix('.').unwrap_or(&t);
    !digits.is_empty() && digits.len() <= 7 && digits.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_notes_and_signatures_are_summary_words() {
        for w in [
            "合计",
            "合 计",
            "合计：30人",
            "总计",
            "小计",
            "共计",
            "全市合计",
            "泰州市机械工程学会小计",
            "全市",
            "注",
            "注：1. 单位类型按…",
            "注:",
            "注1.",
            "备注",
            "说明：",
            "填表人：王五",
            "审核人",
            "制表人:李四",
        ] {
            assert!(is_summary(w), "{w}");
        }
        for w in [
            "张三",
            "注册会计师协会",
            "说明书学会",
            "海陵区",
            "合",
            "全市科协",
            "",
        ] {
            assert!(!is_summary(w), "{w}");
        }
    }

    #[test]
    fn row_numbers() {
        assert!(is_row_number("12"));
        assert!(is_row_number("１２"));
        assert!(is_row_number("3."));
        assert!(!is_row_number("3a"));
        assert!(!is_row_number(""));
        assert!(is_row_number_header("序号"));
        assert!(is_row_number_header(" 序 号 "));
        assert!(!is_row_number_header("姓名"));
    }
}
