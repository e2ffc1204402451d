// Porting from asyncio, error 1: calling an async fn without .await.
// Compiled by rustdoc as a compile_fail test (runtime/src/lib.rs,
// `porting_errors`): with the warning made an error, it must not compile.
#![deny(unused_must_use)]
use std::time::Duration;

// ANCHOR: not_awaited
async fn greet() {
    aioli::time::sleep(Duration::from_millis(10)).await;
    println!("hello");
}

fn main() {
    aioli::run(async {
        greet(); // asyncio: RuntimeWarning: coroutine 'greet' was never awaited
    });
}
// ANCHOR_END: not_awaited
