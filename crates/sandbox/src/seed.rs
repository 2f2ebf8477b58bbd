//! The demo catalogue, inserted only into an empty database. Ids are fixed so the demo page,
//! the proxy's tests and a person reading logs can all name the same event.
//! Sold counts are plain numbers: no ticket rows stand behind them.

use crate::error::Result;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};

pub const JAZZ_NIGHT: &str = "344c5b2c-7de4-4174-863f-682207408add";
pub const JAZZ_GA: &str = "7122821e-fc22-4c41-9e36-6d497ab07f8f";
pub const JAZZ_VIP: &str = "445f60a4-c8f6-495d-8885-c4cd58f4a79e";
pub const JAZZ_EARLY: &str = "b7546bea-7ff9-4d8b-8969-e13ac570cbf9";

pub const COMEDY_NIGHT: &str = "b9baeb52-bb2f-455d-be03-6dc10b9c4841";
pub const COMEDY_STANDARD: &str = "730b719e-702c-4989-9d1c-04205ab09c26";
pub const COMEDY_FRONT_ROW: &str = "0d92a76b-d53e-4863-b7ee-fc9ebc2ae0e7";

pub const INDIE_FEST: &str = "f4c48475-43b6-44e4-8e05-7df173fc17bd";
pub const INDIE_DAY_PASS: &str = "7a3c8815-57ee-440e-ac83-af39b7de023e";
pub const INDIE_WEEKEND_PASS: &str = "7efa1192-6a9e-494a-a0a6-973734040406";
pub const INDIE_BACKSTAGE: &str = "179795d6-a8d5-4e14-9550-997c08a08558";
pub const INDIE_STUDENT: &str = "523e6a8b-1e4a-4d9b-88d7-6555fd69b634";

pub const WINTER_MARKET: &str = "cde006f3-9b3d-469b-8c18-9e9543ab8bb4";
pub const WINTER_ENTRY: &str = "316d5d95-5bf4-4931-9243-dbc37942a708";

pub struct SeedEvent {
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub status: &'static str,
    pub start_datetime: &'static str,
    pub venue_name: &'static str,
    pub city: &'static str,
    pub tiers: &'static [SeedTier],
}

pub struct SeedTier {
    pub id: &'static str,
    pub name: &'static str,
    /// Centavos: 100000 is ₱1,000.
    pub price_minor: i64,
    pub quantity_total: i64,
    pub quantity_sold: i64,
}

const fn tier(
    id: &'static str,
    name: &'static str,
    price_minor: i64,
    quantity_total: i64,
    quantity_sold: i64,
) -> SeedTier {
    SeedTier { id, name, price_minor, quantity_total, quantity_sold }
}

/// In listing order. Tier order is the order buyers see and the default tier is the first.
pub const EVENTS: &[SeedEvent] = &[
    SeedEvent {
        id: JAZZ_NIGHT,
        title: "Manila Jazz Night",
        description: "An evening of Manila's finest jazz trios and big-band standards under the Podium's chandeliers.",
        status: "active",
        start_datetime: "2026-12-12T20:00:00+08:00",
        venue_name: "The Podium Hall",
        city: "Manila",
        tiers: &[
            tier(JAZZ_GA, "General Admission", 100_000, 200, 40),
            tier(JAZZ_VIP, "VIP", 250_000, 40, 37),
            tier(JAZZ_EARLY, "Early Bird", 75_000, 50, 50),
        ],
    },
    SeedEvent {
        id: COMEDY_NIGHT,
        title: "Cebu Comedy Night",
        description: "Stand-up from Cebu's sharpest comics, in Bisaya, Tagalog and English.",
        status: "active",
        start_datetime: "2027-01-16T19:30:00+08:00",
        venue_name: "Waterfront Ballroom",
        city: "Cebu",
        tiers: &[
            tier(COMEDY_STANDARD, "Standard", 80_000, 150, 12),
            tier(COMEDY_FRONT_ROW, "Front Row", 150_000, 20, 5),
        ],
    },
    SeedEvent {
        id: INDIE_FEST,
        title: "Davao Indie Fest",
        description: "Two days of Mindanao's independent bands on three open-air stages.",
        status: "active",
        start_datetime: "2027-02-20T15:00:00+08:00",
        venue_name: "People's Park",
        city: "Davao",
        tiers: &[
            tier(INDIE_DAY_PASS, "Day Pass", 120_000, 500, 120),
            tier(INDIE_WEEKEND_PASS, "Weekend Pass", 200_000, 300, 80),
            tier(INDIE_BACKSTAGE, "Backstage", 350_000, 10, 2),
            tier(INDIE_STUDENT, "Student", 59_950, 100, 10),
        ],
    },
    SeedEvent {
        id: WINTER_MARKET,
        title: "Baguio Winter Market",
        description: "Local crafts, strawberries and ube treats among the pines of Burnham Park.",
        status: "draft",
        start_datetime: "2027-03-05T10:00:00+08:00",
        venue_name: "Burnham Park",
        city: "Baguio",
        tiers: &[tier(WINTER_ENTRY, "Entry", 15_000, 400, 0)],
    },
];

/// Inserts the catalogue if the database has no events; reports whether it did.
pub(crate) fn insert_if_empty(conn: &mut Connection, now: DateTime<Utc>) -> Result<bool> {
    let tx = crate::db::immediate(conn)?;
    let existing: i64 = tx.query_row("SELECT COUNT(*) FROM events", [], |r| r.get(0))?;
    if existing > 0 {
        return Ok(false);
    }
    let created_at = crate::clock::rfc3339(now);
    for event in EVENTS {
        let start = DateTime::parse_from_rfc3339(event.start_datetime)
            .map_err(|e| crate::error::SandboxError::Internal(format!("seed start time: {e}")))?;
        let capacity: i64 = event.tiers.iter().map(|t| t.quantity_total).sum();
        tx.execute(
            "INSERT INTO events (id, title, description, status, start_datetime, start_ms, end_datetime,
                                 venue_name, city, capacity, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, ?7, ?8, ?9, ?10)",
            params![
                event.id,
                event.title,
                event.description,
                event.status,
                event.start_datetime,
                start.timestamp_millis(),
                event.venue_name,
                event.city,
                capacity,
                created_at
            ],
        )?;
        for (position, t) in event.tiers.iter().enumerate() {
            tx.execute(
                "INSERT INTO ticket_tiers (id, event_id, position, name, price_minor, quantity_total, quantity_sold)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![t.id, event.id, position as i64, t.name, t.price_minor, t.quantity_total, t.quantity_sold],
            )?;
        }
    }
    tx.commit()?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_ids_are_unique_uuids() {
        let mut ids: Vec<&str> = EVENTS.iter().map(|e| e.id).collect();
        ids.extend(EVENTS.iter().flat_map(|e| e.tiers.iter().map(|t| t.id)));
        for id in &ids {
            let parsed = uuid::Uuid::parse_str(id).unwrap_or_else(|_| panic!("{id} is not a UUID"));
            assert_eq!(parsed.get_version_num(), 4, "{id}");
        }
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count);
    }

    #[test]
    fn seeding_happens_only_once() {
        let db = crate::db::in_memory();
        db.blocking(|c| {
            assert!(insert_if_empty(c, Utc::now())?);
            assert!(!insert_if_empty(c, Utc::now())?);
            let tiers: i64 = c.query_row("SELECT COUNT(*) FROM ticket_tiers", [], |r| r.get(0))?;
            assert_eq!(tiers, 10);
            Ok(())
        })
        .unwrap();
    }
}
