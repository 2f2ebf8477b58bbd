//! The proxy's one error type. Every failure a client sees becomes
//! `{"error": {"message": "...", "status": N, "code": "..."}}` (the platforms' own format plus
//! a stable `code` for programs, `tessera_core::ErrorBody`) with a message a buyer or site owner
//! can act on; internal detail goes to the log, never to the response.

use axum::extract::rejection::{FormRejection, JsonRejection};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::time::Duration;
pub use tessera_core::{ErrorBody, ErrorCode, ErrorDetail};
use tessera_core::{FieldError, Problem};

use crate::upstream::UpstreamError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    /// Order problems found by `tessera-core`, one per field.
    #[error("{}", first_message(.0))]
    Invalid(Vec<FieldError>),
    #[error("{0}")]
    NotFound(&'static str),
    /// The seats are gone after all: the platform's own 409, or a tier it no longer sells.
    #[error("{0}")]
    SeatsGone(String),
    /// A checkout with the same Idempotency-Key is still being created.
    #[error("{0}")]
    InProgress(&'static str),
    /// The event's tickets are sold on its platform's own page, not through this proxy.
    #[error("{0}")]
    SoldElsewhere(String),
    #[error("{0}")]
    Unauthorized(&'static str),
    #[error("{0}")]
    UnsupportedMediaType(&'static str),
    /// A method the path does not take; axum adds the `Allow` header with the ones it does.
    #[error("this address does not take that method; the Allow header lists the ones it does")]
    MethodNotAllowed,
    /// A browser request from a page whose origin the site owner has not allowed.
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("the request is too large (at most {} KiB)", .0 / 1024)]
    PayloadTooLarge(usize),
    #[error("the request took too long to arrive; please try again")]
    RequestTimeout,
    /// Well-formed, but cannot be carried out as asked (an idempotency key reused for
    /// another order).
    #[error("{0}")]
    Unprocessable(&'static str),
    /// This client asked too often (the proxy's own limit, e.g. on promo previews).
    #[error("too many attempts; please try again in {} seconds", retry_after_secs(*.0))]
    RateLimited(Duration),
    /// This client address already holds as many live streams as it may (another tab's, or
    /// someone else's behind the same address). The widget falls back to asking now and then.
    #[error("this address already has {0} live streams open; close a tab showing tickets and try again")]
    TooManyStreams(u32),
    #[error("the ticketing platform rejected this shop's credentials; the site owner needs to check the API key")]
    UpstreamCredentials,
    #[error("the ticketing platform could not complete this request; please try again later")]
    UpstreamRefused,
    #[error("the ticket service is busy; please try again in {} seconds", retry_after_secs(*.0))]
    UpstreamBusy(Duration),
    /// The platform is not answering; worth asking again after the wait (sent as Retry-After).
    #[error("the ticket service is not responding; please try again in a moment")]
    UpstreamUnavailable(Duration),
    #[error("something went wrong on our side; please try again")]
    Internal(String),
}

/// How long a client asked to try again later should wait when nothing better is known: the
/// catalogue's first probe comes sooner, so by then the proxy has asked the platform again.
pub const UNAVAILABLE_RETRY_AFTER: Duration = Duration::from_secs(2);
/// The wait a client over its live-stream cap is given.
pub const STREAM_RETRY_AFTER: Duration = Duration::from_secs(30);

/// A wait as whole seconds for `Retry-After` and messages: rounded up, since a client coming
/// back a moment early only meets the same refusal, and at least 1, since 0 invites a tight loop.
pub fn retry_after_secs(wait: Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

fn first_message(errors: &[FieldError]) -> String {
    let mut text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    text.dedup();
    let joined = text.join("; ");
    let mut chars = joined.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => "The order is not valid".into(),
    }
}

/// The code of an order's field problems. Seats that are gone (or a promo code used up)
/// conflict with the state of the tier: 409, as HangHut answers. Anything else about the
/// order is a 400 `invalid`.
fn fields_code(fields: &[FieldError]) -> ErrorCode {
    let gone = |f: &FieldError| matches!(f.problem, Problem::SoldOut | Problem::AboveAvailability(_));
    let used_up = |f: &FieldError| f.problem == Problem::UsedUp;
    if fields.is_empty() || !fields.iter().all(|f| gone(f) || used_up(f)) {
        ErrorCode::Invalid
    } else if fields.iter().all(used_up) {
        ErrorCode::PromoUnavailable
    } else {
        // Seats gone, maybe a used-up code with them: the seats decide what the buyer does.
        ErrorCode::SoldOut
    }
}

impl ApiError {
    /// What the error is about, for programs: each code has one status (`status` agrees).
    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::BadRequest(_) => ErrorCode::Invalid,
            ApiError::Invalid(fields) => fields_code(fields),
            ApiError::NotFound(_) => ErrorCode::NotFound,
            ApiError::SeatsGone(_) => ErrorCode::SoldOut,
            ApiError::InProgress(_) => ErrorCode::InProgress,
            ApiError::SoldElsewhere(_) => ErrorCode::SoldElsewhere,
            ApiError::Unauthorized(_) => ErrorCode::Unauthorized,
            ApiError::UnsupportedMediaType(_) => ErrorCode::UnsupportedMediaType,
            ApiError::MethodNotAllowed => ErrorCode::MethodNotAllowed,
            ApiError::Forbidden(_) => ErrorCode::Forbidden,
            ApiError::PayloadTooLarge(_) => ErrorCode::PayloadTooLarge,
            ApiError::RequestTimeout => ErrorCode::RequestTimeout,
            ApiError::Unprocessable(_) => ErrorCode::Unprocessable,
            ApiError::RateLimited(_) | ApiError::TooManyStreams(_) => ErrorCode::RateLimited,
            ApiError::UpstreamCredentials => ErrorCode::PlatformCredentials,
            ApiError::UpstreamRefused => ErrorCode::PlatformRefused,
            ApiError::UpstreamBusy(_) => ErrorCode::PlatformBusy,
            ApiError::UpstreamUnavailable(_) => ErrorCode::PlatformDown,
            ApiError::Internal(_) => ErrorCode::Internal,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Invalid(fields) if fields_code(fields) != ErrorCode::Invalid => StatusCode::CONFLICT,
            ApiError::BadRequest(_) | ApiError::Invalid(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::SeatsGone(_) | ApiError::InProgress(_) | ApiError::SoldElsewhere(_) => StatusCode::CONFLICT,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            ApiError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::RateLimited(_) | ApiError::TooManyStreams(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::UpstreamCredentials | ApiError::UpstreamRefused => StatusCode::BAD_GATEWAY,
            ApiError::UpstreamBusy(_) | ApiError::UpstreamUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message as sent to clients: sentence case, no internals.
    pub fn public_message(&self) -> String {
        let text = self.to_string();
        let mut chars = text.chars();
        match chars.next() {
            Some(c) => c.to_uppercase().chain(chars).collect(),
            None => String::new(),
        }
    }

    pub fn to_body(&self) -> ErrorBody {
        let fields = match self {
            // Field-level detail lets the widget put each message beside its input.
            ApiError::Invalid(fields) => Some(fields.clone()),
            _ => None,
        };
        let error =
            ErrorDetail { message: self.public_message(), status: self.status().as_u16(), code: self.code(), fields };
        ErrorBody { error }
    }

    pub fn body(&self) -> serde_json::Value {
        serde_json::to_value(self.to_body()).expect("an error body always serialises")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            // Log the internal detail (never a secret: upstream errors carry none) for the operator.
            tracing::warn!(error = ?self, status = status.as_u16(), "request failed");
        }
        let mut response = (status, axum::Json(self.to_body())).into_response();
        if let Some(wait) = self.retry_after() {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs(wait)));
        }
        response
    }
}

impl ApiError {
    /// How long the client should wait before asking again, for answers where that is known.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ApiError::UpstreamBusy(wait) | ApiError::RateLimited(wait) | ApiError::UpstreamUnavailable(wait) => {
                Some(*wait)
            }
            // A slot frees when one of the client's streams closes, which nobody can foresee:
            // a while, so a client that retries by itself does not hammer.
            ApiError::TooManyStreams(_) => Some(STREAM_RETRY_AFTER),
            _ => None,
        }
    }

    /// A failed catalogue read: a platform that is not answering is asked again at the
    /// catalogue's next probe, so that is when a client's retry can get something new.
    pub fn from_read(e: UpstreamError, next_probe_in: Duration) -> Self {
        match e {
            UpstreamError::Unavailable(_) => ApiError::UpstreamUnavailable(next_probe_in),
            other => other.into(),
        }
    }
}

impl From<UpstreamError> for ApiError {
    fn from(e: UpstreamError) -> Self {
        match e {
            UpstreamError::Unauthorized => ApiError::UpstreamCredentials,
            UpstreamError::NotFound => ApiError::NotFound("Event not found"),
            UpstreamError::Conflict(_) => ApiError::SeatsGone(
                "Not enough tickets are left in this tier. Choose fewer tickets or another tier.".into(),
            ),
            UpstreamError::RateLimited(wait) => ApiError::UpstreamBusy(wait),
            UpstreamError::Rejected { .. } | UpstreamError::Malformed(_) => ApiError::UpstreamRefused,
            UpstreamError::Unavailable(_) => ApiError::UpstreamUnavailable(UNAVAILABLE_RETRY_AFTER),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => {
                ApiError::UnsupportedMediaType("Send the request as application/json")
            }
            other => ApiError::BadRequest(format!("The request body is not valid: {}", other.body_text())),
        }
    }
}

impl From<FormRejection> for ApiError {
    fn from(rejection: FormRejection) -> Self {
        ApiError::BadRequest(format!("The form is not valid: {}", rejection.body_text()))
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        ApiError::Internal(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tessera_core::Field;

    #[test]
    fn seats_that_are_gone_are_a_conflict_not_a_bad_request() {
        let gone =
            ApiError::Invalid(vec![FieldError { field: Field::Quantity, problem: Problem::AboveAvailability(2) }]);
        assert_eq!(gone.status(), StatusCode::CONFLICT);
        let mixed = ApiError::Invalid(vec![
            FieldError { field: Field::Quantity, problem: Problem::SoldOut },
            FieldError { field: Field::Email, problem: Problem::Missing },
        ]);
        assert_eq!(mixed.status(), StatusCode::BAD_REQUEST);
    }

    /// One of each variant (and each kind of field list); the match has no wildcard, so a new
    /// variant does not compile until it is listed here.
    fn one_of_each() -> Vec<ApiError> {
        let field = |field, problem| FieldError { field, problem };
        let samples = vec![
            ApiError::BadRequest("bad".into()),
            ApiError::Invalid(vec![field(Field::Email, Problem::Missing)]),
            ApiError::Invalid(vec![]),
            ApiError::Invalid(vec![field(Field::Quantity, Problem::SoldOut)]),
            ApiError::Invalid(vec![field(Field::Quantity, Problem::AboveAvailability(2))]),
            ApiError::Invalid(vec![field(Field::PromoCode, Problem::UsedUp)]),
            ApiError::Invalid(vec![field(Field::Quantity, Problem::SoldOut), field(Field::PromoCode, Problem::UsedUp)]),
            ApiError::Invalid(vec![field(Field::Quantity, Problem::SoldOut), field(Field::Email, Problem::Missing)]),
            ApiError::Invalid(vec![field(Field::PromoCode, Problem::Expired)]),
            ApiError::NotFound("nope"),
            ApiError::SeatsGone("gone".into()),
            ApiError::InProgress("wait"),
            ApiError::SoldElsewhere("elsewhere".into()),
            ApiError::Unauthorized("who"),
            ApiError::UnsupportedMediaType("json"),
            ApiError::MethodNotAllowed,
            ApiError::Forbidden("origin"),
            ApiError::PayloadTooLarge(16 * 1024),
            ApiError::RequestTimeout,
            ApiError::Unprocessable("key"),
            ApiError::RateLimited(Duration::from_secs(3)),
            ApiError::TooManyStreams(20),
            ApiError::UpstreamCredentials,
            ApiError::UpstreamRefused,
            ApiError::UpstreamBusy(Duration::from_secs(3)),
            ApiError::UpstreamUnavailable(Duration::from_secs(3)),
            ApiError::Internal("oops".into()),
        ];
        for e in &samples {
            match e {
                ApiError::BadRequest(_)
                | ApiError::Invalid(_)
                | ApiError::NotFound(_)
                | ApiError::SeatsGone(_)
                | ApiError::InProgress(_)
                | ApiError::SoldElsewhere(_)
                | ApiError::Unauthorized(_)
                | ApiError::UnsupportedMediaType(_)
                | ApiError::MethodNotAllowed
                | ApiError::Forbidden(_)
                | ApiError::PayloadTooLarge(_)
                | ApiError::RequestTimeout
                | ApiError::Unprocessable(_)
                | ApiError::RateLimited(_)
                | ApiError::TooManyStreams(_)
                | ApiError::UpstreamCredentials
                | ApiError::UpstreamRefused
                | ApiError::UpstreamBusy(_)
                | ApiError::UpstreamUnavailable(_)
                | ApiError::Internal(_) => {}
            }
        }
        samples
    }

    #[test]
    fn every_error_has_a_code_whose_status_is_its_status() {
        for e in one_of_each() {
            let code = e.code();
            assert_ne!(code, ErrorCode::Other, "{e:?}");
            assert_eq!(code.status(), Some(e.status().as_u16()), "{e:?} is {code:?}");
            let body = e.body();
            assert_eq!(body["error"]["code"], code.as_str(), "{body}");
            assert_eq!(body["error"]["status"], e.status().as_u16(), "{body}");
        }
        let field = |field, problem| FieldError { field, problem };
        let code_of = |fields| ApiError::Invalid(fields).code();
        assert_eq!(code_of(vec![field(Field::Quantity, Problem::AboveAvailability(1))]), ErrorCode::SoldOut);
        assert_eq!(code_of(vec![field(Field::PromoCode, Problem::UsedUp)]), ErrorCode::PromoUnavailable);
        let both = vec![field(Field::Quantity, Problem::SoldOut), field(Field::PromoCode, Problem::UsedUp)];
        assert_eq!(code_of(both), ErrorCode::SoldOut, "the seats decide");
        assert_eq!(code_of(vec![field(Field::PromoCode, Problem::Expired)]), ErrorCode::Invalid);
        // Every code the proxy can send comes from some error.
        let sent: Vec<ErrorCode> = one_of_each().iter().map(ApiError::code).collect();
        for code in ErrorCode::ALL {
            assert!(sent.contains(&code), "{code:?} is never sent");
        }
    }

    #[test]
    fn an_error_body_without_fields_has_no_fields_member() {
        let body = ApiError::NotFound("Event not found").body();
        assert_eq!(
            body,
            serde_json::json!({"error": {"message": "Event not found", "status": 404, "code": "not_found"}})
        );
    }

    #[test]
    fn field_errors_become_one_sentence_and_a_field_list() {
        let e = ApiError::Invalid(vec![
            FieldError { field: Field::Quantity, problem: Problem::BelowMinimum(1) },
            FieldError { field: Field::Email, problem: Problem::Missing },
        ]);
        let body = e.body();
        assert_eq!(body["error"]["status"], 400);
        assert_eq!(body["error"]["message"], "Quantity must be at least 1; email is required");
        assert_eq!(body["error"]["fields"][1]["field"], "email");
    }

    #[test]
    fn upstream_credentials_are_a_502_without_detail() {
        let e = ApiError::from(UpstreamError::Unauthorized);
        assert_eq!(e.status(), StatusCode::BAD_GATEWAY);
        assert!(e.public_message().contains("API key"));
    }

    #[test]
    fn busy_upstream_says_how_long_to_wait() {
        let r = ApiError::UpstreamBusy(Duration::from_secs(12)).into_response();
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(r.headers()[header::RETRY_AFTER], "12");
    }

    #[test]
    fn a_platform_that_is_not_answering_is_a_503_with_retry_after() {
        let r = ApiError::from(UpstreamError::Unavailable("connection reset".into())).into_response();
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(r.headers()[header::RETRY_AFTER], retry_after_secs(UNAVAILABLE_RETRY_AFTER).to_string().as_str());
        // A read waits for the catalogue's next probe instead.
        let read = ApiError::from_read(UpstreamError::Unavailable("timeout".into()), Duration::from_millis(3_200));
        assert_eq!(read.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(read.into_response().headers()[header::RETRY_AFTER], "4");
        let overdue = ApiError::from_read(UpstreamError::Unavailable("timeout".into()), Duration::ZERO);
        assert_eq!(overdue.into_response().headers()[header::RETRY_AFTER], "1");
        // Other failures of a read keep their own mapping.
        assert_eq!(ApiError::from_read(UpstreamError::NotFound, Duration::ZERO).status(), StatusCode::NOT_FOUND);
        let busy = ApiError::from_read(UpstreamError::RateLimited(Duration::from_secs(30)), Duration::ZERO);
        assert_eq!(busy.into_response().headers()[header::RETRY_AFTER], "30");
    }

    #[test]
    fn retry_after_is_whole_seconds_rounded_up_and_never_zero() {
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_secs(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1_001)), 2);
        assert_eq!(retry_after_secs(Duration::from_millis(7_999)), 8);
    }

    #[test]
    fn a_wrong_method_is_a_405_in_the_error_format() {
        let e = ApiError::MethodNotAllowed;
        assert_eq!(e.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(e.body()["error"]["status"], 405);
        assert!(e.into_response().headers().get(header::RETRY_AFTER).is_none());
    }
}
