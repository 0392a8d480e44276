//! Zed and VS Code files are JSONC: every comment (and the rest of the text) survives apply, and
//! remove gives back the original bytes.

use crate::{FakeHome, TOKEN};
use clients::{Action, Change, Client, Os, Scope};
use std::fs;

const ZED_SETTINGS: &str = r#"// Zed settings
//
// For information on how to configure Zed, see the Zed
// documentation: https://zed.dev/docs/configuring-zed
{
  "ui_font_size": 16, // bigger for the laptop
  "buffer_font_size": 15,
  /* theme chosen after a long debate */
  "theme": {
    "mode": "system",
    "light": "One Light",
    "dark": "One Dark",
  },
  "context_servers": {
    // the GitHub server, added by hand
    "github": {
      "command": "github-mcp",
      "args": ["--stdio"], /* keep --stdio */
    },
  },
  "vim_mode": false // no
}
"#;

const VSCODE_MCP: &str = "{\r\n\t// Inputs are prompted once and stored securely.\r\n\t\"inputs\": [\r\n\t\t{ \"type\": \"promptString\", \"id\": \"gh-token\", \"password\": true } // gh\r\n\t],\r\n\t/* servers */\r\n\t\"servers\": {\r\n\t\t\"github\": { \"type\": \"http\", \"url\": \"https://api.githubcopilot.com/mcp/\" }\r\n\t}\r\n}\r\n";

fn comments_of(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    for line in text.lines() {
        if let Some(i) = line.find("//") {
            found.push(line[i..].trim_end());
        }
        let mut rest = line;
        while let Some(start) = rest.find("/*") {
            let end = rest[start..]
                .find("*/")
                .map_or(rest.len(), |e| start + e + 2);
            found.push(&rest[start..end]);
            rest = &rest[end..];
        }
    }
    found
}

fn check(client: Client, os: Os, rel: &str, original: &str) {
    let home = FakeHome::new(os);
    let path = home.write(rel, original);
    let comments = comments_of(original);
    assert!(comments.len() >= 3, "the fixture has comments");

    let outcome = home.run(client, &Scope::User, Action::Apply);
    assert_eq!(outcome.change, Change::Added);
    let applied = fs::read_to_string(&path).unwrap();
    for comment in &comments {
        assert!(
            applied.contains(comment),
            "lost {comment:?} after apply:\n{applied}"
        );
    }
    assert!(applied.contains(TOKEN));
    // Everything before our entry is the original text, unchanged.
    let ours = applied.find("\"xano-mcp\"").unwrap();
    let prefix = &applied[..ours];
    let kept = prefix.trim_end_matches(|c: char| c.is_whitespace() || c == ',');
    assert!(
        original.starts_with(kept),
        "text before our entry changed:\n{applied}"
    );

    home.run(client, &Scope::User, Action::Remove);
    let removed = fs::read_to_string(&path).unwrap();
    for comment in &comments {
        assert!(
            removed.contains(comment),
            "lost {comment:?} after remove:\n{removed}"
        );
    }
    assert_eq!(
        removed, original,
        "remove did not give back the original bytes"
    );
}

#[test]
fn zed_settings_keep_every_comment() {
    check(
        Client::Zed,
        Os::Linux,
        ".config/zed/settings.json",
        ZED_SETTINGS,
    );
    check(
        Client::Zed,
        Os::MacOs,
        ".config/zed/settings.json",
        ZED_SETTINGS,
    );
}

#[test]
fn vscode_mcp_json_keeps_every_comment_tabs_and_crlf() {
    check(
        Client::VsCode,
        Os::Linux,
        ".config/Code/User/mcp.json",
        VSCODE_MCP,
    );
    check(
        Client::VsCode,
        Os::Windows,
        "AppData/Roaming/Code/User/mcp.json",
        VSCODE_MCP,
    );
    let home = FakeHome::new(Os::Linux);
    let path = home.write(".config/Code/User/mcp.json", VSCODE_MCP);
    home.run(Client::VsCode, &Scope::User, Action::Apply);
    let applied = fs::read_to_string(&path).unwrap();
    assert!(
        !applied.replace("\r\n", "").contains('\n'),
        "CRLF kept:\n{applied:?}"
    );
    assert!(
        applied.contains("\r\n\t\t\"xano-mcp\": {\r\n\t\t\t\"type\": \"http\","),
        "{applied:?}"
    );
}

#[test]
fn zed_settings_without_context_servers_get_one_and_keep_the_rest() {
    let original = "// my settings\n{\n  \"theme\": \"One Dark\", // dark\n}\n";
    let home = FakeHome::new(Os::Linux);
    let path = home.write(".config/zed/settings.json", original);
    home.run(Client::Zed, &Scope::User, Action::Apply);
    let applied = fs::read_to_string(&path).unwrap();
    insta::assert_snapshot!(applied.replace(TOKEN, "<token>"), @r#"
    // my settings
    {
      "theme": "One Dark", // dark
      "context_servers": {
        "xano-mcp": {
          "url": "http://127.0.0.1:7717/mcp",
          "headers": {
            "Authorization": "Bearer <token>",
          },
        },
      },
    }
    "#);
    home.run(Client::Zed, &Scope::User, Action::Remove);
    let removed = fs::read_to_string(&path).unwrap();
    assert!(removed.contains("// my settings") && removed.contains("// dark"));
    assert_eq!(
        crate::parse(&removed),
        serde_json::json!({"theme": "One Dark", "context_servers": {}})
    );
}

#[test]
fn updating_a_stale_entry_replaces_only_its_value() {
    let original = "{\n  // before\n  \"context_servers\": {\n    \"xano-mcp\": { \"url\": \"http://127.0.0.1:9999/mcp\" }, // ours, old port\n    \"other\": {}\n  }\n}\n";
    let home = FakeHome::new(Os::Linux);
    let path = home.write(".config/zed/settings.json", original);
    let outcome = home.run(Client::Zed, &Scope::User, Action::Apply);
    assert_eq!(outcome.change, Change::Updated);
    let applied = fs::read_to_string(&path).unwrap();
    assert!(applied.contains("// ours, old port"), "{applied}");
    assert!(applied.contains("// before"));
    assert!(applied.contains("\"other\": {}"));
    assert!(!applied.contains("9999"));
    assert_eq!(
        crate::parse(&applied)["context_servers"]["xano-mcp"]["url"],
        "http://127.0.0.1:7717/mcp"
    );
}
