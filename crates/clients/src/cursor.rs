//! Cursor: a URL entry `{"url", "headers": {"Authorization": "Bearer <token>"}}` under
//! `mcpServers`, in the global `~/.cursor/mcp.json` (Windows `%USERPROFILE%\.cursor\mcp.json`) or a
//! project's `<dir>/.cursor/mcp.json` (`tauri-stack.md` §7.2). Plain JSON. The file holds a token,
//! so it is written with mode 0600 on Unix.

use crate::client::{Client, Scope};
use crate::document::{Dialect, EntryPath};
use crate::entry::{self, EntryShape, UrlEndpoint};
use crate::error::{Error, Result};
use crate::layout::HomeLayout;
use crate::location::ConfigFile;
use crate::spec::SERVER_KEY;
use std::path::Path;

const ROOT_KEY: &str = "mcpServers";
const URL_KEY: &str = "url";

pub(crate) fn config_file(layout: &HomeLayout, scope: &Scope) -> ConfigFile {
    let user_dir = layout.home().join(".cursor");
    let dir = match scope {
        Scope::User => user_dir.clone(),
        Scope::Project(project) => project.join(".cursor"),
    };
    ConfigFile::new(
        dir.join("mcp.json"),
        Dialect::Json,
        ROOT_KEY,
        EntryShape::Url {
            url_key: URL_KEY,
            http_type: false,
        },
        user_dir.is_dir(),
    )
}

/// The URL and headers of our entry in a Cursor config file, as Cursor would use them. Used by
/// the end-to-end test that connects over HTTP.
pub fn entry_endpoint(config_file: &Path) -> Result<UrlEndpoint> {
    let path = EntryPath {
        root_key: ROOT_KEY,
        entry_key: SERVER_KEY,
    };
    let entry =
        crate::detect::read_entry_from_file(config_file, Client::Cursor, Dialect::Json, path)?
            .ok_or_else(|| Error::EntryNotFound {
                path: config_file.to_path_buf(),
                key: SERVER_KEY,
            })?;
    entry::url_endpoint(&entry, URL_KEY).ok_or_else(|| Error::UnexpectedShape {
        path: config_file.to_path_buf(),
        client: Client::Cursor,
        message: format!("the `{SERVER_KEY}` entry has no `url`"),
    })
}
