use super::Ctx;
use crate::dom::{el, el_class, El};
use crate::format;
use crate::order_state::OrderState;
use crate::text::fill;
use tessera_core::text::decimal;

/// The order priced by `tessera-core` (`OrderPrice::with_discount`), the function the proxy
/// also runs. The nodes stay in place while the amounts change, so the polite live region on
/// the total tells screen-reader users each new total.
pub fn order_summary(ctx: &'static Ctx, order: OrderState) -> El {
    let t = ctx.t;
    let locale = ctx.locale.as_str();
    // Not a Memo: each amount below is worked out again on a change (cheap) and only written
    // to the page when its text differs.
    let price = move || order.price();
    let money = move |m| format::money(m, locale);
    let what = move || {
        let tier = order.selected_tier().map(|t| t.name).unwrap_or_default();
        [decimal(price().map_or(0, |p| p.quantity).into()).as_str(), " × ", &tier].concat()
    };
    let subtotal = move || price().map(|p| money(p.subtotal)).unwrap_or_default();
    let discount = move || price().map(|p| ["−", &money(p.discount)].concat()).unwrap_or_default();
    let total = move || price().map(|p| money(p.total)).unwrap_or_default();
    let discount_label = move || {
        order.promo.with(|p| p.as_ref().map(|p| fill(t.discount(), &[("code", p.code.as_str())])).unwrap_or_default())
    };
    let line = |class: &str| el_class("div", class);
    el_class("section", "tessera-summary")
        .attr("part", "summary")
        .attr("aria-label", t.order_summary())
        .flag_fn("hidden", move || price().is_none())
        .child(
            el("dl")
                .child(line("tessera-line").child(el("dt").text_fn(what)).child(el("dd").text_fn(subtotal)))
                .child(
                    line("tessera-line tessera-discount")
                        .flag_fn("hidden", move || order.promo.with(Option::is_none))
                        .child(el("dt").text_fn(discount_label))
                        .child(el_class("dd", "tessera-discount-amount").text_fn(discount)),
                )
                .child(
                    line("tessera-line tessera-total")
                        .attr("aria-live", "polite")
                        .attr("aria-atomic", "true")
                        .child(el("dt").text(t.total()))
                        .child(el_class("dd", "tessera-total-amount").text_fn(total)),
                ),
        )
}
