//! Listing for docs/src/08-task-group.md: a TaskGroup that succeeds, and one whose failure cancels the rest.
//!
//! The book shows the lines between the ANCHOR comments; the test below
//! (run by tests/book_listings.rs) keeps the listing compiling and running.

// ANCHOR: listing
use aioli::time::sleep;
use aioli::TaskGroup;
use std::time::Duration;

/// Prints when dropped: shows that a cancelled child was cleaned up.
struct Cleanup(u32);

impl Drop for Cleanup {
    fn drop(&mut self) {
        println!("child {} cleaned up", self.0);
    }
}

async fn child(id: u32, ms: u64, fail: bool) -> Result<u32, String> {
    let _cleanup = Cleanup(id);
    sleep(Duration::from_millis(ms)).await;
    if fail {
        return Err(format!("child {id} failed"));
    }
    Ok(id * 10)
}

fn main() {
    aioli::run(async {
        let mut group = TaskGroup::new();
        group.spawn(child(1, 30, false));
        group.spawn(child(2, 10, false));
        println!("{:?}", group.join().await); // Ok([10, 20]), in spawn order

        let mut group = TaskGroup::new();
        group.spawn(child(1, 300, false));
        group.spawn(child(2, 10, true));
        group.spawn(child(3, 500, false));
        // At 10 ms child 2 fails; children 1 and 3 are cancelled and clean
        // up; only then does join return the failure.
        println!("{}", group.join().await.unwrap_err());
    });
}
// ANCHOR_END: listing

#[test]
fn runs() {
    main();
}
