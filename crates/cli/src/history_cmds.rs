//! `xano-mcp history sync|search|summary|export`: Xano's request history kept beyond its ~24 hours,
//! in the local history database, beside our own MCP call log.

use anyhow::{Context, Result, anyhow};
use core_api::{Headless, Paths, SetupContext};
use history::{HistoryFilter, HistorySource, HistoryStore, SortKey, StatusClass, SyncOptions};
use std::io::Write;
use vault::Vault;

#[derive(Debug, clap::Subcommand)]
pub enum HistoryCommand {
    /// Copy Xano's request history of a workspace into the local database (only what is new).
    Sync {
        /// The workspace id.
        #[arg(long)]
        workspace: i64,
        /// The branch label. Default: the active profile's branch (the one `serve`'s history
        /// tools read), else what Xano lists without a branch. `--live` ignores the profile's.
        #[arg(long, conflicts_with = "live")]
        branch: Option<String>,
        /// Sync what Xano lists without a branch, even if the profile names one.
        #[arg(long)]
        live: bool,
        /// Also keep request and response bodies and headers (secrets masked).
        #[arg(long)]
        store_bodies: bool,
        /// Days of history to keep locally.
        #[arg(long, default_value_t = 30)]
        retention_days: u32,
    },
    /// List requests from the local database, newest first.
    Search(FilterArgs),
    /// Per endpoint: count, error rate, p50/p95/max latency, slowest first.
    Summary(FilterArgs),
    /// Write the filtered requests as CSV or JSON (secrets masked).
    Export {
        #[command(flatten)]
        filter: FilterArgs,
        /// csv or json.
        #[arg(long, default_value = "csv")]
        format: String,
        /// The file to write (default: standard output).
        #[arg(long, short)]
        output: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Clone, clap::Args)]
pub struct FilterArgs {
    /// Only this workspace.
    #[arg(long)]
    pub workspace: Option<i64>,
    /// The synced copy of this branch (default: the one synced without a branch).
    #[arg(long)]
    pub branch: Option<String>,
    /// From this time: 2024-01-15 or 2024-01-15T10:00:00Z, or a span back from now like 2h or 3d.
    #[arg(long)]
    pub since: Option<String>,
    /// Until this time (exclusive).
    #[arg(long)]
    pub until: Option<String>,
    /// Status classes or codes, e.g. 5xx or 4xx,429.
    #[arg(long, value_delimiter = ',')]
    pub status: Vec<String>,
    /// Verbs, e.g. GET,POST (MCP selects our tool calls).
    #[arg(long, value_delimiter = ',')]
    pub verb: Vec<String>,
    /// Text the endpoint contains.
    #[arg(long)]
    pub endpoint: Option<String>,
    /// At least this many milliseconds.
    #[arg(long)]
    pub min_ms: Option<f64>,
    /// xano, mcp or both.
    #[arg(long, default_value = "xano")]
    pub source: String,
    /// Sort by time or duration.
    #[arg(long, default_value = "time")]
    pub sort: String,
    /// Rows to show.
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
}

fn now_ms() -> i64 {
    crate::tokens::now_ms()
}

fn time_arg(text: &str, name: &str) -> Result<i64> {
    let t = text.trim();
    let span = |unit: &str, ms: i64| {
        t.strip_suffix(unit)
            .and_then(|n| n.trim().parse::<i64>().ok())
            .map(|n| now_ms() - n * ms)
    };
    if let Some(v) = span("m", 60_000)
        .or_else(|| span("h", 3_600_000))
        .or_else(|| span("d", 86_400_000))
    {
        return Ok(v);
    }
    mcp::dates::parse(t).map(|d| d.epoch_ms).ok_or_else(|| {
        anyhow!("--{name} `{t}` is not a time; use 2024-01-15, 2024-01-15T10:00:00Z, or 2h / 3d")
    })
}

fn filter_of(args: &FilterArgs) -> Result<HistoryFilter> {
    let mut f = HistoryFilter {
        workspace_id: args.workspace,
        branch: args
            .branch
            .as_deref()
            .map(str::trim)
            .filter(|b| !b.is_empty())
            .map(str::to_owned),
        limit: args.limit,
        ..HistoryFilter::default()
    };
    f.since_ms = args
        .since
        .as_deref()
        .map(|s| time_arg(s, "since"))
        .transpose()?;
    f.until_ms = args
        .until
        .as_deref()
        .map(|s| time_arg(s, "until"))
        .transpose()?;
    for s in &args.status {
        match s.trim().to_ascii_lowercase().as_str() {
            "2xx" => f.status_classes.push(StatusClass::Success),
            "3xx" => f.status_classes.push(StatusClass::Redirect),
            "4xx" => f.status_classes.push(StatusClass::ClientError),
            "5xx" => f.status_classes.push(StatusClass::ServerError),
            code => f.statuses.push(code.parse().map_err(|_| {
                anyhow!("--status `{code}`: use 2xx/3xx/4xx/5xx or a code like 429")
            })?),
        }
    }
    f.verbs = args
        .verb
        .iter()
        .map(|v| v.trim().to_ascii_uppercase())
        .collect();
    f.endpoint_contains = args.endpoint.clone();
    f.min_duration_ms = args.min_ms;
    f.source = match args.source.to_ascii_lowercase().as_str() {
        "xano" => HistorySource::Xano,
        "mcp" => HistorySource::Mcp,
        "both" | "all" => HistorySource::Both,
        other => return Err(anyhow!("--source `{other}`: use xano, mcp or both")),
    };
    f.sort = match args.sort.to_ascii_lowercase().as_str() {
        "time" => SortKey::Time,
        "duration" => SortKey::Duration,
        other => return Err(anyhow!("--sort `{other}`: use time or duration")),
    };
    Ok(f)
}

fn store(paths: &Paths) -> Result<HistoryStore> {
    paths.ensure()?;
    HistoryStore::open(&paths.history_db())
        .with_context(|| format!("could not open {}", paths.history_db().display()))
}

pub async fn run(command: HistoryCommand) -> Result<()> {
    let paths = Paths::from_env()?;
    match command {
        HistoryCommand::Sync {
            workspace,
            branch,
            live,
            store_bodies,
            retention_days,
        } => {
            let ctx = SetupContext::new(paths.clone(), Vault::os_keychain())
                .with_headless(Headless::from_env());
            let access = core_api::connect(&ctx, None).await?;
            let client = access.client(&ctx)?;
            let branch = match (branch, live) {
                (_, true) => None,
                (Some(b), _) => Some(b),
                (None, false) => client.options().branch.clone(),
            };
            let store = store(&paths)?;
            let options = SyncOptions {
                store_bodies,
                retention_days,
                ..SyncOptions::default()
            };
            let report = history::sync(
                &store,
                &client,
                workspace,
                branch.as_deref(),
                &options,
                |p| {
                    eprintln!(
                        "  page {}: {} items read, {} new{}",
                        p.pages,
                        p.items_seen,
                        p.items_new,
                        p.oldest_reached_ms
                            .map(|ms| format!(", back to {}", history::format_time_ms(ms)))
                            .unwrap_or_default()
                    );
                },
            )
            .await?;
            let mut out = std::io::stdout().lock();
            let of_branch = branch
                .as_deref()
                .map(|b| format!(" (branch {b})"))
                .unwrap_or_default();
            writeln!(
                out,
                "Synced workspace {workspace}{of_branch}: {} pages, {} items read, {} new, {} removed by retention.",
                report.pages, report.items_seen, report.items_new, report.retention_deleted
            )?;
            if report.rate_limited {
                writeln!(
                    out,
                    "Xano's rate limit stopped the run early; run it again in a minute to continue."
                )?;
            }
            if let Some(e) = report.error {
                writeln!(out, "The run stopped on an error: {e}")?;
            }
        }
        HistoryCommand::Search(args) => {
            let page = store(&paths)?.history_search(&filter_of(&args)?)?;
            let mut out = std::io::stdout().lock();
            for r in &page.rows {
                writeln!(out, "{}", serde_json::to_string(r)?)?;
            }
            writeln!(out, "{} of {} matching", page.rows.len(), page.total)?;
        }
        HistoryCommand::Summary(args) => {
            let stats =
                store(&paths)?.slowest_endpoints(&filter_of(&args)?, args.limit as usize)?;
            let mut out = std::io::stdout().lock();
            writeln!(
                out,
                "{:<60} {:>7} {:>7} {:>9} {:>9} {:>9}",
                "ENDPOINT", "COUNT", "ERR%", "P50 ms", "P95 ms", "MAX ms"
            )?;
            for s in stats {
                writeln!(
                    out,
                    "{:<60} {:>7} {:>6.1}% {:>9.1} {:>9.1} {:>9.1}",
                    s.endpoint,
                    s.count,
                    s.error_rate * 100.0,
                    s.p50_ms,
                    s.p95_ms,
                    s.max_ms
                )?;
            }
        }
        HistoryCommand::Export {
            filter,
            format,
            output,
        } => {
            let store = store(&paths)?;
            let f = HistoryFilter {
                limit: u32::MAX,
                ..filter_of(&filter)?
            };
            let mut sink: Box<dyn Write> = match &output {
                Some(path) => Box::new(std::io::BufWriter::new(
                    std::fs::File::create(path)
                        .with_context(|| format!("could not create {}", path.display()))?,
                )),
                None => Box::new(std::io::stdout().lock()),
            };
            let n = match format.to_ascii_lowercase().as_str() {
                "csv" => store.export_csv(&f, history::ExportOptions::default(), &mut sink)?,
                "json" => store.export_json(&f, history::ExportOptions::default(), &mut sink)?,
                other => return Err(anyhow!("--format `{other}`: use csv or json")),
            };
            if let Some(path) = output {
                eprintln!("Wrote {n} requests to {}.", path.display());
            }
        }
    }
    Ok(())
}
