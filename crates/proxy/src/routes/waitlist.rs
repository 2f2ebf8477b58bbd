//! The waiting list over HTTP: `POST /api/v1/waitlist` (a sign-up), `GET /api/v1/waitlist`
//! (whether this proxy offers one), and the unsubscribe page every email links to:
//! `GET /waitlist/unsubscribe/{token}` shows a confirm button (mail scanners follow links, so a
//! GET changes nothing), its `POST` removes the entry, which is also RFC 8058's one-click POST.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use tessera_core::{WaitlistJoined, WaitlistOffer, WaitlistRequest};

use super::AppState;
use crate::client_addr::ClientAddr;
use crate::error::{ApiError, ErrorBody};
use crate::waitlist::{SignUp, NOT_OFFERED};

#[utoipa::path(
    post,
    path = "/api/v1/waitlist",
    operation_id = "joinWaitlist",
    tag = "orders",
    request_body = WaitlistRequest,
    responses(
        (status = 200, description = "The address is on the tier's waiting list (also when it already was: \
            signing up again changes nothing)", body = WaitlistJoined),
        (status = 400, description = "Not a JSON sign-up, `consent` is not true, or fields are not valid: \
            `fields: [{field, problem: {kind}}]` for `event_id`, `tier_id` (`unknown`: the event has no such tier) \
            and `email`", body = ErrorBody),
        (status = 403, description = "Sent from a web page whose origin is not allowed", body = ErrorBody),
        (status = 404, description = "No such event, or this proxy keeps no waiting list (it has no SMTP server)", body = ErrorBody),
        (status = 408, description = "The request did not arrive in time", body = ErrorBody),
        (status = 413, description = "The body is over 16 KiB", body = ErrorBody),
        (status = 415, description = "The body is not sent as application/json", body = ErrorBody),
        (status = 422, description = "The tier has tickets left (buy one instead), or the event is cancelled", body = ErrorBody),
        (status = 429, description = "Too many sign-ups from this client in the last minute", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 502, description = "The platform refused the event read", body = ErrorBody),
        (status = 503, description = "The platform is not answering or is limiting this proxy", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn join(
    State(app): State<AppState>,
    ClientAddr(client): ClientAddr,
    body: Result<Json<WaitlistRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<WaitlistJoined>, ApiError> {
    let waitlist = app.waitlist.as_ref().ok_or(ApiError::NotFound(NOT_OFFERED))?;
    // Counted before the body is read, as promo previews are: each try is a try.
    app.waitlist_limiter.check(client).await.map_err(ApiError::RateLimited)?;
    let Json(request) = body?;
    waitlist.join(SignUp::parse(&request)?).await.map(Json)
}

#[utoipa::path(
    get,
    path = "/api/v1/waitlist",
    operation_id = "getWaitlistOffer",
    tag = "orders",
    responses((status = 200, description = "Whether this proxy keeps waiting lists for sold-out tiers", body = WaitlistOffer))
)]
pub async fn offer(State(app): State<AppState>) -> impl IntoResponse {
    // A configuration, not a state: it changes when the proxy restarts.
    ([(header::CACHE_CONTROL, "public, max-age=300")], Json(WaitlistOffer { offered: app.waitlist.is_some() }))
}

/// The unsubscribe page's routes (outside `/api/v1`: a page a person opens from an email).
pub fn pages() -> Router<AppState> {
    Router::new().route("/waitlist/unsubscribe/{token}", get(confirm_page).post(unsubscribe))
}

/// Tokens are 64 hex digits; anything else is not one, and is not looked up.
fn plausible(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

async fn confirm_page(State(app): State<AppState>, Path(token): Path<String>) -> Response {
    let Some(waitlist) = &app.waitlist else { return gone() };
    if !plausible(&token) {
        return gone();
    }
    match waitlist.store().entry(&token).await {
        Ok(Some(entry)) => {
            let title = app
                .catalogue
                .event(&match tessera_core::EventId::parse(&entry.event_id) {
                    Ok(id) => id,
                    Err(_) => return gone(),
                })
                .await
                .ok()
                .and_then(|r| {
                    let tier = r.event.tiers.iter().find(|t| t.id.as_str() == entry.tier_id)?.name.clone();
                    Some(format!("{tier} at {}", r.event.title))
                })
                .unwrap_or_else(|| "this tier".to_owned());
            page(
                StatusCode::OK,
                "Leave the waiting list?",
                &format!(
                    "<p>You are on the waiting list for {}. Leave it, and you will get no more emails about it.</p>\
                     <form method=\"post\"><button type=\"submit\">Leave the waiting list</button></form>",
                    escape(&title)
                ),
            )
        }
        Ok(None) => gone(),
        Err(e) => ApiError::Internal(e.to_string()).into_response(),
    }
}

async fn unsubscribe(State(app): State<AppState>, Path(token): Path<String>) -> Response {
    let Some(waitlist) = &app.waitlist else { return gone() };
    if plausible(&token) {
        if let Err(e) = waitlist.store().unsubscribe(&token).await {
            return ApiError::Internal(e.to_string()).into_response();
        }
    }
    // The same answer whether the entry was there: a one-click client may send it twice.
    page(
        StatusCode::OK,
        "You have left the waiting list",
        "<p role=\"status\">You will get no more emails about this tier.</p>",
    )
}

fn gone() -> Response {
    page(
        StatusCode::NOT_FOUND,
        "Not on the waiting list",
        "<p>This link is not on a waiting list (any more): you will get no emails from it.</p>",
    )
}

fn page(status: StatusCode, heading: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\"><title>{heading}</title></head>\
         <body><main><h1>{heading}</h1>{body}</main></body></html>"
    );
    let mut response = (status, Html(html)).into_response();
    // The token is in the address: no cache keeps the page, no referrer carries it elsewhere.
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    response.headers_mut().insert(header::REFERRER_POLICY, header::HeaderValue::from_static("no-referrer"));
    response
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
