//! Hosted checkout sessions: created by `POST /checkouts`, they hold seats until paid,
//! cancelled or expired. Expiry is lazy: any read or write treats a session whose
//! `expires_at` has passed as released (and marks it expired), so no timer is needed.
//!
//! A session may carry a promo code (`promo_code`, a sandbox-supported field the HangHut
//! document does not list for checkouts): its price (subtotal, discount, total) is locked
//! when the session opens, and an open session reserves one use of the code (see
//! `promo_codes`).

use crate::clock::{from_millis, plus, rfc3339};
use crate::error::{Result, SandboxError};
use crate::events::{event_not_found, tiers_of};
use crate::json_body::{check_http_url, object, optional_str, required_int, required_str};
use crate::outbox;
use crate::price::{price_order, to_major_number};
use crate::promo_codes::{self, discount_from_stored};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};
use std::time::Duration;
use tessera_core::order::Problem;
use tessera_core::{BuyerName, Discount, Email, Phone};

/// The sandbox has one way to pay; HangHut reports the method on each order.
const PAYMENT_METHOD: &str = "card";

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CheckoutRequest {
    pub event_id: String,
    pub tier_id: Option<String>,
    pub quantity: i64,
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub success_url: String,
    pub cancel_url: Option<String>,
    /// As typed, trimmed; blank counts as not given. Matched case-insensitively.
    pub promo_code: Option<String>,
}

impl CheckoutRequest {
    /// Checks fields in the document's order and reports the first problem, naming the field.
    pub(crate) fn from_json(body: &Value) -> Result<CheckoutRequest> {
        let obj = object(body, "Request body")?;
        let event_id = required_str(obj, "event_id", "event_id")?;
        let tier_id = optional_str(obj, "tier_id", "tier_id")?;
        let quantity = required_int(obj, "quantity", "quantity", 1)?;
        let customer = match obj.get("customer") {
            None | Some(Value::Null) => {
                return Err(SandboxError::BadRequest("customer is required, with name and email".into()))
            }
            Some(c) => object(c, "customer")?,
        };
        let name = optional_str(customer, "name", "customer.name")?.unwrap_or_default();
        let name = BuyerName::parse(&name).map_err(|p| field_problem("customer.name", p))?;
        let email = optional_str(customer, "email", "customer.email")?.unwrap_or_default();
        let email = Email::parse(&email).map_err(|p| field_problem("customer.email", p))?;
        let phone = optional_str(customer, "phone", "customer.phone")?;
        let phone = Phone::parse_optional(phone.as_deref()).map_err(|p| field_problem("customer.phone", p))?;
        let success_url = required_str(obj, "success_url", "success_url")?;
        check_http_url(&success_url, "success_url")?;
        let cancel_url = optional_str(obj, "cancel_url", "cancel_url")?;
        if let Some(url) = &cancel_url {
            check_http_url(url, "cancel_url")?;
        }
        let promo_code = optional_str(obj, "promo_code", "promo_code")?;
        Ok(CheckoutRequest {
            event_id,
            tier_id,
            quantity,
            name: name.as_str().to_owned(),
            email: email.as_str().to_owned(),
            phone: phone.map(|p| p.as_str().to_owned()),
            success_url,
            cancel_url,
            promo_code,
        })
    }
}

fn field_problem(name: &str, problem: Problem) -> SandboxError {
    SandboxError::BadRequest(match (name, problem) {
        (_, Problem::Missing) => format!("{name} is required"),
        (_, Problem::TooLong(n)) => format!("{name} must be at most {n} characters"),
        ("customer.email", _) => format!("{name} is not a valid email address, like juan@example.com"),
        ("customer.phone", _) => format!("{name} must be a phone number with 6 to 15 digits, like +63 917 123 4567"),
        _ => format!("{name} contains characters that are not allowed"),
    })
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CreatedCheckout {
    pub id: String,
    pub expires_at: DateTime<Utc>,
}

impl CreatedCheckout {
    pub(crate) fn to_json(&self, origin: &str) -> Value {
        json!({
            "checkout_id": self.id,
            "checkout_url": format!("{origin}/checkout/{}", self.id),
            "expires_at": rfc3339(self.expires_at),
        })
    }
}

/// Opens a session holding `quantity` seats and, with a promo code, one use of it. The
/// availability and usage checks and the insert share one `BEGIN IMMEDIATE` transaction, so
/// concurrent requests can never oversell a tier or overuse a code.
pub(crate) fn create(
    conn: &mut Connection,
    req: &CheckoutRequest,
    now: DateTime<Utc>,
    ttl: Duration,
) -> Result<CreatedCheckout> {
    let tx = crate::db::immediate(conn)?;
    expire_stale(&tx, now)?;
    let (title, status): (String, String) = tx
        .query_row("SELECT title, status FROM events WHERE id = ?1", [&req.event_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(event_not_found)?;
    let tiers = tiers_of(&tx, &req.event_id, now)?;
    let tier = match &req.tier_id {
        Some(id) => {
            tiers.iter().find(|t| &t.id == id).ok_or_else(|| SandboxError::NotFound("Ticket tier not found".into()))?
        }
        None => tiers.first().ok_or_else(|| SandboxError::Conflict(format!("{title} has no ticket tiers to sell")))?,
    };
    if status != "active" {
        return Err(SandboxError::Conflict(format!("{title} is not on sale (status: {status})")));
    }
    let available = tier.available();
    if req.quantity > available {
        return Err(SandboxError::Conflict(match available {
            0 => format!("{} is sold out", tier.name),
            1 => format!("Only 1 ticket left in {}", tier.name),
            n => format!("Only {n} tickets left in {}", tier.name),
        }));
    }
    let promo = match &req.promo_code {
        Some(raw) => Some(promo_codes::reserve(&tx, &req.event_id, raw, now)?),
        None => None,
    };
    let price = price_order(tier.price_minor, req.quantity, promo.as_ref().map(|p| &p.discount))
        .map_err(|_| SandboxError::BadRequest("quantity is too large to price".into()))?;
    let id = format!("pi_{}", uuid::Uuid::new_v4().simple());
    let expires_at = plus(now, ttl);
    tx.execute(
        "INSERT INTO checkout_sessions (id, event_id, tier_id, quantity, unit_price_minor, customer_name,
                customer_email, customer_phone, success_url, cancel_url, status, created_at, expires_at_ms,
                promo_code_id, subtotal_minor, discount_minor, total_minor)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'open', ?11, ?12, ?13, ?14, ?15, ?16)",
        params![
            id,
            req.event_id,
            tier.id,
            req.quantity,
            tier.price_minor,
            req.name,
            req.email,
            req.phone,
            req.success_url,
            req.cancel_url,
            rfc3339(now),
            expires_at.timestamp_millis(),
            promo.as_ref().map(|p| p.id.as_str()),
            price.subtotal_minor,
            price.discount_minor,
            price.total_minor
        ],
    )?;
    tx.commit()?;
    Ok(CreatedCheckout { id, expires_at })
}

/// Releases the seats of every open session past its expiry.
pub(crate) fn expire_stale(conn: &Connection, now: DateTime<Utc>) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE checkout_sessions SET status = 'expired' WHERE status = 'open' AND expires_at_ms < ?1",
        [now.timestamp_millis()],
    )?)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SessionStatus {
    Open,
    Paid,
    Cancelled,
    Expired,
}

/// The promo code a session was opened with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SessionPromo {
    pub id: String,
    /// Upper-cased, as stored.
    pub code: String,
    pub discount: Discount,
}

/// A session with what the hosted page shows about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Session {
    pub id: String,
    pub event_id: String,
    pub event_title: String,
    pub tier_id: String,
    pub tier_name: String,
    pub quantity: i64,
    pub unit_price_minor: i64,
    /// unit price × quantity.
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    /// What paying charges: subtotal − discount, 0 for a free order.
    pub total_minor: i64,
    pub promo: Option<SessionPromo>,
    pub customer_name: String,
    pub customer_email: String,
    pub success_url: String,
    pub cancel_url: Option<String>,
    pub status: SessionStatus,
    pub expires_at: DateTime<Utc>,
}

pub(crate) fn session_not_found() -> SandboxError {
    SandboxError::NotFound("Checkout session not found".into())
}

/// The promo columns of a session row, before the discount is rebuilt from its stored form.
type RawPromo = Option<(String, String, String, i64)>;

/// The session as of `now`: an open one past its expiry reads as expired.
pub(crate) fn load(conn: &Connection, id: &str, now: DateTime<Utc>) -> Result<Session> {
    expire_stale(conn, now)?;
    let (session, promo): (Session, RawPromo) = conn
        .query_row(
            "SELECT s.id, s.event_id, e.title, s.tier_id, t.name, s.quantity, s.unit_price_minor, s.customer_name,
                s.customer_email, s.success_url, s.cancel_url, s.status, s.expires_at_ms,
                s.subtotal_minor, s.discount_minor, s.total_minor,
                p.id, p.code, p.discount_type, p.discount_value
           FROM checkout_sessions s
           JOIN events e ON e.id = s.event_id
           JOIN ticket_tiers t ON t.id = s.tier_id
           LEFT JOIN promo_codes p ON p.id = s.promo_code_id
          WHERE s.id = ?1",
            [id],
            |r| {
                let status: String = r.get(11)?;
                let promo: RawPromo = match r.get::<_, Option<String>>(16)? {
                    Some(promo_id) => Some((promo_id, r.get(17)?, r.get(18)?, r.get(19)?)),
                    None => None,
                };
                let session = Session {
                    id: r.get(0)?,
                    event_id: r.get(1)?,
                    event_title: r.get(2)?,
                    tier_id: r.get(3)?,
                    tier_name: r.get(4)?,
                    quantity: r.get(5)?,
                    unit_price_minor: r.get(6)?,
                    subtotal_minor: r.get(13)?,
                    discount_minor: r.get(14)?,
                    total_minor: r.get(15)?,
                    promo: None,
                    customer_name: r.get(7)?,
                    customer_email: r.get(8)?,
                    success_url: r.get(9)?,
                    cancel_url: r.get(10)?,
                    status: match status.as_str() {
                        "open" => SessionStatus::Open,
                        "paid" => SessionStatus::Paid,
                        "cancelled" => SessionStatus::Cancelled,
                        _ => SessionStatus::Expired,
                    },
                    expires_at: from_millis(r.get(12)?),
                };
                Ok((session, promo))
            },
        )
        .optional()?
        .ok_or_else(session_not_found)?;
    let promo = match promo {
        Some((id, code, discount_type, value)) => {
            Some(SessionPromo { id, code, discount: discount_from_stored(&discount_type, value)? })
        }
        None => None,
    };
    Ok(Session { promo, ..session })
}

#[derive(Debug)]
pub(crate) struct Payment {
    pub session: Session,
    /// Tickets created by this call; empty when the session had already been paid.
    pub ticket_ids: Vec<String>,
}

/// Pays an open session in one transaction: tickets, sold count, order (at the session's
/// discounted total), the promo code's use, and one `ticket.purchased` delivery per ticket.
/// A free order (total 0) is paid the same way. Paying again changes nothing.
pub(crate) fn pay(conn: &mut Connection, id: &str, now: DateTime<Utc>) -> Result<Payment> {
    let tx = crate::db::immediate(conn)?;
    let session = load(&tx, id, now)?;
    match session.status {
        SessionStatus::Paid => return Ok(Payment { session, ticket_ids: Vec::new() }),
        SessionStatus::Cancelled => {
            return Err(SandboxError::Conflict(
                "This checkout was cancelled. Start a new checkout to buy tickets.".into(),
            ))
        }
        SessionStatus::Expired => {
            tx.commit()?;
            return Err(SandboxError::Conflict(
                "This checkout session expired and its seats were released. Start a new checkout to buy tickets."
                    .into(),
            ));
        }
        SessionStatus::Open => {}
    }
    let event_status: String =
        tx.query_row("SELECT status FROM events WHERE id = ?1", [&session.event_id], |r| r.get(0))?;
    if event_status != "active" {
        return Err(SandboxError::Conflict(format!("{} is no longer on sale", session.event_title)));
    }
    // The session's hold guarantees the seats; the guard only matters if a tier was shrunk by hand.
    let sold = tx.execute(
        "UPDATE ticket_tiers SET quantity_sold = quantity_sold + ?2 WHERE id = ?1 AND quantity_sold + ?2 <= quantity_total",
        params![session.tier_id, session.quantity],
    )?;
    if sold == 0 {
        return Err(SandboxError::Conflict(format!("{} is sold out", session.tier_name)));
    }
    let paid_at = rfc3339(now);
    tx.execute("UPDATE checkout_sessions SET status = 'paid', paid_at = ?2 WHERE id = ?1", params![id, paid_at])?;
    let mut ticket_ids = Vec::with_capacity(session.quantity as usize);
    for _ in 0..session.quantity {
        let ticket_id = uuid::Uuid::new_v4().to_string();
        tx.execute(
            "INSERT INTO tickets (id, checkout_id, event_id, tier_id, status, price_minor, customer_name,
                                  customer_email, purchased_at)
             VALUES (?1, ?2, ?3, ?4, 'sold', ?5, ?6, ?7, ?8)",
            params![
                ticket_id,
                id,
                session.event_id,
                session.tier_id,
                session.unit_price_minor,
                session.customer_name,
                session.customer_email,
                paid_at
            ],
        )?;
        let mut data = json!({
            "ticket_id": ticket_id,
            "order_id": id,
            "event_id": session.event_id,
            "tier_id": session.tier_id,
            "customer": { "name": session.customer_name },
            "amount": to_major_number(session.unit_price_minor),
        });
        if let Some(promo) = &session.promo {
            data["promo_code"] = json!(promo.code);
        }
        outbox::enqueue(&tx, "ticket.purchased", data, now)?;
        ticket_ids.push(ticket_id);
    }
    tx.execute(
        "INSERT INTO orders (id, event_id, customer_name, customer_email, quantity, total_minor, status,
                             payment_method, paid_at, paid_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'completed', ?7, ?8, ?9)",
        params![
            id,
            session.event_id,
            session.customer_name,
            session.customer_email,
            session.quantity,
            session.total_minor,
            PAYMENT_METHOD,
            paid_at,
            now.timestamp_millis()
        ],
    )?;
    if let Some(promo) = &session.promo {
        promo_codes::count_use(&tx, &promo.id)?;
    }
    tx.commit()?;
    Ok(Payment { session: Session { status: SessionStatus::Paid, ..session }, ticket_ids })
}

/// Cancels an open session and releases its seats and any promo-code reservation. Cancelling a cancelled or expired session
/// is harmless; a paid one is refused (refund its tickets instead).
pub(crate) fn cancel(conn: &mut Connection, id: &str, now: DateTime<Utc>) -> Result<Session> {
    let tx = crate::db::immediate(conn)?;
    let session = load(&tx, id, now)?;
    match session.status {
        SessionStatus::Paid => {
            return Err(SandboxError::Conflict(
                "This checkout is already paid. Ask the organiser for a refund instead.".into(),
            ))
        }
        SessionStatus::Open => {
            tx.execute("UPDATE checkout_sessions SET status = 'cancelled' WHERE id = ?1", [id])?;
        }
        SessionStatus::Cancelled | SessionStatus::Expired => {}
    }
    tx.commit()?;
    let status = if session.status == SessionStatus::Open { SessionStatus::Cancelled } else { session.status };
    Ok(Session { status, ..session })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::find;
    use crate::seed;

    fn seeded() -> crate::db::Db {
        let db = crate::db::in_memory();
        db.blocking(|c| seed::insert_if_empty(c, Utc::now())).unwrap();
        db
    }

    fn request(tier: Option<&str>, quantity: i64) -> CheckoutRequest {
        CheckoutRequest {
            event_id: seed::JAZZ_NIGHT.into(),
            tier_id: tier.map(Into::into),
            quantity,
            name: "Juan Dela Cruz".into(),
            email: "juan@example.com".into(),
            phone: None,
            success_url: "https://shop.example/thanks".into(),
            cancel_url: None,
            promo_code: None,
        }
    }

    fn body() -> Value {
        json!({"event_id": seed::JAZZ_NIGHT, "quantity": 2,
               "customer": {"name": "Juan Dela Cruz", "email": "juan@example.com"},
               "success_url": "https://shop.example/thanks"})
    }

    fn problem(change: impl FnOnce(&mut Value)) -> String {
        let mut b = body();
        change(&mut b);
        CheckoutRequest::from_json(&b).unwrap_err().to_string()
    }

    #[test]
    fn a_complete_request_parses() {
        let req = CheckoutRequest::from_json(&body()).unwrap();
        assert_eq!(req.quantity, 2);
        assert_eq!(req.tier_id, None);
    }

    #[test]
    fn each_invalid_field_gets_its_own_message() {
        assert_eq!(problem(|b| b["quantity"] = json!(0)), "quantity must be an integer of at least 1");
        assert_eq!(problem(|b| b["quantity"] = json!(1.5)), "quantity must be an integer of at least 1");
        assert_eq!(problem(|b| b["quantity"] = json!("2")), "quantity must be an integer of at least 1");
        assert_eq!(
            problem(|b| {
                b.as_object_mut().unwrap().remove("quantity");
            }),
            "quantity is required"
        );
        assert_eq!(
            problem(|b| {
                b.as_object_mut().unwrap().remove("event_id");
            }),
            "event_id is required"
        );
        assert_eq!(
            problem(|b| {
                b["customer"].as_object_mut().unwrap().remove("email");
            }),
            "customer.email is required"
        );
        assert_eq!(
            problem(|b| {
                b["customer"].as_object_mut().unwrap().remove("name");
            }),
            "customer.name is required"
        );
        assert!(problem(|b| b["customer"]["email"] = json!("juan@")).starts_with("customer.email is not a valid email"));
        assert!(problem(|b| b["customer"]["phone"] = json!("call me")).starts_with("customer.phone must be"));
        assert!(problem(|b| b["success_url"] = json!("/thanks")).starts_with("success_url must be an absolute"));
        assert!(
            problem(|b| b["cancel_url"] = json!("javascript:alert(1)")).starts_with("cancel_url must be an absolute")
        );
        assert_eq!(
            problem(|b| {
                b.as_object_mut().unwrap().remove("customer");
            }),
            "customer is required, with name and email"
        );
        assert_eq!(
            CheckoutRequest::from_json(&json!([1])).unwrap_err().to_string(),
            "Request body must be a JSON object"
        );
    }

    #[test]
    fn omitted_tier_means_the_first_tier() {
        let db = seeded();
        let created = db.blocking(|c| create(c, &request(None, 1), Utc::now(), Duration::from_secs(60))).unwrap();
        let session = db.blocking(|c| load(c, &created.id, Utc::now())).unwrap();
        assert_eq!(session.tier_id, seed::JAZZ_GA);
        assert_eq!(session.unit_price_minor, 100_000);
    }

    #[test]
    fn open_sessions_hold_seats_until_they_expire() {
        let db = seeded();
        let now = Utc::now();
        let ttl = Duration::from_secs(60);
        db.blocking(|c| create(c, &request(Some(seed::JAZZ_VIP), 2), now, ttl)).unwrap();
        let vip = |at| db.blocking(|c| find(c, seed::JAZZ_NIGHT, at)).unwrap().tiers[1].available();
        assert_eq!(vip(now), 1);
        let err = db.blocking(|c| create(c, &request(Some(seed::JAZZ_VIP), 2), now, ttl)).unwrap_err();
        assert_eq!(err.to_string(), "Only 1 ticket left in VIP");
        assert_eq!(vip(now + chrono::Duration::seconds(61)), 3);
    }

    #[test]
    fn sold_out_tiers_and_unknown_tiers_are_refused() {
        let db = seeded();
        let now = Utc::now();
        let ttl = Duration::from_secs(60);
        let err = db.blocking(|c| create(c, &request(Some(seed::JAZZ_EARLY), 1), now, ttl)).unwrap_err();
        assert_eq!(err.to_string(), "Early Bird is sold out");
        let err = db.blocking(|c| create(c, &request(Some(seed::COMEDY_STANDARD), 1), now, ttl)).unwrap_err();
        assert!(matches!(err, SandboxError::NotFound(ref m) if m == "Ticket tier not found"));
        let mut draft = request(None, 1);
        draft.event_id = seed::WINTER_MARKET.into();
        assert!(matches!(db.blocking(|c| create(c, &draft, now, ttl)).unwrap_err(), SandboxError::Conflict(_)));
    }

    #[test]
    fn paying_sells_the_seats_once() {
        let db = seeded();
        let now = Utc::now();
        let created =
            db.blocking(|c| create(c, &request(Some(seed::JAZZ_VIP), 2), now, Duration::from_secs(60))).unwrap();
        let first = db.blocking(|c| pay(c, &created.id, now)).unwrap();
        assert_eq!(first.ticket_ids.len(), 2);
        let second = db.blocking(|c| pay(c, &created.id, now)).unwrap();
        assert!(second.ticket_ids.is_empty());
        let vip = db.blocking(|c| find(c, seed::JAZZ_NIGHT, now)).unwrap().tiers[1].clone();
        assert_eq!((vip.quantity_sold, vip.available()), (39, 1));
        let total: i64 = db
            .blocking(|c| Ok(c.query_row("SELECT total_minor FROM orders WHERE id = ?1", [&created.id], |r| r.get(0))?))
            .unwrap();
        assert_eq!(total, 500_000);
    }

    #[test]
    fn expired_and_cancelled_sessions_cannot_be_paid() {
        let db = seeded();
        let now = Utc::now();
        let ttl = Duration::from_secs(60);
        let a = db.blocking(|c| create(c, &request(None, 1), now, ttl)).unwrap();
        let later = now + chrono::Duration::seconds(61);
        assert!(matches!(db.blocking(|c| pay(c, &a.id, later)).unwrap_err(), SandboxError::Conflict(_)));
        assert_eq!(db.blocking(|c| load(c, &a.id, later)).unwrap().status, SessionStatus::Expired);
        let b = db.blocking(|c| create(c, &request(None, 1), now, ttl)).unwrap();
        assert_eq!(db.blocking(|c| cancel(c, &b.id, now)).unwrap().status, SessionStatus::Cancelled);
        assert!(matches!(db.blocking(|c| pay(c, &b.id, now)).unwrap_err(), SandboxError::Conflict(_)));
    }

    /// A code on Jazz Night, created through the same path as `POST /promo-codes`.
    fn promo(db: &crate::db::Db, body: Value) -> String {
        let mut full = json!({"event_id": seed::JAZZ_NIGHT, "code": "EARLYBIRD", "discount_type": "percentage",
                              "discount_amount": 20});
        full.as_object_mut().unwrap().extend(body.as_object().unwrap().clone());
        let new = promo_codes::NewPromoCode::from_json(&full).unwrap();
        db.blocking(|c| promo_codes::create(c, &new, Utc::now())).unwrap().id
    }

    fn with_code(code: &str, quantity: i64) -> CheckoutRequest {
        CheckoutRequest { promo_code: Some(code.into()), ..request(Some(seed::JAZZ_GA), quantity) }
    }

    fn usage_count(db: &crate::db::Db, id: &str) -> i64 {
        db.blocking(|c| promo_codes::find(c, id)).unwrap().usage_count
    }

    #[test]
    fn the_promo_code_field_is_optional_and_blank_means_none() {
        let mut b = body();
        b["promo_code"] = json!("  earlybird ");
        assert_eq!(CheckoutRequest::from_json(&b).unwrap().promo_code.as_deref(), Some("earlybird"));
        b["promo_code"] = json!("   ");
        assert_eq!(CheckoutRequest::from_json(&b).unwrap().promo_code, None);
        b["promo_code"] = json!(20);
        assert_eq!(CheckoutRequest::from_json(&b).unwrap_err().to_string(), "promo_code must be a string");
    }

    #[test]
    fn a_promo_session_locks_its_discounted_price_and_the_order_charges_it() {
        let db = seeded();
        let now = Utc::now();
        let code_id = promo(&db, json!({}));
        let created = db.blocking(|c| create(c, &with_code("earlybird", 2), now, Duration::from_secs(60))).unwrap();
        let session = db.blocking(|c| load(c, &created.id, now)).unwrap();
        assert_eq!((session.subtotal_minor, session.discount_minor, session.total_minor), (200_000, 40_000, 160_000));
        let applied = session.promo.unwrap();
        assert_eq!((applied.id.as_str(), applied.code.as_str()), (code_id.as_str(), "EARLYBIRD"));
        assert_eq!(usage_count(&db, &code_id), 0, "reserved, not yet counted");
        db.blocking(|c| pay(c, &created.id, now)).unwrap();
        let total: i64 = db
            .blocking(|c| Ok(c.query_row("SELECT total_minor FROM orders WHERE id = ?1", [&created.id], |r| r.get(0))?))
            .unwrap();
        assert_eq!(total, 160_000);
        assert_eq!(usage_count(&db, &code_id), 1);
        db.blocking(|c| pay(c, &created.id, now)).unwrap();
        assert_eq!(usage_count(&db, &code_id), 1, "paying again counts nothing");
    }

    #[test]
    fn an_open_session_reserves_the_last_use_until_cancelled_or_expired() {
        let db = seeded();
        let now = Utc::now();
        let ttl = Duration::from_secs(60);
        let code_id = promo(&db, json!({"usage_limit": 1}));
        let first = db.blocking(|c| create(c, &with_code("EARLYBIRD", 1), now, ttl)).unwrap();
        let err = db.blocking(|c| create(c, &with_code("EARLYBIRD", 1), now, ttl)).unwrap_err();
        assert!(matches!(err, SandboxError::Conflict(ref m) if m == promo_codes::USED_UP), "{err}");
        db.blocking(|c| cancel(c, &first.id, now)).unwrap();
        let second = db.blocking(|c| create(c, &with_code("EARLYBIRD", 1), now, ttl)).unwrap();
        // Past the second session's expiry its reservation is released too.
        let later = now + chrono::Duration::seconds(61);
        let third = db.blocking(|c| create(c, &with_code("EARLYBIRD", 1), later, ttl)).unwrap();
        assert_eq!(db.blocking(|c| load(c, &second.id, later)).unwrap().status, SessionStatus::Expired);
        db.blocking(|c| pay(c, &third.id, later)).unwrap();
        assert_eq!(usage_count(&db, &code_id), 1);
        let err = db.blocking(|c| create(c, &with_code("EARLYBIRD", 1), later, ttl)).unwrap_err();
        assert!(matches!(err, SandboxError::Conflict(_)));
        // A refused promo leaves no seats held.
        let ga = db.blocking(|c| find(c, seed::JAZZ_NIGHT, later)).unwrap().tiers[0].clone();
        assert_eq!((ga.quantity_sold, ga.held), (41, 0));
    }

    #[test]
    fn the_purchase_webhook_names_the_order_and_the_code() {
        let db = seeded();
        let now = Utc::now();
        db.blocking(|c| {
            c.execute(
                "INSERT INTO webhook_endpoints (id, url, secret, events, is_active, source, created_at)
                 VALUES ('wh_1', 'http://127.0.0.1:9/', 'whsec_x', '[]', 1, 'api', 'now')",
                [],
            )?;
            Ok(())
        })
        .unwrap();
        promo(&db, json!({}));
        let ttl = Duration::from_secs(60);
        let with = db.blocking(|c| create(c, &with_code("EarlyBird", 1), now, ttl)).unwrap();
        let without = db.blocking(|c| create(c, &request(Some(seed::JAZZ_GA), 1), now, ttl)).unwrap();
        db.blocking(|c| pay(c, &with.id, now)).unwrap();
        db.blocking(|c| pay(c, &without.id, now)).unwrap();
        let bodies: Vec<Value> = db
            .blocking(|c| {
                let mut stmt = c.prepare("SELECT body FROM webhook_deliveries ORDER BY seq")?;
                let rows = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
                Ok(rows.iter().map(|b| serde_json::from_str(b).unwrap()).collect())
            })
            .unwrap();
        let data: Vec<&Value> = bodies.iter().map(|b| &b["data"]).collect();
        assert_eq!(data[0]["order_id"], with.id.as_str());
        assert_eq!(data[0]["promo_code"], "EARLYBIRD");
        assert_eq!(data[0]["amount"], 1000, "amount stays the unit price");
        assert_eq!(data[1]["order_id"], without.id.as_str());
        assert!(data[1].get("promo_code").is_none());
    }
}
