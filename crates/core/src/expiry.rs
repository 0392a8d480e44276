//! Token expiry: where we learn it and how it is surfaced.
//!
//! Xano's tokens expire (7 days by default, 1 hour up to never), but `/auth/me` does not say when.
//! We learn it in two ways: from the token itself when it is a readable JWT with an `exp` claim
//! ([`expiry_from_token`]; Xano's own tokens are usually encrypted, so this is often `None`), or
//! from the user, who picked the lifetime when creating it. The profile keeps it
//! (`token_expires_at`, unix seconds), and [`TokenExpiry::at`] turns it into days left and a
//! status, warning from [`EXPIRY_WARNING_SECS`] before the end.

use base64::Engine as _;
use serde::Serialize;

/// A warning is shown from this long before the token expires: 2 days.
pub const EXPIRY_WARNING_SECS: i64 = 2 * SECONDS_PER_DAY;

const SECONDS_PER_DAY: i64 = 86_400;

/// Whether a token is fine, about to expire, or expired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpiryStatus {
    /// More than [`EXPIRY_WARNING_SECS`] left.
    Valid,
    /// At most [`EXPIRY_WARNING_SECS`] left: time to rotate it.
    ExpiresSoon,
    /// Past its expiry.
    Expired,
}

/// What the UI and `doctor` show about a known expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TokenExpiry {
    /// Unix seconds.
    pub expires_at: i64,
    /// Whole days left, rounded down; negative once expired (see `vault::Profile::days_left`).
    pub days_left: i64,
    /// Seconds left at the time it was computed; negative once expired.
    pub seconds_left: i64,
    pub status: ExpiryStatus,
}

impl TokenExpiry {
    /// The expiry `expires_at` seen at `now` (both unix seconds).
    pub fn at(expires_at: i64, now: i64) -> Self {
        let left = expires_at.saturating_sub(now);
        Self {
            expires_at,
            days_left: left.div_euclid(SECONDS_PER_DAY),
            seconds_left: left,
            status: if left <= 0 {
                ExpiryStatus::Expired
            } else if left <= EXPIRY_WARNING_SECS {
                ExpiryStatus::ExpiresSoon
            } else {
                ExpiryStatus::Valid
            },
        }
    }

    /// A short phrase: "expires in 5 days", "expires within a day", "expired 2 days ago".
    pub fn describe(&self) -> String {
        match self.status {
            ExpiryStatus::Expired => match self.seconds_left.saturating_neg() / SECONDS_PER_DAY {
                0 => "expired less than a day ago".to_owned(),
                1 => "expired 1 day ago".to_owned(),
                n => format!("expired {n} days ago"),
            },
            _ => match self.days_left {
                0 => "expires within a day".to_owned(),
                1 => "expires in 1 day".to_owned(),
                n => format!("expires in {n} days"),
            },
        }
    }
}

/// The `exp` claim of a token that is a signed, readable JWT (`header.payload.signature`), in
/// unix seconds. `None` for anything else (an encrypted JWE has five parts and no readable claims).
pub fn expiry_from_token(token: &str) -> Option<i64> {
    let mut parts = token.trim().split('.');
    let (_header, payload, _signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let exp = claims.get("exp")?;
    let exp = exp.as_i64().or_else(|| exp.as_f64().map(|f| f as i64))?;
    // Anything before 2001 or past year 9999 is not a real expiry.
    (1_000_000_000..253_402_300_800)
        .contains(&exp)
        .then_some(exp)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_767_225_600;

    #[test]
    fn warns_from_two_days_before() {
        let day = SECONDS_PER_DAY;
        let cases = [
            (10 * day, 10, ExpiryStatus::Valid),
            (2 * day + 1, 2, ExpiryStatus::Valid),
            (2 * day, 2, ExpiryStatus::ExpiresSoon),
            (day + 5, 1, ExpiryStatus::ExpiresSoon),
            (60, 0, ExpiryStatus::ExpiresSoon),
            (0, 0, ExpiryStatus::Expired),
            (-1, -1, ExpiryStatus::Expired),
            (-3 * day, -3, ExpiryStatus::Expired),
        ];
        for (offset, days, status) in cases {
            let e = TokenExpiry::at(NOW + offset, NOW);
            assert_eq!((e.days_left, e.status), (days, status), "offset {offset}");
        }
        assert_eq!(
            TokenExpiry::at(NOW + 5 * day, NOW).describe(),
            "expires in 5 days"
        );
        assert_eq!(
            TokenExpiry::at(NOW + 60, NOW).describe(),
            "expires within a day"
        );
        assert_eq!(
            TokenExpiry::at(NOW - 10, NOW).describe(),
            "expired less than a day ago"
        );
        assert_eq!(
            TokenExpiry::at(NOW - 3 * day, NOW).describe(),
            "expired 3 days ago"
        );
    }

    #[test]
    fn reads_exp_of_a_signed_jwt_only() {
        let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let jws = format!(
            "{}.{}.sig",
            b64(r#"{"alg":"HS256"}"#),
            b64(r#"{"sub":1,"exp":1767830400}"#)
        );
        assert_eq!(expiry_from_token(&jws), Some(1_767_830_400));
        let no_exp = format!("{}.{}.sig", b64("{}"), b64(r#"{"sub":1}"#));
        assert_eq!(expiry_from_token(&no_exp), None);
        let jwe = format!("{}.a.b.c.d", b64(r#"{"alg":"A256KW"}"#));
        assert_eq!(expiry_from_token(&jwe), None);
        assert_eq!(expiry_from_token("not-a-jwt"), None);
        assert_eq!(expiry_from_token("a.!!!.c"), None);
    }
}
