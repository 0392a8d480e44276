//! Claude Desktop: a stdio entry running our `xano-mcp stdio --token-name <name>` by absolute path.
//!
//! Claude Desktop's JSON file accepts only stdio servers (URL entries are skipped), so the entry
//! runs our bridge binary, which reads its token from the keychain by name: **no secret is ever
//! written to this file**.
//!
//! Paths (`tauri-stack.md` §7.1):
//! - macOS `~/Library/Application Support/Claude/claude_desktop_config.json`;
//! - Windows: the MSIX install's `%LOCALAPPDATA%\Packages\Claude_*\LocalCache\Roaming\Claude\`
//!   when such a package exists (a file in `%APPDATA%\Claude` is silently ignored by it), else
//!   `%APPDATA%\Claude\`;
//! - Linux (community builds only): `$XDG_CONFIG_HOME/Claude/` (`~/.config/Claude/`), and only
//!   when that folder already exists.
//!
//! Only the user scope exists.

use crate::client::{Client, Scope};
use crate::document::{self, Dialect, EntryPath};
use crate::entry::{self, EntryShape};
use crate::error::{Error, Result};
use crate::layout::{HomeLayout, Os};
use crate::location::ConfigFile;
use crate::spec::{SERVER_KEY, StdioCommand};
use std::fs;
use std::path::{Path, PathBuf};

const FILE_NAME: &str = "claude_desktop_config.json";
const ROOT_KEY: &str = "mcpServers";

pub(crate) fn config_file(layout: &HomeLayout, scope: &Scope) -> Result<ConfigFile> {
    if let Scope::Project(_) = scope {
        return Err(Error::scope_unsupported(
            Client::ClaudeDesktop,
            scope,
            "Claude Desktop has one configuration for the whole user.",
        ));
    }
    let (dir, installed, requires_existing_dir) = match layout.os() {
        Os::MacOs => {
            let dir = layout.application_support().join("Claude");
            (dir.clone(), dir.is_dir(), None)
        }
        Os::Windows => match msix_config_dir(layout) {
            Some(dir) => (dir, true, None),
            None => {
                let dir = layout.app_data().join("Claude");
                (dir.clone(), dir.is_dir(), None)
            }
        },
        Os::Linux => {
            let dir = layout.config_home().join("Claude");
            (
                dir.clone(),
                dir.is_dir(),
                Some(
                    "there is no official Claude Desktop for Linux, and no community build's folder (~/.config/Claude) exists. Install one and start it once, then try again.",
                ),
            )
        }
    };
    let mut file = ConfigFile::new(
        dir.join(FILE_NAME),
        Dialect::Json,
        ROOT_KEY,
        EntryShape::Stdio,
        installed,
    );
    file.requires_existing_dir = requires_existing_dir;
    Ok(file)
}

/// `%LOCALAPPDATA%\Packages\Claude_*\LocalCache\Roaming\Claude` of an MSIX install, if any (the
/// first package folder by name when there are several).
fn msix_config_dir(layout: &HomeLayout) -> Option<PathBuf> {
    let packages = layout.local_app_data().join("Packages");
    let mut found: Vec<PathBuf> = fs::read_dir(packages)
        .ok()?
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_name().to_string_lossy().starts_with("Claude_"))
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_dir()))
        .map(|entry| entry.path())
        .collect();
    found.sort();
    let package = found.into_iter().next()?;
    Some(package.join("LocalCache").join("Roaming").join("Claude"))
}

/// The command our entry in a Claude Desktop config file runs: `(command, args, env)`, exactly as
/// Claude Desktop would spawn it. Used by the end-to-end test that spawns it.
pub fn entry_command(config_file: &Path) -> Result<StdioCommand> {
    let entry = read_entry_value(config_file)?;
    entry::stdio_command(&entry).ok_or_else(|| Error::UnexpectedShape {
        path: config_file.to_path_buf(),
        client: Client::ClaudeDesktop,
        message: format!("the `{SERVER_KEY}` entry has no `command`"),
    })
}

/// The command our entry in a Claude Desktop config text runs (e.g. a plan's `after` text).
pub fn entry_command_in(text: &str) -> Option<StdioCommand> {
    let value = document::read_entry(text, Dialect::Json, entry_path()).ok()??;
    entry::stdio_command(&value)
}

fn entry_path() -> EntryPath {
    EntryPath {
        root_key: ROOT_KEY,
        entry_key: SERVER_KEY,
    }
}

fn read_entry_value(path: &Path) -> Result<serde_json::Value> {
    crate::detect::read_entry_from_file(path, Client::ClaudeDesktop, Dialect::Json, entry_path())?
        .ok_or_else(|| Error::EntryNotFound {
            path: path.to_path_buf(),
            key: SERVER_KEY,
        })
}
