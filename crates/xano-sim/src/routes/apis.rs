//! API groups, their endpoints and OpenAPI documents. All need Workspace Api: Read.

use axum::Json;
use axum::extract::{Extension, Path, State};
use axum::http::Uri;
use serde_json::Value;

use super::{Params, SharedState, meta_list, path_id};
use crate::config::{Permission, Scope};
use crate::error::{ApiError, Result};
use crate::gate::Caller;
use crate::openapi::group_document;

pub(super) async fn list_groups(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path(ws): Path<String>,
    uri: Uri,
) -> Result<Json<Value>> {
    caller.require(Scope::WorkspaceApi, Permission::Read)?;
    let ws = path_id(&ws, "workspace_id")?;
    let params = Params::from_uri(&uri)?;
    let store = shared.store();
    let workspace = store.workspace(ws)?;
    let branch = workspace.branch(params.text("branch").as_deref())?;
    let items = workspace
        .groups
        .values()
        .map(|g| g.to_json(&store.instance.xano_domain, &branch.label))
        .collect();
    Ok(Json(meta_list(items, &params)?))
}

pub(super) async fn get_group(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((ws, group)): Path<(String, String)>,
) -> Result<Json<Value>> {
    caller.require(Scope::WorkspaceApi, Permission::Read)?;
    let (ws, group) = (
        path_id(&ws, "workspace_id")?,
        path_id(&group, "apigroup_id")?,
    );
    let store = shared.store();
    let workspace = store.workspace(ws)?;
    Ok(Json(workspace.group(group)?.to_json(
        &store.instance.xano_domain,
        workspace.live_branch(),
    )))
}

pub(super) async fn list_endpoints(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((ws, group)): Path<(String, String)>,
    uri: Uri,
) -> Result<Json<Value>> {
    caller.require(Scope::WorkspaceApi, Permission::Read)?;
    let (ws, group) = (
        path_id(&ws, "workspace_id")?,
        path_id(&group, "apigroup_id")?,
    );
    let params = Params::from_uri(&uri)?;
    let store = shared.store();
    let workspace = store.workspace(ws)?;
    workspace.branch(params.text("branch").as_deref())?;
    let items = workspace
        .group(group)?
        .endpoints
        .values()
        .map(|e| e.to_json())
        .collect();
    Ok(Json(meta_list(items, &params)?))
}

pub(super) async fn get_endpoint(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((ws, group, api)): Path<(String, String, String)>,
) -> Result<Json<Value>> {
    caller.require(Scope::WorkspaceApi, Permission::Read)?;
    let (ws, group, api) = (
        path_id(&ws, "workspace_id")?,
        path_id(&group, "apigroup_id")?,
        path_id(&api, "api_id")?,
    );
    let store = shared.store();
    store
        .workspace(ws)?
        .group(group)?
        .endpoints
        .get(&api)
        .map(|e| Json(e.to_json()))
        .ok_or_else(|| ApiError::not_found("API not found."))
}

pub(super) async fn openapi(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path((ws, group)): Path<(String, String)>,
) -> Result<Json<Value>> {
    caller.require(Scope::WorkspaceApi, Permission::Read)?;
    let (ws, group) = (
        path_id(&ws, "workspace_id")?,
        path_id(&group, "apigroup_id")?,
    );
    let store = shared.store();
    let workspace = store.workspace(ws)?;
    let group = workspace.group(group)?;
    Ok(Json(group_document(
        workspace,
        group,
        &store.instance.xano_domain,
    )))
}
