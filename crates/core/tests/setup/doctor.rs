//! `doctor` against the sim: what it finds healthy, and what it reports broken.

use crate::{FULL, NO_CONTENT, NOW, setup};
use core_api::*;
use xano::XanoToken;

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    l.local_addr().unwrap().port()
}

fn options(clients_home: Option<&std::path::Path>) -> DoctorOptions {
    DoctorOptions {
        profile: None,
        port: free_port(),
        clients: clients_home
            .map(|home| clients::HomeLayout::for_test(clients::Os::Linux, home.to_path_buf())),
        now: NOW,
    }
}

fn status(report: &DoctorReport, name: &str) -> CheckStatus {
    report
        .check(name)
        .unwrap_or_else(|| panic!("no {name} check"))
        .status
}

async fn save(s: &crate::Setup, token: &str) {
    let instance = instance_from_url(&s.sim.meta_url()).unwrap();
    let check = validate_token(&s.ctx, token, Some(&s.sim.meta_url()))
        .await
        .unwrap();
    save_profile(&s.ctx, profile_for("work", &instance, &check, NOW), token)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_good_setup_is_healthy() {
    let s = setup().await;
    save(&s, FULL).await;
    let clients_home = tempfile::tempdir().unwrap();
    let report = doctor(&s.ctx, &options(Some(clients_home.path()))).await;
    assert!(report.healthy(), "{report:#?}");
    let names: Vec<&str> = report.checks.iter().map(|c| c.name).collect();
    assert_eq!(
        names,
        [
            "profiles", "keychain", "instance", "token", "expiry", "scopes", "port", "clients"
        ]
    );
    for name in [
        "profiles", "keychain", "instance", "token", "scopes", "port",
    ] {
        assert_eq!(status(&report, name), CheckStatus::Ok, "{report:#?}");
    }
    assert!(
        report
            .check("token")
            .unwrap()
            .summary
            .contains("Demo Builder")
    );
    assert_eq!(status(&report, "expiry"), CheckStatus::Skip);
    assert_eq!(status(&report, "clients"), CheckStatus::Skip);
}

#[tokio::test]
async fn an_expiring_token_warns_and_an_expired_one_fails() {
    let s = setup().await;
    save(&s, FULL).await;
    set_token_expiry(&s.ctx, "work", Some(NOW + 3600)).unwrap();
    let report = doctor(&s.ctx, &options(None)).await;
    assert_eq!(status(&report, "expiry"), CheckStatus::Warn);
    assert!(report.healthy());
    set_token_expiry(&s.ctx, "work", Some(NOW - 3600)).unwrap();
    let report = doctor(&s.ctx, &options(None)).await;
    assert_eq!(status(&report, "expiry"), CheckStatus::Fail);
    assert!(!report.healthy());
}

#[tokio::test]
async fn without_a_keychain_it_says_what_to_do() {
    let s = setup().await;
    s.store.set_unavailable(Some("no session bus"));
    let report = doctor(&s.ctx, &options(None)).await;
    assert!(!report.healthy());
    let keychain = report.check("keychain").unwrap();
    assert_eq!(keychain.status, CheckStatus::Fail);
    assert!(keychain.summary.contains("XANO_TOKEN"), "{keychain:?}");
    assert_eq!(status(&report, "token"), CheckStatus::Fail);
    assert_eq!(status(&report, "scopes"), CheckStatus::Skip);

    // Headless: XANO_TOKEN and XANO_INSTANCE_URL make it healthy again.
    let headless = s.ctx.clone().with_headless(Headless {
        token: Some(XanoToken::new(FULL)),
        instance_url: Some(s.sim.meta_url()),
    });
    let report = doctor(&headless, &options(None)).await;
    assert!(report.healthy(), "{report:#?}");
    assert_eq!(status(&report, "keychain"), CheckStatus::Warn);
    assert!(
        report
            .check("token")
            .unwrap()
            .summary
            .contains("XANO_TOKEN")
    );
}

#[tokio::test]
async fn a_bad_token_or_missing_scope_fails() {
    let s = setup().await;
    let bad = s.ctx.clone().with_headless(Headless {
        token: Some(XanoToken::new("revoked")),
        instance_url: Some(s.sim.meta_url()),
    });
    let report = doctor(&bad, &options(None)).await;
    assert_eq!(status(&report, "instance"), CheckStatus::Ok);
    let token = report.check("token").unwrap();
    assert_eq!(token.status, CheckStatus::Fail);
    assert!(token.summary.contains("401"), "{token:?}");

    let narrow = s.ctx.clone().with_headless(Headless {
        token: Some(XanoToken::new(NO_CONTENT)),
        instance_url: Some(s.sim.meta_url()),
    });
    let report = doctor(&narrow, &options(None)).await;
    let scopes = report.check("scopes").unwrap();
    assert_eq!(scopes.status, CheckStatus::Fail);
    assert!(scopes.summary.contains("Workspace Content"), "{scopes:?}");
}

#[tokio::test]
async fn an_unreachable_instance_and_a_taken_port_fail() {
    let s = setup().await;
    let dead_port = free_port();
    let dead = s.ctx.clone().with_headless(Headless {
        token: Some(XanoToken::new(FULL)),
        instance_url: Some(format!("http://127.0.0.1:{dead_port}")),
    });
    // The sim's own port is taken by something that is not xano-mcp.
    let mut opts = options(None);
    opts.port = s.sim.addr().port();
    let report = doctor(&dead, &opts).await;
    let instance = report.check("instance").unwrap();
    assert_eq!(instance.status, CheckStatus::Fail);
    assert!(instance.summary.contains("Could not reach"), "{instance:?}");
    assert_eq!(status(&report, "token"), CheckStatus::Skip);
    let port = report.check("port").unwrap();
    assert_eq!(port.status, CheckStatus::Fail, "{port:?}");
    assert!(port.fix.as_deref().unwrap().contains("--port"), "{port:?}");
}

#[tokio::test]
async fn no_profile_at_all_points_at_login() {
    let s = setup().await;
    let report = doctor(&s.ctx, &options(None)).await;
    assert!(!report.healthy());
    assert_eq!(status(&report, "profiles"), CheckStatus::Warn);
    assert_eq!(status(&report, "instance"), CheckStatus::Skip);
    let token = report.check("token").unwrap();
    assert_eq!(token.status, CheckStatus::Fail);
    assert!(token.summary.contains("xano-mcp login"), "{token:?}");
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["checks"][3]["status"], "fail");
}
