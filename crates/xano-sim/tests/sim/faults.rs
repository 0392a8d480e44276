//! Fault injection and the request recorder.

use std::time::{Duration, Instant};

use serde_json::json;
use xano_sim::{FaultConfig, FaultKind, demo};

use crate::common::{Api, config};

fn faults(rate_limit: f64, server_error: f64, seed: u64) -> FaultConfig {
    FaultConfig {
        rate_limit_fraction: rate_limit,
        server_error_fraction: server_error,
        latency: None,
        retry_after_secs: None,
        seed,
    }
}

async fn statuses(api: &Api, n: usize) -> Vec<u16> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(api.get("/workspace").await.status);
    }
    out
}

#[tokio::test]
async fn fractions_are_drawn_from_a_seeded_rng() {
    let mut cfg = config();
    cfg.faults = faults(0.25, 0.15, 7);
    let api = Api::with(cfg.clone(), xano_sim::DEMO_TOKEN).await;
    let first = statuses(&api, 200).await;
    let count = |s: u16| first.iter().filter(|x| **x == s).count();
    // Binomial(200, 0.25) and (200, 0.15): these bounds are about 4 standard deviations wide.
    assert!((26..=74).contains(&count(429)), "429s: {}", count(429));
    assert!((10..=50).contains(&count(500)), "500s: {}", count(500));
    assert_eq!(count(200) + count(429) + count(500), 200);

    // Same seed, same sequence.
    let again = Api::with(cfg, xano_sim::DEMO_TOKEN).await;
    assert_eq!(statuses(&again, 200).await, first);

    // set_faults switches it off (and back on, from the new seed).
    api.sim.set_faults(FaultConfig::none());
    assert!(statuses(&api, 50).await.iter().all(|s| *s == 200));
    api.sim.set_faults(faults(1.0, 0.0, 1));
    assert!(statuses(&api, 5).await.iter().all(|s| *s == 429));
}

#[tokio::test]
async fn fail_next_is_one_shot_and_comes_first() {
    let api = Api::demo().await;
    api.sim.fail_next(2, FaultKind::ServerError(503));
    api.sim.fail_next(1, FaultKind::BadGateway);
    api.sim.fail_next(1, FaultKind::NotJson);

    for _ in 0..2 {
        let r = api.get("/workspace").await;
        assert_eq!(r.status, 503);
        assert_eq!(r.body["code"], "ERROR_FATAL");
    }
    let gateway = api.get("/workspace").await;
    assert_eq!(gateway.status, 502);
    assert!(
        gateway.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        gateway
            .body
            .as_str()
            .is_some_and(|b| b.contains("502 Bad Gateway"))
    );
    let not_json = api.get("/workspace").await;
    assert_eq!(not_json.status, 200);
    assert!(not_json.body.is_string(), "the body must not parse as JSON");
    assert_eq!(api.get("/workspace").await.status, 200);

    // Faults answer before auth: a bad token still gets the fault.
    api.sim.fail_next(1, FaultKind::RateLimited);
    assert_eq!(api.as_token("wrong").get("/workspace").await.status, 429);
    assert_eq!(api.as_token("wrong").get("/workspace").await.status, 401);

    let faults: Vec<Option<String>> = api.sim.requests().into_iter().map(|r| r.fault).collect();
    assert_eq!(
        faults,
        [
            Some("server_error:503".to_owned()),
            Some("server_error:503".to_owned()),
            Some("bad_gateway".to_owned()),
            Some("not_json".to_owned()),
            None,
            Some("rate_limited".to_owned()),
            None,
        ]
    );
}

#[tokio::test]
async fn faulted_requests_have_no_side_effects_but_are_recorded() {
    let api = Api::demo().await;
    let customers = api.table_path(demo::CUSTOMERS);
    let before = api.rows(demo::CUSTOMERS);
    api.sim.clear_requests();

    api.sim.fail_next(1, FaultKind::RateLimited);
    let r = api
        .post(&format!("{customers}/content"), json!({"name": "Ghost"}))
        .await;
    assert_eq!(r.status, 429);
    api.sim.fail_next(1, FaultKind::ServerError(500));
    let r = api.delete(&format!("{customers}/content/1")).await;
    assert_eq!(r.status, 500);
    assert_eq!(api.rows(demo::CUSTOMERS), before);

    let log = api.sim.requests();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].method, "POST");
    assert_eq!(log[0].path, format!("/api:meta{customers}/content"));
    assert_eq!(log[0].body, Some(json!({"name": "Ghost"})));
    assert_eq!(log[0].status, 429);
    assert_eq!(log[0].fault.as_deref(), Some("rate_limited"));
    assert_eq!(log[1].method, "DELETE");
    assert_eq!(log[1].body, None);

    // The next, unfaulted, write does happen.
    let r = api
        .post(&format!("{customers}/content"), json!({"name": "Real"}))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(api.rows(demo::CUSTOMERS).len(), before.len() + 1);
}

#[tokio::test]
async fn retry_after_and_latency() {
    let mut cfg = config();
    cfg.faults = FaultConfig {
        latency: Some((Duration::from_millis(40), Duration::from_millis(60))),
        retry_after_secs: Some(21),
        ..FaultConfig::none()
    };
    let api = Api::with(cfg, xano_sim::DEMO_TOKEN).await;
    let start = Instant::now();
    assert_eq!(api.get("/workspace").await.status, 200);
    assert!(
        start.elapsed() >= Duration::from_millis(40),
        "latency was added"
    );

    api.sim.fail_next(1, FaultKind::RateLimited);
    let r = api.get("/workspace").await;
    assert_eq!(r.status, 429);
    assert_eq!(r.headers["retry-after"], "21");
    assert!(r.body["message"].as_str().is_some_and(|m| {
        m.starts_with("Whoa there! Your plan only supports 10 requests per 20 seconds.")
    }));
}

#[tokio::test]
async fn the_recorder_keeps_everything_but_credentials() {
    let api = Api::demo().await;
    let _ = api
        .send(
            reqwest::Method::GET,
            "/workspace?branch=v1&x=a%20b",
            None,
            &[("cookie", "session=secret"), ("x-data-source", "live")],
        )
        .await;
    let _ = api.as_token("nope").get("/workspace/1/table").await;
    let _ = api.get("/no/such/thing").await;
    let raw = api
        .http
        .post(format!("{}/workspace/1/table", api.sim.meta_url()))
        .bearer_auth(&api.token)
        .body("{not json")
        .send()
        .await
        .expect("sent");
    assert_eq!(raw.status().as_u16(), 400);

    let log = api.sim.requests();
    assert_eq!(log.len(), 4);
    assert_eq!(
        log[0].query,
        vec![
            ("branch".to_owned(), "v1".to_owned()),
            ("x".to_owned(), "a b".to_owned())
        ]
    );
    assert_eq!(
        log[0].headers.get("x-data-source").map(String::as_str),
        Some("live")
    );
    assert_eq!(
        log.iter().map(|r| r.status).collect::<Vec<_>>(),
        [200, 401, 404, 400]
    );
    assert_eq!(log[3].body, Some(json!("{not json")));
    for entry in &log {
        assert!(!entry.headers.contains_key("authorization"));
        assert!(!entry.headers.contains_key("cookie"));
        let dump = format!("{entry:?}");
        assert!(!dump.contains(xano_sim::DEMO_TOKEN) && !dump.contains("secret"));
    }
    api.sim.clear_requests();
    assert!(api.sim.requests().is_empty());
}
