//! HangHut's JSON (shared/seeds/hanghut-api.txt) and its reduction to what a buyer may see.
//! Prices arrive as JSON numbers in major units of the shop's currency (PHP): converted
//! exactly through their text, never through float arithmetic.

use serde::Deserialize;
use tessera_core::{Currency, Event, EventId, EventStatus, EventSummary, Money, Tier, TierId};

#[derive(Deserialize)]
pub(super) struct Envelope<T> {
    pub data: T,
}

#[derive(Deserialize)]
pub(super) struct ErrorEnvelope {
    pub error: ErrorBody,
}

#[derive(Deserialize)]
pub(super) struct ErrorBody {
    pub message: String,
}

#[derive(Deserialize)]
pub(super) struct HhEvent {
    pub id: String,
    pub title: String,
    pub status: String,
    pub start_datetime: String,
    #[serde(default)]
    pub venue_name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub ticket_tiers: Vec<HhTier>,
}

#[derive(Deserialize)]
pub(super) struct HhTier {
    /// The list endpoint's example omits tier ids; the detail endpoint has them.
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    pub price: serde_json::Number,
    #[serde(default)]
    pub quantity_total: Option<i64>,
    #[serde(default)]
    pub quantity_sold: Option<i64>,
    #[serde(default)]
    pub available: Option<i64>,
}

#[derive(Deserialize)]
pub(super) struct HhEventList {
    pub events: Vec<HhEvent>,
    pub meta: HhMeta,
}

#[derive(Deserialize)]
pub(super) struct HhMeta {
    pub page: u32,
    pub per_page: u32,
    pub total: u32,
    #[serde(default)]
    pub total_pages: Option<u32>,
    pub has_more: bool,
}

#[derive(Deserialize)]
pub(super) struct HhCheckout {
    pub checkout_id: String,
    pub checkout_url: String,
    pub expires_at: String,
}

impl HhTier {
    fn available(&self) -> u32 {
        // `available` is documented as quantity_total - quantity_sold; compute it where absent.
        let n = self.available.or_else(|| Some(self.quantity_total? - self.quantity_sold?)).unwrap_or(0);
        n.clamp(0, i64::from(u32::MAX)) as u32
    }

    fn price(&self, currency: Currency) -> Result<Money, String> {
        Money::from_major_str(&self.price.to_string(), currency)
            .map_err(|e| format!("tier {:?} price {}: {e}", self.name, self.price))
    }
}

pub(super) fn to_event(raw: HhEvent, currency: Currency) -> Result<Event, String> {
    let id = EventId::parse(&raw.id)?;
    let mut tiers = Vec::with_capacity(raw.ticket_tiers.len());
    for t in &raw.ticket_tiers {
        // A tier without an id cannot be bought (checkout needs tier_id): leave it out.
        let Some(tier_id) = t.id.as_deref() else { continue };
        tiers.push(Tier::new(TierId::parse(tier_id)?, t.name.clone(), t.price(currency)?, t.available()));
    }
    Ok(Event {
        id,
        title: raw.title,
        status: EventStatus::parse(&raw.status),
        start_datetime: raw.start_datetime,
        venue_name: raw.venue_name,
        description: raw.description,
        currency,
        tiers,
        sold_elsewhere: None,
        resale: None,
    })
}

pub(super) fn to_summary(raw: HhEvent, currency: Currency) -> Result<EventSummary, String> {
    let mut lowest: Option<Money> = None;
    let mut available = 0u32;
    for t in &raw.ticket_tiers {
        let price = t.price(currency)?;
        if lowest.is_none_or(|l| price.amount < l.amount) {
            lowest = Some(price);
        }
        available = available.saturating_add(t.available());
    }
    Ok(EventSummary {
        id: EventId::parse(&raw.id)?,
        title: raw.title,
        status: EventStatus::parse(&raw.status),
        start_datetime: raw.start_datetime,
        venue_name: raw.venue_name,
        lowest_price: lowest,
        available,
        sold_elsewhere: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The list example from the HangHut document, verbatim apart from the elided id.
    const LIST_EXAMPLE: &str = r#"{"data":{"events":[{"id":"8db0f243-2e64","title":"S10MAIC","status":"active",
        "start_datetime":"2026-03-27T19:00:00+00:00","venue_name":"Mow's","capacity":100,"tickets_sold":100,
        "ticket_tiers":[{"name":"General Admission","price":1000,"quantity_total":100,"quantity_sold":100}]}],
        "meta":{"page":1,"per_page":10,"total":7,"total_pages":1,"has_more":false}}}"#;

    #[test]
    fn the_documented_list_example_reduces_to_a_sold_out_summary() {
        let list: Envelope<HhEventList> = serde_json::from_str(LIST_EXAMPLE).unwrap();
        let raw = list.data.events.into_iter().next().unwrap();
        let s = to_summary(raw, Currency::PHP).unwrap();
        assert_eq!(s.title, "S10MAIC");
        assert_eq!(s.available, 0);
        assert_eq!(s.lowest_price, Some(Money::new(100_000, Currency::PHP)));
    }

    #[test]
    fn detail_keeps_only_what_a_buyer_may_see() {
        let raw: HhEvent = serde_json::from_str(
            r#"{"id":"e1","title":"T","status":"active","start_datetime":"2026-03-27T19:00:00+08:00",
            "ticket_tiers":[{"id":"t1","name":"GA","price":599.5,"quantity_total":10,"quantity_sold":4,"available":6},
                            {"name":"no id","price":1,"quantity_total":1,"quantity_sold":0}]}"#,
        )
        .unwrap();
        let e = to_event(raw, Currency::PHP).unwrap();
        assert_eq!(e.tiers.len(), 1);
        assert_eq!(e.tiers[0].price.amount, 59_950);
        assert_eq!(e.tiers[0].available, 6);
        let json = serde_json::to_string(&e).unwrap();
        assert!(!json.contains("quantity_sold") && !json.contains("quantity_total"), "{json}");
    }

    #[test]
    fn oversold_counts_never_go_negative() {
        let t: HhTier = serde_json::from_str(r#"{"name":"x","price":1,"quantity_total":5,"quantity_sold":7}"#).unwrap();
        assert_eq!(t.available(), 0);
    }

    #[test]
    fn a_price_with_fractions_of_a_centavo_is_refused() {
        let raw: HhEvent = serde_json::from_str(
            r#"{"id":"e1","title":"T","status":"active","start_datetime":"x",
            "ticket_tiers":[{"id":"t1","name":"GA","price":10.005,"available":1}]}"#,
        )
        .unwrap();
        assert!(to_event(raw, Currency::PHP).is_err());
    }
}

/// `POST /promo-codes` answer; only the id is needed, the rest is what was sent.
#[derive(Debug, Deserialize)]
pub struct HhPromoCode {
    pub id: String,
}
