//! Turning TicketWave's configuration into the parts the proxy runs: its event source, its
//! webhook format and, with `TESSERA_TICKETWAVE_URL=sandbox`, an embedded TicketWave that
//! delivers its signed webhooks to this proxy over loopback.

use secrecy::{ExposeSecret, SecretString};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tessera_sandbox::ticketwave::{RunningTicketWave, TicketWaveConfig as SandboxConfig, EVENT_TYPES};
use tessera_sandbox::WebhookTarget;

use super::{utc_offset, TicketWaveClient, TicketWaveWebhooks, VenueClock};
use crate::platform_config::{TicketWaveConfig, TicketWaveUpstream};
use crate::providers::{EventSource, WebhookFormat};

/// The organiser account of the embedded sandbox (it has no other).
const SANDBOX_EMAIL: &str = "box-office@tessera.sandbox";

pub struct Wired {
    pub source: Arc<dyn EventSource>,
    pub webhooks: Arc<dyn WebhookFormat>,
    pub sandbox: Option<RunningTicketWave>,
}

/// `proxy` is where this proxy listens, for the sandbox's webhooks.
pub async fn wire(
    config: &TicketWaveConfig,
    data_dir: &Path,
    proxy: SocketAddr,
    timeout: Duration,
) -> Result<Wired, String> {
    // The zone when one is named; the fixed offset of older configurations otherwise (start-up
    // refuses both at once, platform_config.rs).
    let clock: VenueClock = match config.time_zone {
        Some(zone) => zone.into(),
        None => utc_offset(&config.utc_offset).map_err(|e| e.to_string())?.into(),
    };
    let secret = config
        .webhook_secret
        .clone()
        .unwrap_or_else(|| SecretString::from(format!("twsec_{}", uuid::Uuid::new_v4().simple())));
    let (base, email, password, sandbox) = match &config.upstream {
        TicketWaveUpstream::Url { base_url, email, password } => {
            (base_url.clone(), email.clone(), password.clone(), None)
        }
        TicketWaveUpstream::Sandbox => {
            let password = format!("pw_{}", uuid::Uuid::new_v4().simple());
            let mut sandbox = SandboxConfig::new(SANDBOX_EMAIL, password.clone());
            sandbox.listen = SocketAddr::new(proxy.ip(), 0);
            sandbox.db_path = Some(data_dir.join("ticketwave-sandbox.sqlite"));
            sandbox.webhook = Some(WebhookTarget {
                url: format!("http://{proxy}/webhooks/ticketwave"),
                secret: secret.expose_secret().to_owned(),
                events: EVENT_TYPES.map(String::from).to_vec(),
            });
            let running = tessera_sandbox::ticketwave::start(sandbox).await.map_err(|e| e.to_string())?;
            let base = reqwest::Url::parse(&running.base_url()).map_err(|e| e.to_string())?;
            (base, SANDBOX_EMAIL.to_owned(), SecretString::from(password), Some(running))
        }
    };
    let client = TicketWaveClient::new(&base, email, password, config.currency, clock, timeout);
    Ok(Wired {
        source: Arc::new(client),
        webhooks: Arc::new(TicketWaveWebhooks::new(secret, config.currency, clock)),
        sandbox,
    })
}
