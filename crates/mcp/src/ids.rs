//! Identifiers as models write them: `12345`, `"12345"`, or the seed's prefixed forms
//! (`"ws_12345"`, `"tbl_67890"`); `table_id` also takes a table name (`"customers"`).

use crate::error::{ToolError, ToolResult};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A number, a numeric string, or a prefixed id like `"ws_12345"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum IdArg {
    Number(i64),
    Text(String),
}

impl IdArg {
    /// The numeric id, accepting an optional `<letters>_` prefix.
    pub fn numeric(&self, argument: &str) -> ToolResult<i64> {
        match self {
            IdArg::Number(n) => Ok(*n),
            IdArg::Text(s) => parse_prefixed(s).ok_or_else(|| {
                ToolError::invalid(argument, format!("`{s}` is not an id. Use a number like 123, \"123\", or a prefixed id like \"ws_123\"."))
            }),
        }
    }

    /// A table reference: an id (any form) or a table name.
    pub fn table_ref(&self) -> TableRef {
        match self {
            IdArg::Number(n) => TableRef::Id(*n),
            IdArg::Text(s) => match parse_prefixed(s) {
                Some(n) => TableRef::Id(n),
                None => TableRef::Name(s.trim().to_owned()),
            },
        }
    }
}

/// A table named by id or by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableRef {
    Id(i64),
    Name(String),
}

fn parse_prefixed(s: &str) -> Option<i64> {
    let t = s.trim();
    if let Ok(n) = t.parse::<i64>() {
        return Some(n);
    }
    let (prefix, digits) = t.split_once(['_', '-'])?;
    if prefix.is_empty() || !prefix.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    digits.parse().ok()
}

/// A row id: a number or text (tables with UUID keys).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RowIdArg {
    Number(i64),
    Text(String),
}

impl RowIdArg {
    pub fn to_row_id(&self) -> xano::types::RowId {
        match self {
            RowIdArg::Number(n) => xano::types::RowId::Int(*n),
            RowIdArg::Text(s) => match s.trim().parse::<i64>() {
                Ok(n) => xano::types::RowId::Int(n),
                Err(_) => xano::types::RowId::Text(s.trim().to_owned()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_every_seed_form() {
        assert_eq!(IdArg::Number(12345).numeric("w").ok(), Some(12345));
        assert_eq!(IdArg::Text("12345".into()).numeric("w").ok(), Some(12345));
        assert_eq!(
            IdArg::Text("ws_12345".into()).numeric("w").ok(),
            Some(12345)
        );
        assert_eq!(
            IdArg::Text("tbl_67890".into()).table_ref(),
            TableRef::Id(67890)
        );
        assert_eq!(
            IdArg::Text("customers".into()).table_ref(),
            TableRef::Name("customers".into())
        );
        assert_eq!(
            IdArg::Text("order_items".into()).table_ref(),
            TableRef::Name("order_items".into())
        );
        let err = IdArg::Text("abc".into())
            .numeric("workspace_id")
            .expect_err("not an id");
        assert_eq!(err.argument.as_deref(), Some("workspace_id"));
    }
}
