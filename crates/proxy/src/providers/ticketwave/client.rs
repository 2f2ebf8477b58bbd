//! A client for TicketWave's admin API: `GET /api/admin/events[/:id]` with the JWT of a
//! login, inside its own budget under the document's admin limit (60 requests a minute).

use chrono::Utc;
use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tessera_core::{Currency, EventId, EventStatus};
use tokio::sync::Mutex;

use super::session::{LoginAnswer, Session, REFUSED_LOGIN_PAUSE};
use super::{event_status, Mapping, VenueClock, WireEvent};
use crate::providers::{EventSource, FeedEvent, Platform};
use crate::upstream::{parse_retry_after, Budget, UpstreamError};

/// Calls a minute this proxy allows itself: under the document's admin limit of 60, with
/// room for a second client (an operator's script) on the same account.
pub const ADMIN_BUDGET_PER_MINUTE: u32 = 50;

#[derive(Clone)]
pub struct TicketWaveClient {
    http: reqwest::Client,
    /// Without a trailing slash, like the document's `https://www.ticketwavehq.com`.
    base: String,
    email: String,
    password: SecretString,
    mapping: Mapping,
    budget: Budget,
    login: Arc<Mutex<LoginState>>,
}

#[derive(Default)]
struct LoginState {
    session: Option<Session>,
    refused_until: Option<Instant>,
}

/// `{"error": "message"}`, the document's error body.
#[derive(Deserialize)]
struct ErrorBody {
    error: String,
}

impl TicketWaveClient {
    /// `currency` is for events described without one; `clock` is the venue's (a time zone
    /// or a fixed offset, see [`VenueClock`]), since TicketWave's dates and times carry no zone.
    pub fn new(
        base: &reqwest::Url,
        email: impl Into<String>,
        password: SecretString,
        currency: Currency,
        clock: impl Into<VenueClock>,
        timeout: Duration,
    ) -> Self {
        let http = crate::upstream::http_client(timeout);
        TicketWaveClient {
            http,
            base: base.as_str().trim_end_matches('/').to_owned(),
            email: email.into(),
            password,
            mapping: Mapping { currency, clock: clock.into() },
            budget: Budget::per_minute(ADMIN_BUDGET_PER_MINUTE),
            login: Arc::default(),
        }
    }

    /// Shares `budget` instead of the client's own (several clients on one account).
    pub fn with_budget(mut self, budget: Budget) -> Self {
        self.budget = budget;
        self
    }

    /// Every event of the account, in any state. Events that cannot be read are left out
    /// (and logged), so one odd event does not hide the others.
    pub async fn events(&self) -> Result<Vec<FeedEvent>, UpstreamError> {
        let raw: Value = self.get("/api/admin/events").await?;
        // The document prints the list without showing its shape: a bare array (the sandbox)
        // or one wrapped in `events` or `data`.
        let list = match raw {
            Value::Array(list) => list,
            Value::Object(mut o) => match o.remove("events").or_else(|| o.remove("data")) {
                Some(Value::Array(list)) => list,
                _ => return Err(UpstreamError::Malformed("the event list is not a list".into())),
            },
            _ => return Err(UpstreamError::Malformed("the event list is not a list".into())),
        };
        Ok(list
            .into_iter()
            .filter_map(|raw| match self.to_feed_event(raw) {
                Ok(event) => Some(event),
                Err(e) => {
                    tracing::warn!(error = %e, "a TicketWave event could not be read; left out");
                    None
                }
            })
            .collect())
    }

    fn to_feed_event(&self, raw: Value) -> Result<FeedEvent, UpstreamError> {
        let raw: WireEvent = serde_json::from_value(raw).map_err(|e| UpstreamError::Malformed(e.to_string()))?;
        let status = raw.status.as_deref().map_or(EventStatus::Other, event_status);
        self.mapping.feed_event(raw, status).map_err(|e| UpstreamError::Malformed(e.0))
    }

    /// A GET with the current token; on 401 the token is dropped, a new one obtained and the
    /// call made once more.
    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, UpstreamError> {
        let token = self.token().await?;
        match self.send(path, &token).await {
            Err(UpstreamError::Unauthorized) => {
                tracing::info!("TicketWave refused the token; logging in again");
                self.forget(&token).await;
                let token = self.token().await?;
                self.send(path, &token).await
            }
            other => other,
        }
    }

    async fn send<T: DeserializeOwned>(&self, path: &str, token: &SecretString) -> Result<T, UpstreamError> {
        self.budget.acquire().await.map_err(UpstreamError::RateLimited)?;
        let request = self.http.get(format!("{}{path}", self.base)).bearer_auth(token.expose_secret());
        // reqwest's errors never carry headers; without the URL they carry no path either.
        let response = request.send().await.map_err(|e| UpstreamError::Unavailable(e.without_url().to_string()))?;
        let status = response.status();
        let retry_after = header(&response, reqwest::header::RETRY_AFTER);
        let bytes = response.bytes().await.map_err(|e| UpstreamError::Unavailable(e.without_url().to_string()))?;
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|e| UpstreamError::Malformed(e.to_string()));
        }
        let message = error_message(&bytes, status);
        Err(match status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => UpstreamError::Unauthorized,
            StatusCode::NOT_FOUND => UpstreamError::NotFound,
            StatusCode::TOO_MANY_REQUESTS => {
                // The document promises no Retry-After: without one, a whole minute (its window).
                let wait = parse_retry_after(retry_after.as_deref(), Utc::now());
                tracing::warn!(?wait, "TicketWave is rate limiting this proxy");
                UpstreamError::RateLimited(self.budget.back_off(wait))
            }
            s if s.is_server_error() => UpstreamError::Unavailable(format!("HTTP {s}: {message}")),
            s => UpstreamError::Rejected { status: s.as_u16(), message },
        })
    }

    /// The token to call with: the kept one while fresh, else a new login. One login at a
    /// time: concurrent callers wait for it and share its token.
    async fn token(&self) -> Result<SecretString, UpstreamError> {
        let mut state = self.login.lock().await;
        let now = Utc::now();
        if let Some(session) = state.session.as_ref().filter(|s| s.fresh(now)) {
            return Ok(session.token.clone());
        }
        if state.refused_until.is_some_and(|until| Instant::now() < until) {
            return Err(UpstreamError::Unauthorized);
        }
        match self.log_in().await {
            Ok(session) => {
                let token = session.token.clone();
                *state = LoginState { session: Some(session), refused_until: None };
                Ok(token)
            }
            Err(UpstreamError::Unauthorized) => {
                tracing::error!(
                    "TicketWave refused the configured email and password (TESSERA_TICKETWAVE_EMAIL/PASSWORD)"
                );
                *state = LoginState { session: None, refused_until: Some(Instant::now() + REFUSED_LOGIN_PAUSE) };
                Err(UpstreamError::Unauthorized)
            }
            // A renewal ahead of expiry that fails leaves the current token in use meanwhile.
            Err(e) => match state.session.as_ref().filter(|s| s.valid(now)) {
                Some(session) => {
                    tracing::warn!(error = %e, "renewing the TicketWave token failed; the current one is still valid");
                    Ok(session.token.clone())
                }
                None => Err(e),
            },
        }
    }

    /// Drops `token` if it is still the kept one (another caller may have renewed it already).
    async fn forget(&self, token: &SecretString) {
        let mut state = self.login.lock().await;
        if state.session.as_ref().is_some_and(|s| s.is(token)) {
            state.session = None;
        }
    }

    /// `POST /api/auth/login`. Login is a public endpoint with its own limit, so it does not
    /// draw on the admin budget.
    async fn log_in(&self) -> Result<Session, UpstreamError> {
        let body = serde_json::json!({ "email": self.email, "password": self.password.expose_secret() });
        let response = self
            .http
            .post(format!("{}/api/auth/login", self.base))
            .json(&body)
            .send()
            .await
            .map_err(|e| UpstreamError::Unavailable(e.without_url().to_string()))?;
        let status = response.status();
        let retry_after = header(&response, reqwest::header::RETRY_AFTER);
        let bytes = response.bytes().await.map_err(|e| UpstreamError::Unavailable(e.without_url().to_string()))?;
        if status.is_success() {
            // serde's message could quote the token: say only what is wrong.
            let answer: LoginAnswer = serde_json::from_slice(&bytes)
                .map_err(|_| UpstreamError::Malformed("the login answer has no token".into()))?;
            tracing::info!("logged in to TicketWave");
            return Ok(Session::new(answer, Utc::now()));
        }
        Err(match status {
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => UpstreamError::Unauthorized,
            StatusCode::TOO_MANY_REQUESTS => {
                UpstreamError::RateLimited(parse_retry_after(retry_after.as_deref(), Utc::now()))
            }
            s if s.is_server_error() => UpstreamError::Unavailable(format!("login: HTTP {s}")),
            s => UpstreamError::Rejected { status: s.as_u16(), message: error_message(&bytes, s) },
        })
    }
}

#[async_trait::async_trait]
impl EventSource for TicketWaveClient {
    fn platform(&self) -> Platform {
        Platform::TicketWave
    }

    async fn event(&self, id: &str) -> Result<FeedEvent, UpstreamError> {
        // Only ids that are safe in a path are asked for; no TicketWave id is anything else.
        let id = EventId::parse(id).map_err(|_| UpstreamError::NotFound)?;
        let raw: Value = self.get(&format!("/api/admin/events/{id}")).await?;
        self.to_feed_event(raw)
    }

    async fn events(&self) -> Result<Vec<FeedEvent>, UpstreamError> {
        TicketWaveClient::events(self).await
    }
}

fn header(response: &reqwest::Response, name: reqwest::header::HeaderName) -> Option<String> {
    response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

fn error_message(bytes: &[u8], status: StatusCode) -> String {
    serde_json::from_slice::<ErrorBody>(bytes).map(|e| e.error).unwrap_or_else(|_| format!("HTTP {status}"))
}
