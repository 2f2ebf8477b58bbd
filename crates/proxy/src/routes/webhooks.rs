//! `POST /webhooks/hanghut`: verify the signature over the raw bytes, write the delivery to
//! the inbox and apply it (`inbox`), then answer 2xx.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use secrecy::ExposeSecret;

use super::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::{inbox, webhook};

/// What the platform is told about a delivery it sent.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct WebhookReceipt {
    /// Always `true`: the delivery is recorded and will be applied.
    pub received: bool,
    /// This delivery id was received before; nothing was applied twice.
    pub duplicate: bool,
}

#[utoipa::path(
    post,
    path = "/webhooks/hanghut",
    operation_id = "receiveHangHutDelivery",
    tag = "webhooks",
    params(("X-HangHut-Signature" = String, Header,
        description = "Hex HMAC-SHA256 of the raw body under the webhook secret")),
    request_body(content = inbox::HangHutDelivery, content_type = "application/json"),
    responses(
        (status = 200, description = "The delivery is written to the inbox (and applied)", body = WebhookReceipt),
        (status = 400, description = "Signed, but not a HangHut delivery", body = ErrorBody),
        (status = 401, description = "The signature is missing or does not match the body", body = ErrorBody),
        (status = 408, description = "The request did not arrive in time", body = ErrorBody),
        (status = 413, description = "The body is over 64 KiB", body = ErrorBody),
    )
)]
pub async fn hanghut(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<WebhookReceipt>, ApiError> {
    let signature = headers.get("x-hanghut-signature").and_then(|v| v.to_str().ok());
    webhook::verify(app.hanghut_webhook_secret.expose_secret().as_bytes(), &body, signature).map_err(|e| {
        tracing::warn!(reason = %e, "refused a HangHut webhook");
        ApiError::Unauthorized("Webhook signature is missing or does not match")
    })?;
    let entry = inbox::parse_hanghut(&body)?;
    let receipt = app.inbox.receive(entry).await?;
    Ok(Json(WebhookReceipt { received: true, duplicate: receipt.duplicate }))
}
