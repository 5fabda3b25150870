//! Files abx writes are written atomically: a temporary file in the same
//! directory, fsync, then rename (or link, when an existing file must not be
//! replaced). A crash leaves the old file or the new one, never half of one.

use std::io::Write;
use std::path::Path;

use crate::error::AbxError;

/// Writes `bytes` to `path` atomically. With `overwrite` false, an existing
/// file is an error and is left untouched, even if it appears concurrently.
pub fn write_atomic(path: &Path, bytes: &[u8], overwrite: bool) -> Result<(), AbxError> {
    let shown = path.display().to_string();
    let write_err = |source| AbxError::Write { path: shown.clone(), source };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // The name says what a leftover (after kill -9) is: `.out.csv.abx-partial-XXXXXX.tmp`.
    let prefix = partial_prefix(path);
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // A new file gets the usual 0666 less the umask, as any other tool's output.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir).map_err(write_err)?;
    tmp.write_all(bytes).map_err(write_err)?;
    tmp.as_file().sync_all().map_err(write_err)?;
    if overwrite {
        // A replaced file keeps its permissions.
        if let Ok(meta) = std::fs::metadata(path) {
            tmp.as_file().set_permissions(meta.permissions()).map_err(write_err)?;
        }
        tmp.persist(path).map_err(|e| write_err(e.error))?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                AbxError::input(&shown, "the file already exists and abx does not overwrite it")
            } else {
                write_err(e.error)
            }
        })?;
    }
    Ok(())
}

fn partial_prefix(path: &Path) -> String {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let name: String = name.chars().take(80).collect();
    format!(".{name}.abx-partial-")
}

/// Writes an output file: a new file atomically, an existing one by
/// [`replace_file`] (through links, keeping its mode; read-only refused).
/// A device, FIFO or socket (`/dev/null`, `/dev/stdout`, `>(cmd)`) is
/// written to as it is: renaming a file over it would replace the device
/// itself, which as root breaks `/dev/null` for every program on the machine.
pub fn write_output(path: &Path, bytes: &[u8]) -> Result<(), AbxError> {
    write_output_via(path, bytes, 0)
}

fn write_output_via(path: &Path, bytes: &[u8], links: usize) -> Result<(), AbxError> {
    let shown = path.display().to_string();
    let Ok(own) = std::fs::symlink_metadata(path) else {
        return write_atomic(path, bytes, true);
    };
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => replace_file(path, bytes),
        Ok(meta) if meta.is_dir() => Err(AbxError::input(&shown, "is a directory; give a file name to write to")),
        Ok(_) => write_in_place(path, &shown, bytes),
        // A dangling symbolic link: the file is created where it points, and the link stays.
        Err(_) if own.file_type().is_symlink() && links < 40 => {
            let to = std::fs::read_link(path).map_err(|source| AbxError::Read { path: shown.clone(), source })?;
            let to = match path.parent() {
                Some(dir) if to.is_relative() => dir.join(to),
                _ => to,
            };
            write_output_via(&to, bytes, links + 1)
        }
        Err(source) => Err(AbxError::Write { path: shown, source }),
    }
}

/// Writes to a device or FIFO as `cat > path` would: no temporary file and
/// no rename, since neither has a content to keep or replace.
fn write_in_place(path: &Path, shown: &str, bytes: &[u8]) -> Result<(), AbxError> {
    let write_err = |source| AbxError::Write { path: shown.to_string(), source };
    let mut f = std::fs::OpenOptions::new().write(true).open(path).map_err(write_err)?;
    f.write_all(bytes).and_then(|_| f.flush()).map_err(write_err)
}

/// Replaces the content of the existing file `path` with `bytes`, as an
/// editor that keeps the file would: through a symbolic link to its target
/// (the link stays a link), keeping its permissions and owner, and keeping
/// hard links (the same inode is rewritten, after the new content is safe in
/// a temporary file beside it). A read-only file is refused, not overwritten.
pub fn replace_file(path: &Path, bytes: &[u8]) -> Result<(), AbxError> {
    let shown = path.display().to_string();
    let target = std::fs::canonicalize(path).map_err(|source| AbxError::Read { path: shown.clone(), source })?;
    let meta = std::fs::metadata(&target).map_err(|source| AbxError::Read { path: shown.clone(), source })?;
    if !meta.is_file() {
        return Err(AbxError::input(&shown, "is not a regular file, so abx cannot replace its content"));
    }
    if meta.permissions().readonly() {
        return Err(AbxError::input(
            &shown,
            "the file is read-only, so abx leaves it as it is; make it writable (chmod u+w) to record the change",
        ));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.nlink() > 1 {
            return rewrite_inode(&target, &shown, bytes);
        }
    }
    write_atomic(&target, bytes, true)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // Root replacing another user's file: give it back to its owner.
        if let Ok(new) = std::fs::metadata(&target) {
            if new.uid() != meta.uid() || new.gid() != meta.gid() {
                let _ = std::os::unix::fs::chown(&target, Some(meta.uid()), Some(meta.gid()));
            }
        }
    }
    Ok(())
}

/// Rewrites a hard-linked file in place: the new content first goes to a
/// temporary file beside it (so a failure mid-way leaves a full copy, named
/// in the error), then over the file itself, which is then synced.
#[cfg(unix)]
fn rewrite_inode(target: &Path, shown: &str, bytes: &[u8]) -> Result<(), AbxError> {
    let write_err = |source| AbxError::Write { path: shown.to_string(), source };
    let dir = target.parent().unwrap_or(Path::new("."));
    let mut copy =
        tempfile::Builder::new().prefix(&partial_prefix(target)).suffix(".tmp").tempfile_in(dir).map_err(write_err)?;
    copy.write_all(bytes).map_err(write_err)?;
    copy.as_file().sync_all().map_err(write_err)?;
    let mut f = std::fs::OpenOptions::new().write(true).open(target).map_err(write_err)?;
    let written = f.write_all(bytes).and_then(|_| f.set_len(bytes.len() as u64)).and_then(|_| f.sync_all());
    if let Err(source) = written {
        let kept = copy.keep().map(|(_, p)| p.display().to_string()).unwrap_or_default();
        return Err(AbxError::Write { path: format!("{shown} (the new content is in {kept})"), source });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_refuses_to_clobber() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.yaml");
        write_atomic(&p, b"one", false).unwrap();
        assert!(write_atomic(&p, b"two", false).is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        write_atomic(&p, b"three", true).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"three");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(".abx-partial-"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn replacing_keeps_links_modes_and_refuses_read_only_files() {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.yaml");
        std::fs::write(&real, b"old").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("link.yaml");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        replace_file(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
        assert_eq!(std::fs::metadata(&real).unwrap().permissions().mode() & 0o777, 0o640);
        // A hard link keeps sharing the inode.
        let hard = dir.path().join("hard.yaml");
        std::fs::hard_link(&real, &hard).unwrap();
        let ino = std::fs::metadata(&real).unwrap().ino();
        replace_file(&hard, b"newer").unwrap();
        assert_eq!(std::fs::read(&real).unwrap(), b"newer");
        assert_eq!(std::fs::metadata(&hard).unwrap().ino(), ino);
        assert_eq!(std::fs::metadata(&real).unwrap().nlink(), 2);
        // Read-only: refused, untouched.
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o444)).unwrap();
        assert!(replace_file(&real, b"lost").is_err());
        assert_eq!(std::fs::read(&real).unwrap(), b"newer");
        let leftovers = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(".abx-partial-"))
            .count();
        assert_eq!(leftovers, 0);
    }

    #[cfg(unix)]
    #[test]
    fn devices_fifos_and_dangling_links_are_written_through_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().unwrap();
        // A link to /dev/null: the link stays a link and /dev/null a device.
        let null = dir.path().join("null");
        std::os::unix::fs::symlink("/dev/null", &null).unwrap();
        write_output(&null, b"gone").unwrap();
        assert!(std::fs::symlink_metadata(&null).unwrap().file_type().is_symlink());
        assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device());
        // A FIFO: its reader gets the bytes and it stays a FIFO.
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).unwrap())
        };
        write_output(&fifo, b"through").unwrap();
        assert_eq!(reader.join().unwrap(), b"through");
        assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
        // A dangling link: the file appears where it points.
        let dangling = dir.path().join("dangling");
        std::os::unix::fs::symlink("target.csv", &dangling).unwrap();
        write_output(&dangling, b"x").unwrap();
        assert!(std::fs::symlink_metadata(&dangling).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read(dir.path().join("target.csv")).unwrap(), b"x");
        // A directory is refused.
        assert!(write_output(dir.path(), b"x").is_err());
        // The experiment file abx records into must be a regular file.
        assert!(replace_file(&fifo, b"x").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn new_files_get_the_usual_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let ours = dir.path().join("ours.json");
        write_atomic(&ours, b"{}", true).unwrap();
        let plain = dir.path().join("plain.json");
        std::fs::write(&plain, b"{}").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&ours), mode(&plain));
    }
}
