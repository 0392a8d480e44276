//! Windsurf: `~/.codeium/windsurf/mcp_config.json` (Windows `%USERPROFILE%\.codeium\windsurf\`),
//! `mcpServers.xano-mcp = {"serverUrl", "headers"}` (`tauri-stack.md` §7.5: Windsurf's key is
//! `serverUrl`; Cursor's `url` is reported not to connect). Plain JSON, user scope only. Holds a
//! token, so mode 0600 on Unix.

use crate::client::{Client, Scope};
use crate::document::Dialect;
use crate::entry::EntryShape;
use crate::error::{Error, Result};
use crate::layout::HomeLayout;
use crate::location::ConfigFile;

pub(crate) fn config_file(layout: &HomeLayout, scope: &Scope) -> Result<ConfigFile> {
    if let Scope::Project(_) = scope {
        return Err(Error::scope_unsupported(
            Client::Windsurf,
            scope,
            "Windsurf reads MCP servers from one file for the whole user.",
        ));
    }
    let dir = layout.home().join(".codeium").join("windsurf");
    Ok(ConfigFile::new(
        dir.join("mcp_config.json"),
        Dialect::Json,
        "mcpServers",
        EntryShape::Url {
            url_key: "serverUrl",
            http_type: false,
        },
        dir.is_dir(),
    ))
}
