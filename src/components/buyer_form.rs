use leptos::prelude::*;
use tessera_core::Field;

use crate::context::shop;
use crate::order::Order;
use crate::text::problem;

/// Name, email and optional phone. Problems show once a field is left (or on checkout), next
/// to the field and linked to it for screen readers.
#[component]
pub fn BuyerForm(order: Order) -> impl IntoView {
    let t = shop().t;
    view! { class = "tessera-el",
        <fieldset class="tessera-buyer" part="buyer">
            <legend>{t.your_details()}</legend>
            <TextField order field=Field::Name value=order.name label=t.name() kind="text" autocomplete="name" />
            <TextField order field=Field::Email value=order.email label=t.email() kind="email" autocomplete="email" />
            <TextField order field=Field::Phone value=order.phone label=t.phone() kind="tel" autocomplete="tel" optional=true />
        </fieldset>
    }
}

#[component]
fn TextField(
    order: Order,
    field: Field,
    value: RwSignal<String>,
    label: &'static str,
    kind: &'static str,
    autocomplete: &'static str,
    #[prop(optional)] optional: bool,
) -> impl IntoView {
    let t = shop().t;
    let id = format!("tessera-{kind}");
    let error_id = format!("{id}-error");
    let error = move || order.visible_problem(field).map(|p| problem(t, field, p));
    let described_by = {
        let error_id = error_id.clone();
        move || error().map(|_| error_id.clone())
    };
    view! { class = "tessera-el",
        <div class="tessera-field">
            <label for=id.clone()>
                {label}
                {optional.then(|| view! { class = "tessera-el", <span class="tessera-optional">" (" {t.optional()} ")"</span> })}
            </label>
            <input
                id=id
                name=field.as_str().trim_start_matches("customer.")
                type=kind
                autocomplete=autocomplete
                required=!optional
                aria-invalid=move || error().is_some().to_string()
                aria-describedby=described_by
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                on:blur=move |_| order.touch(field)
            />
            {move || error().map(|e| view! { class = "tessera-el", <p class="tessera-field-error" id=error_id.clone()>{e}</p> })}
        </div>
    }
}
