//! Scope enforcement: a token gets exactly what its grants allow, and 403s name what is missing.

use serde_json::json;
use xano_sim::{Scope, SimToken, demo};

use crate::common::{Api, config};

async fn api_with(token: SimToken) -> Api {
    let mut config = config();
    let name = token.token.clone();
    config.tokens.push(token);
    Api::with(config, &name).await
}

#[tokio::test]
async fn content_reader_reads_rows_only() {
    let api = api_with(SimToken::with_scopes(
        "reader",
        &[(Scope::WorkspaceContent, "r")],
    ))
    .await;
    let customers = api.table_path(demo::CUSTOMERS);
    let before = api.rows(demo::CUSTOMERS);

    assert_eq!(api.get(&format!("{customers}/content")).await.status, 200);
    assert_eq!(api.get(&format!("{customers}/content/1")).await.status, 200);
    assert_eq!(
        api.post(&format!("{customers}/content/search"), json!({}))
            .await
            .status,
        200
    );

    let write = api
        .post(&format!("{customers}/content"), json!({"name": "Eve"}))
        .await;
    assert_eq!(write.status, 403);
    assert_eq!(write.body["code"], "ERROR_CODE_ACCESS_DENIED");
    assert!(
        write.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("Workspace Content: Create")),
        "{}",
        write.body
    );
    let delete = api.delete(&format!("{customers}/content/1")).await;
    assert_eq!(delete.status, 403);
    assert!(
        delete.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("Workspace Content: Delete"))
    );

    let schema = api.get(&format!("{customers}/schema")).await;
    assert_eq!(schema.status, 403);
    assert!(
        schema.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("Workspace Database: Read"))
    );

    let workspaces = api.get("/workspace").await;
    assert_eq!(workspaces.status, 403);
    assert!(
        workspaces.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("Instance Workspace: Read"))
    );

    let history = api
        .get(&format!(
            "/workspace/{}/request_history",
            demo::WORKSPACE_ID
        ))
        .await;
    assert!(
        history.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("Workspace Request History: Read"))
    );
    let groups = api
        .get(&format!("/workspace/{}/apigroup", demo::WORKSPACE_ID))
        .await;
    assert!(
        groups.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("Workspace Api: Read"))
    );
    let sources = api
        .get(&format!("/workspace/{}/datasource", demo::WORKSPACE_ID))
        .await;
    assert!(
        sources.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("Workspace Live Data Source: Read"))
    );

    // Identity needs no scope.
    assert_eq!(api.get("/auth/me").await.status, 200);
    assert_eq!(api.rows(demo::CUSTOMERS), before, "nothing changed");
}

#[tokio::test]
async fn grants_are_per_permission() {
    let api = api_with(SimToken::with_scopes(
        "writer",
        &[
            (Scope::WorkspaceContent, "cu"),
            (Scope::WorkspaceDatabase, "r"),
        ],
    ))
    .await;
    let customers = api.table_path(demo::CUSTOMERS);
    let created = api
        .post(&format!("{customers}/content"), json!({"name": "Eve"}))
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let id = created.body["id"].as_i64().expect("id");
    assert_eq!(
        api.put(
            &format!("{customers}/content/{id}"),
            json!({"region": "EU"})
        )
        .await
        .status,
        200
    );
    let read = api.get(&format!("{customers}/content/{id}")).await;
    assert_eq!(read.status, 403, "no Read on content");
    assert!(
        read.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("Workspace Content: Read"))
    );
    assert_eq!(api.get(&format!("{customers}/schema")).await.status, 200);
    let add_column = api
        .post(
            &format!("{customers}/schema/type/text"),
            json!({"name": "nickname"}),
        )
        .await;
    assert_eq!(add_column.status, 403);
    assert!(
        add_column.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("Workspace Database: Update"))
    );
}
