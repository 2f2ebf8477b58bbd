//! `POST /webhooks/hanghut`: verify the signature over the raw bytes, write the delivery to
//! the inbox and apply it (`inbox`), then answer 2xx.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use secrecy::ExposeSecret;
use serde_json::{json, Value};

use super::AppState;
use crate::error::ApiError;
use crate::{inbox, webhook};

pub async fn hanghut(State(app): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Json<Value>, ApiError> {
    let signature = headers.get("x-hanghut-signature").and_then(|v| v.to_str().ok());
    webhook::verify(app.hanghut_webhook_secret.expose_secret().as_bytes(), &body, signature).map_err(|e| {
        tracing::warn!(reason = %e, "refused a HangHut webhook");
        ApiError::Unauthorized("Webhook signature is missing or does not match")
    })?;
    let entry = inbox::parse_hanghut(&body)?;
    let receipt = app.inbox.receive(entry).await?;
    Ok(Json(json!({ "received": true, "duplicate": receipt.duplicate })))
}
