use leptos::prelude::*;
use tessera_core::{EventPageRead, EventRead};

use super::{EventList, EventView, ListView};
use crate::context::Shop;
use crate::handoff::Return;

/// One widget: an event, or the list of events when the site owner named none. `returned` is
/// the buyer's return from a checkout this widget started; `initial`, the event's read a first
/// view was rendered from (by the proxy, and then by the wasm that hydrates it); `initial_list`,
/// the same for the list.
#[component]
pub fn Widget(
    shop: Shop,
    event: Option<String>,
    returned: Option<Return>,
    #[prop(default = None)] initial: Option<EventRead>,
    #[prop(default = None)] initial_list: Option<EventPageRead>,
    #[prop(default = ListView::Cards)] list_view: ListView,
) -> impl IntoView {
    provide_context(shop);
    match event {
        Some(id) => view! { class = "tessera-el", <EventView id returned initial /> }.into_any(),
        None => view! { class = "tessera-el", <EventList returned initial=initial_list list_view /> }.into_any(),
    }
}
