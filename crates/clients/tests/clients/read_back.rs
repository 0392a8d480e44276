//! Reading our entry back out of a written file, as the end-to-end tests will: the Claude Desktop
//! command to spawn, and Cursor's URL and headers.

use crate::{BINARY, FakeHome, TOKEN};
use clients::{Action, Client, Error, Os, Scope, claude_desktop, cursor};
use std::collections::BTreeMap;
use std::path::PathBuf;

#[test]
fn claude_desktop_command_reads_back_exactly() {
    let home = FakeHome::new(Os::MacOs);
    let plan = home.plan(Client::ClaudeDesktop, &Scope::User, Action::Apply);
    let from_plan = claude_desktop::entry_command_in(plan.after().unwrap()).unwrap();
    clients::apply(&plan).unwrap();
    let command = claude_desktop::entry_command(plan.path()).unwrap();
    assert_eq!(command, from_plan);
    assert_eq!(command.command, PathBuf::from(BINARY));
    assert_eq!(command.args, ["stdio", "--token-name", "claude-desktop"]);
    assert!(command.env.is_empty());
}

#[test]
fn cursor_endpoint_reads_back_exactly() {
    let home = FakeHome::new(Os::Linux);
    let outcome = home.run(Client::Cursor, &Scope::User, Action::Apply);
    let endpoint = cursor::entry_endpoint(&outcome.path).unwrap();
    assert_eq!(endpoint.url, "http://127.0.0.1:7717/mcp");
    assert_eq!(
        endpoint.headers,
        BTreeMap::from([("Authorization".to_string(), format!("Bearer {TOKEN}"))])
    );
}

#[test]
fn reading_back_a_missing_entry_says_so() {
    let home = FakeHome::new(Os::Linux);
    let path = home.write(".cursor/mcp.json", "{}");
    assert!(matches!(
        cursor::entry_endpoint(&path),
        Err(Error::EntryNotFound { .. })
    ));
    let absent = home.home().join("nowhere.json");
    let err = claude_desktop::entry_command(&absent).unwrap_err();
    assert!(
        err.to_string().contains("Apply the configuration first"),
        "{err}"
    );
}
