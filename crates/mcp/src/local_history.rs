//! The synced request history (DESIGN §6): Xano keeps about a day, the app keeps a local copy.
//! The history tools read the local copy when it holds the whole asked window, and Xano otherwise,
//! and say which (`"source": "local"` or `"xano"`).

use xano::types::RequestHistoryItem;

/// A local store of a workspace's Xano request history.
pub trait LocalHistory: Send + Sync + 'static {
    /// Whether every request of `[start_ms, end_ms)` of the workspace is stored.
    fn covers(&self, workspace_id: i64, start_ms: i64, end_ms: i64) -> bool;
    /// The stored requests of `[start_ms, end_ms)`, newest first, as Xano's items.
    fn items(&self, workspace_id: i64, start_ms: i64, end_ms: i64) -> Vec<RequestHistoryItem>;
}
