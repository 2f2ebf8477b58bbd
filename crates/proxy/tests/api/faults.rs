//! A misbehaving platform (issue 6): slow answers, 500 storms, 429 storms and connection
//! resets, played over real HTTP by the `Recorder` in front of a real sandbox. Through each:
//! buyers keep seeing the last availability and the last event list, marked stale; checkout,
//! and a read with no copy to fall back on, answer a clear 503 with `Retry-After`; and once the
//! platform is back the proxy recovers by itself, losing nothing. Each run prints its figures.

use serde_json::Value;
use std::time::{Duration, Instant};
use tessera_sandbox::seed::{JAZZ_GA, JAZZ_NIGHT};

use crate::helpers::*;

/// How long each fault lasts.
const FAULT_FOR: Duration = Duration::from_secs(3);
/// The proxy's upstream timeout in these runs, and how long a slow platform takes to answer.
const TIMEOUT: Duration = Duration::from_millis(500);
const SLOW_BY: Duration = Duration::from_millis(1200);
/// An event no read asked for before the fault: the proxy has no copy of it to serve.
const NEVER_READ: &str = "00000000-0000-4000-8000-00000000fa17";
/// The longest the catalogue waits between probes of a platform that is not answering.
const PROBE_MAX_SECS: u64 = 8;

#[derive(Debug, Default)]
struct Figures {
    requests: usize,
    reads: usize,
    stale_reads: usize,
    /// Reads of the event list, and how many of them were the last copy marked stale.
    list_reads: usize,
    stale_list_reads: usize,
    /// Reads with no copy to serve: each a 503 with `Retry-After`.
    reads_without_copy: usize,
    slowest_read: Duration,
    /// The slowest once a read had been marked stale: by then the proxy knows, and nobody
    /// should wait on the platform any more.
    slowest_read_once_stale: Duration,
    checkouts: usize,
    /// Answers that were not a success, as buyers saw them.
    errors_seen: usize,
    /// Of those, anything but a read served from the last copy or a checkout's 503.
    unexpected: Vec<String>,
    upstream_calls: usize,
    recovered_after: Duration,
    /// Seats or sessions the platform and the proxy disagree on once all is settled.
    data_lost: i64,
}

fn tiers(body: &Value) -> Value {
    body["tiers"].clone()
}

fn ga(body: &Value) -> i64 {
    body["tiers"].as_array().unwrap().iter().find(|t| t["id"] == JAZZ_GA).unwrap()["available"].as_i64().unwrap()
}

async fn checkout(app: &TestApp, key: &str) -> Answer {
    app.post_raw(
        "/api/v1/checkout",
        &[("content-type", "application/json"), ("idempotency-key", key)],
        checkout_body(JAZZ_NIGHT, JAZZ_GA, 1).to_string(),
    )
    .await
}

/// The seconds of a `Retry-After` header, when it is there and a whole number from 1 to `max`.
fn retry_after_within(answer: &Answer, max: u64) -> Option<u64> {
    answer.header("retry-after").and_then(|v| v.parse::<u64>().ok()).filter(|s| (1..=max).contains(s))
}

/// A 503 that says, to people and to programs, that the platform is the trouble (not
/// answering, or limiting this proxy) and to come back.
fn is_clear_503(answer: &Answer) -> bool {
    answer.status == 503
        && answer.body["error"]["status"] == 503
        && ["platform_down", "platform_busy"].map(Value::from).contains(&answer.body["error"]["code"])
        && answer.body["error"]["message"].as_str().is_some_and(|m| m.contains("try again"))
}

async fn get(app: &TestApp, path: &str) -> Answer {
    Answer::from(app.http.get(format!("{}{path}", app.url)).send().await.unwrap()).await
}

async fn fault_run(name: &str, fault: Fault) -> Figures {
    let (app, upstream) = spawn_app_via_recorder(|c| {
        c.event_ttl = Duration::from_millis(300);
        c.upstream_timeout = TIMEOUT;
    })
    .await;
    let path = format!("/api/v1/events/{JAZZ_NIGHT}");
    let (status, before) = app.get(&path).await;
    assert_eq!(status, 200, "{before}");
    assert!(before.get("stale").is_none(), "{before}");
    let (status, list_before) = app.get("/api/v1/events").await;
    assert_eq!(status, 200, "{list_before}");
    assert_eq!(list_before["stale"], false, "always present, false while the platform answers");

    let mut f = Figures::default();
    let calls_before = upstream.calls();
    upstream.set_fault(fault);
    // A sale straight on the platform while the proxy cannot see it: it must show afterwards.
    app.buy_upstream(JAZZ_NIGHT, JAZZ_GA, 1).await;
    let mut keys = Vec::new();
    let mut stale_since = None;
    let started = Instant::now();
    let mut round = 0;
    while started.elapsed() < FAULT_FOR {
        let asked = Instant::now();
        let (status, body) = app.get(&path).await;
        f.slowest_read = f.slowest_read.max(asked.elapsed());
        if stale_since.is_some() {
            f.slowest_read_once_stale = f.slowest_read_once_stale.max(asked.elapsed());
        }
        f.requests += 1;
        f.reads += 1;
        if status != 200 {
            f.errors_seen += 1;
            f.unexpected.push(format!("read {status}: {body}"));
        } else {
            assert_eq!(tiers(&body), tiers(&before), "the last availability, not something else");
            if body["stale"] == true {
                f.stale_reads += 1;
                stale_since.get_or_insert(round);
            } else if stale_since.is_some() {
                f.unexpected.push(format!("read {round} unmarked after read {stale_since:?} was marked stale"));
            }
        }
        // The event list: the last page, marked stale like an event is.
        let asked = Instant::now();
        let (status, list) = app.get("/api/v1/events").await;
        f.slowest_read = f.slowest_read.max(asked.elapsed());
        f.requests += 1;
        f.list_reads += 1;
        if status != 200 {
            f.errors_seen += 1;
            f.unexpected.push(format!("list {status}: {list}"));
        } else if list["events"] != list_before["events"] || !list["stale"].is_boolean() {
            f.unexpected.push(format!("list {round}: not the last page: {list}"));
        } else if list["stale"] == true {
            f.stale_list_reads += 1;
        }
        if round % 5 == 2 {
            let key = format!("{}-checkout-{round}", name.replace(' ', "-"));
            let answer = checkout(&app, &key).await;
            keys.push(key);
            f.requests += 1;
            f.checkouts += 1;
            if answer.status != 201 {
                f.errors_seen += 1;
            }
            if !is_clear_503(&answer) {
                f.unexpected.push(format!("checkout {}: {}", answer.status, answer.body));
            } else if retry_after_within(&answer, 60).is_none() {
                f.unexpected.push(format!("a checkout 503 without Retry-After: {:?}", answer.headers));
            }
        }
        if round % 5 == 4 {
            // Nothing to fall back on: a 503 that says when to come back, which for a platform
            // that is not answering is the catalogue's next probe (at most 8 s away). (The list's
            // other pages are pages of its last copy: empty, and served like the first.)
            for path in [format!("/api/v1/events/{NEVER_READ}")] {
                let answer = get(&app, &path).await;
                f.requests += 1;
                f.reads_without_copy += 1;
                f.errors_seen += 1;
                if !is_clear_503(&answer) {
                    f.unexpected.push(format!("{path} without a copy {}: {}", answer.status, answer.body));
                } else if retry_after_within(&answer, PROBE_MAX_SECS).is_none() {
                    f.unexpected.push(format!("{path}: a 503 without Retry-After of 1 to 8 s: {:?}", answer.headers));
                }
            }
        }
        round += 1;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    upstream.set_fault(Fault::None);
    f.upstream_calls = upstream.calls() - calls_before;

    // The platform is back: the proxy finds out by itself (no restart, no request of ours
    // other than buyers' reads) and shows the platform's numbers, unmarked.
    let back = Instant::now();
    let platform = app.upstream_available(JAZZ_NIGHT, JAZZ_GA).await;
    let recovered = eventually(Duration::from_secs(20), async || {
        let (status, body) = app.get(&path).await;
        let (list_status, list) = app.get("/api/v1/events").await;
        status == 200
            && body.get("stale").is_none()
            && ga(&body) == platform
            && list_status == 200
            && list["stale"] == false
    })
    .await;
    assert!(recovered, "{name}: the proxy did not recover by itself");
    f.recovered_after = back.elapsed();

    // Buyers whose checkout failed try again with the widget's same Idempotency-Key.
    for key in &keys {
        let answer = checkout(&app, key).await;
        assert_eq!(answer.status, 201, "{name}: retry of {key}: {}", answer.body);
    }
    // Data lost: sessions opened that no buyer holds (or held twice), and seats the proxy
    // shows that the platform does not have.
    let sessions = app.upstream_sessions();
    let expected_sessions = keys.len() as i64 + 1; // and the sale made on the platform
    let platform = app.upstream_available(JAZZ_NIGHT, JAZZ_GA).await;
    let mut shown = 0;
    let settled = eventually(Duration::from_secs(10), async || {
        let (_, body) = app.get(&path).await;
        shown = ga(&body);
        shown == platform
    })
    .await;
    assert!(settled, "{name}: the proxy shows {shown}, the platform {platform}");
    f.data_lost = (sessions - expected_sessions).abs() + (shown - platform).abs();
    assert_eq!(platform, ga(&before) - expected_sessions, "one seat per session, the platform's own count");

    eprintln!(
        "fault run [{name}]: {:.1} s of faults; {} requests sent ({} reads, {} list reads, {} reads with no copy, \
         {} checkouts); {} errors seen by clients (all checkout and no-copy 503s with Retry-After; reads: {} of {} \
         served stale, lists: {} of {}, 0 failed, slowest {} ms, {} ms once stale); the proxy asked the platform {} \
         times; recovered {:.1} s after the fault stopped; data lost: {}",
        FAULT_FOR.as_secs_f32(),
        f.requests,
        f.reads,
        f.list_reads,
        f.reads_without_copy,
        f.checkouts,
        f.errors_seen,
        f.stale_reads,
        f.reads,
        f.stale_list_reads,
        f.list_reads,
        f.slowest_read.as_millis(),
        f.slowest_read_once_stale.as_millis(),
        f.upstream_calls,
        f.recovered_after.as_secs_f32(),
        f.data_lost
    );
    assert!(f.unexpected.is_empty(), "{name}: {:#?}", f.unexpected);
    assert!(f.stale_reads > 0, "{name}: no read was marked stale");
    assert!(f.stale_list_reads > 0, "{name}: no list read was marked stale");
    assert!(f.reads_without_copy > 0);
    assert!(f.checkouts > 0);
    assert!(f.slowest_read_once_stale < Duration::from_millis(250), "{name}: {f:?}");
    assert_eq!(f.data_lost, 0, "{name}");
    f
}

#[tokio::test]
async fn through_a_slow_platform_reads_stay_stale_checkout_is_503_and_the_proxy_recovers() {
    let f = fault_run("slow answers", Fault::Slow(SLOW_BY)).await;
    // Nobody waits on a platform known to be slow longer than one timeout.
    assert!(f.slowest_read < TIMEOUT + Duration::from_millis(400), "{:?}", f.slowest_read);
}

#[tokio::test]
async fn through_a_500_storm_reads_stay_stale_checkout_is_503_and_the_proxy_recovers() {
    let f = fault_run("500 storm", Fault::ServerErrors).await;
    // The platform is asked every few seconds, not once per buyer.
    assert!(f.upstream_calls < f.requests / 2, "{f:?}");
}

#[tokio::test]
async fn through_a_429_storm_reads_stay_stale_checkout_is_503_with_retry_after_and_the_proxy_recovers() {
    let f = fault_run("429 storm", Fault::RateLimited).await;
    assert!(f.upstream_calls < f.requests / 2, "Retry-After is honoured: {f:?}");
}

#[tokio::test]
async fn through_connection_resets_reads_stay_stale_checkout_is_503_and_the_proxy_recovers() {
    let f = fault_run("connection resets", Fault::Resets).await;
    assert!(f.upstream_calls < f.requests / 2, "{f:?}");
}

#[tokio::test]
async fn through_an_outage_the_list_is_its_last_page_marked_stale_and_reads_without_a_copy_are_503_with_retry_after() {
    let (app, upstream) = spawn_app_via_recorder(|c| {
        c.event_ttl = Duration::from_millis(300);
        c.upstream_timeout = TIMEOUT;
    })
    .await;
    let (status, before) = app.get("/api/v1/events").await;
    assert_eq!(status, 200, "{before}");
    assert_eq!(before["stale"], false, "{before}");

    upstream.set_fault(Fault::ServerErrors);
    // Past the TTL one refresh finds the platform down; from then on the list is the last page.
    let marked = eventually(Duration::from_secs(5), async || app.get("/api/v1/events").await.1["stale"] == true).await;
    assert!(marked, "the list was never marked stale");
    let (status, during) = app.get("/api/v1/events").await;
    assert_eq!(status, 200, "{during}");
    assert_eq!(
        (&during["events"], &during["meta"], &during["stale"]),
        (&before["events"], &before["meta"], &true.into())
    );

    // The list's other pages are pages of its last copy (the whole list is one copy).
    let (status, beyond) = app.get("/api/v1/events?page=3").await;
    assert_eq!((status, &beyond["events"], &beyond["stale"]), (200, &serde_json::json!([]), &true.into()), "{beyond}");
    // No copy to fall back on: an event and its live stream.
    for path in [format!("/api/v1/events/{NEVER_READ}"), format!("/api/v1/events/{NEVER_READ}/live")] {
        let answer = get(&app, &path).await;
        assert_error(answer.status, &answer.body, 503, "platform_down");
        assert!(retry_after_within(&answer, PROBE_MAX_SECS).is_some(), "{path}: {:?}", answer.headers);
    }

    upstream.set_fault(Fault::None);
    let recovered = eventually(Duration::from_secs(20), async || {
        let (status, body) = app.get("/api/v1/events").await;
        status == 200 && body["stale"] == false
    })
    .await;
    assert!(recovered, "the list did not recover by itself");
    let (status, body) = app.get("/api/v1/events?page=3").await;
    assert_eq!((status, &body["stale"]), (200, &false.into()), "{body}");
}
