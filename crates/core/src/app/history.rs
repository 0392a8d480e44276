//! The History page: Xano's request history (synced into the local history database) beside our
//! own MCP calls, with filters, charts, a masked detail pane, exports, and the background sync.
//!
//! - [`search`], [`detail`], [`charts`], [`export`]: one [`HistoryQuery`] (the page's filters) for
//!   the table, the charts and the exports, converted once into the store's `HistoryFilter`.
//! - [`detail`] shows headers and bodies masked, the MCP call that caused a request (or the
//!   requests a call caused), and a "copy as cURL" line without secrets: no Authorization or
//!   cookie header, no masked value, no `Host` (it is in the URL).
//! - The sync job ([`start_sync_job`], [`stop_sync_job`], [`sync_now`], [`sync_status`]) copies
//!   every workspace of the connected backend (its live branch) on app start, every
//!   [`SYNC_INTERVAL`], and when asked; it waits longer after Xano's rate limit ([`next_delay`]),
//!   applies the retention setting at the end of every run, and reports progress as
//!   [`AppEvent::HistorySync`]. In demo mode it syncs from the built-in demo backend.
//!
//! Invariants: nothing here returns a secret (the store masks on the way in and out, the cURL line
//! drops what could carry one); exports are written under [`AppConfig::exports_dir`] (the engine
//! home in tests), never to a path the UI names.
//!
//! What it does not do: query Xano for the table (the table reads the local copy only; the MCP
//! tools decide between the copy and Xano themselves).
//!
//! [`AppConfig::exports_dir`]: super::AppConfig::exports_dir

use super::error::{AppError, AppResult};
use super::{AppEvent, AppState, BackendKind, lock, now_ms};
use history::{
    HistoryFilter, HistoryRow, HistorySource, HistoryStore, SortKey, SortOrder, StatusClass,
    SyncOptions,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};

/// How often the job syncs when nothing goes wrong.
pub const SYNC_INTERVAL: Duration = Duration::from_secs(5 * 60);
/// The longest wait after repeated rate limits or failures.
pub const MAX_SYNC_BACKOFF: Duration = Duration::from_secs(60 * 60);
/// Most rows one page of the table asks for.
pub const MAX_PAGE_ROWS: u32 = 1_000;
/// Characters of an export shown back to the UI.
const EXPORT_PREVIEW_CHARS: usize = 2_000;
/// Bars in the slowest-endpoints chart.
const SLOWEST_ENDPOINTS: usize = 10;

// ---------------------------------------------------------------------------------------------
// The page's shapes.

/// Which rows the page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum HistorySourceView {
    /// Xano's request history (synced).
    Xano,
    /// Our MCP tool calls.
    Mcp,
    /// Both, in one timeline.
    #[default]
    Both,
}

/// An HTTP status class filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum StatusClassView {
    #[serde(rename = "2xx")]
    S2xx,
    #[serde(rename = "3xx")]
    S3xx,
    #[serde(rename = "4xx")]
    S4xx,
    #[serde(rename = "5xx")]
    S5xx,
}

/// The column the table is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum HistorySortView {
    #[default]
    Newest,
    Oldest,
    Slowest,
}

/// The page's filters. Status classes and codes combine with OR; everything else with AND.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct HistoryQuery {
    pub workspace_id: Option<i64>,
    /// The synced branch to show (`None`: what Xano returns without a branch, the usual).
    pub branch: Option<String>,
    /// Epoch ms, inclusive.
    pub since_ms: Option<i64>,
    /// Epoch ms, exclusive.
    pub until_ms: Option<i64>,
    pub status_classes: Vec<StatusClassView>,
    pub statuses: Vec<u16>,
    /// `GET`, `POST`, ... (`MCP` = our calls).
    pub verbs: Vec<String>,
    /// Text the address (or tool name) contains.
    pub text: Option<String>,
    pub min_duration_ms: Option<f64>,
    pub api_group_id: Option<i64>,
    pub source: HistorySourceView,
    pub sort: HistorySortView,
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct HistoryRowView {
    /// Unique in the page: `x:<workspace>:<branch>:<id>` or `m:<id>`.
    pub key: String,
    pub source: HistorySourceView,
    /// Xano's request id, or our call record's id.
    pub id: i64,
    pub at_ms: i64,
    pub workspace_id: Option<i64>,
    pub branch: Option<String>,
    /// `GET`, ... or `MCP`.
    pub verb: String,
    /// The address (masked), or the tool name.
    pub uri: String,
    /// `GET /api:x/orders/{id}`, or `MCP toolName`.
    pub endpoint: String,
    pub status: u16,
    pub duration_ms: f64,
    pub api_group_id: Option<i64>,
    /// For our calls: `ok`, `denied`, `failed` or `previewed`.
    pub outcome: Option<String>,
    /// Headers and bodies are stored for this request.
    pub has_body: bool,
}

/// One page of rows and how many match in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct HistoryPageView {
    pub rows: Vec<HistoryRowView>,
    pub total: u64,
    pub offset: u32,
}

/// Which row the detail pane shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct HistoryRowRef {
    pub source: HistorySourceView,
    pub id: i64,
    pub workspace_id: Option<i64>,
    pub branch: Option<String>,
}

/// The detail pane: everything masked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct HistoryDetailView {
    pub row: HistoryRowView,
    pub request_headers: Option<Value>,
    pub response_headers: Option<Value>,
    /// The request's input, or the call's arguments (summarised).
    pub input: Option<Value>,
    pub output: Option<Value>,
    /// For our calls: what went wrong.
    pub error_message: Option<String>,
    /// For our calls: who called (app and access token names).
    pub caller: Option<String>,
    /// The request as a `curl` command, without secrets (Xano requests only).
    pub curl: Option<String>,
    /// The Xano requests this call caused, or the MCP call that caused this request.
    pub linked: Vec<HistoryRowView>,
    /// Why headers or bodies are missing, in words.
    pub note: Option<String>,
}

/// Requests in one time bucket, by status class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct StatusBucketView {
    pub start_ms: i64,
    pub ok: u64,
    pub redirect: u64,
    pub client_error: u64,
    pub server_error: u64,
}

/// Latency in one time bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct LatencyBucketView {
    pub start_ms: i64,
    pub count: u64,
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
}

/// One endpoint of the slowest-endpoints chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct EndpointView {
    pub endpoint: String,
    pub count: u64,
    pub errors: u64,
    pub p50_ms: f64,
    pub p95_ms: f64,
}

/// The charts of the filtered rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct HistoryChartsView {
    pub bucket_ms: i64,
    pub requests: Vec<StatusBucketView>,
    pub latency: Vec<LatencyBucketView>,
    pub slowest: Vec<EndpointView>,
    pub total: u64,
    /// Share of failed requests (4xx and 5xx), 0..1.
    pub error_rate: f64,
}

/// The export file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Csv,
    Json,
}

/// A finished export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ExportView {
    /// The file written.
    pub path: String,
    pub file_name: String,
    pub rows: u64,
    pub bytes: u64,
    /// The start of the file.
    pub preview: String,
}

/// Progress of a running sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SyncProgressView {
    pub pages: u32,
    pub items_seen: u64,
    pub items_new: u64,
    /// How far back the run has come (epoch ms).
    pub oldest_reached_ms: Option<i64>,
    pub newest_ms: Option<i64>,
}

/// The sync of one workspace and branch (`branch: None`: what Xano returns without a branch).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceSyncView {
    pub workspace_id: i64,
    pub workspace_name: Option<String>,
    pub branch: Option<String>,
    /// A sync is running now; see `progress`.
    pub running: bool,
    pub progress: Option<SyncProgressView>,
    pub last_attempt_ms: Option<i64>,
    pub last_success_ms: Option<i64>,
    /// The last failure, in words, with what to do (masked).
    pub last_error: Option<String>,
    pub last_error_at_ms: Option<i64>,
    /// Requests kept locally.
    pub items: u64,
    pub oldest_ms: Option<i64>,
    pub newest_ms: Option<i64>,
}

/// The sync of every workspace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct HistorySyncView {
    pub workspaces: Vec<WorkspaceSyncView>,
    /// A problem that stopped every workspace (no backend, Xano unreachable), with what to do.
    pub problem: Option<String>,
    /// When the next automatic sync runs (epoch ms), if one is planned.
    pub next_run_ms: Option<i64>,
    /// Days of history kept (the retention setting).
    pub retention_days: u32,
}

// ---------------------------------------------------------------------------------------------
// Conversions at the edge.

impl From<HistorySourceView> for HistorySource {
    fn from(s: HistorySourceView) -> Self {
        match s {
            HistorySourceView::Xano => HistorySource::Xano,
            HistorySourceView::Mcp => HistorySource::Mcp,
            HistorySourceView::Both => HistorySource::Both,
        }
    }
}

impl From<HistorySource> for HistorySourceView {
    fn from(s: HistorySource) -> Self {
        match s {
            HistorySource::Xano => HistorySourceView::Xano,
            HistorySource::Mcp => HistorySourceView::Mcp,
            HistorySource::Both => HistorySourceView::Both,
        }
    }
}

impl From<StatusClassView> for StatusClass {
    fn from(s: StatusClassView) -> Self {
        match s {
            StatusClassView::S2xx => StatusClass::Success,
            StatusClassView::S3xx => StatusClass::Redirect,
            StatusClassView::S4xx => StatusClass::ClientError,
            StatusClassView::S5xx => StatusClass::ServerError,
        }
    }
}

impl HistoryQuery {
    /// The store's filter for this query (rows `offset..offset + limit`).
    pub fn filter(&self, offset: u32, limit: u32) -> HistoryFilter {
        let (sort, order) = match self.sort {
            HistorySortView::Newest => (SortKey::Time, SortOrder::Desc),
            HistorySortView::Oldest => (SortKey::Time, SortOrder::Asc),
            HistorySortView::Slowest => (SortKey::Duration, SortOrder::Desc),
        };
        HistoryFilter {
            workspace_id: self.workspace_id,
            branch: self.branch.clone().filter(|b| !b.trim().is_empty()),
            since_ms: self.since_ms,
            until_ms: self.until_ms,
            status_classes: self.status_classes.iter().map(|&c| c.into()).collect(),
            statuses: self.statuses.clone(),
            verbs: self
                .verbs
                .iter()
                .map(|v| v.trim().to_ascii_uppercase())
                .filter(|v| !v.is_empty())
                .collect(),
            endpoint_contains: self
                .text
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned),
            min_duration_ms: self.min_duration_ms.filter(|m| m.is_finite() && *m > 0.0),
            api_group_id: self.api_group_id,
            source: self.source.into(),
            sort,
            order,
            limit,
            offset,
        }
    }
}

impl From<HistoryRow> for HistoryRowView {
    fn from(r: HistoryRow) -> Self {
        let key = match r.source {
            HistorySource::Mcp => format!("m:{}", r.id),
            _ => format!(
                "x:{}:{}:{}",
                r.workspace_id.unwrap_or_default(),
                r.branch.as_deref().unwrap_or(""),
                r.id
            ),
        };
        Self {
            key,
            source: r.source.into(),
            id: r.id,
            at_ms: r.at_ms,
            workspace_id: r.workspace_id,
            branch: r.branch,
            verb: r.verb,
            uri: r.uri,
            endpoint: r.endpoint,
            status: r.status,
            duration_ms: r.duration_ms,
            api_group_id: r.api_group_id,
            outcome: r.outcome.map(|o| o.as_str().to_owned()),
            has_body: r.has_body,
        }
    }
}

fn store_error(e: history::Error) -> AppError {
    match e {
        history::Error::InvalidQuery(m) => AppError::invalid("query", &m),
        other => AppError::storage(format!(
            "The history database could not be read ({other}). Close other copies of the app and try again; if it keeps failing, delete history.db in the data folder (Settings shows where) and sync again."
        )),
    }
}

/// The history database.
fn store(app: &AppState) -> AppResult<Arc<HistoryStore>> {
    app.history.clone().ok_or_else(|| {
        AppError::storage(format!(
            "The history database {} could not be opened. Check that you may write to that folder, then restart the app.",
            app.paths().history_db().display()
        ))
    })
}

/// The history database for a read the user asked for: first waits until every call made so far
/// is in the audit log (the writer thread stores them a moment after they return), so a call the
/// user just ran shows in the table, the charts and the export they open right after.
fn store_after_calls(app: &AppState) -> AppResult<Arc<HistoryStore>> {
    app.calls.flush();
    store(app)
}

// ---------------------------------------------------------------------------------------------
// Table, detail, charts, export.

/// One page of the table: rows `offset..offset + limit` (at most [`MAX_PAGE_ROWS`]).
pub fn search(
    app: &AppState,
    query: &HistoryQuery,
    offset: u32,
    limit: u32,
) -> AppResult<HistoryPageView> {
    let limit = limit.clamp(1, MAX_PAGE_ROWS);
    let page = store_after_calls(app)?
        .history_search(&query.filter(offset, limit))
        .map_err(store_error)?;
    Ok(HistoryPageView {
        rows: page.rows.into_iter().map(Into::into).collect(),
        total: page.total,
        offset,
    })
}

/// The detail pane of one row.
pub fn detail(app: &AppState, row: &HistoryRowRef) -> AppResult<HistoryDetailView> {
    let store = store_after_calls(app)?;
    let gone = || {
        AppError::invalid(
            "row",
            "That row is no longer in the history (retention removed it). Pick another row.",
        )
    };
    match row.source {
        HistorySourceView::Mcp => {
            let call = find_call(&store, row.id)?.ok_or_else(gone)?;
            let filter = HistoryFilter {
                since_ms: Some(call.at_ms),
                until_ms: Some(call.at_ms + 1),
                source: HistorySource::Mcp,
                limit: MAX_PAGE_ROWS,
                ..HistoryFilter::default()
            };
            let view = store
                .history_search(&filter)
                .map_err(store_error)?
                .rows
                .into_iter()
                .find(|r| r.id == row.id)
                .ok_or_else(gone)?;
            let linked = store
                .requests_of_call(row.id)
                .map_err(store_error)?
                .into_iter()
                .map(Into::into)
                .collect::<Vec<_>>();
            let caller = match (&call.client_name, &call.token_name) {
                (Some(c), Some(t)) => Some(format!("{c} with access token “{t}”")),
                (Some(c), None) => Some(c.clone()),
                (None, Some(t)) => Some(format!("access token “{t}”")),
                (None, None) => None,
            };
            let output = (!call.xano_requests.is_empty())
                .then(|| serde_json::to_value(&call.xano_requests).unwrap_or(Value::Null));
            Ok(HistoryDetailView {
                row: view.into(),
                request_headers: None,
                response_headers: None,
                input: Some(history::mask::mask_value(&call.arguments)),
                output,
                error_message: call
                    .error_message
                    .as_deref()
                    .map(|m| history::mask::mask_text(m).into_owned()),
                caller,
                curl: None,
                note: linked.is_empty().then(|| {
                    "No synced Xano request matches this call. Xano logs the requests to your own API endpoints; calls that only read the workspace's structure leave no entry.".to_owned()
                }),
                linked,
            })
        }
        HistorySourceView::Xano | HistorySourceView::Both => {
            let ws = row.workspace_id.ok_or_else(gone)?;
            let d = store
                .request_detail(ws, row.branch.as_deref(), row.id)
                .map_err(store_error)?
                .ok_or_else(gone)?;
            let linked = store
                .call_of_request(ws, row.branch.as_deref(), row.id)
                .map_err(store_error)?
                .into_iter()
                .map(Into::into)
                .collect();
            let has_body = d.row.has_body;
            let curl = curl_of(&d.row, d.request_headers.as_ref(), d.input.as_ref());
            Ok(HistoryDetailView {
                row: d.row.into(),
                request_headers: d.request_headers,
                response_headers: d.response_headers,
                input: d.input,
                output: d.output,
                error_message: None,
                caller: None,
                curl: Some(curl),
                linked,
                note: (!has_body).then(|| {
                    "Headers and bodies are not kept for this request. Turn on “Keep request bodies” in Settings to keep them (secrets are masked) for requests synced from now on.".to_owned()
                }),
            })
        }
    }
}

fn find_call(store: &HistoryStore, id: i64) -> AppResult<Option<history::ToolCallRecord>> {
    store.call(id).map_err(store_error)
}

/// A header's name and value from either shape Xano uses (`"Name: value"` or `{name, value}`).
fn header_parts(h: &Value) -> Option<(String, String)> {
    match h {
        Value::String(s) => {
            let (n, v) = s.split_once(':')?;
            Some((n.trim().to_owned(), v.trim().to_owned()))
        }
        Value::Object(m) => {
            let name = ["name", "key", "header"]
                .iter()
                .find_map(|k| m.get(*k).and_then(Value::as_str))?;
            let value = match m.get("value") {
                Some(Value::String(s)) => s.clone(),
                Some(other) => other.to_string(),
                None => String::new(),
            };
            Some((name.trim().to_owned(), value))
        }
        _ => None,
    }
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The request as a `curl` command, without secrets: no Authorization, cookie or other
/// secret-named header, no header whose value was masked or redacted, and the input masked.
pub fn curl_of(row: &HistoryRow, headers: Option<&Value>, input: Option<&Value>) -> String {
    let mut url = row.uri.clone();
    let mut lines = vec![format!("curl -X {} {}", row.verb, shell_quote(&url))];
    let mut host = None;
    let mut dropped_auth = false;
    if let Some(Value::Array(items)) = headers {
        for h in items {
            let Some((name, value)) = header_parts(h) else {
                continue;
            };
            let lower = name.to_ascii_lowercase();
            if lower == "host" {
                host = Some(value);
                continue;
            }
            if history::mask::is_secret_key(&name)
                || value.contains(history::MASK)
                || value.contains("[redacted]")
                || value != history::mask::mask_text(&value)
            {
                dropped_auth |= lower == "authorization";
                continue;
            }
            if lower == "content-length" {
                continue;
            }
            lines.push(format!("-H {}", shell_quote(&format!("{name}: {value}"))));
        }
    }
    if !url.contains("://") {
        url = format!(
            "https://{}{}",
            host.as_deref().unwrap_or("YOUR-INSTANCE.xano.io"),
            url
        );
        lines[0] = format!("curl -X {} {}", row.verb, shell_quote(&url));
    }
    if dropped_auth {
        lines.push("-H 'Authorization: Bearer YOUR_TOKEN'".to_owned());
    }
    let body = input
        .map(history::mask::mask_value)
        .filter(|v| !v.is_null() && v.as_object().is_none_or(|m| !m.is_empty()));
    if let Some(body) = body
        && !matches!(row.verb.as_str(), "GET" | "HEAD" | "DELETE")
    {
        lines.push(format!("--data {}", shell_quote(&body.to_string())));
    }
    lines.join(" \\\n  ")
}

/// A bucket size giving at most about 120 bars over `span_ms`.
pub fn bucket_secs_for(span_ms: i64) -> u32 {
    const SIZES: [u32; 9] = [
        60,
        300,
        900,
        1_800,
        3_600,
        3 * 3_600,
        6 * 3_600,
        86_400,
        7 * 86_400,
    ];
    let span_secs = span_ms.max(0) / 1000;
    SIZES
        .into_iter()
        .find(|&s| span_secs / i64::from(s) <= 120)
        .unwrap_or(30 * 86_400)
}

/// The charts of the filtered rows (requests by status, latency p50/p95, slowest endpoints).
pub fn charts(app: &AppState, query: &HistoryQuery) -> AppResult<HistoryChartsView> {
    let store = store_after_calls(app)?;
    let mut filter = query.filter(0, 1);
    // The time span decides the bucket: the filter's range, or the rows' own first and last.
    let edge = |order| -> AppResult<Option<i64>> {
        Ok(store
            .history_search(&HistoryFilter {
                sort: SortKey::Time,
                order,
                ..filter.clone()
            })
            .map_err(store_error)?
            .rows
            .first()
            .map(|r| r.at_ms))
    };
    let lo = match filter.since_ms {
        Some(s) => Some(s),
        None => edge(SortOrder::Asc)?,
    };
    let hi = match filter.until_ms {
        Some(u) => Some(u),
        None => edge(SortOrder::Desc)?.map(|t| t + 1),
    };
    let (Some(lo), Some(hi)) = (lo, hi) else {
        return Ok(HistoryChartsView {
            bucket_ms: 60_000,
            requests: Vec::new(),
            latency: Vec::new(),
            slowest: Vec::new(),
            total: 0,
            error_rate: 0.0,
        });
    };
    let bucket = bucket_secs_for(hi - lo);
    filter.since_ms = Some(lo);
    filter.until_ms = Some(hi.max(lo + 1));
    let requests = store
        .requests_over_time(&filter, bucket)
        .map_err(store_error)?
        .into_iter()
        .map(|b| StatusBucketView {
            start_ms: b.start_ms,
            ok: b.counts.s2xx + b.counts.s1xx + b.counts.other,
            redirect: b.counts.s3xx,
            client_error: b.counts.s4xx,
            server_error: b.counts.s5xx,
        })
        .collect();
    let latency = store
        .latency_over_time(&filter, bucket)
        .map_err(store_error)?
        .into_iter()
        .map(|b| LatencyBucketView {
            start_ms: b.start_ms,
            count: b.count,
            p50_ms: b.p50_ms,
            p95_ms: b.p95_ms,
        })
        .collect();
    let slowest = store
        .slowest_endpoints(&filter, SLOWEST_ENDPOINTS)
        .map_err(store_error)?
        .into_iter()
        .map(|e| EndpointView {
            endpoint: e.endpoint,
            count: e.count,
            errors: e.errors,
            p50_ms: e.p50_ms,
            p95_ms: e.p95_ms,
        })
        .collect();
    let rate = store.error_rate(&filter).map_err(store_error)?;
    Ok(HistoryChartsView {
        bucket_ms: i64::from(bucket) * 1000,
        requests,
        latency,
        slowest,
        total: rate.total,
        error_rate: rate.rate,
    })
}

/// Writes every row of the query to a new file in the exports folder, masked.
pub fn export(app: &AppState, query: &HistoryQuery, format: ExportFormat) -> AppResult<ExportView> {
    let store = store_after_calls(app)?;
    let dir = app.cfg.exports_dir.clone();
    let io = |e: std::io::Error| {
        AppError::storage(format!(
            "Could not write the export to {} ({e}). Check that the folder exists and that you may write to it.",
            dir.display()
        ))
    };
    std::fs::create_dir_all(&dir).map_err(io)?;
    let ext = match format {
        ExportFormat::Csv => "csv",
        ExportFormat::Json => "json",
    };
    let path = free_name(&dir, &format!("xano-history-{}", file_stamp(now_ms())), ext);
    let file = std::fs::File::create(&path).map_err(io)?;
    let mut out = std::io::BufWriter::new(file);
    let filter = query.filter(0, MAX_PAGE_ROWS);
    let options = history::ExportOptions::default();
    let rows = match format {
        ExportFormat::Csv => store.export_csv(&filter, options, &mut out),
        ExportFormat::Json => store.export_json(&filter, options, &mut out),
    };
    drop(out);
    let rows = match rows {
        Ok(n) => n,
        Err(e) => {
            let _ = std::fs::remove_file(&path);
            return Err(store_error(e));
        }
    };
    let bytes = std::fs::metadata(&path).map_err(io)?.len();
    let mut preview = String::new();
    if let Ok(text) = std::fs::read_to_string(&path) {
        preview = text.chars().take(EXPORT_PREVIEW_CHARS).collect();
    }
    Ok(ExportView {
        file_name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        path: path.display().to_string(),
        rows,
        bytes,
        preview,
    })
}

/// `2024-01-15-103000` (UTC) for file names.
fn file_stamp(ms: i64) -> String {
    history::format_time_ms(ms)
        .chars()
        .filter_map(|c| match c {
            '0'..='9' => Some(c),
            'T' | ' ' => Some('-'),
            '-' => Some('-'),
            _ => None,
        })
        .take(17)
        .collect()
}

fn free_name(dir: &std::path::Path, stem: &str, ext: &str) -> PathBuf {
    let first = dir.join(format!("{stem}.{ext}"));
    if !first.exists() {
        return first;
    }
    (2..)
        .map(|n| dir.join(format!("{stem}-{n}.{ext}")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

// ---------------------------------------------------------------------------------------------
// The sync job.

/// The sync job's state, part of [`AppState`].
#[derive(Debug, Default)]
pub(crate) struct SyncRunner {
    /// Wakes the job for an immediate run.
    wake: Notify,
    /// Running syncs and their progress, by workspace and branch.
    running: std::sync::Mutex<BTreeMap<Scope, SyncProgressView>>,
    /// Workspace names from the last listing.
    names: std::sync::Mutex<BTreeMap<i64, String>>,
    /// A problem that stopped the last round before any workspace (masked, in words).
    problem: std::sync::Mutex<Option<String>>,
    next_run_ms: std::sync::Mutex<Option<i64>>,
    job: std::sync::Mutex<Option<(watch::Sender<bool>, tokio::task::JoinHandle<()>)>>,
}

/// A synced workspace and branch (`None`: Xano's default).
type Scope = (i64, Option<String>);

impl SyncRunner {
    /// Asks the job for a run now (remembered if the job is busy).
    pub(crate) fn wake(&self) {
        self.wake.notify_one();
    }
}

/// How long to wait before the next run after `failures` rounds in a row that hit Xano's rate
/// limit or failed: [`SYNC_INTERVAL`] after a good round, then 1, 2, 4, ... minutes, at most
/// [`MAX_SYNC_BACKOFF`].
pub fn next_delay(failures: u32) -> Duration {
    if failures == 0 {
        return SYNC_INTERVAL;
    }
    let minutes = 1u64 << failures.saturating_sub(1).min(10);
    Duration::from_secs(minutes * 60).min(MAX_SYNC_BACKOFF)
}

/// Starts the background sync (once; later calls do nothing). Needs a Tokio runtime.
pub fn start_sync_job(app: &Arc<AppState>) {
    let mut job = lock(&app.sync.job);
    if job.is_some() {
        return;
    }
    let (stop_tx, mut stop_rx) = watch::channel(false);
    let state = app.clone();
    let handle = tokio::spawn(async move {
        // A wake from before the job ran (the server starting with the app wakes it for its new
        // backend) is covered by the first round; left stored, it would start a second round
        // right after the first.
        {
            use std::future::Future as _;
            let mut stale = std::pin::pin!(state.sync.wake.notified());
            let _ = stale
                .as_mut()
                .poll(&mut std::task::Context::from_waker(std::task::Waker::noop()));
        }
        let mut failures = 0u32;
        loop {
            let round = tokio::select! {
                r = sync_round(&state) => r,
                _ = stop_rx.changed() => break,
            };
            failures = match round {
                RoundOutcome::Good => 0,
                RoundOutcome::Idle => 0,
                RoundOutcome::Backoff => failures.saturating_add(1),
            };
            let delay = next_delay(failures);
            *lock(&state.sync.next_run_ms) =
                Some(now_ms().saturating_add(i64::try_from(delay.as_millis()).unwrap_or(i64::MAX)));
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                _ = state.sync.wake.notified() => {}
                _ = stop_rx.changed() => break,
            }
        }
        *lock(&state.sync.next_run_ms) = None;
        lock(&state.sync.running).clear();
    });
    *job = Some((stop_tx, handle));
}

/// Stops the background sync and waits for it (a page being stored is finished first; the next
/// start resumes where it stopped).
pub async fn stop_sync_job(app: &AppState) {
    let job = lock(&app.sync.job).take();
    if let Some((stop, handle)) = job {
        let _ = stop.send(true);
        let _ = handle.await;
    }
}

/// Asks for a sync now; answers with the state (progress follows as events).
pub fn sync_now(app: &AppState) -> AppResult<HistorySyncView> {
    app.sync.wake();
    sync_status(app)
}

/// The sync state of every workspace and branch seen so far.
pub fn sync_status(app: &AppState) -> AppResult<HistorySyncView> {
    let store = store(app)?;
    let mut scopes: Vec<Scope> = store.sync_scopes().map_err(store_error)?;
    scopes.extend(lock(&app.sync.running).keys().cloned());
    scopes.extend(lock(&app.sync.names).keys().map(|&ws| (ws, None)));
    scopes.sort_unstable();
    scopes.dedup();
    let workspaces = scopes
        .iter()
        .map(|(ws, branch)| workspace_view(app, &store, *ws, branch.as_deref()))
        .collect::<AppResult<Vec<_>>>()?;
    Ok(HistorySyncView {
        workspaces,
        problem: lock(&app.sync.problem).clone(),
        next_run_ms: *lock(&app.sync.next_run_ms),
        retention_days: retention_days(app),
    })
}

fn retention_days(app: &AppState) -> u32 {
    app.settings()
        .retention_days
        .clamp(1, history::MAX_REQUEST_RETENTION_DAYS)
}

fn workspace_view(
    app: &AppState,
    store: &HistoryStore,
    ws: i64,
    branch: Option<&str>,
) -> AppResult<WorkspaceSyncView> {
    let state = store.sync_state(ws, branch).map_err(store_error)?;
    let progress = lock(&app.sync.running)
        .get(&(ws, branch.map(str::to_owned)))
        .copied();
    let name = lock(&app.sync.names).get(&ws).cloned();
    Ok(match state {
        Some(s) => WorkspaceSyncView {
            workspace_id: ws,
            workspace_name: name,
            branch: s.branch,
            running: progress.is_some(),
            progress,
            last_attempt_ms: s.last_attempt_ms,
            last_success_ms: s.last_success_ms,
            last_error: s
                .last_error
                .map(|e| explain_sync_error(&e, s.last_error_code.as_deref())),
            last_error_at_ms: s.last_error_at_ms,
            items: s.items,
            oldest_ms: s.oldest_ms,
            newest_ms: s.newest_ms,
        },
        None => WorkspaceSyncView {
            workspace_id: ws,
            workspace_name: name,
            branch: branch.map(str::to_owned),
            running: progress.is_some(),
            progress,
            last_attempt_ms: None,
            last_success_ms: None,
            last_error: None,
            last_error_at_ms: None,
            items: 0,
            oldest_ms: None,
            newest_ms: None,
        },
    })
}

/// A recorded sync error in words, with what to do.
fn explain_sync_error(message: &str, code: Option<&str>) -> String {
    let message = history::mask::mask_text(message);
    let advice = match code.unwrap_or_default() {
        c if c.contains("rate") || c.contains("Rate") || message.contains("429") => {
            "Xano's rate limit paused the sync; it continues by itself in a few minutes."
        }
        c if c.contains("auth") || c.contains("Auth") || message.contains("401") => {
            "Xano refused the token: paste a new one in Setup."
        }
        c if c.contains("unreachable") || c.contains("Unreachable") => {
            "Xano could not be reached: check the internet connection; the sync retries by itself."
        }
        _ => "The sync retries by itself; press Sync now to try at once.",
    };
    format!("{message}. {advice}")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RoundOutcome {
    /// Every workspace synced.
    Good,
    /// Nothing to sync (no backend yet).
    Idle,
    /// Rate limited or failed: wait longer.
    Backoff,
}

fn emit_workspace(app: &AppState, store: &HistoryStore, scope: &Scope) {
    if let Ok(view) = workspace_view(app, store, scope.0, scope.1.as_deref()) {
        app.emit(AppEvent::HistorySync(view));
    }
}

/// One round: every workspace of the connected backend, one after the other; in each, what Xano
/// returns without a branch and, when the active profile names a branch the workspace has, that
/// branch (the history tools of a profile with a branch read its copy).
async fn sync_round(app: &Arc<AppState>) -> RoundOutcome {
    let Ok(store) = store(app) else {
        return RoundOutcome::Idle;
    };
    let (engine, kind, branch) = {
        let backend = app.backend.lock().await;
        (backend.engine.clone(), backend.kind, backend.branch.clone())
    };
    let Some(engine) = engine else {
        *lock(&app.sync.problem) = Some(
            "Nothing is connected yet: run the setup (or the demo), and the history syncs by itself."
                .to_owned(),
        );
        return RoundOutcome::Idle;
    };
    // The profile's branch is asked for per scope below; the listing needs none.
    let client = engine.client(None).with_branch(None);
    let workspaces = match client.list_workspaces().await {
        Ok(list) => list,
        Err(e) => {
            *lock(&app.sync.problem) = Some(format!(
                "{}. The sync retries by itself.",
                AppError::from(e)
            ));
            return RoundOutcome::Backoff;
        }
    };
    *lock(&app.sync.problem) = None;
    {
        let mut names = lock(&app.sync.names);
        names.clear();
        names.extend(workspaces.iter().map(|w| (w.id, w.name.clone())));
    }
    let settings = app.settings();
    let options = SyncOptions {
        // The demo's data holds no real secrets, and its detail pane should show something.
        store_bodies: settings.history_bodies || kind == Some(BackendKind::Demo),
        retention_days: retention_days(app),
        ..SyncOptions::default()
    };
    let mut outcome = RoundOutcome::Good;
    let mut scopes: Vec<Scope> = Vec::new();
    for ws in &workspaces {
        scopes.push((ws.id, None));
        let Some(branch) = &branch else { continue };
        match client.list_branches(ws.id).await {
            // A workspace without that branch has no history of it to copy.
            Ok(list) if list.iter().any(|b| &b.label == branch) => {
                scopes.push((ws.id, Some(branch.clone())));
            }
            Ok(_) => {}
            Err(e) => {
                tracing::info!(workspace = ws.id, "listing the branches failed: {e}");
                outcome = RoundOutcome::Backoff;
            }
        }
    }
    for scope in scopes {
        let ws = scope.0;
        lock(&app.sync.running).insert(scope.clone(), SyncProgressView::default());
        emit_workspace(app, &store, &scope);
        let result = history::sync(&store, &client, ws, scope.1.as_deref(), &options, |p| {
            let view = SyncProgressView {
                pages: p.pages,
                items_seen: p.items_seen,
                items_new: p.items_new,
                oldest_reached_ms: p.oldest_reached_ms,
                newest_ms: p.newest_ms,
            };
            lock(&app.sync.running).insert(scope.clone(), view);
            emit_workspace(app, &store, &scope);
        })
        .await;
        lock(&app.sync.running).remove(&scope);
        emit_workspace(app, &store, &scope);
        match result {
            Ok(report) if report.rate_limited => {
                // The rest waits for the next round, after the backoff.
                outcome = RoundOutcome::Backoff;
                break;
            }
            Ok(_) => {}
            Err(e) => {
                tracing::info!(workspace = ws, branch = ?scope.1, "request history sync failed: {e}");
                outcome = RoundOutcome::Backoff;
            }
        }
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(verb: &str, uri: &str) -> HistoryRow {
        HistoryRow {
            source: HistorySource::Xano,
            id: 1,
            at_ms: 0,
            workspace_id: Some(1),
            branch: None,
            verb: verb.into(),
            uri: uri.into(),
            endpoint: String::new(),
            status: 200,
            duration_ms: 1.0,
            api_group_id: None,
            query_id: None,
            outcome: None,
            has_body: true,
        }
    }

    #[test]
    fn curl_drops_every_secret() {
        let headers = serde_json::json!([
            "Host: x1.xano.io",
            "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
            "Cookie: session=abc123",
            "Accept: application/json",
            {"name": "X-Api-Key", "value": "k-123"},
            {"name": "Content-Type", "value": "application/json"},
        ]);
        let input = serde_json::json!({"email": "a@b.c", "password": "hunter2", "it's": 1});
        let c = curl_of(
            &row("POST", "/api:ab/auth/login"),
            Some(&headers),
            Some(&input),
        );
        assert!(
            c.starts_with("curl -X POST 'https://x1.xano.io/api:ab/auth/login'"),
            "{c}"
        );
        assert!(c.contains("-H 'Accept: application/json'"), "{c}");
        assert!(c.contains("-H 'Content-Type: application/json'"), "{c}");
        assert!(c.contains("YOUR_TOKEN"), "{c}");
        for secret in ["eyJhbGci", "abc123", "k-123", "hunter2", "Cookie", "Host:"] {
            assert!(!c.contains(secret), "{secret} in {c}");
        }
        assert!(c.contains(r#""it'\''s":1"#), "{c}");
        assert!(c.contains(r#""password":"[masked]""#), "{c}");
        let get = curl_of(&row("GET", "https://h/api:x/a?b=1"), None, Some(&input));
        assert_eq!(get, "curl -X GET 'https://h/api:x/a?b=1'");
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(next_delay(0), SYNC_INTERVAL);
        assert_eq!(next_delay(1), Duration::from_secs(60));
        assert_eq!(next_delay(3), Duration::from_secs(240));
        assert_eq!(next_delay(40), MAX_SYNC_BACKOFF);
    }

    #[test]
    fn buckets_keep_charts_readable() {
        assert_eq!(bucket_secs_for(0), 60);
        assert_eq!(bucket_secs_for(60 * 60_000), 60);
        assert_eq!(bucket_secs_for(24 * 3_600_000), 900);
        assert_eq!(bucket_secs_for(30 * 86_400_000), 6 * 3_600);
    }

    #[test]
    fn the_query_becomes_the_stores_filter() {
        let q = HistoryQuery {
            status_classes: vec![StatusClassView::S5xx],
            verbs: vec![" post ".into(), String::new()],
            text: Some("  ".into()),
            min_duration_ms: Some(0.0),
            source: HistorySourceView::Xano,
            sort: HistorySortView::Slowest,
            ..HistoryQuery::default()
        };
        let f = q.filter(200, 100);
        assert_eq!(f.status_classes, vec![StatusClass::ServerError]);
        assert_eq!(f.verbs, vec!["POST".to_owned()]);
        assert_eq!(f.endpoint_contains, None);
        assert_eq!(f.min_duration_ms, None);
        assert_eq!((f.sort, f.order), (SortKey::Duration, SortOrder::Desc));
        assert_eq!((f.offset, f.limit), (200, 100));
        assert_eq!(f.source, HistorySource::Xano);
    }

    /// The app on a temp home, serving the demo backend on any free port.
    async fn demo_app(dir: &std::path::Path) -> Arc<AppState> {
        let app = crate::app::test_app(
            dir,
            Some(crate::app::EngineSettings {
                port: 0,
                demo_mode: true,
                setup_done: true,
                ..Default::default()
            }),
        );
        let status = crate::app::server::start(&app).await;
        assert_eq!(status.state, crate::app::ServerState::Running, "{status:?}");
        app
    }

    /// Receives events until a history-sync event satisfies `done`; returns every sync event seen.
    async fn until(
        rx: &mut tokio::sync::broadcast::Receiver<AppEvent>,
        mut done: impl FnMut(&WorkspaceSyncView) -> bool,
    ) -> Vec<WorkspaceSyncView> {
        let mut seen = Vec::new();
        // A bound on a hang, not a synchronisation: the loop ends on the event.
        tokio::time::timeout(Duration::from_secs(120), async {
            loop {
                match rx.recv().await {
                    Ok(AppEvent::HistorySync(v)) => {
                        let stop = done(&v);
                        seen.push(v);
                        if stop {
                            break;
                        }
                    }
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                    Err(e) => panic!("events ended: {e}"),
                }
            }
        })
        .await
        .expect("the sync finished");
        seen
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_job_syncs_the_demo_once_applies_retention_and_stops() {
        let dir = tempfile::tempdir().expect("dir");
        let app = demo_app(dir.path()).await;
        let store = app.history.clone().expect("store");
        // A request older than the retention setting (30 days) from an earlier sync.
        let old: xano::types::RequestHistoryItem = serde_json::from_value(serde_json::json!({
            "id": 999_999_999i64, "created_at": now_ms() - 40 * 86_400_000, "duration": 0.1,
            "status": 200, "verb": "GET", "uri": "/api:old/thing", "workspace_id": xano_sim::demo::WORKSPACE_ID,
        }))
        .expect("item");
        store
            .import_requests(xano_sim::demo::WORKSPACE_ID, None, &[old], false)
            .expect("import");
        let (expected_ws1, expected_5xx) = {
            let backend = app.backend.lock().await;
            let items = backend
                .sim
                .as_ref()
                .expect("sim")
                .history(xano_sim::demo::WORKSPACE_ID);
            let errors = items
                .iter()
                .filter(|i| i["status"].as_i64().unwrap_or(0) >= 500)
                .count() as u64;
            (items.len() as u64, errors)
        };

        let mut rx = app.subscribe();
        start_sync_job(&app);
        start_sync_job(&app); // once only
        let last = xano_sim::demo::SECOND_WORKSPACE_ID;
        let events = until(&mut rx, |v| {
            v.workspace_id == last && !v.running && v.last_success_ms.is_some()
        })
        .await;
        assert!(
            events
                .iter()
                .any(|v| v.workspace_id == xano_sim::demo::WORKSPACE_ID
                    && v.running
                    && v.progress.is_some_and(|p| p.pages >= 1 && p.items_new > 0)),
            "the first sync shows its progress: {events:?}"
        );

        let status = sync_status(&app).expect("status");
        let ws1 = status
            .workspaces
            .iter()
            .find(|w| w.workspace_id == xano_sim::demo::WORKSPACE_ID)
            .expect("ws1");
        assert_eq!(ws1.workspace_name.as_deref(), Some("Acme Store"));
        assert_eq!(
            ws1.items, expected_ws1,
            "every item once; the old one removed by retention"
        );
        assert!(
            ws1.last_error.is_none() && ws1.last_success_ms.is_some() && !ws1.running,
            "{ws1:?}"
        );
        assert!(status.next_run_ms.is_some() || status.workspaces.iter().all(|w| !w.running));
        assert_eq!(status.retention_days, 30);

        // Errors only, as the page's chip sets it.
        let errors = HistoryQuery {
            status_classes: vec![StatusClassView::S5xx],
            source: HistorySourceView::Xano,
            workspace_id: Some(xano_sim::demo::WORKSPACE_ID),
            ..HistoryQuery::default()
        };
        let page = search(&app, &errors, 0, 50).expect("search");
        assert_eq!(page.total, expected_5xx);
        assert!(page.rows.iter().all(|r| r.status >= 500));
        let charts = charts(&app, &errors).expect("charts");
        assert_eq!(
            charts.requests.iter().map(|b| b.server_error).sum::<u64>(),
            expected_5xx
        );
        assert_eq!(
            charts
                .requests
                .iter()
                .map(|b| b.ok + b.client_error)
                .sum::<u64>(),
            0
        );
        assert!(!charts.slowest.is_empty() && !charts.latency.is_empty());

        // The detail of a request that carried a token: masked, and the cURL line has no secret.
        let all = HistoryQuery {
            source: HistorySourceView::Xano,
            workspace_id: Some(xano_sim::demo::WORKSPACE_ID),
            ..HistoryQuery::default()
        };
        let rows = search(&app, &all, 0, 200).expect("rows").rows;
        let mut checked = 0;
        for r in &rows {
            let d = detail(
                &app,
                &HistoryRowRef {
                    source: r.source,
                    id: r.id,
                    workspace_id: r.workspace_id,
                    branch: r.branch.clone(),
                },
            )
            .expect("detail");
            let text = serde_json::to_string(&d).expect("json");
            assert!(!text.contains(xano_sim::DEMO_TOKEN));
            let curl = d.curl.expect("curl");
            assert!(
                !curl
                    .to_ascii_lowercase()
                    .contains("authorization: bearer ey"),
                "{curl}"
            );
            assert!(!curl.contains("[redacted]"), "{curl}");
            if text.contains("Authorization") {
                checked += 1;
            }
        }
        assert!(
            checked > 0,
            "some demo requests carry an Authorization header"
        );

        // Export of the filtered set: a file with a header line and one line per row.
        let csv = export(&app, &errors, ExportFormat::Csv).expect("csv");
        assert_eq!(csv.rows, expected_5xx);
        let text = std::fs::read_to_string(&csv.path).expect("file");
        assert!(
            csv.path
                .starts_with(&dir.path().join("downloads").display().to_string())
        );
        assert_eq!(text.lines().count() as u64, expected_5xx + 1);
        assert!(text.starts_with("source,id,time"));
        assert!(csv.preview.starts_with("source,id,time"));
        let json = export(&app, &errors, ExportFormat::Json).expect("json");
        let parsed: Vec<Value> =
            serde_json::from_str(&std::fs::read_to_string(&json.path).expect("file"))
                .expect("json array");
        assert_eq!(parsed.len() as u64, expected_5xx);
        let again = export(&app, &errors, ExportFormat::Csv).expect("csv");
        assert_ne!(
            again.path, csv.path,
            "a second export does not overwrite the first"
        );

        // Sync now: runs again at once and stores nothing twice.
        let now = sync_now(&app).expect("sync now");
        assert!(!now.workspaces.is_empty());
        let second = until(&mut rx, |v| v.workspace_id == last && !v.running).await;
        assert!(second.iter().any(|v| v.running));
        let ws1 = sync_status(&app)
            .expect("status")
            .workspaces
            .into_iter()
            .find(|w| w.workspace_id == xano_sim::demo::WORKSPACE_ID)
            .expect("ws1");
        assert_eq!(ws1.items, expected_ws1);

        // Quitting stops the job (and waits for it).
        crate::app::server::stop(&app).await;
        assert!(lock(&app.sync.job).is_none());
        assert!(
            sync_status(&app)
                .expect("status")
                .workspaces
                .iter()
                .all(|w| !w.running)
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_profiles_branch_is_synced_beside_the_live_one_and_read_by_the_tools() {
        let sim = xano_sim::XanoSim::start(xano_sim::SimConfig::demo())
            .await
            .expect("sim");
        let ws = xano_sim::demo::WORKSPACE_ID;
        let ids = |sim: &xano_sim::XanoSim| -> std::collections::BTreeSet<i64> {
            sim.history(ws)
                .iter()
                .filter_map(|i| i["id"].as_i64())
                .collect()
        };
        let before = ids(&sim);
        // Requests to the `dev` branch's API: four, then three ten minutes later (a sync
        // claims a window complete only up to a margin before the newest request).
        sim.add_branch_history(ws, "dev", 4);
        let first: std::collections::BTreeSet<i64> =
            ids(&sim).difference(&before).copied().collect();
        let first_at = sim.now_ms();
        sim.advance_clock(Duration::from_secs(600));
        sim.add_branch_history(ws, "dev", 3);
        let dev: std::collections::BTreeSet<i64> = ids(&sim).difference(&before).copied().collect();
        assert_eq!((first.len(), dev.len()), (4, 7));

        let dir = tempfile::tempdir().expect("dir");
        let app = crate::app::test_app(
            dir.path(),
            Some(crate::app::EngineSettings {
                port: 0,
                demo_mode: false,
                setup_done: true,
                ..Default::default()
            }),
        );
        let mut profile = vault::Profile::new("work", &sim.meta_url(), now_ms() / 1000);
        profile.branch = Some("dev".into());
        crate::save_profile(&app.setup, profile, xano_sim::DEMO_TOKEN)
            .await
            .expect("profile");
        crate::use_profile(&app.setup, "work").expect("active");
        let status = crate::app::server::start(&app).await;
        assert_eq!(status.state, crate::app::ServerState::Running, "{status:?}");

        // One round, directly.
        let listed = sim.history(ws).len();
        assert_eq!(sync_round(&app).await, RoundOutcome::Good);
        let history_calls: Vec<_> = sim
            .requests()
            .into_iter()
            .filter(|r| {
                r.path
                    .ends_with(&format!("/workspace/{ws}/request_history"))
            })
            .collect();
        let branch_of = |r: &xano_sim::RecordedRequest| {
            r.query
                .iter()
                .find(|(k, _)| k == "branch")
                .map(|(_, v)| v.clone())
        };
        assert!(
            history_calls.iter().any(|r| branch_of(r).is_none()),
            "the live branch"
        );
        assert!(
            history_calls
                .iter()
                .any(|r| branch_of(r).as_deref() == Some("dev")),
            "the profile's branch: {history_calls:?}"
        );

        let status = sync_status(&app).expect("status");
        let scope = |branch: Option<&str>| {
            status
                .workspaces
                .iter()
                .find(|w| w.workspace_id == ws && w.branch.as_deref() == branch)
                .unwrap_or_else(|| panic!("{branch:?} in {status:?}"))
                .clone()
        };
        let (live, dev_scope) = (scope(None), scope(Some("dev")));
        assert_eq!(dev_scope.items, 7, "{dev_scope:?}");
        assert_eq!(
            live.items as usize, listed,
            "without a branch Xano lists every branch"
        );
        assert_eq!(dev_scope.workspace_name.as_deref(), Some("Acme Store"));
        assert!(dev_scope.last_success_ms.is_some() && dev_scope.last_error.is_none());

        // The page shows one branch's copy at a time.
        let query = HistoryQuery {
            workspace_id: Some(ws),
            branch: Some("dev".into()),
            source: HistorySourceView::Xano,
            ..HistoryQuery::default()
        };
        let page = search(&app, &query, 0, 50).expect("search");
        let shown: std::collections::BTreeSet<i64> = page.rows.iter().map(|r| r.id).collect();
        assert_eq!(shown, dev);
        assert!(page.rows.iter().all(|r| r.branch.as_deref() == Some("dev")));

        // The history tools of this backend ask Xano with `branch=dev`, so they read that copy.
        let engine = crate::app::server::engine(&app).await.expect("engine");
        let local = engine
            .history
            .clone()
            .expect("the tools read the synced copy");
        // The minute of the first four: a window the round proved complete.
        let start = dev_scope.oldest_ms.expect("oldest");
        assert!(start <= first_at);
        let end = first_at + 60_000;
        assert!(local.covers(ws, start, end), "{dev_scope:?}");
        let read: std::collections::BTreeSet<i64> =
            local.items(ws, start, end).iter().map(|i| i.id).collect();
        assert_eq!(read, first);
        crate::app::server::stop(&app).await;
        sim.shutdown().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn without_a_backend_the_job_waits_and_says_what_to_do() {
        let dir = tempfile::tempdir().expect("dir");
        let app = crate::app::test_app(dir.path(), None);
        // One round, directly: no backend, nothing synced, a problem in words.
        assert_eq!(sync_round(&app).await, RoundOutcome::Idle);
        let status = sync_status(&app).expect("status");
        assert!(status.workspaces.is_empty());
        assert!(status.problem.expect("problem").contains("setup"));
        let page = search(&app, &HistoryQuery::default(), 0, 10).expect("empty search");
        assert_eq!(page.total, 0);
        let charts = charts(&app, &HistoryQuery::default()).expect("charts");
        assert!(charts.requests.is_empty());
        start_sync_job(&app);
        stop_sync_job(&app).await;
        assert!(lock(&app.sync.job).is_none());
    }

    /// The History page reads its own writes: calls that just returned are in the table, the
    /// charts and the export the user opens right after, although the audit writer stores them on
    /// its own thread. (The desktop command test once read an empty page here.)
    #[test]
    fn a_call_that_just_returned_is_in_every_history_read() {
        let dir = tempfile::tempdir().expect("dir");
        let app = crate::app::test_app(dir.path(), None);
        let now = now_ms();
        let call = |at_ms| crate::app::test_call(at_ms, "listTables", "cursor-vscode");
        // Many at once, so the writer thread is still busy when the reads start.
        const CALLS: i64 = 300;
        for i in 0..CALLS {
            app.calls.push(call(now - 1_000 + i));
        }
        let query = HistoryQuery {
            source: HistorySourceView::Mcp,
            ..HistoryQuery::default()
        };
        let page = search(&app, &query, 0, 10).expect("search");
        assert_eq!(page.total, CALLS as u64);
        let newest = &page.rows[0];
        assert_eq!(newest.at_ms, now - 1_000 + CALLS - 1);
        let refer = HistoryRowRef {
            source: HistorySourceView::Mcp,
            id: newest.id,
            workspace_id: None,
            branch: None,
        };
        assert_eq!(detail(&app, &refer).expect("detail").row.key, newest.key);
        for i in 0..CALLS {
            app.calls.push(call(now + i));
        }
        assert_eq!(
            charts(&app, &query).expect("charts").total,
            2 * CALLS as u64
        );
        for i in 0..CALLS {
            app.calls.push(call(now + CALLS + i));
        }
        let export = export(&app, &query, ExportFormat::Csv).expect("export");
        assert_eq!(export.rows, 3 * CALLS as u64);
    }
}
