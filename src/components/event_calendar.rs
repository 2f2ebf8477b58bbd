//! List mode as a month calendar (`view="calendar"`): the events on their days in a WAI-ARIA
//! grid (the APG date picker's: roving tabindex, arrows by day and week, Home/End, PageUp/
//! PageDown by month, Shift with them by year). A day with events opens their cards, each
//! opening the event's tickets in place as the list does.
//!
//! Drawn by the wasm only, never by the proxy's first view: its names and week start are the
//! browser's Intl (core's Locale knows neither), and the month it opens on depends on the
//! buyer's today; a first view drawn otherwise would be replaced at once.

use chrono::{Datelike, NaiveDate};
use leptos::html::Table;
use leptos::prelude::*;
use tessera_core::EventSummary;

use super::{EventCard, EventView, Loading, ProblemView};
use crate::api::{self, ApiProblem};
use crate::calendar::{self, Month, Move};
use crate::context::shop;
use crate::handoff::Return;
use crate::text::fill;

mod intl;

/// The pages of the list read so far.
#[derive(Clone, Debug)]
struct Catalogue {
    events: Vec<EventSummary>,
    next_page: u32,
    has_more: bool,
}

impl Catalogue {
    fn new() -> Self {
        Catalogue { events: Vec::new(), next_page: 1, has_more: true }
    }

    fn last_day(&self) -> Option<NaiveDate> {
        self.events.iter().filter_map(|e| calendar::event_day(&e.start_datetime)).max()
    }

    /// Reads pages until `month` is covered (the list comes by start time) or there are no more.
    async fn read_through(&mut self, proxy: &str, month: Month) -> Result<(), ApiProblem> {
        while calendar::needs_more(self.last_day(), month, self.has_more) {
            let page = api::events_page(proxy, self.next_page).await?;
            // A page with nothing on it ends the reading, whatever it says of more.
            self.has_more = page.meta.has_more && !page.events.is_empty();
            self.next_page += 1;
            self.events.extend(page.events);
        }
        Ok(())
    }
}

#[component]
pub fn EventCalendar(returned: Option<Return>) -> impl IntoView {
    let shop = shop();
    let t = shop.t;
    // Coming back from a checkout started here: that event again.
    let open = RwSignal::new(returned.as_ref().map(|r| r.event_id.clone()));
    let returned = StoredValue::new(returned);
    let today = intl::today();
    let focused = RwSignal::new(today);
    let day_open = RwSignal::new(None::<NaiveDate>);
    // Whether the grid's focused day should also have the keyboard focus once drawn: after a
    // key in the grid or a Back, not when the month buttons or the first drawing moved it.
    let take_focus = RwSignal::new(false);
    let catalogue = RwSignal::new(Catalogue::new());
    let more_problem = RwSignal::new(None::<ApiProblem>);
    // The first read in a plain signal, not a LocalResource in a Transition as the list's is:
    // it is several reads (pages) whose result is in `catalogue`, and the boundary types made
    // again for this one view cost 1.6 KB of brotli wasm (tests/size, measured 2026-12-03).
    // Its loading and error views are the list's.
    let state = RwSignal::new(None::<Result<(), ApiProblem>>);
    let read_first = {
        let shop = shop.clone();
        move || {
            let shop = shop.clone();
            state.set(None);
            // Not scoped to the owner of the moment (a retry's button goes when it is pressed);
            // after an unmount the writes below find their signals gone and do nothing.
            leptos::task::spawn_local(async move {
                let mut read = Catalogue::new();
                let mut done = read.read_through(&shop.proxy, Month::of(today)).await;
                let days = calendar::by_day(&read.events);
                let back_to = returned.with_value(|r| r.as_ref().map(|r| r.event_id.clone()));
                let start = days
                    .iter()
                    .find(|(_, events)| events.iter().any(|e| Some(e.id.as_str()) == back_to.as_deref()))
                    .map(|(day, _)| *day)
                    .unwrap_or_else(|| calendar::first_day(&days, today));
                if done.is_ok() {
                    done = read.read_through(&shop.proxy, Month::of(start)).await;
                }
                if let Err(problem) = &done {
                    shop.emit_error(problem);
                }
                focused.try_set(start);
                catalogue.try_set(read);
                state.try_set(Some(done));
            });
        }
    };
    read_first();
    let retry = Callback::new(move |()| read_first());
    // Another month shown: its pages read, when the first read did not reach them.
    let reading = StoredValue::new(false);
    let proxy = StoredValue::new(shop.proxy.clone());
    Effect::new(move || {
        let month = Month::of(focused.get());
        let needed = catalogue.with(|c| c.next_page > 1 && calendar::needs_more(c.last_day(), month, c.has_more));
        if !needed || reading.get_value() {
            return;
        }
        reading.set_value(true);
        leptos::task::spawn_local(async move {
            let mut read = catalogue.get_untracked();
            let done = read.read_through(&proxy.get_value(), month).await;
            reading.try_set_value(false);
            more_problem.try_set(done.err());
            catalogue.try_set(read);
        });
    });
    let back_to_calendar = Callback::new(move |()| {
        open.set(None);
        day_open.set(None);
        take_focus.set(true);
    });
    let grid = move || match state.get() {
        None => view! { class = "tessera-el", <Loading /> }.into_any(),
        Some(Err(problem)) => view! { class = "tessera-el", <ProblemView problem retry /> }.into_any(),
        Some(Ok(())) => view! { class = "tessera-el", <MonthGrid catalogue focused day_open take_focus /> }.into_any(),
    };
    move || match (open.get(), day_open.get()) {
        (Some(id), _) => {
            let returned = returned.with_value(|r| r.clone().filter(|r| r.event_id == id));
            view! { class = "tessera-el", <EventView id returned on_back=back_to_calendar /> }.into_any()
        }
        (None, Some(day)) => {
            let events = catalogue.with_untracked(|c| calendar::by_day(&c.events).remove(&day).unwrap_or_default());
            view! { class = "tessera-el", <DayEvents day events open on_back=back_to_calendar /> }.into_any()
        }
        (None, None) => view! { class = "tessera-el",
            <section class="tessera-events tessera-calendar" part="events">
                <h2 class="tessera-title">{t.events_heading()}</h2>
                {move || more_problem.get().map(|problem| view! { class = "tessera-el",
                    <ProblemView problem retry=Callback::new(move |()| {
                        more_problem.set(None);
                        focused.update(|_| {});
                    }) />
                })}
                {grid}
            </section>
        }
        .into_any(),
    }
}

/// The month of `focused` as a grid of days, with the buttons and keys that move it.
#[component]
fn MonthGrid(
    catalogue: RwSignal<Catalogue>,
    focused: RwSignal<NaiveDate>,
    day_open: RwSignal<Option<NaiveDate>>,
    take_focus: RwSignal<bool>,
) -> impl IntoView {
    let shop = shop();
    let (t, locale) = (shop.t, StoredValue::new(shop.locale.clone()));
    let week_start = intl::week_start(&shop.locale);
    let today = intl::today();
    let month = Memo::new(move |_| Month::of(focused.get()));
    let days = Memo::new(move |_| catalogue.with(|c| calendar::by_day(&c.events)));
    let has_events = move |day: NaiveDate| days.with(|d| d.contains_key(&day));
    let table = NodeRef::<Table>::new();
    // The focused day takes the keyboard focus when it moved by key (or the grid came back).
    Effect::new(move || {
        focused.track();
        if !take_focus.get() {
            return;
        }
        request_animation_frame(move || {
            if let Some(Ok(Some(cell))) = table.get_untracked().map(|t| t.query_selector("td[tabindex=\"0\"]")) {
                let _ = wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(cell).focus();
            }
        });
    });
    let open_day = move |day: NaiveDate| {
        if has_events(day) {
            day_open.set(Some(day));
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let day = focused.get_untracked();
        if let Some(step) = Move::of_key(&ev.key(), ev.shift_key()) {
            ev.prevent_default();
            take_focus.set(true);
            focused.set(step.from(day, week_start));
        } else if ev.key() == "Enter" || ev.key() == " " {
            ev.prevent_default();
            open_day(day);
        }
    };
    let step_month = move |step: Move| {
        take_focus.set(false);
        focused.update(|day| *day = step.from(*day, week_start));
    };
    let month_name = move || locale.with_value(|l| intl::month_name(month.get(), l));
    let headers = calendar::weekdays(week_start).map(|weekday| {
        let (short, long) =
            locale.with_value(|l| (intl::weekday_name(weekday, l, "short"), intl::weekday_name(weekday, l, "long")));
        view! { class = "tessera-el", <th scope="col" abbr=long>{short}</th> }.into_any()
    });
    let cell = move |day: Option<NaiveDate>| {
        let Some(day) = day else {
            return view! { class = "tessera-el", <td class="tessera-day tessera-day-blank"></td> }.into_any();
        };
        let events = days.with(|d| d.get(&day).cloned().unwrap_or_default());
        let count = events.len() as u32;
        let class = if count > 0 { "tessera-day tessera-has-events" } else { "tessera-day" };
        let mut label = locale.with_value(|l| intl::day_name(day, l));
        if count > 0 {
            label = format!("{label}, {}", t.calendar_events(count));
        }
        view! { class = "tessera-el",
            <td
                class=class
                tabindex=move || if focused.get() == day { "0" } else { "-1" }
                aria-current=(day == today).then_some("date")
                on:click=move |_| {
                    focused.set(day);
                    open_day(day);
                }
            >
                // The name in words, not as aria-label: the visible number and titles are then
                // not a name that leaves out what is shown (axe's label-content-name-mismatch).
                <span class="tessera-visually-hidden">{label}</span>
                <span class="tessera-day-number" aria-hidden="true">{day.day()}</span>
                {(count > 0).then(|| view! { class = "tessera-el",
                    <ul class="tessera-day-events" aria-hidden="true">
                        {events.into_iter().map(|e| view! { class = "tessera-el", <li>{e.title}</li> }.into_any()).collect::<Vec<_>>()}
                    </ul>
                }
                .into_any())}
            </td>
        }
        .into_any()
    };
    view! { class = "tessera-el",
        <div class="tessera-calendar-nav">
            <button type="button" class="tessera-month-step" aria-label=t.calendar_previous()
                on:click=move |_| step_month(Move::PreviousMonth)>
                <span aria-hidden="true">"‹"</span>
            </button>
            <h3 id="tessera-calendar-month" class="tessera-calendar-month" aria-live="polite">{month_name}</h3>
            <button type="button" class="tessera-month-step" aria-label=t.calendar_next()
                on:click=move |_| step_month(Move::NextMonth)>
                <span aria-hidden="true">"›"</span>
            </button>
        </div>
        <table role="grid" class="tessera-calendar-grid" part="calendar" aria-labelledby="tessera-calendar-month"
            aria-describedby="tessera-calendar-keys" node_ref=table on:keydown=on_key>
            <thead><tr>{headers}</tr></thead>
            <tbody>
                {move || calendar::weeks(month.get(), week_start)
                    .into_iter()
                    .map(|week| view! { class = "tessera-el", <tr>{week.map(cell)}</tr> }.into_any())
                    .collect::<Vec<_>>()}
            </tbody>
        </table>
        <p class="tessera-hint" id="tessera-calendar-keys">{t.calendar_keys()}</p>
        {move || {
            let m = month.get();
            let empty = days.with(|d| d.range(m.first_day()..=m.last_day()).next().is_none());
            empty.then(|| view! { class = "tessera-el",
                <p class="tessera-empty">{fill(t.calendar_empty_month(), &[("month", &month_name())])}</p>
            }
            .into_any())
        }}
    }
    .into_any()
}

/// One day's events, each card opening its tickets in place.
#[component]
fn DayEvents(
    day: NaiveDate,
    events: Vec<EventSummary>,
    open: RwSignal<Option<String>>,
    on_back: Callback<()>,
) -> impl IntoView {
    let shop = shop();
    let t = shop.t;
    let heading = intl::date_text(
        day,
        &shop.locale,
        &[("weekday", "long"), ("day", "numeric"), ("month", "long"), ("year", "numeric")],
    );
    // The grid's cell is gone with the grid: the day's heading has the focus instead.
    shop.focus_soon("tessera-calendar-day");
    view! { class = "tessera-el",
        <section class="tessera-events tessera-calendar-day" part="events calendar-day">
            <button type="button" class="tessera-back" on:click=move |_| on_back.run(())>
                "← " {t.calendar_back()}
            </button>
            <h2 class="tessera-title" id="tessera-calendar-day" tabindex="-1">{heading}</h2>
            <ul class="tessera-event-list" part="event-list">
                {events.into_iter().map(|event| view! { class = "tessera-el", <EventCard event open /> }).collect_view()}
            </ul>
        </section>
    }
}
