//! Local access tokens: what each AI client presents to our MCP server.
//!
//! A token is `xmcp_` + 256 random bits in base64url (the prefix lets secret scanners recognise a
//! leaked one). It is shown once, at creation; only its SHA-256 is stored (a slow password hash
//! buys nothing for 256 random bits). Each token carries its grant: a tier, a workspace allowlist
//! (empty = every workspace), an optional table allowlist, an optional expiry, an approval policy
//! and an optional rate limit. Revocation and expiry are read from the database on every
//! authentication, so they apply on the next call in every process sharing the file.

use base64::Engine as _;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::Mutex;

/// What every local token starts with.
pub const TOKEN_PREFIX: &str = "xmcp_";

/// How precise "last used" is. Every authenticated request used to write the time, and with
/// SQLite's default `synchronous = FULL` that was an fsync per MCP request (the benchmark's
/// breakdown showed it: the same server ran 1.5x faster with its home on tmpfs). A minute is as
/// precise as the UI shows it; revocations and creations still commit durably.
pub const LAST_USED_RESOLUTION_MS: i64 = 60_000;

/// What a token may do (DESIGN §4, as in the seed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessTier {
    /// Workspaces, schemas, content, request history: reading only.
    ReadOnly,
    /// Plus content writes and table create/update.
    ReadWrite,
    /// Plus deletes, truncation, drops.
    FullAccess,
}

impl AccessTier {
    pub fn as_str(self) -> &'static str {
        match self {
            AccessTier::ReadOnly => "read_only",
            AccessTier::ReadWrite => "read_write",
            AccessTier::FullAccess => "full_access",
        }
    }

    /// Parses `read_only`, `read-only`, `ro`, `read_write`, `rw`, `full_access`, `full`.
    pub fn parse(text: &str) -> Option<Self> {
        match text
            .trim()
            .to_ascii_lowercase()
            .replace(['-', ' '], "_")
            .as_str()
        {
            "read_only" | "readonly" | "ro" | "read" => Some(AccessTier::ReadOnly),
            "read_write" | "readwrite" | "rw" | "write" => Some(AccessTier::ReadWrite),
            "full_access" | "full" | "admin" => Some(AccessTier::FullAccess),
            _ => None,
        }
    }

    /// How the UI names it.
    pub fn label(self) -> &'static str {
        match self {
            AccessTier::ReadOnly => "Read Only",
            AccessTier::ReadWrite => "Read/Write",
            AccessTier::FullAccess => "Full Access",
        }
    }
}

/// When a call must wait for the user's approval in the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalPolicy {
    #[default]
    Off,
    /// Deletes, truncations and drops wait for approval.
    Destructive,
    /// Every write waits for approval.
    AllWrites,
}

impl ApprovalPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalPolicy::Off => "off",
            ApprovalPolicy::Destructive => "destructive",
            ApprovalPolicy::AllWrites => "all_writes",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text
            .trim()
            .to_ascii_lowercase()
            .replace(['-', ' '], "_")
            .as_str()
        {
            "off" | "none" | "never" => Some(ApprovalPolicy::Off),
            "destructive" => Some(ApprovalPolicy::Destructive),
            "all_writes" | "all" | "writes" => Some(ApprovalPolicy::AllWrites),
            _ => None,
        }
    }
}

/// The grant of a token to create.
#[derive(Debug, Clone, PartialEq)]
pub struct NewLocalToken {
    pub name: String,
    pub tier: AccessTier,
    /// Empty = every workspace.
    pub workspaces: Vec<i64>,
    /// `None` = every table; else table names or ids (as text).
    pub tables: Option<Vec<String>>,
    pub expires_at_ms: Option<i64>,
    pub approval: ApprovalPolicy,
    /// Calls per minute; `None` = the server's default.
    pub rate_limit_per_minute: Option<u32>,
}

/// A stored token (never the token itself).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocalTokenInfo {
    pub id: i64,
    pub name: String,
    pub tier: AccessTier,
    pub workspaces: Vec<i64>,
    pub tables: Option<Vec<String>>,
    pub expires_at_ms: Option<i64>,
    pub approval: ApprovalPolicy,
    pub rate_limit_per_minute: Option<u32>,
    pub created_at_ms: i64,
    pub last_used_at_ms: Option<i64>,
    pub revoked_at_ms: Option<i64>,
}

impl LocalTokenInfo {
    /// Usable at `now`: not revoked, not expired.
    pub fn is_active(&self, now_ms: i64) -> bool {
        self.revoked_at_ms.is_none() && self.expires_at_ms.is_none_or(|e| now_ms < e)
    }

    /// Whether the grant covers a workspace.
    pub fn allows_workspace(&self, ws: i64) -> bool {
        self.workspaces.is_empty() || self.workspaces.contains(&ws)
    }
}

/// The answer to "who presents this token?".
#[derive(Debug, Clone, PartialEq)]
pub enum AuthOutcome {
    Valid(LocalTokenInfo),
    Revoked(LocalTokenInfo),
    Expired(LocalTokenInfo),
    Unknown,
}

/// Errors of the token store.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("a token named `{0}` already exists; revoke it first or choose another name")]
    NameTaken(String),
    #[error("there is no token named `{0}`; `xano-mcp token list` shows them")]
    NotFound(String),
    #[error("token names use 1-40 lowercase letters, digits, `-` or `_` (got `{0}`)")]
    InvalidName(String),
    #[error("the token `{0}` is revoked and cannot be changed; create a new one")]
    Revoked(String),
    #[error(
        "the token database {path} could not be used: {source}. Check the folder is writable, or move it with XANO_MCP_HOME."
    )]
    Database {
        path: String,
        source: rusqlite::Error,
    },
    #[error("the system random generator failed: {0}")]
    Random(String),
}

type Result<T> = std::result::Result<T, TokenError>;

const MIGRATIONS: &[&str] = &[r#"
CREATE TABLE IF NOT EXISTS local_tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    token_sha256 TEXT NOT NULL UNIQUE,
    tier TEXT NOT NULL,
    workspaces TEXT NOT NULL,
    tables TEXT,
    expires_at_ms INTEGER,
    approval TEXT NOT NULL,
    rate_limit_per_minute INTEGER,
    created_at_ms INTEGER NOT NULL,
    last_used_at_ms INTEGER,
    revoked_at_ms INTEGER
);
"#];

/// The local token database.
#[derive(Debug)]
pub struct TokenStore {
    conn: Mutex<Connection>,
    path: String,
}

fn hash(token: &str) -> String {
    let digest = Sha256::digest(token.trim().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh token: `xmcp_` + 256 random bits, base64url without padding.
pub fn generate() -> std::result::Result<String, TokenError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| TokenError::Random(e.to_string()))?;
    Ok(format!(
        "{TOKEN_PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    ))
}

impl TokenStore {
    /// Opens (creating) the database at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(parent) = path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let shown = path.display().to_string();
        let db = |source| TokenError::Database {
            path: shown.clone(),
            source,
        };
        let conn = Connection::open(path).map_err(db)?;
        Self::init(conn, shown)
    }

    /// An in-memory database (tests).
    pub fn open_in_memory() -> Result<Self> {
        let conn = Connection::open_in_memory().map_err(|source| TokenError::Database {
            path: ":memory:".into(),
            source,
        })?;
        Self::init(conn, ":memory:".into())
    }

    fn init(conn: Connection, path: String) -> Result<Self> {
        let db = |source| TokenError::Database {
            path: path.clone(),
            source,
        };
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(db)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(db)?;
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(db)?;
        for (i, sql) in MIGRATIONS
            .iter()
            .enumerate()
            .skip(usize::try_from(version).unwrap_or(0))
        {
            conn.execute_batch(sql).map_err(db)?;
            conn.pragma_update(None, "user_version", i as i64 + 1)
                .map_err(db)?;
        }
        Ok(Self {
            conn: Mutex::new(conn),
            path,
        })
    }

    fn db(&self, source: rusqlite::Error) -> TokenError {
        TokenError::Database {
            path: self.path.clone(),
            source,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Creates a token; returns the plain token (show it once) and its record.
    pub fn create(&self, grant: &NewLocalToken, now_ms: i64) -> Result<(String, LocalTokenInfo)> {
        if crate::validate_name("token", &grant.name).is_err() {
            return Err(TokenError::InvalidName(grant.name.clone()));
        }
        let token = generate()?;
        let conn = self.lock();
        let taken: Option<i64> = conn
            .query_row(
                "SELECT id FROM local_tokens WHERE name = ?1",
                [&grant.name],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.db(e))?;
        if taken.is_some() {
            return Err(TokenError::NameTaken(grant.name.clone()));
        }
        conn.execute(
            "INSERT INTO local_tokens (name, token_sha256, tier, workspaces, tables, expires_at_ms, approval, rate_limit_per_minute, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                grant.name,
                hash(&token),
                grant.tier.as_str(),
                serde_json::to_string(&grant.workspaces).unwrap_or_else(|_| "[]".into()),
                grant.tables.as_ref().map(|t| serde_json::to_string(t).unwrap_or_else(|_| "[]".into())),
                grant.expires_at_ms,
                grant.approval.as_str(),
                grant.rate_limit_per_minute,
                now_ms,
            ],
        )
        .map_err(|e| self.db(e))?;
        let id = conn.last_insert_rowid();
        drop(conn);
        let info = self
            .by_id(id)?
            .ok_or_else(|| TokenError::NotFound(grant.name.clone()))?;
        Ok((token, info))
    }

    /// Who presents `token`, without marking it used: for looking at a token a client config
    /// holds (the AI apps list, `clients list`), which must not make an idle token look used.
    pub fn identify(&self, token: &str, now_ms: i64) -> Result<AuthOutcome> {
        let token = token.trim();
        if !token.starts_with(TOKEN_PREFIX) {
            return Ok(AuthOutcome::Unknown);
        }
        let info = self
            .lock()
            .prepare_cached(&format!("{SELECT} WHERE token_sha256 = ?1"))
            .and_then(|mut stmt| stmt.query_row([hash(token)], row_to_info).optional())
            .map_err(|e| self.db(e))?;
        Ok(match info {
            None => AuthOutcome::Unknown,
            Some(info) if info.revoked_at_ms.is_some() => AuthOutcome::Revoked(info),
            Some(info) if info.expires_at_ms.is_some_and(|e| now_ms >= e) => {
                AuthOutcome::Expired(info)
            }
            Some(info) => AuthOutcome::Valid(info),
        })
    }

    /// Who presents `token` to be served; updates the last-used time of a valid one (at most
    /// once per [`LAST_USED_RESOLUTION_MS`], so authenticating is a read, not a disk write, on the
    /// hot path).
    pub fn authenticate(&self, token: &str, now_ms: i64) -> Result<AuthOutcome> {
        let info = match self.identify(token, now_ms)? {
            AuthOutcome::Valid(info) => info,
            other => return Ok(other),
        };
        let stale = info
            .last_used_at_ms
            .is_none_or(|t| now_ms.saturating_sub(t) >= LAST_USED_RESOLUTION_MS || now_ms < t);
        if !stale {
            return Ok(AuthOutcome::Valid(info));
        }
        self.lock()
            .prepare_cached("UPDATE local_tokens SET last_used_at_ms = ?1 WHERE id = ?2")
            .and_then(|mut stmt| stmt.execute(params![now_ms, info.id]))
            .map_err(|e| self.db(e))?;
        Ok(AuthOutcome::Valid(LocalTokenInfo {
            last_used_at_ms: Some(now_ms),
            ..info
        }))
    }

    /// A token's current record, by id (to re-check revocation and expiry on each call).
    pub fn by_id(&self, id: i64) -> Result<Option<LocalTokenInfo>> {
        self.lock()
            .prepare_cached(&format!("{SELECT} WHERE id = ?1"))
            .and_then(|mut stmt| stmt.query_row([id], row_to_info).optional())
            .map_err(|e| self.db(e))
    }

    /// A token's current record, by name.
    pub fn by_name(&self, name: &str) -> Result<Option<LocalTokenInfo>> {
        self.lock()
            .query_row(&format!("{SELECT} WHERE name = ?1"), [name], row_to_info)
            .optional()
            .map_err(|e| self.db(e))
    }

    /// Every token, newest first (revoked ones included, marked).
    pub fn list(&self) -> Result<Vec<LocalTokenInfo>> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare(&format!("{SELECT} ORDER BY created_at_ms DESC, id DESC"))
            .map_err(|e| self.db(e))?;
        let rows = stmt.query_map([], row_to_info).map_err(|e| self.db(e))?;
        rows.collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| self.db(e))
    }

    /// Revokes a token by name; it stops working on the next call. Returns false if it was already revoked.
    pub fn revoke(&self, name: &str, now_ms: i64) -> Result<bool> {
        let conn = self.lock();
        let exists: Option<Option<i64>> = conn
            .query_row(
                "SELECT revoked_at_ms FROM local_tokens WHERE name = ?1",
                [name],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.db(e))?;
        match exists {
            None => Err(TokenError::NotFound(name.to_owned())),
            Some(Some(_)) => Ok(false),
            Some(None) => {
                conn.execute(
                    "UPDATE local_tokens SET revoked_at_ms = ?1 WHERE name = ?2",
                    params![now_ms, name],
                )
                .map_err(|e| self.db(e))?;
                Ok(true)
            }
        }
    }

    /// Changes what a token may do (tier, workspaces, tables, expiry, approval, rate limit), found
    /// by `grant.name`. The secret stays the same, so clients keep working; the new grant applies
    /// from their next call, in every process. A revoked token cannot be changed.
    pub fn update(&self, grant: &NewLocalToken) -> Result<LocalTokenInfo> {
        let conn = self.lock();
        let revoked: Option<Option<i64>> = conn
            .query_row(
                "SELECT revoked_at_ms FROM local_tokens WHERE name = ?1",
                [&grant.name],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.db(e))?;
        match revoked {
            None => return Err(TokenError::NotFound(grant.name.clone())),
            Some(Some(_)) => return Err(TokenError::Revoked(grant.name.clone())),
            Some(None) => {}
        }
        conn.execute(
            "UPDATE local_tokens SET tier = ?1, workspaces = ?2, tables = ?3, expires_at_ms = ?4, approval = ?5, rate_limit_per_minute = ?6 WHERE name = ?7",
            params![
                grant.tier.as_str(),
                serde_json::to_string(&grant.workspaces).unwrap_or_else(|_| "[]".into()),
                grant.tables.as_ref().map(|t| serde_json::to_string(t).unwrap_or_else(|_| "[]".into())),
                grant.expires_at_ms,
                grant.approval.as_str(),
                grant.rate_limit_per_minute,
                grant.name,
            ],
        )
        .map_err(|e| self.db(e))?;
        conn.query_row(
            &format!("{SELECT} WHERE name = ?1"),
            [&grant.name],
            row_to_info,
        )
        .map_err(|e| self.db(e))
    }

    /// Deletes a revoked token's record so its name can be reused.
    pub fn forget(&self, name: &str) -> Result<bool> {
        let n = self
            .lock()
            .execute(
                "DELETE FROM local_tokens WHERE name = ?1 AND revoked_at_ms IS NOT NULL",
                [name],
            )
            .map_err(|e| self.db(e))?;
        Ok(n > 0)
    }
}

const SELECT: &str = "SELECT id, name, tier, workspaces, tables, expires_at_ms, approval, rate_limit_per_minute, created_at_ms, last_used_at_ms, revoked_at_ms FROM local_tokens";

fn row_to_info(row: &rusqlite::Row<'_>) -> rusqlite::Result<LocalTokenInfo> {
    let tier: String = row.get(2)?;
    let workspaces: String = row.get(3)?;
    let tables: Option<String> = row.get(4)?;
    let approval: String = row.get(6)?;
    Ok(LocalTokenInfo {
        id: row.get(0)?,
        name: row.get(1)?,
        tier: AccessTier::parse(&tier).unwrap_or(AccessTier::ReadOnly),
        workspaces: serde_json::from_str(&workspaces).unwrap_or_default(),
        tables: tables.and_then(|t| serde_json::from_str(&t).ok()),
        expires_at_ms: row.get(5)?,
        approval: ApprovalPolicy::parse(&approval).unwrap_or_default(),
        rate_limit_per_minute: row.get(7)?,
        created_at_ms: row.get(8)?,
        last_used_at_ms: row.get(9)?,
        revoked_at_ms: row.get(10)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(name: &str) -> NewLocalToken {
        NewLocalToken {
            name: name.into(),
            tier: AccessTier::ReadWrite,
            workspaces: vec![1],
            tables: None,
            expires_at_ms: Some(10_000),
            approval: ApprovalPolicy::Destructive,
            rate_limit_per_minute: None,
        }
    }

    #[test]
    fn update_changes_the_grant_not_the_secret() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("tokens.sqlite3");
        let store = TokenStore::open(&path).expect("open");
        let mut g = grant("cursor");
        g.expires_at_ms = None;
        let (token, before) = store.create(&g, 1_000).expect("create");
        let changed = NewLocalToken {
            tier: AccessTier::FullAccess,
            workspaces: vec![3, 4],
            tables: Some(vec!["orders".into()]),
            expires_at_ms: Some(50_000),
            approval: ApprovalPolicy::AllWrites,
            rate_limit_per_minute: Some(7),
            ..g.clone()
        };
        let after = store.update(&changed).expect("update");
        assert_eq!(
            (after.id, after.created_at_ms, &after.name),
            (before.id, before.created_at_ms, &before.name)
        );
        assert_eq!(after.tier, AccessTier::FullAccess);
        assert_eq!(after.workspaces, [3, 4]);
        assert_eq!(after.tables.as_deref(), Some(&["orders".to_owned()][..]));
        assert_eq!(after.approval, ApprovalPolicy::AllWrites);
        assert_eq!(after.rate_limit_per_minute, Some(7));
        // The same secret authenticates, with the new grant, seen by another connection too.
        let other = TokenStore::open(&path).expect("open again");
        assert!(matches!(
            other.authenticate(&token, 2_000).expect("auth"),
            AuthOutcome::Valid(i) if i.tier == AccessTier::FullAccess && i.workspaces == [3, 4]
        ));
        assert!(matches!(
            other.authenticate(&token, 60_000).expect("auth"),
            AuthOutcome::Expired(_)
        ));
        assert!(matches!(
            store.update(&NewLocalToken { name: "nobody".into(), ..changed.clone() }),
            Err(TokenError::NotFound(n)) if n == "nobody"
        ));
        assert!(store.revoke("cursor", 3_000).expect("revoke"));
        let downgrade = NewLocalToken {
            tier: AccessTier::ReadOnly,
            ..changed.clone()
        };
        assert!(matches!(
            store.update(&downgrade),
            Err(TokenError::Revoked(_))
        ));
        assert_eq!(
            store.by_name("cursor").expect("read").map(|i| i.tier),
            Some(AccessTier::FullAccess),
            "a refused update changes nothing"
        );
    }

    #[test]
    fn last_used_is_written_at_most_once_per_resolution() {
        let store = TokenStore::open_in_memory().expect("open");
        let mut g = grant("cursor");
        g.expires_at_ms = None;
        let (token, _) = store.create(&g, 1_000).expect("create");
        let last_used = |now| match store.authenticate(&token, now).expect("auth") {
            AuthOutcome::Valid(i) => i.last_used_at_ms,
            other => panic!("{other:?}"),
        };
        assert_eq!(last_used(2_000), Some(2_000));
        // Within the resolution the stored time stays (no write per request) ...
        assert_eq!(last_used(2_000 + LAST_USED_RESOLUTION_MS - 1), Some(2_000));
        let stored = |store: &TokenStore| {
            store
                .by_name("cursor")
                .expect("read")
                .map(|i| i.last_used_at_ms)
        };
        assert_eq!(stored(&store), Some(Some(2_000)));
        // ... and moves once it is older than that.
        let later = 2_000 + LAST_USED_RESOLUTION_MS;
        assert_eq!(last_used(later), Some(later));
        assert_eq!(stored(&store), Some(Some(later)));
    }

    #[test]
    fn identifying_a_token_does_not_mark_it_used() {
        let store = TokenStore::open_in_memory().expect("open");
        let mut g = grant("cursor");
        g.expires_at_ms = Some(50_000);
        let (token, _) = store.create(&g, 1_000).expect("create");
        let last_used = || {
            store
                .by_name("cursor")
                .expect("read")
                .expect("token")
                .last_used_at_ms
        };
        assert!(
            matches!(store.identify(&token, 2_000).expect("identify"), AuthOutcome::Valid(i) if i.name == "cursor")
        );
        assert_eq!(last_used(), None, "looking is not using");
        assert!(matches!(
            store.identify(&token, 50_000).expect("identify"),
            AuthOutcome::Expired(_)
        ));
        assert!(matches!(
            store.identify("xmcp_nope", 2_000).expect("identify"),
            AuthOutcome::Unknown
        ));
        store.authenticate(&token, 3_000).expect("auth");
        assert_eq!(last_used(), Some(3_000), "serving is using");
        store.revoke("cursor", 4_000).expect("revoke");
        assert!(matches!(
            store.identify(&token, 4_000).expect("identify"),
            AuthOutcome::Revoked(_)
        ));
    }

    #[test]
    fn tokens_are_stored_as_hashes_and_authenticate() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("tokens.sqlite3");
        let store = TokenStore::open(&path).expect("open");
        let (token, info) = store.create(&grant("cursor"), 1_000).expect("create");
        assert!(token.starts_with("xmcp_") && token.len() == 48, "{token}");
        assert_eq!(info.tier, AccessTier::ReadWrite);
        let bytes = std::fs::read_dir(dir.path())
            .expect("dir")
            .flatten()
            .flat_map(|e| std::fs::read(e.path()).unwrap_or_default())
            .collect::<Vec<u8>>();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(&token),
            "the token is never stored in clear"
        );

        assert!(
            matches!(store.authenticate(&token, 2_000).expect("auth"), AuthOutcome::Valid(i) if i.name == "cursor" && i.last_used_at_ms == Some(2_000))
        );
        assert_eq!(
            store.authenticate("xmcp_nope", 2_000).expect("auth"),
            AuthOutcome::Unknown
        );
        assert!(matches!(
            store.authenticate(&token, 10_000).expect("auth"),
            AuthOutcome::Expired(_)
        ));

        // Another connection (another process) sees the revocation at once.
        let other = TokenStore::open(&path).expect("open again");
        assert!(other.revoke("cursor", 3_000).expect("revoke"));
        assert!(!other.revoke("cursor", 3_000).expect("again"));
        assert!(matches!(
            store.authenticate(&token, 4_000).expect("auth"),
            AuthOutcome::Revoked(_)
        ));
        assert!(matches!(
            store.create(&grant("cursor"), 5_000),
            Err(TokenError::NameTaken(_))
        ));
        assert!(store.forget("cursor").expect("forget"));
        store
            .create(&grant("cursor"), 6_000)
            .expect("name reusable after forget");
        assert!(matches!(
            store.revoke("nobody", 1),
            Err(TokenError::NotFound(_))
        ));
        assert!(matches!(
            store.create(&grant("Bad Name"), 1),
            Err(TokenError::InvalidName(_))
        ));
    }

    #[test]
    fn tiers_and_policies_parse_their_spellings() {
        assert_eq!(AccessTier::parse("read-only"), Some(AccessTier::ReadOnly));
        assert_eq!(AccessTier::parse("RW"), Some(AccessTier::ReadWrite));
        assert_eq!(AccessTier::parse("full"), Some(AccessTier::FullAccess));
        assert_eq!(AccessTier::parse("root"), None);
        assert_eq!(
            ApprovalPolicy::parse("all-writes"),
            Some(ApprovalPolicy::AllWrites)
        );
    }
}
