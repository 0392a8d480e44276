//! The tool surface driven by a real rmcp client over an in-process transport, against `xano-sim`
//! seed data. Expected answers are computed in the tests from the double's own rows, and the Xano
//! requests the double recorded are checked.

mod applied_writes;
mod approvals;
mod dry_run;
mod faults;
mod history_summary;
mod local_history;
mod partial_writes;
mod progress;
mod properties;
mod reads;
mod schemas;
mod seed_examples;
mod support;

use mcp::{Engine, EngineOptions, XanoMcpServer};
use rmcp::model::{
    CallToolRequestParams, CallToolResult, NumberOrString, ProgressNotificationParam,
    ProgressToken, RequestParamsMeta,
};
use rmcp::service::{NotificationContext, RunningService};
use rmcp::{ClientHandler, RoleClient, ServiceExt};
use serde_json::{Map, Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use xano::{ClientOptions, MetaBase, RetryPolicy, XanoClient, XanoToken};
use xano_sim::{SimConfig, XanoSim, demo};

pub const WS: i64 = demo::WORKSPACE_ID;

/// The test client: it records progress notifications and lets a test wait for one (they are
/// sent by their own task, so one can arrive after the call's answer).
pub type Client = support::ProgressWatcher;

#[allow(missing_debug_implementations)]
pub struct Harness {
    pub sim: XanoSim,
    pub client: RunningService<RoleClient, Client>,
    pub handler: Client,
}

pub fn retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 12,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(4),
        max_retry_after: Duration::from_secs(5),
    }
}

pub async fn harness_with(options: EngineOptions) -> Harness {
    support::harness_as(SimConfig::demo(), xano_sim::DEMO_TOKEN, options).await
}

pub async fn harness() -> Harness {
    harness_with(EngineOptions::default()).await
}

impl Harness {
    /// Calls a tool; returns the raw result.
    pub async fn call_raw(&self, tool: &str, args: Value) -> CallToolResult {
        let mut params = CallToolRequestParams::new(tool.to_owned());
        if let Value::Object(map) = args {
            params = params.with_arguments(map);
        }
        params.set_progress_token(ProgressToken(NumberOrString::Number(1)));
        self.client
            .call_tool(params)
            .await
            .expect("tools/call answered")
    }

    /// Calls a tool that must succeed; returns its structured content, after checking the text copy.
    pub async fn call(&self, tool: &str, args: Value) -> Value {
        let r = self.call_raw(tool, args.clone()).await;
        assert_ne!(r.is_error, Some(true), "{tool} {args} failed: {r:?}");
        let structured = r.structured_content.clone().expect("structured content");
        let text = r
            .content
            .first()
            .and_then(|c| c.as_text())
            .map(|t| t.text.clone())
            .expect("text copy");
        assert_eq!(
            serde_json::from_str::<Value>(&text).expect("text is JSON"),
            structured,
            "text copy equals structured content"
        );
        structured
    }

    /// Calls a tool that must fail; returns its error object.
    pub async fn call_err(&self, tool: &str, args: Value) -> Value {
        let r = self.call_raw(tool, args.clone()).await;
        assert_eq!(r.is_error, Some(true), "{tool} {args} should fail: {r:?}");
        r.structured_content.expect("structured error")["error"].clone()
    }

    pub fn table(&self, name: &str) -> i64 {
        self.sim.table_id(WS, name).expect("table")
    }

    /// The recorded requests that change something.
    pub fn writes(&self) -> Vec<xano_sim::RecordedRequest> {
        self.sim
            .requests()
            .into_iter()
            .filter(|r| {
                r.method != "GET"
                    && !r.path.ends_with("/search")
                    && !r.path.ends_with("/request_history/search")
            })
            .collect()
    }
}

pub fn ids(items: &Value) -> Vec<i64> {
    items
        .as_array()
        .expect("items")
        .iter()
        .map(|r| r["id"].as_i64().expect("id"))
        .collect()
}

pub fn row_ids(rows: &[Map<String, Value>]) -> Vec<i64> {
    rows.iter().map(|r| r["id"].as_i64().expect("id")).collect()
}

pub fn ms(date: &str) -> i64 {
    let d = time::Date::parse(
        date,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .expect("date");
    d.midnight().assume_utc().unix_timestamp() * 1000
}

pub fn obj(v: Value) -> Map<String, Value> {
    v.as_object().cloned().expect("object")
}
