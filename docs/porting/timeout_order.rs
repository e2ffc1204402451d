// Porting from asyncio, error 4: wait_for's argument order.
// rustdoc checks that it fails with E0308 (runtime/src/lib.rs).
use std::time::Duration;
use aioli::time::{sleep, timeout};

// ANCHOR: timeout_order
fn main() {
    aioli::run(async {
        // asyncio: await asyncio.wait_for(slow(), timeout=0.1)
        let result = timeout(sleep(Duration::from_secs(1)), Duration::from_millis(100)).await;
        println!("{result:?}");
    });
}
// ANCHOR_END: timeout_order
