//! Random-enough bytes for masking keys and handshake nonces, without a
//! `rand` crate.
//!
//! Why a client masks at all (RFC 6455 §10.3): some old transparent
//! proxies cache by what *looks* like HTTP in a stream. Without masking, a
//! script in a browser could send WebSocket frames whose bytes spell out
//! `GET /app.js HTTP/1.1 ...` and a forged response, and poison such a
//! proxy's cache for every user behind it. A fresh, unpredictable 4-byte
//! key per frame XORed over the payload means the script cannot choose
//! the bytes on the wire. The attacker the mask defends against is
//! *script in a browser*, which cannot see our process's state; so the
//! key needs to be unguessable from outside, not cryptographically
//! strong. (A program that writes raw bytes to a socket can put anything
//! on the wire anyway; masking protects proxies from browsers.)
//!
//! So the bytes come from xorshift64*, a tiny, fast generator, seeded
//! once per thread from std's `RandomState` (which the OS seeds with
//! fresh randomness for HashMap's DoS protection), mixed with the time
//! and the address of a local. tungstenite and Python's `websockets` use
//! the OS's secure random source for every key; that costs a system call
//! or a crate, and buys nothing against the proxy attack.
//!
//! Chapter: docs/src/40-websocket.md

use std::cell::Cell;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{SystemTime, UNIX_EPOCH};

thread_local! {
    /// This thread's generator state; never zero (xorshift stays at 0).
    static STATE: Cell<u64> = Cell::new(seed());
}

/// A seed no one outside this process can predict.
fn seed() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_nanos());
    hasher.write_u128(nanos);
    let local = 0u8;
    hasher.write_usize(std::ptr::addr_of!(local) as usize);
    hasher.finish() | 1
}

/// The next 64 random-enough bits (xorshift64*, Vigna 2014).
fn next_u64() -> u64 {
    STATE.with(|state| {
        let mut x = state.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        state.set(x);
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    })
}

/// A fresh masking key for one client frame.
pub(crate) fn mask_key() -> [u8; 4] {
    let bits = next_u64().to_le_bytes();
    [bits[0], bits[1], bits[2], bits[3]]
}

/// The 16 bytes a client base64-encodes as `Sec-WebSocket-Key`.
pub(crate) fn nonce() -> [u8; 16] {
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&next_u64().to_le_bytes());
    out[8..].copy_from_slice(&next_u64().to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_differ_from_one_frame_to_the_next() {
        let keys: std::collections::HashSet<[u8; 4]> = (0..1000).map(|_| mask_key()).collect();
        // 1000 draws from 2^32 values: a repeat is possible but rare
        // (about 1 in 10^4); many repeats would mean a broken generator.
        assert!(keys.len() >= 998, "{} distinct keys of 1000", keys.len());
        assert_ne!(nonce(), nonce());
    }
}
