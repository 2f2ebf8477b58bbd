use tessera_core::text::decimal;
use tessera_core::{EventStatus, Field, Quantity, Snapshot};
use wasm_bindgen_futures::spawn_local;

use super::{buyer_form, order_summary, problem_view, promo_field, quantity_picker, return_notice, tier_picker, Ctx};
use crate::api::{self, ApiProblem, CheckoutStarted};
use crate::dom::{el, el_class, El};
use crate::format;
use crate::handoff::{self, Outcome, PendingOrder, Return};
use crate::host_events::{emit, send};
use crate::live;
use crate::order_state::OrderState;
use crate::state::{Handler, Kept, Sig};
use crate::text::fill;
use crate::wire::{self, str_or_null, ToJs};
use wasm_bindgen::{JsCast, JsValue};

/// One event: its tiers, the order form and what happened to the last order. `on_back` (list
/// mode) goes back to all events.
pub fn event_view(ctx: &'static Ctx, event_id: String, returned: Option<Return>, on_back: Option<Handler<()>>) -> El {
    let t = ctx.t;
    let order = OrderState::new();
    let load_problem = Sig::new(None::<ApiProblem>);
    let alert = Sig::new(None::<ApiProblem>);
    let notice = Sig::new(returned.clone());
    // After a cancelled payment, offer the same tier and quantity again.
    let again = returned.as_ref().filter(|r| r.outcome == Outcome::Cancelled).and_then(|r| r.pending.clone());
    if let Some(p) = &again {
        order.quantity.set(p.quantity);
        order.email.set(p.email.clone());
    }
    let preferred_tier = Kept::new(again.map(|p| p.tier_id));

    // Live counts: every change is told politely to screen readers; a change to the
    // buyer's own choice is also shown, beside the tiers.
    let heard = Sig::new(String::new());
    let note = Sig::new(String::new());
    // The proxy could not reach the platform and served its last copy: said (politely) beside
    // the tiers, in the place of the note above, until a fresh read or a live update.
    let stale = Sig::new(false);
    // Set from Checkout until the answer: the seats this buyer's own checkout holds come back
    // as a live update, and must not lower the quantity of the order being placed.
    let handing_off = Kept::new(false);
    let on_snapshot = Handler::new(move |snapshot: Snapshot| {
        let Some(mut event) = order.event.get_untracked() else { return };
        // The proxy says whether these are fresh counts or its last copy during an outage.
        if stale.get_untracked() != snapshot.stale {
            stale.set(snapshot.stale);
        }
        let was = event.status;
        let changes = snapshot.apply_to(&mut event);
        let status = event.status;
        if changes.is_empty() && status == was {
            return;
        }
        // Whether each changed tier can still take an order (its own minimum included).
        let open: Vec<bool> =
            changes.iter().map(|c| event.tier(&c.id).is_some_and(|t| Quantity::max_for(t) > 0)).collect();
        order.event.set(Some(event));
        if status != was && status != EventStatus::Active {
            // The view switches to the reason; screen readers hear it too.
            return heard
                .set(if status == EventStatus::Cancelled { t.event_cancelled() } else { t.not_on_sale() }.into());
        }
        if handing_off.get_value() {
            return;
        }
        let chosen = order.tier.get_untracked();
        let (mut said, mut shown) = (String::new(), String::new());
        for (c, open) in changes.into_iter().zip(open) {
            let (tier, n) = (c.name.as_str(), decimal(c.after.into()));
            let mine = chosen.as_ref() == Some(&c.id);
            let line = if !open && mine {
                order.tier.set(None);
                fill(t.live_pick_another(), &[("tier", tier)])
            } else if c.after == 0 {
                fill(t.live_sold_out(), &[("tier", tier)])
            } else if mine && order.clamp_quantity() {
                fill(t.live_lowered(), &[("tier", tier), ("n", &n)])
            } else {
                fill(t.live_left(), &[("tier", tier), ("n", &n)])
            };
            if mine {
                add_sentence(&mut shown, &line);
            }
            add_sentence(&mut said, &line);
        }
        heard.set(said);
        if !shown.is_empty() {
            note.set(shown);
        }
    });
    let following = Kept::new(false);
    // What `GET /api/v1/events/{id}` answered, from a load or from asking again while stale.
    let on_read = {
        let (proxy, id) = (ctx.proxy.clone(), event_id.clone());
        Handler::new(move |api::EventRead { event, stale: is_stale }| {
            let still_stale = is_stale && stale.get_untracked();
            stale.set(is_stale);
            if !following.get_value() && event.on_sale() {
                following.set_value(true);
                live::follow(proxy.clone(), id.clone(), on_snapshot);
                let detail = [("event_id", event.id.as_str().into()), ("title", event.title.as_str().into())];
                emit(&ctx.host, "ready", &detail);
            }
            // Asked again while stale, the proxy has the same last copy: nothing to redraw under
            // a buyer who is filling in the form.
            if !still_stale {
                order.event.set(Some(event));
            }
            order.settle_selection(preferred_tier.get_value().as_deref());
            load_problem.set(None);
        })
    };

    let load = {
        let proxy = ctx.proxy.clone();
        let id = event_id.clone();
        Handler::new(move |()| {
            let (proxy, id) = (proxy.clone(), id.clone());
            spawn_local(async move {
                match api::event(&proxy, &id).await {
                    Ok(read) => {
                        let again = read.stale;
                        on_read.run(read);
                        // A stale copy is asked for again every few seconds until a fresh answer
                        // or a live update (which clears `stale`), while the view is there.
                        if again {
                            live::poll(proxy, id, on_read, stale);
                        }
                    }
                    Err(problem) => {
                        emit_error(&ctx.host, t, &problem);
                        load_problem.set(Some(problem));
                    }
                }
            });
        })
    };
    load.run(());

    // One Idempotency-Key per order as placed: pressing Checkout again for the same order
    // (after a timeout, say) finds the session the first press opened instead of a second one.
    // The order as sent (its JSON) and its key: two `Option<String>`s, a type signals already have.
    let (placed, placed_key) = (Kept::new(None::<String>), Kept::new(None::<String>));
    let placing = Sig::new(false);
    let proxy = ctx.proxy.as_str();
    let on_answer = move |result: Result<CheckoutStarted, ApiProblem>| match result {
        Ok(CheckoutStarted { checkout_url }) => {
            if let (Some(event), Some(tier)) = (order.event.get_untracked(), order.selected_tier()) {
                let promo = order.promo.get_untracked();
                let detail = [
                    ("event_id", event.id.as_str().into()),
                    ("tier_id", tier.id.as_str().into()),
                    ("quantity", order.quantity.get_untracked().into()),
                    ("total", order.price().map(|p| p.total.to_js()).unwrap_or(JsValue::NULL)),
                    ("promo_code", str_or_null(promo.as_ref().map(|p| p.code.as_str()))),
                ];
                emit(&ctx.host, "checkout", &detail);
                let pending = PendingOrder {
                    event_title: event.title.clone(),
                    tier_id: tier.id.as_str().to_owned(),
                    tier_name: tier.name.clone(),
                    quantity: order.quantity.get_untracked(),
                    email: order.email.get_untracked().trim().to_owned(),
                };
                handoff::remember(event.id.as_str(), &pending);
            }
            handoff::go_to(&checkout_url);
        }
        Err(ApiProblem::Invalid(fields)) => {
            // The code expired or ran out since the preview: say so beside it, and show
            // the price without it rather than a discount that no longer exists.
            if let Some(f) = fields.iter().find(|f| f.field == Field::PromoCode) {
                order.promo.set(None);
                order.promo_problem.set(Some(f.problem));
            }
            order.show_all.set(true);
            alert.set(None);
        }
        Err(problem) => {
            emit_error(&ctx.host, t, &problem);
            // Seats may have gone: show what is left now.
            if problem == ApiProblem::SoldOut {
                load.run(());
            }
            alert.set(Some(problem));
        }
    };

    let on_submit = move |ev: web_sys::Event| {
        ev.prevent_default();
        if placing.get_untracked() {
            return;
        }
        alert.set(None);
        order.show_all.set(true);
        if !order.problems().is_empty() {
            return focus_first_invalid(&ev);
        }
        let Some(body) = wire::stringify(&order.request().to_js()) else { return };
        let same = placed.with_value(|p| p.as_ref() == Some(&body));
        let key = placed_key.get_value().filter(|_| same).unwrap_or_else(idempotency_key);
        placed.set_value(Some(body.clone()));
        placed_key.set_value(Some(key.clone()));
        handing_off.set_value(true);
        placing.set(true);
        spawn_local(async move {
            let result = api::checkout(proxy, &body, &key).await;
            placing.set(false);
            if result.is_err() {
                handing_off.set_value(false);
            }
            on_answer(result);
        });
    };

    // Drawn again only when what it shows changes, not on every live count.
    let header_key = move || {
        order.event.with(|e| e.as_ref().map(|e| (e.title.clone(), e.start_datetime.clone(), e.venue_name.clone())))
    };
    let header = move || {
        let Some((title, start, venue)) = header_key() else { return vec![] };
        let locale = ctx.locale.clone();
        let time = el("time").attr("datetime", &start);
        let meta = el_class("p", "tessera-meta")
            .child(time.text_soon(format::dates_ready(&locale), move || format::event_date(&start, &locale)))
            .child_opt(venue.map(|v| el_class("span", "tessera-venue").text(" · ").text(&v)));
        vec![el_class("header", "tessera-event-header")
            .attr("part", "header")
            .child(el_class("h2", "tessera-title").text(&title))
            .child(meta)]
    };

    // The form is drawn again only when what it offers changes (the event arrives, closes, can
    // no longer be bought here): live counts change its text in place, under the buyer's typing.
    let body_key = move || {
        let shown = order.event.with(|e| {
            e.as_ref().map(|e| {
                let elsewhere = e.sold_elsewhere.clone();
                let can_buy = elsewhere.is_none() && e.tiers.iter().any(|t| Quantity::max_for(t) > 0);
                (e.status, can_buy, elsewhere)
            })
        });
        let problem = if shown.is_none() { load_problem.get() } else { None };
        (shown, problem)
    };
    let body = move || {
        let (shown, problem) = body_key();
        let Some((status, can_buy, place)) = shown else {
            if let Some(problem) = problem {
                let retry = Handler::new(move |_| {
                    load_problem.set(None);
                    load.run(());
                });
                return problem_view(ctx, problem, Some(retry));
            }
            return el_class("p", "tessera-loading").attr("role", "status").text(t.loading());
        };
        let closed = match status {
            EventStatus::Active => None,
            EventStatus::Cancelled => Some(t.event_cancelled()),
            _ => Some(t.not_on_sale()),
        };
        if let Some(why) = closed {
            return el_class("p", "tessera-closed").text(why);
        }
        let elsewhere = place.is_some();
        let mut form = el_class("form", "tessera-form")
            .attr("novalidate", "")
            .on("submit", on_submit)
            .child(tier_picker(ctx, order, elsewhere))
            .child(el_class("p", "tessera-live-note").attr("role", "status").text_fn(move || {
                if stale.get() {
                    t.stale().to_owned()
                } else {
                    note.get()
                }
            }))
            .dyn_child(move || {
                let resale = order.event.with(|e| e.as_ref().and_then(|e| e.resale.clone()).filter(|r| r.sold > 0))?;
                let line = fill(t.resold(), &[("platform", &resale.platform), ("n", &decimal(resale.sold.into()))]);
                Some(el_class("p", "tessera-resale").text(&line))
            });
        if can_buy {
            form = form
                .child(quantity_picker(ctx, order))
                .child(buyer_form(ctx, order))
                .child(promo_field(ctx, order))
                .child(order_summary(ctx, order));
        }
        form = form.dyn_child(move || alert.get().map(|p| problem_view(ctx, p, None)));
        if can_buy {
            form = form.child(
                el_class("button", "tessera-checkout")
                    .attr("type", "submit")
                    .attr("part", "checkout-button")
                    .aria_fn("aria-disabled", move || placing.get())
                    .text_fn(move || (if placing.get() { t.checkout_pending() } else { t.checkout() }).to_owned()),
            );
        }
        form = form.dyn_child(move || {
            let all_gone = order.event.with(|e| e.as_ref().is_some_and(|e| e.tiers.iter().all(|t| t.available == 0)));
            all_gone.then(|| el_class("p", "tessera-closed").text(t.all_sold_out()))
        });
        // Bought on the platform's own page: the tiers without radios, what happens next, and
        // a link there (the whole page goes, as to a hosted checkout) when the platform gave one.
        if let Some(place) = place {
            let name = [("platform", place.platform.as_str())];
            let link = place.link().map(|url| (url.to_owned(), fill(t.continue_on(), &name)));
            let said = fill(t.sold_on(), &name);
            let said = if link.is_some() { [said.as_str(), " ", t.finish_there()].concat() } else { said };
            form = form.child(el_class("p", "tessera-elsewhere").text(&said));
            if let Some((url, label)) = link {
                let host = ctx.host.clone();
                let event_id = order.event_id().unwrap_or_default();
                let pairs =
                    [("event_id", event_id.into()), ("platform", place.platform.into()), ("url", url.as_str().into())];
                // `tessera:handoff` for the host page's analytics; the link then goes as usual.
                let detail = crate::wire::object(&pairs);
                form = form.child(
                    el_class("a", "tessera-checkout")
                        .attr("part", "checkout-button")
                        .attr("href", &url)
                        .attr("target", "_top")
                        .on("click", move |_| send(&host, "handoff", &detail))
                        .text(&label),
                );
            }
        }
        form
    };

    let back = on_back.map(|back| {
        el_class("button", "tessera-back")
            .attr("type", "button")
            .on("click", move |_| back.run(()))
            .text("← ")
            .text(t.back_to_events())
    });
    el_class("section", "tessera-event")
        .attr("part", "event")
        .child_opt(back)
        .dyn_child(move || notice.get().map(|r| return_notice(ctx, r, Handler::new(move |_| notice.set(None)))))
        .switch(header_key, header)
        .switch(body_key, move || vec![body()])
        .child(el_class("p", "tessera-visually-hidden").attr("aria-live", "polite").text_fn(move || heard.get()))
}

/// `sentence` after what `text` says, a space between. (`Vec<String>::join` would bring a
/// second copy of std's join into the wasm: `concat` on `&str`s has its own.)
fn add_sentence(text: &mut String, sentence: &str) {
    if !text.is_empty() {
        text.push(' ');
    }
    text.push_str(sentence);
}

/// A fresh random key (`crypto.randomUUID()`), or the time when the browser has none.
fn idempotency_key() -> String {
    let global = js_sys::global();
    let random = js_sys::Reflect::get(&global, &"crypto".into())
        .and_then(|crypto| {
            let uuid = js_sys::Reflect::get(&crypto, &"randomUUID".into())?;
            uuid.unchecked_into::<js_sys::Function>().call0(&crypto)
        })
        .ok()
        .and_then(|v| v.as_string());
    // Integers, not floats: formatting an f64 would pull float printing into the wasm.
    random.unwrap_or_else(|| {
        let (now, random) = (js_sys::Date::now() as u64, (js_sys::Math::random() * 1e15) as u64);
        ["t-", &decimal(now), "-", &decimal(random)].concat()
    })
}

/// Moves focus to the first field marked invalid, so keyboard and screen-reader users land
/// on what needs fixing.
fn focus_first_invalid(ev: &web_sys::Event) {
    use wasm_bindgen::JsCast;
    // The submit event's target is the form.
    let Some(form) = ev.target().map(|t| t.unchecked_into::<web_sys::Element>()) else { return };
    // Run after this render pass has marked the fields.
    crate::dom::next_frame(move || {
        if let Some(el) = crate::dom::dom(&form).query("[aria-invalid=\"true\"]") {
            // Only the widget's own inputs are marked invalid.
            crate::dom::dom(&el).focus();
        }
    });
}

/// `tessera:error` with what the buyer was told.
fn emit_error(host: &web_sys::HtmlElement, t: &'static crate::text::Texts, problem: &ApiProblem) {
    let kind = match problem {
        ApiProblem::Unreachable => "unreachable",
        ApiProblem::NotFound => "not_found",
        ApiProblem::SoldOut => "sold_out",
        ApiProblem::Invalid(_) => "invalid",
        ApiProblem::RateLimited(_) => "rate_limited",
        ApiProblem::Busy(_) => "busy",
        ApiProblem::Unavailable => "unavailable",
        ApiProblem::Other(_) => "other",
    };
    let message = super::problem_message(t, problem);
    emit(host, "error", &[("kind", kind.into()), ("message", message.into())]);
}
