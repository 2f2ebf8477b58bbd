//! Per-client allowances (governor's keyed GCRA limiter), counted under the client address
//! `client_addr` works out, so a forged `X-Forwarded-For` cannot reset one. With Redis, the
//! same GCRA is kept there for all proxies (a client balanced across three gets one
//! allowance, not three); while Redis cannot answer, each proxy's own limiter decides.

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use crate::client_addr::limit_key;
use crate::redis_link::{RedisLink, PREFIX};

/// `n` requests a minute per client, all of them at once if the client was quiet.
#[derive(Clone)]
pub struct ClientLimiter {
    limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    n: u32,
    /// With Redis: the link and this allowance's name there (`checkouts`, `previews`).
    shared: Option<(RedisLink, &'static str)>,
}

impl ClientLimiter {
    pub fn per_minute(n: u32) -> Self {
        let n = n.max(1);
        let quota = Quota::per_minute(NonZeroU32::new(n).expect("max(1) is non-zero"));
        ClientLimiter { limiter: Arc::new(RateLimiter::keyed(quota)), n, shared: None }
    }

    /// Counts the allowance named `name` in Redis, for all proxies together.
    pub fn shared(mut self, link: RedisLink, name: &'static str) -> Self {
        self.shared = Some((link, name));
        self
    }

    /// `Err(wait)` when `client` has used up its allowance for now (at every proxy, with Redis).
    pub async fn check(&self, client: IpAddr) -> Result<(), Duration> {
        if let Some((link, name)) = self.shared.as_ref().filter(|(link, _)| link.is_up()) {
            let key = format!("{PREFIX}client:{name}:{}", limit_key(client));
            let interval = 60_000u64.div_ceil(u64::from(self.n));
            // No block key is ever set for a client: a name nothing writes.
            let none = format!("{PREFIX}client:{name}:never-blocked");
            if let Ok(wait) = link.gcra(&key, &none, interval, self.n, Duration::ZERO, 1).await {
                return if wait < 0 { Err(Duration::from_millis(wait.unsigned_abs())) } else { Ok(()) };
            }
        }
        self.check_here(client)
    }

    /// This proxy's own count.
    fn check_here(&self, client: IpAddr) -> Result<(), Duration> {
        // Keys of clients that have gone quiet are dropped so the map cannot grow forever.
        if self.limiter.len() > 10_000 {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&limit_key(client))
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    #[test]
    fn each_client_gets_its_own_allowance() {
        let limiter = ClientLimiter::per_minute(3);
        let (a, b) = (IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)), IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)));
        for _ in 0..3 {
            assert!(limiter.check_here(a).is_ok());
        }
        let wait = limiter.check_here(a).unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(20), "{wait:?}");
        assert!(limiter.check_here(b).is_ok(), "another client is not affected");
    }

    #[test]
    fn addresses_in_one_ipv6_slash_64_share_an_allowance() {
        let limiter = ClientLimiter::per_minute(1);
        assert!(limiter.check_here("2001:db8::1".parse().unwrap()).is_ok());
        assert!(limiter.check_here("2001:db8::2".parse().unwrap()).is_err());
        assert!(limiter.check_here("2001:db8:0:1::1".parse().unwrap()).is_ok());
    }
}
