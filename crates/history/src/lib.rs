//! The history store: one SQLite file holding the audit log of MCP tool calls and the synced copy
//! of Xano's request history, with the queries, chart aggregates and exports of the history viewer.
//!
//! What it guarantees:
//! - One [`HistoryStore`] per file, `Send + Sync`, cheap to share behind an `Arc`; WAL mode so the
//!   app and the CLI can use the same file at once; the schema comes from numbered SQL migrations
//!   embedded in the binary.
//! - Retention is bounded by named constants ([`MAX_CALL_RECORDS`], [`CALL_RETENTION_DAYS`]) and
//!   enforced on insert, so the file cannot grow without bound.
//! - Secrets never reach the file: tool arguments are summarised ([`summarize_arguments`]) and
//!   everything stored is masked again on the way in ([`mask`]).
//!
//! - Request history is synced per workspace and branch ([`sync()`]), deduplicated by Xano's id,
//!   resumable after interruptions and rate limits, kept for a retention setting
//!   ([`DEFAULT_REQUEST_RETENTION_DAYS`]), with bodies stored only when asked for (masked).
//! - One filter ([`HistoryFilter`]) drives the table ([`HistoryStore::history_search`]), the
//!   charts ([`HistoryStore::requests_over_time`], [`HistoryStore::endpoint_latency`], ...) and the
//!   exports ([`HistoryStore::export_csv`], [`HistoryStore::export_json`]), over Xano requests, our
//!   MCP calls, or both.
//! - MCP calls link to the synced requests they caused ([`HistoryStore::requests_of_call`],
//!   [`HistoryStore::call_of_request`]) by workspace, verb, path and time.
//! - [`HistoryStore::covers`] says whether a window of time is held completely, so the MCP tools
//!   can answer from the store or go to Xano.
//!
//! What it deliberately does not do: decide policy, talk MCP, schedule syncs, or know where the
//! file lives (the caller passes the path from its `Paths`).

mod calls;
mod charts;
mod endpoint;
mod error;
mod export;
mod link;
pub mod mask;
mod requests;
mod rollup;
mod search;
mod store;
mod summary;
mod sync;

pub use calls::{
    CALL_RETENTION_DAYS, CallActivity, CallOutcomeKind, CallQuery, ClientActivity,
    MAX_CALL_RECORDS, ToolCallRecord, XanoRequestSummary,
};
pub use charts::{
    EXACT_LATENCY_ROWS, EndpointStats, ErrorRate, LatencyBucket, MAX_BUCKETS, StatusCounts,
    TimeBucket,
};
pub use endpoint::{endpoint_pattern, format_time_ms, xano_time_ms};
pub use error::{Error, Result};
pub use export::ExportOptions;
pub use link::LINK_SLACK_MS;
pub use mask::MASK;
pub use requests::{
    CoverageWindow, DEFAULT_REQUEST_RETENTION_DAYS, LATE_ARRIVAL_MARGIN_MS,
    MAX_REQUEST_RETENTION_DAYS, SyncState, mask_headers, mask_uri,
};
pub use search::{
    HistoryFilter, HistoryPage, HistoryRow, HistorySource, RequestDetail, SortKey, SortOrder,
    StatusClass,
};
pub use store::HistoryStore;
pub use summary::{VALUE_MASK, summarize_arguments};
pub use sync::{SYNC_PAGE_SIZE, SyncOptions, SyncProgress, SyncReport, sync};
