//! The proxy's view of the catalogue: one cache entry per event (and per page of the public
//! list), kept briefly, so a page full of buyers costs the platform one request per event per
//! TTL. Concurrent misses for the same entry share one upstream call (moka's `try_get_with`
//! coalesces them).
//!
//! Behind the fresh cache is the last good copy of each entry. Shortly after the fresh entry
//! expires it is served at once while one refresh runs (stale-while-revalidate); while the
//! platform is down or limiting us it is served marked stale, rather than an error.
//!
//! While the platform is not answering (timeouts, resets, 5xx), reads do not wait on it: they
//! serve the last copy marked stale at once, and one read in the background asks again after
//! a pause that doubles with each failure in a row (`Outage`), so an outage costs the platform
//! a call every few seconds rather than one per viewer, and the first answer ends it. Events
//! and pages share the one `Outage`: the platform is down for both or for neither.
//!
//! The public list (`Catalogue::list`) is one list of every platform's events: HangHut's
//! active events, read whole (its pages of 50, the most its document allows) as one entry,
//! and the feed's events (TicketWave's API list saved into it first), merged by start time
//! (`listing`) and kept for the TTL. Reading HangHut's list whole costs one call per TTL for
//! up to 50 events, as the first page did before; a longer list is kept that many TTLs, so the
//! list never costs the platform more than one call per TTL on average. A source that is down
//! gives its last copy (or nothing), and the list is marked stale instead of failing.

use moka::future::Cache;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt::Display;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tessera_core::{Event, EventId, EventSummary};

use crate::feed;
use crate::metrics::Metrics;
use crate::providers::{EventSource, Platform};
use crate::shared_reads::SharedReads;
use crate::store::Store;
use crate::upstream::{HangHutClient, UpstreamError};

/// Events per page of the public list.
pub const PAGE_SIZE: u32 = 20;

/// Events per call when HangHut's list is read whole: the most its document allows.
const HANGHUT_PER_PAGE: u32 = 50;
/// Pages of HangHut's list read at most (500 events); beyond them the list is cut, and the
/// log says so. At one call per TTL this is a refresh every 20 s with the default TTL.
const HANGHUT_MAX_PAGES: u32 = 10;
/// TTLs a copy of TicketWave's event list stays fresh: one call per 10 s by default.
const TICKETWAVE_LIST_TTLS: u32 = 5;
/// The one entry of each list shelf.
const LIST: &str = "list";

/// How long past its TTL a copy may still be served while it is being refreshed.
const REVALIDATE_WITHIN: Duration = Duration::from_secs(10);
/// The first pause after the platform failed to answer, and the longest it grows to.
const PROBE_FIRST: Duration = Duration::from_millis(500);
const PROBE_MAX: Duration = Duration::from_secs(8);

#[derive(Clone)]
pub struct Catalogue {
    /// Shared: every read builds its fetch around it, and the client holds heap strings.
    upstream: Arc<HangHutClient>,
    events: Shelf<EventId, Event>,
    /// HangHut's active events, all of them.
    hanghut_list: Shelf<&'static str, HangHutList>,
    /// The merged list of every platform's events, for the TTL: one merge however many buyers.
    merged: Cache<(), Arc<ListRead>>,
    outage: Arc<Mutex<Outage>>,
    feeds: Option<Arc<Feeds>>,
    /// The other proxies' reads, with Redis: one upstream read per entry per TTL between them.
    shared: Option<SharedReads>,
    metrics: Option<Metrics>,
}

/// The events of the other platforms: kept in the feed (`feed`), which their webhooks write
/// and, for TicketWave, its API too. They have a shelf and an outage of their own, so one
/// platform being down does not make another's events stale.
#[derive(Clone)]
pub struct Feeds {
    store: Store,
    ticketwave: Option<Arc<dyn EventSource>>,
    shelf: Shelf<EventId, Event>,
    /// TicketWave's list of events, saved into the feed: read once per `TICKETWAVE_LIST_TTLS`
    /// TTLs (the value is how many it listed). It shares the feeds' outage.
    ticketwave_list: Shelf<&'static str, usize>,
    /// The platforms whose feed events the public list holds (those configured).
    listed: Arc<Vec<Platform>>,
    /// A tessera event → the resale marketplace's (Tixel's) events whose resales it shows.
    resale_of: Arc<HashMap<EventId, Vec<String>>>,
}

impl Feeds {
    /// `resale_events`: the configuration's Tixel event id → tessera events.
    pub fn new(
        store: Store,
        ticketwave: Option<Arc<dyn EventSource>>,
        resale_events: &HashMap<String, Vec<EventId>>,
        ttl: Duration,
    ) -> Self {
        let mut resale_of: HashMap<EventId, Vec<String>> = HashMap::new();
        for (tixel, ours) in resale_events {
            for id in ours {
                resale_of.entry(id.clone()).or_default().push(tixel.clone());
            }
        }
        let outage: Arc<Mutex<Outage>> = Arc::default();
        let listed = if ticketwave.is_some() { vec![Platform::TicketWave] } else { Vec::new() };
        Feeds {
            store,
            ticketwave,
            shelf: Shelf::new("feed event", ttl, 10_000, outage.clone()),
            // Sales reach the feed by webhook; the list is read for new events only, so a few
            // TTLs old is fine, and keeps most of TicketWave's 60 calls a minute for events.
            ticketwave_list: Shelf::new("ticketwave list", ttl, 1, outage).lasting(|_| TICKETWAVE_LIST_TTLS),
            listed: Arc::new(listed),
            resale_of: Arc::new(resale_of),
        }
    }

    /// Lists these platforms' feed events too (vivenu, Ingresse: those configured). TicketWave
    /// is listed whenever its API is read.
    pub fn listing(mut self, platforms: impl IntoIterator<Item = Platform>) -> Self {
        let mut listed = self.listed.as_ref().clone();
        for p in platforms {
            if !listed.contains(&p) && p != Platform::HangHut && p != Platform::Tixel {
                listed.push(p);
            }
        }
        self.listed = Arc::new(listed);
        self
    }

    /// The listed platforms' events as buyers see them, and whether some are last copies
    /// (TicketWave's API did not answer: its events are as the feed last had them).
    async fn list(&self) -> Result<(Vec<EventSummary>, bool), UpstreamError> {
        let mut stale = false;
        if let Some(source) = &self.ticketwave {
            let (source, store) = (source.clone(), self.store.clone());
            let fetch = move |_: &'static str| {
                let (source, store) = (source.clone(), store.clone());
                async move {
                    let events = source.events().await?;
                    for event in &events {
                        store.save_feed_event(Platform::TicketWave, event).await.map_err(feed_error)?;
                    }
                    Ok(events.len())
                }
            };
            match self.ticketwave_list.read(&LIST, fetch).await {
                Ok(got) => stale |= got.stale,
                Err(e) => {
                    tracing::warn!(error = %e, "TicketWave's event list could not be read; listing the feed's copies");
                    stale = true;
                }
            }
        }
        let now = chrono::Utc::now();
        let mut listed = Vec::new();
        for &platform in self.listed.iter() {
            for stored in self.store.feed_events(platform).await.map_err(feed_error)? {
                match feed::to_event(platform, &stored, now) {
                    Ok(event) => listed.push(event.summary()),
                    Err(e) => {
                        tracing::warn!(platform = platform.name(), error = %e, "a feed event is left out of the list")
                    }
                }
            }
        }
        Ok((listed, stale))
    }

    /// One platform event as buyers see it: TicketWave's API is asked first and its answer
    /// kept in the feed; every platform's copy is then the feed's, with the sales its
    /// webhooks reported.
    async fn fetch(&self, platform: Platform, id: EventId) -> Result<Event, UpstreamError> {
        let theirs = &id.as_str()[platform.name().len() + 1..];
        if let (Platform::TicketWave, Some(source)) = (platform, &self.ticketwave) {
            match source.event(theirs).await {
                Ok(described) => self.store.save_feed_event(platform, &described).await.map_err(feed_error)?,
                // Its webhooks may have described an event its API does not show (yet).
                Err(UpstreamError::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
        let stored =
            self.store.feed_event(platform, theirs).await.map_err(feed_error)?.ok_or(UpstreamError::NotFound)?;
        let event = feed::to_event(platform, &stored, chrono::Utc::now()).map_err(UpstreamError::Malformed)?;
        self.with_resales(event).await
    }

    /// Adds the resale activity reported for the event, where the configuration maps one.
    async fn with_resales(&self, event: Event) -> Result<Event, UpstreamError> {
        let Some(marketplace_events) = self.resale_of.get(&event.id) else { return Ok(event) };
        let mut sold = 0u32;
        for theirs in marketplace_events {
            sold = sold.saturating_add(self.store.resales(Platform::Tixel, theirs).await.map_err(feed_error)?);
        }
        Ok(feed::with_resale(event, Platform::Tixel, sold))
    }
}

fn feed_error(e: crate::store::StoreError) -> UpstreamError {
    tracing::error!(error = %e, "the feed could not be read");
    UpstreamError::Malformed("the feed could not be read".into())
}

/// The platform an event id belongs to: its prefix (`vivenu:…`), or HangHut's unprefixed ids.
pub fn platform_of(id: &EventId) -> Platform {
    id.as_str()
        .split_once(':')
        .and_then(|(prefix, _)| Platform::from_name(prefix))
        .filter(|p| *p != Platform::HangHut)
        .unwrap_or(Platform::HangHut)
}

/// Whether the platform is answering, as reads have found it.
#[derive(Debug, Default)]
struct Outage {
    /// Failed calls in a row; 0 while the platform answers.
    failures: u32,
    next_probe: Option<Instant>,
}

impl Outage {
    fn is_down(&self) -> bool {
        self.failures > 0
    }

    fn pause(&self) -> Duration {
        let doublings = self.failures.saturating_sub(1).min(16);
        PROBE_FIRST.saturating_mul(1 << doublings).min(PROBE_MAX)
    }

    /// Whether a read may ask the platform now. Taking the probe pushes the next one back,
    /// so the readers arriving meanwhile do not all ask too.
    fn take_probe(&mut self, now: Instant) -> bool {
        match self.next_probe {
            Some(at) if now < at => false,
            _ => {
                self.next_probe = Some(now + self.pause());
                true
            }
        }
    }

    /// How long until a read asks the platform again; zero while it answers.
    fn until_probe(&self, now: Instant) -> Duration {
        match self.next_probe {
            Some(at) if self.is_down() => at.saturating_duration_since(now),
            _ => Duration::ZERO,
        }
    }

    fn failed(&mut self, now: Instant) {
        self.failures = self.failures.saturating_add(1);
        self.next_probe = Some(now + self.pause());
    }

    fn answered(&mut self) {
        *self = Outage::default();
    }
}

/// What the catalogue can give buyers now (`Catalogue::health`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlatformHealth {
    Answering,
    /// Not answering, but the last copies are served.
    ServingCopies,
    /// Not answering, and nothing to serve.
    Down,
}

/// An event as the catalogue could get it.
#[derive(Clone, Debug)]
pub struct Read {
    pub event: Arc<Event>,
    /// The platform could not be asked; this is the last copy we had.
    pub stale: bool,
    /// ...because it is not answering (rather than because our budget is spent).
    pub down: bool,
}

/// The public list as the catalogue could get it: every platform's upcoming events in start
/// order (`listing::upcoming`).
#[derive(Clone, Debug)]
pub struct ListRead {
    pub events: Arc<Vec<EventSummary>>,
    /// A source could not be asked: its events are its last copy, or missing.
    pub stale: bool,
}

/// HangHut's active events, read whole, and how many of its pages that took.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct HangHutList {
    events: Vec<EventSummary>,
    pages: u32,
}

/// All of HangHut's active events, page after page of its most per call.
async fn read_hanghut_list(upstream: &HangHutClient) -> Result<HangHutList, UpstreamError> {
    let mut events = Vec::new();
    let mut page = 1;
    loop {
        let got = upstream.events(page, HANGHUT_PER_PAGE).await?;
        let (more, empty) = (got.meta.has_more, got.events.is_empty());
        events.extend(got.events);
        if !more || empty {
            break;
        }
        if page >= HANGHUT_MAX_PAGES {
            tracing::warn!(pages = page, listed = events.len(), "HangHut lists more events than the list reads; cut");
            break;
        }
        page += 1;
    }
    Ok(HangHutList { events, pages: page })
}

impl Catalogue {
    pub fn new(upstream: HangHutClient, ttl: Duration) -> Self {
        let outage: Arc<Mutex<Outage>> = Arc::default();
        Catalogue {
            upstream: Arc::new(upstream),
            events: Shelf::new("event", ttl, 10_000, outage.clone()),
            // A list of several pages is kept as many TTLs: one call per TTL on average.
            hanghut_list: Shelf::new("list", ttl, 1, outage.clone()).lasting(|list: &HangHutList| list.pages),
            merged: Cache::builder().max_capacity(1).time_to_live(ttl).build(),
            outage,
            feeds: None,
            shared: None,
            metrics: None,
        }
    }

    /// Counts its reads, by what answered them, in `metrics`.
    pub fn counted_by(mut self, metrics: Metrics) -> Self {
        self.metrics = Some(metrics);
        self
    }

    fn count<V>(&self, what: &'static str, served: &Served<V>) {
        if let Some(m) = &self.metrics {
            m.catalogue_read(what, served.source);
        }
    }

    /// Shares HangHut reads with the other proxies.
    pub fn with_shared_reads(mut self, shared: SharedReads) -> Self {
        self.shared = Some(shared);
        self
    }

    /// Serves the other platforms' events too.
    pub fn with_feeds(mut self, feeds: Feeds) -> Self {
        self.feeds = Some(Arc::new(feeds));
        self
    }

    pub fn upstream(&self) -> &HangHutClient {
        &self.upstream
    }

    /// How long until reads ask the platform again (zero while it answers): what a client
    /// that got no copy should wait before asking us again.
    /// With other platforms' events too, the longer of the two waits: a client does not
    /// know which platform is down, and coming back late costs it less than coming back early.
    pub fn next_probe_in(&self) -> Duration {
        let now = Instant::now();
        let ours = self.outage.lock().expect("outage lock").until_probe(now);
        let feeds = self.feeds.as_ref().map_or(Duration::ZERO, |f| f.shelf.outage().until_probe(now));
        ours.max(feeds)
    }

    /// Whether buyers can be served: HangHut answering, or not answering while the catalogue
    /// still has copies to show (stale, with the note beside them). For `/readyz`; it asks the
    /// platform nothing, so a probe costs no call from the budget.
    pub async fn health(&self) -> PlatformHealth {
        if !self.outage.lock().expect("outage lock").is_down() {
            return PlatformHealth::Answering;
        }
        // moka counts lazily: settle it first, so a copy just stored is seen.
        self.events.known.run_pending_tasks().await;
        self.hanghut_list.known.run_pending_tasks().await;
        if self.events.known.entry_count() + self.hanghut_list.known.entry_count() > 0 {
            PlatformHealth::ServingCopies
        } else {
            PlatformHealth::Down
        }
    }

    /// Whether the platform an event comes from is known not to be answering.
    pub fn is_down(&self, id: &EventId) -> bool {
        match (platform_of(id), &self.feeds) {
            (Platform::HangHut, _) | (_, None) => self.outage.lock().expect("outage lock").is_down(),
            (_, Some(feeds)) => feeds.shelf.outage().is_down(),
        }
    }

    pub async fn event(&self, id: &EventId) -> Result<Read, UpstreamError> {
        let platform = platform_of(id);
        let got = match (&self.feeds, platform) {
            (feeds, Platform::HangHut) => {
                let (upstream, feeds, shared) = (self.upstream.clone(), feeds.clone(), self.shared.clone());
                let fetch = move |id: EventId| {
                    let (upstream, feeds, shared) = (upstream.clone(), feeds.clone(), shared.clone());
                    async move {
                        let event = match &shared {
                            Some(shared) => shared.read(&format!("event:{id}"), || upstream.event(&id)).await?.0,
                            None => upstream.event(&id).await?,
                        };
                        match feeds {
                            Some(feeds) => feeds.with_resales(event).await,
                            None => Ok(event),
                        }
                    }
                };
                self.events.read(id, fetch).await?
            }
            (Some(feeds), platform) => {
                let me = feeds.clone();
                let fetch = move |id: EventId| {
                    let me = me.clone();
                    async move { me.fetch(platform, id).await }
                };
                feeds.shelf.read(id, fetch).await?
            }
            (None, _) => return Err(UpstreamError::NotFound),
        };
        self.count("event", &got);
        Ok(Read { event: got.value, stale: got.stale, down: got.down })
    }

    /// Every platform's upcoming events in start order, for the public list (paged by
    /// `listing::page`). An error only when a source failed and no other listed anything.
    pub async fn list(&self) -> Result<ListRead, UpstreamError> {
        let me = self.clone();
        let merged = self.merged.try_get_with((), async move { me.merge().await.map(Arc::new) }).await;
        merged.map(|read| (*read).clone()).map_err(|e: Arc<UpstreamError>| (*e).clone())
    }

    async fn merge(&self) -> Result<ListRead, UpstreamError> {
        let (upstream, shared) = (self.upstream.clone(), self.shared.clone());
        let fetch = move |_: &'static str| {
            let (upstream, shared) = (upstream.clone(), shared.clone());
            async move {
                match &shared {
                    Some(shared) => Ok(shared.read("list:hanghut", || read_hanghut_list(&upstream)).await?.0),
                    None => read_hanghut_list(&upstream).await,
                }
            }
        };
        let (mut events, mut stale, mut failed) = match self.hanghut_list.read(&LIST, fetch).await {
            Ok(got) => {
                self.count("list", &got);
                (got.value.events.clone(), got.stale, None)
            }
            Err(e) => (Vec::new(), true, Some(e)),
        };
        if let Some(feeds) = &self.feeds {
            match feeds.list().await {
                Ok((more, more_stale)) => {
                    events.extend(more);
                    stale |= more_stale;
                }
                Err(e) => {
                    stale = true;
                    failed.get_or_insert(e);
                }
            }
        }
        let events = crate::listing::upcoming(events, chrono::Utc::now());
        match failed {
            Some(e) if events.is_empty() => Err(e),
            _ => Ok(ListRead { events: Arc::new(events), stale }),
        }
    }

    /// Drops what we know of an event after something changed it (a sale, a webhook), here
    /// and in the copies shared with other proxies. Every page may list it, so every page's
    /// copy is only a last resort from now on.
    pub async fn forget(&self, id: &EventId) {
        if let Some(shared) = &self.shared {
            shared.forget(&format!("event:{id}")).await;
            if platform_of(id) == Platform::HangHut {
                shared.forget("list:hanghut").await;
            }
        }
        self.forget_here(id).await;
    }

    /// Drops this proxy's own copies of an event (another proxy published a change to it).
    pub async fn forget_here(&self, id: &EventId) {
        self.events.forget(id).await;
        if let Some(feeds) = &self.feeds {
            feeds.shelf.forget(id).await;
        }
        // A feed event's change is in the feed already; only HangHut's list is read again.
        if platform_of(id) == Platform::HangHut {
            self.hanghut_list.forget(&LIST).await;
        }
        self.merged.invalidate_all();
    }
}

/// One kind of entry the catalogue keeps (events, pages of the list): a fresh copy for the
/// TTL and the last good copy behind it, with the catalogue's one view of the outage.
struct Shelf<K, V> {
    /// For the log: "event" or "page".
    what: &'static str,
    ttl: Duration,
    fresh: Cache<K, Arc<V>>,
    known: Cache<K, Known<V>>,
    outage: Arc<Mutex<Outage>>,
}

// By hand: a derive would ask for `K: Clone, V: Clone`, and only the caches' handles are cloned.
impl<K, V> Clone for Shelf<K, V> {
    fn clone(&self) -> Self {
        Shelf {
            what: self.what,
            ttl: self.ttl,
            fresh: self.fresh.clone(),
            known: self.known.clone(),
            outage: self.outage.clone(),
        }
    }
}

/// A fresh copy's life in TTLs, by what it holds (`Shelf::lasting`).
struct Lasting<V> {
    ttl: Duration,
    times: fn(&V) -> u32,
}

impl<K, V> moka::Expiry<K, Arc<V>> for Lasting<V> {
    fn expire_after_create(&self, _key: &K, value: &Arc<V>, _created_at: Instant) -> Option<Duration> {
        Some(self.ttl.saturating_mul((self.times)(value).max(1)))
    }
}

struct Known<V> {
    value: Arc<V>,
    fetched: Instant,
    /// Something changed it since (a sale, a webhook), or a refresh failed: only good as a
    /// last resort, served marked stale.
    outdated: bool,
}

impl<V> Clone for Known<V> {
    fn clone(&self) -> Self {
        Known { value: self.value.clone(), fetched: self.fetched, outdated: self.outdated }
    }
}

/// What a shelf could serve.
struct Served<V> {
    value: Arc<V>,
    stale: bool,
    down: bool,
    /// For the metrics: `cache` (this proxy's copy), `fetched` (asked for now), `stale`.
    source: &'static str,
}

impl<V> Served<V> {
    fn fresh(value: Arc<V>) -> Self {
        Served { value, stale: false, down: false, source: "cache" }
    }

    fn fetched(value: Arc<V>) -> Self {
        Served { value, stale: false, down: false, source: "fetched" }
    }
}

impl<K, V> Shelf<K, V>
where
    K: Hash + Eq + Clone + Display + Send + Sync + 'static,
    V: Send + Sync + 'static,
{
    fn new(what: &'static str, ttl: Duration, capacity: u64, outage: Arc<Mutex<Outage>>) -> Self {
        Shelf {
            what,
            ttl,
            fresh: Cache::builder().max_capacity(capacity).time_to_live(ttl).build(),
            known: Cache::builder().max_capacity(capacity).build(),
            outage,
        }
    }

    /// Keeps each fresh copy `times(copy)` TTLs (at least one) rather than one: for an entry
    /// whose read costs several calls.
    fn lasting(mut self, times: fn(&V) -> u32) -> Self {
        let capacity = self.fresh.policy().max_capacity().unwrap_or(1);
        self.fresh = Cache::builder().max_capacity(capacity).expire_after(Lasting { ttl: self.ttl, times }).build();
        self
    }

    fn outage(&self) -> std::sync::MutexGuard<'_, Outage> {
        self.outage.lock().expect("outage lock")
    }

    /// The platform's answer (or not) to a call: opens, extends or ends an outage.
    fn note<T>(&self, result: &Result<T, UpstreamError>) {
        match result {
            Err(UpstreamError::Unavailable(_)) => self.outage().failed(Instant::now()),
            // Refusals and 404s are answers too; a 429 is left to the budget's own back-off.
            Err(UpstreamError::RateLimited(_)) => {}
            _ => self.outage().answered(),
        }
    }

    async fn read<F, Fut>(&self, key: &K, fetch: F) -> Result<Served<V>, UpstreamError>
    where
        F: Fn(K) -> Fut + Clone + Send + Sync + 'static,
        Fut: Future<Output = Result<V, UpstreamError>> + Send + 'static,
    {
        if let Some(value) = self.fresh.get(key).await {
            return Ok(Served::fresh(value));
        }
        let known = self.known.get(key).await;
        let (down, probe) = {
            let mut outage = self.outage();
            (outage.is_down(), outage.is_down() && outage.take_probe(Instant::now()))
        };
        if down {
            // The platform is not answering: nobody waits on it. With a copy, serve it now and
            // let the probe (if it is due) run in the background.
            if let Some(k) = known {
                if probe {
                    self.refresh_in_background(key, fetch);
                }
                return Ok(Served { value: k.value, stale: true, down: true, source: "stale" });
            }
            if !probe {
                return Err(UpstreamError::Unavailable("the platform is not answering; asking again shortly".into()));
            }
        } else if let Some(k) = &known {
            if !k.outdated && k.fetched.elapsed() < self.ttl + REVALIDATE_WITHIN {
                self.refresh_in_background(key, fetch);
                return Ok(Served::fresh(k.value.clone()));
            }
        }
        match self.load(key, fetch).await {
            Ok(value) => Ok(Served::fetched(value)),
            Err(e @ (UpstreamError::Unavailable(_) | UpstreamError::RateLimited(_))) => match known {
                Some(k) => {
                    let down = matches!(e, UpstreamError::Unavailable(_));
                    // Per request, so quiet when it is only our own budget at work.
                    if down {
                        tracing::warn!(what = self.what, key = %key, error = %e, "serving the last known copy");
                    } else {
                        tracing::debug!(what = self.what, key = %key, error = %e, "serving the last known copy");
                    }
                    Ok(Served { value: k.value, stale: true, down, source: "stale" })
                }
                None => Err(e),
            },
            Err(e) => Err(e),
        }
    }

    fn refresh_in_background<F, Fut>(&self, key: &K, fetch: F)
    where
        F: Fn(K) -> Fut + Clone + Send + Sync + 'static,
        Fut: Future<Output = Result<V, UpstreamError>> + Send + 'static,
    {
        let (me, key) = (self.clone(), key.clone());
        tokio::spawn(async move {
            let _ = me.load(&key, fetch).await;
        });
    }

    /// One upstream read, shared by everyone asking for the same entry meanwhile. A failed
    /// read leaves the copy we had marked outdated: it is served stale from then on.
    async fn load<F, Fut>(&self, key: &K, fetch: F) -> Result<Arc<V>, UpstreamError>
    where
        F: Fn(K) -> Fut,
        Fut: Future<Output = Result<V, UpstreamError>>,
    {
        self.fresh
            .try_get_with(key.clone(), async {
                let result = fetch(key.clone()).await;
                self.note(&result);
                match result {
                    Ok(value) => {
                        let value = Arc::new(value);
                        let known = Known { value: value.clone(), fetched: Instant::now(), outdated: false };
                        self.known.insert(key.clone(), known).await;
                        Ok(value)
                    }
                    Err(e) => {
                        if matches!(e, UpstreamError::Unavailable(_) | UpstreamError::RateLimited(_)) {
                            self.distrust(key).await;
                        }
                        Err(e)
                    }
                }
            })
            .await
            .map_err(|e: Arc<UpstreamError>| (*e).clone())
    }

    async fn forget(&self, key: &K) {
        self.fresh.invalidate(key).await;
        self.distrust(key).await;
    }

    /// Keeps the copy of an entry only as a last resort.
    async fn distrust(&self, key: &K) {
        if let Some(mut k) = self.known.get(key).await {
            k.outdated = true;
            self.known.insert(key.clone(), k).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};

    #[test]
    fn an_outage_pauses_longer_after_each_failure_and_ends_with_an_answer() {
        let mut outage = Outage::default();
        let t0 = Instant::now();
        assert!(!outage.is_down());
        outage.failed(t0);
        assert!(outage.is_down());
        assert!(!outage.take_probe(t0), "no probe before the first pause is over");
        assert!(outage.take_probe(t0 + PROBE_FIRST));
        assert!(!outage.take_probe(t0 + PROBE_FIRST), "one reader probes; the others do not");
        let pauses: Vec<Duration> = (0..8)
            .map(|_| {
                outage.failed(t0);
                outage.next_probe.unwrap() - t0
            })
            .collect();
        assert_eq!(pauses[0], PROBE_FIRST * 2);
        assert_eq!(pauses[1], PROBE_FIRST * 4);
        assert_eq!(*pauses.last().unwrap(), PROBE_MAX, "{pauses:?}");
        outage.answered();
        assert!(!outage.is_down());
        assert!(outage.take_probe(t0));
    }

    #[test]
    fn the_wait_for_the_next_probe_counts_down_and_is_zero_while_the_platform_answers() {
        let mut outage = Outage::default();
        let t0 = Instant::now();
        assert_eq!(outage.until_probe(t0), Duration::ZERO);
        outage.failed(t0);
        outage.failed(t0);
        assert_eq!(outage.until_probe(t0), PROBE_FIRST * 2);
        assert_eq!(outage.until_probe(t0 + PROBE_FIRST), PROBE_FIRST);
        assert_eq!(outage.until_probe(t0 + PROBE_MAX), Duration::ZERO, "overdue, not negative");
        assert!(outage.take_probe(t0 + PROBE_MAX));
        assert!(outage.until_probe(t0 + PROBE_MAX) > Duration::ZERO, "a probe taken pushes the next one back");
        outage.answered();
        assert_eq!(outage.until_probe(t0), Duration::ZERO);
    }

    type Answer = std::future::Ready<Result<String, UpstreamError>>;

    /// A platform played by a flag: answers `"v{n}"` (n counting calls) or is unreachable.
    fn platform() -> (Arc<AtomicBool>, Arc<AtomicUsize>, impl Fn(u32) -> Answer + Clone + Send + Sync + 'static) {
        let (up, calls) = (Arc::new(AtomicBool::new(true)), Arc::new(AtomicUsize::new(0)));
        let fetch = {
            let (up, calls) = (up.clone(), calls.clone());
            move |_: u32| {
                let n = calls.fetch_add(1, SeqCst) + 1;
                std::future::ready(if up.load(SeqCst) {
                    Ok(format!("v{n}"))
                } else {
                    Err(UpstreamError::Unavailable("connection refused".into()))
                })
            }
        };
        (up, calls, fetch)
    }

    const TTL: Duration = Duration::from_millis(50);

    async fn settle() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    #[tokio::test]
    async fn while_the_platform_is_down_a_shelf_serves_its_last_copy_stale_and_without_one_fails_fast() {
        let shelf: Shelf<u32, String> = Shelf::new("page", TTL, 10, Arc::default());
        let (up, calls, fetch) = platform();
        let got = shelf.read(&1, fetch.clone()).await.unwrap();
        assert_eq!((got.value.as_str(), got.stale), ("v1", false));

        up.store(false, SeqCst);
        tokio::time::sleep(TTL).await;
        // Just past the TTL the copy is still served as current while one refresh runs; that
        // refresh finds the platform down.
        let got = shelf.read(&1, fetch.clone()).await.unwrap();
        assert_eq!((got.value.as_str(), got.stale), ("v1", false));
        settle().await;
        assert!(shelf.outage().is_down());
        let asked = calls.load(SeqCst);
        for _ in 0..5 {
            let got = shelf.read(&1, fetch.clone()).await.unwrap();
            assert_eq!((got.value.as_str(), got.stale, got.down), ("v1", true, true));
        }
        // Without a copy there is nothing to serve; the answer comes at once.
        assert!(matches!(shelf.read(&2, fetch.clone()).await, Err(UpstreamError::Unavailable(_))));
        assert_eq!(calls.load(SeqCst), asked, "nobody asked a platform known to be down before the next probe");

        up.store(true, SeqCst);
        tokio::time::sleep(PROBE_FIRST).await;
        let got = shelf.read(&1, fetch.clone()).await.unwrap();
        assert!(got.stale, "the probe runs in the background; this reader does not wait on it");
        settle().await;
        let got = shelf.read(&1, fetch.clone()).await.unwrap();
        assert!(!got.stale && got.value.as_str() != "v1", "the probe's answer ends the outage");
        assert!(!shelf.outage().is_down());
    }

    #[tokio::test]
    async fn a_lasting_copy_is_fresh_for_as_many_ttls_as_it_says() {
        let shelf: Shelf<u32, String> = Shelf::new("list", TTL, 10, Arc::default()).lasting(|_| 4);
        let (_up, calls, fetch) = platform();
        shelf.read(&1, fetch.clone()).await.unwrap();
        tokio::time::sleep(TTL * 2).await;
        let got = shelf.read(&1, fetch.clone()).await.unwrap();
        assert_eq!(
            (got.value.as_str(), got.source, calls.load(SeqCst)),
            ("v1", "cache", 1),
            "two TTLs on: still fresh"
        );
        tokio::time::sleep(TTL * 3).await;
        shelf.read(&1, fetch.clone()).await.unwrap();
        settle().await;
        assert_eq!(calls.load(SeqCst), 2, "past four TTLs it is read again");
    }

    #[tokio::test]
    async fn after_forget_a_read_asks_the_platform_instead_of_serving_the_old_copy() {
        let shelf: Shelf<u32, String> = Shelf::new("page", TTL, 10, Arc::default());
        let (_up, _calls, fetch) = platform();
        assert_eq!(shelf.read(&1, fetch.clone()).await.unwrap().value.as_str(), "v1");
        shelf.forget(&1).await;
        let got = shelf.read(&1, fetch.clone()).await.unwrap();
        assert_eq!((got.value.as_str(), got.stale), ("v2", false));
    }
}
