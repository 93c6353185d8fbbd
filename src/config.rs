//! Mapping without YAML: `--map HEADER=COLUMN` and `reformcheck.toml`
//! (header mappings and value synonyms), so that a clerk whose roster says
//! `单位类别` and `民营企业` need not edit the rule pack.
//!
//! ```toml
//! [headers]
//! 单位类别 = "单位类型"      # a header the pack knows, or a column name
//!
//! [values.unit_type]         # a column name, or a header the pack knows
//! 民营企业 = "企业"
//!
//! [previous]                 # the previous congress, as --previous takes it
//! delegates = "68.5%"        # a share, or the previous roster's file
//! ```
//!
//! Both only add to the pack in memory: a mapped header becomes one more
//! header of every dataset column it names, a synonym one more spelling of a
//! value.

use crate::cli::ReadArgs;
use crate::pack::{normalize_header, Pack};
use anyhow::{bail, Result};
use indexmap::IndexMap;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The file read from the current folder when `--config` is not given.
pub const DEFAULT_FILE: &str = "reformcheck.toml";

/// `reformcheck.toml` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    /// File header → column (canonical name or a header the pack knows).
    #[serde(default)]
    headers: IndexMap<Spanned<String>, Spanned<String>>,
    /// Column → (spelling → value).
    #[serde(default)]
    values: IndexMap<Spanned<String>, IndexMap<Spanned<String>, Spanned<String>>>,
    /// Dataset → the previous congress's share or roster (`--previous`).
    #[serde(default)]
    previous: IndexMap<String, String>,
}

/// The config file a run reads: `--config`, else `reformcheck.toml` in the
/// current folder if there is one.
pub fn in_use(read: &ReadArgs) -> Option<PathBuf> {
    read.config
        .clone()
        .or_else(|| Some(PathBuf::from(DEFAULT_FILE)).filter(|p| p.is_file()))
}

/// Loads the rule pack and adds the header mappings and value synonyms of
/// the config file (`--config`, else `reformcheck.toml` here if there is
/// one) and then of `--map`, which wins.
pub fn load_pack(rules: Option<&Path>, read: &ReadArgs) -> Result<Pack> {
    Ok(load(rules, read)?.0)
}

/// [`load_pack`], and the config file's `[previous]` entries as
/// `DATASET=VALUE`, the form `--previous` takes.
pub fn load(rules: Option<&Path>, read: &ReadArgs) -> Result<(Pack, Vec<String>)> {
    let mut pack = Pack::load(rules)?;
    let mut previous = Vec::new();
    let path = match &read.config {
        Some(p) => Some(p.clone()),
        None => {
            let found = in_use(read);
            if found.is_some() {
                // A file nobody named changes what is read: say so.
                eprintln!(
                    "{}",
                    crate::tr!(
                        "使用当前文件夹中的配置文件 {}",
                        "using the config file {} in the current folder",
                        DEFAULT_FILE
                    )
                );
            }
            found
        }
    };
    if let Some(path) = path {
        previous = apply_file(&mut pack, &path)?;
    }
    for arg in &read.map {
        let Some((header, column)) = arg.split_once('=') else {
            bail!(crate::tr!(
                "--map {}：应写成 表头=列名，例如 --map 单位类别=单位类型",
                "--map {}: write HEADER=COLUMN, e.g. --map 单位类别=单位类型",
                arg
            ));
        };
        if let Err(e) = map_header(&mut pack, header, column) {
            bail!("--map {arg}: {e}");
        }
    }
    Ok((pack, previous))
}

/// Reads a config file and applies it; every error names the file, line
/// and column.
/// Adds the file's mappings and synonyms to `pack`; returns its
/// `[previous]` entries as `DATASET=VALUE`.
fn apply_file(pack: &mut Pack, path: &Path) -> Result<Vec<String>> {
    let name = path.display().to_string();
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => bail!(crate::tr!(
            "无法读取配置文件 {}：{}",
            "cannot read config file {}: {}",
            name,
            e
        )),
    };
    let Ok(text) = String::from_utf8(bytes) else {
        bail!(crate::tr!(
            "配置文件 {} 不是 UTF-8 文本：请另存为 UTF-8",
            "config file {} is not UTF-8 text: save it as UTF-8",
            name
        ));
    };
    let (quoted, inserted) = quote_bare_keys(&text);
    let at = |span: std::ops::Range<usize>| {
        let (line, column) = line_column(&quoted, span.start);
        // Back to the column in the file as written.
        let shift = inserted
            .iter()
            .filter(|(l, c)| *l == line && *c < column)
            .count();
        format!("{name}:{line}:{}", column - shift)
    };
    let file: ConfigFile = match toml::from_str(&quoted) {
        Ok(f) => f,
        Err(e) => {
            let place = e.span().map_or_else(|| name.clone(), &at);
            bail!(crate::tr!(
                "{}：配置文件写法有误：{}",
                "{}: invalid config file: {}",
                place,
                e.message()
            ));
        }
    };
    for (header, column) in &file.headers {
        if let Err(e) = map_header(pack, header.get_ref(), column.get_ref()) {
            bail!("{}: {e}", at(column.span()));
        }
    }
    for (column, synonyms) in &file.values {
        for (spelling, value) in synonyms {
            match add_synonym(pack, column.get_ref(), spelling.get_ref(), value.get_ref()) {
                Ok(()) => {}
                Err(Bad::Column(e)) => bail!("{}: {e}", at(column.span())),
                Err(Bad::Value(e)) => bail!("{}: {e}", at(value.span())),
            }
        }
    }
    // A relative roster path is read from the config file's folder.
    let folder = path.parent().unwrap_or(Path::new(""));
    Ok(file
        .previous
        .into_iter()
        .map(|(dataset, value)| {
            let file = folder.join(&value);
            match file.is_file() {
                true => format!("{dataset}={}", file.display()),
                false => format!("{dataset}={value}"),
            }
        })
        .collect())
}

/// TOML wants a key in Chinese quoted (`"民营企业" = "企业"`); a clerk writes
/// `民营企业 = "企业"` and `[values.单位类型]`. Such bare keys are quoted
/// before parsing. Returns the text and where quotes were inserted (1-based
/// line, and the column of the quote in the new text) to map positions back.
fn quote_bare_keys(text: &str) -> (String, Vec<(usize, usize)>) {
    let bare = |k: &str| {
        let k = k.trim();
        !k.is_empty() && !k.contains(['"', '\'', '#']) && !k.is_ascii()
    };
    let mut out = String::with_capacity(text.len() + 16);
    let mut inserted = Vec::new();
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let (body, end) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let mut new = String::new();
        let indent = &body[..body.len() - body.trim_start().len()];
        let trimmed = body.trim_start();
        // `[values.单位类型]`, perhaps with a comment after it.
        let table = trimmed
            .strip_prefix('[')
            .filter(|t| !t.starts_with('['))
            .and_then(|t| t.split_once(']'))
            .filter(|(_, after)| after.trim().is_empty() || after.trim_start().starts_with('#'));
        if let Some((inner, after)) = table {
            // `[values.单位类型]`: quote each bare part.
            new.push_str(indent);
            new.push('[');
            for (i, part) in inner.split('.').enumerate() {
                if i > 0 {
                    new.push('.');
                }
                if bare(part) {
                    new.push('"');
                    inserted.push((n + 1, new.chars().count()));
                    new.push_str(part.trim());
                    new.push('"');
                    inserted.push((n + 1, new.chars().count()));
                } else {
                    new.push_str(part);
                }
            }
            new.push(']');
            new.push_str(after);
        } else if let Some((key, rest)) = body.split_once('=').filter(|(k, _)| bare(k)) {
            let key_indent = &key[..key.len() - key.trim_start().len()];
            new.push_str(key_indent);
            new.push('"');
            inserted.push((n + 1, new.chars().count()));
            new.push_str(key.trim());
            new.push('"');
            inserted.push((n + 1, new.chars().count()));
            new.push_str(&key[key.trim_end().len()..]);
            new.push('=');
            new.push_str(rest);
        } else {
            new.push_str(body);
        }
        out.push_str(&new);
        out.push_str(end);
    }
    (out, inserted)
}

/// The 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

/// The columns, per dataset, that `name` means: the column of that name or
/// the column the pack gives that header.
fn columns_named(pack: &Pack, name: &str) -> Vec<(usize, usize)> {
    let want = normalize_header(name);
    let mut found = Vec::new();
    for (d, dataset) in pack.datasets.iter().enumerate() {
        let hit = dataset.columns.iter().position(|c| {
            normalize_header(&c.name) == want
                || c.headers.iter().any(|h| normalize_header(h) == want)
        });
        if let Some(c) = hit {
            found.push((d, c));
        }
    }
    found
}

/// The pack's column names, for a message about a name it does not know.
fn known_columns(pack: &Pack) -> String {
    let mut names: Vec<&str> = Vec::new();
    for c in pack.datasets.iter().flat_map(|d| &d.columns) {
        let shown = c.headers.first().unwrap_or(&c.name).as_str();
        if !names.contains(&shown) {
            names.push(shown);
        }
    }
    names.join("、")
}

/// Makes `header` one more header of the column `column` names, in every
/// dataset that has it; no other column of those datasets keeps it.
fn map_header(pack: &mut Pack, header: &str, column: &str) -> Result<(), String> {
    let folded = normalize_header(header);
    if folded.is_empty() {
        return Err(crate::tr!(
            "表头为空：请写出文件中的表头",
            "the header is empty: write the file's header"
        ));
    }
    let targets = columns_named(pack, column);
    if targets.is_empty() {
        return Err(crate::tr!(
            "“{}”不是规则包里的列名或表头；可用的有：{}",
            "`{}` is not a column or header of the rule pack; known ones: {}",
            column.trim(),
            known_columns(pack)
        ));
    }
    for (d, c) in targets {
        let columns = &mut pack.datasets[d].columns;
        for (i, col) in columns.iter_mut().enumerate() {
            if i != c {
                col.headers.retain(|h| normalize_header(h) != folded);
            }
        }
        if !columns[c]
            .headers
            .iter()
            .any(|h| normalize_header(h) == folded)
        {
            columns[c].headers.push(header.trim().to_string());
        }
    }
    Ok(())
}

/// Why a synonym could not be added: the column or the value is wrong.
enum Bad {
    Column(String),
    Value(String),
}

/// Adds `spelling` → `value` to the text column `column` names, in every
/// dataset that has it.
fn add_synonym(pack: &mut Pack, column: &str, spelling: &str, value: &str) -> Result<(), Bad> {
    let targets = columns_named(pack, column);
    if targets.is_empty() {
        return Err(Bad::Column(crate::tr!(
            "[values.{}]：“{}”不是规则包里的列名或表头；可用的有：{}",
            "[values.{}]: `{}` is not a column or header of the rule pack; known ones: {}",
            column,
            column,
            known_columns(pack)
        )));
    }
    for (d, c) in targets {
        let columns = &mut pack.datasets[d].columns;
        if columns[c].kind != crate::pack::schema::ColumnType::Text {
            return Err(Bad::Column(crate::tr!(
                "[values.{}]：同义词只用于文字列，“{}”不是文字列",
                "[values.{}]: synonyms apply to text columns; `{}` is not one",
                column,
                column
            )));
        }
        if let Err(accepted) = crate::pack::check_value(columns, c, value) {
            return Err(Bad::Value(crate::tr!(
                "“{}”不是“{}”可用的值，应为其中之一：{}",
                "`{}` is not a value `{}` accepts; use one of: {}",
                value,
                column,
                accepted
            )));
        }
        columns[c].add_synonym(spelling, value);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let text = "[headers]\n单位类别 = 1\n";
        let offset = text.find('1').unwrap();
        assert_eq!(line_column(text, offset), (2, 8));
        assert_eq!(line_column(text, 0), (1, 1));
    }

    #[test]
    fn chinese_bare_keys_are_quoted_and_columns_map_back() {
        let text = "[values.单位类型]  # 列名\n民营企业 = \"企业\" # 注\n\"国企\" = \"企业\"\nid = \"x\"\n";
        let (quoted, inserted) = quote_bare_keys(text);
        assert_eq!(
            quoted,
            "[values.\"单位类型\"]  # 列名\n\"民营企业\" = \"企业\" # 注\n\"国企\" = \"企业\"\nid = \"x\"\n"
        );
        assert_eq!(inserted, [(1, 9), (1, 14), (2, 1), (2, 6)]);
        let file: ConfigFile = toml::from_str(&quoted).unwrap();
        assert_eq!(file.values.len(), 1);
    }

    #[test]
    fn a_mapped_header_moves_to_its_column() {
        let mut pack = Pack::embedded().unwrap();
        // `单位` is the pack's header of `unit`; mapped, it means unit_type.
        map_header(&mut pack, "单位", "单位类型").unwrap();
        let d = &pack.datasets[pack.dataset("delegates").unwrap()];
        let col = |n: &str| d.columns.iter().find(|c| c.name == n).unwrap();
        assert!(col("unit_type").headers.contains(&"单位".to_string()));
        assert!(!col("unit").headers.contains(&"单位".to_string()));
        assert!(map_header(&mut pack, "x", "no_such_column").is_err());
    }
}
