//! API groups and endpoints: `listAPIGroups`, `getApiGroup`, `listAPIs`, `getApiGroupSwagger`.
//!
//! OpenAPI documents can be large. `getApiGroupSwagger` answers with an endpoint index (method,
//! path, summary) unless the caller asks for `"detail": "full"`, optionally narrowed to the paths
//! containing `path`; the full document is still subject to the output cap.

use crate::context::CallCx;
use crate::engine::Engine;
use crate::error::ToolResult;
use crate::ids::IdArg;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use xano::requests::{self, ListParams};
use xano::types::{Api, ApiGroup};

/// List API groups.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct ListApiGroupsArgs {
    /// Workspace id: `12345`, `"12345"` or `"ws_12345"`.
    pub workspace_id: IdArg,
    /// Only groups whose name contains this text.
    #[serde(default)]
    pub search: Option<String>,
    /// Page number from 1.
    #[serde(default)]
    pub page: Option<u32>,
    /// Groups per page, 1-1000 (default 100).
    #[serde(default)]
    pub per_page: Option<u32>,
}

/// One API group.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct ApiGroupArgs {
    /// Workspace id: `12345`, `"12345"` or `"ws_12345"`.
    pub workspace_id: IdArg,
    /// API group id (`42`, `"42"`; `apigroup_id` is accepted too). `listAPIGroups` lists them.
    #[serde(alias = "apigroup_id", alias = "group_id")]
    pub api_group_id: IdArg,
}

/// List the endpoints of an API group.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct ListApisArgs {
    /// Workspace id: `12345`, `"12345"` or `"ws_12345"`.
    pub workspace_id: IdArg,
    /// API group id (`apigroup_id` is accepted too).
    #[serde(alias = "apigroup_id", alias = "group_id")]
    pub api_group_id: IdArg,
    /// Only endpoints whose name contains this text.
    #[serde(default)]
    pub search: Option<String>,
    /// Page number from 1.
    #[serde(default)]
    pub page: Option<u32>,
    /// Endpoints per page, 1-1000 (default 100).
    #[serde(default)]
    pub per_page: Option<u32>,
}

/// An API group's OpenAPI (Swagger) document.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct SwaggerArgs {
    /// Workspace id: `12345`, `"12345"` or `"ws_12345"`.
    pub workspace_id: IdArg,
    /// API group id (`apigroup_id` is accepted too).
    #[serde(alias = "apigroup_id", alias = "group_id")]
    pub api_group_id: IdArg,
    /// `"index"` (default): one line per endpoint; `"full"`: the OpenAPI document itself.
    #[serde(default)]
    pub detail: Option<String>,
    /// Only paths containing this text, e.g. `"/customers"` (works with both details).
    #[serde(default)]
    pub path: Option<String>,
}

fn list_params(search: Option<String>, page: Option<u32>, per_page: Option<u32>) -> ListParams {
    ListParams {
        page,
        per_page: Some(per_page.unwrap_or(100).clamp(1, 1000)),
        search: search.filter(|s| !s.trim().is_empty()),
        ..Default::default()
    }
}

pub async fn list_api_groups(engine: &Engine, cx: &CallCx, args: ListApiGroupsArgs) -> ToolResult {
    let ws = args.workspace_id.numeric("workspace_id")?;
    let page: xano::MetaPage<ApiGroup> = cx
        .read(
            &engine.client(None),
            &requests::list_api_groups(ws, &list_params(args.search, args.page, args.per_page)),
        )
        .await?;
    Ok(
        json!({ "workspace_id": ws, "items": page.items, "page": page.cur_page.or(args.page).unwrap_or(1), "next_page": page.next_page }),
    )
}

pub async fn get_api_group(engine: &Engine, cx: &CallCx, args: ApiGroupArgs) -> ToolResult {
    let ws = args.workspace_id.numeric("workspace_id")?;
    let g = args.api_group_id.numeric("api_group_id")?;
    let group: ApiGroup = cx
        .read(&engine.client(None), &requests::get_api_group(ws, g))
        .await?;
    Ok(json!({ "workspace_id": ws, "api_group": group }))
}

pub async fn list_apis(engine: &Engine, cx: &CallCx, args: ListApisArgs) -> ToolResult {
    let ws = args.workspace_id.numeric("workspace_id")?;
    let g = args.api_group_id.numeric("api_group_id")?;
    let page: xano::MetaPage<Api> = cx
        .read(
            &engine.client(None),
            &requests::list_apis(ws, g, &list_params(args.search, args.page, args.per_page)),
        )
        .await?;
    Ok(
        json!({ "workspace_id": ws, "api_group_id": g, "items": page.items, "page": page.cur_page.or(args.page).unwrap_or(1), "next_page": page.next_page }),
    )
}

pub async fn get_api_group_swagger(engine: &Engine, cx: &CallCx, args: SwaggerArgs) -> ToolResult {
    let ws = args.workspace_id.numeric("workspace_id")?;
    let g = args.api_group_id.numeric("api_group_id")?;
    let mut doc: Value = cx
        .read(
            &engine.client(None),
            &requests::get_api_group_openapi(ws, g),
        )
        .await?;
    let filter = args
        .path
        .as_deref()
        .map(str::to_lowercase)
        .filter(|p| !p.is_empty());
    if let (Some(f), Some(paths)) = (&filter, doc.get_mut("paths").and_then(Value::as_object_mut)) {
        paths.retain(|p, _| p.to_lowercase().contains(f.as_str()));
    }
    let full = matches!(
        args.detail
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("full") | Some("document") | Some("all")
    );
    if full {
        return Ok(
            json!({ "workspace_id": ws, "api_group_id": g, "detail": "full", "openapi": doc }),
        );
    }
    let mut endpoints = Vec::new();
    for (path, ops) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for (method, op) in ops.as_object().into_iter().flatten() {
            if !matches!(
                method.as_str(),
                "get" | "post" | "put" | "patch" | "delete" | "head" | "options"
            ) {
                continue;
            }
            let mut e = Map::new();
            e.insert("method".into(), Value::String(method.to_uppercase()));
            e.insert("path".into(), Value::String(path.clone()));
            for key in ["summary", "operationId"] {
                if let Some(v) = op.get(key) {
                    e.insert(key.into(), v.clone());
                }
            }
            endpoints.push(Value::Object(e));
        }
    }
    Ok(json!({
        "workspace_id": ws,
        "api_group_id": g,
        "detail": "index",
        "title": doc.pointer("/info/title"),
        "servers": doc.get("servers"),
        "endpoint_count": endpoints.len(),
        "endpoints": endpoints,
        "note": "This is the endpoint index. For parameters and schemas call again with \"detail\": \"full\" and \"path\": \"/the-path\".",
    }))
}
