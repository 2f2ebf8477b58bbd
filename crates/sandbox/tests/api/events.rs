use crate::helpers::*;
use serde_json::{json, Value};
use tessera_sandbox::seed;

#[tokio::test]
async fn listing_returns_active_events_with_tiers_and_meta() {
    let app = spawn().await;
    let body = app.get_json("/events").await;
    let events = body["data"]["events"].as_array().unwrap();
    let ids: Vec<&str> = events.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [seed::JAZZ_NIGHT, seed::COMEDY_NIGHT, seed::INDIE_FEST]);
    assert_eq!(
        body["data"]["meta"],
        json!({"page": 1, "per_page": 20, "total": 3, "total_pages": 1, "has_more": false})
    );

    let jazz = &events[0];
    assert_eq!(jazz["title"], "Manila Jazz Night");
    assert_eq!(jazz["status"], "active");
    assert_eq!(jazz["start_datetime"], "2026-12-12T20:00:00+08:00");
    assert_eq!(jazz["venue_name"], "The Podium Hall");
    assert_eq!(jazz["capacity"], 290);
    assert_eq!(jazz["tickets_sold"], 127);
    assert_eq!(
        jazz["ticket_tiers"][1],
        json!({"id": seed::JAZZ_VIP, "name": "VIP", "price": 2500, "quantity_total": 40, "quantity_sold": 37, "available": 3})
    );
    assert_eq!(jazz["ticket_tiers"][2]["available"], 0);
    assert_eq!(events[2]["ticket_tiers"][3]["price"], json!(599.5));
}

#[tokio::test]
async fn listing_paginates_and_reports_whether_more_follow() {
    let app = spawn().await;
    let first = app.get_json("/events?page=1&per_page=2").await;
    assert_eq!(first["data"]["events"].as_array().unwrap().len(), 2);
    assert_eq!(
        first["data"]["meta"],
        json!({"page": 1, "per_page": 2, "total": 3, "total_pages": 2, "has_more": true})
    );
    let second = app.get_json("/events?page=2&per_page=2").await;
    assert_eq!(second["data"]["events"][0]["id"], seed::INDIE_FEST);
    assert_eq!(second["data"]["meta"]["has_more"], false);
    let beyond = app.get_json("/events?page=3&per_page=2").await;
    assert_eq!(beyond["data"]["events"], json!([]));
}

#[tokio::test]
async fn draft_events_are_listed_only_under_status_draft() {
    let app = spawn().await;
    let active = app.get_json("/events").await;
    assert!(!active.to_string().contains(seed::WINTER_MARKET));
    let drafts = app.get_json("/events?status=draft").await;
    let events = drafts["data"]["events"].as_array().unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["id"], seed::WINTER_MARKET);
    assert_eq!(events[0]["status"], "draft");
    let cancelled = app.get_json("/events?status=cancelled").await;
    assert_eq!(cancelled["data"]["meta"]["total"], 0);
}

#[tokio::test]
async fn per_page_above_fifty_is_clamped_to_fifty() {
    let app = spawn().await;
    let body = app.get_json("/events?per_page=500").await;
    assert_eq!(body["data"]["meta"]["per_page"], 50);
}

#[tokio::test]
async fn bad_paging_values_and_unknown_statuses_are_400() {
    let app = spawn().await;
    for query in ["page=0", "page=-1", "page=abc", "per_page=0", "per_page=2.5"] {
        let (status, message) = error_of(app.get(&format!("/events?{query}")).await).await;
        assert_eq!(status, 400, "{query}");
        assert!(message.ends_with("must be an integer of at least 1"), "{query}: {message}");
    }
    let (status, message) = error_of(app.get("/events?status=archived").await).await;
    assert_eq!((status, message.as_str()), (400, "status must be one of: active, draft, cancelled"));
}

#[tokio::test]
async fn event_detail_has_description_city_and_availability_per_tier() {
    let app = spawn().await;
    let body = app.get_json(&format!("/events/{}", seed::COMEDY_NIGHT)).await;
    let event = &body["data"];
    assert_eq!(event["id"], seed::COMEDY_NIGHT);
    assert_eq!(event["city"], "Cebu");
    assert!(event["description"].as_str().unwrap().len() > 10);
    assert_eq!(event["end_datetime"], Value::Null);
    assert_eq!(event["tickets_sold"], 17);
    let tiers = event["ticket_tiers"].as_array().unwrap();
    assert_eq!(tiers.len(), 2);
    assert_eq!(
        (tiers[0]["name"].as_str(), tiers[0]["price"].as_i64(), tiers[0]["available"].as_i64()),
        (Some("Standard"), Some(800), Some(138))
    );
    assert_eq!((tiers[1]["name"].as_str(), tiers[1]["available"].as_i64()), (Some("Front Row"), Some(15)));
}

#[tokio::test]
async fn unknown_event_is_404_event_not_found() {
    let app = spawn().await;
    let (status, message) = error_of(app.get("/events/00000000-0000-4000-8000-000000000000").await).await;
    assert_eq!((status, message.as_str()), (404, "Event not found"));
}

#[tokio::test]
async fn created_events_start_as_drafts_and_put_publishes_them() {
    let app = spawn().await;
    let response = app
        .post(
            "/events",
            &json!({"title": "Friday Night Comedy", "start_datetime": "2026-04-10T20:00:00+08:00",
                    "venue_name": "Comedy Bar Manila", "city": "Manila", "capacity": 150, "ticket_price": 800}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    let id = created["data"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        created["data"],
        json!({"id": id, "title": "Friday Night Comedy", "status": "draft", "start_datetime": "2026-04-10T20:00:00+08:00",
               "venue_name": "Comedy Bar Manila", "capacity": 150, "ticket_price": 800})
    );

    let response = app.put(&format!("/events/{id}"), &json!({"status": "active", "capacity": 200})).await;
    assert_eq!(response.status(), 200);
    let updated: Value = response.json().await.unwrap();
    assert_eq!((updated["data"]["status"].as_str(), updated["data"]["capacity"].as_i64()), (Some("active"), Some(200)));
    let listed = app.get_json("/events").await;
    assert_eq!(listed["data"]["meta"]["total"], 4);
}

#[tokio::test]
async fn invalid_event_writes_are_400_and_unknown_events_404() {
    let app = spawn().await;
    let (status, message) =
        error_of(app.post("/events", &json!({"start_datetime": "2026-04-10T20:00:00+08:00"})).await).await;
    assert_eq!((status, message.as_str()), (400, "title is required"));
    let (status, _) =
        error_of(app.put(&format!("/events/{}", seed::JAZZ_NIGHT), &json!({"status": "sold"})).await).await;
    assert_eq!(status, 400);
    let (status, _) = error_of(app.put("/events/nope", &json!({"title": "x"})).await).await;
    assert_eq!(status, 404);
}
