//! Table content: single-record writes, bulk operations, patch/delete by search, truncate, data
//! sources, unique indexes, validation.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use xano_sim::demo;

use crate::common::{Api, NOW_MS, ids, row_ids};

#[tokio::test]
async fn single_record_lifecycle() {
    let api = Api::demo().await;
    let customers = api.table_path(demo::CUSTOMERS);
    let created = api
        .post(
            &format!("{customers}/content"),
            json!({"name": "Eve Doe", "email": "eve@example.com", "status": "inactive"}),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let record = created.body;
    assert_eq!(record["id"], 301);
    assert_eq!(
        record["created_at"], NOW_MS,
        "created_at comes from the sim clock"
    );
    assert_eq!(
        record["subscription_tier"], "free",
        "defaults fill missing fields"
    );
    assert_eq!(record["last_login"], Value::Null);

    // id as a number or a string
    assert_eq!(
        api.get(&format!("{customers}/content/301")).await.body,
        record
    );
    let updated = api
        .put(
            &format!("{customers}/content/301"),
            json!({"priority": "high"}),
        )
        .await;
    assert_eq!(updated.body["priority"], "high");
    assert_eq!(
        updated.body["name"], "Eve Doe",
        "partial update keeps other fields"
    );
    assert_eq!(
        api.rows(demo::CUSTOMERS).last(),
        Some(updated.body.as_object().unwrap())
    );

    let deleted = api.delete(&format!("{customers}/content/301")).await;
    assert_eq!((deleted.status, deleted.body), (200, Value::Null));
    assert_eq!(
        api.get(&format!("{customers}/content/301")).await.status,
        404
    );
    assert_eq!(
        api.delete(&format!("{customers}/content/301")).await.status,
        404
    );
    assert_eq!(
        api.get(&format!("{customers}/content/abc")).await.status,
        404
    );

    // Ids are not reused, and the clock moves created_at.
    api.sim.advance_clock(Duration::from_secs(3600));
    let next = api
        .post(&format!("{customers}/content"), json!({"name": "Finn"}))
        .await;
    assert_eq!(next.body["id"], 302);
    assert_eq!(next.body["created_at"], NOW_MS + 3_600_000);
    assert_eq!(api.sim.now_ms(), NOW_MS + 3_600_000);
}

#[tokio::test]
async fn writes_are_validated() {
    let api = Api::demo().await;
    let customers = api.table_path(demo::CUSTOMERS);
    let before = api.rows(demo::CUSTOMERS);
    for (body, param) in [
        (json!({"email": "no-name@example.com"}), "name"),
        (json!({"name": "X", "status": "zombie"}), "status"),
        (json!({"name": "X", "shoe_size": 44}), "shoe_size"),
        (
            json!({"name": "X", "last_login": "yesterday"}),
            "last_login",
        ),
        (json!({"name": null}), "name"),
    ] {
        let r = api
            .post(&format!("{customers}/content"), body.clone())
            .await;
        assert_eq!(r.status, 400, "{body}");
        assert_eq!(r.body["payload"]["param"], param, "{body}");
    }
    let r = api
        .put(
            &format!("{customers}/content/1"),
            json!({"status": "zombie"}),
        )
        .await;
    assert_eq!(r.body["payload"]["param"], "status");
    let raw = api
        .http
        .post(format!("{}{customers}/content", api.sim.meta_url()))
        .bearer_auth(&api.token)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .expect("sent");
    assert_eq!(raw.status().as_u16(), 400);
    let body: Value = raw.json().await.expect("json error");
    assert_eq!(body["payload"]["param"], "body");
    assert_eq!(api.rows(demo::CUSTOMERS), before);
}

#[tokio::test]
async fn bulk_create_patch_delete() {
    let api = Api::demo().await;
    let products = api.table_path(demo::PRODUCTS);
    let created = api
        .post(
            &format!("{products}/content/bulk"),
            json!({"items": [
                {"name": "Tent", "sku": "NEW-1", "price": 199.5, "stock": 3, "category": "Outdoors"},
                {"name": "Lamp", "sku": "NEW-2", "price": "12.25", "stock": "7"},
                {"name": "Kite", "sku": "NEW-3"}
            ]}),
        )
        .await;
    assert_eq!(created.body, json!([41, 42, 43]));
    let rows = api.rows(demo::PRODUCTS);
    assert_eq!(rows[41]["price"], 12.25, "numeric strings are coerced");
    assert_eq!(rows[41]["stock"], 7);

    // All or nothing: one bad item, nothing stored.
    let bad = api
        .post(
            &format!("{products}/content/bulk"),
            json!({"items": [{"name": "A", "sku": "NEW-4"}, {"name": "B", "sku": "NEW-5", "stock": "lots"}]}),
        )
        .await;
    assert_eq!(
        (bad.status, bad.body["payload"]["param"].clone()),
        (400, json!("stock"))
    );
    assert_eq!(api.rows(demo::PRODUCTS).len(), 43);

    // allow_id_field keeps given ids.
    let with_ids = api
        .post(
            &format!("{products}/content/bulk"),
            json!({"allow_id_field": true, "items": [{"id": 100, "name": "C", "sku": "NEW-6"}, {"name": "D", "sku": "NEW-7"}]}),
        )
        .await;
    assert_eq!(with_ids.body, json!([100, 101]));
    let clash = api
        .post(
            &format!("{products}/content/bulk"),
            json!({"allow_id_field": true, "items": [{"id": 1, "name": "E", "sku": "NEW-8"}]}),
        )
        .await;
    assert_eq!(clash.status, 400);

    let patched = api
        .post(
            &format!("{products}/content/bulk/patch"),
            json!({"items": [
                {"row_id": 41, "updates": {"stock": 0}},
                {"row_id": "42", "updates": [{"path": "stock", "value": 1}]},
                {"row_id": 9999, "updates": {"stock": 5}}
            ]}),
        )
        .await;
    assert_eq!(
        patched.body,
        json!({"success": [41, 42], "success_total": 2})
    );
    let rows = api.rows(demo::PRODUCTS);
    assert_eq!(
        (rows[40]["stock"].clone(), rows[41]["stock"].clone()),
        (json!(0), json!(1))
    );

    let deleted = api
        .post(
            &format!("{products}/content/bulk/delete"),
            json!({"row_ids": [41, "42", 9999]}),
        )
        .await;
    assert_eq!(
        deleted.body,
        json!({"success": [41, 42], "success_total": 2, "error": [9999]})
    );
    assert_eq!(api.rows(demo::PRODUCTS).len(), 43);
}

#[tokio::test]
async fn patch_and_delete_by_search() {
    let api = Api::demo().await;
    let orders = api.table_path(demo::ORDERS);
    let pending: Vec<i64> = row_ids(
        api.rows(demo::ORDERS)
            .iter()
            .filter(|r| r["status"] == "pending"),
    );
    assert!(!pending.is_empty());
    let patched = api
        .post(
            &format!("{orders}/content/search/patch"),
            json!({"search": [{"status": "pending"}], "updates": {"status": "paid"}}),
        )
        .await;
    assert_eq!(patched.body["success"], json!(pending));
    assert_eq!(patched.body["success_total"], pending.len());
    assert!(
        api.rows(demo::ORDERS)
            .iter()
            .all(|r| r["status"] != "pending")
    );

    let bad = api
        .post(
            &format!("{orders}/content/search/patch"),
            json!({"search": [{"status": "paid"}], "updates": {"status": "lost"}}),
        )
        .await;
    assert_eq!(bad.status, 400);

    let refunded: Vec<i64> = row_ids(
        api.rows(demo::ORDERS)
            .iter()
            .filter(|r| r["status"] == "refunded" || r["total"].as_f64().unwrap() > 490.0),
    );
    let deleted = api
        .post(
            &format!("{orders}/content/search/delete"),
            json!({"search": [{"status": "refunded"}, {"total|>|or": 490}]}),
        )
        .await;
    assert_eq!(deleted.body["success"], json!(refunded));
    assert_eq!(api.rows(demo::ORDERS).len(), 600 - refunded.len());
}

#[tokio::test]
async fn truncate_with_and_without_reset() {
    let api = Api::demo().await;
    let orders = api.table_path(demo::ORDERS);
    let truncate = |reset: Value| {
        let api = &api;
        let orders = orders.clone();
        async move {
            api.send(
                Method::DELETE,
                &format!("{orders}/truncate"),
                Some(&json!({ "reset": reset })),
                &[],
            )
            .await
        }
    };
    let missing = api.delete(&format!("{orders}/truncate")).await;
    assert_eq!(missing.body["payload"]["param"], "reset");
    assert_eq!(api.rows(demo::ORDERS).len(), 600);

    let r = truncate(json!(false)).await;
    assert_eq!((r.status, r.body), (200, Value::Null));
    assert!(api.rows(demo::ORDERS).is_empty());
    let next = api
        .post(
            &format!("{orders}/content"),
            json!({"customer_id": 1, "total": 5}),
        )
        .await;
    assert_eq!(next.body["id"], 601, "without reset ids continue");

    truncate(json!(true)).await;
    let next = api
        .post(
            &format!("{orders}/content"),
            json!({"customer_id": 1, "total": 5}),
        )
        .await;
    assert_eq!(next.body["id"], 1, "reset restarts ids");
}

#[tokio::test]
async fn data_sources_keep_rows_apart() {
    let api = Api::demo().await;
    let customers = api.table_path(demo::CUSTOMERS);
    let test_page = api
        .send(
            Method::GET,
            &format!("{customers}/content"),
            None,
            &[("X-Data-Source", "test")],
        )
        .await;
    assert_eq!(test_page.body["itemsTotal"], 0);
    let created = api
        .send(
            Method::POST,
            &format!("{customers}/content"),
            Some(&json!({"name": "Tess"})),
            &[("x-data-source", "test")],
        )
        .await;
    assert_eq!(created.body["id"], 1, "test ids start at 1");
    let ws = demo::WORKSPACE_ID;
    let table = api.table(demo::CUSTOMERS);
    assert_eq!(api.sim.rows_in(ws, table, "test").len(), 1);
    assert_eq!(api.rows(demo::CUSTOMERS).len(), 300);
    assert_eq!(
        api.get(&format!("{customers}/content/1")).await.body["name"],
        api.rows(demo::CUSTOMERS)[0]["name"]
    );
    let unknown = api
        .send(
            Method::GET,
            &format!("{customers}/content"),
            None,
            &[("X-Data-Source", "staging")],
        )
        .await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn unique_indexes_are_enforced() {
    let api = Api::demo().await;
    let products = api.table_path(demo::PRODUCTS);
    let customers = api.table_path(demo::CUSTOMERS);

    // products.sku has a unique index in the seed.
    let dup = api
        .post(
            &format!("{products}/content"),
            json!({"name": "Copy", "sku": "ACME-1001"}),
        )
        .await;
    assert_eq!(dup.status, 400);
    assert_eq!(dup.body["payload"]["param"], "sku");
    let dup = api
        .put(
            &format!("{products}/content/2"),
            json!({"sku": "ACME-1001"}),
        )
        .await;
    assert_eq!(dup.status, 400);
    let same = api
        .put(
            &format!("{products}/content/1"),
            json!({"sku": "ACME-1001", "stock": 1}),
        )
        .await;
    assert_eq!(same.status, 200, "a row may keep its own value");
    let dup_batch = api
        .post(
            &format!("{products}/content/bulk"),
            json!({"items": [{"name": "a", "sku": "X"}, {"name": "b", "sku": "X"}]}),
        )
        .await;
    assert_eq!(dup_batch.status, 400);

    // customers.email has duplicates: no unique index until they are gone.
    let refused = api
        .post(
            &format!("{customers}/index/unique"),
            json!({"fields": [{"name": "email", "op": "asc"}]}),
        )
        .await;
    assert_eq!(refused.status, 400);
    assert_eq!(refused.body["code"], "ERROR_CODE_INPUT_ERROR");
    let rows = api.rows(demo::CUSTOMERS);
    let mut seen = std::collections::BTreeMap::new();
    let mut later_duplicates = Vec::new();
    for r in &rows {
        if seen
            .insert(r["email"].to_string(), r["id"].clone())
            .is_some()
        {
            later_duplicates.push(r["id"].clone());
        }
    }
    assert_eq!(
        later_duplicates.len(),
        5,
        "the seed has five repeated emails"
    );
    api.post(
        &format!("{customers}/content/bulk/delete"),
        json!({ "row_ids": later_duplicates }),
    )
    .await;
    let made = api
        .post(
            &format!("{customers}/index/unique"),
            json!({"fields": [{"name": "email", "op": "asc"}]}),
        )
        .await;
    assert_eq!(made.status, 200, "{}", made.body);
    let id = made.body["id"].as_str().expect("index id");
    assert!(id.len() == 8 && id.chars().all(|c| c.is_ascii_hexdigit()));
    let email = rows[0]["email"].clone();
    let r = api
        .post(
            &format!("{customers}/content"),
            json!({"name": "Twin", "email": email}),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["payload"]["param"], "email");

    // Dropping the index lifts the rule.
    let drop = api.delete(&format!("{customers}/index/{id}")).await;
    assert_eq!(drop.status, 200);
    let r = api
        .post(
            &format!("{customers}/content"),
            json!({"name": "Twin", "email": email}),
        )
        .await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn index_listing_and_replacement() {
    let api = Api::demo().await;
    let orders = api.table_path(demo::ORDERS);
    let list = api.get(&format!("{orders}/index")).await;
    let list = list.body.as_array().expect("array").clone();
    assert_eq!(list[0]["type"], "primary");
    assert_eq!(list[0]["fields"], json!([{"name": "id", "op": "asc"}]));
    assert_eq!(
        api.delete(&format!(
            "{orders}/index/{}",
            list[0]["id"].as_str().unwrap()
        ))
        .await
        .status,
        400
    );

    let r = api
        .post(
            &format!("{orders}/index/btree"),
            json!({"fields": [{"name": "created_at", "op": "desc"}]}),
        )
        .await;
    assert_eq!(r.status, 200);
    let r = api
        .post(
            &format!("{orders}/index/btree"),
            json!({"fields": [{"name": "nope"}]}),
        )
        .await;
    assert_eq!(r.body["payload"]["param"], "fields");
    assert_eq!(
        api.post(
            &format!("{orders}/index/fancy"),
            json!({"fields": [{"name": "id"}]})
        )
        .await
        .status,
        404
    );

    let replaced = api
        .put(
            &format!("{orders}/index"),
            json!({"index": [{"type": "btree", "fields": [{"name": "total", "op": "desc"}]}]}),
        )
        .await;
    assert_eq!(replaced.status, 200);
    let indexes = api.sim.indexes(demo::WORKSPACE_ID, api.table(demo::ORDERS));
    let kinds: Vec<&str> = indexes.iter().filter_map(|i| i["type"].as_str()).collect();
    assert_eq!(
        kinds,
        ["primary", "btree"],
        "the primary index is always kept"
    );
    assert_eq!(
        indexes[1]["fields"],
        json!([{"name": "total", "op": "desc"}])
    );
}

#[tokio::test]
async fn password_columns_never_return_clear_text() {
    let api = Api::demo().await;
    let customers = api.table_path(demo::CUSTOMERS);
    let added = api
        .post(
            &format!("{customers}/schema/type/password"),
            json!({"name": "password"}),
        )
        .await;
    assert_eq!(added.status, 200);
    let created = api
        .post(
            &format!("{customers}/content"),
            json!({"name": "Pat", "password": "hunter2"}),
        )
        .await;
    let stored = created.body["password"].as_str().expect("a hash");
    assert_ne!(stored, "hunter2");
    assert!(!created.body.to_string().contains("hunter2"));
    let id = created.body["id"].as_i64().unwrap();
    let read = api.get(&format!("{customers}/content/{id}")).await;
    assert_eq!(read.body["password"], stored);
}

#[tokio::test]
async fn tables_can_be_created_renamed_and_dropped() {
    let api = Api::demo().await;
    let ws = demo::WORKSPACE_ID;
    let list = format!("/workspace/{ws}/table");
    let dup = api.post(&list, json!({"name": "Customers"})).await;
    assert_eq!(
        (dup.status, dup.body["payload"]["param"].clone()),
        (400, json!("name"))
    );
    let missing = api.post(&list, json!({"description": "no name"})).await;
    assert_eq!(missing.body["payload"]["param"], "name");
    let bad_schema = api
        .post(
            &list,
            json!({"name": "events", "schema": [{"name": "kind", "type": "text"}]}),
        )
        .await;
    assert_eq!(bad_schema.status, 400, "the first field must be id");

    let created = api
        .post(
            &list,
            json!({
                "name": "events",
                "description": "Clickstream",
                "tag": ["analytics"],
                "schema": [
                    {"name": "id", "type": "int"},
                    {"name": "customer_id", "type": "int", "tableref_id": api.table(demo::CUSTOMERS), "required": true},
                    {"name": "event_type", "type": "enum", "values": ["login", "purchase", "view", "click"]},
                    {"name": "event_data", "type": "json"},
                    {"name": "timestamp", "type": "timestamp", "default": "now"}
                ],
                "index": [{"type": "btree", "fields": [{"name": "customer_id"}]}]
            }),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let id = created.body["id"].as_i64().expect("id");
    let path = format!("{list}/{id}");
    let table = api.get(&path).await.body;
    assert_eq!(
        (table["name"].clone(), table["tag"].clone()),
        (json!("events"), json!(["analytics"]))
    );
    let event = api
        .post(
            &format!("{path}/content"),
            json!({"customer_id": 3, "event_type": "click", "event_data": {"x": 1}}),
        )
        .await;
    assert_eq!(event.body["timestamp"], NOW_MS);

    let meta = api
        .put(
            &format!("{path}/meta"),
            json!({"name": "events_v2", "description": "renamed"}),
        )
        .await;
    assert_eq!((meta.status, meta.body), (200, json!({})));
    assert_eq!(api.sim.table_id(ws, "events_v2"), Some(id));
    let search = api.get(&format!("{list}?search=EVENTS")).await;
    assert_eq!(ids(&search.body["items"]), [id]);

    assert_eq!(api.delete(&path).await.body, json!({}));
    assert_eq!(api.get(&path).await.status, 404);
}
