//! The proxy's one budget for platform calls. HangHut allows 100 requests a minute per key
//! (sliding window); every call from this proxy goes through one limiter set below that,
//! and after a 429 nothing is sent until its Retry-After (plus jitter, so several proxies on
//! one key do not all come back in the same instant) has passed.

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::redis_link::{RedisLink, PREFIX};

/// A call waits at most this long for room in the budget; beyond it the caller is told to
/// come back later (and the catalogue serves what it has).
const MAX_WAIT: Duration = Duration::from_millis(1500);

/// A quota that never lets more than `n` calls into any 60-second window. GCRA allows its
/// burst on top of the steady rate, so the rate is what is left of `n` after the burst (a
/// sixth of it, for a cold start loading a page of events at once).
fn within_any_minute(n: u32) -> Quota {
    let (burst, steady) = burst_and_steady(n);
    Quota::with_period(Duration::from_secs(60) / steady)
        .expect("a positive period")
        .allow_burst(NonZeroU32::new(burst).expect("max(1) is non-zero"))
}

/// The burst and the steady calls a minute of `n` in any minute (here and in Redis's script).
fn burst_and_steady(n: u32) -> (u32, u32) {
    let n = n.max(2);
    let burst = (n / 6).max(1);
    (burst, n - burst)
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
    /// Calls a minute, for all the proxies that share it.
    n: u32,
    blocked_until: Arc<Mutex<Option<Instant>>>,
    mode: Mode,
}

#[derive(Clone)]
enum Mode {
    /// This proxy alone: `all` for every call; catalogue reads may use two thirds of the
    /// budget (`reads`), since a hot on-sale full of viewers must leave room for checkouts
    /// (and the catalogue has a copy to serve meanwhile).
    Local { all: Arc<DefaultDirectRateLimiter>, reads: Arc<DefaultDirectRateLimiter> },
    /// With Redis: the budget all proxies share, and this proxy's share for while Redis is
    /// down (the block above, after a 429, applies either way).
    Shared(Arc<Shared>),
}

/// The budget kept in Redis: one GCRA (the same quota as `within_any_minute`) for all the
/// proxies on one platform key, and one block after a 429 that stops them all.
struct Shared {
    link: RedisLink,
    /// `tessera:budget:{name}:`, then `all`, `reads` and `blocked`.
    prefix: String,
    all: QuotaMs,
    reads: QuotaMs,
    /// Calls this proxy let out on its own share while Redis was down: charged to the shared
    /// budget when it is back, so no minute spanning the outage sees more than the budget.
    owed: std::sync::atomic::AtomicU32,
    n: u32,
    /// This proxy's share (all calls, reads) for the number of proxies it was made for.
    share: Mutex<(u32, Arc<DefaultDirectRateLimiter>, Arc<DefaultDirectRateLimiter>)>,
}

/// `within_any_minute(n)` in whole milliseconds, for the Redis script.
#[derive(Clone, Copy)]
struct QuotaMs {
    interval: u64,
    burst: u32,
}

impl QuotaMs {
    fn within_any_minute(n: u32) -> Self {
        let (burst, steady) = burst_and_steady(n);
        // Rounded up: a shorter interval would let one call too many into some minute.
        QuotaMs { interval: 60_000u64.div_ceil(u64::from(steady)), burst }
    }
}

/// Sets a block unless a longer one is already there (`SET … GT` would need the key to hold a
/// time rather than to expire).
static BLOCK_SCRIPT: std::sync::LazyLock<redis::Script> = std::sync::LazyLock::new(|| {
    redis::Script::new(
        "if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], 1, 'PX', ARGV[1]) end",
    )
});

impl Budget {
    pub fn per_minute(n: u32) -> Self {
        let reads = (n * 2 / 3).max(1);
        Budget {
            n,
            blocked_until: Arc::new(Mutex::new(None)),
            mode: Mode::Local {
                all: Arc::new(RateLimiter::direct(within_any_minute(n))),
                reads: Arc::new(RateLimiter::direct(within_any_minute(reads))),
            },
        }
    }

    /// Calls a minute, for all the proxies that share it.
    pub fn per_minute_limit(&self) -> u32 {
        self.n
    }

    /// `n` calls a minute for all the proxies on `link`'s Redis that use `name`'s budget
    /// together. While Redis is down, this proxy keeps to its share: `n` divided among the
    /// proxies alive when Redis last counted them (all of `n` if it never has: say so in the
    /// log, as nobody can know how many there are).
    pub fn shared(n: u32, name: &str, link: RedisLink) -> Self {
        let shared = Shared {
            share: Mutex::new(Shared::limiters(n, 1)),
            link,
            prefix: format!("{PREFIX}budget:{name}:"),
            all: QuotaMs::within_any_minute(n),
            reads: QuotaMs::within_any_minute((n * 2 / 3).max(1)),
            owed: Default::default(),
            n,
        };
        Budget { n, blocked_until: Arc::new(Mutex::new(None)), mode: Mode::Shared(Arc::new(shared)) }
    }

    /// Room for a catalogue read within the reads' share (then `call` takes its place in the
    /// whole budget). Waits as briefly as `acquire`; beyond that the caller serves its copy.
    pub async fn acquire_read(&self) -> Result<(), Duration> {
        if let Some(wait) = self.blocked_for() {
            return Err(wait);
        }
        match &self.mode {
            Mode::Local { reads, .. } => wait_briefly(reads).await,
            Mode::Shared(shared) => {
                let (_, reads) = shared.share();
                if let Some(answer) = shared.take("reads", shared.reads, 1).await {
                    // This proxy's share counts along, so that, should Redis go, it has no
                    // burst left that the shared budget has already spent.
                    let _ = reads.check();
                    return answer;
                }
                wait_briefly(&reads).await
            }
        }
    }

    /// Waits for room for one call; `Err(wait)` when that would take too long.
    pub async fn acquire(&self) -> Result<(), Duration> {
        if let Some(wait) = self.blocked_for() {
            return Err(wait);
        }
        let shared = match &self.mode {
            Mode::Local { all, .. } => return wait_briefly(all).await,
            Mode::Shared(shared) => shared,
        };
        let (all, _) = shared.share();
        let owed = shared.owed.swap(0, std::sync::atomic::Ordering::Relaxed);
        if let Some(answer) = shared.take("all", shared.all, 1 + owed).await {
            let _ = all.check();
            return answer;
        }
        // Redis is down: this call goes on this proxy's share, and is owed to the shared budget.
        let answer = wait_briefly(&all).await;
        let owe = u32::from(answer.is_ok()) + owed;
        shared.owed.fetch_add(owe, std::sync::atomic::Ordering::Relaxed);
        answer
    }

    /// The platform answered 429: hold every call until `retry_after` plus up to 20% jitter.
    /// With Redis, every proxy is held (the block is set there too, as soon as it can be).
    pub fn back_off(&self, retry_after: Duration) -> Duration {
        let jitter = retry_after.mul_f64(fastrand::f64() * 0.2);
        let wait = retry_after.max(Duration::from_secs(1)) + jitter;
        let until = Instant::now() + wait;
        let mut blocked = self.blocked_until.lock().expect("budget lock");
        *blocked = Some(blocked.map_or(until, |b| b.max(until)));
        if let Mode::Shared(shared) = &self.mode {
            let shared = shared.clone();
            tokio::spawn(async move { shared.block(wait).await });
        }
        wait
    }

    fn blocked_for(&self) -> Option<Duration> {
        let blocked = self.blocked_until.lock().expect("budget lock");
        blocked.and_then(|until| until.checked_duration_since(Instant::now()))
    }
}

impl Shared {
    fn limiters(n: u32, proxies: u32) -> (u32, Arc<DefaultDirectRateLimiter>, Arc<DefaultDirectRateLimiter>) {
        let share = (n / proxies.max(1)).max(1);
        let reads = (share * 2 / 3).max(1);
        (
            proxies,
            Arc::new(RateLimiter::direct(within_any_minute(share))),
            Arc::new(RateLimiter::direct(within_any_minute(reads))),
        )
    }

    /// This proxy's share for as many proxies as there are now (made anew when that changes).
    fn share(&self) -> (Arc<DefaultDirectRateLimiter>, Arc<DefaultDirectRateLimiter>) {
        let proxies = self.link.proxies();
        let mut share = self.share.lock().expect("budget lock");
        if share.0 != proxies {
            *share = Self::limiters(self.n, proxies);
        }
        (share.1.clone(), share.2.clone())
    }

    /// A turn from the shared budget `which` for `cost` calls: `Some(Ok)` once it has come
    /// (waited for here), `Some(Err(wait))` when it is too far off or all proxies are blocked,
    /// `None` when Redis cannot say (the caller uses its own share).
    async fn take(&self, which: &str, quota: QuotaMs, cost: u32) -> Option<Result<(), Duration>> {
        // Known down (the heartbeat says so within a second): no call waits for a timeout.
        if !self.link.is_up() {
            return None;
        }
        let key = format!("{}{which}", self.prefix);
        let block = format!("{}blocked", self.prefix);
        let result = self.link.gcra(&key, &block, quota.interval, quota.burst, MAX_WAIT, cost).await;
        match result.ok()? {
            wait if wait < 0 => Some(Err(Duration::from_millis(wait.unsigned_abs()))),
            wait => {
                tokio::time::sleep(Duration::from_millis(wait as u64)).await;
                Some(Ok(()))
            }
        }
    }

    /// Holds every proxy for `wait` (keeping a longer block already there).
    async fn block(&self, wait: Duration) {
        let mut conn = self.link.conn();
        let result: redis::RedisResult<()> = BLOCK_SCRIPT
            .key(format!("{}blocked", self.prefix))
            .arg(wait.as_millis() as u64)
            .invoke_async(&mut conn)
            .await;
        self.link.note(&result);
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
        let Mode::Local { reads: limiter, .. } = &budget.mode else { unreachable!("a local budget") };
        while limiter.check().is_ok() {
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
