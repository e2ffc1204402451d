//! Listing for docs/src/13-blocking-pool.md: a blocking call on the pool, awaited from the loop.
//!
//! The book shows the lines between the ANCHOR comments; the test below
//! (run by tests/book_listings.rs) keeps the listing compiling and running.

// ANCHOR: listing
use std::time::Duration;

fn main() {
    aioli::run(async {
        let digest = aioli::spawn_blocking(|| {
            std::thread::sleep(Duration::from_millis(20)); // a blocking library call
            "d41d8cd9"
        });
        // The loop runs other tasks while the pool thread works.
        println!("{:?}", digest.await); // Ok("d41d8cd9")
    });
}
// ANCHOR_END: listing

#[test]
fn runs() {
    main();
}
