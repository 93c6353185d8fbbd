//! Which encoding a CSV file is in. Offices save CSV from Excel on Chinese
//! Windows as GBK; newer Excel writes UTF-8 with a BOM. A BOM decides;
//! otherwise a file that is valid UTF-8 is UTF-8, and only then GB18030 (a
//! superset of GBK and GB2312) is tried — GB18030 first would silently
//! garble UTF-8, since almost any byte string decodes as GB18030.

use anyhow::{bail, Result};
use encoding_rs::{DecoderResult, GB18030, UTF_16BE, UTF_16LE, UTF_8};
use std::io::Read;

/// `--encoding`: skip detection and read every CSV file in this encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Forced {
    /// UTF-8 (a BOM is skipped)
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// GB18030, which includes GBK and GB2312
    #[value(name = "gb18030", alias = "gbk")]
    Gb18030,
}

/// The encoding a file was found to be in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detected {
    Utf8 { bom: bool },
    Utf16Le { bom: bool },
    Utf16Be { bom: bool },
    Gb18030,
}

impl Detected {
    /// Bytes of BOM to skip before the text.
    pub fn bom_len(self) -> u64 {
        match self {
            Detected::Utf8 { bom: true } => 3,
            Detected::Utf16Le { bom: true } | Detected::Utf16Be { bom: true } => 2,
            _ => 0,
        }
    }

    pub fn encoding(self) -> &'static encoding_rs::Encoding {
        match self {
            Detected::Utf8 { .. } => UTF_8,
            Detected::Utf16Le { .. } => UTF_16LE,
            Detected::Utf16Be { .. } => UTF_16BE,
            Detected::Gb18030 => GB18030,
        }
    }

    /// For people: `UTF-8`, `UTF-8 (BOM)`, `GB18030`.
    pub fn name(self) -> &'static str {
        match self {
            Detected::Utf8 { bom: false } => "UTF-8",
            Detected::Utf8 { bom: true } => "UTF-8 (BOM)",
            Detected::Utf16Le { bom: true } => "UTF-16LE",
            Detected::Utf16Be { bom: true } => "UTF-16BE",
            Detected::Utf16Le { bom: false } => "UTF-16LE (no BOM)",
            Detected::Utf16Be { bom: false } => "UTF-16BE (no BOM)",
            Detected::Gb18030 => "GB18030",
        }
    }
}

/// Where the first byte sequence that does not decode starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadByte {
    /// 0-based offset in the file.
    pub offset: u64,
    /// 1-based line.
    pub line: u64,
}

/// Detects the encoding of the stream `open()` returns (called once per
/// candidate, so the whole file is never held in memory). `file` labels errors.
pub fn detect<R: Read>(
    file: &str,
    forced: Option<Forced>,
    mut open: impl FnMut() -> std::io::Result<R>,
) -> Result<Detected> {
    let mut head = [0u8; SNIFF];
    let n = read_up_to(&mut open()?, &mut head)?;
    let head = &head[..n];
    let bom = if head.starts_with(b"\xEF\xBB\xBF") {
        Some(Detected::Utf8 { bom: true })
    } else if head.starts_with(b"\xFF\xFE") {
        Some(Detected::Utf16Le { bom: true })
    } else if head.starts_with(b"\xFE\xFF") {
        Some(Detected::Utf16Be { bom: true })
    } else if forced.is_none() {
        utf16_without_bom(head)
    } else {
        None
    };
    let candidate = match (forced, bom) {
        (Some(Forced::Utf8), Some(d @ Detected::Utf8 { .. })) => d,
        (Some(Forced::Utf8), _) => Detected::Utf8 { bom: false },
        (Some(Forced::Gb18030), _) => Detected::Gb18030,
        (None, Some(d)) => d,
        (None, None) => Detected::Utf8 { bom: false },
    };
    // UTF-8 is checked on a prefix only: the reader checks every record
    // as it goes and stops at the first that is not UTF-8, so a large file
    // is not read twice.
    let limit = match candidate {
        Detected::Utf8 { .. } => UTF8_PREFIX,
        _ => u64::MAX,
    };
    let Some(bad) = first_bad_byte_within(open()?, candidate, limit)? else {
        return Ok(candidate);
    };
    if forced.is_some() || bom.is_some() {
        let (name, offset, line) = (candidate.name(), bad.offset, bad.line);
        match (forced.is_some(), bom.is_some_and(|b| b.bom_len() > 0)) {
            (true, _) => bail!(crate::tr!(
                "{file}：不是有效的 {name} 文字（--encoding 所指定的编码）：第一个错误字节在第 {offset} 字节（第 {line} 行）；\
                 请把文件重新另存为“CSV UTF-8”，或去掉 --encoding",
                "{file}: not valid {name} text (as --encoding says): the first bad byte is at byte offset {offset} \
                 (line {line}); save the file again as CSV UTF-8, or leave out --encoding"
            )),
            (false, true) => bail!(crate::tr!(
                "{file}：不是有效的 {name} 文字（文件开头的字节顺序标记 BOM 如此标明）：第一个错误字节在第 {offset} 字节（第 {line} 行）；\
                 请把文件重新另存为“CSV UTF-8”",
                "{file}: not valid {name} text (as its byte-order mark says): the first bad byte is at byte offset \
                 {offset} (line {line}); save the file again as CSV UTF-8"
            )),
            (false, false) => bail!(crate::tr!(
                "{file}：看起来是 {name} 文字（每隔一个字节为 0），但第 {offset} 字节（第 {line} 行）无法按此读取；\
                 请把文件重新另存为“CSV UTF-8”",
                "{file}: looks like {name} text (every other byte is zero), but byte offset {offset} (line {line}) \
                 does not read as such; save the file again as CSV UTF-8"
            )),
        }
    }
    let Some(gb) = first_bad_byte(open()?, Detected::Gb18030)? else {
        return Ok(Detected::Gb18030);
    };
    // The encoding that decodes further is the one the file was meant to be in.
    let (name, at) = if gb.offset > bad.offset {
        ("GB18030 (GBK)", gb)
    } else {
        ("UTF-8", bad)
    };
    let (offset, line) = (at.offset, at.line);
    bail!(crate::tr!(
        "{file}：既不是 UTF-8 也不是 GB18030（GBK）文字：按 {name} 读取时第一个错误字节在第 {offset} 字节（第 {line} 行）；\
         请改正或删除该字符，或把文件重新另存为“CSV UTF-8”",
        "{file}: neither UTF-8 nor GB18030 (GBK) text: the first byte that is not valid {name} is at \
         byte offset {offset} (line {line}); fix or delete that character, or save the file again as CSV UTF-8"
    ))
}

/// The field separator of a CSV file from its first lines (`head`, the
/// bytes after any BOM): a comma, or a tab or a semicolon when most of the
/// first non-blank lines have one and they outnumber the commas (a file
/// exported as "text (tab-separated)", or from a European locale).
pub fn sniff_delimiter(head: &[u8], enc: Detected) -> u8 {
    let (text, _) = enc.encoding().decode_without_bom_handling(head);
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(10)
        .collect();
    let count = |c: char| lines.iter().map(|l| l.matches(c).count()).sum::<usize>();
    let commas = count(',');
    for d in ['\t', ';'] {
        let with = lines.iter().filter(|l| l.contains(d)).count();
        if with * 2 > lines.len() && count(d) > commas {
            return d as u8;
        }
    }
    b','
}

/// How a separator other than the comma is named for people.
pub fn delimiter_name(d: u8, lang: crate::Lang) -> Option<&'static str> {
    match (d, lang) {
        (b'\t', crate::Lang::Zh) => Some("制表符分隔"),
        (b'\t', crate::Lang::En) => Some("tab-separated"),
        (b';', crate::Lang::Zh) => Some("分号分隔"),
        (b';', crate::Lang::En) => Some("semicolon-separated"),
        _ => None,
    }
}

/// Bytes looked at for a byte-order mark and for UTF-16 without one.
const SNIFF: usize = 4096;

/// UTF-16 without a byte-order mark (saved by some tools as "Unicode
/// text"): in a CSV file the commas, digits and line ends are ASCII, so
/// every other byte is zero — the odd ones in little-endian, the even ones
/// in big-endian — which UTF-8 and GBK text never has.
fn utf16_without_bom(head: &[u8]) -> Option<Detected> {
    let pairs = head.len() / 2;
    if pairs < 2 {
        return None;
    }
    let zeros = |parity: usize| {
        head.chunks_exact(2)
            .filter(|p| p[parity] == 0 && p[1 - parity] != 0)
            .count()
    };
    let (odd, even) = (zeros(1), zeros(0));
    // At least a quarter of the characters ASCII, and zeros on one side only.
    if odd * 4 >= pairs && even == 0 {
        Some(Detected::Utf16Le { bom: false })
    } else if even * 4 >= pairs && odd == 0 {
        Some(Detected::Utf16Be { bom: false })
    } else {
        None
    }
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// How much of a file is checked to be UTF-8 before it is read as UTF-8;
/// the rest is checked record by record while it is read.
pub const UTF8_PREFIX: u64 = 1 << 20;

/// Decodes the stream strictly in fixed-size chunks; `None` if it is valid.
pub fn first_bad_byte(r: impl Read, enc: Detected) -> std::io::Result<Option<BadByte>> {
    first_bad_byte_within(r, enc, u64::MAX)
}

/// [`first_bad_byte`] in the first `limit` bytes; a character cut in two
/// by the limit counts as valid.
fn first_bad_byte_within(
    r: impl Read,
    enc: Detected,
    limit: u64,
) -> std::io::Result<Option<BadByte>> {
    const CHUNK: usize = 64 * 1024;
    let mut r = r.take(limit);
    let skip = enc.bom_len() as usize;
    let mut decoder = enc.encoding().new_decoder_without_bom_handling();
    let mut buf = vec![0u8; CHUNK];
    let mut out = String::with_capacity(
        decoder
            .max_utf8_buffer_length_without_replacement(CHUNK)
            .unwrap_or(4 * CHUNK),
    );
    let (mut chunk_start, mut newlines, mut first) = (0u64, 0u64, true);
    loop {
        let n = read_up_to(&mut r, &mut buf)?;
        if n == 0 && r.limit() == 0 {
            // Cut short: a sequence the limit split is not finished, not bad.
            return Ok(None);
        }
        let last = n == 0;
        let begin = if first { skip.min(n) } else { 0 };
        first = false;
        let mut pos = begin;
        loop {
            out.clear();
            let (result, read) =
                decoder.decode_to_string_without_replacement(&buf[pos..n], &mut out, last);
            match result {
                DecoderResult::InputEmpty => break,
                DecoderResult::OutputFull => {
                    pos += read;
                    // Room for at least one more character, so this ends.
                    out.reserve(16);
                }
                DecoderResult::Malformed(bad, after) => {
                    let end = (chunk_start + (pos + read) as u64).saturating_sub(u64::from(after));
                    let offset = end.saturating_sub(u64::from(bad));
                    // A malformed sequence never contains a newline, so one that
                    // began in the previous chunk adds no line here.
                    let within = offset.saturating_sub(chunk_start) as usize;
                    let line = 1 + newlines + count_newlines(&buf[..within.min(n)]);
                    return Ok(Some(BadByte { offset, line }));
                }
            }
        }
        if last {
            return Ok(None);
        }
        newlines += count_newlines(&buf[..n]);
        chunk_start += n as u64;
    }
}

fn count_newlines(b: &[u8]) -> u64 {
    b.iter().filter(|&&c| c == b'\n').count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect_bytes(bytes: &[u8], forced: Option<Forced>) -> Result<Detected> {
        detect("t.csv", forced, || Ok(bytes))
    }

    fn gbk(s: &str) -> Vec<u8> {
        GB18030.encode(s).0.into_owned()
    }

    #[test]
    fn bom_decides() {
        assert_eq!(
            detect_bytes("\u{feff}姓名\n".as_bytes(), None).unwrap(),
            Detected::Utf8 { bom: true }
        );
        let mut le = vec![0xFF, 0xFE];
        le.extend("姓名\n".encode_utf16().flat_map(|u| u.to_le_bytes()));
        assert_eq!(
            detect_bytes(&le, None).unwrap(),
            Detected::Utf16Le { bom: true }
        );
        let mut be = vec![0xFE, 0xFF];
        be.extend("姓名\n".encode_utf16().flat_map(|u| u.to_be_bytes()));
        assert_eq!(
            detect_bytes(&be, None).unwrap(),
            Detected::Utf16Be { bom: true }
        );
    }

    #[test]
    fn utf16_without_a_bom_is_recognised() {
        // #14.20: read as UTF-8 it failed at its first zero byte.
        let text = "姓名,出生日期\r\n张三,1980-05-12\r\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        assert_eq!(
            detect_bytes(&le, None).unwrap(),
            Detected::Utf16Le { bom: false }
        );
        assert_eq!(
            detect_bytes(&be, None).unwrap(),
            Detected::Utf16Be { bom: false }
        );
        assert_eq!(Detected::Utf16Le { bom: false }.bom_len(), 0);
        // UTF-8 and GBK text have no zero bytes: unaffected.
        assert_eq!(
            detect_bytes(text.as_bytes(), None).unwrap(),
            Detected::Utf8 { bom: false }
        );
        assert_eq!(detect_bytes(&gbk(text), None).unwrap(), Detected::Gb18030);
    }

    #[test]
    fn utf8_before_gb18030() {
        // Valid UTF-8 Chinese would also decode as (garbled) GB18030: UTF-8 wins.
        let utf8 = "姓名,出生日期\n张三,1980.05\n".as_bytes();
        assert!(first_bad_byte(utf8, Detected::Gb18030).unwrap().is_none());
        assert_eq!(
            detect_bytes(utf8, None).unwrap(),
            Detected::Utf8 { bom: false }
        );
        let gb = gbk("姓名,出生日期\n张三,1980.05\n");
        assert_eq!(detect_bytes(&gb, None).unwrap(), Detected::Gb18030);
        assert_eq!(
            detect_bytes(b"name\nab\n", None).unwrap(),
            Detected::Utf8 { bom: false }
        );
        assert_eq!(
            detect_bytes(b"", None).unwrap(),
            Detected::Utf8 { bom: false }
        );
    }

    #[test]
    fn invalid_in_both_names_offset_and_line() {
        // 0xFF is never valid in UTF-8 nor in GB18030.
        let err = detect_bytes(b"name,ok\nab\xff\xfe,1\n", None).unwrap_err();
        // (Messages in the run's language, Chinese unless set; the English
        // ones are checked through the binary with --lang en.)
        assert_eq!(
            err.to_string(),
            "t.csv：既不是 UTF-8 也不是 GB18030（GBK）文字：按 UTF-8 读取时第一个错误字节在第 10 字节（第 2 行）；\
             请改正或删除该字符，或把文件重新另存为“CSV UTF-8”"
        );
        // GBK text with one broken byte further on: GB18030 decodes further.
        let mut bytes = gbk("姓名\n张三\n");
        bytes.extend(b"\x81\x20\n");
        let err = detect_bytes(&bytes, None).unwrap_err().to_string();
        assert!(
            err.contains("按 GB18030 (GBK) 读取时第一个错误字节在第 10 字节（第 3 行）"),
            "{err}"
        );
    }

    #[test]
    fn forced_encoding_is_strict() {
        let gb = gbk("姓名\n张三\n");
        let err = detect_bytes(&gb, Some(Forced::Utf8))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("不是有效的 UTF-8 文字（--encoding 所指定的编码）：第一个错误字节在第 0 字节（第 1 行）"),
            "{err}"
        );
        assert_eq!(
            detect_bytes(&gb, Some(Forced::Gb18030)).unwrap(),
            Detected::Gb18030
        );
    }

    #[test]
    fn errors_across_chunk_boundaries_keep_their_line() {
        // 70,000 ASCII lines push the bad byte past the first 64 KiB chunk.
        let mut bytes = b"x\n".repeat(35_000);
        bytes.extend(b"\xff\n");
        let bad = first_bad_byte(&bytes[..], Detected::Utf8 { bom: false })
            .unwrap()
            .unwrap();
        assert_eq!(
            bad,
            BadByte {
                offset: 70_000,
                line: 35_001
            }
        );
        // A multi-byte character split by the chunk boundary is fine.
        let mut split = vec![b'a'; 64 * 1024 - 1];
        split.extend("张".as_bytes());
        assert!(first_bad_byte(&split[..], Detected::Utf8 { bom: false })
            .unwrap()
            .is_none());
    }
}
