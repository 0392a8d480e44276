//! Token check, discovery, workspaces, and the profile/keychain lifecycle.

use crate::{CONTENT_ONLY, FULL, NOW, setup, setup_with};
use base64::Engine as _;
use core_api::*;
use secrecy::ExposeSecret;
use vault::{Profile, SecretKey};
use xano::MetaBase;
use xano_sim::SimToken;

#[tokio::test]
async fn a_valid_token_says_whose_it_is() {
    let s = setup().await;
    let check = validate_token(&s.ctx, FULL, None).await.unwrap();
    assert_eq!(check.user.name, "Demo Builder");
    assert_eq!(check.user.email, "builder@acme.example");
    assert_eq!(check.checked_on, s.sim.meta_url());
    let instance = check.instance.expect("extras.instance");
    assert!(!instance.name.is_empty());
    assert_eq!(check.expires_at, None);
    // Paste noise is forgiven.
    validate_token(&s.ctx, &format!("  Bearer {FULL}\n"), None)
        .await
        .unwrap();
}

#[tokio::test]
async fn an_invalid_token_gets_a_clear_401_message() {
    let s = setup().await;
    let err = validate_token(&s.ctx, "not-a-real-token", None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "XanoAuthInvalid", "{err:?}");
    let msg = err.to_string();
    for part in [
        "401",
        "invalid, revoked or expired",
        "xano-mcp login",
        "--instance",
    ] {
        assert!(msg.contains(part), "{part}: {msg}");
    }
    assert!(!msg.contains("not-a-real-token"), "{msg}");
    let json = serde_json::to_value(&err).unwrap();
    assert_eq!(json["code"], "XanoAuthInvalid");

    let empty = validate_token(&s.ctx, "   ", None).await.unwrap_err();
    assert_eq!(empty.code(), "InvalidInput");
}

#[tokio::test]
async fn a_typed_instance_url_is_checked_there() {
    let s = setup().await;
    // The origin alone is enough: `/api:meta` is added.
    let typed = s.sim.origin();
    let check = validate_token(&s.ctx, FULL, Some(&typed)).await.unwrap();
    assert_eq!(check.checked_on, s.sim.meta_url());
    let instance = instance_from_url(&typed).unwrap();
    assert_eq!(instance.meta_api, s.sim.meta_url());
    assert_eq!(instance.host, s.sim.addr().to_string());

    let bad = validate_token(&s.ctx, FULL, Some("http://10.1.2.3:8080"))
        .await
        .unwrap_err();
    assert_eq!(bad.code(), "InvalidInstanceUrl");
    assert!(bad.to_string().contains("https://"), "{bad}");
    assert_eq!(
        instance_from_url("ftp://x").unwrap_err().code(),
        "InvalidInstanceUrl"
    );
}

#[tokio::test]
async fn instances_are_discovered_on_the_account_host() {
    let s = setup().await;
    let instances = discover_instances(&s.ctx, FULL).await.unwrap();
    assert_eq!(instances.len(), 1);
    let only = &instances[0];
    assert_eq!(only.meta_api, s.sim.meta_url());
    assert_eq!(only.host, s.sim.addr().to_string());
    assert!(!only.display.is_empty());
    assert!(only.label().contains(&only.host));

    let err = discover_instances(&s.ctx, "wrong").await.unwrap_err();
    assert_eq!(err.code(), "XanoAuthInvalid");
}

#[tokio::test]
async fn a_host_without_an_instance_list_asks_for_the_address() {
    let s = setup().await;
    // A self-hosted instance answers 404 for `/instance`.
    let self_hosted = s.ctx.clone().with_account_base(
        MetaBase::parse(&format!("{}/self-hosted/api:meta", s.sim.origin())).unwrap(),
    );
    let err = discover_instances(&self_hosted, FULL).await.unwrap_err();
    assert_eq!(err.code(), "NoInstanceFound", "{err:?}");
    assert!(err.to_string().contains("--instance"), "{err}");
}

#[tokio::test]
async fn an_unreachable_host_is_reported_as_such() {
    let s = setup().await;
    let port = {
        let l = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
        l.local_addr().unwrap().port()
    };
    let dead = s
        .ctx
        .clone()
        .with_account_base(MetaBase::parse(&format!("http://127.0.0.1:{port}")).unwrap());
    let err = validate_token(&dead, FULL, None).await.unwrap_err();
    assert_eq!(err.code(), "XanoUnreachable", "{err:?}");
    assert!(err.to_string().contains("Could not reach Xano"), "{err}");
}

#[tokio::test]
async fn workspaces_come_with_their_branches() {
    let s = setup().await;
    let access = XanoAccess::direct(&s.sim.meta_url(), FULL).unwrap();
    let list = list_workspaces_and_branches(&s.ctx, &access).await.unwrap();
    let ids: Vec<i64> = list.iter().map(|w| w.id).collect();
    assert_eq!(ids, s.sim.workspace_ids());
    assert_eq!(list[0].name, "Acme Store");
    for ws in &list {
        assert!(!ws.branches.is_empty(), "{}", ws.name);
        assert!(ws.branches.iter().any(|b| b.live), "{}", ws.name);
    }
    let denied = XanoAccess::direct(&s.sim.meta_url(), CONTENT_ONLY).unwrap();
    let err = list_workspaces_and_branches(&s.ctx, &denied)
        .await
        .unwrap_err();
    match &err {
        Error::XanoAccessDenied { scope, .. } => {
            assert_eq!(scope.as_deref(), Some("Instance Workspace"))
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn profile_defaults_are_checked_against_the_instance() {
    let s = setup().await;
    let meta = s.sim.meta_url();
    let ws = xano_sim::demo::WORKSPACE_ID;
    let given = |workspace: Option<i64>, branch: &str, source: &str| ProfileDefaults {
        workspace,
        branch: Some(branch.to_owned()),
        data_source: Some(source.to_owned()),
    };
    // Existing ones pass, trimmed; blank labels mean none.
    let ok = check_profile_defaults(&s.ctx, &meta, FULL, &given(Some(ws), " dev ", "test"))
        .await
        .unwrap();
    assert_eq!(ok, given(Some(ws), "dev", "test"));
    let blank = check_profile_defaults(&s.ctx, &meta, FULL, &given(None, " ", ""))
        .await
        .unwrap();
    assert_eq!(blank, ProfileDefaults::default());
    assert!(
        s.sim.requests().len() >= 3,
        "the workspace, its branches and data sources were asked for"
    );

    // Unknown ones are refused with what exists.
    let unknown_ws = ws + 1000;
    let err = check_profile_defaults(&s.ctx, &meta, FULL, &given(Some(unknown_ws), "", ""))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput { field, .. } if field == "workspace"),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains(&unknown_ws.to_string()) && msg.contains("Acme Store"),
        "{msg}"
    );

    let err = check_profile_defaults(&s.ctx, &meta, FULL, &given(Some(ws), "staging", ""))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput { field, .. } if field == "branch"),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("`staging`") && msg.contains("dev") && msg.contains("v1"),
        "{msg}"
    );

    let err = check_profile_defaults(&s.ctx, &meta, FULL, &given(None, "", "sandbox"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput { field, .. } if field == "data_source"),
        "{err:?}"
    );
    assert!(err.to_string().contains("test"), "{err}");

    // A token Xano refuses is reported as such, not as a missing workspace.
    let err = check_profile_defaults(&s.ctx, &meta, "not-a-token", &given(Some(ws), "", ""))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "XanoAuthInvalid", "{err:?}");
}

fn discovered_profile(s: &crate::Setup, name: &str) -> Profile {
    let instance = instance_from_url(&s.sim.meta_url()).unwrap();
    let check = TokenCheck {
        user: XanoUser {
            id: 1,
            name: "x".into(),
            email: "x@example.com".into(),
        },
        instance: None,
        expires_at: None,
        checked_on: s.sim.meta_url(),
    };
    profile_for(name, &instance, &check, NOW)
}

#[tokio::test]
async fn saving_puts_the_token_in_the_keychain_and_nowhere_else() {
    let s = setup().await;
    let saved = save_profile(&s.ctx, discovered_profile(&s, "work"), FULL)
        .await
        .unwrap();
    assert!(saved.created && saved.active);
    assert_eq!(saved.profile.instance_url, s.sim.meta_url());
    let account = format!("xano-token/work@{}", s.sim.addr());
    assert_eq!(s.store.accounts(), std::slice::from_ref(&account));

    // No secret on disk.
    for entry in std::fs::read_dir(s.home.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains(FULL));
    }

    // A second profile is saved but does not take over.
    let second = save_profile(&s.ctx, discovered_profile(&s, "other"), FULL)
        .await
        .unwrap();
    assert!(second.created && !second.active);
    let list = list_profiles(&s.ctx).unwrap();
    assert_eq!(list.active.as_deref(), Some("work"));
    assert_eq!(list.profiles.len(), 2);
    use_profile(&s.ctx, "other").unwrap();
    assert_eq!(
        list_profiles(&s.ctx).unwrap().active.as_deref(),
        Some("other")
    );
    assert_eq!(
        use_profile(&s.ctx, "nope").unwrap_err().code(),
        "ProfileNotFound"
    );

    // The active profile resolves to the keychain token.
    let access = connect(&s.ctx, None).await.unwrap();
    assert_eq!(access.token_source, TokenSource::Keychain);
    assert_eq!(access.profile.as_ref().unwrap().name, "other");
    assert_eq!(access.token().expose(), FULL);

    // Moving a profile to another instance drops its old keychain entry.
    let mut moved = discovered_profile(&s, "work");
    moved.instance_url = "https://x1.n7.xano.io".into();
    save_profile(&s.ctx, moved, "another-token").await.unwrap();
    let accounts = s.store.accounts();
    assert!(!accounts.contains(&account), "{accounts:?}");
    assert!(accounts.contains(&"xano-token/work@x1.n7.xano.io".to_owned()));
}

#[tokio::test]
async fn without_a_keychain_nothing_is_saved() {
    let s = setup().await;
    s.store.set_unavailable(Some("no session bus"));
    let err = save_profile(&s.ctx, discovered_profile(&s, "work"), FULL)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "KeychainUnavailable");
    let msg = err.to_string();
    assert!(
        msg.contains("XANO_TOKEN") && msg.contains("no session bus"),
        "{msg}"
    );
    assert!(!s.home.path().join("profiles.json").exists());
    assert_eq!(
        keychain_check(&s.ctx).await.unwrap_err().code(),
        "KeychainUnavailable"
    );
    s.store.set_unavailable(None);
    keychain_check(&s.ctx).await.unwrap();
    assert!(s.store.accounts().is_empty(), "the probe stores nothing");
}

#[tokio::test]
async fn headless_credentials_take_precedence() {
    let s = setup().await;
    // Nothing at all.
    let err = connect(&s.ctx, None).await.unwrap_err();
    assert_eq!(err.code(), "NotSignedIn");
    assert!(err.to_string().contains("xano-mcp login"), "{err}");

    // XANO_INSTANCE_URL without XANO_TOKEN.
    let half = s.ctx.clone().with_headless(Headless {
        token: None,
        instance_url: Some(s.sim.origin()),
    });
    let err = connect(&half, None).await.unwrap_err();
    assert!(err.to_string().contains("XANO_TOKEN is not"), "{err}");

    // Both: no profile or keychain needed, even with the keychain gone.
    s.store.set_unavailable(Some("locked"));
    let both = s.ctx.clone().with_headless(Headless {
        token: Some(xano::XanoToken::new(FULL)),
        instance_url: Some(s.sim.origin()),
    });
    let access = connect(&both, None).await.unwrap();
    assert_eq!(access.token_source, TokenSource::Environment);
    assert_eq!(access.instance.as_str(), s.sim.meta_url());
    s.store.set_unavailable(None);

    // XANO_TOKEN alone overrides the keychain token of the active profile.
    save_profile(&s.ctx, discovered_profile(&s, "work"), "stale")
        .await
        .unwrap();
    let token_only = s.ctx.clone().with_headless(Headless {
        token: Some(xano::XanoToken::new(FULL)),
        instance_url: None,
    });
    let access = connect(&token_only, None).await.unwrap();
    assert_eq!(access.token_source, TokenSource::Environment);
    assert_eq!(access.token().expose(), FULL);

    // A named profile that does not exist.
    assert_eq!(
        connect(&s.ctx, Some("nope")).await.unwrap_err().code(),
        "ProfileNotFound"
    );
    // A profile whose keychain entry is gone.
    s.ctx
        .vault
        .delete(&SecretKey::xano_token("work", &s.sim.addr().to_string()).unwrap())
        .await
        .unwrap();
    let err = connect(&s.ctx, Some("work")).await.unwrap_err();
    assert_eq!(err.code(), "NotSignedIn");
    assert!(err.to_string().contains("--profile work"), "{err}");
}

#[tokio::test]
async fn rotating_checks_the_new_token_first() {
    let s = setup_with(vec![SimToken::full("tok_next")]).await;
    save_profile(&s.ctx, discovered_profile(&s, "work"), FULL)
        .await
        .unwrap();
    set_token_expiry(&s.ctx, "work", Some(NOW + 86_400)).unwrap();
    let key = SecretKey::xano_token("work", &s.sim.addr().to_string()).unwrap();

    let err = rotate_token(&s.ctx, "work", "revoked").await.unwrap_err();
    assert_eq!(err.code(), "XanoAuthInvalid");
    let kept = s.ctx.vault.get(&key).await.unwrap().unwrap();
    assert_eq!(kept.expose_secret(), FULL, "a bad token replaces nothing");

    let check = rotate_token(&s.ctx, "work", "tok_next").await.unwrap();
    assert_eq!(check.user.name, "Demo Builder");
    let now_stored = s.ctx.vault.get(&key).await.unwrap().unwrap();
    assert_eq!(now_stored.expose_secret(), "tok_next");
    // The old token's expiry no longer applies.
    assert_eq!(token_expiry(&s.ctx, "work", NOW).unwrap(), None);

    assert_eq!(
        rotate_token(&s.ctx, "nope", "tok_next")
            .await
            .unwrap_err()
            .code(),
        "ProfileNotFound"
    );
}

#[tokio::test]
async fn expiry_comes_from_the_token_or_the_user() {
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let exp = NOW + 5 * 86_400;
    let jwt = format!(
        "{}.{}.signature",
        b64(r#"{"alg":"HS256","typ":"JWT"}"#),
        b64(&format!(r#"{{"sub":1,"exp":{exp}}}"#))
    );
    let s = setup_with(vec![SimToken::full(&jwt)]).await;
    let check = validate_token(&s.ctx, &jwt, None).await.unwrap();
    assert_eq!(check.expires_at, Some(exp));
    let instance = &discover_instances(&s.ctx, &jwt).await.unwrap()[0];
    save_profile(&s.ctx, profile_for("work", instance, &check, NOW), &jwt)
        .await
        .unwrap();
    let e = token_expiry(&s.ctx, "work", NOW).unwrap().unwrap();
    assert_eq!((e.days_left, e.status), (5, ExpiryStatus::Valid));
    let e = token_expiry(&s.ctx, "work", exp - 2 * 86_400)
        .unwrap()
        .unwrap();
    assert_eq!(e.status, ExpiryStatus::ExpiresSoon);
    let e = token_expiry(&s.ctx, "work", exp + 1).unwrap().unwrap();
    assert_eq!(e.status, ExpiryStatus::Expired);

    // The user entered another date.
    set_token_expiry(&s.ctx, "work", Some(NOW + 86_400)).unwrap();
    let e = token_expiry(&s.ctx, "work", NOW).unwrap().unwrap();
    assert_eq!((e.days_left, e.status), (1, ExpiryStatus::ExpiresSoon));
    set_token_expiry(&s.ctx, "work", None).unwrap();
    assert_eq!(token_expiry(&s.ctx, "work", NOW).unwrap(), None);
    assert_eq!(
        token_expiry(&s.ctx, "nope", NOW).unwrap_err().code(),
        "ProfileNotFound"
    );
}

#[tokio::test]
async fn signing_out_removes_the_keychain_entry_first() {
    let s = setup().await;
    save_profile(&s.ctx, discovered_profile(&s, "work"), FULL)
        .await
        .unwrap();
    s.store.set_unavailable(Some("locked"));
    let err = remove_profile(&s.ctx, "work").await.unwrap_err();
    assert_eq!(err.code(), "KeychainUnavailable");
    assert_eq!(list_profiles(&s.ctx).unwrap().profiles.len(), 1, "kept");
    s.store.set_unavailable(None);

    let removed = remove_profile(&s.ctx, "work").await.unwrap();
    assert!(removed.token_deleted && removed.was_active);
    assert!(s.store.accounts().is_empty());
    let list = list_profiles(&s.ctx).unwrap();
    assert!(list.profiles.is_empty() && list.active.is_none());
    assert_eq!(
        remove_profile(&s.ctx, "work").await.unwrap_err().code(),
        "ProfileNotFound"
    );
}

#[tokio::test]
async fn forgetting_everything_empties_keychain_and_profiles() {
    let s = setup().await;
    save_profile(&s.ctx, discovered_profile(&s, "work"), FULL)
        .await
        .unwrap();
    let mut home = discovered_profile(&s, "home");
    home.instance_url = "https://x2.n7.xano.io".into();
    save_profile(&s.ctx, home, "other-token").await.unwrap();
    // A local token, as `xano-mcp token create` leaves it: a row in the store, the secret in the
    // keychain.
    let tokens = vault::TokenStore::open(&s.ctx.paths.tokens_db()).unwrap();
    let grant = vault::NewLocalToken {
        name: "claude-desktop".into(),
        tier: AccessTier::ReadOnly,
        workspaces: Vec::new(),
        tables: None,
        expires_at_ms: None,
        approval: vault::ApprovalPolicy::Off,
        rate_limit_per_minute: None,
    };
    let (secret, _) = tokens.create(&grant, NOW * 1000).unwrap();
    drop(tokens);
    let local = SecretKey::local_token("claude-desktop").unwrap();
    s.ctx.vault.set(&local, &secret).await.unwrap();
    assert_eq!(s.store.accounts().len(), 3);

    s.store.set_unavailable(Some("locked"));
    let err = forget_everything(&s.ctx).await.unwrap_err();
    assert_eq!(err.code(), "KeychainUnavailable");
    assert!(s.home.path().join("profiles.json").exists(), "kept");
    s.store.set_unavailable(None);

    let report = forget_everything(&s.ctx).await.unwrap();
    assert_eq!(report.profiles, ["home", "work"]);
    assert_eq!(report.keychain_entries.len(), 3, "{report:?}");
    assert!(s.store.accounts().is_empty());
    assert!(!s.home.path().join("profiles.json").exists());
    assert!(list_profiles(&s.ctx).unwrap().profiles.is_empty());

    // Again: nothing left, nothing fails.
    let again = forget_everything(&s.ctx).await.unwrap();
    assert!(again.profiles.is_empty() && again.keychain_entries.is_empty());
}

#[tokio::test]
async fn a_corrupt_profiles_file_is_reported_not_replaced() {
    let s = setup().await;
    let path = s.home.path().join("profiles.json");
    std::fs::write(&path, "{ not json").unwrap();
    let err = save_profile(&s.ctx, discovered_profile(&s, "work"), FULL)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "ProfilesUnreadable");
    assert!(err.to_string().contains("left untouched"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "{ not json");
    assert!(s.store.accounts().is_empty());
}
