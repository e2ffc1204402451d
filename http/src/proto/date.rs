//! The `Date` header: IMF-fixdate, written by hand from `SystemTime`.
//!
//! Every response carries the time it was made, in one fixed format
//! (RFC 9110 §5.6.7): `Sun, 06 Nov 1994 08:49:37 GMT`, always 29 bytes.
//! Turning seconds since 1970 into a calendar date is a small piece of
//! arithmetic (Howard Hinnant's `civil_from_days`): count days, shift the
//! year to start in March so the leap day comes last, and read off the
//! 400-year cycles, centuries, 4-year cycles and years.
//!
//! A busy server answers thousands of requests a second but the text only
//! changes once a second, so the server keeps the last one in a
//! thread-local cache and reformats only when the second changes. hyper
//! does the same (its `CachedDate`); Python's `email.utils.formatdate` and
//! the `httpdate` crate do the arithmetic without the cache.
//!
//! Chapter: docs/src/22-bodies-and-keep-alive.md

use std::cell::Cell;
use std::time::{SystemTime, UNIX_EPOCH};

/// The length of every IMF-fixdate.
pub const DATE_LEN: usize = 29;

const WEEKDAYS: [&[u8; 3]; 7] = [b"Thu", b"Fri", b"Sat", b"Sun", b"Mon", b"Tue", b"Wed"];
const MONTHS: [&[u8; 3]; 12] =
    [b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec"];

/// Formats `time` as an IMF-fixdate. Times before 1970 are written as
/// 1970-01-01 (HTTP has no use for them).
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// let time = UNIX_EPOCH + Duration::from_secs(784_111_777);
/// assert_eq!(aioli_http::date::format(time), "Sun, 06 Nov 1994 08:49:37 GMT");
/// ```
pub fn format(time: SystemTime) -> String {
    let bytes = format_bytes(unix_seconds(time));
    String::from_utf8_lossy(&bytes).into_owned()
}

fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map(|elapsed| elapsed.as_secs()).unwrap_or(0)
}

/// The 29 bytes of the IMF-fixdate for `secs` seconds after 1970.
pub fn format_bytes(secs: u64) -> [u8; DATE_LEN] {
    let days = secs / 86_400;
    let second_of_day = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    // 1970-01-01 was a Thursday: WEEKDAYS starts there.
    let weekday = WEEKDAYS[(days % 7) as usize];
    let (hour, minute, second) = (second_of_day / 3600, second_of_day / 60 % 60, second_of_day % 60);

    let mut out = *b"Thu, 01 Jan 1970 00:00:00 GMT";
    out[0..3].copy_from_slice(weekday);
    put_two(&mut out[5..7], day);
    out[8..11].copy_from_slice(MONTHS[(month - 1) as usize]);
    // Four digits until the year 10000, which is someone else's problem.
    let year = year.min(9999);
    put_two(&mut out[12..14], year / 100);
    put_two(&mut out[14..16], year % 100);
    put_two(&mut out[17..19], hour);
    put_two(&mut out[20..22], minute);
    put_two(&mut out[23..25], second);
    out
}

fn put_two(out: &mut [u8], value: u64) {
    out[0] = b'0' + (value / 10 % 10) as u8;
    out[1] = b'0' + (value % 10) as u8;
}

/// Days since 1970-01-01 → (year, month 1-12, day 1-31), in the proleptic
/// Gregorian calendar.
// ANCHOR: civil_from_days
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    // Shift the epoch to 0000-03-01, so that each "year" ends with
    // February and its leap day.
    let z = days + 719_468;
    let era = z / 146_097; // 400-year cycles
    let day_of_era = z % 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}
// ANCHOR_END: civil_from_days

thread_local! {
    /// The last second formatted on this thread and its text. Each aioli
    /// loop is one thread, so each loop has its own cache and no lock.
    static CACHE: Cell<(u64, [u8; DATE_LEN])> = const { Cell::new((u64::MAX, [0; DATE_LEN])) };
}

/// Today's `Date` header value, reformatted at most once per second.
pub fn now_bytes() -> [u8; DATE_LEN] {
    let secs = unix_seconds(SystemTime::now());
    CACHE.with(|cache| {
        let (cached_secs, cached) = cache.get();
        if cached_secs == secs {
            return cached;
        }
        let fresh = format_bytes(secs);
        cache.set((secs, fresh));
        fresh
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(&format_bytes(0), b"Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(&format_bytes(951_782_400), b"Tue, 29 Feb 2000 00:00:00 GMT");
        assert_eq!(&format_bytes(1_709_164_800), b"Thu, 29 Feb 2024 00:00:00 GMT");
        assert_eq!(&format_bytes(4_102_444_799), b"Thu, 31 Dec 2099 23:59:59 GMT");
        assert_eq!(&format_bytes(1_000_000_000), b"Sun, 09 Sep 2001 01:46:40 GMT");
    }

    #[test]
    fn every_day_for_400_years_advances_by_one() {
        // A day-by-day walk checks month lengths and leap years at once.
        let mut previous = civil_from_days(0);
        for days in 1..146_097 {
            let (year, month, day) = civil_from_days(days);
            let (py, pm, pd) = previous;
            let next_day = (year, month, day) == (py, pm, pd + 1);
            let next_month =
                day == 1 && ((month == pm + 1 && year == py) || (month == 1 && pm == 12 && year == py + 1));
            assert!(next_day || next_month, "{previous:?} -> {:?}", (year, month, day));
            if next_month {
                let leap = py % 4 == 0 && (py % 100 != 0 || py % 400 == 0);
                let length = match pm {
                    2 if leap => 29,
                    2 => 28,
                    4 | 6 | 9 | 11 => 30,
                    _ => 31,
                };
                assert_eq!(pd, length, "month {pm} of {py}");
            }
            previous = (year, month, day);
        }
    }

    #[test]
    fn cache_gives_a_well_formed_date() {
        let date = now_bytes();
        assert_eq!(&date[25..], b" GMT");
        assert_eq!(now_bytes().len(), DATE_LEN);
    }
}
