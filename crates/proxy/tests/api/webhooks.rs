use crate::helpers::*;
use serde_json::json;
use std::time::Duration;
use tessera_proxy::webhook::sign;
use tessera_sandbox::seed;

async fn deliver(app: &TestApp, body: &str, signature: Option<&str>) -> (u16, serde_json::Value) {
    let mut r = app
        .http
        .post(format!("{}/webhooks/hanghut", app.url))
        .header("content-type", "application/json")
        .body(body.to_owned());
    if let Some(s) = signature {
        r = r.header("X-HangHut-Signature", s);
    }
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(serde_json::Value::Null))
}

fn purchase(id: &str) -> String {
    json!({"id": id, "type": "ticket.purchased", "created_at": "2026-03-21T10:30:00Z",
           "data": {"ticket_id": "a1b2", "event_id": seed::JAZZ_NIGHT, "customer": {"name": "Juan"}, "amount": 1000}})
    .to_string()
}

#[tokio::test]
async fn a_signed_delivery_is_taken_once() {
    let app = spawn_app().await;
    let body = purchase("evt_test_1");
    let signature = sign(WEBHOOK_SECRET.as_bytes(), body.as_bytes());
    let (status, reply) = deliver(&app, &body, Some(&signature)).await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["duplicate"], false);
    let (status, reply) = deliver(&app, &body, Some(&signature)).await;
    assert_eq!(status, 200);
    assert_eq!(reply["duplicate"], true, "a replay is recognised by its delivery id");
}

#[tokio::test]
async fn wrong_truncated_empty_and_missing_signatures_are_401() {
    let app = spawn_app().await;
    let body = purchase("evt_test_2");
    let good = sign(WEBHOOK_SECRET.as_bytes(), body.as_bytes());
    let other = sign(b"another secret", body.as_bytes());
    for signature in [Some(other.as_str()), Some(&good[..40]), Some(""), None] {
        let (status, reply) = deliver(&app, &body, signature).await;
        assert_error(status, &reply, 401, "unauthorized");
    }
    // None of those counted: the properly signed one is still new.
    let (_, reply) = deliver(&app, &body, Some(&good)).await;
    assert_eq!(reply["duplicate"], false);
}

#[tokio::test]
async fn a_signed_but_malformed_delivery_is_400() {
    let app = spawn_app().await;
    for body in ["not json", r#"{"type":"ticket.purchased"}"#, r#"{"id":"","type":"x"}"#] {
        let (status, reply) = deliver(&app, body, Some(&sign(WEBHOOK_SECRET.as_bytes(), body.as_bytes()))).await;
        assert_error(status, &reply, 400, "invalid");
    }
}

#[tokio::test]
async fn a_sale_on_the_platform_reaches_buyers_through_its_signed_webhook() {
    // A long cache lifetime: only the webhook can make the change visible this soon.
    let app = spawn_app_with(|c| c.event_ttl = Duration::from_secs(600)).await;
    assert_eq!(app.shown_available(seed::INDIE_FEST, seed::INDIE_BACKSTAGE).await, 8);
    app.buy_upstream(seed::INDIE_FEST, seed::INDIE_BACKSTAGE, 2).await;
    let seen = eventually(Duration::from_secs(5), async || {
        app.shown_available(seed::INDIE_FEST, seed::INDIE_BACKSTAGE).await == 6
    })
    .await;
    assert!(seen, "the sandbox's ticket.purchased webhook refreshed the proxy's view");
}

/// A platform or token segment that is not UTF-8 once percent-decoded names nothing: the JSON
/// 404 of any unknown platform, not axum's plain-text 400.
#[tokio::test]
async fn a_webhook_path_that_is_not_utf8_is_a_json_not_found() {
    let app = spawn_app().await;
    for path in ["/webhooks/%FF", "/webhooks/ingresse/%C3%28", "/webhooks/%FF/token"] {
        let answer = app.post_raw(path, &[("content-type", "application/json")], "{}").await;
        assert_error(answer.status, &answer.body, 404, "not_found");
    }
}
