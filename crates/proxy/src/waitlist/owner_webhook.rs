//! The site owner's webhook: after each round of emails, a signed POST saying which tier had
//! seats back and how many people were told (counts only: no addresses leave the proxy).
//!
//! `X-Tessera-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, keyed with
//! `TESSERA_WAITLIST_WEBHOOK_SECRET`. The timestamp is inside what is signed, so a receiver that
//! refuses a `t` more than a few minutes old refuses a replayed delivery too.

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use sha2::Sha256;
use std::time::Duration;

use super::settings::OwnerWebhookConfig;

pub const SIGNATURE_HEADER: &str = "X-Tessera-Signature";

/// `waitlist.notified`'s body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Notified {
    /// Unique per delivery: a receiver can drop one it has seen.
    pub id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub created_at: String,
    pub data: NotifiedData,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NotifiedData {
    pub event_id: String,
    pub tier_id: String,
    /// Seats the tier had when the round started.
    pub available: u32,
    /// People emailed in this round (the SMTP server took the email).
    pub notified: u32,
    /// Emails the SMTP server refused; those people stay on the list for the next round.
    pub failed: u32,
    /// Still on the list, not yet told.
    pub waiting: u32,
}

impl Notified {
    pub fn new(data: NotifiedData, now: chrono::DateTime<chrono::Utc>) -> Self {
        Notified {
            id: format!("wl_{}", uuid::Uuid::new_v4().simple()),
            kind: "waitlist.notified",
            created_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            data,
        }
    }
}

/// The header's value for `body` sent at `timestamp` (unix seconds).
pub fn signature(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("t={timestamp},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// What a receiver does (the README's example in Rust): the header parsed, the timestamp
/// within `tolerance` of `now`, the MAC compared in constant time.
pub fn verify(secret: &[u8], header: &str, body: &[u8], now: i64, tolerance: i64) -> bool {
    let mut t = None;
    let mut v1 = None;
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => t = value.parse::<i64>().ok(),
            Some(("v1", value)) => v1 = hex::decode(value).ok(),
            _ => {}
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else { return false };
    if (now - t).abs() > tolerance {
        return false;
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&v1).is_ok()
}

#[derive(Clone)]
pub struct OwnerWebhook {
    url: reqwest::Url,
    secret: SecretString,
    http: reqwest::Client,
}

impl OwnerWebhook {
    pub fn new(config: &OwnerWebhookConfig) -> Self {
        let http =
            reqwest::Client::builder().timeout(Duration::from_secs(10)).build().expect("a reqwest client builds");
        OwnerWebhook { url: config.url.clone(), secret: config.secret.clone(), http }
    }

    /// Sends one delivery, retried twice after a pause on a failure; gives up after that (the
    /// emails went out either way: the webhook only reports them).
    pub async fn send(&self, notified: &Notified) {
        let body = serde_json::to_vec(notified).expect("a notification serialises");
        for attempt in 0..3u32 {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_secs(u64::from(attempt) * 2)).await;
            }
            let now = chrono::Utc::now().timestamp();
            let sent = self
                .http
                .post(self.url.clone())
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .header(SIGNATURE_HEADER, signature(self.secret.expose_secret().as_bytes(), now, &body))
                .body(body.clone())
                .send()
                .await;
            match sent {
                Ok(r) if r.status().is_success() => return,
                Ok(r) => {
                    tracing::warn!(status = r.status().as_u16(), id = %notified.id, "the waiting-list webhook was refused")
                }
                // reqwest's error names the URL, never the secret (it is only in a header's MAC).
                Err(e) => {
                    tracing::warn!(error = %e, id = %notified.id, "the waiting-list webhook could not be delivered")
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_and_a_changed_body_old_timestamp_or_other_key_does_not() {
        let body = br#"{"type":"waitlist.notified"}"#;
        let header = signature(b"s3cret", 1_765_000_000, body);
        assert!(header.starts_with("t=1765000000,v1="), "{header}");
        assert!(verify(b"s3cret", &header, body, 1_765_000_100, 300));
        assert!(!verify(b"s3cret", &header, b"{}", 1_765_000_100, 300), "another body");
        assert!(!verify(b"other", &header, body, 1_765_000_100, 300), "another key");
        assert!(!verify(b"s3cret", &header, body, 1_765_000_000 + 301, 300), "a replay after the tolerance");
        let moved = header.replace("t=1765000000", "t=1765000200");
        assert!(!verify(b"s3cret", &moved, body, 1_765_000_200, 300), "the timestamp is signed");
        assert!(!verify(b"s3cret", "v1=00", body, 0, 300));
    }

    #[test]
    fn the_signed_string_is_the_timestamp_a_dot_and_the_body() {
        // From `printf '%s' "1765000000.{}" | openssl dgst -sha256 -hmac s3cret`.
        let expected = "c4e76522d038747d3f76534ccb77335c990821bd641a4d0dab7df1b723487eb7";
        assert_eq!(signature(b"s3cret", 1_765_000_000, b"{}"), format!("t=1765000000,v1={expected}"));
    }
}
