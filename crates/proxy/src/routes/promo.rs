//! `POST /api/v1/promo-preview`: the rule of one code for one event, so the widget can price
//! the discount itself on every change of tier or quantity without asking again.

use axum::extract::{ConnectInfo, State};
use axum::Json;
use std::net::SocketAddr;
use tessera_core::AppliedPromo;

use super::AppState;
use crate::error::ApiError;
use crate::promo::{self, PreviewRequest};

pub async fn preview(
    State(app): State<AppState>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    body: Result<Json<PreviewRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<AppliedPromo>, ApiError> {
    // Counted before the body is even read: a malformed guess is still a guess.
    app.preview_limiter.check(client.ip()).map_err(ApiError::RateLimited)?;
    let Json(request) = body?;
    promo::find(&app.store, &request.event_id, &request.code, chrono::Utc::now()).await.map(Json)
}
