//! Listing for docs/src/12-streams.md: stream adapters, the async comprehensions.
//!
//! The book shows the lines between the ANCHOR comments; the test below
//! (run by tests/book_listings.rs) keeps the listing compiling and running.

// ANCHOR: listing
use aioli::stream::{self, StreamExt};

fn main() {
    aioli::run(async {
        // [n * n async for n in numbers if n % 2 == 1][:4]
        let squares: Vec<u64> = stream::iter(1..).filter(|n| n % 2 == 1).map(|n| n * n).take(4).collect().await;
        assert_eq!(squares, [1, 9, 25, 49]);
    });
}
// ANCHOR_END: listing

#[test]
fn runs() {
    main();
}
