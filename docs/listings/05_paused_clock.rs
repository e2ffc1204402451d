//! Listing for docs/src/05-timers.md: an hour of sleeping on a paused clock, in microseconds.
//!
//! The book shows the lines between the ANCHOR comments; the test below
//! (run by tests/book_listings.rs) keeps the listing compiling and running.

// ANCHOR: listing
use aioli::time::{sleep, Instant};
use aioli::Runtime;
use std::time::Duration;

fn main() -> std::io::Result<()> {
    let runtime = Runtime::builder().paused_clock(true).build()?;
    runtime.block_on(async {
        let start = Instant::now();
        let hour = aioli::spawn(async move {
            sleep(Duration::from_secs(3600)).await;
            start.elapsed()
        });
        let minute = aioli::spawn(async move {
            sleep(Duration::from_secs(60)).await;
            start.elapsed()
        });
        // Prints Ok(60s) then Ok(3600s), in a few microseconds of real time.
        println!("{:?}", minute.await);
        println!("{:?}", hour.await);
    });
    Ok(())
}
// ANCHOR_END: listing

#[test]
fn runs() {
    main().expect("the listing failed");
}
