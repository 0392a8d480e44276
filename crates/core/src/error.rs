//! The one error of the application API. It crosses to the UI as JSON with a closed set of codes
//! (`{"code": "XanoAuthInvalid", "message": "...", ...}`), so the UI branches on `code`, never on
//! text, and shows `message`, which always says what happened and what to do next.
//!
//! Invariants: no variant carries a secret (messages come from `xano::Error` and `vault::Error`,
//! which never hold tokens, or are written here); every variant has a `message` a non-technical
//! user can act on. Codes are added only when the UI (or the CLI) branches on them.

use serde::{Deserialize, Serialize};
use std::path::Path;

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything a setup or status call can fail with. Serialised with `code` as the tag.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "code")]
pub enum Error {
    /// Xano answered 401: the token is wrong, revoked or expired.
    #[error("{message}")]
    XanoAuthInvalid { message: String },

    /// Xano answered 403: the token lacks a scope (named when known) or the user lacks a role.
    #[error("{message}")]
    XanoAccessDenied {
        /// The scope as Xano's token screen names it, e.g. `Workspace Content`.
        scope: Option<String>,
        /// The missing toggle: `Create`, `Read`, `Update` or `Delete`.
        permission: Option<String>,
        message: String,
    },

    /// Xano could not be reached (no connection, DNS, TLS, timeout).
    #[error("{message}")]
    XanoUnreachable { host: String, message: String },

    /// Xano's rate limit was hit and retries did not get through.
    #[error("{message}")]
    XanoRateLimited { message: String },

    /// Any other Xano failure (404, 400, 5xx, an unreadable answer).
    #[error("{message}")]
    XanoFailed {
        status: Option<u16>,
        message: String,
    },

    /// The OS keychain cannot be used (no Secret Service, locked, access denied).
    #[error("{message}")]
    KeychainUnavailable { detail: String, message: String },

    /// The keychain is there but refused or garbled one entry.
    #[error("{message}")]
    KeychainFailed { message: String },

    /// An instance address that cannot be a Xano instance.
    #[error("{message}")]
    InvalidInstanceUrl { input: String, message: String },

    /// The account host cannot list instances (self-hosted, custom domain) or lists none: the user
    /// types the instance address instead.
    #[error("{message}")]
    NoInstanceFound { message: String },

    /// No Xano token for the profile (never signed in, signed out, or headless without
    /// `XANO_TOKEN`), or no instance to talk to.
    #[error("{message}")]
    NotSignedIn {
        profile: Option<String>,
        message: String,
    },

    /// No profile of that name.
    #[error("{message}")]
    ProfileNotFound { name: String, message: String },

    /// A value the user gave is not acceptable (profile name, empty token, date, ...).
    #[error("{message}")]
    InvalidInput { field: String, message: String },

    /// `profiles.json` cannot be understood (corrupt, or from a newer version); left untouched.
    #[error("{message}")]
    ProfilesUnreadable { path: String, message: String },

    /// A file could not be read or written.
    #[error("{message}")]
    Storage { message: String },
}

impl Error {
    /// The code the UI branches on, e.g. `XanoAuthInvalid`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::XanoAuthInvalid { .. } => "XanoAuthInvalid",
            Error::XanoAccessDenied { .. } => "XanoAccessDenied",
            Error::XanoUnreachable { .. } => "XanoUnreachable",
            Error::XanoRateLimited { .. } => "XanoRateLimited",
            Error::XanoFailed { .. } => "XanoFailed",
            Error::KeychainUnavailable { .. } => "KeychainUnavailable",
            Error::KeychainFailed { .. } => "KeychainFailed",
            Error::InvalidInstanceUrl { .. } => "InvalidInstanceUrl",
            Error::NoInstanceFound { .. } => "NoInstanceFound",
            Error::NotSignedIn { .. } => "NotSignedIn",
            Error::ProfileNotFound { .. } => "ProfileNotFound",
            Error::InvalidInput { .. } => "InvalidInput",
            Error::ProfilesUnreadable { .. } => "ProfilesUnreadable",
            Error::Storage { .. } => "Storage",
        }
    }

    /// The human message (the same as `Display`).
    pub fn message(&self) -> &str {
        match self {
            Error::XanoAuthInvalid { message }
            | Error::XanoAccessDenied { message, .. }
            | Error::XanoUnreachable { message, .. }
            | Error::XanoRateLimited { message }
            | Error::XanoFailed { message, .. }
            | Error::KeychainUnavailable { message, .. }
            | Error::KeychainFailed { message }
            | Error::InvalidInstanceUrl { message, .. }
            | Error::NoInstanceFound { message }
            | Error::NotSignedIn { message, .. }
            | Error::ProfileNotFound { message, .. }
            | Error::InvalidInput { message, .. }
            | Error::ProfilesUnreadable { message, .. }
            | Error::Storage { message } => message,
        }
    }

    /// True for [`Error::KeychainUnavailable`].
    pub fn is_keychain_unavailable(&self) -> bool {
        matches!(self, Error::KeychainUnavailable { .. })
    }

    pub(crate) fn invalid_input(field: &str, message: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    pub(crate) fn profile_not_found(name: &str) -> Self {
        vault::Error::ProfileNotFound {
            name: name.to_owned(),
        }
        .into()
    }

    pub(crate) fn storage(action: &str, path: &Path, err: &std::io::Error) -> Self {
        Error::Storage {
            message: format!(
                "Could not {action} {}: {err}. Check that the folder exists and that you may write to it (or set XANO_MCP_HOME to a folder you own).",
                path.display()
            ),
        }
    }

    /// A 403 for a scope we know we were probing (Xano's own message may not name it).
    pub(crate) fn access_denied(scope: &str, permission: &str, xano_message: &str) -> Self {
        let said = xano_message.trim();
        let said = if said.is_empty() || said.contains(scope) {
            String::new()
        } else {
            format!(" Xano said: {said}.")
        };
        Error::XanoAccessDenied {
            scope: Some(scope.to_owned()),
            permission: Some(permission.to_owned()),
            message: format!(
                "Xano denied access (403): the token is missing the scope \"{scope}\" with \"{permission}\" permission.{said} In Xano open Instances → ⚙ → Metadata API & MCP Server → Manage Access Tokens, edit the token and turn on {scope}: {permission} (or create a token that has it), then sign in again with `xano-mcp login`."
            ),
        }
    }
}

impl From<xano::Error> for Error {
    fn from(err: xano::Error) -> Self {
        let message = err.to_string();
        match err {
            xano::Error::Unauthorized { .. } => Error::XanoAuthInvalid {
                message: format!("{message} (`xano-mcp login`, or the app's setup page)"),
            },
            xano::Error::AccessDenied { message: said } => {
                match crate::scopes::XanoScope::named_in(&said) {
                    Some((scope, permission)) => Error::access_denied(
                        scope.display_name(),
                        permission.unwrap_or("Read"),
                        &said,
                    ),
                    None => Error::XanoAccessDenied {
                        scope: None,
                        permission: None,
                        message,
                    },
                }
            }
            xano::Error::Network { host, .. } => Error::XanoUnreachable { host, message },
            xano::Error::Timeout { .. } => Error::XanoUnreachable {
                host: String::new(),
                message,
            },
            xano::Error::RateLimited { .. } => Error::XanoRateLimited { message },
            xano::Error::InvalidInstanceUrl { input, .. } => {
                Error::InvalidInstanceUrl { input, message }
            }
            other => Error::XanoFailed {
                status: other.status(),
                message,
            },
        }
    }
}

impl From<vault::Error> for Error {
    fn from(err: vault::Error) -> Self {
        let message = err.to_string();
        match err {
            vault::Error::KeychainUnavailable { detail } => {
                Error::KeychainUnavailable { detail, message }
            }
            vault::Error::ProfileNotFound { name } => Error::ProfileNotFound { name, message },
            vault::Error::ProfilesCorrupt { path, .. }
            | vault::Error::ProfilesTooNew { path, .. } => Error::ProfilesUnreadable {
                path: path.display().to_string(),
                message,
            },
            vault::Error::EmptySecret => Error::invalid_input("token", message),
            vault::Error::InvalidName { kind, .. } => Error::invalid_input(kind, message),
            vault::Error::InvalidInstanceHost { .. } => Error::invalid_input("instance", message),
            vault::Error::InvalidProfile { field, .. } => Error::invalid_input(field, message),
            vault::Error::Io { .. } => Error::Storage { message },
            _ => Error::KeychainFailed { message },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_with_a_code_tag_and_a_message() {
        let err = Error::from(vault::Error::KeychainUnavailable {
            detail: "no session bus".into(),
        });
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(json["code"], "KeychainUnavailable");
        assert_eq!(json["detail"], "no session bus");
        let message = json["message"].as_str().unwrap();
        assert!(message.contains("XANO_TOKEN"), "{message}");
        assert_eq!(err.code(), "KeychainUnavailable");
        assert_eq!(err.message(), message);
        let back: Error = serde_json::from_value(json).unwrap();
        assert_eq!(back, err);
    }

    #[test]
    fn xano_errors_map_to_codes() {
        let cases = [
            (
                xano::Error::Unauthorized {
                    message: "Invalid token.".into(),
                },
                "XanoAuthInvalid",
            ),
            (
                xano::Error::Network {
                    host: "x1.n7.xano.io".into(),
                    reason: "dns".into(),
                },
                "XanoUnreachable",
            ),
            (
                xano::Error::Timeout {
                    after: std::time::Duration::from_secs(3),
                },
                "XanoUnreachable",
            ),
            (
                xano::Error::Server {
                    status: 500,
                    message: String::new(),
                },
                "XanoFailed",
            ),
            (
                xano::Error::InvalidInstanceUrl {
                    input: "ftp://x".into(),
                    reason: "scheme".into(),
                },
                "InvalidInstanceUrl",
            ),
        ];
        for (xano_err, code) in cases {
            assert_eq!(Error::from(xano_err).code(), code);
        }
    }

    #[test]
    fn a_403_naming_a_scope_keeps_it() {
        let err = Error::from(xano::Error::AccessDenied {
            message: "This token is missing the required scope: Workspace Content: Read".into(),
        });
        match &err {
            Error::XanoAccessDenied {
                scope, permission, ..
            } => {
                assert_eq!(scope.as_deref(), Some("Workspace Content"));
                assert_eq!(permission.as_deref(), Some("Read"));
            }
            other => panic!("{other:?}"),
        }
        assert!(err.to_string().contains("Workspace Content"), "{err}");
        let vague = Error::from(xano::Error::AccessDenied {
            message: "Access denied.".into(),
        });
        assert!(matches!(vague, Error::XanoAccessDenied { scope: None, .. }));
    }
}
