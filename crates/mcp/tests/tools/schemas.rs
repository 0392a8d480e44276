//! Every tool's name, description, annotations and input schema are pinned, so a change to what a
//! model sees is always deliberate (`cargo insta review` to accept one).

use super::*;

#[tokio::test]
async fn tool_list_is_pinned() {
    let h = harness().await;
    let tools = h.client.list_all_tools().await.expect("tools/list");
    let names: Vec<String> = tools.iter().map(|t| t.name.to_string()).collect();
    for required in [
        "getLoggedInUser",
        "listWorkspaces",
        "getWorkspace",
        "getWorkspaceBranches",
        "workspaceGetDataSources",
        "getTables",
        "getTable",
        "addTable",
        "updateTableMeta",
        "deleteTable",
        "getTableSchema",
        "getTableContent",
        "getTableContentItem",
        "searchTableContent",
        "addTableContent",
        "updateTableContentItem",
        "deleteTableContentItem",
        "addTableContentBulk",
        "patchTableContentBulk",
        "deleteTableContentBulk",
        "patchTableContentBySearch",
        "deleteTableContentBySearch",
        "listAPIGroups",
        "getApiGroup",
        "listAPIs",
        "getApiGroupSwagger",
        "getRequestHistory",
        "searchRequestHistory",
        "summarizeRequestHistory",
        "previewToolCall",
    ] {
        assert!(
            names.iter().any(|n| n == required),
            "missing tool {required}"
        );
    }
    for tool in &tools {
        let a = tool
            .annotations
            .as_ref()
            .unwrap_or_else(|| panic!("{} has no annotations", tool.name));
        assert!(
            a.read_only_hint.is_some()
                && a.destructive_hint.is_some()
                && a.idempotent_hint.is_some()
                && a.open_world_hint.is_some(),
            "{} lacks a hint",
            tool.name
        );
        if a.read_only_hint == Some(false) {
            let props = tool
                .input_schema
                .get("properties")
                .and_then(Value::as_object)
                .expect("properties");
            assert!(
                props.contains_key("dry_run"),
                "write tool {} has no dry_run",
                tool.name
            );
        }
    }
    let info = h.client.peer_info().expect("server info");
    assert_eq!(
        info.server_info.as_ref().map(|s| s.name.as_str()),
        Some("xano-mcp")
    );
    let pinned: Vec<Value> = tools
        .iter()
        .map(|t| json!({"name": t.name, "description": t.description, "annotations": t.annotations, "inputSchema": t.input_schema}))
        .collect();
    insta::assert_json_snapshot!("tools", pinned);
}
