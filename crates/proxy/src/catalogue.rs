//! The proxy's view of the catalogue: one cache entry per event, kept briefly, so a page
//! full of buyers costs the platform one request per event per TTL. Concurrent misses for
//! the same event share one upstream call (moka's `try_get_with` coalesces them).
//!
//! Behind the fresh cache is the last good copy of each event. Shortly after the fresh entry
//! expires it is served at once while one refresh runs (stale-while-revalidate); while the
//! platform is down or limiting us it is served marked stale, rather than an error.

use moka::future::Cache;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tessera_core::{Event, EventId};

use crate::upstream::{EventPage, HangHutClient, UpstreamError};

/// Events per page of the public list.
pub const PAGE_SIZE: u32 = 20;

/// How long past its TTL a copy may still be served while it is being refreshed.
const REVALIDATE_WITHIN: Duration = Duration::from_secs(10);

#[derive(Clone)]
pub struct Catalogue {
    upstream: HangHutClient,
    ttl: Duration,
    events: Cache<EventId, Arc<Event>>,
    known: Cache<EventId, Known>,
    pages: Cache<u32, Arc<EventPage>>,
}

#[derive(Clone)]
struct Known {
    event: Arc<Event>,
    fetched: Instant,
    /// Something changed it since (a sale, a webhook): only good as a last resort.
    outdated: bool,
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

impl Catalogue {
    pub fn new(upstream: HangHutClient, ttl: Duration) -> Self {
        Catalogue {
            upstream,
            ttl,
            events: Cache::builder().max_capacity(10_000).time_to_live(ttl).build(),
            known: Cache::builder().max_capacity(10_000).build(),
            pages: Cache::builder().max_capacity(1_000).time_to_live(ttl).build(),
        }
    }

    pub fn upstream(&self) -> &HangHutClient {
        &self.upstream
    }

    pub async fn event(&self, id: &EventId) -> Result<Read, UpstreamError> {
        if let Some(event) = self.events.get(id).await {
            return Ok(Read { event, stale: false, down: false });
        }
        let known = self.known.get(id).await;
        if let Some(k) = &known {
            if !k.outdated && k.fetched.elapsed() < self.ttl + REVALIDATE_WITHIN {
                let (me, id) = (self.clone(), id.clone());
                tokio::spawn(async move {
                    let _ = me.load(&id).await;
                });
                return Ok(Read { event: k.event.clone(), stale: false, down: false });
            }
        }
        match self.load(id).await {
            Ok(event) => Ok(Read { event, stale: false, down: false }),
            Err(e @ (UpstreamError::Unavailable(_) | UpstreamError::RateLimited(_))) => match known {
                Some(k) => {
                    // Per request, so quiet when it is only our own budget at work.
                    match e {
                        UpstreamError::Unavailable(_) => {
                            tracing::warn!(event = %id, error = %e, "serving the last known copy")
                        }
                        _ => tracing::debug!(event = %id, error = %e, "serving the last known copy"),
                    }
                    let down = matches!(e, UpstreamError::Unavailable(_));
                    Ok(Read { event: k.event, stale: true, down })
                }
                None => Err(e),
            },
            Err(e) => Err(e),
        }
    }

    /// One upstream read, shared by everyone asking for the same event meanwhile.
    async fn load(&self, id: &EventId) -> Result<Arc<Event>, UpstreamError> {
        self.events
            .try_get_with(id.clone(), async {
                let event = Arc::new(self.upstream.event(id).await?);
                self.remember(id, &event).await;
                Ok(event)
            })
            .await
            .map_err(|e: Arc<UpstreamError>| (*e).clone())
    }

    async fn remember(&self, id: &EventId, event: &Arc<Event>) {
        self.known.insert(id.clone(), Known { event: event.clone(), fetched: Instant::now(), outdated: false }).await;
    }

    pub async fn page(&self, page: u32) -> Result<Arc<EventPage>, UpstreamError> {
        self.pages
            .try_get_with(page, async { self.upstream.events(page, PAGE_SIZE).await.map(Arc::new) })
            .await
            .map_err(|e| (*e).clone())
    }

    /// Drops what we know of an event after something changed it (a sale, a webhook).
    pub async fn forget(&self, id: &EventId) {
        self.events.invalidate(id).await;
        if let Some(mut k) = self.known.get(id).await {
            k.outdated = true;
            self.known.insert(id.clone(), k).await;
        }
        self.pages.invalidate_all();
    }
}
