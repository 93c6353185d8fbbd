//! Which year of a multi-year statistics file is checked by default. The
//! latest year is, unless it looks like a mistake: a year after `--as-of`
//! (`海陵区,2052,…`, a typo) is reported row by row and never chosen, and a
//! latest year holding fewer than half the groups of the year before (one
//! district of seven: a stray or unfinished row) is reported and the year
//! before is checked instead. `--year` always checks the year it names.

use crate::input::DatasetReader;
use crate::report::Issue;
use crate::Lang;
use std::collections::{BTreeMap, HashSet};

/// The groups (key values, folded) and first line of each year.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Years {
    seen: BTreeMap<i64, (HashSet<String>, u64)>,
}

impl Years {
    /// Notes a row of year `year` whose key is `key`.
    pub(crate) fn note(&mut self, year: i64, key: Option<&str>, line: u64) {
        let (keys, _) = self
            .seen
            .entry(year)
            .or_insert_with(|| (HashSet::new(), line));
        if let Some(k) = key {
            let folded = crate::pack::normalize_header(k);
            if !keys.contains(&folded) {
                keys.insert(folded);
            }
        }
    }

    /// Adds the years of a later part of the file: a year's first line is
    /// the earlier part's, if it has the year.
    pub(crate) fn absorb(&mut self, later: Years) {
        for (year, (keys, line)) in later.seen {
            match self.seen.entry(year) {
                std::collections::btree_map::Entry::Occupied(mut e) => e.get_mut().0.extend(keys),
                std::collections::btree_map::Entry::Vacant(e) => {
                    e.insert((keys, line));
                }
            }
        }
    }

    /// The year to check when `--year` is not given, and an issue if the
    /// latest year was passed over for having too few groups.
    pub(crate) fn choose(
        &self,
        as_of_year: i64,
        reader: &DatasetReader<'_>,
        period_col: usize,
        lang: Lang,
    ) -> (Option<i64>, Option<Issue>) {
        let possible = self.seen.range(..=as_of_year);
        let mut possible = possible.rev();
        let Some((&latest, (keys, line))) =
            possible.next().or_else(|| self.seen.iter().next_back())
        else {
            return (None, None);
        };
        let Some((&before, (prev_keys, _))) = self.seen.range(..latest).next_back() else {
            return (Some(latest), None);
        };
        if keys.len() * 2 >= prev_keys.len() {
            return (Some(latest), None);
        }
        let key = reader.header(reader.dataset.key);
        let (n, m) = (keys.len(), prev_keys.len());
        let message = match lang {
            Lang::Zh => format!(
                "{latest} 年只有 {n} 个“{key}”，上一年（{before} 年）有 {m} 个，像是未填完或年份录错：\
                 本次检查的是 {before} 年；如确要检查 {latest} 年，请加 --year {latest}"
            ),
            Lang::En => format!(
                "{latest} has only {n} `{key}` against {m} in {before}: unfinished, or a mistyped year; \
                 {before} is checked instead (to check {latest}, add --year {latest})"
            ),
        };
        let issue = Issue {
            dataset: reader.dataset.name.clone().into(),
            file: reader.file.clone().into(),
            line: *line,
            column: reader.header(period_col).into(),
            value: latest.to_string().into(),
            message: message.into(),
        };
        (Some(before), Some(issue))
    }
}

/// The issue for a row whose year is after `--as-of`: a mistake, most
/// likely, so the year is not checked unless `--year` names it.
pub(crate) fn future_year(
    reader: &DatasetReader<'_>,
    period_col: usize,
    line: u64,
    year: i64,
    as_of: chrono::NaiveDate,
    lang: Lang,
) -> Issue {
    Issue {
        dataset: reader.dataset.name.clone().into(),
        file: reader.file.clone().into(),
        line,
        column: reader.header(period_col).into(),
        value: reader.raw(period_col).into(),
        message: match lang {
            Lang::Zh => format!(
                "年度 {year} 晚于基准日期 {as_of}，可能录错：默认不检查这一年；\
                 如确是该年数据，请加 --year {year} 或改 --as-of"
            ).into(),
            Lang::En => format!(
                "year {year} is after the reference date {as_of}, probably a typo: it is not checked \
                 by default; if the data are for that year, add --year {year} or change --as-of"
            ).into(),
        },
    }
}
