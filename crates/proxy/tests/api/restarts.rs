//! The proxy as a process that is killed, stopped and started again (issue 6): a webhook
//! delivery survives a kill between receipt and apply, and SIGTERM lets a checkout finish and
//! sends live viewers to reconnect.

use serde_json::{json, Value};
use std::time::{Duration, Instant};
use tessera_core::{Discount, EventId, PromoCode, PromoRule};
use tessera_proxy::store::Store;
use tessera_proxy::webhook::sign;
use tessera_sandbox::seed;

use crate::helpers::*;
use crate::leaks::transcript;
use crate::process::ProxyProcess;

const CODE: &str = "KILLTEST";

fn proxy_db(dir: &std::path::Path) -> std::path::PathBuf {
    dir.join("proxy.sqlite")
}

/// How many uses of `CODE` the proxy has counted.
async fn uses(dir: &std::path::Path) -> u32 {
    let store = Store::open(&proxy_db(dir)).unwrap();
    let event = EventId::parse(seed::JAZZ_NIGHT).unwrap();
    store.promo(&event, &PromoCode::parse(CODE).unwrap()).await.unwrap().unwrap().usage_count
}

async fn unapplied(dir: &std::path::Path) -> Vec<String> {
    let store = Store::open(&proxy_db(dir)).unwrap();
    store.unapplied_deliveries().await.unwrap().into_iter().map(|e| e.delivery_id).collect()
}

async fn preview(http: &reqwest::Client, url: &str) -> (u16, Value) {
    let r = http
        .post(format!("{url}/api/v1/promo-preview"))
        .json(&json!({"event_id": seed::JAZZ_NIGHT, "code": CODE}))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let body = r.bytes().await.unwrap();
    transcript().response_body(&body);
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

async fn deliver(http: &reqwest::Client, url: &str, body: &str) -> reqwest::Result<(u16, Value)> {
    let r = http
        .post(format!("{url}/webhooks/hanghut"))
        .header("x-hanghut-signature", sign(WEBHOOK_SECRET.as_bytes(), body.as_bytes()))
        .body(body.to_owned())
        .send()
        .await?;
    let status = r.status().as_u16();
    let body = r.bytes().await?;
    transcript().response_body(&body);
    Ok((status, serde_json::from_slice(&body).unwrap_or(Value::Null)))
}

#[tokio::test]
async fn a_delivery_killed_between_inbox_and_apply_is_applied_once_at_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    // A code with one use, which the paid order in the delivery takes.
    let rule = PromoRule {
        code: PromoCode::parse(CODE).unwrap(),
        event_id: EventId::parse(seed::JAZZ_NIGHT).unwrap(),
        discount: Discount::percentage("10").unwrap(),
        usage_limit: Some(1),
        usage_count: 0,
        expires_at: None,
        is_active: true,
    };
    Store::open(&proxy_db(dir.path())).unwrap().save_promo(&rule, "pc_killtest").await.unwrap();
    let env = [("TESSERA_HANGHUT_WEBHOOK_SECRET", WEBHOOK_SECRET), ("TESSERA_SANDBOX_API_KEY", SANDBOX_KEY)];
    let held = [env.as_slice(), &[("TESSERA_TEST_HOLD_WEBHOOK_APPLY", "1")]].concat();
    let http = no_redirects();

    let mut proxy = ProxyProcess::start(dir.path(), &held).await;
    assert_eq!(preview(&http, &proxy.url).await.0, 200, "the code is usable before the sale");
    let delivery =
        json!({"id": "evt_killed_mid_apply", "type": "ticket.purchased", "created_at": "2026-11-23T10:00:00Z",
        "data": {"ticket_id": "t-1", "event_id": seed::JAZZ_NIGHT, "order_id": "pi_killed_1", "promo_code": CODE,
                 "amount": 900}})
        .to_string();
    let sent = {
        let (http, url, body) = (http.clone(), proxy.url.clone(), delivery.clone());
        tokio::spawn(async move { deliver(&http, &url, &body).await })
    };
    // Received and written to the inbox; then the process dies before applying it.
    assert!(proxy.wait_for_line("webhook stored in the inbox", Duration::from_secs(10)).await, "{:#?}", proxy.lines());
    proxy.kill();
    match sent.await.unwrap() {
        Ok((status, body)) => panic!("the platform got an answer ({status} {body}) for a delivery not applied"),
        Err(e) => assert!(!e.is_timeout(), "{e}"),
    }
    assert_eq!(unapplied(dir.path()).await, ["evt_killed_mid_apply"], "in the inbox, not applied");
    assert_eq!(uses(dir.path()).await, 0);

    // The next start applies it, before it takes any request.
    let proxy = ProxyProcess::start(dir.path(), &env).await;
    assert!(
        proxy.line_with("replayed webhook deliveries").is_some_and(|l| l.contains("applied=1")),
        "{:#?}",
        proxy.lines()
    );
    assert!(unapplied(dir.path()).await.is_empty());
    assert_eq!(uses(dir.path()).await, 1);
    let (status, body) = preview(&http, &proxy.url).await;
    assert_error(status, &body, 409, "promo_unavailable");

    // The platform never got its 2xx, so it delivers again: taken, and applied no second time.
    let (status, body) = deliver(&http, &proxy.url, &delivery).await.unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["duplicate"], true);
    assert_eq!(uses(dir.path()).await, 1, "applied exactly once");
}

/// One block of an SSE stream: its fields, or `None` once the stream has ended.
async fn next_block(response: &mut reqwest::Response, buffer: &mut String, within: Duration) -> Option<String> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if let Some(end) = buffer.find("\n\n") {
            return Some(buffer.drain(..end + 2).collect());
        }
        let chunk = tokio::time::timeout_at(deadline, response.chunk()).await.expect("the stream went quiet");
        let chunk = chunk.ok()??;
        transcript().response_body(&chunk);
        buffer.push_str(&String::from_utf8_lossy(&chunk));
    }
}

fn field<'a>(block: &'a str, name: &str) -> Option<&'a str> {
    block.lines().find_map(|l| l.strip_prefix(name).and_then(|v| v.strip_prefix(':')).map(str::trim))
}

#[tokio::test]
async fn on_sigterm_a_checkout_in_flight_finishes_and_live_viewers_are_told_to_reconnect() {
    const KEY: &str = "hh_live_key_of_the_stopping_proxy";
    let dir = tempfile::tempdir().unwrap();
    let sandbox = start_sandbox(dir.path(), KEY).await;
    let upstream = Recorder::start(sandbox.base_url()).await;
    let data = dir.path().join("proxy");
    let proxy = ProxyProcess::start(
        &data,
        &[
            ("TESSERA_UPSTREAM", upstream.base_url.as_str()),
            ("TESSERA_API_KEY", KEY),
            ("TESSERA_HANGHUT_WEBHOOK_SECRET", WEBHOOK_SECRET),
            ("TESSERA_EVENT_TTL_MS", "60000"),
        ],
    )
    .await;
    let mut proxy = proxy;
    let http = no_redirects();

    // A viewer with the event's live availability open.
    let mut viewer = http.get(format!("{}/api/v1/events/{}/live", proxy.url, seed::JAZZ_NIGHT)).send().await.unwrap();
    assert_eq!(viewer.status().as_u16(), 200);
    let mut buffer = String::new();
    let first = next_block(&mut viewer, &mut buffer, Duration::from_secs(5)).await.unwrap();
    assert_eq!(field(&first, "event"), Some("availability"), "{first}");

    // A checkout whose answer the platform takes 1.5 s to give.
    upstream.set_fault(Fault::Slow(Duration::from_millis(1500)));
    let checkout = {
        let (http, url) = (http.clone(), proxy.url.clone());
        tokio::spawn(async move {
            let r = http
                .post(format!("{url}/api/v1/checkout"))
                .json(&checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_GA, 1))
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let body = r.bytes().await.unwrap();
            transcript().response_body(&body);
            (status, serde_json::from_slice::<Value>(&body).unwrap_or(Value::Null))
        })
    };
    assert!(eventually(Duration::from_secs(5), async || upstream.checkouts_arrived() == 1).await);

    let stopping = Instant::now();
    proxy.signal("TERM");
    // The viewer is told to reconnect (with a delay for its EventSource), then the stream ends.
    let farewell = loop {
        let block = next_block(&mut viewer, &mut buffer, Duration::from_secs(5)).await.expect("a last event");
        if field(&block, "event").is_some() {
            break block;
        }
    };
    assert_eq!(field(&farewell, "event"), Some("reconnect"), "{farewell}");
    let retry: u64 = field(&farewell, "retry").expect("a retry field").parse().unwrap();
    assert!((1000..=3000).contains(&retry), "{retry}");
    assert!(next_block(&mut viewer, &mut buffer, Duration::from_secs(5)).await.is_none(), "then the stream ends");
    let told_after = stopping.elapsed();

    // The checkout that was in flight gets its session.
    let (status, body) = checkout.await.unwrap();
    assert_eq!(status, 201, "{body}");
    assert!(body["checkout_url"].as_str().is_some_and(|u| u.starts_with("http")), "{body}");
    let checkout_done_after = stopping.elapsed();

    // And the process exits by itself, promptly, without waiting on the closed streams.
    let exit = proxy.exit_within(Duration::from_secs(5)).await.expect("the proxy exits after SIGTERM");
    assert!(exit.success(), "{exit:?}");
    let exited_after = stopping.elapsed();
    eprintln!(
        "graceful shutdown: viewer told to reconnect (retry {retry} ms) {} ms after SIGTERM; the in-flight \
         checkout answered 201 after {} ms; process exited after {} ms",
        told_after.as_millis(),
        checkout_done_after.as_millis(),
        exited_after.as_millis()
    );
    assert_eq!(upstream.checkouts().len(), 1);
}
