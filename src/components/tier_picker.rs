use leptos::prelude::*;
use tessera_core::{Availability, TierId};

use super::use_ctx;
use crate::format;
use crate::host_events::emit;
use crate::order_state::OrderState;
use crate::text::fill;
use crate::wire::ToJs;

/// The tiers as one radio group: name, price and what is left. A sold-out tier stays
/// visible (buyers want to know it existed) but cannot be chosen.
#[component]
pub fn TierPicker(order: OrderState) -> impl IntoView {
    let t = use_ctx().t;
    let ids = move || {
        order
            .event
            .with(|e| e.as_ref().map(|e| e.tiers.iter().map(|t| t.id.clone()).collect::<Vec<_>>()).unwrap_or_default())
    };
    view! {
        <fieldset class="tessera-tiers" part="tiers">
            <legend>{t.choose_tickets}</legend>
            <For each=ids key=|id| id.clone() children=move |id: TierId| view! { <TierOption id=id order=order/> }/>
        </fieldset>
    }
}

#[component]
fn TierOption(id: TierId, order: OrderState) -> impl IntoView {
    let ctx = use_ctx();
    let t = ctx.t;
    let tier_id = StoredValue::new(id.clone());
    let tier = Memo::new(move |_| order.event.with(|e| e.as_ref().and_then(|e| e.tier(&tier_id.get_value()).cloned())));
    let dom_id = format!("tier-{id}");
    let availability = move || tier.with(|t| t.as_ref().map(|t| t.availability()).unwrap_or(Availability::SoldOut));
    let sold_out = move || availability().is_sold_out();
    let checked = move || order.tier.with(|sel| sel.as_ref() == Some(&tier_id.get_value()));
    let locale = ctx.locale.clone();
    let price = move || tier.with(|t| t.as_ref().map(|t| format::money(t.price, &locale)).unwrap_or_default());
    let left = move || match availability() {
        Availability::SoldOut => t.sold_out.to_owned(),
        Availability::FewLeft(n) => fill(t.few_left, &[("n", &n.to_string())]),
        Availability::Available(n) => fill(t.left, &[("n", &n.to_string())]),
    };
    let name = move || tier.with(|t| t.as_ref().map(|t| t.name.clone()).unwrap_or_default());
    let host = StoredValue::new_local(ctx.host.clone());
    let chosen = move || {
        order.tier.set(Some(tier_id.get_value()));
        order.clamp_quantity();
        let event_id = order.event.with_untracked(|e| e.as_ref().map(|e| e.id.to_string())).unwrap_or_default();
        tier.with_untracked(|t| {
            if let Some(t) = t {
                let detail = [
                    ("event_id", event_id.as_str().into()),
                    ("tier_id", t.id.as_str().into()),
                    ("tier_name", t.name.as_str().into()),
                    ("price", t.price.to_js()),
                ];
                emit(&host.get_value(), "tier-change", &detail);
            }
        });
    };
    view! {
        <div class="tessera-tier" part="tier" class:tessera-sold-out=sold_out class:tessera-selected=checked>
            <input type="radio" name="tier" id=dom_id.clone() value=id.to_string()
                prop:checked=checked disabled=sold_out
                on:change=move |_| chosen()/>
            <label for=dom_id>
                // The separators keep the accessible name readable: "VIP, ₱2,500.00, Only 3 left".
                <span class="tessera-tier-name">{name}</span>
                <span class="tessera-visually-hidden">", "</span>
                <span class="tessera-tier-price">{price}</span>
                <span class="tessera-visually-hidden">", "</span>
                <span class="tessera-tier-left" class:tessera-few=move || matches!(availability(), Availability::FewLeft(_))>{left}</span>
            </label>
        </div>
    }
}

