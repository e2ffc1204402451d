//! Timeline export: the run as a picture, in Chrome's Trace Event Format.
//!
//! With `AIOLI_TRACE_FILE=trace.json` (or `Builder::timeline_file`), the
//! loop gets one more observer, [`Timeline`], which records each task poll
//! (a `Polled` event) as a slice on its task's own track, each blocking
//! wait in phase 3 (`Waited`) as a slice on the "event loop" track, and
//! every wake (`Woken`) as an instant mark. When `block_on` returns the
//! core writes the recording as JSON, which <https://ui.perfetto.dev> and
//! `chrome://tracing` open as a zoomable timeline: gaps on a task's track
//! are the time it spent waiting.
//!
//! The format is a JSON object with a `traceEvents` array; each event has a
//! name `name`, a phase `ph` ("X" a slice with a duration `dur`, "i" an
//! instant, "M" metadata such as a track's name), a timestamp `ts` in
//! microseconds, and `pid`/`tid` saying which track it belongs on. The JSON
//! is written by hand (a few string escapes) to keep the runtime free of
//! serialization crates.
//!
//! Why a task woke is drawn as an arrow: a *flow* (`ph` "s" where it
//! starts, "f" where it ends, the two joined by an `id`) from the wake to
//! the poll it caused. A flow event is drawn from a slice, so each end
//! sits inside one: a wake by a task starts in that task's poll (the wake
//! happened during it); a wake by a timer, a socket or another thread
//! starts in a 1 µs mark on the loop's track named for the cause (`timer
//! fired`, `IO: source 3 is readable`), since the loop was doing that
//! between polls; the arrow ends in the woken task's next poll (`"bp":"e"`,
//! "bind to the enclosing slice", at the poll's midpoint). A wake of a
//! task already queued caused no poll of its own and gets no arrow, only
//! its instant mark. Perfetto draws these arrows; `chrome://tracing`
//! shows them with "Flow events" ticked.
//!
//! Chapter: docs/src/09-debugging.md

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io;
use std::path::Path;
use std::time::Duration;

use super::labels::TaskBook;
use super::trace::wait_end;
use crate::runtime::events::{LoopEvent, WakeCause};
use crate::task::Id;

/// The track (`tid`) of the loop itself. Viewers read `tid` as a 32-bit
/// number, so tracks are small: 0 the loop, 1 the main future, and task
/// number n on track n + 1 ([`task_track`]).
const LOOP_TRACK: u64 = 0;
/// The main future's track.
const MAIN_TRACK: u64 = 1;

/// The track of a task (or of the main future).
fn task_track(id: crate::task::Id) -> u64 {
    if id == crate::task::Id::MAIN {
        MAIN_TRACK
    } else {
        id.number().saturating_add(1)
    }
}

/// How long a wake mark on the loop's track lasts: long enough for a flow
/// arrow to start inside it, short enough never to hide anything.
const WAKE_MARK: Duration = Duration::from_micros(1);

/// One event of the timeline.
struct Event {
    name: String,
    category: &'static str,
    /// "X" (slice), "i" (instant), "s" (a flow starts), "f" (a flow ends).
    phase: &'static str,
    start: Duration,
    duration: Option<Duration>,
    track: u64,
    /// For "s" and "f": the flow's id, which pairs the two ends.
    flow: Option<u64>,
    /// For "s": the wake's cause, shown in the viewer's details pane.
    cause: Option<String>,
}

/// A wake that will be drawn as an arrow once its task is polled.
struct PendingWake {
    /// Where the arrow starts: the waker's track, at the wake.
    track: u64,
    at: Duration,
    /// What woke the task (`timer`, `task#1 "worker"`...).
    cause: String,
}

/// Events recorded so far, with times relative to the loop's start.
pub(crate) struct Timeline {
    origin: std::time::Instant,
    events: Vec<Event>,
    /// Track number → the name shown for it in the viewer.
    track_names: BTreeMap<u64, String>,
    labels: TaskBook<()>,
    /// When each task's current poll started (`PollStarted`), by track.
    poll_started: HashMap<u64, Duration>,
    /// Wakes whose poll has not come yet, by the woken task's track.
    pending_wakes: HashMap<u64, PendingWake>,
    /// Where the last wake mark on the loop's track ends: marks never
    /// overlap, even when several timers fire in the same microsecond.
    last_mark_end: Duration,
    /// Flow ids handed out so far.
    flows: u64,
}

impl Timeline {
    pub(crate) fn new() -> Timeline {
        let mut track_names = BTreeMap::new();
        track_names.insert(LOOP_TRACK, "event loop".to_string());
        track_names.insert(MAIN_TRACK, "main".to_string());
        Timeline {
            origin: std::time::Instant::now(),
            events: Vec::new(),
            track_names,
            labels: TaskBook::default(),
            poll_started: HashMap::new(),
            pending_wakes: HashMap::new(),
            last_mark_end: Duration::ZERO,
            flows: 0,
        }
    }

    /// Records what `event` shows. Events carry how long a poll or a wait
    /// took, and arrive as it ends, so a slice starts `spent` before now.
    pub(crate) fn on_event(&mut self, event: &LoopEvent) {
        self.labels.learn(event);
        match event {
            LoopEvent::Spawned { task, .. } => {
                self.track_names.insert(task_track(*task), self.labels.label(*task).to_string());
            }
            LoopEvent::PollStarted { task } => {
                self.poll_started.insert(task_track(*task), self.origin.elapsed());
            }
            LoopEvent::Polled { task, spent, .. } => {
                let track = task_track(*task);
                let name = format!("poll {}", self.labels.label(*task));
                let now = self.origin.elapsed();
                // From PollStarted when there was one, so a wake made
                // during the poll lies inside its slice.
                let start = self.poll_started.remove(&track).unwrap_or_else(|| now.saturating_sub(*spent));
                self.slice_at(track, name, "poll", start, now.saturating_sub(start));
                if let Some(wake) = self.pending_wakes.remove(&track) {
                    self.arrow(wake, track, start + now.saturating_sub(start) / 2);
                }
            }
            LoopEvent::TaskEnded { task, .. } => {
                // Cancelled before its next poll: the wake led nowhere.
                self.pending_wakes.remove(&task_track(*task));
            }
            // A zero-timeout look for IO takes no time worth drawing.
            LoopEvent::Waited { timeout, blocked, ended_by } if *timeout != Some(Duration::ZERO) => {
                self.slice(LOOP_TRACK, format!("wait: woken by {}", wait_end(ended_by)), "wait", *blocked);
            }
            LoopEvent::Woken { task, cause, already_queued } => {
                let name = format!("woken by {}", self.labels.wake_cause(*cause, *already_queued));
                self.instant(task_track(*task), name, "wake");
                if !*already_queued {
                    self.note_wake(*task, *cause);
                }
            }
            _ => {}
        }
    }

    /// Remembers where the arrow for this wake starts: in the waker's
    /// poll if a task woke it, else in a short mark on the loop's track.
    fn note_wake(&mut self, task: Id, cause: WakeCause) {
        let cause_text = self.labels.wake_cause(cause, false).to_string();
        let at = self.origin.elapsed();
        let wake = match cause {
            WakeCause::Itself => PendingWake { track: task_track(task), at, cause: cause_text },
            WakeCause::Task(waker) => PendingWake { track: task_track(waker), at, cause: cause_text },
            _ => {
                let start = at.max(self.last_mark_end);
                self.last_mark_end = start + WAKE_MARK;
                let name = match cause {
                    WakeCause::Timer => "timer fired".to_string(),
                    _ => cause_text.clone(),
                };
                self.slice_at(LOOP_TRACK, name, "wake", start, WAKE_MARK);
                PendingWake { track: LOOP_TRACK, at: start + WAKE_MARK / 2, cause: cause_text }
            }
        };
        self.pending_wakes.insert(task_track(task), wake);
    }

    /// A flow from `wake` to the poll on `track` whose midpoint is `into`.
    fn arrow(&mut self, wake: PendingWake, track: u64, into: Duration) {
        self.flows += 1;
        let flow = Some(self.flows);
        let name = "wake".to_string();
        self.events.push(Event {
            name: name.clone(),
            category: "wake",
            phase: "s",
            start: wake.at,
            duration: None,
            track: wake.track,
            flow,
            cause: Some(wake.cause),
        });
        self.events.push(Event {
            name,
            category: "wake",
            phase: "f",
            start: into,
            duration: None,
            track,
            flow,
            cause: None,
        });
    }

    /// A slice that ends now and lasted `spent`, on `track`.
    fn slice(&mut self, track: u64, name: String, category: &'static str, spent: Duration) {
        let start = self.origin.elapsed().saturating_sub(spent);
        self.slice_at(track, name, category, start, spent);
    }

    /// A slice from `start` lasting `duration`, on `track`.
    fn slice_at(&mut self, track: u64, name: String, category: &'static str, start: Duration, duration: Duration) {
        self.events.push(Event {
            name,
            category,
            phase: "X",
            start,
            duration: Some(duration),
            track,
            flow: None,
            cause: None,
        });
    }

    /// An instant mark, now, on `track`.
    fn instant(&mut self, track: u64, name: String, category: &'static str) {
        let start = self.origin.elapsed();
        self.events.push(Event { name, category, phase: "i", start, duration: None, track, flow: None, cause: None });
    }

    /// How many events were recorded.
    pub(crate) fn len(&self) -> usize {
        self.events.len()
    }

    /// The whole timeline as Chrome Trace Event JSON.
    pub(crate) fn to_json(&self) -> String {
        let mut out = String::with_capacity(128 + self.events.len() * 120);
        out.push_str("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n");
        let mut first = true;
        let mut separator = |out: &mut String| {
            if !first {
                out.push_str(",\n");
            }
            first = false;
        };
        separator(&mut out);
        out.push_str("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"tid\":0,\"args\":{\"name\":\"aioli\"}}");
        for (track, name) in &self.track_names {
            separator(&mut out);
            let _ = write!(
                out,
                "{{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":{track},\"args\":{{\"name\":{}}}}}",
                json_string(name)
            );
            // Keep the viewer's track order: loop, main, then tasks.
            let order = *track;
            separator(&mut out);
            let _ = write!(
                out,
                "{{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":1,\"tid\":{track},\"args\":{{\"sort_index\":{order}}}}}"
            );
        }
        for event in &self.events {
            separator(&mut out);
            let _ = write!(
                out,
                "{{\"name\":{},\"cat\":\"{}\",\"ph\":\"{}\",\"ts\":{:.3},\"pid\":1,\"tid\":{}",
                json_string(&event.name),
                event.category,
                event.phase,
                micros(event.start),
                event.track
            );
            match (event.phase, event.duration, event.flow) {
                (_, Some(duration), _) => {
                    let _ = write!(out, ",\"dur\":{:.3}}}", micros(duration));
                }
                // A flow's start, with the wake's cause as its argument.
                ("s", None, Some(id)) => {
                    let cause = event.cause.as_deref().unwrap_or("");
                    let _ = write!(out, ",\"id\":{id},\"args\":{{\"cause\":{}}}}}", json_string(cause));
                }
                // A flow's end, bound to the slice it falls in (the poll).
                ("f", None, Some(id)) => {
                    let _ = write!(out, ",\"id\":{id},\"bp\":\"e\"}}");
                }
                // An instant scoped to its thread (track).
                _ => out.push_str(",\"s\":\"t\"}"),
            }
        }
        out.push_str("\n]}\n");
        out
    }

    /// Writes the JSON to `path`.
    pub(crate) fn write_to(&self, path: &Path) -> io::Result<()> {
        std::fs::write(path, self.to_json())
    }
}

fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

/// `text` as a JSON string literal, with the escapes JSON requires.
fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped() {
        assert_eq!(json_string("a\"b\\c\nd\u{1}"), "\"a\\\"b\\\\c\\nd\\u0001\"");
    }

    #[test]
    fn an_empty_timeline_is_still_a_valid_document() {
        let json = Timeline::new().to_json();
        assert!(json.starts_with("{\"displayTimeUnit\""));
        assert!(json.trim_end().ends_with("]}"));
    }
}
