//! A lean MCP client over Streamable HTTP (protocol 2025-11-25, the version rmcp and today's AI
//! clients negotiate): `initialize`, `notifications/initialized`, then `tools/call` with the
//! session id, answers read from the SSE stream (or a JSON body).
//!
//! Why not the rmcp client for the numbers: on two cores the load generator shares the CPU with
//! the server, so every microsecond the client spends is a microsecond the server loses. This
//! client does the minimum a conforming client must (one POST per call, parse the answer), so what
//! is measured is the server. The rmcp client is measured too, as a reference row.

use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Value, json};
use std::time::Duration;

/// The protocol version this client speaks.
pub const PROTOCOL_VERSION: &str = "2025-11-25";

/// What one `tools/call` came back with.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// A result; `is_error` when the tool reported a failure (`isError: true`).
    Result { is_error: bool, result: Value },
    /// A JSON-RPC error (the request could not be routed).
    RpcError(Value),
}

impl Answer {
    pub fn is_ok(&self) -> bool {
        matches!(
            self,
            Answer::Result {
                is_error: false,
                ..
            }
        )
    }

    /// The structured content of a result.
    pub fn structured(&self) -> Option<&Value> {
        match self {
            Answer::Result { result, .. } => result.get("structuredContent"),
            Answer::RpcError(_) => None,
        }
    }
}

/// One MCP session over HTTP, with its own connection.
#[derive(Debug, Clone)]
pub struct McpHttp {
    http: reqwest::Client,
    url: String,
    auth: String,
    session: String,
    next_id: u64,
}

/// A connection pool of one keep-alive connection, Nagle off, as an AI client process has.
pub fn http_client() -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .tcp_nodelay(true)
        .pool_max_idle_per_host(1)
        .http1_only()
        .timeout(Duration::from_secs(120))
        .build()
        .context("cannot build an HTTP client")
}

/// The JSON-RPC message with `id` in an SSE stream or a JSON body.
pub fn find_message(content_type: &str, body: &[u8], id: u64) -> Result<Value> {
    let matches = |v: &Value| v.get("id").and_then(Value::as_u64) == Some(id);
    if content_type.starts_with("application/json") {
        let v: Value = serde_json::from_slice(body).context("the JSON answer does not parse")?;
        if matches(&v) {
            return Ok(v);
        }
        bail!("the JSON answer is not for request {id}: {v}");
    }
    let text = std::str::from_utf8(body).context("the SSE stream is not UTF-8")?;
    // Events are separated by a blank line; the data of one event may span several lines.
    for event in text.split("\n\n") {
        let data: Vec<&str> = event
            .lines()
            .filter_map(|l| l.strip_prefix("data:"))
            .map(|d| d.strip_prefix(' ').unwrap_or(d))
            .collect();
        if data.is_empty() {
            continue;
        }
        let joined = data.join("\n");
        if let Ok(v) = serde_json::from_str::<Value>(&joined)
            && matches(&v)
        {
            return Ok(v);
        }
    }
    bail!(
        "no answer to request {id} in the SSE stream ({} bytes)",
        body.len()
    )
}

fn answer_of(message: Value) -> Answer {
    match message.get("result") {
        Some(result) => Answer::Result {
            is_error: result.get("isError").and_then(Value::as_bool) == Some(true),
            result: result.clone(),
        },
        None => Answer::RpcError(message.get("error").cloned().unwrap_or(message)),
    }
}

impl McpHttp {
    /// Opens a session: `initialize` then `notifications/initialized`.
    pub async fn connect(url: &str, token: &str, client_name: &str) -> Result<Self> {
        Self::connect_with(http_client()?, url, token, client_name).await
    }

    /// Opens a session on a given HTTP client.
    pub async fn connect_with(
        http: reqwest::Client,
        url: &str,
        token: &str,
        client_name: &str,
    ) -> Result<Self> {
        let auth = format!("Bearer {token}");
        let init = json!({"jsonrpc":"2.0","id":0,"method":"initialize","params":{
            "protocolVersion": PROTOCOL_VERSION,
            "capabilities": {},
            "clientInfo": {"name": client_name, "version": "1.0"}}});
        let resp = http
            .post(url)
            .header("Authorization", &auth)
            .header("Accept", "application/json, text/event-stream")
            .json(&init)
            .send()
            .await
            .context("initialize: no answer")?;
        let status = resp.status();
        if !status.is_success() {
            bail!(
                "initialize: HTTP {status}: {}",
                resp.text().await.unwrap_or_default()
            );
        }
        let session = resp
            .headers()
            .get("mcp-session-id")
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| anyhow!("initialize: no Mcp-Session-Id header"))?
            .to_owned();
        let content_type = content_type(&resp);
        let body = resp.bytes().await.context("initialize: body")?;
        let message = find_message(&content_type, &body, 0)?;
        if message.get("result").is_none() {
            bail!("initialize was refused: {message}");
        }
        let me = Self {
            http,
            url: url.to_owned(),
            auth,
            session,
            next_id: 1,
        };
        let resp = me
            .post(&json!({"jsonrpc":"2.0","method":"notifications/initialized"}))
            .send()
            .await
            .context("notifications/initialized: no answer")?;
        if resp.status() != reqwest::StatusCode::ACCEPTED {
            bail!("notifications/initialized: HTTP {}", resp.status());
        }
        Ok(me)
    }

    pub fn session_id(&self) -> &str {
        &self.session
    }

    fn post(&self, body: &Value) -> reqwest::RequestBuilder {
        self.post_via(&self.http, body)
    }

    fn post_via(&self, http: &reqwest::Client, body: &Value) -> reqwest::RequestBuilder {
        http.post(&self.url)
            .header("Authorization", &self.auth)
            .header("Accept", "application/json, text/event-stream")
            .header("Mcp-Session-Id", &self.session)
            .header("MCP-Protocol-Version", PROTOCOL_VERSION)
            .json(body)
    }

    /// The request builder of the next `tools/call`, and its id (for callers that manage the
    /// response themselves, e.g. to disconnect mid-call).
    pub fn tool_request(
        &mut self,
        name: &str,
        arguments: &Value,
    ) -> (u64, reqwest::RequestBuilder) {
        let http = self.http.clone();
        self.tool_request_via(&http, name, arguments)
    }

    /// Like [`McpHttp::tool_request`], sent on another HTTP client (e.g. a fresh connection).
    pub fn tool_request_via(
        &mut self,
        http: &reqwest::Client,
        name: &str,
        arguments: &Value,
    ) -> (u64, reqwest::RequestBuilder) {
        let id = self.next_id;
        self.next_id += 1;
        let body = json!({"jsonrpc":"2.0","id":id,"method":"tools/call",
            "params":{"name":name,"arguments":arguments}});
        (id, self.post_via(http, &body))
    }

    /// One `tools/call`, answered.
    pub async fn call_tool(&mut self, name: &str, arguments: &Value) -> Result<Answer> {
        let (id, request) = self.tool_request(name, arguments);
        let resp = request.send().await.context("tools/call: no answer")?;
        let status = resp.status();
        if !status.is_success() {
            bail!(
                "tools/call {name}: HTTP {status}: {}",
                resp.text().await.unwrap_or_default()
            );
        }
        let content_type = content_type(&resp);
        let body = resp.bytes().await.context("tools/call: body")?;
        Ok(answer_of(find_message(&content_type, &body, id)?))
    }

    /// Ends the session (`DELETE`), so the server frees it now rather than at its idle timeout.
    pub async fn close(self) -> Result<()> {
        let resp = self
            .http
            .delete(&self.url)
            .header("Authorization", &self.auth)
            .header("Mcp-Session-Id", &self.session)
            .header("MCP-Protocol-Version", PROTOCOL_VERSION)
            .send()
            .await
            .context("DELETE session")?;
        if !resp.status().is_success() {
            bail!("DELETE session: HTTP {}", resp.status());
        }
        Ok(())
    }
}

pub fn content_type(resp: &reqwest::Response) -> String {
    resp.headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_answer_in_an_sse_stream() {
        let body = b"id: 0\nretry: 3000\ndata: \n\ndata: {\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"isError\":true}}\nid: 1/0\n\n";
        let m = find_message("text/event-stream", body, 7).expect("found");
        assert!(matches!(
            answer_of(m),
            Answer::Result { is_error: true, .. }
        ));
        assert!(find_message("text/event-stream", body, 8).is_err());
    }
}
