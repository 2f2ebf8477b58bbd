//! The hand-off: re-validate an order against fresh availability with `tessera-core`, then
//! ask the platform for a hosted checkout session. The return URLs come from configuration
//! only; the proxy adds the outcome and the event so the widget on that page can tell the
//! buyer what happened.

use tessera_core::{CheckoutRequest, Customer, EventId, Field, FieldError, Problem};

use crate::claims::Claims;
use crate::cross_origin::AllowedOrigins;
use crate::error::ApiError;
use crate::live::LiveHub;
use crate::promo;
use crate::store::{KeyClaim, Store};
use crate::upstream::{CheckoutSession, UpstreamError};

/// The pages a buyer returns to: the page they placed the order on when its origin is one the
/// site owner allowed, else the configured ones. A return URL is never taken from a request
/// without that check: an open redirect through the platform's trusted checkout is a phisher's gift.
#[derive(Debug, Clone)]
pub struct ReturnUrls {
    pub success: reqwest::Url,
    pub cancel: reqwest::Url,
    /// `TESSERA_ALLOWED_ORIGINS` and the proxy's own origin.
    pub allowed: AllowedOrigins,
}

/// Longer page addresses are not taken as return pages (browsers and platforms cut them anyway).
const MAX_PAGE_URL: usize = 2048;

impl ReturnUrls {
    /// `base` with `tessera_status` and `tessera_event` added (the rest of its query and its
    /// fragment kept; an outcome already in it, from an earlier return, replaced).
    pub fn for_outcome(base: &reqwest::Url, status: &str, event: &EventId) -> String {
        let mut url = base.clone();
        let kept: Vec<(String, String)> = base
            .query_pairs()
            .filter(|(k, _)| k != "tessera_status" && k != "tessera_event")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        url.query_pairs_mut()
            .clear()
            .extend_pairs(kept)
            .append_pair("tessera_status", status)
            .append_pair("tessera_event", event.as_str());
        url.into()
    }

    /// The success and cancel pages for an order placed on `page`.
    pub fn for_page(&self, page: Option<&str>) -> (reqwest::Url, reqwest::Url) {
        match page.and_then(|p| self.allowed_page(p)) {
            Some(page) => (page.clone(), page),
            None => (self.success.clone(), self.cancel.clone()),
        }
    }

    fn allowed_page(&self, page: &str) -> Option<reqwest::Url> {
        let url = reqwest::Url::parse(page).ok().filter(|_| page.len() <= MAX_PAGE_URL)?;
        let web = matches!(url.scheme(), "https" | "http");
        // `https://shop.example@evil.example/` is evil.example's page; refuse any userinfo.
        let plain = url.username().is_empty() && url.password().is_none();
        let allowed = web && plain && self.allowed.contains(&url.origin().ascii_serialization());
        if !allowed {
            // The origin only: a page's query may carry what is nobody's business.
            tracing::info!(origin = %url.origin().ascii_serialization(), "return page's origin is not allowed; using the configured pages");
        }
        allowed.then_some(url)
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

    let (success, cancel) = urls.for_page(request.page_url.as_deref());
    let success = ReturnUrls::for_outcome(&success, "success", &event_id);
    let cancel = ReturnUrls::for_outcome(&cancel, "cancelled", &event_id);
    let session = catalogue.upstream().create_checkout(&order, &success, &cancel, upstream_key).await;
    // Seats are held (or just proved gone): either way the cached availability is old.
    live.changed(&event_id).await;
    if let Ok(session) = &session {
        look_again_at_expiry(live, &event_id, &session.expires_at);
    }
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

/// The platform lets an unpaid session's seats go at its expiry without telling anyone (HangHut
/// has no webhook for it): the event is read again just after, so every viewer, and the waiting
/// list, sees them back. A paid session costs one read more; an expiry beyond a day is not
/// waited for.
fn look_again_at_expiry(live: &LiveHub, event_id: &EventId, expires_at: &str) {
    let Ok(at) = chrono::DateTime::parse_from_rfc3339(expires_at) else { return };
    let Ok(wait) = (at.to_utc() - chrono::Utc::now()).to_std() else { return };
    if wait > std::time::Duration::from_secs(24 * 3600) {
        return;
    }
    let (live, id) = (live.clone(), event_id.clone());
    tokio::spawn(async move {
        // A second after: the platform's own clock may be a little behind ours.
        tokio::time::sleep(wait + std::time::Duration::from_secs(1)).await;
        live.changed(&id).await;
    });
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
    /// The page the form is on, filled in by the loader: see `CheckoutRequest::page_url`.
    #[serde(default)]
    pub page_url: Option<String>,
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
            page_url: self.page_url.filter(|p| !p.is_empty()),
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

    fn urls() -> ReturnUrls {
        ReturnUrls {
            success: reqwest::Url::parse("https://proxy.example/thanks").unwrap(),
            cancel: reqwest::Url::parse("https://proxy.example/sorry").unwrap(),
            allowed: AllowedOrigins::new(&["https://shop.example".into(), "http://127.0.0.1:8080".into()]),
        }
    }

    #[test]
    fn a_page_on_an_allowed_origin_is_where_the_buyer_returns() {
        let (success, cancel) = urls().for_page(Some("https://shop.example/concerts?month=12#jazz"));
        assert_eq!(success.as_str(), "https://shop.example/concerts?month=12#jazz");
        assert_eq!(cancel, success);
        let (success, _) = urls().for_page(Some("http://127.0.0.1:8080/"));
        assert_eq!(success.as_str(), "http://127.0.0.1:8080/");
    }

    #[test]
    fn any_other_page_gets_the_configured_ones() {
        let long = format!("https://shop.example/{}", "a".repeat(MAX_PAGE_URL));
        for page in [
            None,
            Some("https://evil.example/"),
            Some("https://shop.example.evil.example/"),
            Some("http://shop.example/"),
            Some("https://shop.example@evil.example/"),
            Some("https://user:pw@shop.example/"),
            Some("https://shop.example:8443/"),
            Some("javascript:alert(1)"),
            Some("data:text/html,hi"),
            Some("/relative"),
            Some(""),
            Some(long.as_str()),
        ] {
            let (success, cancel) = urls().for_page(page);
            assert_eq!(
                (success.as_str(), cancel.as_str()),
                ("https://proxy.example/thanks", "https://proxy.example/sorry"),
                "{page:?}"
            );
        }
    }

    #[test]
    fn an_outcome_already_in_the_page_is_replaced() {
        let base = reqwest::Url::parse("https://shop.example/?tessera_status=cancelled&tessera_event=old&a=1").unwrap();
        let id = EventId::parse("e-1").unwrap();
        assert_eq!(
            ReturnUrls::for_outcome(&base, "success", &id),
            "https://shop.example/?a=1&tessera_status=success&tessera_event=e-1"
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
            page_url: None,
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
            page_url: None,
        };
        assert_eq!(form(" 2 ").into_request().unwrap().quantity, 2);
        assert!(matches!(form("1.5").into_request(), Err(ApiError::Invalid(_))));
        assert!(matches!(form("").into_request(), Err(ApiError::Invalid(_))));
    }
}
