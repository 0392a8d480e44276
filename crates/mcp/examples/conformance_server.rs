//! The MCP endpoint on the Xano double, WITHOUT the bearer check, for the official conformance
//! suite (whose server runner cannot send an Authorization header). Loopback only, demo data only;
//! everything else (Host check, Origin validation, body cap) is the real server's.
//!
//! `cargo run -p mcp --example conformance_server` prints `URL: http://127.0.0.1:<port>/mcp`.

use mcp::{Engine, EngineOptions, NoHook};
use std::sync::Arc;
use xano::{MetaBase, XanoClient, XanoToken};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let sim = xano_sim::XanoSim::start(xano_sim::SimConfig::demo()).await?;
    let client = XanoClient::new(
        MetaBase::parse(&sim.meta_url())?,
        XanoToken::new(xano_sim::DEMO_TOKEN),
    )?;
    let engine = Arc::new(Engine::new(client, EngineOptions::default()));
    let stop = tokio_util::sync::CancellationToken::new();
    let app = mcp::http::mcp_router(engine, || Arc::new(NoHook), stop.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    println!("URL: http://{addr}/mcp");
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            let _ = tokio::signal::ctrl_c().await;
            stop.cancel();
        })
        .await?;
    Ok(())
}
