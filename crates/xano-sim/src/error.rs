//! The one error type of the sim's HTTP surface, rendered as Xano's platform-wide error body
//! `{"code": "...", "message": "...", "payload": ...}`.
//!
//! Invariants: every non-2xx answer the sim produces from a handler goes through [`ApiError`], so
//! the body shape is the same everywhere; messages never contain a bearer token. The exact wording
//! of messages is ours: the reference only pins the codes and (for 429) the start of the text.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::config::{Permission, Scope};

/// Result of a handler.
pub(crate) type Result<T, E = ApiError> = std::result::Result<T, E>;

/// The 429 message of Xano's free plan. The reference quotes the first two sentences and elides the
/// rest ("..."); the closing sentence here is ours.
pub(crate) const RATE_LIMIT_MESSAGE: &str = "Whoa there! Your plan only supports 10 requests per 20 seconds. Please upgrade your plan or try again shortly.";

/// A failed request, as Xano reports it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(crate) enum ApiError {
    /// 400 `ERROR_CODE_INPUT_ERROR` naming the offending input in `payload.param`.
    #[error("{message}")]
    Input { param: String, message: String },
    /// 401 `ERROR_CODE_UNAUTHORIZED`.
    #[error("Invalid token.")]
    Unauthorized,
    /// 403 `ERROR_CODE_ACCESS_DENIED` naming the missing scope and permission.
    #[error("This token is missing the required scope: {scope}: {permission}")]
    AccessDenied {
        scope: Scope,
        permission: Permission,
    },
    /// 404 `ERROR_CODE_NOT_FOUND`.
    #[error("{0}")]
    NotFound(String),
    /// 429 `ERROR_CODE_TOO_MANY_REQUESTS` with the free-plan message.
    #[error("{RATE_LIMIT_MESSAGE}")]
    TooManyRequests { retry_after_secs: Option<u64> },
    /// 5xx `ERROR_FATAL`.
    #[error("{message}")]
    Fatal { status: u16, message: String },
}

impl ApiError {
    /// A 400 for input `param`.
    pub(crate) fn input(param: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::Input {
            param: param.into(),
            message: message.into(),
        }
    }

    /// A 404 with the given message.
    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        ApiError::NotFound(message.into())
    }

    fn status(&self) -> StatusCode {
        match self {
            ApiError::Input { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::AccessDenied { .. } => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Fatal { status, .. } => {
                StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            }
        }
    }

    fn code(&self) -> &'static str {
        match self {
            ApiError::Input { .. } => "ERROR_CODE_INPUT_ERROR",
            ApiError::Unauthorized => "ERROR_CODE_UNAUTHORIZED",
            ApiError::AccessDenied { .. } => "ERROR_CODE_ACCESS_DENIED",
            ApiError::NotFound(_) => "ERROR_CODE_NOT_FOUND",
            ApiError::TooManyRequests { .. } => "ERROR_CODE_TOO_MANY_REQUESTS",
            ApiError::Fatal { .. } => "ERROR_FATAL",
        }
    }

    /// The JSON body.
    pub(crate) fn body(&self) -> Value {
        let payload = match self {
            ApiError::Input { param, .. } => json!({ "param": param }),
            _ => Value::Null,
        };
        json!({ "code": self.code(), "message": self.to_string(), "payload": payload })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status(), Json(self.body())).into_response();
        if let ApiError::TooManyRequests {
            retry_after_secs: Some(secs),
        } = self
        {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}
