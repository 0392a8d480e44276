//! The serving commands: `demo`, `serve`, `stdio`.

use anyhow::{Context, Result, anyhow};
use base64::Engine as _;
use mcp::http;
use mcp::{Engine, EngineOptions, NoHook, XanoMcpServer};
use rmcp::ServiceExt;
use std::io::Write;
use std::sync::Arc;
use xano::{MetaBase, XanoClient, XanoToken};

/// A fresh local access token: `xmcp_` + 256 random bits, base64url (DESIGN §4).
fn new_local_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow!("the system random generator failed: {e}"))?;
    Ok(format!(
        "xmcp_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    ))
}

fn engine_from_env() -> Result<Arc<Engine>> {
    let url = std::env::var("XANO_INSTANCE_URL").map_err(|_| anyhow!("XANO_INSTANCE_URL is not set. Set it to your instance address (e.g. https://x8ki-letl-twmt.n7.xano.io), or try `xano-mcp demo`."))?;
    let token = std::env::var("XANO_TOKEN").map_err(|_| anyhow!("XANO_TOKEN is not set. Set it to a Xano Metadata API token (Instances → ⚙ → Metadata API & MCP Server), or try `xano-mcp demo`."))?;
    let base = MetaBase::parse(&url)?;
    let client = XanoClient::new(base, XanoToken::new(token))?;
    Ok(Arc::new(Engine::new(client, EngineOptions::default())))
}

async fn serve_until_ctrl_c(
    engine: Arc<Engine>,
    port: u16,
    token: String,
) -> Result<http::RunningHttp> {
    let running = http::serve(engine, port, token, || Arc::new(NoHook)).await?;
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
    let token = new_local_token()?;
    let running = serve_until_ctrl_c(engine, port, token.clone()).await?;
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
    sim.shutdown().await;
    Ok(())
}

pub async fn serve(port: u16) -> Result<()> {
    let engine = engine_from_env()?;
    let (token, generated) = match std::env::var("XANO_MCP_LOCAL_TOKEN") {
        Ok(t) if !t.trim().is_empty() => (t.trim().to_owned(), false),
        _ => (new_local_token()?, true),
    };
    let running = serve_until_ctrl_c(engine, port, token.clone()).await?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "URL: {}", running.url())?;
    if generated {
        writeln!(
            out,
            "Token: {token}\n(shown once; set XANO_MCP_LOCAL_TOKEN to keep the same token across restarts)"
        )?;
    }
    out.flush()?;
    drop(out);
    running.wait().await;
    Ok(())
}

pub async fn stdio() -> Result<()> {
    let engine = engine_from_env()?;
    let server = XanoMcpServer::new(engine);
    let running = server
        .serve(rmcp::transport::stdio())
        .await
        .context("the MCP client did not initialise over stdio")?;
    running
        .waiting()
        .await
        .context("the stdio session failed")?;
    Ok(())
}
