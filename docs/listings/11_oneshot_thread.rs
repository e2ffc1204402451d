//! Listing for docs/src/11-sync.md: a oneshot channel carries a value from a std thread into a task.
//!
//! The book shows the lines between the ANCHOR comments; the test below
//! (run by tests/book_listings.rs) keeps the listing compiling and running.

// ANCHOR: listing
use aioli::sync::oneshot;

fn main() {
    aioli::run(async {
        let (tx, rx) = oneshot::channel();
        std::thread::spawn(move || {
            let answer = (1..=10).sum::<u32>(); // some work off the loop
            let _ = tx.send(answer);
        });
        // The loop sleeps in mio::Poll until the thread's wake rings it.
        assert_eq!(rx.await, Ok(55));
    });
}
// ANCHOR_END: listing

#[test]
fn runs() {
    main();
}
