// Porting from asyncio: time.sleep in a coroutine. It compiles and runs;
// in a debug build the slow-poll detector names the task that blocked.
// rustdoc runs it (runtime/src/lib.rs).
use std::time::Duration;

// ANCHOR: blocking_call
fn main() {
    aioli::run(async {
        let task = aioli::spawn(async {
            std::thread::sleep(Duration::from_millis(150)); // asyncio: time.sleep(0.15)
        });
        task.await.unwrap();
    });
}
// ANCHOR_END: blocking_call
