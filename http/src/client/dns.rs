//! Name resolution on the blocking pool, with a cache.
//!
//! The system resolver (`getaddrinfo`, what `ToSocketAddrs` calls) blocks
//! the calling thread until the answer comes, which can take seconds. On
//! the loop's thread that would stop every task, so [`Resolver::resolve`]
//! sends the lookup to `aioli::spawn_blocking` and awaits its result like
//! any other future. Answers are kept for `ttl` (aiohttp's
//! `ttl_dns_cache`, 10 s by default) so a burst of requests to one host
//! costs one lookup. IP literals never reach the resolver.
//!
//! aiohttp does the same through `loop.getaddrinfo`, which is also a
//! thread-pool call (or aiodns, a C library with its own event loop);
//! hyper-util's `GaiResolver` uses tokio's blocking pool. Neither caches
//! by default. Concurrent misses for one name each run a lookup here;
//! the cache only helps the requests that come after the first answer.
//!
//! Chapter: docs/src/30-client-request-on-the-loop.md

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::time::Duration;

use aioli::time::Instant;

/// A cached answer: the addresses, and when they stop being trusted.
type Answer = (Vec<SocketAddr>, Instant);

/// A resolver with a time-bounded cache. One per `Client`.
pub(crate) struct Resolver {
    /// How long an answer is kept; zero turns the cache off.
    ttl: Duration,
    /// (host, port) → (addresses, when they expire).
    cache: RefCell<HashMap<(String, u16), Answer>>,
    /// How many lookups reached the system resolver (tests and examples).
    lookups: Cell<u64>,
}

impl Resolver {
    pub(crate) fn new(ttl: Duration) -> Resolver {
        Resolver { ttl, cache: RefCell::new(HashMap::new()), lookups: Cell::new(0) }
    }

    /// The addresses of `host:port`. An error here is a name-resolution
    /// failure; its message is the system resolver's.
    pub(crate) async fn resolve(&self, host: &str, port: u16) -> io::Result<Vec<SocketAddr>> {
        if let Ok(ip) = host.parse::<IpAddr>() {
            return Ok(vec![SocketAddr::new(ip, port)]);
        }
        let key = (host.to_string(), port);
        if let Some((addrs, expires)) = self.cache.borrow().get(&key) {
            if Instant::now() < *expires {
                return Ok(addrs.clone());
            }
        }
        self.lookups.set(self.lookups.get() + 1);
        let name = key.clone();
        // ANCHOR: lookup
        // The one place where the client would block: a thread of the
        // blocking pool waits for getaddrinfo while the loop runs on.
        let lookup = aioli::spawn_blocking(move || name.to_socket_addrs().map(|addrs| addrs.collect::<Vec<_>>()));
        // ANCHOR_END: lookup
        let addrs = match lookup.await {
            Ok(result) => result?,
            Err(join_error) => return Err(io::Error::other(join_error.to_string())),
        };
        if addrs.is_empty() {
            return Err(io::Error::new(io::ErrorKind::NotFound, "the name has no addresses"));
        }
        if !self.ttl.is_zero() {
            let expires = Instant::now().checked_add(self.ttl).unwrap_or_else(Instant::now);
            self.cache.borrow_mut().insert(key, (addrs.clone(), expires));
        }
        Ok(addrs)
    }

    /// Lookups that reached the system resolver so far.
    pub(crate) fn lookups(&self) -> u64 {
        self.lookups.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_literals_skip_the_resolver() {
        aioli::run(async {
            let resolver = Resolver::new(Duration::from_secs(10));
            let addrs = resolver.resolve("::1", 8080).await.unwrap();
            assert_eq!(addrs, vec!["[::1]:8080".parse().unwrap()]);
            assert_eq!(resolver.lookups(), 0);
        });
    }

    #[test]
    fn answers_are_cached_for_the_ttl() {
        aioli::run(async {
            let resolver = Resolver::new(Duration::from_millis(50));
            let first = resolver.resolve("localhost", 80).await.unwrap();
            let second = resolver.resolve("localhost", 80).await.unwrap();
            assert_eq!(first, second);
            assert_eq!(resolver.lookups(), 1);
            aioli::time::sleep(Duration::from_millis(60)).await;
            resolver.resolve("localhost", 80).await.unwrap();
            assert_eq!(resolver.lookups(), 2);
        });
    }

    #[test]
    fn an_unknown_name_is_an_error() {
        aioli::run(async {
            let resolver = Resolver::new(Duration::ZERO);
            // `.invalid` is reserved (RFC 2606): it never resolves.
            assert!(resolver.resolve("no-such-host.invalid", 80).await.is_err());
        });
    }
}
