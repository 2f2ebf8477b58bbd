//! Builds the running proxy from a `Config`: binds the listener (port 0 in tests), starts
//! the embedded sandbox when that is the upstream, opens the store, assembles the router.

use secrecy::{ExposeSecret, SecretString};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tessera_sandbox::ticketwave::RunningTicketWave;
use tessera_sandbox::{RunningSandbox, SandboxConfig, WebhookTarget};
use tokio::net::TcpListener;

use crate::catalogue::{Catalogue, Feeds};
use crate::checkout::ReturnUrls;
use crate::claims::Claims;
use crate::config::{Config, Upstream};
use crate::cross_origin::AllowedOrigins;
use crate::inbox::Inbox;
use crate::live::LiveHub;
use crate::live_bus::LiveBus;
use crate::peer_deliveries::PeerDeliveries;
use crate::providers::{self, EventSource, Platform, WebhookFormat};
use crate::rate_limit::ClientLimiter;
use crate::redis_link::RedisLink;
use crate::routes::{router, App};
use crate::shared_reads::SharedReads;
use crate::store::Store;
use crate::stream_slots::StreamSlots;
use crate::upstream::{Budget, HangHutClient};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("cannot use data directory {dir}: {source}")]
    DataDir { dir: String, source: std::io::Error },
    #[error("{0}")]
    Store(#[from] crate::store::StoreError),
    #[error("the embedded sandbox did not start: {0}")]
    Sandbox(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Config(#[from] crate::config::ConfigError),
    #[error("{0}")]
    Redis(#[from] crate::redis_link::BadRedisUrl),
}

/// After the shutdown signal, in-flight requests get this long to finish (a checkout waits on
/// at most two platform calls); then the process stops anyway. Under the 30 s a container
/// orchestrator gives before its SIGKILL.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(25);

pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    live: LiveHub,
    read_timeout: Duration,
    public_url: reqwest::Url,
    sandbox: Option<RunningSandbox>,
    sandbox_key: Option<SecretString>,
    ticketwave_sandbox: Option<RunningTicketWave>,
    /// The shared Redis, when configured.
    redis: Option<RedisLink>,
    /// Tasks that run while it serves: the Redis heartbeat, listening to the other proxies.
    background: Vec<tokio::task::JoinHandle<()>>,
}

impl Application {
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        // Before anything listens: a blank key or secret is a mistake, not a choice.
        config.check_secrets()?;
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|source| StartupError::Bind { addr: config.listen, source })?;
        let local = listener.local_addr()?;
        let public_url = config
            .public_url
            .clone()
            .unwrap_or_else(|| reqwest::Url::parse(&format!("http://{local}/")).expect("socket address URL"));

        std::fs::create_dir_all(&config.data_dir)
            .map_err(|source| StartupError::DataDir { dir: config.data_dir.display().to_string(), source })?;
        let store = Store::open(&config.data_dir.join("proxy.sqlite"))?;
        let redis = config.redis_url.as_ref().map(|url| RedisLink::new(url.expose_secret())).transpose()?;
        let heartbeat = redis.as_ref().map(RedisLink::heartbeat);

        let webhook_secret = config
            .hanghut_webhook_secret
            .clone()
            .unwrap_or_else(|| SecretString::from(format!("whsec_{}", uuid::Uuid::new_v4().simple())));

        let (upstream, sandbox, sandbox_key) = match &config.upstream {
            Upstream::HangHut { base_url, api_key } => (
                HangHutClient::new(
                    base_url,
                    api_key.clone(),
                    config.hanghut_currency,
                    config.upstream_timeout,
                    upstream_budget(&config, api_key, redis.as_ref()),
                ),
                None,
                None,
            ),
            Upstream::Sandbox => {
                // The sandbox delivers to this proxy directly, over loopback.
                let webhook = WebhookTarget {
                    url: format!("http://{local}/webhooks/hanghut"),
                    secret: webhook_secret.expose_secret().to_owned(),
                    events: ["ticket.purchased", "ticket.refunded", "ticket.checked_in", "event.updated"]
                        .map(String::from)
                        .to_vec(),
                };
                let (client, sandbox, key) = start_sandbox(&config, local.ip(), Some(webhook), redis.as_ref()).await?;
                (client, Some(sandbox), Some(key))
            }
        };

        let ticketwave = match &config.platforms.ticketwave {
            Some(tw) => Some(
                providers::ticketwave::wiring::wire(tw, &config.data_dir, local, config.upstream_timeout)
                    .await
                    .map_err(StartupError::Sandbox)?,
            ),
            None => None,
        };

        let demo_event = config.demo_event.clone().or_else(|| {
            matches!(config.upstream, Upstream::Sandbox).then(|| tessera_sandbox::seed::JAZZ_NIGHT.to_owned())
        });
        let mut allowed_origins = config.allowed_origins.clone();
        allowed_origins.push(public_url.origin().ascii_serialization());
        let return_urls = ReturnUrls {
            success: config.success_url.clone().unwrap_or_else(|| public_url.clone()),
            cancel: config
                .cancel_url
                .clone()
                .or_else(|| config.success_url.clone())
                .unwrap_or_else(|| public_url.clone()),
            allowed: AllowedOrigins::new(&allowed_origins),
        };

        let resale_events = config.platforms.tixel.as_ref().map(|t| t.events.clone()).unwrap_or_default();
        let source: Option<Arc<dyn EventSource>> = ticketwave.as_ref().map(|w| w.source.clone());
        let feeds = Feeds::new(store.clone(), source, &resale_events, config.event_ttl).listing(
            [
                (config.platforms.vivenu.is_some(), Platform::Vivenu),
                (config.platforms.ingresse.is_some(), Platform::Ingresse),
            ]
            .into_iter()
            .filter_map(|(on, p)| on.then_some(p)),
        );
        let metrics = crate::metrics::Metrics::new();
        // Per-client limits hold across proxies with Redis.
        let mut preview_limiter = ClientLimiter::per_minute(config.promo_previews_per_minute);
        let mut checkout_limiter = ClientLimiter::per_minute(config.checkouts_per_minute);
        let mut stream_slots = StreamSlots::per_client(config.live_streams_per_client);
        if let Some(link) = &redis {
            preview_limiter = preview_limiter.shared(link.clone(), "previews");
            checkout_limiter = checkout_limiter.shared(link.clone(), "checkouts");
            stream_slots = stream_slots.shared(link.clone());
        }
        let mut catalogue = Catalogue::new(upstream.counted_by(metrics.clone()), config.event_ttl)
            .with_feeds(feeds)
            .counted_by(metrics.clone());
        if let Some(link) = &redis {
            catalogue = catalogue.with_shared_reads(SharedReads::new(link.clone(), config.event_ttl, metrics.clone()));
        }
        let mut live = LiveHub::new(catalogue.clone());
        if let Some(link) = &redis {
            live = live.with_bus(LiveBus::new(link.clone()));
        }
        let waitlist =
            crate::waitlist::Waitlist::start(&config, &public_url, &allowed_origins, catalogue.clone(), redis.clone())
                .await?;
        if let Some(waitlist) = &waitlist {
            live = live.with_observer(waitlist.observer());
        }
        let mut waitlist_limiter = ClientLimiter::per_minute(config.promo_previews_per_minute);
        if let Some(link) = &redis {
            waitlist_limiter = waitlist_limiter.shared(link.clone(), "waitlist");
        }
        // Open widgets hear within a couple of seconds that the platform stopped answering.
        live.watch_outages(Duration::from_secs(2));
        if let Some(waitlist) = &waitlist {
            waitlist.sweep(live.clone(), crate::waitlist::SWEEP_EVERY);
        }
        let mut inbox = Inbox::new(store.clone(), live.clone(), config.test_hold_webhook_apply, resale_events);
        let claims = redis.as_ref().map(|link| Claims::new(link.clone()));
        if let (Some(link), Some(claims)) = (&redis, &claims) {
            inbox = inbox.with_peers(claims.clone(), PeerDeliveries::new(link.clone()));
        }
        // Deliveries a previous run took but did not apply (it was killed in between).
        inbox.replay_unapplied().await?;
        let background: Vec<_> = heartbeat.into_iter().chain(live.listen()).chain(inbox.follow_peers()).collect();
        let state = Arc::new(App {
            live: live.clone(),
            inbox,
            catalogue,
            store,
            return_urls,
            webhooks: Arc::new(webhook_formats(
                &config,
                webhook_secret,
                ticketwave.as_ref().map(|w| w.webhooks.clone()),
            )),
            widget_dir: config.widget_dir.clone(),
            demo_event,
            preview_limiter,
            checkout_limiter,
            stream_slots,
            trusted_proxies: config.trusted_proxies.clone().into(),
            metrics,
            public_url: public_url.clone(),
            event_ttl: config.event_ttl,
            redis: redis.clone(),
            claims,
            waitlist,
            waitlist_limiter,
        });
        let allowed_origins = AllowedOrigins::new(&allowed_origins);
        Ok(Application {
            listener,
            router: router(state, &allowed_origins, config.request_read_timeout),
            live,
            read_timeout: config.request_read_timeout,
            public_url,
            sandbox,
            sandbox_key,
            ticketwave_sandbox: ticketwave.and_then(|w| w.sandbox),
            redis,
            background,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    /// Where buyers reach this proxy, with a trailing slash.
    pub fn public_url(&self) -> &reqwest::Url {
        &self.public_url
    }

    /// The embedded sandbox's API base, when it is the upstream (for tests and the demo log).
    pub fn sandbox_base_url(&self) -> Option<String> {
        self.sandbox.as_ref().map(RunningSandbox::base_url)
    }

    /// The embedded TicketWave's base URL, when `TESSERA_TICKETWAVE_URL=sandbox`.
    pub fn ticketwave_sandbox_url(&self) -> Option<String> {
        self.ticketwave_sandbox.as_ref().map(RunningTicketWave::base_url)
    }

    /// The generated sandbox key, for tests that inspect the sandbox directly. Never served.
    pub fn sandbox_api_key(&self) -> Option<&SecretString> {
        self.sandbox_key.as_ref()
    }

    /// Wraps the whole router in more middleware (an embedder's metrics or access log; the
    /// test suite reads every response body through this).
    pub fn map_router(mut self, wrap: impl FnOnce(axum::Router) -> axum::Router) -> Self {
        self.router = wrap(self.router);
        self
    }

    /// Serves until `shutdown` resolves. Then: no new connections, live streams are told to
    /// reconnect and closed, and in-flight requests get up to `SHUTDOWN_GRACE` to finish.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let live = self.live.clone();
        let shutdown = async move {
            shutdown.await;
            // An open stream never ends by itself: without this, shutdown would wait on viewers.
            live.close_streams();
        };
        let served = serve(self.listener, self.router, self.read_timeout, shutdown).await;
        for task in &self.background {
            task.abort();
        }
        if let Some(link) = self.redis {
            // The others' shares of the budget grow now rather than when this lease runs out.
            let _ = tokio::time::timeout(Duration::from_secs(1), link.leave()).await;
        }
        if let Some(sandbox) = self.sandbox {
            // Give the sandbox's webhook sender a moment rather than cutting a delivery mid-flight.
            let _ = tokio::time::timeout(Duration::from_secs(5), sandbox.shutdown()).await;
        }
        if let Some(sandbox) = self.ticketwave_sandbox {
            let _ = tokio::time::timeout(Duration::from_secs(5), sandbox.shutdown()).await;
        }
        served
    }
}

/// The accept loop. `axum::serve` cannot limit how long a client takes to send its request
/// headers, hyper-util's builder can: a client that opens a connection and trickles (or never
/// finishes) its headers is cut off after `read_timeout` (slowloris). Bodies are timed by
/// `cross_origin::read_body_in_time`.
async fn serve(
    listener: TcpListener,
    router: axum::Router,
    read_timeout: Duration,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    use hyper_util::service::TowerToHyperService;
    use tower::ServiceExt;

    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(read_timeout);
    builder.http2().timer(TokioTimer::new()).keep_alive_interval(Some(Duration::from_secs(20)));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                // Out of file descriptors and the like: pause rather than spin.
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        // Client addresses feed the per-client limits (`client_addr`).
        // The address goes into each request's extensions. (`Router::layer` here would wrap
        // every route again for each connection: about 140 KiB held per open connection.)
        let service = router.clone().map_request(move |r: axum::http::Request<hyper::body::Incoming>| {
            let mut r = r.map(axum::body::Body::new);
            r.extensions_mut().insert(axum::extract::ConnectInfo(peer));
            r
        });
        let connection =
            builder.serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection.into_owned());
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await.is_err() {
        tracing::warn!(grace = ?SHUTDOWN_GRACE, "requests still open after the shutdown grace period were cut off");
    }
    Ok(())
}

/// The webhook format of every platform configured: HangHut always, the others when their
/// secret (or URL token) is set.
fn webhook_formats(
    config: &Config,
    hanghut_secret: SecretString,
    ticketwave: Option<Arc<dyn WebhookFormat>>,
) -> HashMap<Platform, Arc<dyn WebhookFormat>> {
    let mut formats: HashMap<Platform, Arc<dyn WebhookFormat>> = HashMap::new();
    let mut add = |format: Arc<dyn WebhookFormat>| {
        formats.insert(format.platform(), format);
    };
    add(Arc::new(providers::hanghut::HangHutWebhooks::new(hanghut_secret)));
    if let Some(format) = ticketwave {
        add(format);
    }
    let p = &config.platforms;
    if let Some(v) = &p.vivenu {
        add(Arc::new(
            providers::vivenu::VivenuWebhooks::new(v.hmac_key.clone(), v.ignore_dev).with_currency(v.currency),
        ));
    }
    if let Some(i) = &p.ingresse {
        add(Arc::new(providers::ingresse::IngresseWebhooks::new(i.token.clone(), i.currency)));
    }
    if let Some(t) = &p.tixel {
        add(Arc::new(providers::tixel::TixelWebhooks::new(t.token.clone())));
    }
    formats
}

/// Starts the embedded sandbox on `ip` (a free port) with a fresh key, over the data
/// directory's sandbox database, and a client for it.
async fn start_sandbox(
    config: &Config,
    ip: std::net::IpAddr,
    webhook: Option<WebhookTarget>,
    redis: Option<&RedisLink>,
) -> Result<(HangHutClient, RunningSandbox, SecretString), StartupError> {
    let key = config
        .sandbox_api_key
        .clone()
        .unwrap_or_else(|| SecretString::from(format!("hh_live_sandbox_{}", uuid::Uuid::new_v4().simple())));
    let mut sandbox_config = SandboxConfig::new(config.data_dir.join("sandbox.sqlite"), key.expose_secret().to_owned());
    sandbox_config.rate_limit = config.sandbox_rate_limit;
    sandbox_config.checkout_ttl = config.sandbox_checkout_ttl;
    sandbox_config.webhooks.extend(webhook);
    let listener = TcpListener::bind((ip, 0)).await?;
    let sandbox =
        RunningSandbox::start(sandbox_config, listener).await.map_err(|e| StartupError::Sandbox(e.to_string()))?;
    let base = reqwest::Url::parse(&sandbox.base_url()).map_err(|e| StartupError::Sandbox(e.to_string()))?;
    let client = HangHutClient::new(
        &base,
        key.clone(),
        config.hanghut_currency,
        config.upstream_timeout,
        upstream_budget(config, &key, redis),
    );
    Ok((client, sandbox, key))
}

/// The budget of calls to HangHut: this proxy's own, or with Redis the one all proxies on the
/// same API key share (named by a hash of the key, which says nothing of the key itself).
fn upstream_budget(config: &Config, api_key: &SecretString, redis: Option<&RedisLink>) -> Budget {
    match redis {
        None => Budget::per_minute(config.upstream_per_minute),
        Some(link) => {
            use sha2::Digest;
            let hash = sha2::Sha256::digest(api_key.expose_secret().as_bytes());
            let name = format!("hanghut:{}", &hex::encode(hash)[..16]);
            Budget::shared(config.upstream_per_minute, &name, link.clone())
        }
    }
}

/// What the proxy's admin commands (`tessera-proxy promo create`) work with: the upstream
/// and the store, without serving anything. With the sandbox upstream, a sandbox is started
/// over the same database the demo uses, for as long as the command runs.
pub struct Admin {
    pub client: HangHutClient,
    pub store: Store,
    sandbox: Option<RunningSandbox>,
}

impl Admin {
    pub async fn open(config: &Config) -> Result<Self, StartupError> {
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|source| StartupError::DataDir { dir: config.data_dir.display().to_string(), source })?;
        let store = Store::open(&config.data_dir.join("proxy.sqlite"))?;
        Ok(match &config.upstream {
            Upstream::HangHut { base_url, api_key } => Admin {
                client: HangHutClient::new(
                    base_url,
                    api_key.clone(),
                    config.hanghut_currency,
                    config.upstream_timeout,
                    Budget::per_minute(config.upstream_per_minute),
                ),
                store,
                sandbox: None,
            },
            Upstream::Sandbox => {
                let (client, sandbox, _) = start_sandbox(config, [127, 0, 0, 1].into(), None, None).await?;
                Admin { client, store, sandbox: Some(sandbox) }
            }
        })
    }

    pub async fn close(self) {
        if let Some(sandbox) = self.sandbox {
            let _ = tokio::time::timeout(Duration::from_secs(5), sandbox.shutdown()).await;
        }
    }
}
