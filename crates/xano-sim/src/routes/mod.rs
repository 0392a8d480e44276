//! The Metadata API routes under `/api:meta`, and the small input helpers they share.
//!
//! Every handler checks the caller's scope first, then validates its input completely, then takes
//! the store lock once and answers; it never awaits while holding the lock. Bodies are read as
//! raw bytes and parsed here (not with axum's `Json` extractor) so a bad body is answered with
//! Xano's error shape (`400`, param `body`). Unknown paths and wrong methods get a JSON 404.

mod account;
mod apis;
mod columns;
mod content;
mod history;
mod indexes;
mod tables;
mod workspaces;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query};
use axum::http::{HeaderMap, Uri};
use axum::routing::{get, post, put};
use serde_json::{Map, Value};

use crate::Shared;
use crate::error::{ApiError, Result};
use crate::gate::MAX_BODY_BYTES;
use crate::search::compare;

/// State handed to handlers.
pub(crate) type SharedState = Arc<Shared>;

/// All routes, nested under `/api:meta`.
pub(crate) fn router(shared: SharedState) -> Router {
    let ws = "/workspace/{workspace_id}";
    let table = "/workspace/{workspace_id}/table/{table_id}";
    let group = "/workspace/{workspace_id}/apigroup/{apigroup_id}";
    let api = Router::new()
        .route("/auth/me", get(account::me))
        .route("/instance", get(account::instances))
        .route("/instance/{name}", get(account::instance))
        .route("/workspace", get(workspaces::list))
        .route(ws, get(workspaces::get_one))
        .route(&format!("{ws}/branch"), get(workspaces::branches))
        .route(&format!("{ws}/datasource"), get(workspaces::data_sources))
        .route(
            &format!("{ws}/table"),
            get(tables::list).post(tables::create),
        )
        .route(table, get(tables::get_one).delete(tables::delete))
        .route(&format!("{table}/meta"), put(tables::update_meta))
        .route(
            &format!("{table}/truncate"),
            axum::routing::delete(tables::truncate),
        )
        .route(
            &format!("{table}/schema"),
            get(columns::list).put(columns::replace),
        )
        .route(&format!("{table}/schema/rename"), post(columns::rename))
        .route(&format!("{table}/schema/type/{{type}}"), post(columns::add))
        .route(
            &format!("{table}/schema/{{name}}"),
            get(columns::get_one).delete(columns::delete),
        )
        .route(
            &format!("{table}/index"),
            get(indexes::list).put(indexes::replace),
        )
        .route(
            &format!("{table}/index/{{index}}"),
            post(indexes::create).delete(indexes::delete),
        )
        .route(
            &format!("{table}/content"),
            get(content::browse).post(content::create),
        )
        .route(&format!("{table}/content/search"), post(content::search))
        .route(
            &format!("{table}/content/search/patch"),
            post(content::patch_by_search),
        )
        .route(
            &format!("{table}/content/search/delete"),
            post(content::delete_by_search),
        )
        .route(&format!("{table}/content/bulk"), post(content::bulk_create))
        .route(
            &format!("{table}/content/bulk/patch"),
            post(content::bulk_patch),
        )
        .route(
            &format!("{table}/content/bulk/delete"),
            post(content::bulk_delete),
        )
        .route(
            &format!("{table}/content/{{content_id}}"),
            get(content::get_one)
                .put(content::update)
                .delete(content::delete),
        )
        .route(&format!("{ws}/apigroup"), get(apis::list_groups))
        .route(group, get(apis::get_group))
        .route(&format!("{group}/api"), get(apis::list_endpoints))
        .route(&format!("{group}/api/{{api_id}}"), get(apis::get_endpoint))
        .route(&format!("{group}/openapi"), get(apis::openapi))
        .route(&format!("{ws}/request_history"), get(history::browse))
        .route(
            &format!("{ws}/request_history/search"),
            post(history::search),
        )
        .method_not_allowed_fallback(not_found);
    Router::new()
        .nest("/api:meta", api)
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(shared)
}

async fn not_found() -> ApiError {
    ApiError::not_found("Unable to locate request.")
}

/// Decoded query parameters.
#[derive(Debug, Clone, Default)]
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    pub(crate) fn from_uri(uri: &Uri) -> Result<Self> {
        Query::<Vec<(String, String)>>::try_from_uri(uri)
            .map(|q| Params(q.0))
            .map_err(|_| ApiError::input("query", "The query string is malformed."))
    }

    /// The last value of `name` as a JSON string (so the paging helpers can read it).
    pub(crate) fn get(&self, name: &str) -> Option<Value> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| Value::String(v.clone()))
    }

    pub(crate) fn text(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }
}

/// An integer path id; anything else is an input error naming the parameter.
pub(crate) fn path_id(raw: &str, param: &str) -> Result<i64> {
    raw.trim()
        .parse()
        .map_err(|_| ApiError::input(param, format!("{param} must be an integer.")))
}

/// A JSON object body; an empty body is `{}`.
pub(crate) fn json_object(bytes: &Bytes) -> Result<Map<String, Value>> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::input(
            "body",
            "The request body must be a JSON object.",
        )),
        Err(err) => Err(ApiError::input(
            "body",
            format!("The request body is not valid JSON: {err}."),
        )),
    }
}

/// The data source of a content request: header `X-Data-Source` (name case-insensitive),
/// default `live`.
pub(crate) fn data_source_label(headers: &HeaderMap) -> String {
    headers
        .get("x-data-source")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .unwrap_or("live")
        .to_owned()
}

/// Pages, searches and sorts a meta list (`search` = name contains, case-insensitive;
/// `sort` one of created_at|updated_at|name|id; `order` asc|desc, default desc per the spec).
pub(crate) fn meta_list(mut items: Vec<Value>, params: &Params) -> Result<Value> {
    use crate::paging::{META_LIMITS, Page};
    let page = Page::from_values(
        params.get("page").as_ref(),
        params.get("per_page").as_ref(),
        META_LIMITS,
    )?;
    if let Some(needle) = params.text("search").filter(|s| !s.trim().is_empty()) {
        let needle = needle.trim().to_lowercase();
        items.retain(|item| {
            item.get("name")
                .and_then(Value::as_str)
                .is_some_and(|n| n.to_lowercase().contains(&needle))
        });
    }
    let sort = params
        .text("sort")
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "created_at".to_owned());
    if !["created_at", "updated_at", "name", "id"].contains(&sort.as_str()) {
        return Err(ApiError::input(
            "sort",
            "sort must be one of created_at, updated_at, name, id.",
        ));
    }
    let desc = match params
        .text("order")
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("") | Some("desc") => true,
        Some("asc") => false,
        Some(_) => return Err(ApiError::input("order", "order must be asc or desc.")),
    };
    items.sort_by(|a, b| {
        let key = |v: &Value, k: &str| v.get(k).cloned().unwrap_or(Value::Null);
        let ord = compare(&key(a, &sort), &key(b, &sort))
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| {
                compare(&key(a, "id"), &key(b, "id")).unwrap_or(std::cmp::Ordering::Equal)
            });
        if desc { ord.reverse() } else { ord }
    });
    Ok(page.meta_envelope(&items))
}
