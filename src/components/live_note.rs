use leptos::prelude::*;

use crate::context::shop;

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
        LiveState { heard: RwSignal::new(String::new()), note: RwSignal::new(String::new()), stale: RwSignal::new(false) }
    }
}

impl Default for LiveState {
    fn default() -> Self {
        Self::new()
    }
}

/// Beside the tiers: that availability may be out of date, or else what the last update
/// changed about the buyer's choice.
#[component]
pub fn LiveNote(live: LiveState) -> impl IntoView {
    let t = shop().t;
    view! {
        <p class="tessera-live-note" role="status">
            {move || if live.stale.get() { t.stale().to_owned() } else { live.note.get() }}
        </p>
    }
}

/// Every change, told politely to screen readers (not shown).
#[component]
pub fn Announcer(live: LiveState) -> impl IntoView {
    view! { <p class="tessera-visually-hidden" aria-live="polite">{move || live.heard.get()}</p> }
}
