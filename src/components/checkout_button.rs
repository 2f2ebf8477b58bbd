use leptos::prelude::*;

use crate::context::shop;

/// Submits the order form; while the checkout action is pending it says so and is marked
/// disabled for assistive technology (still focusable, so focus is not lost mid-press).
#[component]
pub fn CheckoutButton(pending: Memo<bool>) -> impl IntoView {
    let t = shop().t;
    view! { class = "tessera-el",
        <button type="submit" class="tessera-checkout" part="checkout-button" aria-disabled=move || pending.get().to_string()>
            {move || if pending.get() { t.checkout_pending() } else { t.checkout() }}
        </button>
    }
}
