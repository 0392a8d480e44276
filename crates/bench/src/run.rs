//! `cargo run --release -p bench`: the whole benchmark in one bounded run.
//!
//! Phases, in order (each with a fixed duration or count):
//! 1. xano-sim in process (demo data, no faults, zero added latency, recording off); the real
//!    `xano-mcp serve` started as a child with a fresh home and a token made by the CLI; its idle
//!    RSS read from `/proc`.
//! 2. HTTP: `getTableContent` and `addTableContent` at 1, 16 and 64 clients, closed loop, through
//!    our server (lean MCP client) and directly with the Xano client (the baseline); the rmcp SDK
//!    client as a reference; 16 clients paced at a fixed rate. The server's peak RSS under load.
//! 3. stdio: spawn-to-`initialize` of `xano-mcp stdio`, then calls/s on one session.
//! 4. `addTableContentBulk` of 100k rows: rows/s and the server's peak RSS.
//! 5. Exact local filtering (`contains`, which Xano cannot do) over 200k rows: time per query,
//!    next to the same selection pushed down.
//! 6. Graceful stop (SIGINT) and the report: a table on stdout, JSON in `bench/results/`.

use crate::fixture::{Fixture, bulk_row};
use crate::load::{self, Cell, CellResult, Op, Target};
use crate::machine::Machine;
use crate::mcp_http::McpHttp;
use crate::mcp_stdio::{McpStdio, StdioSetup};
use crate::procfs;
use crate::server::{self, Server, ServerHome};
use crate::stats::{Latency, round};
use crate::variants::{self, Variant};
use anyhow::{Context, Result, bail};
use serde::Serialize;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use xano_sim::FaultConfig;

/// Options of a run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// A small smoke version (seconds, not minutes).
    pub quick: bool,
    /// Where the JSON goes.
    pub out: PathBuf,
    /// Measure this binary instead of building the workspace's.
    pub server_bin: Option<PathBuf>,
    /// Do not build `xano-mcp` first.
    pub no_build: bool,
}

/// Sizes of a run.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Plan {
    pub warmup_s: f64,
    pub measure_s: f64,
    pub client_counts: [usize; 3],
    /// The paced cells offer this fraction of the measured closed-loop capacity (the lower of MCP
    /// and direct at the same client count), so they show latency below saturation.
    pub paced_fraction: f64,
    pub paced_clients: usize,
    pub stdio_spawns: usize,
    pub bulk_rows: usize,
    pub bulk_rows_per_call: usize,
    pub filter_rows: usize,
    pub filter_queries: usize,
    /// Sessions opened (and closed) to measure their memory.
    pub session_probe: usize,
}

impl Plan {
    pub fn new(quick: bool) -> Self {
        if quick {
            Self {
                warmup_s: 0.3,
                measure_s: 1.0,
                client_counts: [1, 16, 64],
                paced_fraction: 0.5,
                paced_clients: 16,
                stdio_spawns: 3,
                bulk_rows: 10_000,
                bulk_rows_per_call: 5_000,
                filter_rows: 20_000,
                filter_queries: 1,
                session_probe: 64,
            }
        } else {
            Self {
                warmup_s: 1.0,
                measure_s: 4.0,
                client_counts: [1, 16, 64],
                paced_fraction: 0.5,
                paced_clients: 16,
                stdio_spawns: 10,
                bulk_rows: 100_000,
                bulk_rows_per_call: 10_000,
                filter_rows: 200_000,
                filter_queries: 3,
                session_probe: 256,
            }
        }
    }
}

/// Our overhead over the direct call, for one tool, client count and load.
#[derive(Debug, Clone, Serialize)]
pub struct Overhead {
    pub tool: &'static str,
    pub clients: usize,
    pub load: String,
    pub mcp_calls_per_s: f64,
    pub direct_calls_per_s: f64,
    /// MCP throughput / direct throughput.
    pub throughput_ratio: f64,
    pub mcp_p50_ms: f64,
    pub direct_p50_ms: f64,
    pub added_p50_ms: f64,
    pub mcp_p99_ms: f64,
    pub direct_p99_ms: f64,
    pub added_p99_ms: f64,
    pub server_cpu_us_per_call: Option<f64>,
}

/// Memory of the headless server (KiB).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ServerMemory {
    pub idle_after_start_kb: Option<u64>,
    pub peak_under_http_load_kb: Option<u64>,
    pub rss_after_http_load_kb: Option<u64>,
    pub peak_during_bulk_kb: Option<u64>,
    pub peak_during_filtering_kb: Option<u64>,
    pub rss_at_end_kb: Option<u64>,
    /// Open MCP sessions cost memory until closed (or until rmcp's 5-minute idle timeout).
    pub sessions: SessionProbe,
}

/// What open sessions cost the server.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SessionProbe {
    pub sessions: usize,
    /// `initialize` + `notifications/initialized`, one client after another.
    pub opened_per_s: f64,
    pub rss_before_kb: Option<u64>,
    pub rss_open_kb: Option<u64>,
    pub per_session_kb: Option<f64>,
    pub rss_after_close_kb: Option<u64>,
    /// Memory of one `XanoMcpServer` value (its tool router is rebuilt per session), measured in
    /// this process: RSS growth while holding 1024 of them, divided by 1024.
    pub server_value_kb: Option<f64>,
}

/// The stdio bridge.
#[derive(Debug, Clone, Serialize)]
pub struct StdioResult {
    pub spawns: usize,
    /// Spawn to `initialize` answered.
    pub initialize_ms: Latency,
    /// Spawn to exit of `xano-mcp --version`: what starting the process alone costs.
    pub process_start_floor_ms: Latency,
    pub sequential_calls_per_s: f64,
    pub sequential_latency: Latency,
    pub pipelined_in_flight: usize,
    pub pipelined_calls_per_s: f64,
    pub pipelined_latency: Latency,
    pub errors: u64,
    pub peak_rss_kb: Option<u64>,
}

/// `addTableContentBulk`.
#[derive(Debug, Clone, Serialize)]
pub struct BulkResult {
    pub rows: usize,
    pub rows_per_call: usize,
    pub seconds: f64,
    pub rows_per_s: f64,
    pub server_peak_rss_kb: Option<u64>,
}

/// Local filtering.
#[derive(Debug, Clone, Serialize)]
pub struct FilterResult {
    pub table_rows: usize,
    pub query: Value,
    pub matches: u64,
    pub rows_scanned: u64,
    pub queries: usize,
    pub seconds_per_query: Latency,
    pub pushed_down_query: Value,
    pub pushed_down_seconds_per_query: Latency,
}

/// One DESIGN §8 target and whether this run met it.
#[derive(Debug, Clone, Serialize)]
pub struct TargetCheck {
    pub target: String,
    pub measured: String,
    pub met: bool,
}

/// Everything a run reports.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub generated_at: String,
    pub quick: bool,
    pub machine: Machine,
    pub server_binary: String,
    pub server_profile: &'static str,
    pub server_startup_ms: f64,
    pub plan: Plan,
    pub http: Vec<CellResult>,
    pub overhead: Vec<Overhead>,
    pub server_memory: ServerMemory,
    pub stdio: StdioResult,
    pub bulk: BulkResult,
    pub filtering: FilterResult,
    pub graceful_stop_ms: f64,
    /// The same calls against server variants with one layer removed at a time.
    pub breakdown: Vec<BreakdownRow>,
    pub targets: Vec<TargetCheck>,
}

/// One cell of the breakdown.
#[derive(Debug, Clone, Serialize)]
pub struct BreakdownRow {
    pub server: String,
    pub tool: &'static str,
    pub clients: usize,
    pub calls_per_s: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub server_cpu_us_per_call: Option<f64>,
    pub server_peak_rss_kb: Option<u64>,
    pub errors: u64,
}

fn kb(m: Option<procfs::Memory>) -> (Option<u64>, Option<u64>) {
    (m.map(|m| m.rss_kb), m.map(|m| m.hwm_kb))
}

/// Runs the benchmark and writes the report.
pub async fn run(options: RunOptions) -> Result<Report> {
    let plan = Plan::new(options.quick);
    let machine = Machine::detect();
    let bin = server::locate_binary(options.server_bin.clone(), !options.no_build)?;
    eprintln!(
        "bench: {} cores, {}; measuring {}",
        machine.cores,
        machine.cpu_model,
        bin.display()
    );

    // 1. The sim, the server, idle memory.
    let fx = Fixture::start(FaultConfig::none()).await?;
    let inserts = fx.create_table("bench_inserts").await?;
    let bulk_table = fx.create_table("bench_bulk").await?;
    let home = ServerHome::new()?;
    let token = home.create_token(&bin, "bench").await?;
    let mut server = Server::start(&bin, &home, &fx.meta_url(), xano_sim::DEMO_TOKEN).await?;
    let mut memory = ServerMemory {
        idle_after_start_kb: kb(server.memory()).0,
        ..ServerMemory::default()
    };
    let url = server.url().to_owned();
    let pid = Some(server.pid());
    memory.sessions = session_probe(&server, &url, &token, plan.session_probe).await?;

    // 2. HTTP.
    let warmup = Duration::from_secs_f64(plan.warmup_s);
    let measure = Duration::from_secs_f64(plan.measure_s);
    let mcp = Target::Mcp {
        url: url.clone(),
        token: token.clone(),
    };
    let direct = Target::Direct {
        client: fx.client.clone(),
    };
    let ops = [
        Op::GetTableContent {
            ws: fx.ws,
            table: fx.customers,
        },
        Op::AddTableContent {
            ws: fx.ws,
            table: inserts,
        },
    ];
    server.reset_peak();
    let mut http = Vec::new();
    let cell = |target: &Target, op: Op, clients: usize, interval: Option<Duration>| Cell {
        target: target.clone(),
        op,
        clients,
        warmup,
        measure,
        interval,
    };
    for op in ops {
        for &clients in &plan.client_counts {
            for target in [&direct, &mcp] {
                let c = cell(target, op, clients, None);
                let r = load::run(&c, pid).await?;
                eprintln!("bench: {}", one_line(&r));
                http.push(r);
            }
        }
        // Half of what both paths can do at this client count: below saturation.
        let capacity = http
            .iter()
            .filter(|c: &&CellResult| {
                c.tool == op.tool() && c.clients == plan.paced_clients && c.load == "closed-loop"
            })
            .map(|c| c.calls_per_s)
            .fold(f64::INFINITY, f64::min);
        let rate = (capacity * plan.paced_fraction).max(1.0);
        let interval = Duration::from_secs_f64(plan.paced_clients as f64 / rate);
        for target in [&direct, &mcp] {
            let c = cell(target, op, plan.paced_clients, Some(interval));
            let r = load::run(&c, pid).await?;
            eprintln!("bench: {}", one_line(&r));
            http.push(r);
        }
    }
    let rmcp = Target::Rmcp {
        url: url.clone(),
        token: token.clone(),
    };
    for &clients in &plan.client_counts {
        let c = cell(&rmcp, ops[0], clients, None);
        let r = load::run(&c, pid).await?;
        eprintln!("bench: {}", one_line(&r));
        http.push(r);
    }
    let (rss, hwm) = kb(server.memory());
    memory.peak_under_http_load_kb = hwm;
    memory.rss_after_http_load_kb = rss;
    let overhead = overheads(&http);

    // 3. stdio.
    let stdio = stdio_phase(&plan, &bin, &home, &fx, &token).await?;

    // 4. Bulk insert through MCP.
    server.reset_peak();
    let mut session = McpHttp::connect(&url, &token, "bench-bulk").await?;
    let started = Instant::now();
    let mut n = 0u64;
    while (n as usize) < plan.bulk_rows {
        let take = plan.bulk_rows_per_call.min(plan.bulk_rows - n as usize);
        let records: Vec<Value> = (n..n + take as u64)
            .map(|i| Value::Object(bulk_row(i)))
            .collect();
        let answer = session
            .call_tool(
                "addTableContentBulk",
                &json!({"workspace_id": fx.ws, "table_id": bulk_table, "records": records}),
            )
            .await?;
        if !answer.is_ok() {
            bail!("addTableContentBulk failed: {answer:?}");
        }
        n += take as u64;
    }
    let bulk_seconds = started.elapsed().as_secs_f64();
    let bulk = BulkResult {
        rows: plan.bulk_rows,
        rows_per_call: plan.bulk_rows_per_call,
        seconds: round(bulk_seconds, 3),
        rows_per_s: round(plan.bulk_rows as f64 / bulk_seconds, 0),
        server_peak_rss_kb: kb(server.memory()).1,
    };
    memory.peak_during_bulk_kb = bulk.server_peak_rss_kb;
    eprintln!(
        "bench: bulk {} rows in {:.2} s = {:.0} rows/s",
        bulk.rows, bulk.seconds, bulk.rows_per_s
    );

    // 5. Local filtering over the table filled to `filter_rows`.
    let rest: Vec<xano::types::Row> = (plan.bulk_rows as u64..plan.filter_rows as u64)
        .map(bulk_row)
        .collect();
    fx.insert_direct(bulk_table, &rest).await?;
    server.reset_peak();
    let filtering = filter_phase(&plan, &mut session, fx.ws, bulk_table).await?;
    memory.peak_during_filtering_kb = kb(server.memory()).1;
    let _ = session.close().await;

    // 6. Stop.
    memory.rss_at_end_kb = kb(server.memory()).0;
    let server_startup_ms = round(server.startup.as_secs_f64() * 1000.0, 1);
    if !server.is_running() {
        bail!("the server died during the run:\n{}", server.log());
    }
    let stopping = Instant::now();
    let status = server.interrupt(Duration::from_secs(30)).await?;
    let graceful_stop_ms = round(stopping.elapsed().as_secs_f64() * 1000.0, 1);
    if !status.success() {
        bail!("the server exited with {status} after SIGINT");
    }

    // 7. Where the time goes.
    let breakdown = breakdown_phase(&plan, &bin, &fx, inserts).await?;
    fx.sim.shutdown().await;

    let mut report = Report {
        generated_at: now_rfc3339(),
        quick: options.quick,
        machine,
        server_binary: bin.display().to_string(),
        server_profile: server::profile(),
        server_startup_ms,
        plan,
        http,
        overhead,
        server_memory: memory,
        stdio,
        bulk,
        filtering,
        graceful_stop_ms,
        breakdown,
        targets: Vec::new(),
    };
    report.targets = targets(&report);
    write_json(&options.out, &report)?;
    Ok(report)
}

/// RSS growth per `XanoMcpServer` value held, in this process (what each session's handler costs).
fn server_value_kb() -> Option<f64> {
    let client = xano::XanoClient::new(
        xano::MetaBase::parse("http://127.0.0.1:9/api:meta").ok()?,
        xano::XanoToken::new("unused"),
    )
    .ok()?;
    let engine = std::sync::Arc::new(mcp::Engine::new(client, mcp::EngineOptions::default()));
    let n = 1024;
    let before = procfs::memory(procfs::own_pid())?.rss_kb;
    let held: Vec<_> = (0..n)
        .map(|_| mcp::XanoMcpServer::with_hook(engine.clone(), std::sync::Arc::new(mcp::NoHook)))
        .collect();
    let after = procfs::memory(procfs::own_pid())?.rss_kb;
    drop(held);
    Some(round(after.saturating_sub(before) as f64 / n as f64, 1))
}

/// Opens `n` sessions and closes them, reading the server's RSS around it.
async fn session_probe(server: &Server, url: &str, token: &str, n: usize) -> Result<SessionProbe> {
    let before = kb(server.memory()).0;
    let started = Instant::now();
    let mut sessions = Vec::with_capacity(n);
    for i in 0..n {
        sessions.push(McpHttp::connect(url, token, &format!("probe-{i}")).await?);
    }
    let opened_per_s = round(n as f64 / started.elapsed().as_secs_f64(), 0);
    let open = kb(server.memory()).0;
    for s in sessions {
        s.close().await?;
    }
    let after = kb(server.memory()).0;
    let per_session_kb = match (before, open) {
        (Some(b), Some(o)) if n > 0 => Some(round(o.saturating_sub(b) as f64 / n as f64, 1)),
        _ => None,
    };
    eprintln!(
        "bench: {n} open sessions: {} KB each ({opened_per_s:.0} opened/s)",
        per_session_kb.map_or_else(|| "n/a".to_owned(), |k| format!("{k:.0}"))
    );
    Ok(SessionProbe {
        server_value_kb: server_value_kb(),
        sessions: n,
        opened_per_s,
        rss_before_kb: before,
        rss_open_kb: open,
        per_session_kb,
        rss_after_close_kb: after,
    })
}

fn one_line(r: &CellResult) -> String {
    format!(
        "{:<16} {:<14} {:>2} clients {:<24} {:>9.1} calls/s  p50 {:>7.3} ms  p99 {:>7.3} ms  errors {}",
        r.tool,
        r.mode,
        r.clients,
        r.load,
        r.calls_per_s,
        r.latency.p50_ms,
        r.latency.p99_ms,
        r.errors
    )
}

fn overheads(cells: &[CellResult]) -> Vec<Overhead> {
    let mut out = Vec::new();
    for m in cells.iter().filter(|c| c.mode == "mcp-http") {
        let Some(d) = cells.iter().find(|c| {
            c.mode == "direct" && c.tool == m.tool && c.clients == m.clients && c.load == m.load
        }) else {
            continue;
        };
        out.push(Overhead {
            tool: m.tool,
            clients: m.clients,
            load: m.load.clone(),
            mcp_calls_per_s: m.calls_per_s,
            direct_calls_per_s: d.calls_per_s,
            throughput_ratio: if d.calls_per_s > 0.0 {
                round(m.calls_per_s / d.calls_per_s, 3)
            } else {
                0.0
            },
            mcp_p50_ms: m.latency.p50_ms,
            direct_p50_ms: d.latency.p50_ms,
            added_p50_ms: round(m.latency.p50_ms - d.latency.p50_ms, 3),
            mcp_p99_ms: m.latency.p99_ms,
            direct_p99_ms: d.latency.p99_ms,
            added_p99_ms: round(m.latency.p99_ms - d.latency.p99_ms, 3),
            server_cpu_us_per_call: m.server_cpu_us_per_call,
        });
    }
    out
}

async fn stdio_phase(
    plan: &Plan,
    bin: &std::path::Path,
    home: &ServerHome,
    fx: &Fixture,
    token: &str,
) -> Result<StdioResult> {
    let meta_url = fx.meta_url();
    let setup = StdioSetup {
        bin,
        home,
        instance_url: &meta_url,
        xano_token: xano_sim::DEMO_TOKEN,
        token_name: "bench",
        local_token: token,
    };
    let mut inits = Vec::new();
    for _ in 0..plan.stdio_spawns {
        let (session, elapsed) = McpStdio::spawn(setup).await?;
        inits.push(elapsed);
        session.close().await?;
    }
    let mut floor = Vec::new();
    for _ in 0..plan.stdio_spawns {
        let started = Instant::now();
        let status = home
            .command(bin)
            .arg("--version")
            .stdout(std::process::Stdio::null())
            .status()
            .await?;
        floor.push(started.elapsed());
        if !status.success() {
            bail!("xano-mcp --version failed");
        }
    }
    let (mut session, _) = McpStdio::spawn(setup).await?;
    let args = Op::GetTableContent {
        ws: fx.ws,
        table: fx.customers,
    }
    .arguments(0);
    // Warm-up (schema cache, connection to the sim), then one call at a time.
    for _ in 0..20 {
        session.call_tool("getTableContent", &args).await?;
    }
    let measure = Duration::from_secs_f64(plan.measure_s);
    let (seq, seq_errors) = session
        .run_pipelined("getTableContent", &args, 1, measure)
        .await?;
    let in_flight = 16;
    let (pipe, pipe_errors) = session
        .run_pipelined("getTableContent", &args, in_flight, measure)
        .await?;
    let peak = procfs::memory(session.pid()).map(|m| m.hwm_kb);
    session.close().await?;
    let secs = measure.as_secs_f64();
    let result = StdioResult {
        spawns: inits.len(),
        initialize_ms: Latency::of(inits),
        process_start_floor_ms: Latency::of(floor),
        sequential_calls_per_s: round(seq.len() as f64 / secs, 1),
        sequential_latency: Latency::of(seq),
        pipelined_in_flight: in_flight,
        pipelined_calls_per_s: round(pipe.len() as f64 / secs, 1),
        pipelined_latency: Latency::of(pipe),
        errors: seq_errors + pipe_errors,
        peak_rss_kb: peak,
    };
    eprintln!(
        "bench: stdio initialize p50 {:.1} ms (max {:.1}; process start alone {:.1}); {:.0} calls/s sequential, {:.0} calls/s with {in_flight} in flight",
        result.initialize_ms.p50_ms,
        result.initialize_ms.max_ms,
        result.process_start_floor_ms.p50_ms,
        result.sequential_calls_per_s,
        result.pipelined_calls_per_s
    );
    Ok(result)
}

async fn filter_phase(
    plan: &Plan,
    session: &mut McpHttp,
    ws: i64,
    table: i64,
) -> Result<FilterResult> {
    let expected = (0..plan.filter_rows as u64)
        .filter(|n| n % 1000 == 7)
        .count() as u64;
    let query = json!({"field": "note", "operator": "contains", "value": "needle"});
    let pushed = json!({"field": "score", "operator": "=", "value": 7});
    let mut times = Vec::new();
    let mut scanned = 0;
    for _ in 0..plan.filter_queries {
        let started = Instant::now();
        let answer = session
            .call_tool(
                "searchTableContent",
                &json!({"workspace_id": ws, "table_id": table, "query": query, "limit": 50}),
            )
            .await?;
        times.push(started.elapsed());
        let s = answer
            .structured()
            .context("searchTableContent: no structured result")?;
        if !answer.is_ok()
            || s["total"].as_u64() != Some(expected)
            || s["filtered_locally"] != json!(true)
        {
            bail!("local filtering gave a wrong answer (expected {expected} matches): {s}");
        }
        scanned = s["rows_scanned"].as_u64().unwrap_or(0);
    }
    let mut pushed_times = Vec::new();
    for _ in 0..plan.filter_queries {
        let started = Instant::now();
        let answer = session
            .call_tool(
                "searchTableContent",
                &json!({"workspace_id": ws, "table_id": table, "query": pushed, "limit": 50}),
            )
            .await?;
        pushed_times.push(started.elapsed());
        let s = answer
            .structured()
            .context("searchTableContent: no structured result")?;
        if !answer.is_ok() || s["total"].as_u64() != Some(expected) {
            bail!("the pushed-down query gave a wrong answer (expected {expected}): {s}");
        }
    }
    let to_secs = |v: Vec<Duration>| {
        let mut l = Latency::of(v);
        // Report seconds, not milliseconds, for these long calls.
        for x in [
            &mut l.mean_ms,
            &mut l.p50_ms,
            &mut l.p90_ms,
            &mut l.p99_ms,
            &mut l.max_ms,
        ] {
            *x = round(*x / 1000.0, 4);
        }
        l
    };
    let result = FilterResult {
        table_rows: plan.filter_rows,
        query,
        matches: expected,
        rows_scanned: scanned,
        queries: plan.filter_queries,
        seconds_per_query: to_secs(times),
        pushed_down_query: pushed,
        pushed_down_seconds_per_query: to_secs(pushed_times),
    };
    eprintln!(
        "bench: local filter over {} rows: {:.3} s per query (pushed down: {:.4} s)",
        result.table_rows,
        result.seconds_per_query.p50_ms,
        result.pushed_down_seconds_per_query.p50_ms
    );
    Ok(result)
}

/// The servers of the breakdown: the real one (home on disk, home on tmpfs) and the variants.
#[derive(Debug, Clone, Copy)]
pub enum Subject {
    Real { tmpfs: bool },
    Variant(Variant),
}

impl Subject {
    pub fn label(self) -> String {
        match self {
            Subject::Real { tmpfs: false } => "xano-mcp serve (home on disk)".to_owned(),
            Subject::Real { tmpfs: true } => "xano-mcp serve (home on tmpfs)".to_owned(),
            Subject::Variant(v) => v.label().to_owned(),
        }
    }
}

/// Starts a server of the breakdown (or of a diagnostic soak); returns it, its token and its home.
pub async fn start_subject(
    subject: Subject,
    bin: &std::path::Path,
    fx: &Fixture,
) -> Result<(Server, String, ServerHome)> {
    let shm = std::path::Path::new("/dev/shm");
    let home = match subject {
        Subject::Real { tmpfs: true } => ServerHome::new_in(shm)?,
        _ => ServerHome::new()?,
    };
    match subject {
        Subject::Real { .. } => {
            let token = home.create_token(bin, "bench").await?;
            let server = Server::start(bin, &home, &fx.meta_url(), xano_sim::DEMO_TOKEN).await?;
            Ok((server, token, home))
        }
        Subject::Variant(v) => {
            let token = match v {
                Variant::Bare => {
                    format!("bench-fixed-{:016x}", fastrand::u64(..))
                }
                Variant::Full
                | Variant::FullNoReplayCache
                | Variant::FullShortIdle
                | Variant::NoAudit
                | Variant::AuthOnly => home.create_token(bin, "bench").await?,
            };
            let exe = std::env::current_exe().context("the bench executable")?;
            let mut cmd = home.command(&exe);
            cmd.args(["__serve-variant", "--variant", v.arg(), "--sim-url"])
                .arg(fx.meta_url())
                .arg("--home")
                .arg(home.path())
                .env(variants::FIXED_TOKEN_ENV, &token);
            let server = Server::spawn(cmd, &home, &exe).await?;
            Ok((server, token, home))
        }
    }
}

async fn breakdown_phase(
    plan: &Plan,
    bin: &std::path::Path,
    fx: &Fixture,
    inserts: i64,
) -> Result<Vec<BreakdownRow>> {
    let mut subjects = vec![Subject::Real { tmpfs: false }];
    if std::path::Path::new("/dev/shm").is_dir() {
        subjects.push(Subject::Real { tmpfs: true });
    }
    subjects.extend([Variant::NoAudit, Variant::AuthOnly, Variant::Bare].map(Subject::Variant));
    let add = Op::AddTableContent {
        ws: fx.ws,
        table: inserts,
    };
    let get = Op::GetTableContent {
        ws: fx.ws,
        table: fx.customers,
    };
    let mut rows = Vec::new();
    for subject in subjects {
        let (mut server, token, _home) = start_subject(subject, bin, fx).await?;
        let target = Target::Mcp {
            url: server.url().to_owned(),
            token,
        };
        for (op, clients) in [(add, 1), (add, 64), (get, 64)] {
            server.reset_peak();
            let r = load::run(
                &Cell {
                    target: target.clone(),
                    op,
                    clients,
                    warmup: Duration::from_secs_f64(plan.warmup_s),
                    measure: Duration::from_secs_f64(plan.measure_s),
                    interval: None,
                },
                Some(server.pid()),
            )
            .await?;
            let row = BreakdownRow {
                server: subject.label(),
                tool: r.tool,
                clients,
                calls_per_s: r.calls_per_s,
                p50_ms: r.latency.p50_ms,
                p99_ms: r.latency.p99_ms,
                server_cpu_us_per_call: r.server_cpu_us_per_call,
                server_peak_rss_kb: kb(server.memory()).1,
                errors: r.errors,
            };
            eprintln!(
                "bench: breakdown {:<38} {:<16} {:>2} clients {:>8.0} calls/s p50 {:>7.3} ms  {:>6} µs CPU/call",
                row.server,
                row.tool,
                row.clients,
                row.calls_per_s,
                row.p50_ms,
                row.server_cpu_us_per_call
                    .map_or_else(|| "-".to_owned(), |x| format!("{x:.0}"))
            );
            rows.push(row);
        }
        if !server.is_running() {
            bail!(
                "{} died during the breakdown:\n{}",
                subject.label(),
                server.log()
            );
        }
        server.interrupt(Duration::from_secs(30)).await?;
    }
    Ok(rows)
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn write_json(path: &std::path::Path, report: &Report) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
    }
    let text = serde_json::to_string_pretty(report)?;
    std::fs::write(path, text + "\n").with_context(|| format!("write {}", path.display()))
}

/// The DESIGN §8 targets, checked against this run.
pub fn targets(r: &Report) -> Vec<TargetCheck> {
    let mut out = Vec::new();
    for o in r.overhead.iter().filter(|o| o.clients == 16) {
        out.push(TargetCheck {
            target: format!(
                "{} at 16 clients ({}): added latency p50 ≤ 0.2 ms, p99 ≤ 1 ms",
                o.tool, o.load
            ),
            measured: format!(
                "added p50 {:.3} ms, p99 {:.3} ms",
                o.added_p50_ms, o.added_p99_ms
            ),
            met: o.added_p50_ms <= 0.2 && o.added_p99_ms <= 1.0,
        });
    }
    for c in r
        .http
        .iter()
        .filter(|c| c.mode == "mcp-http" && c.clients == 64 && c.load == "closed-loop")
    {
        out.push(TargetCheck {
            target: format!(
                "{} at 64 clients: over 10,000 calls/s on {} cores",
                c.tool, r.machine.cores
            ),
            measured: format!("{:.0} calls/s", c.calls_per_s),
            met: c.calls_per_s > 10_000.0,
        });
    }
    if let Some(idle) = r.server_memory.idle_after_start_kb {
        out.push(TargetCheck {
            target: "headless server idle RSS ≤ 15 MB".to_owned(),
            measured: format!("{:.1} MB", idle as f64 / 1024.0),
            met: idle as f64 / 1024.0 <= 15.0,
        });
    }
    out.push(TargetCheck {
        target: "stdio bridge answers initialize within 20 ms of spawn (median)".to_owned(),
        measured: format!(
            "p50 {:.1} ms, max {:.1} ms over {} spawns (process start alone {:.1} ms)",
            r.stdio.initialize_ms.p50_ms,
            r.stdio.initialize_ms.max_ms,
            r.stdio.spawns,
            r.stdio.process_start_floor_ms.p50_ms
        ),
        met: r.stdio.initialize_ms.p50_ms <= 20.0,
    });
    out
}

fn mb(kb: Option<u64>) -> String {
    kb.map_or_else(
        || "n/a".to_owned(),
        |k| format!("{:.1} MB", k as f64 / 1024.0),
    )
}

/// The report as text tables.
pub fn render(r: &Report) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let m = &r.machine;
    let _ = writeln!(
        s,
        "Xano MCP benchmark — {} — {} cores, {}, {} MB RAM, {}{}",
        r.generated_at,
        m.cores,
        m.cpu_model,
        m.memory_total_mb,
        m.os,
        m.load_average_at_start
            .map(|l| format!(", load avg at start {:.2}", l[0]))
            .unwrap_or_default()
    );
    let _ = writeln!(
        s,
        "server: {} ({}), started in {:.1} ms{}\n",
        r.server_binary,
        r.server_profile,
        r.server_startup_ms,
        if r.quick { " — QUICK smoke run" } else { "" }
    );
    let _ = writeln!(
        s,
        "{:<16} {:<14} {:>7} {:<24} {:>10} {:>9} {:>9} {:>9} {:>7} {:>9}",
        "tool",
        "client",
        "clients",
        "load",
        "calls/s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "errors",
        "srv µs/c"
    );
    for c in &r.http {
        let _ = writeln!(
            s,
            "{:<16} {:<14} {:>7} {:<24} {:>10.0} {:>9.3} {:>9.3} {:>9.3} {:>7} {:>9}",
            c.tool,
            c.mode,
            c.clients,
            c.load,
            c.calls_per_s,
            c.latency.p50_ms,
            c.latency.p99_ms,
            c.latency.max_ms,
            c.errors,
            c.server_cpu_us_per_call
                .map_or_else(|| "-".to_owned(), |x| format!("{x:.0}"))
        );
    }
    let _ = writeln!(
        s,
        "\nOverhead of MCP over the direct Xano call (same double):"
    );
    let _ = writeln!(
        s,
        "{:<16} {:>7} {:<24} {:>11} {:>13} {:>13} {:>13}",
        "tool", "clients", "load", "throughput", "added p50 ms", "added p99 ms", "srv µs/call"
    );
    for o in &r.overhead {
        let _ = writeln!(
            s,
            "{:<16} {:>7} {:<24} {:>10.1}% {:>13.3} {:>13.3} {:>13}",
            o.tool,
            o.clients,
            o.load,
            o.throughput_ratio * 100.0,
            o.added_p50_ms,
            o.added_p99_ms,
            o.server_cpu_us_per_call
                .map_or_else(|| "-".to_owned(), |x| format!("{x:.0}"))
        );
    }
    let mem = &r.server_memory;
    let _ = writeln!(
        s,
        "\nServer RSS: idle {} | peak under HTTP load {} | after load {} | peak bulk {} | peak filtering {} | end {}",
        mb(mem.idle_after_start_kb),
        mb(mem.peak_under_http_load_kb),
        mb(mem.rss_after_http_load_kb),
        mb(mem.peak_during_bulk_kb),
        mb(mem.peak_during_filtering_kb),
        mb(mem.rss_at_end_kb)
    );
    let sp = &mem.sessions;
    let _ = writeln!(
        s,
        "Sessions: {} opened at {:.0}/s; RSS {} → {} with them open ({} per session) → {} after closing them; one XanoMcpServer value (tool router per session) ≈ {}",
        sp.sessions,
        sp.opened_per_s,
        mb(sp.rss_before_kb),
        mb(sp.rss_open_kb),
        sp.per_session_kb
            .map_or_else(|| "n/a".to_owned(), |k| format!("{k:.0} KB")),
        mb(sp.rss_after_close_kb),
        sp.server_value_kb
            .map_or_else(|| "n/a".to_owned(), |k| format!("{k:.0} KB"))
    );
    let st = &r.stdio;
    let _ = writeln!(
        s,
        "stdio: initialize after spawn p50 {:.1} ms, max {:.1} ms ({} spawns; `xano-mcp --version` alone p50 {:.1} ms); {:.0} calls/s one at a time (p50 {:.3} ms); {:.0} calls/s with {} in flight; errors {}; bridge peak RSS {}",
        st.initialize_ms.p50_ms,
        st.initialize_ms.max_ms,
        st.spawns,
        st.process_start_floor_ms.p50_ms,
        st.sequential_calls_per_s,
        st.sequential_latency.p50_ms,
        st.pipelined_calls_per_s,
        st.pipelined_in_flight,
        st.errors,
        mb(st.peak_rss_kb)
    );
    let b = &r.bulk;
    let _ = writeln!(
        s,
        "bulk: {} rows via addTableContentBulk ({} per call) in {:.2} s = {:.0} rows/s; server peak RSS {}",
        b.rows,
        b.rows_per_call,
        b.seconds,
        b.rows_per_s,
        mb(b.server_peak_rss_kb)
    );
    let f = &r.filtering;
    let _ = writeln!(
        s,
        "filtering: `contains` over {} rows (scanned {}, {} matches): {:.3} s per query (p50 of {}); pushed down `=`: {:.4} s",
        f.table_rows,
        f.rows_scanned,
        f.matches,
        f.seconds_per_query.p50_ms,
        f.queries,
        f.pushed_down_seconds_per_query.p50_ms
    );
    let _ = writeln!(s, "graceful stop (SIGINT): {:.1} ms", r.graceful_stop_ms);
    if !r.breakdown.is_empty() {
        let _ = writeln!(s, "\nBreakdown (same calls, one layer removed at a time):");
        let _ = writeln!(
            s,
            "{:<40} {:<16} {:>7} {:>10} {:>9} {:>9} {:>11} {:>10}",
            "server", "tool", "clients", "calls/s", "p50 ms", "p99 ms", "CPU µs/call", "peak RSS"
        );
        for b in &r.breakdown {
            let _ = writeln!(
                s,
                "{:<40} {:<16} {:>7} {:>10.0} {:>9.3} {:>9.3} {:>11} {:>10}",
                b.server,
                b.tool,
                b.clients,
                b.calls_per_s,
                b.p50_ms,
                b.p99_ms,
                b.server_cpu_us_per_call
                    .map_or_else(|| "-".to_owned(), |x| format!("{x:.0}")),
                mb(b.server_peak_rss_kb)
            );
        }
    }
    let _ = writeln!(s, "\nDESIGN §8 targets:");
    for t in &r.targets {
        let _ = writeln!(
            s,
            "  [{}] {} — {}",
            if t.met { "met" } else { "NOT met" },
            t.target,
            t.measured
        );
    }
    s
}
