//! [`Vault`]: the async face of a [`SecretStore`], the one the app, the CLI and `crates/core` use.
//!
//! Invariants:
//! - blocking store calls run in `tokio::task::spawn_blocking`, never on a runtime thread (the
//!   keyring API blocks, and may wait for an unlock prompt);
//! - calls through a `Vault` and its clones run one at a time, in the order they asked: the wait is
//!   an async lock, so queued calls hold no blocking thread ([`crate::KeyringStore`] also
//!   serialises the whole process);
//! - secrets leave as [`SecretString`] (redacted `Debug`, zeroed on drop) and the copy handed to
//!   the blocking task is zeroed after use.
//!
//! It does not read `XANO_TOKEN` (see [`crate::xano_token_from_env`], which callers check first),
//! and it does not cache: every call asks the store, so a token deleted elsewhere is gone here too.

use crate::error::{Error, Result};
use crate::key::SecretKey;
use crate::keyring_store::KeyringStore;
use crate::store::{MemoryStore, SecretStore};
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::sync::Arc;
use tokio::sync::Mutex;

/// Async access to secrets. Cheap to clone; clones share the store and the one-at-a-time order.
#[derive(Clone)]
pub struct Vault {
    store: Arc<dyn SecretStore>,
    turn: Arc<Mutex<()>>,
}

impl Vault {
    /// A vault over any store.
    pub fn new(store: Arc<dyn SecretStore>) -> Self {
        Self {
            store,
            turn: Arc::new(Mutex::new(())),
        }
    }

    /// The OS keychain ([`KeyringStore`]).
    pub fn os_keychain() -> Self {
        Self::new(Arc::new(KeyringStore::new()))
    }

    /// An in-memory vault for tests; also returns the store, to inspect it or make it
    /// unavailable ([`MemoryStore::set_unavailable`]).
    pub fn in_memory() -> (Self, Arc<MemoryStore>) {
        let store = Arc::new(MemoryStore::new());
        (Self::new(store.clone()), store)
    }

    /// The secret under `key`, or `None`.
    pub async fn get(&self, key: &SecretKey) -> Result<Option<SecretString>> {
        let found = self.run(key, |store, key| store.get(key)).await?;
        Ok(found.map(SecretString::from))
    }

    /// Stores `secret` under `key`, replacing any previous one. Refuses an empty secret.
    pub async fn set(&self, key: &SecretKey, secret: &str) -> Result<()> {
        if secret.is_empty() {
            return Err(Error::EmptySecret);
        }
        let secret = SecretString::from(secret);
        self.run(key, move |store, key| {
            store.set(key, secret.expose_secret())
        })
        .await
    }

    /// Removes the secret under `key`; `true` when there was one.
    pub async fn delete(&self, key: &SecretKey) -> Result<bool> {
        self.run(key, |store, key| store.delete(key)).await
    }

    /// Validates `key`, waits for its turn, and runs `op` on a blocking thread.
    async fn run<T, F>(&self, key: &SecretKey, op: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&dyn SecretStore, &SecretKey) -> Result<T> + Send + 'static,
    {
        key.validate()?;
        // The guard moves into the task: if this future is dropped mid-call, the next call still
        // waits until the keychain call has really finished.
        let turn = self.turn.clone().lock_owned().await;
        let store = self.store.clone();
        let key = key.clone();
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
            op(store.as_ref(), &key)
        })
        .await
        .map_err(|e| Error::TaskFailed {
            detail: if e.is_panic() {
                "it panicked".to_owned()
            } else {
                "it was cancelled".to_owned()
            },
        })?
    }
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Vault").field("store", &self.store).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    fn key(profile: &str) -> SecretKey {
        SecretKey::xano_token(profile, "x1.n7.xano.io").unwrap()
    }

    #[tokio::test]
    async fn round_trip_through_the_blocking_pool() {
        let (vault, store) = Vault::in_memory();
        assert!(vault.get(&key("work")).await.unwrap().is_none());
        vault.set(&key("work"), "tok-123").await.unwrap();
        let got = vault.get(&key("work")).await.unwrap().unwrap();
        assert_eq!(got.expose_secret(), "tok-123");
        assert!(!format!("{got:?}").contains("tok-123"));
        assert_eq!(store.accounts(), ["xano-token/work@x1.n7.xano.io"]);
        assert!(vault.delete(&key("work")).await.unwrap());
        assert!(!vault.delete(&key("work")).await.unwrap());
    }

    #[tokio::test]
    async fn clones_share_the_store_and_debug_hides_secrets() {
        let (vault, _) = Vault::in_memory();
        let other = vault.clone();
        vault.set(&key("work"), "shared-secret").await.unwrap();
        assert!(other.get(&key("work")).await.unwrap().is_some());
        assert!(!format!("{other:?}").contains("shared-secret"));
    }

    #[tokio::test]
    async fn errors_pass_through_typed() {
        let (vault, store) = Vault::in_memory();
        assert!(matches!(
            vault.set(&key("work"), "").await,
            Err(Error::EmptySecret)
        ));
        let bad = SecretKey::LocalToken { name: "BAD".into() };
        assert!(matches!(
            vault.get(&bad).await,
            Err(Error::InvalidName { .. })
        ));
        store.set_unavailable(Some("no session bus"));
        let err = vault.get(&key("work")).await.unwrap_err();
        assert!(err.is_keychain_unavailable());
        assert!(err.to_string().contains("XANO_TOKEN"));
    }

    #[tokio::test]
    async fn invalid_keys_never_reach_the_os_keychain() {
        // Refused by validation before any D-Bus/Keychain call, so this is safe on any machine.
        let vault = Vault::os_keychain();
        let bad = SecretKey::XanoToken {
            profile: "work".into(),
            instance_host: "https://x1.n7.xano.io/".into(),
        };
        assert!(matches!(
            vault.delete(&bad).await,
            Err(Error::InvalidInstanceHost { .. })
        ));
    }

    /// A store that records how many calls overlap.
    #[derive(Debug, Default)]
    struct OverlapProbe {
        inside: AtomicUsize,
        max_inside: AtomicUsize,
        calls: AtomicUsize,
    }

    impl SecretStore for OverlapProbe {
        fn get(&self, _: &SecretKey) -> Result<Option<String>> {
            let now = self.inside.fetch_add(1, Ordering::SeqCst) + 1;
            self.max_inside.fetch_max(now, Ordering::SeqCst);
            // Real blocking, as a D-Bus round trip would be; overlapping calls would show here.
            std::thread::sleep(Duration::from_millis(5));
            self.inside.fetch_sub(1, Ordering::SeqCst);
            self.calls.fetch_add(1, Ordering::SeqCst);
            Ok(None)
        }
        fn set(&self, _: &SecretKey, _: &str) -> Result<()> {
            Ok(())
        }
        fn delete(&self, _: &SecretKey) -> Result<bool> {
            Ok(false)
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn calls_run_one_at_a_time() {
        let probe = Arc::new(OverlapProbe::default());
        let vault = Vault::new(probe.clone());
        let tasks: Vec<_> = (0..16)
            .map(|i| {
                let vault = vault.clone();
                tokio::spawn(async move { vault.get(&key(&format!("p{i}"))).await })
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        assert_eq!(probe.calls.load(Ordering::SeqCst), 16);
        assert_eq!(probe.max_inside.load(Ordering::SeqCst), 1);
    }

    /// A store that records the thread each call runs on, and blocks `get` until released.
    #[derive(Debug)]
    struct ThreadProbe {
        threads: std::sync::Mutex<Vec<std::thread::ThreadId>>,
        release: std::sync::Mutex<std::sync::mpsc::Receiver<()>>,
    }

    impl SecretStore for ThreadProbe {
        fn get(&self, _: &SecretKey) -> Result<Option<String>> {
            self.threads
                .lock()
                .unwrap()
                .push(std::thread::current().id());
            // Blocks like a keychain unlock prompt would, until the test says so (bounded, so a
            // call made inline fails the thread check below instead of hanging the test).
            let _ = self
                .release
                .lock()
                .unwrap()
                .recv_timeout(Duration::from_secs(30));
            Ok(None)
        }
        fn set(&self, _: &SecretKey, _: &str) -> Result<()> {
            self.threads
                .lock()
                .unwrap()
                .push(std::thread::current().id());
            Ok(())
        }
        fn delete(&self, _: &SecretKey) -> Result<bool> {
            self.threads
                .lock()
                .unwrap()
                .push(std::thread::current().id());
            Ok(false)
        }
    }

    /// On a single-threaded runtime, a store call made inline would run on this very thread and a
    /// blocked one would stall every task; through the blocking pool neither happens.
    #[tokio::test(flavor = "current_thread")]
    async fn store_calls_never_run_on_the_runtime_thread() {
        let (release, wait) = std::sync::mpsc::channel();
        let probe = Arc::new(ThreadProbe {
            threads: std::sync::Mutex::new(Vec::new()),
            release: std::sync::Mutex::new(wait),
        });
        let vault = Vault::new(probe.clone());
        let runtime_thread = std::thread::current().id();
        vault.set(&key("work"), "tok").await.unwrap();
        assert!(!vault.delete(&key("work")).await.unwrap());
        // A `get` blocked in the store: this runtime still runs other tasks meanwhile.
        let blocked = tokio::spawn({
            let vault = vault.clone();
            async move { vault.get(&key("work")).await }
        });
        let other = tokio::spawn(async { 42 });
        assert_eq!(other.await.unwrap(), 42);
        release.send(()).unwrap();
        assert!(blocked.await.unwrap().unwrap().is_none());
        let threads = probe.threads.lock().unwrap();
        assert_eq!(threads.len(), 3);
        assert!(threads.iter().all(|t| *t != runtime_thread), "{threads:?}");
    }
}
