//! Drains the outbox: each delivery's stored body is POSTed with `X-TicketWave-Signature`
//! (hex HMAC-SHA256 of those exact bytes under the secret configured when it was queued) and
//! `X-TicketWave-Event`. Failures (non-2xx or no answer in 5 s) are retried with doubling
//! delays, the same bytes each time: TicketWave payloads carry no delivery id, so receivers
//! recognise a retry by its content.

use super::error::TwResult;
use super::store::{self, Store};
use crate::outbox::{retry_delay, CLAIM_LEASE};
use crate::webhook_sender::{post, Outbox};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use std::time::Duration;

pub const SIGNATURE_HEADER: &str = "X-TicketWave-Signature";
pub const EVENT_HEADER: &str = "X-TicketWave-Event";

pub(crate) struct Due {
    seq: i64,
    event_type: String,
    url: String,
    secret: String,
    body: String,
}

/// The TicketWave outbox, drained by the sandboxes' shared sender loop.
impl Outbox for Store {
    type Due = Due;
    const PLATFORM: &'static str = "ticketwave";

    async fn claim_due(&self) -> Result<Vec<Due>, String> {
        self.call(|c| claim_due(c, super::now())).await.map_err(|e| e.to_string())
    }

    async fn next_due(&self) -> Option<DateTime<Utc>> {
        self.call(next_due).await.ok().flatten()
    }

    async fn send(client: &reqwest::Client, due: &Due) -> Result<(), String> {
        let signed = crate::signature::sign(&due.secret, due.body.as_bytes());
        let headers = [(SIGNATURE_HEADER, signed.as_str()), (EVENT_HEADER, due.event_type.as_str())];
        post(client, &due.url, &headers, &due.body).await
    }

    async fn record(&self, due: Due, error: Option<String>, retry_base: Duration) {
        let (event, url) = (&due.event_type, &due.url);
        match &error {
            Some(err) => tracing::warn!(%event, %url, error = %err, "TicketWave webhook delivery failed"),
            None => tracing::debug!(%event, %url, "TicketWave webhook delivered"),
        }
        let seq = due.seq;
        if let Err(e) = self.call(move |c| record_attempt(c, seq, error.as_deref(), super::now(), retry_base)).await {
            tracing::warn!(error = %e, "could not record a TicketWave webhook attempt");
        }
    }
}

/// Deliveries whose next attempt is due, leased so a slow endpoint is not sent one twice.
fn claim_due(conn: &mut Connection, now: DateTime<Utc>) -> TwResult<Vec<Due>> {
    let tx = store::immediate(conn)?;
    let now_ms = now.timestamp_millis();
    let due = {
        let mut stmt = tx.prepare_cached(
            "SELECT seq, event_type, url, secret, body FROM deliveries
              WHERE status = 'pending' AND next_attempt_ms <= ?1 ORDER BY next_attempt_ms, seq LIMIT 100",
        )?;
        let rows = stmt.query_map([now_ms], |r| {
            Ok(Due { seq: r.get(0)?, event_type: r.get(1)?, url: r.get(2)?, secret: r.get(3)?, body: r.get(4)? })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    let lease_until = now_ms + CLAIM_LEASE.as_millis() as i64;
    for d in &due {
        tx.execute("UPDATE deliveries SET next_attempt_ms = ?2 WHERE seq = ?1", params![d.seq, lease_until])?;
    }
    tx.commit()?;
    Ok(due)
}

fn record_attempt(
    conn: &mut Connection,
    seq: i64,
    error: Option<&str>,
    now: DateTime<Utc>,
    retry_base: Duration,
) -> TwResult<()> {
    let attempts: u32 = conn.query_row(
        "UPDATE deliveries SET attempts = attempts + 1 WHERE seq = ?1 RETURNING attempts",
        [seq],
        |r| r.get(0),
    )?;
    match (error, retry_delay(retry_base, attempts)) {
        (None, _) => {
            conn.execute("UPDATE deliveries SET status = 'delivered', last_error = NULL WHERE seq = ?1", [seq])?;
        }
        (Some(err), Some(delay)) => {
            let next = now.timestamp_millis() + delay.as_millis() as i64;
            conn.execute(
                "UPDATE deliveries SET next_attempt_ms = ?2, last_error = ?3 WHERE seq = ?1",
                params![seq, next, err],
            )?;
        }
        (Some(err), None) => {
            conn.execute("UPDATE deliveries SET status = 'failed', last_error = ?2 WHERE seq = ?1", params![seq, err])?;
        }
    }
    Ok(())
}

fn next_due(conn: &mut Connection) -> TwResult<Option<DateTime<Utc>>> {
    let ms: Option<i64> =
        conn.query_row("SELECT MIN(next_attempt_ms) FROM deliveries WHERE status = 'pending'", [], |r| r.get(0))?;
    Ok(ms.and_then(DateTime::from_timestamp_millis))
}

/// On start, every pending delivery (including ones leased by a process that stopped
/// mid-send) is due at once.
pub(crate) fn resume_pending(conn: &mut Connection, now: DateTime<Utc>) -> TwResult<usize> {
    Ok(conn.execute(
        "UPDATE deliveries SET next_attempt_ms = ?1 WHERE status = 'pending' AND next_attempt_ms > ?1",
        [now.timestamp_millis()],
    )?)
}
