//! Typed events for the UI, and the task that forwards the engine's events to them (plus the tray
//! status line and a desktop notification when a call waits for approval and the window is
//! hidden).

use core_api::app::approvals::ApprovalView;
use core_api::app::history::WorkspaceSyncView;
use core_api::app::{AppEvent, AppState, CallView, ServerStatus};
use serde::{Deserialize, Serialize};
use specta::Type;
use std::sync::Arc;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_notification::NotificationExt as _;
use tauri_specta::Event;
use tokio::sync::broadcast::error::RecvError;

/// The MCP server's state changed.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct ServerChanged(pub ServerStatus);

/// A tool call finished (any client, the playground, the live check).
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct CallRecorded(pub CallView);

/// A call waits for the user's approval.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct ApprovalRequested(pub ApprovalView);

/// A waiting call was approved, denied or timed out.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct ApprovalResolved {
    pub id: u32,
    /// `approved`, `denied` or `timed_out`.
    pub outcome: String,
}

/// A workspace's request-history sync started, moved on a page, or ended.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct HistorySyncChanged(pub WorkspaceSyncView);

/// Forwards the engine's events to the UI until the app ends. Call after `mount_events`.
pub fn forward<R: Runtime>(app: AppHandle<R>, state: Arc<AppState>) {
    let mut rx = state.subscribe();
    tauri::async_runtime::spawn(async move {
        loop {
            match rx.recv().await {
                Ok(event) => deliver(&app, event),
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => break,
            }
        }
    });
}

fn deliver<R: Runtime>(app: &AppHandle<R>, event: AppEvent) {
    let sent = match event {
        AppEvent::Server(status) => {
            crate::tray::show_status(app, &status);
            ServerChanged(status).emit(app)
        }
        AppEvent::Call(call) => CallRecorded(call).emit(app),
        AppEvent::ApprovalRequested(request) => {
            notify_if_hidden(app, &request);
            ApprovalRequested(request).emit(app)
        }
        AppEvent::ApprovalResolved { id, outcome } => ApprovalResolved { id, outcome }.emit(app),
        AppEvent::HistorySync(sync) => HistorySyncChanged(sync).emit(app),
    };
    if let Err(e) = sent {
        eprintln!("xano-mcp-desktop: could not send an event to the window: {e}");
    }
}

fn notify_if_hidden<R: Runtime>(app: &AppHandle<R>, request: &ApprovalView) {
    let wanted = app
        .try_state::<crate::shell::Shell>()
        .and_then(|s| s.prefs.load().ok())
        .is_none_or(|p| p.notify_approvals);
    let visible = app
        .get_webview_window("main")
        .is_some_and(|w| w.is_visible().unwrap_or(false) && !w.is_minimized().unwrap_or(false));
    if !wanted || visible {
        return;
    }
    let who = request.client_name.as_deref().unwrap_or("An AI app");
    let shown = app
        .notification()
        .builder()
        .title("Approval needed")
        .body(format!(
            "{who} wants to run {} (token “{}”). Open Xano MCP Desktop to approve or deny it.",
            request.tool, request.token_name
        ))
        .show();
    if let Err(e) = shown {
        eprintln!("xano-mcp-desktop: could not show a notification: {e}");
    }
}
