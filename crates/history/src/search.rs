//! Queries over the request history: one filter ([`HistoryFilter`]) for the table, the charts and
//! the exports, over the synced Xano requests, our MCP calls, or both in one timeline.
//!
//! Invariants:
//! - Every filter is pushed into SQL with an index behind it (see `0002_request_history.sql`),
//!   so the first page of any filter stays fast on a million rows: endpoint text is matched
//!   against the distinct URIs first (trigram index), then their rows; only the page's rows are
//!   joined; a filter matching many rows walks the sort index, one matching few uses its own
//!   index and sorts; totals for time/class-only filters come from the per-minute rollup.
//! - Paging is stable: ties in time (or duration) are broken by storage order.
//! - Durations are milliseconds everywhere (Xano's seconds are converted on the way in).
//! - Our MCP calls have no HTTP status of their own; they carry the status our server in effect
//!   gave: 200 for `ok` and `previewed`, 403 for `denied`, and for `failed` the status of the last
//!   Xano request when it was an error, else 500. Their verb is `MCP`, their URI and endpoint the
//!   tool name; they have no API group (an API-group filter leaves them out).
//! - Rows come out masked, whatever was stored.

use crate::calls::CallOutcomeKind;
use crate::error::{Error, Result};
use crate::mask::{mask_text, mask_value};
use crate::requests::{branch_key, mask_headers};
use crate::store::HistoryStore;
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, Row, params_from_iter};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Which rows a query reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HistorySource {
    /// Synced Xano request history.
    #[default]
    Xano,
    /// Our MCP tool calls (the audit log).
    Mcp,
    /// Both, in one timeline.
    Both,
}

/// HTTP status classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StatusClass {
    #[serde(rename = "2xx")]
    Success,
    #[serde(rename = "3xx")]
    Redirect,
    #[serde(rename = "4xx")]
    ClientError,
    #[serde(rename = "5xx")]
    ServerError,
}

impl StatusClass {
    /// The hundreds digit (2 for 2xx).
    pub fn digit(self) -> i64 {
        match self {
            Self::Success => 2,
            Self::Redirect => 3,
            Self::ClientError => 4,
            Self::ServerError => 5,
        }
    }
}

/// The column rows are sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    #[default]
    Time,
    Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    Asc,
    #[default]
    Desc,
}

/// What to show. Ranges are `since_ms <= created_at < until_ms`. Status classes and exact codes
/// combine with OR (a row matches either); every other condition combines with AND.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HistoryFilter {
    /// `None` = every workspace.
    pub workspace_id: Option<i64>,
    /// The synced branch (`None` = Xano's default); does not apply to MCP calls.
    pub branch: Option<String>,
    pub since_ms: Option<i64>,
    pub until_ms: Option<i64>,
    pub status_classes: Vec<StatusClass>,
    pub statuses: Vec<u16>,
    /// `GET`, `POST`, ... (`MCP` selects our calls).
    pub verbs: Vec<String>,
    /// Case-insensitive text the URI (or tool name) contains.
    pub endpoint_contains: Option<String>,
    pub min_duration_ms: Option<f64>,
    /// Xano's API group id.
    pub api_group_id: Option<i64>,
    pub source: HistorySource,
    pub sort: SortKey,
    pub order: SortOrder,
    /// Rows per page (default 100).
    pub limit: u32,
    pub offset: u32,
}

impl Default for HistoryFilter {
    fn default() -> Self {
        Self {
            workspace_id: None,
            branch: None,
            since_ms: None,
            until_ms: None,
            status_classes: Vec::new(),
            statuses: Vec::new(),
            verbs: Vec::new(),
            endpoint_contains: None,
            min_duration_ms: None,
            api_group_id: None,
            source: HistorySource::Xano,
            sort: SortKey::Time,
            order: SortOrder::Desc,
            limit: 100,
            offset: 0,
        }
    }
}

/// One row of the history table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryRow {
    pub source: HistorySource,
    /// Xano's item id, or the call record's id.
    pub id: i64,
    /// Epoch ms.
    pub at_ms: i64,
    pub workspace_id: Option<i64>,
    /// The synced branch label (`None` = default); always `None` for MCP calls.
    pub branch: Option<String>,
    pub verb: String,
    /// The request URI (masked), or the tool name.
    pub uri: String,
    /// `VERB /pattern/{id}`, or `MCP toolName`.
    pub endpoint: String,
    pub status: u16,
    pub duration_ms: f64,
    pub api_group_id: Option<i64>,
    pub query_id: Option<i64>,
    /// For MCP calls: how the call ended.
    pub outcome: Option<CallOutcomeKind>,
    /// Request and response bodies are stored for this row.
    pub has_body: bool,
}

/// One page of rows and how many rows match in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryPage {
    pub rows: Vec<HistoryRow>,
    pub total: u64,
}

/// A Xano request with its bodies (masked), for the detail pane.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestDetail {
    pub row: HistoryRow,
    pub input: Option<Value>,
    pub output: Option<Value>,
    pub request_headers: Option<Value>,
    pub response_headers: Option<Value>,
}

/// The status our MCP calls carry (see the module docs), as SQL over `tool_call`.
const MCP_STATUS_SQL: &str = "CASE outcome WHEN 'ok' THEN 200 WHEN 'previewed' THEN 200 WHEN 'denied' THEN 403 \
     ELSE CASE WHEN coalesce(json_extract(xano_requests, '$[#-1].status'), 0) >= 400 \
     THEN json_extract(xano_requests, '$[#-1].status') ELSE 500 END END";

/// The columns of a history row, in the order `row_of` reads them.
const XANO_COLUMNS: &str = "'xano' AS source, r.xano_id AS id, r.at_ms AS at_ms, s.workspace_id AS workspace_id, \
     s.branch AS branch, e.verb AS verb, u.uri AS uri, e.verb || ' ' || e.pattern AS endpoint, \
     r.status AS status, r.duration_ms AS duration_ms, r.api_group_id AS api_group_id, \
     r.query_id AS query_id, NULL AS outcome, \
     EXISTS (SELECT 1 FROM request_body b WHERE b.row = r.row) AS has_body, r.row AS tiebreak";

/// One side (Xano or MCP) of a query: `FROM ... WHERE ...` and its parameters.
#[derive(Debug, Clone)]
pub(crate) struct Side {
    pub(crate) where_sql: String,
    pub(crate) args: Vec<SqlValue>,
}

/// Up to this many URIs matching an endpoint text are listed in the query itself.
const INLINE_URIS: usize = 1000;

fn like_pattern(text: &str) -> String {
    let mut p = String::with_capacity(text.len() + 2);
    p.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// The scope ids a filter reads (empty = no Xano rows).
pub(crate) fn scopes(conn: &Connection, f: &HistoryFilter) -> Result<Vec<i64>> {
    let key = branch_key(f.branch.as_deref());
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM sync_scope WHERE branch = ?1 AND (?2 IS NULL OR workspace_id = ?2) ORDER BY id",
    )?;
    let ids = stmt.query_map(rusqlite::params![key, f.workspace_id], |r| r.get(0))?;
    Ok(ids.collect::<rusqlite::Result<_>>()?)
}

/// The Xano side's conditions over `request r`; `None` when the filter excludes Xano rows.
pub(crate) fn xano_side(conn: &Connection, f: &HistoryFilter) -> Result<Option<Side>> {
    if f.source == HistorySource::Mcp {
        return Ok(None);
    }
    let verbs: Vec<String> = f
        .verbs
        .iter()
        .map(|v| v.trim().to_ascii_uppercase())
        .filter(|v| v != "MCP")
        .collect();
    if !f.verbs.is_empty() && verbs.is_empty() {
        return Ok(None);
    }
    let scopes = scopes(conn, f)?;
    if scopes.is_empty() {
        return Ok(None);
    }
    let mut clauses: Vec<String> = Vec::new();
    let mut args: Vec<SqlValue> = Vec::new();
    if let [one] = scopes.as_slice() {
        clauses.push("r.scope_id = ?".into());
        args.push(SqlValue::Integer(*one));
    } else {
        clauses.push(format!("r.scope_id IN ({})", placeholders(scopes.len())));
        args.extend(scopes.iter().map(|s| SqlValue::Integer(*s)));
    }
    push_common(&mut clauses, &mut args, f, "r.at_ms", "r.duration_ms");
    push_status(&mut clauses, &mut args, f, "r.status_class", "r.status");
    if !verbs.is_empty() {
        clauses.push(format!(
            "r.endpoint_id IN (SELECT id FROM endpoint WHERE verb IN ({}))",
            placeholders(verbs.len())
        ));
        args.extend(verbs.into_iter().map(SqlValue::Text));
    }
    if let Some(text) = f.endpoint_contains.as_deref().filter(|t| !t.is_empty()) {
        if text.chars().count() >= 3 {
            // The trigram index finds the URIs containing the text without reading them all.
            // A short list of them is written out, so SQLite reads just their rows; a long one
            // stays a subquery.
            let phrase = format!("\"{}\"", text.replace('"', "\"\""));
            let ids: Vec<i64> = conn
                .prepare_cached(
                    "SELECT rowid FROM request_uri_text WHERE request_uri_text MATCH ?1 LIMIT ?2",
                )?
                .query_map(rusqlite::params![phrase, INLINE_URIS as i64 + 1], |r| {
                    r.get(0)
                })?
                .collect::<rusqlite::Result<_>>()?;
            if ids.is_empty() {
                clauses.push("0".into());
            } else if ids.len() <= INLINE_URIS {
                clauses.push(format!("r.uri_id IN ({})", placeholders(ids.len())));
                args.extend(ids.into_iter().map(SqlValue::Integer));
            } else {
                clauses.push(
                    "r.uri_id IN (SELECT rowid FROM request_uri_text WHERE request_uri_text MATCH ?)"
                        .into(),
                );
                args.push(SqlValue::Text(phrase));
            }
        } else {
            clauses.push(
                "r.uri_id IN (SELECT id FROM request_uri WHERE uri LIKE ? ESCAPE '\\')".into(),
            );
            args.push(SqlValue::Text(like_pattern(text)));
        }
    }
    if let Some(group) = f.api_group_id {
        clauses.push("r.api_group_id = ?".into());
        args.push(SqlValue::Integer(group));
    }
    Ok(Some(Side {
        where_sql: clauses.join(" AND "),
        args,
    }))
}

/// The MCP side's conditions over `mcp` (a view of `tool_call` with `status` computed); `None`
/// when the filter excludes MCP rows.
pub(crate) fn mcp_side(f: &HistoryFilter) -> Option<Side> {
    if f.source == HistorySource::Xano || f.api_group_id.is_some() {
        return None;
    }
    if !f.verbs.is_empty() && !f.verbs.iter().any(|v| v.trim().eq_ignore_ascii_case("MCP")) {
        return None;
    }
    let mut clauses: Vec<String> = vec!["1".into()];
    let mut args = Vec::new();
    if let Some(ws) = f.workspace_id {
        clauses.push("mcp.workspace_id = ?".into());
        args.push(SqlValue::Integer(ws));
    }
    push_common(&mut clauses, &mut args, f, "mcp.at_ms", "mcp.duration_ms");
    push_status(&mut clauses, &mut args, f, "mcp.status / 100", "mcp.status");
    if let Some(text) = f.endpoint_contains.as_deref().filter(|t| !t.is_empty()) {
        clauses.push("mcp.tool LIKE ? ESCAPE '\\'".into());
        args.push(SqlValue::Text(like_pattern(text)));
    }
    Some(Side {
        where_sql: clauses.join(" AND "),
        args,
    })
}

/// `tool_call` with its computed status, named `mcp`.
pub(crate) fn mcp_from() -> String {
    format!(
        "(SELECT id, at_ms, workspace_id, tool, outcome, duration_ms, ({MCP_STATUS_SQL}) AS status FROM tool_call) mcp"
    )
}

fn push_common(
    clauses: &mut Vec<String>,
    args: &mut Vec<SqlValue>,
    f: &HistoryFilter,
    at: &str,
    duration: &str,
) {
    if let Some(since) = f.since_ms {
        clauses.push(format!("{at} >= ?"));
        args.push(SqlValue::Integer(since));
    }
    if let Some(until) = f.until_ms {
        clauses.push(format!("{at} < ?"));
        args.push(SqlValue::Integer(until));
    }
    if let Some(min) = f.min_duration_ms.filter(|m| m.is_finite()) {
        clauses.push(format!("{duration} >= ?"));
        args.push(SqlValue::Real(min));
    }
}

fn push_status(
    clauses: &mut Vec<String>,
    args: &mut Vec<SqlValue>,
    f: &HistoryFilter,
    class: &str,
    status: &str,
) {
    let mut classes: Vec<i64> = f.status_classes.iter().map(|c| c.digit()).collect();
    classes.sort_unstable();
    classes.dedup();
    let mut parts = Vec::new();
    match classes.as_slice() {
        [] => {}
        [one] => {
            parts.push(format!("{class} = ?"));
            args.push(SqlValue::Integer(*one));
        }
        many => {
            parts.push(format!("{class} IN ({})", placeholders(many.len())));
            args.extend(many.iter().map(|c| SqlValue::Integer(*c)));
        }
    }
    match f.statuses.as_slice() {
        [] => {}
        [one] => {
            parts.push(format!("{status} = ?"));
            args.push(SqlValue::Integer(i64::from(*one)));
        }
        many => {
            parts.push(format!("{status} IN ({})", placeholders(many.len())));
            args.extend(many.iter().map(|c| SqlValue::Integer(i64::from(*c))));
        }
    }
    match parts.len() {
        0 => {}
        1 => clauses.push(parts.remove(0)),
        _ => clauses.push(format!("({})", parts.join(" OR "))),
    }
}

fn order_sql(f: &HistoryFilter, at: &str, duration: &str, tiebreak: &str) -> String {
    let dir = match f.order {
        SortOrder::Asc => "ASC",
        SortOrder::Desc => "DESC",
    };
    let key = match f.sort {
        SortKey::Time => at,
        SortKey::Duration => duration,
    };
    format!("{key} {dir}, {tiebreak} {dir}")
}

/// Reads a row selected with [`XANO_COLUMNS`] (or the MCP equivalent).
fn row_of(r: &Row<'_>) -> rusqlite::Result<HistoryRow> {
    let source: String = r.get(0)?;
    let outcome: Option<String> = r.get(12)?;
    let branch: Option<String> = r.get(4)?;
    Ok(HistoryRow {
        source: if source == "mcp" {
            HistorySource::Mcp
        } else {
            HistorySource::Xano
        },
        id: r.get(1)?,
        at_ms: r.get(2)?,
        workspace_id: r.get(3)?,
        branch: branch.filter(|b| !b.is_empty()),
        verb: r.get(5)?,
        uri: mask_text(&r.get::<_, String>(6)?).into_owned(),
        endpoint: r.get(7)?,
        status: u16::try_from(r.get::<_, i64>(8)?).unwrap_or(0),
        duration_ms: r.get(9)?,
        api_group_id: r.get(10)?,
        query_id: r.get(11)?,
        outcome: outcome.and_then(|o| o.parse().ok()),
        has_body: r.get(13)?,
    })
}

const MCP_COLUMNS: &str = "'mcp' AS source, mcp.id AS id, mcp.at_ms AS at_ms, mcp.workspace_id AS workspace_id, \
     NULL AS branch, 'MCP' AS verb, mcp.tool AS uri, 'MCP ' || mcp.tool AS endpoint, mcp.status AS status, \
     CAST(mcp.duration_ms AS REAL) AS duration_ms, NULL AS api_group_id, NULL AS query_id, \
     mcp.outcome AS outcome, 0 AS has_body, mcp.id AS tiebreak";

/// Walk the sort index (instead of letting SQLite pick a selective index and sort) when the
/// filter matches at least this many rows per row the page needs: the walk then visits at most
/// 1/`WALK_RATIO` of the table, while the selective plan would sort more than that many rows.
const WALK_RATIO: u64 = 100;

/// The row ids of the Xano side in order (`LIMIT`/`OFFSET` appended by the caller).
fn xano_ids_sql(x: &Side, f: &HistoryFilter, walk: bool) -> String {
    let hint = match (walk, f.sort) {
        (false, _) => "",
        (true, SortKey::Time) => "INDEXED BY request_time",
        (true, SortKey::Duration) => "INDEXED BY request_duration",
    };
    format!(
        "SELECT r.row FROM request r {hint} WHERE {} ORDER BY {}",
        x.where_sql,
        order_sql(f, "r.at_ms", "r.duration_ms", "r.row")
    )
}

/// The columns of the rows whose ids `ids_sql` selects (joined after paging, so only the page's
/// rows are joined).
fn xano_rows_sql(ids_sql: &str) -> String {
    format!(
        "SELECT {XANO_COLUMNS} FROM ({ids_sql}) p CROSS JOIN request r ON r.row = p.row \
         CROSS JOIN sync_scope s ON s.id = r.scope_id CROSS JOIN endpoint e ON e.id = r.endpoint_id \
         CROSS JOIN request_uri u ON u.id = r.uri_id"
    )
}

/// The full SELECT of matching rows in order, with `LIMIT ? OFFSET ?` when `paged`; its
/// arguments. `xano_total` (the Xano side's match count, when known) chooses the plan.
pub(crate) fn rows_sql(
    conn: &Connection,
    f: &HistoryFilter,
    paged: bool,
    xano_total: Option<u64>,
) -> Result<Option<(String, Vec<SqlValue>)>> {
    let xano = xano_side(conn, f)?;
    let mcp = mcp_side(f);
    let window = u64::from(f.limit) + u64::from(f.offset);
    let walk = paged && xano_total.is_some_and(|t| t >= WALK_RATIO.saturating_mul(window));
    let xano_order = order_sql(f, "r.at_ms", "r.duration_ms", "r.row");
    let mcp_order = order_sql(f, "mcp.at_ms", "mcp.duration_ms", "mcp.id");
    let page_args = [
        SqlValue::Integer(i64::from(f.limit)),
        SqlValue::Integer(i64::from(f.offset)),
    ];
    Ok(match (xano, mcp) {
        (None, None) => None,
        (Some(x), None) => {
            let mut ids = xano_ids_sql(&x, f, walk);
            let mut args = x.args;
            if paged {
                ids.push_str(" LIMIT ? OFFSET ?");
                args.extend(page_args);
            }
            Some((
                format!("{} ORDER BY {xano_order}", xano_rows_sql(&ids)),
                args,
            ))
        }
        (None, Some(m)) => {
            let mut sql = format!(
                "SELECT {MCP_COLUMNS} FROM {} WHERE {} ORDER BY {mcp_order}",
                mcp_from(),
                m.where_sql
            );
            let mut args = m.args;
            if paged {
                sql.push_str(" LIMIT ? OFFSET ?");
                args.extend(page_args);
            }
            Some((sql, args))
        }
        (Some(x), Some(m)) => {
            // Each side delivers at most the rows the page can need, already in order.
            let inner_limit = if paged {
                format!(" LIMIT {window}")
            } else {
                String::new()
            };
            let mut sql = format!(
                "SELECT * FROM ({} ORDER BY {xano_order}) \
                 UNION ALL \
                 SELECT * FROM (SELECT {MCP_COLUMNS} FROM {} WHERE {} ORDER BY {mcp_order}{inner_limit}) \
                 ORDER BY {}",
                xano_rows_sql(&format!("{}{inner_limit}", xano_ids_sql(&x, f, walk))),
                mcp_from(),
                m.where_sql,
                order_sql(f, "at_ms", "duration_ms", "source DESC, tiebreak"),
            );
            let mut args = x.args;
            args.extend(m.args);
            if paged {
                sql.push_str(" LIMIT ? OFFSET ?");
                args.extend(page_args);
            }
            Some((sql, args))
        }
    })
}

/// How many rows match on the Xano side and on the MCP side.
fn count(conn: &Connection, f: &HistoryFilter) -> Result<(u64, u64)> {
    let mut xano = 0i64;
    let mut mcp = 0i64;
    if let Some(x) = xano_side(conn, f)? {
        if crate::rollup::eligible(f) {
            let scopes = scopes(conn, f)?;
            let counts = crate::rollup::class_counts(conn, &scopes, f, None)?;
            xano = i64::try_from(counts.values().map(|c| c.total()).sum::<u64>()).unwrap_or(0);
        } else {
            let sql = format!("SELECT count(*) FROM request r WHERE {}", x.where_sql);
            xano = conn
                .prepare_cached(&sql)?
                .query_row(params_from_iter(x.args), |r| r.get::<_, i64>(0))?;
        }
    }
    if let Some(m) = mcp_side(f) {
        let sql = format!("SELECT count(*) FROM {} WHERE {}", mcp_from(), m.where_sql);
        mcp = conn
            .prepare_cached(&sql)?
            .query_row(params_from_iter(m.args), |r| r.get::<_, i64>(0))?;
    }
    Ok((
        u64::try_from(xano).unwrap_or(0),
        u64::try_from(mcp).unwrap_or(0),
    ))
}

/// Streams every matching row (in the filter's order, ignoring limit and offset) to `each`.
pub(crate) fn for_each_row(
    conn: &Connection,
    f: &HistoryFilter,
    mut each: impl FnMut(&Connection, HistoryRow) -> Result<()>,
) -> Result<()> {
    let Some((sql, args)) = rows_sql(conn, f, false, None)? else {
        return Ok(());
    };
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query(params_from_iter(args))?;
    while let Some(r) = rows.next()? {
        each(conn, row_of(r)?)?;
    }
    Ok(())
}

/// The bodies of one stored request, masked; `None` when none are stored.
pub(crate) fn bodies_of(conn: &Connection, row: &HistoryRow) -> Result<Option<[Option<Value>; 4]>> {
    if row.source != HistorySource::Xano || !row.has_body {
        return Ok(None);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT b.input, b.output, b.request_headers, b.response_headers
         FROM request_body b JOIN request r ON r.row = b.row JOIN sync_scope s ON s.id = r.scope_id
         WHERE s.workspace_id = ?1 AND s.branch = ?2 AND r.xano_id = ?3",
    )?;
    let texts: Option<[Option<String>; 4]> = stmt
        .query_row(
            rusqlite::params![row.workspace_id, branch_key(row.branch.as_deref()), row.id],
            |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?]),
        )
        .map(Some)
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            other => Err(other),
        })?;
    let Some(texts) = texts else {
        return Ok(None);
    };
    let parse = |t: &Option<String>, headers: bool| -> Result<Option<Value>> {
        let Some(t) = t else { return Ok(None) };
        let v: Value = serde_json::from_str(t)?;
        Ok(Some(match (&v, headers) {
            (Value::Array(items), true) => mask_headers(items),
            _ => mask_value(&v),
        }))
    };
    Ok(Some([
        parse(&texts[0], false)?,
        parse(&texts[1], false)?,
        parse(&texts[2], true)?,
        parse(&texts[3], true)?,
    ]))
}

impl HistoryStore {
    /// One page of history rows matching `filter`, and the number of matching rows.
    pub fn history_search(&self, filter: &HistoryFilter) -> Result<HistoryPage> {
        self.with_conn(|conn| {
            let (xano_total, mcp_total) = count(conn, filter)?;
            let total = xano_total + mcp_total;
            let Some((sql, args)) = rows_sql(conn, filter, true, Some(xano_total))? else {
                return Ok(HistoryPage {
                    rows: Vec::new(),
                    total,
                });
            };
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt
                .query_map(params_from_iter(args), row_of)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(HistoryPage { rows, total })
        })
    }

    /// One synced Xano request with its bodies (when stored), masked. `None` if it is not stored.
    pub fn request_detail(
        &self,
        workspace_id: i64,
        branch: Option<&str>,
        xano_id: i64,
    ) -> Result<Option<RequestDetail>> {
        self.with_conn(|conn| {
            let Some(scope) = crate::requests::scope_id(conn, workspace_id, branch, false)? else {
                return Ok(None);
            };
            let sql = xano_rows_sql("SELECT row FROM request WHERE scope_id = ?1 AND xano_id = ?2");
            let row = match conn
                .prepare_cached(&sql)?
                .query_row(rusqlite::params![scope, xano_id], row_of)
            {
                Ok(row) => row,
                Err(rusqlite::Error::QueryReturnedNoRows) => return Ok(None),
                Err(e) => return Err(e.into()),
            };
            let [input, output, request_headers, response_headers] =
                bodies_of(conn, &row)?.unwrap_or_default();
            Ok(Some(RequestDetail {
                row,
                input,
                output,
                request_headers,
                response_headers,
            }))
        })
    }
}

/// Checks a chart bucket size.
pub(crate) fn bucket_ms(bucket_secs: u32) -> Result<i64> {
    if bucket_secs == 0 {
        return Err(Error::InvalidQuery(
            "the bucket must be at least 1 second".into(),
        ));
    }
    Ok(i64::from(bucket_secs) * 1000)
}
