//! The serving commands: `demo`, `serve`, `stdio`.
//!
//! Every caller is authenticated with a local access token from the token database and every call
//! goes through the grant policy (`mcp::policy::GrantHook`). `demo` keeps its token database in
//! memory, so it leaves nothing behind.

use crate::tokens::now_ms;
use anyhow::{Context, Result, anyhow};
use core_api::audit::AuditWriter;
use core_api::{Headless, Paths, SetupContext};
use mcp::http::{self, Authenticator};
use mcp::policy::{AuditSink, GrantHook};
use mcp::{Engine, EngineOptions, XanoMcpServer};
use rmcp::ServiceExt;
use secrecy::ExposeSecret;
use std::io::Write;
use std::sync::Arc;
use vault::{AccessTier, ApprovalPolicy, AuthOutcome, NewLocalToken, SecretKey, TokenStore, Vault};
use xano::{MetaBase, XanoClient, XanoToken};

/// The environment variable a stdio client may use to pass its local token when no keychain is
/// available (headless machines, CI).
pub const LOCAL_TOKEN_ENV: &str = "XANO_MCP_LOCAL_TOKEN";

/// The engine on the instance and token `core_api::connect` resolves: `XANO_INSTANCE_URL` +
/// `XANO_TOKEN` for headless use, else the active profile with its token from the keychain.
async fn engine_for(paths: &Paths) -> Result<Arc<Engine>> {
    let ctx =
        SetupContext::new(paths.clone(), Vault::os_keychain()).with_headless(Headless::from_env());
    let access = core_api::connect(&ctx, None).await.map_err(|e| {
        anyhow!("{e} Or try `xano-mcp demo` to see it work without a Xano account.")
    })?;
    let client = access.client(&ctx)?;
    let mut engine = Engine::new(client, EngineOptions::default());
    // The history tools read the synced copy (`xano-mcp history sync`, of the profile's branch)
    // when it covers the window.
    if let Ok(store) = history::HistoryStore::open(&paths.history_db()) {
        let branch = engine.client(None).options().branch.clone();
        engine = engine.with_history(Arc::new(core_api::synced::SyncedHistory::new(
            Arc::new(store),
            branch,
        )));
    }
    Ok(Arc::new(engine))
}

/// Every call goes to the audit log in the history database.
fn audit_sink(paths: &Paths) -> Result<Arc<AuditWriter>> {
    let store = history::HistoryStore::open(&paths.history_db()).with_context(|| {
        format!(
            "could not open the audit log {}",
            paths.history_db().display()
        )
    })?;
    Ok(AuditWriter::start(Arc::new(store)))
}

async fn serve_http(
    engine: Arc<Engine>,
    port: u16,
    tokens: Arc<TokenStore>,
    audit: Option<Arc<dyn AuditSink>>,
) -> Result<http::RunningHttp> {
    let hook = Arc::new(GrantHook::for_http(tokens.clone(), engine.clone(), audit));
    let auth: Arc<dyn Authenticator> = tokens;
    let running = http::serve(engine, port, auth, move || hook.clone()).await?;
    let stop = running.stop_token();
    tokio::spawn(async move {
        let _ = tokio::signal::ctrl_c().await;
        stop.cancel();
    });
    Ok(running)
}

pub async fn demo(port: u16, sim_port: u16) -> Result<()> {
    let sim = xano_sim::XanoSim::start(xano_sim::SimConfig {
        port: sim_port,
        ..xano_sim::SimConfig::demo()
    })
    .await
    .context("could not start the Xano double")?;
    sim.set_record_limit(0);
    let client = XanoClient::new(
        MetaBase::parse(&sim.meta_url())?,
        XanoToken::new(xano_sim::DEMO_TOKEN),
    )?;
    let engine = Arc::new(Engine::new(client, EngineOptions::default()));
    let tokens = Arc::new(TokenStore::open_in_memory()?);
    let grant = NewLocalToken {
        name: "demo".into(),
        tier: AccessTier::ReadWrite,
        workspaces: vec![],
        tables: None,
        expires_at_ms: None,
        approval: ApprovalPolicy::Off,
        rate_limit_per_minute: None,
    };
    let (token, _) = tokens.create(&grant, now_ms())?;
    // The demo's calls go to the audit log like any others (`xano-mcp calls` shows them, token
    // `demo`); without a writable data folder the demo still runs, unaudited, and says so.
    let demo_audit = || -> Result<Arc<AuditWriter>> {
        let p = Paths::from_env()?;
        p.ensure()
            .with_context(|| format!("could not create {}", p.home().display()))?;
        audit_sink(&p)
    };
    let audit = match demo_audit() {
        Ok(a) => Some(a),
        Err(e) => {
            eprintln!("note: the demo's calls are not recorded: {e:#}");
            None
        }
    };
    let running = serve_http(
        engine,
        port,
        tokens,
        audit.clone().map(|a| a as Arc<dyn AuditSink>),
    )
    .await?;
    let url = running.url();
    let snippet = serde_json::json!({"mcpServers": {"xano-mcp": {"url": url, "headers": {"Authorization": format!("Bearer {token}")}}}});
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Xano MCP demo is running (demo data: workspace \"Acme Store\", tables customers/orders/products)."
    )?;
    writeln!(out, "URL: {url}")?;
    writeln!(out, "Token: {token}")?;
    writeln!(
        out,
        "Access: Read/Write (reads and content writes; deletes are refused)"
    )?;
    writeln!(
        out,
        "Xano double: {} (token {})",
        sim.meta_url(),
        xano_sim::DEMO_TOKEN
    )?;
    writeln!(
        out,
        "\nCursor (~/.cursor/mcp.json), Windsurf (use \"serverUrl\"), Zed (\"context_servers\"):\n{}",
        serde_json::to_string_pretty(&snippet)?
    )?;
    writeln!(
        out,
        "\nClaude Code:\n  claude mcp add --transport http --header \"Authorization: Bearer {token}\" xano-mcp {url}"
    )?;
    writeln!(out, "\nStop with Ctrl-C.")?;
    out.flush()?;
    drop(out);
    running.wait().await;
    if let Some(audit) = audit {
        audit.close();
    }
    sim.shutdown().await;
    Ok(())
}

pub async fn serve(port: u16) -> Result<()> {
    let paths = Paths::from_env()?;
    paths
        .ensure()
        .with_context(|| format!("could not create {}", paths.home().display()))?;
    let tokens = Arc::new(TokenStore::open(&paths.tokens_db())?);
    if tokens.list()?.iter().all(|t| !t.is_active(now_ms())) {
        eprintln!(
            "note: there is no active access token yet; create one with `xano-mcp token create <name>`."
        );
    }
    let engine = engine_for(&paths).await?;
    let audit = audit_sink(&paths)?;
    let running = serve_http(
        engine,
        port,
        tokens,
        Some(audit.clone() as Arc<dyn AuditSink>),
    )
    .await?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "URL: {}", running.url())?;
    writeln!(
        out,
        "Clients authenticate with a local access token (`xano-mcp token create`). Stop with Ctrl-C."
    )?;
    out.flush()?;
    drop(out);
    running.wait().await;
    audit.close();
    Ok(())
}

/// The local token of a stdio client: from the keychain by name, or `XANO_MCP_LOCAL_TOKEN`.
async fn stdio_token(name: &str) -> Result<String> {
    if let Ok(t) = std::env::var(LOCAL_TOKEN_ENV)
        && !t.trim().is_empty()
    {
        return Ok(t.trim().to_owned());
    }
    let key = SecretKey::local_token(name)?;
    match Vault::os_keychain().get(&key).await {
        Ok(Some(secret)) => Ok(secret.expose_secret().to_owned()),
        Ok(None) => Err(anyhow!(
            "no local token named `{name}` is in the keychain. Create it with `xano-mcp token create {name}` (or set {LOCAL_TOKEN_ENV})."
        )),
        Err(e) => Err(anyhow!(
            "could not read the local token `{name}` from the keychain. Set {LOCAL_TOKEN_ENV} to the token instead, or unlock the keyring; if the token does not exist yet, create it with `xano-mcp token create {name}`. ({e})"
        )),
    }
}

pub async fn stdio(token_name: &str, port: u16, forward: bool) -> Result<()> {
    let paths = Paths::from_env()?;
    let tokens = Arc::new(TokenStore::open(&paths.tokens_db())?);
    let token = stdio_token(token_name).await?;
    let info = match tokens.authenticate(&token, now_ms())? {
        AuthOutcome::Valid(info) => info,
        AuthOutcome::Revoked(i) => {
            return Err(anyhow!(
                "the local token `{}` was revoked; create a new one and update this client's config",
                i.name
            ));
        }
        AuthOutcome::Expired(i) => {
            return Err(anyhow!(
                "the local token `{}` has expired; create a new one and update this client's config",
                i.name
            ));
        }
        AuthOutcome::Unknown => {
            return Err(anyhow!(
                "the local token for `{token_name}` is not known to this xano-mcp (XANO_MCP_HOME={}); create it with `xano-mcp token create {token_name}`",
                paths.home().display()
            ));
        }
    };
    // A running server of ours (the app or `xano-mcp serve`) gets the calls, so its policy,
    // approvals and audit log apply in one place; otherwise the engine runs here.
    // (A plain connect first: nothing listening is the common case, and answers at once.)
    if forward
        && tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
    {
        let url = format!("http://127.0.0.1:{port}/mcp");
        let found = tokio::time::timeout(
            std::time::Duration::from_secs(3),
            mcp::forward::ForwardingServer::connect(&url, &token),
        )
        .await
        .ok()
        .flatten();
        if let Some(forwarder) = found {
            tracing::info!("forwarding stdio to the running server at {url}");
            let running = forwarder
                .serve(rmcp::transport::stdio())
                .await
                .context("the MCP client did not initialise over stdio")?;
            running
                .waiting()
                .await
                .context("the stdio session failed")?;
            return Ok(());
        }
    }
    let engine = engine_for(&paths).await?;
    let audit = audit_sink(&paths)?;
    let sink: Arc<dyn AuditSink> = audit.clone();
    let hook = Arc::new(GrantHook::for_stdio(
        tokens,
        info.id,
        engine.clone(),
        Some(sink),
    ));
    let server = XanoMcpServer::with_hook(engine, hook);
    let running = server
        .serve(rmcp::transport::stdio())
        .await
        .context("the MCP client did not initialise over stdio")?;
    let result = running.waiting().await.context("the stdio session failed");
    audit.close();
    result?;
    Ok(())
}
