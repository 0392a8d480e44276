//! Where one client keeps one scope's config, and how it reads it: the answer each client module
//! gives, and the one place that dispatches on [`Client`].

use crate::client::{Client, Scope};
use crate::document::{Dialect, EntryPath};
use crate::entry::EntryShape;
use crate::error::{Error, Result};
use crate::layout::HomeLayout;
use crate::spec::SERVER_KEY;
use crate::{claude_code, claude_desktop, cursor, vscode, windsurf, zed};
use std::path::PathBuf;

/// A client's config file for one scope.
#[derive(Debug, Clone)]
pub(crate) struct ConfigFile {
    pub(crate) path: PathBuf,
    pub(crate) dialect: Dialect,
    pub(crate) entry_path: EntryPath,
    pub(crate) shape: EntryShape,
    /// The client's folder exists (or, for Claude Code, the project file does).
    pub(crate) installed: bool,
    /// When set, a new file may only be created if its folder already exists; the text says why
    /// (Claude Desktop on Linux has no official build).
    pub(crate) requires_existing_dir: Option<&'static str>,
    /// `false` for files only the client itself may change (`~/.claude.json`): we read them to
    /// detect our entry, and change them through the client's CLI.
    pub(crate) editable: bool,
}

impl ConfigFile {
    /// A `mcpServers`-style file holding our entry under `root_key`.
    pub(crate) fn new(
        path: PathBuf,
        dialect: Dialect,
        root_key: &'static str,
        shape: EntryShape,
        installed: bool,
    ) -> Self {
        ConfigFile {
            path,
            dialect,
            entry_path: EntryPath {
                root_key,
                entry_key: SERVER_KEY,
            },
            shape,
            installed,
            requires_existing_dir: None,
            editable: true,
        }
    }
}

/// Where a client's config for a scope is, and (Claude Code) the CLI that changes it.
#[derive(Debug, Clone)]
pub(crate) struct Location {
    pub(crate) file: ConfigFile,
    /// The `claude` executable when Claude Code is configured through its CLI.
    pub(crate) cli: Option<PathBuf>,
}

pub(crate) fn locate(layout: &HomeLayout, client: Client, scope: &Scope) -> Result<Location> {
    if let Some(dir) = scope.project_dir()
        && client.has_project_scope()
        && !dir.is_dir()
    {
        return Err(Error::ProjectNotFound {
            path: dir.to_path_buf(),
        });
    }
    let file_only = |file: ConfigFile| Location { file, cli: None };
    Ok(match client {
        Client::ClaudeDesktop => file_only(claude_desktop::config_file(layout, scope)?),
        Client::Cursor => file_only(cursor::config_file(layout, scope)),
        Client::ClaudeCode => claude_code::location(layout, scope),
        Client::VsCode => file_only(vscode::config_file(layout, scope)),
        Client::Windsurf => file_only(windsurf::config_file(layout, scope)?),
        Client::Zed => file_only(zed::config_file(layout, scope)?),
    })
}

/// The config file path of `client` for `scope` on this layout (for Claude Code with its CLI,
/// the file the CLI keeps that scope in).
pub fn config_path(layout: &HomeLayout, client: Client, scope: &Scope) -> Result<PathBuf> {
    locate(layout, client, scope).map(|l| l.file.path)
}
