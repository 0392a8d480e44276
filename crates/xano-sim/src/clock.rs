//! The sim clock and the two time formats of the Metadata API.
//!
//! Invariants: the clock never goes backwards through this API (advances only add); with a fixed
//! base it moves only when advanced, so tests see exact times. Metadata timestamps are rendered as
//! `YYYY-MM-DD HH:MM:SS+0000` (always UTC), record timestamps are epoch milliseconds.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// Milliseconds in one day.
pub(crate) const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Sim time: a fixed base or the system clock, plus everything advanced so far.
#[derive(Debug)]
pub(crate) struct SimClock {
    base_ms: Option<i64>,
    advanced_ms: AtomicI64,
}

impl SimClock {
    pub(crate) fn new(base_ms: Option<i64>) -> Self {
        Self {
            base_ms,
            advanced_ms: AtomicI64::new(0),
        }
    }

    /// Now, in epoch milliseconds.
    pub(crate) fn now_ms(&self) -> i64 {
        let base = self.base_ms.unwrap_or_else(system_now_ms);
        base + self.advanced_ms.load(Ordering::SeqCst)
    }

    /// Moves the clock forward.
    pub(crate) fn advance(&self, by: Duration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX / 4);
        self.advanced_ms.fetch_add(ms, Ordering::SeqCst);
    }
}

fn system_now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn to_datetime(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// `2023-04-19 21:01:32+0000`, the metadata timestamp format.
pub(crate) fn format_meta_ts(ms: i64) -> String {
    let fmt = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]+0000");
    to_datetime(ms).format(&fmt).unwrap_or_default()
}

/// `2023-04-19`, the record `date` format.
pub(crate) fn format_date(ms: i64) -> String {
    let fmt = format_description!("[year]-[month]-[day]");
    to_datetime(ms).format(&fmt).unwrap_or_default()
}

/// Parses the date/time strings a client may send where a timestamp is expected: RFC 3339,
/// `YYYY-MM-DD HH:MM:SS[+0000]`, `YYYY-MM-DDTHH:MM:SS` (UTC) and `YYYY-MM-DD` (midnight UTC).
pub(crate) fn parse_datetime_ms(text: &str) -> Option<i64> {
    let text = text.trim();
    let to_ms = |dt: OffsetDateTime| i64::try_from(dt.unix_timestamp_nanos() / 1_000_000).ok();
    if let Ok(dt) = OffsetDateTime::parse(text, &Rfc3339) {
        return to_ms(dt);
    }
    let with_offset = format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second][offset_hour sign:mandatory][offset_minute]"
    );
    if let Ok(dt) = OffsetDateTime::parse(text, &with_offset) {
        return to_ms(dt);
    }
    let naive = [
        format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"),
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
        format_description!("[year]-[month]-[day] [hour]:[minute]"),
        format_description!("[year]-[month]-[day]T[hour]:[minute]"),
    ];
    for fmt in naive {
        if let Ok(dt) = PrimitiveDateTime::parse(text, &fmt) {
            return to_ms(dt.assume_offset(UtcOffset::UTC));
        }
    }
    let date_only = format_description!("[year]-[month]-[day]");
    Date::parse(text, &date_only)
        .ok()
        .and_then(|d| to_ms(d.midnight().assume_offset(UtcOffset::UTC)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses() {
        let ms = 1_681_938_092_000; // 2023-04-19 21:01:32 UTC
        assert_eq!(format_meta_ts(ms), "2023-04-19 21:01:32+0000");
        assert_eq!(format_date(ms), "2023-04-19");
        assert_eq!(parse_datetime_ms("2023-04-19 21:01:32+0000"), Some(ms));
        assert_eq!(parse_datetime_ms("2023-04-19T21:01:32Z"), Some(ms));
        assert_eq!(parse_datetime_ms("2023-04-19T21:01:32"), Some(ms));
        assert_eq!(
            parse_datetime_ms("2023-04-19"),
            Some(ms - (21 * 3600 + 92) * 1000)
        );
        assert_eq!(parse_datetime_ms("yesterday"), None);
    }

    #[test]
    fn fixed_clock_moves_only_when_advanced() {
        let clock = SimClock::new(Some(1_000));
        assert_eq!(clock.now_ms(), 1_000);
        clock.advance(Duration::from_secs(2));
        assert_eq!(clock.now_ms(), 3_000);
    }
}
