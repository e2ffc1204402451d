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
//! Chapter: docs/src/09-debugging.md

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io;
use std::path::Path;
use std::time::Duration;

use super::labels::TaskBook;
use super::trace::wait_end;
use crate::runtime::events::LoopEvent;

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

/// One event of the timeline.
struct Event {
    name: String,
    category: &'static str,
    /// "X" (slice) or "i" (instant).
    phase: &'static str,
    start: Duration,
    duration: Option<Duration>,
    track: u64,
}

/// Events recorded so far, with times relative to the loop's start.
pub(crate) struct Timeline {
    origin: std::time::Instant,
    events: Vec<Event>,
    /// Track number → the name shown for it in the viewer.
    track_names: BTreeMap<u64, String>,
    labels: TaskBook<()>,
}

impl Timeline {
    pub(crate) fn new() -> Timeline {
        let mut track_names = BTreeMap::new();
        track_names.insert(LOOP_TRACK, "event loop".to_string());
        track_names.insert(MAIN_TRACK, "main".to_string());
        Timeline { origin: std::time::Instant::now(), events: Vec::new(), track_names, labels: TaskBook::default() }
    }

    /// Records what `event` shows. Events carry how long a poll or a wait
    /// took, and arrive as it ends, so a slice starts `spent` before now.
    pub(crate) fn on_event(&mut self, event: &LoopEvent) {
        self.labels.learn(event);
        match event {
            LoopEvent::Spawned { task, .. } => {
                self.track_names.insert(task_track(*task), self.labels.label(*task).to_string());
            }
            LoopEvent::Polled { task, spent, .. } => {
                let name = format!("poll {}", self.labels.label(*task));
                self.slice(task_track(*task), name, "poll", *spent);
            }
            // A zero-timeout look for IO takes no time worth drawing.
            LoopEvent::Waited { timeout, blocked, ended_by } if *timeout != Some(Duration::ZERO) => {
                self.slice(LOOP_TRACK, format!("wait: woken by {}", wait_end(ended_by)), "wait", *blocked);
            }
            LoopEvent::Woken { task, cause, already_queued } => {
                let name = format!("woken by {}", self.labels.wake_cause(*cause, *already_queued));
                self.instant(task_track(*task), name, "wake");
            }
            _ => {}
        }
    }

    /// A slice that ends now and lasted `spent`, on `track`.
    fn slice(&mut self, track: u64, name: String, category: &'static str, spent: Duration) {
        let start = self.origin.elapsed().saturating_sub(spent);
        self.events.push(Event { name, category, phase: "X", start, duration: Some(spent), track });
    }

    /// An instant mark, now, on `track`.
    fn instant(&mut self, track: u64, name: String, category: &'static str) {
        let start = self.origin.elapsed();
        self.events.push(Event { name, category, phase: "i", start, duration: None, track });
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
            match event.duration {
                Some(duration) => {
                    let _ = write!(out, ",\"dur\":{:.3}}}", micros(duration));
                }
                // An instant scoped to its thread (track).
                None => out.push_str(",\"s\":\"t\"}"),
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
