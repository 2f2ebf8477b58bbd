//! The proxy's own durable state, in SQLite: the webhook inbox (each delivery written before
//! the platform gets its 2xx, marked once applied, so a retry is applied once and a delivery
//! cut off by a crash is applied at the next start), and the promo codes this proxy created upstream
//! (HangHut cannot list or look up codes, so the proxy keeps its own record to preview them).
//! Only ids, codes and counts are kept, no buyer data (an idempotency key keeps a hash of
//! its order, not the order).

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;
use std::sync::{Arc, Mutex};
use tessera_core::{Discount, EventId, PromoCode, PromoRule};

use crate::feed;
use crate::providers::{Change, FeedEvent, Platform};
use crate::upstream::CheckoutSession;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database task failed: {0}")]
    Task(String),
    /// The schema could not be brought up to date, or the database is from a newer proxy.
    #[error("database schema: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("backup: {0}")]
    Backup(String),
}

#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
}

/// Version 1 of the database (`migrations`).
pub const SCHEMA_V1: &str = "
-- The webhook inbox: what applying a delivery needs (no buyer data), and when it was applied.
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    platform     TEXT NOT NULL,
    delivery_id  TEXT NOT NULL,
    kind         TEXT NOT NULL,
    event_id     TEXT,
    received_at  TEXT NOT NULL,
    order_id     TEXT,
    promo_code   TEXT,
    applied_at   TEXT,
    -- JSON of the delivery's providers::Change list (NULL in rows from before it was kept).
    changes      TEXT,
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
-- Idempotency-Key of a checkout from the widget: the order it was first used for (a hash),
-- the key sent upstream for it, and the session once created. Kept for a day.
CREATE TABLE IF NOT EXISTS checkout_keys (
    key            TEXT PRIMARY KEY,
    fingerprint    TEXT NOT NULL,
    upstream_key   TEXT NOT NULL,
    session        TEXT,
    busy_until_ms  INTEGER NOT NULL DEFAULT 0,
    created_at_ms  INTEGER NOT NULL
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
        let mut conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: a webhook answered 2xx must survive a power cut, not only a crash (in WAL
        // mode NORMAL may lose the last commits to one). Writes are few: deliveries and keys.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        crate::migrations::to_latest(&mut conn)?;
        Ok(Store { conn: Arc::new(Mutex::new(conn)) })
    }

    /// The schema version the database is at (`migrations`).
    pub async fn schema_version(&self) -> Result<usize, StoreError> {
        self.with_any(crate::migrations::version).await
    }

    /// Copies the database to a new file at `to` with SQLite's online backup, which gives a
    /// consistent copy while this or another proxy keeps writing. An existing file is left
    /// alone: a backup never overwrites one.
    pub async fn backup_to(&self, to: &Path) -> Result<(), StoreError> {
        if to.exists() {
            return Err(StoreError::Backup(format!("{} exists already; give a new file", to.display())));
        }
        let to = to.to_owned();
        self.with(move |c| c.backup(rusqlite::MAIN_DB, &to, None)).await
    }

    /// Whether the database takes writes now: its write lock is taken and given back, nothing
    /// written (a full or read-only disk, a locked file, a lost mount fail here).
    pub async fn check_writable(&self) -> Result<(), StoreError> {
        self.with(|c| c.execute_batch("BEGIN IMMEDIATE; ROLLBACK;")).await
    }

    async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, StoreError> {
        self.with_any(f).await
    }

    /// `with` for work whose errors are not rusqlite's own (the migrations').
    async fn with_any<T: Send + 'static, E: Into<StoreError>>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, E> + Send + 'static,
    ) -> Result<T, StoreError> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let conn = conn.lock().map_err(|_| StoreError::Task("database lock poisoned".into()))?;
            f(&conn).map_err(Into::into)
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }

    /// Writes a delivery to the inbox (committed when this returns), unless it is there already.
    pub async fn record_delivery(&self, entry: &InboxEntry) -> Result<Recorded, StoreError> {
        let e = entry.clone();
        self.with(move |c| {
            let inserted = c.execute(
                "INSERT OR IGNORE INTO webhook_deliveries (platform, delivery_id, kind, event_id, changes, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    e.platform.name(),
                    e.delivery_id,
                    e.kind,
                    e.changes.iter().find_map(Change::event),
                    changes_json(&e.changes)?,
                    Utc::now().to_rfc3339()
                ],
            )?;
            if inserted == 1 {
                return Ok(Recorded::New);
            }
            let applied: Option<String> = c.query_row(
                "SELECT applied_at FROM webhook_deliveries WHERE platform = ?1 AND delivery_id = ?2",
                params![e.platform.name(), e.delivery_id],
                |r| r.get(0),
            )?;
            Ok(if applied.is_some() { Recorded::Applied } else { Recorded::Pending })
        })
        .await
    }

    /// Applies a delivery's durable effects and marks it applied, in one transaction, so it
    /// takes effect once however often this is called. The platform's events it touched, or
    /// `None` when it was applied before (or is not in the inbox).
    ///
    /// The durable effects: a paid order that used a promo code counts one use of the code
    /// (once per order, however many deliveries name the order), and the feed's events,
    /// sales and resales change (`feed::apply`).
    pub async fn apply_delivery(
        &self,
        platform: Platform,
        delivery_id: &str,
    ) -> Result<Option<Vec<String>>, StoreError> {
        let delivery_id = delivery_id.to_owned();
        self.with(move |c| {
            let tx = c.unchecked_transaction()?;
            let Some(entry) = tx
                .query_row(
                    &format!("{INBOX_COLUMNS} WHERE platform = ?1 AND delivery_id = ?2 AND applied_at IS NULL"),
                    params![platform.name(), delivery_id],
                    inbox_entry,
                )
                .optional()?
                .flatten()
            else {
                return Ok(None);
            };
            let mut touched = Vec::new();
            for change in &entry.changes {
                match change.event() {
                    Some(event) => touched.push(event.to_owned()),
                    // A refund names its order only: the event is the one its sale was counted for.
                    None => touched.extend(feed::events_of_order(&tx, platform, change)?),
                }
                match change {
                    Change::PromoUsed { event, order, code } => {
                        count_promo_use(&tx, order, event, code)?;
                    }
                    other => feed::apply(&tx, platform, other)?,
                }
            }
            tx.execute(
                "UPDATE webhook_deliveries SET applied_at = ?3 WHERE platform = ?1 AND delivery_id = ?2",
                params![platform.name(), delivery_id, Utc::now().to_rfc3339()],
            )?;
            tx.commit()?;
            touched.sort();
            touched.dedup();
            Ok(Some(touched))
        })
        .await
    }

    /// Deliveries written to the inbox but never applied (the process stopped in between),
    /// oldest first.
    pub async fn unapplied_deliveries(&self) -> Result<Vec<InboxEntry>, StoreError> {
        self.with(|c| {
            let mut q = c.prepare(&format!("{INBOX_COLUMNS} WHERE applied_at IS NULL ORDER BY received_at, rowid"))?;
            let rows = q.query_map([], inbox_entry)?;
            // A row of a platform this version no longer knows is left alone.
            rows.filter_map(Result::transpose).collect()
        })
        .await
    }

    pub async fn delivery_count(&self, platform: Platform) -> Result<u64, StoreError> {
        self.with(move |c| {
            c.query_row("SELECT COUNT(*) FROM webhook_deliveries WHERE platform = ?1", [platform.name()], |r| r.get(0))
        })
        .await
    }

    /// An event of the feed as it stands (see `feed`), or `None` when unknown or deleted.
    pub async fn feed_event(&self, platform: Platform, event: &str) -> Result<Option<feed::Stored>, StoreError> {
        let event = event.to_owned();
        self.with(move |c| feed::read(c, platform, &event)).await
    }

    /// Every event of the platform the feed holds (see `feed::read_all`).
    pub async fn feed_events(&self, platform: Platform) -> Result<Vec<feed::Stored>, StoreError> {
        self.with(move |c| feed::read_all(c, platform)).await
    }

    /// A platform's description of an event read from its API.
    pub async fn save_feed_event(&self, platform: Platform, event: &FeedEvent) -> Result<(), StoreError> {
        let event = event.clone();
        self.with(move |c| feed::upsert(c, platform, &event, &Utc::now().to_rfc3339())).await
    }

    pub async fn resales(&self, platform: Platform, event: &str) -> Result<u32, StoreError> {
        let event = event.to_owned();
        self.with(move |c| feed::resales(c, platform, &event)).await
    }
}

/// A webhook delivery as the inbox keeps it: its id and what applying it changes. No buyer
/// data (names, emails) is kept: the providers drop it while parsing.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct InboxEntry {
    pub platform: Platform,
    pub delivery_id: String,
    pub kind: String,
    pub changes: Vec<Change>,
}

const INBOX_COLUMNS: &str =
    "SELECT platform, delivery_id, kind, event_id, order_id, promo_code, changes FROM webhook_deliveries";

fn changes_json(changes: &[Change]) -> rusqlite::Result<String> {
    serde_json::to_string(changes).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

/// What the inbox already knew of a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    New,
    /// Received before but never applied (the process stopped in between).
    Pending,
    /// Received and applied before: a platform retry.
    Applied,
}

/// Reads an inbox row (`INBOX_COLUMNS`); `None` for a platform this version does not know.
fn inbox_entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<Option<InboxEntry>> {
    let Some(platform) = Platform::from_name(&r.get::<_, String>(0)?) else { return Ok(None) };
    let kind: String = r.get(2)?;
    let changes = match r.get::<_, Option<String>>(6)? {
        Some(json) => serde_json::from_str(&json)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(6, rusqlite::types::Type::Text, Box::new(e)))?,
        // Written before deliveries kept their changes: a HangHut event to read again and,
        // for a paid order, its code.
        None => {
            let (event, order, code): (Option<String>, Option<String>, Option<String>) =
                (r.get(3)?, r.get(4)?, r.get(5)?);
            let mut changes: Vec<Change> = event.iter().map(|e| Change::Refresh { event: e.clone() }).collect();
            if let (true, Some(event), Some(order), Some(code)) = (kind == "ticket.purchased", event, order, code) {
                changes.push(Change::PromoUsed { event, order, code });
            }
            changes
        }
    };
    Ok(Some(InboxEntry { platform, delivery_id: r.get(1)?, kind, changes }))
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
        self.with(move |c| count_promo_use(c, &order_id, event.as_str(), code.as_str())).await
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

/// One use of `code` by the paid order `order_id`; `false` when that order was counted before.
fn count_promo_use(c: &Connection, order_id: &str, event: &str, code: &str) -> rusqlite::Result<bool> {
    let new = c.execute(
        "INSERT OR IGNORE INTO promo_uses (order_id, event_id, code) VALUES (?1, ?2, ?3)",
        params![order_id, event, code],
    )? == 1;
    if new {
        c.execute(
            "UPDATE promo_codes SET usage_count = usage_count + 1 WHERE event_id = ?1 AND code = ?2",
            params![event, code],
        )?;
    }
    Ok(new)
}

/// How long an Idempotency-Key is remembered (Stripe and the IETF draft use a day).
pub const CHECKOUT_KEY_TTL: chrono::Duration = chrono::Duration::hours(24);
/// A checkout under a key counts as in progress this long; after that a retry may take over
/// (the first attempt died with its process). Longer than two upstream calls can take.
pub const CHECKOUT_KEY_BUSY: chrono::Duration = chrono::Duration::seconds(60);

/// What to do with a checkout that carries an Idempotency-Key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyClaim {
    /// Create the session, sending `upstream_key` to the platform.
    Proceed { upstream_key: String },
    /// The session created for this key and this order before.
    Replay(CheckoutSession),
    /// The key was used for a different order.
    Mismatch,
    /// Another request with this key is being handled right now.
    InFlight,
}

impl Store {
    /// Claims `key` for the order hashed as `fingerprint`. A session that has expired is not
    /// replayed: the key then opens a new one (under a new upstream key).
    pub async fn claim_checkout_key(
        &self,
        key: &str,
        fingerprint: &str,
        now: DateTime<Utc>,
    ) -> Result<KeyClaim, StoreError> {
        let (key, fingerprint) = (key.to_owned(), fingerprint.to_owned());
        let now_ms = now.timestamp_millis();
        self.with(move |c| {
            let tx = c.unchecked_transaction()?;
            tx.execute(
                "DELETE FROM checkout_keys WHERE created_at_ms < ?1",
                [now_ms - CHECKOUT_KEY_TTL.num_milliseconds()],
            )?;
            let busy_until = now_ms + CHECKOUT_KEY_BUSY.num_milliseconds();
            let row: Option<(String, String, Option<String>, i64)> = tx
                .query_row(
                    "SELECT fingerprint, upstream_key, session, busy_until_ms FROM checkout_keys WHERE key = ?1",
                    [&key],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?;
            let fresh_key = || format!("tessera-{}", uuid::Uuid::new_v4().simple());
            let claim = match row {
                None => {
                    let upstream_key = fresh_key();
                    tx.execute(
                        "INSERT INTO checkout_keys (key, fingerprint, upstream_key, busy_until_ms, created_at_ms)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![key, fingerprint, upstream_key, busy_until, now_ms],
                    )?;
                    KeyClaim::Proceed { upstream_key }
                }
                Some((stored, ..)) if stored != fingerprint => KeyClaim::Mismatch,
                Some((_, _, Some(session), _)) => {
                    let session: CheckoutSession = serde_json::from_str(&session).map_err(|e| {
                        rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, e.into())
                    })?;
                    let open = DateTime::parse_from_rfc3339(&session.expires_at).is_ok_and(|t| t > now);
                    if open {
                        KeyClaim::Replay(session)
                    } else {
                        let upstream_key = fresh_key();
                        tx.execute(
                            "UPDATE checkout_keys SET session = NULL, upstream_key = ?2, busy_until_ms = ?3
                              WHERE key = ?1",
                            params![key, upstream_key, busy_until],
                        )?;
                        KeyClaim::Proceed { upstream_key }
                    }
                }
                Some((_, _, None, busy)) if busy > now_ms => KeyClaim::InFlight,
                // An earlier attempt ended without a session: try again under the same upstream
                // key, so a session it did open upstream is found rather than doubled.
                Some((_, upstream_key, None, _)) => {
                    tx.execute("UPDATE checkout_keys SET busy_until_ms = ?2 WHERE key = ?1", params![key, busy_until])?;
                    KeyClaim::Proceed { upstream_key }
                }
            };
            tx.commit()?;
            Ok(claim)
        })
        .await
    }

    /// Records the session created under `key`, for replays.
    pub async fn complete_checkout_key(&self, key: &str, session: &CheckoutSession) -> Result<(), StoreError> {
        let key = key.to_owned();
        let session = serde_json::to_string(session).map_err(|e| StoreError::Task(e.to_string()))?;
        self.with(move |c| {
            c.execute(
                "UPDATE checkout_keys SET session = ?2, busy_until_ms = 0 WHERE key = ?1",
                params![key, session],
            )?;
            Ok(())
        })
        .await
    }

    /// The attempt under `key` failed. `forget` when it certainly created nothing upstream
    /// (the order was refused), so the key may be used again for a corrected order; otherwise
    /// the key stays bound to this order and its upstream key, ready for a retry.
    pub async fn release_checkout_key(&self, key: &str, forget: bool) -> Result<(), StoreError> {
        let key = key.to_owned();
        self.with(move |c| {
            if forget {
                c.execute("DELETE FROM checkout_keys WHERE key = ?1 AND session IS NULL", [key])?;
            } else {
                c.execute("UPDATE checkout_keys SET busy_until_ms = 0 WHERE key = ?1", [key])?;
            }
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

    fn delivery(id: &str, order: Option<&str>) -> InboxEntry {
        let mut changes = vec![Change::Refresh { event: "ev-1".into() }];
        if let Some(order) = order {
            changes.push(Change::PromoUsed { event: "ev-1".into(), order: order.into(), code: "EARLYBIRD".into() });
        }
        InboxEntry { platform: Platform::HangHut, delivery_id: id.into(), kind: "ticket.purchased".into(), changes }
    }

    #[tokio::test]
    async fn a_replayed_delivery_is_recorded_once_and_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("proxy.sqlite");
        let store = Store::open(&path).unwrap();
        assert_eq!(store.record_delivery(&delivery("evt_1", None)).await.unwrap(), Recorded::New);
        assert_eq!(store.record_delivery(&delivery("evt_1", None)).await.unwrap(), Recorded::Pending);
        drop(store);
        let store = Store::open(&path).unwrap();
        assert_eq!(store.record_delivery(&delivery("evt_1", None)).await.unwrap(), Recorded::Pending);
        assert!(store.apply_delivery(Platform::HangHut, "evt_1").await.unwrap().is_some());
        assert_eq!(store.record_delivery(&delivery("evt_1", None)).await.unwrap(), Recorded::Applied);
        let mut other = delivery("evt_1", None);
        other.platform = Platform::Vivenu;
        assert_eq!(store.record_delivery(&other).await.unwrap(), Recorded::New);
        assert_eq!(store.delivery_count(Platform::HangHut).await.unwrap(), 1);
    }

    #[tokio::test]
    async fn a_delivery_is_applied_once_and_unapplied_ones_are_listed_for_replay() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("proxy.sqlite")).unwrap();
        let mut limited = rule();
        limited.usage_limit = Some(5);
        store.save_promo(&limited, "pc_1").await.unwrap();
        store.record_delivery(&delivery("evt_a", Some("pi_1"))).await.unwrap();
        store.record_delivery(&delivery("evt_b", Some("pi_1"))).await.unwrap();
        store.record_delivery(&delivery("evt_c", Some("pi_2"))).await.unwrap();
        let pending: Vec<String> =
            store.unapplied_deliveries().await.unwrap().into_iter().map(|e| e.delivery_id).collect();
        assert_eq!(pending, ["evt_a", "evt_b", "evt_c"]);

        assert_eq!(store.apply_delivery(Platform::HangHut, "evt_a").await.unwrap(), Some(vec!["ev-1".to_owned()]));
        assert_eq!(store.apply_delivery(Platform::HangHut, "evt_a").await.unwrap(), None, "applied once");
        assert!(
            store.apply_delivery(Platform::HangHut, "evt_b").await.unwrap().is_some(),
            "another delivery of the same order"
        );
        let (event, code) = (limited.event_id.clone(), limited.code.clone());
        assert_eq!(store.promo(&event, &code).await.unwrap().unwrap().usage_count, 1, "one order, one use");
        let pending = store.unapplied_deliveries().await.unwrap();
        assert_eq!(pending, vec![delivery("evt_c", Some("pi_2"))]);
    }

    #[tokio::test]
    async fn an_inbox_from_before_the_apply_step_counts_its_deliveries_as_applied() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("proxy.sqlite");
        let old = Connection::open(&path).unwrap();
        old.execute_batch(
            "CREATE TABLE webhook_deliveries (platform TEXT NOT NULL, delivery_id TEXT NOT NULL, kind TEXT NOT NULL,
               event_id TEXT, received_at TEXT NOT NULL, PRIMARY KEY (platform, delivery_id));
             INSERT INTO webhook_deliveries VALUES ('hanghut', 'evt_old', 'ticket.purchased', 'ev-1', '2026-01-01T00:00:00Z');",
        )
        .unwrap();
        drop(old);
        let store = Store::open(&path).unwrap();
        assert_eq!(
            store.schema_version().await.unwrap(),
            crate::migrations::latest(),
            "brought up to date, and recorded"
        );
        assert!(store.unapplied_deliveries().await.unwrap().is_empty());
        assert_eq!(store.record_delivery(&delivery("evt_old", None)).await.unwrap(), Recorded::Applied);
    }

    fn session(expires_at: &str) -> CheckoutSession {
        CheckoutSession {
            checkout_id: "pi_1".into(),
            checkout_url: "https://pay.example/checkout/pi_1".into(),
            expires_at: expires_at.into(),
        }
    }

    #[tokio::test]
    async fn an_idempotency_key_replays_its_session_and_refuses_another_order() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("proxy.sqlite")).unwrap();
        let now = DateTime::parse_from_rfc3339("2026-05-01T10:00:00Z").unwrap().with_timezone(&Utc);
        let KeyClaim::Proceed { upstream_key } = store.claim_checkout_key("k1", "order-a", now).await.unwrap() else {
            panic!("a new key proceeds")
        };
        assert_eq!(store.claim_checkout_key("k1", "order-a", now).await.unwrap(), KeyClaim::InFlight);
        // The attempt failed without a verdict: a retry goes upstream with the same key.
        store.release_checkout_key("k1", false).await.unwrap();
        assert_eq!(
            store.claim_checkout_key("k1", "order-a", now).await.unwrap(),
            KeyClaim::Proceed { upstream_key: upstream_key.clone() }
        );
        store.complete_checkout_key("k1", &session("2026-05-01T10:30:00Z")).await.unwrap();
        assert_eq!(
            store.claim_checkout_key("k1", "order-a", now).await.unwrap(),
            KeyClaim::Replay(session("2026-05-01T10:30:00Z"))
        );
        assert_eq!(store.claim_checkout_key("k1", "order-b", now).await.unwrap(), KeyClaim::Mismatch);
        // Once the session expired, the key opens a new one under a new upstream key.
        let later = now + chrono::Duration::hours(1);
        let KeyClaim::Proceed { upstream_key: renewed } =
            store.claim_checkout_key("k1", "order-a", later).await.unwrap()
        else {
            panic!("an expired session is not replayed")
        };
        assert_ne!(renewed, upstream_key);
        // After a day the key is forgotten altogether.
        store.complete_checkout_key("k1", &session("2026-05-03T00:00:00Z")).await.unwrap();
        let next_day = now + CHECKOUT_KEY_TTL + chrono::Duration::minutes(1);
        assert!(matches!(store.claim_checkout_key("k1", "order-b", next_day).await.unwrap(), KeyClaim::Proceed { .. }));
    }

    #[tokio::test]
    async fn a_refused_order_frees_its_key_for_a_corrected_one() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("proxy.sqlite")).unwrap();
        let now = Utc::now();
        assert!(matches!(store.claim_checkout_key("k", "bad", now).await.unwrap(), KeyClaim::Proceed { .. }));
        store.release_checkout_key("k", true).await.unwrap();
        assert!(matches!(store.claim_checkout_key("k", "fixed", now).await.unwrap(), KeyClaim::Proceed { .. }));
    }
}
