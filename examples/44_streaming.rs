//! 44 — streaming responses: JSON lines one by one, and a body in 1 KiB chunks.
//!
//! aiohttp:   async with session.get(f"{base}/stream/20") as r:
//!                async for line in r.content:          # one line at a time
//!                    item = json.loads(line); count += 1
//!                    if count >= 10: break
//!            async with session.get(f"{base}/bytes/5000") as r:
//!                async for chunk in r.content.iter_chunked(1024):
//!                    print(len(chunk))
//! aioli:     let mut lines = client.get(url).send().await?.lines();
//!            while let Some(line) = lines.next().await { let item: Value = serde_json::from_str(&line?)?; }
//!            let mut chunks = client.get(url).send().await?.chunks(1024);
//!
//! Watch: the server sends 20 JSON lines; we parse them as they arrive,
//! "process" each for 20 ms, and stop after ten: the other ten are never
//! read, and dropping the half-read stream closes that connection (the
//! pool shows 0 open). Then a 5000-byte body arrives as four 1024-byte
//! pieces and one of 904, whatever sizes the network delivered it in;
//! their sum is checked against Content-Length. Last, `chunk()` shows the
//! raw pieces of a chunked body as they came off the socket.
//! Differences: aiohttp's `iter_chunked(n)` yields *up to* n bytes as they
//! arrive; `chunks(n)` yields exactly n (the last one shorter), which is
//! the fixed-size reading the name suggests. `chunk()` is the as-it-comes
//! reading, aiohttp's `iter_any()`.

use std::time::Duration;

use aioli::stream::StreamExt;
use aioli::time::sleep;
use aioli_http::client::Client;
use aioli_http::{testing, Server};
use serde_json::Value;

fn main() {
    let result = aioli::run(async {
        let server = Server::bind("127.0.0.1:0").start(testing::app()).await?;
        let base = format!("http://{}", server.local_addr());
        let client = Client::new();

        println!("JSON lines from /stream/20, stopping after ten:");
        let response = client.get(format!("{base}/stream/20")).send().await?;
        println!("  Transfer-Encoding: {}", response.headers().get("transfer-encoding").unwrap_or("-"));
        let mut lines = response.lines();
        let mut count = 0;
        while let Some(line) = lines.next().await {
            let item: Value = serde_json::from_str(&line?)?;
            count += 1;
            println!("  item {count:>2}: id {} ({} bytes of JSON)", item["id"], item.to_string().len());
            sleep(Duration::from_millis(20)).await; // processing time
            if count >= 10 {
                break;
            }
        }
        drop(lines);
        println!("  stopped after {count}; the unread rest closed its connection: {:?}", client.pool_status());

        println!("\n/bytes/5000 in 1 KiB pieces:");
        let response = client.get(format!("{base}/bytes/5000")).send().await?;
        let expected = response.content_length().unwrap_or(0);
        let mut chunks = response.chunks(1024);
        let mut total = 0;
        while let Some(piece) = chunks.next().await {
            let piece = piece?;
            total += piece.len();
            println!("  piece of {:>4} bytes (total {total})", piece.len());
        }
        println!(
            "  {total} bytes, Content-Length said {expected}: {}",
            if total as u64 == expected { "equal" } else { "DIFFERENT" }
        );

        println!("\nthe raw pieces of a chunked body (/stream-bytes/3000?chunk_size=700):");
        let mut response = client.get(format!("{base}/stream-bytes/3000?chunk_size=700")).send().await?;
        while let Some(piece) = response.chunk().await? {
            println!("  {} bytes", piece.len());
        }
        println!("  end of body; the connection is back in the pool: {:?}", client.pool_status());

        server.shutdown(Duration::from_secs(1)).await;
        Ok::<(), Box<dyn std::error::Error>>(())
    });
    if let Err(error) = result {
        eprintln!("44_streaming: {error}");
        std::process::exit(1);
    }
}
