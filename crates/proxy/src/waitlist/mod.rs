//! The waiting list of a sold-out tier. A buyer leaves an address (and consent) on a tier that
//! is sold out; when the tier has seats again (`notify`), the first people on the list get an
//! email with a link to the event and one to leave the list, and the site owner a signed
//! webhook. On only where SMTP is configured (`settings`); `GET /api/v1/waitlist` tells the
//! widget whether to offer it.
//!
//! Each proxy keeps its lists in its own SQLite. With several proxies (Redis), a sign-up is on
//! the list of the proxy that took it, and that proxy emails it; an address on the lists of two
//! proxies is emailed once per return of seats (`claim_email`). The lists and their order are
//! not shared: route `/api/v1/waitlist` and `/waitlist/` to one proxy for one list (README).

pub mod mailer;
pub mod notify;
pub mod owner_webhook;
pub mod settings;
pub mod store;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tessera_core::{Email, EventId, EventStatus, Field, FieldError, Problem, Snapshot, TierId};
use tessera_core::{WaitlistJoined, WaitlistRequest};

use crate::catalogue::Catalogue;
use crate::cross_origin::AllowedOrigins;
use crate::error::ApiError;
use crate::live::LiveHub;
use mailer::{MailError, Mailer};
use owner_webhook::OwnerWebhook;
use settings::WaitlistConfig;
use store::WaitlistStore;

/// How often events with an armed tier are read again, for seats that came back without a
/// webhook (a checkout that expired unpaid): at most one platform call per such event.
pub const SWEEP_EVERY: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct Waitlist {
    inner: Arc<Inner>,
}

struct Inner {
    store: WaitlistStore,
    mailer: Mailer,
    owner_webhook: Option<OwnerWebhook>,
    catalogue: Catalogue,
    /// Where buyers reach this proxy: the unsubscribe links.
    public_url: reqwest::Url,
    /// Where an email sends a buyer whose sign-up named no allowed page.
    default_page: reqwest::Url,
    allowed_origins: AllowedOrigins,
    batch: u32,
    /// The Redis several proxies share, when configured: one email per address and return.
    redis: Option<crate::redis_link::RedisLink>,
    /// Events with a list: every other event's snapshots are passed over without a query.
    listed: Mutex<HashSet<EventId>>,
}

/// A sign-up as the API takes it, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignUp {
    pub event_id: EventId,
    pub tier_id: TierId,
    pub email: Email,
    pub page_url: Option<String>,
}

/// The answer to a sign-up on a proxy without SMTP.
pub const NOT_OFFERED: &str =
    "This shop has no waiting list: it cannot send email. Try again later or ask the organiser";

impl SignUp {
    /// Every field problem at once (ids, address), then consent, which has no field of its own.
    pub fn parse(request: &WaitlistRequest) -> Result<Self, ApiError> {
        let mut fields = Vec::new();
        let id_problem = |raw: &str| if raw.trim().is_empty() { Problem::Missing } else { Problem::Invalid };
        let event_id = EventId::parse(&request.event_id)
            .map_err(|_| fields.push(FieldError { field: Field::EventId, problem: id_problem(&request.event_id) }));
        let tier_id = TierId::parse(&request.tier_id)
            .map_err(|_| fields.push(FieldError { field: Field::TierId, problem: id_problem(&request.tier_id) }));
        let email =
            Email::parse(&request.email).map_err(|p| fields.push(FieldError { field: Field::Email, problem: p }));
        if !fields.is_empty() {
            return Err(ApiError::Invalid(fields));
        }
        if !request.consent {
            return Err(ApiError::BadRequest(
                "Consent is required: set `consent` to true once the buyer has agreed to be emailed when tickets are back"
                    .into(),
            ));
        }
        let (Ok(event_id), Ok(tier_id), Ok(email)) = (event_id, tier_id, email) else {
            unreachable!("every error was pushed to `fields`")
        };
        Ok(SignUp { event_id, tier_id, email, page_url: request.page_url.clone() })
    }
}

impl Waitlist {
    /// The waiting list `config` asks for (none without SMTP), over the proxy's database in
    /// its data directory (opened, and so migrated, by `Store::open` before this).
    pub async fn start(
        config: &crate::Config,
        public_url: &reqwest::Url,
        allowed_origins: &[String],
        catalogue: Catalogue,
        redis: Option<crate::redis_link::RedisLink>,
    ) -> Result<Option<Self>, crate::startup::StartupError> {
        let Some(settings) = &config.waitlist else { return Ok(None) };
        let store = WaitlistStore::open(&config.data_dir.join("proxy.sqlite"))?;
        let default_page = config.success_url.clone().unwrap_or_else(|| public_url.clone());
        let waitlist = Waitlist::new(
            settings,
            store,
            catalogue,
            public_url.clone(),
            default_page,
            AllowedOrigins::new(allowed_origins),
        )
        .map_err(|e| std::io::Error::other(e.to_string()))?
        .with_redis(redis);
        waitlist.load().await?;
        Ok(Some(waitlist))
    }

    pub fn new(
        config: &WaitlistConfig,
        store: WaitlistStore,
        catalogue: Catalogue,
        public_url: reqwest::Url,
        default_page: reqwest::Url,
        allowed_origins: AllowedOrigins,
    ) -> Result<Self, MailError> {
        let mailer = Mailer::new(&config.smtp_url, &config.mail_from)?;
        Ok(Waitlist {
            inner: Arc::new(Inner {
                store,
                mailer,
                owner_webhook: config.owner_webhook.as_ref().map(OwnerWebhook::new),
                catalogue,
                public_url,
                default_page,
                allowed_origins,
                batch: config.batch,
                redis: None,
                listed: Mutex::default(),
            }),
        })
    }

    /// Shares "already emailed" with the other proxies on `redis`.
    pub fn with_redis(mut self, redis: Option<crate::redis_link::RedisLink>) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.redis = redis;
        }
        self
    }

    /// Whether this proxy may email `email` about the tier now: with Redis, the first proxy to
    /// claim the address for this tier does (for an hour, far longer than a round takes), so
    /// an address on two proxies' lists gets one email. Without Redis, or while it does not
    /// answer, this proxy decides alone.
    pub async fn claim_email(&self, event: &EventId, tier: &str, email: &str) -> bool {
        let Some(link) = self.inner.redis.as_ref().filter(|l| l.is_up()) else { return true };
        link.set_if_absent(&emailed_key(event, tier, email), "1", 60 * 60 * 1000).await.unwrap_or(true)
    }

    /// The email could not be sent after all: the next round, at any proxy, may try again.
    pub async fn release_email(&self, event: &EventId, tier: &str, email: &str) {
        let Some(link) = self.inner.redis.as_ref() else { return };
        let mut conn = link.conn();
        let key = emailed_key(event, tier, email);
        let _: redis::RedisResult<i64> = link.run(redis::cmd("DEL").arg(&key).query_async(&mut conn)).await;
    }

    /// Loads which events have lists (at start).
    pub async fn load(&self) -> Result<(), crate::store::StoreError> {
        let events = self.store().listed_events().await?;
        let mut listed = self.inner.listed.lock().expect("listed lock");
        listed.extend(events.iter().filter_map(|e| EventId::parse(e).ok()));
        Ok(())
    }

    pub fn store(&self) -> &WaitlistStore {
        &self.inner.store
    }

    pub fn mailer(&self) -> &Mailer {
        &self.inner.mailer
    }

    pub fn owner_webhook(&self) -> Option<&OwnerWebhook> {
        self.inner.owner_webhook.as_ref()
    }

    pub fn catalogue(&self) -> &Catalogue {
        &self.inner.catalogue
    }

    pub fn batch(&self) -> u32 {
        self.inner.batch
    }

    pub fn default_page(&self) -> &reqwest::Url {
        &self.inner.default_page
    }

    pub fn unsubscribe_link(&self, token: &str) -> String {
        format!("{}/waitlist/unsubscribe/{token}", self.inner.public_url.as_str().trim_end_matches('/'))
    }

    /// The page a sign-up named, when it is an http(s) page of an allowed origin: an email
    /// never links to an address a stranger chose.
    pub fn page_for(&self, page_url: Option<&str>) -> Option<String> {
        let url = reqwest::Url::parse(page_url?).ok()?;
        if !matches!(url.scheme(), "http" | "https") || url.as_str().len() > 2000 {
            return None;
        }
        let origin = axum::http::HeaderValue::from_str(&url.origin().ascii_serialization()).ok()?;
        self.inner.allowed_origins.permits(Some(&origin)).then(|| url.to_string())
    }

    /// Puts a checked sign-up on its tier's list. The tier must exist and be sold out now.
    pub async fn join(&self, signup: SignUp) -> Result<WaitlistJoined, ApiError> {
        let read = self
            .catalogue()
            .event(&signup.event_id)
            .await
            .map_err(|e| ApiError::from_read(e, self.catalogue().next_probe_in()))?;
        let Some(tier) = read.event.tiers.iter().find(|t| t.id == signup.tier_id) else {
            return Err(ApiError::Invalid(vec![FieldError { field: Field::TierId, problem: Problem::Unknown }]));
        };
        if read.event.status == EventStatus::Cancelled {
            return Err(ApiError::Unprocessable("This event is cancelled: it has no waiting list"));
        }
        if tier.available > 0 {
            return Err(ApiError::Unprocessable(
                "This tier has tickets left: buy one now instead of joining its waiting list",
            ));
        }
        let page = self.page_for(signup.page_url.as_deref());
        self.store()
            .join(signup.event_id.as_str(), signup.tier_id.as_str(), signup.email.as_str(), page)
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        self.inner.listed.lock().expect("listed lock").insert(signup.event_id.clone());
        Ok(WaitlistJoined { event_id: signup.event_id.to_string(), tier_id: signup.tier_id.to_string() })
    }

    /// For `LiveHub::with_observer`: every new state of an event with a list is applied to it,
    /// in the background (a publish never waits on SMTP).
    pub fn observer(&self) -> crate::live::Observer {
        let me = self.clone();
        Arc::new(move |event: &EventId, snapshot: &Snapshot| {
            if !me.inner.listed.lock().expect("listed lock").contains(event) {
                return;
            }
            let (me, event, snapshot) = (me.clone(), event.clone(), snapshot.clone());
            tokio::spawn(async move { notify::observe(&me, &event, &snapshot).await });
        })
    }

    /// Reads the events with an armed tier again every `every`, until the server shuts down, so
    /// seats that came back without a webhook are noticed too.
    pub fn sweep(&self, live: LiveHub, every: Duration) {
        let (me, closed) = (self.clone(), live.closed());
        tokio::spawn(async move {
            let sweep = async {
                let mut tick = tokio::time::interval(every);
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    tick.tick().await;
                    let Ok(events) = me.store().armed_events().await else { continue };
                    for id in events.iter().filter_map(|e| EventId::parse(e).ok()) {
                        if let Err(e) = live.reload(&id).await {
                            tracing::debug!(event = %id, error = %e, "waiting list: could not read the event again");
                        }
                    }
                }
            };
            tokio::select! { () = sweep => {}, () = closed => {} }
        });
    }
}

/// The Redis key of "this address was emailed about this tier": a hash, so the address itself is
/// not written to Redis.
fn emailed_key(event: &EventId, tier: &str, email: &str) -> String {
    use sha2::Digest;
    let mut hash = sha2::Sha256::new();
    for part in [event.as_str(), tier, &store::email_key(email)] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    format!("{}waitlist:emailed:{}", crate::redis_link::PREFIX, hex::encode(hash.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(email: &str, consent: bool) -> WaitlistRequest {
        WaitlistRequest { event_id: "ev".into(), tier_id: "vip".into(), email: email.into(), consent, page_url: None }
    }

    #[test]
    fn a_sign_up_needs_an_address_and_consent() {
        assert!(SignUp::parse(&request("ana@example.com", true)).is_ok());
        let e = SignUp::parse(&request("ana@", true)).unwrap_err();
        assert!(matches!(&e, ApiError::Invalid(f) if f[0].field == Field::Email), "{e:?}");
        let e = SignUp::parse(&request("ana@example.com", false)).unwrap_err();
        assert!(matches!(&e, ApiError::BadRequest(m) if m.starts_with("Consent is required")), "{e:?}");
        let bad_ids = WaitlistRequest { event_id: "".into(), tier_id: "a b".into(), ..request("x", true) };
        let ApiError::Invalid(fields) = SignUp::parse(&bad_ids).unwrap_err() else { panic!() };
        assert_eq!(fields.iter().map(|f| f.field).collect::<Vec<_>>(), [Field::EventId, Field::TierId, Field::Email]);
    }
}
