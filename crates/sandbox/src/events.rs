//! Events and their ticket tiers as the API shows them, with real-time availability.
//!
//! `available` = quantity_total − quantity_sold − seats held by open, unexpired checkout
//! sessions. The document says `quantity_total - quantity_sold`; holds must count too, or two
//! sessions could be sold the same last seat.

use crate::checkouts::expire_stale;
use crate::error::{Result, SandboxError};
use crate::pagination::Page;
use crate::price::to_major_number;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde_json::{json, Value};

pub(crate) const STATUSES: [&str; 3] = ["active", "draft", "cancelled"];
pub(crate) const MAX_PER_PAGE: u32 = 50;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TierView {
    pub id: String,
    pub name: String,
    pub price_minor: i64,
    pub quantity_total: i64,
    pub quantity_sold: i64,
    /// Seats in open, unexpired checkout sessions.
    pub held: i64,
}

impl TierView {
    pub(crate) fn available(&self) -> i64 {
        (self.quantity_total - self.quantity_sold - self.held).max(0)
    }

    fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "price": to_major_number(self.price_minor),
            "quantity_total": self.quantity_total,
            "quantity_sold": self.quantity_sold,
            "available": self.available(),
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct EventView {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    pub status: String,
    pub start_datetime: String,
    pub end_datetime: Option<String>,
    pub venue_name: Option<String>,
    pub city: Option<String>,
    pub capacity: Option<i64>,
    pub tiers: Vec<TierView>,
}

impl EventView {
    pub(crate) fn tickets_sold(&self) -> i64 {
        self.tiers.iter().map(|t| t.quantity_sold).sum()
    }

    /// An entry of `GET /events`.
    pub(crate) fn summary_json(&self) -> Value {
        json!({
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "start_datetime": self.start_datetime,
            "venue_name": self.venue_name,
            "capacity": self.capacity,
            "tickets_sold": self.tickets_sold(),
            "ticket_tiers": self.tiers.iter().map(TierView::to_json).collect::<Vec<_>>(),
        })
    }

    /// `GET /events/:id`.
    pub(crate) fn detail_json(&self) -> Value {
        json!({
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "status": self.status,
            "start_datetime": self.start_datetime,
            "end_datetime": self.end_datetime,
            "venue_name": self.venue_name,
            "city": self.city,
            "capacity": self.capacity,
            "tickets_sold": self.tickets_sold(),
            "ticket_tiers": self.tiers.iter().map(TierView::to_json).collect::<Vec<_>>(),
        })
    }
}

pub(crate) fn parse_status_filter(raw: Option<&str>) -> Result<&'static str> {
    let raw = raw.map(str::trim).filter(|s| !s.is_empty()).unwrap_or("active");
    STATUSES
        .into_iter()
        .find(|s| *s == raw)
        .ok_or_else(|| SandboxError::BadRequest("status must be one of: active, draft, cancelled".into()))
}

const EVENT_COLUMNS: &str = "id, title, description, status, start_datetime, end_datetime, venue_name, city, capacity";

fn event_from_row(row: &Row<'_>) -> rusqlite::Result<EventView> {
    Ok(EventView {
        id: row.get(0)?,
        title: row.get(1)?,
        description: row.get(2)?,
        status: row.get(3)?,
        start_datetime: row.get(4)?,
        end_datetime: row.get(5)?,
        venue_name: row.get(6)?,
        city: row.get(7)?,
        capacity: row.get(8)?,
        tiers: Vec::new(),
    })
}

/// One page of events with the given status, soonest first, and how many there are in all.
pub(crate) fn list(conn: &Connection, status: &str, page: Page, now: DateTime<Utc>) -> Result<(Vec<EventView>, i64)> {
    expire_stale(conn, now)?;
    let total: i64 = conn.query_row("SELECT COUNT(*) FROM events WHERE status = ?1", [status], |r| r.get(0))?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {EVENT_COLUMNS} FROM events WHERE status = ?1 ORDER BY start_ms, id LIMIT ?2 OFFSET ?3"
    ))?;
    let mut events = stmt
        .query_map(params![status, page.limit(), page.offset()], event_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for event in &mut events {
        event.tiers = tiers_of(conn, &event.id, now)?;
    }
    Ok((events, total))
}

pub(crate) fn find(conn: &Connection, id: &str, now: DateTime<Utc>) -> Result<EventView> {
    expire_stale(conn, now)?;
    let mut event = conn
        .query_row(&format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = ?1"), [id], event_from_row)
        .optional()?
        .ok_or_else(event_not_found)?;
    event.tiers = tiers_of(conn, id, now)?;
    Ok(event)
}

pub(crate) fn event_not_found() -> SandboxError {
    SandboxError::NotFound("Event not found".into())
}

pub(crate) fn tiers_of(conn: &Connection, event_id: &str, now: DateTime<Utc>) -> Result<Vec<TierView>> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.id, t.name, t.price_minor, t.quantity_total, t.quantity_sold,
                (SELECT COALESCE(SUM(s.quantity), 0) FROM checkout_sessions s
                  WHERE s.tier_id = t.id AND s.status = 'open' AND s.expires_at_ms >= ?2)
           FROM ticket_tiers t WHERE t.event_id = ?1 ORDER BY t.position",
    )?;
    let tiers = stmt
        .query_map(params![event_id, now.timestamp_millis()], |r| {
            Ok(TierView {
                id: r.get(0)?,
                name: r.get(1)?,
                price_minor: r.get(2)?,
                quantity_total: r.get(3)?,
                quantity_sold: r.get(4)?,
                held: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(tiers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed;

    fn seeded() -> crate::db::Db {
        let db = crate::db::in_memory();
        db.blocking(|c| seed::insert_if_empty(c, Utc::now())).unwrap();
        db
    }

    #[test]
    fn available_subtracts_sold_seats_and_holds() {
        let tier = TierView {
            id: "t".into(),
            name: "VIP".into(),
            price_minor: 250_000,
            quantity_total: 40,
            quantity_sold: 37,
            held: 2,
        };
        assert_eq!(tier.available(), 1);
        assert_eq!(TierView { held: 5, ..tier }.available(), 0);
    }

    #[test]
    fn list_shows_only_the_requested_status_soonest_first() {
        let db = seeded();
        let (active, total) = db.blocking(|c| list(c, "active", Page { page: 1, per_page: 20 }, Utc::now())).unwrap();
        assert_eq!(total, 3);
        let titles: Vec<_> = active.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(titles, ["Manila Jazz Night", "Cebu Comedy Night", "Davao Indie Fest"]);
        let (drafts, _) = db.blocking(|c| list(c, "draft", Page { page: 1, per_page: 20 }, Utc::now())).unwrap();
        assert_eq!(drafts.len(), 1);
        assert_eq!(drafts[0].id, seed::WINTER_MARKET);
    }

    #[test]
    fn tier_json_carries_price_in_major_units_and_availability() {
        let db = seeded();
        let event = db.blocking(|c| find(c, seed::INDIE_FEST, Utc::now())).unwrap();
        let json = event.detail_json();
        assert_eq!(json["ticket_tiers"][3]["price"], json!(599.5));
        assert_eq!(json["ticket_tiers"][3]["available"], json!(90));
        assert_eq!(json["tickets_sold"], json!(212));
    }

    #[test]
    fn unknown_status_filters_are_refused() {
        assert_eq!(parse_status_filter(None).unwrap(), "active");
        assert_eq!(parse_status_filter(Some("draft")).unwrap(), "draft");
        assert!(parse_status_filter(Some("archived")).is_err());
    }
}
