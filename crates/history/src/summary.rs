//! Summarising tool arguments for the audit log.
//!
//! A person reading the log must see what a call did (workspace, table, row ids, which fields were
//! filtered with which operators, limit/offset, `dry_run`, how many records) but not the data it
//! carried or any credential. So [`summarize_arguments`]:
//! - replaces row values with [`VALUE_MASK`]: the values inside `record`, `data`, `updates` (field
//!   names kept), every top-level column argument of `addTableContent`/`updateTableContentItem`,
//!   and the values compared in `filters`, `query` and `search` (field names and operators kept);
//! - turns record arrays (`records`, `items`, array-valued `updates`/`data`) into `{"count": n}`;
//! - masks secrets anywhere with [`MASK`](crate::MASK) (see [`crate::mask`]);
//! - shortens long text and long arrays, so one call cannot bloat the log.
//!
//! It keeps everything else as given. It does not validate arguments: a malformed call is logged
//! in the same summarised form.

use crate::mask::{MASK, is_secret_key, mask_text};
use serde_json::{Map, Value, json};

/// What a row value reads as in the audit log.
pub const VALUE_MASK: &str = "[value]";

/// Text longer than this (in characters) is cut, with the original length noted.
const MAX_TEXT_CHARS: usize = 200;
/// Arrays longer than this keep their first items and say how many there were.
const MAX_ARRAY_ITEMS: usize = 20;

/// Keys whose value is row data.
const ROW_VALUE_KEYS: [&str; 5] = ["record", "data", "records", "items", "updates"];
/// Keys whose value is a condition: field names and operators are kept, compared values masked.
const CONDITION_KEYS: [&str; 3] = ["filters", "query", "search"];
/// Tools whose extra top-level arguments are column values.
const FLAT_ROW_TOOLS: [&str; 2] = ["addTableContent", "updateTableContentItem"];
/// Arguments of those tools that are not column values.
const CONTROL_ARGS: [&str; 10] = [
    "workspace_id",
    "table_id",
    "content_id",
    "id",
    "row_id",
    "data_source",
    "dry_run",
    "branch",
    "limit",
    "offset",
];

/// The audit-log form of a tool call's arguments (see the module docs).
pub fn summarize_arguments(tool: &str, arguments: &Value) -> Value {
    let Value::Object(args) = arguments else {
        return generic(arguments);
    };
    let flat_rows = FLAT_ROW_TOOLS.contains(&tool);
    let out: Map<String, Value> = args
        .iter()
        .map(|(k, v)| {
            let summarised = if is_secret_key(k) {
                mask_unless_null(v)
            } else if ROW_VALUE_KEYS.contains(&k.as_str()) {
                row_values(v)
            } else if CONDITION_KEYS.contains(&k.as_str()) {
                match v {
                    // `search` is a name filter on list tools (`getTables`), not a condition.
                    Value::String(_) | Value::Null => generic(v),
                    _ if k == "filters" => filters(v),
                    _ => condition(v),
                }
            } else if flat_rows && !CONTROL_ARGS.contains(&k.as_str()) {
                value_mask_unless_null(v)
            } else {
                generic(v)
            };
            (k.clone(), summarised)
        })
        .collect();
    Value::Object(out)
}

fn mask_unless_null(v: &Value) -> Value {
    if v.is_null() {
        Value::Null
    } else {
        Value::String(MASK.to_owned())
    }
}

fn value_mask_unless_null(v: &Value) -> Value {
    if v.is_null() {
        Value::Null
    } else {
        Value::String(VALUE_MASK.to_owned())
    }
}

/// Row data: arrays become a count; objects keep their field names.
fn row_values(v: &Value) -> Value {
    match v {
        Value::Array(items) => json!({ "count": items.len() }),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let masked = if is_secret_key(k) {
                        mask_unless_null(v)
                    } else {
                        value_mask_unless_null(v)
                    };
                    (k.clone(), masked)
                })
                .collect(),
        ),
        other => value_mask_unless_null(other),
    }
}

/// `filters`: `{"field": "<op><value>"}` keeps the field and the operator prefix.
fn filters(v: &Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let masked = if is_secret_key(k) {
                        mask_unless_null(v)
                    } else {
                        filter_value(v)
                    };
                    (k.clone(), masked)
                })
                .collect(),
        ),
        other => condition(other),
    }
}

fn filter_value(v: &Value) -> Value {
    match v {
        Value::String(s) => {
            const OPS: [&str; 9] = [
                "not contains ",
                "contains ",
                ">=",
                "<=",
                "!=",
                ">",
                "<",
                "=",
                "in ",
            ];
            let t = s.trim_start();
            match OPS.iter().find(|op| t.starts_with(**op)) {
                Some(op) => Value::String(format!("{} {VALUE_MASK}", op.trim())),
                None => Value::String(VALUE_MASK.to_owned()),
            }
        }
        Value::Array(items) => Value::String(format!("one of {} values", items.len())),
        Value::Null => Value::Null,
        Value::Object(_) => condition(v),
        _ => Value::String(VALUE_MASK.to_owned()),
    }
}

/// Keys of a condition tree whose scalar values are structure (kept), not compared data.
const STRUCTURE_KEYS: [&str; 10] = [
    "field",
    "operator",
    "op",
    "tag",
    "type",
    "group_by",
    "having",
    "direction",
    "column",
    "col",
];

/// Keys that mark an object as a node of a condition tree or a structured statement.
const NODE_MARKERS: [&str; 11] = [
    "field", "operator", "op", "tag", "group_by", "having", "left", "right", "and", "or", "not",
];

/// A condition in any of the forms we accept: the tree (`{"and":[{"field","operator","value"}]}`),
/// Xano's pipe syntax (`[{"price|<":30}]`) and Xano's structured statements
/// (`{"type":"statement","left":{"tag":"col","operand":"name"},"op":"==","right":{"operand":"x"}}`).
fn condition(v: &Value) -> Value {
    match v {
        Value::Array(items) => cap_array(items, condition),
        Value::Object(map) => {
            let is_column = |side: &Value| side.get("tag").and_then(Value::as_str) == Some("col");
            // A node of a tree or a structured statement, as opposed to a pipe-syntax object
            // (`{"type": "admin"}` compares a column that happens to be called `type`).
            let structural = map.keys().any(|k| NODE_MARKERS.contains(&k.as_str()));
            Value::Object(
                map.iter()
                    .map(|(k, v)| {
                        let key = k.as_str();
                        let masked = if is_secret_key(key) {
                            mask_unless_null(v)
                        } else if key == "value" || key == "values" {
                            value_mask_unless_null(v)
                        } else if key == "left" || key == "right" {
                            // A side of a structured statement: a column operand is structure.
                            if is_column(v) { generic(v) } else { operand(v) }
                        } else if structural && STRUCTURE_KEYS.contains(&key) {
                            match v {
                                Value::Object(_) | Value::Array(_) => condition(v),
                                _ => generic(v),
                            }
                        } else {
                            match v {
                                Value::Object(_) | Value::Array(_) => condition(v),
                                Value::Null => Value::Null,
                                // A pipe-syntax key (`"price|<"`) or a plain `"field": value`.
                                _ => Value::String(VALUE_MASK.to_owned()),
                            }
                        };
                        (k.clone(), masked)
                    })
                    .collect(),
            )
        }
        Value::Null => Value::Null,
        _ => Value::String(VALUE_MASK.to_owned()),
    }
}

fn operand(v: &Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let masked = if k == "tag" {
                        generic(v)
                    } else {
                        value_mask_unless_null(v)
                    };
                    (k.clone(), masked)
                })
                .collect(),
        ),
        other => value_mask_unless_null(other),
    }
}

/// Everything else: kept, with secrets masked and size bounded.
fn generic(v: &Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let masked = if is_secret_key(k) {
                        mask_unless_null(v)
                    } else {
                        generic(v)
                    };
                    (k.clone(), masked)
                })
                .collect(),
        ),
        Value::Array(items) => cap_array(items, generic),
        Value::String(s) => Value::String(shorten(&mask_text(s))),
        other => other.clone(),
    }
}

fn cap_array(items: &[Value], f: fn(&Value) -> Value) -> Value {
    if items.len() <= MAX_ARRAY_ITEMS {
        Value::Array(items.iter().map(f).collect())
    } else {
        json!({
            "count": items.len(),
            "first": items.iter().take(MAX_ARRAY_ITEMS).map(f).collect::<Vec<_>>(),
        })
    }
}

fn shorten(s: &str) -> String {
    let n = s.chars().count();
    if n <= MAX_TEXT_CHARS {
        s.to_owned()
    } else {
        let head: String = s.chars().take(MAX_TEXT_CHARS).collect();
        format!("{head}… ({n} characters)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlX2hlcmU";
    const LOCAL: &str = "xmcp_Qm9vZ2llV29vZ2llQm9vZ2llV29vZ2ll";

    #[test]
    fn add_row_keeps_ids_and_masks_every_column_value() {
        let args = json!({
            "workspace_id": 7, "table_id": "customers", "dry_run": true, "data_source": "live",
            "name": "Ada Lovelace", "email": "ada@example.com",
            "record": {"plan": "pro", "password": "hunter2", "note": null},
        });
        assert_eq!(
            summarize_arguments("addTableContent", &args),
            json!({
                "workspace_id": 7, "table_id": "customers", "dry_run": true, "data_source": "live",
                "name": VALUE_MASK, "email": VALUE_MASK,
                "record": {"plan": VALUE_MASK, "password": MASK, "note": null},
            })
        );
    }

    #[test]
    fn update_row_keeps_the_row_id_and_field_names() {
        let args = json!({
            "workspace_id": "ws_7", "table_id": 12, "content_id": "42",
            "updates": {"status": "inactive"}, "tier": "gold",
        });
        assert_eq!(
            summarize_arguments("updateTableContentItem", &args),
            json!({
                "workspace_id": "ws_7", "table_id": 12, "content_id": "42",
                "updates": {"status": VALUE_MASK}, "tier": VALUE_MASK,
            })
        );
    }

    #[test]
    fn record_arrays_become_counts() {
        let args = json!({
            "workspace_id": 1, "table_id": 2, "chunk_size": 500,
            "records": [{"name": "a"}, {"name": "b"}, {"name": "c"}],
        });
        assert_eq!(
            summarize_arguments("addTableContentBulk", &args),
            json!({"workspace_id": 1, "table_id": 2, "chunk_size": 500, "records": {"count": 3}})
        );
        let patch = json!({"workspace_id": 1, "table_id": 2, "items": [{"id": 1, "status": "x"}]});
        assert_eq!(
            summarize_arguments("patchTableContentBulk", &patch)["items"],
            json!({"count": 1})
        );
    }

    #[test]
    fn filters_keep_fields_and_operators_only() {
        let args = json!({
            "workspace_id": 1, "table_id": 2, "limit": 10, "offset": 20,
            "filters": {"status": "active", "created_at": ">=2024-01-01", "name": "contains Ada", "tier": ["pro", "gold"]},
            "sort": [{"field": "created_at", "direction": "desc"}],
        });
        assert_eq!(
            summarize_arguments("getTableContent", &args),
            json!({
                "workspace_id": 1, "table_id": 2, "limit": 10, "offset": 20,
                "filters": {"status": VALUE_MASK, "created_at": ">= [value]", "name": "contains [value]", "tier": "one of 2 values"},
                "sort": [{"field": "created_at", "direction": "desc"}],
            })
        );
    }

    #[test]
    fn condition_trees_pipe_and_structured_search_mask_compared_values() {
        let tree = json!({"and": [
            {"field": "tier", "operator": "in", "value": ["pro", "enterprise"]},
            {"or": [{"field": "region", "operator": "=", "value": "US"}]},
            {"not": {"field": "email", "operator": "ends_with", "value": "@spam.io"}},
        ]});
        let pipe = json!([{"price|<": 30}, {"price|>|or": 70}, {"email|in": ["a@b.c"]}]);
        let structured = json!([{"type": "statement", "left": {"tag": "col", "operand": "name"}, "op": "==", "right": {"operand": "chris"}}]);
        let out = summarize_arguments(
            "searchTableContent",
            &json!({"workspace_id": 1, "table_id": 2, "query": tree, "search": pipe}),
        );
        assert_eq!(
            out["query"],
            json!({"and": [
                {"field": "tier", "operator": "in", "value": VALUE_MASK},
                {"or": [{"field": "region", "operator": "=", "value": VALUE_MASK}]},
                {"not": {"field": "email", "operator": "ends_with", "value": VALUE_MASK}},
            ]})
        );
        assert_eq!(
            out["search"],
            json!([{"price|<": VALUE_MASK}, {"price|>|or": VALUE_MASK}, {"email|in": [VALUE_MASK]}])
        );
        let out = summarize_arguments("searchTableContent", &json!({"search": structured}));
        assert_eq!(
            out["search"],
            json!([{"type": "statement", "left": {"tag": "col", "operand": "name"}, "op": "==", "right": {"operand": VALUE_MASK}}])
        );
        // On list tools `search` is a name filter and stays readable.
        assert_eq!(
            summarize_arguments("getTables", &json!({"search": "cust"}))["search"],
            "cust"
        );
    }

    #[test]
    fn group_by_and_having_are_kept() {
        let q = json!({"query": {"group_by": "email", "having": "count(*) > 1"}});
        assert_eq!(
            summarize_arguments("searchTableContent", &q)["query"],
            json!({"group_by": "email", "having": "count(*) > 1"})
        );
    }

    #[test]
    fn no_planted_secret_survives_any_tool() {
        let planted = [
            "hunter2-plain",
            JWT,
            LOCAL,
            "s3cr3t-client-value",
            "sk_live_abcdef",
            "sid=abc123cookie",
        ];
        let args = json!({
            "workspace_id": 1, "table_id": 2,
            "password": "hunter2-plain",
            "note": format!("use {JWT} please"),
            "header": format!("Bearer {LOCAL}"),
            "nested": {"deep": [{"client_secret": "s3cr3t-client-value"}, {"Cookie": "sid=abc123cookie"}]},
            "config": {"API_KEY": "sk_live_abcdef"},
            "record": {"password": "hunter2-plain", "token": JWT},
            "filters": {"api_key": "=sk_live_abcdef"},
            "search": [{"password": "hunter2-plain"}],
            "query": {"and": [{"field": "token", "operator": "=", "value": LOCAL}]},
        });
        for tool in [
            "addTableContent",
            "updateTableContentItem",
            "searchTableContent",
            "createTable",
            "unknownTool",
        ] {
            let text = summarize_arguments(tool, &args).to_string();
            for secret in planted {
                assert!(!text.contains(secret), "{tool} leaked {secret}: {text}");
            }
            assert!(!text.contains("eyJ"), "{tool}: {text}");
            assert!(!text.contains("xmcp_"), "{tool}: {text}");
        }
    }

    #[test]
    fn long_text_and_long_arrays_are_bounded() {
        let ids: Vec<i64> = (0..1000).collect();
        let out = summarize_arguments(
            "deleteTableContentBulk",
            &json!({"ids": ids, "description": "x".repeat(5000)}),
        );
        assert_eq!(out["ids"]["count"], 1000);
        assert_eq!(
            out["ids"]["first"].as_array().map(Vec::len),
            Some(MAX_ARRAY_ITEMS)
        );
        assert!(
            out["description"]
                .as_str()
                .is_some_and(|s| s.len() < 300 && s.ends_with("(5000 characters)"))
        );
    }

    #[test]
    fn non_object_arguments_are_masked_generically() {
        assert_eq!(summarize_arguments("x", &json!(JWT)), json!(MASK));
        assert_eq!(summarize_arguments("x", &Value::Null), Value::Null);
    }
}
