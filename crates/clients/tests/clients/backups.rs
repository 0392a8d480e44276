//! Backups: made before the file is replaced, beside it, named with the UTC time, holding the
//! exact old bytes; none for a new file or a no-op.

use crate::{FakeHome, tree};
use clients::{Action, Client, Os, Scope};
use std::fs;
use time::macros::datetime;

#[test]
fn a_backup_holds_the_exact_old_bytes() {
    let home = FakeHome::new(Os::Linux);
    // Odd bytes on purpose: BOM, CRLF, trailing spaces, no final newline.
    let old = "\u{feff}{\r\n  \"mcpServers\": {\"x\": {\"command\": \"y\"}}   \r\n}";
    let path = home.write(".cursor/mcp.json", old);
    let plan = home.plan(Client::Cursor, &Scope::User, Action::Apply);
    let outcome = clients::apply_at(&plan, datetime!(2026-11-05 14:30:12 +02:00)).unwrap();

    let backup = outcome.backup.expect("a backup");
    assert_eq!(
        backup.file_name().unwrap().to_string_lossy(),
        "mcp.json.xano-mcp-backup-20261105T123012Z"
    );
    assert_eq!(backup.parent(), path.parent());
    assert_eq!(fs::read(&backup).unwrap(), old.as_bytes());
    assert_eq!(fs::read_to_string(&path).unwrap(), plan.after().unwrap());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            fs::metadata(&backup).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    // Only the file and its backup: no temp file left.
    let names: Vec<_> = fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn backups_in_the_same_second_do_not_overwrite_each_other() {
    let home = FakeHome::new(Os::Linux);
    let path = home.write(".cursor/mcp.json", "{}\n");
    let at = datetime!(2026-01-02 03:04:05 UTC);
    let first = clients::apply_at(&home.plan(Client::Cursor, &Scope::User, Action::Apply), at)
        .unwrap()
        .backup
        .unwrap();
    let after_apply = fs::read(&path).unwrap();
    let second = clients::apply_at(&home.plan(Client::Cursor, &Scope::User, Action::Remove), at)
        .unwrap()
        .backup
        .unwrap();
    assert_ne!(first, second);
    assert!(second.to_string_lossy().ends_with("-20260102T030405Z-2"));
    assert_eq!(fs::read(&first).unwrap(), b"{}\n");
    assert_eq!(fs::read(&second).unwrap(), after_apply);
}

#[test]
fn no_backup_for_a_new_file_or_a_no_op() {
    let home = FakeHome::new(Os::Linux);
    let outcome = home.run(Client::Windsurf, &Scope::User, Action::Apply);
    assert_eq!(outcome.backup, None);
    let before = tree(home.dir.path());
    let outcome = home.run(Client::Windsurf, &Scope::User, Action::Apply);
    assert_eq!(outcome.change, clients::Change::Unchanged);
    assert_eq!(outcome.backup, None);
    assert_eq!(tree(home.dir.path()), before);
}

#[cfg(unix)]
#[test]
fn a_symlinked_config_stays_a_symlink() {
    let home = FakeHome::new(Os::Linux);
    let real = home.dir.path().join("dotfiles/zed-settings.json");
    fs::create_dir_all(real.parent().unwrap()).unwrap();
    fs::write(&real, "{\n  \"theme\": \"x\"\n}\n").unwrap();
    let link = home.home().join(".config/zed/settings.json");
    fs::create_dir_all(link.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();

    let outcome = home.run(Client::Zed, &Scope::User, Action::Apply);
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(fs::read_to_string(&real).unwrap().contains("xano-mcp"));
    assert_eq!(outcome.backup.unwrap().parent(), real.parent());
}
