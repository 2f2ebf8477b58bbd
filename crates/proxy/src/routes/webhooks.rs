//! `POST /webhooks/hanghut`: verify the signature over the raw bytes, record the delivery
//! once by its id, then drop the cached event so the next read is fresh.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use secrecy::ExposeSecret;
use serde::Deserialize;
use serde_json::{json, Value};
use tessera_core::{EventId, PromoCode};

use super::AppState;
use crate::error::ApiError;
use crate::webhook;

#[derive(Deserialize)]
struct Delivery {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    data: Value,
}

pub async fn hanghut(State(app): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Json<Value>, ApiError> {
    let signature = headers.get("x-hanghut-signature").and_then(|v| v.to_str().ok());
    webhook::verify(app.hanghut_webhook_secret.expose_secret().as_bytes(), &body, signature).map_err(|e| {
        tracing::warn!(reason = %e, "refused a HangHut webhook");
        ApiError::Unauthorized("Webhook signature is missing or does not match")
    })?;
    let delivery: Delivery = serde_json::from_slice(&body)
        .map_err(|e| ApiError::BadRequest(format!("The webhook body is not a HangHut delivery: {e}")))?;
    if delivery.id.trim().is_empty() || delivery.id.len() > 200 {
        return Err(ApiError::BadRequest("The webhook delivery has no usable id".into()));
    }
    let event_id = delivery.data.get("event_id").and_then(Value::as_str).and_then(|s| EventId::parse(s).ok());

    let new = app
        .store
        .record_delivery("hanghut", &delivery.id, &delivery.kind, event_id.as_ref().map(EventId::as_str))
        .await?;
    if new {
        tracing::info!(delivery = %delivery.id, kind = %delivery.kind, "webhook recorded");
        if let Some(id) = &event_id {
            app.live.changed(id).await;
        }
    }
    // The sandbox names the order and the code it used (HangHut's documented payload does
    // not): each paid order counts once however many tickets or replays it has.
    if delivery.kind == "ticket.purchased" {
        let field = |name| delivery.data.get(name).and_then(Value::as_str);
        if let (Some(event), Some(order), Some(Ok(code))) =
            (&event_id, field("order_id"), field("promo_code").map(PromoCode::parse))
        {
            app.store.count_promo_use(order, event, &code).await?;
        }
    }
    Ok(Json(json!({ "received": true, "duplicate": !new })))
}
