//! Three proxies over one real `redis-server` and one sandbox: what one learns reaches every
//! proxy's viewers, a delivery or an Idempotency-Key taken at one is known at the others, and
//! their reads of the platform coalesce.

use serde_json::{json, Value};
use std::time::Duration;
use tessera_proxy::webhook::sign;
use tessera_sandbox::seed::{self, JAZZ_GA, JAZZ_NIGHT};

use crate::helpers::*;
use crate::live::{ga, Stream};
use crate::redis::RedisServer;

const KEY: &str = "hh_live_three_proxies_one_key";

struct Shop {
    redis: RedisServer,
    recorder: Recorder,
    sandbox_url: String,
    proxies: Vec<String>,
    http: reqwest::Client,
    _guards: Vec<AppGuard>,
    _sandbox: tessera_sandbox::RunningSandbox,
    _dir: tempfile::TempDir,
}

/// Redis, a sandbox behind a `Recorder` (which counts the calls it gets), and three proxies.
async fn shop() -> Shop {
    shop_with(|_| {}).await
}

async fn shop_with(adjust: impl Fn(&mut tessera_proxy::Config) + Clone + Send + 'static) -> Shop {
    let redis = RedisServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let sandbox = start_sandbox(dir.path(), KEY).await;
    let recorder = Recorder::start(sandbox.base_url()).await;
    let (mut proxies, mut guards) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        let (url, adjust) = (redis.url(), adjust.clone());
        let (proxy, guard) = spawn_app_against_with(&recorder.base_url, KEY, move |c| {
            c.redis_url = Some(url.into());
            c.event_ttl = Duration::from_secs(30);
            adjust(c);
        })
        .await;
        proxies.push(proxy);
        guards.push(guard);
    }
    let http = no_redirects();
    for proxy in &proxies {
        let ready = eventually(Duration::from_secs(10), async || {
            let r: Value = http.get(format!("{proxy}/readyz")).send().await.unwrap().json().await.unwrap();
            r["redis"] == "ok"
        })
        .await;
        assert!(ready, "{proxy} never saw Redis");
    }
    Shop {
        redis,
        recorder,
        sandbox_url: sandbox.base_url(),
        proxies,
        http,
        _guards: guards,
        _sandbox: sandbox,
        _dir: dir,
    }
}

fn purchase(id: &str) -> String {
    json!({"id": id, "type": "ticket.purchased", "created_at": "2026-03-21T10:30:00Z",
           "data": {"ticket_id": "t1", "event_id": JAZZ_NIGHT, "customer": {"name": "Juan"}, "amount": 1000}})
    .to_string()
}

async fn deliver(http: &reqwest::Client, proxy: &str, body: &str) -> (u16, Value) {
    let r = http
        .post(format!("{proxy}/webhooks/hanghut"))
        .header("content-type", "application/json")
        .header("X-HangHut-Signature", sign(WEBHOOK_SECRET.as_bytes(), body.as_bytes()))
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_webhook_at_one_proxy_reaches_the_viewers_of_another_and_is_a_duplicate_at_a_third() {
    let shop = shop().await;
    let (a, b, c) = (&shop.proxies[0], &shop.proxies[1], &shop.proxies[2]);
    let mut at_c = Stream::open_at(&shop.http, c, None).await;
    let (first_id, first) = at_c.next(Duration::from_secs(5)).await.expect("the current state on connect");
    let mut at_b = Stream::open_at(&shop.http, b, None).await;
    let (id_at_b, _) = at_b.next(Duration::from_secs(5)).await.unwrap();
    assert_eq!(id_at_b, first_id, "every proxy numbers the event's states alike");

    // A sale on the platform, reported by its webhook to proxy A only.
    buy_at(&shop.http, &shop.sandbox_url, KEY, JAZZ_NIGHT, JAZZ_GA, 2).await;
    let body = purchase("evt_scale_1");
    let (status, reply) = deliver(&shop.http, a, &body).await;
    assert_eq!((status, &reply["duplicate"]), (200, &json!(false)), "{reply}");
    let (sold_id, sold) = at_c.next(Duration::from_secs(5)).await.expect("proxy C's viewer hears of the sale at A");
    assert_eq!(ga(&sold), ga(&first) - 2);
    let (at_b_id, _) = at_b.next(Duration::from_secs(5)).await.expect("and so does proxy B's");
    assert_eq!(at_b_id, sold_id);

    // The platform retries the same delivery to proxy B: known there, nothing changes.
    let (status, reply) = deliver(&shop.http, b, &body).await;
    assert_eq!((status, &reply["duplicate"]), (200, &json!(true)), "{reply}");
    assert_eq!(at_c.next(Duration::from_millis(700)).await, None, "a duplicate publishes nothing");

    // A viewer of C who reconnects to A with the last id it saw is not sent it again, and
    // the next change comes with a higher version.
    let mut moved = Stream::open_at(&shop.http, a, Some(&sold_id)).await;
    assert_eq!(moved.next(Duration::from_millis(500)).await, None, "the state it has is not sent again");
    buy_at(&shop.http, &shop.sandbox_url, KEY, JAZZ_NIGHT, JAZZ_GA, 1).await;
    let (status, _) = deliver(&shop.http, c, &purchase("evt_scale_2")).await;
    assert_eq!(status, 200);
    let (next_id, next) = moved.next(Duration::from_secs(5)).await.expect("the next sale");
    assert_eq!(ga(&next), ga(&first) - 3);
    let version = |id: &str| id.rsplit('-').next().unwrap().parse::<u64>().unwrap();
    assert!(version(&next_id) > version(&sold_id), "{next_id} after {sold_id}");
    drop(shop.redis);
}

#[tokio::test]
async fn the_same_idempotency_key_at_two_proxies_opens_one_session() {
    let shop = shop().await;
    let order = checkout_body(JAZZ_NIGHT, JAZZ_GA, 2);
    let key = uuid::Uuid::new_v4().to_string();
    let mut sessions = Vec::new();
    for (i, proxy) in shop.proxies[..2].iter().enumerate() {
        let r = shop
            .http
            .post(format!("{proxy}/api/v1/checkout"))
            .header("Idempotency-Key", &key)
            .json(&order)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let replayed = r.headers().get("idempotent-replayed").is_some();
        let body: Value = r.json().await.unwrap();
        assert_eq!(status, 201, "{body}");
        assert_eq!(replayed, i == 1, "only the second answer is a replay");
        sessions.push(body["checkout_url"].clone());
    }
    assert_eq!(sessions[0], sessions[1], "the second proxy replays the first one's session");
    assert_eq!(shop.recorder.checkouts().len(), 1, "one session was asked of the platform");
    // The same key for another order is refused at the third.
    let other = checkout_body(JAZZ_NIGHT, JAZZ_GA, 3);
    let r = shop
        .http
        .post(format!("{}/api/v1/checkout", shop.proxies[2]))
        .header("Idempotency-Key", &key)
        .json(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    assert_eq!(shop.recorder.checkouts().len(), 1);
}

#[tokio::test]
async fn misses_at_three_proxies_at_once_make_one_platform_read() {
    let shop = shop().await;
    let before = shop.recorder.calls();
    let reads = shop.proxies.iter().map(|proxy| {
        let http = shop.http.clone();
        let url = format!("{proxy}/api/v1/events/{}", seed::COMEDY_NIGHT);
        async move { http.get(url).send().await.unwrap().status().as_u16() }
    });
    let statuses = futures_util::future::join_all(reads).await;
    assert_eq!(statuses, [200, 200, 200]);
    assert_eq!(shop.recorder.calls() - before, 1, "one read of the event for three proxies");
    // And later reads within the TTL, at any proxy, cost nothing.
    for proxy in &shop.proxies {
        let r = shop.http.get(format!("{proxy}/api/v1/events/{}", seed::COMEDY_NIGHT)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
    }
    assert_eq!(shop.recorder.calls() - before, 1);
}

#[tokio::test]
async fn a_client_balanced_over_three_proxies_has_one_allowance_not_three() {
    let shop = shop_with(|c| {
        c.live_streams_per_client = 2;
        c.checkouts_per_minute = 2;
    })
    .await;
    let (a, b, c) = (&shop.proxies[0], &shop.proxies[1], &shop.proxies[2]);
    let _one = Stream::open_at(&shop.http, a, None).await;
    let _two = Stream::open_at(&shop.http, b, None).await;
    let third = shop.http.get(format!("{c}/api/v1/events/{JAZZ_NIGHT}/live")).send().await.unwrap();
    let status = third.status().as_u16();
    let body: Value = third.json().await.unwrap();
    assert_error(status, &body, 429, "rate_limited");

    // Each checkout try counts, wherever it lands (these are refused orders: nothing is held).
    let order = checkout_body(JAZZ_NIGHT, JAZZ_GA, 0);
    for proxy in [a, b] {
        let r = shop.http.post(format!("{proxy}/api/v1/checkout")).json(&order).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 400);
    }
    let r = shop.http.post(format!("{c}/api/v1/checkout")).json(&order).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 429, "the third try in a minute, at a third proxy");
    assert!(r.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn three_busy_proxies_keep_together_within_one_lowered_budget() {
    // 60 calls a minute for all three, of which reads may use 40: a burst of 6 reads, then one
    // every 1.8 s. Copies last 100 ms, so every proxy wants to read again all the time.
    let shop = shop_with(|c| {
        c.upstream_per_minute = 60;
        c.event_ttl = Duration::from_millis(100);
    })
    .await;
    let before = shop.recorder.calls();
    let end = tokio::time::Instant::now() + Duration::from_secs(7);
    // Two readers at each proxy, of one event (whose first read is in the burst, so each
    // proxy has a copy to serve from then on).
    let readers = shop.proxies.iter().chain(&shop.proxies).map(|proxy| {
        let (http, url) = (shop.http.clone(), format!("{proxy}/api/v1/events/{JAZZ_NIGHT}"));
        async move {
            let mut statuses = Vec::new();
            while tokio::time::Instant::now() < end {
                statuses.push(http.get(&url).send().await.unwrap().status().as_u16());
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            statuses
        }
    });
    let statuses: Vec<u16> = futures_util::future::join_all(readers).await.into_iter().flatten().collect();
    let made = shop.recorder.calls() - before;
    // In 7 s: the burst of 6 and a turn every 1.8 s (one reserved up to 1.5 s ahead): 11 at
    // most. Three proxies each on a budget of 60 would have made about three times as many.
    assert!((6..=11).contains(&made), "{made} platform calls in 7 s by three proxies on one budget of 60 a minute");
    // Buyers were answered throughout: from copies, marked stale, when the budget said wait.
    assert!(statuses.iter().all(|&s| s == 200), "{:?}", statuses.iter().filter(|&&s| s != 200).collect::<Vec<_>>());
}
