//! Table indexes: list, create by type, replace all, delete.
//!
//! Invariants kept: every table keeps its primary index on `id` (PUT without one gets it back,
//! DELETE refuses it); a unique index is only created when no data source holds duplicate
//! values, and once it exists content writes that would duplicate a value are refused.
//! Scopes ([INF]): list needs Workspace Database: Read; changes need Workspace Database: Update.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use serde_json::{Map, Value, json};

use super::tables::{index_fields, parse_index};
use super::{SharedState, json_object, path_id};
use crate::config::{Permission, Scope};
use crate::error::{ApiError, Result};
use crate::gate::Caller;
use crate::table::{Index, Table};

/// Index types `POST .../index/{type}` creates.
const CREATABLE: [&str; 5] = ["btree", "unique", "search", "spatial", "vector"];

fn ids(ws: &str, table: &str) -> Result<(i64, i64)> {
    Ok((path_id(ws, "workspace_id")?, path_id(table, "table_id")?))
}

fn unique_violation(table: &Table, kind: &str, fields: &[Value]) -> Result<()> {
    if kind != "unique" {
        return Ok(());
    }
    let names: Vec<String> = fields
        .iter()
        .filter_map(|f| f.get("name").and_then(Value::as_str).map(str::to_owned))
        .collect();
    if table.has_duplicates(&names) {
        return Err(ApiError::input(
            "fields",
            format!(
                "Unable to create a unique index: duplicate values exist in {}.",
                names.join(", ")
            ),
        ));
    }
    Ok(())
}

pub(super) async fn list(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((ws, table)): Path<(String, String)>,
) -> Result<Json<Value>> {
    caller.require(Scope::WorkspaceDatabase, Permission::Read)?;
    let (ws, table) = ids(&ws, &table)?;
    let store = shared.store();
    let t = store.workspace(ws)?.table(table)?;
    Ok(Json(Value::Array(
        t.indexes.iter().map(Index::to_json).collect(),
    )))
}

pub(super) async fn create(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((ws, table, kind)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Json<Value>> {
    caller.require(Scope::WorkspaceDatabase, Permission::Update)?;
    let (ws, table) = ids(&ws, &table)?;
    if !CREATABLE.contains(&kind.as_str()) {
        return Err(ApiError::not_found(format!("Unknown index type: {kind}.")));
    }
    let body = json_object(&body)?;
    let now = shared.now_ms();
    let mut store = shared.store();
    let t = store.workspace(ws)?.table(table)?;
    let fields = index_fields(&body, &kind, &|c| t.field(c).is_some())?;
    unique_violation(t, &kind, &fields)?;
    let extra: Map<String, Value> = body
        .iter()
        .filter(|(k, _)| k.as_str() != "fields")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let id = store.index_id();
    let t = store.workspace_mut(ws)?.table_mut(table)?;
    t.indexes.push(Index {
        id: id.clone(),
        kind,
        fields,
        extra,
    });
    t.updated_at_ms = now;
    Ok(Json(json!({ "id": id })))
}

pub(super) async fn replace(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((ws, table)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>> {
    caller.require(Scope::WorkspaceDatabase, Permission::Update)?;
    let (ws, table) = ids(&ws, &table)?;
    let body = json_object(&body)?;
    let items = body
        .get("index")
        .and_then(Value::as_array)
        .ok_or_else(|| ApiError::input("index", "Missing param: index"))?;
    let now = shared.now_ms();
    let mut store = shared.store();
    let t = store.workspace(ws)?.table(table)?;
    let parsed = items
        .iter()
        .map(|i| parse_index(i, &|c| t.field(c).is_some()))
        .collect::<Result<Vec<_>>>()?;
    for (kind, fields, _) in &parsed {
        unique_violation(t, kind, fields)?;
    }
    let mut indexes = Vec::with_capacity(parsed.len() + 1);
    if !parsed.iter().any(|(kind, _, _)| kind == "primary") {
        indexes.push(Index {
            id: store.index_id(),
            kind: "primary".to_owned(),
            fields: vec![json!({"name": "id", "op": "asc"})],
            extra: Map::new(),
        });
    }
    for (kind, fields, extra) in parsed {
        indexes.push(Index {
            id: store.index_id(),
            kind,
            fields,
            extra,
        });
    }
    let t = store.workspace_mut(ws)?.table_mut(table)?;
    t.indexes = indexes;
    t.updated_at_ms = now;
    Ok(Json(json!({})))
}

pub(super) async fn delete(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((ws, table, index_id)): Path<(String, String, String)>,
) -> Result<Json<Value>> {
    caller.require(Scope::WorkspaceDatabase, Permission::Update)?;
    let (ws, table) = ids(&ws, &table)?;
    let now = shared.now_ms();
    let mut store = shared.store();
    let t = store.workspace_mut(ws)?.table_mut(table)?;
    let pos = t
        .indexes
        .iter()
        .position(|i| i.id == index_id)
        .ok_or_else(|| ApiError::not_found(format!("Index not found: {index_id}.")))?;
    if t.indexes[pos].kind == "primary" {
        return Err(ApiError::input(
            "index_id",
            "The primary index cannot be removed.",
        ));
    }
    t.indexes.remove(pos);
    t.updated_at_ms = now;
    Ok(Json(json!({})))
}
