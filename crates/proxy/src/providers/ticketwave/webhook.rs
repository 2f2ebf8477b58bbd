//! TicketWave webhooks: `{"event", "timestamp", "data"}` POSTed with `X-TicketWave-Event` and
//! `X-TicketWave-Signature` (hex HMAC-SHA256 of the raw body). What each type changes:
//! `order.created` sells its tickets, a full `order.refunded` releases them, `event.published`
//! describes the event (on sale), `event.cancelled` cancels it; `checkin.completed`,
//! `webhook.ping` and types tessera does not know change nothing.
//!
//! Customer names, emails, phones and ticket holders' names are in the payloads; only the
//! fields below are read, so none of them reaches a `Delivery`.

use axum::http::HeaderMap;
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;
use tessera_core::{Currency, EventId, EventStatus};

use super::{Mapping, VenueClock, WireEvent};
use crate::providers::{
    verify_hex_hmac, Change, Delivery, Malformed, Parsed, Platform, Refusal, TierQuantity, WebhookFormat,
};

const SIGNATURE_HEADER: &str = "x-ticketwave-signature";
const EVENT_HEADER: &str = "x-ticketwave-event";

/// Longest order or ticket id taken into a delivery id.
const MAX_ID_LEN: usize = 200;
/// Longest event type taken (the document's are a few words).
const MAX_KIND_LEN: usize = 64;

pub struct TicketWaveWebhooks {
    secret: SecretString,
    mapping: Mapping,
}

impl TicketWaveWebhooks {
    /// `currency` is for `event.published`, whose payload names none; `clock` is the
    /// venue's (see [`VenueClock`]).
    pub fn new(secret: SecretString, currency: Currency, clock: impl Into<VenueClock>) -> Self {
        TicketWaveWebhooks { secret, mapping: Mapping { currency, clock: clock.into() } }
    }
}

impl WebhookFormat for TicketWaveWebhooks {
    fn platform(&self) -> Platform {
        Platform::TicketWave
    }

    fn authenticate(&self, headers: &HeaderMap, _token: Option<&str>, body: &[u8]) -> Result<(), Refusal> {
        let signature = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok());
        verify_hex_hmac(self.secret.expose_secret().as_bytes(), body, signature)
    }

    fn parse(&self, headers: &HeaderMap, body: &[u8]) -> Result<Parsed, Malformed> {
        let delivery = parse(body, self.mapping.currency, self.mapping.clock)?;
        if let Some(named) = headers.get(EVENT_HEADER) {
            let named = named.to_str().map_err(|_| Malformed::new("X-TicketWave-Event is not text"))?;
            if named.trim() != delivery.kind {
                return Err(Malformed::new(format!(
                    "X-TicketWave-Event says {named} but the body is {}",
                    delivery.kind
                )));
            }
        }
        Ok(Parsed::Apply(delivery))
    }
}

#[derive(Deserialize)]
struct Envelope {
    event: String,
    timestamp: String,
    #[serde(default)]
    data: Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OrderCreated {
    order_id: String,
    event_id: String,
    tickets: Vec<TicketOfOrder>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TicketOfOrder {
    tier_name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OrderRefunded {
    order_id: String,
    is_full_refund: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EventCancelled {
    event_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CheckinCompleted {
    ticket_id: String,
}

/// Reads a TicketWave delivery (already verified). TicketWave sends no delivery id: the id is
/// made from what makes a delivery unique, so a retry of it (the same body) is recognised.
pub fn parse(body: &[u8], currency: Currency, clock: impl Into<VenueClock>) -> Result<Delivery, Malformed> {
    let clock = clock.into();
    let envelope: Envelope = serde_json::from_slice(body).map_err(|e| Malformed::new(e.to_string()))?;
    let kind = envelope.event.trim().to_owned();
    if kind.is_empty() || kind.len() > MAX_KIND_LEN || kind.contains(char::is_whitespace) {
        return Err(Malformed::new("the delivery has no usable event type"));
    }
    let at = envelope.timestamp.trim();
    if chrono::DateTime::parse_from_rfc3339(at).is_err() {
        return Err(Malformed::new(format!("the timestamp is not a date and time: {at:?}")));
    }
    let data = envelope.data;
    let (id, changes) = match kind.as_str() {
        "order.created" => {
            let order: OrderCreated = data_of(&kind, data)?;
            let (event, order_id) = (event_id(&order.event_id)?, short_id("orderId", &order.order_id)?);
            let mut tickets: Vec<TierQuantity> = Vec::new();
            for ticket in order.tickets {
                if ticket.tier_name.trim().is_empty() {
                    return Err(Malformed::new("order.created has a ticket without a tierName"));
                }
                let tier = super::tier_id(&ticket.tier_name);
                match tickets.iter_mut().find(|t| t.tier == tier) {
                    Some(t) => t.quantity += 1,
                    None => tickets.push(TierQuantity { tier, quantity: 1 }),
                }
            }
            // One order is one sale whenever it is delivered.
            (format!("{kind}:{order_id}"), vec![Change::Sold { event, order: order_id, tickets }])
        }
        "order.refunded" => {
            let refund: OrderRefunded = data_of(&kind, data)?;
            let order = short_id("orderId", &refund.order_id)?;
            // A partial refund says how much money, not which tickets: they stay sold.
            let changes = if refund.is_full_refund { vec![Change::Released { order: order.clone() }] } else { vec![] };
            (format!("{kind}:{order}:{at}"), changes)
        }
        "event.published" => {
            let raw: WireEvent = data_of(&kind, data)?;
            let mapping = Mapping { currency, clock };
            let event = mapping.feed_event(raw, EventStatus::Active)?;
            (format!("{kind}:{}:{at}", event.id), vec![Change::Upsert { event }])
        }
        "event.cancelled" => {
            let cancelled: EventCancelled = data_of(&kind, data)?;
            let event = event_id(&cancelled.event_id)?;
            (format!("{kind}:{event}:{at}"), vec![Change::Status { event, status: EventStatus::Cancelled }])
        }
        "checkin.completed" => {
            // Accepted and recorded; a scan at the door changes no availability.
            let checkin: CheckinCompleted = data_of(&kind, data)?;
            (format!("{kind}:{}:{at}", short_id("ticketId", &checkin.ticket_id)?), vec![])
        }
        "webhook.ping" => (format!("{kind}:{at}"), vec![]),
        _ => {
            tracing::info!(kind = %kind, "a TicketWave webhook of a type tessera does not know; nothing changes");
            (format!("{kind}:{at}"), vec![])
        }
    };
    Ok(Delivery { id, kind, changes })
}

fn data_of<T: DeserializeOwned>(kind: &str, data: Value) -> Result<T, Malformed> {
    serde_json::from_value(data).map_err(|e| Malformed::new(format!("{kind} data: {e}")))
}

fn event_id(raw: &str) -> Result<String, Malformed> {
    EventId::parse(raw).map(|id| id.as_str().to_owned()).map_err(|e| Malformed::new(format!("eventId: {e}")))
}

fn short_id(field: &str, raw: &str) -> Result<String, Malformed> {
    let id = raw.trim();
    if id.is_empty() || id.len() > MAX_ID_LEN || id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Malformed::new(format!("{field} is not a usable id")));
    }
    Ok(id.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::{FeedEvent, FeedTier};
    use axum::http::HeaderValue;

    const ORDER_CREATED: &[u8] = include_bytes!("../../../tests/fixtures/ticketwave/order.created.json");
    const ORDER_REFUNDED: &[u8] = include_bytes!("../../../tests/fixtures/ticketwave/order.refunded.json");
    const EVENT_PUBLISHED: &[u8] = include_bytes!("../../../tests/fixtures/ticketwave/event.published.json");
    const EVENT_CANCELLED: &[u8] = include_bytes!("../../../tests/fixtures/ticketwave/event.cancelled.json");
    const CHECKIN_COMPLETED: &[u8] = include_bytes!("../../../tests/fixtures/ticketwave/checkin.completed.json");
    const WEBHOOK_PING: &[u8] = include_bytes!("../../../tests/fixtures/ticketwave/webhook.ping.json");
    const FIXTURES: [&[u8]; 6] =
        [ORDER_CREATED, ORDER_REFUNDED, EVENT_PUBLISHED, EVENT_CANCELLED, CHECKIN_COMPLETED, WEBHOOK_PING];

    /// The document's personal data: none of it may survive parsing.
    const PERSONAL: [&str; 4] = ["Jane Smith", "jane@example.com", "+34600123456", "Jane"];

    const SECRET: &str = "whsec_ticketwave_unit";

    fn eur() -> Currency {
        Currency::parse("EUR").unwrap()
    }

    fn utc() -> chrono::FixedOffset {
        super::super::utc_offset("+00:00").unwrap()
    }

    fn format() -> TicketWaveWebhooks {
        TicketWaveWebhooks::new(SecretString::from(SECRET), eur(), utc())
    }

    fn doc(body: &[u8]) -> Delivery {
        parse(body, eur(), utc()).unwrap()
    }

    fn signed(body: &[u8], event: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let signature = crate::webhook::sign(SECRET.as_bytes(), body);
        headers.insert(SIGNATURE_HEADER, HeaderValue::from_str(&signature).unwrap());
        if let Some(event) = event {
            headers.insert(EVENT_HEADER, HeaderValue::from_str(event).unwrap());
        }
        headers
    }

    #[test]
    fn order_created_sells_its_tickets_per_tier() {
        assert_eq!(
            doc(ORDER_CREATED),
            Delivery {
                id: "order.created:ord_a1b2c3d4".into(),
                kind: "order.created".into(),
                changes: vec![Change::Sold {
                    event: "evt_x9y8z7".into(),
                    order: "ord_a1b2c3d4".into(),
                    tickets: vec![TierQuantity { tier: "vip".into(), quantity: 1 }],
                }],
            }
        );
    }

    #[test]
    fn a_full_refund_releases_the_order() {
        assert_eq!(
            doc(ORDER_REFUNDED),
            Delivery {
                id: "order.refunded:ord_a1b2c3d4:2026-04-03T10:15:00.000Z".into(),
                kind: "order.refunded".into(),
                changes: vec![Change::Released { order: "ord_a1b2c3d4".into() }],
            }
        );
    }

    #[test]
    fn a_partial_refund_changes_nothing() {
        let body = String::from_utf8(ORDER_REFUNDED.to_vec())
            .unwrap()
            .replace("\"isFullRefund\": true", "\"isFullRefund\": false");
        let delivery = doc(body.as_bytes());
        assert_eq!(delivery.changes, vec![]);
        assert_eq!(delivery.id, "order.refunded:ord_a1b2c3d4:2026-04-03T10:15:00.000Z");
    }

    #[test]
    fn event_published_describes_the_event_on_sale() {
        let tier = |id: &str, name: &str, price_minor, capacity| FeedTier::new(id, name, price_minor, capacity);
        assert_eq!(
            doc(EVENT_PUBLISHED),
            Delivery {
                id: "event.published:evt_x9y8z7:2026-04-01T09:00:00.000Z".into(),
                kind: "event.published".into(),
                changes: vec![Change::Upsert {
                    event: FeedEvent {
                        id: "evt_x9y8z7".into(),
                        title: "Summer Pool Party".into(),
                        start: "2026-07-15T14:00:00+00:00".into(),
                        venue: Some("Example Venue".into()),
                        description: None,
                        currency: eur(),
                        status: EventStatus::Active,
                        url: Some("https://www.ticketwavehq.com/events/summer-pool-party-2026".into()),
                        tiers: vec![tier("general", "General", 2500, 400), tier("vip", "VIP", 7500, 100)],
                    }
                }],
            }
        );
    }

    #[test]
    fn event_published_starts_at_the_configured_offset() {
        let delivery = parse(EVENT_PUBLISHED, eur(), super::super::utc_offset("+02:00").unwrap()).unwrap();
        let Change::Upsert { event } = &delivery.changes[0] else { panic!("{delivery:?}") };
        assert_eq!(event.start, "2026-07-15T14:00:00+02:00");
    }

    #[test]
    fn event_cancelled_cancels_the_event() {
        assert_eq!(
            doc(EVENT_CANCELLED),
            Delivery {
                id: "event.cancelled:evt_x9y8z7:2026-04-10T08:00:00.000Z".into(),
                kind: "event.cancelled".into(),
                changes: vec![Change::Status { event: "evt_x9y8z7".into(), status: EventStatus::Cancelled }],
            }
        );
    }

    #[test]
    fn checkins_and_pings_change_nothing() {
        assert_eq!(
            doc(CHECKIN_COMPLETED),
            Delivery {
                id: "checkin.completed:tkt_abc123:2026-07-15T22:15:30.000Z".into(),
                kind: "checkin.completed".into(),
                changes: vec![],
            }
        );
        assert_eq!(
            doc(WEBHOOK_PING),
            Delivery {
                id: "webhook.ping:2026-04-01T08:00:00.000Z".into(),
                kind: "webhook.ping".into(),
                changes: vec![]
            }
        );
    }

    #[test]
    fn unknown_event_types_are_accepted_and_change_nothing() {
        let body =
            br#"{"event":"affiliate.created","timestamp":"2026-04-01T09:00:00.000Z","data":{"name":"Jane Smith"}}"#;
        assert_eq!(
            doc(body),
            Delivery {
                id: "affiliate.created:2026-04-01T09:00:00.000Z".into(),
                kind: "affiliate.created".into(),
                changes: vec![]
            }
        );
    }

    #[test]
    fn no_personal_data_reaches_a_delivery() {
        for body in FIXTURES {
            let text = std::str::from_utf8(body).unwrap();
            let shown = serde_json::to_string(&doc(body)).unwrap() + &format!("{:?}", doc(body));
            for personal in PERSONAL {
                assert!(!shown.contains(personal), "{personal} from {text} in {shown}");
            }
        }
    }

    #[test]
    fn a_replayed_delivery_has_the_same_id() {
        for body in FIXTURES {
            assert_eq!(doc(body).id, doc(body).id);
        }
        let second = String::from_utf8(ORDER_CREATED.to_vec()).unwrap().replace("15:30:00", "15:31:00");
        assert_eq!(doc(second.as_bytes()).id, doc(ORDER_CREATED).id, "an order is sold once, whenever delivered");
    }

    #[test]
    fn every_fixture_is_authentic_with_its_signature_and_not_without() {
        let format = format();
        for body in FIXTURES {
            assert_eq!(format.authenticate(&signed(body, None), None, body), Ok(()));
            let mut tampered = body.to_vec();
            tampered[body.len() / 2] ^= 1;
            assert_eq!(format.authenticate(&signed(body, None), None, &tampered), Err(Refusal::BadSignature));
            assert_eq!(format.authenticate(&HeaderMap::new(), None, body), Err(Refusal::MissingSignature));
        }
        let other = TicketWaveWebhooks::new(SecretString::from("whsec_other"), eur(), utc());
        assert_eq!(other.authenticate(&signed(ORDER_CREATED, None), None, ORDER_CREATED), Err(Refusal::BadSignature));
    }

    #[test]
    fn the_event_header_must_name_the_bodys_event() {
        let format = format();
        let parsed = format.parse(&signed(ORDER_CREATED, Some("order.created")), ORDER_CREATED).unwrap();
        assert_eq!(parsed, Parsed::Apply(doc(ORDER_CREATED)));
        assert!(format.parse(&signed(ORDER_CREATED, None), ORDER_CREATED).is_ok(), "the header is optional");
        assert!(format.parse(&signed(ORDER_CREATED, Some("order.refunded")), ORDER_CREATED).is_err());
    }

    #[test]
    fn deliveries_missing_what_they_need_are_malformed() {
        let cases: [&[u8]; 9] = [
            b"not json",
            br#"{"timestamp":"2026-04-01T09:00:00.000Z","data":{}}"#,
            br#"{"event":"order.created","data":{"orderId":"o","eventId":"e","tickets":[]}}"#,
            br#"{"event":"order.created","timestamp":"yesterday","data":{"orderId":"o","eventId":"e","tickets":[]}}"#,
            br#"{"event":"order.created","timestamp":"2026-04-01T09:00:00Z","data":{"eventId":"e","tickets":[]}}"#,
            br#"{"event":"order.created","timestamp":"2026-04-01T09:00:00Z","data":{"orderId":"o","eventId":"e/../x","tickets":[]}}"#,
            br#"{"event":"order.created","timestamp":"2026-04-01T09:00:00Z","data":{"orderId":"o","eventId":"e","tickets":[{}]}}"#,
            br#"{"event":"order.refunded","timestamp":"2026-04-01T09:00:00Z","data":{"orderId":"o"}}"#,
            br#"{"event":"event.published","timestamp":"2026-04-01T09:00:00Z","data":{"eventId":"e","title":"T","date":"2026-07-15","startTime":"14:00","tiers":[{"name":"A","price":"1.005","quantity":1}]}}"#,
        ];
        for body in cases {
            assert!(parse(body, eur(), utc()).is_err(), "{}", String::from_utf8_lossy(body));
        }
        let cancelled = br#"{"event":"event.cancelled","timestamp":"2026-04-01T09:00:00Z","data":{}}"#;
        assert!(parse(cancelled, eur(), utc()).is_err());
    }
}
