//! The stdio bridge's forwarding mode: when our HTTP server is already running (the desktop app or
//! `xano-mcp serve`), a stdio client's calls are relayed to it with the same local token, so the one
//! running server applies its policy, its approvals (the app's dialogs) and its audit log to them.
//! When no server answers, the bridge runs the engine in-process instead (see the CLI).
//!
//! Each relayed call carries the stdio client's own name and version in `_meta` (the
//! `io.modelcontextprotocol/clientInfo` key), so the server's audit log and approval prompts name
//! the real client (e.g. Claude Desktop), not the bridge.

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, ClientCapabilities, ClientConfig, Implementation,
    ListToolsResult, PaginatedRequestParams, ServerConfig,
};
use rmcp::service::{RequestContext, RunningService};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::{ErrorData, RoleClient, RoleServer, ServerHandler, ServiceExt};

/// A server that relays tools to another MCP server over HTTP.
pub struct ForwardingServer {
    upstream: RunningService<RoleClient, ClientConfig>,
    info: ServerConfig,
}

impl std::fmt::Debug for ForwardingServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ForwardingServer").finish_non_exhaustive()
    }
}

impl ForwardingServer {
    /// Connects to `url` with `token`; `None` when nothing of ours answers there.
    pub async fn connect(url: &str, token: &str) -> Option<Self> {
        let transport = StreamableHttpClientTransport::from_config(
            StreamableHttpClientTransportConfig::with_uri(url.to_owned())
                .auth_header(token.to_owned()),
        );
        let me = ClientConfig::new(
            ClientCapabilities::default(),
            Implementation::new("xano-mcp stdio bridge", env!("CARGO_PKG_VERSION")),
        );
        let upstream = me.serve(transport).await.ok()?;
        let server = upstream.peer_info()?;
        let server_info = server
            .server_info
            .clone()
            .filter(|i| i.name == crate::server::SERVER_NAME)?;
        let info = ServerConfig::new(server.capabilities.clone()).with_server_info(server_info);
        let info = match &server.instructions {
            Some(i) => info.with_instructions(i.clone()),
            None => info,
        };
        Some(Self { upstream, info })
    }
}

fn relay_error(e: rmcp::ServiceError) -> ErrorData {
    ErrorData::internal_error(
        format!("the running Xano MCP server did not answer: {e}. Check that it is still running."),
        None,
    )
}

impl ServerHandler for ForwardingServer {
    fn get_info(&self) -> ServerConfig {
        self.info.clone()
    }

    async fn list_tools(
        &self,
        request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        self.upstream.list_tools(request).await.map_err(relay_error)
    }

    async fn call_tool(
        &self,
        mut request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let client = context
            .meta
            .client_info()
            .or_else(|| context.peer.peer_info().map(|p| p.client_info.clone()));
        if let Some(client) = client {
            let meta = request.meta.get_or_insert_with(Default::default);
            if meta.client_info().is_none() {
                meta.set_client_info(client);
            }
        }
        self.upstream
            .call_tool(request)
            .await
            .map(Into::into)
            .map_err(relay_error)
    }
}
