//! Tables and schemas: `getTables`, `getTable`, `getTableSchema`, `addTable`, `updateTableMeta`,
//! `deleteTable`.
//!
//! `addTable` turns the seed's `fields` map into Xano's schema array: `integer`→`int`,
//! `datetime`→`timestamp`, `enum` + `options`→`values`, `required`, `default: "now"`, `unique`→ a
//! unique index created right after the table, `foreign_key: "customers.id"`→ an `int` column with
//! `tableref_id` of the table found by name (the [CODE] form of a reference; reference §7.1). `id`
//! and `created_at` are Xano's own columns and are always present.

use crate::context::CallCx;
use crate::engine::Engine;
use crate::error::{ToolError, ToolResult};
use crate::ids::IdArg;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use xano::requests::{self, ListParams, NewTable, TableMetaUpdate};
use xano::types::{Table, TableField};

/// List tables.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct GetTablesArgs {
    /// Workspace id: `12345`, `"12345"` or `"ws_12345"`.
    pub workspace_id: IdArg,
    /// Only tables whose name contains this text.
    #[serde(default)]
    pub search: Option<String>,
    /// Page number, from 1 (Xano paging; 100 tables per page unless `per_page` says otherwise).
    #[serde(default)]
    pub page: Option<u32>,
    /// Tables per page, 1-1000.
    #[serde(default)]
    pub per_page: Option<u32>,
}

/// One table.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct TableArgs {
    /// Workspace id: `12345`, `"12345"` or `"ws_12345"`.
    pub workspace_id: IdArg,
    /// Table id (`67890`, `"67890"`, `"tbl_67890"`) or the table's name (`"customers"`).
    pub table_id: IdArg,
}

/// A table to delete.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct DeleteTableArgs {
    /// Workspace id: `12345`, `"12345"` or `"ws_12345"`.
    pub workspace_id: IdArg,
    /// Table id (`67890`, `"tbl_67890"`) or name. The table and ALL its rows are deleted.
    pub table_id: IdArg,
    /// `true` = do nothing, return the exact request and how many rows would be lost.
    #[serde(default)]
    pub dry_run: bool,
}

/// A column definition in the seed's `fields` map.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct FieldSpec {
    /// Column type: `text`, `integer`/`int`, `decimal`/`number`, `boolean`/`bool`,
    /// `datetime`/`timestamp` (stored as epoch ms), `date`, `json`, `enum`, `email`, `password`,
    /// `uuid`, `image`, `attachment`, `object`, `vector`, `geo_point`.
    #[serde(rename = "type")]
    pub field_type: String,
    /// The column must be set on every row.
    #[serde(default)]
    pub required: Option<bool>,
    /// The column may hold null.
    #[serde(default)]
    pub nullable: Option<bool>,
    /// Default value; `"now"` for a datetime means the insert time.
    #[serde(default)]
    pub default: Option<Value>,
    /// Allowed values of an `enum` column, e.g. `["login","purchase"]`.
    #[serde(default, alias = "values")]
    pub options: Option<Vec<String>>,
    /// Creates a unique index on the column.
    #[serde(default)]
    pub unique: Option<bool>,
    /// A reference to another table's id, written `"customers.id"` (or just `"customers"`).
    #[serde(default)]
    pub foreign_key: Option<String>,
    /// Column description.
    #[serde(default)]
    pub description: Option<String>,
    /// Marks the primary key; only `id` may be primary (Xano's own column).
    #[serde(default)]
    pub primary: Option<bool>,
    /// Accepted for `id`; Xano's id always auto-increments.
    #[serde(default)]
    pub auto_increment: Option<bool>,
}

/// Create a table.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct AddTableArgs {
    /// Workspace id: `12345`, `"12345"` or `"ws_12345"`.
    pub workspace_id: IdArg,
    /// Table name, e.g. `"user_events"`. (`table_name` is accepted too.)
    #[serde(alias = "table_name")]
    pub name: String,
    /// What the table holds.
    #[serde(default)]
    pub description: Option<String>,
    /// Columns by name, e.g. `{"email":{"type":"text","required":true,"unique":true},
    /// "customer_id":{"type":"integer","foreign_key":"customers.id"}}`. `id` and `created_at` are
    /// added by Xano. (`schema` is accepted as an alias.)
    #[serde(default, alias = "schema")]
    pub fields: Option<Map<String, Value>>,
    /// Marks the table as the authentication table.
    #[serde(default)]
    pub auth: Option<bool>,
    /// Tags.
    #[serde(default, alias = "tags")]
    pub tag: Option<Vec<String>>,
    /// `true` = do nothing, return the exact requests.
    #[serde(default)]
    pub dry_run: bool,
}

/// Schema changes.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct SchemaUpdates {
    /// New columns by name, same form as `addTable` `fields`, e.g.
    /// `{"last_updated":{"type":"datetime","default":"now"}}`.
    #[serde(default)]
    pub add_fields: Option<Map<String, Value>>,
    /// Changes to existing columns by name: `required`, `nullable`, `default`, `description`,
    /// `options` (enum values), `unique: true` (adds a unique index), e.g.
    /// `{"email":{"unique":true,"required":true}}`.
    #[serde(default)]
    pub modify_fields: Option<Map<String, Value>>,
    /// Column renames, `{"old_name": "new_name"}`.
    #[serde(default)]
    pub rename_fields: Option<Map<String, Value>>,
}

/// Update a table's name, description, tags, or schema.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct UpdateTableMetaArgs {
    /// Workspace id: `12345`, `"12345"` or `"ws_12345"`.
    pub workspace_id: IdArg,
    /// Table id (`67890`, `"tbl_67890"`) or name.
    pub table_id: IdArg,
    /// New table name.
    #[serde(default)]
    pub name: Option<String>,
    /// New description.
    #[serde(default)]
    pub description: Option<String>,
    /// New tags (replace the old ones).
    #[serde(default, alias = "tags")]
    pub tag: Option<Vec<String>>,
    /// Marks or unmarks the table as the authentication table.
    #[serde(default)]
    pub auth: Option<bool>,
    /// Column changes: `add_fields`, `modify_fields`, `rename_fields`.
    #[serde(default)]
    pub schema_updates: Option<SchemaUpdates>,
    /// `true` = do nothing, return the exact requests.
    #[serde(default)]
    pub dry_run: bool,
}

pub async fn get_tables(engine: &Engine, cx: &CallCx, args: GetTablesArgs) -> ToolResult {
    let ws = args.workspace_id.numeric("workspace_id")?;
    let params = ListParams {
        page: args.page,
        per_page: Some(args.per_page.unwrap_or(100).clamp(1, 1000)),
        search: args.search.filter(|s| !s.trim().is_empty()),
        sort: Some("name".into()),
        order: Some("asc".into()),
    };
    let page: xano::MetaPage<Table> = cx
        .read(&engine.client(None), &requests::list_tables(ws, &params))
        .await?;
    Ok(json!({
        "workspace_id": ws,
        "tables": page.items,
        "page": page.cur_page.or(args.page).unwrap_or(1),
        "next_page": page.next_page,
    }))
}

pub async fn get_table(engine: &Engine, cx: &CallCx, args: TableArgs) -> ToolResult {
    let ws = args.workspace_id.numeric("workspace_id")?;
    let t = engine.table_id(cx, ws, &args.table_id).await?;
    let table: Table = cx
        .read(&engine.client(None), &requests::get_table(ws, t))
        .await?;
    Ok(json!({ "workspace_id": ws, "table": table }))
}

pub async fn get_table_schema(engine: &Engine, cx: &CallCx, args: TableArgs) -> ToolResult {
    let ws = args.workspace_id.numeric("workspace_id")?;
    let t = engine.table_id(cx, ws, &args.table_id).await?;
    let schema = engine.fresh_schema(cx, ws, t).await?;
    let indexes: Vec<xano::types::TableIndex> = cx
        .read(&engine.client(None), &requests::list_indexes(ws, t))
        .await?;
    Ok(json!({
        "workspace_id": ws,
        "table_id": t,
        "schema": schema,
        "indexes": indexes,
        "note": "timestamp columns hold epoch milliseconds; filters accept dates like 2024-01-15 and convert them.",
    }))
}

/// Maps the seed's type words to Xano schema types.
fn xano_type(word: &str, argument: &str) -> ToolResult<&'static str> {
    Ok(match word.trim().to_ascii_lowercase().as_str() {
        "text" | "string" | "varchar" | "str" => "text",
        "integer" | "int" | "bigint" | "smallint" => "int",
        "decimal" | "number" | "float" | "double" | "numeric" | "real" => "decimal",
        "boolean" | "bool" => "bool",
        "datetime" | "timestamp" | "timestamptz" => "timestamp",
        "date" => "date",
        "json" | "jsonb" => "json",
        "object" => "object",
        "enum" => "enum",
        "email" => "email",
        "password" => "password",
        "uuid" => "uuid",
        "image" => "image",
        "video" => "video",
        "audio" => "audio",
        "attachment" | "file" => "attachment",
        "vector" => "vector",
        "geo_point" | "point" => "geo_point",
        other => {
            return Err(ToolError::invalid(
                argument,
                format!(
                    "unknown column type `{other}`. Use text, integer, decimal, boolean, datetime, date, json, enum, email, password, uuid, image, attachment, object, vector or geo_point."
                ),
            ));
        }
    })
}

/// A column ready for Xano, plus whether it wants a unique index.
struct Column {
    field: TableField,
    unique: bool,
}

async fn column_from_spec(
    engine: &Engine,
    cx: &CallCx,
    ws: i64,
    name: &str,
    spec: &Value,
    argument: &str,
) -> ToolResult<Column> {
    let spec: FieldSpec = match spec {
        Value::String(t) => FieldSpec {
            field_type: t.clone(),
            ..Default::default()
        },
        other => serde_json::from_value(other.clone()).map_err(|e| {
            ToolError::invalid(
                argument,
                format!(
                    "column `{name}`: {e}. Write it like {{\"type\":\"text\",\"required\":true}}."
                ),
            )
        })?,
    };
    if name.trim().is_empty() {
        return Err(ToolError::invalid(
            argument,
            "column names must not be empty",
        ));
    }
    let mut field_type = xano_type(&spec.field_type, argument)?.to_owned();
    let mut tableref_id = None;
    if let Some(fk) = &spec.foreign_key {
        let table_name = fk.split('.').next().unwrap_or_default().trim();
        let (target, column) = (table_name, fk.split('.').nth(1).unwrap_or("id"));
        if column != "id" {
            return Err(ToolError::invalid(
                argument,
                format!("column `{name}`: Xano references point at a table's `id`, not `{column}`"),
            ));
        }
        let id = engine
            .table_id(cx, ws, &IdArg::Text(target.to_owned()))
            .await
            .map_err(|e| {
                ToolError::invalid(
                    argument,
                    format!("column `{name}` references `{fk}`: {}", e.message),
                )
            })?;
        tableref_id = Some(id);
        field_type = "int".into();
    }
    if field_type != "enum" && spec.options.is_some() {
        return Err(ToolError::invalid(
            argument,
            format!("column `{name}` has `options` but is not an enum"),
        ));
    }
    if field_type == "enum" && spec.options.as_ref().is_none_or(Vec::is_empty) {
        return Err(ToolError::invalid(
            argument,
            format!("enum column `{name}` needs `options`, e.g. [\"a\",\"b\"]"),
        ));
    }
    let default = match &spec.default {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(Value::String(s.clone())),
        Some(other) => Some(Value::String(other.to_string())),
    };
    let required = spec.required.unwrap_or(false);
    let mut extra = Map::new();
    extra.insert("access".into(), json!("public"));
    extra.insert("style".into(), json!("single"));
    Ok(Column {
        field: TableField {
            name: name.to_owned(),
            field_type,
            description: spec.description.clone().or(Some(String::new())),
            nullable: Some(spec.nullable.unwrap_or(!required)),
            required: Some(required),
            default: Some(default.unwrap_or(Value::String(String::new()))),
            values: spec
                .options
                .map(|o| o.into_iter().map(Value::String).collect()),
            tableref_id,
            extra,
        },
        unique: spec.unique.unwrap_or(false),
    })
}

fn own_column(name: &str, field_type: &str, default: &str) -> TableField {
    let mut extra = Map::new();
    extra.insert("access".into(), json!("public"));
    extra.insert("style".into(), json!("single"));
    TableField {
        name: name.into(),
        field_type: field_type.into(),
        description: Some(String::new()),
        nullable: Some(false),
        required: Some(false),
        default: Some(Value::String(default.into())),
        values: None,
        tableref_id: None,
        extra,
    }
}

fn unique_index_body(column: &str) -> Value {
    json!({ "fields": [{ "name": column, "op": "asc" }] })
}

pub async fn add_table(engine: &Engine, cx: &CallCx, args: AddTableArgs) -> ToolResult {
    let ws = args.workspace_id.numeric("workspace_id")?;
    let name = args.name.trim().to_owned();
    if name.is_empty() {
        return Err(ToolError::invalid("name", "the table needs a name"));
    }
    if engine
        .tables(cx, ws)
        .await?
        .iter()
        .any(|t| t.name.eq_ignore_ascii_case(&name))
    {
        return Err(ToolError::invalid(
            "name",
            format!(
                "workspace {ws} already has a table named `{name}`; pick another name or use updateTableMeta"
            ),
        ));
    }
    let mut schema = vec![own_column("id", "int", "")];
    let mut has_created_at = false;
    let mut unique_columns = Vec::new();
    for (col_name, spec) in args.fields.iter().flatten() {
        if col_name == "id" {
            continue; // Xano's own auto-increment primary key.
        }
        if col_name == "created_at" {
            has_created_at = true;
        }
        let column = column_from_spec(engine, cx, ws, col_name, spec, "fields").await?;
        if column.unique {
            unique_columns.push(col_name.clone());
        }
        schema.push(column.field);
    }
    if !has_created_at {
        schema.insert(1, own_column("created_at", "timestamp", "now"));
    }
    let new = NewTable {
        name: name.clone(),
        description: args.description.clone(),
        auth: args.auth,
        schema: Some(schema.clone()),
        tag: args.tag.clone(),
        ..Default::default()
    };
    let client = engine.client(None);
    let create = requests::create_table(ws, &new);
    if cx.is_preview() {
        cx.write::<Value>(&client, &create, "the table creation")
            .await?;
        for col in &unique_columns {
            // The new id is not known yet; the preview shows the path with a placeholder.
            let mut idx = requests::create_index(ws, 0, "unique", &unique_index_body(col));
            idx.path[3] = "{new_table_id}".into();
            cx.write::<Value>(&client, &idx, "the unique index").await?;
        }
        return Ok(cx.preview_result("addTable", None, None));
    }
    let created: Option<xano::types::CreatedId<i64>> =
        cx.write(&client, &create, "the table creation").await?;
    engine.invalidate(ws);
    let table_id = created.map(|c| c.id).ok_or_else(|| {
        let mut e = ToolError::new(
            "xano_unparseable_body",
            format!(
                "Xano did not return the new table id. The table `{name}` was probably created: find it with getTables before retrying, to avoid creating it twice."
            ),
        );
        if !unique_columns.is_empty() {
            e.message.push_str(&format!(
                " Its unique indexes ({}) were NOT created; add them with updateTableMeta modify_fields {{\"<column>\": {{\"unique\": true}}}}.",
                unique_columns.join(", ")
            ));
        }
        e
    })?;
    let mut indexes = Vec::new();
    let mut done = vec![format!("created table `{name}` (id {table_id})")];
    for (n, col) in unique_columns.iter().enumerate() {
        let what = format!("the unique index on `{col}`");
        let id: Option<xano::types::CreatedId<Value>> = cx
            .write(
                &client,
                &requests::create_index(ws, table_id, "unique", &unique_index_body(col)),
                &what,
            )
            .await
            .map_err(|e| {
                let missing = &unique_columns[n..];
                let after: Vec<String> = missing[1..]
                    .iter()
                    .map(|c| format!("the unique index on `{c}`"))
                    .collect();
                let modify: Map<String, Value> = missing
                    .iter()
                    .map(|c| (c.clone(), json!({ "unique": true })))
                    .collect();
                let next = format!(
                    "Do not call addTable again: the table exists. Add the missing index(es) with updateTableMeta {} (check getTableSchema first if an index's outcome is unknown).",
                    json!({ "workspace_id": ws, "table_id": table_id, "schema_updates": { "modify_fields": modify } })
                );
                e.partway(&done, &what, &after, &next)
            })?;
        done.push(format!("unique index on `{col}`"));
        indexes.push(json!({ "column": col, "index_id": id.map(|i| i.id) }));
    }
    Ok(json!({
        "workspace_id": ws,
        "table_id": table_id,
        "name": name,
        "columns": schema.iter().map(|f| json!({"name": f.name, "type": f.field_type, "required": f.required, "tableref_id": f.tableref_id, "values": f.values})).collect::<Vec<_>>(),
        "unique_indexes": indexes,
    }))
}

/// The steps of a multi-step write in order, and how many were applied: a failing step's error
/// then says exactly what was applied and what was not.
#[derive(Debug, Default)]
struct Steps {
    /// (what the step does, for errors; what it did, for the result's change list).
    list: Vec<(String, String)>,
    applied: usize,
}

impl Steps {
    fn plan(&mut self, todo: String, done: String) {
        self.list.push((todo, done));
    }

    /// The next step was applied.
    fn applied(&mut self) {
        self.applied += 1;
    }

    fn done(&self) -> Vec<String> {
        self.list[..self.applied]
            .iter()
            .map(|(_, done)| done.clone())
            .collect()
    }

    /// The error of the next step (a write, or a read or check it needed), made truthful about
    /// the steps before and after it.
    fn fail(&self, e: ToolError, next: &str) -> ToolError {
        let failed = self
            .list
            .get(self.applied)
            .map(|(todo, _)| todo.clone())
            .unwrap_or_else(|| "the rest of the call".to_owned());
        let after: Vec<String> = self
            .list
            .iter()
            .skip(self.applied + 1)
            .map(|(todo, _)| todo.clone())
            .collect();
        e.partway(&self.done(), &failed, &after, next)
    }
}

/// Applies one `modify_fields` entry to a column; returns whether it asks for a unique index.
fn modify_column(field: &mut TableField, name: &str, change: &Value) -> ToolResult<bool> {
    let change = change.as_object().ok_or_else(|| {
        ToolError::invalid(
            "schema_updates.modify_fields",
            format!("the change for `{name}` must be an object like {{\"required\": true}}"),
        )
    })?;
    let mut unique = false;
    for (key, value) in change {
        match key.as_str() {
            "required" => field.required = value.as_bool(),
            "nullable" => field.nullable = value.as_bool(),
            "description" => field.description = value.as_str().map(str::to_owned),
            "default" => {
                field.default = Some(match value {
                    Value::String(_) => value.clone(),
                    Value::Null => Value::String(String::new()),
                    v => Value::String(v.to_string()),
                })
            }
            "options" | "values" => field.values = value.as_array().cloned(),
            "unique" => unique = value.as_bool() == Some(true),
            "type" => {
                return Err(ToolError::invalid(
                    "schema_updates.modify_fields",
                    format!(
                        "changing the type of `{name}` is not supported here (it can lose data); add a new column and copy the values"
                    ),
                ));
            }
            other => {
                return Err(ToolError::invalid(
                    "schema_updates.modify_fields",
                    format!(
                        "`{other}` cannot be changed; use required, nullable, default, description, options or unique"
                    ),
                ));
            }
        }
    }
    Ok(unique)
}

fn no_such_column(name: &str) -> ToolError {
    ToolError::invalid(
        "schema_updates.modify_fields",
        format!("there is no column `{name}`; add it with add_fields"),
    )
}

pub async fn update_table_meta(
    engine: &Engine,
    cx: &CallCx,
    args: UpdateTableMetaArgs,
) -> ToolResult {
    let ws = args.workspace_id.numeric("workspace_id")?;
    let t = engine.table_id(cx, ws, &args.table_id).await?;
    let client = engine.client(None);
    let meta = TableMetaUpdate {
        name: args.name.clone(),
        description: args.description.clone(),
        tag: args.tag.clone(),
        auth: args.auth,
    };
    let updates = args.schema_updates.unwrap_or_default();

    // Everything that can be checked is checked before the first write, so that a bad argument
    // changes nothing; the plan of steps lets a failing write say what was and was not applied.
    let mut steps = Steps::default();
    if meta != TableMetaUpdate::default() {
        steps.plan(
            "the name/description/tags update".to_owned(),
            "updated name/description/tags".to_owned(),
        );
    }
    let existing = if updates.add_fields.is_some()
        || updates.modify_fields.is_some()
        || updates.rename_fields.is_some()
    {
        engine.schema(cx, ws, t).await?
    } else {
        Vec::new()
    };
    let mut new_columns = Vec::new();
    for (name, spec) in updates.add_fields.iter().flatten() {
        if existing.iter().any(|f| &f.name == name) {
            return Err(ToolError::invalid(
                "schema_updates.add_fields",
                format!("column `{name}` already exists; use modify_fields to change it."),
            ));
        }
        let column =
            column_from_spec(engine, cx, ws, name, spec, "schema_updates.add_fields").await?;
        steps.plan(
            format!("adding column `{name}`"),
            format!("added column `{name}`"),
        );
        if column.unique {
            steps.plan(
                format!("the unique index on `{name}`"),
                format!("unique index on `{name}`"),
            );
        }
        new_columns.push((name.clone(), column));
    }
    let modify = updates.modify_fields.clone().unwrap_or_default();
    if !modify.is_empty() {
        // Check the changes on a copy of the schema as it will be after the added columns.
        let mut scratch = existing.clone();
        scratch.extend(new_columns.iter().map(|(_, c)| c.field.clone()));
        let mut unique = Vec::new();
        for (name, change) in &modify {
            let field = scratch
                .iter_mut()
                .find(|f| &f.name == name)
                .ok_or_else(|| no_such_column(name))?;
            if modify_column(field, name, change)? {
                unique.push(name.clone());
            }
        }
        let names = modify.keys().cloned().collect::<Vec<_>>().join(", ");
        if modify_changes_props(&modify) {
            steps.plan(
                format!("the column changes to {names}"),
                format!("changed {names}"),
            );
        }
        for name in unique {
            steps.plan(
                format!("the unique index on `{name}`"),
                format!("unique index on `{name}`"),
            );
        }
    }
    // Renames run last, one after the other: check each against the column names as they will
    // be by then (after the added columns and the renames before it).
    let mut names: Vec<String> = existing.iter().map(|f| f.name.clone()).collect();
    names.extend(new_columns.iter().map(|(name, _)| name.clone()));
    let mut renames = Vec::new();
    for (old, new) in updates.rename_fields.iter().flatten() {
        let new = new.as_str().ok_or_else(|| {
            ToolError::invalid(
                "schema_updates.rename_fields",
                "each new name must be a string",
            )
        })?;
        let Some(at) = names.iter().position(|n| n == old) else {
            return Err(ToolError::invalid(
                "schema_updates.rename_fields",
                format!(
                    "there is no column `{old}` to rename; the columns are {}",
                    names.join(", ")
                ),
            ));
        };
        if new.trim().is_empty() || (new != old && names.iter().any(|n| n == new)) {
            return Err(ToolError::invalid(
                "schema_updates.rename_fields",
                format!(
                    "cannot rename `{old}` to `{new}`: {}",
                    if new.trim().is_empty() {
                        "the new name is empty; give the name the column should have".to_owned()
                    } else {
                        format!("the table already has a column `{new}`; pick another name")
                    }
                ),
            ));
        }
        names[at] = new.to_owned();
        steps.plan(
            format!("renaming `{old}` to `{new}`"),
            format!("renamed `{old}` to `{new}`"),
        );
        renames.push((old.clone(), new.to_owned()));
    }
    if steps.list.is_empty() {
        return Err(ToolError::invalid(
            "schema_updates",
            "nothing to change: give name, description, tag, auth or schema_updates",
        ));
    }
    let next = "To finish, call updateTableMeta again with only the part that was NOT applied (leave out what was; check with getTableSchema).";

    if meta != TableMetaUpdate::default() {
        cx.write::<Value>(
            &client,
            &requests::update_table_meta(ws, t, &meta),
            "the name/description change",
        )
        .await?;
        steps.applied();
    }
    for (name, column) in &new_columns {
        let mut body = serde_json::to_value(&column.field)
            .unwrap_or_default()
            .as_object()
            .cloned()
            .unwrap_or_default();
        body.remove("type");
        cx.write::<Value>(
            &client,
            &requests::add_column(ws, t, &column.field.field_type, &body),
            &format!("adding column `{name}`"),
        )
        .await
        .map_err(|e| steps.fail(e, next))?;
        engine.invalidate(ws);
        steps.applied();
        if column.unique {
            cx.write::<Value>(
                &client,
                &requests::create_index(ws, t, "unique", &unique_index_body(name)),
                &format!("the unique index on `{name}`"),
            )
            .await
            .map_err(|e| steps.fail(e, next))?;
            steps.applied();
        }
    }
    if !modify.is_empty() {
        // Read the schema now: PUT replaces it whole, so a stale copy would drop columns.
        let mut schema = engine
            .fresh_schema(cx, ws, t)
            .await
            .map_err(|e| steps.fail(e, next))?;
        let mut unique = Vec::new();
        for (name, change) in &modify {
            let field = schema
                .iter_mut()
                .find(|f| &f.name == name)
                .ok_or_else(|| steps.fail(no_such_column(name), next))?;
            if modify_column(field, name, change).map_err(|e| steps.fail(e, next))? {
                unique.push(name.clone());
            }
        }
        if modify_changes_props(&modify) {
            cx.write::<Value>(
                &client,
                &requests::replace_schema(ws, t, &schema),
                "the column changes",
            )
            .await
            .map_err(|e| steps.fail(e, next))?;
            steps.applied();
        }
        for name in unique {
            cx.write::<Value>(
                &client,
                &requests::create_index(ws, t, "unique", &unique_index_body(&name)),
                &format!("the unique index on `{name}`"),
            )
            .await
            .map_err(|e| steps.fail(e, next))?;
            steps.applied();
        }
    }
    for (old, new) in &renames {
        cx.write::<Value>(
            &client,
            &requests::rename_column(ws, t, old, new),
            &format!("renaming `{old}`"),
        )
        .await
        .map_err(|e| steps.fail(e, next))?;
        steps.applied();
    }
    if cx.is_preview() {
        return Ok(cx.preview_result("updateTableMeta", None, None));
    }
    engine.invalidate(ws);
    Ok(json!({ "workspace_id": ws, "table_id": t, "changes": steps.done() }))
}

/// Whether `modify_fields` changes a column property (not only asks for unique indexes).
fn modify_changes_props(modify: &Map<String, Value>) -> bool {
    modify.values().any(|c| {
        c.as_object()
            .is_some_and(|o| o.keys().any(|k| k != "unique"))
    })
}

pub async fn delete_table(engine: &Engine, cx: &CallCx, args: DeleteTableArgs) -> ToolResult {
    let ws = args.workspace_id.numeric("workspace_id")?;
    let t = engine.table_id(cx, ws, &args.table_id).await?;
    let client = engine.client(None);
    let page: xano::ContentPage<xano::types::Row> = cx
        .read(&client, &requests::browse_content(ws, t, 1, 5))
        .await?;
    let rows = page.items_total.unwrap_or(page.items.len() as u64);
    cx.write::<Value>(
        &client,
        &requests::delete_table(ws, t),
        "the table deletion",
    )
    .await?;
    if cx.is_preview() {
        let sample = page.items.into_iter().map(Value::Object).collect();
        return Ok(cx.preview_result(
            "deleteTable",
            Some((rows, sample)),
            Some(format!("Deleting table {t} also deletes its {rows} rows.")),
        ));
    }
    engine.invalidate(ws);
    cx.set_rows_affected(rows);
    Ok(json!({ "workspace_id": ws, "table_id": t, "deleted": true, "rows_deleted": rows }))
}
