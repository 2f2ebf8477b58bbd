//! Drains the webhook outbox: signs each delivery's stored body, POSTs it with a 5 s timeout,
//! and records the outcome. Failures (non-2xx or no answer) are retried with doubling delays,
//! keeping the payload's `id` so receivers can de-duplicate.

use crate::clock::now;
use crate::db::Db;
use crate::outbox::{self, DueDelivery};
use crate::signature;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};
use tokio::task::JoinSet;

const SEND_TIMEOUT: Duration = Duration::from_secs(5);
/// Safety net: the sender also looks for due work this often even if nobody wakes it.
const IDLE_POLL: Duration = Duration::from_secs(1);

pub(crate) async fn run(db: Db, wake: Arc<Notify>, retry_base: Duration, mut stop: watch::Receiver<bool>) {
    let client = match reqwest::Client::builder()
        .timeout(SEND_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("tessera-sandbox/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "cannot build the webhook HTTP client; webhooks will not be sent");
            return;
        }
    };
    let mut in_flight = JoinSet::new();
    while !*stop.borrow() {
        match db.call(|c| outbox::claim_due(c, now())).await {
            Ok(due) => {
                for delivery in due {
                    in_flight.spawn(deliver(client.clone(), db.clone(), delivery, retry_base, wake.clone()));
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not read the webhook outbox"),
        }
        while in_flight.try_join_next().is_some() {}

        let next = db.call(|c| outbox::next_due(c)).await.ok().flatten();
        let pause = next.map_or(IDLE_POLL, |at| (at - now()).to_std().unwrap_or(Duration::ZERO).min(IDLE_POLL));
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(pause) => {}
            _ = stop.changed() => {}
        }
    }
    // Give sends already under way a moment; anything cut off is resent on the next start.
    let _ =
        tokio::time::timeout(Duration::from_secs(1), async { while in_flight.join_next().await.is_some() {} }).await;
    in_flight.abort_all();
}

async fn deliver(client: reqwest::Client, db: Db, delivery: DueDelivery, retry_base: Duration, wake: Arc<Notify>) {
    let error = send(&client, &delivery).await.err();
    if let Some(err) = &error {
        tracing::warn!(payload_id = %delivery.payload_id, url = %delivery.url, error = %err, "webhook delivery failed");
    } else {
        tracing::debug!(payload_id = %delivery.payload_id, url = %delivery.url, "webhook delivered");
    }
    let seq = delivery.seq;
    if let Err(e) = db.call(move |c| outbox::record_attempt(c, seq, error.as_deref(), now(), retry_base)).await {
        tracing::warn!(error = %e, "could not record a webhook attempt");
    }
    // The retry just scheduled may be sooner than what the loop is sleeping towards.
    wake.notify_one();
}

async fn send(client: &reqwest::Client, delivery: &DueDelivery) -> Result<(), String> {
    let response = client
        .post(&delivery.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(signature::HEADER, signature::sign(&delivery.secret, delivery.body.as_bytes()))
        .body(delivery.body.clone())
        .send()
        .await
        .map_err(
            |e| if e.is_timeout() { "no answer within 5 s".to_owned() } else { format!("could not connect: {e}") },
        )?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(format!("HTTP {}", response.status().as_u16()))
    }
}
