//! The webhook inbox. A verified delivery is written to SQLite before the platform gets its
//! 2xx; applying it is a step of its own that marks the row applied. A proxy that stops
//! between the two (a crash, a kill, a deploy) applies what it left at its next start
//! (`replay_unapplied`), and a platform's retry of a delivery already applied changes nothing.
//!
//! Applying a delivery: its durable effects (a promo code's use, counted once per paid order;
//! the feed's events, sales and resales) commit with the applied mark; then the cached copy
//! of each event it touched is dropped and viewers get the new counts. That second part is
//! repeatable, so doing it again is harmless.
//!
//! With Redis, a delivery is claimed there before it is recorded, so a platform's retry that
//! reaches another proxy is a duplicate there too; and it is passed to the other proxies
//! (`peer_deliveries`), which record and apply it in their own inboxes.

use std::collections::HashMap;
use std::sync::Arc;
use tessera_core::EventId;

use crate::claims::{Claims, DeliveryClaim};
use crate::error::ApiError;
use crate::live::LiveHub;
use crate::peer_deliveries::PeerDeliveries;
use crate::providers::{Delivery, Platform};
use crate::store::{InboxEntry, Recorded, Store, StoreError};

/// What the platform is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Receipt {
    /// The inbox had this delivery already.
    pub duplicate: bool,
}

#[derive(Clone)]
pub struct Inbox {
    store: Store,
    live: LiveHub,
    hold_before_apply: bool,
    /// Tixel event id → the tessera events its resales are shown on (configuration).
    resale_events: Arc<HashMap<String, Vec<EventId>>>,
    /// The other proxies, with Redis.
    peers: Option<(Claims, PeerDeliveries)>,
}

impl Inbox {
    /// `hold_before_apply` is a test hook (`TESSERA_TEST_HOLD_WEBHOOK_APPLY`): deliveries are
    /// written to the inbox and then never applied nor answered, so a test can kill the
    /// process between the two steps. Never set it in production.
    pub fn new(
        store: Store,
        live: LiveHub,
        hold_before_apply: bool,
        resale_events: HashMap<String, Vec<EventId>>,
    ) -> Self {
        Inbox { store, live, hold_before_apply, resale_events: Arc::new(resale_events), peers: None }
    }

    /// Shares deliveries with the other proxies.
    pub fn with_peers(mut self, claims: Claims, deliveries: PeerDeliveries) -> Self {
        self.peers = Some((claims, deliveries));
        self
    }

    /// Records and applies the other proxies' deliveries until the returned task is aborted.
    pub fn follow_peers(&self) -> Option<tokio::task::JoinHandle<()>> {
        let (_, deliveries) = self.peers.as_ref()?;
        let inbox = self.clone();
        Some(deliveries.follow(move |entry| {
            let inbox = inbox.clone();
            async move {
                if let Err(e) = inbox.take_from_peer(&entry).await {
                    tracing::warn!(delivery = %entry.delivery_id, error = %e, "could not apply another proxy's delivery");
                }
            }
        }))
    }

    /// Another proxy took this delivery: recorded here and applied (once), and this proxy's
    /// viewers told. The other proxy already dropped the shared copies and published.
    async fn take_from_peer(&self, entry: &InboxEntry) -> Result<(), StoreError> {
        if self.store.record_delivery(entry).await? == Recorded::Applied {
            return Ok(());
        }
        let Some(touched) = self.store.apply_delivery(entry.platform, &entry.delivery_id).await? else {
            return Ok(());
        };
        for event in touched {
            for id in self.shown_as(entry.platform, &event) {
                self.live.changed_elsewhere(&id).await;
            }
        }
        Ok(())
    }

    /// Writes the delivery to the inbox, then applies it (unless it was applied before).
    /// When this returns `Ok` the delivery is durable and applied: the caller may answer 2xx.
    pub async fn receive(&self, platform: Platform, delivery: Delivery) -> Result<Receipt, ApiError> {
        let entry = InboxEntry { platform, delivery_id: delivery.id, kind: delivery.kind, changes: delivery.changes };
        let claim = match &self.peers {
            Some((claims, _)) => claims.claim_delivery(platform, &entry.delivery_id).await,
            None => DeliveryClaim::Alone,
        };
        match claim {
            DeliveryClaim::Duplicate => {
                tracing::info!(delivery = %entry.delivery_id, kind = %entry.kind, "webhook already taken by another proxy");
                return Ok(Receipt { duplicate: true });
            }
            DeliveryClaim::InFlight => {
                return Err(ApiError::InProgress("This delivery is being received by another proxy; retry shortly"))
            }
            DeliveryClaim::Mine | DeliveryClaim::Alone => {}
        }
        let recorded = match self.store.record_delivery(&entry).await {
            Ok(recorded) => recorded,
            Err(e) => {
                if let (DeliveryClaim::Mine, Some((claims, _))) = (claim, &self.peers) {
                    claims.release_delivery(platform, &entry.delivery_id).await;
                }
                return Err(e.into());
            }
        };
        if let (DeliveryClaim::Mine, Some((claims, _))) = (claim, &self.peers) {
            claims.recorded_delivery(platform, &entry.delivery_id).await;
        }
        tracing::info!(delivery = %entry.delivery_id, kind = %entry.kind, ?recorded, "webhook stored in the inbox");
        if self.hold_before_apply {
            tracing::warn!(delivery = %entry.delivery_id, "test hook: holding the delivery unapplied");
            std::future::pending::<()>().await;
        }
        if recorded != Recorded::Applied {
            self.apply(&entry).await?;
        }
        if let (Recorded::New, Some((_, deliveries))) = (recorded, &self.peers) {
            deliveries.announce(&entry).await;
        }
        Ok(Receipt { duplicate: recorded != Recorded::New })
    }

    /// Applies one delivery from the inbox; `false` when it had been applied already.
    pub async fn apply(&self, entry: &InboxEntry) -> Result<bool, StoreError> {
        let Some(touched) = self.store.apply_delivery(entry.platform, &entry.delivery_id).await? else {
            return Ok(false);
        };
        for event in touched {
            for id in self.shown_as(entry.platform, &event) {
                self.live.changed(&id).await;
            }
        }
        Ok(true)
    }

    /// The tessera events a platform's event appears as: itself (HangHut's ids are tessera's,
    /// the others carry their platform's prefix), or for a resale marketplace the events it
    /// is configured to report on.
    fn shown_as(&self, platform: Platform, event: &str) -> Vec<EventId> {
        match platform {
            Platform::HangHut => EventId::parse(event).into_iter().collect(),
            Platform::Tixel => self.resale_events.get(event).cloned().unwrap_or_default(),
            p => EventId::parse(&format!("{}:{event}", p.name())).into_iter().collect(),
        }
    }

    /// At start-up: applies every delivery a previous run wrote but did not apply. Returns how
    /// many were applied.
    pub async fn replay_unapplied(&self) -> Result<usize, StoreError> {
        let pending = self.store.unapplied_deliveries().await?;
        let mut applied = 0;
        for entry in &pending {
            if self.apply(entry).await? {
                applied += 1;
                // It may have stopped before telling the others.
                if let Some((_, deliveries)) = &self.peers {
                    deliveries.announce(entry).await;
                }
            }
        }
        if applied > 0 {
            tracing::info!(applied, "replayed webhook deliveries a previous run left unapplied");
        }
        Ok(applied)
    }
}
