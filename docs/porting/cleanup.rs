// Porting from asyncio, the fix for error 5: cancel by asking, so the task
// can await its own cleanup (what `except CancelledError:` or `finally:`
// did), and keep Drop for cleanup that needs no await. rustdoc runs it.
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use aioli::sync::Event;
use aioli::time::sleep;

// ANCHOR: cleanup
/// Synchronous cleanup only: runs however the task ends, abort included.
struct Guard(Rc<RefCell<Vec<&'static str>>>);

impl Drop for Guard {
    fn drop(&mut self) {
        self.0.borrow_mut().push("guard dropped");
    }
}

async fn worker(stop: Rc<Event>, log: Rc<RefCell<Vec<&'static str>>>) {
    let _guard = Guard(log.clone());
    // Work until asked to stop (asyncio: until CancelledError arrives).
    let stopped = aioli::select(stop.wait(), sleep(Duration::from_secs(60))).await;
    if let aioli::Either::Left(()) = stopped {
        // The async cleanup, awaited like any other step.
        sleep(Duration::from_millis(5)).await;
        log.borrow_mut().push("flushed and said goodbye");
    }
}

fn main() {
    aioli::run(async {
        let (stop, log) = (Rc::new(Event::new()), Rc::new(RefCell::new(Vec::new())));
        let task = aioli::spawn(worker(stop.clone(), log.clone()));
        sleep(Duration::from_millis(10)).await;
        stop.set(); // not task.abort(): that would skip the async cleanup
        task.await.unwrap();
        assert_eq!(*log.borrow(), ["flushed and said goodbye", "guard dropped"]);
    });
}
// ANCHOR_END: cleanup
