//! `GET /metrics` and the middleware that counts requests by route (`crate::metrics` holds
//! the registry).

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use crate::metrics::CONTENT_TYPE;

/// `GET /metrics`. Figures that live elsewhere (the inbox in the database) are read now.
pub async fn endpoint(State(app): State<AppState>) -> impl IntoResponse {
    if let Some(redis) = &app.redis {
        app.metrics.set_redis_up(redis.is_up());
    }
    match app.store.unapplied_deliveries().await {
        Ok(pending) => app.metrics.set_inbox_pending(pending.len()),
        Err(e) => tracing::warn!(error = %e, "metrics: the inbox could not be read"),
    }
    ([(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE))], app.metrics.render())
}

/// Counts every request that matched a route, under the route's pattern and its status.
pub async fn count_requests(
    State(app): State<AppState>,
    route: Option<MatchedPath>,
    request: Request,
    next: Next,
) -> Response {
    let route = route.map(|r| r.as_str().to_owned());
    let response = next.run(request).await;
    if let Some(route) = route {
        app.metrics.request(&route, response.status().as_u16());
    }
    response
}
