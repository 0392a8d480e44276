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
    let query: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    check_request(&req, method, path, &query, body.as_ref());
    sim.clear_requests();
    req
}

/// One request a test expects the double to have recorded: method, path below `/api:meta`,
/// query pairs in order, body.
#[derive(Debug)]
pub struct Expected {
    pub method: &'static str,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Option<serde_json::Value>,
}

/// Checks every request recorded since the last clear, in order, against `want` (for the paging
/// helpers, which make one request per page), then clears the recorder.
pub fn expect_requests(sim: &XanoSim, want: &[Expected]) -> Vec<RecordedRequest> {
    let requests = sim.requests();
    assert_eq!(
        requests.len(),
        want.len(),
        "expected {want:#?}, got {requests:#?}"
    );
    for (req, want) in requests.iter().zip(want) {
        assert_eq!(req.fault, None, "{req:#?}");
        check_request(
            req,
            want.method,
            &want.path,
            &want.query,
            want.body.as_ref(),
        );
    }
    sim.clear_requests();
    requests
}

fn check_request(
    req: &RecordedRequest,
    method: &str,
    path: &str,
    query: &[(String, String)],
    body: Option<&serde_json::Value>,
) {
    assert_eq!(req.method, method, "{req:#?}");
    assert_eq!(req.path, format!("/api:meta{path}"), "{req:#?}");
    assert_eq!(req.query, query, "{req:#?}");
    assert_eq!(req.body.as_ref(), body, "{req:#?}");
    assert!(!req.headers.contains_key("authorization"));
}
