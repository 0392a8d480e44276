//! The per-call context every tool runs with: whether it executes or only previews, where progress
//! goes, and the record of the Xano requests it made (for the audit log) or would make (for the
//! preview).

use crate::error::{ToolResult, write_failed};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use xano::{RequestPreview, XanoClient, XanoRequest};

/// Execute the call, or only show what it would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Execute,
    /// Reads still run (to resolve names and count the rows a write would touch); writes are
    /// collected, not sent.
    Preview,
}

/// One Xano request a call made.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct XanoCall {
    pub method: String,
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    pub duration_ms: u64,
}

/// Receives progress: (done, total if known, message).
pub type ProgressFn = Arc<dyn Fn(f64, Option<f64>, String) + Send + Sync>;

/// The context of one tool call.
pub struct CallCx {
    pub mode: Mode,
    progress: Option<ProgressFn>,
    calls: Mutex<Vec<XanoCall>>,
    planned: Mutex<Vec<RequestPreview>>,
    rows_affected: Mutex<Option<u64>>,
}

impl std::fmt::Debug for CallCx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallCx")
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

impl CallCx {
    pub fn new(mode: Mode, progress: Option<ProgressFn>) -> Self {
        Self {
            mode,
            progress,
            calls: Mutex::new(Vec::new()),
            planned: Mutex::new(Vec::new()),
            rows_affected: Mutex::new(None),
        }
    }

    pub fn is_preview(&self) -> bool {
        self.mode == Mode::Preview
    }

    /// Reports progress to the client, when it asked for it.
    pub fn progress(&self, done: f64, total: Option<f64>, message: impl Into<String>) {
        if let Some(p) = &self.progress {
            p(done, total, message.into());
        }
    }

    /// Sends a request that changes nothing, in either mode.
    pub async fn read<T: DeserializeOwned>(
        &self,
        client: &XanoClient,
        req: &XanoRequest,
    ) -> ToolResult<T> {
        Ok(self.send(client, req).await?)
    }

    /// Sends a write, or in preview mode records it and returns `None`. `what` names the change for
    /// the "was anything applied" part of an error.
    pub async fn write<T: DeserializeOwned>(
        &self,
        client: &XanoClient,
        req: &XanoRequest,
        what: &str,
    ) -> ToolResult<Option<T>> {
        if self.is_preview() {
            self.lock_planned().push(client.preview(req));
            return Ok(None);
        }
        match self.send(client, req).await {
            Ok(v) => Ok(Some(v)),
            Err(e) => Err(write_failed(e, what)),
        }
    }

    async fn send<T: DeserializeOwned>(
        &self,
        client: &XanoClient,
        req: &XanoRequest,
    ) -> xano::Result<T> {
        let started = Instant::now();
        let result = client.send::<T>(req).await;
        let call = XanoCall {
            method: req.method.as_str().to_owned(),
            path: req.display_path(),
            status: match &result {
                Ok(_) => Some(200),
                Err(e) => e.status(),
            },
            error_code: result.as_ref().err().map(|e| e.code().to_owned()),
            duration_ms: started.elapsed().as_millis() as u64,
        };
        self.calls
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(call);
        result
    }

    fn lock_planned(&self) -> std::sync::MutexGuard<'_, Vec<RequestPreview>> {
        self.planned.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Records how many rows the call changed (or would change).
    pub fn set_rows_affected(&self, n: u64) {
        *self.rows_affected.lock().unwrap_or_else(|p| p.into_inner()) = Some(n);
    }

    pub fn rows_affected(&self) -> Option<u64> {
        *self.rows_affected.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The Xano requests made so far.
    pub fn calls(&self) -> Vec<XanoCall> {
        self.calls.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The writes a preview collected.
    pub fn planned(&self) -> Vec<RequestPreview> {
        self.lock_planned().clone()
    }

    /// The preview answer of a write tool: what would be sent, and the rows it would touch.
    pub fn preview_result(
        &self,
        tool: &str,
        affected: Option<(u64, Vec<Value>)>,
        note: Option<String>,
    ) -> Value {
        let mut out = serde_json::json!({
            "dry_run": true,
            "tool": tool,
            "would_send": self.planned(),
            "reads_made_for_preview": self.calls(),
            "changed_nothing": true,
        });
        if let Some((count, sample)) = affected {
            out["rows_affected"] = Value::from(count);
            out["sample_rows"] = Value::Array(sample);
        }
        if let Some(note) = note {
            out["note"] = Value::String(note);
        }
        out
    }
}
