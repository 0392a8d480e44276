//! Row selection as the seed writes it — `filters` objects (`{"status":"active",
//! "created_at":">2024-01-01"}`) and nested `query` trees (`and`/`or`/`not` of
//! `{field, operator, value}`) — translated into Xano's pipe search plus an exact local residual.
//!
//! Invariant: the rows a tool returns are exactly the rows the predicate selects. The part of the
//! predicate that Xano's syntax expresses without doubt is pushed down; everything else is checked
//! locally over the pages Xano returns.
//!
//! What is pushed down: top-level AND of comparisons with `= != > < >= <= in "not in"` on scalar
//! values, plus at most ONE OR-group of such comparisons, placed first. The docs do not say how a
//! `|or` condition binds when more follow it; with a single OR-run in front both readings (left
//! fold, or OR binding to its neighbour) mean the same thing, so the push-down is exact under
//! either. Other OR-groups, `not`, `contains`, `starts_with`, `ends_with`, `is_null` and
//! comparisons against `null` stay local.

use crate::dates;
use crate::error::{ToolError, ToolResult};
use serde_json::{Map, Value};
use std::cmp::Ordering;
use std::collections::BTreeMap;
use xano::search::{PipeCondition, PipeOp, SortDirection};

/// How a column's values are stored, from the table schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Int,
    Number,
    Bool,
    /// Epoch milliseconds.
    Timestamp,
    /// `YYYY-MM-DD` text.
    Date,
    Text,
    /// JSON, objects, geo, files: compared as stored.
    Other,
}

impl FieldKind {
    /// The kind of a Xano schema type name.
    pub fn of_xano_type(t: &str) -> Self {
        match t {
            "int" | "tableref" => FieldKind::Int,
            "decimal" => FieldKind::Number,
            "bool" => FieldKind::Bool,
            "timestamp" => FieldKind::Timestamp,
            "date" => FieldKind::Date,
            "text" | "email" | "enum" | "uuid" | "password" | "tablerefuuid" => FieldKind::Text,
            _ => FieldKind::Other,
        }
    }
}

/// The columns a predicate may name, with their kinds.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    kinds: BTreeMap<String, FieldKind>,
}

impl Columns {
    pub fn new(kinds: impl IntoIterator<Item = (String, FieldKind)>) -> Self {
        Self {
            kinds: kinds.into_iter().collect(),
        }
    }

    /// The columns of a Xano table schema; `id` is always there.
    pub fn from_schema(schema: &[xano::types::TableField]) -> Self {
        let mut kinds: BTreeMap<String, FieldKind> = schema
            .iter()
            .map(|f| (f.name.clone(), FieldKind::of_xano_type(&f.field_type)))
            .collect();
        kinds.entry("id".into()).or_insert(FieldKind::Int);
        Self { kinds }
    }

    pub fn kind(&self, field: &str, argument: &str) -> ToolResult<FieldKind> {
        self.kinds.get(field).copied().ok_or_else(|| {
            let names: Vec<&str> = self.kinds.keys().map(String::as_str).collect();
            ToolError::invalid(
                argument,
                format!(
                    "unknown field `{field}`. Fields of this table: {}.",
                    names.join(", ")
                ),
            )
        })
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.kinds.keys().map(String::as_str)
    }
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Lt,
    Gte,
    Lte,
    In,
    NotIn,
    Contains,
    NotContains,
    StartsWith,
    EndsWith,
    IsNull,
    IsNotNull,
}

impl Op {
    /// Parses the operator names models use.
    pub fn parse(text: &str) -> Option<Op> {
        Some(
            match text
                .trim()
                .to_ascii_lowercase()
                .replace(['-', ' '], "_")
                .as_str()
            {
                "=" | "==" | "eq" | "equals" | "is" => Op::Eq,
                "!=" | "<>" | "ne" | "neq" | "not_equals" | "is_not" => Op::Ne,
                ">" | "gt" | "after" => Op::Gt,
                "<" | "lt" | "before" => Op::Lt,
                ">=" | "gte" | "on_or_after" => Op::Gte,
                "<=" | "lte" | "on_or_before" => Op::Lte,
                "in" | "one_of" => Op::In,
                "not_in" | "nin" | "not_one_of" => Op::NotIn,
                "contains" | "like" | "includes" | "ilike" => Op::Contains,
                "not_contains" | "not_like" | "excludes" => Op::NotContains,
                "starts_with" | "startswith" | "begins_with" => Op::StartsWith,
                "ends_with" | "endswith" => Op::EndsWith,
                "is_null" | "null" | "is_empty" => Op::IsNull,
                "is_not_null" | "not_null" | "exists" => Op::IsNotNull,
                _ => return None,
            },
        )
    }

    fn pipe(self) -> Option<PipeOp> {
        Some(match self {
            Op::Eq => PipeOp::Eq,
            Op::Ne => PipeOp::NotEq,
            Op::Gt => PipeOp::Gt,
            Op::Lt => PipeOp::Lt,
            Op::Gte => PipeOp::Gte,
            Op::Lte => PipeOp::Lte,
            Op::In => PipeOp::In,
            Op::NotIn => PipeOp::NotIn,
            _ => return None,
        })
    }
}

/// One comparison, its value already in the column's representation.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub field: String,
    pub op: Op,
    pub value: Value,
}

/// A row predicate.
#[derive(Debug, Clone, PartialEq)]
pub enum Predicate {
    All(Vec<Predicate>),
    Any(Vec<Predicate>),
    Not(Box<Predicate>),
    Cmp(Comparison),
}

impl Predicate {
    /// The predicate that selects every row.
    pub fn everything() -> Self {
        Predicate::All(Vec::new())
    }

    pub fn is_everything(&self) -> bool {
        matches!(self, Predicate::All(v) if v.is_empty())
    }

    /// Both predicates.
    pub fn and(self, other: Predicate) -> Predicate {
        match (self, other) {
            (a, b) if a.is_everything() => b,
            (a, b) if b.is_everything() => a,
            (Predicate::All(mut a), Predicate::All(b)) => {
                a.extend(b);
                Predicate::All(a)
            }
            (Predicate::All(mut a), b) => {
                a.push(b);
                Predicate::All(a)
            }
            (a, b) => Predicate::All(vec![a, b]),
        }
    }

    /// Exact evaluation against a row.
    pub fn matches(&self, row: &Map<String, Value>) -> bool {
        match self {
            Predicate::All(ps) => ps.iter().all(|p| p.matches(row)),
            Predicate::Any(ps) => ps.iter().any(|p| p.matches(row)),
            Predicate::Not(p) => !p.matches(row),
            Predicate::Cmp(c) => c.matches(row.get(&c.field).unwrap_or(&Value::Null)),
        }
    }
}

impl Comparison {
    /// Exact evaluation against one value. Numbers compare numerically, strings by text; an
    /// ordering between different kinds (or with null) is false.
    pub fn matches(&self, actual: &Value) -> bool {
        match self.op {
            Op::IsNull => actual.is_null(),
            Op::IsNotNull => !actual.is_null(),
            Op::Eq => loosely_equal(actual, &self.value),
            Op::Ne => !loosely_equal(actual, &self.value),
            Op::Gt => compare(actual, &self.value) == Some(Ordering::Greater),
            Op::Lt => compare(actual, &self.value) == Some(Ordering::Less),
            Op::Gte => matches!(
                compare(actual, &self.value),
                Some(Ordering::Greater | Ordering::Equal)
            ),
            Op::Lte => matches!(
                compare(actual, &self.value),
                Some(Ordering::Less | Ordering::Equal)
            ),
            Op::In => self
                .value
                .as_array()
                .is_some_and(|vs| vs.iter().any(|v| loosely_equal(actual, v))),
            Op::NotIn => !self
                .value
                .as_array()
                .is_some_and(|vs| vs.iter().any(|v| loosely_equal(actual, v))),
            Op::Contains => contains(actual, &self.value),
            Op::NotContains => !contains(actual, &self.value),
            Op::StartsWith => {
                text_pair(actual, &self.value).is_some_and(|(a, b)| a.starts_with(&b))
            }
            Op::EndsWith => text_pair(actual, &self.value).is_some_and(|(a, b)| a.ends_with(&b)),
        }
    }

    fn pushable(&self) -> Option<PipeCondition> {
        let op = self.op.pipe()?;
        let scalar = |v: &Value| matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_));
        let ok = match self.op {
            Op::In | Op::NotIn => self
                .value
                .as_array()
                .is_some_and(|vs| !vs.is_empty() && vs.iter().all(scalar)),
            // Xano's docs define ordering only for numbers, text and dates; the sim (our reading of
            // them) compares booleans by equality only. `active <= false` therefore stays local,
            // where `compare` orders false < true. Found by the bench crate's property test.
            Op::Gt | Op::Lt | Op::Gte | Op::Lte => scalar(&self.value) && !self.value.is_boolean(),
            _ => scalar(&self.value),
        };
        ok.then(|| PipeCondition::new(self.field.clone(), op, self.value.clone()))
    }
}

fn as_f64(v: &Value) -> Option<f64> {
    v.as_f64()
}

fn loosely_equal(a: &Value, b: &Value) -> bool {
    match (as_f64(a), as_f64(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// Ordering between two values of the same kind.
pub fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(_), Value::Number(_)) => as_f64(a)?.partial_cmp(&as_f64(b)?),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn text_pair(a: &Value, b: &Value) -> Option<(String, String)> {
    Some((a.as_str()?.to_lowercase(), b.as_str()?.to_lowercase()))
}

fn contains(actual: &Value, needle: &Value) -> bool {
    match actual {
        Value::Array(items) => items.iter().any(|i| loosely_equal(i, needle)),
        Value::String(_) => text_pair(actual, needle).is_some_and(|(a, b)| a.contains(&b)),
        _ => false,
    }
}

/// Splits a predicate into a pushed-down pipe search and the residual to check locally.
pub fn push_down(pred: &Predicate) -> (Vec<PipeCondition>, Predicate) {
    let conjuncts: Vec<&Predicate> = match pred {
        Predicate::All(children) => children.iter().collect(),
        other => vec![other],
    };
    let mut simple = Vec::new();
    let mut or_run: Option<Vec<PipeCondition>> = None;
    let mut residual = Vec::new();
    for c in conjuncts {
        match c {
            Predicate::Cmp(cmp) => match cmp.pushable() {
                Some(cond) => simple.push(cond),
                None => residual.push(c.clone()),
            },
            Predicate::Any(children) if or_run.is_none() => {
                let flat = flatten_any(children);
                let pushed: Option<Vec<PipeCondition>> = flat
                    .iter()
                    .map(|p| match p {
                        Predicate::Cmp(cmp) => cmp.pushable(),
                        _ => None,
                    })
                    .collect();
                match pushed {
                    Some(conds) if !conds.is_empty() => or_run = Some(conds),
                    _ => residual.push(c.clone()),
                }
            }
            Predicate::All(children) if children.is_empty() => {}
            _ => residual.push(c.clone()),
        }
    }
    let mut conditions = Vec::new();
    if let Some(run) = or_run {
        for (i, cond) in run.into_iter().enumerate() {
            conditions.push(if i == 0 { cond } else { cond.or() });
        }
    }
    conditions.extend(simple);
    let residual = match residual.len() {
        0 => Predicate::everything(),
        1 => residual.pop().unwrap_or_else(Predicate::everything),
        _ => Predicate::All(residual),
    };
    (conditions, residual)
}

fn flatten_any(children: &[Predicate]) -> Vec<&Predicate> {
    let mut out = Vec::new();
    for c in children {
        match c {
            Predicate::Any(inner) => out.extend(flatten_any(inner)),
            Predicate::All(inner) if inner.len() == 1 => out.extend(flatten_any(inner)),
            other => out.push(other),
        }
    }
    out
}

// ---- parsing ------------------------------------------------------------------------------------

/// Parses a `filters` object: each key a field, each value `"active"`, `">2024-01-01"`,
/// `"contains foo"`, an array (one of), `null` (is empty), or `{"operator": ">", "value": 5}` /
/// `{"gte": 1, "lt": 9}`.
pub fn parse_filters(filters: &Value, columns: &Columns, argument: &str) -> ToolResult<Predicate> {
    let map = match filters {
        Value::Null => return Ok(Predicate::everything()),
        Value::Object(m) => m,
        _ => {
            return Err(ToolError::invalid(
                argument,
                "must be an object like {\"status\": \"active\", \"created_at\": \">2024-01-01\"}",
            ));
        }
    };
    let mut parts = Vec::new();
    for (field, value) in map {
        let kind = columns.kind(field, argument)?;
        parts.push(parse_filter_value(field, kind, value, argument)?);
    }
    Ok(match parts.len() {
        0 => Predicate::everything(),
        1 => parts.pop().unwrap_or_else(Predicate::everything),
        _ => Predicate::All(parts),
    })
}

fn parse_filter_value(
    field: &str,
    kind: FieldKind,
    value: &Value,
    argument: &str,
) -> ToolResult<Predicate> {
    match value {
        Value::String(s) => {
            let (op, rest) = split_operator(s);
            cmp(field, kind, op, &Value::String(rest.to_owned()), argument)
        }
        Value::Array(_) => cmp(field, kind, Op::In, value, argument),
        Value::Null => cmp(field, kind, Op::IsNull, &Value::Null, argument),
        Value::Object(o) => {
            if let Some(op) = o
                .get("operator")
                .or_else(|| o.get("op"))
                .and_then(Value::as_str)
            {
                let op = Op::parse(op).ok_or_else(|| unknown_op(op, argument))?;
                return cmp(
                    field,
                    kind,
                    op,
                    o.get("value").unwrap_or(&Value::Null),
                    argument,
                );
            }
            let mut parts = Vec::new();
            for (op, v) in o {
                let op = Op::parse(op).ok_or_else(|| unknown_op(op, argument))?;
                parts.push(cmp(field, kind, op, v, argument)?);
            }
            if parts.is_empty() {
                return Err(ToolError::invalid(
                    argument,
                    format!("the condition on `{field}` is empty"),
                ));
            }
            Ok(if parts.len() == 1 {
                parts.remove(0)
            } else {
                Predicate::All(parts)
            })
        }
        other => cmp(field, kind, Op::Eq, other, argument),
    }
}

/// Splits `">= 400"`, `"contains /api/users"`, `"!=x"` into operator and operand. A value with no
/// recognised prefix is an equality.
pub fn split_operator(s: &str) -> (Op, &str) {
    let t = s.trim_start();
    for (prefix, op) in [
        (">=", Op::Gte),
        ("<=", Op::Lte),
        ("!=", Op::Ne),
        ("<>", Op::Ne),
        ("==", Op::Eq),
        (">", Op::Gt),
        ("<", Op::Lt),
        ("=", Op::Eq),
    ] {
        if let Some(rest) = t.strip_prefix(prefix) {
            return (op, rest.trim());
        }
    }
    let lower = t.to_ascii_lowercase();
    for (word, op) in [
        ("not contains ", Op::NotContains),
        ("contains ", Op::Contains),
        ("starts with ", Op::StartsWith),
        ("starts_with ", Op::StartsWith),
        ("ends with ", Op::EndsWith),
        ("ends_with ", Op::EndsWith),
    ] {
        if lower.starts_with(word) {
            return (op, t[word.len()..].trim());
        }
    }
    (Op::Eq, s)
}

fn unknown_op(op: &str, argument: &str) -> ToolError {
    ToolError::invalid(
        argument,
        format!(
            "unknown operator `{op}`. Use one of: =, !=, >, <, >=, <=, in, not in, contains, not contains, starts_with, ends_with, is_null, is_not_null."
        ),
    )
}

/// Parses a `query` tree: `{"and":[...]}`, `{"or":[...]}`, `{"not":{...}}`, or a leaf
/// `{"field","operator","value"}` (`op` is accepted for `operator`). `group_by`/`having` keys are
/// ignored here (see [`GroupBy::parse`]).
pub fn parse_query(query: &Value, columns: &Columns, argument: &str) -> ToolResult<Predicate> {
    parse_node(query, columns, argument, 0)
}

fn parse_node(
    node: &Value,
    columns: &Columns,
    argument: &str,
    depth: usize,
) -> ToolResult<Predicate> {
    if depth > 32 {
        return Err(ToolError::invalid(
            argument,
            "is nested more than 32 levels deep",
        ));
    }
    let obj = match node {
        Value::Object(o) => o,
        Value::Null => return Ok(Predicate::everything()),
        _ => {
            return Err(ToolError::invalid(
                argument,
                "each condition must be an object: {\"field\": ..., \"operator\": ..., \"value\": ...} or {\"and\"|\"or\": [...]}",
            ));
        }
    };
    let children = |key: &str| -> ToolResult<Vec<Predicate>> {
        let list = obj.get(key).and_then(Value::as_array).ok_or_else(|| {
            ToolError::invalid(argument, format!("`{key}` must be an array of conditions"))
        })?;
        list.iter()
            .map(|c| parse_node(c, columns, argument, depth + 1))
            .collect()
    };
    if obj.contains_key("and") {
        return Ok(Predicate::All(children("and")?));
    }
    if obj.contains_key("or") {
        let kids = children("or")?;
        if kids.is_empty() {
            return Err(ToolError::invalid(
                argument,
                "`or` needs at least one condition",
            ));
        }
        return Ok(Predicate::Any(kids));
    }
    if let Some(inner) = obj.get("not") {
        return Ok(Predicate::Not(Box::new(parse_node(
            inner,
            columns,
            argument,
            depth + 1,
        )?)));
    }
    if let Some(field) = obj.get("field").and_then(Value::as_str) {
        let kind = columns.kind(field, argument)?;
        let op_text = obj
            .get("operator")
            .or_else(|| obj.get("op"))
            .and_then(Value::as_str)
            .unwrap_or("=");
        let op = Op::parse(op_text).ok_or_else(|| unknown_op(op_text, argument))?;
        return cmp(
            field,
            kind,
            op,
            obj.get("value").unwrap_or(&Value::Null),
            argument,
        );
    }
    let rest: Map<String, Value> = obj
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "group_by" | "having"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if rest.is_empty() {
        return Ok(Predicate::everything());
    }
    // `{"status": "active"}` inside a query reads like a filters object.
    parse_filters(&Value::Object(rest), columns, argument)
}

/// Builds one comparison with its value converted to the column's representation.
pub fn cmp(
    field: &str,
    kind: FieldKind,
    op: Op,
    value: &Value,
    argument: &str,
) -> ToolResult<Predicate> {
    let value = match op {
        Op::IsNull | Op::IsNotNull => Value::Null,
        Op::In | Op::NotIn => {
            let items: Vec<Value> = match value {
                Value::Array(items) => items.clone(),
                Value::String(s) => s
                    .trim()
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .split(',')
                    .map(|p| Value::String(p.trim().trim_matches('"').to_owned()))
                    .filter(|v| v.as_str() != Some(""))
                    .collect(),
                other => vec![other.clone()],
            };
            Value::Array(
                items
                    .iter()
                    .map(|v| coerce(field, kind, v, argument))
                    .collect::<ToolResult<_>>()?,
            )
        }
        Op::Contains | Op::NotContains | Op::StartsWith | Op::EndsWith => match value {
            Value::String(_) => value.clone(),
            other => coerce(field, kind, other, argument)?,
        },
        _ => coerce(field, kind, value, argument)?,
    };
    Ok(Predicate::Cmp(Comparison {
        field: field.to_owned(),
        op,
        value,
    }))
}

/// Converts a model-written value to the column's stored representation.
pub fn coerce(field: &str, kind: FieldKind, value: &Value, argument: &str) -> ToolResult<Value> {
    let bad = |what: &str| {
        ToolError::invalid(
            argument,
            format!("`{field}` holds {what}, but {value} is not one"),
        )
    };
    Ok(match (kind, value) {
        (_, Value::Null) => Value::Null,
        (FieldKind::Int, Value::String(s)) => s
            .trim()
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| bad("whole numbers"))?,
        (FieldKind::Int | FieldKind::Number, Value::Number(_)) => value.clone(),
        (FieldKind::Number, Value::String(s)) => s
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .ok_or_else(|| bad("numbers"))?,
        (FieldKind::Bool, Value::Bool(_)) => value.clone(),
        (FieldKind::Bool, Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Value::Bool(true),
            "false" | "no" | "0" => Value::Bool(false),
            _ => return Err(bad("true/false")),
        },
        (FieldKind::Timestamp, Value::Number(_)) => value.clone(),
        (FieldKind::Timestamp, Value::String(s)) => {
            let parsed = dates::parse(s).ok_or_else(|| ToolError::invalid(argument, format!("`{field}` is a timestamp; `{s}` is not a date. Use a date like 2024-01-15 or 2024-01-15T10:30:00Z.")))?;
            Value::from(parsed.epoch_ms)
        }
        (FieldKind::Date, Value::String(s)) => {
            let parsed = dates::parse(s).ok_or_else(|| {
                ToolError::invalid(
                    argument,
                    format!("`{field}` is a date; use YYYY-MM-DD, not `{s}`."),
                )
            })?;
            Value::String(dates::format_ms(parsed.epoch_ms)[..10].to_owned())
        }
        (
            FieldKind::Int
            | FieldKind::Number
            | FieldKind::Timestamp
            | FieldKind::Bool
            | FieldKind::Date,
            _,
        ) => return Err(bad("a different type")),
        (FieldKind::Text, Value::Number(n)) => Value::String(n.to_string()),
        _ => value.clone(),
    })
}

// ---- sort -----------------------------------------------------------------------------------------

/// Parses `[{"field":"created_at","direction":"desc"}]`, `{"created_at":"desc"}`,
/// `[{"created_at":"desc"}]`, `"created_at desc"` or `"-created_at"`.
pub fn parse_sort(
    sort: &Value,
    columns: &Columns,
    argument: &str,
) -> ToolResult<Vec<(String, SortDirection)>> {
    let dir = |d: Option<&Value>| -> ToolResult<SortDirection> {
        match d
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            None | Some("asc") | Some("ascending") => Ok(SortDirection::Asc),
            Some("desc") | Some("descending") => Ok(SortDirection::Desc),
            Some(other) => Err(ToolError::invalid(
                argument,
                format!("direction `{other}` must be \"asc\" or \"desc\""),
            )),
        }
    };
    let mut out = Vec::new();
    let mut push = |field: &str, d: SortDirection| -> ToolResult<()> {
        columns.kind(field, argument)?;
        out.push((field.to_owned(), d));
        Ok(())
    };
    let items: Vec<&Value> = match sort {
        Value::Null => vec![],
        Value::Array(a) => a.iter().collect(),
        other => vec![other],
    };
    for item in items {
        match item {
            Value::String(s) => {
                let mut parts = s.split_whitespace();
                let name = parts.next().unwrap_or_default();
                let (name, d) = match name.strip_prefix('-') {
                    Some(n) => (n, SortDirection::Desc),
                    None => (
                        name,
                        dir(parts.next().map(|p| Value::String(p.to_owned())).as_ref())?,
                    ),
                };
                push(name, d)?;
            }
            Value::Object(o) if o.contains_key("field") => {
                let field = o
                    .get("field")
                    .and_then(Value::as_str)
                    .ok_or_else(|| ToolError::invalid(argument, "`field` must be a column name"))?;
                push(field, dir(o.get("direction").or_else(|| o.get("order")))?)?;
            }
            Value::Object(o) => {
                for (field, d) in o {
                    push(field, dir(Some(d))?)?;
                }
            }
            _ => {
                return Err(ToolError::invalid(
                    argument,
                    "use [{\"field\": \"created_at\", \"direction\": \"desc\"}]",
                ));
            }
        }
    }
    Ok(out)
}

/// Sorts rows locally the way Xano would (nulls first ascending).
pub fn sort_rows(rows: &mut [Map<String, Value>], sort: &[(String, SortDirection)]) {
    rows.sort_by(|a, b| {
        for (field, d) in sort {
            let x = a.get(field).unwrap_or(&Value::Null);
            let y = b.get(field).unwrap_or(&Value::Null);
            let ord = match (x.is_null(), y.is_null()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Less,
                (false, true) => Ordering::Greater,
                _ => compare(x, y).unwrap_or(Ordering::Equal),
            };
            let ord = if *d == SortDirection::Desc {
                ord.reverse()
            } else {
                ord
            };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        Ordering::Equal
    });
}

// ---- group by -------------------------------------------------------------------------------------

/// `group_by` + `having` (seed use case: duplicate finding).
#[derive(Debug, Clone, PartialEq)]
pub struct GroupBy {
    pub fields: Vec<String>,
    /// `count(*) <op> n`.
    pub having: Option<(Op, i64)>,
}

impl GroupBy {
    /// Reads `group_by` (a field or a list) and `having` (`"count(*) > 1"`) from a query object.
    pub fn parse(query: &Value, columns: &Columns, argument: &str) -> ToolResult<Option<GroupBy>> {
        let Some(group_by) = query.get("group_by") else {
            if query.get("having").is_some() {
                return Err(ToolError::invalid(argument, "`having` needs `group_by`"));
            }
            return Ok(None);
        };
        let fields: Vec<String> = match group_by {
            Value::String(s) => s
                .split(',')
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty())
                .collect(),
            Value::Array(a) => a
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ => vec![],
        };
        if fields.is_empty() {
            return Err(ToolError::invalid(
                argument,
                "`group_by` must name a field, e.g. \"email\"",
            ));
        }
        for f in &fields {
            columns.kind(f, argument)?;
        }
        let having = match query.get("having") {
            None | Some(Value::Null) => None,
            Some(Value::String(h)) => Some(parse_having(h).ok_or_else(|| {
                ToolError::invalid(
                    argument,
                    format!("`having` must look like \"count(*) > 1\", not `{h}`"),
                )
            })?),
            Some(_) => {
                return Err(ToolError::invalid(
                    argument,
                    "`having` must be a string like \"count(*) > 1\"",
                ));
            }
        };
        Ok(Some(GroupBy { fields, having }))
    }

    /// Groups rows; returns `(key values, row ids)` for groups passing `having`, largest first.
    pub fn apply(&self, rows: &[Map<String, Value>]) -> Vec<(Vec<Value>, Vec<Value>)> {
        let mut groups: BTreeMap<String, (Vec<Value>, Vec<Value>)> = BTreeMap::new();
        for row in rows {
            let key: Vec<Value> = self
                .fields
                .iter()
                .map(|f| row.get(f).cloned().unwrap_or(Value::Null))
                .collect();
            let entry = groups
                .entry(serde_json::to_string(&key).unwrap_or_default())
                .or_insert_with(|| (key, Vec::new()));
            entry.1.push(row.get("id").cloned().unwrap_or(Value::Null));
        }
        let mut out: Vec<(Vec<Value>, Vec<Value>)> = groups
            .into_values()
            .filter(|(_, ids)| match self.having {
                None => true,
                Some((op, n)) => Comparison {
                    field: String::new(),
                    op,
                    value: Value::from(n),
                }
                .matches(&Value::from(ids.len() as i64)),
            })
            .collect();
        out.sort_by(|a, b| {
            b.1.len().cmp(&a.1.len()).then_with(|| {
                serde_json::to_string(&a.0)
                    .unwrap_or_default()
                    .cmp(&serde_json::to_string(&b.0).unwrap_or_default())
            })
        });
        out
    }
}

fn parse_having(h: &str) -> Option<(Op, i64)> {
    let t = h.trim().to_ascii_lowercase().replace(' ', "");
    let rest = t
        .strip_prefix("count(*)")
        .or_else(|| t.strip_prefix("count()"))
        .or_else(|| t.strip_prefix("count"))?;
    let (op, n) = split_operator(rest);
    if matches!(op, Op::Eq) && !rest.starts_with('=') {
        return None;
    }
    Some((op, n.trim().parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cols() -> Columns {
        Columns::new([
            ("id".to_owned(), FieldKind::Int),
            ("status".to_owned(), FieldKind::Text),
            ("tier".to_owned(), FieldKind::Text),
            ("region".to_owned(), FieldKind::Text),
            ("priority".to_owned(), FieldKind::Text),
            ("created_at".to_owned(), FieldKind::Timestamp),
            ("score".to_owned(), FieldKind::Number),
        ])
    }

    #[test]
    fn the_seed_query_is_pushed_down_whole() {
        let q = json!({"and":[
            {"field":"tier","operator":"in","value":["pro","enterprise"]},
            {"field":"created_at","operator":">","value":"2024-01-01"},
            {"or":[{"field":"region","operator":"=","value":"US"},{"field":"priority","operator":"=","value":"high"}]}]});
        let p = parse_query(&q, &cols(), "query").expect("parse");
        let (pushed, residual) = push_down(&p);
        assert!(residual.is_everything(), "{residual:?}");
        assert_eq!(
            xano::search::to_json(&pushed),
            json!([{"region":"US"},{"priority|=|or":"high"},{"tier|in":["pro","enterprise"]},{"created_at|>":1_704_067_200_000_i64}])
        );
    }

    #[test]
    fn a_second_or_group_and_local_ops_stay_local() {
        let q = json!({"and":[
            {"or":[{"field":"region","value":"US"},{"field":"region","value":"EU"}]},
            {"or":[{"field":"tier","value":"pro"},{"field":"priority","value":"high"}]},
            {"field":"status","operator":"contains","value":"act"}]});
        let p = parse_query(&q, &cols(), "query").expect("parse");
        let (pushed, residual) = push_down(&p);
        assert_eq!(pushed.len(), 2);
        assert!(matches!(&residual, Predicate::All(v) if v.len() == 2));
    }

    #[test]
    fn filters_read_operator_prefixes_and_convert_dates() {
        let p = parse_filters(
            &json!({"status":"active","created_at":">2024-01-01","score":">= 2.5"}),
            &cols(),
            "filters",
        )
        .expect("parse");
        let (pushed, residual) = push_down(&p);
        assert!(residual.is_everything());
        assert_eq!(
            xano::search::to_json(&pushed),
            json!([{"status":"active"},{"created_at|>":1_704_067_200_000_i64},{"score|>=":2.5}])
        );
        let err =
            parse_filters(&json!({"nope": 1}), &cols(), "filters").expect_err("unknown field");
        assert_eq!(err.argument.as_deref(), Some("filters"));
        assert!(
            err.message.contains("status"),
            "lists the real fields: {err}"
        );
        let err = parse_filters(&json!({"created_at":">yesterday-ish"}), &cols(), "filters")
            .expect_err("bad date");
        assert!(err.message.contains("2024-01-15"), "{err}");
    }

    #[test]
    fn evaluation_is_exact() {
        let row = json!({"id":1,"status":"Active","created_at":5,"score":2.5,"region":null})
            .as_object()
            .cloned()
            .expect("row");
        let m = |q: Value| parse_query(&q, &cols(), "q").expect("parse").matches(&row);
        assert!(m(
            json!({"field":"status","operator":"contains","value":"act"})
        ));
        assert!(!m(
            json!({"field":"status","operator":"=","value":"active"})
        ));
        assert!(m(json!({"field":"region","operator":"is_null"})));
        assert!(!m(json!({"field":"region","operator":">","value":"A"})));
        assert!(m(json!({"not":{"field":"score","operator":"<","value":1}})));
        assert!(m(
            json!({"field":"score","operator":"not in","value":[1,2]})
        ));
    }

    #[test]
    fn group_by_having_counts() {
        let rows: Vec<Map<String, Value>> = [
            ("a@x", 1),
            ("b@x", 2),
            ("a@x", 3),
            ("c@x", 4),
            ("a@x", 5),
            ("b@x", 6),
        ]
        .iter()
        .map(|(e, id)| {
            json!({"id": id, "status": e})
                .as_object()
                .cloned()
                .expect("row")
        })
        .collect();
        let g = GroupBy::parse(
            &json!({"group_by":"status","having":"count(*) > 1"}),
            &cols(),
            "query",
        )
        .expect("parse")
        .expect("some");
        let groups = g.apply(&rows);
        assert_eq!(
            groups,
            vec![
                (vec![json!("a@x")], vec![json!(1), json!(3), json!(5)]),
                (vec![json!("b@x")], vec![json!(2), json!(6)])
            ]
        );
        assert!(
            GroupBy::parse(
                &json!({"group_by":"status","having":"sum(x) > 1"}),
                &cols(),
                "query"
            )
            .is_err()
        );
    }

    #[test]
    fn sort_forms() {
        let s = parse_sort(
            &json!([{"field":"created_at","direction":"desc"}]),
            &cols(),
            "sort",
        )
        .expect("sort");
        assert_eq!(s, vec![("created_at".to_owned(), SortDirection::Desc)]);
        assert_eq!(
            parse_sort(&json!("-score"), &cols(), "sort").expect("s"),
            vec![("score".to_owned(), SortDirection::Desc)]
        );
        assert_eq!(
            parse_sort(&json!({"tier":"asc"}), &cols(), "sort").expect("s"),
            vec![("tier".to_owned(), SortDirection::Asc)]
        );
        assert!(parse_sort(&json!({"tier":"up"}), &cols(), "sort").is_err());
    }
}
