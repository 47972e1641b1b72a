//! The only place output bytes reach the disk: a temporary file beside the target, flushed
//! and synced, then renamed over it, so a reader never sees a half-written file.

use crate::{Error, Result};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Write `bytes` to `path` atomically (temp file + fsync + rename), creating parent folders.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(bytes).map_err(|e| write_error(path, e))?;
    file.commit()
}

/// A file written in pieces beside its target and put in place by [`AtomicFile::commit`]
/// (flushed, synced, renamed over the target); dropped uncommitted, it leaves nothing.
pub struct AtomicFile {
    path: PathBuf,
    temp: PathBuf,
    file: Option<BufWriter<std::fs::File>>,
}

impl AtomicFile {
    /// Begin writing `path`, creating parent folders.
    pub fn create(path: &Path) -> Result<AtomicFile> {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| write_error(path, e))?;
        let name = path
            .file_name()
            .map_or("out".into(), |n| n.to_string_lossy().into_owned());
        let temp = dir.join(format!(".{name}.tmp{}", std::process::id()));
        let file = std::fs::File::create(&temp).map_err(|e| write_error(path, e))?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            temp,
            file: Some(BufWriter::with_capacity(1 << 16, file)),
        })
    }

    /// Put the written bytes in place.
    pub fn commit(mut self) -> Result<()> {
        let file = self.file.take().expect("written once");
        let result = (|| {
            file.into_inner()
                .map_err(std::io::IntoInnerError::into_error)?
                .sync_all()?;
            std::fs::rename(&self.temp, &self.path)
        })();
        result.map_err(|e| write_error(&self.path, e))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file.as_mut().expect("not committed").write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.as_mut().expect("not committed").flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // uncommitted, or its rename failed: the temporary file goes
        if self.temp.exists() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// Append `bytes` to `path` (created if missing). The bytes reach the page cache, so they
/// survive the process being killed; [`sync`] makes them survive a machine crash too.
pub fn append(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut file| file.write_all(bytes))
        .map_err(|e| write_error(path, e))
}

/// Wait until everything written to `path` is on disk.
pub fn sync(path: &Path) -> Result<()> {
    std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .and_then(|file| file.sync_data())
        .map_err(|e| write_error(path, e))
}

fn write_error(path: &Path, e: std::io::Error) -> Error {
    Error::Write {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_replaces_without_leaving_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/out.csv");
        write_atomic(&path, b"a\n").unwrap();
        write_atomic(&path, b"b\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"b\n");
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }
}
