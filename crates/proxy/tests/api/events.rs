use crate::helpers::*;
use std::time::Duration;
use tessera_sandbox::seed;

#[tokio::test]
async fn the_list_holds_active_events_reduced_to_what_buyers_see() {
    let app = spawn_app().await;
    let (status, body) = app.get("/api/v1/events").await;
    assert_eq!(status, 200, "{body}");
    let events = body["events"].as_array().unwrap();
    let titles: Vec<&str> = events.iter().map(|e| e["title"].as_str().unwrap()).collect();
    assert_eq!(titles.len(), 3, "{titles:?}");
    assert!(!titles.contains(&"Baguio Winter Market"), "drafts are not listed");
    let jazz = events.iter().find(|e| e["id"] == seed::JAZZ_NIGHT).unwrap();
    assert_eq!(jazz["lowest_price"], serde_json::json!({"amount": 75_000, "currency": "PHP"}));
    assert_eq!(jazz["available"], 163);
    assert_eq!(body["meta"]["page"], 1);
    assert_eq!(body["stale"], false, "always present; true only for the last copy served in an outage");
    assert!(!body.to_string().contains("quantity_sold"));
}

#[tokio::test]
async fn an_event_has_tiers_in_minor_units_with_availability_and_no_sold_counts() {
    let app = spawn_app().await;
    let (status, body) = app.get(&format!("/api/v1/events/{}", seed::JAZZ_NIGHT)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["title"], "Manila Jazz Night");
    assert_eq!(body["currency"], "PHP");
    assert_eq!(body["start_datetime"], "2026-12-12T20:00:00+08:00");
    let tiers = body["tiers"].as_array().unwrap();
    let names: Vec<&str> = tiers.iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["General Admission", "VIP", "Early Bird"]);
    assert_eq!(tiers[0]["price"], serde_json::json!({"amount": 100_000, "currency": "PHP"}));
    assert_eq!(tiers[0]["available"], 160);
    assert_eq!(tiers[1]["available"], 3);
    assert_eq!(tiers[2]["available"], 0);
    for hidden in ["quantity_sold", "quantity_total", "capacity", "tickets_sold"] {
        assert!(!body.to_string().contains(hidden), "{hidden} leaked: {body}");
    }
}

#[tokio::test]
async fn fractional_prices_convert_exactly() {
    let app = spawn_app().await;
    let (_, body) = app.get(&format!("/api/v1/events/{}", seed::INDIE_FEST)).await;
    let student = body["tiers"].as_array().unwrap().iter().find(|t| t["name"] == "Student").unwrap();
    assert_eq!(student["price"]["amount"], 59_950);
}

#[tokio::test]
async fn unknown_event_is_404_in_the_error_format() {
    let app = spawn_app().await;
    let (status, body) = app.get("/api/v1/events/00000000-0000-4000-8000-000000000000").await;
    assert_error(status, &body, 404, "not_found");
    assert_eq!(body["error"]["message"], "Event not found");
    let (status, body) = app.get("/api/v1/events/..%2F..%2Fadmin").await;
    assert_error(status, &body, 404, "not_found");
}

#[tokio::test]
async fn a_bad_page_number_and_an_unknown_route_get_json_errors() {
    let app = spawn_app().await;
    let (status, body) = app.get("/api/v1/events?page=0").await;
    assert_error(status, &body, 400, "invalid");
    let (status, body) = app.get("/api/v1/events?page=abc").await;
    assert_error(status, &body, 400, "invalid");
    let (status, body) = app.get("/api/v1/nope").await;
    assert_error(status, &body, 404, "not_found");
}

#[tokio::test]
async fn event_reads_are_cached_briefly_then_refreshed() {
    let app = spawn_app_with(|c| c.event_ttl = Duration::from_millis(700)).await;
    assert_eq!(app.shown_available(seed::COMEDY_NIGHT, seed::COMEDY_FRONT_ROW).await, 15);
    // Seats held straight on the platform, with no webhook for a mere hold.
    let r = app
        .http
        .post(format!("{}/checkouts", app.sandbox_url))
        .bearer_auth(&app.sandbox_key)
        .json(&checkout_body_with_url(seed::COMEDY_NIGHT, seed::COMEDY_FRONT_ROW, 4))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    assert_eq!(app.upstream_available(seed::COMEDY_NIGHT, seed::COMEDY_FRONT_ROW).await, 11);
    assert_eq!(app.shown_available(seed::COMEDY_NIGHT, seed::COMEDY_FRONT_ROW).await, 15, "served from the cache");
    let refreshed = eventually(Duration::from_secs(3), async || {
        app.shown_available(seed::COMEDY_NIGHT, seed::COMEDY_FRONT_ROW).await == 11
    })
    .await;
    assert!(refreshed, "the cache entry expires");
}

fn checkout_body_with_url(event: &str, tier: &str, quantity: i64) -> serde_json::Value {
    let mut body = checkout_body(event, tier, quantity);
    body["success_url"] = "https://elsewhere.example/ok".into();
    body
}

#[tokio::test]
async fn a_wrong_upstream_key_is_a_502_that_does_not_echo_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = start_sandbox(dir.path(), "hh_live_the_right_key").await;
    let wrong = "hh_live_wrong_key_0123456789";
    let (url, _d) = spawn_app_against(&sandbox.base_url(), wrong).await;
    let r = reqwest::get(format!("{url}/api/v1/events/{}", seed::JAZZ_NIGHT)).await.unwrap();
    assert_eq!(r.status().as_u16(), 502);
    let text = r.text().await.unwrap();
    assert!(!text.contains(wrong) && !text.contains("hh_live_"), "{text}");
    let body: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_error(502, &body, 502, "platform_credentials");
    assert!(body["error"]["message"].as_str().unwrap().contains("API key"), "{body}");
}

#[tokio::test]
async fn an_upstream_that_is_down_is_a_503() {
    // Nothing listens on this port.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let (url, _d) = spawn_app_against(&format!("http://127.0.0.1:{port}/v1"), "hh_live_any").await;
    let r = reqwest::get(format!("{url}/api/v1/events/{}", seed::JAZZ_NIGHT)).await.unwrap();
    let status = r.status().as_u16();
    let body: serde_json::Value = r.json().await.unwrap();
    assert_error(status, &body, 503, "platform_down");
}
