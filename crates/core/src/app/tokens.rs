//! Local access tokens from the app: list, create (shown once), revoke.
//!
//! A created token is also put in the OS keychain under its name, so the stdio bridge (Claude
//! Desktop) can read it without the secret sitting in a config file; when the keychain cannot be
//! used the token still works over HTTP and the answer says so.

use super::error::{AppError, AppResult};
use super::{AppState, now_ms};
use serde::{Deserialize, Serialize};
use vault::{AccessTier, ApprovalPolicy, LocalTokenInfo, NewLocalToken, SecretKey};

const DAY_MS: i64 = 86_400_000;

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    ReadOnly,
    ReadWrite,
    FullAccess,
}

impl From<Tier> for AccessTier {
    fn from(t: Tier) -> Self {
        match t {
            Tier::ReadOnly => AccessTier::ReadOnly,
            Tier::ReadWrite => AccessTier::ReadWrite,
            Tier::FullAccess => AccessTier::FullAccess,
        }
    }
}

impl From<AccessTier> for Tier {
    fn from(t: AccessTier) -> Self {
        match t {
            AccessTier::ReadOnly => Tier::ReadOnly,
            AccessTier::ReadWrite => Tier::ReadWrite,
            AccessTier::FullAccess => Tier::FullAccess,
        }
    }
}

/// When calls wait for the user's approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Approval {
    Off,
    Destructive,
    AllWrites,
}

impl From<Approval> for ApprovalPolicy {
    fn from(a: Approval) -> Self {
        match a {
            Approval::Off => ApprovalPolicy::Off,
            Approval::Destructive => ApprovalPolicy::Destructive,
            Approval::AllWrites => ApprovalPolicy::AllWrites,
        }
    }
}

impl From<ApprovalPolicy> for Approval {
    fn from(a: ApprovalPolicy) -> Self {
        match a {
            ApprovalPolicy::Off => Approval::Off,
            ApprovalPolicy::Destructive => Approval::Destructive,
            ApprovalPolicy::AllWrites => Approval::AllWrites,
        }
    }
}

/// Whether a token can be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum TokenStatus {
    Active,
    /// Expires within two days.
    ExpiresSoon,
    Expired,
    Revoked,
}

/// A stored token (never the secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    pub tier: Tier,
    /// Empty = every workspace.
    pub workspaces: Vec<i64>,
    /// `None` = every table.
    pub tables: Option<Vec<String>>,
    pub approval: Approval,
    pub rate_limit_per_minute: Option<u32>,
    pub expires_at_ms: Option<i64>,
    pub created_at_ms: i64,
    pub last_used_at_ms: Option<i64>,
    pub revoked_at_ms: Option<i64>,
    pub status: TokenStatus,
}

impl TokenView {
    pub(crate) fn of(info: LocalTokenInfo, now: i64) -> Self {
        let status = if info.revoked_at_ms.is_some() {
            TokenStatus::Revoked
        } else {
            match info.expires_at_ms {
                Some(e) if e <= now => TokenStatus::Expired,
                Some(e) if e - now <= 2 * DAY_MS => TokenStatus::ExpiresSoon,
                _ => TokenStatus::Active,
            }
        };
        Self {
            id: info.id,
            name: info.name,
            tier: info.tier.into(),
            workspaces: info.workspaces,
            tables: info.tables,
            approval: info.approval.into(),
            rate_limit_per_minute: info.rate_limit_per_minute,
            expires_at_ms: info.expires_at_ms,
            created_at_ms: info.created_at_ms,
            last_used_at_ms: info.last_used_at_ms,
            revoked_at_ms: info.revoked_at_ms,
            status,
        }
    }
}

/// The grant of a token to create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct NewTokenInput {
    pub name: String,
    pub tier: Tier,
    /// Empty = every workspace.
    pub workspaces: Vec<i64>,
    /// Table names or ids; empty = every table.
    pub tables: Vec<String>,
    /// `None` = never expires.
    pub expires_in_days: Option<u32>,
    pub approval: Approval,
    /// `None` = the default from Settings.
    pub rate_limit_per_minute: Option<u32>,
}

/// What happens to a token's expiry when it is edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExpiryChange {
    /// Leave it as it is.
    Keep,
    /// Never expires.
    Never,
    /// Expires this many days from now (at least 1).
    InDays { days: u32 },
}

/// The new grant of an existing token (the secret and the name stay).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct TokenUpdateInput {
    pub name: String,
    pub tier: Tier,
    /// Empty = every workspace.
    pub workspaces: Vec<i64>,
    /// Table names or ids; empty = every table.
    pub tables: Vec<String>,
    pub expiry: ExpiryChange,
    pub approval: Approval,
    /// `None` = the default from Settings.
    pub rate_limit_per_minute: Option<u32>,
}

/// A token just created: the only time its secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct CreatedToken {
    /// `xmcp_…`: copy it now, it is not shown again.
    pub token: String,
    pub info: TokenView,
    /// Also saved in the OS keychain (for stdio clients such as Claude Desktop).
    pub saved_in_keychain: bool,
    /// Why not, when it was not.
    pub keychain_note: Option<String>,
}

/// Every token, newest first.
pub fn list(app: &AppState) -> AppResult<Vec<TokenView>> {
    let now = now_ms();
    let mut tokens: Vec<TokenView> = app
        .tokens
        .list()?
        .into_iter()
        .map(|t| TokenView::of(t, now))
        .collect();
    tokens.sort_by(|a, b| b.created_at_ms.cmp(&a.created_at_ms).then(b.id.cmp(&a.id)));
    Ok(tokens)
}

/// Creates a token; its secret is in the answer, once.
pub async fn create(app: &AppState, input: NewTokenInput) -> AppResult<CreatedToken> {
    let name = input.name.trim().to_owned();
    vault::validate_name("token", &name).map_err(|_| {
        AppError::invalid(
            "name",
            "Token names use 1-40 lowercase letters, digits, `-` or `_`, e.g. `cursor-laptop`.",
        )
    })?;
    if input.expires_in_days == Some(0) {
        return Err(AppError::invalid(
            "expiresInDays",
            "Choose at least 1 day, or no expiry.",
        ));
    }
    let tables: Vec<String> = input
        .tables
        .iter()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect();
    let now = now_ms();
    let grant = NewLocalToken {
        name,
        tier: input.tier.into(),
        workspaces: input.workspaces,
        tables: (!tables.is_empty()).then_some(tables),
        expires_at_ms: input.expires_in_days.map(|d| now + i64::from(d) * DAY_MS),
        approval: input.approval.into(),
        rate_limit_per_minute: Some(
            input
                .rate_limit_per_minute
                .unwrap_or(app.settings().rate_limit_per_minute),
        ),
    };
    let (token, info) = app.tokens.create(&grant, now)?;
    let (saved_in_keychain, keychain_note) = match keep_in_keychain(app, &info.name, &token).await {
        Ok(()) => (true, None),
        Err(e) => (
            false,
            Some(format!(
                "Not saved in the system keychain ({e}). HTTP clients (Cursor, VS Code, ...) work; Claude Desktop needs the keychain, so unlock it and create the token again."
            )),
        ),
    };
    Ok(CreatedToken {
        token,
        info: TokenView::of(info, now),
        saved_in_keychain,
        keychain_note,
    })
}

/// Changes what a token may do; the AI app using it keeps working (same secret) and gets the new
/// grant from its next call. Lowering the tier or narrowing workspaces applies at once, too.
pub fn update(app: &AppState, input: TokenUpdateInput) -> AppResult<TokenView> {
    let name = input.name.trim().to_owned();
    let current = app
        .tokens
        .by_name(&name)?
        .ok_or_else(|| AppError::from(vault::TokenError::NotFound(name.clone())))?;
    let now = now_ms();
    let expires_at_ms = match input.expiry {
        ExpiryChange::Keep => current.expires_at_ms,
        ExpiryChange::Never => None,
        ExpiryChange::InDays { days: 0 } => {
            return Err(AppError::invalid(
                "expiry",
                "Choose at least 1 day, or no expiry.",
            ));
        }
        ExpiryChange::InDays { days } => Some(now + i64::from(days) * DAY_MS),
    };
    let tables: Vec<String> = input
        .tables
        .iter()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect();
    let info = app.tokens.update(&NewLocalToken {
        name,
        tier: input.tier.into(),
        workspaces: input.workspaces,
        tables: (!tables.is_empty()).then_some(tables),
        expires_at_ms,
        approval: input.approval.into(),
        rate_limit_per_minute: Some(
            input
                .rate_limit_per_minute
                .unwrap_or(app.settings().rate_limit_per_minute),
        ),
    })?;
    Ok(TokenView::of(info, now))
}

pub(crate) async fn keep_in_keychain(app: &AppState, name: &str, token: &str) -> AppResult<()> {
    let key = SecretKey::local_token(name)?;
    app.cfg.vault.set(&key, token).await?;
    Ok(())
}

/// Revokes a token: clients using it are refused from their next call.
pub async fn revoke(app: &AppState, name: &str) -> AppResult<TokenView> {
    let now = now_ms();
    if !app.tokens.revoke(name, now)? {
        // Revoked already, or unknown.
        if app.tokens.by_name(name)?.is_none() {
            return Err(vault::TokenError::NotFound(name.to_owned()).into());
        }
    }
    if let Ok(key) = SecretKey::local_token(name)
        && let Err(e) = app.cfg.vault.delete(&key).await
    {
        tracing::warn!(
            token = name,
            "could not remove a revoked token from the keychain: {e}"
        );
    }
    let info = app
        .tokens
        .by_name(name)?
        .ok_or_else(|| AppError::from(vault::TokenError::NotFound(name.to_owned())))?;
    Ok(TokenView::of(info, now))
}
