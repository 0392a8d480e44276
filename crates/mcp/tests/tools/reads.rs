//! The identity, workspace, API-group and table reads, run through the client, checked against
//! the sim's own answers (fetched directly, not through the tools) and the request each one sent;
//! and the id forms DESIGN §3 accepts, sent through real tool calls.

use super::*;

/// The sim's own answer to a Metadata API request, fetched directly with the demo token.
async fn raw(h: &Harness, req: xano::XanoRequest) -> Value {
    XanoClient::with_options(
        MetaBase::parse(&h.sim.meta_url()).expect("base"),
        XanoToken::new(xano_sim::DEMO_TOKEN),
        ClientOptions::default(),
    )
    .expect("client")
    .send::<Value>(&req)
    .await
    .expect("the sim answers")
}

/// The (method, path) of the requests the last tool call sent.
fn sent(h: &Harness) -> Vec<(String, String)> {
    h.sim
        .requests()
        .into_iter()
        .map(|r| (r.method, r.path))
        .collect()
}

fn get(path: &str) -> (String, String) {
    ("GET".to_owned(), format!("/api:meta{path}"))
}

#[tokio::test]
async fn get_logged_in_user_is_the_token_owner() {
    let h = harness().await;
    let want = xano_sim::SimToken::full(xano_sim::DEMO_TOKEN);
    let out = h.call("getLoggedInUser", json!({})).await;
    assert_eq!(out["user"]["id"], want.user_id);
    assert_eq!(out["user"]["name"], want.user_name);
    assert_eq!(out["user"]["email"], want.user_email);
    assert_eq!(sent(&h), [get("/auth/me")]);
}

#[tokio::test]
async fn get_workspace_matches_the_sim() {
    let h = harness().await;
    for ws in h.sim.workspace_ids() {
        let want = raw(&h, xano::requests::get_workspace(ws)).await;
        h.sim.clear_requests();
        let out = h.call("getWorkspace", json!({"workspace_id": ws})).await;
        assert_eq!(out["workspace"], want, "workspace {ws}");
        assert_eq!(out["workspace"]["id"], ws);
        assert_eq!(sent(&h), [get(&format!("/workspace/{ws}"))]);
    }
}

#[tokio::test]
async fn get_workspace_branches_and_the_live_one() {
    let h = harness().await;
    let want = raw(&h, xano::requests::list_branches(WS)).await;
    let want = want.as_array().expect("branches");
    assert!(!want.is_empty());
    h.sim.clear_requests();
    let out = h
        .call("getWorkspaceBranches", json!({"workspace_id": WS}))
        .await;
    let labels = |v: &[Value]| -> Vec<(String, bool)> {
        v.iter()
            .map(|b| {
                (
                    b["label"].as_str().expect("label").to_owned(),
                    b["live"].as_bool().unwrap_or(false),
                )
            })
            .collect()
    };
    assert_eq!(
        labels(out["branches"].as_array().expect("branches")),
        labels(want)
    );
    let live: Vec<&Value> = want.iter().filter(|b| b["live"] == true).collect();
    assert_eq!(live.len(), 1, "one live branch");
    assert_eq!(out["live_branch"], live[0]["label"]);
    assert_eq!(sent(&h), [get(&format!("/workspace/{WS}/branch"))]);
}

#[tokio::test]
async fn workspace_data_sources_match_the_sim() {
    let h = harness().await;
    let want = raw(&h, xano::requests::list_data_sources(WS)).await;
    h.sim.clear_requests();
    let out = h
        .call("workspaceGetDataSources", json!({"workspace_id": WS}))
        .await;
    let labels = |v: &Value| -> Vec<String> {
        v.as_array()
            .expect("sources")
            .iter()
            .map(|s| s["label"].as_str().expect("label").to_owned())
            .collect()
    };
    assert_eq!(labels(&out["data_sources"]), labels(&want));
    assert!(labels(&want).contains(&"live".to_owned()));
    assert_eq!(out["data_sources"], want);
    assert_eq!(sent(&h), [get(&format!("/workspace/{WS}/datasource"))]);
}

#[tokio::test]
async fn get_api_group_matches_the_sim() {
    let h = harness().await;
    let groups = raw(
        &h,
        xano::requests::list_api_groups(WS, &xano::requests::ListParams::default()),
    )
    .await;
    let groups = groups["items"].as_array().expect("groups").clone();
    assert!(groups.len() >= 2);
    for g in groups {
        let id = g["id"].as_i64().expect("id");
        let want = raw(&h, xano::requests::get_api_group(WS, id)).await;
        h.sim.clear_requests();
        let out = h
            .call(
                "getApiGroup",
                json!({"workspace_id": WS, "api_group_id": id}),
            )
            .await;
        assert_eq!(out["api_group"]["id"], id);
        assert_eq!(out["api_group"]["name"], want["name"]);
        assert_eq!(out["api_group"]["description"], want["description"]);
        assert_eq!(out["api_group"]["guid"], want["guid"]);
        assert_eq!(sent(&h), [get(&format!("/workspace/{WS}/apigroup/{id}"))]);
    }
}

#[tokio::test]
async fn get_table_matches_the_sim_for_every_id_form() {
    let h = harness().await;
    let t = h.table("customers");
    let want = raw(&h, xano::requests::get_table(WS, t)).await;
    // Every form DESIGN §3 lists for workspace_id and table_id names the same table.
    let forms = [
        (json!(WS), json!(t)),
        (json!(WS.to_string()), json!(t.to_string())),
        (json!(format!("ws_{WS}")), json!(format!("tbl_{t}"))),
        (json!(format!("ws_{WS}")), json!("customers")),
    ];
    for (ws_arg, t_arg) in forms {
        h.sim.clear_requests();
        let out = h
            .call(
                "getTable",
                json!({"workspace_id": ws_arg, "table_id": t_arg}),
            )
            .await;
        assert_eq!(out["workspace_id"], WS, "{ws_arg} {t_arg}");
        assert_eq!(out["table"]["id"], t, "{ws_arg} {t_arg}");
        assert_eq!(out["table"]["name"], want["name"]);
        assert_eq!(out["table"]["description"], want["description"]);
        assert_eq!(out["table"]["auth"], want["auth"]);
        let gets: Vec<String> = h
            .sim
            .requests()
            .into_iter()
            .map(|r| r.path)
            .filter(|p| p.ends_with(&format!("/table/{t}")))
            .collect();
        assert_eq!(
            gets,
            [format!("/api:meta/workspace/{WS}/table/{t}")],
            "{ws_arg} {t_arg}"
        );
    }
}

#[tokio::test]
async fn id_forms_reach_the_same_rows_and_writes() {
    let h = harness().await;
    let t = h.table("products");
    let rows = h.sim.rows(WS, t);
    let first = rows[0]["id"].as_i64().expect("id");
    // Reads: each form returns the same page.
    for (ws_arg, t_arg) in [
        (json!(format!("ws_{WS}")), json!(format!("tbl_{t}"))),
        (json!(WS.to_string()), json!("products")),
        (json!(WS), json!(t.to_string())),
    ] {
        let out = h
            .call(
                "getTableContent",
                json!({"workspace_id": ws_arg, "table_id": t_arg, "limit": 5}),
            )
            .await;
        assert_eq!(ids(&out["items"]), row_ids(&rows[..5]), "{ws_arg} {t_arg}");
        let item = h
            .call(
                "getTableContentItem",
                json!({"workspace_id": ws_arg, "table_id": t_arg, "content_id": first.to_string()}),
            )
            .await;
        assert_eq!(item["items"][0]["id"], first, "{item}");
    }
    // A write with the prefixed forms goes to the right path.
    h.sim.clear_requests();
    h.call(
        "updateTableContentItem",
        json!({"workspace_id": format!("ws_{WS}"), "table_id": format!("tbl_{t}"), "content_id": first, "stock": 1234}),
    )
    .await;
    let writes: Vec<(String, String)> =
        h.writes().into_iter().map(|r| (r.method, r.path)).collect();
    assert_eq!(
        writes,
        [(
            "PUT".to_owned(),
            format!("/api:meta/workspace/{WS}/table/{t}/content/{first}")
        )]
    );
    assert_eq!(h.sim.rows(WS, t)[0]["stock"], 1234);
}
