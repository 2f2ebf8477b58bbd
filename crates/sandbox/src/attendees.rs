//! An event's guest list: `GET /events/:id/attendees`, one entry per ticket, oldest purchase
//! first (then by ticket id, so pages never shift under a reader).
//!
//! Statuses are the ones tickets are stored with, which are the document's filter words:
//! `sold`, `checked_in`, `refunded` (and `cancelled`, which the filter does not offer).
//! `ticket_number` is `TK-` and the ticket's insertion sequence (its SQLite rowid), at least
//! five digits: tickets are never deleted, so the number is stable and never reused.

use crate::error::{Result, SandboxError};
use crate::events::event_not_found;
use crate::pagination::Page;
use crate::price::to_major_number;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};

pub(crate) const MAX_PER_PAGE: u32 = 100;
pub(crate) const STATUS_FILTERS: [&str; 3] = ["sold", "checked_in", "refunded"];

/// `?status=`: absent or blank lists every ticket; anything else must be a filter word.
pub(crate) fn parse_status_filter(raw: Option<&str>) -> Result<Option<&'static str>> {
    let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else { return Ok(None) };
    STATUS_FILTERS
        .into_iter()
        .find(|s| *s == raw)
        .map(Some)
        .ok_or_else(|| SandboxError::BadRequest(format!("status must be one of: {}", STATUS_FILTERS.join(", "))))
}

/// `42` → `"TK-00042"`.
pub(crate) fn ticket_number(sequence: i64) -> String {
    format!("TK-{sequence:05}")
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Attendee {
    pub ticket_id: String,
    pub sequence: i64,
    pub status: String,
    pub checked_in_at: Option<String>,
    pub customer_name: String,
    pub customer_email: String,
    pub tier_name: String,
    pub price_minor: i64,
}

impl Attendee {
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "ticket_id": self.ticket_id,
            "ticket_number": ticket_number(self.sequence),
            "status": self.status,
            "checked_in_at": self.checked_in_at,
            "customer": { "name": self.customer_name, "email": self.customer_email },
            "tier": { "name": self.tier_name, "price": to_major_number(self.price_minor) },
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct AttendeePage {
    pub event_id: String,
    pub event_title: String,
    pub attendees: Vec<Attendee>,
    pub total: i64,
}

impl AttendeePage {
    /// The endpoint's `data`, with the orders list's short `meta` as in the document.
    pub(crate) fn to_json(&self, page: Page) -> Value {
        json!({
            "event": { "id": self.event_id, "title": self.event_title },
            "attendees": self.attendees.iter().map(Attendee::to_json).collect::<Vec<_>>(),
            "meta": page.short_meta(self.total),
        })
    }
}

/// One page of an event's tickets, optionally with one status, and how many match in all.
/// The tier price is what the ticket was sold at, as in `GET /tickets/:id`.
pub(crate) fn list(conn: &Connection, event_id: &str, status: Option<&str>, page: Page) -> Result<AttendeePage> {
    let event_title: String = conn
        .query_row("SELECT title FROM events WHERE id = ?1", [event_id], |r| r.get(0))
        .optional()?
        .ok_or_else(event_not_found)?;
    let total: i64 = conn.query_row(
        "SELECT COUNT(*) FROM tickets WHERE event_id = ?1 AND (?2 IS NULL OR status = ?2)",
        params![event_id, status],
        |r| r.get(0),
    )?;
    let mut stmt = conn.prepare_cached(
        "SELECT k.id, k.rowid, k.status, k.checked_in_at, k.customer_name, k.customer_email, t.name, k.price_minor
           FROM tickets k JOIN ticket_tiers t ON t.id = k.tier_id
          WHERE k.event_id = ?1 AND (?2 IS NULL OR k.status = ?2)
          ORDER BY k.purchased_at, k.id
          LIMIT ?3 OFFSET ?4",
    )?;
    let attendees = stmt
        .query_map(params![event_id, status, page.limit(), page.offset()], |r| {
            Ok(Attendee {
                ticket_id: r.get(0)?,
                sequence: r.get(1)?,
                status: r.get(2)?,
                checked_in_at: r.get(3)?,
                customer_name: r.get(4)?,
                customer_email: r.get(5)?,
                tier_name: r.get(6)?,
                price_minor: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(AttendeePage { event_id: event_id.to_owned(), event_title, attendees, total })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkouts::{create, pay, CheckoutRequest};
    use crate::seed;
    use crate::tickets::{check_in, refund};
    use chrono::{Duration as Span, Utc};
    use std::collections::HashMap;
    use std::time::Duration;

    const ALL: Page = Page { page: 1, per_page: 20 };

    /// Buys `quantity` tickets in `tier` for `email`, `minutes_ago`, and returns their ids.
    fn buy(db: &crate::db::Db, tier: &str, quantity: i64, email: &str, minutes_ago: i64) -> Vec<String> {
        let at = Utc::now() - Span::minutes(minutes_ago);
        let req = CheckoutRequest {
            event_id: seed::JAZZ_NIGHT.into(),
            tier_id: Some(tier.into()),
            quantity,
            name: "Juan Dela Cruz".into(),
            email: email.into(),
            phone: None,
            success_url: "https://shop.example/ok".into(),
            cancel_url: None,
            promo_code: None,
        };
        db.blocking(|c| {
            let created = create(c, &req, at, Duration::from_secs(600))?;
            Ok(pay(c, &created.id, at)?.ticket_ids)
        })
        .unwrap()
    }

    fn seeded() -> crate::db::Db {
        let db = crate::db::in_memory();
        db.blocking(|c| seed::insert_if_empty(c, Utc::now())).unwrap();
        db
    }

    fn ids(page: &AttendeePage) -> Vec<&str> {
        page.attendees.iter().map(|a| a.ticket_id.as_str()).collect()
    }

    #[test]
    fn status_filter_accepts_the_document_words_and_refuses_the_rest() {
        assert_eq!(parse_status_filter(None).unwrap(), None);
        assert_eq!(parse_status_filter(Some(" ")).unwrap(), None);
        assert_eq!(parse_status_filter(Some("sold")).unwrap(), Some("sold"));
        assert_eq!(parse_status_filter(Some("checked_in")).unwrap(), Some("checked_in"));
        assert_eq!(parse_status_filter(Some("refunded")).unwrap(), Some("refunded"));
        for bad in ["used", "cancelled", "SOLD", "all"] {
            let err = parse_status_filter(Some(bad)).unwrap_err();
            assert_eq!(err.to_string(), "status must be one of: sold, checked_in, refunded", "{bad}");
        }
    }

    #[test]
    fn ticket_numbers_are_zero_padded_to_five_digits() {
        assert_eq!(ticket_number(42), "TK-00042");
        assert_eq!(ticket_number(1), "TK-00001");
        assert_eq!(ticket_number(123_456), "TK-123456");
    }

    #[test]
    fn per_page_is_capped_at_one_hundred() {
        let query: HashMap<String, String> = [("per_page".to_owned(), "500".to_owned())].into();
        assert_eq!(Page::from_query(&query, MAX_PER_PAGE).unwrap().per_page, 100);
    }

    #[test]
    fn attendees_are_listed_oldest_purchase_first_with_customer_tier_and_number() {
        let db = seeded();
        let later = buy(&db, seed::JAZZ_GA, 1, "late@example.com", 1);
        let earlier = buy(&db, seed::JAZZ_VIP, 2, "early@example.com", 10);
        let page = db.blocking(|c| list(c, seed::JAZZ_NIGHT, None, ALL)).unwrap();
        assert_eq!((page.event_title.as_str(), page.total), ("Manila Jazz Night", 3));
        let mut first_two = earlier.clone();
        first_two.sort();
        assert_eq!(ids(&page), [first_two[0].as_str(), first_two[1].as_str(), later[0].as_str()]);

        let json = page.to_json(ALL);
        assert_eq!(json["event"], json!({"id": seed::JAZZ_NIGHT, "title": "Manila Jazz Night"}));
        assert_eq!(json["meta"], json!({"page": 1, "total": 3, "has_more": false}));
        // The ticket bought first-in-time but inserted last carries the higher numbers.
        assert_eq!(
            json["attendees"][2],
            json!({
                "ticket_id": later[0],
                "ticket_number": "TK-00001",
                "status": "sold",
                "checked_in_at": null,
                "customer": {"name": "Juan Dela Cruz", "email": "late@example.com"},
                "tier": {"name": "General Admission", "price": 1000}
            })
        );
        let numbers: Vec<_> =
            json["attendees"].as_array().unwrap()[..2].iter().map(|a| a["ticket_number"].clone()).collect();
        assert!(numbers.contains(&json!("TK-00002")) && numbers.contains(&json!("TK-00003")), "{numbers:?}");
        assert_eq!(json["attendees"][0]["tier"], json!({"name": "VIP", "price": 2500}));
    }

    #[test]
    fn the_status_filter_and_paging_select_the_right_tickets() {
        let db = seeded();
        let bought = buy(&db, seed::JAZZ_GA, 3, "juan@example.com", 5);
        db.blocking(|c| refund(c, &bought[0], Utc::now())).unwrap();
        db.blocking(|c| check_in(c, &bought[1], Utc::now())).unwrap();

        let refunded = db.blocking(|c| list(c, seed::JAZZ_NIGHT, Some("refunded"), ALL)).unwrap();
        assert_eq!((ids(&refunded), refunded.total), (vec![bought[0].as_str()], 1));
        let checked_in = db.blocking(|c| list(c, seed::JAZZ_NIGHT, Some("checked_in"), ALL)).unwrap();
        assert_eq!(ids(&checked_in), [bought[1].as_str()]);
        assert!(checked_in.attendees[0].checked_in_at.is_some());
        let sold = db.blocking(|c| list(c, seed::JAZZ_NIGHT, Some("sold"), ALL)).unwrap();
        assert_eq!(ids(&sold), [bought[2].as_str()]);

        let all = db.blocking(|c| list(c, seed::JAZZ_NIGHT, None, ALL)).unwrap();
        let second = Page { page: 2, per_page: 2 };
        let paged = db.blocking(|c| list(c, seed::JAZZ_NIGHT, None, second)).unwrap();
        assert_eq!(ids(&paged), [all.attendees[2].ticket_id.as_str()]);
        assert_eq!(paged.to_json(second)["meta"], json!({"page": 2, "total": 3, "has_more": false}));
        let first = Page { page: 1, per_page: 2 };
        assert_eq!(all.to_json(first)["meta"]["has_more"], json!(true));
    }

    #[test]
    fn other_events_tickets_are_not_listed_and_unknown_events_are_not_found() {
        let db = seeded();
        buy(&db, seed::JAZZ_GA, 1, "juan@example.com", 1);
        let comedy = db.blocking(|c| list(c, seed::COMEDY_NIGHT, None, ALL)).unwrap();
        assert_eq!((comedy.attendees.len(), comedy.total), (0, 0));
        let err = db.blocking(|c| list(c, "nope", None, ALL)).unwrap_err();
        assert!(matches!(err, SandboxError::NotFound(ref m) if m == "Event not found"), "{err}");
    }
}
