// Porting from asyncio: asyncio.run inside a coroutine. rustdoc checks
// that it panics (runtime/src/lib.rs).
// ANCHOR: nested_run
fn main() {
    aioli::run(async {
        let answer = aioli::run(async { 42 }); // asyncio.run() inside a coroutine
        println!("{answer}");
    });
}
// ANCHOR_END: nested_run
