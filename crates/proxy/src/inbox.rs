//! The webhook inbox. A verified delivery is written to SQLite before the platform gets its
//! 2xx; applying it is a step of its own that marks the row applied. A proxy that stops
//! between the two (a crash, a kill, a deploy) applies what it left at its next start
//! (`replay_unapplied`), and a platform's retry of a delivery already applied changes nothing.
//!
//! Applying a delivery: its durable effect (a promo code's use, counted once per paid order)
//! commits with the applied mark; then the event's cached copy is dropped and viewers get the
//! platform's new counts. That second part is repeatable, so doing it again is harmless.

use serde::Deserialize;
use serde_json::Value;
use tessera_core::{EventId, PromoCode};

use crate::error::ApiError;
use crate::live::LiveHub;
use crate::store::{InboxEntry, Recorded, Store, StoreError};

/// Longest delivery id taken; HangHut's are `evt_` and a few dozen characters.
const MAX_ID_LEN: usize = 200;

/// A HangHut webhook delivery, `{id, type, data}` (shared/seeds/hanghut-api.txt).
#[derive(Deserialize, utoipa::ToSchema)]
pub struct HangHutDelivery {
    /// Unique per delivery: a replay with the same id is applied once.
    id: String,
    /// What happened, e.g. `order.paid`.
    #[serde(rename = "type")]
    kind: String,
    /// The event's details (`event_id`, and from the sandbox `order_id`, `promo_code`).
    #[serde(default)]
    #[schema(value_type = Object)]
    data: Value,
}

/// Reads a HangHut delivery (already verified) into what the inbox keeps.
pub fn parse_hanghut(body: &[u8]) -> Result<InboxEntry, ApiError> {
    let delivery: HangHutDelivery = serde_json::from_slice(body)
        .map_err(|e| ApiError::BadRequest(format!("The webhook body is not a HangHut delivery: {e}")))?;
    if delivery.id.trim().is_empty() || delivery.id.len() > MAX_ID_LEN {
        return Err(ApiError::BadRequest("The webhook delivery has no usable id".into()));
    }
    let field = |name: &str| delivery.data.get(name).and_then(Value::as_str);
    let event_id = field("event_id").and_then(|s| EventId::parse(s).ok());
    // The sandbox names the order and the code it used (HangHut's documented payload does
    // not): each paid order counts once however many tickets or replays it has.
    let order_id = field("order_id").filter(|o| !o.is_empty() && o.len() <= MAX_ID_LEN).map(str::to_owned);
    let promo_code = field("promo_code").and_then(|c| PromoCode::parse(c).ok());
    Ok(InboxEntry {
        platform: "hanghut".into(),
        delivery_id: delivery.id,
        kind: delivery.kind,
        event_id: event_id.map(|e| e.as_str().to_owned()),
        promo_code: promo_code.filter(|_| order_id.is_some()).map(|c| c.as_str().to_owned()),
        order_id,
    })
}

/// What the platform is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Receipt {
    /// The inbox had this delivery already.
    pub duplicate: bool,
}

#[derive(Clone)]
pub struct Inbox {
    store: Store,
    live: LiveHub,
    hold_before_apply: bool,
}

impl Inbox {
    /// `hold_before_apply` is a test hook (`TESSERA_TEST_HOLD_WEBHOOK_APPLY`): deliveries are
    /// written to the inbox and then never applied nor answered, so a test can kill the
    /// process between the two steps. Never set it in production.
    pub fn new(store: Store, live: LiveHub, hold_before_apply: bool) -> Self {
        Inbox { store, live, hold_before_apply }
    }

    /// Writes the delivery to the inbox, then applies it (unless it was applied before).
    /// When this returns `Ok` the delivery is durable and applied: the caller may answer 2xx.
    pub async fn receive(&self, entry: InboxEntry) -> Result<Receipt, ApiError> {
        let recorded = self.store.record_delivery(&entry).await?;
        tracing::info!(delivery = %entry.delivery_id, kind = %entry.kind, ?recorded, "webhook stored in the inbox");
        if self.hold_before_apply {
            tracing::warn!(delivery = %entry.delivery_id, "test hook: holding the delivery unapplied");
            std::future::pending::<()>().await;
        }
        if recorded != Recorded::Applied {
            self.apply(&entry).await?;
        }
        Ok(Receipt { duplicate: recorded != Recorded::New })
    }

    /// Applies one delivery from the inbox; `false` when it had been applied already.
    pub async fn apply(&self, entry: &InboxEntry) -> Result<bool, StoreError> {
        let applied = self.store.apply_delivery(&entry.platform, &entry.delivery_id).await?;
        if applied {
            if let Some(id) = entry.event_id.as_deref().and_then(|e| EventId::parse(e).ok()) {
                self.live.changed(&id).await;
            }
        }
        Ok(applied)
    }

    /// At start-up: applies every delivery a previous run wrote but did not apply. Returns how
    /// many were applied.
    pub async fn replay_unapplied(&self) -> Result<usize, StoreError> {
        let pending = self.store.unapplied_deliveries().await?;
        let mut applied = 0;
        for entry in &pending {
            if self.apply(entry).await? {
                applied += 1;
            }
        }
        if applied > 0 {
            tracing::info!(applied, "replayed webhook deliveries a previous run left unapplied");
        }
        Ok(applied)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delivery_keeps_ids_and_the_code_but_no_buyer_data() {
        let body = br#"{"id":"evt_1","type":"ticket.purchased","data":{"event_id":"ev-1","order_id":"pi_9",
            "promo_code":" earlybird ","customer":{"name":"Juan Dela Cruz","email":"juan@example.com"}}}"#;
        let entry = parse_hanghut(body).unwrap();
        assert_eq!(
            entry,
            InboxEntry {
                platform: "hanghut".into(),
                delivery_id: "evt_1".into(),
                kind: "ticket.purchased".into(),
                event_id: Some("ev-1".into()),
                order_id: Some("pi_9".into()),
                promo_code: Some("EARLYBIRD".into()),
            }
        );
        assert!(!format!("{entry:?}").contains("Juan"));
    }

    #[test]
    fn deliveries_without_a_usable_id_are_refused() {
        for body in [&b"not json"[..], br#"{"type":"x"}"#, br#"{"id":"  ","type":"x"}"#] {
            assert!(matches!(parse_hanghut(body), Err(ApiError::BadRequest(_))));
        }
        let long = format!(r#"{{"id":"{}","type":"x"}}"#, "e".repeat(MAX_ID_LEN + 1));
        assert!(parse_hanghut(long.as_bytes()).is_err());
    }
}
