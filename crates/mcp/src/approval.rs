//! Approvals: a call whose token policy asks for approval waits until the user decides in the app
//! (DESIGN §4). The user sees the preview of that exact call (the Xano requests it would send and
//! the rows it would touch); the decision resolves that one waiting call, so it is bound to its exact
//! arguments. "Approve similar calls for 10 minutes" approves later calls with the same token, tool,
//! workspace and table for that long. A call nobody decides on times out as denied. Either way the
//! model gets a clear result.

use crate::error::ToolError;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{broadcast, oneshot};

/// How long a call waits for a decision unless configured otherwise.
pub const DEFAULT_APPROVAL_TIMEOUT: Duration = Duration::from_secs(120);

/// A call waiting for the user.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApprovalRequest {
    pub id: u64,
    pub token_name: String,
    pub client_name: Option<String>,
    pub tool: String,
    pub arguments: Value,
    /// The dry run of this exact call: `would_send`, `rows_affected`, `sample_rows`.
    pub preview: Value,
    pub requested_at_ms: i64,
    pub expires_at_ms: i64,
}

/// What the app hears about. (A few events per minute at most, so the size of the larger variant
/// does not matter; keeping it unboxed keeps the app's pattern matching simple.)
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ApprovalEvent {
    Requested(ApprovalRequest),
    /// `outcome`: `approved`, `denied` or `timed_out`.
    Resolved {
        id: u64,
        outcome: String,
    },
}

/// The user's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApprovalDecision {
    Approve,
    /// Approve this call and similar ones (same token, tool, workspace, table) for a while.
    ApproveSimilarFor(Duration),
    Deny,
}

type SimilarKey = (String, String, Option<i64>, Option<String>);

/// Holds waiting calls until the user decides.
#[derive(Debug)]
pub struct ApprovalBroker {
    next_id: AtomicU64,
    timeout: Mutex<Duration>,
    pending: Mutex<HashMap<u64, (ApprovalRequest, oneshot::Sender<ApprovalDecision>)>>,
    similar: Mutex<Vec<(SimilarKey, Instant)>>,
    events: broadcast::Sender<ApprovalEvent>,
}

fn now_ms() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis()),
    )
    .unwrap_or(i64::MAX)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// What makes two calls "similar".
pub fn similar_key(token_name: &str, tool: &str, arguments: &Value) -> SimilarKey {
    let ws = arguments.get("workspace_id").and_then(|v| {
        v.as_i64().or_else(|| {
            v.as_str().and_then(|s| {
                s.trim_start_matches(|c: char| c.is_ascii_alphabetic() || c == '_')
                    .parse()
                    .ok()
            })
        })
    });
    let table = arguments.get("table_id").map(|v| v.to_string());
    (token_name.to_owned(), tool.to_owned(), ws, table)
}

impl ApprovalBroker {
    pub fn new(timeout: Duration) -> std::sync::Arc<Self> {
        let (events, _) = broadcast::channel(256);
        std::sync::Arc::new(Self {
            next_id: AtomicU64::new(1),
            timeout: Mutex::new(timeout),
            pending: Mutex::new(HashMap::new()),
            similar: Mutex::new(Vec::new()),
            events,
        })
    }

    /// Changes how long calls wait (settings).
    pub fn set_timeout(&self, timeout: Duration) {
        *lock(&self.timeout) = timeout;
    }

    /// Events as calls arrive and are resolved.
    pub fn subscribe(&self) -> broadcast::Receiver<ApprovalEvent> {
        self.events.subscribe()
    }

    /// The calls waiting now, oldest first.
    pub fn pending(&self) -> Vec<ApprovalRequest> {
        let mut list: Vec<ApprovalRequest> = lock(&self.pending)
            .values()
            .map(|(r, _)| r.clone())
            .collect();
        list.sort_by_key(|r| r.id);
        list
    }

    /// Decides a waiting call; false when it is no longer waiting.
    pub fn decide(&self, id: u64, decision: ApprovalDecision) -> bool {
        let Some((request, tx)) = lock(&self.pending).remove(&id) else {
            return false;
        };
        if let ApprovalDecision::ApproveSimilarFor(d) = decision {
            lock(&self.similar).push((
                similar_key(&request.token_name, &request.tool, &request.arguments),
                Instant::now() + d,
            ));
        }
        let outcome = if decision == ApprovalDecision::Deny {
            "denied"
        } else {
            "approved"
        };
        let _ = self.events.send(ApprovalEvent::Resolved {
            id,
            outcome: outcome.into(),
        });
        tx.send(decision).is_ok()
    }

    /// Waits for the user's decision on a call. `Ok` = go ahead.
    pub async fn ask(
        &self,
        token_name: &str,
        client_name: Option<String>,
        tool: &str,
        arguments: &Value,
        preview: Value,
    ) -> Result<(), ToolError> {
        let key = similar_key(token_name, tool, arguments);
        {
            let mut similar = lock(&self.similar);
            let now = Instant::now();
            similar.retain(|(_, until)| *until > now);
            if similar.iter().any(|(k, _)| *k == key) {
                return Ok(());
            }
        }
        let timeout = *lock(&self.timeout);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let now = now_ms();
        let request = ApprovalRequest {
            id,
            token_name: token_name.to_owned(),
            client_name,
            tool: tool.to_owned(),
            arguments: arguments.clone(),
            preview,
            requested_at_ms: now,
            expires_at_ms: now + i64::try_from(timeout.as_millis()).unwrap_or(i64::MAX),
        };
        let (tx, rx) = oneshot::channel();
        lock(&self.pending).insert(id, (request.clone(), tx));
        let _ = self.events.send(ApprovalEvent::Requested(request));
        match tokio::time::timeout(timeout, rx).await {
            Ok(Ok(ApprovalDecision::Deny)) => Err(ToolError::new(
                "declined_by_user",
                format!(
                    "The user declined this `{tool}` call in Xano MCP Desktop. Do not retry it unchanged; ask the user what they want instead."
                ),
            )),
            Ok(Ok(_)) => Ok(()),
            Ok(Err(_)) => Err(ToolError::new(
                "declined_by_user",
                "The approval was withdrawn (the app closed). Nothing was changed.",
            )),
            Err(_) => {
                lock(&self.pending).remove(&id);
                let _ = self.events.send(ApprovalEvent::Resolved {
                    id,
                    outcome: "timed_out".into(),
                });
                Err(ToolError::new(
                    "approval_timed_out",
                    format!(
                        "Nobody approved this `{tool}` call within {} s, so it was not run and nothing changed. Ask the user to open Xano MCP Desktop and approve it, then call again.",
                        timeout.as_secs()
                    ),
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::sync::Arc;

    async fn wait_for_request(rx: &mut broadcast::Receiver<ApprovalEvent>) -> ApprovalRequest {
        loop {
            if let ApprovalEvent::Requested(r) = rx.recv().await.expect("event") {
                return r;
            }
        }
    }

    #[tokio::test]
    async fn a_call_waits_for_the_decision_on_its_own_arguments() {
        let broker = ApprovalBroker::new(Duration::from_secs(30));
        let mut events = broker.subscribe();
        let b = broker.clone();
        let call = tokio::spawn(async move {
            b.ask(
                "cursor",
                None,
                "deleteTable",
                &json!({"workspace_id": 1, "table_id": 7}),
                json!({"rows_affected": 3}),
            )
            .await
        });
        let req = wait_for_request(&mut events).await;
        assert_eq!(req.arguments, json!({"workspace_id": 1, "table_id": 7}));
        assert_eq!(broker.pending().len(), 1);
        assert!(broker.decide(req.id, ApprovalDecision::Approve));
        call.await.expect("join").expect("approved");
        assert!(
            !broker.decide(req.id, ApprovalDecision::Approve),
            "a decision applies once"
        );

        let b = broker.clone();
        let call = tokio::spawn(async move {
            b.ask(
                "cursor",
                None,
                "deleteTable",
                &json!({"workspace_id": 1, "table_id": 8}),
                Value::Null,
            )
            .await
        });
        let req = wait_for_request(&mut events).await;
        broker.decide(req.id, ApprovalDecision::Deny);
        assert_eq!(
            call.await.expect("join").expect_err("denied").code,
            "declined_by_user"
        );
    }

    #[tokio::test]
    async fn similar_calls_pass_for_a_while_and_undecided_ones_time_out() {
        let broker: Arc<ApprovalBroker> = ApprovalBroker::new(Duration::from_millis(50));
        let err = broker
            .ask(
                "t",
                None,
                "deleteTable",
                &json!({"workspace_id": 1}),
                Value::Null,
            )
            .await
            .expect_err("timeout");
        assert_eq!(err.code, "approval_timed_out");
        assert!(broker.pending().is_empty());

        broker.set_timeout(Duration::from_secs(30));
        let mut events = broker.subscribe();
        let b = broker.clone();
        let call = tokio::spawn(async move {
            b.ask(
                "t",
                None,
                "patchTableContentBulk",
                &json!({"workspace_id": 1, "table_id": 2}),
                Value::Null,
            )
            .await
        });
        let req = wait_for_request(&mut events).await;
        broker.decide(
            req.id,
            ApprovalDecision::ApproveSimilarFor(Duration::from_secs(600)),
        );
        call.await.expect("join").expect("approved");
        broker
            .ask(
                "t",
                None,
                "patchTableContentBulk",
                &json!({"workspace_id": 1, "table_id": 2, "updates": []}),
                Value::Null,
            )
            .await
            .expect("similar passes without asking");
        assert!(broker.pending().is_empty());
    }
}
