//! Listing for docs/src/03-executor.md: two tasks whose waits overlap.
//!
//! The book shows the lines between the ANCHOR comments; the test below
//! (run by tests/book_listings.rs) keeps the listing compiling and running.

// ANCHOR: listing
use aioli::time::sleep;
use std::time::Duration;

async fn job(name: &'static str, ms: u64) -> String {
    sleep(Duration::from_millis(ms)).await;
    format!("{name} done")
}

fn main() {
    aioli::run(async {
        let a = aioli::spawn(job("A", 200));
        let b = aioli::task::Builder::new().name("B").spawn(job("B", 100));
        // Both run from our first await on; awaiting A does not hold B back.
        println!("{:?}", a.await); // Ok("A done"), after 200 ms
        println!("{:?}", b.await); // Ok("B done"), already finished
    });
}
// ANCHOR_END: listing

#[test]
fn runs() {
    main();
}
