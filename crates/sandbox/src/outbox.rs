//! The webhook outbox: one row per (payload, endpoint), written in the same transaction as the
//! change it reports, so a committed sale is never left unannounced and a rolled-back one is
//! never announced. `webhook_sender` drains it; rows survive restarts.

use crate::clock::rfc3339;
use crate::error::Result;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use serde::Serialize;
use serde_json::Value;
use std::time::Duration;

/// Attempts per delivery before it is given up (the first try and five retries).
pub const MAX_ATTEMPTS: u32 = 6;

#[derive(Serialize)]
struct Payload<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    event_type: &'a str,
    created_at: String,
    data: Value,
}

/// Queues `event_type` for every active endpoint subscribed to it. Returns the payload id
/// (`evt_...`), or `None` when nobody listens.
pub(crate) fn enqueue(conn: &Connection, event_type: &str, data: Value, now: DateTime<Utc>) -> Result<Option<String>> {
    let endpoints = subscribers(conn, event_type)?;
    if endpoints.is_empty() {
        return Ok(None);
    }
    let id = format!("evt_{}", uuid::Uuid::new_v4().simple());
    let body = serde_json::to_string(&Payload { id: &id, event_type, created_at: rfc3339(now), data })
        .map_err(|e| crate::error::SandboxError::Internal(format!("webhook payload: {e}")))?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO webhook_deliveries (payload_id, endpoint_id, event_type, body, next_attempt_ms)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for endpoint in endpoints {
        insert.execute(params![id, endpoint, event_type, body, now.timestamp_millis()])?;
    }
    Ok(Some(id))
}

fn subscribers(conn: &Connection, event_type: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT id, events FROM webhook_endpoints WHERE is_active = 1 ORDER BY id")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut ids = Vec::new();
    for row in rows {
        let (id, events) = row?;
        let events: Vec<String> = serde_json::from_str(&events).unwrap_or_default();
        if events.is_empty() || events.iter().any(|e| e == event_type) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// A delivery ready to send: everything the sender needs without touching the database.
#[derive(Clone, Debug)]
pub(crate) struct DueDelivery {
    pub seq: i64,
    pub payload_id: String,
    pub url: String,
    pub secret: String,
    pub body: String,
}

/// How long a claimed delivery is kept from being claimed again: longer than a send's timeout,
/// so a slow endpoint is never sent the same attempt twice.
pub(crate) const CLAIM_LEASE: Duration = Duration::from_secs(30);

/// Deliveries whose next attempt is due, leased to the caller.
pub(crate) fn claim_due(conn: &mut Connection, now: DateTime<Utc>) -> Result<Vec<DueDelivery>> {
    let tx = crate::db::immediate(conn)?;
    let now_ms = now.timestamp_millis();
    let due = {
        let mut stmt = tx.prepare_cached(
            "SELECT d.seq, d.payload_id, e.url, e.secret, d.body
               FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
              WHERE d.status = 'pending' AND d.next_attempt_ms <= ?1 AND e.is_active = 1
              ORDER BY d.next_attempt_ms, d.seq LIMIT 100",
        )?;
        let rows = stmt.query_map([now_ms], |r| {
            Ok(DueDelivery {
                seq: r.get(0)?,
                payload_id: r.get(1)?,
                url: r.get(2)?,
                secret: r.get(3)?,
                body: r.get(4)?,
            })
        })?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
    };
    let lease_until = now_ms + CLAIM_LEASE.as_millis() as i64;
    for d in &due {
        tx.execute("UPDATE webhook_deliveries SET next_attempt_ms = ?2 WHERE seq = ?1", params![d.seq, lease_until])?;
    }
    tx.commit()?;
    Ok(due)
}

/// Wait before the next attempt after `attempts_made` failures: `base`, then doubling;
/// `None` once all `MAX_ATTEMPTS` are spent.
pub fn retry_delay(base: Duration, attempts_made: u32) -> Option<Duration> {
    if attempts_made == 0 || attempts_made >= MAX_ATTEMPTS {
        return None;
    }
    Some(base.saturating_mul(1 << (attempts_made - 1)))
}

/// Records one attempt's outcome: delivered, rescheduled, or given up.
pub(crate) fn record_attempt(
    conn: &Connection,
    seq: i64,
    error: Option<&str>,
    now: DateTime<Utc>,
    retry_base: Duration,
) -> Result<()> {
    let attempts: u32 = conn.query_row(
        "UPDATE webhook_deliveries SET attempts = attempts + 1 WHERE seq = ?1 RETURNING attempts",
        [seq],
        |r| r.get(0),
    )?;
    match (error, retry_delay(retry_base, attempts)) {
        (None, _) => {
            conn.execute(
                "UPDATE webhook_deliveries SET status = 'delivered', last_error = NULL WHERE seq = ?1",
                [seq],
            )?;
        }
        (Some(err), Some(delay)) => {
            let next = now.timestamp_millis() + delay.as_millis() as i64;
            conn.execute(
                "UPDATE webhook_deliveries SET next_attempt_ms = ?2, last_error = ?3 WHERE seq = ?1",
                params![seq, next, err],
            )?;
        }
        (Some(err), None) => {
            conn.execute(
                "UPDATE webhook_deliveries SET status = 'failed', last_error = ?2 WHERE seq = ?1",
                params![seq, err],
            )?;
        }
    }
    Ok(())
}

/// When the next pending delivery falls due, if any.
pub(crate) fn next_due(conn: &Connection) -> Result<Option<DateTime<Utc>>> {
    let ms: Option<i64> = conn.query_row(
        "SELECT MIN(d.next_attempt_ms) FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
          WHERE d.status = 'pending' AND e.is_active = 1",
        [],
        |r| r.get(0),
    )?;
    Ok(ms.map(crate::clock::from_millis))
}

/// On start, every pending delivery (including ones leased by a process that died mid-send)
/// is due at once.
pub(crate) fn resume_pending(conn: &Connection, now: DateTime<Utc>) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE webhook_deliveries SET next_attempt_ms = ?1 WHERE status = 'pending' AND next_attempt_ms > ?1",
        [now.timestamp_millis()],
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn with_endpoint(events: &str) -> crate::db::Db {
        let db = crate::db::in_memory();
        db.blocking(|c| {
            c.execute(
                "INSERT INTO webhook_endpoints (id, url, secret, events, is_active, source, created_at)
                 VALUES ('wh_1', 'http://127.0.0.1:9/', 'whsec_x', ?1, 1, 'api', 'now')",
                [events],
            )?;
            Ok(())
        })
        .unwrap();
        db
    }

    #[test]
    fn retries_double_from_the_base_and_stop_after_six_attempts() {
        let base = Duration::from_millis(100);
        let delays: Vec<_> = (1..=6).map(|n| retry_delay(base, n)).collect();
        assert_eq!(
            delays,
            [100, 200, 400, 800, 1600]
                .map(|ms| Some(Duration::from_millis(ms)))
                .into_iter()
                .chain([None])
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn payload_has_the_documented_shape() {
        let db = with_endpoint("[\"ticket.purchased\"]");
        let now = Utc::now();
        db.blocking(|c| {
            let id = enqueue(c, "ticket.purchased", json!({"ticket_id": "t1"}), now)?.unwrap();
            assert!(id.starts_with("evt_"));
            let body: String = c.query_row("SELECT body FROM webhook_deliveries", [], |r| r.get(0))?;
            let v: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(
                v,
                json!({"id": id, "type": "ticket.purchased", "created_at": rfc3339(now), "data": {"ticket_id": "t1"}})
            );
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn only_subscribed_endpoints_get_a_delivery() {
        let db = with_endpoint("[\"ticket.refunded\"]");
        let queued = db.blocking(|c| enqueue(c, "ticket.purchased", json!({}), Utc::now())).unwrap();
        assert_eq!(queued, None);
        let everything = with_endpoint("[]");
        assert!(everything.blocking(|c| enqueue(c, "ticket.purchased", json!({}), Utc::now())).unwrap().is_some());
    }

    #[test]
    fn a_failed_attempt_is_rescheduled_and_a_claimed_one_is_not_claimed_twice() {
        let db = with_endpoint("[]");
        let now = Utc::now();
        let base = Duration::from_secs(1);
        db.blocking(|c| {
            enqueue(c, "ticket.purchased", json!({}), now)?;
            let due = claim_due(c, now)?;
            assert_eq!(due.len(), 1);
            assert!(claim_due(c, now)?.is_empty(), "leased rows are not handed out again");
            record_attempt(c, due[0].seq, Some("HTTP 500"), now, base)?;
            assert_eq!(next_due(c)?.map(|t| t.timestamp_millis()), Some(now.timestamp_millis() + 1000));
            let later = now + chrono::Duration::seconds(1);
            let again = claim_due(c, later)?;
            assert_eq!(again[0].payload_id, due[0].payload_id);
            record_attempt(c, again[0].seq, None, later, base)?;
            assert_eq!(next_due(c)?, None);
            Ok(())
        })
        .unwrap();
    }
}
