//! Reading one cell as the value its column's type asks for.

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
#[derive(Clone, Debug, PartialEq, Eq)]
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
            (Problem::Underivable { from, value }, Zh) if value.is_empty() => {
                format!("单元格为空，且“{from}”也为空，无法判断：请填写")
            }
            (Problem::Underivable { from, value }, Zh) => {
                format!("单元格为空，且“{from}”为“{value}”，不在方案所列类型中，无法判断：请填写")
            }
            (Problem::Underivable { from, value }, En) if value.is_empty() => {
                format!("empty, and `{from}` is empty too, so it cannot be derived: fill it in")
            }
            (Problem::Underivable { from, value }, En) => format!(
                "empty, and `{from}` is `{value}`, which is not one of the plan's types: fill it in"
            ),
        }
    }
}

/// Reads a non-empty, trimmed cell as `kind`.
pub fn parse(kind: ColumnType, raw: &str) -> Result<Value, Problem> {
    parse_trimmed(kind, num::trim(raw))
}

fn parse_trimmed(kind: ColumnType, s: &str) -> Result<Value, Problem> {
    if s.is_empty() {
        return Err(Problem::Empty);
    }
    match kind {
        ColumnType::Text => Ok(Value::Text(s.to_string())),
        ColumnType::Bool => bool_word(s).map(Value::Bool).ok_or(Problem::NotBool),
        ColumnType::Date => date::parse_trimmed_date(s)
            .map(Value::Date)
            .ok_or(Problem::NotDate),
        ColumnType::Int | ColumnType::Number => {
            let v = num::parse_decimal(&num::halfwidth_cow(s)).ok_or(Problem::NotNumber)?;
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

/// Reads a trimmed cell (as [`crate::input::DatasetReader`] gives it) into
/// `slot` (`None` on error), reusing the text a previous row left there, so
/// that reading a row allocates nothing.
pub fn parse_into(kind: ColumnType, cell: &str, slot: &mut Option<Value>) -> Result<(), Problem> {
    let result = match (kind, &mut *slot) {
        (ColumnType::Text, Some(Value::Text(t))) if !cell.is_empty() => {
            t.clear();
            t.push_str(cell);
            return Ok(());
        }
        _ => parse_trimmed(kind, cell),
    };
    match result {
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

/// 是/否, Y/N, yes/no, true/false, 1/0, √/×, ✓/✗, 有/无.
pub fn parse_bool(s: &str) -> Option<bool> {
    bool_word(num::trim(s))
}

fn bool_word(s: &str) -> Option<bool> {
    // The usual spellings, which need no mapping.
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

    #[test]
    fn parse_into_reuses_text_and_clears_on_error() {
        let mut slot = None;
        assert_eq!(parse_into(ColumnType::Text, "企业", &mut slot), Ok(()));
        assert_eq!(slot, Some(Value::Text("企业".into())));
        let Some(Value::Text(t)) = &slot else {
            panic!("text")
        };
        let buffer = t.as_ptr();
        assert_eq!(parse_into(ColumnType::Text, "高校", &mut slot), Ok(()));
        let Some(Value::Text(t)) = &slot else {
            panic!("text")
        };
        assert_eq!((t.as_str(), t.as_ptr()), ("高校", buffer));
        assert_eq!(
            parse_into(ColumnType::Text, "", &mut slot),
            Err(Problem::Empty)
        );
        assert_eq!(slot, None);
        assert_eq!(parse_into(ColumnType::Bool, "是", &mut slot), Ok(()));
        assert_eq!(slot, Some(Value::Bool(true)));
        assert_eq!(
            parse_into(ColumnType::Bool, "待定", &mut slot),
            Err(Problem::NotBool)
        );
        assert_eq!(slot, None);
    }
}
