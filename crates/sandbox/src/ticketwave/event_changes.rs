//! The organiser's changes to events: create (a draft), update details or tiers, publish
//! (`event.published`), delete a draft, cancel (`event.cancelled`, every order refunded).

use super::body::{self, amount_text, price_minor};
use super::error::{missing_fields, TwError, TwResult};
use super::events::{currency_of, require, EventView};
use super::server::TwState;
use super::{orders, store, webhooks};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tessera_core::Currency;

/// `event.published` data, in the document's field order.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PublishedData<'a> {
    event_id: &'a str,
    title: &'a str,
    slug: &'a str,
    date: &'a str,
    start_time: &'a str,
    end_time: Option<&'a str>,
    venue: Option<&'a str>,
    total_capacity: u32,
    tiers: Vec<PublishedTier<'a>>,
    url: &'a str,
}

#[derive(Serialize)]
struct PublishedTier<'a> {
    name: &'a str,
    price: &'a str,
    quantity: u32,
}

/// `event.cancelled` data, in the document's field order.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CancelledData<'a> {
    event_id: &'a str,
    title: &'a str,
    date: &'a str,
    reason: &'a str,
    total_orders_refunded: u32,
    total_refund_amount: String,
    currency: &'a str,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TierInput {
    name: String,
    price: Value,
    quantity: u32,
}

/// `POST /api/admin/events`, as the document's example sends it. A new event is a draft
/// until it is published with `PUT` (the document does not say which state it starts in).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewEvent {
    title: Option<String>,
    date: Option<String>,
    start_time: Option<String>,
    end_time: Option<String>,
    /// The sandbox has no venue records: a venue's name, or the example's `venueId` kept as is.
    venue: Option<String>,
    venue_id: Option<String>,
    total_capacity: Option<u32>,
    currency: Option<String>,
    tiers: Option<Vec<TierInput>>,
}

pub(crate) async fn create(State(state): State<TwState>, bytes: Bytes) -> TwResult<(StatusCode, Json<EventView>)> {
    let new: NewEvent = body::parse(&bytes)?;
    let (Some(title), Some(date), Some(start_time), Some(tiers)) = (new.title, new.date, new.start_time, new.tiers)
    else {
        return Err(missing_fields());
    };
    let title = non_empty(title, "title")?;
    check_date(&date)?;
    check_time(&start_time, "startTime")?;
    if let Some(end) = &new.end_time {
        check_time(end, "endTime")?;
    }
    let currency_code = new.currency.unwrap_or_else(|| "EUR".into()).trim().to_ascii_uppercase();
    let currency = Currency::parse(&currency_code).map_err(|e| TwError::BadRequest(format!("currency: {e}")))?;
    let tiers = priced_tiers(tiers, currency)?;
    let capacity = new.total_capacity.unwrap_or_else(|| tiers.iter().map(|t| t.2).sum());
    let venue = new.venue.or(new.venue_id);
    let event = state
        .store()
        .call(move |c| {
            let tx = store::immediate(c)?;
            let id = format!("evt_{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
            let slug = free_slug(&tx, &title, &date)?;
            tx.execute(
                "INSERT INTO events (id, title, slug, status, date, start_time, end_time, venue, total_capacity,
                                     currency)
                 VALUES (?1, ?2, ?3, 'draft', ?4, ?5, ?6, ?7, ?8, ?9)",
                params![id, title, slug, date, start_time, new.end_time, venue, capacity, currency_code],
            )?;
            replace_tiers(&tx, &id, &tiers)?;
            let event = require(&tx, &id)?;
            tx.commit()?;
            Ok(event)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(event)))
}

/// `PUT /api/admin/events/:id`: any of the fields, `status`, or the whole list of tiers.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EventChanges {
    title: Option<String>,
    status: Option<String>,
    date: Option<String>,
    start_time: Option<String>,
    end_time: Option<String>,
    venue: Option<String>,
    total_capacity: Option<u32>,
    tiers: Option<Vec<TierInput>>,
}

pub(crate) async fn update(
    State(state): State<TwState>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> TwResult<Json<EventView>> {
    let changes: EventChanges = body::parse(&bytes)?;
    if let Some(date) = &changes.date {
        check_date(date)?;
    }
    for (time, field) in [(&changes.start_time, "startTime"), (&changes.end_time, "endTime")] {
        if let Some(time) = time {
            check_time(time, field)?;
        }
    }
    let event = state
        .store()
        .call(move |c| {
            let tx = store::immediate(c)?;
            let before = require(&tx, &id)?;
            if before.status == "cancelled" {
                return Err(TwError::Conflict("A cancelled event cannot be changed".into()));
            }
            if changes.status.as_deref() == Some("cancelled") {
                let event = cancel_in(&tx, &before, "organizer_request")?;
                tx.commit()?;
                return Ok(event);
            }
            apply_details(&tx, &before, &changes)?;
            if let Some(tiers) = changes.tiers {
                let tiers = priced_tiers(tiers, currency_of(&before.currency)?)?;
                keep_sold_tiers(&before, &tiers)?;
                replace_tiers(&tx, &id, &tiers)?;
            }
            match changes.status.as_deref() {
                None => {}
                Some(same) if same == before.status => {}
                Some("published") => {
                    let event = require(&tx, &id)?;
                    if event.tiers.is_empty() {
                        return Err(TwError::BadRequest("An event needs at least one tier to be published".into()));
                    }
                    tx.execute("UPDATE events SET status = 'published' WHERE id = ?1", [&id])?;
                    announce_published(&tx, &event)?;
                }
                Some("draft") => {
                    if orders::count_for_event(&tx, &id)? > 0 {
                        return Err(TwError::Conflict("An event with orders cannot go back to draft".into()));
                    }
                    tx.execute("UPDATE events SET status = 'draft' WHERE id = ?1", [&id])?;
                }
                Some(other) => {
                    return Err(TwError::BadRequest(format!(
                        "status must be draft, published or cancelled, not {other}"
                    )))
                }
            }
            let event = require(&tx, &id)?;
            tx.commit()?;
            Ok(event)
        })
        .await?;
    state.wake_sender();
    Ok(Json(event))
}

fn apply_details(tx: &Connection, before: &EventView, changes: &EventChanges) -> TwResult<()> {
    let title = match &changes.title {
        Some(t) => non_empty(t.clone(), "title")?,
        None => before.title.clone(),
    };
    tx.execute(
        "UPDATE events SET title = ?2, date = ?3, start_time = ?4, end_time = ?5, venue = ?6, total_capacity = ?7
          WHERE id = ?1",
        params![
            before.id,
            title,
            changes.date.as_ref().unwrap_or(&before.date),
            changes.start_time.as_ref().unwrap_or(&before.start_time),
            changes.end_time.as_ref().or(before.end_time.as_ref()),
            changes.venue.as_ref().or(before.venue.as_ref()),
            changes.total_capacity.unwrap_or(before.total_capacity),
        ],
    )?;
    Ok(())
}

/// New tier lists keep what was sold: a tier that sold tickets stays, with room for them.
fn keep_sold_tiers(before: &EventView, tiers: &[(String, i64, u32)]) -> TwResult<()> {
    for old in before.tiers.iter().filter(|t| t.sold > 0) {
        match tiers.iter().find(|t| t.0 == old.name) {
            None => return Err(TwError::Conflict(format!("Tier {} has sold tickets and cannot be removed", old.name))),
            Some(new) if new.2 < old.sold => {
                return Err(TwError::BadRequest(format!(
                    "Tier {} has sold {} tickets: its quantity cannot be lower",
                    old.name, old.sold
                )))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

fn replace_tiers(tx: &Connection, event_id: &str, tiers: &[(String, i64, u32)]) -> TwResult<()> {
    let sold: Vec<(String, u32)> = {
        let mut stmt = tx.prepare("SELECT name, sold FROM tiers WHERE event_id = ?1")?;
        let rows = stmt.query_map([event_id], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
        rows
    };
    tx.execute("DELETE FROM tiers WHERE event_id = ?1", [event_id])?;
    for (position, (name, price, quantity)) in tiers.iter().enumerate() {
        let sold = sold.iter().find(|(n, _)| n == name).map_or(0, |(_, s)| *s);
        tx.execute(
            "INSERT INTO tiers (event_id, name, position, price_minor, quantity, sold) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![event_id, name, position as i64, price, quantity, sold],
        )?;
    }
    Ok(())
}

/// `(name, price in minor units, quantity)`; names are unique, since they are the tiers' ids.
fn priced_tiers(tiers: Vec<TierInput>, currency: Currency) -> TwResult<Vec<(String, i64, u32)>> {
    let mut out: Vec<(String, i64, u32)> = Vec::new();
    for tier in tiers {
        let name = non_empty(tier.name, "tier name")?;
        if out.iter().any(|t| t.0 == name) {
            return Err(TwError::BadRequest(format!("Two tiers are named {name}")));
        }
        let price = price_minor(&tier.price, currency, &format!("price of {name}"))?;
        out.push((name, price, tier.quantity));
    }
    Ok(out)
}

pub(crate) async fn delete(State(state): State<TwState>, Path(id): Path<String>) -> TwResult<Json<Value>> {
    state
        .store()
        .call(move |c| {
            let tx = store::immediate(c)?;
            let event = require(&tx, &id)?;
            if event.status != "draft" {
                return Err(TwError::Conflict("Only a draft event can be deleted".into()));
            }
            tx.execute("DELETE FROM events WHERE id = ?1", [&id])?;
            tx.commit()?;
            Ok(Json(serde_json::json!({ "id": id, "deleted": true })))
        })
        .await
}

#[derive(Deserialize, Default)]
struct CancelRequest {
    reason: Option<String>,
}

/// `POST /api/admin/events/:id/cancel`: the event is cancelled and every order refunded in
/// full (tickets back in their tiers), then one `event.cancelled` goes out. No
/// `order.refunded` is sent per order: the document says the cancellation covers them.
pub(crate) async fn cancel(
    State(state): State<TwState>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> TwResult<Json<EventView>> {
    let request: CancelRequest =
        if bytes.iter().all(u8::is_ascii_whitespace) { CancelRequest::default() } else { body::parse(&bytes)? };
    let event = state
        .store()
        .call(move |c| {
            let tx = store::immediate(c)?;
            let before = require(&tx, &id)?;
            if before.status == "cancelled" {
                return Err(TwError::Conflict("The event is already cancelled".into()));
            }
            let reason = request.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
            let event = cancel_in(&tx, &before, reason.unwrap_or("organizer_request"))?;
            tx.commit()?;
            Ok(event)
        })
        .await?;
    state.wake_sender();
    Ok(Json(event))
}

fn cancel_in(tx: &Connection, before: &EventView, reason: &str) -> TwResult<EventView> {
    let (count, refunded_minor) = orders::refund_all(tx, &before.id)?;
    tx.execute("UPDATE events SET status = 'cancelled' WHERE id = ?1", [&before.id])?;
    let currency = currency_of(&before.currency)?;
    let data = CancelledData {
        event_id: &before.id,
        title: &before.title,
        date: &before.date,
        reason,
        total_orders_refunded: count,
        total_refund_amount: amount_text(refunded_minor, currency),
        currency: &before.currency,
    };
    webhooks::enqueue(tx, "event.cancelled", &data, super::now())?;
    require(tx, &before.id)
}

fn announce_published(tx: &Connection, event: &EventView) -> TwResult<()> {
    let data = PublishedData {
        event_id: &event.id,
        title: &event.title,
        slug: &event.slug,
        date: &event.date,
        start_time: &event.start_time,
        end_time: event.end_time.as_deref(),
        venue: event.venue.as_deref(),
        total_capacity: event.total_capacity,
        tiers: event
            .tiers
            .iter()
            .map(|t| PublishedTier { name: &t.name, price: &t.price, quantity: t.quantity })
            .collect(),
        url: &event.url,
    };
    webhooks::enqueue(tx, "event.published", &data, super::now())
}

/// `summer-pool-party-2026`: the title's words and the year, as in the document's example,
/// with `-2`, `-3`… when taken.
fn free_slug(tx: &Connection, title: &str, date: &str) -> TwResult<String> {
    let mut words = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            words.push(c);
        } else if !words.is_empty() && !words.ends_with('-') {
            words.push('-');
        }
    }
    let base = format!("{}-{}", words.trim_end_matches('-'), &date[..4]).trim_start_matches('-').to_owned();
    let mut slug = base.clone();
    for n in 2.. {
        let taken: bool =
            tx.query_row("SELECT EXISTS (SELECT 1 FROM events WHERE slug = ?1)", [&slug], |r| r.get(0))?;
        if !taken {
            break;
        }
        slug = format!("{base}-{n}");
    }
    Ok(slug)
}

fn non_empty(text: String, field: &str) -> TwResult<String> {
    let text = text.trim().to_owned();
    if text.is_empty() {
        return Err(TwError::BadRequest(format!("{field} cannot be empty")));
    }
    Ok(text)
}

fn check_date(date: &str) -> TwResult<()> {
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map(|_| ())
        .map_err(|_| TwError::BadRequest(format!("date must look like 2026-07-15, not {date}")))
}

fn check_time(time: &str, field: &str) -> TwResult<()> {
    match chrono::NaiveTime::parse_from_str(time, "%H:%M") {
        Ok(_) if time.len() == 5 => Ok(()),
        _ => Err(TwError::BadRequest(format!("{field} must look like 14:00, not {time}"))),
    }
}
