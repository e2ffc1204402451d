//! 19 — async files: write, read back, append, all without blocking the loop.
//!
//! aiofiles:  async with aiofiles.open(path, "w") as f: await f.write("first line\n")
//!            async with aiofiles.open(path, "a") as f: await f.write("line 1\n")
//!            async with aiofiles.open(path) as f: text = await f.read()
//! aioli:     aioli::fs::write(&path, "first line\n").await?;
//!            let mut f = File::open_with(&path, OpenOptions::new().append(true)).await?;
//!            f.write_all(b"line 1\n").await?;
//!            let text = aioli::fs::read_to_string(&path).await?;
//!
//! Watch: each step prints what it wrote or read back, under a scratch
//! directory in the system's temp dir, removed at the end. Step 4 writes
//! five files at once with try_join_all: the five writes go to the pool
//! together, and the loop only waits for them. Step 5 shows an error: it names the file, which std's
//! own "No such file or directory" does not.
//! Differences: aiofiles and aioli do the same thing underneath: every
//! call is a plain blocking call on a thread pool, because the OS has no
//! readiness to wait for on a regular file (epoll refuses them). Python's
//! `async with` closes the file at the end of the block; a Rust `File`
//! closes when dropped. aiofiles' text mode decodes as it reads; aioli
//! reads bytes, and read_to_string checks they are UTF-8.

use std::fs::OpenOptions;
use std::io;

use aioli::fs::{self, File};

fn main() -> io::Result<()> {
    let dir = std::env::temp_dir().join(format!("aioli-example-19-{}", std::process::id()));
    let outcome = aioli::run(async {
        println!("1. a scratch directory: {}", dir.display());
        fs::create_dir_all(&dir).await?;

        let notes = dir.join("notes.txt");
        println!("\n2. write a file, read it back");
        fs::write(&notes, "first line\n").await?;
        let bytes = fs::read(&notes).await?;
        println!("   wrote and read back {} bytes: {:?}", bytes.len(), String::from_utf8_lossy(&bytes));

        println!("\n3. append three lines through an open File, then read it all");
        {
            let mut log = File::open_with(&notes, OpenOptions::new().append(true)).await?;
            for number in 1..=3 {
                // Each write_all is one trip to a pool thread and back.
                log.write_all(format!("line {number}\n").as_bytes()).await?;
            }
            log.sync_all().await?; // fsync: on the disk, not only in the page cache
        } // dropped: the file is closed, like the end of Python's `async with`
        let mut text = String::new();
        File::open(&notes).await?.read_to_string(&mut text).await?;
        for line in text.lines() {
            println!("   | {line}");
        }
        println!("   metadata: {} bytes", fs::metadata(&notes).await?.len());

        println!("\n4. five files written at once");
        let writes = (1..=5).map(|number| {
            let path = dir.join(format!("part-{number}.txt"));
            async move {
                fs::write(&path, format!("part {number}\n").repeat(1000)).await?;
                io::Result::Ok(path)
            }
        });
        let parts = aioli::try_join_all(writes).await?;
        for path in &parts {
            let size = fs::metadata(path).await?.len();
            println!("   {} ({size} bytes)", path.file_name().map(|name| name.to_string_lossy()).unwrap_or_default());
        }

        println!("\n5. reading a file that is not there");
        match fs::read_to_string(dir.join("missing.txt")).await {
            Ok(_) => println!("   unexpectedly found it"),
            Err(error) => println!("   error ({:?}): {error}", error.kind()),
        }

        println!("\n6. clean up");
        for path in parts.iter().chain([&notes]) {
            fs::remove_file(path).await?;
        }
        // aioli::fs has no remove_dir; any std call can go to the pool.
        let empty_dir = dir.clone();
        match aioli::spawn_blocking(move || std::fs::remove_dir(empty_dir)).await {
            Ok(removed) => removed?,
            Err(join_error) => return Err(io::Error::other(join_error)),
        }
        println!("   removed {}", dir.display());
        io::Result::Ok(())
    });
    // If a step failed on the way, the directory is still there: remove it
    // now (with the loop gone, blocking calls are fine again).
    if outcome.is_err() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    outcome
}
