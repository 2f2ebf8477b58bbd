//! The provider boundary: what tessera needs of a ticketing platform, whichever it is.
//!
//! A platform is one module here. It may offer any of three parts:
//! - a **webhook format** ([`WebhookFormat`]): how its deliveries prove they are its own (a
//!   signature over the raw body, or a secret URL token where its document defines no
//!   signature) and what each delivery changes, as platform-neutral [`Change`]s;
//! - an **event source** ([`EventSource`]): reading an event from its API, where it has one;
//! - a **hand-off**: a hosted checkout this proxy opens (HangHut), or the platform's own event
//!   page, which the widget names before the buyer leaves (`Event::sold_elsewhere`).
//!
//! Everything a module returns is already free of personal data: buyer and seller names,
//! emails, phones and birth dates are dropped while parsing, so the inbox, the feed and the
//! logs never see them. Adding a platform means one module, its tests, and one line in
//! [`Platform`].

pub mod hanghut;
pub mod ingresse;
pub mod ticketwave;
pub mod tixel;
pub mod vivenu;

use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use tessera_core::{Currency, EventStatus};

use crate::upstream::UpstreamError;

/// The platforms tessera speaks to. The name is the webhook path (`/webhooks/{name}`) and the
/// prefix of the platform's event ids in tessera (`vivenu:{id}`); HangHut's ids carry none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    HangHut,
    TicketWave,
    Vivenu,
    Ingresse,
    Tixel,
}

impl Platform {
    pub const ALL: [Platform; 5] =
        [Platform::HangHut, Platform::TicketWave, Platform::Vivenu, Platform::Ingresse, Platform::Tixel];

    pub fn name(self) -> &'static str {
        match self {
            Platform::HangHut => "hanghut",
            Platform::TicketWave => "ticketwave",
            Platform::Vivenu => "vivenu",
            Platform::Ingresse => "ingresse",
            Platform::Tixel => "tixel",
        }
    }

    /// As buyers know it, for "Tickets for this event are sold on …".
    pub fn display_name(self) -> &'static str {
        match self {
            Platform::HangHut => "HangHut",
            Platform::TicketWave => "TicketWave",
            Platform::Vivenu => "vivenu",
            Platform::Ingresse => "Ingresse",
            Platform::Tixel => "Tixel",
        }
    }

    pub fn from_name(name: &str) -> Option<Platform> {
        Platform::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// A verified delivery, reduced to what tessera does with it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    /// Unique per delivery: the platform's own id, or one derived from the fields that make it
    /// unique where the platform sends none, so a retry is applied once.
    pub id: String,
    /// The platform's name for what happened, e.g. `order.created` (for logs and the inbox).
    pub kind: String,
    pub changes: Vec<Change>,
}

/// What one delivery changes. Event and tier ids are the platform's own (no prefix).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// The platform's description of an event: builds it or replaces its details and tiers.
    /// Sales tessera counted from webhooks are kept.
    Upsert { event: FeedEvent },
    /// Some tiers of an event, described on their own (Ingresse's `ticket` webhook): they are
    /// added or replaced; the event's other tiers stay. Creates the event when it is new.
    UpsertTiers {
        event: String,
        title: Option<String>,
        start: Option<String>,
        currency: Currency,
        tiers: Vec<FeedTier>,
    },
    /// One order's tickets were sold; `order` names the sale so a refund can release it and a
    /// second delivery of it counts once.
    Sold { event: String, order: String, tickets: Vec<TierQuantity> },
    /// The tickets of an order counted by `Sold` are back on sale (refund, cancellation).
    Released { order: String },
    /// The event's state changed (published, cancelled) without its details being sent.
    Status { event: String, status: EventStatus },
    /// The event is gone: it is no longer shown.
    Deleted { event: String },
    /// A ticket of the event was resold on a resale marketplace.
    Resold { event: String, sale: String },
    /// Our copy of a platform-read event is out of date: read it again (HangHut).
    Refresh { event: String },
    /// A paid order used a promo code (HangHut): counted once per order.
    PromoUsed { event: String, order: String, code: String },
}

impl Change {
    /// The platform event this change touches, where it names one.
    pub fn event(&self) -> Option<&str> {
        match self {
            Change::Upsert { event } => Some(&event.id),
            Change::UpsertTiers { event, .. } => Some(event),
            Change::Sold { event, .. }
            | Change::Status { event, .. }
            | Change::Deleted { event }
            | Change::Resold { event, .. }
            | Change::Refresh { event }
            | Change::PromoUsed { event, .. } => Some(event),
            Change::Released { .. } => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierQuantity {
    pub tier: String,
    pub quantity: u32,
}

/// An event as a platform describes it, before tessera applies the sales it counted and the
/// time of day (sale periods) to make the `tessera_core::Event` buyers see.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeedEvent {
    pub id: String,
    pub title: String,
    /// RFC 3339 with the event's own offset.
    pub start: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub currency: Currency,
    pub status: EventStatus,
    /// The event's public page on the platform, where buyers pay when tessera cannot open a
    /// checkout there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub tiers: Vec<FeedTier>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeedTier {
    pub id: String,
    pub name: String,
    /// What the buyer pays for one ticket, fees included, in minor units of the event's currency.
    pub price_minor: i64,
    /// Tickets the tier has in all.
    pub capacity: u32,
    /// Sold, as the platform itself counted when it described the tier (0 where it does not
    /// say; tessera adds the sales its webhooks report).
    #[serde(default)]
    pub sold: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_per_order: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_per_order: Option<u32>,
    /// Sale period, RFC 3339; open-ended where absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sale_starts: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sale_ends: Option<String>,
    /// The organiser has it on sale (vivenu `active`, Ingresse `salable` and `available`).
    pub on_sale: bool,
    /// Not shown to buyers at all (Ingresse `hidden` or `archived`).
    #[serde(default)]
    pub hidden: bool,
}

impl FeedTier {
    /// A tier on sale and shown, with nothing sold, no per-order rules and no sale period:
    /// what a platform that says no more than name, price and capacity describes.
    pub fn new(id: impl Into<String>, name: impl Into<String>, price_minor: i64, capacity: u32) -> Self {
        FeedTier {
            id: id.into(),
            name: name.into(),
            price_minor,
            capacity,
            sold: 0,
            min_per_order: None,
            max_per_order: None,
            sale_starts: None,
            sale_ends: None,
            on_sale: true,
            hidden: false,
        }
    }
}

/// Why a delivery was refused before it was read: the platform (or whoever sent it) gets 401.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the signature header is missing")]
    MissingSignature,
    #[error("the signature does not match the body")]
    BadSignature,
    #[error("the URL token is missing or wrong")]
    BadToken,
}

/// Why an authentic delivery could not be read: the sender gets 400 and nothing changes.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Malformed(pub String);

impl Malformed {
    pub fn new(what: impl Into<String>) -> Self {
        Malformed(what.into())
    }
}

/// A delivery that was authentic and well formed, and what to do with it.
#[derive(Debug, PartialEq)]
pub enum Parsed {
    Apply(Delivery),
    /// Accepted with 2xx and recorded nowhere: e.g. vivenu `dev` deliveries when configured
    /// to ignore them. The reason goes to the log.
    Ignore(&'static str),
}

/// A platform's webhooks.
pub trait WebhookFormat: Send + Sync {
    fn platform(&self) -> Platform;

    /// Whether the delivery is the platform's. `token` is the last path segment of
    /// `/webhooks/{platform}/{token}`, for platforms whose document defines no signature.
    /// Must compare in constant time.
    fn authenticate(&self, headers: &HeaderMap, token: Option<&str>, body: &[u8]) -> Result<(), Refusal>;

    /// What the (authenticated) delivery changes.
    fn parse(&self, headers: &HeaderMap, body: &[u8]) -> Result<Parsed, Malformed>;
}

/// A platform whose API tessera reads events from.
#[async_trait::async_trait]
pub trait EventSource: Send + Sync {
    fn platform(&self) -> Platform;
    /// The event as the platform describes it now.
    async fn event(&self, id: &str) -> Result<FeedEvent, UpstreamError>;
    /// Every event the platform shows this account, in any state (the list decides which
    /// buyers see): for the one list of every platform's events.
    async fn events(&self) -> Result<Vec<FeedEvent>, UpstreamError>;
}

/// Checks `header` (hex HMAC-SHA256 of the raw body under `secret`), the scheme TicketWave,
/// vivenu and HangHut share. An empty secret accepts nothing: anyone can compute an HMAC under it.
pub fn verify_hex_hmac(secret: &[u8], body: &[u8], header: Option<&str>) -> Result<(), Refusal> {
    use crate::webhook::SignatureError;
    if secret.is_empty() {
        return Err(Refusal::BadSignature);
    }
    crate::webhook::verify(secret, body, header).map_err(|e| match e {
        SignatureError::Missing => Refusal::MissingSignature,
        SignatureError::Malformed | SignatureError::Mismatch => Refusal::BadSignature,
    })
}

/// Compares a URL token with the configured one in constant time (for Ingresse and Tixel).
/// An empty configured token accepts nothing.
pub fn verify_token(expected: &str, given: Option<&str>) -> Result<(), Refusal> {
    use hmac::Mac;
    let given = given.filter(|_| !expected.is_empty()).ok_or(Refusal::BadToken)?;
    // HMAC both under a fixed key and compare the tags: constant time whatever the lengths.
    let tag = |s: &str| {
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"tessera url token").expect("any key length");
        mac.update(s.as_bytes());
        mac.finalize().into_bytes()
    };
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"tessera url token").expect("any key length");
    mac.update(given.as_bytes());
    mac.verify_slice(&tag(expected)).map_err(|_| Refusal::BadToken)
}

/// A count from a platform's JSON number: whole and not negative. Fractional counts (the
/// vivenu document's placeholder `10.5`) are rounded down: 10.5 seats are 10 sellable ones.
pub fn whole_count(n: &serde_json::Value) -> Option<u32> {
    let f = n.as_f64()?;
    (f.is_finite() && f >= 0.0).then(|| f.floor().min(f64::from(u32::MAX)) as u32)
}

/// Minor units from a platform's decimal price (`"25.00"`, `10.5`, `1.1`), exactly: the
/// number's decimal text is parsed, never a float multiplied.
pub fn minor_units(price: &serde_json::Value, currency: Currency) -> Result<i64, Malformed> {
    let text = match price {
        serde_json::Value::String(s) => s.trim().to_owned(),
        serde_json::Value::Number(n) => n.to_string(),
        other => return Err(Malformed::new(format!("a price is not a number: {other}"))),
    };
    tessera_core::Money::from_major_str(&text, currency)
        .map(|m| m.amount)
        .map_err(|e| Malformed::new(format!("price {text}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_names_round_trip_and_match_serde() {
        for p in Platform::ALL {
            assert_eq!(Platform::from_name(p.name()), Some(p));
            assert_eq!(serde_json::to_string(&p).unwrap(), format!("\"{}\"", p.name()));
        }
        assert_eq!(Platform::from_name("eventbrite"), None);
    }

    #[test]
    fn prices_convert_exactly_to_minor_units() {
        let eur = Currency::parse("EUR").unwrap();
        let v = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap();
        assert_eq!(minor_units(&v(r#""25.00""#), eur), Ok(2500));
        assert_eq!(minor_units(&v("10.5"), eur), Ok(1050));
        assert_eq!(minor_units(&v("1.1"), eur), Ok(110));
        assert_eq!(minor_units(&v("0.29"), eur), Ok(29), "0.29 * 100 is 28.999… as a float");
        assert!(minor_units(&v(r#""1.005""#), eur).is_err(), "no rounding of a third decimal");
        assert!(minor_units(&v("null"), eur).is_err());
    }

    #[test]
    fn counts_are_whole_and_not_negative() {
        let v = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap();
        assert_eq!(whole_count(&v("400")), Some(400));
        assert_eq!(whole_count(&v("10.5")), Some(10));
        assert_eq!(whole_count(&v("-1")), None);
        assert_eq!(whole_count(&v(r#""3""#)), None);
    }

    #[test]
    fn url_tokens_must_match_exactly() {
        assert_eq!(verify_token("s3cret-token", Some("s3cret-token")), Ok(()));
        assert_eq!(verify_token("s3cret-token", Some("s3cret-toke")), Err(Refusal::BadToken));
        assert_eq!(verify_token("s3cret-token", Some("")), Err(Refusal::BadToken));
        assert_eq!(verify_token("s3cret-token", None), Err(Refusal::BadToken));
        assert_eq!(verify_token("", Some("")), Err(Refusal::BadToken), "an empty token is no token");
        assert_eq!(
            verify_hex_hmac(b"", b"body", Some(&crate::webhook::sign(b"", b"body"))),
            Err(Refusal::BadSignature)
        );
    }
}
