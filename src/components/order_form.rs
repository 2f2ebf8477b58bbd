use leptos::prelude::*;
use tessera_core::{CheckoutRequest, CheckoutStarted, EventStatus, Field, Quantity, SoldElsewhere as Place};
use wasm_bindgen::JsCast;

use super::{
    BuyerForm, CheckoutButton, LiveNote, LiveState, OrderSummary, ProblemView, PromoField, QuantityPicker, SoldElsewhere,
    TierPicker,
};
use crate::api::{self, ApiProblem};
use crate::context::shop;
use crate::handoff::{self, PendingOrder};
use crate::host_events;
use crate::order::Order;

/// What the event offers now: drawn again only when this changes (the event arrives, closes,
/// can no longer be bought here), not on live counts, which change text in place under the
/// buyer's typing.
#[derive(Clone, PartialEq)]
enum Offer {
    Closed(EventStatus),
    OnSale { can_buy: bool, elsewhere: Option<Place> },
}

/// The tiers and, where they can be bought here, the order: quantity, buyer, promo code,
/// summary and the checkout. `holding` is set while the buyer's own checkout is being opened;
/// `reload` reads the event again after a checkout found the seats gone.
#[component]
pub fn OrderForm(order: Order, live: LiveState, holding: RwSignal<bool>, reload: Callback<()>) -> impl IntoView {
    let shop = shop();
    let t = shop.t;
    let alert = RwSignal::new(None::<ApiProblem>);
    // One Idempotency-Key per order as placed: pressing Checkout again for the same order (after
    // a timeout, say) finds the session the first press opened instead of a second one.
    let placed = StoredValue::new(None::<(CheckoutRequest, String)>);
    let checkout = Action::new_local({
        let proxy = shop.proxy.clone();
        move |(request, key): &(CheckoutRequest, String)| {
            let (proxy, request, key) = (proxy.clone(), request.clone(), key.clone());
            async move { api::checkout(&proxy, &request, &key).await }
        }
    });
    let on_answer = {
        let shop = shop.clone();
        move |result: Result<CheckoutStarted, ApiProblem>| match result {
            Ok(CheckoutStarted { checkout_url, .. }) => {
                if let (Some(event), Some(tier)) = (order.event.get_untracked(), order.selected.get_untracked()) {
                    let promo = order.promo.get_untracked();
                    let quantity = order.quantity.get_untracked();
                    shop.emit(
                        "checkout",
                        &host_events::Checkout {
                            event_id: event.id.as_str(),
                            tier_id: tier.id.as_str(),
                            quantity,
                            total: order.price.get_untracked().map(|p| p.total),
                            promo_code: promo.as_ref().map(|p| p.code.as_str()),
                        },
                    );
                    let pending = PendingOrder {
                        event_title: event.title.clone(),
                        tier_id: tier.id.as_str().to_owned(),
                        tier_name: tier.name.clone(),
                        quantity,
                        email: order.email.get_untracked().trim().to_owned(),
                    };
                    handoff::remember(event.id.as_str(), &pending);
                }
                handoff::go_to(&checkout_url);
            }
            Err(ApiProblem::Invalid(fields)) => {
                holding.set(false);
                // The code expired or ran out since the preview: say so beside it, and show the
                // price without it rather than a discount that no longer exists.
                if let Some(f) = fields.iter().find(|f| f.field == Field::PromoCode) {
                    order.promo.set(None);
                    order.promo_problem.set(Some(f.problem));
                }
                order.show_all.set(true);
                alert.set(None);
            }
            Err(problem) => {
                holding.set(false);
                shop.emit_error(&problem);
                // Seats may have gone: show what is left now.
                if problem == ApiProblem::SoldOut {
                    reload.run(());
                }
                alert.set(Some(problem));
            }
        }
    };
    Effect::new(move |_| {
        if let Some(result) = checkout.value().get() {
            on_answer(result);
        }
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if checkout.pending().get_untracked() {
            return;
        }
        alert.set(None);
        order.show_all.set(true);
        if !order.problems.get_untracked().is_empty() {
            return focus_first_invalid(&ev);
        }
        let request = order.request();
        let key = placed
            .with_value(|p| p.as_ref().filter(|(same, _)| *same == request).map(|(_, key)| key.clone()))
            .unwrap_or_else(idempotency_key);
        placed.set_value(Some((request.clone(), key.clone())));
        holding.set(true);
        checkout.dispatch((request, key));
    };

    let offer = Memo::new(move |_| {
        order.event.with(|e| {
            e.as_ref().map(|e| match e.status {
                EventStatus::Active => {
                    let elsewhere = e.sold_elsewhere.clone();
                    let can_buy = elsewhere.is_none() && e.tiers.iter().any(|t| Quantity::max_for(t) > 0);
                    Offer::OnSale { can_buy, elsewhere }
                }
                status => Offer::Closed(status),
            })
        })
    });
    let resale = move || {
        let resale = order.event.with(|e| e.as_ref().and_then(|e| e.resale.clone()).filter(|r| r.sold > 0))?;
        let line = crate::text::fill(t.resold(), &[("platform", &resale.platform), ("n", &resale.sold.to_string())]);
        Some(view! { <p class="tessera-resale">{line}</p> })
    };
    let all_gone = move || order.event.with(|e| e.as_ref().is_some_and(|e| e.tiers.iter().all(|t| t.available == 0)));

    move || match offer.get()? {
        Offer::Closed(status) => {
            let why = if status == EventStatus::Cancelled { t.event_cancelled() } else { t.not_on_sale() };
            Some(view! { <p class="tessera-closed">{why}</p> }.into_any())
        }
        Offer::OnSale { can_buy, elsewhere } => {
            let list_only = elsewhere.is_some();
            Some(view! {
                <form class="tessera-form" novalidate on:submit=on_submit>
                    <TierPicker order list_only />
                    <LiveNote live />
                    {resale}
                    {can_buy.then(|| view! {
                        <QuantityPicker order />
                        <BuyerForm order />
                        <PromoField order />
                        <OrderSummary order />
                    })}
                    {move || alert.get().map(|problem| view! { <ProblemView problem /> })}
                    {can_buy.then(|| view! { <CheckoutButton pending=checkout.pending() /> })}
                    {move || all_gone().then(|| view! { <p class="tessera-closed">{t.all_sold_out()}</p> })}
                    {elsewhere.map(|place| view! { <SoldElsewhere order place /> })}
                </form>
            }
            .into_any())
        }
    }
}

/// A fresh random key (`crypto.randomUUID()`), or the time and a random number where the
/// browser has none (an insecure context).
fn idempotency_key() -> String {
    let uuid = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &"crypto".into()).ok())
        .and_then(|crypto| {
            let make = js_sys::Reflect::get(&crypto, &"randomUUID".into()).ok()?;
            make.dyn_into::<js_sys::Function>().ok()?.call0(&crypto).ok()
        })
        .and_then(|v| v.as_string());
    uuid.unwrap_or_else(|| format!("t-{}-{}", js_sys::Date::now() as u64, (js_sys::Math::random() * 1e15) as u64))
}

/// Moves focus to the first field marked invalid, so keyboard and screen-reader users land on
/// what needs fixing.
fn focus_first_invalid(ev: &leptos::ev::SubmitEvent) {
    // The submit event's target is the form.
    let Some(form) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
    // After this render pass has marked the fields.
    request_animation_frame(move || {
        if let Ok(Some(el)) = form.query_selector("[aria-invalid=\"true\"]") {
            let _ = el.unchecked_into::<web_sys::HtmlElement>().focus();
        }
    });
}
