//! 43 — an API aggregator: a user, their posts and the comments, fetched concurrently.
//!
//! aiohttp:   async def collect(session, user_id):
//!                user, posts = await asyncio.gather(
//!                    get_json(session, f"{base}/users/{user_id}"),
//!                    get_json(session, f"{base}/posts", params={"userId": user_id}))
//!                comments = await asyncio.gather(*(
//!                    get_json(session, f"{base}/comments", params={"postId": p["id"]}) for p in posts))
//!                return {"user": user, "posts": posts, "comments": comments}
//!            results = await asyncio.gather(*(collect(session, i) for i in (1, 2, 3, 99)))
//! aioli:     let (user, posts) = aioli::join(get_json(user_url), get_json(posts_url)).await;
//!            let comments = aioli::join_all(posts.iter().map(|p| get_json(comments_url(p)))).await;
//!
//! Watch: four users are collected at once; for each, the user and their
//! posts are two concurrent requests, then the comments of every post go
//! out together (query strings `?userId=` and `?postId=` built by
//! `.query()`). Each line shows a user's name, posts and comments, and the
//! number of requests it took; user 99 does not exist, and its 404 is
//! reported as a value while the others succeed. The total is a few
//! milliseconds more than the slowest chain, not the sum of 40-odd
//! round trips.
//! Differences: the Python version turns errors into dicts with
//! `return_exceptions=True`; here `get_json` returns a `Result`, and `?`
//! inside `collect` stops that user's chain only.

use std::time::Duration;

use aioli::time::Instant;
use aioli_http::client::{Client, Error};
use aioli_http::{testing, Server};
use serde_json::Value;

/// GET a URL with a query, fail on a 4xx/5xx, parse the JSON.
async fn get_json(client: &Client, url: &str, query: &[(&str, String)]) -> Result<Value, Error> {
    let response = client.get(url).query(query.iter().map(|(k, v)| (*k, v.as_str()))).send().await?;
    response.error_for_status()?.json().await
}

/// Everything about one user: (name, posts, comments, requests made).
async fn collect(client: &Client, base: &str, user_id: u64) -> Result<(String, usize, usize, usize), Error> {
    let (user, posts) = aioli::join(
        get_json(client, &format!("{base}/users/{user_id}"), &[]),
        get_json(client, &format!("{base}/posts"), &[("userId", user_id.to_string())]),
    )
    .await;
    let (user, posts) = (user?, posts?);
    let posts = posts.as_array().cloned().unwrap_or_default();
    let comment_lists = aioli::join_all(posts.iter().map(|post| {
        let post_id = post["id"].as_u64().unwrap_or(0).to_string();
        async move { get_json(client, &format!("{base}/comments"), &[("postId", post_id)]).await }
    }))
    .await;
    let mut comments = 0;
    for list in comment_lists {
        comments += list?.as_array().map_or(0, Vec::len);
    }
    let name = user["name"].as_str().unwrap_or("?").to_string();
    Ok((name, posts.len(), comments, 2 + posts.len()))
}

fn main() {
    let result = aioli::run(async {
        let server = Server::bind("127.0.0.1:0").start(testing::app()).await?;
        let base = format!("http://{}", server.local_addr());
        let client = Client::new();

        let start = Instant::now();
        let users = [1, 2, 3, 99];
        let results = aioli::join_all(users.iter().map(|&id| collect(&client, &base, id))).await;
        for (id, result) in users.iter().zip(results) {
            match result {
                Ok((name, posts, comments, requests)) => {
                    println!("user {id:>2}: {name:<20} {posts:>2} posts, {comments:>3} comments ({requests} requests)")
                }
                Err(error) => println!("user {id:>2}: not collected: {error}"),
            }
        }
        println!(
            "\nall users in {:.1} ms over {} connections",
            start.elapsed().as_secs_f64() * 1000.0,
            client.pool_status().open
        );
        server.shutdown(Duration::from_secs(1)).await;
        Ok::<(), Box<dyn std::error::Error>>(())
    });
    if let Err(error) = result {
        eprintln!("43_api_aggregator: {error}");
        std::process::exit(1);
    }
}
