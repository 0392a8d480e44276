//! Date strings as models write them, turned into what Xano stores: table timestamps are epoch
//! milliseconds (reference §2), request-history `created_at` is epoch ms in searches.
//!
//! Accepted: `2024-01-15`, `2024-01-15T10:30:00Z`, `2024-01-15T10:30:00+02:00`,
//! `2024-01-15 10:30:00`, `2024-01-15 10:30:00+0000`, `2024-01-15T10:30`, and integers (already
//! epoch ms). Times without an offset are UTC.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// A parsed instant, remembering whether only a date was given (so an end bound can include the
/// whole day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedDate {
    pub epoch_ms: i64,
    pub date_only: bool,
}

/// Parses a date or date-time string; `None` when it is not one.
pub fn parse(text: &str) -> Option<ParsedDate> {
    let s = text.trim();
    if let Ok(ms) = s.parse::<i64>() {
        return Some(ParsedDate {
            epoch_ms: ms,
            date_only: false,
        });
    }
    if let Ok(dt) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(at(dt));
    }
    let with_offset = format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second][offset_hour sign:mandatory][offset_minute]"
    );
    if let Ok(dt) = OffsetDateTime::parse(s, with_offset) {
        return Some(at(dt));
    }
    let normalized = s.replace('T', " ").trim_end_matches('Z').to_owned();
    for fmt in [
        format_description!("[year]-[month]-[day] [hour]:[minute]:[second].[subsecond]"),
        format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"),
        format_description!("[year]-[month]-[day] [hour]:[minute]"),
    ] {
        if let Ok(dt) = PrimitiveDateTime::parse(&normalized, fmt) {
            return Some(at(dt.assume_offset(UtcOffset::UTC)));
        }
    }
    if let Ok(d) = Date::parse(s, format_description!("[year]-[month]-[day]")) {
        let dt = d.midnight().assume_offset(UtcOffset::UTC);
        return Some(ParsedDate {
            epoch_ms: ms_of(dt),
            date_only: true,
        });
    }
    None
}

/// The exclusive upper bound for an end date: a date-only value includes its whole day.
pub fn end_bound(date: ParsedDate) -> i64 {
    if date.date_only {
        date.epoch_ms + 86_400_000
    } else {
        date.epoch_ms + 1
    }
}

/// Parses Xano's metadata timestamp text (`2024-01-15 10:30:00+0000`) or any accepted form.
pub fn parse_xano_timestamp(text: &str) -> Option<i64> {
    parse(text).map(|d| d.epoch_ms)
}

/// Formats epoch ms as RFC 3339 UTC, for people.
pub fn format_ms(ms: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|dt| dt.format(&Rfc3339).ok())
        .unwrap_or_else(|| ms.to_string())
}

fn at(dt: OffsetDateTime) -> ParsedDate {
    ParsedDate {
        epoch_ms: ms_of(dt),
        date_only: false,
    }
}

fn ms_of(dt: OffsetDateTime) -> i64 {
    i64::try_from(dt.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_models_use() {
        let day = 1_704_067_200_000; // 2024-01-01T00:00:00Z
        assert_eq!(
            parse("2024-01-01"),
            Some(ParsedDate {
                epoch_ms: day,
                date_only: true
            })
        );
        for s in [
            "2024-01-01T00:00:00Z",
            "2024-01-01 00:00:00",
            "2024-01-01 00:00:00+0000",
            "2024-01-01T00:00",
            "2024-01-01T02:00:00+02:00",
        ] {
            assert_eq!(parse(s).map(|d| d.epoch_ms), Some(day), "{s}");
        }
        assert_eq!(parse("1704067200000").map(|d| d.epoch_ms), Some(day));
        assert_eq!(parse("last tuesday"), None);
        assert_eq!(
            end_bound(parse("2024-01-31").expect("date")),
            1_706_745_600_000
        );
        assert_eq!(format_ms(day), "2024-01-01T00:00:00Z");
    }
}
