//! Detecting which clients are installed and the state of our entry in each.
//!
//! Invariant: detection only reads (files, and `PATH` to find `claude`); it never runs a client.
//! Repair is `plan(Action::Apply)` for an entry that is [`EntryState::Missing`],
//! [`EntryState::FileAbsent`] or [`EntryState::Stale`].

use crate::client::{Client, Scope};
use crate::document::{self, Dialect, EntryPath};
use crate::entry::{self, EntryState};
use crate::error::{Error, Result};
use crate::files;
use crate::layout::HomeLayout;
use crate::location::locate;
use crate::plan::observe;
use crate::spec::{BearerToken, EntrySpec};
use std::path::{Path, PathBuf};

/// What we know about one client's config for one scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    pub client: Client,
    pub scope: Scope,
    /// The client's config folder exists (Claude Code: `claude` is on PATH, or the project file
    /// exists).
    pub installed: bool,
    /// The config file (Claude Code with its CLI: the file the CLI keeps that scope in).
    pub config_path: PathBuf,
    pub entry: EntryState,
    /// The token in our URL entry, if any: callers keep it unless asked to rotate.
    pub existing_token: Option<BearerToken>,
    /// The `claude` executable, when Claude Code is configured through it.
    pub claude_cli: Option<PathBuf>,
}

/// Detects `client` for `scope`, comparing our entry with `expected` (its token is compared only
/// when given; its stdio command only when given).
pub fn detect(
    layout: &HomeLayout,
    client: Client,
    scope: &Scope,
    expected: &EntrySpec,
) -> Result<Detection> {
    let location = locate(layout, client, scope)?;
    let file = &location.file;
    let (exists, found) = observe(file, client)?;
    let entry = match &found {
        None if !exists => EntryState::FileAbsent,
        None => EntryState::Missing,
        Some(value) => entry::assess(file.shape, value, expected),
    };
    Ok(Detection {
        client,
        scope: scope.clone(),
        installed: file.installed || location.cli.is_some(),
        config_path: file.path.clone(),
        entry,
        existing_token: found
            .as_ref()
            .filter(|_| file.shape.holds_token())
            .and_then(entry::bearer_token)
            .map(BearerToken::new),
        claude_cli: location.cli,
    })
}

/// Detects every client for the user scope and, when `project` is given, every client that has
/// a project config for that folder. One result per (client, scope), in [`Client::ALL`] order.
pub fn detect_all(
    layout: &HomeLayout,
    expected: &EntrySpec,
    project: Option<&Path>,
) -> Vec<(Client, Scope, Result<Detection>)> {
    let mut out = Vec::new();
    for client in Client::ALL {
        let mut scopes = vec![Scope::User];
        if let Some(dir) = project.filter(|_| client.has_project_scope()) {
            scopes.push(Scope::Project(dir.to_path_buf()));
        }
        for scope in scopes {
            let result = detect(layout, client, &scope, expected);
            out.push((client, scope, result));
        }
    }
    out
}

/// Our entry's value in the file at `path` (read-back helpers).
pub(crate) fn read_entry_from_file(
    path: &Path,
    client: Client,
    dialect: Dialect,
    entry_path: EntryPath,
) -> Result<Option<serde_json::Value>> {
    let Some(read) = files::read_config(path)? else {
        return Err(Error::EntryNotFound {
            path: path.to_path_buf(),
            key: entry_path.entry_key,
        });
    };
    let text = files::decode(path, &read.bytes, dialect)?;
    document::read_entry(&text, dialect, entry_path)
        .map_err(|e| e.into_error(path, client, dialect))
}
