//! The setup use cases the wizard and the CLI (`login`, `logout`, `profiles`) call: check a
//! pasted token, find the instances, list workspaces and branches, save, rotate, sign out, forget
//! everything, and the token expiry.
//!
//! Invariants:
//! - the Xano token goes only to the keychain ([`SetupContext::vault`]); `profiles.json` holds no
//!   secret;
//! - a keychain failure leaves `profiles.json` as it was (the keychain is written first when
//!   saving, and emptied first when removing), so no profile points at a token that is not there
//!   and no token is left behind without its profile;
//! - instance addresses are normalised once, with `xano::MetaBase`, before they are saved.
//!
//! Not here: choosing among several instances (the caller asks the user), local access tokens
//! (the token store), the MCP server.

use crate::access::XanoAccess;
use crate::context::SetupContext;
use crate::error::{Error, Result};
use crate::expiry::{TokenExpiry, expiry_from_token};
use serde::Serialize;
use std::path::PathBuf;
use vault::{PROFILES_FILE, Profile, SecretKey};
use xano::{MetaBase, XanoToken};

/// Whose token it is, from `/auth/me`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct XanoUser {
    pub id: i64,
    pub name: String,
    pub email: String,
}

/// The instance a token belongs to, when `/auth/me` says (`extras.instance`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstanceIdentity {
    pub id: Option<i64>,
    /// E.g. `x1234-4567-8901`.
    pub name: String,
    /// The human name.
    pub display: String,
}

/// The answer of [`validate_token`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenCheck {
    pub user: XanoUser,
    pub instance: Option<InstanceIdentity>,
    /// Unix seconds, when the token says (a readable JWT `exp`).
    pub expires_at: Option<i64>,
    /// The Metadata API base the token was checked on.
    pub checked_on: String,
}

/// A Xano instance the user can pick.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct XanoInstance {
    /// E.g. `x1234-4567-8901` (for a typed address: its host).
    pub name: String,
    /// The human name (for a typed address: its host).
    pub display: String,
    /// The normalised Metadata API base, e.g. `https://x1234-4567-8901.n7.xano.io/api:meta`.
    pub meta_api: String,
    /// The host part, e.g. `x1234-4567-8901.n7.xano.io`.
    pub host: String,
    /// The customer's own domain, when the instance has one.
    pub custom_domain: Option<String>,
}

impl XanoInstance {
    /// The label to show: `display (host)`, or the host alone.
    pub fn label(&self) -> String {
        if self.display.is_empty() || self.display == self.host {
            self.host.clone()
        } else {
            format!("{} ({})", self.display, self.host)
        }
    }
}

/// A workspace and its branches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkspaceBranches {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub branches: Vec<BranchInfo>,
}

/// One branch of a workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BranchInfo {
    pub label: String,
    pub live: bool,
    pub backup: bool,
}

/// The answer of [`save_profile`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SavedProfile {
    pub profile: Profile,
    /// It did not exist before.
    pub created: bool,
    /// It is the active profile now.
    pub active: bool,
}

/// The profiles and which one is active.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProfileList {
    pub active: Option<String>,
    pub profiles: Vec<Profile>,
}

/// The answer of [`remove_profile`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemovedProfile {
    pub name: String,
    /// A keychain entry was there and is gone.
    pub token_deleted: bool,
    /// It was the active profile (now none is active).
    pub was_active: bool,
}

/// The answer of [`forget_everything`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForgetReport {
    /// The profiles that were forgotten.
    pub profiles: Vec<String>,
    /// The keychain accounts deleted (names only, never secrets).
    pub keychain_entries: Vec<String>,
    /// The files deleted.
    pub files: Vec<PathBuf>,
}

/// Checks a pasted token with `/auth/me`: on `instance_url` when given (self-hosted instances and
/// custom domains are not known to the account host), else on the account host.
pub async fn validate_token(
    ctx: &SetupContext,
    token: &str,
    instance_url: Option<&str>,
) -> Result<TokenCheck> {
    let token = XanoToken::new(token);
    let base = match instance_url {
        Some(url) => MetaBase::parse(url)?,
        None => ctx.account_base.clone(),
    };
    let client = ctx.client(base.clone(), token.clone())?;
    let user = client.auth_me().await.map_err(|err| {
        let mut err = Error::from(err);
        if instance_url.is_none()
            && let Error::XanoAuthInvalid { message } = &mut err
        {
            message.push_str(&format!(
                " The token was checked on the account host ({base}); if your instance is self-hosted or on a custom domain, give its address (`xano-mcp login --instance https://your-host`) so it is checked there."
            ));
        }
        err
    })?;
    Ok(TokenCheck {
        user: XanoUser {
            id: user.id,
            name: user.name,
            email: user.email,
        },
        instance: instance_identity(&user.extras),
        expires_at: expiry_from_token(token.expose()),
        checked_on: base.to_string(),
    })
}

fn instance_identity(extras: &serde_json::Value) -> Option<InstanceIdentity> {
    let instance = extras.get("instance")?;
    let text = |key: &str| {
        instance
            .get(key)
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let name = text("name");
    (!name.is_empty()).then(|| InstanceIdentity {
        id: instance.get("id").and_then(|v| {
            v.as_i64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        }),
        display: text("display"),
        name,
    })
}

/// The instances of the account (`GET /instance` on the account host). When the host cannot list
/// them (self-hosted) or lists none, [`Error::NoInstanceFound`] asks for the address instead;
/// [`instance_from_url`] turns a typed address into an [`XanoInstance`].
pub async fn discover_instances(ctx: &SetupContext, token: &str) -> Result<Vec<XanoInstance>> {
    let client = ctx.client(ctx.account_base.clone(), XanoToken::new(token))?;
    let listed = match client.list_instances().await {
        Ok(listed) => listed,
        Err(xano::Error::NotFound { .. }) => {
            return Err(Error::NoInstanceFound {
                message: format!(
                    "{} cannot list instances (a self-hosted instance or a custom domain answers for itself). Type your instance address instead, e.g. https://x8ki-letl-twmt.n7.xano.io (`xano-mcp login --instance URL`).",
                    ctx.account_base
                ),
            });
        }
        Err(err) => return Err(err.into()),
    };
    let instances: Vec<XanoInstance> = listed
        .into_iter()
        .filter_map(|i| {
            let address = i
                .meta_api
                .clone()
                .filter(|s| !s.trim().is_empty())
                .or_else(|| i.xano_domain.clone().filter(|s| !s.trim().is_empty()))?;
            let base = match MetaBase::parse(&address) {
                Ok(base) => base,
                Err(err) => {
                    tracing::warn!(instance = %i.name, "skipping an instance with an unusable address: {err}");
                    return None;
                }
            };
            Some(XanoInstance {
                display: if i.display.trim().is_empty() {
                    i.name.clone()
                } else {
                    i.display.clone()
                },
                name: i.name,
                meta_api: base.to_string(),
                host: host_with_port(&base),
                custom_domain: i.custom_domain.filter(|d| !d.trim().is_empty()),
            })
        })
        .collect();
    if instances.is_empty() {
        return Err(Error::NoInstanceFound {
            message: "Xano lists no instance for this token. Type your instance address instead (Instances in Xano shows it, e.g. https://x8ki-letl-twmt.n7.xano.io).".to_owned(),
        });
    }
    Ok(instances)
}

/// An instance the user typed (any form `xano::MetaBase::parse` accepts).
pub fn instance_from_url(input: &str) -> Result<XanoInstance> {
    let base = MetaBase::parse(input)?;
    let host = host_with_port(&base);
    Ok(XanoInstance {
        name: host.clone(),
        display: host.clone(),
        meta_api: base.to_string(),
        host,
        custom_domain: None,
    })
}

fn host_with_port(base: &MetaBase) -> String {
    // The origin is `scheme://host[:port]`; keeping a non-default port tells two local doubles apart.
    base.origin()
        .split_once("://")
        .map_or_else(|| base.host().to_owned(), |(_, rest)| rest.to_owned())
}

/// The workspaces the token can see, each with its branches.
pub async fn list_workspaces_and_branches(
    ctx: &SetupContext,
    access: &XanoAccess,
) -> Result<Vec<WorkspaceBranches>> {
    let client = access.client(ctx)?;
    let mut out = Vec::new();
    for ws in client.list_workspaces().await? {
        let branches = client
            .list_branches(ws.id)
            .await?
            .into_iter()
            .map(|b| BranchInfo {
                label: b.label,
                live: b.live,
                backup: b.backup,
            })
            .collect();
        out.push(WorkspaceBranches {
            id: ws.id,
            name: ws.name,
            description: ws.description,
            branches,
        });
    }
    Ok(out)
}

/// What a profile uses when a call names nothing: workspace, branch and data source.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileDefaults {
    pub workspace: Option<i64>,
    /// A branch label (`None`: the live branch).
    pub branch: Option<String>,
    /// A data source label sent as `X-Data-Source` (`None`: Xano's default, `live`).
    pub data_source: Option<String>,
}

/// Checks `defaults` against the instance with `token` before they are saved: the workspace is
/// one the token sees, and the branch and data source exist there (in every workspace the token
/// sees when no workspace is named, in at least one). Blank labels mean "none".
pub async fn check_profile_defaults(
    ctx: &SetupContext,
    instance: &str,
    token: &str,
    defaults: &ProfileDefaults,
) -> Result<ProfileDefaults> {
    let clean = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let out = ProfileDefaults {
        workspace: defaults.workspace,
        branch: clean(&defaults.branch),
        data_source: clean(&defaults.data_source),
    };
    if out == ProfileDefaults::default() {
        return Ok(out);
    }
    let client = ctx.client(MetaBase::parse(instance)?, XanoToken::new(token))?;
    let workspaces = client.list_workspaces().await?;
    let listing = || {
        workspaces
            .iter()
            .map(|w| format!("{} ({})", w.id, w.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let targets: Vec<i64> = match out.workspace {
        Some(id) if workspaces.iter().any(|w| w.id == id) => vec![id],
        Some(id) => {
            return Err(Error::invalid_input(
                "workspace",
                format!(
                    "This token does not see a workspace {id}. Use one of: {}.",
                    listing()
                ),
            ));
        }
        None => workspaces.iter().map(|w| w.id).collect(),
    };
    if let Some(label) = &out.branch {
        let mut known = Vec::new();
        for &ws in &targets {
            known.extend(client.list_branches(ws).await?.into_iter().map(|b| b.label));
        }
        if !known.contains(label) {
            known.sort();
            known.dedup();
            return Err(Error::invalid_input(
                "branch",
                format!(
                    "There is no branch `{label}` {}. Its branches: {}.",
                    where_of(out.workspace),
                    known.join(", ")
                ),
            ));
        }
    }
    if let Some(label) = &out.data_source {
        let mut known = Vec::new();
        for &ws in &targets {
            known.extend(
                client
                    .list_data_sources(ws)
                    .await?
                    .into_iter()
                    .map(|d| d.label),
            );
        }
        if !known.contains(label) {
            known.sort();
            known.dedup();
            return Err(Error::invalid_input(
                "data_source",
                format!(
                    "There is no data source `{label}` {}. Its data sources: {}.",
                    where_of(out.workspace),
                    known.join(", ")
                ),
            ));
        }
    }
    Ok(out)
}

fn where_of(workspace: Option<i64>) -> String {
    match workspace {
        Some(id) => format!("in workspace {id}"),
        None => "in any workspace this token sees".to_owned(),
    }
}

/// A new profile named `name` for `instance`, with what the token check learnt (expiry).
/// `now` is unix seconds. The display name is the instance's, when it is usable.
pub fn profile_for(name: &str, instance: &XanoInstance, check: &TokenCheck, now: i64) -> Profile {
    let mut profile = Profile::new(name, &instance.meta_api, now);
    let display: String = instance
        .display
        .chars()
        .filter(|c| !c.is_control())
        .take(80)
        .collect();
    if !display.trim().is_empty() {
        profile.display_name = display.trim().to_owned();
    }
    profile.token_expires_at = check.expires_at;
    profile
}

/// Saves `token` in the keychain and `profile` in `profiles.json` (the first profile becomes
/// active). A profile that moved to another instance loses its old keychain entry.
pub async fn save_profile(
    ctx: &SetupContext,
    profile: Profile,
    token: &str,
) -> Result<SavedProfile> {
    let mut profile = profile;
    profile.instance_url = MetaBase::parse(&profile.instance_url)?.to_string();
    profile.validate()?;
    let token = XanoToken::new(token);
    if token.is_empty() {
        return Err(vault::Error::EmptySecret.into());
    }
    let store = ctx.profiles()?;
    let previous = store.get(&profile.name)?;
    let key = profile.token_key()?;
    ctx.vault.set(&key, token.expose()).await?;
    let created = match store.upsert(profile.clone()) {
        Ok(created) => created,
        Err(err) => {
            // Do not leave a token behind that no profile points at.
            let had_same_key = previous
                .as_ref()
                .and_then(|p| p.token_key().ok())
                .is_some_and(|k| k == key);
            if !had_same_key && let Err(cleanup) = ctx.vault.delete(&key).await {
                tracing::warn!(account = %key, "could not remove the token after a failed save: {cleanup}");
            }
            return Err(err.into());
        }
    };
    if let Some(old_key) = previous.and_then(|p| p.token_key().ok())
        && old_key != key
    {
        ctx.vault.delete(&old_key).await?;
    }
    let active = store.active()?.is_some_and(|p| p.name == profile.name);
    Ok(SavedProfile {
        profile,
        created,
        active,
    })
}

/// Replaces the token of profile `name` after checking the new one on the profile's instance. The
/// old token's expiry no longer applies: the profile takes the new token's (often unknown; set it
/// with [`set_token_expiry`]).
pub async fn rotate_token(ctx: &SetupContext, name: &str, new_token: &str) -> Result<TokenCheck> {
    let store = ctx.profiles()?;
    let mut profile = store
        .get(name)?
        .ok_or_else(|| Error::profile_not_found(name))?;
    let check = validate_token(ctx, new_token, Some(&profile.instance_url)).await?;
    ctx.vault
        .set(&profile.token_key()?, XanoToken::new(new_token).expose())
        .await?;
    profile.token_expires_at = check.expires_at;
    store.upsert(profile)?;
    Ok(check)
}

/// Records when the token of profile `name` expires (unix seconds), as the user entered it;
/// `None` forgets it.
pub fn set_token_expiry(
    ctx: &SetupContext,
    name: &str,
    expires_at: Option<i64>,
) -> Result<Profile> {
    let store = ctx.profiles()?;
    let mut profile = store
        .get(name)?
        .ok_or_else(|| Error::profile_not_found(name))?;
    profile.token_expires_at = expires_at;
    store.upsert(profile.clone())?;
    Ok(profile)
}

/// The expiry of profile `name`'s token at `now` (unix seconds), when known.
pub fn token_expiry(ctx: &SetupContext, name: &str, now: i64) -> Result<Option<TokenExpiry>> {
    let profile = ctx
        .profiles()?
        .get(name)?
        .ok_or_else(|| Error::profile_not_found(name))?;
    Ok(profile
        .token_expires_at
        .map(|expires| TokenExpiry::at(expires, now)))
}

/// All profiles and the active one.
pub fn list_profiles(ctx: &SetupContext) -> Result<ProfileList> {
    let store = ctx.profiles()?;
    Ok(ProfileList {
        active: store.active()?.map(|p| p.name),
        profiles: store.list()?,
    })
}

/// Makes profile `name` the active one.
pub fn use_profile(ctx: &SetupContext, name: &str) -> Result<Profile> {
    let store = ctx.profiles()?;
    store.set_active(name)?;
    store
        .get(name)?
        .ok_or_else(|| Error::profile_not_found(name))
}

/// Signs out of profile `name`: its keychain entry first, then the profile. When the keychain
/// cannot be used nothing is removed. Removing the active profile leaves none active.
pub async fn remove_profile(ctx: &SetupContext, name: &str) -> Result<RemovedProfile> {
    let store = ctx.profiles()?;
    let profile = store
        .get(name)?
        .ok_or_else(|| Error::profile_not_found(name))?;
    let was_active = store.active()?.is_some_and(|p| p.name == name);
    let token_deleted = ctx.vault.delete(&profile.token_key()?).await?;
    store.remove(name)?;
    Ok(RemovedProfile {
        name: name.to_owned(),
        token_deleted,
        was_active,
    })
}

/// Forgets everything this app stored for the user: the keychain entries of every profile and
/// of every local access token in the token store (the keychain cannot be listed, so the names
/// come from `profiles.json` and `tokens.sqlite3`), then `profiles.json`. When the keychain
/// cannot be used, nothing is removed. The token store itself is left to `xano-mcp token` (revoke
/// there to cut off clients that hold a token in their config).
pub async fn forget_everything(ctx: &SetupContext) -> Result<ForgetReport> {
    let store = ctx.profiles()?;
    let profiles = store.list()?;
    let mut keys = Vec::new();
    for profile in &profiles {
        keys.push(profile.token_key()?);
    }
    for name in local_token_names(ctx)? {
        // A name the keychain cannot hold was never stored there.
        if let Ok(key) = SecretKey::local_token(&name) {
            keys.push(key);
        }
    }
    let mut keychain_entries = Vec::new();
    for key in keys {
        if ctx.vault.delete(&key).await? {
            keychain_entries.push(key.account());
        }
    }
    let mut files = Vec::new();
    let dir = ctx.paths.profiles_dir();
    for file in [
        dir.join(PROFILES_FILE),
        dir.join(format!("{PROFILES_FILE}.lock")),
    ] {
        match std::fs::remove_file(&file) {
            Ok(()) => files.push(file),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::storage("delete", &file, &e)),
        }
    }
    Ok(ForgetReport {
        profiles: profiles.into_iter().map(|p| p.name).collect(),
        keychain_entries,
        files,
    })
}

/// The names of the local access tokens in the token store (none when it does not exist yet).
fn local_token_names(ctx: &SetupContext) -> Result<Vec<String>> {
    let path = ctx.paths.tokens_db();
    if !path.exists() {
        return Ok(Vec::new());
    }
    let tokens = vault::TokenStore::open(&path)
        .and_then(|store| store.list())
        .map_err(|e| Error::Storage {
            message: e.to_string(),
        })?;
    Ok(tokens.into_iter().map(|t| t.name).collect())
}

/// The account of the entry [`keychain_check`] reads; nothing is ever stored under it.
const KEYCHAIN_PROBE: &str = "xano-mcp-keychain-check";

/// Whether the OS keychain can be used now: one read of an entry we never write. Fails with
/// [`Error::KeychainUnavailable`] (and its guidance) when it cannot.
pub async fn keychain_check(ctx: &SetupContext) -> Result<()> {
    ctx.vault
        .get(&SecretKey::local_token(KEYCHAIN_PROBE)?)
        .await?;
    Ok(())
}
