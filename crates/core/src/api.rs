//! The JSON shapes of the proxy's public API that the widget also reads or writes: one
//! definition each, so the proxy that writes a body and the widget that reads it cannot drift.
//! The proxy's OpenAPI document describes these same types (`openapi` feature).
//!
//! Each shape is exactly what the proxy writes; the tests below hold them to it.

use serde::{Deserialize, Serialize};

use crate::event::{Event, EventSummary};
use crate::order::FieldError;

/// Every error answer of the API: `{"error": {"message", "status", "code", "fields"?}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// What went wrong, in a sentence a buyer or site owner can act on.
    #[cfg_attr(feature = "openapi", schema(examples("Event not found")))]
    pub message: String,
    /// The HTTP status of the answer, repeated.
    #[cfg_attr(feature = "openapi", schema(minimum = 400, maximum = 599, examples(404)))]
    pub status: u16,
    /// What went wrong, for a program: stable across versions and languages, unlike `message`.
    pub code: ErrorCode,
    /// Present on order problems: one entry per field, so the widget can show each message
    /// beside its input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<FieldError>>,
}

/// What an error is about, for a program to act on (`message` is for people). Each code comes
/// with one HTTP status (`status`). A code this version does not know (from a newer proxy)
/// reads as `Other`, so a new code never breaks an older widget: go by the status then.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: the request is malformed, or fields are not valid (`fields` says which).
    Invalid,
    /// 409: the seats asked for are gone (every field problem is `sold_out` or
    /// `above_availability`), or the platform itself said so.
    SoldOut,
    /// 409: the only problem is a promo code that has been used up.
    PromoUnavailable,
    /// 409: a checkout with the same Idempotency-Key is still being created.
    InProgress,
    /// 409: this event's tickets are sold on the platform's own page, not through this proxy.
    SoldElsewhere,
    /// 404: no such event, endpoint or webhook platform.
    NotFound,
    /// 401: a webhook's signature or token is missing or wrong.
    Unauthorized,
    /// 403: sent from a web page whose origin is not allowed.
    Forbidden,
    /// 405: the path does not take this method (the `Allow` header lists those it does).
    MethodNotAllowed,
    /// 413: the body is larger than the proxy takes.
    PayloadTooLarge,
    /// 408: the request did not arrive in time.
    RequestTimeout,
    /// 415: the body is not in a format the endpoint takes.
    UnsupportedMediaType,
    /// 422: an Idempotency-Key reused for another order.
    Unprocessable,
    /// 429: this client asked this proxy too often (`Retry-After`).
    RateLimited,
    /// 503: the platform is limiting this proxy (`Retry-After`).
    PlatformBusy,
    /// 503: the platform is not answering (`Retry-After`).
    PlatformDown,
    /// 502: the platform refused the request or answered nonsense.
    PlatformRefused,
    /// 502: the platform refused this shop's API key.
    PlatformCredentials,
    /// 500: something went wrong in the proxy.
    Internal,
    /// A code this version does not know. Never sent by a proxy of this version.
    #[serde(other)]
    Other,
}

impl ErrorCode {
    /// Every code a proxy of this version sends (all but `Other`).
    pub const ALL: [ErrorCode; 19] = [
        ErrorCode::Invalid,
        ErrorCode::SoldOut,
        ErrorCode::PromoUnavailable,
        ErrorCode::InProgress,
        ErrorCode::SoldElsewhere,
        ErrorCode::NotFound,
        ErrorCode::Unauthorized,
        ErrorCode::Forbidden,
        ErrorCode::MethodNotAllowed,
        ErrorCode::PayloadTooLarge,
        ErrorCode::RequestTimeout,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::Unprocessable,
        ErrorCode::RateLimited,
        ErrorCode::PlatformBusy,
        ErrorCode::PlatformDown,
        ErrorCode::PlatformRefused,
        ErrorCode::PlatformCredentials,
        ErrorCode::Internal,
    ];

    /// The code as it is written in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Invalid => "invalid",
            ErrorCode::SoldOut => "sold_out",
            ErrorCode::PromoUnavailable => "promo_unavailable",
            ErrorCode::InProgress => "in_progress",
            ErrorCode::SoldElsewhere => "sold_elsewhere",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::RequestTimeout => "request_timeout",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::Unprocessable => "unprocessable",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::PlatformBusy => "platform_busy",
            ErrorCode::PlatformDown => "platform_down",
            ErrorCode::PlatformRefused => "platform_refused",
            ErrorCode::PlatformCredentials => "platform_credentials",
            ErrorCode::Internal => "internal",
            ErrorCode::Other => "other",
        }
    }

    /// The HTTP status the proxy sends with this code; `None` for `Other`.
    pub fn status(self) -> Option<u16> {
        Some(match self {
            ErrorCode::Invalid => 400,
            ErrorCode::SoldOut | ErrorCode::PromoUnavailable | ErrorCode::InProgress | ErrorCode::SoldElsewhere => 409,
            ErrorCode::NotFound => 404,
            ErrorCode::Unauthorized => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::RequestTimeout => 408,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::Unprocessable => 422,
            ErrorCode::RateLimited => 429,
            ErrorCode::PlatformBusy | ErrorCode::PlatformDown => 503,
            ErrorCode::PlatformRefused | ErrorCode::PlatformCredentials => 502,
            ErrorCode::Internal => 500,
            ErrorCode::Other => return None,
        })
    }
}

/// Described by hand: the document lists the codes a proxy sends, without `Other`, which only
/// a reader has.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for ErrorCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some(
                "What the error is about, for a program to act on; each code comes with one HTTP status. \
                 A client should treat a code it does not know by the status alone.",
            ))
            .enum_values(Some(ErrorCode::ALL.map(ErrorCode::as_str)))
            .examples(["not_found"])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for ErrorCode {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("ErrorCode")
    }
}

/// An event as the widget gets it (`GET /api/v1/events/{id}`): the event, and `stale` when
/// the platform could not be asked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventRead {
    #[serde(flatten)]
    pub event: Event,
    /// Present (and `true`) when the platform could not be asked and this is the last copy.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub stale: bool,
}

/// An event's first view (`GET /api/v1/events/{id}/view`): the widget as HTML, rendered by the
/// proxy with the widget's own components, and the read it was rendered from, which the widget
/// hydrates it with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FirstView {
    /// What the widget's root element holds: the event's header, tiers and order form.
    pub html: String,
    pub read: EventRead,
}

/// The event list's first view (`GET /api/v1/events/view`): the widget in list mode as HTML,
/// rendered by the proxy, and the first page of events it was rendered from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListFirstView {
    /// What the widget's root element holds: the heading and a card for each event.
    pub html: String,
    pub read: EventPageRead,
}

/// Where a page of the event list stands among all of them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PageMeta {
    pub page: u32,
    pub per_page: u32,
    pub total: u32,
    pub total_pages: u32,
    pub has_more: bool,
}

/// A page of the event list as the widget gets it (`GET /api/v1/events`): the page, and
/// whether it is the last copy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventPageRead {
    pub events: Vec<EventSummary>,
    pub meta: PageMeta,
    /// `true` when the platform could not be asked (it is down or limiting us) and this is the
    /// last copy of the page the proxy had; `false` otherwise. Always present.
    pub stale: bool,
}

/// A checkout session opened on the platform (`POST /api/v1/checkout`, 201): where the buyer pays.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckoutStarted {
    /// The platform's hosted payment page; the widget sends the top window there.
    #[cfg_attr(feature = "openapi", schema(examples("https://pay.hanghut.com/checkout/cs_123")))]
    pub checkout_url: String,
    /// When the platform lets the held seats go if the buyer has not paid, as the platform wrote it.
    pub expires_at: String,
    /// The platform's reference for this checkout (HangHut's `checkout_id`): the purchase
    /// event's `transaction_id`, and what the platform's own records call the order.
    #[cfg_attr(feature = "openapi", schema(examples("pi_abc123def456")))]
    pub checkout_id: String,
}

/// `POST /api/v1/promo-preview` body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PromoPreviewRequest {
    #[cfg_attr(feature = "openapi", schema(examples("344c5b2c-7de4-4174-863f-682207408add")))]
    pub event_id: String,
    /// As the buyer typed it: spaces around it and letter case do not matter.
    #[cfg_attr(feature = "openapi", schema(examples(" earlybird")))]
    pub code: String,
}

/// `POST /api/v1/waitlist` body: a buyer asks to be emailed when seats come back in a
/// sold-out tier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WaitlistRequest {
    #[cfg_attr(feature = "openapi", schema(examples("344c5b2c-7de4-4174-863f-682207408add")))]
    pub event_id: String,
    #[cfg_attr(feature = "openapi", schema(examples("b7546bea-7ff9-4d8b-8969-e13ac570cbf9")))]
    pub tier_id: String,
    #[cfg_attr(feature = "openapi", schema(examples("juan@example.com")))]
    pub email: String,
    /// The buyer ticked the box agreeing to be emailed about this tier: required, and `true`.
    #[serde(default)]
    pub consent: bool,
    /// The page the buyer signed up on: the email links back to it when its origin is one the
    /// proxy allows; otherwise to the shop's configured page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(examples("https://shop.example/jazz")))]
    pub page_url: Option<String>,
}

/// `POST /api/v1/waitlist` answer: the address is on the tier's waiting list (the same answer
/// when it already was, so the call can be repeated and says nothing about who else signed up).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WaitlistJoined {
    pub event_id: String,
    pub tier_id: String,
}

/// `GET /api/v1/waitlist`: whether this proxy keeps waiting lists (it can send email), so the
/// widget offers one on a sold-out tier only where it works.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WaitlistOffer {
    pub offered: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{EventId, EventStatus, Tier, TierId};
    use crate::money::{Currency, Money};
    use crate::order::{Field, Problem};
    use serde::de::DeserializeOwned;
    use serde_json::{json, Value};

    /// `value` read as `T` and written again is `value`, byte for byte.
    fn round_trips<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(value: &T, json: &str) {
        assert_eq!(serde_json::to_string(value).unwrap(), json);
        let read: T = serde_json::from_str(json).unwrap();
        assert_eq!(&read, value);
    }

    fn event() -> Event {
        Event {
            id: EventId::parse("ev-1").unwrap(),
            title: "Jazz".into(),
            status: EventStatus::Active,
            start_datetime: "2026-11-23T19:00:00+08:00".into(),
            venue_name: None,
            description: None,
            currency: Currency::PHP,
            tiers: vec![Tier::new(TierId::parse("ga").unwrap(), "General", Money::new(75_000, Currency::PHP), 12)],
            sold_elsewhere: None,
            resale: None,
        }
    }

    #[test]
    fn an_error_body_round_trips_with_and_without_fields() {
        let plain = ErrorBody {
            error: ErrorDetail {
                message: "Event not found".into(),
                status: 404,
                code: ErrorCode::NotFound,
                fields: None,
            },
        };
        round_trips(&plain, r#"{"error":{"message":"Event not found","status":404,"code":"not_found"}}"#);
        let fields = ErrorBody {
            error: ErrorDetail {
                message: "This ticket tier is sold out".into(),
                status: 409,
                code: ErrorCode::SoldOut,
                fields: Some(vec![FieldError { field: Field::Quantity, problem: Problem::SoldOut }]),
            },
        };
        round_trips(
            &fields,
            r#"{"error":{"message":"This ticket tier is sold out","status":409,"code":"sold_out","fields":[{"field":"quantity","problem":{"kind":"sold_out"}}]}}"#,
        );
    }

    #[test]
    fn every_code_is_written_as_its_name_and_an_unknown_one_reads_as_other() {
        for code in ErrorCode::ALL {
            round_trips(&code, &format!("\"{}\"", code.as_str()));
            let status = code.status().unwrap();
            assert!((400..600).contains(&status), "{code:?}");
        }
        let newer: ErrorCode = serde_json::from_str("\"seat_map_changed\"").unwrap();
        assert_eq!(newer, ErrorCode::Other);
        assert_eq!(newer.status(), None);
        // And a whole body from a newer proxy still reads.
        let body: ErrorBody = serde_json::from_value(json!({"error": {"message": "m", "status": 409,
            "code": "seat_map_changed"}}))
        .unwrap();
        assert_eq!(body.error.code, ErrorCode::Other);
    }

    #[test]
    fn all_lists_every_code_but_other_once() {
        // Exhaustive: a new variant fails to compile here until it is added to `ALL`.
        let listed = |code: ErrorCode| match code {
            ErrorCode::Other => false,
            ErrorCode::Invalid
            | ErrorCode::SoldOut
            | ErrorCode::PromoUnavailable
            | ErrorCode::InProgress
            | ErrorCode::SoldElsewhere
            | ErrorCode::NotFound
            | ErrorCode::Unauthorized
            | ErrorCode::Forbidden
            | ErrorCode::MethodNotAllowed
            | ErrorCode::PayloadTooLarge
            | ErrorCode::RequestTimeout
            | ErrorCode::UnsupportedMediaType
            | ErrorCode::Unprocessable
            | ErrorCode::RateLimited
            | ErrorCode::PlatformBusy
            | ErrorCode::PlatformDown
            | ErrorCode::PlatformRefused
            | ErrorCode::PlatformCredentials
            | ErrorCode::Internal => true,
        };
        assert!(ErrorCode::ALL.into_iter().all(listed));
        let mut names: Vec<&str> = ErrorCode::ALL.map(ErrorCode::as_str).to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ErrorCode::ALL.len());
    }

    #[test]
    fn an_event_read_carries_stale_only_when_true() {
        let event_json = serde_json::to_string(&event()).unwrap();
        let fresh = EventRead { event: event(), stale: false };
        round_trips(&fresh, &event_json);
        let stale = EventRead { event: event(), stale: true };
        let stale_json = format!("{},\"stale\":true}}", event_json.trim_end_matches('}'));
        round_trips(&stale, &stale_json);
        let value: Value = serde_json::from_str(&stale_json).unwrap();
        assert_eq!(value["tiers"][0]["id"], "ga", "the event's members are at the top level");
    }

    #[test]
    fn an_event_page_read_always_carries_stale() {
        let page = EventPageRead {
            events: vec![event().summary()],
            meta: PageMeta { page: 1, per_page: 20, total: 1, total_pages: 1, has_more: false },
            stale: false,
        };
        let summary = serde_json::to_string(&event().summary()).unwrap();
        let json = format!(
            r#"{{"events":[{summary}],"meta":{{"page":1,"per_page":20,"total":1,"total_pages":1,"has_more":false}},"stale":false}}"#
        );
        round_trips(&page, &json);
        round_trips(&EventPageRead { stale: true, ..page }, &json.replace(r#""stale":false"#, r#""stale":true"#));
    }

    #[test]
    fn a_checkout_started_round_trips() {
        let started = CheckoutStarted {
            checkout_url: "https://pay.hanghut.com/checkout/cs_123".into(),
            expires_at: "2026-11-23T10:30:00Z".into(),
            checkout_id: "cs_123".into(),
        };
        round_trips(
            &started,
            r#"{"checkout_url":"https://pay.hanghut.com/checkout/cs_123","expires_at":"2026-11-23T10:30:00Z","checkout_id":"cs_123"}"#,
        );
    }

    #[test]
    fn a_waitlist_request_round_trips_and_consent_defaults_to_no() {
        let request = WaitlistRequest {
            event_id: "ev-1".into(),
            tier_id: "ga".into(),
            email: "a@example.com".into(),
            consent: true,
            page_url: None,
        };
        round_trips(&request, r#"{"event_id":"ev-1","tier_id":"ga","email":"a@example.com","consent":true}"#);
        let silent: WaitlistRequest =
            serde_json::from_str(r#"{"event_id":"ev-1","tier_id":"ga","email":"a@example.com"}"#).unwrap();
        assert!(!silent.consent, "no answer is no consent");
        assert!(serde_json::from_str::<WaitlistRequest>(r#"{"event_id":"e","tier_id":"t","email":"x","x":1}"#).is_err());
        round_trips(&WaitlistOffer { offered: false }, r#"{"offered":false}"#);
    }

    #[test]
    fn a_promo_preview_request_round_trips_and_refuses_unknown_members() {
        let request = PromoPreviewRequest { event_id: "ev-1".into(), code: " earlybird".into() };
        round_trips(&request, r#"{"event_id":"ev-1","code":" earlybird"}"#);
        let extra = r#"{"event_id":"ev-1","code":"X","discount":100}"#;
        assert!(serde_json::from_str::<PromoPreviewRequest>(extra).is_err());
    }
}
