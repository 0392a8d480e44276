//! `xano-mcp calls`: the audit log of MCP calls, newest last, optionally followed as it grows.

use anyhow::{Context, Result};
use core_api::Paths;
use history::{CallQuery, HistoryStore, ToolCallRecord};
use std::io::Write;
use std::time::Duration;

/// Arguments of `calls`.
#[derive(Debug, clap::Args)]
pub struct CallsArgs {
    /// How many recent calls to show.
    #[arg(long, default_value_t = 20)]
    pub limit: u32,
    /// Only calls of this tool.
    #[arg(long)]
    pub tool: Option<String>,
    /// Only calls made with this local token.
    #[arg(long)]
    pub token: Option<String>,
    /// Keep printing new calls as they happen (Ctrl-C to stop).
    #[arg(long, short)]
    pub follow: bool,
    /// One JSON object per line instead of a table.
    #[arg(long)]
    pub json: bool,
}

fn line(r: &ToolCallRecord, json: bool) -> String {
    if json {
        return serde_json::to_string(r).unwrap_or_default();
    }
    let when = history::format_time_ms(r.at_ms);
    let outcome = format!("{:?}", r.outcome).to_lowercase();
    let detail = r
        .error_code
        .as_deref()
        .map(|c| format!(" ({c})"))
        .unwrap_or_default();
    let rows = r
        .rows_affected
        .map(|n| format!(" rows={n}"))
        .unwrap_or_default();
    format!(
        "{when}  {:<10} {:<16} {:<28} {outcome}{detail}{rows}  {} ms, {} Xano request(s)",
        r.token_name.as_deref().unwrap_or("-"),
        r.client_name.as_deref().unwrap_or("-"),
        r.tool,
        r.duration_ms,
        r.xano_requests.len()
    )
}

pub async fn calls(args: CallsArgs) -> Result<()> {
    let paths = Paths::from_env()?;
    let db = paths.history_db();
    if !db.exists() {
        println!(
            "No calls recorded yet (the audit log {} does not exist). Calls appear here once an AI client uses `xano-mcp serve` or `xano-mcp stdio`.",
            db.display()
        );
        return Ok(());
    }
    let store = HistoryStore::open(&db)
        .with_context(|| format!("could not open the audit log {}", db.display()))?;
    let query = CallQuery {
        tool: args.tool.clone(),
        token_name: args.token.clone(),
        limit: args.limit,
        ..CallQuery::default()
    };
    let mut recent = store.calls(&query)?;
    recent.reverse();
    let mut out = std::io::stdout().lock();
    let mut last_id = recent.last().and_then(|r| r.id).unwrap_or(0);
    for r in &recent {
        writeln!(out, "{}", line(r, args.json))?;
    }
    out.flush()?;
    drop(out);
    if !args.follow {
        return Ok(());
    }
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => break,
            () = tokio::time::sleep(Duration::from_millis(500)) => {}
        }
        let mut newer: Vec<ToolCallRecord> = store
            .calls(&CallQuery {
                limit: 500,
                ..query.clone()
            })?
            .into_iter()
            .filter(|r| r.id.unwrap_or(0) > last_id)
            .collect();
        newer.reverse();
        let mut out = std::io::stdout().lock();
        for r in &newer {
            writeln!(out, "{}", line(r, args.json))?;
            last_id = last_id.max(r.id.unwrap_or(0));
        }
        out.flush()?;
    }
    Ok(())
}
