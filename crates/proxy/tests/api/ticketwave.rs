//! TicketWave (issue 7) through the proxy's real webhook endpoint, with the embedded
//! TicketWave sandbox as the platform its events are read from: every example payload of the
//! document (tests/fixtures/ticketwave/, verbatim) changes availability or state as expected,
//! once however often it is replayed; a wrong signature is a 401 and a malformed delivery a
//! 400, each with nothing changed; a real sale on the platform reaches buyers by its webhook.

use secrecy::SecretString;
use serde_json::{json, Value};
use std::time::Duration;
use tessera_core::Currency;
use tessera_proxy::platform_config::{TicketWaveConfig, TicketWaveUpstream};
use tessera_proxy::webhook::sign;

use crate::helpers::*;

const SECRET: &str = "ticketwave-webhook-secret-for-tests";
/// The document's own event, which the sandbox is seeded with.
const EVENT: &str = "ticketwave:evt_x9y8z7";

async fn app() -> TestApp {
    spawn_app_with(|c| {
        c.platforms.ticketwave = Some(TicketWaveConfig {
            upstream: TicketWaveUpstream::Sandbox,
            webhook_secret: Some(SecretString::from(SECRET)),
            currency: Currency::EUR,
            // The document's event, 2026-07-15 14:00, is on Madrid's summer time: +02:00.
            time_zone: Some(chrono_tz::Europe::Madrid),
            utc_offset: "+00:00".into(),
        });
    })
    .await
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/ticketwave/{name}.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Posts a delivery as TicketWave does: signed, with its event type in a header.
async fn deliver(app: &TestApp, kind: &str, body: &[u8]) -> Answer {
    let signature = sign(SECRET.as_bytes(), body);
    let headers = [
        ("content-type", "application/json"),
        ("x-ticketwave-signature", signature.as_str()),
        ("x-ticketwave-event", kind),
    ];
    app.post_raw("/webhooks/ticketwave", &headers, body.to_vec()).await
}

async fn event(app: &TestApp) -> Value {
    let (status, body) = app.get(&format!("/api/v1/events/{EVENT}")).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// (General, VIP) seats as buyers see them.
async fn seats(app: &TestApp) -> (i64, i64) {
    let body = event(app).await;
    let left = |name: &str| {
        body["tiers"].as_array().unwrap().iter().find(|t| t["name"] == name).unwrap()["available"].as_i64().unwrap()
    };
    (left("General"), left("VIP"))
}

/// Delivers a fixture twice: applied once, recognised the second time.
async fn replay(app: &TestApp, kind: &str) {
    let body = fixture(kind);
    let first = deliver(app, kind, &body).await;
    assert_eq!((first.status, &first.body["duplicate"]), (200, &json!(false)), "{kind}: {}", first.body);
    let again = deliver(app, kind, &body).await;
    assert_eq!((again.status, &again.body["duplicate"]), (200, &json!(true)), "{kind}: {}", again.body);
}

#[tokio::test]
async fn the_documents_event_reads_with_exact_prices_and_where_buyers_pay() {
    let app = app().await;
    let body = event(&app).await;
    let tiers: Vec<Value> = body["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| json!([t["id"], t["name"], t["price"], t["available"]]))
        .collect();
    assert_eq!(
        tiers,
        [
            json!(["general", "General", {"amount": 2500, "currency": "EUR"}, 400]),
            json!(["vip", "VIP", {"amount": 7500, "currency": "EUR"}, 100]),
        ]
    );
    assert_eq!(body["start_datetime"], "2026-07-15T14:00:00+02:00");
    assert_eq!(
        body["sold_elsewhere"],
        json!({"platform": "TicketWave", "url": "https://www.ticketwavehq.com/events/summer-pool-party-2026"})
    );
    // The document has no checkout session: no order is opened here.
    let (status, answer) = app.post_json("/api/v1/checkout", &checkout_body(EVENT, "vip", 1)).await;
    assert_error(status, &answer, 409, "sold_elsewhere");
    assert!(answer["error"]["message"].as_str().unwrap().contains("ticketwavehq.com/events/summer-pool-party-2026"));
}

#[tokio::test]
async fn every_document_payload_changes_availability_or_state_once() {
    let app = app().await;
    assert_eq!(seats(&app).await, (400, 100));

    replay(&app, "webhook.ping").await;
    replay(&app, "order.created").await;
    // One VIP ticket; the platform's own count does not know the order, the webhook does.
    assert_eq!(seats(&app).await, (400, 99));
    replay(&app, "checkin.completed").await;
    assert_eq!(seats(&app).await, (400, 99), "a check-in changes nothing");
    replay(&app, "order.refunded").await;
    assert_eq!(seats(&app).await, (400, 100), "a full refund gives the ticket back");
    replay(&app, "event.published").await;
    assert_eq!(event(&app).await["status"], "active");
    replay(&app, "event.cancelled").await;
    let cancelled = event(&app).await;
    assert_eq!(cancelled["status"], "cancelled", "{cancelled}");
    // The platform's API (the sandbox was not cancelled) is read again after the TTL: a
    // cancellation stays.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(event(&app).await["status"], "cancelled");
}

#[tokio::test]
async fn forged_and_malformed_deliveries_change_nothing() {
    let app = app().await;
    let body = fixture("order.created");
    let forged = sign(b"someone else's secret", &body);
    for headers in [vec![("x-ticketwave-signature", forged.as_str())], vec![]] {
        let answer = app.post_raw("/webhooks/ticketwave", &headers, body.clone()).await;
        assert_error(answer.status, &answer.body, 401, "unauthorized");
    }
    // Signed, but not what it says it is, or not a TicketWave delivery at all.
    let mismatch = deliver(&app, "order.refunded", &body).await;
    assert_error(mismatch.status, &mismatch.body, 400, "invalid");
    for bad in [&b"[]"[..], br#"{"event":"order.created","data":{"orderId":"o1"}}"#, b"{\"event\":"] {
        let answer = deliver(&app, "order.created", bad).await;
        assert_error(answer.status, &answer.body, 400, "invalid");
    }
    assert_eq!(seats(&app).await, (400, 100));
}

#[tokio::test]
async fn a_sale_on_the_platform_reaches_buyers_through_its_signed_webhook() {
    let app = app().await;
    assert_eq!(seats(&app).await, (400, 100));
    let platform = app.ticketwave_url.clone().expect("the embedded TicketWave runs");
    let sale = app
        .http
        .post(format!("{platform}/sandbox/orders"))
        .json(&json!({"eventId": "evt_x9y8z7", "tierName": "VIP", "quantity": 2,
            "customerName": "Jane Smith", "customerEmail": "jane@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(sale.status().as_u16(), 201);
    let seen = eventually(Duration::from_secs(5), async || seats(&app).await == (400, 98)).await;
    assert!(seen, "{:?}", seats(&app).await);
}
