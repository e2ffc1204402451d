//! 20 — run forever: a service that turns until Ctrl-C, then shuts down cleanly.
//!
//! asyncio:   loop = asyncio.new_event_loop()
//!            stop = asyncio.Event()
//!            loop.add_signal_handler(signal.SIGINT, stop.set)
//!            worker = loop.create_task(heartbeat(stop))
//!            try:
//!                loop.run_forever()              # or: except KeyboardInterrupt
//!            finally:
//!                loop.run_until_complete(worker) # let it finish its cleanup
//!                loop.close()
//! aioli:     let runtime = Runtime::new()?;
//!            runtime.block_on(async {
//!                let worker = aioli::spawn(heartbeat(stop.clone()));
//!                aioli::signal::ctrl_c().await?;   // "forever" = until SIGINT
//!                stop.set(); worker.await
//!            });                                    // dropping the runtime = loop.close()
//!
//! Watch: a heartbeat prints at 0.0 s and then every 0.5 s, and a second
//! task counts requests. Press Ctrl-C (run it with `-- --wait`), or,
//! without `--wait`, the program sends itself the same SIGINT after 2.2 s,
//! so it also ends on its own when nobody is at the keyboard (CI runs it
//! with no terminal). Then, in this order: "SIGINT received", the
//! heartbeat's own async cleanup ("flushing 5 beats", 0.1 s), main's last
//! line, and only then the request counter's Drop ("cancelled by run's
//! end"), because nothing outlives `block_on`. Last, the number of ticks
//! the loop made in all. Debug builds also print, on stderr, the task dump
//! of the task left behind: in a real service that line is a leak report.
//! Differences: asyncio turns Ctrl-C into a KeyboardInterrupt raised
//! wherever the main thread happens to be, often deep inside run_forever.
//! aioli never interrupts code: `ctrl_c()` is a future like any other,
//! woken through the reactor when the signal's byte arrives, and it
//! replaces the default action (ending the process) once it has been
//! awaited. There is no run_forever: a main future that never returns is
//! "forever", and the way out is to make it return. Rust has no global
//! loop to get (`get_event_loop`): the runtime is current only inside
//! `block_on`, and `close()` is its `Drop`.

#[cfg(unix)]
fn main() -> std::io::Result<()> {
    unix::main()
}

#[cfg(not(unix))]
fn main() {
    println!("aioli::signal::ctrl_c exists on Unix only; this example has nothing to show here.");
}

#[cfg(unix)]
mod unix {
    use std::rc::Rc;
    use std::time::Duration;

    use aioli::sync::Event;
    use aioli::time::{interval, sleep, Instant};
    use aioli::{Either, Runtime};

    /// When nobody passes `--wait`, the program presses "Ctrl-C" itself
    /// after this long.
    const SELF_INTERRUPT_AFTER: Duration = Duration::from_millis(2200);

    pub(super) fn main() -> std::io::Result<()> {
        let wait_for_a_person = std::env::args().any(|arg| arg == "--wait");
        // asyncio.new_event_loop(): nothing runs yet; the loop is ours to drive.
        let runtime = Runtime::new()?;
        let start = Instant::now();

        let outcome = runtime.block_on(async move {
            let stop = Rc::new(Event::new());
            let heartbeat = aioli::task::Builder::new().name("heartbeat").spawn(heartbeat(stop.clone(), start));
            // This one is never told to stop: `block_on` cancels it at the end.
            let _counter = aioli::task::Builder::new().name("requests").spawn(count_requests(start));

            if wait_for_a_person {
                println!("[{:.1}s] running; press Ctrl-C to stop", secs(start));
            } else {
                println!(
                    "[{:.1}s] running; will send itself SIGINT after {:.1}s (pass `-- --wait` to press Ctrl-C yourself)",
                    secs(start),
                    SELF_INTERRUPT_AFTER.as_secs_f64()
                );
            }

            // "run_forever": wait for the signal. `ctrl_c` is polled first
            // by `select`, so its handler is installed before the
            // self-interrupt below can fire: a SIGINT that came earlier
            // would still end the process the default way.
            let signal = aioli::signal::ctrl_c();
            let self_interrupt = async {
                if wait_for_a_person {
                    std::future::pending::<()>().await;
                }
                sleep(SELF_INTERRUPT_AFTER).await;
                println!("[{:.1}s] (sending SIGINT to this process, as Ctrl-C in a terminal would)", secs(start));
                if let Err(error) = signal_hook::low_level::raise(signal_hook::consts::SIGINT) {
                    println!("[{:.1}s] could not send SIGINT ({error}); stopping anyway", secs(start));
                    return false;
                }
                // The signal's byte wakes `ctrl_c` through the reactor;
                // this branch waits so that `ctrl_c` is the one that wins.
                std::future::pending::<bool>().await
            };
            match aioli::select(signal, self_interrupt).await {
                Either::Left(Ok(())) => println!("[{:.1}s] SIGINT received: shutting down", secs(start)),
                Either::Left(Err(error)) => return Err(error),
                Either::Right(_) => println!("[{:.1}s] shutting down without a signal", secs(start)),
            }

            // The clean part of the shutdown: ask, then wait for the task
            // to finish its own async cleanup (what asyncio does with
            // `run_until_complete(worker)` in the `finally`).
            stop.set();
            let beats = heartbeat.await.unwrap_or(0);
            println!("[{:.1}s] main: heartbeat stopped after {beats} beats; returning from block_on", secs(start));
            Ok(())
        });

        // Here `block_on` has returned: the request counter was cancelled
        // (its Drop printed). Dropping the runtime is `loop.close()`.
        println!("the loop made {} ticks in all", runtime.ticks());
        drop(runtime);
        outcome
    }

    /// Beats every 0.5 s until `stop` is set, then does its cleanup, which
    /// itself awaits (a flush, a goodbye message): the reason to stop a
    /// task by asking rather than by cancelling it.
    async fn heartbeat(stop: Rc<Event>, start: Instant) -> u32 {
        let mut ticks = interval(Duration::from_millis(500));
        let mut beats = 0;
        // Left: the interval ticked, beat. Right: `stop` was set, leave.
        while let Either::Left(_) = aioli::select(ticks.tick(), stop.wait()).await {
            beats += 1;
            println!("[{:.1}s] heartbeat {beats}", secs(start));
        }
        println!("[{:.1}s] heartbeat: stop asked; flushing {beats} beats ...", secs(start));
        sleep(Duration::from_millis(100)).await;
        println!("[{:.1}s] heartbeat: flushed, done", secs(start));
        beats
    }

    /// Counts pretend requests forever. Nobody stops it: its `Drop` shows
    /// that `block_on` cancelled it after the main future returned.
    async fn count_requests(start: Instant) {
        struct Report {
            served: u32,
            start: Instant,
        }
        impl Drop for Report {
            fn drop(&mut self) {
                println!(
                    "[{:.1}s] requests: cancelled by run's end after {} requests (its Drop ran)",
                    secs(self.start),
                    self.served
                );
            }
        }
        let mut report = Report { served: 0, start };
        loop {
            sleep(Duration::from_millis(300)).await;
            report.served += 1;
        }
    }

    fn secs(start: Instant) -> f64 {
        start.elapsed().as_secs_f64()
    }
}
