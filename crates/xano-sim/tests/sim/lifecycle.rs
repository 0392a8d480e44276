//! Starting, configuring and stopping a sim.

use std::time::Duration;

use xano_sim::{DEMO_TOKEN, SimConfig, XanoSim, demo};

use crate::common::{Api, config};

#[tokio::test]
async fn shutdown_closes_the_port_even_with_keep_alive_clients() {
    let api = Api::demo().await;
    assert_eq!(api.get("/workspace").await.status, 200);
    let url = format!("{}/workspace", api.sim.meta_url());
    let Api { sim, http, .. } = api;
    tokio::time::timeout(Duration::from_secs(5), sim.shutdown())
        .await
        .expect("graceful shutdown finishes although the client keeps its connection");
    let after = http.get(&url).bearer_auth(DEMO_TOKEN).send().await;
    assert!(after.is_err(), "nothing listens any more");
}

#[tokio::test]
async fn empty_config_has_one_empty_workspace() {
    let sim = XanoSim::start(SimConfig {
        now_ms: Some(crate::common::NOW_MS),
        ..SimConfig::empty()
    })
    .await
    .expect("starts");
    assert_eq!(sim.workspace_ids(), [demo::WORKSPACE_ID]);
    assert!(sim.table_id(demo::WORKSPACE_ID, demo::CUSTOMERS).is_none());
    assert!(sim.history(demo::WORKSPACE_ID).is_empty());
    sim.add_history(demo::WORKSPACE_ID, 3);
    assert_eq!(sim.history(demo::WORKSPACE_ID).len(), 3);
    assert!(sim.meta_url().starts_with("http://127.0.0.1:"));
    assert!(sim.meta_url().ends_with("/api:meta"));
    assert_eq!(sim.origin(), format!("http://{}", sim.addr()));
    sim.shutdown().await;
}

#[tokio::test]
async fn a_fixed_clock_gives_identical_data() {
    let a = XanoSim::start(config()).await.expect("starts");
    let b = XanoSim::start(config()).await.expect("starts");
    let ws = demo::WORKSPACE_ID;
    for name in [demo::CUSTOMERS, demo::ORDERS, demo::PRODUCTS] {
        let (ta, tb) = (a.table_id(ws, name).unwrap(), b.table_id(ws, name).unwrap());
        assert_eq!(ta, tb);
        assert_eq!(a.rows(ws, ta), b.rows(ws, tb), "{name}");
        assert_eq!(a.indexes(ws, ta), b.indexes(ws, tb), "{name}");
    }
    // History is generated lazily; reading b's second workspace first changes nothing.
    let b2 = b.history(demo::SECOND_WORKSPACE_ID);
    assert_eq!(a.history(ws), b.history(ws));
    assert_eq!(a.history(demo::SECOND_WORKSPACE_ID), b2);
    assert_eq!(
        a.rows(ws, a.table_id(ws, demo::CUSTOMERS).unwrap()).len(),
        300
    );
    assert_eq!(a.rows(ws, a.table_id(ws, demo::ORDERS).unwrap()).len(), 600);
    assert_eq!(
        a.rows(ws, a.table_id(ws, demo::PRODUCTS).unwrap()).len(),
        40
    );
    let leads = a.table_id(demo::SECOND_WORKSPACE_ID, demo::LEADS).unwrap();
    assert_eq!(a.rows(demo::SECOND_WORKSPACE_ID, leads).len(), 20);
}
