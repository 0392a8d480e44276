//! `xano-mcp token create|list|update|revoke`: local access tokens for AI clients.

use anyhow::{Result, anyhow};
use core_api::Paths;
use std::io::Write;
use vault::{AccessTier, ApprovalPolicy, NewLocalToken, SecretKey, TokenStore, Vault};

pub fn now_ms() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis()),
    )
    .unwrap_or(i64::MAX)
}

fn store() -> Result<(Paths, TokenStore)> {
    let paths = Paths::from_env()?;
    paths
        .ensure()
        .map_err(|e| anyhow!("could not create {}: {e}", paths.home().display()))?;
    let store = TokenStore::open(&paths.tokens_db())?;
    Ok((paths, store))
}

/// Arguments of `token create`.
#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    /// A name for the client this token is for, e.g. `cursor` (lowercase letters, digits, - and _).
    pub name: String,
    /// read-only, read-write, or full-access.
    #[arg(long, default_value = "read-only")]
    pub tier: String,
    /// Allow only this workspace id (repeat for several; default: all workspaces).
    #[arg(long = "workspace")]
    pub workspaces: Vec<i64>,
    /// Allow only this table, by name or id (repeat for several; default: all tables).
    #[arg(long = "table")]
    pub tables: Vec<String>,
    /// Expire after this many days (default: never).
    #[arg(long)]
    pub expires_in_days: Option<u32>,
    /// Approval before writes in the app: off, destructive, all-writes.
    #[arg(long, default_value = "off")]
    pub approval: String,
    /// Calls per minute (default 240).
    #[arg(long)]
    pub rate_limit: Option<u32>,
}

/// An access tier as typed on the command line, or an error naming the ones there are.
pub(crate) fn parse_tier(text: &str) -> Result<AccessTier> {
    AccessTier::parse(text)
        .ok_or_else(|| anyhow!("unknown tier `{text}`; use read-only, read-write or full-access"))
}

/// An approval policy as typed on the command line, or an error naming the ones there are.
pub(crate) fn parse_approval(text: &str) -> Result<ApprovalPolicy> {
    ApprovalPolicy::parse(text).ok_or_else(|| {
        anyhow!("unknown approval policy `{text}`; use off, destructive or all-writes")
    })
}

pub async fn create(args: CreateArgs) -> Result<()> {
    let tier = parse_tier(&args.tier)?;
    let approval = parse_approval(&args.approval)?;
    let (_, store) = store()?;
    let now = now_ms();
    let grant = NewLocalToken {
        name: args.name.clone(),
        tier,
        workspaces: args.workspaces,
        tables: (!args.tables.is_empty()).then_some(args.tables),
        expires_at_ms: args
            .expires_in_days
            .map(|d| now + i64::from(d) * 86_400_000),
        approval,
        rate_limit_per_minute: args.rate_limit,
    };
    let (token, info) = store.create(&grant, now)?;
    // The stdio bridge reads its token from the keychain by name, so no secret sits in that client's config.
    let saved = match SecretKey::local_token(&info.name) {
        Ok(key) => Vault::os_keychain()
            .set(&key, &token)
            .await
            .map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "Created token `{}` ({}).", info.name, tier.label())?;
    writeln!(out, "Token: {token}")?;
    writeln!(
        out,
        "This is the only time it is shown; copy it into the AI client's config now."
    )?;
    match saved {
        Ok(()) => writeln!(
            out,
            "Also saved in the system keychain for `xano-mcp stdio --token-name {}`.",
            info.name
        )?,
        Err(e) => writeln!(
            out,
            "Not saved in the keychain ({e}); stdio clients need XANO_MCP_LOCAL_TOKEN set to it."
        )?,
    }
    Ok(())
}

/// Arguments of `token update`: only what is given changes.
#[derive(Debug, clap::Args)]
pub struct UpdateArgs {
    /// The token's name.
    pub name: String,
    /// read-only, read-write, or full-access.
    #[arg(long)]
    pub tier: Option<String>,
    /// Allow only this workspace id (repeat for several); replaces the current list.
    #[arg(long = "workspace", conflicts_with = "all_workspaces")]
    pub workspaces: Vec<i64>,
    /// Allow every workspace.
    #[arg(long)]
    pub all_workspaces: bool,
    /// Allow only this table, by name or id (repeat for several); replaces the current list.
    #[arg(long = "table", conflicts_with = "all_tables")]
    pub tables: Vec<String>,
    /// Allow every table.
    #[arg(long)]
    pub all_tables: bool,
    /// Expire this many days from now.
    #[arg(long, conflicts_with = "no_expiry", value_parser = clap::value_parser!(u32).range(1..))]
    pub expires_in_days: Option<u32>,
    /// Never expire.
    #[arg(long)]
    pub no_expiry: bool,
    /// Approval before writes in the app: off, destructive, all-writes.
    #[arg(long)]
    pub approval: Option<String>,
    /// Calls per minute.
    #[arg(long)]
    pub rate_limit: Option<u32>,
}

/// Changes a token's grant; the secret stays, so the client keeps working with the new access.
pub fn update(args: UpdateArgs) -> Result<()> {
    let (_, store) = store()?;
    let current = store.by_name(&args.name)?.ok_or_else(|| {
        anyhow!(
            "there is no token named `{}`; `xano-mcp token list` shows them",
            args.name
        )
    })?;
    let tier = match &args.tier {
        Some(t) => parse_tier(t)?,
        None => current.tier,
    };
    let approval = match &args.approval {
        Some(a) => parse_approval(a)?,
        None => current.approval,
    };
    let workspaces = if args.all_workspaces {
        Vec::new()
    } else if args.workspaces.is_empty() {
        current.workspaces
    } else {
        args.workspaces
    };
    let tables = if args.all_tables {
        None
    } else if args.tables.is_empty() {
        current.tables
    } else {
        Some(args.tables)
    };
    let expires_at_ms = match (args.expires_in_days, args.no_expiry) {
        (Some(d), _) => Some(now_ms() + i64::from(d) * 86_400_000),
        (None, true) => None,
        (None, false) => current.expires_at_ms,
    };
    let info = store.update(&NewLocalToken {
        name: args.name,
        tier,
        workspaces,
        tables,
        expires_at_ms,
        approval,
        rate_limit_per_minute: args.rate_limit.or(current.rate_limit_per_minute),
    })?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Updated token `{}`: {}, {}, {}, expires {}. Clients using it get the new access from their next call.",
        info.name,
        info.tier.label(),
        if info.workspaces.is_empty() {
            "all workspaces".to_owned()
        } else {
            format!("workspaces {:?}", info.workspaces)
        },
        info.tables.as_ref().map_or_else(
            || "all tables".to_owned(),
            |t| format!("tables {}", t.join(", "))
        ),
        if info.expires_at_ms.is_some() {
            when(info.expires_at_ms)
        } else {
            "never".to_owned()
        },
    )?;
    Ok(())
}

fn when(ms: Option<i64>) -> String {
    ms.and_then(|ms| time::OffsetDateTime::from_unix_timestamp(ms / 1000).ok())
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| "-".to_owned())
}

pub fn list() -> Result<()> {
    let (_, store) = store()?;
    let tokens = store.list()?;
    let mut out = std::io::stdout().lock();
    if tokens.is_empty() {
        writeln!(
            out,
            "No access tokens yet. Create one with `xano-mcp token create <name> --tier read-only`."
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "{:<20} {:<12} {:<10} {:<14} {:<22} {:<22}",
        "NAME", "TIER", "STATUS", "WORKSPACES", "EXPIRES", "LAST USED"
    )?;
    let now = now_ms();
    for t in tokens {
        let status = if t.revoked_at_ms.is_some() {
            "revoked"
        } else if t.is_active(now) {
            "active"
        } else {
            "expired"
        };
        let ws = if t.workspaces.is_empty() {
            "all".to_owned()
        } else {
            t.workspaces
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(",")
        };
        writeln!(
            out,
            "{:<20} {:<12} {:<10} {:<14} {:<22} {:<22}",
            t.name,
            t.tier.as_str(),
            status,
            ws,
            when(t.expires_at_ms),
            when(t.last_used_at_ms)
        )?;
    }
    Ok(())
}

pub async fn revoke(name: &str) -> Result<()> {
    let (_, store) = store()?;
    let changed = store.revoke(name, now_ms())?;
    if let Ok(key) = SecretKey::local_token(name) {
        let _ = Vault::os_keychain().delete(&key).await;
    }
    let mut out = std::io::stdout().lock();
    if changed {
        writeln!(
            out,
            "Revoked `{name}`: clients using it are refused from their next call."
        )?;
    } else {
        writeln!(out, "`{name}` was already revoked.")?;
    }
    Ok(())
}
