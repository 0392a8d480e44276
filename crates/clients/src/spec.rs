//! What our entry in a client config says: the server URL, the local access token (URL entries),
//! and the stdio bridge command (Claude Desktop). Nothing else goes into an entry.
//!
//! Invariant: a [`BearerToken`] never shows in `Debug` output; the only places its text appears
//! are the config file contents written for URL clients and the `claude mcp add` command line.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// Our entry's key in every client file.
pub const SERVER_KEY: &str = "xano-mcp";

/// The default port of the local MCP server.
pub const DEFAULT_PORT: u16 = 7717;

/// The URL of the local MCP server on `port`.
pub fn server_url(port: u16) -> String {
    format!("http://127.0.0.1:{port}/mcp")
}

/// A local access token as it goes after `Bearer ` (e.g. `xmcp_` + 43 base64url characters).
#[derive(Clone, PartialEq, Eq)]
pub struct BearerToken(String);

impl BearerToken {
    pub fn new(token: impl Into<String>) -> Self {
        BearerToken(token.into())
    }

    /// The secret itself, for writing it where it belongs.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The form shown to people: `xmcp_…` (or `…` for tokens without our prefix).
    pub fn masked(&self) -> String {
        crate::diff::mask_secrets(&format!("Bearer {}", self.0))["Bearer ".len()..].to_string()
    }

    /// The `Authorization` header value.
    pub(crate) fn header_value(&self) -> String {
        format!("Bearer {}", self.0)
    }
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BearerToken({})", self.masked())
    }
}

/// The command a stdio client (Claude Desktop) runs: our `xano-mcp` binary by absolute path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StdioCommand {
    /// Absolute path of the `xano-mcp` binary.
    pub command: PathBuf,
    pub args: Vec<String>,
    /// Written as `"env"` only when not empty (e.g. `XANO_MCP_HOME` when it is not the default).
    pub env: BTreeMap<String, String>,
}

impl StdioCommand {
    /// `<binary> stdio --token-name <token_name>`: the bridge reads its token from the keychain by
    /// name, so no secret goes into the file.
    pub fn bridge(binary: impl Into<PathBuf>, token_name: &str) -> Self {
        StdioCommand {
            command: binary.into(),
            args: vec![
                "stdio".to_string(),
                "--token-name".to_string(),
                token_name.to_string(),
            ],
            env: BTreeMap::new(),
        }
    }

    /// The same command with one more environment variable.
    pub fn with_env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.insert(key.into(), value.into());
        self
    }
}

/// Everything our entry can say. URL clients use `url` and `token`; Claude Desktop uses `stdio`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntrySpec {
    /// `http://127.0.0.1:<port>/mcp`.
    pub url: String,
    /// The client's local access token. Needed to write URL entries; optional for detection
    /// (when given, a different token in the file makes the entry stale).
    pub token: Option<BearerToken>,
    /// The stdio bridge command, for Claude Desktop.
    pub stdio: Option<StdioCommand>,
}

impl EntrySpec {
    /// An entry for `url`, without token or stdio command yet.
    pub fn new(url: impl Into<String>) -> Self {
        EntrySpec {
            url: url.into(),
            token: None,
            stdio: None,
        }
    }

    /// An entry for the local server on `port`.
    pub fn for_port(port: u16) -> Self {
        EntrySpec::new(server_url(port))
    }

    pub fn with_token(mut self, token: BearerToken) -> Self {
        self.token = Some(token);
        self
    }

    pub fn with_stdio(mut self, stdio: StdioCommand) -> Self {
        self.stdio = Some(stdio);
        self
    }
}
