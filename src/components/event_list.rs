use wasm_bindgen_futures::spawn_local;

use super::{event_view, problem_view, Ctx};
use crate::api::{self, ApiProblem, EventPage};
use crate::dom::{el, el_class, El};
use crate::format;
use crate::handoff::Return;
use crate::state::{Handler, Kept, Sig};
use crate::text::fill;

/// List mode: every event on sale; choosing one opens its tickets in place, in `parent`.
pub fn event_list(ctx: &'static Ctx, parent: El, returned: Option<Return>) -> El {
    let t = ctx.t;
    let page = Sig::new(None::<Result<EventPage, ApiProblem>>);
    // Coming back from a checkout started here: open that event again.
    let open = Sig::new(returned.as_ref().map(|r| r.event_id.clone()));
    let returned = Kept::new(returned);

    let proxy = ctx.proxy.clone();
    let load = Handler::new(move |()| {
        let proxy = proxy.clone();
        spawn_local(async move { page.set(Some(api::events(&proxy).await)) });
    });
    load.run(());

    let locale = ctx.locale.as_str();
    let card = move |e: tessera_core::EventSummary| {
        let id = e.id.as_str().to_owned();
        let from = e.lowest_price.map(|m| fill(t.from_price(), &[("price", &format::money(m, locale))]));
        let label = fill(t.view_tickets(), &[("title", &e.title)]);
        let time = el("time").attr("datetime", &e.start_datetime);
        let start = e.start_datetime.clone();
        let mut meta = el_class("p", "tessera-meta")
            .child(time.text_soon(format::dates_ready(locale), move || format::event_date(&start, locale)));
        if let Some(venue) = &e.venue_name {
            meta = meta.text(" · ").text(venue);
        }
        let mut from = el_class("p", "tessera-from").text(&from.unwrap_or_default());
        if e.available == 0 {
            from = from.text(" · ").text(t.sold_out());
        }
        el_class("li", "tessera-event-card")
            .attr("part", "event-card")
            .child(el("h3").text(&e.title))
            .child(meta)
            .child(from)
            .child(
                el_class("button", "tessera-open")
                    .attr("type", "button")
                    .attr("aria-label", &label)
                    .on("click", move |_| open.set(Some(id.clone())))
                    .text(t.choose_tickets()),
            )
    };
    let list = move || {
        Some(match page.get() {
            None => el_class("p", "tessera-loading").attr("role", "status").text(t.loading()),
            Some(Err(problem)) => {
                let retry = Handler::new(move |_| {
                    page.set(None);
                    load.run(());
                });
                problem_view(ctx, problem, Some(retry))
            }
            Some(Ok(p)) if p.events.is_empty() => el_class("p", "tessera-empty").text(t.no_events()),
            Some(Ok(p)) => el_class("ul", "tessera-event-list")
                .attr("part", "event-list")
                .children(p.events.into_iter().map(card).collect()),
        })
    };

    parent.dyn_child(move || {
        Some(match open.get() {
            Some(id) => {
                let back = Handler::new(move |_| open.set(None));
                let ret = returned.with_value(|r| r.clone().filter(|r| r.event_id == id));
                event_view(ctx, id, ret, Some(back))
            }
            None => el_class("section", "tessera-events")
                .attr("part", "events")
                .child(el_class("h2", "tessera-title").text(t.events_heading()))
                .dyn_child(list),
        })
    })
}
