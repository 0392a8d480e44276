//! AI client configs from the app: each client's state, a plan with the exact diff before
//! anything is written, then apply (add or repair) or remove, with the backup location.
//!
//! Tokens: every client gets its own local access token (named after the client). A plan shows
//! the diff with the token masked; the token itself is created only when the plan is applied, and
//! the file is re-planned with it and checked to be the change the user reviewed. A valid token
//! already in the client's file, with the same grant, is kept. The token a change replaces or
//! removes is revoked, since no config uses it any more.
//!
//! Claude Desktop's entry runs `xano-mcp stdio --token-name <name>`: its token goes to the
//! keychain, never into the file, and the bridge forwards to this app's server when it runs.

use super::error::{AppError, AppResult};
use super::server::ServerState;
use super::tokens::{Approval, Tier};
use super::{AppState, lock, now_ms};
use clients::{Action, BearerToken, Change, Client, EntrySpec, EntryState, Scope, StdioCommand};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use vault::{AuthOutcome, LocalTokenInfo, NewLocalToken, SecretKey};

/// The state of one client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ClientState {
    /// Installed, not connected to Xano MCP yet.
    Installed,
    /// Our entry is there and current.
    Configured,
    /// Our entry is there but out of date (port, token, binary): Repair fixes it.
    Stale,
    /// The client was not found on this computer.
    Missing,
}

/// One AI client, as the clients page and the wizard show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ClientView {
    /// `claude-desktop`, `cursor`, `claude-code`, `vscode`, `windsurf`, `zed`.
    pub id: String,
    pub name: String,
    pub state: ClientState,
    /// Why it is stale, or a hint.
    pub detail: Option<String>,
    pub config_path: String,
    /// Backups (`<file>.xano-mcp-backup-<time>`) go beside the file, in this folder.
    pub backup_folder: String,
    /// The file holds an access token (URL clients); Claude Desktop's does not.
    pub holds_token: bool,
    /// What to do after a change for the client to see it.
    pub restart_hint: String,
    /// The config could not be read.
    pub error: Option<AppError>,
}

/// Add/repair, or remove.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PlanAction {
    Apply,
    Remove,
}

/// The grant of the tokens created for clients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ClientGrant {
    pub tier: Tier,
    /// Empty = every workspace.
    pub workspaces: Vec<i64>,
    pub approval: Approval,
    pub expires_in_days: Option<u32>,
}

/// What to plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PlanInput {
    /// Client ids.
    pub clients: Vec<String>,
    pub action: PlanAction,
    /// For `apply`: the grant of new tokens (default: Read Only, every workspace).
    pub grant: Option<ClientGrant>,
    /// A project folder: plan the project's own config (`.cursor/mcp.json`, `.mcp.json`,
    /// `.vscode/mcp.json`) instead of the user's. Only Cursor, Claude Code and VS Code have one.
    pub project: Option<String>,
}

/// What a change would do, shown before it is made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PlanView {
    /// Pass to [`apply`]; `None` when it cannot be applied (see `error`).
    pub id: Option<u32>,
    pub client: String,
    pub client_name: String,
    pub action: PlanAction,
    /// `added`, `updated`, `removed` or `unchanged`.
    pub change: String,
    pub path: String,
    /// A unified diff (or the command lines), tokens masked.
    pub diff: String,
    pub holds_token: bool,
    /// The access token this client will use.
    pub token_name: Option<String>,
    /// A new token will be created on apply.
    pub new_token: bool,
    pub error: Option<AppError>,
}

/// What applying did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ApplyView {
    pub client: String,
    pub client_name: String,
    pub change: String,
    pub path: String,
    /// The copy of the old file, when there was one.
    pub backup: Option<String>,
    pub token_name: Option<String>,
    /// The token the old entry used, now revoked.
    pub revoked_token: Option<String>,
    pub restart_hint: String,
    pub error: Option<AppError>,
}

/// Plans waiting to be applied.
#[derive(Debug, Default)]
pub(crate) struct PlanBook {
    next: u32,
    plans: HashMap<u32, Planned>,
}

#[derive(Debug, Clone)]
struct Planned {
    client: Client,
    scope: Scope,
    action: PlanAction,
    grant: ClientGrant,
    masked_diff: String,
    token_name: Option<String>,
    /// The valid token already in the file, kept (plaintext).
    keep: Option<String>,
    /// The token in the file now, revoked once the change is made.
    replaced: Option<String>,
}

fn default_grant() -> ClientGrant {
    ClientGrant {
        tier: Tier::ReadOnly,
        workspaces: vec![],
        approval: Approval::Off,
        expires_in_days: None,
    }
}

fn restart_hint(client: Client) -> &'static str {
    match client {
        Client::ClaudeDesktop => {
            "Quit Claude Desktop completely (also from the menu bar or tray) and open it again."
        }
        Client::Cursor => {
            "In Cursor open Settings → MCP and check that xano-mcp is enabled (reload the window if it is not listed)."
        }
        Client::ClaudeCode => "Start a new Claude Code session; `/mcp` lists xano-mcp.",
        Client::VsCode => "In VS Code run “MCP: List Servers” and start xano-mcp.",
        Client::Windsurf => "Press refresh in Windsurf's MCP panel (Cascade → MCP servers).",
        Client::Zed => "Zed picks it up by itself; check the Agent panel's server list.",
    }
}

fn change_label(change: Change) -> &'static str {
    match change {
        Change::Added => "added",
        Change::Updated => "updated",
        Change::Removed => "removed",
        Change::Unchanged => "unchanged",
    }
}

fn parse_client(id: &str) -> AppResult<Client> {
    id.parse::<Client>()
        .map_err(|e| AppError::invalid("client", e.to_string()))
}

/// The user's configs, or a project folder's (which must exist).
fn scope_of(project: Option<&str>) -> AppResult<Scope> {
    let Some(dir) = project.map(str::trim).filter(|d| !d.is_empty()) else {
        return Ok(Scope::User);
    };
    let path = std::path::PathBuf::from(dir);
    if !path.is_absolute() {
        return Err(AppError::invalid(
            "project",
            format!(
                "`{dir}` is not a full path. Paste the project folder's full path, e.g. /home/me/my-app."
            ),
        ));
    }
    if !path.is_dir() {
        return Err(AppError::invalid(
            "project",
            format!(
                "There is no folder at {dir}. Check the path, or leave it empty for your own (all projects) settings."
            ),
        ));
    }
    Ok(Scope::Project(path))
}

/// The clients that have a per-project config.
fn clients_for(scope: &Scope) -> Vec<Client> {
    Client::ALL
        .into_iter()
        .filter(|c| matches!(scope, Scope::User) || c.has_project_scope())
        .collect()
}

fn server_port(app: &AppState) -> u16 {
    let status = super::server::status(app);
    if status.state == ServerState::Running {
        status.port
    } else {
        app.settings().port
    }
}

/// The stdio bridge entry for Claude Desktop, with `XANO_MCP_HOME` when it is not the default.
fn bridge(app: &AppState, token_name: &str) -> AppResult<StdioCommand> {
    let binary = app.cfg.xano_mcp_binary.clone().ok_or_else(|| AppError::ClientConfigFailed {
        client: Client::ClaudeDesktop.id().to_owned(),
        message: "Claude Desktop starts the `xano-mcp` command, which was not found next to this app or on PATH. Reinstall the app (it ships `xano-mcp`), or put `xano-mcp` on your PATH, then try again.".to_owned(),
    })?;
    let mut cmd = StdioCommand::bridge(binary, token_name);
    // The bridge forwards to this app's server when it answers on its port, so approvals and the
    // audit log apply in one place (and the demo backend is reachable from Claude Desktop).
    let port = server_port(app);
    if port != mcp::http::DEFAULT_PORT {
        cmd = cmd.with_env("XANO_MCP_PORT", port.to_string());
    }
    if std::env::var_os(crate::paths::HOME_ENV).is_some_and(|v| !v.is_empty()) {
        cmd = cmd.with_env(
            crate::paths::HOME_ENV,
            app.cfg.paths.home().display().to_string(),
        );
    }
    Ok(cmd)
}

/// The valid token in a URL client's file, if it is one of ours.
fn valid_token(app: &AppState, token: &str) -> Option<LocalTokenInfo> {
    match app.tokens.identify(token, now_ms()) {
        Ok(AuthOutcome::Valid(info)) => Some(info),
        _ => None,
    }
}

fn same_grant(info: &LocalTokenInfo, grant: &ClientGrant) -> bool {
    let mut a = info.workspaces.clone();
    let mut b = grant.workspaces.clone();
    a.sort_unstable();
    b.sort_unstable();
    Tier::from(info.tier) == grant.tier
        && Approval::from(info.approval) == grant.approval
        && a == b
        && info.tables.is_none()
}

/// Every client, in the order the UI lists them; with a project folder, the clients that have a
/// per-project config and their state in that project.
pub async fn list(app: &AppState, project: Option<String>) -> AppResult<Vec<ClientView>> {
    let scope = scope_of(project.as_deref())?;
    let port = server_port(app);
    let mut out = Vec::new();
    for client in clients_for(&scope) {
        let mut spec = EntrySpec::for_port(port);
        if client == Client::ClaudeDesktop {
            let path = clients::config_path(&app.cfg.clients, client, &scope).ok();
            let name = path
                .and_then(|p| clients::claude_desktop::entry_command(&p).ok())
                .and_then(|c| c.args.get(2).cloned())
                .unwrap_or_else(|| client.id().to_owned());
            if let Ok(cmd) = bridge(app, &name) {
                spec = spec.with_stdio(cmd);
            }
        }
        out.push(
            match clients::detect(&app.cfg.clients, client, &scope, &spec) {
                Ok(d) => view_of(app, client, d),
                Err(e) => {
                    let path = clients::config_path(&app.cfg.clients, client, &scope)
                        .map(|p| p.display().to_string())
                        .unwrap_or_default();
                    ClientView {
                        id: client.id().to_owned(),
                        name: client.name().to_owned(),
                        state: ClientState::Stale,
                        detail: None,
                        backup_folder: parent(&path),
                        config_path: path,
                        holds_token: client != Client::ClaudeDesktop,
                        restart_hint: restart_hint(client).to_owned(),
                        error: Some(e.into()),
                    }
                }
            },
        );
    }
    Ok(out)
}

fn parent(path: &str) -> String {
    std::path::Path::new(path)
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default()
}

fn view_of(app: &AppState, client: Client, d: clients::Detection) -> ClientView {
    let (mut state, mut detail) = match (&d.entry, d.installed) {
        (EntryState::Current, _) => (ClientState::Configured, None),
        (EntryState::Stale { reason }, _) => (
            ClientState::Stale,
            Some(format!("Our entry {reason}. Repair brings it up to date.")),
        ),
        (EntryState::Missing | EntryState::FileAbsent, true) => (ClientState::Installed, None),
        (EntryState::Missing | EntryState::FileAbsent, false) => (
            ClientState::Missing,
            Some(format!("{} was not found on this computer.", client.name())),
        ),
    };
    if state == ClientState::Configured
        && let Some(token) = &d.existing_token
        && valid_token(app, token.expose()).is_none()
    {
        state = ClientState::Stale;
        detail = Some(
            "Its access token was revoked, has expired or is unknown here. Repair gives it a new one."
                .to_owned(),
        );
    }
    let path = d.config_path.display().to_string();
    ClientView {
        id: client.id().to_owned(),
        name: client.name().to_owned(),
        state,
        detail,
        backup_folder: parent(&path),
        config_path: path,
        holds_token: client != Client::ClaudeDesktop,
        restart_hint: restart_hint(client).to_owned(),
        error: None,
    }
}

/// Plans the change for each client; nothing is written and no token is created.
pub async fn plan(app: &AppState, input: PlanInput) -> AppResult<Vec<PlanView>> {
    let grant = input.grant.unwrap_or_else(default_grant);
    let scope = scope_of(input.project.as_deref())?;
    let mut out = Vec::new();
    for id in &input.clients {
        let client = parse_client(id)?;
        out.push(match plan_one(app, client, &scope, input.action, &grant) {
            Ok((planned, view)) => {
                let mut book = lock(&app.plans);
                book.next += 1;
                let id = book.next;
                book.plans.insert(id, planned);
                PlanView {
                    id: Some(id),
                    ..view
                }
            }
            Err(e) => PlanView {
                id: None,
                client: client.id().to_owned(),
                client_name: client.name().to_owned(),
                action: input.action,
                change: "unchanged".to_owned(),
                path: clients::config_path(&app.cfg.clients, client, &scope)
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
                diff: String::new(),
                holds_token: false,
                token_name: None,
                new_token: false,
                error: Some(with_client(e, client)),
            },
        });
    }
    Ok(out)
}

fn with_client(e: AppError, client: Client) -> AppError {
    match e {
        AppError::ClientConfigFailed { message, .. } => AppError::ClientConfigFailed {
            client: client.id().to_owned(),
            message,
        },
        other => other,
    }
}

/// The spec, token name and kept/replaced tokens of one client.
struct Target {
    spec: EntrySpec,
    token_name: Option<String>,
    keep: Option<String>,
    replaced: Option<String>,
}

fn target(
    app: &AppState,
    client: Client,
    scope: &Scope,
    grant: &ClientGrant,
    token: Option<&str>,
) -> AppResult<Target> {
    let port = server_port(app);
    let spec = EntrySpec::for_port(port);
    let detection = clients::detect(&app.cfg.clients, client, scope, &spec)?;
    if client == Client::ClaudeDesktop {
        // The token lives in the keychain under the name in the entry's args.
        let existing = clients::claude_desktop::entry_command(&detection.config_path)
            .ok()
            .and_then(|c| c.args.get(2).cloned());
        let current = existing
            .as_deref()
            .and_then(|n| app.tokens.by_name(n).ok().flatten())
            .filter(|i| i.is_active(now_ms()));
        let (name, keep, replaced) = match current {
            Some(info) if same_grant(&info, grant) && token.is_none() => {
                (info.name.clone(), Some(String::new()), None)
            }
            Some(info) => (unique_name(app, client)?, None, Some(info.name)),
            None => (unique_name(app, client)?, None, None),
        };
        return Ok(Target {
            spec: spec.with_stdio(bridge(app, &name)?),
            token_name: Some(name),
            keep,
            replaced,
        });
    }
    let current = detection
        .existing_token
        .as_ref()
        .and_then(|t| valid_token(app, t.expose()).map(|i| (t.expose().to_owned(), i)));
    match (current, token) {
        (Some((plain, info)), None) if same_grant(&info, grant) => Ok(Target {
            spec: spec.with_token(BearerToken::new(plain.clone())),
            token_name: Some(info.name),
            keep: Some(plain),
            replaced: None,
        }),
        (current, token) => {
            let placeholder;
            let token = match token {
                Some(t) => t,
                None => {
                    placeholder = vault::generate_local_token()?;
                    &placeholder
                }
            };
            Ok(Target {
                spec: spec.with_token(BearerToken::new(token)),
                token_name: Some(unique_name(app, client)?),
                keep: None,
                replaced: current.map(|(_, i)| i.name),
            })
        }
    }
}

/// `cursor`, else `cursor-2`, `cursor-3`, ...: the first name no token has.
fn unique_name(app: &AppState, client: Client) -> AppResult<String> {
    let base = client.id();
    for n in 1..1000 {
        let name = if n == 1 {
            base.to_owned()
        } else {
            format!("{base}-{n}")
        };
        if app.tokens.by_name(&name)?.is_none() {
            return Ok(name);
        }
    }
    Err(AppError::internal(format!(
        "Too many tokens are named after {base}. Revoke old ones on the Access tokens page."
    )))
}

fn plan_one(
    app: &AppState,
    client: Client,
    scope: &Scope,
    action: PlanAction,
    grant: &ClientGrant,
) -> AppResult<(Planned, PlanView)> {
    let (plan, token_name, keep, replaced) = match action {
        PlanAction::Apply => {
            let t = target(app, client, scope, grant, None)?;
            let plan = clients::plan(&app.cfg.clients, client, scope, &t.spec, Action::Apply)?;
            (plan, t.token_name, t.keep, t.replaced)
        }
        PlanAction::Remove => {
            let spec = EntrySpec::for_port(server_port(app));
            let detection = clients::detect(&app.cfg.clients, client, scope, &spec)?;
            let replaced = detection
                .existing_token
                .as_ref()
                .and_then(|t| valid_token(app, t.expose()))
                .map(|i| i.name);
            let plan = clients::plan(&app.cfg.clients, client, scope, &spec, Action::Remove)?;
            (plan, None, None, replaced)
        }
    };
    let new_token = action == PlanAction::Apply && keep.is_none();
    let view = PlanView {
        id: None,
        client: client.id().to_owned(),
        client_name: client.name().to_owned(),
        action,
        change: change_label(plan.change()).to_owned(),
        path: plan.path().display().to_string(),
        diff: plan.preview(),
        holds_token: plan.holds_token(),
        token_name: token_name.clone(),
        new_token,
        error: None,
    };
    Ok((
        Planned {
            client,
            scope: scope.clone(),
            action,
            grant: grant.clone(),
            masked_diff: plan.preview(),
            token_name,
            keep,
            replaced,
        },
        view,
    ))
}

/// Applies planned changes (each on its own: one failure does not stop the others).
pub async fn apply(app: &AppState, ids: Vec<u32>) -> AppResult<Vec<ApplyView>> {
    let mut out = Vec::new();
    for id in ids {
        let planned = lock(&app.plans).plans.remove(&id).ok_or_else(|| {
            AppError::invalid(
                "plan",
                "That preview is no longer current. Review the changes again, then apply.",
            )
        })?;
        let client = planned.client;
        let mut view = ApplyView {
            client: client.id().to_owned(),
            client_name: client.name().to_owned(),
            change: "unchanged".to_owned(),
            path: String::new(),
            backup: None,
            token_name: planned.token_name.clone(),
            revoked_token: None,
            restart_hint: restart_hint(client).to_owned(),
            error: None,
        };
        match apply_one(app, &planned).await {
            Ok((outcome, revoked)) => {
                view.change = change_label(outcome.change).to_owned();
                view.path = outcome.path.display().to_string();
                view.backup = outcome.backup.map(|b| b.display().to_string());
                view.revoked_token = revoked;
            }
            Err(e) => view.error = Some(with_client(e, client)),
        }
        out.push(view);
    }
    Ok(out)
}

async fn apply_one(
    app: &AppState,
    planned: &Planned,
) -> AppResult<(clients::ApplyOutcome, Option<String>)> {
    let client = planned.client;
    let mut created: Option<String> = None;
    let plan = match planned.action {
        PlanAction::Remove => {
            let spec = EntrySpec::for_port(server_port(app));
            clients::plan(
                &app.cfg.clients,
                client,
                &planned.scope,
                &spec,
                Action::Remove,
            )?
        }
        PlanAction::Apply => {
            let name = planned
                .token_name
                .clone()
                .ok_or_else(|| AppError::internal("a planned change has no token name"))?;
            let token = match &planned.keep {
                Some(kept) => kept.clone(),
                None => {
                    let g = &planned.grant;
                    let now = now_ms();
                    let (token, _) = app.tokens.create(
                        &NewLocalToken {
                            name: name.clone(),
                            tier: g.tier.into(),
                            workspaces: g.workspaces.clone(),
                            tables: None,
                            expires_at_ms: g
                                .expires_in_days
                                .map(|d| now + i64::from(d) * 86_400_000),
                            approval: g.approval.into(),
                            rate_limit_per_minute: Some(app.settings().rate_limit_per_minute),
                        },
                        now,
                    )?;
                    created = Some(name.clone());
                    token
                }
            };
            let result = async {
                let spec = if client == Client::ClaudeDesktop {
                    if planned.keep.is_none() {
                        super::tokens::keep_in_keychain(app, &name, &token).await?;
                    }
                    EntrySpec::for_port(server_port(app)).with_stdio(bridge(app, &name)?)
                } else {
                    EntrySpec::for_port(server_port(app)).with_token(BearerToken::new(token))
                };
                let plan =
                    clients::plan(&app.cfg.clients, client, &planned.scope, &spec, Action::Apply)?;
                if plan.preview() != planned.masked_diff {
                    return Err(AppError::ClientConfigFailed {
                        client: client.id().to_owned(),
                        message: format!(
                            "{} changed after you reviewed it, so nothing was written. Review the change again, then apply.",
                            plan.path().display()
                        ),
                    });
                }
                Ok(plan)
            }
            .await;
            match result {
                Ok(plan) => plan,
                Err(e) => {
                    if let Some(name) = &created {
                        super::live_check::drop_token(app, name);
                    }
                    return Err(e);
                }
            }
        }
    };
    let outcome = match clients::apply(&plan) {
        Ok(o) => o,
        Err(e) => {
            if let Some(name) = &created {
                super::live_check::drop_token(app, name);
                if let Ok(key) = SecretKey::local_token(name) {
                    let _ = app.cfg.vault.delete(&key).await;
                }
            }
            return Err(e.into());
        }
    };
    let mut revoked = None;
    if let Some(old) = &planned.replaced
        && Some(old) != planned.token_name.as_ref()
        && app.tokens.revoke(old, now_ms()).unwrap_or(false)
    {
        revoked = Some(old.clone());
    }
    Ok((outcome, revoked))
}
