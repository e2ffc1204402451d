//! aioli::fs: round trips, errors that name the path, a big file, and
//! what a dropped future leaves behind (docs/src/14-files.md, the rule is
//! in File's docs: the next call waits for the job and nothing is lost).

use std::error::Error;
use std::fs::OpenOptions;
use std::future::{poll_fn, Future};
use std::io;
use std::path::{Path, PathBuf};
use std::pin::pin;
use std::task::Poll;

use aioli::fs::{self, File};
use aioli::Runtime;

/// A fresh directory for one test, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(test: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!("aioli-fs-test-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Polls `future` exactly once (it must be `Pending`), then drops it: a
/// future cancelled after its job went to the pool.
async fn poll_once_then_drop<F: Future>(future: F) {
    let mut future = pin!(future);
    poll_fn(|cx| {
        assert!(future.as_mut().poll(cx).is_pending(), "the operation was expected to be on the pool");
        Poll::Ready(())
    })
    .await;
}

/// Bytes that differ from position to position, so a shifted or repeated
/// chunk cannot compare equal.
fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8 ^ (i / 251 % 256) as u8).collect()
}

#[test]
fn write_then_read_round_trips() {
    let dir = TempDir::new("round-trip");
    let (bytes, text, meta_len) = aioli::run(async {
        let path = dir.join("a.bin");
        fs::write(&path, [1u8, 2, 3]).await?;
        let bytes = fs::read(&path).await?;
        fs::write(&path, "héllo\n").await?; // replaces, does not append
        let text = fs::read_to_string(&path).await?;
        let meta_len = fs::metadata(&path).await?.len();
        io::Result::Ok((bytes, text, meta_len))
    })
    .unwrap();
    assert_eq!(bytes, [1, 2, 3]);
    assert_eq!(text, "héllo\n");
    assert_eq!(meta_len, "héllo\n".len() as u64);
}

#[test]
fn directories_are_created_and_files_removed() {
    let dir = TempDir::new("dirs");
    aioli::run(async {
        let nested = dir.join("a/b/c");
        fs::create_dir_all(&nested).await.unwrap();
        fs::create_dir_all(&nested).await.unwrap(); // already there: fine
        assert!(fs::metadata(&nested).await.unwrap().is_dir());
        let file = nested.join("f.txt");
        fs::write(&file, "x").await.unwrap();
        fs::remove_file(&file).await.unwrap();
        let gone = fs::metadata(&file).await.unwrap_err();
        assert_eq!(gone.kind(), io::ErrorKind::NotFound);
    });
}

#[test]
fn errors_name_the_operation_and_the_path() {
    let dir = TempDir::new("errors");
    let missing = dir.join("no/such/file.txt");
    aioli::run(async {
        let error = fs::read(&missing).await.unwrap_err();
        check_error(&error, "could not read", &missing, io::ErrorKind::NotFound);
        let error = File::open(&missing).await.unwrap_err();
        check_error(&error, "could not open", &missing, io::ErrorKind::NotFound);
        let error = fs::remove_file(&missing).await.unwrap_err();
        check_error(&error, "could not remove", &missing, io::ErrorKind::NotFound);
        let error = fs::write(&missing, "x").await.unwrap_err();
        check_error(&error, "could not write", &missing, io::ErrorKind::NotFound);

        // Not UTF-8: InvalidData, still with the path.
        let latin1 = dir.join("latin1.txt");
        fs::write(&latin1, [0x63, 0x61, 0x66, 0xe9]).await.unwrap();
        let error = fs::read_to_string(&latin1).await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
        assert!(error.to_string().contains(&latin1.display().to_string()), "{error}");
        let mut file = File::open(&latin1).await.unwrap();
        let error = file.read_to_string(&mut String::new()).await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
        assert!(error.to_string().starts_with("could not read text from"), "{error}");
    });
}

fn check_error(error: &io::Error, action: &str, path: &Path, kind: io::ErrorKind) {
    let message = error.to_string();
    assert!(message.starts_with(&format!("{action} {}: ", path.display())), "{message}");
    assert_eq!(error.kind(), kind, "{message}");
    // std's own error, with its OS error number, is the source.
    let source = error.source().and_then(|source| source.downcast_ref::<io::Error>());
    assert!(source.is_some_and(|source| source.raw_os_error().is_some()), "{error:?}");
}

#[test]
fn an_eight_mib_file_comes_back_byte_for_byte() {
    let dir = TempDir::new("big");
    let content = pattern(8 * 1024 * 1024 + 17);
    let expected = content.clone();
    aioli::run(async move {
        let path = dir.join("big.bin");
        fs::write(&path, &content).await.unwrap();
        assert!(fs::read(&path).await.unwrap() == expected);

        // Through File::read in small steps, and through read_to_end.
        let mut file = File::open(&path).await.unwrap();
        let mut back = Vec::new();
        let mut buf = vec![0; 64 * 1024 + 3];
        loop {
            let count = file.read(&mut buf).await.unwrap();
            if count == 0 {
                break;
            }
            back.extend_from_slice(&buf[..count]);
        }
        assert!(back == expected, "File::read gave {} bytes, not the same", back.len());

        let mut file = File::open(&path).await.unwrap();
        let mut all = Vec::new();
        assert_eq!(file.read_to_end(&mut all).await.unwrap(), expected.len());
        assert!(all == expected);

        // And written through a File in uneven pieces.
        let copy = dir.join("copy.bin");
        let mut out = File::create(&copy).await.unwrap();
        for piece in expected.chunks(1_000_003) {
            out.write_all(piece).await.unwrap();
        }
        out.sync_all().await.unwrap();
        drop(out);
        assert!(fs::read(&copy).await.unwrap() == expected);
    });
}

#[test]
fn file_writes_reads_and_appends() {
    let dir = TempDir::new("file");
    aioli::run(async {
        let path = dir.join("log.txt");
        let mut file = File::create(&path).await.unwrap();
        assert_eq!(file.path(), path);
        file.write_all(b"one\n").await.unwrap();
        file.write_all(b"two\n").await.unwrap();
        file.flush().await.unwrap();
        drop(file);

        let mut log = File::open_with(&path, OpenOptions::new().append(true)).await.unwrap();
        log.write_all(b"three\n").await.unwrap();
        drop(log);

        let mut file = File::open(&path).await.unwrap();
        let mut first = [0; 4];
        assert_eq!(file.read(&mut first).await.unwrap(), 4);
        assert_eq!(&first, b"one\n");
        let mut rest = String::from(">");
        assert_eq!(file.read_to_string(&mut rest).await.unwrap(), 10);
        assert_eq!(rest, ">two\nthree\n");
        assert_eq!(file.read(&mut first).await.unwrap(), 0, "at the end");
        assert_eq!(file.read(&mut []).await.unwrap(), 0);
    });
}

#[test]
fn a_dropped_read_loses_neither_the_file_nor_its_bytes() {
    let dir = TempDir::new("dropped-read");
    let content = pattern(10_000);
    let expected = content.clone();
    aioli::run(async move {
        let path = dir.join("data.bin");
        fs::write(&path, &content).await.unwrap();
        let mut file = File::open(&path).await.unwrap();

        // ANCHOR: dropped_read
        let mut head = [0; 100];
        assert_eq!(file.read(&mut head).await.unwrap(), 100);
        // This read goes to the pool, then its future is dropped: the job
        // still reads its 1000 bytes, and they must not vanish.
        let mut lost = [0; 1000];
        poll_once_then_drop(file.read(&mut lost)).await;
        assert!(format!("{file:?}").contains("busy"), "{file:?}");

        // The next read waits for that job, then hands its bytes out first.
        let mut next = [0; 50];
        assert_eq!(file.read(&mut next).await.unwrap(), 50);
        assert_eq!(&next[..], &expected[100..150]);
        // ANCHOR_END: dropped_read
        let mut rest = Vec::new();
        file.read_to_end(&mut rest).await.unwrap();
        assert!(rest == expected[150..], "later reads are off: got {} bytes", rest.len());

        // Dropped twice in a row, with a read_to_end this time.
        let mut file = File::open(&path).await.unwrap();
        poll_once_then_drop(file.read(&mut [0; 10])).await;
        let mut all = Vec::new();
        poll_once_then_drop(file.read_to_end(&mut all)).await;
        let mut all = Vec::new();
        file.read_to_end(&mut all).await.unwrap();
        assert!(all == expected);
    });
}

#[test]
fn a_write_after_a_dropped_read_lands_where_the_reader_left_off() {
    let dir = TempDir::new("read-then-write");
    aioli::run(async {
        let path = dir.join("letters.txt");
        fs::write(&path, "abcdefghij").await.unwrap();
        let mut file = File::open_with(&path, OpenOptions::new().read(true).write(true)).await.unwrap();
        let mut three = [0; 3];
        assert_eq!(file.read(&mut three).await.unwrap(), 3);
        // Reads "defg" ahead on the pool, then is dropped.
        poll_once_then_drop(file.read(&mut [0; 4])).await;
        file.write_all(b"XY").await.unwrap();
        drop(file);
        assert_eq!(fs::read_to_string(&path).await.unwrap(), "abcXYfghij");
    });
}

#[test]
fn a_dropped_write_still_happens_and_its_error_is_not_lost() {
    let dir = TempDir::new("dropped-write");
    aioli::run(async {
        let path = dir.join("out.txt");
        let mut file = File::create(&path).await.unwrap();
        poll_once_then_drop(file.write_all(b"written anyway\n")).await;
        file.flush().await.unwrap(); // waits for the job
        assert_eq!(fs::read_to_string(&path).await.unwrap(), "written anyway\n");

        // A write to a file opened read-only fails; with its future
        // dropped, the next call reports the failure instead.
        let mut read_only = File::open(&path).await.unwrap();
        poll_once_then_drop(read_only.write_all(b"nope")).await;
        let error = read_only.flush().await.unwrap_err();
        assert!(error.to_string().starts_with(&format!("could not write {}", path.display())), "{error}");
        // Reported once; the file works on.
        let mut text = String::new();
        read_only.read_to_string(&mut text).await.unwrap();
        assert_eq!(text, "written anyway\n");
    });
}

/// A job that cannot finish on its own: a read from an empty FIFO blocks
/// its pool thread until someone writes. (A read of a regular file might
/// finish before the loop ends, and then the file is rightly not lost.)
///
/// `block_on` waits for running pool jobs before it returns, so someone
/// must write while it waits: a thread started by a guard that the loop
/// drops when it cancels its leftover tasks, just before that wait.
#[cfg(target_os = "linux")]
#[test]
fn a_file_whose_job_ended_with_its_loop_says_it_is_lost() {
    let dir = TempDir::new("lost");
    let fifo = dir.join("fifo");
    match std::process::Command::new("mkfifo").arg(&fifo).status() {
        Ok(status) if status.success() => {}
        other => {
            eprintln!("skipped: could not make a FIFO with mkfifo ({other:?})");
            return;
        }
    }
    let runtime = Runtime::new().unwrap();
    let mut file = runtime.block_on(async {
        // Read and write: opening a FIFO so does not wait for a writer.
        let mut file = File::open_with(&fifo, OpenOptions::new().read(true).write(true)).await.unwrap();
        poll_once_then_drop(file.read(&mut [0; 4])).await;
        let writer = WriteWhenDropped(fifo.clone());
        drop(aioli::spawn(async move {
            let _writer = writer;
            std::future::pending::<()>().await
        }));
        file
        // The loop ends here and cancels the task waiting for the job,
        // and the one holding the writer.
    });
    runtime.block_on(async {
        let error = file.read(&mut [0; 4]).await.unwrap_err();
        let message = error.to_string();
        assert!(message.contains(&fifo.display().to_string()) && message.contains("the file is lost"), "{message}");
        // And it stays lost, saying so every time.
        assert!(file.sync_all().await.unwrap_err().to_string().contains("the file is lost"));
    });
}

/// Writes to a FIFO from a new thread, shortly after it is dropped: by
/// then the loop that dropped it has cancelled every task it had left.
#[cfg(target_os = "linux")]
struct WriteWhenDropped(std::path::PathBuf);

#[cfg(target_os = "linux")]
impl Drop for WriteWhenDropped {
    fn drop(&mut self) {
        use std::io::Write;

        let fifo = self.0.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(100));
            // Read-write, so that the open does not wait for a reader:
            // if the read job never started, nobody reads this.
            if let Ok(mut writer) = std::fs::OpenOptions::new().read(true).write(true).open(&fifo) {
                let _ = writer.write_all(b"done");
            }
        });
    }
}

#[test]
fn a_file_works_with_bufreader_bufwriter_and_copy() {
    use aioli::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, BufWriter};
    use aioli::stream::StreamExt;

    let dir = TempDir::new("io-traits");
    let (source, copied) = (dir.join("lines.txt"), dir.join("copy.txt"));
    aioli::run(async {
        // Write-behind through BufWriter: many small writes, one flush.
        let mut out = BufWriter::new(File::create(&source).await?);
        for n in 0..1000 {
            out.write_all(format!("line {n}\n").as_bytes()).await?;
        }
        out.flush().await?;
        drop(out);

        // Line by line, as `async for line in f` with aiofiles.
        let mut lines = BufReader::new(File::open(&source).await?).lines();
        let mut count = 0;
        while let Some(line) = lines.next().await {
            assert_eq!(line?, format!("line {count}"));
            count += 1;
        }
        assert_eq!(count, 1000);

        // copy: file to file through the traits; the end of the file ends it.
        let mut from = File::open(&source).await?;
        let mut to = File::create(&copied).await?;
        let bytes = aioli::io::copy(&mut from, &mut to).await?;
        assert_eq!(bytes, fs::metadata(&source).await?.len());
        assert_eq!(fs::read(&copied).await?, fs::read(&source).await?);
        Ok::<(), io::Error>(())
    })
    .unwrap();
}

#[test]
fn a_failed_write_behind_shows_up_at_flush() {
    use aioli::io::AsyncWriteExt;

    let dir = TempDir::new("write-behind-error");
    let path = dir.join("read-only.txt");
    aioli::run(async {
        fs::write(&path, "x").await?;
        // Opened for reading only: the OS refuses the write on the pool
        // thread, after poll_write has already reported it accepted.
        let mut file = File::open(&path).await?;
        AsyncWriteExt::write_all(&mut file, b"more").await?;
        let flushed = AsyncWriteExt::flush(&mut file).await;
        let error = flushed.expect_err("the refused write must surface at flush");
        assert!(error.to_string().contains("could not write"), "{error}");
        Ok::<(), io::Error>(())
    })
    .unwrap();
}
