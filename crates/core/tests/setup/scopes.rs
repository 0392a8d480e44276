//! Scope probes per tier: a token without the reads a tier needs gets a 403 naming the scope.

use crate::{CONTENT_ONLY, FULL, NO_CONTENT, setup};
use core_api::*;

#[tokio::test]
async fn a_full_token_has_every_read_a_tier_needs() {
    let s = setup().await;
    let access = XanoAccess::direct(&s.sim.meta_url(), FULL).unwrap();
    let report = check_scopes(&s.ctx, &access, AccessTier::ReadOnly)
        .await
        .unwrap();
    report.ensure_granted().unwrap();
    assert_eq!(report.workspace_id, Some(s.sim.workspace_ids()[0]));
    assert_eq!(report.probes.len(), 6);
    assert!(
        report
            .probes
            .iter()
            .all(|p| p.outcome == ProbeOutcome::Granted),
        "{report:?}"
    );
    assert!(report.unverified.is_empty());

    let full = check_scopes(&s.ctx, &access, AccessTier::FullAccess)
        .await
        .unwrap();
    let unverified: Vec<String> = full.unverified.iter().map(|n| n.describe()).collect();
    assert_eq!(
        unverified,
        [
            "Workspace Content: Create, Update, Delete",
            "Workspace Database: Create, Update, Delete"
        ]
    );
}

#[tokio::test]
async fn a_missing_scope_is_named_in_a_clear_403() {
    let s = setup().await;
    let access = XanoAccess::direct(&s.sim.meta_url(), NO_CONTENT).unwrap();
    let report = check_scopes(&s.ctx, &access, AccessTier::ReadOnly)
        .await
        .unwrap();
    let missing: Vec<XanoScope> = report.missing().map(|p| p.scope).collect();
    assert_eq!(
        missing,
        [
            XanoScope::WorkspaceContent,
            XanoScope::WorkspaceRequestHistory
        ]
    );
    let err = report.ensure_granted().unwrap_err();
    match &err {
        Error::XanoAccessDenied {
            scope, permission, ..
        } => {
            assert_eq!(scope.as_deref(), Some("Workspace Content"));
            assert_eq!(permission.as_deref(), Some("Read"));
        }
        other => panic!("{other:?}"),
    }
    let msg = err.to_string();
    for part in [
        "403",
        "Workspace Content",
        "Workspace Request History: Read",
        "Manage Access Tokens",
        "Read Only",
    ] {
        assert!(msg.contains(part), "{part}: {msg}");
    }
    let json = serde_json::to_value(&err).unwrap();
    assert_eq!(json["code"], "XanoAccessDenied");
    assert_eq!(json["scope"], "Workspace Content");
}

#[tokio::test]
async fn without_the_workspace_scope_nothing_else_can_be_probed() {
    let s = setup().await;
    let access = XanoAccess::direct(&s.sim.meta_url(), CONTENT_ONLY).unwrap();
    let report = check_scopes(&s.ctx, &access, AccessTier::ReadWrite)
        .await
        .unwrap();
    assert_eq!(report.workspace_id, None);
    let err = report.ensure_granted().unwrap_err();
    assert!(matches!(
        &err,
        Error::XanoAccessDenied { scope: Some(s), .. } if s == "Instance Workspace"
    ));
    assert!(
        report
            .probes
            .iter()
            .skip(1)
            .all(|p| matches!(p.outcome, ProbeOutcome::NotChecked { .. })),
        "{report:?}"
    );
    assert_eq!(report.unverified.len(), 2);
}

#[tokio::test]
async fn an_invalid_token_ends_the_check_with_401() {
    let s = setup().await;
    let access = XanoAccess::direct(&s.sim.meta_url(), "revoked").unwrap();
    let err = check_scopes(&s.ctx, &access, AccessTier::ReadOnly)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "XanoAuthInvalid");
}
