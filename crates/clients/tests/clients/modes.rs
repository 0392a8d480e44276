//! File modes: token-holding files end up 0600 on Unix whatever they were; Claude Desktop's file
//! holds no token and keeps its mode; remove never loosens a mode.

use crate::{FakeHome, TOKEN};
use clients::{Action, Client, Os, Scope};
use std::fs;

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

#[cfg(unix)]
fn set_mode(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(unix)]
#[test]
fn token_holding_files_are_0600_after_apply() {
    let home = FakeHome::new(Os::Linux);
    let project = Scope::Project(home.project());
    let cases = [
        (Client::Cursor, Scope::User),
        (Client::Cursor, project.clone()),
        (Client::ClaudeCode, project.clone()),
        (Client::VsCode, Scope::User),
        (Client::VsCode, project.clone()),
        (Client::Windsurf, Scope::User),
        (Client::Zed, Scope::User),
    ];
    for (client, scope) in cases {
        // A new file.
        let outcome = home.run(client, &scope, Action::Apply);
        assert_eq!(mode(&outcome.path), 0o600, "{client} {scope} (new file)");
        assert!(fs::read_to_string(&outcome.path).unwrap().contains(TOKEN));
        // An existing, world-readable file.
        home.run(client, &scope, Action::Remove);
        set_mode(&outcome.path, 0o644);
        home.run(client, &scope, Action::Apply);
        assert_eq!(mode(&outcome.path), 0o600, "{client} {scope} (was 0644)");
        // Remove keeps 0600 (the file may hold other secrets).
        home.run(client, &scope, Action::Remove);
        assert_eq!(
            mode(&outcome.path),
            0o600,
            "{client} {scope} (after remove)"
        );
    }
}

#[cfg(unix)]
#[test]
fn claude_desktop_holds_no_token_and_keeps_its_mode() {
    let home = FakeHome::new(Os::MacOs);
    let path = home.write(
        "Library/Application Support/Claude/claude_desktop_config.json",
        "{\"globalShortcut\": \"\"}\n",
    );
    set_mode(&path, 0o640);
    home.run(Client::ClaudeDesktop, &Scope::User, Action::Apply);
    let text = fs::read_to_string(&path).unwrap();
    assert!(!text.contains("xmcp_"), "{text}");
    assert!(!text.contains("Bearer"), "{text}");
    assert!(text.contains("\"--token-name\""));
    assert_eq!(mode(&path), 0o640);

    let fresh = FakeHome::new(Os::MacOs);
    let outcome = fresh.run(Client::ClaudeDesktop, &Scope::User, Action::Apply);
    assert_eq!(mode(&outcome.path), 0o644);
    assert!(!fs::read_to_string(&outcome.path).unwrap().contains("xmcp_"));
}

#[test]
fn claude_desktop_holds_no_token_on_any_os() {
    for os in Os::ALL {
        let home = FakeHome::new(os);
        fs::create_dir_all(home.home().join(".config/Claude")).unwrap();
        let plan = home.plan(Client::ClaudeDesktop, &Scope::User, Action::Apply);
        assert!(!plan.holds_token());
        assert!(!plan.after().unwrap().contains("xmcp_"), "{os}");
    }
}
