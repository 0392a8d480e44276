//! Xano's "pipe" search syntax (§6.1) and sort objects (§6.3), parsed against a set of known
//! columns and evaluated over JSON records.
//!
//! Grammar: `search` is one object or an array of objects; every key is `col`, `col|op`,
//! `col|op|or`, or the request-history form with a trailing empty part `col|op|`. Operators:
//! `=` (implicit; `==` accepted), `!=`, `>`, `<`, `>=`, `<=`, `in`, `not in`.
//!
//! Semantics (**[INF]**, the reference only gives the two-condition example): a condition marked
//! `|or` joins the run of the condition before it, and runs are ANDed, so `[A, B, C|or]` is
//! `A AND (B OR C)`, and `[A|or, B]` is `A AND B` (a leading `or` has nothing to join).
//! Comparison: numbers numerically, strings lexicographically (byte order), booleans and null by
//! equality only; a timestamp column compares epoch milliseconds, and a date string given for one
//! is converted first; values of different kinds never compare as ordered, and `!=`/`not in` are
//! true for them. `in`/`not in` require an array. A null row value matches only `= null`,
//! `!= <non-null>`, `not in` without null.
//!
//! Sort: `{"col": "asc"|"desc"}` or an array of such objects; ties are broken by `id` ascending.
//! Nulls sort last ascending and first descending (as Postgres does).
//!
//! Invariant: a parsed [`Filter`] names only known columns; unknown ones are a 400 with
//! param `search` (or `sort`) before any record is looked at.

use std::cmp::Ordering;

use serde_json::{Map, Value};

use crate::clock::parse_datetime_ms;
use crate::error::{ApiError, Result};
use crate::schema::Comparison;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
    In,
    NotIn,
}

#[derive(Debug, Clone)]
struct Condition {
    column: String,
    op: Op,
    value: Value,
}

/// A parsed search: an AND of OR-runs.
#[derive(Debug, Clone, Default)]
pub(crate) struct Filter {
    runs: Vec<Vec<Condition>>,
}

impl Filter {
    /// Parses `search` (absent or `[]` = everything). `columns` says how each known column compares.
    pub(crate) fn parse(
        search: Option<&Value>,
        columns: &dyn Fn(&str) -> Option<Comparison>,
    ) -> Result<Self> {
        let mut filter = Filter::default();
        let objects: Vec<&Map<String, Value>> = match search {
            None | Some(Value::Null) => return Ok(filter),
            Some(Value::Object(obj)) => vec![obj],
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| {
                    item.as_object().ok_or_else(|| {
                        ApiError::input("search", "Each search condition must be an object.")
                    })
                })
                .collect::<Result<_>>()?,
            Some(_) => {
                return Err(ApiError::input(
                    "search",
                    "search must be an object or an array of objects.",
                ));
            }
        };
        for obj in objects {
            for (key, value) in obj {
                let (condition, or) = parse_condition(key, value, columns)?;
                match filter.runs.last_mut() {
                    Some(run) if or => run.push(condition),
                    _ => filter.runs.push(vec![condition]),
                }
            }
        }
        Ok(filter)
    }

    /// Whether `record` satisfies the search.
    pub(crate) fn matches(&self, record: &Map<String, Value>) -> bool {
        self.runs
            .iter()
            .all(|run| run.iter().any(|c| c.matches(record)))
    }

    /// True when the search selects everything.
    pub(crate) fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }
}

fn parse_condition(
    key: &str,
    value: &Value,
    columns: &dyn Fn(&str) -> Option<Comparison>,
) -> Result<(Condition, bool)> {
    let parts: Vec<&str> = key.split('|').collect();
    if parts.len() > 3 {
        return Err(ApiError::input(
            "search",
            format!("Invalid search key: {key}."),
        ));
    }
    let column = parts[0].trim();
    let op = match parts.get(1).map(|s| s.trim()) {
        None | Some("") | Some("=") | Some("==") => Op::Eq,
        Some("!=") => Op::Ne,
        Some(">") => Op::Gt,
        Some("<") => Op::Lt,
        Some(">=") => Op::Ge,
        Some("<=") => Op::Le,
        Some("in") => Op::In,
        Some("not in") => Op::NotIn,
        Some(other) => {
            return Err(ApiError::input(
                "search",
                format!("Unsupported search operator: {other}."),
            ));
        }
    };
    let or = match parts.get(2).map(|s| s.trim()) {
        None | Some("") => false,
        Some(joiner) if joiner.eq_ignore_ascii_case("or") => true,
        Some(joiner) if joiner.eq_ignore_ascii_case("and") => false,
        Some(other) => {
            return Err(ApiError::input(
                "search",
                format!("Invalid search joiner: {other}."),
            ));
        }
    };
    let comparison = columns(column)
        .ok_or_else(|| ApiError::input("search", format!("Unknown column in search: {column}.")))?;
    let value = match op {
        Op::In | Op::NotIn => {
            let Value::Array(items) = value else {
                return Err(ApiError::input(
                    "search",
                    format!("The value of {key} must be an array."),
                ));
            };
            Value::Array(
                items
                    .iter()
                    .map(|v| normalise(v, comparison, key))
                    .collect::<Result<_>>()?,
            )
        }
        _ => normalise(value, comparison, key)?,
    };
    Ok((
        Condition {
            column: column.to_owned(),
            op,
            value,
        },
        or,
    ))
}

/// Converts a search value to the column's representation (numeric strings for numbers, date
/// strings for timestamps).
fn normalise(value: &Value, comparison: Comparison, key: &str) -> Result<Value> {
    Ok(match (comparison, value) {
        (Comparison::Number, Value::String(s)) => s
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .unwrap_or_else(|| value.clone()),
        (Comparison::Timestamp, Value::String(s)) => {
            parse_datetime_ms(s).map(Value::from).ok_or_else(|| {
                ApiError::input(
                    "search",
                    format!(
                        "The value of {key} is not a timestamp (epoch milliseconds or a date)."
                    ),
                )
            })?
        }
        (Comparison::Bool, Value::String(s)) if s == "true" || s == "false" => {
            Value::Bool(s == "true")
        }
        _ => value.clone(),
    })
}

impl Condition {
    fn matches(&self, record: &Map<String, Value>) -> bool {
        let actual = record.get(&self.column).unwrap_or(&Value::Null);
        match self.op {
            Op::Eq => values_equal(actual, &self.value),
            Op::Ne => !values_equal(actual, &self.value),
            Op::Gt => compare(actual, &self.value) == Some(Ordering::Greater),
            Op::Lt => compare(actual, &self.value) == Some(Ordering::Less),
            Op::Ge => matches!(
                compare(actual, &self.value),
                Some(Ordering::Greater | Ordering::Equal)
            ),
            Op::Le => matches!(
                compare(actual, &self.value),
                Some(Ordering::Less | Ordering::Equal)
            ),
            Op::In => self.list().iter().any(|v| values_equal(actual, v)),
            Op::NotIn => !self.list().iter().any(|v| values_equal(actual, v)),
        }
    }

    fn list(&self) -> &[Value] {
        self.value.as_array().map(Vec::as_slice).unwrap_or_default()
    }
}

/// Equality as search sees it: numbers numerically, everything else structurally.
pub(crate) fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(_), Value::Number(_)) => compare(a, b) == Some(Ordering::Equal),
        _ => a == b,
    }
}

/// Ordered comparison of two scalars of the same kind; `None` when they do not compare.
pub(crate) fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => Some(x.cmp(&y)),
            _ => x.as_f64()?.partial_cmp(&y.as_f64()?),
        },
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// A parsed sort: columns with `true` for descending.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sort {
    keys: Vec<(String, bool)>,
}

impl Sort {
    /// Parses `sort` (absent = `default`). `known` says whether a column exists.
    pub(crate) fn parse(
        sort: Option<&Value>,
        known: &dyn Fn(&str) -> bool,
        default: &[(&str, bool)],
    ) -> Result<Self> {
        let objects: Vec<&Map<String, Value>> = match sort {
            None | Some(Value::Null) => {
                return Ok(Sort {
                    keys: default.iter().map(|(c, d)| ((*c).to_owned(), *d)).collect(),
                });
            }
            Some(Value::Object(obj)) => vec![obj],
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| {
                    item.as_object().ok_or_else(|| {
                        ApiError::input("sort", "Each sort entry must be an object.")
                    })
                })
                .collect::<Result<_>>()?,
            Some(_) => {
                return Err(ApiError::input(
                    "sort",
                    "sort must be an object or an array of objects.",
                ));
            }
        };
        let mut keys = Vec::new();
        for obj in objects {
            for (column, direction) in obj {
                if !known(column) {
                    return Err(ApiError::input(
                        "sort",
                        format!("Unknown column in sort: {column}."),
                    ));
                }
                let desc = match direction.as_str().map(str::to_ascii_lowercase).as_deref() {
                    Some("asc") => false,
                    Some("desc") => true,
                    _ => {
                        return Err(ApiError::input(
                            "sort",
                            format!("The direction for {column} must be asc or desc."),
                        ));
                    }
                };
                keys.push((column.clone(), desc));
            }
        }
        if keys.is_empty() {
            keys = default.iter().map(|(c, d)| ((*c).to_owned(), *d)).collect();
        }
        Ok(Sort { keys })
    }

    /// Orders `records` in place; the sort is stable, so callers pass them in id order.
    pub(crate) fn apply<T>(&self, records: &mut [T], get: impl Fn(&T) -> &Map<String, Value>) {
        records.sort_by(|a, b| {
            let (a, b) = (get(a), get(b));
            for (column, desc) in &self.keys {
                let x = a.get(column).unwrap_or(&Value::Null);
                let y = b.get(column).unwrap_or(&Value::Null);
                let ord = sort_order(x, y);
                let ord = if *desc { ord.reverse() } else { ord };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
            Ordering::Equal
        });
    }
}

/// A total order for sorting: nulls greatest, then by kind, then by value.
fn sort_order(a: &Value, b: &Value) -> Ordering {
    fn rank(v: &Value) -> u8 {
        match v {
            Value::Bool(_) => 0,
            Value::Number(_) => 1,
            Value::String(_) => 2,
            Value::Array(_) => 3,
            Value::Object(_) => 4,
            Value::Null => 5,
        }
    }
    match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        _ if rank(a) == rank(b) => compare(a, b).unwrap_or(Ordering::Equal),
        _ => rank(a).cmp(&rank(b)),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn cols(name: &str) -> Option<Comparison> {
        match name {
            "price" => Some(Comparison::Number),
            "name" => Some(Comparison::Text),
            "at" => Some(Comparison::Timestamp),
            _ => None,
        }
    }

    fn rec(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn or_joins_the_previous_condition() {
        let f = Filter::parse(
            Some(&json!([{"name": "a"}, {"price|<": 30}, {"price|>|or": 70}])),
            &cols,
        )
        .unwrap();
        assert!(f.matches(&rec(json!({"name": "a", "price": 10}))));
        assert!(f.matches(&rec(json!({"name": "a", "price": 80}))));
        assert!(!f.matches(&rec(json!({"name": "a", "price": 50}))));
        assert!(!f.matches(&rec(json!({"name": "b", "price": 10}))));
    }

    #[test]
    fn history_trailing_pipe_and_dates() {
        let f = Filter::parse(Some(&json!({"at|>|": "1970-01-01T00:00:01Z"})), &cols).unwrap();
        assert!(f.matches(&rec(json!({"at": 1001}))));
        assert!(!f.matches(&rec(json!({"at": 1000}))));
    }

    #[test]
    fn unknown_column_and_bad_in() {
        let e = Filter::parse(Some(&json!({"nope": 1})), &cols).unwrap_err();
        assert_eq!(e.body()["payload"]["param"], "search");
        let e = Filter::parse(Some(&json!({"price|in": 1})), &cols).unwrap_err();
        assert_eq!(e.body()["payload"]["param"], "search");
    }

    #[test]
    fn sort_puts_nulls_last_ascending() {
        let mut rows = vec![
            rec(json!({"price": null})),
            rec(json!({"price": 2})),
            rec(json!({"price": 1})),
        ];
        let s = Sort::parse(Some(&json!({"price": "asc"})), &|c| c == "price", &[]).unwrap();
        s.apply(&mut rows, |r| r);
        assert_eq!(rows[0]["price"], 1);
        assert_eq!(rows[2]["price"], Value::Null);
    }
}
