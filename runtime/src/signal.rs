//! Signals: `ctrl_c().await` waits for Ctrl-C (SIGINT).
//!
//! A signal handler may run at any instant, on whatever thread the OS
//! picks, and may do almost nothing (no locks, no allocation). The classic
//! way to bring a signal into an event loop is the *self-pipe trick*: the
//! handler writes one byte into a socket pair, and the loop watches the
//! other end like any socket. When the byte arrives, the reactor wakes the
//! task waiting in `ctrl_c`. The handler itself (unsafe code) comes from
//! the `signal-hook` crate; everything after the byte is ordinary aioli.
//!
//! asyncio's `loop.add_signal_handler` uses the same trick (its
//! `set_wakeup_fd`), and so does tokio's signal driver.
//!
//! Chapter: docs/src/10-reactor.md

use std::future::poll_fn;
use std::io::{self, Read};

use signal_hook::consts::SIGINT;
use signal_hook::SigId;

use crate::reactor::source::IoSource;
use crate::reactor::Direction;

/// Completes when the process receives SIGINT (Ctrl-C in a terminal).
///
/// Waiting for it replaces the default action, which is to end the
/// process, for the rest of the process's life (as in tokio): a program
/// that calls `ctrl_c` decides itself what Ctrl-C does, usually a clean
/// shutdown.
///
/// ```no_run
/// aioli::run(async {
///     println!("running; press Ctrl-C to stop");
///     aioli::signal::ctrl_c().await.unwrap();
///     println!("shutting down cleanly");
/// });
/// ```
///
/// # Panics
///
/// Outside an aioli loop.
#[doc(alias("add_signal_handler", "KeyboardInterrupt"))]
pub async fn ctrl_c() -> io::Result<()> {
    let (receiver, sender) = mio::net::UnixStream::pair()?;
    // From here on, each SIGINT writes a byte into `sender`.
    let registration = Registration(signal_hook::low_level::pipe::register(SIGINT, sender)?);
    let receiver = IoSource::new(receiver)?;
    let mut byte = [0u8; 1];
    poll_fn(|cx| receiver.poll_io(cx, Direction::Read, |mut socket| socket.read(&mut byte))).await?;
    drop(registration);
    Ok(())
}

/// Removes the byte-writing action when the wait ends or is cancelled.
struct Registration(SigId);

impl Drop for Registration {
    fn drop(&mut self) {
        signal_hook::low_level::unregister(self.0);
    }
}
