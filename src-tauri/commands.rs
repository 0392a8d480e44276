//! The one list of typed commands and events the UI may call. `ui/src/bindings.ts` is generated from
//! it by the `bindings_are_current` test; CI fails when the committed file drifts.
//!
//! Every command is a one-line adapter: it unwraps its arguments and calls one function of
//! `core_api::app` (or the shell's preference store). Errors are one [`AppError`] with a
//! closed set of codes.

use crate::events::{
    ApprovalRequested, ApprovalResolved, CallRecorded, HistorySyncChanged, ServerChanged,
};
use crate::shell::Shell;
use core_api::app::approvals::{ApprovalView, Decision};
use core_api::app::client_configs::{self, ApplyView, ClientView, PlanInput, PlanView};
use core_api::app::dashboard::{self, DashboardView};
use core_api::app::history::{
    self, ExportFormat, ExportView, HistoryChartsView, HistoryDetailView, HistoryPageView,
    HistoryQuery, HistoryRowRef, HistorySyncView,
};
use core_api::app::live_check::{self, LiveCheckView};
use core_api::app::playground::{self, PreviewView, RunView, ToolInfo};
use core_api::app::settings::{self, SettingsView};
use core_api::app::tokens::{self, CreatedToken, NewTokenInput, TokenUpdateInput, TokenView};
use core_api::app::wizard::{
    self, AccessLevelView, AccountView, InstanceView, SaveAccountInput, TokenCheckView,
    WorkspaceView,
};
use core_api::app::{
    AppError, AppState, EngineSettings, ServerStatus, UiPrefs, approvals, blocking, server,
};
use serde::Serialize;
use serde_json::Value;
use specta::Type;
use std::sync::Arc;
use tauri::State;
use tauri_specta::{Builder, collect_commands, collect_events};

type App<'a> = State<'a, Arc<AppState>>;
type Res<T> = Result<T, AppError>;

/// What the UI shows in its footer and about box.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub name: String,
    pub version: String,
}

/// Name and version of the running app.
#[tauri::command]
#[specta::specta]
pub fn app_info() -> AppInfo {
    AppInfo {
        name: "Xano MCP Desktop".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    }
}

/// The MCP server's state.
#[tauri::command]
#[specta::specta]
pub fn server_status(app: App<'_>) -> ServerStatus {
    server::status(&app)
}

/// Restarts the MCP server (after freeing or changing the port).
#[tauri::command]
#[specta::specta]
pub async fn server_restart(app: App<'_>) -> Res<ServerStatus> {
    server::restart(&app).await
}

/// Wizard: use the built-in demo backend.
#[tauri::command]
#[specta::specta]
pub async fn wizard_start_demo(app: App<'_>) -> Res<AccountView> {
    wizard::start_demo(&app).await
}

/// Wizard: check a pasted Xano token (on the instance when given).
#[tauri::command]
#[specta::specta]
pub async fn wizard_check_token(
    app: App<'_>,
    token: String,
    instance_url: Option<String>,
) -> Res<TokenCheckView> {
    wizard::check_token(&app, &token, instance_url.as_deref()).await
}

/// Wizard: the token's instances, or the typed one.
#[tauri::command]
#[specta::specta]
pub async fn wizard_instances(
    app: App<'_>,
    token: String,
    typed_url: Option<String>,
) -> Res<Vec<InstanceView>> {
    wizard::instances(&app, &token, typed_url.as_deref()).await
}

/// Wizard: an instance's workspaces.
#[tauri::command]
#[specta::specta]
pub async fn wizard_workspaces(
    app: App<'_>,
    instance_url: String,
    token: String,
) -> Res<Vec<WorkspaceView>> {
    wizard::workspaces(&app, &instance_url, &token).await
}

/// Wizard: save the account (token to the keychain) and serve it.
#[tauri::command]
#[specta::specta]
pub async fn wizard_save_account(app: App<'_>, input: SaveAccountInput) -> Res<AccountView> {
    wizard::save_account(&app, input).await
}

/// Wizard: the access levels in plain words.
#[tauri::command]
#[specta::specta]
pub fn wizard_access_levels() -> Vec<AccessLevelView> {
    wizard::access_levels()
}

/// Wizard: one real call through the running server.
#[tauri::command]
#[specta::specta]
pub async fn wizard_live_check(app: App<'_>) -> Res<LiveCheckView> {
    live_check::live_check(&app).await
}

/// Wizard: done.
#[tauri::command]
#[specta::specta]
pub fn wizard_finish(app: App<'_>) -> Res<EngineSettings> {
    wizard::finish(&app)
}

/// The workspaces of the connected backend.
#[tauri::command]
#[specta::specta]
pub async fn workspaces_list(app: App<'_>) -> Res<Vec<WorkspaceView>> {
    wizard::current_workspaces(&app).await
}

/// The dashboard.
#[tauri::command]
#[specta::specta]
pub async fn dashboard_get(app: App<'_>) -> Res<DashboardView> {
    blocking(&app, dashboard::dashboard).await
}

/// Access tokens, newest first.
#[tauri::command]
#[specta::specta]
pub fn tokens_list(app: App<'_>) -> Res<Vec<TokenView>> {
    tokens::list(&app)
}

/// Creates an access token (its secret is in the answer, once).
#[tauri::command]
#[specta::specta]
pub async fn tokens_create(app: App<'_>, input: NewTokenInput) -> Res<CreatedToken> {
    tokens::create(&app, input).await
}

/// Changes what an access token may do (same secret; applies from the client's next call).
#[tauri::command]
#[specta::specta]
pub fn tokens_update(app: App<'_>, input: TokenUpdateInput) -> Res<TokenView> {
    tokens::update(&app, input)
}

/// Revokes an access token.
#[tauri::command]
#[specta::specta]
pub async fn tokens_revoke(app: App<'_>, name: String) -> Res<TokenView> {
    tokens::revoke(&app, &name).await
}

/// AI clients and their state, for the user's settings or one project folder.
#[tauri::command]
#[specta::specta]
pub async fn clients_list(app: App<'_>, project: Option<String>) -> Res<Vec<ClientView>> {
    client_configs::list(&app, project).await
}

/// Plans client config changes (diffs, nothing written).
#[tauri::command]
#[specta::specta]
pub async fn clients_plan(app: App<'_>, input: PlanInput) -> Res<Vec<PlanView>> {
    client_configs::plan(&app, input).await
}

/// Applies planned client config changes.
#[tauri::command]
#[specta::specta]
pub async fn clients_apply(app: App<'_>, ids: Vec<u32>) -> Res<Vec<ApplyView>> {
    client_configs::apply(&app, ids).await
}

/// Every tool with its input schema.
#[tauri::command]
#[specta::specta]
pub fn playground_tools() -> Vec<ToolInfo> {
    playground::tools()
}

/// Previews a tool call (nothing changes).
#[tauri::command]
#[specta::specta]
pub async fn playground_preview(app: App<'_>, tool: String, args: Value) -> Res<PreviewView> {
    playground::preview(&app, &tool, args).await
}

/// Runs a tool call and records it.
#[tauri::command]
#[specta::specta]
pub async fn playground_run(app: App<'_>, tool: String, args: Value) -> Res<RunView> {
    playground::run(&app, &tool, args).await
}

/// Calls waiting for approval.
#[tauri::command]
#[specta::specta]
pub fn approvals_pending(app: App<'_>) -> Vec<ApprovalView> {
    approvals::pending(&app)
}

/// Approves or denies a waiting call.
#[tauri::command]
#[specta::specta]
pub fn approvals_decide(app: App<'_>, id: u32, decision: Decision) -> Res<Vec<ApprovalView>> {
    approvals::decide(&app, id, decision)
}

/// The settings page.
#[tauri::command]
#[specta::specta]
pub fn settings_get(app: App<'_>) -> Res<SettingsView> {
    settings::view(&app)
}

/// Saves the engine settings (restarts the server when needed).
#[tauri::command]
#[specta::specta]
pub async fn settings_update(app: App<'_>, settings: EngineSettings) -> Res<SettingsView> {
    settings::update(&app, settings).await
}

/// Makes a saved Xano account the active one.
#[tauri::command]
#[specta::specta]
pub async fn profiles_use(app: App<'_>, name: String) -> Res<SettingsView> {
    settings::use_profile(&app, &name).await
}

/// Signs out of a saved Xano account.
#[tauri::command]
#[specta::specta]
pub async fn profiles_remove(app: App<'_>, name: String) -> Res<SettingsView> {
    settings::remove_profile(&app, &name).await
}

/// The UI preferences.
#[tauri::command]
#[specta::specta]
pub fn prefs_get(shell: State<'_, Shell>) -> Res<UiPrefs> {
    shell.prefs.load()
}

/// Saves the UI preferences.
#[tauri::command]
#[specta::specta]
pub fn prefs_set(shell: State<'_, Shell>, prefs: UiPrefs) -> Res<UiPrefs> {
    shell.prefs.save(&prefs).map(|()| prefs)
}

/// Hides the window to the tray icon (the MCP server keeps running); `false` when this desktop
/// has no tray to bring it back from, and the window stays.
#[tauri::command]
#[specta::specta]
pub fn window_hide(shell: State<'_, Shell>) -> bool {
    shell.window.hide_to_tray()
}

/// Asks the user for a project folder with the system's picker; `None` when they cancel. Runs
/// off the main thread (the picker waits for the user).
#[tauri::command]
#[specta::specta]
pub async fn pick_folder(shell: State<'_, Shell>) -> Res<Option<String>> {
    let folders = shell.folders.clone();
    tauri::async_runtime::spawn_blocking(move || folders.pick_folder("Choose the project folder"))
        .await
        .map(|p| p.map(|p| p.display().to_string()))
        .map_err(|e| AppError::Internal {
            message: format!(
                "The folder picker failed ({e}); type the folder's full path instead."
            ),
        })
}

/// Whether the app starts at login.
#[tauri::command]
#[specta::specta]
pub fn autostart_get(shell: State<'_, Shell>) -> Res<bool> {
    shell.login.is_enabled()
}

/// Turns start-at-login on or off.
#[tauri::command]
#[specta::specta]
pub fn autostart_set(shell: State<'_, Shell>, enabled: bool) -> Res<bool> {
    shell.login.set_enabled(enabled).map(|()| enabled)
}

/// One page of the history table (rows `offset..offset + limit`).
#[tauri::command]
#[specta::specta]
pub async fn history_search(
    app: App<'_>,
    query: HistoryQuery,
    offset: u32,
    limit: u32,
) -> Res<HistoryPageView> {
    blocking(&app, move |app| history::search(app, &query, offset, limit)).await
}

/// The detail pane of one history row (masked, with a cURL line without secrets).
#[tauri::command]
#[specta::specta]
pub async fn history_detail(app: App<'_>, row: HistoryRowRef) -> Res<HistoryDetailView> {
    blocking(&app, move |app| history::detail(app, &row)).await
}

/// The history charts of the filtered rows.
#[tauri::command]
#[specta::specta]
pub async fn history_charts(app: App<'_>, query: HistoryQuery) -> Res<HistoryChartsView> {
    blocking(&app, move |app| history::charts(app, &query)).await
}

/// Exports the filtered history rows to a file in the Downloads folder.
#[tauri::command]
#[specta::specta]
pub async fn history_export(
    app: App<'_>,
    query: HistoryQuery,
    format: ExportFormat,
) -> Res<ExportView> {
    blocking(&app, move |app| history::export(app, &query, format)).await
}

/// The request-history sync of every workspace.
#[tauri::command]
#[specta::specta]
pub fn history_sync_status(app: App<'_>) -> Res<HistorySyncView> {
    history::sync_status(&app)
}

/// Syncs the request history now.
#[tauri::command]
#[specta::specta]
pub fn history_sync_now(app: App<'_>) -> Res<HistorySyncView> {
    history::sync_now(&app)
}

/// Every command, for any runtime (the app's and the tests' mock runtime).
macro_rules! all_commands {
    () => {
        collect_commands![
            app_info,
            server_status,
            server_restart,
            wizard_start_demo,
            wizard_check_token,
            wizard_instances,
            wizard_workspaces,
            wizard_save_account,
            wizard_access_levels,
            wizard_live_check,
            wizard_finish,
            workspaces_list,
            dashboard_get,
            tokens_list,
            tokens_create,
            tokens_update,
            tokens_revoke,
            clients_list,
            clients_plan,
            clients_apply,
            playground_tools,
            playground_preview,
            playground_run,
            approvals_pending,
            approvals_decide,
            settings_get,
            settings_update,
            profiles_use,
            profiles_remove,
            prefs_get,
            prefs_set,
            autostart_get,
            autostart_set,
            window_hide,
            pick_folder,
            history_search,
            history_detail,
            history_charts,
            history_export,
            history_sync_status,
            history_sync_now,
        ]
    };
}

/// The command and event registry of a runtime.
pub fn builder_for<R: tauri::Runtime>() -> Builder<R> {
    Builder::<R>::new()
        .commands(all_commands!())
        .events(collect_events![
            ServerChanged,
            CallRecorded,
            ApprovalRequested,
            ApprovalResolved,
            HistorySyncChanged
        ])
        // Ids and unix-millisecond times are i64; all of ours stay far below 2^53.
        .dangerously_cast_bigints_to_number()
        // One TypeScript type per Rust type (not separate `_Serialize`/`_Deserialize` shapes).
        .disable_serde_phases()
}

/// The command and event registry shared by the app and the bindings export.
pub fn specta_builder() -> Builder<tauri::Wry> {
    builder_for::<tauri::Wry>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use specta_typescript::Typescript;
    use std::path::PathBuf;

    fn committed_bindings() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ui/src/bindings.ts")
    }

    /// Regenerates the TypeScript bindings into a temp file and compares them with the committed
    /// ones. `UPDATE_BINDINGS=1 cargo test bindings` rewrites the committed file instead.
    #[test]
    fn bindings_are_current() {
        let dir = tempfile::tempdir().expect("temp dir");
        let fresh = dir.path().join("bindings.ts");
        specta_builder()
            .export(Typescript::default(), &fresh)
            .expect("export bindings");
        let fresh = std::fs::read_to_string(&fresh).expect("read fresh bindings");
        let committed_path = committed_bindings();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&committed_path, &fresh).expect("write bindings");
            return;
        }
        let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
        assert!(
            committed == fresh,
            "ui/src/bindings.ts is out of date: run `UPDATE_BINDINGS=1 cargo test -p xano-mcp-desktop bindings` and commit it"
        );
    }

    #[test]
    fn app_info_reports_our_version() {
        let info = app_info();
        assert_eq!(info.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(info.name, "Xano MCP Desktop");
    }
}
