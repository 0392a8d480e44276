//! `xano-sim`: run the Xano Metadata API double on 127.0.0.1 until Ctrl-C.
//!
//! Prints the meta base URL and the accepted token(s) so a client (or the desktop app's
//! headless mode) can be pointed at it. Tokens are printed because they are test tokens for a
//! loopback double; never reuse a real Xano token here.

use std::time::Duration;

use anyhow::{Context, bail};
use clap::Parser;
use xano_sim::{DEMO_TOKEN, FaultConfig, SimConfig, SimToken, XanoSim};

/// Serve a local double of Xano's Metadata API (api:meta) with demo data.
#[derive(Debug, Parser)]
#[command(name = "xano-sim", version, about, long_about = None)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8788, env = "XANO_SIM_PORT")]
    port: u16,
    /// Accepted bearer token, with full access; repeat for several. Default: the demo token.
    #[arg(long = "token", value_name = "T")]
    tokens: Vec<String>,
    /// Fraction (0-1) of requests answered 429 with Xano's free-plan body.
    #[arg(long, default_value_t = 0.0, value_name = "F")]
    rate_limit_fraction: f64,
    /// Fraction (0-1) of requests answered 500 ERROR_FATAL.
    #[arg(long, default_value_t = 0.0, value_name = "F")]
    server_error_fraction: f64,
    /// Uniform random latency added to every request, in milliseconds, e.g. 20-80.
    #[arg(long, value_name = "MIN-MAX", value_parser = parse_latency)]
    latency_ms: Option<(u64, u64)>,
    /// Send `Retry-After: <secs>` on injected 429s.
    #[arg(long, value_name = "SECS")]
    retry_after: Option<u64>,
    /// Seed of the fault RNG.
    #[arg(long, default_value_t = 0)]
    fault_seed: u64,
    /// Start with one empty workspace instead of the demo data.
    #[arg(long)]
    empty: bool,
}

fn parse_latency(text: &str) -> Result<(u64, u64), String> {
    let (min, max) = text.split_once('-').unwrap_or((text, text));
    let parse = |s: &str| {
        s.trim()
            .parse::<u64>()
            .map_err(|_| format!("expected MIN-MAX in milliseconds, got {text:?}"))
    };
    let (min, max) = (parse(min)?, parse(max)?);
    if min > max {
        return Err(format!("latency minimum {min} is above maximum {max}"));
    }
    Ok((min, max))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let args = Args::parse();
    for (name, fraction) in [
        ("--rate-limit-fraction", args.rate_limit_fraction),
        ("--server-error-fraction", args.server_error_fraction),
    ] {
        if !(0.0..=1.0).contains(&fraction) {
            bail!("{name} must be between 0 and 1, got {fraction}");
        }
    }
    let tokens = if args.tokens.is_empty() {
        vec![DEMO_TOKEN.to_owned()]
    } else {
        args.tokens.clone()
    };
    let mut config = if args.empty {
        SimConfig::empty()
    } else {
        SimConfig::demo()
    };
    config.port = args.port;
    config.tokens = tokens.iter().map(|t| SimToken::full(t)).collect();
    config.faults = FaultConfig {
        rate_limit_fraction: args.rate_limit_fraction,
        server_error_fraction: args.server_error_fraction,
        latency: args
            .latency_ms
            .map(|(min, max)| (Duration::from_millis(min), Duration::from_millis(max))),
        retry_after_secs: args.retry_after,
        seed: args.fault_seed,
    };
    let sim = XanoSim::start(config)
        .await
        .with_context(|| format!("starting xano-sim on port {}", args.port))?;
    // Nobody can read the request log of this process; do not keep one.
    sim.set_record_limit(0);
    println!("xano-sim serving the Xano Metadata API double");
    println!("  meta URL: {}", sim.meta_url());
    for token in &tokens {
        println!("  token:    {token}");
    }
    println!("Press Ctrl-C to stop.");
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    sim.shutdown().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_ranges() {
        assert_eq!(parse_latency("20-80"), Ok((20, 80)));
        assert_eq!(parse_latency("5"), Ok((5, 5)));
        assert!(parse_latency("80-20").is_err());
        assert!(parse_latency("x").is_err());
    }

    #[test]
    fn cli_definition_is_valid() {
        use clap::CommandFactory;
        Args::command().debug_assert();
    }
}
