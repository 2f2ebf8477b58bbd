//! Purchase orders, one per paid checkout session (the order id is the checkout id).

use crate::error::Result;
use crate::pagination::Page;
use crate::price::to_major_number;
use rusqlite::{params, Connection};
use serde_json::{json, Value};

pub(crate) const MAX_PER_PAGE: u32 = 50;

/// One page of orders, newest first, optionally for one event, and the total count.
pub(crate) fn list(conn: &Connection, event_id: Option<&str>, page: Page) -> Result<(Vec<Value>, i64)> {
    let total: i64 =
        conn.query_row("SELECT COUNT(*) FROM orders WHERE ?1 IS NULL OR event_id = ?1", [event_id], |r| r.get(0))?;
    let mut stmt = conn.prepare_cached(
        "SELECT o.id, o.event_id, e.title, o.customer_name, o.customer_email, o.quantity, o.total_minor,
                o.status, o.payment_method, o.paid_at
           FROM orders o JOIN events e ON e.id = o.event_id
          WHERE ?1 IS NULL OR o.event_id = ?1
          ORDER BY o.paid_at_ms DESC, o.id
          LIMIT ?2 OFFSET ?3",
    )?;
    let orders = stmt
        .query_map(params![event_id, page.limit(), page.offset()], |r| {
            Ok(json!({
                "id": r.get::<_, String>(0)?,
                "event": { "id": r.get::<_, String>(1)?, "title": r.get::<_, String>(2)? },
                "customer": { "name": r.get::<_, String>(3)?, "email": r.get::<_, String>(4)? },
                "quantity": r.get::<_, i64>(5)?,
                "total_amount": to_major_number(r.get(6)?),
                "status": r.get::<_, String>(7)?,
                "payment_method": r.get::<_, String>(8)?,
                "paid_at": r.get::<_, String>(9)?,
            }))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok((orders, total))
}
