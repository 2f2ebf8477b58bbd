use leptos::prelude::*;
use tessera_core::Field;

use super::use_ctx;
use crate::order_state::OrderState;
use crate::text::problem;

/// Name, email and optional phone. Problems show once a field is left (or on checkout),
/// next to the field and linked to it for screen readers.
#[component]
pub fn BuyerForm(order: OrderState) -> impl IntoView {
    let t = use_ctx().t;
    view! {
        <fieldset class="tessera-buyer" part="buyer">
            <legend>{t.your_details}</legend>
            <TextField field=Field::Name value=order.name order=order label=t.name kind="text" autocomplete="name"/>
            <TextField field=Field::Email value=order.email order=order label=t.email kind="email" autocomplete="email"/>
            <TextField field=Field::Phone value=order.phone order=order label=t.phone kind="tel" autocomplete="tel" optional=true/>
        </fieldset>
    }
}

#[component]
fn TextField(
    field: Field,
    value: RwSignal<String>,
    order: OrderState,
    label: &'static str,
    kind: &'static str,
    autocomplete: &'static str,
    #[prop(optional)] optional: bool,
) -> impl IntoView {
    let t = use_ctx().t;
    let id = format!("tessera-{}", kind);
    let error_id = format!("{id}-error");
    let error = move || order.visible_problem(field).map(|p| problem(t, field, p));
    let described = {
        let error_id = error_id.clone();
        move || error().map(|_| error_id.clone())
    };
    view! {
        <div class="tessera-field">
            <label for=id.clone()>
                {label}
                {optional.then(|| view! { <span class="tessera-optional">" (" {t.optional} ")"</span> })}
            </label>
            <input id=id type=kind autocomplete=autocomplete required=!optional
                aria-invalid=move || error().is_some().to_string()
                aria-describedby=described
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                on:blur=move |_| order.touch(field)/>
            {move || error().map(|e| view! { <p class="tessera-field-error" id=error_id.clone()>{e}</p> })}
        </div>
    }
}
