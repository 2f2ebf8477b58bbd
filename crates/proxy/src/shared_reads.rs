//! The catalogue's reads shared by every proxy through Redis: a copy of each platform answer
//! kept there for the TTL, and one lock per entry, so concurrent misses on several proxies
//! make one upstream call between them. The one holding the lock reads and stores; the others
//! wait briefly for the copy to appear and then use it.
//!
//! Redis is a help here, never a requirement: when it cannot answer in time, or the copy does
//! not come, a proxy reads for itself (within the shared budget).

use serde::{de::DeserializeOwned, Serialize};
use std::future::Future;
use std::time::Duration;

use crate::metrics::Metrics;
use crate::redis_link::{RedisLink, PREFIX};

/// How long a reader may hold an entry's lock: longer than an upstream call takes.
const LOCK_MS: u64 = 5_000;
/// How long the others wait for the copy before reading for themselves.
const WAIT_FOR_COPY: Duration = Duration::from_millis(3_000);
const POLL: Duration = Duration::from_millis(15);

#[derive(Clone)]
pub struct SharedReads {
    link: RedisLink,
    ttl: Duration,
    metrics: Metrics,
}

/// Where a value came from, for the cache metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Another proxy's read (or this one's, earlier).
    Shared,
    /// This proxy asked the platform.
    Upstream,
}

impl SharedReads {
    pub fn new(link: RedisLink, ttl: Duration, metrics: Metrics) -> Self {
        SharedReads { link, ttl, metrics }
    }

    fn counted<V>(&self, value: V, source: Source) -> (V, Source) {
        self.metrics.shared_read(match source {
            Source::Shared => "shared",
            Source::Upstream => "upstream",
        });
        (value, source)
    }

    fn key(what: &str) -> String {
        format!("{PREFIX}read:{what}")
    }

    async fn copy<V: DeserializeOwned>(&self, key: &str) -> Option<V> {
        let mut conn = self.link.conn();
        let raw: Option<String> = self.link.run(redis::cmd("GET").arg(key).query_async(&mut conn)).await.ok()?;
        raw.and_then(|r| serde_json::from_str(&r).ok())
    }

    /// The shared copy of `what`, or `fetch`'s answer (stored for the others) when there is
    /// none; while another proxy is fetching it, its answer.
    pub async fn read<V, F, Fut, E>(&self, what: &str, fetch: F) -> Result<(V, Source), E>
    where
        V: Serialize + DeserializeOwned,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        if !self.link.is_up() {
            return fetch().await.map(|v| self.counted(v, Source::Upstream));
        }
        let key = Self::key(what);
        if let Some(v) = self.copy(&key).await {
            return Ok(self.counted(v, Source::Shared));
        }
        let lock = format!("{key}:lock");
        let took = self.link.set_if_absent(&lock, self.link.id(), LOCK_MS).await;
        if let Ok(false) = took {
            // Another proxy is reading it now: its answer is worth a short wait.
            let until = tokio::time::Instant::now() + WAIT_FOR_COPY;
            while tokio::time::Instant::now() < until && self.link.is_up() {
                tokio::time::sleep(POLL).await;
                if let Some(v) = self.copy(&key).await {
                    return Ok(self.counted(v, Source::Shared));
                }
            }
        }
        let value = fetch().await?;
        let mut conn = self.link.conn();
        if let Ok(json) = serde_json::to_string(&value) {
            let ttl_ms = self.ttl.as_millis().max(1) as u64;
            let _: redis::RedisResult<()> = self
                .link
                .run(
                    redis::pipe()
                        .set(&key, json)
                        .pexpire(&key, ttl_ms as i64)
                        .ignore()
                        .del(&lock)
                        .ignore()
                        .query_async(&mut conn),
                )
                .await;
        }
        Ok(self.counted(value, Source::Upstream))
    }

    /// Drops the shared copy of `what` (it changed), so the next read anywhere is fresh.
    pub async fn forget(&self, what: &str) {
        if !self.link.is_up() {
            return;
        }
        let mut conn = self.link.conn();
        let _: redis::RedisResult<()> =
            self.link.run(redis::cmd("DEL").arg(Self::key(what)).query_async(&mut conn)).await;
    }

    /// Drops the shared copies of the list's first `pages` pages.
    pub async fn forget_pages(&self, pages: u32) {
        if !self.link.is_up() {
            return;
        }
        let keys: Vec<String> = (1..=pages).map(|n| Self::key(&format!("page:{n}"))).collect();
        let mut conn = self.link.conn();
        let _: redis::RedisResult<()> = self.link.run(redis::cmd("DEL").arg(keys).query_async(&mut conn)).await;
    }
}
