//! Secrets never leave the proxy (issue 6). Every proxy this suite starts logs into one
//! transcript and answers through a tap on its router; both are scanned for every API key and
//! webhook secret the suite configures (`helpers::spawn_*` register them), and each `TestApp`
//! checks the transcript when it is dropped, so a leak fails the test that caused it. Proxies
//! run as a separate process (`process::ProxyProcess`) feed their stdout, stderr and the
//! bodies the tests read into the same transcript.

use axum::body::Body;
use axum::response::Response;
use axum::Router;
use futures_util::stream;
use http_body_util::BodyExt;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex, OnceLock};
use tessera_sandbox::seed;
use tower::ServiceExt;

use crate::helpers::*;

/// Everything the proxies under test said, as far as secrets are concerned.
#[derive(Default)]
pub struct Transcript {
    /// Never in a response nor a log line.
    secrets: Mutex<Vec<String>>,
    /// Never in a response (the operator's log may carry it): an upstream's internal detail.
    internal: Mutex<Vec<String>>,
    leaks: Mutex<Vec<String>>,
    log_lines: AtomicUsize,
    responses: AtomicUsize,
    response_bytes: AtomicUsize,
}

/// The suite's transcript; the first call installs the log capture for the whole test binary.
pub fn transcript() -> &'static Arc<Transcript> {
    static TRANSCRIPT: OnceLock<Arc<Transcript>> = OnceLock::new();
    TRANSCRIPT.get_or_init(|| {
        let transcript = Arc::new(Transcript::default());
        use tracing_subscriber::util::SubscriberInitExt;
        // Debug and finer: the more the proxy says, the more a leak has a chance to show.
        let _ = subscriber(&transcript, "debug,tessera_proxy=trace,tessera_sandbox=trace").try_init();
        transcript
    })
}

/// A subscriber that writes every event, without colours, into `transcript`.
pub fn subscriber(transcript: &Arc<Transcript>, filter: &str) -> impl tracing::Subscriber + Send + Sync {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_ansi(false)
        .with_writer(LogSink(transcript.clone()))
        .finish()
}

/// Panics, listing them, if anything in the transcript so far leaked a secret.
pub fn assert_no_leaks() {
    let leaks = transcript().leaks();
    assert!(leaks.is_empty(), "secrets leaked:\n{}", leaks.join("\n"));
}

impl Transcript {
    /// Adds a secret to look for (blank ones are refused by the proxy anyway).
    pub fn forbid(&self, secret: &str) {
        let mut secrets = self.secrets.lock().unwrap();
        if !secret.trim().is_empty() && !secrets.iter().any(|s| s == secret) {
            secrets.push(secret.to_owned());
        }
    }

    /// Adds text that must not reach a client, though the operator's log may show it.
    pub fn forbid_in_responses(&self, text: &str) {
        let mut internal = self.internal.lock().unwrap();
        if !internal.iter().any(|s| s == text) {
            internal.push(text.to_owned());
        }
    }

    pub fn leaks(&self) -> Vec<String> {
        self.leaks.lock().unwrap().clone()
    }

    /// One log line (or several, from one event).
    pub fn log_line(&self, line: &[u8]) {
        self.log_lines.fetch_add(1, Relaxed);
        self.scan("log line", line, 0, false);
    }

    /// A whole response body read outside the tap (from a proxy run as a process).
    pub fn response_body(&self, body: &[u8]) {
        self.responses.fetch_add(1, Relaxed);
        self.response_bytes.fetch_add(body.len(), Relaxed);
        self.scan("response body", body, 0, true);
    }

    /// `(log lines, responses, response bytes)` scanned so far.
    pub fn figures(&self) -> (usize, usize, usize) {
        (self.log_lines.load(Relaxed), self.responses.load(Relaxed), self.response_bytes.load(Relaxed))
    }

    /// Looks for every forbidden string in `text[from..]`, extended back far enough to catch
    /// one that straddles `from` (a secret split over two chunks of a streamed body).
    fn scan(&self, place: &str, text: &[u8], from: usize, response: bool) {
        let mut forbidden = self.secrets.lock().unwrap().clone();
        if response {
            forbidden.extend(self.internal.lock().unwrap().iter().cloned());
        }
        let longest = forbidden.iter().map(String::len).max().unwrap_or(0);
        let start = from.saturating_sub(longest.saturating_sub(1));
        let window = String::from_utf8_lossy(&text[start..]);
        for secret in &forbidden {
            if window.contains(secret.as_str()) {
                // Shown without the secret itself, so the report does not leak it again.
                let context: String = window.replace(secret.as_str(), "<SECRET>").chars().take(300).collect();
                let hint: String = secret.chars().take(6).collect();
                self.leaks.lock().unwrap().push(format!("{place} holds the secret {hint}…: {context}"));
            }
        }
    }

    /// `router` with every response's status, headers and body (as it streams) scanned.
    pub fn tap(self: &Arc<Self>, router: Router) -> Router {
        let transcript = self.clone();
        router.layer(axum::middleware::map_response(move |response: Response| {
            let transcript = transcript.clone();
            async move { transcript.tapped(response) }
        }))
    }

    fn tapped(self: Arc<Self>, response: Response) -> Response {
        self.responses.fetch_add(1, Relaxed);
        let (parts, body) = response.into_parts();
        let mut head = format!("{}\n", parts.status);
        for (name, value) in &parts.headers {
            head.push_str(&format!("{name}: {}\n", String::from_utf8_lossy(value.as_bytes())));
        }
        self.scan("response head", head.as_bytes(), 0, true);
        let mut seen = Vec::new();
        let body = body.map_frame(move |frame| {
            if let Some(data) = frame.data_ref() {
                let from = seen.len();
                seen.extend_from_slice(data);
                self.response_bytes.fetch_add(data.len(), Relaxed);
                self.scan("response body", &seen, from, true);
            }
            frame
        });
        Response::from_parts(parts, Body::new(body))
    }
}

/// tracing's writer into a transcript: each event is written through one `LineWriter`, and
/// scanned when it is done.
#[derive(Clone)]
struct LogSink(Arc<Transcript>);

struct LineWriter(Arc<Transcript>, Vec<u8>);

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogSink {
    type Writer = LineWriter;
    fn make_writer(&'a self) -> LineWriter {
        LineWriter(self.0.clone(), Vec::new())
    }
}

impl std::io::Write for LineWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.1.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for LineWriter {
    fn drop(&mut self) {
        if !self.1.is_empty() {
            self.0.log_line(&self.1);
        }
    }
}

/// Held by each `TestApp`: checks the transcript when the test is over.
pub struct LeakCheck;

impl Drop for LeakCheck {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            assert_no_leaks();
        }
    }
}

// --- the suite's checks ---

const PLANTED: &str = "hh_live_planted_secret_9c41e7";

#[tokio::test]
async fn the_scanner_finds_a_planted_secret_in_a_log_line_a_response_and_a_split_body() {
    // Its own transcript, so the planted secret does not fail the rest of the suite.
    let local = Arc::new(Transcript::default());
    local.forbid(PLANTED);
    tracing::subscriber::with_default(subscriber(&local, "info"), || {
        tracing::info!(api_key = PLANTED, "a careless log line");
        tracing::info!("an innocent one");
    });
    let router = local.tap(
        Router::new().route("/whole", axum::routing::get(|| async { format!("{{\"key\":\"{PLANTED}\"}}") })).route(
            "/split",
            axum::routing::get(|| async {
                let (a, b) = PLANTED.split_at(10);
                let chunks = [format!("data: {a}"), format!("{b}\n\n")];
                Body::from_stream(stream::iter(chunks.map(Ok::<_, std::io::Error>)))
            }),
        ),
    );
    for path in ["/whole", "/split"] {
        let request = axum::http::Request::get(path).body(Body::empty()).unwrap();
        let response = router.clone().oneshot(request).await.unwrap();
        response.into_body().collect().await.unwrap();
    }
    let leaks = local.leaks();
    assert_eq!(leaks.len(), 3, "{leaks:#?}");
    assert!(leaks[0].starts_with("log line") && leaks[1].starts_with("response body"), "{leaks:#?}");
    assert!(leaks.iter().all(|l| !l.contains(PLANTED)), "the report itself does not repeat the secret");
    assert_eq!(local.figures().0, 2, "both log lines were scanned");
}

#[tokio::test]
async fn no_secret_reaches_a_response_or_a_log_line() {
    // The paths most likely to leak: the platform refusing our key, forged webhooks, and
    // upstream failures (the fault runs in `faults.rs` add theirs).
    let dir = tempfile::tempdir().unwrap();
    let sandbox = start_sandbox(dir.path(), "hh_live_the_real_key_for_this_test").await;
    let (wrong, _guard) = spawn_app_against(&sandbox.base_url(), "hh_live_a_wrong_key_that_must_not_show").await;
    let http = no_redirects();
    let r = http.get(format!("{wrong}/api/v1/events/{}", seed::JAZZ_NIGHT)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 502);
    let body = r.text().await.unwrap();
    assert!(body.contains("API key") && body.contains("\"code\":\"platform_credentials\""), "{body}");
    let r = http.post(format!("{wrong}/api/v1/checkout")).json(&checkout_body(seed::JAZZ_NIGHT, seed::JAZZ_GA, 1));
    assert_eq!(r.send().await.unwrap().status().as_u16(), 502);

    let app = spawn_app().await;
    let forged = r#"{"id":"evt_forged","type":"ticket.purchased","data":{}}"#;
    for signature in ["0".repeat(64), "nothex".into(), String::new()] {
        let r = app.post_raw("/webhooks/hanghut", &[("x-hanghut-signature", &signature)], forged).await;
        assert_error(r.status, &r.body, 401, "unauthorized");
    }
    app.get("/api/v1/events/no-such-event").await;
    app.get("/api/v1/events").await;

    assert_no_leaks();
    let (lines, responses, bytes) = transcript().figures();
    assert!(lines > 0 && responses > 0, "the capture works: {lines} lines, {responses} responses");
    eprintln!(
        "leak scan so far: {lines} log lines, {responses} responses ({bytes} body bytes), {} secrets \
         looked for, 0 found",
        transcript().secrets.lock().unwrap().len()
    );
}
