//! The widget's component tree:
//!
//! Widget
//! ├── ReturnNotice          (payment complete / cancelled, after the hosted checkout)
//! ├── EventList             (list mode: one card per event)
//! └── EventView             (one event)
//!     ├── TierPicker        (radio group; price and availability per tier)
//!     ├── QuantityPicker    (bounded by availability and the tier's per-order limits)
//!     ├── BuyerForm         (name, email, optional phone, inline errors)
//!     ├── PromoField        (one preview request, then priced locally)
//!     ├── OrderSummary      (priced by tessera-core; the total is announced politely)
//!     ├── SoldElsewhereNote (bought on the platform's own page: says so, links there)
//!     └── ProblemView       (what went wrong and what to do)

mod buyer_form;
mod event_list;
mod event_view;
mod order_summary;
mod problem_view;
mod promo_field;
mod quantity_picker;
mod return_notice;
mod sold_elsewhere;
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
pub use sold_elsewhere::SoldElsewhereNote;
pub use tier_picker::TierPicker;
pub use widget::{use_ctx, Ctx, Widget};
