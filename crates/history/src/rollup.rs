//! Reading the per-minute request counts (`request_minute`) instead of the rows, for counts and
//! class-by-time aggregates whose filter is only a time range and status classes.
//!
//! Invariant: for every scope, minute and class, `request_minute.n` equals the number of stored
//! requests (inserts add to it; retention deletes whole minutes from both). A time range that
//! does not start or end on a minute boundary is answered from the rollup for its whole minutes
//! and from the rows for the partial minutes at its edges, so the answer is exact.

use crate::charts::StatusCounts;
use crate::error::Result;
use crate::requests::{HOUR_MS, MINUTE_MS, latency_bin};
use crate::search::{HistoryFilter, HistorySource};
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, params_from_iter};
use std::collections::{BTreeMap, HashMap};

/// Whether the rollup can answer for this filter's Xano side.
pub(crate) fn eligible(f: &HistoryFilter) -> bool {
    f.source != HistorySource::Mcp
        && f.statuses.is_empty()
        && f.endpoint_contains.as_deref().is_none_or(str::is_empty)
        && f.min_duration_ms.is_none()
        && f.api_group_id.is_none()
        && f.verbs.is_empty()
}

fn in_list(column: &str, values: &[i64], args: &mut Vec<SqlValue>) -> String {
    args.extend(values.iter().map(|v| SqlValue::Integer(*v)));
    format!("{column} IN ({})", vec!["?"; values.len()].join(", "))
}

fn classes(f: &HistoryFilter) -> Vec<i64> {
    let mut c: Vec<i64> = f.status_classes.iter().map(|c| c.digit()).collect();
    c.sort_unstable();
    c.dedup();
    c
}

/// A time range cut into whole units (`[lo, hi)` in units; `None` = open) answered by a rollup,
/// and the partial units at its edges (ms ranges) answered by the rows.
struct Split {
    inner: Option<(Option<i64>, Option<i64>)>,
    edges: Vec<(Option<i64>, Option<i64>)>,
}

fn split(since_ms: Option<i64>, until_ms: Option<i64>, unit_ms: i64) -> Split {
    let lo = since_ms.map(|s| (s + unit_ms - 1).div_euclid(unit_ms));
    let hi = until_ms.map(|u| u.div_euclid(unit_ms));
    if matches!((lo, hi), (Some(lo), Some(hi)) if lo >= hi) {
        return Split {
            inner: None,
            edges: vec![(since_ms, until_ms)],
        };
    }
    let mut edges = Vec::new();
    if let (Some(since), Some(lo)) = (since_ms, lo) {
        edges.push((Some(since), Some(lo * unit_ms)));
    }
    if let (Some(until), Some(hi)) = (until_ms, hi) {
        edges.push((Some(hi * unit_ms), Some(until)));
    }
    Split {
        inner: Some((lo, hi)),
        edges,
    }
}

/// `WHERE` clauses over a rollup (`unit_column` in whole units) or the rows (`at_ms`).
fn clauses(
    scopes: &[i64],
    classes: &[i64],
    column: &str,
    range: (Option<i64>, Option<i64>),
    args: &mut Vec<SqlValue>,
) -> String {
    let mut c = vec![in_list("scope_id", scopes, args)];
    if let Some(lo) = range.0 {
        c.push(format!("{column} >= ?"));
        args.push(SqlValue::Integer(lo));
    }
    if let Some(hi) = range.1 {
        c.push(format!("{column} < ?"));
        args.push(SqlValue::Integer(hi));
    }
    if !classes.is_empty() {
        c.push(in_list("status_class", classes, args));
    }
    c.join(" AND ")
}

fn each_row(
    conn: &Connection,
    sql: &str,
    args: Vec<SqlValue>,
    mut f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(params_from_iter(args))?;
    while let Some(r) = rows.next()? {
        f(r)?;
    }
    Ok(())
}

/// Requests by bucket (`bucket_ms`, a multiple of a minute; `None` = one bucket keyed 0) and
/// status class, for an [`eligible`] filter over `scopes`.
pub(crate) fn class_counts(
    conn: &Connection,
    scopes: &[i64],
    f: &HistoryFilter,
    bucket_ms: Option<i64>,
) -> Result<BTreeMap<i64, StatusCounts>> {
    let mut acc: BTreeMap<i64, StatusCounts> = BTreeMap::new();
    if scopes.is_empty() {
        return Ok(acc);
    }
    let bucket_of = |at_ms: i64| bucket_ms.map_or(0, |b| at_ms.div_euclid(b));
    let classes = classes(f);
    let parts = split(f.since_ms, f.until_ms, MINUTE_MS);
    if let Some(range) = parts.inner {
        let mut args = Vec::new();
        let sql = format!(
            "SELECT minute, status_class, n FROM request_minute WHERE {}",
            clauses(scopes, &classes, "minute", range, &mut args)
        );
        each_row(conn, &sql, args, |r| {
            let minute: i64 = r.get(0)?;
            let n: i64 = r.get(2)?;
            acc.entry(bucket_of(minute * MINUTE_MS))
                .or_default()
                .add(r.get(1)?, u64::try_from(n).unwrap_or(0));
            Ok(())
        })?;
    }
    for range in parts.edges {
        let mut args = Vec::new();
        let sql = format!(
            "SELECT at_ms, status_class FROM request WHERE {}",
            clauses(scopes, &classes, "at_ms", range, &mut args)
        );
        each_row(conn, &sql, args, |r| {
            acc.entry(bucket_of(r.get(0)?))
                .or_default()
                .add(r.get(1)?, 1);
            Ok(())
        })?;
    }
    Ok(acc)
}

/// Latency histograms (bin → count) by bucket (`bucket_ms`, a multiple of an hour) for an
/// [`eligible`] filter over `scopes`.
pub(crate) fn latency_histograms(
    conn: &Connection,
    scopes: &[i64],
    f: &HistoryFilter,
    bucket_ms: i64,
) -> Result<BTreeMap<i64, BTreeMap<i64, u64>>> {
    let mut acc: BTreeMap<i64, BTreeMap<i64, u64>> = BTreeMap::new();
    if scopes.is_empty() {
        return Ok(acc);
    }
    let classes = classes(f);
    let parts = split(f.since_ms, f.until_ms, HOUR_MS);
    if let Some(range) = parts.inner {
        let mut args = Vec::new();
        let sql = format!(
            "SELECT hour, bin, n FROM request_hour_latency WHERE {}",
            clauses(scopes, &classes, "hour", range, &mut args)
        );
        each_row(conn, &sql, args, |r| {
            let hour: i64 = r.get(0)?;
            let n: i64 = r.get(2)?;
            *acc.entry((hour * HOUR_MS).div_euclid(bucket_ms))
                .or_default()
                .entry(r.get(1)?)
                .or_default() += u64::try_from(n).unwrap_or(0);
            Ok(())
        })?;
    }
    for range in parts.edges {
        let mut args = Vec::new();
        let sql = format!(
            "SELECT at_ms, duration_ms FROM request WHERE {}",
            clauses(scopes, &classes, "at_ms", range, &mut args)
        );
        each_row(conn, &sql, args, |r| {
            let at: i64 = r.get(0)?;
            *acc.entry(at.div_euclid(bucket_ms))
                .or_default()
                .entry(latency_bin(r.get(1)?))
                .or_default() += 1;
            Ok(())
        })?;
    }
    Ok(acc)
}

/// Count, errors (4xx/5xx), total and longest duration of one endpoint's requests.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct EndpointTotals {
    pub n: u64,
    pub errors: u64,
    pub sum_ms: f64,
    pub max_ms: f64,
}

impl EndpointTotals {
    pub(crate) fn add(&mut self, class: i64, n: u64, sum_ms: f64, max_ms: f64) {
        self.n += n;
        if class >= 4 {
            self.errors += n;
        }
        self.sum_ms += sum_ms;
        self.max_ms = self.max_ms.max(max_ms);
    }
}

/// Per-endpoint totals for an [`eligible`] filter over `scopes`, by endpoint id.
pub(crate) fn endpoint_totals(
    conn: &Connection,
    scopes: &[i64],
    f: &HistoryFilter,
) -> Result<HashMap<i64, EndpointTotals>> {
    let mut acc: HashMap<i64, EndpointTotals> = HashMap::new();
    if scopes.is_empty() {
        return Ok(acc);
    }
    let classes = classes(f);
    let parts = split(f.since_ms, f.until_ms, HOUR_MS);
    let mut add = |r: &rusqlite::Row<'_>| {
        let n: i64 = r.get(2)?;
        acc.entry(r.get(0)?).or_default().add(
            r.get(1)?,
            u64::try_from(n).unwrap_or(0),
            r.get(3)?,
            r.get(4)?,
        );
        Ok(())
    };
    if let Some(range) = parts.inner {
        let mut args = Vec::new();
        let sql = format!(
            "SELECT endpoint_id, status_class, n, sum_ms, max_ms FROM request_hour_endpoint WHERE {}",
            clauses(scopes, &classes, "hour", range, &mut args)
        );
        each_row(conn, &sql, args, &mut add)?;
    }
    for range in parts.edges {
        let mut args = Vec::new();
        let sql = format!(
            "SELECT endpoint_id, status_class, count(*), sum(duration_ms), max(duration_ms)
             FROM request WHERE {} GROUP BY endpoint_id, status_class",
            clauses(scopes, &classes, "at_ms", range, &mut args)
        );
        each_row(conn, &sql, args, &mut add)?;
    }
    Ok(acc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::StatusClass;
    use crate::store::HistoryStore;
    use serde_json::json;
    use xano::types::RequestHistoryItem;

    const STATUSES: [i64; 6] = [200, 201, 302, 404, 500, 0];

    #[test]
    fn rollup_counts_equal_row_counts_for_any_range_and_classes() {
        let store = HistoryStore::open_in_memory().expect("store");
        let t0 = 1_700_000_000_000_i64;
        let items: Vec<RequestHistoryItem> = (0..5000i64)
            .map(|i| {
                serde_json::from_value(json!({
                    "id": i,
                    "created_at": t0 + (i * 7_777) % 3_600_000,
                    "duration": 0.01,
                    "status": STATUSES[(i % 6) as usize],
                    "verb": "GET",
                    "uri": "/api:a/x",
                }))
                .expect("item")
            })
            .collect();
        store
            .import_requests(1, None, &items, false)
            .expect("import");
        let ranges = [
            (None, None),
            (Some(t0), None),
            (None, Some(t0 + 1_800_000)),
            (Some(t0 + 12_345), Some(t0 + 2_000_001)),
            (Some(t0 + 60_000), Some(t0 + 120_000)),
            (Some(t0 + 61_000), Some(t0 + 62_000)),
            (Some(t0 + 59_999), Some(t0 + 60_001)),
        ];
        let class_sets = [
            vec![],
            vec![StatusClass::ClientError],
            vec![StatusClass::Success, StatusClass::ServerError],
        ];
        store
            .with_conn(|conn| {
                for (since_ms, until_ms) in ranges {
                    for classes in &class_sets {
                        let f = HistoryFilter {
                            since_ms,
                            until_ms,
                            status_classes: classes.clone(),
                            ..HistoryFilter::default()
                        };
                        let rolled = class_counts(conn, &[1], &f, Some(300_000))?;
                        let want = items.iter().filter(|i| {
                            let at = match i.created_at {
                                xano::types::Timestamp::Epoch(ms) => ms,
                                _ => unreachable!(),
                            };
                            since_ms.is_none_or(|s| at >= s)
                                && until_ms.is_none_or(|u| at < u)
                                && (classes.is_empty()
                                    || classes.iter().any(|c| c.digit() == i.status / 100))
                        });
                        let mut by_bucket: BTreeMap<i64, u64> = BTreeMap::new();
                        for i in want {
                            let xano::types::Timestamp::Epoch(at) = i.created_at else {
                                unreachable!()
                            };
                            *by_bucket.entry(at.div_euclid(300_000)).or_default() += 1;
                        }
                        let got: BTreeMap<i64, u64> =
                            rolled.iter().map(|(b, c)| (*b, c.total())).collect();
                        assert_eq!(got, by_bucket, "{since_ms:?}..{until_ms:?} {classes:?}");
                    }
                }
                Ok(())
            })
            .expect("compare");
        // Per-endpoint totals from the hourly rollup equal those of the rows.
        store
            .with_conn(|conn| {
                for (since_ms, until_ms) in ranges {
                    let f = HistoryFilter {
                        since_ms,
                        until_ms,
                        ..HistoryFilter::default()
                    };
                    let rolled = endpoint_totals(conn, &[1], &f)?;
                    let mut args = Vec::new();
                    let sql = format!(
                        "SELECT endpoint_id, status_class, count(*), sum(duration_ms), max(duration_ms)
                         FROM request WHERE {} GROUP BY endpoint_id, status_class",
                        clauses(&[1], &[], "at_ms", (since_ms, until_ms), &mut args)
                    );
                    let mut raw: HashMap<i64, EndpointTotals> = HashMap::new();
                    each_row(conn, &sql, args, |r| {
                        let n: i64 = r.get(2)?;
                        raw.entry(r.get(0)?).or_default().add(
                            r.get(1)?,
                            n as u64,
                            r.get(3)?,
                            r.get(4)?,
                        );
                        Ok(())
                    })?;
                    assert_eq!(rolled.len(), raw.len());
                    for (id, t) in &raw {
                        let g = rolled[id];
                        assert_eq!((g.n, g.errors, g.max_ms), (t.n, t.errors, t.max_ms));
                        assert!((g.sum_ms - t.sum_ms).abs() < 1e-6);
                    }
                }
                Ok(())
            })
            .expect("endpoint totals");
        // Retention keeps the rollup in step with the rows.
        store
            .apply_request_retention(1, None, 1)
            .expect("retention");
        let total = store
            .history_search(&HistoryFilter::default())
            .expect("search")
            .total;
        assert_eq!(total, 5000);
    }
}
