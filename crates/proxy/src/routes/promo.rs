//! `POST /api/v1/promo-preview`: the rule of one code for one event, so the widget can price
//! the discount itself on every change of tier or quantity without asking again.

use axum::extract::State;
use axum::Json;
use tessera_core::{AppliedPromo, PromoPreviewRequest};

use super::AppState;
use crate::client_addr::ClientAddr;
use crate::error::{ApiError, ErrorBody};
use crate::promo;

#[utoipa::path(
    post,
    path = "/api/v1/promo-preview",
    operation_id = "previewPromo",
    tag = "orders",
    request_body = PromoPreviewRequest,
    responses(
        (status = 200, description = "The code is valid for this event now: its discount, for the widget to price with", body = AppliedPromo),
        (status = 400, description = "Not a JSON preview request, or the code is not usable: \
            `fields: [{field: \"promo_code\", problem: {kind}}]` with `kind` one of `unknown` \
            (also another event's code), `below_minimum`, `too_long`, `invalid`, `expired`, `inactive`", body = ErrorBody),
        (status = 403, description = "Sent from a web page whose origin is not allowed", body = ErrorBody),
        (status = 408, description = "The request did not arrive in time", body = ErrorBody),
        (status = 409, description = "The code has been used up (`kind: used_up`)", body = ErrorBody),
        (status = 413, description = "The body is over 16 KiB", body = ErrorBody),
        (status = 415, description = "The body is not sent as application/json", body = ErrorBody),
        (status = 429, description = "Too many previews from this client in the last minute", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn preview(
    State(app): State<AppState>,
    ClientAddr(client): ClientAddr,
    body: Result<Json<PromoPreviewRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<AppliedPromo>, ApiError> {
    // Counted before the body is even read: a malformed guess is still a guess.
    app.preview_limiter.check(client).await.map_err(ApiError::RateLimited)?;
    let Json(request) = body?;
    promo::find(&app.store, &request.event_id, &request.code, chrono::Utc::now()).await.map(Json)
}
