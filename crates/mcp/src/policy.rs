//! Access policy on every call (DESIGN §4): the caller's local token must still be valid (revocation
//! and expiry are read from the token database on each call, so they apply at once, across
//! processes), its tier must allow the tool, the workspace and table must be in its allowlists, and
//! its rate limit must have room. Results are narrowed to what the grant may see (workspace and
//! table lists), and every outcome goes to the audit sink.
//!
//! Tiers: Read Only = the read tools; Read/Write adds content writes and table create/update;
//! Full Access adds deletes and drops.

use crate::approval::ApprovalBroker;
use crate::context::XanoCall;
use crate::engine::Engine;
use crate::error::{ToolError, ToolResult};
use crate::ids::IdArg;
use crate::server::{CallHook, CallOutcome};
use rmcp::RoleServer;
use rmcp::service::RequestContext;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use vault::{AccessTier, ApprovalPolicy, LocalTokenInfo, TokenStore};

/// Tools that change nothing.
pub const READ_TOOLS: &[&str] = &[
    "getLoggedInUser",
    "listWorkspaces",
    "getWorkspace",
    "getWorkspaceBranches",
    "workspaceGetDataSources",
    "getTables",
    "getTable",
    "getTableSchema",
    "getTableContent",
    "getTableContentItem",
    "searchTableContent",
    "listAPIGroups",
    "getApiGroup",
    "listAPIs",
    "getApiGroupSwagger",
    "getRequestHistory",
    "searchRequestHistory",
    "summarizeRequestHistory",
    "previewToolCall",
];

/// Content writes and table create/update (Read/Write and up).
pub const WRITE_TOOLS: &[&str] = &[
    "addTable",
    "updateTableMeta",
    "addTableContent",
    "updateTableContentItem",
    "addTableContentBulk",
    "patchTableContentBulk",
    "patchTableContentBySearch",
];

/// Deletes and drops (Full Access only).
pub const DESTRUCTIVE_TOOLS: &[&str] = &[
    "deleteTable",
    "deleteTableContentItem",
    "deleteTableContentBulk",
    "deleteTableContentBySearch",
];

/// Whether a tier allows a tool.
pub fn tier_allows(tier: AccessTier, tool: &str) -> bool {
    READ_TOOLS.contains(&tool)
        || (WRITE_TOOLS.contains(&tool) && tier != AccessTier::ReadOnly)
        || (DESTRUCTIVE_TOOLS.contains(&tool) && tier == AccessTier::FullAccess)
}

/// The local token an HTTP request was authenticated with (put in the request's extensions by the
/// bearer middleware).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    pub token_id: i64,
}

/// One audited call.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    pub at_ms: i64,
    pub token_name: Option<String>,
    pub client_name: Option<String>,
    pub client_version: Option<String>,
    pub transport: &'static str,
    pub workspace_id: Option<i64>,
    pub tool: String,
    pub arguments: Value,
    pub dry_run: bool,
    pub error: Option<ToolError>,
    pub denied: bool,
    pub xano_calls: Vec<XanoCall>,
    pub rows_affected: Option<u64>,
    pub duration_ms: u64,
}

/// Where audit events go (the history store, in the app and the CLI).
pub trait AuditSink: Send + Sync + 'static {
    fn record(&self, event: AuditEvent);
}

/// Error codes that mean the policy refused the call.
pub const DENIAL_CODES: &[&str] = &[
    "tool_not_allowed",
    "workspace_not_allowed",
    "table_not_allowed",
    "token_revoked",
    "token_expired",
    "token_unknown",
    "rate_limited",
];

/// Calls per minute when a token sets no limit.
pub const DEFAULT_RATE_PER_MINUTE: u32 = 240;

struct Bucket {
    tokens: f64,
    last: Instant,
}

/// The policy hook of a server.
pub struct GrantHook {
    tokens: Arc<TokenStore>,
    /// The token of a stdio session (HTTP callers carry theirs in the request).
    fixed: Option<i64>,
    engine: Arc<Engine>,
    transport: &'static str,
    audit: Option<Arc<dyn AuditSink>>,
    buckets: Mutex<HashMap<i64, Bucket>>,
    /// Token names by id, for the audit record (a token's name never changes; the grant itself
    /// is re-read on every call so revocations and edits apply at once).
    names: Mutex<HashMap<i64, String>>,
    clock: Arc<dyn Fn() -> i64 + Send + Sync>,
    approvals: Option<Arc<ApprovalBroker>>,
}

impl std::fmt::Debug for GrantHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GrantHook")
            .field("transport", &self.transport)
            .field("fixed", &self.fixed)
            .finish_non_exhaustive()
    }
}

fn now_ms() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis()),
    )
    .unwrap_or(i64::MAX)
}

impl GrantHook {
    /// A hook for HTTP callers (identified per request).
    pub fn for_http(
        tokens: Arc<TokenStore>,
        engine: Arc<Engine>,
        audit: Option<Arc<dyn AuditSink>>,
    ) -> Self {
        Self::new(tokens, None, engine, "http", audit)
    }

    /// A hook for one stdio session authenticated with `token_id`.
    pub fn for_stdio(
        tokens: Arc<TokenStore>,
        token_id: i64,
        engine: Arc<Engine>,
        audit: Option<Arc<dyn AuditSink>>,
    ) -> Self {
        Self::new(tokens, Some(token_id), engine, "stdio", audit)
    }

    fn new(
        tokens: Arc<TokenStore>,
        fixed: Option<i64>,
        engine: Arc<Engine>,
        transport: &'static str,
        audit: Option<Arc<dyn AuditSink>>,
    ) -> Self {
        Self {
            tokens,
            fixed,
            engine,
            transport,
            audit,
            buckets: Mutex::new(HashMap::new()),
            names: Mutex::new(HashMap::new()),
            clock: Arc::new(now_ms),
            approvals: None,
        }
    }

    /// Calls whose token policy asks for approval wait for the user through `broker` (the app).
    /// Without a broker such calls are refused with an explanation.
    pub fn with_approvals(mut self, broker: Arc<ApprovalBroker>) -> Self {
        self.approvals = Some(broker);
        self
    }

    /// Whether the token's policy wants the user to approve this call.
    fn needs_approval(info: &LocalTokenInfo, tool: &str, arguments: &Value) -> bool {
        if arguments.get("dry_run").and_then(Value::as_bool) == Some(true) {
            return false;
        }
        match info.approval {
            ApprovalPolicy::Off => false,
            ApprovalPolicy::Destructive => DESTRUCTIVE_TOOLS.contains(&tool),
            ApprovalPolicy::AllWrites => {
                DESTRUCTIVE_TOOLS.contains(&tool) || WRITE_TOOLS.contains(&tool)
            }
        }
    }

    async fn approve(
        &self,
        ctx: &RequestContext<RoleServer>,
        info: &LocalTokenInfo,
        tool: &str,
        arguments: &Value,
    ) -> ToolResult<()> {
        let Some(broker) = &self.approvals else {
            return Err(ToolError::new(
                "approval_unavailable",
                format!(
                    "The access token `{}` requires the user to approve `{tool}` in the Xano MCP Desktop app, which is not running. Ask the user to open the app (or change the token's approval policy).",
                    info.name
                ),
            ));
        };
        // The preview the user decides on is the dry run of this exact call.
        let cx = crate::context::CallCx::new(crate::context::Mode::Preview, None);
        let preview =
            match crate::server::dispatch(&self.engine, &cx, tool, arguments.clone()).await {
                Ok(p) => p,
                Err(e) => serde_json::json!({ "preview_error": e }),
            };
        let client = client_of(ctx).map(|c| c.name);
        broker
            .ask(&info.name, client, tool, arguments, preview)
            .await
    }

    /// Uses another clock (tests of expiry).
    pub fn with_clock(mut self, clock: impl Fn() -> i64 + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    fn caller(&self, ctx: &RequestContext<RoleServer>) -> Option<i64> {
        ctx.extensions
            .get::<http::request::Parts>()
            .and_then(|p| p.extensions.get::<Caller>())
            .map(|c| c.token_id)
            .or(self.fixed)
    }

    /// The caller's grant, if it is still valid now.
    fn grant(&self, ctx: &RequestContext<RoleServer>) -> ToolResult<LocalTokenInfo> {
        let id = self.caller(ctx).ok_or_else(|| ToolError::new("token_unknown", "This connection has no access token. Reconfigure the AI app from Xano MCP Desktop."))?;
        let info = self
            .tokens
            .by_id(id)
            .map_err(|e| ToolError::new("internal", format!("the access token database could not be read: {e}")))?
            .ok_or_else(|| ToolError::new("token_unknown", "This connection's access token no longer exists. Create a new one in Xano MCP Desktop."))?;
        self.names
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(info.id)
            .or_insert_with(|| info.name.clone());
        if info.revoked_at_ms.is_some() {
            return Err(ToolError::new(
                "token_revoked",
                format!(
                    "The access token `{}` was revoked. Ask the user for a new token (Xano MCP Desktop → Access tokens).",
                    info.name
                ),
            ));
        }
        if info.expires_at_ms.is_some_and(|e| (self.clock)() >= e) {
            return Err(ToolError::new(
                "token_expired",
                format!(
                    "The access token `{}` has expired. Ask the user to create a new one or extend it in Xano MCP Desktop.",
                    info.name
                ),
            ));
        }
        Ok(info)
    }

    fn take_rate(&self, info: &LocalTokenInfo) -> ToolResult<()> {
        let per_minute = f64::from(
            info.rate_limit_per_minute
                .unwrap_or(DEFAULT_RATE_PER_MINUTE)
                .max(1),
        );
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let b = buckets.entry(info.id).or_insert(Bucket {
            tokens: per_minute,
            last: now,
        });
        b.tokens = (b.tokens + now.duration_since(b.last).as_secs_f64() * per_minute / 60.0)
            .min(per_minute);
        b.last = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            let wait = ((1.0 - b.tokens) * 60.0 / per_minute).ceil();
            Err(ToolError::new(
                "rate_limited",
                format!(
                    "The access token `{}` allows {} calls per minute. Wait {wait} s and try again.",
                    info.name, per_minute as u32
                ),
            ))
        }
    }

    async fn check_scope(&self, info: &LocalTokenInfo, arguments: &Value) -> ToolResult<()> {
        let ws = match arguments.get("workspace_id") {
            Some(v) => Some(
                serde_json::from_value::<IdArg>(v.clone())
                    .map_err(|_| ToolError::invalid("workspace_id", "must be a workspace id"))?
                    .numeric("workspace_id")?,
            ),
            None => None,
        };
        if let Some(ws) = ws
            && !info.allows_workspace(ws)
        {
            return Err(ToolError::new(
                "workspace_not_allowed",
                format!(
                    "The access token `{}` does not allow workspace {ws}. Allowed: {:?}.",
                    info.name, info.workspaces
                ),
            ));
        }
        let (Some(allowed), Some(ws)) = (&info.tables, ws) else {
            return Ok(());
        };
        let table = arguments
            .get("table_id")
            .or_else(|| arguments.get("name"))
            .or_else(|| arguments.get("table_name"));
        let Some(table) = table else { return Ok(()) };
        let table: IdArg = serde_json::from_value(table.clone())
            .map_err(|_| ToolError::invalid("table_id", "must be a table id or name"))?;
        let (id, name) = match table.table_ref() {
            crate::ids::TableRef::Id(id) => {
                let cx = crate::context::CallCx::new(crate::context::Mode::Execute, None);
                let name = self
                    .engine
                    .tables(&cx, ws)
                    .await?
                    .into_iter()
                    .find(|t| t.id == id)
                    .map(|t| t.name);
                (Some(id), name)
            }
            crate::ids::TableRef::Name(name) => {
                let cx = crate::context::CallCx::new(crate::context::Mode::Execute, None);
                let id = self
                    .engine
                    .tables(&cx, ws)
                    .await?
                    .into_iter()
                    .find(|t| t.name.eq_ignore_ascii_case(&name))
                    .map(|t| t.id);
                (id, Some(name))
            }
        };
        let ok = allowed.iter().any(|a| {
            id.is_some_and(|id| a == &id.to_string())
                || name.as_deref().is_some_and(|n| a.eq_ignore_ascii_case(n))
        });
        if ok {
            Ok(())
        } else {
            Err(ToolError::new(
                "table_not_allowed",
                format!(
                    "The access token `{}` does not allow this table. Allowed tables: {}.",
                    info.name,
                    allowed.join(", ")
                ),
            ))
        }
    }
}

/// Who the MCP client says it is: from the request's own `_meta` in the protocol era without a
/// handshake (2026-07-28 on, where rmcp's stateless peer info carries rmcp's own name), else from
/// `initialize`.
fn client_of(ctx: &RequestContext<RoleServer>) -> Option<rmcp::model::Implementation> {
    ctx.meta
        .client_info()
        .or_else(|| ctx.peer.peer_info().map(|p| p.client_info.clone()))
}

fn workspace_of(arguments: &Value) -> Option<i64> {
    serde_json::from_value::<IdArg>(arguments.get("workspace_id")?.clone())
        .ok()?
        .numeric("workspace_id")
        .ok()
}

impl CallHook for GrantHook {
    fn allows_tool(&self, ctx: &RequestContext<RoleServer>, tool: &str) -> bool {
        self.grant(ctx).is_ok_and(|g| tier_allows(g.tier, tool))
    }

    async fn before(
        &self,
        ctx: &RequestContext<RoleServer>,
        tool: &str,
        arguments: &Value,
    ) -> ToolResult<()> {
        let info = self.grant(ctx)?;
        if !tier_allows(info.tier, tool) {
            return Err(ToolError::new(
                "tool_not_allowed",
                format!(
                    "The access token `{}` is {}; `{tool}` needs a higher access level. Ask the user to change it in Xano MCP Desktop.",
                    info.name,
                    info.tier.label()
                ),
            ));
        }
        self.take_rate(&info)?;
        // A preview reads data too: the previewed call's own grant applies.
        if tool == "previewToolCall" {
            let inner_tool = arguments
                .get("tool")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if !tier_allows(info.tier, inner_tool) {
                return Err(ToolError::new(
                    "tool_not_allowed",
                    format!(
                        "The access token `{}` is {}; it cannot use `{inner_tool}`, not even to preview it.",
                        info.name,
                        info.tier.label()
                    ),
                ));
            }
            let inner = arguments.get("arguments").cloned().unwrap_or(Value::Null);
            return self.check_scope(&info, &inner).await;
        }
        self.check_scope(&info, arguments).await?;
        if Self::needs_approval(&info, tool, arguments) {
            self.approve(ctx, &info, tool, arguments).await?;
        }
        Ok(())
    }

    fn shape(&self, ctx: &RequestContext<RoleServer>, tool: &str, result: &mut Value) {
        if !matches!(tool, "listWorkspaces" | "getTables") {
            return;
        }
        let Ok(info) = self.grant(ctx) else { return };
        match tool {
            "listWorkspaces" if !info.workspaces.is_empty() => {
                if let Some(list) = result.get_mut("workspaces").and_then(Value::as_array_mut) {
                    list.retain(|w| {
                        w.get("id")
                            .and_then(Value::as_i64)
                            .is_some_and(|id| info.allows_workspace(id))
                    });
                    let n = list.len();
                    result["count"] = Value::from(n);
                }
            }
            "getTables" => {
                if let (Some(allowed), Some(list)) = (
                    &info.tables,
                    result.get_mut("tables").and_then(Value::as_array_mut),
                ) {
                    list.retain(|t| {
                        let id = t.get("id").and_then(Value::as_i64).map(|i| i.to_string());
                        let name = t.get("name").and_then(Value::as_str);
                        allowed.iter().any(|a| {
                            Some(a) == id.as_ref()
                                || name.is_some_and(|n| a.eq_ignore_ascii_case(n))
                        })
                    });
                }
            }
            _ => {}
        }
    }

    fn after(&self, ctx: &RequestContext<RoleServer>, outcome: CallOutcome) {
        let Some(audit) = &self.audit else { return };
        let token_name = self.caller(ctx).and_then(|id| {
            let known = self
                .names
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get(&id)
                .cloned();
            known.or_else(|| self.tokens.by_id(id).ok().flatten().map(|i| i.name))
        });
        let (client_name, client_version) = client_of(ctx)
            .map(|c| (Some(c.name), Some(c.version)))
            .unwrap_or((None, None));
        let denied = outcome
            .error
            .as_ref()
            .is_some_and(|e| DENIAL_CODES.contains(&e.code.as_str()));
        let workspace_id = workspace_of(&outcome.arguments)
            .or_else(|| outcome.arguments.get("arguments").and_then(workspace_of));
        audit.record(AuditEvent {
            at_ms: (self.clock)() - i64::try_from(outcome.duration_ms).unwrap_or(0),
            token_name,
            client_name,
            client_version,
            transport: self.transport,
            workspace_id,
            tool: outcome.tool,
            arguments: outcome.arguments,
            dry_run: outcome.dry_run,
            error: outcome.error,
            denied,
            xano_calls: outcome.xano_calls,
            rows_affected: outcome.rows_affected,
            duration_ms: outcome.duration_ms,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_nest() {
        for tool in READ_TOOLS {
            assert!(tier_allows(AccessTier::ReadOnly, tool));
        }
        for tool in WRITE_TOOLS {
            assert!(!tier_allows(AccessTier::ReadOnly, tool));
            assert!(tier_allows(AccessTier::ReadWrite, tool));
        }
        for tool in DESTRUCTIVE_TOOLS {
            assert!(!tier_allows(AccessTier::ReadWrite, tool));
            assert!(tier_allows(AccessTier::FullAccess, tool));
        }
        assert!(!tier_allows(AccessTier::FullAccess, "dropEverything"));
    }

    #[test]
    fn every_tool_has_a_tier() {
        let all: Vec<String> = crate::XanoMcpServer::<crate::NoHook>::all_tools()
            .into_iter()
            .map(|t| t.name.to_string())
            .collect();
        for name in &all {
            assert!(
                READ_TOOLS.contains(&name.as_str())
                    || WRITE_TOOLS.contains(&name.as_str())
                    || DESTRUCTIVE_TOOLS.contains(&name.as_str()),
                "{name} has no tier"
            );
        }
        assert_eq!(
            all.len(),
            READ_TOOLS.len() + WRITE_TOOLS.len() + DESTRUCTIVE_TOOLS.len()
        );
    }

    /// Keeps every audit event (the real sink is the history store).
    #[derive(Default)]
    struct Events(Mutex<Vec<AuditEvent>>);

    impl AuditSink for Events {
        fn record(&self, event: AuditEvent) {
            self.0.lock().expect("events").push(event);
        }
    }

    /// An in-process session of a token with `tier` (expiring at `expires_at_ms`) over the demo
    /// double, the hook reading `clock` and recording into `events`.
    struct Session {
        sim: xano_sim::XanoSim,
        client: rmcp::service::RunningService<rmcp::RoleClient, ()>,
        events: Arc<Events>,
    }

    async fn session(
        tier: AccessTier,
        expires_at_ms: Option<i64>,
        clock: impl Fn() -> i64 + Send + Sync + 'static,
    ) -> Session {
        use rmcp::ServiceExt;
        let sim = xano_sim::XanoSim::start(xano_sim::SimConfig::demo())
            .await
            .expect("sim");
        let xano = xano::XanoClient::new(
            xano::MetaBase::parse(&sim.meta_url()).expect("base"),
            xano::XanoToken::new(xano_sim::DEMO_TOKEN),
        )
        .expect("client");
        let engine = Arc::new(Engine::new(xano, crate::EngineOptions::default()));
        let tokens = Arc::new(TokenStore::open_in_memory().expect("tokens"));
        let (_, info) = tokens
            .create(
                &vault::NewLocalToken {
                    name: "cursor".into(),
                    tier,
                    workspaces: vec![],
                    tables: None,
                    expires_at_ms,
                    approval: ApprovalPolicy::Off,
                    rate_limit_per_minute: None,
                },
                0,
            )
            .expect("token");
        let events = Arc::new(Events::default());
        let hook = Arc::new(
            GrantHook::for_stdio(
                tokens,
                info.id,
                engine.clone(),
                Some(events.clone() as Arc<dyn AuditSink>),
            )
            .with_clock(clock),
        );
        let server = crate::XanoMcpServer::with_hook(engine, hook);
        let (client_io, server_io) = tokio::io::duplex(1 << 20);
        tokio::spawn(async move {
            if let Ok(running) = server.serve(server_io).await {
                let _ = running.waiting().await;
            }
        });
        let client = ().serve(client_io).await.expect("initialize");
        Session {
            sim,
            client,
            events,
        }
    }

    /// Each recorded call as (tool, error code, denied).
    fn outcomes(events: &[AuditEvent]) -> Vec<(&str, Option<&str>, bool)> {
        events
            .iter()
            .map(|e| {
                (
                    e.tool.as_str(),
                    e.error.as_ref().map(|e| e.code.as_str()),
                    e.denied,
                )
            })
            .collect()
    }

    fn call(tool: &str, arguments: serde_json::Value) -> rmcp::model::CallToolRequestParams {
        rmcp::model::CallToolRequestParams::new(tool.to_owned())
            .with_arguments(arguments.as_object().cloned().expect("args"))
    }

    /// A token that expires while its session is open: the grant is re-read on every call, so
    /// the call before expiry passes and the same session's next call after it is refused with
    /// a clear error, without a reconnect. The hook's clock is the test's.
    #[tokio::test]
    async fn a_grant_expires_during_an_open_session() {
        use std::sync::atomic::{AtomicI64, Ordering};

        const EXPIRES_AT: i64 = 1_000_000;
        let now = Arc::new(AtomicI64::new(EXPIRES_AT - 60_000));
        let clock = now.clone();
        let Session {
            sim,
            client,
            events,
        } = session(AccessTier::ReadOnly, Some(EXPIRES_AT), move || {
            clock.load(Ordering::SeqCst)
        })
        .await;
        let get_tables = || {
            call(
                "getTables",
                serde_json::json!({"workspace_id": xano_sim::demo::WORKSPACE_ID}),
            )
        };

        // One second before expiry: allowed, and it reaches Xano.
        now.store(EXPIRES_AT - 1_000, Ordering::SeqCst);
        let r = client.call_tool(get_tables()).await.expect("answered");
        assert_ne!(r.is_error, Some(true), "{r:?}");
        assert!(!sim.requests().is_empty(), "the call reached Xano");

        // The clock reaches the expiry: the same session's next call is refused, says why and
        // what to do, and sends nothing to Xano.
        now.store(EXPIRES_AT, Ordering::SeqCst);
        sim.clear_requests();
        let r = client.call_tool(get_tables()).await.expect("answered");
        assert_eq!(r.is_error, Some(true), "{r:?}");
        let error = r.structured_content.expect("error")["error"].clone();
        assert_eq!(error["code"], "token_expired", "{error}");
        let message = error["message"].as_str().expect("message");
        assert!(
            message.contains("`cursor` has expired") && message.contains("Xano MCP Desktop"),
            "{message}"
        );
        assert!(sim.requests().is_empty(), "{:?}", sim.requests());
        // Nothing is offered any more either.
        let tools = client.list_all_tools().await.expect("tools/list");
        assert!(tools.is_empty(), "{tools:?}");

        client.cancel().await.expect("close");

        // Both calls are audited: the first ran, the second was denied as expired.
        let events = events.0.lock().expect("events");
        assert_eq!(
            outcomes(&events),
            vec![
                ("getTables", None, false),
                ("getTables", Some("token_expired"), true)
            ]
        );
        assert!(
            events
                .iter()
                .all(|e| e.token_name.as_deref() == Some("cursor") && e.transport == "stdio")
        );
    }

    /// Calls refused before any logic runs are audited too: a preview of a tool the grant does
    /// not allow (denied), and arguments that do not fit the tool's schema (failed, with what
    /// was sent). Neither reaches Xano.
    #[tokio::test]
    async fn refusals_before_the_logic_are_audited() {
        let Session {
            sim,
            client,
            events,
        } = session(AccessTier::ReadOnly, None, || 1_000).await;
        let ws = xano_sim::demo::WORKSPACE_ID;
        sim.clear_requests();

        let preview = call(
            "previewToolCall",
            serde_json::json!({"tool": "addTableContent", "arguments": {"workspace_id": ws, "table_id": "customers", "record": {"email": "a@b.c"}}}),
        );
        let r = client.call_tool(preview).await.expect("answered");
        assert_eq!(r.is_error, Some(true), "{r:?}");
        let error = r.structured_content.expect("error")["error"].clone();
        assert_eq!(error["code"], "tool_not_allowed", "{error}");

        let unknown = call(
            "previewToolCall",
            serde_json::json!({"tool": "dropEverything"}),
        );
        let r = client.call_tool(unknown).await.expect("answered");
        assert_eq!(r.is_error, Some(true), "{r:?}");

        let misfit = serde_json::json!({"workspace_id": {"nested": true}, "table_id": []});
        let r = client
            .call_tool(call("getTableContent", misfit.clone()))
            .await
            .expect("answered");
        assert_eq!(r.is_error, Some(true), "{r:?}");
        // The same call with good arguments still works.
        let r = client
            .call_tool(call("getTables", serde_json::json!({"workspace_id": ws})))
            .await
            .expect("answered");
        assert_ne!(r.is_error, Some(true), "{r:?}");
        client.cancel().await.expect("close");

        let events = events.0.lock().expect("events");
        assert_eq!(
            outcomes(&events),
            vec![
                ("previewToolCall", Some("tool_not_allowed"), true),
                ("previewToolCall", Some("tool_not_allowed"), true),
                ("getTableContent", Some("invalid_argument"), false),
                ("getTables", None, false),
            ]
        );
        assert_eq!(events[2].arguments, misfit, "what was sent is recorded");
        assert!(events[0].dry_run);
        let requests = sim.requests();
        assert!(
            requests
                .iter()
                .all(|r| r.method == "GET" && r.path.ends_with("/table")),
            "only the good call reached Xano: {requests:?}"
        );
    }
}
