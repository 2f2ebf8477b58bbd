use crate::helpers::*;
use serde_json::{json, Value};
use std::time::Duration;
use tessera_sandbox::{seed, signature};

const SECRET: &str = "whsec_test_0c1d2e";

#[tokio::test]
async fn a_signed_ticket_purchased_webhook_arrives_for_each_ticket() {
    let hooks = Receiver::start(0).await;
    let t = target(&hooks, SECRET, &["ticket.purchased"]);
    let app = spawn_with(|c| c.webhooks = vec![t]).await;
    let checkout = app.checkout(seed::JAZZ_VIP, 2).await;
    assert_eq!(app.pay(&checkout).await.status(), 303);

    let got = hooks.wait_for(2, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 2);
    let mut ids = Vec::new();
    for delivery in &got {
        let sig = delivery.signature.as_deref().expect("X-HangHut-Signature header");
        assert_eq!(sig, hmac_hex(SECRET, &delivery.body), "signature is HMAC-SHA256 of the raw body");
        assert!(signature::verify(SECRET, &delivery.body, sig));
        assert_eq!(delivery.content_type.as_deref(), Some("application/json"));
        let payload = delivery.json();
        let id = payload["id"].as_str().unwrap().to_owned();
        assert!(id.starts_with("evt_"), "{id}");
        let created_at = payload["created_at"].as_str().unwrap();
        assert!(chrono::DateTime::parse_from_rfc3339(created_at).is_ok());
        let ticket_id = payload["data"]["ticket_id"].as_str().unwrap();
        assert_eq!(
            payload,
            json!({
                "id": id,
                "type": "ticket.purchased",
                "created_at": created_at,
                "data": {
                    "ticket_id": ticket_id,
                    "order_id": checkout,
                    "event_id": seed::JAZZ_NIGHT,
                    "tier_id": seed::JAZZ_VIP,
                    "customer": {"name": "Juan Dela Cruz"},
                    "amount": 2500
                }
            })
        );
        ids.push(id);
    }
    assert_ne!(ids[0], ids[1]);
}

/// Independent of the crate's own signing code, so a mistake there cannot hide here.
fn hmac_hex(secret: &str, body: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

#[tokio::test]
async fn a_failing_receiver_gets_retries_with_the_same_id_and_body() {
    let hooks = Receiver::start(2).await;
    let t = target(&hooks, SECRET, &[]);
    let app = spawn_with(|c| {
        c.webhooks = vec![t];
        c.webhook_retry_base = Duration::from_millis(50);
    })
    .await;
    let checkout = app.checkout(seed::JAZZ_GA, 1).await;
    app.pay(&checkout).await;

    let got = hooks.wait_for(3, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 3, "two failures then a success");
    assert!(got.iter().all(|d| d.body == got[0].body), "every attempt sends the same bytes");
    assert!(got.iter().all(|d| d.signature == got[0].signature));
    assert!(got[0].json()["id"].as_str().unwrap().starts_with("evt_"));
    // Delivered: no more attempts follow.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(hooks.received().len(), 3);
}

#[tokio::test]
async fn deliveries_stop_after_six_attempts() {
    let hooks = Receiver::start(usize::MAX).await;
    let t = target(&hooks, SECRET, &[]);
    let app = spawn_with(|c| {
        c.webhooks = vec![t];
        c.webhook_retry_base = Duration::from_millis(20);
    })
    .await;
    let checkout = app.checkout(seed::JAZZ_GA, 1).await;
    app.pay(&checkout).await;
    // Attempts at about 0, 20, 60, 140, 300 and 620 ms.
    let got = hooks.wait_for(6, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 6);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(hooks.received().len(), tessera_sandbox::MAX_ATTEMPTS as usize);
}

#[tokio::test]
async fn pending_deliveries_survive_a_restart() {
    let hooks = Receiver::start(1).await;
    let dir = tempfile::tempdir().unwrap();
    let config = |c: &mut tessera_sandbox::SandboxConfig| {
        c.webhooks = vec![target(&hooks, SECRET, &["ticket.purchased"])];
        // Far beyond the test: only a restart can bring the retry forward.
        c.webhook_retry_base = Duration::from_secs(3600);
    };
    let first = start_at(dir.path(), config).await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let created: Value = client
        .post(format!("{}/checkouts", first.base_url()))
        .bearer_auth(KEY)
        .json(&checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_GA, 1))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let checkout_url = created["data"]["checkout_url"].as_str().unwrap().to_owned();
    assert_eq!(client.post(format!("{checkout_url}/pay")).send().await.unwrap().status(), 303);
    assert_eq!(hooks.wait_for(1, Duration::from_secs(5)).await.len(), 1, "first attempt fails");
    first.shutdown().await;

    let second = start_at(dir.path(), config).await;
    let got = hooks.wait_for(2, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 2, "resent after the restart");
    assert_eq!(got[0].body, got[1].body);
    second.shutdown().await;
}

#[tokio::test]
async fn registered_webhooks_get_a_secret_once_and_receive_signed_events() {
    let hooks = Receiver::start(0).await;
    let app = spawn().await;
    let response =
        app.post("/webhooks", &json!({"url": hooks.url, "events": ["ticket.purchased", "ticket.refunded"]})).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    let data = &body["data"];
    assert!(data["id"].as_str().unwrap().starts_with("wh_"));
    assert_eq!(data["url"], hooks.url.as_str());
    assert_eq!(data["events"], json!(["ticket.purchased", "ticket.refunded"]));
    assert_eq!(data["is_active"], true);
    let secret = data["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_") && secret.len() > 20, "{secret}");

    let checkout = app.checkout(seed::JAZZ_GA, 1).await;
    app.pay(&checkout).await;
    let got = hooks.wait_for(1, Duration::from_secs(5)).await;
    let ticket_id = got[0].json()["data"]["ticket_id"].as_str().unwrap().to_owned();
    assert!(signature::verify(&secret, &got[0].body, got[0].signature.as_deref().unwrap()));

    app.post(&format!("/tickets/{ticket_id}/refund"), &json!({})).await;
    let got = hooks.wait_for(2, Duration::from_secs(5)).await;
    let refunded = got[1].json();
    assert_eq!(refunded["type"], "ticket.refunded");
    assert_eq!(
        refunded["data"],
        json!({"ticket_id": ticket_id, "event_id": seed::JAZZ_NIGHT, "tier_id": seed::JAZZ_GA,
               "customer": {"name": "Juan Dela Cruz"}, "amount": 1000})
    );
}

#[tokio::test]
async fn webhook_registration_requires_a_url_and_known_event_types() {
    let app = spawn().await;
    let (status, message) = error_of(app.post("/webhooks", &json!({"url": "https://x.example/hook"})).await).await;
    assert_eq!((status, message.as_str()), (400, "events is required"));
    let (status, message) = error_of(app.post("/webhooks", &json!({"events": ["ticket.purchased"]})).await).await;
    assert_eq!((status, message.as_str()), (400, "url is required"));
    let (status, message) =
        error_of(app.post("/webhooks", &json!({"url": "https://x.example/hook", "events": ["ticket.sold"]})).await)
            .await;
    assert_eq!(status, 400);
    assert!(message.starts_with("Unknown event type"), "{message}");
}

#[tokio::test]
async fn changing_an_event_sends_event_updated_with_the_changed_fields() {
    let hooks = Receiver::start(0).await;
    let t = target(&hooks, SECRET, &["event.updated"]);
    let app = spawn_with(|c| c.webhooks = vec![t]).await;
    let response =
        app.put(&format!("/events/{}", seed::WINTER_MARKET), &json!({"status": "active", "city": "Baguio"})).await;
    assert_eq!(response.status(), 200);
    let got = hooks.wait_for(1, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 1);
    let payload = got[0].json();
    assert_eq!(payload["type"], "event.updated");
    assert_eq!(payload["data"], json!({"event_id": seed::WINTER_MARKET, "status": "active"}));
}
