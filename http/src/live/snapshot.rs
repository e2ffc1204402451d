//! The model as JSON: one message the page redraws itself from.
//!
//! Every push is the whole picture, not a diff: a page that connects late,
//! or misses a message, is right again at the next one, and the page's
//! code is one `render(state)`. At a few pushes a second and a few hundred
//! tasks this is some kilobytes, far less than the events it summarises.
//! The JSON is written by hand (a dozen fields, strings escaped by
//! [`string`]), so the view works without the crate's `json` feature.
//!
//! Chapter: docs/src/41-live-view.md

use std::fmt::Write;
use std::time::{Duration, Instant};

use aioli::runtime::Warning;

use super::model::{bucket_of, Model, STRIP_BUCKETS};

/// At most this many task rows are sent (the oldest tasks first).
const TASKS_SENT: usize = 300;
/// At most this many timers are sent (the soonest first).
const TIMERS_SENT: usize = 50;

/// Writes the page's state as one JSON object. `dropped` is the number of
/// events the observer could not fit in the channel so far.
pub(crate) fn snapshot(model: &mut Model, now: Instant, dropped: u64) -> String {
    model.sample_ticks(now);
    // A timer whose deadline is long past neither fired nor was cancelled
    // as far as we know: its events were among the dropped ones.
    model.timers.retain(|timer| timer.deadline.into_std() + Duration::from_secs(5) > now);
    let mut out = String::with_capacity(4096);
    out.push('{');
    let _ = write!(out, "\"tick\":{},\"tps\":{:.1},", model.tick, model.ticks_per_second());
    out.push_str("\"phase\":");
    match model.phase {
        Some(phase) => string(&mut out, &phase.to_string()),
        None => out.push_str("null"),
    }
    let _ = write!(
        out,
        ",\"uptime_ms\":{},\"events\":{},\"dropped\":{},\"ended\":{},\"task_count\":{},",
        now.duration_since(model.started).as_millis(),
        model.events,
        dropped,
        model.ended,
        model.tasks.len()
    );
    tasks(&mut out, model, now);
    timers(&mut out, model, now);
    sources(&mut out, model);
    blocking(&mut out, model, now);
    warnings(&mut out, model, now);
    out.push('}');
    out
}

fn tasks(out: &mut String, model: &Model, now: Instant) {
    let newest_bucket = bucket_of(model.started, now);
    out.push_str("\"tasks\":[");
    for (i, (id, row)) in model.tasks.iter().take(TASKS_SENT).enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{{\"id\":{id},\"label\":");
        string(out, &row.label);
        out.push_str(",\"future\":");
        string(out, row.future_type);
        out.push_str(",\"site\":");
        string(out, &row.site);
        let _ = write!(
            out,
            ",\"state\":\"{}\",\"polls\":{},\"busy_us\":{},",
            row.state.name(),
            row.polls,
            row.busy.as_micros()
        );
        match &row.last_wake {
            Some((at, cause)) => {
                let _ = write!(out, "\"wake_ago_ms\":{},\"wake\":", now.saturating_duration_since(*at).as_millis());
                string(out, &model.cause_text(*cause));
            }
            None => out.push_str("\"wake_ago_ms\":null,\"wake\":null"),
        }
        out.push_str(",\"warnings\":[");
        for (j, name) in row.warnings.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            string(out, name);
        }
        // The strip: microseconds in polls per bucket, oldest first, the
        // last bucket being the one `now` is in.
        let mut strip = [0u128; STRIP_BUCKETS as usize];
        for (bucket, time, _) in &row.strip {
            let age = newest_bucket.saturating_sub(*bucket);
            if age < STRIP_BUCKETS {
                strip[(STRIP_BUCKETS - 1 - age) as usize] += time.as_micros().max(1);
            }
        }
        out.push_str("],\"strip\":[");
        for (j, micros) in strip.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            let _ = write!(out, "{micros}");
        }
        out.push_str("]}");
    }
    out.push_str("],");
}

fn timers(out: &mut String, model: &Model, now: Instant) {
    let mut soonest: Vec<_> = model.timers.iter().collect();
    soonest.sort_by_key(|timer| timer.deadline);
    let _ = write!(out, "\"timer_count\":{},\"timers\":[", model.timers.len());
    for (i, timer) in soonest.iter().take(TIMERS_SENT).enumerate() {
        if i > 0 {
            out.push(',');
        }
        let deadline = timer.deadline.into_std();
        let in_ms = if deadline >= now {
            deadline.duration_since(now).as_millis() as i128
        } else {
            -(now.duration_since(deadline).as_millis() as i128)
        };
        let _ = write!(out, "{{\"in_ms\":{in_ms},\"by\":");
        match timer.armed_by {
            Some(task) => string(out, &model.label_of(task)),
            None => out.push_str("null"),
        }
        out.push('}');
    }
    out.push_str("],");
}

fn sources(out: &mut String, model: &Model) {
    out.push_str("\"sources\":[");
    for (i, (source, row)) in model.sources.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{{\"source\":{source},\"ready_events\":{},\"last_ready\":", row.ready_events);
        match row.last_ready {
            Some(direction) => string(out, direction),
            None => out.push_str("null"),
        }
        out.push_str(",\"waiting\":[");
        for (j, (task, direction)) in row.waiting.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            out.push_str("{\"task\":");
            string(out, &model.label_of(*task));
            let _ = write!(out, ",\"direction\":\"{direction}\"}}");
        }
        out.push_str("]}");
    }
    out.push_str("],");
}

fn blocking(out: &mut String, model: &Model, now: Instant) {
    let _ = write!(
        out,
        "\"blocking\":{{\"in_flight\":{},\"sent\":{},\"done\":{},\"recent\":[",
        model.blocking_in_flight, model.blocking_sent, model.blocking_done
    );
    for (i, job) in model.jobs.iter().rev().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{{\"ago_ms\":{},\"by\":", now.saturating_duration_since(job.sent_at).as_millis());
        match job.sent_by {
            Some(task) => string(out, &model.label_of(task)),
            None => out.push_str("null"),
        }
        out.push('}');
    }
    out.push_str("]},");
}

fn warnings(out: &mut String, model: &Model, now: Instant) {
    let _ = write!(out, "\"warnings_total\":{},\"warnings\":[", model.warnings_total);
    for (i, warning) in model.warnings.iter().rev().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            "{{\"ago_ms\":{},\"task_id\":{},\"task\":",
            now.saturating_duration_since(warning.at).as_millis(),
            warning.task
        );
        string(out, &warning.label);
        out.push_str(",\"kind\":");
        string(out, warning.warning.name());
        out.push_str(",\"detail\":");
        string(out, &detail(&warning.warning));
        out.push('}');
    }
    out.push(']');
}

/// One sentence on what the warning means.
fn detail(warning: &Warning) -> String {
    match warning {
        Warning::SlowPoll { spent, threshold } => {
            format!("one poll took {spent:.1?} (over {threshold:?}): nothing else ran meanwhile")
        }
        Warning::LostWaker => "returned Pending with no waker kept: nothing can wake it again".to_string(),
        Warning::BusyLoop { polls } => format!("woke itself in {polls} polls in a row: it spins"),
        _ => warning.name().to_string(),
    }
}

/// Writes `text` as a JSON string, quotes included.
pub(crate) fn string(out: &mut String, text: &str) {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped() {
        let mut out = String::new();
        string(&mut out, "a \"b\"\\\n\u{1}é");
        assert_eq!(out, "\"a \\\"b\\\"\\\\\\n\\u0001é\"");
    }
}
