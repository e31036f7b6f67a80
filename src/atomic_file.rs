//! Files replaced whole or not at all: every file connexe writes (an index snapshot, batch
//! pages, a run file, a plot) is written to a temporary file beside its destination, synced,
//! then renamed over it. A reader never sees half a file; a failed or interrupted write
//! leaves the previous file as it was. Knows nothing of what the bytes are.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::{Error, Result};

/// A file being written beside its destination, which it replaces on
/// [`AtomicFile::commit`]. Dropped without a commit (an error, a panic), it removes its
/// temporary file; after a kill, a hidden `.NAME.XXXXXX.tmp` file beside the destination
/// remains.
///
/// Writes are buffered; [`AtomicFile::commit`] flushes them, syncs the file to disk, renames
/// it over the destination, and syncs the folder so the rename survives a crash.
///
/// # Examples
/// ```
/// use std::io::Write;
///
/// use connexe::atomic_file::AtomicFile;
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("pages.jsonl");
/// std::fs::write(&path, "previous\n")?;
///
/// let mut file = AtomicFile::create(&path)?;
/// file.write_all(b"{\"id\": \"a\"}\n")?;
/// assert_eq!(std::fs::read_to_string(&path)?, "previous\n"); // untouched until the commit
/// file.commit()?;
/// assert_eq!(std::fs::read_to_string(&path)?, "{\"id\": \"a\"}\n");
///
/// let mut abandoned = AtomicFile::create(&path)?;
/// abandoned.write_all(b"half a page")?;
/// drop(abandoned); // no commit: the file stays as it was, and nothing is left beside it
/// assert_eq!(std::fs::read_to_string(&path)?, "{\"id\": \"a\"}\n");
/// assert_eq!(std::fs::read_dir(dir.path())?.count(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct AtomicFile {
    writer: BufWriter<NamedTempFile>,
    path: PathBuf,
}

/// Bytes buffered before they are written to the temporary file.
const BUFFER_BYTES: usize = 1 << 20;

impl AtomicFile {
    /// Creates a temporary file, exclusively, in the folder of `path` (the current folder for
    /// a bare name), readable as a file created at `path` would be.
    ///
    /// # Errors
    /// [`ErrorKind::Io`](crate::ErrorKind::Io) naming `path` when it has no file name or
    /// the temporary file cannot be created (a missing folder, no permission).
    pub fn create(path: impl AsRef<Path>) -> Result<AtomicFile> {
        let path = path.as_ref();
        let name = path
            .file_name()
            .ok_or_else(|| Error::io(path.display(), std::io::Error::other("not a file name")))?;
        let mut prefix = std::ffi::OsString::from(".");
        prefix.push(name);
        prefix.push(".");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        // As `File::create` makes a file (before the umask), not tempfile's owner-only mode.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let temp = builder.tempfile_in(folder_of(path)).map_err(|e| {
            Error::io(
                format_args!("{}: cannot create the temporary file", path.display()),
                e,
            )
        })?;
        Ok(AtomicFile {
            writer: BufWriter::with_capacity(BUFFER_BYTES, temp),
            path: path.to_path_buf(),
        })
    }

    /// The file this one replaces on [`AtomicFile::commit`].
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The temporary file being written.
    pub fn temp_path(&self) -> &Path {
        self.writer.get_ref().path()
    }

    /// Writes what is buffered, syncs the file, and renames it over [`AtomicFile::path`].
    ///
    /// # Errors
    /// [`ErrorKind::Io`](crate::ErrorKind::Io) naming both files when the data cannot be
    /// written, synced or renamed; the destination is then as it was, and the temporary file
    /// is removed.
    pub fn commit(self) -> Result<()> {
        let AtomicFile { writer, path } = self;
        let temp_path = writer.get_ref().path().to_path_buf();
        let writing = |e| {
            Error::io(
                format_args!("{}: writing {}", path.display(), temp_path.display()),
                e,
            )
        };
        let temp = writer.into_inner().map_err(|e| writing(e.into_error()))?;
        temp.as_file().sync_all().map_err(writing)?;
        temp.persist(&path).map_err(|e| {
            Error::io(
                format_args!("{}: renaming {} over it", path.display(), temp_path.display()),
                e.error,
            )
        })?;
        // The rename is durable once the folder is synced (where the platform lets a folder
        // be opened).
        if let Ok(folder) = File::open(folder_of(&path)) {
            let _ = folder.sync_all();
        }
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.writer.write(bytes)
    }

    fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.writer.write_all(bytes)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.writer.flush()
    }
}

/// The folder a file is in (`.` for a bare file name).
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The names in `folder`, sorted.
    fn names(folder: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_commit_replaces_the_file_and_leaves_nothing_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        std::fs::write(&path, "old").unwrap();
        let mut file = AtomicFile::create(&path).unwrap();
        let temp = file.temp_path().to_path_buf();
        assert_eq!(temp.parent(), Some(dir.path()));
        let name = temp.file_name().unwrap().to_str().unwrap();
        assert!(name.starts_with(".out.txt.") && name.ends_with(".tmp"), "{name}");
        file.write_all(&vec![b'x'; 3 * BUFFER_BYTES + 1]).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        file.commit().unwrap();
        assert_eq!(std::fs::read(&path).unwrap().len(), 3 * BUFFER_BYTES + 1);
        assert_eq!(names(dir.path()), ["out.txt"]);
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_as_readable_as_a_created_one() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let (created, atomic) = (dir.path().join("created"), dir.path().join("atomic"));
        File::create(&created).unwrap();
        AtomicFile::create(&atomic).unwrap().commit().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode();
        assert_eq!(mode(&atomic), mode(&created));
    }

    #[test]
    fn failures_name_the_file_and_leave_the_old_one() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("no-such-folder").join("out.txt");
        let err = AtomicFile::create(&missing).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Io);
        assert!(
            err.to_string().starts_with(&format!(
                "{}: cannot create the temporary file: ",
                missing.display()
            )),
            "{err}"
        );
        let err = AtomicFile::create("/").unwrap_err();
        assert_eq!(err.to_string(), "/: not a file name");

        // Renamed over a folder: refused, the folder and nothing else left.
        let folder = dir.path().join("a-folder");
        std::fs::create_dir(&folder).unwrap();
        std::fs::write(folder.join("inside"), "kept").unwrap();
        let mut file = AtomicFile::create(&folder).unwrap();
        file.write_all(b"new").unwrap();
        let err = file.commit().unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("{}: renaming ", folder.display())),
            "{err}"
        );
        assert_eq!(names(dir.path()), ["a-folder"]);
        assert_eq!(std::fs::read_to_string(folder.join("inside")).unwrap(), "kept");
    }
}
