use crate::helpers::*;
use tessera_sandbox::seed;

#[tokio::test]
async fn hosted_page_shows_peso_totals_the_buyer_and_both_buttons() {
    let app = spawn().await;
    let id = app.checkout(seed::JAZZ_GA, 2).await;
    let (status, html) = app.page(&id).await;
    assert_eq!(status, 200);
    for expected in [
        "<main>",
        "<h1>Manila Jazz Night</h1>",
        "General Admission",
        "₱1,000.00",
        "₱2,000.00",
        "Juan Dela Cruz",
        "juan@example.com",
        "<button type=\"submit\" class=\"pay\">Pay ₱2,000.00</button>",
        &format!("action=\"/checkout/{id}/pay\""),
        &format!("action=\"/checkout/{id}/cancel\""),
        ">Cancel</button>",
        "tessera sandbox",
        "no money moves",
    ] {
        assert!(html.contains(expected), "missing {expected:?} in\n{html}");
    }
    assert!(!html.contains("<script"));
}

#[tokio::test]
async fn hosted_page_escapes_buyer_data() {
    let app = spawn().await;
    let mut body = checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_GA, 1);
    body["customer"]["name"] = "<img src=x onerror=alert(1)>".into();
    let response = app.post("/checkouts", &body).await;
    assert_eq!(response.status(), 201);
    let created: serde_json::Value = response.json().await.unwrap();
    let (_, html) = app.page(created["data"]["checkout_id"].as_str().unwrap()).await;
    assert!(!html.contains("<img"), "{html}");
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
}

#[tokio::test]
async fn unknown_checkout_page_is_404() {
    let app = spawn().await;
    let (status, html) = app.page("pi_doesnotexist").await;
    assert_eq!(status, 404);
    assert!(html.contains("Checkout not found"));
}

#[tokio::test]
async fn paid_and_cancelled_sessions_show_their_state_instead_of_buttons() {
    let app = spawn().await;
    let paid = app.checkout(seed::JAZZ_GA, 1).await;
    assert_eq!(app.pay(&paid).await.status(), 303);
    let (_, html) = app.page(&paid).await;
    assert!(html.contains("Payment received") && !html.contains("<button"), "{html}");

    let cancelled = app.checkout(seed::JAZZ_GA, 1).await;
    assert_eq!(app.cancel(&cancelled).await.status(), 303);
    let (_, html) = app.page(&cancelled).await;
    assert!(html.contains("Checkout cancelled") && !html.contains("<button"), "{html}");
    assert_eq!(app.pay(&cancelled).await.status(), 409);
}

#[tokio::test]
async fn cancelling_without_a_cancel_url_shows_a_payment_cancelled_page() {
    let app = spawn().await;
    let mut body = checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_GA, 1);
    body.as_object_mut().unwrap().remove("cancel_url");
    let created: serde_json::Value = app.post("/checkouts", &body).await.json().await.unwrap();
    let response = app.cancel(created["data"]["checkout_id"].as_str().unwrap()).await;
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("Payment cancelled"));
}

#[tokio::test]
async fn paying_redirects_to_success_url_and_sells_the_seats_once() {
    let app = spawn().await;
    let id = app.checkout(seed::JAZZ_VIP, 2).await;
    let response = app.pay(&id).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "https://shop.example/thank-you");
    let vip = app.tier(seed::JAZZ_NIGHT, seed::JAZZ_VIP).await;
    assert_eq!((vip["quantity_sold"].as_i64(), vip["available"].as_i64()), (Some(39), Some(1)));

    let again = app.pay(&id).await;
    assert_eq!(again.status(), 303);
    assert_eq!(app.tier(seed::JAZZ_NIGHT, seed::JAZZ_VIP).await["quantity_sold"], 39);
}

#[tokio::test]
async fn hosted_pages_need_no_api_key() {
    let app = spawn().await;
    let id = app.checkout(seed::JAZZ_GA, 1).await;
    let response = reqwest::get(format!("{}/checkout/{id}", app.origin)).await.unwrap();
    assert_eq!(response.status(), 200);
}
