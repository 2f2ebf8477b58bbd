//! `GET /api/v1/events` (one page of every platform's events on sale) and `GET /api/v1/events/{id}` (one
//! event with its tiers), both from the catalogue's cache, as conditional GETs
//! (`crate::http_cache`).

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use tessera_core::{EventId, EventPageRead, EventRead};
use utoipa::IntoParams;

use super::AppState;
use crate::catalogue::PAGE_SIZE;
use crate::error::{ApiError, ErrorBody};
use crate::http_cache;
use crate::listing;

/// The request header a browser revalidates its copy with.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Header)]
pub struct Conditional {
    /// The `ETag` of a copy the client holds: if it is still the current one, the answer is 304.
    #[param(rename = "If-None-Match", value_type = Option<String>, nullable = false)]
    _if_none_match: Option<String>,
}

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
    params(ListQuery, Conditional),
    responses(
        (status = 200, description = "One page of the upcoming events on sale on every configured platform, \
            soonest first (events sold on another platform's own page carry `sold_elsewhere`); while a platform is \
            down or limiting us, its last copy (or none of its events), with `stale: true`", body = EventPageRead, headers(
                ("ETag" = String, description = "The page's entity tag, for `If-None-Match`"),
                ("Cache-Control" = String, description = "`public, max-age=N`: N seconds, the catalogue's copy time"))),
        (status = 304, description = "The copy named by `If-None-Match` is still the current page", headers(
                ("ETag" = String, description = "The page's entity tag"),
                ("Cache-Control" = String, description = "`public, max-age=N`"))),
        (status = 400, description = "`page` is not a whole number from 1 to 10000", body = ErrorBody),
        (status = 502, description = "The platform refused this shop's API key or answered nonsense", body = ErrorBody),
        (status = 503, description = "A platform is down or limiting us and no platform has an event to list",
            body = ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait before asking again"))),
    )
)]
pub async fn list(
    State(app): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let bad_page = || ApiError::BadRequest("page must be a whole number from 1".into());
    // A query axum cannot read (`page` twice) gets the JSON error like any other bad page.
    let Query(q) = query.map_err(|_| bad_page())?;
    let page = match q.page.as_deref() {
        None => 1,
        Some(p) => p.parse::<u32>().ok().filter(|p| (1..=10_000).contains(p)).ok_or_else(bad_page)?,
    };
    Ok(http_cache::json(&headers, &page_read(&app, page).await?, app.event_ttl))
}

/// Page `page` of every platform's upcoming events, in start order, as the catalogue has
/// them (the list and its first view).
pub async fn page_read(app: &AppState, page: u32) -> Result<EventPageRead, ApiError> {
    let read = app.catalogue.list().await.map_err(|e| app.read_error(e))?;
    let (events, meta) = listing::page(&read.events, page, PAGE_SIZE);
    Ok(EventPageRead { events, meta, stale: read.stale })
}

#[utoipa::path(
    get,
    path = "/api/v1/events/{id}",
    operation_id = "getEvent",
    tag = "events",
    params(("id" = String, Path, description = "The event's id", example = "344c5b2c-7de4-4174-863f-682207408add"), Conditional),
    responses(
        (status = 200, description = "The event with its tiers and what each has left", body = EventRead, headers(
                ("ETag" = String, description = "The event's entity tag, for `If-None-Match`"),
                ("Cache-Control" = String, description = "`public, max-age=N`: N seconds, the catalogue's copy time"))),
        (status = 304, description = "The copy named by `If-None-Match` is still the current one", headers(
                ("ETag" = String, description = "The event's entity tag"),
                ("Cache-Control" = String, description = "`public, max-age=N`"))),
        (status = 404, description = "No such event", body = ErrorBody),
        (status = 502, description = "The platform refused this shop's API key or answered nonsense", body = ErrorBody),
        (status = 503, description = "The platform is down or limiting us and there is no copy of this event", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before asking again"))),
    )
)]
pub async fn one(
    State(app): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let read = read(&app, id).await?;
    Ok(http_cache::json(&headers, &read, app.event_ttl))
}

/// The event of a path as the catalogue has it now; `stale` when the platform is unreachable
/// and this is its last copy (the widget says the counts may be out of date).
pub async fn read(app: &AppState, id: Result<Path<String>, PathRejection>) -> Result<EventRead, ApiError> {
    let id = event_id(id)?;
    let read = app.catalogue.event(&id).await.map_err(|e| app.read_error(e))?;
    Ok(EventRead { event: read.event.as_ref().clone(), stale: read.stale })
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
