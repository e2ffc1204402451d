//! What the server examples share: the `--serve [--port P]` switch.
//!
//! Each server example runs a scripted demo against itself and exits, so CI
//! can run it unattended; with `--serve` it stays up instead, on
//! 127.0.0.1 and the given port (or one the kernel picks), for curl or a
//! browser. The examples include this file with `mod common;` so the switch
//! is read the same way everywhere and the examples keep to their topic.

/// `--serve [--port P]`: the port to stay up on. Without `--serve`: `None`,
/// and the example runs its demo. A port that does not parse means 0.
pub fn serve_port() -> Option<u16> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let port = args.iter().position(|arg| arg == "--port").and_then(|i| args.get(i + 1)?.parse().ok());
    args.iter().any(|arg| arg == "--serve").then_some(port.unwrap_or(0))
}
