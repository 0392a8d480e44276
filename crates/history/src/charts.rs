//! Aggregates for the history charts: requests over time by status class, latency percentiles
//! over time and per endpoint, error rate, slowest endpoints. All take the same [`HistoryFilter`]
//! as the table (its sort, limit and offset are ignored).
//!
//! Percentiles are exact nearest-rank values (the smallest duration with at least p% of the
//! durations at or below it), not estimates, so tests and the MCP tools agree to the millisecond.
//! Per-endpoint percentiles are read from the `(scope, endpoint, duration)` index with one
//! `OFFSET` probe per percentile, so no duration leaves SQLite except the answers.

use crate::error::{Error, Result};
use crate::search::{HistoryFilter, bucket_ms, mcp_from, mcp_side, xano_side};
use crate::store::HistoryStore;
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, params_from_iter};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

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
    fn add(&mut self, class: i64, n: u64) {
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
}

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

fn percentile_of_sorted(sorted: &[f64], p: f64) -> Option<f64> {
    let n = sorted.len() as u64;
    (n > 0).then(|| sorted[rank_index(n, p) as usize])
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
            if let Some(x) = xano_side(conn, filter)? {
                let sql = format!(
                    "SELECT r.at_ms / ? AS b, r.status_class, count(*) FROM request r WHERE {} GROUP BY b, r.status_class",
                    x.where_sql
                );
                let mut args = vec![SqlValue::Integer(size)];
                args.extend(x.args);
                query_each(conn, &sql, args, |r| {
                    let n: i64 = r.get(2)?;
                    acc.entry(r.get(0)?)
                        .or_default()
                        .add(r.get(1)?, u64::try_from(n).unwrap_or(0));
                    Ok(())
                })?;
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
    /// [`HistoryStore::requests_over_time`]).
    pub fn latency_over_time(
        &self,
        filter: &HistoryFilter,
        bucket_secs: u32,
    ) -> Result<Vec<LatencyBucket>> {
        let size = bucket_ms(bucket_secs)?;
        self.with_conn(|conn| {
            let mut acc: BTreeMap<i64, Vec<f64>> = BTreeMap::new();
            if let Some(x) = xano_side(conn, filter)? {
                let sql = format!(
                    "SELECT r.at_ms / ?, r.duration_ms FROM request r WHERE {}",
                    x.where_sql
                );
                let mut args = vec![SqlValue::Integer(size)];
                args.extend(x.args);
                query_each(conn, &sql, args, |r| {
                    acc.entry(r.get(0)?).or_default().push(r.get(1)?);
                    Ok(())
                })?;
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
                    acc.entry(r.get(0)?).or_default().push(r.get(1)?);
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
                .map(|b| {
                    let mut d = acc.remove(&b).unwrap_or_default();
                    d.sort_by(f64::total_cmp);
                    LatencyBucket {
                        start_ms: b * size,
                        count: d.len() as u64,
                        p50_ms: percentile_of_sorted(&d, 50.0),
                        p95_ms: percentile_of_sorted(&d, 95.0),
                    }
                })
                .collect())
        })
    }

    /// Latency and errors per endpoint, busiest first (ties by name).
    pub fn endpoint_latency(&self, filter: &HistoryFilter) -> Result<Vec<EndpointStats>> {
        let mut stats = self.with_conn(|conn| endpoint_stats(conn, filter))?;
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
        let mut stats = self.with_conn(|conn| endpoint_stats(conn, filter))?;
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
            if let Some(x) = xano_side(conn, filter)? {
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

fn endpoint_stats(conn: &Connection, filter: &HistoryFilter) -> Result<Vec<EndpointStats>> {
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
        let sql = format!(
            "SELECT g.endpoint_id, e.verb, e.pattern, g.n, g.errors, g.max_ms, g.mean_ms FROM
               (SELECT r.endpoint_id, count(*) AS n, sum(r.status_class >= 4) AS errors,
                       max(r.duration_ms) AS max_ms, avg(r.duration_ms) AS mean_ms
                FROM request r WHERE {} GROUP BY r.endpoint_id) g
             JOIN endpoint e ON e.id = g.endpoint_id",
            x.where_sql
        );
        let mut groups: Vec<(i64, Group)> = Vec::new();
        query_each(conn, &sql, x.args.clone(), |r| {
            groups.push((
                r.get(0)?,
                Group {
                    verb: r.get(1)?,
                    pattern: r.get(2)?,
                    count: u64::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
                    errors: u64::try_from(r.get::<_, i64>(4)?).unwrap_or(0),
                    max_ms: r.get(5)?,
                    mean_ms: r.get(6)?,
                },
            ));
            Ok(())
        })?;
        // One probe per percentile, walking the endpoint's durations in index order.
        let probe_sql = format!(
            "SELECT r.duration_ms FROM request r WHERE {} AND r.endpoint_id = ? ORDER BY r.duration_ms LIMIT 1 OFFSET ?",
            x.where_sql
        );
        let mut probe = conn.prepare_cached(&probe_sql)?;
        let mut at = |endpoint: i64, index: u64| -> Result<f64> {
            let mut args = x.args.clone();
            args.push(SqlValue::Integer(endpoint));
            args.push(SqlValue::Integer(i64::try_from(index).unwrap_or(i64::MAX)));
            Ok(probe.query_row(params_from_iter(args), |r| r.get(0))?)
        };
        for (id, g) in groups {
            let p50 = at(id, rank_index(g.count, 50.0))?;
            let p95 = at(id, rank_index(g.count, 95.0))?;
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
            d.sort_by(f64::total_cmp);
            let count = d.len() as u64;
            out.push(EndpointStats {
                endpoint: format!("MCP {tool}"),
                verb: "MCP".into(),
                pattern: tool,
                count,
                errors,
                error_rate: errors as f64 / count.max(1) as f64,
                p50_ms: percentile_of_sorted(&d, 50.0).unwrap_or_default(),
                p95_ms: percentile_of_sorted(&d, 95.0).unwrap_or_default(),
                max_ms: d.last().copied().unwrap_or_default(),
                mean_ms: d.iter().sum::<f64>() / count.max(1) as f64,
            });
        }
    }
    Ok(out)
}
