//! `xano-mcp clients list|plan|apply|repair|remove <client> [--project DIR]`.
//!
//! Each client gets its own local access token, named after it (`cursor`, `claude-desktop`, or
//! `cursor-<project>` for a project file; `-2`, `-3`, ... when that name is still in use), with the
//! grant asked for. Applying again keeps the valid token already in the client's entry, unless
//! `--rotate` is given or `--tier`/`--approval` ask for another grant. Claude Desktop gets a stdio
//! entry running this binary by absolute path, and its token goes to the OS keychain, so no secret
//! sits in its config file.
//!
//! Order of `apply` when a new token is needed, so a failure never leaves a client with a dead
//! token or the database with an orphan one:
//! 1. plan the change with a stand-in token: whatever the file write would refuse (unparseable
//!    file, a folder in its place, a read-only file) is refused here, before any token exists;
//! 2. create the new token (Claude Desktop: also store it in the keychain);
//! 3. plan again with it and write the file;
//! 4. only then revoke the token the entry used before.
//!
//! If step 3 fails, the new token is revoked and deleted, and the old one keeps working.

use crate::tokens::{self, now_ms};
use anyhow::{Context, Result, anyhow, bail};
use clients::{
    Action, BearerToken, Change, Client, ClientConfigPlan, EntrySpec, EntryState, HomeLayout,
    Scope, StdioCommand,
};
use core_api::Paths;
use std::io::Write;
use std::path::PathBuf;
use vault::{
    AccessTier, ApprovalPolicy, AuthOutcome, LocalTokenInfo, NewLocalToken, SecretKey, TokenStore,
    Vault,
};

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
    /// The access level of the client's token: read-only (the default for a new token),
    /// read-write or full-access. If the current token has another, a new one replaces it.
    #[arg(long)]
    pub tier: Option<String>,
    /// Approval before writes in the app: off, destructive (the default for a new token) or
    /// all-writes. If the current token has another, a new one replaces it.
    #[arg(long)]
    pub approval: Option<String>,
    /// Replace the client's token with a new one (the old one is revoked).
    #[arg(long)]
    pub rotate: bool,
}

fn scope_of(common: &CommonArgs) -> Scope {
    // A full path, so `--project .` names the folder (and its token) and not `.`.
    common.project.clone().map_or(Scope::User, |dir| {
        Scope::Project(std::fs::canonicalize(&dir).unwrap_or(dir))
    })
}

/// The token name a client's tokens start from: `cursor`, or `cursor-<project folder>`.
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
            shorten(&name, vault::MAX_NAME_LEN)
        }
    }
}

/// `name` cut to `max` characters, without a trailing `-`.
fn shorten(name: &str, max: usize) -> String {
    name.chars()
        .take(max)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned()
}

fn binary() -> Result<PathBuf> {
    let exe = std::env::current_exe().context("could not find the path of this xano-mcp binary")?;
    Ok(exe.canonicalize().unwrap_or(exe))
}

/// Our entry for `client`, with `token_name` in Claude Desktop's bridge command and `token` (if
/// given) in a URL client's header. Without a token, detection compares everything else.
fn entry_spec(
    client: Client,
    port: u16,
    token_name: &str,
    token: Option<&str>,
) -> Result<EntrySpec> {
    let spec = EntrySpec::for_port(port);
    if client == Client::ClaudeDesktop {
        let mut cmd = StdioCommand::bridge(binary()?, token_name);
        if let Some(home) = std::env::var_os(core_api::paths::HOME_ENV).filter(|h| !h.is_empty()) {
            cmd = cmd.with_env(core_api::paths::HOME_ENV, home.to_string_lossy());
        }
        return Ok(spec.with_stdio(cmd));
    }
    Ok(match token {
        Some(token) => spec.with_token(BearerToken::new(token)),
        None => spec,
    })
}

/// The token name in Claude Desktop's entry (`xano-mcp stdio --token-name <name>`), if it has one.
fn bridge_token_name(layout: &HomeLayout, scope: &Scope) -> Option<String> {
    let path = clients::config_path(layout, Client::ClaudeDesktop, scope).ok()?;
    let command = clients::claude_desktop::entry_command(&path).ok()?;
    match command.args.as_slice() {
        [stdio, flag, name] if stdio == "stdio" && flag == "--token-name" => Some(name.clone()),
        _ => None,
    }
}

/// The entry we expect in a client's file now (no token).
fn expected(layout: &HomeLayout, client: Client, scope: &Scope, port: u16) -> Result<EntrySpec> {
    let name = match client {
        Client::ClaudeDesktop => bridge_token_name(layout, scope),
        _ => None,
    }
    .unwrap_or_else(|| token_name(client, scope));
    entry_spec(client, port, &name, None)
}

/// The token database. Looking (`create` false) neither creates the engine home nor the
/// database: `None` when there is none yet.
fn token_store(create: bool) -> Result<Option<TokenStore>> {
    let paths = Paths::from_env()?;
    if create {
        paths
            .ensure()
            .with_context(|| format!("could not create {}", paths.home().display()))?;
    } else if !paths.tokens_db().exists() {
        return Ok(None);
    }
    Ok(Some(TokenStore::open(&paths.tokens_db())?))
}

/// The grant asked for on the command line; `None`: not given.
struct Grant {
    tier: Option<AccessTier>,
    approval: Option<ApprovalPolicy>,
}

impl Grant {
    fn parse(target: &TargetArgs) -> Result<Self> {
        let tier = target.tier.as_deref().map(tokens::parse_tier).transpose()?;
        let approval = target
            .approval
            .as_deref()
            .map(tokens::parse_approval)
            .transpose()?;
        Ok(Grant { tier, approval })
    }

    /// Whether a token already has what was asked for.
    fn allows_keeping(&self, info: &LocalTokenInfo) -> bool {
        self.tier.is_none_or(|t| t == info.tier) && self.approval.is_none_or(|a| a == info.approval)
    }

    /// The grant of a new token: what was asked for; the rest as the token it replaces had it
    /// (so `--rotate` alone changes only the secret), else read-only, every workspace, approval
    /// for destructive calls.
    fn new_token(&self, name: &str, replaces: Option<&LocalTokenInfo>) -> NewLocalToken {
        NewLocalToken {
            name: name.to_owned(),
            tier: self
                .tier
                .or(replaces.map(|r| r.tier))
                .unwrap_or(AccessTier::ReadOnly),
            workspaces: replaces.map(|r| r.workspaces.clone()).unwrap_or_default(),
            tables: replaces.and_then(|r| r.tables.clone()),
            expires_at_ms: replaces.and_then(|r| r.expires_at_ms),
            approval: self
                .approval
                .or(replaces.map(|r| r.approval))
                .unwrap_or(ApprovalPolicy::Destructive),
            rate_limit_per_minute: replaces.and_then(|r| r.rate_limit_per_minute),
        }
    }
}

/// The valid token a client's entry uses now.
struct InUse {
    info: LocalTokenInfo,
    /// Whether the entry can keep it as it is: a URL client's file holds it (the plain token);
    /// Claude Desktop's bridge finds it in the keychain (`Some("")`: nothing goes in the file).
    plain: Option<String>,
}

async fn in_use(
    layout: &HomeLayout,
    client: Client,
    scope: &Scope,
    port: u16,
    store: &TokenStore,
) -> Result<Option<InUse>> {
    let now = now_ms();
    if client == Client::ClaudeDesktop {
        let Some(name) = bridge_token_name(layout, scope) else {
            return Ok(None);
        };
        let Some(info) = store.by_name(&name)?.filter(|i| i.is_active(now)) else {
            return Ok(None);
        };
        // The bridge reads its token from the keychain by name: keep it only while that works.
        let in_keychain = match SecretKey::local_token(&name) {
            Ok(key) => match Vault::os_keychain().get(&key).await {
                Ok(Some(secret)) => matches!(
                    store.identify(secrecy::ExposeSecret::expose_secret(&secret), now)?,
                    AuthOutcome::Valid(found) if found.name == name
                ),
                _ => false,
            },
            Err(_) => false,
        };
        return Ok(Some(InUse {
            info,
            plain: in_keychain.then(String::new),
        }));
    }
    let detection = clients::detect(layout, client, scope, &EntrySpec::for_port(port))?;
    let Some(token) = detection.existing_token else {
        return Ok(None);
    };
    Ok(match store.identify(token.expose(), now)? {
        AuthOutcome::Valid(info) => Some(InUse {
            info,
            plain: Some(token.expose().to_owned()),
        }),
        _ => None,
    })
}

/// What `apply` does about the client's token.
enum TokenChoice {
    /// The entry keeps the token it has.
    Keep { name: String, token: String },
    /// A new token `name`; once the file is written, the token it `replaces` is revoked.
    New {
        name: String,
        replaces: Option<LocalTokenInfo>,
    },
}

async fn choose(
    layout: &HomeLayout,
    client: Client,
    scope: &Scope,
    target: &TargetArgs,
    grant: &Grant,
    store: Option<&TokenStore>,
) -> Result<TokenChoice> {
    let current = match store {
        Some(store) => in_use(layout, client, scope, target.common.port, store).await?,
        None => None,
    };
    if let Some(InUse {
        info,
        plain: Some(token),
    }) = &current
        && !target.rotate
        && grant.allows_keeping(info)
    {
        return Ok(TokenChoice::Keep {
            name: info.name.clone(),
            token: token.clone(),
        });
    }
    Ok(TokenChoice::New {
        name: free_name(store, &token_name(client, scope))?,
        replaces: current.map(|c| c.info),
    })
}

/// `base`, else `base-2`, `base-3`, ...: the first name no live token has (a revoked token's
/// record gives its name up when the new token is created).
fn free_name(store: Option<&TokenStore>, base: &str) -> Result<String> {
    let Some(store) = store else {
        return Ok(base.to_owned());
    };
    for n in 1..1000 {
        let name = if n == 1 {
            base.to_owned()
        } else {
            let suffix = format!("-{n}");
            format!(
                "{}{suffix}",
                shorten(base, vault::MAX_NAME_LEN - suffix.len())
            )
        };
        match store.by_name(&name)? {
            None => return Ok(name),
            Some(info) if info.revoked_at_ms.is_some() => return Ok(name),
            Some(_) => {}
        }
    }
    bail!("too many tokens are named after `{base}`; revoke old ones with `xano-mcp token revoke`")
}

pub async fn run(command: ClientsCommand) -> Result<()> {
    let layout = HomeLayout::from_env()?;
    match command {
        ClientsCommand::List(common) => list(&layout, &common),
        ClientsCommand::Plan { target, remove } => plan(&layout, &target, remove).await,
        ClientsCommand::Apply(target) | ClientsCommand::Repair(target) => {
            apply(&layout, &target).await
        }
        ClientsCommand::Remove(target) => remove(&layout, &target).await,
    }
}

/// How `list` shows our entry: `current`, `missing`, `no file`, or `stale: <why>`.
fn entry_label(client: Client, d: &clients::Detection, store: Option<&TokenStore>) -> String {
    match &d.entry {
        EntryState::FileAbsent => "no file".to_owned(),
        EntryState::Missing => "missing".to_owned(),
        EntryState::Stale { reason } => format!("stale: {reason}"),
        EntryState::Current => {
            let now = now_ms();
            let token_works = match (client, &d.existing_token) {
                (Client::ClaudeDesktop, _) => {
                    let name = d.config_path.as_path();
                    clients::claude_desktop::entry_command(name)
                        .ok()
                        .and_then(|c| c.args.get(2).cloned())
                        .and_then(|n| store?.by_name(&n).ok().flatten())
                        .is_some_and(|i| i.is_active(now))
                }
                (_, Some(token)) => store.is_some_and(|s| {
                    matches!(s.identify(token.expose(), now), Ok(AuthOutcome::Valid(_)))
                }),
                (_, None) => false,
            };
            if token_works {
                "current".to_owned()
            } else {
                "stale: token revoked or unknown".to_owned()
            }
        }
    }
}

fn list(layout: &HomeLayout, common: &CommonArgs) -> Result<()> {
    let store = token_store(false)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{:<15} {:<9} {:<10} {:<30} CONFIG",
        "CLIENT", "SCOPE", "INSTALLED", "OUR ENTRY"
    )?;
    let project = common.project.as_ref().map(|_| scope_of(common));
    for client in Client::ALL {
        let mut scopes = vec![Scope::User];
        if let Some(scope) = project.clone().filter(|_| client.has_project_scope()) {
            scopes.push(scope);
        }
        for scope in scopes {
            let scope_label = scope.label();
            let spec = expected(layout, client, &scope, common.port)?;
            match clients::detect(layout, client, &scope, &spec) {
                Ok(d) => writeln!(
                    out,
                    "{:<15} {:<9} {:<10} {:<30} {}",
                    client.id(),
                    scope_label,
                    if d.installed { "yes" } else { "no" },
                    entry_label(client, &d, store.as_ref()),
                    d.config_path.display()
                )?,
                Err(e) => writeln!(
                    out,
                    "{:<15} {:<9} {:<10} error: {e}",
                    client.id(),
                    scope_label,
                    ""
                )?,
            }
        }
    }
    Ok(())
}

fn parse_client(text: &str) -> Result<Client> {
    text.parse::<Client>().map_err(|e| anyhow!("{e}"))
}

async fn plan(layout: &HomeLayout, target: &TargetArgs, remove: bool) -> Result<()> {
    let client = parse_client(&target.client)?;
    let scope = scope_of(&target.common);
    let grant = Grant::parse(target)?;
    let port = target.common.port;
    let store = token_store(false)?;
    let (plan, note) = if remove {
        let plan = clients::plan(
            layout,
            client,
            &scope,
            &expected(layout, client, &scope, port)?,
            Action::Remove,
        )?;
        (plan, None)
    } else {
        // Planning creates no token: the entry shows the current token, or a placeholder.
        match choose(layout, client, &scope, target, &grant, store.as_ref()).await? {
            TokenChoice::Keep { name, token } => (
                clients::plan(
                    layout,
                    client,
                    &scope,
                    &entry_spec(client, port, &name, Some(&token))?,
                    Action::Apply,
                )?,
                Some(format!("Keeps its access token `{name}`.")),
            ),
            TokenChoice::New { name, replaces } => {
                let spec = entry_spec(
                    client,
                    port,
                    &name,
                    Some("xmcp_<new token created on apply>"),
                )?;
                let plan = clients::plan(layout, client, &scope, &spec, Action::Apply)?;
                let mut note = format!(
                    "Apply creates a new access token `{name}` ({}).",
                    grant.new_token(&name, replaces.as_ref()).tier.label()
                );
                if let Some(old) = replaces.map(|r| r.name).filter(|old| *old != name) {
                    note.push_str(&format!(" `{old}` is revoked once the file is written."));
                }
                (plan, Some(note))
            }
        }
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
    if let Some(note) = note.filter(|_| !plan.is_noop()) {
        writeln!(out, "{note}")?;
    }
    Ok(())
}

/// A token just created for a client whose file was then not written: it must not stay usable.
async fn withdraw(store: &TokenStore, name: &str) {
    let _ = store.revoke(name, now_ms());
    let _ = store.forget(name);
    if let Ok(key) = SecretKey::local_token(name) {
        let _ = Vault::os_keychain().delete(&key).await;
    }
}

async fn apply(layout: &HomeLayout, target: &TargetArgs) -> Result<()> {
    let client = parse_client(&target.client)?;
    let scope = scope_of(&target.common);
    let grant = Grant::parse(target)?;
    let port = target.common.port;
    let store = token_store(true)?.context("the token database could not be opened")?;
    let choice = choose(layout, client, &scope, target, &grant, Some(&store))
        .await
        .map_err(|e| anyhow!("{e:#} No access token was created or revoked."))?;

    let mut created = None;
    let mut keychain_failed = None;
    let plan = match &choice {
        TokenChoice::Keep { name, token } => clients::plan(
            layout,
            client,
            &scope,
            &entry_spec(client, port, name, Some(token))?,
            Action::Apply,
        )?,
        TokenChoice::New { name, replaces } => {
            let untouched = match replaces {
                Some(old) => {
                    format!(
                        "No access token was created or revoked; `{}` keeps working.",
                        old.name
                    )
                }
                None => "No access token was created.".to_owned(),
            };
            // 1. Refuse what cannot be written before any token exists.
            let stand_in = vault::generate_local_token()?;
            clients::plan(
                layout,
                client,
                &scope,
                &entry_spec(client, port, name, Some(&stand_in))?,
                Action::Apply,
            )
            .map_err(|e| anyhow!("{e} {untouched}"))?;
            // 2. The token.
            let now = now_ms();
            if store
                .by_name(name)?
                .is_some_and(|i| i.revoked_at_ms.is_some())
            {
                store.forget(name)?;
            }
            let (token, _) = store.create(&grant.new_token(name, replaces.as_ref()), now)?;
            created = Some(name.clone());
            if client == Client::ClaudeDesktop {
                let stored = match SecretKey::local_token(name) {
                    Ok(key) => Vault::os_keychain()
                        .set(&key, &token)
                        .await
                        .map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                };
                if let Err(e) = stored {
                    keychain_failed = Some((e, token.clone()));
                }
            }
            // 3. The change with it.
            match clients::plan(
                layout,
                client,
                &scope,
                &entry_spec(client, port, name, Some(&token))?,
                Action::Apply,
            ) {
                Ok(plan) => plan,
                Err(e) => {
                    withdraw(&store, name).await;
                    bail!("{e} {untouched}");
                }
            }
        }
    };
    let outcome = match clients::apply(&plan) {
        Ok(outcome) => outcome,
        Err(e) => {
            let Some(name) = &created else {
                bail!("{e}");
            };
            withdraw(&store, name).await;
            match &choice {
                TokenChoice::New {
                    replaces: Some(old),
                    ..
                } => bail!(
                    "{e} The new access token was withdrawn; `{}` keeps working.",
                    old.name
                ),
                _ => bail!("{e} The new access token was withdrawn."),
            }
        }
    };
    // 4. The file uses the new token: the one it replaced stops working.
    let mut revoke_failed = None;
    let mut revoked = None;
    if let TokenChoice::New {
        name,
        replaces: Some(LocalTokenInfo { name: old, .. }),
    } = &choice
        && old != name
    {
        match store.revoke(old, now_ms()) {
            Ok(_) => {
                if let Ok(key) = SecretKey::local_token(old) {
                    let _ = Vault::os_keychain().delete(&key).await;
                }
                revoked = Some(old.clone());
            }
            Err(e) => revoke_failed = Some((old.clone(), e)),
        }
    }

    let mut out = std::io::stdout().lock();
    report(&mut out, client, &plan, &outcome)?;
    if let TokenChoice::New { name, replaces } = &choice {
        let tier = grant.new_token(name, replaces.as_ref()).tier;
        writeln!(out, "New access token `{name}` ({}).", tier.label())?;
    }
    if let Some(old) = &revoked {
        writeln!(out, "Revoked the previous token `{old}`.")?;
    }
    if let Some((e, token)) = &keychain_failed {
        // Shown once, so the user can still wire it by hand on a machine without a keychain.
        eprintln!(
            "warning: the token could not be saved in the keychain ({e}).\nClaude Desktop's bridge will not find it; set XANO_MCP_LOCAL_TOKEN for it instead."
        );
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
    if let Some((old, e)) = revoke_failed {
        bail!(
            "the entry now uses the new token, but the previous token `{old}` could not be revoked ({e}); revoke it with `xano-mcp token revoke {old}`"
        );
    }
    Ok(())
}

fn report(
    out: &mut impl Write,
    client: Client,
    plan: &ClientConfigPlan,
    outcome: &clients::ApplyOutcome,
) -> Result<()> {
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
    Ok(())
}

async fn remove(layout: &HomeLayout, target: &TargetArgs) -> Result<()> {
    let client = parse_client(&target.client)?;
    let scope = scope_of(&target.common);
    let port = target.common.port;
    let plan = clients::plan(
        layout,
        client,
        &scope,
        &expected(layout, client, &scope, port)?,
        Action::Remove,
    )?;
    if plan.is_noop() {
        bail!(
            "{} has no `xano-mcp` entry in {}; nothing to remove",
            client.name(),
            plan.path().display()
        );
    }
    let token = match token_store(false)? {
        Some(store) => in_use(layout, client, &scope, port, &store)
            .await?
            .map(|u| u.info.name),
        None => None,
    };
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
    if let Some(name) = token {
        writeln!(
            out,
            "Its token `{name}` still exists; revoke it with `xano-mcp token revoke {name}` if no longer needed."
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_names_stay_within_the_limit() {
        let store = TokenStore::open_in_memory().expect("store");
        let base = "cursor-a-very-long-project-folder-name-xx";
        let base = shorten(base, vault::MAX_NAME_LEN);
        assert_eq!(free_name(Some(&store), &base).expect("name"), base);
        let grant = Grant {
            tier: None,
            approval: None,
        };
        store
            .create(&grant.new_token(&base, None), 0)
            .expect("create");
        let second = free_name(Some(&store), &base).expect("name");
        assert!(
            second.ends_with("-2") && second.len() <= vault::MAX_NAME_LEN,
            "{second}"
        );
        vault::validate_name("token", &second).expect("a valid name");
        store.revoke(&base, 1).expect("revoke");
        assert_eq!(
            free_name(Some(&store), &base).expect("name"),
            base,
            "a revoked token's name is reused"
        );
    }
}
