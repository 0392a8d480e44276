//! `cargo run --release -p bench -- soak`: the soak and fault run (issue 9, item 2).
//!
//! Set-up: xano-sim with 10% injected failures (5% 429, 5% 500) and 1-20 ms of random latency on
//! every request; the real `xano-mcp serve` as a child process with a fresh home.
//!
//! Load: `--clients` (64) clients that stay, sharing a fixed budget of `--calls` tool calls (a mix
//! of reads with pushed-down and local filters, single-row reads, inserts, and calls that must fail
//! with a tool error), plus `--disconnectors` clients that drop their connection mid-call: some
//! after the server accepted the call (response headers received), some at a random moment while
//! the request is still being sent.
//!
//! Then a graceful stop (SIGINT) once the audit log has settled, and a second server stopped with
//! SIGINT while 64 clients still have calls in flight.
//!
//! Invariants (the run exits non-zero when one fails):
//! 1. no crash: the server is alive until SIGINT and exits with status 0 after it;
//! 2. every call of a client that stayed is answered, with a result or a tool error (no transport
//!    failure, no JSON-RPC error, no timeout);
//! 3. no audit record lost: after the graceful stop the audit log holds exactly one record per
//!    call the server accepted (calls whose request may not have reached it are allowed either
//!    way); for the stop under load, every answered call has its record;
//! 4. memory flat: RSS after the run is at most 3x the RSS after the warm-up (reported either way).

use crate::fixture::Fixture;
use crate::mcp_http::{self, Answer, McpHttp};
use crate::run::{Subject, start_subject};
use crate::server;
use crate::stats::round;
use crate::variants::Variant;
use anyhow::{Context, Result, anyhow};
use serde::Serialize;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use xano_sim::FaultConfig;

/// Options of a soak run.
#[derive(Debug, Clone)]
pub struct SoakOptions {
    pub calls: u64,
    pub clients: usize,
    pub disconnectors: usize,
    pub seed: u64,
    pub out: PathBuf,
    pub server_bin: Option<PathBuf>,
    pub no_build: bool,
    /// Soak a server variant instead of `xano-mcp serve` (diagnosis; see `variants`).
    pub variant: Option<Variant>,
    /// A disconnecting client abandons its session (opens a new one, never closing the old) on
    /// one drop in this many; 0 = never (it only drops connections).
    pub abandon_one_in: u8,
}

/// How the calls of the clients that stayed were answered.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Answers {
    pub ok: u64,
    pub tool_errors: u64,
    /// Violations from here on.
    pub rpc_errors: u64,
    pub unanswered: u64,
    pub examples: Vec<String>,
}

/// The disconnecting clients.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Disconnects {
    /// Dropped after the response headers: the server had accepted the call.
    pub after_accept: u64,
    /// Dropped at a random moment: the server may or may not have received the call.
    pub uncertain: u64,
    /// Sessions opened by disconnecting clients and never closed.
    pub abandoned_sessions: u64,
    /// Requests refused before acceptance (not counted as accepted).
    pub refused: u64,
}

/// One invariant and its verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Invariant {
    pub name: String,
    pub held: bool,
    pub detail: String,
}

/// The stop with calls in flight.
#[derive(Debug, Clone, Serialize)]
pub struct StopUnderLoad {
    pub sent: u64,
    pub answered: u64,
    /// Calls cut by the stop (their clients got no answer).
    pub cut: u64,
    pub audit_records: u64,
    pub exit_status: String,
    pub stop_ms: f64,
}

/// What a soak run reports.
#[derive(Debug, Clone, Serialize)]
pub struct SoakReport {
    pub generated_at: String,
    /// `xano-mcp serve`, or the variant soaked instead.
    pub server: String,
    pub machine: crate::machine::Machine,
    pub calls: u64,
    pub clients: usize,
    pub disconnectors: usize,
    pub abandon_one_in: u8,
    pub faults: String,
    pub seconds: f64,
    pub answers: Answers,
    pub disconnects: Disconnects,
    pub warmup_calls: u64,
    pub audit_records: u64,
    pub audit_expected_min: u64,
    pub audit_expected_max: u64,
    pub audit_settle_ms: f64,
    pub rss_after_start_kb: Option<u64>,
    pub rss_after_warmup_kb: Option<u64>,
    pub rss_after_run_kb: Option<u64>,
    pub rss_after_sessions_closed_kb: Option<u64>,
    pub peak_rss_kb: Option<u64>,
    pub stop_under_load: Option<StopUnderLoad>,
    pub invariants: Vec<Invariant>,
    pub passed: bool,
}

/// The fault plan of the soak: 10% failures, 1-20 ms latency.
pub fn faults(seed: u64) -> FaultConfig {
    FaultConfig {
        rate_limit_fraction: 0.05,
        server_error_fraction: 0.05,
        latency: Some((Duration::from_millis(1), Duration::from_millis(20))),
        retry_after_secs: None,
        seed,
    }
}

/// The tool call number `slot` of the mix.
fn call_of(slot: u64, ws: i64, customers: i64, inserts: i64) -> (&'static str, Value) {
    match slot % 10 {
        0..=3 => (
            "getTableContent",
            json!({"workspace_id": ws, "table_id": customers, "limit": 20,
                   "filters": {"status": "active"}}),
        ),
        4 | 5 => (
            "addTableContent",
            json!({"workspace_id": ws, "table_id": inserts,
                   "record": {"name": format!("Soak {slot}"), "email": format!("soak{slot}@x.example"),
                              "note": "soak", "score": slot % 1000}}),
        ),
        6 => (
            "searchTableContent",
            json!({"workspace_id": ws, "table_id": customers, "limit": 10,
                   "query": {"field": "name", "operator": "contains", "value": "an"}}),
        ),
        7 => (
            "getTableContentItem",
            json!({"workspace_id": ws, "table_id": customers, "content_id": slot % 300 + 1}),
        ),
        8 => (
            "getTableContent",
            json!({"workspace_id": ws, "table_id": customers, "limit": 5, "offset": slot % 250,
                   "sort": [{"field": "created_at", "direction": "desc"}]}),
        ),
        // Must be answered with a tool error: the table does not exist.
        _ => (
            "getTableContent",
            json!({"workspace_id": ws, "table_id": "no_such_table", "limit": 5}),
        ),
    }
}

fn count_audit(path: &Path) -> Result<u64> {
    let store = history::HistoryStore::open(path)
        .with_context(|| format!("open the audit log {}", path.display()))?;
    Ok(store.call_count(&history::CallQuery::default())?)
}

struct Ids {
    ws: i64,
    customers: i64,
    inserts: i64,
}

/// Runs the soak; `passed` says whether every invariant held.
pub async fn soak(options: SoakOptions) -> Result<SoakReport> {
    let started = Instant::now();
    let machine = crate::machine::Machine::detect();
    let bin = server::locate_binary(options.server_bin.clone(), !options.no_build)?;
    let fx = Fixture::start(FaultConfig::none()).await?;
    let inserts = fx.create_table("soak_inserts").await?;
    fx.sim.set_faults(faults(options.seed));
    let ids = Arc::new(Ids {
        ws: fx.ws,
        customers: fx.customers,
        inserts,
    });
    let subject = subject_of(options.variant);
    let (mut server, token, home) = start_subject(subject, &bin, &fx).await?;
    let audited = audited(options.variant);
    let url = server.url().to_owned();
    let rss_after_start_kb = server.memory().map(|m| m.rss_kb);
    eprintln!(
        "soak: server pid {} at {url}; {} calls over {} clients + {} disconnecting clients, 10% faults",
        server.pid(),
        options.calls,
        options.clients,
        options.disconnectors
    );

    // Sessions of the clients that stay, and a warm-up of two calls each.
    let mut sessions = Vec::with_capacity(options.clients);
    for i in 0..options.clients {
        sessions.push(McpHttp::connect(&url, &token, &format!("soak-{i}")).await?);
    }
    let mut answers = Answers::default();
    let mut warmup_calls = 0;
    for (i, s) in sessions.iter_mut().enumerate() {
        for k in 0..2u64 {
            let (tool, args) = call_of(i as u64 * 2 + k, ids.ws, ids.customers, ids.inserts);
            classify(&mut answers, tool, call(s, tool, &args).await);
            warmup_calls += 1;
        }
    }
    let rss_after_warmup_kb = server.memory().map(|m| m.rss_kb);

    // The run.
    let budget = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let mut stayers = Vec::new();
    for mut session in sessions {
        let budget = budget.clone();
        let ids = ids.clone();
        let calls = options.calls;
        stayers.push(tokio::spawn(async move {
            let mut answers = Answers::default();
            loop {
                let slot = budget.fetch_add(1, Ordering::Relaxed);
                if slot >= calls {
                    break;
                }
                let (tool, args) = call_of(slot, ids.ws, ids.customers, ids.inserts);
                classify(&mut answers, tool, call(&mut session, tool, &args).await);
            }
            (session, answers)
        }));
    }
    let mut disconnectors = Vec::new();
    let per_disconnector = (options.calls / options.clients.max(1) as u64).max(4);
    for d in 0..options.disconnectors {
        let done = done.clone();
        let ids = ids.clone();
        let url = url.clone();
        let token = token.clone();
        let seed = options.seed ^ (d as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let abandon = options.abandon_one_in;
        disconnectors.push(tokio::spawn(async move {
            disconnecting_client(&url, &token, &ids, seed, per_disconnector, abandon, &done).await
        }));
    }
    let mut sessions = Vec::new();
    for t in stayers {
        let (session, a) = t.await.context("a client task panicked")?;
        merge(&mut answers, a);
        sessions.push(session);
    }
    done.store(true, Ordering::Relaxed);
    let mut disconnects = Disconnects::default();
    for t in disconnectors {
        let d = t.await.context("a disconnecting client panicked")??;
        disconnects.after_accept += d.after_accept;
        disconnects.uncertain += d.uncertain;
        disconnects.abandoned_sessions += d.abandoned_sessions;
        disconnects.refused += d.refused;
    }
    let alive_after_run = server.is_running();
    let rss_after_run_kb = server.memory().map(|m| m.rss_kb);
    for s in sessions {
        let _ = s.close().await;
    }
    let rss_after_sessions_closed_kb = server.memory().map(|m| m.rss_kb);
    let peak_rss_kb = server.memory().map(|m| m.hwm_kb);

    // Let abandoned calls finish (each is bounded by the client's retry budget), then stop.
    // `answers` counts the warm-up calls too.
    let answered_calls = answers.ok + answers.tool_errors + answers.rpc_errors;
    let expected_min = answered_calls + disconnects.after_accept;
    let expected_max = expected_min + disconnects.uncertain;
    let settle_started = Instant::now();
    let mut last = (u64::MAX, Instant::now());
    while audited && settle_started.elapsed() < Duration::from_secs(60) {
        let n = count_audit(&home.history_db()).unwrap_or(0);
        if n != last.0 {
            last = (n, Instant::now());
        } else if n >= expected_min && last.1.elapsed() >= Duration::from_secs(1) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let audit_settle_ms = round(settle_started.elapsed().as_secs_f64() * 1000.0, 0);
    let alive_before_stop = server.is_running();
    let server_log = server.log();
    let exit = server.interrupt(Duration::from_secs(30)).await;
    let audit_records = if audited {
        count_audit(&home.history_db())?
    } else {
        0
    };

    // A second server, stopped while 64 clients have calls in flight.
    let stop_under_load = stop_under_load(subject, &bin, &fx, &ids, options.clients).await;

    let mut invariants = Vec::new();
    let exit_ok = matches!(&exit, Ok(s) if s.success());
    invariants.push(Invariant {
        name: "no crash".to_owned(),
        held: alive_after_run && alive_before_stop && exit_ok,
        detail: format!(
            "alive after the run: {alive_after_run}; alive before SIGINT: {alive_before_stop}; exit after SIGINT: {}",
            match &exit {
                Ok(s) => s.to_string(),
                Err(e) => format!("{e:#}"),
            }
        ),
    });
    invariants.push(Invariant {
        name: "every call of a client that stayed is answered (result or tool error)".to_owned(),
        held: answers.rpc_errors == 0 && answers.unanswered == 0,
        detail: format!(
            "{} ok, {} tool errors, {} JSON-RPC errors, {} unanswered",
            answers.ok, answers.tool_errors, answers.rpc_errors, answers.unanswered
        ),
    });
    invariants.push(Invariant {
        name: "no audit record lost (graceful stop)".to_owned(),
        held: !audited || (expected_min..=expected_max).contains(&audit_records),
        detail: format!(
            "{audit_records} records; expected {expected_min}..={expected_max} ({answered_calls} answered calls, {} accepted then dropped, {} dropped at a random moment)",
            disconnects.after_accept, disconnects.uncertain
        ),
    });
    match &stop_under_load {
        Ok(s) => invariants.push(Invariant {
            name: "stop under load: clean exit, every answered call audited".to_owned(),
            held: s.exit_status == "exit status: 0"
                && (!audited || (s.audit_records >= s.answered && s.audit_records <= s.sent)),
            detail: format!(
                "{} sent, {} answered, {} cut by the stop, {} audit records, {} after {:.0} ms",
                s.sent, s.answered, s.cut, s.audit_records, s.exit_status, s.stop_ms
            ),
        }),
        Err(e) => invariants.push(Invariant {
            name: "stop under load: clean exit, every answered call audited".to_owned(),
            held: false,
            detail: format!("{e:#}"),
        }),
    }
    let flat = match (rss_after_warmup_kb, rss_after_sessions_closed_kb) {
        (Some(before), Some(after)) => after <= before.saturating_mul(3),
        _ => true,
    };
    invariants.push(Invariant {
        name: "memory flat (after the run ≤ 3x after warm-up)".to_owned(),
        held: flat,
        detail: format!(
            "RSS after start {}, after warm-up {}, after the run {}, after closing sessions {}, peak {}",
            kb(rss_after_start_kb),
            kb(rss_after_warmup_kb),
            kb(rss_after_run_kb),
            kb(rss_after_sessions_closed_kb),
            kb(peak_rss_kb)
        ),
    });
    let passed = invariants.iter().all(|i| i.held);
    if !passed && !server_log.trim().is_empty() {
        eprintln!("soak: server log (tail):\n{}", tail(&server_log, 40));
    }
    let f = faults(options.seed);
    let report = SoakReport {
        generated_at: time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        machine,
        server: subject.label(),
        calls: options.calls,
        clients: options.clients,
        disconnectors: options.disconnectors,
        abandon_one_in: options.abandon_one_in,
        faults: format!(
            "{:.0}% 429, {:.0}% 500, latency 1-20 ms, seed {}",
            f.rate_limit_fraction * 100.0,
            f.server_error_fraction * 100.0,
            f.seed
        ),
        seconds: round(started.elapsed().as_secs_f64(), 2),
        answers,
        disconnects,
        warmup_calls,
        audit_records,
        audit_expected_min: expected_min,
        audit_expected_max: expected_max,
        audit_settle_ms,
        rss_after_start_kb,
        rss_after_warmup_kb,
        rss_after_run_kb,
        rss_after_sessions_closed_kb,
        peak_rss_kb,
        stop_under_load: stop_under_load.ok(),
        invariants,
        passed,
    };
    fx.sim.shutdown().await;
    if let Some(dir) = options.out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&options.out, serde_json::to_string_pretty(&report)? + "\n")
        .with_context(|| format!("write {}", options.out.display()))?;
    Ok(report)
}

fn subject_of(variant: Option<Variant>) -> Subject {
    variant.map_or(Subject::Real { tmpfs: false }, Subject::Variant)
}

fn variant_of(subject: Subject) -> Option<Variant> {
    match subject {
        Subject::Variant(v) => Some(v),
        Subject::Real { .. } => None,
    }
}

/// Whether the server under test keeps an audit log (variants without one skip that invariant).
fn audited(variant: Option<Variant>) -> bool {
    variant.is_none_or(Variant::has_audit)
}

fn kb(v: Option<u64>) -> String {
    v.map_or_else(
        || "n/a".to_owned(),
        |k| format!("{:.1} MB", k as f64 / 1024.0),
    )
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// One call with the soak's time limit.
async fn call(session: &mut McpHttp, tool: &str, args: &Value) -> Result<Answer> {
    match tokio::time::timeout(Duration::from_secs(60), session.call_tool(tool, args)).await {
        Ok(r) => r,
        Err(_) => Err(anyhow!("no answer within 60 s")),
    }
}

fn classify(answers: &mut Answers, tool: &str, outcome: Result<Answer>) {
    let example = |answers: &mut Answers, text: String| {
        if answers.examples.len() < 5 {
            answers.examples.push(text);
        }
    };
    match outcome {
        Ok(Answer::Result {
            is_error: false, ..
        }) => answers.ok += 1,
        Ok(Answer::Result { is_error: true, .. }) => answers.tool_errors += 1,
        Ok(Answer::RpcError(e)) => {
            answers.rpc_errors += 1;
            example(answers, format!("{tool}: JSON-RPC error {e}"));
        }
        Err(e) => {
            answers.unanswered += 1;
            example(answers, format!("{tool}: {e:#}"));
        }
    }
}

fn merge(into: &mut Answers, from: Answers) {
    into.ok += from.ok;
    into.tool_errors += from.tool_errors;
    into.rpc_errors += from.rpc_errors;
    into.unanswered += from.unanswered;
    for e in from.examples {
        if into.examples.len() < 5 {
            into.examples.push(e);
        }
    }
}

/// A client that keeps dropping its connection mid-call, until the stayers are done or it has
/// made `max_attempts` calls. Each attempt uses a fresh connection so the drop is a real TCP close.
async fn disconnecting_client(
    url: &str,
    token: &str,
    ids: &Ids,
    seed: u64,
    max_attempts: u64,
    abandon_one_in: u8,
    done: &AtomicBool,
) -> Result<Disconnects> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut out = Disconnects::default();
    let mut session: Option<McpHttp> = None;
    let mut attempts = 0;
    while attempts < max_attempts && !done.load(Ordering::Relaxed) {
        attempts += 1;
        // A new session now and then; the old one is abandoned without DELETE.
        if session.is_none() || (abandon_one_in > 0 && rng.u8(..abandon_one_in) == 0) {
            if session.take().is_some() {
                out.abandoned_sessions += 1;
            }
            let http = mcp_http::http_client()?;
            session = Some(McpHttp::connect_with(http, url, token, "soak-disconnector").await?);
        }
        let Some(s) = session.as_mut() else { continue };
        // The session is kept; the connection is new each time, so the drop is a real close.
        let fresh = mcp_http::http_client()?;
        let slot = rng.u64(..1_000_000);
        let (tool, args) = call_of(slot, ids.ws, ids.customers, ids.inserts);
        let (_, request) = s.tool_request_via(&fresh, tool, &args);
        if rng.bool() {
            // Accepted, then dropped: wait for the headers, never read the answer.
            match request.send().await {
                Ok(resp) if resp.status().is_success() => out.after_accept += 1,
                Ok(_) => out.refused += 1,
                Err(_) => out.uncertain += 1,
            }
        } else {
            // Dropped at a random moment, maybe before the server has the request.
            let delay = Duration::from_micros(rng.u64(0..3_000));
            match tokio::time::timeout(delay, request.send()).await {
                Ok(Ok(resp)) if resp.status().is_success() => out.after_accept += 1,
                Ok(Ok(_)) => out.refused += 1,
                Ok(Err(_)) | Err(_) => out.uncertain += 1,
            }
        }
        drop(fresh);
    }
    if session.is_some() {
        out.abandoned_sessions += 1;
    }
    Ok(out)
}

/// A second server with sim latency 20-60 ms, 64 clients in a closed loop, SIGINT after a short
/// while: the server must exit 0 and every call a client saw answered must be in the audit log.
async fn stop_under_load(
    subject: Subject,
    bin: &Path,
    fx: &Fixture,
    ids: &Ids,
    clients: usize,
) -> Result<StopUnderLoad> {
    fx.sim.set_faults(FaultConfig {
        latency: Some((Duration::from_millis(20), Duration::from_millis(60))),
        ..FaultConfig::none()
    });
    let (server, token, home) = start_subject(subject, bin, fx).await?;
    let url = server.url().to_owned();
    let sent = Arc::new(AtomicU64::new(0));
    let answered = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    let (ws, customers, inserts) = (ids.ws, ids.customers, ids.inserts);
    for i in 0..clients {
        let mut s = McpHttp::connect(&url, &token, &format!("stop-{i}")).await?;
        let sent = sent.clone();
        let answered = answered.clone();
        tasks.push(tokio::spawn(async move {
            let mut slot = i as u64 * 7919;
            loop {
                slot += 1;
                let (tool, args) = call_of(slot, ws, customers, inserts);
                sent.fetch_add(1, Ordering::Relaxed);
                match tokio::time::timeout(Duration::from_secs(30), s.call_tool(tool, &args)).await
                {
                    Ok(Ok(_)) => {
                        answered.fetch_add(1, Ordering::Relaxed);
                    }
                    // The server is stopping: this client is done.
                    _ => break,
                }
            }
        }));
    }
    // Let every client get a few calls in, then stop mid-flight.
    while answered.load(Ordering::Relaxed) < clients as u64 * 3 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let stopping = Instant::now();
    let exit = server.interrupt(Duration::from_secs(30)).await;
    let stop_ms = round(stopping.elapsed().as_secs_f64() * 1000.0, 1);
    for t in tasks {
        let _ = tokio::time::timeout(Duration::from_secs(40), t).await;
    }
    let sent = sent.load(Ordering::Relaxed);
    let answered = answered.load(Ordering::Relaxed);
    Ok(StopUnderLoad {
        sent,
        answered,
        cut: sent - answered,
        audit_records: if audited(variant_of(subject)) {
            count_audit(&home.history_db())?
        } else {
            0
        },
        exit_status: match exit {
            Ok(s) => s.to_string(),
            Err(e) => format!("{e:#}"),
        },
        stop_ms,
    })
}

/// The report as text.
pub fn render(r: &SoakReport) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Soak of {}: {} calls over {} clients (+{} disconnecting), faults {}; {:.1} s on {} cores ({})",
        r.server,
        r.calls,
        r.clients,
        r.disconnectors,
        r.faults,
        r.seconds,
        r.machine.cores,
        r.machine.cpu_model
    );
    let _ = writeln!(
        s,
        "disconnects: {} after acceptance, {} at a random moment, {} refused, {} sessions abandoned",
        r.disconnects.after_accept,
        r.disconnects.uncertain,
        r.disconnects.refused,
        r.disconnects.abandoned_sessions
    );
    for e in &r.answers.examples {
        let _ = writeln!(s, "  e.g. {e}");
    }
    for i in &r.invariants {
        let _ = writeln!(
            s,
            "  [{}] {} — {}",
            if i.held { "held" } else { "FAILED" },
            i.name,
            i.detail
        );
    }
    let _ = writeln!(s, "soak {}", if r.passed { "PASSED" } else { "FAILED" });
    s
}
