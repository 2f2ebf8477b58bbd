//! The widget's component tree:
//!
//! Widget
//! ├── ReturnNotice          (payment complete / cancelled, after the hosted checkout)
//! ├── EventList             (list mode: one card per event)
//! └── EventView             (one event)
//!     ├── TierPicker        (radio group; price, availability or sale period per tier)
//!     ├── QuantityPicker    (bounded by availability and the tier's per-order limits)
//!     ├── BuyerForm         (name, email, optional phone, inline errors)
//!     ├── PromoField        (one preview request, then priced locally)
//!     ├── OrderSummary      (priced by tessera-core; the total is announced politely)
//!     └── ProblemView       (what went wrong and what to do)

use leptos::prelude::request_animation_frame;

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

pub use buyer_form::BuyerForm;
pub use event_list::EventList;
pub use event_view::EventView;
pub use order_summary::OrderSummary;
pub use problem_view::{problem_message, ProblemView};
pub use promo_field::PromoField;
pub use quantity_picker::QuantityPicker;
pub use return_notice::ReturnNotice;
pub use tier_picker::TierPicker;
pub use widget::{use_ctx, Ctx, Widget};

/// Moves focus to the element `id` of this widget once the current render is in the page (by
/// the next frame). Looked up in the widget's shadow root rather than held in a `NodeRef`,
/// whose machinery costs the wasm more than this lookup.
pub fn focus_soon(host: &web_sys::HtmlElement, id: &'static str) {
    let host = host.clone();
    request_animation_frame(move || {
        if let Some(el) = host.shadow_root().and_then(|root| root.get_element_by_id(id)) {
            let _ = wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(el).focus();
        }
    });
}
