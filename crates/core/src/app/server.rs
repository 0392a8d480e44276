//! The embedded MCP server: started with the app on the configured port, over the backend the
//! user chose (the built-in demo, or their Xano account), with local-token auth, the grant policy,
//! approvals and the app's call log. Restarted when the backend, the port or the output cap
//! changes; stopped when the app quits.
//!
//! A taken port is a state, not a crash: [`ServerState::PortInUse`] with who holds it and what to
//! do, and everything else in the app keeps working.

use super::error::{AppError, AppResult};
use super::{AppEvent, AppState, lock};
use mcp::http::{self, Authenticator, HttpError, RunningHttp};
use mcp::policy::{AuditSink, GrantHook};
use mcp::{Engine, EngineOptions};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use xano::{MetaBase, XanoClient, XanoToken};

/// What the server is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ServerState {
    /// Serving on `url`.
    Running,
    /// Nothing to serve yet: run the setup (or the demo).
    NotConfigured,
    /// The port is taken; see `error`.
    PortInUse,
    /// The backend could not be reached or the server could not start; see `error`.
    Failed,
    /// Stopped on purpose (quitting).
    Stopped,
}

/// Which backend the tools talk to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum BackendKind {
    None,
    /// The built-in Xano double with sample data.
    Demo,
    /// The user's Xano instance.
    Xano,
}

/// The server's state as the dashboard shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ServerStatus {
    pub state: ServerState,
    /// The port in use, or the one configured when not running.
    pub port: u16,
    /// `http://127.0.0.1:<port>/mcp` while running.
    pub url: Option<String>,
    pub backend: BackendKind,
    /// What the backend is, in words: "Demo data (built in)" or the instance's name and host.
    pub backend_label: Option<String>,
    /// Why it is not running, with what to do.
    pub error: Option<AppError>,
}

impl ServerStatus {
    pub(crate) fn not_configured(port: u16) -> Self {
        Self {
            state: ServerState::NotConfigured,
            port,
            url: None,
            backend: BackendKind::None,
            backend_label: None,
            error: None,
        }
    }
}

/// The backend and the server over it.
#[derive(Debug, Default)]
pub(crate) struct Backend {
    pub(crate) kind: Option<BackendKind>,
    pub(crate) label: Option<String>,
    pub(crate) sim: Option<xano_sim::XanoSim>,
    pub(crate) engine: Option<Arc<Engine>>,
    pub(crate) server: Option<RunningHttp>,
    /// The branch the active profile names (`None`: the live branch); the history sync copies
    /// it beside the live branch, and the history tools read its copy.
    pub(crate) branch: Option<String>,
}

/// The state now.
pub fn status(app: &AppState) -> ServerStatus {
    lock(&app.status).clone()
}

/// Starts the backend the settings name (the demo, or the active profile) and the server. Called
/// once when the app starts; never fails: problems become the status.
pub async fn start(app: &Arc<AppState>) -> ServerStatus {
    app.forward_approvals();
    let demo = app.settings().demo_mode;
    match switch_backend(app, demo).await {
        Ok(status) => status,
        Err(err) => set_status(
            app,
            ServerStatus {
                state: match err {
                    AppError::NotSignedIn { .. } => ServerState::NotConfigured,
                    _ => ServerState::Failed,
                },
                port: app.settings().port,
                url: None,
                backend: BackendKind::None,
                backend_label: None,
                error: match err {
                    AppError::NotSignedIn { .. } => None,
                    other => Some(other),
                },
            },
        ),
    }
}

/// Restarts the server over the current backend (after a port change, or to retry a taken port).
pub async fn restart(app: &Arc<AppState>) -> AppResult<ServerStatus> {
    app.forward_approvals();
    let mut backend = app.backend.lock().await;
    if backend.engine.is_none() {
        drop(backend);
        return Ok(start(app).await);
    }
    Ok(serve(app, &mut backend).await)
}

/// Stops the history sync, the server and the demo backend (quitting).
pub async fn stop(app: &AppState) -> ServerStatus {
    super::history::stop_sync_job(app).await;
    let mut backend = app.backend.lock().await;
    if let Some(server) = backend.server.take() {
        server.shutdown().await;
    }
    if let Some(sim) = backend.sim.take() {
        sim.shutdown().await;
    }
    backend.engine = None;
    app.calls.flush();
    let port = app.settings().port;
    set_status(
        app,
        ServerStatus {
            state: ServerState::Stopped,
            port,
            url: None,
            backend: backend.kind.unwrap_or(BackendKind::None),
            backend_label: backend.label.clone(),
            error: None,
        },
    )
}

/// Replaces the backend (demo or the active profile) and restarts the server over it.
pub(crate) async fn switch_backend(app: &Arc<AppState>, demo: bool) -> AppResult<ServerStatus> {
    app.forward_approvals();
    let mut backend = app.backend.lock().await;
    if let Some(server) = backend.server.take() {
        server.shutdown().await;
    }
    if let Some(sim) = backend.sim.take() {
        sim.shutdown().await;
    }
    backend.engine = None;
    backend.kind = None;
    backend.label = None;
    backend.branch = None;
    let options = engine_options(app);
    if demo {
        let sim = xano_sim::XanoSim::start(xano_sim::SimConfig::demo())
            .await
            .map_err(|e| AppError::internal(format!("The built-in demo backend could not start: {e}. Restart the app; if it happens again, report it.")))?;
        // The demo runs for as long as the app: do not keep every request in memory.
        sim.set_record_limit(0);
        let client = XanoClient::new(
            MetaBase::parse(&sim.meta_url())?,
            XanoToken::new(xano_sim::DEMO_TOKEN),
        )?;
        backend.engine = Some(Arc::new(with_history(
            app,
            Engine::new(client, options),
            None,
        )));
        backend.sim = Some(sim);
        backend.kind = Some(BackendKind::Demo);
        backend.label = Some("Demo data (built in, no Xano account)".to_owned());
    } else {
        let access = crate::connect(&app.setup, None).await?;
        let mut client = XanoClient::new(access.instance.clone(), access.token().clone())?;
        if let Some(p) = &access.profile {
            client = client
                .with_branch(p.branch.clone())
                .with_data_source(p.data_source.clone());
        }
        backend.label = Some(match &access.profile {
            Some(p) if p.display_name != p.name => {
                format!("{} ({})", p.display_name, access.instance.host())
            }
            _ => access.instance.host().to_owned(),
        });
        backend.branch = access
            .profile
            .as_ref()
            .and_then(|p| p.branch.as_deref())
            .map(str::trim)
            .filter(|b| !b.is_empty())
            .map(str::to_owned);
        let engine = Engine::new(client, options);
        backend.engine = Some(Arc::new(with_history(app, engine, backend.branch.clone())));
        backend.kind = Some(BackendKind::Xano);
    }
    let status = serve(app, &mut backend).await;
    // A new backend has its own history: sync it now.
    app.sync.wake();
    Ok(status)
}

/// The engine with the synced request history of `branch` (the history tools read it when it
/// holds the asked window; the app's sync job keeps it current).
fn with_history(app: &AppState, engine: Engine, branch: Option<String>) -> Engine {
    match &app.history {
        Some(store) => engine.with_history(Arc::new(crate::synced::SyncedHistory::new(
            store.clone(),
            branch,
        ))),
        None => engine,
    }
}

fn engine_options(app: &AppState) -> EngineOptions {
    EngineOptions {
        output_cap_bytes: app.settings().output_cap_bytes(),
        ..EngineOptions::default()
    }
}

/// The engine the tools run on, for the playground and the live check.
pub(crate) async fn engine(app: &AppState) -> AppResult<Arc<Engine>> {
    app.backend.lock().await.engine.clone().ok_or_else(|| AppError::NotSignedIn {
        message: "Nothing is connected yet. Run the setup (Setup in the menu) with your Xano token, or try the demo.".to_owned(),
    })
}

/// (Re)starts the HTTP server over the backend's engine and records the outcome.
async fn serve(app: &Arc<AppState>, backend: &mut Backend) -> ServerStatus {
    if let Some(server) = backend.server.take() {
        server.shutdown().await;
    }
    let port = app.settings().port;
    let kind = backend.kind.unwrap_or(BackendKind::None);
    let label = backend.label.clone();
    let Some(engine) = backend.engine.clone() else {
        return set_status(app, ServerStatus::not_configured(port));
    };
    let audit: Arc<dyn AuditSink> = app.calls.clone();
    let hook = Arc::new(
        GrantHook::for_http(app.tokens.clone(), engine.clone(), Some(audit))
            .with_approvals(app.approvals.clone()),
    );
    let auth: Arc<dyn Authenticator> = app.tokens.clone();
    let status = match http::serve(engine, port, auth, move || hook.clone()).await {
        Ok(running) => {
            let status = ServerStatus {
                state: ServerState::Running,
                port: running.addr.port(),
                url: Some(running.url()),
                backend: kind,
                backend_label: label,
                error: None,
            };
            backend.server = Some(running);
            status
        }
        Err(HttpError::PortInUse { port }) => {
            let ours = crate::port_status(port).await == crate::PortStatus::XanoMcp;
            let message = if ours {
                format!(
                    "Port {port} is already used by another Xano MCP server (the `xano-mcp` command, or another copy of this app). Stop that one, or pick another port in Settings and press Restart."
                )
            } else {
                format!(
                    "Port {port} on this computer is already used by another program, so the MCP server could not start. Pick another port in Settings (for example {}), or close that program, then press Restart.",
                    port.saturating_add(1)
                )
            };
            ServerStatus {
                state: ServerState::PortInUse,
                port,
                url: None,
                backend: kind,
                backend_label: label,
                error: Some(AppError::PortInUse {
                    port,
                    held_by_xano_mcp: ours,
                    message,
                }),
            }
        }
        Err(err) => ServerStatus {
            state: ServerState::Failed,
            port,
            url: None,
            backend: kind,
            backend_label: label,
            error: Some(AppError::internal(format!(
                "The MCP server could not start: {err}. Pick another port in Settings and press Restart."
            ))),
        },
    };
    set_status(app, status)
}

fn set_status(app: &AppState, status: ServerStatus) -> ServerStatus {
    *lock(&app.status) = status.clone();
    app.emit(AppEvent::Server(status.clone()));
    status
}
