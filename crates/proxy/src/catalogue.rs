//! The proxy's view of the catalogue: one cache entry per event, kept briefly, so a page
//! full of buyers costs the platform one request per event per TTL. Concurrent misses for
//! the same event share one upstream call (moka's `try_get_with` coalesces them).

use moka::future::Cache;
use std::sync::Arc;
use std::time::Duration;
use tessera_core::{Event, EventId};

use crate::upstream::{EventPage, HangHutClient, UpstreamError};

/// Events per page of the public list.
pub const PAGE_SIZE: u32 = 20;

#[derive(Clone)]
pub struct Catalogue {
    upstream: HangHutClient,
    events: Cache<EventId, Arc<Event>>,
    pages: Cache<u32, Arc<EventPage>>,
}

impl Catalogue {
    pub fn new(upstream: HangHutClient, ttl: Duration) -> Self {
        Catalogue {
            upstream,
            events: Cache::builder().max_capacity(10_000).time_to_live(ttl).build(),
            pages: Cache::builder().max_capacity(1_000).time_to_live(ttl).build(),
        }
    }

    pub fn upstream(&self) -> &HangHutClient {
        &self.upstream
    }

    pub async fn event(&self, id: &EventId) -> Result<Arc<Event>, UpstreamError> {
        self.events
            .try_get_with(id.clone(), async { self.upstream.event(id).await.map(Arc::new) })
            .await
            .map_err(|e| (*e).clone())
    }

    /// Reads the event upstream now (a checkout must see current availability) and keeps
    /// the answer for other buyers.
    pub async fn fresh_event(&self, id: &EventId) -> Result<Arc<Event>, UpstreamError> {
        let event = Arc::new(self.upstream.event(id).await?);
        self.events.insert(id.clone(), event.clone()).await;
        Ok(event)
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
        self.pages.invalidate_all();
    }
}
