//! Reading one cell as the value its column's type asks for.

use super::id::{self, IdProblem};
use crate::date::{self, PartialDate};
use crate::num::{self, Rational};
use crate::pack::schema::ColumnType;
use num_traits::{One, Signed};

/// A cell read successfully.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Text(String),
    Bool(bool),
    Date(PartialDate),
    Num(Rational),
}

/// Why a cell could not be read; becomes a data issue.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Problem {
    Empty,
    NotBool,
    NotDate,
    NotNumber,
    NotWhole,
    Negative,
    NotRate,
    NotRating,
    /// The explicit cell is empty and the column it derives from has a value
    /// that is in neither list.
    Underivable {
        from: String,
        value: String,
        /// The values it may be derived from (`企业、高校、…`).
        accepted: String,
    },
    /// An explicit flag that the column it derives from contradicts
    /// (是否基层一线 是 with 单位类型 党政机关); the flag is kept.
    Contradicts {
        from: String,
        value: String,
        /// What the flag says: 是 or 否.
        flag: bool,
    },
    /// Empty, and the column it derives from is not read because its header
    /// is unknown (`header`, probably `known`).
    SourceUnread {
        header: String,
        known: String,
    },
    /// A birth date after the reference date: impossible, so unknown.
    BornAfter {
        as_of: String,
    },
    /// Not a valid ID number.
    Id(IdProblem),
    /// A number cell in an ID column: Excel keeps 15 digits, the rest are lost.
    IdNumeric,
    /// An Excel error value (`#N/A`).
    ExcelError,
    /// `1975.1`: January, or October whose trailing 0 was lost in a number cell.
    AmbiguousMonth {
        year: i32,
    },
    /// The birth date disagrees with the one in the ID number (masked).
    BirthConflict {
        id: String,
        id_birth: String,
    },
    /// Its `valid_until` date is before `--as-of`, and an empty cell means unknown.
    Expired {
        until: String,
    },
    /// Filled cells beyond the header row's last column.
    ExtraCells {
        count: usize,
        /// In a CSV file, where an unquoted comma shifts every cell after it.
        shifted: bool,
    },
    /// Larger than the column it may not exceed (`at_most`).
    AboveBound {
        column: String,
        value: String,
    },
    /// A number such as 29221 in a date column: the Excel serial of a date
    /// (`date`, ISO), written to CSV as a number.
    ExcelSerial {
        date: String,
    },
    /// Longer than a cell may be (bytes in the file); only its start was kept.
    TooLong {
        bytes: u64,
    },
    /// A number with more digits than any count or amount has.
    TooManyDigits {
        digits: usize,
    },
    /// The same values as an earlier row in the columns named.
    Duplicate {
        line: u64,
        columns: String,
    },
}

impl Problem {
    /// A plain-words message that says what to do.
    pub fn message(&self, lang: crate::Lang) -> String {
        use crate::Lang::*;
        match (self, lang) {
            (Problem::Empty, Zh) => "单元格为空，按未知处理：请填写".into(),
            (Problem::Empty, En) => "the cell is empty and counts as unknown: fill it in".into(),
            (Problem::NotBool, Zh) => "无法识别的是/否值：请填写 是 或 否".into(),
            (Problem::NotBool, En) => {
                "not a yes/no value: write 是 or 否 (Y/N, 1/0 also work)".into()
            }
            (Problem::NotDate, Zh) => "无法识别的日期：请写成 1980-05-12 或 1980.05".into(),
            (Problem::NotDate, En) => "not a date: write it like 1980-05-12 or 1980.05".into(),
            (Problem::NotNumber, Zh) => "无法识别的数字：请只填写数字".into(),
            (Problem::NotNumber, En) => "not a number: write digits only".into(),
            (Problem::NotWhole, Zh) => "应为整数：请填写整数".into(),
            (Problem::NotWhole, En) => "not a whole number: counts must be whole numbers".into(),
            (Problem::Negative, Zh) => "数值为负：数量和金额不能为负数".into(),
            (Problem::Negative, En) => "negative: counts and amounts cannot be negative".into(),
            (Problem::NotRate, Zh) => "无法识别的比例：请写成 15% 或 0.15（0–100%）".into(),
            (Problem::NotRate, En) => "not a rate: write 15% or 0.15 (between 0 and 100%)".into(),
            (Problem::NotRating, Zh) => {
                "无法识别的评估等级：请写成 1A–5A（或留空表示未评级）".into()
            }
            (Problem::NotRating, En) => {
                "not a rating: write 1A to 5A (empty means not rated)".into()
            }
            (Problem::Underivable { from, value, .. }, Zh) if value.is_empty() => {
                format!("单元格为空，且“{from}”也为空，无法判断：请填写")
            }
            (Problem::Underivable { from, value, accepted }, Zh) if !accepted.is_empty() => {
                format!("单元格为空，且“{from}”为“{value}”，不在方案所列类型中，无法判断：请填写本列，或把“{from}”改为其中之一：{accepted}")
            }
            (Problem::Underivable { from, value, .. }, Zh) => {
                format!("单元格为空，且“{from}”为“{value}”，不在方案所列类型中，无法判断：请填写")
            }
            (Problem::Underivable { from, value, .. }, En) if value.is_empty() => {
                format!("empty, and `{from}` is empty too, so it cannot be derived: fill it in")
            }
            (Problem::Underivable { from, value, accepted }, En) if !accepted.is_empty() => format!(
                "empty, and `{from}` is `{value}`, which is not one of the plan's types: fill it in, or change `{from}` to one of: {accepted}"
            ),
            (Problem::Underivable { from, value, .. }, En) => format!(
                "empty, and `{from}` is `{value}`, which is not one of the plan's types: fill it in"
            ),
            (Problem::Contradicts { from, value, flag }, Zh) => format!(
                "填的是“{}”，但“{from}”为“{value}”，按方案应为“{}”：已按填写的“{}”计算，请核对",
                if *flag { "是" } else { "否" },
                if *flag { "否" } else { "是" },
                if *flag { "是" } else { "否" },
            ),
            (Problem::Contradicts { from, value, flag }, En) => format!(
                "says {}, but `{from}` is `{value}`, which the plan counts as {}: counted as written ({}); check it",
                if *flag { "yes" } else { "no" },
                if *flag { "no" } else { "yes" },
                if *flag { "yes" } else { "no" },
            ),
            (Problem::SourceUnread { header, known }, Zh) => format!(
                "单元格为空，按未知处理；“{header}”列未读取，无法据此判断：如果它就是“{known}”，请加 --map {header}={known}"
            ),
            (Problem::SourceUnread { header, known }, En) => format!(
                "empty, so unknown; column `{header}` is not read, so it cannot be derived: if it is `{known}`, add --map {header}={known}"
            ),
            (Problem::BornAfter { as_of }, Zh) => format!(
                "出生日期晚于基准日期 {as_of}，不可能，按未知处理：请核对（多为年份录错）"
            ),
            (Problem::BornAfter { as_of }, En) => format!(
                "born after the reference date {as_of}, which is impossible, so it counts as unknown: check it (usually a mistyped year)"
            ),
            (Problem::Id(p), Zh) => match p {
                IdProblem::Length => "不是有效的身份证号：应为18位（末位可为X）或15位数字".into(),
                IdProblem::Scientific => "身份证号变成了科学计数法，后几位已丢失：请把该列设为文本格式后重新录入".into(),
                IdProblem::CheckDigit => "身份证号校验位不符，可能有数字录错：请核对".into(),
                IdProblem::Date => "身份证号中的出生日期不存在：请核对".into(),
            },
            (Problem::Id(p), En) => match p {
                IdProblem::Length => "not an ID number: it has 18 characters (the last may be X) or 15 digits".into(),
                IdProblem::Scientific => "the ID number became a number in scientific notation and lost its last digits: format the column as text and type it again".into(),
                IdProblem::CheckDigit => "the ID number's check digit does not match: a digit is probably mistyped; check it".into(),
                IdProblem::Date => "the birth date inside the ID number is not a real date: check the number".into(),
            },
            (Problem::IdNumeric, Zh) => "身份证号存成了数字，Excel 只保留15位，后几位已丢失，未使用：请把该列设为文本格式后重新录入".into(),
            (Problem::IdNumeric, En) => "the ID number is stored as a number; Excel keeps only 15 digits, so the last ones are lost and it is not used: format the column as text and type it again".into(),
            (Problem::ExcelError, Zh) => "单元格是 Excel 错误值，按未知处理：请修正公式或直接填写".into(),
            (Problem::ExcelError, En) => "the cell holds an Excel error and counts as unknown: fix the formula or type the value".into(),
            (Problem::AmbiguousMonth { year }, Zh) => format!(
                "可能是{year}年1月，也可能是{year}年10月（数字格式会把 {year}.10 存成 {year}.1），按未知处理：请写成 {year}.01 或 {year}.10，并把该列设为文本格式"
            ),
            (Problem::AmbiguousMonth { year }, En) => format!(
                "January {year}, or October {year} whose trailing 0 a number cell dropped ({year}.10 is stored as {year}.1); it counts as unknown: write {year}.01 or {year}.10 and format the column as text"
            ),
            (Problem::BirthConflict { id, id_birth }, Zh) => {
                format!("与身份证号 {id} 中的出生日期 {id_birth} 不一致，按未知处理：请核对")
            }
            (Problem::BirthConflict { id, id_birth }, En) => format!(
                "disagrees with the birth date {id_birth} in ID number {id}, so it counts as unknown: check both"
            ),
            (Problem::Expired { until }, Zh) => format!("已于 {until} 到期，按未知处理：请填写现行的值"),
            (Problem::Expired { until }, En) => {
                format!("expired on {until}, so it counts as unknown: fill in the current value")
            }
            (Problem::ExtraCells { count, shifted: false }, Zh) => {
                format!("本行在表头最后一列右侧还有 {count} 个有内容的单元格，不属于任何列，未读取：请核对")
            }
            (Problem::ExtraCells { count, shifted: false }, En) => format!(
                "{count} filled cells beyond the last header column belong to no column and were not read; check them"
            ),
            (Problem::ExtraCells { count, .. }, Zh) => {
                format!("本行比表头多出 {count} 个有内容的单元格，可能有未加引号的逗号使各列错位，本行各项均按未知处理：请检查并修正该行")
            }
            (Problem::ExtraCells { count, .. }, En) => format!(
                "{count} filled cells beyond the last header column: an unquoted comma may have shifted the cells, so every cell of this row counts as unknown; check and fix the row"
            ),
            (Problem::AboveBound { column, value }, Zh) => {
                format!("大于“{column}”（{value}），数据矛盾，按未知处理：请核对")
            }
            (Problem::AboveBound { column, value }, En) => format!(
                "larger than `{column}` ({value}), which cannot be: it counts as unknown; check both"
            ),
            (Problem::ExcelSerial { date }, Zh) => format!(
                "看起来是 Excel 的日期序号（对应 {date}）：日期在 CSV 中被存成了数字，按未知处理。请在 Excel 中把该列设为日期格式后重新另存为 CSV，或直接写成 {date}"
            ),
            (Problem::ExcelSerial { date }, En) => format!(
                "looks like an Excel date serial (for {date}): the date was saved to CSV as a number, so it counts as unknown. Format the column as a date in Excel and save the CSV again, or write {date}"
            ),
            (Problem::TooLong { bytes }, Zh) => format!(
                "单元格过长（{bytes} 字节，Excel 单元格最多 32767 个字），只读取了开头，按未知处理：请检查是否误粘贴了整段文字，或把长文本移到备注文件中"
            ),
            (Problem::TooLong { bytes }, En) => format!(
                "the cell is too long ({bytes} bytes; an Excel cell holds at most 32,767 characters): only its start was read and it counts as unknown; check for pasted text and move long text elsewhere"
            ),
            (Problem::TooManyDigits { digits }, Zh) => format!(
                "数字位数过多（{digits} 位，最多 {MAX_DIGITS} 位），按未知处理：请检查是否误粘贴"
            ),
            (Problem::TooManyDigits { digits }, En) => format!(
                "too many digits ({digits}; at most {MAX_DIGITS}), so it counts as unknown: check for a pasting error"
            ),
            (Problem::Duplicate { line, columns }, Zh) => {
                format!("与第 {line} 行的{columns}相同，重复登记：请核对后删除其中一行")
            }
            (Problem::Duplicate { line, columns }, En) => {
                format!("same {columns} as line {line}: listed twice; check and delete one of the two rows")
            }
        }
    }
}

/// The most digits a number cell may have: more than any count or amount
/// (10^60 yuan), few enough that reading one costs nothing.
pub const MAX_DIGITS: usize = num::MAX_DIGITS;

/// Digits in `s`, half- or full-width.
fn digits(s: &str) -> usize {
    s.chars()
        .filter(|c| c.is_ascii_digit() || ('０'..='９').contains(c))
        .count()
}

/// Reads a non-empty, trimmed cell as `kind`.
pub fn parse(kind: ColumnType, raw: &str) -> Result<Value, Problem> {
    parse_scaled(kind, raw, None)
}

/// Reads a cell as `kind`; numbers are multiplied by `scale` (the header's
/// unit, e.g. 10,000 for 万元), exactly.
pub fn parse_scaled(
    kind: ColumnType,
    raw: &str,
    scale: Option<&Rational>,
) -> Result<Value, Problem> {
    parse_trimmed(kind, num::trim(raw), scale)
}

/// [`parse_scaled`] of a cell trimmed already.
fn parse_trimmed(kind: ColumnType, s: &str, scale: Option<&Rational>) -> Result<Value, Problem> {
    if s.is_empty() {
        return Err(Problem::Empty);
    }
    match kind {
        ColumnType::Text => Ok(Value::Text(s.to_string())),
        ColumnType::Bool => bool_word(s).map(Value::Bool).ok_or(Problem::NotBool),
        ColumnType::Date => {
            if let Some(year) = ambiguous_month(s) {
                return Err(Problem::AmbiguousMonth { year });
            }
            date::parse_date(s)
                .map(Value::Date)
                .ok_or_else(|| match date::excel_serial(s) {
                    Some(d) => Problem::ExcelSerial {
                        date: d.to_string(),
                    },
                    None => Problem::NotDate,
                })
        }
        ColumnType::IdNumber => id::parse(s)
            .map(|id| Value::Text(id.normalized))
            .map_err(Problem::Id),
        ColumnType::Int | ColumnType::Number | ColumnType::Rate if digits(s) > MAX_DIGITS => {
            Err(Problem::TooManyDigits { digits: digits(s) })
        }
        ColumnType::Int | ColumnType::Number => {
            let mut v =
                num::parse_decimal(num::halfwidth_cow(s).trim()).ok_or(Problem::NotNumber)?;
            if let Some(f) = scale {
                v *= f;
            }
            if v.is_negative() {
                Err(Problem::Negative)
            } else if kind == ColumnType::Int && !v.is_integer() {
                Err(Problem::NotWhole)
            } else {
                Ok(Value::Num(v))
            }
        }
        ColumnType::Rate => {
            let v = num::parse_number(&num::halfwidth_cow(s)).ok_or(Problem::NotRate)?;
            if v.is_negative() || v > Rational::one() {
                Err(Problem::NotRate)
            } else {
                Ok(Value::Num(v))
            }
        }
        ColumnType::Rating => parse_rating(s).map(Value::Num).ok_or(Problem::NotRating),
    }
}

/// [`parse_scaled`] into `slot` (`None` on error), reusing the text a
/// previous row left there, so that reading a row of text cells allocates
/// nothing.
pub fn parse_into(
    kind: ColumnType,
    raw: &str,
    scale: Option<&Rational>,
    slot: &mut Option<Value>,
) -> Result<(), Problem> {
    parse_trimmed_into(kind, num::trim(raw), scale, slot)
}

/// [`parse_into`] of a cell trimmed already.
pub fn parse_trimmed_into(
    kind: ColumnType,
    s: &str,
    scale: Option<&Rational>,
    slot: &mut Option<Value>,
) -> Result<(), Problem> {
    if let (ColumnType::Text, Some(Value::Text(t))) = (kind, &mut *slot) {
        if !s.is_empty() {
            t.clear();
            t.push_str(s);
            return Ok(());
        }
    }
    match parse_trimmed(kind, s, scale) {
        Ok(v) => {
            *slot = Some(v);
            Ok(())
        }
        Err(p) => {
            *slot = None;
            Err(p)
        }
    }
}

/// `1975.1` as a month: a number cell turns `1975.10` into `1975.1`, so it
/// may be January or October.
fn ambiguous_month(s: &str) -> Option<i32> {
    if !s.ends_with(['1', '１']) {
        return None;
    }
    let h = num::halfwidth_cow(s);
    let (year, month) = h.trim().split_once('.')?;
    (month == "1" && year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()))
        .then(|| year.parse().ok())
        .flatten()
}

/// 是/否, Y/N, yes/no, true/false, 1/0, √/×, ✓/✗, 有/无.
pub fn parse_bool(s: &str) -> Option<bool> {
    bool_word(num::trim(s))
}

/// [`parse_bool`] of a trimmed cell.
fn bool_word(s: &str) -> Option<bool> {
    // The usual spellings, without the mapping below.
    match s {
        "是" | "Y" | "y" | "1" | "√" | "有" => return Some(true),
        "否" | "N" | "n" | "0" | "×" | "无" => return Some(false),
        _ => {}
    }
    let s = num::halfwidth(s).to_lowercase();
    match s.as_str() {
        "是" | "y" | "yes" | "true" | "1" | "√" | "✓" | "✔" | "有" | "t" => Some(true),
        "否" | "n" | "no" | "false" | "0" | "×" | "✗" | "✘" | "x" | "无" | "f" => {
            Some(false)
        }
        _ => None,
    }
}

/// `3A`, `AAA`, `3A级`, `0` → 3, 3, 3, 0.
fn parse_rating(s: &str) -> Option<Rational> {
    let s = num::halfwidth(s).to_uppercase();
    let s = s.trim_end_matches('级');
    let n = if !s.is_empty() && s.bytes().all(|b| b == b'A') {
        s.len() as i64
    } else if let Some(d) = s.strip_suffix('A') {
        d.parse::<i64>().ok()?
    } else {
        s.parse::<i64>().ok()?
    };
    (0..=5).contains(&n).then(|| num::int(n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_bigint::BigInt;

    fn r(a: i64, b: i64) -> Value {
        Value::Num(Rational::new(BigInt::from(a), BigInt::from(b)))
    }

    #[test]
    fn booleans() {
        for s in ["是", "Y", "y", "true", "1", "√", "有", "ｙ"] {
            assert_eq!(parse(ColumnType::Bool, s), Ok(Value::Bool(true)), "{s}");
        }
        for s in ["否", "N", "false", "0", "×", "无"] {
            assert_eq!(parse(ColumnType::Bool, s), Ok(Value::Bool(false)), "{s}");
        }
        assert_eq!(parse(ColumnType::Bool, "也许"), Err(Problem::NotBool));
        assert_eq!(parse(ColumnType::Bool, "  "), Err(Problem::Empty));
    }

    #[test]
    fn numbers() {
        assert_eq!(parse(ColumnType::Int, "1,234"), Ok(r(1234, 1)));
        assert_eq!(parse(ColumnType::Int, "１２"), Ok(r(12, 1)));
        assert_eq!(parse(ColumnType::Int, "1.5"), Err(Problem::NotWhole));
        assert_eq!(parse(ColumnType::Int, "-3"), Err(Problem::Negative));
        assert_eq!(parse(ColumnType::Number, "1200000.00"), Ok(r(1200000, 1)));
        assert_eq!(parse(ColumnType::Number, "12万"), Err(Problem::NotNumber));
    }

    #[test]
    fn units_scale_exactly() {
        let wan = num::int(10_000);
        assert_eq!(
            parse_scaled(ColumnType::Number, "12.3456", Some(&wan)),
            Ok(r(123_456, 1))
        );
        assert_eq!(
            parse_scaled(ColumnType::Int, "４６３．５７", Some(&wan)),
            Ok(r(4_635_700, 1))
        );
        assert_eq!(
            parse_scaled(ColumnType::Int, "1.00001", Some(&wan)),
            Err(Problem::NotWhole)
        );
    }

    #[test]
    fn birth_months_as_typed() {
        let month = |y, m| {
            Ok(Value::Date(PartialDate {
                year: y,
                month: m,
                day: None,
            }))
        };
        assert_eq!(parse(ColumnType::Date, "1975.03"), month(1975, 3));
        assert_eq!(parse(ColumnType::Date, "1975.3"), month(1975, 3));
        assert_eq!(parse(ColumnType::Date, "197503"), month(1975, 3));
        assert_eq!(parse(ColumnType::Date, "1975.10"), month(1975, 10));
        assert_eq!(parse(ColumnType::Date, "1975.01"), month(1975, 1));
        assert_eq!(
            parse(ColumnType::Date, "1975.1"),
            Err(Problem::AmbiguousMonth { year: 1975 })
        );
        assert_eq!(
            parse(ColumnType::Date, "１９７５．１"),
            Err(Problem::AmbiguousMonth { year: 1975 })
        );
        // Written out, January is not ambiguous.
        assert_eq!(parse(ColumnType::Date, "1975年1月"), month(1975, 1));
        assert_eq!(parse(ColumnType::Date, "1975-1"), month(1975, 1));
    }

    #[test]
    fn id_numbers_read_normalized() {
        assert_eq!(
            parse(ColumnType::IdNumber, "321200800512001"),
            Ok(Value::Text("321200198005120013".into()))
        );
        assert_eq!(
            parse(ColumnType::IdNumber, "321200198005120014"),
            Err(Problem::Id(IdProblem::CheckDigit))
        );
    }

    #[test]
    fn rates() {
        assert_eq!(parse(ColumnType::Rate, "15%"), Ok(r(15, 100)));
        assert_eq!(parse(ColumnType::Rate, "15.3%"), Ok(r(153, 1000)));
        assert_eq!(parse(ColumnType::Rate, "0.153"), Ok(r(153, 1000)));
        assert_eq!(parse(ColumnType::Rate, "１５％"), Ok(r(15, 100)));
        assert_eq!(parse(ColumnType::Rate, "15"), Err(Problem::NotRate));
        assert_eq!(parse(ColumnType::Rate, "-1%"), Err(Problem::NotRate));
    }

    #[test]
    fn ratings() {
        for s in ["3A", "AAA", "3A级", "3a", "3"] {
            assert_eq!(parse(ColumnType::Rating, s), Ok(r(3, 1)), "{s}");
        }
        assert_eq!(parse(ColumnType::Rating, "6A"), Err(Problem::NotRating));
        assert_eq!(parse(ColumnType::Rating, "优秀"), Err(Problem::NotRating));
    }
}
