use leptos::prelude::*;
use tessera_core::{EventRead, Snapshot};

use super::{problem_from_errors, Announcer, EventHeader, LiveState, Loading, OrderForm, ProblemView, ReturnNotice};
use crate::api;
use crate::context::{shop, Shop};
use crate::handoff::{Outcome, Return};
use crate::host_events;
use crate::live;
use crate::order::Order;
use crate::updates;

/// One event: its read (a `LocalResource`), its live updates, and the order being placed.
/// `on_back` (list mode) goes back to all events.
#[component]
pub fn EventView(id: String, returned: Option<Return>, #[prop(optional)] on_back: Option<Callback<()>>) -> impl IntoView {
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
    let preferred = StoredValue::new(again.map(|p| p.tier_id));
    // Set while the buyer's own checkout is being opened: the seats it holds come back as a
    // live update, which must not change the order being placed.
    let holding = RwSignal::new(false);
    let id = StoredValue::new(id);

    let read = LocalResource::new({
        let shop = shop.clone();
        move || {
            let (shop, id) = (shop.clone(), id.get_value());
            async move {
                let read = api::event(&shop.proxy, &id).await;
                if let Err(problem) = &read {
                    shop.emit_error(problem);
                }
                read
            }
        }
    });

    // The reads after the first (while stale, after a sold-out checkout) and the live updates
    // belong to this component, not to the view a read drew: they last as long as the event is shown.
    let owner = Owner::current().expect("a component runs under an owner");
    let following = StoredValue::new(false);
    let on_snapshot = {
        let shop = shop.clone();
        move |snapshot: Snapshot| apply_snapshot(&shop, order, live, holding, &snapshot)
    };
    let receive = {
        let (shop, owner) = (shop.clone(), owner.clone());
        move |r: EventRead| {
            let was_stale = live.stale.get_untracked();
            live.stale.set(r.stale);
            // Asked again while stale, the proxy has the same last copy: nothing to redraw
            // under a buyer who is filling in the form.
            if !(r.stale && was_stale) {
                order.event.set(Some(r.event.clone()));
            }
            order.settle_selection(preferred.get_value().as_deref());
            if !following.get_value() && r.event.on_sale() {
                following.set_value(true);
                let on_snapshot = on_snapshot.clone();
                owner.with(|| live::follow(shop.proxy.clone(), id.get_value(), on_snapshot));
                shop.emit("ready", &host_events::Ready { event_id: r.event.id.as_str(), title: &r.event.title });
            }
            r.stale
        }
    };
    // A stale copy is asked for again every few seconds until a fresh answer (or a live
    // update, which clears `stale`).
    let receive_first = {
        let (shop, receive, owner) = (shop.clone(), receive.clone(), owner.clone());
        move |r: EventRead| {
            if receive(r) {
                let receive = receive.clone();
                owner.with(|| {
                    live::poll(shop.proxy.clone(), id.get_value(), move |r| live.stale.get_untracked() && receive(r))
                });
            }
        }
    };
    // After a checkout that found the seats gone: what is left now, without redrawing the form.
    let reload = Callback::new({
        let (shop, receive) = (shop.clone(), receive.clone());
        move |()| {
            let (shop, receive) = (shop.clone(), receive.clone());
            owner.with(|| {
                leptos::task::spawn_local_scoped_with_cancellation(async move {
                    if let Ok(r) = api::event(&shop.proxy, &id.get_value()).await {
                        receive(r);
                    }
                })
            });
        }
    });

    let fallback = move |errors: ArcRwSignal<Errors>| {
        let problem = problem_from_errors(&errors);
        view! { <ProblemView problem retry=Callback::new(move |()| read.refetch()) /> }
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
            <Transition fallback=Loading>
                <ErrorBoundary fallback>
                    {move || {
                        let receive_first = receive_first.clone();
                        Suspend::new(async move {
                            read.await.map(|r| {
                                receive_first(r);
                                view! {
                                    <EventHeader order />
                                    <OrderForm order live holding reload />
                                }
                            })
                        })
                    }}
                </ErrorBoundary>
            </Transition>
            <Announcer live />
        </section>
    }
}

/// A live update: applied to the order, and told.
fn apply_snapshot(shop: &Shop, order: Order, live: LiveState, holding: RwSignal<bool>, snapshot: &Snapshot) {
    // The proxy says whether these are fresh counts or its last copy during an outage.
    if live.stale.get_untracked() != snapshot.stale {
        live.stale.set(snapshot.stale);
    }
    let Some(mut event) = order.event.get_untracked() else { return };
    let chosen = order.tier.get_untracked();
    let told = updates::apply(
        shop.t,
        &mut event,
        snapshot,
        chosen.as_ref(),
        order.quantity.get_untracked(),
        holding.get_untracked(),
    );
    let Some(told) = told else { return };
    order.event.set(Some(event));
    if told.unchoose {
        order.tier.set(None);
    }
    if let Some(n) = told.lower_to {
        order.quantity.set(n);
    }
    if !told.said.is_empty() {
        live.heard.set(told.said);
    }
    if !told.shown.is_empty() {
        live.note.set(told.shown);
    }
}
