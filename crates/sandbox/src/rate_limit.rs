//! Per-key request limits with a true sliding window: a log of the instants of accepted
//! requests, as the HangHut document describes ("rate limited per API key using a sliding
//! window"). Rejected requests are not logged, so hammering does not extend the wait.

use crate::auth::KeyIndex;
use crate::error::SandboxError;
use crate::server::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

pub(crate) struct SlidingWindowLog {
    limit: u32,
    window: Duration,
    accepted: HashMap<KeyIndex, VecDeque<Instant>>,
}

impl SlidingWindowLog {
    pub(crate) fn new(limit: u32, window: Duration) -> Self {
        SlidingWindowLog { limit, window, accepted: HashMap::new() }
    }

    /// Takes a slot for `key` at `now`, or says how long until the oldest slot frees.
    pub(crate) fn try_acquire(&mut self, key: KeyIndex, now: Instant) -> Result<(), Duration> {
        let log = self.accepted.entry(key).or_default();
        while log.front().is_some_and(|&t| now.saturating_duration_since(t) >= self.window) {
            log.pop_front();
        }
        if log.len() < self.limit as usize {
            log.push_back(now);
            return Ok(());
        }
        let oldest = log.front().copied().unwrap_or(now);
        Err((oldest + self.window).saturating_duration_since(now))
    }
}

/// `Retry-After` in whole seconds, rounded up so a client that waits exactly that long gets in.
pub(crate) fn retry_after_secs(wait: Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

/// "minute" for the document's 60 s window; otherwise the window's real length, so the
/// message never claims a limit other than the one applied.
pub(crate) fn window_words(window: Duration) -> String {
    match window.as_secs() {
        60 if window.subsec_nanos() == 0 => "minute".into(),
        1 if window.subsec_nanos() == 0 => "second".into(),
        s if window.subsec_nanos() == 0 && s % 60 == 0 => format!("{} minutes", s / 60),
        _ => format!("{} seconds", window.as_secs_f64()),
    }
}

pub(crate) async fn limit_requests(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Result<Response, SandboxError> {
    // Auth runs first and always inserts the key index; without one there is nothing to count.
    if let Some(key) = req.extensions().get::<KeyIndex>().copied() {
        let verdict = state.limiter.lock().unwrap_or_else(|p| p.into_inner()).try_acquire(key, Instant::now());
        if let Err(wait) = verdict {
            return Err(SandboxError::RateLimited {
                limit: state.config.rate_limit,
                window: window_words(state.config.rate_window),
                retry_after_secs: retry_after_secs(wait),
            });
        }
    }
    Ok(next.run(req).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: KeyIndex = KeyIndex(0);
    const B: KeyIndex = KeyIndex(1);

    #[test]
    fn allows_the_limit_within_a_window_then_refuses_until_the_oldest_request_ages_out() {
        let mut log = SlidingWindowLog::new(3, Duration::from_secs(60));
        let t0 = Instant::now();
        assert!(log.try_acquire(A, t0).is_ok());
        assert!(log.try_acquire(A, t0 + Duration::from_secs(10)).is_ok());
        assert!(log.try_acquire(A, t0 + Duration::from_secs(20)).is_ok());
        assert_eq!(log.try_acquire(A, t0 + Duration::from_secs(30)), Err(Duration::from_secs(30)));
        // The window slides: at 60 s only the first request has aged out.
        assert!(log.try_acquire(A, t0 + Duration::from_secs(60)).is_ok());
        assert_eq!(log.try_acquire(A, t0 + Duration::from_secs(61)), Err(Duration::from_secs(9)));
    }

    #[test]
    fn refused_requests_do_not_use_up_slots() {
        let mut log = SlidingWindowLog::new(1, Duration::from_secs(10));
        let t0 = Instant::now();
        assert!(log.try_acquire(A, t0).is_ok());
        for s in 1..10 {
            assert!(log.try_acquire(A, t0 + Duration::from_secs(s)).is_err());
        }
        assert!(log.try_acquire(A, t0 + Duration::from_secs(10)).is_ok());
    }

    #[test]
    fn each_key_has_its_own_window() {
        let mut log = SlidingWindowLog::new(1, Duration::from_secs(10));
        let t0 = Instant::now();
        assert!(log.try_acquire(A, t0).is_ok());
        assert!(log.try_acquire(B, t0).is_ok());
        assert!(log.try_acquire(A, t0).is_err());
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds_and_is_at_least_one() {
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1500)), 2);
        assert_eq!(retry_after_secs(Duration::from_secs(30)), 30);
    }

    #[test]
    fn window_words_match_the_document_for_a_minute() {
        assert_eq!(window_words(Duration::from_secs(60)), "minute");
        assert_eq!(window_words(Duration::from_secs(2)), "2 seconds");
        assert_eq!(window_words(Duration::from_millis(1500)), "1.5 seconds");
        assert_eq!(window_words(Duration::from_secs(300)), "5 minutes");
    }
}
