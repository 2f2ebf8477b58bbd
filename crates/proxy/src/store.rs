//! The proxy's own durable state, in SQLite: which webhook deliveries were already taken,
//! so a platform's retry is applied once, and the promo codes this proxy created upstream
//! (HangHut cannot list or look up codes, so the proxy keeps its own record to preview them).
//! Only ids, codes and counts are kept, no buyer data.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;
use std::sync::{Arc, Mutex};
use tessera_core::{Discount, EventId, PromoCode, PromoRule};

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
CREATE TABLE IF NOT EXISTS promo_codes (
    event_id     TEXT NOT NULL,
    code         TEXT NOT NULL,
    upstream_id  TEXT NOT NULL,
    discount     TEXT NOT NULL,
    usage_limit  INTEGER,
    usage_count  INTEGER NOT NULL DEFAULT 0,
    expires_at   TEXT,
    is_active    INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (event_id, code)
);
-- One row per paid order that used a code, so a replayed webhook counts once.
CREATE TABLE IF NOT EXISTS promo_uses (
    order_id     TEXT PRIMARY KEY,
    event_id     TEXT NOT NULL,
    code         TEXT NOT NULL
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

impl Store {
    /// Records a code created upstream (replacing an older record of the same code).
    pub async fn save_promo(&self, rule: &PromoRule, upstream_id: &str) -> Result<(), StoreError> {
        let (rule, upstream_id) = (rule.clone(), upstream_id.to_owned());
        let discount = serde_json::to_string(&rule.discount).map_err(|e| StoreError::Task(e.to_string()))?;
        self.with(move |c| {
            c.execute(
                "INSERT OR REPLACE INTO promo_codes
                   (event_id, code, upstream_id, discount, usage_limit, usage_count, expires_at, is_active, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    rule.event_id.as_str(),
                    rule.code.as_str(),
                    upstream_id,
                    discount,
                    rule.usage_limit,
                    rule.usage_count,
                    rule.expires_at.map(|t| t.to_rfc3339()),
                    rule.is_active,
                    Utc::now().to_rfc3339(),
                ],
            )?;
            Ok(())
        })
        .await
    }

    /// The code for `event`, if this proxy created one by that name.
    pub async fn promo(&self, event: &EventId, code: &PromoCode) -> Result<Option<PromoRule>, StoreError> {
        let (event, code) = (event.clone(), code.clone());
        self.with(move |c| {
            c.query_row(
                "SELECT discount, usage_limit, usage_count, expires_at, is_active
                   FROM promo_codes WHERE event_id = ?1 AND code = ?2",
                params![event.as_str(), code.as_str()],
                |r| {
                    let discount: String = r.get(0)?;
                    let expires_at: Option<String> = r.get(3)?;
                    Ok(PromoRule {
                        code: code.clone(),
                        event_id: event.clone(),
                        discount: serde_json::from_str::<Discount>(&discount).map_err(|e| {
                            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
                        })?,
                        usage_limit: r.get(1)?,
                        usage_count: r.get(2)?,
                        expires_at: expires_at
                            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
                            .map(|t| t.with_timezone(&Utc)),
                        is_active: r.get(4)?,
                    })
                },
            )
            .optional()
        })
        .await
    }

    /// Counts one use of a code by a paid order; `false` when that order was already counted.
    pub async fn count_promo_use(&self, order_id: &str, event: &EventId, code: &PromoCode) -> Result<bool, StoreError> {
        let (order_id, event, code) = (order_id.to_owned(), event.clone(), code.clone());
        self.with(move |c| {
            let new = c.execute(
                "INSERT OR IGNORE INTO promo_uses (order_id, event_id, code) VALUES (?1, ?2, ?3)",
                params![order_id, event.as_str(), code.as_str()],
            )? == 1;
            if new {
                c.execute(
                    "UPDATE promo_codes SET usage_count = usage_count + 1 WHERE event_id = ?1 AND code = ?2",
                    params![event.as_str(), code.as_str()],
                )?;
            }
            Ok(new)
        })
        .await
    }

    /// The platform said the code is used up: believe it, so previews stop offering it.
    pub async fn mark_promo_used_up(&self, event: &EventId, code: &PromoCode) -> Result<(), StoreError> {
        let (event, code) = (event.clone(), code.clone());
        self.with(move |c| {
            c.execute(
                "UPDATE promo_codes SET usage_count = MAX(usage_count, usage_limit)
                  WHERE event_id = ?1 AND code = ?2 AND usage_limit IS NOT NULL",
                params![event.as_str(), code.as_str()],
            )?;
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule() -> PromoRule {
        PromoRule {
            code: PromoCode::parse("EARLYBIRD").unwrap(),
            event_id: EventId::parse("ev-1").unwrap(),
            discount: Discount::percentage("12.5").unwrap(),
            usage_limit: Some(2),
            usage_count: 0,
            expires_at: Some(DateTime::parse_from_rfc3339("2027-01-01T00:00:00Z").unwrap().with_timezone(&Utc)),
            is_active: true,
        }
    }

    #[tokio::test]
    async fn promo_codes_round_trip_and_count_each_paid_order_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("proxy.sqlite")).unwrap();
        let (event, code) = (rule().event_id, rule().code);
        store.save_promo(&rule(), "pc_1").await.unwrap();
        assert_eq!(store.promo(&event, &code).await.unwrap(), Some(rule()));
        let other = EventId::parse("ev-2").unwrap();
        assert_eq!(store.promo(&other, &code).await.unwrap(), None, "codes are scoped to their event");

        assert!(store.count_promo_use("pi_1", &event, &code).await.unwrap());
        assert!(!store.count_promo_use("pi_1", &event, &code).await.unwrap(), "a replay counts once");
        assert_eq!(store.promo(&event, &code).await.unwrap().unwrap().usage_count, 1);
        store.mark_promo_used_up(&event, &code).await.unwrap();
        assert_eq!(store.promo(&event, &code).await.unwrap().unwrap().usage_count, 2);
    }

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
