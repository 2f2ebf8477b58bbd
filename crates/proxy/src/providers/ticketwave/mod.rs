//! TicketWave (shared/seeds/ticketwave-api.txt): events are read from its admin API with a
//! JWT from `POST /api/auth/login` ([`TicketWaveClient`]); its webhooks, signed with
//! `X-TicketWave-Signature`, report sales, refunds, publication and cancellation
//! ([`TicketWaveWebhooks`]). Its document has no checkout endpoint: buyers are handed off to
//! the event's own `url`.
//!
//! The document gives tiers no id (a tier is named by its name), prices as decimal strings,
//! and dates and times without a zone: tier ids are made from names ([`tier_id`]), prices are
//! converted exactly ([`super::minor_units`]), and the venue's UTC offset is configured.

mod client;
mod session;
mod webhook;
pub mod wiring;

pub use client::TicketWaveClient;
pub use webhook::{parse, TicketWaveWebhooks};

use chrono::{FixedOffset, NaiveDate, NaiveTime};
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use tessera_core::{Currency, EventId, EventStatus};

use super::{minor_units, whole_count, FeedEvent, FeedTier, Malformed};

/// Where TicketWave shows an event (the document's base URL and its `url` examples), for an
/// event described without its `url`.
const PUBLIC_SITE: &str = "https://www.ticketwavehq.com";

/// Longest slug part of a tier id; tessera's ids stop at 100 characters.
const MAX_SLUG_LEN: usize = 60;

/// The tessera tier id of a TicketWave tier, from its name: lowercase ASCII letters and
/// digits with single `-` between words (`"Early Bird"` → `early-bird`), the same whether
/// the name comes from the API or a webhook. A name with other letters (`"Entrée"`) gets 8
/// hex digits of its SHA-256 appended, so names differing only there stay apart; a name with
/// no ASCII letter or digit at all is `tier-` and 12 of them. Names differing only in case
/// or in punctuation around words (`VIP`, `vip`, `VIP!`) share an id: an event describing
/// two of them is refused.
pub fn tier_id(name: &str) -> String {
    let name = name.trim();
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.truncate(MAX_SLUG_LEN);
    let slug = slug.trim_end_matches('-');
    let hash = || hex::encode(Sha256::digest(name.as_bytes()));
    if slug.is_empty() {
        format!("tier-{}", &hash()[..12])
    } else if name.is_ascii() {
        slug.to_owned()
    } else {
        format!("{slug}-{}", &hash()[..8])
    }
}

/// The venue's offset from UTC as configured (`+02:00`, `-03:00`, `Z`), for event starts:
/// TicketWave's `date` and `startTime` carry no zone.
pub fn utc_offset(text: &str) -> Result<FixedOffset, Malformed> {
    let text = text.trim();
    let probe = format!("2026-01-01T00:00:00{text}");
    chrono::DateTime::parse_from_rfc3339(&probe)
        .map(|t| *t.offset())
        .map_err(|_| Malformed::new(format!("a UTC offset looks like +02:00, not {text}")))
}

/// What turns TicketWave's description of an event into a [`FeedEvent`].
#[derive(Clone, Copy, Debug)]
struct Mapping {
    /// For descriptions without `currency` (the document's `event.published`).
    currency: Currency,
    utc_offset: FixedOffset,
}

/// An event as the admin API (`id`) or `event.published` (`eventId`) describes it. Only the
/// fields tessera uses are read.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireEvent {
    #[serde(alias = "eventId")]
    id: String,
    title: String,
    #[serde(default)]
    slug: Option<String>,
    #[serde(default)]
    status: Option<String>,
    date: String,
    start_time: String,
    #[serde(default)]
    venue: Option<Value>,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    tiers: Vec<WireTier>,
}

#[derive(Deserialize)]
struct WireTier {
    name: String,
    price: Value,
    quantity: Value,
    /// The admin API's count; `event.published` has none.
    #[serde(default)]
    sold: Option<Value>,
}

/// TicketWave's event states: `published` is on sale.
fn event_status(status: &str) -> EventStatus {
    match status.trim() {
        "published" => EventStatus::Active,
        "draft" => EventStatus::Draft,
        "cancelled" | "canceled" => EventStatus::Cancelled,
        _ => EventStatus::Other,
    }
}

impl Mapping {
    fn feed_event(&self, raw: WireEvent, status: EventStatus) -> Result<FeedEvent, Malformed> {
        let id = EventId::parse(&raw.id).map_err(|e| Malformed::new(format!("event id {:?}: {e}", raw.id)))?;
        let title = raw.title.trim();
        if title.is_empty() {
            return Err(Malformed::new(format!("event {id} has no title")));
        }
        let currency = match raw.currency.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            Some(code) => Currency::parse(code).map_err(|e| Malformed::new(format!("event {id} currency: {e}")))?,
            None => self.currency,
        };
        let mut tiers: Vec<FeedTier> = Vec::with_capacity(raw.tiers.len());
        for tier in raw.tiers {
            let tier = feed_tier(tier, currency).map_err(|e| Malformed::new(format!("event {id}: {e}")))?;
            if let Some(twin) = tiers.iter().find(|t| t.id == tier.id) {
                return Err(Malformed::new(format!(
                    "event {id}: tiers {:?} and {:?} would share the id {}",
                    twin.name, tier.name, tier.id
                )));
            }
            tiers.push(tier);
        }
        Ok(FeedEvent {
            start: self.start(&raw.date, &raw.start_time).map_err(|e| Malformed::new(format!("event {id}: {e}")))?,
            title: title.to_owned(),
            venue: raw.venue.as_ref().and_then(Value::as_str).map(str::trim).filter(|v| !v.is_empty()).map(Into::into),
            description: None,
            currency,
            status,
            url: public_url(raw.url.as_deref(), raw.slug.as_deref()),
            tiers,
            id: id.as_str().to_owned(),
        })
    }

    /// `2026-07-15` + `14:00` at the venue's offset → `2026-07-15T14:00:00+02:00`.
    fn start(&self, date: &str, time: &str) -> Result<String, String> {
        let day = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").map_err(|_| format!("date {date:?}"))?;
        let at = NaiveTime::parse_from_str(time.trim(), "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(time.trim(), "%H:%M:%S"))
            .map_err(|_| format!("startTime {time:?}"))?;
        let offset = self.utc_offset.to_string();
        Ok(format!("{}T{}{offset}", day.format("%Y-%m-%d"), at.format("%H:%M:%S")))
    }
}

fn feed_tier(raw: WireTier, currency: Currency) -> Result<FeedTier, Malformed> {
    let name = raw.name.trim();
    if name.is_empty() {
        return Err(Malformed::new("a tier has no name"));
    }
    let price_minor = minor_units(&raw.price, currency)?;
    if price_minor < 0 {
        return Err(Malformed::new(format!("tier {name:?} has a negative price")));
    }
    let capacity =
        whole_count(&raw.quantity).ok_or_else(|| Malformed::new(format!("tier {name:?} quantity is not a count")))?;
    let sold = match &raw.sold {
        None | Some(Value::Null) => 0,
        Some(n) => whole_count(n).ok_or_else(|| Malformed::new(format!("tier {name:?} sold is not a count")))?,
    };
    Ok(FeedTier { sold: sold.min(capacity), ..FeedTier::new(tier_id(name), name, price_minor, capacity) })
}

/// Where buyers are handed off: the event's `url` when it is a web address, else the page
/// its `slug` names on TicketWave's site.
fn public_url(url: Option<&str>, slug: Option<&str>) -> Option<String> {
    if let Some(url) = url.map(str::trim).filter(|u| !u.is_empty()) {
        match reqwest::Url::parse(url) {
            Ok(u) if matches!(u.scheme(), "https" | "http") => return Some(u.into()),
            _ => tracing::warn!("a TicketWave event url is not a web address; ignored"),
        }
    }
    let slug =
        slug.map(str::trim).filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))?;
    Some(format!("{PUBLIC_SITE}/events/{slug}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tier_ids_are_stable_url_safe_slugs_of_the_name() {
        assert_eq!(tier_id("General"), "general");
        assert_eq!(tier_id("VIP"), "vip");
        assert_eq!(tier_id("  Early Bird  "), "early-bird");
        assert_eq!(tier_id("VIP & Backstage (18+)"), "vip-backstage-18");
        let entree = tier_id("Entrée");
        assert!(entree.starts_with("entr-e-") && entree.len() == "entr-e-".len() + 8, "{entree}");
        assert_ne!(tier_id("Entrée"), tier_id("Entrèe"));
        assert!(tier_id("入場券").starts_with("tier-"));
        assert_eq!(tier_id("入場券"), tier_id("入場券"));
        for name in ["General", "Entrée", "入場券", &"x".repeat(300), "--a--"] {
            let id = tier_id(name);
            assert!(tessera_core::TierId::parse(&id).is_ok(), "{id}");
            assert!(id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "{id}");
            assert!(!id.starts_with('-') && !id.ends_with('-'), "{id}");
        }
    }

    #[test]
    fn utc_offsets_are_read_as_configured() {
        assert_eq!(utc_offset("+02:00").unwrap().local_minus_utc(), 7200);
        assert_eq!(utc_offset("-03:30").unwrap().local_minus_utc(), -12600);
        assert_eq!(utc_offset("Z").unwrap().local_minus_utc(), 0);
        assert!(utc_offset("Europe/Madrid").is_err());
    }

    fn mapping(offset: &str) -> Mapping {
        Mapping { currency: Currency::parse("EUR").unwrap(), utc_offset: utc_offset(offset).unwrap() }
    }

    #[test]
    fn starts_carry_the_configured_offset() {
        assert_eq!(mapping("+00:00").start("2026-07-15", "14:00").unwrap(), "2026-07-15T14:00:00+00:00");
        assert_eq!(mapping("+02:00").start("2026-07-15", "14:00").unwrap(), "2026-07-15T14:00:00+02:00");
        assert!(mapping("+00:00").start("15/07/2026", "14:00").is_err());
        assert!(mapping("+00:00").start("2026-07-15", "2pm").is_err());
    }

    #[test]
    fn tiers_sharing_an_id_are_refused() {
        let raw: WireEvent = serde_json::from_value(serde_json::json!({
            "id": "evt_1", "title": "T", "date": "2026-07-15", "startTime": "14:00",
            "tiers": [{"name": "VIP", "price": "1.00", "quantity": 1}, {"name": "vip!", "price": "1.00", "quantity": 1}]
        }))
        .unwrap();
        let err = mapping("+00:00").feed_event(raw, EventStatus::Active).unwrap_err();
        assert!(err.0.contains("share the id vip"), "{err}");
    }

    #[test]
    fn a_missing_url_is_made_from_the_slug_and_a_bad_one_dropped() {
        assert_eq!(
            public_url(None, Some("summer-pool-party-2026")).unwrap(),
            format!("{PUBLIC_SITE}/events/summer-pool-party-2026")
        );
        assert_eq!(public_url(Some("javascript:alert(1)"), None), None);
        assert_eq!(public_url(Some("https://tw.example/e/1"), Some("x")).unwrap(), "https://tw.example/e/1");
    }
}
