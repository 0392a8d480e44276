//! Zed: `context_servers.xano-mcp = {"url", "headers"}` in Zed's `settings.json`
//! (`tauri-stack.md` §7.6), a JSONC file full of the user's other settings and comments, all of
//! which are kept. Holds a token, so mode 0600 on Unix.
//!
//! Paths: Linux `$XDG_CONFIG_HOME/zed/settings.json` (`~/.config/zed`), macOS
//! `~/.config/zed/settings.json`, Windows `%APPDATA%\Zed\settings.json` (Zed's own
//! `paths::config_dir`; the research doc lists only Linux and macOS). User scope only.

use crate::client::{Client, Scope};
use crate::document::Dialect;
use crate::entry::EntryShape;
use crate::error::{Error, Result};
use crate::layout::{HomeLayout, Os};
use crate::location::ConfigFile;

pub(crate) fn config_file(layout: &HomeLayout, scope: &Scope) -> Result<ConfigFile> {
    if let Scope::Project(_) = scope {
        return Err(Error::scope_unsupported(
            Client::Zed,
            scope,
            "Configure Zed for the whole user instead.",
        ));
    }
    let dir = match layout.os() {
        Os::Linux => layout.config_home().join("zed"),
        Os::MacOs => layout.home().join(".config").join("zed"),
        Os::Windows => layout.app_data().join("Zed"),
    };
    Ok(ConfigFile::new(
        dir.join("settings.json"),
        Dialect::Jsonc,
        "context_servers",
        EntryShape::Url {
            url_key: "url",
            http_type: false,
        },
        dir.is_dir(),
    ))
}
