use leptos::prelude::*;
use tessera_core::{Availability, Money, Quantity, Tier, TierId};

use crate::context::shop;
use crate::format;
use crate::host_events;
use crate::order::Order;
use crate::text::{fill, Texts};

/// The tiers as one radio group: name, price and what is left. A tier that cannot be bought
/// now (sold out, its sale not open yet or over) stays visible, since buyers want to know it
/// exists, but cannot be chosen. `list_only`: the same rows with their radios off (and hidden
/// by the stylesheet), where the tickets are bought on another platform's page.
#[component]
pub fn TierPicker(order: Order, list_only: bool) -> impl IntoView {
    let shop = shop();
    let (t, locale) = (shop.t, shop.locale.clone());
    // Names, prices and sale periods are drawn once per list; live updates change only counts,
    // so the rows are drawn again only when the tiers themselves change (a reload).
    let rows = Memo::new(move |_| {
        order.event.with(|e| {
            e.as_ref()
                .map(|e| {
                    e.tiers
                        .iter()
                        .map(|tier| (tier.id.clone(), tier.name.clone(), tier.price, off_sale(t, tier, &locale)))
                        .collect()
                })
                .unwrap_or_else(Vec::new)
        })
    });
    view! { class = "tessera-el",
        <fieldset class="tessera-tiers" part="tiers">
            <legend>{t.choose_tickets()}</legend>
            <For each=move || rows.get() key=|row| row.clone() let:row>
                <TierOption order id=row.0 name=row.1 price=row.2 off=row.3 list_only />
            </For>
        </fieldset>
    }
}

/// Why a tier is not on sale now, in the buyer's words: "Sale opens Sat, 1 Mar 2030, 10:00 AM"
/// (in the platform's own offset, as event times are shown) or "Not on sale".
fn off_sale(t: &Texts, tier: &Tier, locale: &str) -> Option<String> {
    if tier.sale_closed {
        return Some(t.off_sale().to_owned());
    }
    let opens = tier.sale_opens_at.as_deref()?;
    Some(fill(t.sale_opens(), &[("when", &format::event_date(opens, locale))]))
}

#[component]
fn TierOption(
    order: Order,
    id: TierId,
    name: String,
    price: Money,
    off: Option<String>,
    list_only: bool,
) -> impl IntoView {
    let shop = shop();
    let t = shop.t;
    let shown_price = format::money(price, &shop.locale);
    let dom_id = format!("tier-{}", id.as_str());
    let tier_id = StoredValue::new(id.clone());
    // What is left, and whether an order of this tier is possible now.
    let state = Memo::new(move |_| {
        order.event.with(|e| {
            e.as_ref()
                .and_then(|e| tier_id.with_value(|id| e.tier(id)).map(|t| (t.availability(), Quantity::max_for(t) > 0)))
                .unwrap_or((Availability::SoldOut, false))
        })
    });
    let closed = move || list_only || !state.get().1;
    let checked = move || order.tier.with(|chosen| tier_id.with_value(|id| chosen.as_ref() == Some(id)));
    let choose = {
        let name = name.clone();
        move |_| {
            order.tier.set(Some(tier_id.get_value()));
            order.clamp_quantity();
            let event_id = order.event_id().unwrap_or_default();
            let id = tier_id.get_value();
            shop.emit(
                "tier-change",
                &host_events::TierChange { event_id: &event_id, tier_id: id.as_str(), tier_name: &name, price },
            );
            let title = order.event.with_untracked(|e| e.as_ref().map(|e| e.title.clone())).unwrap_or_default();
            shop.ecommerce("select_item", || crate::data_layer::Ecommerce {
                item_list_name: Some(&title),
                ..crate::data_layer::Ecommerce::items(vec![crate::data_layer::Item::of(
                    &title,
                    id.as_str(),
                    &name,
                    price,
                    1,
                )])
            });
        }
    };
    let class = move || match (list_only, closed(), checked()) {
        (true, ..) => "tessera-tier tessera-listed",
        (_, true, _) => "tessera-tier tessera-sold-out",
        (_, _, true) => "tessera-tier tessera-selected",
        _ => "tessera-tier",
    };
    let off = StoredValue::new(off);
    let left = move || match (off.get_value(), state.get().0) {
        (Some(why), _) => ("tessera-tier-left", why),
        (None, Availability::SoldOut) => ("tessera-tier-left", t.sold_out().to_owned()),
        (None, Availability::FewLeft(n)) => {
            ("tessera-tier-left tessera-few", fill(t.few_left(), &[("n", &n.to_string())]))
        }
        (None, Availability::Available(n)) => ("tessera-tier-left", t.left(n)),
    };
    // The separators keep the accessible name readable: "VIP, ₱2,500.00, Only 3 left".
    view! { class = "tessera-el",
        <div class=class part="tier">
            <input
                type="radio"
                name="tier_id"
                id=dom_id.clone()
                value=id.as_str().to_owned()
                checked=untrack(checked)
                prop:checked=checked
                disabled=closed
                on:change=choose
            />
            <label for=dom_id>
                <span class="tessera-tier-name">{name}</span>
                <span class="tessera-visually-hidden">", "</span>
                <span class="tessera-tier-price">{shown_price}</span>
                <span class="tessera-visually-hidden">", "</span>
                <span class=move || left().0>{move || left().1}</span>
            </label>
        </div>
    }
}
