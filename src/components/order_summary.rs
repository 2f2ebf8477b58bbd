use leptos::prelude::*;

use crate::context::shop;
use crate::format;
use crate::order::Order;
use crate::text::fill;

/// The order priced by tessera-core (`OrderPrice::with_discount`), the function the proxy
/// also runs. The nodes stay in place while the amounts change, so the polite live region on
/// the total tells screen-reader users each new total.
#[component]
pub fn OrderSummary(order: Order) -> impl IntoView {
    let shop = shop();
    let t = shop.t;
    let locale = StoredValue::new(shop.locale.clone());
    let money = move |m| locale.with_value(|l| format::money(m, l));
    let price = order.price;
    let what = move || {
        let tier = order.selected.with(|t| t.as_ref().map(|t| t.name.clone())).unwrap_or_default();
        format!("{} × {tier}", price.with(|p| p.map_or(0, |p| p.quantity)))
    };
    let subtotal = move || price.get().map(|p| money(p.subtotal)).unwrap_or_default();
    let discount = move || price.get().map(|p| format!("−{}", money(p.discount))).unwrap_or_default();
    let total = move || price.get().map(|p| money(p.total)).unwrap_or_default();
    let discount_label = move || {
        order.promo.with(|p| p.as_ref().map(|p| fill(t.discount(), &[("code", p.code.as_str())])).unwrap_or_default())
    };
    view! { class = "tessera-el",
        <section class="tessera-summary" part="summary" aria-label=t.order_summary() hidden=move || price.with(Option::is_none)>
            <dl>
                <div class="tessera-line">
                    <dt>{what}</dt>
                    <dd>{subtotal}</dd>
                </div>
                <div class="tessera-line tessera-discount" hidden=move || order.promo.with(Option::is_none)>
                    <dt>{discount_label}</dt>
                    <dd class="tessera-discount-amount">{discount}</dd>
                </div>
                <div class="tessera-line tessera-total" aria-live="polite" aria-atomic="true">
                    <dt>{t.total()}</dt>
                    <dd class="tessera-total-amount">{total}</dd>
                </div>
            </dl>
        </section>
    }
}
