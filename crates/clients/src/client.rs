//! The AI clients we configure and the scopes (user-wide or one project) their configs live in.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// An AI client we know how to configure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Client {
    ClaudeDesktop,
    Cursor,
    ClaudeCode,
    VsCode,
    Windsurf,
    Zed,
}

impl Client {
    /// Every client, in the order the UI lists them.
    pub const ALL: [Client; 6] = [
        Client::ClaudeDesktop,
        Client::Cursor,
        Client::ClaudeCode,
        Client::VsCode,
        Client::Windsurf,
        Client::Zed,
    ];

    /// The id used on the command line (`claude-desktop`, `cursor`, `claude-code`, `vscode`,
    /// `windsurf`, `zed`).
    pub fn id(self) -> &'static str {
        match self {
            Client::ClaudeDesktop => "claude-desktop",
            Client::Cursor => "cursor",
            Client::ClaudeCode => "claude-code",
            Client::VsCode => "vscode",
            Client::Windsurf => "windsurf",
            Client::Zed => "zed",
        }
    }

    /// The product name.
    pub fn name(self) -> &'static str {
        match self {
            Client::ClaudeDesktop => "Claude Desktop",
            Client::Cursor => "Cursor",
            Client::ClaudeCode => "Claude Code",
            Client::VsCode => "VS Code",
            Client::Windsurf => "Windsurf",
            Client::Zed => "Zed",
        }
    }

    /// Whether the client has a per-project config we write.
    pub fn has_project_scope(self) -> bool {
        matches!(self, Client::Cursor | Client::ClaudeCode | Client::VsCode)
    }
}

impl fmt::Display for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An unknown client id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown AI client `{0}`; use one of claude-desktop, cursor, claude-code, vscode, windsurf, zed"
)]
pub struct UnknownClient(pub String);

impl FromStr for Client {
    type Err = UnknownClient;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        Client::ALL
            .into_iter()
            .find(|c| c.id() == wanted || c.id().replace('-', "") == wanted.replace(['-', '_'], ""))
            .ok_or_else(|| UnknownClient(s.to_string()))
    }
}

/// Which config of a client: the user-wide one, or the one of a project folder.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    User,
    /// The project's root folder.
    Project(PathBuf),
}

impl Scope {
    /// `user` or `project`, as `claude mcp --scope` spells it.
    pub fn label(&self) -> &'static str {
        match self {
            Scope::User => "user",
            Scope::Project(_) => "project",
        }
    }

    /// The project folder, for project scope.
    pub fn project_dir(&self) -> Option<&Path> {
        match self {
            Scope::User => None,
            Scope::Project(dir) => Some(dir),
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::User => f.write_str("user"),
            Scope::Project(dir) => write!(f, "project {}", dir.display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_common_spellings_parse() {
        for client in Client::ALL {
            assert_eq!(client.id().parse::<Client>(), Ok(client));
        }
        assert_eq!("VS-Code".parse::<Client>(), Ok(Client::VsCode));
        assert_eq!(
            "claude_desktop".parse::<Client>(),
            Ok(Client::ClaudeDesktop)
        );
        assert!("notepad".parse::<Client>().is_err());
    }
}
