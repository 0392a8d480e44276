//! Access tiers and the Xano token scopes they need, and [`check_scopes`], which probes the read
//! endpoints of a tier so a missing scope is found at setup, named, rather than at the first tool
//! call.
//!
//! Only reads are probed: checking a write permission would mean writing to the user's data. The
//! write permissions a tier needs are listed in [`ScopeReport::unverified`] for the UI to show as
//! "make sure these are on".

use crate::access::XanoAccess;
use crate::context::SetupContext;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::fmt;
use xano::requests::{HistoryQuery, ListParams};

pub use vault::AccessTier;

/// The scopes and permissions `tier` needs, reads first.
pub fn tier_needs(tier: AccessTier) -> Vec<ScopeNeed> {
    use Permission::*;
    use XanoScope::*;
    let need = |scope, permissions: &[Permission], required| ScopeNeed {
        scope,
        permissions: permissions.to_vec(),
        required,
    };
    let mut needs = vec![
        need(InstanceWorkspace, &[Read], true),
        need(WorkspaceDatabase, &[Read], true),
        need(WorkspaceContent, &[Read], true),
        need(WorkspaceRequestHistory, &[Read], true),
        need(WorkspaceApi, &[Read], false),
        need(WorkspaceDataSource, &[Read], false),
    ];
    match tier {
        AccessTier::ReadOnly => {}
        AccessTier::ReadWrite => {
            needs.push(need(WorkspaceContent, &[Create, Update], true));
            needs.push(need(WorkspaceDatabase, &[Create, Update], true));
        }
        AccessTier::FullAccess => {
            needs.push(need(WorkspaceContent, &[Create, Update, Delete], true));
            needs.push(need(WorkspaceDatabase, &[Create, Update, Delete], true));
        }
    }
    needs
}

/// The Metadata API token scopes the product uses, named as Xano's "Required API Scope" labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum XanoScope {
    /// Workspaces and branches.
    InstanceWorkspace,
    /// Tables, schema, indexes.
    WorkspaceDatabase,
    /// Table rows.
    WorkspaceContent,
    /// Data sources.
    WorkspaceDataSource,
    /// API groups, endpoints, OpenAPI.
    WorkspaceApi,
    /// Request history.
    WorkspaceRequestHistory,
}

impl XanoScope {
    pub const ALL: [XanoScope; 6] = [
        XanoScope::InstanceWorkspace,
        XanoScope::WorkspaceDatabase,
        XanoScope::WorkspaceContent,
        XanoScope::WorkspaceDataSource,
        XanoScope::WorkspaceApi,
        XanoScope::WorkspaceRequestHistory,
    ];

    /// The name Xano shows, e.g. `Workspace Content`.
    pub fn display_name(self) -> &'static str {
        match self {
            XanoScope::InstanceWorkspace => "Instance Workspace",
            XanoScope::WorkspaceDatabase => "Workspace Database",
            XanoScope::WorkspaceContent => "Workspace Content",
            XanoScope::WorkspaceDataSource => "Workspace Live Data Source",
            XanoScope::WorkspaceApi => "Workspace Api",
            XanoScope::WorkspaceRequestHistory => "Workspace Request History",
        }
    }

    /// Other spellings seen in Xano's docs and UI (lowercase).
    fn aliases(self) -> &'static [&'static str] {
        match self {
            XanoScope::InstanceWorkspace => &["instance workspace", "instance:workspace"],
            XanoScope::WorkspaceDatabase => &["workspace database", "workspace:database"],
            XanoScope::WorkspaceContent => &["workspace content", "workspace:content"],
            XanoScope::WorkspaceDataSource => &[
                "workspace live data source",
                "workspace data source",
                "workspace:datasource",
            ],
            XanoScope::WorkspaceApi => &["workspace api groups", "workspace api", "workspace:api"],
            XanoScope::WorkspaceRequestHistory => {
                &["workspace request history", "workspace:requesthistory"]
            }
        }
    }

    /// The scope (and the permission word after it, if any) a 403 message names, e.g.
    /// "missing the required scope: Workspace Content: Read".
    pub(crate) fn named_in(message: &str) -> Option<(XanoScope, Option<&'static str>)> {
        let lower = message.to_ascii_lowercase();
        let (scope, end) = XanoScope::ALL
            .into_iter()
            .flat_map(|s| s.aliases().iter().map(move |a| (s, *a)))
            .filter_map(|(s, alias)| lower.find(alias).map(|at| (s, at, alias.len())))
            // The earliest mention, and at one position the longest spelling.
            .min_by_key(|(_, at, len)| (*at, usize::MAX - len))
            .map(|(s, at, len)| (s, at + len))?;
        let rest = lower[end..].trim_start_matches([':', ' ', '-']);
        let permission = Permission::ALL
            .into_iter()
            .find(|p| rest.starts_with(&p.label().to_ascii_lowercase()))
            .map(Permission::label);
        Some((scope, permission))
    }
}

impl fmt::Display for XanoScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.display_name())
    }
}

/// One of a scope's C/R/U/D toggles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    Create,
    Read,
    Update,
    Delete,
}

impl Permission {
    pub const ALL: [Permission; 4] = [
        Permission::Create,
        Permission::Read,
        Permission::Update,
        Permission::Delete,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Permission::Create => "Create",
            Permission::Read => "Read",
            Permission::Update => "Update",
            Permission::Delete => "Delete",
        }
    }
}

/// A scope and the permissions on it a tier needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScopeNeed {
    pub scope: XanoScope,
    pub permissions: Vec<Permission>,
    /// Without it the tier does not work; otherwise some tools fail (API groups, data sources).
    pub required: bool,
}

impl ScopeNeed {
    /// E.g. `Workspace Content: Create, Update`.
    pub fn describe(&self) -> String {
        let permissions: Vec<&str> = self.permissions.iter().map(|p| p.label()).collect();
        format!("{}: {}", self.scope, permissions.join(", "))
    }
}

/// What probing one read endpoint found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ProbeOutcome {
    Granted,
    /// Xano answered 403.
    Missing {
        message: String,
    },
    /// Nothing to probe with (no workspace or table visible).
    NotChecked {
        reason: String,
    },
}

/// One probed scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScopeProbe {
    pub scope: XanoScope,
    pub permission: Permission,
    pub required: bool,
    #[serde(flatten)]
    pub outcome: ProbeOutcome,
}

/// The answer of [`check_scopes`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScopeReport {
    pub tier: AccessTier,
    /// The workspace the workspace-level probes used.
    pub workspace_id: Option<i64>,
    pub probes: Vec<ScopeProbe>,
    /// Write permissions the tier needs, which are not probed (that would write to the data).
    pub unverified: Vec<ScopeNeed>,
}

impl ScopeReport {
    /// Probes that got a 403.
    pub fn missing(&self) -> impl Iterator<Item = &ScopeProbe> {
        self.probes
            .iter()
            .filter(|p| matches!(p.outcome, ProbeOutcome::Missing { .. }))
    }

    /// `Ok` when every required read is granted; otherwise [`Error::XanoAccessDenied`] naming the
    /// first missing scope (and listing all of them).
    pub fn ensure_granted(&self) -> Result<()> {
        let missing: Vec<&ScopeProbe> = self.missing().filter(|p| p.required).collect();
        let Some(first) = missing.first() else {
            return Ok(());
        };
        let xano_said = match &first.outcome {
            ProbeOutcome::Missing { message } => message.as_str(),
            _ => "",
        };
        let mut err = Error::access_denied(
            first.scope.display_name(),
            first.permission.label(),
            xano_said,
        );
        if missing.len() > 1
            && let Error::XanoAccessDenied { message, .. } = &mut err
        {
            let all: Vec<String> = missing
                .iter()
                .map(|p| format!("{}: {}", p.scope, p.permission.label()))
                .collect();
            message.push_str(&format!(
                " The {} tier needs all of these, which the token lacks: {}.",
                self.tier.label(),
                all.join("; ")
            ));
        }
        Err(err)
    }
}

/// Probes the read endpoints `tier` needs with the token of `access`. 403s are reported per
/// scope in the [`ScopeReport`] (use [`ScopeReport::ensure_granted`] for the error); other
/// failures (401, unreachable) end the check with their error.
pub async fn check_scopes(
    ctx: &SetupContext,
    access: &XanoAccess,
    tier: AccessTier,
) -> Result<ScopeReport> {
    let client = access.client(ctx)?;
    let needs = tier_needs(tier);
    let required = |scope: XanoScope| {
        needs
            .iter()
            .any(|n| n.scope == scope && n.required && n.permissions.contains(&Permission::Read))
    };
    let mut probes = Vec::new();
    let mut record = |scope: XanoScope, outcome: ProbeOutcome| {
        probes.push(ScopeProbe {
            scope,
            permission: Permission::Read,
            required: required(scope),
            outcome,
        });
    };
    let not_checked = |reason: &str| ProbeOutcome::NotChecked {
        reason: reason.to_owned(),
    };

    let workspace_id = match probe(client.list_workspaces().await)? {
        Ok(list) => {
            record(XanoScope::InstanceWorkspace, ProbeOutcome::Granted);
            access
                .profile
                .as_ref()
                .and_then(|p| p.default_workspace)
                .filter(|id| list.iter().any(|w| w.id == *id))
                .or_else(|| list.first().map(|w| w.id))
        }
        Err(outcome) => {
            record(XanoScope::InstanceWorkspace, outcome);
            None
        }
    };

    let Some(ws) = workspace_id else {
        let reason = "no workspace is visible to this token";
        for scope in [
            XanoScope::WorkspaceDatabase,
            XanoScope::WorkspaceContent,
            XanoScope::WorkspaceRequestHistory,
            XanoScope::WorkspaceApi,
            XanoScope::WorkspaceDataSource,
        ] {
            record(scope, not_checked(reason));
        }
        return Ok(finish(tier, None, probes, needs));
    };

    let one = ListParams {
        page: Some(1),
        per_page: Some(1),
        ..ListParams::default()
    };
    let first_table = match probe(client.list_tables(ws, &one).await)? {
        Ok(page) => {
            record(XanoScope::WorkspaceDatabase, ProbeOutcome::Granted);
            page.items.first().map(|t| t.id)
        }
        Err(outcome) => {
            record(XanoScope::WorkspaceDatabase, outcome);
            None
        }
    };
    match first_table {
        Some(table) => {
            let outcome = match probe(client.browse_content(ws, table, 1, 1).await)? {
                Ok(_) => ProbeOutcome::Granted,
                Err(outcome) => outcome,
            };
            record(XanoScope::WorkspaceContent, outcome);
        }
        None => record(
            XanoScope::WorkspaceContent,
            not_checked("no table is visible to read rows from"),
        ),
    }
    let history = HistoryQuery {
        page: Some(1),
        per_page: Some(1),
        ..HistoryQuery::default()
    };
    let outcome = match probe(client.request_history(ws, &history).await)? {
        Ok(_) => ProbeOutcome::Granted,
        Err(outcome) => outcome,
    };
    record(XanoScope::WorkspaceRequestHistory, outcome);
    let outcome = match probe(client.list_api_groups(ws, &one).await)? {
        Ok(_) => ProbeOutcome::Granted,
        Err(outcome) => outcome,
    };
    record(XanoScope::WorkspaceApi, outcome);
    let outcome = match probe(client.list_data_sources(ws).await)? {
        Ok(_) => ProbeOutcome::Granted,
        Err(outcome) => outcome,
    };
    record(XanoScope::WorkspaceDataSource, outcome);
    Ok(finish(tier, Some(ws), probes, needs))
}

/// `Ok(Ok(value))` granted, `Ok(Err(Missing))` on 403, `Err` for any other failure.
fn probe<T>(result: xano::Result<T>) -> Result<Result<T, ProbeOutcome>> {
    match result {
        Ok(value) => Ok(Ok(value)),
        Err(xano::Error::AccessDenied { message }) => Ok(Err(ProbeOutcome::Missing { message })),
        Err(err) => Err(err.into()),
    }
}

fn finish(
    tier: AccessTier,
    workspace_id: Option<i64>,
    probes: Vec<ScopeProbe>,
    needs: Vec<ScopeNeed>,
) -> ScopeReport {
    ScopeReport {
        tier,
        workspace_id,
        probes,
        unverified: needs
            .into_iter()
            .filter(|n| n.permissions.iter().any(|p| *p != Permission::Read))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_scope_a_403_names() {
        let cases = [
            (
                "This token is missing the required scope: Workspace Content: Read",
                Some((XanoScope::WorkspaceContent, Some("Read"))),
            ),
            (
                "Missing scope workspace:requesthistory",
                Some((XanoScope::WorkspaceRequestHistory, None)),
            ),
            (
                "Required API Scope: Workspace Api: Delete",
                Some((XanoScope::WorkspaceApi, Some("Delete"))),
            ),
            (
                "denied: Workspace Live Data Source - update",
                Some((XanoScope::WorkspaceDataSource, Some("Update"))),
            ),
            ("Access denied.", None),
        ];
        for (message, expected) in cases {
            assert_eq!(XanoScope::named_in(message), expected, "{message}");
        }
    }

    #[test]
    fn tiers_add_write_permissions() {
        let read_only = tier_needs(AccessTier::ReadOnly);
        assert!(
            read_only
                .iter()
                .all(|n| n.permissions == [Permission::Read])
        );
        let full = tier_needs(AccessTier::FullAccess);
        assert!(full.iter().any(|n| n.scope == XanoScope::WorkspaceContent
            && n.permissions.contains(&Permission::Delete)));
        assert_eq!(
            full.last().unwrap().describe(),
            "Workspace Database: Create, Update, Delete"
        );
        assert_eq!(
            serde_json::to_value(AccessTier::ReadWrite).unwrap(),
            "read_write"
        );
    }
}
