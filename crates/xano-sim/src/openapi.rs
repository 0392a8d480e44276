//! The OpenAPI 3 document of one API group (`GET .../apigroup/{g}/openapi`), built from the
//! group's endpoints and the schemas of the tables they use.
//!
//! Like Xano's generated Swagger, schemas are written inline in every operation (no `$ref`s to
//! table components), which is why real documents are large; output caps downstream have to cope
//! with that. Invariants: one path item per endpoint path, one operation per verb, every `{param}`
//! in a path declared as a required path parameter.

use serde_json::{Map, Value, json};

use crate::schema::Field;
use crate::store::{ApiGroup, Endpoint, EndpointInput, InputSource, ResponseShape, Workspace};

/// The document for `group` of `ws`.
pub(crate) fn group_document(ws: &Workspace, group: &ApiGroup, xano_domain: &str) -> Value {
    let mut paths = Map::new();
    for ep in group.endpoints.values() {
        let fields: Vec<Field> = ep
            .table
            .as_ref()
            .and_then(|name| ws.tables.values().find(|t| &t.name == name))
            .map(|t| t.fields.clone())
            .unwrap_or_default();
        let item = paths
            .entry(format!("/{}", ep.name))
            .or_insert_with(|| json!({}));
        item[ep.verb.to_lowercase()] = operation(ep, &fields);
    }
    json!({
        "openapi": "3.0.0",
        "info": {
            "title": group.name,
            "description": group.description,
            "version": "0.0.1",
        },
        "servers": [
            { "url": format!("https://{xano_domain}/api:{}", group.canonical) },
        ],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearerAuth": { "type": "http", "scheme": "bearer", "bearerFormat": "JWT" },
            },
        },
    })
}

fn operation(ep: &Endpoint, fields: &[Field]) -> Value {
    let mut op = Map::new();
    op.insert("summary".into(), json!(ep.description));
    let mut description = ep.description.clone();
    if let Some(table) = &ep.table {
        description.push_str(&format!("\n\nWorks on the `{table}` table."));
    }
    description.push_str(if ep.auth_table.is_some() {
        "\n\nRequires a valid auth token (`Authorization: Bearer <token>`)."
    } else {
        "\n\nPublic endpoint: no authentication."
    });
    op.insert("description".into(), json!(description));
    op.insert(
        "operationId".into(),
        json!(format!(
            "{}_{}",
            ep.verb.to_lowercase(),
            ep.name.replace(['/', '{', '}', '-'], "_")
        )),
    );
    op.insert("tags".into(), json!(ep.tags));

    let parameters: Vec<Value> = ep
        .inputs
        .iter()
        .filter(|i| i.source != InputSource::Body)
        .map(|i| {
            json!({
                "name": i.name,
                "in": if i.source == InputSource::Path { "path" } else { "query" },
                "required": i.required || i.source == InputSource::Path,
                "description": i.description,
                "schema": input_schema(i),
            })
        })
        .collect();
    op.insert("parameters".into(), Value::Array(parameters));

    let body: Vec<&EndpointInput> = ep
        .inputs
        .iter()
        .filter(|i| i.source == InputSource::Body)
        .collect();
    if !body.is_empty() {
        let mut properties = Map::new();
        let mut required = Vec::new();
        for input in &body {
            let schema = fields
                .iter()
                .find(|f| f.name == input.name)
                .map(field_schema)
                .unwrap_or_else(|| input_schema(input));
            properties.insert(input.name.clone(), schema);
            if input.required {
                required.push(json!(input.name));
            }
        }
        op.insert(
            "requestBody".into(),
            json!({
                "required": !required.is_empty(),
                "content": {
                    "application/json": {
                        "schema": { "type": "object", "properties": properties, "required": required },
                    },
                    "multipart/form-data": {
                        "schema": { "type": "object", "properties": properties, "required": required },
                    },
                },
            }),
        );
    }

    op.insert("responses".into(), responses(ep, fields));
    if ep.auth_table.is_some() {
        op.insert("security".into(), json!([{ "bearerAuth": [] }]));
    }
    Value::Object(op)
}

fn responses(ep: &Endpoint, fields: &[Field]) -> Value {
    let record = record_schema(fields);
    let success = match ep.response {
        ResponseShape::Record => record,
        ResponseShape::List => json!({ "type": "array", "items": record }),
        ResponseShape::Paged => json!({
            "type": "object",
            "properties": {
                "itemsReceived": { "type": "integer" },
                "curPage": { "type": "integer" },
                "nextPage": { "type": "integer", "nullable": true },
                "prevPage": { "type": "integer", "nullable": true },
                "offset": { "type": "integer" },
                "perPage": { "type": "integer" },
                "itemsTotal": { "type": "integer" },
                "pageTotal": { "type": "integer" },
                "items": { "type": "array", "items": record },
            },
        }),
        ResponseShape::Empty => json!({ "type": "object", "nullable": true }),
        ResponseShape::Token => json!({
            "type": "object",
            "properties": { "authToken": { "type": "string" } },
        }),
        ResponseShape::Object => json!({ "type": "object", "additionalProperties": true }),
    };
    let error = json!({
        "type": "object",
        "properties": {
            "code": { "type": "string" },
            "message": { "type": "string" },
            "payload": { "type": "object", "nullable": true },
        },
    });
    let error_response = |description: &str| {
        json!({
            "description": description,
            "content": { "application/json": { "schema": error } },
        })
    };
    json!({
        "200": {
            "description": "Success!",
            "content": { "application/json": { "schema": success } },
        },
        "400": error_response("Input Error. Check the request payload for issues."),
        "401": error_response("Unauthorized"),
        "403": error_response("Access denied. Additional privileges are needed access the requested resource."),
        "404": error_response("Not Found. The requested resource does not exist."),
        "429": error_response("Rate Limited. Too many requests."),
        "500": error_response("Unexpected error"),
    })
}

fn record_schema(fields: &[Field]) -> Value {
    if fields.is_empty() {
        return json!({ "type": "object", "additionalProperties": true });
    }
    let mut properties = Map::new();
    let mut required = Vec::new();
    for field in fields {
        properties.insert(field.name.clone(), field_schema(field));
        if field.required || field.name == "id" {
            required.push(json!(field.name));
        }
    }
    json!({ "type": "object", "properties": properties, "required": required })
}

fn type_schema(kind: &str, values: &[String]) -> Value {
    match kind {
        "int" => json!({ "type": "integer", "format": "int64" }),
        "decimal" => json!({ "type": "number", "format": "double" }),
        "bool" => json!({ "type": "boolean" }),
        "text" => json!({ "type": "string" }),
        "email" => json!({ "type": "string", "format": "email" }),
        "password" => json!({ "type": "string", "format": "password" }),
        "timestamp" => json!({ "type": "integer", "format": "timestamptz" }),
        "date" => json!({ "type": "string", "format": "date" }),
        "uuid" => json!({ "type": "string", "format": "uuid" }),
        "enum" => json!({ "type": "string", "enum": values }),
        "json" => json!({}),
        "vector" => json!({ "type": "array", "items": { "type": "number" } }),
        _ => json!({ "type": "object", "additionalProperties": true }),
    }
}

fn field_schema(field: &Field) -> Value {
    let mut schema = type_schema(&field.kind, &field.values);
    if field.list {
        schema = json!({ "type": "array", "items": schema });
    }
    if let Value::Object(obj) = &mut schema {
        if !field.description.is_empty() {
            obj.insert("description".into(), json!(field.description));
        }
        if field.nullable {
            obj.insert("nullable".into(), json!(true));
        }
    }
    schema
}

fn input_schema(input: &EndpointInput) -> Value {
    type_schema(&input.kind, &[])
}
