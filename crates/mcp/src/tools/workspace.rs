//! Identity and workspaces: `getLoggedInUser`, `listWorkspaces`, `getWorkspace`,
//! `getWorkspaceBranches`, `workspaceGetDataSources`.

use crate::context::CallCx;
use crate::engine::Engine;
use crate::error::ToolResult;
use crate::ids::IdArg;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;
use xano::requests;
use xano::types::{Branch, DataSource, User, Workspace};

/// No arguments.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct NoArgs {}

/// A workspace.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct WorkspaceArgs {
    /// The workspace id: a number (`12345`), a numeric string (`"12345"`) or a prefixed id
    /// (`"ws_12345"`). `listWorkspaces` lists them.
    pub workspace_id: IdArg,
}

pub async fn get_logged_in_user(engine: &Engine, cx: &CallCx) -> ToolResult {
    let user: User = cx.read(&engine.client(None), &requests::auth_me()).await?;
    Ok(json!({ "user": user }))
}

pub async fn list_workspaces(engine: &Engine, cx: &CallCx) -> ToolResult {
    let workspaces: Vec<Workspace> = cx
        .read(&engine.client(None), &requests::list_workspaces())
        .await?;
    Ok(json!({ "workspaces": workspaces, "count": workspaces.len() }))
}

pub async fn get_workspace(engine: &Engine, cx: &CallCx, args: WorkspaceArgs) -> ToolResult {
    let ws = args.workspace_id.numeric("workspace_id")?;
    let workspace: Workspace = cx
        .read(&engine.client(None), &requests::get_workspace(ws))
        .await?;
    Ok(json!({ "workspace": workspace }))
}

pub async fn get_workspace_branches(
    engine: &Engine,
    cx: &CallCx,
    args: WorkspaceArgs,
) -> ToolResult {
    let ws = args.workspace_id.numeric("workspace_id")?;
    let branches: Vec<Branch> = cx
        .read(&engine.client(None), &requests::list_branches(ws))
        .await?;
    let live = branches.iter().find(|b| b.live).map(|b| b.label.clone());
    Ok(json!({ "workspace_id": ws, "branches": branches, "live_branch": live }))
}

pub async fn workspace_get_data_sources(
    engine: &Engine,
    cx: &CallCx,
    args: WorkspaceArgs,
) -> ToolResult {
    let ws = args.workspace_id.numeric("workspace_id")?;
    let sources: Vec<DataSource> = cx
        .read(&engine.client(None), &requests::list_data_sources(ws))
        .await?;
    Ok(json!({
        "workspace_id": ws,
        "data_sources": sources,
        "note": "Table content tools take an optional `data_source` label; without it Xano uses `live`.",
    }))
}
