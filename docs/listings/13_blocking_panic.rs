//! Listing for docs/src/13-blocking-pool.md: a panic on a pool thread comes back as JoinError::Panicked.
//!
//! The book shows the lines between the ANCHOR comments; the test below
//! (run by tests/book_listings.rs) keeps the listing compiling and running.

// ANCHOR: listing
fn main() {
    aioli::run(async {
        let failed = aioli::spawn_blocking(|| -> u32 { panic!("disk on fire") });
        assert_eq!(failed.await, Err(aioli::JoinError::Panicked("disk on fire".into())));
    });
}
// ANCHOR_END: listing

#[test]
fn runs() {
    main();
}
