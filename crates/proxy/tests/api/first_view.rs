//! `GET /api/v1/events/{id}/view`: the widget's first view rendered by the proxy from its
//! catalogue, and the conditional GETs of the catalogue's reads.
use crate::helpers::*;
use std::time::Duration;
use tessera_sandbox::seed;

fn view_path(locale: &str) -> String {
    format!("/api/v1/events/{}/view?locale={locale}", seed::JAZZ_NIGHT)
}

#[tokio::test]
async fn the_first_view_shows_the_tiers_prices_and_counts_of_its_read() {
    let app = spawn_app().await;
    let (status, body) = app.get(&view_path("en-PH")).await;
    assert_eq!(status, 200, "{body}");
    let (html, read) = (body["html"].as_str().unwrap(), &body["read"]);
    assert_eq!(read["id"], seed::JAZZ_NIGHT);
    for tier in read["tiers"].as_array().unwrap() {
        assert!(html.contains(tier["name"].as_str().unwrap()), "{html}");
        let left = tier["available"].as_u64().unwrap();
        if left > 5 {
            assert!(html.contains(&format!("{left} left")), "{left} left in {html}");
        }
    }
    for shown in ["Manila Jazz Night", "₱1,000.00", "Only 3 left", "Sold out", "Continue to payment"] {
        assert!(html.contains(shown), "{shown} in {html}");
    }
    // A form a browser sends by itself, to this proxy's checkout.
    assert!(html.contains(&format!("action=\"{}/api/v1/checkout\"", app.url)), "{html}");
    assert!(html.contains("name=\"tier_id\"") && html.contains("name=\"email\""), "{html}");
}

#[tokio::test]
async fn the_first_view_is_in_the_buyers_language_and_money() {
    let app = spawn_app().await;
    let (status, body) = app.get(&view_path("de-DE")).await;
    assert_eq!(status, 200, "{body}");
    let html = body["html"].as_str().unwrap();
    assert!(html.contains("1.000,00\u{a0}PHP") && html.contains("Weiter zur Zahlung"), "{html}");
    let (_, pt) = app.get(&view_path("pt_BR")).await;
    assert!(pt["html"].as_str().unwrap().contains("Ir para o pagamento"));
}

#[tokio::test]
async fn a_first_view_of_nothing_or_in_no_language_is_refused_clearly() {
    let app = spawn_app().await;
    let (status, body) = app.get("/api/v1/events/00000000-0000-4000-8000-000000000000/view").await;
    assert_error(status, &body, 404, "not_found");
    let (status, body) = app.get(&view_path("en%20PH")).await;
    assert_error(status, &body, 400, "invalid");
    let (status, body) = app.get(&view_path(&"x".repeat(36))).await;
    assert_error(status, &body, 400, "invalid");
}

/// A GET with `If-None-Match: etag`: its status, ETag, Cache-Control and body.
async fn get_if_none_match(app: &TestApp, path: &str, etag: Option<&str>) -> (u16, String, String, String) {
    let mut request = app.http.get(format!("{}{path}", app.url));
    if let Some(etag) = etag {
        request = request.header("if-none-match", etag);
    }
    let r = request.send().await.unwrap();
    let header = |name: &str| r.headers().get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    let (etag, cache) = (header("etag"), header("cache-control"));
    (r.status().as_u16(), etag, cache, r.text().await.unwrap())
}

#[tokio::test]
async fn reads_answer_304_to_their_own_etag_until_a_sale_changes_them() {
    let app = spawn_app().await;
    for path in [view_path("en-PH"), format!("/api/v1/events/{}", seed::JAZZ_NIGHT), "/api/v1/events".to_owned()] {
        let (status, etag, cache, body) = get_if_none_match(&app, &path, None).await;
        assert_eq!(status, 200, "{path}: {body}");
        assert!(etag.starts_with("W/\"") && etag.len() == 36, "{path}: {etag}");
        assert_eq!(cache, "public, max-age=2", "{path}: the catalogue's TTL");
        let (status, again, cache, body) = get_if_none_match(&app, &path, Some(&etag)).await;
        assert_eq!(
            (status, again.as_str(), cache.as_str(), body.as_str()),
            (304, etag.as_str(), "public, max-age=2", "")
        );
        let (status, ..) = get_if_none_match(&app, &path, Some("\"not-this-one\"")).await;
        assert_eq!(status, 200, "{path}: another tag gets the body");
    }
    // A sale on the platform: once the catalogue has its new counts, the tag is another.
    let path = view_path("en-PH");
    let (_, before, _, _) = get_if_none_match(&app, &path, None).await;
    app.buy_upstream(seed::JAZZ_NIGHT, seed::JAZZ_GA, 2).await;
    let changed = eventually(Duration::from_secs(10), async || {
        let (status, ..) = get_if_none_match(&app, &path, Some(&before)).await;
        status == 200
    })
    .await;
    assert!(changed, "the view's tag changed with the sale");
    let (_, _, _, body) = get_if_none_match(&app, &path, None).await;
    let view: serde_json::Value = serde_json::from_str(&body).unwrap();
    let ga = view["read"]["tiers"].as_array().unwrap().iter().find(|t| t["id"] == seed::JAZZ_GA).unwrap().clone();
    let left = ga["available"].as_u64().unwrap();
    assert!(view["html"].as_str().unwrap().contains(&format!("{left} left")), "the view shows what its read says");
}

#[tokio::test]
async fn reads_are_compressed_for_browsers_that_accept_it_and_the_live_stream_is_not() {
    let app = spawn_app().await;
    let asked = |path: String| app.http.get(format!("{}{path}", app.url)).header("accept-encoding", "br, gzip").send();
    let view = asked(view_path("en-PH")).await.unwrap();
    assert_eq!(view.status(), 200);
    assert_eq!(view.headers()["content-encoding"], "br");
    let (plain, compressed) =
        (app.get(&view_path("en-PH")).await.1.to_string().len(), view.bytes().await.unwrap().len());
    assert!(compressed * 2 < plain, "the view's HTML compresses: {compressed} B of {plain} B");
    let live = asked(format!("/api/v1/events/{}/live", seed::JAZZ_NIGHT)).await.unwrap();
    assert_eq!(live.status(), 200);
    assert!(live.headers().get("content-encoding").is_none(), "events stream as they happen");
}

#[tokio::test]
async fn the_lists_first_view_shows_every_event_of_its_page_and_revalidates() {
    let app = spawn_app().await;
    let (status, body) = app.get("/api/v1/events/view?locale=es-ES").await;
    assert_eq!(status, 200, "{body}");
    let (html, events) = (body["html"].as_str().unwrap(), body["read"]["events"].as_array().unwrap());
    assert!(!events.is_empty());
    for event in events {
        assert!(html.contains(event["title"].as_str().unwrap()), "{html}");
    }
    assert!(html.contains("Próximos eventos"), "in the buyer's language: {html}");
    let (status, etag, ..) = get_if_none_match(&app, "/api/v1/events/view?locale=es-ES", None).await;
    assert_eq!(status, 200);
    let (status, ..) = get_if_none_match(&app, "/api/v1/events/view?locale=es-ES", Some(&etag)).await;
    assert_eq!(status, 304);
    let (status, body) = app.get("/api/v1/events/view?locale=%3Cb%3E").await;
    assert_error(status, &body, 400, "invalid");
}
