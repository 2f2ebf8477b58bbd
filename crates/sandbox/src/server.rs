//! Start-up and shutdown: the shared state built once from the configuration, and a running
//! sandbox (HTTP server plus webhook sender) on a listener the caller bound.

use crate::config::SandboxConfig;
use crate::db::Db;
use crate::error::{Result, SandboxError};
use crate::rate_limit::SlidingWindowLog;
use crate::serving::{origin_of, serve_until_stopped, stop_tasks};
use crate::{clock, outbox, routes, seed, webhook_sender, webhooks};
use std::sync::{Arc, Mutex};
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

/// Everything a request handler needs, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub(crate) db: Db,
    pub(crate) config: Arc<SandboxConfig>,
    origin: Arc<str>,
    pub(crate) limiter: Arc<Mutex<SlidingWindowLog>>,
    webhook_wake: Arc<Notify>,
}

impl AppState {
    /// Opens (creating and seeding if empty) the database and registers the configured
    /// webhook endpoints. `origin` is where the hosted checkout pages are served
    /// (`http://127.0.0.1:4010`). Blocking: call it outside the async runtime's workers.
    pub fn open(config: SandboxConfig, origin: impl Into<String>) -> Result<AppState> {
        config.validate()?;
        let db = Db::open(&config.db_path)?;
        let now = clock::now();
        db.blocking(|c| {
            if seed::insert_if_empty(c, now)? {
                tracing::info!("seeded an empty sandbox database with the demo catalogue");
            }
            webhooks::sync_configured(c, &config.webhooks, now)?;
            let resumed = outbox::resume_pending(c, now)?;
            if resumed > 0 {
                tracing::info!(resumed, "resuming pending webhook deliveries");
            }
            Ok(())
        })?;
        let origin: String = origin.into();
        Ok(AppState {
            db,
            limiter: Arc::new(Mutex::new(SlidingWindowLog::new(config.rate_limit, config.rate_window))),
            config: Arc::new(config),
            origin: origin.trim_end_matches('/').into(),
            webhook_wake: Arc::new(Notify::new()),
        })
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Tells the sender a delivery was queued, so it goes out now rather than at the next poll.
    pub(crate) fn wake_webhook_sender(&self) {
        self.webhook_wake.notify_one();
    }

    pub(crate) fn webhook_wake(&self) -> Arc<Notify> {
        self.webhook_wake.clone()
    }
}

pub struct RunningSandbox {
    origin: String,
    stop: watch::Sender<bool>,
    server: JoinHandle<()>,
    sender: JoinHandle<()>,
}

impl RunningSandbox {
    /// Serves on an already-bound listener (tests bind 127.0.0.1:0). Spawns the server and the
    /// webhook sender on the current tokio runtime.
    pub async fn start(config: SandboxConfig, listener: tokio::net::TcpListener) -> Result<RunningSandbox> {
        let origin = origin_of(listener.local_addr()?);
        let state_origin = origin.clone();
        let state = tokio::task::spawn_blocking(move || AppState::open(config, state_origin))
            .await
            .map_err(|e| SandboxError::Internal(format!("start-up task failed: {e}")))??;
        let (stop, stopped) = watch::channel(false);

        let sender = tokio::spawn(webhook_sender::run(
            state.db.clone(),
            concat!("tessera-sandbox/", env!("CARGO_PKG_VERSION")),
            state.webhook_wake(),
            state.config.webhook_retry_base,
            stopped.clone(),
        ));
        let server = serve_until_stopped(listener, routes::router(state), stopped, "HangHut");
        tracing::info!(%origin, "sandbox listening");
        Ok(RunningSandbox { origin, stop, server, sender })
    }

    /// The API base, like `https://api.hanghut.com/v1`.
    pub fn base_url(&self) -> String {
        format!("{}/v1", self.origin)
    }

    pub fn origin(&self) -> String {
        self.origin.clone()
    }

    /// Stops accepting requests, lets open ones finish (up to a few seconds), and stops the
    /// webhook sender. Undelivered webhooks stay in the database for the next start.
    pub async fn shutdown(self) {
        stop_tasks(&self.stop, [self.server, self.sender]).await;
    }
}
