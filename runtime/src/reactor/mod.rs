//! The reactor: from "the OS says this socket is ready" to "wake that task".
//!
//! Every socket the loop watches is *registered* with the `mio::Poll` that
//! phase 3 of the tick blocks in. Registration gives it a slot in a `slab`
//! here, and the slot index plus a generation become its `mio::Token`, the
//! number the OS hands back with each readiness event. Phase 4 looks the
//! token up, notes which directions became ready, and wakes the tasks
//! waiting in each direction (readers and writers are kept apart, so a
//! reader task and a writer task can share one socket).
//!
//! mio is *edge-triggered*: it reports "readable" once per new arrival of
//! data, not again while data remains. So readiness is remembered here
//! until an operation proves it gone: a read that returns `WouldBlock`
//! clears the "readable" bit ([`IoSource::poll_io`](source::IoSource)), and
//! only a new event sets it again. Clearing it on anything less would lose
//! data that is still in the socket, with no event coming to say so.
//!
//! Chapter: docs/src/10-reactor.md

pub(crate) mod source;

use std::task::Waker;

use slab::Slab;

/// Which way an operation goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    /// Reading, accepting, receiving: waits for "readable".
    Read,
    /// Writing, connecting, sending: waits for "writable".
    Write,
}

/// Bits of the token that hold the slab index; the rest hold the
/// generation. Half the word each: 2^32 live sockets, and a slot can be
/// reused 2^31 times before a stale token could match again.
const INDEX_BITS: u32 = usize::BITS / 2;
const INDEX_MASK: usize = (1 << INDEX_BITS) - 1;
/// Generations stay below the top bit, so no token can equal the
/// cross-thread waker's `Token(usize::MAX)`.
const GENERATION_MASK: usize = (1 << (usize::BITS - INDEX_BITS - 1)) - 1;

// ANCHOR: source_state
/// What the reactor knows about one registered socket.
struct SourceState {
    /// Must match the token's generation; an event for an older socket
    /// that lived in this slot is ignored.
    generation: usize,
    /// Readable since the last `WouldBlock` on a read (or EOF/error seen).
    readable: bool,
    /// Writable since the last `WouldBlock` on a write.
    writable: bool,
    /// The peer closed its side (or the socket failed): reads will return
    /// at once from now on (0 or an error), so "readable" is never cleared
    /// again. Without this, a read that drained the data *and* the EOF
    /// arrived in one event would leave the EOF with no event to wake us.
    read_closed: bool,
    /// The tasks waiting to read.
    readers: Waiters,
    /// The tasks waiting to write.
    writers: Waiters,
}
// ANCHOR_END: source_state

/// The tasks one readiness event wakes, taken out of a socket's state:
/// its waiting readers if it became readable, its waiting writers if it
/// became writable (either may be empty).
#[derive(Default)]
pub(crate) struct Woken {
    /// The tasks that waited for "readable".
    pub(crate) readers: Waiters,
    /// The tasks that waited for "writable".
    pub(crate) writers: Waiters,
}

/// The tasks waiting on one direction of one socket.
///
/// Usually there is one (a connection's reader), and it lives in `first`
/// without any allocation. Sockets whose operations take `&self` (an
/// `Rc<UdpSocket>` shared by two receiving tasks, a listener accepting in
/// two tasks) can have more; they wait in `more`, and an event wakes them
/// all, since each will retry and only one may find data.
#[derive(Default)]
pub(crate) struct Waiters {
    /// The first waiting task's waker, kept without allocating.
    first: Option<Waker>,
    /// Any other waiting tasks' wakers.
    more: Vec<Waker>,
}

impl Waiters {
    /// Adds `waker` unless a waker for the same task is already there.
    fn register(&mut self, waker: &Waker) {
        match &self.first {
            None => self.first = Some(waker.clone()),
            Some(first) if first.will_wake(waker) => {}
            Some(_) => {
                if !self.more.iter().any(|other| other.will_wake(waker)) {
                    self.more.push(waker.clone());
                }
            }
        }
    }

    /// Wakes every waiter (call with no borrow of the reactor held).
    pub(crate) fn wake_all(self) {
        if let Some(first) = self.first {
            first.wake();
        }
        for waker in self.more {
            waker.wake();
        }
    }

    /// True if nobody waits.
    pub(crate) fn is_empty(&self) -> bool {
        self.first.is_none() && self.more.is_empty()
    }
}

/// All registered sockets of one loop.
#[derive(Default)]
pub(crate) struct Reactor {
    /// What is known about each registered socket, by the token's index.
    sources: Slab<SourceState>,
    /// Registrations so far; the low bits become the next generation.
    registrations: usize,
}

impl Reactor {
    /// Reserves a slot and returns its token. A new socket counts as ready
    /// both ways: the first read or write simply tries, and `WouldBlock`
    /// says otherwise. (Assuming "not ready" instead could miss data that
    /// arrived before registration.)
    pub(crate) fn insert(&mut self) -> std::io::Result<mio::Token> {
        if self.sources.vacant_key() > INDEX_MASK {
            // Only reachable on 32-bit targets (65,536 live sockets).
            return Err(std::io::Error::other("too many sockets registered with this aioli loop"));
        }
        self.registrations = self.registrations.wrapping_add(1);
        let generation = self.registrations & GENERATION_MASK;
        let index = self.sources.insert(SourceState {
            generation,
            readable: true,
            writable: true,
            read_closed: false,
            readers: Waiters::default(),
            writers: Waiters::default(),
        });
        Ok(mio::Token(index | (generation << INDEX_BITS)))
    }

    /// Frees a socket's slot (it was deregistered from mio already).
    pub(crate) fn remove(&mut self, token: mio::Token) {
        if self.state(token).is_some() {
            self.sources.remove(token.0 & INDEX_MASK);
        }
    }

    fn state(&mut self, token: mio::Token) -> Option<&mut SourceState> {
        let generation = token.0 >> INDEX_BITS;
        self.sources.get_mut(token.0 & INDEX_MASK).filter(|state| state.generation == generation)
    }

    /// Is `direction` believed ready? If not, remember `waker` for it.
    pub(crate) fn poll_ready(&mut self, token: mio::Token, direction: Direction, waker: &Waker) -> bool {
        let Some(state) = self.state(token) else {
            // Not registered (any more): say "ready" so the caller tries the
            // operation and gets the OS's own answer instead of hanging.
            return true;
        };
        let (ready, waiters) = match direction {
            Direction::Read => (state.readable, &mut state.readers),
            Direction::Write => (state.writable, &mut state.writers),
        };
        if !ready {
            waiters.register(waker);
        }
        ready
    }

    /// An operation hit `WouldBlock`: `direction` is not ready until the
    /// next event says so.
    pub(crate) fn clear_ready(&mut self, token: mio::Token, direction: Direction) {
        if let Some(state) = self.state(token) {
            match direction {
                Direction::Read => state.readable = state.read_closed,
                Direction::Write => state.writable = false,
            }
        }
    }

    /// Phase 4: records what `event` reports and returns the tasks to
    /// wake (taken out, so the caller wakes them with no borrow held).
    pub(crate) fn on_event(&mut self, event: &mio::event::Event) -> Woken {
        let Some(state) = self.state(event.token()) else { return Default::default() };
        // EOF, a reset or an error must reach a waiting reader too, or it
        // would wait forever for data that will never come.
        let readable = event.is_readable() || event.is_read_closed() || event.is_error();
        let writable = event.is_writable() || event.is_write_closed() || event.is_error();
        let mut woken = Woken::default();
        if event.is_read_closed() || event.is_error() {
            state.read_closed = true;
        }
        if readable {
            state.readable = true;
            woken.readers = std::mem::take(&mut state.readers);
        }
        if writable {
            state.writable = true;
            woken.writers = std::mem::take(&mut state.writers);
        }
        woken
    }

    /// The slot index of a token, as traces show it ("source 3").
    pub(crate) fn source_number(token: mio::Token) -> usize {
        token.0 & INDEX_MASK
    }

    /// How many sockets are registered.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.sources.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reused_slot_gets_a_token_that_old_events_do_not_match() {
        let mut reactor = Reactor::default();
        let old = reactor.insert().unwrap();
        reactor.remove(old);
        let new = reactor.insert().unwrap();
        assert_eq!(Reactor::source_number(old), Reactor::source_number(new), "the slab reused the slot");
        assert_ne!(old, new, "but the generation differs");
        reactor.clear_ready(old, Direction::Read);
        assert!(reactor.poll_ready(new, Direction::Read, std::task::Waker::noop()), "stale token changed nothing");
        assert_eq!(reactor.len(), 1);
    }

    #[test]
    fn tokens_never_collide_with_the_waker_token() {
        let mut reactor = Reactor { registrations: usize::MAX - 1, ..Reactor::default() };
        for _ in 0..4 {
            let token = reactor.insert().unwrap();
            assert_ne!(token, mio::Token(usize::MAX));
        }
    }
}
