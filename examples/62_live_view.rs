//! 62 — the live view: watch the loop run in a browser.
//!
//! asyncio:   (nothing built in; the closest is aiomonitor's console)
//!            loop.set_debug(True)            # slow-callback warnings on stderr
//!            asyncio.all_tasks()             # a list, once, when you ask
//! aioli:     let view = aioli_http::live::LiveView::start("127.0.0.1:8700")?;
//!            let runtime = Runtime::builder().observe(view.observer()).build()?;
//!            // or, for any program: AIOLI_LIVE=127.0.0.1:8700 with
//!            // aioli_http::live::runtime_builder()
//!
//! Watch: the example prints the page's address, then runs a small
//! workload for 4 seconds: two producers and two consumers on a channel,
//! a ticker, a client pinging an echo server over 127.0.0.1 (the IO
//! sources), a job on the blocking pool every second, a task that blocks
//! the loop for 150 ms every two seconds, and one that forgets its waker.
//! In debug builds the detectors print a "blocked the loop" and a "kept
//! no clone of its waker" warning; the page marks the same tasks. At the
//! end it prints how many events the view had to drop: none, for a loop
//! that mostly waits. With `--serve [--port P]` it
//! keeps going until Ctrl-C: open http://127.0.0.1:P/ (default 8700) and
//! see the tick count run, the phase bar flicker between "3 wait" and the
//! others, the tasks change state, the slow task's strip turn red.
//! Differences: the page is served by a second aioli loop on its own
//! thread; the observed loop only copies each event into a bounded
//! channel and never waits for the view (a full channel drops the event
//! and counts it: the page shows the count).

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use aioli::io::{AsyncReadExt, AsyncWriteExt};
use aioli::net::{TcpListener, TcpStream};
use aioli::sync::mpsc;
use aioli::task::Builder as TaskBuilder;
use aioli::time::{interval, sleep, Instant};
use aioli_http::live::LiveView;

/// How long the example runs without `--serve`.
const RUN_FOR: Duration = Duration::from_secs(4);

/// A hand-written future with the classic bug: it says `Pending` but
/// keeps no waker, so nothing will ever poll it again.
struct ForgetsItsWaker;

impl Future for ForgetsItsWaker {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        Poll::Pending
    }
}

async fn producer(number: u32, items: mpsc::Sender<u32>) {
    let mut ticks = interval(Duration::from_millis(40 + 30 * u64::from(number)));
    for item in 0.. {
        ticks.tick().await;
        if items.send(item).await.is_err() {
            return;
        }
    }
}

async fn consumer(items: std::rc::Rc<aioli::sync::Mutex<mpsc::Receiver<u32>>>) -> u32 {
    let mut taken = 0;
    loop {
        let item = items.lock().await.recv().await;
        if item.is_none() {
            return taken;
        }
        taken += 1;
        sleep(Duration::from_millis(20)).await; // "work" on the item
    }
}

/// Blocks the whole loop for 150 ms every two seconds: a slow poll.
async fn blocks_the_loop() {
    loop {
        sleep(Duration::from_secs(2)).await;
        std::thread::sleep(Duration::from_millis(150));
    }
}

/// A client that pings an echo server twice a second: two sockets whose
/// tasks wait on them in the IO table.
async fn ping_pong() -> io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let _detached = TaskBuilder::new().name("echo server").spawn(async move {
        let Ok((mut socket, _)) = listener.accept().await else { return };
        let mut buf = [0u8; 64];
        while let Ok(n) = socket.read(&mut buf).await {
            if n == 0 || socket.write_all(&buf[..n]).await.is_err() {
                return;
            }
        }
    });
    let mut client = TcpStream::connect(addr).await?;
    let mut buf = [0u8; 4];
    loop {
        client.write_all(b"ping").await?;
        client.read_exact(&mut buf).await?;
        sleep(Duration::from_millis(500)).await;
    }
}

/// The workload the page shows; runs until dropped.
async fn workload() {
    let (send, receive) = mpsc::channel(8);
    let receive = std::rc::Rc::new(aioli::sync::Mutex::new(receive));
    for number in 1..=2 {
        let _detached = TaskBuilder::new().name(format!("producer {number}")).spawn(producer(number, send.clone()));
        let _detached = TaskBuilder::new().name(format!("consumer {number}")).spawn(consumer(receive.clone()));
    }
    drop(send);
    let _detached = TaskBuilder::new().name("slow poll").spawn(blocks_the_loop());
    let _detached = TaskBuilder::new().name("forgets its waker").spawn(ForgetsItsWaker);
    let _detached = TaskBuilder::new().name("ping").spawn(ping_pong());
    let mut every_second = interval(Duration::from_secs(1));
    loop {
        every_second.tick().await;
        // A second of "disk work" on the blocking pool.
        let _ = aioli::spawn_blocking(|| std::thread::sleep(Duration::from_millis(300))).await;
    }
}

/// `--serve` and `--port P` from the command line.
fn arguments() -> Result<(bool, u16), String> {
    let (mut serve, mut port) = (false, None);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--serve" => serve = true,
            "--port" => {
                let value = args.next().ok_or("--port needs a number, e.g. --port 8700")?;
                port = Some(value.parse().map_err(|_| format!("--port {value}: not a port number (0-65535)"))?);
            }
            other => return Err(format!("unknown argument {other}: use [--serve] [--port P]")),
        }
    }
    Ok((serve, port.unwrap_or(if serve { 8700 } else { 0 })))
}

fn main() -> io::Result<()> {
    let (serve, port) = arguments().map_err(|message| io::Error::new(io::ErrorKind::InvalidInput, message))?;
    // ANCHOR: attach
    let view = LiveView::start(("127.0.0.1", port))?;
    println!("live view: http://{}/", view.local_addr());
    let runtime = aioli::Runtime::builder().serves_live_view().observe(view.observer()).build()?;
    // ANCHOR_END: attach
    let started = Instant::from_std(std::time::Instant::now());
    runtime.block_on(async move {
        if serve {
            println!("serving until Ctrl-C");
            wait_for_ctrl_c(workload()).await
        } else {
            println!("running the workload for {RUN_FOR:?} (pass --serve to keep the page up)");
            let _ = aioli::time::timeout(RUN_FOR, workload()).await;
            Ok(())
        }
    })?;
    drop(runtime);
    println!(
        "done after {:.1?}; the view dropped {} events (the channel holds {})",
        started.elapsed(),
        view.dropped(),
        aioli_http::live::CHANNEL_CAPACITY
    );
    Ok(())
}

/// Runs `work` until Ctrl-C.
#[cfg(unix)]
async fn wait_for_ctrl_c(work: impl Future<Output = ()>) -> io::Result<()> {
    let signal = aioli::signal::ctrl_c();
    match aioli::select(signal, work).await {
        aioli::Either::Left(result) => result,
        aioli::Either::Right(_) => Ok(()),
    }
}

#[cfg(not(unix))]
async fn wait_for_ctrl_c(work: impl Future<Output = ()>) -> io::Result<()> {
    work.await;
    Ok(())
}
