//! `doctor`: checks everything the setup depends on and says what to fix, for `xano-mcp doctor`
//! and the app's dashboard.
//!
//! Checks, in order: profiles, keychain, instance reachability, token validity, token expiry,
//! token scopes (the Read Only tier's reads), the server port, and the AI client configs. Each
//! ends as ok, warn, fail or skip with one line of summary and, when something is wrong, what to
//! do. A report with any `fail` is unhealthy (the CLI exits non-zero).
//!
//! It only reads: nothing is written to the keychain, the profiles or client configs, and the
//! only Xano calls are reads (`/auth/me`, and the probes of [`crate::check_scopes`]).

use crate::access::{TokenSource, XanoAccess, connect};
use crate::context::SetupContext;
use crate::error::Error;
use crate::expiry::{ExpiryStatus, TokenExpiry, expiry_from_token};
use crate::port::{PortStatus, port_status};
use crate::scopes::{AccessTier, ProbeOutcome, check_scopes};
use crate::setup::keychain_check;
use CheckStatus as S;
use serde::Serialize;
use vault::Profile;
use xano::{MetaBase, XanoToken};

/// What `doctor` looks at.
#[derive(Debug, Clone)]
pub struct DoctorOptions {
    /// The profile to check; `None` = as the server would pick (see [`crate::connect`]).
    pub profile: Option<String>,
    /// The MCP server port to check.
    pub port: u16,
    /// Where AI client configs live; `None` skips that check.
    pub clients: Option<clients::HomeLayout>,
    /// Unix seconds (token expiry).
    pub now: i64,
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Ok,
    Warn,
    Fail,
    /// Not checked (it depends on something that failed, or does not apply).
    Skip,
}

impl CheckStatus {
    /// A fixed-width label for terminals.
    pub fn label(self) -> &'static str {
        match self {
            CheckStatus::Ok => "ok",
            CheckStatus::Warn => "warn",
            CheckStatus::Fail => "FAIL",
            CheckStatus::Skip => "skip",
        }
    }
}

/// One check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DoctorCheck {
    /// `profiles`, `keychain`, `instance`, `token`, `expiry`, `scopes`, `port`, `clients`.
    pub name: &'static str,
    pub status: CheckStatus,
    /// What was found.
    pub summary: String,
    /// What to do, when something is wrong and the summary does not already say it.
    pub fix: Option<String>,
}

/// Every check, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DoctorReport {
    pub checks: Vec<DoctorCheck>,
}

impl DoctorReport {
    /// No check failed.
    pub fn healthy(&self) -> bool {
        !self.checks.iter().any(|c| c.status == CheckStatus::Fail)
    }

    /// The check called `name`.
    pub fn check(&self, name: &str) -> Option<&DoctorCheck> {
        self.checks.iter().find(|c| c.name == name)
    }
}

struct Checks(Vec<DoctorCheck>);

impl Checks {
    fn push(&mut self, name: &'static str, status: CheckStatus, summary: impl Into<String>) {
        self.0.push(DoctorCheck {
            name,
            status,
            summary: summary.into(),
            fix: None,
        });
    }

    fn push_fix(
        &mut self,
        name: &'static str,
        status: CheckStatus,
        summary: impl Into<String>,
        fix: impl Into<String>,
    ) {
        self.0.push(DoctorCheck {
            name,
            status,
            summary: summary.into(),
            fix: Some(fix.into()),
        });
    }
}

/// Runs every check (see the module docs).
pub async fn doctor(ctx: &SetupContext, options: &DoctorOptions) -> DoctorReport {
    let mut checks = Checks(Vec::new());

    // Profiles.
    let profile = check_profiles(ctx, options, &mut checks);

    // Keychain.
    let headless_token = ctx.headless.token.is_some();
    match keychain_check(ctx).await {
        Ok(()) => checks.push("keychain", S::Ok, "the OS keychain is available"),
        Err(err) if err.is_keychain_unavailable() && headless_token => checks.push(
            "keychain",
            S::Warn,
            format!("not available; using XANO_TOKEN instead (fine for headless use). {err}"),
        ),
        Err(err) => checks.push("keychain", S::Fail, err.to_string()),
    }

    // Instance and token: one `/auth/me` call answers both.
    let access = connect(ctx, options.profile.as_deref()).await;
    let instance = match &access {
        Ok(a) => Some(a.instance.clone()),
        Err(_) => profile
            .as_ref()
            .and_then(|p| MetaBase::parse(&p.instance_url).ok())
            .or_else(|| {
                ctx.headless
                    .instance_url
                    .as_deref()
                    .and_then(|u| MetaBase::parse(u).ok())
            }),
    };
    let mut valid_access = None;
    match (&access, &instance) {
        (Ok(access), _) => {
            let me = match access.client(ctx) {
                Ok(client) => client.auth_me().await.map_err(Error::from),
                Err(err) => Err(err),
            };
            let source = match access.token_source {
                TokenSource::Environment => "XANO_TOKEN",
                TokenSource::Keychain => "the keychain",
                TokenSource::Given => "the caller",
            };
            match me {
                Ok(user) => {
                    checks.push(
                        "instance",
                        S::Ok,
                        format!("{} is reachable", access.instance),
                    );
                    checks.push(
                        "token",
                        S::Ok,
                        format!(
                            "valid: it belongs to {} <{}> (from {source})",
                            user.name, user.email
                        ),
                    );
                    valid_access = Some(access.clone());
                }
                Err(err @ Error::XanoUnreachable { .. }) => {
                    checks.push("instance", S::Fail, err.to_string());
                    checks.push(
                        "token",
                        S::Skip,
                        "not checked: the instance cannot be reached",
                    );
                }
                Err(err @ (Error::XanoAuthInvalid { .. } | Error::XanoAccessDenied { .. })) => {
                    checks.push(
                        "instance",
                        S::Ok,
                        format!("{} is reachable", access.instance),
                    );
                    checks.push("token", S::Fail, format!("(from {source}) {err}"));
                }
                Err(err) => {
                    checks.push(
                        "instance",
                        S::Warn,
                        format!("{} answered with an error", access.instance),
                    );
                    checks.push("token", S::Fail, err.to_string());
                }
            }
        }
        (Err(err), Some(base)) => {
            match reachability(ctx, base).await {
                Ok(()) => checks.push("instance", S::Ok, format!("{base} is reachable")),
                Err(err) => checks.push("instance", S::Fail, err.to_string()),
            }
            let summary = if err.is_keychain_unavailable() {
                "cannot be read: the keychain is not available (see above)".to_owned()
            } else {
                err.to_string()
            };
            checks.push("token", S::Fail, summary);
        }
        (Err(err), None) => {
            checks.push("instance", S::Skip, "no instance is configured");
            checks.push("token", S::Fail, err.to_string());
        }
    }

    // Expiry: the profile's (reported or entered) applies to the keychain token only; a token
    // from XANO_TOKEN has only what it says itself.
    let known_expiry = access.as_ref().ok().and_then(|a| match a.token_source {
        TokenSource::Environment | TokenSource::Given => expiry_from_token(a.token().expose()),
        TokenSource::Keychain => a.profile.as_ref().and_then(|p| p.token_expires_at),
    });
    match known_expiry.map(|at| TokenExpiry::at(at, options.now)) {
        None => checks.push(
            "expiry",
            S::Skip,
            "unknown (Xano does not report it); record it with `xano-mcp login --expires DATE` to be warned in time",
        ),
        Some(expiry) => {
            let summary = format!("the token {}", expiry.describe());
            let rotate = "Create a new token in Xano (Manage Access Tokens) and sign in again with `xano-mcp login`.";
            match expiry.status {
                ExpiryStatus::Valid => checks.push("expiry", S::Ok, summary),
                ExpiryStatus::ExpiresSoon => checks.push_fix("expiry", S::Warn, summary, rotate),
                ExpiryStatus::Expired => checks.push_fix("expiry", S::Fail, summary, rotate),
            }
        }
    }

    // Scopes.
    match &valid_access {
        None => checks.push("scopes", S::Skip, "not checked: no valid token"),
        Some(access) => scopes_check(ctx, access, &mut checks).await,
    }

    // Port.
    let port = options.port;
    match port_status(port).await {
        PortStatus::Free => {
            checks.push("port", S::Ok, format!("{port} is free for the MCP server"));
        }
        PortStatus::XanoMcp => {
            let summary = format!(
                "{port} is in use by a running MCP server that asks for a bearer token (xano-mcp)"
            );
            checks.push("port", S::Ok, summary);
        }
        PortStatus::Other { detail } => {
            let fix = format!(
                "Stop the program using port {port}, or run the server on another port (`xano-mcp serve --port N` or XANO_MCP_PORT) and reconnect your AI clients."
            );
            checks.push_fix("port", S::Fail, format!("{port} is taken: {detail}"), fix);
        }
    }

    // AI clients.
    match &options.clients {
        None => checks.push("clients", S::Skip, "not checked"),
        Some(layout) => clients_check(layout, port, &mut checks),
    }

    DoctorReport { checks: checks.0 }
}

fn check_profiles(
    ctx: &SetupContext,
    options: &DoctorOptions,
    checks: &mut Checks,
) -> Option<Profile> {
    let store = match ctx.profiles() {
        Ok(store) => store,
        Err(err) => {
            checks.push("profiles", S::Fail, err.to_string());
            return None;
        }
    };
    let listed = match (store.list(), store.active()) {
        (Ok(list), Ok(active)) => (list, active),
        (Err(err), _) | (_, Err(err)) => {
            checks.push("profiles", S::Fail, Error::from(err).to_string());
            return None;
        }
    };
    let (list, active) = listed;
    if let Some(name) = &options.profile {
        return match list.into_iter().find(|p| &p.name == name) {
            Some(p) => {
                checks.push(
                    "profiles",
                    S::Ok,
                    format!("profile `{}`: {}", p.name, p.instance_url),
                );
                Some(p)
            }
            None => {
                checks.push(
                    "profiles",
                    S::Fail,
                    Error::profile_not_found(name).to_string(),
                );
                None
            }
        };
    }
    if ctx.headless.instance_url.is_some() {
        checks.push(
            "profiles",
            S::Ok,
            format!(
                "{} saved; XANO_INSTANCE_URL is set and takes precedence",
                plural(list.len(), "profile")
            ),
        );
        return None;
    }
    match active {
        Some(p) => {
            checks.push(
                "profiles",
                S::Ok,
                format!(
                    "active profile `{}`: {} ({} saved)",
                    p.name,
                    p.instance_url,
                    plural(list.len(), "profile")
                ),
            );
            Some(p)
        }
        None if list.is_empty() => {
            checks.push_fix(
                "profiles",
                S::Warn,
                "no profile saved yet",
                "Run `xano-mcp login` (or set XANO_TOKEN and XANO_INSTANCE_URL for headless use).",
            );
            None
        }
        None => {
            let names: Vec<&str> = list.iter().map(|p| p.name.as_str()).collect();
            checks.push_fix(
                "profiles",
                S::Warn,
                format!(
                    "no active profile ({} saved: {})",
                    plural(list.len(), "profile"),
                    names.join(", ")
                ),
                "Pick one with `xano-mcp profiles --use NAME`.",
            );
            None
        }
    }
}

/// Whether the instance answers HTTP at all, without a real token: `/auth/me` with a placeholder
/// bearer comes back 401 (any HTTP answer will do); only a connection failure is an error.
async fn reachability(ctx: &SetupContext, base: &MetaBase) -> Result<(), Error> {
    let probe = XanoToken::new("xano-mcp-doctor-reachability-probe");
    let result = match ctx.client(base.clone(), probe) {
        Ok(client) => client.auth_me().await.map(|_| ()).map_err(Error::from),
        Err(err) => Err(err),
    };
    match result {
        Err(err @ Error::XanoUnreachable { .. }) => Err(err),
        _ => Ok(()),
    }
}

async fn scopes_check(ctx: &SetupContext, access: &XanoAccess, checks: &mut Checks) {
    let report = match check_scopes(ctx, access, AccessTier::ReadOnly).await {
        Ok(report) => report,
        Err(err) => {
            checks.push("scopes", S::Warn, format!("could not be checked: {err}"));
            return;
        }
    };
    if let Err(err) = report.ensure_granted() {
        checks.push("scopes", S::Fail, err.to_string());
        return;
    }
    let optional: Vec<String> = report
        .missing()
        .map(|p| format!("{}: {}", p.scope, p.permission.label()))
        .collect();
    let unchecked: Vec<String> = report
        .probes
        .iter()
        .filter_map(|p| match &p.outcome {
            ProbeOutcome::NotChecked { reason } => Some(format!("{} ({reason})", p.scope)),
            _ => None,
        })
        .collect();
    if !optional.is_empty() {
        checks.push_fix(
            "scopes",
            S::Warn,
            format!("the token reads what Read Only needs, but lacks {} (some tools will fail)", optional.join("; ")),
            "Turn these scopes on for the token in Xano (Manage Access Tokens) if you want those tools.",
        );
    } else if !unchecked.is_empty() {
        checks.push(
            "scopes",
            S::Warn,
            format!("not everything could be checked: {}", unchecked.join("; ")),
        );
    } else {
        checks.push(
            "scopes",
            S::Ok,
            "the token can read workspaces, tables, rows, API groups and request history (write permissions are checked when used)",
        );
    }
}

fn clients_check(layout: &clients::HomeLayout, port: u16, checks: &mut Checks) {
    let expected = clients::EntrySpec::for_port(port);
    let mut connected = Vec::new();
    let mut attention = Vec::new();
    let mut not_connected = Vec::new();
    for (client, _scope, result) in clients::detect_all(layout, &expected, None) {
        match result {
            Err(err) => attention.push(format!("{client}: {err}")),
            Ok(d) if !d.installed => {}
            Ok(d) => match d.entry {
                clients::EntryState::Current => connected.push(client.name().to_owned()),
                clients::EntryState::Missing | clients::EntryState::FileAbsent => {
                    not_connected.push(client.name().to_owned())
                }
                clients::EntryState::Stale { reason } => {
                    attention.push(format!("{client}: our entry {reason}"))
                }
            },
        }
    }
    let mut parts = Vec::new();
    if !connected.is_empty() {
        parts.push(format!("connected: {}", connected.join(", ")));
    }
    if !not_connected.is_empty() {
        parts.push(format!("not connected: {}", not_connected.join(", ")));
    }
    parts.extend(attention.iter().cloned());
    let fix = "Connect or repair them on the app's AI clients page.";
    if !attention.is_empty() {
        checks.push_fix("clients", S::Warn, parts.join("; "), fix);
    } else if connected.is_empty() && not_connected.is_empty() {
        checks.push("clients", S::Skip, "no supported AI client found (Claude Desktop, Cursor, Claude Code, VS Code, Windsurf, Zed)");
    } else if connected.is_empty() {
        checks.push_fix("clients", S::Warn, parts.join("; "), fix);
    } else {
        checks.push("clients", S::Ok, parts.join("; "));
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clients::{Action, BearerToken, Client, EntrySpec, HomeLayout, Os, Scope};

    fn write_entry(layout: &HomeLayout, client: Client, port: u16) {
        let spec = EntrySpec::for_port(port).with_token(BearerToken::new("xmcp_doctor_test"));
        let plan = clients::plan(layout, client, &Scope::User, &spec, Action::Apply).expect("plan");
        clients::apply(&plan).expect("apply");
    }

    fn check(layout: &HomeLayout, port: u16) -> DoctorCheck {
        let mut checks = Checks(Vec::new());
        clients_check(layout, port, &mut checks);
        assert_eq!(checks.0.len(), 1);
        checks.0.remove(0)
    }

    /// The clients check names what is connected, what is not, and what points elsewhere, and
    /// says where to fix it.
    #[test]
    fn clients_are_connected_missing_or_stale() {
        let home = tempfile::tempdir().expect("home");
        let layout = HomeLayout::for_test(Os::Linux, home.path());
        let port = 7717;
        assert_eq!(check(&layout, port).status, CheckStatus::Skip);

        // Claude Desktop installed without our entry, Cursor current, Windsurf on another port.
        std::fs::create_dir_all(home.path().join(".config/Claude")).expect("claude");
        write_entry(&layout, Client::Cursor, port);
        write_entry(&layout, Client::Windsurf, port + 1);
        let c = check(&layout, port);
        assert_eq!(c.status, CheckStatus::Warn, "{c:?}");
        for part in [
            "connected: Cursor",
            "not connected: Claude Desktop",
            "Windsurf: our entry",
        ] {
            assert!(c.summary.contains(part), "{part}: {}", c.summary);
        }
        assert!(
            c.fix
                .as_deref()
                .is_some_and(|f| f.contains("AI clients page"))
        );

        // Repaired: the rest is fine to leave unconnected.
        write_entry(&layout, Client::Windsurf, port);
        let c = check(&layout, port);
        assert_eq!(c.status, CheckStatus::Ok, "{c:?}");
        assert!(
            c.summary.contains("connected: Cursor, Windsurf"),
            "{}",
            c.summary
        );

        // Only unconnected clients: a warning with the fix.
        let bare = tempfile::tempdir().expect("home");
        std::fs::create_dir_all(bare.path().join(".config/Claude")).expect("claude");
        let c = check(&HomeLayout::for_test(Os::Linux, bare.path()), port);
        assert_eq!(c.status, CheckStatus::Warn, "{c:?}");
        assert_eq!(c.summary, "not connected: Claude Desktop");
    }
}
