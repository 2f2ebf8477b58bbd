//! `GET /metrics`: this proxy's figures in Prometheus's text format, for a scraper.
//!
//! Recorded with the `metrics` facade into a Prometheus registry (`metrics-exporter-prometheus`,
//! rendered here rather than by the exporter's own listener). Each proxy has a registry of its
//! own instead of the process-wide recorder, so several proxies in one process (the test
//! suite's, an embedder's) each report their own counts: a metric is registered once, in
//! `Metrics::new`, and its handle is kept here and counted through wherever it happens.
//!
//! To add one: a name constant, a handle field registered in `new` (with `describe_*`), and a
//! method the counting code calls. A histogram also needs `PrometheusHandle::run_upkeep` now
//! and then (the exporter's own listener would do it); gauges and counters do not.

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics::{counter, describe_counter, describe_gauge, gauge, Gauge};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle, PrometheusRecorder};
use std::sync::Arc;

use crate::routes::AppState;

/// SSE streams open on this proxy right now, across all events.
pub const LIVE_VIEWERS: &str = "tessera_live_viewers";

/// Requests answered, by route (its pattern, not the path: ids would make a series each) and status.
pub const HTTP_REQUESTS: &str = "tessera_http_requests_total";
/// Webhook deliveries written to the inbox and not yet applied.
pub const INBOX_PENDING: &str = "tessera_inbox_pending";
/// 1 while the shared Redis answers, 0 while it does not (absent without Redis).
pub const REDIS_UP: &str = "tessera_redis_up";

/// The Content-Type of Prometheus's text exposition format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// This proxy's registry and the handles of its metrics. Cheap to clone; clones count into the
/// same registry.
#[derive(Clone)]
pub struct Metrics {
    recorder: Arc<PrometheusRecorder>,
    handle: PrometheusHandle,
    live_viewers: Gauge,
    inbox_pending: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let recorder = Arc::new(PrometheusBuilder::new().build_recorder());
        let handle = recorder.handle();
        let (live_viewers, inbox_pending) = metrics::with_local_recorder(recorder.as_ref(), || {
            describe_gauge!(LIVE_VIEWERS, "Live availability streams (SSE) open on this proxy, across events.");
            describe_gauge!(INBOX_PENDING, "Webhook deliveries taken (answered 2xx) and not yet applied.");
            describe_counter!(HTTP_REQUESTS, "Requests answered, by route pattern and status.");
            (gauge!(LIVE_VIEWERS), gauge!(INBOX_PENDING))
        });
        Metrics { recorder, handle, live_viewers, inbox_pending }
    }

    /// Runs `f` with this proxy's registry as the recorder, so the `metrics` macros in it
    /// (`counter!`, `describe_counter!`, …) register there; keep the handles they return.
    pub fn register<T>(&self, f: impl FnOnce() -> T) -> T {
        metrics::with_local_recorder(self.recorder.as_ref(), f)
    }

    /// Counts one open live stream until the guard is dropped (the stream ended, whatever the
    /// reason: the viewer left, the proxy is shutting down).
    pub fn live_viewer(&self) -> LiveViewer {
        self.live_viewers.increment(1.0);
        LiveViewer(self.live_viewers.clone())
    }

    /// One request answered on `route` (a pattern such as `/api/v1/events/{id}`) with `status`.
    pub fn request(&self, route: &str, status: u16) {
        self.register(|| {
            counter!(HTTP_REQUESTS, "route" => route.to_owned(), "status" => status.to_string()).increment(1)
        });
    }

    /// Every metric, in Prometheus's text format.
    pub fn render(&self) -> String {
        self.handle.render()
    }
}

/// One open live stream, counted in `tessera_live_viewers` while it lives.
#[must_use = "the viewer is counted only while this is kept"]
pub struct LiveViewer(Gauge);

impl Drop for LiveViewer {
    fn drop(&mut self) {
        self.0.decrement(1.0);
    }
}

/// `GET /metrics`. Figures that live elsewhere (the inbox in the database) are read now.
pub async fn endpoint(State(app): State<AppState>) -> impl IntoResponse {
    if let Some(redis) = &app.redis {
        let up = app.metrics.register(|| {
            describe_gauge!(REDIS_UP, "Whether the Redis this proxy shares with others answers (1) or not (0).");
            gauge!(REDIS_UP)
        });
        up.set(if redis.is_up() { 1.0 } else { 0.0 });
    }
    match app.store.unapplied_deliveries().await {
        Ok(pending) => app.metrics.inbox_pending.set(pending.len() as f64),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The value of an unlabelled metric in `text`.
    fn value(text: &str, name: &str) -> Option<f64> {
        text.lines().find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
    }

    #[test]
    fn viewers_are_counted_while_their_guards_live_and_each_proxy_counts_its_own() {
        let (a, b) = (Metrics::new(), Metrics::new());
        assert_eq!(value(&a.render(), LIVE_VIEWERS), Some(0.0), "{}", a.render());
        let first = a.live_viewer();
        let second = a.clone().live_viewer();
        let other = b.live_viewer();
        assert_eq!(value(&a.render(), LIVE_VIEWERS), Some(2.0));
        assert_eq!(value(&b.render(), LIVE_VIEWERS), Some(1.0));
        drop(first);
        drop(other);
        assert_eq!(value(&a.render(), LIVE_VIEWERS), Some(1.0));
        assert_eq!(value(&b.render(), LIVE_VIEWERS), Some(0.0));
        drop(second);
        let text = a.render();
        assert_eq!(value(&text, LIVE_VIEWERS), Some(0.0));
        assert!(text.contains(&format!("# TYPE {LIVE_VIEWERS} gauge")), "{text}");
        assert!(text.contains(&format!("# HELP {LIVE_VIEWERS} ")), "{text}");
    }

    #[test]
    fn further_metrics_register_in_the_same_registry() {
        let m = Metrics::new();
        let counter = m.register(|| metrics::counter!("tessera_test_total"));
        counter.increment(3);
        assert_eq!(value(&m.render(), "tessera_test_total"), Some(3.0), "{}", m.render());
        assert_eq!(value(&Metrics::new().render(), "tessera_test_total"), None);
    }
}
