//! The call log the app shows: every tool call the embedded server (and the playground) made,
//! kept in memory for the dashboard and announced to the UI as it happens.
//!
//! It is the server's [`AuditSink`]: the policy hook hands it one [`AuditEvent`] per call,
//! whatever the outcome. Each call also goes to the audit log in the history store (through
//! [`crate::audit::AuditWriter`], shared with the CLI); this one holds the most recent
//! [`RECENT_CALLS`] calls of this run for the dashboard.

use super::AppEvent;
use crate::audit::AuditWriter;
use mcp::policy::{AuditEvent, AuditSink};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use tokio::sync::broadcast;

/// How many calls are kept in memory.
pub const RECENT_CALLS: usize = 1000;

/// How a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    Ok,
    Error,
    /// The policy refused it (tier, workspace, revoked, rate limit, approval denied).
    Denied,
}

/// One Xano request a call made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct XanoRequestView {
    pub method: String,
    pub path: String,
    pub status: Option<u16>,
    pub duration_ms: u32,
}

/// One tool call, as the dashboard and the playground show it (the audit record).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct CallView {
    /// Sequence number in this run; calls read back from the audit log (another process, an
    /// earlier run) have ids from 2^31 up.
    pub id: u32,
    /// Unix milliseconds.
    pub at_ms: i64,
    pub token_name: Option<String>,
    pub client_name: Option<String>,
    /// `http`, `stdio` or `app` (the playground and the live check).
    pub transport: String,
    pub tool: String,
    pub workspace_id: Option<i64>,
    pub arguments: serde_json::Value,
    pub dry_run: bool,
    pub outcome: CallOutcome,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub xano_requests: Vec<XanoRequestView>,
    pub rows_affected: Option<u32>,
    pub duration_ms: u32,
}

/// The in-memory call log and the [`AuditSink`] of the embedded server.
#[derive(Debug)]
pub struct CallLog {
    recent: Mutex<VecDeque<CallView>>,
    next_id: AtomicU32,
    events: broadcast::Sender<AppEvent>,
    audit: Option<std::sync::Arc<AuditWriter>>,
}

impl CallLog {
    pub(crate) fn new(
        events: broadcast::Sender<AppEvent>,
        audit: Option<std::sync::Arc<AuditWriter>>,
    ) -> Self {
        Self {
            recent: Mutex::new(VecDeque::new()),
            next_id: AtomicU32::new(1),
            events,
            audit,
        }
    }

    /// Waits until every call so far is in the audit log (quitting).
    pub fn flush(&self) {
        if let Some(audit) = &self.audit {
            audit.flush();
        }
    }

    /// Records a call and announces it; returns the record.
    pub fn push(&self, event: AuditEvent) -> CallView {
        if let Some(audit) = &self.audit {
            audit.record(event.clone());
        }
        let outcome = match (&event.error, event.denied) {
            (None, _) => CallOutcome::Ok,
            (Some(_), true) => CallOutcome::Denied,
            (Some(_), false) => CallOutcome::Error,
        };
        let view = CallView {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            at_ms: event.at_ms,
            token_name: event.token_name,
            client_name: event.client_name,
            transport: event.transport.to_owned(),
            tool: event.tool,
            workspace_id: event.workspace_id,
            arguments: event.arguments,
            dry_run: event.dry_run,
            outcome,
            error_code: event.error.as_ref().map(|e| e.code.clone()),
            error_message: event.error.as_ref().map(|e| e.message.clone()),
            xano_requests: event
                .xano_calls
                .into_iter()
                .map(|c| XanoRequestView {
                    method: c.method,
                    path: c.path,
                    status: c.status,
                    duration_ms: u32::try_from(c.duration_ms).unwrap_or(u32::MAX),
                })
                .collect(),
            rows_affected: event
                .rows_affected
                .map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
            duration_ms: u32::try_from(event.duration_ms).unwrap_or(u32::MAX),
        };
        {
            let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
            if recent.len() >= RECENT_CALLS {
                recent.pop_front();
            }
            recent.push_back(view.clone());
        }
        let _ = self.events.send(AppEvent::Call(view.clone()));
        view
    }

    /// The calls made at or after `since_ms`, newest first.
    pub fn since(&self, since_ms: i64) -> Vec<CallView> {
        self.recent
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .rev()
            .take_while(|c| c.at_ms >= since_ms)
            .cloned()
            .collect()
    }
}

impl AuditSink for CallLog {
    fn record(&self, event: AuditEvent) {
        self.push(event);
    }
}
