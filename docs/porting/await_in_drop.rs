// Porting from asyncio, error 5: async cleanup in Drop.
// rustdoc checks that it fails with E0728 (runtime/src/lib.rs).
use aioli::io::AsyncWriteExt;
use aioli::net::TcpStream;

// ANCHOR: await_in_drop
struct Connection {
    stream: TcpStream,
}

impl Drop for Connection {
    fn drop(&mut self) {
        // asyncio: async def __aexit__(self, *exc): self.writer.write(b"bye\n"); await self.writer.drain()
        let _ = self.stream.write_all(b"bye\n").await;
    }
}
// ANCHOR_END: await_in_drop

fn main() {}
