//! The setup use cases against `xano-sim` (account and instance routes on one loopback server),
//! with an in-memory vault and a temp engine home. Never touches the real keychain or home.

mod doctor;
mod flows;
mod scopes;

use core_api::{Headless, Paths, SetupContext};
use std::sync::Arc;
use vault::{MemoryStore, Vault};
use xano::MetaBase;
use xano_sim::{Scope, SimConfig, SimToken, XanoSim};

/// The token with every scope.
pub const FULL: &str = "tok_full_access";
/// A token that can only read table rows.
pub const CONTENT_ONLY: &str = "tok_content_read_only";
/// A token that can list workspaces and tables but not read rows or request history.
pub const NO_CONTENT: &str = "tok_no_content";

/// A sim, a temp home, and a context on both.
#[allow(missing_debug_implementations)]
pub struct Setup {
    pub sim: XanoSim,
    pub home: tempfile::TempDir,
    pub store: Arc<MemoryStore>,
    pub ctx: SetupContext,
}

pub async fn setup() -> Setup {
    setup_with(Vec::new()).await
}

/// Like [`setup`], with extra accepted tokens.
pub async fn setup_with(extra: Vec<SimToken>) -> Setup {
    let mut tokens = vec![
        SimToken::full(FULL),
        SimToken::with_scopes(CONTENT_ONLY, &[(Scope::WorkspaceContent, "r")]),
        SimToken::with_scopes(
            NO_CONTENT,
            &[
                (Scope::InstanceWorkspace, "r"),
                (Scope::WorkspaceDatabase, "r"),
                (Scope::WorkspaceApi, "r"),
                (Scope::WorkspaceDataSource, "r"),
            ],
        ),
    ];
    tokens.extend(extra);
    let sim = XanoSim::start(SimConfig {
        tokens,
        ..SimConfig::demo()
    })
    .await
    .expect("start xano-sim");
    let home = tempfile::tempdir().expect("temp home");
    let (vault, store) = Vault::in_memory();
    let ctx = SetupContext::new(Paths::at(home.path()), vault)
        .with_account_base(MetaBase::parse(&sim.meta_url()).expect("sim url"))
        .with_headless(Headless::none());
    Setup {
        sim,
        home,
        store,
        ctx,
    }
}

/// Unix seconds used as "now" in these tests.
pub const NOW: i64 = 1_767_225_600;
