//! The debug aids: trace lines, hang detectors, slow polls, task dumps,
//! the timeline file, and the lost-wakeup demonstration switch.

use std::cell::{Cell, RefCell};
use std::future::poll_fn;
use std::rc::Rc;
use std::task::Poll;
use std::time::Duration;

use aioli::runtime::{Builder, Direction, LoopEvent, Phase, PollResult, WakeCause, Warning};

mod common;
use aioli::task::{Builder as TaskBuilder, TaskState};
use aioli::time::sleep;

/// A builder whose trace lines and warnings land in the returned Vec.
/// Debug aids start off (whatever the build or the environment says), so
/// each test turns on, in `configure`, only what it checks.
fn captured(configure: impl FnOnce(Builder) -> Builder) -> (Builder, Rc<RefCell<Vec<String>>>) {
    let lines = Rc::new(RefCell::new(Vec::new()));
    let sink = lines.clone();
    let quiet = Builder::new().debug(false).trace(false);
    let builder = configure(quiet.trace_to(move |line| sink.borrow_mut().push(line.to_string())));
    (builder, lines)
}

fn count_matching(lines: &[String], needle: &str) -> usize {
    lines.iter().filter(|line| line.contains(needle)).count()
}

/// Two named tasks, a timer and an abort: a small program to trace.
async fn small_program() {
    let ticker = TaskBuilder::new().name("ticker").spawn(async {
        for _ in 0..2 {
            sleep(Duration::from_millis(100)).await;
        }
    });
    let stuck = TaskBuilder::new().name("stuck").spawn(sleep(Duration::from_secs(60)));
    ticker.await.unwrap();
    stuck.abort();
    let _ = stuck.await;
}

fn trace_of_small_program() -> Vec<String> {
    let (builder, lines) = captured(|b| b.paused_clock(true).trace(true));
    builder.build().unwrap().block_on(small_program());
    lines.take()
}

#[test]
fn trace_lines_name_every_event_of_the_loop() {
    let lines = trace_of_small_program();
    let expect = [
        "spawn task#1 \"ticker\" at runtime/tests/debugging.rs",
        "wake task#1 \"ticker\" by main",
        "poll task#1 \"ticker\"",
        "task#1 \"ticker\" -> Pending",
        "wait: paused clock jumps +100ms to the next timer",
        "wake task#1 \"ticker\" by timer",
        "task#1 \"ticker\" -> Ready (finished)",
        "wake main by task#1 \"ticker\"",
        "cancel task#2 \"stuck\" (abort() was called): dropping its future aioli::time::sleep::Sleep",
        "main -> Ready",
    ];
    for needle in expect {
        assert!(count_matching(&lines, needle) > 0, "no trace line contains {needle:?}:\n{}", lines.join("\n"));
    }
    assert!(lines.iter().all(|line| line.starts_with("aioli tick ")), "every line starts with its tick");
}

#[test]
fn a_paused_trace_is_the_same_on_every_run() {
    let first = trace_of_small_program();
    let second = trace_of_small_program();
    assert!(first.len() > 10);
    assert_eq!(first, second, "deterministic mode must replay the same interleaving");
}

/// A program's own observer sees typed events: here, the life of one
/// task that sleeps once, told by the events about it.
#[test]
fn an_observer_sees_spawn_poll_timer_wake_poll_end() {
    let seen: Rc<RefCell<Vec<LoopEvent>>> = Rc::default();
    let observer = seen.clone();
    let runtime = Builder::new()
        .debug(false)
        .trace(false)
        .paused_clock(true)
        .observe(move |event| observer.borrow_mut().push(event.clone()))
        .build()
        .unwrap();
    runtime.block_on(async {
        let napper = TaskBuilder::new().name("napper").spawn(sleep(Duration::from_millis(10)));
        napper.await.unwrap();
    });
    let events = seen.take();

    let spawned = events.iter().find_map(|event| match event {
        LoopEvent::Spawned { task, name, site, .. } => Some((*task, name.clone(), site.file())),
        _ => None,
    });
    let (task, name, file) = spawned.expect("no Spawned event");
    assert_eq!(name.as_deref(), Some("napper"));
    assert!(file.ends_with("debugging.rs"), "the spawn site is the test's line, not {file}");

    // The task's own story, in order: every event that names it.
    let story: Vec<String> = events
        .iter()
        .filter_map(|event| match event {
            LoopEvent::Spawned { task: t, .. } if *t == task => Some("spawned".to_string()),
            LoopEvent::PollStarted { task: t } if *t == task => Some("poll".to_string()),
            LoopEvent::Polled { task: t, result, .. } if *t == task => Some(match result {
                PollResult::Pending { waker_held: true, woken_during_poll: false } => "pending, waker held".to_string(),
                other => format!("{other:?}"),
            }),
            LoopEvent::Woken { task: t, cause, already_queued: false } if *t == task => {
                Some(format!("woken by {cause:?}"))
            }
            LoopEvent::TaskEnded { task: t, end } if *t == task => Some(format!("ended: {end:?}")),
            _ => None,
        })
        .collect();
    let main = events
        .iter()
        .find_map(|event| match event {
            LoopEvent::PollStarted { task } if task.is_main() => Some(*task),
            _ => None,
        })
        .expect("main was never polled");
    assert_eq!(
        story,
        [
            "spawned".to_string(),
            format!("woken by {:?}", WakeCause::Task(main)),
            "poll".to_string(),
            "pending, waker held".to_string(),
            format!("woken by {:?}", WakeCause::Timer),
            "poll".to_string(),
            "Ready".to_string(),
            "ended: Finished".to_string(),
        ]
    );

    // The timer between the two polls: armed in the first, fired in
    // phase 1 of a later tick, right before the wake it causes.
    let fired = events.iter().position(|event| matches!(event, LoopEvent::TimerFired { .. })).unwrap();
    assert!(matches!(events[fired + 1], LoopEvent::Woken { cause: WakeCause::Timer, .. }));
    let phase_of_fire = events[..fired].iter().rev().find_map(|event| match event {
        LoopEvent::PhaseEntered { phase } => Some(*phase),
        _ => None,
    });
    assert_eq!(phase_of_fire, Some(Phase::FireTimers));
    let armed = events.iter().position(|event| matches!(event, LoopEvent::TimerArmed { .. })).unwrap();
    assert!(armed < fired);
    assert!(events
        .iter()
        .any(|event| matches!(event, LoopEvent::ClockJumped { by } if *by == Duration::from_millis(10))));
}

/// Events own their data, so an observer can hand them to another thread
/// (as a live view would): here a channel to a thread that counts wakes.
#[test]
fn events_can_be_sent_to_another_thread() {
    fn sendable<T: Send + Sync + Clone + 'static>() {}
    sendable::<LoopEvent>();

    let (sender, receiver) = std::sync::mpsc::channel::<LoopEvent>();
    let counter = std::thread::spawn(move || {
        receiver.iter().filter(|event| matches!(event, LoopEvent::Woken { cause: WakeCause::Timer, .. })).count()
    });
    let runtime = Builder::new()
        .debug(false)
        .trace(false)
        .paused_clock(true)
        .observe(move |event| {
            let _ = sender.send(event.clone());
        })
        .build()
        .unwrap();
    runtime.block_on(async {
        for _ in 0..3 {
            sleep(Duration::from_millis(5)).await;
        }
    });
    drop(runtime); // drops the observer, and with it the sender
    assert_eq!(counter.join().unwrap(), 3);
}

#[test]
fn with_every_aid_off_the_dump_still_reads_the_task_table() {
    // `task::dump` reads the task table, so it answers with every aid off.
    let runtime = Builder::new().debug(false).trace(false).build().unwrap();
    runtime.block_on(async {
        let _idle = TaskBuilder::new().name("idle").spawn(sleep(Duration::from_secs(60)));
        aioli::task::yield_now().await;
        let dump = aioli::task::dump();
        assert_eq!(dump.tasks.len(), 1);
        assert_eq!(dump.tasks[0].polls, 1);
        assert_eq!(dump.tasks[0].state, TaskState::Waiting);
    });
}

#[test]
fn a_wake_from_another_thread_is_traced_as_such() {
    let (builder, lines) = captured(|b| b.trace(true));
    builder.build().unwrap().block_on(async {
        let (woken, thread) = common::completed_by_another_thread(Duration::from_millis(20));
        woken.await;
        thread.join().unwrap();
    });
    let lines = lines.take();
    assert!(count_matching(&lines, "wake main by another thread") == 1, "{}", lines.join("\n"));
    assert!(count_matching(&lines, "woken by a wake from another thread") == 1, "{}", lines.join("\n"));
}

#[test]
fn a_future_that_keeps_no_waker_is_reported_at_once() {
    let (builder, lines) = captured(|b| b.paused_clock(true).debug(true));
    builder.build().unwrap().block_on(async {
        // The classic bug: Pending without storing cx.waker() anywhere.
        let forgetful = TaskBuilder::new().name("forgetful").spawn(poll_fn(|_cx| Poll::<()>::Pending));
        // A correct one: it keeps its waker (here in a timer).
        let _fine = TaskBuilder::new().name("fine").spawn(sleep(Duration::from_secs(1)));
        sleep(Duration::from_millis(10)).await;
        forgetful.abort();
    });
    let warnings: Vec<String> = lines.take().into_iter().filter(|line| line.starts_with("aioli warning")).collect();
    let lost: Vec<&String> = warnings.iter().filter(|line| line.contains("kept no clone of its waker")).collect();
    assert_eq!(lost.len(), 1, "exactly one lost-waker warning: {warnings:#?}");
    assert!(lost[0].contains("\"forgetful\"") && lost[0].contains("runtime/tests/debugging.rs"), "{}", lost[0]);
}

#[test]
fn a_task_that_wakes_itself_forever_is_reported_once() {
    let (builder, lines) = captured(|b| b.busy_loop_threshold(Some(50)));
    builder.build().unwrap().block_on(async {
        let spinner = TaskBuilder::new().name("spinner").spawn(async {
            for _ in 0..200 {
                aioli::task::yield_now().await;
            }
        });
        spinner.await.unwrap();
    });
    let lines = lines.take();
    assert_eq!(count_matching(&lines, "busy-looping"), 1, "{lines:#?}");
    assert!(count_matching(&lines, "\"spinner\"") >= 1);
    assert!(count_matching(&lines, "woke itself in 50 polls in a row") == 1);
}

#[test]
fn a_poll_that_blocks_the_loop_is_reported_with_its_task() {
    let (builder, lines) = captured(|b| b.slow_poll_threshold(Some(Duration::from_millis(20))));
    builder.build().unwrap().block_on(async {
        let blocker = TaskBuilder::new().name("blocker").spawn(async {
            // The mistake being caught: a blocking call inside a task.
            std::thread::sleep(Duration::from_millis(40));
        });
        blocker.await.unwrap();
    });
    let lines = lines.take();
    let slow: Vec<&String> = lines.iter().filter(|line| line.contains("blocked the loop")).collect();
    assert_eq!(slow.len(), 1, "{lines:#?}");
    assert!(slow[0].contains("\"blocker\"") && slow[0].contains("threshold 20ms"), "{}", slow[0]);
}

#[test]
fn the_dump_lists_live_tasks_with_their_state() {
    let runtime = Builder::new().paused_clock(true).debug(false).build().unwrap();
    runtime.block_on(async {
        let _sleeper = TaskBuilder::new().name("sleeper").spawn(sleep(Duration::from_secs(5)));
        let _fresh = TaskBuilder::new().name("fresh").spawn(async {});
        let dump = aioli::task::dump();
        assert_eq!(dump.tasks.len(), 2);
        assert_eq!(dump.tasks[0].state, TaskState::Scheduled, "spawned, not yet polled");
        assert_eq!(dump.tasks[0].polls, 0);
        sleep(Duration::from_millis(1)).await;
        let dump = aioli::task::dump();
        assert_eq!(dump.tasks.len(), 1, "fresh finished");
        let sleeper = &dump.tasks[0];
        assert_eq!(sleeper.name.as_deref(), Some("sleeper"));
        assert_eq!(sleeper.state, TaskState::Waiting);
        assert_eq!(sleeper.polls, 1);
        assert!(sleeper.future_type.contains("Sleep"), "{}", sleeper.future_type);
        let text = dump.to_string();
        assert!(text.contains("1 live task") && text.contains("\"sleeper\"") && text.contains("waiting"), "{text}");
    });
}

#[test]
fn run_lists_leftover_tasks_when_debugging() {
    let (builder, lines) = captured(|b| b.paused_clock(true).debug(true));
    builder.build().unwrap().block_on(async {
        drop(TaskBuilder::new().name("leaked").spawn(sleep(Duration::from_secs(60))));
        aioli::task::yield_now().await;
    });
    let lines = lines.take();
    let text = lines.join("\n");
    assert!(text.contains("still alive") && text.contains("\"leaked\""), "{text}");
}

#[test]
fn current_names_the_running_task() {
    aioli::run(async {
        assert!(aioli::task::current().is_none());
        let seen = TaskBuilder::new().name("me").spawn(async {
            let me = aioli::task::current();
            me.map(|task| (task.name, task.state))
        });
        assert_eq!(seen.await.unwrap(), Some((Some("me".to_string()), TaskState::Running)));
    });
}

/// With every aid off the loop runs a second copy of `poll_task` with the
/// hooks compiled out (`poll_task_as::<false>`). It must keep everything
/// that is not a hook: `current()`, poll counts for the dump, aborts and
/// caught panics, and it must print nothing, even for a lost waker.
#[test]
fn with_every_aid_off_the_loop_keeps_its_semantics_and_says_nothing() {
    let (builder, lines) = captured(|b| b.paused_clock(true));
    builder.build().unwrap().block_on(async {
        let named = TaskBuilder::new().name("quiet").spawn(async {
            aioli::task::yield_now().await;
            aioli::task::current().map(|task| (task.name, task.polls))
        });
        assert_eq!(named.await.unwrap(), Some((Some("quiet".to_string()), 2)));

        let forgetful = aioli::spawn(poll_fn(|_cx| Poll::<()>::Pending));
        let panicking = aioli::spawn(async { panic!("on purpose, with the aids off") });
        sleep(Duration::from_millis(10)).await;
        forgetful.abort();
        assert!(forgetful.await.unwrap_err().is_cancelled());
        assert!(panicking.await.unwrap_err().is_panic());
    });
    assert_eq!(lines.take(), Vec::<String>::new(), "no trace line and no warning with every aid off");
}

#[test]
fn the_timeline_is_chrome_trace_json_with_a_slice_per_poll() {
    let path = std::env::temp_dir().join(format!("aioli-timeline-{}.json", std::process::id()));
    let polls = Rc::new(Cell::new(0u32));
    let runtime = Builder::new().debug(false).trace(false).timeline_file(&path).build().unwrap();
    let counted = polls.clone();
    runtime.block_on(async move {
        let worker = TaskBuilder::new().name("worker").spawn(async move {
            for _ in 0..3 {
                counted.set(counted.get() + 1);
                sleep(Duration::from_millis(2)).await;
            }
        });
        worker.await.unwrap();
    });
    let text = std::fs::read_to_string(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    let json: serde_json::Value = serde_json::from_str(&text).expect("the timeline must be valid JSON");
    let events = json["traceEvents"].as_array().expect("a traceEvents array");

    let track_of = |name: &str| {
        events
            .iter()
            .find(|event| event["ph"] == "M" && event["name"] == "thread_name" && event["args"]["name"] == name)
            .and_then(|event| event["tid"].as_u64())
    };
    let worker_track = track_of("task#1 \"worker\"").expect("the worker has a named track");
    assert!(track_of("event loop").is_some() && track_of("main").is_some());

    let worker_slices: Vec<&serde_json::Value> =
        events.iter().filter(|event| event["ph"] == "X" && event["tid"] == worker_track).collect();
    // Four polls: three that sleep, one that returns.
    assert_eq!(worker_slices.len(), 4, "{worker_slices:#?}");
    for slice in &worker_slices {
        assert!(slice["ts"].as_f64().is_some() && slice["dur"].as_f64().is_some_and(|dur| dur >= 0.0));
        assert_eq!(slice["name"], "poll task#1 \"worker\"");
    }
    let timer_wakes = events
        .iter()
        .filter(|event| event["ph"] == "i" && event["tid"] == worker_track && event["name"] == "woken by timer")
        .count();
    assert_eq!(timer_wakes, 3);
    let waits = events.iter().filter(|event| event["ph"] == "X" && event["cat"] == "wait").count();
    assert!(waits >= 3, "the loop's blocking waits are on its own track");
    assert_eq!(polls.get(), 3);
}

#[test]
fn without_the_waker_ring_a_cross_thread_wake_waits_for_the_next_timer() {
    // The lost-wakeup bug on purpose: the wake is queued, but the loop,
    // asleep in phase 3, is not told; only the 300 ms backstop timer ends
    // its sleep. (A lower bound on time is safe to assert: the loop cannot
    // notice the wake before the timer.)
    let runtime = Builder::new().debug(false).cross_thread_wakeups(false).build().unwrap();
    let noticed_after = runtime.block_on(async {
        let _backstop = aioli::spawn(sleep(Duration::from_millis(300)));
        let start = std::time::Instant::now();
        let (woken, thread) = common::completed_by_another_thread(Duration::from_millis(10));
        woken.await;
        thread.join().unwrap();
        start.elapsed()
    });
    assert!(noticed_after >= Duration::from_millis(290), "noticed after {noticed_after:?}");
}

#[test]
fn the_timeline_draws_an_arrow_from_each_wake_to_the_poll_it_caused() {
    let path = std::env::temp_dir().join(format!("aioli-timeline-flows-{}.json", std::process::id()));
    let runtime = Builder::new().debug(false).trace(false).timeline_file(&path).build().unwrap();
    runtime.block_on(async {
        let worker = TaskBuilder::new().name("worker").spawn(async {
            sleep(Duration::from_millis(2)).await; // woken by a timer
        });
        worker.await.unwrap(); // main is woken by the worker finishing
    });
    let text = std::fs::read_to_string(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    let json: serde_json::Value = serde_json::from_str(&text).expect("the timeline must be valid JSON");
    let events = json["traceEvents"].as_array().expect("a traceEvents array");
    let track_of = |name: &str| {
        events
            .iter()
            .find(|event| event["ph"] == "M" && event["name"] == "thread_name" && event["args"]["name"] == name)
            .and_then(|event| event["tid"].as_u64())
            .unwrap_or_else(|| panic!("no track named {name}"))
    };
    let (loop_track, main_track, worker_track) =
        (track_of("event loop"), track_of("main"), track_of("task#1 \"worker\""));

    // The slice on `track` that contains time `ts`, if any: a flow's end
    // must fall inside one for a viewer to draw it.
    let slice_at = |track: u64, ts: f64| {
        events.iter().find(|event| {
            let (start, dur) = (event["ts"].as_f64().unwrap_or(-1.0), event["dur"].as_f64().unwrap_or(-1.0));
            event["ph"] == "X" && event["tid"] == track && start <= ts && ts <= start + dur
        })
    };
    let starts: Vec<&serde_json::Value> = events.iter().filter(|event| event["ph"] == "s").collect();
    assert!(starts.len() >= 3, "main's first poll, the timer, the worker's end: {starts:#?}");
    let mut arrows = Vec::new();
    for start in &starts {
        let id = start["id"].as_u64().expect("a flow start has a numeric id");
        let ends: Vec<&serde_json::Value> =
            events.iter().filter(|event| event["ph"] == "f" && event["id"] == id).collect();
        assert_eq!(ends.len(), 1, "flow {id} has {} ends", ends.len());
        let end = ends[0];
        assert_eq!(end["bp"], "e", "the end binds to the enclosing slice (the poll)");
        assert_eq!((start["cat"].as_str(), end["cat"].as_str()), (Some("wake"), Some("wake")));
        assert!(start["ts"].as_f64() <= end["ts"].as_f64(), "an arrow goes forward in time");
        let (from_track, to_track) = (start["tid"].as_u64().unwrap(), end["tid"].as_u64().unwrap());
        let from = slice_at(from_track, start["ts"].as_f64().unwrap())
            .unwrap_or_else(|| panic!("flow {id} starts in no slice"));
        let to =
            slice_at(to_track, end["ts"].as_f64().unwrap()).unwrap_or_else(|| panic!("flow {id} ends in no slice"));
        assert!(to["name"].as_str().is_some_and(|name| name.starts_with("poll ")), "flow {id} ends in {to}");
        arrows.push((from_track, from["name"].as_str().unwrap().to_string(), start["args"]["cause"].clone(), to_track));
    }
    let timer = (loop_track, "timer fired".to_string(), serde_json::json!("timer"), worker_track);
    assert!(arrows.contains(&timer), "no arrow from a timer mark to the worker's poll: {arrows:#?}");
    let finished =
        (worker_track, "poll task#1 \"worker\"".to_string(), serde_json::json!("task#1 \"worker\""), main_track);
    assert!(arrows.contains(&finished), "no arrow from the worker's last poll to main's: {arrows:#?}");
}

#[test]
fn the_dump_says_who_spawned_a_task_and_who_awaits_it() {
    aioli::run(async {
        let parent = TaskBuilder::new().name("parent").spawn(async {
            let child = TaskBuilder::new().name("child").spawn(sleep(Duration::from_millis(5)));
            child.await.unwrap();
        });
        aioli::task::yield_now().await; // the parent runs, spawns, awaits
        aioli::task::yield_now().await;
        let dump = aioli::task::dump();
        let row = |name: &str| dump.tasks.iter().find(|task| task.name.as_deref() == Some(name)).unwrap().clone();
        let (parent_row, child_row) = (row("parent"), row("child"));
        assert!(parent_row.spawned_by.is_some_and(|id| id.is_main()), "{parent_row:?}");
        assert_eq!(child_row.spawned_by, Some(parent_row.id));
        assert_eq!(child_row.awaited_by, Some(parent_row.id));
        assert_eq!(parent_row.awaited_by, None, "nobody awaits the parent yet");
        parent.await.unwrap();
    });
}

/// Collects every event of a run, debug aids as `configure` sets them.
fn events_of(
    configure: impl FnOnce(Builder) -> Builder,
    program: impl std::future::Future<Output = ()>,
) -> Vec<LoopEvent> {
    let seen: Rc<RefCell<Vec<LoopEvent>>> = Rc::default();
    let observer = seen.clone();
    let (builder, _lines) = captured(configure);
    let runtime = builder.observe(move |event| observer.borrow_mut().push(event.clone())).build().unwrap();
    runtime.block_on(program);
    drop(runtime);
    seen.take()
}

/// Each detector warning is also an event, right after the `Polled` it is about.
#[test]
fn detector_warnings_are_events_after_the_poll_they_are_about() {
    let events =
        events_of(|b| b.paused_clock(true).debug(true).slow_poll_threshold(Some(Duration::from_millis(20))), async {
            let forgetful = TaskBuilder::new().name("forgetful").spawn(poll_fn(|_cx| Poll::<()>::Pending));
            let blocker = TaskBuilder::new().spawn(async { std::thread::sleep(Duration::from_millis(30)) });
            blocker.await.unwrap();
            forgetful.abort();
        });
    let warned: Vec<(usize, Warning)> = events
        .iter()
        .enumerate()
        .filter_map(|(at, event)| match event {
            LoopEvent::Warned { warning, .. } => Some((at, *warning)),
            _ => None,
        })
        .collect();
    assert_eq!(warned.len(), 2, "one lost waker, one slow poll: {warned:?}");
    assert_eq!(warned[0].1, Warning::LostWaker);
    assert!(matches!(warned[1].1, Warning::SlowPoll { threshold, .. } if threshold == Duration::from_millis(20)));
    for (at, _) in warned {
        let LoopEvent::Warned { task, .. } = &events[at] else { unreachable!() };
        assert!(
            matches!(&events[at - 1], LoopEvent::Polled { task: polled, .. } if polled == task),
            "a warning follows the poll of its task: {:?}",
            &events[at - 1..=at]
        );
    }
}

/// A sleep dropped before its deadline says so, and a socket that would
/// block names the task that waits on it.
#[test]
fn cancelled_timers_and_io_waits_are_events() {
    let events = events_of(|b| b, async {
        let _ = aioli::time::timeout(Duration::from_secs(60), aioli::task::yield_now()).await;
        let listener = aioli::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let waiter = TaskBuilder::new().name("acceptor").spawn(async move {
            let _ = listener.accept().await;
        });
        aioli::task::yield_now().await;
        waiter.abort();
        let _ = waiter.await;
    });
    assert!(events.iter().any(|event| matches!(event, LoopEvent::TimerCancelled { .. })), "{events:#?}");
    let acceptor = events
        .iter()
        .find_map(|event| match event {
            LoopEvent::Spawned { task, .. } => Some(*task),
            _ => None,
        })
        .unwrap();
    let source = events
        .iter()
        .find_map(|event| match event {
            LoopEvent::IoWaiting { task, source, direction: Direction::Readable } if *task == acceptor => Some(*source),
            _ => None,
        })
        .expect("the acceptor waits for its listener to be readable");
    assert!(events.iter().any(|event| matches!(event, LoopEvent::IoClosed { source: closed } if *closed == source)));
}
