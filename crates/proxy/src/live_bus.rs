//! Live updates between proxies, over Redis pub/sub. Each event's newest snapshot and its
//! version are kept in Redis; a proxy that learns of a change (a webhook, a checkout hold, a
//! fresh read) records it there by a script, which gives it the next version and publishes it
//! to every proxy in the same step. So every proxy numbers an event's states alike, and a
//! viewer who reconnects through another proxy sees versions go on where it left them.
//!
//! Pub/sub delivers to those listening at the time: a proxy that was cut off from Redis
//! catches up by reading its watched events afresh once it listens again (`LiveHub::resync`).

use redis::Script;
use std::sync::Arc;
use std::time::Duration;
use tessera_core::{EventId, Snapshot};

use crate::redis_link::{RedisLink, PREFIX};

/// An event's shared state is forgotten after a day without a change or a viewer's read.
const KEEP_MS: u64 = 24 * 60 * 60 * 1000;

/// KEYS[1]: the event's hash (`v`, `snap`, `epoch`). ARGV: the snapshot's JSON, the lowest
/// version it may get (this proxy's own newest, so its viewers never go back), an epoch for
/// a hash made now, the channel, the event id. Returns the version, the epoch and whether it
/// was published. An unchanged snapshot keeps its version unless that is below the floor.
const PUBLISH: &str = r"
local cur = redis.call('HMGET', KEYS[1], 'v', 'snap', 'epoch')
local v = tonumber(cur[1]) or 0
local epoch = cur[3] or ARGV[3]
local floor = tonumber(ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
if cur[2] == ARGV[1] and v >= floor then
  return {v, epoch, 0}
end
v = math.max(v, floor) + 1
redis.call('HSET', KEYS[1], 'v', v, 'snap', ARGV[1], 'epoch', epoch)
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('PUBLISH', ARGV[4], ARGV[5] .. '\n' .. epoch .. '\n' .. v .. '\n' .. ARGV[1])
return {v, epoch, 1}
";

/// A snapshot's place among an event's states, as Redis numbered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub epoch: String,
    pub version: u64,
}

/// A state another proxy (or this one) published.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub event: EventId,
    pub stamp: Stamp,
    pub snapshot: Snapshot,
}

impl Message {
    fn parse(payload: &str) -> Option<Message> {
        let mut parts = payload.splitn(4, '\n');
        let event = EventId::parse(parts.next()?).ok()?;
        let epoch = parts.next()?.to_owned();
        let version = parts.next()?.parse().ok()?;
        let snapshot = serde_json::from_str(parts.next()?).ok()?;
        Some(Message { event, stamp: Stamp { epoch, version }, snapshot })
    }
}

#[derive(Clone)]
pub struct LiveBus {
    link: RedisLink,
    script: Arc<Script>,
    channel: Arc<str>,
}

impl LiveBus {
    pub fn new(link: RedisLink) -> Self {
        LiveBus { link, script: Arc::new(Script::new(PUBLISH)), channel: format!("{PREFIX}live").into() }
    }

    /// Records `snapshot` as the event's shared state and tells every proxy (this one too).
    /// Errors when Redis cannot be had now; the caller then publishes to its own viewers.
    pub async fn publish(&self, event: &EventId, snapshot: &Snapshot, floor: u64) -> redis::RedisResult<Stamp> {
        if !self.link.is_up() {
            return Err(redis::RedisError::from((redis::ErrorKind::Io, "redis is down")));
        }
        let json = serde_json::to_string(snapshot).expect("a Snapshot always serialises");
        let epoch = format!("{:x}", fastrand::u64(..));
        let mut conn = self.link.conn();
        let mut call = self.script.key(format!("{PREFIX}live:{event}"));
        call.arg(json).arg(floor).arg(epoch).arg(&*self.channel).arg(event.as_str()).arg(KEEP_MS);
        let (version, epoch, _published): (u64, String, bool) = self.link.run(call.invoke_async(&mut conn)).await?;
        Ok(Stamp { epoch, version })
    }

    /// Listens until the returned task is aborted: every message goes to `receive`; each time
    /// the subscription is made again after a loss, `resync` is called (what was published
    /// meanwhile never reached this proxy).
    pub fn listen<R, S, RFut, SFut>(&self, receive: R, resync: S) -> tokio::task::JoinHandle<()>
    where
        R: Fn(Message) -> RFut + Send + Sync + 'static,
        S: Fn() -> SFut + Send + Sync + 'static,
        RFut: std::future::Future<Output = ()> + Send,
        SFut: std::future::Future<Output = ()> + Send,
    {
        use futures_util::StreamExt;
        let bus = self.clone();
        tokio::spawn(async move {
            let mut lost = false;
            loop {
                let subscribed = match bus.link.pubsub().await {
                    Ok(mut sub) => sub.subscribe(&*bus.channel).await.map(|()| sub),
                    Err(e) => Err(e),
                };
                match subscribed {
                    Ok(sub) => {
                        tracing::debug!("live: listening to the other proxies");
                        if lost {
                            resync().await;
                        }
                        let mut messages = sub.into_on_message();
                        while let Some(msg) = messages.next().await {
                            let Ok(payload) = msg.get_payload::<String>() else { continue };
                            match Message::parse(&payload) {
                                Some(m) => receive(m).await,
                                None => tracing::warn!("live: a message from another proxy could not be read"),
                            }
                        }
                        tracing::warn!("live: the subscription to the other proxies ended; updates stay local");
                    }
                    Err(e) => tracing::debug!(error = ?e.kind(), "live: cannot subscribe yet"),
                }
                lost = true;
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tessera_core::{EventStatus, TierCount, TierId};

    #[test]
    fn a_message_is_read_back_as_published() {
        let snapshot = Snapshot {
            status: EventStatus::Active,
            tiers: vec![TierCount { id: TierId::parse("ga").unwrap(), available: 3 }],
            stale: false,
        };
        let payload = format!("ev-1\nab12\n7\n{}", serde_json::to_string(&snapshot).unwrap());
        let m = Message::parse(&payload).unwrap();
        assert_eq!(m.event.as_str(), "ev-1");
        assert_eq!(m.stamp, Stamp { epoch: "ab12".into(), version: 7 });
        assert_eq!(m.snapshot, snapshot);
        assert_eq!(Message::parse("ev-1\nab12\nseven\n{}"), None);
    }
}
