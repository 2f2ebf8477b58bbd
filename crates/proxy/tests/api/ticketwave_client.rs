//! The TicketWave client against the TicketWave sandbox over real HTTP, through a
//! pass-through that counts logins, reads and refused tokens (and can hide `Retry-After`,
//! which the TicketWave document does not promise).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use secrecy::SecretString;
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;
use tessera_core::{Currency, EventStatus};
use tessera_proxy::providers::ticketwave::{tier_id, utc_offset, TicketWaveClient};
use tessera_proxy::providers::{EventSource, FeedEvent, FeedTier};
use tessera_proxy::upstream::{Budget, UpstreamError};
use tessera_sandbox::ticketwave::{self, RunningTicketWave, TicketWaveConfig};

use crate::leaks::{assert_no_leaks, transcript};

const EMAIL: &str = "organiser@tessera.example";
const PASSWORD: &str = "tw-sandbox-password-for-client-tests";

struct Setup {
    sandbox: RunningTicketWave,
    counts: Arc<Counts>,
    client: TicketWaveClient,
}

#[derive(Default)]
struct Counts {
    logins: AtomicUsize,
    reads: AtomicUsize,
    refused_tokens: AtomicUsize,
}

impl Setup {
    fn logins(&self) -> usize {
        self.counts.logins.load(SeqCst)
    }

    fn reads(&self) -> usize {
        self.counts.reads.load(SeqCst)
    }

    fn refused_tokens(&self) -> usize {
        self.counts.refused_tokens.load(SeqCst)
    }

    /// A paid order in the sandbox (its sandbox-only control).
    async fn sell(&self, tier: &str, quantity: u32) {
        let order = json!({
            "eventId": "evt_x9y8z7", "tierName": tier, "quantity": quantity,
            "customerName": "Jane Smith", "customerEmail": "jane@example.com"
        });
        let url = format!("{}/sandbox/orders", self.sandbox.base_url());
        assert_eq!(reqwest::Client::new().post(url).json(&order).send().await.unwrap().status(), 201);
    }
}

struct Options {
    password: &'static str,
    hide_retry_after: bool,
}

const DEFAULT: Options = Options { password: PASSWORD, hide_retry_after: false };

async fn setup(configure: impl FnOnce(&mut TicketWaveConfig), options: Options) -> Setup {
    let scan = transcript();
    scan.forbid(PASSWORD);
    let mut config = TicketWaveConfig::new(EMAIL, PASSWORD);
    configure(&mut config);
    let sandbox = ticketwave::start(config).await.expect("the TicketWave sandbox starts");
    let counts = Arc::new(Counts::default());
    let base = pass_through(sandbox.base_url(), counts.clone(), options.hide_retry_after).await;
    let client = TicketWaveClient::new(
        &base.parse().unwrap(),
        EMAIL,
        SecretString::from(options.password),
        Currency::parse("EUR").unwrap(),
        utc_offset("+02:00").unwrap(),
        Duration::from_secs(5),
    )
    // Roomy, so the sandbox's limit is what a test meets.
    .with_budget(Budget::per_minute(6000));
    Setup { sandbox, counts, client }
}

#[derive(Clone)]
struct PassThrough {
    upstream: String,
    http: reqwest::Client,
    counts: Arc<Counts>,
    hide_retry_after: bool,
}

async fn pass_through(upstream: String, counts: Arc<Counts>, hide_retry_after: bool) -> String {
    let state = PassThrough { upstream, http: reqwest::Client::new(), counts, hide_retry_after };
    let app = axum::Router::new().fallback(forward).with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

async fn forward(State(s): State<PassThrough>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
    let mut request = s.http.request(method, format!("{}{path}", s.upstream)).body(body);
    for name in [header::AUTHORIZATION, header::CONTENT_TYPE] {
        if let Some(value) = headers.get(&name) {
            request = request.header(name, value);
        }
    }
    let answer = request.send().await.unwrap();
    let status = answer.status();
    if path == "/api/auth/login" {
        s.counts.logins.fetch_add(1, SeqCst);
    } else if path.starts_with("/api/admin/") {
        s.counts.reads.fetch_add(1, SeqCst);
        if status == StatusCode::UNAUTHORIZED {
            s.counts.refused_tokens.fetch_add(1, SeqCst);
        }
    }
    let mut out = HeaderMap::new();
    for (name, value) in answer.headers() {
        let hidden = s.hide_retry_after && name == header::RETRY_AFTER;
        if !hidden && name != header::CONTENT_LENGTH && name != header::TRANSFER_ENCODING {
            out.insert(name.clone(), value.clone());
        }
    }
    (status, out, answer.bytes().await.unwrap()).into_response()
}

fn tier(name: &str, price_minor: i64, capacity: u32, sold: u32) -> FeedTier {
    FeedTier { sold, ..FeedTier::new(tier_id(name), name, price_minor, capacity) }
}

#[tokio::test]
async fn reads_the_documents_event_with_exact_minor_units() {
    let setup = setup(|_| {}, DEFAULT).await;
    setup.sell("VIP", 2).await;
    let event = setup.client.event("evt_x9y8z7").await.unwrap();
    assert_eq!(
        event,
        FeedEvent {
            id: "evt_x9y8z7".into(),
            title: "Summer Pool Party".into(),
            start: "2026-07-15T14:00:00+02:00".into(),
            venue: Some("Example Venue".into()),
            description: None,
            currency: Currency::parse("EUR").unwrap(),
            status: EventStatus::Active,
            url: Some("https://www.ticketwavehq.com/events/summer-pool-party-2026".into()),
            tiers: vec![tier("General", 2500, 400, 0), tier("VIP", 7500, 100, 2)],
        }
    );
    assert_eq!(event.tiers[1].id, "vip");

    let all = setup.client.events().await.unwrap();
    assert_eq!(all.len(), 2);
    let jazz = all.iter().find(|e| e.id == "evt_k4m5n6").expect("the second seeded event");
    let prices: Vec<(&str, i64)> = jazz.tiers.iter().map(|t| (t.id.as_str(), t.price_minor)).collect();
    assert_eq!(prices, [("early-bird", 1850), ("standard", 2490), ("front-row", 4999)]);

    assert!(matches!(setup.client.event("evt_unknown").await, Err(UpstreamError::NotFound)));
    assert!(matches!(setup.client.event("../../api/auth/login").await, Err(UpstreamError::NotFound)));
    assert_eq!(setup.logins(), 1, "one login serves every call");
    assert_no_leaks();
}

#[tokio::test]
async fn concurrent_calls_share_one_login() {
    let setup = setup(|_| {}, DEFAULT).await;
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let client = setup.client.clone();
        calls.spawn(async move { client.event("evt_x9y8z7").await });
    }
    while let Some(result) = calls.join_next().await {
        assert!(result.unwrap().is_ok());
    }
    assert_eq!(setup.logins(), 1);
}

#[tokio::test]
async fn the_token_is_renewed_before_it_expires() {
    let setup = setup(|c| c.token_ttl = Duration::from_secs(4), DEFAULT).await;
    setup.client.event("evt_x9y8z7").await.unwrap();
    // A 4 s token (exp in whole seconds: 3 to 4 s away) is renewed in its last quarter.
    tokio::time::sleep(Duration::from_millis(3100)).await;
    setup.client.event("evt_x9y8z7").await.unwrap();
    assert_eq!(setup.logins(), 2, "a new login before the second call");
    assert_eq!(setup.refused_tokens(), 0, "the old token was never sent past its renewal time");
    tokio::time::sleep(Duration::from_millis(4100)).await;
    setup.client.event("evt_x9y8z7").await.unwrap();
    assert_eq!((setup.logins(), setup.refused_tokens()), (3, 0), "after idling past expiry too");
}

#[tokio::test]
async fn a_refused_token_is_renewed_and_the_call_made_once_more() {
    let setup = setup(|_| {}, DEFAULT).await;
    setup.client.event("evt_x9y8z7").await.unwrap();
    let revoke = format!("{}/sandbox/revoke-tokens", setup.sandbox.base_url());
    assert_eq!(reqwest::Client::new().post(revoke).send().await.unwrap().status(), 204);
    let event = setup.client.event("evt_x9y8z7").await.unwrap();
    assert_eq!(event.title, "Summer Pool Party");
    assert_eq!((setup.logins(), setup.refused_tokens(), setup.reads()), (2, 1, 3));
}

#[tokio::test]
async fn wrong_credentials_are_unauthorized_and_not_tried_again_at_once() {
    let setup = setup(|_| {}, Options { password: "not-the-password", hide_retry_after: false }).await;
    let err = setup.client.event("evt_x9y8z7").await.unwrap_err();
    assert!(matches!(err, UpstreamError::Unauthorized), "{err:?}");
    assert!(!err.to_string().contains("not-the-password"));
    assert!(matches!(setup.client.event("evt_x9y8z7").await, Err(UpstreamError::Unauthorized)));
    assert_eq!((setup.logins(), setup.reads()), (1, 0), "no second login within the pause");
    assert_no_leaks();
}

#[tokio::test]
async fn a_429_is_rate_limited_and_holds_later_calls() {
    let setup = setup(|c| c.admin_limit = 2, DEFAULT).await;
    setup.client.event("evt_x9y8z7").await.unwrap();
    setup.client.events().await.unwrap();
    let err = setup.client.event("evt_x9y8z7").await.unwrap_err();
    let UpstreamError::RateLimited(wait) = err else { panic!("{err:?}") };
    assert!(wait >= Duration::from_secs(50), "the sandbox's Retry-After (about a minute): {wait:?}");
    let reads = setup.reads();
    assert!(matches!(setup.client.event("evt_x9y8z7").await, Err(UpstreamError::RateLimited(_))));
    assert_eq!(setup.reads(), reads, "nothing is sent while the platform asked to wait");
}

#[tokio::test]
async fn a_429_without_retry_after_waits_a_whole_window() {
    let options = Options { password: PASSWORD, hide_retry_after: true };
    let setup = setup(
        |c| {
            c.admin_limit = 1;
            c.rate_window = Duration::from_secs(2);
        },
        options,
    )
    .await;
    setup.client.event("evt_x9y8z7").await.unwrap();
    let err = setup.client.event("evt_x9y8z7").await.unwrap_err();
    let UpstreamError::RateLimited(wait) = err else { panic!("{err:?}") };
    assert!(wait >= Duration::from_secs(60), "the document's one-minute window: {wait:?}");
}
