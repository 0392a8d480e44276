//! Query times of the history store on a million synthetic request-history rows.
//!
//! Not a test: run it with `cargo run --release -p history --example history_bench`
//! (`HISTORY_BENCH_ROWS=200000` for a smaller run). It fills a temporary store with synthetic
//! rows spread over 30 days (about 60 endpoints in 3 API groups, ids in URIs, ~5% 4xx, ~1% 5xx,
//! log-normal latencies) plus 20,000 MCP call records, then prints the time of the first page
//! (100 rows + total) for each filter kind, and of each chart aggregate: first and best wall time
//! of five runs, and the mean CPU time of the thread (which tells real work from waiting on a busy
//! machine). Targets (issue 8): any filter + first page under 50 ms, chart aggregates under
//! 200 ms.

use history::{
    CallOutcomeKind, HistoryFilter, HistorySource, HistoryStore, SortKey, StatusClass,
    ToolCallRecord, XanoRequestSummary,
};
use serde_json::{Map, Value};
use std::time::{Duration, Instant};

use xano::types::{RequestHistoryItem, Timestamp};

const WS: i64 = 1;
const DAY_MS: i64 = 86_400_000;
const DAYS: i64 = 30;
const NOW_MS: i64 = 1_705_314_600_000;

/// A small deterministic generator (SplitMix64), so every run measures the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.unit();
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
}

struct Endpoint {
    group: i64,
    id: i64,
    verb: &'static str,
    path: String,
    median_ms: f64,
    weight: u64,
}

fn endpoints() -> Vec<Endpoint> {
    let resources = [
        "customers",
        "orders",
        "products",
        "carts",
        "invoices",
        "reviews",
        "coupons",
        "shipments",
        "refunds",
        "wishlists",
        "addresses",
        "payments",
    ];
    let groups = [("Xy12ab", 1), ("Ad34cd", 2), ("Rp56ef", 3)];
    let mut out = Vec::new();
    let mut id = 100;
    for (i, r) in resources.iter().enumerate() {
        let (canonical, group) = groups[i % groups.len()];
        for (verb, suffix, median, weight) in [
            ("GET", "", 60.0, 30),
            ("GET", "/{id}", 40.0, 40),
            ("POST", "", 120.0, 8),
            ("PATCH", "/{id}", 90.0, 5),
            ("DELETE", "/{id}", 70.0, 2),
        ] {
            id += 1;
            out.push(Endpoint {
                group,
                id,
                verb,
                path: format!("/api:{canonical}/{r}{suffix}"),
                median_ms: if *r == "invoices" && verb == "GET" && suffix.is_empty() {
                    1800.0
                } else {
                    median
                },
                weight,
            });
        }
    }
    out
}

fn item(
    rng: &mut Rng,
    eps: &[Endpoint],
    total_weight: u64,
    id: i64,
    at_ms: i64,
) -> RequestHistoryItem {
    let mut pick = rng.below(total_weight);
    let ep = eps
        .iter()
        .find(|e| {
            if pick < e.weight {
                true
            } else {
                pick -= e.weight;
                false
            }
        })
        .unwrap_or(&eps[0]);
    let uri = ep.path.replace("{id}", &(1 + rng.below(5000)).to_string());
    let roll = rng.unit();
    let status = if roll < 0.01 {
        [500, 502, 503][rng.below(3) as usize]
    } else if roll < 0.06 {
        [400, 401, 404, 422][rng.below(4) as usize]
    } else if ep.verb == "DELETE" {
        204
    } else if ep.verb == "POST" {
        201
    } else {
        200
    };
    let duration_s = ep.median_ms / 1000.0 * (0.45 * rng.normal()).exp();
    RequestHistoryItem {
        id,
        created_at: Timestamp::Epoch(at_ms),
        duration: (duration_s * 10_000.0).round() / 10_000.0,
        status,
        verb: ep.verb.to_owned(),
        uri,
        input: Value::Object(Map::new()),
        request_headers: Vec::new(),
        response_headers: Vec::new(),
        workspace_id: Some(WS),
        branch_id: Some(1),
        api_id: Some(ep.group),
        query_id: Some(ep.id),
        output: None,
        extra: Map::new(),
    }
}

fn fill(store: &HistoryStore, rows: u64) -> Duration {
    let eps = endpoints();
    let total_weight: u64 = eps.iter().map(|e| e.weight).sum();
    let mut rng = Rng(20_240_115);
    let start_ms = NOW_MS - DAYS * DAY_MS;
    let step = (DAYS * DAY_MS) as f64 / rows as f64;
    let started = Instant::now();
    let chunk = 20_000u64;
    let mut n = 0u64;
    while n < rows {
        let batch: Vec<RequestHistoryItem> = (n..(n + chunk).min(rows))
            .map(|i| {
                let at = start_ms + (i as f64 * step) as i64 / 1000 * 1000;
                item(&mut rng, &eps, total_weight, 1_000_000 + i as i64, at)
            })
            .collect();
        store
            .import_requests(WS, None, &batch, false)
            .expect("import");
        n += batch.len() as u64;
    }
    let took = started.elapsed();
    for i in 0..20_000i64 {
        let outcome = match i % 20 {
            0 => CallOutcomeKind::Denied,
            1 => CallOutcomeKind::Failed,
            2 => CallOutcomeKind::Previewed,
            _ => CallOutcomeKind::Ok,
        };
        store
            .insert_call(&ToolCallRecord {
                id: None,
                at_ms: start_ms + i * (DAYS * DAY_MS / 20_000),
                token_name: Some("bench".into()),
                client_name: Some("Bench".into()),
                client_version: None,
                transport: "http".into(),
                tool: [
                    "getTableContent",
                    "addTableContent",
                    "getTables",
                    "searchTableContent",
                ][(i % 4) as usize]
                    .into(),
                workspace_id: Some(WS),
                arguments: serde_json::json!({"workspace_id": WS, "table_id": 3}),
                outcome,
                error_code: None,
                error_message: None,
                duration_ms: 5 + (i % 97) as u64,
                xano_requests: vec![XanoRequestSummary {
                    method: "GET".into(),
                    path: "/workspace/1/table/3/content".into(),
                    status: Some(if i % 20 == 1 { 404 } else { 200 }),
                    duration_ms: 4,
                }],
                rows_affected: None,
            })
            .expect("call");
    }
    store.optimize().expect("optimize");
    took
}

/// CPU time of this thread in ms (Linux; 10 ms resolution), to tell work from waiting on a busy
/// machine.
fn cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks * 10.0)
}

struct Timing {
    first: f64,
    best: f64,
    cpu: Option<f64>,
    detail: String,
}

/// Runs `f` five times; the first and best wall times, the mean CPU time, the last result.
fn time(mut f: impl FnMut() -> String) -> Timing {
    const RUNS: usize = 5;
    let mut times = Vec::new();
    let mut last = String::new();
    let cpu_before = cpu_ms();
    for _ in 0..RUNS {
        let t = Instant::now();
        last = f();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let cpu = cpu_before.zip(cpu_ms()).map(|(a, b)| (b - a) / RUNS as f64);
    Timing {
        first: times[0],
        best: times.iter().copied().fold(f64::INFINITY, f64::min),
        cpu,
        detail: last,
    }
}

fn report(name: &str, t: Timing, target_ms: f64) {
    let mark = if t.best <= target_ms { "ok  " } else { "SLOW" };
    let cpu = t.cpu.map_or("   n/a".to_owned(), |c| format!("{c:>6.0}"));
    println!(
        "{mark} {name:<56} first {:>7.1} ms  best {:>7.1} ms  cpu {cpu} ms   {}",
        t.first, t.best, t.detail
    );
}

fn main() {
    let rows: u64 = std::env::var("HISTORY_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("tempdir");
    // HISTORY_BENCH_FILE=path keeps the filled store there (for EXPLAIN QUERY PLAN and reruns).
    let path = std::env::var_os("HISTORY_BENCH_FILE")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dir.path().join("history.sqlite"));
    let reuse = path.exists();
    let store = HistoryStore::open(&path).expect("open");
    if reuse {
        println!("reusing the store in {}", path.display());
    } else {
        let took = fill(&store, rows);
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        println!(
            "filled {rows} rows in {:.1} s ({:.0} rows/s); file {:.0} MB",
            took.as_secs_f64(),
            rows as f64 / took.as_secs_f64(),
            size as f64 / 1e6
        );
    }

    let base = HistoryFilter {
        workspace_id: Some(WS),
        limit: 100,
        ..Default::default()
    };
    let day = (NOW_MS - DAY_MS, NOW_MS + 1);
    let page = |f: HistoryFilter| {
        time(|| {
            let p = store.history_search(&f).expect("search");
            format!("{} rows of {}", p.rows.len(), p.total)
        })
    };
    println!("\n-- filter + first page (100 rows and the total); target 50 ms");
    let cases: Vec<(&str, HistoryFilter)> = vec![
        ("no filter (all 30 days)", base.clone()),
        (
            "last 24 h",
            HistoryFilter {
                since_ms: Some(day.0),
                until_ms: Some(day.1),
                ..base.clone()
            },
        ),
        (
            "status class 5xx",
            HistoryFilter {
                status_classes: vec![StatusClass::ServerError],
                ..base.clone()
            },
        ),
        (
            "status classes 4xx + 5xx",
            HistoryFilter {
                status_classes: vec![StatusClass::ClientError, StatusClass::ServerError],
                ..base.clone()
            },
        ),
        (
            "status 2xx (most rows)",
            HistoryFilter {
                status_classes: vec![StatusClass::Success],
                ..base.clone()
            },
        ),
        (
            "exact status 404",
            HistoryFilter {
                statuses: vec![404],
                ..base.clone()
            },
        ),
        (
            "verb DELETE",
            HistoryFilter {
                verbs: vec!["DELETE".into()],
                ..base.clone()
            },
        ),
        (
            "verbs POST + PATCH",
            HistoryFilter {
                verbs: vec!["POST".into(), "PATCH".into()],
                ..base.clone()
            },
        ),
        (
            "endpoint text \"orders/4242\" (rare)",
            HistoryFilter {
                endpoint_contains: Some("orders/4242".into()),
                ..base.clone()
            },
        ),
        (
            "endpoint text \"customers\" (common)",
            HistoryFilter {
                endpoint_contains: Some("customers".into()),
                ..base.clone()
            },
        ),
        (
            "min duration 1000 ms",
            HistoryFilter {
                min_duration_ms: Some(1000.0),
                ..base.clone()
            },
        ),
        (
            "min duration 100 ms",
            HistoryFilter {
                min_duration_ms: Some(100.0),
                ..base.clone()
            },
        ),
        (
            "api group 2",
            HistoryFilter {
                api_group_id: Some(2),
                ..base.clone()
            },
        ),
        (
            "sort by duration desc",
            HistoryFilter {
                sort: SortKey::Duration,
                ..base.clone()
            },
        ),
        (
            "source MCP calls",
            HistoryFilter {
                source: HistorySource::Mcp,
                ..base.clone()
            },
        ),
        (
            "source both",
            HistoryFilter {
                source: HistorySource::Both,
                ..base.clone()
            },
        ),
        (
            "24 h + 2xx + GET + min 100 ms",
            HistoryFilter {
                since_ms: Some(day.0),
                until_ms: Some(day.1),
                status_classes: vec![StatusClass::Success],
                verbs: vec!["GET".into()],
                min_duration_ms: Some(100.0),
                ..base.clone()
            },
        ),
        (
            "24 h + 5xx + text \"invoices\"",
            HistoryFilter {
                since_ms: Some(day.0),
                until_ms: Some(day.1),
                status_classes: vec![StatusClass::ServerError],
                endpoint_contains: Some("invoices".into()),
                ..base.clone()
            },
        ),
        (
            "page at offset 100,000",
            HistoryFilter {
                offset: 100_000,
                ..base.clone()
            },
        ),
    ];
    for (name, f) in cases {
        report(name, page(f), 50.0);
    }

    println!("\n-- chart aggregates; target 200 ms");
    let last_day = HistoryFilter {
        since_ms: Some(day.0),
        until_ms: Some(day.1),
        ..base.clone()
    };
    let all = base.clone();
    for (label, f, bucket_secs) in [("24 h", &last_day, 60u32), ("30 days", &all, 3600u32)] {
        report(
            &format!("requests over time by class, {label}, {bucket_secs}s buckets"),
            time(|| {
                format!(
                    "{} buckets",
                    store.requests_over_time(f, bucket_secs).expect("rot").len()
                )
            }),
            200.0,
        );
        report(
            &format!(
                "latency p50/p95 over time, {label}, {}s buckets",
                bucket_secs * 5
            ),
            time(|| {
                let b = store.latency_over_time(f, bucket_secs * 5).expect("lot");
                let how = if b.iter().any(|b| b.estimated) {
                    "estimated"
                } else {
                    "exact"
                };
                format!("{} buckets, {how}", b.len())
            }),
            200.0,
        );
        report(
            &format!("latency p50/p95 per endpoint, {label}"),
            time(|| {
                format!(
                    "{} endpoints",
                    store.endpoint_latency(f).expect("lat").len()
                )
            }),
            200.0,
        );
        report(
            &format!("top 10 slow endpoints, {label}"),
            time(|| {
                let s = store.slowest_endpoints(f, 10).expect("slow");
                format!("slowest {} p95 {:.0} ms", s[0].endpoint, s[0].p95_ms)
            }),
            200.0,
        );
        report(
            &format!("error rate, {label}"),
            time(|| {
                let r = store.error_rate(f).expect("rate");
                format!("{:.2}% of {}", r.rate * 100.0, r.total)
            }),
            200.0,
        );
    }
    let both = HistoryFilter {
        source: HistorySource::Both,
        ..all.clone()
    };
    report(
        "requests over time, Xano + MCP, 30 days, 3600s buckets",
        time(|| {
            format!(
                "{} buckets",
                store.requests_over_time(&both, 3600).expect("rot").len()
            )
        }),
        200.0,
    );
    let mut sink = std::io::sink();
    report(
        "(export) CSV of the last 24 h",
        time(|| {
            format!(
                "{} rows",
                store
                    .export_csv(&last_day, Default::default(), &mut sink)
                    .expect("csv")
            )
        }),
        f64::INFINITY,
    );
    report(
        "(sync bookkeeping) covers() on the full range",
        time(|| {
            format!(
                "{}",
                store
                    .covers(WS, None, NOW_MS - DAY_MS, NOW_MS)
                    .expect("covers")
            )
        }),
        1.0,
    );
}
