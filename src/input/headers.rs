//! Header matching: which file header means which dataset column (names,
//! alternative headers, units such as `万元`).

use super::source::Source;
use crate::num::Rational;
use crate::pack::{ColId, Column, Dataset};
use anyhow::{bail, Result};

pub use crate::pack::normalize_header;

/// Splits a normalized header `name(unit)` into its name and unit.
fn split_unit(h: &str) -> Option<(&str, &str)> {
    let inner = h.strip_suffix(')')?;
    let open = inner.rfind('(')?;
    Some((&inner[..open], &inner[open + 1..]))
        .filter(|(base, unit)| !base.is_empty() && !unit.is_empty())
}

/// How a file header matches a column: not at all, with a scale factor from
/// its unit (`None` = 1), or by name but with a unit the pack does not know.
enum HeaderMatch {
    No,
    Yes(Option<Rational>),
    UnknownUnit(String),
}

fn match_header(col: &Column, norm: &str) -> HeaderMatch {
    let factor = |unit: &str| {
        col.units
            .iter()
            .find(|(u, _)| u == unit)
            .map(|(_, f)| f.clone())
    };
    let scale = |f: Rational| (f != crate::num::int(1)).then_some(f);
    let names = || {
        std::iter::once(&col.name)
            .chain(&col.headers)
            .map(|h| normalize_header(h))
    };
    if names().any(|n| n == norm) {
        let f = split_unit(norm).and_then(|(_, u)| factor(u));
        return HeaderMatch::Yes(f.and_then(scale));
    }
    let Some((base, unit)) = split_unit(norm) else {
        return HeaderMatch::No;
    };
    if col.units.is_empty() {
        return HeaderMatch::No;
    }
    // The pack's own headers may carry a unit too (`财政科普经费（元）`).
    let base_matches = names().any(|n| {
        n == base || split_unit(&n).is_some_and(|(b, u)| b == base && factor(u).is_some())
    });
    match (base_matches, factor(unit)) {
        (false, _) => HeaderMatch::No,
        (true, Some(f)) => HeaderMatch::Yes(scale(f)),
        (true, None) => HeaderMatch::UnknownUnit(unit.to_string()),
    }
}

/// How many non-empty rows may stand above the header row (titles, notes).
pub(super) const HEADER_SEARCH_ROWS: usize = 20;

/// How well a file's first rows fit a dataset: the most columns a row
/// holding the key column names (0: no such row).
pub(super) fn fit(dataset: &Dataset, rows: &[Vec<String>]) -> usize {
    rows.iter()
        .map(|r| map_headers(dataset, r).0)
        .filter(|fields| fields[dataset.key].is_some())
        .map(|fields| fields.iter().filter(|f| f.is_some()).count())
        .max()
        .unwrap_or(0)
}

/// A file's header row mapped to the dataset's columns.
pub(super) struct HeaderRow {
    /// The headers as written (a two-row header's sub-row fills in the
    /// cells it names).
    pub texts: Vec<String>,
    /// Dataset column → field index.
    pub fields: Vec<Option<usize>>,
    /// Dataset column → factor of the header's unit.
    pub scale: Vec<Option<Rational>>,
    /// The line each header cell was read from.
    pub lines: Vec<u64>,
    /// The source already stands on the first data row (read to see
    /// whether a better header row follows).
    pub pending: bool,
}

/// A row that may be the header row, with problems that matter only if it is.
struct Candidate {
    row: HeaderRow,
    errors: Vec<String>,
    /// How many dataset columns it names.
    score: usize,
}

impl Candidate {
    fn new(dataset: &Dataset, texts: Vec<String>, lines: Vec<u64>) -> Candidate {
        let (fields, scale, errors) = map_headers(dataset, &texts);
        Candidate {
            score: fields.iter().filter(|f| f.is_some()).count(),
            row: HeaderRow {
                texts,
                fields,
                scale,
                lines,
                pending: false,
            },
            errors,
        }
    }

    /// Takes `sub` as the second row of a two-row header: a cell that names
    /// a column replaces the one above it (usually a merged group title).
    fn merge(&mut self, dataset: &Dataset, sub: &Candidate, line: u64) {
        let width = self.row.texts.len().max(sub.row.texts.len());
        let mut texts = self.row.texts.clone();
        let mut lines = self.row.lines.clone();
        texts.resize(width, String::new());
        lines.resize(width, self.row.lines.first().copied().unwrap_or(line));
        for i in sub.row.fields.iter().flatten() {
            texts[*i] = sub.row.texts[*i].clone();
            lines[*i] = line;
        }
        for (i, t) in sub.row.texts.iter().enumerate() {
            if texts[i].trim().is_empty() && !t.trim().is_empty() {
                texts[i] = t.clone();
                lines[i] = line;
            }
        }
        *self = Candidate::new(dataset, texts, lines);
    }
}

/// Finds the header row below any title rows: of the rows holding the
/// dataset's key column, the one naming the most columns — a contact line
/// above the table (`单位,泰州市科协,姓名,王五,…`) names the key too, but
/// fewer columns than the real header. A following row that names columns
/// but not the key is the sub-row of a two-row header, not a record.
/// A missing key column is an error.
pub(super) fn find_header_row(
    source: &mut Source,
    dataset: &Dataset,
    file: &str,
) -> Result<HeaderRow> {
    let mut first_row: Option<Vec<String>> = None;
    let mut best: Option<Candidate> = None;
    let mut looked = 0;
    while looked < HEADER_SEARCH_ROWS {
        if !source.advance(file)? {
            break;
        }
        if source.is_blank() {
            continue;
        }
        looked += 1;
        let texts = source.texts();
        let line = source.line();
        let here = Candidate::new(dataset, texts, vec![line; source.width()]);
        let has_key = here.row.fields[dataset.key].is_some();
        match &mut best {
            None if has_key => {}
            None => {
                first_row.get_or_insert(here.row.texts);
                continue;
            }
            Some(b) if has_key && here.score >= b.score => {}
            Some(b) if !has_key && is_sub_row(dataset, &b.row, &here.row) => {
                b.merge(dataset, &here, line);
                source.mark_header();
                continue;
            }
            Some(b) => {
                // The first data row: read already, so it is pending.
                b.row.pending = true;
                break;
            }
        }
        // Merged regions below this row are filled down from now on.
        source.mark_header();
        best = Some(here);
    }
    let Some(best) = best else {
        let key = &dataset.columns[dataset.key];
        if first_row.is_none() {
            bail!(crate::tr!(
                "{}：文件是空的：需要一行表头和至少一行数据",
                "{}: the file is empty: it needs a header row and at least one data row",
                file
            ));
        }
        bail!(crate::tr!(
            "{}：没有“{}”列（{}），{} 文件必须有这一列；找到的表头：{}",
            "{}: no `{}` column ({}), which every {} file needs; headers found: {}",
            file,
            key.name,
            key.headers.join(" / "),
            dataset.name,
            super::masked_row(&first_row.unwrap_or_default())
        ));
    };
    if let Some(e) = best.errors.into_iter().next() {
        bail!(crate::tr!("{file}：{e}", "{file}: {e}"));
    }
    Ok(best.row)
}

/// Is `row` the second row of a two-row header? It leaves the key's cell
/// empty (merged down from the header; every record fills it) and names a
/// column the header does not, or one where the header's cell is empty. A
/// data row whose 职务 cell says `常委` fills its key cell, so it stays a record.
fn is_sub_row(dataset: &Dataset, header: &HeaderRow, row: &HeaderRow) -> bool {
    let key_cell = header.fields[dataset.key]
        .and_then(|i| row.texts.get(i))
        .map_or("", |t| t.trim());
    if !key_cell.is_empty() {
        return false;
    }
    row.fields.iter().enumerate().any(|(c, f)| {
        f.is_some_and(|i| {
            header.fields[c].is_none() || header.texts.get(i).is_none_or(|t| t.trim().is_empty())
        })
    })
}

/// A header the dataset does not know, and the known header closest to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Unknown {
    /// Its field index in the file.
    pub index: usize,
    pub header: String,
    pub line: u64,
    /// The column and the header of it that the file's header most likely
    /// means (`单位类别` → unit_type, `单位类型`).
    pub closest: Option<(ColId, String)>,
}

/// Every filled header that names no column of the dataset (but a row
/// number's).
pub(super) fn unknown_headers(dataset: &Dataset, row: &HeaderRow) -> Vec<Unknown> {
    let used: Vec<usize> = row.fields.iter().flatten().copied().collect();
    row.texts
        .iter()
        .enumerate()
        .filter(|(i, h)| !used.contains(i) && !normalize_header(h).is_empty())
        // `序号` is known: a row number, read by no rule.
        .filter(|(_, h)| !super::summary::is_row_number_header(h))
        .map(|(i, h)| Unknown {
            index: i,
            header: h.trim().trim_start_matches('\u{feff}').to_string(),
            line: row.lines.get(i).copied().unwrap_or(0),
            closest: closest(dataset, h),
        })
        .collect()
}

/// The known header nearest to `header` in edits (characters inserted,
/// removed or replaced), if near enough to be a likely variant: at most a
/// third of its characters differ, or one contains the other (`代表工作单位`
/// and `工作单位`). Ties go to the dataset's column order.
fn closest(dataset: &Dataset, header: &str) -> Option<(ColId, String)> {
    let norm: Vec<char> = normalize_header(header).chars().collect();
    // A long cell is no header variant (and edits cost its length squared).
    if norm.len() > 40 {
        return None;
    }
    let text: String = norm.iter().collect();
    let mut best: Option<(usize, ColId, String)> = None;
    for (c, column) in dataset.columns.iter().enumerate() {
        for known in column.headers.iter().chain(std::iter::once(&column.name)) {
            let k = normalize_header(known);
            let kc: Vec<char> = k.chars().collect();
            let d = edit_distance(&norm, &kc);
            let longest = norm.len().max(kc.len());
            let contains = kc.len() >= 2 && (text.contains(&k) || k.contains(&text));
            if d == 0 || !(d * 3 <= longest || contains) {
                continue;
            }
            if best.as_ref().is_none_or(|(bd, _, _)| d < *bd) {
                best = Some((d, c, known.clone()));
            }
        }
    }
    best.map(|(_, c, h)| (c, h))
}

/// Levenshtein distance between two character strings.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let replace = prev[j] + usize::from(ca != cb);
            cur[j + 1] = replace.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Maps a header row to the dataset's columns; also returns problems that
/// matter only if this is the header row (a column given twice, an unknown unit).
pub(super) fn map_headers(
    dataset: &Dataset,
    headers: &[String],
) -> (Vec<Option<usize>>, Vec<Option<Rational>>, Vec<String>) {
    let n = dataset.columns.len();
    let mut fields: Vec<Option<usize>> = vec![None; n];
    let (mut scale, mut errors) = (vec![None; n], Vec::new());
    for (i, h) in headers.iter().enumerate() {
        let norm = normalize_header(h);
        if norm.is_empty() {
            continue;
        }
        for (c, column) in dataset.columns.iter().enumerate() {
            match match_header(column, &norm) {
                HeaderMatch::No => continue,
                HeaderMatch::UnknownUnit(unit) => {
                    let known: Vec<&str> = column.units.iter().map(|(u, _)| u.as_str()).collect();
                    errors.push(crate::tr!(
                        "“{}”列：单位“{}”不是规则包为 {} 认可的单位（{}）：请换算数值，并在表头中使用其中一个单位",
                        "column `{}`: unit `{}` is not one the rule pack knows for `{}` ({}): \
                         convert the values and use one of those units in the header",
                        h.trim(),
                        unit,
                        column.name,
                        known.join(", ")
                    ));
                }
                HeaderMatch::Yes(f) => {
                    if let Some(prev) = fields[c] {
                        errors.push(crate::tr!(
                            "“{}”和“{}”两列都是 {}：请只保留一列",
                            "columns `{}` and `{}` both mean `{}`: keep one",
                            headers[prev].trim(),
                            h.trim(),
                            column.name
                        ));
                    }
                    fields[c] = Some(i);
                    scale[c] = f;
                }
            }
            break;
        }
    }
    (fields, scale, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::Pack;

    #[test]
    fn unknown_headers_suggest_the_closest_known_one_only_when_close() {
        let pack = Pack::embedded().unwrap();
        let delegates = &pack.datasets[pack.dataset("delegates").unwrap()];
        let suggest = |h: &str| closest(delegates, h).map(|(_, k)| k);
        assert_eq!(suggest("单位类别").as_deref(), Some("单位类型"));
        assert_eq!(suggest("代表工作单位").as_deref(), Some("工作单位"));
        assert_eq!(suggest("出生年月日期").as_deref(), Some("出生年月日"));
        assert_eq!(suggest("是否基层"), Some("是否基层一线".to_string()));
        for far in ["性别", "民族", "电话", "职务", "x"] {
            assert_eq!(suggest(far), None, "{far}");
        }
        assert_eq!(edit_distance(&['a', 'b'], &['a', 'c', 'b']), 1);
        assert_eq!(edit_distance(&[], &['a']), 1);
    }

    #[test]
    fn headers_with_units_match_and_scale() {
        let pack = Pack::embedded().unwrap();
        let districts = &pack.datasets[pack.dataset("districts").unwrap()];
        let headers: Vec<String> = [
            "市（区）",
            "常住人口（万人）",
            "财政科普经费（元）",
            "财政科普经费 (万元)",
        ]
        .map(String::from)
        .to_vec();
        let (fields, scale, errors) = map_headers(districts, &headers);
        let col = |n: &str| districts.columns.iter().position(|c| c.name == n).unwrap();
        assert_eq!(fields[col("district")], Some(0));
        assert_eq!(fields[col("population")], Some(1));
        assert_eq!(scale[col("population")], Some(crate::num::int(10_000)));
        // Two headers for one column: an error once this is the header row.
        assert_eq!(fields[col("popsci_funding")], Some(3));
        assert_eq!(
            errors,
            ["“财政科普经费（元）”和“财政科普经费 (万元)”两列都是 popsci_funding：请只保留一列"]
        );
    }
}
