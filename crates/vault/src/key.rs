//! What a secret is stored under: [`SecretKey`], and how it maps to the keychain's service and
//! account names.
//!
//! Naming (the same on every OS):
//! - service: [`SERVICE`] = `dev.xanomcp.desktop` (the app identifier);
//! - account of a Xano Metadata API token: `xano-token/<profile>@<instance_host>`, e.g.
//!   `xano-token/work@x8ki-letl-twmt.n7.xano.io` (a loopback instance keeps its port:
//!   `xano-token/demo@127.0.0.1:8081`);
//! - account of a local access token read by the stdio bridge: `local-token/<name>`, e.g.
//!   `local-token/claude-desktop`.
//!
//! Invariants: profile and token names follow [`validate_name`] (so they contain no `/` or `@`),
//! hosts are lowercase and contain no `/`, `@` or whitespace, so an account name is unambiguous
//! and parses back into its parts. Keys made with the constructors are valid; a key built from the
//! enum directly is checked by [`SecretKey::validate`] before every store call.

use crate::error::{Error, Result};
use std::fmt;

/// The keychain service name of every entry this app writes.
pub const SERVICE: &str = "dev.xanomcp.desktop";

/// Longest profile or local token name.
pub const MAX_NAME_LEN: usize = 40;

/// Longest instance host (a DNS name is at most 253 bytes; the rest leaves room for `:port`).
const MAX_HOST_LEN: usize = 260;

/// Identifies one secret in the vault.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SecretKey {
    /// The Xano Metadata API token of a profile, for one instance.
    XanoToken {
        /// The profile name (see [`validate_name`]).
        profile: String,
        /// The instance host, lowercase, with `:port` only when the instance URL names a
        /// non-default port (see [`crate::Profile::instance_host`]).
        instance_host: String,
    },
    /// A local access token (`xmcp_…`) by name, as `xano-mcp stdio --token-name NAME` reads it.
    LocalToken {
        /// The token name (see [`validate_name`]).
        name: String,
    },
}

impl SecretKey {
    /// The key of a profile's Xano token. Validates the profile name and lowercases the host.
    pub fn xano_token(profile: &str, instance_host: &str) -> Result<Self> {
        let key = Self::XanoToken {
            profile: profile.to_owned(),
            instance_host: instance_host.trim().to_ascii_lowercase(),
        };
        key.validate()?;
        Ok(key)
    }

    /// The key of a local access token. Validates the name.
    pub fn local_token(name: &str) -> Result<Self> {
        let key = Self::LocalToken {
            name: name.to_owned(),
        };
        key.validate()?;
        Ok(key)
    }

    /// Checks the parts, so the account name is well formed and unambiguous.
    pub fn validate(&self) -> Result<()> {
        match self {
            Self::XanoToken {
                profile,
                instance_host,
            } => {
                validate_name("profile", profile)?;
                validate_host(instance_host)
            }
            Self::LocalToken { name } => validate_name("local token", name),
        }
    }

    /// The keychain account name (see the module docs).
    pub fn account(&self) -> String {
        match self {
            Self::XanoToken {
                profile,
                instance_host,
            } => format!("xano-token/{profile}@{instance_host}"),
            Self::LocalToken { name } => format!("local-token/{name}"),
        }
    }

    /// The inverse of [`SecretKey::account`]; `None` for an account this app does not write.
    pub fn from_account(account: &str) -> Option<Self> {
        let key = if let Some(rest) = account.strip_prefix("xano-token/") {
            let (profile, host) = rest.split_once('@')?;
            Self::XanoToken {
                profile: profile.to_owned(),
                instance_host: host.to_owned(),
            }
        } else {
            Self::LocalToken {
                name: account.strip_prefix("local-token/")?.to_owned(),
            }
        };
        key.validate().ok()?;
        Some(key)
    }
}

impl fmt::Display for SecretKey {
    /// The account name: safe to show, it holds no secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.account())
    }
}

/// The naming rule of profiles and local tokens: 1 to [`MAX_NAME_LEN`] characters, each a
/// lowercase ASCII letter, a digit, `-` or `_`. `kind` names the thing in the error message.
pub fn validate_name(kind: &'static str, name: &str) -> Result<()> {
    let invalid = |reason| Error::InvalidName {
        kind,
        name: name.to_owned(),
        reason,
    };
    if name.is_empty() {
        return Err(invalid("it is empty"));
    }
    if name.chars().count() > MAX_NAME_LEN {
        return Err(invalid("it is longer than 40 characters"));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || *c == '_'))
    {
        return Err(invalid(if c.is_ascii_uppercase() {
            "it has an uppercase letter"
        } else if c.is_whitespace() {
            "it has a space"
        } else {
            "it has a character other than a-z, 0-9, `-` and `_`"
        }));
    }
    Ok(())
}

/// Hosts as the `url` crate prints them: DNS names, IPv4, bracketed IPv6, optional `:port`.
fn validate_host(host: &str) -> Result<()> {
    let invalid = |reason| Error::InvalidInstanceHost {
        host: host.to_owned(),
        reason,
    };
    if host.is_empty() {
        return Err(invalid("it is empty"));
    }
    if host.len() > MAX_HOST_LEN {
        return Err(invalid("it is too long"));
    }
    if host.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(invalid("it has uppercase letters"));
    }
    if !host
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':' | b'[' | b']'))
    {
        return Err(invalid(
            "it may only hold letters, digits, `.`, `-`, `_`, `:` and `[]` (no scheme or path)",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_names_identify_app_profile_and_instance() {
        let key = SecretKey::xano_token("work", "X8KI-letl-twmt.n7.xano.io ").unwrap();
        assert_eq!(key.account(), "xano-token/work@x8ki-letl-twmt.n7.xano.io");
        assert_eq!(key.to_string(), key.account());
        assert_eq!(SecretKey::from_account(&key.account()), Some(key));

        let local = SecretKey::local_token("claude-desktop").unwrap();
        assert_eq!(local.account(), "local-token/claude-desktop");
        assert_eq!(SecretKey::from_account(&local.account()), Some(local));

        let loopback = SecretKey::xano_token("demo", "127.0.0.1:8081").unwrap();
        assert_eq!(loopback.account(), "xano-token/demo@127.0.0.1:8081");
        assert_eq!(SERVICE, "dev.xanomcp.desktop");
    }

    #[test]
    fn foreign_or_malformed_accounts_do_not_parse() {
        for account in [
            "someone-else",
            "xano-token/work",
            "xano-token/Work@host",
            "xano-token/a@b@c",
            "local-token/",
            "local-token/a/b",
        ] {
            assert_eq!(SecretKey::from_account(account), None, "{account}");
        }
    }

    #[test]
    fn names_follow_the_rule() {
        for ok in ["a", "work", "team_2", "claude-desktop", &"x".repeat(40)] {
            validate_name("profile", ok).unwrap();
        }
        for (bad, why) in [
            ("", "empty"),
            ("Work", "uppercase"),
            ("my work", "space"),
            ("a/b", "other than"),
            ("a@b", "other than"),
            ("café", "other than"),
            (&"x".repeat(41), "longer"),
        ] {
            let err = validate_name("profile", bad).unwrap_err();
            let msg = err.to_string();
            assert!(msg.contains(why), "{bad}: {msg}");
            assert!(msg.contains("profile name"), "{msg}");
        }
    }

    #[test]
    fn hosts_must_be_bare() {
        for bad in [
            "",
            "https://x.xano.io",
            "x.xano.io/api:meta",
            "user@x.xano.io",
            "a b",
        ] {
            assert!(
                matches!(
                    SecretKey::xano_token("work", bad),
                    Err(Error::InvalidInstanceHost { .. })
                ),
                "{bad}"
            );
        }
        // A hand-built key is checked too.
        let key = SecretKey::XanoToken {
            profile: "work".into(),
            instance_host: "X.xano.io".into(),
        };
        assert!(key.validate().is_err());
        SecretKey::xano_token("work", "[::1]:8080").unwrap();
    }
}
