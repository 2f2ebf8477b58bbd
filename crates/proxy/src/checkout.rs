//! The hand-off: re-validate an order against fresh availability with `tessera-core`, then
//! ask the platform for a hosted checkout session. The return URLs come from configuration
//! only; the proxy adds the outcome and the event so the widget on that page can tell the
//! buyer what happened.

use tessera_core::{CheckoutRequest, Customer, EventId, Field, FieldError, Problem};

use crate::error::ApiError;
use crate::live::LiveHub;
use crate::promo;
use crate::store::Store;
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

pub async fn hand_off(
    live: &LiveHub,
    store: &Store,
    urls: &ReturnUrls,
    request: &CheckoutRequest,
) -> Result<CheckoutSession, ApiError> {
    let event_id = EventId::parse(&request.event_id)
        .map_err(|_| ApiError::Invalid(vec![FieldError { field: Field::EventId, problem: Problem::Invalid }]))?;
    // The code first: a code that stopped being valid since the preview stops the order
    // before anything is asked of the platform.
    let applied = promo::for_checkout(store, &event_id, request, chrono::Utc::now()).await?;
    // The catalogue's copy is kept current by webhooks; a hold made elsewhere since is caught
    // by the platform's own 409. Not reading afresh halves what a checkout costs the budget.
    let catalogue = live.catalogue();
    let read = catalogue.event(&event_id).await?;
    // A platform that is not answering will not take the order either: say so now. A copy
    // that is only old because reads used their budget share is fine to check against.
    if read.down {
        return Err(ApiError::UpstreamUnavailable);
    }
    let event = read.event;
    let order = request.validate(&event, applied.as_ref()).map_err(ApiError::Invalid)?;

    let success = ReturnUrls::for_outcome(&urls.success, "success", &event_id);
    let cancel = ReturnUrls::for_outcome(&urls.cancel, "cancelled", &event_id);
    let session = catalogue.upstream().create_checkout(&order, &success, &cancel).await;
    // Seats are held (or just proved gone): either way the cached availability is old.
    live.changed(&event_id).await;
    if let (Err(e), Some(code)) = (&session, &order.promo_code) {
        if let Some(refusal) = promo::upstream_refusal(store, &event_id, code, e).await {
            return Err(refusal);
        }
    }
    session.map_err(|e| match e {
        UpstreamError::NotFound => ApiError::Conflict("This ticket tier is no longer on sale.".into()),
        other => other.into(),
    })
}

/// The fields of a plain HTML form (no JavaScript): flat names instead of `customer.*`.
#[derive(Debug, serde::Deserialize)]
pub struct CheckoutForm {
    #[serde(default)]
    pub event_id: String,
    #[serde(default)]
    pub tier_id: String,
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
