//! What a live availability update means for the buyer's order, and what is said about it:
//! every change is told politely to screen readers, and a change to the buyer's own choice is
//! also shown beside the tiers.

use tessera_core::{Event, EventStatus, Quantity, Snapshot, TierId};

use crate::text::{fill, Texts};

/// What to do with the order after an update.
#[derive(Debug, Default, PartialEq)]
pub struct Told {
    /// For screen readers: every change, in one polite announcement.
    pub said: String,
    /// Beside the tiers: only what concerns the buyer's own choice (empty: nothing new).
    pub shown: String,
    /// The buyer's tier can no longer be bought: their choice is cleared.
    pub unchoose: bool,
    /// The buyer's tier has fewer seats than they asked for: their quantity is lowered to this.
    pub lower_to: Option<u32>,
}

/// Applies `snapshot` to `event` and says what changed. `chosen` and `quantity` are the buyer's
/// order; `holding` is true while their own checkout is being opened, when the seats it holds
/// come back as an update that must not change the order being placed. `None`: nothing
/// changed that anyone needs to hear.
pub fn apply(
    t: &Texts,
    event: &mut Event,
    snapshot: &Snapshot,
    chosen: Option<&TierId>,
    quantity: u32,
    holding: bool,
) -> Option<Told> {
    let was = event.status;
    let changes = snapshot.apply_to(event);
    if changes.is_empty() && event.status == was {
        return None;
    }
    let mut told = Told::default();
    if event.status != was && event.status != EventStatus::Active {
        // The view switches to the reason; screen readers hear it too.
        told.said = if event.status == EventStatus::Cancelled { t.event_cancelled() } else { t.not_on_sale() }.into();
        return Some(told);
    }
    if holding {
        return Some(told);
    }
    for change in changes {
        let tier = event.tier(&change.id);
        // Whether the tier can still take an order (its own minimum included).
        let open = tier.is_some_and(|t| Quantity::max_for(t) > 0);
        let max = tier.map_or(0, Quantity::max_for);
        let (name, n) = (change.name.as_str(), change.after.to_string());
        let mine = chosen == Some(&change.id);
        let line = if !open && mine {
            told.unchoose = true;
            fill(t.live_pick_another(), &[("tier", name)])
        } else if change.after == 0 {
            fill(t.live_sold_out(), &[("tier", name)])
        } else if mine && quantity > max {
            told.lower_to = Some(max);
            fill(t.live_lowered(), &[("tier", name), ("n", &max.to_string())])
        } else {
            fill(t.live_left(), &[("tier", name), ("n", &n)])
        };
        if mine {
            add_sentence(&mut told.shown, &line);
        }
        add_sentence(&mut told.said, &line);
    }
    Some(told)
}

fn add_sentence(text: &mut String, sentence: &str) {
    if !text.is_empty() {
        text.push(' ');
    }
    text.push_str(sentence);
}

#[cfg(test)]
mod tests {
    use super::*;
    use tessera_core::{Currency, EventId, Money, Tier, TierCount};

    fn event() -> Event {
        let tier = |id: &str, name: &str, available| {
            Tier::new(TierId::parse(id).unwrap(), name, Money::new(100_000, Currency::PHP), available)
        };
        Event {
            id: EventId::parse("ev").unwrap(),
            title: "Jazz".into(),
            status: EventStatus::Active,
            start_datetime: "2026-12-01T20:00:00+08:00".into(),
            venue_name: None,
            description: None,
            currency: Currency::PHP,
            tiers: vec![tier("ga", "General", 160), tier("vip", "VIP", 3)],
            sold_elsewhere: None,
            resale: None,
        }
    }

    fn snapshot(ga: u32, vip: u32) -> Snapshot {
        let count = |id: &str, available| TierCount { id: TierId::parse(id).unwrap(), available };
        Snapshot { status: EventStatus::Active, tiers: vec![count("ga", ga), count("vip", vip)], stale: false }
    }

    fn vip() -> TierId {
        TierId::parse("vip").unwrap()
    }

    #[test]
    fn an_update_that_changes_nothing_says_nothing() {
        let t = crate::text::Texts::english();
        assert_eq!(apply(&t, &mut event(), &snapshot(160, 3), None, 1, false), None);
    }

    #[test]
    fn another_tiers_change_is_said_but_not_shown() {
        let t = crate::text::Texts::english();
        let told = apply(&t, &mut event(), &snapshot(150, 3), Some(&vip()), 1, false).unwrap();
        assert_eq!(told.said, "General: 150 left now.");
        assert_eq!(told.shown, "");
    }

    #[test]
    fn fewer_seats_than_asked_for_lower_the_quantity_and_say_so() {
        let t = crate::text::Texts::english();
        let mut e = event();
        let told = apply(&t, &mut e, &snapshot(160, 2), Some(&vip()), 3, false).unwrap();
        assert_eq!(told.lower_to, Some(2));
        assert_eq!(told.shown, "Only 2 VIP left now, so your quantity is now 2.");
        assert_eq!(e.tiers[1].available, 2);
    }

    #[test]
    fn the_chosen_tier_selling_out_clears_the_choice() {
        let t = crate::text::Texts::english();
        let told = apply(&t, &mut event(), &snapshot(160, 0), Some(&vip()), 1, false).unwrap();
        assert!(told.unchoose);
        assert_eq!(told.said, "VIP just sold out. Please choose another ticket type.");
    }

    #[test]
    fn the_buyers_own_hold_changes_nothing_about_their_order() {
        let t = crate::text::Texts::english();
        let told = apply(&t, &mut event(), &snapshot(160, 0), Some(&vip()), 3, true).unwrap();
        assert_eq!(told, Told::default());
    }

    #[test]
    fn a_cancellation_is_said() {
        let t = crate::text::Texts::english();
        let mut s = snapshot(160, 3);
        s.status = EventStatus::Cancelled;
        let told = apply(&t, &mut event(), &s, None, 1, false).unwrap();
        assert_eq!(told.said, "This event has been cancelled.");
    }
}
