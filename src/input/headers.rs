//! Header matching: which file header means which dataset column (names,
//! alternative headers, units such as `万元`).

use super::source::Source;
use crate::num::Rational;
use crate::pack::{Column, Dataset};
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
const HEADER_SEARCH_ROWS: usize = 20;

/// A file's header row mapped to the dataset's columns: the headers as
/// written, dataset column → field index, and the factor of each header's unit.
pub(super) type HeaderRow = (Vec<String>, Vec<Option<usize>>, Vec<Option<Rational>>);

/// Finds the header row below any title rows: the first row holding the
/// dataset's key column. A missing key column is an error.
pub(super) fn find_header_row(
    source: &mut Source,
    dataset: &Dataset,
    file: &str,
) -> Result<HeaderRow> {
    let mut first_row: Option<Vec<String>> = None;
    let mut looked = 0;
    let (headers, fields, scale) = loop {
        if !source.advance(file)? {
            match first_row {
                None => bail!(
                    "{file}: the file is empty: it needs a header row and at least one data row"
                ),
                Some(_) => break (Vec::new(), Vec::new(), Vec::new()),
            }
        }
        if source.is_blank() {
            continue;
        }
        let texts = source.texts();
        let (fields, scale, errors) = map_headers(dataset, &texts);
        if fields[dataset.key].is_some() {
            if let Some(e) = errors.into_iter().next() {
                bail!("{file}: {e}");
            }
            source.mark_header();
            break (texts, fields, scale);
        }
        first_row.get_or_insert(texts);
        looked += 1;
        if looked >= HEADER_SEARCH_ROWS {
            break (Vec::new(), Vec::new(), Vec::new());
        }
    };
    if fields.is_empty() {
        let key = &dataset.columns[dataset.key];
        bail!(
            "{file}: no `{}` column ({}), which every {} file needs; headers found: {}",
            key.name,
            key.headers.join(" / "),
            dataset.name,
            super::masked_row(&first_row.unwrap_or_default())
        );
    }
    Ok((headers, fields, scale))
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
                    errors.push(format!(
                        "column `{}`: unit `{unit}` is not one the rule pack knows for `{}` ({}): \
                         convert the values and use one of those units in the header",
                        h.trim(),
                        column.name,
                        known.join(", ")
                    ));
                }
                HeaderMatch::Yes(f) => {
                    if let Some(prev) = fields[c] {
                        errors.push(format!(
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
            ["columns `财政科普经费（元）` and `财政科普经费 (万元)` both mean `popsci_funding`: keep one"]
        );
    }
}
