use leptos::prelude::*;
use tessera_core::EventSummary;

use super::{problem_from_errors, EventView, Loading, ProblemView};
use crate::api;
use crate::context::shop;
use crate::format;
use crate::handoff::Return;
use crate::text::fill;

/// List mode: every event on sale; choosing one opens its tickets in place.
#[component]
pub fn EventList(returned: Option<Return>) -> impl IntoView {
    let shop = shop();
    let t = shop.t;
    // Coming back from a checkout started here: open that event again.
    let open = RwSignal::new(returned.as_ref().map(|r| r.event_id.clone()));
    let returned = StoredValue::new(returned);
    let page = LocalResource::new(move || {
        let shop = shop.clone();
        async move {
            let page = api::events(&shop.proxy).await;
            if let Err(problem) = &page {
                shop.emit_error(problem);
            }
            page
        }
    });
    let fallback = move |errors: ArcRwSignal<Errors>| {
        let problem = problem_from_errors(&errors);
        view! { <ProblemView problem retry=Callback::new(move |()| page.refetch()) /> }
    };
    move || {
        match open.get() {
        Some(id) => {
            let returned = returned.with_value(|r| r.clone().filter(|r| r.event_id == id));
            view! { <EventView id returned on_back=Callback::new(move |()| open.set(None)) /> }.into_any()
        }
        None => view! {
            <section class="tessera-events" part="events">
                <h2 class="tessera-title">{t.events_heading()}</h2>
                // The boundary inside the Suspend, as in EventView (and for the same reason).
                <Transition fallback=|| view! { <Loading /> }>
                    {move || Suspend::new(async move {
                        let cards = page.await.map(|page| {
                            if page.events.is_empty() {
                                view! { <p class="tessera-empty">{t.no_events()}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="tessera-event-list" part="event-list">
                                        {page.events.into_iter().map(|event| view! { <EventCard event open /> }).collect_view()}
                                    </ul>
                                }
                                .into_any()
                            }
                        });
                        view! { <ErrorBoundary fallback>{cards}</ErrorBoundary> }
                    })}
                </Transition>
            </section>
        }
        .into_any(),
    }
    }
}

#[component]
fn EventCard(event: EventSummary, open: RwSignal<Option<String>>) -> impl IntoView {
    let shop = shop();
    let (t, locale) = (shop.t, shop.locale.as_str());
    let id = event.id.as_str().to_owned();
    let from = event.lowest_price.map(|m| fill(t.from_price(), &[("price", &format::money(m, locale))]));
    let label = fill(t.view_tickets(), &[("title", &event.title)]);
    let when = format::event_date(&event.start_datetime, locale);
    view! {
        <li class="tessera-event-card" part="event-card">
            <h3>{event.title}</h3>
            <p class="tessera-meta">
                <time datetime=event.start_datetime>{when}</time>
                {event.venue_name.map(|venue| view! { " · " {venue} })}
            </p>
            <p class="tessera-from">
                {from.unwrap_or_default()}
                {(event.available == 0).then(|| view! { " · " {t.sold_out()} })}
            </p>
            <button type="button" class="tessera-open" aria-label=label on:click=move |_| open.set(Some(id.clone()))>
                {t.choose_tickets()}
            </button>
        </li>
    }
}
