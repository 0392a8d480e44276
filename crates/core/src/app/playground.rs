//! The playground: every tool with its input schema (the UI builds a form from it), a preview of
//! a call (the exact Xano requests a write would send and the rows it would touch, nothing
//! changed), and a run with the result and its audit record.
//!
//! Calls run as the app's owner (no access token): the person at the keyboard is the one the
//! tokens protect. Every run is recorded in the call log like any other call (transport `app`).

use super::calls::{CallOutcome, CallView, XanoRequestView};
use super::error::{AppError, AppResult};
use super::server;
use super::tokens::Tier;
use super::{AppState, now_ms};
use mcp::context::{CallCx, Mode};
use mcp::policy::{AuditEvent, DESTRUCTIVE_TOOLS, WRITE_TOOLS};
use mcp::{NoHook, XanoMcpServer};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::time::Instant;

/// A tool and its form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ToolInfo {
    pub name: String,
    pub description: String,
    /// JSON Schema of the arguments.
    pub input_schema: Value,
    pub read_only: bool,
    pub destructive: bool,
    /// The lowest access level that may call it.
    pub min_tier: Tier,
}

/// One request a write would send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PlannedRequest {
    pub method: String,
    /// The full URL (the token is never part of it).
    pub url: String,
    pub body: Option<Value>,
}

/// What a call would do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PreviewView {
    pub tool: String,
    /// The writes it would send (empty for a read).
    pub would_send: Vec<PlannedRequest>,
    /// The reads made to build the preview (a read tool's own requests).
    pub reads_made: Vec<XanoRequestView>,
    /// Rows a write would touch, when known.
    pub rows_affected: Option<u32>,
    pub sample_rows: Vec<Value>,
    pub note: Option<String>,
    /// The raw preview answer.
    pub raw: Value,
}

/// What a run did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct RunView {
    pub ok: bool,
    /// The result as an AI app receives it (capped), or the error body.
    pub result: Value,
    pub error: Option<AppError>,
    /// The audit record of this call.
    pub record: CallView,
}

fn min_tier(name: &str) -> Tier {
    if DESTRUCTIVE_TOOLS.contains(&name) {
        Tier::FullAccess
    } else if WRITE_TOOLS.contains(&name) {
        Tier::ReadWrite
    } else {
        Tier::ReadOnly
    }
}

/// Every tool the playground can run, in the server's order.
pub fn tools() -> Vec<ToolInfo> {
    XanoMcpServer::<NoHook>::all_tools()
        .into_iter()
        .filter(|t| t.name != "previewToolCall")
        .map(|t| {
            let json = serde_json::to_value(&t).unwrap_or(Value::Null);
            let hint = |k: &str| {
                json.get("annotations")
                    .and_then(|a| a.get(k))
                    .and_then(Value::as_bool)
            };
            let name = t.name.to_string();
            ToolInfo {
                description: json
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                input_schema: json.get("inputSchema").cloned().unwrap_or(Value::Null),
                read_only: hint("readOnlyHint").unwrap_or(false),
                destructive: hint("destructiveHint").unwrap_or(false),
                min_tier: min_tier(&name),
                name,
            }
        })
        .collect()
}

fn check_tool(tool: &str) -> AppResult<()> {
    if tools().iter().any(|t| t.name == tool) {
        Ok(())
    } else {
        Err(AppError::invalid(
            "tool",
            format!("There is no tool `{tool}`. Pick one from the list."),
        ))
    }
}

fn arguments(args: Value) -> AppResult<Value> {
    match args {
        Value::Null => Ok(Value::Object(Default::default())),
        Value::Object(mut map) => {
            map.remove("dry_run");
            Ok(Value::Object(map))
        }
        _ => Err(AppError::invalid(
            "arguments",
            "The arguments must be a JSON object, e.g. {\"workspace_id\": 1}.",
        )),
    }
}

/// Previews a call: nothing is changed.
pub async fn preview(app: &AppState, tool: &str, args: Value) -> AppResult<PreviewView> {
    check_tool(tool)?;
    let args = arguments(args)?;
    let engine = server::engine(app).await?;
    let cx = CallCx::new(Mode::Preview, None);
    let raw = mcp::server::dispatch(&engine, &cx, tool, args).await?;
    let would_send = cx
        .planned()
        .into_iter()
        .map(|p| PlannedRequest {
            method: p.method.to_owned(),
            url: p.url,
            body: p.body,
        })
        .collect();
    Ok(PreviewView {
        tool: tool.to_owned(),
        would_send,
        reads_made: cx
            .calls()
            .into_iter()
            .map(|c| XanoRequestView {
                method: c.method,
                path: c.path,
                status: c.status,
                duration_ms: u32::try_from(c.duration_ms).unwrap_or(u32::MAX),
            })
            .collect(),
        rows_affected: raw
            .get("rows_affected")
            .and_then(Value::as_u64)
            .or(cx.rows_affected())
            .map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
        sample_rows: raw
            .get("sample_rows")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
        note: raw.get("note").and_then(Value::as_str).map(str::to_owned),
        raw,
    })
}

/// Runs a call for real and records it.
pub async fn run(app: &AppState, tool: &str, args: Value) -> AppResult<RunView> {
    check_tool(tool)?;
    let args = arguments(args)?;
    let engine = server::engine(app).await?;
    let cx = CallCx::new(Mode::Execute, None);
    let started = Instant::now();
    let result = mcp::server::dispatch(&engine, &cx, tool, args.clone()).await;
    let duration_ms = started.elapsed().as_millis() as u64;
    let record = app.calls.push(AuditEvent {
        at_ms: now_ms() - i64::try_from(duration_ms).unwrap_or(0),
        token_name: None,
        client_name: Some("Playground".to_owned()),
        client_version: None,
        transport: "app",
        workspace_id: args.get("workspace_id").and_then(Value::as_i64),
        tool: tool.to_owned(),
        arguments: args,
        dry_run: false,
        error: result.as_ref().err().cloned(),
        denied: false,
        xano_calls: cx.calls(),
        rows_affected: cx.rows_affected(),
        duration_ms,
    });
    debug_assert!(record.outcome != CallOutcome::Denied);
    Ok(match result {
        Ok(value) => RunView {
            ok: true,
            result: mcp::shaping::cap_output(value, engine.options.output_cap_bytes),
            error: None,
            record,
        },
        Err(e) => RunView {
            ok: false,
            result: e.to_json(),
            error: Some(e.into()),
            record,
        },
    })
}
