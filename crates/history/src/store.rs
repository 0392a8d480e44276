//! The SQLite file behind the history: opening, connection settings, and migrations.
//!
//! Invariants:
//! - One file per data folder, in WAL mode, with a busy timeout (the app and the CLI may have it
//!   open at once) and foreign keys on.
//! - The schema is the numbered SQL files in `migrations/`, embedded in the binary and applied in
//!   order inside one `BEGIN IMMEDIATE` transaction each; `PRAGMA user_version` records the last one
//!   applied, so two processes opening a fresh file at once apply each migration exactly once.
//! - A file from a newer version is refused ([`Error::SchemaTooNew`]), never modified.
//! - [`HistoryStore`] is `Send + Sync`: one connection behind a mutex. Every operation is short
//!   (one statement or one page-sized transaction), so callers on async runtimes may call it
//!   directly or through `spawn_blocking` for large exports.

use crate::error::{Error, Result};
use rusqlite::OpenFlags;
use rusqlite::{Connection, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// The migrations, in order. A migration is never edited once released: add a new file instead.
const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/0001_tool_call.sql")),
    (2, include_str!("../migrations/0002_request_history.sql")),
];

/// How long a writer waits for another process's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The history database: the MCP call audit log and the synced Xano request history.
#[derive(Debug)]
pub struct HistoryStore {
    conn: Mutex<Connection>,
    /// The file, for extra read-only connections (long exports); `None` in memory.
    path: Option<PathBuf>,
}

impl HistoryStore {
    /// Opens (creating if needed) the database at `path`, creating its parent folders, and brings
    /// its schema up to date.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| Error::CreateDir {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let conn = Connection::open(path)?;
        let mut store = Self::from_connection(conn)?;
        store.path = Some(path.to_path_buf());
        Ok(store)
    }

    /// A private in-memory database (tests, demos).
    pub fn open_in_memory() -> Result<Self> {
        Self::from_connection(Connection::open_in_memory()?)
    }

    fn from_connection(mut conn: Connection) -> Result<Self> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // `journal_mode` answers with the mode in effect ("memory" for in-memory databases).
        let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Bounds the work of `PRAGMA optimize` (run after syncs) on large tables.
        conn.pragma_update(None, "analysis_limit", 2000)?;
        migrate(&mut conn)?;
        Ok(Self {
            conn: Mutex::new(conn),
            path: None,
        })
    }

    /// Runs `f` with the connection. A panic in another caller does not make the store unusable:
    /// SQLite rolled back whatever transaction that caller had open.
    pub(crate) fn with_conn<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let mut guard = self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut guard)
    }

    /// Runs a long read with its own read-only connection when the store is a file (WAL lets it
    /// read a consistent snapshot while writers go on); in memory, with the shared connection.
    pub(crate) fn with_read_conn<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T>,
    ) -> Result<T> {
        match &self.path {
            Some(path) => {
                let mut conn = Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                conn.busy_timeout(BUSY_TIMEOUT)?;
                f(&mut conn)
            }
            None => self.with_conn(f),
        }
    }

    /// Refreshes the query planner's statistics (SQLite `ANALYZE`, sampled). The sync does the
    /// cheap form of this after each run; call it after a large [`HistoryStore::import_requests`].
    pub fn optimize(&self) -> Result<()> {
        self.with_conn(|c| {
            c.execute_batch("PRAGMA optimize = 0x10002;")?;
            Ok(())
        })
    }

    /// The schema version of the open file (the number of the last migration applied).
    pub fn schema_version(&self) -> Result<i64> {
        self.with_conn(|c| Ok(c.query_row("PRAGMA user_version", [], |r| r.get(0))?))
    }
}

/// The newest schema version this build knows.
pub(crate) fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |(v, _)| *v)
}

fn migrate(conn: &mut Connection) -> Result<()> {
    let supported = latest_version();
    for (version, sql) in MIGRATIONS {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if current > supported {
            return Err(Error::SchemaTooNew {
                found: current,
                supported,
            });
        }
        if current < *version {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", version)?;
        }
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_creates_folders_and_reopens_without_reapplying() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a").join("b").join("history.sqlite");
        let store = HistoryStore::open(&path).expect("open");
        assert_eq!(store.schema_version().expect("version"), latest_version());
        let mode: String = store
            .with_conn(|c| Ok(c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?))
            .expect("mode");
        assert_eq!(mode, "wal");
        drop(store);
        let again = HistoryStore::open(&path).expect("reopen");
        assert_eq!(again.schema_version().expect("version"), latest_version());
    }

    #[test]
    fn a_newer_schema_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("history.sqlite");
        {
            let c = Connection::open(&path).expect("raw open");
            c.pragma_update(None, "user_version", latest_version() + 1)
                .expect("bump");
        }
        let err = HistoryStore::open(&path).expect_err("must refuse");
        assert!(matches!(err, Error::SchemaTooNew { .. }), "{err}");
        let c = Connection::open(&path).expect("raw open");
        let v: i64 = c
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("version");
        assert_eq!(v, latest_version() + 1);
    }

    #[test]
    fn the_store_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<HistoryStore>();
    }
}
