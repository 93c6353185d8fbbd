//! `--output FILE`: which format each file gets, and writing files so that
//! a reader never sees half a report and a run never half-writes its set:
//! every output is checked before any is written, each is written to a
//! temporary file beside it, and only then are they renamed into place. A
//! replaced file keeps its mode; temporary files are removed when the run
//! is interrupted (SIGINT, SIGTERM).

use crate::report::Format;
use crate::tr;
use anyhow::{anyhow, bail, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Checks every `--output` path and picks its format from the extension.
/// Refuses a path that is one of `inputs` (data files, the rule pack, a
/// config file: the same file by any name, hard links included), a
/// directory, or a path given twice.
pub fn plan(paths: &[PathBuf], inputs: &[&Path]) -> Result<Vec<(PathBuf, Format)>> {
    let input_ids: Vec<Identity> = inputs
        .iter()
        .filter(|p| **p != Path::new("-"))
        .filter_map(|p| Identity::of(p))
        .collect();
    let mut out: Vec<(PathBuf, Format, Identity)> = Vec::new();
    for path in paths {
        let shown = path.display();
        let format = Format::from_path(path).ok_or_else(|| {
            anyhow!(tr!(
                "--output {shown}：无法从扩展名判断格式，请用 {} 之一",
                "--output {shown}: cannot tell the format from the extension; use one of {}",
                Format::EXTENSIONS
            ))
        })?;
        check_writable_place(path)?;
        let id = Identity::of(path).ok_or_else(|| {
            anyhow!(tr!(
                "--output {shown}：所在文件夹不存在，请先建立",
                "--output {shown}: the directory does not exist; create it first"
            ))
        })?;
        if input_ids.iter().any(|i| i.same(&id)) {
            bail!(tr!(
                "--output {shown}：这是输入文件，写入报告会毁掉它，请换一个文件名",
                "--output {shown}: this is an input file; writing the report there would \
                 destroy it: choose another name"
            ));
        }
        if out.iter().any(|(_, _, i)| i.same(&id)) {
            bail!(tr!(
                "--output {shown} 重复给出",
                "--output {shown} is given twice"
            ));
        }
        out.push((path.clone(), format, id));
    }
    Ok(out.into_iter().map(|(p, f, _)| (p, f)).collect())
}

/// An existing directory (or something else that is not a regular file,
/// reached through symlinks) cannot be replaced by a report.
fn check_writable_place(path: &Path) -> Result<()> {
    let shown = path.display();
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => bail!(tr!(
            "--output {shown}：这是一个文件夹，请给出文件名（如 {shown}/报告.html）",
            "--output {shown}: this is a directory; give a file name (e.g. {shown}/report.html)"
        )),
        Ok(m) if !m.is_file() => bail!(tr!(
            "--output {shown}：不是普通文件，请换一个文件名",
            "--output {shown}: not a regular file; choose another name"
        )),
        _ => Ok(()),
    }
}

/// Who a file is: its canonical path, and on Unix its device and inode, so
/// that a hard link or another spelling of an input is recognised.
#[derive(Debug)]
struct Identity {
    path: PathBuf,
    inode: Option<(u64, u64)>,
}

impl Identity {
    /// The identity of a file that need not exist yet (its directory must).
    fn of(path: &Path) -> Option<Identity> {
        let inode = inode(path);
        if let Ok(p) = path.canonicalize() {
            return Some(Identity { path: p, inode });
        }
        let name = path.file_name()?;
        let dir = parent(path);
        Some(Identity {
            path: dir.canonicalize().ok()?.join(name),
            inode,
        })
    }

    fn same(&self, other: &Identity) -> bool {
        self.path == other.path || (self.inode.is_some() && self.inode == other.inode)
    }
}

#[cfg(unix)]
fn inode(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn inode(_: &Path) -> Option<(u64, u64)> {
    None
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Temporary files not yet renamed into place: removed if the run is
/// interrupted.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Installs (once) the handler that removes pending temporary files on
/// SIGINT/SIGTERM and exits 130.
fn clean_up_on_signal() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Without a handler (another is installed) an interrupted run may
        // leave a `.reformcheck-*.tmp`: never worse than before.
        let _ = ctrlc::set_handler(|| {
            if let Ok(pending) = PENDING.lock() {
                for p in pending.iter() {
                    let _ = std::fs::remove_file(p);
                }
            }
            std::process::exit(130);
        });
    });
}

fn pending(path: &Path, add: bool) {
    if let Ok(mut list) = PENDING.lock() {
        if add {
            list.push(path.to_path_buf());
        } else {
            list.retain(|p| p != path);
        }
    }
}

/// Writes `bytes` to `path` (see [`write_all`]).
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    write_all(&[(path.to_path_buf(), bytes.to_vec())])
}

/// Writes every file or none: first a temporary file beside each target
/// (so an unwritable directory fails before anything is replaced), then
/// the contents, then the renames. A replaced file keeps its permissions.
pub fn write_all(files: &[(PathBuf, Vec<u8>)]) -> Result<()> {
    let paths: Vec<PathBuf> = files.iter().map(|(p, _)| p.clone()).collect();
    write_each(&paths, |i, out| Ok(out.write_all(&files[i].1)?))
}

/// [`write_all`] with each file's contents written by `contents(i, out)`
/// for `paths[i]` (a report streamed, never held whole in memory).
pub fn write_each(
    paths: &[PathBuf],
    mut contents: impl FnMut(usize, &mut dyn Write) -> Result<()>,
) -> Result<()> {
    clean_up_on_signal();
    let mut staged = Vec::with_capacity(paths.len());
    let written = (|| {
        for path in paths {
            staged.push(stage(path)?);
        }
        for (i, (path, tmp)) in paths.iter().zip(&mut staged).enumerate() {
            let mut out = std::io::BufWriter::new(tmp.as_file_mut());
            contents(i, &mut out)
                .and_then(|()| Ok(out.flush()?))
                .map_err(|e| match e.downcast_ref::<std::io::Error>() {
                    Some(io) => cannot_write(path, io),
                    None => e,
                })?;
            drop(out);
            keep_mode(path, tmp.as_file())
                .and_then(|()| tmp.as_file().sync_all())
                .map_err(|e| cannot_write(path, &e))?;
        }
        Ok(())
    })();
    if let Err(e) = written {
        // Dropping a staged file deletes it; nothing is left to clean up.
        for tmp in &staged {
            pending(tmp.path(), false);
        }
        return Err(e);
    }
    pause_for_tests();
    for (path, tmp) in paths.iter().zip(staged) {
        let tmp_path = tmp.path().to_path_buf();
        let result = tmp.persist(path);
        pending(&tmp_path, false);
        result.map_err(|e| cannot_write(path, &e.error))?;
    }
    Ok(())
}

/// A temporary file in `path`'s directory, registered for clean-up.
fn stage(path: &Path) -> Result<tempfile::NamedTempFile> {
    let dir = parent(path);
    let mut builder = tempfile::Builder::new();
    builder.prefix(".reformcheck-").suffix(".tmp");
    #[cfg(unix)]
    {
        // Like any new file (0666 less the umask), not tempfile's private 0600.
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let tmp = builder.tempfile_in(dir).map_err(|e| {
        anyhow!(tr!(
            "无法写入 {}：不能在 {} 中建立文件（{e}），请检查文件夹是否存在、是否有写权限",
            "cannot write {}: cannot create a file in {} ({e}); check that the folder exists \
             and is writable",
            path.display(),
            dir.display()
        ))
    })?;
    pending(tmp.path(), true);
    Ok(tmp)
}

/// A file being replaced keeps its mode (a report shared read-only stays so).
fn keep_mode(path: &Path, tmp: &std::fs::File) -> std::io::Result<()> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => tmp.set_permissions(m.permissions()),
        _ => Ok(()),
    }
}

fn cannot_write(path: &Path, e: &dyn std::fmt::Display) -> anyhow::Error {
    anyhow!(tr!(
        "无法写入 {}：{e}",
        "cannot write {}: {e}",
        path.display()
    ))
}

/// `REFORMCHECK_TEST_PAUSE_MS`: wait between writing the temporary files
/// and renaming them, so a test can interrupt a run at that moment.
fn pause_for_tests() {
    if let Some(ms) = std::env::var("REFORMCHECK_TEST_PAUSE_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms.min(60_000)));
    }
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
        let inputs = [input.as_path()];
        // The same file reached by another spelling.
        let other = dir.path().join(".").join("delegates.csv");
        let err = plan(&[other], &inputs).unwrap_err().to_string();
        assert!(
            err.contains("input file") || err.contains("输入文件"),
            "{err}"
        );
        let twice = [dir.path().join("r.json"), dir.path().join("./r.json")];
        let err = plan(&twice, &inputs).unwrap_err().to_string();
        assert!(err.contains("given twice") || err.contains("重复"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_hard_link_to_an_input_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let pack = dir.path().join("pack.yaml");
        std::fs::write(&pack, "x").unwrap();
        let link = dir.path().join("report.txt");
        std::fs::hard_link(&pack, &link).unwrap();
        let err = plan(&[link], &[pack.as_path()]).unwrap_err().to_string();
        assert!(
            err.contains("input file") || err.contains("输入文件"),
            "{err}"
        );
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
        assert!(!PENDING
            .lock()
            .unwrap()
            .iter()
            .any(|p| p.starts_with(dir.path())));
    }

    #[test]
    fn a_failed_set_writes_nothing_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.json");
        let b = dir.path().join("missing").join("b.json");
        assert!(write_all(&[(a.clone(), b"a".to_vec()), (b, b"b".to_vec())]).is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        assert!(!PENDING
            .lock()
            .unwrap()
            .iter()
            .any(|p| p.starts_with(dir.path())));
    }
}
