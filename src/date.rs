//! Dates as offices write them, 周岁 ages, and deadlines in the plan's words.

use chrono::{Datelike, Months, NaiveDate};

/// A birth date that may lack its day (`1975.03`, `1975年3月`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartialDate {
    pub year: i32,
    pub month: u32,
    pub day: Option<u32>,
}

impl PartialDate {
    /// The earliest and latest calendar day this value may stand for.
    pub fn range(&self) -> (NaiveDate, NaiveDate) {
        match self.day {
            Some(d) => {
                let date = NaiveDate::from_ymd_opt(self.year, self.month, d).unwrap_or_default();
                (date, date)
            }
            None => (
                NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or_default(),
                last_day_of_month(self.year, self.month),
            ),
        }
    }
}

/// Parses `1980-05-12`, `1980/5/12`, `1980.05.12`, `1980年5月12日`, `19800512`,
/// and month-only `1980-05`, `1980.05`, `1980.5`, `1980年5月`, `198005`.
pub fn parse_date(text: &str) -> Option<PartialDate> {
    // The usual cell (`19800512`, `1980-05-12`, `1980.05`) has nothing to
    // trim or map to half-width: told from its bytes.
    let plain = text
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'/' | b'.'));
    if plain {
        if let Some(d) = parse_ymd10(text.as_bytes()) {
            return Some(d);
        }
    }
    let mapped;
    let s = match plain {
        true => text,
        false => {
            mapped = crate::num::halfwidth_cow(crate::num::trim(text));
            match mapped.ends_with(['日', '号']) {
                true => mapped.trim_end_matches('日').trim_end_matches('号'),
                false => &mapped,
            }
        }
    };
    let b = s.as_bytes();
    // Year, month and maybe day, as ASCII digits; no allocation, since every
    // birth date of a registry passes through here.
    let mut parts: [&[u8]; 3] = [&[]; 3];
    let mut count = 0;
    if (b.len() == 8 || b.len() == 6) && b.iter().all(u8::is_ascii_digit) {
        parts = [&b[0..4], &b[4..6], b.get(6..).unwrap_or_default()];
        count = if b.len() == 8 { 3 } else { 2 };
    } else if s.is_ascii() {
        for p in b.split(|c| matches!(c, b'-' | b'/' | b'.')) {
            *parts.get_mut(count)? = p;
            count += 1;
        }
    } else {
        for p in s.split(['-', '/', '.', '年', '月']) {
            *parts.get_mut(count)? = p.as_bytes();
            count += 1;
        }
    }
    // `1980年5月` (and `1980.5.`) split into ["1980", "5", ""].
    if count == 3 && parts[2].is_empty() {
        count = 2;
    }
    let parts = &parts[..count];
    // One to four ASCII digits.
    let num = |p: &[u8]| -> Option<u32> {
        if !(1..=4).contains(&p.len()) {
            return None;
        }
        p.iter().try_fold(0, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    if parts.first().map(|y| y.len()) != Some(4) {
        return None;
    }
    let year = num(parts[0])? as i32;
    if !(1000..=9999).contains(&year) {
        return None;
    }
    let month = num(parts.get(1)?)?;
    if !(1..=12).contains(&month) {
        return None;
    }
    let day = match parts.len() {
        2 => None,
        3 => {
            let d = num(parts[2])?;
            let last = match month {
                2 if is_leap(year) => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            (1..=last).contains(&d).then_some(d)?;
            Some(d)
        }
        _ => return None,
    };
    Some(PartialDate { year, month, day })
}

/// `1980-05-12`, `1980/05/12` or `1980.05.12`, the spellings of most
/// birth dates, read without splitting: what [`parse_date`] gives for them,
/// or None for any other text (which `parse_date` then reads).
fn parse_ymd10(b: &[u8]) -> Option<PartialDate> {
    let [y0, y1, y2, y3, s1, m0, m1, s2, d0, d1] = *b else {
        return None;
    };
    let digits = [y0, y1, y2, y3, m0, m1, d0, d1];
    if s1 != s2 || !matches!(s1, b'-' | b'/' | b'.') || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = |ds: &[u8]| ds.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    let (year, month, day) = (n(&digits[..4]) as i32, n(&[m0, m1]), n(&[d0, d1]));
    let last = match month {
        1..=12 if year < 1000 => return None,
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    (1..=last).contains(&day).then_some(PartialDate {
        year,
        month,
        day: Some(day),
    })
}

/// The date an Excel serial number stands for, when `text` is one that a
/// date column of a CSV file may hold (Excel wrote the cell's number, not
/// the date it showed): 3 to 5 digits, 1900-04-09 (100) to 2173 (99999),
/// except 1900 to 2100, which are years.
/// Excel counts 29 February 1900, which never was: serial 60 is no date.
pub fn excel_serial(text: &str) -> Option<NaiveDate> {
    let s = crate::num::halfwidth_cow(crate::num::trim(text));
    if !(3..=5).contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = s.parse().ok()?;
    // `1980` in a birth-date column is a year without a month, not 1905.
    if (1900..=2100).contains(&n) {
        return None;
    }
    let base = match n {
        61.. => NaiveDate::from_ymd_opt(1899, 12, 30)?,
        60 => return None,
        _ => NaiveDate::from_ymd_opt(1899, 12, 31)?,
    };
    base.checked_add_signed(chrono::Duration::days(n))
}

/// Parses an ISO date `2017-03-24` (also `2017/3/24`, `2017年3月24日`).
pub fn parse_full_date(text: &str) -> Option<NaiveDate> {
    let d = parse_date(text)?;
    NaiveDate::from_ymd_opt(d.year, d.month, d.day?)
}

/// Age in 周岁 on `on` of someone born on `birth` (法释〔2006〕1号: N 周岁 is
/// reached the day after the Nth birthday; a 29 February birthday falls on
/// 28 February in common years).
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> i64 {
    let mut age = i64::from(on.year()) - i64::from(birth.year());
    let birthday = if birth.month() == 2 && birth.day() == 29 && !is_leap(on.year()) {
        (2, 28)
    } else {
        (birth.month(), birth.day())
    };
    // The "anniversary" in the year of birth is the day of birth itself,
    // which is age 0, not −1.
    if (on.month(), on.day()) <= birthday && on.year() > birth.year() {
        age -= 1;
    }
    age
}

/// The youngest and oldest age a possibly month-only birth date allows.
pub fn age_range(birth: &PartialDate, on: NaiveDate) -> (i64, i64) {
    let (earliest, latest) = birth.range();
    (age_on(latest, on), age_on(earliest, on))
}

fn is_leap(year: i32) -> bool {
    NaiveDate::from_ymd_opt(year, 2, 29).is_some()
}

fn last_day_of_month(year: i32, month: u32) -> NaiveDate {
    let first = NaiveDate::from_ymd_opt(year, month, 1).unwrap_or_default();
    first
        .checked_add_months(Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(first)
}

/// Reads a deadline: an ISO date, `2020年年底前` / `2020年底前` / `到2020年`
/// (31 December), or `3年内` counted from `start` (民法典 第201条: the period ends
/// on the corresponding day, or the month's last day if there is none).
pub fn parse_due(text: &str, start: Option<NaiveDate>) -> Result<NaiveDate, String> {
    let due = parse_due_unchecked(text, start)?;
    // A reform plan's deadline: `9000年内` is a typo, not year 11017.
    if !(DUE_YEARS).contains(&due.year()) {
        return Err(crate::tr!(
            "期限“{text}”为 {due}，不在 {} 至 {} 年之间，应是笔误：请写成方案中的期限，如 2020年年底前 或 3年内",
            "deadline `{text}` is {due}, outside the years {} to {}: probably a typo; write the plan's deadline, e.g. 2020年年底前 or 3年内",
            DUE_YEARS.start(),
            DUE_YEARS.end()
        ));
    }
    Ok(due)
}

/// The years a deadline may fall in.
pub const DUE_YEARS: std::ops::RangeInclusive<i32> = 1949..=2200;

fn parse_due_unchecked(text: &str, start: Option<NaiveDate>) -> Result<NaiveDate, String> {
    let s: String = crate::num::halfwidth(text)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if let Some(d) = parse_full_date(&s) {
        return Ok(d);
    }
    let year_end = s
        .strip_prefix('到')
        .unwrap_or(&s)
        .trim_end_matches('前')
        .trim_end_matches("年底")
        .trim_end_matches("年年")
        .trim_end_matches('年')
        .trim_end_matches("年末");
    if year_end.len() == 4 && year_end.bytes().all(|b| b.is_ascii_digit()) {
        let year: i32 = year_end
            .parse()
            .map_err(|_| format!("cannot read `{text}`"))?;
        return NaiveDate::from_ymd_opt(year, 12, 31)
            .ok_or_else(|| format!("bad year in `{text}`"));
    }
    if let Some(n) = s.strip_suffix("年内").and_then(|n| n.parse::<u32>().ok()) {
        let start = start.ok_or_else(|| {
            format!("`{text}` counts from the plan's date, but the pack's plan has no `date`")
        })?;
        return n
            .checked_mul(12)
            .and_then(|m| start.checked_add_months(Months::new(m)))
            .ok_or_else(|| format!("`{text}` is too far in the future"));
    }
    Err(format!(
        "cannot read deadline `{text}`: write a date (`2020-12-31`), `2020年年底前`, `到2020年` or `3年内`"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quick_ten_character_dates_read_as_the_general_way() {
        // `日` at the end sends a date down the general path.
        for y in [999, 1000, 1900, 1975, 2000, 2023, 2024, 2100, 9999] {
            for m in 0..=13 {
                for d in 0..=32 {
                    for (a, b) in [('-', '-'), ('/', '/'), ('.', '.'), ('-', '/')] {
                        let s = format!("{y:04}{a}{m:02}{b}{d:02}");
                        assert_eq!(parse_date(&s), parse_date(&format!("{s}日")), "{s}");
                    }
                }
            }
        }
        assert_eq!(
            parse_date("2024-02-29"),
            Some(PartialDate {
                year: 2024,
                month: 2,
                day: Some(29)
            })
        );
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_ymd10(b"1980-05/12"), None);
        assert_eq!(parse_date("1980-05/12").map(|d| d.day), Some(Some(12)));
    }

    #[test]
    fn excel_serials_in_a_date_column() {
        // #14.20: 29221 is 1980-01-01 in Excel.
        assert_eq!(excel_serial("29221"), Some(d(1980, 1, 1)));
        assert_eq!(excel_serial("２９２２１"), Some(d(1980, 1, 1)));
        assert_eq!(excel_serial("61"), None);
        assert_eq!(excel_serial("100"), Some(d(1900, 4, 9)));
        assert_eq!(excel_serial("45658"), Some(d(2025, 1, 1)));
        assert_eq!(excel_serial("99999"), Some(d(2173, 10, 13)));
        assert_eq!(excel_serial("123456"), None);
        assert_eq!(excel_serial("1980"), None);
        assert_eq!(excel_serial("2101"), Some(d(1905, 10, 1)));
        assert_eq!(excel_serial("29221.5"), None);
    }

    #[test]
    fn absurd_deadlines_are_rejected() {
        // #14.20: `9000年内` printed as +11017-03-24.
        let start = Some(d(2017, 3, 24));
        let err = parse_due("9000年内", start).unwrap_err();
        assert!(
            err.contains("+11017-03-24") && err.contains("1949"),
            "{err}"
        );
        assert!(parse_due("1800-01-01", start).is_err());
        assert_eq!(parse_due("183年内", start), Ok(d(2200, 3, 24)));
        assert!(parse_due("184年内", start).is_err());
        assert_eq!(parse_due("3年内", start), Ok(d(2020, 3, 24)));
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn date_formats() {
        let full = Some(PartialDate {
            year: 1980,
            month: 5,
            day: Some(12),
        });
        for s in [
            "1980-05-12",
            "1980/5/12",
            "1980.05.12",
            "1980年5月12日",
            "19800512",
            "１９８０-０５-１２",
        ] {
            assert_eq!(parse_date(s), full, "{s}");
        }
        let month = Some(PartialDate {
            year: 1980,
            month: 5,
            day: None,
        });
        for s in [
            "1980-05",
            "1980.05",
            "1980.5",
            "1980年5月",
            "1980/5",
            "198005",
            "１９８０．０５",
        ] {
            assert_eq!(parse_date(s), month, "{s}");
        }
        for s in [
            "1980-13-45",
            "1980-02-30",
            "80-05-12",
            "",
            "abc",
            "1980",
            "1980-05-12-01",
            "1980-0",
            "198013",
        ] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }

    #[test]
    fn age_turns_over_the_day_after_the_birthday() {
        let born = d(1980, 5, 12);
        assert_eq!(age_on(born, d(2025, 5, 11)), 44);
        assert_eq!(age_on(born, d(2025, 5, 12)), 44);
        assert_eq!(age_on(born, d(2025, 5, 13)), 45);
        // On the 46th birthday one is still 45: "45岁以下" holds.
        assert_eq!(age_on(born, d(2026, 5, 12)), 45);
        assert_eq!(age_on(born, d(2026, 5, 13)), 46);
    }

    #[test]
    fn the_day_of_birth_is_age_zero() {
        // Found by the day-by-day property test.
        assert_eq!(age_on(d(1940, 2, 29), d(1940, 2, 29)), 0);
        assert_eq!(age_on(d(1980, 5, 12), d(1980, 5, 12)), 0);
        assert_eq!(age_on(d(1980, 5, 12), d(1981, 5, 12)), 0);
        assert_eq!(age_on(d(1980, 5, 12), d(1981, 5, 13)), 1);
    }

    #[test]
    fn leap_day_birthdays() {
        let born = d(1980, 2, 29);
        // Common year: the birthday falls on 28 February.
        assert_eq!(age_on(born, d(2025, 2, 28)), 44);
        assert_eq!(age_on(born, d(2025, 3, 1)), 45);
        // Leap year: the birthday is 29 February itself.
        assert_eq!(age_on(born, d(2024, 2, 29)), 43);
        assert_eq!(age_on(born, d(2024, 3, 1)), 44);
    }

    #[test]
    fn month_only_dates_give_a_range() {
        let b = PartialDate {
            year: 1980,
            month: 5,
            day: None,
        };
        assert_eq!(age_range(&b, d(2026, 5, 15)), (45, 46));
        assert_eq!(age_range(&b, d(2026, 6, 1)), (46, 46));
        assert_eq!(age_range(&b, d(2026, 4, 30)), (45, 45));
        let feb = PartialDate {
            year: 1980,
            month: 2,
            day: None,
        };
        assert_eq!(feb.range().1, d(1980, 2, 29));
    }

    #[test]
    fn deadlines() {
        let plan = Some(d(2017, 3, 24));
        assert_eq!(parse_due("2020年年底前", plan), Ok(d(2020, 12, 31)));
        assert_eq!(parse_due("2020年底前", plan), Ok(d(2020, 12, 31)));
        assert_eq!(parse_due("到2020年", plan), Ok(d(2020, 12, 31)));
        assert_eq!(parse_due("3年内", plan), Ok(d(2020, 3, 24)));
        assert_eq!(parse_due("2020-03-24", None), Ok(d(2020, 3, 24)));
        assert_eq!(parse_due("1年内", Some(d(2016, 2, 29))), Ok(d(2017, 2, 28)));
        assert!(parse_due("3年内", None).is_err());
        assert!(parse_due("尽快", plan).is_err());
    }
}
