//! Approvals through a real MCP client: the call waits, the user approves (or denies) the exact
//! call shown with its preview, and the model gets the result either way.

use super::*;
use mcp::approval::{ApprovalBroker, ApprovalDecision, ApprovalEvent};
use mcp::policy::GrantHook;
use vault::{AccessTier, ApprovalPolicy, NewLocalToken, TokenStore};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn destructive_calls_wait_for_the_user() {
    let sim = XanoSim::start(SimConfig::demo()).await.expect("sim");
    let xano = XanoClient::with_options(
        MetaBase::parse(&sim.meta_url()).expect("base"),
        XanoToken::new(xano_sim::DEMO_TOKEN),
        ClientOptions {
            retry: retries(),
            ..ClientOptions::default()
        },
    )
    .expect("client");
    let engine = Arc::new(Engine::new(xano, EngineOptions::default()));
    let tokens = Arc::new(TokenStore::open_in_memory().expect("tokens"));
    let grant = NewLocalToken {
        name: "cursor".into(),
        tier: AccessTier::FullAccess,
        workspaces: vec![],
        tables: None,
        expires_at_ms: None,
        approval: ApprovalPolicy::Destructive,
        rate_limit_per_minute: None,
    };
    let (_, info) = tokens.create(&grant, 0).expect("token");
    let broker = ApprovalBroker::new(Duration::from_secs(60));
    let hook = Arc::new(
        GrantHook::for_stdio(tokens, info.id, engine.clone(), None).with_approvals(broker.clone()),
    );
    let server = XanoMcpServer::with_hook(engine, hook);
    let (client_io, server_io) = tokio::io::duplex(1 << 22);
    tokio::spawn(async move {
        if let Ok(running) = server.serve(server_io).await {
            let _ = running.waiting().await;
        }
    });
    let client = Arc::new(
        Client::default()
            .serve(client_io)
            .await
            .expect("initialize"),
    );
    let t = sim.table_id(WS, "products").expect("products");
    let rows = sim.rows(WS, t);
    let (first, second) = (
        rows[0]["id"].as_i64().expect("id"),
        rows[1]["id"].as_i64().expect("id"),
    );
    let mut events = broker.subscribe();

    // Reads and non-destructive writes do not wait.
    let r = client
        .call_tool(
            CallToolRequestParams::new("getTables")
                .with_arguments(obj(json!({"workspace_id": WS}))),
        )
        .await
        .expect("read");
    assert_ne!(r.is_error, Some(true));

    // A delete waits; the request carries its exact arguments and preview; approving runs it.
    let c = client.clone();
    let call = tokio::spawn(async move {
        c.call_tool(
            CallToolRequestParams::new("deleteTableContentItem").with_arguments(obj(
                json!({"workspace_id": WS, "table_id": t, "content_id": first}),
            )),
        )
        .await
    });
    let request = loop {
        if let ApprovalEvent::Requested(r) = events.recv().await.expect("event") {
            break r;
        }
    };
    assert_eq!(request.tool, "deleteTableContentItem");
    assert_eq!(request.arguments["content_id"], first);
    assert_eq!(request.preview["rows_affected"], 1);
    assert_eq!(
        sim.rows(WS, t).len(),
        rows.len(),
        "nothing happens while it waits"
    );
    assert!(broker.decide(request.id, ApprovalDecision::Approve));
    let result = call.await.expect("join").expect("answered");
    assert_ne!(result.is_error, Some(true), "{result:?}");
    assert_eq!(sim.rows(WS, t).len(), rows.len() - 1);

    // Denied: the model is told, and the row stays.
    let c = client.clone();
    let call = tokio::spawn(async move {
        c.call_tool(
            CallToolRequestParams::new("deleteTableContentItem").with_arguments(obj(
                json!({"workspace_id": WS, "table_id": t, "content_id": second}),
            )),
        )
        .await
    });
    let request = loop {
        if let ApprovalEvent::Requested(r) = events.recv().await.expect("event") {
            break r;
        }
    };
    broker.decide(request.id, ApprovalDecision::Deny);
    let result = call.await.expect("join").expect("answered");
    assert_eq!(result.is_error, Some(true));
    assert_eq!(
        result.structured_content.expect("error")["error"]["code"],
        "declined_by_user"
    );
    assert!(sim.rows(WS, t).iter().any(|r| r["id"] == second));
}
