use leptos::prelude::*;

use crate::context::shop;
use crate::format;
use crate::order::Order;

/// Title, date and venue. Drawn again only when one of them changes, not on every live count.
#[component]
pub fn EventHeader(order: Order) -> impl IntoView {
    let locale = shop().locale;
    let shown = Memo::new(move |_| {
        order.event.with(|e| e.as_ref().map(|e| (e.title.clone(), e.start_datetime.clone(), e.venue_name.clone())))
    });
    move || {
        shown.get().map(|(title, start, venue)| {
            let when = format::event_date(&start, &locale);
            view! { class = "tessera-el",
                <header class="tessera-event-header" part="header">
                    <h2 class="tessera-title">{title}</h2>
                    <p class="tessera-meta">
                        <time datetime=start>{when}</time>
                        {venue.map(|v| view! { class = "tessera-el", <span class="tessera-venue">" · " {v}</span> })}
                    </p>
                </header>
            }
        })
    }
}
