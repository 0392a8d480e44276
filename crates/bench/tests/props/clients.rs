//! The config mergers (`clients::plan` + `clients::apply`) on arbitrary existing files: arbitrary
//! JSON, JSONC with comments and trailing commas, broken and mutated text, non-UTF-8 bytes.
//!
//! Properties, for every client and scope on a temp home: no panic; a refused plan or apply leaves
//! the file byte for byte; a file we wrote parses (as JSONC, and as strict JSON when the original
//! was strict JSON), holds our entry (or no longer holds it after a removal), and a second plan
//! finds nothing to change.

use clients::{Action, Change, Client, EntrySpec, HomeLayout, Os, SERVER_KEY, Scope, StdioCommand};
use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::Value;
use std::fs;
use std::path::Path;

const TOKEN: &str = "xmcp_zN_wFM1sVqApLWrew4sYkPQ_f2essj57VlJY4TdxUtg";

fn spec() -> EntrySpec {
    EntrySpec::for_port(7717)
        .with_token(clients::BearerToken::new(TOKEN))
        .with_stdio(StdioCommand::bridge(
            "/opt/xano-mcp/bin/xano-mcp",
            "claude-desktop",
        ))
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "\\PC{0,10}".prop_map(Value::String),
    ];
    let key = prop_oneof![
        Just("mcpServers".to_owned()),
        Just("servers".to_owned()),
        Just("context_servers".to_owned()),
        Just(SERVER_KEY.to_owned()),
        Just("url".to_owned()),
        Just("command".to_owned()),
        "\\PC{0,8}",
    ];
    leaf.prop_recursive(4, 40, 5, move |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            vec((key.clone(), inner), 0..5).prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// JSONC decorations a hand-edited file has: comments between tokens, trailing commas, CRLF, tabs.
fn decorate(text: &str, seed: u64) -> String {
    let mut rng = seed;
    let mut next = || {
        rng = rng
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        rng >> 33
    };
    let mut out = String::new();
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '}' | ']' if next() % 3 == 0 => {
                out.push(',');
                out.push(c);
            }
            ',' | '{' | '[' | ':' => {
                out.push(c);
                match next() % 6 {
                    0 => out.push_str(" /* note */ "),
                    1 => out.push_str(" // line comment\r\n\t"),
                    2 => out.push_str("\r\n\t"),
                    _ => {}
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Small edits that break or bend a text.
fn mutate(text: &str, edits: &[(usize, u8)]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for &(at, kind) in edits {
        if chars.is_empty() {
            chars.push('{');
            continue;
        }
        let i = at % chars.len();
        match kind % 8 {
            0 => {
                chars.remove(i);
            }
            1 => chars.insert(i, '{'),
            2 => chars.insert(i, '}'),
            3 => chars.insert(i, '"'),
            4 => chars.insert(i, ','),
            5 => {
                for (k, c) in "/*".chars().enumerate() {
                    chars.insert(i + k, c);
                }
            }
            6 => chars.truncate(i),
            _ => chars.insert(i, '\u{feff}'),
        }
    }
    chars.into_iter().collect()
}

/// Bytes of an existing config file.
fn existing() -> impl Strategy<Value = Vec<u8>> {
    let structured = (json_value(), any::<bool>(), any::<u64>())
        .prop_map(|(v, pretty, seed)| {
            let text = if pretty {
                serde_json::to_string_pretty(&v).unwrap_or_default()
            } else {
                serde_json::to_string(&v).unwrap_or_default()
            };
            (text, seed)
        })
        .boxed();
    prop_oneof![
        // JSON as a program would write it.
        structured.clone().prop_map(|(t, _)| t.into_bytes()),
        // Hand-edited JSONC.
        structured
            .clone()
            .prop_map(|(t, seed): (String, u64)| decorate(&t, seed).into_bytes()),
        // Broken or bent.
        (structured, vec((any::<usize>(), any::<u8>()), 1..4))
            .prop_map(|((t, seed), edits)| mutate(&decorate(&t, seed), &edits).into_bytes()),
        // Anything at all.
        "\\PC{0,64}".prop_map(String::into_bytes),
        vec(any::<u8>(), 0..64),
    ]
}

/// The file parsed the way the mergers parse it (JSONC: comments, trailing commas).
/// A UTF-8 byte order mark, which the mergers keep where they found one (and read past).
const BOM: &str = "\u{feff}";

fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(BOM.as_bytes()).unwrap_or(bytes)
}

fn parse_jsonc(text: &str) -> Option<Value> {
    let text = text.strip_prefix(BOM).unwrap_or(text);
    jsonc_parser::cst::CstRootNode::parse(text, &jsonc_parser::ParseOptions::default())
        .ok()
        .map(|root| root.to_serde_value().unwrap_or(Value::Null))
}

fn root_key(client: Client) -> &'static str {
    match client {
        Client::VsCode => "servers",
        Client::Zed => "context_servers",
        _ => "mcpServers",
    }
}

fn targets(project: &Path) -> Vec<(Client, Scope)> {
    let mut out: Vec<(Client, Scope)> = Client::ALL.iter().map(|c| (*c, Scope::User)).collect();
    for c in Client::ALL.iter().filter(|c| c.has_project_scope()) {
        out.push((*c, Scope::Project(project.to_path_buf())));
    }
    out
}

/// Plans and applies `action`; checks the properties; returns whether the file now holds our entry.
fn plan_apply_check(
    layout: &HomeLayout,
    client: Client,
    scope: &Scope,
    path: &Path,
    action: Action,
) -> Result<(), TestCaseError> {
    let before = fs::read(path).ok();
    let plan = match clients::plan(layout, client, scope, &spec(), action) {
        Ok(plan) => plan,
        Err(_) => {
            prop_assert_eq!(
                fs::read(path).ok(),
                before,
                "a refused plan changed {:?}",
                path
            );
            return Ok(());
        }
    };
    let planned_change = plan.change();
    if clients::apply(&plan).is_err() {
        prop_assert_eq!(
            fs::read(path).ok(),
            before,
            "a failed apply changed {:?}",
            path
        );
        return Ok(());
    }
    let after = fs::read(path).ok();
    if after == before {
        return Ok(());
    }
    let after_bytes = after.unwrap_or_default();
    let text = String::from_utf8(after_bytes.clone())
        .map_err(|_| TestCaseError::fail(format!("{client} wrote non-UTF-8 to {path:?}")))?;
    let parsed = parse_jsonc(&text).ok_or_else(|| {
        TestCaseError::fail(format!(
            "{client} {scope} ({planned_change:?}) wrote a file that does not parse:\n--- before\n{}\n--- after\n{text}",
            String::from_utf8_lossy(before.as_deref().unwrap_or_default())
        ))
    })?;
    let was_strict = before
        .as_deref()
        .is_some_and(|b| serde_json::from_slice::<Value>(without_bom(b)).is_ok());
    if was_strict {
        prop_assert_eq!(
            after_bytes.starts_with(BOM.as_bytes()),
            before
                .as_deref()
                .is_some_and(|b| b.starts_with(BOM.as_bytes())),
            "{} {}: a byte order mark was added or dropped",
            client,
            scope
        );
        prop_assert!(
            serde_json::from_slice::<Value>(without_bom(&after_bytes)).is_ok(),
            "{} {} turned strict JSON into JSONC:\n{}",
            client,
            scope,
            text
        );
    }
    let entry = parsed.get(root_key(client)).and_then(|s| s.get(SERVER_KEY));
    match action {
        Action::Apply => prop_assert!(
            entry.is_some(),
            "{} {}: no entry after apply:\n{}",
            client,
            scope,
            text
        ),
        Action::Remove => prop_assert!(
            entry.is_none(),
            "{} {}: entry left after remove:\n{}",
            client,
            scope,
            text
        ),
    }
    // Idempotent: planning the same action again changes nothing.
    if let Ok(again) = clients::plan(layout, client, scope, &spec(), action) {
        prop_assert_eq!(
            again.change(),
            Change::Unchanged,
            "{} {}: second plan not empty on\n{}",
            client,
            scope,
            text
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn mergers_never_panic_nor_write_unparseable_files(bytes in existing()) {
        let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let home = dir.path().join("home");
        let project = dir.path().join("project");
        fs::create_dir_all(&home).map_err(|e| TestCaseError::fail(e.to_string()))?;
        fs::create_dir_all(&project).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let layout = HomeLayout::for_test(Os::Linux, &home);
        for (client, scope) in targets(&project) {
            let Ok(path) = clients::config_path(&layout, client, &scope) else { continue };
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(|e| TestCaseError::fail(e.to_string()))?;
            }
            fs::write(&path, &bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
            plan_apply_check(&layout, client, &scope, &path, Action::Apply)?;
            plan_apply_check(&layout, client, &scope, &path, Action::Remove)?;
        }
    }
}
