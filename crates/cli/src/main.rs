//! `xano-mcp`: the headless face of Xano MCP Desktop.
//!
//! - `demo`: the built-in Xano double with demo data and the MCP server on it; prints the URL, a
//!   token and ready-made client snippets. No Xano account needed.
//! - `serve`: the MCP server over Streamable HTTP on 127.0.0.1 for a real Xano instance.
//! - `stdio`: the same tools over stdio, for clients that only speak stdio (Claude Desktop).
//!
//! - `token`: local access tokens (tier, workspace/table allowlists, expiry) for AI clients.
//!
//! Every MCP caller presents a local access token from the token database; revocation and expiry
//! apply on the next call. `serve` and `stdio` read the Xano instance and token from
//! `XANO_INSTANCE_URL` and `XANO_TOKEN`.

mod calls;
mod client_cmds;
mod history_cmds;
mod server;
mod setup;
mod tokens;

use anyhow::Result;
use clap::{Parser, Subcommand};
use mcp::http::DEFAULT_PORT;

#[derive(Debug, Parser)]
#[command(name = "xano-mcp", version, about = "A safe local MCP server for your Xano backend", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Try it without a Xano account: starts the built-in Xano double with demo data and the MCP
    /// server on it, and prints the URL, a token and client snippets.
    Demo {
        /// Port of the MCP server on 127.0.0.1 (0 = any free port).
        #[arg(long, default_value_t = DEFAULT_PORT, env = "XANO_MCP_PORT")]
        port: u16,
        /// Port of the Xano double (0 = any free port).
        #[arg(long, default_value_t = 0)]
        sim_port: u16,
    },
    /// Serve the MCP tools over Streamable HTTP on 127.0.0.1 for the Xano instance in
    /// XANO_INSTANCE_URL, with the Metadata API token in XANO_TOKEN.
    Serve {
        /// Port on 127.0.0.1 (0 = any free port).
        #[arg(long, default_value_t = DEFAULT_PORT, env = "XANO_MCP_PORT")]
        port: u16,
    },
    /// Serve the MCP tools over stdio (for Claude Desktop and other stdio-only clients), for the
    /// instance in XANO_INSTANCE_URL with the token in XANO_TOKEN. The local access token is read
    /// from the keychain by name (or XANO_MCP_LOCAL_TOKEN). Logs go to stderr; exits when stdin
    /// closes.
    Stdio {
        /// The name of the local access token this client uses (`xano-mcp token create NAME`).
        #[arg(long)]
        token_name: String,
        /// Where a running server of ours would listen; calls are forwarded to it when it answers.
        #[arg(long, default_value_t = DEFAULT_PORT, env = "XANO_MCP_PORT")]
        port: u16,
        /// Run the engine in this process even when a server of ours is running.
        #[arg(long)]
        in_process: bool,
    },
    /// Local access tokens for AI clients: create, list, update, revoke.
    #[command(subcommand)]
    Token(TokenCommand),
    /// The audit log: every MCP call (allowed, denied, failed), newest last; --follow to tail it.
    Calls(calls::CallsArgs),
    /// AI client configs: list, plan (diff), apply, repair, remove.
    #[command(subcommand)]
    Clients(client_cmds::ClientsCommand),
    /// Xano request history kept locally: sync, search, summary, export.
    #[command(subcommand)]
    History(history_cmds::HistoryCommand),
    // ---- setup: sign-in, profiles and checks (src/setup.rs) ----
    /// Sign in to Xano: reads your Metadata API token from stdin or a hidden prompt (never from
    /// the command line), checks it, finds your instance, and keeps the token in the OS keychain.
    Login(setup::LoginArgs),
    /// Sign out of a profile (its token leaves the keychain), or forget everything with --all.
    Logout(setup::LogoutArgs),
    /// List the profiles, or pick the active one with --use NAME.
    Profiles(setup::ProfilesArgs),
    /// Check the keychain, the token, the instance, the server port and the AI client configs,
    /// and say what to fix. Exits non-zero when something is broken.
    Doctor(setup::DoctorArgs),
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Create a token (shown once) with a tier, optional workspace/table allowlists and expiry.
    Create(tokens::CreateArgs),
    /// List tokens with their tier, status, expiry and last use.
    List,
    /// Change a token's tier, workspaces, tables, expiry, approval or rate limit (same secret).
    Update(tokens::UpdateArgs),
    /// Revoke a token: clients using it are refused from their next call.
    Revoke {
        /// The token's name.
        name: String,
    },
}

fn main() {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("XANO_MCP_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: could not start: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = runtime.block_on(run(cli.command)) {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

async fn run(command: Command) -> Result<()> {
    match command {
        Command::Demo { port, sim_port } => server::demo(port, sim_port).await,
        Command::Serve { port } => server::serve(port).await,
        Command::Stdio {
            token_name,
            port,
            in_process,
        } => server::stdio(&token_name, port, !in_process).await,
        Command::Token(TokenCommand::Create(args)) => tokens::create(args).await,
        Command::Token(TokenCommand::List) => tokens::list(),
        Command::Token(TokenCommand::Update(args)) => tokens::update(args),
        Command::Token(TokenCommand::Revoke { name }) => tokens::revoke(&name).await,
        Command::Calls(args) => calls::calls(args).await,
        Command::Clients(command) => client_cmds::run(command).await,
        Command::History(command) => history_cmds::run(command).await,
        Command::Login(args) => setup::login(args).await,
        Command::Logout(args) => setup::logout(args).await,
        Command::Profiles(args) => setup::profiles(args).await,
        Command::Doctor(args) => setup::doctor(args).await,
    }
}
