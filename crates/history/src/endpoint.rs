//! Endpoint identity and Xano's time format.
//!
//! Requests to the same endpoint group together when their URIs differ only in ids, so an
//! endpoint is the verb plus the URI path with numeric segments as `{id}`, UUIDs as `{uuid}` and
//! long hex strings as `{hash}` (the query string and host are dropped). This is the same rule the
//! MCP tools use for `summarizeRequestHistory`.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use xano::types::Timestamp;

/// `https://h/api:Xy12ab/customers/42?x=1` → `/api:Xy12ab/customers/{id}`.
pub fn endpoint_pattern(uri: &str) -> String {
    let path = match uri.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
        None => uri,
    };
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let mut out = String::with_capacity(path.len() + 8);
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        out.push('/');
        let is_uuid = segment.len() == 36
            && segment.bytes().filter(|b| *b == b'-').count() == 4
            && segment.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-');
        if segment.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str("{id}");
        } else if is_uuid {
            out.push_str("{uuid}");
        } else if segment.len() >= 16 && segment.bytes().all(|b| b.is_ascii_hexdigit()) {
            out.push_str("{hash}");
        } else {
            out.push_str(segment);
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// Xano's request-history `created_at` in epoch milliseconds: text like `2024-01-15 10:30:00+0000`
/// (also with fractional seconds, RFC 3339, or no offset meaning UTC), or a number (epoch
/// milliseconds, or seconds when it is too small to be milliseconds).
pub fn xano_time_ms(ts: &Timestamp) -> Option<i64> {
    match ts {
        Timestamp::Epoch(n) if n.abs() < 100_000_000_000 => n.checked_mul(1000),
        Timestamp::Epoch(n) => Some(*n),
        Timestamp::Text(s) => parse_text_ms(s),
    }
}

fn parse_text_ms(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(n) = text.parse::<i64>() {
        return xano_time_ms(&Timestamp::Epoch(n));
    }
    let to_ms = |dt: OffsetDateTime| i64::try_from(dt.unix_timestamp_nanos() / 1_000_000).ok();
    if let Ok(dt) = OffsetDateTime::parse(text, &Rfc3339) {
        return to_ms(dt);
    }
    let with_offset = format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second][optional [.[subsecond]]][offset_hour sign:mandatory][offset_minute]"
    );
    if let Ok(dt) = OffsetDateTime::parse(text, &with_offset) {
        return to_ms(dt);
    }
    let with_colon = format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second][optional [.[subsecond]]][offset_hour sign:mandatory]:[offset_minute]"
    );
    if let Ok(dt) = OffsetDateTime::parse(text, &with_colon) {
        return to_ms(dt);
    }
    let naive = format_description!(
        "[year]-[month]-[day][first [ ][T]][hour]:[minute]:[second][optional [.[subsecond]]]"
    );
    time::PrimitiveDateTime::parse(text, &naive)
        .ok()
        .and_then(|dt| to_ms(dt.assume_utc()))
}

/// Epoch milliseconds as RFC 3339 UTC with milliseconds (`2024-01-15T10:30:00.000Z`).
pub fn format_time_ms(ms: i64) -> String {
    let fmt =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|dt| dt.format(&fmt).ok())
        .unwrap_or_else(|| ms.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_collapse_ids_and_drop_host_and_query() {
        assert_eq!(
            endpoint_pattern("https://x1.xano.io/api:Xy12ab/customers/42?x=1"),
            "/api:Xy12ab/customers/{id}"
        );
        assert_eq!(
            endpoint_pattern("/api:a/orders/3fa85f64-5717-4562-b3fc-2c963f66afa6/items"),
            "/api:a/orders/{uuid}/items"
        );
        assert_eq!(
            endpoint_pattern("/api:a/files/0123456789abcdef0123"),
            "/api:a/files/{hash}"
        );
        assert_eq!(endpoint_pattern("/api:a/health#x"), "/api:a/health");
        assert_eq!(endpoint_pattern(""), "/");
    }

    #[test]
    fn xano_times_parse_in_every_form_seen() {
        let expect = 1_705_314_600_000; // 2024-01-15 10:30:00 UTC
        for text in [
            "2024-01-15 10:30:00+0000",
            "2024-01-15 11:30:00+0100",
            "2024-01-15 11:30:00+01:00",
            "2024-01-15T10:30:00Z",
            "2024-01-15 10:30:00",
            "2024-01-15T10:30:00",
            "1705314600000",
        ] {
            assert_eq!(
                xano_time_ms(&Timestamp::Text(text.into())),
                Some(expect),
                "{text}"
            );
        }
        assert_eq!(
            xano_time_ms(&Timestamp::Text("2024-01-15 10:30:00.250+0000".into())),
            Some(expect + 250)
        );
        assert_eq!(xano_time_ms(&Timestamp::Epoch(1_705_314_600)), Some(expect));
        assert_eq!(xano_time_ms(&Timestamp::Epoch(expect)), Some(expect));
        assert_eq!(xano_time_ms(&Timestamp::Text("yesterday".into())), None);
        assert_eq!(format_time_ms(expect + 5), "2024-01-15T10:30:00.005Z");
    }
}
