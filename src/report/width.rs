//! Fitting text output to the terminal: `COLUMNS` (set by shells, and by
//! hand when output is piped) or the terminal's width; every line at most
//! that many cells, CJK characters counting two.

use unicode_width::UnicodeWidthChar;

/// The display width of a line: East Asian wide characters count two,
/// colour escapes (`ESC [ … m`) nothing.
pub fn width(line: &str) -> usize {
    let mut w = 0;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // Skip a CSI sequence up to its final byte.
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
            continue;
        }
        w += c.width().unwrap_or(0);
    }
    w
}

/// Breaks every line wider than `max` cells into lines that fit, the
/// continuations indented like the line they continue. Grids are sized
/// to fit beforehand; this catches headings, legends and messages.
pub fn fit(text: &str, max: Option<usize>) -> String {
    let Some(max) = max.filter(|m| *m >= 20) else {
        return text.to_string();
    };
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        if width(body) <= max {
            out.push_str(line);
            continue;
        }
        let indent: String = body.chars().take_while(|c| *c == ' ').take(8).collect();
        let mut current = String::new();
        let mut w = 0;
        for c in body.chars() {
            let cw = c.width().unwrap_or(0);
            if w + cw > max {
                out.push_str(current.trim_end());
                out.push('\n');
                current = format!("{indent}  ");
                w = width(&current);
            }
            current.push(c);
            w += cw;
        }
        out.push_str(&current);
        out.push_str(end);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_counts_two_cells_and_long_lines_break() {
        assert_eq!(width("合计：通过 3"), 12);
        assert_eq!(width("\u{1b}[31m未达标\u{1b}[0m"), 6);
        let long = format!("  {}", "未提供数据的指标未检查".repeat(5));
        let fitted = fit(&long, Some(30));
        assert!(fitted.lines().all(|l| width(l) <= 30), "{fitted}");
        assert_eq!(fitted.replace(['\n', ' '], ""), long.replace(' ', ""));
        assert!(fitted.lines().skip(1).all(|l| l.starts_with("    ")));
        assert_eq!(fit("short\n", Some(30)), "short\n");
        assert_eq!(fit(&long, None), long);
    }
}
