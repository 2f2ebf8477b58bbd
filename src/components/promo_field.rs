use tessera_core::{Discount, Field, Problem, PromoCode};
use wasm_bindgen_futures::spawn_local;

use super::{focus_soon, problem_message, Ctx};
use crate::api::{self, ApiProblem};
use crate::dom::{el, el_class, target_value, El};
use crate::format;
use crate::order_state::OrderState;
use crate::state::Sig;
use crate::text::{fill, problem};

/// "Have a promo code?": one request to learn the code's rule, then the discount follows
/// every change of tier and quantity locally (see `OrderState::price`).
pub fn promo_field(ctx: &'static Ctx, order: OrderState) -> El {
    let t = ctx.t;
    let proxy = ctx.proxy.as_str();
    let locale = ctx.locale.as_str();
    let open = Sig::new(false);
    let typed = Sig::new(String::new());
    let pending = Sig::new(false);
    // Not about the code itself: offline, rate limited…
    let trouble = Sig::new(None::<String>);
    // Focus goes to the code field once it is shown.
    let focus_code = move || focus_soon(&ctx.host, "tessera-promo");

    let apply = move || {
        trouble.set(None);
        let code = match PromoCode::parse(&typed.get_untracked()) {
            Ok(code) => code,
            // Checked here first: a code that cannot exist costs no request.
            Err(p) => return order.promo_problem.set(Some(p.into())),
        };
        let Some(event_id) = order.event_id() else { return };
        pending.set(true);
        spawn_local(async move {
            let result = api::promo_preview(proxy, &event_id, code.as_str()).await;
            pending.set(false);
            match result {
                Ok(applied) => {
                    order.promo_problem.set(None);
                    order.promo.set(Some(applied));
                }
                Err(ApiProblem::Invalid(fields)) => {
                    let p = fields.iter().find(|f| f.field == Field::PromoCode).map(|f| f.problem);
                    order.promo_problem.set(Some(p.unwrap_or(Problem::Unknown)));
                }
                Err(other) => trouble.set(Some(problem_message(t, &other))),
            }
        });
    };

    let remove = move |_: web_sys::Event| {
        order.promo.set(None);
        order.promo_problem.set(None);
        typed.set(String::new());
        open.set(true);
        focus_code();
    };

    let applied_text = move || {
        order.promo.with(|p| {
            p.as_ref().map(|p| {
                let off = match p.discount {
                    Discount::FixedAmount { amount } => format::money(amount, locale),
                    Discount::Percentage { basis_points } => format::percent(basis_points, locale),
                };
                fill(t.promo_applied(), &[("code", p.code.as_str()), ("off", &off)])
            })
        })
    };
    let error = move || order.promo_problem.get().map(|p| problem(t, Field::PromoCode, p)).or_else(|| trouble.get());

    // Which of the three the field shows. A code refused at checkout comes back with the field
    // open and the code still typed; within one state the nodes stay, so typing keeps its caret.
    let state =
        move || match (order.promo.with(Option::is_some), open.get() || order.promo_problem.with(Option::is_some)) {
            (true, _) => 0u8,
            (false, false) => 1,
            (false, true) => 2,
        };
    let build = move || match state() {
        0 => el_class("p", "tessera-promo-applied")
            .child(el("span").text_fn(move || applied_text().unwrap_or_default()))
            .child(
                el_class("button", "tessera-link").attr("type", "button").on("click", remove).text(t.promo_remove()),
            ),
        1 => el_class("button", "tessera-link")
            .attr("type", "button")
            .attr("aria-expanded", "false")
            .on("click", move |_| {
                open.set(true);
                focus_code();
            })
            .text(t.promo_toggle()),
        _ => {
            let input = el("input")
                .attr("id", "tessera-promo")
                .attr("type", "text")
                .attr("autocomplete", "off")
                .attr("autocapitalize", "characters")
                .attr("spellcheck", "false")
                .aria_fn("aria-invalid", move || error().is_some())
                .attr_fn("aria-describedby", move || error().map(|_| "tessera-promo-error".to_owned()))
                .prop_fn("value", move || typed.get().into())
                .on("input", move |ev| {
                    typed.set(target_value(&ev));
                    open.set(true);
                    order.promo_problem.set(None);
                })
                .on("keydown", move |ev| {
                    // Enter applies the code rather than submitting the whole order.
                    if wasm_bindgen::JsCast::unchecked_ref::<web_sys::KeyboardEvent>(&ev).key() == "Enter" {
                        ev.prevent_default();
                        apply();
                    }
                });
            let apply_button = el_class("button", "tessera-promo-apply")
                .attr("type", "button")
                .on("click", move |_| apply())
                .aria_fn("aria-disabled", move || pending.get())
                .text_fn(move || (if pending.get() { t.promo_applying() } else { t.promo_apply() }).to_owned());
            el_class("div", "tessera-field")
                .child(el("label").attr("for", "tessera-promo").text(t.promo_label()))
                .child(el_class("div", "tessera-promo-row").child(input).child(apply_button))
        }
    };
    el_class("div", "tessera-promo")
        .attr("part", "promo")
        .switch(state, move || vec![build()])
        // Always in the page, so screen readers announce what Apply found.
        .child(
            el_class("p", "tessera-field-error")
                .attr("id", "tessera-promo-error")
                .attr("role", "alert")
                .text_fn(move || error().unwrap_or_default()),
        )
}
