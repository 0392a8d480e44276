//! [`SetupContext`]: everything the setup and status use cases need, and nothing more: where the
//! engine's files are, the vault, where the Xano account host is, HTTP settings, and the headless
//! credentials (`XANO_TOKEN`, `XANO_INSTANCE_URL`).
//!
//! The context reads no environment by itself: the CLI and the app build it with
//! [`Headless::from_env`]; tests build it on a temp dir, an in-memory vault and `xano-sim`.

use crate::error::{Error, Result};
use crate::paths::Paths;
use std::time::Duration;
use vault::{ProfileStore, Vault};
use xano::{ClientOptions, MetaBase, RetryPolicy, XanoToken};

/// The environment variable with the instance address for headless use (DESIGN §2).
pub const XANO_INSTANCE_URL_ENV: &str = "XANO_INSTANCE_URL";

/// Credentials given by the environment for headless use (servers, CI, SSH), checked before the
/// keychain and the profiles.
#[derive(Debug, Clone, Default)]
pub struct Headless {
    /// `XANO_TOKEN`, trimmed; `None` when unset or blank.
    pub token: Option<XanoToken>,
    /// `XANO_INSTANCE_URL` as given; `None` when unset or blank.
    pub instance_url: Option<String>,
}

impl Headless {
    /// `XANO_TOKEN` and `XANO_INSTANCE_URL` from the process environment.
    pub fn from_env() -> Self {
        Self {
            token: vault::xano_token_from_env().map(XanoToken::new),
            instance_url: std::env::var(XANO_INSTANCE_URL_ENV)
                .ok()
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty()),
        }
    }

    /// Nothing from the environment.
    pub fn none() -> Self {
        Self::default()
    }
}

/// Moves the account host (`https://app.xano.com/api:meta`) for tests and for staging: the CLI and
/// the app read it at start. Unset or blank: the real account host.
pub const ACCOUNT_URL_ENV: &str = "XANO_MCP_ACCOUNT_URL";

/// The account host: [`ACCOUNT_URL_ENV`] when set, else Xano's. An unusable value is an error
/// that names the variable (never silently the real host).
pub fn account_base_from_env() -> Result<MetaBase> {
    match std::env::var(ACCOUNT_URL_ENV)
        .ok()
        .filter(|v| !v.trim().is_empty())
    {
        Some(url) => MetaBase::parse(url.trim()).map_err(|e| {
            Error::invalid_input(
                "account_url",
                format!("{ACCOUNT_URL_ENV} is not a usable address ({e}); unset it to use Xano's."),
            )
        }),
        None => Ok(MetaBase::account()),
    }
}

/// The narrow context of the setup use cases. Cheap to clone.
#[derive(Debug, Clone)]
pub struct SetupContext {
    /// The engine's files (`profiles.json` lives in [`Paths::profiles_dir`]).
    pub paths: Paths,
    /// The Xano token and local tokens.
    pub vault: Vault,
    /// The account host (`https://app.xano.com/api:meta`): token check and instance discovery.
    /// Tests point it at `xano-sim`, which serves the account routes too.
    pub account_base: MetaBase,
    /// Timeouts and retries of every Xano call made here.
    pub http: ClientOptions,
    /// `XANO_TOKEN` / `XANO_INSTANCE_URL`, when given.
    pub headless: Headless,
}

impl SetupContext {
    /// A context on `paths` and `vault`, talking to the real account host, with no headless
    /// credentials.
    pub fn new(paths: Paths, vault: Vault) -> Self {
        Self {
            paths,
            vault,
            account_base: MetaBase::account(),
            http: setup_http_options(),
            headless: Headless::none(),
        }
    }

    /// The same context with another account host (tests: the sim's `meta_url`).
    pub fn with_account_base(mut self, account_base: MetaBase) -> Self {
        self.account_base = account_base;
        self
    }

    /// The same context with headless credentials.
    pub fn with_headless(mut self, headless: Headless) -> Self {
        self.headless = headless;
        self
    }

    /// The same context with other HTTP options.
    pub fn with_http(mut self, http: ClientOptions) -> Self {
        self.http = http;
        self
    }

    /// The profiles of this engine home (read afresh on every call).
    pub fn profiles(&self) -> Result<ProfileStore> {
        Ok(ProfileStore::open(self.paths.profiles_dir())?)
    }

    /// A Xano client on `base` with `token` and this context's HTTP options.
    pub(crate) fn client(&self, base: MetaBase, token: XanoToken) -> Result<xano::XanoClient> {
        if token.is_empty() {
            return Err(Error::invalid_input(
                "token",
                "No token was given. Paste the whole Xano Metadata API token (Instances → ⚙ → Metadata API & MCP Server → Manage Access Tokens).",
            ));
        }
        Ok(xano::XanoClient::with_options(
            base,
            token,
            self.http.clone(),
        )?)
    }
}

/// HTTP settings for interactive setup: a person is waiting, so answers are expected within
/// seconds and a dead host is reported after one quick retry rather than five.
pub fn setup_http_options() -> ClientOptions {
    ClientOptions {
        timeout: Duration::from_secs(20),
        connect_timeout: Duration::from_secs(8),
        retry: RetryPolicy {
            max_attempts: 2,
            base_delay: Duration::from_millis(300),
            max_delay: Duration::from_secs(2),
            max_retry_after: Duration::from_secs(5),
        },
        data_source: None,
        branch: None,
    }
}
