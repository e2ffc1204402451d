//! Listing for docs/src/12-streams.md: from_task, an async generator run as a task.
//!
//! The book shows the lines between the ANCHOR comments; the test below
//! (run by tests/book_listings.rs) keeps the listing compiling and running.

// ANCHOR: listing
use aioli::stream::{self, StreamExt};
use std::time::Duration;

fn main() {
    aioli::run(async {
        // async def countdown(n):
        //     for i in range(n, 0, -1):
        //         await asyncio.sleep(0.01); yield i
        let mut countdown = stream::from_task(|tx| async move {
            for i in (1..=3).rev() {
                aioli::time::sleep(Duration::from_millis(10)).await;
                tx.send(i).await; // `yield i`
            }
        });
        while let Some(i) = countdown.next().await {
            println!("{i}");
        }
    });
}
// ANCHOR_END: listing

#[test]
fn runs() {
    main();
}
