//! Hostile input and hostile clients (issue 6): every promise here fails if the defence goes.

use crate::helpers::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use tessera_sandbox::seed;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const SHOP: &str = "https://shop.example";
const EVIL: &str = "https://evil.example";

fn order() -> Value {
    checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_GA, 2)
}

// --- Checkout: the server decides the price, the quantity rules and where buyers return ---

#[tokio::test]
async fn checkout_refuses_client_sent_prices_and_return_urls_and_creates_nothing() {
    let (app, upstream) = spawn_app_via_recorder(|_| {}).await;
    for field in ["price", "total", "amount", "subtotal", "discount", "unit_price", "success_url", "cancel_url"] {
        let mut body = order();
        body[field] = if field.ends_with("url") { json!("https://evil.example/") } else { json!(1) };
        let (status, body) = app.post_json("/api/v1/checkout", &body).await;
        assert_error(status, &body, 400, "invalid");
        assert!(body["error"]["message"].as_str().unwrap().contains(field), "{body}");
    }
    assert!(upstream.checkouts().is_empty(), "no call reached the platform");
    assert_eq!(app.upstream_available(seed::JAZZ_NIGHT, seed::JAZZ_GA).await, 160);
}

#[tokio::test]
async fn checkout_refuses_bad_quantities_with_400_before_any_upstream_call() {
    let (app, upstream) = spawn_app_via_recorder(|_| {}).await;
    for quantity in [json!(0), json!(-1), json!(11), json!(1.5), json!("2"), json!(null), json!(1e20), json!([1])] {
        let mut body = order();
        body["quantity"] = quantity.clone();
        let (status, body) = app.post_json("/api/v1/checkout", &body).await;
        assert_error(status, &body, 400, "invalid");
        assert!(body.to_string().contains("uantity"), "{quantity}: {body}");
    }
    assert!(upstream.checkouts().is_empty(), "no call reached the platform");
    assert_eq!(app.upstream_available(seed::JAZZ_NIGHT, seed::JAZZ_GA).await, 160);
}

#[tokio::test]
async fn checkout_of_an_unknown_tier_is_400_and_of_a_sold_out_tier_409_with_nothing_created() {
    let app = spawn_app().await;
    let (status, body) =
        app.post_json("/api/v1/checkout", &checkout_body(seed::JAZZ_NIGHT, seed::COMEDY_FRONT_ROW, 1)).await;
    assert_error(status, &body, 400, "invalid");
    let (status, body) = app.post_json("/api/v1/checkout", &checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_EARLY, 1)).await;
    assert_error(status, &body, 409, "sold_out");
    assert_eq!(app.upstream_sessions(), 0, "the platform opened no session");
}

#[tokio::test]
async fn the_price_upstream_is_the_tiers_own_whatever_the_client_believed() {
    // The widget can only send ids and a count; the session is priced by the platform's tier.
    let app = spawn_app().await;
    let (status, body) = app.post_json("/api/v1/checkout", &order()).await;
    assert_eq!(status, 201, "{body}");
    let page = app.http.get(body["checkout_url"].as_str().unwrap()).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Pay ₱2,000.00</button>"), "2 × ₱1,000 General Admission: {page}");
}

// --- Idempotency-Key ---

async fn checkout_with_key(app: &TestApp, key: &str, body: &Value) -> Answer {
    app.post_raw(
        "/api/v1/checkout",
        &[("content-type", "application/json"), ("idempotency-key", key)],
        body.to_string(),
    )
    .await
}

#[tokio::test]
async fn a_retried_checkout_with_the_same_idempotency_key_gets_the_same_session_once() {
    let (app, upstream) = spawn_app_via_recorder(|_| {}).await;
    let first = checkout_with_key(&app, "4f0c2a9e-widget-retry", &order()).await;
    assert_eq!(first.status, 201, "{}", first.body);
    // The same order, sent again (another spacing and field order is still the same order).
    let mut again = order();
    again["customer"] = json!({"email": "juan@example.com", "name": "Juan Dela Cruz"});
    let second = checkout_with_key(&app, "4f0c2a9e-widget-retry", &again).await;
    assert_eq!(second.status, 201, "{}", second.body);
    assert_eq!(second.body["checkout_url"], first.body["checkout_url"]);
    assert_eq!(second.header("idempotent-replayed"), Some("true"));
    assert_eq!(upstream.checkouts().len(), 1, "the platform was asked once");
    assert_eq!(app.upstream_available(seed::JAZZ_NIGHT, seed::JAZZ_GA).await, 158, "one hold of 2 seats");

    // Another key is another checkout.
    let other = checkout_with_key(&app, "another-attempt", &order()).await;
    assert_eq!(other.status, 201);
    assert_ne!(other.body["checkout_url"], first.body["checkout_url"]);
}

#[tokio::test]
async fn the_same_idempotency_key_for_another_order_is_422() {
    let (app, upstream) = spawn_app_via_recorder(|_| {}).await;
    assert_eq!(checkout_with_key(&app, "key-1", &order()).await.status, 201);
    let changed = checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_GA, 3);
    let answer = checkout_with_key(&app, "key-1", &changed).await;
    assert_error(answer.status, &answer.body, 422, "unprocessable");
    assert!(answer.body["error"]["message"].as_str().unwrap().contains("Idempotency-Key"), "{}", answer.body);
    assert_eq!(upstream.checkouts().len(), 1);

    let bad = checkout_with_key(&app, "has spaces in it", &order()).await;
    assert_error(bad.status, &bad.body, 400, "invalid");
}

#[tokio::test]
async fn a_refused_order_does_not_use_up_its_idempotency_key() {
    let app = spawn_app().await;
    let too_many = checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_VIP, 4);
    let refused = checkout_with_key(&app, "key-2", &too_many).await;
    assert_error(refused.status, &refused.body, 409, "sold_out");
    let fixed = checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_VIP, 3);
    assert_eq!(checkout_with_key(&app, "key-2", &fixed).await.status, 201);
}

#[tokio::test]
async fn the_proxy_retries_a_lost_checkout_answer_with_the_same_upstream_key() {
    let (app, upstream) = spawn_app_via_recorder(|_| {}).await;
    upstream.lose_next_answers(1);
    let answer = checkout_with_key(&app, "key-3", &order()).await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    let keys = upstream.checkouts();
    assert_eq!(keys.len(), 2, "one try and one retry");
    assert!(keys[0].as_deref().is_some_and(|k| !k.is_empty()), "{keys:?}");
    assert_eq!(keys[0], keys[1], "the retry carries the first try's key");
    assert_eq!(app.upstream_available(seed::JAZZ_NIGHT, seed::JAZZ_GA).await, 158, "one session, not two");

    // Without a key from the widget the proxy still sends one of its own, stable over its retry.
    upstream.lose_next_answers(1);
    let (status, _) = app.post_json("/api/v1/checkout", &checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_GA, 1)).await;
    assert_eq!(status, 201);
    let keys = upstream.checkouts();
    assert_eq!(keys.len(), 4);
    assert!(keys[2].is_some() && keys[2] == keys[3] && keys[2] != keys[0], "{keys:?}");
    assert_eq!(app.upstream_available(seed::JAZZ_NIGHT, seed::JAZZ_GA).await, 157);
}

#[tokio::test]
async fn a_widget_retry_after_an_ambiguous_failure_finds_the_session_the_platform_opened() {
    let (app, upstream) = spawn_app_via_recorder(|_| {}).await;
    // The platform opens the session but both answers are lost: the buyer sees a 503.
    upstream.lose_next_answers(2);
    let failed = checkout_with_key(&app, "key-4", &order()).await;
    assert_error(failed.status, &failed.body, 503, "platform_down");
    let wait: u64 = failed.header("retry-after").expect("Retry-After on a 503").parse().unwrap();
    assert!(wait >= 1, "{wait}");
    // The widget retries with its key; the platform recognises the upstream key.
    let retried = checkout_with_key(&app, "key-4", &order()).await;
    assert_eq!(retried.status, 201, "{}", retried.body);
    let keys = upstream.checkouts();
    assert_eq!(keys.len(), 3);
    assert!(keys.iter().all(|k| k == &keys[0]), "one upstream key throughout: {keys:?}");
    assert_eq!(app.upstream_available(seed::JAZZ_NIGHT, seed::JAZZ_GA).await, 158, "still a single hold");
}

// --- Cross-origin ---

#[tokio::test]
async fn post_endpoints_refuse_a_foreign_origin_and_accept_configured_ones() {
    let app = spawn_app_with(|c| c.allowed_origins = vec![SHOP.into()]).await;
    let json_type = ("content-type", "application/json");
    for path in ["/api/v1/checkout", "/api/v1/promo-preview"] {
        let answer = app.post_raw(path, &[json_type, ("origin", EVIL)], order().to_string()).await;
        assert_error(answer.status, &answer.body, 403, "forbidden");
        assert_eq!(answer.header("access-control-allow-origin"), None);
        let answer = app.post_raw(path, &[json_type, ("origin", "null")], order().to_string()).await;
        assert_error(answer.status, &answer.body, 403, "forbidden");
    }
    assert_eq!(app.upstream_sessions(), 0);

    let answer = app.post_raw("/api/v1/checkout", &[json_type, ("origin", SHOP)], order().to_string()).await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    assert_eq!(answer.header("access-control-allow-origin"), Some(SHOP));
    // The proxy's own pages (the demo) are always allowed.
    let own = app.url.clone();
    let answer = app.post_raw("/api/v1/checkout", &[json_type, ("origin", &own)], order().to_string()).await;
    assert_eq!(answer.status, 201, "{}", answer.body);
}

#[tokio::test]
async fn cross_site_simple_requests_are_refused() {
    let app = spawn_app_with(|c| c.allowed_origins = vec![SHOP.into()]).await;
    let form = format!(
        "event_id={}&tier_id={}&quantity=1&name=Ana+Reyes&email=ana%40example.com",
        seed::JAZZ_NIGHT,
        seed::JAZZ_GA
    );
    let multipart = "--x\r\nContent-Disposition: form-data; name=\"quantity\"\r\n\r\n1\r\n--x--\r\n";
    let simple = [
        ("text/plain", order().to_string()),
        ("application/x-www-form-urlencoded", form.clone()),
        ("multipart/form-data; boundary=x", multipart.to_string()),
    ];
    for (content_type, body) in &simple {
        for path in ["/api/v1/checkout", "/api/v1/promo-preview"] {
            let answer = app.post_raw(path, &[("content-type", content_type), ("origin", EVIL)], body.clone()).await;
            assert_error(answer.status, &answer.body, 403, "forbidden");
        }
        // Without an Origin (not a browser on another site) only JSON, or a form to checkout.
        let answer = app.post_raw("/api/v1/promo-preview", &[("content-type", content_type)], body.clone()).await;
        assert_error(answer.status, &answer.body, 415, "unsupported_media_type");
    }
    for (content_type, body) in [&simple[0], &simple[2]] {
        let answer = app.post_raw("/api/v1/checkout", &[("content-type", content_type)], body.clone()).await;
        assert_error(answer.status, &answer.body, 415, "unsupported_media_type");
    }
    assert_eq!(app.upstream_sessions(), 0, "nothing was created");
    // The no-JavaScript form still works from the shop's own page.
    let r = app.post_raw("/api/v1/checkout", &[("content-type", simple[1].0), ("origin", SHOP)], form).await;
    assert_eq!(r.status, 303);
}

#[tokio::test]
async fn cors_answers_only_configured_origins_and_always_varies_on_origin() {
    let app = spawn_app_with(|c| c.allowed_origins = vec![SHOP.into()]).await;
    let path = format!("{}/api/v1/events/{}", app.url, seed::JAZZ_NIGHT);
    for (origin, allowed) in [(SHOP, true), (EVIL, false)] {
        let r = app.http.get(&path).header("origin", origin).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let acao = r.headers().get("access-control-allow-origin").map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(acao.as_deref(), allowed.then_some(origin), "{origin}");
        let vary: Vec<String> =
            r.headers().get_all("vary").iter().map(|v| v.to_str().unwrap().to_ascii_lowercase()).collect();
        assert!(vary.iter().any(|v| v.contains("origin")), "{origin}: {vary:?}");

        let preflight = app
            .http
            .request(reqwest::Method::OPTIONS, format!("{}/api/v1/checkout", app.url))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type,idempotency-key")
            .send()
            .await
            .unwrap();
        let acao = preflight.headers().get("access-control-allow-origin").map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(acao.as_deref(), allowed.then_some(origin), "preflight from {origin}");
        if allowed {
            let headers = preflight.headers()["access-control-allow-headers"].to_str().unwrap().to_ascii_lowercase();
            assert!(headers.contains("idempotency-key"), "{headers}");
        }
    }
    let r = app.http.get(&path).send().await.unwrap();
    assert!(r.headers().get("access-control-allow-origin").is_none(), "no Origin, no CORS answer");
}

// --- Methods ---

#[tokio::test]
async fn a_wrong_method_on_a_known_path_is_a_json_405_that_keeps_the_allow_header() {
    let app = spawn_app_with(|c| c.allowed_origins = vec![SHOP.into()]).await;
    let event = format!("/api/v1/events/{}", seed::JAZZ_NIGHT);
    for (method, path, allowed) in [
        (reqwest::Method::GET, "/api/v1/checkout", "POST"),
        (reqwest::Method::DELETE, event.as_str(), "GET"),
        (reqwest::Method::POST, "/api/v1/events", "GET"),
        (reqwest::Method::PUT, "/api/v1/promo-preview", "POST"),
        (reqwest::Method::GET, "/webhooks/hanghut", "POST"),
        (reqwest::Method::POST, "/healthz", "GET"),
        (reqwest::Method::DELETE, "/", "GET"),
    ] {
        let r = app.http.request(method.clone(), format!("{}{path}", app.url)).header("origin", SHOP).send().await;
        let answer = Answer::from(r.unwrap()).await;
        let what = format!("{method} {path}");
        assert_error(answer.status, &answer.body, 405, "method_not_allowed");
        assert!(answer.header("content-type").is_some_and(|t| t.starts_with("application/json")), "{what}");
        let allow = answer.header("allow").unwrap_or_else(|| panic!("{what}: no Allow header"));
        assert!(allow.split(',').any(|m| m.trim() == allowed), "{what}: Allow: {allow}");
        assert!(!allow.contains(method.as_str()), "{what}: Allow: {allow}");
        if path.starts_with("/api/") {
            // A page on an allowed origin can read why, like any other error.
            assert_eq!(answer.header("access-control-allow-origin"), Some(SHOP), "{what}");
        }
    }
    // An unknown path is still a 404, not a 405, in the API and outside it.
    for path in ["/api/v1/nope", "/nope", "/webhooks/hanghut/extra/segments"] {
        let answer = Answer::from(app.http.delete(format!("{}{path}", app.url)).send().await.unwrap()).await;
        assert_error(answer.status, &answer.body, 404, "not_found");
    }
    assert_eq!(app.upstream_sessions(), 0);
}

#[tokio::test]
async fn a_body_over_16_kib_is_413_in_the_json_error_format() {
    let app = spawn_app().await;
    let mut body = order();
    body["customer"]["name"] = json!("x".repeat(17 * 1024));
    let answer = app.post_raw("/api/v1/checkout", &[("content-type", "application/json")], body.to_string()).await;
    assert_error(answer.status, &answer.body, 413, "payload_too_large");

    // Chunked, so no Content-Length gives the size away up front.
    let addr = app.url.trim_start_matches("http://").to_owned();
    let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /api/v1/promo-preview HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\n\r\n"
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    for _ in 0..20 {
        let chunk = "y".repeat(1024);
        let _ = tcp.write_all(format!("{:x}\r\n{chunk}\r\n", chunk.len()).as_bytes()).await;
    }
    let _ = tcp.write_all(b"0\r\n\r\n").await;
    let reply = read_reply(&mut tcp, Duration::from_secs(5)).await;
    assert!(reply.starts_with("HTTP/1.1 413"), "{reply}");
    assert!(reply.contains("\"status\":413,\"code\":\"payload_too_large\""), "{reply}");
    assert_eq!(app.upstream_sessions(), 0);
}

/// Reads what the server sends until it closes the connection or `within` passes.
async fn read_reply(tcp: &mut tokio::net::TcpStream, within: Duration) -> String {
    let mut reply = Vec::new();
    let _ = tokio::time::timeout(within, tcp.read_to_end(&mut reply)).await;
    String::from_utf8_lossy(&reply).into_owned()
}

#[tokio::test]
async fn a_client_that_sends_headers_then_stalls_is_cut_off() {
    let app = spawn_app_with(|c| c.request_read_timeout = Duration::from_millis(400)).await;
    let addr = app.url.trim_start_matches("http://").to_owned();
    let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /api/v1/checkout HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{{\"event_id\""
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let reply = read_reply(&mut tcp, Duration::from_secs(10)).await;
    let waited = started.elapsed();
    assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
    assert!(reply.contains("\"status\":408,\"code\":\"request_timeout\""), "{reply}");
    assert!(waited < Duration::from_secs(3), "cut off after {waited:?}, and the connection closed");
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_disconnected() {
    let app = spawn_app_with(|c| c.request_read_timeout = Duration::from_millis(400)).await;
    let addr = app.url.trim_start_matches("http://").to_owned();
    let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
    tcp.write_all(format!("POST /api/v1/checkout HTTP/1.1\r\nHost: {addr}\r\nX-Slow: ").as_bytes()).await.unwrap();
    let started = Instant::now();
    let reply = read_reply(&mut tcp, Duration::from_secs(10)).await;
    let waited = started.elapsed();
    assert!(waited < Duration::from_secs(3), "still connected after {waited:?}: {reply}");
    assert!(reply.is_empty() || reply.starts_with("HTTP/1.1 408"), "{reply}");
}

// --- Rate limits keyed on the real client address ---

async fn preview_from(app: &TestApp, forwarded_for: &str) -> Answer {
    let body = json!({"event_id": seed::JAZZ_NIGHT, "code": "NOPE"}).to_string();
    app.post_raw(
        "/api/v1/promo-preview",
        &[("content-type", "application/json"), ("x-forwarded-for", forwarded_for)],
        body,
    )
    .await
}

#[tokio::test]
async fn a_forged_x_forwarded_for_does_not_buy_a_fresh_allowance() {
    let app = spawn_app_with(|c| c.promo_previews_per_minute = 2).await;
    assert_eq!(preview_from(&app, "198.51.100.1").await.status, 400, "an unknown code, not a limit");
    assert_eq!(preview_from(&app, "198.51.100.2").await.status, 400);
    let limited = preview_from(&app, "198.51.100.3").await;
    assert_error(limited.status, &limited.body, 429, "rate_limited");
    let wait: u64 = limited.header("retry-after").expect("Retry-After").parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_allowance() {
    let app = spawn_app_with(|c| {
        c.promo_previews_per_minute = 1;
        c.trusted_proxies = tessera_proxy::client_addr::parse_trusted("127.0.0.1, ::1").unwrap();
    })
    .await;
    assert_eq!(preview_from(&app, "198.51.100.1").await.status, 400);
    assert_eq!(preview_from(&app, "198.51.100.1").await.status, 429);
    assert_eq!(preview_from(&app, "198.51.100.2").await.status, 400, "another client");
    // The client forged the left-most entry; the trusted proxy appended the address it saw.
    assert_eq!(preview_from(&app, "203.0.113.50, 198.51.100.1").await.status, 429);
}

#[tokio::test]
async fn checkouts_are_limited_per_client_with_retry_after() {
    let app = spawn_app_with(|c| c.checkouts_per_minute = 2).await;
    for _ in 0..2 {
        let (status, body) =
            app.post_json("/api/v1/checkout", &checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_GA, 1)).await;
        assert_eq!(status, 201, "{body}");
    }
    let answer = app
        .post_raw(
            "/api/v1/checkout",
            &[("content-type", "application/json"), ("x-forwarded-for", "198.51.100.9")],
            checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_GA, 1).to_string(),
        )
        .await;
    assert_error(answer.status, &answer.body, 429, "rate_limited");
    assert!(answer.header("retry-after").is_some_and(|w| w.parse::<u64>().is_ok_and(|w| w >= 1)));
    assert_eq!(app.upstream_sessions(), 2, "the refused third never reached the platform");
}

// --- Webhook secrets ---

#[tokio::test]
async fn the_known_answer_signature_is_accepted_over_http_and_a_changed_one_is_not() {
    // HangHut's `X-HangHut-Signature` is the bare hex HMAC-SHA256 of the body
    // (shared/seeds/hanghut-api.txt, "Verify signature").
    let app = spawn_app_with(|c| c.hanghut_webhook_secret = Some("It's a Secret to Everybody".into())).await;
    let known = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    let post = |signature: String| {
        app.http
            .post(format!("{}/webhooks/hanghut", app.url))
            .header("x-hanghut-signature", signature)
            .body("Hello, World!")
            .send()
    };
    // Signed correctly, so it gets as far as reading the body, which is no delivery.
    let r = post(known.into()).await.unwrap();
    assert_eq!(r.status(), 400);
    let wrong = format!("{}{}", &known[..63], if known.ends_with('7') { '8' } else { '7' });
    assert_eq!(post(wrong).await.unwrap().status(), 401);
}

#[tokio::test]
async fn a_blank_webhook_secret_or_api_key_stops_start_up() {
    let bin = env!("CARGO_BIN_EXE_tessera-proxy");
    let dir = tempfile::tempdir().unwrap();
    for (name, extra) in [
        ("TESSERA_HANGHUT_WEBHOOK_SECRET", vec![]),
        (
            "TESSERA_API_KEY",
            vec![("TESSERA_UPSTREAM", "https://api.hanghut.example/v1"), ("TESSERA_HANGHUT_WEBHOOK_SECRET", "whsec_x")],
        ),
        ("TESSERA_SANDBOX_API_KEY", vec![]),
    ] {
        let mut command = std::process::Command::new(bin);
        command.env_clear().env("TESSERA_LISTEN", "127.0.0.1:0").env("TESSERA_DATA_DIR", dir.path()).env(name, "   ");
        for (k, v) in extra {
            command.env(k, v);
        }
        // It must exit by itself; a proxy that started would hang here until the test times out.
        let run = tokio::task::spawn_blocking(move || command.output()).await.unwrap().unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(!run.status.success(), "{name}: started anyway");
        assert!(stderr.contains(name) && stderr.contains("empty"), "{name}: {stderr}");
        assert!(!String::from_utf8_lossy(&run.stdout).contains("listening"), "{name}");
    }

    // The same check guards a Config built in code.
    let mut c = config(dir.path());
    c.listen = "127.0.0.1:0".parse().unwrap();
    c.hanghut_webhook_secret = Some(" \t".into());
    let e = tessera_proxy::Application::build(c).await.err().expect("refused");
    assert!(e.to_string().contains("TESSERA_HANGHUT_WEBHOOK_SECRET"), "{e}");
}
