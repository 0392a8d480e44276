//! Errors of the vault. Each message says what happened and what to do next, in words a
//! non-technical user can act on.
//!
//! Invariant: no variant carries a secret. Keychain errors name the entry by its account
//! (`xano-token/<profile>@<host>`, never the token), and keyring's `BadEncoding` bytes (which are
//! the stored secret) are dropped, not kept.

use std::path::PathBuf;

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What to do when the keychain cannot be used, per OS. Shown in [`Error::KeychainUnavailable`].
#[cfg(target_os = "macos")]
const UNLOCK_HINT: &str = "Unlock your login keychain (log in to your macOS session, or open Keychain Access and unlock it) and allow xano-mcp to use it";
#[cfg(target_os = "windows")]
const UNLOCK_HINT: &str = "Log in to your Windows session so that Credential Manager is available";
#[cfg(not(any(target_os = "macos", target_os = "windows")))]
const UNLOCK_HINT: &str = "Unlock your keyring: log in to your desktop session and accept the unlock prompt, or without a desktop run `gnome-keyring-daemon --unlock` on a D-Bus session and type the keyring password";

/// Everything that can go wrong in the vault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The OS keychain cannot be reached or used: no Secret Service (headless Linux, no D-Bus
    /// session bus), a locked collection, access denied, or an unlock prompt dismissed.
    #[error(
        "The OS keychain is not available ({detail}). {UNLOCK_HINT}, then try again. For headless use (servers, CI, SSH), set the XANO_TOKEN environment variable to your Xano Metadata API token instead; xano-mcp never stores tokens in a plain file."
    )]
    KeychainUnavailable {
        /// What the platform said (e.g. the D-Bus error). Never contains a secret.
        detail: String,
    },

    /// The keychain entry exists but its content is not UTF-8 text (another program wrote it).
    #[error(
        "The keychain entry `{account}` does not hold text, so it was not written by xano-mcp. Delete it (sign out, or remove it in your keychain app) and sign in again."
    )]
    SecretNotText { account: String },

    /// Several keychain items match one entry (another program created look-alikes).
    #[error(
        "The keychain holds {count} entries for `{account}`, so xano-mcp cannot tell which one is right. Remove the duplicates in your keychain app (service `{service}`) and sign in again."
    )]
    AmbiguousEntry {
        account: String,
        service: &'static str,
        count: usize,
    },

    /// The platform refused an attribute (service, account or the secret) as too long.
    #[error(
        "The keychain refused the entry `{account}`: its {attribute} is longer than the platform limit of {limit} characters. Use a shorter profile or token name."
    )]
    EntryTooLong {
        account: String,
        attribute: String,
        limit: u32,
    },

    /// The platform refused an attribute of the entry as invalid.
    #[error("The keychain refused the entry `{account}`: its {attribute} is invalid ({reason}).")]
    EntryInvalid {
        account: String,
        attribute: String,
        reason: String,
    },

    /// Another keychain failure keyring does not classify (its error type is non-exhaustive).
    #[error(
        "The OS keychain failed on `{account}`: {detail}. Try again; if it persists, restart your session."
    )]
    Keychain { account: String, detail: String },

    /// An empty secret was given to store.
    #[error("Nothing to store: the token is empty. Paste the whole token and try again.")]
    EmptySecret,

    /// A profile or local token name does not follow the naming rule.
    #[error(
        "`{name}` is not a valid {kind} name: {reason}. Use 1 to 40 lowercase letters, digits, `-` or `_` (for example `work` or `claude-desktop`)."
    )]
    InvalidName {
        kind: &'static str,
        name: String,
        reason: &'static str,
    },

    /// An instance host that cannot be part of a keychain account name.
    #[error(
        "`{host}` is not a usable instance host: {reason}. Give the host of the instance, like x8ki-letl-twmt.n7.xano.io."
    )]
    InvalidInstanceHost { host: String, reason: &'static str },

    /// A profile field fails validation.
    #[error("The profile `{profile}` is not valid: {field} {reason}.")]
    InvalidProfile {
        profile: String,
        field: &'static str,
        reason: String,
    },

    /// No profile of that name.
    #[error(
        "There is no profile named `{name}`. List the profiles with `xano-mcp profiles`, or set one up with `xano-mcp login`."
    )]
    ProfileNotFound { name: String },

    /// `profiles.json` exists but cannot be understood. It is left as it is.
    #[error(
        "The profiles file {} could not be read: {reason}. It was left untouched. Fix it, or move it aside (for example rename it to profiles.json.bak) and set up your profile again.",
        path.display()
    )]
    ProfilesCorrupt { path: PathBuf, reason: String },

    /// `profiles.json` was written by a newer version of the app.
    #[error(
        "The profiles file {} has format version {found}, newer than this xano-mcp understands ({supported}). Update xano-mcp; the file was left untouched.",
        path.display()
    )]
    ProfilesTooNew {
        path: PathBuf,
        found: u32,
        supported: u32,
    },

    /// A file operation on the profiles file failed.
    #[error("Could not {action} {}: {source}.", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The blocking keychain task did not finish (it panicked or the runtime is shutting down).
    #[error("The keychain task stopped before it finished ({detail}). Try again.")]
    TaskFailed { detail: String },
}

impl Error {
    /// True when the keychain cannot be used at all, so a caller may say "set `XANO_TOKEN`" or
    /// offer the headless path.
    pub fn is_keychain_unavailable(&self) -> bool {
        matches!(self, Self::KeychainUnavailable { .. })
    }
}
