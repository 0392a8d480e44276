//! The load generator: N concurrent clients, each calling one tool in a loop (closed loop, as fast
//! as answers come) or on a fixed schedule (paced, latency measured from the scheduled time so a
//! slow answer is not hidden by the next call starting late). A warm-up is run and discarded; then
//! every call of the measured window is recorded, and the CPU time the server process and this
//! process used in that window is read from `/proc`.
//!
//! Clients: the lean MCP client (`mcp_http`), the rmcp SDK client, or the Xano client calling
//! xano-sim directly (the baseline our overhead is measured against).

use crate::mcp_http::McpHttp;
use crate::procfs;
use crate::stats::{Latency, round};
use anyhow::{Context, Result, anyhow};
use rmcp::ServiceExt as _;
use rmcp::model::CallToolRequestParams;
use rmcp::service::{RoleClient, RunningService};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use xano::XanoClient;
use xano::requests;

/// The tool call each client makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Op {
    /// `getTableContent` of 50 rows (direct: one `GET .../content?page=1&per_page=50`).
    GetTableContent { ws: i64, table: i64 },
    /// `addTableContent` of one small row (direct: one `POST .../content`).
    AddTableContent { ws: i64, table: i64 },
}

/// Rows per `getTableContent` call.
pub const READ_LIMIT: u32 = 50;

impl Op {
    pub fn tool(self) -> &'static str {
        match self {
            Op::GetTableContent { .. } => "getTableContent",
            Op::AddTableContent { .. } => "addTableContent",
        }
    }

    fn record(n: u64) -> Map<String, Value> {
        json!({
            "name": format!("Bench Row {n}"),
            "email": format!("row{n}@bench.example"),
            "note": "inserted by the benchmark",
            "score": n % 1000,
        })
        .as_object()
        .cloned()
        .unwrap_or_default()
    }

    /// The MCP arguments of call number `n`.
    pub fn arguments(self, n: u64) -> Value {
        match self {
            Op::GetTableContent { ws, table } => {
                json!({"workspace_id": ws, "table_id": table, "limit": READ_LIMIT})
            }
            Op::AddTableContent { ws, table } => {
                json!({"workspace_id": ws, "table_id": table, "record": Self::record(n)})
            }
        }
    }
}

/// Who makes the calls.
#[derive(Debug, Clone)]
pub enum Target {
    /// The lean MCP client against our server.
    Mcp { url: String, token: String },
    /// The rmcp SDK client against our server.
    Rmcp { url: String, token: String },
    /// The Xano client against xano-sim, no MCP: the baseline.
    Direct { client: XanoClient },
}

impl Target {
    pub fn mode(&self) -> &'static str {
        match self {
            Target::Mcp { .. } => "mcp-http",
            Target::Rmcp { .. } => "mcp-http-rmcp",
            Target::Direct { .. } => "direct",
        }
    }
}

enum Worker {
    Mcp(McpHttp),
    Rmcp(RunningService<RoleClient, ()>),
    Direct(XanoClient),
}

impl Worker {
    async fn connect(target: &Target, i: usize) -> Result<Self> {
        Ok(match target {
            Target::Mcp { url, token } => {
                Worker::Mcp(McpHttp::connect(url, token, &format!("bench-{i}")).await?)
            }
            Target::Rmcp { url, token } => {
                let transport = StreamableHttpClientTransport::from_config(
                    StreamableHttpClientTransportConfig::with_uri(url.clone())
                        .auth_header(token.clone()),
                );
                Worker::Rmcp(
                    ().serve(transport)
                        .await
                        .context("rmcp client: initialize")?,
                )
            }
            Target::Direct { client } => Worker::Direct(client.clone()),
        })
    }

    /// One call; `Ok(false)` when it was answered with an error.
    async fn call(&mut self, op: Op, n: u64) -> Result<bool> {
        match self {
            Worker::Mcp(c) => Ok(c.call_tool(op.tool(), &op.arguments(n)).await?.is_ok()),
            Worker::Rmcp(c) => {
                let args = op.arguments(n).as_object().cloned().unwrap_or_default();
                let r = c
                    .call_tool(CallToolRequestParams::new(op.tool()).with_arguments(args))
                    .await
                    .map_err(|e| anyhow!("rmcp tools/call: {e}"))?;
                Ok(r.is_error != Some(true))
            }
            Worker::Direct(client) => match op {
                Op::GetTableContent { ws, table } => {
                    let page: xano::ContentPage<xano::types::Row> = client
                        .send(&requests::browse_content(ws, table, 1, READ_LIMIT))
                        .await?;
                    Ok(!page.items.is_empty())
                }
                Op::AddTableContent { ws, table } => {
                    let row: xano::types::Row = client
                        .send(&requests::create_row(ws, table, &Op::record(n)))
                        .await?;
                    Ok(row.contains_key("id"))
                }
            },
        }
    }

    async fn close(self) {
        match self {
            Worker::Mcp(c) => {
                let _ = c.close().await;
            }
            Worker::Rmcp(c) => {
                let _ = c.cancel().await;
            }
            Worker::Direct(_) => {}
        }
    }
}

/// One measurement.
#[derive(Debug, Clone)]
pub struct Cell {
    pub target: Target,
    pub op: Op,
    pub clients: usize,
    pub warmup: Duration,
    pub measure: Duration,
    /// Paced: each client calls once per this interval (`None` = closed loop).
    pub interval: Option<Duration>,
}

/// What one measurement gave.
#[derive(Debug, Clone, Serialize)]
pub struct CellResult {
    pub tool: &'static str,
    pub mode: &'static str,
    pub clients: usize,
    /// `closed-loop` or `paced N/s per client`.
    pub load: String,
    pub calls: u64,
    pub errors: u64,
    pub seconds: f64,
    pub calls_per_s: f64,
    pub latency: Latency,
    /// CPU time of the server process per measured call (µs); `None` for direct calls.
    pub server_cpu_us_per_call: Option<f64>,
    /// CPU time of this process (clients + xano-sim) per measured call (µs).
    pub bench_cpu_us_per_call: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_error: Option<String>,
}

/// A unique row number per call across cells (inserted rows stay distinct).
static CALL_NUMBER: AtomicU64 = AtomicU64::new(1);

/// Runs one cell: connects the clients, warms up, measures.
pub async fn run(cell: &Cell, server_pid: Option<u32>) -> Result<CellResult> {
    let mut workers = Vec::with_capacity(cell.clients);
    for i in 0..cell.clients {
        workers.push(Worker::connect(&cell.target, i).await?);
    }
    let start = Instant::now() + Duration::from_millis(20);
    let measure_from = start + cell.warmup;
    let measure_to = measure_from + cell.measure;
    let errors = Arc::new(AtomicU64::new(0));
    let worked = Arc::new(AtomicU64::new(0));
    let first_error = Arc::new(std::sync::Mutex::new(None::<String>));
    let mut tasks = Vec::with_capacity(cell.clients);
    for (i, mut worker) in workers.into_iter().enumerate() {
        let op = cell.op;
        let interval = cell.interval;
        let clients = cell.clients;
        let errors = errors.clone();
        let worked = worked.clone();
        let first_error = first_error.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(4096);
            // Paced clients are spread evenly over one interval.
            let offset = interval.map_or(Duration::ZERO, |iv| iv * i as u32 / clients as u32);
            let mut k: u32 = 0;
            let mut last_done = measure_from;
            tokio::time::sleep_until(start.into()).await;
            loop {
                let scheduled = match interval {
                    Some(iv) => {
                        let at = start + offset + iv * k;
                        k += 1;
                        tokio::time::sleep_until(at.into()).await;
                        at
                    }
                    None => Instant::now(),
                };
                if scheduled >= measure_to {
                    break;
                }
                let n = CALL_NUMBER.fetch_add(1, Ordering::Relaxed);
                if scheduled >= measure_from {
                    worked.fetch_add(1, Ordering::Relaxed);
                }
                let outcome = worker.call(op, n).await;
                let done = Instant::now();
                let ok = match outcome {
                    Ok(ok) => ok,
                    Err(e) => {
                        let mut first = first_error.lock().unwrap_or_else(|p| p.into_inner());
                        first.get_or_insert_with(|| format!("{e:#}"));
                        false
                    }
                };
                // Closed loop: the calls that ran inside the window. Paced: every call scheduled
                // inside the window, however late it finished (an overloaded server shows as
                // latency, not as missing calls).
                let counted =
                    scheduled >= measure_from && (interval.is_some() || done <= measure_to);
                if counted {
                    latencies.push(done - scheduled);
                    last_done = last_done.max(done);
                    if !ok {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            (worker, latencies, last_done)
        }));
    }
    // CPU readings at the edges of the measured window.
    tokio::time::sleep_until(measure_from.into()).await;
    let cpu0 = (
        server_pid.and_then(procfs::cpu_time),
        procfs::cpu_time(procfs::own_pid()),
    );
    let mut all = Vec::new();
    let mut finished = Vec::new();
    let mut window_end = measure_to;
    for t in tasks {
        let (worker, latencies, last_done) = t.await.context("a client task panicked")?;
        all.extend(latencies);
        finished.push(worker);
        window_end = window_end.max(last_done);
    }
    // Every call started after `cpu0` has finished now.
    let cpu1 = (
        server_pid.and_then(procfs::cpu_time),
        procfs::cpu_time(procfs::own_pid()),
    );
    for w in finished {
        w.close().await;
    }
    let calls = all.len() as u64;
    // Paced calls that finished late stretch the window they are counted over.
    let seconds = (window_end - measure_from).as_secs_f64();
    let worked = worked.load(Ordering::Relaxed);
    let per_call = |a: Option<Duration>, b: Option<Duration>| -> Option<f64> {
        match (a, b) {
            (Some(a), Some(b)) if worked > 0 => Some(round(
                (b.saturating_sub(a)).as_secs_f64() * 1e6 / worked as f64,
                1,
            )),
            _ => None,
        }
    };
    let first_error = first_error
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    Ok(CellResult {
        tool: cell.op.tool(),
        mode: cell.target.mode(),
        clients: cell.clients,
        load: match cell.interval {
            Some(iv) => format!("paced {:.0}/s", cell.clients as f64 / iv.as_secs_f64()),
            None => "closed-loop".to_owned(),
        },
        calls,
        errors: errors.load(Ordering::Relaxed),
        seconds: round(seconds, 3),
        calls_per_s: round(calls as f64 / seconds, 1),
        latency: Latency::of(all),
        server_cpu_us_per_call: per_call(cpu0.0, cpu1.0),
        bench_cpu_us_per_call: per_call(cpu0.1, cpu1.1),
        first_error,
    })
}
