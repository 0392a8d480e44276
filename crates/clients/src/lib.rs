//! AI client detection and config writers: Claude Desktop, Cursor, Claude Code, VS Code, Windsurf
//! and Zed, each pointed at our local MCP server under the key `xano-mcp`.
//!
//! The model is plan, then apply:
//! - [`detect`] says whether a client is installed and whether our entry is missing, current or
//!   stale, and reads back the token in it (so callers keep it unless asked to rotate);
//! - [`plan`] computes the change ([`Action::Apply`] adds or repairs our entry,
//!   [`Action::Remove`] takes it out) as a [`ClientConfigPlan`] with a diff (tokens masked),
//!   touching nothing;
//! - [`apply`] writes it: backup first, atomic replace, mode 0600 where the file holds a token,
//!   and only if the file is still as it was planned.
//!
//! What it guarantees:
//! - Only our entry changes. Everything else in the file — other servers, unrelated settings,
//!   key order, formatting, comments in JSONC files — is kept byte for byte, because edits go
//!   through a concrete syntax tree.
//! - A file that does not parse, has an unexpected shape, is read-only, or is a folder is never
//!   written; the error names the file (and the line) and says what to do.
//! - Claude Desktop's file never holds a secret (its entry runs our stdio bridge, which reads the
//!   token from the keychain by name).
//! - Every path comes from one [`HomeLayout`], so tests run on a temp home for any OS.
//!
//! What it deliberately does not do: create or store tokens (`crates/vault`), run the server, or
//! edit Claude Code's private `~/.claude.json` (its `claude mcp` CLI does that).

mod apply;
pub mod claude_code;
pub mod claude_desktop;
mod client;
pub mod cursor;
mod detect;
mod diff;
mod document;
mod entry;
mod error;
mod files;
mod layout;
mod location;
mod plan;
mod spec;
pub mod vscode;
pub mod windsurf;
pub mod zed;

pub use apply::{ApplyOutcome, apply, apply_at};
pub use claude_code::ClaudeCliCommand;
pub use client::{Client, Scope, UnknownClient};
pub use detect::{Detection, detect, detect_all};
pub use diff::mask_secrets;
pub use entry::{EntryState, StaleReason, UrlEndpoint};
pub use error::{Error, Result};
pub use files::Fingerprint;
pub use layout::{HomeLayout, Os};
pub use location::config_path;
pub use plan::{Action, Change, ClientConfigPlan, plan};
pub use spec::{BearerToken, DEFAULT_PORT, EntrySpec, SERVER_KEY, StdioCommand, server_url};
