//! The wire shapes we promise, pinned with insta snapshots (guids and times redacted).

use insta::assert_json_snapshot;
use reqwest::Method;
use serde_json::json;
use xano_sim::{FaultKind, Scope, SimToken, demo};

use crate::common::{Api, config};

#[tokio::test]
async fn workspace_list_is_a_bare_array() {
    let api = Api::demo().await;
    let reply = api.get("/workspace").await;
    assert_eq!(reply.status, 200);
    assert_json_snapshot!("workspace_list", reply.body);
}

#[tokio::test]
async fn table_list_is_a_meta_envelope() {
    let api = Api::demo().await;
    let reply = api
        .get(&format!(
            "/workspace/{}/table?per_page=2&sort=name&order=asc",
            demo::WORKSPACE_ID
        ))
        .await;
    assert_eq!(reply.status, 200);
    assert_json_snapshot!("table_list_page_1", reply.body, {
        ".items[].guid" => "[guid]",
        ".items[].created_at" => "[time]",
        ".items[].updated_at" => "[time]",
    });
}

#[tokio::test]
async fn content_envelope_of_a_four_row_table_matches_the_reference_example() {
    let api = Api::demo().await;
    let created = api
        .post(
            &format!("/workspace/{}/table", demo::WORKSPACE_ID),
            json!({"name": "rating", "description": "four rows"}),
        )
        .await;
    assert_eq!(created.status, 200, "{:?}", created.body);
    let table = created.body["id"].as_i64().expect("table id");
    let path = format!("/workspace/{}/table/{table}", demo::WORKSPACE_ID);
    let added = api
        .post(
            &format!("{path}/schema/type/text"),
            json!({"name": "title", "required": true}),
        )
        .await;
    assert_eq!(added.body, json!({"name": "title"}));
    let bulk = api
        .post(
            &format!("{path}/content/bulk"),
            json!({"items": [{"title": "a"}, {"title": "b"}, {"title": "c"}, {"title": "d"}]}),
        )
        .await;
    assert_eq!(bulk.body, json!([1, 2, 3, 4]));

    let page = api.get(&format!("{path}/content")).await;
    assert_eq!(page.status, 200);
    // The reference's example values for 4 rows, page 1 (§3), plus perPage.
    assert_eq!(page.body["itemsReceived"], 4);
    assert_eq!(page.body["curPage"], 1);
    assert_eq!(page.body["nextPage"], json!(null));
    assert_eq!(page.body["prevPage"], json!(null));
    assert_eq!(page.body["offset"], 0);
    assert_eq!(page.body["itemsTotal"], 4);
    assert_eq!(page.body["pageTotal"], 1);
    assert_eq!(page.body["perPage"], 50);
    assert_json_snapshot!("content_page_four_rows", page.body);
}

#[tokio::test]
async fn error_bodies() {
    let mut config = config();
    config.tokens.push(SimToken::with_scopes(
        "content_reader",
        &[(Scope::WorkspaceContent, "r")],
    ));
    let api = Api::with(config, xano_sim::DEMO_TOKEN).await;
    let customers = api.table_path(demo::CUSTOMERS);

    let r401 = api.as_token("not-a-token").get("/workspace").await;
    assert_eq!(r401.status, 401);
    assert!(!r401.body.to_string().contains("not-a-token"));
    assert_json_snapshot!("error_401", r401.body);

    let r403 = api
        .as_token("content_reader")
        .send(
            Method::PUT,
            &format!("{customers}/content/1"),
            Some(&json!({"name": "x"})),
            &[],
        )
        .await;
    assert_eq!(r403.status, 403);
    assert_json_snapshot!("error_403", r403.body);

    let full = api;
    let r404 = full.get(&format!("{customers}/content/999999")).await;
    assert_eq!(r404.status, 404);
    assert_json_snapshot!("error_404", r404.body);
    let r404_route = full.get("/no/such/route").await;
    assert_eq!(r404_route.status, 404);
    assert_eq!(r404_route.body["code"], "ERROR_CODE_NOT_FOUND");

    let r400 = full
        .post(
            &format!("{customers}/content/search"),
            json!({"search": [{"shoe_size|>": 40}]}),
        )
        .await;
    assert_eq!(r400.status, 400);
    assert_json_snapshot!("error_400_search", r400.body);

    full.sim.fail_next(1, FaultKind::RateLimited);
    let r429 = full.get("/workspace").await;
    assert_eq!(r429.status, 429);
    assert!(r429.headers.get("retry-after").is_none());
    assert_json_snapshot!("error_429", r429.body);
}

#[tokio::test]
async fn identity_and_instances_point_at_this_sim() {
    let api = Api::demo().await;
    let me = api.get("/auth/me").await;
    assert_eq!(me.status, 200);
    assert_json_snapshot!("auth_me", me.body);

    let instances = api.get("/instance").await;
    assert_eq!(instances.status, 200);
    let list = instances.body.as_array().expect("bare array");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["meta_api"], api.sim.meta_url());
    let name = list[0]["name"].as_str().expect("name");
    let one = api.get(&format!("/instance/{name}")).await;
    assert_eq!(one.body, list[0]);
    assert_eq!(api.get("/instance/nope").await.status, 404);
}

#[tokio::test]
async fn branches_and_data_sources_are_bare_arrays() {
    let api = Api::demo().await;
    let ws = demo::WORKSPACE_ID;
    let branches = api.get(&format!("/workspace/{ws}/branch")).await;
    assert_json_snapshot!("branches", branches.body, {"[].created_at" => "[time]"});
    let sources = api.get(&format!("/workspace/{ws}/datasource")).await;
    assert_json_snapshot!("data_sources", sources.body);
    let one = api.get(&format!("/workspace/{ws}")).await;
    assert_eq!(one.body["name"], "Acme Store");
    assert_eq!(api.get("/workspace/99").await.status, 404);
    assert_eq!(
        api.get(&format!("/workspace/{ws}/table?branch=dev"))
            .await
            .status,
        200
    );
    assert_eq!(
        api.get(&format!("/workspace/{ws}/table?branch=nope"))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn encoded_prefix_reaches_the_same_routes() {
    let api = Api::demo().await;
    let url = format!("{}/api%3Ameta/workspace", api.sim.origin());
    let resp = api
        .http
        .get(url)
        .bearer_auth(&api.token)
        .send()
        .await
        .expect("sent");
    assert_eq!(resp.status().as_u16(), 200);
    let body: serde_json::Value = resp.json().await.expect("json");
    assert_eq!(body, api.get("/workspace").await.body);
    assert_eq!(api.sim.requests()[0].path, "/api:meta/workspace");
}

#[tokio::test]
async fn api_groups_endpoints_and_openapi() {
    let api = Api::demo().await;
    let ws = demo::WORKSPACE_ID;
    let groups = api
        .get(&format!("/workspace/{ws}/apigroup?sort=name&order=asc"))
        .await;
    let items = groups.body["items"].as_array().expect("items");
    let names: Vec<&str> = items.iter().filter_map(|g| g["name"].as_str()).collect();
    assert_eq!(names, [demo::ADMIN_API, demo::STOREFRONT_API]);
    assert_json_snapshot!("apigroup_item", items[1], {".guid" => "[guid]", ".created_at" => "[time]", ".updated_at" => "[time]"});
    let storefront = items[1]["id"].as_i64().expect("group id");

    let endpoints = api
        .get(&format!(
            "/workspace/{ws}/apigroup/{storefront}/api?per_page=100"
        ))
        .await;
    let endpoints = endpoints.body["items"].as_array().expect("items").clone();
    assert!(endpoints.len() >= 40, "{} endpoints", endpoints.len());
    for key in [
        "id",
        "created_at",
        "updated_at",
        "name",
        "description",
        "docs",
        "guid",
        "cache",
        "auth",
        "verb",
        "input",
        "tag",
    ] {
        assert!(endpoints[0].get(key).is_some(), "endpoint lacks {key}");
    }

    let doc = api
        .get(&format!("/workspace/{ws}/apigroup/{storefront}/openapi"))
        .await;
    assert_eq!(doc.status, 200);
    assert_eq!(doc.body["openapi"], "3.0.0");
    let paths = doc.body["paths"].as_object().expect("paths");
    let operations: usize = paths
        .values()
        .map(|p| p.as_object().map_or(0, |o| o.len()))
        .sum();
    assert_eq!(operations, endpoints.len());
    let get_customer = &doc.body["paths"]["/customers/{customers_id}"]["get"];
    assert_eq!(get_customer["parameters"][0]["in"], "path");
    assert_eq!(
        get_customer["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["status"]
            ["enum"],
        json!(["active", "inactive", "churned"])
    );
    assert!(doc.body.to_string().len() > 50_000, "a sizeable document");
    assert_eq!(
        api.get(&format!("/workspace/{ws}/apigroup/9999/openapi"))
            .await
            .status,
        404
    );
}
