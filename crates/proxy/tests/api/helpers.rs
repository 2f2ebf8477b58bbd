use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use std::time::Duration;
use tessera_proxy::config::Upstream;
use tessera_proxy::{Application, Config};
use tessera_sandbox::{RunningSandbox, SandboxConfig};

pub const WEBHOOK_SECRET: &str = "whsec_test_secret_for_signing";
pub const SUCCESS_URL: &str = "https://shop.example/tickets?from=tessera";
pub const CANCEL_URL: &str = "https://shop.example/tickets/cancelled";

pub struct TestApp {
    pub url: String,
    pub http: reqwest::Client,
    pub sandbox_url: String,
    pub sandbox_key: String,
    pub config: Config,
    _dir: tempfile::TempDir,
}

pub fn config(dir: &std::path::Path) -> Config {
    let mut c = Config::local(dir);
    c.listen = "127.0.0.1:0".parse().unwrap();
    c.widget_dir = dir.join("no-widget-here");
    c.hanghut_webhook_secret = Some(SecretString::from(WEBHOOK_SECRET));
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
    let app = Application::build(c).await.expect("proxy builds");
    let url = app.public_url().as_str().trim_end_matches('/').to_owned();
    let sandbox_url = app.sandbox_base_url().expect("sandbox upstream");
    let sandbox_key = app.sandbox_api_key().unwrap().expose_secret().to_owned();
    tokio::spawn(app.run_until(std::future::pending()));
    TestApp { url, http: no_redirects(), sandbox_url, sandbox_key, config, _dir: dir }
}

/// A proxy whose upstream is `base_url` with `api_key` (no embedded sandbox).
pub async fn spawn_app_against(base_url: &str, api_key: &str) -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut c = config(dir.path());
    c.upstream = Upstream::HangHut { base_url: base_url.parse().unwrap(), api_key: SecretString::from(api_key) };
    c.upstream_timeout = Duration::from_secs(2);
    let app = Application::build(c).await.expect("proxy builds");
    let url = app.public_url().as_str().trim_end_matches('/').to_owned();
    tokio::spawn(app.run_until(std::future::pending()));
    (url, dir)
}

/// A sandbox on its own, for tests that point the proxy at it with other settings.
pub async fn start_sandbox(dir: &std::path::Path, key: &str) -> RunningSandbox {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
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

    /// The tier's `available` as the proxy shows it to buyers.
    pub async fn shown_available(&self, event: &str, tier: &str) -> i64 {
        let (status, body) = self.get(&format!("/api/v1/events/{event}")).await;
        assert_eq!(status, 200, "{body}");
        body["tiers"].as_array().unwrap().iter().find(|t| t["id"] == tier).unwrap()["available"].as_i64().unwrap()
    }

    /// Creates a checkout straight on the platform (not through the proxy) and pays it.
    pub async fn buy_upstream(&self, event: &str, tier: &str, quantity: u32) {
        let r: Value = self
            .http
            .post(format!("{}/checkouts", self.sandbox_url))
            .bearer_auth(&self.sandbox_key)
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
        pay(&self.http, url).await;
    }
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

pub fn assert_error(status: u16, body: &Value, expected: u16) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["error"]["status"], expected, "{body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
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
