//! The hand-off: re-validate an order against fresh availability with `tessera-core`, then
//! ask the platform for a hosted checkout session. The return URLs come from configuration
//! only; the proxy adds the outcome and the event so the widget on that page can tell the
//! buyer what happened.

use tessera_core::{CheckoutRequest, Customer, EventId, Field, FieldError, Problem};

use crate::claims::Claims;
use crate::error::ApiError;
use crate::live::LiveHub;
use crate::promo;
use crate::store::{KeyClaim, Store};
use crate::upstream::{CheckoutSession, UpstreamError};

/// The pages a buyer returns to, from configuration.
#[derive(Debug, Clone)]
pub struct ReturnUrls {
    pub success: reqwest::Url,
    pub cancel: reqwest::Url,
}

impl ReturnUrls {
    /// `base` with `tessera_status` and `tessera_event` added (existing query kept).
    pub fn for_outcome(base: &reqwest::Url, status: &str, event: &EventId) -> String {
        let mut url = base.clone();
        url.query_pairs_mut().append_pair("tessera_status", status).append_pair("tessera_event", event.as_str());
        url.into()
    }
}

/// An `Idempotency-Key` header as the widget sends it (a UUID): visible ASCII, 1 to 255
/// characters (draft-ietf-httpapi-idempotency-key-header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        if (1..=255).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_graphic()) {
            Ok(IdempotencyKey(raw.to_owned()))
        } else {
            Err(ApiError::BadRequest("The Idempotency-Key header must be 1 to 255 visible characters".into()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What identifies an order for idempotency: a hash of the parsed request, so the same order
/// sent with other spacing or field order is still the same order.
pub fn fingerprint(request: &CheckoutRequest) -> String {
    use sha2::{Digest, Sha256};
    let canonical = serde_json::to_vec(request).expect("a CheckoutRequest always serialises");
    hex::encode(Sha256::digest(canonical))
}

/// A hand-off answered once per Idempotency-Key: a retry of the same order gets the session
/// the first try opened (`true` = replayed) without asking the platform again. With Redis
/// (`claims`) the key is claimed there, so a retry that reaches another proxy is answered
/// alike; while Redis cannot answer, in this proxy's SQLite.
pub async fn hand_off_once(
    live: &LiveHub,
    store: &Store,
    claims: Option<&Claims>,
    urls: &ReturnUrls,
    request: &CheckoutRequest,
    key: Option<&IdempotencyKey>,
) -> Result<(CheckoutSession, bool), ApiError> {
    let Some(key) = key else {
        let upstream_key = format!("tessera-{}", uuid::Uuid::new_v4().simple());
        return hand_off(live, store, urls, request, &upstream_key).await.map(|s| (s, false));
    };
    let fingerprint = fingerprint(request);
    let shared = match claims {
        Some(claims) => claims.claim_checkout_key(key.as_str(), &fingerprint).await,
        None => None,
    };
    let in_redis = shared.is_some();
    let claim = match shared {
        Some(claim) => claim,
        None => store.claim_checkout_key(key.as_str(), &fingerprint, chrono::Utc::now()).await?,
    };
    let upstream_key = match claim {
        KeyClaim::Replay(session) => return Ok((session, true)),
        KeyClaim::Mismatch => {
            return Err(ApiError::Unprocessable(
                "This Idempotency-Key was already used for a different order; send a new key for a new order",
            ))
        }
        KeyClaim::InFlight => {
            return Err(ApiError::InProgress("This checkout is already being created; try again in a moment"))
        }
        KeyClaim::Proceed { upstream_key } => upstream_key,
    };
    let result = hand_off(live, store, urls, request, &upstream_key).await;
    match (&result, claims.filter(|_| in_redis)) {
        (Ok(session), Some(claims)) => claims.complete_checkout_key(key.as_str(), session).await,
        (Err(e), Some(claims)) => claims.release_checkout_key(key.as_str(), !may_have_reached_upstream(e)).await,
        (Ok(session), None) => store.complete_checkout_key(key.as_str(), session).await?,
        (Err(e), None) => store.release_checkout_key(key.as_str(), !may_have_reached_upstream(e)).await?,
    }
    result.map(|s| (s, false))
}

/// Failures after which the platform may have opened a session we never heard of.
fn may_have_reached_upstream(e: &ApiError) -> bool {
    matches!(e, ApiError::UpstreamUnavailable(_) | ApiError::UpstreamRefused | ApiError::Internal(_))
}

pub async fn hand_off(
    live: &LiveHub,
    store: &Store,
    urls: &ReturnUrls,
    request: &CheckoutRequest,
    upstream_key: &str,
) -> Result<CheckoutSession, ApiError> {
    let event_id = EventId::parse(&request.event_id)
        .map_err(|_| ApiError::Invalid(vec![FieldError { field: Field::EventId, problem: Problem::Invalid }]))?;
    // The code first: a code that stopped being valid since the preview stops the order
    // before anything is asked of the platform.
    let applied = promo::for_checkout(store, &event_id, request, chrono::Utc::now()).await?;
    // The catalogue's copy is kept current by webhooks; a hold made elsewhere since is caught
    // by the platform's own 409. Not reading afresh halves what a checkout costs the budget.
    let catalogue = live.catalogue();
    let read = catalogue.event(&event_id).await.map_err(|e| ApiError::from_read(e, catalogue.next_probe_in()))?;
    // A platform that is not answering will not take the order either: say so now. A copy
    // that is only old because reads used their budget share is fine to check against.
    if read.down {
        return Err(ApiError::UpstreamUnavailable(catalogue.next_probe_in()));
    }
    let event = read.event;
    // Its platform has no checkout this proxy could open (TicketWave, vivenu, Ingresse): the
    // widget sends buyers to the platform's page instead, and so does this answer.
    if let Some(elsewhere) = &event.sold_elsewhere {
        let at = elsewhere.url.as_deref().map(|u| format!(" at {u}")).unwrap_or_default();
        return Err(ApiError::SoldElsewhere(format!("Tickets for this event are sold on {}{at}", elsewhere.platform)));
    }
    let order = request.validate(&event, applied.as_ref()).map_err(ApiError::Invalid)?;

    let success = ReturnUrls::for_outcome(&urls.success, "success", &event_id);
    let cancel = ReturnUrls::for_outcome(&urls.cancel, "cancelled", &event_id);
    let session = catalogue.upstream().create_checkout(&order, &success, &cancel, upstream_key).await;
    // Seats are held (or just proved gone): either way the cached availability is old.
    live.changed(&event_id).await;
    if let (Err(e), Some(code)) = (&session, &order.promo_code) {
        if let Some(refusal) = promo::upstream_refusal(store, &event_id, code, e).await {
            return Err(refusal);
        }
    }
    session.map_err(|e| match e {
        UpstreamError::NotFound => ApiError::SeatsGone("This ticket tier is no longer on sale.".into()),
        other => other.into(),
    })
}

/// A checkout sent as JSON. A quantity that is not a whole number (`1.5`, `"2"`, `1e20`)
/// is reported against the quantity field, like every other quantity problem, rather than
/// as a parser message; any field the request may not carry (a price, a return URL) is
/// refused by `CheckoutRequest`'s `deny_unknown_fields`.
pub fn parse_json(body: &[u8]) -> Result<CheckoutRequest, ApiError> {
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::BadRequest(format!("The request body is not valid JSON: {e}")))?;
    let quantity_problem = match value.get("quantity") {
        Some(serde_json::Value::Null) => Some(Problem::Missing),
        Some(q) if !q.is_i64() => Some(Problem::Invalid),
        _ => None,
    };
    if let Some(problem) = quantity_problem {
        return Err(ApiError::Invalid(vec![FieldError { field: Field::Quantity, problem }]));
    }
    serde_json::from_value(value)
        .map_err(|e| ApiError::BadRequest(format!("The request body is not a valid checkout: {e}")))
}

/// The fields of a plain HTML form (no JavaScript): flat names instead of `customer.*`.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct CheckoutForm {
    #[serde(default)]
    pub event_id: String,
    #[serde(default)]
    pub tier_id: String,
    /// A whole number, as typed.
    #[serde(default)]
    pub quantity: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub promo_code: Option<String>,
}

impl CheckoutForm {
    pub fn into_request(self) -> Result<CheckoutRequest, ApiError> {
        let quantity =
            self.quantity.trim().parse::<i64>().map_err(|_| {
                ApiError::Invalid(vec![FieldError { field: Field::Quantity, problem: Problem::Invalid }])
            })?;
        Ok(CheckoutRequest {
            event_id: self.event_id,
            tier_id: self.tier_id,
            quantity,
            customer: Customer { name: self.name, email: self.email, phone: self.phone },
            promo_code: self.promo_code,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_urls_keep_the_configured_page_and_add_the_outcome() {
        let base = reqwest::Url::parse("https://shop.example/events?ref=home#tickets").unwrap();
        let id = EventId::parse("e-1").unwrap();
        assert_eq!(
            ReturnUrls::for_outcome(&base, "success", &id),
            "https://shop.example/events?ref=home&tessera_status=success&tessera_event=e-1#tickets"
        );
    }

    #[test]
    fn a_json_quantity_must_be_a_whole_number() {
        let with = |q: &str| {
            parse_json(
                format!(
                    r#"{{"event_id":"e","tier_id":"t","quantity":{q},"customer":{{"name":"A B","email":"a@b.io"}}}}"#
                )
                .as_bytes(),
            )
        };
        assert_eq!(with("2").unwrap().quantity, 2);
        for bad in ["1.5", "\"2\"", "1e20", "[1]", "true", "null"] {
            match with(bad) {
                Err(ApiError::Invalid(fields)) => assert_eq!(fields[0].field, Field::Quantity, "{bad}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
        let priced = br#"{"event_id":"e","tier_id":"t","quantity":1,"total":1}"#;
        assert!(matches!(parse_json(priced), Err(ApiError::BadRequest(m)) if m.contains("total")));
    }

    #[test]
    fn idempotency_keys_are_short_visible_ascii() {
        assert!(IdempotencyKey::parse("0b6f9c1e-3d5a-4c7e-9f00-1a2b3c4d5e6f").is_ok());
        for bad in ["", "has space", "tab\t", "\u{e9}t\u{e9}", &"k".repeat(256)] {
            assert!(matches!(IdempotencyKey::parse(bad), Err(ApiError::BadRequest(_))), "{bad:?}");
        }
    }

    #[test]
    fn the_same_order_has_the_same_fingerprint_and_any_change_another() {
        let order = |q| CheckoutRequest {
            event_id: "e".into(),
            tier_id: "t".into(),
            quantity: q,
            customer: Customer { name: "Ana Reyes".into(), email: "ana@example.com".into(), phone: None },
            promo_code: None,
        };
        let spaced: CheckoutRequest = serde_json::from_str(
            r#"{ "tier_id": "t", "event_id": "e", "quantity": 2,
                 "customer": {"email": "ana@example.com", "name": "Ana Reyes"} }"#,
        )
        .unwrap();
        assert_eq!(fingerprint(&order(2)), fingerprint(&spaced));
        assert_ne!(fingerprint(&order(2)), fingerprint(&order(3)));
    }

    #[test]
    fn form_quantity_must_be_a_whole_number() {
        let form = |q: &str| CheckoutForm {
            event_id: "e".into(),
            tier_id: "t".into(),
            quantity: q.into(),
            name: "n".into(),
            email: "e@x.io".into(),
            phone: None,
            promo_code: None,
        };
        assert_eq!(form(" 2 ").into_request().unwrap().quantity, 2);
        assert!(matches!(form("1.5").into_request(), Err(ApiError::Invalid(_))));
        assert!(matches!(form("").into_request(), Err(ApiError::Invalid(_))));
    }
}
