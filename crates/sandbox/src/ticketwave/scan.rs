//! `POST /api/scan {qrCode, gate?}`: checks a ticket in at the door and sends
//! `checkin.completed`. A ticket is let in once; a refunded order's tickets are void.

use super::auth::Account;
use super::body;
use super::error::{missing_fields, TwError, TwResult};
use super::server::TwState;
use super::{store, webhooks};
use axum::body::Bytes;
use axum::extract::State;
use axum::{Extension, Json};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

/// The gate a scan is recorded at when the scanner names none (the document's example).
const DEFAULT_GATE: &str = "Main Entrance";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ScanRequest {
    qr_code: Option<String>,
    gate: Option<String>,
}

/// `checkin.completed` data, in the document's field order; also the scan's answer.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CheckinData {
    ticket_id: String,
    order_id: String,
    order_number: String,
    holder_name: String,
    tier_name: String,
    event_id: String,
    event_title: String,
    gate: String,
    scanned_by: String,
    checked_in_at: String,
}

pub(crate) async fn scan(
    State(state): State<TwState>,
    Extension(Account(scanner)): Extension<Account>,
    bytes: Bytes,
) -> TwResult<Json<CheckinData>> {
    let request: ScanRequest = body::parse(&bytes)?;
    let qr = request.qr_code.map(|q| q.trim().to_owned()).filter(|q| !q.is_empty()).ok_or_else(missing_fields)?;
    let gate = request.gate.map(|g| g.trim().to_owned()).filter(|g| !g.is_empty());
    let checkin = state
        .store()
        .call(move |c| {
            let tx = store::immediate(c)?;
            let found = tx
                .query_row(
                    "SELECT t.id, t.order_id, o.number, t.holder_name, t.tier_name, o.event_id, e.title,
                            o.status, e.status, t.checked_in_at
                       FROM tickets t JOIN orders o ON o.id = t.order_id JOIN events e ON e.id = o.event_id
                      WHERE t.qr_code = ?1",
                    [&qr],
                    |r| {
                        let data = CheckinData {
                            ticket_id: r.get(0)?,
                            order_id: r.get(1)?,
                            order_number: r.get(2)?,
                            holder_name: r.get(3)?,
                            tier_name: r.get(4)?,
                            event_id: r.get(5)?,
                            event_title: r.get(6)?,
                            gate: gate.unwrap_or_else(|| DEFAULT_GATE.into()),
                            scanned_by: scanner,
                            checked_in_at: String::new(),
                        };
                        Ok((data, r.get::<_, String>(7)?, r.get::<_, String>(8)?, r.get::<_, Option<String>>(9)?))
                    },
                )
                .optional()?;
            let (mut data, order_status, event_status, checked_in) =
                found.ok_or(TwError::NotFound("Ticket not found"))?;
            if order_status == "refunded" || event_status == "cancelled" {
                return Err(TwError::Conflict("Ticket is not valid: its order was refunded".into()));
            }
            if let Some(at) = checked_in {
                return Err(TwError::Conflict(format!("Ticket already checked in at {at}")));
            }
            let now = super::now();
            data.checked_in_at = super::stamp(now);
            tx.execute("UPDATE tickets SET checked_in_at = ?2 WHERE id = ?1", [&data.ticket_id, &data.checked_in_at])?;
            webhooks::enqueue(&tx, "checkin.completed", &data, now)?;
            tx.commit()?;
            Ok(data)
        })
        .await?;
    state.wake_sender();
    Ok(Json(checkin))
}
