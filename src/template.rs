//! `reformcheck template`: an empty input file with a dataset's headers and
//! one example row, so offices fill the right columns from the start. CSV is
//! UTF-8 with a BOM (Excel then opens it correctly); the .xlsx formats ID
//! number and date columns as text, so Excel keeps every digit of an ID
//! number and the 0 of `1975.10`.

use crate::cli::TemplateArgs;
use crate::pack::schema::ColumnType;
use crate::pack::{Column, Pack};
use crate::Lang;
use anyhow::{anyhow, bail, Context, Result};
use std::path::PathBuf;

pub fn run(args: TemplateArgs, out: &mut dyn std::io::Write) -> Result<u8> {
    let pack = Pack::load(args.rules.as_deref())?;
    let d = pack.dataset(&args.dataset).ok_or_else(|| {
        let names: Vec<&str> = pack.datasets.iter().map(|d| d.name.as_str()).collect();
        anyhow!(
            "unknown dataset `{}` (datasets: {})",
            args.dataset,
            names.join(", ")
        )
    })?;
    let dataset = &pack.datasets[d];
    let headers: Vec<String> = dataset
        .columns
        .iter()
        .map(|c| header(c, args.lang))
        .collect();
    let examples: Vec<String> = dataset.columns.iter().map(example).collect();
    let zh = args.lang == Lang::Zh;
    if args.xlsx {
        let path = match &args.output {
            Some(p) => p.clone(),
            None => {
                let p = PathBuf::from(format!("{}.xlsx", dataset.name));
                if p.exists() {
                    bail!(
                        "{} already exists: give --output FILE to write elsewhere",
                        p.display()
                    );
                }
                p
            }
        };
        write_xlsx(&path, &dataset.name, &dataset.columns, &headers, &examples)?;
        let done = if zh {
            format!("已写入 {}\n", path.display())
        } else {
            format!("wrote {}\n", path.display())
        };
        crate::emit(out, &done)?;
        return Ok(0);
    }
    let mut csv = csv::WriterBuilder::new().from_writer(b"\xEF\xBB\xBF".to_vec());
    csv.write_record(&headers)?;
    csv.write_record(&examples)?;
    let bytes = csv
        .into_inner()
        .map_err(|e| anyhow!("cannot write CSV: {}", e.error()))?;
    match &args.output {
        Some(p) => {
            std::fs::write(p, bytes).with_context(|| format!("cannot write {}", p.display()))?;
            let done = if zh {
                format!("已写入 {}\n", p.display())
            } else {
                format!("wrote {}\n", p.display())
            };
            crate::emit(out, &done)?;
        }
        None => match out.write_all(&bytes).and_then(|()| out.flush()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other?,
        },
    }
    Ok(0)
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

fn write_xlsx(
    path: &std::path::Path,
    sheet: &str,
    columns: &[Column],
    headers: &[String],
    examples: &[String],
) -> Result<()> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet)?;
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    for (i, ((c, h), e)) in columns.iter().zip(headers).zip(examples).enumerate() {
        let col = u16::try_from(i).context("too many columns for a worksheet")?;
        let as_text = matches!(c.kind, ColumnType::IdNumber | ColumnType::Date);
        if as_text {
            ws.set_column_format(col, &text)?;
        }
        ws.set_column_width(col, (h.chars().count() as f64 * 2.2).max(12.0))?;
        ws.write_string_with_format(0, col, h, &bold)?;
        let number = match c.kind {
            ColumnType::Int | ColumnType::Number => e.parse::<f64>().ok(),
            _ => None,
        };
        match (number, as_text) {
            (Some(n), _) => ws.write_number(1, col, n)?,
            (None, true) => ws.write_string_with_format(1, col, e, &text)?,
            (None, false) => ws.write_string(1, col, e)?,
        };
    }
    book.save(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
