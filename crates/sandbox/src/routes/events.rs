use super::{created, data};
use crate::attendees;
use crate::clock::now;
use crate::error::SandboxError;
use crate::event_changes::{self, NewEvent};
use crate::events::{self, parse_status_filter, MAX_PER_PAGE};
use crate::json_body::{JsonBody, QueryPairs};
use crate::pagination::Page;
use crate::server::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

pub(super) async fn list(
    State(state): State<AppState>,
    QueryPairs(query): QueryPairs,
) -> Result<Json<Value>, SandboxError> {
    let status = parse_status_filter(query.get("status").map(String::as_str))?;
    let page = Page::from_query(&query, MAX_PER_PAGE)?;
    let at = now();
    let (events, total) = state.db.call(move |c| events::list(c, status, page, at)).await?;
    let events: Vec<Value> = events.iter().map(events::EventView::summary_json).collect();
    Ok(data(json!({ "events": events, "meta": page.full_meta(total) })))
}

pub(super) async fn show(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, SandboxError> {
    let at = now();
    let event = state.db.call(move |c| events::find(c, &id, at)).await?;
    Ok(data(event.detail_json()))
}

pub(super) async fn create(
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<Value>), SandboxError> {
    let new = NewEvent::from_json(&body)?;
    let at = now();
    let created_event = state.db.call(move |c| event_changes::create(c, &new, at)).await?;
    Ok(created(created_event.to_json()))
}

pub(super) async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(body): JsonBody,
) -> Result<Json<Value>, SandboxError> {
    let at = now();
    let updated = state.db.call(move |c| event_changes::update(c, &id, &body, at)).await?;
    if updated.notified {
        state.wake_webhook_sender();
    }
    Ok(data(updated.event.detail_json()))
}

pub(super) async fn attendees(
    State(state): State<AppState>,
    Path(id): Path<String>,
    QueryPairs(query): QueryPairs,
) -> Result<Json<Value>, SandboxError> {
    let status = attendees::parse_status_filter(query.get("status").map(String::as_str))?;
    let page = Page::from_query(&query, attendees::MAX_PER_PAGE)?;
    let found = state.db.call(move |c| attendees::list(c, &id, status, page)).await?;
    Ok(data(found.to_json(page)))
}
