//! Reads stay exact under injected faults; failed writes say whether anything was applied;
//! bad input gets an actionable tool error, and the server keeps serving.

use super::*;
use xano_sim::{FaultConfig, FaultKind};

#[tokio::test]
async fn reads_are_exact_under_30_percent_faults() {
    let h = harness_with(EngineOptions {
        scan_page_size: 40,
        ..EngineOptions::default()
    })
    .await;
    let t = h.table("customers");
    let rows = h.sim.rows(WS, t);
    h.sim.set_faults(FaultConfig {
        rate_limit_fraction: 0.15,
        server_error_fraction: 0.15,
        latency: None,
        retry_after_secs: None,
        seed: 11,
    });
    let out = h.call("searchTableContent", json!({"workspace_id": WS, "table_id": t, "limit": 1000,
        "query": {"or": [{"field": "email", "operator": "contains", "value": "son"}, {"field": "region", "operator": "=", "value": "EU"}]}})).await;
    let want: Vec<i64> = rows
        .iter()
        .filter(|r| r["email"].as_str().unwrap_or("").contains("son") || r["region"] == "EU")
        .map(|r| r["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(ids(&out["items"]), want);
    assert!(
        h.sim.requests().iter().any(|r| r.fault.is_some()),
        "faults were met"
    );
}

#[tokio::test]
async fn a_failed_write_says_whether_it_was_applied() {
    let h = harness().await;
    let p = h.table("products");
    // Warm the schema cache so the next request is the write itself.
    h.call("getTableSchema", json!({"workspace_id": WS, "table_id": p}))
        .await;
    h.sim.fail_next(1, FaultKind::ServerError(500));
    let err = h.call_err("addTableContent", json!({"workspace_id": WS, "table_id": p, "name": "Kettle", "sku": "K-1", "price": 40, "stock": 1, "category": "kitchen"})).await;
    assert_eq!(err["code"], "xano_server_error");
    assert!(
        err["applied"]
            .as_str()
            .expect("applied")
            .contains("unknown whether"),
        "{err}"
    );

    h.sim.set_faults(FaultConfig {
        rate_limit_fraction: 1.0,
        server_error_fraction: 0.0,
        latency: None,
        retry_after_secs: None,
        seed: 3,
    });
    let err = h.call_err("addTableContent", json!({"workspace_id": WS, "table_id": p, "name": "Kettle", "sku": "K-2", "price": 40, "stock": 1, "category": "kitchen"})).await;
    assert_eq!(err["code"], "xano_rate_limited");
    assert!(
        err["applied"]
            .as_str()
            .expect("applied")
            .contains("Nothing was changed"),
        "{err}"
    );
}

#[tokio::test]
async fn bad_arguments_name_the_argument_and_the_server_keeps_serving() {
    let h = harness().await;
    let err = h
        .call_err(
            "getTableContent",
            json!({"workspace_id": "ws_abc", "table_id": 1}),
        )
        .await;
    assert_eq!(err["argument"], "workspace_id");
    let err = h
        .call_err(
            "getTableContent",
            json!({"workspace_id": WS, "table_id": "no_such_table"}),
        )
        .await;
    assert!(
        err["message"].as_str().expect("m").contains("customers"),
        "lists the real tables: {err}"
    );
    let err = h
        .call_err(
            "getTableContent",
            json!({"workspace_id": WS, "table_id": "customers", "filters": {"colour": "red"}}),
        )
        .await;
    assert_eq!(err["argument"], "filters");
    let err = h.call_err("searchTableContent", json!({"workspace_id": WS, "table_id": "customers", "query": {"field": "region", "operator": "~=", "value": "US"}})).await;
    assert!(
        err["message"].as_str().expect("m").contains("Use one of"),
        "{err}"
    );
    let err = h
        .call_err(
            "addTableContent",
            json!({"workspace_id": WS, "table_id": "customers", "shoe_size": 44}),
        )
        .await;
    assert_eq!(err["argument"], "record");
    let err = h
        .call_err(
            "deleteTableContentBySearch",
            json!({"workspace_id": WS, "table_id": "customers"}),
        )
        .await;
    assert!(
        err["message"].as_str().expect("m").contains("every row"),
        "{err}"
    );
    let err = h
        .call_err(
            "getTableContentItem",
            json!({"workspace_id": WS, "table_id": "customers", "content_id": 987654}),
        )
        .await;
    assert_eq!(err["code"], "xano_not_found");
    // Arguments of the wrong JSON type are tool errors from rmcp's deserialisation, not crashes.
    let r = h
        .call_raw(
            "getTableContent",
            json!({"workspace_id": {"nested": true}, "table_id": []}),
        )
        .await;
    assert_eq!(r.is_error, Some(true));
    // An unknown tool is a JSON-RPC error.
    let unknown = h
        .client
        .call_tool(CallToolRequestParams::new("dropEverything"))
        .await;
    assert!(unknown.is_err());
    // And the server still answers.
    let ok = h.call("listWorkspaces", json!({})).await;
    assert!(ok["count"].as_u64().expect("count") >= 1);
}

#[tokio::test]
async fn large_results_are_capped_with_a_continuation() {
    let h = harness_with(EngineOptions {
        output_cap_bytes: 20_000,
        ..EngineOptions::default()
    })
    .await;
    let out = h
        .call(
            "getTableContent",
            json!({"workspace_id": WS, "table_id": "customers", "limit": 500, "offset": 10}),
        )
        .await;
    assert!(serde_json::to_vec(&out).expect("json").len() <= 20_000);
    let kept = out["items"].as_array().expect("items").len() as u64;
    assert!(kept > 0 && kept < 500);
    assert_eq!(out["truncated"], true);
    assert_eq!(out["next_offset"], 10 + kept);
    let rows = h.sim.rows(WS, h.table("customers"));
    let next = h.call("getTableContent", json!({"workspace_id": WS, "table_id": "customers", "limit": 5, "offset": out["next_offset"]})).await;
    assert_eq!(
        ids(&next["items"]),
        row_ids(&rows[(10 + kept) as usize..(15 + kept) as usize])
    );
}
