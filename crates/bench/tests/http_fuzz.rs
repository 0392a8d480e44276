//! The MCP request path under arbitrary input: arbitrary bytes and arbitrary JSON-RPC (any method,
//! any id, any params; `tools/call` of every tool with arbitrary arguments) POSTed to a running
//! `mcp::http` server on loopback, in front of xano-sim.
//!
//! Properties: no panic on the server's threads (a panic hook counts them), and after every input
//! the server still serves: a fresh session initialises and a real tool call succeeds.
//!
//! Bounded for CI; `PROPTEST_CASES=5000 cargo test -p bench --test http_fuzz` runs it longer.

use mcp::http::{FixedToken, RunningHttp};
use mcp::policy::Caller;
use mcp::{Engine, EngineOptions, NoHook, XanoMcpServer};
use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use std::sync::atomic::{AtomicUsize, Ordering};
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
}

static PANICS: AtomicUsize = AtomicUsize::new(0);
static PANIC_MESSAGES: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn env() -> &'static Env {
    static ENV: OnceLock<Env> = OnceLock::new();
    ENV.get_or_init(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() == Some(SERVER_THREAD) {
                PANICS.fetch_add(1, Ordering::SeqCst);
                if let Ok(mut m) = PANIC_MESSAGES.lock() {
                    m.push(info.to_string());
                }
            }
            previous(info);
        }));
        let server_rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name(SERVER_THREAD)
            .enable_all()
            .build()
            .expect("server runtime");
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
        let url = running.url();
        let client_rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("client runtime");
        let http = reqwest::Client::builder()
            .tcp_nodelay(true)
            .timeout(Duration::from_secs(20))
            .build()
            .expect("http");
        Env {
            _server_rt: server_rt,
            _sim: sim,
            _running: running,
            url,
            client_rt,
            http,
        }
    })
}

fn post(
    env: &Env,
    session: Option<&str>,
    body: Vec<u8>,
    content_type: &str,
) -> reqwest::RequestBuilder {
    let mut r = env
        .http
        .post(&env.url)
        .header("Authorization", format!("Bearer {TOKEN}"))
        .header("Accept", "application/json, text/event-stream")
        .header("Content-Type", content_type)
        .body(body);
    if let Some(s) = session {
        r = r
            .header("Mcp-Session-Id", s)
            .header("MCP-Protocol-Version", "2025-11-25");
    }
    r
}

/// A fresh session: `initialize` + `notifications/initialized`; returns its id.
async fn open_session(env: &Env) -> Result<String, String> {
    let init = json!({"jsonrpc":"2.0","id":0,"method":"initialize","params":{
        "protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"fuzz","version":"1"}}});
    let resp = post(env, None, init.to_string().into_bytes(), "application/json")
        .send()
        .await
        .map_err(|e| format!("initialize: {e}"))?;
    if resp.status() != 200 {
        return Err(format!("initialize: HTTP {}", resp.status()));
    }
    let session = resp
        .headers()
        .get("mcp-session-id")
        .and_then(|v| v.to_str().ok())
        .ok_or("no session id")?
        .to_owned();
    let body = resp.text().await.map_err(|e| e.to_string())?;
    if !body.contains("\"result\"") {
        return Err(format!("initialize answered {body}"));
    }
    let note = json!({"jsonrpc":"2.0","method":"notifications/initialized"});
    let resp = post(
        env,
        Some(&session),
        note.to_string().into_bytes(),
        "application/json",
    )
    .send()
    .await
    .map_err(|e| e.to_string())?;
    if resp.status() != 202 {
        return Err(format!("initialized: HTTP {}", resp.status()));
    }
    Ok(session)
}

/// The server still serves: a new session, a real Xano read that succeeds. (Workspaces, because
/// fuzzed calls may legitimately delete or rename tables.)
async fn still_serving(env: &Env) -> Result<(), String> {
    let session = open_session(env).await?;
    let call = json!({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{
        "name":"listWorkspaces","arguments":{}}});
    let resp = post(
        env,
        Some(&session),
        call.to_string().into_bytes(),
        "application/json",
    )
    .send()
    .await
    .map_err(|e| format!("health call: {e}"))?;
    let body = resp.text().await.map_err(|e| e.to_string())?;
    if !body.contains("\"result\"") || body.contains("\"isError\":true") {
        return Err(format!("health call answered {body}"));
    }
    Ok(())
}

fn check(env: &Env) -> Result<(), TestCaseError> {
    env.client_rt
        .block_on(still_serving(env))
        .map_err(|e| TestCaseError::fail(format!("the server stopped serving: {e}")))?;
    let panics = PANICS.load(Ordering::SeqCst);
    if panics > 0 {
        let messages = PANIC_MESSAGES
            .lock()
            .map(|m| m.join("\n"))
            .unwrap_or_default();
        return Err(TestCaseError::fail(format!(
            "{panics} panic(s) on the server:\n{messages}"
        )));
    }
    Ok(())
}

fn tool_names() -> Vec<String> {
    XanoMcpServer::<NoHook>::all_tools()
        .into_iter()
        .map(|t| t.name.to_string())
        .collect()
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-3i64..400).prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop_oneof![
            Just("customers".to_owned()),
            Just("orders".to_owned()),
            Just("ws_1".to_owned()),
            Just("tbl_1".to_owned()),
            Just(">2024-01-01".to_owned()),
            Just("contains a".to_owned()),
            "\\PC{0,12}",
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 5, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..5).prop_map(Value::Array),
            vec((arg_key(), inner), 0..5).prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn arg_key() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(vec![
            "workspace_id",
            "table_id",
            "content_id",
            "id",
            "limit",
            "offset",
            "page",
            "per_page",
            "filters",
            "query",
            "search",
            "sort",
            "record",
            "records",
            "updates",
            "ids",
            "fields",
            "dry_run",
            "data_source",
            "name",
            "field",
            "operator",
            "value",
            "and",
            "or",
            "not",
            "group_by",
            "having",
            "tool",
            "arguments",
            "apigroup_id",
            "branch",
            "chunk_size",
        ])
        .prop_map(str::to_owned),
        "\\PC{0,8}",
    ]
}

fn arguments() -> impl Strategy<Value = Value> {
    // Mostly plausible ids so calls get past the id parsing into the tools.
    (vec((arg_key(), json_value()), 0..6), any::<bool>()).prop_map(|(kv, plausible)| {
        let mut m: Map<String, Value> = kv.into_iter().collect();
        if plausible {
            m.entry("workspace_id").or_insert(json!(1));
            m.entry("table_id").or_insert(json!("customers"));
        }
        Value::Object(m)
    })
}

fn id() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<u32>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        "\\PC{0,8}".prop_map(Value::String),
        Just(Value::Null),
        Just(json!({"nested": [1]})),
        Just(json!(1.5)),
    ]
}

fn method() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(vec![
            "tools/call",
            "tools/call",
            "tools/call",
            "tools/list",
            "initialize",
            "ping",
            "notifications/initialized",
            "notifications/cancelled",
            "notifications/progress",
            "resources/list",
            "prompts/list",
            "completion/complete",
            "logging/setLevel",
            "server/discover",
        ])
        .prop_map(str::to_owned),
        "\\PC{0,16}",
    ]
}

/// One JSON-RPC message (or a batch, or something that only looks like one).
fn message(tools: Vec<String>) -> impl Strategy<Value = Value> {
    let tool = prop_oneof![
        3 => proptest::sample::select(tools).prop_map(Value::String),
        1 => json_value(),
    ];
    let call = (id(), tool, arguments()).prop_map(|(id, name, args)| {
        json!({"jsonrpc":"2.0","id":id,"method":"tools/call","params":{"name":name,"arguments":args}})
    });
    let any_method = (
        proptest::option::of(id()),
        method(),
        proptest::option::of(json_value()),
        prop_oneof![Just(json!("2.0")), json_value()],
    )
        .prop_map(|(id, method, params, version)| {
            let mut m = Map::new();
            m.insert("jsonrpc".into(), version);
            if let Some(id) = id {
                m.insert("id".into(), id);
            }
            m.insert("method".into(), Value::String(method));
            if let Some(p) = params {
                m.insert("params".into(), p);
            }
            Value::Object(m)
        })
        .boxed();
    prop_oneof![
        4 => call,
        3 => any_method.clone(),
        1 => vec(any_method, 0..3).prop_map(Value::Array),
        1 => json_value(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Arbitrary bytes, with and without a session, with a JSON or another content type.
    #[test]
    fn arbitrary_bytes_never_break_the_server(
        body in vec(any::<u8>(), 0..512),
        with_session in any::<bool>(),
        json_type in any::<bool>(),
    ) {
        let env = env();
        env.client_rt.block_on(async {
            let session = if with_session { open_session(env).await.ok() } else { None };
            let content_type = if json_type { "application/json" } else { "text/plain" };
            let _ = post(env, session.as_deref(), body, content_type).send().await;
        });
        check(env)?;
    }

    /// Arbitrary JSON-RPC inside an initialised session.
    #[test]
    fn arbitrary_json_rpc_never_breaks_the_server(msg in message(tool_names())) {
        let env = env();
        let answered = env.client_rt.block_on(async {
            let session = open_session(env).await.map_err(|e| format!("open session: {e}"))?;
            let resp = post(env, Some(&session), msg.to_string().into_bytes(), "application/json")
                .send()
                .await
                .map_err(|e| format!("no answer: {e}"))?;
            // Read the whole answer: a request must be answered, not left hanging.
            resp.bytes().await.map_err(|e| format!("answer body: {e}"))?;
            Ok::<(), String>(())
        });
        prop_assert!(answered.is_ok(), "{:?} for {}", answered, msg);
        check(env)?;
    }
}
