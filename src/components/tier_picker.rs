use tessera_core::text::decimal;
use tessera_core::{Availability, Money, Quantity, Tier, TierId};

use super::Ctx;
use crate::dom::{el, el_class, El};
use crate::format;
use crate::host_events::emit;
use crate::order_state::OrderState;
use crate::state::Kept;
use crate::text::{fill, Texts};
use crate::wire::ToJs;

/// The tiers as one radio group: name, price and what is left. A tier that cannot be bought
/// now (sold out, its sale not open yet or over) stays visible, since buyers want to know it
/// exists, but cannot be chosen. `list_only`: the same rows with their radios off (and hidden
/// by the stylesheet), where the tickets are bought on another platform's page and there is
/// nothing to choose here.
pub fn tier_picker(ctx: &'static Ctx, order: OrderState, list_only: bool) -> El {
    let t = ctx.t;
    let locale = ctx.locale.as_str();
    // Names, prices and sale periods are drawn once per list; live updates change only
    // counts, so the list is redrawn only when the tiers themselves change (a reload).
    // Not a Memo (a type of its own costs wasm bytes): `switch` compares the same list.
    let tiers = move || {
        order.event.with(|e| {
            e.as_ref().map(|e| {
                e.tiers
                    .iter()
                    .map(|tier| {
                        let off = off_sale(t, tier, locale);
                        (tier.id.clone(), tier.name.clone(), tier.price, off)
                    })
                    .collect::<Vec<_>>()
            })
        })
    };
    el_class("fieldset", "tessera-tiers").attr("part", "tiers").child(el("legend").text(t.choose_tickets())).switch(
        tiers,
        move || {
            tiers()
                .unwrap_or_default()
                .into_iter()
                .map(|(id, name, price, off)| tier_option(ctx, id, name, price, off, order, list_only))
                .collect()
        },
    )
}

/// Why a tier is not on sale now, in the buyer's words: "Sale opens Sat, 1 Mar 2030, 10:00 AM"
/// (in the platform's own offset, as event times are shown) or "Not on sale".
fn off_sale(t: &Texts, tier: &Tier, locale: &str) -> Option<String> {
    if tier.sale_closed {
        return Some(t.off_sale().into());
    }
    let opens = tier.sale_opens_at.as_deref()?;
    Some(fill(t.sale_opens(), &[("when", &format::event_date(opens, locale))]))
}

fn tier_option(
    ctx: &'static Ctx,
    id: TierId,
    name: String,
    price: Money,
    off: Option<String>,
    order: OrderState,
    list_only: bool,
) -> El {
    let t = ctx.t;
    let dom_id = ["tier-", id.as_str()].concat();
    // Always `Some`: as an `Option` it shares its slot type with `order.tier`.
    let tier_id = Kept::new(Some(id.clone()));
    // What is left, and whether an order of this tier is possible now.
    // Not a Memo: a Memo of its own type costs the wasm more than working this out again.
    let state = move || {
        order.event.with(|e| {
            e.as_ref()
                .zip(tier_id.get_value())
                .and_then(|(e, id)| e.tier(&id))
                .map(|t| (t.availability(), Quantity::max_for(t) > 0))
                .unwrap_or((Availability::SoldOut, false))
        })
    };
    // Where the tickets are bought on another platform's page there is nothing to choose:
    // the radio is off, and hidden by the stylesheet.
    let closed = move || list_only || !state().1;
    let checked = move || order.tier.with(|sel| *sel == tier_id.get_value());
    let chosen = {
        let (name, id) = (name.clone(), id.clone());
        move || {
            order.tier.set(tier_id.get_value());
            order.clamp_quantity();
            let event_id = order.event_id().unwrap_or_default();
            let detail = [
                ("event_id", event_id.into()),
                ("tier_id", id.as_str().into()),
                ("tier_name", name.as_str().into()),
                ("price", price.to_js()),
            ];
            emit(&ctx.host, "tier-change", &detail);
        }
    };
    let class = move || match (list_only, closed(), checked()) {
        (true, ..) => "tessera-tier tessera-listed",
        (_, true, _) => "tessera-tier tessera-sold-out",
        (_, _, true) => "tessera-tier tessera-selected",
        _ => "tessera-tier",
    };
    let off = Kept::new(off);
    let left = move || match (off.get_value(), state().0) {
        (Some(why), _) => ("tessera-tier-left", why),
        (None, Availability::SoldOut) => ("tessera-tier-left", t.sold_out().to_owned()),
        (None, Availability::FewLeft(n)) => {
            ("tessera-tier-left tessera-few", fill(t.few_left(), &[("n", &decimal(n.into()))]))
        }
        (None, Availability::Available(n)) => ("tessera-tier-left", fill(t.left(), &[("n", &decimal(n.into()))])),
    };
    let price = format::money(price, &ctx.locale);
    let radio = el("input")
        .attr("type", "radio")
        .attr("name", "tier")
        .attr("id", &dom_id)
        .attr("value", id.as_str())
        .prop_fn("checked", move || checked().into())
        .flag_fn("disabled", closed)
        .on("change", move |_| chosen());
    // The separators keep the accessible name readable: "VIP, ₱2,500.00, Only 3 left".
    let label = el("label")
        .attr("for", &dom_id)
        .child(el_class("span", "tessera-tier-name").text(&name))
        .child(el_class("span", "tessera-visually-hidden").text(", "))
        .child(el_class("span", "tessera-tier-price").text(&price))
        .child(el_class("span", "tessera-visually-hidden").text(", "))
        .child(el("span").attr_fn("class", move || Some(left().0.to_owned())).text_fn(move || left().1));
    el("div").attr_fn("class", move || Some(class().to_owned())).attr("part", "tier").child(radio).child(label)
}
