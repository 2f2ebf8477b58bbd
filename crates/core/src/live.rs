//! What a live availability update carries: every tier's count at one moment, so a widget
//! that missed updates is whole again after the next one. The proxy builds snapshots from
//! the platform's data; the widget applies them to the event it shows.

use serde::{Deserialize, Serialize};

use crate::event::{Event, EventStatus, TierId};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TierCount {
    pub id: TierId,
    pub available: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Snapshot {
    pub status: EventStatus,
    pub tiers: Vec<TierCount>,
    /// The platform stopped answering: these are the last counts the proxy had. Cleared by
    /// the next snapshot from a fresh read.
    #[serde(default, skip_serializing_if = "is_false")]
    pub stale: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One tier whose count a snapshot changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TierChange {
    pub id: TierId,
    pub name: String,
    pub before: u32,
    pub after: u32,
}

impl Snapshot {
    pub fn of(event: &Event) -> Self {
        Snapshot {
            stale: false,
            status: event.status,
            tiers: event.tiers.iter().map(|t| TierCount { id: t.id.clone(), available: t.available }).collect(),
        }
    }

    /// Writes the counts into `event`; the tiers that changed. Tiers the snapshot does not
    /// name keep their count (a tier added later appears on the next full read).
    pub fn apply_to(&self, event: &mut Event) -> Vec<TierChange> {
        event.status = self.status;
        let mut changes = Vec::new();
        for count in &self.tiers {
            if let Some(tier) = event.tiers.iter_mut().find(|t| t.id == count.id) {
                if tier.available != count.available {
                    changes.push(TierChange {
                        id: tier.id.clone(),
                        name: tier.name.clone(),
                        before: tier.available,
                        after: count.available,
                    });
                    tier.available = count.available;
                }
            }
        }
        changes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Tier;
    use crate::money::{Currency, Money};

    fn event() -> Event {
        let tier = |id: &str, available| {
            Tier::new(TierId::parse(id).unwrap(), id.to_uppercase(), Money::new(100_000, Currency::PHP), available)
        };
        Event {
            id: crate::EventId::parse("ev").unwrap(),
            title: "Jazz".into(),
            status: EventStatus::Active,
            start_datetime: "2026-12-01T20:00:00+08:00".into(),
            venue_name: None,
            description: None,
            currency: Currency::PHP,
            tiers: vec![tier("ga", 160), tier("vip", 3)],
            sold_elsewhere: None,
            resale: None,
        }
    }

    #[test]
    fn applying_a_snapshot_reports_only_what_changed() {
        let mut shown = event();
        let mut now = event();
        now.tiers[1].available = 0;
        let changes = Snapshot::of(&now).apply_to(&mut shown);
        assert_eq!(changes.len(), 1);
        assert_eq!((changes[0].name.as_str(), changes[0].before, changes[0].after), ("VIP", 3, 0));
        assert_eq!(shown, now);
        assert!(Snapshot::of(&now).apply_to(&mut shown).is_empty(), "the same snapshot twice changes nothing");
    }
}
