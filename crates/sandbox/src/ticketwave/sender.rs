//! Drains the outbox: each delivery's stored body is POSTed with `X-TicketWave-Signature`
//! (hex HMAC-SHA256 of those exact bytes under the secret configured when it was queued) and
//! `X-TicketWave-Event`. Failures (non-2xx or no answer in 5 s) are retried with doubling
//! delays, the same bytes each time: TicketWave payloads carry no delivery id, so receivers
//! recognise a retry by its content.

use super::error::TwResult;
use super::store::{self, Store};
use crate::outbox::{retry_delay, CLAIM_LEASE};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};
use tokio::task::JoinSet;

pub const SIGNATURE_HEADER: &str = "X-TicketWave-Signature";
pub const EVENT_HEADER: &str = "X-TicketWave-Event";

const SEND_TIMEOUT: Duration = Duration::from_secs(5);
/// Safety net: due work is also looked for this often even if nobody wakes the sender.
const IDLE_POLL: Duration = Duration::from_secs(1);

struct Due {
    seq: i64,
    event_type: String,
    url: String,
    secret: String,
    body: String,
}

pub(crate) async fn run(store: Store, wake: Arc<Notify>, retry_base: Duration, mut stop: watch::Receiver<bool>) {
    let client = match reqwest::Client::builder()
        .timeout(SEND_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("tessera-sandbox-ticketwave/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "cannot build the webhook HTTP client; TicketWave webhooks will not be sent");
            return;
        }
    };
    let mut in_flight = JoinSet::new();
    while !*stop.borrow() {
        match store.call(|c| claim_due(c, super::now())).await {
            Ok(due) => {
                for delivery in due {
                    in_flight.spawn(deliver(client.clone(), store.clone(), delivery, retry_base, wake.clone()));
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not read the TicketWave webhook outbox"),
        }
        while in_flight.try_join_next().is_some() {}
        let next = store.call(next_due).await.ok().flatten();
        let pause = next.map_or(IDLE_POLL, |at| (at - super::now()).to_std().unwrap_or(Duration::ZERO).min(IDLE_POLL));
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(pause) => {}
            _ = stop.changed() => {}
        }
    }
    // Sends cut off here are sent again on the next start (file databases only).
    let _ =
        tokio::time::timeout(Duration::from_secs(1), async { while in_flight.join_next().await.is_some() {} }).await;
    in_flight.abort_all();
}

async fn deliver(client: reqwest::Client, store: Store, delivery: Due, retry_base: Duration, wake: Arc<Notify>) {
    let error = send(&client, &delivery).await.err();
    let (event, url) = (&delivery.event_type, &delivery.url);
    match &error {
        Some(err) => tracing::warn!(%event, %url, error = %err, "TicketWave webhook delivery failed"),
        None => tracing::debug!(%event, %url, "TicketWave webhook delivered"),
    }
    let seq = delivery.seq;
    if let Err(e) = store.call(move |c| record_attempt(c, seq, error.as_deref(), super::now(), retry_base)).await {
        tracing::warn!(error = %e, "could not record a TicketWave webhook attempt");
    }
    // The retry just scheduled may be sooner than what the loop is sleeping towards.
    wake.notify_one();
}

async fn send(client: &reqwest::Client, delivery: &Due) -> Result<(), String> {
    let response = client
        .post(&delivery.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, crate::signature::sign(&delivery.secret, delivery.body.as_bytes()))
        .header(EVENT_HEADER, &delivery.event_type)
        .body(delivery.body.clone())
        .send()
        .await
        .map_err(|e| {
            if e.is_timeout() {
                "no answer within 5 s".to_owned()
            } else {
                format!("could not connect: {}", e.without_url())
            }
        })?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(format!("HTTP {}", response.status().as_u16()))
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
