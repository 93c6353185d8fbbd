//! Exact numbers: parsing decimal text into rationals and writing them back.
//!
//! Every pass/fail decision is made on [`Rational`]s; floats appear only in
//! display helpers at the very end.

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

/// The exact number type used for all values, targets and sums.
pub type Rational = BigRational;

/// Builds a rational from an integer.
pub fn int(n: i64) -> Rational {
    Rational::from_integer(BigInt::from(n))
}

/// Builds a rational from a count.
pub fn count(n: u64) -> Rational {
    Rational::from_integer(BigInt::from(n))
}

/// Maps full-width ASCII (０-９, Ａ-Ｚ, ％, ．, full-width space …) to half-width.
pub fn halfwidth(s: &str) -> String {
    s.chars().map(halfwidth_char).collect()
}

/// [`halfwidth`], without allocating when there is nothing to map (nearly
/// every cell).
pub fn halfwidth_cow(s: &str) -> std::borrow::Cow<'_, str> {
    let needs = |c: char| matches!(c, '\u{FF01}'..='\u{FF5E}' | '\u{3000}' | '。');
    // Those characters are encoded with a leading byte EF or E3.
    if !s.bytes().any(|b| b == 0xEF || b == 0xE3) || !s.chars().any(needs) {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(halfwidth(s))
    }
}

/// Is `s` surely its own [`crate::pack::normalize_header`] (no space, no
/// capital, nothing full-width)? Told from its bytes: ASCII other than
/// capitals and spaces, and CJK ideographs (U+4000–U+9FFF, lead bytes
/// E4–E9), which have no case and are no space. False means "maybe not".
pub fn is_folded(s: &str) -> bool {
    s.bytes().all(|b| match b {
        0x80..=0xBF | 0xE4..=0xE9 => true,
        0..=0x7F => !b.is_ascii_uppercase() && !b.is_ascii_whitespace() && b != 0x0B,
        _ => false,
    })
}

/// `str::trim`, quick for the usual cell with nothing to trim.
#[inline]
pub fn trim(s: &str) -> &str {
    // Leading bytes of the characters `char::is_whitespace` accepts.
    let space_lead = |b: u8| matches!(b, 0x09..=0x0D | b' ' | 0xC2 | 0xE1 | 0xE2 | 0xE3);
    let plain_start = s.as_bytes().first().is_some_and(|&b| !space_lead(b));
    // The last bytes of whitespace characters; any other last byte ends a
    // visible character.
    let plain_end = match s.as_bytes().last() {
        None => false,
        Some(0x09..=0x0D | b' ' | 0x80..=0x8A | 0x9F | 0xA0 | 0xA8 | 0xA9 | 0xAF) => {
            s.chars().next_back().is_some_and(|c| !is_space(c))
        }
        Some(_) => true,
    };
    if plain_start && plain_end {
        s
    } else {
        s.trim()
    }
}

/// `char::is_whitespace` (Unicode White_Space) without its table lookup;
/// the test below checks it against every character.
fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | ' '
            | '\u{85}'
            | '\u{A0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200A}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202F}'
            | '\u{205F}'
            | '\u{3000}'
    )
}

/// One character of [`halfwidth`].
pub fn halfwidth_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        '。' => '.',
        _ => c,
    }
}

/// Parses an unsigned or signed decimal (`3`, `-2`, `2.995`, `1,234.5`, `.5`)
/// exactly. Thousands separators are accepted only in groups of three.
pub fn parse_decimal(text: &str) -> Option<Rational> {
    let s = text.trim();
    // 10^200000 takes minutes to build: no count or amount is that long.
    if s.len() > MAX_DIGITS && s.bytes().filter(u8::is_ascii_digit).count() > MAX_DIGITS {
        return None;
    }
    let (neg, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (int_part, frac_part) = match s.split_once('.') {
        Some((i, f)) => (i, f),
        None => (s, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let int_digits = strip_thousands(int_part)?;
    if !frac_part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = format!("{int_digits}{frac_part}");
    let digits = if digits.is_empty() {
        "0".to_string()
    } else {
        digits
    };
    let numer: BigInt = digits.parse().ok()?;
    let denom = BigInt::from(10u32).pow(frac_part.len() as u32);
    let value = Rational::new(numer, denom);
    Some(if neg { -value } else { value })
}

fn strip_thousands(s: &str) -> Option<String> {
    if !s.contains(',') {
        return s.bytes().all(|b| b.is_ascii_digit()).then(|| s.to_string());
    }
    let groups: Vec<&str> = s.split(',').collect();
    let first_ok = (1..=3).contains(&groups[0].len());
    let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
    let digits_ok = groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()));
    (first_ok && rest_ok && digits_ok).then(|| groups.concat())
}

/// The most digits [`parse_decimal`] reads (any more: not a number).
pub const MAX_DIGITS: usize = 60;

/// Parses a number that may be a percentage (`15%`), a fraction (`1/3`) or a
/// decimal (`0.15`, `3`).
pub fn parse_number(text: &str) -> Option<Rational> {
    let s = text.trim();
    if let Some(p) = s.strip_suffix('%') {
        return parse_decimal(p).map(|v| v / int(100));
    }
    if let Some((a, b)) = s.split_once('/') {
        let (a, b) = (parse_decimal(a)?, parse_decimal(b)?);
        if b.is_zero() || !a.is_integer() || !b.is_integer() {
            return None;
        }
        return Some(a / b);
    }
    parse_decimal(s)
}

/// Least integer ≥ x.
pub fn ceil(x: &Rational) -> BigInt {
    x.ceil().to_integer()
}

/// Least integer > x.
pub fn above(x: &Rational) -> BigInt {
    x.floor().to_integer() + BigInt::one()
}

/// Writes a rational exactly as a decimal when its expansion terminates
/// (`206`, `1234567.89`), or `None` when it does not (1/3).
pub fn exact_decimal(x: &Rational) -> Option<String> {
    let (mut d, mut twos, mut fives) = (x.denom().clone(), 0u32, 0u32);
    let two = BigInt::from(2);
    let five = BigInt::from(5);
    while d.is_even() {
        d /= &two;
        twos += 1;
    }
    while (&d % &five).is_zero() {
        d /= &five;
        fives += 1;
    }
    if !d.is_one() {
        return None;
    }
    let places = twos.max(fives);
    let scaled = (x * Rational::from_integer(BigInt::from(10).pow(places))).to_integer();
    Some(place_point(&scaled, places as usize))
}

/// Writes `x` exactly as a decimal if it terminates, else as `p/q`.
pub fn exact_text(x: &Rational) -> String {
    exact_decimal(x).unwrap_or_else(|| format!("{}/{}", x.numer(), x.denom()))
}

/// Writes `x` as a reduced fraction (`7/10`, `3`).
pub fn fraction_text(x: &Rational) -> String {
    if x.is_integer() {
        x.numer().to_string()
    } else {
        format!("{}/{}", x.numer(), x.denom())
    }
}

/// Rounds `x` half away from zero to `places` decimals, for display only.
pub fn round_text(x: &Rational, places: usize) -> String {
    let scale = Rational::from_integer(BigInt::from(10).pow(places as u32));
    let scaled = x * scale;
    let half = Rational::new(BigInt::one(), BigInt::from(2));
    let rounded = if scaled.is_negative() {
        -((-scaled) + half).floor().to_integer()
    } else {
        (scaled + half).floor().to_integer()
    };
    place_point(&rounded, places)
}

/// Rounds and strips trailing zeros (`3.10` → `3.1`, `68.67`).
pub fn short_text(x: &Rational, places: usize) -> String {
    let s = round_text(x, places);
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

fn place_point(scaled: &BigInt, places: usize) -> String {
    let neg = scaled.is_negative();
    let mut digits = scaled.abs().to_string();
    if places > 0 {
        if digits.len() <= places {
            digits = format!("{}{}", "0".repeat(places + 1 - digits.len()), digits);
        }
        digits.insert(digits.len() - places, '.');
    }
    if neg {
        digits.insert(0, '-');
    }
    digits
}

/// Nearest f64, for the display-only `ratio` field.
pub fn to_f64(x: &Rational) -> f64 {
    x.to_f64().unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(a: i64, b: i64) -> Rational {
        Rational::new(BigInt::from(a), BigInt::from(b))
    }

    #[test]
    fn decimals_are_exact() {
        assert_eq!(parse_decimal("2.995"), Some(r(599, 200)));
        assert_eq!(parse_decimal("1,234,567.5"), Some(r(2469135, 2)));
        assert_eq!(parse_decimal("-3"), Some(int(-3)));
        assert_eq!(parse_decimal(".5"), Some(r(1, 2)));
        assert_eq!(parse_decimal("1,23"), None);
        assert_eq!(parse_decimal("abc"), None);
        assert_eq!(parse_decimal(""), None);
        assert_eq!(parse_decimal("."), None);
        assert_eq!(parse_decimal("1e5"), None);
    }

    #[test]
    fn numbers_accept_percent_and_fractions() {
        assert_eq!(parse_number("70%"), Some(r(7, 10)));
        assert_eq!(parse_number("15.3%"), Some(r(153, 1000)));
        assert_eq!(parse_number("1/3"), Some(r(1, 3)));
        assert_eq!(parse_number("1/0"), None);
        assert_eq!(parse_number("0.153"), Some(r(153, 1000)));
    }

    #[test]
    fn forty_digit_numbers_stay_exact() {
        let big = "1234567890123456789012345678901234567890";
        assert_eq!(exact_text(&parse_decimal(big).unwrap()), big);
    }

    #[test]
    fn exact_writing() {
        assert_eq!(exact_decimal(&r(206, 1)).as_deref(), Some("206"));
        assert_eq!(
            exact_decimal(&r(123456789, 100)).as_deref(),
            Some("1234567.89")
        );
        assert_eq!(exact_decimal(&r(1, 3)), None);
        assert_eq!(exact_text(&r(1, 3)), "1/3");
        assert_eq!(exact_decimal(&r(-1, 8)).as_deref(), Some("-0.125"));
        assert_eq!(fraction_text(&r(7, 10)), "7/10");
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(round_text(&r(206, 300), 6), "0.686667");
        assert_eq!(round_text(&r(1, 8), 2), "0.13");
        assert_eq!(round_text(&r(-1, 8), 2), "-0.13");
        assert_eq!(short_text(&r(31, 10), 2), "3.1");
        assert_eq!(short_text(&r(3, 1), 2), "3");
    }

    #[test]
    fn halfwidth_maps_fullwidth_forms() {
        assert_eq!(halfwidth("１２．５％"), "12.5%");
    }

    #[test]
    fn ceilings() {
        assert_eq!(ceil(&r(7, 3)), BigInt::from(3));
        assert_eq!(ceil(&r(6, 3)), BigInt::from(2));
        assert_eq!(above(&r(6, 3)), BigInt::from(3));
        assert_eq!(above(&r(7, 3)), BigInt::from(3));
    }

    #[test]
    fn quick_trim_agrees_with_str_trim() {
        let spaces: Vec<char> = (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .collect();
        let mut cases = vec![
            String::new(),
            "甲".into(),
            "a b".into(),
            "长\u{3000}".into(),
        ];
        for &sp in &spaces {
            for body in ["", "x", "姓名", "\u{A0}a"] {
                cases.push(format!("{sp}{body}"));
                cases.push(format!("{body}{sp}"));
                cases.push(format!("{sp}{body}{sp}"));
            }
        }
        // Characters sharing a last byte with a space, but visible.
        cases.extend(["一", "\u{2080}", "À", "丠"].map(String::from));
        for c in &cases {
            assert_eq!(trim(c), c.trim(), "{c:?}");
        }
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            assert_eq!(is_space(c), c.is_whitespace(), "{c:?}");
        }
    }
}
