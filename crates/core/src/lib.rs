//! The application API of Xano MCP Desktop: plain async functions that take a narrow context and
//! are called by both the Tauri commands (one-line adapters) and the `xano-mcp` CLI.
//!
//! Nothing here depends on Tauri (CI checks it).

pub mod paths;

pub use paths::Paths;
