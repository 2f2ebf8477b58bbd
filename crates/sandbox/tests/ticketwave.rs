//! The TicketWave sandbox over real HTTP: each test starts its own on 127.0.0.1:0 (in-memory
//! SQLite) and talks to it with reqwest, as a TicketWave client would.

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use reqwest::Response;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tessera_sandbox::signature;
use tessera_sandbox::ticketwave::{self, RunningTicketWave, TicketWaveConfig};

const EMAIL: &str = "organiser@example.com";
const PASSWORD: &str = "correct horse battery staple";

struct Sandbox {
    _running: RunningTicketWave,
    base: String,
    http: reqwest::Client,
}

async fn spawn_with(configure: impl FnOnce(&mut TicketWaveConfig)) -> Sandbox {
    let mut config = TicketWaveConfig::new(EMAIL, PASSWORD);
    configure(&mut config);
    let running = ticketwave::start(config).await.expect("the TicketWave sandbox starts");
    Sandbox { base: running.base_url(), _running: running, http: reqwest::Client::new() }
}

async fn spawn() -> Sandbox {
    spawn_with(|_| {}).await
}

impl Sandbox {
    async fn login(&self) -> Response {
        self.post_anonymous("/api/auth/login", &json!({ "email": EMAIL, "password": PASSWORD })).await
    }

    async fn token(&self) -> String {
        let response = self.login().await;
        assert_eq!(response.status(), 200);
        response.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
    }

    async fn get(&self, path: &str, token: &str) -> Response {
        self.http.get(format!("{}{path}", self.base)).bearer_auth(token).send().await.unwrap()
    }

    async fn send(&self, method: reqwest::Method, path: &str, token: &str, body: &Value) -> Response {
        self.http.request(method, format!("{}{path}", self.base)).bearer_auth(token).json(body).send().await.unwrap()
    }

    async fn post_anonymous(&self, path: &str, body: &Value) -> Response {
        self.http.post(format!("{}{path}", self.base)).json(body).send().await.unwrap()
    }

    async fn event(&self, id: &str, token: &str) -> Value {
        let response = self.get(&format!("/api/admin/events/{id}"), token).await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// A paid order through the sandbox-only control; returns it.
    async fn sell(&self, tier: &str, quantity: u32) -> Value {
        let order = json!({
            "eventId": "evt_x9y8z7", "tierName": tier, "quantity": quantity,
            "customerName": "Jane Smith", "customerEmail": "jane@example.com", "phone": "+34600123456"
        });
        let response = self.post_anonymous("/sandbox/orders", &order).await;
        assert_eq!(response.status(), 201);
        response.json().await.unwrap()
    }

    async fn configure_webhook(&self, token: &str, url: &str, secret: &str) -> Value {
        let body = json!({ "url": url, "secret": secret });
        let response = self.send(reqwest::Method::PUT, "/api/admin/webhooks/config", token, &body).await;
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }
}

async fn error_of(response: Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("an error body is JSON");
    (status, body["error"].as_str().expect("{\"error\": \"message\"}").to_owned())
}

fn sold(event: &Value, tier: &str) -> u64 {
    event["tiers"].as_array().unwrap().iter().find(|t| t["name"] == tier).unwrap()["sold"].as_u64().unwrap()
}

#[derive(Clone, Debug)]
struct Delivery {
    headers: HeaderMap,
    body: Bytes,
}

impl Delivery {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// A webhook endpoint that records every POST and answers 500 to the first `fail_first`.
struct Receiver {
    url: String,
    received: Arc<Mutex<Vec<Delivery>>>,
}

impl Receiver {
    async fn start(fail_first: usize) -> Receiver {
        let received = Arc::new(Mutex::new(Vec::new()));
        let failing = Arc::new(AtomicUsize::new(fail_first));
        let log = received.clone();
        let app = axum::Router::new().route(
            "/hook",
            post(move |headers: HeaderMap, body: Bytes| {
                let (log, failing) = (log.clone(), failing.clone());
                async move {
                    log.lock().unwrap().push(Delivery { headers, body });
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

    /// Every delivery of `event` so far, waiting up to 5 s for at least `n`.
    async fn of(&self, event: &str, n: usize) -> Vec<Delivery> {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let got: Vec<Delivery> = self
                .received
                .lock()
                .unwrap()
                .iter()
                .filter(|d| d.header("x-ticketwave-event") == Some(event))
                .cloned()
                .collect();
            if got.len() >= n || Instant::now() > deadline {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

#[tokio::test]
async fn login_gives_a_jwt_that_expires_in_seven_days() {
    let sandbox = spawn().await;
    let response = sandbox.login().await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("x-ratelimit-remaining"));
    let body: Value = response.json().await.unwrap();
    let token = body["token"].as_str().unwrap();
    assert_eq!(token.split('.').count(), 3, "a compact JWT");
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    validation.insecure_disable_signature_validation();
    let claims =
        jsonwebtoken::decode::<Value>(token, &jsonwebtoken::DecodingKey::from_secret(b""), &validation).unwrap().claims;
    let exp = claims["exp"].as_i64().unwrap();
    let week = 7 * 24 * 3600;
    assert!((exp - chrono::Utc::now().timestamp() - week).abs() <= 5, "exp 7 days ahead: {claims}");
    let expires_at = chrono::DateTime::parse_from_rfc3339(body["expiresAt"].as_str().unwrap()).unwrap();
    assert_eq!(expires_at.timestamp(), exp, "expiresAt is the JWT's exp");
    assert!(!claims.to_string().contains(PASSWORD));
}

#[tokio::test]
async fn wrong_credentials_get_401_and_missing_fields_400() {
    let sandbox = spawn().await;
    let wrong = sandbox.post_anonymous("/api/auth/login", &json!({ "email": EMAIL, "password": "guess" })).await;
    assert_eq!(error_of(wrong).await, (401, "Invalid credentials".into()));
    let stranger = json!({ "email": "x@example.com", "password": PASSWORD });
    assert_eq!(error_of(sandbox.post_anonymous("/api/auth/login", &stranger).await).await.0, 401);
    let missing = sandbox.post_anonymous("/api/auth/login", &json!({ "email": EMAIL })).await;
    assert_eq!(error_of(missing).await, (400, "Missing required fields".into()));
}

#[tokio::test]
async fn admin_endpoints_need_a_valid_unexpired_token() {
    let sandbox = spawn_with(|c| c.token_ttl = Duration::from_secs(1)).await;
    let anonymous = sandbox.http.get(format!("{}/api/admin/events", sandbox.base)).send().await.unwrap();
    assert_eq!(error_of(anonymous).await, (401, "Missing authorization token".into()));
    assert_eq!(error_of(sandbox.get("/api/admin/events", "not.a.jwt").await).await, (401, "Invalid token".into()));

    let token = sandbox.token().await;
    assert_eq!(sandbox.get("/api/admin/events", &token).await.status(), 200);
    // exp is in whole seconds: two seconds are past it whatever the instant of issue.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(error_of(sandbox.get("/api/admin/events", &token).await).await, (401, "Token expired".into()));
    assert_eq!(sandbox.get("/api/admin/events", &sandbox.token().await).await.status(), 200, "a new login works");
}

#[tokio::test]
async fn revoked_tokens_get_401() {
    let sandbox = spawn().await;
    let token = sandbox.token().await;
    let revoke = sandbox.http.post(format!("{}/sandbox/revoke-tokens", sandbox.base)).send().await.unwrap();
    assert_eq!(revoke.status(), 204);
    assert_eq!(sandbox.get("/api/admin/events", &token).await.status(), 401);
    assert_eq!(sandbox.get("/api/admin/events", &sandbox.token().await).await.status(), 200);
}

#[tokio::test]
async fn events_read_as_the_document_shows_them() {
    let sandbox = spawn().await;
    let token = sandbox.token().await;
    let expected = json!({
        "id": "evt_x9y8z7", "title": "Summer Pool Party", "slug": "summer-pool-party-2026",
        "status": "published", "date": "2026-07-15", "startTime": "14:00", "endTime": "22:00",
        "venue": "Example Venue", "totalCapacity": 500, "currency": "EUR",
        "url": "https://www.ticketwavehq.com/events/summer-pool-party-2026",
        "tiers": [
            { "name": "General", "price": "25.00", "quantity": 400, "sold": 0 },
            { "name": "VIP", "price": "75.00", "quantity": 100, "sold": 0 }
        ]
    });
    assert_eq!(sandbox.event("evt_x9y8z7", &token).await, expected);

    let list: Value = sandbox.get("/api/admin/events", &token).await.json().await.unwrap();
    let list = list.as_array().expect("a bare JSON array");
    assert_eq!(list.len(), 2);
    assert_eq!(list[0], expected);
    assert_eq!(list[1]["tiers"].as_array().unwrap().len(), 3);
    assert!(list.iter().all(|e| e["status"] == "published"));

    let missing = sandbox.get("/api/admin/events/evt_nope", &token).await;
    assert_eq!(error_of(missing).await, (404, "Event not found".into()));
}

#[tokio::test]
async fn admin_requests_beyond_the_limit_get_429_with_the_remaining_count() {
    let sandbox = spawn_with(|c| c.admin_limit = 3).await;
    let token = sandbox.token().await;
    for left in ["2", "1", "0"] {
        let response = sandbox.get("/api/admin/events", &token).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["x-ratelimit-remaining"], left);
    }
    let refused = sandbox.get("/api/admin/events/evt_x9y8z7", &token).await;
    assert_eq!(refused.headers()["x-ratelimit-remaining"], "0");
    let retry_after: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let (status, message) = error_of(refused).await;
    assert_eq!(status, 429);
    assert!(message.contains("3 requests per minute"), "{message}");
    // The limit is the account's, not the token's: logging in again does not reset it.
    assert_eq!(sandbox.get("/api/admin/events", &sandbox.token().await).await.status(), 429);
}

#[tokio::test]
async fn a_sale_sends_a_correctly_signed_order_created() {
    let sandbox = spawn().await;
    let receiver = Receiver::start(0).await;
    let token = sandbox.token().await;
    let config = sandbox.configure_webhook(&token, &receiver.url, "whsec_tw_test").await;
    assert_eq!(config["url"], receiver.url.as_str());
    assert_eq!(config["events"].as_array().unwrap().len(), ticketwave::EVENT_TYPES.len());
    let ping = receiver.of("webhook.ping", 1).await;
    assert_eq!(ping.len(), 1, "configuring sends webhook.ping");

    let order = sandbox.sell("VIP", 2).await;
    let delivery = receiver.of("order.created", 1).await.pop().expect("order.created arrives");
    let signature = delivery.header("x-ticketwave-signature").expect("signed");
    assert!(signature::verify("whsec_tw_test", &delivery.body, signature), "hex HMAC-SHA256 of the raw body");
    assert_eq!(delivery.header("content-type"), Some("application/json"));
    let payload = delivery.json();
    assert_eq!(payload["event"], "order.created");
    assert!(payload["timestamp"].as_str().unwrap().ends_with('Z'));
    assert_eq!(payload["data"], order, "the order as the sale answered it");
    let data = &payload["data"];
    assert_eq!(data["status"], "paid");
    assert_eq!(data["eventId"], "evt_x9y8z7");
    assert_eq!((data["subtotal"].as_str(), data["total"].as_str()), (Some("150.00"), Some("150.00")));
    assert_eq!(data["discount"], "0.00");
    assert_eq!(data["currency"], "EUR");
    let tickets = data["tickets"].as_array().unwrap();
    assert_eq!(tickets.len(), 2);
    assert!(tickets.iter().all(|t| t["tierName"] == "VIP" && t["qrCode"].as_str().unwrap().starts_with("TW-VIP-")));
    for field in ["orderId", "orderNumber", "customerName", "customerEmail", "phone", "eventTitle", "eventDate"] {
        assert!(data[field].is_string(), "{field} in {data}");
    }
    assert!(data["addOns"].is_array() && data["promoCode"].is_null() && data["affiliateCode"].is_null());
    assert_eq!(sold(&sandbox.event("evt_x9y8z7", &token).await, "VIP"), 2);
}

#[tokio::test]
async fn a_refund_releases_the_tickets_and_sends_order_refunded() {
    let sandbox = spawn().await;
    let receiver = Receiver::start(0).await;
    let token = sandbox.token().await;
    sandbox.configure_webhook(&token, &receiver.url, "whsec_tw_test").await;
    let order = sandbox.sell("General", 3).await;
    let id = order["orderId"].as_str().unwrap();
    let refund = format!("/api/admin/orders/{id}/refund");

    let partial = sandbox.send(reqwest::Method::POST, &refund, &token, &json!({ "amount": "25.00" })).await;
    assert_eq!(partial.status(), 200);
    assert_eq!(sold(&sandbox.event("evt_x9y8z7", &token).await, "General"), 3, "a partial refund keeps the tickets");
    let rest = sandbox.send(reqwest::Method::POST, &refund, &token, &json!({ "reason": "customer_request" })).await;
    let rest: Value = rest.json().await.unwrap();
    assert_eq!((rest["refundAmount"].as_str(), rest["isFullRefund"].as_bool()), (Some("50.00"), Some(true)));
    assert_eq!(sold(&sandbox.event("evt_x9y8z7", &token).await, "General"), 0);
    let again = sandbox.send(reqwest::Method::POST, &refund, &token, &json!({})).await;
    assert_eq!(again.status(), 409);

    let refunds = receiver.of("order.refunded", 2).await;
    assert_eq!(refunds.len(), 2);
    let data: Vec<Value> = refunds.iter().map(|d| d.json()["data"].clone()).collect();
    assert_eq!((data[0]["isFullRefund"].as_bool(), data[0]["refundAmount"].as_str()), (Some(false), Some("25.00")));
    assert_eq!(data[1]["isFullRefund"], true);
    assert_eq!(data[1]["orderId"], id);
    assert_eq!(data[1]["reason"], "customer_request");
    let keys: Vec<&String> = data[1].as_object().unwrap().keys().collect();
    let mut expected = vec![
        "orderId",
        "orderNumber",
        "customerName",
        "customerEmail",
        "eventTitle",
        "refundAmount",
        "currency",
        "reason",
        "isFullRefund",
        "stripeRefundId",
    ];
    expected.sort();
    assert_eq!(keys, expected, "the document's order.refunded fields");
}

#[tokio::test]
async fn publishing_cancelling_and_scanning_send_their_webhooks() {
    let sandbox = spawn().await;
    let receiver = Receiver::start(1).await; // the ping fails once: it is retried
    let token = sandbox.token().await;
    sandbox.configure_webhook(&token, &receiver.url, "whsec_tw_test").await;

    let draft = json!({
        "title": "Winter Gala", "venueId": "venue-uuid", "date": "2026-12-12", "startTime": "20:00",
        "totalCapacity": 200, "tiers": [{ "name": "General", "price": 40, "quantity": 150 },
                                        { "name": "Table", "price": "120.50", "quantity": 50 }]
    });
    let created = sandbox.send(reqwest::Method::POST, "/api/admin/events", &token, &draft).await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    assert_eq!((created["status"].as_str(), created["slug"].as_str()), (Some("draft"), Some("winter-gala-2026")));
    let path = format!("/api/admin/events/{}", created["id"].as_str().unwrap());
    let published = sandbox.send(reqwest::Method::PUT, &path, &token, &json!({ "status": "published" })).await;
    assert_eq!(published.status(), 200);
    let event = receiver.of("event.published", 1).await.pop().expect("event.published").json();
    assert_eq!(event["data"]["eventId"], created["id"]);
    assert_eq!(event["data"]["tiers"][1], json!({ "name": "Table", "price": "120.50", "quantity": 50 }));

    let order = sandbox.sell("VIP", 1).await;
    let qr = order["tickets"][0]["qrCode"].as_str().unwrap();
    let scan = sandbox.send(reqwest::Method::POST, "/api/scan", &token, &json!({ "qrCode": qr })).await;
    assert_eq!(scan.status(), 200);
    assert!(scan.headers().contains_key("x-ratelimit-remaining"));
    let twice = sandbox.send(reqwest::Method::POST, "/api/scan", &token, &json!({ "qrCode": qr })).await;
    assert_eq!(twice.status(), 409);
    let checkin = receiver.of("checkin.completed", 1).await.pop().expect("checkin.completed").json();
    assert_eq!(checkin["data"]["ticketId"], order["tickets"][0]["ticketId"]);
    assert_eq!(checkin["data"]["gate"], "Main Entrance");

    let cancel = "/api/admin/events/evt_x9y8z7/cancel";
    let cancelled = sandbox.send(reqwest::Method::POST, cancel, &token, &json!({ "reason": "weather" })).await;
    assert_eq!(cancelled.status(), 200);
    let cancelled = receiver.of("event.cancelled", 1).await.pop().expect("event.cancelled").json();
    assert_eq!(cancelled["data"]["totalOrdersRefunded"], 1);
    assert_eq!(cancelled["data"]["totalRefundAmount"], "75.00");
    assert_eq!(cancelled["data"]["reason"], "weather");
    assert_eq!(sandbox.event("evt_x9y8z7", &token).await["status"], "cancelled");

    assert_eq!(receiver.of("webhook.ping", 2).await.len(), 2, "the failed ping was sent again");
}

#[tokio::test]
async fn tier_changes_keep_sales_and_only_drafts_are_deleted() {
    let sandbox = spawn().await;
    let token = sandbox.token().await;
    let order = sandbox.sell("VIP", 2).await;
    let path = "/api/admin/events/evt_x9y8z7";

    let dropping_vip = json!({ "tiers": [{ "name": "General", "price": "25.00", "quantity": 400 }] });
    assert_eq!(
        sandbox.send(reqwest::Method::PUT, path, &token, &dropping_vip).await.status(),
        409,
        "a tier with sales stays"
    );
    let below_sales = json!({ "tiers": [{ "name": "General", "price": "25.00", "quantity": 400 },
                                        { "name": "VIP", "price": "75.00", "quantity": 1 }] });
    assert_eq!(sandbox.send(reqwest::Method::PUT, path, &token, &below_sales).await.status(), 400);
    let repriced = json!({ "title": "Summer Pool Party XL", "tiers": [
        { "name": "General", "price": "27.50", "quantity": 450 }, { "name": "VIP", "price": 80, "quantity": 100 }] });
    let event: Value = sandbox.send(reqwest::Method::PUT, path, &token, &repriced).await.json().await.unwrap();
    assert_eq!(event["title"], "Summer Pool Party XL");
    assert_eq!(event["tiers"][0], json!({ "name": "General", "price": "27.50", "quantity": 450, "sold": 0 }));
    assert_eq!(event["tiers"][1], json!({ "name": "VIP", "price": "80.00", "quantity": 100, "sold": 2 }));

    let delete = sandbox.send(reqwest::Method::DELETE, path, &token, &json!({})).await;
    assert_eq!(delete.status(), 409, "only a draft can be deleted");
    let read = sandbox.get(&format!("/api/admin/orders/{}", order["orderId"].as_str().unwrap()), &token).await;
    let read: Value = read.json().await.unwrap();
    assert_eq!(read["tickets"], order["tickets"]);
}

#[tokio::test]
async fn a_file_database_keeps_sales_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ticketwave.sqlite");
    let first = spawn_with(|c| c.db_path = Some(db.clone())).await;
    first.sell("General", 4).await;
    first._running.shutdown().await;

    let second = spawn_with(|c| c.db_path = Some(db.clone())).await;
    let token = second.token().await;
    assert_eq!(sold(&second.event("evt_x9y8z7", &token).await, "General"), 4);
    let list: Value = second.get("/api/admin/events", &token).await.json().await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2, "seeded once");
}
