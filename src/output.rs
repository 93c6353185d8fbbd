//! `--output FILE`: which format each file gets, and writing it so that a
//! reader never sees half a report (a temporary file in the same directory,
//! renamed over the target).

use crate::input::Binding;
use crate::report::Format;
use anyhow::{anyhow, bail, Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Checks every `--output` path and picks its format from the extension.
/// Refuses a path that is one of the input files, or is given twice.
pub fn plan(paths: &[PathBuf], inputs: &[Binding]) -> Result<Vec<(PathBuf, Format)>> {
    let mut out: Vec<(PathBuf, Format)> = Vec::new();
    let input_ids: Vec<PathBuf> = inputs
        .iter()
        .filter(|b| b.path != Path::new("-"))
        .filter_map(|b| identity(&b.path))
        .collect();
    for path in paths {
        let format = Format::from_path(path).ok_or_else(|| {
            anyhow!(
                "--output {}: cannot tell the format from the extension; use one of {}",
                path.display(),
                Format::EXTENSIONS
            )
        })?;
        let id = identity(path).ok_or_else(|| {
            anyhow!(
                "--output {}: the directory does not exist; create it first",
                path.display()
            )
        })?;
        if input_ids.contains(&id) {
            bail!(
                "--output {}: this is an input file; writing the report there would destroy it: \
                 choose another name",
                path.display()
            );
        }
        if out.iter().any(|(p, _)| identity(p).as_ref() == Some(&id)) {
            bail!("--output {} is given twice", path.display());
        }
        out.push((path.clone(), format));
    }
    Ok(out)
}

/// A path's canonical form (its directory resolved; the file need not exist).
fn identity(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = path.canonicalize() {
        return Some(p);
    }
    let name = path.file_name()?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    Some(dir.canonicalize().ok()?.join(name))
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over `path`.
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".reformcheck-").suffix(".tmp");
    #[cfg(unix)]
    {
        // Like any new file (0666 less the umask), not tempfile's private 0600.
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir).with_context(|| {
        format!(
            "cannot write {}: cannot create a file in {}",
            path.display(),
            dir.display()
        )
    })?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    tmp.persist(path)
        .map_err(|e| anyhow!("cannot write {}: {}", path.display(), e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_come_from_extensions() {
        let dir = tempfile::tempdir().unwrap();
        let p = |n: &str| dir.path().join(n);
        let plan = plan(&[p("a.HTML"), p("b.xml"), p("c.md"), p("d.txt")], &[]).unwrap();
        let formats: Vec<Format> = plan.iter().map(|x| x.1).collect();
        assert_eq!(
            formats,
            [Format::Html, Format::Junit, Format::Markdown, Format::Table]
        );
        let err = super::plan(&[p("report.pdf")], &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("report.pdf") && err.contains(".html"), "{err}");
    }

    #[test]
    fn an_input_file_or_a_repeated_path_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("delegates.csv");
        std::fs::write(&input, "姓名\n张三\n").unwrap();
        let bindings = [Binding {
            dataset: 0,
            path: input.clone(),
            sheet: None,
        }];
        // The same file reached by another spelling.
        let other = dir.path().join(".").join("delegates.csv");
        let err = plan(&[other], &bindings).unwrap_err().to_string();
        assert!(err.contains("input file"), "{err}");
        let twice = [dir.path().join("r.json"), dir.path().join("./r.json")];
        let err = plan(&twice, &bindings).unwrap_err().to_string();
        assert!(err.contains("given twice"), "{err}");
    }

    #[test]
    fn write_replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.json");
        std::fs::write(&path, "old").unwrap();
        write(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["r.json"]);
    }
}
