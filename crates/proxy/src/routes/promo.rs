//! `POST /api/v1/promo-preview`: the rule of one code for one event, so the widget can price
//! the discount itself on every change of tier or quantity without asking again.

use axum::extract::State;
use axum::Json;
use tessera_core::AppliedPromo;

use super::AppState;
use crate::client_addr::ClientAddr;
use crate::error::ApiError;
use crate::promo::{self, PreviewRequest};

pub async fn preview(
    State(app): State<AppState>,
    ClientAddr(client): ClientAddr,
    body: Result<Json<PreviewRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<AppliedPromo>, ApiError> {
    // Counted before the body is even read: a malformed guess is still a guess.
    app.preview_limiter.check(client).map_err(ApiError::RateLimited)?;
    let Json(request) = body?;
    promo::find(&app.store, &request.event_id, &request.code, chrono::Utc::now()).await.map(Json)
}
