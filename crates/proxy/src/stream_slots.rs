//! A cap on the live streams one client address holds open at once. Each stream is a task and
//! a connection for as long as the page stays open, so without a cap one address could hold
//! hundreds and starve everyone else; a buyer's tabs need a few. Counted under the same key as
//! the per-minute allowances (`client_addr::limit_key`), so a forged `X-Forwarded-For` or a
//! fresh IPv6 address from the same /64 does not open more.
//!
//! With Redis the cap holds across proxies: each counts its streams per client there (one
//! field per proxy), and only the fields of proxies still alive are summed, so a proxy that
//! died leaves no phantom streams behind. While Redis cannot answer, each proxy caps alone.

use redis::Script;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, LazyLock, Mutex};

use crate::client_addr::limit_key;
use crate::redis_link::{RedisLink, PREFIX};

/// KEYS[1]: the client's hash (proxy id → its streams), KEYS[2]: the live proxies. ARGV: this
/// proxy's id, the cap. Takes a slot (1) or refuses (0); forgets the fields of dead proxies.
static TAKE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
local fields = redis.call('HGETALL', KEYS[1])
local n = 0
for i = 1, #fields, 2 do
  if fields[i] == ARGV[1] or redis.call('ZSCORE', KEYS[2], fields[i]) then
    n = n + tonumber(fields[i + 1])
  else
    redis.call('HDEL', KEYS[1], fields[i])
  end
end
if n >= tonumber(ARGV[2]) then return 0 end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('PEXPIRE', KEYS[1], 86400000)
return 1
",
    )
});

static GIVE_BACK: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        "if redis.call('HINCRBY', KEYS[1], ARGV[1], -1) <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end return 1",
    )
});

/// The streams open per client address, and how many each may have.
#[derive(Clone)]
pub struct StreamSlots {
    per_client: u32,
    open: Arc<Mutex<HashMap<IpAddr, u32>>>,
    shared: Option<RedisLink>,
}

/// One open stream, counted until it is dropped (the viewer left, or the proxy shut down).
pub struct StreamSlot {
    key: IpAddr,
    open: Arc<Mutex<HashMap<IpAddr, u32>>>,
    /// Counted in Redis too: given back there when dropped.
    shared: Option<RedisLink>,
}

fn client_key(key: IpAddr) -> String {
    format!("{PREFIX}streams:{key}")
}

impl StreamSlots {
    pub fn per_client(per_client: u32) -> Self {
        StreamSlots { per_client: per_client.max(1), open: Arc::default(), shared: None }
    }

    /// Caps each client's streams across all the proxies on `link`'s Redis.
    pub fn shared(mut self, link: RedisLink) -> Self {
        self.shared = Some(link);
        self
    }

    /// `take`, counted across proxies when Redis answers.
    pub async fn take_shared(&self, client: IpAddr) -> Option<StreamSlot> {
        let mut slot = self.take(client)?;
        let Some(link) = self.shared.as_ref().filter(|l| l.is_up()) else { return Some(slot) };
        let mut conn = link.conn();
        let mut call = TAKE.key(client_key(slot.key));
        call.key(format!("{PREFIX}proxies")).arg(link.id()).arg(self.per_client);
        match link.run(call.invoke_async::<i64>(&mut conn)).await {
            Ok(1) => {
                slot.shared = Some(link.clone());
                Some(slot)
            }
            // Refused across proxies: the local count is given back as `slot` drops.
            Ok(_) => None,
            Err(_) => Some(slot),
        }
    }

    /// How many streams one client address may hold open.
    pub fn limit(&self) -> u32 {
        self.per_client
    }

    /// A slot for one more stream of `client`, or `None` when it has all of its own open.
    pub fn take(&self, client: IpAddr) -> Option<StreamSlot> {
        let key = limit_key(client);
        // A poisoned lock only means another request panicked mid-count; the map is still whole.
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let n = open.entry(key).or_insert(0);
        if *n >= self.per_client {
            return None;
        }
        *n += 1;
        Some(StreamSlot { key, open: self.open.clone(), shared: None })
    }

    /// The streams `client` has open now.
    pub fn open_for(&self, client: IpAddr) -> u32 {
        let open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        open.get(&limit_key(client)).copied().unwrap_or(0)
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = open.get_mut(&self.key) {
            *n = n.saturating_sub(1);
            // Addresses with nothing open are forgotten, so the map holds only current viewers.
            if *n == 0 {
                open.remove(&self.key);
            }
        }
        if let Some(link) = self.shared.take() {
            let key = client_key(self.key);
            // Dropped on a runtime (a stream's end); outside one there is nothing to tell.
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(async move {
                    let mut conn = link.conn();
                    let mut call = GIVE_BACK.key(key);
                    call.arg(link.id());
                    let _ = link.run(call.invoke_async::<i64>(&mut conn)).await;
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_client_gets_its_slots_and_another_its_own() {
        let slots = StreamSlots::per_client(2);
        let a1 = slots.take(ip("10.0.0.1")).expect("first");
        let _a2 = slots.take(ip("10.0.0.1")).expect("second");
        assert!(slots.take(ip("10.0.0.1")).is_none(), "a third is refused");
        assert!(slots.take(ip("10.0.0.2")).is_some(), "another address is not affected");
        drop(a1);
        assert_eq!(slots.open_for(ip("10.0.0.1")), 1);
        assert!(slots.take(ip("10.0.0.1")).is_some(), "a closed stream frees its slot");
    }

    #[test]
    fn closed_streams_leave_nothing_behind() {
        let slots = StreamSlots::per_client(3);
        let taken: Vec<_> = (0..3).filter_map(|_| slots.take(ip("10.0.0.1"))).collect();
        assert_eq!(taken.len(), 3);
        drop(taken);
        assert!(slots.open.lock().unwrap().is_empty());
    }

    #[test]
    fn addresses_in_one_ipv6_slash_64_share_their_slots() {
        let slots = StreamSlots::per_client(1);
        let _one = slots.take(ip("2001:db8::1")).expect("first");
        assert!(slots.take(ip("2001:db8::2")).is_none());
        assert!(slots.take(ip("2001:db8:0:1::1")).is_some());
    }
}
