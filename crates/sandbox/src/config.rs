//! How a sandbox is set up: where its database lives, which keys it accepts, its limits and
//! who hears its webhooks. Tests shorten the durations; the defaults follow the HangHut document.

use crate::error::SandboxError;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// HangHut's own documented key prefix; a key without it would be refused by the real
/// platform, so the sandbox refuses it too rather than let a misconfiguration pass locally.
pub const API_KEY_PREFIX: &str = "hh_live_";

pub struct SandboxConfig {
    /// SQLite file; created and seeded with demo data if empty.
    pub db_path: PathBuf,
    /// Accepted Bearer keys; each must start with `hh_live_`.
    pub api_keys: Vec<String>,
    /// Requests per window per key (HangHut: 100).
    pub rate_limit: u32,
    /// Sliding window length (HangHut: 60 s).
    pub rate_window: Duration,
    /// How long a checkout session holds its seats.
    pub checkout_ttl: Duration,
    /// Endpoints registered at start, in addition to those added with `POST /v1/webhooks`.
    pub webhooks: Vec<WebhookTarget>,
    /// First retry delay of a failed webhook delivery; doubles each time, 6 attempts at most.
    pub webhook_retry_base: Duration,
}

#[derive(Clone)]
pub struct WebhookTarget {
    pub url: String,
    pub secret: String,
    /// Event types to receive (`ticket.purchased`, ...). Empty means every type.
    pub events: Vec<String>,
}

impl SandboxConfig {
    pub fn new(db_path: impl Into<PathBuf>, api_key: impl Into<String>) -> Self {
        SandboxConfig {
            db_path: db_path.into(),
            api_keys: vec![api_key.into()],
            rate_limit: 100,
            rate_window: Duration::from_secs(60),
            checkout_ttl: Duration::from_secs(30 * 60),
            webhooks: Vec::new(),
            webhook_retry_base: Duration::from_secs(1),
        }
    }

    /// Refuses settings the sandbox cannot honour, naming the setting to fix.
    pub fn validate(&self) -> Result<(), SandboxError> {
        if self.api_keys.is_empty() {
            return Err(SandboxError::Config("at least one API key is required".into()));
        }
        if let Some(i) = self.api_keys.iter().position(|k| !is_api_key_shaped(k)) {
            return Err(SandboxError::Config(format!(
                "API key #{} must start with {API_KEY_PREFIX} followed by at least one character",
                i + 1
            )));
        }
        if self.rate_limit == 0 {
            return Err(SandboxError::Config("rate_limit must be at least 1".into()));
        }
        if self.rate_window.is_zero() {
            return Err(SandboxError::Config("rate_window must be longer than zero".into()));
        }
        if self.checkout_ttl.is_zero() {
            return Err(SandboxError::Config("checkout_ttl must be longer than zero".into()));
        }
        for target in &self.webhooks {
            crate::webhooks::check_target_url(&target.url).map_err(|e| SandboxError::Config(e.to_string()))?;
            if target.secret.is_empty() {
                return Err(SandboxError::Config(format!("webhook target {} needs a secret", target.url)));
            }
        }
        Ok(())
    }
}

pub(crate) fn is_api_key_shaped(key: &str) -> bool {
    key.len() > API_KEY_PREFIX.len() && key.starts_with(API_KEY_PREFIX)
}

// Hand-written so that a `{:?}` in a log line can never print a key or a secret.
impl fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("db_path", &self.db_path)
            .field("api_keys", &format_args!("[{} redacted]", self.api_keys.len()))
            .field("rate_limit", &self.rate_limit)
            .field("rate_window", &self.rate_window)
            .field("checkout_ttl", &self.checkout_ttl)
            .field("webhooks", &self.webhooks)
            .field("webhook_retry_base", &self.webhook_retry_base)
            .finish()
    }
}

impl fmt::Debug for WebhookTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookTarget")
            .field("url", &self.url)
            .field("secret", &"[redacted]")
            .field("events", &self.events)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_without_the_hanghut_prefix_are_refused() {
        assert!(SandboxConfig::new("x.db", "hh_live_abc").validate().is_ok());
        assert!(SandboxConfig::new("x.db", "sk_live_abc").validate().is_err());
        assert!(SandboxConfig::new("x.db", "hh_live_").validate().is_err());
    }

    #[test]
    fn debug_output_never_contains_keys_or_secrets() {
        let mut config = SandboxConfig::new("x.db", "hh_live_topsecret");
        config.webhooks.push(WebhookTarget {
            url: "http://127.0.0.1:9/hook".into(),
            secret: "whsec_hidden".into(),
            events: vec![],
        });
        let shown = format!("{config:?}");
        assert!(!shown.contains("topsecret"), "{shown}");
        assert!(!shown.contains("whsec_hidden"), "{shown}");
    }
}
