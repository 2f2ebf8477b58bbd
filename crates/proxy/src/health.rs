//! `GET /livez` and `GET /readyz`, for a load balancer or an orchestrator.
//!
//! Live: the process answers requests (restart it if not). Ready: it can serve buyers (send
//! it traffic if so): its database takes writes, since a webhook is written there before the
//! platform gets its 2xx, and the platform answers or the catalogue has copies to show in
//! the meantime. Neither asks the platform anything.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde::Serialize;

use crate::catalogue::PlatformHealth;
use crate::routes::AppState;

/// What `/readyz` found, check by check.
#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Readiness {
    pub ready: bool,
    /// "ok", or what failed (without detail that could carry a path or a secret).
    pub storage: &'static str,
    /// "answering", "serving the last copies" or "down".
    pub platform: &'static str,
    /// "ok" or "down", when the proxy shares a Redis with others.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redis: Option<&'static str>,
}

impl Readiness {
    /// `redis`: whether the shared Redis answers, when there is one. Without it this proxy
    /// still serves, but alone (its share of the budget, its own viewers): not what the
    /// balancer was set up for, so it is taken out until Redis is back.
    pub fn of(storage_ok: bool, platform: PlatformHealth, redis: Option<bool>) -> Self {
        let platform_ok = platform != PlatformHealth::Down;
        Readiness {
            ready: storage_ok && platform_ok && redis != Some(false),
            redis: redis.map(|up| if up { "ok" } else { "down" }),
            storage: if storage_ok { "ok" } else { "not writable" },
            platform: match platform {
                PlatformHealth::Answering => "answering",
                PlatformHealth::ServingCopies => "serving the last copies",
                PlatformHealth::Down => "down",
            },
        }
    }
}

pub async fn livez() -> &'static str {
    "ok"
}

pub async fn readyz(State(app): State<AppState>) -> impl IntoResponse {
    let storage = app.store.check_writable().await;
    if let Err(e) = &storage {
        tracing::warn!(error = %e, "readiness: the database does not take writes");
    }
    let redis = app.redis.as_ref().map(crate::redis_link::RedisLink::is_up);
    let readiness = Readiness::of(storage.is_ok(), app.catalogue.health().await, redis);
    let status = if readiness.ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(readiness))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_while_the_database_writes_and_buyers_get_something() {
        assert!(Readiness::of(true, PlatformHealth::Answering, None).ready);
        assert!(Readiness::of(true, PlatformHealth::ServingCopies, None).ready, "stale copies still serve buyers");
        assert!(!Readiness::of(true, PlatformHealth::Down, None).ready);
        assert!(!Readiness::of(false, PlatformHealth::Answering, None).ready, "webhooks could not be taken");
        assert!(Readiness::of(true, PlatformHealth::Answering, Some(true)).ready);
        assert!(!Readiness::of(true, PlatformHealth::Answering, Some(false)).ready, "alone, not shared");
    }
}
