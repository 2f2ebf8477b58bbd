use leptos::prelude::*;

use crate::context::shop;
use crate::handoff::{Outcome, Return};
use crate::text::fill;

/// Tells the buyer how the hosted checkout ended. Focus moves here so screen readers read it.
#[component]
pub fn ReturnNotice(returned: Return, on_dismiss: Callback<()>) -> impl IntoView {
    let shop = shop();
    let t = shop.t;
    shop.focus_soon("tessera-notice");
    let (class, title, body) = match returned.outcome {
        Outcome::Paid => {
            let body = match &returned.pending {
                Some(p) => fill(
                    t.paid_body(),
                    &[
                        ("quantity", &p.quantity.to_string()),
                        ("tier", &p.tier_name),
                        ("event", &p.event_title),
                        ("email", &p.email),
                    ],
                ),
                None => t.paid_body_generic().to_owned(),
            };
            ("tessera-notice tessera-notice-success", t.paid_title(), body)
        }
        Outcome::Cancelled => {
            ("tessera-notice tessera-notice-cancelled", t.cancelled_title(), t.cancelled_body().to_owned())
        }
    };
    view! { class = "tessera-el",
        <div class=class id="tessera-notice" role="status" tabindex="-1" part="notice">
            <h3 class="tessera-notice-title">{title}</h3>
            <p>{body}</p>
            <button type="button" class="tessera-dismiss" on:click=move |_| on_dismiss.run(())>{t.dismiss()}</button>
        </div>
    }
}
