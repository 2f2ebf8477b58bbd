//! Talking to the ticketing platform. Everything that leaves here is a `tessera-core` type
//! or an `UpstreamError`; no platform JSON shape reaches the routes.

mod budget;
pub mod hanghut;
mod hanghut_wire;
mod retry_after;

pub use budget::Budget;
pub use hanghut::{CheckoutSession, EventPage, HangHutClient, NewPromo};
pub use retry_after::parse_retry_after;
/// Moved to `tessera-core` (the widget reads it too); still reachable here.
pub use tessera_core::PageMeta;

use std::time::Duration;

/// The HTTP client every platform client uses: each call gives up after `timeout`, and a
/// connection attempt after at most 3 s of it.
pub fn http_client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(3)))
        .user_agent(concat!("tessera-proxy/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("a reqwest client with only timeouts set always builds")
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum UpstreamError {
    /// 401: our API key was refused. Carries no detail so the key cannot leak through it.
    #[error("upstream refused the API key")]
    Unauthorized,
    #[error("not found upstream")]
    NotFound,
    #[error("upstream conflict: {0}")]
    Conflict(String),
    #[error("upstream rate limit; retry after {0:?}")]
    RateLimited(Duration),
    /// Any other 4xx: our request was wrong in a way validation did not catch.
    #[error("upstream rejected the request ({status}): {message}")]
    Rejected { status: u16, message: String },
    #[error("upstream answered something unreadable: {0}")]
    Malformed(String),
    /// Timeouts, refused connections, 5xx.
    #[error("upstream unavailable: {0}")]
    Unavailable(String),
}
