//! Listing for docs/src/06-join-select-wait.md: as_completed hands outputs back in the order they finish.
//!
//! The book shows the lines between the ANCHOR comments; the test below
//! (run by tests/book_listings.rs) keeps the listing compiling and running.

// ANCHOR: listing
use aioli::stream::StreamExt;
use aioli::time::sleep;
use std::time::Duration;

fn main() {
    aioli::run(async {
        let jobs = [30, 10, 20].map(|ms| async move {
            sleep(Duration::from_millis(ms)).await;
            ms
        });
        let mut finished = aioli::as_completed(jobs);
        while let Some(ms) = finished.next().await {
            println!("{ms} ms job done"); // 10, then 20, then 30
        }
    });
}
// ANCHOR_END: listing

#[test]
fn runs() {
    main();
}
