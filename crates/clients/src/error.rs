//! Errors of the client config writers. Each message names the file (or client) and says what to
//! do next, in words a non-technical user can act on. No message ever contains a token: the only
//! places a token can appear are file contents and command lines, and both are masked before they
//! reach an error.

use crate::client::{Client, Scope};
use std::io;
use std::path::{Path, PathBuf};

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong detecting, planning or applying a client config change.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file exists but is not valid JSON (or JSONC, for the clients that accept comments).
    /// Nothing was written.
    #[error(
        "{} is not valid {dialect} (line {line}, column {column}: {message}). Nothing was changed. Fix that spot in a text editor (or move the file aside) and try again.",
        path.display()
    )]
    ConfigUnparseable {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
        /// "JSON" or "JSON with comments".
        dialect: &'static str,
    },

    /// The file parses but does not have the shape the client reads (e.g. the top level is an
    /// array, or `mcpServers` is a string). Nothing was written.
    #[error(
        "{} does not look like a {client} config: {message}. Nothing was changed. Fix it in a text editor (or move the file aside) and try again.",
        path.display()
    )]
    UnexpectedShape {
        path: PathBuf,
        client: Client,
        message: String,
    },

    /// Something other than a regular file (usually a folder) sits where the config file belongs.
    #[error(
        "{} is {found}, not a file. Nothing was changed. Move it out of the way (the client expects a file there) and try again.",
        path.display()
    )]
    NotAFile { path: PathBuf, found: &'static str },

    /// The file is marked read-only, so we refuse to replace it.
    #[error(
        "{} is read-only, so it was left as it is. Make it writable (for example `chmod u+w` on macOS/Linux, or untick Read-only in its Properties on Windows) and try again.",
        path.display()
    )]
    ReadOnly { path: PathBuf },

    /// The operating system refused access to the file or its folder.
    #[error(
        "Permission denied while trying to {action} {}. Nothing was changed. Check that your user may read and write that folder, then try again.",
        path.display()
    )]
    PermissionDenied { path: PathBuf, action: &'static str },

    /// Any other I/O failure.
    #[error(
        "Could not {action} {}: {message}. Nothing was changed. Check the disk and the folder, then try again.",
        path.display()
    )]
    Io {
        path: PathBuf,
        action: &'static str,
        kind: io::ErrorKind,
        message: String,
    },

    /// The file changed on disk after the plan was made (another program or the user edited it).
    #[error(
        "{} changed after the preview was made, so it was left as it is. Review the change again and apply the new preview.",
        path.display()
    )]
    ChangedSincePlan { path: PathBuf },

    /// The project folder given for a project scope does not exist.
    #[error(
        "The project folder {} does not exist. Check the path (it should be the project's root folder) and try again.",
        path.display()
    )]
    ProjectNotFound { path: PathBuf },

    /// The client does not appear to be installed where writing would make sense.
    #[error("{client} does not appear to be installed: {hint}")]
    ClientNotInstalled { client: Client, hint: String },

    /// The client has no config for that scope.
    #[error("{client} has no {scope} configuration. {hint}")]
    ScopeUnsupported {
        client: Client,
        scope: &'static str,
        hint: &'static str,
    },

    /// The entry spec lacks something this client's entry needs.
    #[error("Cannot write the {client} entry: {missing}.")]
    EntryIncomplete { client: Client, missing: String },

    /// The `claude` CLI was needed but is not on PATH.
    #[error(
        "Claude Code's user-level MCP servers can only be changed through its `claude` command, which is not on PATH. Install Claude Code (or add it to PATH), or configure a project instead (a `.mcp.json` in the project folder)."
    )]
    ClaudeCliMissing,

    /// `claude mcp ...` ran and failed. `command` and `output` have the token masked.
    #[error(
        "`{command}` failed ({status}): {output}. Check that Claude Code works in a terminal (`claude mcp list`), then try again."
    )]
    ClaudeCliFailed {
        command: String,
        status: String,
        output: String,
    },

    /// Our entry is not in the file (read-back helpers).
    #[error("{} has no `{key}` entry. Apply the configuration first.", path.display())]
    EntryNotFound { path: PathBuf, key: &'static str },

    /// No home folder could be determined from the environment.
    #[error(
        "Could not find your home folder. Set the HOME environment variable (USERPROFILE on Windows) and try again."
    )]
    NoHome,
}

impl Error {
    /// Maps an I/O error on `path` to the most specific variant.
    pub(crate) fn io(path: &Path, action: &'static str, err: &io::Error) -> Self {
        match err.kind() {
            io::ErrorKind::PermissionDenied => Error::PermissionDenied {
                path: path.to_path_buf(),
                action,
            },
            io::ErrorKind::IsADirectory => Error::NotAFile {
                path: path.to_path_buf(),
                found: "a folder",
            },
            kind => Error::Io {
                path: path.to_path_buf(),
                action,
                kind,
                message: err.to_string(),
            },
        }
    }

    /// A scope the client does not have.
    pub(crate) fn scope_unsupported(client: Client, scope: &Scope, hint: &'static str) -> Self {
        Error::ScopeUnsupported {
            client,
            scope: scope.label(),
            hint,
        }
    }
}
