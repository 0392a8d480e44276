//! Table schema fields: parsing the field objects clients send (PUT schema, table create, the
//! per-type add-column bodies), rendering the objects `GET .../schema` returns, and checking and
//! coercing record values against a field.
//!
//! Invariants: a [`Field`] always has a known storable type (one of [`FIELD_TYPES`]); table
//! references are stored as `int` (or `uuid`) plus `tableref_id`, because the reference's
//! schema type enum has no `tableref` (§11.8) and foreign keys are "commonly expressed as
//! `type:"int"` with `tableref_id`" (§7.1). Enum `values` are stored and returned as plain strings
//! (the spec example, §11.7); `{value, label}` objects are accepted on input and reduced to `value`.
//! A stored password is never the clear text.
//!
//! Not done: `object` children and text `filters` are kept and returned but not enforced.

use serde_json::{Map, Value, json};

use crate::clock::{format_date, parse_datetime_ms};
use crate::error::{ApiError, Result};

/// Storable field types (the schema `type` enum of the reference, §7.1).
pub(crate) const FIELD_TYPES: [&str; 23] = [
    "int",
    "text",
    "bool",
    "decimal",
    "email",
    "password",
    "timestamp",
    "date",
    "json",
    "object",
    "enum",
    "uuid",
    "vector",
    "image",
    "video",
    "audio",
    "attachment",
    "geo_point",
    "geo_linestring",
    "geo_polygon",
    "geo_multipoint",
    "geo_multilinestring",
    "geo_multipolygon",
];

/// The 25 `POST .../schema/type/{type}` path values (§5.6).
pub(crate) const ADD_COLUMN_TYPES: [&str; 25] = [
    "attachment",
    "audio",
    "bool",
    "date",
    "decimal",
    "email",
    "enum",
    "geo_linestring",
    "geo_multilinestring",
    "geo_multipoint",
    "geo_multipolygon",
    "geo_point",
    "geo_polygon",
    "image",
    "int",
    "json",
    "object",
    "password",
    "tableref",
    "tablerefuuid",
    "text",
    "timestamp",
    "uuid",
    "vector",
    "video",
];

/// Keys of a field object that are kept as given and returned unchanged.
const PASSTHROUGH_KEYS: [&str; 5] = ["format", "filters", "vector", "children", "validators"];

/// One column of a table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Field {
    pub(crate) name: String,
    pub(crate) kind: String,
    pub(crate) description: String,
    pub(crate) nullable: bool,
    pub(crate) required: bool,
    pub(crate) default: String,
    pub(crate) access: String,
    pub(crate) sensitive: bool,
    pub(crate) list: bool,
    pub(crate) values: Vec<String>,
    pub(crate) tableref_id: Option<i64>,
    pub(crate) extra: Map<String, Value>,
}

/// How search compares a column's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Comparison {
    Number,
    Timestamp,
    Text,
    Bool,
    Other,
}

impl Field {
    /// A field with the type's usual defaults.
    pub(crate) fn new(name: &str, kind: &str) -> Self {
        Self {
            name: name.to_owned(),
            kind: kind.to_owned(),
            description: String::new(),
            nullable: nullable_by_default(kind),
            required: false,
            default: String::new(),
            access: "public".to_owned(),
            sensitive: false,
            list: false,
            values: Vec::new(),
            tableref_id: None,
            extra: Map::new(),
        }
    }

    /// The auto primary key of every table.
    pub(crate) fn primary_id() -> Self {
        Self {
            nullable: false,
            ..Self::new("id", "int")
        }
    }

    /// The auto `created_at` column of a table created without a schema.
    pub(crate) fn created_at() -> Self {
        Self {
            nullable: false,
            default: "now".to_owned(),
            ..Self::new("created_at", "timestamp")
        }
    }

    pub(crate) fn with_values(mut self, values: &[&str]) -> Self {
        self.values = values.iter().map(|v| (*v).to_owned()).collect();
        self
    }

    pub(crate) fn with_tableref(mut self, table_id: i64) -> Self {
        self.tableref_id = Some(table_id);
        self
    }

    pub(crate) fn with_default(mut self, default: &str) -> Self {
        self.default = default.to_owned();
        self
    }

    pub(crate) fn with_description(mut self, description: &str) -> Self {
        self.description = description.to_owned();
        self
    }

    pub(crate) fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Parses a field object of PUT schema / table create (`type` must be a storable type or a
    /// table reference type).
    pub(crate) fn from_object(value: &Value) -> Result<Self> {
        let obj = value
            .as_object()
            .ok_or_else(|| ApiError::input("schema", "Each schema field must be an object."))?;
        let kind = obj
            .get("type")
            .and_then(Value::as_str)
            .ok_or_else(|| ApiError::input("type", "Each schema field needs a type."))?;
        Self::from_body(kind, obj)
    }

    /// Parses an add-column body for path type `kind` (one of [`ADD_COLUMN_TYPES`]).
    pub(crate) fn from_add_column(kind: &str, body: &Map<String, Value>) -> Result<Self> {
        if !ADD_COLUMN_TYPES.contains(&kind) {
            return Err(ApiError::not_found(format!("Unknown column type: {kind}.")));
        }
        Self::from_body(kind, body)
    }

    fn from_body(kind: &str, obj: &Map<String, Value>) -> Result<Self> {
        let (stored_kind, is_ref) = match kind {
            "tableref" => ("int", true),
            "tablerefuuid" => ("uuid", true),
            other if FIELD_TYPES.contains(&other) => (other, false),
            other => {
                return Err(ApiError::input(
                    "type",
                    format!("Unknown field type: {other}."),
                ));
            }
        };
        let name = obj
            .get("name")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .ok_or_else(|| ApiError::input("name", "Missing param: name"))?;
        let mut field = Field::new(name, stored_kind);
        if let Some(d) = obj.get("description") {
            field.description = text_of(d);
        }
        field.nullable = bool_param(obj, "nullable", field.nullable)?;
        field.required = bool_param(obj, "required", false)?;
        field.sensitive = bool_param(obj, "sensitive", false)?;
        if let Some(d) = obj.get("default") {
            field.default = text_of(d);
        }
        if let Some(access) = obj.get("access").filter(|v| !v.is_null()) {
            let access = access.as_str().unwrap_or_default();
            if !["public", "private", "internal"].contains(&access) {
                return Err(ApiError::input(
                    "access",
                    "access must be public, private or internal.",
                ));
            }
            field.access = access.to_owned();
        }
        if let Some(style) = obj.get("style").filter(|v| !v.is_null()) {
            field.list = match style.as_str() {
                Some("single") => false,
                Some("list") => true,
                _ => return Err(ApiError::input("style", "style must be single or list.")),
            };
        }
        if stored_kind == "enum" {
            let values = obj.get("values").and_then(Value::as_array);
            field.values = values
                .into_iter()
                .flatten()
                .map(|v| match v {
                    Value::String(s) => Some(s.clone()),
                    Value::Object(o) => o.get("value").and_then(Value::as_str).map(str::to_owned),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| ApiError::input("values", "Enum values must be strings."))?;
            if field.values.is_empty() {
                return Err(ApiError::input("values", "An enum field needs values."));
            }
        }
        match obj.get("tableref_id") {
            Some(Value::Number(n)) => field.tableref_id = n.as_i64(),
            Some(Value::String(s)) => field.tableref_id = s.parse().ok(),
            _ => {}
        }
        if is_ref && field.tableref_id.is_none() {
            return Err(ApiError::input(
                "tableref_id",
                "A table reference needs tableref_id.",
            ));
        }
        for key in PASSTHROUGH_KEYS {
            if let Some(v) = obj.get(key) {
                field.extra.insert(key.to_owned(), v.clone());
            }
        }
        if !field.default.is_empty() && field.default != "now" {
            // A default must itself be a valid value of the field.
            let single = Field {
                list: false,
                ..field.clone()
            };
            single
                .coerce_one(Value::String(field.default.clone()), 0)
                .map_err(|msg| ApiError::input("default", msg))?;
        }
        Ok(field)
    }

    /// The object `GET .../schema` returns.
    pub(crate) fn to_json(&self) -> Value {
        let mut obj = Map::new();
        obj.insert("name".into(), json!(self.name));
        obj.insert("type".into(), json!(self.kind));
        obj.insert("description".into(), json!(self.description));
        obj.insert("nullable".into(), json!(self.nullable));
        obj.insert("required".into(), json!(self.required));
        obj.insert("default".into(), json!(self.default));
        obj.insert("access".into(), json!(self.access));
        obj.insert("sensitive".into(), json!(self.sensitive));
        obj.insert(
            "style".into(),
            json!(if self.list { "list" } else { "single" }),
        );
        if self.kind == "enum" {
            obj.insert("values".into(), json!(self.values));
        }
        if let Some(id) = self.tableref_id {
            obj.insert("tableref_id".into(), json!(id));
        }
        for (k, v) in &self.extra {
            obj.insert(k.clone(), v.clone());
        }
        Value::Object(obj)
    }

    /// How search and sort compare this column.
    pub(crate) fn comparison(&self) -> Comparison {
        if self.list {
            return Comparison::Other;
        }
        match self.kind.as_str() {
            "int" | "decimal" => Comparison::Number,
            "timestamp" => Comparison::Timestamp,
            "text" | "email" | "enum" | "uuid" | "date" | "password" => Comparison::Text,
            "bool" => Comparison::Bool,
            _ => Comparison::Other,
        }
    }

    /// The value a record gets when the field is not given.
    pub(crate) fn default_value(&self, now_ms: i64) -> Value {
        if self.kind == "timestamp" && (self.default == "now" || self.is_auto_created_at()) {
            return json!(now_ms);
        }
        if !self.default.is_empty()
            && let Ok(v) = self.coerce_one(Value::String(self.default.clone()), now_ms)
        {
            return if self.list { json!([v]) } else { v };
        }
        if self.nullable {
            return Value::Null;
        }
        if self.list {
            return json!([]);
        }
        match self.kind.as_str() {
            "int" | "decimal" => json!(0),
            "bool" => json!(false),
            "text" | "email" => json!(""),
            _ => Value::Null,
        }
    }

    /// Xano fills `created_at` with the current time when it is not given.
    fn is_auto_created_at(&self) -> bool {
        self.name == "created_at" && self.default.is_empty()
    }

    /// Checks and converts a value a client sent for this field. Errors are messages for a 400
    /// naming this field.
    pub(crate) fn coerce(&self, value: Value, now_ms: i64) -> std::result::Result<Value, String> {
        if value.is_null() {
            if self.nullable {
                return Ok(Value::Null);
            }
            if self.required {
                return Err(format!("{} cannot be null.", self.name));
            }
            return Ok(self.default_value(now_ms));
        }
        if self.list {
            let Value::Array(items) = value else {
                return Err(format!("{} must be a list.", self.name));
            };
            return items
                .into_iter()
                .map(|v| self.coerce_one(v, now_ms))
                .collect::<std::result::Result<Vec<_>, _>>()
                .map(Value::Array);
        }
        self.coerce_one(value, now_ms)
    }

    fn coerce_one(&self, value: Value, now_ms: i64) -> std::result::Result<Value, String> {
        let name = &self.name;
        let bad = |what: &str| format!("{name} must be {what}.");
        match self.kind.as_str() {
            "int" => match &value {
                Value::Number(n) => n
                    .as_i64()
                    .or_else(|| {
                        n.as_f64()
                            .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                            .map(|f| f as i64)
                    })
                    .map(|i| json!(i))
                    .ok_or_else(|| bad("an integer")),
                Value::String(s) => s
                    .trim()
                    .parse::<i64>()
                    .map(|i| json!(i))
                    .map_err(|_| bad("an integer")),
                _ => Err(bad("an integer")),
            },
            "decimal" => match &value {
                Value::Number(_) => Ok(value),
                Value::String(s) => s
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .and_then(|f| serde_json::Number::from_f64(f).map(Value::Number))
                    .ok_or_else(|| bad("a number")),
                _ => Err(bad("a number")),
            },
            "bool" => match &value {
                Value::Bool(_) => Ok(value),
                Value::String(s) if s == "true" || s == "1" => Ok(json!(true)),
                Value::String(s) if s == "false" || s == "0" => Ok(json!(false)),
                Value::Number(n) if n.as_i64() == Some(1) => Ok(json!(true)),
                Value::Number(n) if n.as_i64() == Some(0) => Ok(json!(false)),
                _ => Err(bad("a boolean")),
            },
            "text" => match value {
                Value::String(_) => Ok(value),
                Value::Number(n) => Ok(json!(n.to_string())),
                Value::Bool(b) => Ok(json!(b.to_string())),
                _ => Err(bad("text")),
            },
            "email" => {
                let Value::String(s) = value else {
                    return Err(bad("an email address"));
                };
                let s = s.trim().to_owned();
                let valid = s.is_empty()
                    || s.split_once('@').is_some_and(|(local, domain)| {
                        !local.is_empty() && domain.contains('.') && !domain.contains('@')
                    });
                if valid {
                    Ok(json!(s))
                } else {
                    Err(bad("a valid email address"))
                }
            }
            "password" => {
                let Value::String(s) = value else {
                    return Err(bad("text"));
                };
                Ok(json!(hash_password(&s)))
            }
            "timestamp" => match &value {
                Value::Number(n) => n
                    .as_i64()
                    .or_else(|| n.as_f64().map(|f| f as i64))
                    .map(|i| json!(i))
                    .ok_or_else(|| bad("a timestamp")),
                Value::String(s) if s.trim() == "now" => Ok(json!(now_ms)),
                Value::String(s) => parse_datetime_ms(s)
                    .map(|ms| json!(ms))
                    .ok_or_else(|| bad("a timestamp (epoch milliseconds or a date string)")),
                _ => Err(bad("a timestamp")),
            },
            "date" => match &value {
                Value::String(s) if s.trim() == "now" => Ok(json!(format_date(now_ms))),
                Value::String(s) => parse_datetime_ms(s)
                    .map(|ms| json!(format_date(ms)))
                    .ok_or_else(|| bad("a date (YYYY-MM-DD)")),
                Value::Number(n) => n
                    .as_i64()
                    .map(|ms| json!(format_date(ms)))
                    .ok_or_else(|| bad("a date")),
                _ => Err(bad("a date (YYYY-MM-DD)")),
            },
            "enum" => match &value {
                Value::String(s) if self.values.iter().any(|v| v == s) => Ok(value),
                _ => Err(format!(
                    "{name} must be one of: {}.",
                    self.values.join(", ")
                )),
            },
            "uuid" => match &value {
                Value::String(s) if is_uuid(s) => Ok(value),
                _ => Err(bad("a UUID")),
            },
            "vector" => match &value {
                Value::Array(items) if items.iter().all(Value::is_number) => Ok(value),
                _ => Err(bad("a list of numbers")),
            },
            "object" | "image" | "video" | "audio" | "attachment" => match &value {
                Value::Object(_) => Ok(value),
                _ => Err(bad("an object")),
            },
            kind if kind.starts_with("geo_") => match &value {
                Value::Object(_) => Ok(value),
                _ => Err(bad("a geometry object")),
            },
            // json
            _ => Ok(value),
        }
    }
}

fn nullable_by_default(kind: &str) -> bool {
    // §7.2: nullable defaults true for media, geo and timestamp columns.
    matches!(
        kind,
        "timestamp" | "image" | "video" | "audio" | "attachment"
    ) || kind.starts_with("geo_")
}

fn text_of(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn bool_param(obj: &Map<String, Value>, key: &str, default: bool) -> Result<bool> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(default),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(ApiError::input(key, format!("{key} must be a boolean."))),
    }
}

fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// A one-way digest of a password, so the clear text is never stored or returned. Not a KDF: the
/// sim has nothing to protect, it only has to look like Xano (which returns a hash, never the text).
pub(crate) fn hash_password(clear: &str) -> String {
    fn fnv1a(bytes: &[u8], seed: u64) -> u64 {
        bytes.iter().fold(seed, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    }
    let a = fnv1a(clear.as_bytes(), 0xcbf2_9ce4_8422_2325);
    let b = fnv1a(clear.as_bytes(), 0x8422_2325_cbf2_9ce4);
    format!("$sim1${a:016x}{b:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_column_table_reference_is_stored_as_int() {
        let body = json!({"name": "customer_id", "tableref_id": 7});
        let field = Field::from_add_column("tableref", body.as_object().unwrap()).unwrap();
        assert_eq!(field.kind, "int");
        assert_eq!(field.to_json()["tableref_id"], 7);
        let missing = json!({"name": "customer_id"});
        let err = Field::from_add_column("tableref", missing.as_object().unwrap()).unwrap_err();
        assert_eq!(err.body()["payload"]["param"], "tableref_id");
    }

    #[test]
    fn coerces_and_rejects() {
        let status = Field::new("status", "enum").with_values(&["a", "b"]);
        assert_eq!(status.coerce(json!("a"), 0), Ok(json!("a")));
        assert!(status.coerce(json!("c"), 0).is_err());
        let n = Field::new("n", "int");
        assert_eq!(n.coerce(json!("12"), 0), Ok(json!(12)));
        assert!(n.coerce(json!(1.5), 0).is_err());
        let ts = Field::new("t", "timestamp");
        assert_eq!(ts.coerce(json!("now"), 42), Ok(json!(42)));
        let pw = Field::new("pw", "password");
        let hashed = pw.coerce(json!("hunter2"), 0).unwrap();
        assert_ne!(hashed, json!("hunter2"));
        assert!(hashed.as_str().unwrap().starts_with("$sim1$"));
        let email = Field::new("e", "email");
        assert!(email.coerce(json!("nope"), 0).is_err());
    }
}
