//! The jsonplaceholder-like routes: a fake REST API of posts, users,
//! comments and todos.
//!
//! jsonplaceholder.typicode.com serves 100 posts, 10 users, 500 comments
//! and 200 todos with fixed ids and links between them (post 7 belongs to
//! user 1; comments 31-35 belong to post 7). The seeds' API-aggregator
//! examples fetch a user, then their posts, then each post's comments.
//! Here every record is generated from its id ([`super::fake_text`]), so
//! the same id always gives the same record and there is no data file:
//! `post(7)` is computed on request, a few microseconds of string work.
//!
//! `POST /posts` answers 201 with the posted JSON plus `"id": 101` and
//! stores nothing, as jsonplaceholder does. An unknown id is 404 with `{}`.
//!
//! Chapter: docs/src/23-routing-and-middleware.md

use serde_json::{json, Value};

use super::fake_text::{paragraph, title, words, SplitMix64};
use crate::{App, Error, Request, Response, StatusCode};

const POSTS: u64 = 100;
const USERS: u64 = 10;
const COMMENTS: u64 = 500;
const TODOS: u64 = 200;

/// Adds the jsonplaceholder-like routes to `app`.
pub(crate) fn routes(app: App) -> App {
    app.get("/posts", list_posts)
        .post("/posts", create_post)
        .get("/posts/{id}", get_post)
        .get("/posts/{id}/comments", post_comments)
        .get("/users", list_users)
        .get("/users/{id}", get_user)
        .get("/comments", list_comments)
        .get("/todos", list_todos)
        .get("/todos/{id}", get_todo)
}

/// Post `id` (1-100): ten per user.
pub(crate) fn post(id: u64) -> Value {
    json!({ "userId": (id - 1) / 10 + 1, "id": id, "title": title(id), "body": paragraph(id) })
}

/// Comment `id` (1-500): five per post.
pub(crate) fn comment(id: u64) -> Value {
    let seed = 1_000 + id;
    let name = words(seed, 4);
    let mut rng = SplitMix64::new(seed);
    let email = format!("{}.{}@example.net", words(rng.next_u64(), 1), words(rng.next_u64(), 1));
    json!({ "postId": (id - 1) / 5 + 1, "id": id, "name": name, "email": email, "body": paragraph(seed) })
}

/// Todo `id` (1-200): twenty per user, about half done.
pub(crate) fn todo(id: u64) -> Value {
    let seed = 5_000 + id;
    let completed = SplitMix64::new(seed).below(2) == 1;
    json!({ "userId": (id - 1) / 20 + 1, "id": id, "title": title(seed), "completed": completed })
}

const FIRST_NAMES: [&str; 10] = ["Ada", "Brendan", "Chiara", "Dmitri", "Esi", "Farah", "Goran", "Hana", "Ilse", "Jun"];
const LAST_NAMES: [&str; 10] =
    ["Lindqvist", "Okafor", "Moreau", "Takeda", "Novak", "Haddad", "Brennan", "Silva", "Kowalski", "Mbeki"];
const CITIES: [&str; 5] = ["Port Alda", "Silvaton", "Lumen Bay", "Corva Falls", "New Orbis"];

/// User `id` (1-10), with the nested address and company jsonplaceholder has.
pub(crate) fn user(id: u64) -> Value {
    let index = (id - 1) as usize % FIRST_NAMES.len();
    let (first, last) = (FIRST_NAMES[index], LAST_NAMES[index]);
    let username = format!("{}{}", first, &last[..1]).to_ascii_lowercase();
    let mut rng = SplitMix64::new(9_000 + id);
    // jsonplaceholder gives coordinates as strings with four decimals.
    let lat = format!("{:.4}", rng.below(1_800_000) as f64 / 10_000.0 - 90.0);
    let lng = format!("{:.4}", rng.below(3_600_000) as f64 / 10_000.0 - 180.0);
    let street = words(9_100 + id, 1);
    let street = street[..1].to_ascii_uppercase() + &street[1..];
    json!({
        "id": id,
        "name": format!("{first} {last}"),
        "username": username,
        "email": format!("{}@example.org", username),
        "address": {
            "street": format!("{street} Street"),
            "suite": format!("Suite {}", 100 + rng.below(900)),
            "city": CITIES[index % CITIES.len()],
            "zipcode": format!("{:05}", rng.below(100_000)),
            "geo": { "lat": lat, "lng": lng }
        },
        "phone": format!("555-{:04}", rng.below(10_000)),
        "website": format!("{}.example.com", username),
        "company": { "name": format!("{last} & Co"), "catchPhrase": title(9_200 + id), "bs": words(9_300 + id, 3) }
    })
}

/// The record id from the path, if it is one of `1..=count`.
fn id_in(req: &Request, count: u64) -> Option<u64> {
    req.param("id")?.parse().ok().filter(|id| (1..=count).contains(id))
}

/// jsonplaceholder's answer for an id it does not have.
fn not_found() -> Response {
    Response::json(&json!({})).status(StatusCode::NOT_FOUND)
}

/// `?name=N` as a number, when present (an unparsable value matches nothing).
fn filter(req: &Request, name: &str) -> Option<Option<u64>> {
    req.query_param(name).map(|raw| raw.parse().ok())
}

/// The records `1..=count` whose `field` equals the query's `name`, or all.
fn listing(req: &Request, name: &str, field: &str, count: u64, make: fn(u64) -> Value) -> Response {
    let wanted = filter(req, name);
    let records: Vec<Value> = (1..=count)
        .map(make)
        .filter(|record| match &wanted {
            None => true,
            Some(wanted) => record[field].as_u64() == *wanted,
        })
        .collect();
    Response::json(&records)
}

async fn list_posts(req: Request) -> Response {
    listing(&req, "userId", "userId", POSTS, post)
}

async fn get_post(req: Request) -> Response {
    id_in(&req, POSTS).map_or_else(not_found, |id| Response::json(&post(id)))
}

async fn post_comments(req: Request) -> Response {
    match id_in(&req, POSTS) {
        Some(id) => Response::json(&((id - 1) * 5 + 1..=id * 5).map(comment).collect::<Vec<_>>()),
        None => not_found(),
    }
}

/// `POST /posts`: the JSON back with `id: 101`, status 201; nothing is kept.
async fn create_post(mut req: Request) -> Result<Response, Error> {
    let mut posted: Value = req.json().await?;
    match posted.as_object_mut() {
        Some(fields) => {
            fields.insert("id".into(), Value::from(POSTS + 1));
        }
        None => return Err(Error::bad_request("POST /posts takes a JSON object, like {\"title\": \"…\"}")),
    }
    Ok(Response::json(&posted).status(StatusCode::CREATED))
}

async fn list_users(req: Request) -> Response {
    listing(&req, "id", "id", USERS, user)
}

async fn get_user(req: Request) -> Response {
    id_in(&req, USERS).map_or_else(not_found, |id| Response::json(&user(id)))
}

async fn list_comments(req: Request) -> Response {
    listing(&req, "postId", "postId", COMMENTS, comment)
}

async fn list_todos(req: Request) -> Response {
    listing(&req, "userId", "userId", TODOS, todo)
}

async fn get_todo(req: Request) -> Response {
    id_in(&req, TODOS).map_or_else(not_found, |id| Response::json(&todo(id)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_link_up_like_jsonplaceholders() {
        assert_eq!(post(7)["userId"], 1);
        assert_eq!(post(100)["userId"], 10);
        assert_eq!(comment(31)["postId"], 7);
        assert_eq!(comment(35)["postId"], 7);
        assert_eq!(todo(21)["userId"], 2);
        assert_eq!(user(3)["id"], 3);
        assert!(user(10)["address"]["geo"]["lat"].is_string());
        assert_eq!(post(5), post(5), "the same id gives the same record");
    }
}
