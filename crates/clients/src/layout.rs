//! Where a user's folders are: the operating system's conventions plus the handful of folders the
//! client configs hang off (home, the Linux XDG config folder, Windows' APPDATA and LOCALAPPDATA),
//! and the PATH used to look for the `claude` executable.
//!
//! Invariant: every path this crate reads or writes is derived from one [`HomeLayout`]. The real
//! one comes from the environment ([`HomeLayout::from_env`]); tests build one over a temp folder
//! for any OS ([`HomeLayout::for_test`]), so they never touch the real home and can simulate the
//! macOS and Windows layouts on Linux.

use crate::error::{Error, Result};
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

/// The operating systems whose config layouts we know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Os {
    MacOs,
    Windows,
    Linux,
}

impl Os {
    /// All of them, for tests and listings.
    pub const ALL: [Os; 3] = [Os::MacOs, Os::Windows, Os::Linux];

    /// The OS this binary was built for. Other Unix systems use the Linux layout.
    pub fn current() -> Os {
        if cfg!(target_os = "macos") {
            Os::MacOs
        } else if cfg!(windows) {
            Os::Windows
        } else {
            Os::Linux
        }
    }

    /// A short lowercase id (`macos`, `windows`, `linux`).
    pub fn id(self) -> &'static str {
        match self {
            Os::MacOs => "macos",
            Os::Windows => "windows",
            Os::Linux => "linux",
        }
    }
}

impl fmt::Display for Os {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Os::MacOs => "macOS",
            Os::Windows => "Windows",
            Os::Linux => "Linux",
        })
    }
}

/// The folders client configs live under, for one user on one OS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HomeLayout {
    os: Os,
    home: PathBuf,
    /// Linux: `$XDG_CONFIG_HOME` or `~/.config`. Other OSes: `~/.config` (Zed uses it on macOS).
    config_home: PathBuf,
    /// Windows `%APPDATA%` (Roaming).
    app_data: Option<PathBuf>,
    /// Windows `%LOCALAPPDATA%`.
    local_app_data: Option<PathBuf>,
    /// The executable search path (`PATH`), used only to find `claude`.
    search_path: OsString,
}

impl HomeLayout {
    /// The real layout of the current user, from the environment.
    pub fn from_env() -> Result<Self> {
        let os = Os::current();
        let home = dirs::home_dir().ok_or(Error::NoHome)?;
        let config_home = match os {
            Os::Linux => dirs::config_dir().unwrap_or_else(|| home.join(".config")),
            Os::MacOs | Os::Windows => home.join(".config"),
        };
        let (app_data, local_app_data) = match os {
            Os::Windows => (dirs::config_dir(), dirs::data_local_dir()),
            Os::MacOs | Os::Linux => (None, None),
        };
        Ok(HomeLayout {
            os,
            home,
            config_home,
            app_data,
            local_app_data,
            search_path: std::env::var_os("PATH").unwrap_or_default(),
        })
    }

    /// A layout rooted at `home` for `os`, laid out as that OS's defaults would be (Windows:
    /// `AppData\Roaming` and `AppData\Local` under `home`; Linux: `.config` under `home`). The
    /// search path is empty, so no `claude` is found unless [`HomeLayout::with_search_path`] says
    /// where to look.
    pub fn for_test(os: Os, home: impl Into<PathBuf>) -> Self {
        let home = home.into();
        let (app_data, local_app_data) = match os {
            Os::Windows => (
                Some(home.join("AppData").join("Roaming")),
                Some(home.join("AppData").join("Local")),
            ),
            Os::MacOs | Os::Linux => (None, None),
        };
        HomeLayout {
            os,
            config_home: home.join(".config"),
            home,
            app_data,
            local_app_data,
            search_path: OsString::new(),
        }
    }

    /// The same layout with another executable search path (a `PATH`-style list).
    pub fn with_search_path(mut self, search_path: impl Into<OsString>) -> Self {
        self.search_path = search_path.into();
        self
    }

    pub fn os(&self) -> Os {
        self.os
    }

    pub fn home(&self) -> &Path {
        &self.home
    }

    /// Linux: `$XDG_CONFIG_HOME` (default `~/.config`); elsewhere `~/.config`.
    pub fn config_home(&self) -> &Path {
        &self.config_home
    }

    /// macOS `~/Library/Application Support`.
    pub fn application_support(&self) -> PathBuf {
        self.home.join("Library").join("Application Support")
    }

    /// Windows `%APPDATA%` (falls back to `~\AppData\Roaming` if the variable was not set).
    pub fn app_data(&self) -> PathBuf {
        self.app_data
            .clone()
            .unwrap_or_else(|| self.home.join("AppData").join("Roaming"))
    }

    /// Windows `%LOCALAPPDATA%` (falls back to `~\AppData\Local`).
    pub fn local_app_data(&self) -> PathBuf {
        self.local_app_data
            .clone()
            .unwrap_or_else(|| self.home.join("AppData").join("Local"))
    }

    /// The executable search path used to find `claude`.
    pub fn search_path(&self) -> &std::ffi::OsStr {
        &self.search_path
    }

    /// Finds an executable called `name` on the search path (on Windows also `name.exe`,
    /// `name.cmd`, `name.bat`). The first match wins, as a shell would pick it.
    pub fn find_executable(&self, name: &str) -> Option<PathBuf> {
        let candidates: Vec<String> = match self.os {
            Os::Windows => ["exe", "cmd", "bat"]
                .iter()
                .map(|ext| format!("{name}.{ext}"))
                .chain(std::iter::once(name.to_string()))
                .collect(),
            Os::MacOs | Os::Linux => vec![name.to_string()],
        };
        std::env::split_paths(&self.search_path)
            .filter(|dir| !dir.as_os_str().is_empty())
            .flat_map(|dir| candidates.iter().map(move |c| dir.join(c)))
            .find(|path| is_executable(path))
    }
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file())
}
