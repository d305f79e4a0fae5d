//! The indexer's errors.

use thiserror::Error;

/// A block the decoder cannot read. The suite's own events must always
/// decode: an error stops the indexer rather than skipping a payment.
#[derive(Debug, Error)]
pub enum DecodeError {
    #[error("block {height}: {what}")]
    Block { height: u64, what: String },
    #[error("block {height}, {event} event of {contract}: attribute `{key}` {problem}")]
    Attribute {
        height: u64,
        event: String,
        contract: String,
        key: String,
        problem: String,
    },
    #[error("protobuf: {0}")]
    Protobuf(&'static str),
}

/// Everything else.
#[derive(Debug, Error)]
pub enum Error {
    #[error(transparent)]
    Decode(#[from] DecodeError),
    #[error("rpc {url}: {message}")]
    Rpc { url: String, message: String },
    #[error("database: {0}")]
    Db(#[from] tokio_postgres::Error),
    #[error("migrations: {0}")]
    Migrate(#[from] refinery::Error),
    #[error("deployment file {path}: {message}")]
    Deployment { path: String, message: String },
    #[error("the database is at height {db} but block {block} was to be written next")]
    Cursor { db: u64, block: u64 },
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("reconciliation: {0} difference(s)")]
    Reconcile(usize),
    #[error("test hook: crash after {0} rows (DEPIN_INDEXER_CRASH_AFTER_ROWS)")]
    CrashHook(u64),
    #[error("{0}")]
    Other(String),
}

impl Error {
    /// Worth retrying after a pause (the node or PostgreSQL went away, a
    /// block is not there yet) rather than stopping.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Rpc { .. } | Error::Io(_) => true,
            Error::Db(e) => {
                // No SQLSTATE: the connection failed; else the connection,
                // shutdown and serialization classes.
                e.is_closed()
                    || match e.code() {
                        None => true,
                        Some(code) => {
                            let code = code.code();
                            code.starts_with("08")
                                || code.starts_with("57")
                                || code.starts_with("40")
                        }
                    }
            }
            _ => false,
        }
    }
}
