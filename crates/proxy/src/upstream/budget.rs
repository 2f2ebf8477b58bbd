//! The proxy's one budget for platform calls. HangHut allows 100 requests a minute per key
//! (sliding window); every call from this proxy goes through one limiter set below that,
//! and after a 429 nothing is sent until its Retry-After (plus jitter, so several proxies on
//! one key do not all come back in the same instant) has passed.

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A call waits at most this long for room in the budget; beyond it the caller is told to
/// come back later (and the catalogue serves what it has).
const MAX_WAIT: Duration = Duration::from_millis(1500);

#[derive(Clone)]
pub struct Budget {
    limiter: Arc<DefaultDirectRateLimiter>,
    blocked_until: Arc<Mutex<Option<Instant>>>,
}

impl Budget {
    pub fn per_minute(n: u32) -> Self {
        let n = NonZeroU32::new(n.max(1)).expect("max(1) is non-zero");
        // Burst of a sixth of the minute: a cold start can load a page of events at once,
        // and the sliding minute upstream can never see more than `n`.
        let burst = NonZeroU32::new((n.get() / 6).max(1)).expect("max(1) is non-zero");
        Budget {
            limiter: Arc::new(RateLimiter::direct(Quota::per_minute(n).allow_burst(burst))),
            blocked_until: Arc::new(Mutex::new(None)),
        }
    }

    /// Waits for room for one call; `Err(wait)` when that would take too long.
    pub async fn acquire(&self) -> Result<(), Duration> {
        if let Some(wait) = self.blocked_for() {
            return Err(wait);
        }
        match self.limiter.check() {
            Ok(()) => Ok(()),
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                if wait > MAX_WAIT {
                    return Err(wait);
                }
                self.limiter.until_ready().await;
                Ok(())
            }
        }
    }

    /// The platform answered 429: hold every call until `retry_after` plus up to 20% jitter.
    pub fn back_off(&self, retry_after: Duration) -> Duration {
        let jitter = retry_after.mul_f64(fastrand::f64() * 0.2);
        let wait = retry_after.max(Duration::from_secs(1)) + jitter;
        let until = Instant::now() + wait;
        let mut blocked = self.blocked_until.lock().expect("budget lock");
        *blocked = Some(blocked.map_or(until, |b| b.max(until)));
        wait
    }

    fn blocked_for(&self) -> Option<Duration> {
        let blocked = self.blocked_until.lock().expect("budget lock");
        blocked.and_then(|until| until.checked_duration_since(Instant::now()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_budget_runs_out_and_says_how_long_to_wait() {
        let budget = Budget::per_minute(6); // burst 1, then one every 10 s
        assert!(budget.acquire().await.is_ok());
        let wait = budget.acquire().await.unwrap_err();
        assert!(wait > Duration::from_secs(8) && wait <= Duration::from_secs(10), "{wait:?}");
    }

    #[tokio::test]
    async fn after_a_429_nothing_goes_out_until_retry_after_has_passed() {
        let budget = Budget::per_minute(600);
        let wait = budget.back_off(Duration::from_secs(10));
        assert!(wait >= Duration::from_secs(10) && wait <= Duration::from_secs(12), "jittered: {wait:?}");
        let refused = budget.acquire().await.unwrap_err();
        assert!(refused > Duration::from_secs(9), "{refused:?}");
    }
}
