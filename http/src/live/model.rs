//! The view's picture of the observed loop, folded from its events.
//!
//! The view's thread takes [`Stamped`] events off the channel and hands
//! each to [`Model::fold`], which keeps what the page shows: the tick and
//! the phase, one [`TaskRow`] per live task, the armed timers, the
//! sockets and who waits on them, the blocking jobs, the recent warnings,
//! and for each task the time it spent in polls per 100 ms of the last
//! five seconds (the strip). Nothing here reads the observed loop: like
//! the trace and the detectors in `aioli`, the model knows only what the
//! events said, so it can live on another thread. [`Model::snapshot`]
//! writes it as the JSON the page draws (`snapshot.rs`).
//!
//! tokio-console keeps the same kind of picture in its console process,
//! fed by tracing spans over gRPC; here the events are plain values and
//! the picture is a few maps.
//!
//! Chapter: docs/src/41-live-view.md

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::{Duration, Instant};

use aioli::runtime::{Direction, LoopEvent, Phase, PollResult, WakeCause, Warning};
use aioli::task::Id;

/// One loop event and, if it starts a stretch of work (a tick, a phase,
/// a poll), the moment the observer saw it. Events carry no time of their
/// own; the strip and the "ago" columns need one, and an unstamped event
/// gets the time of the last stamped one before it.
#[derive(Debug, Clone)]
pub(crate) struct Stamped {
    /// When the observer was called, on the observed loop's thread.
    pub(crate) at: Option<Instant>,
    /// The event, cloned.
    pub(crate) event: LoopEvent,
}

/// Width of one strip bucket.
pub(crate) const BUCKET: Duration = Duration::from_millis(100);
/// Buckets in a strip: five seconds.
pub(crate) const STRIP_BUCKETS: u64 = 50;
/// Warnings kept for the page.
const WARNINGS_KEPT: usize = 50;
/// Blocking jobs remembered for the page.
const JOBS_KEPT: usize = 20;

/// What a task is doing, as the page colours it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TaskState {
    /// Spawned or woken: in the ready queue, phase 2 will poll it.
    Ready,
    /// Being polled right now.
    Running,
    /// Returned `Pending`: waits for a timer, a socket, another task.
    Waiting,
    /// Its future returned or panicked; it leaves the table next.
    Done,
}

impl TaskState {
    pub(crate) fn name(self) -> &'static str {
        match self {
            TaskState::Ready => "ready",
            TaskState::Running => "running",
            TaskState::Waiting => "waiting",
            TaskState::Done => "done",
        }
    }
}

/// One live task (or `main`), as the table shows it.
#[derive(Debug)]
pub(crate) struct TaskRow {
    /// `task#3 "producer"`, or `main`.
    pub(crate) label: String,
    /// The type of its future, which names the `async fn`.
    pub(crate) future_type: &'static str,
    /// `file:line` of the spawn, empty for main.
    pub(crate) site: String,
    pub(crate) state: TaskState,
    pub(crate) polls: u64,
    /// Total time inside its polls.
    pub(crate) busy: Duration,
    /// When it was last woken, and by what (put in words only when a
    /// snapshot is written: a wake is frequent, a snapshot is not).
    pub(crate) last_wake: Option<(Instant, WakeCause)>,
    /// The sockets it waits on (a key into `Model::sources`), so a wake
    /// clears only those.
    pub(crate) on_sources: Vec<usize>,
    /// The warnings it got, by name, once each.
    pub(crate) warnings: Vec<&'static str>,
    /// (bucket number since the model started, time in polls, polls),
    /// oldest first, for the last `STRIP_BUCKETS` buckets.
    pub(crate) strip: VecDeque<(u64, Duration, u32)>,
}

/// An armed timer.
#[derive(Debug)]
pub(crate) struct TimerRow {
    /// Its deadline, on the observed loop's clock.
    pub(crate) deadline: aioli::time::Instant,
    /// The task whose poll armed it.
    pub(crate) armed_by: Option<u64>,
}

/// A socket the loop has seen.
#[derive(Debug, Default)]
pub(crate) struct SourceRow {
    /// Tasks waiting on it now, and which way.
    pub(crate) waiting: BTreeSet<(u64, &'static str)>,
    /// Readiness events phase 4 dispatched for it.
    pub(crate) ready_events: u64,
    /// The last direction found ready.
    pub(crate) last_ready: Option<&'static str>,
}

/// A job sent to the blocking pool.
#[derive(Debug)]
pub(crate) struct JobRow {
    pub(crate) sent_at: Instant,
    /// The task whose poll called `spawn_blocking`.
    pub(crate) sent_by: Option<u64>,
}

/// A warning from the detectors.
#[derive(Debug)]
pub(crate) struct WarningRow {
    pub(crate) at: Instant,
    pub(crate) task: u64,
    pub(crate) label: String,
    pub(crate) warning: Warning,
}

/// Everything the page shows.
#[derive(Debug)]
pub(crate) struct Model {
    /// When the model was made: bucket 0 of the strips starts here.
    pub(crate) started: Instant,
    pub(crate) tick: u64,
    pub(crate) phase: Option<Phase>,
    /// (when, tick) samples of the last second or so, for ticks/s.
    pub(crate) tick_samples: VecDeque<(Instant, u64)>,
    /// Live tasks by spawn number (main is 0).
    pub(crate) tasks: BTreeMap<u64, TaskRow>,
    /// The task being polled, to credit timers, sockets and jobs to it.
    pub(crate) polling: Option<u64>,
    pub(crate) timers: Vec<TimerRow>,
    pub(crate) sources: BTreeMap<usize, SourceRow>,
    pub(crate) blocking_in_flight: usize,
    pub(crate) blocking_sent: u64,
    pub(crate) blocking_done: u64,
    /// The last jobs sent, newest last.
    pub(crate) jobs: VecDeque<JobRow>,
    /// The last warnings, newest last.
    pub(crate) warnings: VecDeque<WarningRow>,
    pub(crate) warnings_total: u64,
    /// Events folded so far.
    pub(crate) events: u64,
    /// The observed loop dropped its observer (its runtime is gone).
    pub(crate) ended: bool,
    /// The latest stamp seen: the time of the events after it, until the
    /// next stamped one.
    pub(crate) last_seen: Instant,
}

impl Model {
    /// An empty picture, started now.
    pub(crate) fn new() -> Model {
        let now = Instant::now();
        Model {
            started: now,
            tick: 0,
            phase: None,
            tick_samples: VecDeque::new(),
            tasks: BTreeMap::new(),
            polling: None,
            timers: Vec::new(),
            sources: BTreeMap::new(),
            blocking_in_flight: 0,
            blocking_sent: 0,
            blocking_done: 0,
            jobs: VecDeque::new(),
            warnings: VecDeque::new(),
            warnings_total: 0,
            events: 0,
            ended: false,
            last_seen: now,
        }
    }

    /// Takes one event into the picture.
    pub(crate) fn fold(&mut self, stamped: Stamped) {
        let Stamped { at, event } = stamped;
        self.events += 1;
        if let Some(at) = at {
            self.last_seen = self.last_seen.max(at);
        }
        let at = self.last_seen;
        match event {
            LoopEvent::TickStarted { tick } => self.tick = tick,
            LoopEvent::PhaseEntered { phase } => self.phase = Some(phase),
            LoopEvent::Spawned { task, name, site, future_type } => {
                let row = self.row(task);
                row.label = label(task, name.as_deref());
                row.future_type = future_type;
                row.site = format!("{}:{}", site.file(), site.line());
            }
            LoopEvent::PollStarted { task } => {
                self.polling = Some(task.number());
                self.row(task).state = TaskState::Running;
            }
            LoopEvent::Polled { task, result, spent } => {
                self.polling = None;
                let bucket = bucket_of(self.started, at);
                let row = self.row(task);
                row.polls += 1;
                row.busy += spent;
                row.state = match result {
                    PollResult::Pending { woken_during_poll: true, .. } => TaskState::Ready,
                    PollResult::Pending { .. } => TaskState::Waiting,
                    PollResult::Ready | PollResult::Panicked { .. } => TaskState::Done,
                };
                match row.strip.back_mut() {
                    Some((last, time, polls)) if *last == bucket => {
                        *time += spent;
                        *polls += 1;
                    }
                    _ => row.strip.push_back((bucket, spent, 1)),
                }
                while row.strip.front().is_some_and(|(first, _, _)| first + STRIP_BUCKETS <= bucket) {
                    row.strip.pop_front();
                }
            }
            LoopEvent::Woken { task, cause, .. } => {
                let row = self.row(task);
                if row.state != TaskState::Running && row.state != TaskState::Done {
                    row.state = TaskState::Ready;
                }
                row.last_wake = Some((at, cause));
                // Woken, it no longer waits on any socket until it says so again.
                let on_sources = std::mem::take(&mut row.on_sources);
                self.stop_waiting(task.number(), &on_sources);
            }
            LoopEvent::TimerArmed { deadline } => {
                self.timers.push(TimerRow { deadline, armed_by: self.polling });
            }
            LoopEvent::TimerFired { deadline } | LoopEvent::TimerCancelled { deadline } => {
                if let Some(index) = self.timers.iter().position(|timer| timer.deadline == deadline) {
                    self.timers.swap_remove(index);
                }
            }
            LoopEvent::IoWaiting { task, source, direction } => {
                let row = self.row(task);
                if !row.on_sources.contains(&source) {
                    row.on_sources.push(source);
                }
                let entry = self.sources.entry(source).or_default();
                entry.waiting.insert((task.number(), direction_name(direction)));
            }
            LoopEvent::IoReady { source, direction } => {
                let entry = self.sources.entry(source).or_default();
                entry.ready_events += 1;
                entry.last_ready = Some(direction_name(direction));
            }
            LoopEvent::IoClosed { source } => {
                self.sources.remove(&source);
            }
            LoopEvent::BlockingQueued { in_flight } => {
                self.blocking_in_flight = in_flight;
                self.blocking_sent += 1;
                self.jobs.push_back(JobRow { sent_at: at, sent_by: self.polling });
                if self.jobs.len() > JOBS_KEPT {
                    self.jobs.pop_front();
                }
            }
            LoopEvent::BlockingDone { in_flight, .. } => {
                self.blocking_in_flight = in_flight;
                self.blocking_done += 1;
            }
            LoopEvent::TaskEnded { task, .. } => {
                if let Some(row) = self.tasks.remove(&task.number()) {
                    self.stop_waiting(task.number(), &row.on_sources);
                }
            }
            LoopEvent::Warned { task, warning } => {
                let row = self.row(task);
                if !row.warnings.contains(&warning.name()) {
                    row.warnings.push(warning.name());
                }
                let label = row.label.clone();
                self.warnings.push_back(WarningRow { at, task: task.number(), label, warning });
                self.warnings_total += 1;
                if self.warnings.len() > WARNINGS_KEPT {
                    self.warnings.pop_front();
                }
            }
            // Waits, clock jumps and cancellations change nothing the
            // page shows; `TaskEnded` follows a cancellation.
            _ => {}
        }
    }

    /// Records a (now, tick) sample for the ticks-per-second figure,
    /// keeping about the last second of them.
    pub(crate) fn sample_ticks(&mut self, now: Instant) {
        self.tick_samples.push_back((now, self.tick));
        while self.tick_samples.front().is_some_and(|(at, _)| now.duration_since(*at) > Duration::from_millis(1100)) {
            self.tick_samples.pop_front();
        }
    }

    /// Ticks per second over the last second of samples.
    pub(crate) fn ticks_per_second(&self) -> f64 {
        match (self.tick_samples.front(), self.tick_samples.back()) {
            (Some((first_at, first)), Some((last_at, last))) if last_at > first_at => {
                (last - first) as f64 / last_at.duration_since(*first_at).as_secs_f64()
            }
            _ => 0.0,
        }
    }

    /// The row of `task`, made on first sight (main has no `Spawned`).
    fn row(&mut self, task: Id) -> &mut TaskRow {
        self.tasks.entry(task.number()).or_insert_with(|| TaskRow {
            label: label(task, None),
            future_type: if task.is_main() { "the future given to block_on" } else { "" },
            site: String::new(),
            state: TaskState::Ready,
            polls: 0,
            busy: Duration::ZERO,
            last_wake: None,
            on_sources: Vec::new(),
            warnings: Vec::new(),
            strip: VecDeque::new(),
        })
    }

    /// Takes `task` off the waiting lists of `sources`.
    fn stop_waiting(&mut self, task: u64, sources: &[usize]) {
        for source in sources {
            if let Some(source) = self.sources.get_mut(source) {
                source.waiting.retain(|(waiter, _)| *waiter != task);
            }
        }
    }

    /// A task's label, from its row if it is alive.
    pub(crate) fn label_of(&self, number: u64) -> String {
        match self.tasks.get(&number) {
            Some(row) => row.label.clone(),
            None if number == 0 => "main".to_string(),
            None => format!("task#{number}"),
        }
    }

    /// What woke a task, in the page's words.
    pub(crate) fn cause_text(&self, cause: WakeCause) -> String {
        match cause {
            WakeCause::Itself => "itself".to_string(),
            WakeCause::Task(by) => self.label_of(by.number()),
            WakeCause::Timer => "timer".to_string(),
            WakeCause::Io { source, direction } => format!("IO: source {source} {}", direction_name(direction)),
            WakeCause::Cancellation(of) => format!("cancelling {}", self.label_of(of.number())),
            WakeCause::Shutdown => "shutdown".to_string(),
            WakeCause::Loop => "the loop".to_string(),
            WakeCause::AnotherThread => "another thread".to_string(),
        }
    }
}

/// `task#3 "producer"`, `task#3`, or `main`.
fn label(task: Id, name: Option<&str>) -> String {
    match name {
        Some(name) => format!("{task} \"{name}\""),
        None => task.to_string(),
    }
}

fn direction_name(direction: Direction) -> &'static str {
    match direction {
        Direction::Readable => "readable",
        Direction::Writable => "writable",
    }
}

/// The strip bucket `at` falls in.
pub(crate) fn bucket_of(started: Instant, at: Instant) -> u64 {
    (at.saturating_duration_since(started).as_millis() / BUCKET.as_millis()) as u64
}
