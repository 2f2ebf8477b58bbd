//! What an operator runs the proxy by: liveness, readiness.

use serde_json::{json, Value};
use std::time::Duration;
use tessera_sandbox::seed::JAZZ_NIGHT;

use crate::helpers::*;

async fn readyz(http: &reqwest::Client, url: &str) -> (u16, Value) {
    let r = http.get(format!("{url}/readyz")).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

#[tokio::test]
async fn readyz_is_ready_while_buyers_can_be_served_even_from_the_last_copies() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = start_sandbox(dir.path(), "hh_live_ready_test_key").await;
    let (url, _data) = spawn_app_against(&sandbox.base_url(), "hh_live_ready_test_key").await;
    // A second proxy that never read anything before the platform went away.
    let (cold, _cold_data) = spawn_app_against(&sandbox.base_url(), "hh_live_ready_test_key").await;
    let http = no_redirects();
    assert_eq!(http.get(format!("{url}/livez")).send().await.unwrap().text().await.unwrap(), "ok");
    assert_eq!(readyz(&http, &url).await, (200, json!({"ready": true, "storage": "ok", "platform": "answering"})));
    let event_url = format!("{url}/api/v1/events/{JAZZ_NIGHT}");
    assert_eq!(http.get(&event_url).send().await.unwrap().status().as_u16(), 200);

    sandbox.shutdown().await;
    // Nothing has asked the platform since: readiness does not ask it either.
    assert_eq!(readyz(&http, &url).await.1["platform"], "answering");
    // Past the 2 s cache a read serves the last copy and asks the platform, which is gone.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut last = Value::Null;
    let noticed = eventually(Duration::from_secs(15), async || {
        let _ = http.get(&event_url).send().await;
        last = readyz(&http, &url).await.1;
        last["platform"] == "serving the last copies"
    })
    .await;
    assert!(noticed, "{last}");
    assert_eq!(
        readyz(&http, &url).await,
        (200, json!({"ready": true, "storage": "ok", "platform": "serving the last copies"}))
    );

    // The cold proxy has nothing to show a buyer: not ready, but alive.
    let r = http.get(format!("{cold}/api/v1/events/{JAZZ_NIGHT}")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 503);
    assert_eq!(readyz(&http, &cold).await, (503, json!({"ready": false, "storage": "ok", "platform": "down"})));
    assert_eq!(http.get(format!("{cold}/livez")).send().await.unwrap().status().as_u16(), 200);
}

#[tokio::test]
async fn readyz_is_unready_while_the_database_takes_no_writes() {
    let app = spawn_app().await;
    let (status, body) = app.get("/readyz").await;
    assert_eq!((status, &body["storage"]), (200, &json!("ok")), "{body}");
    // Another process holds the database's write lock (as a stuck backup or a full disk would
    // stop writes): a webhook could not be written before its 2xx, so no traffic should come.
    let locker = rusqlite::Connection::open(app.config.data_dir.join("proxy.sqlite")).unwrap();
    locker.execute_batch("BEGIN IMMEDIATE;").unwrap();
    let (status, body) = app.get("/readyz").await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body, json!({"ready": false, "storage": "not writable", "platform": "answering"}));
    locker.execute_batch("ROLLBACK;").unwrap();
    assert_eq!(app.get("/readyz").await.0, 200);
}

#[tokio::test]
async fn with_json_logs_every_log_line_is_one_json_object() {
    let dir = tempfile::tempdir().unwrap();
    let proxy = crate::process::ProxyProcess::start(dir.path(), &[("TESSERA_LOG_FORMAT", "json")]).await;
    let r = no_redirects().get(format!("{}/api/v1/events/{JAZZ_NIGHT}", proxy.url)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // What the binary prints on stdout for scripts (where it listens) is not a log line.
    let stdout = ["tessera proxy listening on ", "upstream: ", "ticketwave: "];
    let logs: Vec<String> = proxy.lines().into_iter().filter(|l| !stdout.iter().any(|p| l.starts_with(p))).collect();
    assert!(!logs.is_empty(), "no log lines at all");
    for line in &logs {
        let entry: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert!(entry["level"].is_string() && entry["timestamp"].is_string(), "{line}");
    }
    assert!(logs.iter().any(|l| l.contains("\"message\":\"sandbox listening\"")), "{logs:#?}");
}

#[test]
fn an_unknown_log_format_is_a_configuration_error() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tessera-proxy"))
        .env_clear()
        .env("TESSERA_LOG_FORMAT", "yaml")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("TESSERA_LOG_FORMAT is not valid"));
}

fn backup_command(data_dir: &std::path::Path, to: &std::path::Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_tessera-proxy"))
        .env_clear()
        .env("TESSERA_DATA_DIR", data_dir)
        .args(["backup".as_ref(), to.as_os_str()])
        .output()
        .unwrap()
}

#[tokio::test]
async fn a_backup_taken_while_the_proxy_runs_holds_what_it_had_written_and_never_overwrites() {
    let app = spawn_app().await;
    let body = json!({"id": "evt_backup_1", "type": "ticket.purchased", "created_at": "2026-03-21T10:30:00Z",
        "data": {"ticket_id": "a1b2", "event_id": JAZZ_NIGHT, "customer": {"name": "Juan"}, "amount": 1000}})
    .to_string();
    let signature = tessera_proxy::webhook::sign(WEBHOOK_SECRET.as_bytes(), body.as_bytes());
    let answer = app
        .post_raw(
            "/webhooks/hanghut",
            &[("content-type", "application/json"), ("X-HangHut-Signature", &signature)],
            body,
        )
        .await;
    assert_eq!(answer.status, 200);

    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("proxy-backup.sqlite");
    let out = backup_command(&app.config.data_dir, &to);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("schema version 3"), "{out:?}");
    let copy = rusqlite::Connection::open(&to).unwrap();
    let kept: String = copy.query_row("SELECT delivery_id FROM webhook_deliveries", [], |r| r.get(0)).unwrap();
    assert_eq!(kept, "evt_backup_1");
    let version: i64 = copy.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, 3, "the copy records its schema version");
    drop(copy);

    let before = std::fs::read(&to).unwrap();
    let again = backup_command(&app.config.data_dir, &to);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"), "{again:?}");
    assert_eq!(std::fs::read(&to).unwrap(), before, "the earlier backup is untouched");

    let nowhere = backup_command(&dir.path().join("no-such-dir"), &dir.path().join("other.sqlite"));
    assert_eq!(nowhere.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&nowhere.stderr).contains("there is no database"), "{nowhere:?}");
}

/// `GET /metrics`, parsed by a Prometheus text-format parser.
async fn scrape(app: &TestApp) -> prom_text_format_parser::Scrape {
    let text = app.http.get(format!("{}/metrics", app.url)).send().await.unwrap().text().await.unwrap();
    prom_text_format_parser::Scrape::parse(&text).unwrap_or_else(|e| panic!("not Prometheus text ({e:?}):\n{text}"))
}

fn sample(scrape: &prom_text_format_parser::Scrape, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let metric = scrape.metrics.iter().find(|m| m.name == name)?;
    let has = |s: &prom_text_format_parser::Sample| {
        labels.iter().all(|(k, v)| s.labels.iter().any(|l| l.key == *k && l.value == *v))
    };
    metric.samples.iter().find(|s| has(s)).map(|s| s.value.value.as_f64())
}

#[tokio::test]
async fn metrics_parse_as_prometheus_text_and_count_requests_by_route_pattern_and_status() {
    let app = spawn_app().await;
    for _ in 0..2 {
        assert_eq!(app.get(&format!("/api/v1/events/{JAZZ_NIGHT}")).await.0, 200);
    }
    assert_eq!(app.get("/api/v1/events/no-such-event").await.0, 404);
    let scrape = scrape(&app).await;
    let requests =
        |route, status| sample(&scrape, "tessera_http_requests_total", &[("route", route), ("status", status)]);
    // One series per route pattern: an event's id is not a label.
    assert_eq!(requests("/api/v1/events/{id}", "200"), Some(2.0));
    assert_eq!(requests("/api/v1/events/{id}", "404"), Some(1.0));
    let labels = scrape.metrics.iter().flat_map(|m| &m.samples).flat_map(|s| s.labels.iter());
    assert!(!labels.into_iter().any(|l| l.value.contains(JAZZ_NIGHT)));
    assert_eq!(sample(&scrape, "tessera_live_viewers", &[]), Some(0.0));
    assert_eq!(sample(&scrape, "tessera_inbox_pending", &[]), Some(0.0));
    // The platform was asked once for the event and once for the unknown one (a 404 is an
    // answer); the second read of the event came from the cache.
    let calls = |outcome| sample(&scrape, "tessera_upstream_calls_total", &[("outcome", outcome)]);
    assert_eq!(calls("ok"), Some(1.0));
    assert_eq!(calls("client_error"), Some(1.0));
    let reads = |source| sample(&scrape, "tessera_catalogue_reads_total", &[("what", "event"), ("source", source)]);
    assert_eq!((reads("fetched"), reads("cache")), (Some(1.0), Some(1.0)));
    assert_eq!(sample(&scrape, "tessera_upstream_budget_per_minute", &[]), Some(90.0));
    // A delivery with a wrong signature, a good one and its retry.
    let body =
        serde_json::json!({"id": "evt_metrics_1", "type": "ticket.purchased", "created_at": "2026-03-21T10:30:00Z",
        "data": {"ticket_id": "t1", "event_id": JAZZ_NIGHT, "amount": 1000}})
        .to_string();
    let good = tessera_proxy::webhook::sign(WEBHOOK_SECRET.as_bytes(), body.as_bytes());
    for signature in ["0".repeat(64), good.clone(), good] {
        let headers = [("content-type", "application/json"), ("X-HangHut-Signature", signature.as_str())];
        app.post_raw("/webhooks/hanghut", &headers, body.clone()).await;
    }
    let scrape = self::scrape(&app).await;
    let webhooks =
        |outcome| sample(&scrape, "tessera_webhook_deliveries_total", &[("platform", "hanghut"), ("outcome", outcome)]);
    assert_eq!((webhooks("unauthorized"), webhooks("new"), webhooks("duplicate")), (Some(1.0), Some(1.0), Some(1.0)));
    for (name, kind) in [
        ("tessera_http_requests_total", prom_text_format_parser::Type::Counter),
        ("tessera_live_viewers", prom_text_format_parser::Type::Gauge),
        ("tessera_inbox_pending", prom_text_format_parser::Type::Gauge),
        ("tessera_upstream_calls_total", prom_text_format_parser::Type::Counter),
        ("tessera_catalogue_reads_total", prom_text_format_parser::Type::Counter),
        ("tessera_webhook_deliveries_total", prom_text_format_parser::Type::Counter),
        ("tessera_upstream_budget_per_minute", prom_text_format_parser::Type::Gauge),
    ] {
        let metric = scrape.metrics.iter().find(|m| m.name == name).unwrap_or_else(|| panic!("{name} missing"));
        assert_eq!(metric.kind, kind, "{name}");
        assert!(metric.help_desc.is_some(), "{name} has no HELP line");
    }
}

#[test]
fn help_lists_every_setting_with_its_variable_and_default_and_no_secret_value() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tessera-proxy"))
        .env_clear()
        .env("TESSERA_API_KEY", "hh_live_value_help_must_not_show")
        .env("TESSERA_LISTEN", "127.0.0.1:9999")
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for s in tessera_proxy::settings::SETTINGS.iter().filter(|s| !s.hidden) {
        assert!(help.contains(&format!("--{} <VALUE>", s.flag())), "{} has no flag in --help", s.var);
        assert!(help.contains(&format!("[env: {}", s.var)), "{} missing from --help", s.var);
        if let Some(default) = s.default {
            assert!(help.contains(&format!("[default: {default}]")), "{}'s default missing", s.var);
        }
    }
    assert!(!help.contains("hh_live_value_help_must_not_show"), "a secret's value in --help");
    assert!(help.contains("[env: TESSERA_LISTEN=127.0.0.1:9999]"), "a plain setting's value is shown");
    assert!(!help.contains("TEST_HOLD"), "test hooks are not offered");
}
