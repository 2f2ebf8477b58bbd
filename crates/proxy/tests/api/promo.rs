//! Promo codes through the proxy: created with the binary's `promo create` command (upstream
//! and in the proxy's store), previewed, re-checked at checkout and charged by the sandbox.

use serde_json::{json, Value};
use std::time::Duration;
use tessera_proxy::cli::{self, Command, CreateArgs, DiscountType, PromoCommand};
use tessera_sandbox::seed::{COMEDY_NIGHT, JAZZ_GA, JAZZ_NIGHT};

use crate::helpers::*;

/// Runs `tessera-proxy promo create` against the app's data; returns the upstream id.
async fn create_code(
    app: &TestApp,
    event: &str,
    code: &str,
    kind: DiscountType,
    amount: &str,
    limit: Option<u32>,
) -> String {
    create_code_until(app, event, code, kind, amount, limit, None).await
}

async fn create_code_until(
    app: &TestApp,
    event: &str,
    code: &str,
    kind: DiscountType,
    amount: &str,
    limit: Option<u32>,
    expires: Option<String>,
) -> String {
    let args = CreateArgs {
        event: event.into(),
        code: code.into(),
        discount_type: kind,
        amount: amount.into(),
        limit,
        expires,
    };
    let out = cli::run(Command::Promo(PromoCommand::Create(args)), app.config.clone(), &Default::default())
        .await
        .expect("code created");
    assert!(out.starts_with(&format!("created promo code {}", code.to_uppercase())), "{out}");
    out.split(['(', ')']).nth(1).unwrap().to_owned()
}

fn with_code(mut body: Value, code: &str) -> Value {
    body["promo_code"] = json!(code);
    body
}

async fn preview(app: &TestApp, event: &str, code: &str) -> (u16, Value) {
    app.post_json("/api/v1/promo-preview", &json!({ "event_id": event, "code": code })).await
}

async fn upstream(app: &TestApp, path: &str) -> Value {
    app.http
        .get(format!("{}/{path}", app.sandbox_url))
        .bearer_auth(&app.sandbox_key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn promo_problem(body: &Value) -> &str {
    let fields = body["error"]["fields"].as_array().unwrap_or_else(|| panic!("{body}"));
    assert_eq!(fields[0]["field"], "promo_code", "{body}");
    fields[0]["problem"]["kind"].as_str().unwrap()
}

#[tokio::test]
async fn a_previewed_code_is_charged_exactly_and_counted_once_paid() {
    let app = spawn_app().await;
    let id = create_code(&app, JAZZ_NIGHT, "EARLYBIRD", DiscountType::Percentage, "20", Some(50)).await;

    let (status, rule) = preview(&app, JAZZ_NIGHT, "  earlybird ").await;
    assert_eq!(status, 200, "{rule}");
    assert_eq!(rule, json!({"code": "EARLYBIRD", "discount": {"type": "percentage", "basis_points": 2000}}));

    let (status, started) =
        app.post_json("/api/v1/checkout", &with_code(checkout_body(JAZZ_NIGHT, JAZZ_GA, 2), "earlybird")).await;
    assert_eq!(status, 201, "{started}");
    let url = started["checkout_url"].as_str().unwrap();
    let page = app.http.get(url).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("₱1,600.00"), "the hosted page charges the previewed total");
    assert!(page.contains("EARLYBIRD"));
    pay(&app.http, url).await;

    let orders = upstream(&app, &format!("orders?event_id={JAZZ_NIGHT}")).await;
    assert_eq!(orders["data"]["orders"][0]["total_amount"], 1600, "{orders}");
    let code = upstream(&app, &format!("promo-codes/{id}")).await;
    assert_eq!(code["data"]["usage_count"], 1, "{code}");
}

#[tokio::test]
async fn wrong_codes_all_get_the_same_neutral_answer() {
    let app = spawn_app().await;
    create_code(&app, COMEDY_NIGHT, "LAUGHS", DiscountType::Percentage, "10", None).await;
    let (status, unknown) = preview(&app, JAZZ_NIGHT, "NOSUCHCODE").await;
    assert_error(status, &unknown, 400, "invalid");
    assert_eq!(promo_problem(&unknown), "unknown");
    let (status, other_event) = preview(&app, JAZZ_NIGHT, "laughs").await;
    assert_eq!((status, &other_event), (400, &unknown), "another event's code looks like no code at all");
    let (status, short) = preview(&app, JAZZ_NIGHT, "ab").await;
    assert_error(status, &short, 400, "invalid");
    assert_eq!(promo_problem(&short), "below_minimum");
    let (status, body) = app.post_json("/api/v1/promo-preview", &json!({ "event_id": JAZZ_NIGHT })).await;
    assert_error(status, &body, 400, "invalid");
}

#[tokio::test]
async fn an_expired_code_stops_the_checkout_before_anything_is_created_upstream() {
    let app = spawn_app().await;
    let soon = (chrono::Utc::now() + chrono::Duration::milliseconds(1500)).to_rfc3339();
    create_code_until(&app, JAZZ_NIGHT, "FLASH", DiscountType::Percentage, "50", None, Some(soon)).await;
    assert_eq!(preview(&app, JAZZ_NIGHT, "flash").await.0, 200);
    tokio::time::sleep(Duration::from_millis(1600)).await;

    let (status, body) = preview(&app, JAZZ_NIGHT, "flash").await;
    assert_error(status, &body, 400, "invalid");
    assert_eq!(promo_problem(&body), "expired");
    let before = app.upstream_available(JAZZ_NIGHT, JAZZ_GA).await;
    let (status, body) =
        app.post_json("/api/v1/checkout", &with_code(checkout_body(JAZZ_NIGHT, JAZZ_GA, 1), "FLASH")).await;
    assert_error(status, &body, 400, "invalid");
    assert_eq!(promo_problem(&body), "expired");
    assert_eq!(app.upstream_available(JAZZ_NIGHT, JAZZ_GA).await, before, "no seats were held");
}

#[tokio::test]
async fn two_buyers_racing_for_the_last_use_get_one_checkout_between_them() {
    let app = spawn_app().await;
    create_code(&app, JAZZ_NIGHT, "LASTONE", DiscountType::Percentage, "10", Some(1)).await;
    let body = with_code(checkout_body(JAZZ_NIGHT, JAZZ_GA, 1), "lastone");
    let (a, b) = tokio::join!(app.post_json("/api/v1/checkout", &body), app.post_json("/api/v1/checkout", &body));
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [201, 409], "{a:?} {b:?}");
    let refused = if a.0 == 409 { a.1 } else { b.1 };
    assert_error(409, &refused, 409, "promo_unavailable");
    assert_eq!(promo_problem(&refused), "used_up");
    // The proxy believed the platform: the preview now says so too.
    let (status, body) = preview(&app, JAZZ_NIGHT, "LASTONE").await;
    assert_error(status, &body, 409, "promo_unavailable");
    assert_eq!(promo_problem(&body), "used_up");
}

#[tokio::test]
async fn a_code_switched_off_upstream_after_the_preview_is_refused_clearly() {
    let app = spawn_app().await;
    let id = create_code(&app, JAZZ_NIGHT, "PAUSED", DiscountType::Percentage, "15", None).await;
    assert_eq!(preview(&app, JAZZ_NIGHT, "paused").await.0, 200);
    let r = app
        .http
        .put(format!("{}/promo-codes/{id}", app.sandbox_url))
        .bearer_auth(&app.sandbox_key)
        .json(&json!({"is_active": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let before = app.upstream_available(JAZZ_NIGHT, JAZZ_GA).await;
    let (status, body) =
        app.post_json("/api/v1/checkout", &with_code(checkout_body(JAZZ_NIGHT, JAZZ_GA, 1), "paused")).await;
    assert_error(status, &body, 400, "invalid");
    assert_eq!(promo_problem(&body), "inactive");
    assert_eq!(app.upstream_available(JAZZ_NIGHT, JAZZ_GA).await, before);
}

#[tokio::test]
async fn a_fixed_amount_above_the_subtotal_makes_a_free_order() {
    let app = spawn_app().await;
    create_code(&app, JAZZ_NIGHT, "COMP", DiscountType::FixedAmount, "5000", None).await;
    let (status, rule) = preview(&app, JAZZ_NIGHT, "comp").await;
    assert_eq!(status, 200, "{rule}");
    assert_eq!(rule["discount"], json!({"type": "fixed_amount", "amount": {"amount": 500_000, "currency": "PHP"}}));
    let (status, started) =
        app.post_json("/api/v1/checkout", &with_code(checkout_body(JAZZ_NIGHT, JAZZ_GA, 2), "COMP")).await;
    assert_eq!(status, 201, "{started}");
    let page = app.http.get(started["checkout_url"].as_str().unwrap()).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("₱0.00"), "{page}");
}

#[tokio::test]
async fn guessing_codes_runs_into_the_per_client_limit() {
    let app = spawn_app_with(|c| c.promo_previews_per_minute = 3).await;
    for guess in ["AAAA", "AAAB", "AAAC"] {
        assert_eq!(preview(&app, JAZZ_NIGHT, guess).await.0, 400);
    }
    let r = app
        .http
        .post(format!("{}/api/v1/promo-preview", app.url))
        .json(&json!({ "event_id": JAZZ_NIGHT, "code": "AAAD" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 429);
    let wait: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    let body: Value = r.json().await.unwrap();
    assert_error(429, &body, 429, "rate_limited");
}
