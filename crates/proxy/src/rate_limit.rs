//! Per-client allowances (governor's keyed GCRA limiter), counted under the client address
//! `client_addr` works out, so a forged `X-Forwarded-For` cannot reset one.

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use crate::client_addr::limit_key;

/// `n` requests a minute per client, all of them at once if the client was quiet.
#[derive(Clone)]
pub struct ClientLimiter {
    limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
}

impl ClientLimiter {
    pub fn per_minute(n: u32) -> Self {
        let quota = Quota::per_minute(NonZeroU32::new(n.max(1)).expect("max(1) is non-zero"));
        ClientLimiter { limiter: Arc::new(RateLimiter::keyed(quota)) }
    }

    /// `Err(wait)` when `client` has used up its allowance for now.
    pub fn check(&self, client: IpAddr) -> Result<(), Duration> {
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
            assert!(limiter.check(a).is_ok());
        }
        let wait = limiter.check(a).unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(20), "{wait:?}");
        assert!(limiter.check(b).is_ok(), "another client is not affected");
    }

    #[test]
    fn addresses_in_one_ipv6_slash_64_share_an_allowance() {
        let limiter = ClientLimiter::per_minute(1);
        assert!(limiter.check("2001:db8::1".parse().unwrap()).is_ok());
        assert!(limiter.check("2001:db8::2".parse().unwrap()).is_err());
        assert!(limiter.check("2001:db8:0:1::1".parse().unwrap()).is_ok());
    }
}
