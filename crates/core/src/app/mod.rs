//! The desktop app's use cases: one [`AppState`] (the context every app command gets) and plain
//! async functions over it, grouped by page. The Tauri shell calls them through one-line commands;
//! nothing here knows about Tauri (CI checks it).
//!
//! - [`server`]: the embedded MCP server's lifecycle (started with the app, restarted when the
//!   backend, port or output cap changes) and its [`ServerStatus`], including a taken port.
//! - [`wizard`]: demo backend, token check, instances, workspaces, saving the account, access
//!   levels in plain words.
//! - [`client_configs`]: AI client states, plans with diffs, apply/repair/remove.
//! - [`live_check`]: one real MCP call through the running server.
//! - [`history`]: the History page (synced Xano requests beside our calls) and its background
//!   sync job.
//! - [`tokens`], [`playground`], [`approvals`], [`dashboard`], [`settings`].
//!
//! Events for the UI (server state, new calls, approvals) go out on one broadcast channel
//! ([`AppState::subscribe`]); the shell forwards them as typed events.
//!
//! Invariants: the Xano token lives only in the keychain (or the environment); local tokens are
//! shown once, at creation, and otherwise kept only in the keychain (for stdio clients) and in
//! client config files the user asked us to write; every path comes from [`AppConfig`], so tests
//! run on a temp home with an in-memory vault.

pub mod approvals;
pub mod calls;
pub mod client_configs;
pub mod dashboard;
mod error;
pub mod history;
pub mod live_check;
pub mod playground;
pub mod server;
pub mod settings;
pub mod tokens;
pub mod wizard;

pub use calls::{CallLog, CallOutcome, CallView, XanoRequestView};
pub use error::{AppError, AppResult};
pub use server::{BackendKind, ServerState, ServerStatus};
pub use settings::{EngineSettings, Theme, UiPrefs};

use crate::{Headless, Paths, SetupContext};
use mcp::approval::ApprovalBroker;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::broadcast;
use vault::{TokenStore, Vault};
use xano::MetaBase;

/// Where everything is: built once by the shell (from the environment) or by a test (temp dirs).
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// The engine's files (`XANO_MCP_HOME`).
    pub paths: Paths,
    /// The Xano token and the local tokens of stdio clients.
    pub vault: Vault,
    /// Where AI client configs live.
    pub clients: clients::HomeLayout,
    /// The Xano account host (tests: the sim).
    pub account_base: MetaBase,
    /// `XANO_TOKEN` / `XANO_INSTANCE_URL`.
    pub headless: Headless,
    /// The `xano-mcp` binary Claude Desktop's stdio entry runs, when found.
    pub xano_mcp_binary: Option<PathBuf>,
    /// Where history exports are written: the user's Downloads folder, or `exports/` in the
    /// engine home when `XANO_MCP_HOME` is set (tests, demos) or there is no Downloads folder.
    pub exports_dir: PathBuf,
}

impl AppConfig {
    /// The real user's setup: `XANO_MCP_HOME` or the OS data dir, the OS keychain, the user's
    /// home for client configs, and the `xano-mcp` binary beside this executable or on `PATH`.
    pub fn from_env() -> AppResult<Self> {
        let paths = Paths::from_env().map_err(|e| AppError::storage(e.to_string()))?;
        let layout = clients::HomeLayout::from_env()?;
        let binary = find_xano_mcp(&layout);
        let exports_dir = if std::env::var_os(crate::paths::HOME_ENV).is_some() {
            None
        } else {
            directories::UserDirs::new().and_then(|d| d.download_dir().map(PathBuf::from))
        }
        .unwrap_or_else(|| paths.home().join("exports"));
        Ok(Self {
            exports_dir,
            paths,
            vault: Vault::os_keychain(),
            clients: layout,
            account_base: crate::account_base_from_env()?,
            headless: Headless::from_env(),
            xano_mcp_binary: binary,
        })
    }
}

/// `xano-mcp` beside the running executable (bundled app, cargo target dir), else on `PATH`.
fn find_xano_mcp(layout: &clients::HomeLayout) -> Option<PathBuf> {
    let name = if cfg!(windows) {
        "xano-mcp.exe"
    } else {
        "xano-mcp"
    };
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join(name)))
        .filter(|p| p.is_file())
        .or_else(|| layout.find_executable("xano-mcp"))
}

/// What the UI hears about as it happens.
#[derive(Debug, Clone)]
pub enum AppEvent {
    Server(ServerStatus),
    Call(CallView),
    ApprovalRequested(approvals::ApprovalView),
    ApprovalResolved {
        id: u32,
        outcome: String,
    },
    /// A workspace's history sync started, moved on a page, or ended.
    HistorySync(history::WorkspaceSyncView),
}

/// The context of every app use case. Cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct AppState {
    pub(crate) cfg: AppConfig,
    pub(crate) setup: SetupContext,
    pub(crate) tokens: Arc<TokenStore>,
    pub(crate) settings: Mutex<EngineSettings>,
    pub(crate) backend: tokio::sync::Mutex<server::Backend>,
    pub(crate) status: Mutex<ServerStatus>,
    pub(crate) events: broadcast::Sender<AppEvent>,
    pub(crate) calls: Arc<CallLog>,
    pub(crate) approvals: Arc<ApprovalBroker>,
    pub(crate) plans: Mutex<client_configs::PlanBook>,
    /// The history database (audit log and synced requests); `None` if it cannot be opened.
    pub(crate) history: Option<Arc<::history::HistoryStore>>,
    pub(crate) sync: history::SyncRunner,
    forwarding: AtomicBool,
}

impl AppState {
    /// Opens the token database and reads the settings; starts nothing (see [`server::start`]).
    pub fn open(cfg: AppConfig) -> AppResult<Arc<Self>> {
        cfg.paths.ensure().map_err(|e| {
            AppError::storage(format!(
                "Could not create the data folder {}: {e}. Set XANO_MCP_HOME to a folder you may write to.",
                cfg.paths.home().display()
            ))
        })?;
        let tokens = Arc::new(TokenStore::open(&cfg.paths.tokens_db())?);
        let settings = settings::load_settings(&cfg.paths)?;
        let setup = SetupContext::new(cfg.paths.clone(), cfg.vault.clone())
            .with_account_base(cfg.account_base.clone())
            .with_headless(cfg.headless.clone());
        let (events, _) = broadcast::channel(512);
        // The audit log is shared with the CLI; without it the app still runs (dashboard only).
        let store = match ::history::HistoryStore::open(&cfg.paths.history_db()) {
            Ok(store) => Some(Arc::new(store)),
            Err(e) => {
                tracing::error!("the audit log cannot be opened, calls are not kept: {e}");
                None
            }
        };
        let audit = store.clone().map(crate::audit::AuditWriter::start);
        let approvals = ApprovalBroker::new(Duration::from_secs(u64::from(
            settings.approval_timeout_secs,
        )));
        let status = ServerStatus::not_configured(settings.port);
        Ok(Arc::new(Self {
            calls: Arc::new(CallLog::new(events.clone(), audit)),
            cfg,
            setup,
            tokens,
            settings: Mutex::new(settings),
            backend: tokio::sync::Mutex::new(server::Backend::default()),
            status: Mutex::new(status),
            events,
            approvals,
            plans: Mutex::new(client_configs::PlanBook::default()),
            history: store,
            sync: history::SyncRunner::default(),
            forwarding: AtomicBool::new(false),
        }))
    }

    /// Events for the UI (server state, calls, approvals).
    pub fn subscribe(&self) -> broadcast::Receiver<AppEvent> {
        self.events.subscribe()
    }

    /// The engine's files.
    pub fn paths(&self) -> &Paths {
        &self.cfg.paths
    }

    /// The current settings.
    pub fn settings(&self) -> EngineSettings {
        lock(&self.settings).clone()
    }

    pub(crate) fn emit(&self, event: AppEvent) {
        let _ = self.events.send(event);
    }

    /// Turns the approval broker's events into app events (once; needs a Tokio runtime).
    pub(crate) fn forward_approvals(self: &Arc<Self>) {
        if self.forwarding.swap(true, Ordering::SeqCst) {
            return;
        }
        let mut rx = self.approvals.subscribe();
        let events = self.events.clone();
        tokio::spawn(async move {
            use mcp::approval::ApprovalEvent;
            loop {
                match rx.recv().await {
                    Ok(ApprovalEvent::Requested(r)) => {
                        let _ = events.send(AppEvent::ApprovalRequested(r.into()));
                    }
                    Ok(ApprovalEvent::Resolved { id, outcome }) => {
                        let _ = events.send(AppEvent::ApprovalResolved {
                            id: u32::try_from(id).unwrap_or(u32::MAX),
                            outcome,
                        });
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => break,
                }
            }
        });
    }
}

/// Runs `work` (a database read or file write that can take a while, e.g. a history export) on
/// a blocking worker thread, so the caller's thread (in the desktop app, the UI thread) keeps
/// answering meanwhile.
pub async fn blocking<T: Send + 'static>(
    app: &Arc<AppState>,
    work: impl FnOnce(&AppState) -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    let app = Arc::clone(app);
    tokio::task::spawn_blocking(move || work(&app))
        .await
        .unwrap_or_else(|e| {
            Err(AppError::internal(format!(
                "The request stopped before it finished ({e}). Try again; if it keeps failing, restart the app."
            )))
        })
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Unix milliseconds now.
pub(crate) fn now_ms() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis()),
    )
    .unwrap_or(i64::MAX)
}

/// A call as the app records it, for tests: `tool` at `at_ms`, by an AI app (`client`, with a
/// token of the same name) over HTTP, or by the app's playground when `client` is "Playground";
/// successful, with empty arguments. Tests change the fields they care about.
#[cfg(test)]
pub(crate) fn test_call(at_ms: i64, tool: &str, client: &str) -> mcp::policy::AuditEvent {
    let playground = client == "Playground";
    mcp::policy::AuditEvent {
        at_ms,
        token_name: (!playground).then(|| client.to_owned()),
        client_name: Some(client.to_owned()),
        client_version: None,
        transport: if playground { "app" } else { "http" },
        workspace_id: None,
        tool: tool.to_owned(),
        arguments: serde_json::json!({}),
        dry_run: false,
        error: None,
        denied: false,
        xano_calls: Vec::new(),
        rows_affected: None,
        duration_ms: 1,
    }
}

/// The app on a temp dir for tests: the engine home, Downloads and the user home under `dir`, an
/// in-memory keychain, an account host nobody listens on; `settings`, when given, saved first.
#[cfg(test)]
pub(crate) fn test_app(dir: &std::path::Path, settings: Option<EngineSettings>) -> Arc<AppState> {
    let paths = Paths::at(dir.join("engine"));
    if let Some(s) = settings {
        settings::save_settings(&paths, &s).expect("settings");
    }
    AppState::open(AppConfig {
        exports_dir: dir.join("downloads"),
        paths,
        vault: Vault::in_memory().0,
        clients: clients::HomeLayout::for_test(clients::Os::Linux, dir.join("home")),
        account_base: MetaBase::parse("http://127.0.0.1:9/api:meta").expect("base"),
        headless: Headless::none(),
        xano_mcp_binary: None,
    })
    .expect("app")
}
