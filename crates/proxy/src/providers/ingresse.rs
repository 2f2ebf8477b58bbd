//! Ingresse (shared/seeds/ingresse-ticket-webhook.txt): the `ticket` webhook, sent when a
//! ticket type (a tier) or a group of them is created or updated in Backstage. A delivery
//! describes only those tiers, so it upserts them into their event (`Change::UpsertTiers`).
//!
//! The document defines no signature: deliveries are accepted only on the secret URL
//! `/webhooks/ingresse/{token}`. Prices are bare numbers in the seller's currency, which
//! comes from configuration.

use axum::http::HeaderMap;
use chrono::{DateTime, FixedOffset};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::Value;
use tessera_core::Currency;

use super::{
    minor_units, verify_token, whole_count, Change, Delivery, FeedTier, Malformed, Parsed, Platform, Refusal,
    WebhookFormat,
};

pub struct IngresseWebhooks {
    token: SecretString,
    currency: Currency,
}

impl IngresseWebhooks {
    /// `currency`: what the seller sells in (BRL for Ingresse's Brazilian sellers).
    pub fn new(token: SecretString, currency: Currency) -> Self {
        IngresseWebhooks { token, currency }
    }
}

impl WebhookFormat for IngresseWebhooks {
    fn platform(&self) -> Platform {
        Platform::Ingresse
    }

    fn authenticate(&self, _headers: &HeaderMap, token: Option<&str>, _body: &[u8]) -> Result<(), Refusal> {
        verify_token(self.token.expose_secret(), token)
    }

    fn parse(&self, _headers: &HeaderMap, body: &[u8]) -> Result<Parsed, Malformed> {
        let envelope: Envelope = serde_json::from_slice(body).map_err(|e| Malformed::new(e.to_string()))?;
        if envelope.webhook != "ticket" {
            return Err(Malformed::new(format!(
                "Ingresse webhook {:?} is not one tessera reads (only \"ticket\")",
                envelope.webhook
            )));
        }
        if envelope.timestamp.trim().is_empty() {
            return Err(Malformed::new("the Ingresse delivery has no timestamp"));
        }
        let ticket = envelope.data;
        let start = match ticket.event_dates.first() {
            Some(date) => Some(rfc3339(&date.datetime, "event date")?.0),
            None => None,
        };
        let tiers = tiers(&ticket, &Restrictions::NONE, self.currency)?;
        // The document gives no delivery id. A retry resends the same body, timestamp
        // included, while a later change to the same ticket carries a new timestamp.
        let id = format!("ticket:{}:{}", ticket.id, envelope.timestamp.trim());
        let change = Change::UpsertTiers {
            event: ticket.event_id.to_string(),
            title: None,
            start,
            currency: self.currency,
            tiers,
        };
        Ok(Parsed::Apply(Delivery { id, kind: "ticket".into(), changes: vec![change] }))
    }
}

/// "Webhook body message": `{webhook, data, timestamp}`.
#[derive(Deserialize)]
struct Envelope {
    webhook: String,
    data: Ticket,
    timestamp: String,
}

/// A ticket type or a group of them, with the same fields either way.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Ticket {
    id: u64,
    name: String,
    event_id: u64,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    event_dates: Vec<EventDate>,
    /// An object, or `[]` where a child has none (the group example's children).
    #[serde(default)]
    attributes: Value,
    quantity: Option<Value>,
    #[serde(default)]
    children: Vec<Ticket>,
    #[serde(default)]
    sale_periods: Vec<SalePeriod>,
    value: Option<Price>,
    // Sent on every ticket and group in the document; required so a partial body cannot
    // put a hidden or unsellable tier on sale.
    hidden: bool,
    archived: bool,
    salable: bool,
    available: bool,
}

#[derive(Deserialize)]
struct EventDate {
    datetime: String,
}

#[derive(Deserialize)]
struct SalePeriod {
    start: Option<String>,
    finish: Option<String>,
    available: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Price {
    price: Value,
    /// `price` plus the buyer's fee (`feeSale`): what the buyer pays. A group's own value
    /// has none.
    final_price: Option<Value>,
}

/// What enclosing groups impose on the tiers inside them.
struct Restrictions {
    hidden: bool,
    on_sale: bool,
    capacity: Option<u32>,
}

impl Restrictions {
    const NONE: Restrictions = Restrictions { hidden: false, on_sale: true, capacity: None };
}

/// The tiers a ticket stands for: itself, or for a group, the tickets inside it. A group is
/// not a tier; its flags apply to its children, and its quantity caps each child's (a cap
/// shared by all children is beyond what a tier can say, so a child never shows more seats
/// than its group has in all).
fn tiers(ticket: &Ticket, outer: &Restrictions, currency: Currency) -> Result<Vec<FeedTier>, Malformed> {
    match ticket.kind.as_str() {
        "Ticket" => Ok(vec![tier(ticket, outer, currency)?]),
        "Group" => {
            let group_capacity =
                ticket.quantity.as_ref().filter(|q| !q.is_null()).map(|q| count(q, ticket.id, "quantity"));
            let inner = Restrictions {
                hidden: outer.hidden || ticket.hidden || ticket.archived,
                on_sale: outer.on_sale && ticket.salable && ticket.available,
                capacity: min_some(outer.capacity, group_capacity.transpose()?),
            };
            let mut inside = Vec::new();
            for child in &ticket.children {
                inside.extend(tiers(child, &inner, currency)?);
            }
            Ok(inside)
        }
        other => Err(Malformed::new(format!("Ingresse ticket {} has unknown type {other:?}", ticket.id))),
    }
}

fn tier(ticket: &Ticket, outer: &Restrictions, currency: Currency) -> Result<FeedTier, Malformed> {
    let id = ticket.id;
    let value = ticket.value.as_ref().ok_or_else(|| Malformed::new(format!("Ingresse ticket {id} has no value")))?;
    let price = value.final_price.as_ref().filter(|p| !p.is_null()).unwrap_or(&value.price);
    let quantity =
        ticket.quantity.as_ref().ok_or_else(|| Malformed::new(format!("Ingresse ticket {id} has no quantity")))?;
    let quantity = count(quantity, id, "quantity")?;
    let (sale_starts, sale_ends, in_a_period) = sale_period(&ticket.sale_periods, id)?;
    Ok(FeedTier {
        id: id.to_string(),
        name: ticket.name.clone(),
        price_minor: minor_units(price, currency)?,
        capacity: outer.capacity.map_or(quantity, |cap| quantity.min(cap)),
        sold: 0,
        min_per_order: limit(&ticket.attributes, "minimum", id)?,
        max_per_order: limit(&ticket.attributes, "maximum", id)?,
        sale_starts,
        sale_ends,
        on_sale: outer.on_sale && ticket.salable && ticket.available && in_a_period,
        hidden: outer.hidden || ticket.hidden || ticket.archived,
    })
}

/// The span of the periods marked available: the earliest start to the latest finish (a
/// tier has one period, so gaps between periods are not shown). No periods at all means
/// always on sale; periods of which none is available mean not on sale.
fn sale_period(periods: &[SalePeriod], id: u64) -> Result<(Option<String>, Option<String>, bool), Malformed> {
    if periods.is_empty() {
        return Ok((None, None, true));
    }
    let open: Vec<_> = periods.iter().filter(|p| p.available).collect();
    if open.is_empty() {
        return Ok((None, None, false));
    }
    let mut starts = Vec::new();
    let mut finishes = Vec::new();
    for p in open {
        // A period without a start (finish) is open on that side, and so is the span.
        starts.push(p.start.as_deref().map(|s| rfc3339(s, &format!("ticket {id} sale start"))).transpose()?);
        finishes.push(p.finish.as_deref().map(|s| rfc3339(s, &format!("ticket {id} sale finish"))).transpose()?);
    }
    let earliest = starts.into_iter().collect::<Option<Vec<_>>>().and_then(|s| s.into_iter().min_by_key(|t| t.1));
    let latest = finishes.into_iter().collect::<Option<Vec<_>>>().and_then(|f| f.into_iter().max_by_key(|t| t.1));
    Ok((earliest.map(|t| t.0), latest.map(|t| t.0), true))
}

/// `attributes.minimum` / `maximum`; 0 means no limit.
fn limit(attributes: &Value, field: &str, id: u64) -> Result<Option<u32>, Malformed> {
    let n = match attributes {
        Value::Object(map) => map.get(field),
        // PHP's empty associative array: no attributes.
        Value::Array(a) if a.is_empty() => None,
        Value::Null => None,
        _ => return Err(Malformed::new(format!("Ingresse ticket {id}: attributes is not an object"))),
    };
    match n {
        None | Some(Value::Null) => Ok(None),
        Some(n) => Ok(Some(count(n, id, field)?).filter(|n| *n > 0)),
    }
}

fn count(n: &Value, id: u64, field: &str) -> Result<u32, Malformed> {
    whole_count(n).ok_or_else(|| Malformed::new(format!("Ingresse ticket {id}: {field} is not a count")))
}

fn min_some(a: Option<u32>, b: Option<u32>) -> Option<u32> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The time as sent, and the instant it names (to compare times in different offsets).
fn rfc3339(s: &str, what: &str) -> Result<(String, DateTime<FixedOffset>), Malformed> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| (s.to_owned(), t))
        .map_err(|_| Malformed::new(format!("the Ingresse {what} is not an RFC 3339 time: {s:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TICKET: &str = include_str!("../../tests/fixtures/ingresse/ticket.json");
    const GROUP: &str = include_str!("../../tests/fixtures/ingresse/group.json");
    const TOKEN: &str = "ingresse-url-token-3f9a";
    const TIMESTAMP: &str = "2018-04-02T13:57:04.770619";

    fn webhooks() -> IngresseWebhooks {
        IngresseWebhooks::new(SecretString::from(TOKEN), Currency::BRL)
    }

    fn delivery(body: &str) -> Delivery {
        match webhooks().parse(&HeaderMap::new(), body.as_bytes()) {
            Ok(Parsed::Apply(d)) => d,
            other => panic!("expected a delivery to apply, got {other:?}"),
        }
    }

    fn tiers_of(body: &str) -> Vec<FeedTier> {
        match delivery(body).changes.as_slice() {
            [Change::UpsertTiers { tiers, .. }] => tiers.clone(),
            other => panic!("expected one UpsertTiers, got {other:?}"),
        }
    }

    fn with(fixture: &str, edit: impl FnOnce(&mut Value)) -> String {
        let mut v: Value = serde_json::from_str(fixture).unwrap();
        edit(&mut v);
        v.to_string()
    }

    fn tier(id: &str, name: &str, price_minor: i64, starts: &str, ends: &str) -> FeedTier {
        FeedTier {
            sale_starts: Some(starts.into()),
            sale_ends: Some(ends.into()),
            ..FeedTier::new(id, name, price_minor, 100)
        }
    }

    fn upsert(tiers: Vec<FeedTier>) -> Change {
        Change::UpsertTiers {
            event: "24724".into(),
            title: None,
            start: Some("2019-10-10T10:00:00-03:00".into()),
            currency: Currency::BRL,
            tiers,
        }
    }

    #[test]
    fn ticket_fixture_upserts_one_tier_at_the_price_the_buyer_pays() {
        assert_eq!(
            delivery(TICKET),
            Delivery {
                id: format!("ticket:408218:{TIMESTAMP}"),
                kind: "ticket".into(),
                changes: vec![upsert(vec![tier(
                    "408218",
                    "Ingresso - Pista",
                    1100,
                    "2020-10-10T10:10:00-03:00",
                    "2020-10-20T10:20:00-03:00",
                )])],
            }
        );
    }

    #[test]
    fn group_fixture_upserts_its_children_and_not_the_group() {
        assert_eq!(
            delivery(GROUP),
            Delivery {
                id: format!("ticket:346868:{TIMESTAMP}"),
                kind: "ticket".into(),
                changes: vec![upsert(vec![
                    tier("408218", "Test webhook", 1100, "2020-10-10T10:10:00-03:00", "2020-10-20T10:20:00-03:00"),
                    tier("346869", "Camarote", 110, "2018-05-04T00:00:00-03:00", "2019-10-10T00:00:00-03:00"),
                ])],
            }
        );
    }

    #[test]
    fn a_replayed_delivery_has_the_same_id_and_a_later_change_another() {
        assert_eq!(delivery(TICKET), delivery(TICKET));
        let later = with(TICKET, |v| v["timestamp"] = json!("2018-04-02T14:00:00.000001"));
        assert_ne!(delivery(&later).id, delivery(TICKET).id);
    }

    #[test]
    fn without_a_final_price_the_price_is_what_the_buyer_pays() {
        let body = with(TICKET, |v| {
            v["data"]["value"].as_object_mut().unwrap().remove("finalPrice");
        });
        assert_eq!(tiers_of(&body)[0].price_minor, 1000);
    }

    #[test]
    fn hidden_or_archived_tiers_are_hidden_and_unsalable_or_unavailable_ones_not_on_sale() {
        for (field, value, hidden, on_sale) in [
            ("hidden", true, true, true),
            ("archived", true, true, true),
            ("salable", false, false, false),
            ("available", false, false, false),
        ] {
            let body = with(TICKET, |v| v["data"][field] = json!(value));
            let t = &tiers_of(&body)[0];
            assert_eq!((t.hidden, t.on_sale), (hidden, on_sale), "{field}: {value}");
        }
    }

    #[test]
    fn a_groups_flags_and_quantity_apply_to_its_children() {
        let hidden = with(GROUP, |v| v["data"]["archived"] = json!(true));
        assert!(tiers_of(&hidden).iter().all(|t| t.hidden));
        let closed = with(GROUP, |v| v["data"]["salable"] = json!(false));
        assert!(tiers_of(&closed).iter().all(|t| !t.on_sale));
        let small = with(GROUP, |v| v["data"]["quantity"] = json!(40));
        assert!(tiers_of(&small).iter().all(|t| t.capacity == 40));
        let unlimited = with(GROUP, |v| v["data"]["quantity"] = json!(null));
        assert!(tiers_of(&unlimited).iter().all(|t| t.capacity == 100));
    }

    #[test]
    fn groups_inside_groups_are_flattened() {
        let body = with(GROUP, |v| {
            let mut inner = v["data"].clone();
            inner["id"] = json!(500);
            inner["children"] = json!([v["data"]["children"][1].clone()]);
            v["data"]["children"] = json!([v["data"]["children"][0].clone(), inner]);
        });
        let ids: Vec<_> = tiers_of(&body).into_iter().map(|t| t.id).collect();
        assert_eq!(ids, ["408218", "346869"]);
    }

    #[test]
    fn the_sale_period_spans_the_available_periods() {
        let body = with(TICKET, |v| {
            v["data"]["salePeriods"] = json!([
                {"id": 1, "start": "2020-10-01T10:00:00-03:00", "finish": "2020-10-05T10:00:00-03:00", "available": false},
                {"id": 2, "start": "2020-10-10T12:00:00Z", "finish": "2020-10-12T10:00:00-03:00", "available": true},
                {"id": 3, "start": "2020-10-10T10:00:00-03:00", "finish": "2020-10-20T10:00:00Z", "available": true},
            ]);
        });
        let t = &tiers_of(&body)[0];
        // Compared as instants: 12:00Z is 09:00-03:00, so it starts before 10:00-03:00.
        assert_eq!(t.sale_starts.as_deref(), Some("2020-10-10T12:00:00Z"));
        assert_eq!(t.sale_ends.as_deref(), Some("2020-10-20T10:00:00Z"));
        assert!(t.on_sale);
    }

    #[test]
    fn no_periods_is_always_on_sale_and_no_available_period_is_not() {
        let none = with(TICKET, |v| v["data"]["salePeriods"] = json!([]));
        let t = &tiers_of(&none)[0];
        assert_eq!((t.sale_starts.as_deref(), t.sale_ends.as_deref(), t.on_sale), (None, None, true));
        let closed = with(TICKET, |v| v["data"]["salePeriods"][0]["available"] = json!(false));
        assert!(!tiers_of(&closed)[0].on_sale);
        let open_ended = with(TICKET, |v| v["data"]["salePeriods"][0]["finish"] = json!(null));
        assert_eq!(tiers_of(&open_ended)[0].sale_ends, None);
    }

    #[test]
    fn per_order_limits_come_from_attributes_object_or_empty_array() {
        let limited = with(TICKET, |v| {
            v["data"]["attributes"]["minimum"] = json!(2);
            v["data"]["attributes"]["maximum"] = json!(6);
        });
        let t = &tiers_of(&limited)[0];
        assert_eq!((t.min_per_order, t.max_per_order), (Some(2), Some(6)));
        let empty = with(TICKET, |v| v["data"]["attributes"] = json!([]));
        let t = &tiers_of(&empty)[0];
        assert_eq!((t.min_per_order, t.max_per_order), (None, None));
    }

    #[test]
    fn without_event_dates_the_start_is_not_changed() {
        let body = with(TICKET, |v| v["data"]["eventDates"] = json!([]));
        assert!(matches!(&delivery(&body).changes[0], Change::UpsertTiers { start: None, .. }));
    }

    #[test]
    fn no_personal_data_reaches_the_delivery() {
        // The document's payloads carry none; a buyer's details added beside the ticket stay out.
        let body = with(TICKET, |v| {
            v["data"]["buyer"] =
                json!({"name": "Maria Silva", "email": "maria@example.com.br", "phone": "+5511987654321"});
        });
        let d = serde_json::to_string(&delivery(&body)).unwrap();
        for value in ["Maria", "maria@example.com.br", "+5511987654321"] {
            assert!(!d.contains(value), "{value} leaked into {d}");
        }
    }

    #[test]
    fn malformed_bodies_are_refused() {
        let cases = [
            "not json".to_owned(),
            "{}".to_owned(),
            with(TICKET, |v| v["webhook"] = json!("event")),
            with(TICKET, |v| v["timestamp"] = json!("")),
            with(TICKET, |v| {
                v.as_object_mut().unwrap().remove("timestamp");
            }),
            with(TICKET, |v| v["data"] = json!(null)),
            with(TICKET, |v| v["data"]["id"] = json!("408218")),
            with(TICKET, |v| v["data"]["eventId"] = json!(null)),
            with(TICKET, |v| v["data"]["type"] = json!("Voucher")),
            with(TICKET, |v| v["data"]["value"]["finalPrice"] = json!("eleven")),
            with(TICKET, |v| v["data"]["value"]["finalPrice"] = json!(11.005)),
            with(TICKET, |v| {
                v["data"].as_object_mut().unwrap().remove("value");
            }),
            with(TICKET, |v| {
                v["data"].as_object_mut().unwrap().remove("quantity");
            }),
            with(TICKET, |v| v["data"]["quantity"] = json!(-5)),
            with(TICKET, |v| {
                v["data"].as_object_mut().unwrap().remove("salable");
            }),
            with(TICKET, |v| v["data"]["hidden"] = json!("no")),
            with(TICKET, |v| v["data"]["attributes"] = json!("none")),
            with(TICKET, |v| v["data"]["attributes"]["maximum"] = json!("4")),
            with(TICKET, |v| v["data"]["salePeriods"][0]["start"] = json!("10/10/2020")),
            with(TICKET, |v| v["data"]["eventDates"][0]["datetime"] = json!("2019-10-10 10:00")),
            with(GROUP, |v| v["data"]["children"][1]["value"] = json!(null)),
        ];
        for body in cases {
            assert!(webhooks().parse(&HeaderMap::new(), body.as_bytes()).is_err(), "accepted {body:.300}");
        }
    }

    #[test]
    fn only_the_configured_url_token_is_accepted() {
        let hooks = webhooks();
        let body = TICKET.as_bytes();
        assert_eq!(hooks.authenticate(&HeaderMap::new(), Some(TOKEN), body), Ok(()));
        for wrong in [Some("ingresse-url-token-3f9b"), Some(""), Some(&TOKEN[..10]), None] {
            assert_eq!(hooks.authenticate(&HeaderMap::new(), wrong, body), Err(Refusal::BadToken), "{wrong:?}");
        }
        let blank = IngresseWebhooks::new(SecretString::from(""), Currency::BRL);
        assert_eq!(blank.authenticate(&HeaderMap::new(), Some(""), body), Err(Refusal::BadToken));
    }
}
