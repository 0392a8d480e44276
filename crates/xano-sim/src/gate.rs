//! The front door every request passes before routing: prefix normalisation, recording, latency,
//! fault injection and bearer authentication, in that order.
//!
//! Order and why:
//! 1. `/api%3Ameta` (any case of the escape) is rewritten to `/api:meta`, so both spellings reach
//!    the same routes (§1.1);
//! 2. the request is recorded as it arrives (body parsed as JSON when it can be), so faulted,
//!    unauthorised and unknown-route requests are all in the log;
//! 3. latency is added (when configured), then a fault is drawn: a pending `fail_next` one-shot
//!    first, otherwise one draw of the seeded fault RNG. A faulted request never reaches a
//!    handler, so it has no side effect;
//! 4. only then is the token checked (our choice: a gateway throttle or outage answers before
//!    Xano's application code looks at the token, and it makes fault tests independent of auth).
//!    A valid token is handed to handlers as a [`Caller`]; scope checks happen per route.

use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::extract::{Query, Request, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode_str;
use serde_json::Value;

use crate::Shared;
use crate::config::{FaultKind, Permission, Scope, SimToken};
use crate::error::{ApiError, Result};
use crate::recorder::RecordedRequest;

/// Largest request body accepted (bulk inserts can be big).
pub(crate) const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// The authenticated token of a request.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub(crate) token: Arc<SimToken>,
}

impl Caller {
    /// 403 unless the token has `permission` on `scope`.
    pub(crate) fn require(&self, scope: Scope, permission: Permission) -> Result<()> {
        if self.token.scopes.allows(scope, permission) {
            Ok(())
        } else {
            Err(ApiError::AccessDenied { scope, permission })
        }
    }
}

/// The middleware wrapped around the router.
pub(crate) async fn front_door(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    if let Some(uri) = normalised_uri(&parts.uri) {
        parts.uri = uri;
    }
    // An unreadable (e.g. too large) body is recorded as absent and answered 400 below.
    let bytes = to_bytes(body, MAX_BODY_BYTES).await.ok();

    let method = parts.method.clone();
    let path = percent_decode_str(parts.uri.path())
        .decode_utf8_lossy()
        .into_owned();
    let recorded = RecordedRequest {
        method: method.to_string(),
        path: path.clone(),
        query: Query::<Vec<(String, String)>>::try_from_uri(&parts.uri)
            .map(|q| q.0)
            .unwrap_or_default(),
        body: bytes.as_deref().and_then(recorded_body),
        headers: parts
            .headers
            .iter()
            .filter(|(name, _)| RecordedRequest::keeps_header(name.as_str()))
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        status: 0,
        fault: None,
    };
    let body_bytes = bytes.as_ref().map_or(0, |b| b.len());
    let seq = shared.recorder.begin(recorded, body_bytes);

    let (latency, fault, retry_after) = shared.draw_faults();
    if let Some(delay) = latency {
        tokio::time::sleep(delay).await;
    }

    let response = match (fault, bytes) {
        (Some(kind), _) => fault_response(kind, retry_after),
        (None, None) => {
            ApiError::input("body", "The request body is too large or unreadable.").into_response()
        }
        (None, Some(bytes)) => match authenticate(&shared, &parts.headers) {
            Some(token) => {
                parts.extensions.insert(Caller { token });
                next.run(Request::from_parts(parts, Body::from(bytes)))
                    .await
            }
            None => ApiError::Unauthorized.into_response(),
        },
    };
    let status = response.status().as_u16();
    tracing::debug!(%method, %path, status, ?fault, "xano-sim request");
    shared
        .recorder
        .finish(seq, status, fault.map(FaultKind::label));
    response
}

/// `/api%3Ameta/...` → `/api:meta/...`; `None` when nothing changes.
fn normalised_uri(uri: &Uri) -> Option<Uri> {
    const ENCODED: &str = "/api%3ameta";
    let path = uri.path();
    let head = path.get(..ENCODED.len())?;
    if !head.eq_ignore_ascii_case(ENCODED) {
        return None;
    }
    let rest = &path[ENCODED.len()..];
    let rewritten = match uri.query() {
        Some(q) => format!("/api:meta{rest}?{q}"),
        None => format!("/api:meta{rest}"),
    };
    rewritten.parse().ok()
}

fn recorded_body(bytes: &[u8]) -> Option<Value> {
    if bytes.is_empty() {
        return None;
    }
    Some(
        serde_json::from_slice(bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned())),
    )
}

fn authenticate(shared: &Shared, headers: &axum::http::HeaderMap) -> Option<Arc<SimToken>> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let token = token.trim();
    shared
        .tokens
        .iter()
        .find(|t| constant_time_eq(t.token.as_bytes(), token.as_bytes()))
        .cloned()
}

/// Compares without an early exit on the first differing byte.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn fault_response(kind: FaultKind, retry_after_secs: Option<u64>) -> Response {
    match kind {
        FaultKind::RateLimited => ApiError::TooManyRequests { retry_after_secs }.into_response(),
        FaultKind::ServerError(status) => ApiError::Fatal {
            status,
            message: "An unexpected error occurred. Please try again.".to_owned(),
        }
        .into_response(),
        FaultKind::BadGateway => html(
            StatusCode::BAD_GATEWAY,
            "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
        ),
        FaultKind::NotJson => html(
            StatusCode::OK,
            "<!DOCTYPE html><html><head><title>Maintenance</title></head><body><h1>We'll be right back.</h1></body></html>",
        ),
    }
}

fn html(status: StatusCode, body: &'static str) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_encoded_prefix() {
        let uri: Uri = "/api%3Ameta/workspace?x=1".parse().unwrap();
        assert_eq!(
            normalised_uri(&uri).unwrap().to_string(),
            "/api:meta/workspace?x=1"
        );
        let uri: Uri = "/api%3ameta".parse().unwrap();
        assert_eq!(normalised_uri(&uri).unwrap().to_string(), "/api:meta");
        let uri: Uri = "/api:meta/workspace".parse().unwrap();
        assert!(normalised_uri(&uri).is_none());
    }
}
