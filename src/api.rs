//! The widget's calls to the proxy, through gloo-net. Every body is one of tessera-core's serde
//! types, the same ones the proxy writes and reads (through `crate::json`), so the two cannot
//! drift apart.

use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;
use tessera_core::{
    AppliedPromo, CheckoutRequest, CheckoutStarted, ErrorBody, ErrorCode, EventPageRead, EventRead, FieldError,
    PromoPreviewRequest, WaitlistJoined, WaitlistOffer, WaitlistRequest,
};

/// Why a call did not give what was asked, as the buyer is told it. Chosen by the error
/// body's `code` (README, "Errors"), never by the wording of its message.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ApiProblem {
    /// No answer at all: offline, DNS, CORS, the proxy down.
    #[error("the ticket service could not be reached")]
    Unreachable,
    #[error("not found")]
    NotFound,
    /// The order asked for seats that are gone.
    #[error("sold out")]
    SoldOut,
    /// Per-field problems found by tessera-core on the proxy.
    #[error("the order is not valid")]
    Invalid(Vec<FieldError>),
    /// The proxy is limiting this device; seconds to wait.
    #[error("too many requests")]
    RateLimited(u32),
    /// The platform is limiting the proxy; seconds to wait.
    #[error("the platform is busy")]
    Busy(u32),
    /// The platform is not answering (or refused the shop).
    #[error("the platform is unavailable")]
    Unavailable,
    /// Anything else, with the proxy's own message (may be empty).
    #[error("{0}")]
    Other(String),
}

impl ApiProblem {
    /// `tessera:error`'s `kind`: the proxy's error code, or `unreachable` when none came.
    pub fn kind(&self) -> &'static str {
        match self {
            ApiProblem::Unreachable => "unreachable",
            ApiProblem::NotFound => "not_found",
            ApiProblem::SoldOut => "sold_out",
            ApiProblem::Invalid(_) => "invalid",
            ApiProblem::RateLimited(_) => "rate_limited",
            ApiProblem::Busy(_) => "platform_busy",
            ApiProblem::Unavailable => "platform_down",
            ApiProblem::Other(_) => "other",
        }
    }

    /// The problem an answer that is not a 2xx means: by its body's `code`, or by its status
    /// when the body is not ours (a load balancer's own error page).
    pub fn of_answer(status: u16, retry_after: Option<u32>, body: Option<ErrorBody>) -> ApiProblem {
        let wait = retry_after.unwrap_or(30);
        let Some(ErrorBody { error }) = body else {
            return match status {
                404 => ApiProblem::NotFound,
                429 => ApiProblem::RateLimited(wait),
                502..=504 => ApiProblem::Unavailable,
                _ => ApiProblem::Other(String::new()),
            };
        };
        let fields = error.fields.unwrap_or_default();
        match error.code {
            ErrorCode::Invalid | ErrorCode::PromoUnavailable if !fields.is_empty() => ApiProblem::Invalid(fields),
            ErrorCode::SoldOut => ApiProblem::SoldOut,
            ErrorCode::NotFound => ApiProblem::NotFound,
            ErrorCode::RateLimited => ApiProblem::RateLimited(wait),
            ErrorCode::PlatformBusy => ApiProblem::Busy(wait),
            ErrorCode::PlatformDown | ErrorCode::PlatformRefused | ErrorCode::PlatformCredentials => {
                ApiProblem::Unavailable
            }
            _ => ApiProblem::Other(error.message),
        }
    }
}

/// `{proxy}/api/v1/events/{id}`: the event's read, and with `/live` after it its stream.
pub fn event_url(proxy: &str, id: &str) -> String {
    format!("{proxy}/api/v1/events/{}", String::from(js_sys::encode_uri_component(id)))
}

/// The body of a 2xx answer as `T`, or the problem any other answer (or none) means.
async fn answer<T: DeserializeOwned>(sent: Result<Response, gloo_net::Error>) -> Result<T, ApiProblem> {
    let response = sent.map_err(|_| ApiProblem::Unreachable)?;
    let (ok, status) = (response.ok(), response.status());
    let retry_after = response.headers().get("retry-after").and_then(|v| v.trim().parse().ok());
    let raw: web_sys::Response = response.into();
    let json = async {
        let promise = raw.json().ok()?;
        wasm_bindgen_futures::JsFuture::from(promise).await.ok()
    };
    if ok {
        return json.await.and_then(crate::json::from_js::<T>).ok_or_else(|| ApiProblem::Other(String::new()));
    }
    let body = json.await.and_then(crate::json::from_js::<ErrorBody>);
    Err(ApiProblem::of_answer(status, retry_after, body))
}

pub async fn event(proxy: &str, id: &str) -> Result<EventRead, ApiProblem> {
    answer(Request::get(&event_url(proxy, id)).send().await).await
}

pub async fn events(proxy: &str) -> Result<EventPageRead, ApiProblem> {
    answer(Request::get(&format!("{proxy}/api/v1/events")).send().await).await
}

/// Page `page` (from 1) of the list; the calendar reads as many as the months it shows need.
pub async fn events_page(proxy: &str, page: u32) -> Result<EventPageRead, ApiProblem> {
    answer(Request::get(&format!("{proxy}/api/v1/events?page={page}")).send().await).await
}

/// Asks for a checkout session for `order`; a retry with the same `idempotency_key` gets the
/// session the first attempt opened.
pub async fn checkout(
    proxy: &str,
    order: &CheckoutRequest,
    idempotency_key: &str,
) -> Result<CheckoutStarted, ApiProblem> {
    let request = Request::post(&format!("{proxy}/api/v1/checkout"))
        .header("Idempotency-Key", idempotency_key)
        .header("Content-Type", "application/json")
        .body(crate::json::to_string(order).unwrap_or_default())
        .map_err(|e| ApiProblem::Other(e.to_string()))?;
    answer(request.send().await).await
}

/// The rule of `code` for the event; the widget prices the discount itself from then on.
pub async fn promo_preview(proxy: &str, event_id: &str, code: &str) -> Result<AppliedPromo, ApiProblem> {
    let body = PromoPreviewRequest { event_id: event_id.to_owned(), code: code.to_owned() };
    let request = Request::post(&format!("{proxy}/api/v1/promo-preview"))
        .header("Content-Type", "application/json")
        .body(crate::json::to_string(&body).unwrap_or_default())
        .map_err(|e| ApiProblem::Other(e.to_string()))?;
    answer(request.send().await).await
}

/// Whether the proxy keeps waiting lists (it can send email).
pub async fn waitlist_offer(proxy: &str) -> Result<WaitlistOffer, ApiProblem> {
    answer(Request::get(&format!("{proxy}/api/v1/waitlist")).send().await).await
}

/// Puts the buyer's address on a sold-out tier's waiting list.
pub async fn join_waitlist(proxy: &str, request: &WaitlistRequest) -> Result<WaitlistJoined, ApiProblem> {
    let request = Request::post(&format!("{proxy}/api/v1/waitlist"))
        .header("Content-Type", "application/json")
        .body(crate::json::to_string(request).unwrap_or_default())
        .map_err(|e| ApiProblem::Other(e.to_string()))?;
    answer(request.send().await).await
}

/// The body of a plain `GET url` that answered 2xx (a language file beside the wasm).
pub async fn get_text(url: &str) -> Result<String, ApiProblem> {
    let response = Request::get(url).send().await.map_err(|_| ApiProblem::Unreachable)?;
    if !response.ok() {
        return Err(ApiProblem::of_answer(response.status(), None, None));
    }
    response.text().await.map_err(|_| ApiProblem::Unreachable)
}
