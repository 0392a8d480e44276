//! The setup wizard's steps: try the demo, or check a pasted Xano token, pick the instance and
//! workspaces, save the account; and the access levels explained in plain words.
//!
//! Order of the real-account path: [`check_token`] (who owns it) → [`instances`] →
//! [`workspaces`] → [`save_account`] (keychain + profile, then the server switches to it). The
//! demo path is one call: [`start_demo`]. Either way the server is running at the end.

use super::error::AppResult;
use super::server::{self, BackendKind, ServerStatus};
use super::settings::save_settings;
use super::tokens::{Approval, Tier};
use super::{AppState, lock, now_ms};
use crate::XanoAccess;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Who owns a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct OwnerView {
    pub name: String,
    pub email: String,
}

/// The answer to a pasted token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct TokenCheckView {
    pub owner: OwnerView,
    /// The instance the token belongs to, when Xano says.
    pub instance_name: Option<String>,
    /// Unix seconds, when the token says.
    pub expires_at: Option<i64>,
}

/// An instance to pick.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct InstanceView {
    pub name: String,
    /// "Display name (host)".
    pub label: String,
    /// The Metadata API base, e.g. `https://x1.n7.xano.io/api:meta`.
    pub meta_api: String,
}

/// A workspace and its branches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceView {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub branches: Vec<String>,
}

/// What the app is connected to after a wizard step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AccountView {
    pub backend: BackendKind,
    pub owner: Option<OwnerView>,
    pub workspaces: Vec<WorkspaceView>,
    pub server: ServerStatus,
}

/// What [`save_account`] stores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SaveAccountInput {
    /// Profile name; `default` when empty.
    pub profile_name: Option<String>,
    /// The instance (as listed by [`instances`], or typed).
    pub instance_url: String,
    /// Its display name, when picked from the list.
    pub instance_display: Option<String>,
    pub token: String,
    pub default_workspace: Option<i64>,
}

/// A Xano scope a level needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ScopeNeedView {
    /// As Xano's token screen names it, e.g. `Workspace Content`.
    pub scope: String,
    /// `Read`, `Create`, `Update`, `Delete`.
    pub permissions: Vec<String>,
    pub required: bool,
}

/// An access level, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct AccessLevelView {
    pub tier: Tier,
    pub label: String,
    pub summary: String,
    pub can: Vec<String>,
    pub cannot: Vec<String>,
    /// The approval policy the wizard pre-selects.
    pub default_approval: Approval,
    /// What the Xano Metadata API token needs for it.
    pub xano_scopes: Vec<ScopeNeedView>,
}

/// The three levels, weakest first.
pub fn access_levels() -> Vec<AccessLevelView> {
    let scopes = |tier: crate::AccessTier| {
        crate::tier_needs(tier)
            .into_iter()
            .map(|n| ScopeNeedView {
                scope: n.scope.display_name().to_owned(),
                permissions: n.permissions.iter().map(|p| p.label().to_owned()).collect(),
                required: n.required,
            })
            .collect()
    };
    let s = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    vec![
        AccessLevelView {
            tier: Tier::ReadOnly,
            label: "Read Only".into(),
            summary: "The AI app can look at your workspaces, tables, rows and request history, but cannot change anything.".into(),
            can: s(&["See workspaces, tables and their columns", "Read and search rows", "Read API groups and request history"]),
            cannot: s(&["Add, change or delete anything"]),
            default_approval: Approval::Off,
            xano_scopes: scopes(crate::AccessTier::ReadOnly),
        },
        AccessLevelView {
            tier: Tier::ReadWrite,
            label: "Read/Write".into(),
            summary: "Everything in Read Only, plus adding and changing rows and creating or editing tables. It cannot delete. You approve each change first (you can turn that off).".into(),
            can: s(&["Everything in Read Only", "Add and edit rows", "Create tables and add columns"]),
            cannot: s(&["Delete rows or tables"]),
            default_approval: Approval::AllWrites,
            xano_scopes: scopes(crate::AccessTier::ReadWrite),
        },
        AccessLevelView {
            tier: Tier::FullAccess,
            label: "Full Access".into(),
            summary: "Everything, including deleting rows and whole tables. You approve each change first (you can turn that off).".into(),
            can: s(&["Everything in Read/Write", "Delete rows, in bulk too", "Delete tables"]),
            cannot: s(&[]),
            default_approval: Approval::AllWrites,
            xano_scopes: scopes(crate::AccessTier::FullAccess),
        },
    ]
}

/// Switches the app to the built-in demo backend and starts the server over it.
pub async fn start_demo(app: &Arc<AppState>) -> AppResult<AccountView> {
    update_settings(app, |s| s.demo_mode = true)?;
    let server = server::switch_backend(app, true).await?;
    account(app, server).await
}

/// Checks a pasted token with Xano (on `instance_url` when given, else the account host).
pub async fn check_token(
    app: &AppState,
    token: &str,
    instance_url: Option<&str>,
) -> AppResult<TokenCheckView> {
    let check = crate::validate_token(&app.setup, token, instance_url).await?;
    Ok(TokenCheckView {
        owner: OwnerView {
            name: check.user.name,
            email: check.user.email,
        },
        instance_name: check.instance.map(|i| {
            if i.display.is_empty() {
                i.name
            } else {
                i.display
            }
        }),
        expires_at: check.expires_at,
    })
}

/// The instances the token can use; with `typed_url`, that one instance.
pub async fn instances(
    app: &AppState,
    token: &str,
    typed_url: Option<&str>,
) -> AppResult<Vec<InstanceView>> {
    let found = match typed_url.map(str::trim).filter(|u| !u.is_empty()) {
        Some(url) => vec![crate::instance_from_url(url)?],
        None => crate::discover_instances(&app.setup, token).await?,
    };
    Ok(found
        .into_iter()
        .map(|i| InstanceView {
            label: i.label(),
            name: i.name,
            meta_api: i.meta_api,
        })
        .collect())
}

/// The workspaces (and branches) of an instance, with the pasted token.
pub async fn workspaces(
    app: &AppState,
    instance_url: &str,
    token: &str,
) -> AppResult<Vec<WorkspaceView>> {
    let access = XanoAccess::direct(instance_url, token)?;
    Ok(crate::list_workspaces_and_branches(&app.setup, &access)
        .await?
        .into_iter()
        .map(|w| WorkspaceView {
            id: w.id,
            name: w.name,
            description: w.description,
            branches: w.branches.into_iter().map(|b| b.label).collect(),
        })
        .collect())
}

/// Saves the token in the keychain and the profile, makes it active, and switches the server to
/// it.
pub async fn save_account(app: &Arc<AppState>, input: SaveAccountInput) -> AppResult<AccountView> {
    let name = input
        .profile_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or("default")
        .to_owned();
    let check = crate::validate_token(&app.setup, &input.token, Some(&input.instance_url)).await?;
    let mut instance = crate::instance_from_url(&input.instance_url)?;
    if let Some(display) = input.instance_display.filter(|d| !d.trim().is_empty()) {
        instance.display = display;
    }
    let mut profile = crate::profile_for(&name, &instance, &check, now_ms() / 1000);
    profile.default_workspace = input.default_workspace;
    crate::save_profile(&app.setup, profile, &input.token).await?;
    crate::use_profile(&app.setup, &name)?;
    update_settings(app, |s| s.demo_mode = false)?;
    let server = server::switch_backend(app, false).await?;
    account(app, server).await
}

/// The workspaces of the backend the app is connected to now.
pub async fn current_workspaces(app: &AppState) -> AppResult<Vec<WorkspaceView>> {
    let engine = server::engine(app).await?;
    let client = engine.client(None);
    let mut out = Vec::new();
    for ws in client.list_workspaces().await? {
        let branches = client
            .list_branches(ws.id)
            .await
            .map(|b| b.into_iter().map(|b| b.label).collect())
            .unwrap_or_default();
        out.push(WorkspaceView {
            id: ws.id,
            name: ws.name,
            description: ws.description,
            branches,
        });
    }
    Ok(out)
}

/// Marks the wizard as done (the app opens on the dashboard from now on).
pub fn finish(app: &AppState) -> AppResult<super::EngineSettings> {
    update_settings(app, |s| s.setup_done = true)
}

async fn account(app: &AppState, server: ServerStatus) -> AppResult<AccountView> {
    let engine = server::engine(app).await?;
    let owner = engine.client(None).auth_me().await.ok().map(|u| OwnerView {
        name: u.name,
        email: u.email,
    });
    Ok(AccountView {
        backend: server.backend,
        owner,
        workspaces: current_workspaces(app).await?,
        server,
    })
}

pub(crate) fn update_settings(
    app: &AppState,
    change: impl FnOnce(&mut super::EngineSettings),
) -> AppResult<super::EngineSettings> {
    let mut settings = lock(&app.settings);
    let mut next = settings.clone();
    change(&mut next);
    save_settings(&app.cfg.paths, &next)?;
    *settings = next.clone();
    Ok(next)
}
