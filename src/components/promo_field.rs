use leptos::prelude::*;
use tessera_core::{AppliedPromo, Discount, Field, Problem, PromoCode};

use super::problem_message;
use crate::api::{self, ApiProblem};
use crate::context::shop;
use crate::format;
use crate::order::Order;
use crate::text::{fill, problem};

/// Which of its three faces the promo field shows.
#[derive(Clone, Copy, PartialEq)]
enum Face {
    /// "Have a promo code?"
    Closed,
    /// The code field and Apply.
    Open,
    /// "EARLYBIRD applied: 20% off." and Remove.
    Applied,
}

/// "Have a promo code?": one request (an `Action`) to learn the code's rule, then the discount
/// follows every change of tier and quantity locally (`Order::price`).
#[component]
pub fn PromoField(order: Order) -> impl IntoView {
    let shop = shop();
    let t = shop.t;
    let open = RwSignal::new(false);
    let typed = RwSignal::new(String::new());
    // Not about the code itself: offline, rate limited…
    let trouble = RwSignal::new(None::<String>);
    let preview = Action::new_local({
        let proxy = shop.proxy.clone();
        move |(event_id, code): &(String, PromoCode)| {
            let (proxy, event_id, code) = (proxy.clone(), event_id.clone(), code.clone());
            async move { api::promo_preview(&proxy, &event_id, code.as_str()).await }
        }
    });
    Effect::new(move |_| match preview.value().get() {
        None => {}
        Some(Ok(applied)) => {
            order.promo_problem.set(None);
            order.promo.set(Some(applied));
        }
        Some(Err(ApiProblem::Invalid(fields))) => {
            let p = fields.iter().find(|f| f.field == Field::PromoCode).map(|f| f.problem);
            order.promo_problem.set(Some(p.unwrap_or(Problem::Unknown)));
        }
        Some(Err(other)) => trouble.set(Some(problem_message(t, &other))),
    });
    let apply = move || {
        trouble.set(None);
        match PromoCode::parse(&typed.get_untracked()) {
            // Checked here first: a code that cannot exist costs no request.
            Err(p) => order.promo_problem.set(Some(p.into())),
            Ok(code) => {
                if let Some(event_id) = order.event_id() {
                    preview.dispatch((event_id, code));
                }
            }
        }
    };
    let focus_code = {
        let shop = shop.clone();
        move || shop.focus_soon("tessera-promo")
    };
    let remove = {
        let focus_code = focus_code.clone();
        move |_| {
            order.promo.set(None);
            order.promo_problem.set(None);
            typed.set(String::new());
            open.set(true);
            focus_code();
        }
    };
    let error = move || order.promo_problem.get().map(|p| problem(t, Field::PromoCode, p)).or_else(|| trouble.get());
    // A code refused at checkout comes back with the field open and the code still typed;
    // within one face the nodes stay, so typing keeps its caret.
    let face = Memo::new(move |_| {
        if order.promo.with(Option::is_some) {
            Face::Applied
        } else if open.get() || order.promo_problem.with(Option::is_some) {
            Face::Open
        } else {
            Face::Closed
        }
    });
    let applied_text = move || {
        let locale = shop.locale.clone();
        order.promo.with(|p| p.as_ref().map(|p| applied(t, p, &locale))).unwrap_or_default()
    };
    let pending = preview.pending();
    view! { class = "tessera-el",
        <div class="tessera-promo" part="promo">
            {move || match face.get() {
                Face::Applied => view! { class = "tessera-el",
                    <p class="tessera-promo-applied">
                        <span>{applied_text.clone()}</span>
                        <button type="button" class="tessera-link" on:click=remove.clone()>{t.promo_remove()}</button>
                    </p>
                }
                .into_any(),
                Face::Closed => {
                    let focus_code = focus_code.clone();
                    view! { class = "tessera-el",
                        <button
                            type="button"
                            class="tessera-link"
                            aria-expanded="false"
                            on:click=move |_| {
                                open.set(true);
                                focus_code();
                            }
                        >
                            {t.promo_toggle()}
                        </button>
                    }
                    .into_any()
                }
                Face::Open => view! { class = "tessera-el",
                    <div class="tessera-field">
                        <label for="tessera-promo">{t.promo_label()}</label>
                        <div class="tessera-promo-row">
                            <input
                                id="tessera-promo"
                                type="text"
                                autocomplete="off"
                                autocapitalize="characters"
                                spellcheck="false"
                                aria-invalid=move || error().is_some().to_string()
                                aria-describedby=move || error().map(|_| "tessera-promo-error")
                                prop:value=move || typed.get()
                                on:input=move |ev| {
                                    typed.set(event_target_value(&ev));
                                    open.set(true);
                                    order.promo_problem.set(None);
                                }
                                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                                    // Enter applies the code rather than submitting the whole order.
                                    if ev.key() == "Enter" {
                                        ev.prevent_default();
                                        apply();
                                    }
                                }
                            />
                            <button
                                type="button"
                                class="tessera-promo-apply"
                                aria-disabled=move || pending.get().to_string()
                                on:click=move |_| apply()
                            >
                                {move || if pending.get() { t.promo_applying() } else { t.promo_apply() }}
                            </button>
                        </div>
                    </div>
                }
                .into_any(),
            }}
            // Always in the page, so screen readers announce what Apply found.
            <p class="tessera-field-error" id="tessera-promo-error" role="alert">{move || error().unwrap_or_default()}</p>
        </div>
    }
}

/// "EARLYBIRD applied: 20% off."
fn applied(t: &crate::text::Texts, promo: &AppliedPromo, locale: &str) -> String {
    let off = match promo.discount {
        Discount::FixedAmount { amount } => format::money(amount, locale),
        Discount::Percentage { basis_points } => format::percent(basis_points, locale),
    };
    fill(t.promo_applied(), &[("code", promo.code.as_str()), ("off", &off)])
}
