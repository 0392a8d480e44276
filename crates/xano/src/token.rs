//! The Xano Metadata API token. It only leaves this type as an `Authorization` header value marked
//! sensitive; `Debug` shows it redacted and there is no `Display`.

use secrecy::{ExposeSecret, SecretString};

/// A Xano Metadata API access token.
#[derive(Clone)]
pub struct XanoToken(SecretString);

impl XanoToken {
    /// Wraps a token, trimming the whitespace a paste often carries and an accidental `Bearer `.
    pub fn new(token: impl Into<String>) -> Self {
        let raw: String = token.into();
        let trimmed = raw.trim();
        let bare = trimmed
            .strip_prefix("Bearer ")
            .or_else(|| trimmed.strip_prefix("bearer "))
            .unwrap_or(trimmed)
            .trim();
        Self(SecretString::from(bare.to_owned()))
    }

    /// True when nothing usable was given.
    pub fn is_empty(&self) -> bool {
        self.0.expose_secret().is_empty()
    }

    /// The `Authorization` header value, marked sensitive so header dumps redact it.
    pub(crate) fn header_value(&self) -> Option<http::HeaderValue> {
        let mut value =
            http::HeaderValue::from_str(&format!("Bearer {}", self.0.expose_secret())).ok()?;
        value.set_sensitive(true);
        Some(value)
    }

    /// The secret itself, for the one place that must store it (the OS keychain).
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl std::fmt::Debug for XanoToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("XanoToken([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted_and_paste_noise_is_trimmed() {
        let token = XanoToken::new("  Bearer eyJhbGciOiJIUzI1NiJ9.secret-part \n");
        assert_eq!(token.expose(), "eyJhbGciOiJIUzI1NiJ9.secret-part");
        let debug = format!("{token:?}");
        assert!(!debug.contains("secret-part"), "{debug}");
        assert!(debug.contains("redacted"));
        let header = token.header_value().expect("valid header");
        assert!(header.is_sensitive());
        assert!(!format!("{header:?}").contains("secret-part"));
    }

    #[test]
    fn empty_token_is_detected() {
        assert!(XanoToken::new("   ").is_empty());
        assert!(!XanoToken::new("x").is_empty());
    }
}
