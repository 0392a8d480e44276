//! Human-readable previews: a unified diff of a config file, with secrets masked.
//!
//! Invariant: every preview string this crate produces (diffs, command lines, CLI output in
//! errors) goes through [`mask_secrets`], so a local token never reaches a screen or a log. The
//! bytes written to disk are not masked.

use similar::TextDiff;

const TOKEN_PREFIX: &str = "xmcp_";

/// Masks local tokens (`xmcp_…`) and any other bearer credential (`Bearer …`) in `text`.
pub fn mask_secrets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let next_token = rest.find(TOKEN_PREFIX);
        let next_bearer = find_bearer(rest);
        let token_first = match (next_token, next_bearer) {
            (Some(t), Some(b)) => t <= b,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => {
                out.push_str(rest);
                break;
            }
        };
        if let (true, Some(t)) = (token_first, next_token) {
            out.push_str(&rest[..t]);
            out.push_str(TOKEN_PREFIX);
            out.push('…');
            rest = rest[t + TOKEN_PREFIX.len()..].trim_start_matches(is_token_char);
        } else if let Some(b) = next_bearer {
            // `b` points just past "Bearer "; our own tokens keep their visible prefix.
            out.push_str(&rest[..b]);
            rest = &rest[b..];
            if !rest.starts_with(TOKEN_PREFIX) {
                out.push('…');
                rest = rest.trim_start_matches(|c: char| {
                    !(c.is_whitespace() || c == '"' || c == '\'' || c == ',')
                });
            }
        }
    }
    out
}

/// The byte offset just after the first `Bearer ` that is followed by a credential.
fn find_bearer(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find("Bearer ") {
        let end = from + i + "Bearer ".len();
        if text[end..]
            .chars()
            .next()
            .is_some_and(|c| !(c.is_whitespace() || c == '"' || c == '\''))
        {
            return Some(end);
        }
        from = end;
    }
    None
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// A unified diff from `before` to `after` (three lines of context), labelled with `label`, with
/// secrets masked. Empty when the texts are equal.
pub(crate) fn unified(label: &str, before: Option<&str>, after: &str) -> String {
    let old = before.unwrap_or("");
    if before == Some(after) {
        return String::new();
    }
    let old_label = if before.is_some() {
        format!("{label} (current)")
    } else {
        format!("{label} (new file)")
    };
    let diff = TextDiff::from_lines(old, after)
        .unified_diff()
        .context_radius(3)
        .header(&old_label, &format!("{label} (after)"))
        .to_string();
    mask_secrets(&diff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_local_tokens_and_other_bearers() {
        let token = format!("xmcp_{}", "A1-_".repeat(11));
        let text = format!(
            "\"Authorization\": \"Bearer {token}\",\n\"other\": \"Bearer sk-live-123\", x {token}"
        );
        assert_eq!(
            mask_secrets(&text),
            "\"Authorization\": \"Bearer xmcp_…\",\n\"other\": \"Bearer …\", x xmcp_…"
        );
    }

    #[test]
    fn leaves_plain_text_alone() {
        let text = "bearer of news\n{\"a\": \"Bearer \"}\nnothing é here";
        assert_eq!(mask_secrets(text), text);
    }

    #[test]
    fn equal_texts_have_no_diff() {
        assert_eq!(unified("f", Some("a\n"), "a\n"), "");
        assert!(unified("f", None, "a\n").contains("+a"));
    }
}
