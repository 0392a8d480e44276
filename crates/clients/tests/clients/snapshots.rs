//! The entry written for each client on each OS layout: the file's path (relative to the fake
//! home, or to the temp root for projects) and its full text, for a fresh file.

use crate::{FakeHome, TOKEN, spec};
use clients::{Action, Change, Client, Os, Scope, StdioCommand};
use std::fs;

/// Where the app would install `xano-mcp` on each OS (never run here).
fn binary(os: Os) -> &'static str {
    match os {
        Os::MacOs => "/Applications/Xano MCP.app/Contents/MacOS/xano-mcp",
        Os::Windows => "C:\\Program Files\\Xano MCP\\xano-mcp.exe",
        Os::Linux => "/usr/bin/xano-mcp",
    }
}

/// The fresh file written for `client`: its path and text, the token shown as `<TOKEN>` (the
/// exact header is checked by `read_back`).
fn written(home: &FakeHome, client: Client, scope: &Scope) -> String {
    let spec = spec().with_stdio(StdioCommand::bridge(
        binary(home.layout.os()),
        "claude-desktop",
    ));
    let plan = clients::plan(&home.layout, client, scope, &spec, Action::Apply).unwrap();
    assert_eq!(plan.change(), Change::Added);
    let outcome = clients::apply(&plan).unwrap();
    assert_eq!(outcome.backup, None, "no backup for a new file");
    let text = fs::read_to_string(plan.path()).unwrap();
    assert_eq!(Some(text.as_str()), plan.after());
    assert!(!plan.holds_token() || text.contains(&format!("\"Bearer {TOKEN}\"")));
    let text = text.replace(TOKEN, "<TOKEN>");
    format!("path: {}\n---\n{text}", home.rel(plan.path()).display())
}

#[test]
fn user_entries_per_client_and_os() {
    for os in Os::ALL {
        for client in Client::ALL {
            if client == Client::ClaudeCode {
                continue; // user scope goes through the CLI: see `claude_code_cli`
            }
            let home = FakeHome::new(os);
            if os == Os::Linux && client == Client::ClaudeDesktop {
                fs::create_dir_all(home.home().join(".config/Claude")).unwrap();
            }
            let name = format!("user__{}__{}", client.id(), os.id());
            insta::assert_snapshot!(name, written(&home, client, &Scope::User));
        }
    }
}

#[test]
fn project_entries_per_client() {
    for client in Client::ALL.into_iter().filter(|c| c.has_project_scope()) {
        let home = FakeHome::new(Os::Linux);
        let scope = Scope::Project(home.project());
        let name = format!("project__{}", client.id());
        insta::assert_snapshot!(name, written(&home, client, &scope));
    }
}

#[test]
fn claude_desktop_on_windows_prefers_the_msix_location() {
    let home = FakeHome::new(Os::Windows);
    fs::create_dir_all(home.home().join("AppData/Roaming/Claude")).unwrap();
    fs::create_dir_all(
        home.home()
            .join("AppData/Local/Packages/Claude_pzs8sxrjxfjjc"),
    )
    .unwrap();
    fs::create_dir_all(home.home().join("AppData/Local/Packages/Other_123")).unwrap();
    insta::assert_snapshot!(
        "user__claude-desktop__windows_msix",
        written(&home, Client::ClaudeDesktop, &Scope::User)
    );
}

#[test]
fn claude_desktop_entry_carries_env_only_when_given() {
    let home = FakeHome::new(Os::MacOs);
    let spec = spec().with_stdio(
        StdioCommand::bridge(crate::BINARY, "claude-desktop")
            .with_env("XANO_MCP_HOME", "/srv/xano-mcp"),
    );
    let plan = clients::plan(
        &home.layout,
        Client::ClaudeDesktop,
        &Scope::User,
        &spec,
        Action::Apply,
    )
    .unwrap();
    insta::assert_snapshot!(plan.after().unwrap(), @r#"
    {
      "mcpServers": {
        "xano-mcp": {
          "command": "/opt/xano-mcp/bin/xano-mcp",
          "args": [
            "stdio",
            "--token-name",
            "claude-desktop"
          ],
          "env": {
            "XANO_MCP_HOME": "/srv/xano-mcp"
          }
        }
      }
    }
    "#);
}

#[test]
fn the_preview_masks_the_token() {
    let home = FakeHome::new(Os::Linux);
    let plan = home.plan(Client::Cursor, &Scope::User, Action::Apply);
    let preview = plan
        .preview()
        .replace(&home.home().display().to_string(), "~");
    assert!(!preview.contains(crate::TOKEN));
    assert!(plan.after().unwrap().contains(crate::TOKEN));
    insta::assert_snapshot!(preview, @r#"
    --- ~/.cursor/mcp.json (new file)
    +++ ~/.cursor/mcp.json (after)
    @@ -0,0 +1,10 @@
    +{
    +  "mcpServers": {
    +    "xano-mcp": {
    +      "url": "http://127.0.0.1:7717/mcp",
    +      "headers": {
    +        "Authorization": "Bearer xmcp_…"
    +      }
    +    }
    +  }
    +}
    "#);
    assert!(!format!("{plan:?}").contains(crate::TOKEN));
}
