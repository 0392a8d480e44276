//! Request history: envelope, filters, search, the 24 h window and the seed's traffic mix.

use std::time::Duration;

use serde_json::{Value, json};
use xano_sim::demo;

use crate::common::{Api, NOW_MS, ids};

fn history_path() -> String {
    format!("/workspace/{}/request_history", demo::WORKSPACE_ID)
}

#[tokio::test]
async fn browse_is_a_newest_first_meta_envelope() {
    let api = Api::demo().await;
    let all = api.sim.history(demo::WORKSPACE_ID);
    assert!((2900..=3100).contains(&all.len()), "{} items", all.len());

    let page = api.get(&format!("{}?per_page=500", history_path())).await;
    assert_eq!(page.status, 200);
    let body = &page.body;
    assert_eq!(
        (
            body["curPage"].clone(),
            body["nextPage"].clone(),
            body["prevPage"].clone()
        ),
        (json!(1), json!(2), Value::Null)
    );
    let items = body["items"].as_array().expect("items");
    assert_eq!(items.len(), 500);
    let item = &items[0];
    for key in [
        "id",
        "created_at",
        "duration",
        "status",
        "verb",
        "uri",
        "input",
        "request_headers",
        "response_headers",
        "workspace_id",
        "branch_id",
        "api_id",
        "query_id",
    ] {
        assert!(item.get(key).is_some(), "history item lacks {key}");
    }
    assert!(
        item.get("output").is_none(),
        "output only with include_output"
    );
    let created = item["created_at"].as_str().expect("string time");
    assert_eq!(created.len(), "2025-12-31 23:59:59+0000".len());
    assert!(created.ends_with("+0000"));
    let mut with_output = all[0].clone();
    with_output.as_object_mut().unwrap().remove("output");
    assert_eq!(
        item, &with_output,
        "history() matches the API, newest first"
    );
    let times: Vec<&str> = items
        .iter()
        .filter_map(|i| i["created_at"].as_str())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]));

    let out = api
        .get(&format!(
            "{}?per_page=1&include_output=true",
            history_path()
        ))
        .await;
    assert!(out.body["items"][0].get("output").is_some());

    for per_page in ["0", "501"] {
        let r = api
            .get(&format!("{}?per_page={per_page}", history_path()))
            .await;
        assert_eq!(r.status, 400);
        assert_eq!(r.body["payload"]["param"], "per_page");
    }
    let r = api
        .post(
            &format!("{}/search", history_path()),
            json!({"per_page": 501}),
        )
        .await;
    assert_eq!(r.body["payload"]["param"], "per_page");
    assert_eq!(
        api.get(&format!("{}?branch=nope", history_path()))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn the_seed_traffic_looks_real() {
    let api = Api::demo().await;
    let all = api.sim.history(demo::WORKSPACE_ID);
    let n = all.len() as f64;
    let share = |pred: &dyn Fn(&Value) -> bool| all.iter().filter(|h| pred(h)).count() as f64 / n;
    let status = |h: &Value| h["status"].as_u64().unwrap_or(0);
    let client_errors = share(&|h| (400..500).contains(&status(h)));
    let server_errors = share(&|h| status(h) >= 500);
    assert!(
        (0.03..0.08).contains(&client_errors),
        "4xx share {client_errors}"
    );
    assert!(
        (0.002..0.025).contains(&server_errors),
        "5xx share {server_errors}"
    );
    assert!(share(&|h| status(h) == 201) > 0.0 && share(&|h| status(h) == 204) > 0.0);
    let mut durations: Vec<f64> = all.iter().filter_map(|h| h["duration"].as_f64()).collect();
    durations.sort_by(f64::total_cmp);
    let median = durations[durations.len() / 2];
    assert!((0.04..0.15).contains(&median), "median duration {median}s");
    assert!(
        durations.iter().any(|d| *d >= 1.0 && *d <= 3.0),
        "some slow calls"
    );
    assert!(all.iter().any(|h| h["uri"].as_str().is_some_and(
        |u| u.starts_with("/api:") && u.chars().last().is_some_and(|c| c.is_ascii_digit())
    )));
    assert!(all.iter().all(
        |h| h["request_headers"].as_array().unwrap().iter().all(|v| {
            let v = v.as_str().unwrap();
            !v.starts_with("Authorization:") || v == "Authorization: [redacted]"
        })
    ));
    let oldest = all.last().unwrap()["created_at"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(oldest.as_str() >= "2025-12-31 00:00:00+0000", "{oldest}");
    let second = api.sim.history(demo::SECOND_WORKSPACE_ID);
    assert!((10..200).contains(&second.len()));
}

#[tokio::test]
async fn filters_and_search_match_direct_evaluation() {
    let api = Api::demo().await;
    let all = api.sim.history(demo::WORKSPACE_ID);
    let search = |body: Value| {
        let api = &api;
        async move {
            let mut body = body;
            body["per_page"] = json!(500);
            let mut out = Vec::new();
            let mut page = 1;
            loop {
                body["page"] = json!(page);
                let r = api
                    .post(&format!("{}/search", history_path()), body.clone())
                    .await;
                assert_eq!(r.status, 200, "{}", r.body);
                out.extend(r.body["items"].as_array().unwrap().iter().cloned());
                match r.body["nextPage"].as_i64() {
                    Some(next) => page = next,
                    None => break,
                }
            }
            out
        }
    };

    let slow_errors = search(json!({"search": [{"status|>=|": 400}, {"duration|>|": 0.05}]})).await;
    let expected: Vec<i64> = all
        .iter()
        .filter(|h| h["status"].as_i64().unwrap() >= 400 && h["duration"].as_f64().unwrap() > 0.05)
        .map(|h| h["id"].as_i64().unwrap())
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(ids(&json!(slow_errors)), expected);

    let cutoff = NOW_MS - 3_600_000;
    let recent =
        search(json!({"search": {"created_at|>|": cutoff}, "sort": {"duration": "desc"}})).await;
    assert!(!recent.is_empty() && recent.len() < all.len());
    let durations: Vec<f64> = recent
        .iter()
        .map(|h| h["duration"].as_f64().unwrap())
        .collect();
    assert!(durations.windows(2).all(|w| w[0] >= w[1]));
    let expected_count = all
        .iter()
        .filter(|h| h["created_at"].as_str().unwrap() > "2025-12-31 23:00:00+0000")
        .count();
    assert_eq!(recent.len(), expected_count);

    let group = all[0]["api_id"].as_i64().unwrap();
    let endpoint = all[0]["query_id"].as_i64().unwrap();
    let by_group = search(json!({"apigroup_id": group})).await;
    assert!(by_group.iter().all(|h| h["api_id"] == group));
    assert_eq!(
        by_group.len(),
        all.iter().filter(|h| h["api_id"] == group).count()
    );
    let get = api
        .get(&format!(
            "{}?api_id={group}&query_id={endpoint}&per_page=500",
            history_path()
        ))
        .await;
    let items = get.body["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|h| h["query_id"] == endpoint));

    let posts = search(json!({"search": [{"verb": "POST"}, {"uri|in": []}]})).await;
    assert!(posts.is_empty(), "an empty `in` list matches nothing");
    let bad = api
        .post(
            &format!("{}/search", history_path()),
            json!({"search": {"latency|>": 1}}),
        )
        .await;
    assert_eq!(bad.body["payload"]["param"], "search");
}

#[tokio::test]
async fn the_window_follows_the_clock() {
    let api = Api::demo().await;
    let ws = demo::WORKSPACE_ID;
    let all = api.sim.history(ws);
    api.sim.advance_clock(Duration::from_secs(12 * 3600));
    let cutoff = "2025-12-31 12:00:00+0000";
    let expected = all
        .iter()
        .filter(|h| h["created_at"].as_str().unwrap() >= cutoff)
        .count();
    let kept = api.sim.history(ws);
    assert!(expected > 0 && expected < all.len());
    // Times are second-resolution strings; allow the items of the boundary second.
    let boundary = all
        .iter()
        .filter(|h| h["created_at"].as_str().unwrap() == cutoff)
        .count();
    assert!(kept.len() <= expected && kept.len() + boundary >= expected);

    api.sim.add_history(ws, 5);
    let now = api.sim.history(ws);
    assert_eq!(now.len(), kept.len() + 5);
    assert_eq!(now[0]["created_at"], "2026-01-01 12:00:00+0000");
    assert!(now[0]["id"].as_i64() > kept[0]["id"].as_i64());
    let page = api.get(&format!("{}?per_page=5", history_path())).await;
    assert_eq!(ids(&page.body["items"]), ids(&json!(now[..5].to_vec())));

    api.sim.advance_clock(Duration::from_secs(24 * 3600 + 1));
    assert!(api.sim.history(ws).is_empty());
    let page = api.get(&history_path()).await;
    assert_eq!(page.body["items"], json!([]));
    assert_eq!(page.body["nextPage"], Value::Null);
}
