// Porting from asyncio: wait_for on a task cancels the task; timeout on a
// JoinHandle only drops the handle. rustdoc runs it (runtime/src/lib.rs).
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;
use aioli::time::{sleep, timeout};

// ANCHOR: timeout_on_task
fn main() {
    aioli::run(async {
        let finished = Rc::new(Cell::new(false));
        let flag = finished.clone();
        let slow = aioli::spawn(async move {
            sleep(Duration::from_millis(50)).await;
            flag.set(true);
        });

        // timeout(d, handle) would drop the handle: the task runs on,
        // detached. Lend it instead, and abort it yourself on timeout.
        let mut slow = slow;
        if timeout(Duration::from_millis(10), &mut slow).await.is_err() {
            slow.abort(); // asyncio's wait_for does this for you
        }
        assert!(slow.await.unwrap_err().is_cancelled());
        sleep(Duration::from_millis(100)).await;
        assert!(!finished.get(), "aborted: it never got past its sleep");
    });
}
// ANCHOR_END: timeout_on_task
