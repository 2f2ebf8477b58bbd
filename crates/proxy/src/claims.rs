//! What one proxy claims so that no other does it again: a webhook delivery (a retry that
//! reaches another proxy is a duplicate there), and a checkout's Idempotency-Key (the same
//! key at two proxies opens one session). Kept in Redis; each proxy's SQLite stays its own
//! durable record, and is what decides while Redis cannot be had.

use redis::Script;
use std::sync::Arc;

use crate::providers::Platform;
use crate::redis_link::{RedisLink, PREFIX};
use crate::store::KeyClaim;
use crate::upstream::CheckoutSession;

/// A delivery is claimed for this long while its proxy writes it to its inbox; a proxy that
/// dies meanwhile lets the platform's next retry through once it has passed.
const DELIVERY_CLAIM_MS: u64 = 30_000;
/// A delivery is remembered as received this long: past every platform's retry schedule.
const DELIVERY_KEEP_SECS: u64 = 7 * 24 * 60 * 60;

/// What a delivery's claim found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryClaim {
    /// Nobody had it: this proxy records it.
    Mine,
    /// A proxy recorded it already.
    Duplicate,
    /// A proxy is recording it now; the platform should retry.
    InFlight,
    /// Redis did not answer: this proxy's inbox decides alone.
    Alone,
}

/// The Idempotency-Key claim, as `Store::claim_checkout_key` makes it in SQLite. KEYS[1]: the
/// key's hash. ARGV: fingerprint, a fresh upstream key, busy ms, keep ms. Redis's clock.
/// Returns {'proceed', upstream_key} | {'replay', session} | {'mismatch'} | {'inflight'}.
const CLAIM_KEY: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local h = redis.call('HMGET', KEYS[1], 'fp', 'upstream', 'session', 'expires', 'busy')
local busy = now + tonumber(ARGV[3])
if not h[1] then
  redis.call('HSET', KEYS[1], 'fp', ARGV[1], 'upstream', ARGV[2], 'busy', busy)
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return {'proceed', ARGV[2]}
end
if h[1] ~= ARGV[1] then return {'mismatch'} end
if h[3] then
  if tonumber(h[4]) > now then return {'replay', h[3]} end
  redis.call('HDEL', KEYS[1], 'session', 'expires')
  redis.call('HSET', KEYS[1], 'upstream', ARGV[2], 'busy', busy)
  return {'proceed', ARGV[2]}
end
if tonumber(h[5]) > now then return {'inflight'} end
redis.call('HSET', KEYS[1], 'busy', busy)
return {'proceed', h[2]}
";

/// Forgets a key that has no session: a replayable session is never forgotten.
static FORGET_KEY: std::sync::LazyLock<Script> = std::sync::LazyLock::new(|| {
    Script::new("if redis.call('HEXISTS', KEYS[1], 'session') == 0 then redis.call('DEL', KEYS[1]) end return 1")
});

#[derive(Clone)]
pub struct Claims {
    link: RedisLink,
    claim_key: Arc<Script>,
}

impl Claims {
    pub fn new(link: RedisLink) -> Self {
        Claims { link, claim_key: Arc::new(Script::new(CLAIM_KEY)) }
    }

    fn delivery_key(platform: Platform, id: &str) -> String {
        format!("{PREFIX}delivery:{}:{id}", platform.name())
    }

    /// Claims a delivery before this proxy records it.
    pub async fn claim_delivery(&self, platform: Platform, id: &str) -> DeliveryClaim {
        if !self.link.is_up() {
            return DeliveryClaim::Alone;
        }
        let key = Self::delivery_key(platform, id);
        match self.link.set_if_absent(&key, &format!("claimed:{}", self.link.id()), DELIVERY_CLAIM_MS).await {
            Ok(true) => DeliveryClaim::Mine,
            Ok(false) => {
                let mut conn = self.link.conn();
                let held: redis::RedisResult<Option<String>> =
                    self.link.run(redis::cmd("GET").arg(&key).query_async(&mut conn)).await;
                match held {
                    Ok(Some(v)) if v == "recorded" => DeliveryClaim::Duplicate,
                    Ok(_) => DeliveryClaim::InFlight,
                    Err(_) => DeliveryClaim::Alone,
                }
            }
            Err(_) => DeliveryClaim::Alone,
        }
    }

    /// The delivery is in this proxy's inbox: from now on it is a duplicate everywhere.
    pub async fn recorded_delivery(&self, platform: Platform, id: &str) {
        let mut conn = self.link.conn();
        let key = Self::delivery_key(platform, id);
        let _: redis::RedisResult<()> = self
            .link
            .run(redis::cmd("SET").arg(key).arg("recorded").arg("EX").arg(DELIVERY_KEEP_SECS).query_async(&mut conn))
            .await;
    }

    /// Recording failed: the claim is given back so the platform's retry is taken.
    pub async fn release_delivery(&self, platform: Platform, id: &str) {
        let mut conn = self.link.conn();
        let _: redis::RedisResult<()> =
            self.link.run(redis::cmd("DEL").arg(Self::delivery_key(platform, id)).query_async(&mut conn)).await;
    }

    fn checkout_key(key: &str) -> String {
        use sha2::{Digest, Sha256};
        // Hashed: a client's key is its own string, of any length, and should not be a Redis key.
        format!("{PREFIX}checkout-key:{}", hex::encode(Sha256::digest(key.as_bytes())))
    }

    /// Claims an Idempotency-Key for the order hashed as `fingerprint`; `None` when Redis
    /// cannot answer (the caller claims it in SQLite instead).
    pub async fn claim_checkout_key(&self, key: &str, fingerprint: &str) -> Option<KeyClaim> {
        if !self.link.is_up() {
            return None;
        }
        let fresh = format!("tessera-{}", uuid::Uuid::new_v4().simple());
        let busy_ms = crate::store::CHECKOUT_KEY_BUSY.num_milliseconds();
        let keep_ms = crate::store::CHECKOUT_KEY_TTL.num_milliseconds();
        let mut conn = self.link.conn();
        let mut call = self.claim_key.key(Self::checkout_key(key));
        call.arg(fingerprint).arg(&fresh).arg(busy_ms).arg(keep_ms);
        let answer: Vec<String> = self.link.run(call.invoke_async(&mut conn)).await.ok()?;
        match answer.as_slice() {
            [what, upstream_key] if what == "proceed" => Some(KeyClaim::Proceed { upstream_key: upstream_key.clone() }),
            [what, session] if what == "replay" => serde_json::from_str(session).ok().map(KeyClaim::Replay),
            [what] if what == "mismatch" => Some(KeyClaim::Mismatch),
            [what] if what == "inflight" => Some(KeyClaim::InFlight),
            _ => None,
        }
    }

    /// Records the session opened under `key`, for a replay at any proxy until it expires.
    pub async fn complete_checkout_key(&self, key: &str, session: &CheckoutSession) {
        let Ok(json) = serde_json::to_string(session) else { return };
        let expires = chrono::DateTime::parse_from_rfc3339(&session.expires_at).map_or(0, |t| t.timestamp_millis());
        let mut conn = self.link.conn();
        let _: redis::RedisResult<()> = self
            .link
            .run(
                redis::cmd("HSET")
                    .arg(Self::checkout_key(key))
                    .arg("session")
                    .arg(json)
                    .arg("expires")
                    .arg(expires)
                    .arg("busy")
                    .arg(0)
                    .query_async(&mut conn),
            )
            .await;
    }

    /// The attempt under `key` failed: `forget` when it certainly created nothing upstream
    /// (the key may then be used for a corrected order), else the key stays bound, not busy.
    pub async fn release_checkout_key(&self, key: &str, forget: bool) {
        let mut conn = self.link.conn();
        let key = Self::checkout_key(key);
        if forget {
            let call = FORGET_KEY.key(&key);
            let _: redis::RedisResult<()> = self.link.run(call.invoke_async(&mut conn)).await;
        } else {
            let _: redis::RedisResult<()> =
                self.link.run(redis::cmd("HSET").arg(&key).arg("busy").arg(0).query_async(&mut conn)).await;
        }
    }
}
