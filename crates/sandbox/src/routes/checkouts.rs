use super::created;
use crate::checkouts::{self, CheckoutRequest};
use crate::clock::now;
use crate::error::SandboxError;
use crate::json_body::JsonBody;
use crate::server::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::Value;

pub(super) async fn create(
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<Value>), SandboxError> {
    let request = CheckoutRequest::from_json(&body)?;
    let (at, ttl) = (now(), state.config.checkout_ttl);
    let checkout = state.db.call(move |c| checkouts::create(c, &request, at, ttl)).await?;
    Ok(created(checkout.to_json(state.origin())))
}
