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
    child: Child,
    url: String,
    token: String,
    /// The demo's engine home (its audit log), never the user's.
    home: tempfile::TempDir,
}

/// Starts `xano-mcp demo --port 0` and reads the URL and token it prints.
async fn start_demo() -> Demo {
    let home = tempfile::tempdir().expect("home");
    let mut child = cmd(home.path())
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
        child,
        url: url.expect("URL line"),
        token: token.expect("Token line"),
        home,
    }
}

/// Stops a server process with Ctrl-C (SIGINT: it drains its audit writer first) and checks that
/// it exits cleanly.
async fn interrupt(child: &mut Child) {
    let pid = child.id().expect("pid").to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .expect("kill")
            .success()
    );
    assert!(
        child.wait().await.expect("exit").success(),
        "stops cleanly on Ctrl-C"
    );
}

/// The audit log of the engine home `home` (`xano-mcp calls --json`), oldest first.
async fn audit_records(home: &std::path::Path) -> Vec<Value> {
    let out = cmd(home)
        .args(["calls", "--json", "--limit", "1000"])
        .output()
        .await
        .expect("calls");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect()
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

    // The demo's calls are in the audit log of its data folder once it stops (Ctrl-C).
    let mut demo = demo;
    interrupt(&mut demo.child).await;
    let records = audit_records(demo.home.path()).await;
    assert!(
        records.iter().any(|r| r["tool"] == "listWorkspaces"
            && r["token_name"] == "demo"
            && r["outcome"] == "ok"),
        "{records:?}"
    );
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
    // A JSON-RPC error a client's parser can report: parse error, no id.
    assert_eq!(resp.status(), 400);
    let err: serde_json::Value = resp.json().await.expect("a JSON-RPC error body");
    assert_eq!(err["jsonrpc"], "2.0");
    assert!(err["id"].is_null(), "{err}");
    assert_eq!(err["error"]["code"], -32700, "{err}");
    // JSON that is not a JSON-RPC message: invalid request.
    let resp = http
        .post(&demo.url)
        .bearer_auth(&demo.token)
        .header("Accept", "application/json, text/event-stream")
        .json(&serde_json::json!({"hello": "world"}))
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 400);
    let err: serde_json::Value = resp.json().await.expect("a JSON-RPC error body");
    assert_eq!(err["error"]["code"], -32600, "{err}");
    assert!(
        err["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("JSON-RPC"),
        "{err}"
    );
    // Without a token the body is never looked at.
    let resp = http
        .post(&demo.url)
        .header("Accept", "application/json, text/event-stream")
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("send");
    assert_eq!(resp.status(), 401);
    assert!(resp.bytes().await.expect("body").is_empty());
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

/// `xano-mcp stdio` running the engine in its own process (no HTTP server): driven with raw
/// JSON-RPC lines over its pipes, its call is audited, it exits by itself with status 0 once its
/// stdin closes, its logs go to stderr, and every line on stdout is a JSON-RPC message.
#[tokio::test]
async fn stdio_in_process_audits_keeps_stdout_clean_and_exits_when_stdin_closes() {
    use tokio::io::AsyncWriteExt;

    let sim = xano_sim::XanoSim::start(xano_sim::SimConfig::demo())
        .await
        .expect("sim");
    let home = tempfile::tempdir().expect("home");
    let token = create_token(home.path(), "claude-desktop", &["--tier", "read-only"]).await;
    let mut child = cmd(home.path())
        .args(["stdio", "--token-name", "claude-desktop", "--in-process"])
        .env("XANO_INSTANCE_URL", sim.meta_url())
        .env("XANO_TOKEN", xano_sim::DEMO_TOKEN)
        .env("XANO_MCP_LOCAL_TOKEN", &token)
        // Verbose logging, so anything logged to the wrong stream would show on stdout.
        .env("XANO_MCP_LOG", "debug")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn xano-mcp stdio");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let mut stderr = child.stderr.take().expect("stderr");
    let stderr = tokio::spawn(async move {
        let mut text = String::new();
        tokio::io::AsyncReadExt::read_to_string(&mut stderr, &mut text)
            .await
            .expect("read stderr");
        text
    });

    let mut lines: Vec<String> = Vec::new();
    // Reads stdout until the response with `id` (notifications may come first).
    async fn response(
        stdout: &mut tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
        lines: &mut Vec<String>,
        id: i64,
    ) -> Value {
        loop {
            let line = stdout
                .next_line()
                .await
                .expect("read stdout")
                .expect("an answer before stdout closed");
            lines.push(line.clone());
            let message: Value = serde_json::from_str(&line).expect("JSON on stdout");
            if message["id"] == id {
                return message;
            }
        }
    }
    let send = |message: Value| format!("{message}\n");

    stdin
        .write_all(
            send(
                json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
                    "protocolVersion": "2025-11-25",
                    "capabilities": {},
                    "clientInfo": {"name": "raw-stdio-client", "version": "0.9.1"},
                }}),
            )
            .as_bytes(),
        )
        .await
        .expect("write initialize");
    let init = response(&mut stdout, &mut lines, 1).await;
    assert_eq!(init["result"]["protocolVersion"], "2025-11-25", "{init}");
    stdin
        .write_all(
            send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"})).as_bytes(),
        )
        .await
        .expect("write initialized");
    stdin
        .write_all(
            send(
                json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {
                    "name": "getTables",
                    "arguments": {"workspace_id": xano_sim::demo::WORKSPACE_ID},
                }}),
            )
            .as_bytes(),
        )
        .await
        .expect("write tools/call");
    let call = response(&mut stdout, &mut lines, 2).await;
    assert_ne!(call["result"]["isError"], true, "{call}");
    assert!(
        call["result"]["structuredContent"]["tables"]
            .as_array()
            .expect("tables")
            .iter()
            .any(|t| t["name"] == "customers"),
        "{call}"
    );

    // Closing stdin ends the session: the process exits by itself, successfully. (The timeout
    // only guards against a hang; nothing waits on it when the process behaves.)
    drop(stdin);
    let status = tokio::time::timeout(std::time::Duration::from_secs(60), child.wait())
        .await
        .expect("xano-mcp stdio exits by itself when its stdin closes")
        .expect("wait");
    assert!(status.success(), "{status:?}");
    while let Some(line) = stdout.next_line().await.expect("read stdout") {
        lines.push(line);
    }
    let stderr = stderr.await.expect("stderr");

    // stdout carried JSON-RPC only; the logs went to stderr.
    assert!(lines.len() >= 2, "{lines:?}");
    for line in &lines {
        let message: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("not JSON on stdout ({e}): {line}"));
        assert_eq!(message["jsonrpc"], "2.0", "{line}");
        assert!(
            message.get("id").is_some() || message.get("method").is_some(),
            "not a JSON-RPC message: {line}"
        );
    }
    assert!(
        stderr.contains("DEBUG") || stderr.contains("INFO"),
        "the logs are on stderr: {stderr}"
    );
    assert!(!stderr.contains(&token), "the token is not logged");

    // The call is in the audit log, written by this process before it exited.
    let records = audit_records(home.path()).await;
    assert_eq!(records.len(), 1, "{records:#?}");
    let record = &records[0];
    assert_eq!(record["tool"], "getTables");
    assert_eq!(record["outcome"], "ok");
    assert_eq!(record["transport"], "stdio");
    assert_eq!(record["token_name"], "claude-desktop");
    assert_eq!(record["client_name"], "raw-stdio-client");
    assert_eq!(record["client_version"], "0.9.1");
    assert_eq!(record["workspace_id"], xano_sim::demo::WORKSPACE_ID);
    assert!(
        !record["xano_requests"]
            .as_array()
            .expect("xano_requests")
            .is_empty(),
        "{record}"
    );
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
