use leptos::prelude::*;
use tessera_core::EventRead;

use super::{
    problem_from_errors, Announcer, EventHeader, HeldOrder, HoldReleased, Loading, OrderForm, ProblemView, ReturnNotice,
};
use crate::api;
use crate::context::{shop, Shop};
use crate::feed::{EventFeed, LiveState};
use crate::handoff::{self, Hold, Outcome, Return};
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
    if let Some(returned) = &returned {
        crate::checkout::announce_purchase(&shop, returned);
    }
    let back_from_checkout = returned.is_some();
    // After a cancelled payment, offer the same tier and quantity again.
    let again = returned.filter(|r| r.outcome == Outcome::Cancelled).and_then(|r| r.pending);
    if let Some(p) = &again {
        order.quantity.set(p.quantity);
        order.email.set(p.email.clone());
    }
    let feed = EventFeed::start(shop.clone(), id.clone(), order, live, again.map(|p| p.tier_id));
    let holds = Holds::new(&id, !back_from_checkout, feed);
    // Read already (a first view): drawn at once, the same on the proxy and in the browser.
    let body = match initial {
        Some(read) => {
            feed.receive(read);
            event_body(feed, order, live, holds).into_any()
        }
        None => read_then_draw(shop, id, feed, order, live, holds).into_any(),
    };
    view! { class = "tessera-el",
        <section class="tessera-event" part="event">
            {on_back.map(|back| view! { class = "tessera-el",
                <button type="button" class="tessera-back" on:click=move |_| back.run(())>
                    "← " {t.back_to_events()}
                </button>
            })}
            {move || notice.get().map(|returned| view! { class = "tessera-el",
                <ReturnNotice returned on_dismiss=Callback::new(move |()| notice.set(None)) />
            })}
            {body}
            <Announcer live />
        </section>
    }
}

/// The event read by the widget itself (a `LocalResource`), drawn once it has arrived.
fn read_then_draw(
    shop: Shop,
    id: String,
    feed: EventFeed,
    order: Order,
    live: LiveState,
    holds: Holds,
) -> impl IntoView {
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
        view! { class = "tessera-el", <ProblemView problem retry=Callback::new(move |()| read.refetch()) /> }
    };
    view! { class = "tessera-el",
            // The boundary is drawn with the answer in hand, inside the Suspend: thrown from a
            // Suspend that resolves later, an error can reach another widget's boundary when
            // several mount at once (Leptos 0.8.23; tests/web.rs holds both to their own).
            <Transition fallback=|| view! { class = "tessera-el", <Loading /> }>
                {move || Suspend::new(async move {
                    let read = read.await.map(|r| {
                        feed.receive(r);
                        event_body(feed, order, live, holds)
                    });
                    view! { class = "tessera-el", <ErrorBoundary fallback>{read}</ErrorBoundary> }
                })}
            </Transition>
    }
}

/// The event's header and its order form, once its read is in `order`; instead of the form,
/// seats a checkout still holds, while it holds them.
fn event_body(feed: EventFeed, order: Order, live: LiveState, holds: Holds) -> impl IntoView {
    let (holding, reload) = (feed.holding, Callback::new(move |()| feed.read_now()));
    view! { class = "tessera-el",
        <EventHeader order />
        {move || holds.released.get().map(|hold| view! { class = "tessera-el",
            <HoldReleased hold on_dismiss=Callback::new(move |()| holds.released.set(None)) />
        })}
        {move || match holds.held.get() {
            Some(hold) => view! { class = "tessera-el",
                <HeldOrder hold on_released=holds.on_released() on_dropped=holds.on_dropped() />
            }
            .into_any(),
            None => view! { class = "tessera-el", <OrderForm order live holding reload /> }.into_any(),
        }}
    }
}

/// The seats a checkout of this event holds for the buyer (localStorage, see `handoff`), and
/// those it held until it expired unpaid.
#[derive(Clone, Copy)]
struct Holds {
    held: RwSignal<Option<Hold>>,
    released: RwSignal<Option<Hold>>,
    event_id: StoredValue<String>,
    feed: EventFeed,
}

impl Holds {
    /// `look` is false when the buyer has just come back from the checkout (which ended it).
    fn new(event_id: &str, look: bool, feed: EventFeed) -> Self {
        let holds = Holds {
            held: RwSignal::new(None),
            released: RwSignal::new(None),
            event_id: StoredValue::new(event_id.to_owned()),
            feed,
        };
        // A first view drawn by the proxy knows nothing of the buyer's browser.
        if !cfg!(target_arch = "wasm32") {
            return holds;
        }
        if look {
            holds.look();
        }
        // Back from the hosted page to a page the browser kept whole (the back-forward cache):
        // nothing mounts again, so look now.
        let shown = window_event_listener(leptos::ev::pageshow, move |e| {
            if e.persisted() {
                holds.look();
            }
        });
        on_cleanup(move || shown.remove());
        holds
    }

    fn look(&self) {
        let id = self.event_id.get_value();
        match handoff::hold(&id) {
            Some(hold) if hold.seconds_left(js_sys::Date::now()) > 0 => self.held.set(Some(hold)),
            Some(hold) => self.release(hold),
            None => {}
        }
    }

    fn release(&self, hold: Hold) {
        self.event_id.with_value(|id| handoff::forget_hold(id));
        self.held.set(None);
        self.released.set(Some(hold));
        // The seats are back on sale: show the counts that say so.
        self.feed.read_now();
    }

    fn on_released(self) -> Callback<Hold> {
        Callback::new(move |hold| self.release(hold))
    }

    fn on_dropped(self) -> Callback<()> {
        Callback::new(move |()| {
            self.event_id.with_value(|id| handoff::forget_hold(id));
            self.held.set(None);
        })
    }
}
