//! What can go wrong in a store.

use std::path::PathBuf;

/// Why a state or installation store could not do what was asked. Never holds
/// a token or a state value.
#[derive(Debug)]
#[non_exhaustive]
pub enum StoreError {
    /// Reading or writing a file failed.
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The database refused or failed.
    Database {
        /// What the store was doing ("save installation", "consume state", ...).
        operation: &'static str,
        /// The database's error.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The database was written by a newer version of this crate.
    SchemaTooNew {
        /// The schema version found in the database.
        found: u32,
        /// The newest version this crate knows.
        supported: u32,
    },
    /// A stored record cannot be read (hand-edited, truncated, wrong format).
    Corrupt {
        /// Which record.
        what: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A token is encrypted but the store has no key: configure the key the
    /// tokens were written with.
    KeyRequired {
        /// Which token ("bot_token", "user_refresh_token", ...).
        field: &'static str,
    },
    /// A token cannot be decrypted with the configured key: the key is wrong,
    /// or the stored value was altered. Nothing is returned rather than garbage.
    Decrypt {
        /// Which token.
        field: &'static str,
    },
    /// The encryption key is malformed (it must be 32 bytes, base64).
    InvalidKey {
        /// What is wrong with it.
        reason: String,
    },
    /// A value cannot be used as a key in the store (a state with characters
    /// other than base64url ones, for instance).
    InvalidValue {
        /// What is wrong.
        reason: String,
    },
    /// The operating system's random number generator failed.
    Random(String),
    /// The blocking task doing the work panicked or was cancelled.
    Task(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            StoreError::Database { operation, source } => write!(f, "database error while trying to {operation}: {source}"),
            StoreError::SchemaTooNew { found, supported } => write!(
                f,
                "the database has schema version {found}, newer than this version of the store knows ({supported}): upgrade the application"
            ),
            StoreError::Corrupt { what, reason } => write!(f, "{what} cannot be read: {reason}"),
            StoreError::KeyRequired { field } => {
                write!(f, "`{field}` is stored encrypted but no encryption key is configured")
            }
            StoreError::Decrypt { field } => {
                write!(f, "`{field}` cannot be decrypted: the encryption key is not the one it was stored with, or the value was altered")
            }
            StoreError::InvalidKey { reason } => write!(f, "invalid encryption key: {reason}"),
            StoreError::InvalidValue { reason } => write!(f, "invalid value: {reason}"),
            StoreError::Random(e) => write!(f, "random number generator failed: {e}"),
            StoreError::Task(e) => write!(f, "store task failed: {e}"),
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StoreError::Io { source, .. } => Some(source),
            StoreError::Database { source, .. } => Some(source.as_ref()),
            _ => None,
        }
    }
}
