//! Webhook endpoints: those registered with `POST /webhooks` and those from the configuration.
//! Both live in one table so the outbox can name either; configured ones get a stable id
//! derived from their URL, so deliveries pending across a restart still find their endpoint.

use crate::clock::rfc3339;
use crate::config::WebhookTarget;
use crate::error::{Result, SandboxError};
use crate::json_body::{check_http_url, object, required_str};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The document's event types.
pub const EVENT_TYPES: [&str; 4] = ["ticket.purchased", "ticket.refunded", "ticket.checked_in", "event.updated"];

/// The real platform asks for HTTPS; the sandbox also takes plain http so tests and a local
/// proxy can receive deliveries on loopback.
pub(crate) fn check_target_url(url: &str) -> Result<()> {
    check_http_url(url, "url")
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Registration {
    pub url: String,
    pub events: Vec<String>,
}

impl Registration {
    pub(crate) fn from_json(body: &Value) -> Result<Registration> {
        let obj = object(body, "Request body")?;
        let url = required_str(obj, "url", "url")?;
        check_target_url(&url)?;
        let events = match obj.get("events") {
            None | Some(Value::Null) => return Err(SandboxError::BadRequest("events is required".into())),
            Some(Value::Array(items)) if !items.is_empty() => items,
            Some(_) => {
                return Err(SandboxError::BadRequest(
                    "events must be a non-empty array of event types, like [\"ticket.purchased\"]".into(),
                ))
            }
        };
        let mut types = Vec::new();
        for item in events {
            match item.as_str() {
                Some(t) if EVENT_TYPES.contains(&t) => {
                    if !types.iter().any(|x| x == t) {
                        types.push(t.to_owned());
                    }
                }
                _ => {
                    return Err(SandboxError::BadRequest(format!(
                        "Unknown event type {item}. Use any of: {}",
                        EVENT_TYPES.join(", ")
                    )))
                }
            }
        }
        Ok(Registration { url, events: types })
    }
}

/// Stores the endpoint and returns the document's response, the only place the secret appears.
pub(crate) fn register(conn: &Connection, reg: &Registration, now: DateTime<Utc>) -> Result<Value> {
    let id = format!("wh_{}", uuid::Uuid::new_v4().simple());
    let secret = format!("whsec_{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
    let events = serde_json::to_string(&reg.events).map_err(|e| SandboxError::Internal(e.to_string()))?;
    conn.execute(
        "INSERT INTO webhook_endpoints (id, url, secret, events, is_active, source, created_at)
         VALUES (?1, ?2, ?3, ?4, 1, 'api', ?5)",
        params![id, reg.url, secret, events, rfc3339(now)],
    )?;
    Ok(json!({ "id": id, "url": reg.url, "events": reg.events, "secret": secret, "is_active": true }))
}

fn configured_id(url: &str) -> String {
    let digest = Sha256::digest(url.as_bytes());
    format!("wh_cfg_{}", &hex::encode(digest)[..16])
}

/// Makes the configured endpoints exactly those in `targets`; ones no longer configured stop
/// receiving (their pending deliveries are left alone, not sent).
pub(crate) fn sync_configured(conn: &mut Connection, targets: &[WebhookTarget], now: DateTime<Utc>) -> Result<()> {
    let tx = crate::db::immediate(conn)?;
    tx.execute("UPDATE webhook_endpoints SET is_active = 0 WHERE source = 'config'", [])?;
    for target in targets {
        let events = serde_json::to_string(&target.events).map_err(|e| SandboxError::Internal(e.to_string()))?;
        tx.execute(
            "INSERT INTO webhook_endpoints (id, url, secret, events, is_active, source, created_at)
             VALUES (?1, ?2, ?3, ?4, 1, 'config', ?5)
             ON CONFLICT (id) DO UPDATE SET secret = excluded.secret, events = excluded.events, is_active = 1",
            params![configured_id(&target.url), target.url, target.secret, events, rfc3339(now)],
        )?;
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registration_needs_a_url_and_known_event_types() {
        let err = |v: Value| Registration::from_json(&v).unwrap_err().to_string();
        assert_eq!(err(json!({"events": ["ticket.purchased"]})), "url is required");
        assert!(err(json!({"url": "ftp://x.example", "events": ["ticket.purchased"]})).starts_with("url must be"));
        assert_eq!(err(json!({"url": "https://x.example/hook"})), "events is required");
        assert!(err(json!({"url": "https://x.example/hook", "events": []})).starts_with("events must be"));
        assert!(
            err(json!({"url": "https://x.example/hook", "events": ["ticket.sold"]})).starts_with("Unknown event type")
        );
        let ok = Registration::from_json(
            &json!({"url": "https://x.example/hook", "events": ["ticket.refunded", "ticket.refunded"]}),
        );
        assert_eq!(ok.unwrap().events, ["ticket.refunded"]);
    }

    #[test]
    fn registering_returns_a_whsec_secret_once() {
        let db = crate::db::in_memory();
        let reg = Registration { url: "https://x.example/hook".into(), events: vec!["ticket.purchased".into()] };
        let shown = db.blocking(|c| register(c, &reg, Utc::now())).unwrap();
        assert!(shown["id"].as_str().unwrap().starts_with("wh_"));
        assert!(shown["secret"].as_str().unwrap().starts_with("whsec_"));
        assert_eq!(shown["is_active"], true);
    }

    #[test]
    fn configured_endpoints_keep_their_id_across_restarts_and_drop_out_when_removed() {
        let db = crate::db::in_memory();
        let target = WebhookTarget { url: "http://127.0.0.1:9/hook".into(), secret: "s".into(), events: vec![] };
        db.blocking(|c| {
            sync_configured(c, std::slice::from_ref(&target), Utc::now())?;
            sync_configured(c, std::slice::from_ref(&target), Utc::now())?;
            let active: i64 =
                c.query_row("SELECT COUNT(*) FROM webhook_endpoints WHERE is_active = 1", [], |r| r.get(0))?;
            assert_eq!(active, 1);
            sync_configured(c, &[], Utc::now())?;
            let active: i64 =
                c.query_row("SELECT COUNT(*) FROM webhook_endpoints WHERE is_active = 1", [], |r| r.get(0))?;
            assert_eq!(active, 0);
            Ok(())
        })
        .unwrap();
    }
}
