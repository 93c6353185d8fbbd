//! Binding command-line arguments to datasets: `NAME=PATH`, a bare PATH
//! named after a dataset, a directory of such files, `book.xlsx#Sheet`.

use super::source;
use crate::pack::Pack;
use anyhow::{anyhow, bail, Context, Result};
use std::path::{Path, PathBuf};

/// A file bound to a dataset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    pub dataset: usize,
    pub path: PathBuf,
    /// The workbook sheet given as `book.xlsx#Sheet`.
    pub sheet: Option<String>,
}

/// File extensions read as tables: CSV and workbooks.
const TABLE_EXTENSIONS: &[&str] = &["csv", "xlsx", "xls"];

/// Splits `book.xlsx#Sheet` into the workbook and the sheet, unless a file
/// of that exact name exists.
fn split_sheet(arg: &str) -> (PathBuf, Option<String>) {
    if !Path::new(arg).exists() {
        let lower = arg.to_ascii_lowercase();
        for ext in source::WORKBOOK_EXTENSIONS {
            if let Some(i) = lower.find(&format!(".{ext}#")) {
                let cut = i + 1 + ext.len();
                return (PathBuf::from(&arg[..cut]), Some(arg[cut + 1..].to_string()));
            }
        }
    }
    (PathBuf::from(arg), None)
}

/// Resolves `NAME=PATH`, bare `PATH` (file stem = dataset) and directories.
pub fn bind(args: &[String], pack: &Pack) -> Result<Vec<Binding>> {
    let names = || {
        pack.datasets
            .iter()
            .map(|d| d.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out: Vec<Binding> = Vec::new();
    let add = |b: Binding, out: &mut Vec<Binding>| -> Result<()> {
        if let Some(prev) = out.iter().find(|p| p.dataset == b.dataset) {
            bail!(crate::tr!(
                "数据集 {} 给了两次（{} 和 {}）：每个数据集只能给一个文件",
                "dataset `{}` is given twice ({} and {}): give one file per dataset",
                pack.datasets[b.dataset].name,
                prev.path.display(),
                b.path.display()
            ));
        }
        if b.path == Path::new("-") {
            if let Some(prev) = out.iter().find(|p| p.path == Path::new("-")) {
                bail!(crate::tr!(
                    "标准输入同时给了 {} 和 {}：它只能供一个数据集使用",
                    "standard input is given for both `{}` and `{}`: it can feed one dataset",
                    pack.datasets[prev.dataset].name,
                    pack.datasets[b.dataset].name
                ));
            }
        }
        out.push(b);
        Ok(())
    };
    for arg in args {
        if arg == "-" {
            bail!(crate::tr!(
                "只写 `-` 无法知道标准输入是哪个数据集：请写成 数据集=-，例如 delegates=-",
                "`-` alone cannot tell which dataset standard input is: write NAME=-, e.g. delegates=-"
            ));
        }
        if let Some((name, path)) = arg.split_once('=') {
            if !Path::new(arg).exists() && path.trim().is_empty() {
                bail!(crate::tr!(
                    "“{arg}”没有给出文件：请在 = 后写上文件路径，如 {name}=代表名单.csv",
                    "`{arg}` names no file: write the file's path after =, e.g. {name}=delegates.csv"
                ));
            }
            if !Path::new(arg).exists() {
                let dataset = pack.dataset(name).ok_or_else(|| {
                    anyhow!(crate::tr!(
                        "`{}` 中的数据集 {} 不存在（数据集：{}）",
                        "unknown dataset `{1}` in `{0}` (datasets: {2})",
                        arg,
                        name,
                        names()
                    ))
                })?;
                let (path, sheet) = split_sheet(path);
                add(
                    Binding {
                        dataset,
                        path,
                        sheet,
                    },
                    &mut out,
                )?;
                continue;
            }
        }
        let (path, sheet) = split_sheet(arg);
        if path.is_dir() {
            let mut found = Vec::new();
            let entries = std::fs::read_dir(&path).with_context(|| {
                crate::tr!(
                    "无法读取文件夹 {}",
                    "cannot read directory {}",
                    path.display()
                )
            })?;
            for entry in entries {
                let p = entry?.path();
                if let Some(dataset) = dataset_of(&p, pack) {
                    found.push(Binding {
                        dataset,
                        path: p,
                        sheet: None,
                    });
                }
            }
            if found.is_empty() {
                bail!(crate::tr!(
                    "{} 中没有数据集文件：请用数据集名称命名文件（{}），例如 delegates.csv",
                    "{} holds no dataset file: name files after a dataset ({}), e.g. delegates.csv",
                    path.display(),
                    names()
                ));
            }
            found.sort_by(|a, b| a.path.cmp(&b.path));
            for b in found {
                add(b, &mut out)?;
            }
        } else {
            let dataset = match dataset_of(&path, pack) {
                Some(d) => d,
                None if path.is_file() => {
                    let d = dataset_by_headers(&path, sheet.as_deref(), pack, arg)?;
                    // Said on standard error, so the clerk can check the guess.
                    eprintln!(
                        "{}",
                        crate::tr!(
                            "{} → {}（按表头判断）",
                            "{} → {} (by its headers)",
                            path.display(),
                            pack.datasets[d].name
                        )
                    );
                    d
                }
                None => bail!(crate::tr!(
                    "{}：找不到这个文件或文件夹，请检查文件名和路径",
                    "{}: no such file or directory",
                    path.display()
                )),
            };
            add(
                Binding {
                    dataset,
                    path,
                    sheet,
                },
                &mut out,
            )?;
        }
    }
    Ok(out)
}

/// The dataset a file's headers fit best: of the datasets whose key column
/// the file has (below any title rows), the one with the most columns in
/// it. Two datasets that fit equally well are an error naming both.
fn dataset_by_headers(path: &Path, sheet: Option<&str>, pack: &Pack, arg: &str) -> Result<usize> {
    let mut source = source::Source::open(path, sheet, None)?;
    let file = path.display().to_string();
    let mut rows = Vec::new();
    while rows.len() < super::headers::HEADER_SEARCH_ROWS && source.advance(&file)? {
        if !source.is_blank() {
            rows.push(source.texts());
        }
    }
    let scores: Vec<usize> = pack
        .datasets
        .iter()
        .map(|d| super::headers::fit(d, &rows))
        .collect();
    let best = scores.iter().copied().max().unwrap_or(0);
    let fitting: Vec<&str> = pack
        .datasets
        .iter()
        .zip(&scores)
        .filter(|(_, s)| **s == best)
        .map(|(d, _)| d.name.as_str())
        .collect();
    let names = pack
        .datasets
        .iter()
        .map(|d| d.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    if best == 0 {
        bail!(crate::tr!(
            "无法判断 {} 是哪类数据：文件名不是数据集名称，表头也不含任何数据集的关键列；\
             请写成 数据集=文件，例如 delegates={}（数据集：{}）",
            "cannot tell which dataset {} is: its name is not a dataset name and its headers \
             hold no dataset's key column; write NAME={} with NAME one of {}",
            path.display(),
            arg,
            names
        ));
    }
    if let [one] = fitting[..] {
        return pack
            .dataset(one)
            .ok_or_else(|| anyhow!("dataset {one} vanished"));
    }
    bail!(crate::tr!(
        "无法判断 {} 是哪类数据：它的表头同样符合 {}；请写成 数据集=文件，例如 {}={}",
        "cannot tell which dataset {} is: its headers fit {} equally well; write NAME=PATH, e.g. {}={}",
        path.display(),
        fitting.join("、"),
        fitting[0],
        arg
    ))
}

fn dataset_of(path: &Path, pack: &Pack) -> Option<usize> {
    let ext = path.extension()?.to_str()?.to_lowercase();
    if !TABLE_EXTENSIONS.contains(&ext.as_str()) {
        return None;
    }
    // `Delegates.CSV` as Windows may name it is `delegates` too.
    let stem = path.file_stem()?.to_str()?;
    pack.dataset(stem)
        .or_else(|| pack.dataset(&stem.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sheet_follows_the_workbook_after_a_hash() {
        assert_eq!(
            split_sheet("名单.xlsx#代表 名单"),
            (PathBuf::from("名单.xlsx"), Some("代表 名单".to_string()))
        );
        assert_eq!(
            split_sheet("dir/Book.XLS#Sheet#2"),
            (PathBuf::from("dir/Book.XLS"), Some("Sheet#2".to_string()))
        );
        assert_eq!(split_sheet("a#b.csv"), (PathBuf::from("a#b.csv"), None));
        assert_eq!(split_sheet("名单.xlsx"), (PathBuf::from("名单.xlsx"), None));
    }
}
