//! What reading a row of one file takes, worked out once per file: which
//! columns derive, expire, are bounded or are birth dates (so that a row
//! runs no loop over columns that need none of it), and, per parsed column,
//! the values of the texts that repeat (`企业`, `是`, `乡镇（街道）`), so that
//! they are parsed and mapped through the column's synonyms once per file
//! rather than once per row.

use super::value::{self, Problem, Value};
use crate::num::Rational;
use crate::pack::schema::ColumnType;
use crate::pack::{ColId, Column, Derive};
use std::collections::HashMap;

/// At most this many different texts are kept per column: a unit type or a
/// yes/no column has a few. Small, because every part of a file read on
/// another thread starts with empty caches (a part is a few thousand rows):
/// filling them must cost next to nothing.
pub(super) const CACHE_TEXTS: usize = 64;

/// After the cache is full, this many texts not in it, more than were in it,
/// turn it off: the column's texts do not repeat.
const MISSES_TO_STOP: u32 = 128;

/// The steps of a row beyond parsing its cells, per file.
#[derive(Default)]
pub(super) struct Steps {
    /// Made for the current set of parsed columns.
    pub ready: bool,
    /// Parsed columns that derive from another, in column order.
    pub derived: Vec<ColId>,
    /// Parsed birth-date columns, in column order.
    pub births: Vec<ColId>,
    /// Parsed columns with an `at_most` column, in column order.
    pub bounded: Vec<ColId>,
    /// Parsed columns with a `valid_until` column, in column order.
    pub expiring: Vec<ColId>,
    /// Per dataset column: its repeated texts' values.
    pub cache: Vec<ValueCache>,
    /// Per dataset column that derives from another: where that column's
    /// repeated texts fall in its lists.
    pub lists: Vec<ListCache>,
}

impl Steps {
    /// The steps for these columns, `parsed` being the columns read.
    pub fn new(columns: &[Column], parsed: &[bool]) -> Self {
        let with = |has: fn(&Column) -> bool| -> Vec<ColId> {
            (0..columns.len())
                .filter(|c| parsed[*c] && has(&columns[*c]))
                .collect()
        };
        Steps {
            ready: true,
            derived: with(|c| c.derive.is_some()),
            births: with(|c| c.birth),
            bounded: with(|c| c.at_most.is_some()),
            expiring: with(|c| c.valid_until.is_some()),
            cache: columns
                .iter()
                .enumerate()
                .map(|(c, column)| ValueCache {
                    off: !repeats(columns, c, column),
                    ..ValueCache::default()
                })
                .collect(),
            lists: (0..columns.len()).map(|_| ListCache::default()).collect(),
        }
    }
}

/// Are a column's texts few and repeated, worth a [`ValueCache`]: yes/no
/// flags, and texts of a kind (with synonyms, or a flag derives from them).
/// Names, dates, ID numbers and amounts are mostly different on every row;
/// looking them up would only cost.
fn repeats(columns: &[Column], c: ColId, column: &Column) -> bool {
    match column.kind {
        ColumnType::Bool => true,
        ColumnType::Text => {
            !column.synonyms.is_empty()
                || columns.iter().any(|other| {
                    other.derive.as_ref().is_some_and(|d| {
                        d.from == c && !(d.when_true.is_empty() && d.when_false.is_empty())
                    })
                })
        }
        _ => false,
    }
}

/// Texts seen before in a column, with what they were found to be; at most
/// [`CACHE_TEXTS`] of them, and none any more once the column's texts turn
/// out not to repeat.
pub(super) struct Repeats<V> {
    texts: HashMap<Box<str>, V, foldhash::fast::RandomState>,
    /// Looked up while full: found, not found.
    hits: u32,
    misses: u32,
    /// The texts do not repeat: no more looking up.
    off: bool,
}

impl<V> Default for Repeats<V> {
    fn default() -> Self {
        Repeats {
            texts: HashMap::default(),
            hits: 0,
            misses: 0,
            off: false,
        }
    }
}

impl<V> Repeats<V> {
    /// What `text` was found to be, if it was seen before.
    fn find(&mut self, text: &str) -> Option<&V> {
        if self.off {
            return None;
        }
        let full = self.texts.len() >= CACHE_TEXTS;
        let found = self.texts.get(text);
        self.hits += u32::from(full && found.is_some());
        found
    }

    /// Keeps what `text`, not found, is (made by `what`), while there is room.
    fn keep(&mut self, text: &str, what: impl FnOnce() -> V) {
        if self.off {
            return;
        }
        if self.texts.len() < CACHE_TEXTS {
            self.texts.insert(text.into(), what());
            return;
        }
        self.misses += 1;
        self.off = self.misses >= MISSES_TO_STOP && self.misses > self.hits;
        if self.off {
            self.texts = HashMap::default();
        }
    }
}

/// A column's texts already read, with what they were read as (the value,
/// after the column's synonyms, or the problem). Reading a cell depends on
/// nothing but its trimmed text and its column, so a text seen before gives
/// the same value and the same issue.
pub(super) type ValueCache = Repeats<Result<Value, Problem>>;

impl ValueCache {
    /// Reads the trimmed cell `text` of `column` into `slot` (`None` on a
    /// problem), as [`value::parse_into`] followed by the column's synonyms
    /// does.
    pub fn read(
        &mut self,
        column: &Column,
        text: &str,
        scale: Option<&Rational>,
        slot: &mut Option<Value>,
    ) -> Result<(), Problem> {
        if text.is_empty() {
            return read_fresh(column, text, scale, slot);
        }
        if let Some(known) = self.find(text) {
            return match known {
                Ok(v) => {
                    match (&mut *slot, v) {
                        (Some(Value::Text(t)), Value::Text(v)) => {
                            t.clear();
                            t.push_str(v);
                        }
                        _ => *slot = Some(v.clone()),
                    }
                    Ok(())
                }
                Err(p) => {
                    *slot = None;
                    Err(p.clone())
                }
            };
        }
        let result = read_fresh(column, text, scale, slot);
        self.keep(text, || match &result {
            Ok(()) => slot.clone().ok_or(Problem::Empty),
            Err(p) => Err(p.clone()),
        });
        result
    }
}

/// Per derived column: the source column's texts already looked up in its
/// lists, with whether each is in `when_true` and in `when_false`.
pub(super) type ListCache = Repeats<(bool, bool)>;

impl ListCache {
    /// Is `text` (a value of the column `d` derives from, folded to
    /// half-width as the lists are) in `when_true`, in `when_false`?
    pub fn sides(&mut self, d: &Derive, text: &str) -> (bool, bool) {
        if let Some(known) = self.find(text) {
            return *known;
        }
        let from = crate::num::halfwidth_cow(text);
        let is = |list: &[String]| list.iter().any(|v| *v == *from);
        let sides = (is(&d.when_true), is(&d.when_false));
        self.keep(text, || sides);
        sides
    }
}

/// Reads a trimmed cell without the cache.
pub(super) fn read_fresh(
    column: &Column,
    text: &str,
    scale: Option<&Rational>,
    slot: &mut Option<Value>,
) -> Result<(), Problem> {
    let result = value::parse_trimmed_into(column.kind, text, scale, slot);
    if let Some(Value::Text(t)) = slot {
        if let Some(v) = column.synonym(t) {
            *t = v.to_string();
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::{Dataset, Pack};

    fn column<'a>(d: &'a Dataset, name: &str) -> &'a Column {
        d.columns.iter().find(|c| c.name == name).unwrap()
    }

    fn delegates(pack: &Pack) -> &Dataset {
        &pack.datasets[pack.dataset("delegates").unwrap()]
    }

    /// Reads `texts` in order through one cache and without it, each into
    /// the slot the previous row left (as rows are read), checks that every
    /// value and every problem is the same, and returns the cache.
    fn same_as_fresh(column: &Column, scale: Option<&Rational>, texts: &[String]) -> ValueCache {
        same_as_fresh_with(column, scale, texts, true)
    }

    /// [`same_as_fresh`]; `twice`: each text is also read into a slot holding
    /// another kind of value (a derived one).
    fn same_as_fresh_with(
        column: &Column,
        scale: Option<&Rational>,
        texts: &[String],
        twice: bool,
    ) -> ValueCache {
        let mut cache = ValueCache::default();
        let (mut cached_slot, mut fresh_slot) = (None, None);
        for text in texts {
            let cached = cache.read(column, text, scale, &mut cached_slot);
            let fresh = read_fresh(column, text, scale, &mut fresh_slot);
            assert_eq!(cached, fresh, "{text}");
            assert_eq!(cached_slot, fresh_slot, "{text}");
            if !twice {
                continue;
            }
            let mut other = Some(Value::Bool(true));
            assert_eq!(cache.read(column, text, scale, &mut other), fresh, "{text}");
            assert_eq!(other, fresh_slot, "{text}");
        }
        cache
    }

    fn strings(texts: &[&str]) -> Vec<String> {
        texts.iter().map(|t| t.to_string()).collect()
    }

    #[test]
    fn unit_types_and_their_synonyms_read_as_without_the_cache() {
        let pack = Pack::embedded().unwrap();
        let unit_type = column(delegates(&pack), "unit_type");
        let texts = strings(&[
            "企业",
            "民营企业",
            "乡镇（街道）",
            "乡镇(街道)",
            "企业",
            "大学",
            "医院",
            "民营企业",
            "乡镇（街道）",
            "大学",
            "",
            "医院",
            "企业",
        ]);
        let cache = same_as_fresh(unit_type, None, &texts);
        // Each text once, the empty one never.
        assert_eq!(cache.texts.len(), 6);
        assert_eq!(
            cache.texts.get("民营企业"),
            Some(&Ok(Value::Text("企业".into())))
        );
        assert_eq!(
            cache.texts.get("大学"),
            Some(&Ok(Value::Text("高校".into())))
        );
        assert!(!cache.off);
    }

    #[test]
    fn flags_and_dates_give_the_same_problems_as_without_the_cache() {
        let pack = Pack::embedded().unwrap();
        let d = delegates(&pack);
        let flags = strings(&[
            "是", "否", "待定", "Y", "√", "待定", "YES", "是", "", "待定",
        ]);
        let cache = same_as_fresh(column(d, "frontline"), None, &flags);
        assert_eq!(cache.texts.get("待定"), Some(&Err(Problem::NotBool)));
        assert_eq!(cache.texts.get("YES"), Some(&Ok(Value::Bool(true))));
        let dates = strings(&[
            "1980-05-12",
            "1975.1",
            "29221",
            "1980年5月",
            "1975.1",
            "29221",
            "1980-05-12",
            "1980-02-30",
            "1980-02-30",
        ]);
        let cache = same_as_fresh(column(d, "birth_date"), None, &dates);
        assert_eq!(
            cache.texts.get("1975.1"),
            Some(&Err(Problem::AmbiguousMonth { year: 1975 }))
        );
        assert_eq!(cache.texts.get("1980-02-30"), Some(&Err(Problem::NotDate)));
    }

    #[test]
    fn scaled_numbers_read_as_without_the_cache() {
        let pack = Pack::embedded().unwrap();
        let districts = &pack.datasets[pack.dataset("districts").unwrap()];
        let funding = column(districts, "popsci_funding");
        let wan = Rational::from_integer(10_000.into());
        let texts = strings(&["1.5", "-3", "1.5", "abc", "１２", "-3", "abc"]);
        let cache = same_as_fresh(funding, Some(&wan), &texts);
        assert_eq!(
            cache.texts.get("1.5"),
            Some(&Ok(Value::Num(Rational::from_integer(15_000.into()))))
        );
        assert_eq!(cache.texts.get("-3"), Some(&Err(Problem::Negative)));
    }

    #[test]
    fn a_column_whose_texts_do_not_repeat_fills_the_cache_then_stops_using_it() {
        let pack = Pack::embedded().unwrap();
        let name = column(delegates(&pack), "name");
        let n = CACHE_TEXTS + MISSES_TO_STOP as usize;
        let texts: Vec<String> = (0..n + 10).map(|i| format!("张{i}")).collect();
        // Up to the cap and one short of turning off: full, still looked up.
        let cache = same_as_fresh_with(name, None, &texts[..n - 1], false);
        assert_eq!(cache.texts.len(), CACHE_TEXTS);
        assert!(!cache.texts.contains_key(texts[CACHE_TEXTS].as_str()));
        assert!(!cache.off);
        // One more miss: off, and the texts are let go; reading goes on the same.
        let cache = same_as_fresh_with(name, None, &texts, false);
        assert!(cache.off);
        assert!(cache.texts.is_empty());
    }

    #[test]
    fn a_full_cache_whose_texts_repeat_stays_on() {
        let pack = Pack::embedded().unwrap();
        let unit_type = column(delegates(&pack), "unit_type");
        // The cap reached with rare texts, then common ones found more
        // often than new ones are missed.
        let mut texts: Vec<String> = (0..CACHE_TEXTS).map(|i| format!("单位{i}")).collect();
        for i in 0..3 * MISSES_TO_STOP as usize {
            texts.push(match i % 3 {
                0 => format!("新单位{i}"),
                1 => "单位0".to_string(),
                _ => "单位1".to_string(),
            });
        }
        let cache = same_as_fresh_with(unit_type, None, &texts, false);
        assert_eq!(cache.texts.len(), CACHE_TEXTS);
        assert!(!cache.off);
        assert_eq!(cache.misses, MISSES_TO_STOP);
        assert_eq!(cache.hits, 2 * MISSES_TO_STOP);
    }

    #[test]
    fn list_sides_are_the_same_from_the_cache() {
        let pack = Pack::embedded().unwrap();
        let frontline = column(delegates(&pack), "frontline");
        let d = frontline.derive.as_ref().unwrap();
        let mut lists = ListCache::default();
        let texts = [
            ("企业", (true, false)),
            ("党政机关", (false, true)),
            ("医院", (false, false)),
            // Full-width brackets fold to the list's half-width ones.
            ("乡镇（街道）", (true, false)),
            ("乡镇(街道)", (true, false)),
            ("ＡＢ", (false, false)),
        ];
        for _ in 0..3 {
            for (text, sides) in texts {
                assert_eq!(lists.sides(d, text), sides, "{text}");
            }
        }
        assert_eq!(lists.texts.len(), texts.len());
        assert_eq!(lists.texts.get("党政机关"), Some(&(false, true)));
    }

    #[test]
    fn only_columns_of_few_repeated_texts_are_cached() {
        let pack = Pack::embedded().unwrap();
        let d = delegates(&pack);
        let steps = Steps::new(&d.columns, &vec![true; d.columns.len()]);
        let cached: Vec<&str> = (0..d.columns.len())
            .filter(|c| !steps.cache[*c].off)
            .map(|c| d.columns[c].name.as_str())
            .collect();
        // unit_type has synonyms and frontline derives from it; frontline is
        // a flag. Not the name, the birth date or the ID number.
        assert_eq!(cached, ["unit_type", "frontline"]);
        let societies = &pack.datasets[pack.dataset("society_council").unwrap()];
        let steps = Steps::new(&societies.columns, &vec![true; societies.columns.len()]);
        let cached: Vec<&str> = (0..societies.columns.len())
            .filter(|c| !steps.cache[*c].off)
            .map(|c| societies.columns[c].name.as_str())
            .collect();
        assert_eq!(cached, ["frontline", "standing"]);
    }
}
