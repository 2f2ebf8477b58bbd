use leptos::prelude::*;
use tessera_core::{EventStatus, Quantity, SoldElsewhere as Place};
use wasm_bindgen::JsCast;

use super::{
    BuyerForm, CheckoutButton, LiveNote, OrderSummary, ProblemView, PromoField, QuantityPicker, SoldElsewhere,
    TierPicker, WaitlistForm,
};
use crate::api::ApiProblem;
use crate::checkout::{self, Checkout};
use crate::context::shop;
use crate::feed::LiveState;
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
    let checkout = Checkout::new(shop.proxy.clone());
    let action = format!("{}/api/v1/checkout", shop.proxy);
    let event_id = order.event_id().unwrap_or_default();
    Effect::new(move |_| {
        if let Some(result) = checkout.action.value().get() {
            if result.is_err() {
                holding.set(false);
            }
            checkout::answered(&shop, order, alert, reload, result);
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if checkout.action.pending().get_untracked() {
            return;
        }
        alert.set(None);
        order.show_all.set(true);
        if !order.problems.get_untracked().is_empty() {
            return focus_first_invalid(&ev);
        }
        holding.set(true);
        checkout.place(order.request());
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
        Some(view! { class = "tessera-el", <p class="tessera-resale">{line}</p> })
    };
    let all_gone = move || order.event.with(|e| e.as_ref().is_some_and(|e| e.tiers.iter().all(|t| t.available == 0)));

    move || match offer.get()? {
        Offer::Closed(status) => {
            let why = if status == EventStatus::Cancelled { t.event_cancelled() } else { t.not_on_sale() };
            Some(view! { class = "tessera-el", <p class="tessera-closed">{why}</p> }.into_any())
        }
        Offer::OnSale { can_buy, elsewhere } => {
            let list_only = elsewhere.is_some();
            Some(
                view! { class = "tessera-el",
                    // A form a browser can send by itself: until the wasm has taken over the first
                    // view (or if it never does), Continue posts it to the proxy's checkout, which
                    // answers with the hosted payment page.
                    <form class="tessera-form" novalidate method="post" action=action.clone() on:submit=on_submit>
                        {can_buy.then(|| view! { class = "tessera-el",
                            <input type="hidden" name="event_id" value=event_id.clone() />
                            // The loader writes the page's address here (the proxy cannot know it).
                            <input type="hidden" name="page_url" value="" />
                        })}
                        <TierPicker order list_only />
                        <LiveNote live />
                        {resale}
                        {can_buy.then(|| view! { class = "tessera-el",
                            <QuantityPicker order />
                            <BuyerForm order />
                            <PromoField order />
                            <OrderSummary order />
                        })}
                        {move || alert.get().map(|problem| view! { class = "tessera-el", <ProblemView problem /> })}
                        {can_buy.then(|| view! { class = "tessera-el", <CheckoutButton pending=checkout.action.pending() /> })}
                        {move || all_gone().then(|| view! { class = "tessera-el", <p class="tessera-closed">{t.all_sold_out()}</p> })}
                        {elsewhere.map(|place| view! { class = "tessera-el", <SoldElsewhere order place /> })}
                    </form>
                    // A form of its own beside the order's (forms do not nest).
                    {(!list_only).then(|| view! { class = "tessera-el", <WaitlistForm order /> })}
                }
                .into_any(),
            )
        }
    }
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
