//! [`AppError`]: the one error the desktop UI receives. A closed set of codes (`code` is the serde
//! tag), each with a `message` that says what happened and what to do next. The UI branches on
//! `code`, never on text.
//!
//! It mirrors the setup errors of [`crate::Error`] one for one and adds what only the app meets:
//! the server's port taken, a client config that cannot be changed, a tool call that failed, a
//! token or approval that is gone.

use serde::{Deserialize, Serialize};

/// Every failure the app's commands can answer with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "code")]
pub enum AppError {
    /// Xano refused the token (wrong, revoked or expired).
    #[error("{message}")]
    XanoAuthInvalid { message: String },
    /// The token lacks a scope; `scope`/`permission` name it when known.
    #[error("{message}")]
    XanoAccessDenied {
        scope: Option<String>,
        permission: Option<String>,
        message: String,
    },
    /// Xano could not be reached.
    #[error("{message}")]
    XanoUnreachable { message: String },
    /// Xano's rate limit was hit.
    #[error("{message}")]
    XanoRateLimited { message: String },
    /// Any other Xano failure.
    #[error("{message}")]
    XanoFailed {
        status: Option<u16>,
        message: String,
    },
    /// The OS keychain cannot be used.
    #[error("{message}")]
    KeychainUnavailable { message: String },
    /// The keychain refused or garbled one entry.
    #[error("{message}")]
    KeychainFailed { message: String },
    /// Not a Xano instance address.
    #[error("{message}")]
    InvalidInstanceUrl { message: String },
    /// The account host cannot list instances: the user types the address.
    #[error("{message}")]
    NoInstanceFound { message: String },
    /// Not signed in to Xano yet (the wizard has not run, or the token is gone).
    #[error("{message}")]
    NotSignedIn { message: String },
    /// No profile of that name.
    #[error("{message}")]
    ProfileNotFound { name: String, message: String },
    /// A value the user gave is not acceptable; `field` names the input.
    #[error("{message}")]
    InvalidInput { field: String, message: String },
    /// `profiles.json` cannot be understood.
    #[error("{message}")]
    ProfilesUnreadable { path: String, message: String },
    /// A file could not be read or written.
    #[error("{message}")]
    Storage { message: String },
    /// The MCP server's port is taken; `heldByXanoMcp` when another xano-mcp holds it.
    #[error("{message}")]
    PortInUse {
        port: u16,
        #[serde(rename = "heldByXanoMcp")]
        held_by_xano_mcp: bool,
        message: String,
    },
    /// The MCP server is not running (not set up yet, or it failed to start).
    #[error("{message}")]
    ServerNotRunning { message: String },
    /// A client config file cannot be read as JSON; nothing was written.
    #[error("{message}")]
    ConfigUnparseable { path: String, message: String },
    /// A client config could not be planned or written for another reason.
    #[error("{message}")]
    ClientConfigFailed { client: String, message: String },
    /// A token with that name exists already.
    #[error("{message}")]
    TokenNameTaken { name: String, message: String },
    /// No token with that name.
    #[error("{message}")]
    TokenNotFound { name: String, message: String },
    /// A tool call (playground, live check) failed; `toolCode` is the tool error's code.
    #[error("{message}")]
    ToolFailed {
        #[serde(rename = "toolCode")]
        tool_code: String,
        argument: Option<String>,
        message: String,
    },
    /// The approval was already decided or timed out.
    #[error("{message}")]
    ApprovalNotFound { id: u32, message: String },
    /// A bug or an unexpected state; the message says what to try.
    #[error("{message}")]
    Internal { message: String },
}

impl AppError {
    /// The code the UI branches on.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::XanoAuthInvalid { .. } => "XanoAuthInvalid",
            AppError::XanoAccessDenied { .. } => "XanoAccessDenied",
            AppError::XanoUnreachable { .. } => "XanoUnreachable",
            AppError::XanoRateLimited { .. } => "XanoRateLimited",
            AppError::XanoFailed { .. } => "XanoFailed",
            AppError::KeychainUnavailable { .. } => "KeychainUnavailable",
            AppError::KeychainFailed { .. } => "KeychainFailed",
            AppError::InvalidInstanceUrl { .. } => "InvalidInstanceUrl",
            AppError::NoInstanceFound { .. } => "NoInstanceFound",
            AppError::NotSignedIn { .. } => "NotSignedIn",
            AppError::ProfileNotFound { .. } => "ProfileNotFound",
            AppError::InvalidInput { .. } => "InvalidInput",
            AppError::ProfilesUnreadable { .. } => "ProfilesUnreadable",
            AppError::Storage { .. } => "Storage",
            AppError::PortInUse { .. } => "PortInUse",
            AppError::ServerNotRunning { .. } => "ServerNotRunning",
            AppError::ConfigUnparseable { .. } => "ConfigUnparseable",
            AppError::ClientConfigFailed { .. } => "ClientConfigFailed",
            AppError::TokenNameTaken { .. } => "TokenNameTaken",
            AppError::TokenNotFound { .. } => "TokenNotFound",
            AppError::ToolFailed { .. } => "ToolFailed",
            AppError::ApprovalNotFound { .. } => "ApprovalNotFound",
            AppError::Internal { .. } => "Internal",
        }
    }

    pub(crate) fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::InvalidInput {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    pub(crate) fn internal(message: impl Into<String>) -> Self {
        AppError::Internal {
            message: message.into(),
        }
    }

    pub(crate) fn storage(message: impl Into<String>) -> Self {
        AppError::Storage {
            message: message.into(),
        }
    }
}

impl From<crate::Error> for AppError {
    fn from(err: crate::Error) -> Self {
        use crate::Error as E;
        let message = err.message().to_owned();
        match err {
            E::XanoAuthInvalid { .. } => AppError::XanoAuthInvalid { message },
            E::XanoAccessDenied {
                scope, permission, ..
            } => AppError::XanoAccessDenied {
                scope,
                permission,
                message,
            },
            E::XanoUnreachable { .. } => AppError::XanoUnreachable { message },
            E::XanoRateLimited { .. } => AppError::XanoRateLimited { message },
            E::XanoFailed { status, .. } => AppError::XanoFailed { status, message },
            E::KeychainUnavailable { .. } => AppError::KeychainUnavailable { message },
            E::KeychainFailed { .. } => AppError::KeychainFailed { message },
            E::InvalidInstanceUrl { .. } => AppError::InvalidInstanceUrl { message },
            E::NoInstanceFound { .. } => AppError::NoInstanceFound { message },
            E::NotSignedIn { .. } => AppError::NotSignedIn { message },
            E::ProfileNotFound { name, .. } => AppError::ProfileNotFound { name, message },
            E::InvalidInput { field, .. } => AppError::InvalidInput { field, message },
            E::ProfilesUnreadable { path, .. } => AppError::ProfilesUnreadable { path, message },
            E::Storage { .. } => AppError::Storage { message },
            #[allow(unreachable_patterns)]
            _ => AppError::Internal { message },
        }
    }
}

impl From<xano::Error> for AppError {
    fn from(err: xano::Error) -> Self {
        crate::Error::from(err).into()
    }
}

impl From<vault::Error> for AppError {
    fn from(err: vault::Error) -> Self {
        crate::Error::from(err).into()
    }
}

impl From<vault::TokenError> for AppError {
    fn from(err: vault::TokenError) -> Self {
        let message = err.to_string();
        match err {
            vault::TokenError::NameTaken(name) => AppError::TokenNameTaken {
                message: format!(
                    "A token named `{name}` already exists. Choose another name, or revoke the old one first."
                ),
                name,
            },
            vault::TokenError::NotFound(name) => AppError::TokenNotFound {
                message: format!(
                    "There is no token named `{name}`. Reload the Access tokens page to see the current list."
                ),
                name,
            },
            vault::TokenError::InvalidName(_) => AppError::invalid(
                "name",
                "Token names use 1-40 lowercase letters, digits, `-` or `_`, e.g. `cursor-laptop`.",
            ),
            vault::TokenError::Revoked(name) => AppError::invalid(
                "name",
                format!(
                    "The token `{name}` is revoked and cannot be changed. Create a new token instead."
                ),
            ),
            vault::TokenError::Database { .. } | vault::TokenError::Random(_) => {
                AppError::storage(message)
            }
        }
    }
}

impl From<clients::Error> for AppError {
    fn from(err: clients::Error) -> Self {
        let message = err.to_string();
        match &err {
            clients::Error::ConfigUnparseable { path, .. }
            | clients::Error::UnexpectedShape { path, .. } => AppError::ConfigUnparseable {
                path: path.display().to_string(),
                message,
            },
            _ => AppError::ClientConfigFailed {
                client: String::new(),
                message,
            },
        }
    }
}

impl From<mcp::ToolError> for AppError {
    fn from(err: mcp::ToolError) -> Self {
        let mut message = err.message.clone();
        if let Some(applied) = &err.applied {
            message.push(' ');
            message.push_str(applied);
        }
        AppError::ToolFailed {
            tool_code: err.code,
            argument: err.argument,
            message,
        }
    }
}

/// The result type of the app's use cases.
pub type AppResult<T> = std::result::Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_with_a_code_tag() {
        let err = AppError::PortInUse {
            port: 7717,
            held_by_xano_mcp: true,
            message: "taken".into(),
        };
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(json["code"], "PortInUse");
        assert_eq!(json["heldByXanoMcp"], true);
        assert_eq!(err.code(), "PortInUse");
        let back: AppError = serde_json::from_value(json).unwrap();
        assert_eq!(back, err);
    }

    #[test]
    fn setup_errors_keep_their_code_and_message() {
        let core = crate::Error::from(vault::Error::KeychainUnavailable {
            detail: "no bus".into(),
        });
        let app = AppError::from(core.clone());
        assert_eq!(app.code(), core.code());
        assert_eq!(app.to_string(), core.message());
    }
}
