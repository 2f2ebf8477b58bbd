//! The document's rate limits: per class of endpoint (admin 60, scanner 120, public 30
//! requests a minute), 429 beyond, and `X-RateLimit-Remaining` on every response.
//!
//! The document does not say what the window is or what it is counted per. Here: a sliding
//! window of the accepted requests, per account for token-carrying classes (a fresh login
//! does not reset it) and per client address otherwise, including requests whose token is
//! refused. A 429 also carries `Retry-After`, which the document does not promise.

use super::auth::Account;
use super::error::TwError;
use super::server::TwState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

pub(crate) const REMAINING_HEADER: &str = "x-ratelimit-remaining";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Class {
    /// `/api/admin/...`: a token is required.
    Admin,
    /// `/api/scan`: a token is required.
    Scanner,
    /// Everything else under `/api` (the login).
    Public,
}

impl Class {
    fn of(path: &str) -> Option<Class> {
        if path.starts_with("/api/admin/") || path == "/api/admin" {
            Some(Class::Admin)
        } else if path == "/api/scan" {
            Some(Class::Scanner)
        } else if path.starts_with("/api/") {
            Some(Class::Public)
        } else {
            // The sandbox's own controls are not TicketWave's and are not limited.
            None
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Caller {
    Account(String),
    Address(Option<IpAddr>),
}

pub(crate) struct Limits {
    limits: HashMap<Class, u32>,
    window: Duration,
    accepted: HashMap<(Class, Caller), VecDeque<Instant>>,
}

impl Limits {
    pub(crate) fn new(admin: u32, scanner: u32, public: u32, window: Duration) -> Limits {
        let limits = HashMap::from([(Class::Admin, admin), (Class::Scanner, scanner), (Class::Public, public)]);
        Limits { limits, window, accepted: HashMap::new() }
    }

    /// Takes a slot: how many are left, or how long until the oldest one frees.
    fn try_acquire(&mut self, class: Class, caller: Caller, now: Instant) -> Result<u32, Duration> {
        let limit = self.limits[&class];
        let log = self.accepted.entry((class, caller)).or_default();
        while log.front().is_some_and(|&t| now.saturating_duration_since(t) >= self.window) {
            log.pop_front();
        }
        if log.len() < limit as usize {
            log.push_back(now);
            return Ok(limit - log.len() as u32);
        }
        let oldest = log.front().copied().unwrap_or(now);
        Err((oldest + self.window).saturating_duration_since(now))
    }
}

/// Authenticates (for classes that need a token) and counts every `/api` request.
pub(crate) async fn gate(State(state): State<TwState>, mut req: Request, next: Next) -> Response {
    let Some(class) = Class::of(req.uri().path()) else { return next.run(req).await };
    let account = match class {
        Class::Admin | Class::Scanner => Some(state.tokens().account(req.headers())),
        Class::Public => None,
    };
    let caller = match &account {
        Some(Ok(Account(id))) => Caller::Account(id.clone()),
        _ => Caller::Address(req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())),
    };
    let verdict = state.limits().try_acquire(class, caller, Instant::now());
    let (mut response, remaining) = match (verdict, account) {
        (Err(wait), _) => {
            let limit = state.limit_of(class);
            let window = crate::rate_limit::window_words(state.config().rate_window);
            let retry_after_secs = crate::rate_limit::retry_after_secs(wait);
            (TwError::RateLimited { limit, window, retry_after_secs }.into_response(), 0)
        }
        (Ok(remaining), Some(Err(refused))) => (refused.into_response(), remaining),
        (Ok(remaining), Some(Ok(account))) => {
            req.extensions_mut().insert(account);
            (next.run(req).await, remaining)
        }
        (Ok(remaining), None) => (next.run(req).await, remaining),
    };
    response.headers_mut().insert(REMAINING_HEADER, HeaderValue::from(remaining));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(id: &str) -> Caller {
        Caller::Account(id.into())
    }

    #[test]
    fn paths_fall_into_the_documents_classes() {
        assert_eq!(Class::of("/api/admin/events/evt_1"), Some(Class::Admin));
        assert_eq!(Class::of("/api/scan"), Some(Class::Scanner));
        assert_eq!(Class::of("/api/auth/login"), Some(Class::Public));
        assert_eq!(Class::of("/sandbox/orders"), None);
    }

    #[test]
    fn each_class_counts_down_on_its_own_and_the_window_slides() {
        let mut limits = Limits::new(2, 3, 1, Duration::from_secs(60));
        let t0 = Instant::now();
        assert_eq!(limits.try_acquire(Class::Admin, account("u"), t0), Ok(1));
        assert_eq!(limits.try_acquire(Class::Scanner, account("u"), t0), Ok(2));
        assert_eq!(limits.try_acquire(Class::Admin, account("u"), t0 + Duration::from_secs(10)), Ok(0));
        assert_eq!(
            limits.try_acquire(Class::Admin, account("u"), t0 + Duration::from_secs(30)),
            Err(Duration::from_secs(30))
        );
        assert_eq!(limits.try_acquire(Class::Admin, account("other"), t0), Ok(1));
        assert_eq!(limits.try_acquire(Class::Admin, account("u"), t0 + Duration::from_secs(60)), Ok(0));
    }
}
