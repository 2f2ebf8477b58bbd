use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use reqwest::Response;
use serde_json::{json, Value};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tessera_sandbox::{seed, RunningSandbox, SandboxConfig};

pub const KEY: &str = "hh_live_test_5f2a9c";

pub struct TestSandbox {
    /// Kept so the server's handle lives as long as the test.
    _sandbox: RunningSandbox,
    pub base: String,
    pub origin: String,
    pub client: reqwest::Client,
    /// Does not follow redirects, so tests can see the 303s.
    pub browser: reqwest::Client,
    /// Kept so the database file outlives the sandbox.
    _dir: tempfile::TempDir,
}

pub async fn spawn() -> TestSandbox {
    spawn_with(|_| {}).await
}

pub async fn spawn_with(configure: impl FnOnce(&mut SandboxConfig)) -> TestSandbox {
    let dir = tempfile::tempdir().expect("temp dir");
    let sandbox = start_at(dir.path(), configure).await;
    TestSandbox {
        base: sandbox.base_url(),
        origin: sandbox.origin(),
        _sandbox: sandbox,
        client: reqwest::Client::new(),
        browser: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap(),
        _dir: dir,
    }
}

/// Starts a sandbox on the database in `dir` (for restart tests).
pub async fn start_at(dir: &Path, configure: impl FnOnce(&mut SandboxConfig)) -> RunningSandbox {
    let mut config = SandboxConfig::new(dir.join("sandbox.sqlite"), KEY);
    configure(&mut config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    RunningSandbox::start(config, listener).await.expect("sandbox starts")
}

impl TestSandbox {
    pub async fn get(&self, path: &str) -> Response {
        self.client.get(format!("{}{path}", self.base)).bearer_auth(KEY).send().await.expect("request")
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.client.post(format!("{}{path}", self.base)).bearer_auth(KEY).json(body).send().await.expect("request")
    }

    pub async fn put(&self, path: &str, body: &Value) -> Response {
        self.client.put(format!("{}{path}", self.base)).bearer_auth(KEY).json(body).send().await.expect("request")
    }

    pub async fn get_json(&self, path: &str) -> Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.unwrap()
    }

    /// A tier's JSON from the event detail.
    pub async fn tier(&self, event: &str, tier: &str) -> Value {
        let event = self.get_json(&format!("/events/{event}")).await;
        event["data"]["ticket_tiers"].as_array().unwrap().iter().find(|t| t["id"] == tier).cloned().expect("tier")
    }

    /// Creates a checkout and returns its id, asserting 201.
    pub async fn checkout(&self, tier: &str, quantity: i64) -> String {
        let response = self.post("/checkouts", &checkout_body(seed::JAZZ_NIGHT, tier, quantity)).await;
        assert_eq!(response.status(), 201);
        let body: Value = response.json().await.unwrap();
        body["data"]["checkout_id"].as_str().unwrap().to_owned()
    }

    /// Creates a promo code, asserting 201, and returns its `data`.
    pub async fn promo(&self, body: &Value) -> Value {
        let response = self.post("/promo-codes", body).await;
        assert_eq!(response.status(), 201, "POST /promo-codes {body}");
        let created: Value = response.json().await.unwrap();
        created["data"].clone()
    }

    /// `POST /checkouts` for Jazz Night with a promo code.
    pub async fn checkout_with_code(&self, tier: &str, quantity: i64, code: &str) -> Response {
        let mut body = checkout_body(seed::JAZZ_NIGHT, tier, quantity);
        body["promo_code"] = code.into();
        self.post("/checkouts", &body).await
    }

    /// Presses the hosted page's Pay button.
    pub async fn pay(&self, checkout_id: &str) -> Response {
        self.browser.post(format!("{}/checkout/{checkout_id}/pay", self.origin)).send().await.expect("pay")
    }

    pub async fn cancel(&self, checkout_id: &str) -> Response {
        self.browser.post(format!("{}/checkout/{checkout_id}/cancel", self.origin)).send().await.expect("cancel")
    }

    pub async fn page(&self, checkout_id: &str) -> (StatusCode, String) {
        let response = self.browser.get(format!("{}/checkout/{checkout_id}", self.origin)).send().await.unwrap();
        (response.status(), response.text().await.unwrap())
    }
}

pub fn checkout_body(event: &str, tier: &str, quantity: i64) -> Value {
    json!({
        "event_id": event,
        "tier_id": tier,
        "quantity": quantity,
        "customer": { "name": "Juan Dela Cruz", "email": "juan@example.com" },
        "success_url": "https://shop.example/thank-you",
        "cancel_url": "https://shop.example/events"
    })
}

/// A `POST /promo-codes` body for Jazz Night.
pub fn promo_body(code: &str, discount_type: &str, discount_amount: Value) -> Value {
    json!({
        "event_id": seed::JAZZ_NIGHT,
        "code": code,
        "discount_type": discount_type,
        "discount_amount": discount_amount
    })
}

pub async fn error_of(response: Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("error body is JSON");
    assert_eq!(body["error"]["status"], status, "{body}");
    (status, body["error"]["message"].as_str().expect("message").to_owned())
}

#[derive(Clone, Debug)]
pub struct Received {
    pub signature: Option<String>,
    pub content_type: Option<String>,
    pub body: Bytes,
}

impl Received {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// A webhook endpoint: records every POST and answers 500 to the first `fail_first`.
pub struct Receiver {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    pub async fn start(fail_first: usize) -> Receiver {
        let received = Arc::new(Mutex::new(Vec::new()));
        let fail = Arc::new(AtomicUsize::new(fail_first));
        let (log, failing) = (received.clone(), fail.clone());
        let app = axum::Router::new().route(
            "/hook",
            post(move |headers: HeaderMap, body: Bytes| {
                let (log, failing) = (log.clone(), failing.clone());
                async move {
                    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
                    log.lock().unwrap().push(Received {
                        signature: header("x-hanghut-signature"),
                        content_type: header("content-type"),
                        body,
                    });
                    let fail = failing.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok();
                    if fail {
                        StatusCode::INTERNAL_SERVER_ERROR
                    } else {
                        StatusCode::OK
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver { url, received }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Waits until at least `n` requests arrived (or `within` passes) and returns them all.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let deadline = Instant::now() + within;
        loop {
            let got = self.received();
            if got.len() >= n || Instant::now() >= deadline {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

pub fn target(receiver: &Receiver, secret: &str, events: &[&str]) -> tessera_sandbox::WebhookTarget {
    tessera_sandbox::WebhookTarget {
        url: receiver.url.clone(),
        secret: secret.into(),
        events: events.iter().map(|e| e.to_string()).collect(),
    }
}
