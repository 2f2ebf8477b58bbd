use leptos::prelude::*;

use crate::context::shop;
use crate::feed::LiveState;

/// Beside the tiers: that availability may be out of date, or else what the last update
/// changed about the buyer's choice.
#[component]
pub fn LiveNote(live: LiveState) -> impl IntoView {
    let t = shop().t;
    view! { class = "tessera-el",
        <p class="tessera-live-note" role="status">
            {move || if live.stale.get() { t.stale().to_owned() } else { live.note.get() }}
        </p>
    }
}

/// Every change, told politely to screen readers (not shown).
#[component]
pub fn Announcer(live: LiveState) -> impl IntoView {
    view! { class = "tessera-el", <p class="tessera-visually-hidden" aria-live="polite">{move || live.heard.get()}</p> }
}
