//! `yield_now`: step aside once, the Rust spelling of `await asyncio.sleep(0)`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Lets every other ready task run before this one continues.
///
/// The first poll wakes its own task (so it goes to the back of the run
/// queue) and returns `Pending`; the second poll is `Ready`.
///
/// ```
/// aioli::run(async {
///     aioli::task::yield_now().await;
/// });
/// ```
#[doc(alias = "sleep0")]
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

/// The future returned by [`yield_now`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you .await them"]
pub struct YieldNow {
    /// Whether the one `Pending` has been returned already.
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
