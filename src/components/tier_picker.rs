use leptos::prelude::*;
use tessera_core::{Availability, Money, TierId};

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
    // Names and prices are drawn once per list; live updates change only counts, so the
    // list is redrawn only when the tiers themselves change (a reload).
    let tiers = Memo::new(move |_| {
        order.event.with(|e| {
            e.as_ref().map(|e| e.tiers.iter().map(|t| (t.id.clone(), t.name.clone(), t.price)).collect::<Vec<_>>())
        })
    });
    view! {
        <fieldset class="tessera-tiers" part="tiers">
            <legend>{t.choose_tickets}</legend>
            {move || tiers.get().unwrap_or_default().into_iter().map(|(id, name, price)| tier_option(id, name, price, order)).collect_view()}
        </fieldset>
    }
}

fn tier_option(id: TierId, name: String, price: Money, order: OrderState) -> impl IntoView {
    let ctx = use_ctx();
    let t = ctx.t;
    let dom_id = format!("tier-{id}");
    let tier_id = StoredValue::new(id.clone());
    let availability = Memo::new(move |_| {
        order.event.with(|e| {
            e.as_ref().and_then(|e| e.tier(&tier_id.get_value())).map(|t| t.availability()).unwrap_or(Availability::SoldOut)
        })
    });
    let checked = move || order.tier.with(|sel| sel.as_ref() == Some(&tier_id.get_value()));
    let host = StoredValue::new_local(ctx.host.clone());
    let chosen = {
        let name = name.clone();
        move || {
            order.tier.set(Some(tier_id.get_value()));
            order.clamp_quantity();
            let event_id = order.event.with_untracked(|e| e.as_ref().map(|e| e.id.to_string())).unwrap_or_default();
            let detail = [
                ("event_id", event_id.into()),
                ("tier_id", tier_id.get_value().as_str().into()),
                ("tier_name", name.as_str().into()),
                ("price", price.to_js()),
            ];
            emit(&host.get_value(), "tier-change", &detail);
        }
    };
    let class = move || match (availability.get().is_sold_out(), checked()) {
        (true, _) => "tessera-tier tessera-sold-out",
        (false, true) => "tessera-tier tessera-selected",
        (false, false) => "tessera-tier",
    };
    let left = move || match availability.get() {
        Availability::SoldOut => ("tessera-tier-left", t.sold_out.to_owned()),
        Availability::FewLeft(n) => ("tessera-tier-left tessera-few", fill(t.few_left, &[("n", &n.to_string())])),
        Availability::Available(n) => ("tessera-tier-left", fill(t.left, &[("n", &n.to_string())])),
    };
    let price = format::money(price, &ctx.locale);
    view! {
        <div class=class part="tier">
            <input type="radio" name="tier" id=dom_id.clone() value=id.to_string()
                prop:checked=checked disabled=move || availability.get().is_sold_out()
                on:change=move |_| chosen()/>
            <label for=dom_id>
                // The separators keep the accessible name readable: "VIP, ₱2,500.00, Only 3 left".
                <span class="tessera-tier-name">{name}</span>
                <span class="tessera-visually-hidden">", "</span>
                <span class="tessera-tier-price">{price}</span>
                <span class="tessera-visually-hidden">", "</span>
                {move || { let (class, text) = left(); view! { <span class=class>{text}</span> } }}
            </label>
        </div>
    }
}
