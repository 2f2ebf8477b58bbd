//! Events and their tiers as `GET /api/admin/events[/:id]` shows them.

use super::body::amount_text;
use super::error::{TwError, TwResult};
use super::server::TwState;
use axum::extract::{Path, State};
use axum::Json;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use tessera_core::Currency;

/// Where the real platform shows an event to buyers; the sandbox's events point there too,
/// as the document's `url` does, since the sandbox has no public pages of its own.
pub(crate) const PUBLIC_SITE: &str = "https://www.ticketwavehq.com";

/// An event as the admin endpoints show it: the document's fields (its success example and
/// the `event.published` payload) plus `currency` and each tier's `sold`.
#[derive(Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EventView {
    pub id: String,
    pub title: String,
    pub slug: String,
    pub status: String,
    pub date: String,
    pub start_time: String,
    pub end_time: Option<String>,
    pub venue: Option<String>,
    pub total_capacity: u32,
    pub currency: String,
    pub url: String,
    pub tiers: Vec<TierView>,
}

#[derive(Serialize, Debug, Clone)]
pub(crate) struct TierView {
    pub name: String,
    pub price: String,
    pub quantity: u32,
    pub sold: u32,
}

pub(crate) fn currency_of(code: &str) -> TwResult<Currency> {
    Currency::parse(code).map_err(|e| TwError::Internal(format!("stored currency {code}: {e}")))
}

pub(crate) fn load(conn: &Connection, id: &str) -> TwResult<Option<EventView>> {
    let event = conn
        .query_row(
            "SELECT id, title, slug, status, date, start_time, end_time, venue, total_capacity, currency
               FROM events WHERE id = ?1",
            [id],
            |r| {
                Ok(EventView {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    slug: r.get(2)?,
                    status: r.get(3)?,
                    date: r.get(4)?,
                    start_time: r.get(5)?,
                    end_time: r.get(6)?,
                    venue: r.get(7)?,
                    total_capacity: r.get(8)?,
                    currency: r.get(9)?,
                    url: String::new(),
                    tiers: Vec::new(),
                })
            },
        )
        .optional()?;
    let Some(mut event) = event else { return Ok(None) };
    let currency = currency_of(&event.currency)?;
    let mut stmt = conn
        .prepare_cached("SELECT name, price_minor, quantity, sold FROM tiers WHERE event_id = ?1 ORDER BY position")?;
    let tiers = stmt.query_map([id], |r| {
        Ok(TierView { name: r.get(0)?, price: amount_text(r.get(1)?, currency), quantity: r.get(2)?, sold: r.get(3)? })
    })?;
    event.tiers = tiers.collect::<rusqlite::Result<_>>()?;
    event.url = format!("{PUBLIC_SITE}/events/{}", event.slug);
    Ok(Some(event))
}

pub(crate) fn require(conn: &Connection, id: &str) -> TwResult<EventView> {
    load(conn, id)?.ok_or(TwError::NotFound("Event not found"))
}

pub(crate) async fn list(State(state): State<TwState>) -> TwResult<Json<Vec<EventView>>> {
    let events = state
        .store()
        .call(|c| {
            let ids: Vec<String> = {
                let mut stmt = c.prepare("SELECT id FROM events ORDER BY date, start_time, id")?;
                let ids = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
                ids
            };
            ids.iter().map(|id| require(c, id)).collect()
        })
        .await?;
    Ok(Json(events))
}

pub(crate) async fn get(State(state): State<TwState>, Path(id): Path<String>) -> TwResult<Json<EventView>> {
    Ok(Json(state.store().call(move |c| require(c, &id)).await?))
}
