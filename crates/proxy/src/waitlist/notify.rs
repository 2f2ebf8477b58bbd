//! When seats come back: the proxy's view of a tier goes from 0 to more than 0, whatever caused
//! it (a refund webhook, an expired hold found by a read). `LiveHub` hands every new state of
//! an event to `observe`; a tier seen sold out is armed, and an armed tier seen with seats
//! again starts one round: the first people not yet told are emailed (one per seat, up to the
//! batch), the tier is disarmed until it is seen sold out again, and the owner's webhook hears
//! how many were told. The armed flag lives in SQLite, so a restart in between loses nothing.

use tessera_core::{EventId, Snapshot};

use super::mailer::{compose, Invitation};
use super::owner_webhook::{Notified, NotifiedData};
use super::Waitlist;

/// What a tier's new count means for its waiting list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Nothing,
    /// Sold out now: the next return of seats starts a round.
    Arm,
    /// Seats are back: email this many people.
    Round(u32),
}

/// The step for a tier with a list (`armed`: seen sold out since its last round).
pub fn step(armed: bool, available: u32, batch: u32) -> Step {
    match (armed, available) {
        (false, 0) => Step::Arm,
        (true, 0) | (false, _) => Step::Nothing,
        (true, seats) => Step::Round(seats.min(batch)),
    }
}

/// Applies a new state of `event` to its waiting lists. A stale snapshot (the platform is not
/// answering) is the last known counts again, and says nothing new.
pub async fn observe(waitlist: &Waitlist, event: &EventId, snapshot: &Snapshot) {
    if snapshot.stale {
        return;
    }
    let store = waitlist.store();
    let tiers = match store.tiers_of(event.as_str()).await {
        Ok(tiers) => tiers,
        Err(e) => {
            tracing::error!(event = %event, error = %e, "waiting list: could not read the lists");
            return;
        }
    };
    for (tier, armed) in tiers {
        let Some(count) = snapshot.tiers.iter().find(|t| t.id.as_str() == tier) else { continue };
        let done = match step(armed, count.available, waitlist.batch()) {
            Step::Nothing => Ok(()),
            Step::Arm => store.arm(event.as_str(), &tier).await,
            Step::Round(n) => run_round(waitlist, event, &tier, count.available, n).await,
        };
        if let Err(e) = done {
            tracing::error!(event = %event, tier = %tier, error = %e, "waiting list: could not update the list");
        }
    }
}

async fn run_round(
    waitlist: &Waitlist,
    event: &EventId,
    tier: &str,
    available: u32,
    n: u32,
) -> Result<(), crate::store::StoreError> {
    let store = waitlist.store();
    let Some(round) = store.take_round(event.as_str(), tier, n).await? else { return Ok(()) };
    if round.invitees.is_empty() {
        return Ok(());
    }
    // Names for the email, from the catalogue's copy; ids if it cannot be had.
    let read = waitlist.catalogue().event(event).await.ok();
    let title = read.as_ref().map_or_else(|| event.to_string(), |r| r.event.title.clone());
    let tier_name = read
        .as_ref()
        .and_then(|r| r.event.tiers.iter().find(|t| t.id.as_str() == tier).map(|t| t.name.clone()))
        .unwrap_or_else(|| tier.to_owned());
    let (mut notified, mut failed) = (0u32, 0u32);
    for invitee in &round.invitees {
        if !waitlist.claim_email(event, tier, &invitee.email).await {
            // Another proxy emailed this address about this tier: told, once.
            store.record_elsewhere(invitee).await?;
            continue;
        }
        let event_link = invitee.page_url.clone().unwrap_or_else(|| waitlist.default_page().to_string());
        let unsubscribe_link = waitlist.unsubscribe_link(&invitee.token);
        let invitation = Invitation {
            to: &invitee.email,
            event_title: &title,
            tier_name: &tier_name,
            event_link: &event_link,
            unsubscribe_link: &unsubscribe_link,
        };
        let sent = match compose(waitlist.mailer().from(), &invitation) {
            Ok(message) => waitlist.mailer().send(message).await,
            Err(e) => Err(e),
        };
        match &sent {
            Ok(()) => notified += 1,
            Err(e) => {
                failed += 1;
                waitlist.release_email(event, tier, &invitee.email).await;
                // The address stays out of the log: the entry's number says which one.
                tracing::warn!(event = %event, tier, entry = invitee.entry_id, error = %e, "waiting list: an email was not sent");
            }
        }
        store.record_outcome(invitee, sent.is_ok()).await?;
    }
    tracing::info!(event = %event, tier, available, notified, failed, waiting = round.waiting, "waiting list: seats came back");
    if notified + failed == 0 {
        return Ok(());
    }
    if let Some(owner) = waitlist.owner_webhook() {
        let data = NotifiedData {
            event_id: event.to_string(),
            tier_id: tier.to_owned(),
            available,
            notified,
            failed,
            waiting: round.waiting + failed,
        };
        owner.send(&Notified::new(data, chrono::Utc::now())).await;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tier_is_armed_when_sold_out_and_a_return_emails_one_person_per_seat_up_to_the_batch() {
        assert_eq!(step(false, 0, 50), Step::Arm);
        assert_eq!(step(true, 0, 50), Step::Nothing, "still sold out");
        assert_eq!(step(true, 2, 50), Step::Round(2));
        assert_eq!(step(true, 500, 50), Step::Round(50));
        assert_eq!(step(false, 3, 50), Step::Nothing, "seats on sale, nothing came back since the last round");
    }
}
