use super::created;
use crate::checkouts::CheckoutRequest;
use crate::clock::now;
use crate::error::SandboxError;
use crate::idempotency;
use crate::json_body::JsonBody;
use crate::server::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde_json::Value;

pub(super) async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<Value>), SandboxError> {
    let key = idempotency::parse_key(headers.get("idempotency-key").map(|v| v.to_str().unwrap_or_default()))?;
    let request = CheckoutRequest::from_json(&body)?;
    let (at, ttl) = (now(), state.config.checkout_ttl);
    let checkout = state.db.call(move |c| idempotency::create_once(c, key.as_deref(), &request, at, ttl)).await?;
    Ok(created(checkout.to_json(state.origin())))
}
