use futures_util::future::{select, Either};
use futures_util::StreamExt;
use leptos::prelude::*;
use leptos::task::spawn_local_scoped_with_cancellation;
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

    // The stream starts with the first read that finds the event on sale.
    let (started, start) = futures_channel::oneshot::channel::<()>();
    let started = StoredValue::new(Some(started));
    // Reads after the first: every few seconds while the proxy serves its last copy (until a
    // fresh answer or a live update clears `stale`), and when a checkout found the seats gone.
    let (reread, mut asked) = futures_channel::mpsc::unbounded::<()>();
    let reread = StoredValue::new(reread);
    let receive = {
        let shop = shop.clone();
        move |r: EventRead| {
            let was_stale = live.stale.get_untracked();
            live.stale.set(r.stale);
            // Asked again while stale, the proxy has the same last copy: nothing to redraw
            // under a buyer who is filling in the form.
            if !(r.stale && was_stale) {
                order.event.set(Some(r.event.clone()));
            }
            order.settle_selection(preferred.get_value().as_deref());
            if r.event.on_sale() {
                if let Some(start) = started.try_update_value(Option::take).flatten() {
                    let _ = start.send(());
                    shop.emit("ready", &host_events::Ready { event_id: r.event.id.as_str(), title: &r.event.title });
                }
            }
        }
    };
    // Both tasks belong to this component: they end when it is unmounted.
    {
        let shop = shop.clone();
        spawn_local_scoped_with_cancellation(async move {
            if start.await.is_ok() {
                let proxy = shop.proxy.clone();
                let on_snapshot = move |s: Snapshot| apply_snapshot(&shop, order, live, holding, &s);
                live::follow(proxy, id.get_value(), on_snapshot).await;
            }
        });
    }
    {
        let (shop, receive) = (shop.clone(), receive.clone());
        spawn_local_scoped_with_cancellation(async move {
            loop {
                let wait = Box::pin(gloo_timers::future::sleep(live::POLL_EVERY));
                let asked_now = match select(wait, asked.next()).await {
                    Either::Left(_) => false,
                    Either::Right((Some(()), _)) => true,
                    Either::Right((None, _)) => return,
                };
                if asked_now || live.stale.get_untracked() {
                    if let Ok(r) = api::event(&shop.proxy, &id.get_value()).await {
                        receive(r);
                    }
                }
            }
        });
    }
    let reload = Callback::new(move |()| {
        reread.with_value(|tx| {
            let _ = tx.unbounded_send(());
        })
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
            // The boundary is drawn with the answer in hand, inside the Suspend: thrown from a
            // Suspend that resolves later, an error can reach another widget's boundary when
            // several mount at once (Leptos 0.8.23; tests/web.rs holds both to their own).
            <Transition fallback=|| view! { <Loading /> }>
                {move || {
                    let receive = receive.clone();
                    Suspend::new(async move {
                        let read = read.await.map(|r| {
                            receive(r);
                            view! {
                                <EventHeader order />
                                <OrderForm order live holding reload />
                            }
                        });
                        view! { <ErrorBoundary fallback>{read}</ErrorBoundary> }
                    })
                }}
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
