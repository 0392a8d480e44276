//! Reading a config file as it is on disk, with the checks every caller needs first: absent,
//! a folder (or something else) in its place, not readable, not UTF-8.
//!
//! Invariant: nothing here writes; `apply` does the writing.

use crate::document::Dialect;
use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// A config file's bytes and the metadata we keep or check when replacing it.
#[derive(Debug, Clone)]
pub(crate) struct ConfigRead {
    pub(crate) bytes: Vec<u8>,
    pub(crate) permissions: fs::Permissions,
}

impl ConfigRead {
    pub(crate) fn read_only(&self) -> bool {
        self.permissions.readonly()
    }
}

/// Reads `path`: `None` when it does not exist.
pub(crate) fn read_config(path: &Path) -> Result<Option<ConfigRead>> {
    let metadata = match fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(err) if err.kind() == io::ErrorKind::NotADirectory => {
            return Err(Error::NotAFile {
                path: first_non_directory_ancestor(path).unwrap_or_else(|| path.to_path_buf()),
                found: "a file where a folder belongs",
            });
        }
        Err(err) => return Err(Error::io(path, "read", &err)),
    };
    if metadata.is_dir() {
        return Err(Error::NotAFile {
            path: path.to_path_buf(),
            found: "a folder",
        });
    }
    if !metadata.is_file() {
        return Err(Error::NotAFile {
            path: path.to_path_buf(),
            found: "a special file",
        });
    }
    let bytes = fs::read(path).map_err(|err| Error::io(path, "read", &err))?;
    Ok(Some(ConfigRead {
        bytes,
        permissions: metadata.permissions(),
    }))
}

fn first_non_directory_ancestor(path: &Path) -> Option<PathBuf> {
    path.ancestors()
        .skip(1)
        .find(|p| fs::metadata(p).is_ok_and(|m| !m.is_dir()))
        .map(Path::to_path_buf)
}

/// The text of a config file; a file that is not UTF-8 is unparseable (line and column of the
/// first bad byte).
pub(crate) fn decode(path: &Path, bytes: &[u8], dialect: Dialect) -> Result<String> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(err) => {
            let valid = &bytes[..err.valid_up_to()];
            let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
            let line_start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&valid[line_start..])
                .chars()
                .count()
                + 1;
            Err(Error::ConfigUnparseable {
                path: path.to_path_buf(),
                line,
                column,
                message: "the file is not UTF-8 text".into(),
                dialect: dialect.label(),
            })
        }
    }
}

/// The file to replace when writing `path`: a symlink's target, so a dotfiles link stays a link.
pub(crate) fn write_target(path: &Path) -> PathBuf {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    }
}

/// What a config file looked like when it was read: absent, or its length and SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Fingerprint {
    Absent,
    Present { len: u64, sha256: String },
}

impl Fingerprint {
    pub(crate) fn of(read: Option<&ConfigRead>) -> Self {
        match read {
            None => Fingerprint::Absent,
            Some(read) => Fingerprint::Present {
                len: read.bytes.len() as u64,
                sha256: Sha256::digest(&read.bytes)
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect(),
            },
        }
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fingerprint::Absent => f.write_str("absent"),
            Fingerprint::Present { len, sha256 } => {
                write!(f, "{len} bytes, sha256 {}", &sha256[..12.min(sha256.len())])
            }
        }
    }
}
