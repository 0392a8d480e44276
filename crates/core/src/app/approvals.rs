//! Approvals from the app: the calls waiting for the user (with the preview of that exact call)
//! and the user's decision. The waiting itself is `mcp::approval`'s; this is its UI face.

use super::AppState;
use super::error::{AppError, AppResult};
use mcp::approval::{ApprovalDecision, ApprovalRequest};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::time::Duration;

/// How long "approve similar calls" lasts.
pub const SIMILAR_WINDOW: Duration = Duration::from_secs(10 * 60);

/// A call waiting for the user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ApprovalView {
    pub id: u32,
    pub token_name: String,
    pub client_name: Option<String>,
    pub tool: String,
    pub arguments: Value,
    /// The dry run of this call: `would_send`, `rows_affected`, `sample_rows`.
    pub preview: Value,
    pub requested_at_ms: i64,
    pub expires_at_ms: i64,
}

impl From<ApprovalRequest> for ApprovalView {
    fn from(r: ApprovalRequest) -> Self {
        Self {
            id: u32::try_from(r.id).unwrap_or(u32::MAX),
            token_name: r.token_name,
            client_name: r.client_name,
            tool: r.tool,
            arguments: r.arguments,
            preview: r.preview,
            requested_at_ms: r.requested_at_ms,
            expires_at_ms: r.expires_at_ms,
        }
    }
}

/// The user's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    /// Approve this call and similar ones (same token, tool, workspace, table) for 10 minutes.
    ApproveSimilar,
    Deny,
}

/// The calls waiting now, oldest first.
pub fn pending(app: &AppState) -> Vec<ApprovalView> {
    app.approvals
        .pending()
        .into_iter()
        .map(Into::into)
        .collect()
}

/// Decides a waiting call.
pub fn decide(app: &AppState, id: u32, decision: Decision) -> AppResult<Vec<ApprovalView>> {
    let decision = match decision {
        Decision::Approve => ApprovalDecision::Approve,
        Decision::ApproveSimilar => ApprovalDecision::ApproveSimilarFor(SIMILAR_WINDOW),
        Decision::Deny => ApprovalDecision::Deny,
    };
    if !app.approvals.decide(u64::from(id), decision) {
        return Err(AppError::ApprovalNotFound {
            id,
            message: "This call is no longer waiting: it was already decided, timed out, or the AI app gave up. Nothing more to do.".to_owned(),
        });
    }
    Ok(pending(app))
}
