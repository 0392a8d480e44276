//! The synced request history as the MCP tools' [`LocalHistory`]: the history tools read it when
//! it holds the whole asked window.

use history::{HistoryFilter, HistorySource, HistoryStore, SortKey, SortOrder};
use mcp::local_history::LocalHistory;
use serde_json::json;
use std::sync::Arc;
use xano::types::RequestHistoryItem;

/// Rows read per query when collecting a window.
const PAGE: u32 = 5_000;

/// The history database, seen by the MCP tools of an engine whose Xano client uses `branch`.
///
/// The tools read the copy of the branch their client asks Xano about (`None`: the requests
/// Xano returns without a `branch` parameter), so a synced answer and a live one agree.
#[derive(Debug, Clone)]
pub struct SyncedHistory {
    store: Arc<HistoryStore>,
    branch: Option<String>,
}

impl SyncedHistory {
    /// The copy of `branch` (blank = none) in `store`.
    pub fn new(store: Arc<HistoryStore>, branch: Option<String>) -> Self {
        Self {
            store,
            branch: branch
                .map(|b| b.trim().to_owned())
                .filter(|b| !b.is_empty()),
        }
    }
}

impl LocalHistory for SyncedHistory {
    fn covers(&self, workspace_id: i64, start_ms: i64, end_ms: i64) -> bool {
        self.store
            .covers(workspace_id, self.branch.as_deref(), start_ms, end_ms)
            .unwrap_or(false)
    }

    fn items(&self, workspace_id: i64, start_ms: i64, end_ms: i64) -> Vec<RequestHistoryItem> {
        let mut out = Vec::new();
        let mut offset = 0u32;
        loop {
            let filter = HistoryFilter {
                workspace_id: Some(workspace_id),
                branch: self.branch.clone(),
                since_ms: Some(start_ms),
                until_ms: Some(end_ms),
                source: HistorySource::Xano,
                sort: SortKey::Time,
                order: SortOrder::Desc,
                limit: PAGE,
                offset,
                ..HistoryFilter::default()
            };
            let Ok(page) = self.store.history_search(&filter) else {
                break;
            };
            let n = page.rows.len() as u32;
            out.extend(page.rows.into_iter().filter_map(|r| {
                serde_json::from_value(json!({
                    "id": r.id,
                    "created_at": r.at_ms,
                    "duration": r.duration_ms / 1000.0,
                    "status": r.status,
                    "verb": r.verb,
                    "uri": r.uri,
                    "workspace_id": r.workspace_id,
                    "api_id": r.api_group_id,
                    "query_id": r.query_id,
                }))
                .ok()
            }));
            if n < PAGE {
                break;
            }
            offset += n;
        }
        out
    }
}
