//! Configuration from `TESSERA_*` environment variables. Secrets are held in
//! `SecretString`, whose Debug prints "[REDACTED]", so a logged config leaks nothing.

use secrecy::SecretString;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone)]
pub enum Upstream {
    /// Start the embedded sandbox platform in-process on a free port.
    Sandbox,
    /// A HangHut-compatible API base URL such as `https://api.hanghut.com/v1`.
    HangHut { base_url: reqwest::Url, api_key: SecretString },
}

#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    /// Where buyers reach this proxy; defaults to `http://{listen}` once bound.
    pub public_url: Option<reqwest::Url>,
    pub upstream: Upstream,
    /// Verifies `X-HangHut-Signature`. With the sandbox, generated at start when unset.
    pub hanghut_webhook_secret: Option<SecretString>,
    /// Origins allowed to call the API from a browser (CORS). The proxy's own origin always is.
    pub allowed_origins: Vec<String>,
    /// The page buyers return to after paying / cancelling. The proxy adds
    /// `tessera_status` and `tessera_event` to it; it never takes a URL from a request.
    pub success_url: Option<reqwest::Url>,
    pub cancel_url: Option<reqwest::Url>,
    pub data_dir: PathBuf,
    /// The built widget (Trunk's dist/).
    pub widget_dir: PathBuf,
    /// How long a fetched event is served before it is read again upstream.
    pub event_ttl: Duration,
    /// Every upstream call gives up after this long.
    pub upstream_timeout: Duration,
    /// Currency of HangHut prices; its API returns bare numbers in PHP.
    pub hanghut_currency: tessera_core::Currency,
    /// The event the demo page features; defaults to the sandbox's first demo event.
    pub demo_event: Option<String>,
    /// Requests per minute the embedded sandbox allows per key (HangHut's is 100); lowered
    /// by tests that need to see the platform's 429.
    pub sandbox_rate_limit: u32,
    /// How long the embedded sandbox holds an unpaid checkout's seats (HangHut: 30 minutes).
    pub sandbox_checkout_ttl: Duration,
    /// Promo previews a client address may ask for per minute.
    pub promo_previews_per_minute: u32,
    /// The embedded sandbox's API key; a fresh random one when unset. Set it to look at the
    /// sandbox's own API (orders, promo code usage) from outside, as the end-to-end tests do.
    pub sandbox_api_key: Option<SecretString>,
    /// Calls a minute this proxy makes to the platform, all together: headroom under
    /// HangHut's 100 per key.
    pub upstream_per_minute: u32,
    /// Checkouts a client address may start per minute.
    pub checkouts_per_minute: u32,
    /// Live streams a client address may hold open at once (a buyer's tabs; raise it where
    /// many buyers share one address, a venue's or an office's network).
    pub live_streams_per_client: u32,
    /// Reverse proxies (addresses or CIDR ranges) whose `X-Forwarded-For` is believed. Empty:
    /// the connection's own address is the client, whatever the header says.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// A client gets this long to send a request's headers, and again its body; then the
    /// connection is closed (slow-client protection).
    pub request_read_timeout: Duration,
    /// Test hook, `TESSERA_TEST_HOLD_WEBHOOK_APPLY=1`: webhook deliveries are written to the
    /// inbox and then held, never applied nor answered, so a test can kill the process between
    /// receipt and apply and see the next start replay them. Never set it in production.
    pub test_hold_webhook_apply: bool,
    /// TicketWave, vivenu, Ingresse and Tixel, each on when configured.
    pub platforms: crate::platform_config::PlatformConfigs,
    /// The Redis several proxies share (`redis://[:password@]host:port[/db]`); none: this
    /// proxy keeps everything to itself. A secret, as the URL may carry a password.
    pub redis_url: Option<SecretString>,
    /// The waiting list of sold-out tiers: on when SMTP is configured.
    pub waitlist: Option<crate::waitlist::settings::WaitlistConfig>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is not valid: {reason}")]
    Invalid { name: &'static str, reason: String },
    #[error("{0} is required when TESSERA_UPSTREAM is a URL")]
    Missing(&'static str),
    /// A secret that is set but blank would sign or authenticate with an empty key.
    #[error("{0} is set but empty; give it the real value or leave it unset")]
    BlankSecret(&'static str),
}

impl Config {
    /// Defaults for a local demo: sandbox upstream on 127.0.0.1:8080.
    pub fn local(data_dir: impl Into<PathBuf>) -> Self {
        Config {
            listen: "127.0.0.1:8080".parse().expect("literal address"),
            public_url: None,
            upstream: Upstream::Sandbox,
            hanghut_webhook_secret: None,
            allowed_origins: Vec::new(),
            success_url: None,
            cancel_url: None,
            data_dir: data_dir.into(),
            widget_dir: PathBuf::from("dist"),
            event_ttl: Duration::from_secs(2),
            upstream_timeout: Duration::from_secs(5),
            hanghut_currency: tessera_core::Currency::PHP,
            demo_event: None,
            sandbox_rate_limit: 100,
            sandbox_checkout_ttl: Duration::from_secs(30 * 60),
            promo_previews_per_minute: 10,
            sandbox_api_key: None,
            upstream_per_minute: 90,
            checkouts_per_minute: 20,
            live_streams_per_client: 20,
            trusted_proxies: Vec::new(),
            request_read_timeout: Duration::from_secs(10),
            test_hold_webhook_apply: false,
            platforms: Default::default(),
            redis_url: None,
            waitlist: None,
        }
    }

    /// From the settings as `tessera-proxy`'s command line found them (flags, variables, the
    /// config file, defaults).
    pub fn from_settings(settings: &crate::settings::Settings) -> Result<Self, ConfigError> {
        Self::from_lookup(|name| settings.get(name))
    }

    /// Reads configuration through `lookup` so tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        for name in
            SECRETS.iter().chain(&crate::platform_config::PLATFORM_SECRETS).chain(&crate::waitlist::settings::SECRETS)
        {
            if lookup(name).is_some_and(|v| v.trim().is_empty()) {
                return Err(ConfigError::BlankSecret(name));
            }
        }
        let mut config = Config::local(get("TESSERA_DATA_DIR").unwrap_or_else(|| "data".into()));

        if let Some(listen) = get("TESSERA_LISTEN") {
            config.listen = listen.parse().map_err(|e| invalid("TESSERA_LISTEN", e))?;
        }
        config.public_url = get("TESSERA_PUBLIC_URL").map(|u| parse_url("TESSERA_PUBLIC_URL", &u)).transpose()?;
        config.success_url = get("TESSERA_SUCCESS_URL").map(|u| parse_url("TESSERA_SUCCESS_URL", &u)).transpose()?;
        config.cancel_url = get("TESSERA_CANCEL_URL").map(|u| parse_url("TESSERA_CANCEL_URL", &u)).transpose()?;
        if let Some(dir) = get("TESSERA_WIDGET_DIR") {
            config.widget_dir = dir.into();
        }
        if let Some(origins) = get("TESSERA_ALLOWED_ORIGINS") {
            config.allowed_origins = origins
                .split(',')
                .map(|o| o.trim().trim_end_matches('/').to_owned())
                .filter(|o| !o.is_empty())
                .collect();
            for origin in &config.allowed_origins {
                parse_url("TESSERA_ALLOWED_ORIGINS", origin)?;
            }
        }
        if let Some(ms) = get("TESSERA_EVENT_TTL_MS") {
            config.event_ttl = Duration::from_millis(ms.parse().map_err(|e| invalid("TESSERA_EVENT_TTL_MS", e))?);
        }
        if let Some(ms) = get("TESSERA_UPSTREAM_TIMEOUT_MS") {
            config.upstream_timeout =
                Duration::from_millis(ms.parse().map_err(|e| invalid("TESSERA_UPSTREAM_TIMEOUT_MS", e))?);
        }
        if let Some(code) = get("TESSERA_HANGHUT_CURRENCY") {
            config.hanghut_currency =
                tessera_core::Currency::parse_iso(&code).map_err(|e| invalid("TESSERA_HANGHUT_CURRENCY", e))?;
        }
        config.demo_event = get("TESSERA_DEMO_EVENT");
        if let Some(n) = get("TESSERA_SANDBOX_RATE_LIMIT") {
            config.sandbox_rate_limit = n.parse().map_err(|e| invalid("TESSERA_SANDBOX_RATE_LIMIT", e))?;
        }
        if let Some(n) = get("TESSERA_SANDBOX_CHECKOUT_SECONDS") {
            let secs: u64 = n.parse().map_err(|e| invalid("TESSERA_SANDBOX_CHECKOUT_SECONDS", e))?;
            if secs == 0 {
                return Err(invalid("TESSERA_SANDBOX_CHECKOUT_SECONDS", "must be at least 1"));
            }
            config.sandbox_checkout_ttl = Duration::from_secs(secs);
        }
        if let Some(n) = get("TESSERA_PROMO_PREVIEWS_PER_MINUTE") {
            config.promo_previews_per_minute =
                n.parse().map_err(|e| invalid("TESSERA_PROMO_PREVIEWS_PER_MINUTE", e))?;
        }
        if let Some(n) = get("TESSERA_UPSTREAM_PER_MINUTE") {
            config.upstream_per_minute = n.parse().map_err(|e| invalid("TESSERA_UPSTREAM_PER_MINUTE", e))?;
        }
        if let Some(ms) = get("TESSERA_REQUEST_READ_TIMEOUT_MS") {
            config.request_read_timeout =
                Duration::from_millis(ms.parse().map_err(|e| invalid("TESSERA_REQUEST_READ_TIMEOUT_MS", e))?);
        }
        if let Some(n) = get("TESSERA_CHECKOUTS_PER_MINUTE") {
            config.checkouts_per_minute = n.parse().map_err(|e| invalid("TESSERA_CHECKOUTS_PER_MINUTE", e))?;
        }
        if let Some(n) = get("TESSERA_LIVE_STREAMS_PER_CLIENT") {
            config.live_streams_per_client = n.parse().map_err(|e| invalid("TESSERA_LIVE_STREAMS_PER_CLIENT", e))?;
        }
        if let Some(list) = get("TESSERA_TRUSTED_PROXIES") {
            config.trusted_proxies =
                crate::client_addr::parse_trusted(&list).map_err(|e| invalid("TESSERA_TRUSTED_PROXIES", e))?;
        }
        if let Some(key) = get("TESSERA_SANDBOX_API_KEY") {
            if !key.starts_with("hh_live_") || key.len() < 16 {
                return Err(invalid(
                    "TESSERA_SANDBOX_API_KEY",
                    "must start with hh_live_ and be at least 16 characters",
                ));
            }
            config.sandbox_api_key = Some(SecretString::from(key));
        }
        config.hanghut_webhook_secret = get("TESSERA_HANGHUT_WEBHOOK_SECRET").map(SecretString::from);
        config.test_hold_webhook_apply = get("TESSERA_TEST_HOLD_WEBHOOK_APPLY").as_deref() == Some("1");
        if let Some(url) = get("TESSERA_REDIS_URL") {
            // Checked now, so a typo stops the start rather than every proxy going on alone.
            crate::redis_link::RedisLink::check_url(&url).map_err(|e| invalid("TESSERA_REDIS_URL", e.0))?;
            config.redis_url = Some(SecretString::from(url));
        }
        config.waitlist = crate::waitlist::settings::from_lookup(get)?;
        config.platforms = crate::platform_config::PlatformConfigs::from_lookup(get)?;

        config.upstream = match get("TESSERA_UPSTREAM").as_deref() {
            None | Some("sandbox") => Upstream::Sandbox,
            Some(url) => {
                let base_url = parse_url("TESSERA_UPSTREAM", url)?;
                let api_key = get("TESSERA_API_KEY").ok_or(ConfigError::Missing("TESSERA_API_KEY"))?;
                if config.hanghut_webhook_secret.is_none() {
                    return Err(ConfigError::Missing("TESSERA_HANGHUT_WEBHOOK_SECRET"));
                }
                Upstream::HangHut { base_url, api_key: SecretString::from(api_key) }
            }
        };
        Ok(config)
    }
}

/// Variables holding secrets: set-but-blank is an error, not "unset".
const SECRETS: [&str; 3] = ["TESSERA_API_KEY", "TESSERA_HANGHUT_WEBHOOK_SECRET", "TESSERA_SANDBOX_API_KEY"];

impl Config {
    /// Secrets given in code (not through `from_lookup`) must not be blank either: an empty
    /// HMAC key verifies signatures anyone can compute.
    pub fn check_secrets(&self) -> Result<(), ConfigError> {
        use secrecy::ExposeSecret;
        let blank = |s: &SecretString| s.expose_secret().trim().is_empty();
        if let Upstream::HangHut { api_key, .. } = &self.upstream {
            if blank(api_key) {
                return Err(ConfigError::BlankSecret("TESSERA_API_KEY"));
            }
        }
        if self.hanghut_webhook_secret.as_ref().is_some_and(blank) {
            return Err(ConfigError::BlankSecret("TESSERA_HANGHUT_WEBHOOK_SECRET"));
        }
        if self.sandbox_api_key.as_ref().is_some_and(blank) {
            return Err(ConfigError::BlankSecret("TESSERA_SANDBOX_API_KEY"));
        }
        if let Some(waitlist) = &self.waitlist {
            waitlist.check_secrets()?;
        }
        Ok(())
    }
}

fn invalid(name: &'static str, e: impl std::fmt::Display) -> ConfigError {
    ConfigError::Invalid { name, reason: e.to_string() }
}

fn parse_url(name: &'static str, raw: &str) -> Result<reqwest::Url, ConfigError> {
    let url = reqwest::Url::parse(raw).map_err(|e| invalid(name, e))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(invalid(name, "must be an absolute http(s) URL"));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;
    use std::collections::HashMap;

    fn from(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_to_the_sandbox_on_loopback() {
        let c = from(&[]).unwrap();
        assert!(matches!(c.upstream, Upstream::Sandbox));
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
    }

    #[test]
    fn a_url_upstream_needs_a_key_and_a_webhook_secret() {
        assert!(matches!(
            from(&[("TESSERA_UPSTREAM", "https://api.hanghut.com/v1")]),
            Err(ConfigError::Missing("TESSERA_API_KEY"))
        ));
        let c = from(&[
            ("TESSERA_UPSTREAM", "https://api.hanghut.com/v1"),
            ("TESSERA_API_KEY", "hh_live_abc"),
            ("TESSERA_HANGHUT_WEBHOOK_SECRET", "whsec_x"),
        ])
        .unwrap();
        match c.upstream {
            Upstream::HangHut { api_key, base_url } => {
                assert_eq!(api_key.expose_secret(), "hh_live_abc");
                assert_eq!(base_url.as_str(), "https://api.hanghut.com/v1");
            }
            other => panic!("expected HangHut, got {other:?}"),
        }
    }

    #[test]
    fn debug_output_never_shows_secrets() {
        let c = from(&[
            ("TESSERA_UPSTREAM", "https://api.hanghut.com/v1"),
            ("TESSERA_API_KEY", "hh_live_supersecret"),
            ("TESSERA_HANGHUT_WEBHOOK_SECRET", "whsec_topsecret"),
        ])
        .unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("supersecret") && !shown.contains("topsecret"), "{shown}");
    }

    #[test]
    fn bad_values_name_the_variable() {
        let e = from(&[("TESSERA_SUCCESS_URL", "javascript:alert(1)")]).unwrap_err();
        assert!(e.to_string().starts_with("TESSERA_SUCCESS_URL"), "{e}");
        let e = from(&[("TESSERA_LISTEN", "nope")]).unwrap_err();
        assert!(e.to_string().starts_with("TESSERA_LISTEN"), "{e}");
    }

    #[test]
    fn a_blank_secret_stops_start_up_naming_the_variable() {
        for name in SECRETS {
            for blank in ["", "   ", "\t\n"] {
                let e = from(&[(name, blank)]).unwrap_err();
                assert!(matches!(e, ConfigError::BlankSecret(n) if n == name), "{name}: {e}");
                assert!(e.to_string().contains(name) && e.to_string().contains("empty"), "{e}");
            }
        }
        let mut c = from(&[]).unwrap();
        c.hanghut_webhook_secret = Some(SecretString::from(" "));
        assert!(matches!(c.check_secrets(), Err(ConfigError::BlankSecret("TESSERA_HANGHUT_WEBHOOK_SECRET"))));
        c.hanghut_webhook_secret = None;
        c.upstream = Upstream::HangHut { base_url: "https://x.example".parse().unwrap(), api_key: "".into() };
        assert!(matches!(c.check_secrets(), Err(ConfigError::BlankSecret("TESSERA_API_KEY"))));
    }

    #[test]
    fn trusted_proxies_take_addresses_and_ranges() {
        let c = from(&[("TESSERA_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.7 ,::1")]).unwrap();
        let shown: Vec<String> = c.trusted_proxies.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["10.0.0.0/8", "192.168.1.7/32", "::1/128"]);
        let e = from(&[("TESSERA_TRUSTED_PROXIES", "10.0.0.0/8,nope")]).unwrap_err();
        assert!(e.to_string().starts_with("TESSERA_TRUSTED_PROXIES"), "{e}");
    }

    #[test]
    fn every_variable_read_is_a_setting_that_help_lists() {
        let asked = std::cell::RefCell::new(Vec::<String>::new());
        let switches = [
            ("TESSERA_UPSTREAM", "https://api.hanghut.com/v1"),
            ("TESSERA_TICKETWAVE_URL", "sandbox"),
            ("TESSERA_VIVENU_HMAC_KEY", "vivenu-key"),
            ("TESSERA_INGRESSE_TOKEN", "ingresse-token-0123456789abcdef"),
            ("TESSERA_TIXEL_TOKEN", "tixel-token-0123456789abcdef"),
        ];
        for on in [false, true] {
            let _ = Config::from_lookup(|name| {
                asked.borrow_mut().push(name.to_owned());
                on.then(|| switches.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string())).flatten()
            });
        }
        let listed: Vec<&str> = crate::settings::SETTINGS.iter().map(|s| s.var).collect();
        let unlisted: Vec<String> = asked.into_inner().into_iter().filter(|n| !listed.contains(&n.as_str())).collect();
        assert!(unlisted.is_empty(), "read but not in settings::SETTINGS: {unlisted:?}");
        // What is checked for blanks here is what --help and check-config keep hidden there.
        let hidden: Vec<&str> = crate::settings::SETTINGS.iter().filter(|s| s.secret).map(|s| s.var).collect();
        for name in SECRETS.iter().chain(&crate::platform_config::PLATFORM_SECRETS) {
            assert!(hidden.contains(name), "{name} is a secret here but shown by --help");
        }
    }

    #[test]
    fn the_settings_defaults_are_the_configs_defaults() {
        let cli = <crate::cli::Cli as clap::Parser>::try_parse_from(["tessera-proxy"]).unwrap();
        let from_settings = Config::from_settings(&cli.settings).unwrap();
        assert_eq!(format!("{from_settings:?}"), format!("{:?}", Config::local("data")));
    }

    #[test]
    fn allowed_origins_are_split_and_normalised() {
        let c = from(&[("TESSERA_ALLOWED_ORIGINS", "https://a.example/, https://b.example")]).unwrap();
        assert_eq!(c.allowed_origins, ["https://a.example", "https://b.example"]);
    }
}
