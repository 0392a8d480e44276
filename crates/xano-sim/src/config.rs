//! What a simulated instance is started with: tokens and their scopes, the clock base, the demo seed
//! switch and the fault plan.
//!
//! Invariants: a [`Scopes`] value only ever holds the four Xano permissions (Create, Read, Update,
//! Delete) per scope; a [`FaultConfig`] with both fractions at zero and no latency never changes a
//! response. Nothing here talks to the network or holds state that changes at run time; the running
//! server copies what it needs at start.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

/// The token [`SimConfig::demo`] accepts, with every scope granted.
pub const DEMO_TOKEN: &str = "sim_demo_token_full_access";

/// Everything a [`crate::XanoSim`] is started with.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Bearer tokens the server accepts; any other token gets a 401.
    pub tokens: Vec<SimToken>,
    /// Load the demo data (`Acme Store` and `Marketing Site` workspaces); otherwise the instance
    /// has one empty workspace.
    pub seed: bool,
    /// Clock base in epoch milliseconds. `Some` freezes the clock there (it then only moves through
    /// [`crate::XanoSim::advance_clock`]), which makes the seed fully deterministic; `None` follows
    /// the system clock (plus any advance).
    pub now_ms: Option<i64>,
    /// Injected failures and latency.
    pub faults: FaultConfig,
    /// Port on 127.0.0.1; 0 picks any free port.
    pub port: u16,
    /// How long request history is kept, relative to the sim clock (Xano keeps about 24 hours).
    pub history_window: Duration,
}

impl SimConfig {
    /// Demo data, the [`DEMO_TOKEN`] with full access, any port, no faults, system clock.
    pub fn demo() -> Self {
        Self {
            tokens: vec![SimToken::full(DEMO_TOKEN)],
            seed: true,
            now_ms: None,
            faults: FaultConfig::default(),
            port: 0,
            history_window: Duration::from_secs(24 * 60 * 60),
        }
    }

    /// Like [`SimConfig::demo`] but without the demo data: one empty workspace.
    pub fn empty() -> Self {
        Self {
            seed: false,
            ..Self::demo()
        }
    }
}

impl Default for SimConfig {
    fn default() -> Self {
        Self::demo()
    }
}

/// One accepted bearer token and the user it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimToken {
    /// The bearer value, sent as `Authorization: Bearer <token>`.
    pub token: String,
    /// What the token may do.
    pub scopes: Scopes,
    /// `/auth/me` `id`.
    pub user_id: i64,
    /// `/auth/me` `name`.
    pub user_name: String,
    /// `/auth/me` `email`.
    pub user_email: String,
}

impl SimToken {
    /// A token with every scope and every permission.
    pub fn full(token: &str) -> Self {
        Self {
            token: token.to_owned(),
            scopes: Scopes::full(),
            user_id: 1,
            user_name: "Demo Builder".to_owned(),
            user_email: "builder@acme.example".to_owned(),
        }
    }

    /// A token with exactly the given grants, e.g. `&[(Scope::WorkspaceContent, "r")]`.
    ///
    /// # Panics
    /// When a grant string holds a letter other than c, r, u or d (a test set-up mistake).
    pub fn with_scopes(token: &str, grants: &[(Scope, &str)]) -> Self {
        let mut scopes = Scopes::none();
        for (scope, letters) in grants {
            scopes.grant(*scope, letters);
        }
        Self {
            scopes,
            ..Self::full(token)
        }
    }
}

/// The Metadata API token scopes the sim enforces, with the names the reference's
/// "Required API Scope" labels use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// Workspaces and branches.
    InstanceWorkspace,
    /// Tables, schema, indexes.
    WorkspaceDatabase,
    /// Table rows.
    WorkspaceContent,
    /// Data sources (`/datasource`).
    WorkspaceDataSource,
    /// API groups, endpoints, OpenAPI.
    WorkspaceApi,
    /// Request history.
    WorkspaceRequestHistory,
}

impl Scope {
    /// Every scope, in display order.
    pub const ALL: [Scope; 6] = [
        Scope::InstanceWorkspace,
        Scope::WorkspaceDatabase,
        Scope::WorkspaceContent,
        Scope::WorkspaceDataSource,
        Scope::WorkspaceApi,
        Scope::WorkspaceRequestHistory,
    ];

    /// The name Xano shows, e.g. `Workspace Content`.
    pub fn display_name(self) -> &'static str {
        match self {
            Scope::InstanceWorkspace => "Instance Workspace",
            Scope::WorkspaceDatabase => "Workspace Database",
            Scope::WorkspaceContent => "Workspace Content",
            Scope::WorkspaceDataSource => "Workspace Live Data Source",
            Scope::WorkspaceApi => "Workspace Api",
            Scope::WorkspaceRequestHistory => "Workspace Request History",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.display_name())
    }
}

/// One of the C/R/U/D toggles of a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Permission {
    /// C
    Create,
    /// R
    Read,
    /// U
    Update,
    /// D
    Delete,
}

impl Permission {
    /// Every permission, in C, R, U, D order.
    pub const ALL: [Permission; 4] = [
        Permission::Create,
        Permission::Read,
        Permission::Update,
        Permission::Delete,
    ];

    fn bit(self) -> u8 {
        match self {
            Permission::Create => 1,
            Permission::Read => 2,
            Permission::Update => 4,
            Permission::Delete => 8,
        }
    }

    fn from_letter(letter: char) -> Option<Self> {
        match letter.to_ascii_lowercase() {
            'c' => Some(Permission::Create),
            'r' => Some(Permission::Read),
            'u' => Some(Permission::Update),
            'd' => Some(Permission::Delete),
            _ => None,
        }
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Permission::Create => "Create",
            Permission::Read => "Read",
            Permission::Update => "Update",
            Permission::Delete => "Delete",
        })
    }
}

/// The grants of one token: for each scope, a subset of C/R/U/D.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scopes {
    grants: BTreeMap<Scope, u8>,
}

impl Scopes {
    /// Every permission on every scope.
    pub fn full() -> Self {
        let mut scopes = Self::none();
        for scope in Scope::ALL {
            scopes.grant(scope, "crud");
        }
        scopes
    }

    /// Nothing at all (such a token can still call `/auth/me` and `/instance`).
    pub fn none() -> Self {
        Self::default()
    }

    /// Adds permissions given as letters, e.g. `"cru"`.
    ///
    /// # Panics
    /// When `letters` holds anything other than c, r, u, d (either case).
    pub fn grant(&mut self, scope: Scope, letters: &str) {
        let mut bits = 0;
        for letter in letters.chars() {
            let permission = Permission::from_letter(letter).unwrap_or_else(|| {
                panic!(
                    "scope grant {letters:?} for {scope}: only the letters c, r, u, d are allowed"
                )
            });
            bits |= permission.bit();
        }
        *self.grants.entry(scope).or_default() |= bits;
    }

    /// Whether `permission` on `scope` is granted.
    pub fn allows(&self, scope: Scope, permission: Permission) -> bool {
        self.grants
            .get(&scope)
            .is_some_and(|bits| bits & permission.bit() != 0)
    }
}

/// Injected failures and latency, drawn per request with a seeded RNG.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultConfig {
    /// Fraction (0..=1) of requests answered 429 with Xano's free-plan body.
    pub rate_limit_fraction: f64,
    /// Fraction (0..=1) of requests answered 500 `ERROR_FATAL`.
    pub server_error_fraction: f64,
    /// Uniform random latency `(min, max)` added to every request.
    pub latency: Option<(Duration, Duration)>,
    /// When `Some`, 429 answers carry `Retry-After: <secs>` (Xano documents none).
    pub retry_after_secs: Option<u64>,
    /// Seed of the fault RNG: the same seed and request order give the same faults.
    pub seed: u64,
}

impl FaultConfig {
    /// No faults, no latency.
    pub fn none() -> Self {
        Self {
            rate_limit_fraction: 0.0,
            server_error_fraction: 0.0,
            latency: None,
            retry_after_secs: None,
            seed: 0,
        }
    }
}

impl Default for FaultConfig {
    fn default() -> Self {
        Self::none()
    }
}

/// How a faulted request is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// 429 `ERROR_CODE_TOO_MANY_REQUESTS` with the free-plan message.
    RateLimited,
    /// The given status with an `ERROR_FATAL` JSON body.
    ServerError(u16),
    /// 502 with an HTML body, as Xano's gateway sends on slow history reads.
    BadGateway,
    /// 200 with a body that is not JSON.
    NotJson,
}

impl FaultKind {
    /// The label stored in [`crate::RecordedRequest::fault`].
    pub fn label(self) -> String {
        match self {
            FaultKind::RateLimited => "rate_limited".to_owned(),
            FaultKind::ServerError(status) => format!("server_error:{status}"),
            FaultKind::BadGateway => "bad_gateway".to_owned(),
            FaultKind::NotJson => "not_json".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_are_per_scope_and_per_letter() {
        let token = SimToken::with_scopes("t", &[(Scope::WorkspaceContent, "rU")]);
        assert!(
            token
                .scopes
                .allows(Scope::WorkspaceContent, Permission::Read)
        );
        assert!(
            token
                .scopes
                .allows(Scope::WorkspaceContent, Permission::Update)
        );
        assert!(
            !token
                .scopes
                .allows(Scope::WorkspaceContent, Permission::Delete)
        );
        assert!(
            !token
                .scopes
                .allows(Scope::WorkspaceDatabase, Permission::Read)
        );
        assert!(Scopes::full().allows(Scope::WorkspaceApi, Permission::Delete));
    }

    #[test]
    #[should_panic(expected = "only the letters")]
    fn bad_letters_panic() {
        let _ = SimToken::with_scopes("t", &[(Scope::WorkspaceApi, "rx")]);
    }
}
