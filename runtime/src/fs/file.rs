//! `File`: an open file whose operations ride to the blocking pool.
//!
//! The `std::fs::File` itself moves to a pool thread with each job and
//! comes back with its result; the [`State`] diagram below shows where it
//! is. The inherent async methods (`read`, `write_all`, …) wait for their
//! own job; the `AsyncRead`/`AsyncWrite` impls at the end poll the same
//! jobs, so `BufReader`, `BufWriter` and `io::copy` work on files.
//!
//! Chapter: docs/src/14-files.md

use std::fmt;
use std::fs::OpenOptions;
use std::future::Future;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use super::{on_pool, with_path};
use crate::blocking::spawn_blocking;
use crate::io::{AsyncRead, AsyncWrite};
use crate::task::JoinHandle;

/// The most one [`File::read`] asks of the OS at a time. Each read job
/// allocates a buffer of this size at most, so a read into a huge slice
/// does not allocate a huge buffer on the pool thread (tokio: 2 MiB).
const MAX_READ_CHUNK: usize = 1024 * 1024;

/// An open file whose reads and writes run on the blocking pool:
/// aiofiles' `async with aiofiles.open(path) as f`.
///
/// Each call moves the `std::fs::File` to a pool thread, does the
/// operation there, and brings it back. Methods take `&mut self`, so one
/// `File` has one operation at a time, in the order they were called.
///
/// ```
/// use aioli::fs::File;
///
/// aioli::run(async {
///     let path = std::env::temp_dir().join(format!("aioli-doc-file-{}", std::process::id()));
///     let mut file = File::create(&path).await?;
///     file.write_all(b"first line\n").await?;
///     file.sync_all().await?;
///     drop(file);
///
///     let mut file = File::open(&path).await?;
///     let mut text = String::new();
///     file.read_to_string(&mut text).await?;
///     assert_eq!(text, "first line\n");
///     aioli::fs::remove_file(&path).await
/// })
/// .unwrap();
/// ```
///
/// # A future dropped mid-way
///
/// A job already on the pool cannot be stopped, and it holds the file. So
/// the job, and the file with it, stay in the `File`, and **the next call
/// first waits for that job to finish**, then goes on with the file back:
///
/// - bytes a dropped read had already read are not lost: the next read
///   returns them first (and a write first moves the file position back
///   over them, so it lands where the reader left off);
/// - the error of a dropped write (or sync) is returned by the next call,
///   not lost; that call did not run, call it again;
/// - nothing is read or written twice, and the order of operations is the
///   order of the calls.
///
/// tokio's `File` keeps the same rules. The one way to lose the file is a
/// job that never comes back (the loop ended while it ran); every later
/// call then says so, and the way on is to open the file again.
///
/// `File` has no buffer of its own: each inherent `write_all` reaches the
/// OS before it returns, so small writes cost a pool round trip each. For
/// many small reads or writes, wrap it in `io::BufReader` / `io::BufWriter`
/// (it implements `AsyncRead` and `AsyncWrite`, see below).
pub struct File {
    /// Where the `std::fs::File` is now.
    state: State,
    /// Bytes that a read whose future was dropped took from the file.
    /// They come first in the next read.
    read_ahead: Vec<u8>,
    /// The path the file was opened with, for error messages.
    path: Arc<Path>,
}

/// Where a [`File`]'s `std::fs::File` is.
///
/// ```text
///          a call sends a job                the job is joined
///   Idle ─────────────────────▶ Busy ─────────────────────────▶ Idle
///                                 │ the job was cancelled or panicked
///                                 ▼
///                               Lost (every call now fails, saying so)
/// ```
enum State {
    /// Here, ready for the next call.
    Idle(std::fs::File),
    /// On the pool. The job hands back the file, the bytes it read (a
    /// read's, maybe partial) and how it ended. `reading` says whether a
    /// leftover job's error concerns nobody (a read) or must be reported
    /// (a write or sync).
    Busy { job: JoinHandle<(std::fs::File, Vec<u8>, io::Result<()>)>, reading: bool },
    /// Gone with a job that never came back; the text says why.
    Lost(String),
}

impl File {
    /// Opens the file at `path` for reading: Python's `open(path, "rb")`.
    pub async fn open(path: impl AsRef<Path>) -> io::Result<File> {
        File::open_with(path, OpenOptions::new().read(true)).await
    }

    /// Creates the file at `path` for writing, emptying it if it exists:
    /// Python's `open(path, "wb")`.
    pub async fn create(path: impl AsRef<Path>) -> io::Result<File> {
        File::open_with(path, OpenOptions::new().write(true).create(true).truncate(true)).await
    }

    /// Opens the file at `path` with std's [`OpenOptions`], for the other
    /// modes. Appending, Python's `open(path, "a")`:
    ///
    /// ```
    /// use std::fs::OpenOptions;
    /// use aioli::fs::File;
    ///
    /// aioli::run(async {
    ///     let path = std::env::temp_dir().join(format!("aioli-doc-append-{}", std::process::id()));
    ///     aioli::fs::write(&path, "a\n").await?;
    ///     let mut log = File::open_with(&path, OpenOptions::new().append(true)).await?;
    ///     log.write_all(b"b\n").await?;
    ///     assert_eq!(aioli::fs::read_to_string(&path).await?, "a\nb\n");
    ///     aioli::fs::remove_file(&path).await
    /// })
    /// .unwrap();
    /// ```
    pub async fn open_with(path: impl AsRef<Path>, options: &OpenOptions) -> io::Result<File> {
        let options = options.clone();
        let path: Arc<Path> = Arc::from(path.as_ref());
        let file = on_pool(&path, "open", move |path| options.open(path)).await?;
        Ok(File { state: State::Idle(file), read_ahead: Vec::new(), path })
    }

    /// The path this file was opened with.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads some bytes into `buf` and returns how many; 0 at the end of
    /// the file (or if `buf` is empty). Like `std::io::Read::read`, it may
    /// return fewer bytes than `buf` holds, at most 1 MiB per call.
    pub async fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.settle().await?;
        if !self.read_ahead.is_empty() {
            let count = buf.len().min(self.read_ahead.len());
            buf[..count].copy_from_slice(&self.read_ahead[..count]);
            self.read_ahead.drain(..count);
            return Ok(count);
        }
        if buf.is_empty() {
            return Ok(0);
        }
        let (bytes, result) = self.run("read", true, read_job(buf.len())).await?;
        result?;
        buf[..bytes.len()].copy_from_slice(&bytes);
        Ok(bytes.len())
    }

    /// Reads everything up to the end of the file, appending it to `buf`;
    /// returns how many bytes were appended. On an error, the bytes read
    /// before it are appended too (as with std).
    pub async fn read_to_end(&mut self, buf: &mut Vec<u8>) -> io::Result<usize> {
        self.settle().await?;
        let from_before = std::mem::take(&mut self.read_ahead);
        buf.extend_from_slice(&from_before);
        let (bytes, result) = self
            .run("read", true, |file| {
                let mut bytes = Vec::new();
                let result = file.read_to_end(&mut bytes).map(|_| ());
                (bytes, result)
            })
            .await?;
        buf.extend_from_slice(&bytes);
        result?;
        Ok(from_before.len() + bytes.len())
    }

    /// Reads everything up to the end of the file as UTF-8, appending it
    /// to `buf`; returns how many bytes were appended. An error of kind
    /// `InvalidData` if the bytes are not UTF-8 (then `buf` is unchanged).
    pub async fn read_to_string(&mut self, buf: &mut String) -> io::Result<usize> {
        let mut bytes = Vec::new();
        let count = self.read_to_end(&mut bytes).await?;
        match String::from_utf8(bytes) {
            Ok(text) => {
                buf.push_str(&text);
                Ok(count)
            }
            Err(error) => {
                let invalid = io::Error::new(io::ErrorKind::InvalidData, error);
                Err(with_path(invalid, "read text from", &self.path))
            }
        }
    }

    /// Writes all of `data` (copied first: the pool thread needs its own)
    /// at the current position, or at the end in append mode.
    pub async fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        self.settle().await?;
        let job = write_job(data.to_vec(), self.take_read_ahead());
        let (_, result) = self.run("write", false, job).await?;
        result
    }

    /// Waits until every earlier write has reached the OS, and returns the
    /// error of one whose future was dropped, if it failed. (`File` keeps
    /// no buffer of its own, so there is nothing else to flush; use
    /// [`sync_all`](File::sync_all) to reach the disk.)
    pub async fn flush(&mut self) -> io::Result<()> {
        self.settle().await
    }

    /// Waits until the data and metadata written so far are on the disk
    /// (`fsync`): Python's `os.fsync(f.fileno())`.
    pub async fn sync_all(&mut self) -> io::Result<()> {
        self.settle().await?;
        let (_, result) = self.run("sync", false, |file| (Vec::new(), file.sync_all())).await?;
        result
    }

    /// Sends `op` to the pool with the file, and waits for the file to
    /// come back. Call only after `settle`, with the file `Idle`.
    async fn run(
        &mut self,
        action: &'static str,
        reading: bool,
        op: impl FnOnce(&mut std::fs::File) -> (Vec<u8>, io::Result<()>) + Send + 'static,
    ) -> io::Result<(Vec<u8>, io::Result<()>)> {
        // The job is stored before the first await: if this future is
        // dropped from here on, the job and the file stay in `self`, for
        // the next call's `settle`.
        self.launch(action, reading, op)?;
        match self.join_job(action).await? {
            Some((bytes, result, _)) => Ok((bytes, result)),
            None => Err(self.unusable(action)),
        }
    }

    /// Sends `op` to the pool with the file and leaves the job in
    /// `self.state`. The file must be `Idle`.
    fn launch(
        &mut self,
        action: &'static str,
        reading: bool,
        op: impl FnOnce(&mut std::fs::File) -> (Vec<u8>, io::Result<()>) + Send + 'static,
    ) -> io::Result<()> {
        let mut file = match std::mem::replace(&mut self.state, State::Lost(String::new())) {
            State::Idle(file) => file,
            other => {
                self.state = other;
                return Err(self.unusable(action));
            }
        };
        let path = self.path.clone();
        let job = spawn_blocking(move || {
            let (bytes, result) = op(&mut file);
            (file, bytes, result.map_err(|error| with_path(error, action, &path)))
        });
        self.state = State::Busy { job, reading };
        Ok(())
    }

    /// The poll form of joining a job, for the `AsyncRead`/`AsyncWrite`
    /// impls: ready once the file is `Idle` again. A finished read's bytes
    /// go to `read_ahead`, and any job's error is returned (through these
    /// traits, whoever polls next is the one who asked). `Ok(true)` means
    /// a read job found the end of the file.
    fn poll_join(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<bool>> {
        let (joined, reading) = match &mut self.state {
            State::Idle(_) => return Poll::Ready(Ok(false)),
            State::Lost(_) => return Poll::Ready(Err(self.unusable("use"))),
            State::Busy { job, reading } => (ready!(Pin::new(job).poll(cx)), *reading),
        };
        match joined {
            Ok((file, bytes, result)) => {
                self.state = State::Idle(file);
                let at_end = reading && bytes.is_empty() && result.is_ok();
                self.read_ahead.extend_from_slice(&bytes);
                Poll::Ready(result.map(|()| at_end))
            }
            Err(join_error) => {
                self.state = State::Lost(format!("the pool job holding it {join_error}"));
                Poll::Ready(Err(self.unusable("use")))
            }
        }
    }

    /// Waits for a job that a dropped future left behind, if any, and
    /// takes its results: read bytes go to `read_ahead`, a write's error is
    /// returned. Afterwards the file is `Idle`, or `Lost` (an error).
    async fn settle(&mut self) -> io::Result<()> {
        let Some((bytes, result, reading)) = self.join_job("use").await? else {
            return Ok(());
        };
        self.read_ahead.extend_from_slice(&bytes);
        match result {
            // Nobody waits for a dropped read's error, and the read took
            // nothing: the next read meets the problem again.
            Err(_) if reading => Ok(()),
            other => other,
        }
    }

    /// If a job has the file, waits for it and puts the file back; returns
    /// the job's bytes, its result and whether it was a read. `None` if
    /// the file was here already.
    async fn join_job(&mut self, action: &str) -> io::Result<Option<(Vec<u8>, io::Result<()>, bool)>> {
        let (joined, reading) = match &mut self.state {
            State::Idle(_) => return Ok(None),
            State::Lost(_) => return Err(self.unusable(action)),
            State::Busy { job, reading } => (job.await, *reading),
        };
        match joined {
            Ok((file, bytes, result)) => {
                self.state = State::Idle(file);
                Ok(Some((bytes, result, reading)))
            }
            Err(join_error) => {
                self.state = State::Lost(format!("the pool job holding it {join_error}"));
                Err(self.unusable(action))
            }
        }
    }

    /// Read-ahead bytes a write must step back over (see `rewind`).
    fn take_read_ahead(&mut self) -> usize {
        let unread = self.read_ahead.len();
        self.read_ahead.clear();
        unread
    }

    /// The error for a call on a file that is gone.
    fn unusable(&self, action: &str) -> io::Error {
        let why = match &self.state {
            State::Lost(why) if !why.is_empty() => why.as_str(),
            _ => "it is no longer here",
        };
        io::Error::other(format!("could not {action} {}: the file is lost, {why}", self.path.display()))
    }
}

/// The poll interface, so a `File` works with `BufReader` (`lines()`),
/// `BufWriter` and `io::copy`. Reads go to the pool one chunk at a time.
/// Writes are *write-behind*, as in tokio's `File`: `poll_write` copies
/// the bytes, hands them to the pool and reports them written at once; a
/// failure shows up in the next call, at the latest in `flush().await`,
/// so flush before trusting that the data is there.
impl AsyncRead for File {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        loop {
            let at_end = ready!(this.poll_join(cx))?;
            if !this.read_ahead.is_empty() {
                let count = buf.len().min(this.read_ahead.len());
                buf[..count].copy_from_slice(&this.read_ahead[..count]);
                this.read_ahead.drain(..count);
                return Poll::Ready(Ok(count));
            }
            if at_end || buf.is_empty() {
                return Poll::Ready(Ok(0));
            }
            this.launch("read", true, read_job(buf.len()))?;
            // Go round: poll the new job, which registers our waker.
        }
    }
}

impl AsyncWrite for File {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.poll_join(cx))?;
        if data.is_empty() {
            return Poll::Ready(Ok(0));
        }
        let unread = this.take_read_ahead();
        this.launch("write", false, write_job(data.to_vec(), unread))?;
        Poll::Ready(Ok(data.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().poll_join(cx).map_ok(|_| ())
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

/// The pool job of one read: up to `wanted` bytes (at most 1 MiB).
fn read_job(wanted: usize) -> impl FnOnce(&mut std::fs::File) -> (Vec<u8>, io::Result<()>) + Send + 'static {
    let wanted = wanted.min(MAX_READ_CHUNK);
    move |file| {
        let mut chunk = vec![0; wanted];
        match file.read(&mut chunk) {
            Ok(count) => {
                chunk.truncate(count);
                (chunk, Ok(()))
            }
            Err(error) => (Vec::new(), Err(error)),
        }
    }
}

/// The pool job of one write: step back over `unread` read-ahead bytes,
/// then write all of `data`.
fn write_job(
    data: Vec<u8>,
    unread: usize,
) -> impl FnOnce(&mut std::fs::File) -> (Vec<u8>, io::Result<()>) + Send + 'static {
    move |file| {
        let result = rewind(file, unread).and_then(|()| file.write_all(&data));
        (Vec::new(), result)
    }
}

/// Moves the file position back over `unread` bytes that were read ahead
/// but never handed out, so a write lands where the reader left off.
fn rewind(file: &mut std::fs::File, unread: usize) -> io::Result<()> {
    if unread > 0 {
        let back = i64::try_from(unread).map_err(io::Error::other)?;
        file.seek(SeekFrom::Current(-back))?;
    }
    Ok(())
}

impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Idle(_) => "idle",
            State::Busy { .. } => "busy (a job on the pool has it)",
            State::Lost(_) => "lost",
        };
        f.debug_struct("File").field("path", &self.path).field("state", &state).finish()
    }
}
