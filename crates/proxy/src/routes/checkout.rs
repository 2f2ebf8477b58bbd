//! `POST /api/v1/checkout`: JSON from the widget (201 + `{checkout_url, expires_at}`), or a
//! plain HTML form (303 to the checkout, or a small HTML page saying what to fix).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Json;
use tessera_core::{CheckoutRequest, CheckoutStarted};

use super::AppState;
use crate::checkout::{hand_off_once, parse_json, CheckoutForm, IdempotencyKey};
use crate::client_addr::ClientAddr;
use crate::error::{ApiError, ErrorBody};

enum Kind {
    Json,
    Form,
}

fn kind(headers: &HeaderMap) -> Option<Kind> {
    let ct = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let mime = ct.split(';').next()?.trim().to_ascii_lowercase();
    match mime.as_str() {
        "application/json" => Some(Kind::Json),
        "application/x-www-form-urlencoded" => Some(Kind::Form),
        _ => None,
    }
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<IdempotencyKey>, ApiError> {
    match headers.get("idempotency-key") {
        None => Ok(None),
        Some(v) => IdempotencyKey::parse(v.to_str().unwrap_or_default()).map(Some),
    }
}

#[utoipa::path(
    post,
    path = "/api/v1/checkout",
    operation_id = "createCheckout",
    tag = "orders",
    params(("Idempotency-Key" = Option<String>, Header, nullable = false, pattern = "^[!-~]{1,255}$",
        description = "One key per order the buyer placed (the widget sends a UUID): a retry with the same key and \
            the same order gets the same session, without a second one being opened")),
    request_body(
        description = "The order. Prices and return pages are the server's: a request that carries either is refused.",
        content(
            (CheckoutRequest = "application/json", example = json!({
                // The embedded sandbox's Manila Jazz Night, General Admission.
                "event_id": "344c5b2c-7de4-4174-863f-682207408add",
                "tier_id": "7122821e-fc22-4c41-9e36-6d497ab07f8f",
                "quantity": 2,
                "customer": {"name": "Ana Reyes", "email": "ana@example.com"},
            })),
            (CheckoutForm = "application/x-www-form-urlencoded"),
        ),
    ),
    responses(
        (status = 201, description = "A checkout session is open upstream (JSON requests)", body = CheckoutStarted,
            headers(("Idempotent-Replayed" = String,
                description = "`true` when this is the session an earlier request with the same Idempotency-Key opened"))),
        (status = 303, description = "A form post: on to the platform's payment page",
            headers(("Location" = String, description = "The platform's hosted payment page"))),
        (status = 400, description = "Not a valid order: a field problem (`fields`), an unknown tier, a price or a \
            return URL sent by the client, a quantity that is not a whole number, or a malformed Idempotency-Key. \
            A form post gets the message as an HTML page.",
            content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 403, description = "Sent from a web page whose origin is not allowed", body = ErrorBody),
        (status = 404, description = "No such event",
            content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 408, description = "The request did not arrive in time", body = ErrorBody),
        (status = 409, description = "Not enough seats are left, or the promo code is used up (nothing is created), \
            or a request with the same Idempotency-Key is still in progress",
            content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 413, description = "The body is over 16 KiB", body = ErrorBody),
        (status = 415, description = "The body is neither application/json nor a form", body = ErrorBody),
        (status = 422, description = "This Idempotency-Key was already used for a different order",
            content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 429, description = "Too many checkouts from this client in the last minute", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 502, description = "The platform refused this shop's API key or the order",
            content((ErrorBody = "application/json"), (String = "text/html"))),
        (status = 503, description = "The platform is down or limiting us",
            content((ErrorBody = "application/json"), (String = "text/html")),
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again"))),
    )
)]
pub async fn create(
    State(app): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    // Each try costs the platform a held session: counted before anything else is looked at.
    if let Err(wait) = app.checkout_limiter.check(client).await {
        return ApiError::RateLimited(wait).into_response();
    }
    let key = match idempotency_key(&headers) {
        Ok(key) => key,
        Err(e) => return e.into_response(),
    };
    match kind(&headers) {
        Some(Kind::Json) => {
            let result = async {
                let request = parse_json(&body)?;
                hand_off_once(&app.live, &app.store, app.claims.as_ref(), &app.return_urls, &request, key.as_ref())
                    .await
            }
            .await;
            match result {
                Ok((s, replayed)) => {
                    let created = CheckoutStarted {
                        checkout_url: s.checkout_url,
                        expires_at: s.expires_at,
                        checkout_id: s.checkout_id,
                    };
                    let mut response = (StatusCode::CREATED, Json(created)).into_response();
                    if replayed {
                        response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
                    }
                    response
                }
                Err(e) => e.into_response(),
            }
        }
        Some(Kind::Form) => {
            let result = async {
                let form: CheckoutForm = serde_urlencoded::from_bytes(&body)
                    .map_err(|e| ApiError::BadRequest(format!("The form is not valid: {e}")))?;
                hand_off_once(
                    &app.live,
                    &app.store,
                    app.claims.as_ref(),
                    &app.return_urls,
                    &form.into_request()?,
                    key.as_ref(),
                )
                .await
            }
            .await;
            match result {
                Ok((s, _)) => Redirect::to(&s.checkout_url).into_response(),
                Err(e) => form_error_page(&e),
            }
        }
        None => ApiError::UnsupportedMediaType("Send the checkout as application/json or an HTML form").into_response(),
    }
}

/// A person submitted a form without JavaScript: answer in HTML they can read.
fn form_error_page(e: &ApiError) -> Response {
    let message = html_escape(&e.public_message());
    let page = format!(
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Checkout problem</title>\
         <main><h1>We could not start your checkout</h1><p role=\"alert\">{message}.</p>\
         <p>Use your browser's Back button to change your order and try again.</p></main></html>"
    );
    (e.status(), Html(page)).into_response()
}

pub(crate) fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}
