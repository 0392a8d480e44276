//! `bench`: the benchmark harness and soak run of Xano MCP Desktop.
//!
//! ```text
//! cargo run --release -p bench                  # the full benchmark (~3 min on 2 cores)
//! cargo run --release -p bench -- --quick       # a smoke version (~30 s)
//! cargo run --release -p bench -- soak          # soak + faults; exits 1 if an invariant fails
//! cargo run --release -p bench -- soak --calls 3000   # the short CI version
//! ```
//!
//! The benchmark writes `bench/results/latest.json` (`quick.json` with `--quick`); the soak writes
//! `bench/results/soak-latest.json`.

use anyhow::Result;
use bench::run::{self, RunOptions};
use bench::soak::{self, SoakOptions};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};

#[derive(Debug, Parser)]
#[command(
    name = "bench",
    about = "Benchmark the real xano-mcp server against xano-sim (DESIGN §8), or soak it with faults"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// A small smoke version of the benchmark (seconds instead of minutes).
    #[arg(long)]
    quick: bool,
    /// Where the JSON report goes (default bench/results/latest.json, quick.json with --quick).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Measure this xano-mcp binary instead of building the workspace's.
    #[arg(long, global = true)]
    server_bin: Option<PathBuf>,
    /// Do not build xano-mcp first (use the one beside this executable).
    #[arg(long, global = true)]
    no_build: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 64 clients, a fixed number of calls, 10% injected 429/5xx, random latency, clients that
    /// disconnect mid-call; checks no crash, every call answered, no audit record lost, memory flat.
    Soak {
        /// Tool calls made by the clients that stay.
        #[arg(long, default_value_t = 20_000)]
        calls: u64,
        /// Clients that stay connected.
        #[arg(long, default_value_t = 64)]
        clients: usize,
        /// Extra clients that drop their connection mid-call.
        #[arg(long, default_value_t = 8)]
        disconnectors: usize,
        /// A disconnecting client abandons its session (never closes it) on one drop in this
        /// many; 0 = never.
        #[arg(long, default_value_t = 4)]
        abandon_one_in: u8,
        /// Seed of the injected faults.
        #[arg(long, default_value_t = 9)]
        seed: u64,
        /// Where the JSON report goes (default bench/results/soak-latest.json).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Diagnosis: soak a server variant built into the bench instead of `xano-mcp serve`
        /// (e.g. `full-no-replay-cache` to see the memory effect of that change).
        #[arg(long, value_enum)]
        variant: Option<bench::variants::Variant>,
    },
    /// (internal) A server variant for the breakdown; prints `URL: ...`, stops on SIGINT.
    #[command(name = "__serve-variant", hide = true)]
    ServeVariant {
        #[arg(long, value_enum)]
        variant: bench::variants::Variant,
        #[arg(long)]
        sim_url: String,
        #[arg(long)]
        home: PathBuf,
    },
}

/// `bench/results/` of the workspace.
fn results_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/results")
}

fn main() {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            std::process::exit(2);
        }
    };
    match runtime.block_on(run_cli(cli)) {
        Ok(true) => {}
        Ok(false) => std::process::exit(1),
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::exit(2);
        }
    }
}

async fn run_cli(cli: Cli) -> Result<bool> {
    match cli.command {
        None => {
            let out = cli.out.unwrap_or_else(|| {
                results_dir().join(if cli.quick {
                    "quick.json"
                } else {
                    "latest.json"
                })
            });
            let report = run::run(RunOptions {
                quick: cli.quick,
                out: out.clone(),
                server_bin: cli.server_bin,
                no_build: cli.no_build,
            })
            .await?;
            println!("{}", run::render(&report));
            println!("JSON: {}", out.display());
            Ok(true)
        }
        Some(Command::Soak {
            calls,
            clients,
            disconnectors,
            abandon_one_in,
            seed,
            out,
            variant,
        }) => {
            let out = out.unwrap_or_else(|| results_dir().join("soak-latest.json"));
            let report = soak::soak(SoakOptions {
                calls,
                clients,
                disconnectors,
                seed,
                out: out.clone(),
                server_bin: cli.server_bin,
                no_build: cli.no_build,
                variant,
                abandon_one_in,
            })
            .await?;
            println!("{}", soak::render(&report));
            println!("JSON: {}", out.display());
            Ok(report.passed)
        }
        Some(Command::ServeVariant {
            variant,
            sim_url,
            home,
        }) => {
            bench::variants::serve_variant(variant, &sim_url, &home).await?;
            Ok(true)
        }
    }
}
