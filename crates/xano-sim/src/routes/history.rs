//! Request history: browse (GET) and search (POST), meta envelope, newest first, `per_page` 1-500.
//! Both need Workspace Request History: Read.
//!
//! Filters (§11.6, spec names first): `apigroup_id` or `api_id` (both mean the API **group**),
//! `query_id` (endpoint), `branch` (label, GET) or `branch_id` (POST body; a `branch` label is
//! accepted there too). An absent or empty branch filter means every branch. Search columns:
//! `id`, `created_at` (epoch ms), `duration` (seconds), `status`, `verb`, `uri`, `branch_id`,
//! `api_id`/`apigroup_id`, `query_id`; sort by `created_at`, `duration`, `status` or `id`
//! (default `created_at` desc). Items older than the history window are gone before anything is
//! read.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::http::Uri;
use serde_json::Value;

use super::{Params, SharedState, json_object, path_id};
use crate::config::{Permission, Scope};
use crate::error::Result;
use crate::gate::Caller;
use crate::paging::{HISTORY_LIMITS, Page, bool_value, int_value};
use crate::schema::Comparison;
use crate::search::{Filter, Sort};
use crate::store::{HistoryItem, Workspace};

/// Optional equality filters on history items.
#[derive(Debug, Default)]
struct Selection {
    branch_id: Option<i64>,
    group_id: Option<i64>,
    query_id: Option<i64>,
}

fn selection(
    workspace: &Workspace,
    branch_label: Option<&Value>,
    branch_id: Option<&Value>,
    group: Option<&Value>,
    api: Option<&Value>,
    query: Option<&Value>,
) -> Result<Selection> {
    let mut branch = int_value(branch_id, "branch_id")?;
    if let Some(label) = branch_label
        .and_then(Value::as_str)
        .filter(|l| !l.trim().is_empty())
    {
        branch = Some(workspace.branch(Some(label))?.id);
    }
    Ok(Selection {
        branch_id: branch,
        group_id: int_value(group, "apigroup_id")?.or(int_value(api, "api_id")?),
        query_id: int_value(query, "query_id")?,
    })
}

fn columns(name: &str) -> Option<Comparison> {
    match name {
        "created_at" => Some(Comparison::Timestamp),
        "duration" | "status" | "id" | "branch_id" | "api_id" | "apigroup_id" | "query_id" => {
            Some(Comparison::Number)
        }
        "verb" | "uri" => Some(Comparison::Text),
        _ => None,
    }
}

/// The matching items, newest first.
fn select<'a>(
    history: &'a [HistoryItem],
    selection: &Selection,
    filter: &Filter,
) -> Vec<&'a HistoryItem> {
    history
        .iter()
        .rev()
        .filter(|h| selection.branch_id.is_none_or(|b| h.branch_id == b))
        .filter(|h| selection.group_id.is_none_or(|g| h.api_id == g))
        .filter(|h| selection.query_id.is_none_or(|q| h.query_id == q))
        .filter(|h| filter.is_empty() || filter.matches(&h.view))
        .collect()
}

pub(super) async fn browse(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path(ws): Path<String>,
    uri: Uri,
) -> Result<Json<Value>> {
    caller.require(Scope::WorkspaceRequestHistory, Permission::Read)?;
    let ws = path_id(&ws, "workspace_id")?;
    let params = Params::from_uri(&uri)?;
    let page = Page::from_values(
        params.get("page").as_ref(),
        params.get("per_page").as_ref(),
        HISTORY_LIMITS,
    )?;
    let include_output =
        bool_value(params.get("include_output").as_ref(), "include_output")?.unwrap_or(false);
    let now = shared.now_ms();
    let mut store = shared.store();
    let cutoff = now - store.history_window_ms;
    let workspace = store.workspace_mut(ws)?;
    let selection = selection(
        workspace,
        params.get("branch").as_ref(),
        None,
        params.get("apigroup_id").as_ref(),
        params.get("api_id").as_ref(),
        params.get("query_id").as_ref(),
    )?;
    let items = select(workspace.history(cutoff), &selection, &Filter::default());
    Ok(Json(
        page.meta_envelope_by(&items, |h| h.to_json(include_output)),
    ))
}

pub(super) async fn search(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
    Path(ws): Path<String>,
    body: Bytes,
) -> Result<Json<Value>> {
    caller.require(Scope::WorkspaceRequestHistory, Permission::Read)?;
    let ws = path_id(&ws, "workspace_id")?;
    let body = json_object(&body)?;
    let page = Page::from_values(body.get("page"), body.get("per_page"), HISTORY_LIMITS)?;
    let include_output = bool_value(body.get("include_output"), "include_output")?.unwrap_or(false);
    let filter = Filter::parse(body.get("search"), &columns)?;
    let sort = Sort::parse(
        body.get("sort"),
        &|c| ["created_at", "duration", "status", "id"].contains(&c),
        &[("created_at", true)],
    )?;
    let now = shared.now_ms();
    let mut store = shared.store();
    let cutoff = now - store.history_window_ms;
    let workspace = store.workspace_mut(ws)?;
    let selection = selection(
        workspace,
        body.get("branch"),
        body.get("branch_id"),
        body.get("apigroup_id"),
        body.get("api_id"),
        body.get("query_id"),
    )?;
    let mut matched = select(workspace.history(cutoff), &selection, &filter);
    sort.apply(&mut matched, |h| &h.view);
    Ok(Json(
        page.meta_envelope_by(&matched, |h| h.to_json(include_output)),
    ))
}
