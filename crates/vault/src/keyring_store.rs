//! [`KeyringStore`]: the OS keychain through the `keyring` crate (3.x): macOS Keychain, Windows
//! Credential Manager, or the Secret Service over D-Bus (gnome-keyring, KWallet, KeePassXC) on
//! Linux and the BSDs. Entries use the service [`SERVICE`] and the account
//! [`SecretKey::account`].
//!
//! Invariants:
//! - one keychain call at a time in the whole process (a process-wide lock): the Secret Service
//!   must not be called concurrently, and Windows Credential Manager does not serialise
//!   multi-threaded access itself;
//! - a keychain that cannot be reached, is locked, refuses access, or whose unlock prompt was
//!   dismissed gives [`Error::KeychainUnavailable`]; there is no plaintext fallback file, ever;
//! - errors never carry the secret (keyring's `BadEncoding` holds the stored bytes: dropped).
//!
//! Calls block (a D-Bus round trip, or an unlock prompt on a desktop): use it through
//! [`crate::Vault`] from async code.

use crate::error::{Error, Result};
use crate::key::{SERVICE, SecretKey};
use crate::store::SecretStore;
use std::sync::{Mutex, PoisonError};

// keyring silently falls back to its in-memory mock on targets without a native store: that would
// "store" tokens that vanish, a fallback we refuse. Build only where a real store exists.
#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "macos",
    target_os = "ios",
    target_os = "windows",
)))]
compile_error!("crates/vault needs an OS keychain: macOS, iOS, Windows, Linux, FreeBSD or OpenBSD");

/// Serialises every keychain call of this process, across all `KeyringStore` values.
static KEYCHAIN_CALLS: Mutex<()> = Mutex::new(());

/// The OS keychain. Holds no secret itself; cheap to create.
#[derive(Debug, Default, Clone, Copy)]
pub struct KeyringStore {
    _private: (),
}

impl KeyringStore {
    /// The OS keychain, service [`SERVICE`]. Nothing is contacted until the first call.
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs one keychain operation on the entry of `key`, holding the process-wide lock.
    fn with_entry<T>(
        &self,
        key: &SecretKey,
        op: impl FnOnce(&keyring::Entry) -> keyring::Result<T>,
    ) -> Result<T, (String, keyring::Error)> {
        let account = key.account();
        // A panic inside keyring leaves nothing of ours half-updated, so a poisoned lock is fine.
        let _one_at_a_time = KEYCHAIN_CALLS
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let entry = keyring::Entry::new(SERVICE, &account).map_err(|e| (account.clone(), e))?;
        op(&entry).map_err(|e| (account, e))
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, key: &SecretKey) -> Result<Option<String>> {
        key.validate()?;
        match self.with_entry(key, |entry| entry.get_password()) {
            Ok(secret) => Ok(Some(secret)),
            Err((_, keyring::Error::NoEntry)) => Ok(None),
            Err((account, err)) => Err(map_keyring_error(account, err)),
        }
    }

    fn set(&self, key: &SecretKey, secret: &str) -> Result<()> {
        key.validate()?;
        if secret.is_empty() {
            return Err(Error::EmptySecret);
        }
        self.with_entry(key, |entry| entry.set_password(secret))
            .map_err(|(account, err)| map_keyring_error(account, err))
    }

    fn delete(&self, key: &SecretKey) -> Result<bool> {
        key.validate()?;
        match self.with_entry(key, |entry| entry.delete_credential()) {
            Ok(()) => Ok(true),
            Err((_, keyring::Error::NoEntry)) => Ok(false),
            Err((account, err)) => Err(map_keyring_error(account, err)),
        }
    }
}

/// keyring's error → ours. `NoEntry` is handled by the callers (it is not an error for them).
pub(crate) fn map_keyring_error(account: String, err: keyring::Error) -> Error {
    match err {
        // Secret Service: no session bus, no `org.freedesktop.secrets` service, D-Bus failures;
        // macOS/Windows: the keychain/credential store failing underneath.
        keyring::Error::PlatformFailure(source) => Error::KeychainUnavailable {
            detail: one_line(&source.to_string()),
        },
        // Locked collection, denied access, dismissed prompt.
        keyring::Error::NoStorageAccess(source) => Error::KeychainUnavailable {
            detail: format!(
                "access to the keychain was refused: {}",
                one_line(&source.to_string())
            ),
        },
        keyring::Error::BadEncoding(_secret_bytes) => Error::SecretNotText { account },
        keyring::Error::TooLong(attribute, limit) => Error::EntryTooLong {
            account,
            attribute,
            limit,
        },
        keyring::Error::Invalid(attribute, reason) => Error::EntryInvalid {
            account,
            attribute,
            reason,
        },
        keyring::Error::Ambiguous(items) => Error::AmbiguousEntry {
            account,
            service: SERVICE,
            count: items.len(),
        },
        keyring::Error::NoEntry => Error::Keychain {
            account,
            detail: "the entry does not exist".to_owned(),
        },
        other => Error::Keychain {
            account,
            detail: one_line(&other.to_string()),
        },
    }
}

/// Platform messages (D-Bus especially) can span lines; an error message is one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxed(msg: &str) -> Box<dyn std::error::Error + Send + Sync> {
        msg.to_owned().into()
    }

    #[test]
    fn platform_and_access_failures_are_keychain_unavailable_with_guidance() {
        for err in [
            keyring::Error::PlatformFailure(boxed(
                "D-Bus error: Unable to autolaunch a dbus-daemon without a $DISPLAY for X11",
            )),
            keyring::Error::NoStorageAccess(boxed("SS error: prompt dismissed")),
            keyring::Error::NoStorageAccess(boxed("SS error: result not returned from SS API")),
        ] {
            let mapped = map_keyring_error("xano-token/work@x1.n7.xano.io".into(), err);
            assert!(mapped.is_keychain_unavailable(), "{mapped:?}");
            let msg = mapped.to_string();
            assert!(msg.contains("XANO_TOKEN"), "{msg}");
            #[cfg(target_os = "linux")]
            assert!(msg.contains("gnome-keyring-daemon --unlock"), "{msg}");
            assert!(!msg.contains('\n'), "{msg}");
        }
    }

    #[test]
    fn bad_encoding_does_not_leak_the_stored_bytes() {
        let err = keyring::Error::BadEncoding(b"s3cr3t-bytes\xff".to_vec());
        let mapped = map_keyring_error("local-token/cli".into(), err);
        assert!(matches!(mapped, Error::SecretNotText { .. }));
        assert!(!mapped.to_string().contains("s3cr3t"));
        assert!(!format!("{mapped:?}").contains("s3cr3t"));
    }

    #[test]
    fn other_errors_are_typed() {
        let too_long = map_keyring_error(
            "local-token/x".into(),
            keyring::Error::TooLong("password".into(), 2560),
        );
        assert!(matches!(too_long, Error::EntryTooLong { limit: 2560, .. }));
        let invalid = map_keyring_error(
            "local-token/x".into(),
            keyring::Error::Invalid("service".into(), "cannot be empty".into()),
        );
        assert!(matches!(invalid, Error::EntryInvalid { .. }));
        let ambiguous = map_keyring_error(
            "local-token/x".into(),
            keyring::Error::Ambiguous(Vec::new()),
        );
        assert!(ambiguous.to_string().contains(SERVICE));
    }
}
