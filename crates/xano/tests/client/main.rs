//! Integration tests of the Metadata API client against the Xano double (`xano-sim`) over real
//! loopback HTTP. Each test checks both what the client parsed and the exact request the double
//! recorded.

mod faults;
mod redaction;
mod roundtrip;

use std::time::Duration;
use xano::{ClientOptions, MetaBase, RetryPolicy, XanoClient, XanoToken};
use xano_sim::{FaultConfig, RecordedRequest, SimConfig, XanoSim, demo};

pub const WS: i64 = demo::WORKSPACE_ID;

/// Retries that do not slow the suite down.
pub fn quick_retries(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(4),
        max_retry_after: Duration::from_secs(5),
    }
}

pub async fn start_sim() -> XanoSim {
    XanoSim::start(SimConfig::demo())
        .await
        .expect("start xano-sim")
}

pub fn client_for(sim: &XanoSim, token: &str, retry: RetryPolicy) -> XanoClient {
    let options = ClientOptions {
        retry,
        timeout: Duration::from_secs(10),
        ..ClientOptions::default()
    };
    XanoClient::with_options(
        MetaBase::parse(&sim.meta_url()).expect("sim base"),
        XanoToken::new(token),
        options,
    )
    .expect("client")
}

pub async fn setup() -> (XanoSim, XanoClient) {
    let sim = start_sim().await;
    let client = client_for(&sim, xano_sim::DEMO_TOKEN, quick_retries(4));
    (sim, client)
}

pub fn no_faults() -> FaultConfig {
    FaultConfig {
        rate_limit_fraction: 0.0,
        server_error_fraction: 0.0,
        latency: None,
        retry_after_secs: None,
        seed: 1,
    }
}

/// The one request recorded since the last clear.
pub fn only_request(sim: &XanoSim) -> RecordedRequest {
    let requests = sim.requests();
    assert_eq!(
        requests.len(),
        1,
        "expected exactly one request, got {requests:#?}"
    );
    requests.into_iter().next().expect("one request")
}

/// Checks method, path below `/api:meta`, query pairs and body of the one recorded request, then
/// clears the recorder.
pub fn expect_request(
    sim: &XanoSim,
    method: &str,
    path: &str,
    query: &[(&str, &str)],
    body: Option<serde_json::Value>,
) -> RecordedRequest {
    let req = only_request(sim);
    assert_eq!(req.method, method, "{req:#?}");
    assert_eq!(req.path, format!("/api:meta{path}"), "{req:#?}");
    let want: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    assert_eq!(req.query, want, "{req:#?}");
    assert_eq!(req.body, body, "{req:#?}");
    assert!(!req.headers.contains_key("authorization"));
    sim.clear_requests();
    req
}
