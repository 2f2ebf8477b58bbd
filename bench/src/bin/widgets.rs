//! (b) Simulated widgets against the sandbox for a while: each loads an event, holds its
//! live stream, and now and then reloads (a buyer opening another page); buyers purchase
//! every few seconds. Between the proxy and the sandbox sits a counting forwarder, so the
//! upstream requests per minute and the platform's 429s are counted on the wire.
//! `widgets [widgets] [seconds]`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::IntoResponse;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tessera_bench::*;
use tessera_sandbox::seed::{COMEDY_NIGHT, COMEDY_STANDARD, INDIE_DAY_PASS, INDIE_FEST, JAZZ_GA, JAZZ_NIGHT};
use tessera_sandbox::{RunningSandbox, SandboxConfig, WebhookTarget};

const KEY: &str = "hh_live_bench_widgets_key";

#[derive(Clone)]
struct Forwarder {
    to: Arc<Mutex<String>>,
    http: reqwest::Client,
    calls: Arc<Mutex<Vec<Instant>>>,
    refused: Arc<AtomicU64>,
}

async fn forward(
    State(f): State<Forwarder>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> impl IntoResponse {
    f.calls.lock().unwrap().push(Instant::now());
    let target = format!("{}{}", f.to.lock().unwrap(), uri.path_and_query().map(|p| p.as_str()).unwrap_or("/"));
    let mut r = f.http.request(method, target).body(body);
    for name in ["authorization", "content-type"] {
        if let Some(v) = headers.get(name) {
            r = r.header(name, v);
        }
    }
    match r.send().await {
        Ok(resp) => {
            let status = StatusCode::from_u16(resp.status().as_u16()).unwrap();
            if status == StatusCode::TOO_MANY_REQUESTS {
                f.refused.fetch_add(1, Ordering::Relaxed);
            }
            let mut out = HeaderMap::new();
            for name in ["content-type", "retry-after"] {
                if let Some(v) = resp.headers().get(name) {
                    out.insert(name, v.to_str().unwrap().parse().unwrap());
                }
            }
            (status, out, resp.bytes().await.unwrap_or_default()).into_response()
        }
        Err(_) => StatusCode::BAD_GATEWAY.into_response(),
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let widgets: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let seconds: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(300);
    raise_fd_limit(widgets as u64 * 4 + 1024);

    let forwarder = Forwarder {
        to: Arc::new(Mutex::new(String::new())),
        http: reqwest::Client::new(),
        calls: Arc::new(Mutex::new(Vec::new())),
        refused: Arc::new(AtomicU64::new(0)),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let forwarder_url = format!("http://{}/v1", listener.local_addr().unwrap());
    let app = axum::Router::new().fallback(forward).with_state(forwarder.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let proxy = start_proxy(&[("TESSERA_UPSTREAM", forwarder_url), ("TESSERA_API_KEY", KEY.into())], &[]).await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = SandboxConfig::new(dir.path().join("sandbox.sqlite"), KEY);
    config.webhooks.push(WebhookTarget {
        url: format!("{}/webhooks/hanghut", proxy.url),
        secret: WEBHOOK_SECRET.into(),
        events: Vec::new(),
    });
    let sandbox =
        RunningSandbox::start(config, tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap()).await.unwrap();
    *forwarder.to.lock().unwrap() = sandbox.origin();

    let events = [JAZZ_NIGHT, COMEDY_NIGHT, INDIE_FEST];
    let until = Instant::now() + Duration::from_secs(seconds);
    let loads = Arc::new(AtomicU64::new(0));
    let load_failures = Arc::new(AtomicU64::new(0));
    let stale_loads = Arc::new(AtomicU64::new(0));
    let updates = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for i in 0..widgets {
        let (url, addr) = (proxy.url.clone(), proxy.addr.clone());
        let (loads, load_failures, updates) = (loads.clone(), load_failures.clone(), updates.clone());
        let stale_loads = stale_loads.clone();
        let event = events[i % events.len()];
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            // Arrivals spread over the first ten seconds, as on a page going live.
            tokio::time::sleep(Duration::from_millis(fastrand::u64(0..10_000))).await;
            while Instant::now() < until {
                match http.get(format!("{url}/api/v1/events/{event}")).send().await {
                    Ok(r) if r.status().is_success() => {
                        let body: serde_json::Value = r.json().await.unwrap_or_default();
                        if body["stale"] == true {
                            stale_loads.fetch_add(1, Ordering::Relaxed);
                        }
                        loads.fetch_add(1, Ordering::Relaxed)
                    }
                    _ => load_failures.fetch_add(1, Ordering::Relaxed),
                };
                let stay = Duration::from_secs(fastrand::u64(20..60));
                let left = until.saturating_duration_since(Instant::now()).min(stay);
                if let Ok(mut viewer) = Viewer::connect(&addr, event).await {
                    let _ = tokio::time::timeout(left, async {
                        while viewer.next_update().await.is_ok() {
                            updates.fetch_add(1, Ordering::Relaxed);
                        }
                    })
                    .await;
                }
            }
        }));
    }

    // Buyers: one purchase every 3 seconds, through the proxy and the hosted page.
    let buyers = {
        let url = proxy.url.clone();
        tokio::spawn(async move {
            let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
            let tiers = [(JAZZ_NIGHT, JAZZ_GA), (COMEDY_NIGHT, COMEDY_STANDARD), (INDIE_FEST, INDIE_DAY_PASS)];
            let (mut bought, mut refused) = (0u64, 0u64);
            let mut n = 0;
            while Instant::now() < until {
                let (event, tier) = tiers[n % tiers.len()];
                n += 1;
                let r = http
                    .post(format!("{url}/api/v1/checkout"))
                    .json(&serde_json::json!({"event_id": event, "tier_id": tier, "quantity": 1,
                        "customer": {"name": "Load Buyer", "email": "load@example.com"}}))
                    .send()
                    .await;
                match r {
                    Ok(r) if r.status().as_u16() == 201 => {
                        let body: serde_json::Value = r.json().await.unwrap();
                        let pay = format!("{}/pay", body["checkout_url"].as_str().unwrap());
                        if http.post(pay).send().await.is_ok() {
                            bought += 1;
                        }
                    }
                    _ => refused += 1,
                }
                tokio::time::sleep(Duration::from_secs(3)).await;
            }
            (bought, refused)
        })
    };

    for t in tasks {
        t.await.unwrap();
    }
    let (bought, refused_buys) = buyers.await.unwrap();
    let calls = forwarder.calls.lock().unwrap().clone();
    let minutes = seconds as f64 / 60.0;
    let mut busiest = 0;
    for (i, start) in calls.iter().enumerate() {
        let in_window = calls[i..].iter().take_while(|t| t.duration_since(*start) < Duration::from_secs(60)).count();
        busiest = busiest.max(in_window);
    }
    println!(
        "widgets: {widgets} for {seconds} s; event loads {} ({} failed, {} from a stale copy); live updates received {}",
        loads.load(Ordering::Relaxed),
        load_failures.load(Ordering::Relaxed),
        stale_loads.load(Ordering::Relaxed),
        updates.load(Ordering::Relaxed)
    );
    println!("purchases: {bought} paid, {refused_buys} refused");
    println!(
        "upstream: {} requests = {:.1} per minute on average, {} in the busiest 60 s window (budget 90, platform limit 100); {} answered 429",
        calls.len(),
        calls.len() as f64 / minutes,
        busiest,
        forwarder.refused.load(Ordering::Relaxed)
    );
    sandbox.shutdown().await;
}
