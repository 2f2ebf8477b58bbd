//! The HTTP surface: `/v1` (API key, rate limit, JSON) and the hosted checkout pages.
//! Handlers only parse, call a plain function on the database, and shape the answer.

mod checkouts;
mod events;
mod orders;
mod promo_codes;
mod tickets;
mod webhooks;

use crate::error::{error_body, SandboxError};
use crate::server::AppState;
use crate::{auth, hosted_page, rate_limit};
use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use tower_http::trace::TraceLayer;

/// The whole sandbox as an axum router, for `RunningSandbox` and for `oneshot` tests.
pub fn router(state: AppState) -> Router {
    // Layers run outside-in from the last added: auth first, then the rate limit, so
    // unauthenticated requests never touch a key's window.
    let v1 = Router::new()
        .route("/events", get(events::list).post(events::create))
        .route("/events/{id}", get(events::show).put(events::update))
        .route("/events/{id}/attendees", get(events::attendees))
        .route("/checkouts", post(checkouts::create))
        .route("/tickets/{id}", get(tickets::show))
        .route("/tickets/{id}/refund", post(tickets::refund))
        .route("/tickets/{id}/check-in", post(tickets::check_in))
        .route("/orders", get(orders::list))
        .route("/webhooks", post(webhooks::register))
        .route("/promo-codes", post(promo_codes::create))
        .route("/promo-codes/{id}", get(promo_codes::show).put(promo_codes::update))
        .fallback(api_not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(from_fn_with_state(state.clone(), rate_limit::limit_requests))
        .layer(from_fn_with_state(state.clone(), auth::require_api_key));

    Router::new()
        .nest("/v1", v1)
        .route("/", get(home))
        .route("/checkout/{id}", get(hosted_page::show))
        .route("/checkout/{id}/pay", post(hosted_page::pay))
        .route("/checkout/{id}/cancel", post(hosted_page::cancel))
        .fallback(api_not_found)
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Wraps a value in the document's `{"data": ...}` envelope.
pub(crate) fn data(value: Value) -> Json<Value> {
    Json(json!({ "data": value }))
}

pub(crate) fn created(value: Value) -> (StatusCode, Json<Value>) {
    (StatusCode::CREATED, data(value))
}

async fn api_not_found() -> SandboxError {
    SandboxError::NotFound("No such endpoint. The API lives under /v1; see the HangHut API document.".into())
}

async fn method_not_allowed() -> Response {
    error_body(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed on this endpoint")
}

async fn home(axum::extract::State(state): axum::extract::State<AppState>) -> impl IntoResponse {
    format!(
        "tessera sandbox: a HangHut-compatible test platform. API base: {}/v1 (Bearer hh_live_... key required).\n",
        state.origin()
    )
}
