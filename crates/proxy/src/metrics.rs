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

use metrics::{counter, describe_counter, describe_gauge, gauge, Counter, Gauge};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle, PrometheusRecorder};
use std::sync::Arc;

/// SSE streams open on this proxy right now, across all events.
pub const LIVE_VIEWERS: &str = "tessera_live_viewers";

/// Requests answered, by route (its pattern, not the path: ids would make a series each) and status.
pub const HTTP_REQUESTS: &str = "tessera_http_requests_total";
/// Webhook deliveries written to the inbox and not yet applied.
pub const INBOX_PENDING: &str = "tessera_inbox_pending";
/// 1 while the shared Redis answers, 0 while it does not (absent without Redis).
pub const REDIS_UP: &str = "tessera_redis_up";
/// Calls made to the platform, by what it answered (`ok`, `rate_limited` for a 429, …).
pub const UPSTREAM_CALLS: &str = "tessera_upstream_calls_total";
/// Calls the budget did not let out (the catalogue served a copy instead, or the buyer was
/// told to retry): how often the budget is the limit.
pub const BUDGET_REFUSED: &str = "tessera_upstream_budget_refused_total";
/// The platform calls a minute all proxies on this key may make together.
pub const BUDGET_PER_MINUTE: &str = "tessera_upstream_budget_per_minute";
/// Catalogue reads by what answered them: this proxy's cache, a copy shared by another proxy
/// (Redis), the platform, or a stale copy while the platform could not be had.
pub const CATALOGUE_READS: &str = "tessera_catalogue_reads_total";
/// Catalogue fetches with Redis, by who asked the platform: another proxy (`shared`, no call
/// from here) or this one (`upstream`).
pub const SHARED_READS: &str = "tessera_shared_reads_total";
/// Webhook deliveries received, by platform and outcome.
pub const WEBHOOKS: &str = "tessera_webhook_deliveries_total";

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
    budget_refused: Counter,
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
        let (live_viewers, inbox_pending, budget_refused) = metrics::with_local_recorder(recorder.as_ref(), || {
            describe_gauge!(LIVE_VIEWERS, "Live availability streams (SSE) open on this proxy, across events.");
            describe_gauge!(INBOX_PENDING, "Webhook deliveries taken (answered 2xx) and not yet applied.");
            describe_counter!(HTTP_REQUESTS, "Requests answered, by route pattern and status.");
            describe_counter!(UPSTREAM_CALLS, "Calls this proxy made to the platform, by outcome.");
            describe_counter!(BUDGET_REFUSED, "Platform calls the shared budget did not let out.");
            describe_gauge!(BUDGET_PER_MINUTE, "Platform calls a minute all proxies on this key may make together.");
            describe_counter!(CATALOGUE_READS, "Catalogue reads by what answered: cache, shared, upstream, stale.");
            describe_counter!(
                SHARED_READS,
                "Catalogue fetches with Redis: a copy another proxy read, or a call from here."
            );
            describe_counter!(WEBHOOKS, "Webhook deliveries received, by platform and outcome.");
            (gauge!(LIVE_VIEWERS), gauge!(INBOX_PENDING), counter!(BUDGET_REFUSED))
        });
        Metrics { recorder, handle, live_viewers, inbox_pending, budget_refused }
    }

    /// The inbox's unapplied deliveries, as just counted.
    pub fn set_inbox_pending(&self, n: usize) {
        self.inbox_pending.set(n as f64);
    }

    /// One platform call answered `outcome` (`ok`, `rate_limited`, `server_error`,
    /// `client_error`, `unreachable`).
    pub fn upstream_call(&self, outcome: &'static str) {
        self.register(|| counter!(UPSTREAM_CALLS, "outcome" => outcome).increment(1));
    }

    /// The budget held a call back.
    pub fn budget_refused(&self) {
        self.budget_refused.increment(1);
    }

    /// The budget all proxies share, per minute.
    pub fn set_budget(&self, per_minute: u32) {
        self.register(|| gauge!(BUDGET_PER_MINUTE).set(f64::from(per_minute)));
    }

    /// One catalogue read of `what` (`event`, `page`) answered by `source`.
    pub fn catalogue_read(&self, what: &'static str, source: &'static str) {
        self.register(|| counter!(CATALOGUE_READS, "what" => what, "source" => source).increment(1));
    }

    /// One fetch through Redis answered by `source` (`shared`, `upstream`).
    pub fn shared_read(&self, source: &'static str) {
        self.register(|| counter!(SHARED_READS, "source" => source).increment(1));
    }

    /// One webhook delivery from `platform` with `outcome` (`new`, `duplicate`, `ignored`,
    /// `unauthorized`, `unreadable`, `failed`).
    pub fn webhook(&self, platform: &'static str, outcome: &'static str) {
        self.register(|| counter!(WEBHOOKS, "platform" => platform, "outcome" => outcome).increment(1));
    }

    /// Whether Redis answers now.
    pub fn set_redis_up(&self, up: bool) {
        let gauge = self.register(|| {
            describe_gauge!(REDIS_UP, "Whether the Redis this proxy shares with others answers (1) or not (0).");
            gauge!(REDIS_UP)
        });
        gauge.set(if up { 1.0 } else { 0.0 });
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
