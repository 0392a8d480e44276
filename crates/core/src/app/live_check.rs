//! The wizard's last step: one real MCP call through the running server, the way an AI app makes
//! it (Streamable HTTP on loopback, a bearer token, `initialize`, `tools/list`, `tools/call`).
//!
//! It uses a short-lived Read Only token made for the check and deleted right after, so no secret
//! outlives it.

use super::error::{AppError, AppResult};
use super::server::{self, ServerState};
use super::{AppState, now_ms};
use rmcp::ServiceExt;
use rmcp::model::{CallToolRequestParams, ClientCapabilities, ClientConfig, Implementation};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::time::Instant;
use vault::{AccessTier, ApprovalPolicy, NewLocalToken};

/// The name of the token the check uses (deleted after).
const CHECK_TOKEN: &str = "app-live-check";

/// What the check saw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct LiveCheckView {
    pub url: String,
    /// Tools a Read Only client sees.
    pub tools_listed: u32,
    /// The tool called: `listWorkspaces`.
    pub tool: String,
    /// In words, e.g. "2 workspaces: Acme Store, Marketing Site".
    pub summary: String,
    pub result: Value,
    pub duration_ms: u32,
}

/// Calls `listWorkspaces` through the server as an AI app would.
pub async fn live_check(app: &AppState) -> AppResult<LiveCheckView> {
    let status = server::status(app);
    let url = match (&status.state, &status.url) {
        (ServerState::Running, Some(url)) => url.clone(),
        _ => {
            return Err(status.error.clone().unwrap_or(AppError::ServerNotRunning {
                message: "The MCP server is not running, so AI apps cannot reach it. Finish the setup (or try the demo), then check again.".to_owned(),
            }));
        }
    };
    drop_token(app, CHECK_TOKEN);
    let now = now_ms();
    let (token, _) = app.tokens.create(
        &NewLocalToken {
            name: CHECK_TOKEN.to_owned(),
            tier: AccessTier::ReadOnly,
            workspaces: vec![],
            tables: None,
            expires_at_ms: Some(now + 10 * 60_000),
            approval: ApprovalPolicy::Off,
            rate_limit_per_minute: None,
        },
        now,
    )?;
    let result = call(&url, &token).await;
    drop_token(app, CHECK_TOKEN);
    result
}

/// Revokes and deletes a token (the store only deletes revoked ones).
pub(crate) fn drop_token(app: &AppState, name: &str) {
    let _ = app.tokens.revoke(name, now_ms());
    let _ = app.tokens.forget(name);
}

async fn call(url: &str, token: &str) -> AppResult<LiveCheckView> {
    let started = Instant::now();
    let unreachable = |what: &str, e: String| AppError::ServerNotRunning {
        message: format!(
            "The MCP server at {url} did not answer {what} ({e}). Press Restart on the dashboard; if it keeps failing, pick another port in Settings."
        ),
    };
    let transport = StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(url.to_owned()).auth_header(token.to_owned()),
    );
    let info = ClientConfig::new(
        ClientCapabilities::default(),
        Implementation::new("Xano MCP Desktop live check", env!("CARGO_PKG_VERSION")),
    );
    let client = info
        .serve(transport)
        .await
        .map_err(|e| unreachable("the MCP handshake", e.to_string()))?;
    let tools = client
        .list_all_tools()
        .await
        .map_err(|e| unreachable("tools/list", e.to_string()))?;
    let answer = client
        .call_tool(CallToolRequestParams::new("listWorkspaces"))
        .await
        .map_err(|e| unreachable("tools/call", e.to_string()));
    let _ = client.cancel().await;
    let answer = answer?;
    let result = answer.structured_content.clone().unwrap_or(Value::Null);
    if answer.is_error == Some(true) {
        let message = result
            .pointer("/error/message")
            .and_then(Value::as_str)
            .unwrap_or("the tool failed")
            .to_owned();
        return Err(AppError::ToolFailed {
            tool_code: result
                .pointer("/error/code")
                .and_then(Value::as_str)
                .unwrap_or("tool_error")
                .to_owned(),
            argument: None,
            message: format!("The server answered, but listWorkspaces failed: {message}"),
        });
    }
    let names: Vec<String> = result
        .get("workspaces")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(|w| w.get("name").and_then(Value::as_str).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let summary = match names.len() {
        0 => "Connected; Xano lists no workspace for this token.".to_owned(),
        1 => format!("1 workspace: {}", names[0]),
        n => format!("{n} workspaces: {}", names.join(", ")),
    };
    Ok(LiveCheckView {
        url: url.to_owned(),
        tools_listed: u32::try_from(tools.len()).unwrap_or(u32::MAX),
        tool: "listWorkspaces".to_owned(),
        summary,
        result,
        duration_ms: u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX),
    })
}
