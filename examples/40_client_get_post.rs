//! 40 — an HTTP client: GET and POST with JSON, status, headers, a custom User-Agent.
//!
//! aiohttp:   async with aiohttp.ClientSession() as session:
//!                async with session.get(f"{base}/get") as r:
//!                    print(r.status, await r.json())
//!                async with session.post(f"{base}/post", json={"key": "value"}) as r:
//!                    print((await r.json())["json"])
//!                async with session.get(f"{base}/headers", headers={"User-Agent": "MyApp/1.0"}) as r:
//!                    print(await r.json())
//! aioli:     let client = Client::new();
//!            let r = client.get(format!("{base}/get")).send().await?;
//!            let v: Value = r.json().await?;
//!            client.post(url).json(&json!({"key": "value"})).send().await?;
//!            client.get(url).header("User-Agent", "MyApp/1.0").send().await?;
//!
//! Watch: the testing app (an offline httpbin) starts on a free port in
//! this program. The GET prints status 200, the response's Content-Type
//! and the JSON describing what the server received, including our
//! default `User-Agent: aioli-http/…`. The POST's JSON comes back under
//! "json", parsed by the server. The third request's User-Agent is
//! `MyApp/1.0`. The last line shows all three went over one connection.
//! Differences: `send().await` returns once the head has arrived, like
//! aiohttp's `async with session.get(...)`; the body is read by
//! `json()`/`text()`, which consume the response. No `async with` is
//! needed to release the connection: reading the body to its end does,
//! and dropping the response closes it.

use std::time::Duration;

use aioli_http::client::Client;
use aioli_http::{testing, Server};
use serde_json::{json, Value};

fn main() {
    let result = aioli::run(async {
        let server = Server::bind("127.0.0.1:0").start(testing::app()).await?;
        let base = format!("http://{}", server.local_addr());
        println!("testing app on {base}\n");
        let client = Client::new();

        // GET: status, headers, JSON body.
        let response = client.get(format!("{base}/get")).query([("page", "1")]).send().await?;
        println!("GET /get?page=1 -> {} {}", response.status().as_u16(), response.reason());
        println!("  Content-Type: {}", response.headers().get("content-type").unwrap_or("-"));
        let body: Value = response.json().await?;
        println!("  args: {}", body["args"]);
        println!("  the server saw User-Agent: {}", body["headers"]["User-Agent"]);

        // POST with a JSON body.
        let post_data = json!({ "key": "value", "name": "test" });
        let response = client.post(format!("{base}/post")).json(&post_data).send().await?;
        println!("\nPOST /post -> {}", response.status().as_u16());
        let body: Value = response.json().await?;
        println!("  the server parsed our JSON as: {}", body["json"]);

        // A request with our own User-Agent.
        let response = client.get(format!("{base}/headers")).header("User-Agent", "MyApp/1.0").send().await?;
        println!("\nGET /headers with User-Agent: MyApp/1.0 -> {}", response.status().as_u16());
        let body: Value = response.json().await?;
        println!("  the server saw User-Agent: {}", body["headers"]["User-Agent"]);

        let pool = client.pool_status();
        println!("\nconnections opened by the client: {} (idle now: {})", pool.open, pool.idle);
        server.shutdown(Duration::from_secs(1)).await;
        Ok::<(), Box<dyn std::error::Error>>(())
    });
    if let Err(error) = result {
        eprintln!("40_client_get_post: {error}");
        std::process::exit(1);
    }
}
