//! What a buyer may see of an event: the proxy reduces each platform's data to these types
//! (no sold counts of other buyers, no organiser fields), and the widget renders them.

use crate::availability::Availability;
use crate::money::{Currency, Money};
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($name:ident, $what:literal) => {
        /// An opaque platform id. Only URL-safe characters are accepted so an id can be put in
        /// an upstream path without escaping surprises.
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, String> {
                let raw = raw.trim();
                let ok = !raw.is_empty()
                    && raw.len() <= 100
                    && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b));
                if ok {
                    Ok($name(raw.to_owned()))
                } else {
                    Err([$what, " must be 1 to 100 letters, digits, '-', '_', '.' or ':'"].concat())
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(s: String) -> Result<Self, String> {
                $name::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(EventId, "event id");
id_type!(TierId, "tier id");

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EventStatus {
    /// On sale (HangHut `active`).
    Active,
    Draft,
    Cancelled,
    /// A status this version does not know; shown as not on sale.
    #[serde(other)]
    Other,
}

impl EventStatus {
    pub fn parse(s: &str) -> Self {
        match s {
            "active" => EventStatus::Active,
            "draft" => EventStatus::Draft,
            "cancelled" | "canceled" => EventStatus::Cancelled,
            _ => EventStatus::Other,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tier {
    pub id: TierId,
    pub name: String,
    /// Price of one ticket: what the buyer pays for it, fees included.
    pub price: Money,
    /// Seats a new order can still get.
    pub available: u32,
    /// The platform's fewest tickets of this tier per order (1 when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_per_order: Option<u32>,
    /// The platform's most tickets of this tier per order (capped at `MAX_PER_ORDER`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_per_order: Option<u32>,
    /// Not on sale yet: when its sale opens (RFC 3339, the platform's own offset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sale_opens_at: Option<String>,
    /// Its sale is over, or the organiser switched it off.
    #[serde(default, skip_serializing_if = "is_false")]
    pub sale_closed: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Tier {
    /// A tier on sale with no per-order rules of its own.
    pub fn new(id: TierId, name: impl Into<String>, price: Money, available: u32) -> Self {
        Tier {
            id,
            name: name.into(),
            price,
            available,
            min_per_order: None,
            max_per_order: None,
            sale_opens_at: None,
            sale_closed: false,
        }
    }

    pub fn availability(&self) -> Availability {
        Availability::of(self.available)
    }

    /// Whether the tier's own sale period (not the event's) lets an order in now.
    pub fn on_sale(&self) -> bool {
        self.sale_opens_at.is_none() && !self.sale_closed
    }
}

/// Where buyers of an event pay when it is not through this proxy's hosted checkout: a
/// platform whose API has no checkout session (TicketWave) or none at all (vivenu, Ingresse
/// webhooks only). The widget says so before the buyer leaves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SoldElsewhere {
    /// The platform's name as buyers know it, e.g. "TicketWave".
    pub platform: String,
    /// The event's public page there; absent when the platform gave none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl SoldElsewhere {
    /// The page to send buyers to: only an absolute http(s) URL with a host, so a link built
    /// from platform data can never run script (`javascript:`) or lead anywhere but a web page.
    pub fn link(&self) -> Option<&str> {
        let url = self.url.as_deref()?;
        let after = |scheme: &str| {
            url.get(..scheme.len()).filter(|s| s.eq_ignore_ascii_case(scheme)).map(|_| &url[scheme.len()..])
        };
        let host = after("https://").or_else(|| after("http://"))?;
        // No spaces or control characters, which browsers strip or read in surprising ways.
        let clean = !url.bytes().any(|b| b <= b' ' || b == 0x7f);
        (clean && !host.is_empty() && !host.starts_with('/')).then_some(url)
    }
}

/// Tickets of this event resold on a resale marketplace (Tixel), as its webhooks reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Resale {
    pub platform: String,
    /// Resale tickets sold so far.
    pub sold: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    pub id: EventId,
    pub title: String,
    pub status: EventStatus,
    /// RFC 3339 with the event's own offset, as the platform sent it.
    pub start_datetime: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub currency: Currency,
    pub tiers: Vec<Tier>,
    /// Set when buyers pay on the platform's own page rather than a checkout from this proxy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sold_elsewhere: Option<SoldElsewhere>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resale: Option<Resale>,
}

impl Event {
    pub fn tier(&self, id: &TierId) -> Option<&Tier> {
        self.tiers.iter().find(|t| &t.id == id)
    }

    pub fn on_sale(&self) -> bool {
        self.status == EventStatus::Active
    }

    pub fn summary(&self) -> EventSummary {
        EventSummary {
            id: self.id.clone(),
            title: self.title.clone(),
            status: self.status,
            start_datetime: self.start_datetime.clone(),
            venue_name: self.venue_name.clone(),
            lowest_price: self.tiers.iter().map(|t| t.price).min_by_key(|p| p.amount),
            available: self.tiers.iter().map(|t| t.available).sum(),
            sold_elsewhere: self.sold_elsewhere.clone(),
        }
    }
}

/// One row of an event list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventSummary {
    pub id: EventId,
    pub title: String,
    pub status: EventStatus,
    pub start_datetime: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue_name: Option<String>,
    /// "From ₱750"; absent when the event has no tiers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lowest_price: Option<Money>,
    /// Seats left across all tiers.
    pub available: u32,
    /// Set when buyers pay on the platform's own page (as on the event itself), so a card
    /// can say where before it is opened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sold_elsewhere: Option<SoldElsewhere>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_accept_uuids_and_refuse_path_tricks() {
        assert!(EventId::parse("8db0f243-2e64-4a1b-9c1d-000000000001").is_ok());
        assert!(EventId::parse("pc_abc123").is_ok());
        assert!(EventId::parse("").is_err());
        assert!(EventId::parse("../admin").is_err());
        assert!(EventId::parse("a/b").is_err());
        assert!(EventId::parse("a b").is_err());
        assert!(EventId::parse(&"x".repeat(101)).is_err());
    }

    #[test]
    fn unknown_statuses_deserialize_as_other() {
        let s: EventStatus = serde_json::from_str(r#""postponed""#).unwrap();
        assert_eq!(s, EventStatus::Other);
        assert_eq!(EventStatus::parse("canceled"), EventStatus::Cancelled);
    }

    #[test]
    fn a_link_to_another_platform_is_only_ever_a_web_page() {
        let place = |url: Option<&str>| SoldElsewhere { platform: "TicketWave".into(), url: url.map(String::from) };
        for good in ["https://ticketwave.example/e/42", "http://tickets.example/x?a=1", "HTTPS://Ticketwave.example/"] {
            assert_eq!(place(Some(good)).link(), Some(good), "{good}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript://ticketwave.example/%0Aalert(1)",
            "data:text/html,hi",
            "//ticketwave.example/e/42",
            "/e/42",
            "https://",
            "https:///e/42",
            " https://ticketwave.example/",
            "https://ticketwave.example/\nx",
            "https://ticket wave.example/",
            "",
        ] {
            assert_eq!(place(Some(bad)).link(), None, "{bad:?}");
        }
        assert_eq!(place(None).link(), None);
    }

    #[test]
    fn summary_takes_lowest_price_and_total_seats() {
        let t = |id: &str, price: i64, available| {
            Tier::new(TierId::parse(id).unwrap(), id, Money::new(price, Currency::PHP), available)
        };
        let e = Event {
            id: EventId::parse("e1").unwrap(),
            title: "Show".into(),
            status: EventStatus::Active,
            start_datetime: "2026-03-27T19:00:00+08:00".into(),
            venue_name: None,
            description: None,
            currency: Currency::PHP,
            tiers: vec![t("a", 250_000, 3), t("b", 75_000, 0)],
            sold_elsewhere: None,
            resale: None,
        };
        let s = e.summary();
        assert_eq!(s.lowest_price, Some(Money::new(75_000, Currency::PHP)));
        assert_eq!(s.available, 3);
        assert!(!serde_json::to_string(&s).unwrap().contains("sold_elsewhere"), "absent when sold here");
        let place = SoldElsewhere { platform: "TicketWave".into(), url: Some("https://ticketwave.example/e/1".into()) };
        let elsewhere = Event { sold_elsewhere: Some(place.clone()), ..e }.summary();
        assert_eq!(elsewhere.sold_elsewhere, Some(place), "a card can say where it is sold");
    }
}
