//! The HTTP surface. Handlers parse, call a plain function, and map the result.

mod checkout;
mod events;
mod live;
mod promo;
mod site;
mod webhooks;

use axum::http::{header, HeaderValue, Method};
use axum::routing::{get, post};
use axum::Router;
use secrecy::SecretString;
use std::path::PathBuf;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

use crate::catalogue::Catalogue;
use crate::checkout::ReturnUrls;
use crate::live::LiveHub;
use crate::promo::PreviewLimiter;
use crate::store::Store;

/// Request bodies larger than this are refused with 413: a checkout is a few hundred bytes,
/// a platform webhook a few kilobytes.
pub const BODY_LIMIT: usize = 64 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub catalogue: Catalogue,
    pub store: Store,
    pub return_urls: ReturnUrls,
    pub hanghut_webhook_secret: SecretString,
    pub widget_dir: PathBuf,
    pub demo_event: Option<String>,
    pub preview_limiter: PreviewLimiter,
    pub live: LiveHub,
}

pub fn router(state: AppState, allowed_origins: &[String]) -> Router {
    let origins: Vec<HeaderValue> = allowed_origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE]);

    let api = Router::new()
        .route("/events", get(events::list))
        .route("/events/{id}", get(events::one))
        .route("/events/{id}/live", get(live::stream))
        .route("/checkout", post(checkout::create))
        .route("/promo-preview", post(promo::preview))
        .fallback(events::no_such_route)
        .layer(cors);

    Router::new()
        .nest("/api/v1", api)
        .route("/webhooks/hanghut", post(webhooks::hanghut))
        .route("/healthz", get(|| async { "ok" }))
        .merge(site::routes(&state.widget_dir))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
