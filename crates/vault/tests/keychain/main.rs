//! The vault against real keychain back ends, each in a process whose environment the test
//! controls, so the result does not depend on the machine running `cargo test`.
//!
//! - `keychain_unavailable_without_a_session_bus` (normal `cargo test`, Linux): re-runs this test
//!   binary with `DBUS_SESSION_BUS_ADDRESS` pointing at a socket that does not exist (and no
//!   `DISPLAY`, so libdbus cannot autolaunch a bus); there `KeyringStore` must answer
//!   `KeychainUnavailable` with its guidance. No keychain is touched.
//! - `xano_token_env_*`: re-runs with `XANO_TOKEN` set, since tests may not change their own
//!   environment (`set_var` is unsafe and this workspace forbids unsafe code).
//! - `real_keychain_round_trip` (`#[ignore]`, run by `scripts/keyring-test.sh` on a private
//!   session bus with a throwaway gnome-keyring): store with the vault, read back from a second
//!   process, check the disk holds no clear copy, delete, check it is gone. It refuses to run
//!   unless `VAULT_KEYRING_TEST=1`, so `cargo test -- --ignored` on a desktop never writes to the
//!   user's own keyring by accident.
//!
//! A child is this same binary started with `--exact <test>` and `VAULT_TEST_ROLE` set; the test
//! function sees the role and plays the child's part.

use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use vault::{Error, KeyringStore, SecretKey, SecretStore, Vault, xano_token_from_env};

const ROLE: &str = "VAULT_TEST_ROLE";

fn role() -> Option<String> {
    std::env::var(ROLE).ok()
}

/// Runs one test of this binary in a child process with `ROLE=role`, extra `set` variables, and
/// `unset` variables removed.
fn run_child(test: &str, role: &str, set: &[(&str, &str)], unset: &[&str]) -> Output {
    let exe = std::env::current_exe().expect("test binary path");
    let mut cmd = Command::new(exe);
    cmd.args([
        "--exact",
        test,
        "--include-ignored",
        "--nocapture",
        "--test-threads=1",
    ])
    .env(ROLE, role);
    for name in unset {
        cmd.env_remove(name);
    }
    for (name, value) in set {
        cmd.env(name, value);
    }
    let output = cmd.output().expect("start child test process");
    assert!(
        output.status.success(),
        "child `{test}` ({role}) failed: {}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// What a child printed after `prefix` (a `[child] …:` marker).
fn child_line(output: &Output, prefix: &str) -> String {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        // libtest prints `test <name> ... ` on the same line before the child's own output.
        .find_map(|line| line.find(prefix).map(|at| &line[at + prefix.len()..]))
        .unwrap_or_else(|| {
            panic!(
                "child printed no `{prefix}` line:\n{}",
                String::from_utf8_lossy(&output.stdout)
            )
        })
        .trim()
        .to_owned()
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// No secret service reachable.

#[cfg(target_os = "linux")]
#[test]
fn keychain_unavailable_without_a_session_bus() {
    if role().as_deref() == Some("no-bus") {
        return no_bus_child();
    }
    // Both ways a headless machine lacks a bus: an address whose socket is gone, and no address
    // at all (libdbus then looks for $XDG_RUNTIME_DIR/bus and tries to autolaunch, which needs
    // $DISPLAY). XDG_RUNTIME_DIR points at an empty temp dir so a real desktop bus is never found.
    for with_address in [true, false] {
        let tmp = tempfile::tempdir().unwrap();
        let bus = format!("unix:path={}", tmp.path().join("no-such-bus").display());
        let home = tmp.path().to_string_lossy().into_owned();
        let data = tmp.path().join("data").to_string_lossy().into_owned();
        let mut set = vec![
            ("XDG_RUNTIME_DIR", home.as_str()),
            ("HOME", home.as_str()),
            ("XDG_DATA_HOME", data.as_str()),
        ];
        let mut unset = vec!["DISPLAY", "WAYLAND_DISPLAY", "XANO_TOKEN"];
        if with_address {
            set.push(("DBUS_SESSION_BUS_ADDRESS", bus.as_str()));
        } else {
            unset.push("DBUS_SESSION_BUS_ADDRESS");
        }
        let output = run_child(
            "keychain_unavailable_without_a_session_bus",
            "no-bus",
            &set,
            &unset,
        );
        assert_eq!(child_line(&output, "[child] no-bus: "), "ok");
        // Nothing was written in the keychain's place either (no fallback file).
        let files = files_under(tmp.path());
        assert!(files.is_empty(), "the child wrote files: {files:?}");
    }
}

#[cfg(target_os = "linux")]
fn no_bus_child() {
    let secret = "xmcp_nobus_secret_value_must_not_leak";
    let key = SecretKey::xano_token("work", "x1.n7.xano.io").unwrap();
    let store = KeyringStore::new();
    let results = [
        ("get", store.get(&key).map(|_| ())),
        ("set", store.set(&key, secret)),
        ("delete", store.delete(&key).map(|_| ())),
    ];
    for (op, result) in results {
        let err = result.expect_err(op);
        assert!(
            matches!(err, Error::KeychainUnavailable { .. }),
            "{op}: {err:?}"
        );
        let msg = err.to_string();
        for guidance in [
            "The OS keychain is not available",
            "Unlock your keyring",
            "gnome-keyring-daemon --unlock",
            "set the XANO_TOKEN environment variable",
            "never stores tokens in a plain file",
        ] {
            assert!(
                msg.contains(guidance),
                "{op}: missing `{guidance}` in: {msg}"
            );
        }
        assert!(!msg.contains(secret) && !format!("{err:?}").contains(secret));
        eprintln!("{op}: {msg}");
    }
    // The async facade gives the same error.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let err = runtime
        .block_on(Vault::os_keychain().set(&key, secret))
        .unwrap_err();
    assert!(err.is_keychain_unavailable(), "{err:?}");
    println!("[child] no-bus: ok");
}

// ---------------------------------------------------------------------------------------------
// XANO_TOKEN.

#[test]
fn xano_token_env_is_trimmed_and_blank_means_unset() {
    if role().as_deref() == Some("env") {
        let expected = std::env::var("EXPECTED").unwrap();
        let got = xano_token_from_env().unwrap_or_else(|| "<none>".to_owned());
        assert_eq!(got, expected);
        println!("[child] env: ok");
        return;
    }
    let test = "xano_token_env_is_trimmed_and_blank_means_unset";
    for (value, expected) in [
        (Some("  tok_abc.def \n"), "tok_abc.def"),
        (Some(" \t "), "<none>"),
        (Some(""), "<none>"),
        (None, "<none>"),
    ] {
        let output = match value {
            Some(v) => run_child(
                test,
                "env",
                &[("XANO_TOKEN", v), ("EXPECTED", expected)],
                &[],
            ),
            None => run_child(test, "env", &[("EXPECTED", expected)], &["XANO_TOKEN"]),
        };
        assert_eq!(child_line(&output, "[child] env: "), "ok");
    }
}

// ---------------------------------------------------------------------------------------------
// The real keychain (scripts/keyring-test.sh).

#[tokio::test]
#[ignore = "needs a private D-Bus session and an unlocked gnome-keyring: run scripts/keyring-test.sh"]
async fn real_keychain_round_trip() {
    if role().as_deref() == Some("reader") {
        return reader_child().await;
    }
    if std::env::var("VAULT_KEYRING_TEST").as_deref() != Ok("1") {
        eprintln!(
            "skipped: real_keychain_round_trip writes to the session's keyring; run it through scripts/keyring-test.sh"
        );
        return;
    }
    let xdg_data = PathBuf::from(std::env::var("XDG_DATA_HOME").expect("XDG_DATA_HOME"));
    let engine_dir = PathBuf::from(std::env::var("XANO_MCP_HOME").expect("XANO_MCP_HOME"));

    // A profile in the engine data dir, as setup would save it: its token goes to the keychain.
    let profiles = vault::ProfileStore::open(&engine_dir).unwrap();
    let profile = vault::Profile::new("keyring-test", "https://x1.n7.xano.io", 1_767_225_600);
    profiles.upsert(profile.clone()).unwrap();

    let vault = Vault::os_keychain();
    let keys = [
        profile.token_key().unwrap(),
        SecretKey::local_token("keyring-test").unwrap(),
    ];
    for key in keys {
        let secret = unique_secret(&key);
        let expected = sha256_hex(secret.as_bytes());

        assert!(
            vault.get(&key).await.unwrap().is_none(),
            "{key} exists already"
        );
        let keyrings_before = snapshot(&xdg_data.join("keyrings"));
        vault.set(&key, &secret).await.unwrap();

        // A second process reads it back through the vault.
        let read = run_reader(&key);
        assert_eq!(
            read, expected,
            "{key}: the second process read another value"
        );

        // While it is stored, no file in the keyring's data dir or the engine's holds it in clear.
        // gnome-keyring wrote the new item to its (encrypted) file under XDG_DATA_HOME, so the
        // scan below does look at where the secret went.
        assert_ne!(
            snapshot(&xdg_data.join("keyrings")),
            keyrings_before,
            "gnome-keyring wrote nothing under {}; is XDG_DATA_HOME the daemon's?",
            xdg_data.display()
        );
        for dir in [&xdg_data, &engine_dir] {
            let files = files_under(dir);
            for file in &files {
                let bytes = std::fs::read(file).unwrap_or_default();
                assert!(
                    !contains(&bytes, secret.as_bytes()),
                    "the secret is in clear in {}",
                    file.display()
                );
            }
            println!(
                "{key}: {} files under {} scanned, no clear copy",
                files.len(),
                dir.display()
            );
        }

        // Replace, then delete; gone for this process and for another one.
        let replaced = format!("{secret}-rotated");
        vault.set(&key, &replaced).await.unwrap();
        assert_eq!(run_reader(&key), sha256_hex(replaced.as_bytes()));
        assert!(vault.delete(&key).await.unwrap(), "{key}: delete");
        assert!(
            vault.get(&key).await.unwrap().is_none(),
            "{key}: still there"
        );
        assert_eq!(
            run_reader(&key),
            "none",
            "{key}: another process still sees it"
        );
        assert!(!vault.delete(&key).await.unwrap(), "{key}: second delete");
        println!("{key}: stored, read from a second process, replaced, deleted");
    }
    println!("real keychain round trip: ok");
}

/// The second process: reads the key named by `VAULT_TEST_ACCOUNT` and prints the SHA-256 of the
/// secret (never the secret), or `none`.
async fn reader_child() {
    let account = std::env::var("VAULT_TEST_ACCOUNT").unwrap();
    let key = SecretKey::from_account(&account).expect("an account this app writes");
    let line = match Vault::os_keychain().get(&key).await.unwrap() {
        Some(secret) => sha256_hex(secret.expose_secret().as_bytes()),
        None => "none".to_owned(),
    };
    println!("[child] reader: {line}");
}

fn run_reader(key: &SecretKey) -> String {
    let output = run_child(
        "real_keychain_round_trip",
        "reader",
        &[("VAULT_TEST_ACCOUNT", &key.account())],
        &[],
    );
    child_line(&output, "[child] reader: ")
}

/// A secret unique to this run, so a match on disk cannot be a leftover.
fn unique_secret(key: &SecretKey) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let seed = format!("{key}/{}/{nanos}", std::process::id());
    format!("xmcp_{}", sha256_hex(seed.as_bytes()))
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(path),
                Ok(t) if t.is_file() => files.push(path),
                _ => {}
            }
        }
    }
    files.sort();
    files
}

/// Every file under `dir` with its content.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    files_under(dir)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(&f).unwrap_or_default();
            (f, bytes)
        })
        .collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
