//! Table schema: add columns by type, rename, drop, replace.

use serde_json::{Value, json};
use xano_sim::demo;

use crate::common::Api;

const TYPES: [&str; 25] = [
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

#[tokio::test]
async fn every_add_column_type_is_accepted() {
    let api = Api::demo().await;
    let products = api.table_path(demo::PRODUCTS);
    let customers_id = api.table(demo::CUSTOMERS);
    for kind in TYPES {
        let name = format!("col_{kind}");
        let mut body = json!({"name": name, "description": format!("a {kind} column")});
        match kind {
            "enum" => body["values"] = json!(["a", "b"]),
            "tableref" | "tablerefuuid" => body["tableref_id"] = json!(customers_id),
            "vector" => body["vector"] = json!({"size": 3}),
            "text" => body["default"] = json!("hello"),
            _ => {}
        }
        let r = api
            .post(&format!("{products}/schema/type/{kind}"), body)
            .await;
        assert_eq!(r.status, 200, "{kind}: {}", r.body);
        assert_eq!(r.body, json!({ "name": name }));
    }
    let schema = api
        .sim
        .schema(demo::WORKSPACE_ID, api.table(demo::PRODUCTS));
    let field = |name: &str| -> Value {
        schema
            .iter()
            .find(|f| f["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} is in the schema"))
    };
    assert_eq!(field("col_enum")["values"], json!(["a", "b"]));
    assert_eq!(field("col_tableref")["type"], "int");
    assert_eq!(field("col_tableref")["tableref_id"], customers_id);
    assert_eq!(field("col_tablerefuuid")["type"], "uuid");
    assert_eq!(field("col_vector")["vector"], json!({"size": 3}));
    assert_eq!(field("col_image")["nullable"], true);
    assert_eq!(field("col_int")["nullable"], false);
    for key in [
        "name",
        "type",
        "description",
        "nullable",
        "required",
        "default",
        "access",
        "sensitive",
        "style",
    ] {
        assert!(
            field("col_bool").get(key).is_some(),
            "field objects carry {key}"
        );
    }
    // Existing rows got the new columns with defaults.
    let row = &api.rows(demo::PRODUCTS)[0];
    assert_eq!(row["col_text"], "hello");
    assert_eq!(row["col_int"], 0);
    assert_eq!(row["col_bool"], false);
    assert_eq!(row["col_image"], Value::Null);
    // The GET endpoint returns what schema() shows.
    assert_eq!(
        api.get(&format!("{products}/schema")).await.body,
        json!(schema)
    );
    assert_eq!(
        api.get(&format!("{products}/schema/col_enum")).await.body,
        field("col_enum")
    );
}

#[tokio::test]
async fn bad_columns_are_refused() {
    let api = Api::demo().await;
    let products = api.table_path(demo::PRODUCTS);
    let before = api
        .sim
        .schema(demo::WORKSPACE_ID, api.table(demo::PRODUCTS));
    for (kind, body, status, param) in [
        (
            "tableref",
            json!({"name": "owner", "tableref_id": 999_999}),
            400,
            Some("tableref_id"),
        ),
        (
            "tableref",
            json!({"name": "owner"}),
            400,
            Some("tableref_id"),
        ),
        ("text", json!({"name": "sku"}), 400, Some("name")),
        ("text", json!({}), 400, Some("name")),
        ("enum", json!({"name": "size"}), 400, Some("values")),
        (
            "int",
            json!({"name": "n", "default": "many"}),
            400,
            Some("default"),
        ),
        ("blob", json!({"name": "b"}), 404, None),
    ] {
        let r = api
            .post(&format!("{products}/schema/type/{kind}"), body.clone())
            .await;
        assert_eq!(r.status, status, "{kind} {body}");
        if let Some(param) = param {
            assert_eq!(r.body["payload"]["param"], param, "{kind} {body}");
        }
    }
    assert_eq!(
        api.sim
            .schema(demo::WORKSPACE_ID, api.table(demo::PRODUCTS)),
        before
    );
}

#[tokio::test]
async fn rename_drop_and_replace_move_the_rows_along() {
    let api = Api::demo().await;
    let products = api.table_path(demo::PRODUCTS);
    let first_category = api.rows(demo::PRODUCTS)[0]["category"].clone();

    let r = api
        .post(
            &format!("{products}/schema/rename"),
            json!({"old_name": "category", "new_name": "department"}),
        )
        .await;
    assert_eq!((r.status, r.body), (200, json!({})));
    let row = &api.rows(demo::PRODUCTS)[0];
    assert_eq!(row["department"], first_category);
    assert!(row.get("category").is_none());
    let r = api
        .post(
            &format!("{products}/schema/rename"),
            json!({"old_name": "department", "new_name": "price"}),
        )
        .await;
    assert_eq!(r.body["payload"]["param"], "new_name");
    let r = api
        .post(
            &format!("{products}/schema/rename"),
            json!({"old_name": "nope", "new_name": "x"}),
        )
        .await;
    assert_eq!(r.body["payload"]["param"], "old_name");

    // Renaming the unique column keeps the index on it.
    api.post(
        &format!("{products}/schema/rename"),
        json!({"old_name": "sku", "new_name": "code"}),
    )
    .await;
    let indexes = api
        .sim
        .indexes(demo::WORKSPACE_ID, api.table(demo::PRODUCTS));
    assert!(
        indexes
            .iter()
            .any(|i| i["type"] == "unique" && i["fields"][0]["name"] == "code")
    );

    assert_eq!(
        api.delete(&format!("{products}/schema/department"))
            .await
            .status,
        200
    );
    assert!(api.rows(demo::PRODUCTS)[0].get("department").is_none());
    assert_eq!(
        api.get(&format!("{products}/schema/department"))
            .await
            .status,
        404
    );
    assert_eq!(
        api.delete(&format!("{products}/schema/id")).await.status,
        400
    );

    let not_id_first = api
        .put(
            &format!("{products}/schema"),
            json!({"schema": [{"name": "name", "type": "text"}]}),
        )
        .await;
    assert_eq!(not_id_first.status, 400);
    let replaced = api
        .put(
            &format!("{products}/schema"),
            json!({"schema": [
                {"name": "id", "type": "int"},
                {"name": "name", "type": "text"},
                {"name": "price", "type": "text"},
                {"name": "on_sale", "type": "bool", "default": "true"}
            ]}),
        )
        .await;
    assert_eq!(replaced.status, 200, "{}", replaced.body);
    let row = api.rows(demo::PRODUCTS)[0].clone();
    let keys: Vec<&str> = row.keys().map(String::as_str).collect();
    assert_eq!(keys, ["id", "name", "price", "on_sale"]);
    assert!(row["price"].is_string(), "values follow the new type");
    assert_eq!(row["on_sale"], true);
    let indexes = api
        .sim
        .indexes(demo::WORKSPACE_ID, api.table(demo::PRODUCTS));
    assert_eq!(indexes.len(), 1, "indexes on dropped columns go away");
}
