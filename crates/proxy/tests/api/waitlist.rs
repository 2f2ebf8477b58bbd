//! The waiting list of a sold-out tier, end to end over real HTTP: sign-ups to the proxy, a
//! refund on the sandbox platform (its signed `ticket.refunded` webhook), the email read from a
//! real SMTP server on loopback (aiosmtpd, `tests/smtp/mailbox.py`), the site owner's signed
//! webhook read by a server of its own, the unsubscribe page, and `waitlist purge`.

use axum::http::HeaderMap;
use secrecy::SecretString;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tessera_proxy::waitlist::owner_webhook;
use tessera_proxy::waitlist::settings::{OwnerWebhookConfig, WaitlistConfig};
use tessera_sandbox::seed::{JAZZ_EARLY, JAZZ_GA, JAZZ_NIGHT, JAZZ_VIP};

use crate::helpers::*;
use crate::leaks::transcript;

const OWNER_SECRET: &str = "whsec_waitlist_owner_secret_for_tests";
const SHOP_PAGE: &str = "https://shop.example/jazz-night";

/// aiosmtpd on a free loopback port, each message it receives kept as JSON.
struct Mailbox {
    port: u16,
    messages: Arc<Mutex<Vec<Value>>>,
    child: Child,
}

impl Mailbox {
    fn start() -> Mailbox {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut child = Command::new(root.join(".venv-tools/bin/python"))
            .arg(root.join("tests/smtp/mailbox.py"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("aiosmtpd in .venv-tools (scripts/setup.sh installs it)");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first: Value = serde_json::from_str(&lines.next().expect("the mailbox says its port").unwrap()).unwrap();
        let port = first["port"].as_u64().unwrap() as u16;
        let messages: Arc<Mutex<Vec<Value>>> = Arc::default();
        let kept = messages.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                kept.lock().unwrap().push(serde_json::from_str(&line).unwrap());
            }
        });
        Mailbox { port, messages, child }
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    fn received(&self) -> Vec<Value> {
        self.messages.lock().unwrap().clone()
    }

    async fn wait_for(&self, n: usize) -> Vec<Value> {
        let arrived = eventually(Duration::from_secs(10), async || self.received().len() >= n).await;
        assert!(arrived, "{} emails arrived, {n} expected", self.received().len());
        self.received()
    }
}

impl Drop for Mailbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The site owner's webhook receiver: every delivery's headers and raw body.
#[derive(Clone, Default)]
struct Owner {
    deliveries: Arc<Mutex<Vec<(HeaderMap, String)>>>,
}

impl Owner {
    async fn start() -> (Owner, String) {
        let owner = Owner::default();
        let kept = owner.clone();
        let router = axum::Router::new().route(
            "/hooks/waitlist",
            axum::routing::post(move |headers: HeaderMap, body: String| {
                let kept = kept.clone();
                async move {
                    kept.deliveries.lock().unwrap().push((headers, body));
                    "ok"
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hooks/waitlist", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        (owner, url)
    }

    fn received(&self) -> Vec<(HeaderMap, String)> {
        self.deliveries.lock().unwrap().clone()
    }
}

fn waitlist_config(mailbox: &Mailbox, owner_url: Option<&str>) -> WaitlistConfig {
    transcript().forbid(OWNER_SECRET);
    WaitlistConfig {
        smtp_url: SecretString::from(mailbox.url()),
        mail_from: "Jazz Tickets <tickets@shop.example>".into(),
        owner_webhook: owner_url
            .map(|url| OwnerWebhookConfig { url: url.parse().unwrap(), secret: SecretString::from(OWNER_SECRET) }),
        batch: 50,
    }
}

async fn spawn_with_waitlist(mailbox: &Mailbox, owner_url: Option<&str>) -> TestApp {
    let config = waitlist_config(mailbox, owner_url);
    spawn_app_with(move |c| {
        c.waitlist = Some(config);
        c.allowed_origins = vec!["https://shop.example".into()];
    })
    .await
}

fn sign_up(tier: &str, email: &str) -> Value {
    json!({"event_id": JAZZ_NIGHT, "tier_id": tier, "email": email, "consent": true, "page_url": SHOP_PAGE})
}

/// VIP has 3 seats left in the seed: bought on the platform, it is sold out.
async fn sell_out_vip(app: &TestApp) {
    app.buy_upstream(JAZZ_NIGHT, JAZZ_VIP, 3).await;
    let sold_out =
        eventually(Duration::from_secs(5), async || app.shown_available(JAZZ_NIGHT, JAZZ_VIP).await == 0).await;
    assert!(sold_out, "the proxy shows VIP sold out");
}

/// The sandbox's sold VIP tickets.
async fn vip_tickets(app: &TestApp) -> Vec<String> {
    let r: Value = app
        .http
        .get(format!("{}/events/{JAZZ_NIGHT}/attendees?status=sold&per_page=100", app.sandbox_url))
        .bearer_auth(&app.sandbox_key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    r["data"]["attendees"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["tier"]["name"] == "VIP")
        .map(|a| a["ticket_id"].as_str().unwrap().to_owned())
        .collect()
}

async fn refund(app: &TestApp, ticket: &str) {
    let r = app
        .http
        .post(format!("{}/tickets/{ticket}/refund", app.sandbox_url))
        .bearer_auth(&app.sandbox_key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "{}", r.text().await.unwrap());
}

/// A header of a received message, as the mailbox decoded it.
fn header<'a>(message: &'a Value, name: &str) -> Option<&'a str> {
    message["headers"][name].as_str()
}

fn unsubscribe_link(message: &Value) -> String {
    let value = header(message, "List-Unsubscribe").expect("a List-Unsubscribe header");
    value.trim_start_matches('<').trim_end_matches('>').to_owned()
}

#[tokio::test]
async fn a_refund_emails_the_first_on_the_list_once_and_tells_the_owner_with_a_signed_webhook() {
    let mailbox = Mailbox::start();
    let (owner, owner_url) = Owner::start().await;
    let app = spawn_with_waitlist(&mailbox, Some(&owner_url)).await;
    sell_out_vip(&app).await;

    let (status, offer) = app.get("/api/v1/waitlist").await;
    assert_eq!((status, offer), (200, json!({"offered": true})));
    for who in ["first@example.com", "second@example.com", "third@example.com"] {
        let (status, body) = app.post_json("/api/v1/waitlist", &sign_up(JAZZ_VIP, who)).await;
        assert_eq!((status, body), (200, json!({"event_id": JAZZ_NIGHT, "tier_id": JAZZ_VIP})));
    }
    let (status, again) = app.post_json("/api/v1/waitlist", &sign_up(JAZZ_VIP, "FIRST@example.com")).await;
    assert_eq!(status, 200, "signing up again is the same answer: {again}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(mailbox.received().is_empty(), "nothing is sent while the tier is sold out");

    let tickets = vip_tickets(&app).await;
    assert_eq!(tickets.len(), 3, "{tickets:?}");
    refund(&app, &tickets[0]).await;

    let mail = mailbox.wait_for(1).await;
    assert_eq!(mail[0]["rcpt_tos"], json!(["first@example.com"]), "one seat back: the first to sign up, once");
    let message = &mail[0];
    let text = message["text"].as_str().unwrap();
    assert_eq!(header(message, "Subject"), Some("Tickets are back: VIP at Manila Jazz Night"), "{message}");
    assert!(text.contains(SHOP_PAGE), "the email links to the page the buyer signed up on: {text}");
    assert_eq!(header(message, "List-Unsubscribe-Post"), Some("List-Unsubscribe=One-Click"));
    let unsubscribe = unsubscribe_link(message);
    assert!(unsubscribe.starts_with(&format!("{}/waitlist/unsubscribe/", app.url)), "{unsubscribe}");
    assert!(text.contains(&unsubscribe), "the link is in the text too: {text}");

    // The owner hears of it once, signed over a timestamp.
    assert!(eventually(Duration::from_secs(5), async || owner.received().len() == 1).await);
    let (headers, body) = owner.received().remove(0);
    let signature = headers[owner_webhook::SIGNATURE_HEADER].to_str().unwrap().to_owned();
    let now = chrono::Utc::now().timestamp();
    assert!(owner_webhook::verify(OWNER_SECRET.as_bytes(), &signature, body.as_bytes(), now, 300), "{signature}");
    assert!(!owner_webhook::verify(b"another secret", &signature, body.as_bytes(), now, 300));
    let delivery: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(delivery["type"], "waitlist.notified");
    assert_eq!(
        delivery["data"],
        json!({"event_id": JAZZ_NIGHT, "tier_id": JAZZ_VIP, "available": 1, "notified": 1, "failed": 0, "waiting": 2})
    );
    assert!(!body.contains("@example.com"), "no address leaves the proxy in the webhook: {body}");

    // More snapshots of the same return (a second refund: 2 seats, never sold out in between)
    // email nobody else.
    refund(&app, &tickets[1]).await;
    assert!(eventually(Duration::from_secs(5), async || app.shown_available(JAZZ_NIGHT, JAZZ_VIP).await == 2).await);
    let _ = app.get(&format!("/api/v1/events/{JAZZ_NIGHT}")).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(mailbox.received().len(), 1, "one email per return of seats, not one per snapshot");
    assert_eq!(owner.received().len(), 1);

    // The unsubscribe link: a GET only asks (mail scanners follow links), the POST removes.
    let page = app.http.get(&unsubscribe).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    assert_eq!(page.headers()["cache-control"], "no-store");
    let html = page.text().await.unwrap();
    assert!(html.contains("VIP at Manila Jazz Night") && html.contains("<button type=\"submit\">"), "{html}");
    let page_again = app.http.get(&unsubscribe).send().await.unwrap();
    assert_eq!(page_again.status().as_u16(), 200, "a GET removed nothing");
    // RFC 8058's one-click POST, as a mail client sends it.
    let removed = app
        .http
        .post(&unsubscribe)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status().as_u16(), 200);
    assert_eq!(app.http.get(&unsubscribe).send().await.unwrap().status().as_u16(), 404, "the entry is gone");
    assert_eq!(app.http.post(&unsubscribe).send().await.unwrap().status().as_u16(), 200, "twice is harmless");
    let guessed = format!("{}/waitlist/unsubscribe/{}", app.url, "0".repeat(64));
    assert_eq!(app.http.get(&guessed).send().await.unwrap().status().as_u16(), 404);
}

#[tokio::test]
async fn sold_out_again_then_back_emails_the_next_people_not_those_already_told() {
    let mailbox = Mailbox::start();
    let app = spawn_with_waitlist(&mailbox, None).await;
    sell_out_vip(&app).await;
    for who in ["a@example.com", "b@example.com", "c@example.com"] {
        assert_eq!(app.post_json("/api/v1/waitlist", &sign_up(JAZZ_VIP, who)).await.0, 200);
    }
    let tickets = vip_tickets(&app).await;
    refund(&app, &tickets[0]).await;
    let mail = mailbox.wait_for(1).await;
    assert_eq!(mail[0]["rcpt_tos"], json!(["a@example.com"]));

    // Sold out again, then one back: the next person.
    app.buy_upstream(JAZZ_NIGHT, JAZZ_VIP, 1).await;
    assert!(eventually(Duration::from_secs(5), async || app.shown_available(JAZZ_NIGHT, JAZZ_VIP).await == 0).await);
    let tickets = vip_tickets(&app).await;
    refund(&app, &tickets[0]).await;
    let mail = mailbox.wait_for(2).await;
    assert_eq!(mail[1]["rcpt_tos"], json!(["b@example.com"]));
}

#[tokio::test]
async fn bad_sign_ups_get_clear_errors_and_change_nothing() {
    let mailbox = Mailbox::start();
    let app = spawn_with_waitlist(&mailbox, None).await;
    let post = |body: Value| {
        let app = &app;
        async move { app.post_json("/api/v1/waitlist", &body).await }
    };
    // Early Bird is sold out in the seed.
    let (status, body) =
        post(json!({"event_id": "no-such-event", "tier_id": JAZZ_EARLY, "email": "a@example.com", "consent": true}))
            .await;
    assert_error(status, &body, 404, "not_found");
    let (status, body) =
        post(json!({"event_id": JAZZ_NIGHT, "tier_id": "no-such-tier", "email": "a@example.com", "consent": true}))
            .await;
    assert_error(status, &body, 400, "invalid");
    assert_eq!(body["error"]["fields"], json!([{"field": "tier_id", "problem": {"kind": "unknown"}}]));
    let (status, body) =
        post(json!({"event_id": JAZZ_NIGHT, "tier_id": JAZZ_GA, "email": "a@example.com", "consent": true})).await;
    assert_error(status, &body, 422, "unprocessable");
    assert!(body["error"]["message"].as_str().unwrap().contains("tickets left"), "{body}");
    let (status, body) = post(json!({"event_id": JAZZ_NIGHT, "tier_id": JAZZ_EARLY, "email": "a@example.com"})).await;
    assert_error(status, &body, 400, "invalid");
    assert!(body["error"]["message"].as_str().unwrap().starts_with("Consent is required"), "{body}");
    let (status, body) =
        post(json!({"event_id": JAZZ_NIGHT, "tier_id": JAZZ_EARLY, "email": "a@example.com", "consent": false})).await;
    assert_error(status, &body, 400, "invalid");
    let (status, body) =
        post(json!({"event_id": JAZZ_NIGHT, "tier_id": JAZZ_EARLY, "email": "not-an-address", "consent": true})).await;
    assert_error(status, &body, 400, "invalid");
    assert_eq!(body["error"]["fields"], json!([{"field": "email", "problem": {"kind": "invalid"}}]));
    let (status, body) = post(
        json!({"event_id": JAZZ_NIGHT, "tier_id": JAZZ_EARLY, "email": "a@example.com", "consent": true, "price": 0}),
    )
    .await;
    assert_error(status, &body, 400, "invalid");

    let text = app.post_raw("/api/v1/waitlist", &[("content-type", "text/plain")], "{}").await;
    assert_error(text.status, &text.body, 415, "unsupported_media_type");
    let foreign = app
        .post_raw(
            "/api/v1/waitlist",
            &[("content-type", "application/json"), ("origin", "https://evil.example")],
            sign_up(JAZZ_EARLY, "a@example.com").to_string(),
        )
        .await;
    assert_error(foreign.status, &foreign.body, 403, "forbidden");
    let allowed = app
        .post_raw(
            "/api/v1/waitlist",
            &[("content-type", "application/json"), ("origin", "https://shop.example")],
            sign_up(JAZZ_EARLY, "ok@example.com").to_string(),
        )
        .await;
    assert_eq!(allowed.status, 200, "{}", allowed.body);
    assert_eq!(
        allowed.header("access-control-allow-origin"),
        Some("https://shop.example"),
        "the widget on an allowed page reads the answer"
    );
}

#[tokio::test]
async fn without_smtp_the_waiting_list_is_not_offered() {
    let app = spawn_app().await;
    let (status, offer) = app.get("/api/v1/waitlist").await;
    assert_eq!((status, offer), (200, json!({"offered": false})));
    let (status, body) = app.post_json("/api/v1/waitlist", &sign_up(JAZZ_EARLY, "a@example.com")).await;
    assert_error(status, &body, 404, "not_found");
    assert!(body["error"]["message"].as_str().unwrap().contains("no waiting list"), "{body}");
}

#[tokio::test]
async fn sign_ups_are_limited_per_client_like_promo_previews() {
    let mailbox = Mailbox::start();
    let config = waitlist_config(&mailbox, None);
    let app = spawn_app_with(move |c| {
        c.waitlist = Some(config);
        c.promo_previews_per_minute = 2;
    })
    .await;
    for who in ["a@example.com", "b@example.com"] {
        assert_eq!(app.post_json("/api/v1/waitlist", &sign_up(JAZZ_EARLY, who)).await.0, 200);
    }
    let limited = app
        .post_raw(
            "/api/v1/waitlist",
            &[("content-type", "application/json")],
            sign_up(JAZZ_EARLY, "c@example.com").to_string(),
        )
        .await;
    assert_error(limited.status, &limited.body, 429, "rate_limited");
    assert!(limited.header("retry-after").is_some());
}

#[tokio::test]
async fn purge_deletes_an_address_from_every_list_and_the_sent_log() {
    let mailbox = Mailbox::start();
    let app = spawn_with_waitlist(&mailbox, None).await;
    sell_out_vip(&app).await;
    for (tier, who) in
        [(JAZZ_VIP, "Gone@Example.com"), (JAZZ_EARLY, "gone@example.com"), (JAZZ_VIP, "stays@example.com")]
    {
        assert_eq!(app.post_json("/api/v1/waitlist", &sign_up(tier, who)).await.0, 200);
    }
    let tickets = vip_tickets(&app).await;
    refund(&app, &tickets[0]).await;
    mailbox.wait_for(1).await;

    let purge = |email: &str| {
        Command::new(env!("CARGO_BIN_EXE_tessera-proxy"))
            .env_clear()
            .env("TESSERA_DATA_DIR", &app.config.data_dir)
            .args(["waitlist", "purge", email])
            .output()
            .unwrap()
    };
    let out = purge("GONE@example.com");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("removed 3 rows") && said.contains("2 waiting-list entries, 1 sent-log lines"), "{said}");
    let again = purge("gone@example.com");
    assert!(String::from_utf8_lossy(&again.stdout).contains("removed 0 rows"), "{again:?}");

    let db = rusqlite::Connection::open(app.config.data_dir.join("proxy.sqlite")).unwrap();
    let left = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(left("SELECT COUNT(*) FROM waitlist_entries WHERE email_key = 'gone@example.com'"), 0);
    assert_eq!(left("SELECT COUNT(*) FROM waitlist_sent WHERE email_key = 'gone@example.com'"), 0);
    assert_eq!(left("SELECT COUNT(*) FROM waitlist_entries"), 1, "another address stays");
    // The first on the list was told; the unsubscribe link of a purged entry now finds nothing.
    let link = unsubscribe_link(&mailbox.received()[0]);
    assert_eq!(app.http.get(&link).send().await.unwrap().status().as_u16(), 404);
}

#[tokio::test]
async fn the_openapi_document_describes_the_waiting_list() {
    let app = spawn_app().await;
    let (_, doc) = app.get("/api/v1/openapi.json").await;
    let path = &doc["paths"]["/api/v1/waitlist"];
    for status in ["200", "400", "403", "404", "415", "422", "429"] {
        assert!(path["post"]["responses"].get(status).is_some(), "POST /waitlist does not document {status}");
    }
    assert!(path["get"]["responses"].get("200").is_some());
    assert_eq!(doc["components"]["schemas"]["WaitlistRequest"]["additionalProperties"], false);
}

#[tokio::test]
async fn with_redis_an_address_on_two_proxies_lists_is_emailed_once_per_return() {
    const KEY: &str = "hh_live_waitlist_two_proxies_key";
    let redis = crate::redis::RedisServer::start().await;
    let mailbox = Mailbox::start();
    let dir = tempfile::tempdir().unwrap();
    let sandbox = start_sandbox(dir.path(), KEY).await;
    let http = no_redirects();
    let (mut proxies, mut guards) = (Vec::new(), Vec::new());
    for _ in 0..2 {
        let (url, config) = (redis.url(), waitlist_config(&mailbox, None));
        let (proxy, guard) = spawn_app_against_with(&sandbox.base_url(), KEY, move |c| {
            c.redis_url = Some(url.into());
            c.waitlist = Some(config);
        })
        .await;
        let ready = eventually(Duration::from_secs(10), async || {
            let r: Value = http.get(format!("{proxy}/readyz")).send().await.unwrap().json().await.unwrap();
            r["redis"] == "ok"
        })
        .await;
        assert!(ready, "{proxy} never saw Redis");
        proxies.push(proxy);
        guards.push(guard);
    }
    buy_at(&http, &sandbox.base_url(), KEY, JAZZ_NIGHT, JAZZ_VIP, 3).await;
    // The same address signs up at both proxies (a buyer balanced to each in turn).
    for proxy in &proxies {
        let r =
            http.post(format!("{proxy}/api/v1/waitlist")).json(&sign_up(JAZZ_VIP, "twice@example.com")).send().await;
        let r = r.unwrap();
        assert_eq!(r.status().as_u16(), 200, "{}", r.text().await.unwrap());
    }
    // A seat comes back; the platform tells the first proxy, which tells the other through Redis.
    let attendees: Value = http
        .get(format!("{}/events/{JAZZ_NIGHT}/attendees?status=sold", sandbox.base_url()))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ticket = attendees["data"]["attendees"][0]["ticket_id"].as_str().unwrap().to_owned();
    let refunded =
        http.post(format!("{}/tickets/{ticket}/refund", sandbox.base_url())).bearer_auth(KEY).send().await.unwrap();
    assert_eq!(refunded.status().as_u16(), 200);
    let body = json!({"id": "evt_waitlist_refund_1", "type": "ticket.refunded", "created_at": "2026-03-21T10:30:00Z",
        "data": {"ticket_id": ticket, "event_id": JAZZ_NIGHT, "tier_id": JAZZ_VIP, "amount": 2500}})
    .to_string();
    let delivered = http
        .post(format!("{}/webhooks/hanghut", proxies[0]))
        .header("content-type", "application/json")
        .header("X-HangHut-Signature", tessera_proxy::webhook::sign(WEBHOOK_SECRET.as_bytes(), body.as_bytes()))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(delivered.status().as_u16(), 200);
    // Both proxies see the seat back (the second one through Redis).
    for proxy in &proxies {
        let back = eventually(Duration::from_secs(5), async || {
            let r: Value =
                http.get(format!("{proxy}/api/v1/events/{JAZZ_NIGHT}")).send().await.unwrap().json().await.unwrap();
            r["tiers"].as_array().unwrap().iter().any(|t| t["id"] == JAZZ_VIP && t["available"] == 1)
        })
        .await;
        assert!(back, "{proxy} never saw the seat back");
    }
    mailbox.wait_for(1).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(mailbox.received().len(), 1, "one email, though the address is on two proxies' lists");
}
