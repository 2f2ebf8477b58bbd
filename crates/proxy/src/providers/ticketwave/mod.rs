//! TicketWave (shared/seeds/ticketwave-api.txt): events are read from its admin API with a
//! JWT from `POST /api/auth/login` ([`TicketWaveClient`]); its webhooks, signed with
//! `X-TicketWave-Signature`, report sales, refunds, publication and cancellation
//! ([`TicketWaveWebhooks`]). Its document has no checkout endpoint: buyers are handed off to
//! the event's own `url`.
//!
//! The document gives tiers no id (a tier is named by its name), prices as decimal strings,
//! and dates and times without a zone: tier ids are made from names ([`tier_id`]), prices are
//! converted exactly ([`super::minor_units`]), and the venue's clock is configured: an IANA
//! time zone, whose offset on each event's date (summer time) is applied, or a fixed offset.

mod client;
mod session;
mod webhook;
pub mod wiring;

pub use client::TicketWaveClient;
pub use webhook::{parse, TicketWaveWebhooks};

use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset, SecondsFormat, TimeDelta, TimeZone};
use chrono_tz::Tz;
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

/// The venue's IANA time zone as configured (`Europe/Madrid`), exactly as the tz database
/// spells it.
pub fn time_zone(name: &str) -> Result<Tz, Malformed> {
    let name = name.trim();
    name.parse::<Tz>()
        .map_err(|_| Malformed::new(format!("{name:?} is not an IANA time zone name such as Europe/Madrid")))
}

/// The clock TicketWave's zone-less dates and times are read on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VenueClock {
    /// The offset in force at the venue on each event's date and time (summer time).
    Zone(Tz),
    /// The same offset all year (`TESSERA_TICKETWAVE_UTC_OFFSET`, kept for existing configs).
    Offset(FixedOffset),
}

impl From<Tz> for VenueClock {
    fn from(zone: Tz) -> Self {
        VenueClock::Zone(zone)
    }
}

impl From<FixedOffset> for VenueClock {
    fn from(offset: FixedOffset) -> Self {
        VenueClock::Offset(offset)
    }
}

impl VenueClock {
    /// `local` at the venue as RFC 3339 with the offset in force then. At a change of the
    /// clocks, as JavaScript's Temporal ("compatible") and java.time read such times: a time
    /// that happens twice (the autumn hour) is the first, still on summer time; a time that
    /// never happens (the spring gap) is moved on by the gap, 02:30 to 03:30 summer time,
    /// the moment a clock not yet changed would show 02:30. Refusing either would hide an
    /// event from buyers over a time the organiser can still fix.
    pub fn rfc3339(&self, local: NaiveDateTime) -> String {
        let at = match self {
            VenueClock::Offset(offset) => offset.from_local_datetime(&local).single().map(|t| t.fixed_offset()),
            VenueClock::Zone(zone) => zone.from_local_datetime(&local).earliest().map(|t| t.fixed_offset()),
        };
        let at = at.unwrap_or_else(|| match self {
            VenueClock::Zone(zone) => {
                // In the gap: read with the offset of a day before, then shown as the zone
                // has it. No zone changes its clocks twice within a day.
                let before = zone.offset_from_utc_datetime(&(local - TimeDelta::days(1))).fix();
                (local - TimeDelta::seconds(before.local_minus_utc().into()))
                    .and_utc()
                    .with_timezone(zone)
                    .fixed_offset()
            }
            // A fixed offset maps every local time to exactly one instant.
            VenueClock::Offset(offset) => offset.from_utc_datetime(&local),
        });
        at.to_rfc3339_opts(SecondsFormat::Secs, false)
    }
}

/// What turns TicketWave's description of an event into a [`FeedEvent`].
#[derive(Clone, Copy, Debug)]
struct Mapping {
    /// For descriptions without `currency` (the document's `event.published`).
    currency: Currency,
    clock: VenueClock,
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

    /// `2026-07-15` + `14:00` on the venue's clock → `2026-07-15T14:00:00+02:00`.
    fn start(&self, date: &str, time: &str) -> Result<String, String> {
        let day = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").map_err(|_| format!("date {date:?}"))?;
        let at = NaiveTime::parse_from_str(time.trim(), "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(time.trim(), "%H:%M:%S"))
            .map_err(|_| format!("startTime {time:?}"))?;
        Ok(self.clock.rfc3339(day.and_time(at)))
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
        Mapping { currency: Currency::parse("EUR").unwrap(), clock: utc_offset(offset).unwrap().into() }
    }

    fn madrid() -> Mapping {
        Mapping { currency: Currency::parse("EUR").unwrap(), clock: time_zone("Europe/Madrid").unwrap().into() }
    }

    #[test]
    fn time_zones_are_iana_names() {
        assert_eq!(time_zone("Europe/Madrid").unwrap(), chrono_tz::Europe::Madrid);
        assert_eq!(time_zone(" America/Sao_Paulo ").unwrap(), chrono_tz::America::Sao_Paulo);
        for bad in ["Europe/Madird", "CET+1", "+02:00", ""] {
            let e = time_zone(bad).unwrap_err();
            assert!(e.0.contains("is not an IANA time zone name"), "{e}");
        }
    }

    #[test]
    fn a_madrid_event_has_the_offset_of_its_own_date() {
        let m = madrid();
        // Spring: the clocks go forward on Sunday 28 March 2027 at 02:00.
        assert_eq!(m.start("2027-03-27", "20:00").unwrap(), "2027-03-27T20:00:00+01:00");
        assert_eq!(m.start("2027-03-28", "20:00").unwrap(), "2027-03-28T20:00:00+02:00");
        assert_eq!(m.start("2027-03-28", "01:59").unwrap(), "2027-03-28T01:59:00+01:00");
        assert_eq!(m.start("2027-03-28", "03:00").unwrap(), "2027-03-28T03:00:00+02:00");
        // Autumn: back on Sunday 31 October 2027 at 03:00.
        assert_eq!(m.start("2027-10-30", "20:00").unwrap(), "2027-10-30T20:00:00+02:00");
        assert_eq!(m.start("2027-10-31", "20:00").unwrap(), "2027-10-31T20:00:00+01:00");
        // Midsummer and midwinter, and a zone south of the equator (no summer time since 2019).
        assert_eq!(m.start("2026-07-15", "14:00").unwrap(), "2026-07-15T14:00:00+02:00");
        assert_eq!(m.start("2026-12-31", "23:30").unwrap(), "2026-12-31T23:30:00+01:00");
        let sao_paulo = Mapping { clock: time_zone("America/Sao_Paulo").unwrap().into(), ..m };
        assert_eq!(sao_paulo.start("2027-01-15", "21:00").unwrap(), "2027-01-15T21:00:00-03:00");
    }

    #[test]
    fn times_at_the_change_of_the_clocks_are_read_as_temporal_does() {
        let m = madrid();
        // 02:30 on 28 March 2027 never happens in Madrid: the moment a clock still on winter
        // time shows it, the venue's shows 03:30.
        assert_eq!(m.start("2027-03-28", "02:30").unwrap(), "2027-03-28T03:30:00+02:00");
        assert_eq!(m.start("2027-03-28", "02:00").unwrap(), "2027-03-28T03:00:00+02:00");
        // 02:30 on 31 October 2027 happens twice: the first, still on summer time.
        assert_eq!(m.start("2027-10-31", "02:30").unwrap(), "2027-10-31T02:30:00+02:00");
        assert_eq!(m.start("2027-10-31", "03:00").unwrap(), "2027-10-31T03:00:00+01:00");
        // Every answer is a real instant whose local time reads back as written, or as moved.
        for (date, time) in [("2027-03-28", "02:30"), ("2027-10-31", "02:30"), ("2027-10-31", "01:30")] {
            let start = m.start(date, time).unwrap();
            assert!(chrono::DateTime::parse_from_rfc3339(&start).is_ok(), "{start}");
        }
    }

    #[test]
    fn a_fixed_offset_ignores_summer_time() {
        let m = mapping("+01:00");
        assert_eq!(m.start("2027-03-28", "20:00").unwrap(), "2027-03-28T20:00:00+01:00");
        assert_eq!(m.start("2027-03-28", "02:30").unwrap(), "2027-03-28T02:30:00+01:00");
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
