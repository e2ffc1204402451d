//! Listing for docs/src/11-sync.md: a read-modify-write held together across an .await by a Mutex.
//!
//! The book shows the lines between the ANCHOR comments; the test below
//! (run by tests/book_listings.rs) keeps the listing compiling and running.

// ANCHOR: listing
use aioli::sync::Mutex;
use std::rc::Rc;
use std::time::Duration;

fn main() {
    aioli::run(async {
        let account = Rc::new(Mutex::new(0));
        let deposits: Vec<_> = (0..5)
            .map(|_| {
                let account = account.clone();
                aioli::spawn(async move {
                    let mut balance = account.lock().await;
                    let read = *balance;
                    aioli::time::sleep(Duration::from_millis(10)).await; // others wait
                    *balance = read + 10;
                })
            })
            .collect();
        aioli::join_all(deposits).await;
        assert_eq!(*account.lock().await, 50);
    });
}
// ANCHOR_END: listing

#[test]
fn runs() {
    main();
}
