//! Every Metadata API call as a plain value: method, path segments below `api:meta`, query, JSON
//! body, and whether it is a table-content call (which carries `X-Data-Source`) or a list that takes
//! `branch`. Building the request is separate from sending it so that a preview shows exactly what
//! would be sent (DESIGN §3 "Preview").
//!
//! Paths, parameter names and body shapes follow `xano-metadata-api.md` §5; where the reference lists
//! a conflict (§11) the [SPEC]/[CODE] side is used and noted at the constructor.

use crate::search::PipeCondition;
use crate::types::{RowId, TableField};
use serde_json::{Map, Value, json};

/// Whether repeating a request is safe. Only idempotent requests are retried after 5xx or a
/// timeout; any request is retried after 429 (Xano refused it before doing anything).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    Idempotent,
    NotIdempotent,
}

/// HTTP methods the Metadata API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// One Metadata API request, not yet sent.
#[derive(Debug, Clone, PartialEq)]
pub struct XanoRequest {
    pub method: Method,
    /// Path segments below `api:meta`, unencoded.
    pub path: Vec<String>,
    pub query: Vec<(String, String)>,
    pub body: Option<Value>,
    pub idempotency: Idempotency,
    /// Table-content routes take the `X-Data-Source` header.
    pub content: bool,
    /// List routes that accept `?branch=`.
    pub takes_branch: bool,
}

impl XanoRequest {
    fn new(method: Method, path: &[&dyn ToString]) -> Self {
        // DELETE is idempotent in HTTP terms, but a repeat after a lost answer says 404 for what the
        // first attempt removed, which hides what happened; so deletes are not retried after 5xx.
        let idempotency = match method {
            Method::Get | Method::Put => Idempotency::Idempotent,
            Method::Post | Method::Delete => Idempotency::NotIdempotent,
        };
        Self {
            method,
            path: path.iter().map(|s| s.to_string()).collect(),
            query: Vec::new(),
            body: None,
            idempotency,
            content: false,
            takes_branch: false,
        }
    }

    fn query(mut self, key: &str, value: impl ToString) -> Self {
        self.query.push((key.to_owned(), value.to_string()));
        self
    }

    fn query_opt(self, key: &str, value: Option<impl ToString>) -> Self {
        match value {
            Some(v) => self.query(key, v),
            None => self,
        }
    }

    fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    fn content(mut self) -> Self {
        self.content = true;
        self
    }

    fn branch(mut self) -> Self {
        self.takes_branch = true;
        self
    }

    /// A POST that only reads (searches); safe to repeat.
    fn read_only_post(mut self) -> Self {
        self.idempotency = Idempotency::Idempotent;
        self
    }

    /// The path as shown to people: `/workspace/1/table/2/content`.
    pub fn display_path(&self) -> String {
        let mut out = String::new();
        for seg in &self.path {
            out.push('/');
            out.push_str(seg);
        }
        out
    }

    /// True for requests that change nothing in Xano.
    pub fn is_read(&self) -> bool {
        self.method == Method::Get
            || (self.method == Method::Post && self.idempotency == Idempotency::Idempotent)
    }
}

/// Paging and ordering of meta lists (tables, API groups, APIs).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListParams {
    pub page: Option<u32>,
    pub per_page: Option<u32>,
    /// Name text search.
    pub search: Option<String>,
    /// `created_at`, `updated_at`, `name` (and `id` on some lists).
    pub sort: Option<String>,
    /// `asc` or `desc` (Xano's default is `desc`).
    pub order: Option<String>,
}

impl ListParams {
    fn apply(&self, req: XanoRequest) -> XanoRequest {
        req.query_opt("page", self.page)
            .query_opt("per_page", self.per_page)
            .query_opt("search", self.search.as_deref())
            .query_opt("sort", self.sort.as_deref())
            .query_opt("order", self.order.as_deref())
    }

    /// The same parameters on another page.
    pub fn page(&self, page: u32) -> Self {
        Self {
            page: Some(page),
            ..self.clone()
        }
    }
}

/// Body of `POST .../content/search`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContentSearch {
    pub page: u32,
    pub per_page: u32,
    pub search: Vec<PipeCondition>,
    /// `[{"col":"asc"}]` form (reference §6.3).
    pub sort: Vec<(String, crate::search::SortDirection)>,
}

impl ContentSearch {
    fn to_json(&self) -> Value {
        let mut body = Map::new();
        body.insert("page".into(), json!(self.page.max(1)));
        body.insert("per_page".into(), json!(self.per_page.max(1)));
        if !self.sort.is_empty() {
            body.insert("sort".into(), crate::search::sort_to_json(&self.sort));
        }
        body.insert("search".into(), crate::search::to_json(&self.search));
        Value::Object(body)
    }
}

/// `GET .../request_history` parameters (reference §5.11; per_page is 1-500).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HistoryQuery {
    pub page: Option<u32>,
    pub per_page: Option<u32>,
    /// API group id; the current spec calls it `apigroup_id` (older copies `api_id`).
    pub apigroup_id: Option<i64>,
    /// API endpoint id.
    pub query_id: Option<i64>,
    pub include_output: bool,
}

/// Body of `POST .../request_history/search`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HistorySearch {
    pub page: u32,
    pub per_page: u32,
    /// API group id. The spec S1 names the body field `api_id` (the group); S3 uses
    /// `apigroup_id`. We send the S1 name, which the [SPEC] machine spec defines (reference §11.6).
    pub api_id: Option<i64>,
    pub query_id: Option<i64>,
    pub branch_id: Option<i64>,
    pub search: Vec<PipeCondition>,
    /// `{"created_at":"desc"}` or `{"duration":"desc"}`.
    pub sort: Option<(String, crate::search::SortDirection)>,
    pub include_output: bool,
}

impl HistorySearch {
    fn to_json(&self) -> Value {
        let mut body = Map::new();
        body.insert("page".into(), json!(self.page.max(1)));
        body.insert("per_page".into(), json!(self.per_page.clamp(1, 500)));
        if let Some(v) = self.api_id {
            body.insert("api_id".into(), json!(v));
        }
        if let Some(v) = self.query_id {
            body.insert("query_id".into(), json!(v));
        }
        if let Some(v) = self.branch_id {
            body.insert("branch_id".into(), json!(v));
        }
        body.insert(
            "search".into(),
            crate::search::to_history_json(&self.search),
        );
        if let Some((col, dir)) = &self.sort {
            body.insert("sort".into(), json!({ col.clone(): dir.as_str() }));
        }
        if self.include_output {
            body.insert("include_output".into(), json!(true));
        }
        Value::Object(body)
    }
}

/// Body of `POST /workspace/{ws}/table` (legacy JSON form).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewTable {
    pub name: String,
    pub description: Option<String>,
    pub docs: Option<String>,
    pub auth: Option<bool>,
    /// When given, the first field must be `id` (reference §7.1).
    pub schema: Option<Vec<TableField>>,
    pub index: Option<Vec<Value>>,
    pub tag: Option<Vec<String>>,
}

/// Body of `PUT /workspace/{ws}/table/{t}/meta`; absent fields are left alone.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableMetaUpdate {
    pub name: Option<String>,
    pub description: Option<String>,
    pub tag: Option<Vec<String>>,
    pub auth: Option<bool>,
}

/// One item of a bulk patch: `{row_id, updates:{field: value}}` (flat object form, reference §11.5).
#[derive(Debug, Clone, PartialEq)]
pub struct BulkPatchItem {
    pub row_id: RowId,
    pub updates: Map<String, Value>,
}

fn ws_path(ws: i64) -> [String; 2] {
    ["workspace".to_owned(), ws.to_string()]
}

macro_rules! path {
    ($($seg:expr),* $(,)?) => { &[$(&$seg as &dyn ToString),*] };
}

// ---- account host -----------------------------------------------------------------------------

/// `GET /auth/me` (both hosts).
pub fn auth_me() -> XanoRequest {
    XanoRequest::new(Method::Get, path!["auth", "me"])
}

/// `GET /instance` on the account host: a bare array.
pub fn list_instances() -> XanoRequest {
    XanoRequest::new(Method::Get, path!["instance"])
}

/// `GET /instance/{name}` on the account host.
pub fn get_instance(name: &str) -> XanoRequest {
    XanoRequest::new(Method::Get, path!["instance", name])
}

// ---- workspaces, branches, data sources ---------------------------------------------------------

/// `GET /workspace`: a bare array, no paging (reference §11.2).
pub fn list_workspaces() -> XanoRequest {
    XanoRequest::new(Method::Get, path!["workspace"])
}

/// `GET /workspace/{ws}`.
pub fn get_workspace(ws: i64) -> XanoRequest {
    let [a, b] = ws_path(ws);
    XanoRequest::new(Method::Get, path![a, b])
}

/// `GET /workspace/{ws}/branch`: a bare array.
pub fn list_branches(ws: i64) -> XanoRequest {
    XanoRequest::new(Method::Get, path!["workspace", ws, "branch"])
}

/// `GET /workspace/{ws}/datasource`: a bare array.
pub fn list_data_sources(ws: i64) -> XanoRequest {
    XanoRequest::new(Method::Get, path!["workspace", ws, "datasource"])
}

// ---- tables -------------------------------------------------------------------------------------

/// `GET /workspace/{ws}/table`: meta envelope (reference §11.1).
pub fn list_tables(ws: i64, params: &ListParams) -> XanoRequest {
    params.apply(XanoRequest::new(Method::Get, path!["workspace", ws, "table"]).branch())
}

/// `GET /workspace/{ws}/table/{t}`.
pub fn get_table(ws: i64, table: i64) -> XanoRequest {
    XanoRequest::new(Method::Get, path!["workspace", ws, "table", table]).branch()
}

/// `POST /workspace/{ws}/table` → `{id}`.
pub fn create_table(ws: i64, table: &NewTable) -> XanoRequest {
    let mut body = Map::new();
    body.insert("name".into(), json!(table.name));
    if let Some(v) = &table.description {
        body.insert("description".into(), json!(v));
    }
    if let Some(v) = &table.docs {
        body.insert("docs".into(), json!(v));
    }
    if let Some(v) = table.auth {
        body.insert("auth".into(), json!(v));
    }
    if let Some(v) = &table.schema {
        body.insert("schema".into(), json!(v));
    }
    if let Some(v) = &table.index {
        body.insert("index".into(), json!(v));
    }
    if let Some(v) = &table.tag {
        body.insert("tag".into(), json!(v));
    }
    XanoRequest::new(Method::Post, path!["workspace", ws, "table"])
        .branch()
        .body(Value::Object(body))
}

/// `PUT /workspace/{ws}/table/{t}/meta` → `{}`.
pub fn update_table_meta(ws: i64, table: i64, update: &TableMetaUpdate) -> XanoRequest {
    let mut body = Map::new();
    if let Some(v) = &update.name {
        body.insert("name".into(), json!(v));
    }
    if let Some(v) = &update.description {
        body.insert("description".into(), json!(v));
    }
    if let Some(v) = &update.tag {
        body.insert("tag".into(), json!(v));
    }
    if let Some(v) = update.auth {
        body.insert("auth".into(), json!(v));
    }
    XanoRequest::new(Method::Put, path!["workspace", ws, "table", table, "meta"])
        .body(Value::Object(body))
}

/// `DELETE /workspace/{ws}/table/{t}`: drops the table and its data.
pub fn delete_table(ws: i64, table: i64) -> XanoRequest {
    XanoRequest::new(Method::Delete, path!["workspace", ws, "table", table])
}

/// `DELETE /workspace/{ws}/table/{t}/truncate` with `{reset}` (required in S3).
pub fn truncate_table(ws: i64, table: i64, reset: bool) -> XanoRequest {
    XanoRequest::new(
        Method::Delete,
        path!["workspace", ws, "table", table, "truncate"],
    )
    .content()
    .body(json!({ "reset": reset }))
}

/// `GET /workspace/{ws}/table/{t}/schema`: a bare array of fields.
pub fn get_schema(ws: i64, table: i64) -> XanoRequest {
    XanoRequest::new(
        Method::Get,
        path!["workspace", ws, "table", table, "schema"],
    )
}

/// `PUT /workspace/{ws}/table/{t}/schema` with `{schema:[...]}`; the first field must be `id`.
pub fn replace_schema(ws: i64, table: i64, schema: &[TableField]) -> XanoRequest {
    XanoRequest::new(
        Method::Put,
        path!["workspace", ws, "table", table, "schema"],
    )
    .body(json!({ "schema": schema }))
}

/// `POST /workspace/{ws}/table/{t}/schema/type/{type}` → `{name}` (reference §11.3: not `POST .../schema`).
pub fn add_column(ws: i64, table: i64, field_type: &str, body: &Map<String, Value>) -> XanoRequest {
    XanoRequest::new(
        Method::Post,
        path![
            "workspace",
            ws,
            "table",
            table,
            "schema",
            "type",
            field_type
        ],
    )
    .body(Value::Object(body.clone()))
}

/// `POST /workspace/{ws}/table/{t}/schema/rename`.
pub fn rename_column(ws: i64, table: i64, old_name: &str, new_name: &str) -> XanoRequest {
    XanoRequest::new(
        Method::Post,
        path!["workspace", ws, "table", table, "schema", "rename"],
    )
    .body(json!({ "old_name": old_name, "new_name": new_name }))
}

/// `DELETE /workspace/{ws}/table/{t}/schema/{name}`.
pub fn delete_column(ws: i64, table: i64, name: &str) -> XanoRequest {
    XanoRequest::new(
        Method::Delete,
        path!["workspace", ws, "table", table, "schema", name],
    )
}

/// `GET /workspace/{ws}/table/{t}/index`.
pub fn list_indexes(ws: i64, table: i64) -> XanoRequest {
    XanoRequest::new(Method::Get, path!["workspace", ws, "table", table, "index"])
}

/// `POST /workspace/{ws}/table/{t}/index/{kind}` (`btree`, `unique`, `search`, `spatial`, `vector`) → `{id}`.
pub fn create_index(ws: i64, table: i64, kind: &str, body: &Value) -> XanoRequest {
    XanoRequest::new(
        Method::Post,
        path!["workspace", ws, "table", table, "index", kind],
    )
    .body(body.clone())
}

/// `PUT /workspace/{ws}/table/{t}/index` with `{index:[...]}`.
pub fn replace_indexes(ws: i64, table: i64, indexes: &[Value]) -> XanoRequest {
    XanoRequest::new(Method::Put, path!["workspace", ws, "table", table, "index"])
        .body(json!({ "index": indexes }))
}

/// `DELETE /workspace/{ws}/table/{t}/index/{id}`.
pub fn delete_index(ws: i64, table: i64, index_id: &str) -> XanoRequest {
    XanoRequest::new(
        Method::Delete,
        path!["workspace", ws, "table", table, "index", index_id],
    )
}

// ---- table content ------------------------------------------------------------------------------

/// `GET .../content?page&per_page`: content envelope.
pub fn browse_content(ws: i64, table: i64, page: u32, per_page: u32) -> XanoRequest {
    XanoRequest::new(
        Method::Get,
        path!["workspace", ws, "table", table, "content"],
    )
    .content()
    .query("page", page.max(1))
    .query("per_page", per_page.max(1))
}

/// `GET .../content/{id}`.
pub fn get_row(ws: i64, table: i64, id: &RowId) -> XanoRequest {
    XanoRequest::new(
        Method::Get,
        path!["workspace", ws, "table", table, "content", id.to_segment()],
    )
    .content()
}

/// `POST .../content`: body = the record → the created record.
pub fn create_row(ws: i64, table: i64, row: &Map<String, Value>) -> XanoRequest {
    XanoRequest::new(
        Method::Post,
        path!["workspace", ws, "table", table, "content"],
    )
    .content()
    .body(Value::Object(row.clone()))
}

/// `PUT .../content/{id}`: partial update → the updated record.
pub fn update_row(ws: i64, table: i64, id: &RowId, changes: &Map<String, Value>) -> XanoRequest {
    XanoRequest::new(
        Method::Put,
        path!["workspace", ws, "table", table, "content", id.to_segment()],
    )
    .content()
    .body(Value::Object(changes.clone()))
}

/// `DELETE .../content/{id}`.
pub fn delete_row(ws: i64, table: i64, id: &RowId) -> XanoRequest {
    XanoRequest::new(
        Method::Delete,
        path!["workspace", ws, "table", table, "content", id.to_segment()],
    )
    .content()
}

/// `POST .../content/search`: content envelope. Reads only, so it may be retried.
pub fn search_content(ws: i64, table: i64, search: &ContentSearch) -> XanoRequest {
    XanoRequest::new(
        Method::Post,
        path!["workspace", ws, "table", table, "content", "search"],
    )
    .content()
    .read_only_post()
    .body(search.to_json())
}

/// `POST .../content/search/patch` `{search, updates}`.
pub fn patch_by_search(
    ws: i64,
    table: i64,
    search: &[PipeCondition],
    updates: &Map<String, Value>,
) -> XanoRequest {
    XanoRequest::new(
        Method::Post,
        path![
            "workspace",
            ws,
            "table",
            table,
            "content",
            "search",
            "patch"
        ],
    )
    .content()
    .body(json!({ "search": crate::search::to_json(search), "updates": updates }))
}

/// `POST .../content/search/delete` `{search}`.
pub fn delete_by_search(ws: i64, table: i64, search: &[PipeCondition]) -> XanoRequest {
    XanoRequest::new(
        Method::Post,
        path![
            "workspace",
            ws,
            "table",
            table,
            "content",
            "search",
            "delete"
        ],
    )
    .content()
    .body(json!({ "search": crate::search::to_json(search) }))
}

/// `POST .../content/bulk` `{items, allow_id_field}` → array of new ids.
pub fn bulk_create(
    ws: i64,
    table: i64,
    items: &[Map<String, Value>],
    allow_id_field: bool,
) -> XanoRequest {
    XanoRequest::new(
        Method::Post,
        path!["workspace", ws, "table", table, "content", "bulk"],
    )
    .content()
    .body(json!({ "items": items, "allow_id_field": allow_id_field }))
}

/// `POST .../content/bulk/patch` `{items:[{row_id, updates}]}`.
pub fn bulk_patch(ws: i64, table: i64, items: &[BulkPatchItem]) -> XanoRequest {
    let items: Vec<Value> = items
        .iter()
        .map(|i| json!({ "row_id": i.row_id, "updates": i.updates }))
        .collect();
    XanoRequest::new(
        Method::Post,
        path!["workspace", ws, "table", table, "content", "bulk", "patch"],
    )
    .content()
    .body(json!({ "items": items }))
}

/// `POST .../content/bulk/delete` `{row_ids}` (reference §11.4: `row_ids`, not `ids`).
pub fn bulk_delete(ws: i64, table: i64, row_ids: &[RowId]) -> XanoRequest {
    XanoRequest::new(
        Method::Post,
        path!["workspace", ws, "table", table, "content", "bulk", "delete"],
    )
    .content()
    .body(json!({ "row_ids": row_ids }))
}

// ---- API groups and APIs ------------------------------------------------------------------------

/// `GET /workspace/{ws}/apigroup`: meta envelope.
pub fn list_api_groups(ws: i64, params: &ListParams) -> XanoRequest {
    params.apply(XanoRequest::new(Method::Get, path!["workspace", ws, "apigroup"]).branch())
}

/// `GET /workspace/{ws}/apigroup/{g}`.
pub fn get_api_group(ws: i64, group: i64) -> XanoRequest {
    XanoRequest::new(Method::Get, path!["workspace", ws, "apigroup", group])
}

/// `GET /workspace/{ws}/apigroup/{g}/api`: meta envelope.
pub fn list_apis(ws: i64, group: i64, params: &ListParams) -> XanoRequest {
    params.apply(
        XanoRequest::new(
            Method::Get,
            path!["workspace", ws, "apigroup", group, "api"],
        )
        .branch(),
    )
}

/// `GET /workspace/{ws}/apigroup/{g}/openapi`: the group's OpenAPI document.
pub fn get_api_group_openapi(ws: i64, group: i64) -> XanoRequest {
    XanoRequest::new(
        Method::Get,
        path!["workspace", ws, "apigroup", group, "openapi"],
    )
}

// ---- request history ----------------------------------------------------------------------------

/// `GET /workspace/{ws}/request_history`: meta envelope, newest first.
pub fn request_history(ws: i64, query: &HistoryQuery) -> XanoRequest {
    let req = XanoRequest::new(Method::Get, path!["workspace", ws, "request_history"])
        .branch()
        .query_opt("page", query.page)
        .query_opt("per_page", query.per_page.map(|p| p.clamp(1, 500)))
        .query_opt("apigroup_id", query.apigroup_id)
        .query_opt("query_id", query.query_id);
    if query.include_output {
        req.query("include_output", "true")
    } else {
        req
    }
}

/// `POST /workspace/{ws}/request_history/search`: meta envelope. Reads only.
pub fn search_request_history(ws: i64, search: &HistorySearch) -> XanoRequest {
    XanoRequest::new(
        Method::Post,
        path!["workspace", ws, "request_history", "search"],
    )
    .read_only_post()
    .body(search.to_json())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{PipeOp, SortDirection};

    #[test]
    fn idempotency_follows_the_rules() {
        assert!(list_workspaces().is_read());
        assert_eq!(
            search_content(1, 2, &ContentSearch::default()).idempotency,
            Idempotency::Idempotent
        );
        assert_eq!(
            bulk_create(1, 2, &[], false).idempotency,
            Idempotency::NotIdempotent
        );
        assert_eq!(
            delete_row(1, 2, &RowId::Int(3)).idempotency,
            Idempotency::NotIdempotent
        );
        assert_eq!(
            update_row(1, 2, &RowId::Int(3), &Map::new()).idempotency,
            Idempotency::Idempotent
        );
        assert!(!patch_by_search(1, 2, &[], &Map::new()).is_read());
    }

    #[test]
    fn bodies_follow_the_reference() {
        let s = ContentSearch {
            page: 2,
            per_page: 25,
            search: vec![PipeCondition::new("tier", PipeOp::In, json!(["pro"]))],
            sort: vec![("created_at".into(), SortDirection::Desc)],
        };
        assert_eq!(
            search_content(1, 2, &s).body,
            Some(
                json!({"page":2,"per_page":25,"sort":[{"created_at":"desc"}],"search":[{"tier|in":["pro"]}]})
            )
        );
        assert_eq!(
            bulk_delete(1, 2, &[RowId::Int(4), RowId::Text("a-b".into())]).body,
            Some(json!({"row_ids":[4,"a-b"]}))
        );
        let h = HistorySearch {
            per_page: 9999,
            ..Default::default()
        };
        assert_eq!(
            search_request_history(1, &h).body.expect("body")["per_page"],
            500
        );
        assert_eq!(
            get_row(1, 2, &RowId::Text("x".into())).display_path(),
            "/workspace/1/table/2/content/x"
        );
    }
}
