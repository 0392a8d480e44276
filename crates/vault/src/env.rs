//! The headless path: the Xano token from the `XANO_TOKEN` environment variable (DESIGN §2).
//!
//! Precedence for callers (the CLI, `crates/core`): `XANO_TOKEN` first, when set and not blank;
//! otherwise the keychain through [`crate::Vault`]. So a server, a CI job or an SSH session with no
//! keychain works by setting the variable, and a [`crate::Error::KeychainUnavailable`] message
//! points there. The variable is read, never written, and nothing here stores it.

/// The environment variable holding the Xano Metadata API token for headless use.
pub const XANO_TOKEN_ENV: &str = "XANO_TOKEN";

/// The Xano token from `XANO_TOKEN`: trimmed; `None` when unset, blank, or not valid Unicode.
///
/// Check this before the keychain. The value is a secret: wrap it (e.g. in `xano::XanoToken`)
/// and never log it.
pub fn xano_token_from_env() -> Option<String> {
    token_from_value(std::env::var(XANO_TOKEN_ENV).ok().as_deref())
}

/// The rule of [`xano_token_from_env`] on a given value (testable without touching the
/// process environment).
fn token_from_value(value: Option<&str>) -> Option<String> {
    let trimmed = value?.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trimmed_and_blank_means_none() {
        assert_eq!(token_from_value(None), None);
        assert_eq!(token_from_value(Some("")), None);
        assert_eq!(token_from_value(Some("  \n\t")), None);
        assert_eq!(
            token_from_value(Some("  eyJ.abc.def\n")).as_deref(),
            Some("eyJ.abc.def")
        );
    }

    #[test]
    fn reads_the_process_environment() {
        // Whatever the environment of this test run holds, the result follows the rule.
        let raw = std::env::var(XANO_TOKEN_ENV).ok();
        assert_eq!(xano_token_from_env(), token_from_value(raw.as_deref()));
    }
}
