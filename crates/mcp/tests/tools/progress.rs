//! Long reads report progress: local filtering over many pages and `group_by` scans send
//! progress notifications up to the rows scanned.

use super::support::{call_with_progress, progress_harness};
use super::*;

#[tokio::test]
async fn local_filtering_over_many_pages_reports_progress() {
    let (sim, client, watcher) = progress_harness(EngineOptions {
        scan_page_size: 40,
        ..EngineOptions::default()
    })
    .await;
    let t = sim.table_id(WS, "customers").expect("customers");
    let rows = sim.rows(WS, t);
    let pages = rows.len().div_ceil(40);
    assert!(pages > 3);
    let out = call_with_progress(
        &client,
        "searchTableContent",
        json!({"workspace_id": WS, "table_id": t, "limit": 1000,
            "query": {"field": "email", "operator": "contains", "value": "son"}}),
    )
    .await;
    let want: Vec<i64> = rows
        .iter()
        .filter(|r| r["email"].as_str().unwrap_or("").contains("son"))
        .map(|r| r["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(ids(&out["items"]), want);
    assert_eq!(out["filtered_locally"], true);
    let total = rows.len() as f64;
    let seen = watcher.wait_for(|p| p.progress == total).await;
    // One notification per page, counting up, with the total known from the first page.
    let scanned: Vec<f64> = seen.iter().map(|p| p.progress).collect();
    let expected: Vec<f64> = (1..=pages)
        .map(|n| (n * 40).min(rows.len()) as f64)
        .collect();
    assert_eq!(scanned, expected);
    assert!(seen.iter().all(|p| p.total == Some(total)), "{seen:?}");
    let last = seen.last().expect("last");
    assert_eq!(
        last.message.as_deref(),
        Some(format!("scanned {} rows, {} match", rows.len(), want.len()).as_str())
    );
}

#[tokio::test]
async fn group_by_reports_progress() {
    let (sim, client, watcher) = progress_harness(EngineOptions {
        scan_page_size: 50,
        ..EngineOptions::default()
    })
    .await;
    let t = sim.table_id(WS, "customers").expect("customers");
    let rows = sim.rows(WS, t).len();
    let out = call_with_progress(
        &client,
        "searchTableContent",
        json!({"workspace_id": WS, "table_id": t, "query": {"group_by": "email", "having": "count(*) > 1"}}),
    )
    .await;
    assert_eq!(out["rows_scanned"], rows);
    let seen = watcher.wait_for(|p| p.progress == rows as f64).await;
    assert_eq!(seen.len(), rows.div_ceil(50), "one per page: {seen:?}");
    assert!(
        seen.windows(2).all(|w| w[0].progress < w[1].progress),
        "{seen:?}"
    );
}
