use crate::helpers::*;
use serde_json::{json, Value};
use std::collections::HashSet;
use tessera_sandbox::seed;

fn attendees_path(query: &str) -> String {
    format!("/events/{}/attendees{query}", seed::JAZZ_NIGHT)
}

/// Buys `quantity` Jazz Night tickets in `tier` through the hosted page.
async fn buy(app: &TestSandbox, tier: &str, quantity: i64) {
    let checkout = app.checkout(tier, quantity).await;
    assert_eq!(app.pay(&checkout).await.status(), 303);
}

/// The `attendees` of one `GET`, asserting 200.
async fn attendees(app: &TestSandbox, query: &str) -> Vec<Value> {
    let body = app.get_json(&attendees_path(query)).await;
    body["data"]["attendees"].as_array().expect("attendees array").clone()
}

fn ticket_ids(list: &[Value]) -> Vec<String> {
    list.iter().map(|a| a["ticket_id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn bought_tickets_are_listed_with_customer_and_tier_in_the_documented_shape() {
    let app = spawn().await;
    let empty = app.get_json(&attendees_path("")).await;
    assert_eq!(
        empty["data"],
        json!({"event": {"id": seed::JAZZ_NIGHT, "title": "Manila Jazz Night"}, "attendees": [],
               "meta": {"page": 1, "total": 0, "has_more": false}})
    );

    buy(&app, seed::JAZZ_VIP, 2).await;
    let body = app.get_json(&attendees_path("")).await;
    assert_eq!(body["data"]["event"], json!({"id": seed::JAZZ_NIGHT, "title": "Manila Jazz Night"}));
    assert_eq!(body["data"]["meta"], json!({"page": 1, "total": 2, "has_more": false}));
    let list = body["data"]["attendees"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    for attendee in list {
        let id = attendee["ticket_id"].as_str().unwrap();
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
        // The same ticket `GET /tickets/:id` knows.
        assert_eq!(app.get_json(&format!("/tickets/{id}")).await["data"]["status"], "sold");
        let number = attendee["ticket_number"].as_str().unwrap();
        assert!(number.len() == 8 && number.starts_with("TK-"), "{number}");
        assert_eq!(
            attendee,
            &json!({
                "ticket_id": id,
                "ticket_number": number,
                "status": "sold",
                "checked_in_at": null,
                "customer": {"name": "Juan Dela Cruz", "email": "juan@example.com"},
                "tier": {"name": "VIP", "price": 2500}
            })
        );
    }
    let numbers: HashSet<_> = list.iter().map(|a| a["ticket_number"].as_str().unwrap()).collect();
    assert_eq!(numbers, HashSet::from(["TK-00001", "TK-00002"]));
    // Same purchase instant: ordered by ticket id.
    let ids = ticket_ids(list);
    assert!(ids[0] < ids[1], "{ids:?}");
    // Other events' lists are not affected.
    let comedy = app.get_json(&format!("/events/{}/attendees", seed::COMEDY_NIGHT)).await;
    assert_eq!(comedy["data"]["meta"]["total"], 0);
}

#[tokio::test]
async fn the_status_filter_follows_refunds_and_check_ins() {
    let app = spawn().await;
    buy(&app, seed::JAZZ_GA, 3).await;
    let ids = ticket_ids(&attendees(&app, "").await);
    let (refunded, checked_in, sold) = (&ids[0], &ids[1], &ids[2]);
    let response = app.post(&format!("/tickets/{refunded}/refund"), &json!({})).await;
    assert_eq!(response.status(), 200);
    let response = app.post(&format!("/tickets/{checked_in}/check-in"), &json!({})).await;
    assert_eq!(response.status(), 200);

    let list = attendees(&app, "?status=refunded").await;
    assert_eq!(ticket_ids(&list), [refunded.as_str()]);
    assert_eq!((list[0]["status"].as_str(), list[0]["tier"]["price"].as_i64()), (Some("refunded"), Some(1000)));

    let list = attendees(&app, "?status=sold").await;
    assert_eq!(ticket_ids(&list), [sold.as_str()]);

    let body = app.get_json(&attendees_path("?status=checked_in")).await;
    assert_eq!(body["data"]["meta"], json!({"page": 1, "total": 1, "has_more": false}));
    let list = body["data"]["attendees"].as_array().unwrap();
    assert_eq!(ticket_ids(list), [checked_in.as_str()]);
    assert_eq!(list[0]["status"], "checked_in");
    let at = list[0]["checked_in_at"].as_str().unwrap();
    assert!(chrono::DateTime::parse_from_rfc3339(at).is_ok(), "{at}");

    // Unfiltered, all three stay in purchase order with their own statuses.
    let statuses: Vec<_> = attendees(&app, "").await.iter().map(|a| a["status"].clone()).collect();
    assert_eq!(statuses, [json!("refunded"), json!("checked_in"), json!("sold")]);
}

#[tokio::test]
async fn pages_are_stable_and_per_page_above_one_hundred_is_clamped_like_every_list() {
    let app = spawn().await;
    buy(&app, seed::JAZZ_GA, 101).await;
    let first = app.get_json(&attendees_path("?per_page=500")).await;
    assert_eq!(first["data"]["attendees"].as_array().unwrap().len(), 100);
    assert_eq!(first["data"]["meta"], json!({"page": 1, "total": 101, "has_more": true}));
    let second = app.get_json(&attendees_path("?per_page=100&page=2")).await;
    assert_eq!(second["data"]["meta"], json!({"page": 2, "total": 101, "has_more": false}));

    let mut paged = ticket_ids(first["data"]["attendees"].as_array().unwrap());
    paged.extend(ticket_ids(second["data"]["attendees"].as_array().unwrap()));
    let mut sorted = paged.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(paged, sorted, "one purchase instant: every ticket once, in ticket-id order");

    let defaults = app.get_json(&attendees_path("")).await;
    assert_eq!(defaults["data"]["attendees"].as_array().unwrap().len(), 20);
    let beyond = app.get_json(&attendees_path("?page=9&per_page=50")).await;
    assert_eq!(beyond["data"]["attendees"], json!([]));
}

#[tokio::test]
async fn bad_paging_values_and_unknown_statuses_are_400() {
    let app = spawn().await;
    for query in ["page=0", "page=abc", "per_page=0", "per_page=-5", "per_page=2.5"] {
        let (status, message) = error_of(app.get(&attendees_path(&format!("?{query}"))).await).await;
        assert_eq!(status, 400, "{query}");
        assert!(message.ends_with("must be an integer of at least 1"), "{query}: {message}");
    }
    for bad in ["used", "cancelled", "SOLD", "active"] {
        let (status, message) = error_of(app.get(&attendees_path(&format!("?status={bad}"))).await).await;
        assert_eq!((status, message.as_str()), (400, "status must be one of: sold, checked_in, refunded"), "{bad}");
    }
}

#[tokio::test]
async fn unknown_event_is_404_event_not_found() {
    let app = spawn().await;
    let (status, message) = error_of(app.get("/events/00000000-0000-4000-8000-000000000000/attendees").await).await;
    assert_eq!((status, message.as_str()), (404, "Event not found"));
}

#[tokio::test]
async fn attendees_require_the_api_key() {
    let app = spawn().await;
    let response = app.client.get(format!("{}{}", app.base, attendees_path(""))).send().await.unwrap();
    let (status, message) = error_of(response).await;
    assert_eq!(status, 401);
    assert!(message.contains("Invalid or missing API key"), "{message}");
}
