//! `xano-mcp clients list|plan|apply|repair|remove <client> [--project DIR]`.
//!
//! Each client gets its own local access token, named after it (`cursor`, `claude-desktop`, or
//! `cursor-<project>` for a project file), with the tier asked for. Applying again keeps the token
//! already in the client's file while it is still valid; `--rotate` replaces it. Claude Desktop gets
//! a stdio entry running this binary by absolute path, and its token goes to the OS keychain, so no
//! secret sits in its config file.

use crate::tokens::now_ms;
use anyhow::{Context, Result, anyhow, bail};
use clients::{Action, BearerToken, Change, Client, EntrySpec, HomeLayout, Scope, StdioCommand};
use core_api::Paths;
use std::io::Write;
use std::path::PathBuf;
use vault::{AccessTier, ApprovalPolicy, AuthOutcome, NewLocalToken, SecretKey, TokenStore, Vault};

/// What `clients` does.
#[derive(Debug, clap::Subcommand)]
pub enum ClientsCommand {
    /// Every AI client: installed? configured? current, stale or missing?
    List(CommonArgs),
    /// Show the change `apply` (or `--remove`) would make, as a diff; changes nothing.
    Plan {
        #[command(flatten)]
        target: TargetArgs,
        /// Plan the removal of our entry instead.
        #[arg(long)]
        remove: bool,
    },
    /// Add or update our entry (backup first, atomic write, nothing else touched).
    Apply(TargetArgs),
    /// Re-add our entry if the client dropped it or it went stale (same as apply, keeping the token).
    Repair(TargetArgs),
    /// Take our entry out of the client's config, and nothing else.
    Remove(TargetArgs),
}

#[derive(Debug, clap::Args)]
pub struct CommonArgs {
    /// Also look at this project folder's configs (Cursor, Claude Code, VS Code).
    #[arg(long)]
    pub project: Option<PathBuf>,
    /// The port of the MCP server (`xano-mcp serve --port`).
    #[arg(long, default_value_t = clients::DEFAULT_PORT, env = "XANO_MCP_PORT")]
    pub port: u16,
}

#[derive(Debug, clap::Args)]
pub struct TargetArgs {
    /// claude-desktop, cursor, claude-code, vscode, windsurf or zed.
    pub client: String,
    #[command(flatten)]
    pub common: CommonArgs,
    /// The access level of the client's token: read-only, read-write or full-access.
    #[arg(long, default_value = "read-only")]
    pub tier: String,
    /// Approval before writes in the app: off, destructive, all-writes.
    #[arg(long, default_value = "destructive")]
    pub approval: String,
    /// Replace the client's token with a new one (the old one is revoked).
    #[arg(long)]
    pub rotate: bool,
}

fn scope_of(common: &CommonArgs) -> Scope {
    common.project.clone().map_or(Scope::User, Scope::Project)
}

fn token_name(client: Client, scope: &Scope) -> String {
    match scope {
        Scope::User => client.id().to_owned(),
        Scope::Project(dir) => {
            let base: String = dir
                .file_name()
                .map(|n| n.to_string_lossy().to_lowercase())
                .unwrap_or_default()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect();
            let name = format!("{}-{}", client.id(), base.trim_matches('-'));
            name.chars()
                .take(40)
                .collect::<String>()
                .trim_end_matches('-')
                .to_owned()
        }
    }
}

fn binary() -> Result<PathBuf> {
    let exe = std::env::current_exe().context("could not find the path of this xano-mcp binary")?;
    Ok(exe.canonicalize().unwrap_or(exe))
}

/// The entry we expect in a client's file (no token: detection then compares everything else).
fn expected(client: Client, scope: &Scope, port: u16) -> Result<EntrySpec> {
    let mut spec = EntrySpec::for_port(port);
    if client == Client::ClaudeDesktop {
        let mut cmd = StdioCommand::bridge(binary()?, &token_name(client, scope));
        if let Some(home) = std::env::var_os(core_api::paths::HOME_ENV).filter(|h| !h.is_empty()) {
            cmd = cmd.with_env(core_api::paths::HOME_ENV, home.to_string_lossy());
        }
        spec = spec.with_stdio(cmd);
    }
    Ok(spec)
}

pub async fn run(command: ClientsCommand) -> Result<()> {
    let layout = HomeLayout::from_env()?;
    match command {
        ClientsCommand::List(common) => list(&layout, &common),
        ClientsCommand::Plan { target, remove } => plan(&layout, &target, remove).await,
        ClientsCommand::Apply(target) | ClientsCommand::Repair(target) => {
            apply(&layout, &target).await
        }
        ClientsCommand::Remove(target) => remove(&layout, &target),
    }
}

fn list(layout: &HomeLayout, common: &CommonArgs) -> Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{:<15} {:<9} {:<10} {:<30} CONFIG",
        "CLIENT", "SCOPE", "INSTALLED", "OUR ENTRY"
    )?;
    for client in Client::ALL {
        let mut scopes = vec![Scope::User];
        if let Some(dir) = common
            .project
            .clone()
            .filter(|_| client.has_project_scope())
        {
            scopes.push(Scope::Project(dir));
        }
        for scope in scopes {
            let spec = expected(client, &scope, common.port)?;
            match clients::detect(layout, client, &scope, &spec) {
                Ok(d) => writeln!(
                    out,
                    "{:<15} {:<9} {:<10} {:<30} {}",
                    client.id(),
                    if matches!(scope, Scope::User) {
                        "user"
                    } else {
                        "project"
                    },
                    if d.installed { "yes" } else { "no" },
                    format!("{:?}", d.entry).to_lowercase(),
                    d.config_path.display()
                )?,
                Err(e) => writeln!(out, "{:<15} {:<9} {:<10} error: {e}", client.id(), "", "")?,
            }
        }
    }
    Ok(())
}

fn parse_client(text: &str) -> Result<Client> {
    text.parse::<Client>().map_err(|e| anyhow!("{e}"))
}

/// The token the client's entry should carry: the one already there while valid (unless
/// rotating), else a new one with the asked-for grant.
async fn provision(
    client: Client,
    scope: &Scope,
    existing: Option<BearerToken>,
    target: &TargetArgs,
) -> Result<(String, bool)> {
    let paths = Paths::from_env()?;
    paths.ensure()?;
    let store = TokenStore::open(&paths.tokens_db())?;
    let name = token_name(client, scope);
    let now = now_ms();
    if !target.rotate
        && let Some(token) = &existing
        && let AuthOutcome::Valid(info) = store.authenticate(token.expose(), now)?
        && info.name == name
    {
        return Ok((token.expose().to_owned(), false));
    }
    if !target.rotate && client == Client::ClaudeDesktop {
        // The stdio bridge's token lives in the keychain; keep it while it is valid.
        if let Ok(key) = SecretKey::local_token(&name)
            && let Ok(Some(secret)) = Vault::os_keychain().get(&key).await
            && matches!(
                store.authenticate(secrecy::ExposeSecret::expose_secret(&secret), now)?,
                AuthOutcome::Valid(_)
            )
        {
            return Ok((
                secrecy::ExposeSecret::expose_secret(&secret).to_owned(),
                false,
            ));
        }
    }
    // A new token: retire the old one of that name (its plain value is not recoverable).
    if store.by_name(&name)?.is_some() {
        let _ = store.revoke(&name, now);
        store.forget(&name)?;
    }
    let tier = AccessTier::parse(&target.tier).ok_or_else(|| {
        anyhow!(
            "unknown tier `{}`; use read-only, read-write or full-access",
            target.tier
        )
    })?;
    let approval = ApprovalPolicy::parse(&target.approval).ok_or_else(|| {
        anyhow!(
            "unknown approval policy `{}`; use off, destructive or all-writes",
            target.approval
        )
    })?;
    let grant = NewLocalToken {
        name: name.clone(),
        tier,
        workspaces: vec![],
        tables: None,
        expires_at_ms: None,
        approval,
        rate_limit_per_minute: None,
    };
    let (token, _) = store.create(&grant, now)?;
    Ok((token, true))
}

async fn full_spec(
    layout: &HomeLayout,
    client: Client,
    scope: &Scope,
    target: &TargetArgs,
) -> Result<(EntrySpec, Option<String>)> {
    let mut spec = expected(client, scope, target.common.port)?;
    let detection = clients::detect(layout, client, scope, &spec)?;
    let (token, created) =
        provision(client, scope, detection.existing_token.clone(), target).await?;
    if client == Client::ClaudeDesktop {
        if created {
            let key = SecretKey::local_token(&token_name(client, scope))?;
            if let Err(e) = Vault::os_keychain().set(&key, &token).await {
                // Shown once, so the user can still wire it by hand on a machine without a keychain.
                eprintln!(
                    "warning: the token could not be saved in the keychain ({e}).\nClaude Desktop's bridge will not find it; set XANO_MCP_LOCAL_TOKEN for it instead."
                );
                return Ok((spec, Some(token)));
            }
        }
        return Ok((spec, None));
    }
    spec = spec.with_token(BearerToken::new(token));
    Ok((spec, None))
}

async fn plan(layout: &HomeLayout, target: &TargetArgs, remove: bool) -> Result<()> {
    let client = parse_client(&target.client)?;
    let scope = scope_of(&target.common);
    let plan = if remove {
        clients::plan(
            layout,
            client,
            &scope,
            &expected(client, &scope, target.common.port)?,
            Action::Remove,
        )?
    } else {
        // Planning must not create tokens: show the entry with the current token, or a placeholder.
        let mut spec = expected(client, &scope, target.common.port)?;
        if client != Client::ClaudeDesktop {
            let d = clients::detect(layout, client, &scope, &spec)?;
            spec = spec.with_token(
                d.existing_token
                    .filter(|_| !target.rotate)
                    .unwrap_or_else(|| BearerToken::new("xmcp_<new token created on apply>")),
            );
        }
        clients::plan(layout, client, &scope, &spec, Action::Apply)?
    };
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} ({}): {:?} {}",
        client.name(),
        scope.label(),
        plan.change(),
        plan.path().display()
    )?;
    writeln!(out, "{}", plan.preview())?;
    Ok(())
}

async fn apply(layout: &HomeLayout, target: &TargetArgs) -> Result<()> {
    let client = parse_client(&target.client)?;
    let scope = scope_of(&target.common);
    let (spec, shown_token) = full_spec(layout, client, &scope, target).await?;
    let plan = clients::plan(layout, client, &scope, &spec, Action::Apply)?;
    let outcome = clients::apply(&plan)?;
    let mut out = std::io::stdout().lock();
    match outcome.change {
        Change::Unchanged => writeln!(
            out,
            "{}: already configured ({}).",
            client.name(),
            outcome.path.display()
        )?,
        change => {
            writeln!(
                out,
                "{}: {:?} our entry in {}.",
                client.name(),
                change,
                outcome.path.display()
            )?;
            writeln!(out, "{}", plan.preview())?;
        }
    }
    if let Some(backup) = &outcome.backup {
        writeln!(out, "Backup of the previous file: {}", backup.display())?;
    }
    for command in &outcome.commands_run {
        writeln!(out, "Ran: {command}")?;
    }
    if let Some(token) = shown_token {
        writeln!(out, "Token: {token}")?;
    }
    let hint = match client {
        Client::ClaudeDesktop => "Restart Claude Desktop to load it.",
        Client::Cursor => {
            "In Cursor, enable `xano-mcp` under Settings → MCP (reload if it does not appear)."
        }
        Client::Windsurf => "In Windsurf, press Refresh in the MCP panel.",
        Client::VsCode => "In VS Code, run “MCP: List Servers” and start `xano-mcp`.",
        Client::Zed => "Zed picks it up from settings.json right away.",
        Client::ClaudeCode => "Start a new Claude Code session to use it.",
    };
    writeln!(
        out,
        "{hint} The MCP server must be running (`xano-mcp serve` or the desktop app)."
    )?;
    Ok(())
}

fn remove(layout: &HomeLayout, target: &TargetArgs) -> Result<()> {
    let client = parse_client(&target.client)?;
    let scope = scope_of(&target.common);
    let plan = clients::plan(
        layout,
        client,
        &scope,
        &expected(client, &scope, target.common.port)?,
        Action::Remove,
    )?;
    if plan.is_noop() {
        bail!(
            "{} has no `xano-mcp` entry in {}; nothing to remove",
            client.name(),
            plan.path().display()
        );
    }
    let outcome = clients::apply(&plan)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}: removed our entry from {}.",
        client.name(),
        outcome.path.display()
    )?;
    if let Some(backup) = &outcome.backup {
        writeln!(out, "Backup of the previous file: {}", backup.display())?;
    }
    writeln!(
        out,
        "Its token `{}` still exists; revoke it with `xano-mcp token revoke {}` if no longer needed.",
        token_name(client, &scope),
        token_name(client, &scope)
    )?;
    Ok(())
}
