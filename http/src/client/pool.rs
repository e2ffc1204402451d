//! The connection pool: keep-alive connections, limits, and a fair queue.
//!
//! Opening a TCP connection costs a round trip (and, with TLS, several);
//! HTTP/1.1 keeps a connection open after a response so the next request
//! to the same place can reuse it. The pool files idle connections under
//! their [`Origin`] (scheme, host, port) and counts every *open*
//! connection, in use or idle, against two limits: `limit` in total and
//! `limit_per_host` per origin. The parts a reader meets:
//!
//! - [`Pool::acquire`] gives a [`Checkout`]: an idle connection to reuse,
//!   or a [`Slot`], the right to open a new one. A [`Slot`] is one unit of
//!   the limits; dropping it gives the unit back.
//! - When neither is possible the request *waits* in one FIFO queue. Every
//!   change that frees capacity (a slot dropped, a connection returned)
//!   runs [`PoolState::grant_waiters`], which walks the queue in order and
//!   hands the capacity straight to the first waiter that can use it, so a
//!   newcomer can never overtake a waiter. A waiter for another host, held
//!   back only by its own per-host limit, does not block the queue.
//! - An [`Acquire`] future dropped while waiting (a timeout, a cancelled
//!   task) leaves the queue; if capacity had already been handed to it,
//!   it passes that on to the next waiter.
//! - Idle connections older than `idle_timeout` are closed when the pool
//!   is next used, and an idle connection to another host is closed to
//!   make room when only the total limit stands in the way.
//!
//! The pool is generic over the connection type `C`, so these rules are
//! tested here with plain numbers and no socket. It lives on the loop's
//! thread (`Rc<RefCell<..>>`): no lock, as everything in aioli.
//!
//! aiohttp's `TCPConnector` counts only connections in use against its
//! limit and keeps idle ones on top, and wakes waiters through futures in
//! per-key deques; hyper-util's legacy pool has no total limit, only an
//! idle cap per host. Counting every open socket keeps the promise simple:
//! `limit(10)` means this client never holds more than ten sockets.
//!
//! Chapter: docs/src/31-client-pool.md

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use aioli::time::Instant;

use super::url::Origin;

/// The pool's limits.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PoolLimits {
    /// Open connections in total; `None` = no limit.
    pub total: Option<usize>,
    /// Open connections per origin; `None` = no limit.
    pub per_host: Option<usize>,
    /// How long an idle connection is kept before it is closed.
    pub idle_timeout: Duration,
}

/// A shared handle on one pool (cloned into every `Client` clone).
pub(crate) struct Pool<C> {
    state: Rc<RefCell<PoolState<C>>>,
}

impl<C> Clone for Pool<C> {
    fn clone(&self) -> Self {
        Pool { state: self.state.clone() }
    }
}

/// What the pool knows. Only this file changes it.
struct PoolState<C> {
    limits: PoolLimits,
    /// Open connections (in use, idle, or being opened), in total.
    open: usize,
    /// Per origin: its open count and its idle connections.
    hosts: HashMap<Origin, HostState<C>>,
    /// Waiting requests, oldest first (ids into `waiters`).
    queue: VecDeque<u64>,
    /// The waiters, by id; an entry leaves when its `Acquire` is done.
    waiters: HashMap<u64, Waiter<C>>,
    /// The next waiter id.
    next_id: u64,
}

/// One origin's share of the pool.
struct HostState<C> {
    /// Open connections to this origin, idle ones included.
    open: usize,
    /// Idle connections, least recently used first.
    idle: Vec<Idle<C>>,
}

struct Idle<C> {
    conn: C,
    /// When it went idle, for `idle_timeout`.
    since: Instant,
}

/// A request waiting for capacity.
struct Waiter<C> {
    origin: Origin,
    /// Woken when `grant` is filled.
    waker: Waker,
    /// What it was given, until its `Acquire` takes it.
    grant: Option<Grant<C>>,
}

/// Capacity handed to a waiter.
enum Grant<C> {
    /// An idle connection to reuse.
    Idle(C),
    /// A reserved slot: open a new connection.
    Fresh,
}

/// What [`Pool::acquire`] gives.
pub(crate) enum Checkout<C> {
    /// An idle connection to reuse, and its slot.
    Reused(C, Slot<C>),
    /// The right to open a new connection; drop the slot if that fails.
    Fresh(Slot<C>),
}

/// One open connection's unit of the limits. Dropping it closes the books
/// on that connection (and lets a waiter in); [`Slot::park`] instead keeps
/// the unit and files the connection as idle.
pub(crate) struct Slot<C> {
    pool: Pool<C>,
    origin: Origin,
    /// Set once the unit has moved on (parked), so `Drop` leaves it alone.
    parked: bool,
}

impl<C> Pool<C> {
    pub(crate) fn new(limits: PoolLimits) -> Pool<C> {
        Pool {
            state: Rc::new(RefCell::new(PoolState {
                limits,
                open: 0,
                hosts: HashMap::new(),
                queue: VecDeque::new(),
                waiters: HashMap::new(),
                next_id: 0,
            })),
        }
    }

    /// Waits for an idle connection to `origin` or room to open one.
    pub(crate) fn acquire(&self, origin: Origin) -> Acquire<C> {
        Acquire { pool: self.clone(), origin, waiter: None, done: false }
    }

    /// An idle connection to `origin` if one is there right now: the fast
    /// path of a request, which needs no waiting and so no connect timer.
    /// It cannot jump the queue: an idle connection exists only while no
    /// waiter for its origin does (parking one grants it at once).
    pub(crate) fn take_idle(&self, origin: &Origin) -> Option<(C, Slot<C>)> {
        let (conn, expired) = {
            let mut state = self.state.borrow_mut();
            let expired = state.expire_idle(Instant::now());
            let conn = state.hosts.get_mut(origin).and_then(|host| host.idle.pop()).map(|idle| idle.conn);
            (conn, expired)
        };
        if !expired.is_empty() {
            drop(expired);
            self.after_change();
        }
        conn.map(|conn| (conn, Slot { pool: self.clone(), origin: origin.clone(), parked: false }))
    }

    /// Open connections, in total (in use, idle, or being opened).
    pub(crate) fn open(&self) -> usize {
        self.state.borrow().open
    }

    /// Idle connections, in total.
    pub(crate) fn idle(&self) -> usize {
        self.state.borrow().hosts.values().map(|host| host.idle.len()).sum()
    }

    /// Requests waiting for capacity.
    pub(crate) fn waiting(&self) -> usize {
        self.state.borrow().queue.len()
    }

    /// Closes every idle connection (the client is being dropped, or a
    /// caller wants a clean slate).
    pub(crate) fn close_idle(&self) {
        let closed = {
            let mut state = self.state.borrow_mut();
            let mut closed = Vec::new();
            for host in state.hosts.values_mut() {
                host.open -= host.idle.len();
                closed.extend(host.idle.drain(..).map(|idle| idle.conn));
            }
            state.open -= closed.len();
            closed
        };
        // Dropped outside the borrow: a connection's drop may run code.
        drop(closed);
        self.after_change();
    }

    /// Hands freed capacity to waiters, then wakes them outside the borrow.
    fn after_change(&self) {
        let (wakers, evicted) = self.state.borrow_mut().grant_waiters();
        drop(evicted);
        for waker in wakers {
            waker.wake();
        }
    }
}

impl<C> PoolState<C> {
    fn host(&mut self, origin: &Origin) -> &mut HostState<C> {
        self.hosts.entry(origin.clone()).or_insert_with(|| HostState { open: 0, idle: Vec::new() })
    }

    /// Whether a new connection to `origin` fits under both limits.
    fn room_for(&self, origin: &Origin) -> bool {
        let host_open = self.hosts.get(origin).map_or(0, |host| host.open);
        self.limits.total.is_none_or(|limit| self.open < limit)
            && self.limits.per_host.is_none_or(|limit| host_open < limit)
    }

    /// Closes idle connections that have waited longer than the timeout.
    fn expire_idle(&mut self, now: Instant) -> Vec<C> {
        let timeout = self.limits.idle_timeout;
        let mut expired = Vec::new();
        for host in self.hosts.values_mut() {
            // Idle lists are in the order connections were parked, so the
            // expired ones are a prefix.
            let stale =
                host.idle.iter().take_while(|idle| now.saturating_duration_since(idle.since) >= timeout).count();
            if stale > 0 {
                host.open -= stale;
                expired.extend(host.idle.drain(..stale).map(|idle| idle.conn));
            }
        }
        self.open -= expired.len();
        self.hosts.retain(|_, host| host.open > 0);
        expired
    }

    /// Tries to serve `origin` now, without waiting: an idle connection,
    /// else room for a new one, else room made by closing an idle
    /// connection to another origin. Returns the connection closed for
    /// room, if any, so the caller drops it outside the borrow.
    fn try_serve(&mut self, origin: &Origin) -> Option<(Grant<C>, Option<C>)> {
        if let Some(idle) = self.hosts.get_mut(origin).and_then(|host| host.idle.pop()) {
            return Some((Grant::Idle(idle.conn), None));
        }
        if self.room_for(origin) {
            self.reserve(origin);
            return Some((Grant::Fresh, None));
        }
        let per_host_ok =
            self.limits.per_host.is_none_or(|limit| self.hosts.get(origin).map_or(0, |host| host.open) < limit);
        if !per_host_ok {
            return None;
        }
        // Only the total limit is in the way: an idle connection elsewhere
        // is worth less than a request that waits. Close the oldest one.
        let victim = self
            .hosts
            .iter()
            .filter(|(other, host)| *other != origin && !host.idle.is_empty())
            .min_by_key(|(_, host)| host.idle[0].since)
            .map(|(other, _)| other.clone())?;
        let host = self.host(&victim);
        let closed = host.idle.remove(0).conn;
        host.open -= 1;
        self.open -= 1;
        self.reserve(origin);
        Some((Grant::Fresh, Some(closed)))
    }

    fn reserve(&mut self, origin: &Origin) {
        self.open += 1;
        self.host(origin).open += 1;
    }

    // ANCHOR: grant
    /// Walks the queue oldest first and hands capacity to every waiter
    /// that can use it. Returns the wakers to wake and the connections
    /// closed to make room, both to be handled outside the borrow.
    fn grant_waiters(&mut self) -> (Vec<Waker>, Vec<C>) {
        let mut wakers = Vec::new();
        let mut closed = self.expire_idle(Instant::now());
        let mut still_waiting = VecDeque::with_capacity(self.queue.len());
        while let Some(id) = self.queue.pop_front() {
            let Some(origin) = self.waiters.get(&id).map(|waiter| waiter.origin.clone()) else {
                continue;
            };
            match self.try_serve(&origin) {
                Some((grant, evicted)) => {
                    closed.extend(evicted);
                    if let Some(waiter) = self.waiters.get_mut(&id) {
                        waiter.grant = Some(grant);
                        wakers.push(waiter.waker.clone());
                    }
                }
                None => still_waiting.push_back(id),
            }
        }
        self.queue = still_waiting;
        (wakers, closed)
    }
    // ANCHOR_END: grant
}

/// The future of [`Pool::acquire`].
pub(crate) struct Acquire<C> {
    pool: Pool<C>,
    origin: Origin,
    /// Our place in the queue, once we had to wait.
    waiter: Option<u64>,
    /// Set when we returned `Ready`, so `Drop` has nothing to undo.
    done: bool,
}

impl<C> Future for Acquire<C> {
    type Output = Checkout<C>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Checkout<C>> {
        let this = self.get_mut();
        let mut woken = Vec::new();
        let (grant, closed) = {
            let mut state = this.pool.state.borrow_mut();
            match this.waiter {
                None => {
                    // Capacity freed by expired connections goes to the
                    // waiters first; then it is this newcomer's turn.
                    let (wakers, mut closed) = state.grant_waiters();
                    woken = wakers;
                    match state.try_serve(&this.origin) {
                        Some((grant, evicted)) => {
                            closed.extend(evicted);
                            (Some(grant), closed)
                        }
                        None => {
                            // No capacity: take a place at the back.
                            let id = state.next_id;
                            state.next_id += 1;
                            let waiter = Waiter { origin: this.origin.clone(), waker: cx.waker().clone(), grant: None };
                            state.waiters.insert(id, waiter);
                            state.queue.push_back(id);
                            this.waiter = Some(id);
                            (None, closed)
                        }
                    }
                }
                Some(id) => match state.waiters.get_mut(&id) {
                    Some(waiter) => match waiter.grant.take() {
                        Some(grant) => {
                            state.waiters.remove(&id);
                            this.waiter = None;
                            (Some(grant), Vec::new())
                        }
                        None => {
                            if !waiter.waker.will_wake(cx.waker()) {
                                waiter.waker = cx.waker().clone();
                            }
                            (None, Vec::new())
                        }
                    },
                    None => (None, Vec::new()),
                },
            }
        };
        drop(closed);
        for waker in woken {
            waker.wake();
        }
        let Some(grant) = grant else {
            return Poll::Pending;
        };
        this.done = true;
        let slot = Slot { pool: this.pool.clone(), origin: this.origin.clone(), parked: false };
        Poll::Ready(match grant {
            Grant::Idle(conn) => Checkout::Reused(conn, slot),
            Grant::Fresh => Checkout::Fresh(slot),
        })
    }
}

// ANCHOR: waiter_drop
impl<C> Drop for Acquire<C> {
    /// A waiter that gives up leaves its place; capacity already handed
    /// to it goes back to the pool and on to the next waiter.
    fn drop(&mut self) {
        let Some(id) = self.waiter.take() else {
            return;
        };
        if self.done {
            return;
        }
        let returned = {
            let mut state = self.pool.state.borrow_mut();
            state.queue.retain(|queued| *queued != id);
            let grant = state.waiters.remove(&id).and_then(|waiter| waiter.grant);
            match grant {
                None => return,
                Some(Grant::Fresh) => {
                    state.open -= 1;
                    state.host(&self.origin).open -= 1;
                    None
                }
                Some(Grant::Idle(conn)) => Some(conn),
            }
        };
        match returned {
            Some(conn) => {
                let slot = Slot { pool: self.pool.clone(), origin: self.origin.clone(), parked: false };
                slot.park(conn);
            }
            None => self.pool.after_change(),
        }
    }
}
// ANCHOR_END: waiter_drop

impl<C> Slot<C> {
    /// Files `conn` as idle under this slot's origin: the connection stays
    /// open and counted, and the next request to the origin can reuse it.
    pub(crate) fn park(mut self, conn: C) {
        self.parked = true;
        {
            let mut state = self.pool.state.borrow_mut();
            state.host(&self.origin).idle.push(Idle { conn, since: Instant::now() });
        }
        self.pool.after_change();
    }
}

// ANCHOR: slot_drop
impl<C> Drop for Slot<C> {
    /// The connection is closed (or was never opened): its unit of the
    /// limits is free, and the first waiter that can use it gets it.
    fn drop(&mut self) {
        if self.parked {
            return;
        }
        {
            let mut state = self.pool.state.borrow_mut();
            state.open -= 1;
            let host = state.host(&self.origin);
            host.open -= 1;
        }
        self.pool.after_change();
    }
}
// ANCHOR_END: slot_drop

#[cfg(test)]
mod tests {
    use std::future::poll_fn;
    use std::task::Poll;

    use super::*;

    fn origin(host: &str) -> Origin {
        Origin { scheme: "http", host: host.to_string(), port: 80 }
    }

    fn pool(total: Option<usize>, per_host: Option<usize>) -> Pool<u32> {
        Pool::new(PoolLimits { total, per_host, idle_timeout: Duration::from_secs(60) })
    }

    /// Polls `acquire` once: `Some` if it was served at once.
    fn poll_once(acquire: &mut Acquire<u32>) -> Option<Checkout<u32>> {
        let waker = Waker::noop();
        let mut cx = Context::from_waker(waker);
        match Pin::new(acquire).poll(&mut cx) {
            Poll::Ready(checkout) => Some(checkout),
            Poll::Pending => None,
        }
    }

    fn fresh(checkout: Option<Checkout<u32>>) -> Slot<u32> {
        match checkout {
            Some(Checkout::Fresh(slot)) => slot,
            Some(Checkout::Reused(conn, _)) => panic!("expected a fresh slot, got idle connection {conn}"),
            None => panic!("expected a fresh slot, had to wait"),
        }
    }

    #[test]
    fn a_parked_connection_is_reused() {
        let pool = pool(Some(10), None);
        let slot = fresh(poll_once(&mut pool.acquire(origin("a"))));
        slot.park(7);
        assert_eq!((pool.open(), pool.idle()), (1, 1));
        match poll_once(&mut pool.acquire(origin("a"))) {
            Some(Checkout::Reused(7, slot)) => drop(slot),
            _ => panic!("the idle connection was not reused"),
        }
        assert_eq!((pool.open(), pool.idle()), (0, 0));
    }

    #[test]
    fn waiters_are_served_in_fifo_order() {
        let pool = pool(Some(1), None);
        let first = fresh(poll_once(&mut pool.acquire(origin("a"))));
        let mut second = pool.acquire(origin("a"));
        let mut third = pool.acquire(origin("a"));
        assert!(poll_once(&mut second).is_none());
        assert!(poll_once(&mut third).is_none());
        // A newcomer after the slot frees must not overtake them.
        drop(first);
        assert!(poll_once(&mut pool.acquire(origin("a"))).is_none());
        assert!(poll_once(&mut third).is_none(), "third overtook second");
        let second_slot = fresh(poll_once(&mut second));
        second_slot.park(1);
        match poll_once(&mut third) {
            Some(Checkout::Reused(1, _)) => {}
            _ => panic!("third should get the connection second parked"),
        }
    }

    #[test]
    fn a_cancelled_waiter_leaves_its_place() {
        let pool = pool(Some(1), None);
        let first = fresh(poll_once(&mut pool.acquire(origin("a"))));
        let mut second = pool.acquire(origin("a"));
        let mut third = pool.acquire(origin("a"));
        assert!(poll_once(&mut second).is_none());
        assert!(poll_once(&mut third).is_none());
        assert_eq!(pool.waiting(), 2);
        drop(second);
        assert_eq!(pool.waiting(), 1);
        drop(first);
        fresh(poll_once(&mut third));
    }

    #[test]
    fn capacity_granted_to_a_cancelled_waiter_moves_on() {
        let pool = pool(Some(1), None);
        let first = fresh(poll_once(&mut pool.acquire(origin("a"))));
        let mut second = pool.acquire(origin("a"));
        let mut third = pool.acquire(origin("a"));
        assert!(poll_once(&mut second).is_none());
        assert!(poll_once(&mut third).is_none());
        first.park(5); // granted to `second`, which never comes back for it
        drop(second);
        match poll_once(&mut third) {
            Some(Checkout::Reused(5, _slot)) => assert_eq!((pool.open(), pool.waiting()), (1, 0)),
            _ => panic!("the connection granted to a cancelled waiter was lost"),
        }
        assert_eq!(pool.open(), 0, "dropping the slot closes the books on the connection");
    }

    #[test]
    fn per_host_limit_does_not_block_other_hosts() {
        let pool = pool(Some(10), Some(1));
        let _a = fresh(poll_once(&mut pool.acquire(origin("a"))));
        let mut a2 = pool.acquire(origin("a"));
        assert!(poll_once(&mut a2).is_none());
        let _b = fresh(poll_once(&mut pool.acquire(origin("b"))));
        assert_eq!(pool.open(), 2);
    }

    #[test]
    fn an_idle_connection_elsewhere_makes_room() {
        let pool = pool(Some(1), None);
        fresh(poll_once(&mut pool.acquire(origin("a")))).park(1);
        let slot = fresh(poll_once(&mut pool.acquire(origin("b"))));
        assert_eq!((pool.open(), pool.idle()), (1, 0));
        drop(slot);
        assert_eq!(pool.open(), 0);
    }

    #[test]
    fn idle_connections_expire() {
        aioli::run(async {
            let pool: Pool<u32> =
                Pool::new(PoolLimits { total: None, per_host: None, idle_timeout: Duration::from_millis(20) });
            fresh(poll_once(&mut pool.acquire(origin("a")))).park(1);
            aioli::time::sleep(Duration::from_millis(30)).await;
            fresh(poll_once(&mut pool.acquire(origin("a"))));
            assert_eq!(pool.open(), 0);
        });
    }

    #[test]
    fn a_waiting_task_is_woken_when_a_slot_frees() {
        aioli::run(async {
            let pool = pool(Some(1), None);
            let first = fresh(poll_once(&mut pool.acquire(origin("a"))));
            let waiter = {
                let pool = pool.clone();
                aioli::spawn(async move {
                    match pool.acquire(origin("a")).await {
                        Checkout::Reused(conn, _) => conn,
                        Checkout::Fresh(_) => 0,
                    }
                })
            };
            poll_fn(|cx| {
                // Let the waiter queue up before the slot frees.
                if pool.waiting() == 0 {
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                Poll::Ready(())
            })
            .await;
            first.park(9);
            assert_eq!(waiter.await, Ok(9));
        });
    }
}
