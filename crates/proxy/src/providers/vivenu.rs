//! vivenu (shared/seeds/vivenu-webhooks.txt): webhooks only. `event.*` deliveries carry the
//! whole event, ticket types included, so they build the catalogue; `transaction.*` deliveries
//! move availability per ticket type. Buyers pay on vivenu's own shop.
//!
//! Signature ("Verify signature"): the HMAC-SHA256 of the raw JSON under the webhook's
//! `hmacKey`, hex (the document's `digest("hex")`), compared case-insensitively with the
//! `x-vivenu-signature` header (its `toLowerCase()` on both sides; `verify_hex_hmac` decodes
//! either case).

use std::collections::BTreeMap;

use axum::http::HeaderMap;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::Value;
use tessera_core::{Currency, EventStatus};

use super::{
    minor_units, verify_hex_hmac, whole_count, Change, Delivery, FeedEvent, FeedTier, Malformed, Parsed, Platform,
    Refusal, TierQuantity, WebhookFormat,
};

/// Longest id taken from a delivery; vivenu's are 24-character object ids.
const MAX_ID_LEN: usize = 200;

pub struct VivenuWebhooks {
    hmac_key: SecretString,
    ignore_dev: bool,
    currency: Currency,
}

impl VivenuWebhooks {
    /// `ignore_dev`: answer `dev` deliveries (vivenu's test mode) with 2xx and apply nothing.
    pub fn new(hmac_key: SecretString, ignore_dev: bool) -> Self {
        // The document's event object has no currency (only transactions and tickets carry
        // one, and always "EUR" in its examples), so an event's prices are read as EUR unless
        // the seller's currency is configured with `with_currency`.
        VivenuWebhooks { hmac_key, ignore_dev, currency: Currency::EUR }
    }

    /// The seller's currency, for vivenu accounts that do not sell in EUR.
    pub fn with_currency(mut self, currency: Currency) -> Self {
        self.currency = currency;
        self
    }
}

impl WebhookFormat for VivenuWebhooks {
    fn platform(&self) -> Platform {
        Platform::Vivenu
    }

    fn authenticate(&self, headers: &HeaderMap, _token: Option<&str>, body: &[u8]) -> Result<(), Refusal> {
        let signature = headers.get("x-vivenu-signature").and_then(|v| v.to_str().ok());
        verify_hex_hmac(self.hmac_key.expose_secret().as_bytes(), body, signature)
    }

    fn parse(&self, _headers: &HeaderMap, body: &[u8]) -> Result<Parsed, Malformed> {
        let envelope: Envelope = serde_json::from_slice(body).map_err(|e| Malformed::new(e.to_string()))?;
        let dev = match envelope.mode.as_str() {
            "dev" => true,
            "prod" => false,
            other => return Err(Malformed::new(format!("Unknown vivenu mode {other:?} (dev or prod)"))),
        };
        if dev && self.ignore_dev {
            return Ok(Parsed::Ignore("vivenu dev delivery"));
        }
        let id = checked_id(&envelope.id, "delivery id")?;
        let kind = checked_id(&envelope.kind, "delivery type")?;
        let changes = changes(&kind, envelope.data, self.currency)?;
        // Every example in the document carries the placeholder id "string", whatever its
        // type; the type keeps those apart, and a real id is unique per delivery anyway.
        Ok(Parsed::Apply(Delivery { id: format!("{id}:{kind}"), kind, changes }))
    }
}

/// The envelope every delivery shares ("Webhook Payload"). `data` is read per type, into
/// structs that leave out the buyer's name, address and email.
#[derive(Deserialize)]
struct Envelope {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    mode: String,
    #[serde(default)]
    data: Value,
}

fn changes(kind: &str, data: Value, currency: Currency) -> Result<Vec<Change>, Malformed> {
    let read = |e: serde_json::Error| Malformed::new(format!("the {kind} data is not as vivenu documents it: {e}"));
    Ok(match kind {
        "event.created" | "event.updated" => {
            let EventData { event } = serde_json::from_value(data).map_err(read)?;
            vec![Change::Upsert { event: event.into_feed(currency)? }]
        }
        "event.deleted" => {
            let EventRef { event } = serde_json::from_value(data).map_err(read)?;
            vec![Change::Deleted { event: checked_id(&event.id, "event _id")? }]
        }
        "transaction.complete" => {
            let sale: TransactionData = serde_json::from_value(data).map_err(read)?;
            sale.sold()?.into_iter().collect()
        }
        "transaction.canceled" => {
            let sale: TransactionData = serde_json::from_value(data).map_err(read)?;
            vec![Change::Released { order: checked_id(&sale.transaction.id, "transaction _id")? }]
        }
        // Checkouts, customers, scans…: nothing a buyer choosing tickets needs.
        _ => Vec::new(),
    })
}

#[derive(Deserialize)]
struct EventData {
    event: VivenuEvent,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct VivenuEvent {
    #[serde(rename = "_id")]
    id: String,
    name: String,
    start: String,
    location_name: Option<String>,
    description: Option<String>,
    url: Option<String>,
    sell_start: Option<String>,
    sell_end: Option<String>,
    /// The venue's IANA zone (`Europe/Berlin`); its times are sent in UTC.
    #[serde(default)]
    timezone: Option<String>,
    #[serde(default)]
    tickets: Vec<TicketType>,
}

/// A ticket type ("tickets" of the event object).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TicketType {
    #[serde(rename = "_id")]
    id: String,
    name: String,
    price: Value,
    amount: Value,
    /// Absent reads as not on sale: a tier is never offered on a guess.
    #[serde(default)]
    active: bool,
    min_amount_per_order: Option<Value>,
    max_amount_per_order: Option<Value>,
}

impl VivenuEvent {
    fn into_feed(self, currency: Currency) -> Result<FeedEvent, Malformed> {
        rfc3339(&self.start, "event start")?;
        let start = at_venue(&self.start, self.timezone.as_deref());
        // Ticket types only have relative `salesStart`/`salesEnd` ({target, unit, offset}),
        // against a target the document does not define; the event's absolute
        // sellStart/sellEnd are the sale period of every tier.
        let sell_start = self.sell_start.map(|s| rfc3339(&s, "event sellStart").map(|()| s)).transpose()?;
        let sell_end = self.sell_end.map(|s| rfc3339(&s, "event sellEnd").map(|()| s)).transpose()?;
        let tiers = self
            .tickets
            .into_iter()
            .map(|t| t.into_tier(currency, &sell_start, &sell_end))
            .collect::<Result<_, _>>()?;
        Ok(FeedEvent {
            id: checked_id(&self.id, "event _id")?,
            title: self.name,
            start,
            venue: self.location_name.filter(|s| !s.trim().is_empty()),
            description: self.description.filter(|s| !s.trim().is_empty()),
            currency,
            // The event object has no status or published flag (`hideInListing` only keeps it
            // out of the seller's shop listing; a page embedding it chose it anyway): an event
            // vivenu describes is on sale, and each ticket type's `active` says which tiers are.
            status: EventStatus::Active,
            // `url` is undocumented (the example's value is "string"): kept only when it is an
            // absolute web address buyers can open.
            url: self.url.filter(|u| u.starts_with("https://") || u.starts_with("http://")),
            tiers,
        })
    }
}

impl TicketType {
    fn into_tier(
        self,
        currency: Currency,
        starts: &Option<String>,
        ends: &Option<String>,
    ) -> Result<FeedTier, Malformed> {
        let id = checked_id(&self.id, "ticket type _id")?;
        let capacity = whole_count(&self.amount)
            .ok_or_else(|| Malformed::new(format!("Ticket type {id}: amount is not a count")))?;
        Ok(FeedTier {
            price_minor: minor_units(&self.price, currency)?,
            capacity,
            sold: 0,
            min_per_order: per_order(self.min_amount_per_order, &id, "minAmountPerOrder")?,
            max_per_order: per_order(self.max_amount_per_order, &id, "maxAmountPerOrder")?,
            sale_starts: starts.clone(),
            sale_ends: ends.clone(),
            on_sale: self.active,
            hidden: false,
            name: self.name,
            id,
        })
    }
}

/// A per-order limit; vivenu sends 0 (or nothing) for "no limit".
fn per_order(n: Option<Value>, tier: &str, field: &str) -> Result<Option<u32>, Malformed> {
    match n {
        None | Some(Value::Null) => Ok(None),
        Some(v) => whole_count(&v)
            .map(|n| (n > 0).then_some(n))
            .ok_or_else(|| Malformed::new(format!("Ticket type {tier}: {field} is not a count"))),
    }
}

#[derive(Deserialize)]
struct EventRef {
    event: IdOnly,
}

#[derive(Deserialize)]
struct IdOnly {
    #[serde(rename = "_id")]
    id: String,
}

/// transaction.complete / transaction.canceled: the transaction and its tickets, of which
/// only ids are read.
#[derive(Deserialize)]
struct TransactionData {
    transaction: Transaction,
    tickets: Vec<SoldTicket>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Transaction {
    #[serde(rename = "_id")]
    id: String,
    event_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SoldTicket {
    ticket_type_id: String,
}

impl TransactionData {
    /// One sale per transaction, its tickets counted per ticket type. The document's example
    /// has the tickets in `data.tickets` (`transaction.tickets` is empty there).
    fn sold(self) -> Result<Option<Change>, Malformed> {
        let order = checked_id(&self.transaction.id, "transaction _id")?;
        let event = checked_id(self.transaction.event_id.as_deref().unwrap_or(""), "transaction eventId")?;
        let mut per_type = BTreeMap::<String, u32>::new();
        for ticket in self.tickets {
            *per_type.entry(checked_id(&ticket.ticket_type_id, "ticket ticketTypeId")?).or_default() += 1;
        }
        let tickets: Vec<_> = per_type.into_iter().map(|(tier, quantity)| TierQuantity { tier, quantity }).collect();
        Ok((!tickets.is_empty()).then_some(Change::Sold { event, order, tickets }))
    }
}

fn checked_id(id: &str, what: &str) -> Result<String, Malformed> {
    let id = id.trim();
    if id.is_empty() || id.len() > MAX_ID_LEN {
        return Err(Malformed::new(format!("the vivenu {what} is empty or too long")));
    }
    Ok(id.to_owned())
}

/// `start` (already checked) written in the venue's zone, the same instant: buyers read the
/// time on the venue's clock, not UTC's. A zone that is no IANA name (the document's example
/// says "string") leaves the time as sent.
fn at_venue(start: &str, zone: Option<&str>) -> String {
    let zone = zone.and_then(|z| z.trim().parse::<chrono_tz::Tz>().ok());
    match (chrono::DateTime::parse_from_rfc3339(start), zone) {
        (Ok(at), Some(zone)) => at.with_timezone(&zone).to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false),
        _ => start.to_owned(),
    }
}

fn rfc3339(s: &str, what: &str) -> Result<(), Malformed> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|_| ())
        .map_err(|_| Malformed::new(format!("the vivenu {what} is not an RFC 3339 time: {s:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const EVENT_CREATED: &str = include_str!("../../tests/fixtures/vivenu/event_created.json");
    const EVENT_UPDATED: &str = include_str!("../../tests/fixtures/vivenu/event_updated.json");
    const EVENT_DELETED: &str = include_str!("../../tests/fixtures/vivenu/event_deleted.json");
    const TRANSACTION_COMPLETE: &str = include_str!("../../tests/fixtures/vivenu/transaction_complete.json");
    const TRANSACTION_CANCELED: &str = include_str!("../../tests/fixtures/vivenu/transaction_canceled.json");
    const KEY: &str = "4f1f83b5-b4c3-4d5e-9f00-webhook-key";
    /// The document's examples are all `dev` deliveries.
    const ALL_FIXTURES: [&str; 5] =
        [EVENT_CREATED, EVENT_UPDATED, EVENT_DELETED, TRANSACTION_COMPLETE, TRANSACTION_CANCELED];

    fn webhooks(ignore_dev: bool) -> VivenuWebhooks {
        VivenuWebhooks::new(SecretString::from(KEY), ignore_dev)
    }

    fn delivery(body: &str) -> Delivery {
        match webhooks(false).parse(&HeaderMap::new(), body.as_bytes()) {
            Ok(Parsed::Apply(d)) => d,
            other => panic!("expected a delivery to apply, got {other:?}"),
        }
    }

    fn malformed(body: &str) -> Malformed {
        webhooks(false).parse(&HeaderMap::new(), body.as_bytes()).expect_err("malformed")
    }

    fn with(fixture: &str, edit: impl FnOnce(&mut Value)) -> String {
        let mut v: Value = serde_json::from_str(fixture).unwrap();
        edit(&mut v);
        v.to_string()
    }

    fn signed(signature: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-vivenu-signature", signature.parse().unwrap());
        headers
    }

    /// What the document's event example (identical under created, updated and deleted) is.
    fn documented_event() -> FeedEvent {
        let at = "2030-01-23T23:00:00.123Z";
        FeedEvent {
            id: "string".into(),
            title: "string".into(),
            start: at.into(),
            venue: Some("string".into()),
            description: Some("string".into()),
            currency: Currency::EUR,
            status: EventStatus::Active,
            url: None,
            tiers: vec![FeedTier {
                id: "string".into(),
                name: "string".into(),
                price_minor: 1050,
                capacity: 10,
                sold: 0,
                min_per_order: Some(10),
                max_per_order: Some(10),
                sale_starts: Some(at.into()),
                sale_ends: Some(at.into()),
                on_sale: true,
                hidden: false,
            }],
        }
    }

    #[test]
    fn event_created_fixture_upserts_the_event_with_its_ticket_types() {
        assert_eq!(
            delivery(EVENT_CREATED),
            Delivery {
                id: "string:event.created".into(),
                kind: "event.created".into(),
                changes: vec![Change::Upsert { event: documented_event() }],
            }
        );
    }

    #[test]
    fn event_updated_fixture_upserts_the_same_event() {
        let d = delivery(EVENT_UPDATED);
        assert_eq!((d.id.as_str(), d.kind.as_str()), ("string:event.updated", "event.updated"));
        assert_eq!(d.changes, vec![Change::Upsert { event: documented_event() }]);
    }

    #[test]
    fn event_deleted_fixture_deletes_the_event() {
        let d = delivery(EVENT_DELETED);
        assert_eq!(d.id, "string:event.deleted");
        assert_eq!(d.changes, vec![Change::Deleted { event: "string".into() }]);
    }

    #[test]
    fn transaction_complete_fixture_sells_its_tickets_per_ticket_type() {
        let d = delivery(TRANSACTION_COMPLETE);
        assert_eq!(d.id, "string:transaction.complete");
        assert_eq!(
            d.changes,
            vec![Change::Sold {
                event: "string".into(),
                order: "string".into(),
                tickets: vec![TierQuantity { tier: "string".into(), quantity: 1 }],
            }]
        );
    }

    #[test]
    fn transaction_canceled_fixture_releases_the_order() {
        let d = delivery(TRANSACTION_CANCELED);
        assert_eq!(d.id, "string:transaction.canceled");
        assert_eq!(d.changes, vec![Change::Released { order: "string".into() }]);
    }

    #[test]
    fn a_replayed_delivery_parses_to_the_same_delivery() {
        for fixture in ALL_FIXTURES {
            assert_eq!(delivery(fixture), delivery(fixture));
        }
    }

    #[test]
    fn tickets_of_a_transaction_are_counted_per_ticket_type() {
        let body = with(TRANSACTION_COMPLETE, |v| {
            v["data"]["transaction"]["_id"] = json!("64f0c0ffee");
            v["data"]["transaction"]["eventId"] = json!("ev-1");
            let ticket = v["data"]["tickets"][0].clone();
            let of = |t: &str| {
                let mut ticket = ticket.clone();
                ticket["ticketTypeId"] = json!(t);
                ticket
            };
            v["data"]["tickets"] = json!([of("vip"), of("ga"), of("vip"), of("vip")]);
        });
        assert_eq!(
            delivery(&body).changes,
            vec![Change::Sold {
                event: "ev-1".into(),
                order: "64f0c0ffee".into(),
                tickets: vec![
                    TierQuantity { tier: "ga".into(), quantity: 1 },
                    TierQuantity { tier: "vip".into(), quantity: 3 },
                ],
            }]
        );
    }

    #[test]
    fn a_transaction_without_tickets_sells_nothing() {
        let body = with(TRANSACTION_COMPLETE, |v| v["data"]["tickets"] = json!([]));
        assert_eq!(delivery(&body).changes, vec![]);
    }

    #[test]
    fn no_personal_data_reaches_the_delivery() {
        let personal = ["Erika", "Mustermann", "erika@example.de", "Heidestrasse 17", "51147", "+49301234567"];
        let body = with(TRANSACTION_COMPLETE, |v| {
            let t = &mut v["data"]["transaction"];
            for (field, value) in
                [("name", 0), ("prename", 0), ("lastname", 1), ("email", 2), ("street", 3), ("postal", 4)]
            {
                t[field] = json!(personal[value]);
            }
            t["deliveryAddress"]["name"] = json!("Erika Mustermann");
            t["extraFields"] = json!({"phone": personal[5]});
            let ticket = &mut v["data"]["tickets"][0];
            for (field, value) in
                [("name", 0), ("firstname", 0), ("lastname", 1), ("email", 2), ("street", 3), ("postal", 4)]
            {
                ticket[field] = json!(personal[value]);
            }
        });
        let canceled = body.replace("transaction.complete", "transaction.canceled");
        for body in [body, canceled] {
            let d = serde_json::to_string(&delivery(&body)).unwrap();
            for value in personal {
                assert!(!d.contains(value), "{value} leaked into {d}");
            }
        }
        // The document's own placeholder address.
        for fixture in ALL_FIXTURES {
            assert!(!serde_json::to_string(&delivery(fixture)).unwrap().contains("[email protected]"));
        }
    }

    #[test]
    fn dev_deliveries_are_ignored_only_when_configured() {
        for fixture in ALL_FIXTURES {
            assert_eq!(
                webhooks(true).parse(&HeaderMap::new(), fixture.as_bytes()),
                Ok(Parsed::Ignore("vivenu dev delivery"))
            );
            assert!(matches!(webhooks(false).parse(&HeaderMap::new(), fixture.as_bytes()), Ok(Parsed::Apply(_))));
        }
        let prod = with(EVENT_CREATED, |v| v["mode"] = json!("prod"));
        assert!(matches!(webhooks(true).parse(&HeaderMap::new(), prod.as_bytes()), Ok(Parsed::Apply(_))));
    }

    #[test]
    fn an_unknown_or_missing_mode_is_malformed() {
        malformed(&with(EVENT_CREATED, |v| v["mode"] = json!("staging")));
        malformed(&with(EVENT_CREATED, |v| v["mode"] = json!(null)));
        malformed(&with(EVENT_CREATED, |v| {
            v.as_object_mut().unwrap().remove("mode");
        }));
        // Even a deployment that ignores dev deliveries refuses a mode it does not know.
        let staging = with(EVENT_CREATED, |v| v["mode"] = json!("staging"));
        assert!(webhooks(true).parse(&HeaderMap::new(), staging.as_bytes()).is_err());
    }

    #[test]
    fn other_delivery_types_are_accepted_without_changes() {
        let d = delivery(r#"{"id":"d1","type":"checkout.completed","mode":"prod","data":{}}"#);
        assert_eq!(
            d,
            Delivery { id: "d1:checkout.completed".into(), kind: "checkout.completed".into(), changes: vec![] }
        );
    }

    #[test]
    fn the_start_is_written_on_the_clock_of_the_events_timezone() {
        let start = |at: &str, zone: &str| {
            let body = with(EVENT_CREATED, |v| {
                v["data"]["event"]["start"] = json!(at);
                v["data"]["event"]["timezone"] = json!(zone);
            });
            let Change::Upsert { event } = &delivery(&body).changes[0] else { panic!("an upsert") };
            event.start.clone()
        };
        assert_eq!(start("2030-01-23T23:00:00.123Z", "Europe/Berlin"), "2030-01-24T00:00:00.123+01:00");
        assert_eq!(start("2030-07-23T18:00:00Z", "Europe/Berlin"), "2030-07-23T20:00:00+02:00");
        // The document's example zone is "string": the time stays as sent.
        assert_eq!(start("2030-01-23T23:00:00.123Z", "string"), "2030-01-23T23:00:00.123Z");
    }

    #[test]
    fn zero_or_absent_per_order_limits_and_sale_times_are_open() {
        let body = with(EVENT_CREATED, |v| {
            let e = &mut v["data"]["event"];
            e.as_object_mut().unwrap().remove("sellStart");
            e["sellEnd"] = json!(null);
            e["tickets"][0]["minAmountPerOrder"] = json!(0);
            e["tickets"][0].as_object_mut().unwrap().remove("maxAmountPerOrder");
            e["tickets"][0]["active"] = json!(false);
        });
        let Change::Upsert { event } = &delivery(&body).changes[0] else { panic!("an upsert") };
        let tier = &event.tiers[0];
        assert_eq!((tier.min_per_order, tier.max_per_order), (None, None));
        assert_eq!((&tier.sale_starts, &tier.sale_ends), (&None, &None));
        assert!(!tier.on_sale);
    }

    #[test]
    fn the_event_url_is_kept_only_when_it_is_a_web_address() {
        let body = with(EVENT_CREATED, |v| v["data"]["event"]["url"] = json!("https://shop.vivenu.com/e/1"));
        let Change::Upsert { event } = &delivery(&body).changes[0] else { panic!("an upsert") };
        assert_eq!(event.url.as_deref(), Some("https://shop.vivenu.com/e/1"));
    }

    #[test]
    fn prices_are_read_in_the_configured_currency() {
        let hooks = webhooks(false).with_currency(Currency::parse("CHF").unwrap());
        let Ok(Parsed::Apply(d)) = hooks.parse(&HeaderMap::new(), EVENT_CREATED.as_bytes()) else { panic!() };
        let Change::Upsert { event } = &d.changes[0] else { panic!("an upsert") };
        assert_eq!((event.currency.code(), event.tiers[0].price_minor), ("CHF".to_owned(), 1050));
    }

    #[test]
    fn malformed_bodies_are_refused() {
        let cases = [
            "not json".to_owned(),
            "[]".to_owned(),
            r#"{"type":"event.created","mode":"prod","data":{}}"#.to_owned(),
            with(EVENT_CREATED, |v| v["id"] = json!(42)),
            with(EVENT_CREATED, |v| v["id"] = json!(" ")),
            with(EVENT_CREATED, |v| v["data"] = json!({})),
            with(EVENT_CREATED, |v| v["data"]["event"]["_id"] = json!("")),
            with(EVENT_CREATED, |v| v["data"]["event"]["start"] = json!("23.01.2030")),
            with(EVENT_CREATED, |v| v["data"]["event"]["sellEnd"] = json!("soon")),
            with(EVENT_CREATED, |v| v["data"]["event"]["tickets"][0]["price"] = json!({"amount": 10})),
            with(EVENT_CREATED, |v| v["data"]["event"]["tickets"][0]["price"] = json!("10.555")),
            with(EVENT_CREATED, |v| v["data"]["event"]["tickets"][0]["amount"] = json!("10")),
            with(EVENT_CREATED, |v| v["data"]["event"]["tickets"][0]["amount"] = json!(-1)),
            with(EVENT_CREATED, |v| v["data"]["event"]["tickets"][0]["maxAmountPerOrder"] = json!("ten")),
            with(EVENT_CREATED, |v| v["data"]["event"]["tickets"] = json!({})),
            with(EVENT_DELETED, |v| v["data"]["event"] = json!(null)),
            with(TRANSACTION_COMPLETE, |v| {
                v["data"]["transaction"].as_object_mut().unwrap().remove("eventId");
            }),
            with(TRANSACTION_COMPLETE, |v| {
                v["data"]["tickets"][0].as_object_mut().unwrap().remove("ticketTypeId");
            }),
            with(TRANSACTION_COMPLETE, |v| {
                v["data"].as_object_mut().unwrap().remove("tickets");
            }),
            with(TRANSACTION_CANCELED, |v| v["data"]["transaction"]["_id"] = json!(7)),
        ];
        for body in cases {
            assert!(webhooks(false).parse(&HeaderMap::new(), body.as_bytes()).is_err(), "accepted {body:.300}");
        }
    }

    #[test]
    fn only_the_hmac_of_the_raw_body_under_the_key_is_accepted() {
        let body = EVENT_CREATED.as_bytes();
        let good = crate::webhook::sign(KEY.as_bytes(), body);
        let hooks = webhooks(false);
        assert_eq!(hooks.authenticate(&signed(&good), None, body), Ok(()));
        // The document compares both sides lower-cased.
        assert_eq!(hooks.authenticate(&signed(&good.to_uppercase()), None, body), Ok(()));
        let other_key = crate::webhook::sign(b"another key", body);
        assert_eq!(hooks.authenticate(&signed(&other_key), None, body), Err(Refusal::BadSignature));
        let reformatted = with(EVENT_CREATED, |_| ());
        assert_eq!(hooks.authenticate(&signed(&good), None, reformatted.as_bytes()), Err(Refusal::BadSignature));
        assert_eq!(hooks.authenticate(&signed("sha256=abc"), None, body), Err(Refusal::BadSignature));
        assert_eq!(hooks.authenticate(&HeaderMap::new(), None, body), Err(Refusal::MissingSignature));
        // A URL token is no substitute for the signature.
        assert_eq!(hooks.authenticate(&HeaderMap::new(), Some(KEY), body), Err(Refusal::MissingSignature));
    }

    #[test]
    fn an_empty_key_accepts_nothing() {
        let hooks = VivenuWebhooks::new(SecretString::from(""), false);
        let body = EVENT_CREATED.as_bytes();
        let under_empty_key = crate::webhook::sign(b"", body);
        assert_eq!(hooks.authenticate(&signed(&under_empty_key), None, body), Err(Refusal::BadSignature));
    }
}
