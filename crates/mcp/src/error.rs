//! Tool errors: what the model reads when a call fails. Every error names the argument or the Xano
//! error code and says what to do next. They become `isError: true` tool results, never JSON-RPC
//! errors (those are only for requests that cannot be routed).

use serde::Serialize;
use serde_json::{Value, json};

/// The result of a tool's logic.
pub type ToolResult<T = Value> = std::result::Result<T, ToolError>;

/// A failure the model should read and can act on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ToolError {
    /// Stable code, e.g. `invalid_argument`, `xano_not_found`, `xano_rate_limited`.
    pub code: String,
    pub message: String,
    /// The argument at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub argument: Option<String>,
    /// For failed writes: whether anything may have been applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied: Option<String>,
}

impl ToolError {
    /// A bad argument: names it and says how to fix it.
    pub fn invalid(argument: &str, message: impl Into<String>) -> Self {
        Self {
            code: "invalid_argument".into(),
            message: message.into(),
            argument: Some(argument.into()),
            applied: None,
        }
    }

    /// A failure with a specific code.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            argument: None,
            applied: None,
        }
    }

    /// Adds what happened to a write that failed part-way.
    pub fn with_applied(mut self, applied: impl Into<String>) -> Self {
        self.applied = Some(applied.into());
        self
    }

    /// The structured error body of the tool result.
    pub fn to_json(&self) -> Value {
        json!({ "error": self })
    }
}

impl std::fmt::Display for ToolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.argument {
            Some(arg) => write!(f, "{} (argument `{arg}`): {}", self.code, self.message)?,
            None => write!(f, "{}: {}", self.code, self.message)?,
        }
        if let Some(applied) = &self.applied {
            write!(f, " {applied}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ToolError {}

impl From<xano::Error> for ToolError {
    fn from(e: xano::Error) -> Self {
        let mut err = ToolError::new(e.code(), e.to_string());
        if let xano::Error::InputError { param: Some(p), .. } = &e {
            err.argument = Some(p.clone());
        }
        err
    }
}

/// Converts a Xano error from a write into a tool error that says whether the write happened.
pub fn write_failed(e: xano::Error, what: &str) -> ToolError {
    let applied = if e.write_outcome_unknown() {
        format!(
            "It is unknown whether {what} was applied: Xano failed after receiving the request. Read the data back before retrying, to avoid doing it twice."
        )
    } else {
        format!("Nothing was changed: Xano refused {what} before applying it.")
    };
    ToolError::from(e).with_applied(applied)
}
