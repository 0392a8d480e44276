//! The blocking secret-store interface, [`SecretStore`], and its in-memory implementation
//! [`MemoryStore`] for tests.
//!
//! Contract of every implementation:
//! - `get` of a missing entry is `Ok(None)`; `delete` of a missing entry is `Ok(false)`;
//! - `set` replaces an existing secret and refuses an empty one ([`Error::EmptySecret`]);
//! - every call validates the key first ([`SecretKey::validate`]);
//! - a store that cannot be used returns [`Error::KeychainUnavailable`], never a fallback;
//! - `Debug` output and errors never contain a secret.
//!
//! Calls may block (the OS keychain is an IPC round trip, and may show an unlock prompt): async
//! code goes through [`crate::Vault`], which runs them off the runtime, one at a time.

use crate::error::{Error, Result};
use crate::key::SecretKey;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// A place to keep secrets by [`SecretKey`]. Blocking; see the module docs for the contract.
pub trait SecretStore: Send + Sync + fmt::Debug {
    /// The secret stored under `key`, or `None` when there is none.
    fn get(&self, key: &SecretKey) -> Result<Option<String>>;

    /// Stores `secret` under `key`, replacing any previous one.
    fn set(&self, key: &SecretKey, secret: &str) -> Result<()>;

    /// Removes the secret under `key`; `true` when there was one.
    fn delete(&self, key: &SecretKey) -> Result<bool>;
}

/// Secrets in process memory, for unit tests (of this crate and of its callers). Never persisted.
///
/// It can also pretend the keychain is unavailable ([`MemoryStore::set_unavailable`]), so callers
/// can test their headless and locked-keychain paths without a real keychain.
#[derive(Default)]
pub struct MemoryStore {
    state: Mutex<MemoryState>,
}

#[derive(Default)]
struct MemoryState {
    secrets: HashMap<String, String>,
    unavailable: Option<String>,
}

impl MemoryStore {
    /// An empty, available store.
    pub fn new() -> Self {
        Self::default()
    }

    /// From now on every call fails with [`Error::KeychainUnavailable`] carrying `detail`, until
    /// called again with `None`. Stored secrets are kept.
    pub fn set_unavailable(&self, detail: Option<&str>) {
        self.lock().unavailable = detail.map(str::to_owned);
    }

    /// The account names currently stored, sorted (no secrets).
    pub fn accounts(&self) -> Vec<String> {
        let mut accounts: Vec<String> = self.lock().secrets.keys().cloned().collect();
        accounts.sort();
        accounts
    }

    fn lock(&self) -> MutexGuard<'_, MemoryState> {
        // A panic while holding the lock leaves the map consistent (every update is one insert or
        // remove), so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn checked(&self, key: &SecretKey) -> Result<MutexGuard<'_, MemoryState>> {
        key.validate()?;
        let state = self.lock();
        match &state.unavailable {
            Some(detail) => Err(Error::KeychainUnavailable {
                detail: detail.clone(),
            }),
            None => Ok(state),
        }
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, key: &SecretKey) -> Result<Option<String>> {
        Ok(self.checked(key)?.secrets.get(&key.account()).cloned())
    }

    fn set(&self, key: &SecretKey, secret: &str) -> Result<()> {
        if secret.is_empty() {
            return Err(Error::EmptySecret);
        }
        self.checked(key)?
            .secrets
            .insert(key.account(), secret.to_owned());
        Ok(())
    }

    fn delete(&self, key: &SecretKey) -> Result<bool> {
        Ok(self.checked(key)?.secrets.remove(&key.account()).is_some())
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        let mut accounts: Vec<&String> = state.secrets.keys().collect();
        accounts.sort();
        f.debug_struct("MemoryStore")
            .field("accounts", &accounts)
            .field("unavailable", &state.unavailable)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SecretKey {
        SecretKey::xano_token("work", "x1.n7.xano.io").unwrap()
    }

    #[test]
    fn set_get_replace_delete() {
        let store = MemoryStore::new();
        assert_eq!(store.get(&key()).unwrap(), None);
        store.set(&key(), "first-secret").unwrap();
        store.set(&key(), "second-secret").unwrap();
        assert_eq!(store.get(&key()).unwrap().as_deref(), Some("second-secret"));
        assert_eq!(store.accounts(), ["xano-token/work@x1.n7.xano.io"]);
        assert!(store.delete(&key()).unwrap());
        assert!(!store.delete(&key()).unwrap());
        assert_eq!(store.get(&key()).unwrap(), None);
    }

    #[test]
    fn keys_are_separate_per_profile_instance_and_kind() {
        let store = MemoryStore::new();
        let keys = [
            SecretKey::xano_token("work", "x1.n7.xano.io").unwrap(),
            SecretKey::xano_token("work", "x2.n7.xano.io").unwrap(),
            SecretKey::xano_token("home", "x1.n7.xano.io").unwrap(),
            SecretKey::local_token("work").unwrap(),
        ];
        for (i, k) in keys.iter().enumerate() {
            store.set(k, &format!("secret-{i}")).unwrap();
        }
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(store.get(k).unwrap(), Some(format!("secret-{i}")));
        }
    }

    #[test]
    fn empty_secret_and_invalid_key_are_refused() {
        let store = MemoryStore::new();
        assert!(matches!(store.set(&key(), ""), Err(Error::EmptySecret)));
        let bad = SecretKey::LocalToken {
            name: "Not Valid".into(),
        };
        assert!(matches!(store.get(&bad), Err(Error::InvalidName { .. })));
        assert!(store.accounts().is_empty());
    }

    #[test]
    fn unavailable_mode_fails_every_call_and_keeps_secrets() {
        let store = MemoryStore::new();
        store.set(&key(), "kept-secret").unwrap();
        store.set_unavailable(Some("collection is locked"));
        for result in [
            store.get(&key()).map(|_| ()),
            store.set(&key(), "x"),
            store.delete(&key()).map(|_| ()),
        ] {
            let err = result.unwrap_err();
            assert!(err.is_keychain_unavailable());
            assert!(err.to_string().contains("collection is locked"));
        }
        store.set_unavailable(None);
        assert_eq!(store.get(&key()).unwrap().as_deref(), Some("kept-secret"));
    }

    #[test]
    fn debug_shows_accounts_not_secrets() {
        let store = MemoryStore::new();
        store.set(&key(), "very-secret-value").unwrap();
        let debug = format!("{store:?}");
        assert!(debug.contains("xano-token/work@x1.n7.xano.io"), "{debug}");
        assert!(!debug.contains("very-secret-value"), "{debug}");
    }
}
