use crate::helpers::*;
use serde_json::{json, Value};
use std::time::Duration;
use tessera_sandbox::seed;

const NOT_VALID: &str = "promo_code is not valid for this event";

async fn checkout_id(response: reqwest::Response) -> String {
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    body["data"]["checkout_id"].as_str().unwrap().to_owned()
}

/// The order `GET /orders` lists for a checkout.
async fn order(app: &TestSandbox, checkout_id: &str) -> Value {
    let orders = app.get_json(&format!("/orders?event_id={}", seed::JAZZ_NIGHT)).await;
    orders["data"]["orders"].as_array().unwrap().iter().find(|o| o["id"] == checkout_id).cloned().expect("order")
}

#[tokio::test]
async fn creating_a_code_returns_201_with_the_documented_shape() {
    let app = spawn().await;
    let mut body = promo_body("earlybird", "percentage", json!(20));
    body["usage_limit"] = json!(50);
    body["expires_at"] = json!("2026-04-01T00:00:00Z");
    let response = app.post("/promo-codes", &body).await;
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    let id = created["data"]["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("pc_") && id.len() > 10, "{id}");
    assert_eq!(
        created,
        json!({"data": {
            "id": id,
            "event_id": seed::JAZZ_NIGHT,
            "code": "EARLYBIRD",
            "discount_type": "percentage",
            "discount_amount": 20,
            "usage_limit": 50,
            "usage_count": 0,
            "is_active": true,
            "expires_at": "2026-04-01T00:00:00Z"
        }})
    );
    assert_eq!(app.get_json(&format!("/promo-codes/{id}")).await, created, "GET shows the same shape");

    let fixed = app.promo(&promo_body("SAVE150", "fixed_amount", json!(150))).await;
    assert_eq!(fixed["discount_amount"].to_string(), "150");
    assert_eq!((fixed["usage_limit"].clone(), fixed["expires_at"].clone()), (Value::Null, Value::Null));
}

#[tokio::test]
async fn creating_a_code_needs_an_api_key() {
    let app = spawn().await;
    let response = app
        .client
        .post(format!("{}/promo-codes", app.base))
        .json(&promo_body("EARLYBIRD", "percentage", json!(20)))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(response).await.0, 401);
}

#[tokio::test]
async fn invalid_promo_codes_are_refused_naming_the_field() {
    let app = spawn().await;
    type Change = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Change, &str)> = vec![
        ("2-char code", Box::new(|b| b["code"] = json!("ab")), "code must be at least 3 characters"),
        (
            "no code",
            Box::new(|b| {
                b.as_object_mut().unwrap().remove("code");
            }),
            "code is required",
        ),
        (
            "bad discount_type",
            Box::new(|b| b["discount_type"] = json!("percent")),
            "discount_type must be \"percentage\" or \"fixed_amount\"",
        ),
        ("percentage 0", Box::new(|b| b["discount_amount"] = json!(0)), "discount_amount must be more than 0"),
        ("percentage 101", Box::new(|b| b["discount_amount"] = json!(101)), "discount_amount must be more than 0"),
        (
            "fixed 0",
            Box::new(|b| {
                b["discount_type"] = json!("fixed_amount");
                b["discount_amount"] = json!(0);
            }),
            "discount_amount must be more than 0",
        ),
        ("amount as text", Box::new(|b| b["discount_amount"] = json!("20")), "discount_amount must be a number"),
        ("usage_limit 0", Box::new(|b| b["usage_limit"] = json!(0)), "usage_limit must be an integer of at least 1"),
        ("bad expiry", Box::new(|b| b["expires_at"] = json!("tomorrow")), "expires_at must be an ISO 8601"),
        ("non-uuid event", Box::new(|b| b["event_id"] = json!("jazz-night")), "event_id must be a UUID"),
    ];
    for (name, change, expected) in cases {
        let mut body = promo_body("EARLYBIRD", "percentage", json!(20));
        change(&mut body);
        let (status, message) = error_of(app.post("/promo-codes", &body).await).await;
        assert_eq!(status, 400, "{name}: {message}");
        assert!(message.starts_with(expected), "{name}: {message}");
    }

    let mut unknown_event = promo_body("EARLYBIRD", "percentage", json!(20));
    unknown_event["event_id"] = json!("00000000-0000-4000-8000-000000000000");
    let (status, message) = error_of(app.post("/promo-codes", &unknown_event).await).await;
    assert_eq!((status, message.as_str()), (404, "Event not found"));

    // Nothing above was stored: the code is still free, and 100% is a valid percentage.
    let full = app.promo(&promo_body("EARLYBIRD", "percentage", json!(100))).await;
    assert_eq!(full["discount_amount"], 100);
    let (status, message) =
        error_of(app.post("/promo-codes", &promo_body("earlyBird", "fixed_amount", json!(5))).await).await;
    assert_eq!(status, 409, "a duplicate in another letter case: {message}");
    assert!(message.contains("EARLYBIRD"), "{message}");
    let mut other_event = promo_body("earlybird", "percentage", json!(20));
    other_event["event_id"] = json!(seed::COMEDY_NIGHT);
    app.promo(&other_event).await;
}

#[tokio::test]
async fn a_lower_case_code_takes_twenty_percent_off_the_page_and_the_order() {
    let app = spawn().await;
    app.promo(&promo_body("EARLYBIRD", "percentage", json!(20))).await;
    let id = checkout_id(app.checkout_with_code(seed::JAZZ_GA, 2, "  earlybird ").await).await;
    let (status, html) = app.page(&id).await;
    assert_eq!(status, 200);
    for expected in [
        "<dt>Unit price</dt><dd>₱1,000.00</dd>",
        "<dt>Subtotal</dt><dd>₱2,000.00</dd>",
        "<dt>Promo EARLYBIRD (20%)</dt><dd>−₱400.00</dd>",
        "<dt>Total</dt><dd class=\"total\">₱1,600.00</dd>",
        "<button type=\"submit\" class=\"pay\">Pay ₱1,600.00</button>",
    ] {
        assert!(html.contains(expected), "missing {expected:?} in\n{html}");
    }
    assert!(!html.contains("₱2,000.00</button>"));

    assert_eq!(app.pay(&id).await.status(), 303);
    let paid = order(&app, &id).await;
    assert_eq!((paid["total_amount"].clone(), paid["quantity"].clone()), (json!(1600), json!(2)));
    // The tickets still carry the tier's price.
    assert_eq!(app.tier(seed::JAZZ_NIGHT, seed::JAZZ_GA).await["quantity_sold"], 42);
}

#[tokio::test]
async fn a_fixed_amount_above_the_subtotal_makes_a_free_order_that_can_be_paid() {
    let app = spawn().await;
    app.promo(&promo_body("FREEBIE", "fixed_amount", json!(5000))).await;
    let id = checkout_id(app.checkout_with_code(seed::JAZZ_GA, 1, "freebie").await).await;
    let (_, html) = app.page(&id).await;
    assert!(html.contains("<dt>Promo FREEBIE (₱5,000.00)</dt><dd>−₱1,000.00</dd>"), "{html}");
    assert!(html.contains("<dd class=\"total\">₱0.00</dd>") && html.contains("Pay ₱0.00</button>"), "{html}");
    let response = app.pay(&id).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "https://shop.example/thank-you");
    assert_eq!(order(&app, &id).await["total_amount"], 0);
}

#[tokio::test]
async fn a_hundred_percent_code_makes_the_order_free() {
    let app = spawn().await;
    app.promo(&promo_body("COMP100", "percentage", json!(100))).await;
    let id = checkout_id(app.checkout_with_code(seed::JAZZ_VIP, 2, "comp100").await).await;
    let (_, html) = app.page(&id).await;
    assert!(html.contains("<dt>Promo COMP100 (100%)</dt><dd>−₱5,000.00</dd>"), "{html}");
    assert_eq!(app.pay(&id).await.status(), 303);
    assert_eq!(order(&app, &id).await["total_amount"], 0);
}

#[tokio::test]
async fn expired_inactive_unknown_and_other_events_codes_are_refused() {
    let app = spawn().await;
    let mut expired = promo_body("OLDNEWS", "percentage", json!(10));
    expired["expires_at"] = json!("2020-01-01T00:00:00Z");
    app.promo(&expired).await;
    let mut other = promo_body("COMEDY10", "percentage", json!(10));
    other["event_id"] = json!(seed::COMEDY_NIGHT);
    app.promo(&other).await;
    let paused = app.promo(&promo_body("PAUSED", "percentage", json!(10))).await;
    let paused_id = paused["id"].as_str().unwrap();
    let off = app.put(&format!("/promo-codes/{paused_id}"), &json!({"is_active": false})).await;
    assert_eq!(off.status(), 200);
    assert_eq!(off.json::<Value>().await.unwrap()["data"]["is_active"], false);

    for (code, expected) in [
        ("oldnews", (400, "promo_code has expired")),
        ("paused", (400, "promo_code is no longer active")),
        ("COMEDY10", (400, NOT_VALID)),
        ("NOSUCHCODE", (400, NOT_VALID)),
        ("x!", (400, NOT_VALID)),
    ] {
        let (status, message) = error_of(app.checkout_with_code(seed::JAZZ_GA, 1, code).await).await;
        assert_eq!((status, message.as_str()), expected, "{code}");
    }
    assert_eq!(app.tier(seed::JAZZ_NIGHT, seed::JAZZ_GA).await["available"], 160, "refused checkouts hold nothing");

    let on = app.put(&format!("/promo-codes/{paused_id}"), &json!({"is_active": true})).await;
    assert_eq!(on.status(), 200);
    checkout_id(app.checkout_with_code(seed::JAZZ_GA, 1, "paused").await).await;
    // The other event's code works on its own event.
    let mut comedy = checkout_body(seed::COMEDY_NIGHT, seed::COMEDY_STANDARD, 1);
    comedy["promo_code"] = json!("comedy10");
    checkout_id(app.post("/checkouts", &comedy).await).await;
}

#[tokio::test]
async fn a_blank_promo_code_is_no_code() {
    let app = spawn().await;
    for blank in ["", "   "] {
        let id = checkout_id(app.checkout_with_code(seed::JAZZ_GA, 2, blank).await).await;
        let (_, html) = app.page(&id).await;
        assert!(html.contains("Pay ₱2,000.00</button>") && !html.contains("Promo"), "{html}");
    }
}

#[tokio::test]
async fn the_sandbox_extensions_answer_404_and_400_in_the_error_format() {
    let app = spawn().await;
    let (status, message) = error_of(app.get("/promo-codes/pc_nope").await).await;
    assert_eq!((status, message.as_str()), (404, "Promo code not found"));
    let (status, _) = error_of(app.put("/promo-codes/pc_nope", &json!({"is_active": false})).await).await;
    assert_eq!(status, 404);
    let id = app.promo(&promo_body("EARLYBIRD", "percentage", json!(20))).await["id"].as_str().unwrap().to_owned();
    for (body, expected) in [
        (json!({}), "is_active is required"),
        (json!({"is_active": "no"}), "is_active must be true or false"),
        (
            json!({"is_active": false, "usage_limit": 3}),
            "Unknown field 'usage_limit'. Fields you can change: is_active",
        ),
    ] {
        let (status, message) = error_of(app.put(&format!("/promo-codes/{id}"), &body).await).await;
        assert_eq!((status, message.as_str()), (400, expected), "{body}");
    }
    assert_eq!(app.get_json(&format!("/promo-codes/{id}")).await["data"]["is_active"], true);
}

#[tokio::test]
async fn a_single_use_code_is_reserved_released_and_then_used_up() {
    let app = spawn().await;
    let mut body = promo_body("ONCE", "percentage", json!(50));
    body["usage_limit"] = json!(1);
    let id = app.promo(&body).await["id"].as_str().unwrap().to_owned();
    let usage = || async { app.get_json(&format!("/promo-codes/{id}")).await["data"]["usage_count"].clone() };

    let first = checkout_id(app.checkout_with_code(seed::JAZZ_GA, 1, "once").await).await;
    let (status, message) = error_of(app.checkout_with_code(seed::JAZZ_GA, 1, "ONCE").await).await;
    assert_eq!((status, message.as_str()), (409, "promo_code has reached its usage limit"));
    assert_eq!(usage().await, 0, "a reservation is not a use");

    assert_eq!(app.cancel(&first).await.status(), 303);
    let second = checkout_id(app.checkout_with_code(seed::JAZZ_GA, 1, "once").await).await;
    assert_eq!(app.pay(&second).await.status(), 303);
    assert_eq!(usage().await, 1);
    let (status, _) = error_of(app.checkout_with_code(seed::JAZZ_GA, 1, "once").await).await;
    assert_eq!(status, 409);
    // Without the code the same buyer can still check out.
    app.checkout(seed::JAZZ_GA, 1).await;
}

#[tokio::test]
async fn an_expired_session_releases_its_reservation() {
    let app = spawn_with(|c| c.checkout_ttl = Duration::from_millis(300)).await;
    let mut body = promo_body("ONCE", "percentage", json!(50));
    body["usage_limit"] = json!(1);
    app.promo(&body).await;
    checkout_id(app.checkout_with_code(seed::JAZZ_GA, 1, "once").await).await;
    assert_eq!(error_of(app.checkout_with_code(seed::JAZZ_GA, 1, "once").await).await.0, 409);
    tokio::time::sleep(Duration::from_millis(400)).await;
    checkout_id(app.checkout_with_code(seed::JAZZ_GA, 1, "once").await).await;
}

#[tokio::test]
async fn concurrent_buyers_racing_for_the_last_use_get_exactly_one_session() {
    let app = spawn().await;
    let mut body = promo_body("LASTONE", "percentage", json!(20));
    body["usage_limit"] = json!(1);
    app.promo(&body).await;
    let requests: Vec<_> = (0..12)
        .map(|_| {
            let (client, url) = (app.client.clone(), format!("{}/checkouts", app.base));
            tokio::spawn(async move {
                let mut body = checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_GA, 1);
                body["promo_code"] = json!("lastone");
                client.post(url).bearer_auth(KEY).json(&body).send().await.unwrap().status().as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for r in requests {
        statuses.push(r.await.unwrap());
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409, 409, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    assert_eq!(app.tier(seed::JAZZ_NIGHT, seed::JAZZ_GA).await["available"], 159, "only the winner holds a seat");
}

#[tokio::test]
async fn the_purchase_webhook_carries_the_order_id_and_the_code() {
    let hooks = Receiver::start(0).await;
    let t = target(&hooks, "whsec_promo", &["ticket.purchased"]);
    let app = spawn_with(|c| c.webhooks = vec![t]).await;
    app.promo(&promo_body("EARLYBIRD", "percentage", json!(20))).await;
    let id = checkout_id(app.checkout_with_code(seed::JAZZ_GA, 2, "earlybird").await).await;
    assert_eq!(app.pay(&id).await.status(), 303);
    let got = hooks.wait_for(2, Duration::from_secs(5)).await;
    assert_eq!(got.len(), 2);
    for delivery in got {
        let data = delivery.json()["data"].clone();
        let ticket_id = data["ticket_id"].as_str().unwrap();
        assert_eq!(
            data,
            json!({
                "ticket_id": ticket_id,
                "order_id": id,
                "event_id": seed::JAZZ_NIGHT,
                "tier_id": seed::JAZZ_GA,
                "customer": {"name": "Juan Dela Cruz"},
                "amount": 1000,
                "promo_code": "EARLYBIRD"
            })
        );
    }
}
