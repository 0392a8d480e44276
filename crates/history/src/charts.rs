//! Aggregates for the history charts: requests over time by status class, latency percentiles
//! over time and per endpoint, error rate, slowest endpoints. All take the same [`HistoryFilter`]
//! as the table (its sort, limit and offset are ignored).
//!
//! Percentiles are exact nearest-rank values (the smallest duration with at least p% of the
//! durations at or below it), not estimates, so tests and the MCP tools agree to the millisecond.
//! Per-endpoint percentiles over many rows are read from the `(scope, endpoint, duration)` index
//! with one `OFFSET` probe per percentile (from the nearer end), so no duration leaves SQLite
//! except the answers; over few rows they are ranked in memory. Over-time series stream the
//! matching rows once in time order and count them here (grouping by an expression in SQL would
//! sort every row).

use crate::error::{Error, Result};
use crate::requests::{HOUR_MS, MINUTE_MS, bin_value, latency_bin};
use crate::rollup;
use crate::search::{HistoryFilter, bucket_ms, mcp_from, mcp_side, scopes, xano_side};
use crate::store::HistoryStore;
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, params_from_iter};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Up to this many matching rows, per-endpoint percentiles are ranked in memory; above it, read
/// by probing the `(endpoint, duration)` index.
const COLLECT_LIMIT: u64 = 100_000;

/// The most buckets one series may have (e.g. a year in minutes is refused).
pub const MAX_BUCKETS: i64 = 100_000;

/// Request counts by status class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StatusCounts {
    pub s1xx: u64,
    pub s2xx: u64,
    pub s3xx: u64,
    pub s4xx: u64,
    pub s5xx: u64,
    /// Anything outside 100-599 (e.g. 0 when Xano logged no status).
    pub other: u64,
}

impl StatusCounts {
    pub(crate) fn add(&mut self, class: i64, n: u64) {
        match class {
            1 => self.s1xx += n,
            2 => self.s2xx += n,
            3 => self.s3xx += n,
            4 => self.s4xx += n,
            5 => self.s5xx += n,
            _ => self.other += n,
        }
    }

    pub fn total(&self) -> u64 {
        self.s1xx + self.s2xx + self.s3xx + self.s4xx + self.s5xx + self.other
    }

    /// 4xx and 5xx.
    pub fn errors(&self) -> u64 {
        self.s4xx + self.s5xx
    }
}

/// One bucket of the requests-over-time chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeBucket {
    /// Bucket start, epoch ms (a multiple of the bucket size).
    pub start_ms: i64,
    pub counts: StatusCounts,
}

/// One bucket of the latency-over-time chart.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LatencyBucket {
    pub start_ms: i64,
    pub count: u64,
    /// `None` in an empty bucket.
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    /// The percentiles are estimates from latency histograms (within 2.5%), not exact ranks.
    pub estimated: bool,
}

/// Above this many requests, latency over time (with a time/class filter and whole-hour buckets)
/// is estimated from the hourly histograms instead of ranking every duration.
pub const EXACT_LATENCY_ROWS: u64 = 200_000;

/// Latency and errors of one endpoint (verb + URI pattern).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EndpointStats {
    /// `GET /api:x/customers/{id}`, or `MCP toolName`.
    pub endpoint: String,
    pub verb: String,
    pub pattern: String,
    pub count: u64,
    /// Statuses >= 400.
    pub errors: u64,
    pub error_rate: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
}

/// Errors among the matching requests.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ErrorRate {
    pub total: u64,
    pub client_errors: u64,
    pub server_errors: u64,
    /// (4xx + 5xx) / total; 0 when there are no requests.
    pub rate: f64,
}

/// Nearest-rank index (0-based) of percentile `p` among `n` sorted values (`n > 0`).
pub(crate) fn rank_index(n: u64, p: f64) -> u64 {
    let rank = ((p / 100.0) * n as f64).ceil() as u64;
    rank.clamp(1, n) - 1
}

/// Nearest-rank p50 and p95 of `values` (reordered), in linear time; `None` when empty.
fn p50_p95(values: &mut [f64]) -> Option<(f64, f64)> {
    let n = values.len() as u64;
    if n == 0 {
        return None;
    }
    let (i50, i95) = (rank_index(n, 50.0) as usize, rank_index(n, 95.0) as usize);
    let (below, p95, _) = values.select_nth_unstable_by(i95, f64::total_cmp);
    let p95 = *p95;
    let p50 = if i50 == i95 {
        p95
    } else {
        *below.select_nth_unstable_by(i50, f64::total_cmp).1
    };
    Some((p50, p95))
}

fn bucket_range(
    f: &HistoryFilter,
    size: i64,
    seen: Option<(i64, i64)>,
) -> Result<Option<(i64, i64)>> {
    let lo = f.since_ms.map(|s| s.div_euclid(size)).or(seen.map(|s| s.0));
    let hi = f
        .until_ms
        .map(|u| (u - 1).div_euclid(size))
        .or(seen.map(|s| s.1));
    let (Some(lo), Some(hi)) = (lo, hi) else {
        return Ok(None);
    };
    if hi < lo {
        return Ok(None);
    }
    if hi - lo + 1 > MAX_BUCKETS {
        return Err(Error::InvalidQuery(format!(
            "{} buckets asked for; at most {MAX_BUCKETS}. Use a larger bucket or a shorter range.",
            hi - lo + 1
        )));
    }
    Ok(Some((lo, hi)))
}

fn merge(acc: &mut BTreeMap<i64, StatusCounts>, bucket: i64, counts: StatusCounts) {
    let slot = acc.entry(bucket).or_default();
    slot.s1xx += counts.s1xx;
    slot.s2xx += counts.s2xx;
    slot.s3xx += counts.s3xx;
    slot.s4xx += counts.s4xx;
    slot.s5xx += counts.s5xx;
    slot.other += counts.other;
}

fn query_each(
    conn: &Connection,
    sql: &str,
    args: Vec<SqlValue>,
    mut each: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(params_from_iter(args))?;
    while let Some(r) = rows.next()? {
        each(r)?;
    }
    Ok(())
}

impl HistoryStore {
    /// Requests per bucket of `bucket_secs` by status class, oldest first. Every bucket of the
    /// filter's time range is present (zeros included); without a range, from the first to the
    /// last bucket with a request.
    pub fn requests_over_time(
        &self,
        filter: &HistoryFilter,
        bucket_secs: u32,
    ) -> Result<Vec<TimeBucket>> {
        let size = bucket_ms(bucket_secs)?;
        self.with_conn(|conn| {
            let mut acc: BTreeMap<i64, StatusCounts> = BTreeMap::new();
            let xano = xano_side(conn, filter)?;
            if xano.is_some() && rollup::eligible(filter) && size % MINUTE_MS == 0 {
                let scopes = scopes(conn, filter)?;
                acc = rollup::class_counts(conn, &scopes, filter, Some(size))?;
            } else if let Some(x) = xano {
                // Streamed and counted here: SQLite would sort every row to group by an
                // expression, while the time index already yields them in order.
                let sql = format!(
                    "SELECT r.at_ms, r.status_class FROM request r WHERE {}",
                    x.where_sql
                );
                let mut current: Option<(i64, StatusCounts)> = None;
                query_each(conn, &sql, x.args, |r| {
                    let b = r.get::<_, i64>(0)?.div_euclid(size);
                    let class: i64 = r.get(1)?;
                    match &mut current {
                        Some((cb, counts)) if *cb == b => counts.add(class, 1),
                        _ => {
                            if let Some((cb, counts)) = current.take() {
                                merge(&mut acc, cb, counts);
                            }
                            let mut counts = StatusCounts::default();
                            counts.add(class, 1);
                            current = Some((b, counts));
                        }
                    }
                    Ok(())
                })?;
                if let Some((cb, counts)) = current {
                    merge(&mut acc, cb, counts);
                }
            }
            if let Some(m) = mcp_side(filter) {
                let sql = format!(
                    "SELECT mcp.at_ms / ? AS b, mcp.status / 100 AS c, count(*) FROM {} WHERE {} GROUP BY b, c",
                    mcp_from(),
                    m.where_sql
                );
                let mut args = vec![SqlValue::Integer(size)];
                args.extend(m.args);
                query_each(conn, &sql, args, |r| {
                    let n: i64 = r.get(2)?;
                    acc.entry(r.get(0)?)
                        .or_default()
                        .add(r.get(1)?, u64::try_from(n).unwrap_or(0));
                    Ok(())
                })?;
            }
            let seen = acc
                .first_key_value()
                .zip(acc.last_key_value())
                .map(|((a, _), (b, _))| (*a, *b));
            let Some((lo, hi)) = bucket_range(filter, size, seen)? else {
                return Ok(Vec::new());
            };
            Ok((lo..=hi)
                .map(|b| TimeBucket {
                    start_ms: b * size,
                    counts: acc.get(&b).copied().unwrap_or_default(),
                })
                .collect())
        })
    }

    /// Latency p50/p95 per bucket of `bucket_secs`, oldest first (buckets as in
    /// [`HistoryStore::requests_over_time`]). Exact, except over more than
    /// [`EXACT_LATENCY_ROWS`] requests filtered by time and status class only with whole-hour
    /// buckets: then estimated (within 2.5%) from hourly histograms, and marked `estimated`.
    pub fn latency_over_time(
        &self,
        filter: &HistoryFilter,
        bucket_secs: u32,
    ) -> Result<Vec<LatencyBucket>> {
        let size = bucket_ms(bucket_secs)?;
        self.with_conn(|conn| latency_over_time(conn, filter, size, EXACT_LATENCY_ROWS))
    }

    /// Latency and errors per endpoint, busiest first (ties by name).
    pub fn endpoint_latency(&self, filter: &HistoryFilter) -> Result<Vec<EndpointStats>> {
        let mut stats = self.with_conn(|conn| endpoint_stats(conn, filter, COLLECT_LIMIT))?;
        stats.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.endpoint.cmp(&b.endpoint))
        });
        Ok(stats)
    }

    /// The `limit` endpoints with the highest p95 latency (ties by p50, then name).
    pub fn slowest_endpoints(
        &self,
        filter: &HistoryFilter,
        limit: usize,
    ) -> Result<Vec<EndpointStats>> {
        let mut stats = self.with_conn(|conn| endpoint_stats(conn, filter, COLLECT_LIMIT))?;
        stats.sort_by(|a, b| {
            b.p95_ms
                .total_cmp(&a.p95_ms)
                .then(b.p50_ms.total_cmp(&a.p50_ms))
                .then_with(|| a.endpoint.cmp(&b.endpoint))
        });
        stats.truncate(limit);
        Ok(stats)
    }

    /// The share of matching requests that failed (4xx or 5xx).
    pub fn error_rate(&self, filter: &HistoryFilter) -> Result<ErrorRate> {
        self.with_conn(|conn| {
            let mut counts = StatusCounts::default();
            let xano = xano_side(conn, filter)?;
            if xano.is_some() && rollup::eligible(filter) {
                let scopes = scopes(conn, filter)?;
                if let Some(c) = rollup::class_counts(conn, &scopes, filter, None)?.remove(&0) {
                    counts = c;
                }
            } else if let Some(x) = xano {
                let sql = format!(
                    "SELECT r.status_class, count(*) FROM request r WHERE {} GROUP BY r.status_class",
                    x.where_sql
                );
                query_each(conn, &sql, x.args, |r| {
                    counts.add(r.get(0)?, u64::try_from(r.get::<_, i64>(1)?).unwrap_or(0));
                    Ok(())
                })?;
            }
            if let Some(m) = mcp_side(filter) {
                let sql = format!(
                    "SELECT mcp.status / 100 AS c, count(*) FROM {} WHERE {} GROUP BY c",
                    mcp_from(),
                    m.where_sql
                );
                query_each(conn, &sql, m.args, |r| {
                    counts.add(r.get(0)?, u64::try_from(r.get::<_, i64>(1)?).unwrap_or(0));
                    Ok(())
                })?;
            }
            let total = counts.total();
            Ok(ErrorRate {
                total,
                client_errors: counts.s4xx,
                server_errors: counts.s5xx,
                rate: if total == 0 {
                    0.0
                } else {
                    counts.errors() as f64 / total as f64
                },
            })
        })
    }
}

fn latency_over_time(
    conn: &Connection,
    filter: &HistoryFilter,
    size: i64,
    exact_limit: u64,
) -> Result<Vec<LatencyBucket>> {
    let xano = xano_side(conn, filter)?;
    let estimate = xano.is_some() && rollup::eligible(filter) && size % HOUR_MS == 0 && {
        let scopes = scopes(conn, filter)?;
        let n: u64 = rollup::class_counts(conn, &scopes, filter, None)?
            .values()
            .map(StatusCounts::total)
            .sum();
        n > exact_limit
    };
    let mut exact: BTreeMap<i64, Vec<f64>> = BTreeMap::new();
    let mut hist: BTreeMap<i64, BTreeMap<i64, u64>> = BTreeMap::new();
    if estimate {
        hist = rollup::latency_histograms(conn, &scopes(conn, filter)?, filter, size)?;
    } else if let Some(x) = xano {
        let sql = format!(
            "SELECT r.at_ms, r.duration_ms FROM request r WHERE {}",
            x.where_sql
        );
        let mut current: Option<(i64, Vec<f64>)> = None;
        query_each(conn, &sql, x.args, |r| {
            let b = r.get::<_, i64>(0)?.div_euclid(size);
            let d: f64 = r.get(1)?;
            match &mut current {
                Some((cb, v)) if *cb == b => v.push(d),
                _ => {
                    if let Some((cb, v)) = current.take() {
                        exact.entry(cb).or_default().extend(v);
                    }
                    current = Some((b, vec![d]));
                }
            }
            Ok(())
        })?;
        if let Some((cb, v)) = current {
            exact.entry(cb).or_default().extend(v);
        }
    }
    if let Some(m) = mcp_side(filter) {
        let sql = format!(
            "SELECT mcp.at_ms / ?, CAST(mcp.duration_ms AS REAL) FROM {} WHERE {}",
            mcp_from(),
            m.where_sql
        );
        let mut args = vec![SqlValue::Integer(size)];
        args.extend(m.args);
        query_each(conn, &sql, args, |r| {
            let (b, d): (i64, f64) = (r.get(0)?, r.get(1)?);
            if estimate {
                *hist
                    .entry(b)
                    .or_default()
                    .entry(latency_bin(d))
                    .or_default() += 1;
            } else {
                exact.entry(b).or_default().push(d);
            }
            Ok(())
        })?;
    }
    let keys = exact.keys().chain(hist.keys());
    let seen = keys.clone().min().zip(keys.max()).map(|(a, b)| (*a, *b));
    let Some((lo, hi)) = bucket_range(filter, size, seen)? else {
        return Ok(Vec::new());
    };
    Ok((lo..=hi)
        .map(|b| {
            if estimate {
                let h = hist.remove(&b).unwrap_or_default();
                let (count, p) = histogram_p50_p95(&h);
                LatencyBucket {
                    start_ms: b * size,
                    count,
                    p50_ms: p.map(|p| p.0),
                    p95_ms: p.map(|p| p.1),
                    estimated: true,
                }
            } else {
                let mut d = exact.remove(&b).unwrap_or_default();
                let p = p50_p95(&mut d);
                LatencyBucket {
                    start_ms: b * size,
                    count: d.len() as u64,
                    p50_ms: p.map(|p| p.0),
                    p95_ms: p.map(|p| p.1),
                    estimated: false,
                }
            }
        })
        .collect())
}

/// Count and nearest-rank p50/p95 of a latency histogram (bin → count), as bin values.
fn histogram_p50_p95(h: &BTreeMap<i64, u64>) -> (u64, Option<(f64, f64)>) {
    let n: u64 = h.values().sum();
    if n == 0 {
        return (0, None);
    }
    let at = |index: u64| {
        let mut seen = 0;
        for (bin, c) in h {
            seen += c;
            if seen > index {
                return bin_value(*bin);
            }
        }
        h.keys().next_back().map_or(0.0, |b| bin_value(*b))
    };
    (n, Some((at(rank_index(n, 50.0)), at(rank_index(n, 95.0)))))
}

fn endpoint_stats(
    conn: &Connection,
    filter: &HistoryFilter,
    collect_limit: u64,
) -> Result<Vec<EndpointStats>> {
    let mut out = Vec::new();
    if let Some(x) = xano_side(conn, filter)? {
        struct Group {
            verb: String,
            pattern: String,
            count: u64,
            errors: u64,
            max_ms: f64,
            mean_ms: f64,
        }
        let totals: HashMap<i64, rollup::EndpointTotals> = if rollup::eligible(filter) {
            rollup::endpoint_totals(conn, &scopes(conn, filter)?, filter)?
        } else {
            let sql = format!(
                "SELECT r.endpoint_id, r.status_class, count(*), sum(r.duration_ms), max(r.duration_ms)
                 FROM request r WHERE {} GROUP BY r.endpoint_id, r.status_class",
                x.where_sql
            );
            let mut acc: HashMap<i64, rollup::EndpointTotals> = HashMap::new();
            query_each(conn, &sql, x.args.clone(), |r| {
                let n: i64 = r.get(2)?;
                acc.entry(r.get(0)?).or_default().add(
                    r.get(1)?,
                    u64::try_from(n).unwrap_or(0),
                    r.get(3)?,
                    r.get(4)?,
                );
                Ok(())
            })?;
            acc
        };
        let mut names: HashMap<i64, (String, String)> = HashMap::new();
        query_each(
            conn,
            "SELECT id, verb, pattern FROM endpoint",
            Vec::new(),
            |r| {
                names.insert(r.get(0)?, (r.get(1)?, r.get(2)?));
                Ok(())
            },
        )?;
        let mut groups: Vec<(i64, Group)> = totals
            .into_iter()
            .filter(|(_, t)| t.n > 0)
            .map(|(id, t)| {
                let (verb, pattern) = names.remove(&id).unwrap_or_default();
                (
                    id,
                    Group {
                        verb,
                        pattern,
                        count: t.n,
                        errors: t.errors,
                        max_ms: t.max_ms,
                        mean_ms: t.sum_ms / t.n as f64,
                    },
                )
            })
            .collect();
        groups.sort_by_key(|(id, _)| *id);
        let total: u64 = groups.iter().map(|(_, g)| g.count).sum();
        let mut percentiles: HashMap<i64, (f64, f64)> = HashMap::new();
        if total <= collect_limit {
            // Few rows: read their durations and rank them here.
            let sql = format!(
                "SELECT r.endpoint_id, r.duration_ms FROM request r WHERE {}",
                x.where_sql
            );
            let mut durations: HashMap<i64, Vec<f64>> = HashMap::new();
            query_each(conn, &sql, x.args.clone(), |r| {
                durations.entry(r.get(0)?).or_default().push(r.get(1)?);
                Ok(())
            })?;
            for (id, mut d) in durations {
                percentiles.insert(id, p50_p95(&mut d).unwrap_or_default());
            }
        } else {
            // Many rows: one probe per percentile down the (endpoint, duration) index, from
            // whichever end is nearer, so no duration leaves SQLite but the answers.
            let probe = |dir: &str| {
                format!(
                    "SELECT r.duration_ms FROM request r INDEXED BY request_endpoint WHERE {} AND r.endpoint_id = ? \
                     ORDER BY r.duration_ms {dir} LIMIT 1 OFFSET ?",
                    x.where_sql
                )
            };
            let (asc, desc) = (probe("ASC"), probe("DESC"));
            let at = |endpoint: i64, n: u64, index: u64| -> Result<f64> {
                let (sql, offset) = if index < n / 2 {
                    (&asc, index)
                } else {
                    (&desc, n - 1 - index)
                };
                let mut args = x.args.clone();
                args.push(SqlValue::Integer(endpoint));
                args.push(SqlValue::Integer(i64::try_from(offset).unwrap_or(i64::MAX)));
                Ok(conn
                    .prepare_cached(sql)?
                    .query_row(params_from_iter(args), |r| r.get(0))?)
            };
            for (id, g) in &groups {
                let p50 = at(*id, g.count, rank_index(g.count, 50.0))?;
                let p95 = at(*id, g.count, rank_index(g.count, 95.0))?;
                percentiles.insert(*id, (p50, p95));
            }
        }
        for (id, g) in groups {
            let (p50, p95) = percentiles.get(&id).copied().unwrap_or_default();
            out.push(EndpointStats {
                endpoint: format!("{} {}", g.verb, g.pattern),
                verb: g.verb,
                pattern: g.pattern,
                count: g.count,
                errors: g.errors,
                error_rate: g.errors as f64 / g.count.max(1) as f64,
                p50_ms: p50,
                p95_ms: p95,
                max_ms: g.max_ms,
                mean_ms: g.mean_ms,
            });
        }
    }
    if let Some(m) = mcp_side(filter) {
        let sql = format!(
            "SELECT mcp.tool, CAST(mcp.duration_ms AS REAL), mcp.status FROM {} WHERE {}",
            mcp_from(),
            m.where_sql
        );
        let mut by_tool: HashMap<String, (Vec<f64>, u64)> = HashMap::new();
        query_each(conn, &sql, m.args, |r| {
            let entry = by_tool.entry(r.get(0)?).or_default();
            entry.0.push(r.get(1)?);
            if r.get::<_, i64>(2)? >= 400 {
                entry.1 += 1;
            }
            Ok(())
        })?;
        for (tool, (mut d, errors)) in by_tool {
            let count = d.len() as u64;
            let max_ms = d.iter().copied().fold(0.0, f64::max);
            let mean_ms = d.iter().sum::<f64>() / count.max(1) as f64;
            let (p50_ms, p95_ms) = p50_p95(&mut d).unwrap_or_default();
            out.push(EndpointStats {
                endpoint: format!("MCP {tool}"),
                verb: "MCP".into(),
                pattern: tool,
                count,
                errors,
                error_rate: errors as f64 / count.max(1) as f64,
                p50_ms,
                p95_ms,
                max_ms,
                mean_ms,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use xano::types::RequestHistoryItem;

    #[test]
    fn probing_the_index_gives_the_same_percentiles_as_ranking_in_memory() {
        let store = HistoryStore::open_in_memory().expect("store");
        let items: Vec<RequestHistoryItem> = (0..3000i64)
            .map(|i| {
                let endpoint = ["/api:a/x", "/api:a/y/1", "/api:b/z"][(i % 3) as usize];
                serde_json::from_value(json!({
                    "id": i,
                    "created_at": 1_700_000_000_000_i64 + i * 1000,
                    "duration": ((i * 7919) % 1013) as f64 / 1000.0,
                    "status": if i % 17 == 0 { 500 } else { 200 },
                    "verb": if i % 5 == 0 { "POST" } else { "GET" },
                    "uri": endpoint,
                }))
                .expect("item")
            })
            .collect();
        store
            .import_requests(1, None, &items, false)
            .expect("import");
        for filter in [
            HistoryFilter::default(),
            HistoryFilter {
                since_ms: Some(1_700_000_500_000),
                until_ms: Some(1_700_002_000_000),
                min_duration_ms: Some(100.0),
                ..HistoryFilter::default()
            },
        ] {
            let sort = |mut v: Vec<EndpointStats>| {
                v.sort_by(|a, b| a.endpoint.cmp(&b.endpoint));
                v
            };
            let in_memory = store
                .with_conn(|c| endpoint_stats(c, &filter, u64::MAX))
                .expect("in memory");
            let probed = store
                .with_conn(|c| endpoint_stats(c, &filter, 0))
                .expect("probed");
            assert_eq!(in_memory.len(), 6);
            assert_eq!(sort(in_memory), sort(probed));
        }
    }

    #[test]
    fn linear_time_percentiles_match_sorting() {
        let mut v: Vec<f64> = (0..1001).map(|i| ((i * 7919) % 1009) as f64).collect();
        let mut sorted = v.clone();
        sorted.sort_by(f64::total_cmp);
        let want = (
            sorted[rank_index(1001, 50.0) as usize],
            sorted[rank_index(1001, 95.0) as usize],
        );
        assert_eq!(p50_p95(&mut v), Some(want));
        assert_eq!(p50_p95(&mut [3.0]), Some((3.0, 3.0)));
        assert_eq!(p50_p95(&mut [2.0, 1.0]), Some((1.0, 2.0)));
        assert_eq!(p50_p95(&mut []), None);
    }

    #[test]
    fn estimated_latency_is_within_the_bin_width_of_the_exact_value() {
        let store = HistoryStore::open_in_memory().expect("store");
        let t0 = 1_700_000_000_000_i64;
        let items: Vec<RequestHistoryItem> = (0..20_000i64)
            .map(|i| {
                serde_json::from_value(json!({
                    "id": i,
                    "created_at": t0 + i * 900,
                    "duration": 0.005 + ((i * 7919) % 10_007) as f64 / 2_000.0,
                    "status": if i % 13 == 0 { 404 } else { 200 },
                    "verb": "GET",
                    "uri": "/api:a/x",
                }))
                .expect("item")
            })
            .collect();
        store
            .import_requests(1, None, &items, false)
            .expect("import");
        for filter in [
            HistoryFilter::default(),
            HistoryFilter {
                since_ms: Some(t0 + 1_234_567),
                until_ms: Some(t0 + 15_000_001),
                status_classes: vec![crate::StatusClass::Success],
                ..HistoryFilter::default()
            },
        ] {
            let exact = store
                .with_conn(|c| latency_over_time(c, &filter, HOUR_MS, u64::MAX))
                .expect("exact");
            let estimated = store
                .with_conn(|c| latency_over_time(c, &filter, HOUR_MS, 0))
                .expect("estimated");
            assert_eq!(exact.len(), estimated.len());
            for (e, a) in exact.iter().zip(&estimated) {
                assert!(!e.estimated && a.estimated);
                assert_eq!((e.start_ms, e.count), (a.start_ms, a.count));
                for (x, y) in [(e.p50_ms, a.p50_ms), (e.p95_ms, a.p95_ms)] {
                    let (x, y) = (x.expect("exact"), y.expect("estimate"));
                    assert!((y - x).abs() <= x * 0.026 + 0.1, "{x} vs {y}");
                }
            }
        }
    }

    #[test]
    fn nearest_rank_indexes() {
        assert_eq!(rank_index(100, 50.0), 49);
        assert_eq!(rank_index(100, 95.0), 94);
        assert_eq!(rank_index(1, 95.0), 0);
        assert_eq!(rank_index(3, 50.0), 1);
    }
}
