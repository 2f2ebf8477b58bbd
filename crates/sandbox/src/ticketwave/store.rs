//! The TicketWave sandbox's SQLite handle: one connection behind a mutex, used from
//! `spawn_blocking`, so every read-check-write is serialised in-process.

use super::error::{TwError, TwResult};
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::path::Path;
use std::sync::{Arc, Mutex};

const SCHEMA: &str = include_str!("schema.sql");

#[derive(Clone)]
pub(crate) struct Store {
    conn: Arc<Mutex<Connection>>,
}

impl Store {
    /// A file (created if missing) or, for `None`, a private in-memory database.
    pub(crate) fn open(path: Option<&Path>) -> rusqlite::Result<Store> {
        let conn = match path {
            Some(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| rusqlite::Error::InvalidPath(format!("{}: {e}", dir.display()).into()))?;
                }
                let conn = Connection::open(path)?;
                conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
                conn.busy_timeout(std::time::Duration::from_secs(5))?;
                conn
            }
            None => Connection::open_in_memory()?,
        };
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")?;
        conn.execute_batch(SCHEMA)?;
        Ok(Store { conn: Arc::new(Mutex::new(conn)) })
    }

    /// Runs `f` on the connection without blocking the async runtime.
    pub(crate) async fn call<T, F>(&self, f: F) -> TwResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> TwResult<T> + Send + 'static,
    {
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.blocking(f))
            .await
            .map_err(|e| TwError::Internal(format!("database task failed: {e}")))?
    }

    pub(crate) fn blocking<T>(&self, f: impl FnOnce(&mut Connection) -> TwResult<T>) -> TwResult<T> {
        // A panic while holding the lock leaves no half-done transaction behind (it rolls back
        // on drop), so the connection is still usable.
        let mut conn = self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut conn)
    }
}

pub(crate) fn immediate(conn: &mut Connection) -> rusqlite::Result<Transaction<'_>> {
    conn.transaction_with_behavior(TransactionBehavior::Immediate)
}
