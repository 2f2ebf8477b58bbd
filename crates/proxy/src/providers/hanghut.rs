//! HangHut (shared/seeds/hanghut-api.txt): the first upstream. Events are read from its API
//! (`upstream::HangHutClient`, cached by the catalogue) and bought through a hosted checkout
//! the proxy opens; webhooks, signed with `X-HangHut-Signature`, say which event to read again.

use axum::http::HeaderMap;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::Value;
use tessera_core::{EventId, PromoCode};

use super::{verify_hex_hmac, Change, Delivery, Malformed, Parsed, Platform, Refusal, WebhookFormat};

/// Longest delivery or order id taken; HangHut's are `evt_` and a few dozen characters.
const MAX_ID_LEN: usize = 200;

/// A HangHut webhook delivery, `{id, type, data}`.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct HangHutDelivery {
    /// Unique per delivery: a replay with the same id is applied once.
    id: String,
    /// What happened, e.g. `ticket.purchased`.
    #[serde(rename = "type")]
    kind: String,
    /// The event's details (`event_id`, and from the sandbox `order_id`, `promo_code`).
    #[serde(default)]
    #[schema(value_type = Object)]
    data: Value,
}

pub struct HangHutWebhooks {
    secret: SecretString,
}

impl HangHutWebhooks {
    pub fn new(secret: SecretString) -> Self {
        HangHutWebhooks { secret }
    }
}

impl WebhookFormat for HangHutWebhooks {
    fn platform(&self) -> Platform {
        Platform::HangHut
    }

    fn authenticate(&self, headers: &HeaderMap, _token: Option<&str>, body: &[u8]) -> Result<(), Refusal> {
        let signature = headers.get("x-hanghut-signature").and_then(|v| v.to_str().ok());
        verify_hex_hmac(self.secret.expose_secret().as_bytes(), body, signature)
    }

    fn parse(&self, _headers: &HeaderMap, body: &[u8]) -> Result<Parsed, Malformed> {
        parse(body).map(Parsed::Apply)
    }
}

/// Reads a HangHut delivery (already verified): the event to read again, and for a paid order
/// that used a code, one use of the code. Buyer details in `data` are not kept.
pub fn parse(body: &[u8]) -> Result<Delivery, Malformed> {
    let delivery: HangHutDelivery = serde_json::from_slice(body).map_err(|e| Malformed::new(e.to_string()))?;
    if delivery.id.trim().is_empty() || delivery.id.len() > MAX_ID_LEN {
        return Err(Malformed::new("the delivery has no usable id"));
    }
    let field = |name: &str| delivery.data.get(name).and_then(Value::as_str);
    let mut changes = Vec::new();
    if let Some(event) = field("event_id").and_then(|s| EventId::parse(s).ok()) {
        changes.push(Change::Refresh { event: event.as_str().to_owned() });
        // The sandbox names the order and the code it used (HangHut's documented payload does
        // not): each paid order counts once however many tickets or replays it has.
        let order = field("order_id").filter(|o| !o.is_empty() && o.len() <= MAX_ID_LEN);
        let code = field("promo_code").and_then(|c| PromoCode::parse(c).ok());
        if let (true, Some(order), Some(code)) = (delivery.kind == "ticket.purchased", order, code) {
            changes.push(Change::PromoUsed {
                event: event.as_str().to_owned(),
                order: order.to_owned(),
                code: code.as_str().to_owned(),
            });
        }
    }
    Ok(Delivery { id: delivery.id, kind: delivery.kind, changes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_purchase_keeps_ids_and_the_code_but_no_buyer_data() {
        let body = br#"{"id":"evt_1","type":"ticket.purchased","data":{"event_id":"ev-1","order_id":"pi_9",
            "promo_code":" earlybird ","customer":{"name":"Juan Dela Cruz","email":"juan@example.com"}}}"#;
        let delivery = parse(body).unwrap();
        assert_eq!(
            delivery,
            Delivery {
                id: "evt_1".into(),
                kind: "ticket.purchased".into(),
                changes: vec![
                    Change::Refresh { event: "ev-1".into() },
                    Change::PromoUsed { event: "ev-1".into(), order: "pi_9".into(), code: "EARLYBIRD".into() },
                ],
            }
        );
        assert!(!serde_json::to_string(&delivery).unwrap().contains("Juan"));
    }

    #[test]
    fn only_a_purchase_counts_a_code_use() {
        let body = br#"{"id":"evt_2","type":"ticket.refunded","data":{"event_id":"ev-1","order_id":"pi_9","promo_code":"EARLYBIRD"}}"#;
        assert_eq!(parse(body).unwrap().changes, vec![Change::Refresh { event: "ev-1".into() }]);
    }

    #[test]
    fn deliveries_without_a_usable_id_are_refused() {
        for body in [&b"not json"[..], br#"{"type":"x"}"#, br#"{"id":"  ","type":"x"}"#] {
            assert!(parse(body).is_err());
        }
        let long = format!(r#"{{"id":"{}","type":"x"}}"#, "e".repeat(MAX_ID_LEN + 1));
        assert!(parse(long.as_bytes()).is_err());
    }
}
