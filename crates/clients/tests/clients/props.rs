//! Property tests: for generated existing configs (other servers, unrelated settings, unicode
//! keys and values, nested objects; comments, trailing commas, tabs and CRLF for the JSONC
//! clients), apply changes nothing but our entry, a second apply changes nothing, and remove
//! gives back a file equal in meaning to the original (byte for byte when the original already
//! had an indented servers object), with every comment kept throughout.

use crate::{FakeHome, parse, root_key};
use clients::{Action, Change, Client, Os, SERVER_KEY, Scope};
use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use std::fs;

fn key() -> impl Strategy<Value = String> {
    "\\PC{0,10}".prop_filter("not one of the root keys we edit", |k| {
        !["mcpServers", "servers", "context_servers"].contains(&k.as_str())
    })
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-1.0e9f64..1.0e9).prop_map(|f| json!(f)),
        "\\PC{0,16}".prop_map(Value::String),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 32, 5, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            vec((key(), inner), 0..5).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn server() -> impl Strategy<Value = Value> {
    prop_oneof![
        ("\\PC{1,12}", vec("\\PC{0,8}", 0..3))
            .prop_map(|(command, args)| json!({"command": command, "args": args})),
        ("\\PC{1,20}", "\\PC{0,12}").prop_map(|(url, token)| {
            json!({"url": url, "headers": {"Authorization": format!("Bearer {token}")}})
        }),
        value(),
    ]
}

/// An existing config: unrelated settings, maybe a servers object (with other servers) somewhere
/// among them. The servers object's key is a placeholder replaced per client.
#[derive(Debug, Clone)]
struct Existing {
    settings: Vec<(String, Value)>,
    servers: Option<(usize, Vec<(String, Value)>)>,
}

impl Existing {
    fn value_for(&self, servers_key: &str) -> Vec<(String, Value)> {
        let mut members: Vec<(String, Value)> = Vec::new();
        for (k, v) in &self.settings {
            if !members.iter().any(|(m, _)| m == k) {
                members.push((k.clone(), v.clone()));
            }
        }
        if let Some((at, servers)) = &self.servers {
            let object: Map<String, Value> = servers
                .iter()
                .filter(|(name, _)| name != SERVER_KEY)
                .cloned()
                .collect();
            let at = (*at).min(members.len());
            members.insert(at, (servers_key.to_string(), Value::Object(object)));
        }
        members
    }
}

fn existing() -> impl Strategy<Value = Existing> {
    (
        vec((key(), value()), 0..6),
        proptest::option::of((0usize..6, vec(("\\PC{0,10}", server()), 0..4))),
    )
        .prop_map(|(settings, servers)| Existing { settings, servers })
}

/// How the text is laid out.
#[derive(Debug, Clone)]
struct Style {
    indent: Option<&'static str>,
    crlf: bool,
    comments: bool,
    trailing_commas: bool,
}

fn style(jsonc: bool) -> impl Strategy<Value = Style> {
    (
        prop_oneof![
            Just(None),
            Just(Some("  ")),
            Just(Some("    ")),
            Just(Some("\t"))
        ],
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(move |(indent, crlf, comments, trailing)| Style {
            indent,
            crlf,
            comments: jsonc && comments && indent.is_some(),
            trailing_commas: jsonc && trailing && indent.is_some(),
        })
}

/// Renders the config; comments are numbered `note N` so each can be found again.
struct Renderer<'a> {
    style: &'a Style,
    out: String,
    notes: usize,
}

impl Renderer<'_> {
    fn newline(&mut self, depth: usize) {
        if let Some(indent) = self.style.indent {
            self.out
                .push_str(if self.style.crlf { "\r\n" } else { "\n" });
            self.out.push_str(&indent.repeat(depth));
        }
    }

    fn note(&mut self) -> String {
        self.notes += 1;
        format!("note {} ✓ é", self.notes)
    }

    fn members(&mut self, members: &[(String, Value)], depth: usize) {
        if members.is_empty() {
            self.out.push_str("{}");
            return;
        }
        self.out.push('{');
        for (i, (k, v)) in members.iter().enumerate() {
            self.newline(depth + 1);
            if self.style.comments && i % 2 == 0 {
                let note = self.note();
                self.out.push_str(&format!("// {note}"));
                self.newline(depth + 1);
            }
            self.out.push_str(&serde_json::to_string(k).unwrap());
            self.out.push_str(if self.style.indent.is_some() {
                ": "
            } else {
                ":"
            });
            if self.style.comments && i % 3 == 1 {
                let note = self.note();
                self.out.push_str(&format!("/* {note} */ "));
            }
            self.value(v, depth + 1);
            if i + 1 < members.len() || self.style.trailing_commas {
                self.out.push(',');
            }
            if self.style.comments && i % 4 == 3 {
                let note = self.note();
                self.out.push_str(&format!(" // {note}"));
            }
        }
        self.newline(depth);
        self.out.push('}');
    }

    fn value(&mut self, value: &Value, depth: usize) {
        match value {
            Value::Object(map) => {
                let members: Vec<(String, Value)> =
                    map.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                self.members(&members, depth);
            }
            Value::Array(items) if !items.is_empty() => {
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    self.newline(depth + 1);
                    self.value(item, depth + 1);
                    if i + 1 < items.len() || self.style.trailing_commas {
                        self.out.push(',');
                    }
                }
                self.newline(depth);
                self.out.push(']');
            }
            other => self.out.push_str(&serde_json::to_string(other).unwrap()),
        }
    }

    fn render(style: &Style, members: &[(String, Value)]) -> (String, Vec<String>) {
        let mut r = Renderer {
            style,
            out: String::new(),
            notes: 0,
        };
        if style.comments {
            r.out.push_str("// settings header ✓");
            r.newline(0);
        }
        r.members(members, 0);
        r.newline(0);
        let notes = (1..=r.notes).map(|n| format!("note {n} ✓ é")).collect();
        (r.out, notes)
    }
}

/// The value without our entry, with an empty servers object treated as absent.
fn meaning(value: &Value, servers_key: &str) -> Value {
    let mut value = value.clone();
    if let Some(top) = value.as_object_mut()
        && let Some(Value::Object(servers)) = top.get_mut(servers_key)
    {
        servers.shift_remove(SERVER_KEY);
        if servers.is_empty() {
            top.shift_remove(servers_key);
        }
    }
    value
}

/// The file-based clients, each with the scope and layout that gives a plain file.
fn file_clients(home: &FakeHome) -> Vec<(Client, Scope)> {
    vec![
        (Client::ClaudeDesktop, Scope::User),
        (Client::Cursor, Scope::User),
        (Client::Cursor, Scope::Project(home.project())),
        (Client::ClaudeCode, Scope::Project(home.project())),
        (Client::VsCode, Scope::User),
        (Client::VsCode, Scope::Project(home.project())),
        (Client::Windsurf, Scope::User),
        (Client::Zed, Scope::User),
    ]
}

fn jsonc(client: Client) -> bool {
    matches!(client, Client::VsCode | Client::Zed)
}

fn check_roundtrip(
    existing: &Existing,
    strict: &Style,
    lenient: &Style,
) -> Result<(), TestCaseError> {
    let home = FakeHome::new(Os::MacOs);
    for (client, scope) in file_clients(&home) {
        let key = root_key(client);
        let members = existing.value_for(key);
        let style = if jsonc(client) { lenient } else { strict };
        let (original, notes) = Renderer::render(style, &members);
        let path = clients::config_path(&home.layout, client, &scope).unwrap();
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, &original).unwrap();
        let label = format!("{client} {scope}");

        let plan = home.plan(client, &scope, Action::Apply);
        prop_assert_eq!(plan.change(), Change::Added, "{}", label);
        clients::apply(&plan).unwrap();
        let applied = fs::read_to_string(&path).unwrap();
        let applied_value = parse(&applied);
        prop_assert_eq!(
            meaning(&applied_value, key),
            meaning(&parse(&original), key),
            "apply changed more than our entry in {}:\n{}",
            label,
            applied
        );
        prop_assert!(applied_value[key][SERVER_KEY].is_object(), "{}", label);
        for note in &notes {
            prop_assert!(applied.contains(note.as_str()), "{} lost `{}`", label, note);
        }
        prop_assert_eq!(
            home.plan(client, &scope, Action::Apply).change(),
            Change::Unchanged,
            "{}",
            label
        );

        home.run(client, &scope, Action::Remove);
        let removed = fs::read_to_string(&path).unwrap();
        prop_assert_eq!(
            meaning(&parse(&removed), key),
            meaning(&parse(&original), key),
            "remove did not restore {}",
            label
        );
        prop_assert!(parse(&removed)[key].get(SERVER_KEY).is_none());
        for note in &notes {
            prop_assert!(removed.contains(note.as_str()), "{} lost `{}`", label, note);
        }
        // A one-line servers object comes back multi-line (the CST editor lays out what it
        // touches); an indented one comes back byte for byte.
        if existing.servers.is_some() && style.indent.is_some() {
            prop_assert_eq!(&removed, &original, "{} not restored byte for byte", label);
        }
        prop_assert_eq!(
            home.plan(client, &scope, Action::Remove).change(),
            Change::Unchanged
        );
    }
    Ok(())
}

proptest! {
    // 48 cases by default (each runs 8 clients through 4 plans and 2 applies on disk);
    // PROPTEST_CASES raises it for a longer local run.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48),
        ..ProptestConfig::default()
    })]

    #[test]
    fn apply_then_remove_restores_the_meaning(
        existing in existing(),
        strict in style(false),
        lenient in style(true),
    ) {
        check_roundtrip(&existing, &strict, &lenient)?;
    }
}
