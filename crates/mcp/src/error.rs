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
    /// For failed writes: what was applied and what was not, in words, with what to do next.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied: Option<String>,
    /// For failed writes, the same in a machine-readable form.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub write_outcome: Option<WriteOutcome>,
    /// For a write that failed part-way: which steps were applied and which were not.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub steps: Option<Box<PartlyApplied>>,
}

/// The steps of a write that failed part-way (boxed: most errors have none).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartlyApplied {
    /// The steps of the call that were applied.
    pub applied_steps: Vec<String>,
    /// The steps that were not applied (the failed one, unless its outcome is unknown, and every
    /// step after it).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_applied_steps: Vec<String>,
    /// The step that may or may not have been applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unknown_step: Option<String>,
}

/// What a failed write left behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WriteOutcome {
    /// Xano refused it before applying it: nothing changed.
    NotApplied,
    /// Xano failed after receiving it: it may or may not have been applied.
    Unknown,
    /// Earlier steps of the call were applied, then a step failed (`applied_steps`,
    /// `not_applied_steps` and `unknown_step` say which).
    PartlyApplied,
}

impl ToolError {
    /// A bad argument: names it and says how to fix it.
    pub fn invalid(argument: &str, message: impl Into<String>) -> Self {
        Self {
            argument: Some(argument.into()),
            ..Self::new("invalid_argument", message)
        }
    }

    /// A failure with a specific code.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            argument: None,
            applied: None,
            write_outcome: None,
            steps: None,
        }
    }

    /// Adds what happened to a write that failed part-way.
    pub fn with_applied(mut self, applied: impl Into<String>) -> Self {
        self.applied = Some(applied.into());
        self
    }

    /// Makes the error of one step of a multi-step write truthful about the whole call: `done` are
    /// the steps applied before it (in the words of the result's change list), `failed` is the step
    /// that failed (a write refused or with an unknown outcome, or a check or read that stopped the
    /// call before it), `not_attempted` the steps after it, and `next` says what to do now. With
    /// nothing done, the error stays as it is (it already says whether the one write happened).
    pub fn partway(
        mut self,
        done: &[String],
        failed: &str,
        not_attempted: &[String],
        next: &str,
    ) -> Self {
        if done.is_empty() {
            return self;
        }
        let unknown = self.write_outcome == Some(WriteOutcome::Unknown);
        let mut text = format!("Partly applied: {} WERE applied.", done.join("; "));
        let mut not_applied = Vec::new();
        if unknown {
            text.push_str(&format!(
                " It is unknown whether {failed} was applied (Xano failed after receiving the request): read the data back before retrying it."
            ));
            if !not_attempted.is_empty() {
                text.push_str(&format!(
                    " NOT applied (never sent): {}.",
                    not_attempted.join("; ")
                ));
            }
        } else {
            let why = if self.write_outcome.is_some() {
                "Xano refused it"
            } else {
                "the call stopped there"
            };
            text.push_str(&format!(" NOT applied: {failed} ({why})"));
            if not_attempted.is_empty() {
                text.push('.');
            } else {
                text.push_str(&format!(
                    ", and after it, never sent: {}.",
                    not_attempted.join("; ")
                ));
            }
            not_applied.push(failed.to_owned());
        }
        not_applied.extend(not_attempted.iter().cloned());
        if let (false, Some(fix)) = (unknown, self.fix_before_retry()) {
            text.push_str(&format!(
                " Sending {failed} again unchanged would fail the same way: first {fix}. Then:"
            ));
        }
        text.push(' ');
        text.push_str(next);
        self.applied = Some(text);
        self.write_outcome = Some(WriteOutcome::PartlyApplied);
        self.steps = Some(Box::new(PartlyApplied {
            applied_steps: done.to_vec(),
            not_applied_steps: not_applied,
            unknown_step: unknown.then(|| failed.to_owned()),
        }));
        self
    }

    /// What must change before a refused step can succeed, for errors that a plain retry meets
    /// again (a rate limit or an outage passes; a refused value or a missing permission does not).
    fn fix_before_retry(&self) -> Option<&'static str> {
        Some(match self.code.as_str() {
            "xano_input_error" => "change the values Xano refused (the message says which)",
            "invalid_argument" => "fix the argument the message names",
            "xano_access_denied" => {
                "use a Xano token whose permissions allow this change (Xano: instance settings, Metadata API)"
            }
            "xano_unauthorized" => "sign in to Xano again with a valid Metadata API token",
            "xano_not_found" => "check that what it refers to still exists",
            _ => return None,
        })
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
/// A multi-step write uses [`ToolError::partway`] on the result when earlier steps were applied.
pub fn write_failed(e: xano::Error, what: &str) -> ToolError {
    let (outcome, applied) = if e.write_outcome_unknown() {
        (
            WriteOutcome::Unknown,
            format!(
                "It is unknown whether {what} was applied: Xano failed after receiving the request. Read the data back before retrying, to avoid doing it twice."
            ),
        )
    } else {
        (
            WriteOutcome::NotApplied,
            format!("Nothing was changed: Xano refused {what} before applying it."),
        )
    };
    let mut err = ToolError::from(e).with_applied(applied);
    err.write_outcome = Some(outcome);
    err
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused() -> ToolError {
        write_failed(
            xano::Error::AccessDenied {
                message: "no".into(),
            },
            "step b",
        )
    }

    #[test]
    fn a_single_refused_write_changed_nothing() {
        let e = refused();
        assert_eq!(e.write_outcome, Some(WriteOutcome::NotApplied));
        assert!(
            e.applied
                .as_deref()
                .is_some_and(|a| a.starts_with("Nothing was changed"))
        );
        // With nothing done before it, `partway` keeps that.
        assert_eq!(
            e.clone().partway(&[], "step b", &["step c".into()], "next"),
            e
        );
    }

    #[test]
    fn partway_lists_applied_refused_and_never_sent_steps() {
        let e = refused().partway(&["step a".into()], "step b", &["step c".into()], "Do X.");
        let text = e.applied.clone().expect("applied");
        assert!(!text.contains("Nothing was changed"), "{text}");
        assert_eq!(
            text,
            "Partly applied: step a WERE applied. NOT applied: step b (Xano refused it), and after it, never sent: step c. Sending step b again unchanged would fail the same way: first use a Xano token whose permissions allow this change (Xano: instance settings, Metadata API). Then: Do X."
        );
        assert_eq!(e.write_outcome, Some(WriteOutcome::PartlyApplied));
        let steps = e.steps.as_deref().expect("steps");
        assert_eq!(steps.applied_steps, ["step a"]);
        assert_eq!(steps.not_applied_steps, ["step b", "step c"]);
        assert_eq!(steps.unknown_step, None);
        let json = e.to_json();
        assert_eq!(json["error"]["write_outcome"], "partly_applied");
        assert_eq!(
            json["error"]["applied_steps"],
            serde_json::json!(["step a"])
        );
        assert_eq!(
            json["error"]["not_applied_steps"],
            serde_json::json!(["step b", "step c"])
        );
        assert!(json["error"].get("unknown_step").is_none());
    }

    #[test]
    fn partway_with_an_unknown_outcome_keeps_it_apart() {
        let unknown = write_failed(
            xano::Error::Server {
                status: 500,
                message: String::new(),
            },
            "step b",
        );
        assert_eq!(unknown.write_outcome, Some(WriteOutcome::Unknown));
        let e = unknown.partway(&["step a".into()], "step b", &["step c".into()], "Do X.");
        let text = e.applied.clone().expect("applied");
        assert!(
            text.contains("It is unknown whether step b was applied"),
            "{text}"
        );
        assert!(text.contains("NOT applied (never sent): step c."), "{text}");
        assert!(!text.contains(".."), "{text}");
        let steps = e.steps.as_deref().expect("steps");
        assert_eq!(steps.unknown_step.as_deref(), Some("step b"));
        assert_eq!(steps.not_applied_steps, ["step c"]);
    }

    #[test]
    fn partway_says_when_a_plain_retry_cannot_work() {
        let refused = |e: xano::Error| {
            write_failed(e, "step b")
                .partway(&["step a".into()], "step b", &[], "Do X.")
                .applied
                .expect("applied")
        };
        let bad_value = refused(xano::Error::InputError {
            message: "Duplicate record".into(),
            param: None,
            code: None,
        });
        assert!(
            bad_value.ends_with(
                "Sending step b again unchanged would fail the same way: first change the values Xano refused (the message says which). Then: Do X."
            ),
            "{bad_value}"
        );
        // A rate limit passes: the advice is the plain one.
        let limited = refused(xano::Error::RateLimited {
            message: String::new(),
            retry_after: Some(std::time::Duration::from_secs(3)),
        });
        assert!(!limited.contains("fail the same way"), "{limited}");
        assert!(limited.ends_with("(Xano refused it). Do X."), "{limited}");
    }

    #[test]
    fn partway_after_a_failed_check_says_the_call_stopped() {
        let e = ToolError::invalid("x", "bad").partway(&["step a".into()], "step b", &[], "Do X.");
        let text = e.applied.clone().expect("applied");
        assert!(
            text.contains("NOT applied: step b (the call stopped there)."),
            "{text}"
        );
        assert_eq!(e.steps.expect("steps").not_applied_steps, ["step b"]);
    }
}
