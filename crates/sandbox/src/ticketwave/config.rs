//! How a TicketWave sandbox is set up. The defaults follow the TicketWave document (a token
//! valid 7 days, its rate-limit table); tests shorten them.

use crate::config::WebhookTarget;
use crate::error::SandboxError;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

pub struct TicketWaveConfig {
    /// Where `start` listens; port 0 picks a free one.
    pub listen: SocketAddr,
    /// SQLite file, created and seeded if empty; `None` keeps the platform in memory.
    pub db_path: Option<PathBuf>,
    /// The one organiser account `POST /api/auth/login` accepts.
    pub email: String,
    pub password: String,
    /// Signs the JWTs. `None`: a random key per start, so tokens do not survive a restart
    /// (clients log in again on the 401, as they must on the real platform anyway).
    pub jwt_secret: Option<String>,
    /// How long a token is valid (the document: 7 days).
    pub token_ttl: Duration,
    /// Requests per window (the document's table: admin 60, scanner 120, public 30 a minute).
    pub admin_limit: u32,
    pub scanner_limit: u32,
    pub public_limit: u32,
    pub rate_window: Duration,
    /// Set as the webhook configuration at start (replacing the stored one), as if
    /// `PUT /api/admin/webhooks/config` had been called; a new URL is sent `webhook.ping`.
    pub webhook: Option<WebhookTarget>,
    /// First retry delay of a failed delivery; doubles each time, 6 attempts at most.
    pub webhook_retry_base: Duration,
}

impl TicketWaveConfig {
    pub fn new(email: impl Into<String>, password: impl Into<String>) -> Self {
        TicketWaveConfig {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            db_path: None,
            email: email.into(),
            password: password.into(),
            jwt_secret: None,
            token_ttl: Duration::from_secs(7 * 24 * 60 * 60),
            admin_limit: 60,
            scanner_limit: 120,
            public_limit: 30,
            rate_window: Duration::from_secs(60),
            webhook: None,
            webhook_retry_base: Duration::from_secs(1),
        }
    }

    /// Refuses settings the sandbox cannot honour, naming the setting to fix.
    pub fn validate(&self) -> Result<(), SandboxError> {
        let problem = if self.email.trim().is_empty() || self.password.is_empty() {
            Some("an email and a password are required".to_owned())
        } else if self.token_ttl < Duration::from_secs(1) {
            Some("token_ttl must be at least a second (JWT exp is in whole seconds)".to_owned())
        } else if [self.admin_limit, self.scanner_limit, self.public_limit].contains(&0) {
            Some("rate limits must be at least 1".to_owned())
        } else if self.rate_window.is_zero() {
            Some("rate_window must be longer than zero".to_owned())
        } else if let Some(target) = &self.webhook {
            super::webhooks::check_config(&target.url, &target.events, Some(&target.secret)).err()
        } else {
            None
        };
        problem.map_or(Ok(()), |p| Err(SandboxError::Config(format!("TicketWave sandbox: {p}"))))
    }
}

// Hand-written so that a `{:?}` in a log line can never print the password or a secret.
impl fmt::Debug for TicketWaveConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TicketWaveConfig")
            .field("listen", &self.listen)
            .field("db_path", &self.db_path)
            .field("email", &self.email)
            .field("password", &"[redacted]")
            .field("jwt_secret", &self.jwt_secret.as_ref().map(|_| "[redacted]"))
            .field("token_ttl", &self.token_ttl)
            .field("admin_limit", &self.admin_limit)
            .field("scanner_limit", &self.scanner_limit)
            .field("public_limit", &self.public_limit)
            .field("rate_window", &self.rate_window)
            .field("webhook", &self.webhook)
            .field("webhook_retry_base", &self.webhook_retry_base)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_contains_the_password_or_secrets() {
        let mut config = TicketWaveConfig::new("owner@example.com", "hunter2-password");
        config.jwt_secret = Some("jwt-signing-key".into());
        config.webhook = Some(WebhookTarget {
            url: "http://127.0.0.1:9/hook".into(),
            secret: "whsec_hidden".into(),
            events: vec![],
        });
        let shown = format!("{config:?}");
        for secret in ["hunter2-password", "jwt-signing-key", "whsec_hidden"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }

    #[test]
    fn the_defaults_follow_the_document() {
        let config = TicketWaveConfig::new("a@example.com", "pw");
        assert_eq!(config.token_ttl, Duration::from_secs(604_800));
        assert_eq!((config.admin_limit, config.scanner_limit, config.public_limit), (60, 120, 30));
        assert!(config.validate().is_ok());
        assert!(TicketWaveConfig::new("a@example.com", "").validate().is_err());
    }
}
