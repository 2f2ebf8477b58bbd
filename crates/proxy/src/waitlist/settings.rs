//! The waiting list's settings: on when `TESSERA_SMTP_URL` is set (it can send email), with
//! the owner's webhook when `TESSERA_WAITLIST_WEBHOOK_URL` is. Read by `Config::from_lookup`.

use secrecy::{ExposeSecret, SecretString};

use crate::config::ConfigError;

/// Variables holding secrets: set-but-blank stops the start (an SMTP URL may carry a password).
pub const SECRETS: [&str; 2] = ["TESSERA_SMTP_URL", "TESSERA_WAITLIST_WEBHOOK_SECRET"];

/// At most this many people are emailed for one return of seats, unless configured.
pub const DEFAULT_BATCH: u32 = 50;

#[derive(Debug, Clone)]
pub struct WaitlistConfig {
    /// lettre's URL form: `smtps://user:pass@host:465`, `smtp://host:587?tls=required`, or
    /// plain `smtp://127.0.0.1:2525` (loopback only).
    pub smtp_url: SecretString,
    /// `Name <address>` or an address: the From of every email.
    pub mail_from: String,
    pub owner_webhook: Option<OwnerWebhookConfig>,
    /// Most people emailed per return of seats (one per seat that came back, up to this).
    pub batch: u32,
}

#[derive(Debug, Clone)]
pub struct OwnerWebhookConfig {
    pub url: reqwest::Url,
    pub secret: SecretString,
}

fn invalid(name: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid { name, reason: reason.into() }
}

/// The waiting list's configuration, or `None` (off) without `TESSERA_SMTP_URL`. `get` gives
/// trimmed, non-empty values.
pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Option<WaitlistConfig>, ConfigError> {
    let webhook_url = get("TESSERA_WAITLIST_WEBHOOK_URL");
    let webhook_secret = get("TESSERA_WAITLIST_WEBHOOK_SECRET");
    let Some(smtp_url) = get("TESSERA_SMTP_URL") else {
        if webhook_url.is_some() || get("TESSERA_MAIL_FROM").is_some() {
            return Err(invalid(
                "TESSERA_SMTP_URL",
                "is required for the waiting list (TESSERA_MAIL_FROM or TESSERA_WAITLIST_WEBHOOK_URL is set)",
            ));
        }
        return Ok(None);
    };
    check_smtp_url(&smtp_url).map_err(|e| invalid("TESSERA_SMTP_URL", e))?;
    let mail_from =
        get("TESSERA_MAIL_FROM").ok_or_else(|| invalid("TESSERA_MAIL_FROM", "is required with TESSERA_SMTP_URL"))?;
    mail_from
        .parse::<lettre::message::Mailbox>()
        .map_err(|e| invalid("TESSERA_MAIL_FROM", format!("must be an address or `Name <address>`: {e}")))?;
    let owner_webhook = match (webhook_url, webhook_secret) {
        (None, None) => None,
        (Some(url), Some(secret)) => {
            let url = reqwest::Url::parse(&url).map_err(|e| invalid("TESSERA_WAITLIST_WEBHOOK_URL", e.to_string()))?;
            if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
                return Err(invalid("TESSERA_WAITLIST_WEBHOOK_URL", "must be an absolute http(s) URL"));
            }
            Some(OwnerWebhookConfig { url, secret: SecretString::from(secret) })
        }
        (Some(_), None) => {
            return Err(invalid("TESSERA_WAITLIST_WEBHOOK_SECRET", "is required with TESSERA_WAITLIST_WEBHOOK_URL"));
        }
        (None, Some(_)) => {
            return Err(invalid("TESSERA_WAITLIST_WEBHOOK_URL", "is required with TESSERA_WAITLIST_WEBHOOK_SECRET"));
        }
    };
    let batch = match get("TESSERA_WAITLIST_BATCH") {
        Some(n) => n
            .parse::<u32>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| invalid("TESSERA_WAITLIST_BATCH", "must be a whole number of at least 1"))?,
        None => DEFAULT_BATCH,
    };
    Ok(Some(WaitlistConfig { smtp_url: SecretString::from(smtp_url), mail_from, owner_webhook, batch }))
}

impl WaitlistConfig {
    /// For a configuration made in code: no blank secret.
    pub fn check_secrets(&self) -> Result<(), ConfigError> {
        if self.smtp_url.expose_secret().trim().is_empty() {
            return Err(ConfigError::BlankSecret("TESSERA_SMTP_URL"));
        }
        if self.owner_webhook.as_ref().is_some_and(|w| w.secret.expose_secret().trim().is_empty()) {
            return Err(ConfigError::BlankSecret("TESSERA_WAITLIST_WEBHOOK_SECRET"));
        }
        Ok(())
    }
}

/// lettre reads the URL; here only what it would accept silently and we do not: plain SMTP
/// (no `tls=`) to anything but loopback, which would send buyers' addresses in the clear.
fn check_smtp_url(raw: &str) -> Result<(), String> {
    let url = reqwest::Url::parse(raw).map_err(|_| "is not a URL like smtps://user:pass@host:465".to_owned())?;
    let tls = url.query_pairs().find(|(k, _)| k == "tls").map(|(_, v)| v.into_owned());
    match (url.scheme(), tls.as_deref()) {
        ("smtps", _) | ("smtp", Some("required" | "opportunistic")) => {}
        ("smtp", None) => {
            let host = url.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
            let loopback = host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
            if !loopback {
                return Err("plain smtp:// is only for a server on loopback; use smtps:// or add ?tls=required".into());
            }
        }
        _ => return Err("must start with smtps:// or smtp://".into()),
    }
    if url.host().is_none() {
        return Err("has no host".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn from(pairs: &[(&str, &str)]) -> Result<Option<WaitlistConfig>, ConfigError> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn off_without_an_smtp_url_and_on_with_one() {
        assert!(from(&[]).unwrap().is_none());
        let c =
            from(&[("TESSERA_SMTP_URL", "smtp://127.0.0.1:2525"), ("TESSERA_MAIL_FROM", "Tickets <t@shop.example>")])
                .unwrap()
                .unwrap();
        assert_eq!(c.batch, DEFAULT_BATCH);
        assert!(c.owner_webhook.is_none());
    }

    #[test]
    fn plain_smtp_is_only_for_loopback() {
        let with = |url: &str| from(&[("TESSERA_SMTP_URL", url), ("TESSERA_MAIL_FROM", "t@shop.example")]);
        assert!(with("smtp://mail.example.com:25").is_err());
        assert!(with("smtp://mail.example.com:587?tls=required").unwrap().is_some());
        assert!(with("smtps://u:p@mail.example.com").unwrap().is_some());
        assert!(with("smtp://localhost:2525").unwrap().is_some());
        assert!(with("http://mail.example.com").is_err());
    }

    #[test]
    fn the_webhook_needs_its_secret_and_the_list_needs_a_sender() {
        let smtp = ("TESSERA_SMTP_URL", "smtp://127.0.0.1:1");
        let from_ = ("TESSERA_MAIL_FROM", "t@shop.example");
        assert!(from(&[smtp]).is_err(), "no From");
        assert!(from(&[smtp, ("TESSERA_MAIL_FROM", "not an address")]).is_err());
        let url = ("TESSERA_WAITLIST_WEBHOOK_URL", "https://shop.example/hooks/waitlist");
        let e = from(&[smtp, from_, url]).unwrap_err().to_string();
        assert!(e.starts_with("TESSERA_WAITLIST_WEBHOOK_SECRET"), "{e}");
        let c = from(&[smtp, from_, url, ("TESSERA_WAITLIST_WEBHOOK_SECRET", "s3cret")]).unwrap().unwrap();
        assert!(!format!("{c:?}").contains("s3cret"), "a secret is never in Debug");
        assert!(from(&[url]).is_err(), "a webhook without a waiting list is a mistake");
    }
}
