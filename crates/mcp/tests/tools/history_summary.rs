//! `summarizeRequestHistory` orders and numbers, and the seed's `timestamp` filter, checked
//! against values computed here from the sim's history items. The sim's clock is frozen so the
//! history window does not move between the call and the check.

use super::support::harness_as;
use super::*;
use std::collections::BTreeMap;

async fn frozen_harness() -> Harness {
    let now = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
    harness_as(
        SimConfig {
            now_ms: Some(now),
            ..SimConfig::demo()
        },
        xano_sim::DEMO_TOKEN,
        EngineOptions::default(),
    )
    .await
}

fn created_ms(item: &Value) -> i64 {
    mcp::dates::parse_xano_timestamp(item["created_at"].as_str().expect("created_at"))
        .expect("a timestamp")
}

/// Rounded to 0.1, as the summary reports milliseconds.
fn tenth(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

#[derive(Debug)]
struct Expected {
    endpoint: String,
    count: usize,
    errors: usize,
    p50: f64,
    p95: f64,
    max: f64,
}

/// Per endpoint (verb + uri pattern): count, errors (status >= 400), nearest-rank p50/p95, max.
fn expected(items: &[Value]) -> Vec<Expected> {
    let mut groups: BTreeMap<String, (usize, Vec<f64>)> = BTreeMap::new();
    for i in items {
        let endpoint = format!(
            "{} {}",
            i["verb"].as_str().expect("verb").to_uppercase(),
            mcp::tools::history::uri_pattern(i["uri"].as_str().expect("uri"))
        );
        let g = groups.entry(endpoint).or_default();
        if i["status"].as_i64().expect("status") >= 400 {
            g.0 += 1;
        }
        g.1.push(i["duration"].as_f64().expect("duration") * 1000.0);
    }
    groups
        .into_iter()
        .map(|(endpoint, (errors, mut d))| {
            d.sort_by(f64::total_cmp);
            let rank = |p: f64| d[((p * d.len() as f64).ceil() as usize).clamp(1, d.len()) - 1];
            Expected {
                endpoint,
                count: d.len(),
                errors,
                p50: rank(0.5),
                p95: rank(0.95),
                max: d[d.len() - 1],
            }
        })
        .collect()
}

fn check_numbers(out: &Value, want: &[Expected]) {
    let rows = out["endpoints"].as_array().expect("endpoints");
    assert_eq!(rows.len(), want.len());
    assert_eq!(out["endpoint_count"], want.len());
    for w in want {
        let row = rows
            .iter()
            .find(|r| r["endpoint"] == w.endpoint.as_str())
            .unwrap_or_else(|| panic!("{} missing", w.endpoint));
        assert_eq!(row["count"], w.count, "{}", w.endpoint);
        assert_eq!(row["errors"], w.errors, "{}", w.endpoint);
        let rate = w.errors as f64 / w.count as f64;
        assert!(
            (row["error_rate"].as_f64().expect("rate") - rate).abs() <= 0.000_051,
            "{} error rate {} vs {rate}",
            w.endpoint,
            row["error_rate"]
        );
        for (key, v) in [("p50_ms", w.p50), ("p95_ms", w.p95), ("max_ms", w.max)] {
            assert!(
                (row[key].as_f64().expect(key) - v).abs() <= 0.051,
                "{} {key}: {} vs {v}",
                w.endpoint,
                row[key]
            );
        }
    }
}

fn order(out: &Value) -> Vec<String> {
    out["endpoints"]
        .as_array()
        .expect("endpoints")
        .iter()
        .map(|r| r["endpoint"].as_str().expect("endpoint").to_owned())
        .collect()
}

#[tokio::test]
async fn summarize_sorted_by_slowest_and_by_errors() {
    let h = frozen_harness().await;
    let start = h.sim.now_ms() - 20 * 3_600_000;
    let items: Vec<Value> = h
        .sim
        .history(WS)
        .into_iter()
        .filter(|i| created_ms(i) >= start)
        .collect();
    assert!(items.len() > 100);
    let want = expected(&items);
    let window =
        json!({"workspace_id": WS, "start_date": mcp::dates::format_ms(start), "limit": 500});

    // Default: slowest first, by p95 (as reported, to 0.1 ms), then by name.
    let out = h.call("summarizeRequestHistory", window.clone()).await;
    assert_eq!(out["sorted_by"], "slowest");
    assert_eq!(out["requests"], items.len());
    let errors = items
        .iter()
        .filter(|i| i["status"].as_i64().unwrap_or(0) >= 400)
        .count();
    assert!(errors > 0, "the demo has failed requests");
    assert_eq!(out["errors"], errors);
    assert!(
        (out["error_rate"].as_f64().expect("rate") - errors as f64 / items.len() as f64).abs()
            < 1e-9
    );
    check_numbers(&out, &want);
    let mut slowest: Vec<&Expected> = want.iter().collect();
    slowest.sort_by(|a, b| {
        tenth(b.p95)
            .total_cmp(&tenth(a.p95))
            .then_with(|| a.endpoint.cmp(&b.endpoint))
    });
    assert_eq!(
        order(&out),
        slowest
            .iter()
            .map(|e| e.endpoint.clone())
            .collect::<Vec<_>>()
    );
    let mut explicit = window.clone();
    explicit["sort_by"] = json!("slowest");
    let again = h.call("summarizeRequestHistory", explicit).await;
    assert_eq!(order(&again), order(&out));

    // Errors: most failed requests first, then the higher error rate, then by name.
    let mut by_errors = window.clone();
    by_errors["sort_by"] = json!("errors");
    let out = h.call("summarizeRequestHistory", by_errors).await;
    assert_eq!(out["sorted_by"], "errors");
    check_numbers(&out, &want);
    let mut most: Vec<&Expected> = want.iter().collect();
    let rate = |e: &Expected| (e.errors as f64 / e.count as f64 * 10_000.0).round() / 10_000.0;
    most.sort_by(|a, b| {
        b.errors
            .cmp(&a.errors)
            .then(rate(b).total_cmp(&rate(a)))
            .then_with(|| a.endpoint.cmp(&b.endpoint))
    });
    assert_eq!(
        order(&out),
        most.iter().map(|e| e.endpoint.clone()).collect::<Vec<_>>()
    );
    assert!(most[0].errors > 0);

    // `limit` keeps the first endpoints of that order.
    let out = h
        .call(
            "summarizeRequestHistory",
            json!({"workspace_id": WS, "start_date": mcp::dates::format_ms(start), "sort_by": "errors", "limit": 3}),
        )
        .await;
    assert_eq!(
        order(&out),
        most[..3]
            .iter()
            .map(|e| e.endpoint.clone())
            .collect::<Vec<_>>()
    );
    assert_eq!(out["endpoint_count"], want.len());
}

#[tokio::test]
async fn search_request_history_by_timestamp() {
    let h = frozen_harness().await;
    let history = h.sim.history(WS);

    // An ISO time inside the kept day: exactly the items at or after it.
    let since = h.sim.now_ms() - 2 * 3_600_000;
    let since_iso = mcp::dates::format_ms(since);
    h.sim.clear_requests();
    let out = h
        .call(
            "searchRequestHistory",
            json!({"workspace_id": WS, "filters": {"timestamp": format!(">= {since_iso}")}, "limit": 1000}),
        )
        .await;
    let want: Vec<i64> = history
        .iter()
        .filter(|i| created_ms(i) >= since)
        .map(|i| i["id"].as_i64().expect("id"))
        .collect();
    assert!(!want.is_empty() && want.len() < history.len());
    assert_eq!(out["total"], want.len());
    // The answer may be capped (`truncated`); what it keeps is the start of the order.
    let got = ids(&out["items"]);
    assert!(!got.is_empty());
    assert_eq!(got, want[..got.len()], "newest first");
    let body = h
        .sim
        .requests()
        .into_iter()
        .find(|r| r.path.ends_with("/request_history/search"))
        .and_then(|r| r.body)
        .expect("history search");
    assert_eq!(body["search"], json!([{ "created_at|>=|": since }]));

    // The seed's form, a date: every item kept is after 2024-01-15, none before.
    let out = h
        .call(
            "searchRequestHistory",
            json!({"workspace_id": WS, "filters": {"timestamp": ">= 2024-01-15", "status_code": ">= 500"}, "limit": 1000}),
        )
        .await;
    let server_errors: Vec<i64> = history
        .iter()
        .filter(|i| i["status"].as_i64().unwrap_or(0) >= 500)
        .map(|i| i["id"].as_i64().expect("id"))
        .collect();
    assert!(!server_errors.is_empty());
    assert_eq!(out["total"], server_errors.len());
    let got = ids(&out["items"]);
    assert_eq!(got, server_errors[..got.len()]);
    let out = h
        .call(
            "searchRequestHistory",
            json!({"workspace_id": WS, "filters": {"timestamp": "< 2024-01-15"}}),
        )
        .await;
    assert_eq!(out["total"], 0);
}
