//! Engine profiles: which Xano instance to use and how (display name, default workspace, branch,
//! data source, token expiry). Settings, not secrets: a profile's token lives in the keychain under
//! [`Profile::token_key`].
//!
//! [`ProfileStore`] keeps them in `profiles.json` in the engine data dir it is given (`crates/core`
//! builds that from `XANO_MCP_HOME` or the OS data dir), so the app and the CLI share them.
//!
//! Invariants:
//! - every profile in the file is valid ([`Profile::validate`]) and names are unique; at most one
//!   is active, and it exists;
//! - writes are atomic (a temp file in the same dir, synced, then renamed over the old one) and
//!   read-modify-write runs under an exclusive lock on `profiles.json.lock`, so the app and the
//!   CLI writing at once do not lose each other's changes;
//! - every call reads the file afresh, so a change made by the other process is seen;
//! - a file that cannot be understood is an error ([`Error::ProfilesCorrupt`]) and is never
//!   overwritten or reset;
//! - nothing secret is written here (no token, not even a hash).
//!
//! Times are unix seconds, passed in by the caller (an injected clock in tests).

use crate::error::{Error, Result};
use crate::key::{SecretKey, validate_name};
use serde::{Deserialize, Serialize};
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// File name of the profiles file inside the engine data dir.
pub const PROFILES_FILE: &str = "profiles.json";

/// Lock file taken during read-modify-write (empty; safe to delete when nothing runs).
const LOCK_FILE: &str = "profiles.json.lock";

/// The format version this code writes and understands.
const FORMAT_VERSION: u32 = 1;

const SECONDS_PER_DAY: i64 = 86_400;

/// Longest display name.
const MAX_DISPLAY_NAME_LEN: usize = 80;

/// One Xano instance setup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// Identifier: 1-40 lowercase letters, digits, `-`, `_`. Part of the keychain account name.
    pub name: String,
    /// What the UI shows (free text, 1-80 characters).
    pub display_name: String,
    /// The instance address, `https://<host>` (or `.../api:meta`); plain `http://` only for
    /// loopback. `crates/core` normalises it with `xano::MetaBase` before saving.
    pub instance_url: String,
    /// Workspace id used when a call names none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_workspace: Option<i64>,
    /// Branch label used when a call names none (Xano's default is `v1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// Data source sent as `X-Data-Source` when set (e.g. `test`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_source: Option<String>,
    /// When the Xano token expires, unix seconds, when Xano reports it or the user enters it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_expires_at: Option<i64>,
    /// When the profile was first saved, unix seconds.
    pub created_at: i64,
}

impl Profile {
    /// A profile with only the required parts; `display_name` starts as the name.
    pub fn new(name: &str, instance_url: &str, created_at: i64) -> Self {
        Self {
            name: name.to_owned(),
            display_name: name.to_owned(),
            instance_url: instance_url.to_owned(),
            default_workspace: None,
            branch: None,
            data_source: None,
            token_expires_at: None,
            created_at,
        }
    }

    /// Checks every field; the error names the field and what is wrong.
    pub fn validate(&self) -> Result<()> {
        validate_name("profile", &self.name)?;
        let invalid = |field, reason: &str| Error::InvalidProfile {
            profile: self.name.clone(),
            field,
            reason: reason.to_owned(),
        };
        let display = self.display_name.trim();
        if display.is_empty() {
            return Err(invalid("the display name", "is empty"));
        }
        if display.chars().count() > MAX_DISPLAY_NAME_LEN {
            return Err(invalid("the display name", "is longer than 80 characters"));
        }
        if self.display_name.chars().any(char::is_control) {
            return Err(invalid("the display name", "contains control characters"));
        }
        self.instance_host()?;
        if let Some(id) = self.default_workspace
            && id <= 0
        {
            return Err(invalid(
                "the default workspace",
                "must be a positive workspace id",
            ));
        }
        for (field, value) in [
            ("the branch", &self.branch),
            ("the data source", &self.data_source),
        ] {
            if let Some(value) = value
                && (value.trim().is_empty() || value.trim() != value || value.len() > 100)
            {
                return Err(invalid(
                    field,
                    "must be a non-empty label without surrounding spaces (at most 100 characters)",
                ));
            }
        }
        Ok(())
    }

    /// The instance host for keychain accounts: the URL's host, lowercase, plus `:port` when the
    /// URL names a non-default port (so two local `xano-sim` instances do not share a token).
    pub fn instance_host(&self) -> Result<String> {
        let invalid = |reason: &str| Error::InvalidProfile {
            profile: self.name.clone(),
            field: "the instance URL",
            reason: reason.to_owned(),
        };
        let url = url::Url::parse(self.instance_url.trim())
            .map_err(|e| invalid(&format!("is not a URL ({e}); use https://<instance host>")))?;
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| invalid("has no host"))?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(host) => {}
            "http" => {
                return Err(invalid(
                    "uses plain http://, which is only accepted for 127.0.0.1 or localhost",
                ));
            }
            other => return Err(invalid(&format!("uses the scheme `{other}`, not https://"))),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid("must not contain a user name or password"));
        }
        Ok(match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        }
        .to_ascii_lowercase())
    }

    /// The keychain key of this profile's Xano token.
    pub fn token_key(&self) -> Result<SecretKey> {
        SecretKey::xano_token(&self.name, &self.instance_host()?)
    }

    /// Whole days until the token expires, rounded down: `None` when the expiry is unknown, `0`
    /// when less than a day is left, negative once it has expired (`-1`: within the last day).
    /// At the expiry second itself it is `0`; [`Profile::token_expired`] says whether it has
    /// expired. `now` is unix seconds.
    pub fn days_left(&self, now: i64) -> Option<i64> {
        self.token_expires_at
            .map(|expires| expires.saturating_sub(now).div_euclid(SECONDS_PER_DAY))
    }

    /// True when the expiry is known and has passed (`now` is unix seconds).
    pub fn token_expired(&self, now: i64) -> bool {
        self.token_expires_at.is_some_and(|expires| expires <= now)
    }
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The on-disk shape of `profiles.json`.
#[derive(Debug, Default, Serialize, Deserialize)]
struct ProfilesFile {
    version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    active: Option<String>,
    #[serde(default)]
    profiles: Vec<Profile>,
}

/// The profiles of one engine data dir. Holds only the path: every call reads the file afresh.
#[derive(Debug, Clone)]
pub struct ProfileStore {
    dir: PathBuf,
}

impl ProfileStore {
    /// The store of `dir` (the engine data dir). Reads `profiles.json` once to report a corrupt
    /// file now rather than later; a missing file or dir is an empty store (created on first
    /// write).
    pub fn open(dir: &Path) -> Result<Self> {
        let store = Self {
            dir: dir.to_owned(),
        };
        store.read()?;
        Ok(store)
    }

    /// The path of `profiles.json`.
    pub fn path(&self) -> PathBuf {
        self.dir.join(PROFILES_FILE)
    }

    /// All profiles, sorted by name.
    pub fn list(&self) -> Result<Vec<Profile>> {
        Ok(self.read()?.profiles)
    }

    /// The profile named `name`, if any.
    pub fn get(&self, name: &str) -> Result<Option<Profile>> {
        Ok(self.read()?.profiles.into_iter().find(|p| p.name == name))
    }

    /// The active profile, if one is set.
    pub fn active(&self) -> Result<Option<Profile>> {
        let file = self.read()?;
        Ok(match file.active {
            Some(active) => file.profiles.into_iter().find(|p| p.name == active),
            None => None,
        })
    }

    /// Adds `profile`, or replaces the one with the same name. The first profile saved while
    /// none is active becomes active. Returns `true` when it was new.
    pub fn upsert(&self, profile: Profile) -> Result<bool> {
        profile.validate()?;
        self.modify(|file| {
            let created = match file.profiles.iter_mut().find(|p| p.name == profile.name) {
                Some(existing) => {
                    *existing = profile.clone();
                    false
                }
                None => {
                    file.profiles.push(profile.clone());
                    true
                }
            };
            if file.active.is_none() {
                file.active = Some(profile.name.clone());
            }
            Ok(created)
        })
    }

    /// Removes the profile named `name`; `true` when it existed. Removing the active profile
    /// leaves none active (the caller picks the next one: switching instances silently could
    /// point the AI at the wrong Xano). Its keychain entry is the caller's to delete.
    pub fn remove(&self, name: &str) -> Result<bool> {
        self.modify(|file| {
            let before = file.profiles.len();
            file.profiles.retain(|p| p.name != name);
            if file.active.as_deref() == Some(name) {
                file.active = None;
            }
            Ok(file.profiles.len() != before)
        })
    }

    /// Makes `name` the active profile.
    pub fn set_active(&self, name: &str) -> Result<()> {
        self.modify(|file| {
            if !file.profiles.iter().any(|p| p.name == name) {
                return Err(Error::ProfileNotFound {
                    name: name.to_owned(),
                });
            }
            file.active = Some(name.to_owned());
            Ok(())
        })
    }

    /// Reads and checks the file; missing means empty.
    fn read(&self) -> Result<ProfilesFile> {
        let path = self.path();
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Ok(ProfilesFile {
                    version: FORMAT_VERSION,
                    ..ProfilesFile::default()
                });
            }
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                return Err(Error::ProfilesCorrupt {
                    path,
                    reason: "it is not UTF-8 text".to_owned(),
                });
            }
            Err(source) => {
                return Err(Error::Io {
                    action: "read",
                    path,
                    source,
                });
            }
        };
        let corrupt = |reason: String| Error::ProfilesCorrupt {
            path: path.clone(),
            reason,
        };
        // Check the version before the shape, so a newer format gets the "update" message.
        let value: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| corrupt(format!("it is not valid JSON ({e})")))?;
        let version = value
            .get("version")
            .and_then(serde_json::Value::as_u64)
            .ok_or_else(|| corrupt("it has no format `version` number".to_owned()))?;
        if version > u64::from(FORMAT_VERSION) {
            return Err(Error::ProfilesTooNew {
                path,
                found: u32::try_from(version).unwrap_or(u32::MAX),
                supported: FORMAT_VERSION,
            });
        }
        let mut file: ProfilesFile = serde_json::from_value(value)
            .map_err(|e| corrupt(format!("its content has the wrong shape ({e})")))?;
        let mut seen = std::collections::HashSet::new();
        for profile in &file.profiles {
            profile
                .validate()
                .map_err(|e| corrupt(format!("a profile is invalid: {e}")))?;
            if !seen.insert(profile.name.as_str()) {
                return Err(corrupt(format!(
                    "the profile name `{}` appears twice",
                    profile.name
                )));
            }
        }
        if let Some(active) = &file.active
            && !seen.contains(active.as_str())
        {
            return Err(corrupt(format!(
                "the active profile `{active}` is not in the list"
            )));
        }
        file.profiles.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(file)
    }

    /// Read-modify-write under the lock; writes only when `change` succeeds.
    fn modify<T>(&self, change: impl FnOnce(&mut ProfilesFile) -> Result<T>) -> Result<T> {
        fs::create_dir_all(&self.dir).map_err(|source| Error::Io {
            action: "create the data folder",
            path: self.dir.clone(),
            source,
        })?;
        let lock_path = self.dir.join(LOCK_FILE);
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|source| Error::Io {
                action: "open the lock file",
                path: lock_path.clone(),
                source,
            })?;
        lock.lock().map_err(|source| Error::Io {
            action: "lock",
            path: lock_path,
            source,
        })?;
        // The lock is released when `lock` is dropped (closing the file), on every path.
        let mut file = self.read()?;
        let outcome = change(&mut file)?;
        file.version = FORMAT_VERSION;
        file.profiles.sort_by(|a, b| a.name.cmp(&b.name));
        self.write(&file)?;
        Ok(outcome)
    }

    /// Atomic replace: temp file in the same dir, synced, renamed over `profiles.json`.
    fn write(&self, file: &ProfilesFile) -> Result<()> {
        let path = self.path();
        let io_err = |action, source| Error::Io {
            action,
            path: path.clone(),
            source,
        };
        let mut json = serde_json::to_vec_pretty(file)
            .map_err(|e| io_err("serialise", io::Error::other(e)))?;
        json.push(b'\n');
        let mut temp = tempfile::Builder::new()
            .prefix(".profiles.json.")
            .suffix(".tmp")
            .tempfile_in(&self.dir)
            .map_err(|e| io_err("create a temporary file beside", e))?;
        temp.write_all(&json)
            .and_then(|()| temp.as_file().sync_all())
            .map_err(|e| io_err("write a temporary file beside", e))?;
        temp.persist(&path)
            .map_err(|e| io_err("replace", e.error))?;
        // Make the rename itself durable (POSIX); Windows has no directory handles for this.
        #[cfg(unix)]
        if let Ok(dir) = File::open(&self.dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z

    fn profile(name: &str) -> Profile {
        Profile::new(name, &format!("https://{name}.n7.xano.io"), NOW)
    }

    fn temp_store() -> (tempfile::TempDir, ProfileStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::open(&dir.path().join("engine")).unwrap();
        (dir, store)
    }

    #[test]
    fn missing_dir_is_empty_and_not_created_by_reading() {
        let (dir, store) = temp_store();
        assert!(store.list().unwrap().is_empty());
        assert!(store.active().unwrap().is_none());
        assert!(store.get("work").unwrap().is_none());
        assert!(!dir.path().join("engine").exists());
    }

    #[test]
    fn several_profiles_one_active() {
        let (_dir, store) = temp_store();
        assert!(store.upsert(profile("work")).unwrap());
        assert!(store.upsert(profile("home")).unwrap());
        // The first one saved became active; the second did not take over.
        assert_eq!(store.active().unwrap().unwrap().name, "work");
        let names: Vec<String> = store.list().unwrap().into_iter().map(|p| p.name).collect();
        assert_eq!(names, ["home", "work"]);

        store.set_active("home").unwrap();
        assert_eq!(store.active().unwrap().unwrap().name, "home");
        assert!(matches!(
            store.set_active("nope"),
            Err(Error::ProfileNotFound { .. })
        ));

        let mut updated = profile("home");
        updated.display_name = "Home instance".into();
        updated.default_workspace = Some(7);
        updated.branch = Some("v2".into());
        updated.data_source = Some("test".into());
        updated.token_expires_at = Some(NOW + 10 * SECONDS_PER_DAY);
        assert!(!store.upsert(updated.clone()).unwrap());
        assert_eq!(store.get("home").unwrap(), Some(updated.clone()));

        // A second store on the same dir (the CLI beside the app) sees everything.
        let other = ProfileStore::open(&store.dir).unwrap();
        assert_eq!(other.active().unwrap(), Some(updated));

        assert!(store.remove("home").unwrap());
        assert!(!store.remove("home").unwrap());
        assert!(store.active().unwrap().is_none(), "no silent switch");
        assert_eq!(store.list().unwrap().len(), 1);
    }

    #[test]
    fn file_is_readable_json_without_secrets_or_temp_leftovers() {
        let (_dir, store) = temp_store();
        store.upsert(profile("work")).unwrap();
        let text = fs::read_to_string(store.path()).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["version"], 1);
        assert_eq!(value["active"], "work");
        assert_eq!(
            value["profiles"][0]["instance_url"],
            "https://work.n7.xano.io"
        );
        assert!(value["profiles"][0].get("branch").is_none());
        let mut names: Vec<String> = fs::read_dir(&store.dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, [PROFILES_FILE, LOCK_FILE]);
    }

    #[test]
    fn corrupt_file_is_reported_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(PROFILES_FILE);
        for (content, expect) in [
            ("{not json", "not valid JSON"),
            ("[]", "no format `version`"),
            (r#"{"version":1,"profiles":{}}"#, "wrong shape"),
            (
                r#"{"version":1,"profiles":[{"name":"Bad Name","display_name":"x","instance_url":"https://x.xano.io","created_at":0}]}"#,
                "a profile is invalid",
            ),
            (
                r#"{"version":1,"active":"gone","profiles":[]}"#,
                "not in the list",
            ),
        ] {
            fs::write(&path, content).unwrap();
            let err = ProfileStore::open(dir.path()).unwrap_err();
            assert!(matches!(err, Error::ProfilesCorrupt { .. }), "{err:?}");
            let msg = err.to_string();
            assert!(msg.contains(expect), "{msg}");
            assert!(msg.contains("left untouched"), "{msg}");
            assert_eq!(fs::read_to_string(&path).unwrap(), content);
        }

        // A store opened before the file went bad refuses to write over it too.
        fs::write(&path, r#"{"version":1,"profiles":[]}"#).unwrap();
        let store = ProfileStore::open(dir.path()).unwrap();
        fs::write(&path, "garbage").unwrap();
        assert!(matches!(
            store.upsert(profile("work")),
            Err(Error::ProfilesCorrupt { .. })
        ));
        assert_eq!(fs::read_to_string(&path).unwrap(), "garbage");
    }

    #[test]
    fn newer_format_asks_for_an_update() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(PROFILES_FILE), r#"{"version":2,"x":[]}"#).unwrap();
        let err = ProfileStore::open(dir.path()).unwrap_err();
        assert!(
            matches!(err, Error::ProfilesTooNew { found: 2, .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("Update xano-mcp"));
    }

    #[test]
    fn invalid_profiles_are_refused_before_writing() {
        let (_dir, store) = temp_store();
        let mut cases = Vec::new();
        let mut p = profile("work");
        p.name = "Work".into();
        cases.push((p, "profile name"));
        let mut p = profile("work");
        p.display_name = "  ".into();
        cases.push((p, "display name"));
        let mut p = profile("work");
        p.instance_url = "http://x1.n7.xano.io".into();
        cases.push((p, "plain http"));
        let mut p = profile("work");
        p.instance_url = "x1.n7.xano.io".into();
        cases.push((p, "not a URL"));
        let mut p = profile("work");
        p.instance_url = "https://user:pw@x1.n7.xano.io".into();
        cases.push((p, "user name"));
        let mut p = profile("work");
        p.default_workspace = Some(0);
        cases.push((p, "positive"));
        let mut p = profile("work");
        p.branch = Some(" v1".into());
        cases.push((p, "branch"));
        let mut p = profile("work");
        p.data_source = Some(String::new());
        cases.push((p, "data source"));
        for (p, expect) in cases {
            let msg = store.upsert(p).unwrap_err().to_string();
            assert!(msg.contains(expect), "{expect}: {msg}");
        }
        assert!(!store.path().exists());
    }

    #[test]
    fn instance_host_and_token_key() {
        let mut p = profile("work");
        p.instance_url = "https://X1.n7.Xano.io/api:meta".into();
        assert_eq!(p.instance_host().unwrap(), "x1.n7.xano.io");
        assert_eq!(
            p.token_key().unwrap().account(),
            "xano-token/work@x1.n7.xano.io"
        );
        p.instance_url = "https://x1.n7.xano.io:443".into();
        assert_eq!(p.instance_host().unwrap(), "x1.n7.xano.io");
        p.instance_url = "http://127.0.0.1:8081".into();
        assert_eq!(p.instance_host().unwrap(), "127.0.0.1:8081");
        p.instance_url = "http://[::1]:9000/api:meta".into();
        assert_eq!(p.instance_host().unwrap(), "[::1]:9000");
        p.instance_url = "http://localhost:9000".into();
        assert_eq!(p.instance_host().unwrap(), "localhost:9000");
        p.validate().unwrap();
    }

    #[test]
    fn days_left_rounds_down_and_goes_negative_when_expired() {
        let mut p = profile("work");
        assert_eq!(p.days_left(NOW), None);
        assert!(!p.token_expired(NOW));
        let cases = [
            (30 * SECONDS_PER_DAY, 30),
            (30 * SECONDS_PER_DAY - 1, 29),
            (SECONDS_PER_DAY - 1, 0),
            (1, 0),
            (0, 0),
            (-1, -1),
            (-SECONDS_PER_DAY, -1),
            (-SECONDS_PER_DAY - 1, -2),
        ];
        for (offset, days) in cases {
            p.token_expires_at = Some(NOW + offset);
            assert_eq!(p.days_left(NOW), Some(days), "offset {offset}");
            assert_eq!(p.token_expired(NOW), offset <= 0, "offset {offset}");
        }
    }

    #[test]
    fn concurrent_writers_do_not_lose_updates() {
        let (_dir, store) = temp_store();
        let threads: Vec<_> = (0..8)
            .map(|i| {
                let store = store.clone();
                std::thread::spawn(move || store.upsert(profile(&format!("p{i}"))).unwrap())
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(store.list().unwrap().len(), 8);
    }
}
