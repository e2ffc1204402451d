// Porting from asyncio, the fixes for error 3. rustdoc runs it.
use std::time::Duration;
use aioli::time::sleep;

// ANCHOR: gather_fix
async fn fetch(delay_ms: u64, value: u32) -> u32 {
    sleep(Duration::from_millis(delay_ms)).await;
    value
}

fn main() {
    aioli::run(async {
        // Different futures, a fixed number of them: join (or join3).
        let (one, two) = aioli::join(
            async { sleep(Duration::from_millis(10)).await; 1 },
            async { sleep(Duration::from_millis(20)).await; "two" },
        )
        .await;
        assert_eq!((one, two), (1, "two"));
        // Many calls of one async fn: all the same type, so join_all works.
        let results = aioli::join_all([(10, 1), (20, 2)].map(|(delay, value)| fetch(delay, value))).await;
        assert_eq!(results, [1, 2]);
    });
}
// ANCHOR_END: gather_fix
