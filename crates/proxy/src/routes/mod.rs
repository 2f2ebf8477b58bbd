//! The HTTP surface. Handlers parse, call a plain function, and map the result.

mod checkout;
mod events;
mod first_view;
mod live;
mod metrics;
pub mod openapi;
mod promo;
mod site;
mod waitlist;
mod webhooks;

use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::Router;
use ipnet::IpNet;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::trace::TraceLayer;

use crate::catalogue::Catalogue;
use crate::checkout::ReturnUrls;
use crate::cross_origin::{read_body_in_time, refuse_foreign_origins, AllowedOrigins, BodyLimits};
use crate::error::ApiError;
use crate::inbox::Inbox;
use crate::live::LiveHub;
use crate::metrics::Metrics;
use crate::providers::{Platform, WebhookFormat};
use crate::rate_limit::ClientLimiter;
use crate::store::Store;
use crate::stream_slots::StreamSlots;
use crate::upstream::UpstreamError;

/// API request bodies larger than this are refused with 413: a checkout is a few hundred bytes.
pub const API_BODY_LIMIT: usize = 16 * 1024;
/// A platform webhook is a few kilobytes.
pub const WEBHOOK_BODY_LIMIT: usize = 64 * 1024;

/// What handlers share, behind one `Arc`: axum clones the state for every request, and a
/// clone of the parts (caches, clients, URLs) costs allocations and dozens of atomic counts.
pub type AppState = Arc<App>;

pub struct App {
    pub catalogue: Catalogue,
    pub store: Store,
    pub return_urls: ReturnUrls,
    /// The webhook format of each platform configured on this proxy.
    pub webhooks: Arc<HashMap<Platform, Arc<dyn WebhookFormat>>>,
    pub widget_dir: PathBuf,
    pub demo_event: Option<String>,
    /// Promo previews per client address: enough for a buyer's typos, too few to try codes by
    /// brute force (at 10 a minute, a 6-character code space takes millennia).
    pub preview_limiter: ClientLimiter,
    /// Checkouts per client address: each one holds seats upstream until it expires.
    pub checkout_limiter: ClientLimiter,
    /// Live streams per client address, open at once.
    pub stream_slots: StreamSlots,
    /// Proxies whose `X-Forwarded-For` names the client (see `client_addr`).
    pub trusted_proxies: Arc<[IpNet]>,
    pub live: LiveHub,
    pub inbox: Inbox,
    /// This proxy's own registry, rendered at `GET /metrics`.
    pub metrics: Metrics,
    /// Where buyers reach this proxy: the first view's form posts there.
    pub public_url: reqwest::Url,
    /// How long the catalogue keeps a copy: what a browser may too.
    pub event_ttl: Duration,
    /// The Redis this proxy shares with others, when configured.
    pub redis: Option<crate::redis_link::RedisLink>,
    /// Idempotency-Keys claimed across proxies (with Redis).
    pub claims: Option<crate::claims::Claims>,
    /// The waiting lists of sold-out tiers, when SMTP is configured.
    pub waitlist: Option<crate::waitlist::Waitlist>,
    /// Waiting-list sign-ups per client address (as many as promo previews).
    pub waitlist_limiter: ClientLimiter,
}

impl App {
    /// A catalogue read that failed, as the client sees it: told to come back once the
    /// catalogue has asked the platform again.
    fn read_error(&self, e: UpstreamError) -> ApiError {
        ApiError::from_read(e, self.catalogue.next_probe_in())
    }
}

pub fn router(state: AppState, allowed_origins: &AllowedOrigins, read_timeout: Duration) -> Router {
    let origins: Vec<HeaderValue> =
        allowed_origins.as_slice().iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
    // tower-http adds `Vary: Origin` (and the preflight headers) to every answer, allowed or not,
    // so a shared cache never hands one site's CORS answer to another.
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE, HeaderName::from_static("idempotency-key")])
        .expose_headers([header::RETRY_AFTER, HeaderName::from_static("idempotent-replayed")]);
    let api_body = BodyLimits { max_bytes: API_BODY_LIMIT, read_timeout };
    let webhook_body = BodyLimits { max_bytes: WEBHOOK_BODY_LIMIT, read_timeout };

    let api = Router::new()
        .route("/events", get(events::list))
        .route("/events/{id}", get(events::one))
        .route("/events/{id}/live", get(live::stream))
        .route("/events/view", get(first_view::list))
        .route("/events/{id}/view", get(first_view::event))
        .route("/checkout", post(checkout::create))
        .route("/promo-preview", post(promo::preview))
        .route("/waitlist", get(waitlist::offer).post(waitlist::join))
        .route("/openapi.json", get(openapi::document))
        // Before the layers, so a 405 gets CORS headers like any other answer.
        .method_not_allowed_fallback(events::wrong_method)
        .fallback(events::no_such_route)
        .layer(from_fn_with_state(api_body, read_body_in_time))
        .layer(from_fn_with_state(allowed_origins.clone(), refuse_foreign_origins))
        .layer(cors)
        // brotli or gzip as the client accepts: a first view's HTML is a quarter of its size
        // compressed, and it is on the way to the buyer's first price. tower-http leaves the live
        // stream (text/event-stream) and tiny answers as they are.
        .layer(CompressionLayer::new().br(true).gzip(true));
    // Signed server-to-server calls: no Origin check, a larger body allowance.
    let webhooks = Router::new()
        .route("/webhooks/hanghut", post(webhooks::hanghut))
        .route("/webhooks/{platform}", post(webhooks::signed))
        .route("/webhooks/{platform}/{token}", post(webhooks::with_token))
        .method_not_allowed_fallback(events::wrong_method)
        .layer(from_fn_with_state(webhook_body, read_body_in_time));

    Router::new()
        .nest("/api/v1", api)
        .merge(webhooks)
        // /healthz is the older name of /livez.
        .route("/healthz", get(crate::health::livez))
        .route("/livez", get(crate::health::livez))
        .route("/readyz", get(crate::health::readyz))
        .route("/metrics", get(metrics::endpoint))
        .merge(site::routes(&state.widget_dir))
        .merge(waitlist::pages())
        // Every route above, counted by its pattern (a route layer sees which one matched).
        .route_layer(from_fn_with_state(state.clone(), metrics::count_requests))
        // Applies to the routes registered so far that have none yet (the demo pages, /healthz,
        // /metrics).
        .method_not_allowed_fallback(events::wrong_method)
        // Any other address outside the API (whose own fallback says "No such API endpoint").
        .fallback(events::no_such_page)
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .with_state(state)
}

/// The request span the access log writes, with the secret URL token of a webhook path
/// (`/webhooks/{platform}/{token}`) left out: a log line must never carry a secret.
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    // Debug, as tower-http's own span: at the default level no span is built per request.
    tracing::debug_span!("request", method = %request.method(), path = %loggable_path(request.uri().path()))
}

pub fn loggable_path(path: &str) -> String {
    match path.strip_prefix("/webhooks/").and_then(|rest| rest.split_once('/')) {
        Some((platform, _token)) => format!("/webhooks/{platform}/…"),
        None => path.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn webhook_tokens_stay_out_of_the_access_log() {
        assert_eq!(super::loggable_path("/webhooks/ingresse/s3cretTOKEN"), "/webhooks/ingresse/…");
        assert_eq!(super::loggable_path("/webhooks/tixel/a/b"), "/webhooks/tixel/…");
        assert_eq!(super::loggable_path("/webhooks/hanghut"), "/webhooks/hanghut");
        assert_eq!(super::loggable_path("/api/v1/events/x"), "/api/v1/events/x");
    }
}
