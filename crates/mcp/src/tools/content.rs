//! Table content: reading (`getTableContent`, `getTableContentItem`, `searchTableContent`) and
//! writing (`addTableContent`, `updateTableContentItem`, `deleteTableContentItem`,
//! `addTableContentBulk`, `patchTableContentBulk`, `deleteTableContentBulk`,
//! `patchTableContentBySearch`, `deleteTableContentBySearch`).
//!
//! Reads translate `limit`/`offset` to Xano's pages (one request when the offset falls on a page
//! boundary, two otherwise) and `filters`/`query`/`search` to a pushed-down pipe search plus an exact
//! local residual (see `query.rs`). Writes convert values to the column's representation (dates to
//! epoch ms) and refuse unknown columns rather than let Xano drop them silently. Writes selected by
//! a condition Xano cannot express exactly are done by id after an exact local selection.

use super::window;
use crate::context::CallCx;
use crate::engine::Engine;
use crate::error::{ToolError, ToolResult, WriteOutcome};
use crate::ids::{IdArg, RowIdArg};
use crate::query::{self, Columns, GroupBy, Predicate};
use crate::shaping::UNTRUSTED_NOTICE;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use xano::requests::{self, BulkPatchItem, ContentSearch};
use xano::search::{PipeCondition, PipeOp, SortDirection};
use xano::types::{BulkOutcome, Row, RowId};
use xano::{ContentPage, XanoClient, XanoRequest};

/// Read rows of a table.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct GetTableContentArgs {
    /// Workspace id: `12345`, `"12345"` or `"ws_12345"`.
    pub workspace_id: IdArg,
    /// Table id (`67890`, `"tbl_67890"`) or name (`"customers"`).
    pub table_id: IdArg,
    /// Rows to return, 1-1000 (default 50).
    #[serde(default)]
    pub limit: Option<u32>,
    /// Rows to skip first (default 0). Use `next_offset` from the previous answer to continue.
    #[serde(default)]
    pub offset: Option<u64>,
    /// Xano-style page number from 1 (alternative to `offset`).
    #[serde(default)]
    pub page: Option<u32>,
    /// Xano-style page size (alternative to `limit`).
    #[serde(default)]
    pub per_page: Option<u32>,
    /// Field conditions, ANDed: `{"status":"active","created_at":">2024-01-01"}`. A value may start
    /// with `=`, `!=`, `>`, `<`, `>=`, `<=`, or `contains `; an array means "one of"; dates are
    /// converted for timestamp columns.
    #[serde(default)]
    pub filters: Option<Value>,
    /// A condition tree: `{"and":[{"field":"tier","operator":"in","value":["pro"]},{"or":[...]}]}`.
    #[serde(default)]
    pub query: Option<Value>,
    /// Order: `[{"field":"created_at","direction":"desc"}]` (also `{"created_at":"desc"}`).
    #[serde(default)]
    pub sort: Option<Value>,
    /// Data source label (default `live`).
    #[serde(default)]
    pub data_source: Option<String>,
}

/// Search rows of a table.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct SearchTableContentArgs {
    /// Workspace id: `12345`, `"12345"` or `"ws_12345"`.
    pub workspace_id: IdArg,
    /// Table id (`67890`, `"tbl_67890"`) or name (`"customers"`).
    pub table_id: IdArg,
    /// A condition tree: `{"and":[{"field":"subscription_tier","operator":"in","value":["pro","enterprise"]},
    /// {"field":"last_login","operator":">","value":"2024-01-01"},{"or":[{"field":"region","operator":"=","value":"US"},
    /// {"field":"priority","operator":"=","value":"high"}]}]}`. Operators: =, !=, >, <, >=, <=, in,
    /// not in, contains, not contains, starts_with, ends_with, is_null, is_not_null; `not` negates.
    /// For duplicates: `{"group_by":"email","having":"count(*) > 1"}`.
    #[serde(default)]
    pub query: Option<Value>,
    /// Field conditions, ANDed, as in getTableContent: `{"status":"active"}`.
    #[serde(default)]
    pub filters: Option<Value>,
    /// Xano's own pipe syntax, passed as written: `[{"price|<":30},{"price|>|or":70}]`.
    #[serde(default)]
    pub search: Option<Value>,
    /// Order: `[{"field":"created_at","direction":"desc"}]`.
    #[serde(default)]
    pub sort: Option<Value>,
    /// Rows (or groups) to return, 1-1000 (default 50).
    #[serde(default)]
    pub limit: Option<u32>,
    /// Rows (or groups) to skip (default 0).
    #[serde(default)]
    pub offset: Option<u64>,
    /// Xano-style page number from 1 (alternative to `offset`).
    #[serde(default)]
    pub page: Option<u32>,
    /// Xano-style page size (alternative to `limit`).
    #[serde(default)]
    pub per_page: Option<u32>,
    /// Data source label (default `live`).
    #[serde(default)]
    pub data_source: Option<String>,
}

/// One row.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct RowArgs {
    /// Workspace id: `12345`, `"12345"` or `"ws_12345"`.
    pub workspace_id: IdArg,
    /// Table id (`67890`, `"tbl_67890"`) or name.
    pub table_id: IdArg,
    /// The row id (a number, or text for UUID tables). `id` is accepted too.
    #[serde(alias = "id", alias = "row_id")]
    pub content_id: RowIdArg,
    /// Data source label (default `live`).
    #[serde(default)]
    pub data_source: Option<String>,
}

/// Delete one row.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct DeleteRowArgs {
    /// Workspace id: `12345`, `"12345"` or `"ws_12345"`.
    pub workspace_id: IdArg,
    /// Table id (`67890`, `"tbl_67890"`) or name.
    pub table_id: IdArg,
    /// The row id. `id` is accepted too.
    #[serde(alias = "id", alias = "row_id")]
    pub content_id: RowIdArg,
    /// Data source label (default `live`).
    #[serde(default)]
    pub data_source: Option<String>,
    /// `true` = do nothing, return the exact request and the row that would go.
    #[serde(default)]
    pub dry_run: bool,
}

/// Add one row. Column values go in `record` or directly as extra arguments
/// (`{"workspace_id":1,"table_id":"customers","name":"Ada","email":"ada@example.com"}`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct AddRowArgs {
    /// Workspace id: `12345`, `"12345"` or `"ws_12345"`.
    pub workspace_id: IdArg,
    /// Table id (`67890`, `"tbl_67890"`) or name.
    pub table_id: IdArg,
    /// The new row's values by column (`data` is accepted too). Dates for timestamp columns may be
    /// written like `2024-01-15T10:30:00Z`.
    #[serde(default, alias = "data")]
    pub record: Option<Map<String, Value>>,
    /// Data source label (default `live`).
    #[serde(default)]
    pub data_source: Option<String>,
    /// `true` = do nothing, return the exact request.
    #[serde(default)]
    pub dry_run: bool,
    /// Column values given as top-level arguments.
    #[serde(flatten)]
    pub fields: Map<String, Value>,
}

/// Change one row.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct UpdateRowArgs {
    /// Workspace id: `12345`, `"12345"` or `"ws_12345"`.
    pub workspace_id: IdArg,
    /// Table id (`67890`, `"tbl_67890"`) or name.
    pub table_id: IdArg,
    /// The row id. `id` is accepted too.
    #[serde(alias = "id", alias = "row_id")]
    pub content_id: RowIdArg,
    /// Only the columns to change (`record` and `data` are accepted too).
    #[serde(default, alias = "record", alias = "data")]
    pub updates: Option<Map<String, Value>>,
    /// Data source label (default `live`).
    #[serde(default)]
    pub data_source: Option<String>,
    /// `true` = do nothing, return the exact request and the row before the change.
    #[serde(default)]
    pub dry_run: bool,
    /// Column values given as top-level arguments.
    #[serde(flatten)]
    pub fields: Map<String, Value>,
}

/// Insert many rows.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct AddBulkArgs {
    /// Workspace id: `12345`, `"12345"` or `"ws_12345"`.
    pub workspace_id: IdArg,
    /// Table id (`67890`, `"tbl_67890"`) or name.
    pub table_id: IdArg,
    /// The rows, e.g. `[{"name":"Ada"},{"name":"Grace"}]` (`items` is accepted too).
    #[serde(alias = "items")]
    pub records: Vec<Map<String, Value>>,
    /// Rows per Xano call (default 500, at most 5000).
    #[serde(default)]
    pub chunk_size: Option<usize>,
    /// Keep the `id` values given in the rows instead of letting Xano assign them.
    #[serde(default)]
    pub allow_id_field: bool,
    /// Data source label (default `live`).
    #[serde(default)]
    pub data_source: Option<String>,
    /// `true` = do nothing, return the exact requests.
    #[serde(default)]
    pub dry_run: bool,
}

/// Change many rows by id.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct PatchBulkArgs {
    /// Workspace id: `12345`, `"12345"` or `"ws_12345"`.
    pub workspace_id: IdArg,
    /// Table id (`67890`, `"tbl_67890"`) or name.
    pub table_id: IdArg,
    /// One entry per row: `[{"id": 12, "status": "inactive"}]` or
    /// `[{"row_id": 12, "updates": {"status": "inactive"}}]`.
    #[serde(alias = "items")]
    pub updates: Vec<Map<String, Value>>,
    /// Data source label (default `live`).
    #[serde(default)]
    pub data_source: Option<String>,
    /// `true` = do nothing, return the exact request and the rows it would touch.
    #[serde(default)]
    pub dry_run: bool,
}

/// Delete many rows by id.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct DeleteBulkArgs {
    /// Workspace id: `12345`, `"12345"` or `"ws_12345"`.
    pub workspace_id: IdArg,
    /// Table id (`67890`, `"tbl_67890"`) or name.
    pub table_id: IdArg,
    /// Row ids, e.g. `[12, 13, 14]` (`row_ids` and `content_ids` are accepted too).
    #[serde(alias = "row_ids", alias = "content_ids")]
    pub ids: Vec<RowIdArg>,
    /// Data source label (default `live`).
    #[serde(default)]
    pub data_source: Option<String>,
    /// `true` = do nothing, return the exact request and the rows it would delete.
    #[serde(default)]
    pub dry_run: bool,
}

/// Change every row matching a condition.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct PatchBySearchArgs {
    /// Workspace id: `12345`, `"12345"` or `"ws_12345"`.
    pub workspace_id: IdArg,
    /// Table id (`67890`, `"tbl_67890"`) or name.
    pub table_id: IdArg,
    /// Which rows: field conditions as in getTableContent, e.g. `{"status":"trial","created_at":"<2024-01-01"}`.
    #[serde(default)]
    pub filters: Option<Value>,
    /// Which rows: a condition tree as in searchTableContent.
    #[serde(default)]
    pub query: Option<Value>,
    /// Which rows: Xano pipe syntax, e.g. `[{"status":"trial"}]`.
    #[serde(default)]
    pub search: Option<Value>,
    /// The new values, e.g. `{"status":"expired"}`.
    pub updates: Map<String, Value>,
    /// Data source label (default `live`).
    #[serde(default)]
    pub data_source: Option<String>,
    /// `true` = do nothing, return the exact request, how many rows match and up to 5 of them.
    #[serde(default)]
    pub dry_run: bool,
}

/// Delete every row matching a condition.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct DeleteBySearchArgs {
    /// Workspace id: `12345`, `"12345"` or `"ws_12345"`.
    pub workspace_id: IdArg,
    /// Table id (`67890`, `"tbl_67890"`) or name.
    pub table_id: IdArg,
    /// Which rows: field conditions, e.g. `{"status":"spam"}`.
    #[serde(default)]
    pub filters: Option<Value>,
    /// Which rows: a condition tree as in searchTableContent.
    #[serde(default)]
    pub query: Option<Value>,
    /// Which rows: Xano pipe syntax, e.g. `[{"status":"spam"}]`.
    #[serde(default)]
    pub search: Option<Value>,
    /// Data source label (default `live`).
    #[serde(default)]
    pub data_source: Option<String>,
    /// `true` = do nothing, return the exact request, how many rows match and up to 5 of them.
    #[serde(default)]
    pub dry_run: bool,
}

// ---- selection ----------------------------------------------------------------------------------

/// Rows chosen by a predicate, in an order.
struct Selection {
    ws: i64,
    table: i64,
    client: XanoClient,
    pushed: Vec<PipeCondition>,
    residual: Predicate,
    sort: Vec<(String, SortDirection)>,
}

impl Selection {
    fn search_body(&self, page: u32, per_page: u32) -> ContentSearch {
        ContentSearch {
            page,
            per_page,
            search: self.pushed.clone(),
            sort: self.sort.clone(),
        }
    }

    /// One Xano page of the pushed-down part.
    async fn page(&self, cx: &CallCx, page: u32, per_page: u32) -> ToolResult<ContentPage<Row>> {
        if self.pushed.is_empty() && self.sort.is_empty() {
            cx.read(
                &self.client,
                &requests::browse_content(self.ws, self.table, page, per_page),
            )
            .await
        } else {
            cx.read(
                &self.client,
                &requests::search_content(self.ws, self.table, &self.search_body(page, per_page)),
            )
            .await
        }
    }

    fn exact_in_xano(&self) -> bool {
        self.residual.is_everything()
    }
}

/// Parses the selection arguments shared by the content tools.
/// The row-selecting arguments of a call, as given.
struct Conditions<'a> {
    filters: Option<&'a Value>,
    query: Option<&'a Value>,
    /// Xano's pipe syntax.
    search: Option<&'a Value>,
    sort: Option<&'a Value>,
}

async fn selection(
    engine: &Engine,
    cx: &CallCx,
    ws: i64,
    table: i64,
    data_source: Option<&str>,
    conditions: Conditions<'_>,
) -> ToolResult<(Selection, Columns)> {
    let Conditions {
        filters,
        query: query_tree,
        search: pipe,
        sort,
    } = conditions;
    let columns = engine.columns(cx, ws, table).await?;
    let mut pred = Predicate::everything();
    if let Some(f) = filters {
        pred = pred.and(query::parse_filters(f, &columns, "filters")?);
    }
    if let Some(q) = query_tree {
        pred = pred.and(query::parse_query(q, &columns, "query")?);
    }
    if let Some(p) = pipe {
        pred = pred.and(parse_pipe(p, &columns)?);
    }
    let sort = match sort {
        Some(s) => query::parse_sort(s, &columns, "sort")?,
        None => Vec::new(),
    };
    let (pushed, residual) = query::push_down(&pred);
    Ok((
        Selection {
            ws,
            table,
            client: engine.client(data_source),
            pushed,
            residual,
            sort,
        },
        columns,
    ))
}

/// Xano's own pipe syntax, read into a predicate (AND of OR-runs, as `xano::search` documents).
fn parse_pipe(search: &Value, columns: &Columns) -> ToolResult<Predicate> {
    let items: Vec<&Value> = match search {
        Value::Array(a) => a.iter().collect(),
        Value::Object(_) => vec![search],
        Value::Null => vec![],
        _ => {
            return Err(ToolError::invalid(
                "search",
                "must be an array like [{\"price|<\":30},{\"price|>|or\":70}]",
            ));
        }
    };
    let mut runs: Vec<Vec<Predicate>> = Vec::new();
    for item in items {
        let obj = item.as_object().ok_or_else(|| {
            ToolError::invalid(
                "search",
                "each condition must be an object like {\"status\":\"active\"}",
            )
        })?;
        for (key, value) in obj {
            let mut parts = key.split('|');
            let field = parts.next().unwrap_or_default();
            let op_text = parts.next().unwrap_or("=");
            let is_or = parts.next().is_some_and(|p| p.eq_ignore_ascii_case("or"));
            let op = PipeOp::parse(op_text).and_then(|o| query::Op::parse(o.as_str())).ok_or_else(|| ToolError::invalid("search", format!("unknown operator `{op_text}` in `{key}`; Xano supports =, !=, >, <, >=, <=, in, not in")))?;
            let kind = columns.kind(field, "search")?;
            let cmp = query::cmp(field, kind, op, value, "search")?;
            match runs.last_mut() {
                Some(run) if is_or => run.push(cmp),
                _ => runs.push(vec![cmp]),
            }
        }
    }
    Ok(Predicate::All(
        runs.into_iter()
            .map(|run| {
                if run.len() == 1 {
                    run.into_iter().next().unwrap_or_else(Predicate::everything)
                } else {
                    Predicate::Any(run)
                }
            })
            .collect(),
    ))
}

/// A slice of the selected rows, and their total when known.
struct RowWindow {
    rows: Vec<Row>,
    total: Option<u64>,
    scanned: Option<u64>,
}

/// All rows of the selection (pushed search + exact local residual), bounded by `max_scan_rows`.
async fn scan_all(engine: &Engine, cx: &CallCx, sel: &Selection) -> ToolResult<(Vec<Row>, u64)> {
    let per_page = engine.options.scan_page_size.max(1);
    let mut page = 1u32;
    let mut matched = Vec::new();
    let mut scanned = 0u64;
    loop {
        let batch = sel.page(cx, page, per_page).await?;
        let total = batch.items_total;
        let next = batch.next_page;
        let n = batch.items.len();
        scanned += n as u64;
        matched.extend(batch.items.into_iter().filter(|r| sel.residual.matches(r)));
        cx.progress(
            scanned as f64,
            total.map(|t| t as f64),
            format!("scanned {scanned} rows, {} match", matched.len()),
        );
        if scanned as usize > engine.options.max_scan_rows {
            return Err(ToolError::new(
                "too_many_rows",
                format!(
                    "more than {} rows would have to be filtered locally. Add a condition Xano can apply itself (=, !=, >, <, >=, <=, in, not in on a column) to narrow the scan.",
                    engine.options.max_scan_rows
                ),
            ));
        }
        match next {
            Some(p) if p > page && n > 0 => page = p,
            _ => break,
        }
    }
    Ok((matched, scanned))
}

async fn read_window(
    engine: &Engine,
    cx: &CallCx,
    sel: &Selection,
    offset: u64,
    limit: u32,
) -> ToolResult<RowWindow> {
    if !sel.exact_in_xano() {
        let (all, scanned) = scan_all(engine, cx, sel).await?;
        let total = all.len() as u64;
        let rows = all
            .into_iter()
            .skip(offset as usize)
            .take(limit as usize)
            .collect();
        return Ok(RowWindow {
            rows,
            total: Some(total),
            scanned: Some(scanned),
        });
    }
    let first_page = u32::try_from(offset / u64::from(limit) + 1)
        .map_err(|_| ToolError::invalid("offset", "is too large"))?;
    let skip = (offset % u64::from(limit)) as usize;
    let first = sel.page(cx, first_page, limit).await?;
    let total = first.items_total;
    let more = first.next_page.is_some();
    let mut rows: Vec<Row> = first.items.into_iter().skip(skip).collect();
    if skip > 0 && more {
        let second = sel.page(cx, first_page + 1, limit).await?;
        rows.extend(second.items);
    }
    rows.truncate(limit as usize);
    Ok(RowWindow {
        rows,
        total,
        scanned: None,
    })
}

fn rows_result(
    ws: i64,
    table: i64,
    sel: &Selection,
    window: RowWindow,
    offset: u64,
    limit: u32,
) -> Value {
    let returned = window.rows.len() as u64;
    let next_offset = match window.total {
        Some(total) if offset + returned < total => Some(offset + returned),
        Some(_) => None,
        None if returned == u64::from(limit) => Some(offset + returned),
        None => None,
    };
    let mut out = json!({
        "workspace_id": ws,
        "table_id": table,
        "items": window.rows,
        "returned": returned,
        "offset": offset,
        "limit": limit,
        "total": window.total,
        "next_offset": next_offset,
        "xano_search": xano::search::to_json(&sel.pushed),
        "filtered_locally": !sel.exact_in_xano(),
        "data_notice": UNTRUSTED_NOTICE,
    });
    if let Some(scanned) = window.scanned {
        out["rows_scanned"] = Value::from(scanned);
    }
    out
}

pub async fn get_table_content(
    engine: &Engine,
    cx: &CallCx,
    args: GetTableContentArgs,
) -> ToolResult {
    let ws = args.workspace_id.numeric("workspace_id")?;
    let table = engine.table_id(cx, ws, &args.table_id).await?;
    let (offset, limit) = window(args.limit, args.offset, args.page, args.per_page)?;
    let (sel, _) = selection(
        engine,
        cx,
        ws,
        table,
        args.data_source.as_deref(),
        Conditions {
            filters: args.filters.as_ref(),
            query: args.query.as_ref(),
            search: None,
            sort: args.sort.as_ref(),
        },
    )
    .await?;
    let window = read_window(engine, cx, &sel, offset, limit).await?;
    Ok(rows_result(ws, table, &sel, window, offset, limit))
}

pub async fn search_table_content(
    engine: &Engine,
    cx: &CallCx,
    args: SearchTableContentArgs,
) -> ToolResult {
    let ws = args.workspace_id.numeric("workspace_id")?;
    let table = engine.table_id(cx, ws, &args.table_id).await?;
    let (offset, limit) = window(args.limit, args.offset, args.page, args.per_page)?;
    let (sel, columns) = selection(
        engine,
        cx,
        ws,
        table,
        args.data_source.as_deref(),
        Conditions {
            filters: args.filters.as_ref(),
            query: args.query.as_ref(),
            search: args.search.as_ref(),
            sort: args.sort.as_ref(),
        },
    )
    .await?;
    let group_by = match &args.query {
        Some(q) => GroupBy::parse(q, &columns, "query")?,
        None => None,
    };
    let Some(group_by) = group_by else {
        let window = read_window(engine, cx, &sel, offset, limit).await?;
        return Ok(rows_result(ws, table, &sel, window, offset, limit));
    };
    let (rows, scanned) = scan_all(engine, cx, &sel).await?;
    let groups = group_by.apply(&rows);
    let group_count = groups.len() as u64;
    let shown: Vec<Value> = groups
        .into_iter()
        .skip(offset as usize)
        .take(limit as usize)
        .map(|(key, ids)| {
            let key_obj: Map<String, Value> = group_by.fields.iter().cloned().zip(key).collect();
            json!({ "key": key_obj, "count": ids.len(), "ids": ids })
        })
        .collect();
    let returned = shown.len() as u64;
    Ok(json!({
        "workspace_id": ws,
        "table_id": table,
        "group_by": group_by.fields,
        "having": args.query.as_ref().and_then(|q| q.get("having")).cloned(),
        "groups": shown,
        "returned": returned,
        "group_count": group_count,
        "rows_scanned": scanned,
        "rows_matched": rows.len(),
        "offset": offset,
        "limit": limit,
        "next_offset": (offset + returned < group_count).then_some(offset + returned),
        "xano_search": xano::search::to_json(&sel.pushed),
        "data_notice": UNTRUSTED_NOTICE,
    }))
}

pub async fn get_table_content_item(engine: &Engine, cx: &CallCx, args: RowArgs) -> ToolResult {
    let ws = args.workspace_id.numeric("workspace_id")?;
    let table = engine.table_id(cx, ws, &args.table_id).await?;
    let id = args.content_id.to_row_id();
    let row: Row = cx
        .read(
            &engine.client(args.data_source.as_deref()),
            &requests::get_row(ws, table, &id),
        )
        .await?;
    Ok(
        json!({ "workspace_id": ws, "table_id": table, "items": [row], "data_notice": UNTRUSTED_NOTICE }),
    )
}

// ---- writes -------------------------------------------------------------------------------------

/// Converts a record's values to the columns' representations; unknown columns are refused.
fn prepare_record(
    columns: &Columns,
    record: &Map<String, Value>,
    argument: &str,
    allow_id: bool,
) -> ToolResult<Row> {
    let mut out = Row::new();
    for (field, value) in record {
        if field == "id" && !allow_id {
            return Err(ToolError::invalid(
                argument,
                "`id` is assigned by Xano; leave it out (or set allow_id_field on addTableContentBulk)",
            ));
        }
        let kind = columns.kind(field, argument)?;
        let converted = match value {
            Value::Object(_) | Value::Array(_) => value.clone(),
            _ => query::coerce(field, kind, value, argument)?,
        };
        out.insert(field.clone(), converted);
    }
    Ok(out)
}

const CONTROL_KEYS: [&str; 7] = [
    "workspace_id",
    "table_id",
    "data_source",
    "dry_run",
    "record",
    "data",
    "updates",
];

fn merge_fields(
    explicit: Option<Map<String, Value>>,
    extra: Map<String, Value>,
    argument: &str,
) -> ToolResult<Map<String, Value>> {
    let mut values = explicit.unwrap_or_default();
    for (k, v) in extra {
        if CONTROL_KEYS.contains(&k.as_str()) {
            continue;
        }
        if values.insert(k.clone(), v).is_some() {
            return Err(ToolError::invalid(
                argument,
                format!("`{k}` is given twice (inside `{argument}` and as a top-level argument)"),
            ));
        }
    }
    if values.is_empty() {
        return Err(ToolError::invalid(
            argument,
            "no column values given; pass them in `record` or as top-level arguments",
        ));
    }
    Ok(values)
}

pub async fn add_table_content(engine: &Engine, cx: &CallCx, args: AddRowArgs) -> ToolResult {
    let ws = args.workspace_id.numeric("workspace_id")?;
    let table = engine.table_id(cx, ws, &args.table_id).await?;
    let columns = engine.columns(cx, ws, table).await?;
    let values = merge_fields(args.record, args.fields, "record")?;
    let row = prepare_record(&columns, &values, "record", false)?;
    let client = engine.client(args.data_source.as_deref());
    let created: Option<Row> = cx
        .write(
            &client,
            &requests::create_row(ws, table, &row),
            "the new row",
        )
        .await?;
    if cx.is_preview() {
        return Ok(cx.preview_result("addTableContent", Some((1, vec![Value::Object(row)])), None));
    }
    cx.set_rows_affected(1);
    Ok(
        json!({ "workspace_id": ws, "table_id": table, "created": created, "data_notice": UNTRUSTED_NOTICE }),
    )
}

pub async fn update_table_content_item(
    engine: &Engine,
    cx: &CallCx,
    args: UpdateRowArgs,
) -> ToolResult {
    let ws = args.workspace_id.numeric("workspace_id")?;
    let table = engine.table_id(cx, ws, &args.table_id).await?;
    let columns = engine.columns(cx, ws, table).await?;
    let values = merge_fields(args.updates, args.fields, "updates")?;
    let changes = prepare_record(&columns, &values, "updates", false)?;
    let id = args.content_id.to_row_id();
    let client = engine.client(args.data_source.as_deref());
    if cx.is_preview() {
        let before: Row = cx.read(&client, &requests::get_row(ws, table, &id)).await?;
        cx.write::<Value>(
            &client,
            &requests::update_row(ws, table, &id, &changes),
            "the change",
        )
        .await?;
        return Ok(cx.preview_result(
            "updateTableContentItem",
            Some((1, vec![Value::Object(before)])),
            None,
        ));
    }
    let updated: Option<Row> = cx
        .write(
            &client,
            &requests::update_row(ws, table, &id, &changes),
            "the change",
        )
        .await?;
    cx.set_rows_affected(1);
    Ok(
        json!({ "workspace_id": ws, "table_id": table, "updated": updated, "data_notice": UNTRUSTED_NOTICE }),
    )
}

pub async fn delete_table_content_item(
    engine: &Engine,
    cx: &CallCx,
    args: DeleteRowArgs,
) -> ToolResult {
    let ws = args.workspace_id.numeric("workspace_id")?;
    let table = engine.table_id(cx, ws, &args.table_id).await?;
    let id = args.content_id.to_row_id();
    let client = engine.client(args.data_source.as_deref());
    if cx.is_preview() {
        let before: Row = cx.read(&client, &requests::get_row(ws, table, &id)).await?;
        cx.write::<Value>(
            &client,
            &requests::delete_row(ws, table, &id),
            "the deletion",
        )
        .await?;
        return Ok(cx.preview_result(
            "deleteTableContentItem",
            Some((1, vec![Value::Object(before)])),
            None,
        ));
    }
    cx.write::<Value>(
        &client,
        &requests::delete_row(ws, table, &id),
        "the deletion",
    )
    .await?;
    cx.set_rows_affected(1);
    Ok(json!({ "workspace_id": ws, "table_id": table, "deleted": id }))
}

pub async fn add_table_content_bulk(engine: &Engine, cx: &CallCx, args: AddBulkArgs) -> ToolResult {
    let ws = args.workspace_id.numeric("workspace_id")?;
    let table = engine.table_id(cx, ws, &args.table_id).await?;
    if args.records.is_empty() {
        return Err(ToolError::invalid("records", "give at least one row"));
    }
    let chunk = args
        .chunk_size
        .unwrap_or(engine.options.bulk_chunk_size)
        .clamp(1, 5000);
    let columns = engine.columns(cx, ws, table).await?;
    let rows: Vec<Row> = args
        .records
        .iter()
        .enumerate()
        .map(|(i, r)| prepare_record(&columns, r, &format!("records[{i}]"), args.allow_id_field))
        .collect::<ToolResult<_>>()?;
    let client = engine.client(args.data_source.as_deref());
    let total = rows.len();
    let mut ids: Vec<RowId> = Vec::with_capacity(total);
    for (n, part) in rows.chunks(chunk).enumerate() {
        let first = n * chunk;
        let what = format!(
            "{} (call {} of {})",
            records_range(first, first + part.len() - 1),
            n + 1,
            total.div_ceil(chunk)
        );
        let created: Option<Vec<RowId>> = cx
            .write(
                &client,
                &requests::bulk_create(ws, table, part, args.allow_id_field),
                &format!("the insert of {what}"),
            )
            .await
            .map_err(|e| {
                if first == 0 {
                    // Nothing was inserted before this call: the error already says so.
                    return e;
                }
                let done = [format!(
                    "the insert of {} ({} rows, ids {}..{})",
                    records_range(0, first - 1),
                    ids.len(),
                    ids.first().map(ToString::to_string).unwrap_or_default(),
                    ids.last().map(ToString::to_string).unwrap_or_default()
                )];
                let rest_start = first + part.len();
                let after: Vec<String> = (rest_start < total)
                    .then(|| format!("the insert of {}", records_range(rest_start, total - 1)))
                    .into_iter()
                    .collect();
                let next = if e.write_outcome == Some(WriteOutcome::Unknown) {
                    format!(
                        "Read the table back to see which of {} were inserted, then call addTableContentBulk again with only the records not inserted yet (from records[{first}] on); do NOT send the first {first} again.",
                        records_range(first, rest_start - 1)
                    )
                } else {
                    format!(
                        "To finish, call addTableContentBulk again with only records[{first}] onward ({} rows); do NOT send the first {first} again.",
                        total - first
                    )
                };
                e.partway(&done, &format!("the insert of {what}"), &after, &next)
            })?;
        ids.extend(created.unwrap_or_default());
        cx.progress(
            ((n + 1) * chunk).min(total) as f64,
            Some(total as f64),
            format!("inserted {} of {total} rows", ((n + 1) * chunk).min(total)),
        );
    }
    if cx.is_preview() {
        let sample = rows.into_iter().take(5).map(Value::Object).collect();
        return Ok(cx.preview_result(
            "addTableContentBulk",
            Some((total as u64, sample)),
            Some(format!(
                "{total} rows in {} call(s) of up to {chunk} rows.",
                total.div_ceil(chunk)
            )),
        ));
    }
    cx.set_rows_affected(ids.len() as u64);
    Ok(
        json!({ "workspace_id": ws, "table_id": table, "inserted": ids.len(), "ids": ids, "calls": total.div_ceil(chunk) }),
    )
}

/// `records[3] to records[5]`, or `records[3]` alone.
fn records_range(first: usize, last: usize) -> String {
    if first == last {
        format!("records[{first}]")
    } else {
        format!("records[{first}] to records[{last}]")
    }
}

/// Up to 5 rows and the count of `ids` that exist.
async fn rows_by_ids(
    cx: &CallCx,
    client: &XanoClient,
    ws: i64,
    table: i64,
    ids: &[RowId],
) -> ToolResult<(u64, Vec<Value>)> {
    let mut count = 0u64;
    let mut sample = Vec::new();
    for part in ids.chunks(1000) {
        let search = ContentSearch {
            page: 1,
            per_page: part.len() as u32,
            search: vec![PipeCondition::new(
                "id",
                PipeOp::In,
                serde_json::to_value(part).unwrap_or_default(),
            )],
            sort: vec![],
        };
        let page: ContentPage<Row> = cx
            .read(client, &requests::search_content(ws, table, &search))
            .await?;
        count += page.items_total.unwrap_or(page.items.len() as u64);
        sample.extend(
            page.items
                .into_iter()
                .take(5usize.saturating_sub(sample.len()))
                .map(Value::Object),
        );
    }
    Ok((count, sample))
}

pub async fn patch_table_content_bulk(
    engine: &Engine,
    cx: &CallCx,
    args: PatchBulkArgs,
) -> ToolResult {
    let ws = args.workspace_id.numeric("workspace_id")?;
    let table = engine.table_id(cx, ws, &args.table_id).await?;
    if args.updates.is_empty() {
        return Err(ToolError::invalid(
            "updates",
            "give at least one row change",
        ));
    }
    let columns = engine.columns(cx, ws, table).await?;
    let mut items = Vec::with_capacity(args.updates.len());
    for (i, entry) in args.updates.iter().enumerate() {
        let arg = format!("updates[{i}]");
        let id_value = entry
            .get("row_id")
            .or_else(|| entry.get("id"))
            .or_else(|| entry.get("content_id"))
            .ok_or_else(|| {
                ToolError::invalid(&arg, "each entry needs the row's `id` (or `row_id`)")
            })?;
        let id: RowIdArg = serde_json::from_value(id_value.clone())
            .map_err(|_| ToolError::invalid(&arg, "the row id must be a number or text"))?;
        let changes: Map<String, Value> = match entry.get("updates") {
            Some(Value::Object(u)) => u.clone(),
            Some(_) => {
                return Err(ToolError::invalid(
                    &arg,
                    "`updates` must be an object of column values",
                ));
            }
            None => entry
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "row_id" | "id" | "content_id"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        };
        if changes.is_empty() {
            return Err(ToolError::invalid(&arg, "no column values to change"));
        }
        items.push(BulkPatchItem {
            row_id: id.to_row_id(),
            updates: prepare_record(&columns, &changes, &arg, false)?,
        });
    }
    let client = engine.client(args.data_source.as_deref());
    let req = requests::bulk_patch(ws, table, &items);
    if cx.is_preview() {
        let ids: Vec<RowId> = items.iter().map(|i| i.row_id.clone()).collect();
        let affected = rows_by_ids(cx, &client, ws, table, &ids).await?;
        cx.write::<Value>(&client, &req, "the changes").await?;
        return Ok(cx.preview_result("patchTableContentBulk", Some(affected), None));
    }
    let outcome: Option<BulkOutcome> = cx.write(&client, &req, "the changes").await?;
    let outcome = outcome.unwrap_or_default();
    cx.set_rows_affected(outcome.success_total);
    Ok(
        json!({ "workspace_id": ws, "table_id": table, "updated": outcome.success_total, "ids": outcome.success }),
    )
}

pub async fn delete_table_content_bulk(
    engine: &Engine,
    cx: &CallCx,
    args: DeleteBulkArgs,
) -> ToolResult {
    let ws = args.workspace_id.numeric("workspace_id")?;
    let table = engine.table_id(cx, ws, &args.table_id).await?;
    if args.ids.is_empty() {
        return Err(ToolError::invalid("ids", "give at least one row id"));
    }
    let ids: Vec<RowId> = args.ids.iter().map(RowIdArg::to_row_id).collect();
    let client = engine.client(args.data_source.as_deref());
    let req = requests::bulk_delete(ws, table, &ids);
    if cx.is_preview() {
        let affected = rows_by_ids(cx, &client, ws, table, &ids).await?;
        cx.write::<Value>(&client, &req, "the deletion").await?;
        return Ok(cx.preview_result("deleteTableContentBulk", Some(affected), None));
    }
    let outcome: Option<BulkOutcome> = cx.write(&client, &req, "the deletion").await?;
    let outcome = outcome.unwrap_or_default();
    cx.set_rows_affected(outcome.success_total);
    Ok(
        json!({ "workspace_id": ws, "table_id": table, "deleted": outcome.success_total, "ids": outcome.success, "not_found": outcome.error }),
    )
}

/// The rows a by-search write selects: the exact count and a sample, and their ids when the
/// selection needs local filtering.
async fn by_search_selection(
    engine: &Engine,
    cx: &CallCx,
    sel: &Selection,
) -> ToolResult<(u64, Vec<Value>, Option<Vec<RowId>>)> {
    if sel.exact_in_xano() {
        let page = sel.page(cx, 1, 5).await?;
        let count = page.items_total.unwrap_or(page.items.len() as u64);
        return Ok((
            count,
            page.items.into_iter().map(Value::Object).collect(),
            None,
        ));
    }
    let (rows, _) = scan_all(engine, cx, sel).await?;
    let ids: Vec<RowId> = rows
        .iter()
        .filter_map(|r| serde_json::from_value(r.get("id").cloned().unwrap_or_default()).ok())
        .collect();
    let sample = rows.into_iter().take(5).map(Value::Object).collect();
    Ok((ids.len() as u64, sample, Some(ids)))
}

/// The rows a by-search write acts on (and the table's columns): refused without a condition,
/// which would touch every row.
async fn condition_selection(
    engine: &Engine,
    cx: &CallCx,
    ws: i64,
    table: i64,
    data_source: Option<&str>,
    conditions: Conditions<'_>,
) -> ToolResult<(Selection, Columns)> {
    let (sel, columns) = selection(engine, cx, ws, table, data_source, conditions).await?;
    if sel.pushed.is_empty() && sel.residual.is_everything() {
        return Err(ToolError::invalid(
            "filters",
            "no condition given: this would touch every row. Give filters, query or search that select the rows.",
        ));
    }
    Ok((sel, columns))
}

/// Runs a by-search write: one Xano by-search call when the selection is exact in Xano, else
/// by-id calls in chunks over the locally selected rows (a chunk's error says which rows the
/// earlier chunks already changed and which were not changed). `next` says how to finish after a
/// partial failure. Returns (rows matched, sample, rows changed, selected locally).
async fn write_by_search(
    engine: &Engine,
    cx: &CallCx,
    sel: &Selection,
    whole: XanoRequest,
    by_ids: impl Fn(&[RowId]) -> XanoRequest,
    what: &str,
    next: &str,
) -> ToolResult<(u64, Vec<Value>, u64, bool)> {
    let (count, sample, ids) = by_search_selection(engine, cx, sel).await?;
    let mut total = 0u64;
    match &ids {
        None => {
            let out: Option<BulkOutcome> = cx.write(&sel.client, &whole, what).await?;
            total = out.map_or(0, |o| o.success_total);
        }
        Some(ids) => {
            let size = engine.options.bulk_chunk_size.max(1);
            let calls = ids.len().div_ceil(size);
            for (n, part) in ids.chunks(size).enumerate() {
                let first = n * size;
                let rows = |from: usize, to: usize| {
                    if to == from + 1 {
                        format!("{what} of selected row {to}")
                    } else {
                        format!("{what} of the selected rows {} to {to}", from + 1)
                    }
                };
                let failed = format!(
                    "{} (call {} of {calls})",
                    rows(first, first + part.len()),
                    n + 1
                );
                let out: Option<BulkOutcome> = cx
                    .write(&sel.client, &by_ids(part), &failed)
                    .await
                    .map_err(|e| {
                        if first == 0 {
                            return e;
                        }
                        let done = [format!("{} (rows affected: {total})", rows(0, first))];
                        let rest = first + part.len();
                        let after: Vec<String> = (rest < ids.len())
                            .then(|| rows(rest, ids.len()))
                            .into_iter()
                            .collect();
                        e.partway(&done, &failed, &after, next)
                    })?;
                total += out.map_or(0, |o| o.success_total);
            }
        }
    }
    Ok((count, sample, total, ids.is_some()))
}

/// How to finish a chunked patch-by-search that failed part-way.
const PATCH_BY_SEARCH_NEXT: &str = "To finish, call patchTableContentBySearch again with the same condition: it selects the rows that match now (a row already changed is selected again only if it still matches, and then just gets the same values again).";
/// How to finish a chunked delete-by-search that failed part-way.
const DELETE_BY_SEARCH_NEXT: &str = "To finish, call deleteTableContentBySearch again with the same condition: the rows already deleted are no longer selected.";

const SELECTED_LOCALLY: &str = "The condition cannot be expressed exactly in Xano's search, so the rows were selected locally and would be changed by id.";

pub async fn patch_table_content_by_search(
    engine: &Engine,
    cx: &CallCx,
    args: PatchBySearchArgs,
) -> ToolResult {
    let ws = args.workspace_id.numeric("workspace_id")?;
    let table = engine.table_id(cx, ws, &args.table_id).await?;
    let conditions = Conditions {
        filters: args.filters.as_ref(),
        query: args.query.as_ref(),
        search: args.search.as_ref(),
        sort: None,
    };
    let (sel, columns) = condition_selection(
        engine,
        cx,
        ws,
        table,
        args.data_source.as_deref(),
        conditions,
    )
    .await?;
    if args.updates.is_empty() {
        return Err(ToolError::invalid(
            "updates",
            "give the new values, e.g. {\"status\":\"expired\"}",
        ));
    }
    let updates = prepare_record(&columns, &args.updates, "updates", false)?;
    let whole = requests::patch_by_search(ws, table, &sel.pushed, &updates);
    let by_ids = |part: &[RowId]| {
        let items: Vec<BulkPatchItem> = part
            .iter()
            .map(|id| BulkPatchItem {
                row_id: id.clone(),
                updates: updates.clone(),
            })
            .collect();
        requests::bulk_patch(ws, table, &items)
    };
    let (count, sample, total, local) = write_by_search(
        engine,
        cx,
        &sel,
        whole,
        by_ids,
        "the changes",
        PATCH_BY_SEARCH_NEXT,
    )
    .await?;
    if cx.is_preview() {
        return Ok(cx.preview_result(
            "patchTableContentBySearch",
            Some((count, sample)),
            local.then(|| SELECTED_LOCALLY.to_owned()),
        ));
    }
    cx.set_rows_affected(total);
    Ok(json!({ "workspace_id": ws, "table_id": table, "updated": total, "matched": count }))
}

pub async fn delete_table_content_by_search(
    engine: &Engine,
    cx: &CallCx,
    args: DeleteBySearchArgs,
) -> ToolResult {
    let ws = args.workspace_id.numeric("workspace_id")?;
    let table = engine.table_id(cx, ws, &args.table_id).await?;
    let conditions = Conditions {
        filters: args.filters.as_ref(),
        query: args.query.as_ref(),
        search: args.search.as_ref(),
        sort: None,
    };
    let (sel, _) = condition_selection(
        engine,
        cx,
        ws,
        table,
        args.data_source.as_deref(),
        conditions,
    )
    .await?;
    let whole = requests::delete_by_search(ws, table, &sel.pushed);
    let by_ids = |part: &[RowId]| requests::bulk_delete(ws, table, part);
    let (count, sample, total, local) = write_by_search(
        engine,
        cx,
        &sel,
        whole,
        by_ids,
        "the deletion",
        DELETE_BY_SEARCH_NEXT,
    )
    .await?;
    if cx.is_preview() {
        return Ok(cx.preview_result(
            "deleteTableContentBySearch",
            Some((count, sample)),
            local.then(|| SELECTED_LOCALLY.to_owned()),
        ));
    }
    cx.set_rows_affected(total);
    Ok(json!({ "workspace_id": ws, "table_id": table, "deleted": total, "matched": count }))
}
