//! Integration tests of the client config writers, all on temp homes built with
//! `HomeLayout::for_test` (never the real home), covering the acceptance list of issue 6: entry
//! snapshots per client and OS layout, merge properties, refusals that leave everything
//! untouched, comments kept, file modes, backups, detection and repair, and the Claude Code CLI
//! path through a fake `claude`.

mod backups;
mod claude_code_cli;
mod comments;
mod detect;
mod modes;
mod props;
mod read_back;
mod refusals;
mod snapshots;

use clients::{Action, ApplyOutcome, Client, EntrySpec, HomeLayout, Os, Scope, StdioCommand};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// A realistic local token: `xmcp_` + 43 base64url characters.
pub const TOKEN: &str = "xmcp_zN_wFM1sVqApLWrew4sYkPQ_f2essj57VlJY4TdxUtg";
/// Another client's (or an older) token.
pub const OTHER_TOKEN: &str = "xmcp_oyZD-JcBWJHaNWvHSzBl6tfQmznJm7fk_fi2sbUo03k";
/// Where the fake `xano-mcp` binary lives (it is never run here).
pub const BINARY: &str = "/opt/xano-mcp/bin/xano-mcp";

#[derive(Debug)]
/// A temp folder holding a fake home (`home/`) and room for projects and fake executables.
pub struct FakeHome {
    pub dir: TempDir,
    pub layout: HomeLayout,
}

impl FakeHome {
    pub fn new(os: Os) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::create_dir(dir.path().join("home")).expect("home");
        let layout = HomeLayout::for_test(os, dir.path().join("home"));
        FakeHome { dir, layout }
    }

    pub fn home(&self) -> &Path {
        self.layout.home()
    }

    /// A project folder beside the home.
    pub fn project(&self) -> PathBuf {
        let dir = self.dir.path().join("project");
        fs::create_dir_all(&dir).expect("project dir");
        dir
    }

    /// Writes `text` at `rel` under the home, creating folders.
    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.home().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, text).unwrap();
        path
    }

    pub fn rel<'a>(&self, path: &'a Path) -> &'a Path {
        path.strip_prefix(self.home())
            .or_else(|_| path.strip_prefix(self.dir.path()))
            .expect("path inside the fake home")
    }

    pub fn plan(&self, client: Client, scope: &Scope, action: Action) -> clients::ClientConfigPlan {
        clients::plan(&self.layout, client, scope, &spec(), action)
            .unwrap_or_else(|e| panic!("plan {client} {scope}: {e}"))
    }

    /// Plans and applies.
    pub fn run(&self, client: Client, scope: &Scope, action: Action) -> ApplyOutcome {
        let plan = self.plan(client, scope, action);
        clients::apply(&plan).unwrap_or_else(|e| panic!("apply {client} {scope}: {e}"))
    }
}

/// The entry every test writes: port 7717, [`TOKEN`], the bridge at [`BINARY`].
pub fn spec() -> EntrySpec {
    EntrySpec::for_port(7717)
        .with_token(clients::BearerToken::new(TOKEN))
        .with_stdio(StdioCommand::bridge(BINARY, "claude-desktop"))
}

/// Every file under `dir` (relative path → bytes), to prove a failure touched nothing.
pub fn tree(dir: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            let rel = path.strip_prefix(dir).unwrap().to_path_buf();
            if path.is_dir() {
                out.insert(rel, None);
                stack.push(path);
            } else {
                out.insert(rel, Some(fs::read(&path).unwrap()));
            }
        }
    }
    out
}

/// Parses a JSON/JSONC text into a value (comments and trailing commas allowed).
pub fn parse(text: &str) -> serde_json::Value {
    jsonc_parser::cst::CstRootNode::parse(text, &jsonc_parser::ParseOptions::default())
        .expect("parses")
        .to_serde_value()
        .unwrap_or(serde_json::Value::Null)
}

/// The root key our entry sits under, per client.
pub fn root_key(client: Client) -> &'static str {
    match client {
        Client::VsCode => "servers",
        Client::Zed => "context_servers",
        _ => "mcpServers",
    }
}

/// Whether the process can write where permissions say it cannot (root).
pub fn permissions_are_bypassed(dir: &Path) -> bool {
    let probe = dir.join(".probe");
    let ok = fs::write(&probe, b"x").is_ok();
    let _ = fs::remove_file(&probe);
    ok
}

/// Plans, detections and errors cross threads (Tauri commands, async tasks).
#[test]
fn public_values_are_send_and_sync() {
    fn check<T: Send + Sync + 'static>() {}
    check::<clients::ClientConfigPlan>();
    check::<clients::Detection>();
    check::<clients::Error>();
    check::<clients::ApplyOutcome>();
    check::<HomeLayout>();
}
