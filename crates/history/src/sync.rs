//! Sync: copies a workspace's Xano request history (per branch) into the store.
//!
//! How a run goes: page Xano's history newest first, 500 per page, following `nextPage`; store
//! each page in one transaction (deduplicated by Xano's id); after each page, record the window of
//! Xano time now proven complete. Stop when the pages reach a window already complete down to the
//! end (the previous syncs' work), or Xano has no more. When the pages walk into a complete window
//! that does not reach the end (an earlier run was interrupted below it), jump over it: the store
//! knows exactly how many items that window holds, so the page where the gap starts is computed,
//! and the jump is verified (the landing page must overlap the window; if not, walk instead).
//!
//! Like any paging by offset, this relies on Xano keeping the order of items with the same
//! `created_at` stable between calls (its history is sorted by `created_at`; equal times are rare
//! at Xano's precision and mostly an artefact of the second-precision text).
//!
//! Invariants:
//! - Repeated, interrupted and rate-limited runs never duplicate an item and never claim a window
//!   they did not see completely; a window is claimed only up to [`LATE_ARRIVAL_MARGIN_MS`] before
//!   the newest item, because Xano logs a long request when it ends.
//! - A run that fails keeps every page it stored; the next run fills the rest.
//! - The last attempt, success and error are recorded per workspace and branch
//!   ([`HistoryStore::sync_state`]); errors are recorded masked.
//! - Retention ([`SyncOptions::retention_days`]) is applied at the end of every run that did not
//!   fail.
//!
//! It does not schedule itself: the caller (app or CLI) runs it periodically.

use crate::error::{Error, Result};
use crate::requests::{
    self, CoverageWindow, DEFAULT_REQUEST_RETENTION_DAYS, InsertCache, LATE_ARRIVAL_MARGIN_MS,
    PreparedItem,
};
use crate::store::HistoryStore;
use serde::{Deserialize, Serialize};
use xano::XanoClient;
use xano::requests::HistoryQuery;

/// Xano's largest request-history page.
pub const SYNC_PAGE_SIZE: u32 = 500;

/// How to sync.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncOptions {
    /// Store request inputs, outputs and headers (masked). Off by default.
    pub store_bodies: bool,
    /// Days of history to keep, counted back from the newest item.
    pub retention_days: u32,
    /// Stop after this many pages (the next run continues); `None` = until done.
    pub max_pages: Option<u32>,
    /// The local time recorded as the attempt/success/error time; `None` = the system clock.
    pub now_ms: Option<i64>,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            store_bodies: false,
            retention_days: DEFAULT_REQUEST_RETENTION_DAYS,
            max_pages: None,
            now_ms: None,
        }
    }
}

/// Reported after every page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SyncProgress {
    /// Pages fetched so far in this run.
    pub pages: u32,
    /// Items received so far (including ones already stored).
    pub items_seen: u64,
    /// Items that were new to the store.
    pub items_new: u64,
    /// `created_at` of the oldest item reached so far, epoch ms.
    pub oldest_reached_ms: Option<i64>,
    /// `created_at` of the newest item seen, epoch ms.
    pub newest_ms: Option<i64>,
}

/// What a run did.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SyncReport {
    pub pages: u32,
    pub items_seen: u64,
    pub items_new: u64,
    /// Items whose `created_at` could not be read (not stored).
    pub items_skipped: u64,
    /// The store now holds everything Xano has (up to the late-arrival margin).
    pub complete: bool,
    pub oldest_reached_ms: Option<i64>,
    pub newest_ms: Option<i64>,
    /// Items deleted by retention at the end of the run.
    pub retention_deleted: u64,
    /// Xano's rate limit stopped the run (after the client's own retries). Run again later.
    pub rate_limited: bool,
    /// The error that stopped the run, when it was reported rather than returned.
    pub error: Option<String>,
    /// One-item requests made to check a jump over stored pages (not counted in `pages`).
    pub probes: u32,
}

impl SyncReport {
    fn progress(&self) -> SyncProgress {
        SyncProgress {
            pages: self.pages,
            items_seen: self.items_seen,
            items_new: self.items_new,
            oldest_reached_ms: self.oldest_reached_ms,
            newest_ms: self.newest_ms,
        }
    }
}

fn system_now_ms() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(now.as_millis()).unwrap_or(i64::MAX)
}

/// What the previous pages of this run proved.
#[derive(Debug, Clone, Copy)]
enum Chain {
    /// Nothing yet (next page is the top).
    Start,
    /// Everything from the previous page's oldest item up to `upper` (exclusive) is stored.
    Contiguous { upper: i64 },
    /// We jumped to this page over a complete window starting at `window_lo`, expecting the
    /// first item we do not hold at position `gap` (0-based, newest first); `fallback` is the page
    /// to walk from (with `upper` as before the jump) if the landing does not check out.
    Jumped {
        window_lo: i64,
        fallback: u32,
        upper: i64,
        gap: u64,
    },
}

/// Syncs one workspace (and branch; `None` = Xano's default) into `store`. See the module docs.
///
/// A rate limit that outlasts the client's retries ends the run early with
/// [`SyncReport::rate_limited`] set (and is recorded as the last error); other Xano errors are
/// recorded and returned.
pub async fn sync(
    store: &HistoryStore,
    client: &XanoClient,
    workspace_id: i64,
    branch: Option<&str>,
    options: &SyncOptions,
    progress: impl Fn(SyncProgress),
) -> Result<SyncReport> {
    let now = options.now_ms.unwrap_or_else(system_now_ms);
    let client = client.with_branch(
        branch
            .map(str::trim)
            .filter(|b| !b.is_empty())
            .map(str::to_owned),
    );
    let scope = store.with_conn(|conn| {
        let scope = requests::scope_id(conn, workspace_id, branch, true)?.unwrap_or_default();
        requests::record_attempt(conn, scope, now)?;
        Ok(scope)
    })?;

    let mut report = SyncReport::default();
    let mut cache = InsertCache::default();
    let mut page = 1u32;
    let mut chain = Chain::Start;
    // Cleared when a jump misses (the store's count disagreed with Xano): walk from then on.
    let mut may_jump = true;
    loop {
        if options.max_pages.is_some_and(|max| report.pages >= max) {
            break;
        }
        let query = HistoryQuery {
            page: Some(page),
            per_page: Some(SYNC_PAGE_SIZE),
            include_output: options.store_bodies,
            ..HistoryQuery::default()
        };
        let meta = match client.request_history(workspace_id, &query).await {
            Ok(meta) => meta,
            Err(err) => return stopped(store, scope, now, err, report),
        };
        report.pages += 1;
        report.items_seen += meta.items.len() as u64;
        let prepared: Vec<PreparedItem> = meta
            .items
            .iter()
            .filter_map(|i| requests::prepare(i, options.store_bodies))
            .collect();
        report.items_skipped += (meta.items.len() - prepared.len()) as u64;
        let is_last = meta.next_page.is_none() || meta.items.is_empty();
        let newest = prepared.iter().map(|i| i.at_ms).max();
        let oldest = prepared.iter().map(|i| i.at_ms).min();

        if let Chain::Jumped {
            window_lo,
            fallback,
            upper,
            gap,
        } = chain
        {
            let page_start = u64::from(page - 1) * u64::from(SYNC_PAGE_SIZE);
            let joined = if page_start < gap {
                // The page begins among stored items: its newest must be one of them (or of the
                // second the window stops short of).
                newest.is_some_and(|n| n >= window_lo - 1)
            } else {
                // The page begins exactly where the gap should: the item just before it must be
                // one we hold. (Position `gap - 1` is page `gap` at one item per page.)
                let probe = HistoryQuery {
                    page: Some(u32::try_from(gap).unwrap_or(u32::MAX)),
                    per_page: Some(1),
                    ..HistoryQuery::default()
                };
                let before = match client.request_history(workspace_id, &probe).await {
                    Ok(meta) => meta.items.first().map(|i| i.id),
                    Err(err) => return stopped(store, scope, now, err, report),
                };
                report.probes += 1;
                match before {
                    Some(id) => store.with_conn(|conn| requests::is_stored(conn, scope, id))?,
                    None => false,
                }
            };
            if !joined {
                // The store's count did not match Xano's pages: walk from where we were.
                tracing::debug!(page, fallback, "history jump missed its window; walking");
                store_page(store, scope, &prepared, &mut cache, None, &mut report)?;
                page = fallback;
                chain = Chain::Contiguous { upper };
                may_jump = false;
                continue;
            }
            if newest.is_none() {
                // Xano's history ends exactly where the stored items end.
                let window = CoverageWindow {
                    lo_ms: window_lo - 1,
                    hi_ms: window_lo,
                    reaches_end: true,
                };
                store.with_conn(|conn| requests::add_coverage(conn, scope, window).map(|_| ()))?;
                report.complete = true;
                progress(report.progress());
                break;
            }
        }

        if newest.is_none() && !is_last {
            // Items whose times cannot be read (counted in `items_skipped`): nothing to store
            // or claim from this page; the next one continues the chain.
            tracing::warn!(page, "request history page without a readable created_at");
            page += 1;
            continue;
        }
        let (Some(newest), Some(oldest)) = (newest, oldest) else {
            // An empty page: Xano has nothing more. Whatever the previous page proved reaches
            // the end now.
            if let (Chain::Contiguous { upper }, Some(prev_oldest)) =
                (chain, report.oldest_reached_ms)
            {
                let window = CoverageWindow {
                    lo_ms: prev_oldest,
                    hi_ms: upper,
                    reaches_end: true,
                };
                store.with_conn(|conn| requests::add_coverage(conn, scope, window).map(|_| ()))?;
            }
            report.complete = true;
            progress(report.progress());
            break;
        };
        report.newest_ms = Some(report.newest_ms.map_or(newest, |n| n.max(newest)));
        report.oldest_reached_ms = Some(report.oldest_reached_ms.map_or(oldest, |o| o.min(oldest)));

        let upper = match chain {
            Chain::Start => newest - LATE_ARRIVAL_MARGIN_MS,
            Chain::Contiguous { upper } => upper,
            // The landing page proves its own inside and joins the window it jumped over (it
            // was checked to begin among, or right after, the stored items).
            Chain::Jumped { window_lo, .. } => newest.max(window_lo),
        };
        let window = CoverageWindow {
            lo_ms: if is_last { oldest } else { oldest + 1 },
            hi_ms: upper,
            reaches_end: is_last,
        };
        let below = store_page(
            store,
            scope,
            &prepared,
            &mut cache,
            Some(window),
            &mut report,
        )?;
        progress(report.progress());
        if is_last {
            report.complete = true;
            break;
        }
        chain = Chain::Contiguous { upper };
        match below {
            Some(w) if w.reaches_end => {
                report.complete = true;
                break;
            }
            Some(w) if w.lo_ms < oldest + 1 => {
                // Inside a complete window that an interrupted run left above a gap: jump to
                // the page where the gap starts (never backwards). The window stops short of the
                // second of the last item that run saw (more items of that second may follow);
                // the ones stored came first in Xano's order, so the gap starts after all
                // stored items from that second on.
                let gap =
                    store.with_conn(|conn| requests::count_since(conn, scope, w.lo_ms - 1))?;
                let target = u32::try_from(gap / u64::from(SYNC_PAGE_SIZE) + 1).unwrap_or(u32::MAX);
                if may_jump && target > page + 1 {
                    chain = Chain::Jumped {
                        window_lo: w.lo_ms,
                        fallback: page + 1,
                        upper,
                        gap,
                    };
                    page = target;
                } else {
                    page += 1;
                }
            }
            _ => page += 1,
        }
    }

    let deleted = store.with_conn(|conn| {
        let tx = conn.transaction()?;
        let deleted = requests::apply_retention(&tx, scope, options.retention_days)?;
        requests::record_success(&tx, scope, now)?;
        tx.commit()?;
        conn.execute_batch("PRAGMA optimize")?;
        Ok(deleted)
    })?;
    report.retention_deleted = deleted;
    tracing::debug!(workspace_id, ?report, "request history sync finished");
    Ok(report)
}

/// Ends a run on a Xano error: records it; a rate limit is reported, anything else returned.
fn stopped(
    store: &HistoryStore,
    scope: i64,
    now: i64,
    err: xano::Error,
    mut report: SyncReport,
) -> Result<SyncReport> {
    store
        .with_conn(|conn| requests::record_error(conn, scope, now, err.code(), &err.to_string()))?;
    if matches!(err, xano::Error::RateLimited { .. }) {
        report.rate_limited = true;
        report.error = Some(crate::mask::mask_text(&err.to_string()).into_owned());
        tracing::info!(
            pages = report.pages,
            "request history sync paused by Xano's rate limit"
        );
        return Ok(report);
    }
    Err(Error::Xano(err))
}

/// Stores one page and, when given, the window it proves; returns the complete window that now
/// holds the point just below the page (the page's oldest item + 1 ms), if any.
fn store_page(
    store: &HistoryStore,
    scope: i64,
    items: &[PreparedItem],
    cache: &mut InsertCache,
    window: Option<CoverageWindow>,
    report: &mut SyncReport,
) -> Result<Option<CoverageWindow>> {
    let oldest = items.iter().map(|i| i.at_ms).min();
    store.with_conn(|conn| {
        let tx = conn.transaction()?;
        report.items_new += requests::insert_items(&tx, scope, items, cache)?;
        if let Some(w) = window.filter(|w| w.lo_ms < w.hi_ms || w.reaches_end) {
            requests::add_coverage(&tx, scope, w)?;
        }
        let below = match oldest {
            Some(o) => requests::window_at(&tx, scope, o + 1)?,
            None => None,
        };
        tx.commit()?;
        Ok(below)
    })
}
