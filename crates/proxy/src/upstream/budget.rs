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

/// A quota that never lets more than `n` calls into any 60-second window. GCRA allows its
/// burst on top of the steady rate, so the rate is what is left of `n` after the burst (a
/// sixth of it, for a cold start loading a page of events at once).
fn within_any_minute(n: u32) -> Quota {
    let n = n.max(2);
    let burst = (n / 6).max(1);
    let steady = n - burst;
    Quota::with_period(Duration::from_secs(60) / steady)
        .expect("a positive period")
        .allow_burst(NonZeroU32::new(burst).expect("max(1) is non-zero"))
}

async fn wait_briefly(limiter: &DefaultDirectRateLimiter) -> Result<(), Duration> {
    match limiter.check() {
        Ok(()) => Ok(()),
        Err(not_until) => {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            if wait > MAX_WAIT {
                return Err(wait);
            }
            limiter.until_ready().await;
            Ok(())
        }
    }
}

#[derive(Clone)]
pub struct Budget {
    limiter: Arc<DefaultDirectRateLimiter>,
    /// Catalogue reads may use two thirds of the budget: a hot on-sale full of viewers must
    /// leave room for checkouts (and the catalogue has a copy to serve meanwhile).
    reads: Arc<DefaultDirectRateLimiter>,
    blocked_until: Arc<Mutex<Option<Instant>>>,
}

impl Budget {
    pub fn per_minute(n: u32) -> Self {
        let reads = (n * 2 / 3).max(1);
        Budget {
            limiter: Arc::new(RateLimiter::direct(within_any_minute(n))),
            reads: Arc::new(RateLimiter::direct(within_any_minute(reads))),
            blocked_until: Arc::new(Mutex::new(None)),
        }
    }

    /// Room for a catalogue read within the reads' share (then `call` takes its place in the
    /// whole budget). Waits as briefly as `acquire`; beyond that the caller serves its copy.
    pub async fn acquire_read(&self) -> Result<(), Duration> {
        if let Some(wait) = self.blocked_for() {
            return Err(wait);
        }
        wait_briefly(&self.reads).await
    }

    /// Waits for room for one call; `Err(wait)` when that would take too long.
    pub async fn acquire(&self) -> Result<(), Duration> {
        if let Some(wait) = self.blocked_for() {
            return Err(wait);
        }
        wait_briefly(&self.limiter).await
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
        let budget = Budget::per_minute(6); // burst 1, then one every 12 s
        assert!(budget.acquire().await.is_ok());
        let wait = budget.acquire().await.unwrap_err();
        assert!(wait > Duration::from_secs(10) && wait <= Duration::from_secs(12), "{wait:?}");
    }

    #[tokio::test]
    async fn reads_leave_a_third_of_the_budget_for_checkouts() {
        let budget = Budget::per_minute(90); // reads: 60 in any minute, burst 10
        let mut reads = 0;
        while budget.reads.check().is_ok() {
            reads += 1;
        }
        assert_eq!(reads, 10, "the read burst");
        assert!(budget.acquire_read().await.is_ok(), "the next read waits its turn (about a second)");
        assert!(budget.acquire().await.is_ok(), "a checkout still gets through");
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

#[cfg(test)]
mod window {
    use super::*;
    use governor::clock::FakeRelativeClock;

    /// Drives the quota with a fake clock, a request every 10 ms whenever allowed, and counts
    /// the most admitted in any 60 s window.
    fn busiest_minute(n: u32) -> usize {
        let clock = FakeRelativeClock::default();
        let limiter = RateLimiter::direct_with_clock(within_any_minute(n), clock.clone());
        let mut admitted = Vec::new();
        for tick in 0..30_000u64 {
            if limiter.check().is_ok() {
                admitted.push(tick * 10);
            }
            clock.advance(Duration::from_millis(10));
        }
        admitted
            .iter()
            .enumerate()
            .map(|(i, t)| admitted[i..].iter().take_while(|u| **u < t + 60_000).count())
            .max()
            .unwrap()
    }

    #[test]
    fn no_minute_ever_sees_more_than_the_budget() {
        assert!(busiest_minute(90) <= 90, "{}", busiest_minute(90));
        assert!(busiest_minute(60) <= 60);
        assert!(busiest_minute(90) >= 85, "the budget is used, not wasted");
    }
}
