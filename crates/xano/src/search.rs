//! Xano's "pipe" search syntax for table content and request history (reference §6.1).
//!
//! A search is an array of one-key objects: `{"col": v}` (equality), `{"col|op": v}`, or
//! `{"col|op|or": v}`. Conditions are ANDed; a trailing `|or` joins the condition to the one before
//! it with OR. We read "joins to the previous one" as binding tighter than AND, so
//! `[A, B, C|or]` means `A AND (B OR C)`: a search is an AND of OR-runs. This is [INF] (the docs only
//! show two-condition examples); `xano-sim` implements the same reading and the translator in
//! `crates/mcp` only pushes down trees that mean the same under either reading.

use serde_json::{Map, Value};

/// A comparison operator of the pipe syntax.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PipeOp {
    Eq,
    NotEq,
    Gt,
    Lt,
    Gte,
    Lte,
    In,
    NotIn,
}

impl PipeOp {
    /// The operator as written in a key (`"not in"` has a space).
    pub fn as_str(self) -> &'static str {
        match self {
            PipeOp::Eq => "=",
            PipeOp::NotEq => "!=",
            PipeOp::Gt => ">",
            PipeOp::Lt => "<",
            PipeOp::Gte => ">=",
            PipeOp::Lte => "<=",
            PipeOp::In => "in",
            PipeOp::NotIn => "not in",
        }
    }

    /// Parses an operator as written in a key; `""` is equality.
    pub fn parse(op: &str) -> Option<Self> {
        Some(match op.trim() {
            "" | "=" | "==" => PipeOp::Eq,
            "!=" | "<>" => PipeOp::NotEq,
            ">" => PipeOp::Gt,
            "<" => PipeOp::Lt,
            ">=" => PipeOp::Gte,
            "<=" => PipeOp::Lte,
            "in" => PipeOp::In,
            "not in" => PipeOp::NotIn,
            _ => return None,
        })
    }
}

/// One condition of a pipe search.
#[derive(Debug, Clone, PartialEq)]
pub struct PipeCondition {
    pub column: String,
    pub op: PipeOp,
    pub value: Value,
    /// Joined to the previous condition with OR.
    pub or: bool,
}

impl PipeCondition {
    /// `column op value`, ANDed with what precedes it.
    pub fn new(column: impl Into<String>, op: PipeOp, value: Value) -> Self {
        Self {
            column: column.into(),
            op,
            value,
            or: false,
        }
    }

    /// The same condition joined to the previous one with OR.
    pub fn or(mut self) -> Self {
        self.or = true;
        self
    }

    /// The key as Xano reads it. Equality without OR uses the plain column name, as the docs do.
    pub fn key(&self) -> String {
        match (self.op, self.or) {
            (PipeOp::Eq, false) => self.column.clone(),
            (op, false) => format!("{}|{}", self.column, op.as_str()),
            (op, true) => format!("{}|{}|or", self.column, op.as_str()),
        }
    }

    /// The key in the request-history form, which the docs write with a trailing pipe
    /// (`{"duration|<|": 2}`); plain equality stays a plain column name (`{"status": 400}`).
    pub fn history_key(&self) -> String {
        match (self.op, self.or) {
            (PipeOp::Eq, false) => self.column.clone(),
            (op, false) => format!("{}|{}|", self.column, op.as_str()),
            (op, true) => format!("{}|{}|or", self.column, op.as_str()),
        }
    }

    /// The one-key JSON object.
    pub fn to_json(&self) -> Value {
        let mut map = Map::new();
        map.insert(self.key(), self.value.clone());
        Value::Object(map)
    }
}

/// A whole search as the JSON array Xano takes.
pub fn to_json(conditions: &[PipeCondition]) -> Value {
    Value::Array(conditions.iter().map(PipeCondition::to_json).collect())
}

/// A request-history search as the JSON array Xano takes (trailing-pipe keys).
pub fn to_history_json(conditions: &[PipeCondition]) -> Value {
    Value::Array(
        conditions
            .iter()
            .map(|c| {
                let mut map = Map::new();
                map.insert(c.history_key(), c.value.clone());
                Value::Object(map)
            })
            .collect(),
    )
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortDirection {
    Asc,
    Desc,
}

impl SortDirection {
    pub fn as_str(self) -> &'static str {
        match self {
            SortDirection::Asc => "asc",
            SortDirection::Desc => "desc",
        }
    }
}

/// A content sort: `[{"col":"asc"}, {"col2":"desc"}]` (reference §6.3).
pub fn sort_to_json(sort: &[(String, SortDirection)]) -> Value {
    Value::Array(
        sort.iter()
            .map(|(col, dir)| {
                let mut m = Map::new();
                m.insert(col.clone(), Value::String(dir.as_str().to_owned()));
                Value::Object(m)
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_follow_the_documented_forms() {
        let search = to_json(&[
            PipeCondition::new("status", PipeOp::Eq, json!("active")),
            PipeCondition::new("price", PipeOp::Lt, json!(30)),
            PipeCondition::new("price", PipeOp::Gt, json!(70)).or(),
            PipeCondition::new("tier", PipeOp::NotIn, json!(["free"])),
        ]);
        assert_eq!(
            search,
            json!([{"status":"active"},{"price|<":30},{"price|>|or":70},{"tier|not in":["free"]}])
        );
    }

    #[test]
    fn history_keys_carry_the_trailing_pipe() {
        let search = to_history_json(&[
            PipeCondition::new("status", PipeOp::Eq, json!(400)),
            PipeCondition::new("duration", PipeOp::Lt, json!(2)),
            PipeCondition::new("duration", PipeOp::Gt, json!(9)).or(),
        ]);
        assert_eq!(
            search,
            json!([{"status":400},{"duration|<|":2},{"duration|>|or":9}])
        );
    }

    #[test]
    fn ops_round_trip() {
        for op in [
            PipeOp::Eq,
            PipeOp::NotEq,
            PipeOp::Gt,
            PipeOp::Lt,
            PipeOp::Gte,
            PipeOp::Lte,
            PipeOp::In,
            PipeOp::NotIn,
        ] {
            assert_eq!(PipeOp::parse(op.as_str()), Some(op));
        }
        assert_eq!(PipeOp::parse("like"), None);
    }
}
