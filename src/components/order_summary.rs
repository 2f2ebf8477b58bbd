use leptos::prelude::*;

use super::use_ctx;
use crate::format;
use crate::order_state::OrderState;

/// The order priced by `tessera-core` (`OrderPrice::of`), the function the proxy also runs.
#[component]
pub fn OrderSummary(order: OrderState) -> impl IntoView {
    let ctx = use_ctx();
    let t = ctx.t;
    let locale = StoredValue::new(ctx.locale.clone());
    let line = move || {
        let tier = order.selected_tier()?;
        let price = order.price()?;
        let money = |m| locale.with_value(|l| format::money(m, l));
        Some((format!("{} × {}", price.quantity, tier.name), money(price.subtotal), money(price.total)))
    };
    view! {
        {move || line().map(|(what, subtotal, total)| view! {
            <section class="tessera-summary" part="summary" aria-label=t.order_summary>
                <dl>
                    <div class="tessera-line"><dt>{what}</dt><dd>{subtotal}</dd></div>
                    <div class="tessera-line tessera-total"><dt>{t.total}</dt><dd class="tessera-total-amount">{total}</dd></div>
                </dl>
            </section>
        })}
    }
}
