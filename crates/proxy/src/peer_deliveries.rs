//! Webhook deliveries passed between proxies, through a Redis stream. A platform delivers
//! each webhook to one proxy; the feed's events and sales, and a promo code's uses, live in
//! every proxy's SQLite, so each proxy records and applies every delivery any of them took.
//! A stream rather than pub/sub: a proxy that was stopped or cut off reads on from where it
//! was, and one just started reads what the stream still holds (its inbox drops repeats).

use std::time::Duration;

use crate::redis_link::{RedisLink, PREFIX};
use crate::store::InboxEntry;

/// Deliveries the stream keeps (approximately: trimmed by whole nodes).
const KEEP: usize = 10_000;
const BLOCK_MS: u64 = 2_000;

#[derive(Clone)]
pub struct PeerDeliveries {
    link: RedisLink,
    stream: String,
}

impl PeerDeliveries {
    pub fn new(link: RedisLink) -> Self {
        PeerDeliveries { link, stream: format!("{PREFIX}deliveries") }
    }

    /// Tells the other proxies of a delivery this one took. Best effort: while Redis is down
    /// the others go without it (README says so).
    pub async fn announce(&self, entry: &InboxEntry) {
        let Ok(json) = serde_json::to_string(entry) else { return };
        let mut conn = self.link.conn();
        let added: redis::RedisResult<String> = self
            .link
            .run(
                redis::cmd("XADD")
                    .arg(&self.stream)
                    .arg("MAXLEN")
                    .arg("~")
                    .arg(KEEP)
                    .arg("*")
                    .arg("from")
                    .arg(self.link.id())
                    .arg("entry")
                    .arg(json)
                    .query_async(&mut conn),
            )
            .await;
        if let Err(e) = added {
            tracing::warn!(delivery = %entry.delivery_id, error = ?e.kind(), "could not pass a delivery to the other proxies");
        }
    }

    /// Reads the other proxies' deliveries until the returned task is aborted, handing each to
    /// `take` in the order they were taken.
    pub fn follow<F, Fut>(&self, take: F) -> tokio::task::JoinHandle<()>
    where
        F: Fn(InboxEntry) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = ()> + Send,
    {
        let me = self.clone();
        tokio::spawn(async move {
            let mut last = "0".to_owned();
            loop {
                let mut conn = match me.link.dedicated(Duration::from_millis(BLOCK_MS)).await {
                    Ok(conn) => conn,
                    Err(_) => {
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                };
                loop {
                    let read: redis::RedisResult<Option<redis::streams::StreamReadReply>> = redis::cmd("XREAD")
                        .arg("COUNT")
                        .arg(100)
                        .arg("BLOCK")
                        .arg(BLOCK_MS)
                        .arg("STREAMS")
                        .arg(&me.stream)
                        .arg(&last)
                        .query_async(&mut conn)
                        .await;
                    let Ok(reply) = read else { break };
                    for id in reply.into_iter().flat_map(|r| r.keys).flat_map(|k| k.ids) {
                        last = id.id.clone();
                        let from: Option<String> = id.get("from");
                        if from.as_deref() == Some(me.link.id()) {
                            continue;
                        }
                        let entry: Option<String> = id.get("entry");
                        match entry.and_then(|e| serde_json::from_str::<InboxEntry>(&e).ok()) {
                            Some(entry) => take(entry).await,
                            None => tracing::warn!(id = %id.id, "a delivery from another proxy could not be read"),
                        }
                    }
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        })
    }
}
