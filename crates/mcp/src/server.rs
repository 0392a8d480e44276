//! The MCP server: Xano's tool names wired to the tools' logic with rmcp.
//!
//! Each tool method only picks its mode (execute, or preview for `dry_run`) and hands its typed
//! arguments to the function in `tools/`. [`XanoMcpServer::run`] is the one place every call goes
//! through: it builds the call context (progress to the client, the record of Xano requests),
//! shapes the result (output cap, structured content + JSON text) and turns failures into
//! `isError: true` results. Access policy and the audit log wrap it through [`CallHook`].

use crate::context::{CallCx, Mode, ProgressFn, XanoCall};
use crate::engine::Engine;
use crate::error::{ToolError, ToolResult};
use crate::shaping::cap_output;
use crate::tools::{apis, content, history, tables, workspace};
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::tool::ToolCallContext;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    ListToolsResult, PaginatedRequestParams, ProgressNotificationParam, ServerCapabilities,
    ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler, tool, tool_router};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

/// What the server says about itself in `initialize`.
pub const SERVER_NAME: &str = "xano-mcp";

/// The outcome of one call, as seen by a [`CallHook`].
#[derive(Debug, Clone)]
pub struct CallOutcome {
    pub tool: String,
    pub arguments: Value,
    pub dry_run: bool,
    pub error: Option<ToolError>,
    pub xano_calls: Vec<XanoCall>,
    pub rows_affected: Option<u64>,
    pub duration_ms: u64,
}

/// Policy and audit around every call: `before` may refuse a call (its error is returned to the
/// model as a tool error), `shape` may narrow a result (e.g. to the workspaces a token may see),
/// `after` sees every outcome. Each method gets the request context, which carries the caller's
/// identity (HTTP request extensions) and the client's name.
pub trait CallHook: Send + Sync + 'static {
    /// Whether `tool` is listed and callable at all for this caller.
    fn allows_tool(&self, _ctx: &RequestContext<RoleServer>, _tool: &str) -> bool {
        true
    }
    /// Checks a call before it runs.
    fn before(
        &self,
        _ctx: &RequestContext<RoleServer>,
        _tool: &str,
        _arguments: &Value,
    ) -> impl Future<Output = ToolResult<()>> + Send {
        async { Ok(()) }
    }
    /// Narrows a successful result to what the caller may see.
    fn shape(&self, _ctx: &RequestContext<RoleServer>, _tool: &str, _result: &mut Value) {}
    /// Sees every outcome.
    fn after(&self, _ctx: &RequestContext<RoleServer>, _outcome: CallOutcome) {}
}

/// No policy, no audit (tests and embedding).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHook;
impl CallHook for NoHook {}

/// The MCP server over one Xano engine.
pub struct XanoMcpServer<H: CallHook = NoHook> {
    engine: Arc<Engine>,
    hook: Arc<H>,
    router: ToolRouter<Self>,
}

impl<H: CallHook> Clone for XanoMcpServer<H> {
    fn clone(&self) -> Self {
        Self {
            engine: self.engine.clone(),
            hook: self.hook.clone(),
            router: self.router.clone(),
        }
    }
}

impl<H: CallHook> std::fmt::Debug for XanoMcpServer<H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XanoMcpServer")
            .field("engine", &self.engine)
            .finish_non_exhaustive()
    }
}

/// `previewToolCall` arguments.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct PreviewArgs {
    /// The tool to preview, e.g. `"deleteTableContentBySearch"`.
    pub tool: String,
    /// Its arguments, exactly as they would be passed to it.
    #[serde(default)]
    pub arguments: Option<Value>,
}

impl XanoMcpServer<NoHook> {
    /// A server with no policy or audit.
    pub fn new(engine: Arc<Engine>) -> Self {
        Self::with_hook(engine, Arc::new(NoHook))
    }
}

impl<H: CallHook> XanoMcpServer<H> {
    /// A server whose calls go through `hook`.
    pub fn with_hook(engine: Arc<Engine>, hook: Arc<H>) -> Self {
        Self {
            engine,
            hook,
            router: Self::tool_router(),
        }
    }

    /// Every tool this server has, with schemas and annotations (before any grant filtering).
    pub fn all_tools() -> Vec<Tool> {
        Self::tool_router().list_all()
    }

    fn progress_fn(ctx: &RequestContext<RoleServer>) -> Option<ProgressFn> {
        let token = ctx.meta.get_progress_token()?;
        let peer = ctx.peer.clone();
        // One forwarding task keeps notifications in order.
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(f64, Option<f64>, String)>();
        tokio::spawn(async move {
            while let Some((done, total, message)) = rx.recv().await {
                let mut p =
                    ProgressNotificationParam::new(token.clone(), done).with_message(message);
                if let Some(t) = total {
                    p = p.with_total(t);
                }
                if peer.notify_progress(p).await.is_err() {
                    break;
                }
            }
        });
        Some(Arc::new(move |done, total, message| {
            let _ = tx.send((done, total, message));
        }))
    }

    /// Runs one tool call: hook, context, logic, shaping.
    async fn run<F, Fut>(
        &self,
        tool: &'static str,
        arguments: Value,
        dry_run: bool,
        ctx: &RequestContext<RoleServer>,
        logic: F,
    ) -> CallToolResult
    where
        F: FnOnce(Arc<Engine>, Arc<CallCx>) -> Fut,
        Fut: Future<Output = ToolResult>,
    {
        let started = Instant::now();
        let mode = if dry_run {
            Mode::Preview
        } else {
            Mode::Execute
        };
        let cx = Arc::new(CallCx::new(mode, Self::progress_fn(ctx)));
        let result = match self.hook.before(ctx, tool, &arguments).await {
            Ok(()) => {
                tokio::select! {
                    r = logic(self.engine.clone(), cx.clone()) => r,
                    () = ctx.ct.cancelled() => Err(ToolError::new("cancelled", "The client cancelled the call. If it was a write, read the data back to see whether it was applied.")),
                }
            }
            Err(e) => Err(e),
        };
        let result = result.map(|mut v| {
            self.hook.shape(ctx, tool, &mut v);
            v
        });
        self.hook.after(
            ctx,
            CallOutcome {
                tool: tool.to_owned(),
                arguments,
                dry_run,
                error: result.as_ref().err().cloned(),
                xano_calls: cx.calls(),
                rows_affected: cx.rows_affected(),
                duration_ms: started.elapsed().as_millis() as u64,
            },
        );
        match result {
            Ok(value) => {
                CallToolResult::structured(cap_output(value, self.engine.options.output_cap_bytes))
            }
            Err(e) => tool_error(&e),
        }
    }
}

/// A tool error as an `isError: true` result: readable text plus the structured error.
pub fn tool_error(e: &ToolError) -> CallToolResult {
    let mut r = CallToolResult::structured_error(e.to_json());
    r.content = vec![ContentBlock::text(e.to_string())];
    r
}

/// A read tool's body: run the logic with its typed arguments.
macro_rules! read_tool {
    ($self:ident, $ctx:ident, $name:literal, $args:ident, $f:path) => {{
        let Typed(typed, raw) = $args;
        $self
            .run($name, raw, false, &$ctx, move |e, cx| async move {
                $f(&e, &cx, typed).await
            })
            .await
    }};
}

/// Arguments as typed value plus their JSON (for policy checks and the audit record).
#[derive(Debug, Clone)]
pub struct Typed<T>(pub T, pub Value);

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for Typed<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Value::deserialize(d)?;
        let typed = T::deserialize(&raw).map_err(serde::de::Error::custom)?;
        Ok(Typed(typed, raw))
    }
}

impl<T: JsonSchema> JsonSchema for Typed<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}

#[tool_router]
impl<H: CallHook> XanoMcpServer<H> {
    #[tool(
        name = "getLoggedInUser",
        description = "Who the Xano token belongs to: id, name, email, and instance membership.",
        annotations(
            title = "Get logged-in user",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn get_logged_in_user(&self, ctx: RequestContext<RoleServer>) -> CallToolResult {
        self.run(
            "getLoggedInUser",
            json!({}),
            false,
            &ctx,
            |e, cx| async move { workspace::get_logged_in_user(&e, &cx).await },
        )
        .await
    }

    #[tool(
        name = "listWorkspaces",
        description = "List the workspaces of the Xano instance (id, name, description). Start here: most tools need a workspace_id.",
        annotations(
            title = "List workspaces",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn list_workspaces(&self, ctx: RequestContext<RoleServer>) -> CallToolResult {
        self.run(
            "listWorkspaces",
            json!({}),
            false,
            &ctx,
            |e, cx| async move { workspace::list_workspaces(&e, &cx).await },
        )
        .await
    }

    #[tool(
        name = "getWorkspace",
        description = "Details of one workspace.",
        annotations(
            title = "Get workspace",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn get_workspace(
        &self,
        Parameters(a): Parameters<Typed<workspace::WorkspaceArgs>>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        read_tool!(self, ctx, "getWorkspace", a, workspace::get_workspace)
    }

    #[tool(
        name = "getWorkspaceBranches",
        description = "The branches of a workspace (label, which one is live).",
        annotations(
            title = "Get workspace branches",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn get_workspace_branches(
        &self,
        Parameters(a): Parameters<Typed<workspace::WorkspaceArgs>>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        read_tool!(
            self,
            ctx,
            "getWorkspaceBranches",
            a,
            workspace::get_workspace_branches
        )
    }

    #[tool(
        name = "workspaceGetDataSources",
        description = "The data sources of a workspace (e.g. live, test). Content tools take an optional data_source label.",
        annotations(
            title = "Get data sources",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn workspace_get_data_sources(
        &self,
        Parameters(a): Parameters<Typed<workspace::WorkspaceArgs>>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        read_tool!(
            self,
            ctx,
            "workspaceGetDataSources",
            a,
            workspace::workspace_get_data_sources
        )
    }

    #[tool(
        name = "getTables",
        description = "List the tables of a workspace (id, name, description).",
        annotations(
            title = "List tables",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn get_tables(
        &self,
        Parameters(a): Parameters<Typed<tables::GetTablesArgs>>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        read_tool!(self, ctx, "getTables", a, tables::get_tables)
    }

    #[tool(
        name = "getTable",
        description = "One table's details. table_id may be an id or the table name.",
        annotations(
            title = "Get table",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn get_table(
        &self,
        Parameters(a): Parameters<Typed<tables::TableArgs>>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        read_tool!(self, ctx, "getTable", a, tables::get_table)
    }

    #[tool(
        name = "getTableSchema",
        description = "A table's columns (name, type, required, default, enum values, references) and indexes.",
        annotations(
            title = "Get table schema",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn get_table_schema(
        &self,
        Parameters(a): Parameters<Typed<tables::TableArgs>>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        read_tool!(self, ctx, "getTableSchema", a, tables::get_table_schema)
    }

    #[tool(
        name = "addTable",
        description = "Create a table with columns from a `fields` map (types, required, defaults, enum options, unique, foreign keys by table name). Use dry_run to see the exact requests first.",
        annotations(
            title = "Create table",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = false,
            open_world_hint = true
        )
    )]
    async fn add_table(
        &self,
        Parameters(a): Parameters<Typed<tables::AddTableArgs>>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let dry = a.0.dry_run;
        self.run("addTable", a.1, dry, &ctx, move |e, cx| async move {
            tables::add_table(&e, &cx, a.0).await
        })
        .await
    }

    #[tool(
        name = "updateTableMeta",
        description = "Rename or describe a table, or change its schema with schema_updates (add_fields, modify_fields, rename_fields).",
        annotations(
            title = "Update table",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = false,
            open_world_hint = true
        )
    )]
    async fn update_table_meta(
        &self,
        Parameters(a): Parameters<Typed<tables::UpdateTableMetaArgs>>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let dry = a.0.dry_run;
        self.run("updateTableMeta", a.1, dry, &ctx, move |e, cx| async move {
            tables::update_table_meta(&e, &cx, a.0).await
        })
        .await
    }

    #[tool(
        name = "deleteTable",
        description = "Delete a table and ALL its rows. Irreversible; use dry_run first to see how many rows would be lost.",
        annotations(
            title = "Delete table",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = false,
            open_world_hint = true
        )
    )]
    async fn delete_table(
        &self,
        Parameters(a): Parameters<Typed<tables::DeleteTableArgs>>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let dry = a.0.dry_run;
        self.run("deleteTable", a.1, dry, &ctx, move |e, cx| async move {
            tables::delete_table(&e, &cx, a.0).await
        })
        .await
    }

    #[tool(
        name = "getTableContent",
        description = "Read rows of a table with limit/offset, optional filters ({\"status\":\"active\",\"created_at\":\">2024-01-01\"}), a query tree, and sort. Results are exact; `next_offset` continues.",
        annotations(
            title = "Get table rows",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn get_table_content(
        &self,
        Parameters(a): Parameters<Typed<content::GetTableContentArgs>>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        read_tool!(self, ctx, "getTableContent", a, content::get_table_content)
    }

    #[tool(
        name = "getTableContentItem",
        description = "One row by id.",
        annotations(
            title = "Get row",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn get_table_content_item(
        &self,
        Parameters(a): Parameters<Typed<content::RowArgs>>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        read_tool!(
            self,
            ctx,
            "getTableContentItem",
            a,
            content::get_table_content_item
        )
    }

    #[tool(
        name = "searchTableContent",
        description = "Search rows with a condition tree (and/or/not of {field, operator, value}), filters, or Xano's pipe syntax; or find duplicates with {\"group_by\":\"email\",\"having\":\"count(*) > 1\"}. Results are exact.",
        annotations(
            title = "Search rows",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn search_table_content(
        &self,
        Parameters(a): Parameters<Typed<content::SearchTableContentArgs>>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        read_tool!(
            self,
            ctx,
            "searchTableContent",
            a,
            content::search_table_content
        )
    }

    #[tool(
        name = "addTableContent",
        description = "Add one row. Column values go in `record` or as top-level arguments; dates for timestamp columns are converted.",
        annotations(
            title = "Add row",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = false,
            open_world_hint = true
        )
    )]
    async fn add_table_content(
        &self,
        Parameters(a): Parameters<Typed<content::AddRowArgs>>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let dry = a.0.dry_run;
        self.run("addTableContent", a.1, dry, &ctx, move |e, cx| async move {
            content::add_table_content(&e, &cx, a.0).await
        })
        .await
    }

    #[tool(
        name = "updateTableContentItem",
        description = "Change columns of one row by id (only the columns given).",
        annotations(
            title = "Update row",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn update_table_content_item(
        &self,
        Parameters(a): Parameters<Typed<content::UpdateRowArgs>>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let dry = a.0.dry_run;
        self.run(
            "updateTableContentItem",
            a.1,
            dry,
            &ctx,
            move |e, cx| async move { content::update_table_content_item(&e, &cx, a.0).await },
        )
        .await
    }

    #[tool(
        name = "deleteTableContentItem",
        description = "Delete one row by id.",
        annotations(
            title = "Delete row",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = false,
            open_world_hint = true
        )
    )]
    async fn delete_table_content_item(
        &self,
        Parameters(a): Parameters<Typed<content::DeleteRowArgs>>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let dry = a.0.dry_run;
        self.run(
            "deleteTableContentItem",
            a.1,
            dry,
            &ctx,
            move |e, cx| async move { content::delete_table_content_item(&e, &cx, a.0).await },
        )
        .await
    }

    #[tool(
        name = "addTableContentBulk",
        description = "Insert many rows, sent in chunks (default 500 per call) with progress. If a chunk fails, the error says which rows were inserted.",
        annotations(
            title = "Add rows in bulk",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = false,
            open_world_hint = true
        )
    )]
    async fn add_table_content_bulk(
        &self,
        Parameters(a): Parameters<Typed<content::AddBulkArgs>>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let dry = a.0.dry_run;
        self.run(
            "addTableContentBulk",
            a.1,
            dry,
            &ctx,
            move |e, cx| async move { content::add_table_content_bulk(&e, &cx, a.0).await },
        )
        .await
    }

    #[tool(
        name = "patchTableContentBulk",
        description = "Change many rows by id: [{\"id\": 12, \"status\": \"inactive\"}, ...].",
        annotations(
            title = "Update rows in bulk",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn patch_table_content_bulk(
        &self,
        Parameters(a): Parameters<Typed<content::PatchBulkArgs>>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let dry = a.0.dry_run;
        self.run(
            "patchTableContentBulk",
            a.1,
            dry,
            &ctx,
            move |e, cx| async move { content::patch_table_content_bulk(&e, &cx, a.0).await },
        )
        .await
    }

    #[tool(
        name = "deleteTableContentBulk",
        description = "Delete many rows by id.",
        annotations(
            title = "Delete rows in bulk",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = false,
            open_world_hint = true
        )
    )]
    async fn delete_table_content_bulk(
        &self,
        Parameters(a): Parameters<Typed<content::DeleteBulkArgs>>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let dry = a.0.dry_run;
        self.run(
            "deleteTableContentBulk",
            a.1,
            dry,
            &ctx,
            move |e, cx| async move { content::delete_table_content_bulk(&e, &cx, a.0).await },
        )
        .await
    }

    #[tool(
        name = "patchTableContentBySearch",
        description = "Change every row matching filters/query/search. Use dry_run to see how many rows match and a sample first.",
        annotations(
            title = "Update rows by search",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn patch_table_content_by_search(
        &self,
        Parameters(a): Parameters<Typed<content::PatchBySearchArgs>>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let dry = a.0.dry_run;
        self.run(
            "patchTableContentBySearch",
            a.1,
            dry,
            &ctx,
            move |e, cx| async move { content::patch_table_content_by_search(&e, &cx, a.0).await },
        )
        .await
    }

    #[tool(
        name = "deleteTableContentBySearch",
        description = "Delete every row matching filters/query/search. Irreversible; use dry_run to see how many rows match first.",
        annotations(
            title = "Delete rows by search",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = false,
            open_world_hint = true
        )
    )]
    async fn delete_table_content_by_search(
        &self,
        Parameters(a): Parameters<Typed<content::DeleteBySearchArgs>>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let dry = a.0.dry_run;
        self.run(
            "deleteTableContentBySearch",
            a.1,
            dry,
            &ctx,
            move |e, cx| async move { content::delete_table_content_by_search(&e, &cx, a.0).await },
        )
        .await
    }

    #[tool(
        name = "listAPIGroups",
        description = "List the API groups of a workspace.",
        annotations(
            title = "List API groups",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn list_api_groups(
        &self,
        Parameters(a): Parameters<Typed<apis::ListApiGroupsArgs>>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        read_tool!(self, ctx, "listAPIGroups", a, apis::list_api_groups)
    }

    #[tool(
        name = "getApiGroup",
        description = "One API group's details.",
        annotations(
            title = "Get API group",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn get_api_group(
        &self,
        Parameters(a): Parameters<Typed<apis::ApiGroupArgs>>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        read_tool!(self, ctx, "getApiGroup", a, apis::get_api_group)
    }

    #[tool(
        name = "listAPIs",
        description = "List the endpoints of an API group (name, verb).",
        annotations(
            title = "List APIs",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn list_apis(
        &self,
        Parameters(a): Parameters<Typed<apis::ListApisArgs>>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        read_tool!(self, ctx, "listAPIs", a, apis::list_apis)
    }

    #[tool(
        name = "getApiGroupSwagger",
        description = "An API group's OpenAPI: an endpoint index by default; \"detail\": \"full\" (optionally with \"path\") for the document.",
        annotations(
            title = "Get API group OpenAPI",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn get_api_group_swagger(
        &self,
        Parameters(a): Parameters<Typed<apis::SwaggerArgs>>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        read_tool!(
            self,
            ctx,
            "getApiGroupSwagger",
            a,
            apis::get_api_group_swagger
        )
    }

    #[tool(
        name = "getRequestHistory",
        description = "Recent requests to the workspace's APIs, newest first, optionally between start_date and end_date. Xano keeps about 24 hours.",
        annotations(
            title = "Get request history",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn get_request_history(
        &self,
        Parameters(a): Parameters<Typed<history::GetHistoryArgs>>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        read_tool!(
            self,
            ctx,
            "getRequestHistory",
            a,
            history::get_request_history
        )
    }

    #[tool(
        name = "searchRequestHistory",
        description = "Search request history: filters like {\"status_code\": \">= 400\", \"endpoint\": \"contains /api/users\", \"response_time\": \"> 1000\"} (ms), sorted by timestamp or response_time.",
        annotations(
            title = "Search request history",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn search_request_history(
        &self,
        Parameters(a): Parameters<Typed<history::SearchHistoryArgs>>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        read_tool!(
            self,
            ctx,
            "searchRequestHistory",
            a,
            history::search_request_history
        )
    }

    #[tool(
        name = "summarizeRequestHistory",
        description = "Per endpoint (verb + path with ids collapsed): request count, error rate, p50/p95/max latency over a time window; sorted by slowest, errors or busiest.",
        annotations(
            title = "Summarize request history",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn summarize_request_history(
        &self,
        Parameters(a): Parameters<Typed<history::SummarizeHistoryArgs>>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        read_tool!(
            self,
            ctx,
            "summarizeRequestHistory",
            a,
            history::summarize_request_history
        )
    }

    #[tool(
        name = "previewToolCall",
        description = "Show what another tool call would do without doing it: the exact Xano requests (token redacted) and, for writes, how many rows it would touch and up to 5 of them.",
        annotations(
            title = "Preview a tool call",
            read_only_hint = true,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn preview_tool_call(
        &self,
        Parameters(a): Parameters<Typed<PreviewArgs>>,
        ctx: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let PreviewArgs { tool, arguments } = a.0;
        // A refusal goes through `run` too, so it is audited like any other call.
        let refusal = if tool == "previewToolCall" || !self.router.has_route(&tool) {
            Some(ToolError::invalid(
                "tool",
                format!("`{tool}` is not a tool this connection can use"),
            ))
        } else if !self.hook.allows_tool(&ctx, &tool) {
            Some(ToolError::new(
                "tool_not_allowed",
                format!(
                    "This connection's access token does not allow `{tool}`, so it cannot be previewed either. Ask the user to grant a higher access level in Xano MCP Desktop."
                ),
            ))
        } else {
            None
        };
        let arguments = arguments.unwrap_or_else(|| json!({}));
        self.run(
            "previewToolCall",
            a.1,
            true,
            &ctx,
            move |e, cx| async move {
                match refusal {
                    Some(err) => Err(err),
                    None => dispatch(&e, &cx, &tool, arguments).await,
                }
            },
        )
        .await
    }
}

fn parse<T: serde::de::DeserializeOwned>(tool: &str, arguments: Value) -> ToolResult<T> {
    serde_json::from_value(arguments).map_err(|e| {
        ToolError::invalid("arguments", format!("not valid arguments for {tool}: {e}"))
    })
}

/// Runs a tool by name with JSON arguments (used by `previewToolCall`, always in preview mode).
pub async fn dispatch(engine: &Engine, cx: &CallCx, tool: &str, arguments: Value) -> ToolResult {
    match tool {
        "getLoggedInUser" => workspace::get_logged_in_user(engine, cx).await,
        "listWorkspaces" => workspace::list_workspaces(engine, cx).await,
        "getWorkspace" => workspace::get_workspace(engine, cx, parse(tool, arguments)?).await,
        "getWorkspaceBranches" => {
            workspace::get_workspace_branches(engine, cx, parse(tool, arguments)?).await
        }
        "workspaceGetDataSources" => {
            workspace::workspace_get_data_sources(engine, cx, parse(tool, arguments)?).await
        }
        "getTables" => tables::get_tables(engine, cx, parse(tool, arguments)?).await,
        "getTable" => tables::get_table(engine, cx, parse(tool, arguments)?).await,
        "getTableSchema" => tables::get_table_schema(engine, cx, parse(tool, arguments)?).await,
        "addTable" => tables::add_table(engine, cx, parse(tool, arguments)?).await,
        "updateTableMeta" => tables::update_table_meta(engine, cx, parse(tool, arguments)?).await,
        "deleteTable" => tables::delete_table(engine, cx, parse(tool, arguments)?).await,
        "getTableContent" => content::get_table_content(engine, cx, parse(tool, arguments)?).await,
        "getTableContentItem" => {
            content::get_table_content_item(engine, cx, parse(tool, arguments)?).await
        }
        "searchTableContent" => {
            content::search_table_content(engine, cx, parse(tool, arguments)?).await
        }
        "addTableContent" => content::add_table_content(engine, cx, parse(tool, arguments)?).await,
        "updateTableContentItem" => {
            content::update_table_content_item(engine, cx, parse(tool, arguments)?).await
        }
        "deleteTableContentItem" => {
            content::delete_table_content_item(engine, cx, parse(tool, arguments)?).await
        }
        "addTableContentBulk" => {
            content::add_table_content_bulk(engine, cx, parse(tool, arguments)?).await
        }
        "patchTableContentBulk" => {
            content::patch_table_content_bulk(engine, cx, parse(tool, arguments)?).await
        }
        "deleteTableContentBulk" => {
            content::delete_table_content_bulk(engine, cx, parse(tool, arguments)?).await
        }
        "patchTableContentBySearch" => {
            content::patch_table_content_by_search(engine, cx, parse(tool, arguments)?).await
        }
        "deleteTableContentBySearch" => {
            content::delete_table_content_by_search(engine, cx, parse(tool, arguments)?).await
        }
        "listAPIGroups" => apis::list_api_groups(engine, cx, parse(tool, arguments)?).await,
        "getApiGroup" => apis::get_api_group(engine, cx, parse(tool, arguments)?).await,
        "listAPIs" => apis::list_apis(engine, cx, parse(tool, arguments)?).await,
        "getApiGroupSwagger" => {
            apis::get_api_group_swagger(engine, cx, parse(tool, arguments)?).await
        }
        "getRequestHistory" => {
            history::get_request_history(engine, cx, parse(tool, arguments)?).await
        }
        "searchRequestHistory" => {
            history::search_request_history(engine, cx, parse(tool, arguments)?).await
        }
        "summarizeRequestHistory" => {
            history::summarize_request_history(engine, cx, parse(tool, arguments)?).await
        }
        other => Err(ToolError::invalid(
            "tool",
            format!("there is no tool `{other}`"),
        )),
    }
}

impl<H: CallHook> ServerHandler for XanoMcpServer<H> {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new(SERVER_NAME, env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "Tools for one Xano backend, named like Xano's own MCP server. Start with listWorkspaces, then getTables and getTableSchema. Writes accept \"dry_run\": true, and previewToolCall shows the exact Xano requests and affected rows before anything changes.",
            )
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let tools = self
            .router
            .list_all()
            .into_iter()
            .filter(|t| self.hook.allows_tool(&context, &t.name))
            .collect();
        Ok(ListToolsResult::with_all_items(tools))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        // There is no caller here; `call_tool` checks the grant.
        self.router.get(name).cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        if !self.hook.allows_tool(&context, &request.name) {
            if self.router.has_route(&request.name) {
                let arguments = request
                    .arguments
                    .clone()
                    .map(Value::Object)
                    .unwrap_or(Value::Null);
                // The policy's own reason (revoked, expired, tier) when it has one.
                let e = match self.hook.before(&context, &request.name, &arguments).await {
                    Err(e) => e,
                    Ok(()) => ToolError::new(
                        "tool_not_allowed",
                        format!(
                            "This connection's access token does not allow `{}`. Ask the user to grant a higher access level in Xano MCP Desktop.",
                            request.name
                        ),
                    ),
                };
                self.hook.after(
                    &context,
                    CallOutcome {
                        tool: request.name.to_string(),
                        arguments,
                        dry_run: false,
                        error: Some(e.clone()),
                        xano_calls: vec![],
                        rows_affected: None,
                        duration_ms: 0,
                    },
                );
                return Ok(tool_error(&e).into());
            }
            return Err(ErrorData::invalid_params("tool not found", None));
        }
        // Arguments that do not fit the tool's schema never reach `run`: rmcp answers them with
        // an error result of its own (no structured content). Those are audited here, so the
        // log holds every call; the copy is what that record needs.
        let tool = request.name.to_string();
        let arguments = request.arguments.clone().map(Value::Object);
        let started = Instant::now();
        let result = self
            .router
            .call(ToolCallContext::new(self, request, context.clone()))
            .await;
        if let Ok(CallToolResponse::Complete(r)) = &result
            && r.is_error == Some(true)
            && r.structured_content.is_none()
        {
            let message = r
                .content
                .iter()
                .filter_map(|c| c.as_text().map(|t| t.text.clone()))
                .collect::<Vec<_>>()
                .join(" ");
            self.hook.after(
                &context,
                CallOutcome {
                    tool,
                    arguments: arguments.unwrap_or(Value::Null),
                    dry_run: false,
                    error: Some(ToolError::invalid("arguments", message)),
                    xano_calls: vec![],
                    rows_affected: None,
                    duration_ms: started.elapsed().as_millis() as u64,
                },
            );
        }
        result
    }
}
