//! The audit log writer: every MCP call (allowed, denied, failed, previewed) becomes a
//! `history::ToolCallRecord`, with its arguments summarised (row values and secrets masked).
//!
//! Records are written by one background thread so a tool call never waits on SQLite; `flush`
//! waits until everything sent so far is stored, and dropping the last handle drains the queue, so
//! no record is lost at shutdown.

use history::{
    CallOutcomeKind, HistoryStore, ToolCallRecord, XanoRequestSummary, summarize_arguments,
};
use mcp::policy::{AuditEvent, AuditSink};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

enum Message {
    Record(Box<ToolCallRecord>),
    Flush(Sender<()>),
}

/// Writes audit records to a history store.
pub struct AuditWriter {
    tx: Mutex<Option<Sender<Message>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl std::fmt::Debug for AuditWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditWriter").finish_non_exhaustive()
    }
}

/// The record of one call, as the audit log keeps it.
pub fn record_of(event: AuditEvent) -> ToolCallRecord {
    let outcome = match (&event.error, event.denied, event.dry_run) {
        (Some(_), true, _) => CallOutcomeKind::Denied,
        (Some(_), false, _) => CallOutcomeKind::Failed,
        (None, _, true) => CallOutcomeKind::Previewed,
        (None, _, false) if event.tool == "previewToolCall" => CallOutcomeKind::Previewed,
        (None, _, false) => CallOutcomeKind::Ok,
    };
    ToolCallRecord {
        id: None,
        at_ms: event.at_ms,
        token_name: event.token_name,
        client_name: event.client_name,
        client_version: event.client_version,
        transport: event.transport.to_owned(),
        arguments: summarize_arguments(&event.tool, &event.arguments),
        tool: event.tool,
        workspace_id: event.workspace_id,
        outcome,
        error_code: event.error.as_ref().map(|e| e.code.clone()),
        error_message: event.error.map(|e| e.message),
        duration_ms: event.duration_ms,
        xano_requests: event
            .xano_calls
            .into_iter()
            .map(|c| XanoRequestSummary {
                method: c.method,
                path: c.path,
                status: c.status,
                duration_ms: c.duration_ms,
            })
            .collect(),
        rows_affected: event.rows_affected,
    }
}

impl AuditWriter {
    /// Starts the writer thread.
    pub fn start(store: Arc<HistoryStore>) -> Arc<Self> {
        let (tx, rx) = channel::<Message>();
        let thread = std::thread::Builder::new()
            .name("audit-writer".into())
            .spawn(move || {
                for message in rx {
                    match message {
                        Message::Record(record) => {
                            if let Err(e) = store.insert_call(&record) {
                                tracing::error!(
                                    "could not write the audit record of {}: {e}",
                                    record.tool
                                );
                            }
                        }
                        Message::Flush(done) => {
                            let _ = done.send(());
                        }
                    }
                }
            })
            .ok();
        Arc::new(Self {
            tx: Mutex::new(Some(tx)),
            thread: Mutex::new(thread),
        })
    }

    /// Waits until every record sent so far is stored.
    pub fn flush(&self) {
        let (done_tx, done_rx) = channel();
        let sent = self
            .tx
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .is_some_and(|tx| tx.send(Message::Flush(done_tx)).is_ok());
        if sent {
            let _ = done_rx.recv();
        }
    }

    /// Stores everything queued and stops the thread.
    pub fn close(&self) {
        drop(self.tx.lock().unwrap_or_else(|p| p.into_inner()).take());
        if let Some(t) = self.thread.lock().unwrap_or_else(|p| p.into_inner()).take() {
            let _ = t.join();
        }
    }
}

impl Drop for AuditWriter {
    fn drop(&mut self) {
        self.close();
    }
}

impl AuditSink for AuditWriter {
    fn record(&self, event: AuditEvent) {
        let record = record_of(event);
        if let Some(tx) = self.tx.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            let _ = tx.send(Message::Record(Box::new(record)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mcp::ToolError;
    use serde_json::json;

    fn event(tool: &str, error: Option<ToolError>, denied: bool) -> AuditEvent {
        AuditEvent {
            at_ms: 1_000,
            token_name: Some("cursor".into()),
            client_name: Some("Cursor".into()),
            client_version: Some("1.0".into()),
            transport: "http",
            workspace_id: Some(1),
            tool: tool.into(),
            arguments: json!({"workspace_id": 1, "table_id": "customers", "record": {"email": "ada@example.com", "password": "hunter2"}}),
            dry_run: false,
            error,
            denied,
            xano_calls: vec![],
            rows_affected: Some(1),
            duration_ms: 12,
        }
    }

    #[test]
    fn every_outcome_is_stored_with_masked_arguments() {
        let store = Arc::new(HistoryStore::open_in_memory().expect("store"));
        let writer = AuditWriter::start(store.clone());
        writer.record(event("addTableContent", None, false));
        writer.record(event(
            "addTableContent",
            Some(ToolError::new("tool_not_allowed", "no")),
            true,
        ));
        writer.record(event(
            "addTableContent",
            Some(ToolError::new("xano_server_error", "boom")),
            false,
        ));
        writer.flush();
        let calls = store.calls(&history::CallQuery::default()).expect("calls");
        let outcomes: Vec<CallOutcomeKind> = calls.iter().map(|c| c.outcome).collect();
        assert_eq!(calls.len(), 3);
        for kind in [
            CallOutcomeKind::Ok,
            CallOutcomeKind::Denied,
            CallOutcomeKind::Failed,
        ] {
            assert!(outcomes.contains(&kind), "{outcomes:?}");
        }
        let text = serde_json::to_string(&calls).expect("json");
        assert!(
            !text.contains("hunter2") && !text.contains("ada@example.com"),
            "{text}"
        );
    }
}
