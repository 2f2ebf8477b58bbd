use leptos::prelude::*;

use super::{EventList, EventView};
use crate::context::Shop;
use crate::handoff::Return;

/// One widget: an event, or the list of events when the site owner named none. `returned` is
/// the buyer's return from a checkout this widget started.
#[component]
pub fn Widget(shop: Shop, event: Option<String>, returned: Option<Return>) -> impl IntoView {
    provide_context(shop);
    match event {
        Some(id) => view! { <EventView id returned /> }.into_any(),
        None => view! { <EventList returned /> }.into_any(),
    }
}
