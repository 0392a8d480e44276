//! Detection (installed? entry missing, current or stale, and why), reading back the existing
//! token, repair (plan Apply on a stale entry) and remove taking out our entry only.

use crate::{BINARY, FakeHome, OTHER_TOKEN, TOKEN, spec};
use clients::{
    Action, BearerToken, Change, Client, EntrySpec, EntryState, Os, Scope, StaleReason,
    StdioCommand,
};
use std::fs;

#[test]
fn nothing_installed_in_an_empty_home() {
    let home = FakeHome::new(Os::Linux);
    let project = home.project();
    let found = clients::detect_all(&home.layout, &spec(), Some(&project));
    assert_eq!(
        found.len(),
        6 + 3,
        "six user scopes and three project scopes"
    );
    for (client, scope, result) in found {
        let detection = result.unwrap_or_else(|e| panic!("{client} {scope}: {e}"));
        assert!(!detection.installed, "{client} {scope}");
        assert_eq!(detection.entry, EntryState::FileAbsent, "{client} {scope}");
        assert_eq!(detection.existing_token, None);
    }
}

#[test]
fn installed_when_the_config_folder_exists() {
    let cases = [
        (Os::Linux, Client::ClaudeDesktop, ".config/Claude"),
        (
            Os::MacOs,
            Client::ClaudeDesktop,
            "Library/Application Support/Claude",
        ),
        (Os::Windows, Client::ClaudeDesktop, "AppData/Roaming/Claude"),
        (
            Os::Windows,
            Client::ClaudeDesktop,
            "AppData/Local/Packages/Claude_pzs8sxrjxfjjc",
        ),
        (Os::Linux, Client::Cursor, ".cursor"),
        (Os::Windows, Client::Cursor, ".cursor"),
        (Os::Linux, Client::VsCode, ".config/Code"),
        (
            Os::MacOs,
            Client::VsCode,
            "Library/Application Support/Code",
        ),
        (Os::Windows, Client::VsCode, "AppData/Roaming/Code"),
        (Os::MacOs, Client::Windsurf, ".codeium/windsurf"),
        (Os::Linux, Client::Zed, ".config/zed"),
        (Os::MacOs, Client::Zed, ".config/zed"),
        (Os::Windows, Client::Zed, "AppData/Roaming/Zed"),
    ];
    for (os, client, dir) in cases {
        let home = FakeHome::new(os);
        fs::create_dir_all(home.home().join(dir)).unwrap();
        let d = clients::detect(&home.layout, client, &Scope::User, &spec()).unwrap();
        assert!(d.installed, "{client} on {os} with {dir}");
        assert_eq!(d.entry, EntryState::FileAbsent);
    }
}

#[test]
fn claude_code_is_installed_with_claude_on_path_or_a_project_file() {
    let home = FakeHome::new(Os::Linux);
    let project = home.project();
    let scope = Scope::Project(project.clone());
    let d = clients::detect(&home.layout, Client::ClaudeCode, &scope, &spec()).unwrap();
    assert!(!d.installed);
    fs::write(project.join(".mcp.json"), "{\"mcpServers\": {}}").unwrap();
    let d = clients::detect(&home.layout, Client::ClaudeCode, &scope, &spec()).unwrap();
    assert!(d.installed);
    assert_eq!(d.entry, EntryState::Missing);
    assert_eq!(d.claude_cli, None);
}

#[test]
fn states_missing_current_and_stale_with_reasons() {
    let home = FakeHome::new(Os::Linux);
    let path = home.write(
        ".cursor/mcp.json",
        "{\"mcpServers\": {\"other\": {\"url\": \"x\"}}}",
    );
    let detect = |expected: &EntrySpec| {
        clients::detect(&home.layout, Client::Cursor, &Scope::User, expected).unwrap()
    };
    assert_eq!(detect(&spec()).entry, EntryState::Missing);

    home.run(Client::Cursor, &Scope::User, Action::Apply);
    let d = detect(&spec());
    assert_eq!(d.entry, EntryState::Current);
    assert_eq!(d.config_path, path);
    assert_eq!(d.existing_token, Some(BearerToken::new(TOKEN)));
    assert!(!format!("{d:?}").contains(TOKEN), "Debug masks the token");

    // Without a token to compare, any token is fine.
    assert_eq!(
        detect(&EntrySpec::for_port(7717)).entry,
        EntryState::Current
    );
    // Another port.
    assert_eq!(
        detect(&EntrySpec::for_port(8800)).entry,
        EntryState::Stale {
            reason: StaleReason::UrlChanged {
                found: "http://127.0.0.1:7717/mcp".into(),
                expected: "http://127.0.0.1:8800/mcp".into(),
            }
        }
    );
    // Another token.
    let other = EntrySpec::for_port(7717).with_token(BearerToken::new(OTHER_TOKEN));
    assert_eq!(
        detect(&other).entry,
        EntryState::Stale {
            reason: StaleReason::TokenDifferent
        }
    );
    // No header at all.
    fs::write(
        &path,
        "{\"mcpServers\": {\"xano-mcp\": {\"url\": \"http://127.0.0.1:7717/mcp\"}}}",
    )
    .unwrap();
    assert_eq!(
        detect(&spec()).entry,
        EntryState::Stale {
            reason: StaleReason::TokenMissing
        }
    );
    // A stdio entry where a URL entry belongs.
    fs::write(
        &path,
        "{\"mcpServers\": {\"xano-mcp\": {\"command\": \"x\"}}}",
    )
    .unwrap();
    assert!(matches!(
        detect(&spec()).entry,
        EntryState::Stale {
            reason: StaleReason::ShapeChanged { .. }
        }
    ));
}

#[test]
fn claude_desktop_is_stale_when_the_binary_moves_or_the_token_name_changes() {
    let home = FakeHome::new(Os::MacOs);
    home.run(Client::ClaudeDesktop, &Scope::User, Action::Apply);
    let detect = |expected: &EntrySpec| {
        clients::detect(&home.layout, Client::ClaudeDesktop, &Scope::User, expected)
            .unwrap()
            .entry
    };
    assert_eq!(detect(&spec()), EntryState::Current);
    let moved = spec().with_stdio(StdioCommand::bridge(
        "/usr/local/bin/xano-mcp",
        "claude-desktop",
    ));
    let EntryState::Stale { reason } = detect(&moved) else {
        panic!("stale expected")
    };
    assert_eq!(
        reason,
        StaleReason::CommandChanged {
            found: BINARY.into(),
            expected: "/usr/local/bin/xano-mcp".into()
        }
    );
    assert_eq!(
        reason.to_string(),
        format!("runs {BINARY} instead of /usr/local/bin/xano-mcp")
    );
    let renamed = spec().with_stdio(StdioCommand::bridge(BINARY, "desktop-2"));
    assert!(matches!(
        detect(&renamed),
        EntryState::Stale {
            reason: StaleReason::ArgsChanged { .. }
        }
    ));
    let with_env = spec()
        .with_stdio(StdioCommand::bridge(BINARY, "claude-desktop").with_env("XANO_MCP_HOME", "/x"));
    assert_eq!(
        detect(&with_env),
        EntryState::Stale {
            reason: StaleReason::EnvChanged
        }
    );
    let d = clients::detect(&home.layout, Client::ClaudeDesktop, &Scope::User, &spec()).unwrap();
    assert_eq!(
        d.existing_token, None,
        "Claude Desktop's file holds no token"
    );
}

#[test]
fn repair_rewrites_a_stale_entry_and_keeps_the_token_unless_rotating() {
    let home = FakeHome::new(Os::Linux);
    let old = "{\n  \"mcpServers\": {\n    \"xano-mcp\": {\n      \"url\": \"http://127.0.0.1:9000/mcp\",\n      \"headers\": {\n        \"Authorization\": \"Bearer xmcp_oyZD-JcBWJHaNWvHSzBl6tfQmznJm7fk_fi2sbUo03k\"\n      }\n    },\n    \"keep\": {\"command\": \"k\"}\n  }\n}\n";
    let path = home.write(".codeium/windsurf/mcp_config.json", old);
    // The entry written by an older build used Cursor's `url` key: stale for Windsurf.
    let d = clients::detect(&home.layout, Client::Windsurf, &Scope::User, &spec()).unwrap();
    assert!(matches!(
        d.entry,
        EntryState::Stale {
            reason: StaleReason::ShapeChanged { .. }
        }
    ));
    assert_eq!(
        d.existing_token.as_ref().map(BearerToken::expose),
        Some(OTHER_TOKEN)
    );

    // Repair keeping the existing token (no rotation): pass it back in.
    let keep = EntrySpec::for_port(7717).with_token(d.existing_token.clone().unwrap());
    let plan = clients::plan(
        &home.layout,
        Client::Windsurf,
        &Scope::User,
        &keep,
        Action::Apply,
    )
    .unwrap();
    assert_eq!(plan.change(), Change::Updated);
    assert!(
        plan.preview()
            .contains("-      \"url\": \"http://127.0.0.1:9000/mcp\",")
    );
    assert!(
        plan.preview()
            .contains("+      \"serverUrl\": \"http://127.0.0.1:7717/mcp\",")
    );
    assert!(!plan.preview().contains(OTHER_TOKEN));
    clients::apply(&plan).unwrap();
    let d = clients::detect(&home.layout, Client::Windsurf, &Scope::User, &keep).unwrap();
    assert_eq!(d.entry, EntryState::Current);
    assert_eq!(
        d.existing_token.as_ref().map(BearerToken::expose),
        Some(OTHER_TOKEN)
    );
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains("\"keep\": {\"command\": \"k\"}"));

    // Rotation: the caller passes the new token.
    let plan = home.plan(Client::Windsurf, &Scope::User, Action::Apply);
    assert_eq!(plan.change(), Change::Updated);
    clients::apply(&plan).unwrap();
    let d = clients::detect(&home.layout, Client::Windsurf, &Scope::User, &spec()).unwrap();
    assert_eq!(
        d.existing_token.as_ref().map(BearerToken::expose),
        Some(TOKEN)
    );
}

#[test]
fn remove_takes_out_our_entry_only_and_keeps_the_file() {
    let home = FakeHome::new(Os::Linux);
    let path = home.write(
        ".cursor/mcp.json",
        "{\n  \"mcpServers\": {\n    \"xano-mcp\": {\"url\": \"u\"}\n  },\n  \"other\": 1\n}\n",
    );
    let plan = home.plan(Client::Cursor, &Scope::User, Action::Remove);
    assert_eq!(plan.change(), Change::Removed);
    assert!(
        plan.preview()
            .contains("-    \"xano-mcp\": {\"url\": \"u\"}")
    );
    clients::apply(&plan).unwrap();
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "{\n  \"mcpServers\": {},\n  \"other\": 1\n}\n"
    );
    let d = clients::detect(&home.layout, Client::Cursor, &Scope::User, &spec()).unwrap();
    assert_eq!(d.entry, EntryState::Missing);
}

#[test]
fn windows_claude_desktop_path_prefers_msix() {
    let home = FakeHome::new(Os::Windows);
    let path = |home: &FakeHome| {
        clients::config_path(&home.layout, Client::ClaudeDesktop, &Scope::User).unwrap()
    };
    assert!(path(&home).ends_with("AppData/Roaming/Claude/claude_desktop_config.json"));
    fs::create_dir_all(
        home.home()
            .join("AppData/Local/Packages/Claude_pzs8sxrjxfjjc"),
    )
    .unwrap();
    assert!(path(&home).ends_with(
        "AppData/Local/Packages/Claude_pzs8sxrjxfjjc/LocalCache/Roaming/Claude/claude_desktop_config.json"
    ));
}
