//! DESIGN §9: the seed's examples, verbatim with real ids substituted.

use super::*;
use std::collections::BTreeMap;

fn last_search_body(h: &Harness) -> Value {
    let searches: Vec<_> = h
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/content/search"))
        .collect();
    searches
        .last()
        .and_then(|r| r.body.clone())
        .expect("a content search was sent")
}

#[tokio::test]
async fn get_table_content_with_filters_and_sort() {
    let h = harness().await;
    let t = h.table("customers");
    let out = h
        .call(
            "getTableContent",
            json!({"workspace_id": WS, "table_id": t, "limit": 100, "offset": 0,
            "filters": {"status": "active", "created_at": ">2024-01-01"},
            "sort": [{"field": "created_at", "direction": "desc"}]}),
        )
        .await;
    let mut want: Vec<Map<String, Value>> = h
        .sim
        .rows(WS, t)
        .into_iter()
        .filter(|r| {
            r["status"] == "active" && r["created_at"].as_i64().unwrap_or(0) > ms("2024-01-01")
        })
        .collect();
    want.sort_by(|a, b| b["created_at"].as_i64().cmp(&a["created_at"].as_i64()));
    assert!(
        want.len() > 100,
        "the demo has more active customers than one page"
    );
    assert_eq!(ids(&out["items"]), row_ids(&want[..100]));
    assert_eq!(out["total"], want.len());
    assert_eq!(out["next_offset"], 100);
    assert_eq!(out["filtered_locally"], false);
    assert_eq!(
        last_search_body(&h),
        json!({"page":1,"per_page":100,"sort":[{"created_at":"desc"}],"search":[{"status":"active"},{"created_at|>": ms("2024-01-01")}]})
    );

    // The next page continues exactly where the first stopped, also off a page boundary.
    let next = h.call("getTableContent", json!({"workspace_id": WS, "table_id": t, "limit": 30, "offset": 115,
            "filters": {"status": "active", "created_at": ">2024-01-01"}, "sort": [{"field": "created_at", "direction": "desc"}]})).await;
    assert_eq!(ids(&next["items"]), row_ids(&want[115..145]));
}

#[tokio::test]
async fn search_table_content_with_the_nested_query() {
    let h = harness().await;
    let t = h.table("customers");
    let out = h
        .call(
            "searchTableContent",
            json!({"workspace_id": WS, "table_id": t, "limit": 50, "query": {"and": [
            {"field": "subscription_tier", "operator": "in", "value": ["pro", "enterprise"]},
            {"field": "last_login", "operator": ">", "value": "2024-01-01"},
            {"or": [{"field": "region", "operator": "=", "value": "US"},
                    {"field": "priority", "operator": "=", "value": "high"}]}]}}),
        )
        .await;
    let want: Vec<Map<String, Value>> = h
        .sim
        .rows(WS, t)
        .into_iter()
        .filter(|r| {
            ["pro", "enterprise"].contains(&r["subscription_tier"].as_str().unwrap_or(""))
                && r["last_login"]
                    .as_i64()
                    .is_some_and(|l| l > ms("2024-01-01"))
                && (r["region"] == "US" || r["priority"] == "high")
        })
        .collect();
    assert!(!want.is_empty());
    assert_eq!(ids(&out["items"]), row_ids(&want[..want.len().min(50)]));
    assert_eq!(out["total"], want.len());
    assert_eq!(
        out["filtered_locally"], false,
        "everything in this query is expressible in Xano's search"
    );
    assert_eq!(
        last_search_body(&h)["search"],
        json!([{"region":"US"},{"priority|=|or":"high"},{"subscription_tier|in":["pro","enterprise"]},{"last_login|>": ms("2024-01-01")}])
    );
}

#[tokio::test]
async fn add_table_with_the_fields_map() {
    let h = harness().await;
    let customers = h.table("customers");
    let out = h
        .call("addTable", json!({"workspace_id": WS, "name": "user_events", "description": "What customers did", "fields": {
            "id": {"type": "integer", "primary": true, "auto_increment": true},
            "customer_id": {"type": "integer", "required": true, "foreign_key": "customers.id"},
            "event_type": {"type": "enum", "options": ["login", "purchase", "view", "click"]},
            "event_data": {"type": "json"}, "timestamp": {"type": "datetime", "default": "now"},
            "ip_address": {"type": "text"}}}))
        .await;
    let t = h.sim.table_id(WS, "user_events").expect("table created");
    assert_eq!(out["table_id"], t);
    let schema: BTreeMap<String, Value> = h
        .sim
        .schema(WS, t)
        .into_iter()
        .map(|f| (f["name"].as_str().expect("name").to_owned(), f))
        .collect();
    assert_eq!(
        schema.keys().cloned().collect::<Vec<_>>(),
        [
            "created_at",
            "customer_id",
            "event_data",
            "event_type",
            "id",
            "ip_address",
            "timestamp"
        ]
    );
    assert_eq!(schema["customer_id"]["tableref_id"], customers);
    assert_eq!(schema["customer_id"]["required"], true);
    assert_eq!(schema["event_type"]["type"], "enum");
    assert_eq!(
        schema["event_type"]["values"],
        json!(["login", "purchase", "view", "click"])
    );
    assert_eq!(schema["timestamp"]["type"], "timestamp");
    assert_eq!(schema["timestamp"]["default"], "now");
    assert_eq!(schema["event_data"]["type"], "json");

    // With `unique`, the index follows the table creation.
    h.sim.clear_requests();
    h.call("addTable", json!({"workspace_id": WS, "table_name": "newsletter", "schema": {"email": {"type": "text", "required": true, "unique": true}}})).await;
    let t2 = h.sim.table_id(WS, "newsletter").expect("second table");
    let writes: Vec<(String, String)> =
        h.writes().into_iter().map(|r| (r.method, r.path)).collect();
    assert_eq!(
        writes,
        vec![
            ("POST".to_owned(), format!("/api:meta/workspace/{WS}/table")),
            (
                "POST".to_owned(),
                format!("/api:meta/workspace/{WS}/table/{t2}/index/unique")
            ),
        ]
    );
    assert!(
        h.sim
            .indexes(WS, t2)
            .iter()
            .any(|i| i["type"] == "unique" && i["fields"][0]["name"] == "email")
    );
}

#[tokio::test]
async fn bulk_insert_then_bulk_patch() {
    let h = harness().await;
    let t = h.table("products");
    let before = h.sim.rows(WS, t).len();
    let records: Vec<Value> = (0..7).map(|i| json!({"name": format!("Mug {i}"), "sku": format!("MUG-{i}"), "price": 12.5, "stock": i, "category": "kitchen"})).collect();
    let out = h
        .call(
            "addTableContentBulk",
            json!({"workspace_id": WS, "table_id": t, "records": records, "chunk_size": 3}),
        )
        .await;
    assert_eq!(out["inserted"], 7);
    assert_eq!(out["calls"], 3);
    assert_eq!(h.sim.rows(WS, t).len(), before + 7);
    let bulk_calls = h
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/content/bulk"))
        .count();
    assert_eq!(bulk_calls, 3, "chunked into calls of 3, 3 and 1 rows");
    // Progress reaches 7 of 7 (it may arrive just after the answer).
    h.handler
        .wait_for(|p| p.progress == 7.0 && p.total == Some(7.0))
        .await;

    let new_ids: Vec<i64> = out["ids"]
        .as_array()
        .expect("ids")
        .iter()
        .map(|v| v.as_i64().expect("id"))
        .collect();
    let updates: Vec<Value> = new_ids
        .iter()
        .map(|id| json!({"id": id, "stock": 99}))
        .collect();
    let patched = h
        .call(
            "patchTableContentBulk",
            json!({"workspace_id": WS, "table_id": t, "updates": updates}),
        )
        .await;
    assert_eq!(patched["updated"], 7);
    let stocks: Vec<Value> = h
        .sim
        .rows(WS, t)
        .into_iter()
        .filter(|r| new_ids.contains(&r["id"].as_i64().unwrap_or(0)))
        .map(|r| r["stock"].clone())
        .collect();
    assert_eq!(stocks, vec![json!(99); 7]);
}

#[tokio::test]
async fn update_table_meta_with_schema_updates() {
    let h = harness().await;
    // On a table without duplicate emails the whole change applies.
    h.call(
        "addTable",
        json!({"workspace_id": WS, "name": "contacts", "fields": {"email": {"type": "text"}}}),
    )
    .await;
    let t = h.sim.table_id(WS, "contacts").expect("table");
    let out = h
        .call(
            "updateTableMeta",
            json!({"workspace_id": WS, "table_id": t, "schema_updates": {
            "add_fields": {"last_updated": {"type": "datetime", "default": "now"}},
            "modify_fields": {"email": {"unique": true, "required": true}}}}),
        )
        .await;
    assert_eq!(
        out["changes"].as_array().expect("changes").len(),
        3,
        "{out}"
    );
    let schema = h.sim.schema(WS, t);
    assert!(
        schema.iter().any(|f| f["name"] == "last_updated"
            && f["type"] == "timestamp"
            && f["default"] == "now")
    );
    assert!(
        schema
            .iter()
            .any(|f| f["name"] == "email" && f["required"] == true)
    );
    assert!(
        h.sim
            .indexes(WS, t)
            .iter()
            .any(|i| i["type"] == "unique" && i["fields"][0]["name"] == "email")
    );
    let adds: Vec<String> = h
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.path.contains("/schema/type/"))
        .map(|r| r.path)
        .collect();
    assert_eq!(
        adds,
        vec![format!(
            "/api:meta/workspace/{WS}/table/{t}/schema/type/timestamp"
        )]
    );

    // On the demo customers, which hold duplicate emails, the unique index is refused: the error
    // says what was already applied.
    let c = h.table("customers");
    let err = h
        .call_err(
            "updateTableMeta",
            json!({"workspace_id": WS, "table_id": c, "schema_updates": {
            "add_fields": {"last_updated": {"type": "datetime", "default": "now"}},
            "modify_fields": {"email": {"unique": true, "required": true}}}}),
        )
        .await;
    let applied = err["applied"].as_str().expect("applied note");
    assert!(
        !applied.contains("Nothing was changed")
            && applied.contains("added column `last_updated`")
            && applied.contains("NOT applied: the unique index on `email`"),
        "{err}"
    );
    assert_eq!(err["write_outcome"], "partly_applied");
}

#[tokio::test]
async fn request_history_window_and_search() {
    let h = harness().await;
    // Verbatim: January 2024 is outside the day Xano keeps, so nothing comes back, exactly.
    let out = h.call("getRequestHistory", json!({"workspace_id": WS, "limit": 100, "start_date": "2024-01-01", "end_date": "2024-01-31"})).await;
    assert_eq!(out["returned"], 0);

    // A window inside the last day returns exactly the items in it, newest first.
    let now = h.sim.now_ms();
    let start = now - 3 * 3_600_000;
    let start_iso = mcp::dates::format_ms(start);
    let out = h
        .call(
            "getRequestHistory",
            json!({"workspace_id": WS, "limit": 100, "start_date": start_iso}),
        )
        .await;
    let want: Vec<i64> = h
        .sim
        .history(WS)
        .iter()
        .filter(|i| {
            mcp::dates::parse_xano_timestamp(i["created_at"].as_str().expect("created_at"))
                .is_some_and(|c| c >= start)
        })
        .map(|i| i["id"].as_i64().expect("id"))
        .collect();
    assert!(want.len() > 100);
    assert_eq!(ids(&out["items"]), want[..100]);
    assert_eq!(out["total_in_window"], want.len());

    // The seed's search, verbatim: exact, with the pushed-down part in Xano's trailing-pipe form.
    h.sim.clear_requests();
    let out = h.call("searchRequestHistory", json!({"workspace_id": WS, "filters": {"status_code": ">= 400",
            "endpoint": "contains /api/users", "response_time": "> 1000"}, "sort": [{"field": "timestamp", "direction": "desc"}]})).await;
    let body = h
        .sim
        .requests()
        .into_iter()
        .find(|r| r.path.ends_with("/request_history/search"))
        .and_then(|r| r.body)
        .expect("history search");
    assert_eq!(
        body["search"],
        json!([{"status|>=|": 400}, {"duration|>|": 1.0}])
    );
    assert_eq!(body["sort"], json!({"created_at": "desc"}));
    let matches = |i: &Value, needle: &str| {
        i["status"].as_i64().unwrap_or(0) >= 400
            && i["uri"]
                .as_str()
                .unwrap_or("")
                .to_lowercase()
                .contains(needle)
            && i["duration"].as_f64().unwrap_or(0.0) > 1.0
    };
    assert_eq!(
        out["total"],
        h.sim
            .history(WS)
            .iter()
            .filter(|i| matches(i, "/api/users"))
            .count()
    );

    // The same shape on an endpoint the demo has, to see rows come back.
    let out = h.call("searchRequestHistory", json!({"workspace_id": WS, "filters": {"status_code": ">= 400", "endpoint": "contains /customers"}, "sort": [{"field": "response_time", "direction": "desc"}], "limit": 1000})).await;
    let want: Vec<Value> = h
        .sim
        .history(WS)
        .into_iter()
        .filter(|i| {
            i["status"].as_i64().unwrap_or(0) >= 400
                && i["uri"].as_str().unwrap_or("").contains("/customers")
        })
        .collect();
    assert!(!want.is_empty());
    assert_eq!(out["total"], want.len());
    let durations: Vec<f64> = out["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["duration"].as_f64().expect("d"))
        .collect();
    assert!(
        durations.windows(2).all(|w| w[0] >= w[1]),
        "sorted by response time"
    );
}

#[tokio::test]
async fn duplicates_by_group_by_having() {
    let h = harness().await;
    let t = h.table("customers");
    let out = h.call("searchTableContent", json!({"workspace_id": WS, "table_id": t, "query": {"group_by": "email", "having": "count(*) > 1"}})).await;
    let mut by_email: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for r in h.sim.rows(WS, t) {
        by_email
            .entry(r["email"].as_str().expect("email").to_owned())
            .or_default()
            .push(r["id"].as_i64().expect("id"));
    }
    let want: BTreeMap<String, Vec<i64>> = by_email
        .into_iter()
        .filter(|(_, ids)| ids.len() > 1)
        .collect();
    assert!(!want.is_empty(), "the demo has duplicate emails");
    let got: BTreeMap<String, Vec<i64>> = out["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| {
            (
                g["key"]["email"].as_str().expect("email").to_owned(),
                g["ids"]
                    .as_array()
                    .expect("ids")
                    .iter()
                    .map(|i| i.as_i64().expect("id"))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(got, want);
    assert_eq!(out["rows_scanned"], h.sim.rows(WS, t).len());
}

#[tokio::test]
async fn api_group_swagger_index_then_detail() {
    let h = harness().await;
    let groups = h.call("listAPIGroups", json!({"workspace_id": WS})).await;
    let storefront = groups["items"]
        .as_array()
        .expect("groups")
        .iter()
        .find(|g| g["name"] == demo::STOREFRONT_API)
        .expect("storefront")["id"]
        .as_i64()
        .expect("id");
    let index = h
        .call(
            "getApiGroupSwagger",
            json!({"workspace_id": WS, "api_group_id": storefront}),
        )
        .await;
    let apis = h
        .call(
            "listAPIs",
            json!({"workspace_id": WS, "api_group_id": storefront, "per_page": 1000}),
        )
        .await;
    assert_eq!(index["detail"], "index");
    assert_eq!(
        index["endpoint_count"],
        apis["items"].as_array().expect("apis").len()
    );
    let full = h.call("getApiGroupSwagger", json!({"workspace_id": WS, "api_group_id": storefront, "detail": "full", "path": "/customers"})).await;
    let paths = full["openapi"]["paths"].as_object().expect("paths");
    assert!(!paths.is_empty() && paths.keys().all(|p| p.contains("/customers")));
}

#[tokio::test]
async fn summarize_request_history_per_endpoint() {
    let h = harness().await;
    let out = h
        .call(
            "summarizeRequestHistory",
            json!({"workspace_id": WS, "sort_by": "busiest", "limit": 500}),
        )
        .await;
    let history = h.sim.history(WS);
    assert_eq!(out["requests"], history.len());
    let endpoints = out["endpoints"].as_array().expect("endpoints");
    let total: u64 = endpoints
        .iter()
        .map(|e| e["count"].as_u64().expect("count"))
        .sum();
    assert_eq!(total, history.len() as u64);
    // Check one endpoint's numbers independently.
    let top = &endpoints[0];
    let pattern = top["uri_pattern"].as_str().expect("pattern");
    let verb = top["verb"].as_str().expect("verb");
    let mut durations: Vec<f64> = history
        .iter()
        .filter(|i| {
            i["verb"] == verb
                && mcp::tools::history::uri_pattern(i["uri"].as_str().expect("uri")) == pattern
        })
        .map(|i| i["duration"].as_f64().expect("duration") * 1000.0)
        .collect();
    durations.sort_by(f64::total_cmp);
    assert_eq!(top["count"], durations.len());
    let p95 = durations[((0.95 * durations.len() as f64).ceil() as usize).max(1) - 1];
    assert!(
        (top["p95_ms"].as_f64().expect("p95") - p95).abs() < 0.1,
        "{top} vs {p95}"
    );
    assert!(
        endpoints
            .windows(2)
            .all(|w| w[0]["count"].as_u64() >= w[1]["count"].as_u64())
    );
}
