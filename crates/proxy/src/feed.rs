//! The feed: events that platforms describe to tessera rather than tessera reading them from
//! an API (vivenu and Ingresse webhooks), or both (TicketWave: its API, then its webhooks), kept
//! in SQLite with the sales their webhooks reported, and the resales a marketplace reported.
//!
//! Seats left in a tier are its capacity less the larger of two counts of sold tickets: the
//! platform's own (where its description says) and the orders its webhooks reported. The
//! larger, because a webhook can arrive before the platform's API counts the order, and a
//! platform's count can include sales whose webhook never came; a buyer is never shown a
//! seat that both say is gone.
//!
//! Functions here take a connection so the inbox applies a delivery's changes in the same
//! transaction that marks it applied.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashMap;
use tessera_core::{Currency, Event, EventId, EventStatus, Money, Resale, SoldElsewhere, Tier, TierId};

use crate::providers::{Change, FeedEvent, FeedTier, Platform};

/// Version 2 of the database (`migrations`).
pub const SCHEMA_V2: &str = "
-- An event as its platform last described it (JSON of providers::FeedEvent; NULL while only
-- its status is known), the status a later change gave it, and whether it was deleted.
CREATE TABLE IF NOT EXISTS feed_events (
    platform    TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    body        TEXT,
    status      TEXT,
    deleted     INTEGER NOT NULL DEFAULT 0,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (platform, event_id)
);
-- Tickets per order and tier that webhooks reported sold; released when the order was
-- refunded or cancelled. Order ids only: no buyer.
CREATE TABLE IF NOT EXISTS feed_sales (
    platform    TEXT NOT NULL,
    order_id    TEXT NOT NULL,
    tier_id     TEXT NOT NULL,
    event_id    TEXT NOT NULL,
    quantity    INTEGER NOT NULL,
    released    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (platform, order_id, tier_id)
);
-- One row per resale a marketplace reported (its derived id), whatever the retries.
CREATE TABLE IF NOT EXISTS feed_resales (
    platform     TEXT NOT NULL,
    sale_id      TEXT NOT NULL,
    event_id     TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    PRIMARY KEY (platform, sale_id)
);
";

/// Applies one change of a delivery. Each is idempotent on its own (a sale is keyed by order
/// and tier), though the inbox applies a delivery once anyway.
pub fn apply(c: &Connection, platform: Platform, change: &Change) -> rusqlite::Result<()> {
    let p = platform.name();
    let now = Utc::now().to_rfc3339();
    match change {
        Change::Upsert { event } => upsert(c, platform, event, &now)?,
        Change::UpsertTiers { event, title, start, currency, tiers } => {
            let mut merged = body(c, platform, event)?.unwrap_or_else(|| FeedEvent {
                id: event.clone(),
                title: String::new(),
                start: String::new(),
                venue: None,
                description: None,
                currency: *currency,
                status: EventStatus::Active,
                url: None,
                tiers: Vec::new(),
            });
            if let Some(title) = title {
                merged.title = title.clone();
            }
            if let Some(start) = start {
                merged.start = start.clone();
            }
            for tier in tiers {
                match merged.tiers.iter_mut().find(|t| t.id == tier.id) {
                    Some(old) => *old = tier.clone(),
                    None => merged.tiers.push(tier.clone()),
                }
            }
            upsert(c, platform, &merged, &now)?;
        }
        Change::Sold { event, order, tickets } => {
            for t in tickets {
                c.execute(
                    "INSERT OR IGNORE INTO feed_sales (platform, order_id, tier_id, event_id, quantity)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![p, order, t.tier, event, t.quantity],
                )?;
            }
        }
        Change::Released { order } => {
            c.execute("UPDATE feed_sales SET released = 1 WHERE platform = ?1 AND order_id = ?2", params![p, order])?;
        }
        Change::Status { event, status } => {
            c.execute(
                "INSERT INTO feed_events (platform, event_id, status, updated_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (platform, event_id) DO UPDATE SET status = ?3, updated_at = ?4",
                params![p, event, status_name(*status), now],
            )?;
        }
        Change::Deleted { event } => {
            c.execute(
                "INSERT INTO feed_events (platform, event_id, deleted, updated_at) VALUES (?1, ?2, 1, ?3)
                 ON CONFLICT (platform, event_id) DO UPDATE SET deleted = 1, updated_at = ?3",
                params![p, event, now],
            )?;
        }
        Change::Resold { event, sale } => {
            c.execute(
                "INSERT OR IGNORE INTO feed_resales (platform, sale_id, event_id, recorded_at) VALUES (?1, ?2, ?3, ?4)",
                params![p, sale, event, now],
            )?;
        }
        // Not the feed's: the inbox reads the event again, the store counts the code.
        Change::Refresh { .. } | Change::PromoUsed { .. } => {}
    }
    Ok(())
}

/// The platform's own description replaces ours, and a deleted event that is described again
/// is back. The status it carries wins over an earlier status change, except a cancellation:
/// cancelling is final on these platforms (TicketWave refunds every order), and a description
/// read from an API a moment behind its webhooks must not put a cancelled event back on sale.
pub fn upsert(c: &Connection, platform: Platform, event: &FeedEvent, now: &str) -> rusqlite::Result<()> {
    let json = serde_json::to_string(event).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    c.execute(
        "INSERT INTO feed_events (platform, event_id, body, status, deleted, updated_at) VALUES (?1, ?2, ?3, ?4, 0, ?5)
         ON CONFLICT (platform, event_id) DO UPDATE SET body = ?3, deleted = 0, updated_at = ?5,
             status = CASE WHEN feed_events.status = 'cancelled' THEN 'cancelled' ELSE ?4 END",
        params![platform.name(), event.id, json, status_name(event.status), now],
    )?;
    Ok(())
}

fn body(c: &Connection, platform: Platform, event: &str) -> rusqlite::Result<Option<FeedEvent>> {
    let raw: Option<Option<String>> = c
        .query_row(
            "SELECT body FROM feed_events WHERE platform = ?1 AND event_id = ?2",
            params![platform.name(), event],
            |r| r.get(0),
        )
        .optional()?;
    Ok(raw.flatten().and_then(|b| serde_json::from_str(&b).ok()))
}

/// What the feed holds of one event, before it is shaped for buyers.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub event: FeedEvent,
    pub status: EventStatus,
    /// Tickets per tier that webhooks reported sold and not released.
    pub sold: HashMap<String, u32>,
}

/// The event as last described, unless it was deleted or never described.
pub fn read(c: &Connection, platform: Platform, event: &str) -> rusqlite::Result<Option<Stored>> {
    let row: Option<(Option<String>, Option<String>, bool)> = c
        .query_row(
            "SELECT body, status, deleted FROM feed_events WHERE platform = ?1 AND event_id = ?2",
            params![platform.name(), event],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((Some(body), status, false)) = row else { return Ok(None) };
    let Ok(feed_event) = serde_json::from_str::<FeedEvent>(&body) else { return Ok(None) };
    let mut q = c.prepare(
        "SELECT tier_id, SUM(quantity) FROM feed_sales
          WHERE platform = ?1 AND event_id = ?2 AND released = 0 GROUP BY tier_id",
    )?;
    let sold = q
        .query_map(params![platform.name(), event], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
        .map(|r| r.map(|(tier, n)| (tier, n.clamp(0, i64::from(u32::MAX)) as u32)))
        .collect::<rusqlite::Result<_>>()?;
    let status = status.map_or(feed_event.status, |s| EventStatus::parse(&s));
    Ok(Some(Stored { event: feed_event, status, sold }))
}

/// Every event of `platform` the feed holds (as `read` gives each), for the list of events.
pub fn read_all(c: &Connection, platform: Platform) -> rusqlite::Result<Vec<Stored>> {
    let ids: Vec<String> = {
        let mut q = c.prepare(
            "SELECT event_id FROM feed_events WHERE platform = ?1 AND deleted = 0 AND body IS NOT NULL ORDER BY event_id",
        )?;
        let ids = q.query_map(params![platform.name()], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        ids
    };
    let mut all = Vec::with_capacity(ids.len());
    for id in ids {
        all.extend(read(c, platform, &id)?);
    }
    Ok(all)
}

/// The events whose sales an order-only change (`Released`) touches.
pub fn events_of_order(c: &Connection, platform: Platform, change: &Change) -> rusqlite::Result<Vec<String>> {
    let Change::Released { order } = change else { return Ok(Vec::new()) };
    let mut q = c.prepare("SELECT DISTINCT event_id FROM feed_sales WHERE platform = ?1 AND order_id = ?2")?;
    let events = q.query_map(params![platform.name(), order], |r| r.get(0))?;
    events.collect()
}

/// Resales recorded for a marketplace's event.
pub fn resales(c: &Connection, platform: Platform, event: &str) -> rusqlite::Result<u32> {
    c.query_row(
        "SELECT COUNT(*) FROM feed_resales WHERE platform = ?1 AND event_id = ?2",
        params![platform.name(), event],
        |r| r.get(0),
    )
}

/// The event buyers see: tessera's id for it, hidden tiers left out, seats left counted as
/// the module says, sale periods read against `now`, and where buyers pay.
pub fn to_event(platform: Platform, stored: &Stored, now: DateTime<Utc>) -> Result<Event, String> {
    let fe = &stored.event;
    let id = EventId::parse(&format!("{}:{}", platform.name(), fe.id))?;
    let tiers = fe
        .tiers
        .iter()
        .filter(|t| !t.hidden)
        .filter_map(|t| to_tier(t, fe.currency, stored.sold.get(&t.id).copied().unwrap_or(0), now))
        .collect();
    Ok(Event {
        id,
        title: if fe.title.trim().is_empty() {
            format!("{} event {}", platform.display_name(), fe.id)
        } else {
            fe.title.clone()
        },
        status: stored.status,
        start_datetime: fe.start.clone(),
        venue_name: fe.venue.clone(),
        description: fe.description.clone(),
        currency: fe.currency,
        tiers,
        sold_elsewhere: Some(SoldElsewhere { platform: platform.display_name().to_owned(), url: fe.url.clone() }),
        resale: None,
    })
}

fn to_tier(t: &FeedTier, currency: Currency, reported_sold: u32, now: DateTime<Utc>) -> Option<Tier> {
    // A tier whose id tessera cannot carry cannot be shown consistently: leave it out.
    let id = TierId::parse(&t.id).ok()?;
    let sold = t.sold.max(reported_sold);
    let mut tier = Tier::new(id, t.name.clone(), Money::new(t.price_minor, currency), t.capacity.saturating_sub(sold));
    tier.min_per_order = t.min_per_order.filter(|&n| n > 0);
    tier.max_per_order = t.max_per_order.filter(|&n| n > 0);
    let at = |s: &Option<String>| s.as_deref().and_then(|s| DateTime::parse_from_rfc3339(s).ok());
    match (at(&t.sale_starts), at(&t.sale_ends)) {
        (Some(start), _) if now < start => tier.sale_opens_at = t.sale_starts.clone(),
        (_, Some(end)) if now >= end => tier.sale_closed = true,
        _ => {}
    }
    tier.sale_closed |= !t.on_sale;
    Some(tier)
}

/// Attaches a marketplace's resale count to an event (only when there is one to show).
pub fn with_resale(mut event: Event, platform: Platform, sold: u32) -> Event {
    if sold > 0 {
        event.resale = Some(Resale { platform: platform.display_name().to_owned(), sold });
    }
    event
}

fn status_name(s: EventStatus) -> &'static str {
    match s {
        EventStatus::Active => "active",
        EventStatus::Draft => "draft",
        EventStatus::Cancelled => "cancelled",
        EventStatus::Other => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::TierQuantity;

    fn db() -> Connection {
        let c = Connection::open_in_memory().unwrap();
        c.execute_batch(SCHEMA_V2).unwrap();
        c
    }

    fn tier(id: &str, capacity: u32) -> FeedTier {
        FeedTier::new(id, id.to_uppercase(), 2500, capacity)
    }

    fn show() -> FeedEvent {
        FeedEvent {
            id: "e1".into(),
            title: "Summer Pool Party".into(),
            start: "2026-07-15T14:00:00+00:00".into(),
            venue: None,
            description: None,
            currency: Currency::EUR,
            status: EventStatus::Active,
            url: Some("https://example.com/e1".into()),
            tiers: vec![tier("general", 400), tier("vip", 100)],
        }
    }

    fn seats(c: &Connection) -> Vec<u32> {
        let stored = read(c, Platform::Vivenu, "e1").unwrap().unwrap();
        to_event(Platform::Vivenu, &stored, Utc::now()).unwrap().tiers.iter().map(|t| t.available).collect()
    }

    fn sold(order: &str, tier: &str, quantity: u32) -> Change {
        Change::Sold {
            event: "e1".into(),
            order: order.into(),
            tickets: vec![TierQuantity { tier: tier.into(), quantity }],
        }
    }

    #[test]
    fn sales_take_seats_once_and_a_release_gives_them_back() {
        let c = db();
        apply(&c, Platform::Vivenu, &Change::Upsert { event: show() }).unwrap();
        assert_eq!(seats(&c), [400, 100]);
        apply(&c, Platform::Vivenu, &sold("o1", "vip", 2)).unwrap();
        apply(&c, Platform::Vivenu, &sold("o1", "vip", 2)).unwrap();
        assert_eq!(seats(&c), [400, 98], "the same order counts once");
        apply(&c, Platform::Vivenu, &Change::Released { order: "o1".into() }).unwrap();
        assert_eq!(seats(&c), [400, 100]);
    }

    #[test]
    fn a_new_description_keeps_reported_sales_and_the_larger_count_wins() {
        let c = db();
        apply(&c, Platform::TicketWave, &Change::Upsert { event: show() }).unwrap();
        apply(&c, Platform::TicketWave, &sold("o1", "vip", 3)).unwrap();
        let mut described = show();
        described.tiers[1].sold = 1;
        described.tiers[0].sold = 10;
        upsert(&c, Platform::TicketWave, &described, "now").unwrap();
        let stored = read(&c, Platform::TicketWave, "e1").unwrap().unwrap();
        let event = to_event(Platform::TicketWave, &stored, Utc::now()).unwrap();
        assert_eq!(event.tiers.iter().map(|t| t.available).collect::<Vec<_>>(), [390, 97]);
        assert_eq!(event.id.as_str(), "ticketwave:e1");
        assert_eq!(event.sold_elsewhere.unwrap().url.as_deref(), Some("https://example.com/e1"));
    }

    #[test]
    fn status_changes_and_deletion_show_a_cancellation_stays_and_a_new_description_revives() {
        let c = db();
        apply(&c, Platform::Vivenu, &Change::Status { event: "e1".into(), status: EventStatus::Cancelled }).unwrap();
        assert_eq!(read(&c, Platform::Vivenu, "e1").unwrap(), None, "a status alone is not an event");
        apply(&c, Platform::Vivenu, &Change::Upsert { event: show() }).unwrap();
        apply(&c, Platform::Vivenu, &Change::Status { event: "e1".into(), status: EventStatus::Cancelled }).unwrap();
        assert_eq!(read(&c, Platform::Vivenu, "e1").unwrap().unwrap().status, EventStatus::Cancelled);
        apply(&c, Platform::Vivenu, &Change::Upsert { event: show() }).unwrap();
        assert_eq!(
            read(&c, Platform::Vivenu, "e1").unwrap().unwrap().status,
            EventStatus::Cancelled,
            "a description that still says active does not undo a cancellation"
        );
        apply(&c, Platform::Vivenu, &Change::Deleted { event: "e1".into() }).unwrap();
        assert_eq!(read(&c, Platform::Vivenu, "e1").unwrap(), None);
        apply(&c, Platform::Vivenu, &Change::Upsert { event: show() }).unwrap();
        assert!(read(&c, Platform::Vivenu, "e1").unwrap().is_some(), "described again, it is back");
    }

    #[test]
    fn described_tiers_merge_into_the_event() {
        let c = db();
        let upsert_tiers = |tiers| Change::UpsertTiers {
            event: "e1".into(),
            title: None,
            start: Some("2019-10-10T10:00:00-03:00".into()),
            currency: Currency::BRL,
            tiers,
        };
        apply(&c, Platform::Ingresse, &upsert_tiers(vec![tier("1", 100)])).unwrap();
        apply(&c, Platform::Ingresse, &upsert_tiers(vec![tier("2", 50), tier("1", 80)])).unwrap();
        let stored = read(&c, Platform::Ingresse, "e1").unwrap().unwrap();
        let event = to_event(Platform::Ingresse, &stored, Utc::now()).unwrap();
        assert_eq!(
            event.tiers.iter().map(|t| (t.id.as_str(), t.available)).collect::<Vec<_>>(),
            [("1", 80), ("2", 50)]
        );
        assert_eq!(event.title, "Ingresse event e1");
    }

    #[test]
    fn sale_periods_read_against_now_and_hidden_tiers_are_left_out() {
        let now = DateTime::parse_from_rfc3339("2026-01-01T12:00:00Z").unwrap().with_timezone(&Utc);
        let mut early = tier("early", 10);
        early.sale_ends = Some("2025-12-31T23:59:59-03:00".into());
        let mut late = tier("late", 10);
        late.sale_starts = Some("2026-02-01T10:00:00-03:00".into());
        let mut off = tier("off", 10);
        off.on_sale = false;
        let mut hidden = tier("hidden", 10);
        hidden.hidden = true;
        let mut event = show();
        event.tiers = vec![early, late, off, hidden, tier("now", 10)];
        let stored = Stored { event, status: EventStatus::Active, sold: HashMap::new() };
        let tiers = to_event(Platform::Ingresse, &stored, now).unwrap().tiers;
        let shown: Vec<_> = tiers.iter().map(|t| (t.id.as_str(), t.sale_opens_at.as_deref(), t.sale_closed)).collect();
        assert_eq!(
            shown,
            [
                ("early", None, true),
                ("late", Some("2026-02-01T10:00:00-03:00"), false),
                ("off", None, true),
                ("now", None, false)
            ]
        );
    }

    #[test]
    fn all_of_a_platforms_events_are_read_but_not_deleted_ones_or_other_platforms() {
        let c = db();
        apply(&c, Platform::Vivenu, &Change::Upsert { event: show() }).unwrap();
        apply(&c, Platform::Vivenu, &Change::Upsert { event: FeedEvent { id: "e2".into(), ..show() } }).unwrap();
        apply(&c, Platform::Vivenu, &sold("o1", "vip", 2)).unwrap();
        apply(&c, Platform::Vivenu, &Change::Deleted { event: "e2".into() }).unwrap();
        apply(&c, Platform::Vivenu, &Change::Status { event: "e3".into(), status: EventStatus::Active }).unwrap();
        apply(&c, Platform::Ingresse, &Change::Upsert { event: FeedEvent { id: "i1".into(), ..show() } }).unwrap();
        let all = read_all(&c, Platform::Vivenu).unwrap();
        assert_eq!(all.iter().map(|s| s.event.id.as_str()).collect::<Vec<_>>(), ["e1"]);
        assert_eq!(all[0].sold.get("vip"), Some(&2), "with the sales its webhooks reported");
    }

    #[test]
    fn resales_count_once_per_sale() {
        let c = db();
        for _ in 0..3 {
            apply(&c, Platform::Tixel, &Change::Resold { event: "123456".into(), sale: "s1".into() }).unwrap();
        }
        apply(&c, Platform::Tixel, &Change::Resold { event: "123456".into(), sale: "s2".into() }).unwrap();
        assert_eq!(resales(&c, Platform::Tixel, "123456").unwrap(), 2);
    }
}
