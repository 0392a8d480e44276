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
    client: &rmcp::Peer<rmcp::RoleClient>,
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

    // A token whose expiry passes while its session is open is refused from the session's next
    // request. The server reads the system clock, so the test moves the expiry to now in the
    // token database instead of waiting for it.
    let store = vault::TokenStore::open(&home.join("tokens.sqlite3")).expect("token db");
    let info = store.by_name("writer").expect("read").expect("writer");
    let now = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_millis(),
    )
    .expect("ms");
    store
        .update(&vault::NewLocalToken {
            name: info.name,
            tier: info.tier,
            workspaces: info.workspaces,
            tables: info.tables,
            expires_at_ms: Some(now),
            approval: info.approval,
            rate_limit_per_minute: info.rate_limit_per_minute,
        })
        .expect("expire");
    drop(store);
    let refused = writer
        .call_tool(
            CallToolRequestParams::new("listWorkspaces")
                .with_arguments(json!({}).as_object().cloned().expect("args")),
        )
        .await;
    assert!(refused.is_err(), "the expired session is refused");
    assert_eq!(status_of(&served.url, &rw).await, 401);

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
    interrupt(&mut served.child).await;
    let records = audit_records(home).await;
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
    let log = serde_json::to_string(&records).expect("json");
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
    let client = client_info("bridged-desktop-app", "4.5.6")
        .serve(TokioChildProcess::new(c).expect("spawn"))
        .await
        .expect("initialize");
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

    interrupt(&mut served.child).await;
    let records = audit_records(&home).await;
    assert!(
        records.iter().any(|r| r["tool"] == "getTables"
            && r["client_name"] == "bridged-desktop-app"
            && r["client_version"] == "4.5.6"
            && r["transport"] == "http"),
        "audited by the server, naming the client behind the bridge: {records:#?}"
    );
}

/// A client that introduces itself as `name`/`version` (recorded in the audit log).
fn client_info(name: &str, version: &str) -> rmcp::model::ClientConfig {
    rmcp::model::ClientConfig::new(
        rmcp::model::ClientCapabilities::default(),
        rmcp::model::Implementation::new(name, version),
    )
    .with_protocol_version(rmcp::model::ProtocolVersion::LATEST_WITH_INITIALIZE)
}

fn transport(url: &str, token: &str) -> StreamableHttpClientTransport<reqwest::Client> {
    StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(url.to_owned()).auth_header(token.to_owned()),
    )
}

/// Stops `serve` with Ctrl-C (which drains the audit writer) and returns the audit log's records
/// (`xano-mcp calls --json`, oldest first).
async fn stop_and_read_audit(served: &mut Served) -> Vec<Value> {
    interrupt(&mut served.child).await;
    audit_records(served.home.path()).await
}

/// A successful write over loopback HTTP through `xano-mcp serve` with a Read/Write token, and
/// its audit record in full: who (token, client name and version), what (tool, workspace,
/// arguments with the row values masked), the outcome, the Xano requests it made (the ones the
/// double received), the rows it changed and how long it took.
#[tokio::test]
async fn a_write_over_http_is_audited_in_full() {
    let sim = xano_sim::XanoSim::start(xano_sim::SimConfig::demo())
        .await
        .expect("sim");
    let mut served = serve_with(&sim).await;
    let home = served.home.path().to_path_buf();
    let token = create_token(&home, "writer", &["--tier", "read-write"]).await;
    let ws = xano_sim::demo::WORKSPACE_ID;
    let products = sim.table_id(ws, "products").expect("products");
    let before = sim.rows(ws, products).len();

    let client = client_info("audit-e2e-client", "7.3.1")
        .serve(transport(&served.url, &token))
        .await
        .expect("initialize");
    sim.clear_requests();
    // Column values both inside `record` and as top-level arguments: both are row data.
    let r = call(
        &client,
        "addTableContent",
        json!({
            "workspace_id": ws,
            "table_id": "products",
            "record": {"name": "Zebra Lamp E2E", "sku": "E2E-SKU-7731"},
            "price": 12.5,
            "category": "e2e-category-secret",
        }),
    )
    .await;
    assert_ne!(r.is_error, Some(true), "{r:?}");
    let created = r.structured_content.expect("result")["created"].clone();
    assert_eq!(created["sku"], "E2E-SKU-7731", "{created}");
    let received = sim.requests();
    let rows = sim.rows(ws, products);
    assert_eq!(rows.len(), before + 1);
    assert!(rows.iter().any(|r| r["sku"] == "E2E-SKU-7731"));
    client.cancel().await.expect("close");

    let records = stop_and_read_audit(&mut served).await;
    let writes: Vec<&Value> = records
        .iter()
        .filter(|r| r["tool"] == "addTableContent")
        .collect();
    assert_eq!(writes.len(), 1, "{records:#?}");
    let record = writes[0];
    assert_eq!(record["token_name"], "writer", "{record:#}");
    assert_eq!(record["client_name"], "audit-e2e-client", "{record:#}");
    assert_eq!(record["client_version"], "7.3.1", "{record:#}");
    assert_eq!(record["transport"], "http");
    assert_eq!(record["workspace_id"], ws);
    assert_eq!(record["outcome"], "ok");
    assert!(record["error_code"].is_null() && record["error_message"].is_null());
    assert_eq!(record["rows_affected"], 1);

    // The Xano requests of the call are exactly the ones the double received, in order.
    let audited: Vec<(String, String)> = record["xano_requests"]
        .as_array()
        .expect("xano_requests")
        .iter()
        .map(|x| {
            assert_eq!(x["status"], 200, "{x}");
            assert!(x["duration_ms"].is_u64(), "{x}");
            (
                x["method"].as_str().expect("method").to_owned(),
                format!("/api:meta{}", x["path"].as_str().expect("path")),
            )
        })
        .collect();
    let seen: Vec<(String, String)> = received
        .iter()
        .map(|r| {
            assert!((200..300).contains(&r.status), "{r:?}");
            (r.method.clone(), r.path.clone())
        })
        .collect();
    assert_eq!(audited, seen);
    assert_eq!(
        audited.last(),
        Some(&(
            "POST".to_owned(),
            format!("/api:meta/workspace/{ws}/table/{products}/content")
        )),
        "the write itself is recorded"
    );
    // The call's duration covers its Xano requests.
    let duration = record["duration_ms"].as_u64().expect("duration_ms");
    let xano_total: u64 = record["xano_requests"]
        .as_array()
        .expect("xano_requests")
        .iter()
        .map(|x| x["duration_ms"].as_u64().expect("ms"))
        .sum();
    assert!(duration >= xano_total, "{duration} < {xano_total}");

    // Arguments: ids kept, field names kept, every row value masked.
    let args = &record["arguments"];
    assert_eq!(args["workspace_id"], ws);
    assert_eq!(args["table_id"], "products");
    assert_eq!(
        args["record"],
        json!({"name": "[value]", "sku": "[value]"}),
        "{args}"
    );
    assert_eq!(args["price"], "[value]", "{args}");
    assert_eq!(args["category"], "[value]", "{args}");
    let text = record.to_string();
    for plain in [
        "Zebra Lamp E2E",
        "E2E-SKU-7731",
        "e2e-category-secret",
        "12.5",
    ] {
        assert!(!text.contains(plain), "{plain} is in the audit log: {text}");
    }
    assert!(!text.contains(&token), "the token is in the audit log");
}

/// A token limited to one table reads it (by name or id), is refused any other table with
/// `table_not_allowed` before anything reaches Xano, even in a preview, and `getTables` lists
/// only the allowed table.
#[tokio::test]
async fn a_table_allowlist_limits_reads_and_listing() {
    let sim = xano_sim::XanoSim::start(xano_sim::SimConfig::demo())
        .await
        .expect("sim");
    let mut served = serve_with(&sim).await;
    let home = served.home.path().to_path_buf();
    let token = create_token(
        &home,
        "one-table",
        &["--tier", "read-only", "--table", "customers"],
    )
    .await;
    let ws = xano_sim::demo::WORKSPACE_ID;
    let customers = sim.table_id(ws, "customers").expect("customers");
    let orders = sim.table_id(ws, "orders").expect("orders");
    let client = connect(&served.url, &token).await;

    for table in [json!("customers"), json!(customers)] {
        let r = call(
            &client,
            "getTableContent",
            json!({"workspace_id": ws, "table_id": table, "limit": 5}),
        )
        .await;
        assert_ne!(r.is_error, Some(true), "{table}: {r:?}");
        let result = r.structured_content.expect("result");
        assert_eq!(result["table_id"], customers);
        assert!(!result["items"].as_array().expect("items").is_empty());
    }

    sim.clear_requests();
    let orders_content = format!("/table/{orders}/content");
    for (tool, args) in [
        (
            "getTableContent",
            json!({"workspace_id": ws, "table_id": "orders"}),
        ),
        (
            "getTableContent",
            json!({"workspace_id": ws, "table_id": orders}),
        ),
        (
            "searchTableContent",
            json!({"workspace_id": ws, "table_id": "orders", "search": "a"}),
        ),
        (
            "getTableSchema",
            json!({"workspace_id": ws, "table_id": "products"}),
        ),
        (
            "previewToolCall",
            json!({"tool": "getTableContent", "arguments": {"workspace_id": ws, "table_id": "orders"}}),
        ),
    ] {
        let r = call(&client, tool, args.clone()).await;
        assert_eq!(r.is_error, Some(true), "{tool} {args}: {r:?}");
        let error = r.structured_content.expect("error")["error"].clone();
        assert_eq!(error["code"], "table_not_allowed", "{tool} {args}: {error}");
        assert!(
            error["message"]
                .as_str()
                .expect("message")
                .contains("Allowed tables: customers"),
            "{error}"
        );
    }
    assert!(
        sim.requests()
            .iter()
            .all(|r| r.method == "GET" && !r.path.contains(&orders_content)),
        "no other table's content was read: {:?}",
        sim.requests()
    );

    let r = call(&client, "getTables", json!({"workspace_id": ws})).await;
    assert_ne!(r.is_error, Some(true), "{r:?}");
    let names: Vec<String> = r.structured_content.expect("tables")["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .map(|t| t["name"].as_str().expect("name").to_owned())
        .collect();
    assert_eq!(names, vec!["customers".to_owned()]);
    client.cancel().await.expect("close");

    let records = stop_and_read_audit(&mut served).await;
    let denied = records
        .iter()
        .filter(|r| r["outcome"] == "denied" && r["error_code"] == "table_not_allowed")
        .count();
    assert_eq!(denied, 5, "{records:#?}");
}

/// The newest protocol era rmcp speaks (no `initialize`: `server/discover`, then per-request
/// `_meta` and the `MCP-Protocol-Version` header on every request) against the authenticated
/// server: the token is still required, tools are listed by its grant, a call runs and is
/// audited with the client's own name.
#[tokio::test]
async fn the_newest_protocol_era_works_with_a_token() {
    use rmcp::model::ProtocolVersion;
    use rmcp::service::{ClientLifecycleMode, ClientServiceExt};

    let sim = xano_sim::XanoSim::start(xano_sim::SimConfig::demo())
        .await
        .expect("sim");
    let mut served = serve_with(&sim).await;
    let home = served.home.path().to_path_buf();
    let token = create_token(&home, "modern", &["--tier", "read-only"]).await;
    let ws = xano_sim::demo::WORKSPACE_ID;
    let newest = ProtocolVersion::LATEST;
    assert!(!newest.has_initialize(), "the newest era has no handshake");
    let lifecycle = || ClientLifecycleMode::Discover {
        preferred_versions: vec![newest.clone()],
    };

    // Without a token, or with a wrong one, nothing is served in this era either.
    let refused = client_info("modern-client", "2.0.0")
        .serve_with_lifecycle(transport(&served.url, "xmcp_not_a_real_token"), lifecycle())
        .await;
    assert!(refused.is_err(), "a wrong token is refused");
    let raw = reqwest::Client::new()
        .post(&served.url)
        .header("Accept", "application/json, text/event-stream")
        .header("MCP-Protocol-Version", newest.as_str())
        .header("Mcp-Method", "server/discover")
        .json(
            &json!({"jsonrpc": "2.0", "id": 1, "method": "server/discover", "params": {"_meta": {
                "io.modelcontextprotocol/protocolVersion": newest.as_str(),
                "io.modelcontextprotocol/clientCapabilities": {},
            }}}),
        )
        .send()
        .await
        .expect("send");
    assert_eq!(raw.status(), 401);

    let client = client_info("modern-client", "2.0.0")
        .serve_with_lifecycle(transport(&served.url, &token), lifecycle())
        .await
        .expect("discover");
    assert_eq!(
        client.peer_info().expect("server info").protocol_version,
        newest,
        "the newest era was negotiated"
    );
    let tools = client.list_all_tools().await.expect("tools/list");
    assert!(tools.iter().any(|t| t.name == "getTables"));
    assert!(
        !tools.iter().any(|t| t.name == "addTableContent"),
        "the grant applies to the listing"
    );
    let r = call(&client, "getTables", json!({"workspace_id": ws})).await;
    assert_ne!(r.is_error, Some(true), "{r:?}");
    assert!(
        r.structured_content.expect("tables")["tables"]
            .as_array()
            .expect("tables")
            .iter()
            .any(|t| t["name"] == "customers")
    );
    let r = call(
        &client,
        "addTableContent",
        json!({"workspace_id": ws, "table_id": "products", "name": "x"}),
    )
    .await;
    assert_eq!(r.is_error, Some(true), "the tier applies to calls");
    client.cancel().await.expect("close");

    let records = stop_and_read_audit(&mut served).await;
    let ok = records
        .iter()
        .find(|r| r["tool"] == "getTables")
        .expect("the call is audited");
    assert_eq!(ok["outcome"], "ok", "{ok:#}");
    assert_eq!(ok["token_name"], "modern");
    assert_eq!(ok["transport"], "http");
    assert_eq!(ok["client_name"], "modern-client", "{ok:#}");
    assert_eq!(ok["client_version"], "2.0.0", "{ok:#}");
    assert!(
        records
            .iter()
            .any(|r| r["tool"] == "addTableContent" && r["outcome"] == "denied")
    );
}
