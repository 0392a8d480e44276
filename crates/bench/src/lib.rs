//! The benchmark harness and the soak/fault run of Xano MCP Desktop (DESIGN §8, issue 9).
//!
//! `cargo run --release -p bench` measures the real headless server (`xano-mcp serve`, a child
//! process built from this workspace in release mode) against an in-process `xano-sim` on
//! loopback, and reports one table plus `bench/results/latest.json`. `cargo run --release -p bench
//! -- soak` runs the fault/soak invariants and exits non-zero when one fails.
//!
//! Invariants of the harness itself: loopback only; bounded in time (every phase has a fixed
//! duration or count, every wait a timeout); the server is measured from outside (its `/proc`
//! entries), never instrumented. What it does not do: assert anything in `cargo test` about
//! speed — performance lives here, tests only check behaviour.

pub mod fixture;
pub mod load;
pub mod machine;
pub mod mcp_http;
pub mod mcp_stdio;
pub mod procfs;
pub mod run;
pub mod server;
pub mod soak;
pub mod stats;
pub mod variants;
