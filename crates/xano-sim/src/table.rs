//! One table: its metadata, schema, indexes and rows per data source, with the record rules the
//! content endpoints enforce.
//!
//! Invariants:
//! - the first schema field is always `id` (`int`), and every stored record has an `id` equal to
//!   its key, holds exactly the schema's fields, in schema order;
//! - `next_id` of a data source is greater than every id in it;
//! - no two records of a data source share a non-null key of a `unique` index;
//! - record writes are checked completely before anything is stored, so a rejected request
//!   changes nothing (callers build every new record first, then call [`Table::check_unique`],
//!   then store).
//!
//! Not done: UUID primary keys (the id column must be `int`).

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde_json::{Map, Value, json};

use crate::clock::format_meta_ts;
use crate::error::{ApiError, Result};
use crate::schema::{Comparison, Field};

/// One record, keyed by column name.
pub(crate) type Record = Map<String, Value>;

/// Message Xano gives for a unique-index violation.
pub(crate) const DUPLICATE_MESSAGE: &str = "Duplicate record detected. Please check your inputs.";

/// The rows of one table in one data source.
#[derive(Debug, Clone)]
pub(crate) struct Rows {
    pub(crate) by_id: BTreeMap<i64, Record>,
    pub(crate) next_id: i64,
}

impl Default for Rows {
    fn default() -> Self {
        Self {
            by_id: BTreeMap::new(),
            next_id: 1,
        }
    }
}

/// One index of a table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Index {
    pub(crate) id: String,
    pub(crate) kind: String,
    /// `{name, op}` objects (search indexes: `{name, priority}`).
    pub(crate) fields: Vec<Value>,
    /// Extra keys of the definition, e.g. `name` and `lang` of a search index.
    pub(crate) extra: Map<String, Value>,
}

impl Index {
    pub(crate) fn to_json(&self) -> Value {
        let mut obj = Map::new();
        obj.insert("id".into(), json!(self.id));
        obj.insert("type".into(), json!(self.kind));
        for (k, v) in &self.extra {
            obj.insert(k.clone(), v.clone());
        }
        obj.insert("fields".into(), Value::Array(self.fields.clone()));
        Value::Object(obj)
    }

    pub(crate) fn field_names(&self) -> Vec<String> {
        self.fields
            .iter()
            .filter_map(|f| f.get("name").and_then(Value::as_str).map(str::to_owned))
            .collect()
    }
}

/// Index types a client may create or list (§5.7; C4 adds what GET may show for some indexes).
pub(crate) const INDEX_TYPES: [&str; 10] = [
    "primary", "btree", "unique", "search", "spatial", "vector", "fulltext", "gin", "gist", "hash",
];

/// One table.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub(crate) id: i64,
    pub(crate) created_at_ms: i64,
    pub(crate) updated_at_ms: i64,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) docs: String,
    pub(crate) guid: String,
    pub(crate) auth: bool,
    pub(crate) tags: Vec<String>,
    pub(crate) fields: Vec<Field>,
    pub(crate) indexes: Vec<Index>,
    pub(crate) data: BTreeMap<String, Rows>,
}

impl Table {
    /// The table object of list/get.
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "created_at": format_meta_ts(self.created_at_ms),
            "updated_at": format_meta_ts(self.updated_at_ms),
            "name": self.name,
            "description": self.description,
            "docs": self.docs,
            "guid": self.guid,
            "auth": self.auth,
            "tag": self.tags,
        })
    }

    pub(crate) fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// How search compares a column, `None` when the table has no such column.
    pub(crate) fn comparison(&self, name: &str) -> Option<Comparison> {
        self.field(name).map(Field::comparison)
    }

    /// Rows of a data source (empty when it has none yet).
    pub(crate) fn rows(&self, data_source: &str) -> Option<&Rows> {
        self.data.get(data_source)
    }

    /// Rows of a data source, created empty on first write.
    pub(crate) fn rows_mut(&mut self, data_source: &str) -> &mut Rows {
        self.data.entry(data_source.to_owned()).or_default()
    }

    /// All records of a data source in id order.
    pub(crate) fn records(&self, data_source: &str) -> Vec<Record> {
        self.rows(data_source)
            .map(|r| r.by_id.values().cloned().collect())
            .unwrap_or_default()
    }

    /// A new record from a client body. `id` is the id to give it; with `allow_id` a body `id`
    /// wins (bulk create with `allow_id_field`), otherwise a body `id` is ignored.
    pub(crate) fn build_record(
        &self,
        body: &Map<String, Value>,
        id: i64,
        allow_id: bool,
        now_ms: i64,
    ) -> Result<Record> {
        self.reject_unknown(body)?;
        let mut record = Record::new();
        for field in &self.fields {
            if field.name == "id" {
                let id = match body.get("id") {
                    Some(given) if allow_id && !given.is_null() => field
                        .coerce(given.clone(), now_ms)
                        .ok()
                        .and_then(|v| v.as_i64())
                        .filter(|id| *id > 0)
                        .ok_or_else(|| ApiError::input("id", "id must be a positive integer."))?,
                    _ => id,
                };
                record.insert("id".into(), json!(id));
                continue;
            }
            let value = match body.get(&field.name) {
                Some(given) => field
                    .coerce(given.clone(), now_ms)
                    .map_err(|msg| ApiError::input(field.name.clone(), msg))?,
                None if field.required => {
                    return Err(ApiError::input(
                        field.name.clone(),
                        format!("Missing param: {}", field.name),
                    ));
                }
                None => field.default_value(now_ms),
            };
            record.insert(field.name.clone(), value);
        }
        Ok(record)
    }

    /// `existing` with `updates` applied (partial update; `id` cannot change).
    pub(crate) fn updated_record(
        &self,
        existing: &Record,
        updates: &Map<String, Value>,
        now_ms: i64,
    ) -> Result<Record> {
        self.reject_unknown(updates)?;
        let mut record = existing.clone();
        for (name, value) in updates {
            if name == "id" {
                continue;
            }
            let field = self
                .field(name)
                .ok_or_else(|| ApiError::input(name.clone(), format!("Unknown field: {name}.")))?;
            let value = field
                .coerce(value.clone(), now_ms)
                .map_err(|msg| ApiError::input(name.clone(), msg))?;
            record.insert(name.clone(), value);
        }
        Ok(record)
    }

    fn reject_unknown(&self, body: &Map<String, Value>) -> Result<()> {
        match body.keys().find(|k| self.field(k).is_none()) {
            Some(unknown) => Err(ApiError::input(
                unknown.clone(),
                format!("Unknown field: {unknown}. This table has no such column."),
            )),
            None => Ok(()),
        }
    }

    /// Checks that storing `changed` (new or replacing records with the same ids) in `data_source`
    /// breaks no unique index, the primary key included.
    pub(crate) fn check_unique(&self, data_source: &str, changed: &[Record]) -> Result<()> {
        let empty = Rows::default();
        let rows = self.rows(data_source).unwrap_or(&empty);
        let changed_ids: BTreeSet<i64> = changed
            .iter()
            .filter_map(|r| r.get("id").and_then(Value::as_i64))
            .collect();
        if changed_ids.len() != changed.len() {
            return Err(ApiError::input("id", DUPLICATE_MESSAGE));
        }
        for index in self.indexes.iter().filter(|i| i.kind == "unique") {
            let names = index.field_names();
            let mut seen: HashSet<String> = rows
                .by_id
                .iter()
                .filter(|(id, _)| !changed_ids.contains(id))
                .filter_map(|(_, r)| unique_key(r, &names))
                .collect();
            for record in changed {
                if let Some(key) = unique_key(record, &names)
                    && !seen.insert(key)
                {
                    let param = names.first().cloned().unwrap_or_default();
                    return Err(ApiError::input(param, DUPLICATE_MESSAGE));
                }
            }
        }
        Ok(())
    }

    /// Whether some data source holds two records with the same non-null key over `names` (so a
    /// unique index over them cannot be created).
    pub(crate) fn has_duplicates(&self, names: &[String]) -> bool {
        self.data.values().any(|rows| {
            let mut seen = HashSet::new();
            rows.by_id
                .values()
                .filter_map(|r| unique_key(r, names))
                .any(|key| !seen.insert(key))
        })
    }

    /// Stores checked records (new or replacing) in a data source.
    pub(crate) fn store(&mut self, data_source: &str, records: Vec<Record>) {
        let rows = self.rows_mut(data_source);
        for record in records {
            let id = record.get("id").and_then(Value::as_i64).unwrap_or_default();
            rows.next_id = rows.next_id.max(id + 1);
            rows.by_id.insert(id, record);
        }
    }

    /// Replaces the schema and re-shapes every stored record to it: kept columns keep their value
    /// when it still fits the (maybe new) type, other columns get their default.
    pub(crate) fn replace_schema(&mut self, fields: Vec<Field>, now_ms: i64) {
        for rows in self.data.values_mut() {
            for record in rows.by_id.values_mut() {
                let mut reshaped = Record::new();
                for field in &fields {
                    let value = match record.remove(&field.name) {
                        Some(v) if field.name == "id" => v,
                        Some(v) if !v.is_null() || field.nullable => {
                            let old = v.clone();
                            match field.coerce(v, now_ms) {
                                // A password column keeps its stored hash as is.
                                Ok(_) if field.kind == "password" => old,
                                Ok(coerced) => coerced,
                                Err(_) => field.default_value(now_ms),
                            }
                        }
                        _ => field.default_value(now_ms),
                    };
                    reshaped.insert(field.name.clone(), value);
                }
                *record = reshaped;
            }
        }
        let names: BTreeSet<&str> = fields.iter().map(|f| f.name.as_str()).collect();
        self.indexes.retain(|index| {
            index
                .field_names()
                .iter()
                .all(|n| names.contains(n.as_str()))
        });
        self.fields = fields;
    }

    /// Renames a column in the schema, the rows and the indexes.
    pub(crate) fn rename_column(&mut self, old: &str, new: &str) {
        for field in &mut self.fields {
            if field.name == old {
                field.name = new.to_owned();
            }
        }
        for rows in self.data.values_mut() {
            for record in rows.by_id.values_mut() {
                *record = std::mem::take(record)
                    .into_iter()
                    .map(|(k, v)| {
                        if k == old {
                            (new.to_owned(), v)
                        } else {
                            (k, v)
                        }
                    })
                    .collect();
            }
        }
        for index in &mut self.indexes {
            for f in &mut index.fields {
                if f.get("name").and_then(Value::as_str) == Some(old) {
                    f["name"] = json!(new);
                }
            }
        }
    }
}

/// The key of a record for a unique index; `None` when any part is null (nulls never collide, as
/// in Postgres).
fn unique_key(record: &Record, names: &[String]) -> Option<String> {
    let parts: Vec<&Value> = names
        .iter()
        .map(|n| record.get(n).unwrap_or(&Value::Null))
        .collect();
    if parts.iter().any(|v| v.is_null()) {
        return None;
    }
    serde_json::to_string(&parts).ok()
}

/// Validates and orders a new schema: at least one field, first one `id`, no duplicate names, and
/// every table reference pointing at an existing table.
pub(crate) fn validate_schema(fields: &[Field], table_exists: &dyn Fn(i64) -> bool) -> Result<()> {
    match fields.first() {
        Some(first) if first.name == "id" && first.kind == "int" => {}
        _ => {
            return Err(ApiError::input(
                "schema",
                "The first field of a schema must be id (int).",
            ));
        }
    }
    let mut names = BTreeSet::new();
    for field in fields {
        if !names.insert(field.name.as_str()) {
            return Err(ApiError::input(
                "schema",
                format!("Duplicate field name: {}.", field.name),
            ));
        }
        if let Some(t) = field.tableref_id
            && !table_exists(t)
        {
            return Err(ApiError::input(
                "tableref_id",
                format!("Table {t} does not exist."),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            id: 1,
            created_at_ms: 0,
            updated_at_ms: 0,
            name: "t".into(),
            description: String::new(),
            docs: String::new(),
            guid: String::new(),
            auth: false,
            tags: vec![],
            fields: vec![
                Field::primary_id(),
                Field::created_at(),
                Field::new("sku", "text").required(),
            ],
            indexes: vec![Index {
                id: "abcd0123".into(),
                kind: "unique".into(),
                fields: vec![json!({"name": "sku", "op": "asc"})],
                extra: Map::new(),
            }],
            data: BTreeMap::new(),
        }
    }

    fn body(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn builds_in_schema_order_with_defaults() {
        let t = table();
        let r = t
            .build_record(&body(json!({"sku": "A", "id": 99})), 5, false, 77)
            .unwrap();
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"id":5,"created_at":77,"sku":"A"}"#
        );
        let err = t.build_record(&body(json!({})), 5, false, 77).unwrap_err();
        assert_eq!(err.body()["payload"]["param"], "sku");
        let err = t
            .build_record(&body(json!({"sku": "A", "x": 1})), 5, false, 77)
            .unwrap_err();
        assert_eq!(err.body()["payload"]["param"], "x");
    }

    #[test]
    fn unique_checks_existing_and_batch() {
        let mut t = table();
        let a = t
            .build_record(&body(json!({"sku": "A"})), 1, false, 0)
            .unwrap();
        t.store("live", vec![a]);
        let dup = t
            .build_record(&body(json!({"sku": "A"})), 2, false, 0)
            .unwrap();
        assert!(t.check_unique("live", std::slice::from_ref(&dup)).is_err());
        // another data source is independent
        assert!(t.check_unique("test", &[dup]).is_ok());
        let b1 = t
            .build_record(&body(json!({"sku": "B"})), 2, false, 0)
            .unwrap();
        let b2 = t
            .build_record(&body(json!({"sku": "B"})), 3, false, 0)
            .unwrap();
        assert!(t.check_unique("live", &[b1, b2]).is_err());
    }
}
