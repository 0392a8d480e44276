//! Planning a change to one client's config: what would be written, shown as a diff, without
//! touching anything.
//!
//! Invariants:
//! - [`plan`] only reads. It refuses (with a typed error) what [`apply`](crate::apply) would
//!   refuse: an unparseable file, a folder in the file's place, a read-only file.
//! - A plan records the file's [`Fingerprint`] as read; `apply` writes only if the file still
//!   matches it.
//! - The diff and command lines have every token masked; `before`/`after` are the real texts.
//! - `Debug` of a plan never shows file contents.

use crate::claude_code::{self, ClaudeCliCommand};
use crate::client::{Client, Scope};
use crate::diff;
use crate::document::{self, DocError};
use crate::entry;
use crate::error::{Error, Result};
use crate::files::{self, ConfigRead, Fingerprint};
use crate::layout::HomeLayout;
use crate::location::{ConfigFile, locate};
use crate::spec::EntrySpec;
use std::fmt;
use std::path::{Path, PathBuf};

/// What to do with our entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Add our entry, or bring it up to date (this is also "repair").
    Apply,
    /// Take our entry out, and nothing else.
    Remove,
}

/// What a plan changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Change {
    Added,
    Updated,
    Removed,
    Unchanged,
}

/// A planned change to one client config: a file edit, or (Claude Code with its CLI) commands.
#[derive(Clone)]
pub struct ClientConfigPlan {
    pub(crate) client: Client,
    pub(crate) scope: Scope,
    pub(crate) action: Action,
    pub(crate) change: Change,
    /// The config file (for the Claude Code CLI, the file it keeps the scope in).
    pub(crate) path: PathBuf,
    pub(crate) target: PlanTarget,
}

#[derive(Clone)]
pub(crate) enum PlanTarget {
    File(FileEdit),
    ClaudeCli(Vec<ClaudeCliCommand>),
}

#[derive(Clone)]
pub(crate) struct FileEdit {
    /// The file actually replaced (a symlink's target).
    pub(crate) write_path: PathBuf,
    pub(crate) before: Option<String>,
    pub(crate) after: Option<String>,
    pub(crate) fingerprint: Fingerprint,
    pub(crate) holds_token: bool,
    pub(crate) diff: String,
}

impl ClientConfigPlan {
    pub fn client(&self) -> Client {
        self.client
    }

    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    pub fn action(&self) -> Action {
        self.action
    }

    pub fn change(&self) -> Change {
        self.change
    }

    /// Whether applying would do nothing.
    pub fn is_noop(&self) -> bool {
        self.change == Change::Unchanged
    }

    /// The config file. For Claude Code through its CLI: the file the CLI keeps that scope in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's text as read (`None`: absent, or a CLI plan). Holds real tokens.
    pub fn before(&self) -> Option<&str> {
        match &self.target {
            PlanTarget::File(edit) => edit.before.as_deref(),
            PlanTarget::ClaudeCli(_) => None,
        }
    }

    /// The text that would be written (`None`: nothing to write, or a CLI plan). Holds real
    /// tokens.
    pub fn after(&self) -> Option<&str> {
        match &self.target {
            PlanTarget::File(edit) => edit.after.as_deref(),
            PlanTarget::ClaudeCli(_) => None,
        }
    }

    /// What the file looked like when planned (`None` for CLI plans).
    pub fn fingerprint(&self) -> Option<&Fingerprint> {
        match &self.target {
            PlanTarget::File(edit) => Some(&edit.fingerprint),
            PlanTarget::ClaudeCli(_) => None,
        }
    }

    /// Whether the written file holds a token (it then gets mode 0600 on Unix).
    pub fn holds_token(&self) -> bool {
        match &self.target {
            PlanTarget::File(edit) => edit.holds_token,
            PlanTarget::ClaudeCli(_) => false,
        }
    }

    /// The commands a CLI plan runs (empty for file plans).
    pub fn commands(&self) -> &[ClaudeCliCommand] {
        match &self.target {
            PlanTarget::File(_) => &[],
            PlanTarget::ClaudeCli(commands) => commands,
        }
    }

    /// What to show a person: the unified diff of the file, or the command lines; tokens masked.
    /// Empty when nothing changes.
    pub fn preview(&self) -> String {
        match &self.target {
            PlanTarget::File(edit) => edit.diff.clone(),
            PlanTarget::ClaudeCli(commands) => commands
                .iter()
                .map(|c| format!("$ {c}\n"))
                .collect::<String>(),
        }
    }
}

impl fmt::Debug for ClientConfigPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("ClientConfigPlan");
        s.field("client", &self.client)
            .field("scope", &self.scope)
            .field("action", &self.action)
            .field("change", &self.change)
            .field("path", &self.path);
        match &self.target {
            PlanTarget::File(edit) => s
                .field("fingerprint", &edit.fingerprint)
                .field("holds_token", &edit.holds_token)
                .field("after_len", &edit.after.as_ref().map(String::len)),
            PlanTarget::ClaudeCli(commands) => s.field("commands", commands),
        };
        s.finish()
    }
}

/// Computes the change `action` makes to `client`'s config for `scope`, without touching
/// anything.
pub fn plan(
    layout: &HomeLayout,
    client: Client,
    scope: &Scope,
    spec: &EntrySpec,
    action: Action,
) -> Result<ClientConfigPlan> {
    let location = locate(layout, client, scope)?;
    let file = location.file;
    if let Some(program) = location.cli {
        let (_, existing) = observe(&file, client)?;
        let change = match action {
            Action::Apply => {
                let desired = entry::build(file.shape, client, spec)?;
                change_for_apply(existing.as_ref(), &desired)
            }
            Action::Remove if existing.is_some() => Change::Removed,
            Action::Remove => Change::Unchanged,
        };
        let commands = claude_code::commands(&program, scope, spec, change)?;
        return Ok(ClientConfigPlan {
            client,
            scope: scope.clone(),
            action,
            change,
            path: file.path,
            target: PlanTarget::ClaudeCli(commands),
        });
    }
    if !file.editable {
        return Err(Error::ClaudeCliMissing);
    }
    plan_file(client, scope, file, spec, action)
}

fn change_for_apply(existing: Option<&serde_json::Value>, desired: &serde_json::Value) -> Change {
    match existing {
        None => Change::Added,
        Some(found) if found == desired => Change::Unchanged,
        Some(_) => Change::Updated,
    }
}

fn plan_file(
    client: Client,
    scope: &Scope,
    file: ConfigFile,
    spec: &EntrySpec,
    action: Action,
) -> Result<ClientConfigPlan> {
    let desired = match action {
        Action::Apply => Some(entry::build(file.shape, client, spec)?),
        Action::Remove => None,
    };
    let read = files::read_config(&file.path)?;
    let before = read
        .as_ref()
        .map(|r| files::decode(&file.path, &r.bytes, file.dialect))
        .transpose()?;
    let doc_error = |e| doc_error(&file, client, e);
    let (change, after) = match (&desired, &before) {
        (Some(desired), None) => {
            if let Some(hint) = file.requires_existing_dir
                && !file.path.parent().is_some_and(Path::is_dir)
            {
                return Err(Error::ClientNotInstalled {
                    client,
                    hint: hint.to_string(),
                });
            }
            (
                Change::Added,
                Some(document::fresh_text(file.entry_path, desired)),
            )
        }
        (Some(desired), Some(text)) => {
            let existing =
                document::read_entry(text, file.dialect, file.entry_path).map_err(doc_error)?;
            match change_for_apply(existing.as_ref(), desired) {
                Change::Unchanged => (Change::Unchanged, None),
                change => (
                    change,
                    Some(
                        document::upsert_entry(text, file.dialect, file.entry_path, desired)
                            .map_err(doc_error)?,
                    ),
                ),
            }
        }
        (None, None) => (Change::Unchanged, None),
        (None, Some(text)) => {
            match document::remove_entry(text, file.dialect, file.entry_path).map_err(doc_error)? {
                Some(after) => (Change::Removed, Some(after)),
                None => (Change::Unchanged, None),
            }
        }
    };
    if change != Change::Unchanged && read.as_ref().is_some_and(ConfigRead::read_only) {
        return Err(Error::ReadOnly { path: file.path });
    }
    let diff = match &after {
        Some(after) => diff::unified(&file.path.display().to_string(), before.as_deref(), after),
        None => String::new(),
    };
    Ok(ClientConfigPlan {
        client,
        scope: scope.clone(),
        action,
        change,
        target: PlanTarget::File(FileEdit {
            write_path: files::write_target(&file.path),
            fingerprint: Fingerprint::of(read.as_ref()),
            holds_token: action == Action::Apply && file.shape.holds_token(),
            before,
            after,
            diff,
        }),
        path: file.path,
    })
}

/// Whether `file` exists, and our entry in it. A file only the client may change
/// (`~/.claude.json`) is read on a best-effort basis: if it cannot be read or parsed, our entry
/// counts as absent rather than failing (the CLI, not us, is in charge of that file).
pub(crate) fn observe(
    file: &ConfigFile,
    client: Client,
) -> Result<(bool, Option<serde_json::Value>)> {
    let read = || -> Result<(bool, Option<serde_json::Value>)> {
        let Some(read) = files::read_config(&file.path)? else {
            return Ok((false, None));
        };
        let text = files::decode(&file.path, &read.bytes, file.dialect)?;
        let entry = document::read_entry(&text, file.dialect, file.entry_path)
            .map_err(|e| doc_error(file, client, e))?;
        Ok((true, entry))
    };
    match read() {
        Err(_) if !file.editable => Ok((file.path.exists(), None)),
        other => other,
    }
}

pub(crate) fn doc_error(file: &ConfigFile, client: Client, error: DocError) -> Error {
    error.into_error(&file.path, client, file.dialect)
}
