//! Retry and error behaviour under injected faults.

use super::*;
use serde_json::json;
use std::time::Instant;
use xano_sim::FaultKind;

#[tokio::test]
async fn paging_under_30_percent_faults_returns_every_row_exactly_once() {
    let sim = start_sim().await;
    let t = sim.table_id(WS, demo::CUSTOMERS).expect("customers");
    let want = sim.rows(WS, t);
    sim.set_faults(FaultConfig {
        rate_limit_fraction: 0.15,
        server_error_fraction: 0.15,
        seed: 7,
        ..no_faults()
    });
    let client = client_for(&sim, xano_sim::DEMO_TOKEN, quick_retries(12));
    let got = client
        .all_rows(WS, t, 20)
        .await
        .expect("all rows despite faults");
    assert_eq!(got, want, "every row, once, in order");

    let requests = sim.requests();
    let faulted = requests.iter().filter(|r| r.fault.is_some()).count();
    assert!(faulted > 0, "the run must actually have met faults");
    let pages = want.len().div_ceil(20);
    assert_eq!(
        requests.len() - faulted,
        pages,
        "one successful request per page"
    );
}

#[tokio::test]
async fn a_non_idempotent_write_is_not_retried_after_a_server_error() {
    let (sim, client) = setup().await;
    let t = sim.table_id(WS, demo::PRODUCTS).expect("products");
    let before = sim.rows(WS, t);
    sim.fail_next(1, FaultKind::ServerError(500));
    let row = json!({"name":"Chair","sku":"CH-1","price":50.0,"stock":1,"category":"furniture"});
    let err = client
        .create_row(WS, t, row.as_object().expect("object"))
        .await
        .expect_err("5xx surfaces");
    assert!(
        matches!(err, xano::Error::Server { status: 500, .. }),
        "{err}"
    );
    assert!(
        err.write_outcome_unknown(),
        "the caller must be told the outcome is unknown"
    );
    assert_eq!(sim.requests().len(), 1, "not retried");
    assert_eq!(sim.rows(WS, t), before);

    // The same failure on a read is retried and succeeds.
    sim.clear_requests();
    sim.fail_next(2, FaultKind::BadGateway);
    client.list_workspaces().await.expect("retried read");
    assert_eq!(sim.requests().len(), 3);
}

#[tokio::test]
async fn a_rate_limited_write_is_retried_and_applied_once() {
    let (sim, client) = setup().await;
    let t = sim.table_id(WS, demo::PRODUCTS).expect("products");
    let before = sim.rows(WS, t).len();
    sim.fail_next(2, FaultKind::RateLimited);
    let row = json!({"name":"Stool","sku":"ST-1","price":30.0,"stock":4,"category":"furniture"});
    client
        .create_row(WS, t, row.as_object().expect("object"))
        .await
        .expect("429 is retried for writes too");
    let requests = sim.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests.iter().filter(|r| r.status == 429).count(), 2);
    assert_eq!(sim.rows(WS, t).len(), before + 1, "applied exactly once");
}

#[tokio::test]
async fn rate_limit_exhaustion_says_what_to_do() {
    let (sim, client) = setup().await;
    sim.fail_next(10, FaultKind::RateLimited);
    let err = client.list_workspaces().await.expect_err("gives up");
    assert!(matches!(err, xano::Error::RateLimited { .. }), "{err}");
    assert_eq!(sim.requests().len(), 4, "bounded by max_attempts");
    let msg = err.to_string();
    assert!(
        msg.contains("rate limit") && msg.contains("try again"),
        "{msg}"
    );
}

#[tokio::test]
async fn retry_after_is_honoured_and_bounded() {
    let sim = start_sim().await;
    sim.set_faults(FaultConfig {
        retry_after_secs: Some(1),
        ..no_faults()
    });
    sim.fail_next(1, FaultKind::RateLimited);
    let client = client_for(&sim, xano_sim::DEMO_TOKEN, quick_retries(3));
    let started = Instant::now();
    client.list_workspaces().await.expect("after waiting");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited as Xano asked"
    );
    assert_eq!(sim.requests().len(), 2);

    // A Retry-After beyond the policy's bound is reported instead of waited for.
    sim.clear_requests();
    sim.fail_next(1, FaultKind::RateLimited);
    let impatient = client_for(
        &sim,
        xano_sim::DEMO_TOKEN,
        RetryPolicy {
            max_retry_after: Duration::ZERO,
            ..quick_retries(3)
        },
    );
    let err = impatient.list_workspaces().await.expect_err("not waited");
    assert!(
        matches!(err, xano::Error::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(1)),
        "{err:?}"
    );
    assert_eq!(sim.requests().len(), 1);
}

#[tokio::test]
async fn an_invalid_token_is_not_retried_and_says_so() {
    let sim = start_sim().await;
    let client = client_for(&sim, "not-a-real-token", quick_retries(5));
    let err = client.auth_me().await.expect_err("401");
    assert!(matches!(err, xano::Error::Unauthorized { .. }), "{err}");
    assert!(
        err.to_string().contains("invalid, revoked or expired"),
        "{err}"
    );
    assert_eq!(sim.requests().len(), 1, "401 is final");
}

#[tokio::test]
async fn a_missing_scope_is_reported_by_name() {
    let sim = XanoSim::start(SimConfig {
        tokens: vec![xano_sim::SimToken::with_scopes(
            "reader",
            &[(xano_sim::Scope::WorkspaceContent, "r")],
        )],
        ..SimConfig::demo()
    })
    .await
    .expect("sim");
    let client = client_for(&sim, "reader", quick_retries(3));
    let t = sim.table_id(WS, demo::CUSTOMERS).expect("customers");
    client
        .browse_content(WS, t, 1, 5)
        .await
        .expect("reading is allowed");
    let err = client
        .create_row(WS, t, json!({"name":"x"}).as_object().expect("object"))
        .await
        .expect_err("writing is not");
    assert!(matches!(err, xano::Error::AccessDenied { .. }), "{err}");
    assert!(err.to_string().contains("Workspace Content"), "{err}");
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_typed_error() {
    let (sim, client) = setup().await;
    sim.fail_next(1, FaultKind::NotJson);
    let err = client.list_workspaces().await.expect_err("not json");
    assert!(
        matches!(err, xano::Error::UnparseableBody { status: 200, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("could not be read"), "{err}");
}

#[tokio::test]
async fn timeouts_are_bounded_and_retried_only_for_reads() {
    let sim = start_sim().await;
    sim.set_faults(FaultConfig {
        latency: Some((Duration::from_millis(400), Duration::from_millis(400))),
        ..no_faults()
    });
    let options = ClientOptions {
        retry: quick_retries(3),
        timeout: Duration::from_millis(50),
        ..ClientOptions::default()
    };
    let client = XanoClient::with_options(
        MetaBase::parse(&sim.meta_url()).expect("base"),
        XanoToken::new(xano_sim::DEMO_TOKEN),
        options,
    )
    .expect("client");
    let err = client.list_workspaces().await.expect_err("timeout");
    assert!(matches!(err, xano::Error::Timeout { .. }), "{err}");

    let t = sim.table_id(WS, demo::PRODUCTS).expect("products");
    let err = client
        .bulk_create(
            WS,
            t,
            &[json!({"name":"x"}).as_object().expect("object").clone()],
            false,
        )
        .await
        .expect_err("timeout");
    assert!(err.write_outcome_unknown());
    // The recorder sees requests as they arrive; wait for the server side of the slow ones.
    sim.set_faults(no_faults());
    let requests = sim.requests();
    let reads = requests.iter().filter(|r| r.method == "GET").count();
    let writes = requests.iter().filter(|r| r.method == "POST").count();
    assert_eq!((reads, writes), (3, 1), "{requests:#?}");
}

#[tokio::test]
async fn an_unreachable_instance_is_a_network_error() {
    // Bind and drop a listener to get a port nothing listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let client = XanoClient::with_options(
        MetaBase::parse(&format!("http://127.0.0.1:{port}")).expect("base"),
        XanoToken::new("t"),
        ClientOptions {
            retry: quick_retries(2),
            ..ClientOptions::default()
        },
    )
    .expect("client");
    let err = client.list_workspaces().await.expect_err("nothing there");
    assert!(matches!(err, xano::Error::Network { .. }), "{err}");
    assert!(err.to_string().contains("Could not reach Xano"), "{err}");
}
