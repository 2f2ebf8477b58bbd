//! Drains a webhook outbox: each due delivery is POSTed with a 5 s timeout and its outcome
//! recorded; failures (non-2xx or no answer) are retried with doubling delays, with the same
//! stored body each time so receivers can de-duplicate. One loop serves both sandboxes: the
//! HangHut outbox (`Db`, below) and the TicketWave one (`ticketwave::sender`).

use crate::clock::now;
use crate::db::Db;
use crate::outbox::{self, DueDelivery};
use crate::signature;
use chrono::{DateTime, Utc};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};
use tokio::task::JoinSet;

const SEND_TIMEOUT: Duration = Duration::from_secs(5);
/// Safety net: the sender also looks for due work this often even if nobody wakes it.
const IDLE_POLL: Duration = Duration::from_secs(1);

/// A platform's outbox, as the sender drains it.
pub(crate) trait Outbox: Clone + Send + Sync + 'static {
    type Due: Send + Sync + 'static;
    /// Names the platform in the sender's own log lines.
    const PLATFORM: &'static str;
    /// Deliveries whose next attempt is due, leased so a slow endpoint is not sent one twice.
    fn claim_due(&self) -> impl Future<Output = Result<Vec<Self::Due>, String>> + Send;
    /// When the next pending delivery is due.
    fn next_due(&self) -> impl Future<Output = Option<DateTime<Utc>>> + Send;
    /// One attempt at the delivery (see `post`).
    fn send(client: &reqwest::Client, due: &Self::Due) -> impl Future<Output = Result<(), String>> + Send;
    /// Records the attempt's outcome, scheduling a retry or giving up.
    fn record(&self, due: Self::Due, error: Option<String>, retry_base: Duration) -> impl Future<Output = ()> + Send;
}

pub(crate) async fn run<O: Outbox>(
    outbox: O,
    user_agent: &'static str,
    wake: Arc<Notify>,
    retry_base: Duration,
    mut stop: watch::Receiver<bool>,
) {
    let client = match reqwest::Client::builder()
        .timeout(SEND_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(user_agent)
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(platform = O::PLATFORM, error = %e, "cannot build the webhook HTTP client; webhooks will not be sent");
            return;
        }
    };
    let mut in_flight = JoinSet::new();
    while !*stop.borrow() {
        match outbox.claim_due().await {
            Ok(due) => {
                for delivery in due {
                    let (client, outbox, wake) = (client.clone(), outbox.clone(), wake.clone());
                    in_flight.spawn(async move {
                        let error = O::send(&client, &delivery).await.err();
                        outbox.record(delivery, error, retry_base).await;
                        // The retry just scheduled may be sooner than what the loop sleeps towards.
                        wake.notify_one();
                    });
                }
            }
            Err(e) => tracing::warn!(platform = O::PLATFORM, error = %e, "could not read the webhook outbox"),
        }
        while in_flight.try_join_next().is_some() {}

        let next = outbox.next_due().await;
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

/// POSTs a stored JSON body with the platform's headers: `Ok` on a 2xx, else what went wrong.
pub(crate) async fn post(
    client: &reqwest::Client,
    url: &str,
    headers: &[(&'static str, &str)],
    body: &str,
) -> Result<(), String> {
    let mut request = client.post(url).header(reqwest::header::CONTENT_TYPE, "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.body(body.to_owned()).send().await.map_err(|e| {
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

impl Outbox for Db {
    type Due = DueDelivery;
    const PLATFORM: &'static str = "hanghut";

    async fn claim_due(&self) -> Result<Vec<DueDelivery>, String> {
        self.call(|c| outbox::claim_due(c, now())).await.map_err(|e| e.to_string())
    }

    async fn next_due(&self) -> Option<DateTime<Utc>> {
        self.call(|c| outbox::next_due(c)).await.ok().flatten()
    }

    async fn send(client: &reqwest::Client, due: &DueDelivery) -> Result<(), String> {
        let signed = signature::sign(&due.secret, due.body.as_bytes());
        post(client, &due.url, &[(signature::HEADER, &signed)], &due.body).await
    }

    async fn record(&self, due: DueDelivery, error: Option<String>, retry_base: Duration) {
        match &error {
            Some(err) => {
                tracing::warn!(payload_id = %due.payload_id, url = %due.url, error = %err, "webhook delivery failed")
            }
            None => tracing::debug!(payload_id = %due.payload_id, url = %due.url, "webhook delivered"),
        }
        let seq = due.seq;
        if let Err(e) = self.call(move |c| outbox::record_attempt(c, seq, error.as_deref(), now(), retry_base)).await {
            tracing::warn!(error = %e, "could not record a webhook attempt");
        }
    }
}
