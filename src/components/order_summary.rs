use leptos::prelude::*;

use super::use_ctx;
use crate::format;
use crate::order_state::OrderState;
use crate::text::fill;

/// The order priced by `tessera-core` (`OrderPrice::with_discount`), the function the proxy
/// also runs. The nodes stay in place while the amounts change, so the polite live region on
/// the total tells screen-reader users each new total.
#[component]
pub fn OrderSummary(order: OrderState) -> impl IntoView {
    let ctx = use_ctx();
    let t = ctx.t;
    let locale = StoredValue::new(ctx.locale.clone());
    // Not a Memo: each amount below is worked out again on a change (cheap) and only written
    // to the page when its text differs, which costs the wasm less than a Memo of its own type.
    let price = move || order.price();
    let money = move |m| locale.with_value(|l| format::money(m, l));
    let what = move || {
        let tier = order.selected_tier().map(|t| t.name).unwrap_or_default();
        format!("{} × {}", price().map(|p| p.quantity).unwrap_or(0), tier)
    };
    let subtotal = move || price().map(|p| money(p.subtotal)).unwrap_or_default();
    let discount = move || price().map(|p| format!("−{}", money(p.discount))).unwrap_or_default();
    let total = move || price().map(|p| money(p.total)).unwrap_or_default();
    let discount_label = move || {
        order.promo.with(|p| p.as_ref().map(|p| fill(t.discount, &[("code", p.code.as_str())])).unwrap_or_default())
    };
    let has_promo = move || order.promo.with(Option::is_some);
    view! {
        <section class="tessera-summary" part="summary" aria-label=t.order_summary
            hidden=move || price().is_none()>
            <dl>
                <div class="tessera-line"><dt>{what}</dt><dd>{subtotal}</dd></div>
                <div class="tessera-line tessera-discount" hidden=move || !has_promo()>
                    <dt>{discount_label}</dt><dd class="tessera-discount-amount">{discount}</dd>
                </div>
                <div class="tessera-line tessera-total" aria-live="polite" aria-atomic="true">
                    <dt>{t.total}</dt><dd class="tessera-total-amount">{total}</dd>
                </div>
            </dl>
        </section>
    }
}
