use crate::helpers::*;
use serde_json::{json, Value};
use std::time::Duration;
use tessera_sandbox::seed;

/// Buys `quantity` tickets in `tier` through the hosted page and returns their ids, as
/// announced by the `ticket.purchased` webhooks.
async fn buy(app: &TestSandbox, hooks: &Receiver, tier: &str, quantity: usize) -> (String, Vec<String>) {
    let already = hooks.received().len();
    let checkout = app.checkout(tier, quantity as i64).await;
    assert_eq!(app.pay(&checkout).await.status(), 303);
    let got = hooks.wait_for(already + quantity, Duration::from_secs(5)).await;
    assert_eq!(got.len(), already + quantity);
    let ids = got[already..].iter().map(|r| r.json()["data"]["ticket_id"].as_str().unwrap().to_owned()).collect();
    (checkout, ids)
}

async fn app_with_hooks() -> (TestSandbox, Receiver) {
    let hooks = Receiver::start(0).await;
    let t = target(&hooks, "whsec_tickets", &["ticket.purchased"]);
    let app = spawn_with(|c| c.webhooks = vec![t]).await;
    (app, hooks)
}

#[tokio::test]
async fn paid_tickets_can_be_verified_with_the_documented_shape() {
    let (app, hooks) = app_with_hooks().await;
    let (_, ids) = buy(&app, &hooks, seed::JAZZ_VIP, 2).await;
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1]);
    for id in &ids {
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
        let body = app.get_json(&format!("/tickets/{id}")).await;
        let purchased_at = body["data"]["purchased_at"].as_str().unwrap().to_owned();
        assert!(chrono::DateTime::parse_from_rfc3339(&purchased_at).is_ok());
        assert_eq!(
            body["data"],
            json!({
                "id": id,
                "status": "sold",
                "checked_in_at": null,
                "purchased_at": purchased_at,
                "event": {"id": seed::JAZZ_NIGHT, "title": "Manila Jazz Night",
                          "start_datetime": "2026-12-12T20:00:00+08:00", "venue_name": "The Podium Hall"},
                "tier": {"name": "VIP", "price": 2500},
                "customer": {"name": "Juan Dela Cruz", "email": "juan@example.com"}
            })
        );
    }
}

#[tokio::test]
async fn unknown_tickets_are_404() {
    let app = spawn().await;
    let (status, message) = error_of(app.get("/tickets/00000000-0000-4000-8000-000000000000").await).await;
    assert_eq!((status, message.as_str()), (404, "Ticket not found"));
}

#[tokio::test]
async fn paid_checkouts_are_listed_as_completed_orders() {
    let (app, hooks) = app_with_hooks().await;
    let (checkout, _) = buy(&app, &hooks, seed::JAZZ_VIP, 2).await;
    buy(&app, &hooks, seed::JAZZ_GA, 1).await;
    let body = app.get_json(&format!("/orders?event_id={}", seed::JAZZ_NIGHT)).await;
    assert_eq!(body["data"]["meta"], json!({"page": 1, "total": 2, "has_more": false}));
    let order =
        body["data"]["orders"].as_array().unwrap().iter().find(|o| o["id"] == checkout.as_str()).cloned().unwrap();
    let paid_at = order["paid_at"].as_str().unwrap().to_owned();
    assert_eq!(
        order,
        json!({
            "id": checkout,
            "event": {"id": seed::JAZZ_NIGHT, "title": "Manila Jazz Night"},
            "customer": {"name": "Juan Dela Cruz", "email": "juan@example.com"},
            "quantity": 2,
            "total_amount": 5000,
            "status": "completed",
            "payment_method": "card",
            "paid_at": paid_at
        })
    );
    let other = app.get_json(&format!("/orders?event_id={}", seed::COMEDY_NIGHT)).await;
    assert_eq!(other["data"]["orders"], json!([]));
    let paged = app.get_json("/orders?per_page=1").await;
    assert_eq!(paged["data"]["meta"], json!({"page": 1, "total": 2, "has_more": true}));
}

#[tokio::test]
async fn refunding_returns_the_seat_and_a_second_refund_is_409() {
    let (app, hooks) = app_with_hooks().await;
    let (_, ids) = buy(&app, &hooks, seed::JAZZ_VIP, 1).await;
    assert_eq!(app.tier(seed::JAZZ_NIGHT, seed::JAZZ_VIP).await["quantity_sold"], 38);

    let response = app.post(&format!("/tickets/{}/refund", ids[0]), &json!({})).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["data"],
        json!({"id": ids[0], "status": "refunded", "event": {"id": seed::JAZZ_NIGHT, "title": "Manila Jazz Night"},
               "tier": {"name": "VIP", "price": 2500}})
    );
    let vip = app.tier(seed::JAZZ_NIGHT, seed::JAZZ_VIP).await;
    assert_eq!((vip["quantity_sold"].as_i64(), vip["available"].as_i64()), (Some(37), Some(3)));
    assert_eq!(app.get_json(&format!("/tickets/{}", ids[0])).await["data"]["status"], "refunded");

    let (status, message) = error_of(app.post(&format!("/tickets/{}/refund", ids[0]), &json!({})).await).await;
    assert_eq!((status, message.as_str()), (409, "Ticket was already refunded"));
    assert_eq!(app.tier(seed::JAZZ_NIGHT, seed::JAZZ_VIP).await["quantity_sold"], 37);
}

#[tokio::test]
async fn a_ticket_checks_in_once() {
    let (app, hooks) = app_with_hooks().await;
    let (_, ids) = buy(&app, &hooks, seed::JAZZ_GA, 1).await;
    let response = app.post(&format!("/tickets/{}/check-in", ids[0]), &json!({})).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let checked_in_at = body["data"]["checked_in_at"].as_str().unwrap().to_owned();
    assert_eq!(
        body["data"],
        json!({"id": ids[0], "status": "used", "checked_in_at": checked_in_at,
               "event": {"id": seed::JAZZ_NIGHT, "title": "Manila Jazz Night"}, "customer": {"name": "Juan Dela Cruz"}})
    );
    let ticket = app.get_json(&format!("/tickets/{}", ids[0])).await;
    assert_eq!(ticket["data"]["status"], "checked_in");
    assert_eq!(ticket["data"]["checked_in_at"], checked_in_at.as_str());

    let (status, message) = error_of(app.post(&format!("/tickets/{}/check-in", ids[0]), &json!({})).await).await;
    assert_eq!(status, 409);
    assert!(message.starts_with("Ticket was already checked in"), "{message}");
}
