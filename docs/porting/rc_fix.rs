// Porting from asyncio, the fix for error 2: shared state in Rc<RefCell<_>>,
// a clone moved into each task. rustdoc runs it (runtime/src/lib.rs).
use std::cell::RefCell;
use std::rc::Rc;

// ANCHOR: rc_fix
fn main() {
    aioli::run(async {
        let counter = Rc::new(RefCell::new(0));
        let mine = Rc::clone(&counter); // the task's own handle on it
        let task = aioli::spawn(async move {
            *mine.borrow_mut() += 1; // borrow, change, release: no .await in between
        });
        task.await.unwrap();
        assert_eq!(*counter.borrow(), 1);
    });
}
// ANCHOR_END: rc_fix
