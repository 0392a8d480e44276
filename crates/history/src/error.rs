//! Errors of the history store. Messages name the file or the step and say what to do next.
//! No message carries a secret: values are masked before they are stored, and errors never
//! quote stored values.

use std::path::PathBuf;

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong opening, writing, querying, syncing or exporting the history.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The folder for the database file could not be created.
    #[error("could not create the history folder {}: {source}. Check that your user may write there.", path.display())]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// SQLite refused an operation (file locked for too long, disk full, corrupt file, ...).
    #[error(
        "history database error: {0}. If it persists, close other copies of the app and check free disk space."
    )]
    Sqlite(#[from] rusqlite::Error),

    /// The file was written by a newer version of the app; we do not downgrade it.
    #[error(
        "the history database has schema version {found}, newer than this version understands ({supported}). Update the app, or point it at another data folder."
    )]
    SchemaTooNew { found: i64, supported: i64 },

    /// A stored JSON column did not parse (the file was edited by hand or is damaged).
    #[error("a stored history value is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),

    /// The Xano Metadata API failed during a sync. The sync state records it too.
    #[error("request history sync failed: {0}")]
    Xano(#[from] xano::Error),

    /// Writing an export failed.
    #[error("could not write the export: {0}")]
    Export(#[source] std::io::Error),

    /// A query argument is out of range (e.g. a chart bucket of 0 seconds).
    #[error("invalid history query: {0}")]
    InvalidQuery(String),
}
