//! Carrying out a [`ClientConfigPlan`].
//!
//! For a file, in this order, stopping at the first failure with everything as it was:
//! 1. re-read the file and refuse with [`Error::ChangedSincePlan`] unless it still matches the
//!    plan's fingerprint (an absent file must still be absent);
//! 2. refuse a read-only file;
//! 3. write the new text to a temp file in the same folder (mode 0600 on Unix when it holds a
//!    token; otherwise the old file's permissions), flushed to disk;
//! 4. if the file existed, copy its exact bytes to `<file>.xano-mcp-backup-<UTC timestamp>`
//!    beside it (mode 0600: it may hold tokens);
//! 5. rename the temp file over the file (atomic on the same file system).
//!
//! A failure after step 4 removes the fresh backup; the temp file is always removed on failure.
//! The user's file is never deleted, only replaced.
//!
//! For the Claude Code CLI, the plan's commands run in order.

use crate::error::{Error, Result};
use crate::files::{self, Fingerprint};
use crate::plan::{Change, ClientConfigPlan, FileEdit, PlanTarget};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;
use time::macros::format_description;

/// What applying a plan did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyOutcome {
    pub change: Change,
    /// The config file (for CLI plans, the file the CLI keeps the scope in).
    pub path: PathBuf,
    /// The backup of the old file, when one was made.
    pub backup: Option<PathBuf>,
    /// The commands run (CLI plans), tokens masked.
    pub commands_run: Vec<String>,
}

/// Applies `plan` now.
pub fn apply(plan: &ClientConfigPlan) -> Result<ApplyOutcome> {
    apply_at(plan, OffsetDateTime::now_utc())
}

/// Applies `plan`, naming a backup after `now` (converted to UTC).
pub fn apply_at(plan: &ClientConfigPlan, now: OffsetDateTime) -> Result<ApplyOutcome> {
    let mut outcome = ApplyOutcome {
        change: plan.change,
        path: plan.path.clone(),
        backup: None,
        commands_run: Vec::new(),
    };
    match &plan.target {
        PlanTarget::ClaudeCli(commands) => {
            for command in commands {
                match command.run() {
                    Ok(()) => outcome.commands_run.push(command.to_string()),
                    Err(_) if command.may_fail() => {
                        outcome
                            .commands_run
                            .push(format!("{command} (failed, ignored)"));
                    }
                    Err(err) => return Err(err),
                }
            }
        }
        PlanTarget::File(edit) => {
            outcome.backup = apply_file(&plan.path, edit, now)?;
        }
    }
    Ok(outcome)
}

fn apply_file(path: &Path, edit: &FileEdit, now: OffsetDateTime) -> Result<Option<PathBuf>> {
    let target = &edit.write_path;
    let current = files::read_config(target)?;
    if Fingerprint::of(current.as_ref()) != edit.fingerprint {
        return Err(Error::ChangedSincePlan {
            path: path.to_path_buf(),
        });
    }
    let Some(after) = &edit.after else {
        return Ok(None);
    };
    if current.as_ref().is_some_and(|c| c.read_only()) {
        return Err(Error::ReadOnly {
            path: path.to_path_buf(),
        });
    }
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if current.is_none() {
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, "create the folder", &e))?;
    }

    let file_name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "config".into());
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{file_name}.xano-mcp-"))
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, "write a temporary file in", &e))?;
    temp.write_all(after.as_bytes())
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| Error::io(temp.path(), "write", &e))?;
    set_permissions(
        temp.path(),
        edit.holds_token,
        current.as_ref().map(|c| &c.permissions),
    )?;

    let backup = match &current {
        Some(read) => Some(write_backup(target, &read.bytes, now)?),
        None => None,
    };
    if let Err(err) = temp.persist(target) {
        if let Some(backup) = &backup {
            let _ = fs::remove_file(backup);
        }
        return Err(Error::io(target, "replace", &err.error));
    }
    sync_dir(dir);
    Ok(backup)
}

#[cfg(unix)]
fn set_permissions(path: &Path, holds_token: bool, old: Option<&fs::Permissions>) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = if holds_token {
        0o600
    } else {
        old.map_or(0o644, |p| p.mode() & 0o7777)
    };
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .map_err(|e| Error::io(path, "set permissions on", &e))
}

#[cfg(not(unix))]
fn set_permissions(_path: &Path, _holds_token: bool, _old: Option<&fs::Permissions>) -> Result<()> {
    Ok(())
}

/// `<file>.xano-mcp-backup-<YYYYMMDDTHHMMSSZ>` (with `-2`, `-3`, ... if that name is taken),
/// created new, holding `bytes`.
fn write_backup(target: &Path, bytes: &[u8], now: OffsetDateTime) -> Result<PathBuf> {
    let stamp = now
        .to_offset(time::UtcOffset::UTC)
        .format(format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_else(|_| "unknown-time".into());
    let base = format!("{}.xano-mcp-backup-{stamp}", target.display());
    for attempt in 1..=100 {
        let path = PathBuf::from(if attempt == 1 {
            base.clone()
        } else {
            format!("{base}-{attempt}")
        });
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(&path) {
            Ok(mut file) => {
                let written = file.write_all(bytes).and_then(|()| file.sync_all());
                if let Err(err) = written {
                    drop(file);
                    let _ = fs::remove_file(&path);
                    return Err(Error::io(&path, "write the backup", &err));
                }
                return Ok(path);
            }
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(err) => return Err(Error::io(&path, "write the backup", &err)),
        }
    }
    Err(Error::Io {
        path: PathBuf::from(base),
        action: "write the backup",
        kind: std::io::ErrorKind::AlreadyExists,
        message: "too many backups with this timestamp".into(),
    })
}

/// Flushes the rename to disk where the OS allows it; failure only weakens durability.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(handle) = fs::File::open(dir) {
        let _ = handle.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}
