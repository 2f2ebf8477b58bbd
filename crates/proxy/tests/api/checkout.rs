use crate::helpers::*;
use serde_json::json;
use tessera_sandbox::seed;

#[tokio::test]
async fn a_json_checkout_creates_a_hosted_session_that_returns_to_the_configured_page() {
    let app = spawn_app().await;
    let (status, body) = app.post_json("/api/v1/checkout", &checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_GA, 2)).await;
    assert_eq!(status, 201, "{body}");
    let url = body["checkout_url"].as_str().unwrap();
    assert!(url.contains("/checkout/pi_"), "{url}");
    assert!(body["expires_at"].as_str().is_some_and(|e| chrono::DateTime::parse_from_rfc3339(e).is_ok()), "{body}");
    assert_eq!(app.upstream_available(seed::JAZZ_NIGHT, seed::JAZZ_GA).await, 158, "the session holds 2 seats");

    let back = pay(&app.http, url).await;
    assert_eq!(
        back,
        format!("https://shop.example/tickets?from=tessera&tessera_status=success&tessera_event={}", seed::JAZZ_NIGHT)
    );
    assert_eq!(app.upstream_available(seed::JAZZ_NIGHT, seed::JAZZ_GA).await, 158);
}

#[tokio::test]
async fn cancelling_returns_to_the_cancel_page_and_releases_the_seats() {
    let app = spawn_app().await;
    let (status, body) = app.post_json("/api/v1/checkout", &checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_VIP, 3)).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(app.upstream_available(seed::JAZZ_NIGHT, seed::JAZZ_VIP).await, 0);
    let back = cancel(&app.http, body["checkout_url"].as_str().unwrap()).await;
    assert!(back.starts_with("https://shop.example/tickets/cancelled?tessera_status=cancelled"), "{back}");
    assert_eq!(app.upstream_available(seed::JAZZ_NIGHT, seed::JAZZ_VIP).await, 3);
}

#[tokio::test]
async fn a_plain_html_form_post_is_redirected_to_the_checkout() {
    let app = spawn_app().await;
    let r = app
        .http
        .post(format!("{}/api/v1/checkout", app.url))
        .form(&[
            ("event_id", seed::COMEDY_NIGHT),
            ("tier_id", seed::COMEDY_STANDARD),
            ("quantity", "1"),
            ("name", "Ana Reyes"),
            ("email", "ana@example.com"),
            ("phone", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert!(r.headers()["location"].to_str().unwrap().contains("/checkout/pi_"));
}

#[tokio::test]
async fn a_form_post_with_problems_gets_a_readable_page_and_creates_nothing() {
    let app = spawn_app().await;
    let r = app
        .http
        .post(format!("{}/api/v1/checkout", app.url))
        .form(&[
            ("event_id", seed::COMEDY_NIGHT),
            ("tier_id", seed::COMEDY_STANDARD),
            ("quantity", "1"),
            ("name", "Ana"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(r.text().await.unwrap().contains("Email is required"));
    assert_eq!(app.upstream_available(seed::COMEDY_NIGHT, seed::COMEDY_STANDARD).await, 138);
}

#[tokio::test]
async fn checkout_rejects_quantity_zero_and_above_the_per_order_limit_without_calling_upstream() {
    let app = spawn_app().await;
    for (quantity, message) in
        [(0, "Quantity must be at least 1"), (-1, "Quantity must be at least 1"), (11, "at most 10")]
    {
        let (status, body) =
            app.post_json("/api/v1/checkout", &checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_GA, quantity)).await;
        assert_error(status, &body, 400, "invalid");
        assert!(body["error"]["message"].as_str().unwrap().contains(message), "{body}");
        assert_eq!(body["error"]["fields"][0]["field"], "quantity");
    }
    let mut fractional = checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_GA, 1);
    fractional["quantity"] = json!(1.5);
    let (status, body) = app.post_json("/api/v1/checkout", &fractional).await;
    assert_error(status, &body, 400, "invalid");
    assert_eq!(app.upstream_available(seed::JAZZ_NIGHT, seed::JAZZ_GA).await, 160, "nothing was held upstream");
}

#[tokio::test]
async fn checkout_rejects_quantity_above_availability_with_409() {
    let app = spawn_app().await;
    let (status, body) = app.post_json("/api/v1/checkout", &checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_VIP, 4)).await;
    assert_error(status, &body, 409, "sold_out");
    assert_eq!(body["error"]["message"], "Only 3 tickets are left in this tier");
    assert_eq!(app.upstream_available(seed::JAZZ_NIGHT, seed::JAZZ_VIP).await, 3);
}

#[tokio::test]
async fn checkout_of_a_sold_out_tier_is_409_and_creates_nothing() {
    let app = spawn_app().await;
    let (status, body) = app.post_json("/api/v1/checkout", &checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_EARLY, 1)).await;
    assert_error(status, &body, 409, "sold_out");
    assert!(body["error"]["message"].as_str().unwrap().contains("sold out"), "{body}");
}

#[tokio::test]
async fn checkout_reports_missing_email_and_bad_fields_per_field() {
    let app = spawn_app().await;
    let mut body = checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_GA, 1);
    body["customer"] = json!({"name": "Juan", "email": "  ", "phone": "call me"});
    let (status, body) = app.post_json("/api/v1/checkout", &body).await;
    assert_error(status, &body, 400, "invalid");
    let fields: Vec<&str> =
        body["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["email", "phone"]);
    assert!(body["error"]["message"].as_str().unwrap().starts_with("Email is required"), "{body}");
}

#[tokio::test]
async fn checkout_of_an_unknown_tier_is_400_and_of_an_unknown_event_404() {
    let app = spawn_app().await;
    let (status, body) =
        app.post_json("/api/v1/checkout", &checkout_body(seed::JAZZ_NIGHT, seed::COMEDY_STANDARD, 1)).await;
    assert_error(status, &body, 400, "invalid");
    assert_eq!(body["error"]["fields"][0]["field"], "tier_id");
    let (status, body) = app
        .post_json("/api/v1/checkout", &checkout_body("00000000-0000-4000-8000-000000000000", seed::JAZZ_GA, 1))
        .await;
    assert_error(status, &body, 404, "not_found");
}

#[tokio::test]
async fn a_client_cannot_choose_the_price_or_the_return_urls() {
    let app = spawn_app().await;
    for (field, value) in [
        ("success_url", json!("https://evil.example/")),
        ("cancel_url", json!("https://evil.example/")),
        ("price", json!(1)),
    ] {
        let mut body = checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_GA, 1);
        body[field] = value;
        let (status, body) = app.post_json("/api/v1/checkout", &body).await;
        assert_error(status, &body, 400, "invalid");
        assert!(body["error"]["message"].as_str().unwrap().contains(field), "{body}");
    }
    assert_eq!(app.upstream_available(seed::JAZZ_NIGHT, seed::JAZZ_GA).await, 160);
}

#[tokio::test]
async fn malformed_json_and_other_content_types_get_json_errors() {
    let app = spawn_app().await;
    let r = app
        .http
        .post(format!("{}/api/v1/checkout", app.url))
        .header("content-type", "application/json")
        .body("{\"event_id\": ")
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    assert_error(status, &r.json().await.unwrap(), 400, "invalid");
    let r = app.http.post(format!("{}/api/v1/checkout", app.url)).body("hello").send().await.unwrap();
    let status = r.status().as_u16();
    assert_error(status, &r.json().await.unwrap(), 415, "unsupported_media_type");
}

#[tokio::test]
async fn an_oversized_body_is_refused() {
    let app = spawn_app().await;
    let mut body = checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_GA, 1);
    body["customer"]["name"] = json!("x".repeat(100_000));
    let r = app.http.post(format!("{}/api/v1/checkout", app.url)).json(&body).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 413);
}

#[tokio::test]
async fn a_buyer_returns_to_the_page_they_came_from_when_its_origin_is_allowed() {
    let app = spawn_app_with(|c| {
        c.allowed_origins = vec!["https://one.example".into(), "https://two.example".into()];
    })
    .await;
    let paid_from = |page: &str| {
        let mut body = checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_GA, 1);
        body["page_url"] = json!(page);
        body
    };
    let (status, body) = app.post_json("/api/v1/checkout", &paid_from("https://two.example/gigs?m=12#jazz")).await;
    assert_eq!(status, 201, "{body}");
    assert!(body["checkout_id"].as_str().is_some_and(|id| id.starts_with("pi_")), "{body}");
    assert_eq!(
        pay(&app.http, body["checkout_url"].as_str().unwrap()).await,
        format!("https://two.example/gigs?m=12&tessera_status=success&tessera_event={}#jazz", seed::JAZZ_NIGHT)
    );
    let (_, body) = app.post_json("/api/v1/checkout", &paid_from("https://one.example/")).await;
    let back = cancel(&app.http, body["checkout_url"].as_str().unwrap()).await;
    assert_eq!(back, format!("https://one.example/?tessera_status=cancelled&tessera_event={}", seed::JAZZ_NIGHT));

    // Any other page: the configured ones, never the page sent.
    for page in ["https://evil.example/", "https://one.example.evil.example/", "https://one.example@evil.example/"] {
        let (status, body) = app.post_json("/api/v1/checkout", &paid_from(page)).await;
        assert_eq!(status, 201, "{body}");
        let back = pay(&app.http, body["checkout_url"].as_str().unwrap()).await;
        assert!(back.starts_with("https://shop.example/tickets?from=tessera&tessera_status=success"), "{page}: {back}");
    }
}

#[tokio::test]
async fn a_form_posted_from_an_allowed_page_returns_there() {
    let app = spawn_app_with(|c| c.allowed_origins = vec!["https://one.example".into()]).await;
    let form = [
        ("event_id", seed::JAZZ_NIGHT),
        ("tier_id", seed::JAZZ_GA),
        ("quantity", "1"),
        ("name", "Ana Reyes"),
        ("email", "ana@example.com"),
        ("page_url", "https://one.example/shows"),
    ];
    let r = no_redirects().post(format!("{}/api/v1/checkout", app.url)).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let checkout = r.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        pay(&app.http, &checkout).await,
        format!("https://one.example/shows?tessera_status=success&tessera_event={}", seed::JAZZ_NIGHT)
    );
}

#[tokio::test]
async fn seats_an_unpaid_checkout_held_are_shown_again_soon_after_it_expires() {
    // A cached copy that would outlive the test: only the proxy's own look at expiry can show them.
    let app = spawn_app_with(|c| {
        c.sandbox_checkout_ttl = std::time::Duration::from_secs(2);
        c.event_ttl = std::time::Duration::from_secs(600);
    })
    .await;
    let (status, body) = app.post_json("/api/v1/checkout", &checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_VIP, 3)).await;
    assert_eq!(status, 201, "{body}");
    assert!(
        eventually(std::time::Duration::from_secs(2), async || app
            .shown_available(seed::JAZZ_NIGHT, seed::JAZZ_VIP)
            .await
            == 0)
        .await
    );
    // Nothing tells the proxy of the expiry: it reads the event again by itself just after.
    assert!(
        eventually(std::time::Duration::from_secs(6), async || {
            app.shown_available(seed::JAZZ_NIGHT, seed::JAZZ_VIP).await == 3
        })
        .await,
        "the released seats were not shown"
    );
}
