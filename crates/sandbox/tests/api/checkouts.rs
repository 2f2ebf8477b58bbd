use crate::helpers::*;
use serde_json::{json, Value};
use std::time::Duration;
use tessera_sandbox::seed;

#[tokio::test]
async fn checkout_returns_201_with_id_hosted_url_and_expiry() {
    let app = spawn().await;
    let before = chrono::Utc::now();
    let response = app.post("/checkouts", &checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_GA, 2)).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    let data = body["data"].as_object().unwrap();
    assert_eq!(data.len(), 3, "{body}");
    let id = data["checkout_id"].as_str().unwrap();
    assert!(id.starts_with("pi_") && id[3..].chars().all(|c| c.is_ascii_hexdigit()), "{id}");
    assert_eq!(data["checkout_url"], format!("{}/checkout/{id}", app.origin));
    let expires = data["expires_at"].as_str().unwrap();
    assert!(expires.ends_with('Z'), "{expires}");
    let expires = chrono::DateTime::parse_from_rfc3339(expires).unwrap();
    let ttl = expires.signed_duration_since(before).num_seconds();
    assert!((29 * 60..=30 * 60).contains(&ttl), "{ttl}");
}

#[tokio::test]
async fn checkout_without_tier_uses_the_first_tier() {
    let app = spawn().await;
    let mut body = checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_GA, 1);
    body.as_object_mut().unwrap().remove("tier_id");
    assert_eq!(app.post("/checkouts", &body).await.status(), 201);
    assert_eq!(app.tier(seed::JAZZ_NIGHT, seed::JAZZ_GA).await["available"], 159);
}

#[tokio::test]
async fn checkout_rejects_each_missing_or_invalid_field_with_400() {
    let app = spawn().await;
    type Change = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Change, &str)> = vec![
        ("quantity 0", Box::new(|b| b["quantity"] = json!(0)), "quantity must be an integer of at least 1"),
        ("quantity 1.5", Box::new(|b| b["quantity"] = json!(1.5)), "quantity must be an integer of at least 1"),
        ("quantity \"2\"", Box::new(|b| b["quantity"] = json!("2")), "quantity must be an integer of at least 1"),
        (
            "no quantity",
            Box::new(|b| {
                b.as_object_mut().unwrap().remove("quantity");
            }),
            "quantity is required",
        ),
        (
            "no event",
            Box::new(|b| {
                b.as_object_mut().unwrap().remove("event_id");
            }),
            "event_id is required",
        ),
        (
            "no email",
            Box::new(|b| {
                b["customer"].as_object_mut().unwrap().remove("email");
            }),
            "customer.email is required",
        ),
        ("no name", Box::new(|b| b["customer"]["name"] = json!("  ")), "customer.name is required"),
        (
            "bad email",
            Box::new(|b| b["customer"]["email"] = json!("juan.example.com")),
            "customer.email is not a valid email address",
        ),
        (
            "no success_url",
            Box::new(|b| {
                b.as_object_mut().unwrap().remove("success_url");
            }),
            "success_url is required",
        ),
        (
            "relative success_url",
            Box::new(|b| b["success_url"] = json!("/thanks")),
            "success_url must be an absolute http or https URL",
        ),
        (
            "bad cancel_url",
            Box::new(|b| b["cancel_url"] = json!("ftp://x.example")),
            "cancel_url must be an absolute http or https URL",
        ),
    ];
    for (name, change, expected) in cases {
        let mut body = checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_GA, 1);
        change(&mut body);
        let (status, message) = error_of(app.post("/checkouts", &body).await).await;
        assert_eq!(status, 400, "{name}");
        assert!(message.starts_with(expected), "{name}: {message}");
    }
    // Nothing was held by the refused requests.
    assert_eq!(app.tier(seed::JAZZ_NIGHT, seed::JAZZ_GA).await["available"], 160);
}

#[tokio::test]
async fn checkout_rejects_malformed_json_with_400_in_the_error_format() {
    let app = spawn().await;
    let response = app
        .client
        .post(format!("{}/checkouts", app.base))
        .bearer_auth(KEY)
        .header("content-type", "application/json")
        .body("{\"event_id\": ")
        .send()
        .await
        .unwrap();
    let (status, message) = error_of(response).await;
    assert_eq!(status, 400);
    assert!(message.starts_with("Request body is not valid JSON"), "{message}");
}

#[tokio::test]
async fn checkout_rejects_unknown_events_and_tiers_with_404() {
    let app = spawn().await;
    let (status, message) = error_of(
        app.post("/checkouts", &checkout_body("00000000-0000-4000-8000-000000000000", seed::JAZZ_GA, 1)).await,
    )
    .await;
    assert_eq!((status, message.as_str()), (404, "Event not found"));
    let (status, message) =
        error_of(app.post("/checkouts", &checkout_body(seed::JAZZ_NIGHT, seed::COMEDY_STANDARD, 1)).await).await;
    assert_eq!((status, message.as_str()), (404, "Ticket tier not found"));
}

#[tokio::test]
async fn checkout_rejects_quantity_above_availability_with_409() {
    let app = spawn().await;
    let (status, message) =
        error_of(app.post("/checkouts", &checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_VIP, 4)).await).await;
    assert_eq!((status, message.as_str()), (409, "Only 3 tickets left in VIP"));
    let (status, message) =
        error_of(app.post("/checkouts", &checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_EARLY, 1)).await).await;
    assert_eq!((status, message.as_str()), (409, "Early Bird is sold out"));
}

#[tokio::test]
async fn checkout_for_an_event_not_on_sale_is_409() {
    let app = spawn().await;
    let (status, message) =
        error_of(app.post("/checkouts", &checkout_body(seed::WINTER_MARKET, seed::WINTER_ENTRY, 1)).await).await;
    assert_eq!(status, 409);
    assert!(message.contains("not on sale"), "{message}");
}

#[tokio::test]
async fn open_checkouts_hold_seats_and_cancelling_releases_them() {
    let app = spawn().await;
    let id = app.checkout(seed::JAZZ_VIP, 2).await;
    let vip = app.tier(seed::JAZZ_NIGHT, seed::JAZZ_VIP).await;
    assert_eq!((vip["available"].as_i64(), vip["quantity_sold"].as_i64()), (Some(1), Some(37)));
    let (status, message) =
        error_of(app.post("/checkouts", &checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_VIP, 2)).await).await;
    assert_eq!((status, message.as_str()), (409, "Only 1 ticket left in VIP"));

    let response = app.cancel(&id).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "https://shop.example/events");
    assert_eq!(app.tier(seed::JAZZ_NIGHT, seed::JAZZ_VIP).await["available"], 3);
}

#[tokio::test]
async fn expired_checkouts_release_their_seats() {
    let app = spawn_with(|c| c.checkout_ttl = Duration::from_millis(300)).await;
    let id = app.checkout(seed::JAZZ_VIP, 3).await;
    assert_eq!(app.tier(seed::JAZZ_NIGHT, seed::JAZZ_VIP).await["available"], 0);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(app.tier(seed::JAZZ_NIGHT, seed::JAZZ_VIP).await["available"], 3);
    // The expired session can no longer be paid, and says so.
    let response = app.pay(&id).await;
    assert_eq!(response.status(), 409);
    assert!(response.text().await.unwrap().contains("expired"));
    assert_eq!(app.tier(seed::JAZZ_NIGHT, seed::JAZZ_VIP).await["quantity_sold"], 37);
}

#[tokio::test]
async fn concurrent_checkouts_never_oversell_the_last_vip_seats() {
    let app = spawn().await;
    let requests = (0..12).map(|_| {
        let (client, url) = (app.client.clone(), format!("{}/checkouts", app.base));
        tokio::spawn(async move {
            let body = checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_VIP, 1);
            client.post(url).bearer_auth(KEY).json(&body).send().await.unwrap().status().as_u16()
        })
    });
    let mut statuses = Vec::new();
    for r in requests.collect::<Vec<_>>() {
        statuses.push(r.await.unwrap());
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 201, 201, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    assert_eq!(app.tier(seed::JAZZ_NIGHT, seed::JAZZ_VIP).await["available"], 0);
}

#[tokio::test]
async fn a_repeated_idempotency_key_returns_the_first_session_without_a_second_hold() {
    let app = spawn().await;
    let send = |key: &'static str| {
        app.client
            .post(format!("{}/checkouts", app.base))
            .bearer_auth(KEY)
            .header("Idempotency-Key", key)
            .json(&checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_GA, 2))
            .send()
    };
    let first: Value = send("retry-me-1").await.unwrap().json().await.unwrap();
    let again = send("retry-me-1").await.unwrap();
    assert_eq!(again.status(), 201);
    let again: Value = again.json().await.unwrap();
    assert_eq!(first["data"], again["data"]);
    assert_eq!(app.tier(seed::JAZZ_NIGHT, seed::JAZZ_GA).await["available"], 158, "one hold of 2");
    let other: Value = send("another-key").await.unwrap().json().await.unwrap();
    assert_ne!(other["data"]["checkout_id"], first["data"]["checkout_id"]);
    assert_eq!(app.tier(seed::JAZZ_NIGHT, seed::JAZZ_GA).await["available"], 156);
    let bad = app
        .client
        .post(format!("{}/checkouts", app.base))
        .bearer_auth(KEY)
        .header("Idempotency-Key", "has space")
        .json(&checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_GA, 1))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
}
