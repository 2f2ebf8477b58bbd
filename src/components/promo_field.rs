use leptos::prelude::*;
use leptos::task::spawn_local;
use tessera_core::{Discount, Field, Problem, PromoCode};

use super::{focus_soon, problem_message, use_ctx};
use crate::api::{self, ApiProblem};
use crate::format;
use crate::order_state::OrderState;
use crate::text::{fill, problem};

/// "Have a promo code?": one request to learn the code's rule, then the discount follows
/// every change of tier and quantity locally (see `OrderState::price`).
#[component]
pub fn PromoField(order: OrderState) -> impl IntoView {
    let ctx = use_ctx();
    let t = ctx.t;
    let proxy = StoredValue::new(ctx.proxy.clone());
    let locale = StoredValue::new(ctx.locale.clone());
    let open = RwSignal::new(false);
    let typed = RwSignal::new(String::new());
    let pending = RwSignal::new(false);
    // Not about the code itself: offline, rate limited…
    let trouble = RwSignal::new(None::<String>);
    let host = StoredValue::new_local(ctx.host.clone());
    // Focus goes to the code field once it is shown.
    let focus_code = move || host.with_value(|h| focus_soon(h, "tessera-promo"));

    let apply = move || {
        trouble.set(None);
        let code = match PromoCode::parse(&typed.get_untracked()) {
            Ok(code) => code,
            // Checked here first: a code that cannot exist costs no request.
            Err(p) => return order.promo_problem.set(Some(p.into())),
        };
        let Some(event_id) = order.event.with_untracked(|e| e.as_ref().map(|e| e.id.to_string())) else { return };
        pending.set(true);
        spawn_local(async move {
            let result = api::promo_preview(&proxy.get_value(), &event_id, code.as_str()).await;
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

    let remove = move |_| {
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
                    Discount::FixedAmount { amount } => locale.with_value(|l| format::money(amount, l)),
                    percentage => percentage.describe(),
                };
                fill(t.promo_applied, &[("code", p.code.as_str()), ("off", &off)])
            })
        })
    };
    let error = move || order.promo_problem.get().map(|p| problem(t, Field::PromoCode, p)).or_else(|| trouble.get());

    view! {
        <div class="tessera-promo" part="promo">
            // A code refused at checkout comes back with the field open and the code still typed.
            {move || match (applied_text(), open.get() || order.promo_problem.with(Option::is_some)) {
                (Some(text), _) => view! {
                    <p class="tessera-promo-applied">
                        <span>{text}</span>
                        <button type="button" class="tessera-link" on:click=remove>{t.promo_remove}</button>
                    </p>
                }.into_any(),
                (None, false) => view! {
                    <button type="button" class="tessera-link" aria-expanded="false"
                        on:click=move |_| {
                            open.set(true);
                            focus_code();
                        }>
                        {t.promo_toggle}
                    </button>
                }.into_any(),
                (None, true) => view! {
                    <div class="tessera-field">
                        <label for="tessera-promo">{t.promo_label}</label>
                        <div class="tessera-promo-row">
                            <input id="tessera-promo" type="text"
                                autocomplete="off" autocapitalize="characters" spellcheck="false"
                                aria-invalid=move || error().is_some().to_string()
                                aria-describedby=move || error().map(|_| "tessera-promo-error")
                                prop:value=move || typed.get()
                                on:input=move |ev| { typed.set(event_target_value(&ev)); open.set(true); order.promo_problem.set(None); }
                                on:keydown=move |ev| {
                                    // Enter applies the code rather than submitting the whole order.
                                    if ev.key() == "Enter" { ev.prevent_default(); apply(); }
                                }/>
                            <button type="button" class="tessera-promo-apply" on:click=move |_| apply()
                                aria-disabled=move || pending.get().to_string()>
                                {move || if pending.get() { t.promo_applying } else { t.promo_apply }}
                            </button>
                        </div>
                    </div>
                }.into_any(),
            }}
            // Always in the page, so screen readers announce what Apply found.
            <p class="tessera-field-error" id="tessera-promo-error" role="alert">{error}</p>
        </div>
    }
}
