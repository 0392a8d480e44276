//! Sending [`XanoRequest`]s: authentication, `X-Data-Source` and `branch`, per-request timeouts,
//! bounded retries, and mapping answers to typed results or typed errors.
//!
//! Retry rules (DESIGN §3): 429 is retried for every request (Xano refused it before doing
//! anything), waiting `Retry-After` when given (Xano documents none) or an exponential backoff with
//! jitter; 5xx, timeouts and broken connections are retried only for idempotent requests; a failed
//! connect (nothing was sent) is retried for all. Attempts are bounded by [`RetryPolicy`].

use crate::error::{Error, Result};
use crate::instance::MetaBase;
use crate::paging::{ContentPage, MetaPage, collect_all};
use crate::requests::{self, Idempotency, Method, XanoRequest};
use crate::token::XanoToken;
use crate::types::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How hard to try before giving up.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Total attempts per request, the first included.
    pub max_attempts: u32,
    /// First backoff step; doubles per attempt.
    pub base_delay: Duration,
    /// Backoff ceiling.
    pub max_delay: Duration,
    /// A `Retry-After` longer than this is not waited for; the error reports it instead.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            base_delay: Duration::from_millis(400),
            max_delay: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The wait before attempt `attempt + 1`: exponential, capped, with "equal jitter" (half fixed,
    /// half random) so that many clients do not retry in lockstep.
    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
            .min(self.max_delay);
        let half = exp / 2;
        let jitter_ms = u64::try_from(half.as_millis()).unwrap_or(u64::MAX);
        half + Duration::from_millis(fastrand::u64(0..=jitter_ms))
    }
}

/// Client settings.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Time limit of one attempt, from sending to the last byte of the answer.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub retry: RetryPolicy,
    /// `X-Data-Source` for table-content calls; `None` = Xano's default (`live`).
    pub data_source: Option<String>,
    /// `?branch=` for the lists that take it; `None` = the live branch.
    pub branch: Option<String>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            data_source: None,
            branch: None,
        }
    }
}

/// What a request would look like on the wire, with the token redacted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestPreview {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(String, String)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
}

/// A Metadata API client bound to one base URL (account host or instance) and one token.
/// Cheap to clone; clones share the connection pool.
#[derive(Clone)]
pub struct XanoClient {
    http: reqwest::Client,
    base: MetaBase,
    token: XanoToken,
    options: Arc<ClientOptions>,
}

impl std::fmt::Debug for XanoClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XanoClient")
            .field("base", &self.base.as_str())
            .field("token", &self.token)
            .field("options", &self.options)
            .finish()
    }
}

impl XanoClient {
    /// A client with default options.
    pub fn new(base: MetaBase, token: XanoToken) -> Result<Self> {
        Self::with_options(base, token, ClientOptions::default())
    }

    /// A client with the given options.
    pub fn with_options(base: MetaBase, token: XanoToken, options: ClientOptions) -> Result<Self> {
        if token.is_empty() {
            return Err(Error::InvalidRequest(
                "No Xano Metadata API token was given. Paste the token you created in Xano (Instances → ⚙ → Metadata API & MCP Server).".to_owned(),
            ));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .tcp_nodelay(true)
            .user_agent(concat!("xano-mcp/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::InvalidRequest(format!("could not set up HTTP: {e}")))?;
        Ok(Self {
            http,
            base,
            token,
            options: Arc::new(options),
        })
    }

    /// The base URL this client talks to.
    pub fn base(&self) -> &MetaBase {
        &self.base
    }

    /// The options in force.
    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    /// The same token and pool against another base (e.g. an instance found on the account host).
    pub fn with_base(&self, base: MetaBase) -> Self {
        Self {
            base,
            ..self.clone()
        }
    }

    /// The same client with another data source for table-content calls.
    pub fn with_data_source(&self, data_source: Option<String>) -> Self {
        let mut options = (*self.options).clone();
        options.data_source = data_source.filter(|s| !s.trim().is_empty());
        Self {
            options: Arc::new(options),
            ..self.clone()
        }
    }

    /// The same client on another branch.
    pub fn with_branch(&self, branch: Option<String>) -> Self {
        let mut options = (*self.options).clone();
        options.branch = branch.filter(|s| !s.trim().is_empty());
        Self {
            options: Arc::new(options),
            ..self.clone()
        }
    }

    fn url_of(&self, req: &XanoRequest) -> url::Url {
        let mut url = self.base.join(&req.path);
        let branch = self.options.branch.as_deref().filter(|_| req.takes_branch);
        if !req.query.is_empty() || branch.is_some() {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in &req.query {
                pairs.append_pair(k, v);
            }
            if let Some(b) = branch {
                pairs.append_pair("branch", b);
            }
        }
        url
    }

    fn data_source_for(&self, req: &XanoRequest) -> Option<&str> {
        self.options.data_source.as_deref().filter(|_| req.content)
    }

    /// The exact request that `send` would make, with the token redacted.
    pub fn preview(&self, req: &XanoRequest) -> RequestPreview {
        let mut headers = vec![("Authorization".to_owned(), "Bearer [redacted]".to_owned())];
        if req.body.is_some() {
            headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
        }
        if let Some(ds) = self.data_source_for(req) {
            headers.push(("X-Data-Source".to_owned(), ds.to_owned()));
        }
        RequestPreview {
            method: req.method.as_str(),
            url: self.url_of(req).to_string(),
            headers,
            body: req.body.clone(),
        }
    }

    /// Sends a request and parses the answer as `T`. An empty 2xx body reads as JSON `null`.
    pub async fn send<T: DeserializeOwned>(&self, req: &XanoRequest) -> Result<T> {
        let (status, content_type, bytes) = self.send_raw(req).await?;
        let body: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
            b"null"
        } else {
            &bytes
        };
        serde_json::from_slice(body).map_err(|e| Error::UnparseableBody {
            status,
            content_type,
            length: bytes.len(),
            reason: e.to_string(),
        })
    }

    /// Sends with retries; returns status, content type and body of a 2xx answer.
    async fn send_raw(&self, req: &XanoRequest) -> Result<(u16, String, Vec<u8>)> {
        let policy = &self.options.retry;
        let idempotent = req.idempotency == Idempotency::Idempotent;
        let path = req.display_path();
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let started = Instant::now();
            let outcome = self.attempt(req).await;
            let elapsed_ms = started.elapsed().as_millis() as u64;
            let can_retry = attempt < policy.max_attempts.max(1);
            let (error, wait) = match outcome {
                Ok((status, _, content_type, bytes)) if (200..300).contains(&status) => {
                    tracing::debug!(target: "xano", method = req.method.as_str(), %path, status, attempt, elapsed_ms, "xano request");
                    return Ok((status, content_type, bytes));
                }
                Ok((429, retry_after, _, bytes)) => {
                    let error = Error::from_status(429, &bytes, retry_after);
                    let wait = match retry_after {
                        Some(d) if d > policy.max_retry_after => None,
                        Some(d) => Some(d + Duration::from_millis(fastrand::u64(0..=250))),
                        None => Some(policy.backoff(attempt)),
                    };
                    (error, wait)
                }
                Ok((status, retry_after, _, bytes)) => {
                    let error = Error::from_status(status, &bytes, retry_after);
                    let wait = (status >= 500 && idempotent).then(|| policy.backoff(attempt));
                    (error, wait)
                }
                Err(AttemptError::NotSent(reason)) => (
                    Error::Network {
                        host: self.base.host().to_owned(),
                        reason,
                    },
                    Some(policy.backoff(attempt)),
                ),
                Err(AttemptError::Timeout) => (
                    Error::Timeout {
                        after: self.options.timeout,
                    },
                    idempotent.then(|| policy.backoff(attempt)),
                ),
                Err(AttemptError::Broken(reason)) => (
                    Error::Network {
                        host: self.base.host().to_owned(),
                        reason,
                    },
                    idempotent.then(|| policy.backoff(attempt)),
                ),
            };
            match wait {
                Some(wait) if can_retry => {
                    tracing::warn!(target: "xano", method = req.method.as_str(), %path, code = error.code(), status = error.status(), attempt, elapsed_ms, wait_ms = wait.as_millis() as u64, "xano request failed; retrying");
                    tokio::time::sleep(wait).await;
                }
                _ => {
                    tracing::warn!(target: "xano", method = req.method.as_str(), %path, code = error.code(), status = error.status(), attempt, elapsed_ms, "xano request failed");
                    return Err(error);
                }
            }
        }
    }

    /// One attempt: status, Retry-After, content type, body.
    async fn attempt(
        &self,
        req: &XanoRequest,
    ) -> Result<(u16, Option<Duration>, String, Vec<u8>), AttemptError> {
        let method = match req.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Delete => reqwest::Method::DELETE,
        };
        let auth = self.token.header_value().ok_or_else(|| {
            AttemptError::NotSent("the token contains characters that cannot be sent".to_owned())
        })?;
        let mut builder = self
            .http
            .request(method, self.url_of(req))
            .timeout(self.options.timeout)
            .header(http::header::AUTHORIZATION, auth)
            .header(http::header::ACCEPT, "application/json");
        if let Some(ds) = self.data_source_for(req) {
            builder = builder.header("X-Data-Source", ds);
        }
        if let Some(body) = &req.body {
            builder = builder.json(body);
        }
        let response = builder.send().await.map_err(AttemptError::from_send)?;
        let status = response.status().as_u16();
        let headers = response.headers();
        let retry_after = headers
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let content_type = headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("no content type")
            .to_owned();
        let bytes = response.bytes().await.map_err(AttemptError::from_body)?;
        Ok((status, retry_after, content_type, bytes.to_vec()))
    }

    fn max_pages(&self) -> u32 {
        100_000
    }

    // ---- account host ---------------------------------------------------------------------------

    /// `GET /auth/me`: validates the token and says whose it is.
    pub async fn auth_me(&self) -> Result<User> {
        self.send(&requests::auth_me()).await
    }

    /// `GET /instance` (account host): the instances of the account.
    pub async fn list_instances(&self) -> Result<Vec<Instance>> {
        self.send(&requests::list_instances()).await
    }

    /// `GET /instance/{name}` (account host).
    pub async fn get_instance(&self, name: &str) -> Result<Instance> {
        self.send(&requests::get_instance(name)).await
    }

    // ---- workspaces -----------------------------------------------------------------------------

    pub async fn list_workspaces(&self) -> Result<Vec<Workspace>> {
        self.send(&requests::list_workspaces()).await
    }

    pub async fn get_workspace(&self, ws: i64) -> Result<Workspace> {
        self.send(&requests::get_workspace(ws)).await
    }

    pub async fn list_branches(&self, ws: i64) -> Result<Vec<Branch>> {
        self.send(&requests::list_branches(ws)).await
    }

    pub async fn list_data_sources(&self, ws: i64) -> Result<Vec<DataSource>> {
        self.send(&requests::list_data_sources(ws)).await
    }

    // ---- tables ---------------------------------------------------------------------------------

    pub async fn list_tables(
        &self,
        ws: i64,
        params: &requests::ListParams,
    ) -> Result<MetaPage<Table>> {
        self.send(&requests::list_tables(ws, params)).await
    }

    /// Every table of a workspace, following `nextPage`.
    pub async fn list_all_tables(&self, ws: i64) -> Result<Vec<Table>> {
        let params = requests::ListParams {
            per_page: Some(500),
            sort: Some("name".into()),
            order: Some("asc".into()),
            ..Default::default()
        };
        collect_all(
            |page| {
                let params = params.page(page);
                async move { self.list_tables(ws, &params).await }
            },
            self.max_pages(),
        )
        .await
    }

    pub async fn get_table(&self, ws: i64, table: i64) -> Result<Table> {
        self.send(&requests::get_table(ws, table)).await
    }

    /// Creates a table; returns its id.
    pub async fn create_table(&self, ws: i64, table: &requests::NewTable) -> Result<i64> {
        let created: CreatedId<i64> = self.send(&requests::create_table(ws, table)).await?;
        Ok(created.id)
    }

    pub async fn update_table_meta(
        &self,
        ws: i64,
        table: i64,
        update: &requests::TableMetaUpdate,
    ) -> Result<Value> {
        self.send(&requests::update_table_meta(ws, table, update))
            .await
    }

    pub async fn delete_table(&self, ws: i64, table: i64) -> Result<Value> {
        self.send(&requests::delete_table(ws, table)).await
    }

    pub async fn truncate_table(&self, ws: i64, table: i64, reset: bool) -> Result<Value> {
        self.send(&requests::truncate_table(ws, table, reset)).await
    }

    pub async fn get_schema(&self, ws: i64, table: i64) -> Result<Vec<TableField>> {
        self.send(&requests::get_schema(ws, table)).await
    }

    pub async fn replace_schema(
        &self,
        ws: i64,
        table: i64,
        schema: &[TableField],
    ) -> Result<Value> {
        self.send(&requests::replace_schema(ws, table, schema))
            .await
    }

    /// Adds one column of `field_type`; `body` holds `name` and the per-type options (reference §7.2).
    pub async fn add_column(
        &self,
        ws: i64,
        table: i64,
        field_type: &str,
        body: &Map<String, Value>,
    ) -> Result<CreatedColumn> {
        self.send(&requests::add_column(ws, table, field_type, body))
            .await
    }

    pub async fn rename_column(
        &self,
        ws: i64,
        table: i64,
        old_name: &str,
        new_name: &str,
    ) -> Result<Value> {
        self.send(&requests::rename_column(ws, table, old_name, new_name))
            .await
    }

    pub async fn delete_column(&self, ws: i64, table: i64, name: &str) -> Result<Value> {
        self.send(&requests::delete_column(ws, table, name)).await
    }

    pub async fn list_indexes(&self, ws: i64, table: i64) -> Result<Vec<TableIndex>> {
        self.send(&requests::list_indexes(ws, table)).await
    }

    /// Creates an index of `kind` (`btree`, `unique`, `search`, `spatial`, `vector`); returns its id.
    pub async fn create_index(
        &self,
        ws: i64,
        table: i64,
        kind: &str,
        body: &Value,
    ) -> Result<Value> {
        let created: CreatedId<Value> = self
            .send(&requests::create_index(ws, table, kind, body))
            .await?;
        Ok(created.id)
    }

    pub async fn replace_indexes(&self, ws: i64, table: i64, indexes: &[Value]) -> Result<Value> {
        self.send(&requests::replace_indexes(ws, table, indexes))
            .await
    }

    pub async fn delete_index(&self, ws: i64, table: i64, index_id: &str) -> Result<Value> {
        self.send(&requests::delete_index(ws, table, index_id))
            .await
    }

    // ---- content --------------------------------------------------------------------------------

    pub async fn browse_content(
        &self,
        ws: i64,
        table: i64,
        page: u32,
        per_page: u32,
    ) -> Result<ContentPage<Row>> {
        self.send(&requests::browse_content(ws, table, page, per_page))
            .await
    }

    /// Every row of a table, following `nextPage`.
    pub async fn all_rows(&self, ws: i64, table: i64, per_page: u32) -> Result<Vec<Row>> {
        collect_all(
            |page| self.browse_content(ws, table, page, per_page),
            self.max_pages(),
        )
        .await
    }

    pub async fn get_row(&self, ws: i64, table: i64, id: &RowId) -> Result<Row> {
        self.send(&requests::get_row(ws, table, id)).await
    }

    pub async fn create_row(&self, ws: i64, table: i64, row: &Row) -> Result<Row> {
        self.send(&requests::create_row(ws, table, row)).await
    }

    pub async fn update_row(&self, ws: i64, table: i64, id: &RowId, changes: &Row) -> Result<Row> {
        self.send(&requests::update_row(ws, table, id, changes))
            .await
    }

    pub async fn delete_row(&self, ws: i64, table: i64, id: &RowId) -> Result<Value> {
        self.send(&requests::delete_row(ws, table, id)).await
    }

    pub async fn search_content(
        &self,
        ws: i64,
        table: i64,
        search: &requests::ContentSearch,
    ) -> Result<ContentPage<Row>> {
        self.send(&requests::search_content(ws, table, search))
            .await
    }

    /// Every row matching `search`, following `nextPage`.
    pub async fn search_all(
        &self,
        ws: i64,
        table: i64,
        search: &requests::ContentSearch,
    ) -> Result<Vec<Row>> {
        collect_all(
            |page| {
                let s = requests::ContentSearch {
                    page,
                    ..search.clone()
                };
                async move { self.search_content(ws, table, &s).await }
            },
            self.max_pages(),
        )
        .await
    }

    pub async fn patch_by_search(
        &self,
        ws: i64,
        table: i64,
        search: &[crate::search::PipeCondition],
        updates: &Row,
    ) -> Result<BulkOutcome> {
        self.send(&requests::patch_by_search(ws, table, search, updates))
            .await
    }

    pub async fn delete_by_search(
        &self,
        ws: i64,
        table: i64,
        search: &[crate::search::PipeCondition],
    ) -> Result<BulkOutcome> {
        self.send(&requests::delete_by_search(ws, table, search))
            .await
    }

    /// Inserts rows in one call; returns the new ids in order.
    pub async fn bulk_create(
        &self,
        ws: i64,
        table: i64,
        items: &[Row],
        allow_id_field: bool,
    ) -> Result<Vec<RowId>> {
        self.send(&requests::bulk_create(ws, table, items, allow_id_field))
            .await
    }

    pub async fn bulk_patch(
        &self,
        ws: i64,
        table: i64,
        items: &[requests::BulkPatchItem],
    ) -> Result<BulkOutcome> {
        self.send(&requests::bulk_patch(ws, table, items)).await
    }

    pub async fn bulk_delete(&self, ws: i64, table: i64, row_ids: &[RowId]) -> Result<BulkOutcome> {
        self.send(&requests::bulk_delete(ws, table, row_ids)).await
    }

    // ---- APIs -----------------------------------------------------------------------------------

    pub async fn list_api_groups(
        &self,
        ws: i64,
        params: &requests::ListParams,
    ) -> Result<MetaPage<ApiGroup>> {
        self.send(&requests::list_api_groups(ws, params)).await
    }

    pub async fn get_api_group(&self, ws: i64, group: i64) -> Result<ApiGroup> {
        self.send(&requests::get_api_group(ws, group)).await
    }

    pub async fn list_apis(
        &self,
        ws: i64,
        group: i64,
        params: &requests::ListParams,
    ) -> Result<MetaPage<Api>> {
        self.send(&requests::list_apis(ws, group, params)).await
    }

    /// The group's OpenAPI document, as sent.
    pub async fn get_api_group_openapi(&self, ws: i64, group: i64) -> Result<Value> {
        self.send(&requests::get_api_group_openapi(ws, group)).await
    }

    // ---- request history ------------------------------------------------------------------------

    pub async fn request_history(
        &self,
        ws: i64,
        query: &requests::HistoryQuery,
    ) -> Result<MetaPage<RequestHistoryItem>> {
        self.send(&requests::request_history(ws, query)).await
    }

    pub async fn search_request_history(
        &self,
        ws: i64,
        search: &requests::HistorySearch,
    ) -> Result<MetaPage<RequestHistoryItem>> {
        self.send(&requests::search_request_history(ws, search))
            .await
    }
}

enum AttemptError {
    /// The request never left (connect failed): safe to retry whatever it was.
    NotSent(String),
    Timeout,
    /// The connection broke after sending.
    Broken(String),
}

impl AttemptError {
    fn from_send(e: reqwest::Error) -> Self {
        if e.is_timeout() {
            AttemptError::Timeout
        } else if e.is_connect() {
            AttemptError::NotSent(describe(&e))
        } else {
            AttemptError::Broken(describe(&e))
        }
    }

    fn from_body(e: reqwest::Error) -> Self {
        if e.is_timeout() {
            AttemptError::Timeout
        } else {
            AttemptError::Broken(describe(&e))
        }
    }
}

/// A reqwest error in words, without its URL (which is ours anyway) and without any header.
fn describe(e: &reqwest::Error) -> String {
    let mut out = if e.is_connect() {
        "the connection could not be opened".to_owned()
    } else if e.is_body() || e.is_decode() {
        "the answer was cut off".to_owned()
    } else {
        "the request failed".to_owned()
    };
    let mut source = std::error::Error::source(e);
    let mut depth = 0;
    while let Some(s) = source {
        if depth == 0 {
            out.push_str(" (");
        } else {
            out.push_str(": ");
        }
        out.push_str(&s.to_string());
        source = s.source();
        depth += 1;
    }
    if depth > 0 {
        out.push(')');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_caps_and_jitters() {
        let p = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            max_retry_after: Duration::from_secs(5),
        };
        for _ in 0..50 {
            let d1 = p.backoff(1);
            assert!(
                d1 >= Duration::from_millis(50) && d1 <= Duration::from_millis(100),
                "{d1:?}"
            );
            let d3 = p.backoff(3);
            assert!(
                d3 >= Duration::from_millis(200) && d3 <= Duration::from_millis(400),
                "{d3:?}"
            );
            let d9 = p.backoff(9);
            assert!(
                d9 >= Duration::from_millis(500) && d9 <= Duration::from_millis(1000),
                "{d9:?}"
            );
        }
    }

    #[test]
    fn preview_redacts_the_token_and_adds_data_source_and_branch() {
        let client = XanoClient::new(
            MetaBase::parse("https://x1.n7.xano.io").expect("base"),
            XanoToken::new("very-secret-token"),
        )
        .expect("client")
        .with_data_source(Some("test".into()))
        .with_branch(Some("dev".into()));
        let p = client.preview(&requests::browse_content(3, 4, 2, 10));
        assert_eq!(
            p.url,
            "https://x1.n7.xano.io/api:meta/workspace/3/table/4/content?page=2&per_page=10"
        );
        assert!(p.headers.contains(&("X-Data-Source".into(), "test".into())));
        let p = client.preview(&requests::list_tables(3, &Default::default()));
        assert_eq!(
            p.url,
            "https://x1.n7.xano.io/api:meta/workspace/3/table?branch=dev"
        );
        assert!(!p.headers.iter().any(|(k, _)| k == "X-Data-Source"));
        let shown = serde_json::to_string(&p).expect("json") + &format!("{client:?}");
        assert!(!shown.contains("very-secret-token"), "{shown}");
    }

    #[test]
    fn an_empty_token_is_refused_with_guidance() {
        let err = XanoClient::new(MetaBase::account(), XanoToken::new(" ")).expect_err("empty");
        assert!(err.to_string().contains("Paste the token"));
    }
}
