//! Configuration of the platforms beside HangHut. Each is on when its credentials are set:
//! TicketWave by `TESSERA_TICKETWAVE_URL` (`sandbox` starts an embedded TicketWave), vivenu
//! by its webhook hmacKey, Ingresse and Tixel by the secret URL token their deliveries must
//! carry (their documents define no signature).

use secrecy::SecretString;
use std::collections::HashMap;
use tessera_core::{Currency, EventId};

use crate::config::ConfigError;

/// Variables holding platform secrets: set-but-blank stops start-up.
pub const PLATFORM_SECRETS: [&str; 5] = [
    "TESSERA_TICKETWAVE_PASSWORD",
    "TESSERA_TICKETWAVE_WEBHOOK_SECRET",
    "TESSERA_VIVENU_HMAC_KEY",
    "TESSERA_INGRESSE_TOKEN",
    "TESSERA_TIXEL_TOKEN",
];

/// The shortest URL token taken: it is the only thing that keeps strangers out.
pub const MIN_TOKEN_LEN: usize = 24;

#[derive(Debug, Clone, Default)]
pub struct PlatformConfigs {
    pub ticketwave: Option<TicketWaveConfig>,
    pub vivenu: Option<VivenuConfig>,
    pub ingresse: Option<IngresseConfig>,
    pub tixel: Option<TixelConfig>,
}

#[derive(Debug, Clone)]
pub enum TicketWaveUpstream {
    /// Start the embedded TicketWave sandbox in-process.
    Sandbox,
    Url {
        base_url: reqwest::Url,
        email: String,
        password: SecretString,
    },
}

#[derive(Debug, Clone)]
pub struct TicketWaveConfig {
    pub upstream: TicketWaveUpstream,
    /// Verifies `X-TicketWave-Signature`. With the sandbox, generated at start when unset.
    pub webhook_secret: Option<SecretString>,
    /// TicketWave's event descriptions carry no currency.
    pub currency: Currency,
    /// TicketWave's dates and times carry no zone: the venue's IANA time zone
    /// (`TESSERA_TICKETWAVE_TIME_ZONE`), whose offset on each event's date is used…
    pub time_zone: Option<chrono_tz::Tz>,
    /// …or, without one, a fixed offset all year, e.g. `+02:00` (older configurations).
    pub utc_offset: String,
}

#[derive(Debug, Clone)]
pub struct VivenuConfig {
    pub hmac_key: SecretString,
    /// Answer `mode: "dev"` deliveries with 2xx and change nothing.
    pub ignore_dev: bool,
    /// vivenu's event objects carry no currency.
    pub currency: Currency,
}

#[derive(Debug, Clone)]
pub struct IngresseConfig {
    pub token: SecretString,
    /// Ingresse prices are bare numbers.
    pub currency: Currency,
}

#[derive(Debug, Clone)]
pub struct TixelConfig {
    pub token: SecretString,
    /// Tixel event id → the tessera events its resale activity is shown on.
    pub events: HashMap<String, Vec<EventId>>,
}

impl PlatformConfigs {
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let secret = |name: &'static str| get(name).map(SecretString::from);
        let token = |name: &'static str| -> Result<Option<SecretString>, ConfigError> {
            match get(name) {
                Some(t)
                    if t.len() < MIN_TOKEN_LEN
                        || !t.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b)) =>
                {
                    Err(ConfigError::Invalid {
                        name,
                        reason: format!("must be at least {MIN_TOKEN_LEN} letters, digits, '-' or '_'"),
                    })
                }
                t => Ok(t.map(SecretString::from)),
            }
        };
        let currency = |name: &'static str, default: Currency| -> Result<Currency, ConfigError> {
            get(name).map_or(Ok(default), |c| {
                Currency::parse_iso(&c).map_err(|e| ConfigError::Invalid { name, reason: e.to_string() })
            })
        };

        let ticketwave = match get("TESSERA_TICKETWAVE_URL") {
            None => None,
            Some(url) => {
                let upstream = if url == "sandbox" {
                    TicketWaveUpstream::Sandbox
                } else {
                    let base_url = reqwest::Url::parse(&url)
                        .map_err(|e| ConfigError::Invalid { name: "TESSERA_TICKETWAVE_URL", reason: e.to_string() })?;
                    TicketWaveUpstream::Url {
                        base_url,
                        email: get("TESSERA_TICKETWAVE_EMAIL")
                            .ok_or(ConfigError::Missing("TESSERA_TICKETWAVE_EMAIL"))?,
                        password: secret("TESSERA_TICKETWAVE_PASSWORD")
                            .ok_or(ConfigError::Missing("TESSERA_TICKETWAVE_PASSWORD"))?,
                    }
                };
                let webhook_secret = secret("TESSERA_TICKETWAVE_WEBHOOK_SECRET");
                if webhook_secret.is_none() && matches!(upstream, TicketWaveUpstream::Url { .. }) {
                    return Err(ConfigError::Missing("TESSERA_TICKETWAVE_WEBHOOK_SECRET"));
                }
                let time_zone = match get("TESSERA_TICKETWAVE_TIME_ZONE") {
                    None => None,
                    Some(_) if get("TESSERA_TICKETWAVE_UTC_OFFSET").is_some() => {
                        return Err(ConfigError::Invalid {
                            name: "TESSERA_TICKETWAVE_TIME_ZONE",
                            reason: "set it or TESSERA_TICKETWAVE_UTC_OFFSET, not both (the time zone \
                                     knows summer time; the offset is the same all year)"
                                .into(),
                        });
                    }
                    Some(name) => Some(crate::providers::ticketwave::time_zone(&name).map_err(|e| {
                        ConfigError::Invalid { name: "TESSERA_TICKETWAVE_TIME_ZONE", reason: e.to_string() }
                    })?),
                };
                let utc_offset = get("TESSERA_TICKETWAVE_UTC_OFFSET").unwrap_or_else(|| "+00:00".into());
                if chrono::DateTime::parse_from_rfc3339(&format!("2026-01-01T00:00:00{utc_offset}")).is_err() {
                    return Err(ConfigError::Invalid {
                        name: "TESSERA_TICKETWAVE_UTC_OFFSET",
                        reason: "must be an offset such as +02:00 or -03:00".into(),
                    });
                }
                Some(TicketWaveConfig {
                    upstream,
                    webhook_secret,
                    currency: currency("TESSERA_TICKETWAVE_CURRENCY", Currency::EUR)?,
                    time_zone,
                    utc_offset,
                })
            }
        };
        let vivenu = match secret("TESSERA_VIVENU_HMAC_KEY") {
            Some(hmac_key) => Some(VivenuConfig {
                hmac_key,
                ignore_dev: get("TESSERA_VIVENU_IGNORE_DEV")
                    .is_some_and(|v| matches!(v.as_str(), "1" | "true" | "yes")),
                currency: currency("TESSERA_VIVENU_CURRENCY", Currency::EUR)?,
            }),
            None => None,
        };
        let ingresse = match token("TESSERA_INGRESSE_TOKEN")? {
            Some(token) => {
                Some(IngresseConfig { token, currency: currency("TESSERA_INGRESSE_CURRENCY", Currency::BRL)? })
            }
            None => None,
        };
        let tixel = match token("TESSERA_TIXEL_TOKEN")? {
            Some(token) => Some(TixelConfig { token, events: resale_events(get("TESSERA_TIXEL_EVENTS").as_deref())? }),
            None => None,
        };
        Ok(PlatformConfigs { ticketwave, vivenu, ingresse, tixel })
    }
}

/// `TESSERA_TIXEL_EVENTS`: `tixel_id=tessera_id` pairs separated by commas, e.g.
/// `123456=vivenu:64f0c0ffee,123457=8db0f243-2e64-4a1b-9c1d-000000000001`.
fn resale_events(raw: Option<&str>) -> Result<HashMap<String, Vec<EventId>>, ConfigError> {
    let mut map: HashMap<String, Vec<EventId>> = HashMap::new();
    for pair in raw.unwrap_or("").split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let bad = |reason: String| ConfigError::Invalid { name: "TESSERA_TIXEL_EVENTS", reason };
        let (tixel, ours) = pair.split_once('=').ok_or_else(|| bad(format!("{pair:?} is not tixel_id=event_id")))?;
        let ours = EventId::parse(ours).map_err(bad)?;
        map.entry(tixel.trim().to_owned()).or_default().push(ours);
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn from(pairs: &[(&str, &str)]) -> Result<PlatformConfigs, ConfigError> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        PlatformConfigs::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn platforms_are_off_until_configured() {
        let c = from(&[]).unwrap();
        assert!(c.ticketwave.is_none() && c.vivenu.is_none() && c.ingresse.is_none() && c.tixel.is_none());
    }

    #[test]
    fn a_real_ticketwave_needs_credentials_and_a_webhook_secret() {
        let url = ("TESSERA_TICKETWAVE_URL", "https://www.ticketwavehq.com");
        assert!(matches!(from(&[url]), Err(ConfigError::Missing("TESSERA_TICKETWAVE_EMAIL"))));
        let c = from(&[
            url,
            ("TESSERA_TICKETWAVE_EMAIL", "box-office@example.com"),
            ("TESSERA_TICKETWAVE_PASSWORD", "pw"),
            ("TESSERA_TICKETWAVE_WEBHOOK_SECRET", "tw-secret"),
            ("TESSERA_TICKETWAVE_UTC_OFFSET", "+02:00"),
        ])
        .unwrap();
        let tw = c.ticketwave.unwrap();
        assert_eq!((tw.currency, tw.utc_offset.as_str()), (Currency::EUR, "+02:00"));
        assert!(matches!(
            from(&[("TESSERA_TICKETWAVE_URL", "sandbox"), ("TESSERA_TICKETWAVE_UTC_OFFSET", "CET")]),
            Err(ConfigError::Invalid { name: "TESSERA_TICKETWAVE_UTC_OFFSET", .. })
        ));
    }

    #[test]
    fn a_ticketwave_time_zone_is_an_iana_name_and_excludes_an_offset() {
        let sandbox = ("TESSERA_TICKETWAVE_URL", "sandbox");
        let tw = from(&[sandbox, ("TESSERA_TICKETWAVE_TIME_ZONE", "Europe/Madrid")]).unwrap().ticketwave.unwrap();
        assert_eq!(tw.time_zone, Some(chrono_tz::Europe::Madrid));
        // Existing configurations: an offset alone, or nothing (UTC).
        let tw = from(&[sandbox, ("TESSERA_TICKETWAVE_UTC_OFFSET", "+02:00")]).unwrap().ticketwave.unwrap();
        assert_eq!((tw.time_zone, tw.utc_offset.as_str()), (None, "+02:00"));
        let tw = from(&[sandbox]).unwrap().ticketwave.unwrap();
        assert_eq!((tw.time_zone, tw.utc_offset.as_str()), (None, "+00:00"));
        let both = from(&[
            sandbox,
            ("TESSERA_TICKETWAVE_TIME_ZONE", "Europe/Madrid"),
            ("TESSERA_TICKETWAVE_UTC_OFFSET", "+01:00"),
        ])
        .unwrap_err()
        .to_string();
        assert!(both.contains("TESSERA_TICKETWAVE_TIME_ZONE") && both.contains("not both"), "{both}");
        let unknown = from(&[sandbox, ("TESSERA_TICKETWAVE_TIME_ZONE", "Europe/Madird")]).unwrap_err().to_string();
        assert!(unknown.contains("\"Europe/Madird\" is not an IANA time zone name"), "{unknown}");
    }

    #[test]
    fn url_tokens_must_be_long_enough_to_be_secret() {
        assert!(from(&[("TESSERA_INGRESSE_TOKEN", "short")]).is_err());
        assert!(from(&[("TESSERA_TIXEL_TOKEN", "has/slash/aaaaaaaaaaaaaaaaaaaaaaa")]).is_err());
        let c = from(&[("TESSERA_INGRESSE_TOKEN", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]).unwrap();
        let ingresse = c.ingresse.unwrap();
        assert_eq!(ingresse.token.expose_secret().len(), 32);
        assert_eq!(ingresse.currency, Currency::BRL);
    }

    #[test]
    fn a_configured_currency_must_be_an_iso_code() {
        let sandbox = ("TESSERA_TICKETWAVE_URL", "sandbox");
        let e = from(&[sandbox, ("TESSERA_TICKETWAVE_CURRENCY", "EUE")]).unwrap_err().to_string();
        assert!(e.contains("TESSERA_TICKETWAVE_CURRENCY") && e.contains("not a code of ISO 4217"), "{e}");
        let tw = from(&[sandbox, ("TESSERA_TICKETWAVE_CURRENCY", "xpf")]).unwrap().ticketwave.unwrap();
        assert_eq!((tw.currency.code(), tw.currency.exponent()), ("XPF".to_owned(), 0));
    }

    #[test]
    fn tixel_events_map_to_tessera_events() {
        let c = from(&[
            ("TESSERA_TIXEL_TOKEN", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
            ("TESSERA_TIXEL_EVENTS", "123456=vivenu:abc, 123456=ev-1,7=ev-2"),
        ])
        .unwrap();
        let events = c.tixel.unwrap().events;
        assert_eq!(events["123456"].iter().map(EventId::as_str).collect::<Vec<_>>(), ["vivenu:abc", "ev-1"]);
        assert!(from(&[("TESSERA_TIXEL_TOKEN", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"), ("TESSERA_TIXEL_EVENTS", "oops")])
            .is_err());
    }
}
