//! Promo codes on the proxy's side: creating them upstream (and keeping our own record,
//! since HangHut cannot look a code up), previewing one for the widget, and re-checking it
//! at checkout. The rules themselves (`PromoRule::check`, the discount arithmetic) are
//! `tessera-core`'s, the same code the widget prices its preview with.

use chrono::{DateTime, Utc};
use tessera_core::{
    AppliedPromo, CheckoutRequest, EventId, Field, FieldError, Problem, PromoCode, PromoProblem, PromoRule,
};

use crate::error::ApiError;
use crate::store::Store;
use crate::upstream::{HangHutClient, NewPromo, UpstreamError};

fn promo_error(problem: impl Into<Problem>) -> ApiError {
    ApiError::Invalid(vec![FieldError { field: Field::PromoCode, problem: problem.into() }])
}

/// Finds `code` for `event` and checks it at `now`. Every way of not existing (a typo,
/// another event's code, a malformed event id) is the same `Unknown`, so answers reveal
/// nothing about which codes exist.
pub async fn find(store: &Store, event_id: &str, code: &str, now: DateTime<Utc>) -> Result<AppliedPromo, ApiError> {
    let code = PromoCode::parse(code).map_err(promo_error)?;
    let Ok(event) = EventId::parse(event_id) else { return Err(promo_error(PromoProblem::Unknown)) };
    let rule = store.promo(&event, &code).await?.ok_or_else(|| promo_error(PromoProblem::Unknown))?;
    rule.check(&event, now).map_err(promo_error)
}

/// The code a checkout request carries, checked again: it may have expired or been used
/// up since the buyer previewed it. `None` when the request has no code.
pub async fn for_checkout(
    store: &Store,
    event: &EventId,
    request: &CheckoutRequest,
    now: DateTime<Utc>,
) -> Result<Option<AppliedPromo>, ApiError> {
    match request.promo_code() {
        None => Ok(None),
        Some(Err(problem)) => Err(promo_error(problem)),
        Some(Ok(code)) => find(store, event.as_str(), code.as_str(), now).await.map(Some),
    }
}

/// Turns the platform's refusal of a code at checkout into the buyer-facing problem, and
/// remembers a code the platform says is used up. `None` when the error is not about the code.
pub async fn upstream_refusal(store: &Store, event: &EventId, code: &PromoCode, e: &UpstreamError) -> Option<ApiError> {
    let (conflict, message) = match e {
        UpstreamError::Conflict(m) => (true, m),
        UpstreamError::Rejected { message, .. } => (false, message),
        _ => return None,
    };
    if !message.contains("promo_code") {
        return None;
    }
    let problem = if conflict || message.contains("usage limit") {
        if let Err(err) = store.mark_promo_used_up(event, code).await {
            tracing::warn!(error = %err, "could not record a used-up promo code");
        }
        PromoProblem::UsedUp
    } else if message.contains("expired") {
        PromoProblem::Expired
    } else if message.contains("active") {
        PromoProblem::Inactive
    } else {
        PromoProblem::Unknown
    };
    Some(promo_error(problem))
}

/// Creates a code upstream and records it here; the rule and the platform's id for it.
/// Used by `tessera-proxy promo create`.
pub async fn create(
    client: &HangHutClient,
    store: &Store,
    promo: NewPromo,
) -> Result<(PromoRule, String), UpstreamError> {
    let id = client.create_promo_code(&promo).await?;
    let rule = PromoRule {
        code: promo.code,
        event_id: promo.event_id,
        discount: promo.discount,
        usage_limit: promo.usage_limit,
        usage_count: 0,
        expires_at: promo.expires_at,
        is_active: true,
    };
    store.save_promo(&rule, &id).await.map_err(|e| UpstreamError::Unavailable(format!("local store: {e}")))?;
    Ok((rule, id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn unknown_malformed_and_other_event_codes_get_the_same_answer() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("p.sqlite")).unwrap();
        let event = EventId::parse("ev-1").unwrap();
        let rule = PromoRule {
            code: PromoCode::parse("EARLYBIRD").unwrap(),
            event_id: event.clone(),
            discount: tessera_core::Discount::percentage("20").unwrap(),
            usage_limit: None,
            usage_count: 0,
            expires_at: None,
            is_active: true,
        };
        store.save_promo(&rule, "pc_1").await.unwrap();
        let now = Utc::now();
        assert_eq!(find(&store, "ev-1", " earlybird ", now).await.unwrap().code.as_str(), "EARLYBIRD");
        let unknown = |r: Result<AppliedPromo, ApiError>| r.unwrap_err().body().to_string();
        let neutral = unknown(find(&store, "ev-1", "NOPE", now).await);
        assert_eq!(unknown(find(&store, "ev-2", "EARLYBIRD", now).await), neutral);
        assert_eq!(unknown(find(&store, "", "EARLYBIRD", now).await), neutral);
        assert!(neutral.contains("not valid for this event"));
    }
}
