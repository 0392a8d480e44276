//! Request history: `getRequestHistory`, `searchRequestHistory`, and our `summarizeRequestHistory`.
//!
//! The seed's filter words map to Xano's fields: `status_code`→`status`, `endpoint`→`uri`,
//! `response_time` (milliseconds)→`duration` (SECONDS in Xano, so values are divided by 1000),
//! `timestamp`→`created_at` (epoch ms in searches), `method`→`verb`. Comparisons Xano can apply are
//! pushed into its search (trailing-pipe form, reference §6.1); the rest (e.g. `endpoint:
//! "contains /api/users"`) is applied locally, so results are exact. `start_date`/`end_date` bound
//! the window (a date-only `end_date` includes that whole day). Xano keeps about 24 hours.

use super::window;
use crate::context::CallCx;
use crate::dates;
use crate::engine::Engine;
use crate::error::{ToolError, ToolResult};
use crate::ids::IdArg;
use crate::query::{self, Columns, FieldKind, Op, Predicate};
use crate::shaping::UNTRUSTED_NOTICE;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use xano::requests::{self, HistoryQuery, HistorySearch};
use xano::search::SortDirection;
use xano::types::RequestHistoryItem;

/// Xano's page size limit for history.
const HISTORY_PAGE: u32 = 500;

/// Browse request history, newest first.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct GetHistoryArgs {
    /// Workspace id: `12345`, `"12345"` or `"ws_12345"`.
    pub workspace_id: IdArg,
    /// Requests to return, 1-1000 (default 50).
    #[serde(default)]
    pub limit: Option<u32>,
    /// Requests to skip (default 0).
    #[serde(default)]
    pub offset: Option<u64>,
    /// Xano-style page number from 1 (alternative to `offset`).
    #[serde(default)]
    pub page: Option<u32>,
    /// Xano-style page size, at most 500 (alternative to `limit`).
    #[serde(default)]
    pub per_page: Option<u32>,
    /// Oldest time to include: `2024-01-15` or `2024-01-15T10:00:00Z` (UTC).
    #[serde(default)]
    pub start_date: Option<String>,
    /// Newest time to include; a date alone includes that whole day.
    #[serde(default)]
    pub end_date: Option<String>,
    /// Only requests to this API group (`apigroup_id` is accepted too).
    #[serde(default, alias = "apigroup_id")]
    pub api_group_id: Option<IdArg>,
    /// Only requests to this endpoint (`query_id` is accepted too).
    #[serde(default, alias = "query_id")]
    pub endpoint_id: Option<IdArg>,
    /// Include response bodies (larger answers).
    #[serde(default)]
    pub include_output: bool,
}

/// Search request history.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct SearchHistoryArgs {
    /// Workspace id: `12345`, `"12345"` or `"ws_12345"`.
    pub workspace_id: IdArg,
    /// Conditions, ANDed: `{"status_code": ">= 400", "endpoint": "contains /api/users",
    /// "response_time": "> 1000", "timestamp": ">= 2024-01-15", "method": "POST"}`.
    /// `response_time` is in milliseconds.
    #[serde(default)]
    pub filters: Option<Value>,
    /// Xano's own pipe syntax over `status`, `duration` (seconds), `created_at` (epoch ms), `verb`,
    /// `uri`, e.g. `[{"duration|>|": 1}]`.
    #[serde(default)]
    pub search: Option<Value>,
    /// Order: `[{"field":"timestamp","direction":"desc"}]`; fields `timestamp` or `response_time`.
    #[serde(default)]
    pub sort: Option<Value>,
    /// Requests to return, 1-1000 (default 50).
    #[serde(default)]
    pub limit: Option<u32>,
    /// Requests to skip (default 0).
    #[serde(default)]
    pub offset: Option<u64>,
    /// Oldest time to include: `2024-01-15` or `2024-01-15T10:00:00Z` (UTC).
    #[serde(default)]
    pub start_date: Option<String>,
    /// Newest time to include; a date alone includes that whole day.
    #[serde(default)]
    pub end_date: Option<String>,
    /// Only requests to this API group (`apigroup_id` is accepted too).
    #[serde(default, alias = "apigroup_id")]
    pub api_group_id: Option<IdArg>,
    /// Include response bodies (larger answers).
    #[serde(default)]
    pub include_output: bool,
}

/// Summarise request history per endpoint.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct SummarizeHistoryArgs {
    /// Workspace id: `12345`, `"12345"` or `"ws_12345"`.
    pub workspace_id: IdArg,
    /// Window start (`2024-01-15` or an ISO time); default: `hours` before now.
    #[serde(default)]
    pub start_date: Option<String>,
    /// Window end; default now.
    #[serde(default)]
    pub end_date: Option<String>,
    /// Window length in hours when `start_date` is not given (default 24).
    #[serde(default)]
    pub hours: Option<u32>,
    /// `"slowest"` (by p95, default), `"errors"` (most failed requests), or `"busiest"`.
    #[serde(default)]
    pub sort_by: Option<String>,
    /// Endpoints to return (default 20).
    #[serde(default)]
    pub limit: Option<u32>,
    /// Only this API group (`apigroup_id` is accepted too).
    #[serde(default, alias = "apigroup_id")]
    pub api_group_id: Option<IdArg>,
}

fn columns() -> Columns {
    Columns::new([
        ("id".to_owned(), FieldKind::Int),
        ("status".to_owned(), FieldKind::Int),
        ("uri".to_owned(), FieldKind::Text),
        ("verb".to_owned(), FieldKind::Text),
        ("duration".to_owned(), FieldKind::Number),
        ("created_at".to_owned(), FieldKind::Timestamp),
        ("api_id".to_owned(), FieldKind::Int),
        ("query_id".to_owned(), FieldKind::Int),
        ("branch_id".to_owned(), FieldKind::Int),
    ])
}

/// The seed's word for a field → Xano's field, and whether the value is milliseconds of duration.
fn canonical(field: &str) -> (&str, bool) {
    match field.to_ascii_lowercase().as_str() {
        "status_code" | "status" | "code" => ("status", false),
        "endpoint" | "uri" | "url" | "path" => ("uri", false),
        "response_time" | "response_time_ms" | "duration_ms" | "latency" => ("duration", true),
        "duration" => ("duration", false),
        "timestamp" | "created_at" | "time" | "date" => ("created_at", false),
        "method" | "verb" => ("verb", false),
        "api_id" | "api_group_id" | "apigroup_id" => ("api_id", false),
        "query_id" | "endpoint_id" => ("query_id", false),
        _ => (field, false),
    }
}

fn parse_history_filters(filters: &Value) -> ToolResult<Predicate> {
    let Some(map) = filters.as_object() else {
        return Err(ToolError::invalid(
            "filters",
            "must be an object like {\"status_code\": \">= 400\"}",
        ));
    };
    let cols = columns();
    let mut pred = Predicate::everything();
    for (key, value) in map {
        let (field, in_ms) = canonical(key);
        cols.kind(field, "filters").map_err(|_| ToolError::invalid("filters", format!("unknown filter `{key}`. Use status_code, endpoint, response_time (ms), timestamp, method.")))?;
        let part = if in_ms {
            let (op, n) = match value {
                Value::Number(n) => (Op::Eq, n.as_f64()),
                Value::String(s) => {
                    let (op, rest) = query::split_operator(s);
                    (
                        op,
                        rest.trim()
                            .trim_end_matches("ms")
                            .trim()
                            .parse::<f64>()
                            .ok(),
                    )
                }
                _ => (Op::Eq, None),
            };
            let ms = n.ok_or_else(|| {
                ToolError::invalid(
                    "filters",
                    format!("`{key}` takes milliseconds like \"> 1000\", not {value}"),
                )
            })?;
            Predicate::Cmp(query::Comparison {
                field: "duration".into(),
                op,
                value: json!(ms / 1000.0),
            })
        } else {
            let mut one = Map::new();
            one.insert(field.to_owned(), value.clone());
            query::parse_filters(&Value::Object(one), &cols, "filters")?
        };
        pred = pred.and(part);
    }
    Ok(pred)
}

fn window_predicate(start: Option<&str>, end: Option<&str>) -> ToolResult<Predicate> {
    let mut pred = Predicate::everything();
    if let Some(s) = start.filter(|s| !s.trim().is_empty()) {
        let d = dates::parse(s).ok_or_else(|| {
            ToolError::invalid(
                "start_date",
                format!("`{s}` is not a date; use 2024-01-15 or 2024-01-15T10:00:00Z"),
            )
        })?;
        pred = pred.and(Predicate::Cmp(query::Comparison {
            field: "created_at".into(),
            op: Op::Gte,
            value: json!(d.epoch_ms),
        }));
    }
    if let Some(e) = end.filter(|s| !s.trim().is_empty()) {
        let d = dates::parse(e).ok_or_else(|| {
            ToolError::invalid(
                "end_date",
                format!("`{e}` is not a date; use 2024-01-31 or 2024-01-31T23:59:59Z"),
            )
        })?;
        pred = pred.and(Predicate::Cmp(query::Comparison {
            field: "created_at".into(),
            op: Op::Lt,
            value: json!(dates::end_bound(d)),
        }));
    }
    Ok(pred)
}

/// The fields a predicate checks, from a history item (created_at as epoch ms).
fn eval_row(item: &RequestHistoryItem) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("id".into(), json!(item.id));
    m.insert("status".into(), json!(item.status));
    m.insert("uri".into(), json!(item.uri));
    m.insert("verb".into(), json!(item.verb));
    m.insert("duration".into(), json!(item.duration));
    m.insert("created_at".into(), json!(created_ms(item)));
    m.insert("api_id".into(), json!(item.api_id));
    m.insert("query_id".into(), json!(item.query_id));
    m.insert("branch_id".into(), json!(item.branch_id));
    m
}

fn created_ms(item: &RequestHistoryItem) -> Option<i64> {
    match &item.created_at {
        xano::types::Timestamp::Epoch(ms) => Some(*ms),
        xano::types::Timestamp::Text(t) => dates::parse_xano_timestamp(t),
    }
}

/// An item as shown to the model: Xano's fields plus `duration_ms` and an ISO `timestamp`.
fn shown(item: &RequestHistoryItem) -> Value {
    let mut v = serde_json::to_value(item).unwrap_or_default();
    v["duration_ms"] = json!((item.duration * 1000.0).round());
    if let Some(ms) = created_ms(item) {
        v["timestamp"] = json!(dates::format_ms(ms));
    }
    v
}

/// Every matching item, following pages of 500, bounded by the engine's scan limit.
async fn scan(
    engine: &Engine,
    cx: &CallCx,
    ws: i64,
    base: &HistorySearch,
    residual: &Predicate,
) -> ToolResult<(Vec<RequestHistoryItem>, u64)> {
    let client = engine.client(None);
    let mut page = 1u32;
    let mut out = Vec::new();
    let mut scanned = 0u64;
    loop {
        let body = HistorySearch {
            page,
            per_page: HISTORY_PAGE,
            ..base.clone()
        };
        let batch: xano::MetaPage<RequestHistoryItem> = cx
            .read(&client, &requests::search_request_history(ws, &body))
            .await?;
        let n = batch.items.len();
        scanned += n as u64;
        out.extend(
            batch
                .items
                .into_iter()
                .filter(|i| residual.matches(&eval_row(i))),
        );
        cx.progress(
            scanned as f64,
            None,
            format!("read {scanned} history items, {} match", out.len()),
        );
        if scanned as usize > engine.options.max_scan_rows {
            return Err(ToolError::new(
                "too_many_rows",
                "the window holds too many requests to scan; narrow it with start_date/end_date or a status filter",
            ));
        }
        match batch.next_page {
            Some(p) if p > page && n > 0 => page = p,
            _ => break,
        }
    }
    Ok((out, scanned))
}

/// The synced requests of `[start, end)` when the local store holds that whole window (an open
/// start means "everything Xano has", which only Xano can answer).
fn local_items(
    engine: &Engine,
    ws: i64,
    start: Option<i64>,
    end: Option<i64>,
) -> Option<Vec<RequestHistoryItem>> {
    let store = engine.history.as_ref()?;
    let start = start?;
    let end = end.unwrap_or_else(|| time::OffsetDateTime::now_utc().unix_timestamp() * 1000 + 1);
    store
        .covers(ws, start, end)
        .then(|| store.items(ws, start, end))
}

fn window_bounds(start: Option<&str>, end: Option<&str>) -> (Option<i64>, Option<i64>) {
    let start = start.and_then(dates::parse).map(|d| d.epoch_ms);
    let end = end.and_then(dates::parse).map(dates::end_bound);
    (start, end)
}

fn group_filter(arg: Option<&IdArg>) -> ToolResult<Option<i64>> {
    arg.map(|g| g.numeric("api_group_id")).transpose()
}

pub async fn get_request_history(engine: &Engine, cx: &CallCx, args: GetHistoryArgs) -> ToolResult {
    let ws = args.workspace_id.numeric("workspace_id")?;
    let (offset, limit) = window(
        args.limit,
        args.offset,
        args.page,
        args.per_page.map(|p| p.min(HISTORY_PAGE)),
    )?;
    let group = group_filter(args.api_group_id.as_ref())?;
    let endpoint = args
        .endpoint_id
        .as_ref()
        .map(|e| e.numeric("endpoint_id"))
        .transpose()?;
    let range = window_predicate(args.start_date.as_deref(), args.end_date.as_deref())?;
    let client = engine.client(None);
    if range.is_everything() && limit <= HISTORY_PAGE && offset % u64::from(limit) == 0 {
        // One page of Xano's own paging, exactly.
        let q = HistoryQuery {
            page: Some((offset / u64::from(limit)) as u32 + 1),
            per_page: Some(limit),
            apigroup_id: group,
            query_id: endpoint,
            include_output: args.include_output,
        };
        let page: xano::MetaPage<RequestHistoryItem> =
            cx.read(&client, &requests::request_history(ws, &q)).await?;
        let items: Vec<Value> = page.items.iter().map(shown).collect();
        let returned = items.len() as u64;
        return Ok(json!({
            "workspace_id": ws, "source": "xano", "items": items, "returned": returned, "offset": offset, "limit": limit,
            "next_offset": page.next_page.map(|_| offset + returned), "data_notice": UNTRUSTED_NOTICE,
        }));
    }
    // Dates or an unaligned window: page newest first and stop once past the start.
    let start_ms = args
        .start_date
        .as_deref()
        .and_then(dates::parse)
        .map(|d| d.epoch_ms);
    let (_, end_ms) = window_bounds(args.start_date.as_deref(), args.end_date.as_deref());
    let mut matched = Vec::new();
    let mut source = "xano";
    let mut page = 1u32;
    if let Some(items) = local_items(engine, ws, start_ms, end_ms) {
        source = "local";
        matched = items
            .into_iter()
            .filter(|i| {
                range.matches(&eval_row(i))
                    && group.is_none_or(|g| i.api_id == Some(g))
                    && endpoint.is_none_or(|e| i.query_id == Some(e))
            })
            .collect();
    }
    if source == "xano" {
        loop {
            let q = HistoryQuery {
                page: Some(page),
                per_page: Some(HISTORY_PAGE),
                apigroup_id: group,
                query_id: endpoint,
                include_output: args.include_output,
            };
            let batch: xano::MetaPage<RequestHistoryItem> =
                cx.read(&client, &requests::request_history(ws, &q)).await?;
            let past_start = start_ms.is_some_and(|s| {
                batch
                    .items
                    .iter()
                    .any(|i| created_ms(i).is_some_and(|c| c < s))
            });
            let n = batch.items.len();
            matched.extend(
                batch
                    .items
                    .into_iter()
                    .filter(|i| range.matches(&eval_row(i))),
            );
            cx.progress(
                f64::from(page * HISTORY_PAGE),
                None,
                format!("read {} pages", page),
            );
            if matched.len() as u64 > offset + u64::from(limit) && start_ms.is_none() {
                break;
            }
            match batch.next_page {
                Some(p) if p > page && n > 0 && !past_start && page < 400 => page = p,
                _ => break,
            }
        }
    }
    let total = matched.len() as u64;
    let items: Vec<Value> = matched
        .iter()
        .skip(offset as usize)
        .take(limit as usize)
        .map(shown)
        .collect();
    let returned = items.len() as u64;
    Ok(json!({
        "workspace_id": ws, "source": source, "items": items, "returned": returned, "offset": offset, "limit": limit,
        "total_in_window": if start_ms.is_some() { Some(total) } else { None },
        "next_offset": (offset + returned < total).then_some(offset + returned), "data_notice": UNTRUSTED_NOTICE,
    }))
}

fn history_sort(sort: Option<&Value>) -> ToolResult<Option<(String, SortDirection)>> {
    let Some(sort) = sort else { return Ok(None) };
    // Rename the seed's words before the generic parser checks them.
    let renamed = match sort {
        Value::Array(items) => Value::Array(items.iter().map(rename_sort_item).collect()),
        other => rename_sort_item(other),
    };
    let parsed = query::parse_sort(&renamed, &columns(), "sort")?;
    if parsed.len() > 1 {
        return Err(ToolError::invalid(
            "sort",
            "request history sorts by one field: timestamp or response_time",
        ));
    }
    let out = parsed.into_iter().next();
    if let Some((field, _)) = &out
        && field != "created_at"
        && field != "duration"
    {
        return Err(ToolError::invalid(
            "sort",
            "sort by `timestamp` or `response_time`",
        ));
    }
    Ok(out)
}

fn rename_sort_item(item: &Value) -> Value {
    match item {
        Value::Object(o) if o.contains_key("field") => {
            let mut o = o.clone();
            if let Some(f) = o.get("field").and_then(Value::as_str) {
                o.insert("field".into(), json!(canonical(f).0));
            }
            Value::Object(o)
        }
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (canonical(k).0.to_owned(), v.clone()))
                .collect(),
        ),
        Value::String(s) => {
            let desc = s.starts_with('-');
            let mut parts = s.trim_start_matches('-').split_whitespace();
            let f = canonical(parts.next().unwrap_or_default()).0.to_owned();
            let rest: Vec<&str> = parts.collect();
            json!(format!(
                "{}{}{}",
                if desc { "-" } else { "" },
                f,
                if rest.is_empty() {
                    String::new()
                } else {
                    format!(" {}", rest.join(" "))
                }
            ))
        }
        other => other.clone(),
    }
}

pub async fn search_request_history(
    engine: &Engine,
    cx: &CallCx,
    args: SearchHistoryArgs,
) -> ToolResult {
    let ws = args.workspace_id.numeric("workspace_id")?;
    let (offset, limit) = window(args.limit, args.offset, None, None)?;
    let mut pred = window_predicate(args.start_date.as_deref(), args.end_date.as_deref())?;
    if let Some(f) = &args.filters {
        pred = pred.and(parse_history_filters(f)?);
    }
    if let Some(s) = &args.search {
        pred = pred.and(parse_native_history(s)?);
    }
    let sort =
        history_sort(args.sort.as_ref())?.unwrap_or(("created_at".into(), SortDirection::Desc));
    let (pushed, residual) = query::push_down(&pred);
    let base = HistorySearch {
        api_id: group_filter(args.api_group_id.as_ref())?,
        search: pushed.clone(),
        sort: Some(sort.clone()),
        include_output: args.include_output,
        ..Default::default()
    };
    let (start_ms, end_ms) = window_bounds(args.start_date.as_deref(), args.end_date.as_deref());
    let (items, scanned, source) = match local_items(engine, ws, start_ms, end_ms) {
        Some(all) => {
            let scanned = all.len() as u64;
            let mut hits: Vec<RequestHistoryItem> = all
                .into_iter()
                .filter(|i| {
                    pred.matches(&eval_row(i)) && base.api_id.is_none_or(|g| i.api_id == Some(g))
                })
                .collect();
            let key = |i: &RequestHistoryItem| {
                if sort.0 == "duration" {
                    i.duration
                } else {
                    created_ms(i).unwrap_or(0) as f64
                }
            };
            hits.sort_by(|a, b| {
                let o = key(a).total_cmp(&key(b));
                if sort.1 == SortDirection::Desc {
                    o.reverse()
                } else {
                    o
                }
            });
            (hits, scanned, "local")
        }
        None => {
            let (items, scanned) = scan(engine, cx, ws, &base, &residual).await?;
            (items, scanned, "xano")
        }
    };
    let total = items.len() as u64;
    let shown_items: Vec<Value> = items
        .iter()
        .skip(offset as usize)
        .take(limit as usize)
        .map(shown)
        .collect();
    let returned = shown_items.len() as u64;
    Ok(json!({
        "workspace_id": ws,
        "source": source,
        "items": shown_items,
        "returned": returned,
        "total": total,
        "offset": offset,
        "limit": limit,
        "next_offset": (offset + returned < total).then_some(offset + returned),
        "sort": { "field": sort.0, "direction": sort.1.as_str() },
        "xano_search": xano::search::to_history_json(&pushed),
        "filtered_locally": !residual.is_everything(),
        "rows_scanned": scanned,
        "note": "duration is in seconds as Xano stores it; duration_ms is the same in milliseconds.",
        "data_notice": UNTRUSTED_NOTICE,
    }))
}

/// Native pipe search over history fields (trailing pipes allowed).
fn parse_native_history(search: &Value) -> ToolResult<Predicate> {
    let items: Vec<&Value> = match search {
        Value::Array(a) => a.iter().collect(),
        Value::Object(_) => vec![search],
        _ => {
            return Err(ToolError::invalid(
                "search",
                "must be an array like [{\"duration|>|\": 1}]",
            ));
        }
    };
    let cols = columns();
    let mut runs: Vec<Vec<Predicate>> = Vec::new();
    for item in items {
        for (key, value) in item.as_object().into_iter().flatten() {
            let mut parts = key.split('|');
            let field = parts.next().unwrap_or_default();
            let op_text = parts.next().filter(|s| !s.is_empty()).unwrap_or("=");
            let is_or = parts.next().is_some_and(|p| p.eq_ignore_ascii_case("or"));
            let op = Op::parse(op_text).ok_or_else(|| {
                ToolError::invalid("search", format!("unknown operator in `{key}`"))
            })?;
            let kind = cols.kind(field, "search")?;
            let c = query::cmp(field, kind, op, value, "search")?;
            match runs.last_mut() {
                Some(run) if is_or => run.push(c),
                _ => runs.push(vec![c]),
            }
        }
    }
    Ok(Predicate::All(
        runs.into_iter()
            .map(|r| {
                if r.len() == 1 {
                    r.into_iter().next().unwrap_or_else(Predicate::everything)
                } else {
                    Predicate::Any(r)
                }
            })
            .collect(),
    ))
}

/// `/api:Xy12ab/customers/42?x=1` → `/api:Xy12ab/customers/{id}`: ids collapsed so that calls to
/// the same endpoint group together.
pub fn uri_pattern(uri: &str) -> String {
    let without_scheme = uri
        .split_once("://")
        .map_or(uri, |(_, rest)| rest.split_once('/').map_or("", |(_, p)| p));
    let path = without_scheme.split(['?', '#']).next().unwrap_or_default();
    let segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            let is_uuid = s.len() == 36
                && s.chars().filter(|c| *c == '-').count() == 4
                && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
            if s.chars().all(|c| c.is_ascii_digit()) {
                "{id}".to_owned()
            } else if is_uuid {
                "{uuid}".to_owned()
            } else if s.len() >= 16 && s.chars().all(|c| c.is_ascii_hexdigit()) {
                "{hash}".to_owned()
            } else {
                s.to_owned()
            }
        })
        .collect();
    format!("/{}", segments.join("/"))
}

/// Nearest-rank percentile of sorted values.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub async fn summarize_request_history(
    engine: &Engine,
    cx: &CallCx,
    args: SummarizeHistoryArgs,
) -> ToolResult {
    let ws = args.workspace_id.numeric("workspace_id")?;
    let now_ms = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
    let hours = i64::from(args.hours.unwrap_or(24).clamp(1, 24 * 90));
    let start = match args.start_date.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(s) => {
            dates::parse(s)
                .ok_or_else(|| ToolError::invalid("start_date", format!("`{s}` is not a date")))?
                .epoch_ms
        }
        None => now_ms - hours * 3_600_000,
    };
    let end = match args.end_date.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(e) => dates::end_bound(
            dates::parse(e)
                .ok_or_else(|| ToolError::invalid("end_date", format!("`{e}` is not a date")))?,
        ),
        None => i64::MAX,
    };
    let sort_by = args
        .sort_by
        .as_deref()
        .unwrap_or("slowest")
        .to_ascii_lowercase();
    if !matches!(sort_by.as_str(), "slowest" | "errors" | "busiest") {
        return Err(ToolError::invalid(
            "sort_by",
            "use \"slowest\", \"errors\" or \"busiest\"",
        ));
    }
    let limit = args.limit.unwrap_or(20).clamp(1, 500) as usize;
    let mut pred = Predicate::Cmp(query::Comparison {
        field: "created_at".into(),
        op: Op::Gte,
        value: json!(start),
    });
    if end != i64::MAX {
        pred = pred.and(Predicate::Cmp(query::Comparison {
            field: "created_at".into(),
            op: Op::Lt,
            value: json!(end),
        }));
    }
    let (pushed, residual) = query::push_down(&pred);
    let base = HistorySearch {
        api_id: group_filter(args.api_group_id.as_ref())?,
        search: pushed,
        sort: Some(("created_at".into(), SortDirection::Desc)),
        ..Default::default()
    };
    let local = local_items(engine, ws, Some(start), (end != i64::MAX).then_some(end));
    let (items, source) = match local {
        Some(all) => (
            all.into_iter()
                .filter(|i| base.api_id.is_none_or(|g| i.api_id == Some(g)))
                .collect::<Vec<_>>(),
            "local",
        ),
        None => (scan(engine, cx, ws, &base, &residual).await?.0, "xano"),
    };

    struct Acc {
        count: u64,
        errors: u64,
        server_errors: u64,
        durations_ms: Vec<f64>,
    }
    let mut groups: BTreeMap<(String, String), Acc> = BTreeMap::new();
    for item in &items {
        let acc = groups
            .entry((item.verb.to_uppercase(), uri_pattern(&item.uri)))
            .or_insert(Acc {
                count: 0,
                errors: 0,
                server_errors: 0,
                durations_ms: Vec::new(),
            });
        acc.count += 1;
        if item.status >= 400 {
            acc.errors += 1;
        }
        if item.status >= 500 {
            acc.server_errors += 1;
        }
        acc.durations_ms.push(item.duration * 1000.0);
    }
    let mut rows: Vec<Value> = groups
        .into_iter()
        .map(|((verb, pattern), mut acc)| {
            acc.durations_ms
                .sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
            let round = |v: f64| (v * 10.0).round() / 10.0;
            json!({
                "endpoint": format!("{verb} {pattern}"),
                "verb": verb,
                "uri_pattern": pattern,
                "count": acc.count,
                "errors": acc.errors,
                "server_errors": acc.server_errors,
                "error_rate": round(acc.errors as f64 * 1000.0 / acc.count as f64) / 1000.0,
                "p50_ms": round(percentile(&acc.durations_ms, 50.0)),
                "p95_ms": round(percentile(&acc.durations_ms, 95.0)),
                "max_ms": round(acc.durations_ms.last().copied().unwrap_or(0.0)),
            })
        })
        .collect();
    let key = |v: &Value, k: &str| v[k].as_f64().unwrap_or(0.0);
    rows.sort_by(|a, b| {
        let ord = match sort_by.as_str() {
            "errors" => key(b, "errors")
                .total_cmp(&key(a, "errors"))
                .then(key(b, "error_rate").total_cmp(&key(a, "error_rate"))),
            "busiest" => key(b, "count").total_cmp(&key(a, "count")),
            _ => key(b, "p95_ms").total_cmp(&key(a, "p95_ms")),
        };
        ord.then_with(|| a["endpoint"].as_str().cmp(&b["endpoint"].as_str()))
    });
    let endpoint_count = rows.len();
    rows.truncate(limit);
    let total = items.len() as u64;
    let errors = items.iter().filter(|i| i.status >= 400).count() as u64;
    Ok(json!({
        "workspace_id": ws,
        "source": source,
        "window": { "start": dates::format_ms(start), "end": if end == i64::MAX { dates::format_ms(now_ms) } else { dates::format_ms(end) } },
        "requests": total,
        "errors": errors,
        "error_rate": if total == 0 { 0.0 } else { errors as f64 / total as f64 },
        "sorted_by": sort_by,
        "endpoint_count": endpoint_count,
        "endpoints": rows,
        "note": "Xano keeps about 24 hours of request history; latencies are in milliseconds; errors are statuses >= 400.",
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_patterns_collapse_ids() {
        assert_eq!(
            uri_pattern("https://x1.xano.io/api:Xy12ab/customers/42?x=1"),
            "/api:Xy12ab/customers/{id}"
        );
        assert_eq!(
            uri_pattern("/api:a/orders/3fa85f64-5717-4562-b3fc-2c963f66afa6/items"),
            "/api:a/orders/{uuid}/items"
        );
        assert_eq!(uri_pattern("/api:a/health"), "/api:a/health");
    }

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), 50.0);
        assert_eq!(percentile(&v, 95.0), 95.0);
        assert_eq!(percentile(&[7.0], 95.0), 7.0);
    }

    #[test]
    fn seed_history_filters_translate_units() {
        let p = parse_history_filters(&json!({"status_code":">= 400","endpoint":"contains /api/users","response_time":"> 1000"})).expect("parse");
        let (pushed, residual) = query::push_down(&p);
        assert_eq!(
            xano::search::to_history_json(&pushed),
            json!([{"status|>=|":400},{"duration|>|":1.0}])
        );
        assert!(
            matches!(residual, Predicate::Cmp(ref c) if c.field == "uri" && c.op == Op::Contains)
        );
    }
}
