//! Table content: browse, get, create, update, delete, search, patch/delete by search, bulk
//! create/patch/delete. Every route reads the data source from `X-Data-Source` (default `live`;
//! unknown → 404); rows of different data sources never mix.
//!
//! Every write is all-or-nothing: all new records are built and checked (types, enums, required
//! fields, unknown fields, unique indexes) before any is stored.
//!
//! Scopes: reads need Workspace Content: Read; create and bulk create Create; update, bulk patch
//! and patch-by-search Update; delete, bulk delete and delete-by-search Delete.
//!
//! [INF] choices: a `content_id` that is not an integer is a 404 (ids are ints here); bulk patch
//! skips ids that do not exist (its response has no error list), while bulk delete reports them
//! in `error`; an empty or absent `search` selects every row (the spec's default is `[]`).

use std::collections::BTreeSet;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::http::{HeaderMap, Uri};
use serde_json::{Map, Value, json};

use super::{Params, SharedState, data_source_label, json_object, path_id};
use crate::config::{Permission, Scope};
use crate::error::{ApiError, Result};
use crate::gate::Caller;
use crate::paging::{CONTENT_LIMITS, Page, bool_value};
use crate::search::{Filter, Sort};
use crate::store::Store;
use crate::table::{DUPLICATE_MESSAGE, Record, Table};

/// The target of a content request, resolved from the path and headers.
struct Target {
    ws: i64,
    table: i64,
    data_source: String,
}

fn target(store: &Store, ws: &str, table: &str, headers: &HeaderMap) -> Result<Target> {
    let ws = path_id(ws, "workspace_id")?;
    let table = path_id(table, "table_id")?;
    let workspace = store.workspace(ws)?;
    workspace.table(table)?;
    let data_source = workspace.data_source(&data_source_label(headers))?;
    Ok(Target {
        ws,
        table,
        data_source,
    })
}

fn table<'a>(store: &'a Store, t: &Target) -> Result<&'a Table> {
    store.workspace(t.ws)?.table(t.table)
}

fn table_mut<'a>(store: &'a mut Store, t: &Target) -> Result<&'a mut Table> {
    store.workspace_mut(t.ws)?.table_mut(t.table)
}

/// A record id from a path or a body: an integer or a numeric string.
fn record_id(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn not_found_record() -> ApiError {
    ApiError::not_found("Record not found.")
}

fn filter_for(table: &Table, search: Option<&Value>) -> Result<Filter> {
    Filter::parse(search, &|c| table.comparison(c))
}

/// Ids of the rows of a data source that match `filter`, ascending.
fn matching_ids(table: &Table, data_source: &str, filter: &Filter) -> Vec<i64> {
    table
        .rows(data_source)
        .map(|rows| {
            rows.by_id
                .iter()
                .filter(|(_, r)| filter.matches(r))
                .map(|(id, _)| *id)
                .collect()
        })
        .unwrap_or_default()
}

fn object_of<'a>(body: &'a Map<String, Value>, key: &str) -> Result<&'a Map<String, Value>> {
    body.get(key)
        .and_then(Value::as_object)
        .ok_or_else(|| ApiError::input(key, format!("Missing param: {key}")))
}

pub(super) async fn browse(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((ws, table_id)): Path<(String, String)>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Json<Value>> {
    caller.require(Scope::WorkspaceContent, Permission::Read)?;
    let params = Params::from_uri(&uri)?;
    let page = Page::from_values(
        params.get("page").as_ref(),
        params.get("per_page").as_ref(),
        CONTENT_LIMITS,
    )?;
    let store = shared.store();
    let t = target(&store, &ws, &table_id, &headers)?;
    let records: Vec<&Record> = table(&store, &t)?
        .rows(&t.data_source)
        .map(|rows| rows.by_id.values().collect())
        .unwrap_or_default();
    Ok(Json(page.content_envelope_by(&records, |r| {
        Value::Object((*r).clone())
    })))
}

pub(super) async fn get_one(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((ws, table_id, content_id)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Json<Value>> {
    caller.require(Scope::WorkspaceContent, Permission::Read)?;
    let store = shared.store();
    let t = target(&store, &ws, &table_id, &headers)?;
    let id = record_id(&json!(content_id)).ok_or_else(not_found_record)?;
    table(&store, &t)?
        .rows(&t.data_source)
        .and_then(|rows| rows.by_id.get(&id))
        .map(|r| Json(Value::Object(r.clone())))
        .ok_or_else(not_found_record)
}

pub(super) async fn create(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((ws, table_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>> {
    caller.require(Scope::WorkspaceContent, Permission::Create)?;
    let body = json_object(&body)?;
    let now = shared.now_ms();
    let mut store = shared.store();
    let t = target(&store, &ws, &table_id, &headers)?;
    let tbl = table(&store, &t)?;
    let next_id = tbl.rows(&t.data_source).map_or(1, |r| r.next_id);
    let record = tbl.build_record(&body, next_id, false, now)?;
    tbl.check_unique(&t.data_source, std::slice::from_ref(&record))?;
    table_mut(&mut store, &t)?.store(&t.data_source, vec![record.clone()]);
    Ok(Json(Value::Object(record)))
}

pub(super) async fn update(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((ws, table_id, content_id)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>> {
    caller.require(Scope::WorkspaceContent, Permission::Update)?;
    let body = json_object(&body)?;
    let now = shared.now_ms();
    let mut store = shared.store();
    let t = target(&store, &ws, &table_id, &headers)?;
    let id = record_id(&json!(content_id)).ok_or_else(not_found_record)?;
    let tbl = table(&store, &t)?;
    let existing = tbl
        .rows(&t.data_source)
        .and_then(|rows| rows.by_id.get(&id))
        .ok_or_else(not_found_record)?;
    let record = tbl.updated_record(existing, &body, now)?;
    tbl.check_unique(&t.data_source, std::slice::from_ref(&record))?;
    table_mut(&mut store, &t)?.store(&t.data_source, vec![record.clone()]);
    Ok(Json(Value::Object(record)))
}

pub(super) async fn delete(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((ws, table_id, content_id)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Json<Value>> {
    caller.require(Scope::WorkspaceContent, Permission::Delete)?;
    let mut store = shared.store();
    let t = target(&store, &ws, &table_id, &headers)?;
    let id = record_id(&json!(content_id)).ok_or_else(not_found_record)?;
    table_mut(&mut store, &t)?
        .rows_mut(&t.data_source)
        .by_id
        .remove(&id)
        .ok_or_else(not_found_record)?;
    Ok(Json(Value::Null))
}

pub(super) async fn search(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((ws, table_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>> {
    caller.require(Scope::WorkspaceContent, Permission::Read)?;
    let body = json_object(&body)?;
    let page = Page::from_values(body.get("page"), body.get("per_page"), CONTENT_LIMITS)?;
    let store = shared.store();
    let t = target(&store, &ws, &table_id, &headers)?;
    let tbl = table(&store, &t)?;
    let filter = filter_for(tbl, body.get("search"))?;
    let sort = Sort::parse(
        body.get("sort"),
        &|c| tbl.field(c).is_some(),
        &[("id", false)],
    )?;
    let mut records: Vec<&Record> = tbl
        .rows(&t.data_source)
        .map(|rows| rows.by_id.values().filter(|r| filter.matches(r)).collect())
        .unwrap_or_default();
    sort.apply(&mut records, |r| r);
    Ok(Json(page.content_envelope_by(&records, |r| {
        Value::Object((*r).clone())
    })))
}

pub(super) async fn patch_by_search(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((ws, table_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>> {
    caller.require(Scope::WorkspaceContent, Permission::Update)?;
    let body = json_object(&body)?;
    let updates = object_of(&body, "updates")?;
    let now = shared.now_ms();
    let mut store = shared.store();
    let t = target(&store, &ws, &table_id, &headers)?;
    let tbl = table(&store, &t)?;
    let filter = filter_for(tbl, body.get("search"))?;
    let ids = matching_ids(tbl, &t.data_source, &filter);
    let rows = tbl.rows(&t.data_source);
    let records = ids
        .iter()
        .filter_map(|id| rows.and_then(|r| r.by_id.get(id)))
        .map(|existing| tbl.updated_record(existing, updates, now))
        .collect::<Result<Vec<_>>>()?;
    tbl.check_unique(&t.data_source, &records)?;
    table_mut(&mut store, &t)?.store(&t.data_source, records);
    Ok(Json(json!({ "success": ids, "success_total": ids.len() })))
}

pub(super) async fn delete_by_search(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((ws, table_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>> {
    caller.require(Scope::WorkspaceContent, Permission::Delete)?;
    let body = json_object(&body)?;
    let mut store = shared.store();
    let t = target(&store, &ws, &table_id, &headers)?;
    let tbl = table(&store, &t)?;
    let filter = filter_for(tbl, body.get("search"))?;
    let ids = matching_ids(tbl, &t.data_source, &filter);
    let rows = table_mut(&mut store, &t)?.rows_mut(&t.data_source);
    for id in &ids {
        rows.by_id.remove(id);
    }
    Ok(Json(json!({ "success": ids, "success_total": ids.len() })))
}

pub(super) async fn bulk_create(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((ws, table_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>> {
    caller.require(Scope::WorkspaceContent, Permission::Create)?;
    let body = json_object(&body)?;
    let items = body
        .get("items")
        .and_then(Value::as_array)
        .ok_or_else(|| ApiError::input("items", "Missing param: items"))?;
    let allow_id = bool_value(body.get("allow_id_field"), "allow_id_field")?.unwrap_or(false);
    let now = shared.now_ms();
    let mut store = shared.store();
    let t = target(&store, &ws, &table_id, &headers)?;
    let tbl = table(&store, &t)?;
    let rows = tbl.rows(&t.data_source);
    let mut next_id = rows.map_or(1, |r| r.next_id);
    let mut records = Vec::with_capacity(items.len());
    for item in items {
        let item = item
            .as_object()
            .ok_or_else(|| ApiError::input("items", "Each item must be an object."))?;
        let record = tbl.build_record(item, next_id, allow_id, now)?;
        let id = record.get("id").and_then(Value::as_i64).unwrap_or(next_id);
        if rows.is_some_and(|r| r.by_id.contains_key(&id)) {
            return Err(ApiError::input("id", DUPLICATE_MESSAGE));
        }
        next_id = next_id.max(id + 1);
        records.push(record);
    }
    tbl.check_unique(&t.data_source, &records)?;
    let ids: Vec<i64> = records
        .iter()
        .filter_map(|r| r.get("id").and_then(Value::as_i64))
        .collect();
    table_mut(&mut store, &t)?.store(&t.data_source, records);
    Ok(Json(json!(ids)))
}

/// The `updates` of a bulk-patch item: a flat object, or (§11.5) an array of `{path, value}`.
fn item_updates(item: &Map<String, Value>) -> Result<Map<String, Value>> {
    match item.get("updates") {
        Some(Value::Object(map)) => Ok(map.clone()),
        Some(Value::Array(pairs)) => pairs
            .iter()
            .map(|p| {
                let path = p.get("path").and_then(Value::as_str);
                let value = p.get("value");
                match (path, value) {
                    (Some(path), Some(value)) => Ok((path.to_owned(), value.clone())),
                    _ => Err(ApiError::input(
                        "updates",
                        "Each update needs a path and a value.",
                    )),
                }
            })
            .collect(),
        _ => Err(ApiError::input("updates", "Missing param: updates")),
    }
}

pub(super) async fn bulk_patch(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((ws, table_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>> {
    caller.require(Scope::WorkspaceContent, Permission::Update)?;
    let body = json_object(&body)?;
    let items = body
        .get("items")
        .and_then(Value::as_array)
        .ok_or_else(|| ApiError::input("items", "Missing param: items"))?;
    let now = shared.now_ms();
    let mut store = shared.store();
    let t = target(&store, &ws, &table_id, &headers)?;
    let tbl = table(&store, &t)?;
    let rows = tbl.rows(&t.data_source);
    // Later items for the same row see the earlier ones' changes.
    let mut pending: Vec<Record> = Vec::new();
    let mut success = Vec::new();
    for item in items {
        let item = item
            .as_object()
            .ok_or_else(|| ApiError::input("items", "Each item must be an object."))?;
        let id = item
            .get("row_id")
            .and_then(record_id)
            .ok_or_else(|| ApiError::input("row_id", "Missing param: row_id"))?;
        let updates = item_updates(item)?;
        let current = pending
            .iter()
            .find(|r| r.get("id").and_then(Value::as_i64) == Some(id))
            .or_else(|| rows.and_then(|r| r.by_id.get(&id)));
        let Some(current) = current else {
            continue;
        };
        let record = tbl.updated_record(current, &updates, now)?;
        match pending
            .iter_mut()
            .find(|r| r.get("id").and_then(Value::as_i64) == Some(id))
        {
            Some(slot) => *slot = record,
            None => pending.push(record),
        }
        success.push(id);
    }
    tbl.check_unique(&t.data_source, &pending)?;
    table_mut(&mut store, &t)?.store(&t.data_source, pending);
    Ok(Json(
        json!({ "success": success, "success_total": success.len() }),
    ))
}

pub(super) async fn bulk_delete(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((ws, table_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>> {
    caller.require(Scope::WorkspaceContent, Permission::Delete)?;
    let body = json_object(&body)?;
    let row_ids = body
        .get("row_ids")
        .and_then(Value::as_array)
        .ok_or_else(|| ApiError::input("row_ids", "Missing param: row_ids"))?;
    let mut store = shared.store();
    let t = target(&store, &ws, &table_id, &headers)?;
    let rows = table_mut(&mut store, &t)?.rows_mut(&t.data_source);
    let mut success = Vec::new();
    let mut error = Vec::new();
    let mut seen = BTreeSet::new();
    for raw in row_ids {
        match record_id(raw) {
            Some(id) if seen.insert(id) && rows.by_id.remove(&id).is_some() => {
                success.push(json!(id))
            }
            _ => error.push(raw.clone()),
        }
    }
    Ok(Json(json!({
        "success": success,
        "success_total": success.len(),
        "error": error,
    })))
}
