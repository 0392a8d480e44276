//! Secrets in the OS keychain and engine profiles.
//!
//! - [`SecretStore`] is the blocking interface to a place that keeps secrets by [`SecretKey`]:
//!   [`KeyringStore`] is the OS keychain (macOS Keychain, Windows Credential Manager, the Secret
//!   Service on Linux), [`MemoryStore`] is for tests.
//! - [`Vault`] is the async facade the app, the CLI and `crates/core` use: it runs the blocking
//!   calls off the runtime, one at a time.
//! - [`xano_token_from_env`] is the headless path (`XANO_TOKEN`), checked before the keychain.
//! - [`ProfileStore`] keeps the [`Profile`]s (instance, workspace, branch, data source, token
//!   expiry; no secrets) in `profiles.json` in the engine data dir.
//!
//! Invariants (DESIGN §4): the Xano token and local access tokens live only in the OS keychain,
//! service [`SERVICE`], accounts `xano-token/<profile>@<host>` and `local-token/<name>`. There is
//! no plaintext fallback: when the keychain cannot be used the answer is
//! [`Error::KeychainUnavailable`], whose message says to unlock the keyring or set `XANO_TOKEN`.
//! Secrets never appear in `Debug` output, error messages or files written here.
//!
//! - [`TokenStore`] keeps the local access tokens AI clients use (`xmcp_…`), as SHA-256 hashes
//!   only, with their grant: [`AccessTier`], workspace and table allowlists, expiry, approval
//!   policy, created/last-used/revoked times (SQLite, WAL, shared by the app and the CLI).
//!
//! Not here: validating a token against Xano, discovering instances, the setup flows (all in
//! `crates/core`), enforcing grants on tool calls (`crates/mcp`), and building the data dir path
//! from `XANO_MCP_HOME` (`crates/core`'s `Paths`).

//! # Example
//!
//! How a caller finds the Xano token of the active profile (here with the in-memory store; the
//! app uses [`Vault::os_keychain`]):
//!
//! ```
//! use secrecy::ExposeSecret;
//! use vault::{Profile, ProfileStore, Vault, xano_token_from_env};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> vault::Result<()> {
//! # let data_dir = tempfile::tempdir().unwrap();
//! let profiles = ProfileStore::open(data_dir.path())?; // core passes its engine data dir
//! let (vault, _store) = Vault::in_memory();
//!
//! // Setup: save the profile (first one becomes active) and its token.
//! let profile = Profile::new("work", "https://x8ki-letl-twmt.n7.xano.io", 1_767_225_600);
//! profiles.upsert(profile.clone())?;
//! vault.set(&profile.token_key()?, "eyJhbGciOi...").await?;
//!
//! // Later: XANO_TOKEN first (headless), then the keychain.
//! let active = profiles.active()?.expect("a profile is active");
//! let token = match xano_token_from_env() {
//!     Some(token) => token,
//!     None => match vault.get(&active.token_key()?).await? {
//!         Some(secret) => secret.expose_secret().to_owned(),
//!         None => panic!("not signed in: run `xano-mcp login`"),
//!     },
//! };
//! # assert!(!token.is_empty());
//! # Ok(())
//! # }
//! ```

mod env;
mod error;
mod key;
mod keyring_store;
mod profile;
mod store;
mod tokens;
mod vault;

pub use env::{XANO_TOKEN_ENV, xano_token_from_env};
pub use error::{Error, Result};
pub use key::{MAX_NAME_LEN, SERVICE, SecretKey, validate_name};
pub use keyring_store::KeyringStore;
pub use profile::{PROFILES_FILE, Profile, ProfileStore};
pub use store::{MemoryStore, SecretStore};
pub use tokens::{
    AccessTier, ApprovalPolicy, AuthOutcome, LocalTokenInfo, NewLocalToken, TOKEN_PREFIX,
    TokenError, TokenStore, generate as generate_local_token,
};
pub use vault::Vault;
