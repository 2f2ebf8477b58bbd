use crate::helpers::*;
use serde_json::{json, Value};
use std::time::Duration;
use tessera_sandbox::seed;

async fn limited() -> TestSandbox {
    spawn_with(|c| {
        c.rate_limit = 3;
        c.rate_window = Duration::from_secs(2);
    })
    .await
}

#[tokio::test]
async fn requests_beyond_the_limit_get_429_with_retry_after_until_the_window_slides() {
    let app = limited().await;
    for _ in 0..3 {
        assert_eq!(app.get("/events").await.status(), 200);
    }
    let refused = app.get("/events").await;
    assert_eq!(refused.status(), 429);
    let retry_after: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=2).contains(&retry_after), "{retry_after}");
    let body: Value = refused.json().await.unwrap();
    assert_eq!(
        body,
        json!({"error": {"message": "Rate limit exceeded. Max 3 requests per 2 seconds.", "status": 429}})
    );

    tokio::time::sleep(Duration::from_secs(retry_after)).await;
    assert_eq!(app.get("/events").await.status(), 200);
}

#[tokio::test]
async fn the_default_limit_answers_with_the_documents_exact_body() {
    let app = spawn_with(|c| c.rate_limit = 1).await;
    assert_eq!(app.get("/events").await.status(), 200);
    let body: Value = app.get("/events").await.json().await.unwrap();
    assert_eq!(body, json!({"error": {"message": "Rate limit exceeded. Max 1 requests per minute.", "status": 429}}));
}

#[tokio::test]
async fn unauthenticated_and_hosted_page_requests_do_not_use_the_limit() {
    let app = limited().await;
    let id = app.checkout(seed::JAZZ_GA, 1).await;
    for _ in 0..5 {
        let anonymous = app.client.get(format!("{}/events", app.base)).send().await.unwrap();
        assert_eq!(anonymous.status(), 401);
        assert_eq!(app.page(&id).await.0, 200);
    }
    assert_eq!(app.get("/events").await.status(), 200);
    assert_eq!(app.get("/events").await.status(), 200);
    assert_eq!(app.get("/events").await.status(), 429);
}

#[tokio::test]
async fn promo_code_requests_count_against_the_limit() {
    let app = limited().await;
    let created = app.promo(&promo_body("EARLYBIRD", "percentage", json!(20))).await;
    let path = format!("/promo-codes/{}", created["id"].as_str().unwrap());
    assert_eq!(app.get(&path).await.status(), 200);
    assert_eq!(app.put(&path, &json!({"is_active": false})).await.status(), 200);
    let (status, _) = error_of(app.post("/promo-codes", &promo_body("LATECOMER", "percentage", json!(5))).await).await;
    assert_eq!(status, 429);
}
