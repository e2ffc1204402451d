//! 26 — errors: `try/except` around an await is a `Result` and `?`; an exception in a task is a `JoinError`.
//!
//! asyncio:   async def parent():
//!                try:
//!                    return await load_config("app.toml")  # raises FileNotFoundError inside
//!                except FileNotFoundError as e:
//!                    raise ConfigError("loading config") from e
//!                finally:
//!                    print("parent: cleanup")
//!            task = asyncio.create_task(crashes())           # an exception inside a task
//!            try: await task
//!            except ZeroDivisionError as e: print("the task failed:", e)
//!            results = await asyncio.gather(*tasks, return_exceptions=True)
//! aioli:     let text = load_config(path).await.map_err(|e| ConfigError::new("loading config", e))?;
//!            let _cleanup = Guard;                           // finally = Drop
//!            match aioli::spawn(crashes()).await { Err(JoinError::Panicked(msg)) => .., .. }
//!            let results: Vec<Result<T, JoinError>> = aioli::join_all(handles).await;
//!
//! Watch: part 1 — an error made three awaits down comes back up through
//! each `?`, gains context on the way ("loading config: reading app.toml:
//! no such file"), and the cleanup guard prints whether the call failed or
//! not. Part 2 — a task that panics gives its awaiter
//! `JoinError::Panicked` with the panic's message, and a sibling task
//! keeps running: the loop catches the panic (stderr shows the panic and
//! the loop's "panicked; the loop goes on" line). Part 3 — several tasks,
//! some failing: `join_all` of the handles lists every outcome in order
//! (gather with return_exceptions=True), `try_join_all` stops at the
//! first failure and cancels the rest (plain gather, which raises but
//! leaves the others running).
//! Differences: Rust has no exceptions. An expected failure is a value,
//! `Result<T, E>`, that the type system makes the caller look at; `?` is
//! the "re-raise". A panic is for bugs: inside a task it is caught at the
//! task's edge and becomes `JoinError::Panicked`, never an error the
//! awaiter can mistake for a normal one. "Task exception was never
//! retrieved" has a counterpart too: an unused `Result` is a compile-time
//! warning (`#[must_use]`), and a panic in a detached task still prints.

use std::fmt;
use std::time::Duration;

use aioli::time::{sleep, Instant};
use aioli::JoinError;

/// An error with a chain of causes, like `raise X from e`.
#[derive(Debug)]
struct ConfigError {
    context: &'static str,
    cause: std::io::Error,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.context, self.cause)
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.cause)
    }
}

/// Three awaits down: the failing call.
async fn read_file(path: &str) -> std::io::Result<String> {
    sleep(Duration::from_millis(50)).await;
    if path == "app.toml" {
        return Err(std::io::Error::new(std::io::ErrorKind::NotFound, format!("reading {path}: no such file")));
    }
    Ok(format!("contents of {path}"))
}

async fn load_config(path: &str) -> std::io::Result<String> {
    let text = read_file(path).await?; // `?`: on Err, return it to our caller now
    Ok(text.to_uppercase())
}

async fn parent(path: &str) -> Result<String, ConfigError> {
    // `finally`: a value whose Drop runs however this function ends.
    struct Cleanup<'a>(&'a str);
    impl Drop for Cleanup<'_> {
        fn drop(&mut self) {
            println!("   parent({}): cleanup ran (the `finally`)", self.0);
        }
    }
    let _cleanup = Cleanup(path);
    let config = load_config(path).await.map_err(|cause| ConfigError { context: "loading config", cause })?;
    Ok(config)
}

async fn crashes() -> u32 {
    sleep(Duration::from_millis(100)).await;
    let divisor = std::hint::black_box(0);
    // Integer division by zero panics in Rust (ZeroDivisionError in Python).
    10 / divisor
}

/// Succeeds or fails after `ms` milliseconds.
async fn attempt(name: &'static str, ms: u64, succeeds: bool) -> Result<u32, String> {
    sleep(Duration::from_millis(ms)).await;
    if succeeds {
        println!("   (the {name} one finished: it was not cancelled?)");
        Ok(1)
    } else {
        Err(format!("the {name} one failed"))
    }
}

fn main() {
    aioli::run(async {
        let start = Instant::now();

        println!("1. an error travels up through the awaits");
        for path in ["defaults.toml", "app.toml"] {
            match parent(path).await {
                Ok(config) => println!("   parent({path}) = {config:?}"),
                Err(error) => {
                    println!("   parent({path}) failed: {error}");
                    let cause = std::error::Error::source(&error).map(ToString::to_string);
                    println!("   caused by: {}", cause.unwrap_or_default());
                }
            }
        }

        println!("\n2. a panic inside a task (see stderr for the panic itself)");
        let sibling = aioli::spawn(async move {
            for beat in 1..=3 {
                sleep(Duration::from_millis(60)).await;
                println!("   [{:.2}s] sibling: still running ({beat}/3)", start.elapsed().as_secs_f64());
            }
            "sibling finished"
        });
        match aioli::spawn(crashes()).await {
            Ok(value) => println!("   the task returned {value}?"),
            Err(JoinError::Panicked(message)) => {
                println!("   [{:.2}s] the task failed: JoinError::Panicked({message:?})", start.elapsed().as_secs_f64())
            }
            Err(JoinError::Cancelled) => println!("   the task was cancelled?"),
        }
        println!("   {:?}", sibling.await);

        println!("\n3. several tasks, some failing");
        let outcomes = aioli::join_all(["a.toml", "app.toml", "b.toml"].map(|path| aioli::spawn(parent(path)))).await;
        for (index, outcome) in outcomes.iter().enumerate() {
            match outcome {
                Ok(Ok(config)) => println!("   join_all [{index}]: ok {config:?}"),
                Ok(Err(error)) => println!("   join_all [{index}]: the task returned an error: {error}"),
                Err(join_error) => println!("   join_all [{index}]: the task itself failed: {join_error}"),
            }
        }
        // Plain futures, not tasks: try_join_all runs them inside this task
        // and drops the ones still pending at the first Err, which cancels
        // them. (Dropping a JoinHandle would only detach its task.)
        let first_error = aioli::try_join_all([attempt("slow", 500, true), attempt("fast", 50, false)]).await;
        println!(
            "   [{:.2}s] try_join_all: {first_error:?} (the slow one was dropped: no 0.5 s wait)",
            start.elapsed().as_secs_f64()
        );
    });
}
