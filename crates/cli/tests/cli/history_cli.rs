//! `xano-mcp history`: a day of Xano request history synced once, then searched, summarised and
//! exported from the local database, checked against the double's own items.

use super::*;

#[tokio::test]
async fn sync_search_summary_and_export() {
    let sim = xano_sim::XanoSim::start(xano_sim::SimConfig::demo())
        .await
        .expect("sim");
    let home = tempfile::tempdir().expect("home");
    let ws = xano_sim::demo::WORKSPACE_ID.to_string();
    let with_xano = |c: &mut Command| {
        c.env("XANO_INSTANCE_URL", sim.meta_url())
            .env("XANO_TOKEN", xano_sim::DEMO_TOKEN);
    };
    let items = sim.history(xano_sim::demo::WORKSPACE_ID);

    let mut c = cmd(home.path());
    c.args(["history", "sync", "--workspace", &ws]);
    with_xano(&mut c);
    let out = c.output().await.expect("sync");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(&format!("{} new", items.len())), "{stdout}");

    // A second sync finds nothing new.
    let mut c = cmd(home.path());
    c.args(["history", "sync", "--workspace", &ws]);
    with_xano(&mut c);
    let out = c.output().await.expect("sync again");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(" 0 new"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let server_errors = items
        .iter()
        .filter(|i| i["status"].as_i64().unwrap_or(0) >= 500)
        .count();
    let out = cmd(home.path())
        .args(["history", "search", "--status", "5xx", "--limit", "1000"])
        .output()
        .await
        .expect("search");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        stdout
            .trim_end()
            .ends_with(&format!("of {server_errors} matching")),
        "{stdout}"
    );

    let out = cmd(home.path())
        .args(["history", "summary", "--limit", "5"])
        .output()
        .await
        .expect("summary");
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count(),
        6,
        "a header and the 5 slowest endpoints"
    );

    let file = home.path().join("export.csv");
    let out = cmd(home.path())
        .args(["history", "export", "--format", "csv", "--output"])
        .arg(&file)
        .output()
        .await
        .expect("export");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = std::fs::read_to_string(&file).expect("csv");
    assert_eq!(
        csv.lines().count(),
        items.len() + 1,
        "a header and every request"
    );
    assert!(!csv.contains(xano_sim::DEMO_TOKEN));
}

#[tokio::test]
async fn a_branch_is_synced_and_searched_on_its_own() {
    let sim = xano_sim::XanoSim::start(xano_sim::SimConfig::demo())
        .await
        .expect("sim");
    let ws_id = xano_sim::demo::WORKSPACE_ID;
    let before: std::collections::BTreeSet<i64> = sim
        .history(ws_id)
        .iter()
        .filter_map(|i| i["id"].as_i64())
        .collect();
    sim.add_branch_history(ws_id, "dev", 5);
    let dev: Vec<i64> = sim
        .history(ws_id)
        .iter()
        .filter_map(|i| i["id"].as_i64())
        .filter(|id| !before.contains(id))
        .collect();
    assert_eq!(dev.len(), 5);
    let home = tempfile::tempdir().expect("home");
    let ws = ws_id.to_string();

    let mut c = cmd(home.path());
    c.args(["history", "sync", "--workspace", &ws, "--branch", "dev"])
        .env("XANO_INSTANCE_URL", sim.meta_url())
        .env("XANO_TOKEN", xano_sim::DEMO_TOKEN);
    let out = c.output().await.expect("sync");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("(branch dev)") && stdout.contains(" 5 new"),
        "{stdout}"
    );
    assert!(
        sim.requests()
            .iter()
            .any(|r| r.path.ends_with("/request_history")
                && r.query.iter().any(|(k, v)| k == "branch" && v == "dev")),
        "asked Xano for that branch only"
    );

    let search = |branch: Option<&'static str>| {
        let mut c = cmd(home.path());
        c.args(["history", "search", "--limit", "1000"]);
        if let Some(b) = branch {
            c.args(["--branch", b]);
        }
        c
    };
    let out = search(Some("dev")).output().await.expect("search dev");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(stdout.trim_end().ends_with("of 5 matching"), "{stdout}");
    // Without a branch: the copy synced without one, which is empty here.
    let out = search(None).output().await.expect("search live");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(!stdout.contains("of 5 matching"), "{stdout}");
}
