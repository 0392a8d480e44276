//! Server variants for the breakdown ("where does the time go"): the same tool surface as
//! `xano-mcp serve`, with one layer removed or one setting changed at a time, each run as a child
//! process of this bench binary (`bench __serve-variant ...`) so it is measured exactly like the
//! real server (its own process, its own `/proc` CPU and memory).
//!
//! These are measuring instruments for proposed engine changes, not alternative servers: the
//! product is `xano-mcp`.

use anyhow::{Context, Result};
use axum::serve::ListenerExt as _;
use mcp::http::{Authenticator, FixedToken, require_bearer};
use mcp::policy::{AuditSink, Caller, GrantHook};
use mcp::{CallHook, Engine, EngineOptions, NoHook, XanoMcpServer};
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use xano::{MetaBase, XanoClient, XanoToken};

/// What a variant keeps of the real server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Variant {
    /// The composition of `xano-mcp serve` (token database, grant policy, audit log), built here.
    Full,
    /// `Full` with rmcp's completed-request replay cache kept 0 s instead of 60 s.
    FullNoReplayCache,
    /// `Full` with idle sessions dropped after 15 s instead of rmcp's 300 s.
    FullShortIdle,
    /// Token database auth + grant policy, no audit log.
    NoAudit,
    /// Token database auth only (no policy hook, no audit).
    AuthOnly,
    /// A fixed in-memory token, no policy, no audit: transport + tools only.
    Bare,
}

impl Variant {
    pub fn label(self) -> &'static str {
        match self {
            Variant::Full => "same as xano-mcp serve, built in bench",
            Variant::FullNoReplayCache => "xano-mcp serve + replay cache 0 s",
            Variant::FullShortIdle => "xano-mcp serve + session idle timeout 15 s",
            Variant::NoAudit => "no audit (token DB + policy)",
            Variant::AuthOnly => "token DB auth only",
            Variant::Bare => "bare (fixed token, no policy/audit)",
        }
    }

    /// Whether the variant keeps the audit log (as `xano-mcp serve` does).
    pub fn has_audit(self) -> bool {
        matches!(
            self,
            Variant::Full | Variant::FullNoReplayCache | Variant::FullShortIdle
        )
    }

    pub fn arg(self) -> &'static str {
        match self {
            Variant::Full => "full",
            Variant::FullNoReplayCache => "full-no-replay-cache",
            Variant::FullShortIdle => "full-short-idle",
            Variant::NoAudit => "no-audit",
            Variant::AuthOnly => "auth-only",
            Variant::Bare => "bare",
        }
    }
}

/// The environment variable carrying the fixed token of the bare variants.
pub const FIXED_TOKEN_ENV: &str = "BENCH_FIXED_TOKEN";

/// Runs a variant until SIGINT; prints `URL: ...` when listening.
pub async fn serve_variant(variant: Variant, sim_url: &str, home: &Path) -> Result<()> {
    let client = XanoClient::new(
        MetaBase::parse(sim_url)?,
        XanoToken::new(xano_sim::DEMO_TOKEN),
    )?;
    let engine = Arc::new(Engine::new(client, EngineOptions::default()));
    let stop = CancellationToken::new();
    let mut audit_writer = None;
    let (addr, task) = match variant {
        Variant::Full | Variant::FullNoReplayCache | Variant::FullShortIdle => {
            let tokens = Arc::new(
                vault::TokenStore::open(&home.join("tokens.sqlite3"))
                    .context("open the token database")?,
            );
            let store = history::HistoryStore::open(&home.join("history.sqlite3"))
                .context("open the audit log")?;
            let audit = core_api::audit::AuditWriter::start(Arc::new(store));
            audit_writer = Some(audit.clone());
            let hook = Arc::new(GrantHook::for_http(
                tokens.clone(),
                engine.clone(),
                Some(audit as Arc<dyn AuditSink>),
            ));
            let auth: Arc<dyn Authenticator> = tokens;
            let sessions = Sessions {
                completed_cache_ttl: (variant == Variant::FullNoReplayCache)
                    .then_some(Duration::ZERO),
                keep_alive: (variant == Variant::FullShortIdle).then_some(Duration::from_secs(15)),
            };
            start(engine, auth, move || hook.clone(), sessions, stop.clone()).await?
        }
        Variant::NoAudit | Variant::AuthOnly => {
            let tokens = Arc::new(
                vault::TokenStore::open(&home.join("tokens.sqlite3"))
                    .context("open the token database")?,
            );
            let auth: Arc<dyn Authenticator> = tokens.clone();
            if variant == Variant::NoAudit {
                let hook = Arc::new(GrantHook::for_http(
                    tokens,
                    engine.clone(),
                    None::<Arc<dyn AuditSink>>,
                ));
                start(
                    engine,
                    auth,
                    move || hook.clone(),
                    Sessions::default(),
                    stop.clone(),
                )
                .await?
            } else {
                start(
                    engine,
                    auth,
                    || Arc::new(NoHook),
                    Sessions::default(),
                    stop.clone(),
                )
                .await?
            }
        }
        Variant::Bare => {
            let token = std::env::var(FIXED_TOKEN_ENV)
                .ok()
                .filter(|t| !t.is_empty())
                .context("BENCH_FIXED_TOKEN is not set")?;
            let auth: Arc<dyn Authenticator> = Arc::new(FixedToken {
                token,
                caller: Caller { token_id: 1 },
            });
            start(
                engine,
                auth,
                || Arc::new(NoHook),
                Sessions::default(),
                stop.clone(),
            )
            .await?
        }
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "URL: http://{addr}/mcp")?;
    out.flush()?;
    drop(out);
    tokio::signal::ctrl_c().await.ok();
    stop.cancel();
    let _ = task.await;
    // As `xano-mcp serve` does: store every queued audit record before exiting.
    if let Some(audit) = audit_writer {
        audit.close();
    }
    Ok(())
}

/// rmcp session settings a variant changes (`None` = rmcp's default).
#[derive(Debug, Clone, Copy, Default)]
struct Sessions {
    completed_cache_ttl: Option<Duration>,
    keep_alive: Option<Duration>,
}

/// `mcp::http::serve`'s composition (loopback, Origin validation, body cap, bearer check,
/// TCP_NODELAY) with rmcp's session settings as knobs.
async fn start<H: CallHook>(
    engine: Arc<Engine>,
    auth: Arc<dyn Authenticator>,
    make_hook: impl Fn() -> Arc<H> + Send + Sync + 'static,
    settings: Sessions,
    stop: CancellationToken,
) -> Result<(std::net::SocketAddr, tokio::task::JoinHandle<()>)> {
    let mut sessions = LocalSessionManager::default();
    if let Some(ttl) = settings.completed_cache_ttl {
        sessions.session_config.completed_cache_ttl = ttl;
    }
    if let Some(idle) = settings.keep_alive {
        sessions.session_config.keep_alive = Some(idle);
    }
    let config = StreamableHttpServerConfig::default()
        .enforce_origin_validation()
        .with_max_request_body_bytes(mcp::http::MAX_BODY_BYTES)
        .with_cancellation_token(stop.child_token());
    let service = StreamableHttpService::new(
        move || Ok(XanoMcpServer::with_hook(engine.clone(), make_hook())),
        Arc::new(sessions),
        config,
    );
    let app = axum::Router::new()
        .nest_service("/mcp", service)
        .layer(axum::middleware::from_fn_with_state(auth, require_bearer));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async move { stop.cancelled().await })
            .await;
    });
    Ok((addr, task))
}
