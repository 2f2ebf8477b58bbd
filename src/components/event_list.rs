use leptos::prelude::*;
use tessera_core::{EventPageRead, EventSummary};

use super::{problem_from_errors, EventCalendar, EventView, Loading, ProblemView};
use crate::api;
use crate::context::shop;
use crate::format;
use crate::handoff::Return;
use crate::text::{fill, Texts};

/// How list mode shows the events: the site owner's `view` attribute.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ListView {
    /// A card per event (no attribute, or one this version does not know).
    #[default]
    Cards,
    /// A month calendar (`view="calendar"`).
    Calendar,
}

impl ListView {
    pub fn parse(attribute: Option<&str>) -> ListView {
        match attribute.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
            Some("calendar") => ListView::Calendar,
            _ => ListView::Cards,
        }
    }
}

/// List mode: every event on sale; choosing one opens its tickets in place. The first page is
/// read by the widget (a `LocalResource`), unless it is `initial`, the page a first view was
/// rendered from. As a calendar, see `EventCalendar`.
#[component]
pub fn EventList(
    returned: Option<Return>,
    #[prop(default = None)] initial: Option<EventPageRead>,
    #[prop(default = ListView::Cards)] list_view: ListView,
) -> impl IntoView {
    if list_view == ListView::Calendar {
        return view! { class = "tessera-el", <EventCalendar returned /> }.into_any();
    }
    let shop = shop();
    let t = shop.t;
    // Coming back from a checkout started here: open that event again.
    let open = RwSignal::new(returned.as_ref().map(|r| r.event_id.clone()));
    let returned = StoredValue::new(returned);
    let initial = StoredValue::new(initial);
    let page = LocalResource::new(move || {
        let shop = shop.clone();
        let first = initial.get_value();
        async move {
            // Never asked for while the first view's page is on screen; the same page if it were.
            if let Some(first) = first {
                return Ok(first);
            }
            let page = api::events(&shop.proxy).await;
            if let Err(problem) = &page {
                shop.emit_error(problem);
            }
            page
        }
    });
    let fallback = move |errors: ArcRwSignal<Errors>| {
        let problem = problem_from_errors(&errors);
        view! { class = "tessera-el", <ProblemView problem retry=Callback::new(move |()| page.refetch()) /> }
    };
    // Read already (a first view): drawn at once, the same on the proxy and in the browser.
    let listed = move || {
        if let Some(page) = initial.get_value() {
            return event_cards(t, page, open).into_any();
        }
        view! { class = "tessera-el",
            // The boundary inside the Suspend, as in EventView (and for the same reason).
            <Transition fallback=|| view! { class = "tessera-el", <Loading /> }>
                {move || Suspend::new(async move {
                    let cards = page.await.map(|page| event_cards(t, page, open));
                    view! { class = "tessera-el", <ErrorBoundary fallback>{cards}</ErrorBoundary> }
                })}
            </Transition>
        }
        .into_any()
    };
    (move || match open.get() {
        Some(id) => {
            let returned = returned.with_value(|r| r.clone().filter(|r| r.event_id == id));
            view! { class = "tessera-el", <EventView id returned on_back=Callback::new(move |()| open.set(None)) /> }
                .into_any()
        }
        None => view! { class = "tessera-el",
            <section class="tessera-events" part="events">
                <h2 class="tessera-title">{t.events_heading()}</h2>
                {listed()}
            </section>
        }
        .into_any(),
    })
    .into_any()
}

/// A card for each event of `page`, or a line saying there are none.
fn event_cards(t: &'static Texts, page: EventPageRead, open: RwSignal<Option<String>>) -> AnyView {
    if page.events.is_empty() {
        return view! { class = "tessera-el", <p class="tessera-empty">{t.no_events()}</p> }.into_any();
    }
    view! { class = "tessera-el",
        <ul class="tessera-event-list" part="event-list">
            {page.events.into_iter().map(|event| view! { class = "tessera-el", <EventCard event open /> }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
pub(crate) fn EventCard(event: EventSummary, open: RwSignal<Option<String>>) -> impl IntoView {
    let shop = shop();
    let (t, locale) = (shop.t, shop.locale.as_str());
    let id = event.id.as_str().to_owned();
    let from = event.lowest_price.map(|m| fill(t.from_price(), &[("price", &format::money(m, locale))]));
    let label = fill(t.view_tickets(), &[("title", &event.title)]);
    let when = format::event_date(&event.start_datetime, locale);
    // Where it is sold, before the card is opened (EventView then shows the hand-off).
    let sold_on = event.sold_elsewhere.as_ref().map(|place| fill(t.sold_on(), &[("platform", &place.platform)]));
    view! { class = "tessera-el",
        <li class="tessera-event-card" part="event-card">
            <h3>{event.title}</h3>
            <p class="tessera-meta">
                <time datetime=event.start_datetime>{when}</time>
                {event.venue_name.map(|venue| view! { class = "tessera-el", " · " {venue} })}
            </p>
            <p class="tessera-from">
                {from.unwrap_or_default()}
                {(event.available == 0).then(|| view! { class = "tessera-el", " · " {t.sold_out()} })}
            </p>
            {sold_on.map(|said| view! { class = "tessera-el", <p class="tessera-elsewhere">{said}</p> })}
            <button type="button" class="tessera-open" aria-label=label on:click=move |_| open.set(Some(id.clone()))>
                {t.choose_tickets()}
            </button>
        </li>
    }
}
