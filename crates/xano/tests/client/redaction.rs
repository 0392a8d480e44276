//! The token never shows: not in `Debug`, not in errors, not in any log line at any level, whatever
//! the outcome of the call.

use super::*;
use std::io::Write;
use std::sync::{Arc, Mutex};
use xano_sim::{FaultKind, SimToken};

const SECRET: &str = "xano_secret_5f8d2c91e4b7a6031d9e";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn the_token_never_appears_in_debug_errors_or_logs() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let sim = XanoSim::start(SimConfig {
        tokens: vec![SimToken::full(SECRET)],
        ..SimConfig::demo()
    })
    .await
    .expect("sim");
    let client = client_for(&sim, SECRET, quick_retries(3));
    let wrong = client_for(&sim, &format!("{SECRET}-revoked"), quick_retries(3));

    let mut shown = vec![format!("{client:?}"), format!("{wrong:?}")];
    client.list_workspaces().await.expect("ok call");
    sim.fail_next(1, FaultKind::RateLimited);
    client.auth_me().await.expect("after one 429");
    sim.fail_next(3, FaultKind::ServerError(503));
    shown.push(format!(
        "{:?}",
        client.list_workspaces().await.expect_err("5xx")
    ));
    let unauthorized = wrong.auth_me().await.expect_err("401");
    shown.push(format!("{unauthorized:?}"));
    shown.push(unauthorized.to_string());
    shown.push(format!(
        "{:?}",
        client.preview(&xano::requests::list_workspaces())
    ));

    let logs = String::from_utf8(captured.0.lock().expect("lock").clone()).expect("utf8");
    assert!(
        logs.contains("xano request"),
        "the capture must see the client's log lines:\n{logs}"
    );
    assert!(logs.contains("retrying"), "and its retry lines:\n{logs}");
    assert!(!logs.contains(SECRET), "token leaked into logs:\n{logs}");
    for text in &shown {
        assert!(!text.contains(SECRET), "token leaked: {text}");
    }
    for request in sim.requests() {
        assert!(
            !format!("{request:?}").contains(SECRET),
            "the double must not record it either"
        );
    }
}
