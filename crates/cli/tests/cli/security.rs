//! The security matrix of `xano-mcp serve` with tokens from `xano-mcp token create`.

use super::*;

struct Served {
    child: Child,
    url: String,
    home: tempfile::TempDir,
}

async fn serve_with(sim: &xano_sim::XanoSim) -> Served {
    let home = tempfile::tempdir().expect("home");
    let mut child = cmd(home.path())
        .args(["serve", "--port", "0"])
        .env("XANO_INSTANCE_URL", sim.meta_url())
        .env("XANO_TOKEN", xano_sim::DEMO_TOKEN)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn serve");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let url = loop {
        let line = lines
            .next_line()
            .await
            .expect("read")
            .expect("serve printed its URL");
        if let Some(u) = line.strip_prefix("URL: ") {
            break u.to_owned();
        }
    };
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Served { child, url, home }
}

async fn connect(url: &str, token: &str) -> rmcp::service::RunningService<rmcp::RoleClient, ()> {
    let transport = StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(url.to_owned()).auth_header(token.to_owned()),
    );
    ().serve(transport).await.expect("initialize")
}

async fn call(
    client: &rmcp::service::RunningService<rmcp::RoleClient, ()>,
    tool: &str,
    args: Value,
) -> rmcp::model::CallToolResult {
    client
        .call_tool(
            CallToolRequestParams::new(tool.to_owned())
                .with_arguments(args.as_object().cloned().expect("args")),
        )
        .await
        .expect("answered")
}

async fn status_of(url: &str, token: &str) -> u16 {
    reqwest::Client::new()
        .post(url)
        .bearer_auth(token)
        .header("Accept", "application/json, text/event-stream")
        .json(&json!({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}))
        .send()
        .await
        .expect("send")
        .status()
        .as_u16()
}

#[tokio::test]
async fn tiers_allowlists_revocation_and_expiry_are_enforced() {
    let sim = xano_sim::XanoSim::start(xano_sim::SimConfig::demo())
        .await
        .expect("sim");
    let mut served = serve_with(&sim).await;
    let home_dir = served.home.path().to_path_buf();
    let home = home_dir.as_path();
    let ro = create_token(home, "reader", &["--tier", "read-only"]).await;
    let rw = create_token(
        home,
        "writer",
        &[
            "--tier",
            "read-write",
            "--workspace",
            &xano_sim::demo::WORKSPACE_ID.to_string(),
        ],
    )
    .await;
    let expired = create_token(
        home,
        "old",
        &["--tier", "full-access", "--expires-in-days", "0"],
    )
    .await;
    let ws = xano_sim::demo::WORKSPACE_ID;

    // Read Only: write tools are not listed, and calling one is a tool error that sends nothing to Xano.
    let reader = connect(&served.url, &ro).await;
    let tools = reader.list_all_tools().await.expect("tools/list");
    assert!(tools.iter().any(|t| t.name == "getTableContent"));
    assert!(
        !tools
            .iter()
            .any(|t| t.name == "addTableContent" || t.name == "deleteTable")
    );
    sim.clear_requests();
    let r = call(
        &reader,
        "addTableContent",
        json!({"workspace_id": ws, "table_id": "products", "name": "x"}),
    )
    .await;
    assert_eq!(r.is_error, Some(true));
    assert!(
        sim.requests().iter().all(|r| r.method == "GET"),
        "no write reached Xano: {:?}",
        sim.requests()
    );
    let r = call(
        &reader,
        "previewToolCall",
        json!({"tool": "deleteTable", "arguments": {"workspace_id": ws, "table_id": "orders"}}),
    )
    .await;
    assert_eq!(
        r.is_error,
        Some(true),
        "not even a preview of a tool beyond the tier"
    );

    // Read/Write limited to one workspace: the other is denied and hidden from listWorkspaces.
    let writer = connect(&served.url, &rw).await;
    let r = call(
        &writer,
        "getTables",
        json!({"workspace_id": xano_sim::demo::SECOND_WORKSPACE_ID}),
    )
    .await;
    assert_eq!(r.is_error, Some(true));
    assert_eq!(
        r.structured_content.expect("error")["error"]["code"],
        "workspace_not_allowed"
    );
    let r = call(&writer, "listWorkspaces", json!({})).await;
    let ids: Vec<i64> = r.structured_content.expect("ok")["workspaces"]
        .as_array()
        .expect("list")
        .iter()
        .map(|w| w["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(ids, vec![ws]);
    let r = call(
        &writer,
        "deleteTable",
        json!({"workspace_id": ws, "table_id": "orders"}),
    )
    .await;
    assert_eq!(r.is_error, Some(true), "deletes need Full Access");

    // Changing the grant from another process applies to the open session's next call; the
    // client keeps its token.
    let out = cmd(home)
        .args([
            "token",
            "update",
            "writer",
            "--tier",
            "full-access",
            "--all-workspaces",
        ])
        .output()
        .await
        .expect("update");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Full Access, all workspaces"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let r = call(
        &writer,
        "getTables",
        json!({"workspace_id": xano_sim::demo::SECOND_WORKSPACE_ID}),
    )
    .await;
    assert_ne!(r.is_error, Some(true), "{r:?}");
    let tools = writer.list_all_tools().await.expect("tools/list");
    assert!(tools.iter().any(|t| t.name == "deleteTable"));
    // A bad value is refused and changes nothing.
    let out = cmd(home)
        .args(["token", "update", "writer", "--tier", "owner"])
        .output()
        .await
        .expect("update");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown tier `owner`"));
    let r = call(
        &writer,
        "getTables",
        json!({"workspace_id": xano_sim::demo::SECOND_WORKSPACE_ID}),
    )
    .await;
    assert_ne!(
        r.is_error,
        Some(true),
        "still Full Access on every workspace"
    );

    // A rate limit of 2 calls per minute: the third call in a row is refused with advice.
    let limited = create_token(home, "limited", &["--rate-limit", "2"]).await;
    let client = connect(&served.url, &limited).await;
    for _ in 0..2 {
        let r = call(&client, "listWorkspaces", json!({})).await;
        assert_ne!(r.is_error, Some(true));
    }
    let r = call(&client, "listWorkspaces", json!({})).await;
    assert_eq!(r.is_error, Some(true));
    let err = r.structured_content.expect("error")["error"].clone();
    assert_eq!(err["code"], "rate_limited");
    assert!(
        err["message"]
            .as_str()
            .expect("message")
            .contains("2 calls per minute"),
        "{err}"
    );

    // Expired and unknown tokens: 401.
    assert_eq!(status_of(&served.url, &expired).await, 401);
    assert_eq!(status_of(&served.url, "xmcp_not_a_real_token").await, 401);
    assert_eq!(status_of(&served.url, &ro).await, 200);

    // Revocation from another process applies to the next request of an open session: 401.
    let out = cmd(home)
        .args(["token", "revoke", "reader"])
        .output()
        .await
        .expect("revoke");
    assert!(out.status.success());
    let refused = reader
        .call_tool(
            CallToolRequestParams::new("getTables").with_arguments(
                json!({"workspace_id": ws})
                    .as_object()
                    .cloned()
                    .expect("args"),
            ),
        )
        .await;
    assert!(refused.is_err(), "the revoked session is refused");
    assert_eq!(status_of(&served.url, &ro).await, 401);

    // Every call is in the audit log (read after a graceful stop, which drains the writer):
    // allowed, denied and refused ones, with the token's name and never the token.
    let pid = served.child.id().expect("pid").to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .expect("kill")
            .success()
    );
    assert!(
        served.child.wait().await.expect("exit").success(),
        "serve stops cleanly on Ctrl-C"
    );
    let out = cmd(home)
        .args(["calls", "--json", "--limit", "100"])
        .output()
        .await
        .expect("calls");
    assert!(out.status.success());
    let records: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    let find = |token: &str, tool: &str, outcome: &str| {
        records
            .iter()
            .any(|r| r["token_name"] == token && r["tool"] == tool && r["outcome"] == outcome)
    };
    assert!(find("reader", "addTableContent", "denied"), "{records:#?}");
    assert!(find("writer", "getTables", "denied"));
    assert!(find("writer", "listWorkspaces", "ok"));
    assert!(
        records.iter().all(|r| r["client_name"].is_string()),
        "client names are recorded"
    );
    let log = String::from_utf8_lossy(&out.stdout);
    for t in [&ro, &rw, &expired] {
        assert!(
            !log.contains(t.as_str()),
            "a token leaked into the audit log"
        );
    }

    // The token database holds no token in clear.
    let mut all = Vec::new();
    for entry in std::fs::read_dir(home).expect("home").flatten() {
        all.extend(std::fs::read(entry.path()).unwrap_or_default());
    }
    let text = String::from_utf8_lossy(&all);
    for t in [&ro, &rw, &expired] {
        assert!(!text.contains(t.as_str()), "a token is stored in clear");
    }
}

#[tokio::test]
async fn stdio_forwards_to_a_running_server() {
    let sim = xano_sim::XanoSim::start(xano_sim::SimConfig::demo())
        .await
        .expect("sim");
    let mut served = serve_with(&sim).await;
    let home = served.home.path().to_path_buf();
    let token = create_token(&home, "desktop", &["--tier", "read-only"]).await;
    let port = served
        .url
        .trim_end_matches("/mcp")
        .rsplit(':')
        .next()
        .expect("port")
        .to_owned();

    // No Xano settings at all: the bridge can only answer by forwarding to the running server.
    let mut c = cmd(&home);
    c.args(["stdio", "--token-name", "desktop", "--port", &port])
        .env("XANO_MCP_LOCAL_TOKEN", &token);
    let client = ().serve(TokioChildProcess::new(c).expect("spawn")).await.expect("initialize");
    let r = call(
        &client,
        "getTables",
        json!({"workspace_id": xano_sim::demo::WORKSPACE_ID}),
    )
    .await;
    assert_ne!(r.is_error, Some(true), "{r:?}");
    let r = call(
        &client,
        "addTableContent",
        json!({"workspace_id": xano_sim::demo::WORKSPACE_ID, "table_id": "products", "name": "x"}),
    )
    .await;
    assert_eq!(
        r.is_error,
        Some(true),
        "the running server's policy applies"
    );
    client.cancel().await.expect("close");

    let pid = served.child.id().expect("pid").to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .expect("kill")
            .success()
    );
    assert!(served.child.wait().await.expect("exit").success());
    let out = cmd(&home)
        .args(["calls", "--json"])
        .output()
        .await
        .expect("calls");
    let log = String::from_utf8_lossy(&out.stdout);
    assert!(
        log.lines().any(|l| l.contains("\"tool\":\"getTables\"")
            && l.contains("xano-mcp stdio bridge")
            && l.contains("\"transport\":\"http\"")),
        "audited by the server: {log}"
    );
}
