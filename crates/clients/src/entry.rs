//! The JSON value of our entry for each entry shape, and how an entry found in a file compares to
//! the one we would write.
//!
//! Invariants: a stdio entry never carries a token (the bridge reads it from the keychain by
//! name); a URL entry carries exactly one secret, the `Authorization: Bearer <token>` header.

use crate::client::Client;
use crate::error::{Error, Result};
use crate::spec::{EntrySpec, StdioCommand};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// The shape of an entry in one client's file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EntryShape {
    /// `{"command", "args", "env"?}`.
    Stdio,
    /// `{"type": "http"?, <url_key>, "headers"}`.
    Url {
        url_key: &'static str,
        http_type: bool,
    },
}

impl EntryShape {
    /// Whether the written entry holds a token (and so the file gets mode 0600).
    pub(crate) fn holds_token(self) -> bool {
        matches!(self, EntryShape::Url { .. })
    }
}

/// The entry we would write for `spec`.
pub(crate) fn build(shape: EntryShape, client: Client, spec: &EntrySpec) -> Result<Value> {
    match shape {
        EntryShape::Stdio => {
            let stdio = spec.stdio.as_ref().ok_or_else(|| Error::EntryIncomplete {
                client,
                missing: "the path of the xano-mcp binary (the stdio command) is not known".into(),
            })?;
            let command = stdio_command_text(client, stdio)?;
            let mut entry = json!({ "command": command, "args": stdio.args });
            if !stdio.env.is_empty() {
                entry["env"] = json!(stdio.env);
            }
            Ok(entry)
        }
        EntryShape::Url { url_key, http_type } => {
            let token = spec.token.as_ref().ok_or_else(|| Error::EntryIncomplete {
                client,
                missing:
                    "no local access token was given for it (create one for this client first)"
                        .into(),
            })?;
            let mut entry = Map::new();
            if http_type {
                entry.insert("type".into(), json!("http"));
            }
            entry.insert(url_key.into(), json!(spec.url));
            entry.insert(
                "headers".into(),
                json!({ "Authorization": token.header_value() }),
            );
            Ok(Value::Object(entry))
        }
    }
}

fn stdio_command_text(client: Client, stdio: &StdioCommand) -> Result<String> {
    let text = stdio
        .command
        .to_str()
        .ok_or_else(|| Error::EntryIncomplete {
            client,
            missing: format!(
                "the binary path {} is not valid Unicode",
                stdio.command.display()
            ),
        })?;
    let windows_absolute = text.as_bytes().get(1..3).is_some_and(|s| {
        s[0] == b':' && (s[1] == b'\\' || s[1] == b'/') && text.as_bytes()[0].is_ascii_alphabetic()
    }) || text.starts_with("\\\\");
    if !(stdio.command.is_absolute() || windows_absolute) {
        return Err(Error::EntryIncomplete {
            client,
            missing: format!("the binary path `{text}` is not absolute"),
        });
    }
    Ok(text.to_string())
}

/// The state of our entry in a client config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryState {
    /// The config file does not exist.
    FileAbsent,
    /// The file exists but has no entry of ours.
    Missing,
    /// Our entry is there and says what it should.
    Current,
    /// Our entry is there but out of date; repair rewrites it.
    Stale { reason: StaleReason },
}

impl EntryState {
    /// Whether a repair (plan + apply) would change something.
    pub fn needs_repair(&self) -> bool {
        !matches!(self, EntryState::Current)
    }
}

/// Why an entry is stale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaleReason {
    /// The server URL (usually the port) differs.
    UrlChanged { found: String, expected: String },
    /// The bearer token differs from the one the caller expects.
    TokenDifferent,
    /// No `Authorization` header.
    TokenMissing,
    /// The stdio command points at another binary.
    CommandChanged { found: String, expected: String },
    /// The stdio arguments differ (e.g. another token name).
    ArgsChanged {
        found: Vec<String>,
        expected: Vec<String>,
    },
    /// The stdio environment differs.
    EnvChanged,
    /// The entry has another form (a stdio entry where a URL entry belongs, a wrong `type`, ...).
    ShapeChanged { detail: String },
}

impl fmt::Display for StaleReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StaleReason::UrlChanged { found, expected } => {
                write!(f, "points at {found} instead of {expected}")
            }
            StaleReason::TokenDifferent => f.write_str("uses another access token"),
            StaleReason::TokenMissing => f.write_str("has no access token"),
            StaleReason::CommandChanged { found, expected } => {
                write!(f, "runs {found} instead of {expected}")
            }
            StaleReason::ArgsChanged { found, expected } => write!(
                f,
                "runs with arguments `{}` instead of `{}`",
                found.join(" "),
                expected.join(" ")
            ),
            StaleReason::EnvChanged => f.write_str("has other environment variables"),
            StaleReason::ShapeChanged { detail } => f.write_str(detail),
        }
    }
}

/// Compares an entry found in a file with what `expected` says. Only what the caller passed is
/// compared: without a token the token is not checked, without a stdio command the command is not.
pub(crate) fn assess(shape: EntryShape, found: &Value, expected: &EntrySpec) -> EntryState {
    match assess_reason(shape, found, expected) {
        None => EntryState::Current,
        Some(reason) => EntryState::Stale { reason },
    }
}

fn assess_reason(shape: EntryShape, found: &Value, expected: &EntrySpec) -> Option<StaleReason> {
    let Some(object) = found.as_object() else {
        return Some(StaleReason::ShapeChanged {
            detail: "is not an object".into(),
        });
    };
    match shape {
        EntryShape::Stdio => {
            let Some(command) = object.get("command").and_then(Value::as_str) else {
                return Some(StaleReason::ShapeChanged {
                    detail: "has no `command` (Claude Desktop needs a stdio entry)".into(),
                });
            };
            let stdio = expected.stdio.as_ref()?;
            let expected_command = stdio.command.to_string_lossy();
            if command != expected_command {
                return Some(StaleReason::CommandChanged {
                    found: command.to_string(),
                    expected: expected_command.into_owned(),
                });
            }
            let args = string_list(object.get("args"));
            if args != stdio.args {
                return Some(StaleReason::ArgsChanged {
                    found: args,
                    expected: stdio.args.clone(),
                });
            }
            if string_map(object.get("env")) != stdio.env {
                return Some(StaleReason::EnvChanged);
            }
            None
        }
        EntryShape::Url { url_key, http_type } => {
            let Some(url) = object.get(url_key).and_then(Value::as_str) else {
                return Some(StaleReason::ShapeChanged {
                    detail: format!("has no `{url_key}` (a URL entry is expected)"),
                });
            };
            if http_type && object.get("type").and_then(Value::as_str) != Some("http") {
                return Some(StaleReason::ShapeChanged {
                    detail: "is not of `type: \"http\"`".into(),
                });
            }
            if url != expected.url {
                return Some(StaleReason::UrlChanged {
                    found: url.to_string(),
                    expected: expected.url.clone(),
                });
            }
            match (bearer_token(found), &expected.token) {
                (None, _) => Some(StaleReason::TokenMissing),
                (Some(found), Some(token)) if found != token.expose() => {
                    Some(StaleReason::TokenDifferent)
                }
                _ => None,
            }
        }
    }
}

/// The bearer token in a URL entry's `Authorization` header (header name matched without case).
pub(crate) fn bearer_token(entry: &Value) -> Option<String> {
    let headers = entry.get("headers")?.as_object()?;
    let value = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("authorization"))?
        .1
        .as_str()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// The URL and headers of a URL entry, read back from a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlEndpoint {
    pub url: String,
    pub headers: BTreeMap<String, String>,
}

pub(crate) fn url_endpoint(entry: &Value, url_key: &str) -> Option<UrlEndpoint> {
    Some(UrlEndpoint {
        url: entry.get(url_key)?.as_str()?.to_string(),
        headers: string_map(entry.get("headers")),
    })
}

pub(crate) fn stdio_command(entry: &Value) -> Option<StdioCommand> {
    Some(StdioCommand {
        command: PathBuf::from(entry.get("command")?.as_str()?),
        args: string_list(entry.get("args")),
        env: string_map(entry.get("env")),
    })
}

fn string_list(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn string_map(value: Option<&Value>) -> BTreeMap<String, String> {
    value
        .and_then(Value::as_object)
        .map(|map| {
            map.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str().map_or_else(|| v.to_string(), str::to_string),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}
