//! The widget's calls to the proxy, on the browser's own `fetch` and `JSON` (see `wire`):
//! no HTTP or JSON library compiled into the wasm.

use js_sys::Promise;
use tessera_core::{AppliedPromo, Event, EventSummary, Field, FieldError};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestInit, Response};

use crate::wire::{self, ErrorBody, FromJs};

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

#[derive(Clone, Debug)]
pub struct EventPage {
    pub events: Vec<EventSummary>,
}

impl FromJs for EventPage {
    fn from_js(v: &JsValue) -> Option<Self> {
        Some(EventPage { events: wire::list(v, "events")? })
    }
}

/// `GET /api/v1/events/{id}`: the event, and `stale` when the proxy could not reach the
/// platform and this is its last copy (the counts may be out of date).
#[derive(Clone, Debug)]
pub struct EventRead {
    pub event: Event,
    pub stale: bool,
}

impl FromJs for EventRead {
    fn from_js(v: &JsValue) -> Option<Self> {
        Some(EventRead { event: Event::from_js(v)?, stale: wire::flag(v, "stale")? })
    }
}

#[derive(Clone, Debug)]
pub struct CheckoutStarted {
    pub checkout_url: String,
}

impl FromJs for CheckoutStarted {
    fn from_js(v: &JsValue) -> Option<Self> {
        Some(CheckoutStarted { checkout_url: wire::string(v, "checkout_url")? })
    }
}

/// `fetch(url, init)`; `None` when there was no answer at all (offline, CORS, DNS).
async fn fetch(url: &str, init: &RequestInit) -> Option<Response> {
    let promise: Promise = crate::dom::window().fetch_with_str_and_init(url, init);
    // fetch resolves with a Response or rejects.
    Some(JsFuture::from(promise).await.ok()?.unchecked_into())
}

async fn text(response: &Response) -> Option<String> {
    JsFuture::from(response.text().ok()?).await.ok()?.as_string()
}

/// The body of a plain `GET url` that answered 2xx (a language file beside the wasm).
pub async fn get_text(url: &str) -> Option<String> {
    let response = fetch(url, &RequestInit::new()).await?;
    if !response.ok() {
        return None;
    }
    text(&response).await
}

/// The parsed JSON of a 2xx answer, or the problem any other answer (or none) means. Not generic:
/// one copy of this for all four calls, each of which then reads its own type (`decode`).
async fn answer(response: Option<Response>) -> Result<JsValue, ApiProblem> {
    let response = response.ok_or(ApiProblem::Unreachable)?;
    let status = response.status();
    let retry_after: Option<u32> =
        response.headers().get("retry-after").ok().flatten().and_then(|v| v.trim().parse().ok());
    let text = text(&response).await.ok_or(ApiProblem::Unreachable)?;
    if (200..300).contains(&status) {
        return js_sys::JSON::parse(&text).map_err(|_| unreadable());
    }
    let error = wire::parse::<ErrorBody>(&text);
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

fn unreadable() -> ApiProblem {
    ApiProblem::Other("unreadable answer".into())
}

/// A 2xx answer read as `T`.
fn decode<T: FromJs>(json: Result<JsValue, ApiProblem>) -> Result<T, ApiProblem> {
    T::from_js(&json?).ok_or_else(unreadable)
}

async fn get(url: &str) -> Result<JsValue, ApiProblem> {
    answer(fetch(url, &RequestInit::new()).await).await
}

/// `{proxy}/api/v1/events/{id}`: the event's read, and with `/live` after it its stream.
pub fn event_url(proxy: &str, id: &str) -> String {
    [proxy, "/api/v1/events/", &String::from(js_sys::encode_uri_component(id))].concat()
}

pub async fn event(proxy: &str, id: &str) -> Result<EventRead, ApiProblem> {
    decode(get(&event_url(proxy, id)).await)
}

pub async fn events(proxy: &str) -> Result<EventPage, ApiProblem> {
    decode(get(&[proxy, "/api/v1/events"].concat()).await)
}

/// `POST url` with `body`, JSON already written.
async fn post(url: &str, body: &str, extra: &[(&str, &str)]) -> Result<JsValue, ApiProblem> {
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(body));
    let headers = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&headers, &"Content-Type".into(), &"application/json".into());
    for (name, value) in extra {
        let _ = js_sys::Reflect::set(&headers, &(*name).into(), &(*value).into());
    }
    init.set_headers(&headers);
    answer(fetch(url, &init).await).await
}

/// Asks for a checkout session for `order` (a `CheckoutRequest`'s JSON); a retry with the same
/// `idempotency_key` gets the same one.
pub async fn checkout(proxy: &str, order: &str, idempotency_key: &str) -> Result<CheckoutStarted, ApiProblem> {
    decode(post(&[proxy, "/api/v1/checkout"].concat(), order, &[("Idempotency-Key", idempotency_key)]).await)
}

/// The rule of `code` for the event; the widget prices the discount itself from then on.
pub async fn promo_preview(proxy: &str, event_id: &str, code: &str) -> Result<AppliedPromo, ApiProblem> {
    let body = wire::object(&[("event_id", event_id.into()), ("code", code.into())]);
    let body = wire::stringify(&body).ok_or_else(|| ApiProblem::Other(String::new()))?;
    decode(post(&[proxy, "/api/v1/promo-preview"].concat(), &body, &[]).await)
}
