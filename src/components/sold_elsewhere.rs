use leptos::prelude::*;
use tessera_core::SoldElsewhere as Place;

use crate::context::shop;
use crate::host_events;
use crate::order::Order;
use crate::text::fill;

/// Bought on the platform's own page: what happens next, and a link there (the whole page goes,
/// as to a hosted checkout) when the platform gave one that is a web page.
#[component]
pub fn SoldElsewhere(order: Order, place: Place) -> impl IntoView {
    let shop = shop();
    let t = shop.t;
    let name = [("platform", place.platform.as_str())];
    let link = place.link().map(|url| (url.to_owned(), fill(t.continue_on(), &name)));
    let said = fill(t.sold_on(), &name);
    let said = if link.is_some() { format!("{said} {}", t.finish_there()) } else { said };
    let platform = place.platform.clone();
    view! { class = "tessera-el",
        <p class="tessera-elsewhere">{said}</p>
        {link.map(|(url, label)| {
            let href = url.clone();
            // `tessera:handoff` for the host page's analytics; the link then goes as usual.
            let on_click = move |_| {
                let event_id = order.event_id().unwrap_or_default();
                shop.emit("handoff", &host_events::Handoff { event_id: &event_id, platform: &platform, url: &url });
            };
            view! { class = "tessera-el",
                <a class="tessera-checkout" part="checkout-button" href=href target="_top" on:click=on_click>{label}</a>
            }
        })}
    }
}
