//! The Streamable HTTP transport on `127.0.0.1:<port>/mcp` (DESIGN §4, mcp-rust-notes §5).
//!
//! Security rules kept here: bind loopback only; rmcp's Host check stays on (loopback names);
//! Origin validation is enforced (any request carrying an `Origin` is refused, since no browser page
//! is a legitimate client); the body is capped; a bearer token is required, compared in constant
//! time, and a refusal says nothing about why. Both protocol eras rmcp supports are served. A body
//! that is not JSON, or JSON that is not a JSON-RPC message, gets a JSON-RPC error (-32700,
//! -32600) with a 400, not rmcp's plain-text 415, so a client's parser can report it.

use crate::engine::Engine;
use crate::policy::Caller;
use crate::server::{CallHook, XanoMcpServer};
use crate::sessions::BoundedSessions;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::serve::ListenerExt as _;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use std::net::SocketAddr;
use std::sync::Arc;
use subtle::ConstantTimeEq;
use tokio_util::sync::CancellationToken;

/// The port the server listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 7717;

/// The largest request body accepted (a bulk insert of a few thousand rows fits).
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error(
        "port {port} on 127.0.0.1 is already in use (is another xano-mcp running?). Stop it, or choose another port with --port."
    )]
    PortInUse { port: u16 },
    #[error("could not listen on 127.0.0.1:{port}: {source}")]
    Bind { port: u16, source: std::io::Error },
}

/// A running HTTP server.
#[derive(Debug)]
pub struct RunningHttp {
    pub addr: SocketAddr,
    stop: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

impl RunningHttp {
    /// `http://127.0.0.1:<port>/mcp`.
    pub fn url(&self) -> String {
        format!("http://{}/mcp", self.addr)
    }

    /// Stops accepting, lets in-flight requests finish, and waits.
    pub async fn shutdown(self) {
        self.stop.cancel();
        let _ = self.task.await;
    }

    /// Waits until the server stops (after `stop_token` is cancelled).
    pub async fn wait(self) {
        let _ = self.task.await;
    }

    /// Cancelling this token stops the server gracefully.
    pub fn stop_token(&self) -> CancellationToken {
        self.stop.clone()
    }
}

/// Who a bearer token belongs to. A refusal is `None`: the caller learns nothing more.
pub trait Authenticator: Send + Sync + 'static {
    fn authenticate(&self, bearer: &str) -> Option<Caller>;
}

/// Local access tokens from the token database: revoked and expired tokens are refused on the very
/// next request, whichever process revoked them.
impl Authenticator for vault::TokenStore {
    fn authenticate(&self, bearer: &str) -> Option<Caller> {
        let now = i64::try_from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis()),
        )
        .unwrap_or(i64::MAX);
        match vault::TokenStore::authenticate(self, bearer, now) {
            Ok(vault::AuthOutcome::Valid(info)) => Some(Caller { token_id: info.id }),
            Ok(_) => None,
            Err(e) => {
                tracing::error!("token database: {e}");
                None
            }
        }
    }
}

/// One fixed token (tests and embedding); constant-time comparison.
#[derive(Debug, Clone)]
pub struct FixedToken {
    pub token: String,
    pub caller: Caller,
}

impl Authenticator for FixedToken {
    fn authenticate(&self, bearer: &str) -> Option<Caller> {
        (!self.token.is_empty() && bool::from(bearer.as_bytes().ct_eq(self.token.as_bytes())))
            .then_some(self.caller)
    }
}

/// Starts the server on 127.0.0.1:`port` (0 = any free port). `auth` decides who may call;
/// `make_hook` builds the policy/audit hook of each session.
pub async fn serve<H: CallHook>(
    engine: Arc<Engine>,
    port: u16,
    auth: Arc<dyn Authenticator>,
    make_hook: impl Fn() -> Arc<H> + Send + Sync + 'static,
) -> Result<RunningHttp, HttpError> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|source| {
            if source.kind() == std::io::ErrorKind::AddrInUse {
                HttpError::PortInUse { port }
            } else {
                HttpError::Bind { port, source }
            }
        })?;
    let addr = listener
        .local_addr()
        .map_err(|source| HttpError::Bind { port, source })?;
    let stop = CancellationToken::new();
    let app = mcp_router(engine, make_hook, stop.child_token())
        .layer(axum::middleware::from_fn_with_state(auth, require_bearer));
    let listener = listener.tap_io(|tcp| {
        // Nagle + delayed ACK would stall keep-alive clients by ~40 ms per request.
        let _ = tcp.set_nodelay(true);
    });
    let shutdown = stop.clone();
    let task = tokio::spawn(async move {
        let server = axum::serve(listener, app)
            .with_graceful_shutdown(async move { shutdown.cancelled().await });
        if let Err(err) = server.await {
            tracing::error!("MCP HTTP server stopped: {err}");
        }
    });
    tracing::info!(%addr, "MCP server listening on http://{addr}/mcp");
    Ok(RunningHttp { addr, stop, task })
}

/// The MCP endpoint itself, without the bearer check: loopback Host check, Origin validation
/// enforced, body cap, both protocol eras. [`serve`] puts the bearer check in front of it; the
/// conformance suite (which cannot send a header) runs against it directly, on loopback only.
pub fn mcp_service<H: CallHook>(
    engine: Arc<Engine>,
    make_hook: impl Fn() -> Arc<H> + Send + Sync + 'static,
    stop: CancellationToken,
) -> StreamableHttpService<XanoMcpServer<H>, BoundedSessions> {
    let config = StreamableHttpServerConfig::default()
        .enforce_origin_validation()
        .with_max_request_body_bytes(MAX_BODY_BYTES)
        .with_cancellation_token(stop);
    StreamableHttpService::new(
        move || Ok(XanoMcpServer::with_hook(engine.clone(), make_hook())),
        // At most `MAX_SESSIONS` live sessions: abandoned ones cannot pile up until rmcp's
        // five-minute idle timeout (the soak run's memory finding).
        Arc::new(BoundedSessions::default()),
        config,
    )
}

/// [`mcp_service`] at `/mcp`, with JSON-RPC errors for bodies that are not JSON-RPC
/// ([`jsonrpc_errors`]). [`serve`] adds the bearer check in front.
pub fn mcp_router<H: CallHook>(
    engine: Arc<Engine>,
    make_hook: impl Fn() -> Arc<H> + Send + Sync + 'static,
    stop: CancellationToken,
) -> axum::Router {
    axum::Router::new()
        .nest_service("/mcp", mcp_service(engine, make_hook, stop))
        .layer(axum::middleware::from_fn(jsonrpc_errors))
}

/// What rmcp's plain-text answer to a body it cannot read as a JSON-RPC message starts with.
const RMCP_UNREADABLE: &[u8] = b"fail to deserialize request body";

/// A JSON-RPC error response with no id (the request's could not be read), as a 400.
fn jsonrpc_error(code: i64, message: String) -> Response {
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": { "code": code, "message": message },
    });
    (http::StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
}

/// Turns rmcp's plain-text refusal of a JSON POST body it cannot read into a JSON-RPC error: a
/// parse error (-32700) when the body is not JSON, an invalid-request error (-32600) when it is
/// JSON but not a JSON-RPC message, both as 400 (the
/// Streamable HTTP transport's "HTTP error status, MAY include a JSON-RPC error response with no
/// id"). Everything else passes through untouched; the body cap still applies.
pub async fn jsonrpc_errors(request: Request, next: Next) -> Response {
    let is_json = request
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    if request.method() != http::Method::POST || !is_json {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        return (
            http::StatusCode::PAYLOAD_TOO_LARGE,
            format!("Payload Too Large: request body exceeds {MAX_BODY_BYTES} bytes"),
        )
            .into_response();
    };
    // The body is handed on as is (a cheap clone of the buffer); only a refusal is looked into,
    // so a good request costs no extra parse.
    let response = next
        .run(Request::from_parts(
            parts,
            axum::body::Body::from(bytes.clone()),
        ))
        .await;
    if response.status() != http::StatusCode::UNSUPPORTED_MEDIA_TYPE {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    if !text.starts_with(RMCP_UNREADABLE) {
        return Response::from_parts(parts, axum::body::Body::from(text));
    }
    match serde_json::from_slice::<serde::de::IgnoredAny>(&bytes) {
        Err(e) => jsonrpc_error(-32700, format!("Parse error: the body is not JSON ({e})")),
        Ok(_) => jsonrpc_error(
            -32600,
            format!(
                "Invalid Request: the body is JSON but not a JSON-RPC 2.0 message ({})",
                String::from_utf8_lossy(&text[RMCP_UNREADABLE.len()..]).trim()
            ),
        ),
    }
}

/// Requires `Authorization: Bearer <token>` that the authenticator accepts; records the caller in
/// the request's extensions (rmcp hands them to the tool call). Anything else is a bare 401.
/// Public so the benchmark's server variants measure this exact middleware.
pub async fn require_bearer(
    State(auth): State<Arc<dyn Authenticator>>,
    mut request: Request,
    next: Next,
) -> Response {
    let given = request
        .headers()
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .unwrap_or("");
    match (!given.is_empty())
        .then(|| auth.authenticate(given))
        .flatten()
    {
        Some(caller) => {
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        None => (
            http::StatusCode::UNAUTHORIZED,
            [(http::header::WWW_AUTHENTICATE, "Bearer")],
        )
            .into_response(),
    }
}
