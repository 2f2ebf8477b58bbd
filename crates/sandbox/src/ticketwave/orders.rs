//! Orders: a paid one made with the sandbox-only `POST /sandbox/orders` (the platform's own
//! checkout is not in the document), read with `GET /api/admin/orders/:id` and refunded in
//! full or in part with `POST /api/admin/orders/:id/refund`.

use super::body::{self, amount_text, price_minor};
use super::error::{missing_fields, TwError, TwResult};
use super::events::{self, currency_of};
use super::server::TwState;
use super::{store, webhooks};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Most tickets one sandbox order may hold (the document names no limit).
pub(crate) const MAX_TICKETS_PER_ORDER: u32 = 20;

/// An order as `order.created` describes it, in the document's field order. The sandbox
/// sells no add-ons, promo codes or affiliate links: those are always empty.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OrderData {
    pub order_id: String,
    pub order_number: String,
    pub status: String,
    pub customer_name: String,
    pub customer_email: String,
    pub phone: Option<String>,
    pub event_id: String,
    pub event_title: String,
    pub event_date: String,
    pub subtotal: String,
    pub discount: String,
    pub total: String,
    pub currency: String,
    pub tickets: Vec<TicketData>,
    pub add_ons: Vec<Value>,
    pub promo_code: Option<String>,
    pub affiliate_code: Option<String>,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TicketData {
    pub ticket_id: String,
    pub tier_name: String,
    pub holder_name: String,
    pub qr_code: String,
}

/// `order.refunded` data, in the document's field order.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RefundedData<'a> {
    order_id: &'a str,
    order_number: &'a str,
    customer_name: &'a str,
    customer_email: &'a str,
    event_title: &'a str,
    refund_amount: &'a str,
    currency: &'a str,
    reason: &'a str,
    is_full_refund: bool,
    stripe_refund_id: &'a str,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewOrder {
    event_id: Option<String>,
    tier_name: Option<String>,
    quantity: Option<u32>,
    customer_name: Option<String>,
    customer_email: Option<String>,
    phone: Option<String>,
}

/// Sandbox-only: a buyer pays for `quantity` tickets of one tier. Answers 201 with the
/// order (as `order.created` describes it) and sends `order.created`.
pub(crate) async fn create(State(state): State<TwState>, bytes: Bytes) -> TwResult<(StatusCode, Json<OrderData>)> {
    let new: NewOrder = body::parse(&bytes)?;
    let (Some(event_id), Some(tier_name), Some(name), Some(email)) =
        (new.event_id, new.tier_name, new.customer_name, new.customer_email)
    else {
        return Err(missing_fields());
    };
    let quantity = new.quantity.unwrap_or(1);
    if !(1..=MAX_TICKETS_PER_ORDER).contains(&quantity) {
        return Err(TwError::BadRequest(format!("quantity must be 1 to {MAX_TICKETS_PER_ORDER}")));
    }
    let (name, email) = (name.trim().to_owned(), email.trim().to_owned());
    if name.is_empty() || !email.contains('@') {
        return Err(TwError::BadRequest("customerName and a customerEmail with an @ are required".into()));
    }
    let phone = new.phone.map(|p| p.trim().to_owned()).filter(|p| !p.is_empty());
    let order = state
        .store()
        .call(move |c| {
            let tx = store::immediate(c)?;
            let event = events::require(&tx, &event_id)?;
            if event.status != "published" {
                return Err(TwError::Conflict("The event is not on sale".into()));
            }
            let (price, left): (i64, u32) = tx
                .query_row(
                    "SELECT price_minor, quantity - sold FROM tiers WHERE event_id = ?1 AND name = ?2",
                    params![event_id, tier_name],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?
                .ok_or(TwError::NotFound("Tier not found"))?;
            if left < quantity {
                return Err(TwError::Conflict(format!("Only {left} tickets of {tier_name} are left")));
            }
            let now = super::now();
            let id = format!("ord_{}", random_hex(8));
            let number = format!("TW-{}-{}", now.format("%Y"), random_hex(6).to_ascii_uppercase());
            let total = price * i64::from(quantity);
            tx.execute(
                "INSERT INTO orders (id, number, event_id, customer_name, customer_email, phone, subtotal_minor,
                                     total_minor, status, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, 'paid', ?8)",
                params![id, number, event_id, name, email, phone, total, super::stamp(now)],
            )?;
            let code = tier_code(&tier_name);
            for _ in 0..quantity {
                let hex = random_hex(6);
                tx.execute(
                    "INSERT INTO tickets (id, order_id, tier_name, holder_name, qr_code) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![
                        format!("tkt_{hex}"),
                        id,
                        tier_name,
                        name,
                        format!("TW-{code}-{}", hex.to_ascii_uppercase())
                    ],
                )?;
            }
            tx.execute(
                "UPDATE tiers SET sold = sold + ?3 WHERE event_id = ?1 AND name = ?2",
                params![event_id, tier_name, quantity],
            )?;
            let order = load(&tx, &id)?.ok_or_else(|| TwError::Internal("the new order vanished".into()))?;
            webhooks::enqueue(&tx, "order.created", &order, now)?;
            tx.commit()?;
            Ok(order)
        })
        .await?;
    state.wake_sender();
    Ok((StatusCode::CREATED, Json(order)))
}

pub(crate) async fn get(State(state): State<TwState>, Path(id): Path<String>) -> TwResult<Json<OrderData>> {
    let order = state.store().call(move |c| load(c, &id)).await?;
    order.map(Json).ok_or(TwError::NotFound("Order not found"))
}

pub(crate) fn load(conn: &Connection, id: &str) -> TwResult<Option<OrderData>> {
    let row = conn
        .query_row(
            "SELECT o.number, o.status, o.customer_name, o.customer_email, o.phone, o.event_id, e.title, e.date,
                    o.subtotal_minor, o.total_minor, e.currency
               FROM orders o JOIN events e ON e.id = o.event_id WHERE o.id = ?1",
            [id],
            |r| {
                Ok((
                    (r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?),
                    (r.get::<_, Option<String>>(4)?, r.get::<_, String>(5)?, r.get::<_, String>(6)?),
                    (r.get::<_, String>(7)?, r.get::<_, i64>(8)?, r.get::<_, i64>(9)?, r.get::<_, String>(10)?),
                ))
            },
        )
        .optional()?;
    let Some(((number, status, name, email), (phone, event_id, title), (date, subtotal, total, code))) = row else {
        return Ok(None);
    };
    let currency = currency_of(&code)?;
    let mut stmt = conn
        .prepare_cached("SELECT id, tier_name, holder_name, qr_code FROM tickets WHERE order_id = ?1 ORDER BY rowid")?;
    let tickets = stmt
        .query_map([id], |r| {
            Ok(TicketData { ticket_id: r.get(0)?, tier_name: r.get(1)?, holder_name: r.get(2)?, qr_code: r.get(3)? })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some(OrderData {
        order_id: id.to_owned(),
        order_number: number,
        status,
        customer_name: name,
        customer_email: email,
        phone,
        event_id,
        event_title: title,
        event_date: date,
        subtotal: amount_text(subtotal, currency),
        discount: amount_text(subtotal - total, currency),
        total: amount_text(total, currency),
        currency: code,
        tickets,
        add_ons: Vec::new(),
        promo_code: None,
        affiliate_code: None,
    }))
}

#[derive(Deserialize, Default)]
struct RefundRequest {
    reason: Option<String>,
    /// Major units; absent: whatever is left to refund.
    amount: Option<Value>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RefundAnswer {
    order_id: String,
    status: String,
    refund_amount: String,
    currency: String,
    is_full_refund: bool,
    stripe_refund_id: String,
}

/// `POST /api/admin/orders/:id/refund {reason?, amount?}`. `isFullRefund` says the order is
/// now refunded in full (a last partial refund completes it); only then are its tickets
/// void and back on sale.
pub(crate) async fn refund(
    State(state): State<TwState>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> TwResult<Json<Value>> {
    let request: RefundRequest =
        if bytes.iter().all(u8::is_ascii_whitespace) { RefundRequest::default() } else { body::parse(&bytes)? };
    let answer = state
        .store()
        .call(move |c| {
            let tx = store::immediate(c)?;
            let order = load(&tx, &id)?.ok_or(TwError::NotFound("Order not found"))?;
            let currency = currency_of(&order.currency)?;
            let (total, refunded): (i64, i64) =
                tx.query_row("SELECT total_minor, refunded_minor FROM orders WHERE id = ?1", [&id], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
            if order.status == "refunded" {
                return Err(TwError::Conflict("The order is already refunded in full".into()));
            }
            let left = total - refunded;
            let amount = match &request.amount {
                None => left,
                Some(v) => price_minor(v, currency, "amount")?,
            };
            if amount > left || (amount == 0 && left > 0) {
                let most = amount_text(left, currency);
                return Err(TwError::BadRequest(format!("amount must be more than 0 and at most {most}")));
            }
            let full = refunded + amount == total;
            apply_refund(&tx, &id, &order.event_id, amount, full)?;
            let reason = request.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
            let answer = RefundAnswer {
                order_id: id.clone(),
                status: if full { "refunded" } else { "partially_refunded" }.into(),
                refund_amount: amount_text(amount, currency),
                currency: order.currency.clone(),
                is_full_refund: full,
                stripe_refund_id: format!("re_{}", random_hex(10)),
            };
            let data = RefundedData {
                order_id: &id,
                order_number: &order.order_number,
                customer_name: &order.customer_name,
                customer_email: &order.customer_email,
                event_title: &order.event_title,
                refund_amount: &answer.refund_amount,
                currency: &order.currency,
                reason: reason.unwrap_or("customer_request"),
                is_full_refund: full,
                stripe_refund_id: &answer.stripe_refund_id,
            };
            webhooks::enqueue(&tx, "order.refunded", &data, super::now())?;
            tx.commit()?;
            Ok(answer)
        })
        .await?;
    state.wake_sender();
    Ok(Json(serde_json::to_value(answer).map_err(|e| TwError::Internal(e.to_string()))?))
}

/// Records a refund of `amount`; a full one also puts the order's tickets back on sale.
fn apply_refund(tx: &Connection, order_id: &str, event_id: &str, amount: i64, full: bool) -> TwResult<()> {
    let status = if full { "refunded" } else { "partially_refunded" };
    tx.execute(
        "UPDATE orders SET refunded_minor = refunded_minor + ?2, status = ?3 WHERE id = ?1",
        params![order_id, amount, status],
    )?;
    if full {
        tx.execute(
            "UPDATE tiers SET sold = sold - (SELECT COUNT(*) FROM tickets t WHERE t.order_id = ?1
                                                AND t.tier_name = tiers.name)
              WHERE event_id = ?2",
            params![order_id, event_id],
        )?;
    }
    Ok(())
}

/// Refunds every order of an event that is not refunded yet: how many, and how much.
pub(crate) fn refund_all(tx: &Connection, event_id: &str) -> TwResult<(u32, i64)> {
    let open: Vec<(String, i64)> = {
        let mut stmt = tx.prepare(
            "SELECT id, total_minor - refunded_minor FROM orders WHERE event_id = ?1 AND status != 'refunded'",
        )?;
        let rows = stmt.query_map([event_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        rows
    };
    let mut sum = 0;
    for (id, left) in &open {
        apply_refund(tx, id, event_id, *left, true)?;
        sum += left;
    }
    Ok((open.len() as u32, sum))
}

pub(crate) fn count_for_event(conn: &Connection, event_id: &str) -> TwResult<u32> {
    Ok(conn.query_row("SELECT COUNT(*) FROM orders WHERE event_id = ?1", [event_id], |r| r.get(0))?)
}

pub(crate) fn random_hex(len: usize) -> String {
    let mut hex = uuid::Uuid::new_v4().simple().to_string();
    hex.truncate(len);
    hex
}

/// `VIP` in the document's `TW-VIP-ABC123`: the tier's name in capitals, letters and digits.
fn tier_code(tier: &str) -> String {
    let code: String = tier.chars().filter(char::is_ascii_alphanumeric).take(8).collect();
    if code.is_empty() {
        "TKT".into()
    } else {
        code.to_ascii_uppercase()
    }
}
