// Porting from asyncio: a RefCell borrow held across an .await. It
// compiles, and panics at run time when another task borrows meanwhile.
// rustdoc checks that it panics (runtime/src/lib.rs).
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

// ANCHOR: refcell_across_await
fn main() {
    aioli::run(async {
        let cache = Rc::new(RefCell::new(Vec::<u32>::new()));
        let mine = cache.clone();
        let writer = aioli::spawn(async move {
            let mut entries = mine.borrow_mut(); // held across the await below
            aioli::time::sleep(Duration::from_millis(10)).await;
            entries.push(1);
        });
        aioli::time::sleep(Duration::from_millis(1)).await;
        println!("{}", cache.borrow().len()); // panics: "RefCell already mutably borrowed"
        writer.await.unwrap();
    });
}
// ANCHOR_END: refcell_across_await
