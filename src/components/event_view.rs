use leptos::prelude::*;
use tessera_core::EventRead;

use super::{problem_from_errors, Announcer, EventHeader, Loading, OrderForm, ProblemView, ReturnNotice};
use crate::api;
use crate::context::{shop, Shop};
use crate::feed::{EventFeed, LiveState};
use crate::handoff::{Outcome, Return};
use crate::order::Order;

/// One event: its read (a `LocalResource`, unless the read a first view was rendered from is
/// `initial`), its live updates, and the order being placed. `on_back` (list mode) goes back to
/// all events.
#[component]
pub fn EventView(
    id: String,
    returned: Option<Return>,
    #[prop(optional)] on_back: Option<Callback<()>>,
    #[prop(default = None)] initial: Option<EventRead>,
) -> impl IntoView {
    let shop = shop();
    let t = shop.t;
    let order = Order::new();
    let live = LiveState::new();
    let notice = RwSignal::new(returned.clone());
    // After a cancelled payment, offer the same tier and quantity again.
    let again = returned.filter(|r| r.outcome == Outcome::Cancelled).and_then(|r| r.pending);
    if let Some(p) = &again {
        order.quantity.set(p.quantity);
        order.email.set(p.email.clone());
    }
    let feed = EventFeed::start(shop.clone(), id.clone(), order, live, again.map(|p| p.tier_id));
    // Read already (a first view): drawn at once, the same on the proxy and in the browser.
    let body = match initial {
        Some(read) => {
            feed.receive(read);
            event_body(feed, order, live).into_any()
        }
        None => read_then_draw(shop, id, feed, order, live).into_any(),
    };
    view! {
        <section class="tessera-event" part="event">
            {on_back.map(|back| view! {
                <button type="button" class="tessera-back" on:click=move |_| back.run(())>
                    "← " {t.back_to_events()}
                </button>
            })}
            {move || notice.get().map(|returned| view! {
                <ReturnNotice returned on_dismiss=Callback::new(move |()| notice.set(None)) />
            })}
            {body}
            <Announcer live />
        </section>
    }
}

/// The event read by the widget itself (a `LocalResource`), drawn once it has arrived.
fn read_then_draw(shop: Shop, id: String, feed: EventFeed, order: Order, live: LiveState) -> impl IntoView {
    let read = LocalResource::new(move || {
        let (shop, id) = (shop.clone(), id.clone());
        async move {
            let read = api::event(&shop.proxy, &id).await;
            if let Err(problem) = &read {
                shop.emit_error(problem);
            }
            read
        }
    });
    let fallback = move |errors: ArcRwSignal<Errors>| {
        let problem = problem_from_errors(&errors);
        view! { <ProblemView problem retry=Callback::new(move |()| read.refetch()) /> }
    };
    view! {
            // The boundary is drawn with the answer in hand, inside the Suspend: thrown from a
            // Suspend that resolves later, an error can reach another widget's boundary when
            // several mount at once (Leptos 0.8.23; tests/web.rs holds both to their own).
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    let read = read.await.map(|r| {
                        feed.receive(r);
                        event_body(feed, order, live)
                    });
                    view! { <ErrorBoundary fallback>{read}</ErrorBoundary> }
                })}
            </Transition>
    }
}

/// The event's header and its order form, once its read is in `order`.
fn event_body(feed: EventFeed, order: Order, live: LiveState) -> impl IntoView {
    let (holding, reload) = (feed.holding, Callback::new(move |()| feed.read_now()));
    view! {
        <EventHeader order />
        <OrderForm order live holding reload />
    }
}
