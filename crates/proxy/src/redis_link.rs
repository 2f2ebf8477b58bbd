//! This proxy's link to the Redis that several proxies share (`TESSERA_REDIS_URL`).
//!
//! The connection is made lazily and remade by the `redis` crate's `ConnectionManager` after a
//! loss, so a proxy starts and serves while Redis is down. Every command is given a short
//! timeout: a shared figure that cannot be had in time is replaced by this proxy's own (the
//! budget falls back to its share), never waited for under a buyer's request.
//!
//! A heartbeat every second pings Redis, which says whether it is up (for `/readyz` and
//! `/metrics`), and registers this proxy among the live ones, which says what its share of a
//! budget is when Redis is down.

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::AsyncCommands;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// GCRA in Redis with its clock: reserves the caller's turn when it comes within `max_wait`
/// and answers how long to wait for it; otherwise reserves nothing and answers, negated, how
/// long it would have been. A block (KEYS[2]: a 429's Retry-After) refuses everything while it
/// lasts.
const GCRA: &str = r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then return -blocked end
local interval, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local max_wait, cost = tonumber(ARGV[3]), tonumber(ARGV[4])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + interval * cost
local wait = new_tat - interval * burst - now
if wait > max_wait then return -wait end
redis.call('SET', KEYS[1], new_tat, 'PX', new_tat - now + 60000)
if wait < 0 then wait = 0 end
return wait
"#;

static GCRA_SCRIPT: std::sync::LazyLock<redis::Script> = std::sync::LazyLock::new(|| redis::Script::new(GCRA));

/// A command that takes longer than this counts as Redis being unavailable.
const COMMAND_TIMEOUT: Duration = Duration::from_millis(250);
const HEARTBEAT: Duration = Duration::from_secs(1);
/// A proxy not heard from for this long no longer counts among the live ones.
const PROXY_LEASE: Duration = Duration::from_secs(5);
/// Key prefix of everything tessera keeps in Redis.
pub const PREFIX: &str = "tessera:";

#[derive(Clone)]
pub struct RedisLink {
    /// For connections of their own (a subscription, a blocking read).
    client: redis::Client,
    conn: ConnectionManager,
    up: Arc<AtomicBool>,
    /// Proxies alive when last counted (this one included); 1 until Redis has said.
    proxies: Arc<AtomicU32>,
    id: Arc<str>,
}

#[derive(Debug, thiserror::Error)]
#[error("TESSERA_REDIS_URL is not valid: {0}")]
pub struct BadRedisUrl(pub String);

impl RedisLink {
    /// Whether `url` is a Redis URL this crate can use (it is not connected to).
    pub fn check_url(url: &str) -> Result<(), BadRedisUrl> {
        redis::Client::open(url).map(drop).map_err(|e| BadRedisUrl(format!("{:?}", e.kind())))
    }

    /// A link to the Redis at `url` (`redis://[:password@]host:port[/db]`), connected on first
    /// use. Only a malformed URL is an error here; an unreachable server is not.
    pub fn new(url: &str) -> Result<Self, BadRedisUrl> {
        // The crate's error may quote the URL, password and all: say only what is wrong with it.
        let client = redis::Client::open(url).map_err(|e| BadRedisUrl(format!("{:?}", e.kind())))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(COMMAND_TIMEOUT))
            .set_response_timeout(Some(COMMAND_TIMEOUT))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_secs(2));
        let conn = client.get_connection_manager_lazy(config).map_err(|e| BadRedisUrl(format!("{:?}", e.kind())))?;
        let id: Arc<str> = uuid::Uuid::new_v4().to_string().into();
        Ok(RedisLink { client, conn, up: Arc::default(), proxies: Arc::new(AtomicU32::new(1)), id })
    }

    /// The connection, for one command. Cheap: clones share one multiplexed connection.
    pub fn conn(&self) -> ConnectionManager {
        self.conn.clone()
    }

    /// A subscriber connection of its own (pub/sub cannot share the multiplexed one).
    pub async fn pubsub(&self) -> redis::RedisResult<redis::aio::PubSub> {
        tokio::time::timeout(COMMAND_TIMEOUT * 4, self.client.get_async_pubsub())
            .await
            .unwrap_or_else(|_| Err(timed_out()))
    }

    /// A connection of its own, for commands that block (`XREAD BLOCK`) and would hold up
    /// every other command on the shared one; they may block for up to `block`.
    pub async fn dedicated(&self, block: Duration) -> redis::RedisResult<redis::aio::MultiplexedConnection> {
        let config = redis::AsyncConnectionConfig::new()
            .set_connection_timeout(Some(COMMAND_TIMEOUT * 4))
            .set_response_timeout(Some(block + COMMAND_TIMEOUT * 4));
        self.client.get_multiplexed_async_connection_with_config(&config).await
    }

    /// This proxy's id among the live ones (random per run).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Runs one command (or script) on the shared connection within the command timeout,
    /// and records whether Redis answered.
    pub async fn run<T, F>(&self, command: F) -> redis::RedisResult<T>
    where
        F: std::future::Future<Output = redis::RedisResult<T>>,
    {
        let result = tokio::time::timeout(COMMAND_TIMEOUT, command).await.unwrap_or_else(|_| Err(timed_out()));
        self.note(&result);
        result
    }

    /// `SET key value NX PX ms`: whether this call set it (nobody held it).
    pub async fn set_if_absent(&self, key: &str, value: &str, ms: u64) -> redis::RedisResult<bool> {
        let mut conn = self.conn();
        let set: Option<String> =
            self.run(redis::cmd("SET").arg(key).arg(value).arg("NX").arg("PX").arg(ms).query_async(&mut conn)).await?;
        Ok(set.is_some())
    }

    /// One turn of the GCRA at `key` (`interval_ms` between calls, `burst` at once), unless
    /// `block` is set: the wait in ms (0 = now, within `max_wait`), or negated, the wait that
    /// would have been needed (nothing reserved). Every proxy shares the limit through Redis.
    pub async fn gcra(
        &self,
        key: &str,
        block: &str,
        interval_ms: u64,
        burst: u32,
        max_wait: Duration,
        cost: u32,
    ) -> redis::RedisResult<i64> {
        let mut conn = self.conn();
        let mut call = GCRA_SCRIPT.key(key);
        call.key(block).arg(interval_ms).arg(burst).arg(max_wait.as_millis() as u64).arg(cost);
        self.run(call.invoke_async(&mut conn)).await
    }

    /// Whether Redis answered the last heartbeat (or the last command since).
    pub fn is_up(&self) -> bool {
        self.up.load(Ordering::Relaxed)
    }

    /// The proxies sharing this Redis, as last counted; at least 1.
    pub fn proxies(&self) -> u32 {
        self.proxies.load(Ordering::Relaxed).max(1)
    }

    /// Records what a command found; a failure is logged once, when Redis goes from up to down.
    pub fn note<T>(&self, result: &redis::RedisResult<T>) {
        let was = self.up.swap(result.is_ok(), Ordering::Relaxed);
        match result {
            Err(e) if was => tracing::warn!(error = ?e.kind(), "redis: unavailable; each proxy goes on by itself"),
            Ok(_) if !was => tracing::info!("redis: available; proxies share their state again"),
            _ => {}
        }
    }

    /// One heartbeat: this proxy renews its lease and counts the live ones.
    async fn beat(&self) -> redis::RedisResult<u32> {
        let key = format!("{PREFIX}proxies");
        let mut conn = self.conn();
        let now_ms = now_ms(&mut conn).await?;
        let lease_ms = PROXY_LEASE.as_millis() as i64;
        let (_, _, live, _): ((), (), u32, ()) = redis::pipe()
            .atomic()
            .zadd(&key, &*self.id, now_ms)
            .zrembyscore(&key, "-inf", now_ms - lease_ms)
            .zcard(&key)
            // The set goes too once every proxy has stopped beating.
            .pexpire(&key, lease_ms * 2)
            .query_async(&mut conn)
            .await?;
        Ok(live)
    }

    /// Beats until the returned task is dropped or aborted.
    pub fn heartbeat(&self) -> tokio::task::JoinHandle<()> {
        let link = self.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(HEARTBEAT);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                let result =
                    tokio::time::timeout(COMMAND_TIMEOUT * 4, link.beat()).await.unwrap_or_else(|_| Err(timed_out()));
                if let Ok(live) = &result {
                    link.proxies.store(*live, Ordering::Relaxed);
                }
                link.note(&result);
            }
        })
    }

    /// Takes this proxy off the live ones (at shutdown), so the others' shares grow at once.
    pub async fn leave(&self) {
        let mut conn = self.conn();
        let _: redis::RedisResult<()> = conn.zrem(format!("{PREFIX}proxies"), &*self.id).await;
    }
}

fn timed_out() -> redis::RedisError {
    redis::RedisError::from((redis::ErrorKind::Io, "timed out"))
}

/// Redis's own clock in milliseconds: one clock for every proxy, whatever theirs say.
pub async fn now_ms(conn: &mut ConnectionManager) -> redis::RedisResult<i64> {
    let (secs, micros): (i64, i64) = redis::cmd("TIME").query_async(conn).await?;
    Ok(secs * 1000 + micros / 1000)
}
