//! Claude Code: through its own `claude` CLI when it is on PATH, else the project's `.mcp.json`.
//!
//! - With `claude` on PATH, apply runs
//!   `claude mcp add --transport http --scope <user|project> --header "Authorization: Bearer <token>" xano-mcp <url>`
//!   (options before the name; an existing entry is removed first with
//!   `claude mcp remove --scope <scope> xano-mcp`, since `add` refuses a name that exists), and
//!   remove runs `claude mcp remove`. Project scope runs in the project folder. The plan shows
//!   these command lines with the token masked instead of a diff.
//! - Without it, project scope edits `<dir>/.mcp.json`:
//!   `mcpServers.xano-mcp = {"type": "http", "url", "headers"}`, mode 0600 on Unix.
//!   User scope needs the CLI ([`Error::ClaudeCliMissing`]).
//!
//! `~/.claude.json` is Claude Code's private file: we only ever read its top-level `mcpServers` to
//! detect our user-scope entry, never write it (its layout changes between versions).

use crate::client::{Client, Scope};
use crate::diff::mask_secrets;
use crate::document::Dialect;
use crate::entry::EntryShape;
use crate::error::{Error, Result};
use crate::layout::HomeLayout;
use crate::location::{ConfigFile, Location};
use crate::plan::Change;
use crate::spec::{EntrySpec, SERVER_KEY};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

pub(crate) const SHAPE: EntryShape = EntryShape::Url {
    url_key: "url",
    http_type: true,
};

pub(crate) fn location(layout: &HomeLayout, scope: &Scope) -> Location {
    let cli = layout.find_executable("claude");
    let file = match scope {
        Scope::User => {
            let mut file = ConfigFile::new(
                layout.home().join(".claude.json"),
                Dialect::Json,
                "mcpServers",
                SHAPE,
                cli.is_some(),
            );
            file.editable = false;
            file
        }
        Scope::Project(project) => {
            let path = project.join(".mcp.json");
            let installed = cli.is_some() || path.is_file();
            ConfigFile::new(path, Dialect::Json, "mcpServers", SHAPE, installed)
        }
    };
    Location { file, cli }
}

/// One `claude mcp ...` invocation. `Display` shows it with the token masked.
#[derive(Clone, PartialEq, Eq)]
pub struct ClaudeCliCommand {
    program: PathBuf,
    args: Vec<String>,
    current_dir: Option<PathBuf>,
    /// The `remove` before an `add` may fail (the entry may already be gone, or live where we
    /// could not see it); the `add` that follows then reports the real problem.
    may_fail: bool,
}

impl ClaudeCliCommand {
    /// The `claude` executable.
    pub fn program(&self) -> &Path {
        &self.program
    }

    /// The arguments, token included: pass them to a process, never to a screen or a log.
    pub fn args(&self) -> &[String] {
        &self.args
    }

    /// The folder it runs in (the project, for project scope).
    pub fn current_dir(&self) -> Option<&Path> {
        self.current_dir.as_deref()
    }

    /// Whether a failure of this command is tolerated (a `remove` before an `add`).
    pub fn may_fail(&self) -> bool {
        self.may_fail
    }

    /// Runs it; a non-zero exit is [`Error::ClaudeCliFailed`] with masked output.
    pub(crate) fn run(&self) -> Result<()> {
        let mut command = Command::new(&self.program);
        command.args(&self.args);
        if let Some(dir) = &self.current_dir {
            command.current_dir(dir);
        }
        let output = command.output().map_err(|err| Error::ClaudeCliFailed {
            command: self.to_string(),
            status: "could not start".into(),
            output: err.to_string(),
        })?;
        if output.status.success() {
            return Ok(());
        }
        let text = [output.stderr, output.stdout]
            .iter()
            .map(|bytes| String::from_utf8_lossy(bytes).trim().to_string())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("; ");
        Err(Error::ClaudeCliFailed {
            command: self.to_string(),
            status: output.status.to_string(),
            output: mask_secrets(if text.is_empty() { "no output" } else { &text }),
        })
    }
}

impl fmt::Display for ClaudeCliCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut line = shell_quote(&self.program.to_string_lossy());
        for arg in &self.args {
            line.push(' ');
            line.push_str(&shell_quote(arg));
        }
        f.write_str(&mask_secrets(&line))
    }
}

impl fmt::Debug for ClaudeCliCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ClaudeCliCommand({self})")
    }
}

fn shell_quote(arg: &str) -> String {
    if !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@=+,".contains(c))
    {
        arg.to_string()
    } else {
        format!("\"{}\"", arg.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// The commands that carry out `change` for `scope`.
pub(crate) fn commands(
    program: &Path,
    scope: &Scope,
    spec: &EntrySpec,
    change: Change,
) -> Result<Vec<ClaudeCliCommand>> {
    let current_dir = scope.project_dir().map(Path::to_path_buf);
    let command = |args: Vec<String>| ClaudeCliCommand {
        program: program.to_path_buf(),
        args,
        current_dir: current_dir.clone(),
        may_fail: false,
    };
    let scope_label = scope.label().to_string();
    let remove = || {
        command(vec![
            "mcp".into(),
            "remove".into(),
            "--scope".into(),
            scope_label.clone(),
            SERVER_KEY.into(),
        ])
    };
    let add = || -> Result<ClaudeCliCommand> {
        let token = spec.token.as_ref().ok_or_else(|| Error::EntryIncomplete {
            client: Client::ClaudeCode,
            missing: "no local access token was given for it (create one for this client first)"
                .into(),
        })?;
        Ok(command(vec![
            "mcp".into(),
            "add".into(),
            "--transport".into(),
            "http".into(),
            "--scope".into(),
            scope_label.clone(),
            "--header".into(),
            format!("Authorization: {}", token.header_value()),
            SERVER_KEY.into(),
            spec.url.clone(),
        ]))
    };
    Ok(match change {
        Change::Unchanged => Vec::new(),
        Change::Added => vec![add()?],
        Change::Updated => {
            let mut first = remove();
            first.may_fail = true;
            vec![first, add()?]
        }
        Change::Removed => vec![remove()],
    })
}
