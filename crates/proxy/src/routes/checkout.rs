//! `POST /api/v1/checkout`: JSON from the widget (201 + `{checkout_url, expires_at}`), or a
//! plain HTML form (303 to the checkout, or a small HTML page saying what to fix).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Json;
use serde_json::json;
use tessera_core::CheckoutRequest;

use super::AppState;
use crate::checkout::{hand_off, CheckoutForm};
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

pub async fn create(State(app): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    match kind(&headers) {
        Some(Kind::Json) => {
            let result = async {
                let request: CheckoutRequest = serde_json::from_slice(&body)
                    .map_err(|e| ApiError::BadRequest(format!("The request body is not a valid checkout: {e}")))?;
                hand_off(&app.live, &app.store, &app.return_urls, &request).await
            }
            .await;
            match result {
                Ok(s) => {
                    (StatusCode::CREATED, Json(json!({ "checkout_url": s.checkout_url, "expires_at": s.expires_at })))
                        .into_response()
                }
                Err(e) => e.into_response(),
            }
        }
        Some(Kind::Form) => {
            let result = async {
                let form: CheckoutForm = serde_urlencoded::from_bytes(&body)
                    .map_err(|e| ApiError::BadRequest(format!("The form is not valid: {e}")))?;
                hand_off(&app.live, &app.store, &app.return_urls, &form.into_request()?).await
            }
            .await;
            match result {
                Ok(s) => Redirect::to(&s.checkout_url).into_response(),
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
