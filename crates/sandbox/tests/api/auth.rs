use crate::helpers::*;
use serde_json::Value;

#[tokio::test]
async fn requests_without_an_api_key_get_401_in_the_error_format() {
    let app = spawn().await;
    let response = app.client.get(format!("{}/events", app.base)).send().await.unwrap();
    assert_eq!(response.status(), 401);
    let (status, message) = error_of(response).await;
    assert_eq!(status, 401);
    assert!(message.contains("Invalid or missing API key"), "{message}");
}

#[tokio::test]
async fn requests_with_a_wrong_key_get_401_and_the_key_is_not_echoed() {
    let app = spawn().await;
    let wrong = "hh_live_not_the_right_one_9d8e";
    let response = app.client.get(format!("{}/events", app.base)).bearer_auth(wrong).send().await.unwrap();
    assert_eq!(response.status(), 401);
    let body = response.text().await.unwrap();
    assert!(!body.contains(wrong), "{body}");
    assert!(!body.contains(KEY), "{body}");
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["error"]["status"], 401);
}

#[tokio::test]
async fn every_v1_route_requires_the_key() {
    let app = spawn().await;
    for (method, path) in [
        ("POST", "/checkouts"),
        ("GET", "/orders"),
        ("POST", "/webhooks"),
        ("GET", "/tickets/x"),
        ("POST", "/promo-codes"),
        ("GET", "/promo-codes/pc_x"),
        ("PUT", "/promo-codes/pc_x"),
    ] {
        let url = format!("{}{path}", app.base);
        let request = match method {
            "POST" => app.client.post(url).body("{}"),
            "PUT" => app.client.put(url).body("{}"),
            _ => app.client.get(url),
        };
        assert_eq!(request.send().await.unwrap().status(), 401, "{method} {path}");
    }
}

#[tokio::test]
async fn unknown_api_paths_are_404_in_the_error_format() {
    let app = spawn().await;
    let (status, _) = error_of(app.get("/nope").await).await;
    assert_eq!(status, 404);
}
