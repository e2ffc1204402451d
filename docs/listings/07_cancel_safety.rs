//! Listings for docs/src/07-cancellation.md: a reader that loses data when
//! a timeout cancels it, and the same reader made cancellation-safe.
//!
//! The book shows the lines between the ANCHOR comments; the tests below
//! (run by tests/book_listings.rs) keep the listings compiling and running.

// ANCHOR: lost_head
use aioli::time::{sleep, timeout};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use std::time::Duration;

/// Chunks that have arrived and not been read yet.
type Inbox = Rc<RefCell<VecDeque<String>>>;

/// The next chunk. Safe to cancel: a chunk is taken out of the inbox and
/// returned in the same poll, with no `.await` in between.
async fn next_chunk(inbox: &Inbox) -> String {
    loop {
        let chunk = inbox.borrow_mut().pop_front();
        if let Some(chunk) = chunk {
            return chunk;
        }
        sleep(Duration::from_millis(1)).await;
    }
}

/// A message is a head and a body. NOT safe to cancel.
async fn read_message(inbox: &Inbox) -> String {
    let head = next_chunk(inbox).await; // the head now exists only here...
    let body = next_chunk(inbox).await; // ...and is dropped if we are dropped here
    format!("{head}{body}")
}

fn main() -> std::io::Result<()> {
    let runtime = aioli::Runtime::builder().paused_clock(true).build()?;
    runtime.block_on(async {
        let inbox: Inbox = Rc::default();
        let sender = inbox.clone();
        let sending = aioli::spawn(async move {
            for (wait_ms, chunk) in [(10, "head1:"), (40, "body1"), (5, "head2:"), (5, "body2")] {
                sleep(Duration::from_millis(wait_ms)).await;
                sender.borrow_mut().push_back(chunk.to_string());
            }
        });
        for attempt in 1..=2 {
            match timeout(Duration::from_millis(30), read_message(&inbox)).await {
                Ok(message) => println!("attempt {attempt}: {message:?}"),
                Err(_) => println!("attempt {attempt}: timed out"),
            }
        }
        let _ = sending.await; // let the sender finish before the loop ends
    });
    Ok(())
}
// ANCHOR_END: lost_head

// ANCHOR: kept_head
/// Reads messages; a head read by a cancelled call is kept for the next.
struct MessageReader {
    inbox: Inbox,
    head: Option<String>,
}

impl MessageReader {
    /// Safe to cancel: at each `.await`, all progress is stored in `self`.
    async fn read_message(&mut self) -> String {
        if self.head.is_none() {
            let head = next_chunk(&self.inbox).await;
            self.head = Some(head); // stored before the next .await
        }
        let body = next_chunk(&self.inbox).await;
        let head = self.head.take().unwrap_or_default();
        format!("{head}{body}")
    }
}
// ANCHOR_END: kept_head

/// `main` again, with the same sender, reading through a `MessageReader`.
fn main_with_reader() -> std::io::Result<()> {
    let runtime = aioli::Runtime::builder().paused_clock(true).build()?;
    runtime.block_on(async {
        let inbox: Inbox = Rc::default();
        let sender = inbox.clone();
        let sending = aioli::spawn(async move {
            for (wait_ms, chunk) in [(10, "head1:"), (40, "body1"), (5, "head2:"), (5, "body2")] {
                sleep(Duration::from_millis(wait_ms)).await;
                sender.borrow_mut().push_back(chunk.to_string());
            }
        });
        // ANCHOR: kept_head_loop
        let mut reader = MessageReader { inbox: inbox.clone(), head: None };
        for attempt in 1..=2 {
            match timeout(Duration::from_millis(30), reader.read_message()).await {
                Ok(message) => println!("attempt {attempt}: {message:?}"),
                Err(_) => println!("attempt {attempt}: timed out"),
            }
        }
        // ANCHOR_END: kept_head_loop
        let _ = sending.await;
    });
    Ok(())
}

#[test]
fn the_plain_reader_runs() {
    main().expect("the listing failed");
}

#[test]
fn the_reader_with_a_memory_runs() {
    main_with_reader().expect("the listing failed");
}
