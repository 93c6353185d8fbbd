//! Citizen ID numbers (公民身份号码, GB 11643-1999): validation, the birth
//! date they carry, and masking — an ID number never leaves the program whole.

use chrono::NaiveDate;

/// Why a cell is not a usable ID number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IdProblem {
    /// Neither 18 characters (17 digits and a digit or X) nor 15 digits.
    Length,
    /// Written as a number in scientific notation (`3.21284E+17`): digits are lost.
    Scientific,
    /// The 18th character is not the ISO 7064 MOD 11-2 check digit.
    CheckDigit,
    /// The birth date inside the number is not a calendar date.
    Date,
}

/// ISO 7064 MOD 11-2 weights 2^(17−i) mod 11 for the first 17 digits.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// The check character of an 18-digit number from its first 17 digits
/// (`None` if they are not 17 ASCII digits).
pub fn check_digit(first17: &str) -> Option<char> {
    if first17.len() != 17 || !first17.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = first17
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    Some(b"10X98765432"[(sum % 11) as usize] as char)
}

/// A valid ID number in its 18-character form, with its birth date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdNumber {
    /// 18 characters; a 15-digit legacy number is widened (19YY, check digit added).
    pub normalized: String,
    pub birth: NaiveDate,
}

/// Reads an ID number as people type it: full-width digits, inner spaces and
/// a lower-case `x` are accepted.
pub fn parse(text: &str) -> Result<IdNumber, IdProblem> {
    let s: String = crate::num::halfwidth(text)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    if s.contains("E+") && s.bytes().all(|b| b.is_ascii_digit() || b"E+.".contains(&b)) {
        return Err(IdProblem::Scientific);
    }
    // Checked as bytes: a cell such as `321200800512001号` is 18 bytes long
    // but not 18 characters, and slicing it at byte 17 would split `号`.
    let b = s.as_bytes();
    let digits = |t: &[u8]| t.iter().all(u8::is_ascii_digit);
    match b.len() {
        18 if digits(&b[..17]) && (b[17].is_ascii_digit() || b[17] == b'X') => {
            let birth = birth_of(&s[6..14]).ok_or(IdProblem::Date)?;
            if check_digit(&s[..17]) != s[17..].chars().next() {
                return Err(IdProblem::CheckDigit);
            }
            Ok(IdNumber {
                normalized: s,
                birth,
            })
        }
        15 if digits(b) => {
            let birth = birth_of(&format!("19{}", &s[6..12])).ok_or(IdProblem::Date)?;
            let first17 = format!("{}19{}", &s[..6], &s[6..]);
            let check = check_digit(&first17).ok_or(IdProblem::Length)?;
            Ok(IdNumber {
                normalized: format!("{first17}{check}"),
                birth,
            })
        }
        _ => Err(IdProblem::Length),
    }
}

fn birth_of(yyyymmdd: &str) -> Option<NaiveDate> {
    let n = |r: std::ops::Range<usize>| yyyymmdd.get(r)?.parse::<u32>().ok();
    NaiveDate::from_ymd_opt(n(0..4)? as i32, n(4..6)?, n(6..8)?)
}

/// Masks an ID number (or anything typed into an ID column) for output:
/// `3212**********1234`. Long values keep 4 characters at each end, short
/// ones a quarter; nothing shorter than 4 characters is shown.
pub fn mask(text: &str) -> String {
    let chars: Vec<char> = text.trim().chars().collect();
    let n = chars.len();
    let keep = if n >= 15 { 4 } else { n / 4 };
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < keep || i >= n - keep { *c } else { '*' })
        .collect()
}

/// Masks every run that looks like an ID number — 15 or more digits, or 17
/// digits and an X — wherever it turns up in `text` (a shifted column, a data
/// row taken for headers, a name cell), keeping 4 characters at each end.
pub fn mask_ids_in(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !digit(chars[i]) {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && digit(chars[i]) {
            i += 1;
        }
        if i - start == 17 && i < chars.len() && matches!(chars[i], 'X' | 'x' | 'Ｘ' | 'ｘ') {
            i += 1;
        }
        let run = &chars[start..i];
        if run.len() >= 15 {
            out.extend(run.iter().enumerate().map(|(k, c)| {
                if k < 4 || k >= run.len() - 4 {
                    *c
                } else {
                    '*'
                }
            }));
        } else {
            out.extend(run);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake number: area 321200 (a city-level code, given to no one).
    fn fake(birth: &str, seq: &str) -> String {
        let first17 = format!("321200{birth}{seq}");
        format!("{first17}{}", check_digit(&first17).unwrap())
    }

    #[test]
    fn check_digits_follow_iso_7064_mod_11_2() {
        // The worked example of GB 11643-1999 (Appendix A): 11010519491231002X.
        assert_eq!(check_digit("11010519491231002"), Some('X'));
        // Σ aᵢwᵢ for 32120019800512001: check character by hand.
        let sum: u32 = "32120019800512001"
            .bytes()
            .zip(WEIGHTS)
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        assert_eq!(sum, 185);
        assert_eq!(sum % 11, 9);
        assert_eq!(check_digit("32120019800512001"), Some('3'));
        assert_eq!(check_digit("3212001980051200"), None);
        assert_eq!(check_digit("3212001980051200A"), None);
    }

    #[test]
    fn eighteen_digit_numbers() {
        let id = parse("321200198005120013").unwrap();
        assert_eq!(id.birth, NaiveDate::from_ymd_opt(1980, 5, 12).unwrap());
        assert_eq!(id.normalized, "321200198005120013");
        // Full-width digits, spaces, lower-case x.
        let x = parse("１１０１０５ 19491231 002x").unwrap();
        assert_eq!(x.normalized, "11010519491231002X");
        assert_eq!(parse("321200198005120014"), Err(IdProblem::CheckDigit));
        let bad_day = fake("19800230", "001");
        assert_eq!(parse(&bad_day), Err(IdProblem::Date));
        assert_eq!(parse("32120019800512001"), Err(IdProblem::Length));
        assert_eq!(parse("3.21200198005E+17"), Err(IdProblem::Scientific));
    }

    #[test]
    fn eighteen_bytes_that_are_not_eighteen_characters_are_a_wrong_length() {
        // Regression (#14.2): 15 digits and `号` are 18 bytes; slicing at
        // byte 17 panicked and printed the number whole.
        assert_eq!(parse("321200800512001号"), Err(IdProblem::Length));
        assert_eq!(parse("32120019800512001号"), Err(IdProblem::Length));
        assert_eq!(parse("3212001980051200号1"), Err(IdProblem::Length));
        assert_eq!(parse("é3212001980051200"), Err(IdProblem::Length));
        assert_eq!(parse("号号号号号号"), Err(IdProblem::Length));
    }

    #[test]
    fn fifteen_digit_legacy_numbers_are_19yy() {
        let id = parse("321200800512001").unwrap();
        assert_eq!(id.birth, NaiveDate::from_ymd_opt(1980, 5, 12).unwrap());
        // Widened to the 18-digit form of the same person.
        assert_eq!(id.normalized, "321200198005120013");
        assert_eq!(parse("321200800230001"), Err(IdProblem::Date));
    }

    #[test]
    fn masking_hides_the_middle() {
        assert_eq!(mask("321200198005120013"), "3212**********0013");
        assert_eq!(mask("321200800512001"), "3212*******2001");
        assert_eq!(mask("32120019"), "32****19");
        assert_eq!(mask("123"), "***");
        assert_eq!(mask(""), "");
        assert_eq!(mask_ids_in("321200198005120013"), "3212**********0013");
        assert_eq!(mask_ids_in("32120019800512001x"), "3212**********001x");
        assert_eq!(mask_ids_in(" 321200198005120013 "), " 3212**********0013 ");
        assert_eq!(mask_ids_in("321200800512001"), "3212*******2001");
        assert_eq!(
            mask_ids_in("３２１２００１９８００５１２００１３"),
            "３２１２**********００１３"
        );
        assert_eq!(
            mask_ids_in("张三 32120019800512001x 号"),
            "张三 3212**********001x 号"
        );
        // Any run of 15 or more digits is masked, to be safe.
        assert_eq!(mask_ids_in("3212001980051200"), "3212********1200");
        assert_eq!(mask_ids_in("12345678901234"), "12345678901234");
        assert_eq!(mask_ids_in("1980-05-12"), "1980-05-12");
        assert_eq!(mask_ids_in("1963-12-13（62岁）"), "1963-12-13（62岁）");
        assert_eq!(mask_ids_in("2524817.90"), "2524817.90");
        assert_eq!(mask_ids_in("张三"), "张三");
        // Regression: 18 bytes of Chinese text once panicked on a char boundary.
        assert_eq!(mask_ids_in("泰州市农学会"), "泰州市农学会");
    }
}
