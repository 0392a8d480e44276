//! One round trip per client method (the paging helpers page by page), and a refused input.

use super::*;
use serde_json::{Map, Value, json};
use xano::requests::{
    BulkPatchItem, ContentSearch, HistoryQuery, HistorySearch, ListParams, NewTable,
    TableMetaUpdate,
};
use xano::search::{PipeCondition, PipeOp, SortDirection};
use xano::types::{RowId, TableField};

fn row(value: Value) -> Map<String, Value> {
    value.as_object().expect("object").clone()
}

fn customers(sim: &XanoSim) -> i64 {
    sim.table_id(WS, demo::CUSTOMERS).expect("customers table")
}

fn ids(rows: &[Map<String, Value>]) -> Vec<i64> {
    rows.iter()
        .map(|r| r["id"].as_i64().expect("int id"))
        .collect()
}

#[tokio::test]
async fn identity_instances_and_workspaces() {
    let (sim, client) = setup().await;

    let me = client.auth_me().await.expect("auth/me");
    assert!(me.id > 0 && !me.email.is_empty());
    expect_request(&sim, "GET", "/auth/me", &[], None);

    let instances = client.list_instances().await.expect("instances");
    assert!(!instances.is_empty());
    assert_eq!(
        instances[0].meta_api.as_deref(),
        Some(sim.meta_url().as_str())
    );
    expect_request(&sim, "GET", "/instance", &[], None);

    let one = client
        .get_instance(&instances[0].name)
        .await
        .expect("instance");
    assert_eq!(one.name, instances[0].name);
    expect_request(
        &sim,
        "GET",
        &format!("/instance/{}", instances[0].name),
        &[],
        None,
    );

    let workspaces = client.list_workspaces().await.expect("workspaces");
    let mut got: Vec<i64> = workspaces.iter().map(|w| w.id).collect();
    let mut want = sim.workspace_ids();
    got.sort_unstable();
    want.sort_unstable();
    assert_eq!(got, want);
    expect_request(&sim, "GET", "/workspace", &[], None);

    let ws = client.get_workspace(WS).await.expect("workspace");
    assert_eq!(ws.id, WS);
    expect_request(&sim, "GET", &format!("/workspace/{WS}"), &[], None);

    let branches = client.list_branches(WS).await.expect("branches");
    assert!(branches.iter().any(|b| b.label == "v1" && b.live));
    expect_request(&sim, "GET", &format!("/workspace/{WS}/branch"), &[], None);

    let sources = client.list_data_sources(WS).await.expect("data sources");
    assert!(sources.iter().any(|d| d.label == "live"));
    expect_request(
        &sim,
        "GET",
        &format!("/workspace/{WS}/datasource"),
        &[],
        None,
    );

    let missing = client
        .get_workspace(987_654)
        .await
        .expect_err("no such workspace");
    assert!(matches!(missing, xano::Error::NotFound { .. }), "{missing}");
}

#[tokio::test]
async fn tables_list_page_get_and_branch() {
    let (sim, client) = setup().await;
    let params = ListParams {
        page: Some(1),
        per_page: Some(1),
        sort: Some("name".into()),
        order: Some("asc".into()),
        ..Default::default()
    };
    let page = client.list_tables(WS, &params).await.expect("tables");
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.next_page, Some(2));
    expect_request(
        &sim,
        "GET",
        &format!("/workspace/{WS}/table"),
        &[
            ("page", "1"),
            ("per_page", "1"),
            ("sort", "name"),
            ("order", "asc"),
        ],
        None,
    );

    let all = client.list_all_tables(WS).await.expect("all tables");
    let names: Vec<&str> = all.iter().map(|t| t.name.as_str()).collect();
    for want in [demo::CUSTOMERS, demo::ORDERS, demo::PRODUCTS] {
        assert!(names.contains(&want), "{names:?}");
    }
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted, "asked for name order");
    expect_request(
        &sim,
        "GET",
        &format!("/workspace/{WS}/table"),
        &[
            ("page", "1"),
            ("per_page", "500"),
            ("sort", "name"),
            ("order", "asc"),
        ],
        None,
    );

    let id = customers(&sim);
    let table = client.get_table(WS, id).await.expect("table");
    assert_eq!(table.name, demo::CUSTOMERS);
    expect_request(
        &sim,
        "GET",
        &format!("/workspace/{WS}/table/{id}"),
        &[],
        None,
    );

    let dev = client.with_branch(Some("dev".into()));
    dev.list_tables(WS, &ListParams::default())
        .await
        .expect("dev branch");
    expect_request(
        &sim,
        "GET",
        &format!("/workspace/{WS}/table"),
        &[("branch", "dev")],
        None,
    );
}

#[tokio::test]
async fn list_all_tables_follows_next_page() {
    // `list_all_tables` asks for 500 per page, so it takes more than 500 tables to see a second
    // page: an empty workspace filled with 501.
    let sim = XanoSim::start(SimConfig::empty())
        .await
        .expect("start xano-sim");
    let client = client_for(&sim, xano_sim::DEMO_TOKEN, quick_retries(4));
    let ws = *sim.workspace_ids().first().expect("one workspace");
    let mut want: Vec<String> = (0..501).rev().map(|i| format!("t{i:03}")).collect();
    for name in &want {
        let new = NewTable {
            name: name.clone(),
            ..Default::default()
        };
        client.create_table(ws, &new).await.expect("create");
    }
    want.sort_unstable();
    sim.clear_requests();

    let all = client.list_all_tables(ws).await.expect("all tables");
    assert_eq!(
        all.iter().map(|t| t.name.clone()).collect::<Vec<_>>(),
        want,
        "every table once, in name order across the page boundary"
    );
    let page = |n: &str| Expected {
        method: "GET",
        path: format!("/workspace/{ws}/table"),
        query: [
            ("page", n),
            ("per_page", "500"),
            ("sort", "name"),
            ("order", "asc"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .to_vec(),
        body: None,
    };
    expect_requests(&sim, &[page("1"), page("2")]);
}

#[tokio::test]
async fn table_lifecycle_schema_and_indexes() {
    let (sim, client) = setup().await;
    let new = NewTable {
        name: "events".into(),
        description: Some("what users did".into()),
        ..Default::default()
    };
    let id = client.create_table(WS, &new).await.expect("create");
    assert_eq!(sim.table_id(WS, "events"), Some(id));
    expect_request(
        &sim,
        "POST",
        &format!("/workspace/{WS}/table"),
        &[],
        Some(json!({"name":"events","description":"what users did"})),
    );

    let update = TableMetaUpdate {
        description: Some("user events".into()),
        ..Default::default()
    };
    let answer = client
        .update_table_meta(WS, id, &update)
        .await
        .expect("meta");
    assert_eq!(answer, json!({}));
    expect_request(
        &sim,
        "PUT",
        &format!("/workspace/{WS}/table/{id}/meta"),
        &[],
        Some(json!({"description":"user events"})),
    );
    assert_eq!(
        client.get_table(WS, id).await.expect("get").description,
        "user events"
    );
    sim.clear_requests();

    let body = row(json!({"name":"kind","values":["login","view"],"required":true}));
    let col = client
        .add_column(WS, id, "enum", &body)
        .await
        .expect("add column");
    assert_eq!(col.name, "kind");
    expect_request(
        &sim,
        "POST",
        &format!("/workspace/{WS}/table/{id}/schema/type/enum"),
        &[],
        Some(json!({"name":"kind","values":["login","view"],"required":true})),
    );

    let schema = client.get_schema(WS, id).await.expect("schema");
    let kind = schema
        .iter()
        .find(|f| f.name == "kind")
        .expect("kind column");
    assert_eq!(kind.field_type, "enum");
    assert_eq!(kind.enum_values(), vec!["login", "view"]);
    let want: Vec<String> = sim
        .schema(WS, id)
        .iter()
        .map(|f| f["name"].as_str().expect("name").to_owned())
        .collect();
    assert_eq!(
        schema.iter().map(|f| f.name.clone()).collect::<Vec<_>>(),
        want
    );
    expect_request(
        &sim,
        "GET",
        &format!("/workspace/{WS}/table/{id}/schema"),
        &[],
        None,
    );

    let answer = client
        .rename_column(WS, id, "kind", "event_kind")
        .await
        .expect("rename");
    assert_eq!(answer, json!({}));
    expect_request(
        &sim,
        "POST",
        &format!("/workspace/{WS}/table/{id}/schema/rename"),
        &[],
        Some(json!({"old_name":"kind","new_name":"event_kind"})),
    );

    let mut replaced: Vec<TableField> = client.get_schema(WS, id).await.expect("schema");
    sim.clear_requests();
    replaced.retain(|f| f.name != "event_kind");
    // What goes out is the schema as the double holds it, minus the dropped column: reading it
    // into `TableField`s and writing it back loses nothing.
    let mut kept = sim.schema(WS, id);
    kept.retain(|f| f["name"] != "event_kind");
    assert_eq!(kept[0]["name"], "id");
    let answer = client
        .replace_schema(WS, id, &replaced)
        .await
        .expect("replace schema");
    assert_eq!(answer, json!({}));
    expect_request(
        &sim,
        "PUT",
        &format!("/workspace/{WS}/table/{id}/schema"),
        &[],
        Some(json!({ "schema": kept })),
    );
    assert_eq!(sim.schema(WS, id), kept);

    client
        .add_column(WS, id, "text", &row(json!({"name":"note"})))
        .await
        .expect("add note");
    sim.clear_requests();
    let answer = client
        .delete_column(WS, id, "note")
        .await
        .expect("drop column");
    assert_eq!(answer, json!({}));
    expect_request(
        &sim,
        "DELETE",
        &format!("/workspace/{WS}/table/{id}/schema/note"),
        &[],
        None,
    );
    assert!(!sim.schema(WS, id).iter().any(|f| f["name"] == "note"));

    let index_id = client
        .create_index(
            WS,
            id,
            "btree",
            &json!({"fields":[{"name":"created_at","op":"desc"}]}),
        )
        .await
        .expect("index");
    expect_request(
        &sim,
        "POST",
        &format!("/workspace/{WS}/table/{id}/index/btree"),
        &[],
        Some(json!({"fields":[{"name":"created_at","op":"desc"}]})),
    );
    let indexes = client.list_indexes(WS, id).await.expect("indexes");
    assert!(
        indexes
            .iter()
            .any(|i| i.id.as_ref() == Some(&index_id) && i.index_type == "btree")
    );
    assert_eq!(indexes.len(), sim.indexes(WS, id).len());
    expect_request(
        &sim,
        "GET",
        &format!("/workspace/{WS}/table/{id}/index"),
        &[],
        None,
    );

    let index_text = index_id.as_str().expect("hex id").to_owned();
    let answer = client
        .delete_index(WS, id, &index_text)
        .await
        .expect("drop index");
    assert_eq!(answer, json!({}));
    expect_request(
        &sim,
        "DELETE",
        &format!("/workspace/{WS}/table/{id}/index/{index_text}"),
        &[],
        None,
    );

    let keep = vec![json!({"type":"primary","fields":[{"name":"id"}]})];
    let answer = client
        .replace_indexes(WS, id, &keep)
        .await
        .expect("replace indexes");
    assert_eq!(answer, json!({}));
    expect_request(
        &sim,
        "PUT",
        &format!("/workspace/{WS}/table/{id}/index"),
        &[],
        Some(json!({"index": keep})),
    );
    assert_eq!(sim.indexes(WS, id).len(), 1);

    let answer = client.delete_table(WS, id).await.expect("drop table");
    assert_eq!(answer, json!({}));
    expect_request(
        &sim,
        "DELETE",
        &format!("/workspace/{WS}/table/{id}"),
        &[],
        None,
    );
    assert_eq!(sim.table_id(WS, "events"), None);
}

#[tokio::test]
async fn content_browse_get_and_page_walk() {
    let (sim, client) = setup().await;
    let t = customers(&sim);
    let all = sim.rows(WS, t);
    assert!(all.len() > 100, "the demo has a few hundred customers");

    let page = client.browse_content(WS, t, 2, 25).await.expect("page 2");
    assert_eq!(ids(&page.items), ids(&all[25..50]));
    assert_eq!(page.cur_page, Some(2));
    assert_eq!(page.prev_page, Some(1));
    assert_eq!(page.next_page, Some(3));
    assert_eq!(page.offset, 25);
    assert_eq!(page.items_total, Some(all.len() as u64));
    assert_eq!(page.page_total, Some(all.len().div_ceil(25) as u64));
    expect_request(
        &sim,
        "GET",
        &format!("/workspace/{WS}/table/{t}/content"),
        &[("page", "2"), ("per_page", "25")],
        None,
    );

    let walked = client.all_rows(WS, t, 40).await.expect("all rows");
    assert_eq!(walked, all);
    let pages: Vec<Expected> = (1..=all.len().div_ceil(40))
        .map(|n| Expected {
            method: "GET",
            path: format!("/workspace/{WS}/table/{t}/content"),
            query: vec![
                ("page".into(), n.to_string()),
                ("per_page".into(), "40".into()),
            ],
            body: None,
        })
        .collect();
    assert!(pages.len() > 1, "the walk must cross pages");
    expect_requests(&sim, &pages);

    let first = &all[0];
    let id = RowId::Int(first["id"].as_i64().expect("id"));
    let got = client.get_row(WS, t, &id).await.expect("row");
    assert_eq!(&got, first);
    expect_request(
        &sim,
        "GET",
        &format!("/workspace/{WS}/table/{t}/content/{id}"),
        &[],
        None,
    );

    let missing = client
        .get_row(WS, t, &RowId::Int(9_999_999))
        .await
        .expect_err("missing");
    assert!(matches!(missing, xano::Error::NotFound { .. }));
}

#[tokio::test]
async fn content_writes_one_by_one_and_data_source_header() {
    let (sim, client) = setup().await;
    let t = sim.table_id(WS, demo::PRODUCTS).expect("products");
    let before = sim.rows(WS, t).len();

    let new = row(
        json!({"name":"Walnut desk","sku":"DESK-WAL-1","price":499.0,"stock":3,"category":"furniture"}),
    );
    let created = client.create_row(WS, t, &new).await.expect("create row");
    let id = RowId::Int(created["id"].as_i64().expect("id"));
    assert_eq!(created["sku"], "DESK-WAL-1");
    assert_eq!(sim.rows(WS, t).len(), before + 1);
    expect_request(
        &sim,
        "POST",
        &format!("/workspace/{WS}/table/{t}/content"),
        &[],
        Some(Value::Object(new)),
    );

    let changes = row(json!({"stock": 2}));
    let updated = client
        .update_row(WS, t, &id, &changes)
        .await
        .expect("update row");
    assert_eq!(updated["stock"], 2);
    assert_eq!(updated["name"], "Walnut desk");
    expect_request(
        &sim,
        "PUT",
        &format!("/workspace/{WS}/table/{t}/content/{id}"),
        &[],
        Some(json!({"stock":2})),
    );

    let answer = client.delete_row(WS, t, &id).await.expect("delete row");
    assert_eq!(answer, Value::Null);
    expect_request(
        &sim,
        "DELETE",
        &format!("/workspace/{WS}/table/{t}/content/{id}"),
        &[],
        None,
    );
    assert_eq!(sim.rows(WS, t).len(), before);

    let test_source = client.with_data_source(Some("test".into()));
    test_source
        .create_row(
            WS,
            t,
            &row(json!({"name":"Test item","sku":"T-1","price":1.0,"stock":1,"category":"x"})),
        )
        .await
        .expect("create in test");
    let req = only_request(&sim);
    assert_eq!(
        req.headers.get("x-data-source").map(String::as_str),
        Some("test")
    );
    sim.clear_requests();
    assert_eq!(sim.rows_in(WS, t, "test").len(), 1);
    assert_eq!(sim.rows(WS, t).len(), before, "live data untouched");

    // Non-content calls never carry the header.
    test_source.list_workspaces().await.expect("workspaces");
    assert!(!only_request(&sim).headers.contains_key("x-data-source"));
}

#[tokio::test]
async fn content_search_paging_and_bulk() {
    let (sim, client) = setup().await;
    let t = customers(&sim);
    let all = sim.rows(WS, t);

    let search = ContentSearch {
        page: 1,
        per_page: 20,
        search: vec![
            PipeCondition::new(
                "subscription_tier",
                PipeOp::In,
                json!(["pro", "enterprise"]),
            ),
            PipeCondition::new("region", PipeOp::Eq, json!("US")),
        ],
        sort: vec![("id".into(), SortDirection::Desc)],
    };
    let mut want: Vec<i64> = all
        .iter()
        .filter(|r| {
            ["pro", "enterprise"].contains(&r["subscription_tier"].as_str().unwrap_or(""))
                && r["region"] == "US"
        })
        .map(|r| r["id"].as_i64().expect("id"))
        .collect();
    want.sort_unstable_by(|a, b| b.cmp(a));
    assert!(
        want.len() > 20,
        "the demo data should need several pages here"
    );

    let page = client.search_content(WS, t, &search).await.expect("search");
    assert_eq!(ids(&page.items), want[..20]);
    assert_eq!(page.items_total, Some(want.len() as u64));
    expect_request(
        &sim,
        "POST",
        &format!("/workspace/{WS}/table/{t}/content/search"),
        &[],
        Some(
            json!({"page":1,"per_page":20,"sort":[{"id":"desc"}],"search":[{"subscription_tier|in":["pro","enterprise"]},{"region":"US"}]}),
        ),
    );
    let every = client.search_all(WS, t, &search).await.expect("search all");
    assert_eq!(ids(&every), want);
    let pages: Vec<Expected> = (1..=want.len().div_ceil(20))
        .map(|n| Expected {
            method: "POST",
            path: format!("/workspace/{WS}/table/{t}/content/search"),
            query: vec![],
            body: Some(
                json!({"page":n,"per_page":20,"sort":[{"id":"desc"}],"search":[{"subscription_tier|in":["pro","enterprise"]},{"region":"US"}]}),
            ),
        })
        .collect();
    assert!(pages.len() > 1, "the walk must cross pages");
    expect_requests(&sim, &pages);

    // Bulk create, patch and delete on a fresh table.
    let p = sim.table_id(WS, demo::PRODUCTS).expect("products");
    let items: Vec<Map<String, Value>> = (0..3)
        .map(|i| row(json!({"name": format!("Lamp {i}"), "sku": format!("LAMP-{i}"), "price": 20.0 + f64::from(i), "stock": 10, "category":"lighting"})))
        .collect();
    let new_ids = client
        .bulk_create(WS, p, &items, false)
        .await
        .expect("bulk create");
    assert_eq!(new_ids.len(), 3);
    expect_request(
        &sim,
        "POST",
        &format!("/workspace/{WS}/table/{p}/content/bulk"),
        &[],
        Some(json!({"items": items, "allow_id_field": false})),
    );

    let patch: Vec<BulkPatchItem> = new_ids
        .iter()
        .map(|id| BulkPatchItem {
            row_id: id.clone(),
            updates: row(json!({"stock": 0})),
        })
        .collect();
    let outcome = client.bulk_patch(WS, p, &patch).await.expect("bulk patch");
    assert_eq!(outcome.success_total, 3);
    assert_eq!(outcome.success, new_ids);
    assert!(outcome.error.is_empty());
    let int_ids: Vec<i64> = new_ids
        .iter()
        .map(|id| match id {
            RowId::Int(n) => *n,
            RowId::Text(t) => panic!("products has integer ids, got {t}"),
        })
        .collect();
    expect_request(
        &sim,
        "POST",
        &format!("/workspace/{WS}/table/{p}/content/bulk/patch"),
        &[],
        Some(json!({"items": [
            {"row_id": int_ids[0], "updates": {"stock": 0}},
            {"row_id": int_ids[1], "updates": {"stock": 0}},
            {"row_id": int_ids[2], "updates": {"stock": 0}},
        ]})),
    );
    let stocks: Vec<Value> = sim
        .rows(WS, p)
        .into_iter()
        .filter(|r| new_ids.contains(&RowId::Int(r["id"].as_i64().expect("id"))))
        .map(|r| r["stock"].clone())
        .collect();
    assert_eq!(stocks, vec![json!(0); 3]);

    let patched = client
        .patch_by_search(
            WS,
            p,
            &[PipeCondition::new(
                "category",
                PipeOp::Eq,
                json!("lighting"),
            )],
            &row(json!({"stock": 5})),
        )
        .await
        .expect("patch by search");
    let lighting = sim
        .rows(WS, p)
        .into_iter()
        .filter(|r| r["category"] == "lighting")
        .count();
    assert_eq!(patched.success_total, lighting as u64);
    expect_request(
        &sim,
        "POST",
        &format!("/workspace/{WS}/table/{p}/content/search/patch"),
        &[],
        Some(json!({"search":[{"category":"lighting"}],"updates":{"stock":5}})),
    );

    let mut to_delete = new_ids.clone();
    to_delete.push(RowId::Int(9_999_999));
    let deleted = client
        .bulk_delete(WS, p, &to_delete)
        .await
        .expect("bulk delete");
    assert_eq!(deleted.success_total, 3);
    assert_eq!(deleted.error, vec![RowId::Int(9_999_999)]);
    expect_request(
        &sim,
        "POST",
        &format!("/workspace/{WS}/table/{p}/content/bulk/delete"),
        &[],
        Some(json!({"row_ids": to_delete})),
    );

    let before = sim.rows(WS, p).len();
    let cheap = sim
        .rows(WS, p)
        .into_iter()
        .filter(|r| r["price"].as_f64().unwrap_or(f64::MAX) < 10.0)
        .count();
    let removed = client
        .delete_by_search(WS, p, &[PipeCondition::new("price", PipeOp::Lt, json!(10))])
        .await
        .expect("delete by search");
    assert_eq!(removed.success_total, cheap as u64);
    assert_eq!(sim.rows(WS, p).len(), before - cheap);
    expect_request(
        &sim,
        "POST",
        &format!("/workspace/{WS}/table/{p}/content/search/delete"),
        &[],
        Some(json!({"search":[{"price|<":10}]})),
    );

    let answer = client.truncate_table(WS, p, true).await.expect("truncate");
    assert_eq!(answer, Value::Null);
    expect_request(
        &sim,
        "DELETE",
        &format!("/workspace/{WS}/table/{p}/truncate"),
        &[],
        Some(json!({"reset": true})),
    );
    assert!(sim.rows(WS, p).is_empty());
}

#[tokio::test]
async fn api_groups_apis_and_openapi() {
    let (sim, client) = setup().await;
    let groups = client
        .list_api_groups(WS, &ListParams::default())
        .await
        .expect("groups");
    assert_eq!(groups.items.len(), 2, "the demo has two API groups");
    expect_request(&sim, "GET", &format!("/workspace/{WS}/apigroup"), &[], None);

    let group = &groups.items[0];
    let got = client.get_api_group(WS, group.id).await.expect("group");
    assert_eq!(got.name, group.name);
    expect_request(
        &sim,
        "GET",
        &format!("/workspace/{WS}/apigroup/{}", group.id),
        &[],
        None,
    );

    let params = ListParams {
        per_page: Some(5),
        ..Default::default()
    };
    let apis = client.list_apis(WS, group.id, &params).await.expect("apis");
    assert!(!apis.items.is_empty() && apis.items.len() <= 5);
    assert!(apis.items.iter().all(|a| !a.verb.is_empty()));
    expect_request(
        &sim,
        "GET",
        &format!("/workspace/{WS}/apigroup/{}/api", group.id),
        &[("per_page", "5")],
        None,
    );

    let doc = client
        .get_api_group_openapi(WS, group.id)
        .await
        .expect("openapi");
    assert!(
        doc.get("openapi").is_some() && doc["paths"].as_object().is_some_and(|p| !p.is_empty())
    );
    expect_request(
        &sim,
        "GET",
        &format!("/workspace/{WS}/apigroup/{}/openapi", group.id),
        &[],
        None,
    );
}

#[tokio::test]
async fn request_history_browse_and_search() {
    let (sim, client) = setup().await;
    let history = sim.history(WS);
    assert!(history.len() > 500, "about a day of traffic");

    let query = HistoryQuery {
        page: Some(1),
        per_page: Some(100),
        ..Default::default()
    };
    let page = client.request_history(WS, &query).await.expect("history");
    assert_eq!(page.items.len(), 100);
    assert_eq!(page.next_page, Some(2));
    let want: Vec<i64> = history
        .iter()
        .take(100)
        .map(|h| h["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(page.items.iter().map(|i| i.id).collect::<Vec<_>>(), want);
    expect_request(
        &sim,
        "GET",
        &format!("/workspace/{WS}/request_history"),
        &[("page", "1"), ("per_page", "100")],
        None,
    );

    let search = HistorySearch {
        page: 1,
        per_page: 500,
        search: vec![PipeCondition::new("status", PipeOp::Gte, json!(400))],
        sort: Some(("duration".into(), SortDirection::Desc)),
        ..Default::default()
    };
    let errors = client
        .search_request_history(WS, &search)
        .await
        .expect("search");
    let want = history
        .iter()
        .filter(|h| h["status"].as_i64().unwrap_or(0) >= 400)
        .count();
    assert_eq!(errors.items.len(), want.min(500));
    assert!(errors.items.iter().all(|i| i.status >= 400));
    assert!(
        errors
            .items
            .windows(2)
            .all(|w| w[0].duration >= w[1].duration)
    );
    expect_request(
        &sim,
        "POST",
        &format!("/workspace/{WS}/request_history/search"),
        &[],
        Some(
            json!({"page":1,"per_page":500,"search":[{"status|>=|":400}],"sort":{"duration":"desc"}}),
        ),
    );
}

/// Xano's `{code, message, payload: {param}}` 400 body becomes `Error::InputError` carrying the
/// param, is not retried (read or write), and changes nothing.
#[tokio::test]
async fn refused_input_is_a_typed_error_naming_the_param() {
    let (sim, client) = setup().await;
    let t = customers(&sim);
    let before = sim.rows(WS, t);

    let bad = row(json!({"name": "X", "shoe_size": 44}));
    let err = client
        .create_row(WS, t, &bad)
        .await
        .expect_err("unknown column");
    match &err {
        xano::Error::InputError {
            message,
            param,
            code,
        } => {
            assert_eq!(param.as_deref(), Some("shoe_size"), "{err}");
            assert_eq!(code.as_deref(), Some("ERROR_CODE_INPUT_ERROR"), "{err}");
            assert!(message.contains("shoe_size"), "{message}");
        }
        other => panic!("expected an input error, got {other:?}"),
    }
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.code(), "xano_input_error");
    assert!(err.to_string().contains("parameter `shoe_size`"), "{err}");
    assert!(!err.write_outcome_unknown(), "a 400 applied nothing");
    let req = expect_request(
        &sim,
        "POST",
        &format!("/workspace/{WS}/table/{t}/content"),
        &[],
        Some(Value::Object(bad)),
    );
    assert_eq!(req.status, 400);
    assert_eq!(sim.rows(WS, t), before);

    // A read (search) refused the same way: one request, the param named.
    let search = ContentSearch {
        page: 1,
        per_page: 10,
        search: vec![PipeCondition::new("shoe_size", PipeOp::Eq, json!(44))],
        sort: vec![],
    };
    let err = client
        .search_content(WS, t, &search)
        .await
        .expect_err("unknown search column");
    assert!(
        matches!(&err, xano::Error::InputError { param: Some(p), .. } if p == "search"),
        "{err:?}"
    );
    let req = expect_request(
        &sim,
        "POST",
        &format!("/workspace/{WS}/table/{t}/content/search"),
        &[],
        Some(json!({"page":1,"per_page":10,"search":[{"shoe_size":44}]})),
    );
    assert_eq!(req.status, 400);
}
