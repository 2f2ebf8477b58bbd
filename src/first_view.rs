//! An event's first view as HTML, rendered by the proxy (`ssr`) with the same components the
//! wasm then hydrates, from the same read, so a buyer sees tiers, prices and what is left before
//! the wasm has arrived.

use leptos::prelude::*;
use tessera_core::{EventPageRead, EventRead};

use crate::components::Widget;
use crate::context::Shop;
use crate::text;

/// The widget for `read`'s event in `locale`, as the HTML its root holds.
pub fn event_html(proxy: &str, locale: &str, read: &EventRead) -> String {
    let (id, initial) = (read.event.id.as_str().to_owned(), Some(read.clone()));
    widget_html(
        proxy,
        locale,
        move |shop| view! { class = "tessera-el", <Widget shop event=Some(id) returned=None initial /> },
    )
}

/// The widget in list mode for the first page of events, `page`, in `locale`.
pub fn list_html(proxy: &str, locale: &str, page: &EventPageRead) -> String {
    let initial_list = Some(page.clone());
    widget_html(
        proxy,
        locale,
        move |shop| view! { class = "tessera-el", <Widget shop event=None returned=None initial_list /> },
    )
}

/// `widget` for a shop at `proxy` in `locale`, rendered under an owner of its own (cleaned up
/// after, so nothing it made outlives the answer).
fn widget_html<V: IntoView>(proxy: &str, locale: &str, widget: impl FnOnce(Shop) -> V) -> String {
    let shop = Shop::new(proxy.to_owned(), locale.to_owned(), text::bundled(locale), None);
    let owner = Owner::new();
    let html = owner.with(|| widget(shop).to_html());
    owner.cleanup();
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use tessera_core::{Currency, Event, EventId, EventStatus, Money, Tier, TierId};

    fn jazz() -> EventRead {
        let tier = |id: &str, name: &str, pesos: i64, available| {
            Tier::new(TierId::parse(id).unwrap(), name, Money::new(pesos * 100, Currency::PHP), available)
        };
        let event = Event {
            id: EventId::parse("jazz").unwrap(),
            title: "Manila Jazz Night".into(),
            status: EventStatus::Active,
            start_datetime: "2026-12-12T20:00:00+08:00".into(),
            venue_name: Some("The Podium Hall".into()),
            description: None,
            currency: Currency::PHP,
            tiers: vec![
                tier("ga", "General Admission", 1000, 160),
                tier("vip", "VIP", 2500, 3),
                tier("early", "Early Bird", 750, 0),
            ],
            sold_elsewhere: None,
            resale: None,
        };
        EventRead { event, stale: false }
    }

    #[test]
    fn the_first_view_shows_tiers_prices_and_what_is_left() {
        let html = event_html("https://tickets.example", "en-PH", &jazz());
        for shown in [
            "Manila Jazz Night",
            "Sat, Dec 12, 2026, 8:00 PM",
            "General Admission",
            "₱1,000.00",
            "160 left",
            "Only 3 left",
            "Sold out",
            "Continue to payment",
        ] {
            assert!(html.contains(shown), "{shown} in {html}");
        }
    }

    #[test]
    fn the_first_view_is_in_the_buyers_language_and_money() {
        let html = event_html("https://tickets.example", "de-DE", &jazz());
        assert!(html.contains("1.000,00\u{a0}PHP") && html.contains("Weiter zur Zahlung"), "{html}");
    }
}
