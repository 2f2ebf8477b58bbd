use leptos::prelude::*;
use leptos::task::spawn_local;
use tessera_core::{CheckoutRequest, EventStatus, Field, Quantity, Snapshot};

use super::{use_ctx, BuyerForm, OrderSummary, ProblemView, PromoField, QuantityPicker, ReturnNotice, TierPicker};
use crate::api::{self, ApiProblem, CheckoutStarted};
use crate::format;
use crate::handoff::{self, Outcome, PendingOrder, Return};
use crate::host_events::{emit, send};
use crate::live;
use crate::order_state::OrderState;
use crate::text::fill;
use crate::wire::{str_or_null, ToJs};
use wasm_bindgen::{JsCast, JsValue};

#[component]
pub fn EventView(
    event_id: String,
    returned: Option<Return>,
    /// Shown in list mode to go back to all events.
    #[prop(optional)]
    on_back: Option<Callback<()>>,
) -> impl IntoView {
    let ctx = use_ctx();
    let t = ctx.t;
    let order = OrderState::new();
    let host = StoredValue::new_local(ctx.host.clone());
    let load_problem = RwSignal::new(None::<ApiProblem>);
    let alert = RwSignal::new(None::<ApiProblem>);
    let notice = RwSignal::new(returned.clone());
    // After a cancelled payment, offer the same tier and quantity again.
    let preferred_tier =
        StoredValue::new(returned.as_ref().filter(|r| r.outcome == Outcome::Cancelled).and_then(|r| r.pending.clone()));
    if let Some(p) = preferred_tier.get_value() {
        order.quantity.set(p.quantity);
        order.email.set(p.email);
    }

    // Live counts: every change is told politely to screen readers; a change to the
    // buyer's own choice is also shown, beside the tiers.
    let heard = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    // The proxy could not reach the platform and served its last copy: said (politely) beside
    // the tiers, in the place of the note above, until a fresh read or a live update.
    let stale = RwSignal::new(false);
    // Set from Checkout until the answer: the seats this buyer's own checkout holds come back
    // as a live update, and must not lower the quantity of the order being placed.
    let handing_off = StoredValue::new(false);
    let on_snapshot = Callback::new(move |snapshot: Snapshot| {
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
            return heard.set(if status == EventStatus::Cancelled { t.event_cancelled } else { t.not_on_sale }.into());
        }
        if handing_off.get_value() {
            return;
        }
        let chosen = order.tier.get_untracked();
        let (mut said, mut shown) = (Vec::new(), Vec::new());
        for (c, open) in changes.into_iter().zip(open) {
            let (tier, n) = (c.name.as_str(), c.after.to_string());
            let mine = chosen.as_ref() == Some(&c.id);
            let line = if !open && mine {
                order.tier.set(None);
                fill(t.live_pick_another, &[("tier", tier)])
            } else if c.after == 0 {
                fill(t.live_sold_out, &[("tier", tier)])
            } else if mine && order.clamp_quantity() {
                fill(t.live_lowered, &[("tier", tier), ("n", &n)])
            } else {
                fill(t.live_left, &[("tier", tier), ("n", &n)])
            };
            if mine {
                shown.push(line.clone());
            }
            said.push(line);
        }
        heard.set(said.join(" "));
        if !shown.is_empty() {
            note.set(shown.join(" "));
        }
    });
    let following = StoredValue::new(false);
    // What `GET /api/v1/events/{id}` answered, from a load or from asking again while stale.
    let on_read = {
        let (proxy, id) = (ctx.proxy.clone(), event_id.clone());
        Callback::new(move |api::EventRead { event, stale: is_stale }| {
            let still_stale = is_stale && stale.get_untracked();
            stale.set(is_stale);
            if !following.get_value() && event.on_sale() {
                following.set_value(true);
                live::follow(proxy.clone(), id.clone(), on_snapshot);
                let detail = [("event_id", event.id.as_str().into()), ("title", event.title.as_str().into())];
                emit(&host.get_value(), "ready", &detail);
            }
            // Asked again while stale, the proxy has the same last copy: nothing to redraw under
            // a buyer who is filling in the form.
            if !still_stale {
                order.event.set(Some(event));
            }
            let preferred = preferred_tier.get_value().map(|p| p.tier_id);
            order.settle_selection(preferred.as_deref());
            load_problem.set(None);
        })
    };

    let load = {
        let proxy = ctx.proxy.clone();
        let id = event_id.clone();
        move || {
            let (proxy, id) = (proxy.clone(), id.clone());
            spawn_local(async move {
                match api::event(&proxy, &id).await {
                    Ok(read) => {
                        let again = read.stale;
                        on_read.run(read);
                        // A stale copy is asked for again every few seconds until a fresh answer
                        // or a live update (which clears `stale`), while the view is there.
                        if again {
                            live::poll(proxy, id, on_read, move || stale.try_get_untracked() == Some(true));
                        }
                    }
                    Err(problem) => {
                        emit_error(&host.get_value(), t, &problem);
                        load_problem.set(Some(problem));
                    }
                }
            });
        }
    };
    let load = StoredValue::new(load);
    load.with_value(|l| l());

    // One Idempotency-Key per order as placed: pressing Checkout again for the same order
    // (after a timeout, say) finds the session the first press opened instead of a second one.
    let attempt = StoredValue::new(None::<(CheckoutRequest, String)>);
    let placing = RwSignal::new(false);
    let proxy = StoredValue::new(ctx.proxy.clone());
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
                emit(&host.get_value(), "checkout", &detail);
                let pending = PendingOrder {
                    event_title: event.title.clone(),
                    tier_id: tier.id.to_string(),
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
            emit_error(&host.get_value(), t, &problem);
            // Seats may have gone: show what is left now.
            if problem == ApiProblem::SoldOut {
                load.with_value(|l| l());
            }
            alert.set(Some(problem));
        }
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if placing.get_untracked() {
            return;
        }
        alert.set(None);
        order.show_all.set(true);
        if !order.problems().is_empty() {
            return focus_first_invalid(&ev);
        }
        let request = order.request();
        let key = attempt
            .with_value(|a| a.as_ref().filter(|(placed, _)| placed == &request).map(|(_, key)| key.clone()))
            .unwrap_or_else(idempotency_key);
        attempt.set_value(Some((request.clone(), key.clone())));
        handing_off.set_value(true);
        placing.set(true);
        spawn_local(async move {
            let result = api::checkout(&proxy.get_value(), &request, &key).await;
            placing.set(false);
            if result.is_err() {
                handing_off.set_value(false);
            }
            on_answer(result);
        });
    };

    let header = move || {
        order.event.with(|e| {
            e.as_ref().map(|e| {
                let when = format::event_date(&e.start_datetime, &use_ctx().locale);
                let venue = e.venue_name.clone();
                view! {
                    <header class="tessera-event-header" part="header">
                        <h2 class="tessera-title">{e.title.clone()}</h2>
                        <p class="tessera-meta">
                            <time datetime=e.start_datetime.clone()>{when}</time>
                            {venue.map(|v| view! { <span class="tessera-venue">" · " {v}</span> })}
                        </p>
                    </header>
                }
            })
        })
    };

    let body = move || {
        let Some((status, all_gone, can_buy, elsewhere)) = order.event.with(|e| {
            e.as_ref().map(|e| {
                let elsewhere = e.sold_elsewhere.is_some();
                let all_gone = e.tiers.iter().all(|t| t.available == 0);
                let can_buy = !elsewhere && e.tiers.iter().any(|t| Quantity::max_for(t) > 0);
                (e.status, all_gone, can_buy, elsewhere)
            })
        }) else {
            if let Some(problem) = load_problem.get() {
                let retry = Callback::new(move |_| {
                    load_problem.set(None);
                    load.with_value(|l| l());
                });
                return view! { <ProblemView problem=problem retry=retry/> }.into_any();
            }
            return view! { <p class="tessera-loading" role="status">{t.loading}</p> }.into_any();
        };
        let closed = match status {
            EventStatus::Active => None,
            EventStatus::Cancelled => Some(t.event_cancelled),
            _ => Some(t.not_on_sale),
        };
        if let Some(why) = closed {
            return view! { <p class="tessera-closed">{why}</p> }.into_any();
        }
        let (resale, place) = order.event.with_untracked(|e| {
            let e = e.as_ref().expect("an event is shown");
            (e.resale.clone().filter(|r| r.sold > 0), e.sold_elsewhere.clone().map(|p| (e.id.to_string(), p)))
        });
        let resale = resale.map(|r| fill(t.resold, &[("platform", &r.platform), ("n", &r.sold.to_string())]));
        // Bought on the platform's own page: the tiers without radios, what happens next, and
        // a link there (the whole page goes, as to a hosted checkout) when the platform gave one.
        let (said, link) = match place {
            None => (None, None),
            Some((event_id, place)) => {
                let name = [("platform", place.platform.as_str())];
                let link = place.link().map(|url| (url.to_owned(), fill(t.continue_on, &name)));
                let said = fill(t.sold_on, &name);
                let said = if link.is_some() { format!("{said} {}", t.finish_there) } else { said };
                let link = link.map(|(url, label)| {
                    let host = host.get_value();
                    let pairs = [
                        ("event_id", event_id.into()),
                        ("platform", place.platform.into()),
                        ("url", url.as_str().into()),
                    ];
                    // `tessera:handoff` for the host page's analytics; the link then goes as usual.
                    let detail = crate::wire::object(&pairs);
                    view! {
                        <a class="tessera-checkout" part="checkout-button" href=url target="_top"
                            on:click=move |_| send(&host, "handoff", &detail)>{label}</a>
                    }
                });
                (Some(said), link)
            }
        };
        view! {
            <form class="tessera-form" novalidate on:submit=on_submit>
                <TierPicker order=order list_only=elsewhere/>
                <p class="tessera-live-note" role="status">
                    {move || if stale.get() { t.stale.to_owned() } else { note.get() }}
                </p>
                {resale.map(|line| view! { <p class="tessera-resale">{line}</p> })}
                {can_buy.then(|| view! {
                    <QuantityPicker order=order/>
                    <BuyerForm order=order/>
                    <PromoField order=order/>
                    <OrderSummary order=order/>
                })}
                {move || alert.get().map(|p| view! { <ProblemView problem=p/> })}
                {can_buy.then(|| view! {
                    <button type="submit" class="tessera-checkout" part="checkout-button"
                        aria-disabled=move || placing.get().to_string()>
                        {move || if placing.get() { t.checkout_pending } else { t.checkout }}
                    </button>
                })}
                {all_gone.then(|| view! { <p class="tessera-closed">{t.all_sold_out}</p> })}
                {said.map(|said| view! { <p class="tessera-elsewhere">{said}</p> })}
                {link}
            </form>
        }
        .into_any()
    };

    view! {
        <section class="tessera-event" part="event">
            {on_back.map(|back| view! {
                <button type="button" class="tessera-back" on:click=move |_| back.run(())>
                    "← " {t.back_to_events}
                </button>
            })}
            {move || notice.get().map(|r| view! {
                <ReturnNotice returned=r on_dismiss=Callback::new(move |_| notice.set(None))/>
            })}
            {header}
            {body}
            <p class="tessera-visually-hidden" aria-live="polite">{move || heard.get()}</p>
        </section>
    }
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
    random.unwrap_or_else(|| format!("t-{}-{}", js_sys::Date::now() as u64, (js_sys::Math::random() * 1e15) as u64))
}

/// Moves focus to the first field marked invalid, so keyboard and screen-reader users land
/// on what needs fixing.
fn focus_first_invalid(ev: &leptos::ev::SubmitEvent) {
    use wasm_bindgen::JsCast;
    let Some(form) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
    // Run after this render pass has marked the fields.
    request_animation_frame(move || {
        if let Ok(Some(el)) = form.query_selector("[aria-invalid=\"true\"]") {
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
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
