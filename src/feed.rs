//! An event's availability as one widget follows it: its reads applied to the order, its live
//! stream, and the reads after the first. Both tasks belong to the component that starts the
//! feed, so they end when it is unmounted.

use futures_channel::{mpsc, oneshot};
use futures_util::future::{select, Either};
use futures_util::StreamExt;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped_with_cancellation;
use tessera_core::{EventRead, Snapshot};

use crate::api;
use crate::context::Shop;
use crate::host_events;
use crate::live;
use crate::order::Order;
use crate::updates;

/// What live updates have told this event's viewer.
#[derive(Clone, Copy)]
pub struct LiveState {
    /// The last polite announcement for screen readers.
    pub heard: RwSignal<String>,
    /// The last change to the buyer's own choice, shown beside the tiers.
    pub note: RwSignal<String>,
    /// The proxy could not reach the platform and served its last copy.
    pub stale: RwSignal<bool>,
}

impl LiveState {
    pub fn new() -> Self {
        LiveState {
            heard: RwSignal::new(String::new()),
            note: RwSignal::new(String::new()),
            stale: RwSignal::new(false),
        }
    }
}

impl Default for LiveState {
    fn default() -> Self {
        Self::new()
    }
}

#[derive(Clone, Copy)]
pub struct EventFeed {
    shop: StoredValue<Shop>,
    id: StoredValue<String>,
    order: Order,
    live: LiveState,
    /// Set while the buyer's own checkout is being opened: the seats it holds come back as a
    /// live update, which must not change the order being placed.
    pub holding: RwSignal<bool>,
    /// The tier to choose when the event arrives (the one a cancelled checkout was for).
    preferred: StoredValue<Option<String>>,
    /// Starts the stream, at the first read that finds the event on sale.
    start: StoredValue<Option<oneshot::Sender<()>>>,
    /// Asks for a read now (after a checkout found the seats gone).
    read_now: StoredValue<mpsc::UnboundedSender<()>>,
}

impl EventFeed {
    /// Starts following `id` for `order`, under the current owner.
    pub fn start(shop: Shop, id: String, order: Order, live: LiveState, preferred: Option<String>) -> Self {
        let (start, started) = oneshot::channel();
        let (read_now, asked) = mpsc::unbounded();
        let feed = EventFeed {
            shop: StoredValue::new(shop),
            id: StoredValue::new(id),
            order,
            live,
            holding: RwSignal::new(false),
            preferred: StoredValue::new(preferred),
            start: StoredValue::new(Some(start)),
            read_now: StoredValue::new(read_now),
        };
        // Only in the browser: a first view rendered by the proxy follows nothing.
        if cfg!(target_family = "wasm") {
            spawn_local_scoped_with_cancellation(async move {
                if started.await.is_ok() {
                    let proxy = feed.shop.with_value(|s| s.proxy.clone());
                    live::follow(proxy, feed.id.get_value(), move |s| feed.apply(&s)).await;
                }
            });
            spawn_local_scoped_with_cancellation(feed.read_again(asked));
        }
        feed
    }

    /// An answer of `GET /api/v1/events/{id}`, the first or a later one.
    pub fn receive(&self, r: EventRead) {
        let (order, live) = (self.order, self.live);
        let was_stale = live.stale.get_untracked();
        live.stale.set(r.stale);
        // Asked again while stale, the proxy has the same last copy: nothing to redraw under a
        // buyer who is filling in the form.
        if !(r.stale && was_stale) {
            order.event.set(Some(r.event.clone()));
        }
        order.settle_selection(self.preferred.get_value().as_deref());
        if r.event.on_sale() {
            if let Some(start) = self.start.try_update_value(Option::take).flatten() {
                let _ = start.send(());
                let ready = host_events::Ready { event_id: r.event.id.as_str(), title: &r.event.title };
                self.shop.with_value(|shop| {
                    shop.emit("ready", &ready);
                    shop.ecommerce("view_item", || {
                        let lowest = r.event.tiers.iter().map(|t| t.price).min_by_key(|p| p.amount);
                        crate::data_layer::Ecommerce {
                            currency: lowest.map(|p| p.currency.code()),
                            value: lowest.map(crate::data_layer::major),
                            ..crate::data_layer::Ecommerce::items(
                                r.event
                                    .tiers
                                    .iter()
                                    .map(|t| crate::data_layer::Item::tier(&r.event.title, t, 1))
                                    .collect(),
                            )
                        }
                    });
                });
            }
        }
    }

    /// Reads the event again now, without drawing the form again.
    pub fn read_now(&self) {
        self.read_now.with_value(|tx| {
            let _ = tx.unbounded_send(());
        });
    }

    /// Reads after the first: every few seconds while the proxy serves its last copy (until a
    /// fresh answer or a live update clears `stale`), and whenever asked.
    async fn read_again(self, mut asked: mpsc::UnboundedReceiver<()>) {
        loop {
            let wait = Box::pin(gloo_timers::future::sleep(live::POLL_EVERY));
            let now = match select(wait, asked.next()).await {
                Either::Left(_) => false,
                Either::Right((Some(()), _)) => true,
                Either::Right((None, _)) => return,
            };
            if now || self.live.stale.get_untracked() {
                let (proxy, id) = (self.shop.with_value(|s| s.proxy.clone()), self.id.get_value());
                if let Ok(r) = api::event(&proxy, &id).await {
                    self.receive(r);
                }
            }
        }
    }

    /// A live update: applied to the order, and told.
    fn apply(&self, snapshot: &Snapshot) {
        let (order, live) = (self.order, self.live);
        // The proxy says whether these are fresh counts or its last copy during an outage.
        if live.stale.get_untracked() != snapshot.stale {
            live.stale.set(snapshot.stale);
        }
        let Some(mut event) = order.event.get_untracked() else { return };
        let chosen = order.tier.get_untracked();
        let t = self.shop.with_value(|s| s.t);
        let quantity = order.quantity.get_untracked();
        let told = updates::apply(t, &mut event, snapshot, chosen.as_ref(), quantity, self.holding.get_untracked());
        let Some(told) = told else { return };
        order.event.set(Some(event));
        if told.unchoose {
            order.tier.set(None);
        }
        if let Some(n) = told.lower_to {
            order.quantity.set(n);
        }
        if !told.said.is_empty() {
            live.heard.set(told.said);
        }
        if !told.shown.is_empty() {
            live.note.set(told.shown);
        }
    }
}
