//! The dashboard: the server, who is connected, the calls of the last hour (errors counted), and
//! token expiry (warning from two days before).

use super::calls::{CallOutcome, CallView, XanoRequestView};
use super::error::AppResult;
use super::server::{self, BackendKind, ServerStatus};
use super::tokens::{self, TokenStatus, TokenView};
use super::{AppState, now_ms};
use history::{CallOutcomeKind, CallQuery, ToolCallRecord};
use serde::{Deserialize, Serialize};

const HOUR_MS: i64 = 3_600_000;
/// Most calls listed on the dashboard.
const LISTED_CALLS: usize = 50;

/// An AI app seen in the last hour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ConnectedClient {
    /// The name the app gave (`clientInfo.name`), when it gave one.
    pub client_name: Option<String>,
    pub token_name: Option<String>,
    pub last_seen_ms: i64,
    pub calls: u32,
}

/// When the Xano token expires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct XanoTokenExpiry {
    pub profile: String,
    /// Unix seconds.
    pub expires_at: i64,
    pub seconds_left: i64,
    /// `valid`, `expires_soon` (two days or less) or `expired`.
    pub status: String,
    /// "expires in 5 days".
    pub description: String,
}

/// Everything the dashboard shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DashboardView {
    pub server: ServerStatus,
    pub setup_done: bool,
    /// The newest calls of the last hour (at most 50), newest first.
    pub recent_calls: Vec<CallView>,
    pub calls_last_hour: u32,
    pub errors_last_hour: u32,
    pub connected_clients: Vec<ConnectedClient>,
    pub xano_token: Option<XanoTokenExpiry>,
    /// Access tokens that expire within two days or have expired (not revoked).
    pub expiring_tokens: Vec<TokenView>,
    pub pending_approvals: u32,
}

/// The calls of the last hour: how many, how many did not succeed, the apps that made them, and
/// the newest few.
struct LastHour {
    calls: u64,
    unsuccessful: u64,
    clients: Vec<ConnectedClient>,
    recent: Vec<CallView>,
}

/// The last hour from the audit log in the history store, which holds the calls of this run (once
/// the audit writer has them: it is flushed first) and of every other process (stdio clients, the
/// CLI's server, earlier runs). SQLite counts; only the listed calls are decoded. Without the store
/// (it could not be opened), this run's in-memory log stands in.
fn last_hour(app: &AppState, since_ms: i64) -> LastHour {
    if let Some(store) = &app.history {
        app.calls.flush();
        let recent = CallQuery {
            since_ms: Some(since_ms),
            limit: LISTED_CALLS as u32,
            ..CallQuery::default()
        };
        match store
            .call_activity(since_ms)
            .and_then(|a| Ok((a, store.calls(&recent)?)))
        {
            Ok((activity, recent)) => {
                return LastHour {
                    calls: activity.calls,
                    unsuccessful: activity.unsuccessful,
                    clients: connected(activity.clients.into_iter().map(|c| {
                        (
                            c.client_name,
                            c.token_name,
                            c.transport,
                            c.calls,
                            c.last_seen_ms,
                        )
                    })),
                    recent: recent.into_iter().map(view_of_record).collect(),
                };
            }
            Err(e) => tracing::warn!("dashboard: the audit log could not be read: {e}"),
        }
    }
    let calls = app.calls.since(since_ms);
    LastHour {
        calls: calls.len() as u64,
        unsuccessful: calls
            .iter()
            .filter(|c| c.outcome != CallOutcome::Ok)
            .count() as u64,
        clients: connected(calls.iter().map(|c| {
            (
                c.client_name.clone(),
                c.token_name.clone(),
                c.transport.clone(),
                1,
                c.at_ms,
            )
        })),
        recent: calls.into_iter().take(LISTED_CALLS).collect(),
    }
}

/// The AI apps among `(client, token, transport, calls, last seen)` entries, one per client name
/// and token whatever the transport, the most recently seen first. The app's own calls (the
/// playground) are not an AI app.
fn connected(
    entries: impl Iterator<Item = (Option<String>, Option<String>, String, u64, i64)>,
) -> Vec<ConnectedClient> {
    let mut out: Vec<ConnectedClient> = Vec::new();
    for (client_name, token_name, transport, calls, last_seen_ms) in entries {
        if transport == "app" {
            continue;
        }
        let calls = u32::try_from(calls).unwrap_or(u32::MAX);
        match out
            .iter_mut()
            .find(|k| k.client_name == client_name && k.token_name == token_name)
        {
            Some(k) => {
                k.calls = k.calls.saturating_add(calls);
                k.last_seen_ms = k.last_seen_ms.max(last_seen_ms);
            }
            None => out.push(ConnectedClient {
                client_name,
                token_name,
                last_seen_ms,
                calls,
            }),
        }
    }
    out.sort_by_key(|k| std::cmp::Reverse(k.last_seen_ms));
    out
}

/// An audit record as the dashboard shows a call.
fn view_of_record(r: ToolCallRecord) -> CallView {
    let (outcome, dry_run) = match r.outcome {
        CallOutcomeKind::Ok => (CallOutcome::Ok, false),
        CallOutcomeKind::Previewed => (CallOutcome::Ok, true),
        CallOutcomeKind::Failed => (CallOutcome::Error, false),
        CallOutcomeKind::Denied => (CallOutcome::Denied, false),
    };
    CallView {
        // The audit row id (the list's key); ids only grow, so a wrap needs 4 billion calls.
        id: r.id.map_or(0, |id| id as u32),
        at_ms: r.at_ms,
        token_name: r.token_name,
        client_name: r.client_name,
        transport: r.transport,
        tool: r.tool,
        workspace_id: r.workspace_id,
        arguments: r.arguments,
        dry_run,
        outcome,
        error_code: r.error_code,
        error_message: r.error_message,
        xano_requests: r
            .xano_requests
            .into_iter()
            .map(|x| XanoRequestView {
                method: x.method,
                path: x.path,
                status: x.status,
                duration_ms: u32::try_from(x.duration_ms).unwrap_or(u32::MAX),
            })
            .collect(),
        rows_affected: r
            .rows_affected
            .map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
        duration_ms: u32::try_from(r.duration_ms).unwrap_or(u32::MAX),
    }
}

/// The dashboard now. It reads the audit log: call it off the UI thread.
pub fn dashboard(app: &AppState) -> AppResult<DashboardView> {
    let now = now_ms();
    let hour = last_hour(app, now - HOUR_MS);
    let server = server::status(app);
    let xano_token = if server.backend == BackendKind::Xano {
        xano_expiry(app, now / 1000)
    } else {
        None
    };
    let expiring_tokens = tokens::list(app)?
        .into_iter()
        .filter(|t| matches!(t.status, TokenStatus::ExpiresSoon | TokenStatus::Expired))
        .collect();
    Ok(DashboardView {
        setup_done: app.settings().setup_done,
        server,
        calls_last_hour: u32::try_from(hour.calls).unwrap_or(u32::MAX),
        errors_last_hour: u32::try_from(hour.unsuccessful).unwrap_or(u32::MAX),
        recent_calls: hour.recent,
        connected_clients: hour.clients,
        xano_token,
        expiring_tokens,
        pending_approvals: u32::try_from(app.approvals.pending().len()).unwrap_or(u32::MAX),
    })
}

fn xano_expiry(app: &AppState, now_secs: i64) -> Option<XanoTokenExpiry> {
    let active = crate::list_profiles(&app.setup).ok()?.active?;
    let expiry = crate::token_expiry(&app.setup, &active, now_secs).ok()??;
    Some(XanoTokenExpiry {
        profile: active,
        expires_at: expiry.expires_at,
        seconds_left: expiry.seconds_left,
        status: serde_json::to_value(expiry.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        description: expiry.describe(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{EngineSettings, test_call};
    use history::XanoRequestSummary;
    use mcp::policy::AuditEvent;
    use std::collections::HashSet;

    fn app_on(dir: &std::path::Path) -> std::sync::Arc<AppState> {
        crate::app::test_app(
            dir,
            Some(EngineSettings {
                port: 0,
                demo_mode: true,
                setup_done: true,
                ..Default::default()
            }),
        )
    }

    fn stored(at_ms: i64, tool: &str, outcome: CallOutcomeKind) -> ToolCallRecord {
        ToolCallRecord {
            id: None,
            at_ms,
            token_name: Some("claude-desktop".into()),
            client_name: Some("claude-ai".into()),
            client_version: Some("0.9".into()),
            transport: "stdio".into(),
            tool: tool.into(),
            workspace_id: Some(1),
            arguments: serde_json::json!({"table_id": 7}),
            outcome,
            error_code: (outcome == CallOutcomeKind::Failed).then(|| "not_found".into()),
            error_message: None,
            duration_ms: 12,
            xano_requests: vec![XanoRequestSummary {
                method: "GET".into(),
                path: "/workspace/1/table/7/content".into(),
                status: Some(404),
                duration_ms: 10,
            }],
            rows_affected: None,
        }
    }

    #[tokio::test]
    async fn the_last_hour_includes_calls_of_other_processes_once_each() {
        let dir = tempfile::tempdir().expect("dir");
        let app = app_on(dir.path());
        let store = app.history.clone().expect("store");
        let now = now_ms();
        // A stdio client in its own process (or an earlier run of the app) wrote these.
        store
            .insert_call(&stored(
                now - 60_000,
                "getTableContent",
                CallOutcomeKind::Failed,
            ))
            .expect("insert");
        store
            .insert_call(&stored(
                now - 120_000,
                "listTables",
                CallOutcomeKind::Previewed,
            ))
            .expect("insert");
        store
            .insert_call(&stored(
                now - 2 * HOUR_MS,
                "getWorkspaces",
                CallOutcomeKind::Ok,
            ))
            .expect("insert");
        // A call of this run: in memory at once, in the audit log once the writer has it.
        app.calls.push(AuditEvent {
            token_name: Some("cursor".into()),
            rows_affected: Some(1),
            ..test_call(now - 1_000, "addTableContent", "cursor-vscode")
        });
        // The playground's calls count, but the app is not an AI app.
        app.calls
            .push(test_call(now - 500, "listWorkspaces", "Playground"));
        // Read at once: the calls of this run are in, although the writer stores them later.
        let view = dashboard(&app).expect("dashboard");
        let tools: Vec<&str> = view.recent_calls.iter().map(|c| c.tool.as_str()).collect();
        assert_eq!(
            tools,
            [
                "listWorkspaces",
                "addTableContent",
                "getTableContent",
                "listTables"
            ]
        );
        assert_eq!((view.calls_last_hour, view.errors_last_hour), (4, 1));
        let clients: Vec<_> = view
            .connected_clients
            .iter()
            .map(|c| (c.client_name.clone().unwrap_or_default(), c.calls))
            .collect();
        assert_eq!(
            clients,
            [("cursor-vscode".to_owned(), 1), ("claude-ai".to_owned(), 2)],
            "most recently seen first"
        );
        let ids: HashSet<u32> = view.recent_calls.iter().map(|c| c.id).collect();
        assert_eq!(ids.len(), 4, "ids stay unique keys for the list");
        let after_flush = view;
        let failed = &after_flush.recent_calls[2];
        assert_eq!(failed.outcome, CallOutcome::Error);
        assert_eq!(failed.error_code.as_deref(), Some("not_found"));
        assert_eq!(failed.xano_requests[0].status, Some(404));
        assert!(
            after_flush.recent_calls[3].dry_run,
            "a preview reads back as a dry run"
        );
    }

    #[test]
    fn without_the_history_database_the_calls_of_this_run_still_show() {
        let dir = tempfile::tempdir().expect("dir");
        // A folder where the database file should be: it cannot be opened.
        let db = crate::Paths::at(dir.path().join("engine")).history_db();
        std::fs::create_dir_all(&db).expect("block the database");
        let app = app_on(dir.path());
        assert!(app.history.is_none());
        let now = now_ms();
        for (at, client, error) in [
            (now - 3_000, "cursor-vscode", None),
            (now - 2_000, "cursor-vscode", Some("not_found")),
            (now - 1_000, "Playground", None),
        ] {
            app.calls.push(AuditEvent {
                error: error.map(|code| mcp::error::ToolError::new(code, "no such table")),
                ..test_call(at, "getTables", client)
            });
        }
        let view = dashboard(&app).expect("dashboard");
        assert_eq!((view.calls_last_hour, view.errors_last_hour), (3, 1));
        assert_eq!(view.recent_calls.len(), 3);
        assert_eq!(
            view.recent_calls[0].client_name.as_deref(),
            Some("Playground")
        );
        let clients: Vec<_> = view
            .connected_clients
            .iter()
            .map(|c| (c.client_name.as_deref(), c.calls, c.last_seen_ms))
            .collect();
        assert_eq!(clients, [(Some("cursor-vscode"), 2, now - 2_000)]);
    }
}
