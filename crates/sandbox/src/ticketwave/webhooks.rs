//! The webhook configuration (`GET`/`PUT /api/admin/webhooks/config`, one per account) and
//! the outbox rows each change writes. A delivery is `{"event", "timestamp", "data"}`, the
//! document's shape; `sender` signs and posts it.
//!
//! Where the document is silent: `PUT` takes `{url, events?, secret?}`; without `events`
//! every type is sent, without `secret` the stored one is kept or a new `whsec_` one made.
//! `GET` shows the secret (the caller is the account's admin). `webhook.ping` goes out on
//! every `PUT`, whatever `events` lists, with `data: {"url": ...}`.

use super::body;
use super::error::{missing_fields, TwError, TwResult};
use super::server::TwState;
use super::{stamp, store};
use crate::config::WebhookTarget;
use axum::body::Bytes;
use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

/// The types the document lists.
pub const EVENT_TYPES: [&str; 6] =
    ["order.created", "order.refunded", "event.published", "event.cancelled", "checkin.completed", "webhook.ping"];

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub(crate) struct WebhookConfig {
    pub url: Option<String>,
    pub events: Vec<String>,
    pub secret: Option<String>,
}

#[derive(Serialize)]
struct Envelope<'a, T> {
    event: &'a str,
    timestamp: String,
    data: &'a T,
}

/// Queues `event_type` if a webhook is configured and subscribed to it (`webhook.ping`
/// always). The body is fixed now, so a retry sends the very same bytes.
pub(crate) fn enqueue<T: Serialize>(conn: &Connection, event_type: &str, data: &T, now: DateTime<Utc>) -> TwResult<()> {
    let Some(config) = load(conn)? else { return Ok(()) };
    if event_type != "webhook.ping" && !config.events.iter().any(|e| e == event_type) {
        return Ok(());
    }
    let (Some(url), Some(secret)) = (config.url, config.secret) else { return Ok(()) };
    let body = serde_json::to_string(&Envelope { event: event_type, timestamp: stamp(now), data })
        .map_err(|e| TwError::Internal(format!("webhook payload: {e}")))?;
    conn.execute(
        "INSERT INTO deliveries (event_type, url, secret, body, next_attempt_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![event_type, url, secret, body, now.timestamp_millis()],
    )?;
    Ok(())
}

fn load(conn: &Connection) -> TwResult<Option<WebhookConfig>> {
    let row: Option<(String, String, String)> = conn
        .query_row("SELECT url, events, secret FROM webhook_config WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    Ok(row.map(|(url, events, secret)| WebhookConfig {
        url: Some(url),
        events: serde_json::from_str(&events).unwrap_or_default(),
        secret: Some(secret),
    }))
}

/// Why a configuration cannot be used, if it cannot.
pub(crate) fn check_config(url: &str, events: &[String], secret: Option<&str>) -> Result<(), String> {
    match reqwest::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {}
        _ => return Err(format!("url must be an absolute http(s) URL, not {url}")),
    }
    if let Some(unknown) = events.iter().find(|e| !EVENT_TYPES.contains(&e.as_str())) {
        return Err(format!("unknown webhook event {unknown}; known: {}", EVENT_TYPES.join(", ")));
    }
    if secret.is_some_and(|s| s.trim().is_empty()) {
        return Err("secret cannot be empty".into());
    }
    Ok(())
}

/// Stores a configuration and pings it. Returns what is now configured.
fn save(conn: &mut Connection, url: &str, events: &[String], secret: Option<&str>) -> TwResult<WebhookConfig> {
    let tx = store::immediate(conn)?;
    let events: Vec<String> =
        if events.is_empty() { EVENT_TYPES.iter().map(|e| e.to_string()).collect() } else { events.to_vec() };
    let secret = match (secret, load(&tx)?.and_then(|c| c.secret)) {
        (Some(given), _) => given.to_owned(),
        (None, Some(kept)) => kept,
        (None, None) => format!("whsec_{}", uuid::Uuid::new_v4().simple()),
    };
    let events_json = serde_json::to_string(&events).map_err(|e| TwError::Internal(e.to_string()))?;
    tx.execute(
        "INSERT INTO webhook_config (id, url, events, secret) VALUES (1, ?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET url = excluded.url, events = excluded.events, secret = excluded.secret",
        params![url, events_json, secret],
    )?;
    enqueue(&tx, "webhook.ping", &serde_json::json!({ "url": url }), super::now())?;
    let saved = load(&tx)?.ok_or_else(|| TwError::Internal("the webhook configuration vanished".into()))?;
    tx.commit()?;
    Ok(saved)
}

/// The configuration given at start replaces the stored one; only a new URL is pinged.
pub(crate) fn configure_at_start(conn: &mut Connection, target: &WebhookTarget) -> TwResult<()> {
    if load(conn)?.is_some_and(|c| c.url.as_deref() == Some(target.url.as_str())) {
        let events =
            if target.events.is_empty() { EVENT_TYPES.map(String::from).to_vec() } else { target.events.clone() };
        let events_json = serde_json::to_string(&events).map_err(|e| TwError::Internal(e.to_string()))?;
        conn.execute(
            "UPDATE webhook_config SET events = ?1, secret = ?2 WHERE id = 1",
            params![events_json, target.secret],
        )?;
        return Ok(());
    }
    save(conn, &target.url, &target.events, Some(&target.secret)).map(|_| ())
}

pub(crate) async fn get_config(State(state): State<TwState>) -> TwResult<Json<WebhookConfig>> {
    let config = state.store().call(|c| load(c)).await?;
    Ok(Json(config.unwrap_or(WebhookConfig { url: None, events: Vec::new(), secret: None })))
}

#[derive(Deserialize)]
struct ConfigRequest {
    url: Option<String>,
    #[serde(default)]
    events: Vec<String>,
    secret: Option<String>,
}

pub(crate) async fn put_config(State(state): State<TwState>, bytes: Bytes) -> TwResult<Json<WebhookConfig>> {
    let request: ConfigRequest = body::parse(&bytes)?;
    let url = request.url.map(|u| u.trim().to_owned()).ok_or_else(missing_fields)?;
    check_config(&url, &request.events, request.secret.as_deref()).map_err(TwError::BadRequest)?;
    let saved = state.store().call(move |c| save(c, &url, &request.events, request.secret.as_deref())).await?;
    state.wake_sender();
    tracing::info!(url = saved.url.as_deref().unwrap_or(""), "TicketWave sandbox: webhook configured");
    Ok(Json(saved))
}
