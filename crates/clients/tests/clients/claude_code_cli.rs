//! Claude Code through its CLI: a fake `claude` on a test PATH records its arguments and folder.
//! The plan shows the command lines with the token masked; apply runs them in order.
//!
//! The tests that write and run fake executables hold one lock, so no test forks while another
//! is still writing a script (which would make exec fail with "text file busy").

use crate::{FakeHome, OTHER_TOKEN, TOKEN, spec};
use clients::{Action, Change, Client, EntryState, Error, HomeLayout, Os, Scope};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

static SPAWNING: Mutex<()> = Mutex::new(());

fn spawning() -> MutexGuard<'static, ()> {
    SPAWNING.lock().unwrap_or_else(|e| e.into_inner())
}

/// A fake `claude` in `<temp>/bin`, logging to `<temp>/claude.log`. With `fail_on` (`add` or
/// `remove`), that subcommand echoes its arguments to stderr and exits with 3.
struct FakeClaude {
    bin: PathBuf,
    log: PathBuf,
}

impl FakeClaude {
    #[cfg(unix)]
    fn install(home: &FakeHome, fail_on: Option<&str>) -> Self {
        use std::os::unix::fs::PermissionsExt;
        let bin = home.dir.path().join("bin");
        fs::create_dir_all(&bin).unwrap();
        let log = home.dir.path().join("claude.log");
        let script = format!(
            "#!/bin/sh\n{{ printf 'cwd=%s\\n' \"$PWD\"; for a in \"$@\"; do printf 'arg=%s\\n' \"$a\"; done; printf -- '--\\n'; }} >> '{}'\nif [ \"$2\" = '{}' ]; then echo \"claude failed for: $*\" >&2; exit 3; fi\nexit 0\n",
            log.display(),
            fail_on.unwrap_or("none")
        );
        let path = bin.join("claude");
        fs::write(&path, script).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
        FakeClaude { bin, log }
    }

    fn layout(&self, home: &FakeHome) -> HomeLayout {
        let path = std::env::join_paths([home.dir.path().join("empty"), self.bin.clone()]).unwrap();
        home.layout.clone().with_search_path(path)
    }

    fn program(&self) -> PathBuf {
        self.bin.join("claude")
    }

    /// Each invocation: its folder and arguments.
    fn calls(&self) -> Vec<(String, Vec<String>)> {
        let Ok(text) = fs::read_to_string(&self.log) else {
            return Vec::new();
        };
        text.split("--\n")
            .filter(|call| !call.is_empty())
            .map(|call| {
                let mut cwd = String::new();
                let mut args = Vec::new();
                for line in call.lines() {
                    if let Some(dir) = line.strip_prefix("cwd=") {
                        cwd = dir.to_string();
                    } else if let Some(arg) = line.strip_prefix("arg=") {
                        args.push(arg.to_string());
                    }
                }
                (cwd, args)
            })
            .collect()
    }
}

fn add_args(scope: &str, token: &str) -> Vec<String> {
    [
        "mcp",
        "add",
        "--transport",
        "http",
        "--scope",
        scope,
        "--header",
        &format!("Authorization: Bearer {token}"),
        "xano-mcp",
        "http://127.0.0.1:7717/mcp",
    ]
    .map(String::from)
    .to_vec()
}

fn remove_args(scope: &str) -> Vec<String> {
    ["mcp", "remove", "--scope", scope, "xano-mcp"]
        .map(String::from)
        .to_vec()
}

fn claude_json(home: &FakeHome, url: &str, token: &str) -> PathBuf {
    home.write(
        ".claude.json",
        &format!(
            "{{\"numStartups\": 3, \"mcpServers\": {{\"xano-mcp\": {{\"type\": \"http\", \"url\": \"{url}\", \"headers\": {{\"Authorization\": \"Bearer {token}\"}}}}}}}}"
        ),
    )
}

#[cfg(unix)]
#[test]
fn user_scope_add_runs_claude_mcp_add_with_options_before_the_name() {
    let _guard = spawning();
    let home = FakeHome::new(Os::Linux);
    let claude = FakeClaude::install(&home, None);
    let layout = claude.layout(&home);

    let d = clients::detect(&layout, Client::ClaudeCode, &Scope::User, &spec()).unwrap();
    assert!(d.installed);
    assert_eq!(d.claude_cli, Some(claude.program()));
    assert_eq!(d.entry, EntryState::FileAbsent);

    let plan = clients::plan(
        &layout,
        Client::ClaudeCode,
        &Scope::User,
        &spec(),
        Action::Apply,
    )
    .unwrap();
    assert_eq!(plan.change(), Change::Added);
    assert_eq!(plan.after(), None);
    assert_eq!(plan.path(), home.home().join(".claude.json"));
    let preview = plan
        .preview()
        .replace(&claude.program().display().to_string(), "claude");
    assert!(!preview.contains(TOKEN));
    assert!(!format!("{plan:?}").contains(TOKEN));
    insta::assert_snapshot!(preview, @r#"$ claude mcp add --transport http --scope user --header "Authorization: Bearer xmcp_…" xano-mcp http://127.0.0.1:7717/mcp"#);

    let outcome = clients::apply(&plan).unwrap();
    assert_eq!(outcome.commands_run.len(), 1);
    assert!(!outcome.commands_run[0].contains(TOKEN));
    let calls = claude.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].1, add_args("user", TOKEN));
    assert!(
        !home.home().join(".claude.json").exists(),
        "we never write ~/.claude.json"
    );
}

#[cfg(unix)]
#[test]
fn user_scope_update_removes_then_adds_and_current_entries_run_nothing() {
    let _guard = spawning();
    let home = FakeHome::new(Os::MacOs);
    let claude = FakeClaude::install(&home, None);
    let layout = claude.layout(&home);
    let claude_json = claude_json(&home, "http://127.0.0.1:9000/mcp", OTHER_TOKEN);
    let before = fs::read(&claude_json).unwrap();

    let d = clients::detect(&layout, Client::ClaudeCode, &Scope::User, &spec()).unwrap();
    assert!(matches!(d.entry, EntryState::Stale { .. }));
    assert_eq!(
        d.existing_token.as_ref().map(|t| t.expose()),
        Some(OTHER_TOKEN)
    );

    let plan = clients::plan(
        &layout,
        Client::ClaudeCode,
        &Scope::User,
        &spec(),
        Action::Apply,
    )
    .unwrap();
    assert_eq!(plan.change(), Change::Updated);
    clients::apply(&plan).unwrap();
    let calls = claude.calls();
    assert_eq!(
        calls.iter().map(|c| c.1.clone()).collect::<Vec<_>>(),
        vec![remove_args("user"), add_args("user", TOKEN)]
    );
    assert_eq!(
        fs::read(&claude_json).unwrap(),
        before,
        "~/.claude.json untouched by us"
    );

    // The CLI now holds the current entry: nothing to do.
    claude_json_current(&home);
    let plan = clients::plan(
        &layout,
        Client::ClaudeCode,
        &Scope::User,
        &spec(),
        Action::Apply,
    )
    .unwrap();
    assert_eq!(plan.change(), Change::Unchanged);
    assert_eq!(plan.preview(), "");
    clients::apply(&plan).unwrap();
    assert_eq!(claude.calls().len(), 2);

    // Remove.
    let plan = clients::plan(
        &layout,
        Client::ClaudeCode,
        &Scope::User,
        &spec(),
        Action::Remove,
    )
    .unwrap();
    assert_eq!(plan.change(), Change::Removed);
    clients::apply(&plan).unwrap();
    assert_eq!(claude.calls().last().unwrap().1, remove_args("user"));
}

fn claude_json_current(home: &FakeHome) {
    claude_json(home, "http://127.0.0.1:7717/mcp", TOKEN);
}

#[cfg(unix)]
#[test]
fn project_scope_runs_in_the_project_folder() {
    let _guard = spawning();
    let home = FakeHome::new(Os::Linux);
    let claude = FakeClaude::install(&home, None);
    let layout = claude.layout(&home);
    let project = home.project();
    let scope = Scope::Project(project.clone());

    let plan = clients::plan(&layout, Client::ClaudeCode, &scope, &spec(), Action::Apply).unwrap();
    assert_eq!(plan.path(), project.join(".mcp.json"));
    assert_eq!(plan.commands()[0].current_dir(), Some(project.as_path()));
    clients::apply(&plan).unwrap();
    let calls = claude.calls();
    assert_eq!(
        Path::new(&calls[0].0).canonicalize().unwrap(),
        project.canonicalize().unwrap()
    );
    assert_eq!(calls[0].1, add_args("project", TOKEN));

    // Remove with no entry in the project file: nothing to run.
    let plan = clients::plan(&layout, Client::ClaudeCode, &scope, &spec(), Action::Remove).unwrap();
    assert!(plan.is_noop());
}

#[cfg(unix)]
#[test]
fn a_failing_claude_gives_a_masked_error() {
    let _guard = spawning();
    let home = FakeHome::new(Os::Linux);
    let claude = FakeClaude::install(&home, Some("add"));
    let layout = claude.layout(&home);
    let plan = clients::plan(
        &layout,
        Client::ClaudeCode,
        &Scope::User,
        &spec(),
        Action::Apply,
    )
    .unwrap();
    let err = clients::apply(&plan).unwrap_err();
    let Error::ClaudeCliFailed {
        command,
        status,
        output,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert!(status.contains('3'), "{status}");
    assert!(output.contains("claude failed for: mcp add"), "{output}");
    let message = err.to_string();
    assert!(!message.contains(TOKEN), "{message}");
    assert!(message.contains("xmcp_…"), "{message}");
    assert!(command.contains("--scope user"));
}

#[test]
fn without_claude_user_scope_is_refused_and_project_scope_edits_mcp_json() {
    let home = FakeHome::new(Os::Linux);
    let err = clients::plan(
        &home.layout,
        Client::ClaudeCode,
        &Scope::User,
        &spec(),
        Action::Apply,
    )
    .unwrap_err();
    assert!(matches!(err, Error::ClaudeCliMissing), "{err:?}");
    assert!(err.to_string().contains("not on PATH"));
    let d = clients::detect(&home.layout, Client::ClaudeCode, &Scope::User, &spec()).unwrap();
    assert!(!d.installed);

    let project = home.project();
    let plan = home.plan(
        Client::ClaudeCode,
        &Scope::Project(project.clone()),
        Action::Apply,
    );
    assert!(plan.commands().is_empty());
    assert_eq!(plan.path(), project.join(".mcp.json"));
    assert!(plan.preview().contains("+      \"type\": \"http\","));
}

#[cfg(unix)]
#[test]
fn executables_are_found_on_the_search_path_only() {
    use std::os::unix::fs::PermissionsExt;
    let _guard = spawning();
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    fs::create_dir_all(&a).unwrap();
    fs::create_dir_all(&b).unwrap();
    fs::write(a.join("claude"), "not executable").unwrap();
    fs::write(b.join("claude.cmd"), "@echo off").unwrap();
    fs::set_permissions(b.join("claude.cmd"), fs::Permissions::from_mode(0o755)).unwrap();
    fs::write(b.join("claude"), "#!/bin/sh\n").unwrap();
    fs::set_permissions(b.join("claude"), fs::Permissions::from_mode(0o755)).unwrap();
    let path = std::env::join_paths([&a, &b]).unwrap();

    let linux = HomeLayout::for_test(Os::Linux, dir.path()).with_search_path(path.clone());
    assert_eq!(linux.find_executable("claude"), Some(b.join("claude")));
    let windows = HomeLayout::for_test(Os::Windows, dir.path()).with_search_path(path);
    assert_eq!(
        windows.find_executable("claude"),
        Some(b.join("claude.cmd"))
    );
    assert_eq!(
        HomeLayout::for_test(Os::Linux, dir.path()).find_executable("claude"),
        None
    );
}

#[cfg(unix)]
#[test]
fn a_failing_remove_before_add_is_tolerated() {
    let _guard = spawning();
    let home = FakeHome::new(Os::Linux);
    let claude = FakeClaude::install(&home, Some("remove"));
    let layout = claude.layout(&home);
    claude_json(&home, "http://127.0.0.1:9000/mcp", OTHER_TOKEN);
    let plan = clients::plan(
        &layout,
        Client::ClaudeCode,
        &Scope::User,
        &spec(),
        Action::Apply,
    )
    .unwrap();
    assert_eq!(plan.change(), Change::Updated);
    assert!(plan.commands()[0].may_fail() && !plan.commands()[1].may_fail());
    let outcome = clients::apply(&plan).unwrap();
    assert!(outcome.commands_run[0].ends_with("(failed, ignored)"));
    assert_eq!(claude.calls().last().unwrap().1, add_args("user", TOKEN));

    // A plain remove that fails is an error.
    claude_json_current(&home);
    let plan = clients::plan(
        &layout,
        Client::ClaudeCode,
        &Scope::User,
        &spec(),
        Action::Remove,
    )
    .unwrap();
    assert!(matches!(
        clients::apply(&plan),
        Err(Error::ClaudeCliFailed { .. })
    ));
}

#[cfg(unix)]
#[test]
fn an_unreadable_claude_json_counts_as_no_entry() {
    let _guard = spawning();
    let home = FakeHome::new(Os::Linux);
    let claude = FakeClaude::install(&home, None);
    let layout = claude.layout(&home);
    home.write(".claude.json", "{ not json");
    let d = clients::detect(&layout, Client::ClaudeCode, &Scope::User, &spec()).unwrap();
    assert_eq!(d.entry, EntryState::Missing);
    let plan = clients::plan(
        &layout,
        Client::ClaudeCode,
        &Scope::User,
        &spec(),
        Action::Apply,
    )
    .unwrap();
    assert_eq!(plan.change(), Change::Added);
    clients::apply(&plan).unwrap();
    assert_eq!(claude.calls()[0].1, add_args("user", TOKEN));
}
