use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{use_ctx, EventView, ProblemView};
use crate::api::{self, ApiProblem, EventPage};
use crate::format;
use crate::handoff::Return;
use crate::text::fill;

/// List mode: every event on sale; choosing one opens its tickets in place.
#[component]
pub fn EventList(returned: Option<Return>) -> impl IntoView {
    let ctx = use_ctx();
    let t = ctx.t;
    let page = RwSignal::new(None::<Result<EventPage, ApiProblem>>);
    // Coming back from a checkout started here: open that event again.
    let open = RwSignal::new(returned.as_ref().map(|r| r.event_id.clone()));
    let returned = StoredValue::new(returned);

    let proxy = ctx.proxy.clone();
    let load = StoredValue::new(move || {
        let proxy = proxy.clone();
        spawn_local(async move { page.set(Some(api::events(&proxy).await)) });
    });
    load.with_value(|l| l());

    let locale = StoredValue::new(ctx.locale.clone());
    let list = move || {
        match page.get() {
        None => view! { <p class="tessera-loading" role="status">{t.loading}</p> }.into_any(),
        Some(Err(problem)) => {
            let retry = Callback::new(move |_| {
                page.set(None);
                load.with_value(|l| l());
            });
            view! { <ProblemView problem=problem retry=retry/> }.into_any()
        }
        Some(Ok(p)) if p.events.is_empty() => view! { <p class="tessera-empty">{t.no_events}</p> }.into_any(),
        Some(Ok(p)) => view! {
            <ul class="tessera-event-list" part="event-list">
                {p.events.into_iter().map(|e| {
                    let id = e.id.to_string();
                    let when = locale.with_value(|l| format::event_date(&e.start_datetime, l));
                    let from = e.lowest_price.map(|m| fill(t.from_price, &[("price", &locale.with_value(|l| format::money(m, l)))]));
                    let label = fill(t.view_tickets, &[("title", &e.title)]);
                    view! {
                        <li class="tessera-event-card" part="event-card">
                            <h3>{e.title.clone()}</h3>
                            <p class="tessera-meta">
                                <time datetime=e.start_datetime.clone()>{when}</time>
                                {e.venue_name.clone().map(|v| view! { " · " {v} })}
                            </p>
                            <p class="tessera-from">{from}{(e.available == 0).then(|| view! { " · " {t.sold_out} })}</p>
                            <button type="button" class="tessera-open" aria-label=label
                                on:click=move |_| open.set(Some(id.clone()))>{t.choose_tickets}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any(),
    }
    };

    view! {
        {move || match open.get() {
            Some(id) => {
                let back = Callback::new(move |_| open.set(None));
                let ret = returned.with_value(|r| r.clone().filter(|r| r.event_id == id));
                view! { <EventView event_id=id returned=ret on_back=back/> }.into_any()
            }
            None => view! {
                <section class="tessera-events" part="events">
                    <h2 class="tessera-title">{t.events_heading}</h2>
                    {list}
                </section>
            }.into_any(),
        }}
    }
}
