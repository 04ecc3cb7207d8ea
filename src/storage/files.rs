//! Files and directories the app creates are owner-only (0600 files, 0700 directories),
//! whatever the process umask: the database (SQLite gives its -wal, -shm and -journal files
//! the database file's mode), backups and printed documents all hold personal data.

use std::fs::{DirBuilder, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Mode of every file the app creates.
pub const FILE_MODE: u32 = 0o600;
/// Mode of every directory the app creates.
pub const DIR_MODE: u32 = 0o700;

/// Creates `dir` and its missing parents as 0700 (existing ones are left as they are).
pub fn create_dir_all(dir: &Path) -> std::io::Result<()> {
    DirBuilder::new().recursive(true).mode(DIR_MODE).create(dir)
}

/// Creates `path` empty as 0600 when it does not exist yet (an existing file is untouched).
pub fn touch_new(path: &Path) -> std::io::Result<()> {
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(FILE_MODE)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Opens `path` for writing (created or truncated), 0600: for a file written as it goes.
pub fn create(path: &Path) -> std::io::Result<File> {
    let f: File = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(FILE_MODE)
        .open(path)?;
    f.set_permissions(std::fs::Permissions::from_mode(FILE_MODE))?;
    Ok(f)
}

/// Writes `bytes` to `path` (created or truncated), leaving it 0600.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    // A file that existed keeps its mode through open: `create` narrows it.
    let mut f = create(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Replaces `dir/name` whole by `bytes` (0600): written beside it under a temporary name, then
/// renamed over it, so a reader sees the old file or the new one, never a part.
pub fn replace(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = dir.join(format!(
        ".{name}.{}-{:016x}.tmp",
        std::process::id(),
        rand::random::<u64>()
    ));
    let written = write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, dir.join(name)));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Removes `dir` and everything under it, first overwriting each file's bytes with zeros
/// (flushed) so that its content does not linger in the blocks a filesystem reuses in place.
/// Returns how many files were removed; a missing `dir` is nothing to do.
pub fn shred_dir(dir: &Path) -> std::io::Result<usize> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let mut n = 0;
    for entry in entries {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            n += shred_dir(&path)?;
            continue;
        }
        shred_file(&path)?;
        n += 1;
    }
    std::fs::remove_dir(dir)?;
    Ok(n)
}

/// Overwrites `path`'s bytes with zeros (flushed), then removes it.
pub fn shred_file(path: &Path) -> std::io::Result<()> {
    let len = std::fs::metadata(path)?.len();
    let mut f = OpenOptions::new().write(true).open(path)?;
    let zeros = vec![0u8; 64 * 1024];
    let mut left = len;
    while left > 0 {
        let chunk = left.min(zeros.len() as u64) as usize;
        f.write_all(&zeros[..chunk])?;
        left -= chunk as u64;
    }
    f.sync_all()?;
    std::fs::remove_file(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_files_and_directories_are_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("a/b");
        create_dir_all(&sub).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&sub), 0o700);
        assert_eq!(mode(&dir.path().join("a")), 0o700);
        let f = sub.join("x.pdf");
        std::fs::write(&f, b"old").unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
        write(&f, b"new").unwrap();
        assert_eq!(mode(&f), 0o600);
        assert_eq!(std::fs::read(&f).unwrap(), b"new");
        let g = sub.join("db");
        touch_new(&g).unwrap();
        assert_eq!(mode(&g), 0o600);
    }
}
