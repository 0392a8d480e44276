//! Every command through Tauri's mock runtime (headless): the real invoke handler, the real
//! `AppState` on a temp engine home, an in-memory keychain, a temp home for client configs, and
//! `xano-sim` as both the demo backend and the "real" Xano account host.

use crate::commands;
use crate::shell::Shell;
use core_api::app::settings::save_settings;
use core_api::app::{AppConfig, AppEvent, AppState, EngineSettings};
use core_api::{Headless, Paths};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, mock_builder, mock_context, noop_assets};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow, WebviewWindowBuilder};
use tokio::sync::broadcast;

/// The commands the app registers; the test fails if one is not exercised.
const COMMANDS: &[&str] = &[
    "app_info",
    "server_status",
    "server_restart",
    "wizard_start_demo",
    "wizard_check_token",
    "wizard_instances",
    "wizard_workspaces",
    "wizard_save_account",
    "wizard_access_levels",
    "wizard_live_check",
    "wizard_finish",
    "workspaces_list",
    "dashboard_get",
    "tokens_list",
    "tokens_create",
    "tokens_update",
    "tokens_revoke",
    "clients_list",
    "clients_plan",
    "clients_apply",
    "playground_tools",
    "playground_preview",
    "playground_run",
    "approvals_pending",
    "approvals_decide",
    "settings_get",
    "settings_update",
    "profiles_use",
    "profiles_remove",
    "prefs_get",
    "prefs_set",
    "autostart_get",
    "autostart_set",
    "window_hide",
    "pick_folder",
    "history_search",
    "history_detail",
    "history_charts",
    "history_export",
    "history_sync_status",
    "history_sync_now",
];

struct Harness {
    app: tauri::App<MockRuntime>,
    webview: WebviewWindow<MockRuntime>,
    _dir: tempfile::TempDir,
    home: PathBuf,
    sim_meta: String,
    _sim: xano_sim::XanoSim,
    seen: Arc<Mutex<BTreeSet<String>>>,
}

impl Harness {
    fn new(seen: &Arc<Mutex<BTreeSet<String>>>, port: u16) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let sim =
            tauri::async_runtime::block_on(xano_sim::XanoSim::start(xano_sim::SimConfig::demo()))
                .expect("sim");
        let paths = Paths::at(dir.path().join("engine"));
        save_settings(
            &paths,
            &EngineSettings {
                port,
                ..EngineSettings::default()
            },
        )
        .expect("settings");
        // A user home where Cursor and Claude Desktop are installed.
        let home = dir.path().join("home");
        std::fs::create_dir_all(home.join(".cursor")).expect("cursor dir");
        std::fs::create_dir_all(home.join(".config/Claude")).expect("claude dir");
        let binary = dir.path().join("bin/xano-mcp");
        std::fs::create_dir_all(binary.parent().expect("bin")).expect("bin dir");
        std::fs::write(&binary, "#!/bin/sh\n").expect("fake binary");
        let cfg = AppConfig {
            paths,
            vault: vault::Vault::in_memory().0,
            clients: clients::HomeLayout::for_test(clients::Os::Linux, &home),
            account_base: xano::MetaBase::parse(&sim.meta_url()).expect("meta url"),
            headless: Headless::none(),
            xano_mcp_binary: Some(binary),
            exports_dir: dir.path().join("downloads"),
        };
        let state = AppState::open(cfg).expect("app state");
        let builder = commands::builder_for::<MockRuntime>();
        let app = mock_builder()
            .manage(state)
            // The folder picker's stand-in answers the project folder the clients test uses.
            .manage(Shell::with_picked_folder(Some(home.join("work/shop"))))
            .invoke_handler(builder.invoke_handler())
            .build(mock_context(noop_assets()))
            .expect("mock app");
        builder.mount_events(&app);
        let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .expect("webview");
        Self {
            app,
            webview,
            home,
            sim_meta: sim.meta_url(),
            _sim: sim,
            _dir: dir,
            seen: seen.clone(),
        }
    }

    fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        self.seen
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(cmd.to_owned());
        tauri::test::get_ipc_response(
            &self.webview,
            InvokeRequest {
                cmd: cmd.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                url: "tauri://localhost".parse().expect("url"),
                body: InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|body| body.deserialize::<Value>().expect("json answer"))
    }

    fn ok(&self, cmd: &str, args: Value) -> Value {
        match self.call(cmd, args) {
            Ok(v) => v,
            Err(e) => panic!("{cmd} failed: {e}"),
        }
    }

    /// The `code` of a command's error.
    fn err(&self, cmd: &str, args: Value) -> Value {
        match self.call(cmd, args) {
            Ok(v) => panic!("{cmd} should fail but answered {v}"),
            Err(e) => e,
        }
    }

    fn state(&self) -> Arc<AppState> {
        Arc::clone(&self.app.state::<Arc<AppState>>())
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.home.join(rel)).unwrap_or_default()
    }
}

fn backup_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().contains("xano-mcp-backup"))
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn every_command_works_through_the_mock_runtime() {
    let seen = Arc::new(Mutex::new(BTreeSet::new()));
    demo_wizard_and_clients(&Harness::new(&seen, 0));
    tokens_and_playground(&Harness::new(&seen, 0));
    approvals_wait_for_the_user(&Harness::new(&seen, 0));
    real_account_wizard(&Harness::new(&seen, 0));
    settings_prefs_and_autostart(&Harness::new(&seen, 0));
    history_page(&Harness::new(&seen, 0));
    a_taken_port_is_a_state(&seen);
    let seen = seen.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let all: BTreeSet<String> = COMMANDS.iter().map(|c| (*c).to_owned()).collect();
    let missed: Vec<_> = all.difference(&seen).collect();
    assert!(missed.is_empty(), "commands not tested: {missed:?}");
    let bindings = include_str!("../ui/src/bindings.ts");
    for cmd in COMMANDS {
        assert!(
            bindings.contains(&format!("\"{cmd}\"")),
            "{cmd} is missing from ui/src/bindings.ts"
        );
    }
}

fn demo_wizard_and_clients(h: &Harness) {
    assert_eq!(h.ok("app_info", json!({}))["name"], "Xano MCP Desktop");
    assert_eq!(h.ok("server_status", json!({}))["state"], "not_configured");
    let levels = h.ok("wizard_access_levels", json!({}));
    assert_eq!(levels[1]["tier"], "read_write");
    assert_eq!(levels[1]["defaultApproval"], "all_writes");
    assert!(
        !levels[0]["xanoScopes"]
            .as_array()
            .expect("scopes")
            .is_empty()
    );

    let account = h.ok("wizard_start_demo", json!({}));
    assert_eq!(account["backend"], "demo");
    assert_eq!(account["server"]["state"], "running");
    let names: Vec<&str> = account["workspaces"]
        .as_array()
        .expect("workspaces")
        .iter()
        .filter_map(|w| w["name"].as_str())
        .collect();
    assert!(names.contains(&"Acme Store"), "{names:?}");
    assert!(
        h.ok("workspaces_list", json!({}))
            .as_array()
            .is_some_and(|l| l.len() == names.len())
    );

    let clients = h.ok("clients_list", json!({}));
    let state_of = |clients: &Value, id: &str| {
        clients
            .as_array()
            .expect("clients")
            .iter()
            .find(|c| c["id"] == id)
            .map(|c| c["state"].as_str().unwrap_or_default().to_owned())
            .expect("client listed")
    };
    assert_eq!(state_of(&clients, "cursor"), "installed");
    assert_eq!(state_of(&clients, "claude-desktop"), "installed");
    assert_eq!(state_of(&clients, "windsurf"), "missing");

    let grant = json!({"tier": "read_write", "workspaces": [], "approval": "all_writes", "expiresInDays": null});
    let plans = h.ok(
        "clients_plan",
        json!({"input": {"clients": ["cursor", "claude-desktop"], "action": "apply", "grant": grant}}),
    );
    let plans = plans.as_array().expect("plans");
    assert_eq!(plans.len(), 2);
    for p in plans {
        assert_eq!(p["change"], "added", "{p}");
        assert!(p["error"].is_null(), "{p}");
        let diff = p["diff"].as_str().expect("diff");
        assert!(diff.contains("xano-mcp"), "{diff}");
        assert!(
            !diff.contains("xmcp_") || diff.contains("xmcp_…"),
            "tokens are masked in diffs: {diff}"
        );
    }
    // Nothing is written by a plan.
    assert!(h.read(".cursor/mcp.json").is_empty());
    let ids: Vec<Value> = plans.iter().map(|p| p["id"].clone()).collect();
    let applied = h.ok("clients_apply", json!({"ids": ids}));
    for a in applied.as_array().expect("applied") {
        assert!(a["error"].is_null(), "{a}");
        assert!(a["restartHint"].as_str().is_some_and(|s| !s.is_empty()));
    }
    let cursor = h.read(".cursor/mcp.json");
    assert!(
        cursor.contains("xmcp_") && cursor.contains("/mcp"),
        "{cursor}"
    );
    let claude = h.read(".config/Claude/claude_desktop_config.json");
    assert!(claude.contains("--token-name"), "{claude}");
    assert!(
        !claude.contains("xmcp_"),
        "Claude Desktop's file holds no secret: {claude}"
    );
    let clients = h.ok("clients_list", json!({}));
    assert_eq!(state_of(&clients, "cursor"), "configured");
    assert_eq!(state_of(&clients, "claude-desktop"), "configured");
    // Applying again keeps the token and changes nothing.
    let again = h.ok(
        "clients_plan",
        json!({"input": {"clients": ["cursor"], "action": "apply", "grant": grant}}),
    );
    assert_eq!(again[0]["change"], "unchanged", "{again}");
    assert_eq!(again[0]["newToken"], false);
    // Listing and planning read the token in Cursor's file; only Cursor's own calls use it.
    let tokens = h.ok("tokens_list", json!({}));
    let used: Vec<_> = tokens
        .as_array()
        .expect("tokens")
        .iter()
        .map(|t| (t["name"].clone(), t["lastUsedAtMs"].clone()))
        .collect();
    assert!(used.iter().all(|(_, at)| at.is_null()), "{used:?}");

    let check = h.ok("wizard_live_check", json!({}));
    assert!(
        check["summary"]
            .as_str()
            .is_some_and(|s| s.contains("Acme Store")),
        "{check}"
    );
    let tokens = h.ok("tokens_list", json!({}));
    assert!(
        tokens
            .as_array()
            .expect("tokens")
            .iter()
            .all(|t| t["name"] != "app-live-check"),
        "the live check leaves no token behind: {tokens}"
    );
    assert_eq!(h.ok("wizard_finish", json!({}))["setupDone"], true);
    let dash = h.ok("dashboard_get", json!({}));
    assert!(
        dash["callsLastHour"].as_u64().is_some_and(|n| n >= 1),
        "{dash}"
    );
    assert_eq!(dash["setupDone"], true);
    assert_eq!(h.ok("server_restart", json!({}))["state"], "running");

    // Remove takes our entry out, keeps a backup and revokes the token it used.
    let plan = h.ok(
        "clients_plan",
        json!({"input": {"clients": ["cursor"], "action": "remove", "grant": null}}),
    );
    assert_eq!(plan[0]["change"], "removed");
    let done = h.ok("clients_apply", json!({"ids": [plan[0]["id"].clone()]}));
    assert!(done[0]["backup"].is_string(), "{done}");
    assert_eq!(done[0]["revokedToken"], "cursor");
    assert!(!h.read(".cursor/mcp.json").contains("xano-mcp"));
    assert_eq!(backup_files(&h.home.join(".cursor")), 1);
    // A project folder (as the picker gives it): only the clients with a per-project config,
    // written inside the project.
    let picked = h.ok("pick_folder", json!({}));
    let project = PathBuf::from(picked.as_str().expect("a picked folder"));
    assert_eq!(project, h.home.join("work/shop"));
    std::fs::create_dir_all(&project).expect("project dir");
    let in_project = h.ok(
        "clients_list",
        json!({"project": project.display().to_string()}),
    );
    let ids: Vec<&str> = in_project
        .as_array()
        .expect("clients")
        .iter()
        .map(|c| c["id"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(ids, ["cursor", "claude-code", "vscode"]);
    let plan = h.ok(
        "clients_plan",
        json!({"input": {"clients": ["cursor"], "action": "apply", "grant": grant, "project": project.display().to_string()}}),
    );
    let path = plan[0]["path"].as_str().expect("path");
    assert_eq!(
        std::path::Path::new(path),
        project.join(".cursor/mcp.json"),
        "{plan}"
    );
    let done = h.ok("clients_apply", json!({"ids": [plan[0]["id"].clone()]}));
    assert!(done[0]["error"].is_null(), "{done}");
    assert!(h.read("work/shop/.cursor/mcp.json").contains("xmcp_"));
    assert!(
        !h.read(".cursor/mcp.json").contains("xano-mcp"),
        "the user's config is untouched"
    );
    let in_project = h.ok(
        "clients_list",
        json!({"project": project.display().to_string()}),
    );
    assert_eq!(state_of(&in_project, "cursor"), "configured");
    for bad in ["relative/path", "/no/such/folder/anywhere"] {
        let e = h.err("clients_list", json!({"project": bad}));
        assert_eq!(
            (&e["code"], &e["field"]),
            (&json!("InvalidInput"), &json!("project")),
            "{e}"
        );
    }

    // An unknown plan id says to review again.
    assert_eq!(
        h.err("clients_apply", json!({"ids": [999]}))["code"],
        "InvalidInput"
    );

    // What Quit in the tray does before exiting: the server stops and its port is free again.
    let port = h.ok("server_status", json!({}))["port"]
        .as_u64()
        .and_then(|p| u16::try_from(p).ok())
        .expect("port");
    let state = h.state();
    let stopped = tauri::async_runtime::block_on(core_api::app::server::stop(&state));
    assert_eq!(stopped.state, core_api::app::ServerState::Stopped);
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
    assert_eq!(h.ok("server_status", json!({}))["state"], "stopped");
}

fn tokens_and_playground(h: &Harness) {
    h.ok("wizard_start_demo", json!({}));
    let created = h.ok(
        "tokens_create",
        json!({"input": {"name": "laptop", "tier": "read_only", "workspaces": [1], "tables": [], "expiresInDays": 1, "approval": "off", "rateLimitPerMinute": null}}),
    );
    assert!(
        created["token"]
            .as_str()
            .is_some_and(|t| t.starts_with("xmcp_"))
    );
    assert_eq!(created["info"]["status"], "expires_soon");
    assert_eq!(created["savedInKeychain"], true);
    let list = h.ok("tokens_list", json!({}));
    assert!(
        list.as_array()
            .expect("tokens")
            .iter()
            .all(|t| t.get("token").is_none()),
        "a list never holds secrets"
    );
    assert_eq!(list[0]["name"], "laptop");
    let updated = h.ok(
        "tokens_update",
        json!({"input": {"name": "laptop", "tier": "read_write", "workspaces": [], "tables": ["orders"], "expiry": {"kind": "never"}, "approval": "destructive", "rateLimitPerMinute": 30}}),
    );
    assert_eq!(
        (
            &updated["tier"],
            &updated["status"],
            &updated["expiresAtMs"],
            &updated["tables"],
            &updated["rateLimitPerMinute"]
        ),
        (
            &json!("read_write"),
            &json!("active"),
            &Value::Null,
            &json!(["orders"]),
            &json!(30)
        )
    );
    let zero_days = h.err(
        "tokens_update",
        json!({"input": {"name": "laptop", "tier": "read_write", "workspaces": [], "tables": [], "expiry": {"kind": "in_days", "days": 0}, "approval": "off", "rateLimitPerMinute": null}}),
    );
    assert_eq!(
        (&zero_days["code"], &zero_days["field"]),
        (&json!("InvalidInput"), &json!("expiry"))
    );
    assert_eq!(
        h.ok("tokens_revoke", json!({"name": "laptop"}))["status"],
        "revoked"
    );
    assert_eq!(
        h.err("tokens_revoke", json!({"name": "nope"}))["code"],
        "TokenNotFound"
    );
    let bad = h.err(
        "tokens_create",
        json!({"input": {"name": "Bad Name", "tier": "read_only", "workspaces": [], "tables": [], "expiresInDays": null, "approval": "off", "rateLimitPerMinute": null}}),
    );
    assert_eq!(bad["code"], "InvalidInput");
    assert_eq!(bad["field"], "name");

    let tools = h.ok("playground_tools", json!({}));
    let content = tools
        .as_array()
        .expect("tools")
        .iter()
        .find(|t| t["name"] == "getTableContent")
        .expect("getTableContent");
    assert!(content["inputSchema"]["properties"]["workspace_id"].is_object());
    let preview = h.ok(
        "playground_preview",
        json!({"tool": "addTableContent", "args": {"workspace_id": 1, "table_id": "customers", "record": {"name": "Preview Person", "email": "p@example.com"}}}),
    );
    let sent = &preview["wouldSend"][0];
    assert_eq!(sent["method"], "POST", "{preview}");
    assert!(sent["url"].as_str().is_some_and(|u| u.contains("/content")));
    let run = h.ok(
        "playground_run",
        json!({"tool": "getTables", "args": {"workspace_id": 1}}),
    );
    assert_eq!(run["ok"], true);
    assert_eq!(run["record"]["tool"], "getTables");
    assert_eq!(run["record"]["transport"], "app");
    assert!(
        !run["record"]["xanoRequests"]
            .as_array()
            .expect("requests")
            .is_empty()
    );
    let failed = h.ok(
        "playground_run",
        json!({"tool": "getTable", "args": {"workspace_id": 1, "table_id": 999999}}),
    );
    assert_eq!(failed["ok"], false);
    assert_eq!(failed["error"]["code"], "ToolFailed");
    assert_eq!(
        h.err(
            "playground_run",
            json!({"tool": "dropEverything", "args": {}})
        )["code"],
        "InvalidInput"
    );
}

fn approvals_wait_for_the_user(h: &Harness) {
    use rmcp::ServiceExt;
    use rmcp::model::CallToolRequestParams;
    use rmcp::transport::StreamableHttpClientTransport;
    use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;

    let account = h.ok("wizard_start_demo", json!({}));
    let url = account["server"]["url"].as_str().expect("url").to_owned();
    let token = h.ok(
        "tokens_create",
        json!({"input": {"name": "writer", "tier": "read_write", "workspaces": [], "tables": [], "expiresInDays": null, "approval": "all_writes", "rateLimitPerMinute": null}}),
    )["token"]
        .as_str()
        .expect("token")
        .to_owned();
    assert_eq!(h.ok("approvals_pending", json!({})), json!([]));
    let add = |name: &'static str| {
        let (url, token) = (url.clone(), token.clone());
        tauri::async_runtime::spawn(async move {
            let transport = StreamableHttpClientTransport::from_config(
                StreamableHttpClientTransportConfig::with_uri(url).auth_header(token),
            );
            let client = ().serve(transport).await.expect("initialize");
            let args = json!({"workspace_id": 1, "table_id": "customers", "record": {"name": name, "email": "a@example.com"}});
            let result = client
                .call_tool(
                    CallToolRequestParams::new("addTableContent")
                        .with_arguments(args.as_object().cloned().expect("object")),
                )
                .await
                .expect("answered");
            let _ = client.cancel().await;
            result
        })
    };
    // The app announces each waiting call (the UI's cue); the test waits for that, then reads
    // the list the UI would.
    let mut events = h.state().subscribe();
    let mut wait_pending = || {
        let requested = tauri::async_runtime::block_on(async {
            loop {
                match events.recv().await {
                    Ok(AppEvent::ApprovalRequested(request)) => break request,
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => panic!("the app stopped"),
                }
            }
        });
        let pending = h.ok("approvals_pending", json!({}));
        let first = pending[0].clone();
        assert_eq!(first["id"], requested.id, "{pending}");
        first
    };
    let call = add("Approved Person");
    let pending = wait_pending();
    assert_eq!(pending["tool"], "addTableContent");
    assert_eq!(pending["tokenName"], "writer");
    assert!(pending["preview"]["would_send"].is_array(), "{pending}");
    let left = h.ok(
        "approvals_decide",
        json!({"id": pending["id"], "decision": "approve"}),
    );
    assert_eq!(left, json!([]));
    let result = tauri::async_runtime::block_on(call).expect("join");
    assert_ne!(result.is_error, Some(true), "{result:?}");

    let call = add("Denied Person");
    let pending = wait_pending();
    h.ok(
        "approvals_decide",
        json!({"id": pending["id"], "decision": "deny"}),
    );
    let result = tauri::async_runtime::block_on(call).expect("join");
    assert_eq!(result.is_error, Some(true));
    let body = result.structured_content.expect("structured error");
    assert_eq!(body["error"]["code"], "declined_by_user", "{body}");
    assert_eq!(
        h.err(
            "approvals_decide",
            json!({"id": pending["id"], "decision": "approve_similar"})
        )["code"],
        "ApprovalNotFound"
    );
    let dash = h.ok("dashboard_get", json!({}));
    assert!(
        dash["connectedClients"]
            .as_array()
            .is_some_and(|c| !c.is_empty()),
        "{dash}"
    );
}

fn real_account_wizard(h: &Harness) {
    let token = xano_sim::DEMO_TOKEN;
    assert_eq!(
        h.err(
            "wizard_check_token",
            json!({"token": "wrong-token", "instanceUrl": null})
        )["code"],
        "XanoAuthInvalid"
    );
    let check = h.ok(
        "wizard_check_token",
        json!({"token": token, "instanceUrl": null}),
    );
    assert!(
        check["owner"]["email"]
            .as_str()
            .is_some_and(|e| e.contains('@')),
        "{check}"
    );
    let instances = match h.call(
        "wizard_instances",
        json!({"token": token, "typedUrl": null}),
    ) {
        Ok(list) => list,
        // A double that cannot list instances answers like a self-hosted host: type the address.
        Err(e) => {
            assert_eq!(e["code"], "NoInstanceFound", "{e}");
            h.ok(
                "wizard_instances",
                json!({"token": token, "typedUrl": h.sim_meta}),
            )
        }
    };
    let instance = instances[0]["metaApi"]
        .as_str()
        .expect("meta api")
        .to_owned();
    assert_eq!(
        h.err(
            "wizard_instances",
            json!({"token": token, "typedUrl": "ftp://nope"})
        )["code"],
        "InvalidInstanceUrl"
    );
    let workspaces = h.ok(
        "wizard_workspaces",
        json!({"instanceUrl": instance, "token": token}),
    );
    assert!(!workspaces.as_array().expect("workspaces").is_empty());
    let account = h.ok(
        "wizard_save_account",
        json!({"input": {"profileName": "work", "instanceUrl": instance, "instanceDisplay": "Test instance", "token": token, "defaultWorkspace": 1}}),
    );
    assert_eq!(account["backend"], "xano");
    assert_eq!(account["server"]["state"], "running");
    let settings = h.ok("settings_get", json!({}));
    assert_eq!(settings["activeProfile"], "work");
    assert_eq!(settings["profiles"][0]["displayName"], "Test instance");
    assert!(
        settings["dataFolder"]
            .as_str()
            .is_some_and(|d| d.ends_with("engine"))
    );
    assert_eq!(
        h.ok("profiles_use", json!({"name": "work"}))["activeProfile"],
        "work"
    );
    assert_eq!(
        h.err("profiles_use", json!({"name": "nope"}))["code"],
        "ProfileNotFound"
    );
    let after = h.ok("profiles_remove", json!({"name": "work"}));
    assert!(after["profiles"].as_array().is_some_and(|p| p.is_empty()));
    assert_eq!(h.ok("server_status", json!({}))["state"], "not_configured");
    assert_eq!(
        h.err("wizard_live_check", json!({}))["code"],
        "ServerNotRunning"
    );
}

fn settings_prefs_and_autostart(h: &Harness) {
    let view = h.ok("settings_get", json!({}));
    let mut settings = view["settings"].clone();
    settings["port"] = json!(80);
    let err = h.err("settings_update", json!({"settings": settings}));
    assert_eq!(err["code"], "InvalidInput");
    assert_eq!(err["field"], "port");
    settings["port"] = json!(0);
    settings["outputCapKb"] = json!(64);
    settings["approvalTimeoutSecs"] = json!(30);
    let saved = h.ok("settings_update", json!({"settings": settings}));
    assert_eq!(saved["settings"]["outputCapKb"], 64);
    assert_eq!(h.ok("prefs_get", json!({}))["theme"], "system");
    h.ok(
        "prefs_set",
        json!({"prefs": {"theme": "dark", "notifyApprovals": false}}),
    );
    assert_eq!(h.ok("prefs_get", json!({}))["theme"], "dark");
    assert_eq!(h.ok("autostart_get", json!({})), json!(false));
    assert_eq!(h.ok("autostart_set", json!({"enabled": true})), json!(true));
    assert_eq!(h.ok("autostart_get", json!({})), json!(true));
    // Without a tray (the stand-in's case) the window is not hidden, and the UI is told so;
    // the real hide is driven in the real-app e2e.
    assert_eq!(h.ok("window_hide", json!({})), json!(false));
}

/// The History page's commands over the demo: our playground call shows in the timeline, its
/// detail is masked, the export is a file in the exports folder, the sync state answers.
fn history_page(h: &Harness) {
    let status = h.ok("history_sync_status", json!({}));
    assert_eq!(status["retentionDays"], 30);
    h.ok("wizard_start_demo", json!({}));
    h.ok(
        "playground_run",
        json!({"tool": "listWorkspaces", "args": {}}),
    );
    let query = json!({"source": "mcp", "sort": "newest"});
    let page = h.ok(
        "history_search",
        json!({"query": query, "offset": 0, "limit": 50}),
    );
    assert_eq!(page["total"], 1, "{page}");
    let row = &page["rows"][0];
    assert_eq!(row["verb"], "MCP");
    assert_eq!(row["uri"], "listWorkspaces");
    let detail = h.ok(
        "history_detail",
        json!({"row": {"source": "mcp", "id": row["id"], "workspaceId": null, "branch": null}}),
    );
    assert_eq!(detail["row"]["key"], row["key"]);
    assert!(detail["curl"].is_null());
    let gone = h.err(
        "history_detail",
        json!({"row": {"source": "xano", "id": 1, "workspaceId": 1, "branch": null}}),
    );
    assert_eq!(gone["code"], "InvalidInput");
    let charts = h.ok("history_charts", json!({"query": query}));
    assert_eq!(charts["total"], 1);
    let export = h.ok("history_export", json!({"query": query, "format": "csv"}));
    assert_eq!(export["rows"], 1);
    let text = std::fs::read_to_string(export["path"].as_str().expect("path")).expect("file");
    assert!(text.contains("listWorkspaces"), "{text}");
    let bad = h.err(
        "history_search",
        json!({"query": {"statusClasses": ["6xx"]}, "offset": 0, "limit": 10}),
    );
    assert!(bad.is_string() || bad.is_object(), "{bad}");
    let now = h.ok("history_sync_now", json!({}));
    assert!(now["workspaces"].is_array());
}

fn a_taken_port_is_a_state(seen: &Arc<Mutex<BTreeSet<String>>>) {
    let taken = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let h = Harness::new(seen, port);
    let account = h.ok("wizard_start_demo", json!({}));
    assert_eq!(account["server"]["state"], "port_in_use", "{account}");
    assert_eq!(account["server"]["error"]["code"], "PortInUse");
    assert_eq!(account["server"]["error"]["port"], port);
    let message = account["server"]["error"]["message"]
        .as_str()
        .expect("message");
    assert!(message.contains("Settings"), "says what to do: {message}");
    assert_eq!(h.ok("server_restart", json!({}))["state"], "port_in_use");
    drop(taken);
    assert_eq!(h.ok("server_restart", json!({}))["state"], "running");
}
