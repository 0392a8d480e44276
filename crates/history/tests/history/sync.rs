//! Sync against the sim: exactly once across repeated, interrupted and rate-limited runs; kept
//! beyond Xano's window; retention; state; branches.

use super::*;
use history::{Error, HistoryFilter, LATE_ARRIVAL_MARGIN_MS};
use xano_sim::{FaultConfig, FaultKind};

#[tokio::test]
async fn a_day_arrives_once_and_only_once_across_repeated_syncs() {
    let sim = start_sim().await;
    let client = client_for(&sim, quick_retries(3));
    let store = HistoryStore::open_in_memory().expect("store");
    let items = sim.history(WS);
    assert!(items.len() > 2000, "the demo seed holds a day of history");

    // The sync future can run on a multi-threaded runtime (spawned) when its callback can.
    fn assert_send<T: Send>(_: &T) {}
    let opts = options();
    let future = history::sync(&store, &client, WS, None, &opts, |_| {});
    assert_send(&future);
    drop(future);

    let (report, progress) = sync_once(&store, &client, &options()).await;
    let report = report.expect("first sync");
    assert!(report.complete);
    assert_eq!(report.items_new, items.len() as u64);
    assert_same_ids(&stored_ids(&store), &sim_ids(&items));
    // A full day shows progress page by page, going back in time.
    let pages = items.len().div_ceil(500) as u32;
    assert_eq!(report.pages, pages);
    assert_eq!(progress.len(), pages as usize);
    assert!(progress.windows(2).all(|w| w[1].pages == w[0].pages + 1
        && w[1].items_seen > w[0].items_seen
        && w[1].oldest_reached_ms < w[0].oldest_reached_ms));
    let oldest = items.iter().map(item_ms).min();
    let newest = items.iter().map(item_ms).max();
    assert_eq!(progress.last().and_then(|p| p.oldest_reached_ms), oldest);
    assert_eq!(report.newest_ms, newest);
    // Every page asked for the maximum page size.
    for r in sim.requests() {
        assert!(
            r.path.ends_with("/workspace/1/request_history"),
            "{}",
            r.path
        );
        assert!(
            r.query.contains(&("per_page".into(), "500".into())),
            "{:?}",
            r.query
        );
    }

    // Again with nothing new: one page, nothing added.
    sim.clear_requests();
    let (report, _) = sync_once(&store, &client, &options()).await;
    let report = report.expect("second sync");
    assert!(report.complete);
    assert_eq!((report.pages, report.items_new), (1, 0));
    assert_eq!(sim.requests().len(), 1);

    // New traffic: exactly the new items arrive.
    // (Ten minutes on, the oldest items have left Xano's window; the store keeps them.)
    sim.advance_clock(Duration::from_secs(600));
    sim.add_history(WS, 120);
    let (report, _) = sync_once(&store, &client, &options()).await;
    let report = report.expect("third sync");
    assert_eq!(report.items_new, 120);
    assert_same_ids(&stored_ids(&store), &union_ids(&items, &sim.history(WS)));

    // The stored rows are the sim's items, field by field (durations in ms).
    let all = store
        .history_search(&HistoryFilter {
            limit: u32::MAX,
            ..Default::default()
        })
        .expect("all");
    let by_id: std::collections::HashMap<i64, &history::HistoryRow> =
        all.rows.iter().map(|r| (r.id, r)).collect();
    for item in items.iter().chain(&sim.history(WS)) {
        let row = by_id[&item["id"].as_i64().expect("id")];
        assert_eq!(row.at_ms, item_ms(item));
        assert!((row.duration_ms - item_duration_ms(item)).abs() < 1e-9);
        assert_eq!(i64::from(row.status), item_status(item));
        assert_eq!(row.verb, item["verb"].as_str().expect("verb"));
        assert_eq!(row.uri, item["uri"].as_str().expect("uri"));
        assert_eq!(row.api_group_id, item["api_id"].as_i64());
        assert_eq!(row.query_id, item["query_id"].as_i64());
        assert_eq!(row.workspace_id, Some(WS));
    }

    let state = store.sync_state(WS, None).expect("state").expect("synced");
    assert_eq!(state.last_success_ms, Some(NOW_MS));
    assert_eq!(state.last_error, None);
    assert_eq!(
        state.items,
        union_ids(&items, &sim.history(WS)).len() as u64
    );
}

#[tokio::test]
async fn an_interrupted_sync_resumes_without_gaps_or_duplicates() {
    let sim = start_sim().await;
    // One attempt per request, so an injected fault surfaces as the sync's error.
    let client = client_for(&sim, quick_retries(1));
    let store = HistoryStore::open_in_memory().expect("store");
    let before = sim.history(WS);

    let (result, progress) = {
        let seen = Mutex::new(Vec::new());
        let result = history::sync(&store, &client, WS, None, &options(), |p| {
            if p.pages == 2 {
                sim.fail_next(1, FaultKind::ServerError(500));
            }
            seen.lock().expect("seen").push(p);
        })
        .await;
        (result, seen.into_inner().expect("seen"))
    };
    let err = result.expect_err("the fault must stop the sync");
    assert!(
        matches!(&err, Error::Xano(xano::Error::Server { status: 500, .. })),
        "{err}"
    );
    assert_eq!(progress.len(), 2);
    assert_eq!(stored_ids(&store).len(), 1000);
    let state = store.sync_state(WS, None).expect("state").expect("scope");
    assert_eq!(state.last_error_code.as_deref(), Some("xano_server_error"));
    assert_eq!(state.last_success_ms, None);
    assert!(
        !store
            .covers(
                WS,
                None,
                state.oldest_ms.expect("oldest"),
                state.newest_ms.expect("newest")
            )
            .expect("covers")
    );

    // Traffic arrives meanwhile, pushing the unseen pages further down. (The clock stays, so
    // nothing leaves Xano's window before the resumed run reaches it.)
    sim.add_history(WS, 700);
    sim.clear_requests();
    let (report, _) = sync_once(&store, &client, &options()).await;
    let report = report.expect("resumed sync");
    assert!(report.complete);
    let items = sim.history(WS);
    assert_eq!(items.len(), before.len() + 700);
    assert_same_ids(&stored_ids(&store), &sim_ids(&items));
    // The pages the first run stored were jumped over, not fetched again.
    let full_walk = items.len().div_ceil(500) as u32;
    assert!(
        report.pages < full_walk,
        "{} pages of {full_walk}",
        report.pages
    );
    assert_eq!(sim.requests().len() as u32, report.pages + report.probes);

    let state = store.sync_state(WS, None).expect("state").expect("scope");
    assert_eq!(state.last_error, None);
    assert_eq!(state.coverage.len(), 1, "{:?}", state.coverage);
    assert!(state.coverage[0].reaches_end);
}

#[tokio::test]
async fn many_interruptions_still_give_every_item_exactly_once() {
    let sim = start_sim().await;
    let client = client_for(&sim, quick_retries(1));
    let store = HistoryStore::open_in_memory().expect("store");
    let before = sim.history(WS);
    // Each run gets two pages (the top and one more), with new traffic between runs.
    let mut runs = 0;
    loop {
        runs += 1;
        assert!(runs < 30, "sync never completed");
        let result = history::sync(&store, &client, WS, None, &options(), |p| {
            if p.pages == 2 {
                sim.fail_next(1, FaultKind::BadGateway);
            }
        })
        .await;
        match result {
            Ok(report) => {
                assert!(report.complete);
                break;
            }
            Err(Error::Xano(_)) => sim.add_history(WS, 37),
            Err(other) => panic!("unexpected error {other}"),
        }
    }
    assert!(runs > 3, "{runs}");
    assert_eq!(sim.history(WS).len(), before.len() + 37 * (runs - 1));
    assert_same_ids(&stored_ids(&store), &sim_ids(&sim.history(WS)));
}

#[tokio::test]
async fn rate_limits_are_retried_and_reported_when_they_outlast_the_retries() {
    let sim = start_sim().await;
    let store = HistoryStore::open_in_memory().expect("store");

    // One 429 that the client's single attempt cannot absorb: the run stops, reports it and
    // keeps what it stored.
    let strict = client_for(&sim, quick_retries(1));
    let report = history::sync(&store, &strict, WS, None, &options(), |p| {
        if p.pages == 3 {
            sim.fail_next(1, FaultKind::RateLimited);
        }
    })
    .await
    .expect("a rate limit is reported, not returned");
    assert!(report.rate_limited);
    assert!(!report.complete);
    assert!(report.error.as_deref().is_some_and(|e| e.contains("429")));
    assert_eq!(report.pages, 3);
    let state = store.sync_state(WS, None).expect("state").expect("scope");
    assert_eq!(state.last_error_code.as_deref(), Some("xano_rate_limited"));
    assert_eq!(state.items, 1500);

    // Frequent 429s that the client's retries get through.
    sim.set_faults(FaultConfig {
        rate_limit_fraction: 0.4,
        seed: 7,
        ..FaultConfig::none()
    });
    sim.add_history(WS, 250);
    let patient = client_for(&sim, quick_retries(8));
    let (report, _) = sync_once(&store, &patient, &options()).await;
    let report = report.expect("sync through 429s");
    assert!(report.complete && !report.rate_limited);
    assert!(
        sim.requests().iter().any(|r| r.status == 429),
        "the sim did inject 429s"
    );
    sim.set_faults(FaultConfig::none());
    assert_same_ids(&stored_ids(&store), &sim_ids(&sim.history(WS)));
    let state = store.sync_state(WS, None).expect("state").expect("scope");
    assert_eq!(state.last_error, None);
    assert_eq!(state.last_success_ms, Some(NOW_MS));
}

#[tokio::test]
async fn items_older_than_xanos_window_stay_available_locally() {
    let (sim, store, day) = synced().await;
    let client = client_for(&sim, quick_retries(3));
    let oldest = day.iter().map(item_ms).min().expect("oldest");
    let newest = day.iter().map(item_ms).max().expect("newest");
    assert!(
        store
            .covers(WS, None, oldest, newest - LATE_ARRIVAL_MARGIN_MS)
            .expect("covers")
    );
    assert!(!store.covers(WS, None, oldest, newest + 1).expect("covers"));
    assert!(
        !store
            .covers(WS, None, oldest - 1, oldest + 1)
            .expect("covers")
    );

    sim.advance_clock(Duration::from_secs(25 * 3600));
    sim.add_history(WS, 20);
    let fresh = sim.history(WS);
    assert_eq!(fresh.len(), 20, "the seed day has left Xano's window");

    let (report, _) = sync_once(&store, &client, &options()).await;
    let report = report.expect("sync");
    assert!(report.complete);
    assert_eq!(report.items_new, 20);
    let mut all = sim_ids(&day);
    all.extend(sim_ids(&fresh));
    all.sort_unstable();
    assert_same_ids(&stored_ids(&store), &all);
    // The old day is still covered; the hours between (when nothing was synced) are not claimed.
    assert!(
        store
            .covers(WS, None, oldest, newest - LATE_ARRIVAL_MARGIN_MS)
            .expect("covers")
    );
    assert!(
        !store
            .covers(WS, None, oldest, NOW_MS + 25 * 3600 * 1000)
            .expect("covers")
    );
    let in_day = store
        .history_search(&HistoryFilter {
            since_ms: Some(oldest),
            until_ms: Some(newest + 1),
            ..Default::default()
        })
        .expect("search");
    assert_eq!(in_day.total, day.len() as u64);
}

#[tokio::test]
async fn retention_drops_old_items_and_their_coverage() {
    let (sim, store, day) = synced().await;
    let client = client_for(&sim, quick_retries(3));
    let oldest = day.iter().map(item_ms).min().expect("oldest");
    sim.advance_clock(Duration::from_secs(36 * 3600));
    sim.add_history(WS, 10);
    let opts = SyncOptions {
        retention_days: 1,
        ..options()
    };
    let (report, _) = sync_once(&store, &client, &opts).await;
    let report = report.expect("sync");
    assert_eq!(report.retention_deleted, day.len() as u64);
    assert_same_ids(&stored_ids(&store), &sim_ids(&sim.history(WS)));
    assert!(
        !store
            .covers(WS, None, oldest, oldest + 1000)
            .expect("covers")
    );
    // Retention through the store directly is idempotent.
    assert_eq!(
        store
            .apply_request_retention(WS, None, 1)
            .expect("retention"),
        0
    );
}

#[tokio::test]
async fn branches_are_synced_and_kept_apart() {
    let sim = start_sim().await;
    let client = client_for(&sim, quick_retries(3));
    let store = HistoryStore::open_in_memory().expect("store");
    let report = history::sync(&store, &client, WS, Some("v1"), &options(), |_| {})
        .await
        .expect("sync v1");
    assert!(report.complete);
    assert!(
        sim.requests()
            .iter()
            .all(|r| r.query.contains(&("branch".into(), "v1".into())))
    );
    assert!(store.sync_state(WS, Some("v1")).expect("state").is_some());
    assert!(store.sync_state(WS, None).expect("state").is_none());
    assert_eq!(
        store.sync_scopes().expect("scopes"),
        vec![(WS, Some("v1".to_owned()))]
    );
    let v1 = store
        .history_search(&HistoryFilter {
            branch: Some("v1".into()),
            limit: 1,
            ..Default::default()
        })
        .expect("v1");
    assert_eq!(v1.total, sim.history(WS).len() as u64);
    assert_eq!(v1.rows[0].branch.as_deref(), Some("v1"));
    let default = store
        .history_search(&HistoryFilter::default())
        .expect("default");
    assert_eq!(default.total, 0);
}

#[tokio::test]
async fn max_pages_splits_a_sync_into_runs() {
    let sim = start_sim().await;
    let client = client_for(&sim, quick_retries(3));
    let store = HistoryStore::open_in_memory().expect("store");
    let opts = SyncOptions {
        max_pages: Some(2),
        ..options()
    };
    let mut runs = 0;
    loop {
        runs += 1;
        assert!(runs < 10);
        let (report, _) = sync_once(&store, &client, &opts).await;
        let report = report.expect("run");
        if report.complete {
            break;
        }
    }
    assert!(runs >= 3, "{runs}");
    assert_same_ids(&stored_ids(&store), &sim_ids(&sim.history(WS)));
}

#[tokio::test]
async fn a_jump_that_misses_falls_back_to_walking() {
    let sim = start_sim().await;
    let client = client_for(&sim, quick_retries(1));
    let store = HistoryStore::open_in_memory().expect("store");
    let result = history::sync(&store, &client, WS, None, &options(), |p| {
        if p.pages == 2 {
            sim.fail_next(1, FaultKind::ServerError(503));
        }
    })
    .await;
    assert!(result.is_err());
    // Items Xano does not have, inside the stored window, make the store's count wrong.
    let items = sim.history(WS);
    let inside = items[700]["created_at"].as_str().expect("at").to_owned();
    let foreign: Vec<xano::types::RequestHistoryItem> = (0..600)
        .map(|n| {
            serde_json::from_value(serde_json::json!({
                "id": 7_000_000 + n, "created_at": inside, "duration": 0.01, "status": 200,
                "verb": "GET", "uri": "/api:x/foreign", "input": {},
            }))
            .expect("item")
        })
        .collect();
    assert_eq!(
        store
            .import_requests(WS, None, &foreign, false)
            .expect("import"),
        600
    );

    let (report, _) = sync_once(&store, &client, &options()).await;
    assert!(report.expect("sync").complete);
    let mut want = sim_ids(&items);
    want.extend(7_000_000..7_000_600);
    assert_same_ids(&stored_ids(&store), &want);
}
