//! Files we must not write: invalid JSON, a folder in the file's place, a read-only file or
//! folder, a file changed between plan and apply, an unexpected shape. Each gives a clear typed
//! error and leaves every byte as it was, with no backup or temp file behind.

use crate::{FakeHome, permissions_are_bypassed, spec, tree};
use clients::{Action, Client, Error, Os, Scope};
use std::fs;

fn assert_untouched(
    home: &FakeHome,
    before: &std::collections::BTreeMap<std::path::PathBuf, Option<Vec<u8>>>,
) {
    assert_eq!(&tree(home.dir.path()), before, "the file tree changed");
}

#[test]
fn invalid_json_is_refused_with_file_line_and_column() {
    let home = FakeHome::new(Os::Linux);
    let path = home.write(
        ".cursor/mcp.json",
        "{\n  \"mcpServers\": {\n    \"a\": 1,,\n  }\n}\n",
    );
    let before = tree(home.dir.path());
    let err = clients::plan(
        &home.layout,
        Client::Cursor,
        &Scope::User,
        &spec(),
        Action::Apply,
    )
    .unwrap_err();
    match &err {
        Error::ConfigUnparseable {
            path: p,
            line,
            column,
            ..
        } => {
            assert_eq!(p, &path);
            assert_eq!((*line, *column), (3, 12));
        }
        other => panic!("unexpected error {other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert!(message.contains("line 3"), "{message}");
    assert!(message.contains("Nothing was changed"), "{message}");
    // Remove refuses too, and detection reports the same error.
    assert!(matches!(
        clients::plan(
            &home.layout,
            Client::Cursor,
            &Scope::User,
            &spec(),
            Action::Remove
        ),
        Err(Error::ConfigUnparseable { .. })
    ));
    assert!(matches!(
        clients::detect(&home.layout, Client::Cursor, &Scope::User, &spec()),
        Err(Error::ConfigUnparseable { .. })
    ));
    assert_untouched(&home, &before);
}

#[test]
fn comments_are_invalid_in_plain_json_files_but_fine_in_jsonc_ones() {
    let home = FakeHome::new(Os::Linux);
    home.write(
        ".codeium/windsurf/mcp_config.json",
        "{\n  // mine\n  \"mcpServers\": {}\n}\n",
    );
    let before = tree(home.dir.path());
    let err = clients::plan(
        &home.layout,
        Client::Windsurf,
        &Scope::User,
        &spec(),
        Action::Apply,
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            Error::ConfigUnparseable {
                line: 2,
                column: 3,
                ..
            }
        ),
        "{err:?}"
    );
    assert_untouched(&home, &before);
}

#[test]
fn non_utf8_and_wrong_shapes_are_refused() {
    let home = FakeHome::new(Os::Linux);
    let path = home.home().join(".cursor/mcp.json");
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, b"{\n  \"a\": \"\xff\"\n}\n").unwrap();
    let err = clients::plan(
        &home.layout,
        Client::Cursor,
        &Scope::User,
        &spec(),
        Action::Apply,
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            Error::ConfigUnparseable {
                line: 2,
                column: 9,
                ..
            }
        ),
        "{err:?}"
    );

    for text in ["[1, 2]\n", "{\"mcpServers\": [\"x\"]}\n", "\"text\""] {
        fs::write(&path, text).unwrap();
        let before = tree(home.dir.path());
        let err = clients::plan(
            &home.layout,
            Client::Cursor,
            &Scope::User,
            &spec(),
            Action::Apply,
        )
        .unwrap_err();
        assert!(
            matches!(err, Error::UnexpectedShape { .. }),
            "{text}: {err:?}"
        );
        assert!(err.to_string().contains("Cursor"), "{err}");
        assert_untouched(&home, &before);
    }
}

#[test]
fn a_folder_in_place_of_the_file_is_refused() {
    let home = FakeHome::new(Os::Linux);
    fs::create_dir_all(home.home().join(".config/zed/settings.json/inner")).unwrap();
    let before = tree(home.dir.path());
    for action in [Action::Apply, Action::Remove] {
        let err =
            clients::plan(&home.layout, Client::Zed, &Scope::User, &spec(), action).unwrap_err();
        assert!(
            matches!(
                err,
                Error::NotAFile {
                    found: "a folder",
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("Move it out of the way"), "{err}");
    }
    assert_untouched(&home, &before);
}

#[test]
fn a_file_in_place_of_the_folder_is_refused() {
    let home = FakeHome::new(Os::Linux);
    let blocker = home.write(".cursor", "not a folder");
    let before = tree(home.dir.path());
    let err = clients::plan(
        &home.layout,
        Client::Cursor,
        &Scope::User,
        &spec(),
        Action::Apply,
    )
    .unwrap_err();
    match err {
        Error::NotAFile { path, .. } => assert_eq!(path, blocker),
        other => panic!("{other:?}"),
    }
    assert_untouched(&home, &before);
}

#[cfg(unix)]
#[test]
fn a_read_only_file_is_refused_even_for_root() {
    use std::os::unix::fs::PermissionsExt;
    let home = FakeHome::new(Os::Linux);
    let path = home.write(".cursor/mcp.json", "{\"mcpServers\": {}}\n");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
    let before = tree(home.dir.path());
    let err = clients::plan(
        &home.layout,
        Client::Cursor,
        &Scope::User,
        &spec(),
        Action::Apply,
    )
    .unwrap_err();
    assert!(matches!(err, Error::ReadOnly { .. }), "{err:?}");
    assert!(err.to_string().contains("Make it writable"), "{err}");
    assert_untouched(&home, &before);

    // Made read-only after the plan: apply refuses too.
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    let plan = home.plan(Client::Cursor, &Scope::User, Action::Apply);
    fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
    let before = tree(home.dir.path());
    let err = clients::apply(&plan).unwrap_err();
    assert!(matches!(err, Error::ReadOnly { .. }), "{err:?}");
    assert_untouched(&home, &before);
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o444
    );

    // A read-only file without our entry: removing is a no-op, not an error.
    let plan = home.plan(Client::Cursor, &Scope::User, Action::Remove);
    assert!(plan.is_noop());
    clients::apply(&plan).unwrap();
    assert_untouched(&home, &before);
}

#[cfg(unix)]
#[test]
fn a_read_only_folder_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let home = FakeHome::new(Os::Linux);
    let path = home.write(".cursor/mcp.json", "{\"mcpServers\": {}}\n");
    let dir = path.parent().unwrap().to_path_buf();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o555)).unwrap();
    if permissions_are_bypassed(&dir) {
        // Running as root: the folder stays writable, so this case cannot be staged here (the
        // read-only file case above covers root).
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        return;
    }
    let plan = home.plan(Client::Cursor, &Scope::User, Action::Apply);
    let before = tree(home.dir.path());
    let err = clients::apply(&plan).unwrap_err();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
    assert!(matches!(err, Error::PermissionDenied { .. }), "{err:?}");
    assert_untouched(&home, &before);
}

#[test]
fn a_file_changed_between_plan_and_apply_is_left_alone() {
    let home = FakeHome::new(Os::Linux);
    let path = home.write(".cursor/mcp.json", "{\"mcpServers\": {}}\n");
    let plan = home.plan(Client::Cursor, &Scope::User, Action::Apply);
    fs::write(&path, "{\"mcpServers\": {}, \"edited\": true}\n").unwrap();
    let before = tree(home.dir.path());
    let err = clients::apply(&plan).unwrap_err();
    assert!(
        matches!(&err, Error::ChangedSincePlan { path: p } if p == &path),
        "{err:?}"
    );
    assert!(err.to_string().contains("apply the new preview"), "{err}");
    assert_untouched(&home, &before);

    // Deleted after the plan.
    let plan = home.plan(Client::Cursor, &Scope::User, Action::Apply);
    fs::remove_file(&path).unwrap();
    let before = tree(home.dir.path());
    assert!(matches!(
        clients::apply(&plan),
        Err(Error::ChangedSincePlan { .. })
    ));
    assert_untouched(&home, &before);

    // Created after a plan that saw no file.
    let plan = home.plan(Client::Cursor, &Scope::User, Action::Apply);
    fs::write(&path, "{}\n").unwrap();
    let before = tree(home.dir.path());
    assert!(matches!(
        clients::apply(&plan),
        Err(Error::ChangedSincePlan { .. })
    ));
    assert_untouched(&home, &before);

    // Same bytes rewritten: still the planned content, so apply goes ahead.
    let plan = home.plan(Client::Cursor, &Scope::User, Action::Apply);
    fs::write(&path, "{}\n").unwrap();
    clients::apply(&plan).unwrap();
}

#[test]
fn claude_desktop_on_linux_is_written_only_if_its_folder_exists() {
    let home = FakeHome::new(Os::Linux);
    let before = tree(home.dir.path());
    let err = clients::plan(
        &home.layout,
        Client::ClaudeDesktop,
        &Scope::User,
        &spec(),
        Action::Apply,
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            Error::ClientNotInstalled {
                client: Client::ClaudeDesktop,
                ..
            }
        ),
        "{err:?}"
    );
    assert_untouched(&home, &before);
    // Nothing to remove either, and that is not an error.
    assert!(
        home.plan(Client::ClaudeDesktop, &Scope::User, Action::Remove)
            .is_noop()
    );
}

#[test]
fn scopes_and_entries_a_client_cannot_take_are_refused() {
    let home = FakeHome::new(Os::MacOs);
    let project = Scope::Project(home.project());
    for client in [Client::ClaudeDesktop, Client::Windsurf, Client::Zed] {
        let err =
            clients::plan(&home.layout, client, &project, &spec(), Action::Apply).unwrap_err();
        assert!(
            matches!(err, Error::ScopeUnsupported { .. }),
            "{client}: {err:?}"
        );
    }
    let no_token = clients::EntrySpec::for_port(7717);
    let err = clients::plan(
        &home.layout,
        Client::Cursor,
        &Scope::User,
        &no_token,
        Action::Apply,
    )
    .unwrap_err();
    assert!(matches!(err, Error::EntryIncomplete { .. }), "{err:?}");
    let err = clients::plan(
        &home.layout,
        Client::ClaudeDesktop,
        &Scope::User,
        &no_token,
        Action::Apply,
    )
    .unwrap_err();
    assert!(matches!(err, Error::EntryIncomplete { .. }), "{err:?}");
    let relative = no_token.with_stdio(clients::StdioCommand::bridge("xano-mcp", "x"));
    let err = clients::plan(
        &home.layout,
        Client::ClaudeDesktop,
        &Scope::User,
        &relative,
        Action::Apply,
    )
    .unwrap_err();
    assert!(err.to_string().contains("not absolute"), "{err}");
    assert_eq!(
        tree(home.dir.path()).len(),
        2,
        "only home/ and project/ exist"
    );
}

#[test]
fn a_missing_project_folder_is_refused() {
    let home = FakeHome::new(Os::Linux);
    let missing = home.dir.path().join("no-such-project");
    let before = tree(home.dir.path());
    for client in [Client::Cursor, Client::VsCode, Client::ClaudeCode] {
        let scope = Scope::Project(missing.clone());
        let err = clients::plan(&home.layout, client, &scope, &spec(), Action::Apply).unwrap_err();
        assert!(
            matches!(&err, Error::ProjectNotFound { path } if path == &missing),
            "{err:?}"
        );
    }
    assert_untouched(&home, &before);
}
