//! Table schema: list, replace, get/delete one column, rename, add a column by type.
//!
//! Scopes ([INF]): reads need Workspace Database: Read; every change of columns (add, rename,
//! drop, replace) is an update of the table, so Workspace Database: Update. Existing rows follow
//! every change (new columns get their default, dropped ones disappear, renamed ones move).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use serde_json::{Value, json};

use super::{SharedState, json_object, path_id};
use crate::config::{Permission, Scope};
use crate::error::{ApiError, Result};
use crate::gate::Caller;
use crate::schema::Field;
use crate::table::validate_schema;

fn ids(ws: &str, table: &str) -> Result<(i64, i64)> {
    Ok((path_id(ws, "workspace_id")?, path_id(table, "table_id")?))
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
        t.fields.iter().map(Field::to_json).collect(),
    )))
}

pub(super) async fn get_one(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((ws, table, name)): Path<(String, String, String)>,
) -> Result<Json<Value>> {
    caller.require(Scope::WorkspaceDatabase, Permission::Read)?;
    let (ws, table) = ids(&ws, &table)?;
    let store = shared.store();
    let t = store.workspace(ws)?.table(table)?;
    t.field(&name)
        .map(|f| Json(f.to_json()))
        .ok_or_else(|| ApiError::not_found(format!("Column not found: {name}.")))
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
    let fields = body
        .get("schema")
        .and_then(Value::as_array)
        .ok_or_else(|| ApiError::input("schema", "Missing param: schema"))?
        .iter()
        .map(Field::from_object)
        .collect::<Result<Vec<_>>>()?;
    let now = shared.now_ms();
    let mut store = shared.store();
    validate_schema(&fields, &|id| store.table_exists(id))?;
    let t = store.workspace_mut(ws)?.table_mut(table)?;
    t.replace_schema(fields, now);
    t.updated_at_ms = now;
    Ok(Json(json!({})))
}

pub(super) async fn delete(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((ws, table, name)): Path<(String, String, String)>,
) -> Result<Json<Value>> {
    caller.require(Scope::WorkspaceDatabase, Permission::Update)?;
    let (ws, table) = ids(&ws, &table)?;
    if name == "id" {
        return Err(ApiError::input("name", "The id column cannot be removed."));
    }
    let now = shared.now_ms();
    let mut store = shared.store();
    let t = store.workspace_mut(ws)?.table_mut(table)?;
    if t.field(&name).is_none() {
        return Err(ApiError::not_found(format!("Column not found: {name}.")));
    }
    let fields = t
        .fields
        .iter()
        .filter(|f| f.name != name)
        .cloned()
        .collect();
    t.replace_schema(fields, now);
    t.updated_at_ms = now;
    Ok(Json(json!({})))
}

pub(super) async fn rename(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((ws, table)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>> {
    caller.require(Scope::WorkspaceDatabase, Permission::Update)?;
    let (ws, table) = ids(&ws, &table)?;
    let body = json_object(&body)?;
    let text = |key: &str| {
        body.get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| ApiError::input(key, format!("Missing param: {key}")))
    };
    let (old, new) = (text("old_name")?, text("new_name")?);
    let now = shared.now_ms();
    let mut store = shared.store();
    let t = store.workspace_mut(ws)?.table_mut(table)?;
    if t.field(&old).is_none() {
        return Err(ApiError::input(
            "old_name",
            format!("Column not found: {old}."),
        ));
    }
    if old == "id" {
        return Err(ApiError::input(
            "old_name",
            "The id column cannot be renamed.",
        ));
    }
    if t.field(&new).is_some() {
        return Err(ApiError::input(
            "new_name",
            format!("A column named {new} already exists."),
        ));
    }
    t.rename_column(&old, &new);
    t.updated_at_ms = now;
    Ok(Json(json!({})))
}

pub(super) async fn add(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((ws, table, kind)): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Json<Value>> {
    caller.require(Scope::WorkspaceDatabase, Permission::Update)?;
    let (ws, table) = ids(&ws, &table)?;
    let body = json_object(&body)?;
    let field = Field::from_add_column(&kind, &body)?;
    let now = shared.now_ms();
    let mut store = shared.store();
    if let Some(target) = field.tableref_id
        && !store.table_exists(target)
    {
        return Err(ApiError::input(
            "tableref_id",
            format!("Table {target} does not exist."),
        ));
    }
    let t = store.workspace_mut(ws)?.table_mut(table)?;
    if t.field(&field.name).is_some() {
        return Err(ApiError::input(
            "name",
            format!("A column named {} already exists.", field.name),
        ));
    }
    let name = field.name.clone();
    let mut fields = t.fields.clone();
    fields.push(field);
    t.replace_schema(fields, now);
    t.updated_at_ms = now;
    Ok(Json(json!({ "name": name })))
}
