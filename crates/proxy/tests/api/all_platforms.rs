//! One list for every platform (issue 21): `GET /api/v1/events` holds HangHut's events, the
//! embedded TicketWave's (its API and its signed webhooks) and vivenu's (its signed webhooks),
//! ordered by start time across them, paged stably, read from each platform once per TTL
//! however many buyers ask, and still listed, marked stale, while one platform is down.

use secrecy::SecretString;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::time::Duration;
use tessera_core::Currency;
use tessera_proxy::config::Config;
use tessera_proxy::platform_config::{TicketWaveConfig, TicketWaveUpstream, VivenuConfig};
use tessera_proxy::webhook::sign;
use tessera_sandbox::seed;

use crate::helpers::*;

const VIVENU_KEY: &str = "vivenu-hmac-key-for-the-list-tests";
const TICKETWAVE_SECRET: &str = "ticketwave-secret-for-the-list-tests";

fn platforms(c: &mut Config) {
    c.platforms.vivenu =
        Some(VivenuConfig { hmac_key: SecretString::from(VIVENU_KEY), ignore_dev: false, currency: Currency::EUR });
    c.platforms.ticketwave = Some(TicketWaveConfig {
        upstream: TicketWaveUpstream::Sandbox,
        webhook_secret: Some(SecretString::from(TICKETWAVE_SECRET)),
        currency: Currency::EUR,
        time_zone: None,
        utc_offset: "+02:00".into(),
    });
}

/// A vivenu event built by its signed `event.created`.
async fn vivenu_event(app: &TestApp, id: &str, name: &str, start: &str) {
    let body = json!({
        "id": format!("wh_{id}"), "type": "event.created", "mode": "prod",
        "data": {"event": {"_id": id, "name": name, "start": start,
            "tickets": [{"_id": "tt-day", "name": "Day Pass", "price": 45, "amount": 200, "active": true}]}}
    })
    .to_string();
    let signature = sign(VIVENU_KEY.as_bytes(), body.as_bytes());
    let headers = [("content-type", "application/json"), ("x-vivenu-signature", signature.as_str())];
    let answer = app.post_raw("/webhooks/vivenu", &headers, body.into_bytes()).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

/// A TicketWave event its API does not list (yet), described by its signed `event.published`.
async fn ticketwave_published(app: &TestApp, id: &str, title: &str, date: &str) {
    let body = json!({
        "event": "event.published", "timestamp": "2026-12-01T09:00:00.000Z",
        "data": {"eventId": id, "title": title, "slug": id.replace('_', "-"), "date": date, "startTime": "19:00",
            "venue": "Harbour Hall", "totalCapacity": 120,
            "tiers": [{"name": "Standard", "price": "30.00", "quantity": 120}],
            "url": format!("https://www.ticketwavehq.com/events/{}", id.replace('_', "-"))}
    })
    .to_string();
    let signature = sign(TICKETWAVE_SECRET.as_bytes(), body.as_bytes());
    let headers = [
        ("content-type", "application/json"),
        ("x-ticketwave-signature", signature.as_str()),
        ("x-ticketwave-event", "event.published"),
    ];
    let answer = app.post_raw("/webhooks/ticketwave", &headers, body.into_bytes()).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

fn ids(list: &Value) -> Vec<String> {
    list["events"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn the_list_holds_every_platforms_upcoming_events_in_start_order_each_with_its_hand_off() {
    let app = spawn_app_with(platforms).await;
    vivenu_event(&app, "64f0c0ffee", "Harbour Lights Festival", "2026-12-31T20:00:00+01:00").await;
    ticketwave_published(&app, "evt_winter", "Winter Jazz Gala", "2027-02-01").await;

    let (status, list) = app.get("/api/v1/events").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(
        ids(&list),
        [
            seed::JAZZ_NIGHT,        // 2026-12-12 20:00 +08:00
            "vivenu:64f0c0ffee",     // 2026-12-31 20:00 +01:00
            seed::COMEDY_NIGHT,      // 2027-01-16
            "ticketwave:evt_winter", // 2027-02-01 19:00 +02:00
            seed::INDIE_FEST,        // 2027-02-20
        ],
        "{list}"
    );
    // TicketWave's API lists its document's events too, but they took place in July and October.
    assert!(!list.to_string().contains("Summer Pool Party"), "started events are not listed: {list}");
    assert_eq!(list["meta"], json!({"page": 1, "per_page": 20, "total": 5, "total_pages": 1, "has_more": false}));
    assert_eq!(list["stale"], false);

    let card = |id: &str| list["events"].as_array().unwrap().iter().find(|e| e["id"] == id).unwrap().clone();
    assert_eq!(card("vivenu:64f0c0ffee")["sold_elsewhere"], json!({"platform": "vivenu"}));
    assert_eq!(
        card("ticketwave:evt_winter")["sold_elsewhere"],
        json!({"platform": "TicketWave", "url": "https://www.ticketwavehq.com/events/evt-winter"})
    );
    assert_eq!(card("ticketwave:evt_winter")["lowest_price"], json!({"amount": 3000, "currency": "EUR"}));
    assert!(card(seed::JAZZ_NIGHT).get("sold_elsewhere").is_none(), "HangHut's checkout is here");

    // The list's first view is the same page, drawn with a card saying where each is sold.
    let (status, view) = app.get("/api/v1/events/view").await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(ids(&view["read"]), ids(&list));
    let html = view["html"].as_str().unwrap();
    assert!(html.contains("Tickets for this event are sold on TicketWave."), "{html}");
    assert!(html.contains("Tickets for this event are sold on vivenu."), "{html}");

    // A new vivenu event shows at its place at once: its webhook changed the list.
    vivenu_event(&app, "64f0beef", "New Year's Day Run", "2027-01-01T09:00:00+01:00").await;
    let (_, list) = app.get("/api/v1/events").await;
    assert_eq!(ids(&list)[2], "vivenu:64f0beef", "{list}");
}

#[tokio::test]
async fn pages_cut_the_merged_list_without_gaps_or_repeats_and_a_page_past_the_end_is_empty() {
    let app = spawn_app_with(platforms).await;
    // 43 vivenu events, one a day from 2027-01-01, among HangHut's 3 and TicketWave's none.
    for n in 0..43 {
        let day = chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap() + chrono::Days::new(n);
        vivenu_event(&app, &format!("ev{n:02}"), &format!("Day {n}"), &format!("{day}T18:00:00+00:00")).await;
    }
    let mut seen = Vec::new();
    for page in 1..=3 {
        let (status, body) = app.get(&format!("/api/v1/events?page={page}")).await;
        assert_eq!(status, 200, "{body}");
        let expected_len = if page < 3 { 20 } else { 6 };
        assert_eq!(ids(&body).len(), expected_len, "page {page}: {body}");
        assert_eq!(
            body["meta"],
            json!({"page": page, "per_page": 20, "total": 46, "total_pages": 3, "has_more": page < 3})
        );
        seen.extend(ids(&body));
    }
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 46, "no event on two pages");
    assert_eq!(seen[0], seed::JAZZ_NIGHT);
    // Sorted by start across platforms: HangHut's 16 January (11:30 UTC) among vivenu's days
    // (18:00 UTC), and its 20 February after them all.
    let comedy = seen.iter().position(|id| id == seed::COMEDY_NIGHT).unwrap();
    assert_eq!((seen[comedy - 1].as_str(), seen[comedy + 1].as_str()), ("vivenu:ev14", "vivenu:ev15"));
    assert_eq!(seen.last().unwrap(), seed::INDIE_FEST);
    let (status, beyond) = app.get("/api/v1/events?page=4").await;
    assert_eq!(status, 200, "{beyond}");
    assert_eq!(ids(&beyond), Vec::<String>::new());
    assert_eq!(beyond["meta"], json!({"page": 4, "per_page": 20, "total": 46, "total_pages": 3, "has_more": false}));
}

#[tokio::test]
async fn many_buyers_reading_the_list_cost_the_platform_one_read_per_ttl() {
    let (app, upstream) = spawn_app_via_recorder(|c| {
        c.event_ttl = Duration::from_millis(1500);
        c.platforms.vivenu =
            Some(VivenuConfig { hmac_key: SecretString::from(VIVENU_KEY), ignore_dev: false, currency: Currency::EUR });
    })
    .await;
    vivenu_event(&app, "64f0c0ffee", "Harbour Lights Festival", "2026-12-31T20:00:00+01:00").await;
    let before = upstream.calls();
    let reads = (0..50).map(|n| {
        let app = &app;
        async move { app.get(&format!("/api/v1/events?page={}", 1 + n % 3)).await }
    });
    let answers = futures_util::future::join_all(reads).await;
    assert!(answers.iter().all(|(status, _)| *status == 200));
    assert_eq!(answers[0].1["meta"]["total"], 4, "{}", answers[0].1);
    assert_eq!(upstream.calls() - before, 1, "50 buyers on three pages: one read of HangHut's list");
    // Within the TTL, the first view of the list is the same copy too.
    assert_eq!(app.get("/api/v1/events/view").await.0, 200);
    assert_eq!(upstream.calls() - before, 1);
}

#[tokio::test]
async fn while_hanghut_is_down_the_other_platforms_events_are_still_listed_marked_stale() {
    let (app, upstream) = spawn_app_via_recorder(|c| {
        c.event_ttl = Duration::from_millis(300);
        c.upstream_timeout = Duration::from_millis(800);
        c.platforms.vivenu =
            Some(VivenuConfig { hmac_key: SecretString::from(VIVENU_KEY), ignore_dev: false, currency: Currency::EUR });
    })
    .await;
    vivenu_event(&app, "64f0c0ffee", "Harbour Lights Festival", "2026-12-31T20:00:00+01:00").await;
    // Down before the proxy ever read HangHut's list: no copy of it at all.
    upstream.set_fault(Fault::ServerErrors);
    let (status, list) = app.get("/api/v1/events").await;
    assert_eq!(status, 200, "one platform down does not fail the list: {list}");
    assert_eq!((ids(&list), &list["stale"]), (vec!["vivenu:64f0c0ffee".to_owned()], &json!(true)));

    // HangHut answers again: everything, unmarked.
    upstream.set_fault(Fault::None);
    let whole = eventually(Duration::from_secs(15), async || {
        let (_, list) = app.get("/api/v1/events").await;
        list["stale"] == false && ids(&list).len() == 4
    })
    .await;
    assert!(whole, "the list did not recover by itself");
    let (_, before) = app.get("/api/v1/events").await;

    // Down again, now with a copy: HangHut's last events beside vivenu's, marked stale.
    upstream.set_fault(Fault::ServerErrors);
    let marked = eventually(Duration::from_secs(5), async || app.get("/api/v1/events").await.1["stale"] == true).await;
    assert!(marked, "the list was never marked stale");
    let (status, during) = app.get("/api/v1/events").await;
    assert_eq!(status, 200);
    assert_eq!(ids(&during), ids(&before));
    // A vivenu event that arrives meanwhile is listed beside the copy.
    vivenu_event(&app, "64f0beef", "New Year's Day Run", "2027-01-01T09:00:00+01:00").await;
    let (_, during) = app.get("/api/v1/events").await;
    assert_eq!((ids(&during).len(), &during["stale"]), (5, &json!(true)), "{during}");
    upstream.set_fault(Fault::None);
}

#[tokio::test]
async fn with_hanghut_down_and_nothing_else_to_list_the_list_is_a_503_with_retry_after() {
    let (app, upstream) = spawn_app_via_recorder(|c| {
        c.event_ttl = Duration::from_millis(300);
        c.upstream_timeout = Duration::from_millis(800);
        platforms(c);
    })
    .await;
    upstream.set_fault(Fault::ServerErrors);
    // TicketWave answers, but its events have all taken place: nothing is listed.
    let answer = Answer::from(app.http.get(format!("{}/api/v1/events", app.url)).send().await.unwrap()).await;
    assert_error(answer.status, &answer.body, 503, "platform_down");
    assert!(answer.header("retry-after").is_some(), "{:?}", answer.headers);
    upstream.set_fault(Fault::None);
}

#[tokio::test]
async fn while_ticketwave_is_down_hanghuts_events_and_ticketwaves_last_copies_are_listed_marked_stale() {
    // A TicketWave nobody answers at: its login and list calls are refused at once.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let app = spawn_app_with(|c| {
        c.event_ttl = Duration::from_millis(300);
        c.platforms.ticketwave = Some(TicketWaveConfig {
            upstream: TicketWaveUpstream::Url {
                base_url: format!("http://{closed}").parse().unwrap(),
                email: "box-office@example.com".into(),
                password: SecretString::from("not-a-real-password"),
            },
            webhook_secret: Some(SecretString::from(TICKETWAVE_SECRET)),
            currency: Currency::EUR,
            time_zone: None,
            utc_offset: "+02:00".into(),
        });
    })
    .await;
    // What its webhooks described while it was still reachable for them.
    ticketwave_published(&app, "evt_winter", "Winter Jazz Gala", "2027-02-01").await;
    let (status, list) = app.get("/api/v1/events").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(ids(&list), [seed::JAZZ_NIGHT, seed::COMEDY_NIGHT, "ticketwave:evt_winter", seed::INDIE_FEST], "{list}");
    assert_eq!(list["stale"], true, "TicketWave's events may be out of date");
}
