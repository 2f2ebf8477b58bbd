//! Live availability: one broadcast feed per event that any number of SSE viewers share.
//! A webhook (or any read that finds new counts) publishes a full snapshot with the next
//! version; viewers that missed some catch up with the next one, since each is complete.
//!
//! With Redis (`live_bus`), versions are given by Redis and every proxy's viewers get every
//! proxy's changes; without it, or while it is down, each proxy numbers its own.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tessera_core::{EventId, Snapshot};
use tokio::sync::{broadcast, watch};

use crate::catalogue::Catalogue;
use crate::live_bus::{LiveBus, Message, Stamp};
use crate::upstream::UpstreamError;

/// A snapshot with its place in the feed. `id` is `{boot}-{version}` so an id from before a
/// proxy restart never matches one after it; a version Redis gave is `{epoch}-{version}`,
/// the same at every proxy.
#[derive(Clone, Debug, PartialEq)]
pub struct Versioned {
    pub id: String,
    pub version: u64,
    pub snapshot: Snapshot,
}

struct Feed {
    tx: broadcast::Sender<Arc<Versioned>>,
    last: Option<Arc<Versioned>>,
    version: u64,
}

/// Told of every state of an event as it is published (the waiting list, watching for seats
/// that come back). Called inline: it must only look and hand work off.
pub type Observer = Arc<dyn Fn(&EventId, &Snapshot) + Send + Sync>;

#[derive(Clone)]
pub struct LiveHub {
    catalogue: Catalogue,
    boot: String,
    feeds: Arc<Mutex<HashMap<EventId, Feed>>>,
    /// Set once the server is shutting down: every stream says goodbye and ends.
    closing: Arc<watch::Sender<bool>>,
    /// The other proxies, when there are (Redis).
    bus: Option<LiveBus>,
    observer: Option<Observer>,
}

/// Updates a slow viewer may fall behind by before it skips to the newest.
const BACKLOG: usize = 16;

impl LiveHub {
    pub fn new(catalogue: Catalogue) -> Self {
        let boot = format!("{:x}", chrono::Utc::now().timestamp_millis());
        let closing = Arc::new(watch::Sender::new(false));
        LiveHub { catalogue, boot, feeds: Arc::new(Mutex::new(HashMap::new())), closing, bus: None, observer: None }
    }

    /// Shows every published state to `observer` too. Set before the hub is cloned.
    pub fn with_observer(mut self, observer: Observer) -> Self {
        self.observer = Some(observer);
        self
    }

    /// Shares changes with the other proxies on `bus`.
    pub fn with_bus(mut self, bus: LiveBus) -> Self {
        self.bus = Some(bus);
        self
    }

    /// Listens to the other proxies until the returned task is aborted (none without a bus).
    pub fn listen(&self) -> Option<tokio::task::JoinHandle<()>> {
        let bus = self.bus.as_ref()?;
        let (receiving, resyncing) = (self.clone(), self.clone());
        Some(bus.listen(
            move |m| {
                let hub = receiving.clone();
                async move { hub.receive(m).await }
            },
            move || {
                let hub = resyncing.clone();
                async move { hub.resync().await }
            },
        ))
    }

    /// A state published through Redis (by this proxy or another): shown when newer than
    /// what this proxy's viewers have. This proxy's own copy of the event is dropped, so
    /// the next read here fetches what the publisher read rather than an older copy.
    async fn receive(&self, m: Message) {
        let event = m.event.clone();
        if let Some(accepted) = self.accept(&event, &m.stamp, m.snapshot) {
            if let Some(observer) = &self.observer {
                observer(&event, &accepted.snapshot);
            }
            self.catalogue.forget_here(&event).await;
        }
    }

    /// After a time cut off from the other proxies: every watched event is read again and
    /// published, at a version above any this proxy gave alone meanwhile.
    async fn resync(&self) {
        tracing::info!("live: listening to the other proxies again; reading watched events afresh");
        for id in self.watched() {
            self.catalogue.forget_here(&id).await;
            if let Err(e) = self.reload(&id).await {
                tracing::debug!(event = %id, error = %e, "live: could not read a watched event again");
            }
        }
    }

    fn watched(&self) -> Vec<EventId> {
        let feeds = self.feeds.lock().expect("live feeds lock");
        feeds.iter().filter(|(_, f)| f.tx.receiver_count() > 0).map(|(id, _)| id.clone()).collect()
    }

    /// Takes a state Redis numbered, when it is newer than this feed's; returns it then.
    fn accept(&self, id: &EventId, stamp: &Stamp, snapshot: Snapshot) -> Option<Arc<Versioned>> {
        self.with_feed(id, |feed| {
            if stamp.version <= feed.version {
                return None;
            }
            feed.version = stamp.version;
            let versioned = Arc::new(Versioned {
                id: format!("{}-{}", stamp.epoch, stamp.version),
                version: stamp.version,
                snapshot,
            });
            feed.last = Some(versioned.clone());
            let _ = feed.tx.send(versioned.clone());
            Some(versioned)
        })
    }

    fn current(&self, id: &EventId) -> Option<Arc<Versioned>> {
        self.with_feed(id, |feed| feed.last.clone())
    }

    /// The server is shutting down: every open stream (and any opened from now on) ends,
    /// after telling its viewer to reconnect.
    pub fn close_streams(&self) {
        self.closing.send_replace(true);
    }

    /// Resolves once `close_streams` has been called.
    pub fn closed(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut rx = self.closing.subscribe();
        async move {
            // An error means the hub itself is gone, which also ends its streams.
            let _ = rx.wait_for(|closing| *closing).await;
        }
    }

    fn with_feed<T>(&self, id: &EventId, f: impl FnOnce(&mut Feed) -> T) -> T {
        let mut feeds = self.feeds.lock().expect("live feeds lock");
        let feed = feeds.entry(id.clone()).or_insert_with(|| Feed {
            tx: broadcast::channel(BACKLOG).0,
            last: None,
            version: 0,
        });
        f(feed)
    }

    /// Records `snapshot` as the event's newest state; sends it to viewers (every proxy's,
    /// with Redis) when it differs from the last one. Returns the current versioned state.
    pub async fn publish(&self, id: &EventId, snapshot: Snapshot) -> Arc<Versioned> {
        if let Some(observer) = &self.observer {
            observer(id, &snapshot);
        }
        if let Some(bus) = &self.bus {
            let floor = self.with_feed(id, |feed| feed.version);
            match bus.publish(id, &snapshot, floor).await {
                Ok(stamp) => {
                    // Redis's answer, or newer already (its message came first, or another's).
                    return match self.accept(id, &stamp, snapshot.clone()) {
                        Some(v) => v,
                        None => self
                            .current(id)
                            .filter(|c| c.snapshot == snapshot || c.version > stamp.version)
                            .unwrap_or_else(|| self.publish_here(id, snapshot)),
                    };
                }
                Err(e) => {
                    tracing::debug!(event = %id, error = ?e.kind(), "live: redis unavailable; this proxy's viewers only")
                }
            }
        }
        self.publish_here(id, snapshot)
    }

    /// Publishes to this proxy's viewers alone, numbered here.
    fn publish_here(&self, id: &EventId, snapshot: Snapshot) -> Arc<Versioned> {
        self.with_feed(id, |feed| {
            if let Some(last) = &feed.last {
                if last.snapshot == snapshot {
                    return last.clone();
                }
            }
            feed.version += 1;
            let versioned =
                Arc::new(Versioned { id: format!("{}-{}", self.boot, feed.version), version: feed.version, snapshot });
            feed.last = Some(versioned.clone());
            // No viewers is not an error: the state is kept for the next one.
            let _ = feed.tx.send(versioned.clone());
            versioned
        })
    }

    /// The event's state now (through the catalogue cache) and a receiver for what follows.
    pub async fn subscribe(
        &self,
        id: &EventId,
    ) -> Result<(Arc<Versioned>, broadcast::Receiver<Arc<Versioned>>), UpstreamError> {
        // Subscribe first so nothing published between the read and the subscription is lost.
        let rx = self.with_feed(id, |feed| feed.tx.subscribe());
        let read = self.catalogue.event(id).await?;
        Ok((self.publish(id, Snapshot::of(&read.event)).await, rx))
    }

    /// Something changed upstream and the catalogue has forgotten the event: read it again
    /// (concurrent calls share one read) and publish what it says.
    pub async fn reload(&self, id: &EventId) -> Result<(), UpstreamError> {
        let read = self.catalogue.event(id).await?;
        if !read.stale {
            self.publish(id, Snapshot::of(&read.event)).await;
        }
        Ok(())
    }

    /// Tells the viewers of every watched event whether what they see is stale: when the
    /// event's platform stops answering, the last snapshot again marked stale; when it answers
    /// again, a fresh read. Costs the platform nothing while it answers and nothing changes.
    pub async fn mark_outages(&self) {
        let watched: Vec<(EventId, Arc<Versioned>)> = {
            let feeds = self.feeds.lock().expect("live feeds lock");
            feeds
                .iter()
                .filter(|(_, f)| f.tx.receiver_count() > 0)
                .filter_map(|(id, f)| f.last.clone().map(|last| (id.clone(), last)))
                .collect()
        };
        for (id, last) in watched {
            if self.catalogue.is_down(&id) {
                // Answered from the last copy at once; asks the platform again in the background
                // when the outage's next probe is due, so viewers alone bring the recovery.
                let _ = self.catalogue.event(&id).await;
            }
            match (self.catalogue.is_down(&id), last.snapshot.stale) {
                (true, false) => {
                    self.publish(&id, Snapshot { stale: true, ..last.snapshot.clone() }).await;
                }
                (false, true) => {
                    if let Err(e) = self.reload(&id).await {
                        tracing::debug!(event = %id, error = %e, "still no fresh copy after the outage");
                    }
                }
                _ => {}
            }
        }
    }

    /// Runs `mark_outages` every `every` until the server shuts down.
    pub fn watch_outages(&self, every: std::time::Duration) {
        let (hub, closed) = (self.clone(), self.closed());
        tokio::spawn(async move {
            let watch = async {
                let mut tick = tokio::time::interval(every);
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    tick.tick().await;
                    hub.mark_outages().await;
                }
            };
            tokio::select! { () = watch => {}, () = closed => {} }
        });
    }

    /// The event changed upstream (a sale, a hold, a webhook): the cached copy is dropped now,
    /// so the next read is fresh, and viewers get the new counts from one read in the
    /// background, so handlers can answer first.
    pub async fn changed(&self, id: &EventId) {
        self.catalogue.forget(id).await;
        let (hub, id) = (self.clone(), id.clone());
        tokio::spawn(async move {
            if let Err(e) = hub.reload(&id).await {
                tracing::warn!(event = %id, error = %e, "could not refresh live availability");
            }
        });
    }

    /// Another proxy learned of a change and published it: only this proxy's own copy is
    /// dropped, and read again (from the shared copy) when someone here is watching.
    pub async fn changed_elsewhere(&self, id: &EventId) {
        self.catalogue.forget_here(id).await;
        if self.watched().contains(id) {
            let (hub, id) = (self.clone(), id.clone());
            tokio::spawn(async move {
                if let Err(e) = hub.reload(&id).await {
                    tracing::debug!(event = %id, error = %e, "could not refresh live availability");
                }
            });
        }
    }

    pub fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tessera_core::{EventStatus, TierCount, TierId};

    fn snapshot(available: u32) -> Snapshot {
        Snapshot {
            status: EventStatus::Active,
            tiers: vec![TierCount { id: TierId::parse("ga").unwrap(), available }],
            stale: false,
        }
    }

    fn hub() -> LiveHub {
        let client = crate::upstream::HangHutClient::new(
            &"http://127.0.0.1:1/v1".parse().unwrap(),
            "hh_live_unused".to_owned().into(),
            tessera_core::Currency::PHP,
            std::time::Duration::from_millis(100),
            crate::upstream::Budget::per_minute(60),
        );
        LiveHub::new(Catalogue::new(client, std::time::Duration::from_secs(1)))
    }

    #[tokio::test]
    async fn only_changes_are_sent_and_versions_grow() {
        let hub = hub();
        let id = EventId::parse("ev").unwrap();
        let mut rx = hub.with_feed(&id, |f| f.tx.subscribe());
        let first = hub.publish(&id, snapshot(5)).await;
        let same = hub.publish(&id, snapshot(5)).await;
        assert_eq!(first, same, "an unchanged state is not a new version");
        let second = hub.publish(&id, snapshot(4)).await;
        assert_ne!(first.id, second.id);
        assert_eq!(rx.recv().await.unwrap().snapshot, snapshot(5));
        assert_eq!(rx.recv().await.unwrap().snapshot, snapshot(4));
        assert!(rx.try_recv().is_err(), "the repeat was not sent");
    }

    #[tokio::test]
    async fn the_observer_sees_every_published_state() {
        let seen: Arc<Mutex<Vec<u32>>> = Arc::default();
        let kept = seen.clone();
        let hub = hub().with_observer(Arc::new(move |_: &EventId, s: &Snapshot| {
            kept.lock().unwrap().push(s.tiers[0].available);
        }));
        let id = EventId::parse("ev").unwrap();
        hub.publish(&id, snapshot(0)).await;
        hub.publish(&id, snapshot(2)).await;
        assert_eq!(*seen.lock().unwrap(), [0, 2], "a tier sold out, then seats back: the waiting list hears both");
    }
}
