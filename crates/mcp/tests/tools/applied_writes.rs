//! Write tools actually applied (not previews): the result, the sim's data after (computed
//! independently from the data before) and the exact request sent.

use super::*;

type Rows = Vec<Map<String, Value>>;

/// The writes the call sent, as (method, path, body).
fn sent_writes(h: &Harness) -> Vec<(String, String, Option<Value>)> {
    h.writes()
        .into_iter()
        .map(|r| (r.method, r.path, r.body))
        .collect()
}

fn content_path(t: i64, rest: &str) -> String {
    format!("/api:meta/workspace/{WS}/table/{t}/content{rest}")
}

/// Every row of `before` with `change` applied to those `selected`, the others as they were.
fn expect_rows(
    before: &Rows,
    selected: impl Fn(&Map<String, Value>) -> bool,
    change: &Map<String, Value>,
) -> Rows {
    before
        .iter()
        .map(|r| {
            let mut r = r.clone();
            if selected(&r) {
                r.extend(change.clone());
            }
            r
        })
        .collect()
}

#[tokio::test]
async fn update_table_content_item_changes_one_row() {
    let h = harness().await;
    let c = h.table("customers");
    let before = h.sim.rows(WS, c);
    let target = before[3].clone();
    let id = target["id"].as_i64().expect("id");
    let new_priority = if target["priority"] == "high" {
        "low"
    } else {
        "high"
    };
    h.sim.clear_requests();
    let out = h
        .call(
            "updateTableContentItem",
            json!({"workspace_id": WS, "table_id": c, "content_id": id, "updates": {"priority": new_priority}}),
        )
        .await;
    let change = obj(json!({"priority": new_priority}));
    let want = expect_rows(&before, |r| r["id"] == id, &change);
    let after = h.sim.rows(WS, c);
    assert_eq!(after, want);
    assert_eq!(out["updated"], Value::Object(want[3].clone()));
    assert_eq!(
        sent_writes(&h),
        [(
            "PUT".to_owned(),
            content_path(c, &format!("/{id}")),
            Some(json!({"priority": new_priority}))
        )]
    );
}

#[tokio::test]
async fn delete_table_content_bulk_deletes_exactly_the_ids() {
    let h = harness().await;
    let c = h.table("customers");
    let before = h.sim.rows(WS, c);
    let (a, b) = (
        before[1]["id"].as_i64().expect("id"),
        before[10]["id"].as_i64().expect("id"),
    );
    let missing = before
        .iter()
        .map(|r| r["id"].as_i64().expect("id"))
        .max()
        .expect("rows")
        + 1000;
    h.sim.clear_requests();
    let out = h
        .call(
            "deleteTableContentBulk",
            json!({"workspace_id": WS, "table_id": c, "ids": [a, b, missing]}),
        )
        .await;
    assert_eq!(out["deleted"], 2, "{out}");
    let want: Rows = before
        .iter()
        .filter(|r| r["id"] != a && r["id"] != b)
        .cloned()
        .collect();
    assert_eq!(h.sim.rows(WS, c), want);
    assert_eq!(
        sent_writes(&h),
        [(
            "POST".to_owned(),
            content_path(c, "/bulk/delete"),
            Some(json!({"row_ids": [a, b, missing]}))
        )]
    );
}

#[tokio::test]
async fn patch_table_content_by_search_pushed_down_and_local() {
    let h = harness().await;
    let c = h.table("customers");

    // Expressible in Xano's search: one by-search call.
    let before = h.sim.rows(WS, c);
    let churned = |r: &Map<String, Value>| r["status"] == "churned";
    let n = before.iter().filter(|r| churned(r)).count();
    assert!(n > 0);
    h.sim.clear_requests();
    let out = h
        .call(
            "patchTableContentBySearch",
            json!({"workspace_id": WS, "table_id": c, "filters": {"status": "churned"}, "updates": {"priority": "high"}}),
        )
        .await;
    assert_eq!(out["updated"], n);
    assert_eq!(out["matched"], n);
    let want = expect_rows(&before, churned, &obj(json!({"priority": "high"})));
    assert_eq!(h.sim.rows(WS, c), want);
    assert_eq!(
        sent_writes(&h),
        [(
            "POST".to_owned(),
            content_path(c, "/search/patch"),
            Some(json!({"search": [{"status": "churned"}], "updates": {"priority": "high"}}))
        )]
    );

    // Not expressible (`contains`): selected locally, changed by id.
    let before = h.sim.rows(WS, c);
    let smith = |r: &Map<String, Value>| r["email"].as_str().unwrap_or("").contains("smith");
    let chosen: Vec<i64> = before
        .iter()
        .filter(|r| smith(r))
        .map(|r| r["id"].as_i64().expect("id"))
        .collect();
    assert!(!chosen.is_empty());
    h.sim.clear_requests();
    let out = h
        .call(
            "patchTableContentBySearch",
            json!({"workspace_id": WS, "table_id": c,
                "query": {"field": "email", "operator": "contains", "value": "smith"},
                "updates": {"subscription_tier": "enterprise"}}),
        )
        .await;
    assert_eq!(out["updated"], chosen.len());
    let want = expect_rows(
        &before,
        smith,
        &obj(json!({"subscription_tier": "enterprise"})),
    );
    assert_eq!(h.sim.rows(WS, c), want);
    let items: Vec<Value> = chosen
        .iter()
        .map(|id| json!({"row_id": id, "updates": {"subscription_tier": "enterprise"}}))
        .collect();
    assert_eq!(
        sent_writes(&h),
        [(
            "POST".to_owned(),
            content_path(c, "/bulk/patch"),
            Some(json!({ "items": items }))
        )]
    );
}

#[tokio::test]
async fn delete_table_content_by_search_deletes_the_matching_rows() {
    let h = harness().await;
    let c = h.table("customers");
    let before = h.sim.rows(WS, c);
    let latam = |r: &Map<String, Value>| r["region"] == "LATAM";
    let n = before.iter().filter(|r| latam(r)).count();
    assert!(n > 0);
    h.sim.clear_requests();
    let out = h
        .call(
            "deleteTableContentBySearch",
            json!({"workspace_id": WS, "table_id": c, "filters": {"region": "LATAM"}}),
        )
        .await;
    assert_eq!(out["deleted"], n);
    assert_eq!(out["matched"], n);
    let want: Rows = before.iter().filter(|r| !latam(r)).cloned().collect();
    assert_eq!(h.sim.rows(WS, c), want);
    assert_eq!(
        sent_writes(&h),
        [(
            "POST".to_owned(),
            content_path(c, "/search/delete"),
            Some(json!({"search": [{"region": "LATAM"}]}))
        )]
    );
}

#[tokio::test]
async fn delete_table_removes_the_table_and_reports_its_rows() {
    let h = harness().await;
    let o = h.table("orders");
    let rows = h.sim.rows(WS, o).len();
    let others: Vec<(i64, Rows)> = ["customers", "products"]
        .iter()
        .map(|n| {
            let t = h.table(n);
            (t, h.sim.rows(WS, t))
        })
        .collect();
    h.sim.clear_requests();
    let out = h
        .call(
            "deleteTable",
            json!({"workspace_id": WS, "table_id": "orders"}),
        )
        .await;
    assert_eq!(out["deleted"], true);
    assert_eq!(out["table_id"], o);
    assert_eq!(out["rows_deleted"], rows);
    assert!(h.sim.table_id(WS, "orders").is_none());
    for (t, rows) in others {
        assert_eq!(h.sim.rows(WS, t), rows, "table {t} untouched");
    }
    assert_eq!(
        sent_writes(&h),
        [(
            "DELETE".to_owned(),
            format!("/api:meta/workspace/{WS}/table/{o}"),
            None
        )]
    );
    // Gone for the tools too: the name no longer resolves.
    let err = h
        .call_err(
            "getTable",
            json!({"workspace_id": WS, "table_id": "orders"}),
        )
        .await;
    assert_eq!(err["argument"], "table_id");
}
