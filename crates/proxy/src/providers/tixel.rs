//! Tixel (shared/seeds/tixel-webhook.txt): a resale marketplace that posts one notification
//! per ticket resold for an event. tessera records each resale once, for an optional "resale
//! activity" note on the event; resales do not change the seller's own availability.
//!
//! The document defines no signature (deliveries are accepted only on the secret URL
//! `/webhooks/tixel/{token}`) and no delivery id, while it retries a failed delivery twice, 10
//! minutes apart: the id is derived from the sale's own fields. Parsing is all there is to
//! do before answering, so Tixel gets its 2xx at once.

use axum::http::HeaderMap;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::{verify_token, Change, Delivery, Malformed, Parsed, Platform, Refusal, WebhookFormat};

pub struct TixelWebhooks {
    token: SecretString,
}

impl TixelWebhooks {
    pub fn new(token: SecretString) -> Self {
        TixelWebhooks { token }
    }
}

impl WebhookFormat for TixelWebhooks {
    fn platform(&self) -> Platform {
        Platform::Tixel
    }

    fn authenticate(&self, _headers: &HeaderMap, token: Option<&str>, _body: &[u8]) -> Result<(), Refusal> {
        verify_token(self.token.expose_secret(), token)
    }

    fn parse(&self, _headers: &HeaderMap, body: &[u8]) -> Result<Parsed, Malformed> {
        let sale: Sale = serde_json::from_slice(body).map_err(|e| Malformed::new(e.to_string()))?;
        for (time, what) in [(&sale.listed_at, "listed_at"), (&sale.sold_at, "sold_at")] {
            chrono::DateTime::parse_from_rfc3339(time)
                .map_err(|_| Malformed::new(format!("the Tixel {what} is not a UTC time: {time:?}")))?;
        }
        let id = sale.id();
        let change = Change::Resold { event: sale.event.id.to_string(), sale: id.clone() };
        Ok(Parsed::Apply(Delivery { id, kind: "sale".into(), changes: vec![change] }))
    }
}

/// The fields of a sale notification that identify the sale. The seller, the buyer and the
/// names on the ticket (`purchase_name`, `new_name`) are never read.
#[derive(Deserialize)]
struct Sale {
    listed_at: String,
    sold_at: String,
    barcode: Option<String>,
    /// Cents, an integer: a fractional or negative price is malformed.
    price: u64,
    #[serde(rename = "type")]
    kind: Option<String>,
    seat: Option<String>,
    event: SaleEvent,
}

#[derive(Deserialize)]
struct SaleEvent {
    id: u64,
}

impl Sale {
    /// SHA-256 (hex) of the fields that tell one resale from another: the listing (event,
    /// listed_at) and when it sold, the ticket within it (barcode, type, seat: a listing can
    /// hold several tickets sold in one purchase, same times and price), and the price.
    /// A retry resends the same fields, so it gets the same id. Nothing about the seller or
    /// buyer goes in, and the barcode (an entry credential) is only kept hashed.
    fn id(&self) -> String {
        let fields = (self.event.id, &self.listed_at, &self.sold_at, &self.barcode, self.price, &self.kind, &self.seat);
        // A JSON array: an unambiguous encoding (no two field lists give the same bytes).
        let canonical = serde_json::to_vec(&fields).expect("strings and numbers serialize");
        hex::encode(Sha256::digest(canonical))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    const SALE: &str = include_str!("../../tests/fixtures/tixel/sale.json");
    const TOKEN: &str = "tixel-url-token-77c1";

    fn webhooks() -> TixelWebhooks {
        TixelWebhooks::new(SecretString::from(TOKEN))
    }

    fn delivery(body: &str) -> Delivery {
        match webhooks().parse(&HeaderMap::new(), body.as_bytes()) {
            Ok(Parsed::Apply(d)) => d,
            other => panic!("expected a delivery to apply, got {other:?}"),
        }
    }

    fn with(edit: impl FnOnce(&mut Value)) -> String {
        let mut v: Value = serde_json::from_str(SALE).unwrap();
        edit(&mut v);
        v.to_string()
    }

    /// sha256 of `[123456,"2024-02-13T04:13:45.000000Z","2024-02-13T04:14:02.000000Z",
    /// "737023769786383",27930,"General Admission",null]`.
    const SAMPLE_SALE_ID: &str = "2c71f669f11458a22a81835eb5aeea5d931104c17a4d727483a8ae9c35ca9e18";

    #[test]
    fn sample_payload_records_one_resale_of_the_event() {
        let canonical = r#"[123456,"2024-02-13T04:13:45.000000Z","2024-02-13T04:14:02.000000Z","737023769786383",27930,"General Admission",null]"#;
        let expected = hex::encode(Sha256::digest(canonical));
        assert_eq!(
            delivery(SALE),
            Delivery {
                id: expected.clone(),
                kind: "sale".into(),
                changes: vec![Change::Resold { event: "123456".into(), sale: expected }],
            }
        );
        assert_eq!(delivery(SALE).id, SAMPLE_SALE_ID);
    }

    #[test]
    fn a_retry_is_the_same_sale_however_it_is_formatted() {
        let compact = with(|_| ());
        assert_eq!(delivery(&compact), delivery(SALE));
    }

    #[test]
    fn another_ticket_of_the_same_listing_is_another_sale() {
        let other_ticket = with(|v| v["barcode"] = json!("737023769786384"));
        let other_seat = with(|v| v["seat"] = json!("Row F, Seat 12"));
        let later = with(|v| v["sold_at"] = json!("2024-02-13T04:15:02.000000Z"));
        let ids = [delivery(SALE).id, delivery(&other_ticket).id, delivery(&other_seat).id, delivery(&later).id];
        for (i, a) in ids.iter().enumerate() {
            assert!(ids[i + 1..].iter().all(|b| a != b), "{ids:?}");
        }
    }

    #[test]
    fn the_sale_id_does_not_depend_on_personal_data() {
        let other_people = with(|v| {
            v["buyer"] = json!({"first_name": "Alex", "email": "alex@example.com"});
            v["seller"] = json!(null);
            v["new_name"] = json!("Alex Example");
            v["purchase_name"] = json!("Robbie Rowe");
        });
        assert_eq!(delivery(&other_people).id, delivery(SALE).id);
    }

    #[test]
    fn no_personal_data_reaches_the_delivery() {
        let d = serde_json::to_string(&delivery(SALE)).unwrap();
        for value in [
            "Robbie",
            "Rowe",
            "christiansen.rhianna.mQhAm3sJ@yahoo.com",
            "+61474000111",
            "10/06/1989",
            "4000",
            "Sammie",
            "Lehner",
            "nathanial02.ap3XHPOV@yahoo.com",
            "+61474000222",
            "27/10/1977",
            "3000",
            "737023769786383",
        ] {
            assert!(!d.contains(value), "{value} leaked into {d}");
        }
    }

    #[test]
    fn nullable_fields_may_be_null_or_absent() {
        let body = json!({"listed_at": "2024-02-13T04:13:45Z", "sold_at": "2024-02-13T04:14:02Z",
            "barcode": null, "price": 100, "event": {"id": 1}});
        assert!(matches!(delivery(&body.to_string()).changes[..], [Change::Resold { .. }]));
    }

    #[test]
    fn malformed_bodies_are_refused() {
        let cases = [
            "not json".to_owned(),
            "[]".to_owned(),
            with(|v| {
                v.as_object_mut().unwrap().remove("event");
            }),
            with(|v| v["event"]["id"] = json!("123456")),
            with(|v| {
                v["event"].as_object_mut().unwrap().remove("id");
            }),
            with(|v| {
                v.as_object_mut().unwrap().remove("sold_at");
            }),
            with(|v| v["listed_at"] = json!(null)),
            with(|v| v["sold_at"] = json!("13/02/2024")),
            with(|v| v["price"] = json!("27930")),
            with(|v| v["price"] = json!(279.30)),
            with(|v| v["price"] = json!(-1)),
            with(|v| v["barcode"] = json!(737023769786383u64)),
        ];
        for body in cases {
            assert!(webhooks().parse(&HeaderMap::new(), body.as_bytes()).is_err(), "accepted {body}");
        }
    }

    #[test]
    fn only_the_configured_url_token_is_accepted() {
        let hooks = webhooks();
        let body = SALE.as_bytes();
        assert_eq!(hooks.authenticate(&HeaderMap::new(), Some(TOKEN), body), Ok(()));
        for wrong in [Some("tixel-url-token-77c2"), Some(""), None] {
            assert_eq!(hooks.authenticate(&HeaderMap::new(), wrong, body), Err(Refusal::BadToken), "{wrong:?}");
        }
        let blank = TixelWebhooks::new(SecretString::from(""));
        assert_eq!(blank.authenticate(&HeaderMap::new(), Some(""), body), Err(Refusal::BadToken));
    }
}
