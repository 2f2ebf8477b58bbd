use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tessera_proxy::config::Upstream;
use tessera_proxy::{Application, Config};
use tessera_sandbox::{RunningSandbox, SandboxConfig};
use tokio::io::AsyncReadExt;

use crate::leaks::{transcript, LeakCheck};

pub const WEBHOOK_SECRET: &str = "whsec_test_secret_for_signing";
/// The embedded sandbox's key in every test proxy: known, so the leak scan looks for it.
pub const SANDBOX_KEY: &str = "hh_live_embedded_sandbox_key_for_tests";
pub const SUCCESS_URL: &str = "https://shop.example/tickets?from=tessera";
pub const CANCEL_URL: &str = "https://shop.example/tickets/cancelled";

pub struct TestApp {
    pub url: String,
    pub http: reqwest::Client,
    pub sandbox_url: String,
    pub sandbox_key: String,
    /// The embedded TicketWave, when the config turns it on.
    pub ticketwave_url: Option<String>,
    pub config: Config,
    /// A sandbox started on its own (the proxy reaches it through a `Recorder`).
    _sandbox: Option<RunningSandbox>,
    _dir: tempfile::TempDir,
    _leaks: LeakCheck,
}

pub fn config(dir: &std::path::Path) -> Config {
    let mut c = Config::local(dir);
    c.listen = "127.0.0.1:0".parse().unwrap();
    c.widget_dir = dir.join("no-widget-here");
    c.hanghut_webhook_secret = Some(SecretString::from(WEBHOOK_SECRET));
    c.sandbox_api_key = Some(SecretString::from(SANDBOX_KEY));
    c.success_url = Some(SUCCESS_URL.parse().unwrap());
    c.cancel_url = Some(CANCEL_URL.parse().unwrap());
    c
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// A proxy with the embedded sandbox as upstream, on free ports, with its own data dir.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut c = config(dir.path());
    adjust(&mut c);
    let config = c.clone();
    let app = build_watched(c).await;
    let url = app.public_url().as_str().trim_end_matches('/').to_owned();
    let sandbox_url = app.sandbox_base_url().expect("sandbox upstream");
    let sandbox_key = app.sandbox_api_key().unwrap().expose_secret().to_owned();
    let ticketwave_url = app.ticketwave_sandbox_url();
    tokio::spawn(app.run_until(std::future::pending()));
    TestApp {
        url,
        http: no_redirects(),
        sandbox_url,
        sandbox_key,
        ticketwave_url,
        config,
        _sandbox: None,
        _dir: dir,
        _leaks: LeakCheck,
    }
}

/// Builds a proxy whose secrets the leak scan looks for and whose every response it reads.
async fn build_watched(config: Config) -> Application {
    forbid_secrets_of(&config);
    let app = Application::build(config).await.expect("proxy builds");
    app.map_router(|router| transcript().tap(router))
}

/// Every secret in `config`, for the leak scan.
pub fn forbid_secrets_of(config: &Config) {
    let scan = transcript();
    if let Upstream::HangHut { api_key, .. } = &config.upstream {
        scan.forbid(api_key.expose_secret());
    }
    for secret in [&config.hanghut_webhook_secret, &config.sandbox_api_key].into_iter().flatten() {
        scan.forbid(secret.expose_secret());
    }
    let p = &config.platforms;
    if let Some(tw) = &p.ticketwave {
        if let tessera_proxy::platform_config::TicketWaveUpstream::Url { password, .. } = &tw.upstream {
            scan.forbid(password.expose_secret());
        }
        if let Some(secret) = &tw.webhook_secret {
            scan.forbid(secret.expose_secret());
        }
    }
    let platform_secrets = [
        p.vivenu.as_ref().map(|v| &v.hmac_key),
        p.ingresse.as_ref().map(|i| &i.token),
        p.tixel.as_ref().map(|t| &t.token),
    ];
    for secret in platform_secrets.into_iter().flatten() {
        scan.forbid(secret.expose_secret());
    }
}

/// A proxy whose upstream is a real sandbox seen through a `Recorder`, which counts (and can
/// break) the calls the proxy makes.
pub async fn spawn_app_via_recorder(adjust: impl FnOnce(&mut Config)) -> (TestApp, Recorder) {
    const KEY: &str = "hh_live_recorded_upstream_key";
    let dir = tempfile::tempdir().unwrap();
    let sandbox = start_sandbox(dir.path(), KEY).await;
    let recorder = Recorder::start(sandbox.base_url()).await;
    let mut c = config(dir.path());
    c.upstream = Upstream::HangHut { base_url: recorder.base_url.parse().unwrap(), api_key: SecretString::from(KEY) };
    c.upstream_timeout = Duration::from_secs(2);
    adjust(&mut c);
    let config = c.clone();
    let app = build_watched(c).await;
    let url = app.public_url().as_str().trim_end_matches('/').to_owned();
    tokio::spawn(app.run_until(std::future::pending()));
    let sandbox_url = sandbox.base_url();
    let app = TestApp {
        url,
        http: no_redirects(),
        sandbox_url,
        sandbox_key: KEY.into(),
        ticketwave_url: None,
        config,
        _sandbox: Some(sandbox),
        _dir: dir,
        _leaks: LeakCheck,
    };
    (app, recorder)
}

/// What a `Recorder` does to the calls it passes on: faults of a platform, over real HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Every call is passed on and answered.
    None,
    /// Calls reach the platform, but their answers come this much later.
    Slow(Duration),
    /// 500s (whose body carries internal detail no buyer may see), the platform not asked.
    ServerErrors,
    /// 429s with `Retry-After: 1`, the platform not asked.
    RateLimited,
    /// The connection is reset once the request has been read, the platform not asked.
    Resets,
}

/// What the 500s of `Fault::ServerErrors` say: it must never reach a client.
pub const UPSTREAM_INTERNAL_DETAIL: &str = "pg pool exhausted at 10.20.30.40:5432 (trace 7f3a-internal)";

/// A pass-through in front of the platform: forwards every call, records each
/// `POST /checkouts` with its `Idempotency-Key`, can lose the answer to the next few
/// (the platform acted, the proxy sees a 502), and can play a platform's faults (`Fault`).
/// Each connection carries one call (no keep-alive), so a fault applies from the next call.
#[derive(Clone)]
pub struct Recorder {
    pub base_url: String,
    checkouts: Arc<Mutex<Vec<Option<String>>>>,
    lose_answers: Arc<AtomicUsize>,
    fault: Arc<Mutex<Fault>>,
    calls: Arc<AtomicUsize>,
    checkouts_arrived: Arc<AtomicUsize>,
}

impl Recorder {
    pub async fn start(upstream: String) -> Recorder {
        transcript().forbid_in_responses(UPSTREAM_INTERNAL_DETAIL);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let recorder = Recorder {
            base_url: format!("http://{}/v1", listener.local_addr().unwrap()),
            checkouts: Arc::default(),
            lose_answers: Arc::default(),
            fault: Arc::new(Mutex::new(Fault::None)),
            calls: Arc::default(),
            checkouts_arrived: Arc::default(),
        };
        let (state, http) = (recorder.clone(), reqwest::Client::new());
        let forward = move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
            let (state, http, upstream) = (state.clone(), http.clone(), upstream.clone());
            async move { state.forward(&http, &upstream, method, uri, headers, body).await }
        };
        let router = axum::Router::new().fallback(forward);
        let state = recorder.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                let (state, router) = (state.clone(), router.clone());
                tokio::spawn(async move { state.serve(stream, router).await });
            }
        });
        recorder
    }

    async fn serve(&self, mut stream: tokio::net::TcpStream, router: axum::Router) {
        use hyper_util::rt::TokioIo;
        use hyper_util::service::TowerToHyperService;
        use tower::ServiceExt;
        if self.fault() == Fault::Resets {
            self.calls.fetch_add(1, SeqCst);
            let mut request = [0u8; 4096];
            let _ = tokio::time::timeout(Duration::from_secs(1), stream.read(&mut request)).await;
            // Closing with SO_LINGER 0 sends a TCP reset instead of a clean close.
            let _ = stream.set_zero_linger();
            return;
        }
        let service = router.map_request(|r: axum::http::Request<hyper::body::Incoming>| r.map(Body::new));
        let _ = hyper::server::conn::http1::Builder::new()
            .keep_alive(false)
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
            .await;
    }

    async fn forward(
        &self,
        http: &reqwest::Client,
        upstream: &str,
        method: Method,
        uri: Uri,
        headers: HeaderMap,
        body: Bytes,
    ) -> Response {
        self.calls.fetch_add(1, SeqCst);
        let is_checkout = method == Method::POST && uri.path().ends_with("/checkouts");
        if is_checkout {
            self.checkouts_arrived.fetch_add(1, SeqCst);
        }
        let fault = self.fault();
        match fault {
            Fault::ServerErrors => {
                let body = serde_json::json!({"error": {"message": UPSTREAM_INTERNAL_DETAIL, "status": 500}});
                return (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response();
            }
            Fault::RateLimited => {
                let body = serde_json::json!({"error": {"message": "Rate limit exceeded", "status": 429}});
                return (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "1")], axum::Json(body)).into_response();
            }
            Fault::None | Fault::Slow(_) | Fault::Resets => {}
        }
        let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
        let url = format!("{}{}", upstream.trim_end_matches("/v1"), path);
        let mut request = http.request(method.clone(), url).body(body);
        for name in ["authorization", "content-type", "idempotency-key"] {
            if let Some(v) = headers.get(name) {
                request = request.header(name, v.clone());
            }
        }
        let response = request.send().await.unwrap();
        let status = StatusCode::from_u16(response.status().as_u16()).unwrap();
        let body = response.bytes().await.unwrap();
        if let Fault::Slow(delay) = fault {
            tokio::time::sleep(delay).await;
        }
        if is_checkout {
            let key = headers.get("idempotency-key").map(|v| v.to_str().unwrap().to_owned());
            self.checkouts.lock().unwrap().push(key);
            let lose = self.lose_answers.fetch_update(SeqCst, SeqCst, |n| n.checked_sub(1)).is_ok();
            if lose {
                return (
                    StatusCode::BAD_GATEWAY,
                    Bytes::from_static(b"{\"error\":{\"message\":\"lost\",\"status\":502}}"),
                )
                    .into_response();
            }
        }
        (status, body).into_response()
    }

    /// The `Idempotency-Key` of each `POST /checkouts` that reached the platform, in order.
    pub fn checkouts(&self) -> Vec<Option<String>> {
        self.checkouts.lock().unwrap().clone()
    }

    /// The platform carries out the next `n` checkouts but their answers are lost.
    pub fn lose_next_answers(&self, n: usize) {
        self.lose_answers.store(n, SeqCst);
    }

    /// Plays `fault` from the next call on.
    pub fn set_fault(&self, fault: Fault) {
        *self.fault.lock().unwrap() = fault;
    }

    fn fault(&self) -> Fault {
        *self.fault.lock().unwrap()
    }

    /// Calls the proxy has made (whatever became of them).
    pub fn calls(&self) -> usize {
        self.calls.load(SeqCst)
    }

    /// `POST /checkouts` calls that have arrived, answered or not yet.
    pub fn checkouts_arrived(&self) -> usize {
        self.checkouts_arrived.load(SeqCst)
    }
}

/// A proxy whose upstream is `base_url` with `api_key` (no embedded sandbox), and what keeps
/// its data directory (and checks it leaked nothing when dropped).
pub async fn spawn_app_against(base_url: &str, api_key: &str) -> (String, AppGuard) {
    spawn_app_against_with(base_url, api_key, |_| {}).await
}

/// `spawn_app_against`, with the config adjusted first.
pub async fn spawn_app_against_with(
    base_url: &str,
    api_key: &str,
    adjust: impl FnOnce(&mut Config),
) -> (String, AppGuard) {
    let dir = tempfile::tempdir().unwrap();
    let mut c = config(dir.path());
    c.upstream = Upstream::HangHut { base_url: base_url.parse().unwrap(), api_key: SecretString::from(api_key) };
    c.upstream_timeout = Duration::from_secs(2);
    adjust(&mut c);
    let app = build_watched(c).await;
    let url = app.public_url().as_str().trim_end_matches('/').to_owned();
    tokio::spawn(app.run_until(std::future::pending()));
    (url, AppGuard { _leaks: LeakCheck, _dir: dir })
}

pub struct AppGuard {
    _leaks: LeakCheck,
    _dir: tempfile::TempDir,
}

/// A sandbox on its own, for tests that point the proxy at it with other settings.
pub async fn start_sandbox(dir: &std::path::Path, key: &str) -> RunningSandbox {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    transcript().forbid(key);
    RunningSandbox::start(SandboxConfig::new(dir.join("sandbox.sqlite"), key), listener).await.unwrap()
}

pub fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

impl TestApp {
    pub async fn get(&self, path: &str) -> (u16, Value) {
        let r = self.http.get(format!("{}{path}", self.url)).send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> (u16, Value) {
        let r = self.http.post(format!("{}{path}", self.url)).json(body).send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// The tier's `available` as the platform itself reports it.
    pub async fn upstream_available(&self, event: &str, tier: &str) -> i64 {
        let r: Value = self
            .http
            .get(format!("{}/events/{event}", self.sandbox_url))
            .bearer_auth(&self.sandbox_key)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        r["data"]["ticket_tiers"].as_array().unwrap().iter().find(|t| t["id"] == tier).unwrap()["available"]
            .as_i64()
            .unwrap()
    }

    /// How many checkout sessions the platform has ever opened (any status): proof that a
    /// refused order never reached it.
    pub fn upstream_sessions(&self) -> i64 {
        let path = self.config.data_dir.join("sandbox.sqlite");
        let db = rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        db.query_row("SELECT COUNT(*) FROM checkout_sessions", [], |r| r.get(0)).unwrap()
    }

    /// A POST of raw bytes with the given headers; the status, headers and JSON body.
    pub async fn post_raw(&self, path: &str, headers: &[(&str, &str)], body: impl Into<reqwest::Body>) -> Answer {
        let mut request = self.http.post(format!("{}{path}", self.url)).body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Answer::from(request.send().await.unwrap()).await
    }

    /// The tier's `available` as the proxy shows it to buyers.
    pub async fn shown_available(&self, event: &str, tier: &str) -> i64 {
        let (status, body) = self.get(&format!("/api/v1/events/{event}")).await;
        assert_eq!(status, 200, "{body}");
        body["tiers"].as_array().unwrap().iter().find(|t| t["id"] == tier).unwrap()["available"].as_i64().unwrap()
    }

    /// Creates a checkout straight on the platform (not through the proxy) and pays it.
    pub async fn buy_upstream(&self, event: &str, tier: &str, quantity: u32) {
        buy_at(&self.http, &self.sandbox_url, &self.sandbox_key, event, tier, quantity).await;
    }
}

/// Creates a checkout straight on the sandbox at `sandbox_url` and pays it.
pub async fn buy_at(http: &reqwest::Client, sandbox_url: &str, key: &str, event: &str, tier: &str, quantity: u32) {
    let r: Value = http
        .post(format!("{sandbox_url}/checkouts"))
        .bearer_auth(key)
        .json(&serde_json::json!({
            "event_id": event, "tier_id": tier, "quantity": quantity,
            "customer": {"name": "Upstream Buyer", "email": "up@example.com"},
            "success_url": "https://elsewhere.example/ok"
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let url = r["data"]["checkout_url"].as_str().unwrap_or_else(|| panic!("{r}"));
    pay(http, url).await;
}

/// Presses Pay on the hosted checkout page; returns where the buyer is sent.
pub async fn pay(http: &reqwest::Client, checkout_url: &str) -> String {
    press(http, checkout_url, "pay").await
}

pub async fn cancel(http: &reqwest::Client, checkout_url: &str) -> String {
    press(http, checkout_url, "cancel").await
}

async fn press(http: &reqwest::Client, checkout_url: &str, button: &str) -> String {
    let r = http.post(format!("{checkout_url}/{button}")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303, "{button} should redirect");
    r.headers()["location"].to_str().unwrap().to_owned()
}

pub fn checkout_body(event: &str, tier: &str, quantity: i64) -> Value {
    serde_json::json!({
        "event_id": event,
        "tier_id": tier,
        "quantity": quantity,
        "customer": {"name": "Juan Dela Cruz", "email": "juan@example.com"}
    })
}

/// An error answer in the documented format, with the status and code expected (and a code
/// that goes with that status).
pub fn assert_error(status: u16, body: &Value, expected: u16, code: &str) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["error"]["status"], expected, "{body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert_code_fits(body);
}

/// The body's `code` is one this proxy sends, and its status is the body's.
pub fn assert_code_fits(body: &Value) {
    let code: tessera_core::ErrorCode = serde_json::from_value(body["error"]["code"].clone())
        .unwrap_or_else(|e| panic!("no readable code ({e}): {body}"));
    assert_ne!(code, tessera_core::ErrorCode::Other, "an unknown code: {body}");
    assert_eq!(code.status().map(Value::from), Some(body["error"]["status"].clone()), "{body}");
}

/// Polls `f` until it returns true or `within` passes.
pub async fn eventually(within: Duration, mut f: impl AsyncFnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if f().await {
            return true;
        }
        if tokio::time::Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A response, read whole.
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Answer {
    pub async fn from(r: reqwest::Response) -> Answer {
        let (status, headers) = (r.status().as_u16(), r.headers().clone());
        Answer { status, headers, body: r.json().await.unwrap_or(Value::Null) }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}
