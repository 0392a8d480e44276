//! The tools' logic, one module per area. Each tool is a plain async function
//! `(engine, call context, typed arguments) -> structured JSON or ToolError`; `server.rs` only wires
//! them to MCP. Argument types carry the `///` docs a model reads as the input schema.

pub mod apis;
pub mod content;
pub mod history;
pub mod tables;
pub mod workspace;

use crate::error::{ToolError, ToolResult};
use serde_json::{Map, Value};

/// Default and largest `limit` for row-returning tools.
pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 1000;

/// Resolves `limit`/`offset` or Xano's `page`/`per_page` (either pair works) into offset + limit.
pub fn window(
    limit: Option<u32>,
    offset: Option<u64>,
    page: Option<u32>,
    per_page: Option<u32>,
) -> ToolResult<(u64, u32)> {
    if let Some(0) = limit {
        return Err(ToolError::invalid("limit", "must be at least 1"));
    }
    if let Some(0) = per_page {
        return Err(ToolError::invalid("per_page", "must be at least 1"));
    }
    if let Some(0) = page {
        return Err(ToolError::invalid("page", "pages start at 1"));
    }
    let size = limit.or(per_page).unwrap_or(DEFAULT_LIMIT);
    if size > MAX_LIMIT {
        return Err(ToolError::invalid(
            if limit.is_some() { "limit" } else { "per_page" },
            format!("at most {MAX_LIMIT} rows per call; page with `offset` for more"),
        ));
    }
    let offset = match (offset, page) {
        (Some(o), _) => o,
        (None, Some(p)) => u64::from(p - 1) * u64::from(size),
        (None, None) => 0,
    };
    Ok((offset, size))
}

/// An object argument, or an error naming it.
pub fn object_arg<'a>(value: &'a Value, argument: &str) -> ToolResult<&'a Map<String, Value>> {
    value
        .as_object()
        .ok_or_else(|| ToolError::invalid(argument, "must be a JSON object"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_offset_and_page_forms() {
        assert_eq!(window(Some(100), Some(0), None, None).ok(), Some((0, 100)));
        assert_eq!(window(None, None, Some(3), Some(20)).ok(), Some((40, 20)));
        assert_eq!(
            window(None, None, None, None).ok(),
            Some((0, DEFAULT_LIMIT))
        );
        assert!(window(Some(5000), None, None, None).is_err());
        assert!(window(None, None, Some(0), None).is_err());
    }
}
