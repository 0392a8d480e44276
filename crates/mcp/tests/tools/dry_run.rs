//! Previews change nothing: no write reaches Xano and the data is the same after.

use super::*;

async fn assert_preview_changes_nothing(h: &Harness, tool: &str, args: Value) -> Value {
    let tables_before: Vec<(i64, Vec<Map<String, Value>>)> = ["customers", "orders", "products"]
        .iter()
        .map(|n| {
            let t = h.table(n);
            (t, h.sim.rows(WS, t))
        })
        .collect();
    h.sim.clear_requests();
    let out = h.call(tool, args).await;
    assert!(
        h.writes().is_empty(),
        "{tool} dry run sent writes: {:#?}",
        h.writes()
    );
    for (t, rows) in tables_before {
        assert_eq!(h.sim.rows(WS, t), rows, "{tool} dry run changed table {t}");
    }
    assert_eq!(out["dry_run"], true);
    assert_eq!(out["changed_nothing"], true);
    out
}

#[tokio::test]
async fn every_write_tool_previews_without_writing() {
    let h = harness().await;
    let c = h.table("customers");
    let p = h.table("products");
    let rows = h.sim.rows(WS, c);
    let first = rows[0]["id"].as_i64().expect("id");

    let out = assert_preview_changes_nothing(&h, "deleteTableContentBySearch", json!({"workspace_id": WS, "table_id": c, "filters": {"status": "churned"}, "dry_run": true})).await;
    let churned: Vec<&Map<String, Value>> =
        rows.iter().filter(|r| r["status"] == "churned").collect();
    assert_eq!(out["rows_affected"], churned.len());
    assert_eq!(
        out["sample_rows"].as_array().expect("sample").len(),
        churned.len().min(5)
    );
    let sent = &out["would_send"][0];
    assert_eq!(sent["method"], "POST");
    assert!(sent["url"].as_str().expect("url").ends_with(&format!(
        "/api:meta/workspace/{WS}/table/{c}/content/search/delete"
    )));
    assert_eq!(sent["body"], json!({"search": [{"status": "churned"}]}));
    assert!(
        sent["headers"]
            .as_array()
            .expect("headers")
            .iter()
            .any(|h| h[1] == "Bearer [redacted]")
    );
    assert!(
        !out.to_string().contains(xano_sim::DEMO_TOKEN),
        "the token never shows"
    );

    // A condition Xano cannot express is selected locally and would be applied by id.
    let out = assert_preview_changes_nothing(&h, "patchTableContentBySearch", json!({"workspace_id": WS, "table_id": c, "query": {"field": "email", "operator": "contains", "value": "smith"}, "updates": {"priority": "high"}, "dry_run": true})).await;
    let smiths = rows
        .iter()
        .filter(|r| r["email"].as_str().unwrap_or("").contains("smith"))
        .count();
    assert_eq!(out["rows_affected"], smiths);
    if smiths > 0 {
        assert!(
            out["would_send"][0]["url"]
                .as_str()
                .expect("url")
                .ends_with("/content/bulk/patch")
        );
    }

    let out = assert_preview_changes_nothing(
        &h,
        "deleteTableContentBulk",
        json!({"workspace_id": WS, "table_id": c, "ids": [first, 9_999_999], "dry_run": true}),
    )
    .await;
    assert_eq!(out["rows_affected"], 1, "only existing rows count");

    assert_preview_changes_nothing(&h, "patchTableContentBulk", json!({"workspace_id": WS, "table_id": c, "updates": [{"id": first, "priority": "low"}], "dry_run": true})).await;
    assert_preview_changes_nothing(&h, "updateTableContentItem", json!({"workspace_id": WS, "table_id": c, "content_id": first, "priority": "low", "dry_run": true})).await;
    assert_preview_changes_nothing(
        &h,
        "deleteTableContentItem",
        json!({"workspace_id": WS, "table_id": "customers", "content_id": first, "dry_run": true}),
    )
    .await;
    assert_preview_changes_nothing(&h, "addTableContent", json!({"workspace_id": WS, "table_id": p, "record": {"name": "Teapot", "sku": "TEA-1", "price": 30, "stock": 2, "category": "kitchen"}, "dry_run": true})).await;
    let out = assert_preview_changes_nothing(&h, "addTableContentBulk", json!({"workspace_id": WS, "table_id": p, "records": [{"name": "A", "sku": "A-1", "price": 1, "stock": 1, "category": "x"}], "dry_run": true})).await;
    assert_eq!(out["rows_affected"], 1);
    let out = assert_preview_changes_nothing(
        &h,
        "deleteTable",
        json!({"workspace_id": WS, "table_id": "orders", "dry_run": true}),
    )
    .await;
    assert_eq!(
        out["rows_affected"],
        h.sim.rows(WS, h.table("orders")).len()
    );
    assert_preview_changes_nothing(&h, "addTable", json!({"workspace_id": WS, "name": "drafts", "fields": {"title": {"type": "text", "unique": true}}, "dry_run": true})).await;
    assert!(h.sim.table_id(WS, "drafts").is_none());
    assert_preview_changes_nothing(&h, "updateTableMeta", json!({"workspace_id": WS, "table_id": c, "description": "x", "schema_updates": {"add_fields": {"note": {"type": "text"}}}, "dry_run": true})).await;

    // previewToolCall answers the same for any tool.
    let out = assert_preview_changes_nothing(&h, "previewToolCall", json!({"tool": "deleteTableContentBySearch", "arguments": {"workspace_id": WS, "table_id": c, "filters": {"status": "churned"}}})).await;
    assert_eq!(out["rows_affected"], churned.len());
}
