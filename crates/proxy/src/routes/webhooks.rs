//! `POST /webhooks/{platform}` (and `/webhooks/{platform}/{token}` for platforms whose
//! document defines no signature): authenticate over the raw bytes, parse into changes, write
//! the delivery to the inbox and apply it (`inbox`), then answer 2xx.

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;

use super::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::providers::{Parsed, Platform};

/// What the platform is told about a delivery it sent.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct WebhookReceipt {
    /// Always `true`: the delivery is recorded and applied (or deliberately ignored).
    pub received: bool,
    /// This delivery was received before; nothing was applied twice.
    pub duplicate: bool,
    /// Accepted but not applied by configuration (e.g. vivenu `dev` deliveries).
    pub ignored: bool,
}

#[utoipa::path(
    post,
    path = "/webhooks/hanghut",
    operation_id = "receiveHangHutDelivery",
    tag = "webhooks",
    params(("X-HangHut-Signature" = String, Header,
        description = "Hex HMAC-SHA256 of the raw body under the webhook secret")),
    request_body(content = crate::providers::hanghut::HangHutDelivery, content_type = "application/json"),
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
    receive(&app, Platform::HangHut, None, &headers, &body).await
}

#[utoipa::path(
    post,
    path = "/webhooks/{platform}",
    operation_id = "receivePlatformDelivery",
    tag = "webhooks",
    params(
        ("platform" = String, Path, description = "`ticketwave` or `vivenu` (signed deliveries)"),
        ("X-TicketWave-Signature" = Option<String>, Header, description = "TicketWave: hex HMAC-SHA256 of the raw body"),
        ("x-vivenu-signature" = Option<String>, Header, description = "vivenu: hex HMAC-SHA256 of the raw body under the hmacKey"),
    ),
    request_body(content = Object, content_type = "application/json"),
    responses(
        (status = 200, description = "The delivery is written to the inbox (and applied)", body = WebhookReceipt),
        (status = 400, description = "Authentic, but not a delivery of that platform", body = ErrorBody),
        (status = 401, description = "The signature is missing or does not match the body", body = ErrorBody),
        (status = 404, description = "No such platform is configured on this proxy", body = ErrorBody),
        (status = 408, description = "The request did not arrive in time", body = ErrorBody),
        (status = 413, description = "The body is over 64 KiB", body = ErrorBody),
    )
)]
pub async fn signed(
    State(app): State<AppState>,
    path: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<WebhookReceipt>, ApiError> {
    let Path(platform) = path.map_err(|_| no_endpoint())?;
    receive(&app, configured(&platform)?, None, &headers, &body).await
}

#[utoipa::path(
    post,
    path = "/webhooks/{platform}/{token}",
    operation_id = "receiveTokenDelivery",
    tag = "webhooks",
    params(
        ("platform" = String, Path, description = "`ingresse` or `tixel`: their documents define no signature"),
        ("token" = String, Path, description = "The secret URL token from this proxy's configuration"),
    ),
    request_body(content = Object, content_type = "application/json"),
    responses(
        (status = 200, description = "The delivery is written to the inbox (and applied)", body = WebhookReceipt),
        (status = 400, description = "Authentic, but not a delivery of that platform", body = ErrorBody),
        (status = 401, description = "The URL token is wrong", body = ErrorBody),
        (status = 404, description = "No such platform is configured on this proxy", body = ErrorBody),
        (status = 408, description = "The request did not arrive in time", body = ErrorBody),
        (status = 413, description = "The body is over 64 KiB", body = ErrorBody),
    )
)]
pub async fn with_token(
    State(app): State<AppState>,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<WebhookReceipt>, ApiError> {
    // A segment that is not UTF-8 once decoded names no platform and no token: the JSON 404,
    // not axum's plain-text 400.
    let Path((platform, token)) = path.map_err(|_| no_endpoint())?;
    receive(&app, configured(&platform)?, Some(&token), &headers, &body).await
}

fn no_endpoint() -> ApiError {
    ApiError::NotFound("No webhook endpoint for this platform")
}

fn configured(name: &str) -> Result<Platform, ApiError> {
    Platform::from_name(name).ok_or_else(no_endpoint)
}

async fn receive(
    app: &AppState,
    platform: Platform,
    token: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Json<WebhookReceipt>, ApiError> {
    let format = app.webhooks.get(&platform).ok_or_else(no_endpoint)?;
    let count = |outcome| app.metrics.webhook(platform.name(), outcome);
    format.authenticate(headers, token, body).map_err(|e| {
        tracing::warn!(platform = platform.name(), reason = %e, "refused a webhook");
        count("unauthorized");
        ApiError::Unauthorized("Webhook signature or token is missing or does not match")
    })?;
    // The reason goes to the sender only: it may quote a value of the body.
    let parsed = format.parse(headers, body).map_err(|e| {
        tracing::warn!(platform = platform.name(), "an authentic webhook could not be read");
        count("unreadable");
        ApiError::BadRequest(format!("The {} webhook could not be read: {e}", platform.display_name()))
    })?;
    match parsed {
        Parsed::Ignore(reason) => {
            tracing::info!(platform = platform.name(), reason, "webhook accepted and ignored");
            count("ignored");
            Ok(Json(WebhookReceipt { received: true, duplicate: false, ignored: true }))
        }
        Parsed::Apply(delivery) => {
            let receipt = app.inbox.receive(platform, delivery).await.inspect_err(|_| count("failed"))?;
            count(if receipt.duplicate { "duplicate" } else { "new" });
            Ok(Json(WebhookReceipt { received: true, duplicate: receipt.duplicate, ignored: false }))
        }
    }
}
