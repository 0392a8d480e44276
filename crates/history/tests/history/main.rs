//! Integration tests of the history store against the Xano double (`xano-sim`) over real loopback
//! HTTP: sync (repeated, interrupted, rate-limited, beyond Xano's window), queries and aggregates
//! checked against values computed here from the sim's own data, and masking end to end.

mod masking;
mod queries;
mod sync;

use history::{HistoryStore, SyncOptions, SyncProgress, SyncReport};
use serde_json::Value;
use std::sync::Mutex;
use std::time::Duration;
use xano::{ClientOptions, MetaBase, RetryPolicy, XanoClient, XanoToken};
use xano_sim::{SimConfig, XanoSim, demo};

pub const WS: i64 = demo::WORKSPACE_ID;
/// 2024-01-15 10:30:00 UTC: the sim clock is frozen here, so the seed history is the same every run.
pub const NOW_MS: i64 = 1_705_314_600_000;

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
    XanoSim::start(SimConfig {
        now_ms: Some(NOW_MS),
        ..SimConfig::demo()
    })
    .await
    .expect("start xano-sim")
}

pub fn client_for(sim: &XanoSim, retry: RetryPolicy) -> XanoClient {
    XanoClient::with_options(
        MetaBase::parse(&sim.meta_url()).expect("sim base"),
        XanoToken::new(xano_sim::DEMO_TOKEN),
        ClientOptions {
            retry,
            timeout: Duration::from_secs(10),
            ..ClientOptions::default()
        },
    )
    .expect("client")
}

pub fn options() -> SyncOptions {
    SyncOptions {
        now_ms: Some(NOW_MS),
        ..SyncOptions::default()
    }
}

/// Runs one sync, collecting its progress reports.
pub async fn sync_once(
    store: &HistoryStore,
    client: &XanoClient,
    options: &SyncOptions,
) -> (history::Result<SyncReport>, Vec<SyncProgress>) {
    let seen = Mutex::new(Vec::new());
    let result = history::sync(store, client, WS, None, options, |p| {
        seen.lock().expect("progress").push(p);
    })
    .await;
    (result, seen.into_inner().expect("progress"))
}

/// A synced store of the demo workspace and the sim's items it must equal.
pub async fn synced() -> (XanoSim, HistoryStore, Vec<Value>) {
    let sim = start_sim().await;
    let client = client_for(&sim, quick_retries(3));
    let store = HistoryStore::open_in_memory().expect("store");
    let (report, _) = sync_once(&store, &client, &options()).await;
    assert!(report.expect("sync").complete);
    let items = sim.history(WS);
    (sim, store, items)
}

/// `created_at` of a sim item, epoch ms (parsed here independently of the crate).
pub fn item_ms(item: &Value) -> i64 {
    let text = item["created_at"].as_str().expect("created_at text");
    // `YYYY-MM-DD HH:MM:SS+0000`
    let fmt = time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second][offset_hour sign:mandatory][offset_minute]"
    );
    let dt = time::OffsetDateTime::parse(text, &fmt).expect("sim time format");
    i64::try_from(dt.unix_timestamp_nanos() / 1_000_000).expect("ms")
}

pub fn item_duration_ms(item: &Value) -> f64 {
    item["duration"].as_f64().expect("duration") * 1000.0
}

pub fn item_status(item: &Value) -> i64 {
    item["status"].as_i64().expect("status")
}

/// Every `(workspace, xano id)` the store holds for the demo workspace, sorted.
pub fn stored_ids(store: &HistoryStore) -> Vec<i64> {
    let page = store
        .history_search(&history::HistoryFilter {
            workspace_id: Some(WS),
            limit: u32::MAX,
            ..Default::default()
        })
        .expect("search");
    let mut ids: Vec<i64> = page.rows.iter().map(|r| r.id).collect();
    ids.sort_unstable();
    ids
}

pub fn sim_ids(items: &[Value]) -> Vec<i64> {
    let mut ids: Vec<i64> = items
        .iter()
        .map(|i| i["id"].as_i64().expect("id"))
        .collect();
    ids.sort_unstable();
    ids
}

/// Compares id lists, reporting only the differences.
#[track_caller]
pub fn assert_same_ids(got: &[i64], want: &[i64]) {
    let g: std::collections::BTreeSet<i64> = got.iter().copied().collect();
    let w: std::collections::BTreeSet<i64> = want.iter().copied().collect();
    let missing: Vec<_> = w.difference(&g).take(10).collect();
    let extra: Vec<_> = g.difference(&w).take(10).collect();
    assert!(
        missing.is_empty() && extra.is_empty() && got.len() == want.len(),
        "got {} ids, want {}; missing {missing:?}, extra {extra:?}, duplicates: {}",
        got.len(),
        want.len(),
        got.len() - g.len()
    );
}

/// Ids of both lists, once each, sorted.
pub fn union_ids(a: &[Value], b: &[Value]) -> Vec<i64> {
    let mut ids = sim_ids(a);
    ids.extend(sim_ids(b));
    ids.sort_unstable();
    ids.dedup();
    ids
}
