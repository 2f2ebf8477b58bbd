//! The events an empty sandbox starts with: the document's own example event, exactly, and
//! one more with three tiers whose prices have cents, all published.

use super::error::TwResult;
use rusqlite::{params, Connection};

pub struct SeedTier {
    pub name: &'static str,
    pub price_minor: i64,
    pub quantity: u32,
}

pub struct SeedEvent {
    pub id: &'static str,
    pub title: &'static str,
    pub slug: &'static str,
    pub date: &'static str,
    pub start_time: &'static str,
    pub end_time: &'static str,
    pub venue: &'static str,
    pub total_capacity: u32,
    pub currency: &'static str,
    pub tiers: &'static [SeedTier],
}

/// The document's `evt_x9y8z7` (its `event.published` example).
pub const SUMMER_POOL_PARTY: SeedEvent = SeedEvent {
    id: "evt_x9y8z7",
    title: "Summer Pool Party",
    slug: "summer-pool-party-2026",
    date: "2026-07-15",
    start_time: "14:00",
    end_time: "22:00",
    venue: "Example Venue",
    total_capacity: 500,
    currency: "EUR",
    tiers: &[
        SeedTier { name: "General", price_minor: 2500, quantity: 400 },
        SeedTier { name: "VIP", price_minor: 7500, quantity: 100 },
    ],
};

pub const AUTUMN_JAZZ_NIGHT: SeedEvent = SeedEvent {
    id: "evt_k4m5n6",
    title: "Autumn Jazz Night",
    slug: "autumn-jazz-night-2026",
    date: "2026-10-03",
    start_time: "19:30",
    end_time: "23:30",
    venue: "Harbour Hall",
    total_capacity: 300,
    currency: "EUR",
    tiers: &[
        SeedTier { name: "Early Bird", price_minor: 1850, quantity: 100 },
        SeedTier { name: "Standard", price_minor: 2490, quantity: 150 },
        SeedTier { name: "Front Row", price_minor: 4999, quantity: 50 },
    ],
};

pub const EVENTS: [&SeedEvent; 2] = [&SUMMER_POOL_PARTY, &AUTUMN_JAZZ_NIGHT];

/// Seeds an empty database; says whether it did.
pub(crate) fn insert_if_empty(conn: &mut Connection) -> TwResult<bool> {
    let tx = super::store::immediate(conn)?;
    let empty: bool = tx.query_row("SELECT NOT EXISTS (SELECT 1 FROM events)", [], |r| r.get(0))?;
    if !empty {
        return Ok(false);
    }
    for e in EVENTS {
        tx.execute(
            "INSERT INTO events (id, title, slug, status, date, start_time, end_time, venue, total_capacity, currency)
             VALUES (?1, ?2, ?3, 'published', ?4, ?5, ?6, ?7, ?8, ?9)",
            params![e.id, e.title, e.slug, e.date, e.start_time, e.end_time, e.venue, e.total_capacity, e.currency],
        )?;
        for (position, t) in e.tiers.iter().enumerate() {
            tx.execute(
                "INSERT INTO tiers (event_id, name, position, price_minor, quantity) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![e.id, t.name, position as i64, t.price_minor, t.quantity],
            )?;
        }
    }
    tx.commit()?;
    Ok(true)
}
