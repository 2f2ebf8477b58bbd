use leptos::prelude::*;
use tessera_core::Field;

use crate::context::shop;
use crate::order::Order;
use crate::text::{fill, problem};

/// A bounded number field with − and + buttons: never below the tier's minimum per order
/// (1 unless the platform says more), never above what the tier has left or the per-order
/// limit.
#[component]
pub fn QuantityPicker(order: Order) -> impl IntoView {
    let t = shop().t;
    let min = move || order.min_quantity();
    let max = move || order.max_quantity().max(min());
    let set = move |n: i64| {
        order.quantity.set(n.clamp(i64::from(min()), i64::from(max())) as u32);
        order.touch(Field::Quantity);
    };
    let error = move || order.visible_problem(Field::Quantity).map(|p| problem(t, Field::Quantity, p));
    let hint = move || {
        let (min, max) = (min(), max());
        if min > 1 {
            fill(t.quantity_range(), &[("min", &min.to_string()), ("n", &max.to_string())])
        } else {
            t.quantity_hint(max)
        }
    };
    let at_least = move || order.quantity.get() <= min();
    let at_most = move || order.quantity.get() >= max();
    view! { class = "tessera-el",
        <div class="tessera-quantity" part="quantity">
            <label for="tessera-qty">{t.quantity()}</label>
            <div class="tessera-stepper">
                <button
                    type="button"
                    class="tessera-step"
                    aria-label=t.decrease()
                    aria-controls="tessera-qty"
                    disabled=at_least
                    on:click=move |_| set(i64::from(order.quantity.get()) - 1)
                >
                    "−"
                </button>
                <input
                    id="tessera-qty"
                    name="quantity"
                    type="number"
                    inputmode="numeric"
                    min=move || min().to_string()
                    max=move || max().to_string()
                    aria-describedby="tessera-qty-hint"
                    aria-invalid=move || error().is_some().to_string()
                    value=order.quantity.get_untracked().to_string()
                    prop:value=move || order.quantity.get().to_string()
                    on:change=move |ev| set(event_target_value(&ev).trim().parse::<i64>().unwrap_or(1))
                />
                <button
                    type="button"
                    class="tessera-step"
                    aria-label=t.increase()
                    aria-controls="tessera-qty"
                    disabled=at_most
                    on:click=move |_| set(i64::from(order.quantity.get()) + 1)
                >
                    "+"
                </button>
            </div>
            <p class="tessera-hint" id="tessera-qty-hint">{hint}</p>
            {move || error().map(|e| view! { class = "tessera-el", <p class="tessera-field-error">{e}</p> })}
        </div>
    }
}
