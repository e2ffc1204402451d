// Porting from asyncio, error 3: gather over two different async blocks.
// rustdoc checks that it fails with E0308 (runtime/src/lib.rs).
use std::time::Duration;
use aioli::time::sleep;

// ANCHOR: gather_two_blocks
fn main() {
    aioli::run(async {
        // asyncio: results = await asyncio.gather(one(), two())
        let results = aioli::join_all([
            async { sleep(Duration::from_millis(10)).await; 1 },
            async { sleep(Duration::from_millis(20)).await; 2 },
        ])
        .await;
        println!("{results:?}");
    });
}
// ANCHOR_END: gather_two_blocks
