//! Storage of synced Xano request-history items: sync scopes, the items themselves (deduplicated
//! per scope by Xano's id), coverage windows, sync state and retention.
//!
//! Invariants:
//! - An item is stored at most once per scope (`UNIQUE (scope_id, xano_id)`); inserts of an item
//!   already there change nothing (its body is not added later either).
//! - What is stored is masked: URIs always (secret query parameters, tokens), and bodies — stored
//!   only on request — with [`crate::mask`].
//! - Coverage windows (`[lo_ms, hi_ms)` of Xano time) are recorded only for ranges a sync proved
//!   complete, never overlap within a scope, and are trimmed with retention. [`HistoryStore::covers`]
//!   answers from them alone.
//!
//! It does not talk to Xano (see [`crate::sync`]).

use crate::endpoint::{endpoint_pattern, xano_time_ms};
use crate::error::Result;
use crate::mask::{MASK, is_secret_key, mask_text, mask_value};
use crate::store::HistoryStore;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use xano::types::RequestHistoryItem;

/// Request history kept locally unless the user chooses otherwise (days, counted back from the
/// newest synced item).
pub const DEFAULT_REQUEST_RETENTION_DAYS: u32 = 30;
/// The longest retention a user may choose.
pub const MAX_REQUEST_RETENTION_DAYS: u32 = 3650;
/// How late Xano may add an item after its `created_at` (a long request is logged when it ends).
/// The newest stretch of this length is re-read by the next sync rather than claimed complete.
pub const LATE_ARRIVAL_MARGIN_MS: i64 = 5 * 60_000;

pub(crate) const DAY_MS: i64 = 86_400_000;
pub(crate) const MINUTE_MS: i64 = 60_000;
pub(crate) const HOUR_MS: i64 = 3_600_000;

/// Latency histogram bins: bin 0 holds durations up to [`BIN_FLOOR_MS`]; bin `k` holds
/// `(FLOOR·R^(k-1), FLOOR·R^k]` with `R` = [`BIN_RATIO`], so a bin's geometric middle is within
/// √R − 1 ≈ 2.5% of any duration in it.
const BIN_FLOOR_MS: f64 = 0.1;
const BIN_RATIO: f64 = 1.05;

/// The histogram bin of a duration.
pub(crate) fn latency_bin(duration_ms: f64) -> i64 {
    if duration_ms.is_nan() || duration_ms <= BIN_FLOOR_MS {
        return 0;
    }
    ((duration_ms / BIN_FLOOR_MS).ln() / BIN_RATIO.ln()).ceil() as i64
}

/// The duration a bin stands for (its geometric middle).
pub(crate) fn bin_value(bin: i64) -> f64 {
    if bin <= 0 {
        return BIN_FLOOR_MS;
    }
    BIN_FLOOR_MS * BIN_RATIO.powf(bin as f64 - 0.5)
}

/// The branch label a scope is stored under: `""` for Xano's default.
pub(crate) fn branch_key(branch: Option<&str>) -> &str {
    branch.map(str::trim).unwrap_or_default()
}

/// A window of Xano time the store holds completely.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageWindow {
    /// Inclusive start, epoch ms.
    pub lo_ms: i64,
    /// Exclusive end, epoch ms.
    pub hi_ms: i64,
    /// Nothing older than `lo_ms` needs fetching (Xano had nothing older, or retention dropped it).
    pub reaches_end: bool,
}

/// What the store knows about the sync of one workspace and branch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncState {
    pub workspace_id: i64,
    /// `None` for Xano's default branch.
    pub branch: Option<String>,
    /// When the last sync started (local clock, epoch ms).
    pub last_attempt_ms: Option<i64>,
    /// When a sync last finished without error.
    pub last_success_ms: Option<i64>,
    /// The last sync's error message; cleared by a successful sync.
    pub last_error: Option<String>,
    /// A stable code for the UI (`xano_rate_limited`, `xano_unauthorized`, ...).
    pub last_error_code: Option<String>,
    pub last_error_at_ms: Option<i64>,
    /// Items stored for this scope.
    pub items: u64,
    /// `created_at` of the oldest and newest stored items.
    pub oldest_ms: Option<i64>,
    pub newest_ms: Option<i64>,
    /// The windows held completely, oldest first.
    pub coverage: Vec<CoverageWindow>,
}

/// An item ready to insert: times in ms, masked text.
#[derive(Debug, Clone)]
pub(crate) struct PreparedItem {
    pub xano_id: i64,
    pub at_ms: i64,
    pub duration_ms: f64,
    pub status: i64,
    pub verb: String,
    pub uri: String,
    pub api_group_id: Option<i64>,
    pub query_id: Option<i64>,
    pub branch_id: Option<i64>,
    pub body: Option<PreparedBody>,
}

#[derive(Debug, Clone)]
pub(crate) struct PreparedBody {
    input: String,
    output: Option<String>,
    request_headers: String,
    response_headers: String,
}

/// Converts and masks one item; `None` when its `created_at` cannot be read (it could not be
/// placed in time).
pub(crate) fn prepare(item: &RequestHistoryItem, store_bodies: bool) -> Option<PreparedItem> {
    let at_ms = xano_time_ms(&item.created_at)?;
    let duration_ms = if item.duration.is_finite() && item.duration > 0.0 {
        item.duration * 1000.0
    } else {
        0.0
    };
    let body = store_bodies.then(|| PreparedBody {
        input: mask_value(&item.input).to_string(),
        output: item.output.as_ref().map(|o| mask_value(o).to_string()),
        request_headers: mask_headers(&item.request_headers).to_string(),
        response_headers: mask_headers(&item.response_headers).to_string(),
    });
    Some(PreparedItem {
        xano_id: item.id,
        at_ms,
        duration_ms,
        status: item.status,
        verb: item.verb.trim().to_ascii_uppercase(),
        uri: mask_uri(&item.uri),
        api_group_id: item.api_id,
        query_id: item.query_id,
        branch_id: item.branch_id,
        body,
    })
}

/// Masks secret query parameters (`?api_key=...`) and any token in a URI.
pub fn mask_uri(uri: &str) -> String {
    let (base, fragment) = match uri.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (uri, None),
    };
    let mut out = match base.split_once('?') {
        Some((path, query)) => {
            let params: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((k, v)) if is_secret_key(k) && !v.is_empty() => format!("{k}={MASK}"),
                    _ => pair.to_owned(),
                })
                .collect();
            format!("{path}?{}", params.join("&"))
        }
        None => base.to_owned(),
    };
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    mask_text(&out).into_owned()
}

/// Header lists come as `"Name: value"` strings or `{"name": .., "value": ..}` objects.
pub fn mask_headers(headers: &[Value]) -> Value {
    Value::Array(
        headers
            .iter()
            .map(|h| match h {
                Value::Object(map) => {
                    let name = ["name", "key", "header"]
                        .iter()
                        .find_map(|k| map.get(*k).and_then(Value::as_str));
                    let mut masked = mask_value(h);
                    if name.is_some_and(is_secret_key)
                        && let Some(v) = masked.get_mut("value")
                    {
                        *v = Value::String(MASK.to_owned());
                    }
                    masked
                }
                other => mask_value(other),
            })
            .collect(),
    )
}

/// Id caches for one run of inserts (endpoints and URIs repeat a lot).
#[derive(Debug, Default)]
pub(crate) struct InsertCache {
    endpoints: HashMap<(String, String), i64>,
    uris: HashMap<String, i64>,
}

/// The scope's id, created when `create` (else `None` when it does not exist).
pub(crate) fn scope_id(
    conn: &Connection,
    workspace_id: i64,
    branch: Option<&str>,
    create: bool,
) -> Result<Option<i64>> {
    let key = branch_key(branch);
    let found: Option<i64> = conn
        .prepare_cached("SELECT id FROM sync_scope WHERE workspace_id = ?1 AND branch = ?2")?
        .query_row(params![workspace_id, key], |r| r.get(0))
        .optional()?;
    if found.is_some() || !create {
        return Ok(found);
    }
    conn.prepare_cached("INSERT INTO sync_scope (workspace_id, branch) VALUES (?1, ?2)")?
        .execute(params![workspace_id, key])?;
    Ok(Some(conn.last_insert_rowid()))
}

/// Inserts items not yet stored in the scope; returns how many were new.
pub(crate) fn insert_items(
    conn: &Connection,
    scope: i64,
    items: &[PreparedItem],
    cache: &mut InsertCache,
) -> Result<u64> {
    let mut new = 0;
    let mut minutes: HashMap<(i64, i64), i64> = HashMap::new();
    let mut hours: HashMap<(i64, i64, i64), (i64, f64, f64)> = HashMap::new();
    let mut latency: HashMap<(i64, i64, i64), i64> = HashMap::new();
    for item in items {
        let pattern = endpoint_pattern(&item.uri);
        let endpoint = match cache.endpoints.get(&(item.verb.clone(), pattern.clone())) {
            Some(id) => *id,
            None => {
                let id = endpoint_id(conn, &item.verb, &pattern)?;
                cache
                    .endpoints
                    .insert((item.verb.clone(), pattern.clone()), id);
                id
            }
        };
        let uri = match cache.uris.get(&item.uri) {
            Some(id) => *id,
            None => {
                let id = uri_id(conn, &item.uri, endpoint)?;
                cache.uris.insert(item.uri.clone(), id);
                id
            }
        };
        let inserted = conn
            .prepare_cached(
                "INSERT INTO request (scope_id, xano_id, at_ms, duration_ms, status, status_class,
                     endpoint_id, uri_id, api_group_id, query_id, branch_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT (scope_id, xano_id) DO NOTHING",
            )?
            .execute(params![
                scope,
                item.xano_id,
                item.at_ms,
                item.duration_ms,
                item.status,
                item.status.div_euclid(100),
                endpoint,
                uri,
                item.api_group_id,
                item.query_id,
                item.branch_id,
            ])?;
        if inserted == 0 {
            continue;
        }
        new += 1;
        let class = item.status.div_euclid(100);
        *minutes
            .entry((item.at_ms.div_euclid(MINUTE_MS), class))
            .or_default() += 1;
        let hour = hours
            .entry((item.at_ms.div_euclid(HOUR_MS), endpoint, class))
            .or_default();
        hour.0 += 1;
        hour.1 += item.duration_ms;
        hour.2 = hour.2.max(item.duration_ms);
        *latency
            .entry((
                item.at_ms.div_euclid(HOUR_MS),
                class,
                latency_bin(item.duration_ms),
            ))
            .or_default() += 1;
        if let Some(body) = &item.body {
            let row = conn.last_insert_rowid();
            conn.prepare_cached(
                "INSERT INTO request_body (row, input, output, request_headers, response_headers)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                row,
                body.input,
                body.output,
                body.request_headers,
                body.response_headers
            ])?;
        }
    }
    for ((minute, class), n) in minutes {
        conn.prepare_cached(
            "INSERT INTO request_minute (scope_id, minute, status_class, n) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (scope_id, minute, status_class) DO UPDATE SET n = n + excluded.n",
        )?
        .execute(params![scope, minute, class, n])?;
    }
    for ((hour, endpoint, class), (n, sum_ms, max_ms)) in hours {
        conn.prepare_cached(
            "INSERT INTO request_hour_endpoint (scope_id, hour, endpoint_id, status_class, n, sum_ms, max_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (scope_id, hour, endpoint_id, status_class) DO UPDATE SET
                 n = n + excluded.n, sum_ms = sum_ms + excluded.sum_ms,
                 max_ms = max(max_ms, excluded.max_ms)",
        )?
        .execute(params![scope, hour, endpoint, class, n, sum_ms, max_ms])?;
    }
    for ((hour, class, bin), n) in latency {
        conn.prepare_cached(
            "INSERT INTO request_hour_latency (scope_id, hour, status_class, bin, n)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (scope_id, hour, status_class, bin) DO UPDATE SET n = n + excluded.n",
        )?
        .execute(params![scope, hour, class, bin, n])?;
    }
    Ok(new)
}

fn endpoint_id(conn: &Connection, verb: &str, pattern: &str) -> Result<i64> {
    let found: Option<i64> = conn
        .prepare_cached("SELECT id FROM endpoint WHERE verb = ?1 AND pattern = ?2")?
        .query_row(params![verb, pattern], |r| r.get(0))
        .optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    conn.prepare_cached("INSERT INTO endpoint (verb, pattern) VALUES (?1, ?2)")?
        .execute(params![verb, pattern])?;
    Ok(conn.last_insert_rowid())
}

fn uri_id(conn: &Connection, uri: &str, endpoint: i64) -> Result<i64> {
    let found: Option<i64> = conn
        .prepare_cached("SELECT id FROM request_uri WHERE uri = ?1")?
        .query_row([uri], |r| r.get(0))
        .optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    conn.prepare_cached("INSERT INTO request_uri (uri, endpoint_id) VALUES (?1, ?2)")?
        .execute(params![uri, endpoint])?;
    Ok(conn.last_insert_rowid())
}

// ---- coverage -----------------------------------------------------------------------------------

pub(crate) fn coverage(conn: &Connection, scope: i64) -> Result<Vec<CoverageWindow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT lo_ms, hi_ms, reaches_end FROM sync_coverage WHERE scope_id = ?1 ORDER BY lo_ms",
    )?;
    let rows = stmt.query_map([scope], |r| {
        Ok(CoverageWindow {
            lo_ms: r.get(0)?,
            hi_ms: r.get(1)?,
            reaches_end: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Records `[lo, hi)` as complete, merging it with every window it overlaps or touches. The merged
/// window reaches the end when the lowest of the merged windows did.
pub(crate) fn add_coverage(
    conn: &Connection,
    scope: i64,
    window: CoverageWindow,
) -> Result<CoverageWindow> {
    if window.hi_ms < window.lo_ms {
        return Ok(window);
    }
    let touching: Vec<CoverageWindow> = coverage(conn, scope)?
        .into_iter()
        .filter(|w| w.lo_ms <= window.hi_ms && window.lo_ms <= w.hi_ms)
        .collect();
    let mut merged = window;
    for w in &touching {
        if w.lo_ms < merged.lo_ms {
            merged.reaches_end = w.reaches_end;
        } else if w.lo_ms == merged.lo_ms {
            merged.reaches_end |= w.reaches_end;
        }
        merged.lo_ms = merged.lo_ms.min(w.lo_ms);
        merged.hi_ms = merged.hi_ms.max(w.hi_ms);
    }
    for w in &touching {
        conn.prepare_cached("DELETE FROM sync_coverage WHERE scope_id = ?1 AND lo_ms = ?2")?
            .execute(params![scope, w.lo_ms])?;
    }
    if merged.hi_ms > merged.lo_ms || merged.reaches_end {
        conn.prepare_cached(
            "INSERT INTO sync_coverage (scope_id, lo_ms, hi_ms, reaches_end) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![scope, merged.lo_ms, merged.hi_ms, merged.reaches_end])?;
    }
    Ok(merged)
}

/// The window that holds `at` (ends included: a window ending exactly at `at` touches it).
pub(crate) fn window_at(conn: &Connection, scope: i64, at: i64) -> Result<Option<CoverageWindow>> {
    Ok(coverage(conn, scope)?
        .into_iter()
        .find(|w| w.lo_ms <= at && at <= w.hi_ms))
}

/// Stored items of the scope with `created_at >= from_ms`.
pub(crate) fn count_since(conn: &Connection, scope: i64, from_ms: i64) -> Result<u64> {
    let n: i64 = conn
        .prepare_cached("SELECT count(*) FROM request WHERE scope_id = ?1 AND at_ms >= ?2")?
        .query_row(params![scope, from_ms], |r| r.get(0))?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Whether the scope holds Xano's item `xano_id`.
pub(crate) fn is_stored(conn: &Connection, scope: i64, xano_id: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM request WHERE scope_id = ?1 AND xano_id = ?2")?
        .exists(params![scope, xano_id])?)
}

/// Deletes the scope's items older than `days` before its newest item (rounded down to the hour)
/// and trims coverage and rollups to match. Returns the number of items deleted.
pub(crate) fn apply_retention(conn: &Connection, scope: i64, days: u32) -> Result<u64> {
    let days = days.clamp(1, MAX_REQUEST_RETENTION_DAYS);
    let newest: Option<i64> = conn
        .prepare_cached("SELECT max(at_ms) FROM request WHERE scope_id = ?1")?
        .query_row([scope], |r| r.get(0))?;
    let Some(newest) = newest else {
        return Ok(0);
    };
    // Whole hours, so the per-minute and per-hour rollups stay exact.
    let cutoff = (newest - i64::from(days) * DAY_MS).div_euclid(HOUR_MS) * HOUR_MS;
    let deleted = conn
        .prepare_cached("DELETE FROM request WHERE scope_id = ?1 AND at_ms < ?2")?
        .execute(params![scope, cutoff])?;
    conn.prepare_cached("DELETE FROM request_minute WHERE scope_id = ?1 AND minute < ?2")?
        .execute(params![scope, cutoff / MINUTE_MS])?;
    conn.prepare_cached("DELETE FROM request_hour_endpoint WHERE scope_id = ?1 AND hour < ?2")?
        .execute(params![scope, cutoff / HOUR_MS])?;
    conn.prepare_cached("DELETE FROM request_hour_latency WHERE scope_id = ?1 AND hour < ?2")?
        .execute(params![scope, cutoff / HOUR_MS])?;
    conn.prepare_cached("DELETE FROM sync_coverage WHERE scope_id = ?1 AND hi_ms <= ?2")?
        .execute(params![scope, cutoff])?;
    // A window cut by retention keeps `reaches_end`: what lies below was dropped on purpose.
    conn.prepare_cached("UPDATE sync_coverage SET lo_ms = ?2 WHERE scope_id = ?1 AND lo_ms < ?2")?
        .execute(params![scope, cutoff])?;
    if deleted > 0 {
        conn.prepare_cached(
            "DELETE FROM request_uri WHERE NOT EXISTS (SELECT 1 FROM request WHERE uri_id = request_uri.id)",
        )?
        .execute([])?;
    }
    Ok(deleted as u64)
}

impl HistoryStore {
    /// Stores request-history items for a workspace and branch, skipping those already there.
    /// Does not claim coverage: only a sync proves that a window is complete. Returns how many
    /// items were new. Items whose `created_at` cannot be read are skipped.
    pub fn import_requests(
        &self,
        workspace_id: i64,
        branch: Option<&str>,
        items: &[RequestHistoryItem],
        store_bodies: bool,
    ) -> Result<u64> {
        let prepared: Vec<PreparedItem> = items
            .iter()
            .filter_map(|i| prepare(i, store_bodies))
            .collect();
        self.with_conn(|conn| {
            let tx = conn.transaction()?;
            let scope = scope_id(&tx, workspace_id, branch, true)?.unwrap_or_default();
            let new = insert_items(&tx, scope, &prepared, &mut InsertCache::default())?;
            tx.commit()?;
            Ok(new)
        })
    }

    /// Whether the store holds every item of `[start_ms, end_ms)` for this workspace and branch
    /// (a sync proved it). An empty window is covered.
    pub fn covers(
        &self,
        workspace_id: i64,
        branch: Option<&str>,
        start_ms: i64,
        end_ms: i64,
    ) -> Result<bool> {
        if end_ms <= start_ms {
            return Ok(true);
        }
        self.with_conn(|conn| {
            let Some(scope) = scope_id(conn, workspace_id, branch, false)? else {
                return Ok(false);
            };
            Ok(coverage(conn, scope)?
                .iter()
                .any(|w| w.lo_ms <= start_ms && end_ms <= w.hi_ms))
        })
    }

    /// The sync state of a workspace and branch; `None` if it was never synced.
    pub fn sync_state(&self, workspace_id: i64, branch: Option<&str>) -> Result<Option<SyncState>> {
        self.with_conn(|conn| {
            let Some(scope) = scope_id(conn, workspace_id, branch, false)? else {
                return Ok(None);
            };
            let mut state = conn.query_row(
                "SELECT last_attempt_ms, last_success_ms, last_error, last_error_code, last_error_at_ms
                 FROM sync_scope WHERE id = ?1",
                [scope],
                |r| {
                    Ok(SyncState {
                        workspace_id,
                        branch: Some(branch_key(branch).to_owned()).filter(|b| !b.is_empty()),
                        last_attempt_ms: r.get(0)?,
                        last_success_ms: r.get(1)?,
                        last_error: r.get(2)?,
                        last_error_code: r.get(3)?,
                        last_error_at_ms: r.get(4)?,
                        items: 0,
                        oldest_ms: None,
                        newest_ms: None,
                        coverage: Vec::new(),
                    })
                },
            )?;
            let (items, oldest, newest): (i64, Option<i64>, Option<i64>) = conn.query_row(
                "SELECT count(*), min(at_ms), max(at_ms) FROM request WHERE scope_id = ?1",
                [scope],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            state.items = u64::try_from(items).unwrap_or(0);
            state.oldest_ms = oldest;
            state.newest_ms = newest;
            state.coverage = coverage(conn, scope)?;
            Ok(Some(state))
        })
    }

    /// Every synced workspace and branch, as `(workspace_id, branch)`.
    pub fn sync_scopes(&self) -> Result<Vec<(i64, Option<String>)>> {
        self.with_conn(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT workspace_id, branch FROM sync_scope ORDER BY workspace_id, branch",
            )?;
            let rows = stmt.query_map([], |r| {
                let branch: String = r.get(1)?;
                Ok((r.get(0)?, Some(branch).filter(|b| !b.is_empty())))
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Applies a retention of `days` (clamped to 1..=[`MAX_REQUEST_RETENTION_DAYS`]) to one
    /// workspace and branch. Returns how many items were deleted.
    pub fn apply_request_retention(
        &self,
        workspace_id: i64,
        branch: Option<&str>,
        days: u32,
    ) -> Result<u64> {
        self.with_conn(|conn| {
            let tx = conn.transaction()?;
            let deleted = match scope_id(&tx, workspace_id, branch, false)? {
                Some(scope) => apply_retention(&tx, scope, days)?,
                None => 0,
            };
            tx.commit()?;
            Ok(deleted)
        })
    }
}

pub(crate) fn record_attempt(conn: &Connection, scope: i64, now_ms: i64) -> Result<()> {
    conn.prepare_cached("UPDATE sync_scope SET last_attempt_ms = ?2 WHERE id = ?1")?
        .execute(params![scope, now_ms])?;
    Ok(())
}

pub(crate) fn record_success(conn: &Connection, scope: i64, now_ms: i64) -> Result<()> {
    conn.prepare_cached(
        "UPDATE sync_scope SET last_success_ms = ?2, last_error = NULL, last_error_code = NULL,
             last_error_at_ms = NULL WHERE id = ?1",
    )?
    .execute(params![scope, now_ms])?;
    Ok(())
}

pub(crate) fn record_error(
    conn: &Connection,
    scope: i64,
    now_ms: i64,
    code: &str,
    message: &str,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE sync_scope SET last_error = ?2, last_error_code = ?3, last_error_at_ms = ?4
         WHERE id = ?1",
    )?
    .execute(params![scope, mask_text(message), code, now_ms])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(lo_ms: i64, hi_ms: i64, reaches_end: bool) -> CoverageWindow {
        CoverageWindow {
            lo_ms,
            hi_ms,
            reaches_end,
        }
    }

    #[test]
    fn coverage_windows_merge_when_they_touch_and_keep_the_lowest_end_flag() {
        let store = HistoryStore::open_in_memory().expect("store");
        store
            .with_conn(|conn| {
                let scope = scope_id(conn, 1, None, true)?.expect("scope");
                add_coverage(conn, scope, w(100, 200, true))?;
                add_coverage(conn, scope, w(300, 400, false))?;
                add_coverage(conn, scope, w(500, 600, false))?;
                assert_eq!(coverage(conn, scope)?.len(), 3);
                // Touching 200 and overlapping 300..400 joins the first two.
                let merged = add_coverage(conn, scope, w(200, 350, false))?;
                assert_eq!(merged, w(100, 400, true));
                assert_eq!(
                    coverage(conn, scope)?,
                    vec![w(100, 400, true), w(500, 600, false)]
                );
                // An empty window changes nothing; a window inside another neither.
                add_coverage(conn, scope, w(450, 440, false))?;
                add_coverage(conn, scope, w(520, 530, false))?;
                assert_eq!(
                    coverage(conn, scope)?,
                    vec![w(100, 400, true), w(500, 600, false)]
                );
                assert_eq!(window_at(conn, scope, 400)?, Some(w(100, 400, true)));
                assert_eq!(window_at(conn, scope, 450)?, None);
                Ok(())
            })
            .expect("coverage");
        assert!(store.covers(1, None, 100, 400).expect("covers"));
        assert!(store.covers(1, None, 150, 150).expect("empty window"));
        assert!(!store.covers(1, None, 350, 550).expect("gap"));
        assert!(!store.covers(2, None, 100, 200).expect("other workspace"));
        assert!(
            !store
                .covers(1, Some("dev"), 100, 200)
                .expect("other branch")
        );
    }

    #[test]
    fn uris_and_headers_are_masked_in_place() {
        assert_eq!(
            mask_uri("/api:a/x?api_key=abc&page=2&Token=&session_id=s1#frag"),
            "/api:a/x?api_key=[masked]&page=2&Token=&session_id=[masked]#frag"
        );
        assert_eq!(
            mask_headers(&[
                serde_json::json!("Authorization: Bearer abcdefghijk"),
                serde_json::json!({"key": "Cookie", "value": "a=b"}),
                serde_json::json!("X-Request-Id: 42"),
            ]),
            serde_json::json!([
                "Authorization: [masked]",
                {"key": "Cookie", "value": "[masked]"},
                "X-Request-Id: 42"
            ])
        );
    }
}
