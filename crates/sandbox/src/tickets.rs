//! Tickets: verification at the door, check-in and refunds, with the document's shapes.
//!
//! The document lists `checked_in` as the status of a scanned ticket but shows `"used"` in
//! the check-in response; each endpoint answers as its own example does.

use crate::clock::rfc3339;
use crate::error::{Result, SandboxError};
use crate::outbox;
use crate::price::to_major_number;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Ticket {
    pub id: String,
    pub status: String,
    pub checked_in_at: Option<String>,
    pub purchased_at: String,
    pub price_minor: i64,
    pub customer_name: String,
    pub customer_email: String,
    pub event_id: String,
    pub event_title: String,
    pub event_start: String,
    pub venue_name: Option<String>,
    pub tier_id: String,
    pub tier_name: String,
}

impl Ticket {
    /// `GET /tickets/:id`.
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "status": self.status,
            "checked_in_at": self.checked_in_at,
            "purchased_at": self.purchased_at,
            "event": {
                "id": self.event_id,
                "title": self.event_title,
                "start_datetime": self.event_start,
                "venue_name": self.venue_name,
            },
            "tier": { "name": self.tier_name, "price": to_major_number(self.price_minor) },
            "customer": { "name": self.customer_name, "email": self.customer_email },
        })
    }

    /// `POST /tickets/:id/refund`.
    pub(crate) fn refund_json(&self) -> Value {
        json!({
            "id": self.id,
            "status": self.status,
            "event": { "id": self.event_id, "title": self.event_title },
            "tier": { "name": self.tier_name, "price": to_major_number(self.price_minor) },
        })
    }

    /// `POST /tickets/:id/check-in`.
    pub(crate) fn check_in_json(&self) -> Value {
        json!({
            "id": self.id,
            "status": "used",
            "checked_in_at": self.checked_in_at,
            "event": { "id": self.event_id, "title": self.event_title },
            "customer": { "name": self.customer_name },
        })
    }

    /// The `data` of `ticket.*` webhooks; `tier_id` is a sandbox extension the proxy uses.
    fn webhook_data(&self) -> Value {
        json!({
            "ticket_id": self.id,
            "event_id": self.event_id,
            "tier_id": self.tier_id,
            "customer": { "name": self.customer_name },
            "amount": to_major_number(self.price_minor),
        })
    }
}

pub(crate) fn find(conn: &Connection, id: &str) -> Result<Ticket> {
    conn.query_row(
        "SELECT k.id, k.status, k.checked_in_at, k.purchased_at, k.price_minor, k.customer_name, k.customer_email,
                e.id, e.title, e.start_datetime, e.venue_name, t.id, t.name
           FROM tickets k
           JOIN events e ON e.id = k.event_id
           JOIN ticket_tiers t ON t.id = k.tier_id
          WHERE k.id = ?1",
        [id],
        |r| {
            Ok(Ticket {
                id: r.get(0)?,
                status: r.get(1)?,
                checked_in_at: r.get(2)?,
                purchased_at: r.get(3)?,
                price_minor: r.get(4)?,
                customer_name: r.get(5)?,
                customer_email: r.get(6)?,
                event_id: r.get(7)?,
                event_title: r.get(8)?,
                event_start: r.get(9)?,
                venue_name: r.get(10)?,
                tier_id: r.get(11)?,
                tier_name: r.get(12)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| SandboxError::NotFound("Ticket not found".into()))
}

/// Refunds a sold or checked-in ticket: the seat goes back on sale and `ticket.refunded` is sent.
pub(crate) fn refund(conn: &mut Connection, id: &str, now: DateTime<Utc>) -> Result<(Ticket, bool)> {
    let tx = crate::db::immediate(conn)?;
    let ticket = find(&tx, id)?;
    match ticket.status.as_str() {
        "refunded" => return Err(SandboxError::Conflict("Ticket was already refunded".into())),
        "cancelled" => return Err(SandboxError::Conflict("Ticket is cancelled and cannot be refunded".into())),
        _ => {}
    }
    tx.execute("UPDATE tickets SET status = 'refunded', refunded_at = ?2 WHERE id = ?1", params![id, rfc3339(now)])?;
    tx.execute("UPDATE ticket_tiers SET quantity_sold = MAX(quantity_sold - 1, 0) WHERE id = ?1", [&ticket.tier_id])?;
    let notified = outbox::enqueue(&tx, "ticket.refunded", ticket.webhook_data(), now)?.is_some();
    tx.commit()?;
    Ok((Ticket { status: "refunded".into(), ..ticket }, notified))
}

/// Admits a sold ticket once; any other status is a 409 saying why it is not valid.
pub(crate) fn check_in(conn: &mut Connection, id: &str, now: DateTime<Utc>) -> Result<(Ticket, bool)> {
    let tx = crate::db::immediate(conn)?;
    let ticket = find(&tx, id)?;
    match ticket.status.as_str() {
        "sold" => {}
        "checked_in" => {
            return Err(SandboxError::Conflict(format!(
                "Ticket was already checked in at {}",
                ticket.checked_in_at.as_deref().unwrap_or("an earlier time")
            )))
        }
        other => return Err(SandboxError::Conflict(format!("Ticket is {other} and not valid for entry"))),
    }
    let at = rfc3339(now);
    tx.execute("UPDATE tickets SET status = 'checked_in', checked_in_at = ?2 WHERE id = ?1", params![id, at])?;
    let ticket = Ticket { status: "checked_in".into(), checked_in_at: Some(at.clone()), ..ticket };
    let mut data = ticket.webhook_data();
    data["checked_in_at"] = json!(at);
    let notified = outbox::enqueue(&tx, "ticket.checked_in", data, now)?.is_some();
    tx.commit()?;
    Ok((ticket, notified))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkouts::{create, pay, CheckoutRequest};
    use crate::seed;
    use std::time::Duration;

    fn sold_ticket() -> (crate::db::Db, String) {
        let db = crate::db::in_memory();
        let now = Utc::now();
        let req = CheckoutRequest {
            event_id: seed::JAZZ_NIGHT.into(),
            tier_id: Some(seed::JAZZ_VIP.into()),
            quantity: 1,
            name: "Juan Dela Cruz".into(),
            email: "juan@example.com".into(),
            phone: None,
            success_url: "https://shop.example/ok".into(),
            cancel_url: None,
            promo_code: None,
        };
        let id = db
            .blocking(|c| {
                seed::insert_if_empty(c, now)?;
                let created = create(c, &req, now, Duration::from_secs(60))?;
                Ok(pay(c, &created.id, now)?.ticket_ids[0].clone())
            })
            .unwrap();
        (db, id)
    }

    fn vip_sold(db: &crate::db::Db) -> i64 {
        db.blocking(|c| {
            Ok(c.query_row("SELECT quantity_sold FROM ticket_tiers WHERE id = ?1", [seed::JAZZ_VIP], |r| r.get(0))?)
        })
        .unwrap()
    }

    #[test]
    fn refunding_returns_the_seat_and_cannot_happen_twice() {
        let (db, id) = sold_ticket();
        assert_eq!(vip_sold(&db), 38);
        let (ticket, _) = db.blocking(|c| refund(c, &id, Utc::now())).unwrap();
        assert_eq!(ticket.refund_json()["status"], "refunded");
        assert_eq!(vip_sold(&db), 37);
        let again = db.blocking(|c| refund(c, &id, Utc::now())).unwrap_err();
        assert!(matches!(again, SandboxError::Conflict(_)));
        assert_eq!(vip_sold(&db), 37);
    }

    #[test]
    fn a_ticket_checks_in_once_and_refunded_tickets_not_at_all() {
        let (db, id) = sold_ticket();
        let (ticket, _) = db.blocking(|c| check_in(c, &id, Utc::now())).unwrap();
        assert_eq!(ticket.check_in_json()["status"], "used");
        assert_eq!(db.blocking(|c| find(c, &id)).unwrap().to_json()["status"], "checked_in");
        let err = db.blocking(|c| check_in(c, &id, Utc::now())).unwrap_err().to_string();
        assert!(err.starts_with("Ticket was already checked in at "), "{err}");

        let (db, id) = sold_ticket();
        db.blocking(|c| refund(c, &id, Utc::now())).unwrap();
        let err = db.blocking(|c| check_in(c, &id, Utc::now())).unwrap_err().to_string();
        assert_eq!(err, "Ticket is refunded and not valid for entry");
    }
}
