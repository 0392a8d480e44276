//! The config mergers on arbitrary file contents: for every client and scope, plan + apply (add our
//! entry, then remove it) must not panic, must leave a refused file byte for byte, and must never
//! leave a file that does not parse (as JSONC; as strict JSON when the original was strict JSON).
#![no_main]

use clients::{Action, Client, EntrySpec, HomeLayout, Os, Scope, StdioCommand};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use std::fs;
use std::path::PathBuf;
use std::sync::OnceLock;

struct Home {
    _dir: tempfile::TempDir,
    layout: HomeLayout,
    project: PathBuf,
}

fn home() -> &'static Home {
    static H: OnceLock<Home> = OnceLock::new();
    H.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let home = dir.path().join("home");
        let project = dir.path().join("project");
        fs::create_dir_all(&home).expect("home");
        fs::create_dir_all(&project).expect("project");
        Home {
            layout: HomeLayout::for_test(Os::Linux, &home),
            project,
            _dir: dir,
        }
    })
}

fn spec() -> EntrySpec {
    EntrySpec::for_port(7717)
        .with_token(clients::BearerToken::new(
            "xmcp_zN_wFM1sVqApLWrew4sYkPQ_f2essj57VlJY4TdxUtg",
        ))
        .with_stdio(StdioCommand::bridge(
            "/opt/xano-mcp/bin/xano-mcp",
            "claude-desktop",
        ))
}

fn run(layout: &HomeLayout, client: Client, scope: &Scope, path: &PathBuf, action: Action) {
    let before = fs::read(path).ok();
    let Ok(plan) = clients::plan(layout, client, scope, &spec(), action) else {
        assert_eq!(
            fs::read(path).ok(),
            before,
            "a refused plan changed the file"
        );
        return;
    };
    if clients::apply(&plan).is_err() {
        assert_eq!(
            fs::read(path).ok(),
            before,
            "a failed apply changed the file"
        );
        return;
    }
    let after = fs::read(path).unwrap_or_default();
    if Some(&after) == before.as_ref() {
        return;
    }
    let text = String::from_utf8(after.clone()).expect("we wrote UTF-8");
    assert!(
        jsonc_parser::cst::CstRootNode::parse(&text, &Default::default()).is_ok(),
        "{client} {scope}: wrote a file that does not parse:\n{text}"
    );
    if before
        .as_deref()
        .is_some_and(|b| serde_json::from_slice::<Value>(b).is_ok())
    {
        assert!(
            serde_json::from_slice::<Value>(&after).is_ok(),
            "{client} {scope}: turned strict JSON into JSONC:\n{text}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let h = home();
    let mut targets: Vec<(Client, Scope)> = Client::ALL.iter().map(|c| (*c, Scope::User)).collect();
    for c in Client::ALL.iter().filter(|c| c.has_project_scope()) {
        targets.push((*c, Scope::Project(h.project.clone())));
    }
    for (client, scope) in targets {
        let Ok(path) = clients::config_path(&h.layout, client, &scope) else {
            continue;
        };
        if let Some(parent) = path.parent() {
            let _ = fs::create_dir_all(parent);
            // Backups of earlier inputs would pile up; keep only the config itself.
            if let Ok(entries) = fs::read_dir(parent) {
                for e in entries.flatten() {
                    if e.path() != path && e.path().is_file() {
                        let _ = fs::remove_file(e.path());
                    }
                }
            }
        }
        if fs::write(&path, data).is_err() {
            continue;
        }
        run(&h.layout, client, &scope, &path, Action::Apply);
        run(&h.layout, client, &scope, &path, Action::Remove);
    }
});
