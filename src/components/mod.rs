//! The widget's component tree. Each component is a function that builds its elements with
//! `crate::dom` (reactive through Leptos's signals) and returns them.
//!
//! widget
//! ├── return_notice          (payment complete / cancelled, after the hosted checkout)
//! ├── event_list             (list mode: one card per event)
//! └── event_view             (one event)
//!     ├── tier_picker        (radio group; price, availability or sale period per tier)
//!     ├── quantity_picker    (bounded by availability and the tier's per-order limits)
//!     ├── buyer_form         (name, email, optional phone, inline errors)
//!     ├── promo_field        (one preview request, then priced locally)
//!     ├── order_summary      (priced by tessera-core; the total is announced politely)
//!     └── problem_view       (what went wrong and what to do)

mod buyer_form;
mod event_list;
mod event_view;
mod order_summary;
mod problem_view;
mod promo_field;
mod quantity_picker;
mod return_notice;
mod tier_picker;
mod widget;

pub use buyer_form::buyer_form;
pub use event_list::event_list;
pub use event_view::event_view;
pub use order_summary::order_summary;
pub use problem_view::{problem_message, problem_view};
pub use promo_field::promo_field;
pub use quantity_picker::quantity_picker;
pub use return_notice::return_notice;
pub use tier_picker::tier_picker;
pub use widget::{widget, Ctx};

/// Moves focus to the element `id` of this widget once the current render is in the page (by
/// the next frame). Looked up in the widget's shadow root rather than held in a `NodeRef`,
/// whose machinery costs the wasm more than this lookup.
pub fn focus_soon(host: &web_sys::HtmlElement, id: &'static str) {
    let host = host.clone();
    crate::dom::next_frame(move || {
        if let Some(el) = host.shadow_root().and_then(|root| root.get_element_by_id(id)) {
            crate::dom::dom(&el).focus();
        }
    });
}
