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
/// and month-only `1980-05`, `1980.05`, `1980年5月`.
pub fn parse_date(text: &str) -> Option<PartialDate> {
    parse_trimmed_date(crate::num::trim(text))
}

/// [`parse_date`] of a trimmed cell. Called for every birth-date cell, so it
/// works on bytes and allocates nothing unless full-width characters need
/// mapping.
pub fn parse_trimmed_date(s: &str) -> Option<PartialDate> {
    // The most usual form, 1980-05-12 (or with / or .), read directly.
    if let &[y0, y1, y2, y3, sep, m0, m1, sep2, d0, d1] = s.as_bytes() {
        let digits = [y0, y1, y2, y3, m0, m1, d0, d1];
        if matches!(sep, b'-' | b'/' | b'.') && sep2 == sep && digits.iter().all(u8::is_ascii_digit)
        {
            let n = |a: u8, b: u8| u32::from(a - b'0') * 10 + u32::from(b - b'0');
            let (year, month, day) = (n(y0, y1) * 100 + n(y2, y3), n(m0, m1), n(d0, d1));
            let valid = year >= 1000 && (1..=12).contains(&month);
            return (valid && (1..=days_in_month(year as i32, month)).contains(&day)).then_some(
                PartialDate {
                    year: year as i32,
                    month,
                    day: Some(day),
                },
            );
        }
    }
    // ASCII dates (the usual case) have nothing to map or strip.
    let mapped = (!s.is_ascii()).then(|| crate::num::halfwidth_cow(s));
    let mut s: &str = mapped.as_deref().unwrap_or(s);
    while let Some(rest) = s.strip_suffix('日') {
        s = rest;
    }
    while let Some(rest) = s.strip_suffix('号') {
        s = rest;
    }
    let s = s.as_bytes();
    // Up to three parts split on - / . 年 月 (年 and 月 are the only
    // characters with these UTF-8 encodings).
    let mut parts: [&[u8]; 3] = [&[]; 3];
    let mut n = 0;
    if s.len() == 8 && s.iter().all(u8::is_ascii_digit) {
        parts = [&s[0..4], &s[4..6], &s[6..8]];
        n = 3;
    } else {
        let (mut start, mut i) = (0, 0);
        while i < s.len() {
            let sep = match s[i] {
                b'-' | b'/' | b'.' => 1,
                0xE5 if s[i + 1..].starts_with(&[0xB9, 0xB4]) => 3,
                0xE6 if s[i + 1..].starts_with(&[0x9C, 0x88]) => 3,
                _ => {
                    i += 1;
                    continue;
                }
            };
            if n == parts.len() - 1 {
                return None;
            }
            parts[n] = &s[start..i];
            n += 1;
            i += sep;
            start = i;
        }
        parts[n] = &s[start..];
        n += 1;
        // `1980年5月` splits into ["1980", "5", ""].
        if n == 3 && parts[2].is_empty() {
            n = 2;
        }
    }
    let num = |p: &[u8]| -> Option<u32> {
        (!p.is_empty() && p.len() <= 4 && p.iter().all(u8::is_ascii_digit))
            .then(|| p.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    };
    if parts[0].len() != 4 || n < 2 {
        return None;
    }
    let year = num(parts[0])? as i32;
    if !(1000..=9999).contains(&year) {
        return None;
    }
    let month = num(parts[1])?;
    if !(1..=12).contains(&month) {
        return None;
    }
    let day = match n {
        2 => None,
        _ => {
            let d = num(parts[2])?;
            if !(1..=days_in_month(year, month)).contains(&d) {
                return None;
            }
            Some(d)
        }
    };
    Some(PartialDate { year, month, day })
}

/// Days in a month of the (proleptic) Gregorian calendar, as chrono has it.
fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
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
    age_on_ymd((birth.year(), birth.month(), birth.day()), on)
}

/// The youngest and oldest age a possibly month-only birth date allows.
pub fn age_range(birth: &PartialDate, on: NaiveDate) -> (i64, i64) {
    if let Some(day) = birth.day {
        // A full date (checked by `parse_date`): no calendar arithmetic.
        let age = age_on_ymd((birth.year, birth.month, day), on);
        return (age, age);
    }
    let (earliest, latest) = birth.range();
    (age_on(latest, on), age_on(earliest, on))
}

/// [`age_on`] for a valid (year, month, day).
fn age_on_ymd((year, month, day): (i32, u32, u32), on: NaiveDate) -> i64 {
    let mut age = i64::from(on.year()) - i64::from(year);
    let birthday = if month == 2 && day == 29 && !is_leap(on.year()) {
        (2, 28)
    } else {
        (month, day)
    };
    if (on.month(), on.day()) <= birthday {
        age -= 1;
    }
    age
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
        for s in ["1980-05", "1980.05", "1980年5月", "1980/5"] {
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

    /// The first, allocating implementation, kept to check the fast one.
    fn reference_parse_date(text: &str) -> Option<PartialDate> {
        let s = crate::num::halfwidth(text.trim());
        let s = s.trim_end_matches('日').trim_end_matches('号');
        let parts: Vec<&str> = if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
            vec![&s[0..4], &s[4..6], &s[6..8]]
        } else {
            s.split(['-', '/', '.', '年', '月']).collect()
        };
        let parts: Vec<&str> = match parts.as_slice() {
            // `1980年5月` splits into ["1980", "5", ""].
            [a, b, ""] => vec![a, b],
            _ => parts,
        };
        let num = |p: &str| -> Option<u32> {
            (!p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse().ok())
                .flatten()
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
                NaiveDate::from_ymd_opt(year, month, d)?;
                Some(d)
            }
            _ => return None,
        };
        Some(PartialDate { year, month, day })
    }

    #[test]
    fn parse_date_matches_the_reference_implementation() {
        let pieces = [
            "",
            "1980",
            "198",
            "19800",
            "0999",
            "2024",
            "5",
            "05",
            "13",
            "0",
            "29",
            "02",
            "１９８０",
            "０５",
            "ab",
        ];
        let seps = ["-", "/", ".", "年", "月", "日", "号", "", "--", "。", "．"];
        let mut n = 0;
        for a in pieces {
            for s1 in seps {
                for b in pieces {
                    for s2 in seps {
                        for c in ["", "29", "5", "31"] {
                            for end in ["", "日", "月"] {
                                let text = format!("{a}{s1}{b}{s2}{c}{end}");
                                assert_eq!(
                                    parse_date(&text),
                                    reference_parse_date(&text),
                                    "{text}"
                                );
                                n += 1;
                            }
                        }
                    }
                }
            }
        }
        for text in [
            "19800512",
            "1980051",
            "2024022９",
            "20230229",
            "1980-05-12-01",
            " 1980-5 ",
            "1900-02-29",
            "2000-02-29",
            "2100-2-29",
            "2024-2-29",
            "1999-04-31",
            "1999-12-31",
            "1999-13-01",
            "1980-00-12",
            "1980/02/30",
            "1980.02.29",
            "1981.02.29",
            "0000-01-01",
            "9999-12-31",
            "1980-05/12",
            "1980-05-1a",
        ] {
            assert_eq!(parse_date(text), reference_parse_date(text), "{text}");
        }
        assert!(n > 100_000);
    }

    #[test]
    fn days_in_month_agree_with_chrono() {
        for year in 1000..=9999 {
            for month in 1..=12 {
                let last = (28..=31)
                    .rev()
                    .find(|&d| NaiveDate::from_ymd_opt(year, month, d).is_some());
                assert_eq!(Some(days_in_month(year, month)), last, "{year}-{month}");
            }
        }
    }

    #[test]
    fn age_range_of_a_full_date_is_its_age() {
        let on_days = [
            d(2024, 2, 28),
            d(2024, 2, 29),
            d(2025, 2, 28),
            d(2025, 3, 1),
            d(2026, 11, 28),
        ];
        let mut birth = d(1970, 1, 1);
        while birth < d(1990, 12, 31) {
            let partial = PartialDate {
                year: birth.year(),
                month: birth.month(),
                day: Some(birth.day()),
            };
            for on in on_days {
                // By the definition: N 周岁 is reached the day after the Nth
                // birthday (29 February → 28 February in common years).
                let reached = |n: i32| {
                    let y = birth.year() + n;
                    NaiveDate::from_ymd_opt(y, birth.month(), birth.day())
                        .unwrap_or_else(|| d(y, 2, 28))
                        .succ_opt()
                        .unwrap()
                };
                let age = i64::from(
                    (0..200)
                        .take_while(|&n| reached(n) <= on)
                        .last()
                        .unwrap_or(-1),
                );
                assert_eq!(age_range(&partial, on), (age, age), "{birth} on {on}");
            }
            birth = birth.succ_opt().unwrap();
        }
    }
}
