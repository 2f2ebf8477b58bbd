//! Live availability and degraded upstreams: the SSE stream, resuming it, webhooks in any
//! order, and what buyers get while the platform is down.

use serde_json::{json, Value};
use std::time::Duration;
use tessera_proxy::webhook::sign;
use tessera_sandbox::seed::{JAZZ_GA, JAZZ_NIGHT};

use crate::helpers::*;

/// Reads an SSE response until one `availability` event arrives (heartbeats skipped).
pub struct Stream {
    response: reqwest::Response,
    buffer: String,
}

impl Stream {
    async fn open(app: &TestApp, last_event_id: Option<&str>) -> Stream {
        Stream::open_at(&app.http, &app.url, last_event_id).await
    }

    /// The Jazz Night stream of the proxy at `url`.
    pub async fn open_at(http: &reqwest::Client, url: &str, last_event_id: Option<&str>) -> Stream {
        let mut r = http.get(format!("{url}/api/v1/events/{JAZZ_NIGHT}/live"));
        if let Some(id) = last_event_id {
            r = r.header("Last-Event-ID", id);
        }
        let response = r.send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        Stream { response, buffer: String::new() }
    }

    /// `(id, snapshot)` of the next availability event, or `None` after `within`.
    pub async fn next(&mut self, within: Duration) -> Option<(String, Value)> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let field = |name: &str| {
                    block.lines().find_map(|l| l.strip_prefix(&format!("{name}:")).map(|v| v.trim().to_owned()))
                };
                if field("event").as_deref() == Some("availability") {
                    return Some((field("id").unwrap(), serde_json::from_str(&field("data").unwrap()).unwrap()));
                }
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk()).await.ok()?.unwrap()?;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
}

pub fn ga(snapshot: &Value) -> i64 {
    snapshot["tiers"].as_array().unwrap().iter().find(|t| t["id"] == JAZZ_GA).unwrap()["available"].as_i64().unwrap()
}

#[tokio::test]
async fn a_sale_reaches_every_open_stream_with_a_new_version() {
    let app = spawn_app().await;
    let mut a = Stream::open(&app, None).await;
    let mut b = Stream::open(&app, None).await;
    let (id_a, first) = a.next(Duration::from_secs(2)).await.expect("the current state on connect");
    let (id_b, _) = b.next(Duration::from_secs(2)).await.unwrap();
    assert_eq!(id_a, id_b, "one shared feed");
    let before = ga(&first);

    let (status, _) = app.post_json("/api/v1/checkout", &checkout_body(JAZZ_NIGHT, JAZZ_GA, 3)).await;
    assert_eq!(status, 201);
    for stream in [&mut a, &mut b] {
        let (id, next) = stream.next(Duration::from_secs(2)).await.expect("the held seats are pushed");
        assert_ne!(id, id_a);
        assert_eq!(ga(&next), before - 3);
    }
}

#[tokio::test]
async fn a_resumed_stream_gets_only_what_it_has_not_seen() {
    let app = spawn_app().await;
    let mut first = Stream::open(&app, None).await;
    let (seen, snapshot) = first.next(Duration::from_secs(2)).await.unwrap();
    drop(first);

    let mut resumed = Stream::open(&app, Some(&seen)).await;
    assert!(resumed.next(Duration::from_millis(500)).await.is_none(), "nothing new, nothing sent");
    app.post_json("/api/v1/checkout", &checkout_body(JAZZ_NIGHT, JAZZ_GA, 1)).await;
    let (id, next) = resumed.next(Duration::from_secs(2)).await.expect("the change after resuming");
    assert_ne!(id, seen);
    assert_eq!(ga(&next), ga(&snapshot) - 1);

    let mut stale_id = Stream::open(&app, Some("0-0")).await;
    assert_eq!(stale_id.next(Duration::from_secs(2)).await.unwrap().0, id, "an unknown id gets the current state");
}

#[tokio::test]
async fn webhooks_in_any_order_end_at_the_platforms_numbers() {
    let app = spawn_app_with(|c| c.event_ttl = Duration::from_secs(600)).await;
    let upstream_before = app.upstream_available(JAZZ_NIGHT, JAZZ_GA).await;
    // A sale on the platform whose refund webhook is delivered before its purchase webhook.
    app.buy_upstream(JAZZ_NIGHT, JAZZ_GA, 1).await;
    let delivery = |id: &str, kind: &str| {
        json!({"id": id, "type": kind, "created_at": "2026-11-23T10:00:00Z",
               "data": {"ticket_id": "t-1", "event_id": JAZZ_NIGHT, "amount": 1000}})
        .to_string()
    };
    for body in [delivery("evt_ooo_refund", "ticket.refunded"), delivery("evt_ooo_purchase", "ticket.purchased")] {
        let r = app
            .http
            .post(format!("{}/webhooks/hanghut", app.url))
            .header("X-HangHut-Signature", sign(WEBHOOK_SECRET.as_bytes(), body.as_bytes()))
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
    }
    let upstream_now = app.upstream_available(JAZZ_NIGHT, JAZZ_GA).await;
    assert_eq!(upstream_now, upstream_before - 1);
    let settled =
        eventually(Duration::from_secs(3), async || app.shown_available(JAZZ_NIGHT, JAZZ_GA).await == upstream_now)
            .await;
    assert!(settled, "the proxy reconciles with the platform, whatever the order of delivery");
}

#[tokio::test]
async fn while_the_platform_is_down_buyers_see_the_last_counts_and_checkout_fails_fast() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = start_sandbox(dir.path(), "hh_live_down_test_key").await;
    let (url, _data) = spawn_app_against(&sandbox.base_url(), "hh_live_down_test_key").await;
    let http = no_redirects();
    let event_url = format!("{url}/api/v1/events/{JAZZ_NIGHT}");
    let fresh: Value = http.get(&event_url).send().await.unwrap().json().await.unwrap();
    assert!(fresh.get("stale").is_none(), "{fresh}");

    sandbox.shutdown().await;
    // Past the 2 s cache and the revalidation window, so the proxy must ask the platform.
    tokio::time::sleep(Duration::from_secs(13)).await;
    let r = http.get(&event_url).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let stale: Value = r.json().await.unwrap();
    assert_eq!(stale["stale"], true, "{stale}");
    assert_eq!(stale["tiers"], fresh["tiers"]);

    let started = std::time::Instant::now();
    let r =
        http.post(format!("{url}/api/v1/checkout")).json(&checkout_body(JAZZ_NIGHT, JAZZ_GA, 1)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 503);
    assert!(started.elapsed() < Duration::from_secs(3), "fails fast: {:?}", started.elapsed());
    let body: Value = r.json().await.unwrap();
    assert_error(503, &body, 503, "platform_down");
}

#[tokio::test]
async fn a_platform_429_is_honoured_and_buyers_keep_seeing_the_last_counts() {
    // The platform allows one call: the event read. The checkout's create is refused.
    let app = spawn_app_with(|c| c.sandbox_rate_limit = 1).await;
    let (status, _) = app.get(&format!("/api/v1/events/{JAZZ_NIGHT}")).await;
    assert_eq!(status, 200);
    let r = app
        .http
        .post(format!("{}/api/v1/checkout", app.url))
        .json(&checkout_body(JAZZ_NIGHT, JAZZ_GA, 1))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 503, "the platform's 429 becomes 'busy, come back later'");
    let wait: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=72).contains(&wait), "the platform's Retry-After (≤ 60 s) plus jitter: {wait}");
    let body: Value = r.json().await.unwrap();
    assert_error(503, &body, 503, "platform_busy");

    // Until then the proxy does not ask again; the event is served from its last copy.
    let started = std::time::Instant::now();
    let (status, body) = app.get(&format!("/api/v1/events/{JAZZ_NIGHT}")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["stale"], true);
    assert!(started.elapsed() < Duration::from_millis(500), "answered without waiting on the platform");
}

#[tokio::test]
async fn an_open_stream_hears_when_the_platform_stops_answering_and_when_it_is_back() {
    let (app, recorder) = spawn_app_via_recorder(|c| c.event_ttl = Duration::from_millis(300)).await;
    let mut stream = Stream::open(&app, None).await;
    let (_, first) = stream.next(Duration::from_secs(2)).await.expect("the current state on connect");
    assert!(first.get("stale").is_none(), "{first}");

    recorder.set_fault(Fault::ServerErrors);
    // A buyer's read after the cache's TTL finds the platform failing.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let (status, _) = app.get(&format!("/api/v1/events/{JAZZ_NIGHT}")).await;
    assert_eq!(status, 200);
    let (_, stale) = stream.next(Duration::from_secs(5)).await.expect("the open stream is told");
    assert_eq!(stale["stale"], true, "{stale}");
    assert_eq!(stale["tiers"], first["tiers"], "the last counts, kept");

    recorder.set_fault(Fault::None);
    // Nobody else reads: the proxy's own probes find the platform back.
    let (_, fresh) = stream.next(Duration::from_secs(15)).await.expect("told the counts are fresh again");
    assert!(fresh.get("stale").is_none(), "{fresh}");
}

/// `tessera_live_viewers` as the proxy's `GET /metrics` gives it.
async fn live_viewers(app: &TestApp) -> Option<f64> {
    let r = app.http.get(format!("{}/metrics", app.url)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let content_type = r.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("text/plain; version=0.0.4"), "{content_type}");
    let text = r.text().await.unwrap();
    text.lines().find_map(|l| l.strip_prefix("tessera_live_viewers ")?.trim().parse().ok())
}

#[tokio::test]
async fn metrics_count_the_open_live_streams_until_their_viewers_leave() {
    let app = spawn_app().await;
    assert_eq!(live_viewers(&app).await, Some(0.0), "no stream yet");
    let mut streams = Vec::new();
    for _ in 0..3 {
        let mut stream = Stream::open(&app, None).await;
        stream.next(Duration::from_secs(2)).await.expect("the current state on connect");
        streams.push(stream);
    }
    assert_eq!(live_viewers(&app).await, Some(3.0));
    // Another proxy in the same process counts its own viewers, not these.
    let other = spawn_app().await;
    assert_eq!(live_viewers(&other).await, Some(0.0));

    drop(streams);
    let mut last = None;
    let closed = eventually(Duration::from_secs(5), async || {
        last = live_viewers(&app).await;
        last == Some(0.0)
    })
    .await;
    assert!(closed, "the count did not come back to 0 once the viewers left: {last:?}");
}

#[tokio::test]
async fn one_client_address_holds_a_few_live_streams_at_once_and_is_refused_more() {
    let app = spawn_app_with(|c| c.live_streams_per_client = 3).await;
    let url = format!("{}/api/v1/events/{JAZZ_NIGHT}/live", app.url);
    let mut streams = Vec::new();
    for _ in 0..3 {
        let mut stream = Stream::open(&app, None).await;
        stream.next(Duration::from_secs(2)).await.expect("the current state on connect");
        streams.push(stream);
    }
    // A fourth, and a fourth claiming another address in a header nobody vouches for.
    for forged in [None, Some("10.9.9.9")] {
        let mut r = app.http.get(&url);
        if let Some(addr) = forged {
            r = r.header("X-Forwarded-For", addr);
        }
        let refused = r.send().await.unwrap();
        assert_eq!(refused.status().as_u16(), 429, "forged address: {forged:?}");
        assert_eq!(refused.headers()["retry-after"], "30");
        let body: Value = refused.json().await.unwrap();
        assert_eq!(body["error"]["code"], "rate_limited");
        assert_eq!(body["error"]["status"], 429);
        assert!(body["error"]["message"].as_str().unwrap().contains("3 live streams"), "{body}");
    }
    assert_eq!(live_viewers(&app).await, Some(3.0), "the refused ones were never counted as viewers");

    // A tab closed: its slot is free again.
    drop(streams.pop());
    let reopened =
        eventually(Duration::from_secs(5), async || app.http.get(&url).send().await.unwrap().status().as_u16() == 200)
            .await;
    assert!(reopened, "a closed stream did not free its slot");
}
