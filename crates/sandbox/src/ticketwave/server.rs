//! Start-up and shutdown: the state built once from the configuration, the routes, and a
//! running TicketWave sandbox (HTTP server plus webhook sender) on its own port.

use super::auth::{self, Tokens};
use super::config::TicketWaveConfig;
use super::error::TwError;
use super::limits::{self, Class, Limits};
use super::store::Store;
use super::{event_changes, events, orders, scan, seed, sender, webhooks};
use crate::error::{Result, SandboxError};
use crate::serving::{origin_of, serve_until_stopped, stop_tasks};
use axum::routing::{get, post};
use axum::Router;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

#[derive(Clone)]
pub(crate) struct TwState(Arc<Inner>);

struct Inner {
    store: Store,
    config: TicketWaveConfig,
    tokens: Tokens,
    limits: Mutex<Limits>,
    wake: Arc<Notify>,
}

impl TwState {
    /// Opens (creating and seeding if empty) the database and applies the configured webhook.
    /// Blocking: call it outside the async runtime's workers.
    fn open(config: TicketWaveConfig) -> Result<TwState> {
        config.validate()?;
        let store = Store::open(config.db_path.as_deref())?;
        store
            .blocking(|c| {
                if seed::insert_if_empty(c)? {
                    tracing::info!("seeded an empty TicketWave sandbox with the demo events");
                }
                if let Some(target) = &config.webhook {
                    webhooks::configure_at_start(c, target)?;
                }
                sender::resume_pending(c, super::now())?;
                Ok(())
            })
            .map_err(|e: TwError| SandboxError::Internal(e.to_string()))?;
        let secret = config.jwt_secret.clone().unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
        Ok(TwState(Arc::new(Inner {
            store,
            tokens: Tokens::new(secret.as_bytes(), config.token_ttl),
            limits: Mutex::new(Limits::new(
                config.admin_limit,
                config.scanner_limit,
                config.public_limit,
                config.rate_window,
            )),
            config,
            wake: Arc::new(Notify::new()),
        })))
    }

    pub(crate) fn store(&self) -> &Store {
        &self.0.store
    }

    pub(crate) fn config(&self) -> &TicketWaveConfig {
        &self.0.config
    }

    pub(crate) fn tokens(&self) -> &Tokens {
        &self.0.tokens
    }

    pub(crate) fn limits(&self) -> MutexGuard<'_, Limits> {
        self.0.limits.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn limit_of(&self, class: Class) -> u32 {
        let c = &self.0.config;
        match class {
            Class::Admin => c.admin_limit,
            Class::Scanner => c.scanner_limit,
            Class::Public => c.public_limit,
        }
    }

    /// A delivery was queued: send it now rather than at the next poll.
    pub(crate) fn wake_sender(&self) {
        self.0.wake.notify_one();
    }
}

fn router(state: TwState) -> Router {
    Router::new()
        .route("/api/auth/login", post(auth::login))
        .route("/api/admin/events", get(events::list).post(event_changes::create))
        .route("/api/admin/events/{id}", get(events::get).put(event_changes::update).delete(event_changes::delete))
        .route("/api/admin/events/{id}/cancel", post(event_changes::cancel))
        .route("/api/admin/orders/{id}", get(orders::get))
        .route("/api/admin/orders/{id}/refund", post(orders::refund))
        .route("/api/admin/webhooks/config", get(webhooks::get_config).put(webhooks::put_config))
        .route("/api/scan", post(scan::scan))
        .route("/sandbox/orders", post(orders::create))
        .route("/sandbox/revoke-tokens", post(auth::revoke_tokens))
        .fallback(|| async { TwError::NotFound("Not found") })
        .layer(axum::middleware::from_fn_with_state(state.clone(), limits::gate))
        .with_state(state)
}

pub struct RunningTicketWave {
    origin: String,
    stop: watch::Sender<bool>,
    server: JoinHandle<()>,
    sender: JoinHandle<()>,
}

impl RunningTicketWave {
    /// Serves on an already-bound listener (tests bind 127.0.0.1:0). Spawns the server and the
    /// webhook sender on the current tokio runtime.
    pub async fn start(config: TicketWaveConfig, listener: tokio::net::TcpListener) -> Result<RunningTicketWave> {
        let origin = origin_of(listener.local_addr()?);
        let retry_base = config.webhook_retry_base;
        let state = tokio::task::spawn_blocking(move || TwState::open(config))
            .await
            .map_err(|e| SandboxError::Internal(format!("start-up task failed: {e}")))??;
        let (stop, stopped) = watch::channel(false);
        let sender = tokio::spawn(crate::webhook_sender::run(
            state.store().clone(),
            concat!("tessera-sandbox-ticketwave/", env!("CARGO_PKG_VERSION")),
            state.0.wake.clone(),
            retry_base,
            stopped.clone(),
        ));
        let server = serve_until_stopped(listener, router(state), stopped, "TicketWave");
        tracing::info!(%origin, "TicketWave sandbox listening");
        Ok(RunningTicketWave { origin, stop, server, sender })
    }

    /// The API base, like the document's `https://www.ticketwavehq.com` (paths start `/api/`).
    pub fn base_url(&self) -> String {
        self.origin.clone()
    }

    /// Stops accepting requests, lets open ones finish (up to a few seconds), and stops the
    /// webhook sender. Undelivered webhooks stay in a file database for the next start.
    pub async fn shutdown(self) {
        stop_tasks(&self.stop, [self.server, self.sender]).await;
    }
}

/// Binds `config.listen` and starts a TicketWave sandbox there.
pub async fn start(config: TicketWaveConfig) -> Result<RunningTicketWave> {
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    RunningTicketWave::start(config, listener).await
}
