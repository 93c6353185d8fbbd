//! `reformcheck template`: an empty input file with a dataset's headers and
//! one example row, so offices fill the right columns from the start. CSV is
//! UTF-8 with a BOM (Excel then opens it correctly); the .xlsx formats ID
//! number and date columns as text, so Excel keeps every digit of an ID
//! number and the 0 of `1975.10`.

use crate::cli::TemplateArgs;
use crate::pack::schema::ColumnType;
use crate::pack::{Column, Dataset, Pack};
use crate::{tr, Lang};
use anyhow::{anyhow, bail, Result};
use std::path::{Path, PathBuf};

pub fn run(args: TemplateArgs, out: &mut dyn std::io::Write) -> Result<u8> {
    let pack = Pack::load(args.rules.as_deref())?;
    let d = pack.dataset(&args.dataset).ok_or_else(|| {
        let names: Vec<&str> = pack.datasets.iter().map(|d| d.name.as_str()).collect();
        anyhow!(tr!(
            "没有名为“{}”的数据集（可用：{}）",
            "unknown dataset `{}` (datasets: {})",
            args.dataset,
            names.join(", ")
        ))
    })?;
    let dataset = &pack.datasets[d];
    let xlsx = workbook_wanted(args.xlsx, args.output.as_deref())?;
    let bytes = if xlsx {
        xlsx_bytes(dataset, args.lang)?
    } else {
        csv_bytes(dataset, args.lang)?
    };
    let path = match (&args.output, xlsx) {
        (Some(p), _) => p.clone(),
        (None, true) => PathBuf::from(format!("{}.xlsx", dataset.name)),
        (None, false) => {
            return match out.write_all(&bytes).and_then(|()| out.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(0),
                other => other.map(|()| 0).map_err(Into::into),
            };
        }
    };
    may_replace(&path, dataset, args.force)?;
    crate::output::write(&path, &bytes)?;
    crate::emit(out, &tr!("已写入 {}\n", "wrote {}\n", path.display()))?;
    Ok(0)
}

/// A workbook for `--xlsx` or an `.xlsx` name, CSV for a `.csv` name or
/// none; a contradiction (`--xlsx -o x.csv`) or a format that cannot be
/// written (`.xls`) is an error rather than a file Excel cannot open.
fn workbook_wanted(flag: bool, output: Option<&Path>) -> Result<bool> {
    let ext = output
        .and_then(Path::extension)
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let shown = output.map(|p| p.display().to_string()).unwrap_or_default();
    match (ext.as_deref(), flag) {
        (Some("xlsx"), _) => Ok(true),
        (Some("csv"), true) => bail!(tr!(
            "--output {shown} 是 CSV 文件名，却给了 --xlsx：请把扩展名改为 .xlsx，或去掉 --xlsx",
            "--output {shown} names a CSV file but --xlsx was given: use the extension .xlsx, \
             or drop --xlsx"
        )),
        (Some("xls" | "xlsm" | "xlsb" | "ods"), _) => bail!(tr!(
            "--output {shown}：只能写 .xlsx 或 .csv 模板，请改用这两种扩展名之一",
            "--output {shown}: templates are written as .xlsx or .csv only; use one of those \
             extensions"
        )),
        (_, flag) => Ok(flag),
    }
}

/// Refuses to replace anything but an untouched template (the headers and
/// the example row, nothing more), unless `--force`; never writes through a
/// symbolic link (it would clobber the file it points to) or over a folder.
fn may_replace(path: &Path, dataset: &Dataset, force: bool) -> Result<()> {
    let shown = path.display();
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Ok(());
    };
    if meta.file_type().is_symlink() && !force {
        bail!(tr!(
            "{shown} 是一个符号链接：不写入它指向的文件。请换一个文件名（--force 替换链接本身）",
            "{shown} is a symbolic link: the file it points to is not written. Choose another \
             name (--force replaces the link itself)"
        ));
    }
    if meta.is_dir() {
        bail!(tr!(
            "{shown} 是一个文件夹：请给出文件名，如 {shown}/{}.xlsx",
            "{shown} is a directory: give a file name, e.g. {shown}/{}.xlsx",
            dataset.name
        ));
    }
    if force || meta.file_type().is_symlink() || untouched(path, dataset) {
        return Ok(());
    }
    bail!(tr!(
        "{shown} 已存在且已填写内容，不覆盖：请换一个文件名，或加 --force 覆盖",
        "{shown} already exists and has been filled in; it is not overwritten: choose another \
         name, or add --force to replace it"
    ))
}

/// Is the file empty, or exactly a template of this dataset (either
/// language): a header row and the example row?
fn untouched(path: &Path, dataset: &Dataset) -> bool {
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    if bytes.is_empty() {
        return true;
    }
    let rows: Vec<Vec<String>> = if bytes.starts_with(b"PK") {
        workbook_rows(&bytes).unwrap_or_default()
    } else {
        let text = String::from_utf8_lossy(&bytes);
        let text = text.trim_start_matches('\u{feff}');
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.map(|r| r.iter().map(str::to_string).collect()))
            .collect::<Result<_, _>>()
            .unwrap_or_default()
    };
    let examples: Vec<String> = dataset.columns.iter().map(example).collect();
    [Lang::Zh, Lang::En].into_iter().any(|lang| {
        let headers: Vec<String> = dataset.columns.iter().map(|c| header(c, lang)).collect();
        rows.len() == 2 && same_cells(&rows[0], &headers) && same_cells(&rows[1], &examples)
    })
}

/// The first sheet's cells as text (numbers as Excel shows them).
fn workbook_rows(bytes: &[u8]) -> Option<Vec<Vec<String>>> {
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).ok()?;
    let range = book.worksheet_range_at(0)?.ok()?;
    Some(
        range
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect(),
    )
}

/// Cells equal as text, or as numbers (`100` written as the number 100).
fn same_cells(got: &[String], want: &[String]) -> bool {
    let trimmed = |v: &[String]| {
        let n = v.iter().rposition(|c| !c.is_empty()).map_or(0, |i| i + 1);
        v[..n].to_vec()
    };
    let (got, want) = (trimmed(got), trimmed(want));
    got.len() == want.len()
        && got.iter().zip(&want).all(|(g, w)| {
            g == w || matches!((g.parse::<f64>(), w.parse::<f64>()), (Ok(a), Ok(b)) if a == b)
        })
}

fn csv_bytes(dataset: &Dataset, lang: Lang) -> Result<Vec<u8>> {
    let headers: Vec<String> = dataset.columns.iter().map(|c| header(c, lang)).collect();
    let examples: Vec<String> = dataset.columns.iter().map(example).collect();
    let mut csv = csv::WriterBuilder::new().from_writer(b"\xEF\xBB\xBF".to_vec());
    csv.write_record(&headers)?;
    csv.write_record(&examples)?;
    csv.into_inner()
        .map_err(|e| anyhow!(tr!("无法生成 CSV：{}", "cannot write CSV: {}", e.error())))
}

/// The header a template uses: the first Chinese header, or the canonical
/// name in English (both are accepted when reading).
fn header(c: &Column, lang: Lang) -> String {
    match (lang, c.headers.first()) {
        (Lang::Zh, Some(h)) => h.clone(),
        _ => c.name.clone(),
    }
}

/// The pack's `example`, or a value of the column's type.
fn example(c: &Column) -> String {
    if let Some(e) = &c.example {
        return e.clone();
    }
    match c.kind {
        ColumnType::Text | ColumnType::IdNumber => "",
        ColumnType::Bool => "是",
        ColumnType::Date => "1980-05-12",
        ColumnType::Int => "100",
        ColumnType::Number => "1200000.00",
        ColumnType::Rate => "15%",
        ColumnType::Rating => "3A",
    }
    .to_string()
}

/// Rows of data validation: the example row and the next thousand.
const VALIDATED_ROWS: u32 = 1000;

fn xlsx_bytes(dataset: &Dataset, lang: Lang) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{DataValidation, DataValidationErrorStyle, Format, Workbook};
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(&dataset.name)?;
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    for (i, c) in dataset.columns.iter().enumerate() {
        let (h, e) = (header(c, lang), example(c));
        let col = u16::try_from(i).map_err(|_| {
            anyhow!(tr!(
                "列数超过工作表的上限",
                "too many columns for a worksheet"
            ))
        })?;
        let as_text = matches!(c.kind, ColumnType::IdNumber | ColumnType::Date);
        if as_text {
            ws.set_column_format(col, &text)?;
        }
        ws.set_column_width(col, (h.chars().count() as f64 * 2.2).max(12.0))?;
        ws.write_string_with_format(0, col, &h, &bold)?;
        let number = match c.kind {
            ColumnType::Int | ColumnType::Number => e.parse::<f64>().ok(),
            _ => None,
        };
        match (number, as_text) {
            (Some(n), _) => ws.write_number(1, col, n)?,
            (None, true) => ws.write_string_with_format(1, col, &e, &text)?,
            (None, false) => ws.write_string(1, col, &e)?,
        };
        if let Some(choices) = choices(dataset, c) {
            // A warning, not a stop: the reader accepts more spellings
            // (Y/N, √/×, synonyms) than a list can show.
            let rule = DataValidation::new()
                .allow_list_strings(&choices)?
                .set_error_style(DataValidationErrorStyle::Warning)
                .set_error_message(match lang {
                    Lang::Zh => "请从下拉列表中选择",
                    Lang::En => "choose a value from the list",
                })?;
            ws.add_data_validation(1, col, VALIDATED_ROWS, col, &rule)?;
        }
    }
    book.save_to_buffer()
        .map_err(|e| anyhow!(tr!("无法生成工作簿：{e}", "cannot write the workbook: {e}")))
}

/// The drop-down list of a column: 是/否 for yes/no columns; for a column a
/// yes/no column is derived from (单位类型), the values the pack names.
fn choices(dataset: &Dataset, c: &Column) -> Option<Vec<String>> {
    if c.kind == ColumnType::Bool {
        return Some(vec!["是".into(), "否".into()]);
    }
    let me = dataset.columns.iter().position(|x| std::ptr::eq(x, c))?;
    let derive = dataset
        .columns
        .iter()
        .filter_map(|x| x.derive.as_ref())
        .find(|d| d.from == me && !(d.when_true.is_empty() && d.when_false.is_empty()))?;
    let mut list: Vec<String> = Vec::new();
    for v in derive.when_true.iter().chain(&derive.when_false) {
        let v = v.replace('(', "（").replace(')', "）");
        if !list.contains(&v) {
            list.push(v);
        }
    }
    Some(list)
}
