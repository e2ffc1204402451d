//! Listing for docs/src/15-io.md: read_line loses a half line to a timeout, Lines keeps it.
//!
//! The book shows the lines between the ANCHOR comments; the test below
//! (run by tests/book_listings.rs) keeps the listing compiling and running.

// ANCHOR: listing
use std::time::Duration;

use aioli::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use aioli::net::{TcpListener, TcpStream};
use aioli::time::{sleep, timeout};

fn main() -> std::io::Result<()> {
    // A paused clock makes the timing exact (chapter 5); the IO is real.
    let runtime = aioli::Runtime::builder().paused_clock(true).build()?;
    runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        // The peer sends each line in two halves, 100 ms apart.
        let peer = aioli::spawn(async move {
            let mut stream = TcpStream::connect(addr).await?;
            for half in ["hel", "lo\n", "wor", "ld\n"] {
                stream.write_all(half.as_bytes()).await?;
                sleep(Duration::from_millis(100)).await;
            }
            Ok::<_, std::io::Error>(())
        });
        let (socket, _) = listener.accept().await?;
        let mut reader = BufReader::new(socket);
        let limit = Duration::from_millis(70);

        // read_line: the first attempt takes "hel" out of the BufReader,
        // then the timeout drops it, and "hel" with it.
        for attempt in 1.. {
            let mut line = String::new();
            match timeout(limit, reader.read_line(&mut line)).await {
                Ok(result) => {
                    result?;
                    println!("read_line, attempt {attempt}: {line:?}");
                    break;
                }
                Err(_) => println!("read_line, attempt {attempt}: timed out"),
            }
        }

        // Lines keeps a partial line inside itself: a timed-out next_line
        // loses nothing, and the next call finishes the same line.
        let mut lines = reader.lines();
        for attempt in 1.. {
            match timeout(limit, lines.next_line()).await {
                Ok(line) => {
                    println!("next_line, attempt {attempt}: {:?}", line?);
                    break;
                }
                Err(_) => println!("next_line, attempt {attempt}: timed out"),
            }
        }
        let _ = peer.await;
        Ok(())
    })
}
// ANCHOR_END: listing

#[test]
fn runs() {
    main().expect("the listing failed");
}
