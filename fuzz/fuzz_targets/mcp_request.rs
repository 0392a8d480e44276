//! The MCP request path: every input is POSTed as the body of a request to a running
//! `mcp::http` server (inside an initialised session, so JSON-RPC reaches the tools), in front of
//! xano-sim, all in this process on loopback. A panic on a server thread aborts the process (so
//! libFuzzer reports it); every 256 inputs a real tool call must still succeed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcp::http::{FixedToken, RunningHttp};
use mcp::policy::Caller;
use mcp::{Engine, EngineOptions, NoHook};
use serde_json::json;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use xano::{ClientOptions, MetaBase, RetryPolicy, XanoClient, XanoToken};
use xano_sim::{SimConfig, XanoSim};

const TOKEN: &str = "fuzz-token-0123456789";
const SERVER_THREAD: &str = "mcp-server-under-test";

struct Env {
    _server_rt: tokio::runtime::Runtime,
    _sim: XanoSim,
    _running: RunningHttp,
    url: String,
    client_rt: tokio::runtime::Runtime,
    http: reqwest::Client,
    session: Mutex<Option<String>>,
}

fn env() -> &'static Env {
    static ENV: OnceLock<Env> = OnceLock::new();
    ENV.get_or_init(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            previous(info);
            if std::thread::current().name() == Some(SERVER_THREAD) {
                // The server would swallow it (the task dies); make it a crash libFuzzer sees.
                std::process::abort();
            }
        }));
        let server_rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name(SERVER_THREAD)
            .enable_all()
            .build()
            .expect("runtime");
        let (sim, running) = server_rt.block_on(async {
            let sim = XanoSim::start(SimConfig::demo()).await.expect("sim");
            sim.set_record_limit(0);
            let client = XanoClient::with_options(
                MetaBase::parse(&sim.meta_url()).expect("url"),
                XanoToken::new(xano_sim::DEMO_TOKEN),
                ClientOptions {
                    retry: RetryPolicy::none(),
                    timeout: Duration::from_secs(10),
                    ..ClientOptions::default()
                },
            )
            .expect("client");
            let engine = Arc::new(Engine::new(client, EngineOptions::default()));
            let auth = Arc::new(FixedToken {
                token: TOKEN.to_owned(),
                caller: Caller { token_id: 1 },
            });
            let running = mcp::http::serve(engine, 0, auth, || Arc::new(NoHook))
                .await
                .expect("serve");
            (sim, running)
        });
        Env {
            url: running.url(),
            _server_rt: server_rt,
            _sim: sim,
            _running: running,
            client_rt: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("client runtime"),
            http: reqwest::Client::builder()
                .tcp_nodelay(true)
                .timeout(Duration::from_secs(20))
                .build()
                .expect("http"),
            session: Mutex::new(None),
        }
    })
}

async fn post(env: &Env, session: Option<&str>, body: Vec<u8>) -> reqwest::Response {
    let mut r = env
        .http
        .post(&env.url)
        .header("Authorization", format!("Bearer {TOKEN}"))
        .header("Accept", "application/json, text/event-stream")
        .header("Content-Type", "application/json")
        .body(body);
    if let Some(s) = session {
        r = r
            .header("Mcp-Session-Id", s)
            .header("MCP-Protocol-Version", "2025-11-25");
    }
    r.send().await.expect("the server did not answer")
}

async fn open_session(env: &Env) -> String {
    let init = json!({"jsonrpc":"2.0","id":0,"method":"initialize","params":{
        "protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"fuzz","version":"1"}}});
    let resp = post(env, None, init.to_string().into_bytes()).await;
    assert_eq!(resp.status(), 200, "initialize refused");
    let session = resp.headers()["mcp-session-id"]
        .to_str()
        .expect("id")
        .to_owned();
    let _ = resp.bytes().await;
    let note = json!({"jsonrpc":"2.0","method":"notifications/initialized"});
    let _ = post(env, Some(&session), note.to_string().into_bytes())
        .await
        .bytes()
        .await;
    session
}

static INPUTS: AtomicU64 = AtomicU64::new(0);

fuzz_target!(|data: &[u8]| {
    let env = env();
    env.client_rt.block_on(async {
        let session = {
            let current = env.session.lock().expect("lock").clone();
            match current {
                Some(s) => s,
                None => {
                    let s = open_session(env).await;
                    *env.session.lock().expect("lock") = Some(s.clone());
                    s
                }
            }
        };
        let resp = post(env, Some(&session), data.to_vec()).await;
        if resp.status() == 404 {
            // The input ended the session (e.g. a DELETE-like message): start a new one next time.
            *env.session.lock().expect("lock") = None;
        }
        let _ = resp.bytes().await.expect("the answer was cut");
        if INPUTS.fetch_add(1, Ordering::Relaxed) % 256 == 0 {
            let s = open_session(env).await;
            // Workspaces: fuzzed calls may legitimately delete or rename tables.
            let call = json!({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{
                "name":"listWorkspaces","arguments":{}}});
            let body = post(env, Some(&s), call.to_string().into_bytes())
                .await
                .text()
                .await
                .expect("body");
            assert!(
                body.contains("\"result\"") && !body.contains("\"isError\":true"),
                "the server stopped serving: {body}"
            );
        }
    });
});
