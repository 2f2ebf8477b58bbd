//! `GET /api/v1/events/{id}/view`: an event's first view, the widget rendered here as HTML with
//! its own components (tessera-widget's `ssr`), with the read it was rendered from, so a buyer
//! sees tiers, prices and what is left before the wasm has arrived, and the wasm hydrates the
//! same nodes. `GET /api/v1/events/view`: the same for the list's first page. Conditional GETs
//! like the reads themselves.

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use tessera_core::{EventPageRead, EventRead, FirstView, ListFirstView};
use utoipa::IntoParams;

use super::events::{self, Conditional};
use super::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::http_cache;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ViewQuery {
    /// The buyer's locale as the widget's loader sends it (`en-PH`, `pt_BR`): the language and
    /// the money and date format of the view. English when absent.
    #[param(value_type = Option<String>, example = "en-PH", max_length = 35, pattern = "^[A-Za-z0-9_-]*$")]
    locale: Option<String>,
}

/// A locale as the query gives it: at most 35 letters, digits, `-` and `_` (BCP 47's longest
/// tags are shorter), else a clear 400.
pub fn locale(query: Option<&str>) -> Result<&str, ApiError> {
    let tag = query.map(str::trim).filter(|t| !t.is_empty()).unwrap_or("en");
    let fits = tag.len() <= 35 && tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    fits.then_some(tag).ok_or_else(|| {
        ApiError::BadRequest("locale must be a language tag such as en-PH (letters, digits, '-')".into())
    })
}

/// The locale a view's query asks for, or the 400 saying why it cannot be read.
fn query_locale(query: Result<Query<ViewQuery>, QueryRejection>) -> Result<String, ApiError> {
    let Query(q) = query.map_err(|_| ApiError::BadRequest("the query is not valid: give locale once".into()))?;
    locale(q.locale.as_deref()).map(str::to_owned)
}

/// The proxy's base URL as the widget writes it (no trailing slash).
fn base(proxy: &reqwest::Url) -> &str {
    proxy.as_str().trim_end_matches('/')
}

/// The first view of `read` in `locale`, for a widget talking to the proxy at `proxy`.
pub fn render(proxy: &reqwest::Url, locale: &str, read: EventRead) -> FirstView {
    FirstView { html: tessera_widget::first_view::event_html(base(proxy), locale, &read), read }
}

/// The list's first view of `page` in `locale`.
pub fn render_list(proxy: &reqwest::Url, locale: &str, read: EventPageRead) -> ListFirstView {
    ListFirstView { html: tessera_widget::first_view::list_html(base(proxy), locale, &read), read }
}

#[utoipa::path(
    get,
    path = "/api/v1/events/view",
    operation_id = "listEventsFirstView",
    tag = "events",
    params(ViewQuery, Conditional),
    responses(
        (status = 200, description = "The widget in list mode as HTML, and the first page of events it was rendered from",
            body = ListFirstView, headers(
                ("ETag" = String, description = "The view's entity tag, for `If-None-Match`"),
                ("Cache-Control" = String, description = "`public, max-age=N`: N seconds, the catalogue's copy time"))),
        (status = 304, description = "The copy named by `If-None-Match` is still the current view", headers(
                ("ETag" = String, description = "The view's entity tag"),
                ("Cache-Control" = String, description = "`public, max-age=N`"))),
        (status = 400, description = "`locale` is not a language tag", body = ErrorBody),
        (status = 502, description = "The platform refused this shop's API key or answered nonsense", body = ErrorBody),
        (status = 503, description = "The platform is down or limiting us and there is no copy of the list", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before asking again"))),
    )
)]
pub async fn list(
    State(app): State<AppState>,
    query: Result<Query<ViewQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let locale = query_locale(query)?;
    let read = events::page_read(&app, 1).await?;
    Ok(http_cache::json(&headers, &render_list(&app.public_url, &locale, read), app.event_ttl))
}

#[utoipa::path(
    get,
    path = "/api/v1/events/{id}/view",
    operation_id = "getEventFirstView",
    tag = "events",
    params(("id" = String, Path, description = "The event's id", example = "344c5b2c-7de4-4174-863f-682207408add"),
        ViewQuery, Conditional),
    responses(
        (status = 200, description = "The widget for the event as HTML, and the read it was rendered from", body = FirstView,
            headers(
                ("ETag" = String, description = "The view's entity tag, for `If-None-Match`"),
                ("Cache-Control" = String, description = "`public, max-age=N`: N seconds, the catalogue's copy time"))),
        (status = 304, description = "The copy named by `If-None-Match` is still the current view", headers(
                ("ETag" = String, description = "The view's entity tag"),
                ("Cache-Control" = String, description = "`public, max-age=N`"))),
        (status = 400, description = "`locale` is not a language tag", body = ErrorBody),
        (status = 404, description = "No such event", body = ErrorBody),
        (status = 502, description = "The platform refused this shop's API key or answered nonsense", body = ErrorBody),
        (status = 503, description = "The platform is down or limiting us and there is no copy of this event", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before asking again"))),
    )
)]
pub async fn event(
    State(app): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    query: Result<Query<ViewQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let locale = query_locale(query)?;
    let read = events::read(&app, id).await?;
    Ok(http_cache::json(&headers, &render(&app.public_url, &locale, read), app.event_ttl))
}

#[cfg(test)]
mod tests {
    use super::locale;

    #[test]
    fn locales_are_tags_or_english_and_nothing_else() {
        assert_eq!(locale(None).unwrap(), "en");
        assert_eq!(locale(Some(" pt_BR ")).unwrap(), "pt_BR");
        assert_eq!(locale(Some("")).unwrap(), "en");
        for bad in ["en PH", "<script>", "de-DE;q=1", &"x".repeat(36)] {
            assert!(locale(Some(bad)).is_err(), "{bad}");
        }
    }
}
