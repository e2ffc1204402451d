//! Files: async `read`, `write` and `File`, done on the blocking pool.
//!
//! Sockets are async in aioli because the OS can say when one is ready:
//! the reactor registers it with epoll, and a task waits until a read
//! would not block. Regular files have no such state. The kernel calls a
//! file "always ready" (select and poll report it readable and writable
//! at once, and epoll refuses to register one at all, with `EPERM`), yet
//! any read may still wait for the disk, and a write for the page cache
//! to drain. There is no readiness to wait for, so there is nothing for
//! the reactor to do.
//!
//! So every file operation here is a `std::fs` call sent to the blocking
//! pool with [`spawn_blocking`]: the loop stays free while the disk works.
//! asyncio has no async files at all; the `aiofiles` package does exactly
//! this (each call goes to a thread pool executor), and so does tokio's
//! `tokio::fs`. (Linux's io_uring can do real async file IO; that is a
//! different reactor, and a different book.)
//!
//! Errors carry the path: std's "No such file or directory (os error 2)"
//! becomes "could not open /x/y: No such file or directory (os error 2)".
//! The error kind is std's, and `source()` gives back std's error (with
//! its `raw_os_error`).
//!
//! Cancelling: an operation sent to the pool cannot be stopped (see
//! [`spawn_blocking`]). Dropping one of these futures only stops waiting
//! for it; a `write` still happens. For [`File`], the file itself rides
//! along with each job, and comes back with the next call: see its docs.
//!
//! Chapter: docs/src/14-files.md

mod file;

use std::error::Error;
use std::fmt;
use std::fs::Metadata;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::blocking::spawn_blocking;

pub use file::File;

/// Reads the whole file at `path`: aiofiles' `f.read()` after `open(path, "rb")`.
///
/// ```
/// aioli::run(async {
///     let path = std::env::temp_dir().join(format!("aioli-doc-read-{}", std::process::id()));
///     aioli::fs::write(&path, b"hello").await?;
///     assert_eq!(aioli::fs::read(&path).await?, b"hello");
///     aioli::fs::remove_file(&path).await
/// })
/// .unwrap();
/// ```
pub async fn read(path: impl AsRef<Path>) -> io::Result<Vec<u8>> {
    on_pool(path.as_ref(), "read", |path| std::fs::read(path)).await
}

/// Reads the whole file at `path` as UTF-8 text.
///
/// An error of kind `InvalidData` if the file is not valid UTF-8.
pub async fn read_to_string(path: impl AsRef<Path>) -> io::Result<String> {
    on_pool(path.as_ref(), "read", |path| std::fs::read_to_string(path)).await
}

/// Writes `contents` to the file at `path`, creating it, or replacing
/// what it held.
///
/// The bytes are copied first (the pool thread needs its own), so
/// `contents` may be borrowed. If this future is dropped after its first
/// poll, the write still happens.
///
/// ```
/// aioli::run(async {
///     let path = std::env::temp_dir().join(format!("aioli-doc-write-{}", std::process::id()));
///     aioli::fs::write(&path, "one line\n").await?;
///     assert_eq!(aioli::fs::read_to_string(&path).await?, "one line\n");
///     aioli::fs::remove_file(&path).await
/// })
/// .unwrap();
/// ```
pub async fn write(path: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> io::Result<()> {
    let contents = contents.as_ref().to_vec();
    on_pool(path.as_ref(), "write", move |path| std::fs::write(path, contents)).await
}

/// Creates the directory `path` and all its missing parents, like
/// `mkdir -p` (Python's `os.makedirs(path, exist_ok=True)`).
pub async fn create_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    on_pool(path.as_ref(), "create directory", |path| std::fs::create_dir_all(path)).await
}

/// Removes the file at `path` (not a directory).
pub async fn remove_file(path: impl AsRef<Path>) -> io::Result<()> {
    on_pool(path.as_ref(), "remove", |path| std::fs::remove_file(path)).await
}

/// The size, kind, permissions and times of the file at `path` (following
/// symbolic links): Python's `os.stat`.
pub async fn metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    on_pool(path.as_ref(), "read metadata of", |path| std::fs::metadata(path)).await
}

/// Runs `op(path)` on the blocking pool; an error says what could not be
/// done (`action`) to which path.
async fn on_pool<T>(
    path: &Path,
    action: &'static str,
    op: impl FnOnce(&Path) -> io::Result<T> + Send + 'static,
) -> io::Result<T>
where
    T: Send + 'static,
{
    let path: Arc<Path> = Arc::from(path);
    let shown = path.clone();
    let job = spawn_blocking(move || op(&path).map_err(|error| with_path(error, action, &path)));
    match job.await {
        Ok(result) => result,
        Err(join_error) => Err(io::Error::other(format!("could not {action} {}: {join_error}", shown.display()))),
    }
}

/// Adds "could not `action` `path`: " in front of an error's message,
/// keeping its kind, and std's error as its `source()`.
fn with_path(error: io::Error, action: &'static str, path: &Path) -> io::Error {
    io::Error::new(error.kind(), PathError { action, path: path.to_path_buf(), source: error })
}

/// The error inside the `io::Error`s of this module.
#[derive(Debug)]
struct PathError {
    /// What was tried: "open", "read", "write", …
    action: &'static str,
    /// On which file.
    path: PathBuf,
    /// What std said.
    source: io::Error,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not {} {}: {}", self.action, self.path.display(), self.source)
    }
}

impl Error for PathError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.source)
    }
}
