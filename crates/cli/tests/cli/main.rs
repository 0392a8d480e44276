//! End-to-end tests of the `xano-mcp` binary: real processes, real loopback HTTP and stdio, real
//! MCP clients (rmcp), against the Xano double.

use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};
use serde_json::{Value, json};
use std::process::Stdio;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

mod clients_e2e;
mod history_cli;
mod security;

const BIN: &str = env!("CARGO_BIN_EXE_xano-mcp");

struct Demo {
    _child: Child,
    url: String,
    token: String,
}

/// Starts `xano-mcp demo --port 0` and reads the URL and token it prints.
async fn start_demo() -> Demo {
    let mut child = Command::new(BIN)
        .args(["demo", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn xano-mcp demo");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let (mut url, mut token) = (None, None);
    while let Some(line) = lines.next_line().await.expect("read stdout") {
        if let Some(u) = line.strip_prefix("URL: ") {
            url = Some(u.to_owned());
        }
        if let Some(t) = line.strip_prefix("Token: ") {
            token = Some(t.to_owned());
        }
        if line.starts_with("Stop with Ctrl-C") {
            break;
        }
    }
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Demo {
        _child: child,
        url: url.expect("URL line"),
        token: token.expect("Token line"),
    }
}

fn text_of(result: &rmcp::model::CallToolResult) -> Value {
    result
        .structured_content
        .clone()
        .expect("structured content")
}

#[tokio::test]
async fn demo_prints_a_working_url_and_token() {
    let demo = start_demo().await;
    assert!(
        demo.url.starts_with("http://127.0.0.1:") && demo.url.ends_with("/mcp"),
        "{}",
        demo.url
    );
    assert!(
        demo.token.starts_with("xmcp_") && demo.token.len() == 5 + 43,
        "{}",
        demo.token
    );

    let transport = StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(demo.url.clone())
            .auth_header(demo.token.clone()),
    );
    let client = ().serve(transport).await.expect("initialize over HTTP");
    let tools = client.list_all_tools().await.expect("tools/list");
    assert!(tools.iter().any(|t| t.name == "listWorkspaces"));
    let result = client
        .call_tool(CallToolRequestParams::new("listWorkspaces"))
        .await
        .expect("tools/call");
    let names: Vec<String> = text_of(&result)["workspaces"]
        .as_array()
        .expect("workspaces")
        .iter()
        .map(|w| w["name"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(names.contains(&"Acme Store".to_owned()), "{names:?}");
    client.cancel().await.expect("close");
}

#[tokio::test]
async fn http_refuses_what_it_must() {
    let demo = start_demo().await;
    let http = reqwest::Client::new();
    let init = json!({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}});
    let post = |token: Option<&str>| {
        let mut r = http
            .post(&demo.url)
            .header("Accept", "application/json, text/event-stream")
            .json(&init);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r
    };
    // No token, a wrong token: a bare 401 that reveals nothing.
    for token in [None, Some("xmcp_wrong"), Some("")] {
        let resp = post(token).send().await.expect("send");
        assert_eq!(resp.status(), 401, "{token:?}");
        assert!(resp.text().await.expect("body").is_empty());
    }
    // DNS rebinding and cross-site pages: Host and Origin are checked.
    let resp = post(Some(&demo.token))
        .header("Host", "evil.example")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 403);
    let resp = post(Some(&demo.token))
        .header("Origin", "http://evil.example")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 403);
    // A 5 MiB body is refused.
    let big = format!(
        "{{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{{\"pad\":\"{}\"}}}}",
        "x".repeat(5 * 1024 * 1024)
    );
    // The server answers 413 and closes; the client may see either, never a success.
    // Its own client, so the closed connection never goes back to the pool the
    // requests below reuse (a reused half-closed socket reads as IncompleteMessage).
    match reqwest::Client::new()
        .post(&demo.url)
        .bearer_auth(&demo.token)
        .header("Accept", "application/json, text/event-stream")
        .header("Content-Type", "application/json")
        .body(big)
        .send()
        .await
    {
        Ok(resp) => assert_eq!(resp.status(), 413),
        Err(e) => assert!(e.is_request() || e.is_body(), "{e}"),
    }
    // Malformed JSON-RPC gets an error, and the server keeps serving.
    let resp = http
        .post(&demo.url)
        .bearer_auth(&demo.token)
        .header("Accept", "application/json, text/event-stream")
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("send");
    assert!(resp.status().is_client_error(), "{}", resp.status());
    let resp = http
        .post(&demo.url)
        .bearer_auth(&demo.token)
        .header("Accept", "application/json, text/event-stream")
        .json(&init)
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 200);
}

/// A command with a private engine home and no reachable keychain.
fn cmd(home: &std::path::Path) -> Command {
    let mut c = Command::new(BIN);
    c.env("XANO_MCP_HOME", home)
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}/no-bus", home.display()),
        )
        .env_remove("DISPLAY")
        .env_remove("XANO_MCP_LOCAL_TOKEN")
        .env_remove("XANO_TOKEN")
        .env_remove("XANO_INSTANCE_URL");
    c
}

/// `xano-mcp token create` in `home`; returns the printed token.
async fn create_token(home: &std::path::Path, name: &str, extra: &[&str]) -> String {
    let out = cmd(home)
        .args(["token", "create", name])
        .args(extra)
        .output()
        .await
        .expect("run token create");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("Token: "))
        .expect("token line")
        .to_owned()
}

#[tokio::test]
async fn stdio_serves_the_same_tools_and_exits_with_stdin() {
    let sim = xano_sim::XanoSim::start(xano_sim::SimConfig::demo())
        .await
        .expect("sim");
    let home = tempfile::tempdir().expect("home");
    let token = create_token(home.path(), "claude-desktop", &["--tier", "read-only"]).await;
    let mut c = cmd(home.path());
    c.args(["stdio", "--token-name", "claude-desktop"])
        .env("XANO_INSTANCE_URL", sim.meta_url())
        .env("XANO_TOKEN", xano_sim::DEMO_TOKEN)
        .env("XANO_MCP_LOCAL_TOKEN", &token);
    let transport = TokioChildProcess::new(c).expect("spawn xano-mcp stdio");
    let client = ().serve(transport).await.expect("initialize over stdio");
    let tools = client.list_all_tools().await.expect("tools/list");
    assert!(tools.iter().any(|t| t.name == "getTables"));
    assert!(
        !tools.iter().any(|t| t.name == "addTableContent"),
        "a read-only token does not see write tools"
    );
    let result = client
        .call_tool(
            CallToolRequestParams::new("getTables").with_arguments(
                json!({"workspace_id": xano_sim::demo::WORKSPACE_ID})
                    .as_object()
                    .cloned()
                    .expect("args"),
            ),
        )
        .await
        .expect("tools/call");
    let tables: Vec<String> = text_of(&result)["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .map(|t| t["name"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(tables.contains(&"customers".to_owned()));
    assert!(
        sim.requests().iter().any(|r| r.path.ends_with("/table")),
        "the call reached Xano"
    );

    // Revoking the token (from another process) stops the very next call of this session.
    let out = cmd(home.path())
        .args(["token", "revoke", "claude-desktop"])
        .output()
        .await
        .expect("revoke");
    assert!(out.status.success());
    let result = client
        .call_tool(
            CallToolRequestParams::new("getTables").with_arguments(
                json!({"workspace_id": xano_sim::demo::WORKSPACE_ID})
                    .as_object()
                    .cloned()
                    .expect("args"),
            ),
        )
        .await
        .expect("tools/call");
    assert_eq!(result.is_error, Some(true));
    assert_eq!(text_of(&result)["error"]["code"], "token_revoked");
    client.cancel().await.expect("close stdin; the child exits");
}

#[tokio::test]
async fn a_taken_port_and_missing_settings_fail_with_advice() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port().to_string();
    let out = Command::new(BIN)
        .args(["demo", "--port", &port])
        .output()
        .await
        .expect("run");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("already in use") && stderr.contains("--port"),
        "{stderr}"
    );

    let home = tempfile::tempdir().expect("home");
    let out = cmd(home.path())
        .args(["stdio", "--token-name", "nobody"])
        .stdin(Stdio::null())
        .output()
        .await
        .expect("run");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("token create nobody") && stderr.contains("XANO_MCP_LOCAL_TOKEN"),
        "{stderr}"
    );

    let token = create_token(home.path(), "cursor", &[]).await;
    let out = cmd(home.path())
        .args(["stdio", "--token-name", "cursor"])
        .env("XANO_MCP_LOCAL_TOKEN", &token)
        .stdin(Stdio::null())
        .output()
        .await
        .expect("run");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("XANO_INSTANCE_URL") && stderr.contains("xano-mcp demo"),
        "{stderr}"
    );
}
