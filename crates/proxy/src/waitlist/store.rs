//! The waiting lists, in the proxy's SQLite (`migrations`, version 3): each entry in sign-up
//! order, each tier's "seen sold out since its last round" flag, and the log of emails sent.
//! An address is kept as given (to write to it) and lower-cased (`email_key`, so signing up
//! twice is one entry and a purge finds every row); nothing else about the buyer.

use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::store::StoreError;

/// Version 3 of the database.
pub const SCHEMA_V3: &str = "
CREATE TABLE waitlist_entries (
    -- Sign-up order: the first to sign up are the first told.
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id    TEXT NOT NULL,
    tier_id     TEXT NOT NULL,
    email       TEXT NOT NULL,
    email_key   TEXT NOT NULL,
    -- The unsubscribe link's secret: 256 random bits, hex.
    token       TEXT NOT NULL UNIQUE,
    -- Where the email sends the buyer back to (an allowed page of the shop's), if given.
    page_url    TEXT,
    created_at  TEXT NOT NULL,
    -- When this entry was emailed: each return of seats tells the next people not yet told.
    notified_at TEXT,
    UNIQUE (event_id, tier_id, email_key)
);
-- Tiers with a waiting list; armed = seen sold out since the last round of emails, so a
-- return of seats (0, then more than 0) starts one round, not one per snapshot.
CREATE TABLE waitlist_tiers (
    event_id TEXT NOT NULL,
    tier_id  TEXT NOT NULL,
    armed    INTEGER NOT NULL,
    PRIMARY KEY (event_id, tier_id)
);
-- Every email sent: to whom, for which tier, when, and whether the SMTP server took it.
CREATE TABLE waitlist_sent (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    entry_id  INTEGER NOT NULL,
    event_id  TEXT NOT NULL,
    tier_id   TEXT NOT NULL,
    email_key TEXT NOT NULL,
    sent_at   TEXT NOT NULL,
    outcome   TEXT NOT NULL
);
CREATE INDEX waitlist_sent_email ON waitlist_sent (email_key);
CREATE INDEX waitlist_entries_email ON waitlist_entries (email_key);
";

/// One person to email in a round.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invitee {
    pub entry_id: i64,
    pub sent_id: i64,
    pub email: String,
    pub token: String,
    pub page_url: Option<String>,
}

/// An entry, as its unsubscribe page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryRef {
    pub event_id: String,
    pub tier_id: String,
}

/// What a purge removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Purged {
    pub entries: usize,
    pub sent: usize,
}

/// What a round found: nobody to tell, or these (the tier is disarmed until seen sold out again).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Round {
    pub invitees: Vec<Invitee>,
    /// Still waiting after this round.
    pub waiting: u32,
}

/// Its own connection to the proxy's database file (WAL: readers and writers do not block one
/// another for long; the busy timeout covers the rest).
#[derive(Clone)]
pub struct WaitlistStore {
    conn: Arc<Mutex<Connection>>,
}

pub fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// 256 random bits from the OS's generator (two v4 UUIDs' worth, as hex): unguessable.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    bytes[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    bytes[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    hex::encode(bytes)
}

impl WaitlistStore {
    /// Over the database at `path`, whose schema `Store::open` has brought up to date.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        Ok(Self::over(conn))
    }

    pub fn over(conn: Connection) -> Self {
        WaitlistStore { conn: Arc::new(Mutex::new(conn)) }
    }

    async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, StoreError> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = conn.lock().map_err(|_| StoreError::Task("database lock poisoned".into()))?;
            f(&mut conn).map_err(StoreError::from)
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }

    /// Puts the address on the tier's list (once: again is a no-op) and arms the tier, which
    /// is sold out now. True when it was new.
    pub async fn join(
        &self,
        event: &str,
        tier: &str,
        email: &str,
        page_url: Option<String>,
    ) -> Result<bool, StoreError> {
        let (event, tier, email) = (event.to_owned(), tier.to_owned(), email.trim().to_owned());
        self.with(move |c| {
            let tx = c.transaction()?;
            let added = tx.execute(
                "INSERT INTO waitlist_entries (event_id, tier_id, email, email_key, token, page_url, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (event_id, tier_id, email_key) DO NOTHING",
                params![event, tier, email, email_key(&email), new_token(), page_url, chrono::Utc::now().to_rfc3339()],
            )?;
            arm(&tx, &event, &tier)?;
            tx.commit()?;
            Ok(added == 1)
        })
        .await
    }

    /// The tiers of `event` that have a list, with whether each is armed.
    pub async fn tiers_of(&self, event: &str) -> Result<Vec<(String, bool)>, StoreError> {
        let event = event.to_owned();
        self.with(move |c| {
            let mut q = c.prepare_cached("SELECT tier_id, armed FROM waitlist_tiers WHERE event_id = ?1")?;
            let rows = q.query_map([event], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? != 0)))?;
            rows.collect()
        })
        .await
    }

    /// Events that have a list.
    pub async fn listed_events(&self) -> Result<Vec<String>, StoreError> {
        self.with(|c| {
            let mut q = c.prepare_cached("SELECT DISTINCT event_id FROM waitlist_tiers")?;
            let rows = q.query_map([], |r| r.get(0))?;
            rows.collect()
        })
        .await
    }

    /// Events that have an armed tier: the ones whose seats could come back unannounced.
    pub async fn armed_events(&self) -> Result<Vec<String>, StoreError> {
        self.with(|c| {
            let mut q = c.prepare_cached("SELECT DISTINCT event_id FROM waitlist_tiers WHERE armed = 1")?;
            let rows = q.query_map([], |r| r.get(0))?;
            rows.collect()
        })
        .await
    }

    /// The tier was seen sold out: its next return of seats starts a round.
    pub async fn arm(&self, event: &str, tier: &str) -> Result<(), StoreError> {
        let (event, tier) = (event.to_owned(), tier.to_owned());
        self.with(move |c| {
            c.execute(
                "UPDATE waitlist_tiers SET armed = 1 WHERE event_id = ?1 AND tier_id = ?2 AND armed = 0",
                params![event, tier],
            )
            .map(drop)
        })
        .await
    }

    /// Seats came back: if the tier is armed, disarms it and takes the first `n` people not yet
    /// told (marked told, logged as pending), all in one transaction, so two snapshots at once
    /// start one round. `None` when the tier was not armed.
    pub async fn take_round(&self, event: &str, tier: &str, n: u32) -> Result<Option<Round>, StoreError> {
        let (event, tier) = (event.to_owned(), tier.to_owned());
        self.with(move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let disarmed = tx.execute(
                "UPDATE waitlist_tiers SET armed = 0 WHERE event_id = ?1 AND tier_id = ?2 AND armed = 1",
                params![event, tier],
            )?;
            if disarmed == 0 {
                return Ok(None);
            }
            let now = chrono::Utc::now().to_rfc3339();
            let picked: Vec<(i64, String, String, String, Option<String>)> = {
                let mut q = tx.prepare(
                    "SELECT id, email, email_key, token, page_url FROM waitlist_entries
                     WHERE event_id = ?1 AND tier_id = ?2 AND notified_at IS NULL ORDER BY id LIMIT ?3",
                )?;
                let rows = q.query_map(params![event, tier, n], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            let mut invitees = Vec::with_capacity(picked.len());
            for (entry_id, email, key, token, page_url) in picked {
                tx.execute("UPDATE waitlist_entries SET notified_at = ?2 WHERE id = ?1", params![entry_id, now])?;
                tx.execute(
                    "INSERT INTO waitlist_sent (entry_id, event_id, tier_id, email_key, sent_at, outcome)
                     VALUES (?1, ?2, ?3, ?4, ?5, 'pending')",
                    params![entry_id, event, tier, key, now],
                )?;
                invitees.push(Invitee { entry_id, sent_id: tx.last_insert_rowid(), email, token, page_url });
            }
            let waiting: u32 = tx.query_row(
                "SELECT COUNT(*) FROM waitlist_entries WHERE event_id = ?1 AND tier_id = ?2 AND notified_at IS NULL",
                params![event, tier],
                |r| r.get(0),
            )?;
            tx.commit()?;
            Ok(Some(Round { invitees, waiting }))
        })
        .await
    }

    /// How an email of a round went. One the server refused goes back on the list, untold, so
    /// the next return of seats tries it again.
    pub async fn record_outcome(&self, invitee: &Invitee, delivered: bool) -> Result<(), StoreError> {
        let (entry, sent) = (invitee.entry_id, invitee.sent_id);
        self.with(move |c| {
            let tx = c.transaction()?;
            tx.execute(
                "UPDATE waitlist_sent SET outcome = ?2 WHERE id = ?1",
                params![sent, if delivered { "sent" } else { "failed" }],
            )?;
            if !delivered {
                tx.execute("UPDATE waitlist_entries SET notified_at = NULL WHERE id = ?1", [entry])?;
            }
            tx.commit()
        })
        .await
    }

    /// Another proxy emailed the address about this tier (Redis): the entry counts as told.
    pub async fn record_elsewhere(&self, invitee: &Invitee) -> Result<(), StoreError> {
        let sent = invitee.sent_id;
        self.with(move |c| {
            c.execute("UPDATE waitlist_sent SET outcome = 'sent by another proxy' WHERE id = ?1", [sent]).map(drop)
        })
        .await
    }

    /// The entry an unsubscribe token names, if it is still on a list.
    pub async fn entry(&self, token: &str) -> Result<Option<EntryRef>, StoreError> {
        let token = token.to_owned();
        self.with(move |c| {
            c.query_row("SELECT event_id, tier_id FROM waitlist_entries WHERE token = ?1", [token], |r| {
                Ok(EntryRef { event_id: r.get(0)?, tier_id: r.get(1)? })
            })
            .optional()
        })
        .await
    }

    /// Takes the entry off its list, with its lines in the sent log. True when there was one.
    pub async fn unsubscribe(&self, token: &str) -> Result<bool, StoreError> {
        let token = token.to_owned();
        self.with(move |c| {
            let tx = c.transaction()?;
            let id: Option<i64> =
                tx.query_row("SELECT id FROM waitlist_entries WHERE token = ?1", [&token], |r| r.get(0)).optional()?;
            if let Some(id) = id {
                tx.execute("DELETE FROM waitlist_sent WHERE entry_id = ?1", [id])?;
                tx.execute("DELETE FROM waitlist_entries WHERE id = ?1", [id])?;
            }
            tx.commit()?;
            Ok(id.is_some())
        })
        .await
    }

    /// Deletes every row that holds the address (any case): every event's list and the sent log.
    pub async fn purge(&self, email: &str) -> Result<Purged, StoreError> {
        let key = email_key(email);
        self.with(move |c| {
            let tx = c.transaction()?;
            let sent = tx.execute("DELETE FROM waitlist_sent WHERE email_key = ?1", [&key])?;
            let entries = tx.execute("DELETE FROM waitlist_entries WHERE email_key = ?1", [&key])?;
            tx.commit()?;
            Ok(Purged { entries, sent })
        })
        .await
    }

    /// The addresses on a tier's list, in sign-up order, with whether each was told (tests, admin).
    pub async fn list(&self, event: &str, tier: &str) -> Result<Vec<(String, bool)>, StoreError> {
        let (event, tier) = (event.to_owned(), tier.to_owned());
        self.with(move |c| {
            let mut q = c.prepare(
                "SELECT email, notified_at IS NOT NULL FROM waitlist_entries WHERE event_id = ?1 AND tier_id = ?2 ORDER BY id",
            )?;
            let rows = q.query_map(params![event, tier], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect()
        })
        .await
    }
}

fn arm(tx: &rusqlite::Transaction, event: &str, tier: &str) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO waitlist_tiers (event_id, tier_id, armed) VALUES (?1, ?2, 1)
         ON CONFLICT (event_id, tier_id) DO UPDATE SET armed = 1",
        params![event, tier],
    )
    .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> WaitlistStore {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::migrations::to_latest(&mut conn).unwrap();
        WaitlistStore::over(conn)
    }

    #[tokio::test]
    async fn signing_up_twice_is_one_entry_whatever_the_case() {
        let s = store();
        assert!(s.join("ev", "vip", "Ana@Example.com", None).await.unwrap());
        assert!(!s.join("ev", "vip", " ana@example.COM ", None).await.unwrap());
        assert!(s.join("ev", "ga", "ana@example.com", None).await.unwrap(), "another tier is another list");
        assert_eq!(s.list("ev", "vip").await.unwrap(), [("Ana@Example.com".to_owned(), false)]);
    }

    #[tokio::test]
    async fn a_return_of_seats_tells_the_first_people_once_and_the_next_return_the_next_ones() {
        let s = store();
        for who in ["a@x.example", "b@x.example", "c@x.example"] {
            s.join("ev", "vip", who, None).await.unwrap();
        }
        let round = s.take_round("ev", "vip", 2).await.unwrap().unwrap();
        let told: Vec<&str> = round.invitees.iter().map(|i| i.email.as_str()).collect();
        assert_eq!((told, round.waiting), (vec!["a@x.example", "b@x.example"], 1));
        assert_eq!(s.take_round("ev", "vip", 2).await.unwrap(), None, "not again until sold out again");
        s.arm("ev", "vip").await.unwrap();
        let next = s.take_round("ev", "vip", 2).await.unwrap().unwrap();
        assert_eq!(next.invitees.iter().map(|i| i.email.as_str()).collect::<Vec<_>>(), ["c@x.example"]);
    }

    #[tokio::test]
    async fn a_refused_email_goes_back_on_the_list() {
        let s = store();
        s.join("ev", "vip", "a@x.example", None).await.unwrap();
        let round = s.take_round("ev", "vip", 5).await.unwrap().unwrap();
        s.record_outcome(&round.invitees[0], false).await.unwrap();
        assert_eq!(s.list("ev", "vip").await.unwrap(), [("a@x.example".to_owned(), false)]);
    }

    #[tokio::test]
    async fn unsubscribe_and_purge_remove_every_row_of_the_address() {
        let s = store();
        s.join("ev", "vip", "a@x.example", None).await.unwrap();
        s.join("ev2", "ga", "A@x.example", None).await.unwrap();
        s.join("ev2", "ga", "b@x.example", None).await.unwrap();
        let round = s.take_round("ev2", "ga", 5).await.unwrap().unwrap();
        let token = round.invitees[1].token.clone();
        assert_eq!(token.len(), 64);
        assert!(s.entry(&token).await.unwrap().is_some());
        assert!(s.unsubscribe(&token).await.unwrap());
        assert!(!s.unsubscribe(&token).await.unwrap(), "twice is harmless");
        assert_eq!(s.purge("a@X.example").await.unwrap(), Purged { entries: 2, sent: 1 });
        assert_eq!(s.purge("a@x.example").await.unwrap(), Purged::default());
        assert!(s.list("ev", "vip").await.unwrap().is_empty() && s.list("ev2", "ga").await.unwrap().is_empty());
    }
}
