//! The history tools read the synced store when it holds the asked window, Xano otherwise, and
//! say which.

use super::*;
use mcp::local_history::LocalHistory;
use xano::types::RequestHistoryItem;

/// A store holding the double's items, covering exactly `[from, ∞)`.
struct Synced {
    from: i64,
    items: Vec<RequestHistoryItem>,
}

impl LocalHistory for Synced {
    fn covers(&self, _ws: i64, start_ms: i64, _end_ms: i64) -> bool {
        start_ms >= self.from
    }
    fn items(&self, _ws: i64, start_ms: i64, end_ms: i64) -> Vec<RequestHistoryItem> {
        self.items
            .iter()
            .filter(|i| match &i.created_at {
                xano::types::Timestamp::Text(t) => {
                    mcp::dates::parse_xano_timestamp(t).is_some_and(|c| c >= start_ms && c < end_ms)
                }
                xano::types::Timestamp::Epoch(c) => *c >= start_ms && *c < end_ms,
            })
            .cloned()
            .collect()
    }
}

#[tokio::test]
async fn the_synced_store_answers_when_it_covers_the_window() {
    let sim = XanoSim::start(SimConfig::demo()).await.expect("sim");
    let items: Vec<RequestHistoryItem> = sim
        .history(WS)
        .into_iter()
        .map(|v| serde_json::from_value(v).expect("item"))
        .collect();
    let now = sim.now_ms();
    let xano = XanoClient::with_options(
        MetaBase::parse(&sim.meta_url()).expect("base"),
        XanoToken::new(xano_sim::DEMO_TOKEN),
        ClientOptions {
            retry: retries(),
            ..ClientOptions::default()
        },
    )
    .expect("client");
    let synced = Arc::new(Synced {
        from: now - 6 * 3_600_000,
        items,
    });
    let engine = Arc::new(Engine::new(xano, EngineOptions::default()).with_history(synced));
    let server = XanoMcpServer::new(engine);
    let (client_io, server_io) = tokio::io::duplex(1 << 22);
    tokio::spawn(async move {
        if let Ok(running) = server.serve(server_io).await {
            let _ = running.waiting().await;
        }
    });
    let client = Client::default()
        .serve(client_io)
        .await
        .expect("initialize");
    let call = |tool: &'static str, args: Value| {
        let client = &client;
        async move {
            client
                .call_tool(CallToolRequestParams::new(tool).with_arguments(obj(args)))
                .await
                .expect("call")
                .structured_content
                .expect("structured")
        }
    };

    // Inside the synced window: the local store answers and Xano is not asked.
    let start = mcp::dates::format_ms(now - 2 * 3_600_000);
    sim.clear_requests();
    let local = call(
        "summarizeRequestHistory",
        json!({"workspace_id": WS, "start_date": start, "sort_by": "busiest"}),
    )
    .await;
    assert_eq!(local["source"], "local");
    let history_requests = |sim: &XanoSim| {
        sim.requests()
            .iter()
            .filter(|r| r.path.contains("request_history"))
            .count()
    };
    assert_eq!(history_requests(&sim), 0);
    let searched = call("searchRequestHistory", json!({"workspace_id": WS, "start_date": start, "filters": {"status_code": ">= 400"}, "limit": 1000})).await;
    assert_eq!(searched["source"], "local");
    let got = call(
        "getRequestHistory",
        json!({"workspace_id": WS, "start_date": start, "limit": 10}),
    )
    .await;
    assert_eq!(got["source"], "local");
    assert_eq!(history_requests(&sim), 0);

    // The same questions answered by Xano give the same numbers.
    let want_errors = sim
        .history(WS)
        .iter()
        .filter(|i| {
            i["status"].as_i64().unwrap_or(0) >= 400
                && mcp::dates::parse_xano_timestamp(i["created_at"].as_str().unwrap_or(""))
                    .is_some_and(|c| c >= mcp::dates::parse(&start).expect("start").epoch_ms)
        })
        .count();
    assert_eq!(searched["total"], want_errors);

    // Beyond the synced window: Xano answers, and the tool says so.
    let older = mcp::dates::format_ms(now - 20 * 3_600_000);
    let remote = call(
        "summarizeRequestHistory",
        json!({"workspace_id": WS, "start_date": older}),
    )
    .await;
    assert_eq!(remote["source"], "xano");
    assert!(history_requests(&sim) > 0);
}
