//! The proxy's own durable state, in SQLite: which webhook deliveries were already taken,
//! so a platform's retry is applied once. Only ids and types are kept, no buyer data.

use rusqlite::{params, Connection};
use std::path::Path;
use std::sync::{Arc, Mutex};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database task failed: {0}")]
    Task(String),
}

#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    platform     TEXT NOT NULL,
    delivery_id  TEXT NOT NULL,
    kind         TEXT NOT NULL,
    event_id     TEXT,
    received_at  TEXT NOT NULL,
    PRIMARY KEY (platform, delivery_id)
);
";

impl Store {
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        Ok(Store { conn: Arc::new(Mutex::new(conn)) })
    }

    async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, StoreError> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let conn = conn.lock().map_err(|_| StoreError::Task("database lock poisoned".into()))?;
            f(&conn).map_err(StoreError::from)
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }

    /// Records a delivery; `true` when it is new, `false` for a replay.
    pub async fn record_delivery(
        &self,
        platform: &str,
        delivery_id: &str,
        kind: &str,
        event_id: Option<&str>,
    ) -> Result<bool, StoreError> {
        let (platform, delivery_id, kind, event_id) =
            (platform.to_owned(), delivery_id.to_owned(), kind.to_owned(), event_id.map(str::to_owned));
        self.with(move |c| {
            let inserted = c.execute(
                "INSERT OR IGNORE INTO webhook_deliveries (platform, delivery_id, kind, event_id, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![platform, delivery_id, kind, event_id, chrono::Utc::now().to_rfc3339()],
            )?;
            Ok(inserted == 1)
        })
        .await
    }

    pub async fn delivery_count(&self, platform: &str) -> Result<u64, StoreError> {
        let platform = platform.to_owned();
        self.with(move |c| {
            c.query_row("SELECT COUNT(*) FROM webhook_deliveries WHERE platform = ?1", [platform], |r| r.get(0))
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_replayed_delivery_is_recorded_once_and_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("proxy.sqlite");
        let store = Store::open(&path).unwrap();
        assert!(store.record_delivery("hanghut", "evt_1", "ticket.purchased", Some("e1")).await.unwrap());
        assert!(!store.record_delivery("hanghut", "evt_1", "ticket.purchased", Some("e1")).await.unwrap());
        drop(store);
        let store = Store::open(&path).unwrap();
        assert!(!store.record_delivery("hanghut", "evt_1", "ticket.purchased", None).await.unwrap());
        assert!(store.record_delivery("vivenu", "evt_1", "x", None).await.unwrap());
        assert_eq!(store.delivery_count("hanghut").await.unwrap(), 1);
    }
}
