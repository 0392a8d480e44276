//! Workspaces, branches and data sources: bare arrays, no paging (§3, §11.2).

use axum::Json;
use axum::extract::{Extension, Path, State};
use serde_json::{Value, json};

use super::{SharedState, path_id};
use crate::clock::format_meta_ts;
use crate::config::{Permission, Scope};
use crate::error::Result;
use crate::gate::Caller;

pub(super) async fn list(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Value>> {
    caller.require(Scope::InstanceWorkspace, Permission::Read)?;
    let store = shared.store();
    Ok(Json(Value::Array(
        store.workspaces.values().map(|w| w.to_json()).collect(),
    )))
}

pub(super) async fn get_one(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path(ws): Path<String>,
) -> Result<Json<Value>> {
    caller.require(Scope::InstanceWorkspace, Permission::Read)?;
    let ws = path_id(&ws, "workspace_id")?;
    let store = shared.store();
    let workspace = store.workspace(ws)?;
    let mut body = workspace.to_json();
    body["swagger"] = json!(true);
    body["documentation"] = json!({
        "link": format!("https://{}/apispec:meta?type=json", store.instance.xano_domain),
    });
    Ok(Json(body))
}

pub(super) async fn branches(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path(ws): Path<String>,
) -> Result<Json<Value>> {
    caller.require(Scope::InstanceWorkspace, Permission::Read)?;
    let ws = path_id(&ws, "workspace_id")?;
    let store = shared.store();
    let workspace = store.workspace(ws)?;
    Ok(Json(Value::Array(
        workspace
            .branches
            .iter()
            .map(|b| {
                json!({
                    "created_at": format_meta_ts(b.created_at_ms),
                    "label": b.label,
                    "live": b.live,
                    "backup": b.backup,
                })
            })
            .collect(),
    )))
}

pub(super) async fn data_sources(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path(ws): Path<String>,
) -> Result<Json<Value>> {
    caller.require(Scope::WorkspaceDataSource, Permission::Read)?;
    let ws = path_id(&ws, "workspace_id")?;
    let store = shared.store();
    let workspace = store.workspace(ws)?;
    Ok(Json(Value::Array(
        workspace
            .data_sources
            .iter()
            .map(|d| json!({ "label": d.label, "color": d.color }))
            .collect(),
    )))
}
