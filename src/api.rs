//! The widget's calls to the proxy, on the browser's own `fetch`. JSON goes through the
//! browser's `JSON.parse` and serde-wasm-bindgen instead of serde_json: the same types, a
//! smaller wasm (no HTTP or JSON library compiled in).

use js_sys::Promise;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tessera_core::{AppliedPromo, CheckoutRequest, Event, EventSummary, Field, FieldError};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestInit, Response};

#[derive(Clone, Debug, PartialEq)]
pub enum ApiProblem {
    /// No answer at all: offline, DNS, CORS, proxy down.
    Unreachable,
    NotFound,
    /// The order asked for seats that are gone (409).
    SoldOut,
    /// 400 with per-field problems from tessera-core.
    Invalid(Vec<FieldError>),
    /// The proxy limited this client (429).
    RateLimited(u32),
    /// The platform is limiting the proxy (503 + Retry-After).
    Busy(u32),
    Unavailable,
    Other(String),
}

#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct EventPage {
    pub events: Vec<EventSummary>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct CheckoutStarted {
    pub checkout_url: String,
    pub expires_at: String,
}

#[derive(Deserialize)]
struct ErrorEnvelope {
    error: ErrorBody,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    message: String,
    #[serde(default)]
    fields: Vec<FieldError>,
}

fn parse<T: DeserializeOwned>(text: &str) -> Option<T> {
    let value = js_sys::JSON::parse(text).ok()?;
    serde_wasm_bindgen::from_value(value).ok()
}

/// `fetch(url, init)`; `None` when there was no answer at all (offline, CORS, DNS).
async fn fetch(url: &str, init: &RequestInit) -> Option<Response> {
    let promise: Promise = web_sys::window()?.fetch_with_str_and_init(url, init);
    JsFuture::from(promise).await.ok()?.dyn_into().ok()
}

async fn text(response: &Response) -> Option<String> {
    JsFuture::from(response.text().ok()?).await.ok()?.as_string()
}

async fn read<T: DeserializeOwned>(response: Option<Response>) -> Result<T, ApiProblem> {
    let response = response.ok_or(ApiProblem::Unreachable)?;
    let status = response.status();
    let retry_after: Option<u32> =
        response.headers().get("retry-after").ok().flatten().and_then(|v| v.trim().parse().ok());
    let text = text(&response).await.ok_or(ApiProblem::Unreachable)?;
    if (200..300).contains(&status) {
        return parse(&text).ok_or_else(|| ApiProblem::Other("unreadable answer".into()));
    }
    let error = parse::<ErrorEnvelope>(&text).map(|e| e.error);
    Err(match status {
        404 => ApiProblem::NotFound,
        // A code used up since the preview is a conflict too, but about the code, not seats.
        409 => match error {
            Some(e) if !e.fields.is_empty() && e.fields.iter().all(|f| f.field == Field::PromoCode) => {
                ApiProblem::Invalid(e.fields)
            }
            _ => ApiProblem::SoldOut,
        },
        400 => match error {
            Some(e) if !e.fields.is_empty() => ApiProblem::Invalid(e.fields),
            Some(e) => ApiProblem::Other(e.message),
            None => ApiProblem::Other(String::new()),
        },
        429 => ApiProblem::RateLimited(retry_after.unwrap_or(30)),
        // A 503 that says when to come back is the platform's rate limit, not an outage.
        503 if retry_after.is_some() => ApiProblem::Busy(retry_after.unwrap_or(30)),
        502..=504 => ApiProblem::Unavailable,
        _ => ApiProblem::Other(error.map(|e| e.message).unwrap_or_default()),
    })
}

pub async fn event(proxy: &str, id: &str) -> Result<Event, ApiProblem> {
    let url = format!("{proxy}/api/v1/events/{}", js_sys::encode_uri_component(id));
    read(fetch(&url, &RequestInit::new()).await).await
}

pub async fn events(proxy: &str) -> Result<EventPage, ApiProblem> {
    read(fetch(&format!("{proxy}/api/v1/events"), &RequestInit::new()).await).await
}

async fn post<B: Serialize, T: DeserializeOwned>(url: &str, body: &B) -> Result<T, ApiProblem> {
    let value = serde_wasm_bindgen::to_value(body).map_err(|_| ApiProblem::Other(String::new()))?;
    let body = js_sys::JSON::stringify(&value).map_err(|_| ApiProblem::Other(String::new()))?;
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&body);
    let headers = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&headers, &"Content-Type".into(), &"application/json".into());
    init.set_headers(&headers);
    read(fetch(url, &init).await).await
}

pub async fn checkout(proxy: &str, order: &CheckoutRequest) -> Result<CheckoutStarted, ApiProblem> {
    post(&format!("{proxy}/api/v1/checkout"), order).await
}

#[derive(Serialize)]
struct PreviewRequest<'a> {
    event_id: &'a str,
    code: &'a str,
}

/// The rule of `code` for the event; the widget prices the discount itself from then on.
pub async fn promo_preview(proxy: &str, event_id: &str, code: &str) -> Result<AppliedPromo, ApiProblem> {
    post(&format!("{proxy}/api/v1/promo-preview"), &PreviewRequest { event_id, code }).await
}
