//! Listing for docs/src/06-join-select-wait.md: join_all over plain futures and over task handles.
//!
//! The book shows the lines between the ANCHOR comments; the test below
//! (run by tests/book_listings.rs) keeps the listing compiling and running.

// ANCHOR: listing
use aioli::time::sleep;
use std::time::Duration;

async fn worker(id: u64) -> u64 {
    sleep(Duration::from_millis(100 - id * 10)).await;
    id * 100
}

fn main() {
    aioli::run(async {
        // Plain futures: all run inside this one task, about 100 ms in all.
        let outputs = aioli::join_all((0..5).map(worker)).await;
        assert_eq!(outputs, vec![0, 100, 200, 300, 400]);

        // Tasks: each runs on its own; join_all only collects.
        let handles: Vec<_> = (0..5).map(|id| aioli::spawn(worker(id))).collect();
        let results = aioli::join_all(handles).await;
        assert!(results.iter().all(|result| result.is_ok()));
    });
}
// ANCHOR_END: listing

#[test]
fn runs() {
    main();
}
