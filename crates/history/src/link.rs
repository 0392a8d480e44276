//! Links between our MCP calls and the synced Xano requests they caused, for the one timeline of
//! the history viewer.
//!
//! A call records the Xano requests it made (`method`, `path`, `status`, duration) but not Xano's
//! ids, and Xano's history does not know our calls; so a link is a match: same workspace, same
//! verb, the request's path equal to (or ending with) the path the call sent, and the request's
//! time inside the call's run widened by [`LINK_SLACK_MS`] on each side (the two clocks differ a
//! little, and Xano stamps a request when it ends). Each request the call made links to at most
//! one row, the closest in time, and no row is used twice for one call.
//!
//! It does not guess beyond that: a call without a workspace, or whose requests Xano did not
//! log (Xano keeps history for a workspace's own API endpoints), has no links.

use crate::calls::XanoRequestSummary;
use crate::error::Result;
use crate::search::{HistoryFilter, HistoryRow, HistorySource, SortKey, SortOrder};
use crate::store::HistoryStore;
use rusqlite::{OptionalExtension, params};

/// How far outside a call's run (ms) a request may be stamped and still count as caused by it.
pub const LINK_SLACK_MS: i64 = 5_000;

/// Calls longer than this are not looked for when linking back from a request.
const LONGEST_CALL_MS: i64 = 10 * 60_000;

/// Most requests read around one call (a call makes a handful).
const CANDIDATES: u32 = 2_000;

/// A call as the linking needs it.
#[derive(Debug)]
struct CallSpan {
    workspace_id: Option<i64>,
    at_ms: i64,
    duration_ms: i64,
    requests: Vec<XanoRequestSummary>,
}

impl CallSpan {
    fn window(&self) -> (i64, i64) {
        (
            self.at_ms - LINK_SLACK_MS,
            self.at_ms + self.duration_ms.max(0) + LINK_SLACK_MS,
        )
    }
}

/// The path of a URI: no scheme, host, query or fragment; no trailing slash.
fn path_of(uri: &str) -> &str {
    let rest = match uri.find("://") {
        Some(i) => {
            let after = &uri[i + 3..];
            after.find('/').map_or("", |j| &after[j..])
        }
        None => uri,
    };
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    let p = &rest[..end];
    p.strip_suffix('/').unwrap_or(p)
}

/// Whether a synced request's URI is the path a call sent.
fn same_path(request_uri: &str, sent: &str) -> bool {
    let (r, s) = (path_of(request_uri), path_of(sent));
    if s.is_empty() || r.is_empty() {
        return false;
    }
    r == s || (r.ends_with(s) && s.starts_with('/')) || (s.ends_with(r) && r.starts_with('/'))
}

/// The rows among `candidates` the call's requests match (see the module docs), oldest first.
fn matches(call: &CallSpan, candidates: &[HistoryRow]) -> Vec<HistoryRow> {
    let (lo, hi) = call.window();
    let mid = call.at_ms + call.duration_ms / 2;
    let mut used = vec![false; candidates.len()];
    for sent in &call.requests {
        let best = candidates
            .iter()
            .enumerate()
            .filter(|(i, row)| {
                !used[*i]
                    && row.source == HistorySource::Xano
                    && row.at_ms >= lo
                    && row.at_ms <= hi
                    && row.verb.eq_ignore_ascii_case(&sent.method)
                    && same_path(&row.uri, &sent.path)
            })
            .min_by_key(|(_, row)| (row.at_ms - mid).abs());
        if let Some((i, _)) = best {
            used[i] = true;
        }
    }
    let mut out: Vec<HistoryRow> = candidates
        .iter()
        .zip(used)
        .filter(|(_, u)| *u)
        .map(|(r, _)| r.clone())
        .collect();
    out.sort_by_key(|r| (r.at_ms, r.id));
    out
}

impl HistoryStore {
    fn call_span(&self, call_id: i64) -> Result<Option<CallSpan>> {
        let found = self.with_conn(|conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT workspace_id, at_ms, duration_ms, xano_requests FROM tool_call WHERE id = ?1",
                )?
                .query_row(params![call_id], |r| {
                    Ok((
                        r.get::<_, Option<i64>>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                })
                .optional()?)
        })?;
        let Some((workspace_id, at_ms, duration_ms, requests)) = found else {
            return Ok(None);
        };
        Ok(Some(CallSpan {
            workspace_id,
            at_ms,
            duration_ms,
            requests: serde_json::from_str(&requests).unwrap_or_default(),
        }))
    }

    fn xano_rows_between(&self, workspace_id: i64, lo: i64, hi: i64) -> Result<Vec<HistoryRow>> {
        Ok(self
            .history_search(&HistoryFilter {
                workspace_id: Some(workspace_id),
                since_ms: Some(lo),
                until_ms: Some(hi + 1),
                source: HistorySource::Xano,
                sort: SortKey::Time,
                order: SortOrder::Asc,
                limit: CANDIDATES,
                ..HistoryFilter::default()
            })?
            .rows)
    }

    /// The synced Xano requests an MCP call (by its record id) caused, oldest first; empty when
    /// none match or the call is unknown. See the module docs for what counts as a match.
    pub fn requests_of_call(&self, call_id: i64) -> Result<Vec<HistoryRow>> {
        let Some(call) = self.call_span(call_id)? else {
            return Ok(Vec::new());
        };
        let Some(ws) = call.workspace_id.filter(|_| !call.requests.is_empty()) else {
            return Ok(Vec::new());
        };
        let (lo, hi) = call.window();
        let candidates = self.xano_rows_between(ws, lo, hi)?;
        Ok(matches(&call, &candidates))
    }

    /// The MCP call that caused a synced Xano request, as its history row; `None` if no call
    /// matches (or the request is not stored).
    pub fn call_of_request(
        &self,
        workspace_id: i64,
        branch: Option<&str>,
        xano_id: i64,
    ) -> Result<Option<HistoryRow>> {
        let Some(detail) = self.request_detail(workspace_id, branch, xano_id)? else {
            return Ok(None);
        };
        let at = detail.row.at_ms;
        let ids: Vec<i64> = self.with_conn(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT id FROM tool_call WHERE workspace_id = ?1 AND at_ms >= ?2 AND at_ms <= ?3 \
                 AND xano_requests <> '[]' ORDER BY at_ms DESC, id DESC",
            )?;
            let ids = stmt
                .query_map(
                    params![workspace_id, at - LONGEST_CALL_MS, at + LINK_SLACK_MS],
                    |r| r.get(0),
                )?
                .collect::<rusqlite::Result<Vec<i64>>>()?;
            Ok(ids)
        })?;
        for id in ids {
            let Some(call) = self.call_span(id)? else {
                continue;
            };
            let (lo, hi) = call.window();
            if at < lo || at > hi {
                continue;
            }
            let candidates = self.xano_rows_between(workspace_id, lo, hi)?;
            let linked = matches(&call, &candidates);
            if linked.iter().any(|r| r.id == xano_id) {
                let filter = HistoryFilter {
                    workspace_id: Some(workspace_id),
                    since_ms: Some(call.at_ms),
                    until_ms: Some(call.at_ms + 1),
                    source: HistorySource::Mcp,
                    limit: 1000,
                    ..HistoryFilter::default()
                };
                return Ok(self
                    .history_search(&filter)?
                    .rows
                    .into_iter()
                    .find(|r| r.id == id));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calls::{CallOutcomeKind, ToolCallRecord};
    use crate::endpoint::format_time_ms;
    use serde_json::json;
    use xano::types::RequestHistoryItem;

    const T0: i64 = 1_700_000_000_000;

    fn item(id: i64, at_ms: i64, verb: &str, uri: &str) -> RequestHistoryItem {
        serde_json::from_value(json!({
            "id": id,
            "created_at": at_ms,
            "duration": 0.05,
            "status": 200,
            "verb": verb,
            "uri": uri,
            "workspace_id": 1,
        }))
        .expect("item")
    }

    fn call(at_ms: i64, requests: &[(&str, &str)]) -> ToolCallRecord {
        ToolCallRecord {
            id: None,
            at_ms,
            token_name: Some("t".into()),
            client_name: None,
            client_version: None,
            transport: "http".into(),
            tool: "getTableContent".into(),
            workspace_id: Some(1),
            arguments: json!({}),
            outcome: CallOutcomeKind::Ok,
            error_code: None,
            error_message: None,
            duration_ms: 400,
            xano_requests: requests
                .iter()
                .map(|(m, p)| XanoRequestSummary {
                    method: (*m).into(),
                    path: (*p).into(),
                    status: Some(200),
                    duration_ms: 50,
                })
                .collect(),
            rows_affected: None,
        }
    }

    #[test]
    fn paths_compare_without_host_query_or_trailing_slash() {
        assert_eq!(
            path_of("https://x.xano.io/api:ab/orders/3?x=1"),
            "/api:ab/orders/3"
        );
        assert!(same_path(
            "https://x.xano.io/api:ab/orders/3",
            "/api:ab/orders/3/"
        ));
        assert!(same_path(
            "/api:meta/workspace/1/table",
            "/workspace/1/table"
        ));
        assert!(!same_path("/api:ab/orders/3", "/api:ab/orders/31"));
        assert!(!same_path("/api:ab/orders/3", ""));
        assert!(format_time_ms(T0).starts_with("2023"));
    }

    #[test]
    fn a_call_links_to_the_requests_it_made_and_back() {
        let store = HistoryStore::open_in_memory().expect("open");
        store
            .import_requests(
                1,
                None,
                &[
                    // What the call made: two requests, one of them twice in Xano's log (the
                    // closer one wins), plus noise.
                    item(10, T0 + 100, "GET", "https://x.xano.io/api:ab/orders/3"),
                    item(11, T0 + 300, "POST", "https://x.xano.io/api:ab/orders"),
                    item(12, T0 + 60_000, "GET", "https://x.xano.io/api:ab/orders/3"),
                    item(13, T0 + 200, "GET", "https://x.xano.io/api:ab/customers/3"),
                    item(14, T0 + 250, "DELETE", "https://x.xano.io/api:ab/orders/3"),
                ],
                false,
            )
            .expect("import");
        // Another workspace with the same path at the same time is never linked.
        store
            .import_requests(
                2,
                None,
                &[item(20, T0 + 100, "GET", "/api:ab/orders/3")],
                false,
            )
            .expect("import");
        let id = store
            .insert_call(&call(
                T0,
                &[("GET", "/api:ab/orders/3"), ("POST", "/api:ab/orders")],
            ))
            .expect("call");
        let other = store
            .insert_call(&call(T0 + 120_000, &[("GET", "/api:ab/orders/9")]))
            .expect("call");

        let linked: Vec<i64> = store
            .requests_of_call(id)
            .expect("links")
            .iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(linked, vec![10, 11]);
        assert!(store.requests_of_call(other).expect("links").is_empty());
        assert!(store.requests_of_call(9_999).expect("links").is_empty());

        let back = store
            .call_of_request(1, None, 11)
            .expect("back")
            .expect("a call");
        assert_eq!((back.source, back.id), (HistorySource::Mcp, id));
        assert_eq!(store.call_of_request(1, None, 12).expect("back"), None);
        assert_eq!(store.call_of_request(1, None, 13).expect("back"), None);
        assert_eq!(store.call_of_request(2, None, 20).expect("back"), None);
    }

    #[test]
    fn requests_outside_the_slack_are_not_linked() {
        let store = HistoryStore::open_in_memory().expect("open");
        store
            .import_requests(
                1,
                None,
                &[
                    item(1, T0 - LINK_SLACK_MS - 1_000, "GET", "/api:ab/orders/3"),
                    item(
                        2,
                        T0 + 400 + LINK_SLACK_MS + 1_000,
                        "GET",
                        "/api:ab/orders/3",
                    ),
                ],
                false,
            )
            .expect("import");
        let id = store
            .insert_call(&call(T0, &[("GET", "/api:ab/orders/3")]))
            .expect("call");
        assert!(store.requests_of_call(id).expect("links").is_empty());
    }
}
