//! `POST /promo-codes` as in the HangHut document; `GET` and `PUT /promo-codes/:id` are
//! sandbox extensions (not in the document) for tests and admins.

use super::{created, data};
use crate::clock::now;
use crate::error::SandboxError;
use crate::json_body::JsonBody;
use crate::promo_codes::{self, NewPromoCode};
use crate::server::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::Value;

pub(super) async fn create(
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<Value>), SandboxError> {
    let new = NewPromoCode::from_json(&body)?;
    let at = now();
    let code = state.db.call(move |c| promo_codes::create(c, &new, at)).await?;
    Ok(created(code.to_json()))
}

/// Sandbox extension: the code with its current `usage_count` (paid uses).
pub(super) async fn show(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, SandboxError> {
    let code = state.db.call(move |c| promo_codes::find(c, &id)).await?;
    Ok(data(code.to_json()))
}

/// Sandbox extension: `{"is_active": false}` switches a code off, `true` back on.
pub(super) async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, SandboxError> {
    let is_active = promo_codes::parse_update(&body)?;
    let code = state.db.call(move |c| promo_codes::set_active(c, &id, is_active)).await?;
    Ok(data(code.to_json()))
}
