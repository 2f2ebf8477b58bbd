//! The proxy's view of the catalogue: one cache entry per event, kept briefly, so a page
//! full of buyers costs the platform one request per event per TTL. Concurrent misses for
//! the same event share one upstream call (moka's `try_get_with` coalesces them).
//!
//! Behind the fresh cache is the last good copy of each event. Shortly after the fresh entry
//! expires it is served at once while one refresh runs (stale-while-revalidate); while the
//! platform is down or limiting us it is served marked stale, rather than an error.
//!
//! While the platform is not answering (timeouts, resets, 5xx), reads do not wait on it: they
//! serve the last copy marked stale at once, and one read in the background asks again after
//! a pause that doubles with each failure in a row (`Outage`), so an outage costs the platform
//! a call every few seconds rather than one per viewer, and the first answer ends it.

use moka::future::Cache;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tessera_core::{Event, EventId};

use crate::upstream::{EventPage, HangHutClient, UpstreamError};

/// Events per page of the public list.
pub const PAGE_SIZE: u32 = 20;

/// How long past its TTL a copy may still be served while it is being refreshed.
const REVALIDATE_WITHIN: Duration = Duration::from_secs(10);
/// The first pause after the platform failed to answer, and the longest it grows to.
const PROBE_FIRST: Duration = Duration::from_millis(500);
const PROBE_MAX: Duration = Duration::from_secs(8);

#[derive(Clone)]
pub struct Catalogue {
    upstream: HangHutClient,
    ttl: Duration,
    events: Cache<EventId, Arc<Event>>,
    known: Cache<EventId, Known>,
    pages: Cache<u32, Arc<EventPage>>,
    outage: Arc<Mutex<Outage>>,
}

#[derive(Clone)]
struct Known {
    event: Arc<Event>,
    fetched: Instant,
    /// Something changed it since (a sale, a webhook), or a refresh failed: only good as a
    /// last resort, served marked stale.
    outdated: bool,
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

    fn failed(&mut self, now: Instant) {
        self.failures = self.failures.saturating_add(1);
        self.next_probe = Some(now + self.pause());
    }

    fn answered(&mut self) {
        *self = Outage::default();
    }
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
            outage: Arc::default(),
        }
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

    pub fn upstream(&self) -> &HangHutClient {
        &self.upstream
    }

    pub async fn event(&self, id: &EventId) -> Result<Read, UpstreamError> {
        if let Some(event) = self.events.get(id).await {
            return Ok(Read { event, stale: false, down: false });
        }
        let known = self.known.get(id).await;
        let (down, probe) = {
            let mut outage = self.outage();
            (outage.is_down(), outage.is_down() && outage.take_probe(Instant::now()))
        };
        if down {
            // The platform is not answering: nobody waits on it. With a copy, serve it now and
            // let the probe (if it is due) run in the background.
            if let Some(k) = known {
                if probe {
                    self.refresh_in_background(id);
                }
                return Ok(Read { event: k.event, stale: true, down: true });
            }
            if !probe {
                return Err(UpstreamError::Unavailable("the platform is not answering; asking again shortly".into()));
            }
        } else if let Some(k) = &known {
            if !k.outdated && k.fetched.elapsed() < self.ttl + REVALIDATE_WITHIN {
                self.refresh_in_background(id);
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

    fn refresh_in_background(&self, id: &EventId) {
        let (me, id) = (self.clone(), id.clone());
        tokio::spawn(async move {
            let _ = me.load(&id).await;
        });
    }

    /// One upstream read, shared by everyone asking for the same event meanwhile. A failed
    /// read leaves the copy we had marked outdated: it is served stale from then on.
    async fn load(&self, id: &EventId) -> Result<Arc<Event>, UpstreamError> {
        self.events
            .try_get_with(id.clone(), async {
                let result = self.upstream.event(id).await;
                self.note(&result);
                match result {
                    Ok(event) => {
                        let event = Arc::new(event);
                        self.remember(id, &event).await;
                        Ok(event)
                    }
                    Err(e) => {
                        if matches!(e, UpstreamError::Unavailable(_) | UpstreamError::RateLimited(_)) {
                            self.distrust(id).await;
                        }
                        Err(e)
                    }
                }
            })
            .await
            .map_err(|e: Arc<UpstreamError>| (*e).clone())
    }

    async fn remember(&self, id: &EventId, event: &Arc<Event>) {
        self.known.insert(id.clone(), Known { event: event.clone(), fetched: Instant::now(), outdated: false }).await;
    }

    pub async fn page(&self, page: u32) -> Result<Arc<EventPage>, UpstreamError> {
        if let Some(cached) = self.pages.get(&page).await {
            return Ok(cached);
        }
        {
            let mut outage = self.outage();
            if outage.is_down() && !outage.take_probe(Instant::now()) {
                return Err(UpstreamError::Unavailable("the platform is not answering; asking again shortly".into()));
            }
        }
        self.pages
            .try_get_with(page, async {
                let result = self.upstream.events(page, PAGE_SIZE).await;
                self.note(&result);
                result.map(Arc::new)
            })
            .await
            .map_err(|e| (*e).clone())
    }

    /// Drops what we know of an event after something changed it (a sale, a webhook).
    pub async fn forget(&self, id: &EventId) {
        self.events.invalidate(id).await;
        self.distrust(id).await;
        self.pages.invalidate_all();
    }

    /// Keeps the copy of an event only as a last resort.
    async fn distrust(&self, id: &EventId) {
        if let Some(mut k) = self.known.get(id).await {
            k.outdated = true;
            self.known.insert(id.clone(), k).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
