// Porting from asyncio, error 2: a spawned task borrows a local.
// rustdoc checks that it fails with E0373 (runtime/src/lib.rs).
// ANCHOR: borrow_in_spawn
fn main() {
    aioli::run(async {
        let mut counter = 0;
        let task = aioli::spawn(async {
            counter += 1; // borrows `counter`, which main's future owns
        });
        task.await.unwrap();
        println!("{counter}");
    });
}
// ANCHOR_END: borrow_in_spawn
