//! Where the Metadata API lives: the account host (`https://app.xano.com/api:meta`, used to
//! validate a token and discover instances) or an instance's own `https://<host>/api:meta`.
//!
//! Users type instance addresses in many forms (`x1.n7.xano.io`, `https://x1.n7.xano.io/`,
//! `https://x1.n7.xano.io/api:meta`, a URL copied from a workspace page). [`MetaBase::parse`]
//! accepts all of them and refuses plain `http://` except on loopback, where only our own Xano
//! double (`xano-sim`) can be.

use crate::error::{Error, Result};
use std::net::IpAddr;
use url::Url;

/// The account ("master") Metadata API base.
pub const ACCOUNT_META_URL: &str = "https://app.xano.com/api:meta";

/// A validated Metadata API base URL, always ending in `/api:meta`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetaBase {
    url: Url,
}

impl MetaBase {
    /// The account host.
    pub fn account() -> Self {
        Self::parse(ACCOUNT_META_URL).unwrap_or_else(|_| unreachable!("constant URL is valid"))
    }

    /// Parses what a user typed or what `/instance` returned as `meta_api`.
    pub fn parse(input: &str) -> Result<Self> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(invalid(input, "it is empty"));
        }
        let with_scheme = if trimmed.contains("://") {
            trimmed.to_owned()
        } else {
            format!("https://{trimmed}")
        };
        let mut url = Url::parse(&with_scheme).map_err(|e| invalid(input, &e.to_string()))?;
        let host = url
            .host_str()
            .ok_or_else(|| invalid(input, "it has no host name"))?
            .to_owned();
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&host) => {}
            "http" => {
                return Err(invalid(
                    input,
                    "plain http:// is only accepted for 127.0.0.1 or localhost; Xano instances use https://",
                ));
            }
            other => {
                return Err(invalid(
                    input,
                    &format!("the scheme `{other}` is not http(s)"),
                ));
            }
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid(
                input,
                "it must not contain a user name or password",
            ));
        }
        // Keep everything up to and including `api:meta` (also percent-encoded, which one third-party
        // reference uses); a bare origin gets `/api:meta` appended. Any other path is refused rather
        // than guessed at.
        let path = url.path().to_owned();
        let lower = path.to_ascii_lowercase();
        let cut = ["/api:meta", "/api%3ameta"]
            .iter()
            .filter_map(|needle| lower.find(needle).map(|i| (i, needle.len())))
            .min_by_key(|(i, _)| *i);
        let new_path = match cut {
            Some((start, _)) => format!("{}/api:meta", &path[..start]),
            None if path.trim_end_matches('/').is_empty() => "/api:meta".to_owned(),
            None => {
                return Err(invalid(
                    input,
                    "expected the instance address, like https://x8ki-letl-twmt.n7.xano.io (find it under Instances → ⚙ → Metadata API)",
                ));
            }
        };
        url.set_path(&new_path);
        url.set_query(None);
        url.set_fragment(None);
        Ok(Self { url })
    }

    /// The base as a string, e.g. `https://x1.n7.xano.io/api:meta`.
    pub fn as_str(&self) -> &str {
        self.url.as_str()
    }

    /// The origin, e.g. `https://x1.n7.xano.io`.
    pub fn origin(&self) -> String {
        self.url.origin().ascii_serialization()
    }

    /// The host name, e.g. `x1.n7.xano.io`.
    pub fn host(&self) -> &str {
        self.url.host_str().unwrap_or_default()
    }

    /// True for the account host.
    pub fn is_account_host(&self) -> bool {
        let host = self.host();
        host == "app.xano.com" || (host.starts_with("app.") && host.ends_with(".xano.com"))
    }

    /// The URL of `path_segments` below the base; segments are percent-encoded as needed.
    pub(crate) fn join(&self, path_segments: &[String]) -> Url {
        let mut url = self.url.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop_if_empty().extend(path_segments);
        }
        url
    }
}

impl std::fmt::Display for MetaBase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

fn invalid(input: &str, why: &str) -> Error {
    Error::InvalidInstanceUrl {
        input: input.trim().chars().take(200).collect(),
        reason: why.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_forms_users_type() {
        for (input, expected) in [
            (
                "x8ki-letl-twmt.n7.xano.io",
                "https://x8ki-letl-twmt.n7.xano.io/api:meta",
            ),
            (
                "https://x8ki-letl-twmt.n7.xano.io",
                "https://x8ki-letl-twmt.n7.xano.io/api:meta",
            ),
            (
                "https://x8ki-letl-twmt.n7.xano.io/",
                "https://x8ki-letl-twmt.n7.xano.io/api:meta",
            ),
            (
                "https://x1.n7.xano.io/api:meta",
                "https://x1.n7.xano.io/api:meta",
            ),
            (
                "https://x1.n7.xano.io/api%3Ameta/",
                "https://x1.n7.xano.io/api:meta",
            ),
            (
                "https://x1.n7.xano.io/api:meta/workspace/1?x=1#y",
                "https://x1.n7.xano.io/api:meta",
            ),
            (
                "  https://api.example.com  ",
                "https://api.example.com/api:meta",
            ),
            ("http://127.0.0.1:8788", "http://127.0.0.1:8788/api:meta"),
            (
                "http://localhost:8788/api:meta",
                "http://localhost:8788/api:meta",
            ),
            ("http://[::1]:9/api:meta", "http://[::1]:9/api:meta"),
        ] {
            let base = MetaBase::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(base.as_str(), expected, "{input}");
        }
    }

    #[test]
    fn refuses_what_cannot_be_an_instance() {
        for input in [
            "",
            "http://x1.n7.xano.io",
            "ftp://x1.n7.xano.io",
            "https://user:pw@x1.n7.xano.io",
            "https://x1.n7.xano.io/workspace/12",
            "http://10.0.0.5:8080",
        ] {
            let err = MetaBase::parse(input).expect_err(input);
            assert!(
                matches!(err, Error::InvalidInstanceUrl { .. }),
                "{input}: {err}"
            );
        }
        let msg = MetaBase::parse("http://x1.n7.xano.io")
            .expect_err("http")
            .to_string();
        assert!(msg.contains("https://"), "{msg}");
    }

    #[test]
    fn joins_segments_with_encoding() {
        let base = MetaBase::parse("https://x1.n7.xano.io").expect("valid");
        let url = base.join(&[
            "workspace".into(),
            "3".into(),
            "branch".into(),
            "my branch/x".into(),
        ]);
        assert_eq!(
            url.as_str(),
            "https://x1.n7.xano.io/api:meta/workspace/3/branch/my%20branch%2Fx"
        );
        assert!(MetaBase::account().is_account_host());
        assert!(!base.is_account_host());
    }
}
