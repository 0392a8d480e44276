//! Tables: list (meta envelope), get, create, update meta, delete, truncate.
//!
//! Scopes ([INF] mapping of the reference's "Required API Scope" idea): list/get need Workspace
//! Database: Read, create Create, meta Update, delete Delete. Truncate removes rows, not the table,
//! so it needs Workspace Content: Delete.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::http::{HeaderMap, Uri};
use serde_json::{Map, Value, json};

use super::{Params, SharedState, data_source_label, json_object, meta_list, path_id};
use crate::config::{Permission, Scope};
use crate::error::{ApiError, Result};
use crate::gate::Caller;
use crate::paging::bool_value;
use crate::schema::Field;
use crate::seed::new_table;
use crate::table::{Index, validate_schema};

pub(super) async fn list(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path(ws): Path<String>,
    uri: Uri,
) -> Result<Json<Value>> {
    caller.require(Scope::WorkspaceDatabase, Permission::Read)?;
    let ws = path_id(&ws, "workspace_id")?;
    let params = Params::from_uri(&uri)?;
    let store = shared.store();
    let workspace = store.workspace(ws)?;
    workspace.branch(params.text("branch").as_deref())?;
    let items = workspace.tables.values().map(|t| t.to_json()).collect();
    Ok(Json(meta_list(items, &params)?))
}

pub(super) async fn get_one(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((ws, table)): Path<(String, String)>,
) -> Result<Json<Value>> {
    caller.require(Scope::WorkspaceDatabase, Permission::Read)?;
    let (ws, table) = (path_id(&ws, "workspace_id")?, path_id(&table, "table_id")?);
    let store = shared.store();
    Ok(Json(store.workspace(ws)?.table(table)?.to_json()))
}

fn text_field(body: &Map<String, Value>, key: &str) -> Result<Option<String>> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::input(key, format!("{key} must be text."))),
    }
}

fn tags_field(body: &Map<String, Value>) -> Result<Option<Vec<String>>> {
    match body.get("tag") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|t| t.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .map(Some)
            .ok_or_else(|| ApiError::input("tag", "tag must be a list of strings.")),
        Some(_) => Err(ApiError::input("tag", "tag must be a list of strings.")),
    }
}

/// Parses one index definition `{type, fields, ...}` (PUT index and table create).
pub(super) fn parse_index(
    value: &Value,
    known_column: &dyn Fn(&str) -> bool,
) -> Result<(String, Vec<Value>, Map<String, Value>)> {
    let obj = value
        .as_object()
        .ok_or_else(|| ApiError::input("index", "Each index must be an object."))?;
    let kind = obj
        .get("type")
        .and_then(Value::as_str)
        .filter(|k| crate::table::INDEX_TYPES.contains(k))
        .ok_or_else(|| ApiError::input("type", "Unknown index type."))?;
    let fields = index_fields(obj, kind, known_column)?;
    let extra = obj
        .iter()
        .filter(|(k, _)| k.as_str() != "type" && k.as_str() != "fields" && k.as_str() != "id")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Ok((kind.to_owned(), fields, extra))
}

/// The `fields` of an index body: a non-empty array of `{name, op?}` naming existing columns.
pub(super) fn index_fields(
    body: &Map<String, Value>,
    kind: &str,
    known_column: &dyn Fn(&str) -> bool,
) -> Result<Vec<Value>> {
    let fields = body
        .get("fields")
        .and_then(Value::as_array)
        .filter(|f| !f.is_empty())
        .ok_or_else(|| ApiError::input("fields", "An index needs a non-empty fields list."))?;
    fields
        .iter()
        .map(|f| {
            let mut f = match f {
                Value::Object(o) => o.clone(),
                Value::String(name) => Map::from_iter([("name".to_owned(), json!(name))]),
                _ => return Err(ApiError::input("fields", "Each index field needs a name.")),
            };
            let name = f
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| ApiError::input("fields", "Each index field needs a name."))?;
            if !known_column(name) {
                return Err(ApiError::input(
                    "fields",
                    format!("Unknown column in index: {name}."),
                ));
            }
            if !f.contains_key("op") && kind != "search" {
                let op = match kind {
                    "spatial" => "gist_geometry_ops_2d",
                    "vector" => "vector_cosine_ops",
                    _ => "asc",
                };
                f.insert("op".into(), json!(op));
            }
            Ok(Value::Object(f))
        })
        .collect()
}

pub(super) async fn create(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path(ws): Path<String>,
    body: Bytes,
) -> Result<Json<Value>> {
    caller.require(Scope::WorkspaceDatabase, Permission::Create)?;
    let ws = path_id(&ws, "workspace_id")?;
    let body = json_object(&body)?;
    let name = text_field(&body, "name")?
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
        .ok_or_else(|| ApiError::input("name", "Missing param: name"))?;
    let description = text_field(&body, "description")?.unwrap_or_default();
    let docs = text_field(&body, "docs")?.unwrap_or_default();
    let auth = bool_value(body.get("auth"), "auth")?.unwrap_or(false);
    let tags = tags_field(&body)?.unwrap_or_default();
    let fields = match body.get("schema") {
        None | Some(Value::Null) => vec![Field::primary_id(), Field::created_at()],
        Some(Value::Array(items)) if items.is_empty() => {
            vec![Field::primary_id(), Field::created_at()]
        }
        Some(Value::Array(items)) => items
            .iter()
            .map(Field::from_object)
            .collect::<Result<Vec<_>>>()?,
        Some(_) => return Err(ApiError::input("schema", "schema must be an array.")),
    };
    let now = shared.now_ms();
    let mut store = shared.store();
    validate_schema(&fields, &|id| store.table_exists(id))?;
    let workspace = store.workspace(ws)?;
    if workspace
        .tables
        .values()
        .any(|t| t.name.eq_ignore_ascii_case(&name))
    {
        return Err(ApiError::input(
            "name",
            format!("A table named {name} already exists."),
        ));
    }
    let known = |c: &str| fields.iter().any(|f| f.name == c);
    let indexes = match body.get("index") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| parse_index(i, &known))
            .collect::<Result<Vec<_>>>()?,
        Some(_) => return Err(ApiError::input("index", "index must be an array.")),
    };
    let mut table = new_table(&mut store, &name, fields, now);
    table.description = description;
    table.docs = docs;
    table.auth = auth;
    table.tags = tags;
    if let Some(guid) = text_field(&body, "guid")?.filter(|g| !g.is_empty()) {
        table.guid = guid;
    }
    for (kind, fields, extra) in indexes {
        if kind == "primary" {
            continue; // every table already has its primary index on id
        }
        let id = store.index_id();
        table.indexes.push(Index {
            id,
            kind,
            fields,
            extra,
        });
    }
    let id = table.id;
    store.workspace_mut(ws)?.tables.insert(id, table);
    Ok(Json(json!({ "id": id })))
}

pub(super) async fn update_meta(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((ws, table)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>> {
    caller.require(Scope::WorkspaceDatabase, Permission::Update)?;
    let (ws, table) = (path_id(&ws, "workspace_id")?, path_id(&table, "table_id")?);
    let body = json_object(&body)?;
    let name = text_field(&body, "name")?
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty());
    let description = text_field(&body, "description")?;
    let tags = tags_field(&body)?;
    let auth = bool_value(body.get("auth"), "auth")?;
    let now = shared.now_ms();
    let mut store = shared.store();
    let workspace = store.workspace_mut(ws)?;
    workspace.table(table)?;
    if let Some(name) = &name
        && workspace
            .tables
            .values()
            .any(|t| t.id != table && t.name.eq_ignore_ascii_case(name))
    {
        return Err(ApiError::input(
            "name",
            format!("A table named {name} already exists."),
        ));
    }
    let t = workspace.table_mut(table)?;
    if let Some(name) = name {
        t.name = name;
    }
    if let Some(description) = description {
        t.description = description;
    }
    if let Some(tags) = tags {
        t.tags = tags;
    }
    if let Some(auth) = auth {
        t.auth = auth;
    }
    t.updated_at_ms = now;
    Ok(Json(json!({})))
}

pub(super) async fn delete(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((ws, table)): Path<(String, String)>,
) -> Result<Json<Value>> {
    caller.require(Scope::WorkspaceDatabase, Permission::Delete)?;
    let (ws, table) = (path_id(&ws, "workspace_id")?, path_id(&table, "table_id")?);
    let mut store = shared.store();
    let workspace = store.workspace_mut(ws)?;
    workspace
        .tables
        .remove(&table)
        .ok_or_else(|| ApiError::not_found("Table not found."))?;
    Ok(Json(json!({})))
}

pub(super) async fn truncate(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((ws, table)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>> {
    caller.require(Scope::WorkspaceContent, Permission::Delete)?;
    let (ws, table) = (path_id(&ws, "workspace_id")?, path_id(&table, "table_id")?);
    let body = json_object(&body)?;
    // S3 marks `reset` required.
    let reset = bool_value(body.get("reset"), "reset")?
        .ok_or_else(|| ApiError::input("reset", "Missing param: reset"))?;
    let label = data_source_label(&headers);
    let mut store = shared.store();
    let workspace = store.workspace_mut(ws)?;
    let label = workspace.data_source(&label)?;
    let rows = workspace.table_mut(table)?.rows_mut(&label);
    rows.by_id.clear();
    if reset {
        rows.next_id = 1;
    }
    Ok(Json(Value::Null))
}
