//! The audit log: one [`ToolCallRecord`] per MCP tool call, whatever its outcome.
//!
//! Invariants:
//! - Retention is enforced on every insert, in the same transaction: at most [`MAX_CALL_RECORDS`]
//!   rows, and none older than [`CALL_RETENTION_DAYS`] before the record being inserted. Time is the
//!   caller's (`at_ms`), so the store needs no clock and tests control it fully.
//! - What is stored is masked again on insert (arguments and error message), even though callers
//!   pass arguments already summarised by [`crate::summarize_arguments`]: a secret that slipped
//!   through a caller still does not reach the file.
//! - Listing is newest first (`at_ms`, then insertion order).
//!
//! It does not summarise arguments itself (the caller knows the tool) or decide what an outcome
//! is; it records what it is given.

use crate::error::Result;
use crate::mask::{mask_text, mask_value};
use crate::store::HistoryStore;
use rusqlite::types::Value as SqlValue;
use rusqlite::{Row, params, params_from_iter};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The most call records kept; the oldest go first.
pub const MAX_CALL_RECORDS: u64 = 200_000;
/// Call records older than this many days (before the newest record) are deleted.
pub const CALL_RETENTION_DAYS: u32 = 90;

const DAY_MS: i64 = 86_400_000;

/// How a tool call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallOutcomeKind {
    /// The tool ran and succeeded.
    Ok,
    /// Policy refused it (tier, workspace, table, rate limit, declined approval).
    Denied,
    /// It ran and failed (Xano error, bad arguments, timeout).
    Failed,
    /// A dry run: the exact request was shown, nothing was changed.
    Previewed,
}

impl CallOutcomeKind {
    /// The stored (and serialised) name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Denied => "denied",
            Self::Failed => "failed",
            Self::Previewed => "previewed",
        }
    }
}

impl fmt::Display for CallOutcomeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CallOutcomeKind {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "ok" => Ok(Self::Ok),
            "denied" => Ok(Self::Denied),
            "failed" => Ok(Self::Failed),
            "previewed" => Ok(Self::Previewed),
            other => Err(format!("unknown call outcome {other:?}")),
        }
    }
}

/// One request a tool call made to Xano.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct XanoRequestSummary {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path under `api:meta`, e.g. `/workspace/1/table/2/content`.
    pub path: String,
    /// The HTTP status, or `None` when no answer came (connection error, timeout).
    pub status: Option<u16>,
    pub duration_ms: u64,
}

/// One MCP tool call, as the audit log keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCallRecord {
    /// The row id; `None` before the record is stored.
    pub id: Option<i64>,
    /// When the call started, in Unix epoch milliseconds.
    pub at_ms: i64,
    /// The local access token's name (never the token).
    pub token_name: Option<String>,
    /// The MCP client's name and version from `initialize`.
    pub client_name: Option<String>,
    pub client_version: Option<String>,
    /// `"http"`, `"stdio"` or `"app"` (the playground).
    pub transport: String,
    /// The tool name, e.g. `addTableContent`.
    pub tool: String,
    pub workspace_id: Option<i64>,
    /// The arguments, summarised by [`crate::summarize_arguments`].
    pub arguments: serde_json::Value,
    pub outcome: CallOutcomeKind,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub duration_ms: u64,
    /// The Xano requests the call made, in order.
    pub xano_requests: Vec<XanoRequestSummary>,
    pub rows_affected: Option<u64>,
}

/// Which call records to list or count. Ranges are `since_ms <= at_ms < until_ms`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallQuery {
    pub since_ms: Option<i64>,
    pub until_ms: Option<i64>,
    pub tool: Option<String>,
    pub token_name: Option<String>,
    pub outcome: Option<CallOutcomeKind>,
    /// Rows to return (default 100).
    pub limit: u32,
    pub offset: u32,
}

impl Default for CallQuery {
    fn default() -> Self {
        Self {
            since_ms: None,
            until_ms: None,
            tool: None,
            token_name: None,
            outcome: None,
            limit: 100,
            offset: 0,
        }
    }
}

/// `u64` → SQLite integer, saturating (SQLite integers are signed 64-bit).
pub(crate) fn sql_u64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

impl HistoryStore {
    /// Stores a call record and applies the retention limits. Returns the new row id.
    pub fn insert_call(&self, record: &ToolCallRecord) -> Result<i64> {
        self.insert_call_with_limits(
            record,
            MAX_CALL_RECORDS,
            i64::from(CALL_RETENTION_DAYS) * DAY_MS,
        )
    }

    pub(crate) fn insert_call_with_limits(
        &self,
        record: &ToolCallRecord,
        max_records: u64,
        retention_ms: i64,
    ) -> Result<i64> {
        let arguments = serde_json::to_string(&mask_value(&record.arguments))?;
        let requests = serde_json::to_string(&record.xano_requests)?;
        let error_message = record.error_message.as_deref().map(mask_text);
        self.with_conn(|conn| {
            let tx = conn.transaction()?;
            tx.prepare_cached(
                "INSERT INTO tool_call (at_ms, token_name, client_name, client_version, transport,
                    tool, workspace_id, arguments, outcome, error_code, error_message, duration_ms,
                    xano_requests, rows_affected)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            )?
            .execute(params![
                record.at_ms,
                record.token_name,
                record.client_name,
                record.client_version,
                record.transport,
                record.tool,
                record.workspace_id,
                arguments,
                record.outcome.as_str(),
                record.error_code,
                error_message,
                sql_u64(record.duration_ms),
                requests,
                record.rows_affected.map(sql_u64),
            ])?;
            let id = tx.last_insert_rowid();
            // Ids only grow (AUTOINCREMENT), so this leaves at most `max_records` rows.
            tx.prepare_cached("DELETE FROM tool_call WHERE id <= ?1")?
                .execute([id.saturating_sub(sql_u64(max_records))])?;
            tx.prepare_cached("DELETE FROM tool_call WHERE at_ms < ?1")?
                .execute([record.at_ms.saturating_sub(retention_ms)])?;
            tx.commit()?;
            Ok(id)
        })
    }

    /// Call records matching `query`, newest first.
    pub fn calls(&self, query: &CallQuery) -> Result<Vec<ToolCallRecord>> {
        let (where_sql, mut args) = call_where(query);
        let sql = format!(
            "SELECT id, at_ms, token_name, client_name, client_version, transport, tool,
                    workspace_id, arguments, outcome, error_code, error_message, duration_ms,
                    xano_requests, rows_affected
             FROM tool_call {where_sql} ORDER BY at_ms DESC, id DESC LIMIT ? OFFSET ?"
        );
        args.push(SqlValue::Integer(i64::from(query.limit)));
        args.push(SqlValue::Integer(i64::from(query.offset)));
        self.with_conn(|conn| {
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map(params_from_iter(args), raw_call)?;
            let mut out = Vec::new();
            for raw in rows {
                out.push(raw?.decode()?);
            }
            Ok(out)
        })
    }

    /// The call record with this id, if it is still kept.
    pub fn call(&self, id: i64) -> Result<Option<ToolCallRecord>> {
        self.with_conn(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT id, at_ms, token_name, client_name, client_version, transport, tool,
                        workspace_id, arguments, outcome, error_code, error_message, duration_ms,
                        xano_requests, rows_affected
                 FROM tool_call WHERE id = ?1",
            )?;
            let mut rows = stmt.query_map([id], raw_call)?;
            rows.next().transpose()?.map(RawCall::decode).transpose()
        })
    }

    /// How many call records match `query` (ignoring its limit and offset).
    pub fn call_count(&self, query: &CallQuery) -> Result<u64> {
        let (where_sql, args) = call_where(query);
        let sql = format!("SELECT count(*) FROM tool_call {where_sql}");
        self.with_conn(|conn| {
            let n: i64 = conn
                .prepare_cached(&sql)?
                .query_row(params_from_iter(args), |r| r.get(0))?;
            Ok(u64::try_from(n).unwrap_or(0))
        })
    }
}

/// The calls of one app (client name and token, over one transport) in a window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientActivity {
    pub client_name: Option<String>,
    pub token_name: Option<String>,
    pub transport: String,
    pub calls: u64,
    pub last_seen_ms: i64,
}

/// How many calls a window holds, how many did not succeed, and who made them: counted by
/// SQLite, so a busy hour costs the same to show as a quiet one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallActivity {
    pub calls: u64,
    /// Calls that failed or were denied (a preview is a success).
    pub unsuccessful: u64,
    /// Most active first.
    pub clients: Vec<ClientActivity>,
}

impl HistoryStore {
    /// The activity of the calls at or after `since_ms`.
    pub fn call_activity(&self, since_ms: i64) -> Result<CallActivity> {
        self.with_conn(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT client_name, token_name, transport, count(*), max(at_ms),
                        sum(outcome IN ('failed', 'denied'))
                 FROM tool_call WHERE at_ms >= ?1
                 GROUP BY client_name, token_name, transport
                 ORDER BY count(*) DESC, max(at_ms) DESC",
            )?;
            let mut activity = CallActivity::default();
            let rows = stmt.query_map([since_ms], |r| {
                Ok((
                    ClientActivity {
                        client_name: r.get(0)?,
                        token_name: r.get(1)?,
                        transport: r.get(2)?,
                        calls: u64::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
                        last_seen_ms: r.get(4)?,
                    },
                    u64::try_from(r.get::<_, i64>(5)?).unwrap_or(0),
                ))
            })?;
            for row in rows {
                let (client, unsuccessful) = row?;
                activity.calls += client.calls;
                activity.unsuccessful += unsuccessful;
                activity.clients.push(client);
            }
            Ok(activity)
        })
    }
}

/// The `WHERE` clause of a call query and its arguments, shared with the history search.
pub(crate) fn call_where(q: &CallQuery) -> (String, Vec<SqlValue>) {
    let mut clauses = Vec::new();
    let mut args = Vec::new();
    if let Some(since) = q.since_ms {
        clauses.push("at_ms >= ?");
        args.push(SqlValue::Integer(since));
    }
    if let Some(until) = q.until_ms {
        clauses.push("at_ms < ?");
        args.push(SqlValue::Integer(until));
    }
    if let Some(tool) = &q.tool {
        clauses.push("tool = ?");
        args.push(SqlValue::Text(tool.clone()));
    }
    if let Some(token) = &q.token_name {
        clauses.push("token_name = ?");
        args.push(SqlValue::Text(token.clone()));
    }
    if let Some(outcome) = q.outcome {
        clauses.push("outcome = ?");
        args.push(SqlValue::Text(outcome.as_str().to_owned()));
    }
    let sql = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    (sql, args)
}

/// A row as read, before its JSON columns are decoded (decoding errors are ours, not SQLite's).
pub(crate) struct RawCall {
    record: ToolCallRecord,
    arguments: String,
    requests: String,
}

impl RawCall {
    pub(crate) fn decode(mut self) -> Result<ToolCallRecord> {
        self.record.arguments = serde_json::from_str(&self.arguments)?;
        self.record.xano_requests = serde_json::from_str(&self.requests)?;
        Ok(self.record)
    }
}

/// Reads the 15 columns in the order `calls` selects them.
pub(crate) fn raw_call(r: &Row<'_>) -> rusqlite::Result<RawCall> {
    let outcome: String = r.get(9)?;
    let outcome = outcome.parse().map_err(|e: String| {
        rusqlite::Error::FromSqlConversionFailure(9, rusqlite::types::Type::Text, e.into())
    })?;
    Ok(RawCall {
        record: ToolCallRecord {
            id: Some(r.get(0)?),
            at_ms: r.get(1)?,
            token_name: r.get(2)?,
            client_name: r.get(3)?,
            client_version: r.get(4)?,
            transport: r.get(5)?,
            tool: r.get(6)?,
            workspace_id: r.get(7)?,
            arguments: serde_json::Value::Null,
            outcome,
            error_code: r.get(10)?,
            error_message: r.get(11)?,
            duration_ms: u64::try_from(r.get::<_, i64>(12)?).unwrap_or(0),
            xano_requests: Vec::new(),
            rows_affected: r
                .get::<_, Option<i64>>(14)?
                .map(|n| u64::try_from(n).unwrap_or(0)),
        },
        arguments: r.get(8)?,
        requests: r.get(13)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summarize_arguments;
    use serde_json::json;

    fn record(at_ms: i64, tool: &str, outcome: CallOutcomeKind) -> ToolCallRecord {
        ToolCallRecord {
            id: None,
            at_ms,
            token_name: Some("cursor".into()),
            client_name: Some("Cursor".into()),
            client_version: Some("1.2.3".into()),
            transport: "http".into(),
            tool: tool.into(),
            workspace_id: Some(7),
            arguments: json!({"workspace_id": 7, "table_id": 3}),
            outcome,
            error_code: None,
            error_message: None,
            duration_ms: 12,
            xano_requests: vec![XanoRequestSummary {
                method: "GET".into(),
                path: "/workspace/7/table/3/content".into(),
                status: Some(200),
                duration_ms: 9,
            }],
            rows_affected: Some(0),
        }
    }

    #[test]
    fn activity_counts_calls_failures_and_apps_in_the_window() {
        let store = HistoryStore::open_in_memory().expect("open");
        let t0 = 1_700_000_000_000;
        let insert = |at_ms, client: &str, token: Option<&str>, transport: &str, outcome| {
            let mut r = record(at_ms, "listTables", outcome);
            r.client_name = Some(client.into());
            r.token_name = token.map(Into::into);
            r.transport = transport.into();
            store.insert_call(&r).expect("insert");
        };
        insert(
            t0 - 1,
            "Cursor",
            Some("cursor"),
            "http",
            CallOutcomeKind::Failed,
        );
        insert(t0, "Cursor", Some("cursor"), "http", CallOutcomeKind::Ok);
        insert(
            t0 + 5,
            "Cursor",
            Some("cursor"),
            "http",
            CallOutcomeKind::Denied,
        );
        insert(
            t0 + 9,
            "Cursor",
            Some("cursor"),
            "http",
            CallOutcomeKind::Previewed,
        );
        insert(
            t0 + 7,
            "Claude",
            Some("claude"),
            "stdio",
            CallOutcomeKind::Failed,
        );
        insert(t0 + 8, "Playground", None, "app", CallOutcomeKind::Ok);
        let activity = store.call_activity(t0).expect("activity");
        assert_eq!((activity.calls, activity.unsuccessful), (5, 2));
        let apps: Vec<_> = activity
            .clients
            .iter()
            .map(|c| {
                (
                    c.client_name.as_deref().unwrap_or(""),
                    c.token_name.as_deref(),
                    c.transport.as_str(),
                    c.calls,
                    c.last_seen_ms - t0,
                )
            })
            .collect();
        assert_eq!(
            apps,
            [
                ("Cursor", Some("cursor"), "http", 3, 9),
                ("Playground", None, "app", 1, 8),
                ("Claude", Some("claude"), "stdio", 1, 7),
            ]
        );
        assert_eq!(
            store.call_activity(t0 + 10).expect("empty"),
            CallActivity::default()
        );
    }

    #[test]
    fn a_record_round_trips() {
        let store = HistoryStore::open_in_memory().expect("open");
        let mut r = record(
            1_700_000_000_000,
            "getTableContent",
            CallOutcomeKind::Failed,
        );
        r.error_code = Some("XanoNotFound".into());
        r.error_message = Some("table 3 not found".into());
        r.xano_requests.push(XanoRequestSummary {
            method: "POST".into(),
            path: "/x".into(),
            status: None,
            duration_ms: 30_000,
        });
        let id = store.insert_call(&r).expect("insert");
        let other = store
            .insert_call(&record(1_700_000_000_001, "getTables", CallOutcomeKind::Ok))
            .expect("insert");
        let got = store.calls(&CallQuery::default()).expect("calls");
        r.id = Some(id);
        assert_eq!(got[1], r);
        // By id, directly.
        assert_eq!(store.call(id).expect("call"), Some(r));
        assert_eq!(
            store.call(other).expect("call").expect("other").tool,
            "getTables"
        );
        assert_eq!(store.call(other + 1).expect("call"), None);
    }

    #[test]
    fn newest_first_with_filters_paging_and_counts() {
        let store = HistoryStore::open_in_memory().expect("open");
        let t0 = 1_700_000_000_000;
        for i in 0..30 {
            let tool = if i % 3 == 0 {
                "addTableContent"
            } else {
                "getTables"
            };
            let outcome = if i % 5 == 0 {
                CallOutcomeKind::Denied
            } else {
                CallOutcomeKind::Ok
            };
            let mut r = record(t0 + i * 1000, tool, outcome);
            if i % 2 == 0 {
                r.token_name = Some("claude".into());
            }
            store.insert_call(&r).expect("insert");
        }
        let all = store.calls(&CallQuery::default()).expect("all");
        assert_eq!(all.len(), 30);
        assert!(all.windows(2).all(|w| w[0].at_ms > w[1].at_ms));

        let q = CallQuery {
            since_ms: Some(t0 + 10_000),
            until_ms: Some(t0 + 25_000),
            tool: Some("addTableContent".into()),
            ..CallQuery::default()
        };
        let got: Vec<i64> = store
            .calls(&q)
            .expect("q")
            .iter()
            .map(|r| (r.at_ms - t0) / 1000)
            .collect();
        assert_eq!(got, vec![24, 21, 18, 15, 12]);
        assert_eq!(store.call_count(&q).expect("count"), 5);

        let q = CallQuery {
            token_name: Some("claude".into()),
            outcome: Some(CallOutcomeKind::Denied),
            ..CallQuery::default()
        };
        let got: Vec<i64> = store
            .calls(&q)
            .expect("q")
            .iter()
            .map(|r| (r.at_ms - t0) / 1000)
            .collect();
        assert_eq!(got, vec![20, 10, 0]);

        let page = CallQuery {
            limit: 4,
            offset: 4,
            ..CallQuery::default()
        };
        let got: Vec<i64> = store
            .calls(&page)
            .expect("page")
            .iter()
            .map(|r| (r.at_ms - t0) / 1000)
            .collect();
        assert_eq!(got, vec![25, 24, 23, 22]);
        assert_eq!(store.call_count(&page).expect("count"), 30);
    }

    #[test]
    fn retention_caps_rows_and_age_on_insert() {
        let store = HistoryStore::open_in_memory().expect("open");
        let t0 = 1_700_000_000_000;
        for i in 0..25 {
            store
                .insert_call_with_limits(&record(t0 + i, "t", CallOutcomeKind::Ok), 10, DAY_MS)
                .expect("insert");
        }
        let left = store.calls(&CallQuery::default()).expect("calls");
        assert_eq!(left.len(), 10);
        assert_eq!(left.last().map(|r| r.at_ms), Some(t0 + 15));

        // A record two days later pushes everything older than one day out.
        store
            .insert_call_with_limits(
                &record(t0 + 2 * DAY_MS, "t", CallOutcomeKind::Ok),
                10,
                DAY_MS,
            )
            .expect("insert");
        assert_eq!(store.call_count(&CallQuery::default()).expect("n"), 1);
    }

    #[test]
    fn the_named_limits_apply_through_insert_call() {
        let store = HistoryStore::open_in_memory().expect("open");
        let t0 = 1_700_000_000_000;
        store
            .insert_call(&record(t0, "old", CallOutcomeKind::Ok))
            .expect("old");
        store
            .insert_call(&record(
                t0 + i64::from(CALL_RETENTION_DAYS) * DAY_MS + 1,
                "new",
                CallOutcomeKind::Ok,
            ))
            .expect("new");
        let left = store.calls(&CallQuery::default()).expect("calls");
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].tool, "new");
    }

    #[test]
    fn secrets_never_reach_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("history.sqlite");
        let store = HistoryStore::open(&path).expect("open");
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlX2hlcmU";
        let local = "xmcp_Qm9vZ2llV29vZ2llQm9vZ2llV29vZ2ll";
        let raw_args = json!({"workspace_id": 1, "table_id": 2, "record": {"password": "hunter2-plain", "name": "Ada Lovelace"}, "api_key": "sk_live_zzz"});
        let mut r = record(1, "addTableContent", CallOutcomeKind::Failed);
        r.arguments = summarize_arguments("addTableContent", &raw_args);
        r.error_message = Some(format!("Xano said 401 for token {jwt} / {local}"));
        store.insert_call(&r).expect("insert");
        // A caller that forgot to summarise still does not leak credentials.
        r.arguments = json!({"password": "hunter2-plain", "note": jwt});
        store.insert_call(&r).expect("insert");
        drop(store);
        let mut bytes = Vec::new();
        for entry in std::fs::read_dir(dir.path()).expect("dir") {
            bytes.extend(std::fs::read(entry.expect("entry").path()).expect("read"));
        }
        let text = String::from_utf8_lossy(&bytes);
        for secret in ["hunter2-plain", "Ada Lovelace", "sk_live_zzz", jwt, local] {
            assert!(!text.contains(secret), "{secret} reached the file");
        }
    }
}
