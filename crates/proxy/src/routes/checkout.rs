//! `POST /api/v1/checkout`: JSON from the widget (201 + `{checkout_url, expires_at}`), or a
//! plain HTML form (303 to the checkout, or a small HTML page saying what to fix).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Json;
use serde_json::json;

use super::AppState;
use crate::checkout::{hand_off_once, parse_json, CheckoutForm, IdempotencyKey};
use crate::client_addr::ClientAddr;
use crate::error::ApiError;

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

pub async fn create(
    State(app): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    // Each try costs the platform a held session: counted before anything else is looked at.
    if let Err(wait) = app.checkout_limiter.check(client) {
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
                hand_off_once(&app.live, &app.store, &app.return_urls, &request, key.as_ref()).await
            }
            .await;
            match result {
                Ok((s, replayed)) => {
                    let mut response = (
                        StatusCode::CREATED,
                        Json(json!({ "checkout_url": s.checkout_url, "expires_at": s.expires_at })),
                    )
                        .into_response();
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
                hand_off_once(&app.live, &app.store, &app.return_urls, &form.into_request()?, key.as_ref()).await
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
