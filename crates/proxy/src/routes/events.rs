//! `GET /api/v1/events` (one page of events on sale) and `GET /api/v1/events/{id}` (one
//! event with its tiers), both from the catalogue's cache.

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::Json;
use serde::Deserialize;
use tessera_core::{EventId, EventPageRead, EventRead};
use utoipa::IntoParams;

use super::AppState;
use crate::error::{ApiError, ErrorBody};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// The page to show, from 1 (20 events a page).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 10000)]
    page: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/events",
    operation_id = "listEvents",
    tag = "events",
    params(ListQuery),
    responses(
        (status = 200, description = "One page of the events on sale; while the platform is down or limiting us, \
            the last copy of the page, with `stale: true`", body = EventPageRead),
        (status = 400, description = "`page` is not a whole number from 1 to 10000", body = ErrorBody),
        (status = 502, description = "The platform refused this shop's API key or answered nonsense", body = ErrorBody),
        (status = 503, description = "The platform is down or limiting us and there is no copy of this page",
            body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait before asking again"))),
    )
)]
pub async fn list(
    State(app): State<AppState>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<EventPageRead>, ApiError> {
    let bad_page = || ApiError::BadRequest("page must be a whole number from 1".into());
    // A query axum cannot read (`page` twice) gets the JSON error like any other bad page.
    let Query(q) = query.map_err(|_| bad_page())?;
    let page = match q.page.as_deref() {
        None => 1,
        Some(p) => p.parse::<u32>().ok().filter(|p| (1..=10_000).contains(p)).ok_or_else(bad_page)?,
    };
    let read = app.catalogue.page(page).await.map_err(|e| app.read_error(e))?;
    let page = read.page.as_ref();
    Ok(Json(EventPageRead { events: page.events.clone(), meta: page.meta.clone(), stale: read.stale }))
}

#[utoipa::path(
    get,
    path = "/api/v1/events/{id}",
    operation_id = "getEvent",
    tag = "events",
    params(("id" = String, Path, description = "The event's id", example = "344c5b2c-7de4-4174-863f-682207408add")),
    responses(
        (status = 200, description = "The event with its tiers and what each has left", body = EventRead),
        (status = 404, description = "No such event", body = ErrorBody),
        (status = 502, description = "The platform refused this shop's API key or answered nonsense", body = ErrorBody),
        (status = 503, description = "The platform is down or limiting us and there is no copy of this event", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before asking again"))),
    )
)]
pub async fn one(
    State(app): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<EventRead>, ApiError> {
    let id = event_id(id)?;
    let read = app.catalogue.event(&id).await.map_err(|e| app.read_error(e))?;
    // `stale`: the platform is unreachable, and the widget says the counts may be out of date.
    Ok(Json(EventRead { event: read.event.as_ref().clone(), stale: read.stale }))
}

/// The event id of a path. An id that cannot exist (including one that is not UTF-8 once
/// percent-decoded, which axum would refuse in plain text) is simply not found; no need to
/// ask the platform.
pub fn event_id(path: Result<Path<String>, PathRejection>) -> Result<EventId, ApiError> {
    let not_found = || ApiError::NotFound("Event not found");
    let Path(id) = path.map_err(|_| not_found())?;
    EventId::parse(&id).map_err(|_| not_found())
}

pub async fn no_such_route() -> ApiError {
    ApiError::NotFound("No such API endpoint")
}

pub async fn no_such_page() -> ApiError {
    ApiError::NotFound("Nothing is served at this address")
}

/// A known path asked with a method it does not take: the JSON error instead of axum's empty
/// 405, with the `Allow` header axum adds.
pub async fn wrong_method() -> ApiError {
    ApiError::MethodNotAllowed
}
