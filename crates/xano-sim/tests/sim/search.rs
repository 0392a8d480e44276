//! Pipe search over the seed data, each result checked against a direct evaluation of `rows()`.

use std::cmp::Ordering;

use serde_json::{Map, Value, json};
use xano_sim::demo;

use crate::common::{Api, NOW_MS, ids, row_ids};

type Row = Map<String, Value>;

/// All ids a search returns (one big page), in order.
async fn search_ids(api: &Api, table: &str, body: Value) -> Vec<i64> {
    let mut body = body;
    body["per_page"] = json!(10_000);
    let reply = api
        .post(&format!("{}/content/search", api.table_path(table)), body)
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["nextPage"], Value::Null);
    ids(&reply.body["items"])
}

fn num(row: &Row, col: &str) -> f64 {
    row[col].as_f64().unwrap_or(f64::NAN)
}

fn text<'a>(row: &'a Row, col: &str) -> &'a str {
    row[col].as_str().unwrap_or_default()
}

async fn check(api: &Api, table: &str, search: Value, expect: impl Fn(&Row) -> bool) {
    let rows = api.rows(table);
    let expected = row_ids(rows.iter().filter(|r| expect(r)));
    assert!(
        !expected.is_empty() && expected.len() < rows.len(),
        "the case {search} should select some but not all rows"
    );
    let got = search_ids(api, table, json!({ "search": search })).await;
    assert_eq!(got, expected, "search {search}");
}

#[tokio::test]
async fn each_operator_matches_a_direct_evaluation() {
    let api = Api::demo().await;
    let c = demo::CUSTOMERS;
    let o = demo::ORDERS;
    let cutoff = NOW_MS - 365 * 24 * 3_600_000;

    check(&api, c, json!({"status": "active"}), |r| {
        text(r, "status") == "active"
    })
    .await;
    check(&api, c, json!([{"status|=": "churned"}]), |r| {
        text(r, "status") == "churned"
    })
    .await;
    check(&api, c, json!([{"region|!=": "US"}]), |r| {
        text(r, "region") != "US"
    })
    .await;
    check(&api, o, json!([{"total|>": 250}]), |r| {
        num(r, "total") > 250.0
    })
    .await;
    check(&api, o, json!([{"total|<": 100.5}]), |r| {
        num(r, "total") < 100.5
    })
    .await;
    check(&api, o, json!([{"customer_id|>=": 150}]), |r| {
        num(r, "customer_id") >= 150.0
    })
    .await;
    check(&api, o, json!([{"customer_id|<=": 150}]), |r| {
        num(r, "customer_id") <= 150.0
    })
    .await;
    check(&api, c, json!([{"created_at|>": cutoff}]), |r| {
        num(r, "created_at") > cutoff as f64
    })
    .await;
    check(&api, c, json!([{"name|>=": "M"}]), |r| {
        text(r, "name") >= "M"
    })
    .await;
    check(
        &api,
        c,
        json!([{"subscription_tier|in": ["pro", "enterprise"]}]),
        |r| ["pro", "enterprise"].contains(&text(r, "subscription_tier")),
    )
    .await;
    check(&api, c, json!([{"region|not in": ["US", "EU"]}]), |r| {
        !["US", "EU"].contains(&text(r, "region"))
    })
    .await;
    check(&api, c, json!([{"last_login": null}]), |r| {
        r["last_login"].is_null()
    })
    .await;
}

#[tokio::test]
async fn date_strings_compare_as_epoch_ms_on_timestamp_columns() {
    let api = Api::demo().await;
    let jan_2025 = 1_735_689_600_000_i64; // 2025-01-01T00:00:00Z
    check(
        &api,
        demo::CUSTOMERS,
        json!([{"last_login|>": "2025-01-01"}]),
        |r| r["last_login"].as_i64().is_some_and(|t| t > jan_2025),
    )
    .await;
}

#[tokio::test]
async fn or_joins_the_previous_condition() {
    let api = Api::demo().await;
    // active AND (US OR high)
    check(
        &api,
        demo::CUSTOMERS,
        json!([{"status": "active"}, {"region": "US"}, {"priority|=|or": "high"}]),
        |r| {
            text(r, "status") == "active"
                && (text(r, "region") == "US" || text(r, "priority") == "high")
        },
    )
    .await;
    // The reference example: price < 30 OR price > 70 (here: total).
    check(
        &api,
        demo::ORDERS,
        json!([{"total|<": 30}, {"total|>|or": 470}]),
        |r| num(r, "total") < 30.0 || num(r, "total") > 470.0,
    )
    .await;
    // Two OR runs: (pro OR enterprise tier) AND (EU OR APAC)
    check(
        &api,
        demo::CUSTOMERS,
        json!([
            {"subscription_tier": "pro"}, {"subscription_tier|=|or": "enterprise"},
            {"region": "EU"}, {"region|=|or": "APAC"}
        ]),
        |r| {
            ["pro", "enterprise"].contains(&text(r, "subscription_tier"))
                && ["EU", "APAC"].contains(&text(r, "region"))
        },
    )
    .await;
}

#[tokio::test]
async fn multi_column_sort() {
    let api = Api::demo().await;
    let mut rows = api.rows(demo::CUSTOMERS);
    rows.sort_by(|a, b| {
        text(a, "region").cmp(text(b, "region")).then_with(|| {
            num(b, "created_at")
                .partial_cmp(&num(a, "created_at"))
                .unwrap_or(Ordering::Equal)
        })
    });
    let got = search_ids(
        &api,
        demo::CUSTOMERS,
        json!({"sort": [{"region": "asc"}, {"created_at": "desc"}]}),
    )
    .await;
    assert_eq!(got, row_ids(&rows));

    let single = search_ids(&api, demo::ORDERS, json!({"sort": {"total": "desc"}})).await;
    let totals: Vec<f64> = single
        .iter()
        .map(|id| {
            let rows = api.rows(demo::ORDERS);
            num(rows.iter().find(|r| r["id"] == *id).expect("row"), "total")
        })
        .take(20)
        .collect();
    assert!(totals.windows(2).all(|w| w[0] >= w[1]), "{totals:?}");
}

#[tokio::test]
async fn paging_math() {
    let api = Api::demo().await;
    let path = format!("{}/content/search", api.table_path(demo::CUSTOMERS));
    let search = json!([{"status": "active"}]);
    let expected = row_ids(
        api.rows(demo::CUSTOMERS)
            .iter()
            .filter(|r| text(r, "status") == "active"),
    );
    let total = expected.len() as i64;
    let per_page = 7_i64;
    let page_total = (total + per_page - 1) / per_page;
    let mut seen = Vec::new();
    for page in 1..=page_total + 1 {
        let reply = api
            .post(
                &path,
                json!({"search": search, "page": page, "per_page": per_page}),
            )
            .await;
        let b = &reply.body;
        assert_eq!(b["curPage"], page);
        assert_eq!(b["itemsTotal"], total);
        assert_eq!(b["pageTotal"], page_total);
        assert_eq!(b["perPage"], per_page);
        assert_eq!(b["offset"], (page - 1) * per_page);
        let expect_next = if page < page_total {
            json!(page + 1)
        } else {
            Value::Null
        };
        assert_eq!(b["nextPage"], expect_next, "page {page}");
        let expect_prev = if page > 1 {
            json!(page - 1)
        } else {
            Value::Null
        };
        assert_eq!(b["prevPage"], expect_prev, "page {page}");
        let items = ids(&b["items"]);
        assert_eq!(b["itemsReceived"], items.len());
        seen.extend(items);
    }
    assert_eq!(seen, expected);

    // Browse pages the whole table the same way.
    let browse = api
        .get(&format!(
            "{}/content?page=3&per_page=100",
            api.table_path(demo::CUSTOMERS)
        ))
        .await;
    assert_eq!(browse.body["nextPage"], Value::Null);
    assert_eq!(browse.body["prevPage"], 2);
    assert_eq!(browse.body["pageTotal"], 3);
    assert_eq!(ids(&browse.body["items"]).first(), Some(&201));
}

#[tokio::test]
async fn bad_searches_are_input_errors() {
    let api = Api::demo().await;
    let path = format!("{}/content/search", api.table_path(demo::CUSTOMERS));
    for (body, param) in [
        (json!({"search": {"nope": 1}}), "search"),
        (json!({"search": [{"region|in": "US"}]}), "search"),
        (json!({"search": [{"region|~": "US"}]}), "search"),
        (json!({"search": "status=active"}), "search"),
        (json!({"sort": {"nope": "asc"}}), "sort"),
        (json!({"sort": {"name": "sideways"}}), "sort"),
        (json!({"per_page": 0}), "per_page"),
        (json!({"per_page": 10_001}), "per_page"),
        (json!({"page": 0}), "page"),
    ] {
        let reply = api.post(&path, body.clone()).await;
        assert_eq!(reply.status, 400, "{body}");
        assert_eq!(reply.body["code"], "ERROR_CODE_INPUT_ERROR");
        assert_eq!(reply.body["payload"]["param"], param, "{body}");
    }
    let reply = api
        .send(
            reqwest::Method::POST,
            &path,
            None,
            &[("content-type", "application/json")],
        )
        .await;
    assert_eq!(reply.status, 200, "an empty body searches everything");
    assert_eq!(reply.body["itemsTotal"], 300);
}
