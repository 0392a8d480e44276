//! VS Code (Copilot agent mode): `servers.xano-mcp = {"type": "http", "url", "headers"}` in the
//! user profile's `mcp.json` or a workspace's `<dir>/.vscode/mcp.json` (`tauri-stack.md` §7.4).
//!
//! User file: Linux `$XDG_CONFIG_HOME/Code/User/mcp.json` (`~/.config/Code/User/mcp.json`), macOS
//! `~/Library/Application Support/Code/User/mcp.json`, Windows `%APPDATA%\Code\User\mcp.json`.
//! The file is JSONC: comments and trailing commas are accepted and kept. Its other root key,
//! `inputs`, is left alone. Holds a token, so mode 0600 on Unix.

use crate::client::Scope;
use crate::document::Dialect;
use crate::entry::EntryShape;
use crate::layout::{HomeLayout, Os};
use crate::location::ConfigFile;
use std::path::PathBuf;

fn code_dir(layout: &HomeLayout) -> PathBuf {
    match layout.os() {
        Os::Linux => layout.config_home().join("Code"),
        Os::MacOs => layout.application_support().join("Code"),
        Os::Windows => layout.app_data().join("Code"),
    }
}

pub(crate) fn config_file(layout: &HomeLayout, scope: &Scope) -> ConfigFile {
    let code = code_dir(layout);
    let path = match scope {
        Scope::User => code.join("User").join("mcp.json"),
        Scope::Project(project) => project.join(".vscode").join("mcp.json"),
    };
    ConfigFile::new(
        path,
        Dialect::Jsonc,
        "servers",
        EntryShape::Url {
            url_key: "url",
            http_type: true,
        },
        code.is_dir(),
    )
}
