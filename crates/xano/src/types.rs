//! Wire types of the Metadata API, exactly as the reference describes them. Every object keeps the
//! fields we do not model in `extra`, so nothing Xano sends is lost on the way to a tool result.
//! Field types follow what real payloads carry where the spec and reality differ (e.g. `/auth/me`
//! `id` is a number although the spec types it as a string): the deserialisers accept both.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// A table row: an open JSON object (Xano tables have user-defined columns).
pub type Row = Map<String, Value>;

/// A row id: integer for ordinary tables, text for tables with a UUID primary key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RowId {
    Int(i64),
    Text(String),
}

impl RowId {
    /// The path segment form.
    pub fn to_segment(&self) -> String {
        match self {
            RowId::Int(i) => i.to_string(),
            RowId::Text(s) => s.clone(),
        }
    }
}

impl std::fmt::Display for RowId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_segment())
    }
}

impl From<i64> for RowId {
    fn from(v: i64) -> Self {
        RowId::Int(v)
    }
}

/// Metadata timestamps come as `2023-04-19 21:01:32+0000` strings or, on newer objects, epoch numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Timestamp {
    Epoch(i64),
    Text(String),
}

/// `GET /auth/me`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    #[serde(deserialize_with = "int_or_string")]
    pub id: i64,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    /// Unix seconds (the official CLI multiplies by 1000).
    #[serde(default)]
    pub created_at: Option<i64>,
    /// An object in real payloads (`extras.instance.membership.role`, ...), a string in the spec.
    #[serde(default)]
    pub extras: Value,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One instance from the account host's `GET /instance`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Instance {
    #[serde(default, deserialize_with = "opt_int_or_string")]
    pub id: Option<i64>,
    pub name: String,
    #[serde(default)]
    pub display: String,
    #[serde(default)]
    pub xano_domain: Option<String>,
    #[serde(default)]
    pub custom_domain: Option<String>,
    #[serde(default)]
    pub meta_api: Option<String>,
    #[serde(default)]
    pub meta_swagger: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GET /workspace` item.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Workspace {
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The live branch; its shape is not pinned by the spec, so it stays raw.
    #[serde(default)]
    pub branch: Value,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GET /workspace/{ws}/branch` item.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Branch {
    pub label: String,
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// Absent when false.
    #[serde(default)]
    pub live: bool,
    #[serde(default)]
    pub backup: bool,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GET /workspace/{ws}/datasource` item.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DataSource {
    pub label: String,
    #[serde(default)]
    pub color: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A table as listed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Table {
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub docs: String,
    #[serde(default)]
    pub guid: Option<String>,
    #[serde(default)]
    pub auth: bool,
    #[serde(default)]
    pub tag: Value,
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One column of a table schema (reference §7.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableField {
    pub name: String,
    #[serde(rename = "type")]
    pub field_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nullable: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// A string in the spec (`""` = none); other JSON kept as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    /// Enum values: strings in the spec example, objects in another copy (reference §11.7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tableref_id: Option<i64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl TableField {
    /// The enum values as strings, whichever form Xano used.
    pub fn enum_values(&self) -> Vec<String> {
        self.values
            .iter()
            .flatten()
            .filter_map(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Object(o) => o.get("value").and_then(Value::as_str).map(str::to_owned),
                _ => None,
            })
            .collect()
    }
}

/// A table index (`GET .../index`; the spec leaves it untyped).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableIndex {
    #[serde(default)]
    pub id: Option<Value>,
    #[serde(rename = "type")]
    pub index_type: String,
    #[serde(default)]
    pub fields: Vec<IndexField>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One field of an index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexField {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub op: Option<String>,
}

/// `{ "id": ... }` answers (table create: an int; index create: a hex string).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreatedId<T> {
    pub id: T,
}

/// `{ "name": ... }` answer of add-column.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CreatedColumn {
    pub name: String,
}

/// Answer of bulk patch/delete and patch/delete by search.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct BulkOutcome {
    #[serde(default)]
    pub success: Vec<RowId>,
    #[serde(default)]
    pub success_total: u64,
    /// Ids that failed (bulk delete only).
    #[serde(default)]
    pub error: Vec<RowId>,
}

/// An API group.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApiGroup {
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub docs: String,
    #[serde(default)]
    pub guid: Option<String>,
    #[serde(default)]
    pub canonical: Option<String>,
    #[serde(default)]
    pub branch: Value,
    #[serde(default)]
    pub tag: Value,
    #[serde(default)]
    pub swagger: Option<bool>,
    #[serde(default)]
    pub documentation: Option<Value>,
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An API endpoint of a group.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Api {
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub verb: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub docs: String,
    #[serde(default)]
    pub guid: Option<String>,
    #[serde(default)]
    pub auth: Value,
    #[serde(default)]
    pub cache: Value,
    #[serde(default)]
    pub input: Value,
    #[serde(default)]
    pub tag: Value,
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One request-history item. `duration` is in seconds (a float); `created_at` a
/// `YYYY-MM-DD HH:MM:SS+0000` string.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RequestHistoryItem {
    #[serde(deserialize_with = "int_or_string")]
    pub id: i64,
    pub created_at: Timestamp,
    #[serde(default)]
    pub duration: f64,
    #[serde(default)]
    pub status: i64,
    #[serde(default)]
    pub verb: String,
    #[serde(default)]
    pub uri: String,
    #[serde(default)]
    pub input: Value,
    #[serde(default)]
    pub request_headers: Vec<Value>,
    #[serde(default)]
    pub response_headers: Vec<Value>,
    #[serde(default)]
    pub workspace_id: Option<i64>,
    #[serde(default)]
    pub branch_id: Option<i64>,
    #[serde(default)]
    pub api_id: Option<i64>,
    #[serde(default)]
    pub query_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<Value>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn int_or_string<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    match Value::deserialize(d)? {
        Value::Number(n) => n
            .as_i64()
            .ok_or_else(|| serde::de::Error::custom("id is not an integer")),
        Value::String(s) => s
            .trim()
            .parse()
            .map_err(|_| serde::de::Error::custom("id is not an integer")),
        _ => Err(serde::de::Error::custom(
            "id must be a number or a numeric string",
        )),
    }
}

fn opt_int_or_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        Value::Number(n) => Ok(n.as_i64()),
        Value::String(s) => Ok(s.trim().parse().ok()),
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_me_accepts_real_and_spec_shapes() {
        let real: User = serde_json::from_str(
            r#"{"id":7,"name":"Ada","email":"ada@example.com","created_at":1700000000,"extras":{"instance":{"membership":{"role":"admin"}}}}"#,
        )
        .expect("real payload");
        assert_eq!(real.id, 7);
        let spec: User =
            serde_json::from_str(r#"{"id":"7","name":"Ada","email":"a@b.c","extras":""}"#)
                .expect("spec payload");
        assert_eq!(spec.id, 7);
    }

    #[test]
    fn unknown_fields_are_kept() {
        let t: Table = serde_json::from_str(
            r#"{"id":1,"name":"users","created_at":"2023-04-19 21:01:32+0000","future_field":{"a":1}}"#,
        )
        .expect("table");
        assert_eq!(
            t.extra.get("future_field"),
            Some(&serde_json::json!({"a":1}))
        );
        let back = serde_json::to_value(&t).expect("serialize");
        assert_eq!(back["future_field"]["a"], 1);
    }

    #[test]
    fn enum_values_in_both_forms() {
        let f: TableField = serde_json::from_str(
            r#"{"name":"tier","type":"enum","values":["free",{"label":"Pro","value":"pro"}]}"#,
        )
        .expect("field");
        assert_eq!(f.enum_values(), vec!["free", "pro"]);
    }
}
