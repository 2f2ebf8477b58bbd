//! A client for HangHut's REST API (shared/seeds/hanghut-api.txt): Bearer `hh_live_` key,
//! `{"data": …}` bodies, `{"error": {"message", "status"}}` failures.

use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::time::Duration;
use tessera_core::{Currency, Discount, Event, EventId, EventSummary, PageMeta, PromoCode, ValidOrder};

use super::hanghut_wire::{self as wire, Envelope, ErrorEnvelope};
use super::{parse_retry_after, Budget, UpstreamError};
use crate::metrics::Metrics;

/// A pause before the one retry of a checkout call, so a platform that just failed is not
/// asked again in the same instant.
const CHECKOUT_RETRY_DELAY: Duration = Duration::from_millis(250);

#[derive(Clone)]
pub struct HangHutClient {
    http: reqwest::Client,
    /// API base without a trailing slash, e.g. `https://api.hanghut.com/v1`.
    base: String,
    api_key: SecretString,
    currency: Currency,
    budget: Budget,
    metrics: Option<Metrics>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct CheckoutSession {
    pub checkout_id: String,
    pub checkout_url: String,
    pub expires_at: String,
}

/// One page of the public event list, as the catalogue keeps it (the widget gets it as
/// `tessera_core::EventPageRead`).
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct EventPage {
    pub events: Vec<EventSummary>,
    pub meta: PageMeta,
}

#[derive(Serialize)]
struct CheckoutBody<'a> {
    event_id: &'a str,
    tier_id: &'a str,
    quantity: u32,
    customer: CustomerBody<'a>,
    success_url: &'a str,
    cancel_url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    promo_code: Option<&'a str>,
}

/// A promo code to create upstream (`POST /promo-codes`).
#[derive(Debug, Clone)]
pub struct NewPromo {
    pub event_id: EventId,
    pub code: PromoCode,
    pub discount: Discount,
    pub usage_limit: Option<u32>,
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Serialize)]
struct PromoBody<'a> {
    event_id: &'a str,
    code: &'a str,
    discount_type: &'static str,
    /// A JSON number in the seed's units: percent, or major units of the event's currency.
    discount_amount: serde_json::Number,
    #[serde(skip_serializing_if = "Option::is_none")]
    usage_limit: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<String>,
}

#[derive(Serialize)]
struct CustomerBody<'a> {
    name: &'a str,
    email: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<&'a str>,
}

impl HangHutClient {
    /// A client whose calls share `budget` (one per proxy: the platform counts per key).
    pub fn new(
        base: &reqwest::Url,
        api_key: SecretString,
        currency: Currency,
        timeout: Duration,
        budget: Budget,
    ) -> Self {
        let http = super::http_client(timeout);
        HangHutClient {
            http,
            base: base.as_str().trim_end_matches('/').to_owned(),
            api_key,
            currency,
            budget,
            metrics: None,
        }
    }

    /// Counts its calls (and the budget's refusals) in `metrics`.
    pub fn counted_by(mut self, metrics: Metrics) -> Self {
        metrics.set_budget(self.budget.per_minute_limit());
        self.metrics = Some(metrics);
        self
    }

    fn count(&self, outcome: &'static str) {
        if let Some(m) = &self.metrics {
            m.upstream_call(outcome);
        }
    }

    /// The budget held a call back: the caller is told when to come back.
    fn refused(&self, wait: Duration) -> UpstreamError {
        if let Some(m) = &self.metrics {
            m.budget_refused();
        }
        UpstreamError::RateLimited(wait)
    }

    pub async fn event(&self, id: &EventId) -> Result<Event, UpstreamError> {
        self.budget.acquire_read().await.map_err(|w| self.refused(w))?;
        let raw: wire::HhEvent = self.call(Method::GET, &format!("events/{id}"), None::<&()>, None).await?;
        wire::to_event(raw, self.currency).map_err(UpstreamError::Malformed)
    }

    /// One page of active events.
    pub async fn events(&self, page: u32, per_page: u32) -> Result<EventPage, UpstreamError> {
        let path = format!("events?page={page}&per_page={per_page}&status=active");
        self.budget.acquire_read().await.map_err(|w| self.refused(w))?;
        let raw: wire::HhEventList = self.call(Method::GET, &path, None::<&()>, None).await?;
        let events = raw
            .events
            .into_iter()
            .map(|e| wire::to_summary(e, self.currency))
            .collect::<Result<Vec<_>, _>>()
            .map_err(UpstreamError::Malformed)?;
        let m = raw.meta;
        let total_pages = m.total_pages.unwrap_or_else(|| m.total.div_ceil(m.per_page.max(1)));
        Ok(EventPage {
            events,
            meta: PageMeta { page: m.page, per_page: m.per_page, total: m.total, total_pages, has_more: m.has_more },
        })
    }

    /// Opens a hosted checkout. A call that may have reached the platform without an answer
    /// (timeout, reset, 5xx) is tried once more with the same `idempotency_key`, so a session
    /// the first try did open is returned, not doubled (the sandbox honours the header; the
    /// HangHut document does not mention it, and there the worst case is a second hold that
    /// expires unpaid).
    pub async fn create_checkout(
        &self,
        order: &ValidOrder,
        success_url: &str,
        cancel_url: &str,
        idempotency_key: &str,
    ) -> Result<CheckoutSession, UpstreamError> {
        let body = CheckoutBody {
            event_id: order.event_id.as_str(),
            tier_id: order.tier_id.as_str(),
            quantity: order.quantity.get(),
            customer: CustomerBody {
                name: order.name.as_str(),
                email: order.email.as_str(),
                phone: order.phone.as_ref().map(|p| p.as_str()),
            },
            success_url,
            cancel_url,
            promo_code: order.promo_code.as_ref().map(|c| c.as_str()),
        };
        let raw: wire::HhCheckout = match self.call(Method::POST, "checkouts", Some(&body), Some(idempotency_key)).await
        {
            Err(UpstreamError::Unavailable(first)) => {
                tracing::warn!(error = %first, "checkout call failed; retrying once with the same idempotency key");
                tokio::time::sleep(CHECKOUT_RETRY_DELAY + Duration::from_millis(fastrand::u64(0..250))).await;
                self.call(Method::POST, "checkouts", Some(&body), Some(idempotency_key)).await?
            }
            other => other?,
        };
        // The buyer's browser is sent to this URL: only ever an absolute http(s) one.
        let url = reqwest::Url::parse(&raw.checkout_url)
            .map_err(|e| UpstreamError::Malformed(format!("checkout_url: {e}")))?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err(UpstreamError::Malformed("checkout_url is not http(s)".into()));
        }
        Ok(CheckoutSession { checkout_id: raw.checkout_id, checkout_url: url.into(), expires_at: raw.expires_at })
    }

    /// Creates a promo code; returns the platform's id for it.
    pub async fn create_promo_code(&self, promo: &NewPromo) -> Result<String, UpstreamError> {
        let (discount_type, amount) = match promo.discount {
            Discount::Percentage { basis_points } => {
                let text = format!("{}.{:02}", basis_points / 100, basis_points % 100);
                ("percentage", text.trim_end_matches('0').trim_end_matches('.').to_owned())
            }
            Discount::FixedAmount { amount } => ("fixed_amount", amount.to_major_string()),
        };
        let discount_amount = amount
            .parse::<serde_json::Number>()
            .map_err(|e| UpstreamError::Malformed(format!("discount_amount {amount}: {e}")))?;
        let body = PromoBody {
            event_id: promo.event_id.as_str(),
            code: promo.code.as_str(),
            discount_type,
            discount_amount,
            usage_limit: promo.usage_limit,
            expires_at: promo.expires_at.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        };
        let raw: wire::HhPromoCode = self.call(Method::POST, "promo-codes", Some(&body), None).await?;
        Ok(raw.id)
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&impl Serialize>,
        idempotency_key: Option<&str>,
    ) -> Result<T, UpstreamError> {
        self.budget.acquire().await.map_err(|w| self.refused(w))?;
        let mut request =
            self.http.request(method, format!("{}/{path}", self.base)).bearer_auth(self.api_key.expose_secret());
        if let Some(body) = body {
            request = request.json(body);
        }
        if let Some(key) = idempotency_key {
            request = request.header("Idempotency-Key", key);
        }
        // reqwest's error Display can include the URL but never headers, so the key stays out.
        let response = request.send().await.map_err(|e| {
            self.count("unreachable");
            UpstreamError::Unavailable(e.without_url().to_string())
        })?;
        let status = response.status();
        self.count(match status.as_u16() {
            200..=299 => "ok",
            429 => "rate_limited",
            500..=599 => "server_error",
            _ => "client_error",
        });
        let retry_after =
            response.headers().get(reqwest::header::RETRY_AFTER).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let bytes = response.bytes().await.map_err(|e| UpstreamError::Unavailable(e.without_url().to_string()))?;

        if status.is_success() {
            return serde_json::from_slice::<Envelope<T>>(&bytes)
                .map(|e| e.data)
                .map_err(|e| UpstreamError::Malformed(e.to_string()));
        }
        let message = serde_json::from_slice::<ErrorEnvelope>(&bytes)
            .map(|e| e.error.message)
            .unwrap_or_else(|_| format!("HTTP {status}"));
        Err(match status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => UpstreamError::Unauthorized,
            StatusCode::NOT_FOUND => UpstreamError::NotFound,
            StatusCode::CONFLICT => UpstreamError::Conflict(message),
            StatusCode::TOO_MANY_REQUESTS => {
                let wait = parse_retry_after(retry_after.as_deref(), chrono::Utc::now());
                tracing::warn!(?wait, "the platform is rate limiting this proxy");
                UpstreamError::RateLimited(self.budget.back_off(wait))
            }
            s if s.is_server_error() => UpstreamError::Unavailable(format!("HTTP {s}: {message}")),
            s => UpstreamError::Rejected { status: s.as_u16(), message },
        })
    }
}
