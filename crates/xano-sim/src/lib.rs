//! `xano-sim`: a double of Xano's Metadata API (`api:meta`) served on 127.0.0.1, for tests,
//! benchmarks and the app's demo mode.
//!
//! What it promises: the wire shapes of `/shared/docs/xano-metadata-api.md` for the endpoints the
//! product uses (auth/me, instances, workspaces, branches, data sources, tables, schema, indexes,
//! content with pipe search and bulk operations, API groups and endpoints with OpenAPI, request
//! history), Xano's error bodies, bearer auth with per-scope C/R/U/D checks, deterministic demo
//! data, and injected faults (429, 5xx, 502 HTML, non-JSON 200, latency) drawn from a seeded RNG.
//! Every request is recorded (never its credentials) for tests to inspect.
//!
//! Invariants:
//! - one lock guards the instance state; handlers never await while holding it, so requests are
//!   linearisable and a write is all-or-nothing;
//! - with [`SimConfig::now_ms`] set, the same config gives byte-identical answers (seeded RNGs,
//!   frozen clock);
//! - a faulted request never reaches a handler, so it changes nothing.
//!
//! Deliberately not done: XanoScript bodies, files, functions/tasks/triggers, workspace
//! import/export, the structured (statement/group) search syntax, per-branch data.

mod clock;
mod config;
mod error;
mod gate;
mod openapi;
mod paging;
mod recorder;
mod routes;
mod schema;
mod search;
mod seed;
mod store;
mod table;
mod traffic;

use std::collections::VecDeque;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::ServiceExt as _;
use axum::serve::ListenerExt as _;
use serde_json::{Map, Value};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::{
    DEMO_TOKEN, FaultConfig, FaultKind, Permission, Scope, Scopes, SimConfig, SimToken,
};
pub use recorder::{RECORD_BODY_BYTES, RECORD_LIMIT, RecordedRequest};

use clock::SimClock;
use store::Store;

/// Ids and names of the demo data ([`SimConfig::demo`]).
pub mod demo {
    /// "Acme Store": customers, orders, products, two API groups, ~24 h of history.
    pub const WORKSPACE_ID: i64 = 1;
    /// "Marketing Site": a small `leads` table, one API group, a little history.
    pub const SECOND_WORKSPACE_ID: i64 = 2;
    /// ~300 customers (5 emails appear twice).
    pub const CUSTOMERS: &str = "customers";
    /// ~600 orders referencing customers.
    pub const ORDERS: &str = "orders";
    /// ~40 products with a unique `sku`.
    pub const PRODUCTS: &str = "products";
    /// ~20 leads in the second workspace.
    pub const LEADS: &str = "leads";
    /// The bigger API group (~40 endpoints).
    pub const STOREFRONT_API: &str = "Storefront API";
    /// The smaller API group (~10 endpoints).
    pub const ADMIN_API: &str = "Admin API";
}

/// The fault plan in force and the RNGs it draws from.
#[derive(Debug)]
struct FaultState {
    config: FaultConfig,
    fault_rng: fastrand::Rng,
    latency_rng: fastrand::Rng,
    one_shots: VecDeque<FaultKind>,
}

impl FaultState {
    fn new(config: FaultConfig) -> Self {
        Self {
            fault_rng: fastrand::Rng::with_seed(config.seed),
            latency_rng: fastrand::Rng::with_seed(config.seed ^ 0x1A7E_0C70_5EED_u64),
            config,
            one_shots: VecDeque::new(),
        }
    }
}

/// State shared by the server task and the [`XanoSim`] handle.
#[derive(Debug)]
pub(crate) struct Shared {
    store: Mutex<Store>,
    clock: SimClock,
    tokens: Vec<Arc<SimToken>>,
    faults: Mutex<FaultState>,
    recorder: recorder::Recorder,
}

impl Shared {
    /// The instance state. A panicking handler cannot leave it half-written (writes are checked
    /// before they are applied), so a poisoned lock is taken over.
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    fn fault_state(&self) -> MutexGuard<'_, FaultState> {
        self.faults.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Draws this request's latency and fault: a queued one-shot wins (and uses no draw),
    /// otherwise one uniform draw `r` gives 429 when `r < rate_limit_fraction`, 500 when
    /// `r < rate_limit_fraction + server_error_fraction`.
    pub(crate) fn draw_faults(&self) -> (Option<Duration>, Option<FaultKind>, Option<u64>) {
        let mut state = self.fault_state();
        let latency = state.config.latency.map(|(min, max)| {
            let (lo, hi) = (min.min(max), min.max(max));
            let span = hi - lo;
            lo + span.mul_f64(state.latency_rng.f64())
        });
        let fault = match state.one_shots.pop_front() {
            Some(kind) => Some(kind),
            None => {
                let (rl, se) = (
                    state.config.rate_limit_fraction.max(0.0),
                    state.config.server_error_fraction.max(0.0),
                );
                if rl > 0.0 || se > 0.0 {
                    let r = state.fault_rng.f64();
                    if r < rl {
                        Some(FaultKind::RateLimited)
                    } else if r < rl + se {
                        Some(FaultKind::ServerError(500))
                    } else {
                        None
                    }
                } else {
                    None
                }
            }
        };
        (latency, fault, state.config.retry_after_secs)
    }
}

/// A running simulated instance. Dropping it stops the server too (without waiting).
#[derive(Debug)]
pub struct XanoSim {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl XanoSim {
    /// Binds 127.0.0.1:`config.port`, loads the data and starts serving on the current tokio
    /// runtime.
    pub async fn start(config: SimConfig) -> anyhow::Result<XanoSim> {
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, config.port))
            .await
            .map_err(|e| anyhow::anyhow!("cannot bind 127.0.0.1:{}: {e}", config.port))?;
        let addr = listener.local_addr()?;
        let clock = SimClock::new(config.now_ms);
        let window_ms = i64::try_from(config.history_window.as_millis()).unwrap_or(i64::MAX / 4);
        let mut store = Store::new(
            seed::instance(),
            format!("http://{addr}/api:meta"),
            window_ms,
        );
        let now = clock.now_ms();
        if config.seed {
            seed::demo(&mut store, now);
        } else {
            seed::empty(&mut store, now);
        }
        let shared = Arc::new(Shared {
            store: Mutex::new(store),
            clock,
            tokens: config.tokens.into_iter().map(Arc::new).collect(),
            faults: Mutex::new(FaultState::new(config.faults)),
            recorder: recorder::Recorder::default(),
        });

        let router = routes::router(shared.clone());
        let app = tower::Layer::layer(
            &axum::middleware::from_fn_with_state(shared.clone(), gate::front_door),
            router,
        );
        // TCP_NODELAY: a response written in two parts otherwise stalls keep-alive clients by
        // ~40 ms (Nagle + delayed ACK). axum 0.8 sets it through `tap_io`.
        let listener = listener.tap_io(|tcp| {
            if let Err(err) = tcp.set_nodelay(true) {
                tracing::debug!("cannot set TCP_NODELAY: {err}");
            }
        });
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serve =
                axum::serve(listener, app.into_make_service()).with_graceful_shutdown(async move {
                    // Resolves on `shutdown()` and when the handle is dropped.
                    let _ = stopped.await;
                });
            if let Err(err) = serve.await {
                tracing::error!("xano-sim server stopped: {err}");
            }
        });
        tracing::debug!(%addr, "xano-sim listening");
        Ok(XanoSim {
            shared,
            addr,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://127.0.0.1:PORT/api:meta`
    pub fn meta_url(&self) -> String {
        format!("{}/api:meta", self.origin())
    }

    /// Every request received since start or the last [`XanoSim::clear_requests`], in arrival
    /// order (bounded by [`XanoSim::set_record_limit`] and [`RECORD_BODY_BYTES`]; the oldest are
    /// dropped first).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.recorder.snapshot()
    }

    /// Keeps at most `max_requests` recorded requests from now on (default [`RECORD_LIMIT`];
    /// 0 stops recording, e.g. for a long-running demo server).
    pub fn set_record_limit(&self, max_requests: usize) {
        self.shared.recorder.set_limit(max_requests);
    }

    /// Empties the request log.
    pub fn clear_requests(&self) {
        self.shared.recorder.clear();
    }

    /// Replaces the fault plan; the fault RNG restarts from `faults.seed`. Pending
    /// [`XanoSim::fail_next`] one-shots are kept.
    pub fn set_faults(&self, faults: FaultConfig) {
        let mut state = self.shared.fault_state();
        let one_shots = std::mem::take(&mut state.one_shots);
        *state = FaultState::new(faults);
        state.one_shots = one_shots;
    }

    /// The next `n` requests (any request, before auth) are answered with `kind`.
    pub fn fail_next(&self, n: usize, kind: FaultKind) {
        self.shared
            .fault_state()
            .one_shots
            .extend(std::iter::repeat_n(kind, n));
    }

    /// Moves the sim clock forward (history expiry, `created_at` of new rows).
    pub fn advance_clock(&self, by: Duration) {
        self.shared.clock.advance(by);
    }

    /// The sim clock, epoch milliseconds.
    pub fn now_ms(&self) -> i64 {
        self.shared.now_ms()
    }

    /// Appends `count` new request-history items stamped with the current sim time (ids keep
    /// increasing). Unknown workspace: nothing happens.
    pub fn add_history(&self, workspace_id: i64, count: usize) {
        let now = self.now_ms();
        let mut store = self.shared.store();
        traffic::append(&mut store, workspace_id, None, count, now);
    }

    /// Like [`XanoSim::add_history`], for the branch labelled `branch` (requests to that branch's
    /// API). Unknown workspace or branch: nothing happens.
    pub fn add_branch_history(&self, workspace_id: i64, branch: &str, count: usize) {
        let now = self.now_ms();
        let mut store = self.shared.store();
        traffic::append(&mut store, workspace_id, Some(branch), count, now);
    }

    /// Ids of all workspaces, ascending.
    pub fn workspace_ids(&self) -> Vec<i64> {
        self.shared.store().workspaces.keys().copied().collect()
    }

    /// Id of the table called `name` in a workspace.
    pub fn table_id(&self, workspace_id: i64, name: &str) -> Option<i64> {
        let store = self.shared.store();
        let ws = store.workspaces.get(&workspace_id)?;
        ws.tables.values().find(|t| t.name == name).map(|t| t.id)
    }

    /// Records of a table in the `live` data source, ordered by id (empty when unknown).
    pub fn rows(&self, workspace_id: i64, table_id: i64) -> Vec<Map<String, Value>> {
        self.rows_in(workspace_id, table_id, "live")
    }

    /// Records of a table in the given data source, ordered by id (empty when unknown).
    pub fn rows_in(
        &self,
        workspace_id: i64,
        table_id: i64,
        data_source: &str,
    ) -> Vec<Map<String, Value>> {
        let store = self.shared.store();
        store
            .workspaces
            .get(&workspace_id)
            .and_then(|ws| ws.tables.get(&table_id))
            .map(|t| t.records(data_source))
            .unwrap_or_default()
    }

    /// The field objects `GET .../schema` returns (empty when unknown).
    pub fn schema(&self, workspace_id: i64, table_id: i64) -> Vec<Value> {
        let store = self.shared.store();
        store
            .workspaces
            .get(&workspace_id)
            .and_then(|ws| ws.tables.get(&table_id))
            .map(|t| t.fields.iter().map(|f| f.to_json()).collect())
            .unwrap_or_default()
    }

    /// The index objects `GET .../index` returns (empty when unknown).
    pub fn indexes(&self, workspace_id: i64, table_id: i64) -> Vec<Value> {
        let store = self.shared.store();
        store
            .workspaces
            .get(&workspace_id)
            .and_then(|ws| ws.tables.get(&table_id))
            .map(|t| t.indexes.iter().map(|i| i.to_json()).collect())
            .unwrap_or_default()
    }

    /// Request-history items still inside the window, newest first, as `GET request_history`
    /// returns them with `include_output=true`.
    pub fn history(&self, workspace_id: i64) -> Vec<Value> {
        let now = self.now_ms();
        let mut store = self.shared.store();
        let cutoff = now - store.history_window_ms;
        let Some(ws) = store.workspaces.get_mut(&workspace_id) else {
            return Vec::new();
        };
        ws.history(cutoff)
            .iter()
            .rev()
            .map(|h| h.to_json(true))
            .collect()
    }

    /// Stops accepting connections, lets open requests finish and waits for the server task.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}
