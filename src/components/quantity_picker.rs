use tessera_core::text::decimal;
use tessera_core::Field;

use super::Ctx;
use crate::dom::{el, el_class, target_value, El};
use crate::order_state::OrderState;
use crate::text::{fill, problem};

/// A bounded number field with − and + buttons: never below the tier's minimum per order
/// (1 unless the platform says more), never above what the tier has left or the per-order
/// limit.
pub fn quantity_picker(ctx: &'static Ctx, order: OrderState) -> El {
    let t = ctx.t;
    let min = move || order.min_quantity();
    let max = move || order.max_quantity().max(min());
    let set = move |n: i64| {
        order.quantity.set(n.clamp(i64::from(min()), i64::from(max())) as u32);
        order.touch(Field::Quantity);
    };
    let error = move || order.visible_problem(Field::Quantity).map(|p| problem(t, Field::Quantity, p));
    let hint = move || {
        let (min, n) = (min(), decimal(max().into()));
        if min > 1 {
            fill(t.quantity_range(), &[("min", &decimal(min.into())), ("n", &n)])
        } else {
            fill(t.quantity_hint(), &[("n", &n)])
        }
    };
    let step = |label: &str| {
        el_class("button", "tessera-step")
            .attr("type", "button")
            .attr("aria-label", label)
            .attr("aria-controls", "tessera-qty")
    };
    let input = el("input")
        .attr("id", "tessera-qty")
        .attr("type", "number")
        .attr("inputmode", "numeric")
        .attr_fn("min", move || Some(decimal(min().into())))
        .attr_fn("max", move || Some(decimal(max().into())))
        .attr("aria-describedby", "tessera-qty-hint")
        .aria_fn("aria-invalid", move || error().is_some())
        .prop_fn("value", move || decimal(order.quantity.get().into()).into())
        .on("change", move |ev| set(target_value(&ev).trim().parse::<i64>().unwrap_or(1)));
    el_class("div", "tessera-quantity")
        .attr("part", "quantity")
        .child(el("label").attr("for", "tessera-qty").text(t.quantity()))
        .child(
            el_class("div", "tessera-stepper")
                .child(
                    step(t.decrease())
                        .flag_fn("disabled", move || order.quantity.get() <= min())
                        .on("click", move |_| set(i64::from(order.quantity.get()) - 1))
                        .text("−"),
                )
                .child(input)
                .child(
                    step(t.increase())
                        .flag_fn("disabled", move || order.quantity.get() >= max())
                        .on("click", move |_| set(i64::from(order.quantity.get()) + 1))
                        .text("+"),
                ),
        )
        .child(el_class("p", "tessera-hint").attr("id", "tessera-qty-hint").text_fn(hint))
        .dyn_child(move || error().map(|e| el_class("p", "tessera-field-error").text(&e)))
}
