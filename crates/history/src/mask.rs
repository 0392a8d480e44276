//! Secret masking shared by the audit log, the request-history store and the exports.
//!
//! What counts as a secret:
//! - the value of any object key whose name contains `password`, `passwd`, `token`, `secret`,
//!   `authorization`, `api_key`/`apikey`/`api-key`, `cookie`, `session` or `private_key`
//!   (case-insensitive), at any depth;
//! - the value of a header line (`Name: value`) whose name is such a key (`Authorization`,
//!   `Cookie`, `Set-Cookie`, `X-Api-Key`, ...);
//! - inside any text: JWT/JWE-looking strings (`eyJ...` followed by dot-separated base64url
//!   segments), our local tokens (`xmcp_...`), and the credential after `Bearer ` or `Basic `.
//!
//! Every mask is replaced by [`MASK`]. Masking is idempotent (masking masked data changes nothing)
//! and conservative: a false positive hides a harmless value; a false negative would leak a secret,
//! so the key list is broad on purpose.

use serde_json::{Map, Value};
use std::borrow::Cow;

/// What a masked secret reads as.
pub const MASK: &str = "[masked]";

/// Whether an object key or header name names a secret.
pub fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase().replace('-', "_");
    const NEEDLES: [&str; 10] = [
        "password",
        "passwd",
        "token",
        "secret",
        "authorization",
        "api_key",
        "apikey",
        "cookie",
        "session",
        "private_key",
    ];
    NEEDLES.iter().any(|n| k.contains(n))
}

/// Masks every secret in a JSON value, at any depth (see the module docs).
pub fn mask_value(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(mask_map(map)),
        Value::Array(items) => Value::Array(items.iter().map(mask_value).collect()),
        Value::String(s) => Value::String(mask_text(s).into_owned()),
        other => other.clone(),
    }
}

fn mask_map(map: &Map<String, Value>) -> Map<String, Value> {
    map.iter()
        .map(|(k, v)| {
            let masked = if is_secret_key(k) && !v.is_null() {
                Value::String(MASK.to_owned())
            } else {
                mask_value(v)
            };
            (k.clone(), masked)
        })
        .collect()
}

/// Masks secrets inside a piece of text: header lines naming a secret, `Bearer`/`Basic`
/// credentials, JWT-looking strings and `xmcp_` tokens.
pub fn mask_text(text: &str) -> Cow<'_, str> {
    if !might_hold_secret(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        match secret_header_value_start(line) {
            Some(at) => {
                out.push_str(&line[..at]);
                out.push(' ');
                out.push_str(MASK);
                if line.ends_with('\r') {
                    out.push('\r');
                }
            }
            None => mask_tokens_into(line, &mut out),
        }
    }
    if out == text {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(out)
    }
}

/// A cheap pre-check so the common case (no secret) allocates nothing.
fn might_hold_secret(text: &str) -> bool {
    text.contains("eyJ")
        || text.contains("xmcp_")
        || text.contains(':')
        || text.contains("Bearer")
        || text.contains("bearer")
        || text.contains("Basic")
}

/// For a `Name: value` header line whose name is a secret, where the value part starts (just after
/// the colon). `None` for anything else.
fn secret_header_value_start(line: &str) -> Option<usize> {
    let colon = line.find(':')?;
    let name = line[..colon].trim();
    let is_header_name = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    (is_header_name && is_secret_key(name) && !line[colon + 1..].trim().is_empty())
        .then_some(colon + 1)
}

fn is_b64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// Copies `text` into `out`, replacing tokens and credentials with [`MASK`].
fn mask_tokens_into(text: &str, out: &mut String) {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        let boundary = i == 0 || !is_b64url(bytes[i - 1]);
        let end = if boundary {
            jwt_end(bytes, i)
                .or_else(|| local_token_end(bytes, i))
                .map(|e| (i, e))
                .or_else(|| credential_span(bytes, i))
        } else {
            None
        };
        match end {
            Some((start, e)) => {
                out.push_str(&text[copied..start]);
                out.push_str(MASK);
                i = e;
                copied = e;
            }
            None => i += 1,
        }
    }
    out.push_str(&text[copied..]);
}

/// `eyJ` + at least 10 base64url chars, then one or more `.segment`s (a JWT has three parts, a JWE
/// five; the signature may be empty).
fn jwt_end(b: &[u8], start: usize) -> Option<usize> {
    if !b[start..].starts_with(b"eyJ") {
        return None;
    }
    let mut i = start;
    while i < b.len() && is_b64url(b[i]) {
        i += 1;
    }
    if i - start < 13 {
        return None;
    }
    let mut dots = 0;
    while i < b.len() && b[i] == b'.' {
        dots += 1;
        i += 1;
        while i < b.len() && is_b64url(b[i]) {
            i += 1;
        }
    }
    (dots >= 1).then_some(i)
}

/// `xmcp_` + at least 8 base64url chars.
fn local_token_end(b: &[u8], start: usize) -> Option<usize> {
    if !b[start..].starts_with(b"xmcp_") {
        return None;
    }
    let mut i = start + 5;
    while i < b.len() && is_b64url(b[i]) {
        i += 1;
    }
    (i - start - 5 >= 8).then_some(i)
}

/// `Bearer <credential>` / `Basic <credential>`: masks the credential, keeps the scheme word.
fn credential_span(b: &[u8], start: usize) -> Option<(usize, usize)> {
    let rest = &b[start..];
    let scheme_len = [b"bearer ".as_slice(), b"basic ".as_slice()]
        .iter()
        .find(|s| rest.len() >= s.len() && rest[..s.len()].eq_ignore_ascii_case(s))?
        .len();
    let cred_start = start + scheme_len;
    let mut i = cred_start;
    while i < b.len() && (is_b64url(b[i]) || matches!(b[i], b'.' | b'=' | b'+' | b'/' | b'~')) {
        i += 1;
    }
    let cred = &b[cred_start..i];
    // `[masked]` / `[redacted]` start with `[`, so they never match; very short words ("Basic
    // plan") are prose, not credentials.
    (cred.len() >= 8).then_some((cred_start, i))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlX2hlcmU";
    const JWE: &str =
        "eyJhbGciOiJBMjU2S1ciLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIn0.abcDEF123.ghi-456.jkl_789.mno";
    const LOCAL: &str = "xmcp_Qm9vZ2llV29vZ2llQm9vZ2llV29vZ2ll";

    #[test]
    fn secret_keys_are_recognised_in_any_case_and_spelling() {
        for k in [
            "password",
            "new_Password",
            "authToken",
            "api-key",
            "X-API-KEY",
            "client_secret",
            "Authorization",
            "Set-Cookie",
            "session_id",
        ] {
            assert!(is_secret_key(k), "{k}");
        }
        for k in ["email", "name", "table_id", "status", "limit"] {
            assert!(!is_secret_key(k), "{k}");
        }
    }

    #[test]
    fn tokens_inside_text_are_masked_and_the_rest_is_kept() {
        let text = format!("login ok, token={JWT} and {JWE}; local {LOCAL}.");
        let masked = mask_text(&text);
        assert!(!masked.contains("eyJ"), "{masked}");
        assert!(!masked.contains("xmcp_Qm9v"), "{masked}");
        assert_eq!(
            masked,
            "login ok, token=[masked] and [masked]; local [masked]."
        );
    }

    #[test]
    fn header_lines_and_credentials_are_masked() {
        assert_eq!(
            mask_text("Authorization: Bearer abcdefgh12345"),
            "Authorization: [masked]"
        );
        assert_eq!(mask_text("Cookie: sid=abc; theme=dark"), "Cookie: [masked]");
        assert_eq!(
            mask_text("Authorization: [masked]"),
            "Authorization: [masked]"
        );
        assert_eq!(
            mask_text("Content-Type: application/json"),
            "Content-Type: application/json"
        );
        assert_eq!(
            mask_text("curl -H 'x: Bearer s3cr3tv4lue99'"),
            "curl -H 'x: Bearer [masked]'"
        );
        assert_eq!(mask_text("the Basic plan"), "the Basic plan");
    }

    #[test]
    fn masking_is_idempotent_and_deep() {
        let v = json!({
            "user": {"email": "a@b.c", "password": "hunter2", "profile": {"api_key": 42}},
            "list": [{"refresh_token": "r"}, format!("Bearer {JWT}")],
            "note": null,
            "password_hint": null,
        });
        let once = mask_value(&v);
        assert_eq!(
            once,
            json!({
                "user": {"email": "a@b.c", "password": MASK, "profile": {"api_key": MASK}},
                "list": [{"refresh_token": MASK}, "Bearer [masked]"],
                "note": null,
                "password_hint": null,
            })
        );
        assert_eq!(mask_value(&once), once);
    }

    #[test]
    fn lookalikes_are_left_alone() {
        for s in ["keyJar.x.y", "eyJshort.x", "xmcp_ab", "myxmcp_token_value"] {
            assert_eq!(mask_text(s), s, "{s}");
        }
    }
}
