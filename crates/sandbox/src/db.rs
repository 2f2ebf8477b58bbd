//! The SQLite handle. One connection behind a mutex, used from `spawn_blocking`: every
//! write is already serialised in-process, and `BEGIN IMMEDIATE` keeps it so even if another
//! process opens the same file. WAL lets readers outside the sandbox (sqlite3 CLI) look in.

use crate::error::{Result, SandboxError};
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::path::Path;
use std::sync::{Arc, Mutex};

const SCHEMA: &str = include_str!("schema.sql");

#[derive(Clone)]
pub(crate) struct Db {
    conn: Arc<Mutex<Connection>>,
}

impl Db {
    pub(crate) fn open(path: &Path) -> Result<Db> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let conn = Connection::open(path)?;
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        tracing::debug!(journal_mode = %mode, "opened sandbox database");
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")?;
        prepare(&conn)?;
        Ok(Db { conn: Arc::new(Mutex::new(conn)) })
    }

    /// Runs `f` on the connection without blocking the async runtime.
    pub(crate) async fn call<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || db.blocking(f))
            .await
            .map_err(|e| SandboxError::Internal(format!("database task failed: {e}")))?
    }

    /// For start-up code and unit tests that are not on the async runtime.
    pub(crate) fn blocking<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        // A panic while holding the lock leaves no half-done transaction behind (it rolls back
        // on drop), so the connection is still usable.
        let mut conn = self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut conn)
    }
}

/// Columns added to `checkout_sessions` after its first release, with how to add them to an
/// older database. `schema.sql` already has them for new databases.
const SESSION_COLUMNS: [(&str, &str); 4] = [
    ("promo_code_id", "TEXT REFERENCES promo_codes (id)"),
    ("subtotal_minor", "INTEGER NOT NULL DEFAULT 0"),
    ("discount_minor", "INTEGER NOT NULL DEFAULT 0"),
    ("total_minor", "INTEGER NOT NULL DEFAULT 0"),
];

/// Creates what is missing and brings a database from an earlier sandbox up to date.
fn prepare(conn: &Connection) -> Result<()> {
    conn.execute_batch(SCHEMA)?;
    migrate(conn)
}

/// Adds the promo-code columns to an older `checkout_sessions` and prices its rows as they
/// were charged: no discount, total = unit price × quantity.
fn migrate(conn: &Connection) -> Result<()> {
    let existing: Vec<String> = {
        let mut stmt = conn.prepare("SELECT name FROM pragma_table_info('checkout_sessions')")?;
        let names = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
        names
    };
    let mut added = false;
    for (column, declaration) in SESSION_COLUMNS {
        if !existing.iter().any(|c| c == column) {
            conn.execute_batch(&format!("ALTER TABLE checkout_sessions ADD COLUMN {column} {declaration}"))?;
            added = true;
        }
    }
    if added {
        conn.execute_batch(
            "UPDATE checkout_sessions SET subtotal_minor = unit_price_minor * quantity,
                                          total_minor = unit_price_minor * quantity
              WHERE promo_code_id IS NULL",
        )?;
        tracing::info!("added promo-code columns to the checkout sessions of an older sandbox database");
    }
    conn.execute_batch(
        "CREATE INDEX IF NOT EXISTS checkout_sessions_promo ON checkout_sessions (promo_code_id, status, expires_at_ms)",
    )?;
    Ok(())
}

/// Every read-check-write in the sandbox goes through this, so no two can interleave.
pub(crate) fn immediate(conn: &mut Connection) -> rusqlite::Result<Transaction<'_>> {
    conn.transaction_with_behavior(TransactionBehavior::Immediate)
}

#[cfg(test)]
pub(crate) fn in_memory() -> Db {
    let conn = Connection::open_in_memory().expect("in-memory sqlite");
    conn.execute_batch("PRAGMA foreign_keys = ON;").expect("pragma");
    prepare(&conn).expect("schema");
    Db { conn: Arc::new(Mutex::new(conn)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `checkout_sessions` as the first sandbox release created it.
    const OLD_SESSIONS: &str = "CREATE TABLE checkout_sessions (
        id TEXT PRIMARY KEY, event_id TEXT NOT NULL, tier_id TEXT NOT NULL, quantity INTEGER NOT NULL,
        unit_price_minor INTEGER NOT NULL, customer_name TEXT NOT NULL, customer_email TEXT NOT NULL,
        customer_phone TEXT, success_url TEXT NOT NULL, cancel_url TEXT, status TEXT NOT NULL,
        created_at TEXT NOT NULL, expires_at_ms INTEGER NOT NULL, paid_at TEXT);
        INSERT INTO checkout_sessions VALUES ('pi_old', 'e', 't', 2, 100000, 'Juan', 'j@x.example', NULL,
            'https://x.example', NULL, 'paid', 'now', 0, 'now');";

    #[test]
    fn an_older_database_gets_the_promo_columns_with_its_sessions_priced_as_charged() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite");
        Connection::open(&path).unwrap().execute_batch(OLD_SESSIONS).unwrap();
        let db = Db::open(&path).unwrap();
        let row: (Option<String>, i64, i64, i64) = db
            .blocking(|c| {
                Ok(c.query_row(
                    "SELECT promo_code_id, subtotal_minor, discount_minor, total_minor FROM checkout_sessions",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )?)
            })
            .unwrap();
        assert_eq!(row, (None, 200_000, 0, 200_000));
        drop(db);
        // Opening again changes nothing.
        assert!(Db::open(&path).is_ok());
    }
}
