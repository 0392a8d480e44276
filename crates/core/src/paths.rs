//! Where the engine keeps its files. One [`Paths`] value, built from the OS data directory or the
//! `XANO_MCP_HOME` override, so tests and demos never touch a real user's folders.
//!
//! Layout under the home directory:
//! - `profiles.json`: instance profiles (no secrets; tokens live in the OS keychain);
//! - `tokens.sqlite3`: local access tokens, stored as hashes only, with their grants;
//! - `history.sqlite3`: the MCP call audit log and synced Xano request history.

use std::path::{Path, PathBuf};

/// The environment variable that moves the engine's home (tests, portable installs).
pub const HOME_ENV: &str = "XANO_MCP_HOME";

/// The engine's file locations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    home: PathBuf,
}

/// The OS has no data directory for this user (no `$HOME`).
#[derive(Debug, thiserror::Error)]
#[error(
    "could not find a data folder for this user; set {HOME_ENV} to a folder xano-mcp may write to"
)]
pub struct NoDataDir;

impl Paths {
    /// `XANO_MCP_HOME` when set, else the OS data directory (`~/.local/share/xano-mcp` on Linux,
    /// `~/Library/Application Support/dev.xanomcp.xano-mcp` on macOS, `%APPDATA%\xanomcp\xano-mcp\data`
    /// on Windows).
    pub fn from_env() -> Result<Self, NoDataDir> {
        if let Some(home) = std::env::var_os(HOME_ENV).filter(|v| !v.is_empty()) {
            return Ok(Self::at(PathBuf::from(home)));
        }
        let dirs = directories::ProjectDirs::from("dev", "xanomcp", "xano-mcp").ok_or(NoDataDir)?;
        Ok(Self::at(dirs.data_dir().to_path_buf()))
    }

    /// Everything under `home` (tests use a temp dir).
    pub fn at(home: impl Into<PathBuf>) -> Self {
        Self { home: home.into() }
    }

    pub fn home(&self) -> &Path {
        &self.home
    }

    pub fn profiles_dir(&self) -> &Path {
        &self.home
    }

    pub fn tokens_db(&self) -> PathBuf {
        self.home.join("tokens.sqlite3")
    }

    pub fn history_db(&self) -> PathBuf {
        self.home.join("history.sqlite3")
    }

    /// Creates the home directory (mode 0700 on Unix) if it is missing.
    pub fn ensure(&self) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.home)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&self.home, std::fs::Permissions::from_mode(0o700))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_live_under_the_home() {
        let p = Paths::at("/tmp/x");
        assert_eq!(p.tokens_db(), PathBuf::from("/tmp/x/tokens.sqlite3"));
        assert_eq!(p.history_db(), PathBuf::from("/tmp/x/history.sqlite3"));
        assert_eq!(p.profiles_dir(), Path::new("/tmp/x"));
    }
}
