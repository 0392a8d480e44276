//! Errors of the Metadata API client. Each variant's message says what happened and what to do
//! next, in words a non-technical user (or a model reading a tool error) can act on. Messages never
//! contain the token or response bodies.

use serde::Deserialize;
use std::time::Duration;

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong talking to Xano.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// 401: the token is wrong, revoked or expired.
    #[error(
        "Xano rejected the Metadata API token (401): it is invalid, revoked or expired. Create a new token in Xano (Instances → ⚙ → Metadata API & MCP Server → Manage Access Tokens) and sign in again.{}",
        detail(message)
    )]
    Unauthorized { message: String },

    /// 403: the token lacks a scope or the user lacks a role.
    #[error(
        "Xano denied access (403): {}. Edit the token's scopes in Xano (Manage Access Tokens) or use a token that has them.",
        clause(message)
    )]
    AccessDenied { message: String },

    /// 404: the workspace, table, row or endpoint does not exist.
    #[error(
        "Not found in Xano (404): {}. Check the id; list the parent (workspaces, tables, rows) to find valid ids.",
        clause(message)
    )]
    NotFound { message: String },

    /// 400: Xano refused the input; `param` names the offending parameter when Xano says it.
    #[error("Xano refused the input (400{}): {}. Fix the value and try again.", param.as_deref().map(|p| format!(", parameter `{p}`")).unwrap_or_default(), clause(message))]
    InputError {
        message: String,
        param: Option<String>,
        code: Option<String>,
    },

    /// 429 after all retries.
    #[error(
        "Xano's rate limit was hit (429) and retries did not get through{}. Wait a little and try again; free plans allow about 10 requests per 20 seconds.{}",
        retry_after.map(|d| format!(" (Xano asked to wait {} s)", d.as_secs().max(1))).unwrap_or_default(),
        detail(message)
    )]
    RateLimited {
        message: String,
        retry_after: Option<Duration>,
    },

    /// 5xx, or an unexpected status.
    #[error(
        "Xano had a server error ({status}){}. Try again in a moment; if it persists, check Xano's status page.",
        detail(message)
    )]
    Server { status: u16, message: String },

    /// The request did not reach Xano or the connection broke.
    #[error(
        "Could not reach Xano at {host}: {}. Check your internet connection and the instance address.",
        clause(reason)
    )]
    Network { host: String, reason: String },

    /// No answer within the per-request time limit.
    #[error("Xano did not answer within {} s. Try again; for large reads, ask for fewer rows per page.", after.as_secs())]
    Timeout { after: Duration },

    /// Xano answered, but not with the JSON we expect.
    #[error(
        "Xano's answer (HTTP {status}, {content_type}, {length} bytes) could not be read: {reason}. This may be a temporary gateway problem; try again."
    )]
    UnparseableBody {
        status: u16,
        content_type: String,
        length: usize,
        reason: String,
    },

    /// The instance address is not usable.
    #[error("`{input}` is not a usable Xano instance address: {reason}.")]
    InvalidInstanceUrl { input: String, reason: String },

    /// The client was asked for something it cannot send (e.g. an empty token).
    #[error("{0}")]
    InvalidRequest(String),
}

impl Error {
    /// A short stable code for logs, audit records and tool errors.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Unauthorized { .. } => "xano_unauthorized",
            Error::AccessDenied { .. } => "xano_access_denied",
            Error::NotFound { .. } => "xano_not_found",
            Error::InputError { .. } => "xano_input_error",
            Error::RateLimited { .. } => "xano_rate_limited",
            Error::Server { .. } => "xano_server_error",
            Error::Network { .. } => "xano_unreachable",
            Error::Timeout { .. } => "xano_timeout",
            Error::UnparseableBody { .. } => "xano_unparseable_body",
            Error::InvalidInstanceUrl { .. } => "invalid_instance_url",
            Error::InvalidRequest(_) => "invalid_request",
        }
    }

    /// The HTTP status Xano answered with, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Unauthorized { .. } => Some(401),
            Error::AccessDenied { .. } => Some(403),
            Error::NotFound { .. } => Some(404),
            Error::InputError { .. } => Some(400),
            Error::RateLimited { .. } => Some(429),
            Error::Server { status, .. } | Error::UnparseableBody { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether Xano may have applied a write that ended in this error: only when the request
    /// reached Xano and the outcome is unknown (5xx, timeout, broken connection, unreadable 2xx).
    pub fn write_outcome_unknown(&self) -> bool {
        match self {
            Error::Server { .. } | Error::Timeout { .. } => true,
            Error::Network { .. } => true,
            Error::UnparseableBody { status, .. } => (200..300).contains(status),
            _ => false,
        }
    }

    /// Maps a non-success status and its body to a typed error.
    pub(crate) fn from_status(status: u16, body: &[u8], retry_after: Option<Duration>) -> Self {
        let parsed: Option<ErrorBody> = serde_json::from_slice(body).ok();
        let message = parsed
            .as_ref()
            .and_then(|b| b.message.clone())
            .filter(|m| !m.trim().is_empty())
            .unwrap_or_default();
        let message = truncate(&message, 400);
        let code = parsed.as_ref().and_then(|b| b.code.clone());
        match status {
            401 => Error::Unauthorized { message },
            403 => Error::AccessDenied {
                message: if message.is_empty() {
                    "the token does not allow this action".to_owned()
                } else {
                    message
                },
            },
            404 => Error::NotFound {
                message: if message.is_empty() {
                    "the requested item does not exist".to_owned()
                } else {
                    message
                },
            },
            429 => Error::RateLimited {
                message,
                retry_after,
            },
            400 | 409 | 422 => Error::InputError {
                message: if message.is_empty() {
                    "the request was not accepted".to_owned()
                } else {
                    message
                },
                param: parsed.and_then(|b| b.param()),
                code,
            },
            _ => Error::Server { status, message },
        }
    }
}

/// Xano's platform-wide error body: `{"code": "ERROR_CODE_...", "message": "...", "payload": ...}`.
/// Seen for app APIs; assumed for api:meta (reference §4, [INF]).
#[derive(Debug, Deserialize)]
struct ErrorBody {
    code: Option<String>,
    message: Option<String>,
    #[serde(default)]
    payload: serde_json::Value,
}

impl ErrorBody {
    fn param(&self) -> Option<String> {
        self.payload
            .get("param")
            .and_then(|p| p.as_str())
            .map(str::to_owned)
    }
}

/// Xano's own sentence inside ours: without its final full stop, which ours adds.
fn clause(message: &str) -> &str {
    message.trim_end().trim_end_matches('.')
}

fn detail(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(" Xano said: {message}")
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(max).collect();
        out.push('…');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_xano_error_bodies() {
        let body = br#"{"code":"ERROR_CODE_INPUT_ERROR","message":"Missing param","payload":{"param":"name"}}"#;
        let err = Error::from_status(400, body, None);
        assert!(matches!(&err, Error::InputError { param: Some(p), .. } if p == "name"));
        assert!(err.to_string().contains("parameter `name`"), "{err}");

        // Xano's own full stop is not doubled by ours.
        let body = br#"{"code":"ERROR_CODE_INPUT_ERROR","message":"Duplicate record detected. Please check your inputs.","payload":{}}"#;
        let text = Error::from_status(400, body, None).to_string();
        assert!(
            text.contains("Please check your inputs. Fix the value"),
            "{text}"
        );
        assert!(!text.contains(".."), "{text}");
        let body = br#"{"code":"ERROR_CODE_NOT_FOUND","message":"Not found."}"#;
        let text = Error::from_status(404, body, None).to_string();
        assert!(!text.contains(".."), "{text}");

        let err = Error::from_status(
            401,
            br#"{"code":"ERROR_CODE_UNAUTHORIZED","message":"Invalid token."}"#,
            None,
        );
        assert_eq!(err.code(), "xano_unauthorized");
        assert!(err.to_string().contains("invalid, revoked or expired"));

        let err = Error::from_status(502, b"<html>Bad gateway</html>", None);
        assert!(matches!(err, Error::Server { status: 502, .. }));
        assert!(err.write_outcome_unknown());

        let err = Error::from_status(
            429,
            br#"{"code":"ERROR_CODE_TOO_MANY_REQUESTS","message":"Whoa there!"}"#,
            Some(Duration::from_secs(3)),
        );
        assert!(err.to_string().contains("wait 3 s"), "{err}");
        assert!(!err.write_outcome_unknown());
    }
}
